/*
 * admin.h: the shared context and command table of sayso-admin.
 *
 * Git/tmux style: `sayso-admin [--db PATH] [--config PATH] COMMAND ...`.
 * Each noun lives in admin/cmd_<noun>.c; cmdtab.c lists every command in one
 * table. Exit codes: 0 ok, 1 error, 2 usage.
 */
#ifndef SAYSO_ADMIN_H
#define SAYSO_ADMIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include "sayso/config.h"
#include "sayso/store.h"
#include "sayso/tally.h"

#define ADMIN_EXIT_OK 0
#define ADMIN_EXIT_ERROR 1
#define ADMIN_EXIT_USAGE 2

struct admin_ctx {
	struct sayso_config cfg; /* loaded before the command runs */
	const char *db_path;	 /* --db, else cfg.site.database */
	const char *secret_path; /* --secret, else cfg.site.secret ("" =
				    <database>.secret) */
	const char *actor;	 /* for the audit log: "admin:<user>" */
	FILE *out;		 /* stdout (tests may redirect) */
	FILE *err;		 /* stderr */
	bool tty;		 /* out is a terminal: progress lines allowed */
	struct sayso_store *st;	 /* opened lazily by admin_store() */
};

/*
 * Opens the database for a command (flags as sayso_store_open). Prints a clear
 * message to ctx->err and returns NULL on failure.
 */
struct sayso_store *admin_store(struct admin_ctx *ctx, unsigned flags);

/* How a command opens the database (admin_open). */
enum admin_access {
	ADMIN_READ,  /* read-only, without the site secret */
	ADMIN_WRITE, /* read-write, as device "admin" for the audit log */
};

/*
 * The preamble of most commands, after their arguments are checked: opens
 * ctx->st for acc (admin_store). ADMIN_EXIT_OK, or ADMIN_EXIT_ERROR with the
 * message printed.
 */
int admin_open(struct admin_ctx *ctx, enum admin_access acc);

struct sayso_round;
/* admin_open, then loads round code into *r (admin_round): ADMIN_EXIT_OK, or
 * ADMIN_EXIT_ERROR with the message printed. */
int admin_open_round(struct admin_ctx *ctx, enum admin_access acc,
		     const char *code, struct sayso_round *r);

/* One command: words is the command path ("round create"), run gets the
 * arguments after it (argv[0] is the last word of the command). */
struct admin_cmd {
	const char *words;   /* "round create" */
	const char *usage;   /* "CODE --title T --budget N [...]" */
	const char *summary; /* one line for --help */
	int (*run)(struct admin_ctx *ctx, int argc, char **argv);
};

/* Every command (cmdtab.c), ended by an entry with words == NULL. */
extern const struct admin_cmd admin_cmds[];

/* ---- shared helpers (cli.c, out.c): for every command file ---- */

enum admin_format { ADMIN_FMT_TABLE, ADMIN_FMT_CSV, ADMIN_FMT_JSON };

/* One option of a command: "--name VALUE" (str) or "--name" (flag). */
struct admin_opt {
	const char *name; /* without the dashes: "title" */
	const char **str; /* receives the value (argv storage), or NULL */
	bool *flag;	  /* set to true when present, or NULL */
};

/*
 * Parses argv (argv[0] is the command word) into the options (a list ended by
 * a NULL name) and up to maxpos positional arguments. Accepts "--name value",
 * "--name=value" and "--" (end of options). Prints a one-line usage error
 * naming the command and returns ADMIN_EXIT_USAGE; 0 on success.
 */
int admin_args(struct admin_ctx *ctx, const char *cmd, int argc, char **argv,
	       const struct admin_opt *opts, char **pos, int maxpos, int minpos,
	       int *npos);

/* Parses a whole number in [min, max] given for option/field what. Prints
 * "cmd: --what: ..." and returns ADMIN_EXIT_USAGE on failure. */
int admin_int(struct admin_ctx *ctx, const char *cmd, const char *what,
	      const char *s, long long min, long long max, long long *out);

/* Parses "table", "csv" or "json" (NULL = table); usage error otherwise. */
int admin_format(struct admin_ctx *ctx, const char *cmd, const char *s,
		 enum admin_format *out);

/* Parses --rule: "greedy", "mes" or "approval" into *out; NULL leaves *out
 * as it is. Usage error naming cmd otherwise. */
int admin_rule(struct admin_ctx *ctx, const char *cmd, const char *s,
	       enum sayso_rule *out);

/* admin_args, then admin_format on the value of the option named "format" in
 * opts (table when opts has none or it was not given) into *fmt. */
int admin_args_fmt(struct admin_ctx *ctx, const char *cmd, int argc,
		   char **argv, const struct admin_opt *opts, char **pos,
		   int maxpos, int minpos, int *npos, enum admin_format *fmt);

/* Prints "sayso-admin: " + message + newline to ctx->err; returns
 * ADMIN_EXIT_ERROR. */
int admin_fail(struct admin_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints a store failure: "sayso-admin: what: <detail>"; returns
 * ADMIN_EXIT_ERROR. */
int admin_fail_store(struct admin_ctx *ctx, const char *what,
		     enum sayso_err err);

/* Aligned text tables that can also print as RFC 4180 CSV. Cells are copied.
 * align is one char per column: 'l' or 'r'. */
struct admin_table;
struct admin_table *admin_table_new(size_t ncols, const char *const *headers,
				    const char *align);
/* Adds a row of ncols cells (NULL cell = ""). false when out of memory. */
bool admin_table_add(struct admin_table *t, const char *const *cells);
/* Prints as an aligned table (header, then rows) or as CSV with a header. */
void admin_table_print(const struct admin_table *t, FILE *out,
		       enum admin_format fmt);
void admin_table_free(struct admin_table *t);

/* RFC 4180: one field (quoted when needed) / a row ended by CRLF. */
void admin_csv_field(FILE *out, const char *s);
void admin_csv_row(FILE *out, const char *const *cells, size_t n);

/*
 * A strict RFC 4180 reader for imports. Each record knows the line it started
 * on. Fields longer than ADMIN_CSV_FIELD_MAX or more than ADMIN_CSV_COLS_MAX
 * per record are errors. A quote inside an unquoted field, text after a
 * closing quote and an unterminated quoted field are errors naming the line.
 */
#define ADMIN_CSV_FIELD_MAX 4096
#define ADMIN_CSV_COLS_MAX 64
struct admin_csv;
struct admin_csv *admin_csv_open(FILE *in, char sep);
/* 1 = a record in *fields and *n (valid until the next call), 0 = end of file,
 * -1 = error (admin_csv_error() says what, admin_csv_line() where). */
int admin_csv_next(struct admin_csv *c, char ***fields, size_t *n);
long admin_csv_line(const struct admin_csv *c); /* line the record began on */
const char *admin_csv_error(const struct admin_csv *c);
void admin_csv_free(struct admin_csv *c);

/* Progress line on stderr, only when ctx->tty: "what: done/total (pct%)",
 * "what: done" when total is 0, "what..." when done < 0; end clears it. */
void admin_progress(struct admin_ctx *ctx, const char *what, long long done,
		    long long total);
void admin_progress_end(struct admin_ctx *ctx);

/* A JSON value (jansson json_t *, stolen) printed with two-space indent and a
 * newline. Declared with void * so this header does not need jansson.h. */
int admin_json_print(struct admin_ctx *ctx, void *json);
/* Money in the currency's major unit as a JSON number (integer when whole). */
void *admin_json_money(int64_t minor, const char *currency);

/* A json_t string of s (NULL is ""): invalid UTF-8 replaced by U+FFFD
 * rather than the key dropped (jansson refuses invalid UTF-8). NULL only
 * when out of memory. Use it for every stored text in JSON output. */
void *admin_json_str(const char *s);

/* Stored text (titles, report text, streets, answers) as it may be shown
 * on a terminal: control characters and bidi overrides removed, tabs and
 * line breaks made spaces, invalid UTF-8 replaced (sayso_utf8_clean with
 * SAYSO_UTF8_TERMINAL). admin_term_dup: malloc'd, NULL when out of memory;
 * admin_term_puts: writes it to out. Every table printed as text goes
 * through it. */
char *admin_term_dup(const char *s);
void admin_term_puts(FILE *out, const char *s);

/* Prints the usage of the command named words ("round create"). */
void admin_usage(struct admin_ctx *ctx, const char *words, FILE *to);
/* 0 when the option --name of cmd was given a non-empty value; otherwise
 * prints "sayso-admin CMD: --NAME is required" and cmd's usage to stderr
 * and returns ADMIN_EXIT_USAGE. */
int admin_require(struct admin_ctx *ctx, const char *cmd, const char *name,
		  const char *value);

/* ---- the commands (cmd_NOUN.c; the results ones are in html.h) ---- */
int admin_cmd_init(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_round_create(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_round_list(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_round_show(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_round_open(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_round_close(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_project_add(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_project_list(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_project_import(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_project_edit(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_project_withdraw(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_round_edit(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_ballot_list(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_ballot_void(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_ballot_import(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_ballot_add(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_codes_generate(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_codes_import(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_codes_void(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_codes_list(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_tally(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_import_pb(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_export_pb(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_merge(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_kiosk_enrol(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_merge_held_list(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_merge_held_accept(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_merge_held_reject(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_voters_report(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_erase(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_backup(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_check(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_migrate(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_doctor(struct admin_ctx *ctx, int argc, char **argv);
/* Walkabouts and partners (cmd_walkabout.c, cmd_partner.c; issue 14). */
int admin_cmd_walkabout_start(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_walkabout_list(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_walkabout_show(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_walkabout_log(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_walkabout_check(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_walkabout_issues(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_partner_add(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_partner_list(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_partner_route(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_partner_issues(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_report_assign(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_report_duplicate(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_reports_duplicates(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_report_history(struct admin_ctx *ctx, int argc, char **argv);

/* Loads round code for a command; prints "no round 'X'" and returns
 * ADMIN_EXIT_ERROR when there is none. */
int admin_round(struct admin_ctx *ctx, const char *code,
		struct sayso_round *out);
/* Resolves exactly one of --phone / --code into a resident id (rid >=
 * SAYSO_RESIDENT_ID_LEN + 1) with ctx->st's secret; record also stores the
 * resident row. Prints the error and returns 1 or 2 on failure. */
int admin_resident_arg(struct admin_ctx *ctx, const char *cmd,
		       const char *phone, const char *code, bool record,
		       char *rid, size_t ridsz);
/* Copies s into out cut to at most maxw code points (ending in "..." when
 * cut), for titles in text tables. */
void admin_shorten(const char *s, size_t maxw, char *out, size_t outsz);
/* Money without the currency sign, for CSV: "12000", "1234.50". */
void admin_money_plain(int64_t minor, const char *currency, char *out,
		       size_t outsz);
/* Writes a file atomically: opens path.tmp-XXXXXX for writing; finish
 * flushes, fsyncs and renames it over path (or removes it when ok is false).
 * Returns NULL / ADMIN_EXIT_ERROR with a message on failure. */
FILE *admin_file_begin(struct admin_ctx *ctx, const char *path, char *tmp,
		       size_t tmpsz);
int admin_file_finish(struct admin_ctx *ctx, FILE *f, const char *tmp,
		      const char *path, bool ok);

/* Entry point used by main.c and by tests: runs one command line. */
int admin_main(int argc, char **argv, FILE *out, FILE *err);

#endif

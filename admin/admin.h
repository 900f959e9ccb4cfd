/*
 * admin.h: the shared context and command table of sayso-admin.
 *
 * Git/tmux style: `sayso-admin [--db PATH] [--config PATH] COMMAND ...`.
 * Each noun lives in admin/cmd_<noun>.c and exports its entries through a
 * table; cmdtab.c joins the tables. Exit codes: 0 ok, 1 error, 2 usage.
 */
#ifndef SAYSO_ADMIN_H
#define SAYSO_ADMIN_H

#include <stdbool.h>
#include <stdio.h>
#include "sayso/config.h"
#include "sayso/store.h"

#define ADMIN_EXIT_OK 0
#define ADMIN_EXIT_ERROR 1
#define ADMIN_EXIT_USAGE 2

struct admin_ctx {
	struct sayso_config cfg; /* loaded before the command runs */
	const char *db_path;     /* --db, else cfg.site.database */
	const char *actor;       /* for the audit log: "admin:<user>" */
	FILE *out;               /* stdout (tests may redirect) */
	FILE *err;               /* stderr */
	bool tty;                /* out is a terminal: progress lines allowed */
	struct sayso_store *st;  /* opened lazily by admin_store() */
};

/*
 * Opens the database for a command (flags as sayso_store_open). Prints a clear
 * message to ctx->err and returns NULL on failure.
 */
struct sayso_store *admin_store(struct admin_ctx *ctx, unsigned flags);

/* One command: words is the command path ("round create"), run gets the
 * arguments after it (argv[0] is the last word of the command). */
struct admin_cmd {
	const char *words;   /* "round create" */
	const char *usage;   /* "CODE --title T --budget N [...]" */
	const char *summary; /* one line for --help */
	int (*run)(struct admin_ctx *ctx, int argc, char **argv);
};

/* Tables, each ended by an entry with words == NULL. */
extern const struct admin_cmd admin_core_cmds[];    /* admin helper's commands */
extern const struct admin_cmd admin_results_cmds[]; /* results/qr/ratings/reports */

/* Entry point used by main.c and by tests: runs one command line. */
int admin_main(int argc, char **argv, FILE *out, FILE *err);

#endif

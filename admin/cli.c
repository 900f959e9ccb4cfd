/*
 * cli.c: the front of sayso-admin: global options, finding the command,
 * per-command --help, argument parsing and exit codes.
 *
 * `sayso-admin [--db PATH] [--config PATH] COMMAND ...`, git style. Commands
 * come from one table (admin_cmds in cmdtab.c); a command is found by the
 * longest run of words that matches ("round create" before "round"). Exit codes
 * are a contract: 0 ok, 1 error (message on stderr, nothing written), 2 usage.
 *
 * The database is opened lazily by admin_store(), so `--help` and usage
 * errors never touch it, and read-only commands can open it read-only.
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "sayso/log.h"
#include "sayso/round.h"

static FILE *log_to;

static void log_sink(enum sayso_log_level level, const char *msg, void *ud)
{
	(void)ud;
	if (log_to)
		fprintf(log_to, "sayso-admin: %s: %s\n",
			sayso_log_level_name(level), msg);
}

int admin_fail(struct admin_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	fputs("sayso-admin: ", ctx->err);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	return ADMIN_EXIT_ERROR;
}

int admin_fail_store(struct admin_ctx *ctx, const char *what,
		     enum sayso_err err)
{
	const char *msg = ctx->st ? sayso_store_errmsg(ctx->st) : NULL;
	if (!msg || !*msg)
		msg = sayso_strerror(err);
	return admin_fail(ctx, "%s: %s", what, msg);
}

struct sayso_store *admin_store(struct admin_ctx *ctx, unsigned flags)
{
	if (ctx->st)
		return ctx->st;
	if (!(flags & (SAYSO_STORE_INIT | SAYSO_STORE_CREATE)) &&
	    strcmp(ctx->db_path, ":memory:") != 0 &&
	    !sayso_store_is_server(ctx->db_path) &&
	    access(ctx->db_path, F_OK) != 0) {
		admin_fail(ctx,
			   "%s: no such database (create it with "
			   "`sayso-admin --db %s init`)",
			   ctx->db_path, ctx->db_path);
		return NULL;
	}
	char errbuf[SAYSO_ERRMSG_MAX];
	errbuf[0] = '\0';
	struct sayso_store *st = NULL;
	enum sayso_err e = sayso_store_open_at(
	    ctx->db_path, ctx->secret_path, flags, &st, errbuf, sizeof errbuf);
	if (e != SAYSO_OK) {
		admin_fail(ctx, "%s", errbuf[0] ? errbuf : sayso_strerror(e));
		return NULL;
	}
	if (!(flags & SAYSO_STORE_READONLY)) {
		e = sayso_store_set_device(st, "admin", "admin");
		if (e != SAYSO_OK) {
			admin_fail(ctx, "%s", sayso_store_errmsg(st));
			sayso_store_close(st);
			return NULL;
		}
	}
	ctx->st = st;
	return st;
}

int admin_round(struct admin_ctx *ctx, const char *code,
		struct sayso_round *out)
{
	enum sayso_err e = sayso_round_get(ctx->st, code, out);
	if (e == SAYSO_ERR_NOTFOUND)
		return admin_fail(ctx,
				  "no round '%s' in %s (see sayso-admin round "
				  "list)",
				  code, ctx->db_path);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, code, e);
	return ADMIN_EXIT_OK;
}

int admin_open(struct admin_ctx *ctx, enum admin_access acc)
{
	unsigned flags = 0;

	switch (acc) {
	case ADMIN_READ:
		flags = SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET;
		break;
	case ADMIN_WRITE:
		flags = 0;
		break;
	}
	return admin_store(ctx, flags) ? ADMIN_EXIT_OK : ADMIN_EXIT_ERROR;
}

int admin_open_round(struct admin_ctx *ctx, enum admin_access acc,
		     const char *code, struct sayso_round *r)
{
	int rc = admin_open(ctx, acc);

	if (rc == ADMIN_EXIT_OK)
		rc = admin_round(ctx, code, r);
	return rc;
}

/* ---- the command table ---- */

static size_t nwords(const char *words)
{
	size_t n = 1;
	for (const char *p = words; *p; p++)
		if (*p == ' ')
			n++;
	return n;
}

/* Whether argv[0..] starts with the words of w; *k receives the count. */
static bool matches(const char *w, int argc, char **argv, size_t *k)
{
	size_t n = nwords(w);
	if ((size_t)argc < n)
		return false;
	const char *p = w;
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(p, " ");
		if (strlen(argv[i]) != len || strncmp(argv[i], p, len) != 0)
			return false;
		p += len;
		if (*p == ' ')
			p++;
	}
	*k = n;
	return true;
}

static const struct admin_cmd *find(int argc, char **argv, size_t *k)
{
	const struct admin_cmd *best = NULL;
	size_t bestk = 0;
	for (const struct admin_cmd *c = admin_cmds; c->words; c++) {
		size_t n;
		if (matches(c->words, argc, argv, &n) && n > bestk) {
			best = c;
			bestk = n;
		}
	}
	*k = bestk;
	return best;
}

static const struct admin_cmd *find_words(const char *words)
{
	for (const struct admin_cmd *c = admin_cmds; c->words; c++)
		if (strcmp(c->words, words) == 0)
			return c;
	return NULL;
}

int admin_require(struct admin_ctx *ctx, const char *cmd, const char *name,
		  const char *value)
{
	if (value && *value)
		return 0;
	fprintf(ctx->err, "sayso-admin %s: --%s is required\n", cmd, name);
	admin_usage(ctx, cmd, ctx->err);
	return ADMIN_EXIT_USAGE;
}

void admin_usage(struct admin_ctx *ctx, const char *words, FILE *to)
{
	(void)ctx;
	const struct admin_cmd *c = find_words(words);
	if (!c)
		return;
	fprintf(to, "usage: sayso-admin %s%s%s\n", c->words,
		c->usage && *c->usage ? " " : "", c->usage ? c->usage : "");
	if (c->summary)
		fprintf(to, "  %s\n", c->summary);
}

static void list_commands(FILE *to, const char *noun)
{
	size_t nlen = noun ? strlen(noun) : 0;
	for (const struct admin_cmd *c = admin_cmds; c->words; c++) {
		if (noun && (strncmp(c->words, noun, nlen) != 0 ||
			     (c->words[nlen] != ' ' && c->words[nlen] != '\0')))
			continue;
		/* Two spaces at least between name and summary, however
		 * long the name ("reports duplicates"). */
		fprintf(to,
			strlen(c->words) < 17 ? "  %-17s %s\n" : "  %s  %s\n",
			c->words, c->summary ? c->summary : "");
	}
}

static void main_usage(FILE *to)
{
	fputs("usage: sayso-admin [--db PATH] [--config PATH] COMMAND "
	      "[ARGS...]\n"
	      "       sayso-admin COMMAND --help\n"
	      "\n"
	      "Options:\n"
	      "  --db PATH       the database: a file or a postgresql:// URI "
	      "(default: [site] database in the config, ./sayso.db)\n"
	      "  --secret PATH   the site secret (default: [site] secret, "
	      "else <database>.secret)\n"
	      "  --config PATH   sayso.ini (default: $SAYSO_CONFIG, else "
	      "built-in defaults)\n"
	      "  --actor NAME    who is making changes, for the audit "
	      "(default: $SAYSO_ACTOR, else the login name)\n"
	      "  --help          this text\n"
	      "  --version       the version\n"
	      "\n"
	      "Commands:\n",
	      to);
	list_commands(to, NULL);
	fputs("\nExit status: 0 ok, 1 error, 2 usage.\n", to);
}

/* ---- argument helpers ---- */

int admin_args(struct admin_ctx *ctx, const char *cmd, int argc, char **argv,
	       const struct admin_opt *opts, char **pos, int maxpos, int minpos,
	       int *npos)
{
	int np = 0;
	bool only_pos = false;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_pos || a[0] != '-' || a[1] == '\0' ||
		    (a[1] != '-' && !(a[1] >= 'a' && a[1] <= 'z') &&
		     !(a[1] >= 'A' && a[1] <= 'Z'))) {
			if (np >= maxpos) {
				fprintf(ctx->err,
					"sayso-admin %s: unexpected argument "
					"'%s'\n",
					cmd, a);
				goto usage;
			}
			pos[np++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (a[1] != '-') {
			fprintf(ctx->err, "sayso-admin %s: unknown option %s\n",
				cmd, a);
			goto usage;
		}
		const char *name = a + 2;
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		const struct admin_opt *o = opts;
		for (; o && o->name; o++)
			if (strlen(o->name) == nlen &&
			    strncmp(o->name, name, nlen) == 0)
				break;
		if (!o || !o->name) {
			fprintf(ctx->err,
				"sayso-admin %s: unknown option --%.*s\n", cmd,
				(int)nlen, name);
			goto usage;
		}
		if (o->flag) {
			if (eq) {
				fprintf(ctx->err,
					"sayso-admin %s: --%s takes no value\n",
					cmd, o->name);
				goto usage;
			}
			*o->flag = true;
			continue;
		}
		const char *val;
		if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc) {
				fprintf(ctx->err,
					"sayso-admin %s: --%s needs a value\n",
					cmd, o->name);
				goto usage;
			}
			val = argv[++i];
		}
		if (o->str)
			*o->str = val;
	}
	if (np < minpos) {
		fprintf(ctx->err, "sayso-admin %s: missing argument\n", cmd);
		goto usage;
	}
	*npos = np;
	return 0;
usage:
	admin_usage(ctx, cmd, ctx->err);
	return ADMIN_EXIT_USAGE;
}

int admin_int(struct admin_ctx *ctx, const char *cmd, const char *what,
	      const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno == ERANGE) {
		fprintf(ctx->err,
			"sayso-admin %s: --%s: '%s' is not a whole number\n",
			cmd, what, s);
		return ADMIN_EXIT_USAGE;
	}
	if (v < min || v > max) {
		fprintf(ctx->err,
			"sayso-admin %s: --%s: %lld is out of range (%lld to "
			"%lld)\n",
			cmd, what, v, min, max);
		return ADMIN_EXIT_USAGE;
	}
	*out = v;
	return 0;
}

int admin_format(struct admin_ctx *ctx, const char *cmd, const char *s,
		 enum admin_format *out)
{
	if (!s || strcmp(s, "table") == 0)
		*out = ADMIN_FMT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*out = ADMIN_FMT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = ADMIN_FMT_JSON;
	else {
		fprintf(ctx->err,
			"sayso-admin %s: --format: '%s' is not one of table, "
			"csv, json\n",
			cmd, s);
		return ADMIN_EXIT_USAGE;
	}
	return 0;
}

int admin_rule(struct admin_ctx *ctx, const char *cmd, const char *s,
	       enum sayso_rule *out)
{
	if (!s || sayso_rule_parse(s, out) == SAYSO_OK)
		return 0;
	fprintf(ctx->err,
		"sayso-admin %s: --rule: '%s' is not greedy, mes or approval\n",
		cmd, s);
	return ADMIN_EXIT_USAGE;
}

int admin_args_fmt(struct admin_ctx *ctx, const char *cmd, int argc,
		   char **argv, const struct admin_opt *opts, char **pos,
		   int maxpos, int minpos, int *npos, enum admin_format *fmt)
{
	int rc =
	    admin_args(ctx, cmd, argc, argv, opts, pos, maxpos, minpos, npos);
	const char *format = NULL;

	if (rc)
		return rc;
	for (const struct admin_opt *o = opts; o && o->name; o++)
		if (strcmp(o->name, "format") == 0 && o->str)
			format = *o->str;
	return admin_format(ctx, cmd, format, fmt);
}

/* ---- main ---- */

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

int admin_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct admin_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.out = out;
	ctx.err = err;
	ctx.tty = isatty(fileno(out)) == 1;
	log_to = err;
	sayso_log_set_sink(log_sink, NULL);
	sayso_log_set_level(SAYSO_LOG_WARN);

	const char *db = NULL, *secret = NULL, *config = getenv("SAYSO_CONFIG"),
		   *actor_opt = NULL;
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			main_usage(out);
			return ADMIN_EXIT_OK;
		}
		if (strcmp(a, "--version") == 0) {
			fprintf(out, "sayso-admin %s%s\n", SAYSO_VERSION,
				sayso_time_test_clock()
				    ? " (test build: SAYSO_NOW is honoured)"
				    : "");
			return ADMIN_EXIT_OK;
		}
		const char **slot = NULL;
		const char *val = NULL;
		if (strcmp(a, "--db") == 0 || strncmp(a, "--db=", 5) == 0)
			slot = &db;
		else if (strcmp(a, "--secret") == 0 ||
			 strncmp(a, "--secret=", 9) == 0)
			slot = &secret;
		else if (strcmp(a, "--config") == 0 ||
			 strncmp(a, "--config=", 9) == 0)
			slot = &config;
		else if (strcmp(a, "--actor") == 0 ||
			 strncmp(a, "--actor=", 8) == 0)
			slot = &actor_opt;
		else if (a[0] == '-') {
			fprintf(err, "sayso-admin: unknown option %s\n", a);
			main_usage(err);
			return ADMIN_EXIT_USAGE;
		} else
			break;
		const char *eq = strchr(a, '=');
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			fprintf(err, "sayso-admin: %s needs a value\n", a);
			return ADMIN_EXIT_USAGE;
		}
		*slot = val;
	}
	if (i >= argc) {
		main_usage(err);
		return ADMIN_EXIT_USAGE;
	}
	bool help = false;
	if (strcmp(argv[i], "help") == 0) {
		help = true;
		if (i + 1 >= argc) {
			main_usage(out);
			return ADMIN_EXIT_OK;
		}
		i++;
	}

	size_t k;
	const struct admin_cmd *cmd = find(argc - i, argv + i, &k);
	if (!cmd) {
		/* A noun alone ("round"): list what it can do. */
		bool noun = false;
		size_t nlen = strlen(argv[i]);
		for (const struct admin_cmd *c = admin_cmds; c->words; c++)
			if (strncmp(c->words, argv[i], nlen) == 0 &&
			    c->words[nlen] == ' ')
				noun = true;
		if (noun) {
			fprintf(err, "sayso-admin %s: which one?\n", argv[i]);
			list_commands(err, argv[i]);
		} else {
			fprintf(err,
				"sayso-admin: unknown command '%s' (see "
				"sayso-admin --help)\n",
				argv[i]);
		}
		return ADMIN_EXIT_USAGE;
	}
	int cargc = argc - i - (int)k + 1;
	char **cargv = argv + i + k - 1;
	if (help || wants_help(cargc, cargv)) {
		admin_usage(&ctx, cmd->words, out);
		return ADMIN_EXIT_OK;
	}

	char cerr[SAYSO_PATH_MAX + 128];
	enum sayso_err e;
	if (config)
		e = sayso_config_load(&ctx.cfg, config, cerr, sizeof cerr);
	else
		e = sayso_config_defaults(&ctx.cfg);
	if (e != SAYSO_OK) {
		fprintf(err, "sayso-admin: %s\n",
			config ? cerr : sayso_strerror(e));
		return ADMIN_EXIT_ERROR;
	}
	ctx.db_path = db ? db : ctx.cfg.site.database;
	ctx.secret_path = secret ? secret : ctx.cfg.site.secret;

	char actor[96];
	const char *user = actor_opt ? actor_opt : getenv("SAYSO_ACTOR");
	if (!user || !*user) {
		struct passwd *pw = getpwuid(getuid());
		user = pw && pw->pw_name ? pw->pw_name : getenv("USER");
	}
	snprintf(actor, sizeof actor, "admin:%s", user ? user : "unknown");
	ctx.actor = actor;

	int rc = cmd->run(&ctx, cargc, cargv);
	fflush(out);
	if (ferror(out) && rc == ADMIN_EXIT_OK) {
		fprintf(err, "sayso-admin: could not write the output\n");
		rc = ADMIN_EXIT_ERROR;
	}
	sayso_store_close(ctx.st);
	sayso_config_cleanup(&ctx.cfg);
	sayso_log_set_sink(NULL, NULL);
	log_to = NULL;
	return rc;
}

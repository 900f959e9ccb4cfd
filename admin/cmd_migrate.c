/*
 * cmd_migrate.c: `sayso-admin migrate --to TARGET [--to-secret PATH]`:
 * copies the site (--db, the source, with its --secret) into an empty
 * database of the other engine: a SQLite file to the city's PostgreSQL
 * database, or back. The copy and its checks live in core (sitecopy.h);
 * this prints the table of counts and checksums and what to do next.
 * Exit 0 when every table's count and checksum matched (the copy is
 * committed), 1 when anything was refused or failed (the target holds no
 * rows), 2 on a usage error.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>

#include "admin.h"
#include "sayso/sitecopy.h"

static void print_report(struct admin_ctx *ctx,
			 const struct sayso_copy_report *rep, bool done)
{
	static const char *const head[] = {"table", "rows", "copied",
					   "checksum", "check"};
	struct admin_table *t = admin_table_new(5, head, "lrrll");
	if (!t)
		return;
	int64_t total = 0;
	for (size_t i = 0; i < rep->n; i++) {
		const struct sayso_copy_table *r = &rep->tables[i];
		char rows[24], copied[24];
		snprintf(rows, sizeof rows, "%" PRId64, r->rows);
		snprintf(copied, sizeof copied, "%" PRId64, r->target_rows);
		bool ok = done && r->rows == r->target_rows && r->sum_ok;
		const char *cells[] = {r->name, rows, done ? copied : "-",
				       r->sum,
				       done ? (ok ? "ok" : "DIFFERS") : "-"};
		admin_table_add(t, cells);
		total += r->rows;
	}
	admin_table_print(t, ctx->out, ADMIN_FMT_TABLE);
	admin_table_free(t);
	if (done)
		fprintf(ctx->out,
			"%zu tables, %" PRId64 " rows: every count and "
			"checksum matches\n",
			rep->n, total);
}

int admin_cmd_migrate(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "migrate";
	const char *to = NULL, *to_secret = NULL;
	const struct admin_opt opts[] = {
	    {"to", &to, NULL},
	    {"to-secret", &to_secret, NULL},
	    {NULL, NULL, NULL},
	};
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, NULL, 0, 0, &np);
	if (rc)
		return rc;
	if ((rc = admin_require(ctx, cmd, "to", to)) != 0)
		return rc;
	struct sayso_migrate_in in = {
	    .source = ctx->db_path,
	    .source_secret = ctx->secret_path,
	    .target = to,
	    .target_secret = to_secret,
	};
	struct sayso_copy_report rep;
	char errbuf[2 * SAYSO_ERRMSG_MAX];
	enum sayso_err e = sayso_site_migrate(&in, &rep, errbuf, sizeof errbuf);
	if (e != SAYSO_OK) {
		if (rep.n)
			print_report(ctx, &rep, false);
		admin_fail(ctx, "migrate: %s", errbuf);
		if (rep.n || rep.target_created)
			fprintf(ctx->err,
				"sayso-admin: migrate: nothing was copied: "
				"%s holds no rows\n",
				sayso_store_is_server(to)
				    ? "the target database"
				    : "the target file was removed and");
		sayso_copy_report_free(&rep);
		return ADMIN_EXIT_ERROR;
	}
	print_report(ctx, &rep, true);
	char abs[PATH_MAX];
	const char *secret =
	    realpath(rep.target_secret, abs) ? abs : rep.target_secret;
	fprintf(ctx->out, "copied %s to %s (schema version %d)\n", ctx->db_path,
		to, rep.schema);
	if (sayso_store_is_server(to))
		fprintf(ctx->out,
			"the site's secret stays %s: set [site] database = "
			"%s and [site] secret = %s on every machine of the "
			"site (the same file, mode 0600)\n",
			secret, to, secret);
	else
		fprintf(ctx->out,
			"the site's secret was copied to %s (mode 0600): set "
			"[site] database = %s and keep a copy of the secret "
			"somewhere else safe\n",
			secret, to);
	sayso_copy_report_free(&rep);
	return ADMIN_EXIT_OK;
}

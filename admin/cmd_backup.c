/*
 * cmd_backup.c: `backup FILE` (SQLite online backup: safe while the kiosk
 * and SMS gateway are writing) and `check` (integrity check, schema version
 * and row counts). Both only read the database. A backup does not include
 * the site secret file: copy <database>.secret separately and keep it apart.
 * A PostgreSQL database is backed up with pg_dump: `backup` prints how and
 * exits 1, having written nothing.
 */

#include "admin.h"

/* A PostgreSQL database is backed up with pg_dump: the store says how
 * (sayso_store_backup refuses with the advice). Its secret is not read,
 * so none need be given. Always ADMIN_EXIT_ERROR: nothing was written. */
static int backup_server(struct admin_ctx *ctx, const char *dest)
{
	const char *secret = ctx->secret_path;
	char errbuf[SAYSO_ERRMSG_MAX] = "";
	struct sayso_store *st = NULL;
	enum sayso_err e = sayso_store_open_at(
	    ctx->db_path, secret && *secret ? secret : "(not read)",
	    SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET, &st, errbuf,
	    sizeof errbuf);
	if (e != SAYSO_OK)
		return admin_fail(ctx, "backup: %s",
				  errbuf[0] ? errbuf : sayso_strerror(e));
	e = sayso_store_backup(st, dest);
	admin_fail(ctx, "backup: %s", sayso_store_errmsg(st));
	sayso_store_close(st);
	if (e == SAYSO_ERR_UNSUPPORTED)
		fprintf(ctx->err,
			"sayso-admin: backup: nothing was written. Restore "
			"such a dump into an empty database with pg_restore "
			"--dbname=URI %s; `sayso-admin migrate --to FILE` "
			"copies the site into one SQLite file instead\n",
			dest);
	return ADMIN_EXIT_ERROR;
}

int admin_cmd_backup(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "backup";
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, NULL, pos, 1, 1, &np);
	if (rc)
		return rc;
	if (sayso_store_is_server(ctx->db_path))
		return backup_server(ctx, pos[0]);
	if (admin_open(ctx, ADMIN_READ))
		return ADMIN_EXIT_ERROR;
	enum sayso_err e = sayso_store_backup(ctx->st, pos[0]);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	fprintf(ctx->out,
		"backed up %s to %s\n"
		"the site secret is not in the backup: keep a copy of "
		"%s.secret somewhere else safe\n",
		ctx->db_path, pos[0], ctx->db_path);
	return ADMIN_EXIT_OK;
}

int admin_cmd_check(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "check";
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, NULL, NULL, 0, 0, &np);
	if (rc)
		return rc;
	if (admin_open(ctx, ADMIN_READ))
		return ADMIN_EXIT_ERROR;
	bool ok = false;
	char report[4096];
	enum sayso_err e =
	    sayso_store_check(ctx->st, &ok, report, sizeof report);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	fputs(report, ctx->out);
	if (!ok)
		return admin_fail(ctx,
				  "%s: damaged (see above); restore from a "
				  "backup",
				  ctx->db_path);
	fprintf(ctx->out, "ok\n");
	return ADMIN_EXIT_OK;
}

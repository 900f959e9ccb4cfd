/*
 * cmd_init.c: `sayso-admin init`: create the database and its site secret.
 * Refuses to overwrite either (the secret is the key of every resident id:
 * replacing it would make every earlier vote unrecognisable).
 */
#include "admin.h"

int admin_cmd_init(struct admin_ctx *ctx, int argc, char **argv)
{
	int np;
	int rc = admin_args(ctx, "init", argc, argv, NULL, NULL, 0, 0, &np);
	if (rc)
		return rc;
	struct sayso_store *st = admin_store(ctx, SAYSO_STORE_INIT);
	if (!st)
		return ADMIN_EXIT_ERROR;
	enum sayso_err e = sayso_store_audit(st, ctx->actor, "site.init",
					     "created %s", ctx->db_path);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, ctx->db_path, e);
	fprintf(ctx->out,
		"created %s and its site secret %s.secret\n"
		"keep the secret safe and back it up: without it no resident "
		"can be recognised\n",
		ctx->db_path, ctx->db_path);
	return ADMIN_EXIT_OK;
}

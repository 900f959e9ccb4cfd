/*
 * cmd_erase.c: `erase (--phone NUM | --code C)`: GDPR erasure.
 *
 * The work is libsaysocore's (erase.h): the resident's link is removed, their
 * ballots keep counting exactly as before under a random pseudonym, and
 * queued messages with their number are deleted. One transaction, audited
 * without the resident id.
 */
#include "admin.h"
#include "sayso/erase.h"
#include "sayso/identity.h"

int admin_cmd_erase(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "erase", *phone = NULL, *code = NULL;
	const struct admin_opt opts[] = {
	    {"phone", &phone, NULL}, {"code", &code, NULL}, {NULL, NULL, NULL}};
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, NULL, 0, 0, &np);
	if (rc)
		return rc;
	if ((phone && code) || (!phone && !code)) {
		fprintf(ctx->err,
			"sayso-admin %s: give exactly one of --phone and "
			"--code\n",
			cmd);
		admin_usage(ctx, cmd, ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if (admin_open(ctx, ADMIN_WRITE))
		return ADMIN_EXIT_ERROR;
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	if ((rc = admin_resident_arg(ctx, cmd, phone, code, false, rid,
				     sizeof rid)))
		return rc;
	struct sayso_erase_result res;
	enum sayso_err e = sayso_erase_resident(ctx->st, rid, ctx->actor, &res);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	if (!res.found) {
		fprintf(ctx->out,
			"nothing to erase: sayso holds nothing linked "
			"to that %s\n",
			phone ? "number" : "code");
		return ADMIN_EXIT_OK;
	}
	fprintf(ctx->out,
		"erased: %lld ballot%s kept under a pseudonym (tallies "
		"unchanged), %lld rating%s and %lld report%s unlinked, %lld "
		"message%s deleted\n",
		(long long)res.ballots, res.ballots == 1 ? "" : "s",
		(long long)res.ratings, res.ratings == 1 ? "" : "s",
		(long long)res.reports, res.reports == 1 ? "" : "s",
		(long long)res.messages, res.messages == 1 ? "" : "s");
	if (res.open_rounds)
		fprintf(ctx->out,
			"note: %lld open round%s counted a ballot from this "
			"resident; as sayso no longer knows them they could "
			"vote there again\n",
			(long long)res.open_rounds,
			res.open_rounds == 1 ? "" : "s");
	return ADMIN_EXIT_OK;
}

/*
 * cmd_pb.c: `import pb FILE [--code CODE]` and `export pb CODE [--out FILE]`.
 *
 * The pabulib format is libsaysocore's (pabulib.h): parsing, the one-
 * transaction import and the export all live there. An imported round is
 * closed, keeps each pabulib project_id as the project's public id, and its
 * ballots have channel "import". Export writes to a temporary file renamed
 * into place, so a failed export never leaves half a file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "sayso/ballot.h"
#include "sayso/pabulib.h"
#include "sayso/round.h"

int admin_cmd_import_pb(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "import pb", *code = NULL;
	const struct admin_opt opts[] = {{"code", &code, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &np);
	if (rc)
		return rc;
	if (admin_open(ctx, ADMIN_WRITE))
		return ADMIN_EXIT_ERROR;
	struct sayso_store *st = ctx->st;
	char errbuf[SAYSO_PB_ERR_MAX] = "";
	int64_t round_id = 0;
	admin_progress(ctx, "importing", -1, 0);
	enum sayso_err e = sayso_pb_import(st, pos[0], code, ctx->actor,
					   &round_id, errbuf, sizeof errbuf);
	admin_progress_end(ctx);
	if (e != SAYSO_OK)
		return admin_fail(ctx, "%s; nothing imported",
				  errbuf[0] ? errbuf : sayso_strerror(e));
	struct sayso_round r;
	struct sayso_project *ps = NULL;
	size_t n = 0;
	struct sayso_ballot_counts bc;
	if ((e = sayso_round_get_by_id(st, round_id, &r)) != SAYSO_OK ||
	    (e = sayso_project_list(st, round_id, &ps, &n)) != SAYSO_OK ||
	    (e = sayso_ballot_counts(st, round_id, &bc)) != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	free(ps);
	char money[64];
	sayso_money_format(r.budget, r.currency, money, sizeof money);
	fprintf(ctx->out,
		"imported %s as round %s: %zu projects, %lld ballots (%s), "
		"budget %s; the round is closed\n",
		pos[0], r.code, n, (long long)bc.counted,
		sayso_ballot_kind_name(r.kind), money);
	return ADMIN_EXIT_OK;
}

int admin_cmd_export_pb(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "export pb", *outp = NULL, *rule_s = "approval";
	const struct admin_opt opts[] = {
	    {"out", &outp, NULL}, {"rule", &rule_s, NULL}, {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &np);
	if (rc)
		return rc;
	enum sayso_rule rule;
	if ((rc = admin_rule(ctx, cmd, rule_s, &rule)))
		return rc;
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_READ, pos[0], &r)))
		return rc;
	FILE *f = ctx->out;
	char tmp[SAYSO_PATH_MAX + 32];
	if (outp && !(f = admin_file_begin(ctx, outp, tmp, sizeof tmp)))
		return ADMIN_EXIT_ERROR;
	char errbuf[SAYSO_PB_ERR_MAX] = "";
	const struct sayso_pb_site site = {ctx->cfg.site.name,
					   ctx->cfg.site.country};
	enum sayso_err e = sayso_pb_export_site(ctx->st, r.id, rule, &site, f,
						errbuf, sizeof errbuf);
	if (e != SAYSO_OK) {
		if (outp)
			admin_file_finish(ctx, f, tmp, outp, false);
		return admin_fail(ctx, "%s %s: %s", cmd, r.code,
				  errbuf[0] ? errbuf : sayso_strerror(e));
	}
	if (outp) {
		if ((rc = admin_file_finish(ctx, f, tmp, outp, true)))
			return rc;
		fprintf(ctx->out, "wrote round %s to %s\n", r.code, outp);
	}
	return ADMIN_EXIT_OK;
}

/*
 * cmd_merge.c: `merge KIOSK.db ...`: bring in what offline kiosks recorded.
 *
 * The merge itself is libsaysocore's (merge.h): by uid, so merging a file
 * twice changes nothing; another site's database is refused; the one-vote
 * rule is then re-applied across all channels by cast time. All the files of
 * one command go in one transaction: if any file is refused, nothing from
 * any of them is kept. Results are printed only after the commit.
 */
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "sayso/merge.h"

#define MERGE_MAX_FILES 256

int admin_cmd_merge(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "merge";
	char *pos[MERGE_MAX_FILES];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, NULL, pos, MERGE_MAX_FILES, 1,
			    &np);
	if (rc)
		return rc;
	if (admin_open(ctx, ADMIN_WRITE))
		return ADMIN_EXIT_ERROR;
	struct sayso_store *st = ctx->st;
	struct sayso_merge_result *res = calloc((size_t)np, sizeof *res);
	if (!res)
		return admin_fail(ctx, "out of memory");
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK) {
		free(res);
		return admin_fail_store(ctx, cmd, e);
	}
	for (int i = 0; i < np; i++) {
		admin_progress(ctx, "merging", i, np);
		e = sayso_merge_kiosk(st, pos[i], ctx->actor, &res[i]);
		if (e != SAYSO_OK) {
			admin_progress_end(ctx);
			sayso_store_rollback(st);
			rc = admin_fail(ctx, "%s; nothing merged",
					sayso_store_errmsg(st));
			free(res);
			return rc;
		}
	}
	admin_progress_end(ctx);
	if ((e = sayso_store_commit(st)) != SAYSO_OK) {
		free(res);
		return admin_fail_store(ctx, cmd, e);
	}
	for (int i = 0; i < np; i++) {
		const struct sayso_merge_result *m = &res[i];
		const char *dev =
		    m->device_id[0] ? m->device_id : "no kiosk id";
		if (m->ballots + m->ratings + m->reports == 0)
			fprintf(ctx->out,
				"%s (%s): nothing new (%lld records already "
				"here)\n",
				pos[i], dev, (long long)m->known);
		else
			fprintf(
			    ctx->out,
			    "%s (%s): %lld ballot%s, %lld rating%s, %lld "
			    "report%s merged; %lld already here; %zu "
			    "ballot%s changed status under the one-vote "
			    "rule\n",
			    pos[i], dev, (long long)m->ballots,
			    m->ballots == 1 ? "" : "s", (long long)m->ratings,
			    m->ratings == 1 ? "" : "s", (long long)m->reports,
			    m->reports == 1 ? "" : "s", (long long)m->known,
			    m->changed, m->changed == 1 ? "" : "s");
	}
	free(res);
	return ADMIN_EXIT_OK;
}

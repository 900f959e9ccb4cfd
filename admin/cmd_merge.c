/*
 * cmd_merge.c: `kiosk enrol`, `merge [--dry-run] KIOSK.db ...` and
 * `merge held|accept|reject`: offline kiosks, from enrolment to merge.
 *
 * The work is libsaysocore's (merge.h): enrolment gives a kiosk its own
 * database and device key; merge verifies each file's chain before writing
 * anything, matches by uid (merging a file twice changes nothing) and casts
 * ballots through the ballot rules. All the files of one command go in one
 * transaction: if any file is refused, nothing from any of them is kept.
 * Results are printed only after the commit (or the dry run's rollback).
 */
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "sayso/merge.h"

#define MERGE_MAX_FILES 256

int admin_cmd_kiosk_enrol(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "kiosk enrol";
	const char *out = NULL;
	const struct admin_opt opts[] = {{"out", &out, NULL}, {NULL, 0, 0}};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &np);
	if (rc)
		return rc;
	if (!out) {
		fprintf(ctx->err, "sayso-admin %s: --out FILE is needed\n",
			cmd);
		admin_usage(ctx, cmd, ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if (admin_open(ctx, ADMIN_WRITE))
		return ADMIN_EXIT_ERROR;
	struct sayso_enrol_result r;
	enum sayso_err e =
	    sayso_kiosk_enrol(ctx->st, pos[0], out, ctx->actor, &r);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	fprintf(ctx->out,
		"enrolled kiosk %s (enrolment %s): %s with %d round%s and %d "
		"project%s,\n%s.secret (resident ids) and %s.key (its own "
		"device key): copy all three to the kiosk and run it with "
		"[site] database = %s\n",
		r.device_id, r.enrolment, out, r.rounds,
		r.rounds == 1 ? "" : "s", r.projects,
		r.projects == 1 ? "" : "s", out, out, out);
	return ADMIN_EXIT_OK;
}

static void print_result(struct admin_ctx *ctx, const char *path,
			 const struct sayso_merge_result *m, bool dry)
{
	const char *verb = dry ? "would merge" : "merged";
	if (m->ballots + m->held + m->ratings + m->reports == 0)
		fprintf(ctx->out,
			"%s (kiosk %s, %lld chain rows verified): nothing new "
			"(%lld records already here)%s\n",
			path, m->device_id, (long long)m->chain,
			(long long)m->known,
			m->older_copy ? "; an older copy" : "");
	else
		fprintf(ctx->out,
			"%s (kiosk %s, %lld chain rows verified): %s %lld "
			"ballot%s (%lld rejected), %lld held, %lld rating%s, "
			"%lld report%s; %lld already here; %zu ballot%s "
			"changed status under the one-vote rule\n",
			path, m->device_id, (long long)m->chain, verb,
			(long long)m->ballots, m->ballots == 1 ? "" : "s",
			(long long)m->rejected, (long long)m->held,
			(long long)m->ratings, m->ratings == 1 ? "" : "s",
			(long long)m->reports, m->reports == 1 ? "" : "s",
			(long long)m->known, m->changed,
			m->changed == 1 ? "" : "s");
	if (m->held)
		fprintf(ctx->out, "  held: %s; see `sayso-admin merge held`\n",
			m->hold_why[0] ? m->hold_why
				       : "cast times outside enrolment .. now");
	if (dry)
		fprintf(ctx->out, "  results: %s\n",
			m->moves[0] ? m->moves : "no funded project changes");
	if (m->walk_issues + m->walk_checks > 0) {
		/* Said on stdout with the result and on stderr, so a script
		 * that keeps only the errors sees it too. */
		for (int i = 0; i < 2; i++)
			fprintf(i ? ctx->err : ctx->out,
				"%s%s: NOT carried over: %lld walkabout "
				"issue%s%s%s%s and %lld re-check%s logged on "
				"kiosk %s (walkabout data is not covered by "
				"the kiosk's chain); enter them with "
				"`sayso-admin walkabout log` and `walkabout "
				"check`\n",
				i ? "sayso-admin merge: warning: " : "  ", path,
				(long long)m->walk_issues,
				m->walk_issues == 1 ? "" : "s",
				m->walk_refs[0] ? " (" : "", m->walk_refs,
				m->walk_refs[0]
				    ? (m->walk_issues > 5 ? " ...)" : ")")
				    : "",
				(long long)m->walk_checks,
				m->walk_checks == 1 ? "" : "s", m->device_id);
	}
}

int admin_cmd_merge(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "merge";
	char *pos[MERGE_MAX_FILES];
	int np;
	bool dry = false;
	const struct admin_opt opts[] = {{"dry-run", NULL, &dry}, {NULL, 0, 0}};
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, MERGE_MAX_FILES, 1,
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
		e = sayso_merge_kiosk(st, pos[i], ctx->actor,
				      dry ? SAYSO_MERGE_DRY_RUN : 0, &res[i]);
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
	if (dry)
		sayso_store_rollback(st);
	else if ((e = sayso_store_commit(st)) != SAYSO_OK) {
		free(res);
		return admin_fail_store(ctx, cmd, e);
	}
	for (int i = 0; i < np; i++)
		print_result(ctx, pos[i], &res[i], dry);
	if (dry)
		fprintf(ctx->out, "dry run: nothing was written\n");
	free(res);
	return ADMIN_EXIT_OK;
}

int admin_cmd_merge_held_list(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "merge held";
	bool all = false;
	const struct admin_opt opts[] = {{"all", NULL, &all}, {NULL, 0, 0}};
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, NULL, 0, 0, &np);
	if (rc)
		return rc;
	if (admin_open(ctx, ADMIN_READ))
		return ADMIN_EXIT_ERROR;
	struct sayso_held *hs = NULL;
	size_t n = 0;
	enum sayso_err e = sayso_merge_held_list(ctx->st, all, &hs, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	fprintf(ctx->out, "%-5s %-9s %-16s %-8s %-24s %-12s %s\n", "id",
		"state", "kiosk", "round", "kiosk clock said", "picks",
		"why held");
	for (size_t i = 0; i < n; i++)
		fprintf(ctx->out, "%-5lld %-9s %-16s %-8s %-24s %-12s %s\n",
			(long long)hs[i].id, hs[i].state, hs[i].device_id,
			hs[i].round_code, hs[i].cast_at, hs[i].picks,
			hs[i].reason);
	fprintf(ctx->out, "%zu ballot%s\n", n, n == 1 ? "" : "s");
	free(hs);
	return ADMIN_EXIT_OK;
}

static int held_decide(struct admin_ctx *ctx, const char *cmd, int argc,
		       char **argv, bool accept)
{
	const char *device = NULL, *why = NULL;
	bool all = false;
	const struct admin_opt opts[] = {{"device", &device, NULL},
					 {"all", NULL, &all},
					 {"why", &why, NULL},
					 {NULL, 0, 0}};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 0, &np);
	if (rc)
		return rc;
	long long id = 0;
	if (np == 1 &&
	    (rc = admin_int(ctx, cmd, "ID", pos[0], 1, 1LL << 53, &id)) != 0)
		return rc;
	if ((np == 1) == (all || device)) {
		fprintf(ctx->err,
			"sayso-admin %s: give one ID, --all or --device D\n",
			cmd);
		admin_usage(ctx, cmd, ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if (admin_open(ctx, ADMIN_WRITE))
		return ADMIN_EXIT_ERROR;
	size_t n = 0;
	enum sayso_err e = sayso_merge_held_decide(ctx->st, id, device, accept,
						   why, ctx->actor, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	fprintf(ctx->out, "%s %zu held ballot%s\n",
		accept ? "accepted (cast at the merge time)" : "rejected", n,
		n == 1 ? "" : "s");
	return ADMIN_EXIT_OK;
}

int admin_cmd_merge_held_accept(struct admin_ctx *ctx, int argc, char **argv)
{
	return held_decide(ctx, "merge accept", argc, argv, true);
}

int admin_cmd_merge_held_reject(struct admin_ctx *ctx, int argc, char **argv)
{
	return held_decide(ctx, "merge reject", argc, argv, false);
}

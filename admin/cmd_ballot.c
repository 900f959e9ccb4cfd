/*
 * cmd_ballot.c: `ballot add`: paper ballots typed in by organisers.
 *
 * A paper ballot goes through sayso_ballot_cast() exactly like a kiosk or SMS
 * ballot: same validation, same one-vote rule, same revote policy. The
 * command only turns the phone number or voter code into a resident id and
 * reports what the core decided. Every outcome is a recorded ballot (an
 * invalid one is stored as rejected so organisers can see why), so the exit
 * status is 0 for all four outcomes and the first word of the line says
 * which: "accepted:", "accepted (replaces ...):", "already voted:",
 * "invalid:". Exit 1 means nothing was stored.
 */
#include <string.h>

#include "admin.h"
#include "sayso/ballot.h"
#include "sayso/identity.h"

/* "2026-11-20 10:15 UTC" */
static void when(int64_t ms, char *out, size_t outsz)
{
	char iso[SAYSO_TIME_LEN + 1];
	sayso_time_format(ms, iso, sizeof iso);
	iso[10] = ' ';
	iso[16] = '\0';
	snprintf(out, outsz, "%s UTC", iso);
}

int admin_resident_arg(struct admin_ctx *ctx, const char *cmd,
		       const char *phone, const char *code, bool record,
		       char *rid, size_t ridsz)
{
	if ((phone && code) || (!phone && !code)) {
		fprintf(ctx->err,
			"sayso-admin %s: give exactly one of --phone "
			"and --code\n",
			cmd);
		admin_usage(ctx, cmd, ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	char norm[SAYSO_VOTER_CODE_MAX > SAYSO_E164_MAX ? SAYSO_VOTER_CODE_MAX
							: SAYSO_E164_MAX];
	const char *why = NULL;
	enum sayso_id_kind kind;
	if (phone) {
		kind = SAYSO_ID_PHONE;
		if (sayso_phone_normalise(phone, norm, sizeof norm, &why) !=
		    SAYSO_OK)
			return admin_fail(ctx, "%s: --phone: %s", cmd,
					  why ? why : "not a UK mobile number");
	} else {
		kind = SAYSO_ID_CODE;
		if (sayso_code_normalise(code, norm, sizeof norm, &why) !=
		    SAYSO_OK)
			return admin_fail(ctx, "%s: --code: %s", cmd,
					  why ? why : "not a voter code");
	}
	enum sayso_err e;
	if (record) {
		e = sayso_store_resident(ctx->st, kind, norm, rid, ridsz);
	} else {
		const unsigned char *sec = sayso_store_secret(ctx->st);
		e = sec ? sayso_resident_id(sec, kind, norm, rid, ridsz)
			: SAYSO_ERR_SECRET;
	}
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	return ADMIN_EXIT_OK;
}

int admin_cmd_ballot_add(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "ballot add";
	const char *phone = NULL, *code = NULL, *projects = NULL,
		   *channel = "paper";
	const struct admin_opt opts[] = {
	    {"phone", &phone, NULL},
	    {"code", &code, NULL},
	    {"projects", &projects, NULL},
	    {"channel", &channel, NULL},
	    {NULL, NULL, NULL},
	};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &np);
	if (rc)
		return rc;
	if (!projects) {
		fprintf(ctx->err, "sayso-admin %s: --projects is required\n",
			cmd);
		admin_usage(ctx, cmd, ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	enum sayso_channel ch;
	if (sayso_channel_parse(channel, &ch) != SAYSO_OK ||
	    ch == SAYSO_CH_IMPORT) {
		fprintf(
		    ctx->err,
		    "sayso-admin %s: --channel: '%s' is not paper, kiosk or "
		    "sms\n",
		    cmd, channel);
		return ADMIN_EXIT_USAGE;
	}
	struct sayso_pick picks[SAYSO_MAX_PICKS];
	size_t npicks = 0;
	const char *why = NULL;
	if (sayso_picks_parse(projects, picks, SAYSO_MAX_PICKS, &npicks,
			      &why) != SAYSO_OK)
		return admin_fail(ctx, "%s: --projects: '%s': %s", cmd,
				  projects,
				  why ? why : "not a list of project numbers");

	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	struct sayso_store *st = ctx->st;
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	if ((rc = admin_resident_arg(ctx, cmd, phone, code, true, rid,
				     sizeof rid))) {
		sayso_store_rollback(st);
		return rc;
	}
	struct sayso_ballot_in in;
	memset(&in, 0, sizeof in);
	in.round_code = r.code;
	in.resident_id = rid;
	in.channel = ch;
	in.picks = picks;
	in.npicks = npicks;
	struct sayso_cast_result res;
	memset(&res, 0, sizeof res);
	e = sayso_ballot_cast(st, &in, &res);
	if (e == SAYSO_OK)
		e = sayso_store_audit(
		    st, ctx->actor, "ballot.add", "%s ballot %s in %s: %s",
		    channel, res.uid, r.code,
		    res.outcome == SAYSO_CAST_ACCEPTED ? "accepted"
		    : res.outcome == SAYSO_CAST_REPLACED
			? "replaced an earlier ballot"
		    : res.outcome == SAYSO_CAST_ALREADY_VOTED ? "already voted"
							      : "invalid");
	if (e == SAYSO_OK)
		e = sayso_store_commit(st);
	else
		sayso_store_rollback(st);
	if (e == SAYSO_ERR_STATE || e == SAYSO_ERR_NOTFOUND)
		return admin_fail(ctx, "%s: round %s: %s; nothing stored", cmd,
				  r.code, sayso_store_errmsg(st));
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);

	char list[SAYSO_MAX_PICKS * 8] = "", money[64], at[40];
	size_t used = 0;
	for (size_t i = 0; i < npicks && used < sizeof list; i++) {
		int w = snprintf(list + used, sizeof list - used, "%s%d",
				 i ? ", " : "", picks[i].number);
		if (w > 0)
			used += (size_t)w;
	}
	sayso_money_format(res.total_cost, r.currency, money, sizeof money);
	switch (res.outcome) {
	case SAYSO_CAST_ACCEPTED:
		fprintf(ctx->out,
			"accepted: %s ballot for project%s %s (%s) in %s\n",
			channel, npicks == 1 ? "" : "s", list, money, r.code);
		break;
	case SAYSO_CAST_REPLACED:
		when(res.prev_cast_at_ms, at, sizeof at);
		fprintf(ctx->out,
			"accepted (replaces the %s ballot of %s; the newest "
			"counts): %s ballot for project%s %s (%s) in %s\n",
			sayso_channel_name(res.prev_channel), at, channel,
			npicks == 1 ? "" : "s", list, money, r.code);
		break;
	case SAYSO_CAST_ALREADY_VOTED:
		when(res.prev_cast_at_ms, at, sizeof at);
		fprintf(ctx->out,
			"already voted: by %s on %s; this %s ballot is kept as "
			"superseded and does not count\n",
			sayso_channel_name(res.prev_channel), at, channel);
		break;
	case SAYSO_CAST_INVALID:
		fprintf(ctx->out,
			"invalid: %s; this %s ballot is kept as rejected and "
			"does not count\n",
			res.reason, channel);
		break;
	}
	return ADMIN_EXIT_OK;
}

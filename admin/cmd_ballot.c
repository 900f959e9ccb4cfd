/*
 * cmd_ballot.c: `ballot add`: paper ballots typed in by organisers; `ballot
 * list` and `ballot void` to see and correct the record (core/src/correct.c).
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
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin.h"
#include "sayso/ballot.h"
#include "sayso/correct.h"
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
	if ((rc = admin_require(ctx, cmd, "projects", projects)))
		return rc;
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
			"accepted (replaces the %s ballot of %s; the %s "
			"counts): %s ballot for project%s %s (%s) in %s\n",
			sayso_channel_name(res.prev_channel), at,
			sayso_round_revote_allows(&r) ? "newest" : "earliest",
			channel, npicks == 1 ? "" : "s", list, money, r.code);
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

/* --resident: a phone number or a voter code, as the resident gave it. */
static int resident_of(struct admin_ctx *ctx, const char *cmd, const char *s,
		       char *rid, size_t ridsz)
{
	char norm[SAYSO_VOTER_CODE_MAX > SAYSO_E164_MAX ? SAYSO_VOTER_CODE_MAX
							: SAYSO_E164_MAX];
	enum sayso_id_kind kind;
	const char *why = NULL;
	if (sayso_identity_normalise(s, &kind, norm, sizeof norm, &why) !=
	    SAYSO_OK)
		return admin_fail(ctx, "%s: --resident: '%s': %s", cmd, s,
				  why ? why : "not a phone number or code");
	return admin_resident_arg(
	    ctx, cmd, kind == SAYSO_ID_PHONE ? norm : NULL,
	    kind == SAYSO_ID_CODE ? norm : NULL, false, rid, ridsz);
}

int admin_cmd_ballot_list(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "ballot list", *format = NULL, *who = NULL;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {"resident", &who, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	enum admin_format fmt;
	int rc =
	    admin_args_fmt(ctx, cmd, argc, argv, opts, pos, 1, 1, &np, &fmt);
	if (rc)
		return rc;
	struct sayso_round r;
	/* --resident needs the secret to compute the resident id. */
	if (who ? !admin_store(ctx, SAYSO_STORE_READONLY) ||
		      (rc = admin_round(ctx, pos[0], &r))
		: (rc = admin_open_round(ctx, ADMIN_READ, pos[0], &r)) != 0)
		return rc ? rc : ADMIN_EXIT_ERROR;
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	if (who && (rc = resident_of(ctx, cmd, who, rid, sizeof rid)))
		return rc;
	struct sayso_ballot_row *b = NULL;
	size_t n = 0;
	enum sayso_err e =
	    sayso_ballot_list(ctx->st, r.id, who ? rid : NULL, &b, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	if (fmt == ADMIN_FMT_JSON) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
			    arr,
			    json_pack(
				"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
				"id", (json_int_t)b[i].id, "uid", b[i].uid,
				"channel", sayso_channel_name(b[i].channel),
				"device", b[i].device, "cast_at", b[i].cast_at,
				"status", sayso_ballot_status_name(b[i].status),
				"projects", b[i].picks, "reason", b[i].reason));
		free(b);
		return admin_json_print(ctx, arr);
	}
	static const char *const h[] = {
	    "ID", "UID", "CHANNEL", "CAST AT", "STATUS", "PROJECTS", "REASON"};
	static const char *const hc[] = {
	    "id", "uid", "channel", "cast_at", "status", "projects", "reason"};
	struct admin_table *t =
	    admin_table_new(7, fmt == ADMIN_FMT_CSV ? hc : h, "rllllll");
	if (!t) {
		free(b);
		return admin_fail(ctx, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)b[i].id);
		const char *cells[] = {id,
				       b[i].uid,
				       sayso_channel_name(b[i].channel),
				       b[i].cast_at,
				       sayso_ballot_status_name(b[i].status),
				       b[i].picks,
				       b[i].reason};
		admin_table_add(t, cells);
	}
	admin_table_print(t, ctx->out, fmt);
	admin_table_free(t);
	free(b);
	if (fmt == ADMIN_FMT_TABLE)
		fprintf(ctx->out, "%zu ballot%s\n", n, n == 1 ? "" : "s");
	return ADMIN_EXIT_OK;
}

int admin_cmd_ballot_void(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "ballot void", *why = NULL;
	const struct admin_opt opts[] = {{"why", &why, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &np);
	if (rc)
		return rc;
	if ((rc = admin_require(ctx, cmd, "why", why)))
		return rc;
	if (admin_open(ctx, ADMIN_WRITE))
		return ADMIN_EXIT_ERROR;
	struct sayso_void_result res;
	enum sayso_err e =
	    sayso_ballot_void(ctx->st, pos[0], ctx->actor, why, &res);
	if (e != SAYSO_OK)
		return admin_fail(ctx, "%s: %s; nothing changed", cmd,
				  sayso_store_errmsg(ctx->st));
	fprintf(ctx->out, "voided ballot %s in %s (was %s)%s%s\n", res.uid,
		res.round_code, sayso_ballot_status_name(res.was),
		res.changed ? "; another ballot of the resident now counts"
			    : "",
		res.code_reissued ? "; its voter code may vote again" : "");
	return ADMIN_EXIT_OK;
}

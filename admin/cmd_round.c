/*
 * cmd_round.c: `round create|edit|list|show|open|close`.
 *
 * Amounts are typed and shown in the currency's usual form (£50,000) and kept
 * in minor units; parsing and formatting are libsaysocore's
 * (sayso_money_parse/format) so every program agrees. Each change runs in one
 * transaction and is audited by the core call that makes it.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin.h"
#include "sayso/ballot.h"
#include "sayso/round.h"

/* The settings a round is made or edited with: NULL = not given. */
struct settings {
	const char *title, *budget, *currency, *ballot, *minp, *maxp, *revote,
	    *opens, *closes, *identity;
};

static int apply_time(struct admin_ctx *ctx, const char *cmd, const char *opt,
		      const char *v, char *out, size_t outsz, int64_t *ms)
{
	char why[96];
	if (sayso_time_parse_why(v, ms, why, sizeof why) != SAYSO_OK)
		return admin_fail(ctx, "%s: --%s: '%s': %s", cmd, opt, v, why);
	sayso_time_format(*ms, out, outsz);
	return ADMIN_EXIT_OK;
}

static int apply_picks(struct admin_ctx *ctx, const char *cmd,
		       const struct settings *o, struct sayso_round *r)
{
	long long v;
	int rc;
	if (o->minp) {
		if ((rc = admin_int(ctx, cmd, "min-picks", o->minp, 0,
				    SAYSO_MAX_PICKS, &v)))
			return rc;
		r->min_picks = (int)v;
	}
	if (o->maxp) {
		if ((rc = admin_int(ctx, cmd, "max-picks", o->maxp, 0,
				    SAYSO_MAX_PICKS, &v)))
			return rc;
		r->max_picks = (int)v;
	}
	if (r->max_picks && r->min_picks > r->max_picks)
		return admin_fail(ctx,
				  "%s: --min-picks %d is more than "
				  "--max-picks %d",
				  cmd, r->min_picks, r->max_picks);
	return ADMIN_EXIT_OK;
}

/* Applies the given settings to r (the others stay as they are). */
static int apply_settings(struct admin_ctx *ctx, const char *cmd,
			  const struct settings *o, struct sayso_round *r)
{
	int rc;
	if (o->title && strlen(o->title) >= sizeof r->title)
		return admin_fail(ctx, "%s: --title is longer than %d bytes",
				  cmd, (int)sizeof r->title - 1);
	if (o->title)
		snprintf(r->title, sizeof r->title, "%s", o->title);
	if (o->currency && !sayso_currency_valid(o->currency))
		return admin_fail(ctx,
				  "%s: --currency: '%s' is not an ISO 4217 "
				  "code like GBP",
				  cmd, o->currency);
	if (o->currency)
		memcpy(r->currency, o->currency, 4);
	const char *why = NULL;
	if (o->budget && sayso_money_parse(o->budget, r->currency, &r->budget,
					   &why) != SAYSO_OK)
		return admin_fail(ctx, "%s: --budget: '%s': %s", cmd, o->budget,
				  why ? why : "not an amount");
	if (o->ballot &&
	    (sayso_ballot_kind_parse(o->ballot, &r->kind) != SAYSO_OK ||
	     (r->kind != SAYSO_BALLOT_APPROVAL &&
	      r->kind != SAYSO_BALLOT_KNAPSACK))) {
		fprintf(ctx->err,
			"sayso-admin %s: --ballot: '%s' is not approval or "
			"knapsack\n",
			cmd, o->ballot);
		return ADMIN_EXIT_USAGE;
	}
	if ((rc = apply_picks(ctx, cmd, o, r)))
		return rc;
	if (o->revote &&
	    sayso_revote_parse(o->revote, &r->revote) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin %s: --revote: '%s' is not first or last\n",
			cmd, o->revote);
		return ADMIN_EXIT_USAGE;
	}
	if (o->identity &&
	    sayso_identity_parse(o->identity, &r->identity) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin %s: --identity: '%s' is not phone, code, "
			"phone+sms or any\n",
			cmd, o->identity);
		return ADMIN_EXIT_USAGE;
	}
	int64_t op = 0, cl = 0;
	if (o->opens && (rc = apply_time(ctx, cmd, "opens", o->opens, r->opens,
					 sizeof r->opens, &op)))
		return rc;
	if (o->closes && (rc = apply_time(ctx, cmd, "closes", o->closes,
					  r->closes, sizeof r->closes, &cl)))
		return rc;
	if (r->opens[0] && r->closes[0] &&
	    sayso_time_parse(r->opens, &op) == SAYSO_OK &&
	    sayso_time_parse(r->closes, &cl) == SAYSO_OK && cl <= op)
		return admin_fail(ctx, "%s: --closes is not after --opens",
				  cmd);
	return ADMIN_EXIT_OK;
}

int admin_cmd_round_create(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "round create";
	struct settings o = {.currency = "GBP",
			     .ballot = "approval",
			     .revote = "first",
			     .identity = "any"};
	const struct admin_opt opts[] = {
	    {"title", &o.title, NULL},
	    {"budget", &o.budget, NULL},
	    {"currency", &o.currency, NULL},
	    {"ballot", &o.ballot, NULL},
	    {"min-picks", &o.minp, NULL},
	    {"max-picks", &o.maxp, NULL},
	    {"revote", &o.revote, NULL},
	    {"opens", &o.opens, NULL},
	    {"closes", &o.closes, NULL},
	    {"identity", &o.identity, NULL},
	    {NULL, NULL, NULL},
	};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &np);
	if (rc)
		return rc;
	if ((rc = admin_require(ctx, cmd, "title", o.title)) ||
	    (rc = admin_require(ctx, cmd, "budget", o.budget)))
		return rc;
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	if (strlen(pos[0]) >= sizeof r.code)
		return admin_fail(ctx,
				  "%s: round code '%s' is longer than %d "
				  "characters",
				  cmd, pos[0], (int)sizeof r.code - 1);
	snprintf(r.code, sizeof r.code, "%s", pos[0]);
	r.min_picks = 1;
	if ((rc = apply_settings(ctx, cmd, &o, &r)))
		return rc;
	r.state = SAYSO_ROUND_DRAFT;

	if (admin_open(ctx, ADMIN_WRITE))
		return ADMIN_EXIT_ERROR;
	struct sayso_store *st = ctx->st;
	enum sayso_err e = sayso_store_begin(st);
	if (e == SAYSO_OK)
		e = sayso_round_create(st, &r, ctx->actor);
	if (e == SAYSO_OK)
		e = sayso_store_commit(st);
	else
		sayso_store_rollback(st);
	if (e == SAYSO_ERR_EXISTS)
		return admin_fail(ctx, "round '%s' already exists in %s",
				  r.code, ctx->db_path);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	char money[64];
	sayso_money_format(r.budget, r.currency, money, sizeof money);
	fprintf(ctx->out,
		"created round %s \"%s\": budget %s, %s ballot, revote %s "
		"(state draft)\n",
		r.code, r.title, money, sayso_ballot_kind_name(r.kind),
		sayso_revote_name(r.revote));
	return ADMIN_EXIT_OK;
}

static void picks_text(const struct sayso_round *r, char *out, size_t outsz)
{
	int mn = r->min_picks < 1 ? 1 : r->min_picks;
	if (r->max_picks == 0)
		snprintf(out, outsz, "at least %d", mn);
	else if (mn == r->max_picks)
		snprintf(out, outsz, "exactly %d", mn);
	else
		snprintf(out, outsz, "%d to %d", mn, r->max_picks);
}

static json_t *round_json(const struct sayso_round *r, size_t nprojects,
			  const struct sayso_ballot_counts *bc)
{
	json_t *o = json_object();
	json_object_set_new(o, "code", admin_json_str(r->code));
	json_object_set_new(o, "title", admin_json_str(r->title));
	json_object_set_new(o, "state",
			    admin_json_str(sayso_round_state_name(r->state)));
	json_object_set_new(o, "ballot",
			    admin_json_str(sayso_ballot_kind_name(r->kind)));
	json_object_set_new(o, "currency", admin_json_str(r->currency));
	json_object_set_new(o, "budget",
			    admin_json_money(r->budget, r->currency));
	json_object_set_new(o, "min_picks", json_integer(r->min_picks));
	json_object_set_new(o, "max_picks", json_integer(r->max_picks));
	json_object_set_new(o, "revote",
			    admin_json_str(sayso_revote_name(r->revote)));
	json_object_set_new(
	    o, "opens", r->opens[0] ? admin_json_str(r->opens) : json_null());
	json_object_set_new(o, "closes",
			    r->closes[0] ? admin_json_str(r->closes)
					 : json_null());
	json_object_set_new(o, "imported", json_boolean(r->imported));
	json_object_set_new(o, "identity",
			    json_string(sayso_identity_name(r->identity)));
	json_object_set_new(o, "projects", json_integer((json_int_t)nprojects));
	json_t *b = json_object();
	json_object_set_new(b, "counted", json_integer(bc->counted));
	json_object_set_new(b, "superseded", json_integer(bc->superseded));
	json_object_set_new(b, "rejected", json_integer(bc->rejected));
	json_object_set_new(o, "ballots", b);
	return o;
}

static int round_facts(struct admin_ctx *ctx, const struct sayso_round *r,
		       size_t *nprojects, struct sayso_ballot_counts *bc)
{
	struct sayso_project *p = NULL;
	enum sayso_err e = sayso_project_list(ctx->st, r->id, &p, nprojects);
	free(p);
	if (e == SAYSO_OK)
		e = sayso_ballot_counts(ctx->st, r->id, bc);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, r->code, e);
	return ADMIN_EXIT_OK;
}

int admin_cmd_round_edit(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "round edit", *why = NULL;
	struct settings o = {0};
	const struct admin_opt opts[] = {
	    {"title", &o.title, NULL},
	    {"budget", &o.budget, NULL},
	    {"currency", &o.currency, NULL},
	    {"ballot", &o.ballot, NULL},
	    {"min-picks", &o.minp, NULL},
	    {"max-picks", &o.maxp, NULL},
	    {"revote", &o.revote, NULL},
	    {"opens", &o.opens, NULL},
	    {"closes", &o.closes, NULL},
	    {"identity", &o.identity, NULL},
	    {"why", &why, NULL},
	    {NULL, NULL, NULL},
	};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &np);
	if (rc)
		return rc;
	if ((rc = admin_require(ctx, cmd, "why", why)))
		return rc;
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	if ((rc = apply_settings(ctx, cmd, &o, &r)))
		return rc;
	enum sayso_err e = sayso_round_edit(ctx->st, &r, ctx->actor, why);
	if (e != SAYSO_OK)
		return admin_fail(ctx, "%s: %s; nothing changed", cmd,
				  sayso_store_errmsg(ctx->st));
	fprintf(ctx->out, "edited round %s (state draft)\n", r.code);
	return ADMIN_EXIT_OK;
}

int admin_cmd_round_list(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "round list", *format = NULL;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {NULL, NULL, NULL}};
	int np;
	enum admin_format fmt;
	int rc =
	    admin_args_fmt(ctx, cmd, argc, argv, opts, NULL, 0, 0, &np, &fmt);
	if (rc)
		return rc;
	if (admin_open(ctx, ADMIN_READ))
		return ADMIN_EXIT_ERROR;
	struct sayso_round *rs = NULL;
	size_t n = 0;
	enum sayso_err e = sayso_round_list(ctx->st, &rs, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	static const char *const h[] = {"CODE",	  "TITLE",  "STATE",
					"BALLOT", "BUDGET", "PROJECTS",
					"COUNTED"};
	static const char *const hc[] = {"code",   "title",  "state",
					 "ballot", "budget", "projects",
					 "counted"};
	struct admin_table *t =
	    admin_table_new(7, fmt == ADMIN_FMT_CSV ? hc : h, "lllllrr");
	json_t *arr = json_array();
	rc = ADMIN_EXIT_OK;
	for (size_t i = 0; i < n && rc == ADMIN_EXIT_OK; i++) {
		size_t np2;
		struct sayso_ballot_counts bc;
		if ((rc = round_facts(ctx, &rs[i], &np2, &bc)))
			break;
		char money[64], nproj[24], cnt[24];
		if (fmt == ADMIN_FMT_CSV)
			admin_money_plain(rs[i].budget, rs[i].currency, money,
					  sizeof money);
		else
			sayso_money_format(rs[i].budget, rs[i].currency, money,
					   sizeof money);
		snprintf(nproj, sizeof nproj, "%zu", np2);
		snprintf(cnt, sizeof cnt, "%lld", (long long)bc.counted);
		char title[SAYSO_TITLE_MAX];
		if (fmt == ADMIN_FMT_CSV)
			snprintf(title, sizeof title, "%s", rs[i].title);
		else
			admin_shorten(rs[i].title, 50, title, sizeof title);
		const char *row[] = {
		    rs[i].code,
		    title,
		    sayso_round_state_name(rs[i].state),
		    sayso_ballot_kind_name(rs[i].kind),
		    money,
		    nproj,
		    cnt,
		};
		if (t)
			admin_table_add(t, row);
		json_array_append_new(arr, round_json(&rs[i], np2, &bc));
	}
	if (rc == ADMIN_EXIT_OK) {
		if (fmt == ADMIN_FMT_JSON) {
			rc = admin_json_print(ctx, arr);
			arr = NULL;
		} else if (n == 0 && fmt == ADMIN_FMT_TABLE) {
			fprintf(ctx->out, "no rounds yet (create one with "
					  "sayso-admin round create)\n");
		} else if (t) {
			admin_table_print(t, ctx->out, fmt);
		}
	}
	json_decref(arr);
	admin_table_free(t);
	free(rs);
	return rc;
}

int admin_cmd_round_show(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "round show", *format = NULL;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	enum admin_format fmt;
	int rc =
	    admin_args_fmt(ctx, cmd, argc, argv, opts, pos, 1, 1, &np, &fmt);
	if (rc)
		return rc;
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_READ, pos[0], &r)))
		return rc;
	size_t nproj;
	struct sayso_ballot_counts bc;
	if ((rc = round_facts(ctx, &r, &nproj, &bc)))
		return rc;
	if (fmt == ADMIN_FMT_JSON)
		return admin_json_print(ctx, round_json(&r, nproj, &bc));
	char money[64], picks[64], nps[24], bal[128];
	if (fmt == ADMIN_FMT_CSV)
		admin_money_plain(r.budget, r.currency, money, sizeof money);
	else
		sayso_money_format(r.budget, r.currency, money, sizeof money);
	picks_text(&r, picks, sizeof picks);
	snprintf(nps, sizeof nps, "%zu", nproj);
	snprintf(bal, sizeof bal,
		 "%lld counted, %lld superseded, %lld rejected",
		 (long long)bc.counted, (long long)bc.superseded,
		 (long long)bc.rejected);
	static const char *const h[] = {"field", "value"};
	struct admin_table *t = admin_table_new(2, h, "ll");
	if (!t)
		return admin_fail(ctx, "out of memory");
	const char *rows[][2] = {
	    {"code", r.code},
	    {"title", r.title},
	    {"state", sayso_round_state_name(r.state)},
	    {"ballot", sayso_ballot_kind_name(r.kind)},
	    {"picks", picks},
	    {"budget", money},
	    {"currency", r.currency},
	    {"revote", r.revote == SAYSO_REVOTE_FIRST
			   ? "first (the first ballot counts)"
			   : "last (the newest ballot counts)"},
	    {"opens", r.opens[0] ? r.opens : "-"},
	    {"closes", r.closes[0] ? r.closes : "-"},
	    {"imported", r.imported ? "yes (pabulib)" : "no"},
	    {"identity", sayso_identity_name(r.identity)},
	    {"projects", nps},
	    {"ballots", bal},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		admin_table_add(t, rows[i]);
	if (fmt == ADMIN_FMT_CSV) {
		admin_table_print(t, ctx->out, fmt);
	} else {
		/* "field  value" lines without the header. */
		for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
			fprintf(ctx->out, "%-9s ", rows[i][0]);
			admin_term_puts(ctx->out, rows[i][1]);
			fputc('\n', ctx->out);
		}
	}
	admin_table_free(t);
	return ADMIN_EXIT_OK;
}

static int set_state(struct admin_ctx *ctx, const char *cmd, int argc,
		     char **argv, enum sayso_round_state state)
{
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, NULL, pos, 1, 1, &np);
	if (rc)
		return rc;
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	struct sayso_store *st = ctx->st;
	if (r.state == state) {
		fprintf(ctx->out, "round %s is already %s\n", r.code,
			sayso_round_state_name(state));
		return ADMIN_EXIT_OK;
	}
	enum sayso_err e = sayso_store_begin(st);
	if (e == SAYSO_OK)
		e = sayso_round_set_state(st, r.code, state, ctx->actor);
	if (e == SAYSO_OK)
		e = sayso_store_commit(st);
	else
		sayso_store_rollback(st);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	fprintf(ctx->out, "round %s is now %s\n", r.code,
		sayso_round_state_name(state));
	return ADMIN_EXIT_OK;
}

int admin_cmd_round_open(struct admin_ctx *ctx, int argc, char **argv)
{
	return set_state(ctx, "round open", argc, argv, SAYSO_ROUND_OPEN);
}

int admin_cmd_round_close(struct admin_ctx *ctx, int argc, char **argv)
{
	return set_state(ctx, "round close", argc, argv, SAYSO_ROUND_CLOSED);
}

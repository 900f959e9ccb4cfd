/*
 * cmd_tally.c: `tally CODE [--rule greedy|mes|approval] [--format ...]`.
 *
 * The counting is libsaysocore's (tally.h: sayso_tally_round(), which loads
 * only per-project counts when the rule allows); this file only presents it. A
 * tally works in any round state; unless the round is closed it is marked
 * provisional. Projects are listed in project-number order in every format; the
 * JSON shape is documented in docs/json.md and is a contract.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin.h"
#include "sayso/round.h"
#include "sayso/tally.h"

static const char *rule_sentence(enum sayso_rule rule)
{
	switch (rule) {
	case SAYSO_RULE_APPROVAL:
		return "approval: votes per project (this rule funds nothing)";
	case SAYSO_RULE_GREEDY:
		return "greedy: most votes first; each project is funded if it "
		       "still fits in the money left";
	case SAYSO_RULE_MES:
		return "mes: Method of Equal Shares (add1): every voter gets "
		       "an "
		       "equal share of the budget to spend on projects they "
		       "chose";
	}
	return "";
}

static int reason_cmp(const void *a, const void *b)
{
	const struct sayso_reason_count *x = a, *y = b;
	int c = strcmp(x->status, y->status);
	return c ? c : strcmp(x->reason, y->reason);
}

static bool points_ballot(enum sayso_ballot_kind k)
{
	return k == SAYSO_BALLOT_CUMULATIVE || k == SAYSO_BALLOT_ORDINAL;
}

/* Why a funded project beat a project with the same score ("lower cost
 * than #12"); "" when no tie was settled by the tie-break. */
static void tie_text(const struct sayso_election *e,
		     const struct sayso_tally_project *tp, char *out,
		     size_t outsz)
{
	out[0] = '\0';
	if (tp->tie_with == 0 || tp->tie_with > e->nprojects)
		return;
	snprintf(out, outsz, "%s than #%d",
		 tp->tie_by_cost    ? "lower cost"
		 : tp->tie_by_votes ? "same cost, more votes"
				    : "same cost, project id first",
		 e->projects[tp->tie_with - 1].number);
}

static json_t *tally_json(const struct sayso_round *r,
			  const struct sayso_election *e,
			  const struct sayso_tally *t, bool provisional)
{
	const char *cur = r->currency;
	json_t *o = json_object();
	json_object_set_new(o, "round", admin_json_str(r->code));
	json_object_set_new(o, "title", admin_json_str(r->title));
	json_object_set_new(o, "state",
			    admin_json_str(sayso_round_state_name(r->state)));
	json_object_set_new(o, "provisional", json_boolean(provisional));
	json_object_set_new(o, "rule",
			    admin_json_str(sayso_rule_name(t->rule)));
	json_object_set_new(o, "ballot",
			    admin_json_str(sayso_ballot_kind_name(r->kind)));
	json_object_set_new(o, "currency", admin_json_str(cur));
	json_object_set_new(o, "budget", admin_json_money(t->budget, cur));
	json_object_set_new(o, "spent", admin_json_money(t->spent, cur));
	json_object_set_new(o, "left", admin_json_money(t->left, cur));
	json_t *sel = json_array();
	json_t *ps = json_array();
	for (size_t i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[i];
		const struct sayso_tally_project *tp = &t->projects[i];
		if (tp->selected)
			json_array_append_new(sel, admin_json_str(p->id));
		json_t *jp = json_object();
		json_object_set_new(jp, "id", admin_json_str(p->id));
		json_object_set_new(jp, "number", json_integer(p->number));
		json_object_set_new(jp, "title", admin_json_str(p->title));
		json_object_set_new(jp, "cost", admin_json_money(p->cost, cur));
		json_object_set_new(jp, "votes", json_integer(tp->votes));
		if (points_ballot(e->kind))
			json_object_set_new(jp, "score",
					    json_integer(tp->score));
		if (t->rule == SAYSO_RULE_APPROVAL &&
		    e->kind == SAYSO_BALLOT_KNAPSACK)
			json_object_set_new(jp, "money",
					    admin_json_money(tp->money, cur));
		json_object_set_new(jp, "selected", json_boolean(tp->selected));
		char tie[96];
		tie_text(e, tp, tie, sizeof tie);
		if (tie[0])
			json_object_set_new(jp, "tie_break",
					    admin_json_str(tie));
		json_array_append_new(ps, jp);
	}
	json_object_set_new(o, "selected", sel);
	json_object_set_new(o, "projects", ps);
	json_t *b = json_object();
	json_object_set_new(b, "counted", json_integer(e->counted));
	json_object_set_new(b, "superseded", json_integer(e->superseded));
	json_object_set_new(b, "rejected", json_integer(e->rejected));
	json_t *reasons = json_array();
	for (size_t i = 0; i < e->nreasons; i++) {
		json_t *jr = json_object();
		json_object_set_new(jr, "status",
				    admin_json_str(e->reasons[i].status));
		json_object_set_new(jr, "reason",
				    admin_json_str(e->reasons[i].reason));
		json_object_set_new(jr, "count",
				    json_integer(e->reasons[i].count));
		json_array_append_new(reasons, jr);
	}
	json_object_set_new(b, "reasons", reasons);
	json_object_set_new(o, "ballots", b);
	if (t->rule == SAYSO_RULE_MES) {
		json_t *m = json_object();
		json_object_set_new(m, "per_voter",
				    admin_json_money(t->per_voter, cur));
		json_object_set_new(m, "runs", json_integer(t->runs));
		json_object_set_new(o, "mes", m);
	}
	return o;
}

static void tally_csv(struct admin_ctx *ctx, const struct sayso_round *r,
		      const struct sayso_election *e,
		      const struct sayso_tally *t)
{
	static const char *const h[] = {"id",	 "number",   "title",
					"cost",	 "votes",    "score",
					"money", "selected", "tie_break"};
	admin_csv_row(ctx->out, h, 9);
	for (size_t i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[i];
		const struct sayso_tally_project *tp = &t->projects[i];
		char num[16], cost[40], votes[24], score[24], money[40];
		snprintf(num, sizeof num, "%d", p->number);
		admin_money_plain(p->cost, r->currency, cost, sizeof cost);
		snprintf(votes, sizeof votes, "%lld", (long long)tp->votes);
		snprintf(score, sizeof score, "%lld", (long long)tp->score);
		admin_money_plain(tp->money, r->currency, money, sizeof money);
		char tie[96];
		tie_text(e, tp, tie, sizeof tie);
		const char *row[] = {
		    p->id, num,	  p->title, cost,
		    votes, score, money,    tp->selected ? "1" : "0",
		    tie};
		admin_csv_row(ctx->out, row, 9);
	}
}

static void tally_text(struct admin_ctx *ctx, const struct sayso_round *r,
		       const struct sayso_election *e,
		       const struct sayso_tally *t, bool provisional)
{
	FILE *out = ctx->out;
	const char *cur = r->currency;
	char m1[64], m2[64], m3[64];
	fprintf(out, "round:    %s \"", r->code);
	admin_term_puts(out, r->title);
	fprintf(out, "\" (%s)\n", sayso_round_state_name(r->state));
	if (provisional)
		fprintf(out, "          PROVISIONAL: the round is not closed; "
			     "these figures can still change\n");
	fprintf(out, "rule:     %s\n", rule_sentence(t->rule));
	fprintf(out, "ballots:  %lld counted, %lld superseded, %lld rejected\n",
		(long long)e->counted, (long long)e->superseded,
		(long long)e->rejected);
	for (size_t i = 0; i < e->nreasons; i++)
		fprintf(out, "          %s: %s (%lld)\n", e->reasons[i].status,
			e->reasons[i].reason, (long long)e->reasons[i].count);
	sayso_money_format(t->budget, cur, m1, sizeof m1);
	fprintf(out, "budget:   %s\n", m1);
	if (t->rule != SAYSO_RULE_APPROVAL) {
		sayso_money_format(t->spent, cur, m2, sizeof m2);
		sayso_money_format(t->left, cur, m3, sizeof m3);
		fprintf(out, "funded:   %zu project%s, %s\n", t->nselected,
			t->nselected == 1 ? "" : "s", m2);
		fprintf(out, "left:     %s\n", m3);
	}
	if (t->rule == SAYSO_RULE_MES) {
		sayso_money_format(t->per_voter, cur, m1, sizeof m1);
		fprintf(out, "share:    %s per voter (after %d MES runs)\n", m1,
			t->runs);
	}
	fputc('\n', out);

	bool pts = points_ballot(e->kind);
	bool money =
	    t->rule == SAYSO_RULE_APPROVAL && e->kind == SAYSO_BALLOT_KNAPSACK;
	bool funded = t->rule != SAYSO_RULE_APPROVAL;
	const char *h[6];
	char align[7];
	size_t nc = 0;
	h[nc] = "NO";
	align[nc++] = 'r';
	h[nc] = "ID";
	align[nc++] = 'l';
	h[nc] = "PROJECT";
	align[nc++] = 'l';
	h[nc] = "COST";
	align[nc++] = 'r';
	h[nc] = pts ? "POINTS" : "VOTES";
	align[nc++] = 'r';
	if (money || funded) {
		h[nc] = money ? "ALLOTTED" : "FUNDED";
		align[nc++] = money ? 'r' : 'l';
	}
	align[nc] = '\0';
	struct admin_table *tb = admin_table_new(nc, h, align);
	if (!tb)
		return;
	for (size_t i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[i];
		const struct sayso_tally_project *tp = &t->projects[i];
		char num[16], cost[64], votes[24], extra[160];
		snprintf(num, sizeof num, "%d", p->number);
		sayso_money_format(p->cost, cur, cost, sizeof cost);
		snprintf(votes, sizeof votes, "%lld",
			 (long long)(pts ? tp->score : tp->votes));
		if (money)
			sayso_money_format(tp->money, cur, extra, sizeof extra);
		else {
			char tie[96];
			tie_text(e, tp, tie, sizeof tie);
			if (tie[0])
				snprintf(extra, sizeof extra,
					 "yes (on the tie-break: %s)", tie);
			else
				snprintf(extra, sizeof extra, "%s",
					 tp->selected ? "yes" : "no");
		}
		char title[256];
		admin_shorten(p->title, 60, title, sizeof title);
		const char *row[] = {num, p->id, title, cost, votes, extra};
		admin_table_add(tb, row);
	}
	admin_table_print(tb, out, ADMIN_FMT_TABLE);
	admin_table_free(tb);
}

int admin_cmd_tally(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "tally", *rule_s = NULL, *format = NULL;
	const struct admin_opt opts[] = {{"rule", &rule_s, NULL},
					 {"format", &format, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	enum admin_format fmt;
	int rc =
	    admin_args_fmt(ctx, cmd, argc, argv, opts, pos, 1, 1, &np, &fmt);
	if (rc)
		return rc;
	enum sayso_rule rule;
	if ((rc = admin_rule(ctx, cmd, rule_s, &rule)))
		return rc;
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_READ, pos[0], &r)))
		return rc;
	enum sayso_err err;
	/* No --rule: the round's own (MES for an imported MES election). */
	if (!rule_s &&
	    (err = sayso_round_rule(ctx->st, r.id, &rule)) != SAYSO_OK)
		return admin_fail_store(ctx, cmd, err);
	if (!rule_s)
		rule_s = sayso_rule_name(rule);
	struct sayso_election *e = NULL;
	admin_progress(ctx, "counting", -1, 0);
	struct sayso_tally t;
	memset(&t, 0, sizeof t);
	char errbuf[SAYSO_ERRMSG_MAX] = "";
	err = sayso_tally_round(ctx->st, r.id, rule, &e, &t, errbuf,
				sizeof errbuf);
	if (err != SAYSO_OK) {
		admin_progress_end(ctx);
		rc = admin_fail(ctx, "%s %s --rule %s: %s", cmd, r.code, rule_s,
				errbuf[0] ? errbuf : sayso_strerror(err));
		goto out;
	}
	admin_progress_end(ctx);
	/* Reasons in one order whichever way the core loaded the round. */
	qsort(e->reasons, e->nreasons, sizeof e->reasons[0], reason_cmp);
	bool provisional = r.state != SAYSO_ROUND_CLOSED;
	switch (fmt) {
	case ADMIN_FMT_JSON:
		rc = admin_json_print(ctx, tally_json(&r, e, &t, provisional));
		break;
	case ADMIN_FMT_CSV:
		tally_csv(ctx, &r, e, &t);
		break;
	case ADMIN_FMT_TABLE:
		tally_text(ctx, &r, e, &t, provisional);
		break;
	}
out:
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
	return rc;
}

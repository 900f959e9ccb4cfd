/*
 * tally.c: the PB rules on an in-memory election: approval and greedy, the
 * rule names, and running a rule on a stored round (sayso_tally_run,
 * sayso_tally_round). Loading is in election.c, MES in mes.c; none of the
 * rules touches SQLite.
 */
#include "sayso/tally.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"
#include "internal.h"
#include "sayso/store.h"

const char *sayso_rule_name(enum sayso_rule rule)
{
	switch (rule) {
	case SAYSO_RULE_APPROVAL:
		return "approval";
	case SAYSO_RULE_GREEDY:
		return "greedy";
	case SAYSO_RULE_MES:
		return "mes";
	}
	return "?";
}

enum sayso_err sayso_rule_parse(const char *s, enum sayso_rule *out)
{
	if (!s || !out)
		return SAYSO_ERR_INVAL;
	if (strcmp(s, "approval") == 0)
		*out = SAYSO_RULE_APPROVAL;
	else if (strcmp(s, "greedy") == 0)
		*out = SAYSO_RULE_GREEDY;
	else if (strcmp(s, "mes") == 0)
		*out = SAYSO_RULE_MES;
	else
		return SAYSO_ERR_INVAL;
	return SAYSO_OK;
}
/* ---- results ---- */

void sayso_tally_cleanup(struct sayso_tally *t)
{
	if (!t)
		return;
	free(t->projects);
	free(t->pick_paid);
	t->projects = NULL;
	t->pick_paid = NULL;
	t->nprojects = 0;
}

enum sayso_err Sayso_tally_init(const struct sayso_election *e,
				enum sayso_rule rule, struct sayso_tally *t)
{
	size_t i;

	memset(t, 0, sizeof *t);
	t->rule = rule;
	t->budget = e->budget;
	t->left = e->budget;
	t->nprojects = e->nprojects;
	t->projects =
	    calloc(e->nprojects ? e->nprojects : 1, sizeof *t->projects);
	if (!t->projects)
		return SAYSO_ERR_NOMEM;
	for (i = 0; i < e->nprojects; i++) {
		t->projects[i].votes = e->projects[i].votes;
		t->projects[i].score = e->projects[i].score;
	}
	return SAYSO_OK;
}

void Sayso_tally_select(const struct sayso_election *e, struct sayso_tally *t,
			size_t p)
{
	t->projects[p].selected = true;
	t->projects[p].money = e->projects[p].cost;
	t->projects[p].order = (int)++t->nselected;
	t->spent += e->projects[p].cost;
	t->left = t->budget - t->spent;
}

enum sayso_err sayso_tally_approval(const struct sayso_election *e,
				    struct sayso_tally *out)
{
	enum sayso_err err;
	size_t i;

	if (!e || !out)
		return SAYSO_ERR_INVAL;
	if ((err = Sayso_tally_init(e, SAYSO_RULE_APPROVAL, out)) != SAYSO_OK)
		return err;
	if (e->kind == SAYSO_BALLOT_KNAPSACK)
		for (i = 0; i < e->nprojects; i++)
			out->projects[i].money =
			    e->projects[i].votes * e->projects[i].cost;
	return SAYSO_OK;
}

static int greedy_cmp(const void *a, const void *b, const void *ctx)
{
	const struct sayso_election *e = ctx;
	const struct sayso_eproject *x = &e->projects[*(const uint32_t *)a];
	const struct sayso_eproject *y = &e->projects[*(const uint32_t *)b];
	int64_t sx = x->score, sy = y->score;

	if (e->kind == SAYSO_BALLOT_APPROVAL ||
	    e->kind == SAYSO_BALLOT_KNAPSACK) {
		sx = x->votes;
		sy = y->votes;
	}
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The rule an imported round's pabulib META names, and its ballot kind. */
#define RULE_SQL(D)                                                            \
	"SELECT " SAYSO_##D##_JSON_TEXT("pb_meta",                             \
					"rule") ", ballot_kind "               \
						"FROM rounds WHERE id = ?1"
/* Insertion sort with a context (qsort_r is not portable C); n is the
 * number of projects, a few hundred at most in practice. */
static void sort_ctx(uint32_t *v, size_t n,
		     int (*cmp)(const void *, const void *, const void *),
		     const void *ctx)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t x = v[i];
		for (j = i; j > 0 && cmp(&x, &v[j - 1], ctx) < 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

enum sayso_err sayso_tally_greedy(const struct sayso_election *e,
				  struct sayso_tally *out)
{
	uint32_t *order;
	enum sayso_err err;
	size_t i;

	if (!e || !out)
		return SAYSO_ERR_INVAL;
	if ((err = Sayso_tally_init(e, SAYSO_RULE_GREEDY, out)) != SAYSO_OK)
		return err;
	order = malloc((e->nprojects ? e->nprojects : 1) * sizeof *order);
	if (!order) {
		sayso_tally_cleanup(out);
		return SAYSO_ERR_NOMEM;
	}
	for (i = 0; i < e->nprojects; i++)
		order[i] = (uint32_t)i;
	sort_ctx(order, e->nprojects, greedy_cmp, e);
	for (i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[order[i]];
		/* A project nobody voted for is never funded. */
		if (p->votes == 0)
			continue;
		if (p->cost <= out->left)
			Sayso_tally_select(e, out, order[i]);
	}
	/* Ties the tie-break settled: a funded project followed, with the
	 * same score, by one left out. */
	for (i = 0; i < e->nprojects; i++) {
		struct sayso_tally_project *tp = &out->projects[order[i]];
		const struct sayso_eproject *p = &e->projects[order[i]];

		if (!tp->selected)
			continue;
		for (size_t k = i + 1; k < e->nprojects; k++) {
			const struct sayso_eproject *q = &e->projects[order[k]];
			if (out->projects[order[k]].score != tp->score)
				break;
			if (!out->projects[order[k]].selected && q->votes > 0) {
				tp->tie_with = (size_t)order[k] + 1;
				tp->tie_by_cost = p->cost != q->cost;
				break;
			}
		}
	}
	free(order);
	return SAYSO_OK;
}

enum sayso_err sayso_tally_run(const struct sayso_election *e,
			       enum sayso_rule rule, struct sayso_tally *out,
			       char *errbuf, size_t errsz)
{
	enum sayso_err err = SAYSO_ERR_INVAL;

	if (!e || !out) {
		Sayso_errbuf_set(errbuf, errsz, "no election to tally");
		return SAYSO_ERR_INVAL;
	}
	switch (rule) {
	case SAYSO_RULE_APPROVAL:
		err = sayso_tally_approval(e, out);
		break;
	case SAYSO_RULE_GREEDY:
		err = sayso_tally_greedy(e, out);
		break;
	case SAYSO_RULE_MES:
		err = sayso_tally_mes(e, out, errbuf, errsz);
		break;
	}
	if (err == SAYSO_ERR_NOMEM)
		Sayso_errbuf_set(errbuf, errsz, "out of memory while tallying");
	return err;
}

enum sayso_err sayso_tally_round(struct sayso_store *st, int64_t round_id,
				 enum sayso_rule rule,
				 struct sayso_election **e,
				 struct sayso_tally *out, char *errbuf,
				 size_t errsz)
{
	enum sayso_err err;

	if (!st || !e || !out) {
		Sayso_errbuf_set(errbuf, errsz,
				 "no store or result to tally into");
		return SAYSO_ERR_INVAL;
	}
	*e = NULL;
	memset(out, 0, sizeof *out);
	if (rule == SAYSO_RULE_MES)
		err = sayso_election_load(st, round_id, e);
	else
		err = sayso_election_load_counts(st, round_id, e);
	if (err != SAYSO_OK) {
		Sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		return err;
	}
	err = sayso_tally_run(*e, rule, out, errbuf, errsz);
	if (err != SAYSO_OK) {
		sayso_tally_cleanup(out);
		sayso_election_free(*e);
		*e = NULL;
	}
	return err;
}

enum sayso_err sayso_round_rule(struct sayso_store *st, int64_t round_id,
				enum sayso_rule *out)
{
	struct sayso_stmt *s;
	const char *meta_rule, *kind;
	enum sayso_err err = SAYSO_OK;
	int rc;

	if (!st || !out)
		return SAYSO_ERR_INVAL;
	*out = SAYSO_RULE_GREEDY;
	s = Sayso_store_stmt2(st, RULE_SQL(LITE), RULE_SQL(PG));
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		meta_rule = (const char *)Sayso_col_text(s, 0);
		kind = (const char *)Sayso_col_text(s, 1);
		if (meta_rule &&
		    (strncasecmp(meta_rule, "equalshares", 11) == 0 ||
		     strncasecmp(meta_rule, "mes", 3) == 0) &&
		    kind &&
		    (strcmp(kind, "approval") == 0 ||
		     strcmp(kind, "knapsack") == 0))
			*out = SAYSO_RULE_MES;
	} else if (rc == SAYSO_SQL_DONE) {
		err = Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
				       "no round with id %lld",
				       (long long)round_id);
	} else {
		err = Sayso_store_sqlfail(st, "reading the round's rule");
	}
	Sayso_reset(s);
	return err;
}

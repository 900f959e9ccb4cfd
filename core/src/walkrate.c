/*
 * walkrate.c: the observed resolution rate of walkabout issues, in total
 * and by street, category and partner (definition in sayso/walkabout.h).
 *
 * One pass over the listed issues feeds the total and three sets of groups
 * through the same accumulator, so a group's figures can never be computed
 * differently from the total's. The Wilson interval is stats.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "sayso/buf.h"
#include "sayso/stats.h"
#include "sayso/walkabout.h"

struct acc {
	struct sayso_walk_counts c;
	double *days; /* days to resolved of each resolved issue */
	size_t ndays, cap;
};

struct accs {
	struct acc *a;
	size_t n, cap;
};

static struct acc *acc_find(struct accs *g, const char *key)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->a[i].c.key, key) == 0)
			return &g->a[i];
	if (sayso_array_grow(&g->a, &g->cap, g->n + 1, sizeof *g->a,
			     SIZE_MAX) != SAYSO_OK)
		return NULL;
	struct acc *a = &g->a[g->n++];
	memset(a, 0, sizeof *a);
	snprintf(a->c.key, sizeof a->c.key, "%s", key);
	return a;
}

static void accs_free(struct accs *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->a[i].days);
	free(g->a);
	memset(g, 0, sizeof *g);
}

/* What one issue contributes. */
struct fate {
	bool duplicate, not_ours, inspected, resolved, due;
	double days; /* when resolved */
};

static bool acc_add(struct acc *a, const struct fate *f)
{
	a->c.logged++;
	if (f->duplicate) {
		a->c.duplicates++;
		return true;
	}
	if (f->not_ours) {
		a->c.not_ours++;
		return true;
	}
	if (!f->inspected) {
		a->c.uninspected++;
		if (f->due)
			a->c.due++;
		return true;
	}
	a->c.inspected++;
	if (!f->resolved)
		return true;
	a->c.resolved++;
	if (sayso_array_grow(&a->days, &a->cap, a->ndays + 1, sizeof *a->days,
			     SIZE_MAX) != SAYSO_OK)
		return false;
	a->days[a->ndays++] = f->days;
	return true;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static void acc_finish(struct acc *a)
{
	struct sayso_walk_counts *c = &a->c;

	c->rate =
	    c->inspected ? (double)c->resolved / (double)c->inspected : 0.0;
	sayso_stats_wilson(c->resolved, c->inspected, SAYSO_STATS_Z95,
			   &c->ci_low, &c->ci_high);
	c->median_days = -1;
	if (a->ndays == 0)
		return;
	qsort(a->days, a->ndays, sizeof *a->days, cmp_double);
	size_t m = a->ndays / 2;
	c->median_days =
	    a->ndays % 2 ? a->days[m] : (a->days[m - 1] + a->days[m]) / 2.0;
}

static int cmp_counts(const void *x, const void *y)
{
	return strcmp(((const struct sayso_walk_counts *)x)->key,
		      ((const struct sayso_walk_counts *)y)->key);
}

/* Finishes every group into a malloc'd array sorted by key. */
static enum sayso_err accs_out(struct accs *g, struct sayso_walk_counts **out,
			       size_t *n)
{
	*out = calloc(g->n ? g->n : 1, sizeof **out);
	if (!*out)
		return SAYSO_ERR_NOMEM;
	for (size_t i = 0; i < g->n; i++) {
		acc_finish(&g->a[i]);
		(*out)[i] = g->a[i].c;
	}
	*n = g->n;
	qsort(*out, *n, sizeof **out, cmp_counts);
	return SAYSO_OK;
}

static int64_t day_ms(const char *day)
{
	int64_t ms = 0;
	return sayso_time_parse(day, &ms) == SAYSO_OK ? ms : 0;
}

/* Days from when is was seen to the first observation of its final run of
 * "resolved" observations. */
static enum sayso_err days_to_resolved(struct sayso_store *st,
				       const struct sayso_walk_issue *is,
				       double *days)
{
	char first[SAYSO_TIME_LEN + 1] = "";
	int rc;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT observed, at FROM walk_checks WHERE issue_id = ?1 "
		"ORDER BY at DESC, id DESC");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, is->id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		const unsigned char *o = Sayso_col_text(s, 0);
		if (!o || strcmp((const char *)o, "resolved") != 0)
			break;
		Sayso_column_copy(s, 1, first, sizeof first);
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "re-inspections");
	int64_t a = 0, b = 0;
	if (sayso_time_parse(is->seen_at, &a) != SAYSO_OK ||
	    sayso_time_parse(first, &b) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					"walk issue %s has a bad time",
					is->ref);
	*days = (double)(b - a) / 86400000.0;
	return SAYSO_OK;
}

/* Whether a walkabout held after is's own and covering its street exists. */
static bool was_due(const struct sayso_walk_issue *is,
		    const struct sayso_walkabout *w, size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		if (strcmp(w[i].held_on, is->held_on) > 0 &&
		    sayso_walkabout_covers(&w[i], is->street))
			return true;
	return false;
}

static bool in_scope(const struct sayso_walk_scope *sc, const char *held_on)
{
	int64_t d = day_ms(held_on);
	return (sc->since_ms == 0 || d >= sc->since_ms) &&
	       (sc->until_ms == 0 || d < sc->until_ms);
}

struct rate_run {
	struct accs all, streets, cats, partners;
	struct sayso_walkabout *w;
	size_t nw;
	struct sayso_walk_issue *is;
	size_t nis;
};

static enum sayso_err rate_issue(struct sayso_store *st, struct rate_run *r,
				 const struct sayso_walk_issue *is)
{
	struct fate f = {
	    .duplicate = is->dup_confirmed,
	    .not_ours = is->not_ours,
	    .inspected = is->checks > 0,
	    .resolved = is->has_last && is->last == SAYSO_OBS_RESOLVED,
	};
	enum sayso_err e;

	if (!f.inspected)
		f.due = was_due(is, r->w, r->nw);
	if (!f.duplicate && !f.not_ours && f.resolved &&
	    (e = days_to_resolved(st, is, &f.days)) != SAYSO_OK)
		return e;
	struct acc *a[4] = {
	    acc_find(&r->all, ""),
	    acc_find(&r->streets, is->street),
	    acc_find(&r->cats, is->category),
	    acc_find(&r->partners, is->partner),
	};
	for (size_t i = 0; i < 4; i++)
		if (!a[i] || !acc_add(a[i], &f))
			return SAYSO_ERR_NOMEM;
	return SAYSO_OK;
}

enum sayso_err sayso_walk_rate(struct sayso_store *st,
			       const struct sayso_walk_scope *scope,
			       struct sayso_walk_rate *out)
{
	static const struct sayso_walk_scope everything;
	struct sayso_walk_filter f = {0};
	struct rate_run r;
	enum sayso_err e;

	memset(out, 0, sizeof *out);
	memset(&r, 0, sizeof r);
	if (!scope)
		scope = &everything;
	if (scope->since_ms && scope->until_ms &&
	    scope->until_ms <= scope->since_ms)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"the period ends before it begins");
	f.walkabout = scope->walkabout;
	if ((e = sayso_walkabout_list(st, &r.w, &r.nw)) != SAYSO_OK ||
	    (e = sayso_walk_issue_list(st, &f, &r.is, &r.nis)) != SAYSO_OK)
		goto out;
	for (size_t i = 0; i < r.nw; i++)
		if (scope->walkabout
			? strcasecmp(r.w[i].code, scope->walkabout) == 0
			: in_scope(scope, r.w[i].held_on))
			out->walkabouts++;
	if (!acc_find(&r.all, "")) {
		e = SAYSO_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < r.nis; i++) {
		if (!scope->walkabout && !in_scope(scope, r.is[i].held_on))
			continue;
		if ((e = rate_issue(st, &r, &r.is[i])) != SAYSO_OK)
			goto out;
	}
	acc_finish(&r.all.a[0]);
	out->all = r.all.a[0].c;
	if ((e = accs_out(&r.streets, &out->streets, &out->nstreets)) !=
		SAYSO_OK ||
	    (e = accs_out(&r.cats, &out->categories, &out->ncategories)) !=
		SAYSO_OK ||
	    (e = accs_out(&r.partners, &out->partners, &out->npartners)) !=
		SAYSO_OK)
		goto out;
out:
	if (e != SAYSO_OK)
		sayso_walk_rate_cleanup(out);
	accs_free(&r.all);
	accs_free(&r.streets);
	accs_free(&r.cats);
	accs_free(&r.partners);
	free(r.w);
	free(r.is);
	return e;
}

void sayso_walk_rate_cleanup(struct sayso_walk_rate *r)
{
	if (!r)
		return;
	free(r->streets);
	free(r->categories);
	free(r->partners);
	memset(r, 0, sizeof *r);
}

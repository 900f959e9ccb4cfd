/*
 * stats.c: ratings and reports figures for the CLI and the published pages.
 *
 * Counting is done by SQLite (GROUP BY over indexed columns), so 100k ratings
 * summarise in one pass without loading rows; only the per-report resolution
 * times are pulled into memory, sorted by SQLite, to take their median.
 * Every figure a page shows comes out of these functions: templates format,
 * they never count.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dialect.h"
#include "internal.h"
#include "sayso/categories.h"
#include "sayso/ballot.h"
#include "sayso/buf.h"
#include "sayso/event.h"
#include "sayso/partner.h"
#include "sayso/stats.h"
#include "sayso/tally.h"

/* Period bounds as ISO text for comparison with the stored cast_at text;
 * "" for an open end. */
static void bound_text(int64_t ms, char *out, size_t outsz)
{
	if (ms == 0)
		out[0] = '\0';
	else
		sayso_time_format(ms, out, outsz);
}

static enum sayso_err check_period(struct sayso_store *st, int64_t since,
				   int64_t until)
{
	if (since < 0 || until < 0)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a period bound is before 1970");
	if (since != 0 && until != 0 && until <= since)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"the period ends before it starts");
	return SAYSO_OK;
}

const char *sayso_stats_by_name(enum sayso_stats_by by)
{
	switch (by) {
	case SAYSO_BY_NONE:
		return "none";
	case SAYSO_BY_DAY:
		return "day";
	case SAYSO_BY_HOUR:
		return "hour";
	case SAYSO_BY_CHANNEL:
		return "channel";
	case SAYSO_BY_DEVICE:
		return "device";
	}
	return "none";
}

enum sayso_err sayso_stats_by_parse(const char *s, enum sayso_stats_by *out)
{
	static const enum sayso_stats_by all[] = {
	    SAYSO_BY_NONE,    SAYSO_BY_DAY,    SAYSO_BY_HOUR,
	    SAYSO_BY_CHANNEL, SAYSO_BY_DEVICE,
	};
	size_t i;

	if (!s || s[0] == '\0') {
		*out = SAYSO_BY_NONE;
		return SAYSO_OK;
	}
	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (strcmp(s, sayso_stats_by_name(all[i])) == 0) {
			*out = all[i];
			return SAYSO_OK;
		}
	}
	return SAYSO_ERR_INVAL;
}

void sayso_stats_wilson(int64_t k, int64_t n, double z, double *lo, double *hi)
{
	double p, z2, denom, centre, half;

	if (n <= 0 || k < 0 || k > n) {
		*lo = 0;
		*hi = 0;
		return;
	}
	p = (double)k / (double)n;
	z2 = z * z;
	denom = 1.0 + z2 / (double)n;
	centre = p + z2 / (2.0 * (double)n);
	half = z * sqrt(p * (1.0 - p) / (double)n +
			z2 / (4.0 * (double)n * (double)n));
	*lo = (centre - half) / denom;
	*hi = (centre + half) / denom;
	if (*lo < 0)
		*lo = 0;
	if (*hi > 1)
		*hi = 1;
	/* Exact ends: no rounding noise when every or no rating is positive. */
	if (k == 0)
		*lo = 0;
	if (k == n)
		*hi = 1;
}

static enum sayso_err status_index(struct sayso_store *st, const char *name,
				   enum sayso_report_status *out)
{
	if (!name || sayso_report_status_parse(name, out) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					"a report has status '%s'",
					name ? name : "(null)");
	return SAYSO_OK;
}

/* ---- what counts: the positive definition and the smallest group ---- */

unsigned sayso_positive_mask(unsigned mask)
{
	mask &= (1u << SAYSO_FACES) - 1;
	return mask != 0 ? mask : SAYSO_POSITIVE_DEFAULT;
}

enum sayso_err sayso_positive_parse(const char *s, unsigned *out)
{
	unsigned mask = 0;
	const char *p = s;

	if (!s)
		return SAYSO_ERR_INVAL;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p < '1' || *p > '0' + SAYSO_FACES)
			return SAYSO_ERR_INVAL;
		if (p[1] != '\0' && p[1] != ',' && p[1] != ' ' && p[1] != '\t')
			return SAYSO_ERR_INVAL;
		mask |= 1u << (*p - '1');
		p++;
	}
	/* Every face positive says nothing: refuse it with the empty list. */
	if (mask == 0 || mask == (1u << SAYSO_FACES) - 1)
		return SAYSO_ERR_INVAL;
	*out = mask;
	return SAYSO_OK;
}

void sayso_positive_text(unsigned mask, char *out, size_t outsz)
{
	size_t len = 0;
	int face, left = 0;

	mask = sayso_positive_mask(mask);
	for (face = 1; face <= SAYSO_FACES; face++)
		left += (mask >> (face - 1)) & 1u;
	if (outsz == 0)
		return;
	out[0] = '\0';
	for (face = 1; face <= SAYSO_FACES && len < outsz; face++) {
		const char *sep;
		int w;

		if (!((mask >> (face - 1)) & 1u))
			continue;
		left--;
		sep = left == 0 ? "" : left == 1 ? " or " : ", ";
		w = snprintf(out + len, outsz - len, "%d%s", face, sep);
		if (w < 0)
			return;
		len += (size_t)w;
	}
	if (len < outsz)
		snprintf(out + len, outsz - len, " of %d faces", SAYSO_FACES);
}

bool sayso_stats_too_few(int64_t n, int64_t min_group)
{
	if (min_group <= 0)
		min_group = SAYSO_MIN_GROUP_DEFAULT;
	return n < min_group;
}

static void counts_finish(struct sayso_rating_counts *c, unsigned mask,
			  int64_t min_group)
{
	int64_t sum = 0;
	int i;

	c->n = 0;
	c->positive = 0;
	for (i = 0; i < SAYSO_FACES; i++) {
		c->n += c->faces[i];
		sum += (int64_t)(i + 1) * c->faces[i];
		if ((mask >> i) & 1u)
			c->positive += c->faces[i];
	}
	if (c->n > 0) {
		c->share = (double)c->positive / (double)c->n;
		c->mean = (double)sum / (double)c->n;
	} else {
		c->share = 0;
		c->mean = 0;
	}
	sayso_stats_wilson(c->positive, c->n, SAYSO_STATS_Z95, &c->lo, &c->hi);
	c->too_few = sayso_stats_too_few(c->n, min_group);
}

/* Adds score counts from a (key, score, count) statement into groups. */
static enum sayso_err add_score(struct sayso_rating_counts *c, int score,
				int64_t n)
{
	if (score < 1 || score > SAYSO_FACES)
		return SAYSO_ERR_CORRUPT;
	c->faces[score - 1] += n;
	return SAYSO_OK;
}

/* ---- scope: period, device, channel, event ---- */

/*
 * The scope as bound values: ?1 and ?2 the half-open bounds as ISO text
 * ("" and "~" for open ends, so the cast_at index serves every query), ?4
 * device, ?5 channel (NULL = any), ?6 the event id when the event names
 * sources (NULL = all sources). The event's window is folded into ?1/?2.
 * SCOPE_SQL_ON is the event membership rule of sayso/event.h in SQL.
 */
#define SCOPE_SQL_ON(col)                                                      \
	" " col " >= ?1 AND " col " < ?2"                                      \
	" AND (CAST(?4 AS TEXT) IS NULL OR device_id = ?4) AND (CAST(?5 AS "   \
	"TEXT) IS NULL OR channel = "                                          \
	"?5)"                                                                  \
	" AND (CAST(?6 AS BIGINT) IS NULL OR device_id IN (SELECT value FROM " \
	"event_sources"                                                        \
	" WHERE event_id = ?6 AND kind = 'device') OR channel IN (SELECT "     \
	"value FROM event_sources WHERE event_id = ?6 AND kind = 'channel'))"
/* An event's window is narrow: walk the cast_at index. A period (often the
 * whole month or everything) reads faster as one pass over the table, so
 * "(cast_at || '')", an expression no index holds, keeps SQLite off the
 * index (PostgreSQL's planner decides for itself). Each query comes in both
 * forms, [0] scan and [1] indexed. */
#define SCOPE_SQL_SCAN SCOPE_SQL_ON("(cast_at || '')")
#define SCOPE_SQL_IDX SCOPE_SQL_ON("cast_at")

struct scope_text {
	char lo[SAYSO_TIME_LEN + 1];
	char hi[SAYSO_TIME_LEN + 1];
	const char *device, *channel;
	int64_t event_id; /* 0 = no source filter */
	int indexed;	  /* 1: an event's window, use the cast_at index */
};

static enum sayso_err scope_text(struct sayso_store *st,
				 const struct sayso_stats_scope *sc,
				 struct scope_text *t)
{
	int64_t since = sc->since_ms, until = sc->until_ms;
	enum sayso_err err = check_period(st, since, until);

	if (err != SAYSO_OK)
		return err;
	memset(t, 0, sizeof *t);
	if (sc->event) {
		if (since == 0 || sc->event->from_ms > since)
			since = sc->event->from_ms;
		if (until == 0 || sc->event->to_ms < until)
			until = sc->event->to_ms;
		if (until < since)
			until = since; /* no overlap: an empty scope */
		if (!sayso_event_all_sources(sc->event))
			t->event_id = sc->event->id;
		t->indexed = 1;
	}
	if (since > 0)
		sayso_time_format(since, t->lo, sizeof t->lo);
	if (until > 0)
		sayso_time_format(until, t->hi, sizeof t->hi);
	else
		memcpy(t->hi, "~", 2);
	t->device = sc->device != NULL && sc->device[0] ? sc->device : NULL;
	t->channel = sc->channel != NULL && sc->channel[0] ? sc->channel : NULL;
	return SAYSO_OK;
}

static void bind_scope(struct sayso_stmt *s, const struct scope_text *t)
{
	Sayso_bind_text(s, 1, t->lo, -1);
	Sayso_bind_text(s, 2, t->hi, -1);
	Sayso_bind_text_or_null(s, 4, t->device);
	Sayso_bind_text_or_null(s, 5, t->channel);
	if (t->event_id != 0)
		Sayso_bind_int64(s, 6, t->event_id);
}

/* Per group and score: all ratings, the flagged ones, first and last, and
 * those answered (counted ones only). The totals add up the same columns,
 * so a grouped summary reads its window once (see ratings_totals). */
#define GROUP_SQL(key, scope)                                                  \
	"SELECT " key " AS k, score, count(*),"                                \
	" count(*) FILTER (WHERE flag IS NOT NULL),"                           \
	" min(cast_at), max(cast_at),"                                         \
	" count(*) FILTER (WHERE answer IS NOT NULL AND answer <> '' AND"      \
	"  (?9 = 1 OR flag IS NULL))"                                          \
	" FROM ratings WHERE" scope " GROUP BY k, score ORDER BY k, score"
/* Local days and hours: SQLite's 'localtime' is the program's time zone;
 * a PostgreSQL session is set to the same one (store_pg.c). */
#define GROUP_SQLS(scope, day, hour)                                           \
	{                                                                      \
		"" /* SAYSO_BY_NONE: not used */, GROUP_SQL(day, scope),       \
		    GROUP_SQL(hour, scope), GROUP_SQL("channel", scope),       \
		    GROUP_SQL("device_id", scope),                             \
	}
#define LITE_DAY SAYSO_LITE_LOCAL_DAY("cast_at")
#define LITE_HOUR SAYSO_LITE_LOCAL_HOUR("cast_at")
#define PG_DAY SAYSO_PG_LOCAL_DAY("cast_at")
#define PG_HOUR SAYSO_PG_LOCAL_HOUR("cast_at")
static const char *const group_sql[2][2][5] = {
    {GROUP_SQLS(SCOPE_SQL_SCAN, LITE_DAY, LITE_HOUR),
     GROUP_SQLS(SCOPE_SQL_IDX, LITE_DAY, LITE_HOUR)},
    {GROUP_SQLS(SCOPE_SQL_SCAN, PG_DAY, PG_HOUR),
     GROUP_SQLS(SCOPE_SQL_IDX, PG_DAY, PG_HOUR)},
};
#undef GROUP_SQLS
#undef GROUP_SQL

/* Adds one (score, all, flagged, first, last, answered) row, columns from
 * col, to the totals; *counted receives what counts in the figures. */
static enum sayso_err add_row(struct sayso_store *st, struct sayso_stmt *s,
			      int col, struct sayso_ratings_summary *out,
			      int64_t *counted)
{
	const char *a = (const char *)Sayso_col_text(s, col + 3);
	const char *b = (const char *)Sayso_col_text(s, col + 4);
	int score = Sayso_col_int(s, col);
	int64_t flagged = Sayso_col_int64(s, col + 2);
	enum sayso_err err;

	*counted = Sayso_col_int64(s, col + 1);
	out->flagged += flagged;
	if (!out->include_flagged)
		*counted -= flagged;
	err = add_score(&out->all, score, *counted);
	if (err != SAYSO_OK)
		return Sayso_store_fail(st, err, "a rating has score %d",
					score);
	if (a && (out->first[0] == '\0' || strcmp(a, out->first) < 0))
		sayso_strlcpy_utf8(out->first, a, sizeof out->first);
	if (b && strcmp(b, out->last) > 0)
		sayso_strlcpy_utf8(out->last, b, sizeof out->last);
	out->answered += Sayso_col_int64(s, col + 5);
	return SAYSO_OK;
}

/* The groups and, from the same rows, the totals. A group whose ratings
 * are all flagged (and not counted) is not listed. */
static enum sayso_err ratings_groups(struct sayso_store *st,
				     const struct scope_text *t,
				     struct sayso_ratings_summary *out)
{
	struct sayso_stmt *s;
	size_t cap = 0;
	int rc;
	enum sayso_err err = SAYSO_OK;

	s = Sayso_store_stmt(st,
			     group_sql[Sayso_store_engine(st) ==
				       SAYSO_ENGINE_PG][t->indexed][out->by]);
	if (!s)
		return SAYSO_ERR_DB;
	bind_scope(s, t);
	Sayso_bind_int(s, 9, out->include_flagged);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		const char *k = (const char *)Sayso_col_text(s, 0);
		struct sayso_rating_group *g;
		int64_t counted;

		err = add_row(st, s, 1, out, &counted);
		if (err != SAYSO_OK)
			goto out;
		if (counted == 0)
			continue;
		if (!k)
			k = "";
		g = out->ngroups > 0 ? &out->groups[out->ngroups - 1] : NULL;
		if (!g || strncmp(g->key, k, sizeof g->key - 1) != 0) {
			if (sayso_array_grow(
				&out->groups, &cap, out->ngroups + 1,
				sizeof *out->groups, SIZE_MAX) != SAYSO_OK) {
				err = SAYSO_ERR_NOMEM;
				goto out;
			}
			g = &out->groups[out->ngroups++];
			memset(g, 0, sizeof *g);
			sayso_strlcpy_utf8(g->key, k, sizeof g->key);
		}
		add_score(&g->c, Sayso_col_int(s, 1), counted);
	}
	if (rc != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, "ratings by group");
out:
	Sayso_reset(s);
	return err;
}

static enum sayso_err ratings_answers(struct sayso_store *st,
				      const struct scope_text *t,
				      struct sayso_ratings_summary *out)
{
	struct sayso_stmt *s;
	int rc;
	enum sayso_err err = SAYSO_OK;

	static const char *const sql[2] = {
#define ANSWERS_SQL(scope)                                                     \
	"SELECT coalesce(question, ''), answer, count(*) AS n FROM ratings"    \
	" WHERE answer IS NOT NULL AND answer <> '' AND" scope                 \
	" AND (?9 OR flag IS NULL)"                                            \
	" GROUP BY 1, 2 ORDER BY n DESC, 2, 1 LIMIT ?3"
	    ANSWERS_SQL(SCOPE_SQL_SCAN),
	    ANSWERS_SQL(SCOPE_SQL_IDX),
#undef ANSWERS_SQL
	};

	s = Sayso_store_stmt(st, sql[t->indexed]);
	if (!s)
		return SAYSO_ERR_DB;
	bind_scope(s, t);
	Sayso_bind_int(s, 3, SAYSO_STATS_ANSWERS_MAX);
	Sayso_bind_int(s, 9, out->include_flagged);
	out->answers = calloc(SAYSO_STATS_ANSWERS_MAX, sizeof *out->answers);
	if (!out->answers) {
		Sayso_reset(s);
		return SAYSO_ERR_NOMEM;
	}
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW &&
	       out->nanswers < SAYSO_STATS_ANSWERS_MAX) {
		struct sayso_answer_count *a = &out->answers[out->nanswers++];

		Sayso_column_copy(s, 0, a->question, sizeof a->question);
		Sayso_column_copy(s, 1, a->answer, sizeof a->answer);
		a->n = Sayso_col_int64(s, 2);
	}
	if (rc != SAYSO_SQL_DONE && rc != SAYSO_SQL_ROW)
		err = Sayso_store_sqlfail(st, "follow-up answers");
	Sayso_reset(s);
	return err;
}

enum sayso_err sayso_stats_ratings(struct sayso_store *st, int64_t since_ms,
				   int64_t until_ms, enum sayso_stats_by by,
				   struct sayso_ratings_summary *out)
{
	return sayso_stats_ratings_opt(st, since_ms, until_ms, by, false, out);
}

enum sayso_err sayso_stats_ratings_opt(struct sayso_store *st, int64_t since_ms,
				       int64_t until_ms, enum sayso_stats_by by,
				       bool include_flagged,
				       struct sayso_ratings_summary *out)
{
	struct sayso_ratings_query q;

	memset(&q, 0, sizeof q);
	q.scope.since_ms = since_ms;
	q.scope.until_ms = until_ms;
	q.by = by;
	q.include_flagged = include_flagged;
	return sayso_stats_ratings_query(st, &q, out);
}

/* The totals (faces, first and last, answered, flagged) when there are no
 * groups. */
static enum sayso_err ratings_totals(struct sayso_store *st,
				     const struct scope_text *t,
				     struct sayso_ratings_summary *out)
{
	static const char *const sql[2] = {
#define TOTALS_SQL(scope)                                                      \
	"SELECT score, count(*), count(*) FILTER (WHERE flag IS NOT NULL),"    \
	" min(cast_at),"                                                       \
	" max(cast_at),"                                                       \
	" count(*) FILTER (WHERE answer IS NOT NULL AND answer <> '' AND"      \
	"  (?9 = 1 OR flag IS NULL))"                                          \
	" FROM ratings WHERE" scope " GROUP BY score"
	    TOTALS_SQL(SCOPE_SQL_SCAN),
	    TOTALS_SQL(SCOPE_SQL_IDX),
#undef TOTALS_SQL
	};
	struct sayso_stmt *s;
	enum sayso_err err = SAYSO_OK;
	int64_t counted;
	int rc;

	s = Sayso_store_stmt(st, sql[t->indexed]);
	if (!s)
		return SAYSO_ERR_DB;
	bind_scope(s, t);
	Sayso_bind_int(s, 9, out->include_flagged);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		err = add_row(st, s, 0, out, &counted);
		if (err != SAYSO_OK)
			goto out;
	}
	if (rc != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, "ratings");
out:
	Sayso_reset(s);
	return err;
}

enum sayso_err sayso_stats_ratings_query(struct sayso_store *st,
					 const struct sayso_ratings_query *q,
					 struct sayso_ratings_summary *out)
{
	struct scope_text t;
	enum sayso_err err;
	size_t i;

	memset(out, 0, sizeof *out);
	out->since_ms = q->scope.since_ms;
	out->until_ms = q->scope.until_ms;
	out->by = q->by;
	out->include_flagged = q->include_flagged;
	out->positive_mask = sayso_positive_mask(q->positive);
	out->min_group =
	    q->min_group > 0 ? q->min_group : SAYSO_MIN_GROUP_DEFAULT;
	if ((unsigned)q->by > SAYSO_BY_DEVICE)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"unknown grouping");
	err = scope_text(st, &q->scope, &t);
	if (err != SAYSO_OK)
		return err;
	/* One pass over the window: the groups carry the totals. */
	err = q->by == SAYSO_BY_NONE ? ratings_totals(st, &t, out)
				     : ratings_groups(st, &t, out);
	if (err != SAYSO_OK)
		goto out;
	counts_finish(&out->all, out->positive_mask, out->min_group);
	for (i = 0; i < out->ngroups; i++)
		counts_finish(&out->groups[i].c, out->positive_mask,
			      out->min_group);
	err = ratings_answers(st, &t, out);
	if (err != SAYSO_OK)
		goto out;
	return SAYSO_OK;
out:
	sayso_ratings_summary_cleanup(out);
	return err;
}

/* ---- activity in a scope: reports by status, counted ballots ---- */

enum sayso_err sayso_stats_activity(struct sayso_store *st,
				    const struct sayso_stats_scope *sc,
				    int64_t min_group,
				    struct sayso_activity *out)
{
	struct scope_text t;
	struct sayso_stmt *s;
	enum sayso_err err;
	int rc;

	memset(out, 0, sizeof *out);
	err = scope_text(st, sc, &t);
	if (err != SAYSO_OK)
		return err;
	s = Sayso_store_stmt(
	    st, t.indexed ? "SELECT status, count(*) FROM "
			    "reports WHERE" SCOPE_SQL_IDX " GROUP BY status"
			  : "SELECT status, count(*) FROM "
			    "reports WHERE" SCOPE_SQL_SCAN " GROUP BY status");
	if (!s)
		return SAYSO_ERR_DB;
	bind_scope(s, &t);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		enum sayso_report_status rs;

		err = status_index(st, (const char *)Sayso_col_text(s, 0), &rs);
		if (err != SAYSO_OK)
			break;
		out->reports_by_status[rs] += Sayso_col_int64(s, 1);
		out->reports += Sayso_col_int64(s, 1);
	}
	if (err == SAYSO_OK && rc != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, "reports in scope");
	Sayso_reset(s);
	if (err != SAYSO_OK)
		return err;
	s = Sayso_store_stmt(
	    st, t.indexed ? "SELECT count(*) FROM ballots WHERE"
			    " status = 'counted' AND" SCOPE_SQL_IDX
			  : "SELECT count(*) FROM ballots WHERE"
			    " status = 'counted' AND" SCOPE_SQL_SCAN);
	if (!s)
		return SAYSO_ERR_DB;
	bind_scope(s, &t);
	if (Sayso_step(s) == SAYSO_SQL_ROW)
		out->ballots = Sayso_col_int64(s, 0);
	else
		err = Sayso_store_sqlfail(st, "ballots in scope");
	Sayso_reset(s);
	out->reports_too_few = sayso_stats_too_few(out->reports, min_group);
	out->ballots_too_few = sayso_stats_too_few(out->ballots, min_group);
	return err;
}
void sayso_ratings_summary_cleanup(struct sayso_ratings_summary *s)
{
	if (!s)
		return;
	free(s->groups);
	free(s->answers);
	s->groups = NULL;
	s->answers = NULL;
	s->ngroups = 0;
	s->nanswers = 0;
}

/* ---- reports ---- */

static enum sayso_err report_counts(struct sayso_store *st, const char *sql,
				    const struct scope_text *t,
				    int64_t min_group,
				    struct sayso_report_count **out, size_t *n)
{
	struct sayso_stmt *s;
	size_t cap = 0;
	int rc;
	enum sayso_err err = SAYSO_OK;

	*out = NULL;
	*n = 0;
	s = Sayso_store_stmt(st, sql);
	if (!s)
		return SAYSO_ERR_DB;
	bind_scope(s, t);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		struct sayso_report_count *c;

		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			err = SAYSO_ERR_NOMEM;
			goto out;
		}
		c = &(*out)[(*n)++];
		memset(c, 0, sizeof *c);
		Sayso_column_copy(s, 0, c->key, sizeof c->key);
		c->n = Sayso_col_int64(s, 1);
		c->resolved = Sayso_col_int64(s, 2);
		c->too_few = sayso_stats_too_few(c->n, min_group);
	}
	if (rc != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, "report counts");
out:
	Sayso_reset(s);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#define RESOLVED_AT                                                            \
	"coalesce((SELECT max(h.at) FROM report_history h"                     \
	"   WHERE h.report_id = r.id AND h.status = 'resolved'),"              \
	"   r.updated_at)"
#define MEDIAN_SQL(D, scope)                                                   \
	"SELECT " SAYSO_##D##_DAYS_BETWEEN(                                    \
	    "r.cast_at", RESOLVED_AT) " FROM reports r WHERE r.status = "      \
				      "'resolved' AND" scope

static enum sayso_err resolve_median(struct sayso_store *st,
				     const struct scope_text *t,
				     struct sayso_reports_summary *out)
{
	struct sayso_stmt *s;
	double *days = NULL;
	size_t n = 0, cap = 0;
	int rc;
	enum sayso_err err = SAYSO_OK;

	out->median_days = -1;
	s = t->indexed ? Sayso_store_stmt2(st, MEDIAN_SQL(LITE, SCOPE_SQL_IDX),
					   MEDIAN_SQL(PG, SCOPE_SQL_IDX))
		       : Sayso_store_stmt2(st, MEDIAN_SQL(LITE, SCOPE_SQL_SCAN),
					   MEDIAN_SQL(PG, SCOPE_SQL_SCAN));
	if (!s)
		return SAYSO_ERR_DB;
	bind_scope(s, t);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		double d;

		if (Sayso_col_type(s, 0) == SAYSO_SQL_NULL)
			continue; /* unparsable time: not timed */
		d = Sayso_col_double(s, 0);
		if (d < 0)
			d = 0; /* clock skew between devices */
		if (sayso_array_grow(&days, &cap, n + 1, sizeof *days,
				     SIZE_MAX) != SAYSO_OK) {
			err = SAYSO_ERR_NOMEM;
			goto out;
		}
		days[n++] = d;
	}
	if (rc != SAYSO_SQL_DONE) {
		err = Sayso_store_sqlfail(st, "resolution times");
		goto out;
	}
	out->resolved_timed = (int64_t)n;
	if (n > 0) {
		qsort(days, n, sizeof *days, cmp_double);
		if (n % 2 == 1)
			out->median_days = days[n / 2];
		else
			out->median_days = (days[n / 2 - 1] + days[n / 2]) / 2;
	}
out:
	Sayso_reset(s);
	free(days);
	return err;
}

static enum sayso_err reports_by_status(struct sayso_store *st,
					const struct scope_text *t,
					struct sayso_reports_summary *out)
{
#define STATUS_SQL(scope)                                                      \
	"SELECT status, count(*) FROM reports WHERE" scope " GROUP BY status"
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, t->indexed ? STATUS_SQL(SCOPE_SQL_IDX)
					    : STATUS_SQL(SCOPE_SQL_SCAN));
	enum sayso_err err = SAYSO_OK;
	int rc;

	if (!s)
		return SAYSO_ERR_DB;
	bind_scope(s, t);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		enum sayso_report_status rs;

		err = status_index(st, (const char *)Sayso_col_text(s, 0), &rs);
		if (err != SAYSO_OK)
			goto out;
		out->by_status[rs] += Sayso_col_int64(s, 1);
		out->total += Sayso_col_int64(s, 1);
	}
	if (rc != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, "reports by status");
out:
	Sayso_reset(s);
	return err;
}

#define CATEGORY_SQL(scope)                                                    \
	"SELECT category, count(*) AS n,"                                      \
	" count(*) FILTER (WHERE status = 'resolved') FROM "                   \
	"reports WHERE" scope " GROUP BY category ORDER BY n DESC, category"
#define STREET_SQL(scope)                                                      \
	"SELECT min(coalesce(street, '')) AS k, count(*) AS n,"                \
	" count(*) FILTER (WHERE status = 'resolved') FROM reports "           \
	"WHERE" scope " GROUP BY lower(coalesce(street, '')) ORDER BY n DESC," \
	" lower(min(coalesce(street, '')))"

enum sayso_err sayso_stats_reports_scope(struct sayso_store *st,
					 const struct sayso_stats_scope *sc,
					 int64_t min_group,
					 struct sayso_reports_summary *out)
{
	struct scope_text t;
	enum sayso_err err;

	memset(out, 0, sizeof *out);
	out->since_ms = sc->since_ms;
	out->until_ms = sc->until_ms;
	out->median_days = -1;
	out->min_group = min_group > 0 ? min_group : SAYSO_MIN_GROUP_DEFAULT;
	err = scope_text(st, sc, &t);
	if (err != SAYSO_OK)
		return err;
	err = reports_by_status(st, &t, out);
	if (err != SAYSO_OK)
		goto out;
	if (out->total > 0)
		out->resolution_rate =
		    (double)out->by_status[SAYSO_REPORT_RESOLVED] /
		    (double)out->total;
	out->too_few = sayso_stats_too_few(out->total, out->min_group);
	err = report_counts(st,
			    t.indexed ? CATEGORY_SQL(SCOPE_SQL_IDX)
				      : CATEGORY_SQL(SCOPE_SQL_SCAN),
			    &t, out->min_group, &out->categories,
			    &out->ncategories);
	if (err != SAYSO_OK)
		goto out;
	err = report_counts(st,
			    t.indexed ? STREET_SQL(SCOPE_SQL_IDX)
				      : STREET_SQL(SCOPE_SQL_SCAN),
			    &t, out->min_group, &out->streets, &out->nstreets);
	if (err != SAYSO_OK)
		goto out;
	err = resolve_median(st, &t, out);
	if (err != SAYSO_OK)
		goto out;
	return SAYSO_OK;
out:
	sayso_reports_summary_cleanup(out);
	return err;
}

enum sayso_err sayso_stats_reports(struct sayso_store *st, int64_t since_ms,
				   int64_t until_ms,
				   struct sayso_reports_summary *out)
{
	struct sayso_stats_scope sc;

	memset(&sc, 0, sizeof sc);
	sc.since_ms = since_ms;
	sc.until_ms = until_ms;
	return sayso_stats_reports_scope(st, &sc, 0, out);
}

/* ---- ballots of a round in a scope ---- */

#define BALLOTS_SQL(scope)                                                     \
	"SELECT status, channel, count(*), min(cast_at), max(cast_at)"         \
	" FROM ballots WHERE round_id = ?3 AND" scope                          \
	" GROUP BY status, channel"

enum sayso_err sayso_stats_ballot_counts(struct sayso_store *st,
					 int64_t round_id,
					 const struct sayso_stats_scope *sc,
					 struct sayso_ballot_counts *out)
{
	struct scope_text t;
	struct sayso_stmt *s;
	enum sayso_err err;

	memset(out, 0, sizeof *out);
	err = scope_text(st, sc, &t);
	if (err != SAYSO_OK)
		return err;
	s = Sayso_store_stmt(st, t.indexed ? BALLOTS_SQL(SCOPE_SQL_IDX)
					   : BALLOTS_SQL(SCOPE_SQL_SCAN));
	if (!s)
		return SAYSO_ERR_DB;
	bind_scope(s, &t);
	Sayso_bind_int64(s, 3, round_id);
	return Sayso_ballot_counts_rows(st, s, out);
}

void sayso_reports_summary_cleanup(struct sayso_reports_summary *s)
{
	if (!s)
		return;
	free(s->categories);
	free(s->streets);
	s->categories = NULL;
	s->streets = NULL;
	s->ncategories = 0;
	s->nstreets = 0;
}

enum sayso_err sayso_stats_report_list(struct sayso_store *st,
				       const struct sayso_report_filter *f,
				       struct sayso_report_row **out, size_t *n)
{
	static const struct sayso_report_filter none;
	char lo[SAYSO_TIME_LEN + 1], hi[SAYSO_TIME_LEN + 1];
	struct sayso_stmt *s;
	size_t cap = 0;
	int rc;
	enum sayso_err err = SAYSO_OK;
	enum sayso_report_status want;

	*out = NULL;
	*n = 0;
	if (!f)
		f = &none;
	if (f->status && f->status[0] != '\0' &&
	    sayso_report_status_parse(f->status, &want) != SAYSO_OK)
		return Sayso_store_fail(
		    st, SAYSO_ERR_INVAL,
		    "unknown status '%s' (open, in_progress, resolved, "
		    "rejected)",
		    f->status);
	err = check_period(st, f->since_ms, f->until_ms);
	if (err != SAYSO_OK)
		return err;
	if (f->partner) {
		struct sayso_partner p;
		if ((err = sayso_partner_get(st, f->partner, &p)) != SAYSO_OK)
			return err;
	}
	bound_text(f->since_ms, lo, sizeof lo);
	bound_text(f->until_ms, hi, sizeof hi);

	s = Sayso_store_stmt(
	    st,
	    "SELECT r.id, r.ref, r.category, coalesce(r.street, ''),"
	    " coalesce(r.location, ''), coalesce(r.text, ''), r.status,"
	    " r.channel, r.device_id, r.cast_at, r.updated_at,"
	    " coalesce((SELECT h.note FROM report_history h"
	    "   WHERE h.report_id = r.id"
	    "   ORDER BY h.at DESC, h.id DESC LIMIT 1), ''),"
	    " coalesce(p.code, ''), r.not_ours, coalesce(d.ref, ''),"
	    " coalesce(r.dup_state, '')"
	    " FROM reports r LEFT JOIN partners p ON p.id = r.partner_id"
	    " LEFT JOIN reports d ON d.id = r.dup_of"
	    " WHERE (?1 = '' OR r.cast_at >= ?1) AND (?2 = '' OR r.cast_at < "
	    "?2)"
	    " AND (CAST(?3 AS TEXT) IS NULL OR r.status = ?3)"
	    " AND (CAST(?4 AS TEXT) IS NULL OR lower(r.category) = lower(?4))"
	    " AND (CAST(?5 AS TEXT) IS NULL OR lower(coalesce(r.street, '')) = "
	    "lower(?5))"
	    " AND (CAST(?6 AS TEXT) IS NULL OR p.code = ?6)"
	    " ORDER BY r.cast_at, r.id");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, lo, -1);
	Sayso_bind_text(s, 2, hi, -1);
	if (f->status && f->status[0] != '\0')
		Sayso_bind_text(s, 3, sayso_report_status_name(want), -1);
	if (f->category && f->category[0] != '\0')
		Sayso_bind_text(s, 4, f->category, -1);
	if (f->street)
		Sayso_bind_text(s, 5, f->street, -1);
	if (f->partner)
		Sayso_bind_text(s, 6, f->partner, -1);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		struct sayso_report_row *r;

		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			err = SAYSO_ERR_NOMEM;
			goto out;
		}
		r = &(*out)[*n];
		memset(r, 0, sizeof *r);
		r->id = Sayso_col_int64(s, 0);
		Sayso_column_copy(s, 1, r->ref, sizeof r->ref);
		Sayso_column_copy(s, 2, r->category, sizeof r->category);
		Sayso_column_copy(s, 3, r->street, sizeof r->street);
		Sayso_column_copy(s, 4, r->location, sizeof r->location);
		Sayso_column_copy(s, 5, r->text, sizeof r->text);
		err = status_index(st, (const char *)Sayso_col_text(s, 6),
				   &r->status);
		if (err != SAYSO_OK)
			goto out;
		Sayso_column_copy(s, 7, r->channel, sizeof r->channel);
		Sayso_column_copy(s, 8, r->device, sizeof r->device);
		Sayso_column_copy(s, 9, r->cast_at, sizeof r->cast_at);
		Sayso_column_copy(s, 10, r->updated_at, sizeof r->updated_at);
		Sayso_column_copy(s, 11, r->note, sizeof r->note);
		Sayso_column_copy(s, 12, r->partner, sizeof r->partner);
		r->not_ours = Sayso_col_int(s, 13) != 0;
		Sayso_column_copy(s, 14, r->dup_of, sizeof r->dup_of);
		r->dup_confirmed = strcmp((const char *)Sayso_col_text(s, 15),
					  "confirmed") == 0;
		(*n)++;
	}
	if (rc != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, "reports");
out:
	Sayso_reset(s);
	if (err != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

/* ---- Open311 ---- */

const char *sayso_open311_status(enum sayso_report_status s)
{
	switch (s) {
	case SAYSO_REPORT_OPEN:
	case SAYSO_REPORT_IN_PROGRESS:
		return "open";
	case SAYSO_REPORT_RESOLVED:
	case SAYSO_REPORT_REJECTED:
		return "closed";
	}
	return "open";
}

static const char *status_phrase(enum sayso_report_status s)
{
	switch (s) {
	case SAYSO_REPORT_OPEN:
		return "";
	case SAYSO_REPORT_IN_PROGRESS:
		return "In progress";
	case SAYSO_REPORT_RESOLVED:
		return "Resolved";
	case SAYSO_REPORT_REJECTED:
		return "Rejected";
	}
	return "";
}

/* "2026-11-23T10:15:00.123Z" -> "2026-11-23T10:15:00Z" (GeoReport examples
 * carry whole seconds with a zone). */
static void open311_time(const char *iso, char *out, size_t outsz)
{
	size_t len = strlen(iso);

	if (len == SAYSO_TIME_LEN && iso[19] == '.' && iso[23] == 'Z' &&
	    outsz >= 21) {
		memcpy(out, iso, 19);
		out[19] = 'Z';
		out[20] = '\0';
	} else {
		sayso_strlcpy_utf8(out, iso, outsz);
	}
}

void sayso_open311_from_report(const struct sayso_report_row *r,
			       struct sayso_open311_request *out)
{
	memset(out, 0, sizeof *out);
	sayso_strlcpy_utf8(out->service_request_id, r->ref,
			   sizeof out->service_request_id);
	out->status = sayso_open311_status(r->status);
	sayso_strlcpy_utf8(out->status_notes,
			   r->note[0] ? r->note : status_phrase(r->status),
			   sizeof out->status_notes);
	sayso_category_open311(r->category, out->service_code,
			       sizeof out->service_code, out->service_name,
			       sizeof out->service_name);
	sayso_strlcpy_utf8(out->description, r->text, sizeof out->description);
	open311_time(r->cast_at, out->requested_datetime,
		     sizeof out->requested_datetime);
	open311_time(r->updated_at, out->updated_datetime,
		     sizeof out->updated_datetime);
	if (r->location[0] != '\0' && r->street[0] != '\0') {
		size_t a = sayso_strlcpy_utf8(out->address, r->location,
					      sizeof out->address);
		if (a + 2 < sizeof out->address) {
			out->address[a] = ',';
			out->address[a + 1] = ' ';
			sayso_strlcpy_utf8(out->address + a + 2, r->street,
					   sizeof out->address - a - 2);
		}
	} else {
		sayso_strlcpy_utf8(out->address,
				   r->location[0] ? r->location : r->street,
				   sizeof out->address);
	}
}

/* ---- participatory budgeting ---- */

void sayso_stats_rule_sentence(enum sayso_rule rule, char *out, size_t outsz)
{
	const char *t = "";

	switch (rule) {
	case SAYSO_RULE_APPROVAL:
		t = "Each project's votes were counted; this count on its own "
		    "does not decide which projects are funded.";
		break;
	case SAYSO_RULE_GREEDY:
		t = "Projects were funded in order of votes, most first, as "
		    "long as the money left covered the whole cost; a project "
		    "that did not fit was skipped and the next one tried.";
		break;
	case SAYSO_RULE_MES:
		t = "The budget was shared out equally among the voters, and a "
		    "project was funded when the people who voted for it could "
		    "pay for it together from their shares (the Method of "
		    "Equal Shares), cheapest per supporter first.";
		break;
	}
	if (outsz > 0)
		sayso_strlcpy_utf8(out, t, outsz);
}

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
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "sayso/categories.h"
#include "sayso/buf.h"
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

	if (s == NULL || s[0] == '\0') {
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

static void counts_finish(struct sayso_rating_counts *c)
{
	int64_t sum = 0;
	int i;

	c->n = 0;
	for (i = 0; i < SAYSO_FACES; i++) {
		c->n += c->faces[i];
		sum += (int64_t)(i + 1) * c->faces[i];
	}
	c->positive = c->faces[3] + c->faces[4];
	if (c->n > 0) {
		c->share = (double)c->positive / (double)c->n;
		c->mean = (double)sum / (double)c->n;
	} else {
		c->share = 0;
		c->mean = 0;
	}
	sayso_stats_wilson(c->positive, c->n, SAYSO_STATS_Z95, &c->lo, &c->hi);
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

static const char *const group_sql[] = {
    /* SAYSO_BY_NONE: not used */
    "",
    "SELECT date(cast_at, 'localtime') AS k, score, count(*) FROM ratings"
    " WHERE (?1 = '' OR cast_at >= ?1) AND (?2 = '' OR cast_at < ?2) AND (?9 "
    "OR flag IS NULL)"
    " GROUP BY k, score ORDER BY k, score",
    "SELECT strftime('%H', cast_at, 'localtime') AS k, score, count(*)"
    " FROM ratings"
    " WHERE (?1 = '' OR cast_at >= ?1) AND (?2 = '' OR cast_at < ?2) AND (?9 "
    "OR flag IS NULL)"
    " GROUP BY k, score ORDER BY k, score",
    "SELECT channel AS k, score, count(*) FROM ratings"
    " WHERE (?1 = '' OR cast_at >= ?1) AND (?2 = '' OR cast_at < ?2) AND (?9 "
    "OR flag IS NULL)"
    " GROUP BY k, score ORDER BY k, score",
    "SELECT device_id AS k, score, count(*) FROM ratings"
    " WHERE (?1 = '' OR cast_at >= ?1) AND (?2 = '' OR cast_at < ?2) AND (?9 "
    "OR flag IS NULL)"
    " GROUP BY k, score ORDER BY k, score",
};

static enum sayso_err ratings_groups(struct sayso_store *st, const char *lo,
				     const char *hi,
				     struct sayso_ratings_summary *out)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;
	enum sayso_err err = SAYSO_OK;

	s = Sayso_store_stmt(st, group_sql[out->by]);
	if (s == NULL)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 9, out->include_flagged);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 0);
		struct sayso_rating_group *g;

		if (k == NULL)
			k = "";
		g = out->ngroups > 0 ? &out->groups[out->ngroups - 1] : NULL;
		if (g == NULL || strncmp(g->key, k, sizeof g->key - 1) != 0) {
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
		err = add_score(&g->c, sqlite3_column_int(s, 1),
				sqlite3_column_int64(s, 2));
		if (err != SAYSO_OK) {
			Sayso_store_fail(st, err, "a rating has score %d",
					 sqlite3_column_int(s, 1));
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		err = Sayso_store_sqlfail(st, "ratings by group");
out:
	sqlite3_reset(s);
	return err;
}

static enum sayso_err ratings_answers(struct sayso_store *st, const char *lo,
				      const char *hi,
				      struct sayso_ratings_summary *out)
{
	sqlite3_stmt *s;
	int rc;
	enum sayso_err err = SAYSO_OK;

	s = Sayso_store_stmt(
	    st, "SELECT coalesce(question, ''), answer, count(*) AS n"
		" FROM ratings"
		" WHERE answer IS NOT NULL AND answer <> ''"
		" AND (?1 = '' OR cast_at >= ?1) AND (?2 = '' OR cast_at < ?2)"
		" AND (?9 OR flag IS NULL)"
		" GROUP BY 1, 2 ORDER BY n DESC, 2, 1 LIMIT ?3");
	if (s == NULL)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, SAYSO_STATS_ANSWERS_MAX);
	sqlite3_bind_int(s, 9, out->include_flagged);
	out->answers = calloc(SAYSO_STATS_ANSWERS_MAX, sizeof *out->answers);
	if (out->answers == NULL) {
		sqlite3_reset(s);
		return SAYSO_ERR_NOMEM;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW &&
	       out->nanswers < SAYSO_STATS_ANSWERS_MAX) {
		struct sayso_answer_count *a = &out->answers[out->nanswers++];

		Sayso_column_copy(s, 0, a->question, sizeof a->question);
		Sayso_column_copy(s, 1, a->answer, sizeof a->answer);
		a->n = sqlite3_column_int64(s, 2);
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = Sayso_store_sqlfail(st, "follow-up answers");
	sqlite3_reset(s);
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
	char lo[SAYSO_TIME_LEN + 1], hi[SAYSO_TIME_LEN + 1];
	sqlite3_stmt *s;
	enum sayso_err err;
	int rc;

	memset(out, 0, sizeof *out);
	out->since_ms = since_ms;
	out->until_ms = until_ms;
	out->by = by;
	out->include_flagged = include_flagged;
	if ((unsigned)by > SAYSO_BY_DEVICE)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"unknown grouping");
	err = check_period(st, since_ms, until_ms);
	if (err != SAYSO_OK)
		return err;
	bound_text(since_ms, lo, sizeof lo);
	bound_text(until_ms, hi, sizeof hi);

	s = Sayso_store_stmt(
	    st,
	    "SELECT score, count(*), min(cast_at), max(cast_at),"
	    " sum(answer IS NOT NULL AND answer <> ''"
	    " AND (?9 OR flag IS NULL)),"
	    " sum(flag IS NOT NULL) FROM ratings"
	    " WHERE (?1 = '' OR cast_at >= ?1) AND (?2 = '' OR cast_at < ?2)"
	    " GROUP BY score");
	if (s == NULL)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 9, include_flagged);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(s, 2);
		const char *b = (const char *)sqlite3_column_text(s, 3);

		int score = sqlite3_column_int(s, 0);
		int64_t flagged = sqlite3_column_int64(s, 5);
		int64_t counted = sqlite3_column_int64(s, 1);

		out->flagged += flagged;
		if (!include_flagged)
			counted -= flagged;
		err = add_score(&out->all, score, counted);
		if (err != SAYSO_OK) {
			sqlite3_reset(s);
			return Sayso_store_fail(st, err,
						"a rating has score %d", score);
		}
		if (a != NULL &&
		    (out->first[0] == '\0' || strcmp(a, out->first) < 0))
			sayso_strlcpy_utf8(out->first, a, sizeof out->first);
		if (b != NULL && strcmp(b, out->last) > 0)
			sayso_strlcpy_utf8(out->last, b, sizeof out->last);
		out->answered += sqlite3_column_int64(s, 4);
	}
	if (rc != SQLITE_DONE) {
		err = Sayso_store_sqlfail(st, "ratings");
		sqlite3_reset(s);
		return err;
	}
	sqlite3_reset(s);
	counts_finish(&out->all);

	if (by != SAYSO_BY_NONE) {
		size_t i;

		err = ratings_groups(st, lo, hi, out);
		if (err != SAYSO_OK)
			goto fail;
		for (i = 0; i < out->ngroups; i++)
			counts_finish(&out->groups[i].c);
	}
	err = ratings_answers(st, lo, hi, out);
	if (err != SAYSO_OK)
		goto fail;
	return SAYSO_OK;
fail:
	sayso_ratings_summary_cleanup(out);
	return err;
}

void sayso_ratings_summary_cleanup(struct sayso_ratings_summary *s)
{
	if (s == NULL)
		return;
	free(s->groups);
	free(s->answers);
	s->groups = NULL;
	s->answers = NULL;
	s->ngroups = 0;
	s->nanswers = 0;
}

/* ---- reports ---- */

static enum sayso_err status_index(struct sayso_store *st, const char *name,
				   enum sayso_report_status *out)
{
	if (name == NULL || sayso_report_status_parse(name, out) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					"a report has status '%s'",
					name ? name : "(null)");
	return SAYSO_OK;
}

static enum sayso_err report_counts(struct sayso_store *st, const char *sql,
				    const char *lo, const char *hi,
				    struct sayso_report_count **out, size_t *n)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;
	enum sayso_err err = SAYSO_OK;

	*out = NULL;
	*n = 0;
	s = Sayso_store_stmt(st, sql);
	if (s == NULL)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sayso_report_count *c;

		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			err = SAYSO_ERR_NOMEM;
			goto out;
		}
		c = &(*out)[(*n)++];
		memset(c, 0, sizeof *c);
		Sayso_column_copy(s, 0, c->key, sizeof c->key);
		c->n = sqlite3_column_int64(s, 1);
		c->resolved = sqlite3_column_int64(s, 2);
	}
	if (rc != SQLITE_DONE)
		err = Sayso_store_sqlfail(st, "report counts");
out:
	sqlite3_reset(s);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static enum sayso_err resolve_median(struct sayso_store *st, const char *lo,
				     const char *hi,
				     struct sayso_reports_summary *out)
{
	sqlite3_stmt *s;
	double *days = NULL;
	size_t n = 0, cap = 0;
	int rc;
	enum sayso_err err = SAYSO_OK;

	out->median_days = -1;
	s = Sayso_store_stmt(
	    st,
	    "SELECT julianday(coalesce((SELECT max(h.at) FROM report_history h"
	    "   WHERE h.report_id = r.id AND h.status = 'resolved'),"
	    "   r.updated_at)) - julianday(r.cast_at)"
	    " FROM reports r WHERE r.status = 'resolved'"
	    " AND (?1 = '' OR r.cast_at >= ?1) AND (?2 = '' OR r.cast_at < "
	    "?2)");
	if (s == NULL)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		double d;

		if (sqlite3_column_type(s, 0) == SQLITE_NULL)
			continue; /* unparsable time: not timed */
		d = sqlite3_column_double(s, 0);
		if (d < 0)
			d = 0; /* clock skew between devices */
		if (sayso_array_grow(&days, &cap, n + 1, sizeof *days,
				     SIZE_MAX) != SAYSO_OK) {
			err = SAYSO_ERR_NOMEM;
			goto out;
		}
		days[n++] = d;
	}
	if (rc != SQLITE_DONE) {
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
	sqlite3_reset(s);
	free(days);
	return err;
}

enum sayso_err sayso_stats_reports(struct sayso_store *st, int64_t since_ms,
				   int64_t until_ms,
				   struct sayso_reports_summary *out)
{
	char lo[SAYSO_TIME_LEN + 1], hi[SAYSO_TIME_LEN + 1];
	sqlite3_stmt *s;
	enum sayso_err err;
	int rc;

	memset(out, 0, sizeof *out);
	out->since_ms = since_ms;
	out->until_ms = until_ms;
	out->median_days = -1;
	err = check_period(st, since_ms, until_ms);
	if (err != SAYSO_OK)
		return err;
	bound_text(since_ms, lo, sizeof lo);
	bound_text(until_ms, hi, sizeof hi);

	s = Sayso_store_stmt(
	    st,
	    "SELECT status, count(*) FROM reports"
	    " WHERE (?1 = '' OR cast_at >= ?1) AND (?2 = '' OR cast_at < ?2)"
	    " GROUP BY status");
	if (s == NULL)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		enum sayso_report_status rs;

		err = status_index(st, (const char *)sqlite3_column_text(s, 0),
				   &rs);
		if (err != SAYSO_OK) {
			sqlite3_reset(s);
			return err;
		}
		out->by_status[rs] += sqlite3_column_int64(s, 1);
		out->total += sqlite3_column_int64(s, 1);
	}
	if (rc != SQLITE_DONE) {
		err = Sayso_store_sqlfail(st, "reports by status");
		sqlite3_reset(s);
		return err;
	}
	sqlite3_reset(s);
	if (out->total > 0)
		out->resolution_rate =
		    (double)out->by_status[SAYSO_REPORT_RESOLVED] /
		    (double)out->total;

	err = report_counts(
	    st,
	    "SELECT category, count(*) AS n,"
	    " sum(status = 'resolved') FROM reports"
	    " WHERE (?1 = '' OR cast_at >= ?1) AND (?2 = '' OR cast_at < ?2)"
	    " GROUP BY category ORDER BY n DESC, category",
	    lo, hi, &out->categories, &out->ncategories);
	if (err != SAYSO_OK)
		goto fail;
	err = report_counts(
	    st,
	    "SELECT coalesce(street, '') AS k, count(*) AS n,"
	    " sum(status = 'resolved') FROM reports"
	    " WHERE (?1 = '' OR cast_at >= ?1) AND (?2 = '' OR cast_at < ?2)"
	    " GROUP BY k COLLATE NOCASE ORDER BY n DESC, k COLLATE NOCASE",
	    lo, hi, &out->streets, &out->nstreets);
	if (err != SAYSO_OK)
		goto fail;
	err = resolve_median(st, lo, hi, out);
	if (err != SAYSO_OK)
		goto fail;
	return SAYSO_OK;
fail:
	sayso_reports_summary_cleanup(out);
	return err;
}

void sayso_reports_summary_cleanup(struct sayso_reports_summary *s)
{
	if (s == NULL)
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
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;
	enum sayso_err err = SAYSO_OK;
	enum sayso_report_status want;

	*out = NULL;
	*n = 0;
	if (f == NULL)
		f = &none;
	if (f->status != NULL && f->status[0] != '\0' &&
	    sayso_report_status_parse(f->status, &want) != SAYSO_OK)
		return Sayso_store_fail(
		    st, SAYSO_ERR_INVAL,
		    "unknown status '%s' (open, in_progress, resolved, "
		    "rejected)",
		    f->status);
	err = check_period(st, f->since_ms, f->until_ms);
	if (err != SAYSO_OK)
		return err;
	if (f->partner != NULL) {
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
	    " AND (?3 IS NULL OR r.status = ?3)"
	    " AND (?4 IS NULL OR r.category = ?4 COLLATE NOCASE)"
	    " AND (?5 IS NULL OR coalesce(r.street, '') = ?5 COLLATE NOCASE)"
	    " AND (?6 IS NULL OR p.code = ?6)"
	    " ORDER BY r.cast_at, r.id");
	if (s == NULL)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
	if (f->status != NULL && f->status[0] != '\0')
		sqlite3_bind_text(s, 3, sayso_report_status_name(want), -1,
				  SQLITE_STATIC);
	if (f->category != NULL && f->category[0] != '\0')
		sqlite3_bind_text(s, 4, f->category, -1, SQLITE_TRANSIENT);
	if (f->street != NULL)
		sqlite3_bind_text(s, 5, f->street, -1, SQLITE_TRANSIENT);
	if (f->partner != NULL)
		sqlite3_bind_text(s, 6, f->partner, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sayso_report_row *r;

		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			err = SAYSO_ERR_NOMEM;
			goto out;
		}
		r = &(*out)[*n];
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(s, 0);
		Sayso_column_copy(s, 1, r->ref, sizeof r->ref);
		Sayso_column_copy(s, 2, r->category, sizeof r->category);
		Sayso_column_copy(s, 3, r->street, sizeof r->street);
		Sayso_column_copy(s, 4, r->location, sizeof r->location);
		Sayso_column_copy(s, 5, r->text, sizeof r->text);
		err = status_index(st, (const char *)sqlite3_column_text(s, 6),
				   &r->status);
		if (err != SAYSO_OK)
			goto out;
		Sayso_column_copy(s, 7, r->channel, sizeof r->channel);
		Sayso_column_copy(s, 8, r->device, sizeof r->device);
		Sayso_column_copy(s, 9, r->cast_at, sizeof r->cast_at);
		Sayso_column_copy(s, 10, r->updated_at, sizeof r->updated_at);
		Sayso_column_copy(s, 11, r->note, sizeof r->note);
		Sayso_column_copy(s, 12, r->partner, sizeof r->partner);
		r->not_ours = sqlite3_column_int(s, 13) != 0;
		Sayso_column_copy(s, 14, r->dup_of, sizeof r->dup_of);
		r->dup_confirmed =
		    strcmp((const char *)sqlite3_column_text(s, 15),
			   "confirmed") == 0;
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		err = Sayso_store_sqlfail(st, "reports");
out:
	sqlite3_reset(s);
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

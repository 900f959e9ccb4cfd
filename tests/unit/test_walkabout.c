/* test_walkabout.c: partners and routing (most specific rule wins, changes
 * kept with history), the duplicate rule (14 days, same category and
 * street, only open issues), walkabouts and re-inspections, and the
 * observed resolution rate (never re-inspected, re-inspected twice with the
 * last observation deciding, duplicates and not-ours counted apart). */
#include "testutil.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/feedback.h"
#include "sayso/partner.h"
#include "sayso/stats.h"
#include "sayso/walkabout.h"

static int64_t at(const char *s)
{
	int64_t ms = 0;
	assert_int_equal(sayso_time_parse(s, &ms), SAYSO_OK);
	return ms;
}

static void text_of(struct sayso_store *st, const char *sql, const char *ref,
		    char *out, size_t outsz)
{
	struct sayso_stmt *s;
	assert_int_equal(Sayso_stmt_prepare(st, sql, &s), SAYSO_OK);
	Sayso_bind_text(s, 1, ref, -1);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	const unsigned char *t = Sayso_col_text(s, 0);
	snprintf(out, outsz, "%s", t ? (const char *)t : "");
	Sayso_stmt_finalize(s);
}

/* The partner code of report ref ("" when none). */
static void report_partner(struct sayso_store *st, const char *ref, char *out,
			   size_t outsz)
{
	text_of(st,
		"SELECT coalesce(p.code, '') FROM reports r LEFT JOIN "
		"partners p ON p.id = r.partner_id WHERE r.ref = ?1",
		ref, out, outsz);
}

/* The reference report ref is linked to as a duplicate, "" when none. */
static void report_dup(struct sayso_store *st, const char *ref, char *out,
		       size_t outsz)
{
	text_of(st,
		"SELECT coalesce(d.ref, '') || ':' || coalesce(r.dup_state, "
		"'') FROM reports r LEFT JOIN reports d ON d.id = r.dup_of "
		"WHERE r.ref = ?1",
		ref, out, outsz);
}

static void add_report(struct sayso_store *st, const char *cat,
		       const char *street, const char *when, char *ref)
{
	struct sayso_report_in in = {.category = cat,
				     .street = street,
				     .channel = SAYSO_CH_KIOSK,
				     .cast_at_ms = at(when)};
	assert_int_equal(sayso_report_add(st, &in, ref, SAYSO_REF_LEN + 1),
			 SAYSO_OK);
}

static void partners(struct sayso_store *st)
{
	assert_int_equal(sayso_partner_add(st, "council", "Town Council", "t"),
			 SAYSO_OK);
	assert_int_equal(sayso_partner_add(st, "ha1", "Poets Homes", "t"),
			 SAYSO_OK);
	assert_int_equal(sayso_partner_add(st, "ha2", "Riverside HA", "t"),
			 SAYSO_OK);
}

static void test_routing(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	struct sayso_partner p;
	bool found = true;
	char ref[SAYSO_REF_LEN + 1], code[64];

	partners(st);
	assert_int_equal(sayso_partner_add(st, "HA1", "again", "t"),
			 SAYSO_ERR_EXISTS);
	assert_int_equal(sayso_partner_add(st, "bad code", "x", "t"),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_partner_route(st, "nobody", "litter", NULL, "t"),
			 SAYSO_ERR_NOTFOUND);
	/* No rule: no partner, not an error. */
	assert_int_equal(
	    sayso_partner_for(st, "litter", "Keats Way", &p, &found), SAYSO_OK);
	assert_false(found);
	add_report(st, "litter", "Keats Way", "2025-01-02 09:00", ref);
	report_partner(st, ref, code, sizeof code);
	assert_string_equal(code, "");

	assert_int_equal(sayso_partner_route(st, "council", "*", NULL, "t"),
			 SAYSO_OK);
	assert_int_equal(
	    sayso_partner_route(st, "ha2", "*", "Shelley Road", "t"), SAYSO_OK);
	assert_int_equal(
	    sayso_partner_route(st, "ha1", "fly_tipping", NULL, "t"), SAYSO_OK);
	assert_int_equal(
	    sayso_partner_route(st, "ha2", "fly_tipping", "Keats Way", "t"),
	    SAYSO_OK);
	/* Most specific wins: category+street, category, '*'+street, '*'. */
	struct {
		const char *cat, *street, *want;
	} cases[] = {
	    {"fly_tipping", "keats way", "ha2"},
	    {"fly_tipping", "Shelley Road", "ha1"},
	    {"fly_tipping", NULL, "ha1"},
	    {"litter", "Shelley Road", "ha2"},
	    {"litter", "Keats Way", "council"},
	    {"litter", "", "council"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(sayso_partner_for(st, cases[i].cat,
						   cases[i].street, &p, &found),
				 SAYSO_OK);
		assert_true(found);
		assert_string_equal(p.code, cases[i].want);
	}
	/* Routing again for the same key replaces the partner. */
	assert_int_equal(
	    sayso_partner_route(st, "ha1", "fly_tipping", "Keats Way", "t"),
	    SAYSO_OK);
	assert_int_equal(
	    sayso_partner_for(st, "fly_tipping", "Keats Way", &p, &found),
	    SAYSO_OK);
	assert_string_equal(p.code, "ha1");
	struct sayso_route *routes = NULL;
	size_t nroutes = 0;
	assert_int_equal(sayso_partner_routes(st, &routes, &nroutes), SAYSO_OK);
	assert_int_equal(nroutes, 4);
	free(routes);

	/* A report gets its partner when created, and keeps it with history
	 * when it changes. */
	add_report(st, "fly_tipping", "Shelley Road", "2025-01-03 09:00", ref);
	report_partner(st, ref, code, sizeof code);
	assert_string_equal(code, "ha1");
	assert_int_equal(
	    sayso_issue_assign(st, ref, "HA2", "their land", "admin:ann"),
	    SAYSO_OK);
	report_partner(st, ref, code, sizeof code);
	assert_string_equal(code, "ha2");
	assert_int_equal(sayso_issue_assign(st, ref, NULL, "rail land", "a"),
			 SAYSO_OK);
	assert_int_equal(sayso_issue_assign(st, ref, "nobody", NULL, "a"),
			 SAYSO_ERR_NOTFOUND);
	assert_int_equal(sayso_issue_assign(st, "ZZZ-ZZZ", "ha1", NULL, "a"),
			 SAYSO_ERR_NOTFOUND);
	struct sayso_partner_change *h = NULL;
	size_t nh = 0;
	assert_int_equal(sayso_issue_partner_history(st, ref, &h, &nh),
			 SAYSO_OK);
	assert_int_equal(nh, 3);
	assert_string_equal(h[0].partner, "ha1");
	assert_string_equal(h[0].actor, "routing");
	assert_string_equal(h[1].partner, "ha2");
	assert_string_equal(h[1].note, "their land");
	assert_string_equal(h[1].actor, "admin:ann");
	assert_true(h[2].not_ours);
	assert_string_equal(h[2].partner, "");
	free(h);
	sayso_store_close(st);
}

static void test_duplicates(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	char r1[8], r2[8], r3[8], r4[8], r5[8], g1[8], g2[8], n1[8], n2[8];
	char d[32];

	add_report(st, "fly_tipping", "Keats Way", "2025-03-01 09:00", r1);
	/* Day 13, same category and street: a likely duplicate of r1. */
	add_report(st, "fly_tipping", "keats way", "2025-03-14 08:00", r2);
	report_dup(st, r2, d, sizeof d);
	char want[32];
	snprintf(want, sizeof want, "%s:likely", r1);
	assert_string_equal(d, want);
	/* Day 15: r1 is older than 14 days and r2 is itself linked. */
	add_report(st, "fly_tipping", "Keats Way", "2025-03-16 09:00", r3);
	report_dup(st, r3, d, sizeof d);
	assert_string_equal(d, ":");
	/* Another street or another category: no link. */
	add_report(st, "fly_tipping", "Byron Close", "2025-03-16 10:00", r4);
	add_report(st, "litter", "Keats Way", "2025-03-16 10:00", r5);
	report_dup(st, r4, d, sizeof d);
	assert_string_equal(d, ":");
	report_dup(st, r5, d, sizeof d);
	assert_string_equal(d, ":");
	/* Only open issues: a resolved one is not duplicated. */
	add_report(st, "graffiti", "Keats Way", "2025-03-02 09:00", g1);
	assert_int_equal(
	    sayso_report_set_status(st, g1, SAYSO_REPORT_RESOLVED, NULL, "t"),
	    SAYSO_OK);
	add_report(st, "graffiti", "Keats Way", "2025-03-03 09:00", g2);
	report_dup(st, g2, d, sizeof d);
	assert_string_equal(d, ":");
	/* No street: never linked automatically. */
	add_report(st, "noise", NULL, "2025-03-03 09:00", n1);
	add_report(st, "noise", NULL, "2025-03-03 10:00", n2);
	report_dup(st, n2, d, sizeof d);
	assert_string_equal(d, ":");

	/* Staff confirm (to the original, never a chain) or split. */
	assert_int_equal(sayso_issue_duplicate(st, r3, r2, "a"), SAYSO_OK);
	report_dup(st, r3, d, sizeof d);
	snprintf(want, sizeof want, "%s:confirmed", r1);
	assert_string_equal(d, want);
	assert_int_equal(sayso_issue_duplicate(st, r2, NULL, "a"), SAYSO_OK);
	report_dup(st, r2, d, sizeof d);
	assert_string_equal(d, ":");
	/* The review queue: r3 confirmed, no likely one left. */
	struct sayso_dup_link *dl = NULL;
	size_t ndl = 9;
	assert_int_equal(sayso_issue_duplicates(st, false, &dl, &ndl),
			 SAYSO_OK);
	assert_int_equal(ndl, 0);
	free(dl);
	assert_int_equal(sayso_issue_duplicates(st, true, &dl, &ndl), SAYSO_OK);
	assert_int_equal(ndl, 1);
	assert_string_equal(dl[0].ref, r3);
	assert_string_equal(dl[0].of, r1);
	assert_true(dl[0].confirmed);
	assert_false(dl[0].walk);
	free(dl);
	assert_int_equal(sayso_issue_duplicate(st, r1, r1, "a"),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_issue_duplicate(st, r1, "ZZZ-ZZZ", "a"),
			 SAYSO_ERR_NOTFOUND);
	sayso_store_close(st);
}

static void log_issue(struct sayso_store *st, const char *walk,
		      const char *street, const char *cat, const char *when,
		      char *ref)
{
	struct sayso_walk_log_in in = {.walkabout = walk,
				       .street = street,
				       .category = cat,
				       .grade = SAYSO_GRADE_C,
				       .seen_ms = at(when)};
	assert_int_equal(sayso_walk_log(st, &in, ref, SAYSO_WALK_REF_LEN + 1),
			 SAYSO_OK);
}

static void check(struct sayso_store *st, const char *walk, const char *ref,
		  enum sayso_observed o, const char *when)
{
	assert_int_equal(
	    sayso_walk_check(st, walk, ref, o, NULL, NULL, at(when)), SAYSO_OK);
}

static void test_walkabouts(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	const char *ab[] = {"Keats Way", "Byron Close"};
	const char *dup[] = {"Keats Way", "keats way"};
	struct sayso_walkabout w;
	enum sayso_grade g;
	char ref[16];

	assert_int_equal(
	    sayso_walkabout_start(st, "W1", "2025-02-30", "Ann", ab, 2, "t"),
	    SAYSO_ERR_INVAL);
	assert_int_equal(
	    sayso_walkabout_start(st, "W1", "2025-01-10", " , ", ab, 2, "t"),
	    SAYSO_ERR_INVAL);
	assert_int_equal(
	    sayso_walkabout_start(st, "W1", "2025-01-10", "Ann", dup, 2, "t"),
	    SAYSO_ERR_INVAL);
	assert_int_equal(sayso_walkabout_start(st, "W1", "2025-01-10",
					       "Ann Lee, Raj Patel", ab, 2,
					       "t"),
			 SAYSO_OK);
	assert_int_equal(
	    sayso_walkabout_start(st, "w1", "2025-01-11", "Ann", NULL, 0, "t"),
	    SAYSO_ERR_EXISTS);
	assert_int_equal(
	    sayso_walkabout_start(st, "W2", "2025-02-10", "Ann", NULL, 0, "t"),
	    SAYSO_OK);
	assert_int_equal(sayso_walkabout_get(st, "w1", &w), SAYSO_OK);
	assert_int_equal(w.nstreets, 2);
	assert_string_equal(w.streets[1], "Byron Close");
	assert_true(sayso_walkabout_covers(&w, "byron close"));
	assert_false(sayso_walkabout_covers(&w, "Shelley Road"));

	struct sayso_walk_log_in in = {
	    .walkabout = "W1", .street = "Shelley Road", .category = "litter"};
	assert_int_equal(sayso_walk_log(st, &in, ref, sizeof ref),
			 SAYSO_ERR_INVAL);
	in.street = "Keats Way";
	in.category = "";
	assert_int_equal(sayso_walk_log(st, &in, ref, sizeof ref),
			 SAYSO_ERR_INVAL);
	in.walkabout = "W9";
	in.category = "litter";
	assert_int_equal(sayso_walk_log(st, &in, ref, sizeof ref),
			 SAYSO_ERR_NOTFOUND);
	log_issue(st, "W1", "Keats Way", "litter", "2025-01-10 10:00", ref);
	assert_int_equal(strlen(ref), SAYSO_WALK_REF_LEN);
	assert_memory_equal(ref, "WA-", 3);
	/* Who logged it defaults to the walkabout's walkers. */
	struct sayso_walk_issue *is = NULL;
	size_t n = 0;
	assert_int_equal(sayso_walk_issue_list(st, NULL, &is, &n), SAYSO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(is[0].seen_by, "Ann Lee, Raj Patel");
	assert_int_equal(is[0].grade, SAYSO_GRADE_C);
	assert_true(is[0].open);
	free(is);
	/* Re-inspected on a later walkabout only, never before it was seen. */
	assert_int_equal(sayso_walk_check(st, "W1", ref, SAYSO_OBS_RESOLVED,
					  NULL, NULL, at("2025-01-10 11:00")),
			 SAYSO_ERR_STATE);
	assert_int_equal(sayso_walk_check(st, "W2", ref, SAYSO_OBS_RESOLVED,
					  NULL, NULL, at("2025-01-09 11:00")),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_walk_check(st, "W2", "WA-ZZZZZ",
					  SAYSO_OBS_RESOLVED, NULL, NULL, 0),
			 SAYSO_ERR_NOTFOUND);
	assert_int_equal(sayso_walk_check(st, "W2", ref, SAYSO_OBS_GONE_WORSE,
					  "bags split", "Raj",
					  at("2025-02-10 10:00")),
			 SAYSO_OK);
	struct sayso_walk_filter f = {.open_only = true, .before = "W2"};
	assert_int_equal(sayso_walk_issue_list(st, &f, &is, &n), SAYSO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(is[0].last, SAYSO_OBS_GONE_WORSE);
	free(is);
	f.before = "W1";
	assert_int_equal(sayso_walk_issue_list(st, &f, &is, &n), SAYSO_OK);
	assert_int_equal(n, 0);
	free(is);

	assert_int_equal(sayso_grade_parse("b", &g), SAYSO_OK);
	assert_int_equal(g, SAYSO_GRADE_B);
	assert_int_equal(sayso_grade_parse("E", &g), SAYSO_ERR_INVAL);
	enum sayso_observed o;
	assert_int_equal(sayso_observed_parse("not-resolved", &o), SAYSO_OK);
	assert_int_equal(o, SAYSO_OBS_NOT_RESOLVED);
	assert_int_equal(sayso_observed_parse("fixed", &o), SAYSO_ERR_INVAL);
	sayso_store_close(st);
}

static const struct sayso_walk_counts *group(const struct sayso_walk_counts *c,
					     size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].key, key) == 0)
			return &c[i];
	fail_msg("no group '%s'", key);
	return NULL;
}

static void test_rate(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	const char *ab[] = {"Keats Way", "Byron Close"};
	const char *a[] = {"Keats Way"};
	char i1[16], i2[16], i3[16], i4[16], i5[16], i6[16], i7[16], i8[16];
	struct sayso_walk_rate r;

	partners(st);
	assert_int_equal(sayso_partner_route(st, "ha1", "litter", NULL, "t"),
			 SAYSO_OK);
	assert_int_equal(
	    sayso_walkabout_start(st, "W1", "2025-01-10", "Ann", ab, 2, "t"),
	    SAYSO_OK);
	assert_int_equal(
	    sayso_walkabout_start(st, "W2", "2025-02-10", "Ann", ab, 2, "t"),
	    SAYSO_OK);
	assert_int_equal(
	    sayso_walkabout_start(st, "W3", "2025-03-10", "Ann", a, 1, "t"),
	    SAYSO_OK);
	log_issue(st, "W1", "Keats Way", "fly_tipping", "2025-01-10 10:00", i1);
	log_issue(st, "W1", "Keats Way", "litter", "2025-01-10 10:10", i2);
	log_issue(st, "W1", "Byron Close", "litter", "2025-01-10 10:20", i3);
	log_issue(st, "W1", "Byron Close", "fly_tipping", "2025-01-10 10:25",
		  i4);
	log_issue(st, "W1", "Keats Way", "graffiti", "2025-01-10 10:26", i5);
	log_issue(st, "W1", "Keats Way", "dog_fouling", "2025-01-10 10:30", i8);
	log_issue(st, "W2", "Byron Close", "graffiti", "2025-02-10 11:00", i7);
	log_issue(st, "W3", "Keats Way", "litter", "2025-03-10 09:00", i6);
	/* i1 resolved at W2 (31 days). i2 resolved at W2 but seen again at
	 * W3: the last observation decides. i8 not resolved, then resolved
	 * (59 days). i7 resolved at W3 (28 days). i3 and i6 never
	 * re-inspected; W2 covered i3's street, so it was due. i4 is a
	 * confirmed duplicate and i5 not the partnership's. */
	check(st, "W2", i1, SAYSO_OBS_RESOLVED, "2025-02-10 10:00");
	check(st, "W2", i2, SAYSO_OBS_RESOLVED, "2025-02-10 10:10");
	check(st, "W3", i2, SAYSO_OBS_NOT_RESOLVED, "2025-03-10 10:10");
	check(st, "W2", i8, SAYSO_OBS_NOT_RESOLVED, "2025-02-10 10:30");
	check(st, "W3", i8, SAYSO_OBS_RESOLVED, "2025-03-10 10:30");
	check(st, "W3", i7, SAYSO_OBS_RESOLVED, "2025-03-10 11:00");
	assert_int_equal(sayso_issue_duplicate(st, i4, i1, "t"), SAYSO_OK);
	assert_int_equal(sayso_issue_assign(st, i5, NULL, "rail", "t"),
			 SAYSO_OK);
	/* A duplicate of the other kind is refused. */
	char rr[8];
	add_report(st, "litter", "Keats Way", "2025-01-11 09:00", rr);
	assert_int_equal(sayso_issue_duplicate(st, rr, i2, "t"),
			 SAYSO_ERR_INVAL);

	assert_int_equal(sayso_walk_rate(st, NULL, &r), SAYSO_OK);
	assert_int_equal(r.walkabouts, 3);
	assert_int_equal(r.all.logged, 8);
	assert_int_equal(r.all.duplicates, 1);
	assert_int_equal(r.all.not_ours, 1);
	assert_int_equal(r.all.inspected, 4);
	assert_int_equal(r.all.resolved, 3);
	assert_int_equal(r.all.uninspected, 2);
	assert_int_equal(r.all.due, 1);
	assert_true(fabs(r.all.rate - 0.75) < 1e-12);
	double lo, hi;
	sayso_stats_wilson(3, 4, SAYSO_STATS_Z95, &lo, &hi);
	assert_true(fabs(r.all.ci_low - lo) < 1e-12);
	assert_true(fabs(r.all.ci_high - hi) < 1e-12);
	/* Hand-computed Wilson 95% for 3/4: 0.3006 .. 0.9544. */
	assert_true(fabs(r.all.ci_low - 0.3006) < 1e-3);
	assert_true(fabs(r.all.ci_high - 0.9544) < 1e-3);
	assert_true(fabs(r.all.median_days - 31.0) < 1e-9);

	const struct sayso_walk_counts *c =
	    group(r.streets, r.nstreets, "Keats Way");
	assert_int_equal(c->logged, 5);
	assert_int_equal(c->not_ours, 1);
	assert_int_equal(c->inspected, 3);
	assert_int_equal(c->resolved, 2);
	assert_int_equal(c->uninspected, 1);
	assert_int_equal(c->due, 0);
	assert_true(fabs(c->median_days - 45.0) < 1e-3);
	c = group(r.streets, r.nstreets, "Byron Close");
	assert_int_equal(c->duplicates, 1);
	assert_int_equal(c->inspected, 1);
	assert_int_equal(c->resolved, 1);
	assert_int_equal(c->due, 1);
	c = group(r.categories, r.ncategories, "litter");
	assert_int_equal(c->logged, 3);
	assert_int_equal(c->inspected, 1);
	assert_int_equal(c->resolved, 0);
	assert_true(c->median_days < 0);
	c = group(r.partners, r.npartners, "ha1");
	assert_int_equal(c->logged, 3);
	c = group(r.partners, r.npartners, "");
	assert_int_equal(c->logged, 5);
	assert_int_equal(c->resolved, 3);
	sayso_walk_rate_cleanup(&r);

	/* One walkabout's issues; a period of walkabouts. */
	struct sayso_walk_scope sc = {.walkabout = "w1"};
	assert_int_equal(sayso_walk_rate(st, &sc, &r), SAYSO_OK);
	assert_int_equal(r.walkabouts, 1);
	assert_int_equal(r.all.logged, 6);
	assert_int_equal(r.all.inspected, 3);
	assert_int_equal(r.all.resolved, 2);
	sayso_walk_rate_cleanup(&r);
	sc.walkabout = NULL;
	sc.since_ms = at("2025-02-01");
	assert_int_equal(sayso_walk_rate(st, &sc, &r), SAYSO_OK);
	assert_int_equal(r.walkabouts, 2);
	assert_int_equal(r.all.logged, 2);
	assert_int_equal(r.all.inspected, 1);
	assert_int_equal(r.all.resolved, 1);
	assert_true(fabs(r.all.median_days - 28.0) < 1e-9);
	sayso_walk_rate_cleanup(&r);
	sc.walkabout = "nope";
	assert_int_equal(sayso_walk_rate(st, &sc, &r), SAYSO_ERR_NOTFOUND);
	sayso_walk_rate_cleanup(&r);
	/* Nothing logged: zero, no interval, no median. */
	struct sayso_store *empty = tu_memstore();
	assert_int_equal(sayso_walk_rate(empty, NULL, &r), SAYSO_OK);
	assert_int_equal(r.all.inspected, 0);
	assert_true(r.all.ci_low == 0 && r.all.ci_high == 0);
	assert_true(r.all.median_days < 0);
	sayso_walk_rate_cleanup(&r);
	sayso_store_close(empty);
	sayso_store_close(st);
}

static void test_walk_duplicates(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	char w1[16], w2[16], w3[16];

	assert_int_equal(
	    sayso_walkabout_start(st, "W1", "2025-01-10", "Ann", NULL, 0, "t"),
	    SAYSO_OK);
	assert_int_equal(
	    sayso_walkabout_start(st, "W2", "2025-01-20", "Ann", NULL, 0, "t"),
	    SAYSO_OK);
	log_issue(st, "W1", "Keats Way", "fly_tipping", "2025-01-10 10:00", w1);
	check(st, "W2", w1, SAYSO_OBS_RESOLVED, "2025-01-20 09:00");
	/* w1 is resolved: w2 is not linked; w3 (same day as w2) is. */
	log_issue(st, "W2", "Keats Way", "fly_tipping", "2025-01-20 10:00", w2);
	log_issue(st, "W2", "Keats Way", "fly_tipping", "2025-01-20 10:05", w3);
	struct sayso_walk_issue *is = NULL;
	size_t n = 0;
	assert_int_equal(sayso_walk_issue_list(st, NULL, &is, &n), SAYSO_OK);
	assert_int_equal(n, 3);
	assert_string_equal(is[1].dup_of, "");
	assert_string_equal(is[2].dup_of, w2);
	assert_false(is[2].dup_confirmed);
	assert_true(is[2].open);
	free(is);
	struct sayso_dup_link *dl = NULL;
	size_t ndl = 0;
	assert_int_equal(sayso_issue_duplicates(st, false, &dl, &ndl),
			 SAYSO_OK);
	assert_int_equal(ndl, 1);
	assert_true(dl[0].walk);
	assert_string_equal(dl[0].ref, w3);
	assert_string_equal(dl[0].of, w2);
	assert_false(dl[0].confirmed);
	free(dl);
	assert_int_equal(sayso_issue_duplicate(st, w3, w2, "t"), SAYSO_OK);
	assert_int_equal(sayso_walk_issue_list(st, NULL, &is, &n), SAYSO_OK);
	assert_true(is[2].dup_confirmed);
	assert_false(is[2].open);
	free(is);
	sayso_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_routing),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_walkabouts),
	    cmocka_unit_test(test_rate),
	    cmocka_unit_test(test_walk_duplicates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

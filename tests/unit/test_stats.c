/*
 * test_stats.c: the published figures (stats.c) against hand-computed values.
 *
 * Rows are inserted with plain SQL so that every timestamp and history entry
 * is known exactly; the expected numbers are worked out in the comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "testutil.h"
#include "internal.h"
#include "sayso/stats.h"

static void sql(struct sayso_store *st, const char *q)
{
	char *msg = NULL;

	if (Sayso_store_exec(st, q, "test SQL") != SAYSO_OK) {
		fail_msg("SQL failed: %s: %s", q, msg ? msg : "?");
	}
}

static void rating(struct sayso_store *st, int id, int score,
		   const char *channel, const char *device, const char *at,
		   const char *question, const char *answer)
{
	char q[1024];
	char qq[128], aq[400];

	if (question)
		snprintf(qq, sizeof qq, "'%s'", question);
	else
		snprintf(qq, sizeof qq, "NULL");
	if (answer)
		snprintf(aq, sizeof aq, "'%s'", answer);
	else
		snprintf(aq, sizeof aq, "NULL");
	snprintf(q, sizeof q,
		 "INSERT INTO ratings (uid, score, question, answer, channel,"
		 " device_id, cast_at) VALUES ('U%025d', %d, %s, %s, '%s',"
		 " '%s', '%s')",
		 id, score, qq, aq, channel, device, at);
	sql(st, q);
}

static void report(struct sayso_store *st, int id, const char *ref,
		   const char *cat, const char *street, const char *text,
		   const char *status, const char *at, const char *updated)
{
	char q[2048];

	snprintf(q, sizeof q,
		 "INSERT INTO reports (id, uid, ref, category, street, text,"
		 " status, channel, device_id, cast_at, updated_at) VALUES"
		 " (%d, 'R%025d', '%s', '%s', %s%s%s, '%s', '%s', 'kiosk',"
		 " 'hub1', '%s', '%s')",
		 id, id, ref, cat, street ? "'" : "", street ? street : "NULL",
		 street ? "'" : "", text, status, at, updated);
	sql(st, q);
}

static void history(struct sayso_store *st, int report_id, const char *at,
		    const char *status, const char *note)
{
	char q[1024];

	snprintf(q, sizeof q,
		 "INSERT INTO report_history (report_id, at, status, note,"
		 " actor) VALUES (%d, '%s', '%s', %s%s%s, 'admin:test')",
		 report_id, at, status, note ? "'" : "", note ? note : "NULL",
		 note ? "'" : "");
	sql(st, q);
}

static int64_t ms(const char *iso)
{
	int64_t v = 0;

	assert_int_equal(sayso_time_parse(iso, &v), SAYSO_OK);
	return v;
}

/* Wilson score interval, z = 1.96, worked by hand for 88 of 100:
 * p = .88, z^2/n = .0384146, centre = .88 + .0192073 = .8992073,
 * half = 1.96 * sqrt(.88 * .12 / 100 + 3.841459 / 40000) = .0665251,
 * lo = (.8992073 - .0665251) / 1.0384146 = .80188,
 * hi = (.8992073 + .0665251) / 1.0384146 = .93001. */
static void test_wilson(void **state)
{
	double lo, hi;

	(void)state;
	sayso_stats_wilson(88, 100, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.80188, 5e-5);
	assert_float_equal(hi, 0.93001, 5e-5);

	/* 0 of 10: lo = 0, hi = z^2/(n + z^2) = 3.8415 / 13.8415 = .27753 */
	sayso_stats_wilson(0, 10, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.0, 1e-12);
	assert_float_equal(hi, 0.27753, 5e-5);

	/* 10 of 10 mirrors it. */
	sayso_stats_wilson(10, 10, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 1 - 0.27753, 5e-5);
	assert_float_equal(hi, 1.0, 1e-12);

	/* Nothing to estimate. */
	sayso_stats_wilson(0, 0, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.0, 0);
	assert_float_equal(hi, 0.0, 0);
}

static void fill_ratings(struct sayso_store *st)
{
	/* 10 ratings: scores 5,5,5,4,4,3,2,1,5,4 -> faces 1,1,1,3,4;
	 * positive 7 of 10. */
	rating(st, 1, 5, "kiosk", "hub1", "2026-11-20T09:15:00.000Z", "best",
	       "Parks");
	rating(st, 2, 5, "kiosk", "hub1", "2026-11-20T09:45:00.000Z", "best",
	       "Neighbours");
	rating(st, 3, 5, "sms", "smsgw", "2026-11-20T12:00:00.000Z", "best",
	       "Parks");
	rating(st, 4, 4, "sms", "smsgw", "2026-11-21T12:30:00.000Z", NULL,
	       NULL);
	rating(st, 5, 4, "kiosk", "hub2", "2026-11-21T13:00:00.000Z", "best",
	       "Parks");
	rating(st, 6, 3, "kiosk", "hub2", "2026-11-21T13:10:00.000Z", NULL,
	       NULL);
	rating(st, 7, 2, "paper", "admin", "2026-11-22T09:00:00.000Z", "worse",
	       "Litter");
	rating(st, 8, 1, "kiosk", "hub1", "2026-11-22T09:05:00.000Z", "worse",
	       "Litter");
	rating(st, 9, 5, "kiosk", "hub1", "2026-11-22T18:00:00.000Z", "best",
	       "Neighbours");
	rating(st, 10, 4, "kiosk", "hub1", "2026-11-23T08:00:00.000Z", "", "");
}

static void test_ratings_summary(void **state)
{
	struct sayso_store *st = tu_memstore();
	struct sayso_ratings_summary s;
	double lo, hi;

	(void)state;
	fill_ratings(st);
	assert_int_equal(sayso_stats_ratings(st, 0, 0, SAYSO_BY_NONE, &s),
			 SAYSO_OK);
	assert_int_equal(s.all.n, 10);
	assert_int_equal(s.all.faces[0], 1);
	assert_int_equal(s.all.faces[1], 1);
	assert_int_equal(s.all.faces[2], 1);
	assert_int_equal(s.all.faces[3], 3);
	assert_int_equal(s.all.faces[4], 4);
	assert_int_equal(s.all.positive, 7);
	assert_float_equal(s.all.share, 0.7, 1e-12);
	/* mean = (1 + 2 + 3 + 12 + 20) / 10 = 3.8 */
	assert_float_equal(s.all.mean, 3.8, 1e-12);
	sayso_stats_wilson(7, 10, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(s.all.lo, lo, 1e-12);
	assert_float_equal(s.all.hi, hi, 1e-12);
	/* 7 of 10: centre .7 + .19207 = .89207, half 1.96*sqrt(.021 +
	 * .0096036) = .34292; lo = .54915/1.38415 = .39676 */
	assert_float_equal(s.all.lo, 0.39677, 1e-4);
	assert_string_equal(s.first, "2026-11-20T09:15:00.000Z");
	assert_string_equal(s.last, "2026-11-23T08:00:00.000Z");
	assert_null(s.groups);

	/* Answers ranked: Parks 3, Neighbours 2, Litter 2 (then by text);
	 * the empty answer is not an answer. */
	assert_int_equal(s.nanswers, 3);
	assert_int_equal(s.answered, 7);
	assert_string_equal(s.answers[0].answer, "Parks");
	assert_int_equal(s.answers[0].n, 3);
	assert_string_equal(s.answers[0].question, "best");
	assert_string_equal(s.answers[1].answer, "Litter");
	assert_int_equal(s.answers[1].n, 2);
	assert_string_equal(s.answers[2].answer, "Neighbours");
	sayso_ratings_summary_cleanup(&s);
	sayso_ratings_summary_cleanup(&s); /* twice is harmless */

	/* By channel, in key order. */
	assert_int_equal(sayso_stats_ratings(st, 0, 0, SAYSO_BY_CHANNEL, &s),
			 SAYSO_OK);
	assert_int_equal(s.ngroups, 3);
	assert_string_equal(s.groups[0].key, "kiosk");
	/* kiosk: ids 1,2,5,6,8,9,10 = 5,5,4,3,1,5,4: 7 ratings, 5 positive */
	assert_int_equal(s.groups[0].c.n, 7);
	assert_int_equal(s.groups[0].c.positive, 5);
	assert_string_equal(s.groups[1].key, "paper");
	assert_int_equal(s.groups[1].c.n, 1);
	assert_int_equal(s.groups[1].c.positive, 0);
	assert_string_equal(s.groups[2].key, "sms");
	assert_int_equal(s.groups[2].c.n, 2);
	assert_float_equal(s.groups[2].c.share, 1.0, 1e-12);
	sayso_ratings_summary_cleanup(&s);

	/* By hour (TZ=UTC in main): 08, 09 (4), 12 (2), 13 (2), 18. */
	assert_int_equal(sayso_stats_ratings(st, 0, 0, SAYSO_BY_HOUR, &s),
			 SAYSO_OK);
	assert_int_equal(s.ngroups, 5);
	assert_string_equal(s.groups[0].key, "08");
	assert_string_equal(s.groups[1].key, "09");
	assert_int_equal(s.groups[1].c.n, 4);
	assert_int_equal(s.groups[1].c.faces[4], 2);
	assert_string_equal(s.groups[4].key, "18");
	sayso_ratings_summary_cleanup(&s);

	/* By day with a period: [21st, 23rd) -> 21st (3), 22nd (3). */
	assert_int_equal(sayso_stats_ratings(st, ms("2026-11-21"),
					     ms("2026-11-23"), SAYSO_BY_DAY,
					     &s),
			 SAYSO_OK);
	assert_int_equal(s.all.n, 6);
	assert_int_equal(s.ngroups, 2);
	assert_string_equal(s.groups[0].key, "2026-11-21");
	assert_int_equal(s.groups[0].c.n, 3);
	assert_string_equal(s.groups[1].key, "2026-11-22");
	assert_int_equal(s.groups[1].c.n, 3);
	assert_int_equal(s.groups[1].c.positive, 1);
	sayso_ratings_summary_cleanup(&s);

	/* By device. */
	assert_int_equal(sayso_stats_ratings(st, 0, 0, SAYSO_BY_DEVICE, &s),
			 SAYSO_OK);
	assert_int_equal(s.ngroups, 4);
	assert_string_equal(s.groups[1].key, "hub1");
	assert_int_equal(s.groups[1].c.n, 5);
	sayso_ratings_summary_cleanup(&s);

	/* An empty period has no share and no interval. */
	assert_int_equal(
	    sayso_stats_ratings(st, ms("2027-01-01"), 0, SAYSO_BY_DAY, &s),
	    SAYSO_OK);
	assert_int_equal(s.all.n, 0);
	assert_float_equal(s.all.share, 0, 0);
	assert_float_equal(s.all.hi, 0, 0);
	assert_int_equal(s.ngroups, 0);
	assert_string_equal(s.first, "");
	sayso_ratings_summary_cleanup(&s);

	/* A period that ends before it starts. */
	assert_int_equal(sayso_stats_ratings(st, ms("2026-11-23"),
					     ms("2026-11-21"), SAYSO_BY_NONE,
					     &s),
			 SAYSO_ERR_INVAL);
	sayso_store_close(st);
}

static void test_by_parse(void **state)
{
	enum sayso_stats_by by;

	(void)state;
	assert_int_equal(sayso_stats_by_parse("hour", &by), SAYSO_OK);
	assert_int_equal(by, SAYSO_BY_HOUR);
	assert_int_equal(sayso_stats_by_parse(NULL, &by), SAYSO_OK);
	assert_int_equal(by, SAYSO_BY_NONE);
	assert_int_equal(sayso_stats_by_parse("week", &by), SAYSO_ERR_INVAL);
	assert_string_equal(sayso_stats_by_name(SAYSO_BY_DEVICE), "device");
}

/*
 * Six reports: 1 fly_tipping Keats Rd resolved after 2 days,
 * 2 fly_tipping keats rd resolved after 10 days (reopened and resolved
 * again: the latest resolution counts), 3 graffiti Byron St resolved after
 * 0.5 day, 4 lighting Byron St rejected, 5 fly_tipping no street open,
 * 6 graffiti Keats Rd in_progress.
 * Resolution rate 3/6 = .5; median of {0.5, 2, 10} = 2 days.
 */
static void fill_reports(struct sayso_store *st)
{
	report(st, 1, "AAA-001", "fly_tipping", "Keats Rd", "Sofa dumped",
	       "resolved", "2026-11-01T10:00:00.000Z",
	       "2026-11-03T10:00:00.000Z");
	history(st, 1, "2026-11-03T10:00:00.000Z", "resolved", "Collected");
	report(st, 2, "AAA-002", "fly_tipping", "keats rd", "Mattress",
	       "resolved", "2026-11-02T10:00:00.000Z",
	       "2026-11-12T10:00:00.000Z");
	history(st, 2, "2026-11-04T10:00:00.000Z", "resolved", NULL);
	history(st, 2, "2026-11-05T10:00:00.000Z", "open", "Still there");
	history(st, 2, "2026-11-12T10:00:00.000Z", "resolved", NULL);
	report(st, 3, "AAA-003", "graffiti", "Byron St", "Tag on wall",
	       "resolved", "2026-11-05T08:00:00.000Z",
	       "2026-11-05T20:00:00.000Z");
	history(st, 3, "2026-11-05T20:00:00.000Z", "resolved", "Painted");
	report(st, 4, "AAA-004", "lighting", "Byron St", "Lamp out", "rejected",
	       "2026-11-06T08:00:00.000Z", "2026-11-07T08:00:00.000Z");
	history(st, 4, "2026-11-07T08:00:00.000Z", "rejected",
		"Not ours: reported to the council");
	report(st, 5, "AAA-005", "fly_tipping", NULL, "Bags", "open",
	       "2026-11-10T08:00:00.000Z", "2026-11-10T08:00:00.000Z");
	report(st, 6, "AAA-006", "graffiti", "Keats Rd",
	       "<script>alert(1)</script>", "in_progress",
	       "2026-11-20T08:00:00.000Z", "2026-11-21T08:00:00.000Z");
	history(st, 6, "2026-11-21T08:00:00.000Z", "in_progress", NULL);
}

static void test_reports_summary(void **state)
{
	struct sayso_store *st = tu_memstore();
	struct sayso_reports_summary s;

	(void)state;
	fill_reports(st);
	assert_int_equal(sayso_stats_reports(st, 0, 0, &s), SAYSO_OK);
	assert_int_equal(s.total, 6);
	assert_int_equal(s.by_status[SAYSO_REPORT_OPEN], 1);
	assert_int_equal(s.by_status[SAYSO_REPORT_IN_PROGRESS], 1);
	assert_int_equal(s.by_status[SAYSO_REPORT_RESOLVED], 3);
	assert_int_equal(s.by_status[SAYSO_REPORT_REJECTED], 1);
	assert_float_equal(s.resolution_rate, 0.5, 1e-12);
	assert_int_equal(s.resolved_timed, 3);
	assert_float_equal(s.median_days, 2.0, 1e-6);

	assert_int_equal(s.ncategories, 3);
	assert_string_equal(s.categories[0].key, "fly_tipping");
	assert_int_equal(s.categories[0].n, 3);
	assert_int_equal(s.categories[0].resolved, 2);
	assert_string_equal(s.categories[1].key, "graffiti");
	assert_int_equal(s.categories[1].n, 2);
	assert_string_equal(s.categories[2].key, "lighting");

	/* Streets, case-insensitive: Keats Rd 3, Byron St 2, none 1. */
	assert_int_equal(s.nstreets, 3);
	assert_true(strcasecmp(s.streets[0].key, "keats rd") == 0);
	assert_int_equal(s.streets[0].n, 3);
	assert_int_equal(s.streets[0].resolved, 2);
	assert_string_equal(s.streets[1].key, "Byron St");
	assert_string_equal(s.streets[2].key, "");
	sayso_reports_summary_cleanup(&s);

	/* Since the 5th: reports 3..6, one resolved in half a day. */
	assert_int_equal(sayso_stats_reports(st, ms("2026-11-05"), 0, &s),
			 SAYSO_OK);
	assert_int_equal(s.total, 4);
	assert_float_equal(s.resolution_rate, 0.25, 1e-12);
	assert_float_equal(s.median_days, 0.5, 1e-6);
	sayso_reports_summary_cleanup(&s);

	/* Nothing in the period: no median. */
	assert_int_equal(sayso_stats_reports(st, ms("2027-01-01"), 0, &s),
			 SAYSO_OK);
	assert_int_equal(s.total, 0);
	assert_float_equal(s.resolution_rate, 0, 0);
	assert_float_equal(s.median_days, -1, 0);
	sayso_reports_summary_cleanup(&s);
	sayso_store_close(st);
}

/* The 74.8% figure: 748 resolved of 1000, the others split. */
static void test_resolution_rate_748(void **state)
{
	struct sayso_store *st = tu_memstore();
	struct sayso_reports_summary s;
	char ref[16];
	int i;

	(void)state;
	sql(st, "BEGIN");
	for (i = 1; i <= 1000; i++) {
		const char *status = i <= 748	? "resolved"
				     : i <= 900 ? "open"
				     : i <= 950 ? "in_progress"
						: "rejected";
		snprintf(ref, sizeof ref, "B%06d", i);
		report(st, i, ref, "litter", "Shelley Ave", "x", status,
		       "2026-10-01T00:00:00.000Z", "2026-10-04T12:00:00.000Z");
	}
	sql(st, "COMMIT");
	assert_int_equal(sayso_stats_reports(st, 0, 0, &s), SAYSO_OK);
	assert_int_equal(s.total, 1000);
	assert_float_equal(s.resolution_rate, 0.748, 1e-12);
	/* No history rows: updated_at stands in, 3.5 days each. */
	assert_float_equal(s.median_days, 3.5, 1e-6);
	sayso_reports_summary_cleanup(&s);
	sayso_store_close(st);
}

static void test_report_list(void **state)
{
	struct sayso_store *st = tu_memstore();
	struct sayso_report_filter f;
	struct sayso_report_row *rows;
	size_t n;

	(void)state;
	fill_reports(st);
	assert_int_equal(sayso_stats_report_list(st, NULL, &rows, &n),
			 SAYSO_OK);
	assert_int_equal(n, 6);
	assert_string_equal(rows[0].ref, "AAA-001");
	assert_string_equal(rows[0].note, "Collected");
	/* The note of the latest change: report 2 was reopened with "Still
	 * there" and then resolved without a note. */
	assert_string_equal(rows[1].note, "");
	assert_string_equal(rows[4].street, "");
	assert_int_equal(rows[5].status, SAYSO_REPORT_IN_PROGRESS);
	free(rows);

	memset(&f, 0, sizeof f);
	f.status = "resolved";
	f.street = "KEATS RD";
	assert_int_equal(sayso_stats_report_list(st, &f, &rows, &n), SAYSO_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].ref, "AAA-001");
	assert_string_equal(rows[1].ref, "AAA-002");
	free(rows);

	memset(&f, 0, sizeof f);
	f.category = "Graffiti";
	assert_int_equal(sayso_stats_report_list(st, &f, &rows, &n), SAYSO_OK);
	assert_int_equal(n, 2);
	free(rows);

	memset(&f, 0, sizeof f);
	f.street = "";
	assert_int_equal(sayso_stats_report_list(st, &f, &rows, &n), SAYSO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].ref, "AAA-005");
	free(rows);

	memset(&f, 0, sizeof f);
	f.status = "fixed";
	assert_int_equal(sayso_stats_report_list(st, &f, &rows, &n),
			 SAYSO_ERR_INVAL);
	assert_null(rows);
	assert_int_equal(n, 0);
	assert_non_null(strstr(sayso_store_errmsg(st), "fixed"));
	sayso_store_close(st);
}

static void test_open311(void **state)
{
	struct sayso_store *st = tu_memstore();
	struct sayso_report_row *rows;
	struct sayso_open311_request r;
	size_t n;

	(void)state;
	fill_reports(st);
	assert_int_equal(sayso_stats_report_list(st, NULL, &rows, &n),
			 SAYSO_OK);
	assert_int_equal(n, 6);

	sayso_open311_from_report(&rows[0], &r);
	assert_string_equal(r.service_request_id, "AAA-001");
	assert_string_equal(r.status, "closed");
	assert_string_equal(r.status_notes, "Collected");
	assert_string_equal(r.service_code, "fly_tipping");
	assert_string_equal(r.service_name, "Fly tipping");
	assert_string_equal(r.description, "Sofa dumped");
	assert_string_equal(r.requested_datetime, "2026-11-01T10:00:00Z");
	assert_string_equal(r.updated_datetime, "2026-11-03T10:00:00Z");
	assert_string_equal(r.address, "Keats Rd");

	sayso_open311_from_report(&rows[3], &r); /* rejected, with a note */
	assert_string_equal(r.status, "closed");
	assert_string_equal(r.status_notes,
			    "Not ours: reported to the council");
	sayso_open311_from_report(&rows[4], &r); /* open, no street */
	assert_string_equal(r.status, "open");
	assert_string_equal(r.status_notes, "");
	assert_string_equal(r.address, "");
	sayso_open311_from_report(&rows[5], &r); /* in progress, no note */
	assert_string_equal(r.status, "open");
	assert_string_equal(r.status_notes, "In progress");

	snprintf(rows[5].location, sizeof rows[5].location, "by the alley");
	sayso_open311_from_report(&rows[5], &r);
	assert_string_equal(r.address, "by the alley, Keats Rd");
	free(rows);

	assert_string_equal(sayso_open311_status(SAYSO_REPORT_RESOLVED),
			    "closed");
	assert_string_equal(sayso_open311_status(SAYSO_REPORT_IN_PROGRESS),
			    "open");
	sayso_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wilson),
	    cmocka_unit_test(test_by_parse),
	    cmocka_unit_test(test_ratings_summary),
	    cmocka_unit_test(test_reports_summary),
	    cmocka_unit_test(test_resolution_rate_748),
	    cmocka_unit_test(test_report_list),
	    cmocka_unit_test(test_open311),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

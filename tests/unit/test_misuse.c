/* test_misuse.c: repeat and burst flags on ratings (core/src/misuse.c), and
 * the figures leaving flagged ratings out unless asked. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sayso/feedback.h"
#include "sayso/misuse.h"
#include "sayso/stats.h"

static int64_t scalar(struct sayso_store *st, const char *sql)
{
	struct sayso_stmt *s;
	assert_int_equal(Sayso_stmt_prepare(st, sql, &s), SAYSO_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	int64_t v = Sayso_col_int64(s, 0);
	Sayso_stmt_finalize(s);
	return v;
}

static const int64_t T0 = 1795000000000LL;

static void rate(struct sayso_store *st, const char *device,
		 const char *resident, int64_t at, int repeat)
{
	struct sayso_rating_in in = {
	    .score = 5,
	    .channel = resident ? SAYSO_CH_SMS : SAYSO_CH_KIOSK,
	    .device_id = device,
	    .resident_id = resident,
	    .cast_at_ms = at,
	    .repeat_seconds = repeat,
	};
	assert_int_equal(sayso_rating_add(st, &in, NULL, 0), SAYSO_OK);
}

static void test_repeat_rule(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();

	/* 30 taps 1.5 s apart on one kiosk: one counts, 29 repeats. */
	for (int i = 0; i < 30; i++)
		rate(st, "k1", NULL, T0 + i * 1500, 0);
	assert_int_equal(scalar(st, "SELECT count(*) FROM ratings"), 30);
	assert_int_equal(
	    scalar(st, "SELECT count(*) FROM ratings WHERE flag = 'repeat'"),
	    29);
	/* Another kiosk at the same moment is not a repeat. */
	rate(st, "k2", NULL, T0 + 1000, 0);
	assert_int_equal(scalar(st, "SELECT count(*) FROM ratings WHERE "
				    "device_id = 'k2' AND flag IS NULL"),
			 1);
	/* The default is 5 s: 5.0 s later is fine, 4.999 s is a repeat. */
	rate(st, "k3", NULL, T0, 0);
	rate(st, "k3", NULL, T0 + 5000, 0);
	rate(st, "k3", NULL, T0 + 9999, 0);
	assert_int_equal(scalar(st, "SELECT count(*) FROM ratings WHERE "
				    "device_id = 'k3' AND flag = 'repeat'"),
			 1);
	/* Off (< 0): nothing is a repeat. */
	rate(st, "k4", NULL, T0, -1);
	rate(st, "k4", NULL, T0 + 10, -1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM ratings WHERE "
				    "device_id = 'k4' AND flag IS NOT NULL"),
			 0);
	/* SMS ratings: the source is the resident, not the gateway. */
	rate(st, "smsgw", "R1", T0, 0);
	rate(st, "smsgw", "R2", T0 + 100, 0);
	rate(st, "smsgw", "R1", T0 + 200, 0);
	assert_int_equal(scalar(st, "SELECT count(*) FROM ratings WHERE "
				    "device_id = 'smsgw' AND flag = 'repeat'"),
			 1);
	sayso_store_close(st);
}

static void test_burst_rule(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();

	/* 14 ratings 6 s apart (no repeats): more than 10 in 2 minutes. */
	for (int i = 0; i < 14; i++)
		rate(st, "k1", NULL, T0 + i * 6000, 0);
	assert_int_equal(
	    scalar(st, "SELECT count(*) FROM ratings WHERE flag = 'burst'"), 4);
	assert_int_equal(
	    scalar(st, "SELECT count(*) FROM ratings WHERE flag IS NULL"), 10);
	assert_null(sayso_rating_flag_name(SAYSO_FLAG_NONE));
	assert_string_equal(sayso_rating_flag_name(SAYSO_FLAG_BURST), "burst");
	sayso_store_close(st);
}

static void test_figures_exclude_flagged(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	struct sayso_ratings_summary s;

	for (int i = 0; i < 30; i++)
		rate(st, "k1", NULL, T0 + i * 1500, 0);
	assert_int_equal(sayso_stats_ratings(st, 0, 0, SAYSO_BY_DEVICE, &s),
			 SAYSO_OK);
	assert_int_equal(s.all.n, 1);
	assert_int_equal(s.flagged, 29);
	assert_int_equal(s.ngroups, 1);
	assert_int_equal(s.groups[0].c.n, 1);
	sayso_ratings_summary_cleanup(&s);
	assert_int_equal(
	    sayso_stats_ratings_opt(st, 0, 0, SAYSO_BY_DEVICE, true, &s),
	    SAYSO_OK);
	assert_int_equal(s.all.n, 30);
	assert_int_equal(s.groups[0].c.n, 30);
	sayso_ratings_summary_cleanup(&s);
	sayso_store_close(st);
}

static void test_code_limits(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	enum sayso_code_limit lim;
	int64_t sent = -1;

	/* 3 a day per resident: the fourth is refused, a day later allowed. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sayso_code_allowed(st, "R1", "k1", T0 + i, 3,
						    30, &lim, &sent),
				 SAYSO_OK);
		assert_int_equal(lim, SAYSO_CODE_OK);
		assert_int_equal(sent, i);
		assert_int_equal(sayso_code_record(st, "R1", "k1", T0 + i),
				 SAYSO_OK);
	}
	assert_int_equal(
	    sayso_code_allowed(st, "R1", "k1", T0 + 10, 3, 30, &lim, &sent),
	    SAYSO_OK);
	assert_int_equal(lim, SAYSO_CODE_LIMIT_NUMBER);
	assert_int_equal(sent, 3);
	assert_int_equal(sayso_code_allowed(st, "R1", "k1",
					    T0 + 24LL * 3600 * 1000 + 10, 3, 30,
					    &lim, &sent),
			 SAYSO_OK);
	assert_int_equal(lim, SAYSO_CODE_OK);
	/* 4 an hour per kiosk: other residents are refused there, not on
	 * another kiosk, and an hour later it is open again. */
	assert_int_equal(sayso_code_record(st, "R2", "k1", T0 + 20), SAYSO_OK);
	assert_int_equal(
	    sayso_code_allowed(st, "R3", "k1", T0 + 30, 3, 4, &lim, NULL),
	    SAYSO_OK);
	assert_int_equal(lim, SAYSO_CODE_LIMIT_DEVICE);
	assert_int_equal(
	    sayso_code_allowed(st, "R3", "k2", T0 + 30, 3, 4, &lim, NULL),
	    SAYSO_OK);
	assert_int_equal(lim, SAYSO_CODE_OK);
	assert_int_equal(sayso_code_allowed(st, "R3", "k1",
					    T0 + 3600LL * 1000 + 30, 3, 4, &lim,
					    NULL),
			 SAYSO_OK);
	assert_int_equal(lim, SAYSO_CODE_OK);
	sayso_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_repeat_rule),
	    cmocka_unit_test(test_burst_rule),
	    cmocka_unit_test(test_figures_exclude_flagged),
	    cmocka_unit_test(test_code_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

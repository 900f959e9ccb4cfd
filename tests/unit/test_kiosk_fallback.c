/*
 * test_kiosk_fallback.c: the count a kiosk on a PostgreSQL site shows staff
 * while it saves on its enrolled file ("N records waiting to be merged"):
 * sayso_kiosk_unmerged() on the kiosk's file and sayso_kiosk_merged_seq()
 * on the site, before and after merges, with a rating changed twice
 * counted once; refused on a file that is not an enrolled kiosk's, and for
 * an enrolment the site never made.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "sayso/feedback.h"
#include "sayso/merge.h"
#include "sayso/store.h"

static void rate(struct sayso_store *k, int score, char *uid, size_t n)
{
	struct sayso_rating_in in;
	memset(&in, 0, sizeof in);
	in.score = score;
	in.channel = SAYSO_CH_KIOSK;
	in.repeat_seconds = -1;
	assert_int_equal(sayso_rating_add(k, &in, uid, n), SAYSO_OK);
}

static void merge(const char *site, const char *kiosk)
{
	struct sayso_store *st = tu_store_open(site, 0);
	struct sayso_merge_result m;
	if (sayso_merge_kiosk(st, kiosk, "admin:test", 0, &m) != SAYSO_OK)
		fail_msg("merge: %s", sayso_store_errmsg(st));
	sayso_store_close(st);
}

static int64_t merged_seq(const char *site, const char *enrolment)
{
	struct sayso_store *st = tu_store_open(site, 0);
	int64_t seq = -1;
	assert_int_equal(sayso_kiosk_merged_seq(st, enrolment, &seq), SAYSO_OK);
	sayso_store_close(st);
	return seq;
}

static void test_waiting_counts(void **state)
{
	(void)state;
	char dir[256], site[300], kiosk[300], uid[SAYSO_UID_LEN + 1];
	int64_t rows = -1, last = -1;
	tu_tmpdir(dir, sizeof dir);
	snprintf(site, sizeof site, "%s/site.db", dir);
	snprintf(kiosk, sizeof kiosk, "%s/kiosk.db", dir);
	struct sayso_store *st = tu_store_open(site, SAYSO_STORE_INIT);
	struct sayso_enrol_result er;
	assert_int_equal(sayso_kiosk_enrol(st, "hub-1", kiosk, "test", &er),
			 SAYSO_OK);
	/* The site's own file is no kiosk's: refused, with the reason. */
	assert_int_equal(sayso_kiosk_unmerged(st, 0, &rows, &last),
			 SAYSO_ERR_INVAL);
	assert_non_null(strstr(sayso_store_errmsg(st), "not an enrolled"));
	int64_t seq = -1;
	assert_int_equal(sayso_kiosk_merged_seq(st, "01NOSUCHENROLMENT", &seq),
			 SAYSO_ERR_NOTFOUND);
	assert_int_equal(seq, 0);
	sayso_store_close(st);
	assert_int_equal(merged_seq(site, er.enrolment), 0);

	struct sayso_store *k = tu_store_open(kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "hub-1", "kiosk"), SAYSO_OK);
	assert_int_equal(sayso_kiosk_unmerged(k, 0, &rows, &last), SAYSO_OK);
	assert_int_equal(rows, 0);
	assert_int_equal(last, 0);
	rate(k, 4, uid, sizeof uid);
	/* A follow-up changes the same rating: a second chain entry, still
	 * one record waiting. */
	assert_int_equal(sayso_rating_set_followup(k, uid, "best", "the park"),
			 SAYSO_OK);
	rate(k, 2, NULL, 0);
	assert_int_equal(sayso_kiosk_unmerged(k, 0, &rows, &last), SAYSO_OK);
	assert_int_equal(rows, 2);
	assert_int_equal(last, 3);
	sayso_store_close(k);

	merge(site, kiosk);
	seq = merged_seq(site, er.enrolment);
	assert_int_equal(seq, 3);
	k = tu_store_open(kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "hub-1", "kiosk"), SAYSO_OK);
	assert_int_equal(sayso_kiosk_unmerged(k, seq, &rows, &last), SAYSO_OK);
	assert_int_equal(rows, 0);
	assert_int_equal(last, 3);
	/* Saved after the merge: waiting, until the next one. */
	rate(k, 5, NULL, 0);
	assert_int_equal(sayso_kiosk_unmerged(k, seq, &rows, &last), SAYSO_OK);
	assert_int_equal(rows, 1);
	assert_int_equal(last, 4);
	sayso_store_close(k);
	merge(site, kiosk);
	assert_int_equal(merged_seq(site, er.enrolment), 4);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_waiting_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_merge_beside.c: a merge runs the kiosk file's integrity check in a
 * thread beside the chain check and the casts (merge.c, struct icheck).
 * Whatever the file, the outcome must be the one the check run first
 * gives: the same error and sentence (a damaged file's integrity error
 * first, whatever else failed), the same merge result, the same ballots
 * and held ballots on the site. Compared here on a clean file, on a few
 * hundred single-bit flips of it, and on a running kiosk's file (WAL
 * mode, which is always checked first).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/merge.h"
#include "sayso/round.h"
#include "sayso/store.h"

#define MIN_MS 60000LL

struct env {
	char dir[256], site[300], pristine[300], kiosk[300];
	int64_t base;
};

static void cast(struct sayso_store *k, int who, int first, size_t n,
		 int64_t at)
{
	sayso_time_set_override(at);
	char phone[32], rid[SAYSO_RESIDENT_ID_LEN + 1];
	snprintf(phone, sizeof phone, "+4477009003%02d", who);
	assert_int_equal(
	    sayso_store_resident(k, SAYSO_ID_PHONE, phone, rid, sizeof rid),
	    SAYSO_OK);
	struct sayso_pick picks[2] = {{first, 1}, {first % 3 + 1, 1}};
	struct sayso_ballot_in in;
	memset(&in, 0, sizeof in);
	in.round_code = "pb";
	in.resident_id = rid;
	in.channel = SAYSO_CH_KIOSK;
	in.picks = picks;
	in.npicks = n;
	struct sayso_cast_result res;
	assert_int_equal(sayso_ballot_cast(k, &in, &res), SAYSO_OK);
}

/* A site with an open round of three projects, its enrolled kiosk, and the
 * kiosk's day: twelve ballots, resident 2 twice, and pristine, the site
 * as it was before any merge. */
static void setup(struct env *v)
{
	tu_tmpdir(v->dir, sizeof v->dir);
	snprintf(v->site, sizeof v->site, "%s/site.db", v->dir);
	snprintf(v->pristine, sizeof v->pristine, "%s/pristine.db", v->dir);
	snprintf(v->kiosk, sizeof v->kiosk, "%s/kiosk.db", v->dir);
	assert_int_equal(sayso_time_parse("2026-11-20T09:00:00Z", &v->base),
			 SAYSO_OK);
	sayso_time_set_override(v->base);
	tu_merge_site(v->site, v->kiosk, 2);
	char from[320], to[320];
	tu_copy_file(v->site, v->pristine);
	snprintf(from, sizeof from, "%s.secret", v->site);
	snprintf(to, sizeof to, "%s.secret", v->pristine);
	tu_copy_file(from, to);
	snprintf(to, sizeof to, "%s/before.db", v->dir);
	tu_copy_file(v->kiosk, to);
	struct sayso_store *k = tu_store_open(v->kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "fun-1", "kiosk"), SAYSO_OK);
	for (int i = 1; i <= 12; i++)
		cast(k, i == 7 ? 2 : i, 1 + i % 3, 1 + (size_t)(i % 2),
		     v->base + i * MIN_MS);
	sayso_store_close(k);
}

/* The site's ballots and held ballots, in order. */
static char *dump(const char *site)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(site, &db), SQLITE_OK);
	sqlite3_stmt *q = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(
		db,
		"SELECT b.uid, b.status, b.reason, b.resident_id, b.cast_at, "
		"(SELECT group_concat(n, ' ') FROM (SELECT i.project_id || ':' "
		"|| i.points || ':' || i.rank AS n FROM ballot_items i WHERE "
		"i.ballot_id = b.id ORDER BY i.rank)) FROM ballots b UNION "
		"ALL SELECT h.uid, h.state, h.reason, h.resident_id, "
		"h.cast_at, h.picks FROM merge_held h ORDER BY 1",
		-1, &q, NULL),
	    SQLITE_OK);
	size_t cap = 1 << 15, used = 0;
	char *out = calloc(1, cap);
	assert_non_null(out);
	while (sqlite3_step(q) == SQLITE_ROW)
		for (int c = 0; c < 6; c++) {
			const char *t = (const char *)sqlite3_column_text(q, c);
			int w = snprintf(out + used, cap - used, "%s%s",
					 t ? t : "-", c == 5 ? "\n" : "|");
			assert_true(w > 0 && (size_t)w < cap - used);
			used += (size_t)w;
		}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return out;
}

/* What one merge of file into a fresh copy of the site gives. */
struct outcome {
	enum sayso_err e;
	char msg[SAYSO_ERRMSG_MAX];
	struct sayso_merge_result res;
	char *site;
};

static void merge_fresh(struct env *v, const char *file, bool beside,
			struct outcome *o)
{
	Sayso_merge_check_beside = beside ? 1 : -1;
	tu_copy_file(v->pristine, v->site);
	sayso_time_set_override(v->base + 120 * MIN_MS);
	struct sayso_store *st = tu_store_open(v->site, 0);
	memset(o, 0, sizeof *o);
	o->e = sayso_merge_kiosk(st, file, "admin:test", 0, &o->res);
	snprintf(o->msg, sizeof o->msg, "%s",
		 o->e == SAYSO_OK ? "" : sayso_store_errmsg(st));
	sayso_store_close(st);
	o->site = dump(v->site);
	Sayso_merge_check_beside = 0;
}

static void assert_same(const struct outcome *a, const struct outcome *b,
			const char *what)
{
	if (a->e != b->e || strcmp(a->msg, b->msg) != 0)
		fail_msg("%s: beside %d '%s', first %d '%s'", what, a->e,
			 a->msg, b->e, b->msg);
	if (memcmp(&a->res, &b->res, sizeof a->res) != 0)
		fail_msg("%s: the merge results differ", what);
	if (strcmp(a->site, b->site) != 0)
		fail_msg("%s: the sites differ:\n%s\nfirst:\n%s", what, a->site,
			 b->site);
}

static void test_clean_file_same(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	struct outcome a, b;
	merge_fresh(&v, v.kiosk, true, &a);
	merge_fresh(&v, v.kiosk, false, &b);
	assert_int_equal(a.e, SAYSO_OK);
	assert_int_equal(a.res.ballots, 12);
	assert_same(&a, &b, "clean file");
	free(a.site);
	free(b.site);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

static void test_bit_flips_same(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	size_t n;
	unsigned char *orig = (unsigned char *)tu_slurp(v.kiosk, &n);
	assert_non_null(orig);
	char flipped[320], before[320];
	snprintf(flipped, sizeof flipped, "%s/flipped.db", v.dir);
	snprintf(before, sizeof before, "%s/before.db", v.dir);
	size_t nb, nw = 0;
	unsigned char *pre = (unsigned char *)tu_slurp(before, &nb);
	size_t *written = calloc(n, sizeof *written);
	assert_non_null(pre);
	assert_non_null(written);
	for (size_t i = 0; i < n; i++)
		if (i >= nb || orig[i] != pre[i])
			written[nw++] = i;
	assert_true(nw > 100);
	srand(20261208);
	int damaged = 0, merged = 0, other = 0;
	for (int trial = 0; trial < 240; trial++) {
		/* A third anywhere, the rest on the bytes the day wrote. */
		size_t at = trial < 80 ? (size_t)rand() % n
				       : written[(size_t)rand() % nw];
		int bit = rand() % 8;
		tu_write_flipped(flipped, orig, n, at, bit);
		struct outcome a, b;
		merge_fresh(&v, flipped, true, &a);
		merge_fresh(&v, flipped, false, &b);
		char what[64];
		snprintf(what, sizeof what, "bit %d of byte %zu", bit, at);
		assert_same(&a, &b, what);
		if (a.e == SAYSO_OK)
			merged++;
		else if (strstr(a.msg, "(integrity check: "))
			damaged++;
		else
			other++;
		free(a.site);
		free(b.site);
	}
	print_message("bit flips: %d damaged, %d refused otherwise, %d merged; "
		      "the same with the check run first\n",
		      damaged, other, merged);
	assert_true(damaged > 0);
	free(orig);
	free(pre);
	free(written);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

/* A running kiosk's file is in WAL mode: its check runs first. */
static void test_wal_file_same(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	struct sayso_store *k = tu_store_open(v.kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "fun-1", "kiosk"), SAYSO_OK);
	cast(k, 20, 2, 1, v.base + 30 * MIN_MS);
	struct outcome a, b;
	merge_fresh(&v, v.kiosk, true, &a);
	merge_fresh(&v, v.kiosk, false, &b);
	sayso_store_close(k);
	assert_int_equal(a.e, SAYSO_OK);
	assert_int_equal(a.res.ballots, 13);
	assert_same(&a, &b, "WAL file");
	free(a.site);
	free(b.site);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean_file_same),
	    cmocka_unit_test(test_bit_flips_same),
	    cmocka_unit_test(test_wal_file_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_merge_same.c: what a merge records, ballot by ballot, for a kiosk
 * file holding every kind of ballot the merge tells apart: counted,
 * superseded by the same resident's later ballot, rejected for a changed
 * project, rejected for an erased resident, held for a cast time after
 * the merge. Each site ballot's (kiosk chain seq, status, reason,
 * resident, items) and each held ballot is compared with the record the
 * merge loop gave before it was restructured for speed (docs/tally.md
 * "Speed"); a re-merge changes nothing. Uids and resident ids are random
 * per run, so they are written as the ballot's seq in the kiosk's chain
 * and the resident's phone number index.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/erase.h"
#include "sayso/merge.h"
#include "sayso/round.h"
#include "sayso/store.h"

#define MIN_MS 60000LL
#define NPHONES 8

static const char *phone(int i)
{
	static char buf[32];
	snprintf(buf, sizeof buf, "+4477009002%02d", i);
	return buf;
}

static void rid_of(struct sayso_store *st, int i, char *rid, size_t n)
{
	assert_int_equal(
	    sayso_store_resident(st, SAYSO_ID_PHONE, phone(i), rid, n),
	    SAYSO_OK);
}

static void cast(struct sayso_store *k, int who, const int *projects, size_t n,
		 int64_t at)
{
	sayso_time_set_override(at);
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	rid_of(k, who, rid, sizeof rid);
	struct sayso_pick picks[4];
	for (size_t i = 0; i < n; i++) {
		picks[i].number = projects[i];
		picks[i].points = 1;
	}
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

static void setup_site(const char *site, const char *kiosk, int64_t base)
{
	sayso_time_set_override(base);
	tu_merge_site(site, kiosk, 2);
}

/* The kiosk's day: residents 1-6, resident 2 twice. */
static void kiosk_day(const char *kiosk, int64_t base)
{
	struct sayso_store *k = tu_store_open(kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "fun-1", "kiosk"), SAYSO_OK);
	static const int one[] = {1}, two[] = {2}, three[] = {3},
			 onetwo[] = {1, 2}, twothree[] = {2, 3};
	cast(k, 1, one, 1, base + 1 * MIN_MS);
	cast(k, 2, onetwo, 2, base + 2 * MIN_MS);
	cast(k, 3, two, 1, base + 3 * MIN_MS);
	cast(k, 4, three, 1, base + 4 * MIN_MS); /* Benches, renamed */
	cast(k, 5, twothree, 2, base + 5 * MIN_MS);
	cast(k, 2, two, 1, base + 6 * MIN_MS); /* supersedes the first */
	cast(k, 6, one, 1, base + 7 * MIN_MS);
	sayso_store_close(k);
}

/* Later, with its clock ahead of the merge time: held. */
static void kiosk_late(const char *kiosk, int64_t base)
{
	struct sayso_store *k = tu_store_open(kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "fun-1", "kiosk"), SAYSO_OK);
	static const int two[] = {2};
	cast(k, 7, two, 1, base + 500 * MIN_MS);
	sayso_store_close(k);
}

/* The site's ballots and held ballots, uids as kiosk seqs, residents as
 * phone indexes. Read through the store on either engine (the kiosk's
 * chain from its file, the rows from the site), ordered by seq, then
 * kind. */
struct row {
	long seq;
	char kind;
	char text[600];
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

#define MAX_UIDS 64
static char uids[MAX_UIDS][64];
static long seqs[MAX_UIDS];
static size_t nuids;

static long seq_of(const char *uid)
{
	for (size_t i = 0; i < nuids; i++)
		if (strcmp(uids[i], uid) == 0)
			return seqs[i];
	fail_msg("uid %s is not in the kiosk's chain", uid);
	return -1;
}

/* Columns 2..6 of a row (status, reason, resident, cast_at, picks). */
static void row_text(struct row *r, struct sayso_stmt *q,
		     char rids[][SAYSO_RESIDENT_ID_LEN + 1], const char *picks)
{
	size_t used = 0;
	for (int c = 2; c <= 6; c++) {
		const char *t =
		    c == 6 ? picks : (const char *)Sayso_col_text(q, c);
		char who[8];
		for (int i = 1; c == 4 && t && i < NPHONES; i++)
			if (strcmp(t, rids[i]) == 0) {
				snprintf(who, sizeof who, "r%d", i);
				t = who;
			}
		int w = snprintf(r->text + used, sizeof r->text - used, "|%s",
				 t ? t : "-");
		assert_true(w > 0 && (size_t)w < sizeof r->text - used);
		used += (size_t)w;
	}
}

/* A ballot's items as "number:points ..." by rank, NULL for none. */
static const char *items_of(struct sayso_stmt *it, int64_t ballot, char *buf,
			    size_t bufsz)
{
	size_t used = 0;
	Sayso_reset(it);
	Sayso_bind_int64(it, 1, ballot);
	while (Sayso_step(it) == SAYSO_SQL_ROW) {
		int w = snprintf(buf + used, bufsz - used, "%s%d:%d",
				 used ? " " : "", Sayso_col_int(it, 0),
				 Sayso_col_int(it, 1));
		assert_true(w > 0 && (size_t)w < bufsz - used);
		used += (size_t)w;
	}
	return used ? buf : NULL;
}

static char *dump(const char *site, const char *kiosk)
{
	char rids[NPHONES][SAYSO_RESIDENT_ID_LEN + 1];
	struct sayso_store *k = tu_store_open(kiosk, 0);
	for (int i = 1; i < NPHONES; i++)
		rid_of(k, i, rids[i], sizeof rids[i]);
	struct sayso_stmt *q = NULL;
	assert_int_equal(Sayso_stmt_prepare(k,
					    "SELECT uid, max(seq) FROM devlog "
					    "GROUP BY uid",
					    &q),
			 SAYSO_OK);
	for (nuids = 0; Sayso_step(q) == SAYSO_SQL_ROW; nuids++) {
		assert_true(nuids < MAX_UIDS);
		snprintf(uids[nuids], sizeof uids[nuids], "%s",
			 (const char *)Sayso_col_text(q, 0));
		seqs[nuids] = (long)Sayso_col_int64(q, 1);
	}
	Sayso_stmt_finalize(q);
	sayso_store_close(k);

	struct sayso_store *st = tu_store_open(site, 0);
	struct row rows[64];
	size_t n = 0;
	struct sayso_stmt *it = NULL;
	assert_int_equal(
	    Sayso_stmt_prepare(st,
			       "SELECT p.number, i.points FROM ballot_items i "
			       "JOIN projects p ON p.id = i.project_id WHERE "
			       "i.ballot_id = ?1 ORDER BY i.rank, p.number",
			       &it),
	    SAYSO_OK);
	assert_int_equal(
	    Sayso_stmt_prepare(st,
			       "SELECT id, uid, status, reason, resident_id, "
			       "cast_at FROM ballots",
			       &q),
	    SAYSO_OK);
	while (Sayso_step(q) == SAYSO_SQL_ROW) {
		assert_true(n < 64);
		char items[256];
		rows[n].seq = seq_of((const char *)Sayso_col_text(q, 1));
		rows[n].kind = 'b';
		row_text(
		    &rows[n], q, rids,
		    items_of(it, Sayso_col_int64(q, 0), items, sizeof items));
		n++;
	}
	Sayso_stmt_finalize(q);
	Sayso_stmt_finalize(it);
	assert_int_equal(Sayso_stmt_prepare(st,
					    "SELECT 0, uid, state, reason, "
					    "resident_id, cast_at, picks FROM "
					    "merge_held",
					    &q),
			 SAYSO_OK);
	while (Sayso_step(q) == SAYSO_SQL_ROW) {
		assert_true(n < 64);
		rows[n].seq = seq_of((const char *)Sayso_col_text(q, 1));
		rows[n].kind = 'h';
		row_text(&rows[n], q, rids, (const char *)Sayso_col_text(q, 6));
		n++;
	}
	Sayso_stmt_finalize(q);
	sayso_store_close(st);

	qsort(rows, n, sizeof rows[0], row_cmp);
	size_t cap = 1 << 14, used = 0;
	char *out = calloc(1, cap);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(out + used, cap - used, "%ld|%c%s\n",
				 rows[i].seq, rows[i].kind, rows[i].text);
		assert_true(w > 0 && (size_t)w < cap - used);
		used += (size_t)w;
	}
	return out;
}

/* Recorded from the merge loop before the one-scan change. */
static const char want[] =
    "1|b|counted|-|r1|2026-11-20T09:01:00.000Z|1:1\n"
    "2|b|counted|-|r2|2026-11-20T09:02:00.000Z|1:1 2:1\n"
    "3|b|counted|-|r3|2026-11-20T09:03:00.000Z|2:1\n"
    "4|b|rejected|project list changed: the kiosk showed #3 'Benches' "
    "(£3,000), here it is #3 'Park benches' "
    "(£3,000)|r4|2026-11-20T09:04:00.000Z|3:1\n"
    "5|b|rejected|project list changed: the kiosk showed #3 'Benches' "
    "(£3,000), here it is #3 'Park benches' "
    "(£3,000)|r5|2026-11-20T09:05:00.000Z|2:1 3:1\n"
    "6|b|superseded|already voted on 20 Nov 2026, 09:02 by "
    "kiosk|r2|2026-11-20T09:06:00.000Z|2:1\n"
    "7|b|rejected|the resident was erased here before this "
    "merge|-|2026-11-20T09:07:00.000Z|1:1\n"
    "8|h|held|kiosk fun-1's clock: its clock said 2026-11-20T17:20:00.000Z at "
    "row 8, outside 2026-11-20T08:00:00.000Z .. 2026-11-20T12:00:00.000Z "
    "(enrolment to this merge)|r7|2026-11-20T17:20:00.000Z|2:1\n";

static void test_merge_records_same(void **state)
{
	(void)state;
	char dir[256], site[768], secret[300], kiosk[300];
	tu_tmpdir(dir, sizeof dir);
	/* The site may be PostgreSQL; the kiosk's file is always SQLite. */
	tu_site(dir, "site.db", site, sizeof site, secret, sizeof secret);
	snprintf(kiosk, sizeof kiosk, "%s/kiosk.db", dir);
	int64_t base = 0;
	assert_int_equal(sayso_time_parse("2026-11-20T09:00:00Z", &base),
			 SAYSO_OK);
	setup_site(site, kiosk, base);
	kiosk_day(kiosk, base);
	/* On the site: Benches renamed, resident 6 voted by SMS then was
	 * erased. */
	sayso_time_set_override(base + 30 * MIN_MS);
	struct sayso_store *st = tu_store_open(site, 0);
	assert_int_equal(Sayso_store_exec(st,
					  "UPDATE projects SET title = 'Park "
					  "benches' WHERE number = 3",
					  "test SQL"),
			 SQLITE_OK);
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	rid_of(st, 6, rid, sizeof rid);
	struct sayso_erase_result er;
	assert_int_equal(sayso_erase_resident(st, rid, "admin:test", &er),
			 SAYSO_OK);
	sayso_store_close(st);
	char *first = NULL;
	for (int pass = 0; pass < 4; pass++) {
		if (pass == 2)
			kiosk_late(kiosk, base);
		sayso_time_set_override(base + 120 * MIN_MS);
		st = tu_store_open(site, 0);
		struct sayso_merge_result m;
		enum sayso_err e =
		    sayso_merge_kiosk(st, kiosk, "admin:test", 0, &m);
		if (e != SAYSO_OK)
			fail_msg("merge: %s", sayso_store_errmsg(st));
		sayso_store_close(st);
		char *got = dump(site, kiosk);
		/* A re-merge changes nothing. */
		if (pass % 2 == 1)
			assert_string_equal(got, first);
		free(first);
		first = got;
	}
	if (strcmp(first, want) != 0)
		fail_msg("got\n%s\nwant\n%s", first, want);
	free(first);
	sayso_time_set_override(0);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge_records_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

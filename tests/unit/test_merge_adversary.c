/*
 * test_merge_adversary.c: the adversarial merge suite (issue 10).
 *
 * A site enrols kiosk "fun-1", which records five ballots, a rating and a
 * report. Then someone with the kiosk's file and sqlite3 (but not the
 * kiosk program's key) tries what a determined adversary would: forged
 * rows, altered rows, deleted rows, single-bit flips, a copy without its
 * WAL, a kiosk clock in 2000 and 2030 or running backwards, ballots after
 * close, a changed project list, an erased resident in an old copy. Each is
 * refused (nothing written) or its ballots held or rejected with the
 * reason; none is counted. The clean merge, a kiosk restart, re-merges and
 * older copies keep working.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/codes.h"
#include "sayso/erase.h"
#include "sayso/feedback.h"
#include "sayso/merge.h"
#include "sayso/round.h"
#include "sayso/store.h"
#include "sayso/walkabout.h"

#define MIN_MS 60000LL

struct env {
	char dir[256], site[768], secret[300], kiosk[300];
	int64_t base; /* enrolment time */
};

static void cast(struct sayso_store *k, const char *phone, int project,
		 int64_t at)
{
	sayso_time_set_override(at);
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	assert_int_equal(
	    sayso_store_resident(k, SAYSO_ID_PHONE, phone, rid, sizeof rid),
	    SAYSO_OK);
	struct sayso_pick pick = {project, 1};
	struct sayso_ballot_in in;
	memset(&in, 0, sizeof in);
	in.round_code = "pb";
	in.resident_id = rid;
	in.channel = SAYSO_CH_KIOSK;
	in.picks = &pick;
	in.npicks = 1;
	struct sayso_cast_result res;
	assert_int_equal(sayso_ballot_cast(k, &in, &res), SAYSO_OK);
}

static const char *phone(int i)
{
	static char buf[32];
	snprintf(buf, sizeof buf, "+4477009001%02d", i);
	return buf;
}

/* The site with round pb (Play area #1, CCTV #2, Benches #3) open, and
 * kiosk fun-1 enrolled. */
static void setup_site(struct env *v)
{
	tu_tmpdir(v->dir, sizeof v->dir);
	tu_site(v->dir, "site.db", v->site, sizeof v->site, v->secret,
		sizeof v->secret);
	snprintf(v->kiosk, sizeof v->kiosk, "%s/kiosk.db", v->dir);
	assert_int_equal(sayso_time_parse("2026-11-20T09:00:00Z", &v->base),
			 SAYSO_OK);
	sayso_time_set_override(v->base);
	tu_merge_site(v->site, v->kiosk, 0);
}

/* Five ballots for project 1 (residents 1-5), a rating and a report. */
static void kiosk_day(struct env *v)
{
	struct sayso_store *k = tu_store_open(v->kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "fun-1", "kiosk"), SAYSO_OK);
	for (int i = 1; i <= 5; i++)
		cast(k, phone(i), 1, v->base + i * MIN_MS);
	struct sayso_rating_in ri;
	memset(&ri, 0, sizeof ri);
	ri.score = 4;
	ri.channel = SAYSO_CH_KIOSK;
	assert_int_equal(sayso_rating_add(k, &ri, NULL, 0), SAYSO_OK);
	struct sayso_report_in rp;
	memset(&rp, 0, sizeof rp);
	rp.category = "litter";
	rp.street = "Byron Street";
	rp.channel = SAYSO_CH_KIOSK;
	char ref[SAYSO_REF_LEN + 1];
	assert_int_equal(sayso_report_add(k, &rp, ref, sizeof ref), SAYSO_OK);
	sayso_store_close(k);
}

static void setup(struct env *v)
{
	setup_site(v);
	kiosk_day(v);
}

/* Merges the kiosk file path into the site at base + 2 h. */
static enum sayso_err merge(struct env *v, const char *path,
			    struct sayso_merge_result *m, char *why,
			    size_t whysz)
{
	sayso_time_set_override(v->base + 120 * MIN_MS);
	struct sayso_store *st = tu_store_open(v->site, 0);
	enum sayso_err e = sayso_merge_kiosk(st, path, "admin:test", 0, m);
	if (why)
		snprintf(why, whysz, "%s", sayso_store_errmsg(st));
	sayso_store_close(st);
	return e;
}

static int64_t site_count(struct env *v, const char *sql)
{
	struct sayso_store *st = tu_store_open(v->site, 0);
	int64_t n = tu_count(st, sql);
	sayso_store_close(st);
	return n;
}

/* Refused, with nothing written: no ballot, rating, report or merge. */
static void assert_nothing_merged(struct env *v)
{
	assert_int_equal(site_count(v, "SELECT count(*) FROM ballots"), 0);
	assert_int_equal(site_count(v, "SELECT count(*) FROM ratings"), 0);
	assert_int_equal(site_count(v, "SELECT count(*) FROM reports"), 0);
	assert_int_equal(site_count(v, "SELECT count(*) FROM merge_held"), 0);
	assert_int_equal(site_count(v, "SELECT count(*) FROM merges"), 0);
}

static void expect_refused(struct env *v, enum sayso_err want,
			   const char *needle)
{
	struct sayso_merge_result m;
	char why[SAYSO_ERRMSG_MAX];
	enum sayso_err e = merge(v, v->kiosk, &m, why, sizeof why);
	if (e != want || !strstr(why, needle))
		fail_msg("expected error %d with '%s', got %d: %s", want,
			 needle, e, why);
	assert_nothing_merged(v);
}

static void test_clean_merge_restart_idempotent(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	struct sayso_merge_result m;
	char why[SAYSO_ERRMSG_MAX];
	/* A copy now: an older copy later. */
	char old[320];
	snprintf(old, sizeof old, "%s/old.db", v.dir);
	tu_copy_file(v.kiosk, old);
	/* The kiosk restarts and carries on: its chain continues. */
	struct sayso_store *k = tu_store_open(v.kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "fun-1", "kiosk"), SAYSO_OK);
	cast(k, phone(6), 2, v.base + 30 * MIN_MS);
	sayso_store_close(k);

	assert_int_equal(merge(&v, old, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.ballots, 5);
	assert_int_equal(m.chain, 7);
	assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.ballots, 1);
	assert_int_equal(m.known, 7);
	assert_int_equal(m.chain, 8);
	assert_string_equal(m.device_id, "fun-1");
	assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots WHERE "
					"status = 'counted' AND device_id = "
					"'fun-1'"),
			 6);
	/* Again, and the older copy again: nothing changes. */
	assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.ballots + m.ratings + m.reports + m.held, 0);
	assert_int_equal(merge(&v, old, &m, why, sizeof why), SAYSO_OK);
	assert_true(m.older_copy);
	assert_int_equal(m.ballots + m.ratings + m.reports + m.held, 0);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots"), 6);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM merges"), 2);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

static void test_forged_rows(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	/* 1,000 ballots and 500 ratings inserted with sqlite3. */
	tu_sql_file(
	    v.kiosk,
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
	    "WHERE i < 1000) INSERT INTO ballots(uid, round_id, resident_id, "
	    "channel, device_id, cast_at, status) SELECT printf('FAKE%022d', "
	    "i), 1, printf('%064x', i), 'kiosk', 'fun-1', "
	    "'2026-11-20T09:30:00.000Z', 'counted' FROM n;"
	    "INSERT INTO ballot_items(ballot_id, project_id) SELECT id, 2 "
	    "FROM ballots WHERE uid LIKE 'FAKE%';"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
	    "WHERE i < 500) INSERT INTO ratings(uid, score, channel, "
	    "device_id, cast_at) SELECT printf('FAKER%021d', i), 1, 'kiosk', "
	    "'fun-1', '2026-11-20T09:30:00.000Z' FROM n;");
	expect_refused(&v, SAYSO_ERR_AUTH,
		       "has no chain entry: inserted outside the kiosk "
		       "program");
	expect_refused(&v, SAYSO_ERR_AUTH, "and 1496 more");
	tu_rmtree(v.dir);

	/* A forged chain entry too, with a made-up MAC. */
	setup(&v);
	tu_sql_file(
	    v.kiosk,
	    "INSERT INTO ballots(uid, round_id, resident_id, channel, "
	    "device_id, cast_at, status) VALUES('FAKE0000000000000000000001', "
	    "1, NULL, 'kiosk', 'fun-1', '2026-11-20T09:30:00.000Z', "
	    "'counted');"
	    "INSERT INTO devlog(seq, kind, uid, at, digest, mac) SELECT "
	    "max(seq) + 1, 'ballot', 'FAKE0000000000000000000001', "
	    "'2026-11-20T09:30:00.000Z', randomblob(32), randomblob(32) FROM "
	    "devlog;");
	expect_refused(&v, SAYSO_ERR_AUTH, "does not verify");
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

static void test_altered_rows(void **state)
{
	(void)state;
	static const char *const edits[] = {
	    /* the votes move to another project */
	    "UPDATE ballot_items SET project_id = 2",
	    /* a ballot's time, to win "first vote" */
	    ("UPDATE ballots SET cast_at = '2026-11-20T08:59:00.000Z' "
	     "WHERE id = 3"),
	    /* a resident id made up */
	    "UPDATE ballots SET resident_id = 'x' WHERE id = 2",
	    /* the kiosk's own project list, to remap numbers */
	    "UPDATE projects SET title = 'CCTV' WHERE number = 1",
	    /* a rating's score */
	    "UPDATE ratings SET score = 1",
	    /* the chain itself, to match a change */
	    "UPDATE devlog SET at = '2026-11-20T09:01:30.000Z' WHERE seq = 1",
	};
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		struct env v;
		setup(&v);
		tu_sql_file(v.kiosk, edits[i]);
		struct sayso_merge_result m;
		char why[SAYSO_ERRMSG_MAX];
		enum sayso_err e = merge(&v, v.kiosk, &m, why, sizeof why);
		if (e != SAYSO_ERR_AUTH ||
		    (!strstr(why, "altered outside the kiosk program") &&
		     !strstr(why, "does not verify")))
			fail_msg("%s: got %d: %s", edits[i], e, why);
		assert_nothing_merged(&v);
		tu_rmtree(v.dir);
	}
	sayso_time_set_override(0);
}

static void test_deleted_rows(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	tu_sql_file(v.kiosk, "DELETE FROM ballots WHERE id = 2");
	expect_refused(&v, SAYSO_ERR_AUTH, "is missing: removed outside");
	tu_rmtree(v.dir);

	/* The row and its chain entry: a gap. */
	setup(&v);
	tu_sql_file(v.kiosk,
		    "DELETE FROM ballots WHERE id = 2; DELETE FROM devlog "
		    "WHERE seq = 2");
	expect_refused(&v, SAYSO_ERR_AUTH, "chain entries 2 to 2 are missing");
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

/* What a merge left in the site, as text, for comparing two merges. */
static char *site_dump(const char *site)
{
	struct sayso_store *st = tu_store_open(site, 0);
	struct sayso_stmt *q = NULL;
	assert_int_equal(
	    Sayso_stmt_prepare(
		st,
		"SELECT 'b', b.uid, b.resident_id, b.cast_at, b.status, "
		"group_concat(p.number || ':' || i.points) FROM ballots b "
		"LEFT JOIN ballot_items i ON i.ballot_id = b.id LEFT JOIN "
		"projects p ON p.id = i.project_id GROUP BY b.id UNION ALL "
		"SELECT 'r', uid, resident_id, cast_at, score, question FROM "
		"ratings UNION ALL SELECT 'p', uid, ref, cast_at, category, "
		"street FROM reports UNION ALL SELECT 'h', uid, device_id, "
		"cast_at, picks, state FROM merge_held ORDER BY 1, 2",
		&q),
	    SAYSO_OK);
	size_t cap = 1 << 16, used = 0;
	char *out = calloc(1, cap);
	assert_non_null(out);
	while (Sayso_step(q) == SAYSO_SQL_ROW)
		for (int c = 0; c < 6; c++) {
			const char *t = (const char *)Sayso_col_text(q, c);
			int w = snprintf(out + used, cap - used, "%s%c",
					 t ? t : "-", c == 5 ? '\n' : '|');
			assert_true(w > 0 && (size_t)w < cap - used);
			used += (size_t)w;
		}
	Sayso_stmt_finalize(q);
	sayso_store_close(st);
	return out;
}

/* Many random single-bit flips of the kiosk file: none is merged with data
 * that differs from the clean merge. Half land anywhere in the file (most
 * of it is empty page space), half on the bytes the kiosk's day wrote. */
static void test_bit_flips(void **state)
{
	(void)state;
	/* SQLite only: each of the 600 trials merges into a fresh copy of the
	 * site made by copying its file (the flips themselves are in the
	 * kiosk's file, which is SQLite on every site). */
	if (tu_pg())
		skip();
	struct env v;
	setup_site(&v);
	char before[320];
	snprintf(before, sizeof before, "%s/before.db", v.dir);
	tu_copy_file(v.kiosk, before);
	kiosk_day(&v);
	char clean_site[320], s1[340], s2[340], flipped[320];
	snprintf(clean_site, sizeof clean_site, "%s/clean.db", v.dir);
	snprintf(flipped, sizeof flipped, "%s/flipped.db", v.dir);
	/* Pristine copies of the site, to merge into afresh each time. */
	char pristine[320];
	snprintf(pristine, sizeof pristine, "%s/pristine.db", v.dir);
	tu_copy_file(v.site, pristine);
	snprintf(s1, sizeof s1, "%s.secret", v.site);
	snprintf(s2, sizeof s2, "%s.secret", pristine);
	tu_copy_file(s1, s2);
	struct sayso_merge_result m;
	char why[SAYSO_ERRMSG_MAX];
	assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why), SAYSO_OK);
	char *clean = site_dump(v.site);
	assert_non_null(strstr(clean, "counted"));

	size_t n, nb;
	unsigned char *orig = (unsigned char *)tu_slurp(v.kiosk, &n);
	unsigned char *pre = (unsigned char *)tu_slurp(before, &nb);
	assert_non_null(orig);
	assert_non_null(pre);
	size_t *written = calloc(n, sizeof *written), nw = 0;
	assert_non_null(written);
	for (size_t i = 0; i < n; i++)
		if (i >= nb || orig[i] != pre[i])
			written[nw++] = i;
	assert_true(nw > 100);
	srand(20261120);
	int merged = 0, refused = 0, wmerged = 0;
	for (int trial = 0; trial < 600; trial++) {
		size_t at = trial < 300 ? (size_t)rand() % n
					: written[(size_t)rand() % nw];
		int bit = rand() % 8;
		tu_write_flipped(flipped, orig, n, at, bit);
		tu_copy_file(pristine, v.site);
		enum sayso_err e = merge(&v, flipped, &m, why, sizeof why);
		if (e != SAYSO_OK) {
			refused++;
			assert_int_equal(
			    site_count(&v, "SELECT count(*) FROM ballots"), 0);
			continue;
		}
		merged++;
		wmerged += trial >= 300;
		char *got = site_dump(v.site);
		if (strcmp(got, clean) != 0)
			fail_msg("bit %d of byte %zu: merged with different "
				 "data:\n%s\nclean:\n%s",
				 bit, at, got, clean);
		free(got);
	}
	print_message("bit flips: %d refused, %d merged identical to the "
		      "clean merge (%d of 300 on the %zu bytes the day "
		      "wrote)\n",
		      refused, merged, wmerged, nw);
	assert_true(refused > 0);
	free(orig);
	free(pre);
	free(written);
	free(clean);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

static void test_missing_wal(void **state)
{
	(void)state;
	struct env v;
	setup_site(&v);
	/* The kiosk is running (WAL) when its file is copied with cp. */
	struct sayso_store *k = tu_store_open(v.kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "fun-1", "kiosk"), SAYSO_OK);
	for (int i = 1; i <= 3; i++)
		cast(k, phone(i), 1, v.base + i * MIN_MS);
	char cp[320], bk[320];
	snprintf(cp, sizeof cp, "%s/cp.db", v.dir);
	snprintf(bk, sizeof bk, "%s/backup.db", v.dir);
	tu_copy_file(v.kiosk, cp);
	assert_int_equal(sayso_store_backup(k, bk), SAYSO_OK);
	struct sayso_merge_result m;
	char why[SAYSO_ERRMSG_MAX];
	assert_int_equal(merge(&v, cp, &m, why, sizeof why), SAYSO_ERR_CORRUPT);
	assert_non_null(strstr(why, "copy with `sayso-admin backup`, not cp"));
	assert_nothing_merged(&v);
	/* The backup is one whole file and merges. */
	assert_int_equal(merge(&v, bk, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.ballots, 3);
	sayso_store_close(k);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

/* A kiosk clock in 2000, in 2030, or running backwards: its ballots are
 * held with the reason, not counted, until an organiser decides. */
static void test_kiosk_clock(void **state)
{
	(void)state;
	const char *when[] = {"2000-01-01T10:00:00Z", "2030-06-01T10:00:00Z",
			      NULL};
	for (int c = 0; c < 3; c++) {
		struct env v;
		setup_site(&v);
		struct sayso_store *k = tu_store_open(v.kiosk, 0);
		assert_int_equal(sayso_store_set_device(k, "fun-1", "kiosk"),
				 SAYSO_OK);
		int64_t t = 0;
		if (when[c])
			assert_int_equal(sayso_time_parse(when[c], &t),
					 SAYSO_OK);
		for (int i = 1; i <= 3; i++) {
			/* backwards: 30, 20, 10 minutes after enrolment */
			int64_t at = when[c] ? t + i * MIN_MS
					     : v.base + (40 - 10 * i) * MIN_MS;
			cast(k, phone(i), 1, at);
		}
		sayso_store_close(k);
		struct sayso_merge_result m;
		char why[SAYSO_ERRMSG_MAX];
		assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why),
				 SAYSO_OK);
		assert_int_equal(m.held, 3);
		assert_int_equal(m.ballots, 0);
		assert_non_null(
		    strstr(m.hold_why, when[c] ? "outside" : "went back"));
		assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots"),
				 0);
		assert_int_equal(
		    site_count(&v, "SELECT count(*) FROM merge_held WHERE "
				   "state = 'held' AND reason LIKE "
				   "'kiosk fun-1''s clock: %'"),
		    3);
		/* Merging again holds nothing twice. */
		assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why),
				 SAYSO_OK);
		assert_int_equal(m.held, 0);
		assert_int_equal(m.known, 3);
		/* The organiser rejects one and accepts the rest: they are
		 * cast at the merge time, through the ballot rules. */
		struct sayso_store *st = tu_store_open(v.site, 0);
		size_t n = 0;
		assert_int_equal(sayso_merge_held_decide(st, 1, NULL, false,
							 "clock", "admin:t",
							 &n),
				 SAYSO_OK);
		assert_int_equal(n, 1);
		assert_int_equal(sayso_merge_held_decide(st, 1, NULL, true,
							 NULL, "admin:t", &n),
				 SAYSO_ERR_STATE);
		assert_int_equal(sayso_merge_held_decide(st, 0, "fun-1", true,
							 NULL, "admin:t", &n),
				 SAYSO_OK);
		assert_int_equal(n, 2);
		assert_int_equal(tu_count(st,
					  "SELECT count(*) FROM ballots WHERE "
					  "status = 'counted' AND cast_at = "
					  "'2026-11-20T11:00:00.000Z'"),
				 2);
		assert_int_equal(tu_count(st,
					  "SELECT count(*) FROM ballots WHERE "
					  "status = 'rejected' AND reason "
					  "LIKE 'held (%'"),
				 1);
		sayso_store_close(st);
		tu_rmtree(v.dir);
	}
	sayso_time_set_override(0);
}

/* Ballots cast after the round's close time are rejected with the reason;
 * after `round close`, a merge never changes the closed result. */
static void test_after_close(void **state)
{
	(void)state;
	struct env v;
	setup_site(&v);
	struct sayso_store *st = tu_store_open(v.site, 0);
	assert_int_equal(Sayso_store_exec(st,
					  "UPDATE rounds SET closes = "
					  "'2026-11-20T09:30:00.000Z'",
					  "test SQL"),
			 SAYSO_OK);
	sayso_store_close(st);
	struct sayso_store *k = tu_store_open(v.kiosk, 0);
	cast(k, phone(1), 1, v.base + 10 * MIN_MS);
	cast(k, phone(2), 1, v.base + 40 * MIN_MS); /* after closes */
	sayso_store_close(k);
	struct sayso_merge_result m;
	char why[SAYSO_ERRMSG_MAX];
	assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.ballots, 2);
	assert_int_equal(m.rejected, 1);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots WHERE "
					"status = 'rejected' AND reason = "
					"'voting has closed' AND cast_at > "
					"'2026-11-20T09:30'"),
			 1);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots WHERE "
					"status = 'counted'"),
			 1);
	tu_rmtree(v.dir);

	/* round close, then a kiosk's ballots arrive: none counts. */
	setup(&v);
	st = tu_store_open(v.site, 0);
	assert_int_equal(
	    sayso_round_set_state(st, "pb", SAYSO_ROUND_CLOSED, "test"),
	    SAYSO_OK);
	sayso_store_close(st);
	assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.rejected, 5);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots WHERE "
					"status = 'counted'"),
			 0);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

/* The site's project list changed after enrolment: a ballot for "Play
 * area" never becomes a vote for whatever has its number now. */
static void test_changed_project_list(void **state)
{
	(void)state;
	static const char *const changes[] = {
	    /* renamed in place */
	    "UPDATE projects SET title = 'CCTV 2' WHERE number = 1",
	    /* its cost changed */
	    "UPDATE projects SET cost = 1 WHERE number = 1",
	    /* removed, and another project given its number */
	    ("DELETE FROM projects WHERE number = 1; "
	     "UPDATE projects SET number = 1 WHERE number = 2"),
	};
	for (size_t c = 0; c < 3; c++) {
		struct env v;
		setup(&v);
		struct sayso_store *st = tu_store_open(v.site, 0);
		assert_int_equal(Sayso_store_exec(st, changes[c], "test SQL"),
				 SAYSO_OK);
		sayso_store_close(st);
		struct sayso_merge_result m;
		char why[SAYSO_ERRMSG_MAX];
		assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why),
				 SAYSO_OK);
		assert_int_equal(m.rejected, 5);
		assert_int_equal(
		    site_count(&v, "SELECT count(*) FROM ballots WHERE status "
				   "= 'rejected' AND reason LIKE 'project list "
				   "changed: the kiosk showed #1 ''Play "
				   "area''%'"),
		    5);
		assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots "
						"WHERE status = 'counted'"),
				 0);
		tu_rmtree(v.dir);
	}
	sayso_time_set_override(0);
}

/* Erase a resident, then merge a kiosk file holding their ballot: the link
 * does not come back and one person never has two counted ballots. */
static void test_erased_resident_old_copy(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	struct sayso_store *st = tu_store_open(v.site, 0);
	/* Resident 1 also voted by SMS (first here), then asked to be
	 * erased. */
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	cast(st, phone(1), 2, v.base + 30 * MIN_MS);
	assert_int_equal(
	    sayso_store_resident(st, SAYSO_ID_PHONE, phone(1), rid, sizeof rid),
	    SAYSO_OK);
	struct sayso_erase_result er;
	assert_int_equal(sayso_erase_resident(st, rid, "admin:test", &er),
			 SAYSO_OK);
	sayso_store_close(st);
	struct sayso_merge_result m;
	char why[SAYSO_ERRMSG_MAX];
	assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.rejected, 1);
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM ballots WHERE resident_id = '%s'", rid);
	assert_int_equal(site_count(&v, sql), 0);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM residents WHERE id = '%s'", rid);
	assert_int_equal(site_count(&v, sql), 0);
	assert_int_equal(
	    site_count(&v, "SELECT count(*) FROM ballots WHERE status = "
			   "'rejected' AND resident_id IS NULL AND reason = "
			   "'the resident was erased here before this merge'"),
	    1);
	/* The SMS ballot (pseudonymous) and residents 2-5: five counted. */
	assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots WHERE "
					"status = 'counted'"),
			 5);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

/* The file claims things about itself: none is believed. */
static void test_file_claims(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	tu_sql_file(v.kiosk,
		    "UPDATE meta SET value = 'fun-2' WHERE key = 'device_id'");
	expect_refused(&v, SAYSO_ERR_AUTH, "was made for 'fun-1'");
	tu_rmtree(v.dir);

	setup(&v);
	tu_sql_file(v.kiosk,
		    "UPDATE meta SET value = '01M0000000000000000000000' "
		    "WHERE key = 'kiosk_enrolment'");
	expect_refused(&v, SAYSO_ERR_AUTH, "which this database never made");
	tu_rmtree(v.dir);

	/* The old flow: a backup of the site with its secret (a file; a
	 * PostgreSQL site is backed up with pg_dump, which makes none). */
	setup(&v);
	if (!tu_pg()) {
		struct sayso_store *st = tu_store_open(v.site, 0);
		char bk[320];
		snprintf(bk, sizeof bk, "%s/backup.db", v.dir);
		assert_int_equal(sayso_store_backup(st, bk), SAYSO_OK);
		sayso_store_close(st);
		struct sayso_merge_result m;
		char why[SAYSO_ERRMSG_MAX];
		assert_int_equal(merge(&v, bk, &m, why, sizeof why),
				 SAYSO_ERR_AUTH);
		assert_non_null(
		    strstr(why, "was not made by `sayso-admin kiosk enrol`"));
	}

	/* The SMS gateway may not write into a kiosk's file. */
	struct sayso_store *k = tu_store_open(v.kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "smsgw", "smsgw"),
			 SAYSO_ERR_STATE);
	assert_int_equal(sayso_store_set_device(k, "fun-9", "kiosk"),
			 SAYSO_ERR_INVAL);
	sayso_store_close(k);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

/* merge --dry-run: counts, and which results would move, nothing kept. */
/* Voter codes travel with the enrolment (hashes and status only): an
 * offline kiosk accepts a code the site issued and refuses an invented one,
 * and merge keeps both decisions: the issued code counts once and is marked
 * used at the site; the invented one stays rejected (its resident comes with
 * kind "code", so it cannot pass as a phone ballot). */
static void test_voter_codes(void **state)
{
	(void)state;
	struct env v;
	setup_site(&v);
	char k2[320];
	snprintf(k2, sizeof k2, "%s/kiosk2.db", v.dir);
	struct sayso_store *st = tu_store_open(v.site, 0);
	struct sayso_round r;
	assert_int_equal(sayso_round_get(st, "pb", &r), SAYSO_OK);
	assert_int_equal(sayso_codes_issue(st, r.id, "K7QM4XPD",
					   SAYSO_CODE_ISSUED, "generate"),
			 SAYSO_OK);
	struct sayso_enrol_result er;
	assert_int_equal(sayso_kiosk_enrol(st, "fun-2", k2, "test", &er),
			 SAYSO_OK);
	sayso_store_close(st);

	struct sayso_store *k = tu_store_open(k2, 0);
	assert_int_equal(sayso_store_set_device(k, "fun-2", "kiosk"), SAYSO_OK);
	const char *codes[] = {"K7QM4XPD", "HELLOWORLD"};
	enum sayso_cast_outcome want[] = {SAYSO_CAST_ACCEPTED,
					  SAYSO_CAST_INVALID};
	for (int i = 0; i < 2; i++) {
		sayso_time_set_override(v.base + (10 + i) * MIN_MS);
		char rid[SAYSO_RESIDENT_ID_LEN + 1];
		assert_int_equal(sayso_store_resident(k, SAYSO_ID_CODE,
						      codes[i], rid,
						      sizeof rid),
				 SAYSO_OK);
		struct sayso_pick pick = {1, 1};
		struct sayso_ballot_in in;
		memset(&in, 0, sizeof in);
		in.round_code = "pb";
		in.resident_id = rid;
		in.channel = SAYSO_CH_KIOSK;
		in.picks = &pick;
		in.npicks = 1;
		struct sayso_cast_result res;
		assert_int_equal(sayso_ballot_cast(k, &in, &res), SAYSO_OK);
		assert_int_equal(res.outcome, want[i]);
	}
	sayso_store_close(k);

	struct sayso_merge_result m;
	char why[SAYSO_ERRMSG_MAX];
	assert_int_equal(merge(&v, k2, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots WHERE "
					"device_id = 'fun-2' AND status = "
					"'counted'"),
			 1);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM ballots WHERE "
					"device_id = 'fun-2' AND status = "
					"'rejected'"),
			 1);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM voter_codes "
					"WHERE status = 'used'"),
			 1);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

static void test_dry_run(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	sayso_time_set_override(v.base + 120 * MIN_MS);
	struct sayso_store *st = tu_store_open(v.site, 0);
	struct sayso_merge_result m;
	assert_int_equal(sayso_merge_kiosk(st, v.kiosk, "admin:test",
					   SAYSO_MERGE_DRY_RUN, &m),
			 SAYSO_OK);
	assert_int_equal(m.ballots, 5);
	assert_int_equal(m.ratings, 1);
	assert_string_equal(m.moves, "pb: funded none -> #1");
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballots"), 0);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM audit WHERE action "
				      "= 'merge'"),
			 0);
	sayso_store_close(st);
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
}

/* Walkabout issues and re-checks on the kiosk are not in its chain, so a
 * merge does not carry them over: it counts and names them (result and
 * audit line), merges the chained rows as usual, and writes no walkabout
 * row, whether the rows were made by sayso or forged with sqlite3. */
static void test_walkabout_rows_reported(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	struct sayso_store *k = tu_store_open(v.kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "fun-1", "kiosk"), SAYSO_OK);
	sayso_time_set_override(v.base + 10 * MIN_MS);
	assert_int_equal(sayso_walkabout_start(k, "w-nov", "2026-11-20",
					       "Ann Lee", NULL, 0, "test"),
			 SAYSO_OK);
	assert_int_equal(sayso_walkabout_start(k, "w-nov2", "2026-11-21",
					       "Raj Patel", NULL, 0, "test"),
			 SAYSO_OK);
	struct sayso_walk_log_in in;
	memset(&in, 0, sizeof in);
	in.walkabout = "w-nov";
	in.street = "Byron Street";
	in.category = "litter";
	in.grade = SAYSO_GRADE_C;
	char ref1[SAYSO_WALK_REF_LEN + 1], ref2[SAYSO_WALK_REF_LEN + 1];
	assert_int_equal(sayso_walk_log(k, &in, ref1, sizeof ref1), SAYSO_OK);
	in.category = "graffiti";
	assert_int_equal(sayso_walk_log(k, &in, ref2, sizeof ref2), SAYSO_OK);
	sayso_time_set_override(v.base + 20 * MIN_MS);
	assert_int_equal(sayso_walk_check(k, "w-nov2", ref1, SAYSO_OBS_RESOLVED,
					  "cleared", NULL, 0),
			 SAYSO_OK);
	sayso_store_close(k);
	/* and one forged with sqlite3 */
	tu_sql_file(v.kiosk,
		    "INSERT INTO walk_issues(uid, ref, walkabout_id, street, "
		    "category, seen_by, seen_at, device_id) SELECT "
		    "'forged-uid', 'WA-FORGED', id, 'Keats Street', 'litter', "
		    "'x', '2026-11-20T09:30:00.000Z', 'fun-1' FROM "
		    "walkabouts LIMIT 1");

	struct sayso_merge_result m;
	char why[SAYSO_ERRMSG_MAX];
	assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.ballots, 5); /* the chained rows still merge */
	assert_int_equal(m.ratings, 1);
	assert_int_equal(m.reports, 1);
	assert_int_equal(m.walk_issues, 3);
	assert_int_equal(m.walk_checks, 1);
	assert_non_null(strstr(m.walk_refs, ref1));
	assert_non_null(strstr(m.walk_refs, ref2));
	assert_non_null(strstr(m.walk_refs, "WA-FORGED"));
	assert_int_equal(site_count(&v, "SELECT count(*) FROM walk_issues"), 0);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM walk_checks"), 0);
	assert_int_equal(site_count(&v, "SELECT count(*) FROM walkabouts"), 0);
	assert_int_equal(
	    site_count(&v, "SELECT count(*) FROM audit WHERE action = 'merge' "
			   "AND detail LIKE '%NOT carried over (not chained): "
			   "3 walkabout issues (%WA-FORGED%), 1 re-checks%'"),
	    1);
	/* A re-merge says so again (still not carried over). */
	assert_int_equal(merge(&v, v.kiosk, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.ballots + m.ratings + m.reports, 0);
	assert_int_equal(m.walk_issues, 3);
	/* A kiosk without walkabout rows reports none. */
	struct env w;
	setup(&w);
	assert_int_equal(merge(&w, w.kiosk, &m, why, sizeof why), SAYSO_OK);
	assert_int_equal(m.walk_issues + m.walk_checks, 0);
	assert_string_equal(m.walk_refs, "");
	sayso_time_set_override(0);
	tu_rmtree(v.dir);
	tu_rmtree(w.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean_merge_restart_idempotent),
	    cmocka_unit_test(test_forged_rows),
	    cmocka_unit_test(test_altered_rows),
	    cmocka_unit_test(test_deleted_rows),
	    cmocka_unit_test(test_bit_flips),
	    cmocka_unit_test(test_missing_wal),
	    cmocka_unit_test(test_kiosk_clock),
	    cmocka_unit_test(test_after_close),
	    cmocka_unit_test(test_changed_project_list),
	    cmocka_unit_test(test_erased_resident_old_copy),
	    cmocka_unit_test(test_file_claims),
	    cmocka_unit_test(test_dry_run),
	    cmocka_unit_test(test_voter_codes),
	    cmocka_unit_test(test_walkabout_rows_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

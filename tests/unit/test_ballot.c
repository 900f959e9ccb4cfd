/* test_ballot.c: ballot validation, one vote per resident (both policies),
 * a two-process race, re-application after a merge, and proof that a phone
 * number never reaches the database file. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/codes.h"
#include "sayso/sms.h"

static const int64_t T0 = 1795000000000; /* a fixed instant in 2026 */

static struct sayso_round make_round(struct sayso_store *st, const char *code,
				     enum sayso_ballot_kind kind,
				     enum sayso_revote revote, int maxp)
{
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "%s", code);
	snprintf(r.title, sizeof r.title, "Round %s", code);
	r.budget = 5000000; /* £50,000 */
	r.kind = kind;
	r.revote = revote;
	r.min_picks = 1;
	r.max_picks = maxp;
	r.state = SAYSO_ROUND_DRAFT;
	assert_int_equal(sayso_round_create(st, &r, "admin:test"), SAYSO_OK);
	const int64_t costs[] = {1800000, 950000, 400000, 350000,
				 500000,  250000, 2500000};
	for (int i = 0; i < 7; i++) {
		struct sayso_project p;
		memset(&p, 0, sizeof p);
		snprintf(p.title, sizeof p.title, "Project %d", i + 1);
		p.cost = costs[i];
		assert_int_equal(sayso_project_add(st, r.id, &p, "admin:test"),
				 SAYSO_OK);
		assert_int_equal(p.number, i + 1);
	}
	assert_int_equal(
	    sayso_round_set_state(st, r.code, SAYSO_ROUND_OPEN, "admin:test"),
	    SAYSO_OK);
	r.state = SAYSO_ROUND_OPEN;
	return r;
}

static void picks_of(struct sayso_pick *p, size_t *n, const int *nums, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		p[i].number = nums[i];
		p[i].points = 1;
	}
	*n = k;
}

static void test_validate_rules(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	struct sayso_round r =
	    make_round(st, "A", SAYSO_BALLOT_APPROVAL, SAYSO_REVOTE_FIRST, 3);
	struct sayso_project *ps;
	size_t np;
	assert_int_equal(sayso_project_list(st, r.id, &ps, &np), SAYSO_OK);
	assert_int_equal(np, 7);
	struct sayso_pick p[8];
	size_t n;
	char why[200];
	int64_t now = sayso_time_now_ms();

	picks_of(p, &n, (int[]){1, 2, 3}, 3);
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_OK);
	picks_of(p, &n, (int[]){1, 13}, 2);
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "unknown project 13");
	picks_of(p, &n, (int[]){2, 2}, 2);
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "project 2 chosen twice");
	picks_of(p, &n, (int[]){1, 2, 3, 4}, 4);
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "too many picks: max 3");
	n = 0;
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "no projects chosen");
	r.min_picks = 2;
	picks_of(p, &n, (int[]){1}, 1);
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "too few picks: choose at least 2");
	r.min_picks = 1;
	/* Points are not allowed on approval ballots. */
	p[0].points = 3;
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	/* Round state and dates. */
	picks_of(p, &n, (int[]){1}, 1);
	r.state = SAYSO_ROUND_CLOSED;
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "voting has closed");
	r.state = SAYSO_ROUND_DRAFT;
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "voting has not started yet");
	r.state = SAYSO_ROUND_OPEN;
	snprintf(r.closes, sizeof r.closes, "2020-01-01T00:00:00.000Z");
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "voting has closed");
	r.closes[0] = '\0';

	/* Knapsack: total within budget. 1+2+3+7 = 18000+9500+4000+25000 >
	 * 50000 */
	r.kind = SAYSO_BALLOT_KNAPSACK;
	r.max_picks = 0;
	picks_of(p, &n, (int[]){1, 2, 3, 7}, 4);
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "over budget by £6,500");
	picks_of(p, &n, (int[]){1, 2, 3, 4, 5, 6}, 6); /* 41,500 */
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_OK);

	/* Cumulative points. */
	r.kind = SAYSO_BALLOT_CUMULATIVE;
	r.max_points = 3;
	r.max_sum_points = 5;
	p[0] = (struct sayso_pick){1, 3};
	p[1] = (struct sayso_pick){2, 2};
	n = 2;
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_OK);
	p[1].points = 3;
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "too many points: max 5 in all");
	p[1].points = 4;
	assert_int_equal(
	    sayso_ballot_validate(&r, ps, np, p, n, now, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "too many points for project 2: max 3");
	free(ps);
	sayso_store_close(st);
}

static enum sayso_cast_outcome cast(struct sayso_store *st, const char *code,
				    const char *resident, enum sayso_channel ch,
				    int64_t at, const int *nums, size_t k,
				    struct sayso_cast_result *res)
{
	struct sayso_pick p[8];
	size_t n;
	picks_of(p, &n, nums, k);
	struct sayso_ballot_in in = {
	    .round_code = code,
	    .resident_id = resident,
	    .channel = ch,
	    .cast_at_ms = at,
	    .picks = p,
	    .npicks = n,
	};
	assert_int_equal(sayso_ballot_cast(st, &in, res), SAYSO_OK);
	return res->outcome;
}

static int64_t count_status(struct sayso_store *st, const char *status)
{
	struct sayso_stmt *s;
	assert_int_equal(
	    Sayso_stmt_prepare(
		st, "SELECT count(*) FROM ballots WHERE status = ?1", &s),
	    SAYSO_OK);
	Sayso_bind_text(s, 1, status, -1);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	int64_t c = Sayso_col_int64(s, 0);
	Sayso_stmt_finalize(s);
	return c;
}

static void counted_channel(struct sayso_store *st, const char *want)
{
	struct sayso_stmt *s;
	assert_int_equal(
	    Sayso_stmt_prepare(
		st, "SELECT channel FROM ballots WHERE status = 'counted'", &s),
	    SAYSO_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	assert_string_equal((const char *)Sayso_col_text(s, 0), want);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_DONE);
	Sayso_stmt_finalize(s);
}

static void test_revote_first(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	make_round(st, "F", SAYSO_BALLOT_APPROVAL, SAYSO_REVOTE_FIRST, 5);
	char rid[65];
	assert_int_equal(sayso_store_resident(st, SAYSO_ID_PHONE,
					      "+447700900456", rid, sizeof rid),
			 SAYSO_OK);
	struct sayso_cast_result res;
	assert_int_equal(
	    cast(st, "F", rid, SAYSO_CH_KIOSK, T0, (int[]){1, 2}, 2, &res),
	    SAYSO_CAST_ACCEPTED);
	assert_int_equal(res.total_cost, 1800000 + 950000);
	assert_int_equal(
	    cast(st, "F", rid, SAYSO_CH_SMS, T0 + 60000, (int[]){3}, 1, &res),
	    SAYSO_CAST_ALREADY_VOTED);
	assert_int_equal(res.prev_channel, SAYSO_CH_KIOSK);
	assert_int_equal(res.prev_cast_at_ms, T0);
	assert_non_null(strstr(res.reason, "already voted on"));
	assert_non_null(strstr(res.reason, "by kiosk"));
	/* An invalid ballot is stored as rejected and changes nothing else. */
	assert_int_equal(cast(st, "F", rid, SAYSO_CH_PAPER, T0 + 120000,
			      (int[]){99}, 1, &res),
			 SAYSO_CAST_INVALID);
	assert_string_equal(res.reason, "unknown project 99");
	assert_int_equal(count_status(st, "counted"), 1);
	assert_int_equal(count_status(st, "superseded"), 1);
	assert_int_equal(count_status(st, "rejected"), 1);
	counted_channel(st, "kiosk");
	/* Another resident (a voter code issued for the round) is
	 * independent. */
	char rid2[65];
	struct sayso_round fr;
	assert_int_equal(sayso_round_get(st, "F", &fr), SAYSO_OK);
	assert_int_equal(sayso_codes_issue(st, fr.id, "AB7K2MQ9",
					   SAYSO_CODE_ISSUED, "import"),
			 SAYSO_OK);
	assert_int_equal(sayso_store_resident(st, SAYSO_ID_CODE, "AB7K2MQ9",
					      rid2, sizeof rid2),
			 SAYSO_OK);
	assert_int_equal(
	    cast(st, "F", rid2, SAYSO_CH_PAPER, T0, (int[]){4}, 1, &res),
	    SAYSO_CAST_ACCEPTED);
	struct sayso_ballot_counts c;
	struct sayso_round r;
	assert_int_equal(sayso_round_get(st, "F", &r), SAYSO_OK);
	assert_int_equal(sayso_ballot_counts(st, r.id, &c), SAYSO_OK);
	assert_int_equal(c.counted, 2);
	assert_int_equal(c.superseded, 1);
	assert_int_equal(c.rejected, 1);
	assert_int_equal(c.by_channel[SAYSO_CH_KIOSK], 1);
	assert_int_equal(c.by_channel[SAYSO_CH_PAPER], 1);
	/* Turnout: first and last counted ballot (superseded and rejected
	 * ones, cast later, do not move them). */
	char t0[SAYSO_TIME_LEN + 1];
	sayso_time_format(T0, t0, sizeof t0);
	assert_string_equal(c.first, t0);
	assert_string_equal(c.last, t0);
	/* A stored ballot with a channel sayso does not know is reported as
	 * damage, not counted silently (SQLite: a damaged file; PostgreSQL
	 * enforces the CHECK constraint, so no such row can exist there). */
	if (!tu_pg()) {
		assert_int_equal(
		    Sayso_store_exec(
			st,
			"PRAGMA ignore_check_constraints = 1; UPDATE ballots "
			"SET channel = 'fax' WHERE status = 'counted' AND "
			"channel = 'paper'; PRAGMA ignore_check_constraints = "
			"0",
			"test SQL"),
		    SAYSO_OK);
		assert_int_equal(sayso_ballot_counts(st, r.id, &c),
				 SAYSO_ERR_CORRUPT);
		assert_non_null(strstr(sayso_store_errmsg(st), "fax"));
		assert_int_equal(
		    Sayso_store_exec(
			st,
			"PRAGMA ignore_check_constraints = 1; UPDATE ballots "
			"SET channel = 'paper' WHERE channel = 'fax'; PRAGMA "
			"ignore_check_constraints = 0",
			"test SQL"),
		    SAYSO_OK);
	}
	/* Unknown round: nothing stored. */
	struct sayso_pick pk = {1, 1};
	struct sayso_ballot_in in = {.round_code = "NOPE",
				     .resident_id = rid,
				     .channel = SAYSO_CH_SMS,
				     .picks = &pk,
				     .npicks = 1};
	assert_int_equal(sayso_ballot_cast(st, &in, &res), SAYSO_ERR_NOTFOUND);
	assert_int_equal(count_status(st, "counted"), 2);
	sayso_store_close(st);
}

static void test_revote_last(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	make_round(st, "L", SAYSO_BALLOT_APPROVAL, SAYSO_REVOTE_LAST, 5);
	char rid[65];
	assert_int_equal(sayso_store_resident(st, SAYSO_ID_PHONE,
					      "+447700900457", rid, sizeof rid),
			 SAYSO_OK);
	struct sayso_cast_result res;
	assert_int_equal(
	    cast(st, "L", rid, SAYSO_CH_PAPER, T0, (int[]){1}, 1, &res),
	    SAYSO_CAST_ACCEPTED);
	assert_int_equal(
	    cast(st, "L", rid, SAYSO_CH_SMS, T0 + 1000, (int[]){2}, 1, &res),
	    SAYSO_CAST_REPLACED);
	assert_int_equal(res.prev_channel, SAYSO_CH_PAPER);
	counted_channel(st, "sms");
	/* A merged ballot cast earlier than the counted one does not win. */
	assert_int_equal(
	    cast(st, "L", rid, SAYSO_CH_KIOSK, T0 - 5000, (int[]){3}, 1, &res),
	    SAYSO_CAST_ALREADY_VOTED);
	counted_channel(st, "sms");
	assert_int_equal(count_status(st, "superseded"), 2);
	sayso_store_close(st);
}

/* Every order of kiosk / sms / paper for one resident ends with the same
 * counted ballot: the earliest (first) or the latest (last). */
static void test_all_orders(void **state)
{
	(void)state;
	const enum sayso_channel chans[3] = {SAYSO_CH_KIOSK, SAYSO_CH_SMS,
					     SAYSO_CH_PAPER};
	const int64_t times[3] = {T0, T0 + 1000,
				  T0 + 2000}; /* kiosk < sms < paper */
	const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
				 {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	for (int policy = 0; policy < 2; policy++) {
		for (int k = 0; k < 6; k++) {
			struct sayso_store *st = tu_memstore();
			make_round(
			    st, "O", SAYSO_BALLOT_APPROVAL,
			    policy ? SAYSO_REVOTE_LAST : SAYSO_REVOTE_FIRST, 5);
			char rid[65];
			assert_int_equal(sayso_store_resident(
					     st, SAYSO_ID_PHONE,
					     "+447700900458", rid, sizeof rid),
					 SAYSO_OK);
			struct sayso_cast_result res;
			for (int j = 0; j < 3; j++) {
				int c = perms[k][j];
				cast(st, "O", rid, chans[c], times[c],
				     (int[]){c + 1}, 1, &res);
			}
			assert_int_equal(count_status(st, "counted"), 1);
			assert_int_equal(count_status(st, "superseded"), 2);
			counted_channel(st, policy ? "paper" : "kiosk");
			/* Re-applying changes nothing: it is already right. */
			struct sayso_round r;
			assert_int_equal(sayso_round_get(st, "O", &r),
					 SAYSO_OK);
			size_t changed = 99;
			assert_int_equal(
			    sayso_ballot_reapply(st, r.id, &changed), SAYSO_OK);
			assert_int_equal(changed, 0);
			counted_channel(st, policy ? "paper" : "kiosk");
			sayso_store_close(st);
		}
	}
}

static void test_reapply_fixes_statuses(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	struct sayso_round r =
	    make_round(st, "R", SAYSO_BALLOT_APPROVAL, SAYSO_REVOTE_FIRST, 5);
	char rid[65];
	assert_int_equal(sayso_store_resident(st, SAYSO_ID_PHONE,
					      "+447700900459", rid, sizeof rid),
			 SAYSO_OK);
	struct sayso_cast_result res;
	cast(st, "R", rid, SAYSO_CH_SMS, T0 + 5000, (int[]){1}, 1, &res);
	cast(st, "R", rid, SAYSO_CH_PAPER, T0 + 9000, (int[]){2}, 1, &res);
	/* Flip by hand what a naive merge might have left: the later ballot
	 * counted. */
	assert_int_equal(
	    Sayso_store_exec(
		st,
		"UPDATE ballots SET status = 'superseded' WHERE channel = "
		"'sms';"
		"UPDATE ballots SET status = 'counted' WHERE channel = 'paper'",
		"test SQL"),
	    SAYSO_OK);
	size_t changed = 0;
	assert_int_equal(sayso_ballot_reapply(st, r.id, &changed), SAYSO_OK);
	assert_int_equal(changed, 2);
	counted_channel(st, "sms");
	sayso_store_close(st);
}

/* Two ballots cast in the same millisecond: the one stored first counts
 * under "first", the one stored last under "last", every time. */
static void test_same_instant(void **state)
{
	(void)state;
	for (int policy = 0; policy < 2; policy++) {
		for (int k = 0; k < 20; k++) {
			struct sayso_store *st = tu_memstore();
			struct sayso_round r = make_round(
			    st, "T", SAYSO_BALLOT_APPROVAL,
			    policy ? SAYSO_REVOTE_LAST : SAYSO_REVOTE_FIRST, 5);
			char rid[65];
			assert_int_equal(sayso_store_resident(
					     st, SAYSO_ID_PHONE,
					     "+447700900470", rid, sizeof rid),
					 SAYSO_OK);
			struct sayso_cast_result res;
			cast(st, "T", rid, SAYSO_CH_PAPER, T0, (int[]){1}, 1,
			     &res);
			assert_int_equal(cast(st, "T", rid, SAYSO_CH_SMS, T0,
					      (int[]){2}, 1, &res),
					 policy ? SAYSO_CAST_REPLACED
						: SAYSO_CAST_ALREADY_VOTED);
			counted_channel(st, policy ? "sms" : "paper");
			size_t changed = 9;
			assert_int_equal(
			    sayso_ballot_reapply(st, r.id, &changed), SAYSO_OK);
			assert_int_equal(changed, 0);
			sayso_store_close(st);
		}
	}
}

static void test_duplicate_uid(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	make_round(st, "U", SAYSO_BALLOT_APPROVAL, SAYSO_REVOTE_FIRST, 5);
	struct sayso_pick pk = {1, 1};
	struct sayso_ballot_in in = {.round_code = "U",
				     .resident_id = NULL,
				     .channel = SAYSO_CH_KIOSK,
				     .uid = "01KAAAAAAAAAAAAAAAAAAAAAAA",
				     .picks = &pk,
				     .npicks = 1};
	struct sayso_cast_result res;
	assert_int_equal(sayso_ballot_cast(st, &in, &res), SAYSO_OK);
	assert_int_equal(sayso_ballot_cast(st, &in, &res), SAYSO_ERR_EXISTS);
	assert_int_equal(count_status(st, "counted"), 1);
	sayso_store_close(st);
}

/* Two processes cast for the same resident at the same instant: exactly one
 * ballot counts. Repeated to give the race a chance. */
static void test_two_process_race(void **state)
{
	(void)state;
	char dir[256], db[768], secret[300], err[512];
	tu_tmpdir(dir, sizeof dir);
	tu_site(dir, "race.db", db, sizeof db, secret, sizeof secret);
	const char *sec = tu_secret_of(db);
	struct sayso_store *st = NULL;
	assert_int_equal(sayso_store_open_at(db, sec, SAYSO_STORE_INIT, &st,
					     err, sizeof err),
			 SAYSO_OK);
	assert_int_equal(sayso_store_set_device(st, "admin", "admin"),
			 SAYSO_OK);
	make_round(st, "RACE", SAYSO_BALLOT_APPROVAL, SAYSO_REVOTE_FIRST, 5);
	sayso_store_close(st);
	const int ROUNDS = 20;
	for (int k = 0; k < ROUNDS; k++) {
		char phone[20];
		snprintf(phone, sizeof phone, "+4477009001%02d", k);
		int go[2];
		assert_int_equal(pipe(go), 0);
		pid_t kids[2];
		for (int c = 0; c < 2; c++) {
			kids[c] = fork();
			assert_true(kids[c] >= 0);
			if (kids[c] == 0) {
				close(go[1]);
				struct sayso_store *cs = NULL;
				char e2[512];
				if (sayso_store_open_at(db, sec, 0, &cs, e2,
							sizeof e2))
					_exit(10);
				char rid[65];
				if (sayso_store_resident(cs, SAYSO_ID_PHONE,
							 phone, rid,
							 sizeof rid))
					_exit(11);
				char b;
				if (read(go[0], &b, 1) < 0) /* start together */
					_exit(12);
				struct sayso_pick p = {c + 1, 1};
				struct sayso_ballot_in in = {
				    .round_code = "RACE",
				    .resident_id = rid,
				    .channel =
					c ? SAYSO_CH_SMS : SAYSO_CH_KIOSK,
				    .picks = &p,
				    .npicks = 1};
				struct sayso_cast_result res;
				enum sayso_err e =
				    sayso_ballot_cast(cs, &in, &res);
				sayso_store_close(cs);
				_exit(e == SAYSO_OK ? (int)res.outcome
						    : 20 + (int)e);
			}
		}
		close(go[0]);
		close(go[1]); /* EOF releases both children at once */
		int outcomes[2];
		for (int c = 0; c < 2; c++) {
			int status;
			assert_int_equal(waitpid(kids[c], &status, 0), kids[c]);
			assert_true(WIFEXITED(status));
			outcomes[c] = WEXITSTATUS(status);
		}
		/* One accepted, one already voted, in either order. */
		assert_true((outcomes[0] == SAYSO_CAST_ACCEPTED &&
			     outcomes[1] == SAYSO_CAST_ALREADY_VOTED) ||
			    (outcomes[1] == SAYSO_CAST_ACCEPTED &&
			     outcomes[0] == SAYSO_CAST_ALREADY_VOTED));
	}
	assert_int_equal(sayso_store_open_at(db, sec, 0, &st, err, sizeof err),
			 SAYSO_OK);
	assert_int_equal(count_status(st, "counted"), ROUNDS);
	assert_int_equal(count_status(st, "superseded"), ROUNDS);
	sayso_store_close(st);
	tu_rmtree(dir);
}

/* After casting by phone (and queueing and sending a reply), the phone
 * number appears nowhere in the database files, in any common form. */
static void test_phone_not_in_file(void **state)
{
	(void)state;
	/* The bytes of SQLite's files (PostgreSQL's are the server's). */
	if (tu_pg())
		skip();
	char dir[256], db[300], err[512];
	tu_tmpdir(dir, sizeof dir);
	snprintf(db, sizeof db, "%s/grep.db", dir);
	struct sayso_store *st = NULL;
	assert_int_equal(
	    sayso_store_open(db, SAYSO_STORE_INIT, &st, err, sizeof err),
	    SAYSO_OK);
	make_round(st, "G", SAYSO_BALLOT_APPROVAL, SAYSO_REVOTE_FIRST, 5);
	char e164[20];
	const char *why;
	assert_int_equal(
	    sayso_phone_normalise("07700 900461", e164, sizeof e164, &why),
	    SAYSO_OK);
	char rid[65];
	assert_int_equal(
	    sayso_store_resident(st, SAYSO_ID_PHONE, e164, rid, sizeof rid),
	    SAYSO_OK);
	struct sayso_cast_result res;
	cast(st, "G", rid, SAYSO_CH_SMS, 0, (int[]){1, 2}, 2, &res);
	/* A reply is queued with the number, then sent: the number goes. */
	int64_t id;
	assert_int_equal(
	    sayso_outbox_queue(st, e164, "Thanks, your vote counts.", 0, &id),
	    SAYSO_OK);
	struct sayso_outbox_msg m[2];
	size_t nm = 0;
	assert_int_equal(sayso_outbox_claim(st, "gw", sayso_time_now_ms() + 1,
					    SAYSO_OUTBOX_LEASE_MS, m, 2, &nm),
			 SAYSO_OK);
	assert_int_equal(nm, 1);
	assert_int_equal(sayso_outbox_sent(st, id, "gw", "SM123"), SAYSO_OK);
	/* Checkpoint so the WAL is folded into the main file too. */
	assert_int_equal(
	    Sayso_store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", "test SQL"),
	    SAYSO_OK);
	sayso_store_close(st);
	const char *suffixes[] = {"", "-wal", "-shm"};
	const char *forms[] = {"7700900461", "+447700900461", "07700900461",
			       "447700900461"};
	for (int i = 0; i < 3; i++) {
		char path[320];
		snprintf(path, sizeof path, "%s%s", db, suffixes[i]);
		size_t n = 0;
		char *bytes = tu_slurp(path, &n);
		if (!bytes)
			continue;
		if (i == 0)
			assert_true(n > 0);
		for (int f = 0; f < 4; f++)
			if (tu_memmem(bytes, n, forms[f]))
				fail_msg("%s contains %s", path, forms[f]);
		assert_true(tu_memmem(bytes, n, rid) || i > 0);
		free(bytes);
	}
	tu_rmtree(dir);
}

static void test_picks_parse(void **state)
{
	(void)state;
	struct sayso_pick p[5];
	size_t n;
	const char *why;
	assert_int_equal(sayso_picks_parse("1,4,7", p, 5, &n, &why), SAYSO_OK);
	assert_int_equal(n, 3);
	assert_int_equal(p[2].number, 7);
	assert_int_equal(sayso_picks_parse(" 2 3 ", p, 5, &n, &why), SAYSO_OK);
	assert_int_equal(n, 2);
	assert_int_equal(sayso_picks_parse("1,x", p, 5, &n, &why),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_picks_parse("", p, 5, &n, &why),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_picks_parse("0", p, 5, &n, &why),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_picks_parse("1,2,3,4,5,6", p, 5, &n, &why),
			 SAYSO_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validate_rules),
	    cmocka_unit_test(test_revote_first),
	    cmocka_unit_test(test_revote_last),
	    cmocka_unit_test(test_all_orders),
	    cmocka_unit_test(test_reapply_fixes_statuses),
	    cmocka_unit_test(test_same_instant),
	    cmocka_unit_test(test_duplicate_uid),
	    cmocka_unit_test(test_two_process_race),
	    cmocka_unit_test(test_phone_not_in_file),
	    cmocka_unit_test(test_picks_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

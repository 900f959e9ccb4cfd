/*
 * test_city_onevote.c: a city's hubs at once. Eight processes (kiosks, the
 * SMS gateway and paper entry, each its own connection) cast for the same
 * 1,000 residents at the same time into one database: every resident ends
 * with exactly one counted ballot, every other ballot is superseded (the
 * round's last ballot counts), and no cast fails. Runs on SQLite (one file)
 * and, with SAYSO_TEST_ENGINE=pg, on PostgreSQL (issue 16).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/round.h"
#include "sayso/store.h"
#include "testutil.h"

#define PROCS 8
#define RESIDENTS 1000

struct site {
	char dir[256];
	char db[800];
	char secret[400];
};

static void site_make(struct site *s)
{
	tu_tmpdir(s->dir, sizeof s->dir);
	if (tu_pg()) {
		tu_pg_fresh(s->db, sizeof s->db, s->secret, sizeof s->secret);
	} else {
		snprintf(s->db, sizeof s->db, "%s/city.db", s->dir);
		snprintf(s->secret, sizeof s->secret, "%s/city.db.secret",
			 s->dir);
	}
	struct sayso_store *st = NULL;
	char err[512];
	if (sayso_store_open_at(s->db, s->secret, SAYSO_STORE_INIT, &st, err,
				sizeof err) != SAYSO_OK)
		fail_msg("init %s: %s", s->db, err);
	assert_int_equal(sayso_store_set_device(st, "admin", "admin"),
			 SAYSO_OK);
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "CITY");
	snprintf(r.title, sizeof r.title, "City round");
	r.budget = 5000000;
	r.kind = SAYSO_BALLOT_APPROVAL;
	r.revote = SAYSO_REVOTE_LAST;
	r.min_picks = 1;
	r.max_picks = 3;
	r.state = SAYSO_ROUND_DRAFT;
	assert_int_equal(sayso_round_create(st, &r, "admin:test"), SAYSO_OK);
	for (int i = 0; i < 7; i++) {
		struct sayso_project p;
		memset(&p, 0, sizeof p);
		snprintf(p.title, sizeof p.title, "Project %d", i + 1);
		p.cost = 100000 * (i + 1);
		assert_int_equal(sayso_project_add(st, r.id, &p, "admin:test"),
				 SAYSO_OK);
	}
	assert_int_equal(
	    sayso_round_set_state(st, "CITY", SAYSO_ROUND_OPEN, "admin:test"),
	    SAYSO_OK);
	sayso_store_close(st);
}

/* One hub: casts for every resident in the same order as every other hub,
 * so all eight meet on each resident at the same moment (odd hubs walk the
 * list backwards and cross the others). Exits with the number of casts
 * that failed or were refused (0 expected). */
static void hub(const struct site *s, int c, int go)
{
	static const enum sayso_channel ch[] = {SAYSO_CH_KIOSK, SAYSO_CH_SMS,
						SAYSO_CH_PAPER};
	static const char *const kind[] = {"kiosk", "smsgw", "admin"};
	struct sayso_store *st = NULL;
	char err[512], dev[16];
	if (sayso_store_open_at(s->db, s->secret, 0, &st, err, sizeof err) !=
	    SAYSO_OK) {
		fprintf(stderr, "hub %d: %s\n", c, err);
		_exit(255);
	}
	snprintf(dev, sizeof dev, "%s", c % 3 == 1 ? "smsgw" : "hub");
	if (c % 3 == 0)
		snprintf(dev, sizeof dev, "hub-%d", c);
	else if (c % 3 == 2)
		snprintf(dev, sizeof dev, "admin");
	if (sayso_store_set_device(st, dev, kind[c % 3]) != SAYSO_OK)
		_exit(254);
	char b;
	if (read(go, &b, 1) < 0) /* all hubs start together */
		_exit(253);
	int bad = 0;
	for (int i = 0; i < RESIDENTS; i++) {
		int who = c % 2 ? RESIDENTS - 1 - i : i;
		char phone[20], rid[SAYSO_RESIDENT_ID_LEN + 1];
		snprintf(phone, sizeof phone, "+447700%06d", who);
		struct sayso_pick p = {1 + (c + who) % 7, 1};
		struct sayso_ballot_in in = {.round_code = "CITY",
					     .channel = ch[c % 3],
					     .resident_id = rid,
					     .picks = &p,
					     .npicks = 1};
		struct sayso_cast_result res;
		enum sayso_err e = sayso_store_resident(st, SAYSO_ID_PHONE,
							phone, rid, sizeof rid);
		if (e == SAYSO_OK)
			e = sayso_ballot_cast(st, &in, &res);
		if (e != SAYSO_OK || (res.outcome != SAYSO_CAST_ACCEPTED &&
				      res.outcome != SAYSO_CAST_REPLACED)) {
			if (bad < 3)
				fprintf(stderr, "hub %d resident %d: %s %s\n",
					c, who, sayso_strerror(e),
					e != SAYSO_OK ? sayso_store_errmsg(st)
						      : res.reason);
			bad++;
		}
	}
	sayso_store_close(st);
	_exit(bad > 250 ? 250 : bad);
}

static void test_eight_hubs(void **state)
{
	(void)state;
	struct site s;
	site_make(&s);
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t kids[PROCS];
	for (int c = 0; c < PROCS; c++) {
		kids[c] = fork();
		assert_true(kids[c] >= 0);
		if (kids[c] == 0) {
			close(go[1]);
			hub(&s, c, go[0]);
		}
	}
	close(go[0]);
	close(go[1]); /* EOF releases every hub at once */
	for (int c = 0; c < PROCS; c++) {
		int status;
		assert_int_equal(waitpid(kids[c], &status, 0), kids[c]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) != 0)
			fail_msg("hub %d: %d casts failed", c,
				 WEXITSTATUS(status));
	}
	struct sayso_store *st = NULL;
	char err[512];
	assert_int_equal(
	    sayso_store_open_at(s.db, s.secret, 0, &st, err, sizeof err),
	    SAYSO_OK);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballots"),
			 PROCS * RESIDENTS);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballots WHERE "
				      "status = 'counted'"),
			 RESIDENTS);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballots WHERE "
				      "status = 'superseded'"),
			 (PROCS - 1) * RESIDENTS);
	assert_int_equal(
	    tu_count(st, "SELECT count(DISTINCT resident_id) FROM ballots "
			 "WHERE status = 'counted'"),
	    RESIDENTS);
	/* The one counted ballot of each resident is their last one. */
	assert_int_equal(
	    tu_count(st, "SELECT count(*) FROM ballots b WHERE status = "
			 "'superseded' AND b.cast_at > (SELECT c.cast_at FROM "
			 "ballots c WHERE c.round_id = b.round_id AND "
			 "c.resident_id = b.resident_id AND c.status = "
			 "'counted')"),
	    0);
	sayso_store_close(st);
	tu_rmtree(s.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eight_hubs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

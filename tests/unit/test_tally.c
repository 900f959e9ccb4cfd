/*
 * test_tally.c: the PB rules. Hand-made elections with hand-computed greedy
 * and MES outcomes (including tie-breaking), a property test over random
 * elections, loading a round from the store, and the real elections of
 * ../shared/pb: every line of expected.jsonl and the cities' official
 * winners. Tests on shared data skip (cmocka skip()) when SAYSO_SHARED is
 * not set or the folder is missing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

#include "sayso/ballot.h"
#include "sayso/identity.h"
#include "sayso/pabulib.h"
#include "sayso/round.h"
#include "sayso/store.h"
#include "sayso/tally.h"

/* ---- helpers ---- */

static struct sayso_election *mk(enum sayso_ballot_kind kind, int64_t budget)
{
	struct sayso_election *e = NULL;

	assert_int_equal(sayso_election_new(kind, budget, 1, &e), SAYSO_OK);
	return e;
}

static size_t addp(struct sayso_election *e, const char *id, int64_t cost)
{
	size_t idx = 0;

	assert_int_equal(sayso_election_add_project(e, id, id, cost, &idx),
			 SAYSO_OK);
	return idx;
}

/* Adds a voter from a list of project indexes ending with -1. */
static void vote(struct sayso_election *e, ...)
{
	uint32_t picks[64];
	size_t n = 0;
	va_list ap;
	int v;

	va_start(ap, e);
	while ((v = va_arg(ap, int)) >= 0)
		picks[n++] = (uint32_t)v;
	va_end(ap);
	assert_int_equal(sayso_election_add_voter(e, picks, NULL, n), SAYSO_OK);
}

/* The selected project ids, sorted as text, joined with ','. */
static void selected_ids(const struct sayso_election *e,
			 const struct sayso_tally *t, char *out, size_t outsz)
{
	const char *ids[1024];
	size_t n = 0, i, j, len = 0;

	for (i = 0; i < e->nprojects && n < 1024; i++)
		if (t->projects[i].selected)
			ids[n++] = e->projects[i].id;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
			const char *x = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = x;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		int w = snprintf(out + len, outsz - len, "%s%s", i ? "," : "",
				 ids[i]);
		assert_true(w > 0 && (size_t)w < outsz - len);
		len += (size_t)w;
	}
}

static const char *shared_pb(void)
{
	static char dir[512];
	const char *s = getenv("SAYSO_SHARED");
	struct stat sb;

	if (!s || !*s)
		return NULL;
	snprintf(dir, sizeof dir, "%s/pb", s);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return NULL;
	return dir;
}

#define NEED_SHARED(dir)                                                       \
	do {                                                                   \
		if (!(dir)) {                                                  \
			fprintf(stderr, "skipped: SAYSO_SHARED/pb not "        \
					"found (set SAYSO_SHARED to the "      \
					"shared folder)\n");                   \
			skip();                                                \
		}                                                              \
	} while (0)

static struct sayso_pb *read_shared(const char *dir, const char *file)
{
	char path[1024], err[SAYSO_PB_ERR_MAX];
	struct sayso_pb *pb = NULL;
	enum sayso_err rc;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	rc = sayso_pb_read_path(path, &pb, err, sizeof err);
	if (rc != SAYSO_OK)
		fail_msg("%s: %s", path, err);
	return pb;
}

/* ---- rules on hand-made elections ---- */

static void test_rule_names(void **state)
{
	enum sayso_rule r;

	(void)state;
	assert_int_equal(sayso_rule_parse("mes", &r), SAYSO_OK);
	assert_int_equal(r, SAYSO_RULE_MES);
	assert_int_equal(sayso_rule_parse("greedy", &r), SAYSO_OK);
	assert_int_equal(r, SAYSO_RULE_GREEDY);
	assert_int_equal(sayso_rule_parse("approval", &r), SAYSO_OK);
	assert_int_equal(r, SAYSO_RULE_APPROVAL);
	assert_int_equal(sayso_rule_parse("Greedy", &r), SAYSO_ERR_INVAL);
	assert_string_equal(sayso_rule_name(SAYSO_RULE_MES), "mes");
}

static void test_add_voter_checks(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, 100);
	uint32_t dup[2] = {0, 0}, bad[1] = {7};
	int32_t zero[1] = {0};

	(void)state;
	addp(e, "a", 10);
	addp(e, "b", 10);
	assert_int_equal(sayso_election_add_voter(e, dup, NULL, 2),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_election_add_voter(e, bad, NULL, 1),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_election_add_voter(e, dup, zero, 1),
			 SAYSO_ERR_INVAL);
	assert_int_equal(e->nvoters, 0);
	assert_int_equal(sayso_election_add_project(e, "", "x", 1, NULL),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_election_add_project(e, "c", "x", -1, NULL),
			 SAYSO_ERR_INVAL);
	vote(e, 0, 1, -1);
	assert_int_equal(e->nvoters, 1);
	assert_int_equal(e->projects[0].votes, 1);
	assert_int_equal(e->projects[1].votes, 1);
	sayso_election_free(e);
}

/*
 * Greedy: A 3 votes cost 50, B 3 votes cost 40, C 2 votes cost 30, D 1 vote
 * cost 20, E no votes cost 1; budget 80. Order: B (tie on votes with A,
 * lower cost first), A, C, D. B funded (left 40), A skipped (50 > 40), C
 * funded (left 10), D skipped (20 > 10). E has no votes: never funded.
 */
static void test_greedy_hand(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, 80);
	struct sayso_tally t = {0};
	char ids[256];
	size_t A = addp(e, "A", 50), B = addp(e, "B", 40), C = addp(e, "C", 30),
	       D = addp(e, "D", 20), E = addp(e, "E", 1);

	(void)state;
	vote(e, (int)A, (int)B, (int)C, -1);
	vote(e, (int)A, (int)B, (int)C, -1);
	vote(e, (int)A, (int)B, (int)D, -1);
	assert_int_equal(sayso_tally_run(e, SAYSO_RULE_GREEDY, &t, NULL, 0),
			 SAYSO_OK);
	selected_ids(e, &t, ids, sizeof ids);
	assert_string_equal(ids, "B,C");
	assert_int_equal(t.spent, 70);
	assert_int_equal(t.left, 10);
	assert_int_equal(t.nselected, 2);
	assert_int_equal(t.projects[B].order, 1);
	assert_int_equal(t.projects[C].order, 2);
	assert_int_equal(t.projects[A].votes, 3);
	assert_int_equal(t.projects[D].votes, 1);
	assert_false(t.projects[E].selected);
	assert_int_equal(t.projects[B].money, 40);
	assert_int_equal(t.projects[A].money, 0);
	/* B beat A on the tie-break (same votes, lower cost): reported */
	assert_int_equal(t.projects[B].tie_with, A + 1);
	assert_true(t.projects[B].tie_by_cost);
	assert_int_equal(t.projects[C].tie_with, 0); /* no tie */
	assert_int_equal(t.projects[A].tie_with, 0); /* not funded */
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

/* Equal votes, equal cost: project id compared as text, "10" before "9". */
static void test_greedy_tie_id_text(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, 100);
	struct sayso_tally t = {0};
	size_t p9 = addp(e, "9", 100), p10 = addp(e, "10", 100);

	(void)state;
	vote(e, (int)p9, (int)p10, -1);
	assert_int_equal(sayso_tally_greedy(e, &t), SAYSO_OK);
	assert_true(t.projects[p10].selected);
	assert_false(t.projects[p9].selected);
	assert_int_equal(t.projects[p10].tie_with, p9 + 1);
	assert_false(t.projects[p10].tie_by_cost); /* settled by the id */
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

/* Points ballots: greedy ranks by the sum of points, not by voters. */
static void test_greedy_points(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_CUMULATIVE, 100);
	struct sayso_tally t = {0};
	uint32_t v1[2] = {0, 1}, v2[1] = {1}, v3[1] = {0};
	int32_t p1[2] = {5, 1}, p2[1] = {1}, p3[1] = {1};
	char err[256];

	(void)state;
	addp(e, "x", 100);
	addp(e, "y", 100);
	/* x: 2 voters, 6 points; y: 2 voters, 2 points. */
	assert_int_equal(sayso_election_add_voter(e, v1, p1, 2), SAYSO_OK);
	assert_int_equal(sayso_election_add_voter(e, v2, p2, 1), SAYSO_OK);
	assert_int_equal(sayso_election_add_voter(e, v3, p3, 1), SAYSO_OK);
	assert_int_equal(e->projects[0].score, 6);
	assert_int_equal(sayso_tally_greedy(e, &t), SAYSO_OK);
	assert_true(t.projects[0].selected);
	assert_false(t.projects[1].selected);
	assert_int_equal(t.projects[0].score, 6);
	sayso_tally_cleanup(&t);
	/* MES refuses points ballots, with a message. */
	err[0] = '\0';
	assert_int_equal(
	    sayso_tally_run(e, SAYSO_RULE_MES, &t, err, sizeof err),
	    SAYSO_ERR_UNSUPPORTED);
	assert_non_null(strstr(err, "approval"));
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

/* Knapsack ballots are read as approval sets by MES. */
static void test_mes_knapsack_as_approval(void **state)
{
	struct sayso_election *a = mk(SAYSO_BALLOT_APPROVAL, 100);
	struct sayso_election *k = mk(SAYSO_BALLOT_KNAPSACK, 100);
	struct sayso_tally ta = {0}, tk = {0};
	struct sayso_election *both[2] = {a, k};

	(void)state;
	for (int i = 0; i < 2; i++) {
		addp(both[i], "A", 40);
		addp(both[i], "B", 60);
		addp(both[i], "C", 30);
		vote(both[i], 0, 2, -1);
		vote(both[i], 2, 0, -1);
		vote(both[i], 0, -1);
		vote(both[i], 1, -1);
	}
	assert_int_equal(sayso_tally_mes(a, &ta, NULL, 0), SAYSO_OK);
	assert_int_equal(sayso_tally_mes(k, &tk, NULL, 0), SAYSO_OK);
	assert_int_equal(ta.spent, tk.spent);
	assert_int_equal(ta.per_voter, tk.per_voter);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ta.projects[i].selected,
				 tk.projects[i].selected);
	sayso_tally_cleanup(&ta);
	sayso_tally_cleanup(&tk);
	sayso_election_free(a);
	sayso_election_free(k);
}

static void test_approval_knapsack_money(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_KNAPSACK, 100);
	struct sayso_tally t = {0};

	(void)state;
	addp(e, "1", 30);
	addp(e, "2", 70);
	vote(e, 0, 1, -1);
	vote(e, 0, -1);
	assert_int_equal(sayso_tally_run(e, SAYSO_RULE_APPROVAL, &t, NULL, 0),
			 SAYSO_OK);
	assert_int_equal(t.projects[0].votes, 2);
	assert_int_equal(t.projects[0].money, 60);
	assert_int_equal(t.projects[1].money, 70);
	assert_int_equal(t.nselected, 0);
	assert_int_equal(t.spent, 0);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

/*
 * MES by hand. B = 100, 4 voters: v1 {A, C}, v2 {A, C}, v3 {A}, v4 {B}.
 * A costs 40, B 60, C 30. Start b = floor(100 / 4) = 25.
 *  b = 25: A: rho 40/3, key (rho/cost) 1/3; C: rho 15, key 1/2; B: v4 has
 *  25 < 60. Fund A; v1, v2 keep 35/3 each, 70/3 < 30: C dead. Outcome {A}.
 *  C becomes affordable when 2 (b - 40/3) >= 30, b >= 28.34: from b = 29
 *  the outcome is {A, C} = 70. B needs b >= 60: at b = 60 the outcome is
 *  {A, C, B} = 130 > 100. So the result is b = 59, {A, C}, 36 runs
 *  (25..60). Payments: v1, v2 pay 40/3 + 15; v3 pays 40/3; v4 nothing.
 */
static void test_mes_hand(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, 100);
	struct sayso_tally t = {0};
	char ids[64];
	size_t A = addp(e, "A", 40), B = addp(e, "B", 60), C = addp(e, "C", 30);

	(void)state;
	vote(e, (int)A, (int)C, -1);
	vote(e, (int)C, (int)A, -1);
	vote(e, (int)A, -1);
	vote(e, (int)B, -1);
	assert_int_equal(sayso_tally_run(e, SAYSO_RULE_MES, &t, NULL, 0),
			 SAYSO_OK);
	selected_ids(e, &t, ids, sizeof ids);
	assert_string_equal(ids, "A,C");
	assert_int_equal(t.per_voter, 59);
	assert_int_equal(t.runs, 36);
	assert_int_equal(t.spent, 70);
	assert_int_equal(t.left, 30);
	assert_int_equal(t.projects[A].order, 1);
	assert_int_equal(t.projects[C].order, 2);
	assert_true(fabs(t.projects[A].rho - 40.0 / 3) < 1e-9);
	assert_true(fabs(t.projects[C].rho - 15.0) < 1e-9);
	/* voter 1 picked A then C; voter 2 C then A */
	assert_true(fabs(t.pick_paid[0] - 40.0 / 3) < 1e-9);
	assert_true(fabs(t.pick_paid[1] - 15.0) < 1e-9);
	assert_true(fabs(t.pick_paid[2] - 15.0) < 1e-9);
	assert_true(fabs(t.pick_paid[3] - 40.0 / 3) < 1e-9);
	assert_true(fabs(t.pick_paid[4] - 40.0 / 3) < 1e-9);
	assert_true(t.pick_paid[5] == 0);
	sayso_tally_cleanup(&t);

	/* One plain run at 25: only A. */
	assert_int_equal(sayso_tally_mes_once(e, 25, &t, NULL, 0), SAYSO_OK);
	selected_ids(e, &t, ids, sizeof ids);
	assert_string_equal(ids, "A");
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

/*
 * MES tie on rho/cost broken by lower cost. B = 20, 2 voters both approve
 * X (10) and Y (16). b = 10: X pays 5 each (key 1/2), Y 8 each (key 1/2):
 * tie, X is cheaper and goes first; then Y needs 16 from 5 + 5: dead.
 * b = 13: X, then Y gets 8 + 8 = 16: outcome 26 > 20. Result b = 12, {X},
 * 4 runs. Had Y gone first the outcome would be {Y}.
 */
static void test_mes_tie_cost(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, 20);
	struct sayso_tally t = {0};
	char ids[64];

	(void)state;
	addp(e, "Y", 16);
	addp(e, "X", 10);
	vote(e, 0, 1, -1);
	vote(e, 1, 0, -1);
	assert_int_equal(sayso_tally_mes(e, &t, NULL, 0), SAYSO_OK);
	selected_ids(e, &t, ids, sizeof ids);
	assert_string_equal(ids, "X");
	assert_int_equal(t.per_voter, 12);
	assert_int_equal(t.runs, 4);
	/* Reported: X (index 1) beat Y (index 0) on its lower cost. */
	assert_int_equal(t.projects[1].tie_with, 1);
	assert_true(t.projects[1].tie_by_cost);
	assert_int_equal(t.projects[0].tie_with, 0);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

/*
 * MES tie on everything but the id: "10" and "9" cost 10, two supporters
 * each (the same two voters), B = 10, two voters: b = 5. Both have key
 * 1/2; "10" < "9" as text, so "10" is funded and "9" is then dead.
 * b = 6: "10" then "9" has 1 + 1: dead... until b = 10: both, 20 > 10.
 */
static void test_mes_tie_id(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, 10);
	struct sayso_tally t = {0};
	char ids[64];

	(void)state;
	addp(e, "9", 10);
	addp(e, "10", 10);
	vote(e, 0, 1, -1);
	vote(e, 0, 1, -1);
	assert_int_equal(sayso_tally_mes(e, &t, NULL, 0), SAYSO_OK);
	selected_ids(e, &t, ids, sizeof ids);
	assert_string_equal(ids, "10");
	assert_int_equal(t.per_voter, 9);
	assert_int_equal(t.runs, 6);
	/* Reported: "10" beat "9" by the id alone. */
	assert_int_equal(t.projects[1].tie_with, 1);
	assert_false(t.projects[1].tie_by_cost);
	assert_false(t.projects[1].tie_by_votes);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

/*
 * MES tie settled by votes, reported; one settled for a project funded
 * later is not. One run at 5 per voter, 7 voters. Z (20) has 4 supporters:
 * key 1/4, first; it empties v6. Then B (10; v0, v1 and the empty v6) and
 * A (10; v0, v2) both need 5 from each payer: key 1/2, same cost, B has 3
 * votes to A's 2 and goes first; v0 has nothing left, so A is dead.
 */
static void test_mes_tie_votes(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, 35);
	struct sayso_tally t = {0};
	char ids[64];
	size_t z, b, a;

	(void)state;
	z = addp(e, "Z", 20);
	b = addp(e, "B", 10);
	a = addp(e, "A", 10);
	vote(e, b, a, -1);
	vote(e, b, -1);
	vote(e, a, -1);
	vote(e, z, -1);
	vote(e, z, -1);
	vote(e, z, -1);
	vote(e, z, b, -1);
	assert_int_equal(sayso_tally_mes_once(e, 5, &t, NULL, 0), SAYSO_OK);
	selected_ids(e, &t, ids, sizeof ids);
	assert_string_equal(ids, "B,Z"); /* sorted by id */
	assert_int_equal(t.projects[b].tie_with, a + 1);
	assert_false(t.projects[b].tie_by_cost);
	assert_true(t.projects[b].tie_by_votes);
	assert_int_equal(t.projects[z].tie_with, 0);
	sayso_tally_cleanup(&t);
	/* At 10 each, A is funded after B: the tie changed only the order. */
	assert_int_equal(sayso_tally_mes_once(e, 10, &t, NULL, 0), SAYSO_OK);
	selected_ids(e, &t, ids, sizeof ids);
	assert_string_equal(ids, "A,B,Z");
	for (size_t i = 0; i < e->nprojects; i++)
		assert_int_equal(t.projects[i].tie_with, 0);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

/* Everything funded at the first run: add1 stops, no endless loop. */
static void test_mes_all_funded(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, 1000);
	struct sayso_tally t = {0};

	(void)state;
	addp(e, "a", 10);
	addp(e, "b", 10);
	addp(e, "nobody", 5);
	vote(e, 0, -1);
	vote(e, 1, -1);
	assert_int_equal(sayso_tally_mes(e, &t, NULL, 0), SAYSO_OK);
	assert_int_equal(t.nselected, 2);
	assert_int_equal(t.runs, 1);
	assert_int_equal(t.per_voter, 500);
	assert_false(t.projects[2].selected);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

static void test_mes_empty(void **state)
{
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, 1000);
	struct sayso_tally t = {0};

	(void)state;
	addp(e, "a", 10);
	assert_int_equal(sayso_tally_mes(e, &t, NULL, 0), SAYSO_OK);
	assert_int_equal(t.nselected, 0);
	assert_int_equal(t.spent, 0);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

/* ---- property test ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static void check_random_election(int round)
{
	size_t m = 2 + rnd(12), n = 1 + rnd(60), i, j;
	int64_t budget = 100 + rnd(5000);
	struct sayso_election *e = mk(SAYSO_BALLOT_APPROVAL, budget);
	struct sayso_tally g = {0}, t = {0}, next = {0};
	double *paid;
	int64_t supported = 0;
	char id[16];

	for (i = 0; i < m; i++) {
		snprintf(id, sizeof id, "p%zu", i);
		addp(e, id, rnd(4) == 0 ? 0 : 1 + rnd((uint32_t)budget));
	}
	for (i = 0; i < n; i++) {
		uint32_t picks[16];
		size_t k = 0;
		for (j = 0; j < m; j++)
			if (rnd(3) == 0)
				picks[k++] = (uint32_t)j;
		assert_int_equal(sayso_election_add_voter(e, picks, NULL, k),
				 SAYSO_OK);
	}
	for (i = 0; i < m; i++)
		supported += e->projects[i].votes > 0;

	/* greedy never overspends, and every skipped voted project really
	 * did not fit when its turn came (walk the order again). */
	assert_int_equal(sayso_tally_greedy(e, &g), SAYSO_OK);
	assert_true(g.spent <= budget);
	assert_int_equal(g.spent + g.left, budget);
	for (i = 0; i < m; i++) {
		int64_t before = 0;
		if (g.projects[i].selected || e->projects[i].votes == 0)
			continue;
		/* money committed before i's turn: projects ranked above */
		for (j = 0; j < m; j++) {
			const struct sayso_eproject *a = &e->projects[j],
						    *b = &e->projects[i];
			bool above =
			    a->votes > b->votes ||
			    (a->votes == b->votes &&
			     (a->cost < b->cost || (a->cost == b->cost &&
						    strcmp(a->id, b->id) < 0)));
			if (above && g.projects[j].selected)
				before += a->cost;
		}
		if (e->projects[i].cost <= budget - before)
			fail_msg("round %d: greedy skipped %s that fit", round,
				 e->projects[i].id);
	}

	/* MES never overspends; each voter pays at most its share; a funded
	 * project is paid in full by its supporters, nobody paying more than
	 * its rho; and one more unit per voter would overspend (or fund
	 * everything supported). */
	assert_int_equal(sayso_tally_mes(e, &t, NULL, 0), SAYSO_OK);
	assert_true(t.spent <= budget);
	paid = calloc(m, sizeof *paid);
	assert_non_null(paid);
	for (i = 0; i < e->nvoters; i++) {
		double total = 0;
		for (j = e->voter_start[i]; j < e->voter_start[i + 1]; j++) {
			uint32_t p = e->pick_project[j];
			double pay = t.pick_paid[j];
			assert_true(pay >= 0);
			if (!t.projects[p].selected)
				assert_true(pay == 0);
			else
				assert_true(pay <=
					    t.projects[p].rho * (1 + 1e-9) +
						1e-9);
			paid[p] += pay;
			total += pay;
		}
		assert_true(total <= (double)t.per_voter * (1 + 1e-9) + 1e-9);
	}
	for (i = 0; i < m; i++)
		if (t.projects[i].selected)
			assert_true(
			    fabs(paid[i] - (double)e->projects[i].cost) <=
			    1e-6 * ((double)e->projects[i].cost + 1));
	if ((int64_t)t.nselected < supported) {
		assert_int_equal(
		    sayso_tally_mes_once(e, t.per_voter + 1, &next, NULL, 0),
		    SAYSO_OK);
		assert_true(next.spent > budget);
		sayso_tally_cleanup(&next);
	}
	free(paid);
	sayso_tally_cleanup(&g);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

static void test_property_random(void **state)
{
	(void)state;
	for (int i = 0; i < 400; i++)
		check_random_election(i);
}

/* ---- loading from the store ---- */

static void cast_in(struct sayso_store *st, const char *round,
		    const char *phone, const char *picks,
		    enum sayso_cast_outcome want)
{
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	struct sayso_pick pk[16];
	size_t np = 0;
	const char *why = NULL;
	struct sayso_ballot_in in = {0};
	struct sayso_cast_result res;

	assert_int_equal(
	    sayso_store_resident(st, SAYSO_ID_PHONE, phone, rid, sizeof rid),
	    SAYSO_OK);
	assert_int_equal(sayso_picks_parse(picks, pk, 16, &np, &why), SAYSO_OK);
	in.round_code = round;
	in.resident_id = rid;
	in.channel = SAYSO_CH_PAPER;
	in.picks = pk;
	in.npicks = np;
	assert_int_equal(sayso_ballot_cast(st, &in, &res), SAYSO_OK);
	assert_int_equal(res.outcome, want);
}

static void cast(struct sayso_store *st, const char *phone, const char *picks,
		 enum sayso_cast_outcome want)
{
	cast_in(st, "r1", phone, picks, want);
}

static void test_load_from_store(void **state)
{
	struct sayso_store *st = tu_memstore();
	struct sayso_round r = {0};
	struct sayso_election *e = NULL;
	struct sayso_tally t = {0};
	const char *titles[3] = {"Benches", "Trees", "Lights"};
	int64_t costs[3] = {50000, 30000, 40000};

	(void)state;
	snprintf(r.code, sizeof r.code, "r1");
	snprintf(r.title, sizeof r.title, "Test round");
	snprintf(r.currency, sizeof r.currency, "GBP");
	r.budget = 80000;
	r.kind = SAYSO_BALLOT_APPROVAL;
	r.max_picks = 2;
	assert_int_equal(sayso_round_create(st, &r, "test"), SAYSO_OK);
	for (int i = 0; i < 3; i++) {
		struct sayso_project p = {0};
		snprintf(p.title, sizeof p.title, "%s", titles[i]);
		p.cost = costs[i];
		assert_int_equal(sayso_project_add(st, r.id, &p, "test"),
				 SAYSO_OK);
	}
	assert_int_equal(
	    sayso_round_set_state(st, "r1", SAYSO_ROUND_OPEN, "test"),
	    SAYSO_OK);
	/* A second round open at the same time, its ballots interleaved
	 * with r1's: they must not leak into r1's tally. */
	{
		struct sayso_round r2 = {0};
		snprintf(r2.code, sizeof r2.code, "r2");
		snprintf(r2.title, sizeof r2.title, "Other round");
		snprintf(r2.currency, sizeof r2.currency, "GBP");
		r2.budget = 1000;
		r2.kind = SAYSO_BALLOT_APPROVAL;
		assert_int_equal(sayso_round_create(st, &r2, "test"), SAYSO_OK);
		for (int i = 0; i < 3; i++) {
			struct sayso_project p = {0};
			snprintf(p.title, sizeof p.title, "Other %d", i);
			p.cost = 100;
			assert_int_equal(
			    sayso_project_add(st, r2.id, &p, "test"), SAYSO_OK);
		}
		assert_int_equal(
		    sayso_round_set_state(st, "r2", SAYSO_ROUND_OPEN, "test"),
		    SAYSO_OK);
	}
	cast_in(st, "r2", "+447700900009", "1,2,3", SAYSO_CAST_ACCEPTED);
	cast(st, "+447700900001", "1,2", SAYSO_CAST_ACCEPTED);
	cast_in(st, "r2", "+447700900008", "3", SAYSO_CAST_ACCEPTED);
	cast(st, "+447700900002", "1", SAYSO_CAST_ACCEPTED);
	cast_in(st, "r2", "+447700900001", "2", SAYSO_CAST_ACCEPTED);
	cast(st, "+447700900003", "2,3", SAYSO_CAST_ACCEPTED);
	cast(st, "+447700900001", "3", SAYSO_CAST_ALREADY_VOTED);
	cast(st, "+447700900004", "1,2,3", SAYSO_CAST_INVALID);

	assert_int_equal(sayso_election_load(st, r.id, &e), SAYSO_OK);
	assert_int_equal(e->nprojects, 3);
	assert_int_equal(e->nvoters, 3);
	assert_int_equal(e->counted, 3);
	assert_int_equal(e->superseded, 1);
	assert_int_equal(e->rejected, 1);
	assert_int_equal(e->nreasons, 2);
	assert_string_equal(e->projects[0].id, "1");
	assert_string_equal(e->projects[1].title, "Trees");
	assert_int_equal(e->projects[0].votes, 2);
	assert_int_equal(e->projects[1].votes, 2);
	assert_int_equal(e->projects[2].votes, 1);
	assert_int_equal(e->unit, 100);
	/* greedy: 1 and 2 have 2 votes; 2 is cheaper: 2 (30k), then 1 (50k)
	 * = 80k; 3 does not fit. */
	assert_int_equal(sayso_tally_greedy(e, &t), SAYSO_OK);
	assert_true(t.projects[0].selected);
	assert_true(t.projects[1].selected);
	assert_false(t.projects[2].selected);
	assert_int_equal(t.spent, 80000);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);

	/* Counts only: same votes and counts from the index, no ballots. */
	assert_int_equal(sayso_election_load_counts(st, r.id, &e), SAYSO_OK);
	assert_true(e->counts_only);
	assert_int_equal(e->nvoters, 3);
	assert_int_equal(e->superseded, 1);
	assert_int_equal(e->rejected, 1);
	assert_int_equal(e->projects[0].votes, 2);
	assert_int_equal(e->projects[1].votes, 2);
	assert_int_equal(e->projects[2].votes, 1);
	assert_true(e->projects[2].dbid > 0);
	{
		char err[256];
		assert_int_equal(
		    sayso_tally_run(e, SAYSO_RULE_MES, &t, err, sizeof err),
		    SAYSO_ERR_INVAL);
		sayso_tally_cleanup(&t);
	}
	sayso_election_free(e);

	/* The one-call form, greedy and MES. */
	assert_int_equal(
	    sayso_tally_round(st, r.id, SAYSO_RULE_GREEDY, &e, &t, NULL, 0),
	    SAYSO_OK);
	assert_int_equal(t.spent, 80000);
	assert_int_equal(t.nselected, 2);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
	assert_int_equal(
	    sayso_tally_round(st, r.id, SAYSO_RULE_MES, &e, &t, NULL, 0),
	    SAYSO_OK);
	assert_false(e->counts_only);
	assert_true(t.spent <= 80000);
	assert_true(t.runs >= 1);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);

	assert_int_equal(sayso_election_load(st, 999, &e), SAYSO_ERR_NOTFOUND);
	assert_null(e);
	sayso_store_close(st);
}

/* ---- the real elections ---- */

/* Extracts the string array after "key": [ ... ] into a sorted
 * comma-joined list. */
static bool json_list(const char *line, const char *key, char *out,
		      size_t outsz)
{
	char pat[64];
	const char *p, *end;
	const char *ids[1024];
	size_t lens[1024], n = 0, i, j, len = 0;

	snprintf(pat, sizeof pat, "\"%s\": [", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	end = strchr(p, ']');
	assert_non_null(end);
	while (p < end) {
		const char *q;
		p = strchr(p, '"');
		if (!p || p > end)
			break;
		q = strchr(p + 1, '"');
		assert_non_null(q);
		assert_true(n < 1024);
		ids[n] = p + 1;
		lens[n] = (size_t)(q - p - 1);
		n++;
		p = q + 1;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0; j--) {
			size_t a = lens[j - 1], b = lens[j];
			int c = strncmp(ids[j - 1], ids[j], a < b ? a : b);
			if (c < 0 || (c == 0 && a <= b))
				break;
			const char *x = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = x;
			lens[j] = a;
			lens[j - 1] = b;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		int w = snprintf(out + len, outsz - len, "%s%.*s", i ? "," : "",
				 (int)lens[i], ids[i]);
		assert_true(w > 0 && (size_t)w < outsz - len);
		len += (size_t)w;
	}
	return true;
}

static bool json_str(const char *line, const char *key, char *out, size_t outsz)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof pat, "\"%s\": \"", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	q = strchr(p, '"');
	if (!q || (size_t)(q - p) >= outsz)
		return false;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return true;
}

static bool json_num(const char *line, const char *key, double *out)
{
	char pat[64], *end;
	const char *p;

	snprintf(pat, sizeof pat, "\"%s\": ", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	*out = strtod(p + strlen(pat), &end);
	return end != p + strlen(pat);
}

static void test_expected_jsonl(void **state)
{
	const char *dir = shared_pb();
	char path[1024], line[16384];
	FILE *f;
	int checked = 0;

	(void)state;
	NEED_SHARED(dir);
	snprintf(path, sizeof path, "%s/expected.jsonl", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char file[256], rule[16], want[8192], got[8192];
		struct sayso_pb *pb;
		struct sayso_tally t = {0};
		enum sayso_rule r;
		char err[256];
		double num;

		if (!json_str(line, "file", file, sizeof file))
			continue;
		assert_true(json_str(line, "rule", rule, sizeof rule));
		assert_int_equal(sayso_rule_parse(rule, &r), SAYSO_OK);
		assert_true(json_list(line, "selected", want, sizeof want));
		pb = read_shared(dir, file);
		if (sayso_tally_run(pb->e, r, &t, err, sizeof err) != SAYSO_OK)
			fail_msg("%s %s: %s", file, rule, err);
		selected_ids(pb->e, &t, got, sizeof got);
		if (strcmp(got, want) != 0)
			fail_msg("%s %s:\n got  %s\n want %s", file, rule, got,
				 want);
		if (json_num(line, "per_voter", &num))
			assert_int_equal(t.per_voter,
					 (int64_t)llround(num * 100));
		if (json_num(line, "runs", &num))
			assert_int_equal(t.runs, (int)num);
		assert_true(t.spent <= pb->e->budget);
		sayso_tally_cleanup(&t);
		sayso_pb_free(pb);
		checked++;
	}
	fclose(f);
	assert_true(checked >= 8);
}

/* The cities' own outcomes: the `selected` column of each file. */
static void check_official(const char *dir, const char *file,
			   enum sayso_rule rule, int64_t want_spent)
{
	struct sayso_pb *pb = read_shared(dir, file);
	struct sayso_tally t = {0};
	size_t i, nsel = 0;

	assert_int_equal(sayso_tally_run(pb->e, rule, &t, NULL, 0), SAYSO_OK);
	for (i = 0; i < pb->e->nprojects; i++) {
		assert_true(pb->selected[i] >= 0);
		if ((pb->selected[i] == 1) != t.projects[i].selected)
			fail_msg("%s: project %s official %d, ours %d", file,
				 pb->e->projects[i].id, pb->selected[i],
				 t.projects[i].selected);
		nsel += pb->selected[i] == 1;
	}
	assert_int_equal(t.nselected, nsel);
	if (want_spent >= 0)
		assert_int_equal(t.spent, want_spent);
	sayso_tally_cleanup(&t);
	sayso_pb_free(pb);
}

static void test_official_wieliczka_mes(void **state)
{
	const char *dir = shared_pb();

	(void)state;
	NEED_SHARED(dir);
	/* 30 projects, 995,079 zł (README and equalshares.net). */
	check_official(dir, "poland_wieliczka_2023.pb", SAYSO_RULE_MES,
		       99507900);
}

static void test_official_greedy(void **state)
{
	const char *dir = shared_pb();

	(void)state;
	NEED_SHARED(dir);
	check_official(dir, "poland_lodz_2022_.pb", SAYSO_RULE_GREEDY, -1);
	check_official(dir, "poland_warszawa_2020_praga-poludnie.pb",
		       SAYSO_RULE_GREEDY, -1);
	check_official(dir, "poland_krakow_2021_.pb", SAYSO_RULE_GREEDY, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_names),
	    cmocka_unit_test(test_add_voter_checks),
	    cmocka_unit_test(test_greedy_hand),
	    cmocka_unit_test(test_greedy_tie_id_text),
	    cmocka_unit_test(test_greedy_points),
	    cmocka_unit_test(test_approval_knapsack_money),
	    cmocka_unit_test(test_mes_knapsack_as_approval),
	    cmocka_unit_test(test_mes_hand),
	    cmocka_unit_test(test_mes_tie_cost),
	    cmocka_unit_test(test_mes_tie_id),
	    cmocka_unit_test(test_mes_tie_votes),
	    cmocka_unit_test(test_mes_all_funded),
	    cmocka_unit_test(test_mes_empty),
	    cmocka_unit_test(test_property_random),
	    cmocka_unit_test(test_load_from_store),
	    cmocka_unit_test(test_expected_jsonl),
	    cmocka_unit_test(test_official_wieliczka_mes),
	    cmocka_unit_test(test_official_greedy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

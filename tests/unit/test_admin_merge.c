/*
 * test_admin_merge.c: sayso_merge_kiosk() and sayso_erase_resident().
 *
 * Merging brings ballots, ratings, reports (with their history and the held
 * "tell me when it's fixed" SMS) by uid, records the merge, and a second
 * merge of the same file changes nothing. Another site's database, a file
 * that is not sayso's and the database itself are refused with nothing
 * written. Erasure removes every link to the resident (resident row, outbox
 * rows with the number, report and rating links) while ballots keep counting
 * under one pseudonym.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/erase.h"
#include "sayso/feedback.h"
#include "sayso/merge.h"
#include "sayso/round.h"
#include "sayso/store.h"

#define E164 "+447700900321"

static void make_round(struct sayso_store *st)
{
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "r");
	snprintf(r.title, sizeof r.title, "R");
	snprintf(r.currency, sizeof r.currency, "GBP");
	r.budget = 100000;
	r.min_picks = 1;
	assert_int_equal(sayso_round_create(st, &r, "test"), SAYSO_OK);
	for (int i = 0; i < 2; i++) {
		struct sayso_project p;
		memset(&p, 0, sizeof p);
		snprintf(p.title, sizeof p.title, "P%d", i + 1);
		p.cost = 1000;
		assert_int_equal(sayso_project_add(st, r.id, &p, "test"),
				 SAYSO_OK);
	}
	assert_int_equal(
	    sayso_round_set_state(st, r.code, SAYSO_ROUND_OPEN, "test"),
	    SAYSO_OK);
}

struct env {
	char dir[256], main[768], secret[300], kiosk[300];
};

/* main.db with round r; kiosk.db enrolled from it with one ballot, one
 * rating and one report whose resident left a number for an update. */
static void setup(struct env *v)
{
	tu_tmpdir(v->dir, sizeof v->dir);
	tu_site(v->dir, "main.db", v->main, sizeof v->main, v->secret,
		sizeof v->secret);
	snprintf(v->kiosk, sizeof v->kiosk, "%s/kiosk.db", v->dir);
	struct sayso_store *st = tu_store_open(v->main, SAYSO_STORE_INIT);
	make_round(st);
	struct sayso_enrol_result er;
	assert_int_equal(
	    sayso_kiosk_enrol(st, "kiosk-3", v->kiosk, "test", &er), SAYSO_OK);
	assert_int_equal(er.rounds, 1);
	assert_int_equal(er.projects, 2);
	sayso_store_close(st);

	struct sayso_store *k = tu_store_open(v->kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "kiosk-3", "kiosk"),
			 SAYSO_OK);
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	assert_int_equal(
	    sayso_store_resident(k, SAYSO_ID_PHONE, E164, rid, sizeof rid),
	    SAYSO_OK);
	struct sayso_pick pick = {2, 1};
	struct sayso_ballot_in in;
	memset(&in, 0, sizeof in);
	in.round_code = "r";
	in.resident_id = rid;
	in.channel = SAYSO_CH_KIOSK;
	in.picks = &pick;
	in.npicks = 1;
	struct sayso_cast_result res;
	assert_int_equal(sayso_ballot_cast(k, &in, &res), SAYSO_OK);
	assert_int_equal(res.outcome, SAYSO_CAST_ACCEPTED);
	struct sayso_rating_in ri;
	memset(&ri, 0, sizeof ri);
	ri.score = 5;
	ri.resident_id = rid;
	ri.channel = SAYSO_CH_KIOSK;
	assert_int_equal(sayso_rating_add(k, &ri, NULL, 0), SAYSO_OK);
	struct sayso_report_in rp;
	memset(&rp, 0, sizeof rp);
	rp.category = "fly_tipping";
	rp.street = "Byron Street";
	rp.text = "Mattress in the alley";
	rp.resident_id = rid;
	rp.notify_phone = E164;
	rp.channel = SAYSO_CH_KIOSK;
	char ref[SAYSO_REF_LEN + 1];
	assert_int_equal(sayso_report_add(k, &rp, ref, sizeof ref), SAYSO_OK);
	assert_int_equal(tu_count(k, "SELECT count(*) FROM sms_outbox WHERE "
				     "status = 'held'"),
			 1);
	sayso_store_close(k);
}

static void test_merge_all_kinds_idempotent(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	struct sayso_store *st = tu_store_open(v.main, 0);
	struct sayso_merge_result m;
	assert_int_equal(sayso_merge_kiosk(st, v.kiosk, "admin:test", 0, &m),
			 SAYSO_OK);
	assert_int_equal(m.ballots, 1);
	assert_int_equal(m.ratings, 1);
	assert_int_equal(m.reports, 1);
	assert_string_equal(m.device_id, "kiosk-3");
	assert_int_equal(tu_count(st,
				  "SELECT count(*) FROM ballots WHERE status "
				  "= 'counted' AND channel = 'kiosk' AND "
				  "device_id = 'kiosk-3'"),
			 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballot_items"), 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ratings"), 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM report_history"),
			 1);
	assert_int_equal(tu_count(st,
				  "SELECT count(*) FROM sms_outbox WHERE "
				  "status = 'held' AND to_number = '" E164 "'"),
			 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM merges"), 1);
	assert_int_equal(tu_count(st,
				  "SELECT count(*) FROM audit WHERE action = "
				  "'merge'"),
			 1);

	/* Again: nothing new, no second merges row. */
	assert_int_equal(sayso_merge_kiosk(st, v.kiosk, "admin:test", 0, &m),
			 SAYSO_OK);
	assert_int_equal(m.ballots + m.ratings + m.reports, 0);
	assert_int_equal(m.known, 3);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballots"), 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballot_items"), 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ratings"), 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM sms_outbox"), 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM merges"), 1);
	sayso_store_close(st);
	tu_rmtree(v.dir);
}

static void test_merge_refusals(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	char other[320], junk[320];
	snprintf(other, sizeof other, "%s/other.db", v.dir);
	snprintf(junk, sizeof junk, "%s/junk.db", v.dir);
	struct sayso_store *o = tu_store_open(other, SAYSO_STORE_INIT);
	make_round(o);
	sayso_store_close(o);
	FILE *f = fopen(junk, "w");
	assert_non_null(f);
	fputs("not a database at all\n", f);
	fclose(f);

	struct sayso_store *st = tu_store_open(v.main, 0);
	int64_t audit = tu_count(st, "SELECT count(*) FROM audit");
	struct sayso_merge_result m;
	assert_int_equal(sayso_merge_kiosk(st, other, "admin:test", 0, &m),
			 SAYSO_ERR_SECRET);
	assert_non_null(strstr(sayso_store_errmsg(st), "another site"));
	assert_int_equal(sayso_merge_kiosk(st, junk, "admin:test", 0, &m),
			 SAYSO_ERR_NOT_SAYSO);
	assert_int_equal(sayso_merge_kiosk(st, v.main, "admin:test", 0, &m),
			 SAYSO_ERR_INVAL);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballots"), 0);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM merges"), 0);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM audit"), audit);
	sayso_store_close(st);
	tu_rmtree(v.dir);
}

static void test_merge_unknown_round_writes_nothing(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	/* The round the kiosk voted in is gone from the site. */
	struct sayso_store *st = tu_store_open(v.main, 0);
	assert_int_equal(Sayso_store_exec(st, "DELETE FROM rounds", "test SQL"),
			 SAYSO_OK);
	struct sayso_merge_result m;
	assert_int_equal(sayso_merge_kiosk(st, v.kiosk, "admin:test", 0, &m),
			 SAYSO_ERR_NOTFOUND);
	assert_non_null(strstr(sayso_store_errmsg(st), "round 'r'"));
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballots"), 0);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ratings"), 0);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM merges"), 0);
	sayso_store_close(st);
	tu_rmtree(v.dir);
}

/* A kiosk ballot for a project the site's round lacks arrives rejected,
 * naming the project as the kiosk showed it; the kiosk's other ballot still
 * counts. */
static void test_merge_unknown_project_rejected(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	struct sayso_store *k = tu_store_open(v.kiosk, 0);
	assert_int_equal(sayso_store_set_device(k, "kiosk-3", "kiosk"),
			 SAYSO_OK);
	struct sayso_round r;
	assert_int_equal(sayso_round_get(k, "r", &r), SAYSO_OK);
	struct sayso_project p;
	memset(&p, 0, sizeof p);
	snprintf(p.title, sizeof p.title, "Only on the kiosk");
	p.cost = 1000;
	/* sayso adds projects to drafts only: the kiosk's copy was changed
	 * behind its back. */
	assert_int_equal(sayso_project_add(k, r.id, &p, "test"),
			 SAYSO_ERR_STATE);
	assert_int_equal(
	    Sayso_store_exec(
		k,
		"INSERT INTO projects(round_id, number, title, cost) "
		"SELECT id, 3, 'Only on the kiosk', 1000 FROM rounds "
		"WHERE code = 'r'",
		"test SQL"),
	    SAYSO_OK);
	p.id = Sayso_store_last_id(k);
	p.number = 3;
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	assert_int_equal(sayso_store_resident(k, SAYSO_ID_PHONE,
					      "+447700900999", rid, sizeof rid),
			 SAYSO_OK);
	struct sayso_pick pick = {3, 1};
	struct sayso_ballot_in in;
	memset(&in, 0, sizeof in);
	in.round_code = "r";
	in.resident_id = rid;
	in.channel = SAYSO_CH_KIOSK;
	in.picks = &pick;
	in.npicks = 1;
	struct sayso_cast_result res;
	assert_int_equal(sayso_ballot_cast(k, &in, &res), SAYSO_OK);
	assert_int_equal(res.outcome, SAYSO_CAST_ACCEPTED);
	sayso_store_close(k);

	struct sayso_store *st = tu_store_open(v.main, 0);
	struct sayso_merge_result m;
	assert_int_equal(sayso_merge_kiosk(st, v.kiosk, "admin:test", 0, &m),
			 SAYSO_OK);
	assert_int_equal(m.ballots, 2);
	assert_int_equal(tu_count(st,
				  "SELECT count(*) FROM ballots WHERE status "
				  "= 'counted'"),
			 1);
	assert_int_equal(tu_count(st,
				  "SELECT count(*) FROM ballots WHERE status "
				  "= 'rejected' AND reason = 'project list "
				  "changed: the kiosk showed #3 ''Only on "
				  "the kiosk'', which this round does not "
				  "have'"),
			 1);
	/* The items the site has a project for: none for that ballot. */
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballot_items"), 1);
	sayso_store_close(st);
	tu_rmtree(v.dir);
}

/* Round codes are case-insensitive (migration 0002): a kiosk's ballots for
 * "r" land in the site's round "R". */
static void test_merge_round_code_any_case(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	struct sayso_store *st = tu_store_open(v.main, 0);
	assert_int_equal(
	    Sayso_store_exec(st, "UPDATE rounds SET code = 'R'", "test SQL"),
	    SAYSO_OK);
	struct sayso_merge_result m;
	assert_int_equal(sayso_merge_kiosk(st, v.kiosk, "admin:test", 0, &m),
			 SAYSO_OK);
	assert_int_equal(m.ballots, 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballots b JOIN "
				      "rounds r ON r.id = b.round_id WHERE "
				      "r.code = 'R' AND b.status = 'counted'"),
			 1);
	sayso_store_close(st);
	tu_rmtree(v.dir);
}

static void test_erase(void **state)
{
	(void)state;
	struct env v;
	setup(&v);
	struct sayso_store *st = tu_store_open(v.main, 0);
	struct sayso_merge_result m;
	assert_int_equal(sayso_merge_kiosk(st, v.kiosk, "admin:test", 0, &m),
			 SAYSO_OK);
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	assert_int_equal(
	    sayso_store_resident(st, SAYSO_ID_PHONE, E164, rid, sizeof rid),
	    SAYSO_OK);
	/* A second, superseded ballot so the pseudonym must group them. */
	struct sayso_pick pick = {1, 1};
	struct sayso_ballot_in in;
	memset(&in, 0, sizeof in);
	in.round_code = "r";
	in.resident_id = rid;
	in.channel = SAYSO_CH_PAPER;
	in.picks = &pick;
	in.npicks = 1;
	struct sayso_cast_result res;
	assert_int_equal(sayso_ballot_cast(st, &in, &res), SAYSO_OK);
	assert_int_equal(res.outcome, SAYSO_CAST_ALREADY_VOTED);

	bool known = false;
	assert_int_equal(sayso_resident_known(st, rid, &known), SAYSO_OK);
	assert_true(known);
	struct sayso_erase_result er;
	assert_int_equal(sayso_erase_resident(st, rid, "admin:test", &er),
			 SAYSO_OK);
	assert_int_equal(sayso_resident_known(st, rid, &known), SAYSO_OK);
	assert_false(known);
	assert_true(er.found);
	assert_int_equal(er.ballots, 2);
	assert_int_equal(er.ratings, 1);
	assert_int_equal(er.reports, 1);
	assert_int_equal(er.messages, 1);
	assert_int_equal(er.open_rounds, 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM residents"), 0);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM sms_outbox"), 0);
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM ballots WHERE resident_id = '%s'", rid);
	assert_int_equal(tu_count(st, sql), 0);
	assert_int_equal(tu_count(st,
				  "SELECT count(DISTINCT resident_id) FROM "
				  "ballots WHERE resident_id LIKE 'erased-%'"),
			 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ratings WHERE "
				      "resident_id IS NOT NULL"),
			 0);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM reports WHERE "
				      "resident_id IS NOT NULL"),
			 0);
	/* Tallies unchanged: still one counted (the kiosk's, project 2), and
	 * re-applying the one-vote rule keeps it so. */
	size_t changed = 99;
	struct sayso_round r;
	assert_int_equal(sayso_round_get(st, "r", &r), SAYSO_OK);
	assert_int_equal(sayso_ballot_reapply(st, r.id, &changed), SAYSO_OK);
	assert_int_equal(changed, 0);
	assert_int_equal(tu_count(st,
				  "SELECT count(*) FROM ballots b JOIN "
				  "ballot_items i ON i.ballot_id = b.id JOIN "
				  "projects p ON p.id = i.project_id WHERE "
				  "b.status = 'counted' AND p.number = 2"),
			 1);
	assert_int_equal(tu_count(st,
				  "SELECT count(*) FROM ballots WHERE status "
				  "= 'counted'"),
			 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM audit WHERE detail LIKE '%%%s%%'", rid);
	assert_int_equal(tu_count(st, sql), 0);

	/* Nothing left to erase. */
	assert_int_equal(sayso_erase_resident(st, rid, "admin:test", &er),
			 SAYSO_OK);
	assert_false(er.found);
	sayso_store_close(st);
	tu_rmtree(v.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge_all_kinds_idempotent),
	    cmocka_unit_test(test_merge_refusals),
	    cmocka_unit_test(test_merge_unknown_round_writes_nothing),
	    cmocka_unit_test(test_merge_unknown_project_rejected),
	    cmocka_unit_test(test_merge_round_code_any_case),
	    cmocka_unit_test(test_erase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

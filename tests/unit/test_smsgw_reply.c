/*
 * test_smsgw_reply.c: what each text does and what the resident is told,
 * against an in-memory store holding the demo round (POETS26, 12 projects,
 * budget £50,000, max 5 picks, first vote counts).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "reply.h"
#include "sayso/ballot.h"
#include "sayso/demo.h"
#include "sayso/gsm7.h"
#include "sayso/identity.h"
#include "sayso/round.h"
#include "sayso/sms.h"
#include "testutil.h"

struct fx {
	struct sayso_store *st;
	struct sayso_config cfg;
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	char rid2[SAYSO_RESIDENT_ID_LEN + 1];
};

static const int64_t NOW = 1795400000000LL; /* 2026-11-20 */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->st = tu_memstore();
	const char *src = getenv("SAYSO_SRC");
	char assets[1024];
	snprintf(assets, sizeof assets, "%s/assets", src ? src : "../..");
	bool created = false;
	assert_int_equal(sayso_demo_load(f->st, assets, "test", &created),
			 SAYSO_OK);
	assert_int_equal(sayso_config_defaults(&f->cfg), SAYSO_OK);
	snprintf(f->cfg.site.name, sizeof f->cfg.site.name, "Poets Streets");
	for (size_t i = 0; i < f->cfg.site.streets.n; i++)
		free(f->cfg.site.streets.items[i]);
	free(f->cfg.site.streets.items);
	f->cfg.site.streets.items = calloc(3, sizeof(char *));
	f->cfg.site.streets.items[0] = strdup("Byron Street");
	f->cfg.site.streets.items[1] = strdup("Keats Road");
	f->cfg.site.streets.n = 2;
	assert_int_equal(sayso_store_resident(f->st, SAYSO_ID_PHONE,
					      "+447700900456", f->rid,
					      sizeof f->rid),
			 SAYSO_OK);
	assert_int_equal(sayso_store_resident(f->st, SAYSO_ID_PHONE,
					      "+447700900457", f->rid2,
					      sizeof f->rid2),
			 SAYSO_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	sayso_config_cleanup(&f->cfg);
	sayso_store_close(f->st);
	free(f);
	return 0;
}

/* Runs one text through the handler; returns the reply (static). */
static const char *say(struct fx *f, const char *rid, const char *text,
		       char *outcome)
{
	static char reply[SMSGW_REPLY_MAX];
	char oc[SMSGW_OUTCOME_MAX];
	assert_int_equal(smsgw_reply_handle(f->st, &f->cfg, rid, text, NOW,
					    reply, sizeof reply, oc, sizeof oc),
			 SAYSO_OK);
	if (outcome)
		memcpy(outcome, oc, sizeof oc);
	/* Every reply fits one message, except lists (three parts). */
	struct sayso_sms_count c;
	sayso_gsm7_count(reply, strlen(reply), &c);
	assert_true(c.segments <= 3);
	return reply;
}

static int64_t count(struct fx *f, const char *sql)
{
	struct sayso_stmt *s = NULL;
	assert_int_equal(Sayso_stmt_prepare(f->st, sql, &s), SAYSO_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	int64_t n = Sayso_col_int64(s, 0);
	Sayso_stmt_finalize(s);
	return n;
}

static void test_vote_accepted_then_already(void **state)
{
	struct fx *f = *state;
	char oc[SMSGW_OUTCOME_MAX];
	const char *r = say(f, f->rid, "VOTE 3 7", oc);
	assert_string_equal(oc, "vote");
	assert_non_null(strstr(r, "counted"));
	assert_non_null(strstr(r, "3 Bulky-waste"));
	assert_non_null(strstr(r, "7 School uniform swap"));
	struct sayso_sms_count c;
	sayso_gsm7_count(r, strlen(r), &c);
	assert_true(c.gsm7);
	assert_int_equal(c.segments, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM ballots WHERE "
				  "status = 'counted'"),
			 1);

	r = say(f, f->rid, "v 1,2", oc);
	assert_string_equal(oc, "vote_already");
	assert_non_null(strstr(r, "already voted"));
	assert_non_null(strstr(r, "by text"));
	assert_int_equal(count(f, "SELECT count(*) FROM ballots WHERE "
				  "status = 'counted'"),
			 1);
}

static void test_vote_invalid_and_unreadable(void **state)
{
	struct fx *f = *state;
	char oc[SMSGW_OUTCOME_MAX];
	const char *r = say(f, f->rid, "VOTE 13", oc);
	assert_string_equal(oc, "vote_invalid");
	assert_non_null(strstr(r, "13"));
	assert_non_null(strstr(r, "PROJECTS"));
	r = say(f, f->rid2, "VOTE 1 2 3 4 5 6", oc);
	assert_string_equal(oc, "vote_invalid");
	assert_non_null(strstr(r, "5"));
	r = say(f, f->rid2, "VOTE", oc);
	assert_string_equal(oc, "vote_unreadable");
	assert_int_equal(count(f, "SELECT count(*) FROM ballots WHERE "
				  "status = 'counted'"),
			 0);
}

/* Who may vote is core's decision on the SMS path too: a round that takes
 * voter codes only refuses a text, with the reason, and counts nothing. */
static void test_vote_code_round_refuses_texts(void **state)
{
	struct fx *f = *state;
	char oc[SMSGW_OUTCOME_MAX];
	assert_int_equal(Sayso_store_exec(f->st,
					  "UPDATE rounds SET identity = 'code'",
					  "test SQL"),
			 SAYSO_OK);
	const char *r = say(f, f->rid, "VOTE 3 7", oc);
	assert_string_equal(oc, "vote_invalid");
	assert_non_null(strstr(r, "voter codes only"));
	assert_int_equal(count(f, "SELECT count(*) FROM ballots WHERE "
				  "status = 'counted'"),
			 0);
}

static void test_vote_no_open_round(void **state)
{
	struct fx *f = *state;
	assert_int_equal(
	    sayso_round_set_state(f->st, "POETS26", SAYSO_ROUND_CLOSED, "test"),
	    SAYSO_OK);
	char oc[SMSGW_OUTCOME_MAX];
	const char *r = say(f, f->rid, "VOTE 3", oc);
	assert_string_equal(oc, "vote_noround");
	assert_non_null(strstr(r, "no vote open"));
}

static void test_default_round_from_config(void **state)
{
	struct fx *f = *state;
	char oc[SMSGW_OUTCOME_MAX];
	snprintf(f->cfg.site.round, sizeof f->cfg.site.round, "NOSUCH");
	const char *r = say(f, f->rid, "VOTE 3", oc);
	assert_string_equal(oc, "vote_noround");
	assert_non_null(strstr(r, "NOSUCH"));
	snprintf(f->cfg.site.round, sizeof f->cfg.site.round, "POETS26");
	r = say(f, f->rid, "VOTE 3", oc);
	assert_string_equal(oc, "vote");
}

static void test_rating_and_followup(void **state)
{
	struct fx *f = *state;
	char oc[SMSGW_OUTCOME_MAX];
	const char *r = say(f, f->rid, "RATE 4", oc);
	assert_string_equal(oc, "rating");
	assert_non_null(strstr(r, "best thing"));
	r = say(f, f->rid, "The new trees on Byron Street", oc);
	assert_string_equal(oc, "followup");
	assert_int_equal(count(f,
			       "SELECT count(*) FROM ratings WHERE score = 4"
			       " AND answer = 'The new trees on Byron Street'"),
			 1);
	/* The window is used once: the next free text gets help. */
	r = say(f, f->rid, "and the park", oc);
	assert_string_equal(oc, "unknown");
	assert_non_null(strstr(r, "didn't understand"));
}

static void test_followup_expires(void **state)
{
	struct fx *f = *state;
	char reply[SMSGW_REPLY_MAX], oc[SMSGW_OUTCOME_MAX];
	assert_int_equal(smsgw_reply_handle(f->st, &f->cfg, f->rid, "5", NOW,
					    reply, sizeof reply, oc, sizeof oc),
			 SAYSO_OK);
	assert_string_equal(oc, "rating");
	/* 31 minutes later (followup_minutes = 30 by default). */
	assert_int_equal(smsgw_reply_handle(f->st, &f->cfg, f->rid, "lovely",
					    NOW + 31 * 60000, reply,
					    sizeof reply, oc, sizeof oc),
			 SAYSO_OK);
	assert_string_equal(oc, "unknown");
	assert_int_equal(count(f, "SELECT count(*) FROM ratings WHERE "
				  "answer IS NOT NULL AND answer <> ''"),
			 0);
}

static void test_report_category_and_street(void **state)
{
	struct fx *f = *state;
	char oc[SMSGW_OUTCOME_MAX];
	const char *r =
	    say(f, f->rid,
		"REPORT fly-tipping, a sofa in the alley on keats rd", oc);
	assert_string_equal(oc, "report");
	assert_non_null(strstr(r, "Keats Road"));
	assert_int_equal(count(f, "SELECT count(*) FROM reports WHERE "
				  "street = 'Keats Road' AND category <> "
				  "'other' AND channel = 'sms'"),
			 1);
	r = say(f, f->rid, "REPORT", oc);
	assert_string_equal(oc, "report_empty");
	assert_int_equal(count(f, "SELECT count(*) FROM reports"), 1);
}

static void test_projects_list_fits_three_parts(void **state)
{
	struct fx *f = *state;
	char oc[SMSGW_OUTCOME_MAX];
	const char *r = say(f, f->rid, "PROJECTS", oc);
	assert_string_equal(oc, "projects");
	assert_non_null(strstr(r, "1 Poets Park"));
	assert_non_null(strstr(r, "£50,000"));
	struct sayso_sms_count c;
	sayso_gsm7_count(r, strlen(r), &c);
	assert_true(c.gsm7);
	assert_true(c.segments >= 2 && c.segments <= 3);
}

static void test_stop_start(void **state)
{
	struct fx *f = *state;
	char oc[SMSGW_OUTCOME_MAX];
	const char *r = say(f, f->rid, "STOP", oc);
	assert_string_equal(oc, "stop");
	assert_string_equal(r, "");
	bool out = false;
	assert_int_equal(sayso_optout_get(f->st, f->rid, &out), SAYSO_OK);
	assert_true(out);
	/* Still counted, but no reply. */
	r = say(f, f->rid, "VOTE 2", oc);
	assert_string_equal(oc, "vote");
	assert_string_equal(r, "");
	assert_int_equal(count(f, "SELECT count(*) FROM ballots WHERE "
				  "status = 'counted'"),
			 1);
	r = say(f, f->rid, "HELP", oc);
	assert_string_equal(r, "");
	r = say(f, f->rid, "start", oc);
	assert_string_equal(oc, "start");
	assert_non_null(strstr(r, "again"));
	assert_int_equal(sayso_optout_get(f->st, f->rid, &out), SAYSO_OK);
	assert_false(out);
	/* The other resident is not affected by the first one's STOP. */
	assert_int_equal(sayso_optout_get(f->st, f->rid2, &out), SAYSO_OK);
	assert_false(out);
}

static void test_help_results_unknown(void **state)
{
	struct fx *f = *state;
	char oc[SMSGW_OUTCOME_MAX];
	const char *r = say(f, f->rid, "help", oc);
	assert_string_equal(oc, "help");
	assert_non_null(strstr(r, "VOTE"));
	assert_non_null(strstr(r, "STOP"));
	f->cfg.site.results_url[0] = '\0';
	/* HELP is one GSM-7 message even with a long site name. */
	snprintf(f->cfg.site.name, sizeof f->cfg.site.name,
		 "The Poets Streets Community Hub and Friends of Poets Park");
	r = say(f, f->rid, "HELP", oc);
	struct sayso_sms_count c;
	sayso_gsm7_count(r, strlen(r), &c);
	assert_true(c.gsm7);
	assert_int_equal(c.segments, 1);
	assert_non_null(strstr(r, "STOP to opt out."));
	r = say(f, f->rid, "RESULTS", oc);
	assert_non_null(strstr(r, "published"));
	snprintf(f->cfg.site.results_url, sizeof f->cfg.site.results_url,
		 "https://poets.example.org/results");
	r = say(f, f->rid, "RESULTS", oc);
	assert_string_equal(r, "Results: https://poets.example.org/results");
	r = say(f, f->rid, "\xFF\xFE junk \x01", oc);
	assert_non_null(strstr(r, "didn't understand"));
	r = say(f, f->rid, "", oc);
	assert_string_equal(oc, "empty");
}

static void test_ucs2_detection(void **state)
{
	(void)state;
	assert_false(smsgw_reply_needs_ucs2("Thanks, £5 {ok}"));
	assert_true(smsgw_reply_needs_ucs2("Diolch \xC5\xB5")); /* ŵ */
	assert_true(smsgw_reply_needs_ucs2("\xF0\x9F\x98\x80"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_vote_accepted_then_already,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vote_invalid_and_unreadable,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vote_code_round_refuses_texts,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vote_no_open_round, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_default_round_from_config,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rating_and_followup, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_followup_expires, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_report_category_and_street,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_projects_list_fits_three_parts,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_start, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_help_results_unknown, setup,
					    teardown),
	    cmocka_unit_test(test_ucs2_detection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

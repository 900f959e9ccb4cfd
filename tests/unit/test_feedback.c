/* test_feedback.c: ratings, reports and their history, held report updates,
 * category guesses, street matching, and the SMS inbox/outbox queues. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/demo.h"
#include "sayso/feedback.h"
#include "sayso/round.h"
#include "sayso/sms.h"

static int64_t scalar(struct sayso_store *st, const char *sql)
{
	struct sayso_stmt *s;
	assert_int_equal(Sayso_stmt_prepare(st, sql, &s), SAYSO_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	int64_t v = Sayso_col_int64(s, 0);
	Sayso_stmt_finalize(s);
	return v;
}

static void test_ratings(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	struct sayso_rating_in in = {.score = 5, .channel = SAYSO_CH_KIOSK};
	char uid[27];
	assert_int_equal(sayso_rating_add(st, &in, uid, sizeof uid), SAYSO_OK);
	assert_int_equal(
	    sayso_rating_set_followup(st, uid, "best", "green spaces"),
	    SAYSO_OK);
	in.score = 0;
	assert_int_equal(sayso_rating_add(st, &in, NULL, 0), SAYSO_ERR_INVAL);
	in.score = 6;
	assert_int_equal(sayso_rating_add(st, &in, NULL, 0), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_rating_set_followup(st, "NOPE", "best", "x"),
			 SAYSO_ERR_NOTFOUND);
	/* A merged rating keeps its uid; merging it twice is refused. */
	in.score = 2;
	in.uid = uid;
	assert_int_equal(sayso_rating_add(st, &in, NULL, 0), SAYSO_ERR_EXISTS);
	assert_int_equal(scalar(st, "SELECT count(*) FROM ratings"), 1);
	assert_int_equal(
	    scalar(st, "SELECT count(*) FROM ratings WHERE score = 5 "
		       "AND answer = 'green spaces' AND device_id = 'test'"),
	    1);
	/* Long answers are cut at a UTF-8 boundary. */
	char longans[600];
	memset(longans, 0, sizeof longans);
	for (int i = 0; i < 250; i++)
		memcpy(longans + 2 * i, "\xC5\x82", 2); /* ł */
	in.uid = NULL;
	in.score = 4;
	in.answer = longans;
	in.question = "better";
	char uid2[27];
	assert_int_equal(sayso_rating_add(st, &in, uid2, sizeof uid2),
			 SAYSO_OK);
	assert_int_equal(
	    scalar(st, tu_pg() ? "SELECT octet_length(answer) FROM ratings "
				 "WHERE score = 4"
			       : "SELECT length(CAST(answer AS BLOB)) FROM "
				 "ratings WHERE score = 4"),
	    280);
	sayso_store_close(st);
}

static void test_reports(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	struct sayso_report_in in = {
	    .category = "fly-tipping",
	    .street = "Byron Street",
	    .text = "Mattress dumped in the alley <script>",
	    .channel = SAYSO_CH_KIOSK,
	    .notify_phone = "+447700900462",
	};
	char ref[SAYSO_REF_LEN + 1];
	assert_int_equal(sayso_report_add(st, &in, ref, sizeof ref), SAYSO_OK);
	assert_int_equal(strlen(ref), 7);
	assert_int_equal(ref[3], '-');
	assert_int_equal(
	    scalar(st, "SELECT count(*) FROM sms_outbox WHERE status = 'held'"),
	    1);
	char lower[8];
	for (int i = 0; i < 8; i++)
		lower[i] = (char)(ref[i] >= 'A' && ref[i] <= 'Z' ? ref[i] + 32
								 : ref[i]);
	assert_int_equal(
	    sayso_report_set_status(st, lower, SAYSO_REPORT_IN_PROGRESS,
				    "Passed to the council", "admin:jo"),
	    SAYSO_OK);
	assert_int_equal(
	    scalar(st, "SELECT count(*) FROM sms_outbox WHERE status = 'held'"),
	    1);
	assert_int_equal(sayso_report_set_status(st, ref, SAYSO_REPORT_RESOLVED,
						 "Cleared on Tuesday.",
						 "admin:jo"),
			 SAYSO_OK);
	assert_int_equal(
	    scalar(st,
		   "SELECT count(*) FROM sms_outbox WHERE status = 'queued' "
		   "AND body LIKE 'Your report %resolved%Cleared on Tuesday.'"),
	    1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM report_history"), 3);
	assert_int_equal(
	    scalar(st,
		   "SELECT count(*) FROM audit WHERE action = 'report.status'"),
	    2);
	assert_int_equal(sayso_report_set_status(st, "ZZZ-ZZZ",
						 SAYSO_REPORT_RESOLVED, NULL,
						 "admin:jo"),
			 SAYSO_ERR_NOTFOUND);
	/* Report text limit. */
	char big[SAYSO_REPORT_TEXT_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	in.text = big;
	in.notify_phone = NULL;
	assert_int_equal(sayso_report_add(st, &in, ref, sizeof ref),
			 SAYSO_ERR_TOOBIG);
	in.text = NULL;
	in.category = "";
	assert_int_equal(sayso_report_add(st, &in, ref, sizeof ref),
			 SAYSO_ERR_INVAL);
	/* A uid already stored is "already stored" (merges skip it); a
	 * caller's reference already taken by another report is the
	 * constraint's own EXISTS. Neither writes anything. */
	in.category = "litter";
	in.uid = "0000000000000000000000000000test";
	char ref2[SAYSO_REF_LEN + 1];
	assert_int_equal(sayso_report_add(st, &in, ref2, sizeof ref2),
			 SAYSO_OK);
	int64_t before = scalar(st, "SELECT count(*) FROM reports");
	assert_int_equal(sayso_report_add(st, &in, ref2, sizeof ref2),
			 SAYSO_ERR_EXISTS);
	assert_non_null(strstr(sayso_store_errmsg(st), "already stored"));
	in.uid = NULL;
	in.ref = ref;
	assert_int_equal(sayso_report_add(st, &in, ref2, sizeof ref2),
			 SAYSO_ERR_EXISTS);
	assert_null(strstr(sayso_store_errmsg(st), "already stored"));
	assert_non_null(strstr(sayso_store_errmsg(st), "store report"));
	assert_int_equal(scalar(st, "SELECT count(*) FROM reports"), before);
	in.ref = NULL;
	enum sayso_report_status s;
	assert_int_equal(sayso_report_status_parse("in_progress", &s),
			 SAYSO_OK);
	assert_int_equal(s, SAYSO_REPORT_IN_PROGRESS);
	assert_int_equal(sayso_report_status_parse("done", &s),
			 SAYSO_ERR_INVAL);
	sayso_store_close(st);
}

static void test_guess_and_streets(void **state)
{
	(void)state;
	assert_string_equal(
	    sayso_report_guess_category("Someone fly-tipped a sofa"),
	    "fly-tipping");
	assert_string_equal(
	    sayso_report_guess_category("Bulky rubbish by the shops"),
	    "fly-tipping");
	assert_string_equal(
	    sayso_report_guess_category("Litter everywhere on the green"),
	    "litter");
	assert_string_equal(
	    sayso_report_guess_category("GRAFFITI on the bus shelter"),
	    "graffiti");
	assert_string_equal(sayso_report_guess_category("street light out"),
			    "street-lighting");
	assert_string_equal(
	    sayso_report_guess_category("Damp and mould in the bedroom"),
	    "damp-mould");
	assert_string_equal(
	    sayso_report_guess_category("ASB outside the chippy"), "asb");
	assert_string_equal(
	    sayso_report_guess_category("the back alley gate is broken"),
	    "alleyways");
	assert_string_equal(sayso_report_guess_category("Lovely day"), "other");
	assert_string_equal(sayso_report_guess_category(""), "other");
	assert_string_equal(sayso_report_guess_category(NULL), "other");
	char *streets[] = {"Byron Street", "Keats Street", "Church Walk",
			   "Poets Park"};
	assert_int_equal(
	    sayso_street_match("rubbish on byron st again", streets, 4), 0);
	assert_int_equal(sayso_street_match("KEATS STREET lamp", streets, 4),
			 1);
	assert_int_equal(sayso_street_match("behind church walk", streets, 4),
			 2);
	assert_int_equal(sayso_street_match("keatson road", streets, 4), -1);
	assert_int_equal(sayso_street_match("no street here", streets, 4), -1);
}

static void test_sms_queues(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	struct sayso_inbound in = {.provider = "twilio",
				   .provider_id = "SM1",
				   .from_e164 = "+447700900463",
				   .body = "VOTE 1 2"};
	int64_t id1 = 0, id2 = 0;
	bool dup = true;
	char rid[65];
	assert_int_equal(sayso_inbox_add(st, &in, &id1, &dup, rid, sizeof rid),
			 SAYSO_OK);
	assert_false(dup);
	assert_true(id1 > 0);
	assert_int_equal(sayso_inbox_add(st, &in, &id2, &dup, NULL, 0),
			 SAYSO_OK);
	assert_true(dup); /* re-delivery */
	struct sayso_inbox_row rows[4];
	size_t n;
	assert_int_equal(sayso_inbox_pending(st, rows, 4, &n), SAYSO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].body, "VOTE 1 2");
	assert_string_equal(rows[0].resident_id, rid);
	assert_int_equal(sayso_inbox_done(st, id1, "vote.accepted"), SAYSO_OK);
	assert_int_equal(sayso_inbox_pending(st, rows, 4, &n), SAYSO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(
	    scalar(st,
		   "SELECT count(*) FROM sms_inbox WHERE body LIKE '%7700%'"),
	    0);

	/* Outbox: due, retry with backoff, sent erases the number. */
	int64_t ob;
	assert_int_equal(
	    sayso_outbox_queue(st, "+447700900463", "Thanks", id1, &ob),
	    SAYSO_OK);
	struct sayso_outbox_msg msgs[4];
	int64_t now = sayso_time_now_ms();
	assert_int_equal(
	    sayso_outbox_claim(st, "gw", now + 1, 1000, msgs, 4, &n), SAYSO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(msgs[0].to, "+447700900463");
	assert_int_equal(
	    sayso_outbox_retry(st, ob, "gw", "HTTP 503", now + 60000),
	    SAYSO_OK);
	assert_int_equal(
	    sayso_outbox_claim(st, "gw", now + 1, 1000, msgs, 4, &n), SAYSO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(
	    sayso_outbox_claim(st, "gw", now + 60001, 1000, msgs, 4, &n),
	    SAYSO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(msgs[0].attempts, 1);
	assert_int_equal(sayso_outbox_sent(st, ob, "gw", "SMabc"), SAYSO_OK);
	assert_int_equal(
	    scalar(
		st,
		"SELECT count(*) FROM sms_outbox WHERE to_number IS NOT NULL"),
	    0);
	assert_int_equal(sayso_outbox_queue(st, "+447700900464", "x", 0, &ob),
			 SAYSO_OK);
	/* Only a claimed row can be marked. */
	assert_int_equal(sayso_outbox_failed(st, ob, "gw", "21211 invalid"),
			 SAYSO_ERR_STATE);
	assert_int_equal(sayso_outbox_claim(st, "gw", sayso_time_now_ms() + 1,
					    1000, msgs, 4, &n),
			 SAYSO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sayso_outbox_failed(st, ob, "gw", "21211 invalid"),
			 SAYSO_OK);
	assert_int_equal(
	    scalar(
		st,
		"SELECT count(*) FROM sms_outbox WHERE to_number IS NOT NULL"),
	    0);
	assert_int_equal(
	    scalar(st,
		   "SELECT count(*) FROM sms_outbox WHERE status = 'failed'"),
	    1);

	/* Opt-out per resident. */
	bool out = true;
	assert_int_equal(sayso_optout_get(st, rid, &out), SAYSO_OK);
	assert_false(out);
	assert_int_equal(sayso_optout_set(st, rid, true), SAYSO_OK);
	assert_int_equal(sayso_optout_get(st, rid, &out), SAYSO_OK);
	assert_true(out);
	assert_int_equal(sayso_optout_set(st, rid, false), SAYSO_OK);
	assert_int_equal(sayso_optout_get(st, rid, &out), SAYSO_OK);
	assert_false(out);

	/* Conversation windows expire and are taken once. */
	char kind[32], ref[40];
	bool found;
	assert_int_equal(
	    sayso_convo_set(st, rid, "rating_followup", "UID1", now + 1800000),
	    SAYSO_OK);
	assert_int_equal(sayso_convo_take(st, rid, now + 1799000, kind,
					  sizeof kind, ref, sizeof ref, &found),
			 SAYSO_OK);
	assert_true(found);
	assert_string_equal(ref, "UID1");
	assert_int_equal(sayso_convo_take(st, rid, now, kind, sizeof kind, ref,
					  sizeof ref, &found),
			 SAYSO_OK);
	assert_false(found);
	assert_int_equal(
	    sayso_convo_set(st, rid, "rating_followup", "UID2", now + 1800000),
	    SAYSO_OK);
	assert_int_equal(sayso_convo_take(st, rid, now + 1800001, kind,
					  sizeof kind, ref, sizeof ref, &found),
			 SAYSO_OK);
	assert_false(found); /* expired */
	sayso_store_close(st);
}

static void test_demo_and_money(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	const char *src = getenv("SAYSO_SRC") ? getenv("SAYSO_SRC") : "../..";
	char assets[512];
	snprintf(assets, sizeof assets, "%s/assets", src);
	bool created = false;
	assert_int_equal(sayso_demo_load(st, assets, "admin:test", &created),
			 SAYSO_OK);
	assert_true(created);
	assert_int_equal(sayso_demo_load(st, assets, "admin:test", &created),
			 SAYSO_OK);
	assert_false(created);
	struct sayso_round r;
	assert_int_equal(sayso_round_current(st, NULL, &r, NULL), SAYSO_OK);
	assert_string_equal(r.title, "Our Poets 2026");
	/* Codes match without regard to case and may not differ only by it. */
	struct sayso_round same;
	assert_int_equal(sayso_round_get(st, "poets26", &same), SAYSO_OK);
	assert_int_equal(same.id, r.id);
	struct sayso_round dup = r;
	snprintf(dup.code, sizeof dup.code, "Poets26");
	assert_int_equal(sayso_round_create(st, &dup, "admin:test"),
			 SAYSO_ERR_EXISTS);
	assert_int_equal(r.budget, 5000000);
	assert_int_equal(r.max_picks, 5);
	struct sayso_project *ps;
	size_t n;
	assert_int_equal(sayso_project_list(st, r.id, &ps, &n), SAYSO_OK);
	assert_int_equal(n, 12);
	assert_string_equal(ps[0].title, "Poets Park play equipment");
	assert_int_equal(ps[0].cost, 1800000);
	assert_int_equal(ps[9].cost, 80000);
	free(ps);
	assert_int_equal(
	    sayso_demo_load(st, "/nonexistent", "admin:test", &created),
	    SAYSO_ERR_IO);

	int64_t m;
	const char *why;
	assert_int_equal(sayso_money_parse("£50,000", "GBP", &m, &why),
			 SAYSO_OK);
	assert_int_equal(m, 5000000);
	assert_int_equal(sayso_money_parse("1234.5", "GBP", &m, &why),
			 SAYSO_OK);
	assert_int_equal(m, 123450);
	assert_int_equal(sayso_money_parse("£5O,000", "GBP", &m, &why),
			 SAYSO_ERR_INVAL);
	assert_non_null(strstr(why, "letter O"));
	assert_int_equal(sayso_money_parse("5,00", "GBP", &m, &why),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_money_parse("1.234", "GBP", &m, &why),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_money_parse("-5", "GBP", &m, &why),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_money_parse("", "GBP", &m, &why),
			 SAYSO_ERR_INVAL);
	char out[40];
	sayso_money_format(5000000, "GBP", out, sizeof out);
	assert_string_equal(out, "£50,000");
	sayso_money_format(123450, "GBP", out, sizeof out);
	assert_string_equal(out, "£1,234.50");
	sayso_money_format(99, "GBP", out, sizeof out);
	assert_string_equal(out, "£0.99");
	sayso_money_format(100000000, "PLN", out, sizeof out);
	assert_string_equal(out, "PLN 1,000,000");
	sayso_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ratings),
	    cmocka_unit_test(test_reports),
	    cmocka_unit_test(test_guess_and_streets),
	    cmocka_unit_test(test_sms_queues),
	    cmocka_unit_test(test_demo_and_money),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

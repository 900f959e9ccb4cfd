/* test_codes.c: who may vote. Voter codes issued per round and stored as
 * keyed hashes; invented, other-round, void, reused (also after erasure) and
 * test codes; the round's identity setting; strict dates in the time
 * parser. Every path (paper, kiosk, SMS) casts through sayso_ballot_cast(),
 * so these are checked there with each channel. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/codes.h"
#include "sayso/correct.h"
#include "sayso/erase.h"

static const int64_t T0 = 1795000000000; /* a fixed instant in 2026 */

static int64_t make_round(struct sayso_store *st, const char *code,
			  enum sayso_identity id)
{
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "%s", code);
	snprintf(r.title, sizeof r.title, "Round %s", code);
	r.budget = 100000;
	r.identity = id;
	assert_int_equal(sayso_round_create(st, &r, "test"), SAYSO_OK);
	for (int i = 0; i < 3; i++) {
		struct sayso_project p;
		memset(&p, 0, sizeof p);
		snprintf(p.title, sizeof p.title, "P%d", i + 1);
		p.cost = 100;
		assert_int_equal(sayso_project_add(st, r.id, &p, "test"),
				 SAYSO_OK);
	}
	assert_int_equal(
	    sayso_round_set_state(st, r.code, SAYSO_ROUND_OPEN, "test"),
	    SAYSO_OK);
	return r.id;
}

static char rid[SAYSO_RESIDENT_ID_LEN + 1];

static const char *resident(struct sayso_store *st, enum sayso_id_kind k,
			    const char *norm)
{
	assert_int_equal(sayso_store_resident(st, k, norm, rid, sizeof rid),
			 SAYSO_OK);
	return rid;
}

static enum sayso_cast_outcome cast(struct sayso_store *st, const char *round,
				    const char *who, enum sayso_channel ch,
				    bool proven, struct sayso_cast_result *res)
{
	struct sayso_pick p = {1, 1};
	struct sayso_ballot_in in = {
	    .round_code = round,
	    .resident_id = who,
	    .channel = ch,
	    .cast_at_ms = T0,
	    .picks = &p,
	    .npicks = 1,
	    .phone_proven = proven,
	};
	assert_int_equal(sayso_ballot_cast(st, &in, res), SAYSO_OK);
	return res->outcome;
}

static int64_t counted(struct sayso_store *st)
{
	struct sayso_stmt *s;
	assert_int_equal(
	    Sayso_stmt_prepare(st,
			       "SELECT count(*) FROM ballots WHERE status = "
			       "'counted'",
			       &s),
	    SAYSO_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	int64_t n = Sayso_col_int64(s, 0);
	Sayso_stmt_finalize(s);
	return n;
}

static enum sayso_code_status status_of(struct sayso_store *st, int64_t round,
					const char *code)
{
	bool found = false;
	enum sayso_code_status cs = SAYSO_CODE_VOID;
	assert_int_equal(sayso_codes_lookup(st, round, code, &found, &cs),
			 SAYSO_OK);
	assert_true(found);
	return cs;
}

static void test_invented_codes_refused(void **state)
{
	(void)state;
	sayso_time_set_override(T0);
	struct sayso_store *st = tu_memstore();
	make_round(st, "A", SAYSO_IDENTITY_ANY);
	struct sayso_cast_result res;
	static const char *const invented[] = {"AAAA", "0000", "HELLOWORLD"};
	static const enum sayso_channel chs[] = {SAYSO_CH_PAPER, SAYSO_CH_KIOSK,
						 SAYSO_CH_SMS};
	for (size_t i = 0; i < 3; i++)
		for (size_t c = 0; c < 3; c++) {
			assert_int_equal(
			    cast(st, "A",
				 resident(st, SAYSO_ID_CODE, invented[i]),
				 chs[c], false, &res),
			    SAYSO_CAST_INVALID);
			assert_non_null(
			    strstr(res.reason, "not a voter code for Round A"));
		}
	assert_int_equal(counted(st), 0);
	/* The plain code is never stored. */
	int64_t a = make_round(st, "A2", SAYSO_IDENTITY_ANY);
	assert_int_equal(
	    sayso_codes_issue(st, a, "K7QM4XPD", SAYSO_CODE_ISSUED, "import"),
	    SAYSO_OK);
	struct sayso_stmt *s;
	assert_int_equal(Sayso_stmt_prepare(st,
					    "SELECT count(*) FROM voter_codes "
					    "WHERE code_hash LIKE '%K7QM%'",
					    &s),
			 SAYSO_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	assert_int_equal(Sayso_col_int(s, 0), 0);
	Sayso_stmt_finalize(s);
	sayso_store_close(st);
	sayso_time_set_override(0);
}

static void test_issued_once_per_round(void **state)
{
	(void)state;
	sayso_time_set_override(T0);
	struct sayso_store *st = tu_memstore();
	int64_t a = make_round(st, "A", SAYSO_IDENTITY_ANY);
	make_round(st, "B", SAYSO_IDENTITY_ANY);
	assert_int_equal(
	    sayso_codes_issue(st, a, "K7QM4XPD", SAYSO_CODE_ISSUED, "generate"),
	    SAYSO_OK);
	assert_int_equal(
	    sayso_codes_issue(st, a, "K7QM4XPD", SAYSO_CODE_ISSUED, "import"),
	    SAYSO_ERR_EXISTS);
	struct sayso_cast_result res;
	/* Another round's code. */
	assert_int_equal(cast(st, "B", resident(st, SAYSO_ID_CODE, "K7QM4XPD"),
			      SAYSO_CH_PAPER, false, &res),
			 SAYSO_CAST_INVALID);
	assert_non_null(strstr(res.reason, "not a voter code for Round B"));
	assert_int_equal(status_of(st, a, "K7QM4XPD"), SAYSO_CODE_ISSUED);
	/* Its own round: counted, and the code is used. */
	assert_int_equal(cast(st, "A", resident(st, SAYSO_ID_CODE, "K7QM4XPD"),
			      SAYSO_CH_KIOSK, false, &res),
			 SAYSO_CAST_ACCEPTED);
	assert_int_equal(status_of(st, a, "K7QM4XPD"), SAYSO_CODE_USED);
	/* Again: the one-vote rule answers. */
	assert_int_equal(cast(st, "A", resident(st, SAYSO_ID_CODE, "K7QM4XPD"),
			      SAYSO_CH_PAPER, false, &res),
			 SAYSO_CAST_ALREADY_VOTED);
	assert_int_equal(counted(st), 1);
	/* Erase the resident: the code stays used and cannot vote again. */
	struct sayso_erase_result er;
	assert_int_equal(
	    sayso_erase_resident(st, resident(st, SAYSO_ID_CODE, "K7QM4XPD"),
				 "test", &er),
	    SAYSO_OK);
	assert_int_equal(status_of(st, a, "K7QM4XPD"), SAYSO_CODE_USED);
	assert_int_equal(cast(st, "A", resident(st, SAYSO_ID_CODE, "K7QM4XPD"),
			      SAYSO_CH_KIOSK, false, &res),
			 SAYSO_CAST_INVALID);
	assert_string_equal(res.reason,
			    "this voter code has already been used");
	assert_int_equal(counted(st), 1);
	/* A used code cannot be voided (void its ballot instead). */
	assert_int_equal(sayso_codes_void(st, a, "K7QM4XPD", "test", "lost"),
			 SAYSO_ERR_STATE);
	sayso_store_close(st);
	sayso_time_set_override(0);
}

static void test_void_and_test_codes(void **state)
{
	(void)state;
	sayso_time_set_override(T0);
	struct sayso_store *st = tu_memstore();
	int64_t a = make_round(st, "A", SAYSO_IDENTITY_CODE);
	assert_int_equal(
	    sayso_codes_issue(st, a, "VOIDME22", SAYSO_CODE_ISSUED, "import"),
	    SAYSO_OK);
	assert_int_equal(sayso_codes_void(st, a, "VOIDME22", "test", ""),
			 SAYSO_ERR_INVAL);
	assert_int_equal(
	    sayso_codes_void(st, a, "VOIDME22", "test", "sheet lost"),
	    SAYSO_OK);
	assert_int_equal(sayso_codes_void(st, a, "NEVER222", "test", "x"),
			 SAYSO_ERR_NOTFOUND);
	struct sayso_cast_result res;
	assert_int_equal(cast(st, "A", resident(st, SAYSO_ID_CODE, "VOIDME22"),
			      SAYSO_CH_PAPER, false, &res),
			 SAYSO_CAST_INVALID);
	assert_string_equal(res.reason, "this voter code has been cancelled");
	assert_int_equal(res.refusal.code, SAYSO_REASON_CODE_VOID);
	/* A test code votes, again and again, and never counts. */
	assert_int_equal(
	    sayso_codes_issue(st, a, "STAFF222", SAYSO_CODE_TEST, "import"),
	    SAYSO_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cast(st, "A",
				      resident(st, SAYSO_ID_CODE, "STAFF222"),
				      SAYSO_CH_KIOSK, false, &res),
				 SAYSO_CAST_INVALID);
		assert_non_null(strstr(res.reason, "never counted"));
	}
	assert_int_equal(status_of(st, a, "STAFF222"), SAYSO_CODE_TEST);
	assert_int_equal(counted(st), 0);
	/* A code round refuses phone numbers on every channel. */
	assert_int_equal(cast(st, "A",
			      resident(st, SAYSO_ID_PHONE, "+447700900001"),
			      SAYSO_CH_SMS, false, &res),
			 SAYSO_CAST_INVALID);
	assert_string_equal(res.reason, "this vote takes voter codes only");
	assert_int_equal(res.refusal.code, SAYSO_REASON_CODES_ONLY);
	int64_t counts[4];
	assert_int_equal(sayso_codes_count(st, a, counts), SAYSO_OK);
	assert_int_equal(counts[SAYSO_CODE_VOID], 1);
	assert_int_equal(counts[SAYSO_CODE_TEST], 1);
	struct sayso_code_row *rows;
	size_t n;
	assert_int_equal(
	    sayso_codes_list(st, a, false, SAYSO_CODE_VOID, &rows, &n),
	    SAYSO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(strlen(rows[0].hash_prefix), 12);
	free(rows);
	sayso_store_close(st);
	sayso_time_set_override(0);
}

static void test_identity_settings(void **state)
{
	(void)state;
	sayso_time_set_override(T0);
	struct sayso_store *st = tu_memstore();
	int64_t p = make_round(st, "P", SAYSO_IDENTITY_PHONE);
	make_round(st, "S", SAYSO_IDENTITY_PHONE_SMS);
	struct sayso_cast_result res;
	assert_int_equal(
	    sayso_codes_issue(st, p, "K7QM4XPD", SAYSO_CODE_ISSUED, "import"),
	    SAYSO_OK);
	assert_int_equal(cast(st, "P", resident(st, SAYSO_ID_CODE, "K7QM4XPD"),
			      SAYSO_CH_PAPER, false, &res),
			 SAYSO_CAST_INVALID);
	assert_string_equal(res.reason,
			    "this vote takes phone numbers, not voter codes");
	assert_int_equal(cast(st, "P",
			      resident(st, SAYSO_ID_PHONE, "+447700900001"),
			      SAYSO_CH_PAPER, false, &res),
			 SAYSO_CAST_ACCEPTED);
	/* phone+sms: a text proves the number; a paper form does not. */
	assert_int_equal(cast(st, "S",
			      resident(st, SAYSO_ID_PHONE, "+447700900002"),
			      SAYSO_CH_PAPER, false, &res),
			 SAYSO_CAST_INVALID);
	assert_int_equal(cast(st, "S",
			      resident(st, SAYSO_ID_PHONE, "+447700900002"),
			      SAYSO_CH_KIOSK, false, &res),
			 SAYSO_CAST_INVALID);
	assert_int_equal(cast(st, "S",
			      resident(st, SAYSO_ID_PHONE, "+447700900002"),
			      SAYSO_CH_KIOSK, true, &res),
			 SAYSO_CAST_ACCEPTED);
	assert_int_equal(cast(st, "S",
			      resident(st, SAYSO_ID_PHONE, "+447700900003"),
			      SAYSO_CH_SMS, false, &res),
			 SAYSO_CAST_ACCEPTED);
	/* The setting is read back from the database. */
	struct sayso_round r;
	assert_int_equal(sayso_round_get(st, "S", &r), SAYSO_OK);
	assert_int_equal(r.identity, SAYSO_IDENTITY_PHONE_SMS);
	assert_string_equal(sayso_identity_name(r.identity), "phone+sms");
	enum sayso_identity id;
	assert_int_equal(sayso_identity_parse("code", &id), SAYSO_OK);
	assert_int_equal(id, SAYSO_IDENTITY_CODE);
	assert_int_equal(sayso_identity_parse("email", &id), SAYSO_ERR_INVAL);
	/* Projects are fixed once a round opens. */
	struct sayso_project pr;
	memset(&pr, 0, sizeof pr);
	snprintf(pr.title, sizeof pr.title, "Late");
	assert_int_equal(sayso_project_add(st, p, &pr, "test"),
			 SAYSO_ERR_STATE);
	sayso_store_close(st);
	sayso_time_set_override(0);
}

static void test_strict_dates(void **state)
{
	(void)state;
	int64_t ms;
	char why[96];
	assert_int_equal(
	    sayso_time_parse_why("2026-02-30", &ms, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_string_equal(why, "February 2026 has 28 days, not 30");
	assert_int_equal(sayso_time_parse("2028-02-29", &ms), SAYSO_OK);
	assert_int_equal(sayso_time_parse("2100-02-29", &ms), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_time_parse("2026-04-31T10:00", &ms),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_time_parse("2026-13-01", &ms), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_time_parse("2026-12-01 24:00", &ms),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_time_parse("2026-12-01T10:60", &ms),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_time_parse("2026-12-01T10:00:60Z", &ms),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_time_parse("2026-12-31T23:59:59.999Z", &ms),
			 SAYSO_OK);
	char back[SAYSO_TIME_LEN + 1];
	sayso_time_format(ms, back, sizeof back);
	assert_string_equal(back, "2026-12-31T23:59:59.999Z");
	assert_int_equal(
	    sayso_time_parse_why("2026-1-01", &ms, why, sizeof why),
	    SAYSO_ERR_INVAL);
	assert_non_null(strstr(why, "not a date/time"));
}

/* A void keeps the ballot (as rejected), lets the resident's other ballot
 * count, and frees a code whose only ballot it was. */
static void test_void(void **state)
{
	(void)state;
	sayso_time_set_override(T0);
	struct sayso_store *st = tu_memstore();
	int64_t a = make_round(st, "A", SAYSO_IDENTITY_ANY);
	struct sayso_cast_result res;
	char phone[SAYSO_RESIDENT_ID_LEN + 1];
	snprintf(phone, sizeof phone, "%s",
		 resident(st, SAYSO_ID_PHONE, "+447700900001"));
	assert_int_equal(cast(st, "A", phone, SAYSO_CH_PAPER, false, &res),
			 SAYSO_CAST_ACCEPTED);
	char first[SAYSO_UID_LEN + 1];
	snprintf(first, sizeof first, "%s", res.uid);
	assert_int_equal(cast(st, "A", phone, SAYSO_CH_KIOSK, false, &res),
			 SAYSO_CAST_ALREADY_VOTED);
	struct sayso_void_result v;
	assert_int_equal(sayso_ballot_void(st, first, "test", "", &v),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_ballot_void(st, first, "test", "forged", &v),
			 SAYSO_OK);
	assert_int_equal(v.was, SAYSO_BALLOT_COUNTED);
	assert_int_equal(v.changed, 1);
	assert_int_equal(counted(st), 1);
	assert_int_equal(sayso_ballot_void(st, first, "test", "again", &v),
			 SAYSO_ERR_STATE);
	assert_int_equal(sayso_ballot_void(st, "999", "test", "x", &v),
			 SAYSO_ERR_NOTFOUND);
	struct sayso_ballot_row *rows;
	size_t n;
	assert_int_equal(sayso_ballot_list(st, a, phone, &rows, &n), SAYSO_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].status, SAYSO_BALLOT_REJECTED);
	assert_string_equal(rows[0].reason, "void: forged");
	assert_int_equal(rows[1].status, SAYSO_BALLOT_COUNTED);
	assert_string_equal(rows[1].picks, "1");
	free(rows);
	/* A code typed by mistake: voiding its only ballot frees it. */
	assert_int_equal(
	    sayso_codes_issue(st, a, "K7QM4XPD", SAYSO_CODE_ISSUED, "import"),
	    SAYSO_OK);
	assert_int_equal(cast(st, "A", resident(st, SAYSO_ID_CODE, "K7QM4XPD"),
			      SAYSO_CH_PAPER, false, &res),
			 SAYSO_CAST_ACCEPTED);
	assert_int_equal(sayso_ballot_void(st, res.uid, "test", "typo", &v),
			 SAYSO_OK);
	assert_true(v.code_reissued);
	assert_int_equal(status_of(st, a, "K7QM4XPD"), SAYSO_CODE_ISSUED);
	assert_int_equal(cast(st, "A", resident(st, SAYSO_ID_CODE, "K7QM4XPD"),
			      SAYSO_CH_KIOSK, false, &res),
			 SAYSO_CAST_ACCEPTED);
	sayso_store_close(st);
	sayso_time_set_override(0);
}

static void test_identity_normalise(void **state)
{
	(void)state;
	char out[SAYSO_VOTER_CODE_MAX];
	enum sayso_id_kind k;
	const char *why = NULL;
	assert_int_equal(
	    sayso_identity_normalise("07700 900001", &k, out, sizeof out, &why),
	    SAYSO_OK);
	assert_int_equal(k, SAYSO_ID_PHONE);
	assert_string_equal(out, "+447700900001");
	assert_int_equal(
	    sayso_identity_normalise("447700900001", &k, out, sizeof out, &why),
	    SAYSO_OK);
	assert_int_equal(k, SAYSO_ID_PHONE);
	assert_int_equal(
	    sayso_identity_normalise("k7qm-4xpd", &k, out, sizeof out, &why),
	    SAYSO_OK);
	assert_int_equal(k, SAYSO_ID_CODE);
	assert_string_equal(out, "K7QM4XPD");
	assert_int_equal(
	    sayso_identity_normalise("44723456", &k, out, sizeof out, &why),
	    SAYSO_OK);
	assert_int_equal(k, SAYSO_ID_CODE);
	/* A landline is a phone number that is refused, not a code. */
	assert_int_equal(sayso_identity_normalise("0161 496 0000", &k, out,
						  sizeof out, &why),
			 SAYSO_ERR_INVAL);
	assert_int_equal(k, SAYSO_ID_PHONE);
	assert_non_null(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_invented_codes_refused),
	    cmocka_unit_test(test_issued_once_per_round),
	    cmocka_unit_test(test_void_and_test_codes),
	    cmocka_unit_test(test_identity_settings),
	    cmocka_unit_test(test_strict_dates),
	    cmocka_unit_test(test_void),
	    cmocka_unit_test(test_identity_normalise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

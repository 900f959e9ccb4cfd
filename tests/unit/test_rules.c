/* test_rules.c: the small rules of the domain that live once in core: which
 * errors are storage faults, ballot status names, the revote policy query. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sayso/ballot.h"
#include "sayso/err.h"
#include "sayso/round.h"
#include "sayso/smsparse.h"
#include "sayso/store.h"

static void test_err_is_storage(void **state)
{
	(void)state;
	const enum sayso_err storage[] = {
	    SAYSO_ERR_NOMEM,	SAYSO_ERR_IO,	     SAYSO_ERR_FULL,
	    SAYSO_ERR_READONLY, SAYSO_ERR_BUSY,	     SAYSO_ERR_DB,
	    SAYSO_ERR_CORRUPT,	SAYSO_ERR_NOT_SAYSO, SAYSO_ERR_SCHEMA,
	    SAYSO_ERR_SECRET,	SAYSO_ERR_CRYPTO};
	const enum sayso_err input[] = {
	    SAYSO_OK,	      SAYSO_ERR_INVAL,
	    SAYSO_ERR_PARSE,  SAYSO_ERR_NOTFOUND,
	    SAYSO_ERR_EXISTS, SAYSO_ERR_STATE,
	    SAYSO_ERR_TOOBIG, SAYSO_ERR_RANGE,
	    SAYSO_ERR_AUTH,   SAYSO_ERR_UNSUPPORTED};
	for (size_t i = 0; i < sizeof storage / sizeof storage[0]; i++)
		assert_true(sayso_err_is_storage(storage[i]));
	for (size_t i = 0; i < sizeof input / sizeof input[0]; i++)
		assert_false(sayso_err_is_storage(input[i]));
	/* Every code is in exactly one list. */
	assert_int_equal(sizeof storage / sizeof storage[0] +
			     sizeof input / sizeof input[0],
			 SAYSO_ERR_UNSUPPORTED + 1);
}

static void test_ballot_status(void **state)
{
	(void)state;
	const enum sayso_ballot_status all[] = {SAYSO_BALLOT_COUNTED,
						SAYSO_BALLOT_SUPERSEDED,
						SAYSO_BALLOT_REJECTED};
	const char *names[] = {"counted", "superseded", "rejected"};
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(sayso_ballot_status_name(all[i]), names[i]);
		enum sayso_ballot_status s = SAYSO_BALLOT_REJECTED;
		if (all[i] == SAYSO_BALLOT_REJECTED)
			s = SAYSO_BALLOT_COUNTED;
		assert_int_equal(sayso_ballot_status_parse(names[i], &s),
				 SAYSO_OK);
		assert_int_equal(s, all[i]);
	}
	enum sayso_ballot_status s = SAYSO_BALLOT_SUPERSEDED;
	assert_int_equal(sayso_ballot_status_parse("Counted", &s),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_ballot_status_parse("", &s), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_ballot_status_parse(NULL, &s), SAYSO_ERR_INVAL);
	assert_int_equal(s, SAYSO_BALLOT_SUPERSEDED);
}

static void test_revote_policy(void **state)
{
	(void)state;
	assert_false(sayso_revote_later_wins(SAYSO_REVOTE_FIRST));
	assert_true(sayso_revote_later_wins(SAYSO_REVOTE_LAST));
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	r.revote = SAYSO_REVOTE_FIRST;
	assert_false(sayso_round_revote_allows(&r));
	r.revote = SAYSO_REVOTE_LAST;
	assert_true(sayso_round_revote_allows(&r));
	assert_false(sayso_round_revote_allows(NULL));
}

static void test_round_code_valid(void **state)
{
	(void)state;
	assert_true(sayso_round_code_valid("r"));
	assert_true(sayso_round_code_valid("Ward-1_2026"));
	char c32[33];
	memset(c32, 'a', 32);
	c32[32] = '\0';
	assert_true(sayso_round_code_valid(c32));
	char c33[34];
	memset(c33, 'a', 33);
	c33[33] = '\0';
	assert_false(sayso_round_code_valid(c33));
	assert_false(sayso_round_code_valid(""));
	assert_false(sayso_round_code_valid(NULL));
	assert_false(sayso_round_code_valid("a b"));
	assert_false(sayso_round_code_valid("caf\xc3\xa9"));
}

static void test_currency_and_device(void **state)
{
	(void)state;
	assert_true(sayso_currency_valid("GBP"));
	assert_true(sayso_currency_valid("PLN"));
	assert_false(sayso_currency_valid("gbp"));
	assert_false(sayso_currency_valid("GB"));
	assert_false(sayso_currency_valid("GBPX"));
	assert_false(sayso_currency_valid(NULL));
	assert_true(sayso_device_id_valid("kiosk-3"));
	assert_true(sayso_device_id_valid("host.lan:a_1"));
	assert_false(sayso_device_id_valid(""));
	assert_false(sayso_device_id_valid(NULL));
	assert_false(sayso_device_id_valid("kiosk 3"));
	char d64[65], d65[66];
	memset(d64, 'd', 64);
	d64[64] = '\0';
	memset(d65, 'd', 65);
	d65[65] = '\0';
	assert_true(sayso_device_id_valid(d64));
	assert_false(sayso_device_id_valid(d65));
	/* The store uses the same check. */
	struct sayso_store *st = tu_memstore();
	assert_int_equal(sayso_store_set_device(st, d64, "kiosk"), SAYSO_OK);
	assert_int_equal(sayso_store_set_device(st, "a/b", "kiosk"),
			 SAYSO_ERR_INVAL);
	sayso_store_close(st);
}

/* The one project number range, at its boundary, in every place that
 * checks it: the store, the ballot parser and the SMS grammar. */
static void test_project_number_range(void **state)
{
	(void)state;
	assert_false(sayso_project_number_valid(0));
	assert_true(sayso_project_number_valid(SAYSO_PROJECT_NUMBER_MIN));
	assert_true(sayso_project_number_valid(SAYSO_PROJECT_NUMBER_MAX));
	assert_false(sayso_project_number_valid(SAYSO_PROJECT_NUMBER_MAX + 1));

	struct sayso_store *st = tu_memstore();
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "N");
	snprintf(r.title, sizeof r.title, "N");
	r.budget = 1000;
	assert_int_equal(sayso_round_create(st, &r, "test"), SAYSO_OK);
	struct sayso_project p;
	memset(&p, 0, sizeof p);
	snprintf(p.title, sizeof p.title, "Max");
	p.number = SAYSO_PROJECT_NUMBER_MAX;
	assert_int_equal(sayso_project_add(st, r.id, &p, "test"), SAYSO_OK);
	memset(&p, 0, sizeof p);
	snprintf(p.title, sizeof p.title, "Over");
	p.number = SAYSO_PROJECT_NUMBER_MAX + 1;
	assert_int_equal(sayso_project_add(st, r.id, &p, "test"),
			 SAYSO_ERR_INVAL);
	assert_non_null(strstr(sayso_store_errmsg(st), "1 to 999"));
	sayso_store_close(st);

	struct sayso_pick pk[4];
	size_t n;
	const char *why;
	assert_int_equal(sayso_picks_parse("1,999", pk, 4, &n, &why), SAYSO_OK);
	assert_int_equal(pk[1].number, 999);
	assert_int_equal(sayso_picks_parse("1000", pk, 4, &n, &why),
			 SAYSO_ERR_INVAL);
	assert_non_null(strstr(why, "1 to 999"));

	struct sayso_sms_cmd cmd;
	assert_int_equal(sayso_smsparse_parse("VOTE 999", 8, &cmd), SAYSO_OK);
	assert_int_equal(cmd.problem, SAYSO_SMSP_NONE);
	assert_int_equal(cmd.npicks, 1);
	assert_int_equal(cmd.picks[0], 999);
	assert_int_equal(sayso_smsparse_parse("VOTE 1000", 9, &cmd), SAYSO_OK);
	assert_int_equal(cmd.problem, SAYSO_SMSP_TOO_LARGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_err_is_storage),
	    cmocka_unit_test(test_ballot_status),
	    cmocka_unit_test(test_revote_policy),
	    cmocka_unit_test(test_round_code_valid),
	    cmocka_unit_test(test_currency_and_device),
	    cmocka_unit_test(test_project_number_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

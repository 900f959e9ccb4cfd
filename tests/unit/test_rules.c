/* test_rules.c: the small rules of the domain that live once in core: which
 * errors are storage faults, ballot status names, the revote policy query. */
#include "testutil.h"

#include <stdbool.h>
#include <string.h>

#include "sayso/ballot.h"
#include "sayso/err.h"
#include "sayso/round.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_err_is_storage),
	    cmocka_unit_test(test_ballot_status),
	    cmocka_unit_test(test_revote_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_identity.c: UK mobile normalisation, voter codes, resident ids. */
#include "testutil.h"

#include <string.h>

#include "sayso/identity.h"

struct phone_case {
	const char *in;
	const char *want; /* NULL = rejected */
	const char *why;  /* substring of the reason when rejected */
};

static const struct phone_case PHONES[] = {
    {"07700 900456", "+447700900456", NULL},
    {"07700900456", "+447700900456", NULL},
    {"+447700900456", "+447700900456", NULL},
    {"+44 7700 900456", "+447700900456", NULL},
    {"+44 (0)7700 900456", "+447700900456", NULL},
    {"+44(0)7700900456", "+447700900456", NULL},
    {"0044 7700 900456", "+447700900456", NULL},
    {"00447700900456", "+447700900456", NULL},
    {"447700900456", "+447700900456", NULL},
    {"7700900456", "+447700900456", NULL},
    {"07700-900-456", "+447700900456", NULL},
    {"07700.900.456", "+447700900456", NULL},
    {"(07700) 900456", "+447700900456", NULL},
    {"\xC2\xA0"
     "07700\xC2\xA0"
     "900456",
     "+447700900456", NULL},
    {"\xE2\x80\x8B"
     "07700900456",
     "+447700900456", NULL},
    {"07400 123456", "+447400123456", NULL},
    {"07911 123456", "+447911123456", NULL},
    {"07624 123456", "+447624123456", NULL},
    {"  07123 456789  ", "+447123456789", NULL},
    {"+44 07700 900456", "+447700900456", NULL},
    {"0151 496 0000", NULL, "landline"},
    {"+44 151 496 0000", NULL, "landline"},
    {"020 7946 0000", NULL, "landline"},
    {"07012 345678", NULL, "personal"},
    {"07600 123456", NULL, "pager"},
    {"07640 123456", NULL, "pager"},
    {"0770090045", NULL, "too short"},
    {"077009004567", NULL, "too long"},
    {"+1 415 867 5309", NULL, "UK mobile"},
    {"+33 6 12 34 56 78", NULL, "UK mobile"},
    {"0033612345678", NULL, "UK mobile"},
    {"07700 9OO456", NULL, "digits"},
    {"", NULL, "no number"},
    {"   ", NULL, "no number"},
    {"07700+900456", NULL, "+"},
    {"hello", NULL, "digits"},
    {"12345", NULL, "UK mobile"},
};

static void test_phone_table(void **state)
{
	(void)state;
	size_t n = sizeof PHONES / sizeof PHONES[0];
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		char out[SAYSO_E164_MAX];
		const char *why = NULL;
		enum sayso_err e =
		    sayso_phone_normalise(PHONES[i].in, out, sizeof out, &why);
		if (PHONES[i].want) {
			if (e != SAYSO_OK)
				fail_msg("'%s' rejected: %s", PHONES[i].in,
					 why);
			assert_string_equal(out, PHONES[i].want);
		} else {
			if (e == SAYSO_OK)
				fail_msg("'%s' accepted as %s", PHONES[i].in,
					 out);
			assert_non_null(why);
			if (!strstr(why, PHONES[i].why))
				fail_msg("'%s': reason '%s' lacks '%s'",
					 PHONES[i].in, why, PHONES[i].why);
		}
	}
}

static void test_codes(void **state)
{
	(void)state;
	char out[SAYSO_VOTER_CODE_MAX];
	const char *why;
	assert_int_equal(
	    sayso_code_normalise("ab7k-2mq9", out, sizeof out, &why), SAYSO_OK);
	assert_string_equal(out, "AB7K2MQ9");
	assert_int_equal(
	    sayso_code_normalise(" AB7K 2MQ9 ", out, sizeof out, &why),
	    SAYSO_OK);
	assert_string_equal(out, "AB7K2MQ9");
	assert_int_equal(sayso_code_normalise("AB!", out, sizeof out, &why),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_code_normalise("", out, sizeof out, &why),
			 SAYSO_ERR_INVAL);
	char code[16];
	for (int k = 0; k < 200; k++) {
		assert_int_equal(sayso_random_code(code, sizeof code, 8),
				 SAYSO_OK);
		assert_int_equal(strlen(code), 8);
		for (int i = 0; i < 8; i++) {
			assert_non_null(strchr(SAYSO_CODE_ALPHABET, code[i]));
			assert_null(strchr("01OIL", code[i]));
		}
	}
}

static void test_resident_ids(void **state)
{
	(void)state;
	unsigned char s1[SAYSO_SECRET_LEN], s2[SAYSO_SECRET_LEN];
	memset(s1, 1, sizeof s1);
	memset(s2, 2, sizeof s2);
	char a[65], b[65], c[65], d[65];
	assert_int_equal(
	    sayso_resident_id(s1, SAYSO_ID_PHONE, "+447700900456", a, sizeof a),
	    SAYSO_OK);
	assert_int_equal(
	    sayso_resident_id(s1, SAYSO_ID_PHONE, "+447700900456", b, sizeof b),
	    SAYSO_OK);
	assert_string_equal(a, b); /* stable */
	assert_int_equal(strlen(a), 64);
	assert_int_equal(
	    sayso_resident_id(s2, SAYSO_ID_PHONE, "+447700900456", c, sizeof c),
	    SAYSO_OK);
	assert_string_not_equal(a, c); /* secret-dependent */
	assert_int_equal(
	    sayso_resident_id(s1, SAYSO_ID_CODE, "+447700900456", d, sizeof d),
	    SAYSO_OK);
	assert_string_not_equal(a, d); /* kind-separated */
	assert_null(strstr(a, "7700900456"));
	/* Known answer: HMAC-SHA256(key = 32 x 0x01, "phone:+447700900456"),
	 * computed independently with Python's hmac module. */
	assert_string_equal(
	    a,
	    "53a13bb3a61922dc5f0591b1937c9e8a1501ca1ca98dbfea66ab80424a55b0a7");
}

static void test_mask(void **state)
{
	(void)state;
	char m[SAYSO_E164_MAX];
	sayso_mask_phone("+447700900456", m, sizeof m);
	assert_string_equal(m, "+44770090****");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_phone_table),
	    cmocka_unit_test(test_codes),
	    cmocka_unit_test(test_resident_ids),
	    cmocka_unit_test(test_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

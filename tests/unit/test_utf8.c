/* test_utf8.c: the one UTF-8 codec (sayso/utf8.h) and the one table of
 * invisible characters, seen through every cleaner that uses it. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sayso/gsm7.h"
#include "sayso/identity.h"
#include "sayso/smsparse.h"
#include "sayso/utf8.h"

static void test_decode(void **state)
{
	(void)state;
	unsigned long cp;
	bool bad;
	/* "ż" and "€" and an emoji. */
	assert_int_equal(
	    sayso_utf8_next((const unsigned char *)"\xc5\xbc", 2, &cp, &bad),
	    2);
	assert_false(bad);
	assert_int_equal(cp, 0x17C);
	assert_int_equal(sayso_utf8_next((const unsigned char *)"\xe2\x82\xac",
					 3, &cp, &bad),
			 3);
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(
	    sayso_utf8_next((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp,
			    &bad),
	    4);
	assert_int_equal(cp, 0x1F600);
	/* Overlong, surrogate, truncated, past U+10FFFF: one byte, U+FFFD. */
	const char *badseq[] = {"\xc0\x80", "\xe0\x80\x80",	"\xed\xa0\x80",
				"\xe2\x82", "\xf4\x90\x80\x80", "\x80"};
	for (size_t i = 0; i < sizeof badseq / sizeof badseq[0]; i++) {
		assert_int_equal(
		    sayso_utf8_next((const unsigned char *)badseq[i],
				    strlen(badseq[i]), &cp, &bad),
		    1);
		assert_true(bad);
		assert_int_equal(cp, SAYSO_UTF8_REPLACEMENT);
	}
	assert_int_equal(
	    sayso_utf8_next((const unsigned char *)"", 0, &cp, &bad), 0);
	/* Round trip through put. */
	char out[SAYSO_UTF8_MAX];
	const unsigned long cps[] = {0x41, 0x17C, 0x20AC, 0x1F600, 0x10FFFF};
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		size_t n = sayso_utf8_put(cps[i], out);
		assert_int_equal(
		    sayso_utf8_next((const unsigned char *)out, n, &cp, &bad),
		    n);
		assert_false(bad);
		assert_int_equal(cp, cps[i]);
	}
}

static void test_helpers(void **state)
{
	(void)state;
	const char *s = "a\xc5\xbc\xe2\x82\xac"; /* a ż € */
	assert_int_equal(sayso_utf8_bad_at(s, strlen(s)), strlen(s));
	assert_int_equal(sayso_utf8_bad_at("ab\0c", 4), 2);
	assert_int_equal(sayso_utf8_bad_at("ab\xc3(", 4), 2);
	assert_int_equal(sayso_utf8_count(s), 3);
	assert_int_equal(sayso_utf8_count(NULL), 0);
	assert_int_equal(sayso_utf8_boundary(s, 2), 1); /* inside ż */
	assert_int_equal(sayso_utf8_boundary(s, 3), 3);
	assert_int_equal(sayso_utf8_boundary(s, 5), 3); /* inside € */
	char dst[5];
	assert_int_equal(sayso_strlcpy_utf8(dst, s, sizeof dst), 3);
	assert_string_equal(dst, "a\xc5\xbc");
}

/* The three tables that disagreed (the SMS cleaner, GSM-7 folding and phone
 * numbers) are now one, the strictest: each invisible character is dropped by
 * every one of them. Joiners stay invisible-but-kept (emoji need them). */
static void test_invisible_everywhere(void **state)
{
	(void)state;
	static const char *const inv[] = {
	    "\xc2\xad",	    /* U+00AD soft hyphen: was kept by gsm7, phone */
	    "\xe1\xa0\x8e", /* U+180E: was kept by the SMS cleaner, gsm7 */
	    "\xe2\x80\x8b", /* U+200B: all three */
	    "\xe2\x80\x8e", /* U+200E LRM: was kept by gsm7, phone */
	    "\xe2\x80\xae", /* U+202E RLO */
	    "\xe2\x81\xa0", /* U+2060 */
	    "\xe2\x81\xa6", /* U+2066 LRI */
	    "\xef\xbb\xbf", /* U+FEFF */
	};
	for (size_t i = 0; i < sizeof inv / sizeof inv[0]; i++) {
		unsigned long cp;
		bool bad;
		sayso_utf8_next((const unsigned char *)inv[i], strlen(inv[i]),
				&cp, &bad);
		assert_true(sayso_utf8_invisible(cp));

		char in[64], out[64];
		snprintf(in, sizeof in, "V%sOTE 3", inv[i]);
		struct sayso_sms_cmd cmd;
		assert_int_equal(sayso_smsparse_parse(in, strlen(in), &cmd),
				 SAYSO_OK);
		assert_string_equal(cmd.body, "VOTE 3");

		sayso_gsm7_fold(in, strlen(in), out, sizeof out);
		assert_string_equal(out, "VOTE 3");

		snprintf(in, sizeof in, "07700%s900123", inv[i]);
		const char *why;
		assert_int_equal(
		    sayso_phone_normalise(in, out, sizeof out, &why), SAYSO_OK);
		assert_string_equal(out, "+447700900123");
	}
	assert_false(sayso_utf8_invisible(0x200C));
	assert_false(sayso_utf8_invisible(0x200D));
	assert_false(sayso_utf8_invisible(' '));
	assert_false(sayso_utf8_invisible(0xA0));
}

/* Invalid UTF-8 is replaced, never dropped; for a terminal, control
 * characters and bidi overrides go and line breaks become spaces. */
static void test_clean(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(sayso_utf8_clean("Play \xff area", out, sizeof out, 0),
			 strlen("Play \xef\xbf\xbd area"));
	assert_string_equal(out, "Play \xef\xbf\xbd area");
	sayso_utf8_clean("\xc5\xbc\xc3", out, sizeof out, 0);
	assert_string_equal(out, "\xc5\xbc\xef\xbf\xbd");
	sayso_utf8_clean("a\x1b[2Jb\x1b]0;x\x07"
			 "c",
			 out, sizeof out, 0);
	assert_string_equal(out, "a\x1b[2Jb\x1b]0;x\x07"
				 "c"); /* kept */
	sayso_utf8_clean("a\x1b[2Jb\x1b]0;x\x07"
			 "c",
			 out, sizeof out, SAYSO_UTF8_TERMINAL);
	assert_string_equal(out, "a[2Jb]0;xc");
	sayso_utf8_clean("two\nlines\tand\r\x7f\xc2\x9b C1", out, sizeof out,
			 SAYSO_UTF8_TERMINAL);
	assert_string_equal(out, "two lines and  C1");
	sayso_utf8_clean("x\xe2\x80\xae"
			 "evil\xe2\x81\xa6",
			 out, sizeof out, SAYSO_UTF8_TERMINAL);
	assert_string_equal(out, "xevil");
	sayso_utf8_clean("\xc5\xbc\xc5\xbc", out, 4, 0); /* cut whole */
	assert_string_equal(out, "\xc5\xbc");
	sayso_utf8_clean(NULL, out, sizeof out, SAYSO_UTF8_TERMINAL);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_helpers),
	    cmocka_unit_test(test_invisible_everywhere),
	    cmocka_unit_test(test_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

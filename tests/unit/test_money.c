/* test_money.c: the one currency table and the plain money text that the .pb
 * writer and the admin CLI share (sayso/round.h). */
#include "testutil.h"

#include <string.h>

#include "sayso/round.h"

static void test_currency_unit(void **state)
{
	(void)state;
	assert_int_equal(sayso_currency_unit("GBP"), 100);
	assert_int_equal(sayso_currency_unit("PLN"), 100);
	assert_int_equal(sayso_currency_unit("JPY"), 1);
	assert_int_equal(sayso_currency_unit(NULL), 100);
	assert_int_equal(sayso_currency_decimals("JPY"), 0);
}

static void test_money_plain(void **state)
{
	(void)state;
	char out[32];
	sayso_money_plain(123450, 100, out, sizeof out);
	assert_string_equal(out, "1234.50");
	sayso_money_plain(5000000, 100, out, sizeof out);
	assert_string_equal(out, "50000");
	sayso_money_plain(-5, 100, out, sizeof out);
	assert_string_equal(out, "-0.05");
	sayso_money_plain(7, 1, out, sizeof out);
	assert_string_equal(out, "7");
	sayso_money_plain(7, 0, out, sizeof out); /* no unit: as it is */
	assert_string_equal(out, "7");
	sayso_money_plain(15, 1000, out, sizeof out);
	assert_string_equal(out, "0.015");
	sayso_money_plain(INT64_MIN, 100, out, sizeof out);
	assert_string_equal(out, "-92233720368547758.08");
	/* The formatted and the JSON forms agree with it. */
	sayso_money_format(123450, "GBP", out, sizeof out);
	assert_string_equal(out, "\xc2\xa3"
				 "1,234.50");
	assert_true(sayso_money_major(123450, "GBP") == 1234.5);
	assert_true(sayso_money_major(1234, "JPY") == 1234.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_currency_unit),
	    cmocka_unit_test(test_money_plain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

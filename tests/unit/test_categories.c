/* test_categories.c: the categories module: default lists, labels through a
 * strings lookup, the Open311 service, the SMS guess and street match. */
#include "testutil.h"

#include <string.h>

#include "sayso/categories.h"

static const char *fake_strings(void *ud, const char *key)
{
	(void)ud;
	if (strcmp(key, "category.asb") == 0)
		return "Anti-social behaviour";
	if (strcmp(key, "category.empty") == 0)
		return "";
	return key; /* like kiosk_str: the key itself when missing */
}

static void test_labels(void **state)
{
	(void)state;
	char out[64];
	sayso_category_label("fly_tipping", out, sizeof out);
	assert_string_equal(out, "Fly tipping");
	sayso_category_label("street-lighting", out, sizeof out);
	assert_string_equal(out, "Street lighting");
	sayso_category_label_lookup("asb", fake_strings, NULL, out, sizeof out);
	assert_string_equal(out, "Anti-social behaviour");
	sayso_category_label_lookup("damp-mould", fake_strings, NULL, out,
				    sizeof out);
	assert_string_equal(out, "Damp mould");
	sayso_category_label_lookup("empty", fake_strings, NULL, out,
				    sizeof out);
	assert_string_equal(out, "Empty");
	sayso_category_label_lookup("litter", NULL, NULL, out, sizeof out);
	assert_string_equal(out, "Litter");
	char tiny[4];
	sayso_category_label_lookup("asb", fake_strings, NULL, tiny,
				    sizeof tiny);
	assert_string_equal(tiny, "Ant");
}

static void test_open311(void **state)
{
	(void)state;
	char code[48], name[48];
	sayso_category_open311("fly_tipping", code, sizeof code, name,
			       sizeof name);
	assert_string_equal(code, "fly_tipping");
	assert_string_equal(name, "Fly tipping");
}

static void test_defaults_and_guess(void **state)
{
	(void)state;
	assert_non_null(strstr(sayso_categories_default(), "fly-tipping"));
	assert_non_null(strstr(sayso_categories_default(), "other"));
	assert_non_null(strstr(sayso_streets_default(), "Byron Street"));
	/* Every guess is one of the default codes. */
	const char *texts[] = {"sofa dumped", "graffiti", "lamp out",
			       "mould",	      "swings",	  "nothing"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		assert_non_null(strstr(sayso_categories_default(),
				       sayso_report_guess_category(texts[i])));
	char *streets[] = {"Byron Street", "Keats Street"};
	assert_int_equal(sayso_street_match("on keats st", streets, 2), 1);
	assert_int_equal(sayso_street_match("nowhere", streets, 2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_open311),
	    cmocka_unit_test(test_defaults_and_guess),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_config.c: sayso.ini defaults, keys, and errors that name file:line. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/config.h"
#include "sayso/log.h"

static char g_dir[256];

static const char *write_ini(const char *name, const char *text)
{
	static char path[400];
	snprintf(path, sizeof path, "%s/%s", g_dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_defaults(void **state)
{
	(void)state;
	struct sayso_config c;
	assert_int_equal(sayso_config_defaults(&c), SAYSO_OK);
	assert_string_equal(c.site.database, "./sayso.db");
	assert_int_equal(c.kiosk.idle_seconds, 60);
	assert_int_equal(c.smsgw.provider, SAYSO_PROVIDER_KANNEL);
	assert_string_equal(c.smsgw.listen, "127.0.0.1:8088");
	assert_int_equal(c.smsgw.rate_per_minute, 10);
	assert_true(c.site.categories.n >= 9);
	assert_string_equal(c.site.categories.items[c.site.categories.n - 1],
			    "other");
	assert_true(c.site.streets.n >= 10);
	/* Every shipped language by default, English first. */
	assert_int_equal(c.site.languages.n, 7);
	assert_string_equal(c.site.languages.items[0], "en");
	assert_string_equal(c.site.languages.items[6], "ar");
	sayso_config_cleanup(&c);
	sayso_config_cleanup(&c); /* twice is safe */
}

static void test_full_file(void **state)
{
	(void)state;
	char src[512];
	snprintf(src, sizeof src, "%s/assets/demo/sayso.ini",
		 getenv("SAYSO_SRC") ? getenv("SAYSO_SRC") : "../..");
	struct sayso_config c;
	char err[512];
	assert_int_equal(sayso_config_load(&c, src, err, sizeof err), SAYSO_OK);
	assert_string_equal(c.site.name, "Poets Streets");
	assert_int_equal(c.site.streets.n, 12); /* continuation lines append */
	assert_string_equal(c.site.streets.items[11], "Poets Park");
	sayso_config_cleanup(&c);

	const char *p = write_ini(
	    "a.ini",
	    "; comment\n[site]\nname = Croxteth Hub\ndatabase = /tmp/x.db\n"
	    "[kiosk]\nidle_seconds = 30\nverify = sms\ncursor = yes\n"
	    "categories = litter, other\n"
	    "[smsgw]\nprovider = twilio\nlisten = 127.0.0.1:9000\n"
	    "[twilio]\npoll_seconds = 15\npublic_url = "
	    "https://hub.example.org/twilio\n");
	assert_int_equal(sayso_config_load(&c, p, err, sizeof err), SAYSO_OK);
	assert_string_equal(c.site.name, "Croxteth Hub");
	assert_int_equal(c.kiosk.idle_seconds, 30);
	assert_int_equal(c.kiosk.verify, SAYSO_VERIFY_SMS);
	assert_true(c.kiosk.cursor);
	assert_int_equal(c.site.categories.n, 2);
	assert_int_equal(c.smsgw.provider, SAYSO_PROVIDER_TWILIO);
	assert_int_equal(c.twilio.poll_seconds, 15);
	char host[64];
	unsigned short port;
	assert_int_equal(
	    sayso_config_listen(c.smsgw.listen, host, sizeof host, &port),
	    SAYSO_OK);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 9000);
	assert_int_equal(
	    sayso_config_listen("nohost", host, sizeof host, &port),
	    SAYSO_ERR_INVAL);
	sayso_config_cleanup(&c);
}

static void expect_error(const char *text, const char *want)
{
	const char *p = write_ini("bad.ini", text);
	struct sayso_config c;
	char err[512];
	enum sayso_err e = sayso_config_load(&c, p, err, sizeof err);
	assert_int_not_equal(e, SAYSO_OK);
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
	assert_non_null(strstr(err, "bad.ini"));
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("[site]\nname = x\ncolour = blue\n",
		     "bad.ini:3: unknown key 'colour' in [site]");
	expect_error("[sight]\nname = x\n",
		     "bad.ini:2: unknown section [sight]");
	expect_error("[kiosk]\n\nidle_seconds = soon\n",
		     "bad.ini:3: [kiosk] idle_seconds = 'soon': expected a "
		     "whole number");
	expect_error("[kiosk]\nidle_seconds = 1\n", "number out of range");
	expect_error("[kiosk]\nverify = fingerprint\n",
		     "expected sms, code or none");
	expect_error("[smsgw]\nprovider = carrier-pigeon\n",
		     "expected kannel, twilio or spool");
	expect_error("[kiosk]\ncursor = maybe\n", "expected true or false");
	expect_error("[site]\nthis line has no equals sign\n", "bad.ini:2:");
	expect_error("[site]\nlanguages = en, de\n",
		     "[site] languages: 'de' is not a language sayso ships");
	expect_error("[site]\nlanguages = en, pl, pl\n",
		     "[site] languages: 'pl' is listed twice");
	expect_error("[site]\nlanguages = EN\n", "'EN' is not a language");
	char longline[600];
	memset(longline, 'a', sizeof longline);
	memcpy(longline, "[site]\nname = ", 14);
	longline[sizeof longline - 2] = '\n';
	longline[sizeof longline - 1] = '\0';
	expect_error(longline, "too long");
	struct sayso_config c;
	char err[512];
	assert_int_equal(
	    sayso_config_load(&c, "/nonexistent/sayso.ini", err, sizeof err),
	    SAYSO_ERR_IO);
	assert_non_null(strstr(err, "/nonexistent/sayso.ini"));
}

static int setup(void **state)
{
	(void)state;
	tu_tmpdir(g_dir, sizeof g_dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(g_dir);
	return 0;
}

static int deprecations;
static void count_sink(enum sayso_log_level level, const char *msg, void *ud)
{
	(void)level;
	(void)ud;
	if (strstr(msg, "deprecated") && strstr(msg, "[site]"))
		deprecations++;
}

/* Categories and streets are site facts: [site] categories / streets; the
 * [kiosk] spellings still work and log one deprecation note. */
static void test_site_categories(void **state)
{
	(void)state;
	struct sayso_config c;
	char err[512];
	sayso_log_set_sink(count_sink, NULL);
	deprecations = 0;
	const char *p = write_ini("s.ini", "[site]\ncategories = litter, "
					   "graffiti, other\nstreets = Byron "
					   "Street,\n  Keats Street\n");
	assert_int_equal(sayso_config_load(&c, p, err, sizeof err), SAYSO_OK);
	assert_int_equal(c.site.categories.n, 3);
	assert_string_equal(c.site.categories.items[1], "graffiti");
	assert_int_equal(c.site.streets.n, 2);
	assert_string_equal(c.site.streets.items[1], "Keats Street");
	assert_int_equal(deprecations, 0);
	sayso_config_cleanup(&c);

	p = write_ini("k.ini", "[kiosk]\ncategories = asb, other\n"
			       "streets = Church Walk\n");
	assert_int_equal(sayso_config_load(&c, p, err, sizeof err), SAYSO_OK);
	assert_int_equal(c.site.categories.n, 2);
	assert_string_equal(c.site.categories.items[0], "asb");
	assert_int_equal(c.site.streets.n, 1);
	assert_string_equal(c.site.streets.items[0], "Church Walk");
	assert_int_equal(deprecations, 1);
	sayso_config_cleanup(&c);

	/* The device id is checked once, by the store's rule, at load. */
	p = write_ini("d.ini", "[kiosk]\ndevice = hall kiosk\n");
	assert_int_equal(sayso_config_load(&c, p, err, sizeof err),
			 SAYSO_ERR_PARSE);
	assert_non_null(strstr(err, "[kiosk] device = 'hall kiosk'"));
	p = write_ini("d2.ini", "[kiosk]\ndevice = hall-1.lan:a_b\n");
	assert_int_equal(sayso_config_load(&c, p, err, sizeof err), SAYSO_OK);
	sayso_config_cleanup(&c);

	p = write_ini("e.ini", "[site]\ncategories = ,\n");
	assert_int_equal(sayso_config_load(&c, p, err, sizeof err),
			 SAYSO_ERR_PARSE);
	assert_non_null(strstr(err, "[site] categories must not be empty"));
	sayso_log_set_sink(NULL, NULL);
}

/* [site] positive and min_group (issue 14): defaults 4,5 and 30; the
 * faces are checked, and so is the range. */
static void test_site_figures(void **state)
{
	struct sayso_config c;
	char err[512];
	const char *p;

	(void)state;
	assert_int_equal(sayso_config_defaults(&c), SAYSO_OK);
	assert_int_equal(c.site.positive, 0x18u);
	assert_int_equal(c.site.min_group, 30);
	sayso_config_cleanup(&c);
	p = write_ini("f.ini", "[site]\npositive = 5\nmin_group = 50\n");
	assert_int_equal(sayso_config_load(&c, p, err, sizeof err), SAYSO_OK);
	assert_int_equal(c.site.positive, 0x10u);
	assert_int_equal(c.site.min_group, 50);
	sayso_config_cleanup(&c);
	expect_error("[site]\npositive = 1,2,3,4,5\n", "bad.ini:2");
	expect_error("[site]\npositive = 6\n", "faces 1 to 5");
	expect_error("[site]\npositive =\n", "faces 1 to 5");
	expect_error("[site]\nmin_group = 0\n", "out of range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_full_file),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_site_categories),
	    cmocka_unit_test(test_site_figures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_kiosk_text.c: the kiosk's text plumbing without a screen: the {name}
 * template filler, the string catalogue with English fallback, bounded
 * UTF-8 input buffers, the --script parser and the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kiosk.h"
#include "testutil.h"

static void test_fmt(void **state)
{
	char out[64];

	(void)state;
	kiosk_fmt(out, sizeof(out), "{n} of {max} chosen", "n", "3", "max", "5",
		  NULL);
	assert_string_equal(out, "3 of 5 chosen");
	kiosk_fmt(out, sizeof(out), "keep {unknown} and {", "n", "1", NULL);
	assert_string_equal(out, "keep {unknown} and {");
	/* Truncation never splits a UTF-8 character. */
	kiosk_fmt(out, 6, "£££", NULL);
	assert_string_equal(out, "££");
	kiosk_fmt(out, sizeof(out), "{a}{a}", "a", "ź", NULL);
	assert_string_equal(out, "źź");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_strings_fallback(void **state)
{
	char dir[256], path[512];
	struct kiosk_strings *s;

	(void)state;
	tu_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/en.ini", dir);
	write_file(path, "[nav]\nback = Back\nnext = Next\n");
	snprintf(path, sizeof(path), "%s/pl.ini", dir);
	write_file(path, "[nav]\nback = Wstecz\n");
	s = kiosk_strings_load(dir, "pl");
	assert_non_null(s);
	assert_string_equal(kiosk_strings_lang(s), "pl");
	assert_string_equal(kiosk_str(s, "nav.back"), "Wstecz");
	assert_string_equal(kiosk_str(s, "nav.next"), "Next");
	assert_string_equal(kiosk_str(s, "nav.missing"), "nav.missing");
	kiosk_strings_free(s);
	/* A language code that could escape the directory is refused. */
	s = kiosk_strings_load(dir, "../pl");
	assert_string_equal(kiosk_strings_lang(s), "en");
	assert_string_equal(kiosk_str(s, "nav.back"), "Back");
	kiosk_strings_free(s);
	tu_rmtree(dir);
}

/* Every Polish key exists in English, and the shipped English catalogue
 * has the keys every screen asks for. */
static void test_shipped_catalogues(void **state)
{
	char dir[1024];
	struct kiosk_strings *en, *pl;
	static const char *const keys[] = {
	    "attract.title",
	    "attract.rate",
	    "attract.report",
	    "attract.vote",
	    "rate.face1",
	    "rate.face5",
	    "followup.best",
	    "followup.better.alleyways",
	    "report.cat_title",
	    "report.street_title",
	    "vote.counter",
	    "vote.budget",
	    "vote.already_body",
	    "idle.title",
	    "idle.body",
	    "error.body",
	    "staff.exit",
	    "thanks.title",
	    "category.fly-tipping",
	    "language.pl",
	    NULL,
	};

	(void)state;
	if (!getenv("SAYSO_SRC"))
		skip();
	snprintf(dir, sizeof(dir), "%s/assets/strings", getenv("SAYSO_SRC"));
	en = kiosk_strings_load(dir, "en");
	pl = kiosk_strings_load(dir, "pl");
	for (size_t i = 0; keys[i]; i++)
		assert_string_not_equal(kiosk_str(en, keys[i]), keys[i]);
	/* Polish is complete (test_catalogue checks every key). */
	assert_string_not_equal(kiosk_str(pl, "attract.title"),
				kiosk_str(en, "attract.title"));
	assert_string_not_equal(kiosk_str(pl, "staff.exit"),
				kiosk_str(en, "staff.exit"));
	kiosk_strings_free(en);
	kiosk_strings_free(pl);
}

/* A key missing from a language falls back to English, and a value goes on
 * over indented lines (inih reads at most 199 bytes a line). */
static void test_fallback_and_long_lines(void **state)
{
	char dir[256], path[300];
	FILE *f;

	(void)state;
	tu_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/en.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[a]\nx = one\ny = two\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/pl.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[a]\nx = jeden i\n\tdalej\n\tkoniec\n", f);
	fclose(f);
	struct kiosk_strings *pl = kiosk_strings_load(dir, "pl");
	assert_string_equal(kiosk_str(pl, "a.x"), "jeden i dalej koniec");
	assert_string_equal(kiosk_str(pl, "a.y"), "two");
	kiosk_strings_free(pl);
	tu_rmtree(dir);
}

static void test_buffers(void **state)
{
	char buf[6] = "";

	(void)state;
	kiosk_buf_append(buf, sizeof(buf), "ab");
	kiosk_buf_append(buf, sizeof(buf), "\x01\n"); /* controls dropped */
	assert_string_equal(buf, "ab");
	kiosk_buf_append(buf, sizeof(buf), "ół"); /* 4 bytes: only ó fits */
	assert_string_equal(buf, "abó");
	kiosk_buf_append(buf, sizeof(buf), "xyz");
	assert_string_equal(buf, "abóx");
	kiosk_buf_backspace(buf);
	kiosk_buf_backspace(buf);
	assert_string_equal(buf, "ab");
	kiosk_buf_backspace(buf);
	kiosk_buf_backspace(buf);
	kiosk_buf_backspace(buf);
	assert_string_equal(buf, "");
}

static void test_session_wipe(void **state)
{
	struct kiosk_session s;

	(void)state;
	memset(&s, 0, sizeof(s));
	snprintf(s.text, sizeof(s.text), "my neighbour at no. 4");
	snprintf(s.phone_typed, sizeof(s.phone_typed), "07700900123");
	s.score = 5;
	kiosk_session_wipe(&s);
	const unsigned char *p = (const unsigned char *)&s;
	for (size_t i = 0; i < sizeof(s); i++)
		assert_int_equal(p[i], 0);
}

static void test_script_parse(void **state)
{
	char dir[256], path[512];
	struct kiosk_script *sc;

	(void)state;
	tu_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/ok.txt", dir);
	write_file(path, "# comment\n\ntap 10 20\nkey Return\ntext hello "
			 "there\nwait 100\nshot one\ndown 1 1\nup 1 1\n"
			 "finger 5 5\n");
	sc = kiosk_script_load(path);
	assert_non_null(sc);
	kiosk_script_free(sc);
	static const char *const bad[] = {
	    "tap 10\n",	   "tap 1920 10\n",  "tap -1 5\n",
	    "wait soon\n", "wait 1000000\n", "shot ../x\n",
	    "key\n",	   "jump 1 2\n",     "tap 1 2 3\n",
	    NULL,
	};
	for (size_t i = 0; bad[i]; i++) {
		snprintf(path, sizeof(path), "%s/bad%zu.txt", dir, i);
		write_file(path, bad[i]);
		sc = kiosk_script_load(path);
		if (sc)
			fail_msg("accepted: %s", bad[i]);
	}
	assert_null(kiosk_script_load("/nonexistent/script.txt"));
	tu_rmtree(dir);
}

static void test_args(void **state)
{
	struct kiosk_options o;
	char *ok[] = {"sayso-kiosk",   "-c",	"x.ini",    "--windowed",
		      "--device",      "hub-1", "--script", "s.txt",
		      "--screenshots", "d",	NULL};
	char *bad[] = {"sayso-kiosk", "--nope", NULL};
	char *extra[] = {"sayso-kiosk", "stray", NULL};
	char *longdev[] = {"sayso-kiosk", "--device",
			   "0123456789012345678901234567890123456789012345678"
			   "90123456789012345",
			   NULL};

	(void)state;
	assert_int_equal(kiosk_parse_args(10, ok, &o), 0);
	assert_string_equal(o.config_path, "x.ini");
	assert_true(o.windowed);
	assert_string_equal(o.device, "hub-1");
	assert_string_equal(o.script, "s.txt");
	assert_string_equal(o.shots_dir, "d");
	assert_int_equal(kiosk_parse_args(2, bad, &o), 2);
	assert_int_equal(kiosk_parse_args(2, extra, &o), 2);
	assert_int_equal(kiosk_parse_args(3, longdev, &o), 2);
}

/* Words that depend on the language: plural forms by core's CLDR rules,
 * refusals from core worded from reason.<key>, dates from [date]. */
static void test_language_words(void **state)
{
	static struct kiosk_app app;
	char dir[512], out[256];

	(void)state;
	if (!getenv("SAYSO_SRC"))
		skip();
	snprintf(dir, sizeof(dir), "%s/assets/strings", getenv("SAYSO_SRC"));
	setenv("TZ", "UTC", 1);
	tzset();
	app.str = kiosk_strings_load(dir, "pl");
	kiosk_plural(&app, "idle.seconds", 1, out, sizeof(out));
	assert_string_equal(out, "za 1 sekundę");
	kiosk_plural(&app, "idle.seconds", 3, out, sizeof(out));
	assert_string_equal(out, "za 3 sekundy");
	kiosk_plural(&app, "idle.seconds", 5, out, sizeof(out));
	assert_string_equal(out, "za 5 sekund");
	kiosk_plural(&app, "idle.seconds", 22, out, sizeof(out));
	assert_string_equal(out, "za 22 sekundy");
	kiosk_phone_message(&app, SAYSO_REASON_PHONE_LANDLINE);
	assert_non_null(strstr(app.s.message, "numer stacjonarny"));
	assert_null(strstr(app.s.message, "landline"));
	struct sayso_refusal r = {.code = SAYSO_REASON_POINTS_MAX,
				  .arg = {7, 3}};
	kiosk_reason_text(&app, &r, out, sizeof(out));
	assert_string_equal(out, "Projekt 7: najwięcej punktów to 3");
	r = (struct sayso_refusal){.code = SAYSO_REASON_OVER_BUDGET};
	snprintf(r.amount, sizeof(r.amount), "£500");
	kiosk_reason_text(&app, &r, out, sizeof(out));
	assert_string_equal(out, "Budżet jest przekroczony o £500");
	kiosk_date(&app, 1796119200000LL, out, sizeof(out));
	assert_string_equal(out, "1 grudnia 2026");
	kiosk_strings_free(app.str);

	app.str = kiosk_strings_load(dir, "ar");
	kiosk_plural(&app, "idle.seconds", 2, out, sizeof(out));
	assert_string_equal(out, "بعد ثانيتين");
	kiosk_plural(&app, "idle.seconds", 7, out, sizeof(out));
	assert_string_equal(out, "بعد 7 ثوانٍ");
	kiosk_plural(&app, "idle.seconds", 15, out, sizeof(out));
	assert_string_equal(out, "بعد 15 ثانية");
	kiosk_date(&app, 1796119200000LL, out, sizeof(out));
	assert_string_equal(out, "1 ديسمبر 2026");
	kiosk_strings_free(app.str);

	app.str = kiosk_strings_load(dir, "cy");
	kiosk_plural(&app, "staff.seconds", 2, out, sizeof(out));
	assert_string_equal(out, "ymhen 2 eiliad");
	kiosk_date(&app, 1796119200000LL, out, sizeof(out));
	assert_string_equal(out, "1 Rhagfyr 2026");
	kiosk_strings_free(app.str);

	/* English keeps one/other, and no %b: the month from en.ini. */
	app.str = kiosk_strings_load(dir, "en");
	kiosk_plural(&app, "idle.seconds", 0, out, sizeof(out));
	assert_string_equal(out, "in 0 seconds");
	kiosk_date(&app, 1796119200000LL, out, sizeof(out));
	assert_string_equal(out, "1 December 2026");
	kiosk_strings_free(app.str);
	app.str = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fmt),
	    cmocka_unit_test(test_strings_fallback),
	    cmocka_unit_test(test_shipped_catalogues),
	    cmocka_unit_test(test_fallback_and_long_lines),
	    cmocka_unit_test(test_language_words),
	    cmocka_unit_test(test_buffers),
	    cmocka_unit_test(test_session_wipe),
	    cmocka_unit_test(test_script_parse),
	    cmocka_unit_test(test_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

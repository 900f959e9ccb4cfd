/* test_lang.c: the shipped languages, their CLDR plural categories at the
 * numbers where the rules turn, dates written from a language's month names,
 * and core's refusal codes (sayso/lang.h, sayso/reason.h). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "sayso/ballot.h"
#include "sayso/identity.h"
#include "sayso/lang.h"
#include "sayso/project_text.h"
#include "sayso/reason.h"
#include "sayso/store.h"
#include "sayso/utf8.h"

#define Z SAYSO_PLURAL_ZERO
#define O SAYSO_PLURAL_ONE
#define T SAYSO_PLURAL_TWO
#define F SAYSO_PLURAL_FEW
#define M SAYSO_PLURAL_MANY
#define X SAYSO_PLURAL_OTHER

struct pcase {
	long n;
	enum sayso_plural want;
};

static void check(const char *lang, const struct pcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum sayso_plural got = sayso_plural_of(lang, c[i].n);
		if (got != c[i].want)
			fail_msg("%s %ld: got %s, want %s", lang, c[i].n,
				 sayso_plural_name(got),
				 sayso_plural_name(c[i].want));
	}
}
#define CHECK(lang, arr) check(lang, arr, sizeof arr / sizeof arr[0])

static void test_plural_en_ur(void **state)
{
	(void)state;
	static const struct pcase c[] = {{0, X},  {1, O},  {2, X},
					 {11, X}, {21, X}, {101, X}};
	CHECK("en", c);
	CHECK("ur", c);
	CHECK("xx", c); /* unknown: English */
	assert_int_equal(sayso_plural_of("en", -1), O);
}

static void test_plural_pa_bn(void **state)
{
	(void)state;
	/* CLDR: pa one is n = 0..1; bn one is i = 0 or n = 1. */
	static const struct pcase c[] = {{0, O}, {1, O},  {2, X},
					 {5, X}, {11, X}, {21, X}};
	CHECK("pa", c);
	CHECK("bn", c);
}

static void test_plural_pl(void **state)
{
	(void)state;
	static const struct pcase c[] = {
	    {0, M},   {1, O},	{2, F},	  {3, F},   {4, F},   {5, M},  {11, M},
	    {12, M},  {13, M},	{14, M},  {21, M},  {22, F},  {24, F}, {25, M},
	    {101, M}, {102, F}, {112, M}, {122, F}, {1000, M}};
	CHECK("pl", c);
}

static void test_plural_cy(void **state)
{
	(void)state;
	static const struct pcase c[] = {{0, Z}, {1, O},  {2, T},  {3, F},
					 {4, X}, {5, X},  {6, M},  {7, X},
					 {8, X}, {10, X}, {11, X}, {100, X}};
	CHECK("cy", c);
}

static void test_plural_ar(void **state)
{
	(void)state;
	static const struct pcase c[] = {
	    {0, Z},   {1, O},	{2, T},	  {3, F},   {10, F},  {11, M},
	    {99, M},  {100, X}, {101, X}, {102, X}, {103, F}, {110, F},
	    {111, M}, {199, M}, {200, X}, {1000, X}};
	CHECK("ar", c);
}

static void test_plural_needed(void **state)
{
	(void)state;
	unsigned all = (1u << SAYSO_PLURAL_COUNT) - 1;
	assert_int_equal(sayso_plural_needed("en"), (1u << O) | (1u << X));
	assert_int_equal(sayso_plural_needed("pl"),
			 (1u << O) | (1u << F) | (1u << M) | (1u << X));
	assert_int_equal(sayso_plural_needed("cy"), all);
	assert_int_equal(sayso_plural_needed("ar"), all);
	assert_int_equal(sayso_plural_needed("bn"), (1u << O) | (1u << X));
	assert_string_equal(sayso_plural_name(M), "many");
	assert_string_equal(sayso_plural_name((enum sayso_plural)99), "other");
}

static void test_langs(void **state)
{
	(void)state;
	assert_int_equal(sayso_lang_count(), 7);
	const char *want[] = {"en", "pl", "cy", "ur", "pa", "bn", "ar"};
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(sayso_lang_code(i), want[i]);
		assert_true(sayso_lang_valid(want[i]));
	}
	assert_null(sayso_lang_code(7));
	assert_false(sayso_lang_valid("EN"));
	assert_false(sayso_lang_valid("fr"));
	assert_false(sayso_lang_valid(""));
	assert_false(sayso_lang_valid(NULL));
	assert_true(sayso_lang_rtl("ur"));
	assert_true(sayso_lang_rtl("ar"));
	assert_false(sayso_lang_rtl("pa"));
}

static void test_date_words(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	static const char *const pl[12] = {
	    "stycznia", "lutego",	"marca",     "kwietnia",
	    "maja",	"czerwca",	"lipca",     "sierpnia",
	    "września", "października", "listopada", "grudnia"};
	char out[64];
	/* 2026-12-01T10:00:00Z */
	int64_t ms = 1796119200000LL;
	sayso_date_words(ms, "{day} {month} {year}", pl, out, sizeof out);
	assert_string_equal(out, "1 grudnia 2026");
	/* Another order and an unknown name kept as is. */
	sayso_date_words(ms, "{year}. {month} {day}. {x}", pl, out, sizeof out);
	assert_string_equal(out, "2026. grudnia 1. {x}");
	/* No month names: the month's number. */
	sayso_date_words(ms, "{day}/{month}/{year}", NULL, out, sizeof out);
	assert_string_equal(out, "1/12/2026");
	/* Cut at a UTF-8 boundary: "1 wrze" + "ś" does not fit in 8 bytes. */
	sayso_date_words(1788220800000LL, "{day} {month}", pl, out, 8);
	assert_string_equal(out, "1 wrze");
	/* English dates of the audit trail carry no locale's %b. */
	sayso_time_human(ms, out, sizeof out);
	assert_string_equal(out, "01 Dec 2026, 10:00");
}

static void test_reason_table(void **state)
{
	(void)state;
	assert_string_equal(sayso_reason_key(SAYSO_REASON_NONE), "");
	for (int c = 1; c < SAYSO_REASON_COUNT; c++) {
		const char *k = sayso_reason_key((enum sayso_reason)c);
		assert_true(k[0] != '\0');
		assert_true(sayso_reason_english((enum sayso_reason)c)[0]);
		for (int d = 1; d < c; d++)
			assert_string_not_equal(
			    k, sayso_reason_key((enum sayso_reason)d));
	}
	assert_string_equal(sayso_reason_key((enum sayso_reason)999), "");
	assert_string_equal(sayso_reason_arg(SAYSO_REASON_POINTS_MAX, 1),
			    "max");
	assert_null(sayso_reason_arg(SAYSO_REASON_MAX_PICKS, 1));
	assert_null(sayso_reason_arg(SAYSO_REASON_CLOSED, 0));
	struct sayso_refusal r = {.code = SAYSO_REASON_POINTS_MAX,
				  .arg = {7, 3}};
	char out[64];
	sayso_refusal_english(&r, out, sizeof out);
	assert_string_equal(out, "too many points for project 7: max 3");
}

static void test_reason_codes(void **state)
{
	(void)state;
	struct {
		const char *in;
		enum sayso_reason want;
	} ph[] = {
	    {"", SAYSO_REASON_PHONE_EMPTY},
	    {"07700 9009x2", SAYSO_REASON_PHONE_CHARS},
	    {"0770+0900982", SAYSO_REASON_PHONE_PLUS},
	    {"+33 6 12 34 56 78", SAYSO_REASON_PHONE_NOT_UK},
	    {"020 7946 0018", SAYSO_REASON_PHONE_LANDLINE},
	    {"07700 9009", SAYSO_REASON_PHONE_TOO_SHORT},
	    {"07700 9009821", SAYSO_REASON_PHONE_LONG_UK},
	    {"07000 900982", SAYSO_REASON_PHONE_PERSONAL},
	    {"07600 900982", SAYSO_REASON_PHONE_PAGER},
	    {"07700 900982", SAYSO_REASON_NONE},
	};
	char out[64];
	for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++) {
		enum sayso_reason r = SAYSO_REASON_COUNT;
		const char *why = "unset";
		sayso_phone_check(ph[i].in, out, sizeof out, &r);
		if (r != ph[i].want)
			fail_msg("%s: got %s", ph[i].in, sayso_reason_key(r));
		/* The old call gives core's English for the same code. */
		sayso_phone_normalise(ph[i].in, out, sizeof out, &why);
		if (r == SAYSO_REASON_NONE)
			assert_null(why);
		else
			assert_string_equal(why, sayso_reason_english(r));
	}
	enum sayso_reason r;
	assert_int_equal(sayso_code_check("AB", out, sizeof out, &r),
			 SAYSO_ERR_INVAL);
	assert_int_equal(r, SAYSO_REASON_CODE_TOO_SHORT);
	assert_int_equal(sayso_code_check("AB?D5", out, sizeof out, &r),
			 SAYSO_ERR_INVAL);
	assert_int_equal(r, SAYSO_REASON_CODE_CHARS);
	assert_int_equal(sayso_code_check(" ", out, sizeof out, &r),
			 SAYSO_ERR_INVAL);
	assert_int_equal(r, SAYSO_REASON_CODE_EMPTY);
}

static void test_ballot_check(void **state)
{
	(void)state;
	struct sayso_round rd;
	memset(&rd, 0, sizeof rd);
	rd.state = SAYSO_ROUND_OPEN;
	rd.kind = SAYSO_BALLOT_KNAPSACK;
	rd.budget = 1000;
	snprintf(rd.currency, sizeof rd.currency, "GBP");
	struct sayso_project pr[2];
	memset(pr, 0, sizeof pr);
	pr[0].number = 1;
	pr[0].cost = 800;
	pr[1].number = 2;
	pr[1].cost = 700;
	struct sayso_pick pk[2] = {{1, 1}, {2, 1}};
	struct sayso_refusal why;
	assert_int_equal(sayso_ballot_check(&rd, pr, 2, pk, 2, 0, &why),
			 SAYSO_ERR_INVAL);
	assert_int_equal(why.code, SAYSO_REASON_OVER_BUDGET);
	assert_string_equal(why.amount, "£5");
	char en[SAYSO_REASON_MAX];
	assert_int_equal(
	    sayso_ballot_validate(&rd, pr, 2, pk, 2, 0, en, sizeof en),
	    SAYSO_ERR_INVAL);
	assert_string_equal(en, "over budget by £5");
	pk[1].number = 9;
	sayso_ballot_check(&rd, pr, 2, pk, 2, 0, &why);
	assert_int_equal(why.code, SAYSO_REASON_UNKNOWN_PROJECT);
	assert_int_equal(why.arg[0], 9);
	assert_int_equal(sayso_ballot_check(&rd, pr, 2, pk, 1, 0, &why),
			 SAYSO_OK);
	assert_int_equal(why.code, SAYSO_REASON_NONE);
	rd.state = SAYSO_ROUND_CLOSED;
	sayso_ballot_check(&rd, pr, 2, pk, 1, 0, &why);
	assert_int_equal(why.code, SAYSO_REASON_CLOSED);
}

static void test_project_texts(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "T1");
	snprintf(r.title, sizeof r.title, "Test");
	snprintf(r.currency, sizeof r.currency, "GBP");
	r.budget = 1000;
	assert_int_equal(sayso_round_create(st, &r, "test"), SAYSO_OK);
	struct sayso_project p = {.cost = 100};
	snprintf(p.title, sizeof p.title, "Bench");
	snprintf(p.description, sizeof p.description, "A bench");
	assert_int_equal(sayso_project_add(st, r.id, &p, "test"), SAYSO_OK);
	assert_int_equal(
	    sayso_project_text_set(st, p.id, "pl", "Ławka", NULL, "test"),
	    SAYSO_OK);
	assert_int_equal(
	    sayso_project_text_set(st, p.id, "ar", NULL, "مقعد خشبي", "test"),
	    SAYSO_OK);
	struct sayso_project *ps;
	size_t n;
	assert_int_equal(sayso_project_list_lang(st, r.id, "pl", &ps, &n),
			 SAYSO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ps[0].title, "Ławka");
	assert_string_equal(ps[0].description, "A bench"); /* original */
	free(ps);
	assert_int_equal(sayso_project_list_lang(st, r.id, "ar", &ps, &n),
			 SAYSO_OK);
	assert_string_equal(ps[0].title, "Bench");
	assert_string_equal(ps[0].description, "مقعد خشبي");
	free(ps);
	assert_int_equal(sayso_project_list_lang(st, r.id, "cy", &ps, &n),
			 SAYSO_OK);
	assert_string_equal(ps[0].title, "Bench");
	free(ps);
	/* Replaced, then removed: back to the original. */
	assert_int_equal(
	    sayso_project_text_set(st, p.id, "pl", "Ławeczka", "", "test"),
	    SAYSO_OK);
	assert_int_equal(sayso_project_list_lang(st, r.id, "pl", &ps, &n),
			 SAYSO_OK);
	assert_string_equal(ps[0].title, "Ławeczka");
	free(ps);
	assert_int_equal(
	    sayso_project_text_set(st, p.id, "pl", "", NULL, "test"), SAYSO_OK);
	assert_int_equal(sayso_project_list_lang(st, r.id, "pl", &ps, &n),
			 SAYSO_OK);
	assert_string_equal(ps[0].title, "Bench");
	free(ps);
	/* Refused: unknown language, broken UTF-8, too long, no project. */
	assert_int_equal(
	    sayso_project_text_set(st, p.id, "fr", "Banc", NULL, "test"),
	    SAYSO_ERR_INVAL);
	assert_int_equal(
	    sayso_project_text_set(st, p.id, "pl", "\xc5", NULL, "test"),
	    SAYSO_ERR_INVAL);
	char big[SAYSO_TITLE_MAX + 1];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(
	    sayso_project_text_set(st, p.id, "pl", big, NULL, "test"),
	    SAYSO_ERR_INVAL);
	assert_int_equal(
	    sayso_project_text_set(st, p.id + 99, "pl", "X", NULL, "test"),
	    SAYSO_ERR_NOTFOUND);
	sayso_store_close(st);
}

static void test_fold(void **state)
{
	(void)state;
	assert_int_equal(sayso_utf8_fold('A'), 'a');
	assert_int_equal(sayso_utf8_fold('z'), 'z');
	assert_int_equal(sayso_utf8_fold(0x141), 'l');	 /* Ł */
	assert_int_equal(sayso_utf8_fold(0x105), 'a');	 /* ą */
	assert_int_equal(sayso_utf8_fold(0x17B), 'z');	 /* Ż */
	assert_int_equal(sayso_utf8_fold(0x174), 'w');	 /* Ŵ */
	assert_int_equal(sayso_utf8_fold(0xE2), 'a');	 /* â */
	assert_int_equal(sayso_utf8_fold(0xDF), 0xDF);	 /* ß kept */
	assert_int_equal(sayso_utf8_fold(0x627), 0x627); /* ا */
	assert_int_equal(sayso_utf8_fold('1'), '1');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plural_en_ur),
	    cmocka_unit_test(test_plural_pa_bn),
	    cmocka_unit_test(test_plural_pl),
	    cmocka_unit_test(test_plural_cy),
	    cmocka_unit_test(test_plural_ar),
	    cmocka_unit_test(test_plural_needed),
	    cmocka_unit_test(test_langs),
	    cmocka_unit_test(test_date_words),
	    cmocka_unit_test(test_reason_table),
	    cmocka_unit_test(test_reason_codes),
	    cmocka_unit_test(test_ballot_check),
	    cmocka_unit_test(test_project_texts),
	    cmocka_unit_test(test_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

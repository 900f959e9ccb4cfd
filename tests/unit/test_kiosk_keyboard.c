/*
 * test_kiosk_keyboard.c: the on-screen keyboards chosen by language, driven
 * through the real report-description screen as a resident's taps: a
 * Polish word with ą ę ł ó ś ź ż, a Welsh one with ŵ ŷ, an Urdu and an
 * Arabic word, Gurmukhi and Bengali with their vowel signs (Shift, one
 * letter at a time), the mode key's layers, and the character limit that
 * counts characters, not bytes; and project titles in the resident's
 * language.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk.h"
#include "kiosk_fixture.h"
#include "sayso/project_text.h"
#include "sayso/utf8.h"
#include "testutil.h"

static char dir[256];
static struct kiosk_app app;

static int setup(void **state)
{
	(void)state;
	return kiosk_fixture_open(&app, dir, sizeof(dir),
				  "languages = en, pl, cy, ur, pa, bn, ar\n"
				  "streets = Łąkowa, Keats Street, Stryd "
				  "Ŵyn\n",
				  "keyboard-test");
}

static int teardown(void **state)
{
	(void)state;
	kiosk_fixture_close(&app, dir);
	return 0;
}

/* Taps the key whose arg is arg on the current screen; false if none. */
static bool tap_arg(int arg)
{
	kiosk_render(&app, NULL);
	for (int i = 0; i < app.ui.n; i++) {
		const struct kiosk_widget *w = &app.ui.w[i];
		if (w->action != KA_KEY || w->arg != arg || w->disabled)
			continue;
		struct kiosk_in in = {.kind = KI_ACTIVATE, .w = w};
		app.screen->event(&app, &in);
		return true;
	}
	return false;
}

/* Types word by tapping keys: each code point on this layer, or after
 * Shift (which lasts one letter). Fails the test when a letter has no key. */
static void type_word(const char *word)
{
	const unsigned char *p = (const unsigned char *)word;
	size_t len = strlen(word);
	while (len) {
		unsigned long cp;
		bool bad;
		size_t n = sayso_utf8_next(p, len, &cp, &bad);
		p += n;
		len -= n;
		if (cp == ' ') {
			assert_true(tap_arg(KK_SPACE));
			continue;
		}
		if (tap_arg((int)cp))
			continue;
		assert_true(tap_arg(KK_SHIFT));
		if (!tap_arg((int)cp))
			fail_msg("no key for U+%04lX in %s", cp, word);
	}
}

static void start_text(int lang_index)
{
	kiosk_reset(&app);
	assert_true(kiosk_set_language(&app, lang_index));
	kiosk_go(&app, KS_REPORT_TEXT);
}

static void test_polish_and_welsh(void **state)
{
	(void)state;
	start_text(1); /* pl */
	type_word("Źdźbło gęś żółć");
	assert_string_equal(app.s.text, "Źdźbło gęś żółć");
	start_text(2); /* cy */
	type_word("Ŵyn ŷd tŷ");
	assert_string_equal(app.s.text, "Ŵyn ŷd tŷ");
	/* English keeps plain QWERTY: no Polish letters on it. */
	start_text(0);
	kiosk_render(&app, NULL);
	for (int i = 0; i < app.ui.n; i++)
		assert_int_not_equal(app.ui.w[i].arg, 0x105); /* ą */
}

static void test_arabic_script(void **state)
{
	(void)state;
	start_text(3); /* ur: "کوڑا" (rubbish), "گلی" (street) */
	type_word("کوڑا گلی");
	assert_string_equal(app.s.text, "کوڑا گلی");
	start_text(6); /* ar: "قمامة في الشارع" */
	type_word("قمامة في الشارع");
	assert_string_equal(app.s.text, "قمامة في الشارع");
	assert_int_equal(sayso_utf8_bad_at(app.s.text, strlen(app.s.text)),
			 strlen(app.s.text));
}

static void test_gurmukhi_bengali(void **state)
{
	(void)state;
	start_text(4); /* pa: "ਗਲੀ" (street), "ਕੂੜਾ" (rubbish) */
	type_word("ਗਲੀ ਕੂੜਾ");
	assert_string_equal(app.s.text, "ਗਲੀ ਕੂੜਾ");
	start_text(5); /* bn: "রাস্তা" (road), with a virama */
	type_word("রাস্তা ময়লা");
	assert_string_equal(app.s.text, "রাস্তা ময়লা");
}

/* The mode key: letters -> ABC -> 123 -> letters for a non-Latin script;
 * letters <-> 123 for a Latin one. */
static void test_mode_layers(void **state)
{
	(void)state;
	start_text(6);
	assert_true(tap_arg(0x636)); /* ض on the Arabic layer */
	assert_true(tap_arg(KK_MODE));
	assert_true(tap_arg('q'));
	assert_true(tap_arg(KK_MODE));
	assert_true(tap_arg('7'));
	assert_true(tap_arg(KK_MODE));
	assert_true(tap_arg(0x636));
	assert_string_equal(app.s.text, "ضq7ض");
	start_text(1);
	assert_true(tap_arg(KK_MODE));
	assert_true(tap_arg('7'));
	assert_true(tap_arg(KK_MODE));
	assert_true(tap_arg(0x142)); /* ł */
	assert_string_equal(app.s.text, "7ł");
}

/* KIOSK_TEXT_MAX characters whatever their size: 280 Bengali letters are
 * 840 bytes, and the 281st is refused whole. */
static void test_limit_counts_characters(void **state)
{
	(void)state;
	start_text(5);
	kiosk_render(&app, NULL);
	const struct kiosk_widget *ka = NULL; /* ক */
	for (int i = 0; i < app.ui.n; i++)
		if (app.ui.w[i].action == KA_KEY && app.ui.w[i].arg == 0x995)
			ka = &app.ui.w[i];
	assert_non_null(ka);
	struct kiosk_in in = {.kind = KI_ACTIVATE, .w = ka};
	for (int i = 0; i < KIOSK_TEXT_MAX + 5; i++)
		app.screen->event(&app, &in);
	assert_int_equal(sayso_utf8_count(app.s.text), KIOSK_TEXT_MAX);
	assert_int_equal(strlen(app.s.text), 3 * KIOSK_TEXT_MAX);
	kiosk_reset(&app);
	assert_string_equal(app.s.text, "");
	assert_string_equal(kiosk_strings_lang(app.str), "en");
}

/* A project's title in the resident's language when the organisers gave
 * one (project add --title-pl), else the original. */
static void test_project_titles(void **state)
{
	(void)state;
	kiosk_reset(&app);
	kiosk_load_round(&app);
	assert_true(app.have_round && app.nprojects >= 2);
	char orig1[SAYSO_TITLE_MAX], orig2[SAYSO_TITLE_MAX];
	snprintf(orig1, sizeof orig1, "%s", app.projects[0].title);
	snprintf(orig2, sizeof orig2, "%s", app.projects[1].title);
	assert_int_equal(sayso_project_text_set(app.st, app.projects[0].id,
						"pl", "Ławki w parku", NULL,
						"test"),
			 SAYSO_OK);
	assert_true(kiosk_set_language(&app, 1));
	kiosk_load_round(&app);
	assert_string_equal(app.projects[0].title, "Ławki w parku");
	assert_string_equal(app.projects[1].title, orig2);
	kiosk_reset(&app); /* back to English */
	kiosk_load_round(&app);
	assert_string_equal(app.projects[0].title, orig1);
}

/* Whether a widget labelled label is on the current screen. */
static bool shown(const char *label)
{
	kiosk_render(&app, NULL);
	for (int i = 0; i < app.ui.n; i++)
		if (strcmp(app.ui.w[i].label, label) == 0)
			return true;
	return false;
}

/* Street search on the Polish keyboard: "łą" and "la" both find Łąkowa
 * (letters compared folded), and a Welsh "ŵ" finds "Stryd Ŵyn". */
static void test_street_search(void **state)
{
	(void)state;
	kiosk_reset(&app);
	assert_true(kiosk_set_language(&app, 1));
	kiosk_go(&app, KS_REPORT_STREET);
	type_word("łą");
	assert_string_equal(app.s.street_filter, "łą");
	assert_true(shown("Łąkowa"));
	assert_false(shown("Keats Street"));
	memset(app.s.street_filter, 0, sizeof(app.s.street_filter));
	type_word("la");
	assert_true(shown("Łąkowa"));
	assert_false(shown("Keats Street"));
	kiosk_reset(&app);
	assert_true(kiosk_set_language(&app, 2));
	kiosk_go(&app, KS_REPORT_STREET);
	type_word("ŵ");
	assert_true(shown("Stryd Ŵyn"));
	assert_false(shown("Łąkowa"));
	kiosk_reset(&app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_polish_and_welsh),
	    cmocka_unit_test(test_arabic_script),
	    cmocka_unit_test(test_gurmukhi_bengali),
	    cmocka_unit_test(test_mode_layers),
	    cmocka_unit_test(test_limit_counts_characters),
	    cmocka_unit_test(test_project_titles),
	    cmocka_unit_test(test_street_search),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

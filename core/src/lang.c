/*
 * lang.c: the shipped languages, their CLDR plural rules for whole numbers
 * (https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html)
 * and dates written with a language's month names (never strftime's %b,
 * which follows the C locale, not the resident).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sayso/lang.h"
#include "sayso/utf8.h"

static const char *const langs[] = {"en", "pl", "cy", "ur", "pa", "bn", "ar"};
#define NLANGS (sizeof langs / sizeof langs[0])

size_t sayso_lang_count(void)
{
	return NLANGS;
}

const char *sayso_lang_code(size_t i)
{
	return i < NLANGS ? langs[i] : NULL;
}

bool sayso_lang_valid(const char *code)
{
	for (size_t i = 0; code && i < NLANGS; i++)
		if (strcmp(code, langs[i]) == 0)
			return true;
	return false;
}

bool sayso_lang_rtl(const char *code)
{
	return code && (strcmp(code, "ur") == 0 || strcmp(code, "ar") == 0);
}

const char *sayso_plural_name(enum sayso_plural p)
{
	static const char *const names[SAYSO_PLURAL_COUNT] = {
	    "zero", "one", "two", "few", "many", "other"};
	if ((int)p < 0 || p >= SAYSO_PLURAL_COUNT)
		return "other";
	return names[p];
}

static bool is(const char *lang, const char *code)
{
	return lang && strcmp(lang, code) == 0;
}

enum sayso_plural sayso_plural_of(const char *lang, long n)
{
	unsigned long u = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
	unsigned long m10 = u % 10, m100 = u % 100;

	if (is(lang, "pl")) {
		if (u == 1)
			return SAYSO_PLURAL_ONE;
		if (m10 >= 2 && m10 <= 4 && !(m100 >= 12 && m100 <= 14))
			return SAYSO_PLURAL_FEW;
		return SAYSO_PLURAL_MANY;
	}
	if (is(lang, "cy")) {
		static const enum sayso_plural small[] = {
		    SAYSO_PLURAL_ZERO, SAYSO_PLURAL_ONE,   SAYSO_PLURAL_TWO,
		    SAYSO_PLURAL_FEW,  SAYSO_PLURAL_OTHER, SAYSO_PLURAL_OTHER,
		    SAYSO_PLURAL_MANY};
		return u < 7 ? small[u] : SAYSO_PLURAL_OTHER;
	}
	if (is(lang, "ar")) {
		if (u <= 2)
			return u == 0	? SAYSO_PLURAL_ZERO
			       : u == 1 ? SAYSO_PLURAL_ONE
					: SAYSO_PLURAL_TWO;
		if (m100 >= 3 && m100 <= 10)
			return SAYSO_PLURAL_FEW;
		if (m100 >= 11)
			return SAYSO_PLURAL_MANY;
		return SAYSO_PLURAL_OTHER;
	}
	if (is(lang, "pa") || is(lang, "bn"))
		return u <= 1 ? SAYSO_PLURAL_ONE : SAYSO_PLURAL_OTHER;
	/* en, ur and anything else */
	return u == 1 ? SAYSO_PLURAL_ONE : SAYSO_PLURAL_OTHER;
}

unsigned sayso_plural_needed(const char *lang)
{
	unsigned bits = 1u << SAYSO_PLURAL_OTHER;
	/* Every category a whole number reaches shows up below 200. */
	for (long n = 0; n < 200; n++)
		bits |= 1u << sayso_plural_of(lang, n);
	return bits;
}

/* Appends s (n bytes) to out at *pos, never cutting a UTF-8 sequence. */
static void put(char *out, size_t outsz, size_t *pos, const char *s, size_t n)
{
	size_t room = outsz - 1 - *pos;
	if (n > room)
		n = sayso_utf8_boundary(s, room);
	memcpy(out + *pos, s, n);
	*pos += n;
}

void sayso_date_words(int64_t ms, const char *pattern,
		      const char *const months[12], char *out, size_t outsz)
{
	if (!outsz)
		return;
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	size_t pos = 0;
	if (!localtime_r(&secs, &tm) || !pattern) {
		out[0] = '\0';
		return;
	}
	const char *p = pattern;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!close) {
			put(out, outsz, &pos, p, strlen(p));
			break;
		}
		put(out, outsz, &pos, p, (size_t)(open - p));
		size_t nlen = (size_t)(close - open + 1);
		char num[16];
		const char *val = NULL;
		if (strncmp(open, "{day}", nlen) == 0 && nlen == 5) {
			snprintf(num, sizeof num, "%d", tm.tm_mday);
			val = num;
		} else if (strncmp(open, "{month}", nlen) == 0 && nlen == 7) {
			val = months ? months[tm.tm_mon] : NULL;
			if (!val) {
				snprintf(num, sizeof num, "%d", tm.tm_mon + 1);
				val = num;
			}
		} else if (strncmp(open, "{year}", nlen) == 0 && nlen == 6) {
			snprintf(num, sizeof num, "%d", tm.tm_year + 1900);
			val = num;
		}
		if (val)
			put(out, outsz, &pos, val, strlen(val));
		else
			put(out, outsz, &pos, open, nlen);
		p = close + 1;
	}
	out[pos] = '\0';
}

/*
 * lang.h: the languages sayso ships and the rules that differ between them:
 * which plural form a number takes (CLDR plural rules, cardinal, for whole
 * numbers) and how a date is written from a language's own month names.
 *
 * The words themselves live in the programs' catalogues (the kiosk's
 * assets/strings/<code>.ini); the rules live here so the kiosk, the SMS
 * gateway and the admin CLI agree. All functions are pure and thread-safe.
 */
#ifndef SAYSO_LANG_H
#define SAYSO_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SAYSO_LANG_CODE_MAX 4 /* "en" + NUL, with room */

/* The shipped languages, in the order the kiosk offers them: en, pl, cy, ur,
 * pa, bn, ar. i >= sayso_lang_count() gives NULL. */
size_t sayso_lang_count(void);
const char *sayso_lang_code(size_t i);

/* Whether code is one of the shipped languages (exact, lower case). */
bool sayso_lang_valid(const char *code);

/* Whether the language is written right to left (ur, ar). */
bool sayso_lang_rtl(const char *code);

/* CLDR plural categories. A catalogue key "x" with plural forms is written
 * "x.one", "x.few", "x.other", ... with the names below. */
enum sayso_plural {
	SAYSO_PLURAL_ZERO,
	SAYSO_PLURAL_ONE,
	SAYSO_PLURAL_TWO,
	SAYSO_PLURAL_FEW,
	SAYSO_PLURAL_MANY,
	SAYSO_PLURAL_OTHER,
	SAYSO_PLURAL_COUNT /* not a category */
};

/* "zero", "one", "two", "few", "many", "other"; "other" out of range. */
const char *sayso_plural_name(enum sayso_plural p);

/* The category a whole number n takes in lang (negative n as its absolute
 * value; an unknown lang follows English). English, Urdu: one (1), other;
 * Punjabi: one (0, 1), other; Bengali: one (0, 1), other; Polish: one (1),
 * few (2-4, 22-24, ... but not 12-14), many (0, 5-21, 25-31, ...), other
 * (fractions only); Welsh: zero (0), one (1), two (2), few (3), many (6),
 * other; Arabic: zero (0), one (1), two (2), few (n % 100 in 3-10), many
 * (n % 100 in 11-99), other (100-102, ...). */
enum sayso_plural sayso_plural_of(const char *lang, long n);

/* Bit (1u << category) set for every category lang's catalogue must have:
 * the categories whole numbers reach, plus "other" always. */
unsigned sayso_plural_needed(const char *lang);

/*
 * Writes a date from pattern, filling {day} (1-31, no leading zero),
 * {month} (months[month - 1], the language's word for it as a date uses it)
 * and {year}; any other {name} is copied as is. The date is ms since the
 * epoch in local time. months must hold 12 strings (NULL entries print the
 * month's number). out is always NUL-terminated, cut at a UTF-8 boundary.
 */
void sayso_date_words(int64_t ms, const char *pattern,
		      const char *const months[12], char *out, size_t outsz);

#endif

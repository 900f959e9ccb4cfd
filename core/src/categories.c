/*
 * categories.c: report categories and streets, site facts with one home.
 *
 * The codes and streets a site uses come from [site] categories / [site]
 * streets (config.c; the [kiosk] keys of older files still work). This file
 * holds what is the same for every site: the demo site's lists, a code's
 * label (the strings files first, a readable form of the code otherwise),
 * its Open311 service, the category guessed from an SMS, and the street
 * named in one.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sayso/categories.h"
#include "sayso/feedback.h"

/* The demo site's lists (assets/demo describes the same round). */
static const char DEFAULT_CATEGORIES[] =
    "fly-tipping, litter, alleyways, graffiti, street-lighting, asb, "
    "damp-mould, parks, other";
static const char DEFAULT_STREETS[] =
    "Byron Street, Chaucer Street, Dryden Street, Keats Street, "
    "Milton Street, Shakespeare Street, Shelley Street, Spenser Street, "
    "Tennyson Street, Wordsworth Street, Church Walk, Poets Park";

const char *sayso_categories_default(void)
{
	return DEFAULT_CATEGORIES;
}

const char *sayso_streets_default(void)
{
	return DEFAULT_STREETS;
}

void sayso_category_label(const char *code, char *out, size_t outsz)
{
	size_t i;

	if (outsz == 0)
		return;
	sayso_strlcpy_utf8(out, code ? code : "", outsz);
	for (i = 0; out[i] != '\0'; i++) {
		if (out[i] == '_' || out[i] == '-')
			out[i] = ' ';
		else if (i == 0 && out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
	}
}

void sayso_category_label_lookup(const char *code,
				 const char *(*lookup)(void *ud,
						       const char *key),
				 void *ud, char *out, size_t outsz)
{
	char key[SAYSO_CATEGORY_KEY_MAX];
	const char *s = NULL;

	if (outsz == 0)
		return;
	if (lookup && code && *code &&
	    (size_t)snprintf(key, sizeof key, "category.%s", code) < sizeof key)
		s = lookup(ud, key);
	if (s && *s && strcmp(s, key) != 0)
		sayso_strlcpy_utf8(out, s, outsz);
	else
		sayso_category_label(code, out, outsz);
}

void sayso_category_open311(const char *code, char *service_code, size_t codesz,
			    char *service_name, size_t namesz)
{
	if (codesz)
		sayso_strlcpy_utf8(service_code, code ? code : "", codesz);
	sayso_category_label(code, service_name, namesz);
}

static bool has_word(const char *lower, const char *stem)
{
	size_t n = strlen(stem);
	for (const char *p = lower; (p = strstr(p, stem)); p++) {
		/* The stem must start a word ("light" in "streetlight" counts
		 * only through its own rule; "asb" needs a word start). */
		if (p == lower || !isalpha((unsigned char)p[-1]))
			return true;
		(void)n;
	}
	return false;
}

const char *sayso_report_guess_category(const char *text)
{
	static const struct {
		const char *stem, *category;
	} rules[] = {
	    {"fly-tip", "fly-tipping"},
	    {"flytip", "fly-tipping"},
	    {"fly tip", "fly-tipping"},
	    {"dumped", "fly-tipping"},
	    {"bulky", "fly-tipping"},
	    {"mattress", "fly-tipping"},
	    {"sofa", "fly-tipping"},
	    {"fridge", "fly-tipping"},
	    {"rubbish", "litter"},
	    {"litter", "litter"},
	    {"bin", "litter"},
	    {"alley", "alleyways"},
	    {"entry", "alleyways"},
	    {"entries", "alleyways"},
	    {"graffiti", "graffiti"},
	    {"tag", "graffiti"},
	    {"light", "street-lighting"},
	    {"lamp", "street-lighting"},
	    {"streetlight", "street-lighting"},
	    {"dark", "street-lighting"},
	    {"asb", "asb"},
	    {"anti-social", "asb"},
	    {"antisocial", "asb"},
	    {"anti social", "asb"},
	    {"noise", "asb"},
	    {"drug", "asb"},
	    {"damp", "damp-mould"},
	    {"mould", "damp-mould"},
	    {"mold", "damp-mould"},
	    {"leak", "damp-mould"},
	    {"repair", "damp-mould"},
	    {"park", "parks"},
	    {"play", "parks"},
	    {"swing", "parks"},
	};
	char lower[SAYSO_REPORT_TEXT_MAX + 1];
	size_t n = 0;
	for (const char *p = text ? text : ""; *p && n < SAYSO_REPORT_TEXT_MAX;
	     p++)
		lower[n++] = (char)tolower((unsigned char)*p);
	lower[n] = '\0';
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (has_word(lower, rules[i].stem))
			return rules[i].category;
	return "other";
}

/* Lower-cases s into out, dropping a trailing street-type word so that
 * "Byron St", "byron street" and "Byron" all give "byron". */
static void street_key(const char *s, char *out, size_t outsz)
{
	static const char *const types[] = {
	    " street", " st",	" road", " rd",	   " walk", " avenue",
	    " ave",    " lane", " ln",	 " close", " park",
	};
	size_t n = 0;
	for (; *s && n + 1 < outsz; s++)
		if (*s != '.')
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t t = strlen(types[i]);
		if (n > t && strcmp(out + n - t, types[i]) == 0) {
			out[n - t] = '\0';
			return;
		}
	}
}

int sayso_street_match(const char *text, char *const *streets, size_t n)
{
	char lower[SAYSO_REPORT_TEXT_MAX + 1];
	street_key(text ? text : "", lower, sizeof lower);
	int best = -1;
	size_t bestlen = 0;
	for (size_t i = 0; i < n; i++) {
		char key[SAYSO_STREET_MAX];
		street_key(streets[i], key, sizeof key);
		size_t kl = strlen(key);
		if (kl < 3)
			continue;
		for (const char *p = lower; (p = strstr(p, key)); p++) {
			bool start =
			    p == lower || !isalpha((unsigned char)p[-1]);
			bool end = !isalpha((unsigned char)p[kl]);
			if (start && end && kl > bestlen) {
				best = (int)i;
				bestlen = kl;
			}
		}
	}
	return best;
}

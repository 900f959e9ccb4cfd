/*
 * categories.h: report categories and streets, facts about the site.
 *
 * A site lists its category codes and streets in [site] categories and
 * [site] streets (struct sayso_config site.categories / site.streets); the
 * [kiosk] keys of the same names are read as before, with a deprecation
 * note in the log. Everything that turns a code into words, maps it onto
 * Open311 or guesses it from an SMS is here, so the kiosk, smsgw and admin
 * say the same thing.
 */
#ifndef SAYSO_CATEGORIES_H
#define SAYSO_CATEGORIES_H

#include <stddef.h>

/* Bytes of a strings-file key "category.<code>" + NUL. */
#define SAYSO_CATEGORY_KEY_MAX 96

/* The demo site's comma-separated lists, the defaults of [site]
 * categories and [site] streets. Static storage. */
const char *sayso_categories_default(void);
const char *sayso_streets_default(void);

/* A category code in readable form: "fly_tipping" -> "Fly tipping". */
void sayso_category_label(const char *code, char *out, size_t outsz);

/* A code's label for residents: the strings file's "category.<code>"
 * through lookup (which returns the key itself, NULL or "" when it has no
 * such entry), else sayso_category_label(). lookup may be NULL. */
void sayso_category_label_lookup(const char *code,
				 const char *(*lookup)(void *ud,
						       const char *key),
				 void *ud, char *out, size_t outsz);

/* The Open311 GeoReport v2 service of a category: service_code is the code
 * itself, service_name its readable form. */
void sayso_category_open311(const char *code, char *service_code, size_t codesz,
			    char *service_name, size_t namesz);

/* Guesses a category code from free text (fly-tip, bulky, rubbish, litter,
 * alley, graffiti, light, damp, mould, ASB ...); "other" when nothing fits.
 * Returns a static string. Used for SMS reports. */
const char *sayso_report_guess_category(const char *text);

/* Finds the configured street named in text (case-insensitive, ignoring
 * "street"/"st", "road"/"rd" ...). Returns the index or -1. */
int sayso_street_match(const char *text, char *const *streets, size_t n);

#endif

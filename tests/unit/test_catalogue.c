/* test_catalogue.c: the kiosk's text catalogues, assets/strings/<code>.ini,
 * for every shipped language (sayso_lang_code). Each has every key of
 * en.ini and no key en.ini lacks, keeps each {placeholder} of the English,
 * has the plural forms its language needs (sayso_plural_needed) for every
 * key en.ini writes with .one/.other, a word for every refusal code
 * (reason.<key>), every language's own name in [language], a "; translation
 * status:" header that asks for a native speaker's review, and no English
 * sentence left in (a value equal to en.ini's, or a Latin word in a
 * non-Latin script, unless the file's "; same as English:" line names it). */
#include "testutil.h"

#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/lang.h"
#include "sayso/reason.h"

#define MAXE 1024
#define VALUE_MAX 400

struct cat {
	char key[MAXE][96];
	char *val[MAXE];
	size_t n;
	char same[1024]; /* "; same as English:" list, space separated */
	bool status;	 /* has the translation-status header */
};

static int handler(void *user, const char *sec, const char *name,
		   const char *value)
{
	struct cat *c = user;
	char key[96];
	snprintf(key, sizeof key, "%s.%s", sec, name);
	if (c->n > 0 && strcmp(c->key[c->n - 1], key) == 0) {
		/* a continuation line, joined with a space as the kiosk does */
		size_t a = strlen(c->val[c->n - 1]);
		char *v = realloc(c->val[c->n - 1], a + strlen(value) + 2);
		if (!v)
			return 0;
		v[a] = ' ';
		strcpy(v + a + 1, value);
		c->val[c->n - 1] = v;
		return 1;
	}
	if (c->n >= MAXE)
		return 0;
	snprintf(c->key[c->n], sizeof c->key[0], "%s", key);
	c->val[c->n++] = strdup(value);
	return 1;
}

static void load(const char *code, struct cat *c)
{
	char path[512];
	const char *src = getenv("SAYSO_SRC");
	memset(c, 0, sizeof *c);
	snprintf(path, sizeof path, "%s/assets/strings/%s.ini",
		 src ? src : "../..", code);
	int rc = ini_parse(path, handler, c);
	if (rc != 0)
		fail_msg("%s: cannot parse (line %d)", path, rc);
	size_t n;
	char *text = tu_slurp(path, &n);
	assert_non_null(text);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		/* inih cuts a line at INI_MAX_LINE - 1 bytes */
		if (strlen(line) >= INI_MAX_LINE)
			fail_msg("%s: a line of %zu bytes (at most %d)", path,
				 strlen(line), INI_MAX_LINE - 1);
		if (strncmp(line, "; translation status:", 21) == 0 &&
		    strstr(line, "native speaker"))
			c->status = true;
		if (strncmp(line, "; same as English:", 18) == 0)
			snprintf(c->same, sizeof c->same, " %s ", line + 18);
	}
	free(text);
}

static void unload(struct cat *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->val[i]);
}

static const char *get(const struct cat *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->key[i], key) == 0)
			return c->val[i];
	return NULL;
}

/* The plural category a key ends with, or SAYSO_PLURAL_COUNT. */
static enum sayso_plural suffix(const char *key, size_t *baselen)
{
	const char *dot = strrchr(key, '.');
	for (int p = 0; dot && p < SAYSO_PLURAL_COUNT; p++)
		if (strcmp(dot + 1, sayso_plural_name((enum sayso_plural)p)) ==
		    0) {
			*baselen = (size_t)(dot - key);
			return (enum sayso_plural)p;
		}
	return SAYSO_PLURAL_COUNT;
}

/* Whether en has plural forms of base (base.one and base.other). */
static bool plural_base(const struct cat *en, const char *key, size_t len)
{
	char one[128], other[128];
	snprintf(one, sizeof one, "%.*s.one", (int)len, key);
	snprintf(other, sizeof other, "%.*s.other", (int)len, key);
	return get(en, one) && get(en, other);
}

/* Writes the {names} of v, sorted-insensitive: as " a b " in order seen. */
static void names(const char *v, char *out, size_t outsz)
{
	size_t pos = 0;
	out[0] = '\0';
	for (const char *p = v; (p = strchr(p, '{')) != NULL; p++) {
		const char *e = strchr(p, '}');
		if (!e)
			break;
		char one[64];
		snprintf(one, sizeof one, " %.*s ", (int)(e - p - 1), p + 1);
		if (!strstr(out, one) && pos + strlen(one) < outsz) {
			memcpy(out + pos, one, strlen(one) + 1);
			pos += strlen(one) - 1;
		}
	}
}

/* Every {name} of a is in b. */
static bool subset(const char *a, const char *b)
{
	char na[256], nb[256];
	names(a, na, sizeof na);
	names(b, nb, sizeof nb);
	for (char *p = na; *p;) {
		char *s = strchr(p + 1, ' ');
		if (!s)
			break;
		char one[64];
		snprintf(one, sizeof one, "%.*s", (int)(s - p + 1), p);
		if (!strstr(nb, one))
			return false;
		p = s;
	}
	return true;
}

/* A run of three or more ASCII letters outside {placeholders}. */
static bool latin_word(const char *v)
{
	int run = 0;
	for (const char *p = v; *p; p++) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			if (e) {
				p = e;
				run = 0;
				continue;
			}
		}
		bool letter =
		    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
		run = letter ? run + 1 : 0;
		if (run >= 3)
			return true;
	}
	return false;
}

/* Whether the Latin words of v are all in a command to type
 * ("sayso-admin walkabout start ..."), which stays as it is. */
static bool command_only(const char *v)
{
	const char *cmd = strstr(v, "sayso-admin");
	if (!cmd)
		return false;
	char before[512];
	snprintf(before, sizeof before, "%.*s", (int)(cmd - v), v);
	return !latin_word(before);
}

static bool latin_script(const char *code)
{
	return strcmp(code, "en") == 0 || strcmp(code, "pl") == 0 ||
	       strcmp(code, "cy") == 0;
}

static int check_lang(const struct cat *en, const char *code)
{
	struct cat c;
	int bad = 0;
	load(code, &c);
	if (strcmp(code, "en") != 0 && !c.status) {
		print_error("%s: no \"; translation status: ... native "
			    "speaker\" header\n",
			    code);
		bad++;
	}
	unsigned need = sayso_plural_needed(code);
	/* Every key of en.ini (plural keys: the forms this language needs). */
	for (size_t i = 0; i < en->n; i++) {
		const char *k = en->key[i];
		size_t blen;
		enum sayso_plural p = suffix(k, &blen);
		if (p != SAYSO_PLURAL_COUNT && plural_base(en, k, blen)) {
			if (p != SAYSO_PLURAL_OTHER)
				continue;
			for (int q = 0; q < SAYSO_PLURAL_COUNT; q++) {
				char want[128];
				if (!(need & (1u << q)))
					continue;
				snprintf(
				    want, sizeof want, "%.*s.%s", (int)blen, k,
				    sayso_plural_name((enum sayso_plural)q));
				const char *v = get(&c, want);
				if (!v) {
					print_error("%s: no plural form %s\n",
						    code, want);
					bad++;
				} else if (!subset(v, en->val[i])) {
					print_error("%s: %s has a {name} the "
						    "English lacks\n",
						    code, want);
					bad++;
				}
			}
			const char *other = get(&c, k);
			if (other && !subset(en->val[i], other)) {
				print_error("%s: %s drops a {placeholder}\n",
					    code, k);
				bad++;
			}
			continue;
		}
		const char *v = get(&c, k);
		if (!v) {
			print_error("%s: missing %s\n", code, k);
			bad++;
			continue;
		}
		/* Room for the filled-in values in the kiosk's lines
		 * (KIOSK_LABEL_MAX, 512 bytes). */
		if (strlen(v) > VALUE_MAX) {
			print_error("%s: %s is %zu bytes (at most %d)\n", code,
				    k, strlen(v), VALUE_MAX);
			bad++;
		}
		if (!subset(en->val[i], v) || !subset(v, en->val[i])) {
			print_error("%s: %s changes the {placeholders}: "
				    "\"%s\"\n",
				    code, k, v);
			bad++;
		}
		if (strcmp(code, "en") == 0 || strncmp(k, "language.", 9) == 0)
			continue;
		char me[100];
		snprintf(me, sizeof me, " %s ", k);
		if (strstr(c.same, me))
			continue;
		if (strcmp(v, en->val[i]) == 0 && latin_word(v)) {
			print_error("%s: %s is still English: \"%s\"\n", code,
				    k, v);
			bad++;
		} else if (!latin_script(code) && latin_word(v) &&
			   !strstr(v, "PIN") && !command_only(v)) {
			print_error("%s: %s has a Latin word: \"%s\"\n", code,
				    k, v);
			bad++;
		}
	}
	/* No key en.ini lacks (plural forms of en's plural keys aside). */
	for (size_t i = 0; i < c.n; i++) {
		size_t blen;
		const char *k = c.key[i];
		enum sayso_plural p = suffix(k, &blen);
		if (get(en, k))
			continue;
		if (p != SAYSO_PLURAL_COUNT && plural_base(en, k, blen) &&
		    (need & (1u << p)))
			continue;
		print_error("%s: %s is not a key of en.ini\n", code, k);
		bad++;
	}
	/* Every language by its own name, the same in every file. */
	for (size_t i = 0; i < sayso_lang_count(); i++) {
		char k[32];
		snprintf(k, sizeof k, "language.%s", sayso_lang_code(i));
		const char *v = get(&c, k), *e = get(en, k);
		if (!v || !e || strcmp(v, e) != 0) {
			print_error("%s: %s is not the language's own name\n",
				    code, k);
			bad++;
		}
	}
	/* A word for every refusal code. */
	for (int r = 1; r < SAYSO_REASON_COUNT; r++) {
		char k[64];
		snprintf(k, sizeof k, "reason.%s",
			 sayso_reason_key((enum sayso_reason)r));
		if (!get(&c, k)) {
			print_error("%s: no %s\n", code, k);
			bad++;
		}
	}
	unload(&c);
	return bad;
}

static void test_catalogues(void **state)
{
	(void)state;
	struct cat *en = malloc(sizeof *en);
	assert_non_null(en);
	load("en", en);
	int bad = 0;
	for (size_t i = 0; i < sayso_lang_count(); i++)
		bad += check_lang(en, sayso_lang_code(i));
	unload(en);
	free(en);
	assert_int_equal(bad, 0);
}

/* The checks catch what they are for: a copy of pl.ini with a key dropped,
 * an English value, a lost placeholder and a missing plural form. */
static void test_checks_bite(void **state)
{
	(void)state;
	struct cat en;
	load("en", &en);
	char dir[256], path[512];
	tu_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/assets/strings", dir);
	char cmd[1024];
	const char *src = getenv("SAYSO_SRC");
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s && cp %s/assets/strings/*.ini %s && cd %s && "
		 "sed -i -e '/^cancel_yes = /d' -e 's/^retry = .*/retry = Try "
		 "again/' -e 's/^counter = .*/counter = Wybrano {n}/' -e "
		 "'/^seconds.few = /d' pl.ini",
		 path, src ? src : "../..", path, path);
	assert_int_equal(system(cmd), 0);
	setenv("SAYSO_SRC", dir, 1);
	assert_int_equal(check_lang(&en, "pl"), 5); /* 2 plural keys */
	setenv("SAYSO_SRC", src ? src : "../..", 1);
	unload(&en);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalogues),
	    cmocka_unit_test(test_checks_bite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * strings.c: the kiosk's text catalogue, assets/strings/<lang>.ini.
 *
 * Keys are "section.key" ([attract] title = ... is "attract.title"). English
 * is always loaded as the fallback so a half-translated language still shows
 * every screen; a key missing from both is shown as the key itself and logged
 * once, which makes gaps obvious in screenshots instead of blank buttons.
 */
#include "kiosk.h"

#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/log.h"
#include "sayso/utf8.h"

#define STR_MAX_ENTRIES 1024
#define STR_KEY_MAX 96

struct str_table {
	char **keys;
	char **vals;
	size_t n, cap;
};

/* kiosk_embed.c, generated at build time (kiosk/embed/bin2c.c). */
extern const unsigned char kiosk_embed_en_ini[];
extern const size_t kiosk_embed_en_ini_len;

struct kiosk_strings {
	char lang[16];
	struct str_table cur, en;
	struct str_table builtin;      /* en.ini built into the program */
	char missing[32][STR_KEY_MAX]; /* keys already logged as missing */
	size_t nmissing;
};

static void table_free(struct str_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->keys[i]);
		free(t->vals[i]);
	}
	free(t->keys);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

static int table_handler(void *user, const char *section, const char *name,
			 const char *value)
{
	struct str_table *t = user;
	char key[STR_KEY_MAX];
	int len;

	if (t->n >= STR_MAX_ENTRIES)
		return 0;
	if (section && section[0])
		len = snprintf(key, sizeof(key), "%s.%s", section, name);
	else
		len = snprintf(key, sizeof(key), "%s", name);
	if (len < 0 || (size_t)len >= sizeof(key))
		return 0;
	/* An indented line goes on with the value before it (inih reads at
	 * most INI_MAX_LINE bytes a line, short for Bengali or Urdu). */
	if (t->n > 0 && strcmp(t->keys[t->n - 1], key) == 0) {
		size_t a = strlen(t->vals[t->n - 1]), b = strlen(value);
		char *v = realloc(t->vals[t->n - 1], a + b + 2);
		if (!v)
			return 0;
		v[a] = ' ';
		memcpy(v + a + 1, value, b + 1);
		t->vals[t->n - 1] = v;
		return 1;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 128;
		char **k = realloc(t->keys, cap * sizeof(*k));
		if (!k)
			return 0;
		t->keys = k;
		char **v = realloc(t->vals, cap * sizeof(*v));
		if (!v)
			return 0;
		t->vals = v;
		t->cap = cap;
	}
	t->keys[t->n] = strdup(key);
	t->vals[t->n] = strdup(value);
	if (!t->keys[t->n] || !t->vals[t->n]) {
		free(t->keys[t->n]);
		free(t->vals[t->n]);
		return 0;
	}
	t->n++;
	return 1;
}

static void table_load(struct str_table *t, const char *dir, const char *lang)
{
	char path[SAYSO_PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/%s.ini", dir, lang);
	rc = ini_parse(path, table_handler, t);
	if (rc < 0)
		sayso_log(SAYSO_LOG_WARN, "strings: cannot read %s", path);
	else if (rc > 0)
		sayso_log(SAYSO_LOG_WARN, "strings: %s:%d: bad line", path, rc);
}

static const char *table_get(const struct str_table *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->keys[i], key) == 0)
			return t->vals[i];
	return NULL;
}

struct kiosk_strings *kiosk_strings_load(const char *dir, const char *lang)
{
	struct kiosk_strings *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (!lang || !lang[0] || strlen(lang) >= sizeof(s->lang) ||
	    strchr(lang, '/') || strchr(lang, '.'))
		lang = "en";
	snprintf(s->lang, sizeof(s->lang), "%s", lang);
	table_load(&s->en, dir, "en");
	/* The English built in at build time: the last fallback, so a wrong
	 * assets path never puts raw keys on screen. */
	if (kiosk_embed_en_ini_len > 0 &&
	    ini_parse_string((const char *)kiosk_embed_en_ini, table_handler,
			     &s->builtin) != 0)
		sayso_log(SAYSO_LOG_WARN,
			  "strings: built-in English unreadable");
	if (strcmp(lang, "en") != 0)
		table_load(&s->cur, dir, lang);
	return s;
}

void kiosk_strings_free(struct kiosk_strings *s)
{
	if (!s)
		return;
	table_free(&s->cur);
	table_free(&s->en);
	table_free(&s->builtin);
	free(s);
}

bool kiosk_str_has(const struct kiosk_strings *s, const char *key)
{
	if (!s)
		return false;
	if (strcmp(s->lang, "en") == 0)
		return table_get(&s->en, key) || table_get(&s->builtin, key);
	return table_get(&s->cur, key);
}

const char *kiosk_strings_lang(const struct kiosk_strings *s)
{
	return s ? s->lang : "en";
}

const char *kiosk_str(struct kiosk_strings *s, const char *key)
{
	const char *v;

	if (!s)
		return key;
	if ((v = table_get(&s->cur, key)))
		return v;
	if ((v = table_get(&s->en, key)))
		return v;
	if ((v = table_get(&s->builtin, key)))
		return v;
	for (size_t i = 0; i < s->nmissing; i++)
		if (strcmp(s->missing[i], key) == 0)
			return key;
	sayso_log(SAYSO_LOG_WARN, "strings: no text for \"%s\"", key);
	if (s->nmissing < sizeof(s->missing) / sizeof(s->missing[0]))
		snprintf(s->missing[s->nmissing++], STR_KEY_MAX, "%s", key);
	return key;
}

/* Appends n bytes of src to out at *pos, stopping before a UTF-8 character
 * that would not fit. */
static void put(char *out, size_t outsz, size_t *pos, const char *src, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned long cp;
		bool bad;
		size_t clen = sayso_utf8_next((const unsigned char *)src + i,
					      n - i, &cp, &bad);
		if (bad) {
			i++; /* not text: never copy a broken sequence */
			continue;
		}
		if (*pos + clen >= outsz)
			return;
		memcpy(out + *pos, src + i, clen);
		*pos += clen;
		i += clen;
	}
}

void kiosk_fmt(char *out, size_t outsz, const char *tmpl, ...)
{
	size_t pos = 0;
	const char *p = tmpl;

	if (!outsz)
		return;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			put(out, outsz, &pos, p, strlen(p));
			break;
		}
		put(out, outsz, &pos, p, (size_t)(open - p));
		size_t nlen = (size_t)(close - open - 1);
		const char *val = NULL;
		va_list ap;
		va_start(ap, tmpl);
		for (;;) {
			const char *name = va_arg(ap, const char *);
			if (!name)
				break;
			const char *v = va_arg(ap, const char *);
			if (strlen(name) == nlen &&
			    memcmp(name, open + 1, nlen) == 0) {
				val = v ? v : "";
				break;
			}
		}
		va_end(ap);
		if (val)
			put(out, outsz, &pos, val, strlen(val));
		else
			put(out, outsz, &pos, open, (size_t)(close - open + 1));
		p = close + 1;
	}
	out[pos] = '\0';
}

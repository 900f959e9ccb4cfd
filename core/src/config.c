/*
 * config.c: sayso.ini with inih.
 *
 * A table maps every (section, key) to a typed field of struct sayso_config,
 * so unknown keys are errors naming file:line and every key has a default.
 * Lists are comma-separated ("categories = litter, graffiti, other").
 */
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sayso/buf.h"
#include "sayso/categories.h"
#include "sayso/stats.h"
#include "sayso/config.h"
#include "sayso/lang.h"
#include "sayso/log.h"
#include "sayso/store.h"

enum kind {
	K_STR,
	K_INT,
	K_BOOL,
	K_LIST,
	K_VERIFY,
	K_PROVIDER,
	K_SPEECH,
	K_FACES
};

struct key {
	const char *section;
	const char *name;
	enum kind kind;
	size_t offset;
	size_t size;  /* K_STR buffer size */
	int min, max; /* K_INT */
};

#define F(sec, field) offsetof(struct sayso_config, sec.field)
#define STR(sec, key, field)                                                   \
	{                                                                      \
#sec, key, K_STR, F(sec, field),                               \
		    sizeof(((struct sayso_config *)0)->sec.field), 0, 0        \
	}
#define INT(sec, key, field, lo, hi)                                           \
	{                                                                      \
#sec, key, K_INT, F(sec, field), 0, lo, hi                     \
	}

static const struct key KEYS[] = {
    STR(site, "name", name),
    STR(site, "database", database),
    STR(site, "secret", secret),
    STR(site, "results_url", results_url),
    STR(site, "country", country),
    {"site", "languages", K_LIST, F(site, languages), 0, 0, 0},
    STR(site, "round", round),
    INT(kiosk, "idle_seconds", idle_seconds, 5, 3600),
    INT(kiosk, "idle_countdown", idle_countdown, 3, 120),
    INT(kiosk, "walkabout_idle_seconds", walkabout_idle_seconds, 5, 3600),
    STR(kiosk, "staff_pin", staff_pin),
    {"site", "categories", K_LIST, F(site, categories), 0, 0, 0},
    {"site", "streets", K_LIST, F(site, streets), 0, 0, 0},
    {"site", "positive", K_FACES, F(site, positive), 0, 0, 0},
    INT(site, "min_group", min_group, 1, 1000000),
    /* Deprecated spellings of the two above (site facts, not kiosk
     * settings): still read, with a note in the log. */
    {"kiosk", "categories", K_LIST, F(site, categories), 0, 0, 0},
    {"kiosk", "streets", K_LIST, F(site, streets), 0, 0, 0},
    {"kiosk", "verify", K_VERIFY, F(kiosk, verify), 0, 0, 0},
    INT(kiosk, "repeat_seconds", repeat_seconds, 0, 3600),
    INT(kiosk, "code_limit_per_number", code_limit_per_number, 1, 100),
    INT(kiosk, "code_limit_per_hour", code_limit_per_hour, 1, 10000),
    {"kiosk", "cursor", K_BOOL, F(kiosk, cursor), 0, 0, 0},
    {"kiosk", "fullscreen", K_BOOL, F(kiosk, fullscreen), 0, 0, 0},
    STR(kiosk, "device", device),
    STR(kiosk, "font", font),
    STR(kiosk, "assets", assets),
    STR(kiosk, "fallback", fallback),
    {"kiosk", "fonts_en", K_LIST, F(kiosk, fonts_en), 0, 0, 0},
    {"kiosk", "fonts_pl", K_LIST, F(kiosk, fonts_pl), 0, 0, 0},
    {"kiosk", "fonts_cy", K_LIST, F(kiosk, fonts_cy), 0, 0, 0},
    {"kiosk", "fonts_ur", K_LIST, F(kiosk, fonts_ur), 0, 0, 0},
    {"kiosk", "fonts_pa", K_LIST, F(kiosk, fonts_pa), 0, 0, 0},
    {"kiosk", "fonts_bn", K_LIST, F(kiosk, fonts_bn), 0, 0, 0},
    {"kiosk", "fonts_ar", K_LIST, F(kiosk, fonts_ar), 0, 0, 0},
    {"kiosk", "speech", K_SPEECH, F(kiosk, speech), 0, 0, 0},
    {"smsgw", "provider", K_PROVIDER, F(smsgw, provider), 0, 0, 0},
    STR(smsgw, "listen", listen),
    INT(smsgw, "rate_per_minute", rate_per_minute, 1, 10000),
    INT(smsgw, "followup_minutes", followup_minutes, 1, 1440),
    INT(smsgw, "max_attempts", max_attempts, 1, 100),
    STR(kannel, "sendsms_url", sendsms_url),
    STR(kannel, "username", username),
    STR(kannel, "password", password),
    STR(kannel, "from", from),
    STR(twilio, "account_sid", account_sid),
    STR(twilio, "auth_token", auth_token),
    STR(twilio, "from", from),
    STR(twilio, "api_base", api_base),
    STR(twilio, "public_url", public_url),
    INT(twilio, "poll_seconds", poll_seconds, 0, 86400),
    STR(spool, "incoming", incoming),
    STR(spool, "outgoing", outgoing),
    STR(spool, "processed", processed),
    INT(spool, "poll_ms", poll_ms, 10, 60000),
    INT(spool, "keep_hours", keep_hours, 0, 8760),
};

/* parse_ctx.listed keeps one bit per key. */
_Static_assert(sizeof KEYS / sizeof KEYS[0] <= 64, "too many config keys");

static void list_free(struct sayso_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
	l->cap = 0;
}

static int list_parse(struct sayso_list *l, const char *value, const char **why,
		      bool append)
{
	if (!append)
		list_free(l);
	const char *p = value;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		enum sayso_err e =
		    sayso_array_grow(&l->items, &l->cap, l->n + 1,
				     sizeof *l->items, SAYSO_LIST_MAX);
		if (e != SAYSO_OK) {
			*why = e == SAYSO_ERR_TOOBIG
				   ? "too many items in the list"
				   : "out of memory";
			return -1;
		}
		l->items[l->n] = strndup(p, len);
		if (!l->items[l->n]) {
			*why = "out of memory";
			return -1;
		}
		l->n++;
		p += len;
	}
	return 0;
}

void sayso_config_cleanup(struct sayso_config *c)
{
	if (!c)
		return;
	list_free(&c->site.languages);
	list_free(&c->site.categories);
	list_free(&c->site.streets);
	list_free(&c->kiosk.fonts_en);
	list_free(&c->kiosk.fonts_pl);
	list_free(&c->kiosk.fonts_cy);
	list_free(&c->kiosk.fonts_ur);
	list_free(&c->kiosk.fonts_pa);
	list_free(&c->kiosk.fonts_bn);
	list_free(&c->kiosk.fonts_ar);
}

enum sayso_err sayso_config_defaults(struct sayso_config *c)
{
	const char *why;
	memset(c, 0, sizeof *c);
	snprintf(c->site.name, sizeof c->site.name, "Poets Streets");
	snprintf(c->site.database, sizeof c->site.database, "./sayso.db");
	c->site.positive = SAYSO_POSITIVE_DEFAULT;
	c->site.min_group = SAYSO_MIN_GROUP_DEFAULT;
	snprintf(c->site.results_url, sizeof c->site.results_url,
		 "https://example.org/sayso/results/");
	c->kiosk.idle_seconds = 60;
	c->kiosk.idle_countdown = 30;
	c->kiosk.walkabout_idle_seconds = 600;
	c->kiosk.verify = SAYSO_VERIFY_SMS;
	c->kiosk.repeat_seconds = 5;
	c->kiosk.code_limit_per_number = 3;
	c->kiosk.code_limit_per_hour = 30;
	c->kiosk.cursor = false;
	c->kiosk.fullscreen = true;
	c->smsgw.provider = SAYSO_PROVIDER_KANNEL;
	snprintf(c->smsgw.listen, sizeof c->smsgw.listen, "127.0.0.1:8088");
	c->smsgw.rate_per_minute = 10;
	c->smsgw.followup_minutes = 30;
	c->smsgw.max_attempts = 8;
	snprintf(c->kannel.sendsms_url, sizeof c->kannel.sendsms_url,
		 "http://127.0.0.1:13013/cgi-bin/sendsms");
	snprintf(c->twilio.api_base, sizeof c->twilio.api_base,
		 "https://api.twilio.com");
	snprintf(c->spool.incoming, sizeof c->spool.incoming,
		 "/var/spool/sms/incoming");
	snprintf(c->spool.outgoing, sizeof c->spool.outgoing,
		 "/var/spool/sms/outgoing");
	snprintf(c->spool.processed, sizeof c->spool.processed,
		 "/var/spool/sms/processed");
	c->spool.poll_ms = 500;
	c->spool.keep_hours = 24;
	if (list_parse(&c->site.languages, "en, pl, cy, ur, pa, bn, ar", &why,
		       false) ||
	    list_parse(&c->site.categories, sayso_categories_default(), &why,
		       false) ||
	    list_parse(&c->site.streets, sayso_streets_default(), &why,
		       false)) {
		sayso_config_cleanup(c);
		return SAYSO_ERR_NOMEM;
	}
	return SAYSO_OK;
}

struct parse_ctx {
	struct sayso_config *c;
	const char *path;
	char *err;
	size_t errsz;
	int failed;
	FILE *f;
	int lineno;   /* lines handed to inih so far (Debian's inih has no
			 line numbers in the handler) */
	int too_long; /* a line exceeded inih's buffer */
	unsigned long long
	    listed; /* bit per list key seen: later lines append */
	int first_line[sizeof KEYS / sizeof KEYS[0]]; /* where a key was set */
	int deprecated_noted; /* the [kiosk] categories/streets note logged */
};

/* inih reader: one line per call, so the count is the current line. */
static char *read_line(char *buf, int max, void *stream)
{
	struct parse_ctx *pc = stream;
	if (!fgets(buf, max, pc->f))
		return NULL;
	pc->lineno++;
	size_t n = strlen(buf);
	if (n > 0 && buf[n - 1] != '\n' && !feof(pc->f)) {
		pc->too_long = 1;
		return NULL;
	}
	return buf;
}

static int set_value(struct sayso_config *c, const struct key *k,
		     const char *value, const char **why, bool append)
{
	char *field = (char *)c + k->offset;
	switch (k->kind) {
	case K_STR:
		if (strlen(value) >= k->size) {
			*why = "value is too long";
			return -1;
		}
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case K_INT: {
		errno = 0;
		char *end;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end) {
			*why = "expected a whole number";
			return -1;
		}
		if (v < k->min || v > k->max) {
			*why = "number out of range";
			return -1;
		}
		*(int *)(void *)field = (int)v;
		return 0;
	}
	case K_BOOL:
		if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") ||
		    !strcasecmp(value, "on") || !strcmp(value, "1"))
			*(bool *)(void *)field = true;
		else if (!strcasecmp(value, "false") ||
			 !strcasecmp(value, "no") ||
			 !strcasecmp(value, "off") || !strcmp(value, "0"))
			*(bool *)(void *)field = false;
		else {
			*why = "expected true or false";
			return -1;
		}
		return 0;
	case K_LIST:
		return list_parse((struct sayso_list *)(void *)field, value,
				  why, append);
	case K_VERIFY:
		if (!strcasecmp(value, "none"))
			c->kiosk.verify = SAYSO_VERIFY_NONE;
		else if (!strcasecmp(value, "sms"))
			c->kiosk.verify = SAYSO_VERIFY_SMS;
		else if (!strcasecmp(value, "code"))
			c->kiosk.verify = SAYSO_VERIFY_CODE;
		else {
			*why = "expected sms, code or none";
			return -1;
		}
		return 0;
	case K_SPEECH:
		if (!strcasecmp(value, "button"))
			c->kiosk.speech = SAYSO_SPEECH_BUTTON;
		else if (!strcasecmp(value, "on"))
			c->kiosk.speech = SAYSO_SPEECH_ON;
		else if (!strcasecmp(value, "off"))
			c->kiosk.speech = SAYSO_SPEECH_OFF;
		else {
			*why = "expected button, on or off";
			return -1;
		}
		return 0;
	case K_FACES:
		if (sayso_positive_parse(value, (unsigned *)(void *)field) !=
		    SAYSO_OK) {
			*why = "expected faces 1 to 5 separated by commas "
			       "(\"4,5\"), not none and not all five";
			return -1;
		}
		return 0;
	case K_PROVIDER:
		if (!strcasecmp(value, "kannel"))
			c->smsgw.provider = SAYSO_PROVIDER_KANNEL;
		else if (!strcasecmp(value, "twilio"))
			c->smsgw.provider = SAYSO_PROVIDER_TWILIO;
		else if (!strcasecmp(value, "spool"))
			c->smsgw.provider = SAYSO_PROVIDER_SPOOL;
		else {
			*why = "expected kannel, twilio or spool";
			return -1;
		}
		return 0;
	}
	*why = "internal: unknown key kind";
	return -1;
}

static int on_entry(void *user, const char *section, const char *name,
		    const char *value)
{
	struct parse_ctx *pc = user;
	int lineno = pc->lineno;
	if (pc->failed)
		return 0;
	const char *why = NULL;
	bool known_section = false;
	for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
		if (strcmp(KEYS[i].section, section) != 0)
			continue;
		known_section = true;
		if (strcmp(KEYS[i].name, name) != 0)
			continue;
		/* A list key given again (or continued on indented lines)
		 * appends, so long street lists can span lines. */
		unsigned long long bit = 1ull << i;
		bool append = KEYS[i].kind == K_LIST && (pc->listed & bit);
		if (KEYS[i].kind != K_LIST && pc->first_line[i]) {
			/* Silently taking the last value hides mistakes. */
			snprintf(pc->err, pc->errsz,
				 "%s:%d: [%s] %s given twice (first on line "
				 "%d)",
				 pc->path, lineno, section, name,
				 pc->first_line[i]);
			pc->failed = 1;
			return 0;
		}
		pc->first_line[i] = lineno;
		if (set_value(pc->c, &KEYS[i], value, &why, append) == 0) {
			if (KEYS[i].kind == K_LIST)
				pc->listed |= bit;
			if (strcmp(section, "kiosk") == 0 &&
			    (strcmp(name, "categories") == 0 ||
			     strcmp(name, "streets") == 0) &&
			    !pc->deprecated_noted) {
				pc->deprecated_noted = 1;
				sayso_log(SAYSO_LOG_WARN,
					  "%s:%d: [kiosk] %s is deprecated: "
					  "move it to [site] %s",
					  pc->path, lineno, name, name);
			}
			return 1;
		}
		snprintf(pc->err, pc->errsz, "%s:%d: [%s] %s = '%s': %s",
			 pc->path, lineno, section, name, value, why);
		pc->failed = 1;
		return 0;
	}
	if (!known_section)
		snprintf(pc->err, pc->errsz, "%s:%d: unknown section [%s]",
			 pc->path, lineno, section);
	else
		snprintf(pc->err, pc->errsz, "%s:%d: unknown key '%s' in [%s]",
			 pc->path, lineno, name, section);
	pc->failed = 1;
	return 0;
}

enum sayso_err sayso_config_load(struct sayso_config *c, const char *path,
				 char *err, size_t errsz)
{
	enum sayso_err e = sayso_config_defaults(c);
	if (e != SAYSO_OK) {
		snprintf(err, errsz, "out of memory");
		return e;
	}
	if (strlen(path) >= sizeof c->source) {
		snprintf(err, errsz, "%s: path too long", path);
		sayso_config_cleanup(c);
		return SAYSO_ERR_INVAL;
	}
	snprintf(c->source, sizeof c->source, "%s", path);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: cannot read: %s", path,
			 strerror(errno));
		sayso_config_cleanup(c);
		return SAYSO_ERR_IO;
	}
	struct parse_ctx pc = {c, path, err, errsz, 0, f, 0, 0, 0};
	int rc = ini_parse_stream(read_line, &pc, on_entry, &pc);
	int rerr = ferror(f);
	fclose(f);
	if (pc.too_long && !pc.failed) {
		snprintf(err, errsz,
			 "%s:%d: line too long; continue a long list on "
			 "indented lines below it",
			 path, pc.lineno);
		pc.failed = 1;
	}
	if (!pc.failed && rerr) {
		snprintf(err, errsz, "%s: read error", path);
		sayso_config_cleanup(c);
		return SAYSO_ERR_IO;
	}
	if (pc.failed) {
		sayso_config_cleanup(c);
		return SAYSO_ERR_PARSE;
	}
	if (rc != 0) {
		if (rc > 0)
			snprintf(err, errsz,
				 "%s:%d: not a 'key = value' line or [section]",
				 path, rc);
		else
			snprintf(err, errsz, "%s: could not be read", path);
		sayso_config_cleanup(c);
		return rc > 0 ? SAYSO_ERR_PARSE : SAYSO_ERR_IO;
	}
	if (c->kiosk.device[0] && !sayso_device_id_valid(c->kiosk.device)) {
		snprintf(err, errsz,
			 "%s: [kiosk] device = '%s': use letters, digits, "
			 "- _ . :",
			 path, c->kiosk.device);
		sayso_config_cleanup(c);
		return SAYSO_ERR_PARSE;
	}
	if (c->site.languages.n == 0) {
		snprintf(err, errsz, "%s: [site] languages must not be empty",
			 path);
		sayso_config_cleanup(c);
		return SAYSO_ERR_PARSE;
	}
	for (size_t i = 0; i < c->site.languages.n; i++) {
		const char *l = c->site.languages.items[i];
		bool twice = false;
		for (size_t j = 0; j < i; j++)
			twice |= strcmp(l, c->site.languages.items[j]) == 0;
		if (!sayso_lang_valid(l) || twice) {
			snprintf(err, errsz,
				 "%s: [site] languages: '%s' %s (use any of "
				 "en, pl, cy, ur, pa, bn, ar)",
				 path, l,
				 twice ? "is listed twice"
				       : "is not a language sayso ships");
			sayso_config_cleanup(c);
			return SAYSO_ERR_PARSE;
		}
	}
	if (c->site.categories.n == 0) {
		snprintf(err, errsz, "%s: [site] categories must not be empty",
			 path);
		sayso_config_cleanup(c);
		return SAYSO_ERR_PARSE;
	}
	return SAYSO_OK;
}

enum sayso_err sayso_config_listen(const char *listen, char *host,
				   size_t hostsz, unsigned short *port)
{
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen)
		return SAYSO_ERR_INVAL;
	size_t hl = (size_t)(colon - listen);
	if (hl >= hostsz)
		return SAYSO_ERR_INVAL;
	char *end;
	errno = 0;
	long p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 0 || p > 65535)
		return SAYSO_ERR_INVAL;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	*port = (unsigned short)p;
	return SAYSO_OK;
}

/*
 * webhook.c: form decoding, the Twilio signature and the smstools3 file
 * format. Everything here reads untrusted bytes, so every buffer has a
 * maximum and nothing here allocates without a bound (the fuzz harness
 * tests/fuzz/fuzz_webhook.c drives these functions).
 *
 * The signature covers every parameter Twilio sent, not a fixed list:
 * Twilio adds parameters without notice.
 */
#include "webhook.h"
#include "sayso/smsparse.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sayso/buf.h"
#include "sayso/utf8.h"

/* ---- forms ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into a malloc'd buffer; *outlen gets its length. */
static char *decode(const char *s, size_t len, size_t *outlen)
{
	char *o = malloc(len + 1);
	if (!o)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			o[j++] = ' ';
		} else if (s[i] == '%' && i + 2 < len &&
			   hexval((unsigned char)s[i + 1]) >= 0 &&
			   hexval((unsigned char)s[i + 2]) >= 0) {
			o[j++] = (char)(hexval((unsigned char)s[i + 1]) * 16 +
					hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			o[j++] = s[i];
		}
	}
	o[j] = '\0';
	*outlen = j;
	return o;
}

static size_t form_bytes(const struct smsgw_form *f)
{
	size_t total = 0;
	for (size_t i = 0; i < f->n; i++)
		total += strlen(f->p[i].name) + f->p[i].valuelen;
	return total;
}

static enum sayso_err form_push(struct smsgw_form *f, char *name, char *value,
				size_t valuelen)
{
	if (f->n >= SMSGW_FORM_MAX_PARAMS) {
		free(name);
		free(value);
		return SAYSO_ERR_TOOBIG;
	}
	enum sayso_err e = sayso_array_grow(
	    &f->p, &f->cap, f->n + 1, sizeof *f->p, SMSGW_FORM_MAX_PARAMS);
	if (e != SAYSO_OK) {
		free(name);
		free(value);
		return e;
	}
	f->p[f->n].name = name;
	f->p[f->n].value = value;
	f->p[f->n].valuelen = valuelen;
	f->n++;
	return SAYSO_OK;
}

enum sayso_err smsgw_form_parse(const char *s, size_t len, struct smsgw_form *f)
{
	if (len > SMSGW_FORM_MAX_BYTES)
		return SAYSO_ERR_TOOBIG;
	size_t i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && s[end] != '&')
			end++;
		if (end > i) {
			size_t eq = i;
			while (eq < end && s[eq] != '=')
				eq++;
			size_t nl, vl;
			char *name = decode(s + i, eq - i, &nl);
			char *value = decode(s + (eq < end ? eq + 1 : end),
					     eq < end ? end - eq - 1 : 0, &vl);
			if (!name || !value) {
				free(name);
				free(value);
				return SAYSO_ERR_NOMEM;
			}
			/* A name cannot carry a NUL: cut it there. */
			enum sayso_err e = form_push(f, name, value, vl);
			if (e != SAYSO_OK)
				return e;
		}
		i = end + 1;
	}
	return SAYSO_OK;
}

enum sayso_err smsgw_form_add(struct smsgw_form *f, const char *name,
			      const char *value, size_t valuelen)
{
	if (form_bytes(f) + strlen(name) + valuelen > SMSGW_FORM_MAX_BYTES)
		return SAYSO_ERR_TOOBIG;
	char *n = strdup(name);
	char *v = malloc(valuelen + 1);
	if (!n || !v) {
		free(n);
		free(v);
		return SAYSO_ERR_NOMEM;
	}
	memcpy(v, value, valuelen);
	v[valuelen] = '\0';
	return form_push(f, n, v, valuelen);
}

const char *smsgw_form_get(const struct smsgw_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->p[i].name, name) == 0)
			return f->p[i].value;
	return NULL;
}

static const struct smsgw_param *form_getp(const struct smsgw_form *f,
					   const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->p[i].name, name) == 0)
			return &f->p[i];
	return NULL;
}

void smsgw_form_free(struct smsgw_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->p[i].name);
		free(f->p[i].value);
	}
	free(f->p);
	f->p = NULL;
	f->n = f->cap = 0;
}

/* ---- Twilio signature ---- */

static int bytecmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int c = memcmp(a, b, n);
	if (c)
		return c;
	return al < bl ? -1 : al > bl;
}

static int param_cmp(const void *x, const void *y)
{
	const struct smsgw_param *a = *(const struct smsgw_param *const *)x;
	const struct smsgw_param *b = *(const struct smsgw_param *const *)y;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	return bytecmp(a->value, a->valuelen, b->value, b->valuelen);
}

enum sayso_err smsgw_twilio_sign(const char *token, const char *url,
				 const struct smsgw_form *f, char *out,
				 size_t outsz)
{
	enum sayso_err e = SAYSO_ERR_CRYPTO;
	const struct smsgw_param **sorted = NULL;
	unsigned char mac[EVP_MAX_MD_SIZE];

	if (outsz < 29)
		return SAYSO_ERR_TOOBIG;
	if (f && f->n) {
		sorted = malloc(f->n * sizeof *sorted);
		if (!sorted)
			return SAYSO_ERR_NOMEM;
		for (size_t i = 0; i < f->n; i++)
			sorted[i] = &f->p[i];
		qsort(sorted, f->n, sizeof *sorted, param_cmp);
	}
	/* HMAC through EVP_DigestSign: streams the URL and the parameters
	 * without building one big string (HMAC_CTX is deprecated in 3.0). */
	EVP_PKEY *key = EVP_PKEY_new_raw_private_key(
	    EVP_PKEY_HMAC, NULL, (const unsigned char *)token, strlen(token));
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!key || !md)
		goto out;
	if (EVP_DigestSignInit(md, NULL, EVP_sha1(), NULL, key) != 1)
		goto out;
	if (EVP_DigestSignUpdate(md, url, strlen(url)) != 1)
		goto out;
	for (size_t i = 0; f && i < f->n; i++) {
		if (i > 0 && param_cmp(&sorted[i - 1], &sorted[i]) == 0)
			continue; /* a repeated name=value counts once */
		if (EVP_DigestSignUpdate(md, sorted[i]->name,
					 strlen(sorted[i]->name)) != 1 ||
		    EVP_DigestSignUpdate(md, sorted[i]->value,
					 sorted[i]->valuelen) != 1)
			goto out;
	}
	size_t ml = sizeof mac;
	if (EVP_DigestSignFinal(md, mac, &ml) != 1)
		goto out;
	EVP_EncodeBlock((unsigned char *)out, mac, (int)ml);
	e = SAYSO_OK;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	free(sorted);
	return e;
}

static bool sig_equal(const char *token, const char *url,
		      const struct smsgw_form *f, const char *header)
{
	char sig[64];
	if (smsgw_twilio_sign(token, url, f, sig, sizeof sig) != SAYSO_OK)
		return false;
	size_t n = strlen(sig);
	if (strlen(header) != n)
		return false;
	return CRYPTO_memcmp(sig, header, n) == 0;
}

/*
 * Writes the other port form of url into out: with the default port added
 * when it has none, or removed when it has the default one. Returns false
 * when there is no other form (a non-default port, or no scheme).
 */
static bool port_variant(const char *url, char *out, size_t outsz)
{
	const char *def;
	size_t skip;
	if (strncasecmp(url, "https://", 8) == 0) {
		def = "443";
		skip = 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		def = "80";
		skip = 7;
	} else {
		return false;
	}
	const char *host = url + skip;
	size_t hl = strcspn(host, "/?#");
	const char *colon = memchr(host, ':', hl);
	/* userinfo@ and IPv6 literals are not Twilio webhook URLs. */
	if (memchr(host, '@', hl) || memchr(host, '[', hl))
		return false;
	int n;
	if (colon) {
		size_t pl = hl - (size_t)(colon - host) - 1;
		if (pl != strlen(def) || memcmp(colon + 1, def, pl) != 0)
			return false;
		n = snprintf(out, outsz, "%.*s%s", (int)(colon - url), url,
			     host + hl);
	} else {
		n = snprintf(out, outsz, "%.*s:%s%s", (int)(host + hl - url),
			     url, def, host + hl);
	}
	return n > 0 && (size_t)n < outsz;
}

bool smsgw_twilio_verify(const char *token, const char *url,
			 const struct smsgw_form *f, const char *header)
{
	if (!token || !*token || !url || !*url || !header || !*header)
		return false;
	if (sig_equal(token, url, f, header))
		return true;
	char alt[2048];
	if (port_variant(url, alt, sizeof alt) &&
	    sig_equal(token, alt, f, header))
		return true;
	return false;
}

/* ---- charsets ---- */

/* Appends code point cp as UTF-8 if it fits in full; false when it does
 * not. */
static bool put_utf8(char *out, size_t outsz, size_t *j, unsigned long cp)
{
	char b[SAYSO_UTF8_MAX];
	size_t n = sayso_utf8_put(cp, b);
	if (*j + n + 1 > outsz)
		return false;
	memcpy(out + *j, b, n);
	*j += n;
	return true;
}

/* ISO-8859-15 differs from Latin-1 in eight places. */
static unsigned long latin9(unsigned char c)
{
	switch (c) {
	case 0xA4:
		return 0x20AC; /* € */
	case 0xA6:
		return 0x0160;
	case 0xA8:
		return 0x0161;
	case 0xB4:
		return 0x017D;
	case 0xB8:
		return 0x017E;
	case 0xBC:
		return 0x0152;
	case 0xBD:
		return 0x0153;
	case 0xBE:
		return 0x0178;
	default:
		return c;
	}
}

void smsgw_to_utf8(const char *charset, const unsigned char *in, size_t len,
		   char *out, size_t outsz, bool *truncated)
{
	size_t j = 0;
	bool cut = false;
	if (outsz == 0)
		return;
	if (charset && (strcasecmp(charset, "UTF-16BE") == 0 ||
			strcasecmp(charset, "UCS-2") == 0 ||
			strcasecmp(charset, "UCS2") == 0)) {
		for (size_t i = 0; i + 1 < len && !cut; i += 2) {
			unsigned long u =
			    ((unsigned long)in[i] << 8) | in[i + 1];
			if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
				unsigned long lo =
				    ((unsigned long)in[i + 2] << 8) | in[i + 3];
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					u = 0x10000 + ((u - 0xD800) << 10) +
					    (lo - 0xDC00);
					i += 2;
				} else {
					u = 0xFFFD;
				}
			} else if (u >= 0xD800 && u <= 0xDFFF) {
				u = 0xFFFD;
			}
			u = sayso_smsparse_fold_control(u);
			cut = !put_utf8(out, outsz, &j, u);
		}
	} else if (charset && (strncasecmp(charset, "ISO", 3) == 0 ||
			       strncasecmp(charset, "Latin", 5) == 0)) {
		for (size_t i = 0; i < len && !cut; i++) {
			cut = !put_utf8(
			    out, outsz, &j,
			    sayso_smsparse_fold_control(latin9(in[i])));
		}
	} else {
		for (size_t i = 0; i < len && !cut;) {
			unsigned long cp;
			bool bad;
			size_t n = sayso_utf8_next(in + i, len - i, &cp, &bad);
			cut = !put_utf8(out, outsz, &j,
					sayso_smsparse_fold_control(cp));
			i += n;
		}
	}
	out[j] = '\0';
	if (truncated)
		*truncated = cut;
}

/* ---- provider decoders ---- */

static void copy_field(char *dst, size_t dstsz, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= dstsz)
		n = dstsz - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static void copy_text(struct smsgw_msgin *m, const char *charset, const char *s,
		      size_t len)
{
	smsgw_to_utf8(charset, (const unsigned char *)s, len, m->body,
		      sizeof m->body, &m->truncated);
}

static int64_t parse_epoch_ms(const char *s)
{
	if (!s || !*s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end != '\0' || v <= 0 || v > 32503680000LL) /* year 3000 */
		return 0;
	return (int64_t)v * 1000;
}

enum sayso_err smsgw_kannel_decode(const struct smsgw_form *q,
				   struct smsgw_msgin *m)
{
	memset(m, 0, sizeof *m);
	const char *from = smsgw_form_get(q, "from");
	if (!from || !*from)
		return SAYSO_ERR_INVAL;
	copy_field(m->from, sizeof m->from, from);
	copy_field(m->to, sizeof m->to, smsgw_form_get(q, "to"));
	const char *id = smsgw_form_get(q, "id");
	if (id && strlen(id) >= sizeof m->provider_id)
		return SAYSO_ERR_TOOBIG; /* never cut: two ids would collide */
	copy_field(m->provider_id, sizeof m->provider_id, id);
	m->sent_ms = parse_epoch_ms(smsgw_form_get(q, "ts"));
	const struct smsgw_param *t = form_getp(q, "text");
	const char *coding = smsgw_form_get(q, "coding");
	const char *charset = smsgw_form_get(q, "charset");
	const char *cs = "UTF-8";
	if ((coding && strcmp(coding, "2") == 0) ||
	    (charset && strcasecmp(charset, "UTF-16BE") == 0))
		cs = "UTF-16BE";
	else if (charset && (strncasecmp(charset, "ISO", 3) == 0 ||
			     strncasecmp(charset, "WINDOWS-1252", 12) == 0))
		cs = "ISO-8859-15";
	if (t)
		copy_text(m, cs, t->value, t->valuelen);
	return SAYSO_OK;
}

bool smsgw_twilio_sid_valid(const char *sid)
{
	if (!sid || strlen(sid) != 34 ||
	    !((sid[0] == 'S' || sid[0] == 'M') && sid[1] == 'M'))
		return false;
	for (size_t i = 2; i < 34; i++)
		if (!((sid[i] >= '0' && sid[i] <= '9') ||
		      (sid[i] >= 'a' && sid[i] <= 'f')))
			return false;
	return true;
}

enum sayso_err smsgw_twilio_decode(const struct smsgw_form *f,
				   struct smsgw_msgin *m)
{
	memset(m, 0, sizeof *m);
	const char *sid = smsgw_form_get(f, "MessageSid");
	if (!sid || !*sid)
		sid = smsgw_form_get(f, "SmsMessageSid");
	const char *from = smsgw_form_get(f, "From");
	if (!sid || !*sid || !from || !*from)
		return SAYSO_ERR_INVAL;
	if (!smsgw_twilio_sid_valid(sid))
		return SAYSO_ERR_INVAL;
	copy_field(m->provider_id, sizeof m->provider_id, sid);
	copy_field(m->from, sizeof m->from, from);
	copy_field(m->to, sizeof m->to, smsgw_form_get(f, "To"));
	const struct smsgw_param *b = form_getp(f, "Body");
	if (b)
		copy_text(m, "UTF-8", b->value, b->valuelen);
	return SAYSO_OK;
}

/* ---- smstools3 spool files ---- */

enum sayso_err smsgw_spool_parse(const char *data, size_t len,
				 struct smsgw_msgin *m, const char **why)
{
	static const char *dummy;
	if (!why)
		why = &dummy;
	memset(m, 0, sizeof *m);
	const char *alphabet = "ISO"; /* smsd's default storage alphabet */
	char alpha[16] = "";
	size_t i = 0;
	bool blank = false;
	bool have_from = false;
	while (i < len) {
		size_t end = i;
		while (end < len && data[end] != '\n')
			end++;
		size_t ll = end - i;
		if (ll > 0 && data[i + ll - 1] == '\r')
			ll--;
		if (ll == 0) {
			blank = true;
			i = end < len ? end + 1 : end;
			break;
		}
		const char *colon = memchr(data + i, ':', ll);
		if (colon) {
			size_t nl = (size_t)(colon - (data + i));
			const char *v = colon + 1;
			size_t vl = ll - nl - 1;
			while (vl && (*v == ' ' || *v == '\t')) {
				v++;
				vl--;
			}
			/* Headers are case-sensitive in smstools3. */
			if (nl == 4 && memcmp(data + i, "From", 4) == 0) {
				if (vl >= sizeof m->from)
					vl = sizeof m->from - 1;
				memcpy(m->from, v, vl);
				m->from[vl] = '\0';
				have_from = vl > 0;
			} else if (nl == 8 &&
				   memcmp(data + i, "Alphabet", 8) == 0) {
				if (vl >= sizeof alpha)
					vl = sizeof alpha - 1;
				memcpy(alpha, v, vl);
				alpha[vl] = '\0';
			}
		}
		/* Lines without a colon (a stray warning) are ignored. */
		i = end + 1;
	}
	if (!blank) {
		*why = "no empty line after the headers";
		return SAYSO_ERR_PARSE;
	}
	if (!have_from) {
		*why = "no From: header";
		return SAYSO_ERR_PARSE;
	}
	/* Only the first three characters count, as in smsd. */
	if (alpha[0]) {
		if (strncasecmp(alpha, "UTF", 3) == 0)
			alphabet = "UTF-8";
		else if (strncasecmp(alpha, "UCS", 3) == 0)
			alphabet = "UTF-16BE";
		else if (strncasecmp(alpha, "ISO", 3) == 0 ||
			 strncasecmp(alpha, "GSM", 3) == 0)
			alphabet = "ISO-8859-15";
		else if (strncasecmp(alpha, "bin", 3) == 0) {
			*why = "binary message (not text)";
			return SAYSO_ERR_PARSE;
		}
	} else {
		alphabet = "ISO-8859-15";
	}
	if (i > len)
		i = len;
	copy_text(m, alphabet, data + i, len - i);
	return SAYSO_OK;
}

size_t smsgw_spool_format(const char *to_e164, const char *body, char *out,
			  size_t outsz)
{
	const char *to = to_e164[0] == '+' ? to_e164 + 1 : to_e164;
	size_t bl = strlen(body);
	/* smsd sends a trailing newline as part of a UCS-2 text: drop it. */
	while (bl > 0 && (body[bl - 1] == '\n' || body[bl - 1] == '\r'))
		bl--;
	int n = snprintf(out, outsz, "To: %s\nAlphabet: UTF-8\n\n%.*s", to,
			 (int)bl, body);
	if (n < 0 || (size_t)n >= outsz)
		return 0;
	return (size_t)n;
}

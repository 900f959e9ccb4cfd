/*
 * identity.c: UK mobile and voter-code normalisation, resident ids.
 *
 * A resident is HMAC-SHA256(site secret, kind ":" normalised value) as hex,
 * where kind is "phone" or "code". The same resident texting from +44 7700
 * 900456 and typing 07700 900456 on the kiosk is one resident; their number
 * is never stored by this module.
 */
#include <ctype.h>
#include <stdbool.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "sayso/identity.h"
#include "sayso/utf8.h"

const char SAYSO_CODE_ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Bytes to skip at p: what people paste with numbers without seeing it,
 * the core's invisible characters (sayso_utf8_invisible), the no-break
 * spaces U+00A0/U+202F and the joiners U+200C/U+200D. 0 if none. */
static size_t invisible(const unsigned char *p)
{
	unsigned long cp;
	bool bad;
	if (p[0] < 0x80)
		return 0;
	size_t n = sayso_utf8_next(p, strnlen((const char *)p, 4), &cp, &bad);
	if (bad)
		return 0;
	if (sayso_utf8_invisible(cp) || cp == 0xA0 || cp == 0x202F ||
	    cp == 0x200C || cp == 0x200D)
		return n;
	return 0;
}

enum sayso_err sayso_phone_check(const char *in, char *out, size_t outsz,
				 enum sayso_reason *why)
{
	enum sayso_reason dummy;
	if (!why)
		why = &dummy;
	*why = SAYSO_REASON_NONE;
	if (!in || !out || outsz < SAYSO_E164_MAX) {
		*why = SAYSO_REASON_PHONE_EMPTY;
		return SAYSO_ERR_INVAL;
	}
	/* Pass 1: keep '+', digits and parentheses; drop separators. */
	char buf[64];
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)in;
	while (*p) {
		size_t skip = invisible(p);
		if (skip) {
			p += skip;
			continue;
		}
		if (isspace(*p) || *p == '-' || *p == '.' || *p == '/') {
			p++;
			continue;
		}
		if (!(isdigit(*p) || *p == '+' || *p == '(' || *p == ')')) {
			*why = SAYSO_REASON_PHONE_CHARS;
			return SAYSO_ERR_INVAL;
		}
		if (n + 1 >= sizeof buf) {
			*why = SAYSO_REASON_PHONE_TOO_LONG;
			return SAYSO_ERR_INVAL;
		}
		buf[n++] = (char)*p++;
	}
	buf[n] = '\0';
	if (n == 0) {
		*why = SAYSO_REASON_PHONE_EMPTY;
		return SAYSO_ERR_INVAL;
	}
	/* "(0)" after the country code goes; other parentheses are dropped. */
	char flat[64];
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '(' && buf[i + 1] == '0' && buf[i + 2] == ')') {
			i += 2;
			continue;
		}
		if (buf[i] == '(' || buf[i] == ')')
			continue;
		if (buf[i] == '+' && m != 0) {
			*why = SAYSO_REASON_PHONE_PLUS;
			return SAYSO_ERR_INVAL;
		}
		flat[m++] = buf[i];
	}
	flat[m] = '\0';

	const char *nsn;
	if (strncmp(flat, "+44", 3) == 0)
		nsn = flat + 3;
	else if (flat[0] == '+') {
		*why = SAYSO_REASON_PHONE_NOT_UK;
		return SAYSO_ERR_INVAL;
	} else if (strncmp(flat, "0044", 4) == 0)
		nsn = flat + 4;
	else if (strncmp(flat, "00", 2) == 0) {
		*why = SAYSO_REASON_PHONE_NOT_UK;
		return SAYSO_ERR_INVAL;
	} else if (strncmp(flat, "44", 2) == 0 && m == 12)
		nsn = flat + 2;
	else if (flat[0] == '0')
		nsn = flat + 1;
	else if (flat[0] == '7' && m == 10)
		nsn = flat;
	else {
		*why = SAYSO_REASON_PHONE_NOT_MOBILE;
		return SAYSO_ERR_INVAL;
	}
	if (nsn[0] == '0')
		nsn++; /* "+44 07..." written with the trunk zero kept */
	size_t len = strlen(nsn);
	if (len > 0 && nsn[0] != '7') {
		*why = SAYSO_REASON_PHONE_LANDLINE;
		return SAYSO_ERR_INVAL;
	}
	if (len != 10) {
		*why = len < 10 ? SAYSO_REASON_PHONE_TOO_SHORT
				: SAYSO_REASON_PHONE_LONG_UK;
		return SAYSO_ERR_INVAL;
	}
	if (nsn[1] == '0') {
		*why = SAYSO_REASON_PHONE_PERSONAL;
		return SAYSO_ERR_INVAL;
	}
	if (nsn[1] == '6' && strncmp(nsn, "7624", 4) != 0) {
		*why = SAYSO_REASON_PHONE_PAGER;
		return SAYSO_ERR_INVAL;
	}
	snprintf(out, outsz, "+44%s", nsn);
	return SAYSO_OK;
}

const char *sayso_phone_without_plus(const char *e164)
{
	return e164[0] == '+' ? e164 + 1 : e164;
}

void sayso_mask_phone(const char *phone, char *out, size_t outsz)
{
	size_t n = phone ? strlen(phone) : 0;
	if (outsz == 0)
		return;
	if (n <= 4) {
		snprintf(out, outsz, "****");
		return;
	}
	size_t keep = n - 4;
	if (keep >= outsz)
		keep = outsz - 1;
	memcpy(out, phone, keep);
	size_t i = keep;
	for (; i < n && i + 1 < outsz; i++)
		out[i] = '*';
	out[i] = '\0';
}

enum sayso_err sayso_code_check(const char *in, char *out, size_t outsz,
				enum sayso_reason *why)
{
	enum sayso_reason dummy;
	if (!why)
		why = &dummy;
	*why = SAYSO_REASON_NONE;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)in; p && *p; p++) {
		if (isspace(*p) || *p == '-')
			continue;
		if (!isalnum(*p)) {
			*why = SAYSO_REASON_CODE_CHARS;
			return SAYSO_ERR_INVAL;
		}
		if (n + 1 >= outsz || n + 1 >= SAYSO_VOTER_CODE_MAX) {
			*why = SAYSO_REASON_CODE_TOO_LONG;
			return SAYSO_ERR_INVAL;
		}
		out[n++] = (char)toupper(*p);
	}
	if (n < 4) {
		*why = n == 0 ? SAYSO_REASON_CODE_EMPTY
			      : SAYSO_REASON_CODE_TOO_SHORT;
		if (outsz)
			out[0] = '\0';
		return SAYSO_ERR_INVAL;
	}
	out[n] = '\0';
	return SAYSO_OK;
}

enum sayso_err sayso_phone_normalise(const char *in, char *out, size_t outsz,
				     const char **why)
{
	enum sayso_reason r;
	enum sayso_err e = sayso_phone_check(in, out, outsz, &r);
	if (why)
		*why = e == SAYSO_OK ? NULL : sayso_reason_english(r);
	return e;
}

enum sayso_err sayso_code_normalise(const char *in, char *out, size_t outsz,
				    const char **why)
{
	enum sayso_reason r;
	enum sayso_err e = sayso_code_check(in, out, outsz, &r);
	if (why)
		*why = e == SAYSO_OK ? NULL : sayso_reason_english(r);
	return e;
}

enum sayso_err sayso_resident_id(const unsigned char *secret,
				 enum sayso_id_kind kind,
				 const char *normalised, char *out,
				 size_t outsz)
{
	if (!secret || !normalised || outsz < SAYSO_RESIDENT_ID_LEN + 1)
		return SAYSO_ERR_INVAL;
	char msg[64];
	int len =
	    snprintf(msg, sizeof msg, "%s:%s",
		     kind == SAYSO_ID_PHONE ? "phone" : "code", normalised);
	if (len < 0 || (size_t)len >= sizeof msg)
		return SAYSO_ERR_TOOBIG;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	if (!HMAC(EVP_sha256(), secret, SAYSO_SECRET_LEN,
		  (const unsigned char *)msg, (size_t)len, mac, &maclen) ||
	    maclen != 32)
		return SAYSO_ERR_CRYPTO;
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < maclen; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[2 * maclen] = '\0';
	return SAYSO_OK;
}

enum sayso_err sayso_random_bytes(unsigned char *buf, size_t n)
{
	if (n > 1 << 20)
		return SAYSO_ERR_TOOBIG;
	return RAND_bytes(buf, (int)n) == 1 ? SAYSO_OK : SAYSO_ERR_CRYPTO;
}

enum sayso_err sayso_random_code(char *out, size_t outsz, size_t len)
{
	if (outsz <= len)
		return SAYSO_ERR_INVAL;
	size_t alpha = sizeof SAYSO_CODE_ALPHABET - 1;
	size_t i = 0;
	while (i < len) {
		unsigned char b[32];
		enum sayso_err e = sayso_random_bytes(b, sizeof b);
		if (e != SAYSO_OK)
			return e;
		/* Rejection sampling: no modulo bias. */
		for (size_t k = 0; k < sizeof b && i < len; k++)
			if (b[k] < 256 - 256 % alpha)
				out[i++] = SAYSO_CODE_ALPHABET[b[k] % alpha];
	}
	out[len] = '\0';
	return SAYSO_OK;
}

enum sayso_err sayso_identity_normalise(const char *in,
					enum sayso_id_kind *kind, char *out,
					size_t outsz, const char **why)
{
	size_t digits = 0;
	const char *first = NULL;
	for (const char *p = in; *p; p++) {
		if (isalpha((unsigned char)*p)) {
			digits = 0;
			first = NULL;
			break;
		}
		if (isdigit((unsigned char)*p) || *p == '+') {
			if (!first)
				first = p;
			digits += *p != '+';
		}
	}
	bool phone = first && (*first == '+' || *first == '0' ||
			       (digits >= 11 && strncmp(first, "44", 2) == 0));
	*kind = phone ? SAYSO_ID_PHONE : SAYSO_ID_CODE;
	return phone ? sayso_phone_normalise(in, out, outsz, why)
		     : sayso_code_normalise(in, out, outsz, why);
}

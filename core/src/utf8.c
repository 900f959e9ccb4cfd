/*
 * utf8.c: the one UTF-8 codec (sayso/utf8.h) every text path shares: SMS
 * grammar, GSM-7 counting, webhook charsets, .pb files, HTML escaping, the
 * kiosk's text fields. Decoding never fails: bad bytes become U+FFFD one at a
 * time, so junk from a modem or a webhook cannot derail a parser.
 */
#include <string.h>

#include "sayso/utf8.h"

#define REPLACEMENT SAYSO_UTF8_REPLACEMENT

size_t sayso_utf8_next(const unsigned char *s, size_t len, unsigned long *cp,
		       bool *bad)
{
	unsigned long c;
	size_t n, i;

	*bad = false;
	if (len == 0) {
		*cp = 0;
		return 0;
	}
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		c &= 0x07;
	} else {
		goto bad;
	}
	if (len < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return n;
bad:
	*bad = true;
	*cp = REPLACEMENT;
	return 1;
}

size_t sayso_utf8_put(unsigned long cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t sayso_utf8_bad_at(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned long cp;
		bool bad;
		size_t n = sayso_utf8_next(u + i, len - i, &cp, &bad);
		if (bad || cp == 0)
			return i;
		i += n;
	}
	return len;
}

size_t sayso_utf8_boundary(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

size_t sayso_utf8_count(const char *s)
{
	size_t n = 0;
	if (!s)
		return 0;
	size_t len = strlen(s);
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len; n++) {
		unsigned long cp;
		bool bad;
		i += sayso_utf8_next(u + i, len - i, &cp, &bad);
	}
	return n;
}

size_t sayso_strlcpy_utf8(char *dst, const char *src, size_t dstsz)
{
	if (dstsz == 0)
		return 0;
	if (!src)
		src = "";
	size_t n = strlen(src);
	if (n >= dstsz)
		n = sayso_utf8_boundary(src, dstsz - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

bool sayso_utf8_invisible(unsigned long cp)
{
	return cp == 0x00AD || cp == 0x180E || cp == 0x200B || cp == 0x200E ||
	       cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

unsigned long sayso_utf8_fold(unsigned long cp)
{
	/* U+00C0..U+017F: the base letter, '-' for none (Æ, ß, Œ, ...). */
	static const char base[] = "aaaaaa-ceeeeiiiidnooooo-ouuuuy--"
				   "aaaaaa-ceeeeiiiidnooooo-ouuuuy-y"
				   "aaaaaaccccccccddddeeeeeeeeeegggg"
				   "gggghhhhiiiiiiiiii--jjkk-lllllll"
				   "lllnnnnnn---oooooo--rrrrrrssssss"
				   "ssttttttuuuuuuuuuuuuwwyyyzzzzzz-";
	if (cp >= 'A' && cp <= 'Z')
		return cp + ('a' - 'A');
	if (cp >= 0xC0 && cp <= 0x17F && base[cp - 0xC0] != '-')
		return (unsigned long)(unsigned char)base[cp - 0xC0];
	return cp;
}

size_t sayso_utf8_clean(const char *src, char *dst, size_t dstsz,
			unsigned flags)
{
	const unsigned char *u = (const unsigned char *)(src ? src : "");
	size_t len = strlen((const char *)u), o = 0, i = 0;

	if (dstsz == 0)
		return 0;
	while (i < len) {
		unsigned long cp;
		bool bad = false;
		char enc[SAYSO_UTF8_MAX];
		size_t n = sayso_utf8_next(u + i, len - i, &cp, &bad), k;

		if (flags & SAYSO_UTF8_TERMINAL) {
			if (cp == '\t' || cp == '\n' || cp == '\r')
				cp = ' ';
			else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
				 (cp >= 0x202A && cp <= 0x202E) ||
				 (cp >= 0x2066 && cp <= 0x2069)) {
				i += n;
				continue;
			}
		}
		k = sayso_utf8_put(cp, enc);
		if (o + k >= dstsz)
			break;
		memcpy(dst + o, enc, k);
		o += k;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

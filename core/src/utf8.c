/*
 * utf8.c: the UTF-8 primitives every text path of the core shares (SMS
 * grammar, GSM-7 counting, bounded copies of residents' text). Decoding never
 * fails: bad bytes become U+FFFD one at a time, so junk from a modem or a
 * webhook cannot derail a parser.
 */
#include <string.h>

#include "internal.h"

#define REPLACEMENT 0xFFFDUL

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

size_t sayso_strlcpy_utf8(char *dst, const char *src, size_t dstsz)
{
	if (dstsz == 0)
		return 0;
	if (!src)
		src = "";
	size_t n = strlen(src);
	if (n >= dstsz) {
		n = dstsz - 1;
		/* Do not cut a multi-byte sequence: back up over continuation
		 * bytes, then drop the lead byte they belonged to. */
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

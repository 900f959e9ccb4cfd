/*
 * gsm7.c: GSM 03.38 / UCS-2 detection, counting, folding, splitting.
 *
 * Everything walks the UTF-8 input one code point at a time with a strict
 * decoder (invalid bytes are U+FFFD, one byte each), so a part boundary can
 * only fall between code points: an ESC pair is one code point (the euro
 * sign, '{', ...) and a surrogate pair is one code point (an emoji), so
 * neither can ever be split. The segment count is computed by packing code
 * points into parts exactly as the splitter does, which is why a text of
 * 152 septets + a euro sign needs two parts of a 153-septet message.
 */
#include <string.h>
#include "internal.h"
#include "sayso/gsm7.h"

#define REPLACEMENT 0xFFFDUL

/* Decodes one code point at s[0..len) (see sayso_utf8_next). */
static size_t utf8_next(const unsigned char *s, size_t len, unsigned long *cp)
{
	bool bad;

	return sayso_utf8_next(s, len, cp, &bad);
}

/* The non-ASCII characters of the GSM 03.38 basic table. */
static const unsigned short gsm_basic_extra[] = {
    0x00A1, 0x00A3, 0x00A4, 0x00A5, 0x00A7, 0x00BF, 0x00C4, 0x00C5,
    0x00C6, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00D8, 0x00DC, 0x00DF,
    0x00E0, 0x00E4, 0x00E5, 0x00E6, 0x00E8, 0x00E9, 0x00EC, 0x00F1,
    0x00F2, 0x00F6, 0x00F8, 0x00F9, 0x00FC, 0x0393, 0x0394, 0x0398,
    0x039B, 0x039E, 0x03A0, 0x03A3, 0x03A6, 0x03A8, 0x03A9,
};

int sayso_gsm7_cost(unsigned long cp)
{
	size_t i;

	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp == '\f' || cp == '^' || cp == '{' || cp == '}' || cp == '\\' ||
	    cp == '[' || cp == '~' || cp == ']' || cp == '|' || cp == 0x20AC)
		return 2;
	if (cp >= 0x20 && cp <= 0x7E)
		return cp == '`' ? 0 : 1;
	for (i = 0; i < sizeof(gsm_basic_extra) / sizeof(gsm_basic_extra[0]);
	     i++)
		if (gsm_basic_extra[i] == cp)
			return 1;
	return 0;
}

/* Units cp costs in the chosen encoding. */
static size_t unit_cost(unsigned long cp, bool gsm7)
{
	if (gsm7)
		return (size_t)sayso_gsm7_cost(cp);
	return cp >= 0x10000 ? 2 : 1;
}

bool sayso_gsm7_encodable(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, n;

	if (!s)
		return true;
	while (i < len) {
		n = utf8_next(p + i, len - i, &cp);
		if (sayso_gsm7_cost(cp) == 0)
			return false;
		i += n;
	}
	return true;
}

void sayso_gsm7_count(const char *s, size_t len, struct sayso_sms_count *c)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, n, u, fill = 0, parts = 1, single, part;

	memset(c, 0, sizeof(*c));
	if (!s)
		len = 0;
	c->gsm7 = sayso_gsm7_encodable(s, len);
	single = c->gsm7 ? SAYSO_GSM7_SINGLE : SAYSO_UCS2_SINGLE;
	part = c->gsm7 ? SAYSO_GSM7_PART : SAYSO_UCS2_PART;
	while (i < len) {
		n = utf8_next(p + i, len - i, &cp);
		u = unit_cost(cp, c->gsm7);
		c->chars++;
		c->units += u;
		if (fill + u > part) {
			parts++;
			fill = 0;
		}
		fill += u;
		i += n;
	}
	if (c->units <= single) {
		c->segments = 1;
		c->remaining = single - c->units;
	} else {
		c->segments = parts;
		c->remaining = part - fill;
	}
}

/* The ASCII replacement of a smart punctuation code point, "" to remove it,
 * or NULL to keep it. */
static const char *fold_one(unsigned long cp)
{
	switch (cp) {
	case 0x2018:
	case 0x2019:
	case 0x201A:
	case 0x201B:
	case 0x2032:
	case 0x00B4:
	case '`':
		return "'";
	case 0x201C:
	case 0x201D:
	case 0x201E:
	case 0x201F:
	case 0x2033:
	case 0x00AB:
	case 0x00BB:
		return "\"";
	case 0x2010:
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2015:
	case 0x2212:
		return "-";
	case 0x2026:
		return "...";
	case 0x2022:
	case 0x00B7:
		return "*";
	case 0x00A0:
	case 0x2000:
	case 0x2001:
	case 0x2002:
	case 0x2003:
	case 0x2004:
	case 0x2005:
	case 0x2006:
	case 0x2007:
	case 0x2008:
	case 0x2009:
	case 0x200A:
	case 0x202F:
	case 0x205F:
	case 0x3000:
		return " ";
	default:
		return sayso_utf8_invisible(cp) ? "" : NULL;
	}
}

size_t sayso_gsm7_fold(const char *s, size_t len, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, n, total = 0, w = 0, k;
	const char *rep;
	char buf[4];
	bool full = false;

	if (!s)
		len = 0;
	while (i < len) {
		n = utf8_next(p + i, len - i, &cp);
		rep = fold_one(cp);
		if (rep) {
			k = strlen(rep);
			memcpy(buf, rep, k);
		} else if (cp == REPLACEMENT && n == 1) {
			k = sayso_utf8_put(cp, buf);
		} else {
			k = n;
			memcpy(buf, p + i, n);
		}
		/* Whole characters only: once one does not fit, stop writing
		 * (but keep counting) so the output ends at a boundary. */
		if (!full && outsz > 0 && w + k < outsz) {
			memcpy(out + w, buf, k);
			w += k;
		} else {
			full = true;
		}
		total += k;
		i += n;
	}
	if (outsz > 0)
		out[w] = '\0';
	return total;
}

/* A code point that must stay attached to the one before it. */
static bool is_attached(unsigned long cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || cp == 0x200D ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) ||
	       (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
	       (cp >= 0x20D0 && cp <= 0x20FF) ||
	       (cp >= 0xE0020 && cp <= 0xE007F);
}

static bool is_break_space(unsigned long cp)
{
	return cp == ' ' || cp == '\n' || cp == '\r' || cp == '\t';
}

/* Bytes at s[0..len) that are break spaces, from the start. */
static size_t skip_spaces(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len && is_break_space(s[i]))
		i++;
	return i;
}

/* Trims trailing break spaces of s[off..off+len). */
static size_t rtrim_len(const unsigned char *s, size_t off, size_t len)
{
	while (len > 0 && is_break_space(s[off + len - 1]))
		len--;
	return len;
}

/*
 * Finds the end of the next part starting at start: the largest prefix of at
 * most limit units, cut after a word when possible. *next gets where the
 * following part starts. Returns the part length in bytes (trailing spaces
 * removed).
 */
static size_t next_part(const unsigned char *p, size_t len, size_t start,
			size_t limit, bool gsm7, size_t *next)
{
	unsigned long cp, cp2;
	size_t i = start, n, fill = 0, u;
	size_t last_space = 0, fit_end = start;
	bool have_space = false;

	while (i < len) {
		n = utf8_next(p + i, len - i, &cp);
		u = unit_cost(cp, gsm7);
		if (fill + u > limit)
			break;
		if (is_break_space(cp) && i > start) {
			last_space = i;
			have_space = true;
		}
		fill += u;
		i += n;
		fit_end = i;
	}
	if (i >= len) {
		*next = len;
		return rtrim_len(p, start, len - start);
	}
	/* The next character may itself be a space: a clean break. */
	n = utf8_next(p + i, len - i, &cp);
	if (is_break_space(cp)) {
		*next = i + skip_spaces(p + i, len - i);
		return rtrim_len(p, start, i - start);
	}
	if (have_space && rtrim_len(p, start, last_space - start) > 0) {
		*next =
		    last_space + skip_spaces(p + last_space, len - last_space);
		return rtrim_len(p, start, last_space - start);
	}
	/* A word longer than a part: cut between code points, but not before
	 * a combining mark or joiner. Walk back over such boundaries. */
	{
		size_t cut = fit_end, j, best = start;

		/* Collect the boundaries in [start, fit_end] and take the
		 * last one not followed by an attached code point. */
		j = start;
		while (j < fit_end) {
			n = utf8_next(p + j, len - j, &cp2);
			j += n;
			if (j < len) {
				utf8_next(p + j, len - j, &cp);
				if (!is_attached(cp))
					best = j;
			}
		}
		if (best > start)
			cut = best;
		*next = cut;
		return cut - start;
	}
}

enum sayso_err sayso_gsm7_split(const char *s, size_t len, bool concatenated,
				struct sayso_sms_part *parts, size_t max_parts,
				size_t *nparts)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sayso_sms_count c;
	size_t limit, start, next, plen, np = 0;

	if (nparts)
		*nparts = 0;
	if ((!s && len > 0) || !parts || !nparts || max_parts == 0)
		return SAYSO_ERR_INVAL;
	sayso_gsm7_count(s, len, &c);
	if (c.segments == 1) {
		parts[0].off = 0;
		parts[0].len = len;
		*nparts = 1;
		return SAYSO_OK;
	}
	if (concatenated)
		limit = c.gsm7 ? SAYSO_GSM7_PART : SAYSO_UCS2_PART;
	else
		limit = c.gsm7 ? SAYSO_GSM7_SINGLE : SAYSO_UCS2_SINGLE;
	start = skip_spaces(p, len);
	while (start < len) {
		plen = next_part(p, len, start, limit, c.gsm7, &next);
		if (np == max_parts) {
			*nparts = np;
			return SAYSO_ERR_TOOBIG;
		}
		parts[np].off = start;
		parts[np].len = plen;
		np++;
		if (next <= start) /* cannot happen; never loop forever */
			next = start + 1;
		start = next;
	}
	*nparts = np;
	return SAYSO_OK;
}

/* Whether cp ends a clause: trimmed before the ellipsis. */
static bool is_trailing_punct(unsigned char ch)
{
	return ch == ',' || ch == ';' || ch == ':' || ch == '-' || ch == ' ' ||
	       ch == '\n' || ch == '\r' || ch == '\t' || ch == '(';
}

enum sayso_err sayso_gsm7_truncate(const char *s, size_t len, size_t max_units,
				   char *out, size_t outsz, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sayso_sms_count c;
	unsigned long cp, cp2;
	size_t i = 0, n, u, fill = 0, budget, cut = 0, word_cut = 0;
	size_t word_units = 0, ell_len;
	const char *ell;

	if (outlen)
		*outlen = 0;
	if (!out || (!s && len > 0) || max_units < 4)
		return SAYSO_ERR_INVAL;
	if (outsz > 0)
		out[0] = '\0';
	sayso_gsm7_count(s, len, &c);
	if (c.units <= max_units) {
		if (len + 1 > outsz)
			return SAYSO_ERR_TOOBIG;
		if (len > 0)
			memcpy(out, s, len);
		out[len] = '\0';
		if (outlen)
			*outlen = len;
		return SAYSO_OK;
	}
	if (c.gsm7) {
		ell = "...";
		budget = max_units - 3;
	} else {
		ell = "\xE2\x80\xA6"; /* U+2026 */
		budget = max_units - 1;
	}
	ell_len = strlen(ell);
	while (i < len) {
		n = utf8_next(p + i, len - i, &cp);
		u = unit_cost(cp, c.gsm7);
		if (fill + u > budget)
			break;
		if (is_break_space(cp)) {
			word_cut = i;
			word_units = fill;
		}
		fill += u;
		i += n;
		/* A boundary before an attached code point is no boundary. */
		if (i < len) {
			utf8_next(p + i, len - i, &cp2);
			if (is_attached(cp2))
				continue;
		}
		cut = i;
	}
	/* The next character is a space: the whole word fits. */
	if (i < len && i == cut) {
		utf8_next(p + i, len - i, &cp);
		if (is_break_space(cp)) {
			word_cut = i;
			word_units = fill;
		}
	}
	if (word_cut > 0 && word_units * 3 >= budget * 2)
		cut = word_cut;
	while (cut > 0 && is_trailing_punct(p[cut - 1]))
		cut--;
	if (cut + ell_len + 1 > outsz)
		return SAYSO_ERR_TOOBIG;
	memcpy(out, s, cut);
	memcpy(out + cut, ell, ell_len);
	out[cut + ell_len] = '\0';
	if (outlen)
		*outlen = cut + ell_len;
	return SAYSO_OK;
}

enum sayso_err sayso_gsm7_fit_one(const char *s, size_t len, char *out,
				  size_t outsz, size_t *outlen)
{
	size_t max = sayso_gsm7_encodable(s, len) ? SAYSO_GSM7_SINGLE
						  : SAYSO_UCS2_SINGLE;

	return sayso_gsm7_truncate(s, len, max, out, outsz, outlen);
}

enum sayso_err sayso_gsm7_to_ucs2be(const char *s, size_t len,
				    unsigned char *out, size_t outsz,
				    size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp, hi, lo;
	size_t i = 0, n, w = 0;

	if (outlen)
		*outlen = 0;
	if ((!s && len > 0) || !out || !outlen)
		return SAYSO_ERR_INVAL;
	while (i < len) {
		n = utf8_next(p + i, len - i, &cp);
		if (cp >= 0x10000) {
			if (w + 4 > outsz)
				return SAYSO_ERR_TOOBIG;
			hi = 0xD800 + ((cp - 0x10000) >> 10);
			lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);
			out[w++] = (unsigned char)(hi >> 8);
			out[w++] = (unsigned char)(hi & 0xFF);
			out[w++] = (unsigned char)(lo >> 8);
			out[w++] = (unsigned char)(lo & 0xFF);
		} else {
			if (w + 2 > outsz)
				return SAYSO_ERR_TOOBIG;
			out[w++] = (unsigned char)(cp >> 8);
			out[w++] = (unsigned char)(cp & 0xFF);
		}
		i += n;
	}
	*outlen = w;
	return SAYSO_OK;
}

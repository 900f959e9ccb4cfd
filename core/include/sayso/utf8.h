/*
 * utf8.h: the one UTF-8 codec of sayso, for the core and the programs.
 *
 * Decoding never fails: an invalid, overlong, surrogate or truncated sequence
 * gives U+FFFD and consumes one byte, so junk from a modem, a webhook or a
 * .pb file cannot derail a parser, and every caller resynchronises the same
 * way. Nothing here allocates; all functions are thread-safe.
 */
#ifndef SAYSO_UTF8_H
#define SAYSO_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#define SAYSO_UTF8_REPLACEMENT 0xFFFDUL
#define SAYSO_UTF8_MAX 4 /* bytes of one encoded code point */

/* Decodes one code point at s[0..len): returns the bytes consumed (0 only
 * when len is 0, with *cp = 0). Bad input gives U+FFFD, consumes one byte and
 * sets *bad (bad must not be NULL). */
size_t sayso_utf8_next(const unsigned char *s, size_t len, unsigned long *cp,
		       bool *bad);

/* Encodes cp (<= 0x10FFFF) as UTF-8 into out (>= SAYSO_UTF8_MAX bytes, not
 * NUL-terminated). Returns the length, 1 to 4. */
size_t sayso_utf8_put(unsigned long cp, char *out);

/* Offset of the first byte of s[0..len) that is not clean UTF-8 (a bad
 * sequence as above, or a NUL byte); len when all of it is clean. */
size_t sayso_utf8_bad_at(const char *s, size_t len);

/* The largest n' <= n that does not cut a multi-byte sequence of s: backs up
 * over continuation bytes at s[n'] (s must have at least n readable bytes,
 * plus s[n] when n > 0 and it is read). */
size_t sayso_utf8_boundary(const char *s, size_t n);

/* Number of code points in the NUL-terminated s (continuation bytes are not
 * counted; each bad byte counts as one). NULL counts 0. */
size_t sayso_utf8_count(const char *s);

/* Copies src (NULL is "") into dst (dstsz > 0), truncating at a UTF-8
 * boundary; always NUL-terminates. Returns the bytes copied. */
size_t sayso_strlcpy_utf8(char *dst, const char *src, size_t dstsz);

/* Options of sayso_utf8_clean(). */
enum {
	/* For a terminal: also drop control characters, C0 (ESC included),
	 * DEL and C1 (U+0080-U+009F), and the bidi embeddings, overrides and
	 * isolates (U+202A-U+202E, U+2066-U+2069) that reorder what follows;
	 * a tab or a line break becomes one space. */
	SAYSO_UTF8_TERMINAL = 1u,
};

/*
 * Copies src (NULL is "") into dst (dstsz > 0, always NUL-terminated, cut at
 * a code point) with every invalid sequence replaced by U+FFFD, so JSON and
 * HTML writers never have to drop a value; flags SAYSO_UTF8_TERMINAL also
 * makes it safe to print. dstsz = 3 * strlen(src) + 1 always holds all of
 * it. Returns the bytes written (without the NUL).
 */
size_t sayso_utf8_clean(const char *src, char *dst, size_t dstsz,
			unsigned flags);

/*
 * Whether cp is an invisible formatting character that text cleaners drop:
 * soft hyphen U+00AD, Mongolian vowel separator U+180E, zero width space
 * U+200B, the direction marks U+200E/U+200F and embeddings U+202A-U+202E,
 * word joiner and invisible operators U+2060-U+2064, isolates U+2066-U+2069,
 * and the BOM U+FEFF. The joiners U+200C/U+200D are NOT in it: they are part
 * of emoji sequences and scripts that need them. One table for the whole
 * tree (SMS grammar, GSM-7 folding, phone numbers).
 */
bool sayso_utf8_invisible(unsigned long cp);

/* For search: cp in lower case and, for a Latin letter of Latin-1
 * Supplement or Latin Extended-A, without its diacritics ("Ł" and "ą" fold
 * to "l" and "a", "Ŵ" to "w"), so a resident typing "lak" or "łąk" finds
 * "Łąkowa". Anything else is returned as it is. */
unsigned long sayso_utf8_fold(unsigned long cp);

#endif

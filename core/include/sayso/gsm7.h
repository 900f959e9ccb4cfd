/*
 * gsm7.h: SMS encodings and lengths (GSM 03.38 7-bit default alphabet and
 * UCS-2/UTF-16), for composing replies that fit and cost what we expect.
 *
 * A text is sent as GSM-7 when every character is in the basic table (1
 * septet) or the extension table (ESC + code: 2 septets: form feed ^ { } \ [
 * ~ ] | and the euro sign); one other character switches the whole message to
 * UCS-2, counted in UTF-16 units (a character outside the BMP, most emoji, is
 * a surrogate pair: 2 units). One message holds 160 septets or 70 units; a
 * concatenated message spends 6 bytes of header per part, leaving 153 septets
 * or 67 units, and a part never ends in the middle of an ESC pair or a
 * surrogate pair (that part is one unit shorter).
 *
 * Replies should first go through sayso_gsm7_fold(), which maps smart
 * punctuation to ASCII (what Twilio's SmartEncoded does) so that "it's
 * £5 – thanks…" stays GSM-7. Nothing else is folded: letters such as
 * w-circumflex or Polish l-stroke stay and make the text UCS-2, which every
 * phone shows.
 *
 * All functions take UTF-8 with an explicit length, never allocate, and treat
 * invalid UTF-8 bytes as U+FFFD (one non-GSM character each): they never fail
 * on content, only on buffer sizes.
 */
#ifndef SAYSO_GSM7_H
#define SAYSO_GSM7_H

#include <stdbool.h>
#include <stddef.h>
#include "sayso/err.h"

#define SAYSO_GSM7_SINGLE 160 /* septets in one GSM-7 message */
#define SAYSO_GSM7_PART 153   /* septets per part of a concatenated one */
#define SAYSO_UCS2_SINGLE 70  /* UTF-16 units in one UCS-2 message */
#define SAYSO_UCS2_PART 67    /* UTF-16 units per concatenated part */

struct sayso_sms_count {
	bool gsm7;	  /* true: GSM-7; false: UCS-2 */
	size_t chars;	  /* Unicode code points (invalid bytes count 1) */
	size_t units;	  /* septets (GSM-7) or UTF-16 units (UCS-2) */
	size_t segments;  /* messages billed: 1 when units fit in one
			   * message (an empty text is 1), else the number
			   * of 153/67 parts, pairs kept whole */
	size_t remaining; /* units still free in the last segment */
};

/*
 * Whether every character of the len bytes at s is in the GSM 03.38 basic or
 * extension table. Does not fold: call sayso_gsm7_fold() first for replies.
 * An empty text is encodable.
 */
bool sayso_gsm7_encodable(const char *s, size_t len);

/* Septets one code point costs in GSM-7: 1 (basic), 2 (extension) or 0 when
 * it is not encodable. */
int sayso_gsm7_cost(unsigned long cp);

/* Fills *c for the len bytes at s (encoding chosen as a sender would: GSM-7
 * when encodable, else UCS-2). s may be NULL when len is 0. */
void sayso_gsm7_count(const char *s, size_t len, struct sayso_sms_count *c);

/*
 * Copies s to out mapping smart punctuation to ASCII: U+2018 U+2019 U+201A
 * U+201B U+2032 U+00B4 and the backtick to ', U+201C U+201D U+201E U+201F
 * U+2033 U+00AB U+00BB to ", U+2010..U+2015 and U+2212 to -, U+2026 to ...,
 * U+2022 and U+00B7 to *, NBSP and the other Unicode spaces to a space, and
 * removes the invisible characters of sayso_utf8_invisible() (U+200B, U+2060,
 * U+FEFF, soft hyphen, direction marks...; ZWJ/ZWNJ stay: emoji and scripts
 * need them). Invalid bytes are copied as U+FFFD. The result is never longer
 * than the input (plus 2 bytes per invalid byte): outsz >= 3 * len + 1 always
 * suffices, and for valid UTF-8 len + 1 does. Always NUL-terminates when outsz
 * > 0. Returns the length of the complete result (snprintf style: >= outsz
 * means it was cut, at a UTF-8 boundary).
 */
size_t sayso_gsm7_fold(const char *s, size_t len, char *out, size_t outsz);

/* One part of a split text: bytes [off, off + len) of the input. */
struct sayso_sms_part {
	size_t off;
	size_t len;
};

/*
 * Splits the len bytes at s into at most max_parts parts, breaking after a
 * space or newline (the break space itself is left out of both parts) and
 * only inside a word when a word is longer than a part; never inside a
 * UTF-8 sequence (so never inside an ESC pair or a surrogate pair), never
 * before a combining mark, variation selector, ZWJ or skin-tone modifier.
 * The encoding is decided once for the whole text. When the text fits one
 * message it is one part. Otherwise each part holds at most 153 septets / 67
 * units when concatenated is true (parts sent as one concatenated SMS by the
 * provider) or 160 / 70 when false (parts sent as separate messages).
 * Returns SAYSO_OK with *nparts set; SAYSO_ERR_TOOBIG when the text needs
 * more than max_parts (parts[0..max_parts-1] are still filled with the
 * beginning of the text, so the caller may send them and add "..."), and
 * SAYSO_ERR_INVAL for NULL arguments or max_parts 0.
 */
enum sayso_err sayso_gsm7_split(const char *s, size_t len, bool concatenated,
				struct sayso_sms_part *parts, size_t max_parts,
				size_t *nparts);

/*
 * Copies s to out cut so that it costs at most max_units in its own encoding
 * (septets when s is GSM-7 encodable, else UTF-16 units), at a word boundary
 * when one is in the last third, else at a character boundary, with an
 * ellipsis appended when cut ("..." in GSM-7, U+2026 in UCS-2; it counts
 * within max_units). Text that fits is copied unchanged. Use it to abbreviate
 * project titles (max_units 20) or to fit one message (sayso_gsm7_fit_one).
 * outsz >= len + 4 always suffices. Returns SAYSO_OK, SAYSO_ERR_TOOBIG when
 * out is too small (out gets ""), SAYSO_ERR_INVAL for NULL out or max_units
 * < 4. *outlen (may be NULL) receives the length written.
 */
enum sayso_err sayso_gsm7_truncate(const char *s, size_t len, size_t max_units,
				   char *out, size_t outsz, size_t *outlen);

/* sayso_gsm7_truncate() to one message: 160 septets or 70 units. */
enum sayso_err sayso_gsm7_fit_one(const char *s, size_t len, char *out,
				  size_t outsz, size_t *outlen);

/*
 * Converts UTF-8 to UTF-16BE bytes, no BOM (what Kannel's sendsms expects
 * with coding=2 and charset=UTF-16BE, and what the SMSC calls UCS-2; a
 * character outside the BMP becomes a surrogate pair). Invalid bytes become
 * U+FFFD. outsz >= 2 * len always suffices. Returns SAYSO_OK with *outlen
 * bytes written, SAYSO_ERR_TOOBIG when out is too small (nothing useful
 * written), SAYSO_ERR_INVAL for NULL arguments.
 */
enum sayso_err sayso_gsm7_to_ucs2be(const char *s, size_t len,
				    unsigned char *out, size_t outsz,
				    size_t *outlen);

#endif

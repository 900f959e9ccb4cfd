/*
 * webhook.h: decoding what providers send us, with no I/O.
 *
 * Form decoding (application/x-www-form-urlencoded, the body of a Twilio
 * webhook and the query of a Kannel get-url), the X-Twilio-Signature check
 * and the smstools3 incoming-file parser. Pure functions over bounded
 * buffers, so the unit tests and the libFuzzer harness call them directly.
 */
#ifndef SMSGW_WEBHOOK_H
#define SMSGW_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/sms.h"

#define SMSGW_FORM_MAX_PARAMS 256  /* parameters per request */
#define SMSGW_FORM_MAX_BYTES 65536 /* decoded bytes per request */

struct smsgw_param {
	char *name;  /* decoded, NUL-terminated, owned by the form */
	char *value; /* decoded, may contain NUL bytes if sent %00 */
	size_t valuelen;
};

struct smsgw_form {
	struct smsgw_param *p;
	size_t n;
	size_t cap;
};

/*
 * Decodes a form-encoded string of len bytes ('+' is a space, %XX a byte,
 * a malformed %-sequence is kept literally, a name without '=' has an empty
 * value) and appends its parameters to f (zero it first). SAYSO_ERR_TOOBIG
 * beyond SMSGW_FORM_MAX_PARAMS parameters or SMSGW_FORM_MAX_BYTES bytes,
 * SAYSO_ERR_NOMEM. On error f keeps what was decoded; free it either way.
 */
enum sayso_err smsgw_form_parse(const char *s, size_t len,
				struct smsgw_form *f);

/* Appends one already-decoded parameter (copies both). */
enum sayso_err smsgw_form_add(struct smsgw_form *f, const char *name,
			      const char *value, size_t valuelen);

/* The first value of name, or NULL. Valid until the form is freed. */
const char *smsgw_form_get(const struct smsgw_form *f, const char *name);

/* Frees the parameters; f is left empty and reusable. */
void smsgw_form_free(struct smsgw_form *f);

/*
 * The X-Twilio-Signature for url and the POST parameters of f:
 * base64(HMAC-SHA1(token, url + name1 + value1 + ...)) with names sorted by
 * byte order, values of a repeated name sorted and de-duplicated (as
 * Twilio's own SDKs do). out >= 29 bytes. SAYSO_ERR_CRYPTO, SAYSO_ERR_TOOBIG.
 */
enum sayso_err smsgw_twilio_sign(const char *token, const char *url,
				 const struct smsgw_form *f, char *out,
				 size_t outsz);

/*
 * Whether header is a valid signature of the request, compared in constant
 * time. Besides url as given it accepts url with the default port (:443 /
 * :80) added or removed, since Twilio is inconsistent about it. A NULL or
 * empty token, url or header never validates.
 */
bool smsgw_twilio_verify(const char *token, const char *url,
			 const struct smsgw_form *f, const char *header);

/* One message decoded from a provider, before it is stored. */
struct smsgw_msgin {
	char provider_id[128]; /* "" = none (derived from content) */
	char from[64];	       /* as sent: 447..., +447..., 07... */
	char to[64];
	char body[SAYSO_SMS_BODY_MAX + 1]; /* UTF-8, truncated at a boundary */
	bool truncated;	 /* the body was longer than SAYSO_SMS_BODY_MAX */
	int64_t sent_ms; /* provider timestamp, 0 if none */
};

/*
 * Kannel get-url query: from, to, text, id, ts (%p %P %a %I %T). Also reads
 * coding/charset when a deployment forgot mo-recode and the text arrives as
 * UTF-16BE (coding=2). SAYSO_ERR_INVAL when from is missing,
 * SAYSO_ERR_TOOBIG when id is 128 bytes or more (ids are never cut).
 */
enum sayso_err smsgw_kannel_decode(const struct smsgw_form *q,
				   struct smsgw_msgin *m);

/* Whether sid is a Twilio message SID: ^(SM|MM)[0-9a-f]{32}$. The signature
 * concatenates names and values without separators, so a SID with the next
 * parameter folded into it ("SM...NumMedia0") still verifies: the shape is
 * what refuses it. */
bool smsgw_twilio_sid_valid(const char *sid);

/*
 * Twilio webhook or REST message fields (MessageSid, From, To, Body).
 * SAYSO_ERR_INVAL when MessageSid or From is missing, or MessageSid is not
 * a message SID (smsgw_twilio_sid_valid); the SID is the inbox key as is.
 */
enum sayso_err smsgw_twilio_decode(const struct smsgw_form *f,
				   struct smsgw_msgin *m);

/*
 * An smstools3 incoming file of len bytes: "Name: value" header lines, an
 * empty line, then the body. Honours Alphabet: (UTF-8, ISO-8859-15 (also
 * the default), GSM (stored as ISO by smsd), UCS2 (raw UTF-16BE), binary
 * refused) and tolerates unknown headers and a leading "Warning:" line.
 * SAYSO_ERR_PARSE with *why (static) when there is no From header, no blank
 * line, or the alphabet is binary.
 */
enum sayso_err smsgw_spool_parse(const char *data, size_t len,
				 struct smsgw_msgin *m, const char **why);

/*
 * Converts bytes in a charset to UTF-8 in out (NUL-terminated, truncated at
 * a character boundary; *truncated says so). charset: "UTF-8",
 * "ISO-8859-15" (also Latin-1), "UTF-16BE". Invalid UTF-8 bytes and
 * unpaired surrogates become U+FFFD; NUL and every other control character
 * become a space (core's sayso_smsparse_fold_control, the one rule).
 */
void smsgw_to_utf8(const char *charset, const unsigned char *in, size_t len,
		   char *out, size_t outsz, bool *truncated);

/* Builds an smstools3 outgoing file: "To: 447...\nAlphabet: UTF-8\n\n" +
 * body, no trailing newline. Returns the length, or 0 if it does not fit. */
size_t smsgw_spool_format(const char *to_e164, const char *body, char *out,
			  size_t outsz);

#endif

/*
 * identity.h: who a resident is, without knowing their number.
 *
 * A resident is HMAC-SHA256(site secret, kind ":" normalised value) in lower
 * case hex (64 chars). The normalised value is a UK mobile in E.164 (+447...)
 * or a voter code (upper case, no spaces). The phone number itself is never
 * stored outside the pending-reply outbox.
 */
#ifndef SAYSO_IDENTITY_H
#define SAYSO_IDENTITY_H

#include <stddef.h>
#include "sayso/err.h"
#include "sayso/reason.h"

#define SAYSO_SECRET_LEN 32
#define SAYSO_RESIDENT_ID_LEN 64 /* hex chars, without the terminating NUL */
#define SAYSO_E164_MAX 16	 /* "+447xxxxxxxxx" + NUL fits */
#define SAYSO_VOTER_CODE_MAX 32

enum sayso_id_kind {
	SAYSO_ID_PHONE,
	SAYSO_ID_CODE,
};

/*
 * Normalises a UK mobile number written any common way (07..., +44 7...,
 * 0044..., 447..., spaces, dashes, dots, "(0)", non-breaking spaces) to E.164
 * "+447xxxxxxxxx" in out (outsz >= SAYSO_E164_MAX).
 * Returns SAYSO_OK, or SAYSO_ERR_INVAL with a plain-English reason in *why
 * (static string; "that looks like a landline", "070 numbers are personal
 * numbers, not mobiles", ...). why may be NULL.
 */
enum sayso_err sayso_phone_normalise(const char *in, char *out, size_t outsz,
				     const char **why);

/* "+447700900456" -> "447700900456" (Kannel, smsd want no plus). */
const char *sayso_phone_without_plus(const char *e164);

/* Writes a masked copy for logs: "+44770090****". outsz >= SAYSO_E164_MAX. */
void sayso_mask_phone(const char *phone, char *out, size_t outsz);

/*
 * Normalises a voter code: drops spaces and dashes, upper-cases, and checks
 * the alphabet (A-Z, 2-9 without 0/O/1/I ambiguity is not enforced here so old
 * codes still work; only [A-Z0-9]). out >= SAYSO_VOTER_CODE_MAX.
 */
enum sayso_err sayso_code_normalise(const char *in, char *out, size_t outsz,
				    const char **why);

/* The same two checks with the reason as a code (sayso/reason.h) for a
 * program to word in the resident's language; SAYSO_REASON_NONE on success.
 * The functions above return sayso_reason_english() of the same code. */
enum sayso_err sayso_phone_check(const char *in, char *out, size_t outsz,
				 enum sayso_reason *why);
enum sayso_err sayso_code_check(const char *in, char *out, size_t outsz,
				enum sayso_reason *why);

/*
 * Normalises a value that may be either, as typed in a paper batch's
 * code_or_phone column or a --resident option: a value starting with '+' or
 * '0', or of 11 or more digits starting with 44 (after dropping spaces and
 * punctuation), is a phone number (generated codes never start with 0 and
 * have 8 symbols); anything else is a voter code. *kind receives which; out
 * (outsz >= SAYSO_VOTER_CODE_MAX) the normalised value. SAYSO_ERR_INVAL with
 * why (static) as sayso_phone_normalise or sayso_code_normalise says.
 */
enum sayso_err sayso_identity_normalise(const char *in,
					enum sayso_id_kind *kind, char *out,
					size_t outsz, const char **why);

/*
 * Computes the resident id for an already-normalised value. secret is
 * SAYSO_SECRET_LEN bytes. out receives SAYSO_RESIDENT_ID_LEN hex chars + NUL
 * (outsz >= SAYSO_RESIDENT_ID_LEN + 1).
 */
enum sayso_err sayso_resident_id(const unsigned char *secret,
				 enum sayso_id_kind kind,
				 const char *normalised, char *out,
				 size_t outsz);

/* Fills buf with n cryptographically random bytes. */
enum sayso_err sayso_random_bytes(unsigned char *buf, size_t n);

/* The unambiguous alphabet for codes shown to people (no 0 O 1 I L U). */
extern const char SAYSO_CODE_ALPHABET[];

/* Writes a random code of len symbols from SAYSO_CODE_ALPHABET into out
 * (outsz > len). */
enum sayso_err sayso_random_code(char *out, size_t outsz, size_t len);

#endif

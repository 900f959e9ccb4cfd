/*
 * codes.h: voter codes issued for a round, and who may vote in it.
 *
 * A voter code is stored only as its keyed hash (the resident id of the
 * code, sayso_resident_id(SAYSO_ID_CODE)), per round, with a status. A
 * ballot by code counts only for an issued, unused code of that round and
 * marks it used in the ballot's own transaction (sayso_ballot_cast(), which
 * calls sayso_ballot_eligible() inside it). The round's identity setting
 * (round.h) says whether phone numbers, codes or both are accepted.
 */
#ifndef SAYSO_CODES_H
#define SAYSO_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/round.h"
#include "sayso/ballot.h"
#include "sayso/store.h"

/* voter_codes.status */
enum sayso_code_status {
	SAYSO_CODE_ISSUED, /* "issued": may vote once */
	SAYSO_CODE_USED,   /* "used": has voted; stays used after erasure */
	SAYSO_CODE_VOID,   /* "void": cancelled, never votes */
	SAYSO_CODE_TEST,   /* "test": staff trying a kiosk; its ballots are
			      stored as rejected and never counted */
};

/* The schema's text for s; static storage, never NULL. */
const char *sayso_code_status_name(enum sayso_code_status s);
/* The status named s (exact). SAYSO_ERR_INVAL for NULL or other text. */
enum sayso_err sayso_code_status_parse(const char *s,
				       enum sayso_code_status *out);

/*
 * Issues the normalised voter code (sayso_code_normalise) for round_id with
 * status (SAYSO_CODE_ISSUED or SAYSO_CODE_TEST); source is "generate" or
 * "import". Records the resident row (kind code). Needs the site secret.
 * SAYSO_ERR_EXISTS (detail on st) when the code is already recorded for the
 * round; storage errors. Runs in the caller's transaction if one is open.
 */
enum sayso_err sayso_codes_issue(struct sayso_store *st, int64_t round_id,
				 const char *code,
				 enum sayso_code_status status,
				 const char *source);

/*
 * Whether the normalised code is recorded for round_id: *found, and its
 * status. Read only; needs the site secret.
 */
enum sayso_err sayso_codes_lookup(struct sayso_store *st, int64_t round_id,
				  const char *code, bool *found,
				  enum sayso_code_status *status);

/*
 * Cancels the normalised code in round_id (status void) and audits it with
 * actor and why (why non-empty). SAYSO_ERR_NOTFOUND when the code was not
 * issued for the round; SAYSO_ERR_STATE when it is already used (void its
 * ballot instead) or already void. One transaction.
 */
enum sayso_err sayso_codes_void(struct sayso_store *st, int64_t round_id,
				const char *code, const char *actor,
				const char *why);

/* Number of codes of a round by status (index: enum sayso_code_status). */
enum sayso_err sayso_codes_count(struct sayso_store *st, int64_t round_id,
				 int64_t counts[4]);

/* One recorded code for listings: never the code itself. */
struct sayso_code_row {
	int64_t id;
	char hash_prefix[13]; /* first 12 hex chars of the keyed hash */
	enum sayso_code_status status;
	char source[16];
	char created_at[SAYSO_TIME_LEN + 1];
	char changed_at[SAYSO_TIME_LEN + 1];
};

/*
 * The codes of round_id, in issue order; only those with status when
 * any_status is false. *out is malloc'd (caller frees; NULL when *n is 0).
 */
enum sayso_err sayso_codes_list(struct sayso_store *st, int64_t round_id,
				bool any_status, enum sayso_code_status status,
				struct sayso_code_row **out, size_t *n);

/* What a ballot's identity is, as the eligibility check found it. */
struct sayso_eligibility {
	bool ok;      /* may be stored as a vote (else: rejected, why) */
	bool by_code; /* the resident is a voter code recorded for the round */
	bool test;    /* ... with status test: stored, never counted */
	int64_t code_id; /* voter_codes.id when by_code */
	enum sayso_code_status status;
	char why[SAYSO_REASON_MAX]; /* when !ok: a sentence for the
					    resident or organiser */
	enum sayso_reason code;	    /* when !ok: the same as a code, for a
				       program to word (sayso/reason.h) */
};

/*
 * The one decision on who may vote in round r: resident_id (a keyed hash;
 * NULL or "" for imported ballots, always eligible) by channel, with
 * phone_proven true when a kiosk checked the number by a texted code.
 * Refused: voter codes not issued for r (invented, another round's), void
 * codes, used codes whose ballot is gone (erased), codes in a phone round,
 * phone numbers in a code round, unproven phone numbers in a phone+sms round.
 * A used code whose resident has a ballot in r is eligible: the one-vote rule
 * then decides. Read only; runs in the caller's transaction or snapshot.
 */
enum sayso_err
sayso_ballot_eligible(struct sayso_store *st, const struct sayso_round *r,
		      const char *resident_id, enum sayso_channel channel,
		      bool phone_proven, struct sayso_eligibility *out);

/* Marks code_id used (inside the ballot's transaction). */
enum sayso_err sayso_codes_mark_used(struct sayso_store *st, int64_t code_id);

#endif

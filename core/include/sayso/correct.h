/*
 * correct.h: the organiser's corrections to the ballot record.
 *
 * Ballots are never deleted: a voided ballot is kept as rejected with the
 * reason "void: ...", the one-vote rule is re-applied to the round (so a
 * resident's other ballot may count in its place), and the audit log gets
 * the actor and the reason. Round and project edits are in round.h.
 */
#ifndef SAYSO_CORRECT_H
#define SAYSO_CORRECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/ballot.h"
#include "sayso/err.h"
#include "sayso/store.h"

#define SAYSO_PICKS_TEXT_MAX 1024

/* One stored ballot, for listings. */
struct sayso_ballot_row {
	int64_t id;
	char uid[SAYSO_UID_LEN + 1];
	enum sayso_channel channel;
	char device[64];
	char cast_at[SAYSO_TIME_LEN + 1];
	enum sayso_ballot_status status;
	char reason[SAYSO_REASON_MAX];
	char picks[SAYSO_PICKS_TEXT_MAX]; /* "1,4,7" in ballot order */
};

/*
 * The ballots of round_id in the order stored, only the resident's when
 * resident_id is not NULL. *out is malloc'd (caller frees; NULL when *n is
 * 0). SAYSO_ERR_CORRUPT for a stored status or channel sayso does not know.
 */
enum sayso_err sayso_ballot_list(struct sayso_store *st, int64_t round_id,
				 const char *resident_id,
				 struct sayso_ballot_row **out, size_t *n);

struct sayso_void_result {
	char uid[SAYSO_UID_LEN + 1];
	char round_code[SAYSO_CODE_MAX];
	enum sayso_ballot_status was;
	size_t changed;	    /* other ballots whose status the one-vote rule
			       changed (another ballot now counts) */
	bool code_reissued; /* the voter code may vote again: its only ballot
			       was voided */
};

/*
 * Voids the ballot whose numeric id or uid is id (why non-empty): kept as
 * rejected with "void: why", the round's one-vote rule re-applied, a voter
 * code whose only ballot this was set back to issued, and an audit row with
 * actor and reason; one transaction. SAYSO_ERR_NOTFOUND for no such ballot,
 * SAYSO_ERR_STATE when it is already void or its round was imported,
 * SAYSO_ERR_INVAL without a reason.
 */
enum sayso_err sayso_ballot_void(struct sayso_store *st, const char *id,
				 const char *actor, const char *why,
				 struct sayso_void_result *res);

#endif

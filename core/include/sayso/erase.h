/*
 * erase.h: GDPR erasure of a resident (and whether one is known).
 *
 * sayso never stores who a resident is, only a keyed hash of their phone
 * number or voter code. Erasure breaks that last link: the resident row goes,
 * their ballots are re-labelled with a fresh random pseudonym ("erased-" +
 * uid) so the one-vote rule still sees them as one person's ballots and no
 * tally changes, their ratings and reports lose the link, and anything that
 * could reach them (queued or held SMS with their number, an open SMS
 * conversation) is deleted. After erasure the same phone or code is a new
 * resident: if a round they voted in is still open they could vote again,
 * so erase after the round closes when you can (the admin CLI warns).
 */
#ifndef SAYSO_ERASE_H
#define SAYSO_ERASE_H

#include <stdbool.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/store.h"

#define SAYSO_ERASED_PREFIX "erased-"

struct sayso_erase_result {
	bool found;	  /* anything at all was linked to the resident */
	int64_t ballots;  /* ballots re-labelled */
	int64_t ratings;  /* ratings unlinked */
	int64_t reports;  /* reports unlinked */
	int64_t messages; /* SMS outbox rows deleted (held/queued/sent) */
	int64_t inbox;	  /* SMS inbox rows re-labelled */
	int64_t
	    open_rounds; /* open rounds in which they have a counted ballot */
};

/*
 * Erases resident_id (from sayso_store_resident()) in one transaction and
 * audits it as actor without naming the resident. A resident with nothing
 * linked is not an error: res->found is false and nothing changes.
 * Errors: SAYSO_ERR_INVAL (empty id), storage errors (nothing changed).
 */
enum sayso_err sayso_erase_resident(struct sayso_store *st,
				    const char *resident_id, const char *actor,
				    struct sayso_erase_result *res);

/*
 * Whether resident_id has a resident row (any phone number or code sayso has
 * seen and not erased). `codes generate` uses it so that a new voter code is
 * never one already handed out. Errors: storage errors.
 */
enum sayso_err sayso_resident_known(struct sayso_store *st,
				    const char *resident_id, bool *known);

#endif

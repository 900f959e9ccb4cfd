/*
 * ballot.h: what a valid ballot is, and one vote per resident.
 *
 * Kiosk, SMS and paper ballots all come through sayso_ballot_cast(): the same
 * validation and the same revote policy. The decision and the write happen in
 * one BEGIN IMMEDIATE transaction, so two processes casting for one resident
 * at the same instant still count one ballot (a partial unique index on
 * (round, resident) WHERE status = 'counted' backs this up in the schema).
 *
 * Policy first (default): the first ballot counts; later ones are stored as
 * superseded with a reason. Policy last: the newest counts and the earlier
 * one becomes superseded. Invalid ballots are stored as rejected with the
 * reason, so organisers can see why.
 */
#ifndef SAYSO_BALLOT_H
#define SAYSO_BALLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/round.h"
#include "sayso/store.h"

#define SAYSO_MAX_PICKS 256
#define SAYSO_REASON_MAX 200

/* A stored ballot's status (ballots.status in the schema). At most one
 * counted ballot per (round, resident). */
enum sayso_ballot_status {
	SAYSO_BALLOT_COUNTED,	 /* "counted": in the tally */
	SAYSO_BALLOT_SUPERSEDED, /* "superseded": the resident's other ballot
				    counts (revote policy) */
	SAYSO_BALLOT_REJECTED,	 /* "rejected": invalid; reason says why */
};

/* The schema's text for s ("counted", "superseded", "rejected"). Never
 * NULL; static storage. */
const char *sayso_ballot_status_name(enum sayso_ballot_status s);
/* The status named s (exact, as stored). SAYSO_ERR_INVAL for NULL or any
 * other text (*out unchanged). */
enum sayso_err sayso_ballot_status_parse(const char *s,
					 enum sayso_ballot_status *out);

struct sayso_pick {
	int number; /* project number shown to residents */
	int points; /* 1 for approval/knapsack */
};

enum sayso_cast_outcome {
	SAYSO_CAST_ACCEPTED,	  /* counted */
	SAYSO_CAST_REPLACED,	  /* counted; an earlier ballot was superseded
				     (policy last) */
	SAYSO_CAST_ALREADY_VOTED, /* stored as superseded (policy first) */
	SAYSO_CAST_INVALID,	  /* stored as rejected; reason says why */
};

struct sayso_ballot_in {
	const char *round_code;	 /* NULL/"" = the open round */
	const char *resident_id; /* from sayso_store_resident(); NULL only for
				    imports */
	enum sayso_channel channel;
	const char *device_id; /* NULL = the store's device */
	int64_t cast_at_ms;    /* 0 = now */
	const char *uid;       /* NULL = new; merges pass the original */
	const struct sayso_pick *picks;
	size_t npicks;
	bool phone_proven;  /* a kiosk checked the number with a texted code
			       (rounds with identity phone+sms) */
	const char *reject; /* NULL; merges: store as rejected with this
			       reason (a changed project, an erased resident)
			       whatever the other checks say */
};

struct sayso_cast_result {
	enum sayso_cast_outcome outcome;
	char uid[SAYSO_UID_LEN + 1];
	char reason[SAYSO_REASON_MAX]; /* for INVALID / ALREADY_VOTED */
	struct sayso_refusal refusal;  /* INVALID: the reason as a code (NONE
					  when no code applies) */
	int64_t
	    prev_cast_at_ms; /* ALREADY_VOTED / REPLACED: the other ballot */
	enum sayso_channel prev_channel;
	int64_t total_cost; /* minor units of the picks */
	char round_code[SAYSO_CODE_MAX];
};

/*
 * Checks picks against the round and its projects: round accepting, known
 * numbers, no duplicates, min/max picks, knapsack total <= budget, points
 * rules. Returns SAYSO_OK or SAYSO_ERR_INVAL with a plain-English reason in
 * why ("unknown project 13", "too many picks: max 5", "over budget by
 * £2,500"). Pure: no database access.
 */
enum sayso_err sayso_ballot_validate(const struct sayso_round *r,
				     const struct sayso_project *projects,
				     size_t nprojects,
				     const struct sayso_pick *picks,
				     size_t npicks, int64_t now_ms, char *why,
				     size_t whysz);

/* The same check with the reason as a code and its arguments (sayso/
 * reason.h), for a program to word in the resident's language; why->code is
 * SAYSO_REASON_NONE on SAYSO_OK. sayso_ballot_validate() is this plus
 * sayso_refusal_english(). */
enum sayso_err sayso_ballot_check(const struct sayso_round *r,
				  const struct sayso_project *projects,
				  size_t nprojects,
				  const struct sayso_pick *picks, size_t npicks,
				  int64_t now_ms, struct sayso_refusal *why);

/*
 * Checks who is voting (sayso_ballot_eligible() in codes.h: issued voter
 * codes of this round, the round's identity setting), validates, and stores
 * a ballot under the round's revote policy, marking an issued voter code used
 * in the same transaction. An ineligible identity or a test code is stored
 * as rejected with the reason (outcome INVALID). SAYSO_OK
 * means it was stored and res says what happened (including INVALID, which is
 * stored as rejected). Errors are storage failures or SAYSO_ERR_NOTFOUND /
 * SAYSO_ERR_STATE for the round (nothing stored), or SAYSO_ERR_EXISTS when a
 * ballot with in->uid is already stored (merges: nothing changed).
 */
enum sayso_err sayso_ballot_cast(struct sayso_store *st,
				 const struct sayso_ballot_in *in,
				 struct sayso_cast_result *res);

/*
 * Re-applies the one-vote rule to every ballot of a round by the time each
 * was cast (ties by ballot id, the order stored): used after merging kiosk
 * databases. Rejected
 * ballots stay rejected. Runs in one transaction. *changed (may be NULL)
 * receives how many ballots changed status.
 */
enum sayso_err sayso_ballot_reapply(struct sayso_store *st, int64_t round_id,
				    size_t *changed);

/* Ballot counts of a round by status: the turnout. The one query for it
 * (admin round show, results, voters, the kiosk staff screen). */
struct sayso_ballot_counts {
	int64_t counted, superseded, rejected;
	int64_t by_channel[4]; /* counted, by enum sayso_channel; sums to
				  counted */
	char first[SAYSO_TIME_LEN + 1]; /* first and last counted ballot's
					   cast_at, "" if none */
	char last[SAYSO_TIME_LEN + 1];
};
/* SAYSO_ERR_CORRUPT (detail on st) for a stored ballot with an unknown
 * status or channel; storage errors. */
enum sayso_err sayso_ballot_counts(struct sayso_store *st, int64_t round_id,
				   struct sayso_ballot_counts *out);

/*
 * The counted ballot of a resident in a round, if any: *found, and its
 * channel and time. Used for "you already voted on ... by ...".
 */
enum sayso_err sayso_ballot_find(struct sayso_store *st, int64_t round_id,
				 const char *resident_id, bool *found,
				 int64_t *cast_at_ms, enum sayso_channel *ch);

/* Parses "1,4,7" / "1 4 7" into picks (points 1). SAYSO_ERR_INVAL with why. */
enum sayso_err sayso_picks_parse(const char *s, struct sayso_pick *picks,
				 size_t maxpicks, size_t *npicks,
				 const char **why);

#endif

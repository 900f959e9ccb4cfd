/*
 * merge.h: bringing offline kiosks' databases into the site database.
 *
 * A kiosk that will have no network is enrolled first (sayso_kiosk_enrol):
 * it gets a database of its own with the open rounds, the key of resident
 * ids and a device key of its own; every row it writes is chained under that
 * key (core/src/devlog.c). Merging verifies the chain, so a row inserted,
 * altered or removed by anything but the kiosk program is refused with the
 * row named, and believes nothing else the file says about itself. Rows are
 * matched by uid, so merging the same file twice changes nothing; ballots go
 * through the ballot rules (sayso_ballot_cast) at their cast time.
 */
#ifndef SAYSO_MERGE_H
#define SAYSO_MERGE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/round.h"
#include "sayso/store.h"

struct sayso_merge_result {
	char device_id[SAYSO_DEVICE_MAX]; /* the enrolled kiosk's device */
	char enrolment[SAYSO_UID_LEN + 1];
	int64_t ballots;  /* ballots brought in (any status) */
	int64_t rejected; /* of those, stored as rejected (reason on each) */
	int64_t held;	  /* ballots held for the organiser (merge_held) */
	int64_t ratings;  /* ratings brought in */
	int64_t reports;  /* reports brought in */
	int64_t known;	  /* rows skipped because their uid was already here */
	size_t changed;	  /* ballots whose status the one-vote rule changed */
	int64_t chain;	  /* chain entries verified */
	bool older_copy;  /* the file ends before what was merged from this
			     kiosk before (nothing lost: an older copy) */
	char hold_why[240]; /* why the kiosk's clock is not trusted, or "" */
	char moves[512];    /* dry run: "PB26: funded #1 #4 -> #1 #3; ..." for
			       the rounds whose greedy result moves, or "" */
	/* Walkabout rows in the kiosk's file, NOT carried over: walkabout
	 * issues and re-checks are not covered by the kiosk's chain, so a
	 * merge cannot tell them from rows added with sqlite3. Counted and
	 * named (the first few references) so nothing is dropped silently;
	 * enter them with `sayso-admin walkabout log|check`. */
	int64_t walk_issues, walk_checks;
	char walk_refs[96]; /* "WA-ABC123 WA-DEF456 ..." (first 5), or "" */
};

#define SAYSO_MERGE_DRY_RUN 0x1 /* check and count, then roll back */

/*
 * Merges the enrolled kiosk's database at src_path into st, in one
 * transaction (nested inside the caller's if one is open). Before anything
 * is written, in this order: the file is not st itself; a file in WAL mode
 * has its -wal beside it; PRAGMA integrity_check; the site check value; the
 * file was made by sayso_kiosk_enrol() for an enrolment recorded in st; its
 * chain verifies under that enrolment's key, row by row (Sayso_devlog_verify)
 * and continues the history merged before. Then, row by row: ballots are
 * matched to rounds and projects by uid with title and cost checked, and
 * cast through sayso_ballot_cast() at their cast time (which rejects those
 * outside the round's open period); a project that changed or vanished, or a
 * resident erased here (a tombstone), keeps the ballot as rejected with that
 * reason; when the kiosk's clock ran backwards or lies outside enrolment ..
 * now (1 h slack), its new ballots are held (merge_held) instead.
 * Ratings and reports come by uid (an erased resident's stay unlinked).
 * Walkabout issues and re-checks in the file are not carried over (not
 * chained): they are counted in res->walk_* and named in the audit line.
 * Records the merge, writes the audit log as actor. Idempotent: a second
 * merge of a file changes nothing. With SAYSO_MERGE_DRY_RUN everything is
 * checked and counted (and res->moves filled) but rolled back.
 * The source is opened read-only and never changed.
 * Errors (nothing written): SAYSO_ERR_NOT_SAYSO / SAYSO_ERR_NOTFOUND /
 * SAYSO_ERR_SCHEMA for the source file, SAYSO_ERR_CORRUPT (integrity check,
 * or WAL missing), SAYSO_ERR_SECRET (another site's file, or st opened
 * without its secret), SAYSO_ERR_AUTH (not an enrolled kiosk's file, an
 * unknown enrolment, a row inserted, altered or removed outside the kiosk
 * program, a history that forks from the one merged before), SAYSO_ERR_INVAL
 * (the source is st's own file), SAYSO_ERR_NOTFOUND (a round this database
 * does not have), SAYSO_ERR_EXISTS (a report reference already used),
 * storage errors. Detail in sayso_store_errmsg(st).
 */
enum sayso_err sayso_merge_kiosk(struct sayso_store *st, const char *src_path,
				 const char *actor, unsigned flags,
				 struct sayso_merge_result *res);

struct sayso_enrol_result {
	char device_id[SAYSO_DEVICE_MAX];
	char enrolment[SAYSO_UID_LEN + 1];
	int rounds, projects; /* copied to the kiosk */
};

/*
 * Makes an offline kiosk's database at out_path (with out_path.secret, the
 * site secret that keys resident ids, and out_path.key, a new random device
 * key, both mode 0600) for device_id: the draft and open rounds of st with
 * their projects, nothing else. Records the enrolment in st with its key
 * sealed under the site secret. A device may be enrolled again (a new key
 * and chain). st needs its secret.
 * Errors (nothing left behind): SAYSO_ERR_SECRET, SAYSO_ERR_INVAL (device
 * id), SAYSO_ERR_EXISTS (out_path or its .secret/.key exists), SAYSO_ERR_IO,
 * storage errors. Detail in sayso_store_errmsg(st).
 */
enum sayso_err sayso_kiosk_enrol(struct sayso_store *st, const char *device_id,
				 const char *out_path, const char *actor,
				 struct sayso_enrol_result *res);

/*
 * On an enrolled kiosk's own database: *rows, the distinct ballots, ratings
 * and reports it wrote or changed after chain entry `after` (what the site
 * has merged from it: sayso_kiosk_merged_seq()), and *last, its newest chain
 * entry (0: none). For a kiosk that falls back to its own file when the
 * site's server is gone ("N records waiting to be merged").
 * SAYSO_ERR_INVAL (not an enrolled kiosk's database), storage errors.
 */
enum sayso_err sayso_kiosk_unmerged(struct sayso_store *kiosk, int64_t after,
				    int64_t *rows, int64_t *last);

/* On the site database: the newest chain entry merged so far from
 * enrolment (0: none yet). SAYSO_ERR_NOTFOUND for an enrolment st never
 * made; storage errors. */
enum sayso_err sayso_kiosk_merged_seq(struct sayso_store *st,
				      const char *enrolment, int64_t *seq);

/* A ballot a merge held. */
struct sayso_held {
	int64_t id;
	char uid[SAYSO_UID_LEN + 1];
	char device_id[SAYSO_DEVICE_MAX];
	char round_code[SAYSO_CODE_MAX];
	char cast_at[SAYSO_TIME_LEN + 1]; /* as the kiosk's clock said */
	char merged_at[SAYSO_TIME_LEN + 1];
	char picks[128];
	char reason[240];
	char state[16]; /* "held", "accepted", "rejected" */
};

/* The held ballots (all states when all), oldest first: *out (free()) and
 * *n. Storage errors. */
enum sayso_err sayso_merge_held_list(struct sayso_store *st, bool all,
				     struct sayso_held **out, size_t *n);

/*
 * Decides held ballots: id > 0 that one, else every held ballot (of device
 * when not NULL). accept casts each through sayso_ballot_cast() at its
 * merged_at (the site's clock: the kiosk's could not be trusted), under the
 * round's rules; reject stores it as rejected with "held, then rejected: why".
 * Either way the ballot is kept and merge_held records who decided. One
 * transaction. *decided gets how many. SAYSO_ERR_NOTFOUND (no such held
 * ballot), SAYSO_ERR_STATE (already decided), storage errors.
 */
enum sayso_err sayso_merge_held_decide(struct sayso_store *st, int64_t id,
				       const char *device, bool accept,
				       const char *why, const char *actor,
				       size_t *decided);

#endif

/*
 * merge.h: bringing offline kiosk databases into the site database.
 *
 * A kiosk that lost its network keeps voting into its own copy of the
 * database. Every row a resident creates there carries a globally unique uid,
 * so merging is "insert what is not already here, by uid": merging the same
 * file twice changes nothing. Only a database of the same site is accepted
 * (the recorded check value of the site secret must match); resident ids are
 * keyed hashes, so they only mean the same resident under the same secret.
 * After the ballots are in, the one-vote rule is re-applied to each round
 * that received ballots, across all channels, by the time each ballot was
 * cast (sayso_ballot_reapply()).
 */
#ifndef SAYSO_MERGE_H
#define SAYSO_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/store.h"

struct sayso_merge_result {
	char device_id[SAYSO_DEVICE_MAX]; /* the source's kiosk device (first
					     found), or "" */
	int64_t ballots;		  /* ballots brought in */
	int64_t ratings;		  /* ratings brought in */
	int64_t reports;		  /* reports brought in */
	int64_t known;	/* rows skipped because their uid was already here */
	size_t changed; /* ballots whose status the one-vote rule changed */
};

/*
 * Merges the database at src_path into st, in one transaction (nested inside
 * the caller's if one is open): ballots (mapped to this database's rounds by
 * code and projects by number), their items, residents, ratings, reports with
 * their history, and the devices seen. Rejected ballots stay rejected; a
 * ballot naming a project number this database does not have is stored as
 * rejected with that reason. Records the merge in the merges table when
 * anything was new, writes the audit log as actor, and re-applies the
 * one-vote rule to the rounds that received ballots.
 * The source is opened read-only and never changed.
 * Errors (nothing written): SAYSO_ERR_NOT_SAYSO / SAYSO_ERR_NOTFOUND /
 * SAYSO_ERR_SCHEMA for the source file, SAYSO_ERR_SECRET (another site's
 * database, or one with no site check value), SAYSO_ERR_INVAL (the source is
 * st's own file), SAYSO_ERR_NOTFOUND (ballots for a round this database does
 * not have), SAYSO_ERR_EXISTS (a report reference already used by another
 * report), storage errors. Detail in sayso_store_errmsg(st).
 */
enum sayso_err sayso_merge_kiosk(struct sayso_store *st, const char *src_path,
				 const char *actor,
				 struct sayso_merge_result *res);

#endif

/*
 * correct.c: listing and voiding ballots (see correct.h).
 *
 * A void is a status change, never a delete: the ballot stays in the record
 * as rejected with the organiser's reason, and sayso_ballot_reapply() (the
 * one-vote rule, ballot.c) decides again who counts, so voiding a resident's
 * counted ballot lets their other ballot count exactly as if the voided one
 * had never been cast.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "internal.h"
#include "sayso/buf.h"
#include "sayso/codes.h"
#include "sayso/correct.h"

static enum sayso_err row_from(struct sayso_store *st, struct sayso_stmt *s,
			       struct sayso_ballot_row *b)
{
	memset(b, 0, sizeof *b);
	b->id = Sayso_col_int64(s, 0);
	Sayso_column_copy(s, 1, b->uid, sizeof b->uid);
	const char *ch = (const char *)Sayso_col_text(s, 2);
	const char *status = (const char *)Sayso_col_text(s, 5);
	if (sayso_channel_parse(ch, &b->channel) != SAYSO_OK ||
	    sayso_ballot_status_parse(status, &b->status) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					"ballot %s has channel '%s' and "
					"status '%s'",
					b->uid, ch ? ch : "",
					status ? status : "");
	Sayso_column_copy(s, 3, b->device, sizeof b->device);
	Sayso_column_copy(s, 4, b->cast_at, sizeof b->cast_at);
	Sayso_column_copy(s, 6, b->reason, sizeof b->reason);
	Sayso_column_copy(s, 7, b->picks, sizeof b->picks);
	return SAYSO_OK;
}

/* A round's ballots (one resident's, or all) with their picks in order. */
#define BALLOTS_SQL(D)                                                         \
	"SELECT b.id, b.uid, b.channel, b.device_id, b.cast_at, b.status, "    \
	"coalesce(b.reason, ''), coalesce((SELECT " SAYSO_##D##_JOINED(        \
	    "x.number", "','",                                                 \
	    "x.rank, x.number") " FROM (SELECT p.number AS "                   \
				"number, i.rank AS rank FROM ballot_items i "  \
				"JOIN projects p ON p.id = "                   \
				"i.project_id WHERE i.ballot_id = b.id ORDER " \
				"BY i.rank, p.number) x), "                    \
				"'') FROM ballots b WHERE b.round_id = ?1 "    \
				"AND (CAST(?2 AS TEXT) IS "                    \
				"NULL OR b.resident_id = ?2) ORDER BY b.id"

enum sayso_err sayso_ballot_list(struct sayso_store *st, int64_t round_id,
				 const char *resident_id,
				 struct sayso_ballot_row **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	enum sayso_err e = SAYSO_OK;
	*out = NULL;
	*n = 0;
	struct sayso_stmt *s =
	    Sayso_store_stmt2(st, BALLOTS_SQL(LITE), BALLOTS_SQL(PG));
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	Sayso_bind_text_or_null(s, 2, resident_id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			e = Sayso_store_fail(st, SAYSO_ERR_NOMEM,
					     "out of memory");
			break;
		}
		if ((e = row_from(st, s, &(*out)[*n])) != SAYSO_OK)
			break;
		(*n)++;
	}
	if (e == SAYSO_OK && rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "list ballots");
	Sayso_reset(s);
	if (e != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

/* The ballot to void, by numeric id or uid. */
struct target {
	int64_t id, round_id;
	char uid[SAYSO_UID_LEN + 1];
	char resident[SAYSO_RESIDENT_ID_LEN + 1];
	char status[16];
	char reason[SAYSO_REASON_MAX];
};

static enum sayso_err find_target(struct sayso_store *st, const char *id,
				  struct target *t)
{
	memset(t, 0, sizeof *t);
	char *end;
	errno = 0;
	long long num = strtoll(id, &end, 10);
	bool numeric = *id && !*end && !errno && num > 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, round_id, uid, coalesce(resident_id, ''), status, "
		"coalesce(reason, '') FROM ballots WHERE (CAST(?1 AS BIGINT) "
		"IS NOT NULL AND "
		"id = ?1) OR uid = ?2");
	if (!s)
		return SAYSO_ERR_DB;
	if (numeric)
		Sayso_bind_int64(s, 1, num);
	Sayso_bind_text(s, 2, id, -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		t->id = Sayso_col_int64(s, 0);
		t->round_id = Sayso_col_int64(s, 1);
		Sayso_column_copy(s, 2, t->uid, sizeof t->uid);
		Sayso_column_copy(s, 3, t->resident, sizeof t->resident);
		Sayso_column_copy(s, 4, t->status, sizeof t->status);
		Sayso_column_copy(s, 5, t->reason, sizeof t->reason);
	}
	Sayso_reset(s);
	if (rc == SAYSO_SQL_DONE)
		return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND, "no ballot %s",
					id);
	if (rc != SAYSO_SQL_ROW)
		return Sayso_store_sqlfail(st, "find ballot");
	return SAYSO_OK;
}

/* A used voter code whose every ballot in the round is now rejected may
 * vote again (a paper ballot typed with the wrong code, voided). */
static enum sayso_err reissue_code(struct sayso_store *st,
				   const struct sayso_round *r,
				   const char *resident, bool *reissued)
{
	struct sayso_eligibility el;
	*reissued = false;
	enum sayso_err e =
	    sayso_ballot_eligible(st, r, resident, SAYSO_CH_PAPER, false, &el);
	if (e != SAYSO_OK || !el.by_code || el.status != SAYSO_CODE_USED ||
	    el.ok)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE voter_codes SET status = 'issued', changed_at = ?1 "
		"WHERE id = ?2");
	if (!s)
		return SAYSO_ERR_DB;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	Sayso_bind_text(s, 1, now, -1);
	Sayso_bind_int64(s, 2, el.code_id);
	*reissued = true;
	return Sayso_store_step_done(st, s, "reissue voter code");
}

enum sayso_err sayso_ballot_void(struct sayso_store *st, const char *id,
				 const char *actor, const char *why,
				 struct sayso_void_result *res)
{
	struct target t;
	struct sayso_round r;
	memset(res, 0, sizeof *res);
	if (!why || !*why)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"say why (--why): it goes in the audit "
					"log");
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	if ((e = find_target(st, id, &t)) != SAYSO_OK ||
	    (e = sayso_round_get_by_id(st, t.round_id, &r)) != SAYSO_OK)
		goto out;
	snprintf(res->uid, sizeof res->uid, "%s", t.uid);
	snprintf(res->round_code, sizeof res->round_code, "%s", r.code);
	if (sayso_ballot_status_parse(t.status, &res->was) != SAYSO_OK) {
		e = Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
				     "ballot %s has status '%s'", t.uid,
				     t.status);
		goto out;
	}
	if (r.imported || strncmp(t.reason, "void: ", 6) == 0) {
		e = Sayso_store_fail(st, SAYSO_ERR_STATE,
				     r.imported ? "ballot %s is in an imported "
						  "round: it is a record of "
						  "another vote"
						: "ballot %s is already void",
				     t.uid);
		goto out;
	}
	char reason[SAYSO_REASON_MAX];
	snprintf(reason, sizeof reason, "void: %s", why);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE ballots SET status = 'rejected', reason = ?1 WHERE id "
		"= ?2");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, reason, -1);
	Sayso_bind_int64(s, 2, t.id);
	if ((e = Sayso_store_step_done(st, s, "void ballot")) != SAYSO_OK ||
	    (e = sayso_ballot_reapply(st, r.id, &res->changed)) != SAYSO_OK)
		goto out;
	if (t.resident[0] &&
	    (e = reissue_code(st, &r, t.resident, &res->code_reissued)) !=
		SAYSO_OK)
		goto out;
	e = sayso_store_audit(
	    st, actor, "ballot.void",
	    "ballot %s (#%lld) in %s was %s%s; why: %s", t.uid, (long long)t.id,
	    r.code, t.status,
	    res->code_reissued ? "; its voter code may vote again" : "", why);
	if (e != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

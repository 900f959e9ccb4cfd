/*
 * merge.c: merging offline kiosk databases into the site database.
 *
 * Design: rows are matched by uid, never by content, so a merge is
 * idempotent and two kiosks can never collide. Ballots are copied with their
 * original cast time, channel and device; the status each gets on arrival
 * only has to satisfy the schema's one-counted-ballot index, because the
 * one-vote rule is then re-applied to the whole round by cast time
 * (sayso_ballot_reapply() in ballot.c, the one place that rule lives). The
 * source database is opened read-only without its secret; what proves it is
 * ours is the recorded check value of the site secret.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/merge.h"

#define MERGE_MAX_ROUNDS 256 /* rounds that receive ballots in one merge */

struct merge {
	struct sayso_store *st;
	struct sayso_store *src;
	sqlite3 *sdb;
	const char *src_path;
	struct sayso_merge_result *res;
	int64_t rounds[MERGE_MAX_ROUNDS];
	size_t nrounds;
};

static enum sayso_err src_fail(struct merge *m, const char *what)
{
	return Sayso_store_fail(m->st, SAYSO_ERR_DB, "%s: %s: %s", m->src_path,
				what, sqlite3_errmsg(m->sdb));
}

static enum sayso_err note_round(struct merge *m, int64_t round_id)
{
	for (size_t i = 0; i < m->nrounds; i++)
		if (m->rounds[i] == round_id)
			return SAYSO_OK;
	if (m->nrounds == MERGE_MAX_ROUNDS)
		return Sayso_store_fail(m->st, SAYSO_ERR_TOOBIG,
					"%s: ballots for more than %d rounds",
					m->src_path, MERGE_MAX_ROUNDS);
	m->rounds[m->nrounds++] = round_id;
	return SAYSO_OK;
}

static enum sayso_err exists_uid(struct sayso_store *st, const char *sql,
				 const char *uid, bool *found)
{
	sqlite3_stmt *s = Sayso_store_stmt(st, sql);
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(s);
	*found = rc == SQLITE_ROW;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return Sayso_store_sqlfail(st, "look up uid");
	return SAYSO_OK;
}

static enum sayso_err merge_devices(struct merge *m)
{
	sqlite3_stmt *q = NULL;
	enum sayso_err e = SAYSO_OK;
	if (sqlite3_prepare_v2(m->sdb,
			       "SELECT id, kind, first_seen, last_seen FROM "
			       "devices ORDER BY first_seen, id",
			       -1, &q, NULL) != SQLITE_OK)
		return src_fail(m, "read devices");
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(q, 1);
		if (kind && strcmp(kind, "kiosk") == 0 && !m->res->device_id[0])
			Sayso_column_copy(q, 0, m->res->device_id,
					  sizeof m->res->device_id);
		sqlite3_stmt *s = Sayso_store_stmt(
		    m->st,
		    "INSERT INTO devices(id, kind, first_seen, last_seen) "
		    "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET "
		    "first_seen = min(first_seen, excluded.first_seen), "
		    "last_seen = max(last_seen, excluded.last_seen)");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		for (int i = 0; i < 4; i++)
			sqlite3_bind_value(s, i + 1,
					   sqlite3_column_value(q, i));
		if ((e = Sayso_store_step_done(m->st, s, "merge device")) !=
		    SAYSO_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		e = src_fail(m, "read devices");
out:
	sqlite3_finalize(q);
	return e;
}

/* Copies the items of source ballot sid into ballot bid of round round_id.
 * *unknown receives the first project number the round lacks (0 if none). */
static enum sayso_err copy_items(struct merge *m, sqlite3_stmt *items,
				 int64_t sid, int64_t bid, int64_t round_id,
				 int *unknown)
{
	enum sayso_err e = SAYSO_OK;
	*unknown = 0;
	sqlite3_reset(items);
	sqlite3_bind_int64(items, 1, sid);
	int rc;
	while ((rc = sqlite3_step(items)) == SQLITE_ROW) {
		int number = sqlite3_column_int(items, 0);
		sqlite3_stmt *p = Sayso_store_stmt(
		    m->st, "SELECT id FROM projects WHERE round_id = ?1 AND "
			   "number = ?2");
		if (!p)
			return SAYSO_ERR_DB;
		sqlite3_bind_int64(p, 1, round_id);
		sqlite3_bind_int(p, 2, number);
		int prc = sqlite3_step(p);
		if (prc == SQLITE_DONE) {
			sqlite3_reset(p);
			if (!*unknown)
				*unknown = number;
			continue;
		}
		if (prc != SQLITE_ROW) {
			sqlite3_reset(p);
			return Sayso_store_sqlfail(m->st, "find project");
		}
		int64_t pid = sqlite3_column_int64(p, 0);
		sqlite3_reset(p);
		sqlite3_stmt *s = Sayso_store_stmt(
		    m->st, "INSERT INTO ballot_items(ballot_id, project_id, "
			   "points, rank) VALUES(?1, ?2, ?3, ?4)");
		if (!s)
			return SAYSO_ERR_DB;
		sqlite3_bind_int64(s, 1, bid);
		sqlite3_bind_int64(s, 2, pid);
		sqlite3_bind_int(s, 3, sqlite3_column_int(items, 1));
		sqlite3_bind_int(s, 4, sqlite3_column_int(items, 2));
		if ((e = Sayso_store_step_done(
			 m->st, s, "merge ballot item")) != SAYSO_OK)
			return e;
	}
	if (rc != SQLITE_DONE)
		return src_fail(m, "read ballot items");
	return SAYSO_OK;
}

/* The id of round code in the site database; a round it lacks is an error
 * naming the source (create the round first). */
static enum sayso_err find_round(struct merge *m, const char *code,
				 int64_t *round_id)
{
	sqlite3_stmt *r = Sayso_store_stmt(
	    m->st, "SELECT id FROM rounds WHERE code = ?1 COLLATE NOCASE");
	if (!r)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(r, 1, code, -1, SQLITE_TRANSIENT);
	int rrc = sqlite3_step(r);
	*round_id = rrc == SQLITE_ROW ? sqlite3_column_int64(r, 0) : 0;
	sqlite3_reset(r);
	if (rrc == SQLITE_ROW)
		return SAYSO_OK;
	return rrc == SQLITE_DONE
		   ? Sayso_store_fail(m->st, SAYSO_ERR_NOTFOUND,
				      "%s has ballots for round '%s', "
				      "which this database does not "
				      "have; create it first",
				      m->src_path, code)
		   : Sayso_store_sqlfail(m->st, "find round");
}

/* Records the resident id (the keyed hash: no secret needed here). */
static enum sayso_err merge_resident(struct merge *m, const char *resident)
{
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	sqlite3_stmt *s =
	    Sayso_store_stmt(m->st, "INSERT OR IGNORE INTO residents(id, "
				    "created_at) VALUES(?1, ?2)");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, resident, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
	return Sayso_store_step_done(m->st, s, "merge resident");
}

/*
 * Arrival status: rejected stays rejected; a counted ballot arrives counted
 * only when the resident has none counted here (the unique index), else
 * superseded. reapply decides. *reason starts as the source's reason.
 */
static enum sayso_err arrival_status(struct merge *m, const char *status,
				     int64_t round_id, const char *resident,
				     const char **st_in, const char **reason)
{
	*st_in = "superseded";
	if (strcmp(status, "rejected") == 0) {
		*st_in = "rejected";
	} else if (strcmp(status, "counted") == 0) {
		bool has = false;
		if (resident) {
			sqlite3_stmt *c = Sayso_store_stmt(
			    m->st, "SELECT 1 FROM ballots WHERE round_id "
				   "= ?1 AND resident_id = ?2 AND status "
				   "= 'counted'");
			if (!c)
				return SAYSO_ERR_DB;
			sqlite3_bind_int64(c, 1, round_id);
			sqlite3_bind_text(c, 2, resident, -1, SQLITE_TRANSIENT);
			has = sqlite3_step(c) == SQLITE_ROW;
			sqlite3_reset(c);
		}
		if (!has) {
			*st_in = "counted";
			*reason = NULL;
		} else {
			*reason = "already voted";
		}
	}
	return SAYSO_OK;
}

/* Inserts source ballot row q into round round_id; *bid receives its id. */
static enum sayso_err insert_ballot(struct merge *m, sqlite3_stmt *q,
				    const char *uid, int64_t round_id,
				    const char *st_in, const char *reason,
				    int64_t *bid)
{
	sqlite3_stmt *s = Sayso_store_stmt(
	    m->st, "INSERT INTO ballots(uid, round_id, resident_id, "
		   "channel, device_id, cast_at, status, reason, "
		   "ext_voter) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, round_id);
	sqlite3_bind_value(s, 3, sqlite3_column_value(q, 3));
	sqlite3_bind_value(s, 4, sqlite3_column_value(q, 4));
	sqlite3_bind_value(s, 5, sqlite3_column_value(q, 5));
	sqlite3_bind_value(s, 6, sqlite3_column_value(q, 6));
	sqlite3_bind_text(s, 7, st_in, -1, SQLITE_STATIC);
	Sayso_bind_text_or_null(s, 8, reason);
	sqlite3_bind_value(s, 9, sqlite3_column_value(q, 9));
	enum sayso_err e = Sayso_store_step_done(m->st, s, "merge ballot");
	if (e == SAYSO_OK)
		*bid = sqlite3_last_insert_rowid(Sayso_store_sqlite(m->st));
	return e;
}

/* Rejects merged ballot bid, which names project unknown the round lacks. */
static enum sayso_err reject_unknown(struct merge *m, int64_t bid, int unknown)
{
	char why[SAYSO_REASON_MAX];
	snprintf(why, sizeof why, "unknown project %d (merged from %s)",
		 unknown, m->res->device_id[0] ? m->res->device_id : "a kiosk");
	sqlite3_stmt *u =
	    Sayso_store_stmt(m->st, "UPDATE ballots SET status = 'rejected', "
				    "reason = ?2 WHERE id = ?1");
	if (!u)
		return SAYSO_ERR_DB;
	sqlite3_bind_int64(u, 1, bid);
	sqlite3_bind_text(u, 2, why, -1, SQLITE_TRANSIENT);
	return Sayso_store_step_done(m->st, u, "reject ballot");
}

/* Merges the source ballot in row q (with its items), unless known. */
static enum sayso_err merge_ballot(struct merge *m, sqlite3_stmt *q,
				   sqlite3_stmt *items)
{
	const char *uid = (const char *)sqlite3_column_text(q, 1);
	const char *code = (const char *)sqlite3_column_text(q, 2);
	const char *resident = (const char *)sqlite3_column_text(q, 3);
	const char *status = (const char *)sqlite3_column_text(q, 7);
	const char *reason = (const char *)sqlite3_column_text(q, 8);
	const char *st_in;
	int64_t round_id, bid;
	bool found;
	int unknown;
	enum sayso_err e;

	if (!uid || !code || !status)
		return Sayso_store_fail(m->st, SAYSO_ERR_CORRUPT,
					"%s: a ballot without uid, round "
					"or status",
					m->src_path);
	if ((e = exists_uid(m->st, "SELECT 1 FROM ballots WHERE uid = ?1", uid,
			    &found)) != SAYSO_OK)
		return e;
	if (found) {
		m->res->known++;
		return SAYSO_OK;
	}
	if ((e = find_round(m, code, &round_id)) != SAYSO_OK ||
	    (e = note_round(m, round_id)) != SAYSO_OK)
		return e;
	if (resident && (e = merge_resident(m, resident)) != SAYSO_OK)
		return e;
	if ((e = arrival_status(m, status, round_id, resident, &st_in,
				&reason)) != SAYSO_OK ||
	    (e = insert_ballot(m, q, uid, round_id, st_in, reason, &bid)) !=
		SAYSO_OK)
		return e;
	if ((e = copy_items(m, items, sqlite3_column_int64(q, 0), bid, round_id,
			    &unknown)) != SAYSO_OK)
		return e;
	if (unknown && (e = reject_unknown(m, bid, unknown)) != SAYSO_OK)
		return e;
	m->res->ballots++;
	return SAYSO_OK;
}

static enum sayso_err merge_ballots(struct merge *m)
{
	sqlite3_stmt *q = NULL, *items = NULL;
	enum sayso_err e = SAYSO_OK;
	if (sqlite3_prepare_v2(
		m->sdb,
		"SELECT b.id, b.uid, r.code, b.resident_id, b.channel, "
		"b.device_id, b.cast_at, b.status, b.reason, b.ext_voter "
		"FROM ballots b JOIN rounds r ON r.id = b.round_id "
		"ORDER BY b.cast_at, b.uid",
		-1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(m->sdb,
			       "SELECT p.number, i.points, i.rank FROM "
			       "ballot_items i JOIN projects p ON p.id = "
			       "i.project_id WHERE i.ballot_id = ?1 ORDER BY "
			       "i.rank, p.number",
			       -1, &items, NULL) != SQLITE_OK) {
		e = src_fail(m, "read ballots");
		goto out;
	}
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if ((e = merge_ballot(m, q, items)) != SAYSO_OK)
			goto out;
	if (rc != SQLITE_DONE)
		e = src_fail(m, "read ballots");
out:
	sqlite3_finalize(q);
	sqlite3_finalize(items);
	return e;
}

static enum sayso_err merge_ratings(struct merge *m)
{
	sqlite3_stmt *q = NULL;
	enum sayso_err e = SAYSO_OK;
	/* Misuse flags travel with the ratings (a database from before
	 * 0006 has none: NULL). */
	if (sqlite3_prepare_v2(m->sdb,
			       "SELECT uid, score, question, answer, "
			       "resident_id, channel, device_id, cast_at, flag "
			       "FROM ratings ORDER BY cast_at, uid",
			       -1, &q, NULL) != SQLITE_OK &&
	    sqlite3_prepare_v2(m->sdb,
			       "SELECT uid, score, question, answer, "
			       "resident_id, channel, device_id, cast_at, NULL "
			       "FROM ratings ORDER BY cast_at, uid",
			       -1, &q, NULL) != SQLITE_OK)
		return src_fail(m, "read ratings");
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_stmt *s = Sayso_store_stmt(
		    m->st, "INSERT INTO ratings(uid, score, question, answer, "
			   "resident_id, channel, device_id, cast_at, flag) "
			   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON "
			   "CONFLICT(uid) DO NOTHING");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		for (int i = 0; i < 9; i++)
			sqlite3_bind_value(s, i + 1,
					   sqlite3_column_value(q, i));
		if ((e = Sayso_store_step_done(m->st, s, "merge rating")) !=
		    SAYSO_OK)
			goto out;
		if (sqlite3_changes(Sayso_store_sqlite(m->st)) > 0)
			m->res->ratings++;
		else
			m->res->known++;
	}
	if (rc != SQLITE_DONE)
		e = src_fail(m, "read ratings");
out:
	sqlite3_finalize(q);
	return e;
}

/* Copies the history of source report sid to report rid, and the held or
 * queued SMS updates keyed to it (the resident's only way to hear back). */
static enum sayso_err copy_report_extras(struct merge *m, int64_t sid,
					 int64_t rid, const char *ref,
					 const char *uid)
{
	sqlite3_stmt *q = NULL;
	enum sayso_err e = SAYSO_OK;
	int rc;
	if (sqlite3_prepare_v2(m->sdb,
			       "SELECT at, status, note, actor FROM "
			       "report_history WHERE report_id = ?1 ORDER BY "
			       "id",
			       -1, &q, NULL) != SQLITE_OK)
		return src_fail(m, "read report history");
	sqlite3_bind_int64(q, 1, sid);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_stmt *s = Sayso_store_stmt(
		    m->st, "INSERT INTO report_history(report_id, at, "
			   "status, note, actor) VALUES(?1, ?2, ?3, ?4, ?5)");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		sqlite3_bind_int64(s, 1, rid);
		for (int i = 0; i < 4; i++)
			sqlite3_bind_value(s, i + 2,
					   sqlite3_column_value(q, i));
		if ((e = Sayso_store_step_done(
			 m->st, s, "merge report history")) != SAYSO_OK)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		e = src_fail(m, "read report history");
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_prepare_v2(
		m->sdb,
		"SELECT to_number, resident_id, body, status, hold_key, "
		"next_attempt_at, created_at FROM sms_outbox WHERE status "
		"IN ('held', 'queued') AND inbox_id IS NULL AND hold_key "
		"IS NOT NULL AND (hold_key = ?1 OR hold_key = ?2 OR "
		"hold_key LIKE '%:' || ?1 OR hold_key LIKE '%:' || ?2) "
		"ORDER BY id",
		-1, &q, NULL) != SQLITE_OK)
		return src_fail(m, "read held messages");
	sqlite3_bind_text(q, 1, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, uid, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_stmt *s = Sayso_store_stmt(
		    m->st,
		    "INSERT INTO sms_outbox(to_number, resident_id, body, "
		    "status, hold_key, next_attempt_at, created_at) "
		    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		for (int i = 0; i < 7; i++)
			sqlite3_bind_value(s, i + 1,
					   sqlite3_column_value(q, i));
		if ((e = Sayso_store_step_done(
			 m->st, s, "merge held message")) != SAYSO_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		e = src_fail(m, "read held messages");
out:
	sqlite3_finalize(q);
	return e;
}

static enum sayso_err merge_reports(struct merge *m)
{
	sqlite3_stmt *q = NULL;
	enum sayso_err e = SAYSO_OK;
	if (sqlite3_prepare_v2(m->sdb,
			       "SELECT id, uid, ref, category, street, "
			       "location, text, status, resident_id, channel, "
			       "device_id, cast_at, updated_at FROM reports "
			       "ORDER BY cast_at, uid",
			       -1, &q, NULL) != SQLITE_OK)
		return src_fail(m, "read reports");
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		char uid[SAYSO_UID_LEN + 8], ref[32];
		Sayso_column_copy(q, 1, uid, sizeof uid);
		Sayso_column_copy(q, 2, ref, sizeof ref);
		bool found;
		if ((e = exists_uid(m->st,
				    "SELECT 1 FROM reports WHERE uid = ?1", uid,
				    &found)) != SAYSO_OK)
			goto out;
		if (found) {
			m->res->known++;
			continue;
		}
		if ((e = exists_uid(m->st,
				    "SELECT 1 FROM reports WHERE ref = ?1", ref,
				    &found)) != SAYSO_OK)
			goto out;
		if (found) {
			e = Sayso_store_fail(m->st, SAYSO_ERR_EXISTS,
					     "%s: report reference %s is "
					     "already used by another report "
					     "here",
					     m->src_path, ref);
			goto out;
		}
		sqlite3_stmt *s = Sayso_store_stmt(
		    m->st, "INSERT INTO reports(uid, ref, category, street, "
			   "location, text, status, resident_id, channel, "
			   "device_id, cast_at, updated_at) VALUES(?1, ?2, ?3, "
			   "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		for (int i = 1; i < 13; i++)
			sqlite3_bind_value(s, i, sqlite3_column_value(q, i));
		if ((e = Sayso_store_step_done(m->st, s, "merge report")) !=
		    SAYSO_OK)
			goto out;
		int64_t rid =
		    sqlite3_last_insert_rowid(Sayso_store_sqlite(m->st));
		if ((e = copy_report_extras(m, sqlite3_column_int64(q, 0), rid,
					    ref, uid)) != SAYSO_OK)
			goto out;
		/* Routed and checked for duplicates here, where the
		 * partnership's rules and the other reports are. */
		if ((e = Sayso_issue_created(
			 m->st, SAYSO_ISSUE_REPORT, rid,
			 (const char *)sqlite3_column_text(q, 3),
			 (const char *)sqlite3_column_text(q, 4),
			 (const char *)sqlite3_column_text(q, 11))) != SAYSO_OK)
			goto out;
		m->res->reports++;
	}
	if (rc != SQLITE_DONE)
		e = src_fail(m, "read reports");
out:
	sqlite3_finalize(q);
	return e;
}

static enum sayso_err record(struct merge *m, const char *actor,
			     const char *source)
{
	struct sayso_merge_result *r = m->res;
	if (r->ballots + r->ratings + r->reports > 0) {
		char now[SAYSO_TIME_LEN + 1];
		Sayso_now_text(now, sizeof now);
		sqlite3_stmt *s = Sayso_store_stmt(
		    m->st, "INSERT INTO merges(source, device_id, at, "
			   "ballots, ratings, reports) VALUES(?1, ?2, ?3, "
			   "?4, ?5, ?6)");
		if (!s)
			return SAYSO_ERR_DB;
		sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
		Sayso_bind_text_or_null(s, 2, r->device_id);
		sqlite3_bind_text(s, 3, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 4, r->ballots);
		sqlite3_bind_int64(s, 5, r->ratings);
		sqlite3_bind_int64(s, 6, r->reports);
		enum sayso_err e =
		    Sayso_store_step_done(m->st, s, "record merge");
		if (e != SAYSO_OK)
			return e;
	}
	return sayso_store_audit(m->st, actor, "merge",
				 "%s (device %s): %lld ballots, %lld ratings, "
				 "%lld reports new; %lld already here; %zu "
				 "ballots changed status",
				 source, r->device_id[0] ? r->device_id : "-",
				 (long long)r->ballots, (long long)r->ratings,
				 (long long)r->reports, (long long)r->known,
				 r->changed);
}

enum sayso_err sayso_merge_kiosk(struct sayso_store *st, const char *src_path,
				 const char *actor,
				 struct sayso_merge_result *res)
{
	memset(res, 0, sizeof *res);
	if (!src_path || !*src_path)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"no file to merge");
	char a[PATH_MAX], b[PATH_MAX];
	const char *own = sayso_store_path(st);
	if (!realpath(src_path, a))
		a[0] = '\0';
	if (a[0] && strcmp(own, ":memory:") != 0 && realpath(own, b) &&
	    strcmp(a, b) == 0)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"%s is this database itself", src_path);

	struct merge m;
	memset(&m, 0, sizeof m);
	m.st = st;
	m.src_path = src_path;
	m.res = res;
	char errbuf[SAYSO_ERRMSG_MAX];
	enum sayso_err e = sayso_store_open(
	    src_path, SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET, &m.src,
	    errbuf, sizeof errbuf);
	if (e != SAYSO_OK)
		return Sayso_store_fail(st, e, "%s", errbuf);
	m.sdb = Sayso_store_sqlite(m.src);

	const char *theirs = sayso_store_site_check(m.src);
	const char *ours = sayso_store_site_check(st);
	if (!theirs || !*theirs) {
		e = Sayso_store_fail(st, SAYSO_ERR_SECRET,
				     "%s has no site check value (it was never "
				     "given a site secret); refusing to merge",
				     src_path);
		goto close;
	}
	if (!ours || strcmp(theirs, ours) != 0) {
		e = Sayso_store_fail(st, SAYSO_ERR_SECRET,
				     "%s belongs to another site (its site "
				     "secret differs from this database's)",
				     src_path);
		goto close;
	}

	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		goto close;
	/* A consistent snapshot of the source for the whole merge. */
	if (sayso_store_read_begin(m.src) != SAYSO_OK) {
		e = src_fail(&m, "begin read");
		goto rollback;
	}
	if ((e = merge_devices(&m)) != SAYSO_OK ||
	    (e = merge_ballots(&m)) != SAYSO_OK ||
	    (e = merge_ratings(&m)) != SAYSO_OK ||
	    (e = merge_reports(&m)) != SAYSO_OK)
		goto rollback;
	for (size_t i = 0; i < m.nrounds; i++) {
		size_t changed = 0;
		if ((e = sayso_ballot_reapply(st, m.rounds[i], &changed)) !=
		    SAYSO_OK)
			goto rollback;
		res->changed += changed;
	}
	if ((e = record(&m, actor, a[0] ? a : src_path)) != SAYSO_OK)
		goto rollback;
	sayso_store_read_end(m.src);
	e = sayso_store_commit(st);
	goto close;
rollback:
	sayso_store_read_end(m.src);
	sayso_store_rollback(st);
close:
	sayso_store_close(m.src);
	return e;
}

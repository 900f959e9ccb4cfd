/*
 * partner.c: partners, routing, who is responsible for an issue, and likely
 * duplicates, for both kinds of issue (resident reports and walk issues).
 *
 * The design decision: routing and the duplicate link are made once, by
 * Sayso_issue_created(), inside the transaction that creates the issue, so
 * a report from the kiosk, an SMS, a merge or a walkabout all get the same
 * rule and no issue is ever seen without its partner.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/buf.h"
#include "sayso/feedback.h"
#include "sayso/partner.h"
#include "sayso/walkabout.h"

static bool code_valid(const char *code, size_t max)
{
	size_t n = code ? strlen(code) : 0;

	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)code[i];
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
	}
	return true;
}

enum sayso_err sayso_partner_add(struct sayso_store *st, const char *code,
				 const char *name, const char *actor)
{
	if (!code_valid(code, SAYSO_PARTNER_CODE_MAX))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a partner code is 1 to %d letters, "
					"digits, '-' or '_', not '%s'",
					SAYSO_PARTNER_CODE_MAX - 1,
					code ? code : "");
	if (!name || !*name || strlen(name) >= SAYSO_PARTNER_NAME_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a partner's name is 1 to %d bytes",
					SAYSO_PARTNER_NAME_MAX - 1);
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, "INSERT INTO partners(code, name, created_at) "
				 "VALUES(?1, ?2, ?3)");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, code, -1);
	Sayso_bind_text(s, 2, name, -1);
	Sayso_bind_text(s, 3, now, -1);
	if ((e = Sayso_store_insert_new(st, s, "add partner",
					"there is already a partner '%s'",
					code)) != SAYSO_OK)
		goto out;
	if ((e = sayso_store_audit(st, actor, "partner.add", "code=%s name=%s",
				   code, name)) != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

static void partner_row(struct sayso_stmt *s, struct sayso_partner *p)
{
	memset(p, 0, sizeof *p);
	p->id = Sayso_col_int64(s, 0);
	Sayso_column_copy(s, 1, p->code, sizeof p->code);
	Sayso_column_copy(s, 2, p->name, sizeof p->name);
}

enum sayso_err sayso_partner_get(struct sayso_store *st, const char *code,
				 struct sayso_partner *out)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, code, name FROM partners WHERE code = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, code ? code : "", -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW)
		partner_row(s, out);
	Sayso_reset(s);
	if (rc == SAYSO_SQL_ROW)
		return SAYSO_OK;
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "find partner");
	return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND, "no partner '%s'",
				code ? code : "");
}

enum sayso_err sayso_partner_list(struct sayso_store *st,
				  struct sayso_partner **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	enum sayso_err e = SAYSO_OK;

	*out = NULL;
	*n = 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, code, name FROM partners ORDER BY code");
	if (!s)
		return SAYSO_ERR_DB;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			e = SAYSO_ERR_NOMEM;
			goto out;
		}
		partner_row(s, &(*out)[(*n)++]);
	}
	if (rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "list partners");
out:
	Sayso_reset(s);
	if (e != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

enum sayso_err sayso_partner_route(struct sayso_store *st, const char *code,
				   const char *category, const char *street,
				   const char *actor)
{
	struct sayso_partner p;
	enum sayso_err e;

	if (!category || !*category || strlen(category) >= 48)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a route needs a category (or '*'), "
					"at most 47 bytes");
	if (street && strlen(street) >= 128)
		return Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"a street is at most 127 bytes");
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	if ((e = sayso_partner_get(st, code, &p)) != SAYSO_OK)
		goto out;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO partner_routes(partner_id, category, street, "
		"created_at) VALUES(?1, ?2, ?3, ?4) ON CONFLICT(category, "
		"street) DO UPDATE SET partner_id = excluded.partner_id, "
		"created_at = excluded.created_at");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, p.id);
	Sayso_bind_text(s, 2, category, -1);
	Sayso_bind_text(s, 3, street ? street : "", -1);
	Sayso_bind_text(s, 4, now, -1);
	if ((e = Sayso_store_step_done(st, s, "route")) != SAYSO_OK)
		goto out;
	if ((e = sayso_store_audit(st, actor, "partner.route",
				   "code=%s category=%s street=%s", p.code,
				   category, street ? street : "")) != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_partner_routes(struct sayso_store *st,
				    struct sayso_route **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	enum sayso_err e = SAYSO_OK;

	*out = NULL;
	*n = 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT p.code, r.category, r.street FROM partner_routes r "
		"JOIN partners p ON p.id = r.partner_id "
		"ORDER BY r.category, r.street");
	if (!s)
		return SAYSO_ERR_DB;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			e = SAYSO_ERR_NOMEM;
			goto out;
		}
		struct sayso_route *r = &(*out)[(*n)++];
		Sayso_column_copy(s, 0, r->partner, sizeof r->partner);
		Sayso_column_copy(s, 1, r->category, sizeof r->category);
		Sayso_column_copy(s, 2, r->street, sizeof r->street);
	}
	if (rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "list routes");
out:
	Sayso_reset(s);
	if (e != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

enum sayso_err sayso_partner_for(struct sayso_store *st, const char *category,
				 const char *street, struct sayso_partner *out,
				 bool *found)
{
	/* Specificity: the category beats '*', then a street beats ''. */
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT p.id, p.code, p.name FROM partner_routes r "
		"JOIN partners p ON p.id = r.partner_id "
		"WHERE (r.category = ?1 OR r.category = '*') "
		"AND (r.street = '' OR (?2 <> '' AND r.street = ?2)) "
		"ORDER BY (r.category = ?1) DESC, (r.street <> '') DESC "
		"LIMIT 1");
	memset(out, 0, sizeof *out);
	*found = false;
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, category ? category : "", -1);
	Sayso_bind_text(s, 2, street ? street : "", -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		partner_row(s, out);
		*found = true;
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "route an issue");
	return SAYSO_OK;
}

/* ---- issues of either kind ---- */

struct issue {
	enum sayso_issue_kind kind;
	int64_t id;
	char ref[SAYSO_ISSUE_REF_MAX];
	int64_t dup_of; /* 0 = none */
};

static enum sayso_err add_partner_history(struct sayso_store *st,
					  const struct issue *is,
					  int64_t partner_id, bool not_ours,
					  const char *note, const char *actor,
					  const char *at)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO issue_partner_history(kind, issue_id, at, "
		"partner_id, not_ours, note, actor) VALUES(?1, ?2, ?3, ?4, ?5, "
		"?6, ?7)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1,
			is->kind == SAYSO_ISSUE_REPORT ? "report" : "walk", -1);
	Sayso_bind_int64(s, 2, is->id);
	Sayso_bind_text(s, 3, at, -1);
	if (partner_id > 0)
		Sayso_bind_int64(s, 4, partner_id);
	else
		Sayso_bind_null(s, 4);
	Sayso_bind_int(s, 5, not_ours ? 1 : 0);
	Sayso_bind_text_or_null(s, 6, note);
	Sayso_bind_text(s, 7, actor ? actor : "unknown", -1);
	return Sayso_store_step_done(st, s, "record partner history");
}

static enum sayso_err set_partner(struct sayso_store *st,
				  const struct issue *is, int64_t partner_id,
				  bool not_ours)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, is->kind == SAYSO_ISSUE_REPORT
		    ? "UPDATE reports SET partner_id = ?1, not_ours = ?2 "
		      "WHERE id = ?3"
		    : "UPDATE walk_issues SET partner_id = ?1, not_ours = ?2 "
		      "WHERE id = ?3");
	if (!s)
		return SAYSO_ERR_DB;
	if (partner_id > 0)
		Sayso_bind_int64(s, 1, partner_id);
	else
		Sayso_bind_null(s, 1);
	Sayso_bind_int(s, 2, not_ours ? 1 : 0);
	Sayso_bind_int64(s, 3, is->id);
	return Sayso_store_step_done(st, s, "set partner");
}

/* The oldest open issue of is's kind with category and street made in the
 * SAYSO_DUP_DAYS days up to at, other than is itself (*dup 0 when none). */
static enum sayso_err find_likely_dup(struct sayso_store *st,
				      const struct issue *is,
				      const char *category, const char *street,
				      const char *at, int64_t *dup)
{
	*dup = 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st,
	    is->kind == SAYSO_ISSUE_REPORT
		? "SELECT id FROM reports WHERE id <> ?1 AND lower(category) "
		  "= lower(?2) AND lower(street) = lower(?3) "
		  "AND cast_at <= ?4 AND cast_at >= ?5 AND status IN ('open', "
		  "'in_progress') AND not_ours = 0 AND dup_of IS NULL "
		  "ORDER BY cast_at, id LIMIT 1"
		: "SELECT w.id FROM walk_issues w WHERE w.id <> ?1 AND "
		  "lower(w.category) = lower(?2) AND lower(w.street) = "
		  "lower(?3) AND w.seen_at <= ?4 AND w.seen_at >= ?5 AND "
		  "w.not_ours = 0 AND w.dup_of IS NULL AND coalesce((SELECT "
		  "c.observed FROM walk_checks c WHERE c.issue_id = w.id "
		  "ORDER BY c.at DESC, c.id DESC LIMIT 1), '') <> 'resolved' "
		  "ORDER BY w.seen_at, w.id LIMIT 1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, is->id);
	Sayso_bind_text(s, 2, category, -1);
	Sayso_bind_text(s, 3, street, -1);
	Sayso_bind_text(s, 4, at, -1);
	int64_t at_ms = 0;
	char since[SAYSO_TIME_LEN + 1];
	if (sayso_time_parse(at, &at_ms) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"bad time '%s' on an issue", at);
	sayso_time_format(at_ms - (int64_t)SAYSO_DUP_DAYS * 86400000, since,
			  sizeof since);
	Sayso_bind_text(s, 5, since, -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW)
		*dup = Sayso_col_int64(s, 0);
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "look for duplicates");
	return SAYSO_OK;
}

static enum sayso_err set_dup(struct sayso_store *st, const struct issue *is,
			      int64_t of, const char *state)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, is->kind == SAYSO_ISSUE_REPORT
		    ? "UPDATE reports SET dup_of = ?1, dup_state = ?2 "
		      "WHERE id = ?3"
		    : "UPDATE walk_issues SET dup_of = ?1, dup_state = ?2 "
		      "WHERE id = ?3");
	if (!s)
		return SAYSO_ERR_DB;
	if (of > 0)
		Sayso_bind_int64(s, 1, of);
	else
		Sayso_bind_null(s, 1);
	Sayso_bind_text_or_null(s, 2, state);
	Sayso_bind_int64(s, 3, is->id);
	return Sayso_store_step_done(st, s, "link duplicate");
}

enum sayso_err Sayso_issue_created(struct sayso_store *st,
				   enum sayso_issue_kind kind, int64_t id,
				   const char *category, const char *street,
				   const char *at)
{
	struct issue is = {.kind = kind, .id = id};
	struct sayso_partner p;
	bool found = false;
	int64_t dup = 0;
	enum sayso_err e;

	if ((e = sayso_partner_for(st, category, street, &p, &found)) !=
	    SAYSO_OK)
		return e;
	if (found && (e = set_partner(st, &is, p.id, false)) != SAYSO_OK)
		return e;
	if ((e = add_partner_history(st, &is, found ? p.id : 0, false, NULL,
				     "routing", at)) != SAYSO_OK)
		return e;
	if (!street || !*street)
		return SAYSO_OK;
	if ((e = find_likely_dup(st, &is, category, street, at, &dup)) !=
	    SAYSO_OK)
		return e;
	return dup > 0 ? set_dup(st, &is, dup, "likely") : SAYSO_OK;
}

/* Finds the issue with reference ref (any case) in either table. */
static enum sayso_err find_issue(struct sayso_store *st, const char *ref,
				 struct issue *out)
{
	char want[SAYSO_ISSUE_REF_MAX];
	size_t n = 0;

	memset(out, 0, sizeof *out);
	for (const char *p = ref ? ref : ""; *p && n + 1 < sizeof want; p++)
		want[n++] = (char)toupper((unsigned char)*p);
	want[n] = '\0';
	bool walk = strncmp(want, SAYSO_WALK_REF_PREFIX,
			    strlen(SAYSO_WALK_REF_PREFIX)) == 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, walk ? "SELECT id, ref, coalesce(dup_of, 0) FROM walk_issues "
		       "WHERE ref = ?1"
		     : "SELECT id, ref, coalesce(dup_of, 0) FROM reports "
		       "WHERE ref = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, want, -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		out->kind = walk ? SAYSO_ISSUE_WALK : SAYSO_ISSUE_REPORT;
		out->id = Sayso_col_int64(s, 0);
		Sayso_column_copy(s, 1, out->ref, sizeof out->ref);
		out->dup_of = Sayso_col_int64(s, 2);
	}
	Sayso_reset(s);
	if (rc == SAYSO_SQL_ROW)
		return SAYSO_OK;
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "find issue");
	return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
				"no report or walk issue '%s'", ref ? ref : "");
}

enum sayso_err sayso_issue_assign(struct sayso_store *st, const char *ref,
				  const char *code, const char *note,
				  const char *actor)
{
	struct issue is;
	struct sayso_partner p;
	enum sayso_err e;

	if (note && strlen(note) > SAYSO_ISSUE_NOTE_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"a note is at most %d bytes",
					SAYSO_ISSUE_NOTE_MAX);
	memset(&p, 0, sizeof p);
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	if ((e = find_issue(st, ref, &is)) != SAYSO_OK)
		goto out;
	if (code && (e = sayso_partner_get(st, code, &p)) != SAYSO_OK)
		goto out;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	if ((e = set_partner(st, &is, p.id, code == NULL)) != SAYSO_OK ||
	    (e = add_partner_history(st, &is, p.id, code == NULL, note, actor,
				     now)) != SAYSO_OK)
		goto out;
	if ((e = sayso_store_audit(st, actor, "issue.partner", "ref=%s -> %s",
				   is.ref, code ? p.code : "not-ours")) !=
	    SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_issue_partner_history(struct sayso_store *st,
					   const char *ref,
					   struct sayso_partner_change **out,
					   size_t *n)
{
	struct issue is;
	size_t cap = 0;
	int rc;
	enum sayso_err e;

	*out = NULL;
	*n = 0;
	if ((e = find_issue(st, ref, &is)) != SAYSO_OK)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT h.at, coalesce(p.code, ''), h.not_ours, "
		"coalesce(h.note, ''), h.actor FROM issue_partner_history h "
		"LEFT JOIN partners p ON p.id = h.partner_id "
		"WHERE h.kind = ?1 AND h.issue_id = ?2 ORDER BY h.at, h.id");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, is.kind == SAYSO_ISSUE_REPORT ? "report" : "walk",
			-1);
	Sayso_bind_int64(s, 2, is.id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			e = SAYSO_ERR_NOMEM;
			goto out;
		}
		struct sayso_partner_change *c = &(*out)[(*n)++];
		memset(c, 0, sizeof *c);
		Sayso_column_copy(s, 0, c->at, sizeof c->at);
		Sayso_column_copy(s, 1, c->partner, sizeof c->partner);
		c->not_ours = Sayso_col_int(s, 2) != 0;
		Sayso_column_copy(s, 3, c->note, sizeof c->note);
		Sayso_column_copy(s, 4, c->actor, sizeof c->actor);
	}
	if (rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "partner history");
out:
	Sayso_reset(s);
	if (e != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

/* Issues linked to is (now a duplicate itself) are linked to target. */
static enum sayso_err repoint_dups(struct sayso_store *st,
				   const struct issue *is, int64_t target)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, is->kind == SAYSO_ISSUE_REPORT
		    ? "UPDATE reports SET dup_of = ?1 WHERE dup_of = ?2"
		    : "UPDATE walk_issues SET dup_of = ?1 WHERE dup_of = ?2");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, target);
	Sayso_bind_int64(s, 2, is->id);
	return Sayso_store_step_done(st, s, "relink duplicates");
}

enum sayso_err sayso_issue_duplicate(struct sayso_store *st, const char *ref,
				     const char *of_ref, const char *actor)
{
	struct issue is, of;
	enum sayso_err e;

	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	if ((e = find_issue(st, ref, &is)) != SAYSO_OK)
		goto out;
	if (!of_ref) {
		if ((e = set_dup(st, &is, 0, NULL)) != SAYSO_OK)
			goto out;
		e = sayso_store_audit(st, actor, "issue.split", "ref=%s",
				      is.ref);
		goto done;
	}
	if ((e = find_issue(st, of_ref, &of)) != SAYSO_OK)
		goto out;
	if (of.kind != is.kind) {
		e = Sayso_store_fail(st, SAYSO_ERR_INVAL,
				     "%s and %s are not the same kind of issue "
				     "(a resident's report and a walkabout "
				     "issue)",
				     is.ref, of.ref);
		goto out;
	}
	/* Link to the original, never to another duplicate. */
	int64_t target = of.dup_of > 0 ? of.dup_of : of.id;
	if (target == is.id) {
		e = Sayso_store_fail(st, SAYSO_ERR_INVAL,
				     "%s cannot be a duplicate of itself",
				     is.ref);
		goto out;
	}
	if ((e = set_dup(st, &is, target, "confirmed")) != SAYSO_OK ||
	    (e = repoint_dups(st, &is, target)) != SAYSO_OK)
		goto out;
	e = sayso_store_audit(st, actor, "issue.duplicate", "ref=%s of=%s",
			      is.ref, of.ref);
done:
	if (e != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_issue_duplicates(struct sayso_store *st, bool confirmed,
				      struct sayso_dup_link **out, size_t *n)
{
	static const char *const sql[2] = {
	    "SELECT r.ref, d.ref, r.dup_state, r.category,"
	    " coalesce(r.street, ''), r.cast_at FROM reports r"
	    " JOIN reports d ON d.id = r.dup_of"
	    " WHERE r.dup_state = 'likely' OR (?1 AND r.dup_state = "
	    "'confirmed') ORDER BY r.cast_at, r.id",
	    "SELECT w.ref, d.ref, w.dup_state, w.category, w.street,"
	    " w.seen_at FROM walk_issues w JOIN walk_issues d ON d.id = "
	    "w.dup_of WHERE w.dup_state = 'likely' OR (?1 AND w.dup_state = "
	    "'confirmed') ORDER BY w.seen_at, w.id"};
	size_t cap = 0;
	enum sayso_err e = SAYSO_OK;

	*out = NULL;
	*n = 0;
	for (int k = 0; k < 2 && e == SAYSO_OK; k++) {
		struct sayso_stmt *s = Sayso_store_stmt(st, sql[k]);
		int rc;
		if (!s) {
			e = SAYSO_ERR_DB;
			break;
		}
		Sayso_bind_int(s, 1, confirmed ? 1 : 0);
		while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
			if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
					     SIZE_MAX) != SAYSO_OK) {
				e = SAYSO_ERR_NOMEM;
				break;
			}
			struct sayso_dup_link *d = &(*out)[(*n)++];
			char state[16];
			memset(d, 0, sizeof *d);
			d->walk = k == 1;
			Sayso_column_copy(s, 0, d->ref, sizeof d->ref);
			Sayso_column_copy(s, 1, d->of, sizeof d->of);
			Sayso_column_copy(s, 2, state, sizeof state);
			d->confirmed = strcmp(state, "confirmed") == 0;
			Sayso_column_copy(s, 3, d->category,
					  sizeof d->category);
			Sayso_column_copy(s, 4, d->street, sizeof d->street);
			Sayso_column_copy(s, 5, d->at, sizeof d->at);
		}
		if (e == SAYSO_OK && rc != SAYSO_SQL_DONE)
			e = Sayso_store_sqlfail(st, "duplicates");
		Sayso_reset(s);
	}
	if (e != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

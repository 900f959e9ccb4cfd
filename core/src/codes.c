/*
 * codes.c: voter codes issued per round, and the eligibility check.
 *
 * A code row holds the code's keyed hash, which is also the resident id of
 * the code: the ballot path needs no plain code to find it, and the plain
 * code is never stored. sayso_ballot_eligible() is the one place that
 * decides who may vote; sayso_ballot_cast() calls it inside the ballot's
 * transaction and marks an issued code used there, so two kiosks typing one
 * code at once still count one ballot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/buf.h"
#include "sayso/codes.h"
#include "sayso/identity.h"

const char *sayso_code_status_name(enum sayso_code_status s)
{
	switch (s) {
	case SAYSO_CODE_ISSUED:
		return "issued";
	case SAYSO_CODE_USED:
		return "used";
	case SAYSO_CODE_VOID:
		return "void";
	case SAYSO_CODE_TEST:
		return "test";
	}
	return "void";
}

enum sayso_err sayso_code_status_parse(const char *s,
				       enum sayso_code_status *out)
{
	static const enum sayso_code_status all[] = {
	    SAYSO_CODE_ISSUED, SAYSO_CODE_USED, SAYSO_CODE_VOID,
	    SAYSO_CODE_TEST};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (s && strcmp(s, sayso_code_status_name(all[i])) == 0) {
			*out = all[i];
			return SAYSO_OK;
		}
	return SAYSO_ERR_INVAL;
}

static enum sayso_err code_hash(struct sayso_store *st, const char *code,
				char *out, size_t outsz)
{
	const unsigned char *secret = sayso_store_secret(st);
	if (!secret)
		return Sayso_store_fail(st, SAYSO_ERR_SECRET,
					"no site secret loaded");
	enum sayso_err e =
	    sayso_resident_id(secret, SAYSO_ID_CODE, code, out, outsz);
	if (e != SAYSO_OK)
		return Sayso_store_fail(st, e, "cannot hash the voter code");
	return SAYSO_OK;
}

/* The row of hash in round_id: *found, id and status. */
static enum sayso_err find_row(struct sayso_store *st, int64_t round_id,
			       const char *hash, bool *found, int64_t *id,
			       enum sayso_code_status *status)
{
	*found = false;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, status FROM voter_codes WHERE round_id = ?1 AND "
		"code_hash = ?2");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	Sayso_bind_text(s, 2, hash, -1);
	int rc = Sayso_step(s);
	enum sayso_err e = SAYSO_OK;
	if (rc == SAYSO_SQL_ROW) {
		*found = true;
		if (id)
			*id = Sayso_col_int64(s, 0);
		if (sayso_code_status_parse((const char *)Sayso_col_text(s, 1),
					    status) != SAYSO_OK)
			e = Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					     "a voter code has an unknown "
					     "status");
	} else if (rc != SAYSO_SQL_DONE) {
		e = Sayso_store_sqlfail(st, "find voter code");
	}
	Sayso_reset(s);
	return e;
}

enum sayso_err sayso_codes_issue(struct sayso_store *st, int64_t round_id,
				 const char *code,
				 enum sayso_code_status status,
				 const char *source)
{
	char hash[SAYSO_RESIDENT_ID_LEN + 1], now[SAYSO_TIME_LEN + 1];
	if (status != SAYSO_CODE_ISSUED && status != SAYSO_CODE_TEST)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a code is issued as issued or test");
	enum sayso_err e =
	    sayso_store_resident(st, SAYSO_ID_CODE, code, hash, sizeof hash);
	if (e != SAYSO_OK)
		return e;
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO voter_codes(round_id, code_hash, status, source, "
		"created_at, changed_at) VALUES(?1, ?2, ?3, ?4, ?5, ?5)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	Sayso_bind_text(s, 2, hash, -1);
	Sayso_bind_text(s, 3, sayso_code_status_name(status), -1);
	Sayso_bind_text(s, 4, source, -1);
	Sayso_bind_text(s, 5, now, -1);
	if (Sayso_step_try(s) != SAYSO_SQL_DONE) {
		bool uniq = Sayso_store_err_unique(st);
		Sayso_reset(s);
		if (uniq)
			return Sayso_store_fail(st, SAYSO_ERR_EXISTS,
						"voter code %s is already "
						"recorded for this round",
						code);
		return Sayso_store_sqlfail(st, "record voter code");
	}
	Sayso_reset(s);
	return SAYSO_OK;
}

enum sayso_err sayso_codes_lookup(struct sayso_store *st, int64_t round_id,
				  const char *code, bool *found,
				  enum sayso_code_status *status)
{
	char hash[SAYSO_RESIDENT_ID_LEN + 1];
	enum sayso_err e = code_hash(st, code, hash, sizeof hash);
	if (e != SAYSO_OK)
		return e;
	return find_row(st, round_id, hash, found, NULL, status);
}

static enum sayso_err set_status(struct sayso_store *st, int64_t id,
				 enum sayso_code_status status)
{
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE voter_codes SET status = ?1, changed_at = ?2 WHERE id "
		"= ?3");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, sayso_code_status_name(status), -1);
	Sayso_bind_text(s, 2, now, -1);
	Sayso_bind_int64(s, 3, id);
	return Sayso_store_step_done(st, s, "change voter code status");
}

enum sayso_err sayso_codes_mark_used(struct sayso_store *st, int64_t code_id)
{
	return set_status(st, code_id, SAYSO_CODE_USED);
}

enum sayso_err sayso_codes_void(struct sayso_store *st, int64_t round_id,
				const char *code, const char *actor,
				const char *why)
{
	char hash[SAYSO_RESIDENT_ID_LEN + 1];
	bool found = false;
	int64_t id = 0;
	enum sayso_code_status status = SAYSO_CODE_ISSUED;
	if (!why || !*why)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"say why the code is cancelled");
	enum sayso_err e = code_hash(st, code, hash, sizeof hash);
	if (e != SAYSO_OK)
		return e;
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	if ((e = find_row(st, round_id, hash, &found, &id, &status)) !=
	    SAYSO_OK)
		goto out;
	if (!found) {
		e = Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
				     "voter code %s was not issued for this "
				     "round",
				     code);
		goto out;
	}
	if (status == SAYSO_CODE_USED || status == SAYSO_CODE_VOID) {
		e = Sayso_store_fail(st, SAYSO_ERR_STATE,
				     status == SAYSO_CODE_USED
					 ? "voter code %s has voted; void its "
					   "ballot with 'ballot void'"
					 : "voter code %s is already void",
				     code);
		goto out;
	}
	if ((e = set_status(st, id, SAYSO_CODE_VOID)) != SAYSO_OK)
		goto out;
	/* The audit names the row, never the code. */
	if ((e = sayso_store_audit(st, actor, "codes.void",
				   "voter code #%lld (%.12s) of round %lld "
				   "void (was %s); why: %s",
				   (long long)id, hash, (long long)round_id,
				   sayso_code_status_name(status), why)) !=
	    SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_codes_count(struct sayso_store *st, int64_t round_id,
				 int64_t counts[4])
{
	memset(counts, 0, 4 * sizeof counts[0]);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT status, count(*) FROM voter_codes WHERE round_id = ?1 "
		"GROUP BY status");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	int rc;
	enum sayso_err e = SAYSO_OK;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		enum sayso_code_status cs;
		if (sayso_code_status_parse((const char *)Sayso_col_text(s, 0),
					    &cs) != SAYSO_OK) {
			e = Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					     "a voter code has an unknown "
					     "status");
			break;
		}
		counts[cs] = Sayso_col_int64(s, 1);
	}
	if (e == SAYSO_OK && rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "count voter codes");
	Sayso_reset(s);
	return e;
}

enum sayso_err sayso_codes_list(struct sayso_store *st, int64_t round_id,
				bool any_status, enum sayso_code_status status,
				struct sayso_code_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	enum sayso_err e = SAYSO_OK;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, substr(code_hash, 1, 12), status, source, "
		"created_at, changed_at FROM voter_codes WHERE round_id = ?1 "
		"AND (CAST(?2 AS TEXT) IS NULL OR status = ?2) ORDER BY id");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	if (!any_status)
		Sayso_bind_text(s, 2, sayso_code_status_name(status), -1);
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			e = Sayso_store_fail(st, SAYSO_ERR_NOMEM,
					     "out of memory");
			goto out;
		}
		struct sayso_code_row *c = &(*out)[(*n)++];
		memset(c, 0, sizeof *c);
		c->id = Sayso_col_int64(s, 0);
		Sayso_column_copy(s, 1, c->hash_prefix, sizeof c->hash_prefix);
		if (sayso_code_status_parse((const char *)Sayso_col_text(s, 2),
					    &c->status) != SAYSO_OK)
			c->status = SAYSO_CODE_VOID;
		Sayso_column_copy(s, 3, c->source, sizeof c->source);
		Sayso_column_copy(s, 4, c->created_at, sizeof c->created_at);
		Sayso_column_copy(s, 5, c->changed_at, sizeof c->changed_at);
	}
	if (rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "list voter codes");
out:
	Sayso_reset(s);
	if (e != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

/* residents.kind of id: "phone", "code" or "" (unknown). */
static enum sayso_err resident_kind(struct sayso_store *st, const char *id,
				    char *kind, size_t kindsz)
{
	kind[0] = '\0';
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT coalesce(kind, '') FROM residents WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, id, -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW)
		Sayso_column_copy(s, 0, kind, kindsz);
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read resident");
	return SAYSO_OK;
}

/* Whether the resident has a ballot (not rejected) in the round. */
static enum sayso_err has_ballot(struct sayso_store *st, int64_t round_id,
				 const char *id, bool *yes)
{
	*yes = false;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT 1 FROM ballots WHERE round_id = ?1 AND resident_id = "
		"?2 AND status != 'rejected' LIMIT 1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	Sayso_bind_text(s, 2, id, -1);
	int rc = Sayso_step(s);
	*yes = rc == SAYSO_SQL_ROW;
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "find ballot");
	return SAYSO_OK;
}

#define REFUSE(c, ...)                                                         \
	do {                                                                   \
		out->ok = false;                                               \
		out->code = (c);                                               \
		snprintf(out->why, sizeof out->why, __VA_ARGS__);              \
		return SAYSO_OK;                                               \
	} while (0)

static enum sayso_err code_eligible(struct sayso_store *st,
				    const struct sayso_round *r,
				    const char *rid,
				    struct sayso_eligibility *out)
{
	if (r->identity == SAYSO_IDENTITY_PHONE ||
	    r->identity == SAYSO_IDENTITY_PHONE_SMS)
		REFUSE(SAYSO_REASON_PHONE_ROUND,
		       "this vote takes phone numbers, not voter codes");
	switch (out->status) {
	case SAYSO_CODE_ISSUED:
		return SAYSO_OK;
	case SAYSO_CODE_TEST:
		out->test = true;
		return SAYSO_OK;
	case SAYSO_CODE_VOID:
		REFUSE(SAYSO_REASON_CODE_VOID,
		       "this voter code has been cancelled");
	case SAYSO_CODE_USED:
		break;
	}
	bool voted = false;
	enum sayso_err e = has_ballot(st, r->id, rid, &voted);
	if (e != SAYSO_OK)
		return e;
	if (!voted)
		REFUSE(SAYSO_REASON_CODE_USED,
		       "this voter code has already been used");
	return SAYSO_OK; /* the one-vote rule decides */
}

enum sayso_err
sayso_ballot_eligible(struct sayso_store *st, const struct sayso_round *r,
		      const char *resident_id, enum sayso_channel channel,
		      bool phone_proven, struct sayso_eligibility *out)
{
	memset(out, 0, sizeof *out);
	out->ok = true;
	if (!resident_id || !*resident_id)
		return SAYSO_OK; /* imported ballots: no one to check */
	bool found = false;
	enum sayso_err e = find_row(st, r->id, resident_id, &found,
				    &out->code_id, &out->status);
	if (e != SAYSO_OK)
		return e;
	if (found) {
		out->by_code = true;
		return code_eligible(st, r, resident_id, out);
	}
	char kind[8];
	if ((e = resident_kind(st, resident_id, kind, sizeof kind)) != SAYSO_OK)
		return e;
	if (strcmp(kind, "code") == 0)
		REFUSE(SAYSO_REASON_CODE_OTHER_ROUND,
		       "this is not a voter code for %s", r->title);
	switch (r->identity) {
	case SAYSO_IDENTITY_CODE:
		REFUSE(SAYSO_REASON_CODES_ONLY,
		       "this vote takes voter codes only");
	case SAYSO_IDENTITY_PHONE_SMS:
		if (channel == SAYSO_CH_SMS ||
		    (channel == SAYSO_CH_KIOSK && phone_proven))
			return SAYSO_OK;
		REFUSE(SAYSO_REASON_PHONE_UNPROVEN,
		       "this vote takes phone numbers proven by a text "
		       "message");
	case SAYSO_IDENTITY_PHONE:
	case SAYSO_IDENTITY_ANY:
		break;
	}
	return SAYSO_OK;
}

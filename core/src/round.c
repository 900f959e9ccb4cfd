/*
 * round.c: participatory-budgeting rounds, their projects, and money.
 *
 * Rounds move draft -> open -> closed (and may be re-opened). Money is whole
 * minor units; parsing and formatting of amounts lives here so every program
 * writes "£50,000" the same way and refuses "£5O,000" the same way.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/buf.h"
#include "sayso/round.h"

const char *sayso_ballot_kind_name(enum sayso_ballot_kind k)
{
	switch (k) {
	case SAYSO_BALLOT_APPROVAL:
		return "approval";
	case SAYSO_BALLOT_KNAPSACK:
		return "knapsack";
	case SAYSO_BALLOT_CUMULATIVE:
		return "cumulative";
	case SAYSO_BALLOT_ORDINAL:
		return "ordinal";
	}
	return "?";
}

enum sayso_err sayso_ballot_kind_parse(const char *s,
				       enum sayso_ballot_kind *out)
{
	static const enum sayso_ballot_kind all[] = {
	    SAYSO_BALLOT_APPROVAL, SAYSO_BALLOT_KNAPSACK,
	    SAYSO_BALLOT_CUMULATIVE, SAYSO_BALLOT_ORDINAL};
	for (size_t i = 0; i < 4; i++)
		if (s && strcmp(s, sayso_ballot_kind_name(all[i])) == 0) {
			*out = all[i];
			return SAYSO_OK;
		}
	return SAYSO_ERR_INVAL;
}

const char *sayso_revote_name(enum sayso_revote r)
{
	switch (r) {
	case SAYSO_REVOTE_FIRST:
		return "first";
	case SAYSO_REVOTE_LAST:
		return "last";
	}
	return "?";
}

const char *sayso_identity_name(enum sayso_identity id)
{
	switch (id) {
	case SAYSO_IDENTITY_ANY:
		return "any";
	case SAYSO_IDENTITY_PHONE:
		return "phone";
	case SAYSO_IDENTITY_PHONE_SMS:
		return "phone+sms";
	case SAYSO_IDENTITY_CODE:
		return "code";
	}
	return "any";
}

enum sayso_err sayso_identity_parse(const char *s, enum sayso_identity *out)
{
	static const enum sayso_identity all[] = {
	    SAYSO_IDENTITY_PHONE, SAYSO_IDENTITY_PHONE_SMS, SAYSO_IDENTITY_CODE,
	    SAYSO_IDENTITY_ANY};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (s && strcmp(s, sayso_identity_name(all[i])) == 0) {
			*out = all[i];
			return SAYSO_OK;
		}
	return SAYSO_ERR_INVAL;
}

bool sayso_revote_later_wins(enum sayso_revote policy)
{
	switch (policy) {
	case SAYSO_REVOTE_FIRST:
		return false;
	case SAYSO_REVOTE_LAST:
		return true;
	}
	return false;
}

bool sayso_round_revote_allows(const struct sayso_round *r)
{
	return r && sayso_revote_later_wins(r->revote);
}

enum sayso_err sayso_revote_parse(const char *s, enum sayso_revote *out)
{
	if (s && strcmp(s, "first") == 0)
		*out = SAYSO_REVOTE_FIRST;
	else if (s && strcmp(s, "last") == 0)
		*out = SAYSO_REVOTE_LAST;
	else
		return SAYSO_ERR_INVAL;
	return SAYSO_OK;
}

const char *sayso_round_state_name(enum sayso_round_state s)
{
	switch (s) {
	case SAYSO_ROUND_DRAFT:
		return "draft";
	case SAYSO_ROUND_OPEN:
		return "open";
	case SAYSO_ROUND_CLOSED:
		return "closed";
	}
	return "?";
}

static enum sayso_round_state state_parse(const char *s)
{
	if (strcmp(s, "open") == 0)
		return SAYSO_ROUND_OPEN;
	if (strcmp(s, "closed") == 0)
		return SAYSO_ROUND_CLOSED;
	return SAYSO_ROUND_DRAFT;
}

void sayso_project_public_id(const struct sayso_round *r,
			     const struct sayso_project *p, char *out,
			     size_t outsz)
{
	if (r->imported && p->ext_id[0])
		snprintf(out, outsz, "%s", p->ext_id);
	else
		snprintf(out, outsz, "%d", p->number);
}

bool sayso_round_code_valid(const char *code)
{
	if (!code)
		return false;
	size_t n = strlen(code);
	if (n == 0 || n >= SAYSO_CODE_MAX)
		return false;
	for (const char *p = code; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
			return false;
	return true;
}

bool sayso_currency_valid(const char *cur)
{
	if (!cur || strlen(cur) != 3)
		return false;
	for (int i = 0; i < 3; i++)
		if (cur[i] < 'A' || cur[i] > 'Z')
			return false;
	return true;
}

bool sayso_project_number_valid(long n)
{
	return n >= SAYSO_PROJECT_NUMBER_MIN && n <= SAYSO_PROJECT_NUMBER_MAX;
}

#define ROUND_COLS                                                             \
	"id, code, title, budget, currency, ballot_kind, min_picks, "          \
	"max_picks, max_points, max_sum_points, revote, coalesce(opens,''), "  \
	"coalesce(closes,''), state, imported, identity"

static void round_from_row(struct sayso_stmt *s, struct sayso_round *r)
{
	memset(r, 0, sizeof *r);
	r->id = Sayso_col_int64(s, 0);
	Sayso_column_copy(s, 1, r->code, sizeof r->code);
	Sayso_column_copy(s, 2, r->title, sizeof r->title);
	r->budget = Sayso_col_int64(s, 3);
	Sayso_column_copy(s, 4, r->currency, sizeof r->currency);
	const char *kind = (const char *)Sayso_col_text(s, 5);
	if (sayso_ballot_kind_parse(kind, &r->kind) != SAYSO_OK)
		r->kind = SAYSO_BALLOT_APPROVAL;
	r->min_picks = Sayso_col_int(s, 6);
	r->max_picks = Sayso_col_int(s, 7);
	r->max_points = Sayso_col_int(s, 8);
	r->max_sum_points = Sayso_col_int(s, 9);
	const char *rv = (const char *)Sayso_col_text(s, 10);
	if (sayso_revote_parse(rv, &r->revote) != SAYSO_OK)
		r->revote = SAYSO_REVOTE_FIRST;
	Sayso_column_copy(s, 11, r->opens, sizeof r->opens);
	Sayso_column_copy(s, 12, r->closes, sizeof r->closes);
	r->state = state_parse((const char *)Sayso_col_text(s, 13));
	r->imported = Sayso_col_int(s, 14) != 0;
	if (sayso_identity_parse((const char *)Sayso_col_text(s, 15),
				 &r->identity) != SAYSO_OK)
		r->identity = SAYSO_IDENTITY_ANY;
}

/* The settings of r are consistent; opens/closes (SAYSO_TIME_LEN + 1)
 * receive the canonical times, "" when unset. Shared by create and edit. */
static enum sayso_err round_check(struct sayso_store *st, struct sayso_round *r,
				  char *opens, char *closes)
{
	if (!sayso_round_code_valid(r->code))
		return Sayso_store_fail(
		    st, SAYSO_ERR_INVAL,
		    "round code '%s': " SAYSO_ROUND_CODE_RULE, r->code);
	if (!r->title[0])
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a round needs a title");
	if (r->budget < 0)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"the budget cannot be negative");
	if (!r->currency[0])
		snprintf(r->currency, sizeof r->currency, "GBP");
	if (!sayso_currency_valid(r->currency))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"currency '%s': use a 3-letter "
					"code such as GBP",
					r->currency);
	if (r->min_picks < 0 || r->max_picks < 0 ||
	    (r->max_picks && r->min_picks > r->max_picks))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"picks: min %d is more than max %d",
					r->min_picks, r->max_picks);
	int64_t o = 0, c = 0;
	char why[96];
	if (r->opens[0] &&
	    sayso_time_parse_why(r->opens, &o, why, sizeof why) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL, "opens '%s': %s",
					r->opens, why);
	if (r->closes[0] &&
	    sayso_time_parse_why(r->closes, &c, why, sizeof why) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL, "closes '%s': %s",
					r->closes, why);
	if (r->opens[0] && r->closes[0] && c <= o)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"the round closes before it opens");
	opens[0] = closes[0] = '\0';
	if (r->opens[0])
		sayso_time_format(o, opens, SAYSO_TIME_LEN + 1);
	if (r->closes[0])
		sayso_time_format(c, closes, SAYSO_TIME_LEN + 1);
	return SAYSO_OK;
}

enum sayso_err sayso_round_create(struct sayso_store *st, struct sayso_round *r,
				  const char *actor)
{
	char opens[SAYSO_TIME_LEN + 1], closes[SAYSO_TIME_LEN + 1];
	enum sayso_err e = round_check(st, r, opens, closes);
	if (e != SAYSO_OK)
		return e;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);

	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st,
	    "INSERT INTO rounds(code, title, budget, currency, ballot_kind, "
	    "min_picks, max_picks, max_points, max_sum_points, revote, opens, "
	    "closes, state, imported, created_at, identity) VALUES(?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, r->code, -1);
	Sayso_bind_text(s, 2, r->title, -1);
	Sayso_bind_int64(s, 3, r->budget);
	Sayso_bind_text(s, 4, r->currency, -1);
	Sayso_bind_text(s, 5, sayso_ballot_kind_name(r->kind), -1);
	Sayso_bind_int(s, 6, r->min_picks);
	Sayso_bind_int(s, 7, r->max_picks);
	Sayso_bind_int(s, 8, r->max_points);
	Sayso_bind_int(s, 9, r->max_sum_points);
	Sayso_bind_text(s, 10, sayso_revote_name(r->revote), -1);
	Sayso_bind_text_or_null(s, 11, opens);
	Sayso_bind_text_or_null(s, 12, closes);
	Sayso_bind_text(s, 13, sayso_round_state_name(r->state), -1);
	Sayso_bind_int(s, 14, r->imported);
	Sayso_bind_text(s, 15, now, -1);
	Sayso_bind_text(s, 16, sayso_identity_name(r->identity), -1);
	if ((e = Sayso_store_insert_new(st, s, "create round",
					"a round with code '%s' already exists",
					r->code)) != SAYSO_OK)
		goto out;
	r->id = Sayso_store_last_id(st);
	if (opens[0])
		snprintf(r->opens, sizeof r->opens, "%s", opens);
	if (closes[0])
		snprintf(r->closes, sizeof r->closes, "%s", closes);
	e = sayso_store_audit(
	    st, actor, "round.create",
	    "code=%s budget=%" PRId64 " currency=%s ballot=%s "
	    "min=%d max=%d revote=%s identity=%s",
	    r->code, r->budget, r->currency, sayso_ballot_kind_name(r->kind),
	    r->min_picks, r->max_picks, sayso_revote_name(r->revote),
	    sayso_identity_name(r->identity));
	if (e != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

static enum sayso_err round_query(struct sayso_store *st, const char *sql,
				  int64_t id, const char *code,
				  struct sayso_round *out)
{
	struct sayso_stmt *s = Sayso_store_stmt(st, sql);
	if (!s)
		return SAYSO_ERR_DB;
	if (code)
		Sayso_bind_text(s, 1, code, -1);
	else
		Sayso_bind_int64(s, 1, id);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		round_from_row(s, out);
		Sayso_reset(s);
		return SAYSO_OK;
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read round");
	if (code)
		return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
					"no round with code '%s'", code);
	return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND, "no round %" PRId64,
				id);
}

enum sayso_err sayso_round_get(struct sayso_store *st, const char *code,
			       struct sayso_round *out)
{
	return round_query(st,
			   "SELECT " ROUND_COLS
			   " FROM rounds WHERE lower(code) = lower(?1)",
			   0, code, out);
}

enum sayso_err sayso_round_get_by_id(struct sayso_store *st, int64_t id,
				     struct sayso_round *out)
{
	return round_query(st,
			   "SELECT " ROUND_COLS " FROM rounds WHERE id = ?1",
			   id, NULL, out);
}

static enum sayso_err round_rows(struct sayso_store *st, const char *sql,
				 struct sayso_round **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct sayso_stmt *s = Sayso_store_stmt(st, sql);
	if (!s)
		return SAYSO_ERR_DB;
	size_t cap = 0;
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			Sayso_reset(s);
			free(*out);
			*out = NULL;
			*n = 0;
			return Sayso_store_fail(st, SAYSO_ERR_NOMEM,
						"out of memory");
		}
		round_from_row(s, &(*out)[(*n)++]);
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return Sayso_store_sqlfail(st, "list rounds");
	}
	return SAYSO_OK;
}

enum sayso_err sayso_round_list(struct sayso_store *st,
				struct sayso_round **out, size_t *n)
{
	return round_rows(st, "SELECT " ROUND_COLS " FROM rounds ORDER BY id",
			  out, n);
}

enum sayso_err sayso_round_current(struct sayso_store *st, const char *code,
				   struct sayso_round *out, int *nopen)
{
	if (nopen)
		*nopen = 0;
	if (code && *code)
		return sayso_round_get(st, code, out);
	struct sayso_round *rs;
	size_t n;
	enum sayso_err e =
	    round_rows(st,
		       "SELECT " ROUND_COLS
		       " FROM rounds WHERE state = 'open' ORDER BY id",
		       &rs, &n);
	if (e != SAYSO_OK)
		return e;
	if (nopen)
		*nopen = (int)n;
	if (n == 1)
		*out = rs[0];
	free(rs);
	if (n == 0)
		return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
					"no round is open for voting");
	if (n > 1)
		return Sayso_store_fail(st, SAYSO_ERR_STATE,
					"%zu rounds are open; name the round",
					n);
	return SAYSO_OK;
}

enum sayso_err sayso_round_set_state(struct sayso_store *st, const char *code,
				     enum sayso_round_state state,
				     const char *actor)
{
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	struct sayso_round r;
	if ((e = sayso_round_get(st, code, &r)) != SAYSO_OK)
		goto out;
	if (state == SAYSO_ROUND_DRAFT && r.state != SAYSO_ROUND_DRAFT) {
		e = Sayso_store_fail(
		    st, SAYSO_ERR_STATE,
		    "round %s is %s; it cannot go back to draft", code,
		    sayso_round_state_name(r.state));
		goto out;
	}
	if (state == SAYSO_ROUND_OPEN && r.imported) {
		e = Sayso_store_fail(st, SAYSO_ERR_STATE,
				     "round %s was imported from pabulib; it "
				     "cannot be opened for voting",
				     code);
		goto out;
	}
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, "UPDATE rounds SET state = ?1 WHERE id = ?2");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, sayso_round_state_name(state), -1);
	Sayso_bind_int64(s, 2, r.id);
	if ((e = Sayso_store_step_done(st, s, "change round state")) !=
	    SAYSO_OK)
		goto out;
	e = sayso_store_audit(st, actor, "round.state", "code=%s %s -> %s",
			      code, sayso_round_state_name(r.state),
			      sayso_round_state_name(state));
	if (e != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_reason sayso_round_refusal(const struct sayso_round *r,
				      int64_t now_ms)
{
	if (r->state != SAYSO_ROUND_OPEN)
		return r->state == SAYSO_ROUND_DRAFT ? SAYSO_REASON_NOT_STARTED
						     : SAYSO_REASON_CLOSED;
	int64_t t;
	if (r->opens[0] && sayso_time_parse(r->opens, &t) == SAYSO_OK &&
	    now_ms < t)
		return SAYSO_REASON_NOT_STARTED;
	if (r->closes[0] && sayso_time_parse(r->closes, &t) == SAYSO_OK &&
	    now_ms >= t)
		return SAYSO_REASON_CLOSED;
	return SAYSO_REASON_NONE;
}

bool sayso_round_accepting(const struct sayso_round *r, int64_t now_ms,
			   const char **why)
{
	enum sayso_reason code = sayso_round_refusal(r, now_ms);
	if (why)
		*why = code == SAYSO_REASON_NONE ? NULL
						 : sayso_reason_english(code);
	return code == SAYSO_REASON_NONE;
}

enum sayso_err sayso_project_add(struct sayso_store *st, int64_t round_id,
				 struct sayso_project *p, const char *actor)
{
	if (!p->title[0])
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a project needs a title");
	if (p->cost < 0)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a project's cost cannot be negative");
	if (p->number != 0 && !sayso_project_number_valid(p->number))
		return Sayso_store_fail(
		    st, SAYSO_ERR_INVAL,
		    "project numbers run from " SAYSO_PROJECT_NUMBER_RANGE);
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	struct sayso_round r;
	if ((e = sayso_round_get_by_id(st, round_id, &r)) != SAYSO_OK)
		goto out;
	/* A ballot names projects by number: the list is fixed once a round
	 * opens (and an imported round is a record of another vote). */
	if (r.state != SAYSO_ROUND_DRAFT || r.imported) {
		e = Sayso_store_fail(
		    st, SAYSO_ERR_STATE,
		    "round %s is %s; projects can be added "
		    "only while it is a draft",
		    r.code,
		    r.imported ? "imported" : sayso_round_state_name(r.state));
		goto out;
	}
	if (p->number == 0) {
		struct sayso_stmt *q = Sayso_store_stmt(
		    st, "SELECT coalesce(max(number), 0) + 1 FROM projects "
			"WHERE round_id = ?1");
		if (!q) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		Sayso_bind_int64(q, 1, round_id);
		if (Sayso_step(q) != SAYSO_SQL_ROW) {
			e = Sayso_store_sqlfail(st, "number project");
			Sayso_reset(q);
			goto out;
		}
		p->number = Sayso_col_int(q, 0);
		Sayso_reset(q);
	}
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO projects(round_id, number, ext_id, title, "
		"description, cost) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, round_id);
	Sayso_bind_int(s, 2, p->number);
	Sayso_bind_text_or_null(s, 3, p->ext_id);
	Sayso_bind_text(s, 4, p->title, -1);
	Sayso_bind_text(s, 5, p->description, -1);
	Sayso_bind_int64(s, 6, p->cost);
	if (Sayso_step_try(s) != SAYSO_SQL_DONE) {
		bool uniq = Sayso_store_err_unique(st);
		bool fk = Sayso_store_err_fk(st);
		if (uniq)
			e = Sayso_store_fail(
			    st, SAYSO_ERR_EXISTS,
			    "project number %d is already used "
			    "in this round",
			    p->number);
		else if (fk)
			e = Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
					     "no such round");
		else
			e = Sayso_store_sqlfail(st, "add project");
		Sayso_reset(s);
		goto out;
	}
	Sayso_reset(s);
	p->id = Sayso_store_last_id(st);
	p->round_id = round_id;
	e = sayso_store_audit(st, actor, "project.add",
			      "round=%" PRId64 " number=%d cost=%" PRId64
			      " title=%s",
			      round_id, p->number, p->cost, p->title);
	if (e != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_project_list(struct sayso_store *st, int64_t round_id,
				  struct sayso_project **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, round_id, number, coalesce(ext_id,''), title, "
		"description, cost FROM projects WHERE round_id = ?1 "
		"ORDER BY number");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	size_t cap = 0;
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			Sayso_reset(s);
			free(*out);
			*out = NULL;
			*n = 0;
			return Sayso_store_fail(st, SAYSO_ERR_NOMEM,
						"out of memory");
		}
		struct sayso_project *p = &(*out)[(*n)++];
		memset(p, 0, sizeof *p);
		p->id = Sayso_col_int64(s, 0);
		p->round_id = Sayso_col_int64(s, 1);
		p->number = Sayso_col_int(s, 2);
		Sayso_column_copy(s, 3, p->ext_id, sizeof p->ext_id);
		Sayso_column_copy(s, 4, p->title, sizeof p->title);
		Sayso_column_copy(s, 5, p->description, sizeof p->description);
		p->cost = Sayso_col_int64(s, 6);
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return Sayso_store_sqlfail(st, "list projects");
	}
	return SAYSO_OK;
}

/* The stored round of id, which must be a draft made in sayso: the rules
 * and the project list are fixed once a round opens. */
static enum sayso_err draft_round(struct sayso_store *st, int64_t id,
				  const char *what, struct sayso_round *r)
{
	enum sayso_err e = sayso_round_get_by_id(st, id, r);
	if (e != SAYSO_OK)
		return e;
	if (r->state != SAYSO_ROUND_DRAFT || r->imported)
		return Sayso_store_fail(
		    st, SAYSO_ERR_STATE,
		    "round %s is %s; %s only while it is a draft", r->code,
		    r->imported ? "imported" : sayso_round_state_name(r->state),
		    what);
	return SAYSO_OK;
}

static enum sayso_err need_why(struct sayso_store *st, const char *why)
{
	if (!why || !*why)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"say why (--why): it goes in the audit "
					"log");
	return SAYSO_OK;
}

enum sayso_err sayso_round_edit(struct sayso_store *st, struct sayso_round *r,
				const char *actor, const char *why)
{
	char opens[SAYSO_TIME_LEN + 1], closes[SAYSO_TIME_LEN + 1];
	struct sayso_round old;
	enum sayso_err e = need_why(st, why);
	if (e == SAYSO_OK)
		e = round_check(st, r, opens, closes);
	if (e != SAYSO_OK)
		return e;
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	if ((e = draft_round(st, r->id, "its settings can be changed", &old)) !=
	    SAYSO_OK)
		goto out;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st,
	    "UPDATE rounds SET title = ?1, budget = ?2, currency = ?3, "
	    "ballot_kind = ?4, min_picks = ?5, max_picks = ?6, revote = ?7, "
	    "opens = ?8, closes = ?9, identity = ?10 WHERE id = ?11");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, r->title, -1);
	Sayso_bind_int64(s, 2, r->budget);
	Sayso_bind_text(s, 3, r->currency, -1);
	Sayso_bind_text(s, 4, sayso_ballot_kind_name(r->kind), -1);
	Sayso_bind_int(s, 5, r->min_picks);
	Sayso_bind_int(s, 6, r->max_picks);
	Sayso_bind_text(s, 7, sayso_revote_name(r->revote), -1);
	Sayso_bind_text_or_null(s, 8, opens);
	Sayso_bind_text_or_null(s, 9, closes);
	Sayso_bind_text(s, 10, sayso_identity_name(r->identity), -1);
	Sayso_bind_int64(s, 11, r->id);
	if ((e = Sayso_store_step_done(st, s, "edit round")) != SAYSO_OK)
		goto out;
	snprintf(r->opens, sizeof r->opens, "%s", opens);
	snprintf(r->closes, sizeof r->closes, "%s", closes);
	e = sayso_store_audit(
	    st, actor, "round.edit",
	    "code=%s title=%s budget=%" PRId64 " currency=%s ballot=%s min=%d "
	    "max=%d revote=%s opens=%s closes=%s identity=%s; why: %s",
	    r->code, r->title, r->budget, r->currency,
	    sayso_ballot_kind_name(r->kind), r->min_picks, r->max_picks,
	    sayso_revote_name(r->revote), opens[0] ? opens : "-",
	    closes[0] ? closes : "-", sayso_identity_name(r->identity), why);
	if (e != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

/* The project numbered number in round_id (*p), or SAYSO_ERR_NOTFOUND. */
static enum sayso_err find_project(struct sayso_store *st, int64_t round_id,
				   int number, struct sayso_project *p)
{
	struct sayso_project *ps = NULL;
	size_t n = 0;
	enum sayso_err e = sayso_project_list(st, round_id, &ps, &n);
	if (e != SAYSO_OK)
		return e;
	e = Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
			     "no project %d in the round", number);
	for (size_t i = 0; i < n; i++)
		if (ps[i].number == number) {
			*p = ps[i];
			e = SAYSO_OK;
		}
	free(ps);
	return e;
}

enum sayso_err sayso_project_edit(struct sayso_store *st,
				  const struct sayso_project *p,
				  const char *actor, const char *why)
{
	struct sayso_round r;
	struct sayso_project old;
	enum sayso_err e = need_why(st, why);
	if (e != SAYSO_OK)
		return e;
	if (!p->title[0] || p->cost < 0)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a project needs a title and a cost "
					"of 0 or more");
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	if ((e = draft_round(st, p->round_id, "projects can be edited", &r)) !=
		SAYSO_OK ||
	    (e = find_project(st, r.id, p->number, &old)) != SAYSO_OK)
		goto out;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE projects SET title = ?1, description = ?2, cost = ?3 "
		"WHERE id = ?4");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, p->title, -1);
	Sayso_bind_text(s, 2, p->description, -1);
	Sayso_bind_int64(s, 3, p->cost);
	Sayso_bind_int64(s, 4, old.id);
	if ((e = Sayso_store_step_done(st, s, "edit project")) != SAYSO_OK)
		goto out;
	e = sayso_store_audit(st, actor, "project.edit",
			      "round=%s number=%d title=%s cost=%" PRId64
			      " (was %s, %" PRId64 "); why: %s",
			      r.code, p->number, p->title, p->cost, old.title,
			      old.cost, why);
	if (e != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

/* The uids of the ballots of round_id that chose project_id, into a
 * malloc'd array of SAYSO_UID_LEN + 1 strings (*uids, *n). */
static enum sayso_err ballots_choosing(struct sayso_store *st,
				       int64_t project_id,
				       char (**uids)[SAYSO_UID_LEN + 1],
				       size_t *n)
{
	size_t cap = 0;
	int rc;
	*uids = NULL;
	*n = 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT b.uid FROM ballot_items i JOIN ballots b ON b.id = "
		"i.ballot_id WHERE i.project_id = ?1 ORDER BY b.id");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, project_id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(uids, &cap, *n + 1, sizeof **uids,
				     SIZE_MAX) != SAYSO_OK) {
			Sayso_reset(s);
			return Sayso_store_fail(st, SAYSO_ERR_NOMEM,
						"out of memory");
		}
		Sayso_column_copy(s, 0, (*uids)[(*n)++], sizeof **uids);
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "find ballots of a project");
	return SAYSO_OK;
}

enum sayso_err sayso_project_withdraw(struct sayso_store *st, int64_t round_id,
				      int number, bool force, const char *actor,
				      const char *why,
				      struct sayso_withdrawal *out)
{
	struct sayso_round r;
	struct sayso_project p;
	memset(out, 0, sizeof *out);
	enum sayso_err e = need_why(st, why);
	if (e != SAYSO_OK)
		return e;
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	if ((e = sayso_round_get_by_id(st, round_id, &r)) != SAYSO_OK ||
	    (e = find_project(st, round_id, number, &p)) != SAYSO_OK)
		goto out;
	if (r.imported || r.state == SAYSO_ROUND_CLOSED) {
		e = Sayso_store_fail(
		    st, SAYSO_ERR_STATE,
		    "round %s is %s; its projects cannot be withdrawn", r.code,
		    r.imported ? "imported" : sayso_round_state_name(r.state));
		goto out;
	}
	if ((e = ballots_choosing(st, p.id, &out->uids, &out->nballots)) !=
	    SAYSO_OK)
		goto out;
	if (r.state == SAYSO_ROUND_OPEN && !force) {
		e = Sayso_store_fail(st, SAYSO_ERR_STATE,
				     "round %s is open: withdrawing project %d "
				     "takes it off %zu ballot%s already cast "
				     "(give --force to do it)",
				     r.code, number, out->nballots,
				     out->nballots == 1 ? "" : "s");
		goto out;
	}
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, "DELETE FROM projects WHERE id = ?1");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, p.id);
	if ((e = Sayso_store_step_done(st, s, "withdraw project")) != SAYSO_OK)
		goto out;
	e = sayso_store_audit(st, actor, "project.withdraw",
			      "round=%s number=%d title=%s (%s); %zu ballot%s "
			      "chose it%s%s; why: %s",
			      r.code, number, p.title,
			      sayso_round_state_name(r.state), out->nballots,
			      out->nballots == 1 ? "" : "s",
			      out->nballots ? ", first " : "",
			      out->nballots ? out->uids[0] : "", why);
	if (e != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	free(out->uids);
	out->uids = NULL;
	out->nballots = 0;
	return e;
}

/* ---- money ---- */

int sayso_currency_decimals(const char *currency)
{
	static const char *const zero[] = {"JPY", "KRW", "ISK", "HUF", "CLP"};
	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
		if (currency && strcmp(currency, zero[i]) == 0)
			return 0;
	return 2;
}

int64_t sayso_currency_unit(const char *currency)
{
	int64_t unit = 1;
	for (int dec = sayso_currency_decimals(currency); dec > 0; dec--)
		unit *= 10;
	return unit;
}

void sayso_money_plain(int64_t minor, int64_t unit, char *out, size_t outsz)
{
	int dec = 0;
	int64_t u = unit;
	if (unit <= 1)
		unit = u = 1;
	for (; u > 1 && u % 10 == 0; u /= 10)
		dec++;
	const char *sign = minor < 0 ? "-" : "";
	uint64_t m =
	    minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t major = m / (uint64_t)unit, frac = m % (uint64_t)unit;
	if (frac == 0)
		snprintf(out, outsz, "%s%" PRIu64, sign, major);
	else if (u == 1) /* unit is a power of ten */
		snprintf(out, outsz, "%s%" PRIu64 ".%0*" PRIu64, sign, major,
			 dec, frac);
	else /* a unit sayso never makes; kept as the .pb writer had it */
		snprintf(out, outsz, "%.6g", (double)minor / (double)unit);
}

static const char *currency_symbol(const char *currency)
{
	if (!currency || strcmp(currency, "GBP") == 0)
		return "£";
	if (strcmp(currency, "EUR") == 0)
		return "€";
	if (strcmp(currency, "USD") == 0)
		return "$";
	return NULL;
}

enum sayso_err sayso_money_parse(const char *s, const char *currency,
				 int64_t *minor, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = NULL;
	int dec = sayso_currency_decimals(currency);
	const char *p = s;
	while (*p == ' ')
		p++;
	const char *sym = currency_symbol(currency);
	if (sym && strncmp(p, sym, strlen(sym)) == 0)
		p += strlen(sym);
	else if (currency && strncmp(p, currency, 3) == 0)
		p += 3;
	while (*p == ' ')
		p++;
	if (*p == '-') {
		*why = "an amount cannot be negative";
		return SAYSO_ERR_INVAL;
	}
	int64_t whole = 0;
	int ndig = 0, since_comma = -1;
	for (; *p && *p != '.'; p++) {
		if (*p == ',') {
			if (ndig == 0 ||
			    (since_comma >= 0 && since_comma != 3)) {
				*why = "misplaced comma in the amount";
				return SAYSO_ERR_INVAL;
			}
			since_comma = 0;
			continue;
		}
		if (*p < '0' || *p > '9') {
			*why =
			    "an amount can only have digits, commas and a "
			    "decimal point (is there a letter O for a zero?)";
			return SAYSO_ERR_INVAL;
		}
		if (whole > (INT64_MAX / 1000) / 10) {
			*why = "that amount is too large";
			return SAYSO_ERR_INVAL;
		}
		whole = whole * 10 + (*p - '0');
		ndig++;
		if (since_comma >= 0)
			since_comma++;
	}
	if (ndig == 0) {
		*why = "no amount given";
		return SAYSO_ERR_INVAL;
	}
	if (since_comma >= 0 && since_comma != 3) {
		*why = "misplaced comma in the amount";
		return SAYSO_ERR_INVAL;
	}
	int64_t frac = 0;
	if (*p == '.') {
		p++;
		int nf = 0;
		for (; *p >= '0' && *p <= '9'; p++, nf++) {
			if (nf >= dec) {
				*why =
				    dec ? "too many decimal places"
					: "this currency has no decimal places";
				return SAYSO_ERR_INVAL;
			}
			frac = frac * 10 + (*p - '0');
		}
		if (nf == 0) {
			*why = "nothing after the decimal point";
			return SAYSO_ERR_INVAL;
		}
		for (; nf < dec; nf++)
			frac *= 10;
	}
	while (*p == ' ')
		p++;
	if (*p) {
		*why = "unexpected characters after the amount";
		return SAYSO_ERR_INVAL;
	}
	*minor = whole * sayso_currency_unit(currency) + frac;
	return SAYSO_OK;
}

void sayso_money_format(int64_t minor, const char *currency, char *out,
			size_t outsz)
{
	int64_t scale = sayso_currency_unit(currency);
	bool neg = minor < 0;
	uint64_t v = neg ? (uint64_t)(-(minor + 1)) + 1 : (uint64_t)minor;
	uint64_t whole = v / (uint64_t)scale, frac = v % (uint64_t)scale;
	char digits[32], grouped[48];
	snprintf(digits, sizeof digits, "%" PRIu64, whole);
	size_t nd = strlen(digits), g = 0;
	for (size_t i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	const char *sym = currency_symbol(currency);
	char prefix[8];
	if (sym)
		snprintf(prefix, sizeof prefix, "%s", sym);
	else
		snprintf(prefix, sizeof prefix, "%.3s ",
			 currency ? currency : "");
	if (frac)
		snprintf(out, outsz, "%s%s%s.%02" PRIu64, neg ? "-" : "",
			 prefix, grouped, frac);
	else
		snprintf(out, outsz, "%s%s%s", neg ? "-" : "", prefix, grouped);
}

double sayso_money_major(int64_t minor, const char *currency)
{
	return (double)minor / (double)sayso_currency_unit(currency);
}

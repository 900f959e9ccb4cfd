/*
 * walkabout.c: walkabouts, the issues logged on them, re-inspections, and
 * the observed resolution rate (definition in sayso/walkabout.h).
 *
 * The design decision: where an issue stands is never stored, it is read
 * from its observations (the last one decides), so a late correction or a
 * merged observation can never leave a stale "resolved" flag behind. The
 * rate is computed over the listed issues in C, one pass, so the total and
 * every group (street, category, partner) follow the same code.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "sayso/buf.h"
#include "sayso/identity.h"
#include "sayso/stats.h"
#include "sayso/walkabout.h"

const char *sayso_grade_name(enum sayso_grade g)
{
	switch (g) {
	case SAYSO_GRADE_NONE:
		return "";
	case SAYSO_GRADE_A:
		return "A";
	case SAYSO_GRADE_B:
		return "B";
	case SAYSO_GRADE_C:
		return "C";
	case SAYSO_GRADE_D:
		return "D";
	}
	return "";
}

const char *sayso_grade_meaning(enum sayso_grade g)
{
	switch (g) {
	case SAYSO_GRADE_NONE:
		return "";
	case SAYSO_GRADE_A:
		return "no litter or refuse";
	case SAYSO_GRADE_B:
		return "predominantly free of litter and refuse";
	case SAYSO_GRADE_C:
		return "widespread litter and refuse";
	case SAYSO_GRADE_D:
		return "heavily affected by litter and refuse";
	}
	return "";
}

enum sayso_err sayso_grade_parse(const char *s, enum sayso_grade *out)
{
	if (!s || !*s) {
		*out = SAYSO_GRADE_NONE;
		return SAYSO_OK;
	}
	if (s[1] != '\0')
		return SAYSO_ERR_INVAL;
	switch (toupper((unsigned char)s[0])) {
	case 'A':
		*out = SAYSO_GRADE_A;
		return SAYSO_OK;
	case 'B':
		*out = SAYSO_GRADE_B;
		return SAYSO_OK;
	case 'C':
		*out = SAYSO_GRADE_C;
		return SAYSO_OK;
	case 'D':
		*out = SAYSO_GRADE_D;
		return SAYSO_OK;
	default:
		return SAYSO_ERR_INVAL;
	}
}

const char *sayso_observed_name(enum sayso_observed o)
{
	switch (o) {
	case SAYSO_OBS_RESOLVED:
		return "resolved";
	case SAYSO_OBS_NOT_RESOLVED:
		return "not-resolved";
	case SAYSO_OBS_GONE_WORSE:
		return "gone-worse";
	}
	return "?";
}

enum sayso_err sayso_observed_parse(const char *s, enum sayso_observed *out)
{
	if (!s)
		return SAYSO_ERR_INVAL;
	if (strcmp(s, "resolved") == 0)
		*out = SAYSO_OBS_RESOLVED;
	else if (strcmp(s, "not-resolved") == 0 ||
		 strcmp(s, "not_resolved") == 0)
		*out = SAYSO_OBS_NOT_RESOLVED;
	else if (strcmp(s, "gone-worse") == 0 || strcmp(s, "gone_worse") == 0)
		*out = SAYSO_OBS_GONE_WORSE;
	else
		return SAYSO_ERR_INVAL;
	return SAYSO_OK;
}

static bool code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0;

	if (n == 0 || n >= SAYSO_WALK_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)code[i];
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
	}
	return true;
}

/* A real calendar day "YYYY-MM-DD" (into ms at 00:00 UTC). */
static bool day_valid(const char *day, int64_t *ms)
{
	char back[SAYSO_TIME_LEN + 1];

	if (!day || strlen(day) != 10 || sayso_time_parse(day, ms) != SAYSO_OK)
		return false;
	sayso_time_format(*ms, back, sizeof back);
	return strncmp(back, day, 10) == 0;
}

static enum sayso_err start_checks(struct sayso_store *st, const char *code,
				   const char *held_on, const char *walkers,
				   const char *const *streets, size_t n)
{
	int64_t ms;

	if (!code_valid(code))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a walkabout code is 1 to %d letters, "
					"digits, '-' or '_', not '%s'",
					SAYSO_WALK_CODE_MAX - 1,
					code ? code : "");
	if (!day_valid(held_on, &ms))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"'%s' is not a day (YYYY-MM-DD)",
					held_on ? held_on : "");
	bool named = false;
	for (const char *p = walkers ? walkers : ""; *p; p++)
		if (*p != ',' && !isspace((unsigned char)*p))
			named = true;
	if (!named || strlen(walkers) >= SAYSO_WALKERS_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a walkabout needs the walkers' names "
					"(1 to %d bytes)",
					SAYSO_WALKERS_MAX - 1);
	if (n > SAYSO_WALK_STREETS_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"a walkabout lists at most %d streets",
					SAYSO_WALK_STREETS_MAX);
	for (size_t i = 0; i < n; i++) {
		if (!streets[i] || !*streets[i] ||
		    strlen(streets[i]) >= SAYSO_WALK_STREET_MAX)
			return Sayso_store_fail(
			    st, SAYSO_ERR_INVAL,
			    "street %zu is empty or longer than %d bytes",
			    i + 1, SAYSO_WALK_STREET_MAX - 1);
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(streets[i], streets[j]) == 0)
				return Sayso_store_fail(
				    st, SAYSO_ERR_INVAL,
				    "street '%s' is listed twice", streets[i]);
	}
	return SAYSO_OK;
}

enum sayso_err sayso_walkabout_start(struct sayso_store *st, const char *code,
				     const char *held_on, const char *walkers,
				     const char *const *streets,
				     size_t nstreets, const char *actor)
{
	enum sayso_err e =
	    start_checks(st, code, held_on, walkers, streets, nstreets);
	if (e != SAYSO_OK)
		return e;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO walkabouts(code, held_on, walkers, created_at) "
		"VALUES(?1, ?2, ?3, ?4)");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, code, -1);
	Sayso_bind_text(s, 2, held_on, -1);
	Sayso_bind_text(s, 3, walkers, -1);
	Sayso_bind_text(s, 4, now, -1);
	if ((e = Sayso_store_insert_new(st, s, "start walkabout",
					"there is already a walkabout '%s'",
					code)) != SAYSO_OK)
		goto out;
	int64_t id = Sayso_store_last_id(st);
	for (size_t i = 0; i < nstreets; i++) {
		s = Sayso_store_stmt(st, "INSERT INTO walkabout_streets("
					 "walkabout_id, pos, street) "
					 "VALUES(?1, ?2, ?3)");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		Sayso_bind_int64(s, 1, id);
		Sayso_bind_int64(s, 2, (int64_t)i);
		Sayso_bind_text(s, 3, streets[i], -1);
		if ((e = Sayso_store_step_done(st, s, "walkabout street")) !=
		    SAYSO_OK)
			goto out;
	}
	if ((e = sayso_store_audit(st, actor, "walkabout.start",
				   "code=%s day=%s by=%s streets=%zu", code,
				   held_on, walkers, nstreets)) != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

/* Fills w's streets and counts from the database (w->id set). */
static enum sayso_err walkabout_details(struct sayso_store *st,
					struct sayso_walkabout *w)
{
	int rc;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT street FROM walkabout_streets WHERE walkabout_id = ?1 "
		"ORDER BY pos");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, w->id);
	w->nstreets = 0;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW &&
	       w->nstreets < SAYSO_WALK_STREETS_MAX)
		Sayso_column_copy(s, 0, w->streets[w->nstreets++],
				  SAYSO_WALK_STREET_MAX);
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE && rc != SAYSO_SQL_ROW)
		return Sayso_store_sqlfail(st, "walkabout streets");
	s = Sayso_store_stmt(
	    st, "SELECT (SELECT count(*) FROM walk_issues WHERE walkabout_id "
		"= ?1), (SELECT count(*) FROM walk_checks WHERE walkabout_id "
		"= ?1)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, w->id);
	rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		w->issues = Sayso_col_int64(s, 0);
		w->checks = Sayso_col_int64(s, 1);
	}
	Sayso_reset(s);
	return rc == SAYSO_SQL_ROW
		   ? SAYSO_OK
		   : Sayso_store_sqlfail(st, "walkabout counts");
}

static void walkabout_row(struct sayso_stmt *s, struct sayso_walkabout *w)
{
	memset(w, 0, sizeof *w);
	w->id = Sayso_col_int64(s, 0);
	Sayso_column_copy(s, 1, w->code, sizeof w->code);
	Sayso_column_copy(s, 2, w->held_on, sizeof w->held_on);
	Sayso_column_copy(s, 3, w->walkers, sizeof w->walkers);
}

enum sayso_err sayso_walkabout_get(struct sayso_store *st, const char *code,
				   struct sayso_walkabout *out)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, code, held_on, walkers FROM walkabouts "
		"WHERE code = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, code ? code : "", -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW)
		walkabout_row(s, out);
	Sayso_reset(s);
	if (rc == SAYSO_SQL_DONE)
		return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
					"no walkabout '%s'", code ? code : "");
	if (rc != SAYSO_SQL_ROW)
		return Sayso_store_sqlfail(st, "find walkabout");
	return walkabout_details(st, out);
}

enum sayso_err sayso_walkabout_list(struct sayso_store *st,
				    struct sayso_walkabout **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	enum sayso_err e = SAYSO_OK;

	*out = NULL;
	*n = 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, code, held_on, walkers FROM walkabouts "
		"ORDER BY held_on, code");
	if (!s)
		return SAYSO_ERR_DB;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			e = SAYSO_ERR_NOMEM;
			break;
		}
		walkabout_row(s, &(*out)[(*n)++]);
	}
	if (e == SAYSO_OK && rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "list walkabouts");
	Sayso_reset(s);
	for (size_t i = 0; e == SAYSO_OK && i < *n; i++)
		e = walkabout_details(st, &(*out)[i]);
	if (e != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

bool sayso_walkabout_covers(const struct sayso_walkabout *w, const char *street)
{
	if (w->nstreets == 0)
		return true;
	for (size_t i = 0; i < w->nstreets; i++)
		if (strcasecmp(w->streets[i], street ? street : "") == 0)
			return true;
	return false;
}

static enum sayso_err new_walk_ref(char *out, size_t outsz)
{
	char raw[8];
	enum sayso_err e = sayso_random_code(raw, sizeof raw, 5);
	if (e != SAYSO_OK)
		return e;
	snprintf(out, outsz, "%s%.5s", SAYSO_WALK_REF_PREFIX, raw);
	return SAYSO_OK;
}

static enum sayso_err log_checks(struct sayso_store *st,
				 const struct sayso_walk_log_in *in,
				 const struct sayso_walkabout *w)
{
	if (!in->street || !*in->street)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a walk issue needs its street");
	if (strlen(in->street) >= SAYSO_WALK_STREET_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"a street is at most %d bytes",
					SAYSO_WALK_STREET_MAX - 1);
	if (!sayso_walkabout_covers(w, in->street))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"walkabout %s does not cover '%s'",
					w->code, in->street);
	if (!in->category || !*in->category ||
	    strlen(in->category) >= SAYSO_WALK_CATEGORY_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a walk issue needs a category (at "
					"most %d bytes)",
					SAYSO_WALK_CATEGORY_MAX - 1);
	if (in->note && strlen(in->note) > SAYSO_WALK_NOTE_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"a note is at most %d bytes",
					SAYSO_WALK_NOTE_MAX);
	if (in->by && strlen(in->by) >= SAYSO_WALKERS_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"who logged it is at most %d bytes",
					SAYSO_WALKERS_MAX - 1);
	return SAYSO_OK;
}

/* Inserts the issue row with a fresh reference (retrying a collision). */
static enum sayso_err insert_issue(struct sayso_store *st,
				   const struct sayso_walk_log_in *in,
				   const struct sayso_walkabout *w,
				   const char *uid, const char *at, char *ref,
				   size_t refsz, int64_t *id)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO walk_issues(uid, ref, walkabout_id, street, "
		"category, grade, note, seen_at, seen_by, device_id) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	if (!s)
		return SAYSO_ERR_DB;
	for (int attempt = 0;; attempt++) {
		enum sayso_err e = new_walk_ref(ref, refsz);
		if (e != SAYSO_OK)
			return Sayso_store_fail(st, e, "no random bytes");
		Sayso_reset(s);
		Sayso_bind_text(s, 1, uid, -1);
		Sayso_bind_text(s, 2, ref, -1);
		Sayso_bind_int64(s, 3, w->id);
		Sayso_bind_text(s, 4, in->street, -1);
		Sayso_bind_text(s, 5, in->category, -1);
		Sayso_bind_text_or_null(s, 6, sayso_grade_name(in->grade));
		Sayso_bind_text_or_null(s, 7, in->note);
		Sayso_bind_text(s, 8, at, -1);
		Sayso_bind_text(s, 9, in->by && *in->by ? in->by : w->walkers,
				-1);
		Sayso_bind_text(s, 10,
				in->device_id && *in->device_id
				    ? in->device_id
				    : sayso_store_device(st),
				-1);
		if (Sayso_step_try(s) == SAYSO_SQL_DONE)
			break;
		bool uniq = Sayso_store_err_unique(st);
		Sayso_reset(s);
		if (!uniq || attempt > 5)
			return Sayso_store_sqlfail(st, "log walk issue");
	}
	Sayso_reset(s);
	*id = Sayso_store_last_id(st);
	return SAYSO_OK;
}

enum sayso_err sayso_walk_log(struct sayso_store *st,
			      const struct sayso_walk_log_in *in, char *ref_out,
			      size_t refsz)
{
	struct sayso_walkabout *w = calloc(1, sizeof *w);
	char uid[SAYSO_UID_LEN + 1], ref[SAYSO_WALK_REF_LEN + 1];
	char at[SAYSO_TIME_LEN + 1];
	int64_t id = 0;
	enum sayso_err e;

	if (!w)
		return SAYSO_ERR_NOMEM;
	if ((e = sayso_walkabout_get(st, in->walkabout, w)) != SAYSO_OK ||
	    (e = log_checks(st, in, w)) != SAYSO_OK)
		goto out;
	if (in->uid && *in->uid)
		snprintf(uid, sizeof uid, "%s", in->uid);
	else if ((e = sayso_uid_new(uid, sizeof uid)) != SAYSO_OK) {
		e = Sayso_store_fail(st, e, "no random bytes for an id");
		goto out;
	}
	sayso_time_format(in->seen_ms ? in->seen_ms : sayso_time_now_ms(), at,
			  sizeof at);
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		goto out;
	if ((e = insert_issue(st, in, w, uid, at, ref, sizeof ref, &id)) !=
		SAYSO_OK ||
	    (e = Sayso_issue_created(st, SAYSO_ISSUE_WALK, id, in->category,
				     in->street, at)) != SAYSO_OK) {
		sayso_store_rollback(st);
		goto out;
	}
	if ((e = sayso_store_commit(st)) != SAYSO_OK)
		goto out;
	if (ref_out && refsz)
		snprintf(ref_out, refsz, "%s", ref);
out:
	free(w);
	return e;
}

/* The issue with reference ref: id, the walkabout it was logged on, when. */
static enum sayso_err find_walk_issue(struct sayso_store *st, const char *ref,
				      int64_t *id, int64_t *walkabout_id,
				      char *seen_at, size_t seensz)
{
	char want[SAYSO_WALK_REF_LEN + 1];
	size_t n = 0;

	for (const char *p = ref ? ref : ""; *p && n < SAYSO_WALK_REF_LEN; p++)
		want[n++] = (char)toupper((unsigned char)*p);
	want[n] = '\0';
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, walkabout_id, seen_at FROM walk_issues "
		"WHERE ref = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, want, -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		*id = Sayso_col_int64(s, 0);
		*walkabout_id = Sayso_col_int64(s, 1);
		Sayso_column_copy(s, 2, seen_at, seensz);
	}
	Sayso_reset(s);
	if (rc == SAYSO_SQL_ROW && strlen(ref) == SAYSO_WALK_REF_LEN)
		return SAYSO_OK;
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "find walk issue");
	return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND, "no walk issue '%s'",
				ref ? ref : "");
}

enum sayso_err sayso_walk_check(struct sayso_store *st, const char *code,
				const char *ref, enum sayso_observed observed,
				const char *note, const char *by, int64_t at_ms)
{
	struct sayso_walkabout *w = calloc(1, sizeof *w);
	char seen[SAYSO_TIME_LEN + 1], at[SAYSO_TIME_LEN + 1];
	int64_t id = 0, logged_on = 0;
	enum sayso_err e;

	if (!w)
		return SAYSO_ERR_NOMEM;
	if (note && strlen(note) > SAYSO_WALK_NOTE_MAX) {
		e = Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
				     "a note is at most %d bytes",
				     SAYSO_WALK_NOTE_MAX);
		goto out;
	}
	if (by && strlen(by) >= SAYSO_WALKERS_MAX) {
		e = Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
				     "who checked is at most %d bytes",
				     SAYSO_WALKERS_MAX - 1);
		goto out;
	}
	if ((e = sayso_walkabout_get(st, code, w)) != SAYSO_OK ||
	    (e = find_walk_issue(st, ref, &id, &logged_on, seen,
				 sizeof seen)) != SAYSO_OK)
		goto out;
	if (logged_on == w->id) {
		e = Sayso_store_fail(st, SAYSO_ERR_STATE,
				     "%s was logged on walkabout %s: it is "
				     "re-inspected on a later one",
				     ref, w->code);
		goto out;
	}
	sayso_time_format(at_ms ? at_ms : sayso_time_now_ms(), at, sizeof at);
	if (strcmp(at, seen) < 0) {
		e = Sayso_store_fail(st, SAYSO_ERR_INVAL,
				     "%s was seen at %s: it cannot be "
				     "re-inspected before (%s)",
				     ref, seen, at);
		goto out;
	}
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO walk_checks(issue_id, walkabout_id, observed, "
		"note, at, by) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, id);
	Sayso_bind_int64(s, 2, w->id);
	Sayso_bind_text(s, 3, sayso_observed_name(observed), -1);
	Sayso_bind_text_or_null(s, 4, note);
	Sayso_bind_text(s, 5, at, -1);
	Sayso_bind_text(s, 6, by && *by ? by : w->walkers, -1);
	e = Sayso_store_step_done(st, s, "record re-inspection");
out:
	free(w);
	return e;
}

/* ---- listing ---- */

static enum sayso_err issue_row(struct sayso_store *st, struct sayso_stmt *s,
				struct sayso_walk_issue *r)
{
	char grade[4], dupstate[16], last[16];

	memset(r, 0, sizeof *r);
	r->id = Sayso_col_int64(s, 0);
	Sayso_column_copy(s, 1, r->ref, sizeof r->ref);
	Sayso_column_copy(s, 2, r->walkabout, sizeof r->walkabout);
	Sayso_column_copy(s, 3, r->street, sizeof r->street);
	Sayso_column_copy(s, 4, r->category, sizeof r->category);
	Sayso_column_copy(s, 5, grade, sizeof grade);
	if (sayso_grade_parse(grade, &r->grade) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					"walk issue %s has grade '%s'", r->ref,
					grade);
	Sayso_column_copy(s, 6, r->note, sizeof r->note);
	Sayso_column_copy(s, 7, r->seen_at, sizeof r->seen_at);
	Sayso_column_copy(s, 8, r->seen_by, sizeof r->seen_by);
	Sayso_column_copy(s, 9, r->partner, sizeof r->partner);
	r->not_ours = Sayso_col_int(s, 10) != 0;
	Sayso_column_copy(s, 11, r->dup_of, sizeof r->dup_of);
	Sayso_column_copy(s, 12, dupstate, sizeof dupstate);
	r->dup_confirmed = strcmp(dupstate, "confirmed") == 0;
	r->checks = Sayso_col_int64(s, 13);
	Sayso_column_copy(s, 14, last, sizeof last);
	Sayso_column_copy(s, 15, r->last_at, sizeof r->last_at);
	Sayso_column_copy(s, 16, r->held_on, sizeof r->held_on);
	r->has_last = r->checks > 0;
	if (r->has_last && sayso_observed_parse(last, &r->last) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					"walk issue %s was observed '%s'",
					r->ref, last);
	r->open = !(r->has_last && r->last == SAYSO_OBS_RESOLVED) &&
		  !r->dup_confirmed && !r->not_ours;
	return SAYSO_OK;
}

/* Checks the codes f names; *before is filled when f->before is set. */
static enum sayso_err filter_checks(struct sayso_store *st,
				    const struct sayso_walk_filter *f,
				    struct sayso_walkabout *before)
{
	struct sayso_partner p;
	enum sayso_err e;

	if (f->walkabout &&
	    (e = sayso_walkabout_get(st, f->walkabout, before)) != SAYSO_OK)
		return e;
	if (f->partner &&
	    (e = sayso_partner_get(st, f->partner, &p)) != SAYSO_OK)
		return e;
	memset(before, 0, sizeof *before);
	if (f->before)
		return sayso_walkabout_get(st, f->before, before);
	return SAYSO_OK;
}

enum sayso_err sayso_walk_issue_list(struct sayso_store *st,
				     const struct sayso_walk_filter *f,
				     struct sayso_walk_issue **out, size_t *n)
{
	static const struct sayso_walk_filter none;
	struct sayso_walkabout *before = calloc(1, sizeof *before);
	size_t cap = 0;
	int rc;
	enum sayso_err e;
	struct sayso_stmt *s = NULL;

	*out = NULL;
	*n = 0;
	if (!f)
		f = &none;
	if (!before)
		return SAYSO_ERR_NOMEM;
	if ((e = filter_checks(st, f, before)) != SAYSO_OK)
		goto out;
	s = Sayso_store_stmt(
	    st,
	    "SELECT w.id, w.ref, wk.code, w.street, w.category,"
	    " coalesce(w.grade, ''), coalesce(w.note, ''), w.seen_at,"
	    " w.seen_by, coalesce(p.code, ''), w.not_ours,"
	    " coalesce(d.ref, ''), coalesce(w.dup_state, ''),"
	    " (SELECT count(*) FROM walk_checks c WHERE c.issue_id = w.id),"
	    " (SELECT c.observed FROM walk_checks c WHERE c.issue_id = w.id"
	    "   ORDER BY c.at DESC, c.id DESC LIMIT 1),"
	    " (SELECT c.at FROM walk_checks c WHERE c.issue_id = w.id"
	    "   ORDER BY c.at DESC, c.id DESC LIMIT 1),"
	    " wk.held_on"
	    " FROM walk_issues w JOIN walkabouts wk ON wk.id = w.walkabout_id"
	    " LEFT JOIN partners p ON p.id = w.partner_id"
	    " LEFT JOIN walk_issues d ON d.id = w.dup_of"
	    " WHERE (CAST(?1 AS TEXT) IS NULL OR wk.code = ?1)"
	    " AND (CAST(?2 AS TEXT) IS NULL OR lower(w.street) = lower(?2))"
	    " AND (CAST(?3 AS TEXT) IS NULL OR lower(w.category) = lower(?3))"
	    " AND (CAST(?4 AS TEXT) IS NULL OR p.code = ?4)"
	    " AND (CAST(?5 AS TEXT) IS NULL OR (wk.id <> ?6 AND wk.held_on <= "
	    "?5))"
	    " ORDER BY w.seen_at, w.id");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text_or_null(s, 1, f->walkabout);
	if (f->street)
		Sayso_bind_text(s, 2, f->street, -1);
	Sayso_bind_text_or_null(s, 3, f->category);
	Sayso_bind_text_or_null(s, 4, f->partner);
	if (f->before) {
		Sayso_bind_text(s, 5, before->held_on, -1);
		Sayso_bind_int64(s, 6, before->id);
	}
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			e = SAYSO_ERR_NOMEM;
			goto out;
		}
		if ((e = issue_row(st, s, &(*out)[*n])) != SAYSO_OK)
			goto out;
		if (!f->open_only || (*out)[*n].open)
			(*n)++;
	}
	if (rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "list walk issues");
out:
	if (s)
		Sayso_reset(s);
	free(before);
	if (e != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

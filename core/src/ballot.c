/*
 * ballot.c: what a valid ballot is, and one vote per resident.
 *
 * Every channel (kiosk, SMS, paper, merged kiosk databases) casts through
 * sayso_ballot_cast(). The round's revote policy picks which of a resident's
 * ballots counts by the time each was cast (ties by the order the ballots
 * were stored, i.e. ballot id): the earliest under
 * "first", the latest under "last". The same ordering rule serves live casts
 * and re-application after a merge, so the outcome never depends on the order
 * in which databases arrived. Check and write run in one BEGIN IMMEDIATE
 * transaction; a partial unique index backs it up.
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
#include "sayso/ballot.h"
#include "sayso/codes.h"

static enum sayso_err refuse(struct sayso_refusal *why, enum sayso_reason code,
			     long a0, long a1)
{
	why->code = code;
	why->arg[0] = a0;
	why->arg[1] = a1;
	return SAYSO_ERR_INVAL;
}

enum sayso_err sayso_ballot_check(const struct sayso_round *r,
				  const struct sayso_project *projects,
				  size_t nprojects,
				  const struct sayso_pick *picks, size_t npicks,
				  int64_t now_ms, struct sayso_refusal *why)
{
	memset(why, 0, sizeof *why);
	enum sayso_reason closed = sayso_round_refusal(r, now_ms);
	if (closed != SAYSO_REASON_NONE)
		return refuse(why, closed, 0, 0);
	if (npicks == 0)
		return refuse(why, SAYSO_REASON_NO_PICKS, 0, 0);
	if (npicks > SAYSO_MAX_PICKS)
		return refuse(why, SAYSO_REASON_TOO_MANY_PICKS, 0, 0);
	int64_t total = 0;
	long points = 0;
	for (size_t i = 0; i < npicks; i++) {
		const struct sayso_project *p = NULL;
		for (size_t k = 0; k < nprojects; k++)
			if (projects[k].number == picks[i].number) {
				p = &projects[k];
				break;
			}
		if (!p)
			return refuse(why, SAYSO_REASON_UNKNOWN_PROJECT,
				      picks[i].number, 0);
		for (size_t j = 0; j < i; j++)
			if (picks[j].number == picks[i].number)
				return refuse(why, SAYSO_REASON_PROJECT_TWICE,
					      picks[i].number, 0);
		int pts = picks[i].points;
		switch (r->kind) {
		case SAYSO_BALLOT_APPROVAL:
		case SAYSO_BALLOT_KNAPSACK:
			if (pts != 1)
				return refuse(why, SAYSO_REASON_NO_POINTS, 0,
					      0);
			break;
		case SAYSO_BALLOT_CUMULATIVE:
		case SAYSO_BALLOT_ORDINAL:
			if (pts < 1)
				return refuse(why, SAYSO_REASON_POINTS_MIN, 0,
					      0);
			if (r->max_points && pts > r->max_points)
				return refuse(why, SAYSO_REASON_POINTS_MAX,
					      p->number, r->max_points);
			break;
		}
		total += p->cost;
		points += pts;
	}
	if (r->min_picks > 1 && npicks < (size_t)r->min_picks)
		return refuse(why, SAYSO_REASON_TOO_FEW_PICKS, r->min_picks, 0);
	if (r->max_picks && npicks > (size_t)r->max_picks)
		return refuse(why, SAYSO_REASON_MAX_PICKS, r->max_picks, 0);
	if (r->kind == SAYSO_BALLOT_CUMULATIVE && r->max_sum_points &&
	    points > r->max_sum_points)
		return refuse(why, SAYSO_REASON_POINTS_SUM, r->max_sum_points,
			      0);
	if (r->kind == SAYSO_BALLOT_KNAPSACK && total > r->budget) {
		sayso_money_format(total - r->budget, r->currency, why->amount,
				   sizeof why->amount);
		return refuse(why, SAYSO_REASON_OVER_BUDGET, 0, 0);
	}
	return SAYSO_OK;
}

enum sayso_err sayso_ballot_validate(const struct sayso_round *r,
				     const struct sayso_project *projects,
				     size_t nprojects,
				     const struct sayso_pick *picks,
				     size_t npicks, int64_t now_ms, char *why,
				     size_t whysz)
{
	struct sayso_refusal ref;
	enum sayso_err e = sayso_ballot_check(r, projects, nprojects, picks,
					      npicks, now_ms, &ref);
	if (e != SAYSO_OK)
		sayso_refusal_english(&ref, why, whysz);
	return e;
}

/* The stored ballot that currently counts for a resident. */
struct counted {
	bool found;
	int64_t id;
	char uid[SAYSO_UID_LEN + 1];
	int64_t cast_at_ms;
	enum sayso_channel channel;
};

static enum sayso_err find_counted(struct sayso_store *st, int64_t round_id,
				   const char *resident, struct counted *c)
{
	memset(c, 0, sizeof *c);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, uid, cast_at, channel FROM ballots WHERE "
		"round_id = ?1 AND resident_id = ?2 AND status = 'counted'");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	Sayso_bind_text(s, 2, resident, -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		c->found = true;
		c->id = Sayso_col_int64(s, 0);
		Sayso_column_copy(s, 1, c->uid, sizeof c->uid);
		const char *t = (const char *)Sayso_col_text(s, 2);
		if (!t || sayso_time_parse(t, &c->cast_at_ms) != SAYSO_OK)
			c->cast_at_ms = 0;
		if (sayso_channel_parse((const char *)Sayso_col_text(s, 3),
					&c->channel) != SAYSO_OK)
			c->channel = SAYSO_CH_PAPER;
	} else if (rc != SAYSO_SQL_DONE) {
		Sayso_reset(s);
		return Sayso_store_sqlfail(st, "find earlier ballot");
	}
	Sayso_reset(s);
	return SAYSO_OK;
}

static void supersede_reason(enum sayso_revote policy, int64_t other_ms,
			     enum sayso_channel other_ch, char *out,
			     size_t outsz)
{
	char when[40];
	sayso_time_human(other_ms, when, sizeof when);
	if (!sayso_revote_later_wins(policy))
		snprintf(out, outsz, "already voted on %s by %s", when,
			 sayso_channel_name(other_ch));
	else
		snprintf(out, outsz, "replaced by a later ballot on %s by %s",
			 when, sayso_channel_name(other_ch));
}

const char *sayso_ballot_status_name(enum sayso_ballot_status s)
{
	switch (s) {
	case SAYSO_BALLOT_COUNTED:
		return "counted";
	case SAYSO_BALLOT_SUPERSEDED:
		return "superseded";
	case SAYSO_BALLOT_REJECTED:
		return "rejected";
	}
	return "rejected";
}

enum sayso_err sayso_ballot_status_parse(const char *s,
					 enum sayso_ballot_status *out)
{
	static const enum sayso_ballot_status all[] = {SAYSO_BALLOT_COUNTED,
						       SAYSO_BALLOT_SUPERSEDED,
						       SAYSO_BALLOT_REJECTED};
	if (!s)
		return SAYSO_ERR_INVAL;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, sayso_ballot_status_name(all[i])) == 0) {
			*out = all[i];
			return SAYSO_OK;
		}
	return SAYSO_ERR_INVAL;
}

static enum sayso_err set_status(struct sayso_store *st, int64_t id,
				 enum sayso_ballot_status status,
				 const char *reason)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE ballots SET status = ?1, reason = ?2 WHERE id = ?3");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, sayso_ballot_status_name(status), -1);
	Sayso_bind_text_or_null(s, 2, reason);
	Sayso_bind_int64(s, 3, id);
	return Sayso_store_step_done(st, s, "update ballot status");
}

static enum sayso_err
insert_ballot(struct sayso_store *st, const struct sayso_round *r,
	      const struct sayso_ballot_in *in, const char *uid,
	      const char *cast_at, enum sayso_ballot_status status,
	      const char *reason, const struct sayso_project *projects,
	      size_t np)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO ballots(uid, round_id, resident_id, channel, "
		"device_id, cast_at, status, reason) VALUES(?1, ?2, ?3, ?4, "
		"?5, ?6, ?7, ?8)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, uid, -1);
	Sayso_bind_int64(s, 2, r->id);
	Sayso_bind_text_or_null(s, 3, in->resident_id);
	Sayso_bind_text(s, 4, sayso_channel_name(in->channel), -1);
	Sayso_bind_text(s, 5,
			in->device_id && *in->device_id
			    ? in->device_id
			    : sayso_store_device(st),
			-1);
	Sayso_bind_text(s, 6, cast_at, -1);
	Sayso_bind_text(s, 7, sayso_ballot_status_name(status), -1);
	Sayso_bind_text_or_null(s, 8, reason);
	if (Sayso_step_try(s) != SAYSO_SQL_DONE) {
		bool uniq = Sayso_store_err_unique(st);
		Sayso_reset(s);
		if (uniq)
			return Sayso_store_fail(st, SAYSO_ERR_EXISTS,
						"ballot %s is already stored",
						uid);
		return Sayso_store_sqlfail(st, "store ballot");
	}
	Sayso_reset(s);
	int64_t bid = Sayso_store_last_id(st);
	struct sayso_stmt *it = Sayso_store_stmt(
	    st, "INSERT INTO ballot_items(ballot_id, project_id, points, "
		"rank) VALUES(?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
	if (!it)
		return SAYSO_ERR_DB;
	for (size_t i = 0; i < in->npicks; i++) {
		const struct sayso_project *p = NULL;
		for (size_t k = 0; k < np; k++)
			if (projects[k].number == in->picks[i].number)
				p = &projects[k];
		if (!p)
			continue; /* a rejected ballot may name unknown projects
				   */
		Sayso_reset(it);
		Sayso_bind_int64(it, 1, bid);
		Sayso_bind_int64(it, 2, p->id);
		Sayso_bind_int(
		    it, 3, in->picks[i].points > 0 ? in->picks[i].points : 1);
		Sayso_bind_int(it, 4, (int)i + 1);
		enum sayso_err e =
		    Sayso_store_step_done(st, it, "store ballot item");
		if (e != SAYSO_OK)
			return e;
	}
	/* An enrolled kiosk chains the ballot (a no-op elsewhere). */
	return Sayso_devlog_note(st, SAYSO_DEVLOG_BALLOT, uid);
}

enum sayso_err sayso_ballot_cast(struct sayso_store *st,
				 const struct sayso_ballot_in *in,
				 struct sayso_cast_result *res)
{
	memset(res, 0, sizeof *res);
	struct sayso_project *projects = NULL;
	size_t np = 0;
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	struct sayso_round r;
	if ((e = sayso_round_current(st, in->round_code, &r, NULL)) !=
		SAYSO_OK ||
	    (e = sayso_project_list(st, r.id, &projects, &np)) != SAYSO_OK ||
	    (e = Sayso_ballot_cast_round(st, &r, projects, np, in, res)) !=
		SAYSO_OK) {
		free(projects);
		sayso_store_rollback(st);
		return e;
	}
	free(projects);
	return sayso_store_commit(st);
}

enum sayso_err Sayso_ballot_cast_round(struct sayso_store *st,
				       const struct sayso_round *rp,
				       const struct sayso_project *projects,
				       size_t np,
				       const struct sayso_ballot_in *in,
				       struct sayso_cast_result *res)
{
	memset(res, 0, sizeof *res);
	const struct sayso_round r = *rp;
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	snprintf(res->round_code, sizeof res->round_code, "%s", r.code);
	if (in->uid && *in->uid) {
		if (strlen(in->uid) > SAYSO_UID_LEN) {
			e = Sayso_store_fail(st, SAYSO_ERR_INVAL,
					     "bad ballot uid");
			goto out;
		}
		snprintf(res->uid, sizeof res->uid, "%s", in->uid);
	} else if ((e = sayso_uid_new(res->uid, sizeof res->uid)) != SAYSO_OK) {
		goto out;
	}
	int64_t now = sayso_time_now_ms();
	int64_t at = in->cast_at_ms ? in->cast_at_ms : now;
	char cast_at[SAYSO_TIME_LEN + 1];
	sayso_time_format(at, cast_at, sizeof cast_at);
	for (size_t i = 0; i < in->npicks && i < SAYSO_MAX_PICKS; i++)
		for (size_t k = 0; k < np; k++)
			if (projects[k].number == in->picks[i].number)
				res->total_cost += projects[k].cost;

	/* Who votes first (inside this transaction, so a code is used once),
	 * then what; a merged ballot is judged by the time it was cast, and a
	 * merge may already know it must be rejected (in->reject). */
	struct sayso_eligibility el;
	if ((e = sayso_ballot_eligible(st, &r, in->resident_id, in->channel,
				       in->phone_proven, &el)) != SAYSO_OK)
		goto out;
	bool merge_reject = in->reject && *in->reject;
	if (merge_reject)
		snprintf(res->reason, sizeof res->reason, "%s", in->reject);
	if (!merge_reject && (!el.ok || el.test))
		snprintf(res->reason, sizeof res->reason, "%s",
			 el.ok ? "a test voter code: this ballot is kept but "
				 "never counted"
			       : el.why);
	if (merge_reject || !el.ok || el.test ||
	    sayso_ballot_check(&r, projects, np, in->picks, in->npicks, at,
			       &res->refusal) != SAYSO_OK) {
		if (res->refusal.code != SAYSO_REASON_NONE)
			sayso_refusal_english(&res->refusal, res->reason,
					      sizeof res->reason);
		else if (!merge_reject && !el.ok)
			res->refusal.code = el.code; /* for a program to word */
		res->outcome = SAYSO_CAST_INVALID;
		e = insert_ballot(st, &r, in, res->uid, cast_at,
				  SAYSO_BALLOT_REJECTED, res->reason, projects,
				  np);
		if (e != SAYSO_OK)
			goto out;
		goto done;
	}
	struct counted prev = {0};
	if (in->resident_id && *in->resident_id &&
	    (e = find_counted(st, r.id, in->resident_id, &prev)) != SAYSO_OK)
		goto out;
	if (!prev.found) {
		res->outcome = SAYSO_CAST_ACCEPTED;
		e = insert_ballot(st, &r, in, res->uid, cast_at,
				  SAYSO_BALLOT_COUNTED, NULL, projects, np);
		goto stored;
	}
	res->prev_cast_at_ms = prev.cast_at_ms;
	res->prev_channel = prev.channel;
	/* On an exact tie in cast time the stored ballot came first. */
	int new_first = at < prev.cast_at_ms;
	int new_wins = sayso_round_revote_allows(&r) ? !new_first : new_first;
	if (new_wins) {
		char why[SAYSO_REASON_MAX];
		supersede_reason(r.revote, at, in->channel, why, sizeof why);
		if ((e = set_status(st, prev.id, SAYSO_BALLOT_SUPERSEDED,
				    why)) != SAYSO_OK)
			goto out;
		res->outcome = SAYSO_CAST_REPLACED;
		e = insert_ballot(st, &r, in, res->uid, cast_at,
				  SAYSO_BALLOT_COUNTED, NULL, projects, np);
	} else {
		supersede_reason(r.revote, prev.cast_at_ms, prev.channel,
				 res->reason, sizeof res->reason);
		res->outcome = SAYSO_CAST_ALREADY_VOTED;
		e = insert_ballot(st, &r, in, res->uid, cast_at,
				  SAYSO_BALLOT_SUPERSEDED, res->reason,
				  projects, np);
	}
stored:
	if (e != SAYSO_OK)
		goto out;
	if (el.by_code && el.status == SAYSO_CODE_ISSUED &&
	    (e = sayso_codes_mark_used(st, el.code_id)) != SAYSO_OK)
		goto out;
done:
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

struct bal {
	int64_t id;
	char uid[SAYSO_UID_LEN + 1];
	int64_t at;
	enum sayso_channel ch;
	int counted;
	char resident[SAYSO_RESIDENT_ID_LEN + 1];
};

static enum sayso_err reapply_group(struct sayso_store *st,
				    enum sayso_revote policy, struct bal *b,
				    size_t n, size_t *changed)
{
	/* Rows arrive ordered by (cast_at, id): the winner is an end. */
	size_t w = sayso_revote_later_wins(policy) ? n - 1 : 0;
	enum sayso_err e;
	for (size_t i = 0; i < n; i++) {
		if (i == w)
			continue;
		char why[SAYSO_REASON_MAX];
		supersede_reason(policy, b[w].at, b[w].ch, why, sizeof why);
		if ((e = set_status(st, b[i].id, SAYSO_BALLOT_SUPERSEDED,
				    why)) != SAYSO_OK)
			return e;
		if (b[i].counted)
			(*changed)++;
	}
	if ((e = set_status(st, b[w].id, SAYSO_BALLOT_COUNTED, NULL)) !=
	    SAYSO_OK)
		return e;
	if (!b[w].counted)
		(*changed)++;
	return SAYSO_OK;
}

enum sayso_err sayso_ballot_reapply(struct sayso_store *st, int64_t round_id,
				    size_t *changed)
{
	size_t dummy;
	if (!changed)
		changed = &dummy;
	*changed = 0;
	struct sayso_round r;
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	struct bal *group = NULL;
	size_t n = 0, cap = 0;
	if ((e = sayso_round_get_by_id(st, round_id, &r)) != SAYSO_OK)
		goto out;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, uid, cast_at, channel, status = 'counted', "
		"resident_id FROM ballots WHERE round_id = ?1 AND status != "
		"'rejected' AND resident_id IS NOT NULL ORDER BY "
		"resident_id, cast_at, id");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, round_id);
	/* Collect everything first: updating while stepping the same table
	 * would be undefined order. */
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(&group, &cap, n + 1, sizeof *group,
				     SIZE_MAX) != SAYSO_OK) {
			Sayso_reset(s);
			e = Sayso_store_fail(st, SAYSO_ERR_NOMEM,
					     "out of memory");
			goto out;
		}
		struct bal *b = &group[n++];
		b->id = Sayso_col_int64(s, 0);
		Sayso_column_copy(s, 1, b->uid, sizeof b->uid);
		const char *t = (const char *)Sayso_col_text(s, 2);
		if (!t || sayso_time_parse(t, &b->at) != SAYSO_OK)
			b->at = 0;
		if (sayso_channel_parse((const char *)Sayso_col_text(s, 3),
					&b->ch) != SAYSO_OK)
			b->ch = SAYSO_CH_PAPER;
		b->counted = Sayso_col_int(s, 4);
		Sayso_column_copy(s, 5, b->resident, sizeof b->resident);
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		e = Sayso_store_sqlfail(st, "read ballots");
		goto out;
	}
	/* First pass: everything superseded-in-waiting is decided per group;
	 * losers are demoted before winners are promoted, so the unique index
	 * on counted ballots is never violated mid-way. */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n &&
		       strcmp(group[j].resident, group[i].resident) == 0)
			j++;
		if ((e = reapply_group(st, r.revote, group + i, j - i,
				       changed)) != SAYSO_OK)
			goto out;
		i = j;
	}
	free(group);
	return sayso_store_commit(st);
out:
	free(group);
	sayso_store_rollback(st);
	return e;
}

enum sayso_err Sayso_ballot_counts_rows(struct sayso_store *st,
					struct sayso_stmt *s,
					struct sayso_ballot_counts *out)
{
	enum sayso_err err = SAYSO_OK;
	int rc;

	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		const char *sname = (const char *)Sayso_col_text(s, 0);
		const char *chname = (const char *)Sayso_col_text(s, 1);
		int64_t n = Sayso_col_int64(s, 2);
		const char *a = (const char *)Sayso_col_text(s, 3);
		const char *b = (const char *)Sayso_col_text(s, 4);
		enum sayso_ballot_status status;
		enum sayso_channel ch;

		if (sayso_ballot_status_parse(sname, &status) != SAYSO_OK) {
			err = Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					       "a ballot has status '%s'",
					       sname ? sname : "");
			goto out;
		}
		switch (status) {
		case SAYSO_BALLOT_SUPERSEDED:
			out->superseded += n;
			continue;
		case SAYSO_BALLOT_REJECTED:
			out->rejected += n;
			continue;
		case SAYSO_BALLOT_COUNTED:
			break;
		}
		if (sayso_channel_parse(chname, &ch) != SAYSO_OK ||
		    (size_t)ch >=
			sizeof out->by_channel / sizeof out->by_channel[0]) {
			err = Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					       "a ballot has channel '%s'",
					       chname ? chname : "");
			goto out;
		}
		out->by_channel[ch] += n;
		out->counted += n;
		if (a && (!out->first[0] || strcmp(a, out->first) < 0))
			snprintf(out->first, sizeof out->first, "%s", a);
		if (b && strcmp(b, out->last) > 0)
			snprintf(out->last, sizeof out->last, "%s", b);
	}
	if (rc != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, "count ballots");
out:
	Sayso_reset(s);
	return err;
}

enum sayso_err sayso_ballot_counts(struct sayso_store *st, int64_t round_id,
				   struct sayso_ballot_counts *out)
{
	memset(out, 0, sizeof *out);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT status, channel, count(*), min(cast_at), max(cast_at)"
		" FROM ballots WHERE round_id = ?1 GROUP BY status, channel");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	return Sayso_ballot_counts_rows(st, s, out);
}

enum sayso_err sayso_ballot_find(struct sayso_store *st, int64_t round_id,
				 const char *resident_id, bool *found,
				 int64_t *cast_at_ms, enum sayso_channel *ch)
{
	struct counted c;
	enum sayso_err e = find_counted(st, round_id, resident_id, &c);
	if (e != SAYSO_OK)
		return e;
	*found = c.found;
	if (cast_at_ms)
		*cast_at_ms = c.cast_at_ms;
	if (ch)
		*ch = c.channel;
	return SAYSO_OK;
}

enum sayso_err sayso_picks_parse(const char *s, struct sayso_pick *picks,
				 size_t maxpicks, size_t *npicks,
				 const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = NULL;
	*npicks = 0;
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (!isdigit((unsigned char)*p)) {
			*why = sayso_reason_english(SAYSO_REASON_PICKS_FORMAT);
			return SAYSO_ERR_INVAL;
		}
		errno = 0;
		char *end;
		long v = strtol(p, &end, 10);
		if (errno || !sayso_project_number_valid(v)) {
			*why = sayso_reason_english(SAYSO_REASON_PICKS_RANGE);
			return SAYSO_ERR_INVAL;
		}
		if (*end && *end != ',' && *end != ' ' && *end != '\t') {
			*why = sayso_reason_english(SAYSO_REASON_PICKS_FORMAT);
			return SAYSO_ERR_INVAL;
		}
		if (*npicks >= maxpicks) {
			*why =
			    sayso_reason_english(SAYSO_REASON_PICKS_TOO_MANY);
			return SAYSO_ERR_INVAL;
		}
		picks[*npicks].number = (int)v;
		picks[*npicks].points = 1;
		(*npicks)++;
		p = end;
	}
	if (*npicks == 0) {
		*why = sayso_reason_english(SAYSO_REASON_PICKS_EMPTY);
		return SAYSO_ERR_INVAL;
	}
	return SAYSO_OK;
}

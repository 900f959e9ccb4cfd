/*
 * feedback.c: ratings and reported problems.
 *
 * A report's reference is short and readable ("R7K-4QM": unambiguous
 * alphabet) because residents read it off a screen or a text. A resident who
 * asks for an update leaves a number: it goes only into a held outbox
 * message keyed to the report, released when the report is resolved.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "sayso/feedback.h"
#include "sayso/misuse.h"
#include "sayso/sms.h"

static const char *device_or_store(struct sayso_store *st, const char *dev)
{
	return dev && *dev ? dev : sayso_store_device(st);
}

enum sayso_err sayso_rating_add(struct sayso_store *st,
				const struct sayso_rating_in *in, char *uid_out,
				size_t uidsz)
{
	if (in->score < 1 || in->score > 5)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a rating is 1 to 5, not %d",
					in->score);
	char uid[SAYSO_UID_LEN + 1];
	enum sayso_err e;
	if (in->uid && *in->uid)
		snprintf(uid, sizeof uid, "%s", in->uid);
	else if ((e = sayso_uid_new(uid, sizeof uid)) != SAYSO_OK)
		return Sayso_store_fail(st, e, "no random bytes for an id");
	char at[SAYSO_TIME_LEN + 1];
	int64_t at_ms = in->cast_at_ms ? in->cast_at_ms : sayso_time_now_ms();
	sayso_time_format(at_ms, at, sizeof at);
	enum sayso_rating_flag flag = SAYSO_FLAG_NONE;
	if (in->channel == SAYSO_CH_KIOSK || in->channel == SAYSO_CH_SMS) {
		e = sayso_misuse_rating_flag(st, in->resident_id,
					     device_or_store(st, in->device_id),
					     at_ms, in->repeat_seconds, &flag);
		if (e != SAYSO_OK)
			return e;
	}
	char answer[SAYSO_ANSWER_MAX + 1];
	sayso_strlcpy_utf8(answer, in->answer, sizeof answer);
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO ratings(uid, score, question, answer, "
		"resident_id, channel, device_id, cast_at, flag) VALUES(?1, "
		"?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!s) {
		sayso_store_rollback(st);
		return SAYSO_ERR_DB;
	}
	Sayso_bind_text(s, 1, uid, -1);
	Sayso_bind_int(s, 2, in->score);
	Sayso_bind_text_or_null(s, 3, in->question);
	Sayso_bind_text_or_null(s, 4, answer);
	Sayso_bind_text_or_null(s, 5, in->resident_id);
	Sayso_bind_text(s, 6, sayso_channel_name(in->channel), -1);
	Sayso_bind_text(s, 7, device_or_store(st, in->device_id), -1);
	Sayso_bind_text(s, 8, at, -1);
	Sayso_bind_text_or_null(s, 9, sayso_rating_flag_name(flag));
	if ((e = Sayso_store_insert_new(st, s, "store rating",
					"rating %s is already stored", uid)) !=
	    SAYSO_OK) {
		sayso_store_rollback(st);
		return e;
	}
	/* An enrolled kiosk chains the rating (a no-op elsewhere). */
	if ((e = Sayso_devlog_note(st, SAYSO_DEVLOG_RATING, uid)) != SAYSO_OK ||
	    (e = sayso_store_commit(st)) != SAYSO_OK) {
		sayso_store_rollback(st);
		return e;
	}
	if (uid_out && uidsz)
		snprintf(uid_out, uidsz, "%s", uid);
	return SAYSO_OK;
}

enum sayso_err sayso_rating_set_followup(struct sayso_store *st,
					 const char *uid, const char *question,
					 const char *answer)
{
	char a[SAYSO_ANSWER_MAX + 1];
	sayso_strlcpy_utf8(a, answer, sizeof a);
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE ratings SET question = ?1, answer = ?2 WHERE uid = ?3");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text_or_null(s, 1, question);
	Sayso_bind_text_or_null(s, 2, a);
	Sayso_bind_text(s, 3, uid, -1);
	if ((e = Sayso_store_step_done(st, s, "store follow-up")) != SAYSO_OK)
		goto out;
	if (Sayso_store_changes(st) == 0) {
		e = Sayso_store_fail(st, SAYSO_ERR_NOTFOUND, "no rating %s",
				     uid);
		goto out;
	}
	/* The changed row is chained again on an enrolled kiosk. */
	if ((e = Sayso_devlog_note(st, SAYSO_DEVLOG_RATING, uid)) != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

const char *sayso_report_status_name(enum sayso_report_status s)
{
	switch (s) {
	case SAYSO_REPORT_OPEN:
		return "open";
	case SAYSO_REPORT_IN_PROGRESS:
		return "in_progress";
	case SAYSO_REPORT_RESOLVED:
		return "resolved";
	case SAYSO_REPORT_REJECTED:
		return "rejected";
	}
	return "?";
}

enum sayso_err sayso_report_status_parse(const char *s,
					 enum sayso_report_status *out)
{
	static const enum sayso_report_status all[] = {
	    SAYSO_REPORT_OPEN, SAYSO_REPORT_IN_PROGRESS, SAYSO_REPORT_RESOLVED,
	    SAYSO_REPORT_REJECTED};
	for (size_t i = 0; i < 4; i++)
		if (s && strcmp(s, sayso_report_status_name(all[i])) == 0) {
			*out = all[i];
			return SAYSO_OK;
		}
	if (s && strcmp(s, "in-progress") == 0) {
		*out = SAYSO_REPORT_IN_PROGRESS;
		return SAYSO_OK;
	}
	return SAYSO_ERR_INVAL;
}

static enum sayso_err add_history(struct sayso_store *st, int64_t report_id,
				  const char *status, const char *note,
				  const char *actor, const char *at)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO report_history(report_id, at, status, note, "
		"actor) VALUES(?1, ?2, ?3, ?4, ?5)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, report_id);
	Sayso_bind_text(s, 2, at, -1);
	Sayso_bind_text(s, 3, status, -1);
	Sayso_bind_text_or_null(s, 4, note);
	Sayso_bind_text(s, 5, actor ? actor : "unknown", -1);
	return Sayso_store_step_done(st, s, "record report history");
}

static enum sayso_err new_ref(char *out, size_t outsz)
{
	char raw[8];
	enum sayso_err e = sayso_random_code(raw, sizeof raw, 6);
	if (e != SAYSO_OK)
		return e;
	snprintf(out, outsz, "%.3s-%.3s", raw, raw + 3);
	return SAYSO_OK;
}

/* Whether a report with uid is stored (*taken). */
static enum sayso_err report_uid_exists(struct sayso_store *st, const char *uid,
					bool *taken)
{
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, "SELECT 1 FROM reports WHERE uid = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, uid, -1);
	int rc = Sayso_step(s);
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "look up report");
	*taken = rc == SAYSO_SQL_ROW;
	return SAYSO_OK;
}

enum sayso_err sayso_report_add(struct sayso_store *st,
				const struct sayso_report_in *in, char *ref_out,
				size_t refsz)
{
	if (!in->category || !*in->category ||
	    strlen(in->category) >= SAYSO_CATEGORY_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a report needs a category");
	if (in->text && strlen(in->text) > SAYSO_REPORT_TEXT_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"a report's text is at most %d bytes",
					SAYSO_REPORT_TEXT_MAX);
	char uid[SAYSO_UID_LEN + 1], ref[SAYSO_REF_LEN + 1];
	enum sayso_err e;
	if (in->uid && *in->uid)
		snprintf(uid, sizeof uid, "%s", in->uid);
	else if ((e = sayso_uid_new(uid, sizeof uid)) != SAYSO_OK)
		return Sayso_store_fail(st, e, "no random bytes for an id");
	char at[SAYSO_TIME_LEN + 1];
	sayso_time_format(in->cast_at_ms ? in->cast_at_ms : sayso_time_now_ms(),
			  at, sizeof at);
	char street[SAYSO_STREET_MAX];
	sayso_strlcpy_utf8(street, in->street, sizeof street);

	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	/* A uid already stored is told apart by asking, inside the same
	 * transaction, not by reading SQLite's message text: afterwards a
	 * UNIQUE failure can only be the reference. */
	bool uid_taken = false;
	if ((e = report_uid_exists(st, uid, &uid_taken)) != SAYSO_OK)
		goto out;
	if (uid_taken) {
		e = Sayso_store_fail(st, SAYSO_ERR_EXISTS,
				     "report %s is already stored", uid);
		goto out;
	}
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO reports(uid, ref, category, street, location, "
		"text, status, resident_id, channel, device_id, cast_at, "
		"updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, "
		"?9, ?10, ?10)");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	/* A fresh reference collides with probability ~n/30^6; retry then. */
	for (int attempt = 0;; attempt++) {
		if (in->ref && *in->ref)
			snprintf(ref, sizeof ref, "%s", in->ref);
		else if ((e = new_ref(ref, sizeof ref)) != SAYSO_OK)
			goto out;
		Sayso_reset(s);
		Sayso_bind_text(s, 1, uid, -1);
		Sayso_bind_text(s, 2, ref, -1);
		Sayso_bind_text(s, 3, in->category, -1);
		Sayso_bind_text_or_null(s, 4, street);
		Sayso_bind_text_or_null(s, 5, in->location);
		Sayso_bind_text_or_null(s, 6, in->text);
		Sayso_bind_text_or_null(s, 7, in->resident_id);
		Sayso_bind_text(s, 8, sayso_channel_name(in->channel), -1);
		Sayso_bind_text(s, 9, device_or_store(st, in->device_id), -1);
		Sayso_bind_text(s, 10, at, -1);
		if (Sayso_step_try(s) == SAYSO_SQL_DONE)
			break;
		bool uniq = Sayso_store_err_unique(st);
		Sayso_reset(s);
		if (!uniq || attempt > 5 || (in->ref && *in->ref)) {
			e = Sayso_store_sqlfail(st, "store report");
			goto out;
		}
	}
	Sayso_reset(s);
	int64_t rid = Sayso_store_last_id(st);
	if ((e = add_history(st, rid, "open", NULL,
			     sayso_channel_name(in->channel), at)) != SAYSO_OK)
		goto out;
	/* Its partner by the routing rule, and a likely duplicate link. */
	if ((e = Sayso_issue_created(st, SAYSO_ISSUE_REPORT, rid, in->category,
				     street, at)) != SAYSO_OK)
		goto out;
	if (in->notify_phone && *in->notify_phone) {
		char key[32];
		snprintf(key, sizeof key, "report:%s", ref);
		if ((e = sayso_outbox_hold(st, in->notify_phone, key, NULL)) !=
		    SAYSO_OK)
			goto out;
	}
	/* An enrolled kiosk chains the report with its held message. */
	if ((e = Sayso_devlog_note(st, SAYSO_DEVLOG_REPORT, uid)) != SAYSO_OK)
		goto out;
	if ((e = sayso_store_commit(st)) != SAYSO_OK)
		return e;
	if (ref_out && refsz)
		snprintf(ref_out, refsz, "%s", ref);
	return SAYSO_OK;
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_report_set_status(struct sayso_store *st, const char *ref,
				       enum sayso_report_status status,
				       const char *note, const char *actor)
{
	char want[SAYSO_REF_LEN + 1];
	size_t n = 0;
	for (const char *p = ref; *p && n < SAYSO_REF_LEN; p++)
		want[n++] = (char)toupper((unsigned char)*p);
	want[n] = '\0';
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	struct sayso_stmt *q = Sayso_store_stmt(
	    st, "SELECT id, ref, status FROM reports WHERE ref = ?1 OR "
		"id = ?2");
	if (!q) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(q, 1, want, -1);
	/* A number alone names the report by id. */
	size_t digits = strspn(ref, "0123456789");
	if (digits && digits < 19 && ref[digits] == '\0')
		Sayso_bind_int64(q, 2, strtoll(ref, NULL, 10));
	else
		Sayso_bind_null(q, 2);
	int rc = Sayso_step(q);
	if (rc != SAYSO_SQL_ROW) {
		Sayso_reset(q);
		e = rc == SAYSO_SQL_DONE
			? Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
					   "no report with reference '%s'", ref)
			: Sayso_store_sqlfail(st, "find report");
		goto out;
	}
	int64_t id = Sayso_col_int64(q, 0);
	char realref[SAYSO_REF_LEN + 1], old[16];
	Sayso_column_copy(q, 1, realref, sizeof realref);
	Sayso_column_copy(q, 2, old, sizeof old);
	Sayso_reset(q);
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	const char *name = sayso_report_status_name(status);
	struct sayso_stmt *u = Sayso_store_stmt(
	    st,
	    "UPDATE reports SET status = ?1, updated_at = ?2 WHERE id = ?3");
	if (!u) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(u, 1, name, -1);
	Sayso_bind_text(u, 2, now, -1);
	Sayso_bind_int64(u, 3, id);
	if ((e = Sayso_store_step_done(st, u, "update report")) != SAYSO_OK ||
	    (e = add_history(st, id, name, note, actor, now)) != SAYSO_OK)
		goto out;
	if (status == SAYSO_REPORT_RESOLVED) {
		char key[32], body[320];
		snprintf(key, sizeof key, "report:%s", realref);
		snprintf(body, sizeof body,
			 "Your report %s has been resolved. Thank you for "
			 "telling us.%s%s",
			 realref, note && *note ? " " : "", note ? note : "");
		char trimmed[161];
		sayso_strlcpy_utf8(trimmed, body, sizeof trimmed);
		if ((e = sayso_outbox_release(st, key, trimmed)) != SAYSO_OK)
			goto out;
	}
	if ((e = sayso_store_audit(st, actor, "report.status",
				   "ref=%s %s -> %s%s%s", realref, old, name,
				   note ? " note=" : "", note ? note : "")) !=
	    SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

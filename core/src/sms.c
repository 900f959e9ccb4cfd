/*
 * sms.c: the durable SMS inbox and outbox, opt-outs, conversations.
 *
 * The inbox row is the acknowledgement point: it is committed (unique on
 * provider + provider id) before a provider hears 200, so a retry is a
 * duplicate, not a second vote. The outbox is the only place a number lives
 * in clear; sent/failed rows have it set to NULL, and secure_delete makes
 * sure the old bytes are overwritten.
 */
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sayso/sms.h"

enum sayso_err sayso_inbox_add(struct sayso_store *st,
			       const struct sayso_inbound *in,
			       int64_t *inbox_id, bool *duplicate,
			       char *resident_out, size_t residentsz)
{
	*duplicate = false;
	*inbox_id = 0;
	if (!in->provider || !in->from_e164 || !in->body)
		return sayso_store_fail(
		    st, SAYSO_ERR_INVAL,
		    "inbound message lacks provider, sender "
		    "or body");
	if (strlen(in->body) > SAYSO_SMS_BODY_MAX * 4)
		return sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"inbound message is too long");
	char resident[SAYSO_RESIDENT_ID_LEN + 1];
	char at[SAYSO_TIME_LEN + 1];
	int64_t when =
	    in->received_at_ms ? in->received_at_ms : sayso_time_now_ms();
	sayso_time_format(when, at, sizeof at);
	char derived[SAYSO_HEX256_MAX];
	const char *pid = in->provider_id;
	if (!pid || !*pid) {
		/* No provider id: identify by sender, time and text. */
		unsigned char md[32];
		unsigned int mdlen = 0;
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
		    !EVP_DigestUpdate(ctx, in->from_e164,
				      strlen(in->from_e164)) ||
		    !EVP_DigestUpdate(ctx, at, strlen(at)) ||
		    !EVP_DigestUpdate(ctx, in->body, strlen(in->body)) ||
		    !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
			EVP_MD_CTX_free(ctx);
			return sayso_store_fail(st, SAYSO_ERR_CRYPTO,
						"sha256 failed");
		}
		EVP_MD_CTX_free(ctx);
		for (unsigned i = 0; i < 16; i++)
			snprintf(derived + 2 * i, 3, "%02x", md[i]);
		pid = derived;
	}
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	if ((e = sayso_store_resident(st, SAYSO_ID_PHONE, in->from_e164,
				      resident, sizeof resident)) != SAYSO_OK)
		goto fail;
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "INSERT INTO sms_inbox(provider, provider_id, resident_id, "
		"body, received_at) VALUES(?1, ?2, ?3, ?4, ?5) "
		"ON CONFLICT(provider, provider_id) DO NOTHING");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto fail;
	}
	sqlite3_bind_text(s, 1, in->provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, pid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, resident, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, in->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, at, -1, SQLITE_STATIC);
	if ((e = sayso_store_step_done(st, s, "store inbound message")) !=
	    SAYSO_OK)
		goto fail;
	if (sqlite3_changes(sayso_store_sqlite(st)) == 0)
		*duplicate = true;
	else
		*inbox_id = sqlite3_last_insert_rowid(sayso_store_sqlite(st));
	if ((e = sayso_store_commit(st)) != SAYSO_OK)
		return e;
	if (resident_out && residentsz)
		snprintf(resident_out, residentsz, "%s", resident);
	return SAYSO_OK;
fail:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_inbox_done(struct sayso_store *st, int64_t inbox_id,
				const char *outcome)
{
	char now[SAYSO_TIME_LEN + 1];
	sayso_now_text(now, sizeof now);
	sqlite3_stmt *s = sayso_store_stmt(
	    st,
	    "UPDATE sms_inbox SET handled_at = ?1, outcome = ?2 WHERE id = ?3");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sayso_bind_text_or_null(s, 2, outcome);
	sqlite3_bind_int64(s, 3, inbox_id);
	return sayso_store_step_done(st, s, "mark message handled");
}

enum sayso_err sayso_inbox_pending(struct sayso_store *st,
				   struct sayso_inbox_row *rows, size_t max,
				   size_t *n)
{
	*n = 0;
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "SELECT id, provider, resident_id, body, received_at FROM "
		"sms_inbox WHERE handled_at IS NULL ORDER BY id LIMIT ?1");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
	int rc;
	while (*n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sayso_inbox_row *r = &rows[(*n)++];
		r->id = sqlite3_column_int64(s, 0);
		sayso_column_copy(s, 1, r->provider, sizeof r->provider);
		sayso_column_copy(s, 2, r->resident_id, sizeof r->resident_id);
		sayso_column_copy(s, 3, r->body, sizeof r->body);
		const char *t = (const char *)sqlite3_column_text(s, 4);
		if (!t || sayso_time_parse(t, &r->received_at_ms) != SAYSO_OK)
			r->received_at_ms = 0;
	}
	sqlite3_reset(s);
	return SAYSO_OK;
}

static enum sayso_err outbox_insert(struct sayso_store *st, const char *to,
				    const char *body, int64_t inbox_id,
				    const char *status, const char *hold_key,
				    int64_t *id)
{
	char resident[SAYSO_RESIDENT_ID_LEN + 1];
	enum sayso_err e = sayso_store_resident(st, SAYSO_ID_PHONE, to,
						resident, sizeof resident);
	if (e != SAYSO_OK)
		return e;
	char now[SAYSO_TIME_LEN + 1];
	sayso_now_text(now, sizeof now);
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "INSERT INTO sms_outbox(to_number, resident_id, body, "
		"inbox_id, status, hold_key, next_attempt_at, created_at) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, resident, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, body ? body : "", -1, SQLITE_STATIC);
	if (inbox_id > 0)
		sqlite3_bind_int64(s, 4, inbox_id);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, status, -1, SQLITE_STATIC);
	sayso_bind_text_or_null(s, 6, hold_key);
	sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
	if ((e = sayso_store_step_done(st, s, "queue message")) != SAYSO_OK)
		return e;
	if (id)
		*id = sqlite3_last_insert_rowid(sayso_store_sqlite(st));
	return SAYSO_OK;
}

enum sayso_err sayso_outbox_queue(struct sayso_store *st, const char *to_e164,
				  const char *body, int64_t inbox_id,
				  int64_t *id)
{
	if (!body || strlen(body) > SAYSO_SMS_BODY_MAX)
		return sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"a reply is at most %d bytes",
					SAYSO_SMS_BODY_MAX);
	return outbox_insert(st, to_e164, body, inbox_id, "queued", NULL, id);
}

enum sayso_err sayso_outbox_hold(struct sayso_store *st, const char *to_e164,
				 const char *hold_key, int64_t *id)
{
	return outbox_insert(st, to_e164, "", 0, "held", hold_key, id);
}

enum sayso_err sayso_outbox_release(struct sayso_store *st,
				    const char *hold_key, const char *body)
{
	char now[SAYSO_TIME_LEN + 1];
	sayso_now_text(now, sizeof now);
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "UPDATE sms_outbox SET status = 'queued', body = ?1, "
		"next_attempt_at = ?2 WHERE hold_key = ?3 AND status = 'held'");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hold_key, -1, SQLITE_STATIC);
	return sayso_store_step_done(st, s, "release held message");
}

enum sayso_err sayso_outbox_due(struct sayso_store *st, int64_t now_ms,
				struct sayso_outbox_msg *msgs, size_t max,
				size_t *n)
{
	*n = 0;
	char now[SAYSO_TIME_LEN + 1];
	sayso_time_format(now_ms, now, sizeof now);
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "SELECT id, to_number, resident_id, body, attempts FROM "
		"sms_outbox WHERE status = 'queued' AND next_attempt_at <= ?1 "
		"AND to_number IS NOT NULL ORDER BY next_attempt_at, id "
		"LIMIT ?2");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	int rc = SQLITE_DONE;
	while (*n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sayso_outbox_msg *m = &msgs[(*n)++];
		m->id = sqlite3_column_int64(s, 0);
		sayso_column_copy(s, 1, m->to, sizeof m->to);
		sayso_column_copy(s, 2, m->resident_id, sizeof m->resident_id);
		sayso_column_copy(s, 3, m->body, sizeof m->body);
		m->attempts = sqlite3_column_int(s, 4);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sayso_store_sqlfail(st, "read outbox");
	return SAYSO_OK;
}

static enum sayso_err outbox_finish(struct sayso_store *st, int64_t id,
				    const char *status, const char *provider_id,
				    const char *error)
{
	char now[SAYSO_TIME_LEN + 1];
	sayso_now_text(now, sizeof now);
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "UPDATE sms_outbox SET status = ?1, provider_id = ?2, "
		"last_error = coalesce(?3, last_error), to_number = NULL, "
		"done_at = ?4, attempts = attempts + 1 WHERE id = ?5");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	sayso_bind_text_or_null(s, 2, provider_id);
	sayso_bind_text_or_null(s, 3, error);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, id);
	return sayso_store_step_done(st, s, "finish outbox message");
}

enum sayso_err sayso_outbox_sent(struct sayso_store *st, int64_t id,
				 const char *provider_id)
{
	return outbox_finish(st, id, "sent", provider_id, NULL);
}

enum sayso_err sayso_outbox_failed(struct sayso_store *st, int64_t id,
				   const char *error)
{
	return outbox_finish(st, id, "failed", NULL, error);
}

enum sayso_err sayso_outbox_retry(struct sayso_store *st, int64_t id,
				  const char *error, int64_t next_ms)
{
	char next[SAYSO_TIME_LEN + 1];
	sayso_time_format(next_ms, next, sizeof next);
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "UPDATE sms_outbox SET attempts = attempts + 1, last_error = "
		"?1, next_attempt_at = ?2 WHERE id = ?3");
	if (!s)
		return SAYSO_ERR_DB;
	sayso_bind_text_or_null(s, 1, error);
	sqlite3_bind_text(s, 2, next, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	return sayso_store_step_done(st, s, "reschedule message");
}

enum sayso_err sayso_optout_set(struct sayso_store *st, const char *resident_id,
				bool opted_out)
{
	char now[SAYSO_TIME_LEN + 1];
	sayso_now_text(now, sizeof now);
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "INSERT INTO residents(id, created_at, opted_out) VALUES(?1, "
		"?2, ?3) ON CONFLICT(id) DO UPDATE SET opted_out = "
		"excluded.opted_out");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, resident_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, opted_out ? 1 : 0);
	return sayso_store_step_done(st, s, "record opt-out");
}

enum sayso_err sayso_optout_get(struct sayso_store *st, const char *resident_id,
				bool *opted_out)
{
	*opted_out = false;
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "SELECT opted_out FROM residents WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, resident_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*opted_out = sqlite3_column_int(s, 0) != 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sayso_store_sqlfail(st, "read opt-out");
	return SAYSO_OK;
}

enum sayso_err sayso_convo_set(struct sayso_store *st, const char *resident_id,
			       const char *kind, const char *ref,
			       int64_t expires_ms)
{
	char exp[SAYSO_TIME_LEN + 1];
	sayso_time_format(expires_ms, exp, sizeof exp);
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "INSERT OR REPLACE INTO sms_convo(resident_id, kind, ref, "
		"expires_at) VALUES(?1, ?2, ?3, ?4)");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, resident_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, exp, -1, SQLITE_STATIC);
	return sayso_store_step_done(st, s, "record conversation");
}

enum sayso_err sayso_convo_take(struct sayso_store *st, const char *resident_id,
				int64_t now_ms, char *kind, size_t kindsz,
				char *ref, size_t refsz, bool *found)
{
	*found = false;
	char now[SAYSO_TIME_LEN + 1];
	sayso_time_format(now_ms, now, sizeof now);
	sqlite3_stmt *s = sayso_store_stmt(
	    st, "SELECT kind, ref, expires_at > ?2 FROM sms_convo WHERE "
		"resident_id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(s, 1, resident_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	bool any = rc == SQLITE_ROW;
	if (any && sqlite3_column_int(s, 2)) {
		*found = true;
		sayso_column_copy(s, 0, kind, kindsz);
		sayso_column_copy(s, 1, ref, refsz);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sayso_store_sqlfail(st, "read conversation");
	if (!any)
		return SAYSO_OK;
	sqlite3_stmt *d = sayso_store_stmt(
	    st, "DELETE FROM sms_convo WHERE resident_id = ?1");
	if (!d)
		return SAYSO_ERR_DB;
	sqlite3_bind_text(d, 1, resident_id, -1, SQLITE_STATIC);
	return sayso_store_step_done(st, d, "clear conversation");
}

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
#include <openssl/crypto.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/sms.h"

/* HMAC-SHA256(secret, label || parts...) into md (32 bytes). */
static bool keyed_digest(const unsigned char *secret, const char *label,
			 const char *const *parts, size_t nparts,
			 unsigned char md[32])
{
	bool ok = false;
	EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_HMAC, NULL,
						     secret, SAYSO_SECRET_LEN);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t ml = 32;
	if (!key || !ctx ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSignUpdate(ctx, label, strlen(label) + 1) != 1)
		goto out;
	for (size_t i = 0; i < nparts; i++)
		/* each part with its NUL: no two splits give one string */
		if (EVP_DigestSignUpdate(ctx, parts[i], strlen(parts[i]) + 1) !=
		    1)
			goto out;
	ok = EVP_DigestSignFinal(ctx, md, &ml) == 1 && ml == 32;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ok;
}

#define SEAL_NONCE 12
#define SEAL_TAG 16

/* AES-256-GCM of the number with a key derived from the site secret:
 * nonce || ciphertext || tag in out (>= SEAL_NONCE + len + SEAL_TAG). */
static bool seal_number(const unsigned char *secret, const char *e164,
			unsigned char *out, size_t *outlen)
{
	static const char *const none[] = {NULL};
	unsigned char key[32];
	size_t len = strlen(e164);
	int l = 0, l2 = 0;
	bool ok = false;
	if (!keyed_digest(secret, "sayso sms inbox sender key v1", none, 0,
			  key) ||
	    sayso_random_bytes(out, SEAL_NONCE) != SAYSO_OK)
		return false;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (c &&
	    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, out) == 1 &&
	    EVP_EncryptUpdate(c, out + SEAL_NONCE, &l,
			      (const unsigned char *)e164, (int)len) == 1 &&
	    EVP_EncryptFinal_ex(c, out + SEAL_NONCE + l, &l2) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, SEAL_TAG,
				out + SEAL_NONCE + l + l2) == 1) {
		*outlen = SEAL_NONCE + (size_t)(l + l2) + SEAL_TAG;
		ok = true;
	}
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(key, sizeof key);
	return ok;
}

/* Opens a sealed number into out (>= SAYSO_E164_MAX); false when it does
 * not authenticate (another site's secret, a damaged row). */
static bool unseal_number(const unsigned char *secret, const unsigned char *in,
			  size_t inlen, char *out, size_t outsz)
{
	static const char *const none[] = {NULL};
	unsigned char key[32];
	unsigned char plain[64];
	int l = 0, l2 = 0;
	bool ok = false;
	out[0] = '\0';
	if (inlen < SEAL_NONCE + SEAL_TAG ||
	    inlen - SEAL_NONCE - SEAL_TAG >= sizeof plain ||
	    inlen - SEAL_NONCE - SEAL_TAG >= outsz ||
	    !keyed_digest(secret, "sayso sms inbox sender key v1", none, 0,
			  key))
		return false;
	int clen = (int)(inlen - SEAL_NONCE - SEAL_TAG);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, in) == 1 &&
	    EVP_DecryptUpdate(c, plain, &l, in + SEAL_NONCE, clen) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, SEAL_TAG,
				(void *)(uintptr_t)(in + SEAL_NONCE + clen)) ==
		1 &&
	    EVP_DecryptFinal_ex(c, plain + l, &l2) == 1) {
		memcpy(out, plain, (size_t)(l + l2));
		out[l + l2] = '\0';
		ok = true;
	}
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(key, sizeof key);
	OPENSSL_cleanse(plain, sizeof plain);
	return ok;
}

enum sayso_err sayso_inbox_add(struct sayso_store *st,
			       const struct sayso_inbound *in,
			       int64_t *inbox_id, bool *duplicate,
			       char *resident_out, size_t residentsz)
{
	*duplicate = false;
	*inbox_id = 0;
	if (!in->provider || !in->from_e164 || !in->body)
		return Sayso_store_fail(
		    st, SAYSO_ERR_INVAL,
		    "inbound message lacks provider, sender "
		    "or body");
	if (strlen(in->body) > SAYSO_SMS_BODY_MAX * 4)
		return Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					"inbound message is too long");
	if (strlen(in->from_e164) >= SAYSO_E164_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"sender is not a normalised number");
	const unsigned char *secret = sayso_store_secret(st);
	if (!secret)
		return Sayso_store_fail(st, SAYSO_ERR_SECRET,
					"the site secret is not loaded");
	char resident[SAYSO_RESIDENT_ID_LEN + 1];
	char at[SAYSO_TIME_LEN + 1];
	int64_t when =
	    in->received_at_ms ? in->received_at_ms : sayso_time_now_ms();
	sayso_time_format(when, at, sizeof at);
	/* Inside the caller's transaction (the gateway's group commit, which
	 * holds a savepoint per text) that transaction is the unit: no
	 * savepoint of our own, two round trips fewer per text on
	 * PostgreSQL. On an error the caller rolls back its own level. */
	bool own = !Sayso_store_in_transaction(st);
	enum sayso_err e = own ? sayso_store_begin(st) : SAYSO_OK;
	if (e != SAYSO_OK)
		return e;
	if ((e = sayso_store_resident(st, SAYSO_ID_PHONE, in->from_e164,
				      resident, sizeof resident)) != SAYSO_OK)
		goto out;
	char derived[SAYSO_RESIDENT_ID_LEN + 300];
	const char *pid = in->provider_id;
	if (!pid || !*pid) {
		/* No provider id: a keyed digest of sender, provider time and
		 * text. Never the arrival time: a retry must match. */
		char sent[24];
		snprintf(sent, sizeof sent, "%" PRId64, in->sent_at_ms);
		const char *parts[] = {in->provider, in->from_e164, sent,
				       in->body};
		unsigned char md[32];
		if (!keyed_digest(secret, "sayso sms inbox key v1", parts, 4,
				  md)) {
			e = Sayso_store_fail(st, SAYSO_ERR_CRYPTO,
					     "HMAC-SHA256 failed");
			goto out;
		}
		memcpy(derived, "h:", 2);
		for (unsigned i = 0; i < 16; i++)
			snprintf(derived + 2 + 2 * i, 3, "%02x", md[i]);
		pid = derived;
	} else if (in->id_per_sender) {
		if (strlen(pid) > 256) {
			e = Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					     "provider id is too long");
			goto out;
		}
		snprintf(derived, sizeof derived, "%s~%.16s", pid, resident);
		pid = derived;
	}
	unsigned char sealed[SEAL_NONCE + SAYSO_E164_MAX + SEAL_TAG];
	size_t sealedlen = 0;
	if (!seal_number(secret, in->from_e164, sealed, &sealedlen)) {
		e = Sayso_store_fail(st, SAYSO_ERR_CRYPTO,
				     "could not seal the sender");
		goto out;
	}
	/* RETURNING: the new id in the same round trip (no row: a
	 * duplicate), instead of a second statement for the last id. */
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO sms_inbox(provider, provider_id, resident_id, "
		"body, received_at, from_sealed) VALUES(?1, ?2, ?3, ?4, ?5, "
		"?6) ON CONFLICT(provider, provider_id) DO NOTHING RETURNING "
		"id");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, in->provider, -1);
	Sayso_bind_text(s, 2, pid, -1);
	Sayso_bind_text(s, 3, resident, -1);
	Sayso_bind_text(s, 4, in->body, -1);
	Sayso_bind_text(s, 5, at, -1);
	Sayso_bind_blob(s, 6, sealed, (int)sealedlen);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		*inbox_id = Sayso_col_int64(s, 0);
		rc = Sayso_step(s);
	} else if (rc == SAYSO_SQL_DONE) {
		*duplicate = true;
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		e = Sayso_store_sqlfail(st, "store inbound message");
		goto out;
	}
	if (own && (e = sayso_store_commit(st)) != SAYSO_OK)
		return e;
	if (resident_out && residentsz)
		snprintf(resident_out, residentsz, "%s", resident);
	return SAYSO_OK;
out:
	*duplicate = false;
	*inbox_id = 0;
	if (own)
		sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_inbox_done(struct sayso_store *st, int64_t inbox_id,
				const char *outcome)
{
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st,
	    "UPDATE sms_inbox SET handled_at = ?1, outcome = ?2, from_sealed = "
	    "NULL WHERE id = ?3");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, now, -1);
	Sayso_bind_text_or_null(s, 2, outcome);
	Sayso_bind_int64(s, 3, inbox_id);
	return Sayso_store_step_done(st, s, "mark message handled");
}

enum sayso_err sayso_inbox_pending(struct sayso_store *st,
				   struct sayso_inbox_row *rows, size_t max,
				   size_t *n)
{
	*n = 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT id, provider, resident_id, body, received_at, "
		"from_sealed FROM sms_inbox WHERE handled_at IS NULL ORDER BY "
		"id LIMIT ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, (int64_t)max);
	int rc;
	while (*n < max && (rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		struct sayso_inbox_row *r = &rows[(*n)++];
		r->id = Sayso_col_int64(s, 0);
		Sayso_column_copy(s, 1, r->provider, sizeof r->provider);
		Sayso_column_copy(s, 2, r->resident_id, sizeof r->resident_id);
		Sayso_column_copy(s, 3, r->body, sizeof r->body);
		const char *t = (const char *)Sayso_col_text(s, 4);
		if (!t || sayso_time_parse(t, &r->received_at_ms) != SAYSO_OK)
			r->received_at_ms = 0;
		const unsigned char *b = Sayso_col_blob(s, 5);
		int bl = Sayso_col_bytes(s, 5);
		r->from_e164[0] = '\0';
		if (b && bl > 0 && sayso_store_secret(st))
			unseal_number(sayso_store_secret(st), b, (size_t)bl,
				      r->from_e164, sizeof r->from_e164);
	}
	Sayso_reset(s);
	return SAYSO_OK;
}

enum sayso_err sayso_inbox_is_pending(struct sayso_store *st, int64_t inbox_id,
				      bool *pending)
{
	*pending = false;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT handled_at IS NULL FROM sms_inbox WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, inbox_id);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW)
		*pending = Sayso_col_int(s, 0) != 0;
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read inbox row");
	return SAYSO_OK;
}

static enum sayso_err outbox_insert(struct sayso_store *st, const char *to,
				    const char *body, int64_t inbox_id,
				    const char *status, const char *hold_key,
				    int64_t *id)
{
	char resident[SAYSO_RESIDENT_ID_LEN + 1];
	enum sayso_err e;
	if (inbox_id > 0 && sayso_store_secret(st)) {
		/* A reply to an inbound text: sayso_inbox_add recorded the
		 * sender's resident row already; only the id is needed (one
		 * round trip fewer per text on PostgreSQL). */
		if ((e = sayso_resident_id(sayso_store_secret(st),
					   SAYSO_ID_PHONE, to, resident,
					   sizeof resident)) != SAYSO_OK)
			return Sayso_store_fail(st, e,
						"cannot compute resident id");
	} else if ((e = sayso_store_resident(st, SAYSO_ID_PHONE, to, resident,
					     sizeof resident)) != SAYSO_OK) {
		return e;
	}
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO sms_outbox(to_number, resident_id, body, "
		"inbox_id, status, hold_key, next_attempt_at, created_at) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, to, -1);
	Sayso_bind_text(s, 2, resident, -1);
	Sayso_bind_text(s, 3, body ? body : "", -1);
	if (inbox_id > 0)
		Sayso_bind_int64(s, 4, inbox_id);
	else
		Sayso_bind_null(s, 4);
	Sayso_bind_text(s, 5, status, -1);
	Sayso_bind_text_or_null(s, 6, hold_key);
	Sayso_bind_text(s, 7, now, -1);
	if ((e = Sayso_store_step_done(st, s, "queue message")) != SAYSO_OK)
		return e;
	if (id)
		*id = Sayso_store_last_id(st);
	return SAYSO_OK;
}

enum sayso_err sayso_outbox_queue(struct sayso_store *st, const char *to_e164,
				  const char *body, int64_t inbox_id,
				  int64_t *id)
{
	if (!body || strlen(body) > SAYSO_SMS_BODY_MAX)
		return Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
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
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE sms_outbox SET status = 'queued', body = ?1, "
		"next_attempt_at = ?2 WHERE hold_key = ?3 AND status = 'held'");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, body, -1);
	Sayso_bind_text(s, 2, now, -1);
	Sayso_bind_text(s, 3, hold_key, -1);
	return Sayso_store_step_done(st, s, "release held message");
}

static bool claimer_ok(struct sayso_store *st, const char *claimer)
{
	if (claimer && *claimer && strlen(claimer) < SAYSO_OUTBOX_CLAIMER_MAX)
		return true;
	Sayso_store_fail(st, SAYSO_ERR_INVAL,
			 "an outbox claimer is 1 to %d bytes",
			 SAYSO_OUTBOX_CLAIMER_MAX - 1);
	return false;
}

static int outbox_msg_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct sayso_outbox_msg *)a)->id;
	int64_t y = ((const struct sayso_outbox_msg *)b)->id;
	return (x > y) - (x < y);
}

/*
 * One statement chooses and claims the rows. On PostgreSQL the inner SELECT
 * locks the rows it picks and skips rows another transaction has locked
 * (FOR UPDATE SKIP LOCKED), so two gateways claiming at once get disjoint
 * sets without waiting; the outer UPDATE re-checks its WHERE on the locked
 * row version. SQLite has one writer at a time, so the plain form is
 * already exclusive. RETURNING gives the claimed rows in no set order:
 * sorted by id afterwards.
 */
enum sayso_err sayso_outbox_claim(struct sayso_store *st, const char *claimer,
				  int64_t now_ms, int64_t lease_ms,
				  struct sayso_outbox_msg *msgs, size_t max,
				  size_t *n)
{
	*n = 0;
	if (!claimer_ok(st, claimer))
		return SAYSO_ERR_INVAL;
	if (max == 0)
		return SAYSO_OK;
	char now[SAYSO_TIME_LEN + 1], until[SAYSO_TIME_LEN + 1];
	sayso_time_format(now_ms, now, sizeof now);
	sayso_time_format(now_ms + (lease_ms > 0 ? lease_ms : 1), until,
			  sizeof until);
#define CLAIM_HEAD                                                             \
	"UPDATE sms_outbox SET claimed_by = ?1, claim_until = ?2 WHERE id IN " \
	"(SELECT id FROM sms_outbox WHERE status = 'queued' AND "              \
	"next_attempt_at <= ?3 AND to_number IS NOT NULL AND (claimed_by IS "  \
	"NULL OR claim_until IS NULL OR claim_until <= ?3) ORDER BY "          \
	"next_attempt_at, id LIMIT ?4"
#define CLAIM_TAIL                                                             \
	") RETURNING id, to_number, resident_id, body, attempts, "             \
	"coalesce((SELECT opted_out FROM residents r WHERE r.id = "            \
	"sms_outbox.resident_id), 0)"
	struct sayso_stmt *s =
	    Sayso_store_stmt2(st, CLAIM_HEAD CLAIM_TAIL,
			      CLAIM_HEAD " FOR UPDATE SKIP LOCKED" CLAIM_TAIL);
#undef CLAIM_HEAD
#undef CLAIM_TAIL
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, claimer, -1);
	Sayso_bind_text(s, 2, until, -1);
	Sayso_bind_text(s, 3, now, -1);
	Sayso_bind_int64(s, 4, (int64_t)max);
	int rc;
	/* Stepped to the end: the update is whole only then (SQLite). */
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (*n >= max)
			continue;
		struct sayso_outbox_msg *m = &msgs[(*n)++];
		m->id = Sayso_col_int64(s, 0);
		Sayso_column_copy(s, 1, m->to, sizeof m->to);
		Sayso_column_copy(s, 2, m->resident_id, sizeof m->resident_id);
		Sayso_column_copy(s, 3, m->body, sizeof m->body);
		m->attempts = Sayso_col_int(s, 4);
		m->opted_out = Sayso_col_int(s, 5) != 0;
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		*n = 0;
		return Sayso_store_sqlfail(st, "claim outbox messages");
	}
	qsort(msgs, *n, sizeof *msgs, outbox_msg_cmp);
	return SAYSO_OK;
}

enum sayso_err sayso_outbox_unclaim(struct sayso_store *st, const char *claimer,
				    int64_t *released)
{
	if (released)
		*released = 0;
	if (!claimer_ok(st, claimer))
		return SAYSO_ERR_INVAL;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE sms_outbox SET claimed_by = NULL, claim_until = NULL "
		"WHERE claimed_by = ?1 AND status = 'queued'");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, claimer, -1);
	enum sayso_err e =
	    Sayso_store_step_done(st, s, "release outbox claims");
	if (e == SAYSO_OK && released)
		*released = Sayso_store_changes(st);
	return e;
}

enum sayso_err sayso_outbox_claimers(struct sayso_store *st, int64_t now_ms,
				     char (*names)[SAYSO_OUTBOX_CLAIMER_MAX],
				     size_t max, size_t *n)
{
	*n = 0;
	char now[SAYSO_TIME_LEN + 1];
	sayso_time_format(now_ms, now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT DISTINCT claimed_by FROM sms_outbox WHERE status = "
		"'queued' AND claimed_by IS NOT NULL AND claim_until > ?1 "
		"ORDER BY claimed_by LIMIT ?2");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, now, -1);
	Sayso_bind_int64(s, 2, (int64_t)max);
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW)
		if (*n < max)
			Sayso_column_copy(s, 0, names[(*n)++],
					  SAYSO_OUTBOX_CLAIMER_MAX);
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read outbox claimers");
	return SAYSO_OK;
}

/* The row changed (1) or it is not claimer's queued row (0). */
static enum sayso_err held_or_state(struct sayso_store *st, int64_t id,
				    enum sayso_err e)
{
	if (e == SAYSO_OK && Sayso_store_changes(st) == 0)
		return Sayso_store_fail(st, SAYSO_ERR_STATE,
					"outbox message %" PRId64
					" is not held by this gateway (taken "
					"over by another, or already done)",
					id);
	return e;
}

static enum sayso_err outbox_finish(struct sayso_store *st, int64_t id,
				    const char *claimer, const char *status,
				    const char *provider_id, const char *error)
{
	if (!claimer_ok(st, claimer))
		return SAYSO_ERR_INVAL;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	/* claimed_by stays: which gateway sent it or gave up. */
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE sms_outbox SET status = ?1, provider_id = ?2, "
		"last_error = coalesce(?3, last_error), to_number = NULL, "
		"done_at = ?4, attempts = attempts + 1, claim_until = NULL "
		"WHERE id = ?5 AND claimed_by = ?6 AND status = 'queued'");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, status, -1);
	Sayso_bind_text_or_null(s, 2, provider_id);
	Sayso_bind_text_or_null(s, 3, error);
	Sayso_bind_text(s, 4, now, -1);
	Sayso_bind_int64(s, 5, id);
	Sayso_bind_text(s, 6, claimer, -1);
	return held_or_state(
	    st, id, Sayso_store_step_done(st, s, "finish outbox message"));
}

enum sayso_err sayso_outbox_sent(struct sayso_store *st, int64_t id,
				 const char *claimer, const char *provider_id)
{
	return outbox_finish(st, id, claimer, "sent", provider_id, NULL);
}

enum sayso_err sayso_outbox_failed(struct sayso_store *st, int64_t id,
				   const char *claimer, const char *error)
{
	return outbox_finish(st, id, claimer, "failed", NULL, error);
}

enum sayso_err sayso_outbox_retry(struct sayso_store *st, int64_t id,
				  const char *claimer, const char *error,
				  int64_t next_ms)
{
	if (!claimer_ok(st, claimer))
		return SAYSO_ERR_INVAL;
	char next[SAYSO_TIME_LEN + 1];
	sayso_time_format(next_ms, next, sizeof next);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE sms_outbox SET attempts = attempts + 1, last_error = "
		"?1, next_attempt_at = ?2, claimed_by = NULL, claim_until = "
		"NULL WHERE id = ?3 AND claimed_by = ?4 AND status = 'queued'");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text_or_null(s, 1, error);
	Sayso_bind_text(s, 2, next, -1);
	Sayso_bind_int64(s, 3, id);
	Sayso_bind_text(s, 4, claimer, -1);
	return held_or_state(
	    st, id, Sayso_store_step_done(st, s, "reschedule message"));
}

enum sayso_err sayso_optout_set(struct sayso_store *st, const char *resident_id,
				bool opted_out)
{
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO residents(id, created_at, opted_out) VALUES(?1, "
		"?2, ?3) ON CONFLICT(id) DO UPDATE SET opted_out = "
		"excluded.opted_out");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, resident_id, -1);
	Sayso_bind_text(s, 2, now, -1);
	Sayso_bind_int(s, 3, opted_out ? 1 : 0);
	return Sayso_store_step_done(st, s, "record opt-out");
}

enum sayso_err sayso_optout_get(struct sayso_store *st, const char *resident_id,
				bool *opted_out)
{
	*opted_out = false;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT opted_out FROM residents WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, resident_id, -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW)
		*opted_out = Sayso_col_int(s, 0) != 0;
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read opt-out");
	return SAYSO_OK;
}

enum sayso_err sayso_convo_set(struct sayso_store *st, const char *resident_id,
			       const char *kind, const char *ref,
			       int64_t expires_ms)
{
	char exp[SAYSO_TIME_LEN + 1];
	sayso_time_format(expires_ms, exp, sizeof exp);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO sms_convo(resident_id, kind, ref, expires_at) "
		"VALUES(?1, ?2, ?3, ?4) ON CONFLICT(resident_id) DO UPDATE "
		"SET kind = excluded.kind, ref = excluded.ref, expires_at = "
		"excluded.expires_at");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, resident_id, -1);
	Sayso_bind_text(s, 2, kind, -1);
	Sayso_bind_text(s, 3, ref, -1);
	Sayso_bind_text(s, 4, exp, -1);
	return Sayso_store_step_done(st, s, "record conversation");
}

enum sayso_err sayso_convo_take(struct sayso_store *st, const char *resident_id,
				int64_t now_ms, char *kind, size_t kindsz,
				char *ref, size_t refsz, bool *found)
{
	*found = false;
	char now[SAYSO_TIME_LEN + 1];
	sayso_time_format(now_ms, now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT kind, ref, expires_at > ?2 FROM sms_convo WHERE "
		"resident_id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, resident_id, -1);
	Sayso_bind_text(s, 2, now, -1);
	int rc = Sayso_step(s);
	bool any = rc == SAYSO_SQL_ROW;
	if (any && Sayso_col_int(s, 2)) {
		*found = true;
		Sayso_column_copy(s, 0, kind, kindsz);
		Sayso_column_copy(s, 1, ref, refsz);
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read conversation");
	if (!any)
		return SAYSO_OK;
	struct sayso_stmt *d = Sayso_store_stmt(
	    st, "DELETE FROM sms_convo WHERE resident_id = ?1");
	if (!d)
		return SAYSO_ERR_DB;
	Sayso_bind_text(d, 1, resident_id, -1);
	return Sayso_store_step_done(st, d, "clear conversation");
}

/*
 * erase.c: GDPR erasure of a resident (see erase.h).
 *
 * Design: ballots keep a random pseudonym instead of losing their resident
 * id, because the one-vote rule (and sayso_ballot_reapply() after a merge)
 * groups ballots by resident: with NULL ids a superseded ballot would look
 * like a separate voter and could start counting. A pseudonym keeps every
 * tally exactly as it was while nothing links it back to a phone or code.
 * The audit entry records that an erasure happened and its counts, never
 * the resident id.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "internal.h"
#include "sayso/erase.h"

enum sayso_err Sayso_erase_tomb(const unsigned char *secret,
				const char *resident_id, char *out)
{
	unsigned char msg[128], mac[32];
	static const char label[] = "sayso-erased";
	size_t l = strlen(resident_id);
	if (!secret)
		return SAYSO_ERR_SECRET;
	if (l + sizeof label > sizeof msg)
		return SAYSO_ERR_TOOBIG;
	memcpy(msg, label, sizeof label);
	memcpy(msg + sizeof label, resident_id, l);
	unsigned int len = 0;
	if (!HMAC(EVP_sha256(), secret, SAYSO_SECRET_LEN, msg, sizeof label + l,
		  mac, &len) ||
	    len != 32)
		return SAYSO_ERR_CRYPTO;
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[64] = '\0';
	return SAYSO_OK;
}

/* Leaves the tombstone, so a kiosk file merged later (an older copy) cannot
 * bring the link back (merge.c). Needs the secret. */
static enum sayso_err tombstone(struct sayso_store *st, const char *resident_id)
{
	char tomb[SAYSO_HEX256_MAX], now[SAYSO_TIME_LEN + 1];
	enum sayso_err e =
	    Sayso_erase_tomb(sayso_store_secret(st), resident_id, tomb);
	if (e != SAYSO_OK)
		return Sayso_store_fail(st, e,
					"erasing needs the site secret (for "
					"the tombstone)");
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO erased(tomb, at) VALUES(?1, ?2) ON CONFLICT "
		"DO NOTHING");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, tomb, -1);
	Sayso_bind_text(s, 2, now, -1);
	return Sayso_store_step_done(st, s, "erase: tombstone");
}

static enum sayso_err run(struct sayso_store *st, const char *sql,
			  const char *a, const char *b, int64_t *changes,
			  const char *what)
{
	struct sayso_stmt *s = Sayso_store_stmt(st, sql);
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, a, -1);
	if (b)
		Sayso_bind_text(s, 2, b, -1);
	enum sayso_err e = Sayso_store_step_done(st, s, what);
	if (e == SAYSO_OK && changes)
		*changes = Sayso_store_changes(st);
	return e;
}

enum sayso_err sayso_erase_resident(struct sayso_store *st,
				    const char *resident_id, const char *actor,
				    struct sayso_erase_result *res)
{
	memset(res, 0, sizeof *res);
	if (!resident_id || !*resident_id)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"no resident to erase");
	char uid[SAYSO_UID_LEN + 1];
	enum sayso_err e = sayso_uid_new(uid, sizeof uid);
	if (e != SAYSO_OK)
		return Sayso_store_fail(st, e, "cannot make a pseudonym");
	char pseudo[SAYSO_UID_LEN + sizeof SAYSO_ERASED_PREFIX];
	snprintf(pseudo, sizeof pseudo, "%s%s", SAYSO_ERASED_PREFIX, uid);

	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT count(*) FROM ballots b JOIN rounds r ON r.id = "
		"b.round_id WHERE b.resident_id = ?1 AND b.status = "
		"'counted' AND r.state = 'open'");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, resident_id, -1);
	if (Sayso_step(s) == SAYSO_SQL_ROW)
		res->open_rounds = Sayso_col_int64(s, 0);
	Sayso_reset(s);

	int64_t resident_rows = 0, convo = 0, codes = 0;
	if ((e = run(st,
		     "UPDATE ballots SET resident_id = ?2 WHERE "
		     "resident_id = ?1",
		     resident_id, pseudo, &res->ballots, "erase: ballots")) !=
		SAYSO_OK ||
	    (e = run(st,
		     "UPDATE ratings SET resident_id = NULL WHERE "
		     "resident_id = ?1",
		     resident_id, NULL, &res->ratings, "erase: ratings")) !=
		SAYSO_OK ||
	    (e = run(st,
		     "UPDATE reports SET resident_id = NULL WHERE "
		     "resident_id = ?1",
		     resident_id, NULL, &res->reports, "erase: reports")) !=
		SAYSO_OK ||
	    (e = run(st, "DELETE FROM sms_outbox WHERE resident_id = ?1",
		     resident_id, NULL, &res->messages, "erase: outbox")) !=
		SAYSO_OK ||
	    (e = run(st,
		     "UPDATE sms_inbox SET resident_id = ?2, from_sealed = "
		     "NULL WHERE resident_id = ?1",
		     resident_id, pseudo, &res->inbox, "erase: inbox")) !=
		SAYSO_OK ||
	    (e = run(st, "DELETE FROM sms_convo WHERE resident_id = ?1",
		     resident_id, NULL, &convo, "erase: conversation")) !=
		SAYSO_OK ||
	    (e = run(st, "DELETE FROM verify_codes WHERE resident_id = ?1",
		     resident_id, NULL, &codes, "erase: texted codes")) !=
		SAYSO_OK ||
	    (e = run(st, "DELETE FROM residents WHERE id = ?1", resident_id,
		     NULL, &resident_rows, "erase: resident")) != SAYSO_OK ||
	    (e = tombstone(st, resident_id)) != SAYSO_OK)
		goto out;
	res->found = resident_rows + res->ballots + res->ratings +
			 res->reports + res->messages + res->inbox + convo +
			 codes >
		     0;
	if (res->found && (e = sayso_store_audit(
			       st, actor, "resident.erase",
			       "%lld ballots re-labelled, %lld ratings "
			       "and %lld reports unlinked, %lld messages "
			       "deleted",
			       (long long)res->ballots, (long long)res->ratings,
			       (long long)res->reports,
			       (long long)res->messages)) != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_resident_known(struct sayso_store *st,
				    const char *resident_id, bool *known)
{
	*known = false;
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, "SELECT 1 FROM residents WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, resident_id, -1);
	int rc = Sayso_step(s);
	*known = rc == SAYSO_SQL_ROW;
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "look up resident");
	return SAYSO_OK;
}

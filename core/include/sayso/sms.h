/*
 * sms.h: the durable SMS inbox and outbox, opt-outs and conversations.
 *
 * Inbox: every inbound text is committed (unique on provider + provider
 * message id) before the provider is acknowledged; a re-delivery is
 * recognised and not processed twice. The inbox stores the resident id, never
 * the number.
 *
 * Outbox: the only table holding phone numbers in clear, and only while a
 * reply is pending. A number is erased (secure_delete) as soon as its message
 * is sent or has failed for good.
 */
#ifndef SAYSO_SMS_H
#define SAYSO_SMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/identity.h"
#include "sayso/store.h"

#define SAYSO_SMS_BODY_MAX 1600

struct sayso_inbound {
	const char *provider;	 /* "kannel", "twilio", "spool", "kiosk" */
	const char *provider_id; /* provider message id; NULL derives one from
				    the content */
	const char *from_e164;	 /* normalised sender */
	const char *to;		 /* our number, may be NULL */
	const char *body;	 /* UTF-8 */
	int64_t received_at_ms;	 /* 0 = now */
	int64_t sent_at_ms;	 /* provider timestamp, 0 = none */
	/* The provider's id is unique per sender only (Kannel's %I is the
	 * SMSC's id): key on the id and the (keyed) sender, so another
	 * sender reusing an id is a new text, not a duplicate. */
	bool id_per_sender;
};

/*
 * Commits an inbound message. *inbox_id receives its id; *duplicate is true
 * (and nothing is written) when (provider, provider_id) was seen before.
 * The key is provider_id exactly (with id_per_sender: provider_id "~" and
 * 16 hex of the resident id). Without a provider id it is derived:
 * "h:" + HMAC-SHA256(site secret, sender, provider timestamp, body), cut to
 * 32 hex: stable across a provider's retries (never the arrival time), and
 * not reversible to the number without the secret. The sender is kept
 * sealed (AES-256-GCM, key derived from the site secret) until
 * sayso_inbox_done() erases it.
 * resident_out (>= SAYSO_RESIDENT_ID_LEN + 1, may be NULL) gets the sender's
 * resident id.
 * Called inside a transaction, it writes in that transaction and takes no
 * savepoint of its own: on an error the caller rolls back (its own
 * savepoint, or the whole transaction) before going on.
 */
enum sayso_err sayso_inbox_add(struct sayso_store *st,
			       const struct sayso_inbound *in,
			       int64_t *inbox_id, bool *duplicate,
			       char *resident_out, size_t residentsz);

/* Marks an inbox row handled (its reply queued) with a short outcome tag
 * and erases its sealed sender. */
enum sayso_err sayso_inbox_done(struct sayso_store *st, int64_t inbox_id,
				const char *outcome);

/* Inbox rows committed but not yet handled (crash recovery), oldest first,
 * up to max. */
struct sayso_inbox_row {
	int64_t id;
	char provider[16];
	char resident_id[SAYSO_RESIDENT_ID_LEN + 1];
	char body[SAYSO_SMS_BODY_MAX + 1];
	int64_t received_at_ms;
	char from_e164[SAYSO_E164_MAX]; /* unsealed sender, "" when unknown */
};
enum sayso_err sayso_inbox_pending(struct sayso_store *st,
				   struct sayso_inbox_row *rows, size_t max,
				   size_t *n);

/* Whether inbox row inbox_id is still unhandled. Call it inside the write
 * transaction that will handle it: with several gateways, another may have
 * handled the row since sayso_inbox_pending() listed it (write transactions
 * run one at a time, so the answer holds until the commit). */
enum sayso_err sayso_inbox_is_pending(struct sayso_store *st, int64_t inbox_id,
				      bool *pending);

/* Queues a reply to to_e164 now. *id (may be NULL) receives the outbox id. */
enum sayso_err sayso_outbox_queue(struct sayso_store *st, const char *to_e164,
				  const char *body, int64_t inbox_id,
				  int64_t *id);

/* Queues a message held until released by sayso_outbox_release (report
 * updates). */
enum sayso_err sayso_outbox_hold(struct sayso_store *st, const char *to_e164,
				 const char *hold_key, int64_t *id);
/* Releases held messages with hold_key with the given body. */
enum sayso_err sayso_outbox_release(struct sayso_store *st,
				    const char *hold_key, const char *body);

struct sayso_outbox_msg {
	int64_t id;
	char to[SAYSO_E164_MAX];
	char resident_id[SAYSO_RESIDENT_ID_LEN + 1];
	char body[SAYSO_SMS_BODY_MAX + 1];
	int attempts;
	/* The recipient's opt-out when claimed (sayso_outbox_claim reads it
	 * in the same statement: no second query before the send). */
	bool opted_out;
};

/*
 * Several gateways may share one database (PostgreSQL): a gateway names
 * itself with a claimer string (at most SAYSO_OUTBOX_CLAIMER_MAX - 1 bytes,
 * unique among running gateways) and claims the rows it sends, so two
 * gateways never send one reply.
 *
 * sayso_outbox_claim claims up to max messages due at now_ms (status queued,
 * next attempt <= now, number not yet erased) that nobody holds or whose
 * lease has ended (claim_until <= now: a crashed gateway's rows are taken
 * over, and so are claimer's own rows it never marked), for lease_ms; they
 * are returned in msgs ordered by id. Rows held under a running lease,
 * claimer's own included, are not returned: a claim is new work only. On
 * PostgreSQL the rows are chosen with FOR UPDATE SKIP LOCKED, so concurrent
 * claimers never wait for or share a row; on SQLite one writer at a time gives
 * the same. A row stays queued (and claimed) until marked: a crash simply
 * leaves it to be taken over when the lease ends (or at once by
 * sayso_outbox_unclaim).
 */
#define SAYSO_OUTBOX_CLAIMER_MAX 96
/* Longer than any send (the gateway's transfers time out at 30 s). */
#define SAYSO_OUTBOX_LEASE_MS (120 * 1000)
enum sayso_err sayso_outbox_claim(struct sayso_store *st, const char *claimer,
				  int64_t now_ms, int64_t lease_ms,
				  struct sayso_outbox_msg *msgs, size_t max,
				  size_t *n);

/* Releases every queued row claimer holds (a clean stop, or a gateway known
 * to be dead): they are due again for any gateway. *released (may be NULL)
 * receives the count. */
enum sayso_err sayso_outbox_unclaim(struct sayso_store *st, const char *claimer,
				    int64_t *released);

/* The distinct claimers holding queued rows whose lease has not ended at
 * now_ms, up to max, in byte order. */
enum sayso_err sayso_outbox_claimers(struct sayso_store *st, int64_t now_ms,
				     char (*names)[SAYSO_OUTBOX_CLAIMER_MAX],
				     size_t max, size_t *n);

/*
 * The outcome of a send. Each applies only to a queued row claimer holds
 * (even past its lease, as long as no other gateway took it over);
 * otherwise nothing changes and SAYSO_ERR_STATE is returned (another
 * gateway has the row, or it is already sent or failed).
 */
/* Sent: records provider id and erases the number. */
enum sayso_err sayso_outbox_sent(struct sayso_store *st, int64_t id,
				 const char *claimer, const char *provider_id);
/* Temporary failure: attempts+1, next attempt at next_ms, claim released
 * (any gateway may try it then). */
enum sayso_err sayso_outbox_retry(struct sayso_store *st, int64_t id,
				  const char *claimer, const char *error,
				  int64_t next_ms);
/* Permanent failure: records the error and erases the number. */
enum sayso_err sayso_outbox_failed(struct sayso_store *st, int64_t id,
				   const char *claimer, const char *error);

/* Opt-out per resident id (STOP / START). */
enum sayso_err sayso_optout_set(struct sayso_store *st, const char *resident_id,
				bool opted_out);
enum sayso_err sayso_optout_get(struct sayso_store *st, const char *resident_id,
				bool *opted_out);

/*
 * Conversation state per resident (the rating follow-up window): kind
 * ("rating_followup"), a reference (rating uid) and an expiry. set replaces
 * any previous state; take returns and clears it when not expired.
 */
enum sayso_err sayso_convo_set(struct sayso_store *st, const char *resident_id,
			       const char *kind, const char *ref,
			       int64_t expires_ms);
enum sayso_err sayso_convo_take(struct sayso_store *st, const char *resident_id,
				int64_t now_ms, char *kind, size_t kindsz,
				char *ref, size_t refsz, bool *found);

#endif

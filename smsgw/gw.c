/*
 * gw.c: the gateway's event loop, group commit, outbox and rate limits.
 *
 * The loop sleeps in curl_multi_poll() with two extra descriptors: the
 * signal self-pipe and libmicrohttpd's epoll fd. Each turn it runs the HTTP
 * server (which only decodes and enqueues), finishes transfers, lets the
 * provider scan its spool or poll its API, commits every queued message in
 * one transaction, answers the callers, and starts due outbox sends.
 *
 * Never lose, never double count: a message is in the inbox (unique on
 * provider + provider id) before its caller hears 200; processing happens in
 * a savepoint inside the same transaction, so a crash leaves either nothing
 * (the provider retries: the message is new) or the whole effect (the
 * provider retries: a duplicate). A processing failure keeps the inbox row
 * pending and smsgw_recover() retries it. Outbox rows stay queued until the
 * provider accepted them; a crash mid-send may send a reply twice, never a
 * vote.
 */
#include "gw.h"

#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reply.h"
#include "sayso/hash.h"
#include "sayso/identity.h"
#include "sayso/log.h"

/* ---- small helpers ---- */

void smsgw_mask(const char *phone, char *out, size_t outsz)
{
	if (!phone || !*phone) {
		snprintf(out, outsz, "(none)");
		return;
	}
	sayso_mask_phone(phone, out, outsz);
}

void smsgw_log_escape(const char *s, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t j = 0;
	if (outsz == 0)
		return;
	if (!s)
		s = "(none)";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool plain = *p >= 0x20 && *p < 0x7F && *p != '\\';
		size_t need = plain ? 1 : 4;
		if (j + need + 4 >= outsz) {
			if (j + 4 <= outsz - 1) {
				memcpy(out + j, "...", 3);
				j += 3;
			}
			break;
		}
		if (plain) {
			out[j++] = (char)*p;
		} else {
			out[j++] = '\\';
			out[j++] = 'x';
			out[j++] = hex[*p >> 4];
			out[j++] = hex[*p & 15];
		}
	}
	out[j] = '\0';
}

int64_t smsgw_backoff_ms(int attempts)
{
	if (attempts < 0)
		attempts = 0;
	int64_t d = SMSGW_BACKOFF_BASE_MS;
	for (int i = 0; i < attempts && d < SMSGW_BACKOFF_MAX_MS; i++)
		d *= 2;
	if (d > SMSGW_BACKOFF_MAX_MS)
		d = SMSGW_BACKOFF_MAX_MS;
	/* +-20 % jitter so a recovering provider is not hit by a wave. */
	unsigned char r[2] = {0, 0};
	sayso_random_bytes(r, sizeof r);
	int64_t span = d / 5;
	int64_t j = ((int64_t)((r[0] << 8) | r[1]) * 2 * span) / 65535 - span;
	return d + j;
}

static uint32_t rate_hash(const char *rid)
{
	/* The chain, not the identity: buckets compare the whole id. */
	return (uint32_t)(sayso_hash(rid, strlen(rid)) % SMSGW_RATE_HASH);
}

static void rate_init(struct smsgw *gw)
{
	for (size_t i = 0; i < SMSGW_RATE_HASH; i++)
		gw->rate_hash[i] = -1;
	gw->rate_mru = gw->rate_lru = -1;
	gw->rate_used = 0;
}

static void lru_unlink(struct smsgw *gw, int32_t i)
{
	struct smsgw_rate *r = &gw->rate[i];
	if (r->prev >= 0)
		gw->rate[r->prev].next = r->next;
	else
		gw->rate_mru = r->next;
	if (r->next >= 0)
		gw->rate[r->next].prev = r->prev;
	else
		gw->rate_lru = r->prev;
	r->prev = r->next = -1;
}

static void lru_front(struct smsgw *gw, int32_t i)
{
	struct smsgw_rate *r = &gw->rate[i];
	r->prev = -1;
	r->next = gw->rate_mru;
	if (gw->rate_mru >= 0)
		gw->rate[gw->rate_mru].prev = i;
	gw->rate_mru = i;
	if (gw->rate_lru < 0)
		gw->rate_lru = i;
}

static void hash_remove(struct smsgw *gw, int32_t i)
{
	int32_t *pp = &gw->rate_hash[rate_hash(gw->rate[i].rid)];
	while (*pp >= 0 && *pp != i)
		pp = &gw->rate[*pp].hnext;
	if (*pp == i)
		*pp = gw->rate[i].hnext;
	gw->rate[i].hnext = -1;
}

bool smsgw_rate_take(struct smsgw *gw, const char *resident_id, int64_t now_ms)
{
	double cap = gw->cfg.smsgw.rate_per_minute;
	if (cap <= 0)
		return true;
	uint32_t h = rate_hash(resident_id);
	int32_t i = gw->rate_hash[h];
	while (i >= 0 && strcmp(gw->rate[i].rid, resident_id) != 0)
		i = gw->rate[i].hnext;
	struct smsgw_rate *r;
	if (i >= 0) {
		lru_unlink(gw, i);
		lru_front(gw, i);
		r = &gw->rate[i];
	} else {
		if (gw->rate_used < SMSGW_RATE_SLOTS) {
			i = gw->rate_used++;
		} else {
			/* Reuse the least recently seen number's bucket. */
			i = gw->rate_lru;
			lru_unlink(gw, i);
			hash_remove(gw, i);
		}
		r = &gw->rate[i];
		snprintf(r->rid, sizeof r->rid, "%s", resident_id);
		r->tokens = cap;
		r->last_ms = now_ms;
		r->hnext = gw->rate_hash[h];
		gw->rate_hash[h] = i;
		lru_front(gw, i);
	}
	if (now_ms > r->last_ms) {
		r->tokens += (double)(now_ms - r->last_ms) * cap / 60000.0;
		if (r->tokens > cap)
			r->tokens = cap;
		r->last_ms = now_ms;
	}
	if (r->tokens < 1.0)
		return false;
	r->tokens -= 1.0;
	return true;
}

/* ---- transfers ---- */

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct smsgw_xfer *x = ud;
	size_t n = size * nmemb;
	size_t room = SMSGW_RESP_MAX - x->resp.len;
	size_t take = n < room ? n : room;
	if (take < n)
		x->resp_truncated = true;
	/* Within the maximum, so the only failure is memory: curl then
	 * reports a write error. */
	if (take && sayso_buf_addn(&x->resp, ptr, take) != SAYSO_OK)
		return 0;
	return n;
}

struct smsgw_xfer *smsgw_xfer_new(struct smsgw *gw)
{
	(void)gw;
	struct smsgw_xfer *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	sayso_buf_init(&x->resp, SMSGW_RESP_MAX);
	x->easy = curl_easy_init();
	if (!x->easy) {
		free(x);
		return NULL;
	}
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT,
			 "sayso-smsgw/" SAYSO_VERSION);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	return x;
}

void smsgw_xfer_free(struct smsgw_xfer *x)
{
	if (!x)
		return;
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	sayso_buf_cleanup(&x->resp);
	free(x);
}

enum sayso_err smsgw_xfer_start(struct smsgw *gw, struct smsgw_xfer *x)
{
	if (x->headers)
		curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	if (curl_multi_add_handle(gw->multi, x->easy) != CURLM_OK) {
		smsgw_xfer_free(x);
		return SAYSO_ERR_NOMEM;
	}
	x->next = gw->xfers;
	gw->xfers = x;
	return SAYSO_OK;
}

static void xfers_finish(struct smsgw *gw)
{
	int left;
	CURLMsg *msg;
	while ((msg = curl_multi_info_read(gw->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct smsgw_xfer *x = NULL;
		CURLcode rc = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
		long status = 0;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE,
				  &status);
		curl_multi_remove_handle(gw->multi, msg->easy_handle);
		for (struct smsgw_xfer **pp = &gw->xfers; *pp;
		     pp = &(*pp)->next) {
			if (*pp == x) {
				*pp = x->next;
				break;
			}
		}
		if (x) {
			if (x->done)
				x->done(gw, x, rc, status);
			smsgw_xfer_free(x);
		}
	}
}

/* ---- inbound: group commit ---- */

void smsgw_enqueue(struct smsgw *gw, struct smsgw_inmsg *m)
{
	m->next = NULL;
	*gw->batch_tail = m;
	gw->batch_tail = &m->next;
	gw->batch_n++;
}

/* Acts on a stored message and queues its reply, in a savepoint: on a
 * storage error the inbox row stays pending (retried later); on an error
 * caused by the text it is marked done with "error:<code>". */
static void process_one(struct smsgw *gw, int64_t inbox_id,
			const char *resident, const char *e164,
			const char *body, int64_t now_ms)
{
	char reply[SMSGW_REPLY_MAX];
	char outcome[SMSGW_OUTCOME_MAX];
	enum sayso_err e = sayso_store_begin(gw->st);
	if (e != SAYSO_OK)
		goto out;
	if (!smsgw_rate_take(gw, resident, now_ms)) {
		gw->stats.rate_limited++;
		char masked[SAYSO_E164_MAX];
		smsgw_mask(e164, masked, sizeof masked);
		sayso_log(SAYSO_LOG_WARN,
			  "%s sent more than %d texts a minute: message %lld "
			  "kept in the inbox but not acted on",
			  masked, gw->cfg.smsgw.rate_per_minute,
			  (long long)inbox_id);
		e = sayso_inbox_done(gw->st, inbox_id, "rate_limited");
	} else {
		reply[0] = '\0';
		snprintf(outcome, sizeof outcome, "unknown");
		e = smsgw_reply_handle_from(gw->st, &gw->cfg, resident, e164,
					    body, now_ms, reply, sizeof reply,
					    outcome, sizeof outcome);
		if (e == SAYSO_OK && reply[0] && e164)
			e = sayso_outbox_queue(gw->st, e164, reply, inbox_id,
					       NULL);
		if (e == SAYSO_OK)
			e = sayso_inbox_done(gw->st, inbox_id, outcome);
	}
	if (e == SAYSO_OK)
		e = sayso_store_commit(gw->st);
	else
		sayso_store_rollback(gw->st);
	if (e == SAYSO_OK)
		return;
	if (!sayso_err_is_storage(e)) {
		/* The text itself is the problem (retrying cannot help):
		 * record that, so it is not retried forever. */
		char tag[SMSGW_OUTCOME_MAX];
		snprintf(tag, sizeof tag, "error:%d", (int)e);
		sayso_log(SAYSO_LOG_ERROR,
			  "message %lld could not be processed (%s: %s); "
			  "kept in the inbox as %s",
			  (long long)inbox_id, sayso_strerror(e),
			  sayso_store_errmsg(gw->st), tag);
		if (sayso_inbox_done(gw->st, inbox_id, tag) == SAYSO_OK)
			return;
	}
out:
	gw->stats.store_errors++;
	sayso_log(SAYSO_LOG_ERROR,
		  "message %lld is stored but could not be processed (%s: "
		  "%s); it will be retried",
		  (long long)inbox_id, sayso_strerror(e),
		  sayso_store_errmsg(gw->st));
}

/* Whether a and b (any spelling) are the same UK mobile. */
static bool same_number(const char *e164, const char *other)
{
	char o[SAYSO_E164_MAX];
	return other && *other &&
	       sayso_phone_normalise(other, o, sizeof o, NULL) == SAYSO_OK &&
	       strcmp(o, e164) == 0;
}

bool smsgw_is_own_number(const struct smsgw *gw, const char *e164,
			 const char *to)
{
	return same_number(e164, gw->cfg.twilio.from) ||
	       same_number(e164, gw->cfg.kannel.from) || same_number(e164, to);
}

static void store_one(struct smsgw *gw, struct smsgw_inmsg *m, int64_t now_ms)
{
	char e164[SAYSO_E164_MAX];
	char masked[SAYSO_E164_MAX];
	char resident[SAYSO_RESIDENT_ID_LEN + 1];
	const char *why = NULL;

	if (sayso_phone_normalise(m->in.from, e164, sizeof e164, &why) !=
	    SAYSO_OK) {
		/* Not a UK mobile (a short code, a foreign number, a network
		 * promotion): nobody sayso can identify. Logged, not kept. */
		m->ignored = true;
		m->err = SAYSO_OK;
		char head[8], shown[40];
		snprintf(head, sizeof head, "%.6s", m->in.from);
		smsgw_log_escape(head, shown, sizeof shown);
		sayso_log(SAYSO_LOG_WARN, "%s: ignored a text from %s****: %s",
			  gw->prov->name, shown,
			  why ? why : "not a UK mobile number");
		return;
	}
	smsgw_mask(e164, masked, sizeof masked);
	if (smsgw_is_own_number(gw, e164, m->in.to)) {
		/* Our own number (a loop through the SMSC, a spoofed
		 * sender): never stored, never answered. */
		m->ignored = true;
		m->err = SAYSO_OK;
		sayso_log(SAYSO_LOG_WARN,
			  "%s: ignored a text from the gateway's own number "
			  "%s",
			  gw->prov->name, masked);
		return;
	}
	if (m->in.truncated)
		sayso_log(SAYSO_LOG_WARN,
			  "%s: text from %s longer than %d bytes, cut",
			  gw->prov->name, masked, SAYSO_SMS_BODY_MAX);

	enum sayso_err e = sayso_store_begin(gw->st);
	if (e != SAYSO_OK) {
		m->err = e;
		return;
	}
	struct sayso_inbound in = {
	    .provider = gw->prov->name,
	    .provider_id = m->in.provider_id[0] ? m->in.provider_id : NULL,
	    .from_e164 = e164,
	    .to = m->in.to[0] ? m->in.to : NULL,
	    .body = m->in.body,
	    .received_at_ms = now_ms,
	    .sent_at_ms = m->in.sent_ms,
	    .id_per_sender = gw->prov == &smsgw_provider_kannel,
	};
	int64_t id = 0;
	bool dup = false;
	e = sayso_inbox_add(gw->st, &in, &id, &dup, resident, sizeof resident);
	if (e != SAYSO_OK) {
		sayso_store_rollback(gw->st);
		m->err = e;
		sayso_log(SAYSO_LOG_ERROR,
			  "%s: could not store a text from %s: "
			  "%s",
			  gw->prov->name, masked, sayso_store_errmsg(gw->st));
		return;
	}
	if (dup) {
		m->duplicate = true;
		char esc[160];
		smsgw_log_escape(m->in.provider_id[0] ? m->in.provider_id
						      : "derived",
				 esc, sizeof esc);
		sayso_log(SAYSO_LOG_INFO,
			  "%s: %s re-delivered (id %s): already stored",
			  gw->prov->name, masked, esc);
	} else {
		sayso_log(SAYSO_LOG_DEBUG, "%s: text %lld from %s",
			  gw->prov->name, (long long)id, masked);
		process_one(gw, id, resident, e164, m->in.body, now_ms);
	}
	e = sayso_store_commit(gw->st);
	m->err = e;
}

/*
 * One transaction per loop turn: the outbox results of finished transfers
 * (when xfers) and every queued inbound text. One fsync acknowledges them
 * all; callers are answered only after it.
 */
static void commit_turn(struct smsgw *gw, bool xfers)
{
	struct smsgw_inmsg *list = gw->batch;
	if (!list && !xfers)
		return;
	gw->batch = NULL;
	gw->batch_tail = &gw->batch;
	gw->batch_n = 0;

	int64_t now = sayso_time_now_ms();
	enum sayso_err e = sayso_store_begin(gw->st);
	if (e == SAYSO_OK) {
		if (xfers)
			xfers_finish(gw);
		for (struct smsgw_inmsg *m = list; m; m = m->next)
			store_one(gw, m, now);
		e = sayso_store_commit(gw->st);
	} else if (xfers) {
		xfers_finish(gw); /* each result commits on its own */
	}
	if (e != SAYSO_OK && !list)
		sayso_log(SAYSO_LOG_ERROR,
			  "outbox bookkeeping not committed (%s); affected "
			  "replies will be sent again",
			  sayso_store_errmsg(gw->st));
	if (e != SAYSO_OK && list)
		sayso_log(SAYSO_LOG_ERROR,
			  "could not commit inbound texts (%s: %s); callers "
			  "are told to retry",
			  sayso_strerror(e), sayso_store_errmsg(gw->st));
	bool queued = false;
	while (list) {
		struct smsgw_inmsg *m = list;
		list = m->next;
		if (e != SAYSO_OK && !m->ignored)
			m->err = e;
		if (m->ignored)
			gw->stats.ignored++;
		else if (m->err != SAYSO_OK)
			gw->stats.store_errors++;
		else if (m->duplicate)
			gw->stats.duplicates++;
		else {
			gw->stats.received++;
			queued = true;
		}
		if (m->done)
			m->done(gw, m);
		free(m);
	}
	if (queued)
		gw->next_outbox_ms = 0; /* replies are waiting */
}

void smsgw_commit(struct smsgw *gw)
{
	commit_turn(gw, false);
}

void smsgw_recover(struct smsgw *gw)
{
	struct sayso_inbox_row *rows = calloc(64, sizeof *rows);
	size_t n = 0;
	if (!rows)
		return;
	enum sayso_err e = sayso_inbox_pending(gw->st, rows, 64, &n);
	if (e != SAYSO_OK) {
		sayso_log(SAYSO_LOG_ERROR, "inbox recovery: %s",
			  sayso_store_errmsg(gw->st));
		n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		bool pending = false;
		e = sayso_store_begin(gw->st);
		bool began = e == SAYSO_OK;
		/* Another gateway on the same database may have handled it
		 * since the list was read: check under the write lock. */
		if (e == SAYSO_OK)
			e = sayso_inbox_is_pending(gw->st, rows[i].id,
						   &pending);
		if (e == SAYSO_OK && pending) {
			/* The sender is kept sealed until the text is
			 * handled: act on it and answer (then it is erased).
			 * A row from before migration 0005 has none: no
			 * reply can be sent. */
			const char *to =
			    rows[i].from_e164[0] ? rows[i].from_e164 : NULL;
			process_one(gw, rows[i].id, rows[i].resident_id, to,
				    rows[i].body, rows[i].received_at_ms);
		}
		if (e == SAYSO_OK)
			e = sayso_store_commit(gw->st);
		else if (began)
			sayso_store_rollback(gw->st);
		if (e == SAYSO_OK && pending)
			sayso_log(SAYSO_LOG_INFO,
				  "recovered pending text %lld (%s)%s",
				  (long long)rows[i].id, rows[i].provider,
				  rows[i].from_e164[0]
				      ? "; reply queued"
				      : "; no reply (the sender is unknown)");
		OPENSSL_cleanse(rows[i].from_e164, sizeof rows[i].from_e164);
	}
	free(rows);
}

/* ---- outbound ---- */

static bool is_inflight(struct smsgw *gw, int64_t id)
{
	for (size_t i = 0; i < gw->inflight; i++)
		if (gw->inflight_ids[i] == id)
			return true;
	return false;
}

static void inflight_drop(struct smsgw *gw, int64_t id)
{
	for (size_t i = 0; i < gw->inflight; i++) {
		if (gw->inflight_ids[i] == id) {
			gw->inflight--;
			gw->inflight_ids[i] = gw->inflight_ids[gw->inflight];
			gw->inflight_attempts[i] =
			    gw->inflight_attempts[gw->inflight];
			return;
		}
	}
}

void smsgw_mask_numbers(const char *in, char *out, size_t outsz)
{
	size_t j = 0;
	if (outsz == 0)
		return;
	for (size_t i = 0; in[i] && j + 1 < outsz;) {
		size_t k = i;
		while (in[k] >= '0' && in[k] <= '9')
			k++;
		if (k - i >= 7) {
			/* A run of 7+ digits may be a number: keep all but
			 * its last four, as in smsgw_mask(). */
			for (size_t d = i; d < k && j + 1 < outsz; d++)
				out[j++] = d + 4 < k ? in[d] : '*';
			i = k;
		} else if (k > i) {
			for (; i < k && j + 1 < outsz; i++)
				out[j++] = in[i];
		} else {
			out[j++] = in[i++];
		}
	}
	out[j] = '\0';
}

void smsgw_send_finish(struct smsgw *gw, int64_t id, const char *resident_id,
		       enum smsgw_send_result r, const char *pid,
		       const char *raw_err)
{
	/* Providers quote the number in errors (Twilio 21211): never store
	 * or log it. */
	char masked_err[512];
	smsgw_mask_numbers(raw_err ? raw_err : "", masked_err,
			   sizeof masked_err);
	const char *err = raw_err ? masked_err : NULL;
	if (r != SMSGW_SEND_PENDING && r != SMSGW_SEND_RETRY)
		gw->numbers_erased = true;
	int attempts = 0;
	for (size_t i = 0; i < gw->inflight; i++)
		if (gw->inflight_ids[i] == id)
			attempts = gw->inflight_attempts[i];
	inflight_drop(gw, id);
	enum sayso_err e = SAYSO_OK;
	int64_t now = sayso_time_now_ms();
	switch (r) {
	case SMSGW_SEND_PENDING:
		return;
	case SMSGW_SEND_OK:
		gw->stats.sent++;
		e = sayso_outbox_sent(gw->st, id, gw->claimer,
				      pid && *pid ? pid : NULL);
		sayso_log(SAYSO_LOG_DEBUG, "reply %lld sent (%s)",
			  (long long)id, pid && *pid ? pid : "no id");
		break;
	case SMSGW_SEND_RETRY:
		if (attempts + 1 >= gw->cfg.smsgw.max_attempts) {
			char why[300];
			snprintf(why, sizeof why,
				 "gave up after %d attempts: %s", attempts + 1,
				 err ? err : "");
			gw->stats.failed++;
			e = sayso_outbox_failed(gw->st, id, gw->claimer, why);
			sayso_log(SAYSO_LOG_ERROR, "reply %lld: %s",
				  (long long)id, why);
		} else {
			int64_t d = smsgw_backoff_ms(attempts);
			gw->stats.retried++;
			e = sayso_outbox_retry(gw->st, id, gw->claimer,
					       err ? err : "", now + d);
			sayso_log(SAYSO_LOG_WARN,
				  "reply %lld not sent (%s); retry in %lld s",
				  (long long)id, err ? err : "",
				  (long long)(d / 1000));
		}
		break;
	case SMSGW_SEND_FAILED:
		gw->stats.failed++;
		e = sayso_outbox_failed(gw->st, id, gw->claimer,
					err ? err : "failed");
		sayso_log(SAYSO_LOG_ERROR, "reply %lld failed for good: %s",
			  (long long)id, err ? err : "");
		break;
	case SMSGW_SEND_OPTOUT:
		gw->stats.opted_out++;
		if (resident_id && *resident_id)
			e = sayso_optout_set(gw->st, resident_id, true);
		if (e == SAYSO_OK)
			e = sayso_outbox_failed(gw->st, id, gw->claimer,
						err ? err
						    : "recipient opted out");
		sayso_log(SAYSO_LOG_INFO,
			  "reply %lld: recipient opted out at the carrier; "
			  "marked opted out",
			  (long long)id);
		break;
	}
	if (r == SMSGW_SEND_RETRY && attempts + 1 >= gw->cfg.smsgw.max_attempts)
		gw->numbers_erased = true;
	if (e != SAYSO_OK)
		sayso_log(SAYSO_LOG_ERROR, "outbox update for %lld: %s",
			  (long long)id, sayso_store_errmsg(gw->st));
	/* More may be due now that a slot is free. */
	gw->next_outbox_ms = 0;
}

void smsgw_pump_outbox(struct smsgw *gw, int64_t now_ms)
{
	if (gw->stopping || gw->inflight >= SMSGW_INFLIGHT_MAX ||
	    now_ms < gw->next_outbox_ms)
		return;
	/* A claim is new work only (rows in flight stay held under their
	 * lease), so claim no more than there are free send slots. */
	size_t want = SMSGW_INFLIGHT_MAX - gw->inflight;
	struct sayso_outbox_msg *msgs = calloc(want, sizeof *msgs);
	if (!msgs)
		return;
	size_t n = 0;
	enum sayso_err e = sayso_outbox_claim(
	    gw->st, gw->claimer, now_ms, SAYSO_OUTBOX_LEASE_MS, msgs, want, &n);
	if (e != SAYSO_OK) {
		sayso_log(SAYSO_LOG_ERROR, "outbox: %s",
			  sayso_store_errmsg(gw->st));
		n = 0;
	}
	gw->next_outbox_ms = now_ms + 1000; /* look again in a second */
	for (size_t i = 0; i < n && gw->inflight < SMSGW_INFLIGHT_MAX; i++) {
		struct sayso_outbox_msg *o = &msgs[i];
		if (is_inflight(gw, o->id))
			continue;
		/* Read by the claim itself, in this transaction: as fresh
		 * as a query now, one round trip fewer per reply. */
		if (o->opted_out) {
			gw->numbers_erased = true;
			if (sayso_outbox_failed(gw->st, o->id, gw->claimer,
						"opted out") != SAYSO_OK)
				sayso_log(SAYSO_LOG_ERROR, "outbox: %s",
					  sayso_store_errmsg(gw->st));
			continue;
		}
		char norm[SAYSO_E164_MAX];
		if (sayso_phone_normalise(o->to, norm, sizeof norm, NULL) !=
			SAYSO_OK ||
		    smsgw_is_own_number(gw, norm, NULL)) {
			/* Never text ourselves (a loop) or a number that is
			 * not a mobile (a landline cannot receive it). */
			gw->numbers_erased = true;
			if (sayso_outbox_failed(gw->st, o->id, gw->claimer,
						"not sent: the gateway's own "
						"number or not a mobile") !=
			    SAYSO_OK)
				sayso_log(SAYSO_LOG_ERROR, "outbox: %s",
					  sayso_store_errmsg(gw->st));
			continue;
		}
		char pid[128] = "";
		char err[256] = "";
		gw->inflight_attempts[gw->inflight] = o->attempts;
		gw->inflight_ids[gw->inflight++] = o->id;
		enum smsgw_send_result r =
		    gw->prov->send(gw, o, pid, sizeof pid, err, sizeof err);
		if (r != SMSGW_SEND_PENDING)
			smsgw_send_finish(gw, o->id, o->resident_id, r, pid,
					  err);
	}
	free(msgs);
}

/* ---- signals ---- */

static int sig_fd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	char c = sig == SIGHUP ? 'H' : 'T';
	if (sig_fd >= 0 && write(sig_fd, &c, 1) < 0) {
		/* the pipe is full: a wake-up is already pending */
	}
	errno = saved;
}

enum sayso_err smsgw_signals(struct smsgw *gw)
{
	sig_fd = gw->sigpipe[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking call (a spool open, a read) returns EINTR
	 * and the loop sees the signal, so SIGTERM always ends it. */
	sa.sa_flags = 0;
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return SAYSO_ERR_IO;
	signal(SIGPIPE, SIG_IGN);
	return SAYSO_OK;
}

void smsgw_stop(struct smsgw *gw)
{
	if (!gw->stopping)
		sayso_log(SAYSO_LOG_INFO, "stopping: finishing work in flight");
	gw->stopping = true;
	smsgw_http_quiesce(gw);
}

static void log_warnings(const struct sayso_config *c, const char *prefix)
{
	char w[1024];
	if (smsgw_check_warnings(c, w, sizeof w) == 0)
		return;
	for (char *line = strtok(w, "\n"); line; line = strtok(NULL, "\n"))
		sayso_log(SAYSO_LOG_WARN, "%s%s", prefix, line);
}

void smsgw_reload(struct smsgw *gw)
{
	struct sayso_config nc;
	char err[SAYSO_PATH_MAX + 256];
	if (!gw->cfgpath[0]) {
		sayso_log(SAYSO_LOG_INFO,
			  "SIGHUP: no configuration file to reload");
		return;
	}
	enum sayso_err e = sayso_config_load(&nc, gw->cfgpath, err, sizeof err);
	if (e != SAYSO_OK) {
		sayso_log(SAYSO_LOG_ERROR,
			  "SIGHUP: %s; keeping the running configuration", err);
		return;
	}
	/* The same checks as -n: a file -n rejects (an empty token, an
	 * empty public_url) would make every webhook fail, and providers do
	 * not retry a 403. */
	char problems[2048];
	if (smsgw_check_config(&nc, problems, sizeof problems) > 0) {
		for (char *line = strtok(problems, "\n"); line;
		     line = strtok(NULL, "\n"))
			sayso_log(SAYSO_LOG_ERROR, "SIGHUP: %s: %s",
				  gw->cfgpath, line);
		sayso_log(SAYSO_LOG_ERROR,
			  "SIGHUP: %s fails the checks of -n; keeping the "
			  "running configuration",
			  gw->cfgpath);
		sayso_config_cleanup(&nc);
		return;
	}
	log_warnings(&nc, "SIGHUP: ");
	if (nc.smsgw.provider != gw->cfg.smsgw.provider ||
	    strcmp(nc.smsgw.listen, gw->cfg.smsgw.listen) != 0 ||
	    strcmp(nc.site.database, gw->cfg.site.database) != 0) {
		/* Half a new file (the running provider with another's
		 * settings, e.g. an empty file's defaults) is worse than
		 * none. */
		sayso_log(SAYSO_LOG_ERROR,
			  "SIGHUP: %s changes the provider, listen or "
			  "database, which needs a restart; keeping the "
			  "running configuration",
			  gw->cfgpath);
		sayso_config_cleanup(&nc);
		return;
	}
	sayso_config_cleanup(&gw->cfg);
	gw->cfg = nc;
	gw->next_tick_ms = 0;
	sayso_log(SAYSO_LOG_INFO, "SIGHUP: configuration reloaded from %s",
		  gw->cfgpath);
}

/* ---- waiting for the database lock ---- */

/*
 * SQLite's busy handler while another process (sayso-admin, a backup)
 * holds the write lock: instead of sleeping in sqlite3_busy_timeout, wait
 * in 5 ms steps on the HTTP listener and run it, so /health (which needs no
 * database) and new requests (only queued) are answered during the wait.
 * Gives up after SMSGW_BUSY_MAX_MS like the store's own timeout.
 */
static int on_busy(void *ud, int count)
{
	struct smsgw *gw = ud;
	int64_t now = sayso_time_now_ms();
	if (gw->busy_no_wait)
		return 0;
	if (count == 0)
		gw->busy_since_ms = now;
	if (now - gw->busy_since_ms >= SMSGW_BUSY_MAX_MS)
		return 0;
	int hfd = smsgw_http_fd(gw);
	if (hfd >= 0 && !gw->in_busy) {
		struct pollfd p = {.fd = hfd, .events = POLLIN};
		poll(&p, 1, 5);
		gw->in_busy = true;
		smsgw_http_run(gw);
		gw->in_busy = false;
	} else {
		poll(NULL, 0, 5);
	}
	return 1;
}

/* ---- configuration check (-n) ---- */

static bool is_http_url(const char *u)
{
	return strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0;
}

static bool dir_exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void problem(char *out, size_t outsz, int *n, const char *msg)
{
	size_t l = strlen(out);
	snprintf(out + l, outsz - l, "%s%s", l ? "\n" : "", msg);
	(*n)++;
}

static void check_listen(const struct sayso_config *c, char *out, size_t outsz,
			 int *n)
{
	struct sockaddr_in sa;
	const char *why = NULL;
	char line[256];
	if (smsgw_listen_addr(c->smsgw.listen, &sa, &why) != SAYSO_OK) {
		snprintf(line, sizeof line, "[smsgw] listen = %s: %s",
			 c->smsgw.listen, why);
		problem(out, outsz, n, line);
	}
}

static void check_database(const struct sayso_config *c, char *out,
			   size_t outsz, int *n)
{
	char dir[SAYSO_PATH_MAX];
	char line[SAYSO_PATH_MAX + 96];
	if (!c->site.database[0]) {
		problem(out, outsz, n, "[site] database is empty");
		return;
	}
	if (sayso_store_is_server(c->site.database)) {
		if (!c->site.secret[0])
			problem(out, outsz, n,
				"[site] database is a PostgreSQL URI: set "
				"[site] secret = PATH");
		return;
	}
	snprintf(dir, sizeof dir, "%s", c->site.database);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (!dir_exists(dir)) {
		snprintf(line, sizeof line,
			 "[site] database = %s: the folder %s does not exist",
			 c->site.database, dir);
		problem(out, outsz, n, line);
	}
}

int smsgw_check_config(const struct sayso_config *c, char *out, size_t outsz)
{
	int n = 0;
	out[0] = '\0';
	check_database(c, out, outsz, &n);
	switch (c->smsgw.provider) {
	case SAYSO_PROVIDER_KANNEL:
		check_listen(c, out, outsz, &n);
		if (!is_http_url(c->kannel.sendsms_url))
			problem(out, outsz, &n,
				"[kannel] sendsms_url: expected an http(s):// "
				"URL");
		break;
	case SAYSO_PROVIDER_TWILIO:
		check_listen(c, out, outsz, &n);
		if (strncmp(c->twilio.account_sid, "AC", 2) != 0)
			problem(out, outsz, &n,
				"[twilio] account_sid: expected AC...");
		if (!c->twilio.auth_token[0])
			problem(out, outsz, &n,
				"[twilio] auth_token is empty (every webhook "
				"would be refused)");
		if (!c->twilio.from[0])
			problem(out, outsz, &n,
				"[twilio] from: our number (+447...) or a "
				"Messaging Service SID (MG...)");
		if (!is_http_url(c->twilio.api_base))
			problem(
			    out, outsz, &n,
			    "[twilio] api_base: expected an http(s):// URL");
		if (c->twilio.poll_seconds == 0 &&
		    !is_http_url(c->twilio.public_url))
			problem(out, outsz, &n,
				"[twilio] public_url: the URL Twilio calls "
				"(signatures are checked against it), or set "
				"poll_seconds");
		break;
	case SAYSO_PROVIDER_SPOOL:
		if (!dir_exists(c->spool.incoming))
			problem(out, outsz, &n,
				"[spool] incoming is not a directory");
		if (!dir_exists(c->spool.outgoing))
			problem(out, outsz, &n,
				"[spool] outgoing is not a directory");
		break;
	}
	return n;
}

/* Whether url's host is the loopback (a token to 127.0.0.1 stays local). */
static bool url_is_loopback(const char *url)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	return strncmp(h, "127.", 4) == 0 || strncmp(h, "localhost", 9) == 0 ||
	       strncmp(h, "[::1]", 5) == 0;
}

int smsgw_check_warnings(const struct sayso_config *c, char *out, size_t outsz)
{
	int n = 0;
	out[0] = '\0';
	struct sockaddr_in sa;
	const char *why;
	if (c->smsgw.provider == SAYSO_PROVIDER_KANNEL &&
	    smsgw_listen_addr(c->smsgw.listen, &sa, &why) == SAYSO_OK &&
	    sa.sin_addr.s_addr == htonl(INADDR_ANY))
		problem(out, outsz, &n,
			"[smsgw] listen on every interface with Kannel: "
			"/kannel has no signature, so anyone who can reach "
			"the port can vote; listen on 127.0.0.1");
	if (c->smsgw.provider == SAYSO_PROVIDER_TWILIO &&
	    c->twilio.auth_token[0] &&
	    strncmp(c->twilio.api_base, "http://", 7) == 0 &&
	    !url_is_loopback(c->twilio.api_base))
		problem(out, outsz, &n,
			"[twilio] api_base is http://: the auth token would "
			"be sent in clear; use https://");
	if (c->smsgw.provider == SAYSO_PROVIDER_KANNEL &&
	    c->kannel.password[0] &&
	    strncmp(c->kannel.sendsms_url, "http://", 7) == 0 &&
	    !url_is_loopback(c->kannel.sendsms_url))
		problem(out, outsz, &n,
			"[kannel] sendsms_url is http:// to another host: the "
			"password would be sent in clear");
	return n;
}

/* ---- life cycle ---- */

static const struct smsgw_provider *provider_for(enum sayso_provider p)
{
	switch (p) {
	case SAYSO_PROVIDER_KANNEL:
		return &smsgw_provider_kannel;
	case SAYSO_PROVIDER_TWILIO:
		return &smsgw_provider_twilio;
	case SAYSO_PROVIDER_SPOOL:
		return &smsgw_provider_spool;
	}
	return &smsgw_provider_kannel;
}

void smsgw_claimer_name(char *out, size_t outsz)
{
	char host[65] = "";
	char boot[40] = "";
	if (gethostname(host, sizeof host - 1) != 0 || !host[0])
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	for (char *p = host; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x21)
			*p = '_';
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f || !fgets(boot, sizeof boot, f) || strlen(boot) < 8)
		snprintf(boot, sizeof boot, "-");
	if (f)
		fclose(f);
	snprintf(out, outsz, "%.48s/%.8s/%ld", host, boot, (long)getpid());
}

int64_t smsgw_take_over_dead(struct smsgw *gw, int64_t now_ms)
{
	enum { MAXC = 64 };
	char(*names)[SAYSO_OUTBOX_CLAIMER_MAX] = calloc(MAXC, sizeof *names);
	size_t n = 0;
	int64_t total = 0;
	if (!names)
		return 0;
	/* Our own prefix: host/boot/ (the claimer name up to the pid). */
	const char *slash = strrchr(gw->claimer, '/');
	size_t plen = slash ? (size_t)(slash - gw->claimer) + 1 : 0;
	if (plen == 0 || strstr(gw->claimer, "/-/") ||
	    sayso_outbox_claimers(gw->st, now_ms, names, MAXC, &n) != SAYSO_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(names[i], gw->claimer, plen) != 0 ||
		    strcmp(names[i], gw->claimer) == 0)
			continue;
		char *end = NULL;
		long pid = strtol(names[i] + plen, &end, 10);
		if (pid <= 0 || !end || *end || pid == (long)getpid())
			continue;
		/* Same host, same boot: the pid is this kernel's. Gone
		 * (ESRCH) means dead; alive or unknown (EPERM, a reused pid)
		 * means wait for the lease. */
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		int64_t k = 0;
		if (sayso_outbox_unclaim(gw->st, names[i], &k) != SAYSO_OK) {
			sayso_log(SAYSO_LOG_ERROR, "outbox: %s",
				  sayso_store_errmsg(gw->st));
			continue;
		}
		total += k;
		if (k > 0)
			sayso_log(SAYSO_LOG_INFO,
				  "took over %lld replies claimed by gateway "
				  "process %ld, which is gone",
				  (long long)k, pid);
	}
	free(names);
	return total;
}

enum sayso_err smsgw_new(const struct sayso_config *cfg, const char *cfgpath,
			 bool listen_http, struct smsgw **out, char *err,
			 size_t errsz)
{
	*out = NULL;
	struct smsgw *gw = calloc(1, sizeof *gw);
	if (!gw) {
		snprintf(err, errsz, "out of memory");
		return SAYSO_ERR_NOMEM;
	}
	gw->sigpipe[0] = gw->sigpipe[1] = -1;
	gw->batch_tail = &gw->batch;
	rate_init(gw);
	/* Take over the lists: the caller's struct is emptied. */
	gw->cfg = *cfg;
	snprintf(gw->cfgpath, sizeof gw->cfgpath, "%s", cfgpath ? cfgpath : "");
	gw->prov = provider_for(cfg->smsgw.provider);

	enum sayso_err e =
	    sayso_store_open_at(cfg->site.database, cfg->site.secret,
				SAYSO_STORE_CREATE, &gw->st, err, errsz);
	if (e != SAYSO_OK)
		goto out;
	sayso_store_set_busy_handler(gw->st, on_busy, gw);
	smsgw_claimer_name(gw->claimer, sizeof gw->claimer);
	e = sayso_store_set_device(gw->st, "smsgw", "smsgw");
	if (e != SAYSO_OK) {
		snprintf(err, errsz, "%s", sayso_store_errmsg(gw->st));
		goto out;
	}
	if (pipe(gw->sigpipe) != 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		e = SAYSO_ERR_IO;
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(gw->sigpipe[i], F_SETFL,
		      fcntl(gw->sigpipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(gw->sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	gw->multi = curl_multi_init();
	if (!gw->multi) {
		snprintf(err, errsz, "curl_multi_init failed");
		e = SAYSO_ERR_NOMEM;
		goto out;
	}
	curl_multi_setopt(gw->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
			  (long)SMSGW_INFLIGHT_MAX);
	log_warnings(&gw->cfg, "");
	e = gw->prov->start(gw);
	if (e != SAYSO_OK) {
		snprintf(err, errsz, "%s provider: %s", gw->prov->name,
			 sayso_strerror(e));
		goto out;
	}
	if (listen_http && gw->prov->http_path) {
		e = smsgw_http_start(gw, err, errsz);
		if (e != SAYSO_OK)
			goto out;
	}
	*out = gw;
	gw = NULL; /* the caller's now */
out:
	smsgw_free(gw);
	return e;
}

void smsgw_free(struct smsgw *gw)
{
	if (!gw)
		return;
	smsgw_http_stop(gw);
	while (gw->xfers) {
		struct smsgw_xfer *x = gw->xfers;
		gw->xfers = x->next;
		curl_multi_remove_handle(gw->multi, x->easy);
		smsgw_xfer_free(x);
	}
	while (gw->batch) {
		struct smsgw_inmsg *m = gw->batch;
		gw->batch = m->next;
		free(m);
	}
	if (gw->prov && gw->prov_state)
		gw->prov->stop(gw);
	if (gw->multi)
		curl_multi_cleanup(gw->multi);
	/* Replies claimed but not sent: any gateway may send them now
	 * (a transfer cut at the stop may have gone out: sent twice at
	 * worst, as after a crash). */
	if (gw->st && gw->claimer[0] &&
	    sayso_outbox_unclaim(gw->st, gw->claimer, NULL) != SAYSO_OK)
		sayso_log(SAYSO_LOG_WARN, "outbox claims not released: %s",
			  sayso_store_errmsg(gw->st));
	sayso_store_close(gw->st);
	for (int i = 0; i < 2; i++)
		if (gw->sigpipe[i] >= 0)
			close(gw->sigpipe[i]);
	if (sig_fd == gw->sigpipe[1])
		sig_fd = -1;
	sayso_config_cleanup(&gw->cfg);
	free(gw);
}

/*
 * Outbox bookkeeping of one loop turn (sends finished, sends started) runs
 * in one transaction: one fsync for many status changes instead of one
 * each. If the transaction cannot start, each change commits on its own.
 */
static bool tx_open(struct smsgw *gw)
{
	return sayso_store_begin(gw->st) == SAYSO_OK;
}

static void tx_close(struct smsgw *gw, bool open)
{
	if (open && sayso_store_commit(gw->st) != SAYSO_OK)
		sayso_log(SAYSO_LOG_ERROR,
			  "outbox bookkeeping not committed (%s); affected "
			  "replies will be sent again",
			  sayso_store_errmsg(gw->st));
}

/*
 * Numbers erased from the outbox (secure_delete) still have old copies in
 * the WAL until a checkpoint: once some were erased, at most once a second
 * (and at the stop), checkpoint with TRUNCATE so <database>-wal holds none.
 */
static void wal_scrub(struct smsgw *gw, int64_t now_ms, bool force)
{
	if (!gw->numbers_erased || (!force && now_ms < gw->next_scrub_ms))
		return;
	gw->next_scrub_ms = now_ms + 1000;
	/* Never wait for a reader here (sayso-admin's long read): try again
	 * in a second instead of stalling the loop. */
	gw->busy_no_wait = true;
	enum sayso_err e = sayso_store_checkpoint(gw->st);
	gw->busy_no_wait = false;
	if (e == SAYSO_OK)
		gw->numbers_erased = false;
	else
		sayso_log(SAYSO_LOG_DEBUG, "checkpoint: %s",
			  sayso_store_errmsg(gw->st));
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int smsgw_run(struct smsgw *gw)
{
	int64_t stop_deadline = 0;
	sayso_log(SAYSO_LOG_INFO, "sayso-smsgw %s: provider %s, database %s",
		  SAYSO_VERSION, gw->prov->name, gw->cfg.site.database);
	sayso_log(SAYSO_LOG_DEBUG, "outbox claimer %s", gw->claimer);
	smsgw_take_over_dead(gw, sayso_time_now_ms());
	smsgw_recover(gw);
	gw->next_recover_ms = sayso_time_now_ms() + 60000;
	for (;;) {
		int64_t now = sayso_time_now_ms();
		if (gw->stopping) {
			if (!stop_deadline)
				stop_deadline = now + 10000;
			if ((!gw->xfers && !gw->batch) || now >= stop_deadline)
				break;
		}
		int64_t wake = now + 1000;
		if (!gw->stopping) {
			wake = min64(wake, gw->next_outbox_ms);
			if (gw->prov->tick)
				wake = min64(wake, gw->next_tick_ms);
		}
		int64_t ht = smsgw_http_run(gw);
		if (ht >= 0)
			wake = min64(wake, now + ht);
		int timeout = wake > now ? (int)(wake - now) : 0;
		if (gw->batch)
			timeout = 0; /* that run queued texts: commit now */

		struct curl_waitfd extra[2];
		unsigned nextra = 0;
		extra[nextra].fd = gw->sigpipe[0];
		extra[nextra].events = CURL_WAIT_POLLIN;
		extra[nextra++].revents = 0;
		int hfd = smsgw_http_fd(gw);
		if (hfd >= 0) {
			extra[nextra].fd = hfd;
			extra[nextra].events = CURL_WAIT_POLLIN;
			extra[nextra++].revents = 0;
		}
		curl_multi_poll(gw->multi, extra, nextra, timeout, NULL);

		char sigs[16];
		ssize_t ns;
		while ((ns = read(gw->sigpipe[0], sigs, sizeof sigs)) > 0) {
			for (ssize_t i = 0; i < ns; i++) {
				if (sigs[i] == 'H')
					gw->reload_pending = true;
				else
					smsgw_stop(gw);
			}
		}
		if (gw->reload_pending) {
			gw->reload_pending = false;
			smsgw_reload(gw);
		}

		smsgw_http_run(gw);
		int running = 0;
		curl_multi_perform(gw->multi, &running);
		size_t nx = 0;
		for (struct smsgw_xfer *x = gw->xfers; x; x = x->next)
			nx++;
		now = sayso_time_now_ms();
		if (!gw->stopping && gw->prov->tick && now >= gw->next_tick_ms)
			gw->next_tick_ms = gw->prov->tick(gw, now);
		bool answered = gw->batch != NULL;
		commit_turn(gw, (size_t)running < nx);
		if (answered)
			smsgw_http_run(gw); /* send the answers */
		if (!gw->stopping && now >= gw->next_recover_ms) {
			smsgw_recover(gw);
			gw->next_recover_ms = now + 60000;
		}
		if (!gw->stopping && gw->inflight < SMSGW_INFLIGHT_MAX &&
		    now >= gw->next_outbox_ms) {
			bool tx = tx_open(gw);
			smsgw_pump_outbox(gw, now);
			tx_close(gw, tx);
		}
		wal_scrub(gw, now, false);
	}
	wal_scrub(gw, sayso_time_now_ms(), true);
	sayso_log(SAYSO_LOG_INFO,
		  "stopped: %llu received, %llu duplicates, %llu ignored, "
		  "%llu rate-limited, %llu sent, %llu retried, %llu failed",
		  (unsigned long long)gw->stats.received,
		  (unsigned long long)gw->stats.duplicates,
		  (unsigned long long)gw->stats.ignored,
		  (unsigned long long)gw->stats.rate_limited,
		  (unsigned long long)gw->stats.sent,
		  (unsigned long long)gw->stats.retried,
		  (unsigned long long)gw->stats.failed);
	return 0;
}

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
#include <fcntl.h>
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

static uint64_t resident_key(const char *resident_id)
{
	uint64_t h = sayso_hash(resident_id, strlen(resident_id));
	return h ? h : 1;
}

bool smsgw_rate_take(struct smsgw *gw, const char *resident_id, int64_t now_ms)
{
	double cap = gw->cfg.smsgw.rate_per_minute;
	if (cap <= 0)
		return true;
	uint64_t k = resident_key(resident_id);
	struct smsgw_rate *r = &gw->rate[k % SMSGW_RATE_SLOTS];
	if (r->key != k) {
		/* A new sender (or a colliding one): a full bucket. */
		r->key = k;
		r->tokens = cap;
		r->last_ms = now_ms;
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
	size_t room = SMSGW_RESP_MAX - x->resplen;
	size_t take = n < room ? n : room;
	if (take < n)
		x->resp_truncated = true;
	if (take) {
		char *p = realloc(x->resp, x->resplen + take + 1);
		if (!p)
			return 0; /* curl reports a write error */
		x->resp = p;
		memcpy(x->resp + x->resplen, ptr, take);
		x->resplen += take;
		x->resp[x->resplen] = '\0';
	}
	return n;
}

struct smsgw_xfer *smsgw_xfer_new(struct smsgw *gw)
{
	(void)gw;
	struct smsgw_xfer *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
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
	free(x->resp);
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

/* Whether err is about storage (worth retrying later) rather than about
 * the text. */
static bool is_storage_error(enum sayso_err err)
{
	switch (err) {
	case SAYSO_ERR_NOMEM:
	case SAYSO_ERR_IO:
	case SAYSO_ERR_FULL:
	case SAYSO_ERR_READONLY:
	case SAYSO_ERR_BUSY:
	case SAYSO_ERR_DB:
	case SAYSO_ERR_CORRUPT:
	case SAYSO_ERR_NOT_SAYSO:
	case SAYSO_ERR_SCHEMA:
	case SAYSO_ERR_SECRET:
	case SAYSO_ERR_CRYPTO:
		return true;
	case SAYSO_OK:
	case SAYSO_ERR_INVAL:
	case SAYSO_ERR_PARSE:
	case SAYSO_ERR_NOTFOUND:
	case SAYSO_ERR_EXISTS:
	case SAYSO_ERR_STATE:
	case SAYSO_ERR_TOOBIG:
	case SAYSO_ERR_RANGE:
	case SAYSO_ERR_AUTH:
	case SAYSO_ERR_UNSUPPORTED:
		return false;
	}
	return true;
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
		goto fail;
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
		e = smsgw_reply_handle(gw->st, &gw->cfg, resident, body, now_ms,
				       reply, sizeof reply, outcome,
				       sizeof outcome);
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
	if (!is_storage_error(e)) {
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
fail:
	gw->stats.store_errors++;
	sayso_log(SAYSO_LOG_ERROR,
		  "message %lld is stored but could not be processed (%s: "
		  "%s); it will be retried",
		  (long long)inbox_id, sayso_strerror(e),
		  sayso_store_errmsg(gw->st));
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
		snprintf(masked, sizeof masked, "%.6s****", m->in.from);
		sayso_log(SAYSO_LOG_WARN, "%s: ignored a text from %s: %s",
			  gw->prov->name, masked,
			  why ? why : "not a UK mobile number");
		return;
	}
	smsgw_mask(e164, masked, sizeof masked);
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
		sayso_log(SAYSO_LOG_INFO,
			  "%s: %s re-delivered (id %s): already stored",
			  gw->prov->name, masked,
			  m->in.provider_id[0] ? m->in.provider_id : "derived");
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
		e = sayso_store_begin(gw->st);
		if (e == SAYSO_OK) {
			/* The number is not kept in the inbox: act on the
			 * text, but no reply can be sent. */
			process_one(gw, rows[i].id, rows[i].resident_id, NULL,
				    rows[i].body, rows[i].received_at_ms);
			e = sayso_store_commit(gw->st);
		}
		if (e == SAYSO_OK)
			sayso_log(SAYSO_LOG_INFO,
				  "recovered pending text %lld (%s); no reply "
				  "(the number is not kept)",
				  (long long)rows[i].id, rows[i].provider);
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

void smsgw_send_finish(struct smsgw *gw, int64_t id, const char *resident_id,
		       enum smsgw_send_result r, const char *pid,
		       const char *err)
{
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
		e = sayso_outbox_sent(gw->st, id, pid && *pid ? pid : NULL);
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
			e = sayso_outbox_failed(gw->st, id, why);
			sayso_log(SAYSO_LOG_ERROR, "reply %lld: %s",
				  (long long)id, why);
		} else {
			int64_t d = smsgw_backoff_ms(attempts);
			gw->stats.retried++;
			e = sayso_outbox_retry(gw->st, id, err ? err : "",
					       now + d);
			sayso_log(SAYSO_LOG_WARN,
				  "reply %lld not sent (%s); retry in %lld s",
				  (long long)id, err ? err : "",
				  (long long)(d / 1000));
		}
		break;
	case SMSGW_SEND_FAILED:
		gw->stats.failed++;
		e = sayso_outbox_failed(gw->st, id, err ? err : "failed");
		sayso_log(SAYSO_LOG_ERROR, "reply %lld failed for good: %s",
			  (long long)id, err ? err : "");
		break;
	case SMSGW_SEND_OPTOUT:
		gw->stats.opted_out++;
		if (resident_id && *resident_id)
			e = sayso_optout_set(gw->st, resident_id, true);
		if (e == SAYSO_OK)
			e = sayso_outbox_failed(
			    gw->st, id, err ? err : "recipient opted out");
		sayso_log(SAYSO_LOG_INFO,
			  "reply %lld: recipient opted out at the carrier; "
			  "marked opted out",
			  (long long)id);
		break;
	}
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
	size_t want = SMSGW_INFLIGHT_MAX;
	struct sayso_outbox_msg *msgs = calloc(want, sizeof *msgs);
	if (!msgs)
		return;
	size_t n = 0;
	enum sayso_err e = sayso_outbox_due(gw->st, now_ms, msgs, want, &n);
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
		bool out = false;
		if (o->resident_id[0] &&
		    sayso_optout_get(gw->st, o->resident_id, &out) ==
			SAYSO_OK &&
		    out) {
			if (sayso_outbox_failed(gw->st, o->id, "opted out") !=
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
	sa.sa_flags = SA_RESTART;
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
	if (nc.smsgw.provider != gw->cfg.smsgw.provider ||
	    strcmp(nc.smsgw.listen, gw->cfg.smsgw.listen) != 0 ||
	    strcmp(nc.site.database, gw->cfg.site.database) != 0) {
		sayso_log(SAYSO_LOG_WARN,
			  "SIGHUP: provider, listen and database changes need "
			  "a restart; the rest is applied");
		nc.smsgw.provider = gw->cfg.smsgw.provider;
		memcpy(nc.smsgw.listen, gw->cfg.smsgw.listen,
		       sizeof nc.smsgw.listen);
		memcpy(nc.site.database, gw->cfg.site.database,
		       sizeof nc.site.database);
	}
	sayso_config_cleanup(&gw->cfg);
	gw->cfg = nc;
	gw->next_tick_ms = 0;
	sayso_log(SAYSO_LOG_INFO, "SIGHUP: configuration reloaded from %s",
		  gw->cfgpath);
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

int smsgw_check_config(const struct sayso_config *c, char *out, size_t outsz)
{
	int n = 0;
	char host[64];
	unsigned short port;
	out[0] = '\0';
	switch (c->smsgw.provider) {
	case SAYSO_PROVIDER_KANNEL:
		if (sayso_config_listen(c->smsgw.listen, host, sizeof host,
					&port) != SAYSO_OK)
			problem(out, outsz, &n,
				"[smsgw] listen: expected host:port");
		if (!is_http_url(c->kannel.sendsms_url))
			problem(out, outsz, &n,
				"[kannel] sendsms_url: expected an http(s):// "
				"URL");
		break;
	case SAYSO_PROVIDER_TWILIO:
		if (sayso_config_listen(c->smsgw.listen, host, sizeof host,
					&port) != SAYSO_OK)
			problem(out, outsz, &n,
				"[smsgw] listen: expected host:port");
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
	/* Take over the lists: the caller's struct is emptied. */
	gw->cfg = *cfg;
	snprintf(gw->cfgpath, sizeof gw->cfgpath, "%s", cfgpath ? cfgpath : "");
	gw->prov = provider_for(cfg->smsgw.provider);

	enum sayso_err e = sayso_store_open(
	    cfg->site.database, SAYSO_STORE_CREATE, &gw->st, err, errsz);
	if (e != SAYSO_OK)
		goto fail;
	e = sayso_store_set_device(gw->st, "smsgw", "smsgw");
	if (e != SAYSO_OK) {
		snprintf(err, errsz, "%s", sayso_store_errmsg(gw->st));
		goto fail;
	}
	if (pipe(gw->sigpipe) != 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		e = SAYSO_ERR_IO;
		goto fail;
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
		goto fail;
	}
	curl_multi_setopt(gw->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
			  (long)SMSGW_INFLIGHT_MAX);
	e = gw->prov->start(gw);
	if (e != SAYSO_OK) {
		snprintf(err, errsz, "%s provider: %s", gw->prov->name,
			 sayso_strerror(e));
		goto fail;
	}
	if (listen_http && gw->prov->http_path) {
		e = smsgw_http_start(gw, err, errsz);
		if (e != SAYSO_OK)
			goto fail;
	}
	*out = gw;
	return SAYSO_OK;
fail:
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

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int smsgw_run(struct smsgw *gw)
{
	int64_t stop_deadline = 0;
	sayso_log(SAYSO_LOG_INFO, "sayso-smsgw %s: provider %s, database %s",
		  SAYSO_VERSION, gw->prov->name, gw->cfg.site.database);
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
	}
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

/*
 * gw.h: the gateway daemon's state and event loop (internal to smsgw/).
 *
 * One thread, one loop: libmicrohttpd (external polling, epoll) for the
 * webhooks, the libcurl multi interface for outbound HTTP, a self-pipe for
 * signals and timers for the spool scan, Twilio polling and the outbox.
 *
 * Inbound messages are group-committed: every message that arrived in one
 * loop turn is stored in one transaction (each in its own savepoint), then
 * every caller is answered. One fsync acknowledges many messages, and no
 * caller hears "OK" before its message is on disk. Inside that savepoint the
 * message is also processed (ballot, rating, report) and its reply queued,
 * so the inbox row, the effect and the reply commit or roll back together.
 */
#ifndef SMSGW_GW_H
#define SMSGW_GW_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "provider.h"
#include "sayso/buf.h"
#include "sayso/config.h"
#include "sayso/sms.h"
#include "sayso/store.h"

#define SMSGW_INFLIGHT_MAX 32	     /* concurrent outbound sends */
#define SMSGW_RATE_SLOTS 4096	     /* per-number buckets kept (LRU beyond) */
#define SMSGW_RATE_HASH 8192	     /* hash chains over them */
#define SMSGW_RESP_MAX 262144	     /* bytes kept of an HTTP response */
#define SMSGW_HTTP_DEADLINE_MS 10000 /* a whole request, headers + body */
#define SMSGW_HTTP_PER_IP_MAX 64     /* connections from one address */
#define SMSGW_HTTP_CONN_MAX 4000     /* connections in all */
#define SMSGW_BUSY_MAX_MS 10000	     /* waiting for another writer's lock */
#define SMSGW_BACKOFF_BASE_MS 5000
#define SMSGW_BACKOFF_MAX_MS (3600 * 1000)

struct smsgw;

/* An inbound message waiting for the next group commit. */
struct smsgw_inmsg {
	struct smsgw_msgin in;
	/* Called after the commit: err is SAYSO_OK when the message is stored
	 * (or was already: duplicate), else nothing was stored. */
	void (*done)(struct smsgw *gw, struct smsgw_inmsg *m);
	void *ud;
	char path[SAYSO_PATH_MAX * 2]; /* spool: the incoming file */
	enum sayso_err err;
	bool duplicate;
	bool ignored; /* not storable (bad sender): dropped */
	struct smsgw_inmsg *next;
};

/* One outbound HTTP transfer. */
struct smsgw_xfer {
	CURL *easy;
	struct curl_slist *headers;
	struct sayso_buf resp; /* the response body, up to SMSGW_RESP_MAX */
	bool resp_truncated;
	char errbuf[CURL_ERROR_SIZE];
	int64_t outbox_id; /* 0 for non-send transfers (polling) */
	char resident_id[SAYSO_RESIDENT_ID_LEN + 1];
	/* Called when the transfer ends; status is the HTTP status (0 when
	 * there was no response: rc says why). */
	void (*done)(struct smsgw *gw, struct smsgw_xfer *x, CURLcode rc,
		     long status);
	void *ud;
	struct smsgw_xfer *next;
};

/* One number's token bucket: exact (the whole resident id is compared),
 * chained in a hash table and on an LRU list; when all SMSGW_RATE_SLOTS are
 * used the least recently seen number's bucket is reused. */
struct smsgw_rate {
	char rid[SAYSO_RESIDENT_ID_LEN + 1]; /* "" = free */
	double tokens;
	int64_t last_ms;
	int32_t hnext;	    /* next in the hash chain, -1 */
	int32_t prev, next; /* LRU list, most recent first, -1 */
};

struct smsgw_stats {
	uint64_t received, duplicates, ignored, rate_limited, store_errors;
	uint64_t sent, retried, failed, opted_out;
};

struct smsgw {
	struct sayso_config cfg;
	char cfgpath[SAYSO_PATH_MAX];
	struct sayso_store *st;
	const struct smsgw_provider *prov;
	void *prov_state;
	void *http; /* http.c state, NULL when no listener */
	CURLM *multi;
	int sigpipe[2];
	bool stopping;
	bool reload_pending;

	struct smsgw_inmsg *batch;
	struct smsgw_inmsg **batch_tail;
	size_t batch_n;

	struct smsgw_xfer *xfers; /* running transfers */
	size_t inflight;	  /* running sends */
	int64_t inflight_ids[SMSGW_INFLIGHT_MAX];
	int inflight_attempts[SMSGW_INFLIGHT_MAX]; /* attempts before this one
						    */

	/* This gateway's name on the outbox rows it claims: host/boot/pid
	 * (smsgw_claimer_name), unique among running gateways. */
	char claimer[SAYSO_OUTBOX_CLAIMER_MAX];

	int64_t next_outbox_ms;
	int64_t next_tick_ms;
	int64_t next_recover_ms;

	struct smsgw_rate rate[SMSGW_RATE_SLOTS];
	int32_t rate_hash[SMSGW_RATE_HASH]; /* first slot of a chain, -1 */
	int32_t rate_mru, rate_lru;	    /* ends of the LRU list, -1 */
	int32_t rate_used;		    /* slots taken so far */
	struct smsgw_stats stats;
	int64_t busy_since_ms; /* the database lock wait began */
	bool numbers_erased;   /* outbox numbers cleared since the checkpoint */
	int64_t next_scrub_ms;
	bool in_busy;	   /* running HTTP from the busy handler */
	bool busy_no_wait; /* the busy handler gives up at once */
};

/*
 * Creates a gateway for cfg, taking over its lists (even on failure: do not
 * clean cfg up afterwards). Opens the
 * store (creating it when new) and the provider; listen_http false skips the
 * HTTP listener (tests drive smsgw_enqueue directly). On failure *out is
 * NULL and err holds a sentence.
 */
enum sayso_err smsgw_new(const struct sayso_config *cfg, const char *cfgpath,
			 bool listen_http, struct smsgw **out, char *err,
			 size_t errsz);

/*
 * Writes this process's outbox claimer name, "<host>/<boot>/<pid>" (host
 * cut to 48 bytes, boot the first 8 characters of the kernel's boot id, "-"
 * when unknown), into out (>= SAYSO_OUTBOX_CLAIMER_MAX).
 */
void smsgw_claimer_name(char *out, size_t outsz);

/*
 * Releases outbox claims of gateways known to be dead: a claimer on this
 * host and boot whose process no longer exists (a crash, kill -9). Others'
 * claims (another host, another boot, a live process) are left to run out
 * their lease. Returns the number of rows released.
 */
int64_t smsgw_take_over_dead(struct smsgw *gw, int64_t now_ms);

/* Stops everything and frees gw. NULL is a no-op. */
void smsgw_free(struct smsgw *gw);

/* Runs the loop until SIGTERM/SIGINT (smsgw_stop). Returns 0 or 1. */
int smsgw_run(struct smsgw *gw);

/* Asks the loop to finish in-flight work and return. */
void smsgw_stop(struct smsgw *gw);

/* Installs SIGTERM, SIGINT, SIGHUP handlers writing to gw's self-pipe. */
enum sayso_err smsgw_signals(struct smsgw *gw);

/* Re-reads gw->cfgpath; swaps the config when it loads and passes the
 * checks of -n (smsgw_check_config), keeps the old one and logs why
 * otherwise. A file changing the provider, listen or database is not
 * applied (that needs a restart). */
void smsgw_reload(struct smsgw *gw);

/* Takes ownership of m (malloc'd) for the next group commit. */
void smsgw_enqueue(struct smsgw *gw, struct smsgw_inmsg *m);

/* Stores and processes every queued message in one transaction, then calls
 * each done callback and frees the messages. */
void smsgw_commit(struct smsgw *gw);

/* Processes inbox rows left pending by a crash and answers them (the sender
 * is kept sealed in the inbox until then, then erased). */
void smsgw_recover(struct smsgw *gw);

/* Starts due outbox messages (up to SMSGW_INFLIGHT_MAX in flight). */
void smsgw_pump_outbox(struct smsgw *gw, int64_t now_ms);

/* Records the result of a send of outbox message id; numbers in err are
 * masked before it is stored or logged. */
void smsgw_send_finish(struct smsgw *gw, int64_t id, const char *resident_id,
		       enum smsgw_send_result r, const char *pid,
		       const char *err);

/* A new transfer (zeroed, easy handle created with common options: timeouts,
 * response capture, no signals). NULL on allocation failure. */
struct smsgw_xfer *smsgw_xfer_new(struct smsgw *gw);
/* Adds x to the multi handle; gw owns it from now on (freed after done). */
enum sayso_err smsgw_xfer_start(struct smsgw *gw, struct smsgw_xfer *x);
/* Frees a transfer that was never started. */
void smsgw_xfer_free(struct smsgw_xfer *x);

/* Whether resident may send one more message now (token bucket of
 * cfg.smsgw.rate_per_minute per minute); consumes a token if so. Buckets
 * are exact per resident id, never shared by two numbers; memory is bounded
 * (SMSGW_RATE_SLOTS, least recently used reused). */
bool smsgw_rate_take(struct smsgw *gw, const char *resident_id, int64_t now_ms);

/* Backoff delay before attempt number attempts+1 (exponential with
 * jitter, capped). */
int64_t smsgw_backoff_ms(int attempts);

/* Checks what start-up and the provider need (the listen address and port,
 * the database folder, URLs, credentials, directories) for `-n` and for
 * SIGHUP (a failing file is not swapped in). Writes one line per problem
 * into out; returns how many. */
int smsgw_check_config(const struct sayso_config *c, char *out, size_t outsz);

/* A value from outside (an id, a file name, a provider's text) made safe for
 * one log line: printable ASCII kept, every other byte (newlines, controls,
 * UTF-8, the backslash) as \xNN, cut with "..." to fit outsz. NULL gives
 * "(none)". */
void smsgw_log_escape(const char *s, char *out, size_t outsz);

/* Whether e164 is the gateway's own number: [twilio] from, [kannel] from or
 * to (the number the text was sent to; may be NULL), in any spelling. */
bool smsgw_is_own_number(const struct smsgw *gw, const char *e164,
			 const char *to);

/* Copies in to out with every run of 7 or more digits masked (its last four
 * digits as '*'): provider error texts quote the number. */
void smsgw_mask_numbers(const char *in, char *out, size_t outsz);

/* Masked copy of a number for logs. */
void smsgw_mask(const char *phone, char *out, size_t outsz);

/* Parses [smsgw] listen as the listener will use it: an IPv4 address,
 * localhost or * / 0.0.0.0, and a port 1..65535. *why (static) says what
 * is wrong otherwise. */
struct sockaddr_in;
enum sayso_err smsgw_listen_addr(const char *listen, struct sockaddr_in *sa,
				 const char **why);

/* Settings that work but are unsafe (Kannel on every interface, a token
 * sent over plain http://): one line each into out; returns how many. Logged
 * at start and by -n, which still succeeds. */
int smsgw_check_warnings(const struct sayso_config *c, char *out, size_t outsz);

/*
 * provider_spool.c: reads the spool file at path that lstat() saw as *sb
 * (up to bufsz bytes into buf, length in *n). Opened with O_NONBLOCK (a FIFO
 * swapped in after lstat() cannot block the loop) and O_NOFOLLOW (nor can a
 * symlink redirect it), then fstat()ed: it must still be a regular file with
 * the device and inode lstat() saw. false with errno set otherwise.
 */
struct stat;
bool smsgw_spool_read_file(const char *path, const struct stat *sb, char *buf,
			   size_t bufsz, size_t *n);

/* http.c: starts and stops the listener on cfg.smsgw.listen; runs it. */
enum sayso_err smsgw_http_start(struct smsgw *gw, char *err, size_t errsz);
void smsgw_http_stop(struct smsgw *gw);
/* The fd to poll (epoll fd), or -1. */
int smsgw_http_fd(struct smsgw *gw);
/* Runs pending HTTP work; returns the timeout it wants (ms, -1 none). */
int64_t smsgw_http_run(struct smsgw *gw);
/* Stops accepting new connections (graceful stop). */
void smsgw_http_quiesce(struct smsgw *gw);

#endif

/*
 * provider.h: the one seam between the gateway and an SMS provider.
 *
 * A provider turns what its carrier delivers (an HTTP request, a spool file,
 * a REST listing) into struct smsgw_msgin handed to smsgw_enqueue(), and
 * sends one outbox message at a time. The event loop, the durable inbox and
 * outbox, retries, rate limits and opt-outs live in gw.c and are the same
 * for every provider. A provider keeps its state in gw->prov_state.
 */
#ifndef SMSGW_PROVIDER_H
#define SMSGW_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/sms.h"
#include "webhook.h"

struct smsgw;

/* A decoded HTTP request (http.c builds it). */
struct smsgw_req {
	const char *method;
	const char *path;	 /* without the query */
	struct smsgw_form query; /* decoded query arguments */
	const char *body;	 /* raw body, NUL-terminated */
	size_t bodylen;
	const char *content_type; /* may be NULL */
	const char *signature;	  /* X-Twilio-Signature, may be NULL */
};

/* What to send back to an HTTP caller. body is static or owned by the
 * request (freed by http.c). */
struct smsgw_answer {
	unsigned int status;
	const char *content_type;
	const char *body;
};

/* Outcome of one send attempt. */
enum smsgw_send_result {
	SMSGW_SEND_PENDING, /* a transfer is running; its callback finishes it
			     */
	SMSGW_SEND_OK,	    /* accepted by the provider */
	SMSGW_SEND_RETRY,   /* temporary: outage, 5xx, 429 */
	SMSGW_SEND_FAILED,  /* permanent: recorded and given up */
	SMSGW_SEND_OPTOUT,  /* the carrier says the recipient opted out */
};

struct smsgw_provider {
	const char *name;      /* "kannel", "twilio", "spool": the inbox tag */
	const char *http_path; /* webhook path served by http.c, NULL: none */

	/* Allocates gw->prov_state. Errors stop the daemon at start-up. */
	enum sayso_err (*start)(struct smsgw *gw);
	/* Frees gw->prov_state. */
	void (*stop)(struct smsgw *gw);

	/*
	 * A webhook request at http_path. Either fills *ans and returns false
	 * (answer now, nothing stored: a bad signature, a bad request), or
	 * decodes the message into *m, fills *ans with the answer to give
	 * once the message is committed, and returns true.
	 */
	bool (*webhook)(struct smsgw *gw, const struct smsgw_req *req,
			struct smsgw_msgin *m, struct smsgw_answer *ans);

	/* Periodic work (scan the spool, poll the REST API). Returns when it
	 * wants to run next (ms since the epoch). May be NULL. */
	int64_t (*tick)(struct smsgw *gw, int64_t now_ms);

	/*
	 * Starts sending msg. Returns SMSGW_SEND_PENDING after starting a
	 * transfer with smsgw_xfer_start() whose callback ends in
	 * smsgw_send_finish(), or a final result at once (err, pid filled).
	 */
	enum smsgw_send_result (*send)(struct smsgw *gw,
				       const struct sayso_outbox_msg *msg,
				       char *pid, size_t pidsz, char *err,
				       size_t errsz);
};

extern const struct smsgw_provider smsgw_provider_kannel;
extern const struct smsgw_provider smsgw_provider_twilio;
extern const struct smsgw_provider smsgw_provider_spool;

#endif

/*
 * provider_twilio.c: Twilio Programmable Messaging.
 *
 * Inbound: POST /twilio, form-encoded, signed with X-Twilio-Signature over
 * the configured public_url (never reconstructed from the request: behind
 * a TLS proxy we see http:// while Twilio signed https://). A bad or
 * missing signature is answered 403 and nothing is stored; a good one 200
 * with an empty TwiML <Response/> once the message is committed.
 * Or, for hubs behind NAT, polling: GET Messages.json?To=<our number>&
 * DateSent>=<yesterday>, following next_page_uri; MessageSid is the inbox
 * key, so webhooks and polls never count a text twice.
 *
 * Outbound: POST {api_base}/2010-04-01/Accounts/{sid}/Messages.json with
 * Basic auth. Error 21610 (the recipient texted STOP to Twilio) marks the
 * resident opted out; 429, 20429 and 5xx are retried with backoff.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gw.h"
#include "sayso/log.h"

#define POLL_MAX_PAGES 20

struct twilio {
	bool polling; /* a poll (one or more pages) is running */
	int pages;
};

static const char TWIML_EMPTY[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

static enum sayso_err twilio_start(struct smsgw *gw)
{
	struct twilio *t = calloc(1, sizeof *t);
	if (!t)
		return SAYSO_ERR_NOMEM;
	gw->prov_state = t;
	const struct sayso_config *c = &gw->cfg;
	if (!c->twilio.auth_token[0])
		sayso_log(SAYSO_LOG_WARN, "[twilio] auth_token is empty: every "
					  "webhook will be refused (403)");
	if (!c->twilio.public_url[0] && c->twilio.poll_seconds == 0)
		sayso_log(SAYSO_LOG_WARN, "[twilio] public_url is empty: "
					  "signatures cannot be checked (403)");
	return SAYSO_OK;
}

static void twilio_stop(struct smsgw *gw)
{
	free(gw->prov_state);
	gw->prov_state = NULL;
}

static bool twilio_webhook(struct smsgw *gw, const struct smsgw_req *req,
			   struct smsgw_msgin *m, struct smsgw_answer *ans)
{
	static const struct smsgw_answer ok = {200, "text/xml", TWIML_EMPTY};
	static const struct smsgw_answer forbidden = {403, "text/plain",
						      "Invalid signature\n"};
	static const struct smsgw_answer method = {405, "text/plain",
						   "POST only\n"};
	static const struct smsgw_answer bad = {
	    400, "text/plain", "Missing or malformed MessageSid, or no From\n"};
	static const struct smsgw_answer account = {
	    400, "text/plain", "AccountSid is not this gateway's account\n"};
	static const struct smsgw_answer big = {413, "text/plain",
						"Too many parameters\n"};

	if (strcmp(req->method, "POST") != 0) {
		*ans = method;
		return false;
	}
	struct smsgw_form f = {0};
	bool queue = false;
	enum sayso_err e = smsgw_form_parse(req->body, req->bodylen, &f);
	if (e != SAYSO_OK) {
		*ans = big;
		goto out;
	}
	if (!smsgw_twilio_verify(gw->cfg.twilio.auth_token,
				 gw->cfg.twilio.public_url, &f,
				 req->signature)) {
		sayso_log(SAYSO_LOG_WARN,
			  "twilio: refused a webhook with a %s signature "
			  "(check [twilio] public_url and auth_token)",
			  req->signature && *req->signature ? "bad"
							    : "missing");
		*ans = forbidden;
		goto out;
	}
	const char *acct = smsgw_form_get(&f, "AccountSid");
	if (!acct || strcmp(acct, gw->cfg.twilio.account_sid) != 0) {
		sayso_log(SAYSO_LOG_WARN,
			  "twilio: refused a signed webhook for another "
			  "account (AccountSid is not [twilio] account_sid)");
		*ans = account;
		goto out;
	}
	if (smsgw_twilio_decode(&f, m) != SAYSO_OK) {
		char esc[80];
		smsgw_log_escape(smsgw_form_get(&f, "MessageSid"), esc,
				 sizeof esc);
		sayso_log(SAYSO_LOG_WARN,
			  "twilio: refused a signed webhook: MessageSid "
			  "\"%s\" is not SM/MM and 32 hex digits, or From is "
			  "missing",
			  esc);
		*ans = bad;
		goto out;
	}
	*ans = ok;
	queue = true;
out:
	smsgw_form_free(&f);
	return queue;
}

/* Reads Twilio's error body {"code": 21610, "message": ...}. */
static void error_body(const struct smsgw_xfer *x, long *code, char *msg,
		       size_t msgsz)
{
	*code = 0;
	msg[0] = '\0';
	if (!x->resp.len)
		return;
	json_error_t je;
	json_t *j = json_loadb(x->resp.s, x->resp.len, 0, &je);
	if (!j)
		return;
	json_t *c = json_object_get(j, "code");
	if (json_is_integer(c))
		*code = (long)json_integer_value(c);
	const char *s = json_string_value(json_object_get(j, "message"));
	if (s)
		snprintf(msg, msgsz, "%.200s", s);
	json_decref(j);
}

static void twilio_sent(struct smsgw *gw, struct smsgw_xfer *x, CURLcode rc,
			long status)
{
	enum smsgw_send_result r;
	char err[300] = "";
	char pid[64] = "";
	long code = 0;
	char msg[210];
	if (rc != CURLE_OK) {
		r = SMSGW_SEND_RETRY;
		snprintf(err, sizeof err, "twilio unreachable: %.200s",
			 x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
	} else if (status == 200 || status == 201) {
		r = SMSGW_SEND_OK;
		json_error_t je;
		json_t *j = x->resp.len
				? json_loadb(x->resp.s, x->resp.len, 0, &je)
				: NULL;
		const char *sid =
		    j ? json_string_value(json_object_get(j, "sid")) : NULL;
		if (sid)
			snprintf(pid, sizeof pid, "%s", sid);
		json_decref(j);
	} else {
		error_body(x, &code, msg, sizeof msg);
		snprintf(err, sizeof err, "twilio HTTP %ld error %ld: %s",
			 status, code, msg);
		if (code == 21610)
			r = SMSGW_SEND_OPTOUT;
		else if (status == 429 || code == 20429 || status >= 500)
			r = SMSGW_SEND_RETRY;
		else if (status == 401 || code == 20003)
			r = SMSGW_SEND_RETRY; /* our credentials: SIGHUP fixes
					       */
		else
			r = SMSGW_SEND_FAILED;
	}
	smsgw_send_finish(gw, x->outbox_id, x->resident_id, r, pid, err);
}

static bool form_add(CURL *c, char *buf, size_t bufsz, const char *name,
		     const char *value)
{
	char *esc = curl_easy_escape(c, value, 0);
	if (!esc)
		return false;
	size_t bl = strlen(buf);
	int n =
	    snprintf(buf + bl, bufsz - bl, "%s%s=%s", bl ? "&" : "", name, esc);
	curl_free(esc);
	return n > 0 && (size_t)n < bufsz - bl;
}

static void set_auth(struct smsgw *gw, struct smsgw_xfer *x)
{
	curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(x->easy, CURLOPT_USERNAME, gw->cfg.twilio.account_sid);
	curl_easy_setopt(x->easy, CURLOPT_PASSWORD, gw->cfg.twilio.auth_token);
}

static enum smsgw_send_result twilio_send(struct smsgw *gw,
					  const struct sayso_outbox_msg *msg,
					  char *pid, size_t pidsz, char *err,
					  size_t errsz)
{
	(void)pid;
	(void)pidsz;
	const struct sayso_config *c = &gw->cfg;
	if (!c->twilio.account_sid[0] || !c->twilio.from[0]) {
		snprintf(err, errsz,
			 "[twilio] account_sid and from must be set");
		return SMSGW_SEND_RETRY;
	}
	struct smsgw_xfer *x = smsgw_xfer_new(gw);
	if (!x) {
		snprintf(err, errsz, "out of memory");
		return SMSGW_SEND_RETRY;
	}
	char url[SAYSO_URL_MAX + 128];
	snprintf(url, sizeof url, "%s/2010-04-01/Accounts/%s/Messages.json",
		 c->twilio.api_base, c->twilio.account_sid);
	size_t bodysz = 3 * SAYSO_SMS_BODY_MAX + 512;
	char *body = calloc(1, bodysz);
	bool ok = body && form_add(x->easy, body, bodysz, "To", msg->to) &&
		  form_add(x->easy, body, bodysz,
			   strncmp(c->twilio.from, "MG", 2) == 0
			       ? "MessagingServiceSid"
			       : "From",
			   c->twilio.from) &&
		  form_add(x->easy, body, bodysz, "Body", msg->body);
	if (!ok) {
		free(body);
		smsgw_xfer_free(x);
		snprintf(err, errsz, "could not build the request");
		return SMSGW_SEND_RETRY;
	}
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	curl_easy_setopt(x->easy, CURLOPT_COPYPOSTFIELDS, body);
	free(body);
	set_auth(gw, x);
	x->outbox_id = msg->id;
	snprintf(x->resident_id, sizeof x->resident_id, "%s", msg->resident_id);
	x->done = twilio_sent;
	if (smsgw_xfer_start(gw, x) != SAYSO_OK) {
		snprintf(err, errsz, "could not start the transfer");
		return SMSGW_SEND_RETRY;
	}
	return SMSGW_SEND_PENDING;
}

/* ---- polling ---- */

static void poll_page(struct smsgw *gw, const char *url);

static void enqueue_polled(struct smsgw *gw, json_t *msg)
{
	const char *dir = json_string_value(json_object_get(msg, "direction"));
	const char *sid = json_string_value(json_object_get(msg, "sid"));
	const char *from = json_string_value(json_object_get(msg, "from"));
	const char *to = json_string_value(json_object_get(msg, "to"));
	const char *body = json_string_value(json_object_get(msg, "body"));
	if (!dir || strcmp(dir, "inbound") != 0 || !sid || !from)
		return;
	struct smsgw_form f = {0};
	enum sayso_err e = smsgw_form_add(&f, "MessageSid", sid, strlen(sid));
	if (e == SAYSO_OK)
		e = smsgw_form_add(&f, "From", from, strlen(from));
	if (e == SAYSO_OK && to)
		e = smsgw_form_add(&f, "To", to, strlen(to));
	if (e == SAYSO_OK && body)
		e = smsgw_form_add(&f, "Body", body, strlen(body));
	struct smsgw_inmsg *m = e == SAYSO_OK ? calloc(1, sizeof *m) : NULL;
	if (m && smsgw_twilio_decode(&f, &m->in) == SAYSO_OK)
		smsgw_enqueue(gw, m);
	else
		free(m);
	smsgw_form_free(&f);
}

static void poll_done(struct smsgw *gw, struct smsgw_xfer *x, CURLcode rc,
		      long status)
{
	struct twilio *t = gw->prov_state;
	t->polling = false;
	if (rc != CURLE_OK || status != 200) {
		sayso_log(
		    SAYSO_LOG_WARN, "twilio poll: %s (HTTP %ld)",
		    rc != CURLE_OK
			? (x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc))
			: "refused",
		    status);
		return;
	}
	json_error_t je;
	json_t *j =
	    x->resp.len ? json_loadb(x->resp.s, x->resp.len, 0, &je) : NULL;
	if (!j) {
		sayso_log(SAYSO_LOG_WARN, "twilio poll: response is not JSON");
		return;
	}
	json_t *msgs = json_object_get(j, "messages");
	size_t i;
	json_t *msg;
	json_array_foreach(msgs, i, msg) enqueue_polled(gw, msg);
	const char *next =
	    json_string_value(json_object_get(j, "next_page_uri"));
	if (next && *next == '/' && t->pages < POLL_MAX_PAGES) {
		char url[SAYSO_URL_MAX * 2];
		snprintf(url, sizeof url, "%s%s", gw->cfg.twilio.api_base,
			 next);
		poll_page(gw, url);
	}
	json_decref(j);
}

static void poll_page(struct smsgw *gw, const char *url)
{
	struct twilio *t = gw->prov_state;
	struct smsgw_xfer *x = smsgw_xfer_new(gw);
	if (!x)
		return;
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	set_auth(gw, x);
	x->done = poll_done;
	if (smsgw_xfer_start(gw, x) == SAYSO_OK) {
		t->polling = true;
		t->pages++;
	}
}

static int64_t twilio_tick(struct smsgw *gw, int64_t now_ms)
{
	struct twilio *t = gw->prov_state;
	const struct sayso_config *c = &gw->cfg;
	if (c->twilio.poll_seconds <= 0)
		return now_ms +
		       60000; /* webhooks only; re-check after SIGHUP */
	int64_t next = now_ms + (int64_t)c->twilio.poll_seconds * 1000;
	if (t->polling || !c->twilio.account_sid[0])
		return next;
	/* DateSent has day granularity: ask from yesterday, dedupe by sid. */
	time_t y = (time_t)(now_ms / 1000) - 86400;
	struct tm tm;
	gmtime_r(&y, &tm);
	char day[16];
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	CURL *c0 = curl_easy_init();
	if (!c0)
		return next;
	char *to = curl_easy_escape(c0, c->twilio.from, 0);
	char url[SAYSO_URL_MAX * 2];
	snprintf(url, sizeof url,
		 "%s/2010-04-01/Accounts/%s/Messages.json?To=%s&DateSent%%3E=%s"
		 "&PageSize=50",
		 c->twilio.api_base, c->twilio.account_sid, to ? to : "", day);
	curl_free(to);
	curl_easy_cleanup(c0);
	t->pages = 0;
	poll_page(gw, url);
	return next;
}

const struct smsgw_provider smsgw_provider_twilio = {
    .name = "twilio",
    .http_path = "/twilio",
    .start = twilio_start,
    .stop = twilio_stop,
    .webhook = twilio_webhook,
    .tick = twilio_tick,
    .send = twilio_send,
};

/*
 * provider_kannel.c: Kannel's smsbox calls our get-url for every inbound
 * text; replies go out through Kannel's /cgi-bin/sendsms.
 *
 * We always answer 200 with an empty body once the text is stored: any
 * other status makes smsbox text the resident "Could not fetch content,
 * sorry.", and the sms-service has omit-empty = true so an empty body sends
 * nothing. Replies are not given in the HTTP answer but through the durable
 * outbox, so an outage of the SMSC or a restart of smsbox loses nothing.
 * Only when the store itself fails do we answer 503 (configure
 * http-request-retry so smsbox tries again).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw.h"
#include "sayso/gsm7.h"
#include "sayso/identity.h"
#include "sayso/log.h"

struct kannel {
	bool warned_no_id;
};

/* Kannel's own configuration, when readable here, tells whether the
 * sms-service passes %I: without it every retry of smsbox would need the
 * derived key (sender, %T, text) and two equal texts with no %T collide. */
static void check_kannel_conf(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		if (!strstr(line, "get-url") || !strstr(line, "/kannel"))
			continue;
		if (!strstr(line, "%I"))
			sayso_log(SAYSO_LOG_WARN,
				  "%s: the get-url for /kannel has no "
				  "id=%%I: configure it (docs/smsgw.md) so "
				  "smsbox retries are recognised",
				  path);
		if (!strstr(line, "%T"))
			sayso_log(SAYSO_LOG_WARN,
				  "%s: the get-url for /kannel has no ts=%%T",
				  path);
	}
	fclose(f);
}

static enum sayso_err kannel_start(struct smsgw *gw)
{
	gw->prov_state = calloc(1, sizeof(struct kannel));
	if (!gw->prov_state)
		return SAYSO_ERR_NOMEM;
	if (!gw->cfg.kannel.sendsms_url[0])
		sayso_log(SAYSO_LOG_WARN,
			  "[kannel] sendsms_url is empty: replies cannot be "
			  "sent");
	sayso_log(SAYSO_LOG_INFO,
		  "kannel: the sms-service get-url must pass id=%%I and "
		  "ts=%%T (docs/smsgw.md): texts without an id are keyed on "
		  "sender, %%T and text");
	check_kannel_conf("/etc/kannel/kannel.conf");
	return SAYSO_OK;
}

static void kannel_stop(struct smsgw *gw)
{
	free(gw->prov_state);
	gw->prov_state = NULL;
}

static bool kannel_webhook(struct smsgw *gw, const struct smsgw_req *req,
			   struct smsgw_msgin *m, struct smsgw_answer *ans)
{
	static const struct smsgw_answer ok = {200, "text/plain", ""};
	static const struct smsgw_answer bad = {
	    400, "text/plain", "expected from, to, text, id, ts\n"};
	static const struct smsgw_answer toolong = {
	    400, "text/plain", "id longer than 127 bytes\n"};
	enum sayso_err e = smsgw_kannel_decode(&req->query, m);
	if (e != SAYSO_OK) {
		if (e == SAYSO_ERR_TOOBIG)
			sayso_log(SAYSO_LOG_WARN,
				  "kannel: refused a text whose id is longer "
				  "than 127 bytes (ids are never cut)");
		*ans = e == SAYSO_ERR_TOOBIG ? toolong : bad;
		return false;
	}
	struct kannel *k = gw->prov_state;
	if (!m->provider_id[0] && k && !k->warned_no_id) {
		k->warned_no_id = true;
		sayso_log(SAYSO_LOG_WARN,
			  "kannel: a text came without id: add id=%%I (and "
			  "ts=%%T) to the sms-service get-url (docs/smsgw.md)");
	}
	*ans = ok;
	return true;
}

static void kannel_sent(struct smsgw *gw, struct smsgw_xfer *x, CURLcode rc,
			long status)
{
	enum smsgw_send_result r;
	char err[256];
	err[0] = '\0';
	if (rc != CURLE_OK) {
		r = SMSGW_SEND_RETRY;
		snprintf(err, sizeof err, "kannel unreachable: %.200s",
			 x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
	} else if (status == 200 || status == 202) {
		r = SMSGW_SEND_OK;
	} else if (status == 429 || status >= 500) {
		r = SMSGW_SEND_RETRY;
		snprintf(err, sizeof err, "kannel HTTP %ld: %.120s", status,
			 sayso_buf_str(&x->resp));
	} else if (status == 401 || status == 403) {
		/* Most likely our credentials: fixable by SIGHUP, so retry. */
		r = SMSGW_SEND_RETRY;
		snprintf(err, sizeof err,
			 "kannel refused our credentials (HTTP %ld): check "
			 "[kannel] username and password",
			 status);
	} else {
		r = SMSGW_SEND_FAILED;
		snprintf(err, sizeof err, "kannel HTTP %ld: %.120s", status,
			 sayso_buf_str(&x->resp));
	}
	/* Kannel's answer has no message id ("0: Accepted for delivery"). */
	smsgw_send_finish(gw, x->outbox_id, x->resident_id, r, NULL, err);
}

/* Appends "&name=escaped(value)" to url. false when it does not fit. */
static bool add_param(CURL *c, char *url, size_t urlsz, const char *name,
		      const char *value)
{
	char *esc = curl_easy_escape(c, value, 0);
	if (!esc)
		return false;
	size_t ul = strlen(url);
	int n = snprintf(url + ul, urlsz - ul, "%s%s=%s",
			 strchr(url, '?') ? "&" : "?", name, esc);
	curl_free(esc);
	return n > 0 && (size_t)n < urlsz - ul;
}

static enum smsgw_send_result kannel_send(struct smsgw *gw,
					  const struct sayso_outbox_msg *msg,
					  char *pid, size_t pidsz, char *err,
					  size_t errsz)
{
	(void)pid;
	(void)pidsz;
	const struct sayso_config *c = &gw->cfg;
	if (!c->kannel.sendsms_url[0]) {
		snprintf(err, errsz, "[kannel] sendsms_url is not set");
		return SMSGW_SEND_RETRY;
	}
	struct smsgw_xfer *x = smsgw_xfer_new(gw);
	if (!x) {
		snprintf(err, errsz, "out of memory");
		return SMSGW_SEND_RETRY;
	}
	size_t urlsz = SAYSO_URL_MAX + 3 * (SAYSO_SMS_BODY_MAX + 512);
	char *url = malloc(urlsz);
	if (!url) {
		smsgw_xfer_free(x);
		snprintf(err, errsz, "out of memory");
		return SMSGW_SEND_RETRY;
	}
	snprintf(url, urlsz, "%s", c->kannel.sendsms_url);
	bool ucs2 = !sayso_gsm7_encodable(msg->body, strlen(msg->body));
	bool ok =
	    add_param(x->easy, url, urlsz, "username", c->kannel.username) &&
	    add_param(x->easy, url, urlsz, "password", c->kannel.password) &&
	    add_param(x->easy, url, urlsz, "to",
		      sayso_phone_without_plus(msg->to)) &&
	    add_param(x->easy, url, urlsz, "text", msg->body) &&
	    add_param(x->easy, url, urlsz, "charset", "UTF-8");
	if (ok && c->kannel.from[0])
		ok = add_param(x->easy, url, urlsz, "from", c->kannel.from);
	if (ok && ucs2)
		ok = add_param(x->easy, url, urlsz, "coding", "2");
	if (!ok) {
		free(url);
		smsgw_xfer_free(x);
		snprintf(err, errsz, "sendsms URL too long");
		return SMSGW_SEND_FAILED;
	}
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	free(url);
	x->outbox_id = msg->id;
	snprintf(x->resident_id, sizeof x->resident_id, "%s", msg->resident_id);
	x->done = kannel_sent;
	if (smsgw_xfer_start(gw, x) != SAYSO_OK) {
		snprintf(err, errsz, "could not start the transfer");
		return SMSGW_SEND_RETRY;
	}
	return SMSGW_SEND_PENDING;
}

const struct smsgw_provider smsgw_provider_kannel = {
    .name = "kannel",
    .http_path = "/kannel",
    .start = kannel_start,
    .stop = kannel_stop,
    .webhook = kannel_webhook,
    .tick = NULL,
    .send = kannel_send,
};

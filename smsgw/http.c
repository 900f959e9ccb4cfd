/*
 * http.c: the webhook listener (libmicrohttpd, driven by gw.c's loop).
 *
 * MHD runs without threads of its own (epoll, external polling). A request
 * is read whole (up to SMSGW_FORM_MAX_BYTES), handed to the provider's
 * webhook decoder, and its connection is suspended while the message waits
 * for the next group commit; the commit's callback resumes it with the
 * provider's answer, or 503 when nothing could be stored. So no caller is
 * acknowledged before its text is on disk.
 *
 * Routes: the provider's path (/kannel or /twilio) and GET /health.
 */
#include "gw.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sayso/log.h"

struct http {
	struct MHD_Daemon *d;
	bool quiesced;
};

enum hstate { H_READING, H_WAITING, H_ANSWER };

struct hreq {
	struct smsgw *gw;
	struct MHD_Connection *conn;
	enum hstate state;
	char *body;
	size_t len;
	bool toobig;
	struct smsgw_answer ok;	 /* answer once stored */
	struct smsgw_answer ans; /* the answer to send */
};

static const struct smsgw_answer A_UNAVAILABLE = {
    503, "text/plain; charset=utf-8",
    "Temporarily unable to store the message; please retry.\n"};

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	sayso_log(SAYSO_LOG_WARN, "http: %s", buf);
}

static enum MHD_Result answer(struct MHD_Connection *c,
			      const struct smsgw_answer *a)
{
	const char *body = a->body ? a->body : "";
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	if (a->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					a->content_type);
	enum MHD_Result ret = MHD_queue_response(c, a->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind,
			       const char *key, size_t key_size,
			       const char *value, size_t value_size)
{
	(void)kind;
	(void)key_size;
	struct smsgw_form *f = cls;
	if (smsgw_form_add(f, key, value ? value : "",
			   value ? value_size : 0) != SAYSO_OK)
		return MHD_NO;
	return MHD_YES;
}

/* The commit finished: resume the connection with its answer. */
static void on_stored(struct smsgw *gw, struct smsgw_inmsg *m)
{
	(void)gw;
	struct hreq *h = m->ud;
	h->ans = m->err == SAYSO_OK ? h->ok : A_UNAVAILABLE;
	h->state = H_ANSWER;
	MHD_resume_connection(h->conn);
}

static enum MHD_Result dispatch(struct smsgw *gw, struct hreq *h,
				struct MHD_Connection *c, const char *url,
				const char *method)
{
	static const struct smsgw_answer notfound = {
	    404, "text/plain; charset=utf-8", "Not found\n"};
	static const struct smsgw_answer toobig = {
	    413, "text/plain; charset=utf-8", "Request too large\n"};
	static const struct smsgw_answer health = {
	    200, "text/plain; charset=utf-8", "ok\n"};

	if (strcmp(url, "/health") == 0)
		return answer(c, &health);
	const char *p = gw->prov->http_path;
	size_t pl = p ? strlen(p) : 0;
	if (!p || strncmp(url, p, pl) != 0 || (url[pl] && url[pl] != '/'))
		return answer(c, &notfound);
	if (h->toobig)
		return answer(c, &toobig);

	struct smsgw_req req;
	memset(&req, 0, sizeof req);
	req.method = method;
	req.path = url;
	req.body = h->body ? h->body : "";
	req.bodylen = h->len;
	req.content_type = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	req.signature = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    "X-Twilio-Signature");
	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, add_arg,
				    &req.query);

	struct smsgw_inmsg *m = calloc(1, sizeof *m);
	if (!m) {
		smsgw_form_free(&req.query);
		return answer(c, &A_UNAVAILABLE);
	}
	struct smsgw_answer a = {400, "text/plain; charset=utf-8",
				 "Bad request\n"};
	bool queue =
	    gw->stopping ? false : gw->prov->webhook(gw, &req, &m->in, &a);
	smsgw_form_free(&req.query);
	if (gw->stopping)
		a = A_UNAVAILABLE;
	if (!queue) {
		free(m);
		return answer(c, &a);
	}
	h->ok = a;
	h->state = H_WAITING;
	m->done = on_stored;
	m->ud = h;
	MHD_suspend_connection(c);
	smsgw_enqueue(gw, m);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	(void)version;
	struct smsgw *gw = cls;
	struct hreq *h = *req_cls;
	if (!h) {
		h = calloc(1, sizeof *h);
		if (!h)
			return MHD_NO;
		h->gw = gw;
		h->conn = c;
		*req_cls = h;
		return MHD_YES;
	}
	if (h->state == H_ANSWER)
		return answer(c, &h->ans);
	if (h->state == H_WAITING)
		return MHD_YES; /* spurious call while suspended */
	if (*upload_size) {
		size_t n = *upload_size;
		if (h->len + n > SMSGW_FORM_MAX_BYTES) {
			h->toobig = true;
		} else if (!h->toobig) {
			char *b = realloc(h->body, h->len + n + 1);
			if (!b)
				return MHD_NO;
			h->body = b;
			memcpy(h->body + h->len, upload, n);
			h->len += n;
			h->body[h->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return dispatch(gw, h, c, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct hreq *h = *req_cls;
	if (!h)
		return;
	free(h->body);
	free(h);
	*req_cls = NULL;
}

enum sayso_err smsgw_http_start(struct smsgw *gw, char *err, size_t errsz)
{
	char host[64];
	unsigned short port;
	if (sayso_config_listen(gw->cfg.smsgw.listen, host, sizeof host,
				&port) != SAYSO_OK) {
		snprintf(err, errsz, "[smsgw] listen = %s: expected host:port",
			 gw->cfg.smsgw.listen);
		return SAYSO_ERR_INVAL;
	}
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	if (strcmp(host, "*") == 0 || strcmp(host, "0.0.0.0") == 0 ||
	    host[0] == '\0')
		sa.sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		snprintf(err, errsz,
			 "[smsgw] listen = %s: give an IPv4 address "
			 "(127.0.0.1 behind a reverse proxy)",
			 gw->cfg.smsgw.listen);
		return SAYSO_ERR_INVAL;
	}
	struct http *hs = calloc(1, sizeof *hs);
	if (!hs) {
		snprintf(err, errsz, "out of memory");
		return SAYSO_ERR_NOMEM;
	}
	hs->d = MHD_start_daemon(
	    MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, port,
	    NULL, NULL, on_request, gw, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
	    gw, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, gw,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)512, MHD_OPTION_END);
	if (!hs->d) {
		free(hs);
		snprintf(err, errsz,
			 "cannot listen on %s (in use, or not allowed)",
			 gw->cfg.smsgw.listen);
		return SAYSO_ERR_IO;
	}
	gw->http = hs;
	sayso_log(SAYSO_LOG_INFO, "listening on http://%s%s",
		  gw->cfg.smsgw.listen, gw->prov->http_path);
	return SAYSO_OK;
}

void smsgw_http_quiesce(struct smsgw *gw)
{
	struct http *hs = gw->http;
	if (!hs || hs->quiesced)
		return;
	MHD_socket s = MHD_quiesce_daemon(hs->d);
	if (s != MHD_INVALID_SOCKET)
		close(s);
	hs->quiesced = true;
}

void smsgw_http_stop(struct smsgw *gw)
{
	struct http *hs = gw->http;
	if (!hs)
		return;
	/* Resume anything still waiting (it is answered 503 and closed). */
	struct smsgw_inmsg *m = gw->batch;
	gw->batch = NULL;
	gw->batch_tail = &gw->batch;
	gw->batch_n = 0;
	while (m) {
		struct smsgw_inmsg *next = m->next;
		m->err = SAYSO_ERR_STATE;
		if (m->done)
			m->done(gw, m);
		free(m);
		m = next;
	}
	MHD_run(hs->d);
	MHD_stop_daemon(hs->d);
	free(hs);
	gw->http = NULL;
}

int smsgw_http_fd(struct smsgw *gw)
{
	struct http *hs = gw->http;
	if (!hs)
		return -1;
	const union MHD_DaemonInfo *i =
	    MHD_get_daemon_info(hs->d, MHD_DAEMON_INFO_EPOLL_FD);
	return i ? i->epoll_fd : -1;
}

int64_t smsgw_http_run(struct smsgw *gw)
{
	struct http *hs = gw->http;
	if (!hs)
		return -1;
	MHD_run(hs->d);
	MHD_UNSIGNED_LONG_LONG to;
	if (MHD_get_timeout(hs->d, &to) == MHD_YES)
		return to > 60000 ? 60000 : (int64_t)to;
	return -1;
}

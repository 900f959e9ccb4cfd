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
 * Slow clients: every request must arrive whole within
 * SMSGW_HTTP_DEADLINE_MS (headers and body; libmicrohttpd's own timeout
 * counts only inactivity), one address may hold SMSGW_HTTP_PER_IP_MAX
 * connections, all of them SMSGW_HTTP_CONN_MAX. Public Twilio webhooks are
 * best put behind a reverse proxy (docs/smsgw.md) that buffers requests.
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
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sayso/buf.h"
#include "sayso/log.h"

struct hconn;

struct http {
	struct MHD_Daemon *d;
	bool quiesced;
	struct hconn *conns; /* every open connection */
	size_t nconns;
	int64_t next_sweep_ms;
	uint64_t cut; /* connections closed at the deadline */
};

enum hstate { H_READING, H_WAITING, H_ANSWER };

struct hreq;

/* One TCP connection (MHD's socket context): when its current request
 * began, so a client trickling headers or a body cannot hold a slot past
 * SMSGW_HTTP_DEADLINE_MS. */
struct hconn {
	int fd;
	int64_t since_ms; /* connection opened, or its last request ended */
	struct hreq *h;	  /* the request being read, NULL between them */
	bool cut;
	struct hconn *prev, *next;
};

struct hreq {
	struct smsgw *gw;
	struct MHD_Connection *conn;
	struct hconn *hc;
	enum hstate state;
	struct sayso_buf
	    body; /* the request body, up to SMSGW_FORM_MAX_BYTES */
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
	req.body = sayso_buf_str(&h->body);
	req.bodylen = h->body.len;
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
		sayso_buf_init(&h->body, SMSGW_FORM_MAX_BYTES);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		    c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		h->hc = ci ? ci->socket_context : NULL;
		if (h->hc)
			h->hc->h = h;
		*req_cls = h;
		return MHD_YES;
	}
	if (h->state == H_ANSWER)
		return answer(c, &h->ans);
	if (h->state == H_WAITING)
		return MHD_YES; /* spurious call while suspended */
	if (*upload_size) {
		size_t n = *upload_size;
		if (!h->toobig) {
			enum sayso_err e = sayso_buf_addn(&h->body, upload, n);
			if (e == SAYSO_ERR_TOOBIG)
				h->toobig = true; /* answered 413 at the end */
			else if (e != SAYSO_OK)
				return MHD_NO;
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
	if (h->hc) {
		/* The next request on this connection gets its own
		 * deadline. */
		h->hc->h = NULL;
		h->hc->since_ms = sayso_time_now_ms();
	}
	sayso_buf_cleanup(&h->body);
	free(h);
	*req_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct smsgw *gw = cls;
	struct http *hs = gw->http;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct hconn *hc = calloc(1, sizeof *hc);
		*socket_context = hc;
		if (!hc || !hs)
			return;
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		    c, MHD_CONNECTION_INFO_CONNECTION_FD);
		hc->fd = ci ? ci->connect_fd : -1;
		hc->since_ms = sayso_time_now_ms();
		hc->next = hs->conns;
		if (hs->conns)
			hs->conns->prev = hc;
		hs->conns = hc;
		hs->nconns++;
		return;
	}
	struct hconn *hc = *socket_context;
	if (!hc)
		return;
	if (hs) {
		if (hc->prev)
			hc->prev->next = hc->next;
		else if (hs->conns == hc)
			hs->conns = hc->next;
		if (hc->next)
			hc->next->prev = hc->prev;
		hs->nconns--;
	}
	if (hc->h)
		hc->h->hc = NULL;
	free(hc);
	*socket_context = NULL;
}

/*
 * The whole-request deadline: libmicrohttpd's timeout counts inactivity
 * only, so a client sending a byte every few seconds would keep its slot
 * for ever. A request (headers and body, from the connection's start or the
 * end of its previous request) not read in full within the deadline has its
 * socket shut down; MHD then closes it. Requests waiting for the group
 * commit (ours to answer) are exempt.
 */
static void sweep_deadlines(struct http *hs, int64_t now_ms)
{
	if (now_ms < hs->next_sweep_ms)
		return;
	hs->next_sweep_ms = now_ms + 250;
	for (struct hconn *hc = hs->conns; hc; hc = hc->next) {
		if (hc->cut || hc->fd < 0 ||
		    now_ms - hc->since_ms < SMSGW_HTTP_DEADLINE_MS)
			continue;
		if (hc->h && hc->h->state == H_WAITING)
			continue;
		shutdown(hc->fd, SHUT_RDWR);
		hc->cut = true;
		hs->cut++;
	}
}

enum sayso_err smsgw_listen_addr(const char *listen, struct sockaddr_in *sa,
				 const char **why)
{
	char host[64];
	unsigned short port;
	memset(sa, 0, sizeof *sa);
	if (listen[0] == '[') {
		*why = "IPv6 is not supported: give an IPv4 address "
		       "(127.0.0.1 behind a reverse proxy)";
		return SAYSO_ERR_INVAL;
	}
	if (sayso_config_listen(listen, host, sizeof host, &port) != SAYSO_OK) {
		*why = "expected host:port";
		return SAYSO_ERR_INVAL;
	}
	if (port == 0) {
		*why = "port 0 would listen on a random port: give the port "
		       "the provider calls";
		return SAYSO_ERR_INVAL;
	}
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	if (strcmp(host, "*") == 0 || strcmp(host, "0.0.0.0") == 0 ||
	    host[0] == '\0')
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		*why = "give an IPv4 address, not a host name (127.0.0.1 "
		       "behind a reverse proxy)";
		return SAYSO_ERR_INVAL;
	}
	return SAYSO_OK;
}

enum sayso_err smsgw_http_start(struct smsgw *gw, char *err, size_t errsz)
{
	struct sockaddr_in sa;
	const char *why = NULL;
	if (smsgw_listen_addr(gw->cfg.smsgw.listen, &sa, &why) != SAYSO_OK) {
		snprintf(err, errsz, "[smsgw] listen = %s: %s",
			 gw->cfg.smsgw.listen, why);
		return SAYSO_ERR_INVAL;
	}
	unsigned short port = ntohs(sa.sin_port);
	/* Room for SMSGW_HTTP_CONN_MAX sockets besides the database and
	 * curl's (the default soft limit is 1,024). */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < SMSGW_HTTP_CONN_MAX + 256) {
		rlim_t want = SMSGW_HTTP_CONN_MAX + 256;
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want
				  ? want
				  : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	struct http *hs = calloc(1, sizeof *hs);
	if (!hs) {
		snprintf(err, errsz, "out of memory");
		return SAYSO_ERR_NOMEM;
	}
	gw->http = hs; /* on_connection may run from MHD_start_daemon on */
	hs->d = MHD_start_daemon(
	    MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, port,
	    NULL, NULL, on_request, gw, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
	    gw, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, gw,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, gw,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)(SMSGW_HTTP_DEADLINE_MS / 1000),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SMSGW_HTTP_CONN_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned int)SMSGW_HTTP_PER_IP_MAX, MHD_OPTION_LISTEN_BACKLOG_SIZE,
	    (unsigned int)512, MHD_OPTION_END);
	if (!hs->d) {
		gw->http = NULL;
		free(hs);
		snprintf(err, errsz,
			 "cannot listen on %s (in use, or not allowed)",
			 gw->cfg.smsgw.listen);
		return SAYSO_ERR_IO;
	}
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
	MHD_stop_daemon(hs->d); /* closes every connection (on_connection) */
	gw->http = NULL;
	free(hs);
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
	sweep_deadlines(hs, sayso_time_now_ms());
	int64_t want = hs->nconns ? 250 : -1; /* the deadline sweep */
	MHD_UNSIGNED_LONG_LONG to;
	if (MHD_get_timeout(hs->d, &to) == MHD_YES) {
		int64_t t = to > 60000 ? 60000 : (int64_t)to;
		if (want < 0 || t < want)
			want = t;
	}
	return want;
}

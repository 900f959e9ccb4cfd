/*
 * bench/smsgw.c: webhook throughput and acknowledgement latency.
 *
 *   bench_smsgw [clients [messages [dir]]]     (defaults 16, 5000, .)
 *
 * Forks a real gateway (provider twilio, listener on a free loopback port,
 * database in dir on the real disk, synchronous=FULL as always), then N
 * client threads each keep one HTTP/1.1 connection and POST signed Twilio
 * webhooks (RATE n from distinct numbers) as fast as they are answered.
 * Latency is from the first byte sent to the last byte of the 200 answer,
 * i.e. until the text is committed. Prints figures only; the goal (issue
 * 4) is >= 1,000 msg/s on 2 cores with p99 < 20 ms. Replies go to a closed
 * port and are retried in the background, as during a provider outage.
 *
 * The plain run is made on each engine and printed side by side: SQLite
 * (a file in dir) and PostgreSQL (synchronous_commit on), the database
 * given in SAYSO_BENCH_PG_URI (its secret in SAYSO_BENCH_PG_SECRET, else a
 * new one in dir), else a throwaway cluster from scripts/pg-test-cluster
 * (under $SAYSO_SRC, when postgresql-15 is installed), else a note why the
 * column is empty. Issue 16's goal on PostgreSQL: >= 1,000 msg/s, p99 <
 * 20 ms. Message ids carry the bench's pid, so a given database can be
 * used again.
 *
 * Then the same again (SQLite) while SLOW_CONNS (1,100) slow connections
 * trickle headers one byte a second from 20 other loopback addresses
 * (127.0.1.x, 55 each: under the per-address cap), reconnecting whenever the
 * gateway cuts them at its request deadline (issue 11: goal p99 < 100 ms).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gw.h"
#include "sayso/log.h"
#include "webhook.h"

static const char TOKEN[] = "0123456789abcdef0123456789abcdef";
static const char PUBLIC[] = "https://hub.example.org/sms/twilio";
static const char ACCOUNT[] = "AC0123456789abcdef0123456789abcdef";

#define SLOW_CONNS 1100
#define SLOW_ADDRS 20

static int port;
static int total;
static int offset; /* added to message numbers (the second phase) */
static volatile int slow_stop;
static int slow_open, slow_cuts;
static int next_msg;
static int failures;
static double *lat; /* ms, one per message */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof a;
	bind(s, (struct sockaddr *)&a, sizeof a);
	getsockname(s, (struct sockaddr *)&a, &l);
	close(s);
	return ntohs(a.sin_port);
}

static int dial(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((unsigned short)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
		close(s);
		return -1;
	}
	int one = 1;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return s;
}

/* Builds request i into buf; returns its length. */
static size_t request(int i, char *buf, size_t bufsz)
{
	char sid[40], from[20], body[16];
	i += offset;
	snprintf(sid, sizeof sid, "SM%05x%027d", (unsigned)getpid() & 0xfffffu,
		 i);
	snprintf(from, sizeof from, "+447800%06d", i % 1000000);
	snprintf(body, sizeof body, "RATE %d", 1 + i % 5);
	struct smsgw_form f = {0};
	smsgw_form_add(&f, "MessageSid", sid, strlen(sid));
	smsgw_form_add(&f, "From", from, strlen(from));
	smsgw_form_add(&f, "To", "+447700900123", 13);
	smsgw_form_add(&f, "Body", body, strlen(body));
	smsgw_form_add(&f, "AccountSid", ACCOUNT, strlen(ACCOUNT));
	char sig[64];
	smsgw_twilio_sign(TOKEN, PUBLIC, &f, sig, sizeof sig);
	smsgw_form_free(&f);
	char form[256];
	int fl = snprintf(form, sizeof form,
			  "MessageSid=%s&From=%%2B%s&To=%%2B447700900123&"
			  "Body=RATE+%d&AccountSid=%s",
			  sid, from + 1, 1 + i % 5, ACCOUNT);
	int n =
	    snprintf(buf, bufsz,
		     "POST /twilio HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Content-Type: application/x-www-form-urlencoded\r\n"
		     "X-Twilio-Signature: %s\r\nContent-Length: %d\r\n\r\n%s",
		     sig, fl, form);
	return (size_t)n;
}

/* Reads one HTTP response; returns the status or -1. */
static int response(int s)
{
	char buf[4096];
	size_t have = 0;
	for (;;) {
		ssize_t r = read(s, buf + have, sizeof buf - 1 - have);
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		char *cl = strstr(buf, "Content-Length:");
		long len = cl ? strtol(cl + 15, NULL, 10) : 0;
		size_t want = (size_t)(end + 4 - buf) + (size_t)len;
		while (have < want) {
			r = read(s, buf + have, sizeof buf - 1 - have);
			if (r <= 0)
				return -1;
			have += (size_t)r;
		}
		return (int)strtol(buf + 9, NULL, 10);
	}
}

static void *client(void *arg)
{
	(void)arg;
	int s = dial();
	char req[1024];
	for (;;) {
		pthread_mutex_lock(&mu);
		int i = next_msg < total ? next_msg++ : -1;
		pthread_mutex_unlock(&mu);
		if (i < 0)
			break;
		size_t n = request(i, req, sizeof req);
		double t0 = now_ms();
		int st = -1;
		for (int attempt = 0; attempt < 2 && st != 200; attempt++) {
			if (s < 0)
				s = dial();
			if (s >= 0 && write(s, req, n) == (ssize_t)n)
				st = response(s);
			if (st != 200 && s >= 0) {
				close(s);
				s = -1;
			}
		}
		lat[i] = now_ms() - t0;
		if (st != 200) {
			pthread_mutex_lock(&mu);
			failures++;
			pthread_mutex_unlock(&mu);
		}
	}
	if (s >= 0)
		close(s);
	return NULL;
}

/* A connection from 127.0.1.(1 + k % SLOW_ADDRS) that has sent the start of
 * a request line; -1 when it cannot connect. */
static int slow_dial(int k)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -1;
	struct sockaddr_in src = {.sin_family = AF_INET};
	src.sin_addr.s_addr = htonl(0x7F000101u + (uint32_t)(k % SLOW_ADDRS));
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((unsigned short)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&src, sizeof src) != 0 ||
	    (connect(s, (struct sockaddr *)&a, sizeof a) != 0 &&
	     errno != EINPROGRESS)) {
		close(s);
		return -1;
	}
	return s;
}

/* Keeps SLOW_CONNS connections trickling one header byte a second. */
static void *slow_attack(void *arg)
{
	(void)arg;
	static int fds[SLOW_CONNS];
	static const char line[] = "POST /twilio HTTP/1.1\r\nHost: x\r\nX: ";
	for (int k = 0; k < SLOW_CONNS; k++)
		fds[k] = slow_dial(k);
	int tick = 0;
	while (!slow_stop) {
		int open_now = 0;
		for (int k = 0; k < SLOW_CONNS && !slow_stop; k++) {
			if (fds[k] < 0) {
				fds[k] = slow_dial(k);
				continue;
			}
			char c = tick < (int)sizeof line - 1 ? line[tick] : 'a';
			char buf[256];
			ssize_t r = recv(fds[k], buf, sizeof buf, MSG_DONTWAIT);
			if (r == 0 ||
			    (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			     errno != ENOTCONN)) {
				close(fds[k]);
				fds[k] = -1;
				__atomic_add_fetch(&slow_cuts, 1,
						   __ATOMIC_RELAXED);
				continue;
			}
			if (send(fds[k], &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL) <
				0 &&
			    errno != EAGAIN && errno != ENOTCONN) {
				close(fds[k]);
				fds[k] = -1;
				__atomic_add_fetch(&slow_cuts, 1,
						   __ATOMIC_RELAXED);
				continue;
			}
			open_now++;
		}
		__atomic_store_n(&slow_open, open_now, __ATOMIC_RELAXED);
		tick++;
		for (int i = 0; i < 10 && !slow_stop; i++)
			usleep(100000);
	}
	for (int k = 0; k < SLOW_CONNS; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	return NULL;
}

/* Runs the clients over total messages; fills lat, returns seconds. */
static double run_clients(int nclients)
{
	pthread_t *th = calloc((size_t)nclients, sizeof *th);
	next_msg = 0;
	failures = 0;
	double t0 = now_ms();
	for (int i = 0; i < nclients; i++)
		pthread_create(&th[i], NULL, client, NULL);
	for (int i = 0; i < nclients; i++)
		pthread_join(th[i], NULL);
	free(th);
	return (now_ms() - t0) / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static pid_t start_gateway(const char *db, const char *secret)
{
	struct sayso_config cfg;
	sayso_config_defaults(&cfg);
	cfg.smsgw.provider = SAYSO_PROVIDER_TWILIO;
	cfg.smsgw.rate_per_minute = 10000;
	snprintf(cfg.smsgw.listen, sizeof cfg.smsgw.listen, "127.0.0.1:%d",
		 port);
	snprintf(cfg.site.database, sizeof cfg.site.database, "%s", db);
	snprintf(cfg.site.secret, sizeof cfg.site.secret, "%s",
		 secret ? secret : "");
	snprintf(cfg.twilio.account_sid, sizeof cfg.twilio.account_sid,
		 "AC0123456789abcdef0123456789abcdef");
	snprintf(cfg.twilio.auth_token, sizeof cfg.twilio.auth_token, "%s",
		 TOKEN);
	snprintf(cfg.twilio.from, sizeof cfg.twilio.from, "+447700900123");
	snprintf(cfg.twilio.public_url, sizeof cfg.twilio.public_url, "%s",
		 PUBLIC);
	snprintf(cfg.twilio.api_base, sizeof cfg.twilio.api_base,
		 "http://127.0.0.1:%d", free_port());
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct smsgw *gw;
	char err[512];
	if (smsgw_new(&cfg, NULL, true, &gw, err, sizeof err) != SAYSO_OK) {
		fprintf(stderr, "bench_smsgw: %s\n", err);
		_exit(1);
	}
	smsgw_signals(gw);
	int rc = smsgw_run(gw);
	smsgw_free(gw);
	_exit(rc);
}

/* Whether the gateway listens (within 5 s) and is still alive. */
static bool wait_listener(pid_t gw)
{
	for (int i = 0; i < 100; i++) {
		if (waitpid(gw, NULL, WNOHANG) == gw)
			return false;
		int s = dial();
		if (s >= 0) {
			close(s);
			return true;
		}
		usleep(50000);
	}
	return false;
}

static void stop_gateway(pid_t gw)
{
	int st;
	kill(gw, SIGTERM);
	waitpid(gw, &st, 0);
}

struct figures {
	bool ran;
	double rate, p50, p99, max;
	int failed;
	char where[160]; /* the database, or why the column is empty */
};

/* One plain run against a fresh gateway on db; offset_ keeps message ids
 * apart between runs. */
static void bench_engine(const char *db, const char *secret, int nclients,
			 int offset_, struct figures *fig)
{
	pid_t gw = start_gateway(db, secret);
	if (!wait_listener(gw)) {
		snprintf(fig->where, sizeof fig->where,
			 "the gateway did not start");
		stop_gateway(gw);
		return;
	}
	offset = offset_;
	memset(lat, 0, (size_t)total * sizeof *lat);
	double secs = run_clients(nclients);
	qsort(lat, (size_t)total, sizeof *lat, cmp);
	fig->ran = true;
	fig->rate = total / secs;
	fig->p50 = lat[total / 2];
	fig->p99 = lat[(size_t)(total * 0.99)];
	fig->max = lat[total - 1];
	fig->failed = failures;
	stop_gateway(gw);
}

/*
 * A PostgreSQL database for the bench: SAYSO_BENCH_PG_URI, else a
 * throwaway cluster in a new directory under /tmp (*cluster receives it, to
 * stop). false with the reason in fig->where when there is none.
 */
static bool pg_database(const char *dir, char *uri, size_t urisz, char *secret,
			size_t secretsz, char *cluster, size_t clustersz,
			struct figures *fig)
{
	const char *given = getenv("SAYSO_BENCH_PG_URI");
	const char *sec = getenv("SAYSO_BENCH_PG_SECRET");
	cluster[0] = '\0';
	if (sec && *sec)
		snprintf(secret, secretsz, "%s", sec);
	else
		snprintf(secret, secretsz, "%s/bench-smsgw-%d.pg.secret", dir,
			 (int)getpid());
	if (given && *given) {
		snprintf(uri, urisz, "%s", given);
		return true;
	}
	const char *src = getenv("SAYSO_SRC");
	char script[1024];
	snprintf(script, sizeof script, "%s/scripts/pg-test-cluster",
		 src && *src ? src : ".");
	if (access("/usr/lib/postgresql/15/bin/initdb", X_OK) != 0 ||
	    access(script, X_OK) != 0) {
		snprintf(fig->where, sizeof fig->where,
			 "skipped: no SAYSO_BENCH_PG_URI, and %s",
			 access(script, X_OK) != 0
			     ? "scripts/pg-test-cluster not found (set "
			       "SAYSO_SRC)"
			     : "postgresql-15 is not installed");
		return false;
	}
	char tmpl[] = "/tmp/bench-smsgw-pg.XXXXXX";
	if (!mkdtemp(tmpl)) {
		snprintf(fig->where, sizeof fig->where, "skipped: mkdtemp: %s",
			 strerror(errno));
		return false;
	}
	snprintf(cluster, clustersz, "%s", tmpl);
	char cmd[2200];
	snprintf(cmd, sizeof cmd, "'%s' start '%s' >/dev/null", script,
		 cluster);
	char path[1100];
	snprintf(path, sizeof path, "%s/uri", cluster);
	FILE *f = NULL;
	if (system(cmd) != 0 || !(f = fopen(path, "r")) ||
	    !fgets(uri, (int)urisz, f)) {
		snprintf(fig->where, sizeof fig->where,
			 "skipped: scripts/pg-test-cluster start failed");
		if (f)
			fclose(f);
		return false;
	}
	fclose(f);
	uri[strcspn(uri, "\r\n")] = '\0';
	return true;
}

static void pg_cluster_stop(const char *cluster)
{
	if (!cluster[0])
		return;
	const char *src = getenv("SAYSO_SRC");
	char cmd[2400];
	snprintf(cmd, sizeof cmd,
		 "'%s/scripts/pg-test-cluster' stop '%s' >/dev/null 2>&1",
		 src && *src ? src : ".", cluster);
	if (system(cmd) != 0)
		fprintf(stderr,
			"bench_smsgw: could not stop the cluster in %s\n",
			cluster);
}

static void print_side_by_side(const struct figures *lite,
			       const struct figures *pg)
{
	const struct figures *col[2] = {lite, pg};
	printf("  %-18s %-18s %s\n", "", "SQLite", "PostgreSQL");
	const char *rows[] = {"throughput msg/s", "ack p50 ms", "ack p99 ms",
			      "ack max ms", "failed"};
	for (int r = 0; r < 5; r++) {
		printf("  %-18s", rows[r]);
		for (int c = 0; c < 2; c++) {
			char v[32] = "-";
			if (col[c]->ran) {
				double x = r == 0   ? col[c]->rate
					   : r == 1 ? col[c]->p50
					   : r == 2 ? col[c]->p99
					   : r == 3 ? col[c]->max
						    : col[c]->failed;
				snprintf(v, sizeof v,
					 r == 0 || r == 4 ? "%.0f" : "%.2f", x);
			}
			printf(" %-18s", v);
		}
		printf("\n");
	}
	printf("  SQLite:     %s\n  PostgreSQL: %s\n", lite->where, pg->where);
	if (pg->ran)
		printf("  goal on PostgreSQL (issue 16): >= 1,000 msg/s, p99 < "
		       "20 ms: %s\n",
		       pg->rate >= 1000 && pg->p99 < 20 ? "met" : "missed");
}

static void unlink_sqlite(const char *db)
{
	char path[1200];
	const char *sfx[] = {"", "-wal", "-shm", ".secret"};
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s%s", db, sfx[i]);
		unlink(path);
	}
}

int main(int argc, char **argv)
{
	int nclients = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 16;
	total = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5000;
	const char *dir = argc > 3 ? argv[3] : ".";
	if (nclients < 1 || nclients > 1000 || total < 1) {
		fprintf(stderr,
			"usage: bench_smsgw [clients [messages [dir]]]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl; /* the slow connections need more than 1,024 fds */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	lat = calloc((size_t)total, sizeof *lat);
	port = free_port();
	char db[1024];
	snprintf(db, sizeof db, "%s/bench-smsgw-%d.db", dir, (int)getpid());
	struct figures lite = {0}, pg = {0};
	snprintf(lite.where, sizeof lite.where, "%s, synchronous=FULL", db);
	bench_engine(db, NULL, nclients, 0, &lite);
	int failed_all = lite.ran ? lite.failed : 1;

	char uri[1024], secret[1024], cluster[64];
	if (pg_database(dir, uri, sizeof uri, secret, sizeof secret, cluster,
			sizeof cluster, &pg)) {
		const char *at = strrchr(uri, '@');
		/* Never the user or password: the host part only. */
		snprintf(pg.where, sizeof pg.where,
			 "%s, synchronous_commit=on%s",
			 at ? at + 1 : "(SAYSO_BENCH_PG_URI)",
			 cluster[0] ? " (throwaway cluster)" : "");
		port = free_port();
		bench_engine(uri, secret, nclients, 2 * total, &pg);
		failed_all += pg.ran ? pg.failed : 1;
		pg_cluster_stop(cluster);
		if (!getenv("SAYSO_BENCH_PG_SECRET"))
			unlink(secret);
	}
	printf("smsgw webhook bench: %d clients, %d messages per engine, "
	       "durable acknowledgements\n",
	       nclients, total);
	print_side_by_side(&lite, &pg);

	/* The same (SQLite) under 1,100 slow connections. */
	port = free_port();
	pid_t gw = start_gateway(db, NULL);
	if (!wait_listener(gw)) {
		fprintf(stderr, "bench_smsgw: the gateway did not start\n");
		stop_gateway(gw);
		unlink_sqlite(db);
		return 1;
	}
	pthread_t attacker;
	pthread_create(&attacker, NULL, slow_attack, NULL);
	sleep(8); /* connected and trickling; the deadline cuts them 2 s in */
	offset = total;
	memset(lat, 0, (size_t)total * sizeof *lat);
	int held = __atomic_load_n(&slow_open, __ATOMIC_RELAXED);
	double secs = run_clients(nclients);
	int held_end = __atomic_load_n(&slow_open, __ATOMIC_RELAXED);
	slow_stop = 1;
	pthread_join(attacker, NULL);
	qsort(lat, (size_t)total, sizeof *lat, cmp);
	printf("SQLite under %d slow connections (headers trickled, 1 byte/s, "
	       "from %d addresses; %d open at the start, %d at the end, %d "
	       "cut and redialled):\n",
	       SLOW_CONNS, SLOW_ADDRS, held, held_end,
	       __atomic_load_n(&slow_cuts, __ATOMIC_RELAXED));
	printf("  throughput     %.0f msg/s (%.2f s)\n", total / secs, secs);
	printf("  ack latency    p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
	       lat[total / 2], lat[(size_t)(total * 0.99)], lat[total - 1]);
	printf("  failed         %d\n", failures);
	failed_all += failures;
	stop_gateway(gw);
	unlink_sqlite(db);
	free(lat);
	return failed_all ? 1 : 0;
}

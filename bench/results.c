/*
 * bench/results.c: how long the published figures and pages take on a big
 * site.
 *
 *   bench_results [ratings [reports [ballots [dir [events]]]]]
 *                 (defaults 100000, 10000, 10000, /tmp, 100)
 *
 * Builds a database on the real disk with that many ratings (five faces,
 * follow-up answers, four channels, a month of times), reports (12
 * categories, 40 streets, half resolved with history) and approval ballots
 * over 40 projects, then times each core summary and each page as the
 * organiser runs it (sayso-admin through admin_main, output to /dev/null or
 * a page directory, fsyncs included). Prints figures only; the goal (issue
 * 6) is under one second per page for 100k ratings and 10k reports, and
 * (issue 14) the partnership summary over 1M ratings, 100k reports and 100
 * events in under one second:
 *
 *   bench_results 1000000 100000 10000 /tmp 100
 *
 * Events are five-hour windows spread over the month, each on two of the
 * eight kiosks, every other one taking texts too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "internal.h"
#include "sayso/event.h"
#include "sayso/round.h"
#include "sayso/stats.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, struct sayso_store *st)
{
	fprintf(stderr, "bench_results: %s: %s\n", what,
		st ? sayso_store_errmsg(st) : "failed");
	exit(1);
}

static void exec_sql(struct sayso_store *st, const char *sql)
{
	if (Sayso_store_exec(st, sql, "test SQL") != SAYSO_OK)
		die(sql, st);
}

/* A small deterministic generator, so runs are comparable. */
static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void iso(int64_t ms, char *out, size_t outsz)
{
	sayso_time_format(ms, out, outsz);
}

static const int64_t T0 = 1793491200000LL; /* 2026-11-01T00:00:00Z */
static const int64_t DAY = 86400000LL;

static void fill_ratings(struct sayso_store *st, int n)
{
	static const char *const ch[] = {"kiosk", "sms", "paper", "import"};
	static const char *const ans[] = {"The park", "Neighbours",
					  "Shops",    "Fly-tipping",
					  "Noise",    "Transport"};
	struct sayso_stmt *s;
	char uid[SAYSO_UID_LEN + 1], at[SAYSO_TIME_LEN + 1], dev[16];
	int i;

	exec_sql(st, "BEGIN");
	if (Sayso_stmt_prepare(
		st,
		"INSERT INTO ratings (uid, score, question, answer,"
		" channel, device_id, cast_at) VALUES"
		" (?, ?, ?, ?, ?, ?, ?)",
		&s) != SAYSO_OK)
		die("prepare ratings", st);
	for (i = 0; i < n; i++) {
		int score = 1 + (int)rnd(5);

		if (score < 4 && rnd(3) == 0)
			score += 2; /* skew positive, like real sites */
		if (score > 5)
			score = 5;
		sayso_uid_new(uid, sizeof uid);
		iso(T0 + (int64_t)rnd(30) * DAY + (int64_t)rnd(86400) * 1000,
		    at, sizeof at);
		snprintf(dev, sizeof dev, "hub%u", rnd(8));
		Sayso_bind_text(s, 1, uid, -1);
		Sayso_bind_int(s, 2, score);
		if (rnd(2)) {
			Sayso_bind_text(s, 3, score >= 4 ? "best" : "worse",
					-1);
			Sayso_bind_text(s, 4, ans[rnd(6)], -1);
		} else {
			Sayso_bind_null(s, 3);
			Sayso_bind_null(s, 4);
		}
		Sayso_bind_text(s, 5, ch[rnd(4)], -1);
		Sayso_bind_text(s, 6, dev, -1);
		Sayso_bind_text(s, 7, at, -1);
		if (Sayso_step(s) != SAYSO_SQL_DONE)
			die("insert rating", st);
		Sayso_reset(s);
	}
	Sayso_stmt_finalize(s);
	exec_sql(st, "COMMIT");
}

static void fill_reports(struct sayso_store *st, int n)
{
	static const char *const cat[] = {
	    "fly_tipping", "litter",	  "graffiti",	"street_lighting",
	    "potholes",	   "dog_fouling", "damp_mould", "trees",
	    "alleyway",	   "noise",	  "parking",	"other"};
	static const char *const status[] = {"open", "in_progress", "resolved",
					     "resolved", "rejected"};
	struct sayso_stmt *r, *h;
	char uid[SAYSO_UID_LEN + 1], at[SAYSO_TIME_LEN + 1],
	    up[SAYSO_TIME_LEN + 1], ref[16], street[32], text[128];
	int i;

	exec_sql(st, "BEGIN");
	if (Sayso_stmt_prepare(
		st,
		"INSERT INTO reports (id, uid, ref, category, street,"
		" text, status, channel, device_id, cast_at,"
		" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'kiosk',"
		" 'hub1', ?, ?)",
		&r) != SAYSO_OK ||
	    Sayso_stmt_prepare(
		st,
		"INSERT INTO report_history (report_id, at, status,"
		" note, actor) VALUES (?, ?, ?, ?, 'bench')",
		&h) != SAYSO_OK)
		die("prepare reports", st);
	for (i = 1; i <= n; i++) {
		const char *stt = status[rnd(5)];
		int64_t made =
		    T0 + (int64_t)rnd(30) * DAY + (int64_t)rnd(86400) * 1000;
		int64_t done = made + (int64_t)(1 + rnd(20)) * DAY / 2;

		sayso_uid_new(uid, sizeof uid);
		snprintf(ref, sizeof ref, "B%06d", i);
		snprintf(street, sizeof street, "Street %u", rnd(40));
		snprintf(text, sizeof text,
			 "Report %d: <b>something</b> & \"quoted\" text", i);
		iso(made, at, sizeof at);
		iso(strcmp(stt, "open") == 0 ? made : done, up, sizeof up);
		Sayso_bind_int(r, 1, i);
		Sayso_bind_text(r, 2, uid, -1);
		Sayso_bind_text(r, 3, ref, -1);
		Sayso_bind_text(r, 4, cat[rnd(12)], -1);
		Sayso_bind_text(r, 5, street, -1);
		Sayso_bind_text(r, 6, text, -1);
		Sayso_bind_text(r, 7, stt, -1);
		Sayso_bind_text(r, 8, at, -1);
		Sayso_bind_text(r, 9, up, -1);
		if (Sayso_step(r) != SAYSO_SQL_DONE)
			die("insert report", st);
		Sayso_reset(r);
		Sayso_bind_int(h, 1, i);
		Sayso_bind_text(h, 2, at, -1);
		Sayso_bind_text(h, 3, "open", -1);
		Sayso_bind_null(h, 4);
		if (Sayso_step(h) != SAYSO_SQL_DONE)
			die("insert history", st);
		Sayso_reset(h);
		if (strcmp(stt, "open") != 0) {
			Sayso_bind_int(h, 1, i);
			Sayso_bind_text(h, 2, up, -1);
			Sayso_bind_text(h, 3, stt, -1);
			Sayso_bind_text(h, 4, "Done by the council", -1);
			if (Sayso_step(h) != SAYSO_SQL_DONE)
				die("insert history", st);
			Sayso_reset(h);
		}
	}
	Sayso_stmt_finalize(r);
	Sayso_stmt_finalize(h);
	exec_sql(st, "COMMIT");
}

static void fill_round(struct sayso_store *st, int nballots)
{
	struct sayso_round r;
	struct sayso_project p;
	struct sayso_stmt *b, *it;
	char uid[SAYSO_UID_LEN + 1], at[SAYSO_TIME_LEN + 1], voter[32];
	int64_t pid[40];
	int i, k;

	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "BIG");
	snprintf(r.title, sizeof r.title, "Big round");
	snprintf(r.currency, sizeof r.currency, "GBP");
	r.budget = 100000000; /* £1m */
	r.kind = SAYSO_BALLOT_APPROVAL;
	r.min_picks = 1;
	if (sayso_round_create(st, &r, "bench") != SAYSO_OK)
		die("round create", st);
	for (i = 0; i < 40; i++) {
		memset(&p, 0, sizeof p);
		snprintf(p.title, sizeof p.title, "Project %d <with markup>",
			 i + 1);
		p.cost = (int64_t)(5 + rnd(60)) * 100000;
		if (sayso_project_add(st, r.id, &p, "bench") != SAYSO_OK)
			die("project add", st);
		pid[i] = p.id;
	}
	exec_sql(st, "BEGIN");
	if (Sayso_stmt_prepare(
		st,
		"INSERT INTO ballots (uid, round_id, resident_id,"
		" channel, device_id, cast_at, status) VALUES"
		" (?, ?, ?, ?, 'hub1', ?, 'counted')",
		&b) != SAYSO_OK ||
	    Sayso_stmt_prepare(st,
			       "INSERT OR IGNORE INTO ballot_items (ballot_id,"
			       " project_id) VALUES (?, ?)",
			       &it) != SAYSO_OK)
		die("prepare ballots", st);
	for (i = 0; i < nballots; i++) {
		int64_t bid;
		int picks = 1 + (int)rnd(5);

		sayso_uid_new(uid, sizeof uid);
		snprintf(voter, sizeof voter, "voter%d", i);
		iso(T0 + (int64_t)rnd(30) * DAY, at, sizeof at);
		Sayso_bind_text(b, 1, uid, -1);
		Sayso_bind_int64(b, 2, r.id);
		Sayso_bind_text(b, 3, voter, -1);
		Sayso_bind_text(b, 4, rnd(3) ? "kiosk" : "sms", -1);
		Sayso_bind_text(b, 5, at, -1);
		if (Sayso_step(b) != SAYSO_SQL_DONE)
			die("insert ballot", st);
		Sayso_reset(b);
		bid = Sayso_store_last_id(st);
		for (k = 0; k < picks; k++) {
			Sayso_bind_int64(it, 1, bid);
			Sayso_bind_int64(it, 2, pid[rnd(40)]);
			if (Sayso_step(it) != SAYSO_SQL_DONE)
				die("insert item", st);
			Sayso_reset(it);
		}
	}
	Sayso_stmt_finalize(b);
	Sayso_stmt_finalize(it);
	exec_sql(st, "COMMIT");
}

static void fill_events(struct sayso_store *st, int n)
{
	struct sayso_event e;
	char d[16];
	int i;

	exec_sql(st, "BEGIN");
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof e);
		snprintf(e.code, sizeof e.code, "EV%03d", i);
		snprintf(e.title, sizeof e.title, "Event %d <b>day</b>", i);
		e.from_ms = T0 + (int64_t)(i % 30) * DAY +
			    (int64_t)(9 + i % 6) * 3600000;
		e.to_ms = e.from_ms + 5 * 3600000LL;
		snprintf(d, sizeof d, "hub%d", i % 8);
		sayso_event_add_device(&e, d);
		snprintf(d, sizeof d, "hub%d", (i + 3) % 8);
		sayso_event_add_device(&e, d);
		if (i % 2 == 0)
			sayso_event_add_channel(&e, "sms");
		if (sayso_event_create(st, &e, "bench") != SAYSO_OK)
			die("event create", st);
	}
	exec_sql(st, "COMMIT");
}

/* Each event's figures as the summary computes them, straight from core. */
static void time_events(struct sayso_store *st)
{
	struct sayso_event *ev = NULL;
	struct sayso_ratings_summary rs;
	struct sayso_activity act;
	struct sayso_ratings_query q;
	size_t n = 0, i;
	int64_t counted = 0;
	double t = now_ms(), c = cpu_ms();

	if (sayso_event_list(st, 0, 0, &ev, &n) != SAYSO_OK)
		die("event list", st);
	for (i = 0; i < n; i++) {
		memset(&q, 0, sizeof q);
		q.scope.event = &ev[i];
		q.by = SAYSO_BY_CHANNEL;
		if (sayso_stats_ratings_query(st, &q, &rs) != SAYSO_OK ||
		    sayso_stats_activity(st, &q.scope, 0, &act) != SAYSO_OK)
			die("event figures", st);
		counted += rs.all.n;
		sayso_ratings_summary_cleanup(&rs);
	}
	free(ev);
	printf("  %-44s %8.1f ms wall %8.1f ms cpu (%zu events, %lld "
	       "ratings in them)\n",
	       "every event's figures (core)", now_ms() - t, cpu_ms() - c, n,
	       (long long)counted);
}

/* Runs one sayso-admin command line, best of three, printing the time. */
static void time_cmd(const char *label, int argc, char **argv)
{
	double best = 1e18, bestcpu = 0;
	int run;
	FILE *null = fopen("/dev/null", "w");

	for (run = 0; run < 3; run++) {
		double c = cpu_ms(), t = now_ms();
		int rc = admin_main(argc, argv, null, stderr);

		t = now_ms() - t;
		c = cpu_ms() - c;
		if (rc != 0) {
			fprintf(stderr, "bench_results: %s failed (%d)\n",
				label, rc);
			exit(1);
		}
		if (t < best) {
			best = t;
			bestcpu = c;
		}
	}
	fclose(null);
	printf("  %-44s %8.1f ms wall %8.1f ms cpu\n", label, best, bestcpu);
}

int main(int argc, char **argv)
{
	int nratings = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 100000;
	int nreports = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 10000;
	int nballots = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 10000;
	const char *base = argc > 4 ? argv[4] : "/tmp";
	int nevents = argc > 5 ? (int)strtol(argv[5], NULL, 10) : 100;
	char dir[512], db[600], out[700], cmd[800];
	struct sayso_store *st = NULL;
	struct sayso_ratings_summary rs;
	struct sayso_reports_summary ps;
	struct sayso_report_row *rows;
	size_t nrows;
	char err[SAYSO_ERRMSG_MAX];
	double t;
	int by;

	setenv("TZ", "UTC", 1);
	snprintf(dir, sizeof dir, "%s/sayso-bench-results-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	snprintf(db, sizeof db, "%s/bench.db", dir);
	if (sayso_store_open(db, SAYSO_STORE_INIT, &st, err, sizeof err) !=
	    SAYSO_OK) {
		fprintf(stderr, "bench_results: %s\n", err);
		return 1;
	}
	sayso_store_set_device(st, "bench", "admin");
	t = now_ms();
	fill_ratings(st, nratings);
	fill_reports(st, nreports);
	fill_round(st, nballots);
	fill_events(st, nevents);
	/* A site's database in steady state: the bulk insert checkpointed
	 * out of the WAL, as SQLite's auto-checkpoint does over time. */
	exec_sql(st, "PRAGMA wal_checkpoint(TRUNCATE)");
	printf("bench_results: %d ratings, %d reports, %d ballots over 40 "
	       "projects, %d events (filled in %.0f ms)\n",
	       nratings, nreports, nballots, nevents, now_ms() - t);

	printf(
	    "core summaries (libsaysocore; wall time depends on the machine's "
	    "load, cpu is this process):\n");
	for (by = SAYSO_BY_NONE; by <= SAYSO_BY_DEVICE; by++) {
		double c = cpu_ms();

		t = now_ms();
		if (sayso_stats_ratings(st, 0, 0, (enum sayso_stats_by)by,
					&rs) != SAYSO_OK)
			die("ratings", st);
		t = now_ms() - t;
		c = cpu_ms() - c;
		printf("  sayso_stats_ratings by %-21s %8.1f ms wall %8.1f ms "
		       "cpu (%lld ratings, %zu groups)\n",
		       sayso_stats_by_name((enum sayso_stats_by)by), t, c,
		       (long long)rs.all.n, rs.ngroups);
		sayso_ratings_summary_cleanup(&rs);
	}
	t = now_ms();
	if (sayso_stats_reports(st, 0, 0, &ps) != SAYSO_OK)
		die("reports", st);
	printf("  %-44s %8.1f ms wall (rate %.3f, median %.2f days)\n",
	       "sayso_stats_reports", now_ms() - t, ps.resolution_rate,
	       ps.median_days);
	sayso_reports_summary_cleanup(&ps);
	t = now_ms();
	if (sayso_stats_report_list(st, NULL, &rows, &nrows) != SAYSO_OK)
		die("report list", st);
	printf("  %-44s %8.1f ms wall (%zu rows)\n", "sayso_stats_report_list",
	       now_ms() - t, nrows);
	free(rows);
	time_events(st);
	sayso_store_close(st);

	printf("sayso-admin commands (best of 3, including opening the "
	       "database and fsync of pages):\n");
	{
		char *a1[] = {"sayso-admin", "--db", db,     "ratings",
			      "summary",     "--by", "hour", NULL};
		time_cmd("ratings summary --by hour", 7, a1);
	}
	{
		snprintf(out, sizeof out, "%s/ratings-page", dir);
		char *a2[] = {"sayso-admin", "--db", db,    "ratings",
			      "summary",     "--by", "day", "--html",
			      out,	     NULL};
		time_cmd("ratings summary --by day --html DIR", 9, a2);
	}
	{
		char *a3[] = {"sayso-admin", "--db",	 db,	    "reports",
			      "list",	     "--format", "open311", NULL};
		time_cmd("reports list --format open311 (all)", 7, a3);
	}
	{
		char *a4[] = {"sayso-admin", "--db",	db,
			      "reports",     "summary", NULL};
		time_cmd("reports summary", 5, a4);
	}
	{
		snprintf(out, sizeof out, "%s/results-page", dir);
		char *a5[] = {
		    "sayso-admin", "--db",  db,
		    "results",	   "BIG",   "--out",
		    out,	   "--url", "https://example.org/results",
		    NULL};
		time_cmd("results BIG --out DIR --url URL (greedy)", 9, a5);
	}
	{
		snprintf(out, sizeof out, "%s/results-mes", dir);
		char *a6[] = {"sayso-admin", "--db", db,       "results", "BIG",
			      "--out",	     out,    "--rule", "mes",	  NULL};
		time_cmd("results BIG --out DIR --rule mes", 9, a6);
	}
	{
		snprintf(out, sizeof out, "%s/report-page", dir);
		char *a7[] = {"sayso-admin", "--db", db,  "report",
			      "--out",	     out,    NULL};
		time_cmd("report --out DIR (all three parts)", 6, a7);
	}
	{
		snprintf(out, sizeof out, "%s/summary-page", dir);
		char *a8[] = {"sayso-admin", "--db",  db,  "summary", "--since",
			      "2026-11-01",  "--out", out, NULL};
		time_cmd("summary --since D --out DIR (the page)", 8, a8);
	}
	if (getenv("SAYSO_BENCH_KEEP") != NULL)
		return 0;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_results: could not remove %s\n", dir);
	return 0;
}

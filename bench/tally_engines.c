/*
 * bench_tally_engines: the greedy tally of one round with many ballots on
 * SQLite and on PostgreSQL, side by side, each beside the engine's own
 * GROUP BY over the same rows (the floor a tally that reads counts cannot
 * beat). Issue 16's goal: greedy over 1M ballots within 2x PostgreSQL's own
 * GROUP BY on the same data.
 *
 *   bench_tally_engines [BALLOTS]     (default 1000000)
 *
 * The ballots are made by the engine itself (a recursive CTE on SQLite,
 * generate_series on PostgreSQL): four picks each of 20 projects, all
 * counted. PostgreSQL: $SAYSO_BENCH_PG_URI if set, else a throwaway
 * cluster from scripts/pg-test-cluster ($SAYSO_SRC); without either the
 * PostgreSQL column says why it is missing. Figures, never pass/fail.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "sayso/round.h"
#include "sayso/store.h"
#include "sayso/tally.h"

#define NPROJECTS 20

struct result {
	bool ran;
	char why[256];
	double fill_s, greedy_s, groupby_s;
	size_t funded;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The round: approval, 20 projects, open. */
static int64_t make_round(struct sayso_store *st)
{
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "BENCH");
	snprintf(r.title, sizeof r.title, "Bench");
	r.budget = 5000000;
	r.kind = SAYSO_BALLOT_APPROVAL;
	r.min_picks = 1;
	r.max_picks = 5;
	r.state = SAYSO_ROUND_DRAFT;
	if (sayso_round_create(st, &r, "bench") != SAYSO_OK)
		return -1;
	for (int i = 0; i < NPROJECTS; i++) {
		struct sayso_project p;
		memset(&p, 0, sizeof p);
		snprintf(p.title, sizeof p.title, "Project %d", i + 1);
		p.cost = 100000 + 37000 * ((i * 7) % NPROJECTS);
		if (sayso_project_add(st, r.id, &p, "bench") != SAYSO_OK)
			return -1;
	}
	if (sayso_round_set_state(st, "BENCH", SAYSO_ROUND_OPEN, "bench") !=
	    SAYSO_OK)
		return -1;
	return r.id;
}

/* n counted ballots of four picks each, made by the engine. */
static enum sayso_err fill(struct sayso_store *st, int64_t rid, long n)
{
	char sql[1400];
	bool pg = Sayso_store_engine(st) == SAYSO_ENGINE_PG;
	if (pg)
		snprintf(sql, sizeof sql,
			 "INSERT INTO ballots(uid, round_id, resident_id, "
			 "channel, device_id, cast_at, status) SELECT "
			 "lpad(i::text, 26, '0'), %lld, md5(i::text), 'kiosk', "
			 "'bench', '2026-11-23T10:00:00.000Z', 'counted' FROM "
			 "generate_series(1, %ld) i",
			 (long long)rid, n);
	else
		snprintf(sql, sizeof sql,
			 "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT "
			 "i + 1 FROM s WHERE i < %ld) INSERT INTO "
			 "ballots(uid, round_id, resident_id, channel, "
			 "device_id, cast_at, status) SELECT printf('%%026d', "
			 "i), %lld, printf('%%064d', i), 'kiosk', 'bench', "
			 "'2026-11-23T10:00:00.000Z', 'counted' FROM s",
			 n, (long long)rid);
	enum sayso_err e = Sayso_store_exec(st, sql, "make ballots");
	if (e != SAYSO_OK)
		return e;
	/* Four of the 20 projects per ballot, spread by the ballot id. */
	snprintf(sql, sizeof sql,
		 "INSERT INTO ballot_items(ballot_id, project_id, points, "
		 "rank) SELECT b.id, p.id, 1, 0 FROM ballots b JOIN projects "
		 "p ON p.round_id = b.round_id WHERE b.round_id = %lld AND "
		 "(b.id * 7 + p.number * 3) %% 5 = 0",
		 (long long)rid);
	if ((e = Sayso_store_exec(st, sql, "make picks")) != SAYSO_OK)
		return e;
	/* As autovacuum leaves a table that has settled: statistics, and
	 * PostgreSQL's visibility map (index-only counts). */
	return Sayso_store_exec(st, pg ? "VACUUM ANALYZE" : "ANALYZE",
				"analyze");
}

/* The engine's own count of counted picks per project, timed. */
static double group_by(struct sayso_store *st, int64_t rid)
{
	struct sayso_stmt *s = NULL;
	if (Sayso_stmt_prepare(st,
			       "SELECT i.project_id, count(*) FROM "
			       "ballot_items i JOIN ballots b ON b.id = "
			       "i.ballot_id WHERE b.round_id = ?1 AND "
			       "b.status = 'counted' GROUP BY i.project_id",
			       &s) != SAYSO_OK)
		return -1;
	Sayso_bind_int64(s, 1, rid);
	double t0 = now_s();
	int64_t total = 0;
	while (Sayso_step(s) == SAYSO_SQL_ROW)
		total += Sayso_col_int64(s, 1);
	double t = now_s() - t0;
	Sayso_stmt_finalize(s);
	return total > 0 ? t : -1;
}

static void run(const char *db, const char *secret, long n, struct result *out)
{
	struct sayso_store *st = NULL;
	char err[512];
	if (sayso_store_open_at(db, secret, SAYSO_STORE_INIT, &st, err,
				sizeof err) != SAYSO_OK) {
		snprintf(out->why, sizeof out->why, "%s", err);
		return;
	}
	sayso_store_set_device(st, "admin", "admin");
	double t0 = now_s();
	int64_t rid = make_round(st);
	if (rid < 0 || fill(st, rid, n) != SAYSO_OK) {
		snprintf(out->why, sizeof out->why, "%s",
			 sayso_store_errmsg(st));
		sayso_store_close(st);
		return;
	}
	out->fill_s = now_s() - t0;
	out->greedy_s = out->groupby_s = 1e9;
	for (int rep = 0; rep < 4; rep++) {
		struct sayso_election *e = NULL;
		struct sayso_tally t;
		t0 = now_s();
		if (sayso_tally_round(st, rid, SAYSO_RULE_GREEDY, &e, &t, err,
				      sizeof err) != SAYSO_OK) {
			snprintf(out->why, sizeof out->why, "greedy: %s", err);
			sayso_store_close(st);
			return;
		}
		double g = now_s() - t0;
		out->funded = t.nselected;
		sayso_tally_cleanup(&t);
		sayso_election_free(e);
		double q = group_by(st, rid);
		if (rep == 0)
			continue; /* warms the caches */
		if (g < out->greedy_s)
			out->greedy_s = g;
		if (q >= 0 && q < out->groupby_s)
			out->groupby_s = q;
	}
	out->ran = true;
	sayso_store_close(st);
}

/* A throwaway cluster's URI into uri (its directory into dir), or false
 * with the reason in why. */
static bool pg_start(char *dir, size_t dirsz, char *uri, size_t urisz,
		     char *why, size_t whysz)
{
	const char *src = getenv("SAYSO_SRC");
	if (!src) {
		snprintf(
		    why, whysz,
		    "set SAYSO_BENCH_PG_URI or SAYSO_SRC (bench/run does)");
		return false;
	}
	snprintf(dir, dirsz, "/tmp/sayso-bench-pg-%ld", (long)getpid());
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "sh '%s/scripts/pg-test-cluster' start '%s'",
		 src, dir);
	FILE *p = popen(cmd, "r");
	if (!p || !fgets(uri, (int)urisz, p)) {
		if (p)
			pclose(p);
		snprintf(why, whysz,
			 "no PostgreSQL 15 here (scripts/pg-test-cluster "
			 "failed; install postgresql-15)");
		return false;
	}
	pclose(p);
	uri[strcspn(uri, "\r\n")] = '\0';
	return true;
}

static void pg_stop(const char *dir)
{
	const char *src = getenv("SAYSO_SRC");
	char cmd[1200];
	snprintf(cmd, sizeof cmd,
		 "sh '%s/scripts/pg-test-cluster' stop '%s' >/dev/null", src,
		 dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not stop %s\n", dir);
}

static void row(const char *name, const struct result *r, long n)
{
	if (!r->ran) {
		printf("  %-10s not run: %s\n", name, r->why);
		return;
	}
	printf("  %-10s %8.1f s   %9.1f ms   %9.1f ms   %5.2fx   %zu funded\n",
	       name, r->fill_s, r->greedy_s * 1e3, r->groupby_s * 1e3,
	       r->greedy_s / r->groupby_s, r->funded);
	(void)n;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	if (n < 1)
		n = 1000000;
	char tmp[] = "/tmp/sayso-bench-engines-XXXXXX";
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	char db[300], secret[300];
	struct result lite = {0}, pg = {0};
	snprintf(db, sizeof db, "%s/site.db", tmp);
	run(db, NULL, n, &lite);

	char dir[256] = "", uri[512];
	const char *given = getenv("SAYSO_BENCH_PG_URI");
	bool started = false;
	if (given && *given)
		snprintf(uri, sizeof uri, "%s", given);
	else
		started = pg_start(dir, sizeof dir, uri, sizeof uri, pg.why,
				   sizeof pg.why);
	if ((given && *given) || started) {
		snprintf(secret, sizeof secret, "%s/pg.secret", tmp);
		run(uri, secret, n, &pg);
	}
	if (started)
		pg_stop(dir);

	printf("greedy tally of %ld ballots (4 picks of %d projects each), "
	       "best of 3 after a warm-up\n",
	       n, NPROJECTS);
	printf("  %-10s %10s   %12s   %12s   %6s\n", "engine", "fill", "greedy",
	       "GROUP BY", "ratio");
	row("SQLite", &lite, n);
	row("PostgreSQL", &pg, n);
	printf("  goal: PostgreSQL greedy within 2x its own GROUP BY\n");
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", tmp);
	return 0;
}

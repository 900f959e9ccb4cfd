/*
 * bench/tally.c: how fast tallies are. Prints figures; asserts nothing.
 *
 * 1. Generates N (default 1,000,000) approval ballots over 40 projects into
 *    a SQLite file through the core store (one transaction, prepared
 *    statements), then times, best of 3 after a warm-up:
 *      - sayso_election_load() + greedy (what `sayso-admin tally --rule
 *        greedy` does),
 *      - MES with the add1 completion on the loaded election,
 *      - the sqlite3 CLI running the plain
 *        SELECT project_id, count(*) FROM ballot_items GROUP BY project_id
 *        on the same file, as a separate process (popen),
 *    and prints greedy / GROUP BY (goal: <= 1.5).
 * 2. For every .pb file in $SAYSO_SHARED/pb (or --shared DIR): parse time,
 *    greedy time and MES time (goal: well under a second each).
 * 3. Merge: an enrolled kiosk casts M (default 100,000) ballots through the
 *    core, as the kiosk does (each chained); then times the integrity
 *    check and the chain verification alone, the whole `merge` of that
 *    file into the site (goal: <= 2 s including verification), and
 *    merging it again (nothing new).
 *
 * Usage: bench_tally [--ballots N] [--db PATH] [--keep] [--reuse]
 *                    [--shared DIR] [--merge M] [--merge-runs R]
 *                    [--merge-only]
 * --merge-runs merges the same file R times into the same fresh site and
 * prints the minimum and median (wall and CPU).
 * --reuse measures an existing --db made by an earlier --keep run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/merge.h"
#include "sayso/pabulib.h"
#include "sayso/round.h"
#include "sayso/store.h"
#include "sayso/tally.h"

#define NPROJECTS 40

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static int die(struct sayso_store *st, const char *what, enum sayso_err err)
{
	fprintf(stderr, "bench_tally: %s: %s (%s)\n", what, sayso_strerror(err),
		st ? sayso_store_errmsg(st) : "");
	return 1;
}

static int generate(const char *db, long nballots, int64_t *round_id)
{
	struct sayso_store *st = NULL;
	struct sayso_round r;
	char err[512], secret[600];
	enum sayso_err rc;
	int64_t pids[NPROJECTS];
	double t0 = now_s();
	struct sayso_stmt *sb, *si;

	unlink(db);
	snprintf(secret, sizeof secret, "%s.secret", db);
	unlink(secret);
	rc = sayso_store_open(db, SAYSO_STORE_INIT, &st, err, sizeof err);
	if (rc != SAYSO_OK) {
		fprintf(stderr, "bench_tally: %s\n", err);
		return 1;
	}
	sayso_store_set_device(st, "bench", "admin");
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "bench");
	snprintf(r.title, sizeof r.title, "Benchmark round");
	snprintf(r.currency, sizeof r.currency, "GBP");
	r.budget = 100000000; /* £1,000,000 */
	r.kind = SAYSO_BALLOT_APPROVAL;
	if ((rc = sayso_round_create(st, &r, "bench")) != SAYSO_OK)
		return die(st, "round", rc);
	for (int i = 0; i < NPROJECTS; i++) {
		struct sayso_project p;
		memset(&p, 0, sizeof p);
		snprintf(p.title, sizeof p.title, "Project %d", i + 1);
		p.cost = (int64_t)(20 + rnd(180)) * 100000; /* £2k..£20k */
		if ((rc = sayso_project_add(st, r.id, &p, "bench")) != SAYSO_OK)
			return die(st, "project", rc);
		pids[i] = p.id;
	}
	/* bench data: a big page cache for the random index inserts */
	Sayso_store_bulk(st, true, false);
	if ((rc = sayso_store_begin(st)) != SAYSO_OK)
		return die(st, "begin", rc);
	for (long b = 0; b < nballots; b++) {
		char uid[SAYSO_UID_LEN + 1], rid[65];
		int k = 1 + (int)rnd(5), chosen[NPROJECTS] = {0};
		int64_t bid;

		sayso_uid_new(uid, sizeof uid);
		for (int j = 0; j < 64; j++)
			rid[j] = "0123456789abcdef"[rnd(16)];
		rid[64] = '\0';
		sb = Sayso_store_stmt(st, "INSERT INTO ballots(uid, round_id, "
					  "resident_id, channel, device_id, "
					  "cast_at, status) VALUES(?1, ?2, ?3, "
					  "'kiosk', 'bench', "
					  "'2026-11-23T10:00:00.000Z', "
					  "'counted')");
		if (!sb)
			return die(st, "prepare", SAYSO_ERR_DB);
		Sayso_bind_text(sb, 1, uid, -1);
		Sayso_bind_int64(sb, 2, r.id);
		Sayso_bind_text(sb, 3, rid, -1);
		if (Sayso_step(sb) != SAYSO_SQL_DONE)
			return die(st, "insert ballot", SAYSO_ERR_DB);
		Sayso_reset(sb);
		bid = Sayso_store_last_id(st);
		si = Sayso_store_stmt(st, "INSERT INTO ballot_items(ballot_id, "
					  "project_id) VALUES(?1, ?2)");
		if (!si)
			return die(st, "prepare", SAYSO_ERR_DB);
		for (int j = 0; j < k; j++) {
			/* popularity skewed towards low project numbers */
			int p =
			    (int)(rnd(NPROJECTS) * rnd(NPROJECTS) / NPROJECTS);
			if (chosen[p])
				continue;
			chosen[p] = 1;
			Sayso_bind_int64(si, 1, bid);
			Sayso_bind_int64(si, 2, pids[p]);
			if (Sayso_step(si) != SAYSO_SQL_DONE)
				return die(st, "insert item", SAYSO_ERR_DB);
			Sayso_reset(si);
		}
	}
	if ((rc = sayso_store_commit(st)) != SAYSO_OK)
		return die(st, "commit", rc);
	*round_id = r.id;
	sayso_store_close(st);
	printf("generated %ld ballots over %d projects into %s in %.2f s\n",
	       nballots, NPROJECTS, db, now_s() - t0);
	return 0;
}

static double time_cli(const char *db)
{
	char cmd[1200];
	double t0 = now_s();
	FILE *p;
	char line[256];
	int rows = 0;

	snprintf(cmd, sizeof cmd,
		 "sqlite3 '%s' 'SELECT project_id, count(*) FROM ballot_items "
		 "GROUP BY project_id'",
		 db);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof line, p))
		rows++;
	if (pclose(p) != 0 || rows == 0)
		return -1;
	return now_s() - t0;
}

static int bench_store(const char *db, int64_t round_id)
{
	struct sayso_store *st = NULL;
	char err[512];
	double best_greedy = 1e9, best_load = 1e9, best_mes = 1e9,
	       best_cli = 1e9;
	struct sayso_tally t;
	enum sayso_err rc;

	for (int rep = 0; rep < 4; rep++) {
		struct sayso_election *e = NULL;
		double t0, t1, t2, c;

		rc = sayso_store_open(
		    db, SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET, &st, err,
		    sizeof err);
		if (rc != SAYSO_OK) {
			fprintf(stderr, "bench_tally: %s\n", err);
			return 1;
		}
		/* greedy as `sayso-admin tally` runs it: counts only */
		t0 = now_s();
		rc = sayso_tally_round(st, round_id, SAYSO_RULE_GREEDY, &e, &t,
				       err, sizeof err);
		t1 = now_s();
		if (rc != SAYSO_OK) {
			fprintf(stderr, "bench_tally: greedy: %s\n", err);
			return 1;
		}
		sayso_tally_cleanup(&t);
		sayso_election_free(e);
		e = NULL;
		if (rep > 0 && t1 - t0 < best_greedy)
			best_greedy = t1 - t0;
		/* every ballot, as MES needs */
		t0 = now_s();
		if ((rc = sayso_election_load(st, round_id, &e)) != SAYSO_OK)
			return die(st, "load", rc);
		t2 = now_s();
		if (rep > 0 && t2 - t0 < best_load) /* rep 0 warms the cache */
			best_load = t2 - t0;
		t0 = now_s();
		memset(&t, 0, sizeof t);
		rc = sayso_tally_mes(e, &t, err, sizeof err);
		t1 = now_s();
		if (rc != SAYSO_OK) {
			fprintf(stderr, "bench_tally: mes: %s\n", err);
			return 1;
		}
		if (rep > 0 && t1 - t0 < best_mes)
			best_mes = t1 - t0;
		if (rep == 3)
			printf("  MES: %zu projects funded, per voter %lld "
			       "pence, %d runs\n",
			       t.nselected, (long long)t.per_voter, t.runs);
		sayso_tally_cleanup(&t);
		sayso_election_free(e);
		sayso_store_close(st);
		c = time_cli(db);
		if (c < 0) {
			printf("  sqlite3 CLI not available: no ratio\n");
			best_cli = -1;
		} else if (rep > 0 && c < best_cli) {
			best_cli = c;
		}
	}
	printf("  greedy (sayso_tally_round)     %8.1f ms\n",
	       best_greedy * 1e3);
	printf("  load every ballot (for MES)    %8.1f ms\n", best_load * 1e3);
	printf("  MES add1 on the loaded ballots %8.1f ms\n", best_mes * 1e3);
	printf("  MES total (load + rule)        %8.1f ms\n",
	       (best_load + best_mes) * 1e3);
	if (best_cli > 0) {
		printf("  sqlite3 CLI GROUP BY count     %8.1f ms\n",
		       best_cli * 1e3);
		printf(
		    "  ratio greedy / GROUP BY        %8.2f  (goal <= 1.5)\n",
		    best_greedy / best_cli);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void bench_pb(const char *shared)
{
	char dir[1024], *names[256];
	size_t n = 0;
	DIR *d;
	struct dirent *de;

	snprintf(dir, sizeof dir, "%s/pb", shared);
	d = opendir(dir);
	if (!d) {
		printf("no %s: pabulib figures skipped\n", dir);
		return;
	}
	while ((de = readdir(d)) != NULL && n < 256) {
		size_t l = strlen(de->d_name);
		if (l > 3 && strcmp(de->d_name + l - 3, ".pb") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	printf("\npabulib files (%s), best of 3:\n", dir);
	printf("  %-40s %8s %8s %10s %10s %10s\n", "file", "voters", "projects",
	       "parse ms", "greedy ms", "MES ms");
	for (size_t i = 0; i < n; i++) {
		char path[2048], err[SAYSO_PB_ERR_MAX];
		double bp = 1e9, bg = 1e9, bm = 1e9;
		size_t voters = 0, projects = 0;
		bool mes_ok = true;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		for (int rep = 0; rep < 3; rep++) {
			struct sayso_pb *pb = NULL;
			struct sayso_tally t;
			double t0 = now_s(), t1;

			if (sayso_pb_read_path(path, &pb, err, sizeof err) !=
			    SAYSO_OK) {
				printf("  %s: %s\n", names[i], err);
				break;
			}
			t1 = now_s();
			if (t1 - t0 < bp)
				bp = t1 - t0;
			voters = pb->e->nvoters;
			projects = pb->e->nprojects;
			memset(&t, 0, sizeof t);
			t0 = now_s();
			sayso_tally_greedy(pb->e, &t);
			t1 = now_s();
			sayso_tally_cleanup(&t);
			if (t1 - t0 < bg)
				bg = t1 - t0;
			memset(&t, 0, sizeof t);
			t0 = now_s();
			if (sayso_tally_mes(pb->e, &t, err, sizeof err) !=
			    SAYSO_OK)
				mes_ok = false;
			t1 = now_s();
			sayso_tally_cleanup(&t);
			if (t1 - t0 < bm)
				bm = t1 - t0;
			sayso_pb_free(pb);
		}
		if (mes_ok)
			printf("  %-40s %8zu %8zu %10.1f %10.2f %10.1f\n",
			       names[i], voters, projects, bp * 1e3, bg * 1e3,
			       bm * 1e3);
		else
			printf("  %-40s %8zu %8zu %10.1f %10.2f %10s\n",
			       names[i], voters, projects, bp * 1e3, bg * 1e3,
			       "n/a");
		free(names[i]);
	}
}

/* The site (round "kb", 10 projects, open) and kiosk "bench-kiosk" enrolled
 * from it, which then casts nballots ballots of distinct residents. */
static int merge_setup(const char *site, const char *kiosk, long nballots)
{
	char err[512];
	struct sayso_store *st = NULL, *k = NULL;
	enum sayso_err e =
	    sayso_store_open(site, SAYSO_STORE_INIT, &st, err, sizeof err);
	if (e != SAYSO_OK) {
		fprintf(stderr, "bench_tally: %s\n", err);
		return 1;
	}
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "kb");
	snprintf(r.title, sizeof r.title, "Merge bench");
	snprintf(r.currency, sizeof r.currency, "GBP");
	r.budget = 100000000;
	r.min_picks = 1;
	r.state = SAYSO_ROUND_DRAFT; /* projects are added to a draft */
	if ((e = sayso_round_create(st, &r, "bench")) != SAYSO_OK)
		return die(st, "round", e);
	for (int i = 0; i < 10; i++) {
		struct sayso_project p;
		memset(&p, 0, sizeof p);
		snprintf(p.title, sizeof p.title, "Project %d", i + 1);
		p.cost = 1000000;
		if ((e = sayso_project_add(st, r.id, &p, "bench")) != SAYSO_OK)
			return die(st, "project", e);
	}
	if ((e = sayso_round_set_state(st, "kb", SAYSO_ROUND_OPEN, "bench")) !=
	    SAYSO_OK)
		return die(st, "open", e);
	struct sayso_enrol_result er;
	if ((e = sayso_kiosk_enrol(st, "bench-kiosk", kiosk, "bench", &er)) !=
	    SAYSO_OK)
		return die(st, "enrol", e);
	sayso_store_close(st);
	if ((e = sayso_store_open(kiosk, 0, &k, err, sizeof err)) != SAYSO_OK) {
		fprintf(stderr, "bench_tally: %s\n", err);
		return 1;
	}
	double t0 = now_s();
	if ((e = sayso_store_begin(k)) != SAYSO_OK)
		return die(k, "begin", e);
	for (long i = 0; i < nballots; i++) {
		char phone[32], rid[SAYSO_RESIDENT_ID_LEN + 1];
		snprintf(phone, sizeof phone, "+4477009%05ld", i % 100000);
		if (i >= 100000) /* more than 100k: codes, not numbers */
			snprintf(phone, sizeof phone, "BENCH%07ld", i);
		e = sayso_store_resident(
		    k, i >= 100000 ? SAYSO_ID_CODE : SAYSO_ID_PHONE, phone, rid,
		    sizeof rid);
		if (e != SAYSO_OK)
			return die(k, "resident", e);
		struct sayso_pick picks[3] = {
		    {1 + (int)rnd(10), 1}, {0, 1}, {0, 1}};
		size_t np = 1 + rnd(3);
		for (size_t j = 1; j < np; j++)
			picks[j].number = 1 + (picks[j - 1].number % 10);
		struct sayso_ballot_in in;
		struct sayso_cast_result cr;
		memset(&in, 0, sizeof in);
		in.round_code = "kb";
		in.resident_id = rid;
		in.channel = SAYSO_CH_KIOSK;
		in.picks = picks;
		in.npicks = np;
		if ((e = sayso_ballot_cast(k, &in, &cr)) != SAYSO_OK)
			return die(k, "cast", e);
	}
	if ((e = sayso_store_commit(k)) != SAYSO_OK)
		return die(k, "commit", e);
	printf("kiosk: %ld chained ballots cast in %.2f s\n", nballots,
	       now_s() - t0);
	sayso_store_close(k);
	return 0;
}

static void unlink_db(const char *db)
{
	static const char *const ext[] = {"",	  ".secret", ".key",
					  "-wal", "-shm",    "-journal"};
	char p[600];
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(p, sizeof p, "%s%s", db, ext[i]);
		unlink(p);
	}
}

/* The -wal and -shm a merge leaves beside db. */
static void unlink_db_wal(const char *db)
{
	char p[600];
	snprintf(p, sizeof p, "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db);
	unlink(p);
}

/* Copies file from to file to (the merge bench's fresh site). */
static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
	char buf[65536];
	size_t n;
	int rc = in && out ? 0 : 1;
	while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = 1;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		rc = 1;
	return rc;
}

/* The integrity check and the chain check of the kiosk file alone, each
 * as merge runs it (the chain under the real key, keeping no rows). */
static void merge_parts(const char *kiosk)
{
	char err[512];
	struct sayso_store *src = NULL;
	if (sayso_store_open(kiosk, SAYSO_STORE_READONLY, &src, err,
			     sizeof err) != SAYSO_OK) {
		fprintf(stderr, "bench_tally: %s\n", err);
		return;
	}
	Sayso_store_bulk(src, true, false);
	struct sayso_stmt *q = NULL;
	double t0 = now_s(), c0 = cpu_s();
	sayso_store_read_begin(src);
	if (Sayso_stmt_prepare(src, "PRAGMA integrity_check", &q) == SAYSO_OK &&
	    Sayso_step(q) == SAYSO_SQL_ROW)
		printf("  integrity check alone: %.2f s (%.2f s CPU; %s)\n",
		       now_s() - t0, cpu_s() - c0,
		       (const char *)Sayso_col_text(q, 0));
	Sayso_stmt_finalize(q);
	struct sayso_devlog_verdict v;
	char why[512];
	t0 = now_s();
	c0 = cpu_s();
	enum sayso_err e = Sayso_devlog_verify(
	    src, Sayso_store_devkey(src), sayso_store_enrolment(src), 0,
	    INT64_MAX, 0, NULL, &v, why, sizeof why, NULL);
	sayso_store_read_end(src);
	printf("  chain verification alone: %.2f s (%.2f s CPU; %lld "
	       "entries, %s)\n",
	       now_s() - t0, cpu_s() - c0, (long long)v.entries,
	       e == SAYSO_OK ? "ok" : why);
	sayso_store_close(src);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Merges kiosk into site (restored from fresh first when there is one)
 * runs times; the wall and CPU seconds of each into wall[], cpu[]. */
static int merge_runs(const char *site, const char *fresh, const char *kiosk,
		      int runs, double *wall, double *cpu)
{
	char err[512];
	for (int i = 0; i < runs; i++) {
		struct sayso_store *st = NULL;
		if ((i > 0 || access(fresh, F_OK) == 0) &&
		    (unlink_db_wal(site), copy_file(fresh, site) != 0)) {
			fprintf(stderr, "bench_tally: cannot restore %s\n",
				site);
			return 1;
		}
		if (sayso_store_open(site, 0, &st, err, sizeof err) !=
		    SAYSO_OK) {
			fprintf(stderr, "bench_tally: %s\n", err);
			return 1;
		}
		struct sayso_merge_result m;
		double t0 = now_s(), c0 = cpu_s();
		enum sayso_err e = sayso_merge_kiosk(st, kiosk, "bench", 0, &m);
		wall[i] = now_s() - t0;
		cpu[i] = cpu_s() - c0;
		if (e != SAYSO_OK) {
			int rc = die(st, "merge", e);
			sayso_store_close(st);
			return rc;
		}
		printf("  merge %d: %.2f s (%.2f s CPU) for %lld ballots\n",
		       i + 1, wall[i], cpu[i], (long long)m.ballots);
		if (i == runs - 1) {
			t0 = now_s();
			e = sayso_merge_kiosk(st, kiosk, "bench", 0, &m);
			printf("  merging it again: %.2f s (%lld already "
			       "here)\n",
			       now_s() - t0, (long long)m.known);
		}
		sayso_store_close(st);
	}
	return 0;
}

static int bench_merge(long nballots, int runs)
{
	char site[600], kiosk[600];
	/* SAYSO_BENCH_MERGE_DIR keeps site.db and kiosk.db there and reuses
	 * them: site.db is restored from site.db.fresh (the site as it was
	 * before the first merge) on each run. */
	const char *dir = getenv("SAYSO_BENCH_MERGE_DIR");
	if (dir && *dir) {
		snprintf(site, sizeof site, "%s/site.db", dir);
		snprintf(kiosk, sizeof kiosk, "%s/kiosk.db", dir);
	} else {
		snprintf(site, sizeof site,
			 "/tmp/sayso-bench-merge-site-%ld.db", (long)getpid());
		snprintf(kiosk, sizeof kiosk,
			 "/tmp/sayso-bench-merge-kiosk-%ld.db", (long)getpid());
	}
	printf("\nmerge of an enrolled kiosk's file with %ld ballots:\n",
	       nballots);
	int rc = 0;
	char fresh[620];
	snprintf(fresh, sizeof fresh, "%s.fresh", site);
	if (!dir || !*dir || access(kiosk, F_OK) != 0)
		rc = merge_setup(site, kiosk, nballots) ||
		     copy_file(site, fresh);
	if (rc == 0)
		merge_parts(kiosk);
	double wall[64], cpu[64];
	if (rc == 0 &&
	    (rc = merge_runs(site, fresh, kiosk, runs, wall, cpu)) == 0) {
		qsort(wall, (size_t)runs, sizeof wall[0], cmp_double);
		qsort(cpu, (size_t)runs, sizeof cpu[0], cmp_double);
		printf("  merge over %d runs: wall min %.2f s, median %.2f s; "
		       "CPU min %.2f s, median %.2f s (goal <= 2 s including "
		       "verification)\n",
		       runs, wall[0], wall[runs / 2], cpu[0], cpu[runs / 2]);
	}
	if (!dir || !*dir) {
		unlink_db(site);
		unlink_db(kiosk);
		unlink_db(fresh);
	}
	return rc;
}

int main(int argc, char **argv)
{
	long nballots = 1000000;
	const char *db = NULL, *shared = getenv("SAYSO_SHARED");
	char dbbuf[512];
	bool keep = false, reuse = false, merge_only = false;
	int64_t round_id = 0;
	long nmerge = 100000, runs = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ballots") == 0 && i + 1 < argc) {
			char *end;
			nballots = strtol(argv[++i], &end, 10);
			if (*end || nballots < 1) {
				fprintf(stderr, "bench_tally: bad --ballots\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc) {
			shared = argv[++i];
		} else if (strcmp(argv[i], "--keep") == 0) {
			keep = true;
		} else if (strcmp(argv[i], "--reuse") == 0) {
			reuse = keep = true;
		} else if (strcmp(argv[i], "--merge") == 0 && i + 1 < argc) {
			char *end;
			nmerge = strtol(argv[++i], &end, 10);
			if (*end || nmerge < 1) {
				fprintf(stderr, "bench_tally: bad --merge\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--merge-runs") == 0 &&
			   i + 1 < argc) {
			char *end;
			runs = strtol(argv[++i], &end, 10);
			if (*end || runs < 1 || runs > 64) {
				fprintf(stderr,
					"bench_tally: bad --merge-runs\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--merge-only") == 0) {
			merge_only = true;
		} else {
			fprintf(stderr, "usage: bench_tally [--ballots N] "
					"[--db PATH] [--keep] [--reuse] "
					"[--shared DIR] [--merge M] "
					"[--merge-runs R] [--merge-only]\n");
			return 2;
		}
	}
	if (merge_only)
		return bench_merge(nmerge, (int)runs);
	if (!db) {
		snprintf(dbbuf, sizeof dbbuf, "/tmp/sayso-bench-tally-%ld.db",
			 (long)getpid());
		db = dbbuf;
	}
	if (reuse) {
		struct sayso_store *st = NULL;
		struct sayso_round r;
		char err[512];
		if (sayso_store_open(
			db, SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET, &st,
			err, sizeof err) != SAYSO_OK) {
			fprintf(stderr, "bench_tally: --reuse: %s\n", err);
			return 1;
		}
		if (sayso_round_get(st, "bench", &r) != SAYSO_OK) {
			fprintf(stderr, "bench_tally: --reuse: %s\n",
				sayso_store_errmsg(st));
			sayso_store_close(st);
			return 1;
		}
		round_id = r.id;
		sayso_store_close(st);
	} else if (generate(db, nballots, &round_id) != 0) {
		return 1;
	}
	printf("\n%ld approval ballots, 40 projects, best of 3 (warm cache):\n",
	       nballots);
	if (bench_store(db, round_id) != 0)
		return 1;
	if (!keep) {
		char p[600];
		unlink(db);
		snprintf(p, sizeof p, "%s.secret", db);
		unlink(p);
		snprintf(p, sizeof p, "%s-wal", db);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", db);
		unlink(p);
	}
	if (shared && *shared)
		bench_pb(shared);
	else
		printf("\nSAYSO_SHARED not set: pabulib figures skipped "
		       "(or pass --shared DIR)\n");
	return bench_merge(nmerge, (int)runs);
}

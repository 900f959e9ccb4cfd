/* testutil.c: helpers shared by the unit tests. */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "internal.h"
#include "sayso/merge.h"
#include "sayso/round.h"
#include "sayso/store.h"

void tu_tmpdir(char *out, size_t outsz)
{
	snprintf(out, outsz, "/tmp/sayso-test-XXXXXX");
	assert_non_null(mkdtemp(out));
}

void tu_rmtree(const char *path)
{
	if (strncmp(path, "/tmp/sayso-test-", 16) != 0)
		return;
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

bool tu_pg(void)
{
	const char *e = getenv("SAYSO_TEST_ENGINE");
	return e && strcmp(e, "pg") == 0;
}

/* The throwaway cluster's URI (the pg fixture writes it). */
static void pg_base_uri(char *out, size_t outsz)
{
	const char *f = getenv("SAYSO_TEST_PG_URI_FILE");
	if (!f)
		fail_msg("SAYSO_TEST_ENGINE=pg without SAYSO_TEST_PG_URI_FILE");
	char *uri = tu_slurp(f, NULL);
	if (!uri)
		fail_msg("%s: cannot read the test cluster's URI", f);
	uri[strcspn(uri, "\r\n")] = '\0';
	snprintf(out, outsz, "%s", uri);
	free(uri);
}

void tu_pg_fresh(char *uri, size_t urisz, char *secret, size_t secretsz)
{
	static unsigned n;
	char base[512], schema[64], sql[128];
	pg_base_uri(base, sizeof base);
	snprintf(schema, sizeof schema, "t%ld_%u_%ld", (long)getpid(), n++,
		 random() % 100000);
	PGconn *c = PQconnectdb(base);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s: %s", base, PQerrorMessage(c));
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	snprintf(uri, urisz, "%s%soptions=-csearch_path%%3D%s", base,
		 strchr(base, '?') ? "&" : "?", schema);
	char dir[256];
	tu_tmpdir(dir, sizeof dir);
	snprintf(secret, secretsz, "%s/site.secret", dir);
}

void tu_pg_exec(const char *uri, const char *sql)
{
	PGconn *c = PQconnectdb(uri);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s: %s", uri, PQerrorMessage(c));
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

struct sayso_store *tu_memstore(void)
{
	struct sayso_store *st = NULL;
	char err[512];
	enum sayso_err e;
	if (tu_pg()) {
		char uri[768], secret[300];
		tu_pg_fresh(uri, sizeof uri, secret, sizeof secret);
		e = sayso_store_open_at(uri, secret, SAYSO_STORE_INIT, &st, err,
					sizeof err);
	} else {
		e = sayso_store_open(":memory:", 0, &st, err, sizeof err);
	}
	if (e != SAYSO_OK)
		fail_msg("open a fresh store failed: %s", err);
	assert_int_equal(sayso_store_set_device(st, "test", "admin"), SAYSO_OK);
	return st;
}

char *tu_slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		size_t r = fread(buf + len, 1, 4096, f);
		len += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	if (n)
		*n = len;
	return buf;
}

int tu_memmem(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* The sites tu_site made on PostgreSQL and their secrets. */
static struct {
	char uri[768], secret[300];
} pg_sites[64];
static size_t pg_nsites;

void tu_site(const char *dir, const char *name, char *db, size_t dbsz,
	     char *secret, size_t secretsz)
{
	if (!tu_pg()) {
		snprintf(db, dbsz, "%s/%s", dir, name);
		snprintf(secret, secretsz, "%s", "");
		return;
	}
	char tmp[300];
	tu_pg_fresh(db, dbsz, tmp, sizeof tmp);
	/* tu_pg_fresh's own directory is empty: the secret lives in dir. */
	char *slash = strrchr(tmp, '/');
	*slash = '\0';
	rmdir(tmp);
	snprintf(secret, secretsz, "%s/%s.secret", dir, name);
	size_t i = pg_nsites < 64 ? pg_nsites++ : 63;
	snprintf(pg_sites[i].uri, sizeof pg_sites[i].uri, "%s", db);
	snprintf(pg_sites[i].secret, sizeof pg_sites[i].secret, "%s", secret);
}

const char *tu_secret_of(const char *db)
{
	for (size_t i = pg_nsites; i-- > 0;)
		if (strcmp(pg_sites[i].uri, db) == 0)
			return pg_sites[i].secret;
	return NULL;
}

int tu_argv_secret(char **argv, int argc, int max)
{
	for (int i = 1; i + 1 < argc; i++) {
		const char *s = strcmp(argv[i], "--db") == 0
				    ? tu_secret_of(argv[i + 1])
				    : NULL;
		if (!s)
			continue;
		assert_true(argc + 2 < max);
		memmove(argv + i + 4, argv + i + 2,
			(size_t)(argc - i - 1) * sizeof *argv);
		argv[i + 2] = (char *)"--secret";
		argv[i + 3] = (char *)s;
		return argc + 2;
	}
	return argc;
}

struct sayso_store *tu_store_open(const char *path, unsigned flags)
{
	struct sayso_store *st = NULL;
	char err[256];
	if (sayso_store_open_at(path, tu_secret_of(path), flags, &st, err,
				sizeof err) != SAYSO_OK)
		fail_msg("open %s: %s", path, err);
	return st;
}

int64_t tu_count(struct sayso_store *st, const char *sql)
{
	struct sayso_stmt *s = NULL;
	assert_int_equal(Sayso_stmt_prepare(st, sql, &s), SQLITE_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	int64_t v = Sayso_col_int64(s, 0);
	Sayso_stmt_finalize(s);
	return v;
}

void tu_sql_file(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(db);
}

void tu_copy_file(const char *from, const char *to)
{
	size_t n;
	char *buf = tu_slurp(from, &n);
	assert_non_null(buf);
	FILE *f = fopen(to, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
	free(buf);
}

void tu_merge_site(const char *site, const char *kiosk, int max_picks)
{
	struct sayso_store *st = tu_store_open(site, SAYSO_STORE_INIT);
	struct sayso_round r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "pb");
	snprintf(r.title, sizeof r.title, "PB");
	snprintf(r.currency, sizeof r.currency, "GBP");
	r.budget = 1000000;
	r.min_picks = 1;
	r.max_picks = max_picks;
	assert_int_equal(sayso_round_create(st, &r, "test"), SAYSO_OK);
	const char *titles[] = {"Play area", "CCTV", "Benches"};
	for (int i = 0; i < 3; i++) {
		struct sayso_project p;
		memset(&p, 0, sizeof p);
		snprintf(p.title, sizeof p.title, "%s", titles[i]);
		p.cost = 100000 * (i + 1);
		assert_int_equal(sayso_project_add(st, r.id, &p, "test"),
				 SAYSO_OK);
	}
	/* Projects are added while the round is a draft, then it opens. */
	assert_int_equal(
	    sayso_round_set_state(st, r.code, SAYSO_ROUND_OPEN, "test"),
	    SAYSO_OK);
	struct sayso_enrol_result er;
	assert_int_equal(sayso_kiosk_enrol(st, "fun-1", kiosk, "test", &er),
			 SAYSO_OK);
	sayso_store_close(st);
}

void tu_write_flipped(const char *path, unsigned char *buf, size_t n, size_t at,
		      int bit)
{
	buf[at] ^= (unsigned char)(1u << bit);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
	buf[at] ^= (unsigned char)(1u << bit);
}

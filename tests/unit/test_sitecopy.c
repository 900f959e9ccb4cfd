/*
 * test_sitecopy.c: sayso_site_migrate() (core/src/sitecopy.c).
 *
 * On every machine: a site file copied into a new file (the same code
 * path as between engines: catalogue, foreign-key order, batches of 256,
 * pages of 8192 by key, self-references filled in afterwards), every
 * table's count and checksum, the secret, a report whose duplicate is a
 * LATER report, bytes; the checksum does not depend on the order rows were
 * inserted in; the refusals (a non-empty target, a kiosk's file, not a
 * sayso database, a stray secret, --to-secret for a file) and that a
 * refused or failed copy leaves no file behind. With SAYSO_TEST_ENGINE=pg:
 * file -> PostgreSQL -> file, the two files' rows compared table by table.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "sayso/merge.h"
#include "sayso/sitecopy.h"
#include "sayso/store.h"

/* Rows past one page and one batch, not a multiple of either. */
#define NRATINGS 8500

/* A site file at path with a round, ballots, reports (the first a
 * confirmed duplicate of the last), sms bytes and NRATINGS ratings (in
 * reverse id order when reverse). */
static void make_site(const char *path, bool reverse)
{
	struct sayso_store *st = tu_store_open(path, SAYSO_STORE_INIT);
	assert_int_equal(sayso_store_set_device(st, "test", "admin"), SAYSO_OK);
	sayso_store_close(st);
	char sql[2048];
	snprintf(
	    sql, sizeof sql,
	    "BEGIN;"
	    "INSERT INTO rounds (id, code, title, budget, state, created_at) "
	    "VALUES (1, 'pb', 'Park', 10000, 'open', "
	    "'2026-06-01T00:00:00.000Z');"
	    "INSERT INTO projects (id, round_id, number, title, cost) VALUES "
	    "(1, 1, 1, 'Benches', 3000), (2, 1, 2, 'Play – für alle', 6000);"
	    "INSERT INTO ballots (id, uid, round_id, resident_id, channel, "
	    "device_id, cast_at, status) VALUES (1, 'b1', 1, 'r1', 'kiosk', "
	    "'k1', '2026-06-02T00:00:00.000Z', 'superseded'), (2, 'b2', 1, "
	    "'r1', 'kiosk', 'k1', '2026-06-03T00:00:00.000Z', 'counted');"
	    "INSERT INTO ballot_items (ballot_id, project_id) VALUES (1, 1), "
	    "(2, 1), (2, 2);"
	    "INSERT INTO reports (id, uid, ref, category, text, channel, "
	    "device_id, cast_at, updated_at) VALUES (1, 'q1', 'R-1', 'litter', "
	    "'a\nb', 'kiosk', 'k1', '2026-06-02T00:00:00.000Z', "
	    "'2026-06-02T00:00:00.000Z'), (2, 'q2', 'R-2', 'litter', NULL, "
	    "'sms', 'smsgw', '2026-06-03T00:00:00.000Z', "
	    "'2026-06-03T00:00:00.000Z');"
	    "UPDATE reports SET dup_of = 2, dup_state = 'confirmed' WHERE id = "
	    "1;"
	    "INSERT INTO sms_inbox (provider, provider_id, resident_id, body, "
	    "received_at, from_sealed) VALUES ('kannel', 'm1', 'r1', 'VOTE 1', "
	    "'2026-06-02T00:00:00.000Z', X'00ff00deadbeef');"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
	    "WHERE i < %d) INSERT INTO ratings (id, uid, score, channel, "
	    "device_id, cast_at) SELECT %s, 'u' || i, i %% 5 + 1, 'kiosk', "
	    "'k1', '2026-06-04T00:00:00.000Z' FROM n ORDER BY i %s;"
	    "COMMIT;",
	    NRATINGS, "i", reverse ? "DESC" : "ASC");
	tu_sql_file(path, sql);
}

static const struct sayso_copy_table *
table_of(const struct sayso_copy_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->tables[i].name, name) == 0)
			return &r->tables[i];
	fail_msg("no table %s in the report", name);
	return NULL;
}

static size_t index_of(const struct sayso_copy_report *r, const char *name)
{
	return (size_t)(table_of(r, name) - r->tables);
}

/* migrate from -> to, expecting SAYSO_OK. */
static void migrate_ok(const char *from, const char *from_secret,
		       const char *to, const char *to_secret,
		       struct sayso_copy_report *rep)
{
	struct sayso_migrate_in in = {from, from_secret, to, to_secret};
	char err[1024];
	enum sayso_err e = sayso_site_migrate(&in, rep, err, sizeof err);
	if (e != SAYSO_OK)
		fail_msg("migrate %s -> %s: %s", from, to, err);
}

static void check_report(const struct sayso_copy_report *rep)
{
	assert_true(rep->n >= 25);
	for (size_t i = 0; i < rep->n; i++) {
		assert_int_equal(rep->tables[i].rows,
				 rep->tables[i].target_rows);
		assert_true(rep->tables[i].sum_ok);
	}
	assert_int_equal(table_of(rep, "ratings")->rows, NRATINGS);
	assert_int_equal(table_of(rep, "ballots")->rows, 2);
	/* foreign-key order */
	assert_true(index_of(rep, "rounds") < index_of(rep, "projects"));
	assert_true(index_of(rep, "projects") < index_of(rep, "ballot_items"));
	assert_true(index_of(rep, "ballots") < index_of(rep, "ballot_items"));
	assert_true(index_of(rep, "sms_inbox") < index_of(rep, "sms_outbox"));
	assert_true(index_of(rep, "partners") < index_of(rep, "reports"));
}

/* The rows that make a site, read from the file at path. */
static void check_copy(const char *path)
{
	struct sayso_store *st = tu_store_open(path, SAYSO_STORE_READONLY);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ratings"),
			 NRATINGS);
	assert_int_equal(
	    tu_count(st, "SELECT dup_of FROM reports WHERE ref = 'R-1'"), 2);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM sms_inbox WHERE "
				      "from_sealed = X'00ff00deadbeef'"),
			 1);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM ballots WHERE "
				      "status = 'superseded'"),
			 1);
	sayso_store_close(st);
}

static void file_to_file(void **state)
{
	(void)state;
	char dir[256], a[300], b[300], sa[320], sb[320];
	tu_tmpdir(dir, sizeof dir);
	snprintf(a, sizeof a, "%s/a.db", dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	snprintf(sa, sizeof sa, "%s.secret", a);
	snprintf(sb, sizeof sb, "%s.secret", b);
	make_site(a, false);
	struct sayso_copy_report rep;
	migrate_ok(a, NULL, b, NULL, &rep);
	check_report(&rep);
	assert_true(rep.target_created);
	assert_true(rep.secret_written);
	assert_string_equal(rep.target_secret, sb);
	sayso_copy_report_free(&rep);
	check_copy(b);
	size_t n1, n2;
	char *s1 = tu_slurp(sa, &n1), *s2 = tu_slurp(sb, &n2);
	assert_int_equal(n1, 32);
	assert_int_equal(n2, 32);
	assert_memory_equal(s1, s2, 32);
	free(s1);
	free(s2);
	/* the copy opens with its secret (the site check is the source's) */
	struct sayso_store *st = tu_store_open(b, 0);
	struct sayso_store *st0 = tu_store_open(a, SAYSO_STORE_READONLY);
	assert_string_equal(sayso_store_site_check(st),
			    sayso_store_site_check(st0));
	sayso_store_close(st0);
	sayso_store_close(st);
	tu_rmtree(dir);
}

/* The same rows inserted in another order give the same checksums. */
static void checksum_order_free(void **state)
{
	(void)state;
	char dir[256], a[300], b[300], c[300], d[300];
	tu_tmpdir(dir, sizeof dir);
	snprintf(a, sizeof a, "%s/a.db", dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	snprintf(c, sizeof c, "%s/c.db", dir);
	snprintf(d, sizeof d, "%s/d.db", dir);
	make_site(a, false);
	make_site(b, true);
	struct sayso_copy_report r1, r2;
	migrate_ok(a, NULL, c, NULL, &r1);
	migrate_ok(b, NULL, d, NULL, &r2);
	assert_string_equal(table_of(&r1, "ratings")->sum,
			    table_of(&r2, "ratings")->sum);
	assert_string_not_equal(table_of(&r1, "ratings")->sum,
				"0000000000000000");
	/* and different rows give a different one */
	assert_string_not_equal(table_of(&r1, "ratings")->sum,
				table_of(&r1, "reports")->sum);
	sayso_copy_report_free(&r1);
	sayso_copy_report_free(&r2);
	tu_rmtree(dir);
}

static void expect_refused(const char *from, const char *to,
			   const char *to_secret, enum sayso_err want,
			   const char *says)
{
	struct sayso_migrate_in in = {from, NULL, to, to_secret};
	struct sayso_copy_report rep;
	char err[1024];
	enum sayso_err e = sayso_site_migrate(&in, &rep, err, sizeof err);
	sayso_copy_report_free(&rep);
	if ((want == SAYSO_OK ? e == SAYSO_OK : e != want) ||
	    !strstr(err, says))
		fail_msg("migrate %s -> %s: %s (%s), expected %s ('%s')", from,
			 to, sayso_strerror(e), err, sayso_strerror(want),
			 says);
}

static void refusals(void **state)
{
	(void)state;
	char dir[256], a[300], b[300], k[300], junk[300], stray[300],
	    spath[320];
	tu_tmpdir(dir, sizeof dir);
	snprintf(a, sizeof a, "%s/a.db", dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	snprintf(k, sizeof k, "%s/kiosk.db", dir);
	snprintf(junk, sizeof junk, "%s/junk.db", dir);
	snprintf(stray, sizeof stray, "%s/stray.db", dir);
	make_site(a, false);
	struct sayso_copy_report rep;
	migrate_ok(a, NULL, b, NULL, &rep);
	sayso_copy_report_free(&rep);

	expect_refused(a, b, NULL, SAYSO_ERR_STATE, "is not empty");

	struct sayso_store *st = tu_store_open(a, 0);
	struct sayso_enrol_result er;
	assert_int_equal(sayso_kiosk_enrol(st, "k1", k, "test", &er), SAYSO_OK);
	sayso_store_close(st);
	char t2[300];
	snprintf(t2, sizeof t2, "%s/fromkiosk.db", dir);
	expect_refused(k, t2, NULL, SAYSO_ERR_STATE, "enrolled kiosk");
	assert_int_equal(access(t2, F_OK), -1);

	tu_sql_file(junk, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
	snprintf(t2, sizeof t2, "%s/fromjunk.db", dir);
	expect_refused(junk, t2, NULL, SAYSO_ERR_NOT_SAYSO,
		       "not a sayso database");
	assert_int_equal(access(t2, F_OK), -1);

	snprintf(spath, sizeof spath, "%s.secret", stray);
	FILE *f = fopen(spath, "w");
	assert_non_null(f);
	fclose(f);
	expect_refused(a, stray, NULL, SAYSO_ERR_SECRET, "refusing to guess");
	assert_int_equal(access(stray, F_OK), -1);

	snprintf(t2, sizeof t2, "%s/x.db", dir);
	expect_refused(a, t2, spath, SAYSO_ERR_INVAL, "--to-secret");
	assert_int_equal(access(t2, F_OK), -1);
	tu_rmtree(dir);
}

/* A row the target refuses half-way: nothing kept, no file left. */
static void failure_removes_target(void **state)
{
	(void)state;
	char dir[256], a[300], b[300], sb[320];
	tu_tmpdir(dir, sizeof dir);
	snprintf(a, sizeof a, "%s/a.db", dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	snprintf(sb, sizeof sb, "%s.secret", b);
	make_site(a, false);
	/* a score the CHECK refuses, put in by something that is not sayso */
	tu_sql_file(a, "PRAGMA ignore_check_constraints = ON; UPDATE ratings "
		       "SET score = 9 WHERE id = 8400");
	/* SAYSO_OK here: any error will do */
	expect_refused(a, b, NULL, SAYSO_OK, "ratings");
	assert_int_equal(access(b, F_OK), -1);
	assert_int_equal(access(sb, F_OK), -1);
	tu_rmtree(dir);
}

/* file -> PostgreSQL -> file (SAYSO_TEST_ENGINE=pg only). */
static void file_to_server_and_back(void **state)
{
	(void)state;
	if (!tu_pg())
		skip();
	char dir[256], a[300], b[300], uri[768], secret[300];
	tu_tmpdir(dir, sizeof dir);
	snprintf(a, sizeof a, "%s/a.db", dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	make_site(a, false);
	tu_pg_fresh(uri, sizeof uri, secret, sizeof secret);
	struct sayso_copy_report r1, r2;
	migrate_ok(a, NULL, uri, secret, &r1);
	check_report(&r1);
	assert_true(r1.secret_written);
	migrate_ok(uri, secret, b, NULL, &r2);
	check_report(&r2);
	assert_int_equal(r1.n, r2.n);
	for (size_t i = 0; i < r1.n; i++) {
		const struct sayso_copy_table *t =
		    table_of(&r2, r1.tables[i].name);
		assert_int_equal(t->rows, r1.tables[i].rows);
		assert_string_equal(t->sum, r1.tables[i].sum);
	}
	sayso_copy_report_free(&r1);
	sayso_copy_report_free(&r2);
	check_copy(b);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(file_to_file),
	    cmocka_unit_test(checksum_order_free),
	    cmocka_unit_test(refusals),
	    cmocka_unit_test(failure_removes_target),
	    cmocka_unit_test(file_to_server_and_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_store.c: opening, migrations, the site secret, foreign files. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "sayso/store.h"

static void test_fresh_memory(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	assert_int_equal(sayso_store_schema_version(st),
			 sayso_store_schema_latest());
	assert_true(sayso_store_schema_latest() >= 1);
	/* The names outside tools rely on, on either engine. */
	assert_int_equal(
	    Sayso_store_exec(st,
			     "SELECT score FROM ratings; "
			     "SELECT category, status FROM reports; "
			     "SELECT * FROM ballots",
			     "names"),
	    SAYSO_OK);
	sayso_store_close(st);
	sayso_store_close(NULL);
}

static void test_init_file(void **state)
{
	(void)state;
	char dir[256], db[768], secret[320], err[512];
	tu_tmpdir(dir, sizeof dir);
	tu_site(dir, "s.db", db, sizeof db, secret, sizeof secret);
	const char *sec = tu_secret_of(db); /* NULL: the default, beside */
	if (!sec)
		snprintf(secret, sizeof secret, "%s/s.db.secret", dir);
	struct sayso_store *st = NULL;
	assert_int_equal(sayso_store_open_at(db, sec, SAYSO_STORE_INIT, &st,
					     err, sizeof err),
			 SAYSO_OK);
	struct stat sb;
	assert_int_equal(stat(secret, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, SAYSO_SECRET_LEN);
	char check[65];
	snprintf(check, sizeof check, "%s", sayso_store_site_check(st));
	if (tu_pg()) /* the pragmas below are SQLite's */
		goto pragmas_done;
	/* WAL, foreign keys, synchronous FULL, secure_delete. */
	struct sayso_stmt *s;
	assert_int_equal(Sayso_stmt_prepare(st, "PRAGMA journal_mode", &s),
			 SAYSO_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	assert_string_equal((const char *)Sayso_col_text(s, 0), "wal");
	Sayso_stmt_finalize(s);
	const char *pragmas[] = {"PRAGMA foreign_keys", "PRAGMA synchronous",
				 "PRAGMA secure_delete"};
	const int want[] = {1, 2, 1};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(Sayso_stmt_prepare(st, pragmas[i], &s),
				 SAYSO_OK);
		assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
		assert_int_equal(Sayso_col_int(s, 0), want[i]);
		Sayso_stmt_finalize(s);
	}
pragmas_done:
	sayso_store_close(st);

	/* init refuses to overwrite. */
	assert_int_equal(sayso_store_open_at(db, sec, SAYSO_STORE_INIT, &st,
					     err, sizeof err),
			 SAYSO_ERR_EXISTS);
	assert_null(st);
	assert_non_null(strstr(err, "already exists"));

	/* Reopen: same site check. */
	assert_int_equal(sayso_store_open_at(db, sec, 0, &st, err, sizeof err),
			 SAYSO_OK);
	assert_string_equal(sayso_store_site_check(st), check);
	sayso_store_close(st);

	/* A different secret is refused. */
	FILE *f = fopen(secret, "wb");
	assert_non_null(f);
	unsigned char other[SAYSO_SECRET_LEN];
	memset(other, 7, sizeof other);
	fwrite(other, 1, sizeof other, f);
	fclose(f);
	assert_int_equal(sayso_store_open_at(db, sec, 0, &st, err, sizeof err),
			 SAYSO_ERR_SECRET);
	assert_non_null(strstr(err, "another site"));
	/* ... but merge sources open without it. */
	assert_int_equal(
	    sayso_store_open_at(db, sec,
				SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET,
				&st, err, sizeof err),
	    SAYSO_OK);
	assert_string_equal(sayso_store_site_check(st), check);
	sayso_store_close(st);

	/* A missing secret is a clear error. */
	unlink(secret);
	assert_int_equal(sayso_store_open_at(db, sec, 0, &st, err, sizeof err),
			 SAYSO_ERR_SECRET);
	assert_non_null(strstr(err, "sayso-admin init"));
	tu_rmtree(dir);
}

static void test_missing_and_foreign(void **state)
{
	(void)state;
	char dir[256], path[768], err[512];
	tu_tmpdir(dir, sizeof dir);
	struct sayso_store *st = NULL;
	if (tu_pg()) {
		/* An empty schema is no site; one with other tables is not
		 * sayso's (the files below are SQLite's own case). */
		char secret[300];
		tu_site(dir, "none.db", path, sizeof path, secret,
			sizeof secret);
		assert_int_equal(
		    sayso_store_open_at(path, secret, 0, &st, err, sizeof err),
		    SAYSO_ERR_NOTFOUND);
		assert_non_null(strstr(err, "the database is empty"));
		assert_int_equal(access(secret, F_OK), -1);
		tu_pg_exec(path, "CREATE TABLE t(x integer)");
		assert_int_equal(sayso_store_open_at(path, secret,
						     SAYSO_STORE_CREATE, &st,
						     err, sizeof err),
				 SAYSO_ERR_NOT_SAYSO);
		assert_non_null(strstr(err, "not a sayso database"));
		tu_rmtree(dir);
		return;
	}
	snprintf(path, sizeof path, "%s/none.db", dir);
	assert_int_equal(sayso_store_open(path, 0, &st, err, sizeof err),
			 SAYSO_ERR_NOTFOUND);
	assert_int_equal(access(path, F_OK), -1); /* nothing created */

	/* Not SQLite at all. */
	snprintf(path, sizeof path, "%s/text.db", dir);
	FILE *f = fopen(path, "w");
	fputs("this is not a database, it is a shopping list\n", f);
	fclose(f);
	f = fopen(strcat(strcpy(err, path), ".secret"), "w");
	fwrite("0123456789abcdef0123456789abcdef", 1, 32, f);
	fclose(f);
	assert_int_equal(sayso_store_open(path, 0, &st, err, sizeof err),
			 SAYSO_ERR_NOT_SAYSO);
	assert_non_null(strstr(err, "not a sayso database"));

	/* Some other SQLite database. */
	snprintf(path, sizeof path, "%s/other.db", dir);
	sqlite3 *o;
	assert_int_equal(sqlite3_open(path, &o), SQLITE_OK);
	assert_int_equal(sqlite3_exec(o, "CREATE TABLE t(x)", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(o);
	assert_int_equal(
	    sayso_store_open(path, SAYSO_STORE_CREATE, &st, err, sizeof err),
	    SAYSO_ERR_NOT_SAYSO);
	assert_non_null(strstr(err, "other SQLite"));
	tu_rmtree(dir);
}

static void test_upgrade_and_newer(void **state)
{
	(void)state;
	/* SQLite files: PostgreSQL's migrations are test_pg_migrations'. */
	if (tu_pg())
		skip();
	char dir[256], db[300], err[512];
	tu_tmpdir(dir, sizeof dir);
	snprintf(db, sizeof db, "%s/u.db", dir);
	/* Build a database as the first release left it: migration 0001 only,
	 * with data in it. Opening it must apply every later migration and
	 * keep the data. */
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(h, Sayso_migrations[0].sql, NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(
		h,
		"PRAGMA user_version = 1; PRAGMA application_id = 1396791635;"
		"INSERT INTO rounds(code, title, budget, created_at) VALUES"
		"('OLD', 'Old round', 100, '2026-01-01T00:00:00.000Z')",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	struct sayso_store *st = NULL;
	/* No secret yet: CREATE is refused on an existing file without one. */
	assert_int_equal(sayso_store_open(db, 0, &st, err, sizeof err),
			 SAYSO_ERR_SECRET);
	char secret[320];
	snprintf(secret, sizeof secret, "%s.secret", db);
	FILE *f = fopen(secret, "wb");
	fwrite("0123456789abcdef0123456789abcdef", 1, 32, f);
	fclose(f);
	assert_int_equal(sayso_store_open(db, 0, &st, err, sizeof err),
			 SAYSO_OK);
	assert_int_equal(sayso_store_schema_version(st),
			 sayso_store_schema_latest());
	struct sayso_stmt *s;
	assert_int_equal(
	    Sayso_stmt_prepare(
		st, "SELECT title FROM rounds WHERE code = 'OLD'", &s),
	    SQLITE_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	assert_string_equal((const char *)Sayso_col_text(s, 0), "Old round");
	Sayso_stmt_finalize(s);
	sayso_store_close(st);

	/* A newer schema than this build is refused, not damaged. */
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
		 sayso_store_schema_latest() + 5);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(sayso_store_open(db, 0, &st, err, sizeof err),
			 SAYSO_ERR_SCHEMA);
	assert_non_null(strstr(err, "newer"));
	tu_rmtree(dir);
}

static void test_migrate_from_zero(void **state)
{
	(void)state;
	/* An empty SQLite file (version 0) is migrated through every step. */
	char dir[256], db[768], secret[300], err[512];
	tu_tmpdir(dir, sizeof dir);
	/* On PostgreSQL: an empty schema. */
	tu_site(dir, "z.db", db, sizeof db, secret, sizeof secret);
	const char *sec = tu_secret_of(db);
	struct sayso_store *st = NULL;
	assert_int_equal(sayso_store_open_at(db, sec, SAYSO_STORE_CREATE, &st,
					     err, sizeof err),
			 SAYSO_OK);
	assert_int_equal(sayso_store_schema_version(st),
			 sayso_store_schema_latest());
	sayso_store_close(st);
	/* CREATE on an existing database just opens it. */
	assert_int_equal(sayso_store_open_at(db, sec, SAYSO_STORE_CREATE, &st,
					     err, sizeof err),
			 SAYSO_OK);
	sayso_store_close(st);
	tu_rmtree(dir);
}

static void test_transactions_and_audit(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	assert_int_equal(sayso_store_begin(st), SAYSO_OK);
	assert_int_equal(
	    sayso_store_audit(st, "admin:test", "x.one", "a=%d", 1), SAYSO_OK);
	assert_int_equal(sayso_store_begin(st), SAYSO_OK); /* savepoint */
	assert_int_equal(sayso_store_audit(st, "admin:test", "x.two", "b"),
			 SAYSO_OK);
	sayso_store_rollback(st); /* drops x.two */
	assert_int_equal(sayso_store_commit(st), SAYSO_OK);
	struct sayso_stmt *s;
	assert_int_equal(
	    Sayso_stmt_prepare(st, "SELECT action FROM audit ORDER BY id", &s),
	    SAYSO_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	assert_string_equal((const char *)Sayso_col_text(s, 0), "x.one");
	assert_int_equal(Sayso_step(s), SAYSO_SQL_DONE);
	Sayso_stmt_finalize(s);
	assert_int_equal(sayso_store_commit(st), SAYSO_ERR_STATE);
	sayso_store_close(st);
}

static void test_time_and_uid(void **state)
{
	(void)state;
	int64_t ms;
	assert_int_equal(sayso_time_parse("2026-11-23T10:15:00.123Z", &ms),
			 SAYSO_OK);
	char out[32];
	sayso_time_format(ms, out, sizeof out);
	assert_string_equal(out, "2026-11-23T10:15:00.123Z");
	assert_int_equal(sayso_time_parse("2026-11-23", &ms), SAYSO_OK);
	sayso_time_format(ms, out, sizeof out);
	assert_string_equal(out, "2026-11-23T00:00:00.000Z");
	assert_int_equal(sayso_time_parse("1970-01-01T00:00:01Z", &ms),
			 SAYSO_OK);
	assert_int_equal(ms, 1000);
	assert_int_equal(sayso_time_parse("2026-13-01", &ms), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_time_parse("yesterday", &ms), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_time_parse("2026-11-23T10", &ms),
			 SAYSO_ERR_INVAL);

	char a[27], b[27];
	sayso_time_set_override(1000000);
	assert_int_equal(sayso_uid_new(a, sizeof a), SAYSO_OK);
	sayso_time_set_override(2000000);
	assert_int_equal(sayso_uid_new(b, sizeof b), SAYSO_OK);
	sayso_time_set_override(0);
	assert_int_equal(strlen(a), SAYSO_UID_LEN);
	assert_true(strcmp(a, b) < 0); /* time-ordered */
	assert_int_equal(sayso_uid_new(a, 10), SAYSO_ERR_INVAL);
}

static void test_check_and_backup(void **state)
{
	(void)state;
	char dir[256], db[768], secret[300], bak[300], err[512];
	tu_tmpdir(dir, sizeof dir);
	tu_site(dir, "c.db", db, sizeof db, secret, sizeof secret);
	snprintf(bak, sizeof bak, "%s/backup.db", dir);
	struct sayso_store *st = NULL;
	assert_int_equal(sayso_store_open_at(db, tu_secret_of(db),
					     SAYSO_STORE_INIT, &st, err,
					     sizeof err),
			 SAYSO_OK);
	bool ok = false;
	char report[2048];
	assert_int_equal(sayso_store_check(st, &ok, report, sizeof report),
			 SAYSO_OK);
	assert_true(ok);
	/* PostgreSQL's server keeps page checksums: sayso checks indexes. */
	assert_non_null(
	    strstr(report, tu_pg() ? "indexes: ok" : "integrity: ok"));
	if (tu_pg()) {
		/* A PostgreSQL site is backed up with pg_dump: sayso says so
		 * and writes nothing. */
		assert_int_not_equal(sayso_store_backup(st, bak), SAYSO_OK);
		assert_non_null(strstr(sayso_store_errmsg(st), "pg_dump"));
		assert_int_equal(access(bak, F_OK), -1);
		sayso_store_close(st);
		tu_rmtree(dir);
		return;
	}
	assert_int_equal(sayso_store_backup(st, bak), SAYSO_OK);
	assert_int_equal(sayso_store_backup(st, bak), SAYSO_ERR_EXISTS);
	sayso_store_close(st);
	/* The backup is a sayso database with the same site. */
	assert_int_equal(
	    sayso_store_open(bak, SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET,
			     &st, err, sizeof err),
	    SAYSO_OK);
	sayso_store_close(st);
	tu_rmtree(dir);
}

/* More distinct statements than the old fixed cache (96 slots, which
 * finalized the oldest) all stay prepared and usable: a statement held
 * across other queries is never finalized under its holder. */
#define MANY_STMTS 300
static char many_sql[MANY_STMTS][64];

static void test_stmt_cache_grows(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	struct sayso_stmt *held[MANY_STMTS];
	for (int i = 0; i < MANY_STMTS; i++) {
		snprintf(many_sql[i], sizeof many_sql[i], "SELECT %d + ?1", i);
		held[i] = Sayso_store_stmt(st, many_sql[i]);
		assert_non_null(held[i]);
	}
	for (int i = 0; i < MANY_STMTS; i++) {
		/* The same SQL finds the same statement, none was replaced. */
		assert_ptr_equal(Sayso_store_stmt(st, many_sql[i]), held[i]);
		assert_int_equal(Sayso_bind_int(held[i], 1, 1000),
				 SAYSO_SQL_OK);
		assert_int_equal(Sayso_step(held[i]), SAYSO_SQL_ROW);
		assert_int_equal(Sayso_col_int(held[i], 0), i + 1000);
		Sayso_reset(held[i]);
	}
	sayso_store_close(st);
}

/* Read transactions nest, count inside a write transaction, and refuse a
 * write transaction started inside them. */
static void test_read_transaction(void **state)
{
	(void)state;
	struct sayso_store *st = tu_memstore();
	assert_int_equal(sayso_store_read_begin(st), SAYSO_OK);
	assert_true(Sayso_store_in_transaction(st));
	assert_int_equal(sayso_store_read_begin(st), SAYSO_OK);
	sayso_store_read_end(st);
	assert_true(Sayso_store_in_transaction(st));
	assert_int_equal(sayso_store_begin(st), SAYSO_ERR_STATE);
	sayso_store_read_end(st);
	assert_false(Sayso_store_in_transaction(st));
	sayso_store_read_end(st); /* unmatched: a no-op */

	assert_int_equal(sayso_store_begin(st), SAYSO_OK);
	assert_int_equal(sayso_store_read_begin(st), SAYSO_OK);
	sayso_store_read_end(st);
	assert_true(Sayso_store_in_transaction(st)); /* still writing */
	assert_int_equal(sayso_store_commit(st), SAYSO_OK);
	assert_false(Sayso_store_in_transaction(st));
	sayso_store_close(st);
}

/* PostgreSQL: a connection the server drops fails the statement in flight
 * with SAYSO_ERR_IO; the next one connects again, with the session set up
 * as before (synchronous_commit on, the lock timeout). */
static void test_pg_reconnect(void **state)
{
	(void)state;
	if (!tu_pg())
		skip();
	struct sayso_store *st = tu_memstore();
	sayso_store_set_busy_timeout(st, 4321);
	int64_t pid = tu_count(st, "SELECT pg_backend_pid()");
	char uri[768], secret[300];
	tu_pg_fresh(uri, sizeof uri, secret, sizeof secret);
	struct sayso_store *other = NULL;
	char err[512];
	assert_int_equal(sayso_store_open_at(uri, secret, SAYSO_STORE_INIT,
					     &other, err, sizeof err),
			 SAYSO_OK);
	struct sayso_stmt *k = NULL;
	assert_int_equal(
	    Sayso_stmt_prepare(other, "SELECT pg_terminate_backend(?1)", &k),
	    SAYSO_OK);
	Sayso_bind_int64(k, 1, pid);
	assert_int_equal(Sayso_step(k), SAYSO_SQL_ROW);
	Sayso_stmt_finalize(k);
	sayso_store_close(other);
	usleep(200000);
	assert_int_equal(sayso_store_audit(st, "admin:test", "x.lost", "-"),
			 SAYSO_ERR_IO);
	assert_int_equal(sayso_store_audit(st, "admin:test", "x.back", "-"),
			 SAYSO_OK);
	assert_int_not_equal(tu_count(st, "SELECT pg_backend_pid()"), pid);
	assert_int_equal(tu_count(st, "SELECT count(*) FROM audit WHERE "
				      "action = 'x.back'"),
			 1);
	assert_int_equal(tu_count(st, "SELECT CASE WHEN "
				      "current_setting('synchronous_commit') "
				      "= 'on' THEN 1 ELSE 0 END"),
			 1);
	assert_int_equal(tu_count(st, "SELECT CASE WHEN "
				      "current_setting('lock_timeout') = "
				      "'4321ms' THEN 1 ELSE 0 END"),
			 1);
	sayso_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pg_reconnect),
	    cmocka_unit_test(test_fresh_memory),
	    cmocka_unit_test(test_init_file),
	    cmocka_unit_test(test_missing_and_foreign),
	    cmocka_unit_test(test_upgrade_and_newer),
	    cmocka_unit_test(test_migrate_from_zero),
	    cmocka_unit_test(test_transactions_and_audit),
	    cmocka_unit_test(test_time_and_uid),
	    cmocka_unit_test(test_check_and_backup),
	    cmocka_unit_test(test_stmt_cache_grows),
	    cmocka_unit_test(test_read_transaction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

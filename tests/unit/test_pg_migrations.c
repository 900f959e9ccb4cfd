/* test_pg_migrations.c: the PostgreSQL migrations embedded from core/sql/pg
 * (migrations.h): versions from the file names, in order, the whole text,
 * and both engines ending at the same schema version. The schema itself is
 * compared with SQLite's by tests/integration/pg_schema.sh. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrations.h"

/* The bytes of core/sql/pg/NAME, malloc'd. */
static char *source(const char *name, size_t *n)
{
	const char *src = getenv("SAYSO_SRC");
	assert_non_null(src);
	char path[1024];
	snprintf(path, sizeof path, "%s/core/sql/pg/%s", src, name);
	char *s = tu_slurp(path, n);
	assert_non_null(s);
	return s;
}

static void test_baseline_first(void **state)
{
	(void)state;
	assert_true(Sayso_pg_migration_count >= 1);
	assert_int_equal(Sayso_pg_migrations[0].version, 10);
	assert_string_equal(Sayso_pg_migrations[0].name, "0010_baseline.sql");
	assert_non_null(strstr(Sayso_pg_migrations[0].sql,
			       "CREATE UNIQUE INDEX ballots_one_counted"));
}

static void test_versions_match_names(void **state)
{
	(void)state;
	int last = 0;
	for (int i = 0; i < Sayso_pg_migration_count; i++) {
		const struct sayso_pg_migration *m = &Sayso_pg_migrations[i];
		char digits[5] = {0};
		memcpy(digits, m->name, 4);
		assert_int_equal(m->version, atoi(digits));
		assert_true(m->version > last);
		last = m->version;
		/* Embedded byte for byte, whole. */
		size_t n = 0;
		char *s = source(m->name, &n);
		assert_int_equal(strlen(m->sql), n);
		assert_memory_equal(m->sql, s, n);
		free(s);
	}
}

/* A schema change lands on both engines: the newest PostgreSQL file brings
 * the database to the version SQLite's files do (user_version counts them).
 * Fails when core/sql gains a file without its core/sql/pg twin. */
static void test_same_latest_version(void **state)
{
	(void)state;
	int n = Sayso_pg_migration_count;
	assert_true(n >= 1);
	if (Sayso_pg_migrations[n - 1].version != Sayso_migration_count)
		fail_msg(
		    "core/sql brings SQLite to version %d but core/sql/pg "
		    "ends at %d (%s): add core/sql/pg/%04d_*.sql",
		    Sayso_migration_count, Sayso_pg_migrations[n - 1].version,
		    Sayso_pg_migrations[n - 1].name, Sayso_migration_count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_baseline_first),
	    cmocka_unit_test(test_versions_match_names),
	    cmocka_unit_test(test_same_latest_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* testutil.c: helpers shared by the unit tests. */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
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

struct sayso_store *tu_memstore(void)
{
	struct sayso_store *st = NULL;
	char err[512];
	enum sayso_err e =
	    sayso_store_open(":memory:", 0, &st, err, sizeof err);
	if (e != SAYSO_OK)
		fail_msg("open :memory: failed: %s", err);
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

struct sayso_store *tu_store_open(const char *path, unsigned flags)
{
	struct sayso_store *st = NULL;
	char err[256];
	if (sayso_store_open(path, flags, &st, err, sizeof err) != SAYSO_OK)
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

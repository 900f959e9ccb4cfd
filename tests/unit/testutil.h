/* testutil.h: small helpers shared by the cmocka unit tests. */
#ifndef SAYSO_TESTUTIL_H
#define SAYSO_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

struct sayso_store;

/* A fresh private temporary directory (removed by tu_rmtree). out >= 256. */
void tu_tmpdir(char *out, size_t outsz);
/* rm -rf path (only under /tmp). */
void tu_rmtree(const char *path);
/* An in-memory store with device "test"; fails the test on error. */
struct sayso_store *tu_memstore(void);
/* Whether the tests run on PostgreSQL (SAYSO_TEST_ENGINE=pg, with the
 * throwaway cluster's URI in the file SAYSO_TEST_PG_URI_FILE names): then
 * tu_memstore() is a fresh schema in that cluster instead of :memory:. */
bool tu_pg(void);
/* A fresh empty schema's URI in the test cluster and a secret path (in a
 * new temporary directory) for it. */
void tu_pg_fresh(char *uri, size_t urisz, char *secret, size_t secretsz);
/* A site database for a test, named name in the test's directory dir:
 * under tu_pg() a fresh schema in the test cluster (db its URI, secret
 * dir/name.secret, remembered for tu_secret_of), else the file dir/name
 * (secret "": the default, beside it). Create it with SAYSO_STORE_INIT or
 * `sayso-admin init` as a file would be. */
void tu_site(const char *dir, const char *name, char *db, size_t dbsz,
	     char *secret, size_t secretsz);
/* The secret path tu_site gave the PostgreSQL site db, NULL for a file
 * (the default secret beside it) or any other database. */
const char *tu_secret_of(const char *db);
/* Inserts "--secret PATH" after "--db DB" in a sayso-admin argv (argc
 * arguments, room for max, NULL-ended) when DB is a tu_site PostgreSQL
 * site; returns the new argc. */
int tu_argv_secret(char **argv, int argc, int max);
/* Runs sql on the PostgreSQL database uri with libpq (no sayso), failing
 * the test on error (for tests that tamper with a site). */
void tu_pg_exec(const char *uri, const char *sql);
/* Reads a whole file into a malloc'd NUL-terminated buffer (size in *n). */
char *tu_slurp(const char *path, size_t *n);
/* Whether needle occurs in the n bytes of hay. */
int tu_memmem(const char *hay, size_t n, const char *needle);
/* Opens the store at path (its tu_secret_of secret) with flags, failing the
 * test (with the reason) when it cannot. */
struct sayso_store *tu_store_open(const char *path, unsigned flags);
/* The integer of the first column of the one row that sql gives on st. */
int64_t tu_count(struct sayso_store *st, const char *sql);
/* Runs sql on the file at path as the sqlite3 CLI would: no sayso, no key
 * (for tests that tamper with a file). */
void tu_sql_file(const char *path, const char *sql);
/* Copies the file from to the file to, byte for byte. */
void tu_copy_file(const char *from, const char *to);

/* The merge tests' site at site (INIT): round "pb" (budget 10,000.00 GBP, 1
 * to max_picks picks; 0 = the default) with projects 1-3 "Play area",
 * "CCTV", "Benches" costing 1,000, 2,000, 3,000, open, and kiosk "fun-1"
 * enrolled into the file kiosk. */
void tu_merge_site(const char *site, const char *kiosk, int max_picks);

/* Writes the n bytes of buf to path with bit (0-7) of byte at flipped;
 * buf is as it was afterwards (the bit-flip tests). */
void tu_write_flipped(const char *path, unsigned char *buf, size_t n, size_t at,
		      int bit);

#endif

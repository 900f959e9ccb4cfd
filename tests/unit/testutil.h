/* testutil.h: small helpers shared by the cmocka unit tests. */
#ifndef SAYSO_TESTUTIL_H
#define SAYSO_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
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
/* Reads a whole file into a malloc'd NUL-terminated buffer (size in *n). */
char *tu_slurp(const char *path, size_t *n);
/* Whether needle occurs in the n bytes of hay. */
int tu_memmem(const char *hay, size_t n, const char *needle);

#endif

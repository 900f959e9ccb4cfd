/* testutil.c: helpers shared by the unit tests. */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

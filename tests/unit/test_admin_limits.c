/*
 * test_admin_limits.c: the admin edges use core's one rules: the project
 * number range (1..SAYSO_PROJECT_NUMBER_MAX) for `project add --number` and
 * `project import`, and the currency check for `round create --currency`.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "sayso/limits.h"

static char errtext[4096];

/* Runs sayso-admin in-process; returns the exit code; stderr kept in
 * errtext. */
static int adm(const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"sayso-admin";
	argv[argc++] = (char *)first;
	va_list ap;
	va_start(ap, first);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	argc = tu_argv_secret(argv, argc, 32);
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *o = open_memstream(&obuf, &olen);
	FILE *e = open_memstream(&ebuf, &elen);
	assert_non_null(o);
	assert_non_null(e);
	int rc = admin_main(argc, argv, o, e);
	fclose(o);
	fclose(e);
	snprintf(errtext, sizeof errtext, "%s", ebuf ? ebuf : "");
	free(obuf);
	free(ebuf);
	return rc;
}

static void test_number_and_currency(void **state)
{
	(void)state;
	char dir[256], db[768], secret[300], csv[320], max[16], over[16];
	tu_tmpdir(dir, sizeof dir);
	tu_site(dir, "a.db", db, sizeof db, secret, sizeof secret);
	snprintf(max, sizeof max, "%d", SAYSO_PROJECT_NUMBER_MAX);
	snprintf(over, sizeof over, "%d", SAYSO_PROJECT_NUMBER_MAX + 1);
	assert_int_equal(adm("--db", db, "init", NULL), 0);
	assert_int_not_equal(adm("--db", db, "round", "create", "r", "--title",
				 "R", "--budget", "1000", "--currency", "gbp",
				 NULL),
			     0);
	assert_non_null(strstr(errtext, "ISO 4217"));
	assert_int_equal(adm("--db", db, "round", "create", "r", "--title", "R",
			     "--budget", "1000", "--currency", "PLN", NULL),
			 0);
	assert_int_equal(adm("--db", db, "project", "add", "r", "--title",
			     "Top", "--cost", "10", "--number", max, NULL),
			 0);
	assert_int_not_equal(adm("--db", db, "project", "add", "r", "--title",
				 "Over", "--cost", "10", "--number", over,
				 NULL),
			     0);
	snprintf(csv, sizeof csv, "%s/p.csv", dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fprintf(f, "number,title,cost,description\n%s,Too far,10,x\n", over);
	fclose(f);
	assert_int_not_equal(
	    adm("--db", db, "project", "import", "r", csv, NULL), 0);
	assert_non_null(strstr(errtext, "field number"));
	f = fopen(csv, "w");
	assert_non_null(f);
	fprintf(f, "number,title,cost,description\n%d,Last,10,x\n",
		SAYSO_PROJECT_NUMBER_MAX - 1);
	fclose(f);
	assert_int_equal(adm("--db", db, "project", "import", "r", csv, NULL),
			 0);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_number_and_currency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

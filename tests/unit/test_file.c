/* test_file.c: the atomic file write (sayso/file.h). */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/file.h"

/* Files in dir other than . and .. */
static int entries(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void test_atomic_write(void **state)
{
	(void)state;
	char dir[256], path[300], tmp[400];
	tu_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/codes.csv", dir);
	FILE *f = NULL;
	int sys = -1;
	assert_int_equal(sayso_atomic_open(path, tmp, sizeof tmp, &f, &sys),
			 SAYSO_OK);
	assert_non_null(f);
	assert_int_equal(sys, 0);
	assert_non_null(strstr(tmp, "/codes.csv.tmp-"));
	fputs("first\n", f);
	assert_int_equal(sayso_atomic_finish(f, tmp, path, true, &sys),
			 SAYSO_OK);
	size_t n;
	char *got = tu_slurp(path, &n);
	assert_string_equal(got, "first\n");
	free(got);
	assert_int_equal(entries(dir), 1); /* no temp left behind */

	/* A write that is abandoned leaves the old file whole. */
	assert_int_equal(sayso_atomic_open(path, tmp, sizeof tmp, &f, &sys),
			 SAYSO_OK);
	fputs("second, half", f);
	assert_int_equal(sayso_atomic_finish(f, tmp, path, false, &sys),
			 SAYSO_ERR_IO);
	assert_int_equal(sys, 0);
	got = tu_slurp(path, &n);
	assert_string_equal(got, "first\n");
	free(got);
	assert_int_equal(entries(dir), 1);

	/* A folder that does not exist; a name that does not fit. */
	snprintf(path, sizeof path, "%s/nope/x.csv", dir);
	assert_int_equal(sayso_atomic_open(path, tmp, sizeof tmp, &f, &sys),
			 SAYSO_ERR_IO);
	assert_null(f);
	assert_true(sys != 0);
	assert_int_equal(sayso_atomic_open(path, tmp, 8, &f, &sys),
			 SAYSO_ERR_TOOBIG);
	assert_int_equal(sayso_fsync_dir(dir), SAYSO_OK);
	assert_int_equal(sayso_fsync_parent(path), SAYSO_ERR_IO);
	tu_rmtree(dir);
}

/* What sayso_delim_write writes for s with separator sep and flags. */
static void field_opt(const char *s, char sep, unsigned flags, const char *want)
{
	char buf[128];
	memset(buf, 'x', sizeof buf);
	buf[0] = '\0';
	FILE *f = fmemopen(buf, sizeof buf, "w");
	assert_non_null(f);
	sayso_delim_write(f, s, sep, flags);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, want);
}

/* What sayso_delim_field writes for s with separator sep. */
static void field(const char *s, char sep, const char *want)
{
	char buf[128];
	/* 'x' past the start: only what fmemopen writes (and its closing NUL)
	 * can make buf a string; an empty field writes nothing. */
	memset(buf, 'x', sizeof buf);
	buf[0] = '\0';
	FILE *f = fmemopen(buf, sizeof buf, "w");
	assert_non_null(f);
	sayso_delim_field(f, s, sep);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, want);
}

/* CSV (',') and .pb (';') fields: quoted only when they must be, quotes
 * doubled; the other file's separator needs no quotes. */
static void test_delim_field(void **state)
{
	(void)state;
	field("Play area", ',', "Play area");
	field(NULL, ',', "");
	field("a,b", ',', "\"a,b\"");
	field("a,b", ';', "a,b");
	field("a;b", ';', "\"a;b\"");
	field("a;b", ',', "a;b");
	field("say \"hi\"", ',', "\"say \"\"hi\"\"\"");
	field("two\nlines", ';', "\"two\nlines\"");
	field("cr\r", ',', "\"cr\r\"");
}

/* Spreadsheet formulas are defused with a leading ' when asked (CSV for
 * people), never otherwise (.pb data round-trips byte for byte). */
static void test_delim_formula_guard(void **state)
{
	const unsigned g = SAYSO_DELIM_FORMULA_GUARD;

	(void)state;
	field_opt("=HYPERLINK(\"http://x\")", ',', g,
		  "\"'=HYPERLINK(\"\"http://x\"\")\"");
	field_opt("=1+1", ',', g, "'=1+1");
	field_opt("+44 7700", ',', g, "'+44 7700");
	field_opt("-cmd|' /C calc'!A0", ',', g, "'-cmd|' /C calc'!A0");
	field_opt("@SUM(A1)", ',', g, "'@SUM(A1)");
	field_opt("\tx", ',', g, "'\tx");
	field_opt("-12.50", ',', g, "-12.50"); /* a number */
	field_opt("+3", ',', g, "+3");
	field_opt("-", ',', g, "'-");
	field_opt("Play area", ',', g, "Play area");
	field_opt("a=b", ',', g, "a=b");
	field_opt("", ',', g, "");
	field_opt("=1+1", ';', 0, "=1+1");
	field("=1+1", ';', "=1+1");
	field("@x", ',', "@x");
	assert_true(sayso_delim_is_formula("=A1"));
	assert_false(sayso_delim_is_formula(NULL));
	assert_false(sayso_delim_is_formula("12"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_atomic_write),
	    cmocka_unit_test(test_delim_field),
	    cmocka_unit_test(test_delim_formula_guard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

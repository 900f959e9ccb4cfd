/*
 * test_admin_out.c: sayso-admin's output and input helpers: RFC 4180 CSV
 * (writer quoting; reader line numbers, multi-line fields, CRLF, BOM, stray
 * and unterminated quotes, limits), aligned tables with UTF-8, plain money
 * for CSV, title shortening, and the argument parser's usage errors.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

static FILE *mem(const char *s)
{
	return fmemopen((void *)s, strlen(s), "r");
}

static void test_csv_write(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	const char *row[] = {"plain", "a,b", "say \"hi\"", "two\nlines", ""};
	admin_csv_row(f, row, 5);
	fclose(f);
	assert_string_equal(
	    buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
	free(buf);
}

static void test_csv_read(void **state)
{
	(void)state;
	FILE *f = mem("\xEF\xBB\xBFnumber,title\r\n1,\"multi\nline\"\r\n\n"
		      "2,\"a \"\"q\"\" b\"\n3,last");
	struct admin_csv *c = admin_csv_open(f, ',');
	char **fl;
	size_t nf;
	assert_int_equal(admin_csv_next(c, &fl, &nf), 1);
	assert_int_equal(admin_csv_line(c), 1);
	assert_int_equal(nf, 2);
	assert_string_equal(fl[0], "number");
	assert_int_equal(admin_csv_next(c, &fl, &nf), 1);
	assert_int_equal(admin_csv_line(c), 2);
	assert_string_equal(fl[1], "multi\nline");
	assert_int_equal(admin_csv_next(c, &fl, &nf), 1);
	assert_int_equal(admin_csv_line(c), 5); /* after a blank line */
	assert_string_equal(fl[1], "a \"q\" b");
	assert_int_equal(admin_csv_next(c, &fl, &nf), 1);
	assert_int_equal(admin_csv_line(c), 6);
	assert_string_equal(fl[1], "last");
	assert_int_equal(admin_csv_next(c, &fl, &nf), 0);
	admin_csv_free(c);
	fclose(f);
}

static void test_csv_errors(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		long line;
		const char *msg;
	} cases[] = {
	    {"a,b\n1,x\"y\n", 2, "stray quote in field 2"},
	    {"a,b\n1,\"x\"y\n", 2, "text after a closing quote"},
	    {"a,b\n\n\n1,\"never closed\n", 4, "never closed"},
	    {"\xEF\xBB", 1, "not UTF-8"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		FILE *f = mem(cases[i].in);
		struct admin_csv *c = admin_csv_open(f, ',');
		char **fl;
		size_t nf;
		int rc;
		while ((rc = admin_csv_next(c, &fl, &nf)) == 1)
			;
		assert_int_equal(rc, -1);
		assert_int_equal(admin_csv_line(c), cases[i].line);
		assert_non_null(strstr(admin_csv_error(c), cases[i].msg));
		admin_csv_free(c);
		fclose(f);
	}
	/* A field over the limit is an error, not a truncation. */
	size_t big = ADMIN_CSV_FIELD_MAX + 10;
	char *s = malloc(big + 8);
	memset(s, 'x', big);
	memcpy(s + big, "\n", 2);
	FILE *f = mem(s);
	struct admin_csv *c = admin_csv_open(f, ',');
	char **fl;
	size_t nf;
	assert_int_equal(admin_csv_next(c, &fl, &nf), -1);
	assert_non_null(strstr(admin_csv_error(c), "longer than"));
	admin_csv_free(c);
	fclose(f);
	free(s);
}

static void test_table(void **state)
{
	(void)state;
	static const char *const h[] = {"NO", "TITLE", "COST"};
	struct admin_table *t = admin_table_new(3, h, "rlr");
	const char *r1[] = {"1", "Play area", "£20,000"};
	const char *r2[] = {"12", "Łąka", "£500"};
	assert_true(admin_table_add(t, r1));
	assert_true(admin_table_add(t, r2));
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	admin_table_print(t, f, ADMIN_FMT_TABLE);
	fclose(f);
	assert_string_equal(buf, "NO  TITLE         COST\n"
				 " 1  Play area  £20,000\n"
				 "12  Łąka          £500\n");
	free(buf);
	f = open_memstream(&buf, &n);
	admin_table_print(t, f, ADMIN_FMT_CSV);
	fclose(f);
	assert_string_equal(buf, "NO,TITLE,COST\r\n1,Play area,\"£20,000\"\r\n"
				 "12,Łąka,£500\r\n");
	free(buf);
	admin_table_free(t);
}

static void test_money_and_shorten(void **state)
{
	(void)state;
	char b[64];
	admin_money_plain(5000000, "GBP", b, sizeof b);
	assert_string_equal(b, "50000");
	admin_money_plain(123450, "GBP", b, sizeof b);
	assert_string_equal(b, "1234.50");
	admin_money_plain(-5, "GBP", b, sizeof b);
	assert_string_equal(b, "-0.05");
	admin_shorten("short", 10, b, sizeof b);
	assert_string_equal(b, "short");
	admin_shorten("Łąka przy ulicy Długiej", 10, b, sizeof b);
	assert_string_equal(b, "Łąka pr...");
}

static int run(const char *const *args, char **errout)
{
	char *argv[16];
	int argc = 0;
	for (; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	char *o = NULL, *e = NULL;
	size_t on = 0, en = 0;
	FILE *of = open_memstream(&o, &on), *ef = open_memstream(&e, &en);
	int rc = admin_main(argc, argv, of, ef);
	fclose(of);
	fclose(ef);
	free(o);
	*errout = e;
	return rc;
}

static void test_usage_errors(void **state)
{
	(void)state;
	static const struct {
		const char *args[8];
		int rc;
		const char *msg;
	} cases[] = {
	    {{"sayso-admin", NULL}, 2, "usage: sayso-admin"},
	    {{"sayso-admin", "--bogus", NULL}, 2, "unknown option --bogus"},
	    {{"sayso-admin", "--db", NULL}, 2, "needs a value"},
	    {{"sayso-admin", "tally", NULL}, 2, "missing argument"},
	    {{"sayso-admin", "tally", "a", "b", NULL},
	     2,
	     "unexpected argument 'b'"},
	    {{"sayso-admin", "tally", "a", "--rule", NULL},
	     2,
	     "--rule needs a value"},
	    {{"sayso-admin", "tally", "a", "--format", "xml", NULL},
	     2,
	     "not one of table, csv, json"},
	    {{"sayso-admin", "voters", "report", "a", "--electorate", "12x",
	      NULL},
	     2,
	     "not a whole number"},
	    {{"sayso-admin", "codes", "generate", "a", "--count", "0", NULL},
	     2,
	     "out of range"},
	    {{"sayso-admin", "erase", NULL}, 2, "exactly one of --phone"},
	    {{"sayso-admin", "--db", "/nonexistent/x.db", "check", NULL},
	     1,
	     "no such database"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = NULL;
		int rc = run(cases[i].args, &err);
		if (rc != cases[i].rc || !strstr(err, cases[i].msg))
			fail_msg("case %zu: rc %d, stderr: %s", i, rc, err);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_write),
	    cmocka_unit_test(test_csv_read),
	    cmocka_unit_test(test_csv_errors),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_money_and_shorten),
	    cmocka_unit_test(test_usage_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

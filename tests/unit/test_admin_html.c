/*
 * test_admin_html.c: the page pieces of the results commands (admin/html.c):
 * escaping of residents' text, number formatting, periods and the atomic
 * output directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"
#include "html.h"

/* html_esc() of s into a malloc'd string. */
static char *esc(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	html_esc(f, s);
	fclose(f);
	return buf;
}

static void test_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"<script>alert(\"x\")</script>",
	     "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"},
	    {"<img src=x onerror='alert(1)'>",
	     "&lt;img src=x onerror=&#39;alert(1)&#39;&gt;"},
	    {"Fish & chips", "Fish &amp; chips"},
	    {"&amp;", "&amp;amp;"},
	    {"Łódź — £5", "Łódź — £5"},			/* UTF-8 kept */
	    {"bad \xff byte", "bad \xef\xbf\xbd byte"}, /* U+FFFD */
	    {"cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd"},
	    {"overlong \xc0\xbc", "overlong \xef\xbf\xbd\xef\xbf\xbd"},
	    {"bell\a and\x1b[31m", "bell  and [31m"}, /* controls dropped */
	    {"two\nlines\tok", "two\nlines\tok"},
	    {"", ""},
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = esc(cases[i].in);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	s = esc(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_numbers(void **state)
{
	char b[32];

	(void)state;
	html_pct(0.748, b, sizeof b);
	assert_string_equal(b, "74.8%");
	html_pct(0.88, b, sizeof b);
	assert_string_equal(b, "88%");
	html_pct(2.0 / 3.0, b, sizeof b);
	assert_string_equal(b, "66.7%");
	html_pct(0.99996, b, sizeof b);
	assert_string_equal(b, "100%");
	html_pct(0, b, sizeof b);
	assert_string_equal(b, "0%");
	html_int(0, b, sizeof b);
	assert_string_equal(b, "0");
	html_int(999, b, sizeof b);
	assert_string_equal(b, "999");
	html_int(1000, b, sizeof b);
	assert_string_equal(b, "1,000");
	html_int(1234567, b, sizeof b);
	assert_string_equal(b, "1,234,567");
	html_int(-6586, b, sizeof b);
	assert_string_equal(b, "-6,586");
	html_int(1234567, b, 6); /* truncated, still terminated */
	assert_int_equal(strlen(b), 5);
	assert_string_equal(html_channel_label("sms"), "Text message");
	assert_string_equal(html_channel_label("kiosk"), "Touchscreen");
	assert_string_equal(html_channel_label("carrier pigeon"),
			    "carrier pigeon");
}

static struct admin_ctx *ctx_new(FILE **errf, char **errbuf, size_t *errlen)
{
	struct admin_ctx *ctx = calloc(1, sizeof *ctx);

	assert_non_null(ctx);
	*errf = open_memstream(errbuf, errlen);
	ctx->out = stdout;
	ctx->err = *errf;
	return ctx;
}

static void test_period(void **state)
{
	char *eb = NULL;
	size_t el = 0;
	FILE *ef;
	struct admin_ctx *ctx = ctx_new(&ef, &eb, &el);
	int64_t lo, hi, day;

	(void)state;
	assert_int_equal(sayso_time_parse("2026-11-30", &day), SAYSO_OK);
	assert_int_equal(
	    admin_period(ctx, "x", "2026-11-01", "2026-11-30", &lo, &hi), 0);
	assert_int_equal(hi, day + 86400000); /* the whole last day */
	assert_int_equal(sayso_time_parse("2026-11-01", &day), SAYSO_OK);
	assert_int_equal(lo, day);
	assert_int_equal(
	    admin_period(ctx, "x", NULL, "2026-11-30T12:00:00Z", &lo, &hi), 0);
	assert_int_equal(lo, 0);
	assert_int_equal(sayso_time_parse("2026-11-30T12:00:00Z", &day),
			 SAYSO_OK);
	assert_int_equal(hi, day); /* a time is taken exactly */
	assert_int_equal(admin_period(ctx, "x", NULL, NULL, &lo, &hi), 0);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 0);
	assert_int_equal(admin_period(ctx, "x", "soon", NULL, &lo, &hi),
			 ADMIN_EXIT_USAGE);
	assert_int_equal(
	    admin_period(ctx, "x", "2026-12-01", "2026-11-01", &lo, &hi),
	    ADMIN_EXIT_USAGE);
	fflush(ef);
	assert_non_null(strstr(eb, "'soon' is not a date"));
	assert_non_null(strstr(eb, "--until is before --since"));
	fclose(ef);
	free(eb);
	free(ctx);
}

static void write_page(struct admin_ctx *ctx, const char *dir, const char *text,
		       bool ok, int want)
{
	struct admin_outdir od;
	FILE *f;

	assert_int_equal(admin_outdir_begin(ctx, &od, dir), 0);
	f = admin_outdir_open(ctx, &od, "index.html");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(admin_outdir_close(ctx, &od, f, "index.html"), 0);
	assert_int_equal(admin_outdir_finish(ctx, &od, ok), want);
}

static void test_outdir(void **state)
{
	char tmp[256], dir[400], p[500], cmd[600];
	char *eb = NULL, *s;
	size_t el = 0, n;
	FILE *ef, *f;
	struct admin_ctx *ctx = ctx_new(&ef, &eb, &el);
	struct admin_outdir od;

	(void)state;
	tu_tmpdir(tmp, sizeof tmp);
	snprintf(dir, sizeof dir, "%s/page", tmp);
	snprintf(p, sizeof p, "%s/index.html", dir);

	write_page(ctx, dir, "first", true, 0);
	s = tu_slurp(p, &n);
	assert_string_equal(s, "first");
	free(s);

	/* A stale file in the old page goes with it. */
	snprintf(cmd, sizeof cmd, "%s/stale.json", dir);
	f = fopen(cmd, "w");
	assert_non_null(f);
	fclose(f);
	write_page(ctx, dir, "second", true, 0);
	s = tu_slurp(p, &n);
	assert_string_equal(s, "second");
	free(s);
	assert_int_not_equal(access(cmd, F_OK), 0);

	/* A failed run leaves the previous page as it was. */
	write_page(ctx, dir, "broken", false, ADMIN_EXIT_ERROR);
	s = tu_slurp(p, &n);
	assert_string_equal(s, "second");
	free(s);
	snprintf(cmd, sizeof cmd, "ls -d %s/page.* 2>/dev/null | grep -q .",
		 tmp);
	assert_int_not_equal(system(cmd), 0); /* no temp dirs left */

	/* Trailing slashes name the same directory. */
	snprintf(p, sizeof p, "%s/page///", tmp);
	write_page(ctx, p, "third", true, 0);

	/* A non-empty directory sayso did not write is refused, untouched. */
	snprintf(dir, sizeof dir, "%s/home", tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(p, sizeof p, "%s/notes.txt", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("keep", f);
	fclose(f);
	assert_int_equal(admin_outdir_begin(ctx, &od, dir), ADMIN_EXIT_ERROR);
	s = tu_slurp(p, &n);
	assert_string_equal(s, "keep");
	free(s);
	/* An empty one is fine. */
	snprintf(dir, sizeof dir, "%s/empty", tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_page(ctx, dir, "ok", true, 0);
	/* A file in the way is refused. */
	assert_int_equal(admin_outdir_begin(ctx, &od, p), ADMIN_EXIT_ERROR);

	fflush(ef);
	assert_non_null(strstr(eb, "not written by sayso"));
	assert_non_null(strstr(eb, "is not a directory"));
	fclose(ef);
	free(eb);
	free(ctx);
	tu_rmtree(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_period),
	    cmocka_unit_test(test_outdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

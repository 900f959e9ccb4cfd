/*
 * test_admin_cli.c: sayso-admin's one command table and the command
 * preamble (admin_args_fmt, admin_rule, admin_open, admin_open_round).
 *
 * Every command of the table is listed by --help in table order and found
 * by its own words (its --help prints its usage); the preamble checks the
 * arguments before it touches the database, so a usage error is exit 2 even
 * when the database is missing, and then opens it and loads the round.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

struct out {
	int rc;
	char *out, *err;
};

static void out_free(struct out *o)
{
	free(o->out);
	free(o->err);
}

/* Runs sayso-admin with args (NULL-ended, without argv[0]). */
static struct out run(const char *const *args)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"sayso-admin";
	for (size_t i = 0; args[i]; i++) {
		assert_true(argc < 31);
		argv[argc++] = (char *)args[i];
	}
	argv[argc] = NULL;
	argc = tu_argv_secret(argv, argc, 32);
	struct out o = {0};
	size_t on = 0, en = 0;
	FILE *of = open_memstream(&o.out, &on);
	FILE *ef = open_memstream(&o.err, &en);
	assert_non_null(of);
	assert_non_null(ef);
	o.rc = admin_main(argc, argv, of, ef);
	fclose(of);
	fclose(ef);
	return o;
}

/* Splits words ("reports list") into args[0..] and appends extra. */
static void words_args(const char *words, const char *extra, char *buf,
		       size_t bufsz, const char **args, size_t max)
{
	size_t n = 0;
	snprintf(buf, bufsz, "%s", words);
	for (char *p = buf; p && n + 2 < max;) {
		char *sp = strchr(p, ' ');
		if (sp)
			*sp++ = '\0';
		args[n++] = p;
		p = sp;
	}
	if (extra)
		args[n++] = extra;
	args[n] = NULL;
}

static void test_one_table(void **state)
{
	(void)state;
	size_t n = 0;
	for (const struct admin_cmd *c = admin_cmds; c->words; c++, n++) {
		assert_non_null(c->usage);
		assert_non_null(c->summary);
		assert_non_null(c->run);
		for (const struct admin_cmd *d = admin_cmds; d < c; d++)
			assert_string_not_equal(d->words, c->words);
	}
	/* The organiser commands and the pages ones are in the one table. */
	assert_true(n >= 26);

	const char *help[] = {"--help", NULL};
	struct out o = run(help);
	assert_int_equal(o.rc, ADMIN_EXIT_OK);
	const char *at = o.out;
	for (const struct admin_cmd *c = admin_cmds; c->words; c++) {
		char line[128];
		/* Two spaces at least after a 17-character name. */
		snprintf(line, sizeof line,
			 strlen(c->words) < 17 ? "\n  %-17s %s\n"
					       : "\n  %s  %s\n",
			 c->words, c->summary);
		const char *p = strstr(at, line);
		if (p == NULL)
			fail_msg("--help does not list '%s' after the one "
				 "before it",
				 c->words);
		at = p + 1;
	}
	out_free(&o);

	for (const struct admin_cmd *c = admin_cmds; c->words; c++) {
		char buf[128], want[160];
		const char *args[8];
		words_args(c->words, "--help", buf, sizeof buf, args, 8);
		o = run(args);
		assert_int_equal(o.rc, ADMIN_EXIT_OK);
		snprintf(want, sizeof want, "usage: sayso-admin %s", c->words);
		if (strncmp(o.out, want, strlen(want)) != 0)
			fail_msg("'%s --help' printed '%s'", c->words, o.out);
		out_free(&o);
	}
}

/* Usage errors are found before the database is opened. */
static void test_usage_before_database(void **state)
{
	(void)state;
	static const struct {
		const char *args[12];
		const char *msg;
	} cases[] = {
	    {{"--db", "/nonexistent/x.db", "tally", "R", "--rule", "borda",
	      NULL},
	     "sayso-admin tally: --rule: 'borda' is not greedy, mes or "
	     "approval"},
	    {{"--db", "/nonexistent/x.db", "export", "pb", "R", "--rule", "x",
	      NULL},
	     "sayso-admin export pb: --rule: 'x' is not"},
	    {{"--db", "/nonexistent/x.db", "results", "R", "--out", "d",
	      "--rule", "x", NULL},
	     "sayso-admin results: --rule: 'x' is not"},
	    {{"--db", "/nonexistent/x.db", "report", "--out", "d", "--rule",
	      "x", NULL},
	     "sayso-admin report: --rule: 'x' is not"},
	    {{"--db", "/nonexistent/x.db", "project", "list", "R", "--format",
	      "xml", NULL},
	     "sayso-admin project list: --format: 'xml' is not one of"},
	    {{"--db", "/nonexistent/x.db", "round", "list", "--format", "yaml",
	      NULL},
	     "sayso-admin round list: --format: 'yaml'"},
	    {{"--db", "/nonexistent/x.db", "ratings", "summary", "--format",
	      "x", NULL},
	     "sayso-admin ratings summary: --format: 'x'"},
	    {{"--db", "/nonexistent/x.db", "voters", "report", "R", "--format",
	      "x", NULL},
	     "sayso-admin voters report: --format: 'x'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct out o = run(cases[i].args);
		if (o.rc != ADMIN_EXIT_USAGE || !strstr(o.err, cases[i].msg))
			fail_msg("case %zu: rc %d, stderr '%s'", i, o.rc,
				 o.err);
		assert_null(strstr(o.err, "no such database"));
		out_free(&o);
	}
}

/* Then the database is opened (read-only or read-write) and the round
 * loaded, with the same messages for every command. */
static void test_open_and_round(void **state)
{
	(void)state;
	char dir[256], db[768], secret[300];
	tu_tmpdir(dir, sizeof dir);
	tu_site(dir, "a.db", db, sizeof db, secret, sizeof secret);

	const char *missing[] = {"--db", db, "round", "show", "R", NULL};
	struct out o = run(missing);
	assert_int_equal(o.rc, ADMIN_EXIT_ERROR);
	/* A PostgreSQL site's database exists; its schema is empty. */
	assert_non_null(strstr(o.err, tu_pg() ? "the database is empty"
					      : "no such database"));
	out_free(&o);

	const char *init[] = {"--db", db, "init", NULL};
	o = run(init);
	assert_int_equal(o.rc, ADMIN_EXIT_OK);
	out_free(&o);

	static const char *const no_round[][8] = {
	    {"round", "show", "NOPE", NULL},
	    {"project", "list", "NOPE", "--format", "csv", NULL},
	    {"tally", "NOPE", "--rule", "mes", NULL},
	    {"voters", "report", "NOPE", NULL},
	    {"export", "pb", "NOPE", NULL},
	    {"project", "add", "NOPE", "--title", "T", "--cost", "5", NULL},
	    {"round", "open", "NOPE", NULL},
	};
	for (size_t i = 0; i < sizeof no_round / sizeof no_round[0]; i++) {
		const char *args[12] = {"--db", db};
		size_t n = 2;
		for (size_t k = 0; no_round[i][k]; k++)
			args[n++] = no_round[i][k];
		args[n] = NULL;
		o = run(args);
		if (o.rc != ADMIN_EXIT_ERROR ||
		    !strstr(o.err, "no round 'NOPE' in "))
			fail_msg("case %zu: rc %d, stderr '%s'", i, o.rc,
				 o.err);
		out_free(&o);
	}

	/* A write (ADMIN_WRITE) then reads (ADMIN_READ) of the same round. */
	const char *create[] = {"--db",	   db,	   "round",    "create", "PARK",
				"--title", "Park", "--budget", "1000",	 NULL};
	o = run(create);
	assert_int_equal(o.rc, ADMIN_EXIT_OK);
	out_free(&o);
	const char *add[] = {"--db",	db,	 "project", "add", "PARK",
			     "--title", "Bench", "--cost",  "250", NULL};
	o = run(add);
	assert_int_equal(o.rc, ADMIN_EXIT_OK);
	assert_non_null(strstr(o.out, "added project 1 to PARK: Bench"));
	out_free(&o);
	const char *list[] = {"--db", db,	  "project", "list",
			      "PARK", "--format", "csv",     NULL};
	o = run(list);
	assert_int_equal(o.rc, ADMIN_EXIT_OK);
	assert_non_null(strstr(o.out, "Bench"));
	assert_null(strstr(o.out, "NUMBER")); /* csv headers are lower case */
	out_free(&o);
	const char *show[] = {"--db",	       db,  "round", "show", "PARK",
			      "--format=json", NULL};
	o = run(show);
	assert_int_equal(o.rc, ADMIN_EXIT_OK);
	assert_non_null(strstr(o.out, "\"code\": \"PARK\""));
	out_free(&o);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_table),
	    cmocka_unit_test(test_usage_before_database),
	    cmocka_unit_test(test_open_and_round),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

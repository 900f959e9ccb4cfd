/*
 * test_admin_onevote.c: one resident, three channels, one vote.
 *
 * The same resident votes once at an offline kiosk (its own database, merged
 * later or at once), once by SMS (sayso_ballot_cast with channel sms, as the
 * gateway does) and once on paper (`sayso-admin ballot add`), in all six
 * orders of casting, with the kiosk merged right after its ballot or at the
 * very end, under both revote policies. Each channel picks a different
 * project, so the tally shows which ballot counted: exactly one, the
 * earliest (policy first) or the latest (policy last). Merging the kiosk
 * again changes nothing.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "sayso/ballot.h"
#include "sayso/store.h"

#define PHONE "07700900123"
#define E164 "+447700900123"

enum ch { K, S, P };
static const char *const chname[] = {"kiosk", "sms", "paper"};

/* Runs sayso-admin in-process; returns the exit code; *out gets stdout
 * (malloc'd, caller frees) when out is not NULL. */
static int adm(char **out, ...)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"sayso-admin";
	va_list ap;
	va_start(ap, out);
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
	if (rc != 0)
		fprintf(stderr, "sayso-admin %s ... -> %d: %s", argv[3], rc,
			ebuf);
	if (out)
		*out = obuf;
	else
		free(obuf);
	free(ebuf);
	return rc;
}

/* Casts directly through the core, as the kiosk and the SMS gateway do. */
static void core_cast(const char *db, const char *device, const char *kind,
		      enum sayso_channel ch, int project)
{
	struct sayso_store *st = NULL;
	char err[256];
	assert_int_equal(
	    sayso_store_open_at(db, tu_secret_of(db), 0, &st, err, sizeof err),
	    SAYSO_OK);
	assert_int_equal(sayso_store_set_device(st, device, kind), SAYSO_OK);
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	assert_int_equal(
	    sayso_store_resident(st, SAYSO_ID_PHONE, E164, rid, sizeof rid),
	    SAYSO_OK);
	struct sayso_pick pick = {project, 1};
	struct sayso_ballot_in in;
	memset(&in, 0, sizeof in);
	in.round_code = "r";
	in.resident_id = rid;
	in.channel = ch;
	in.picks = &pick;
	in.npicks = 1;
	struct sayso_cast_result res;
	assert_int_equal(sayso_ballot_cast(st, &in, &res), SAYSO_OK);
	assert_int_not_equal(res.outcome, SAYSO_CAST_INVALID);
	sayso_store_close(st);
}

static char *tally(const char *db)
{
	char *out = NULL;
	assert_int_equal(adm(&out, "--db", db, "tally", "r", "--rule",
			     "approval", "--format", "json", NULL),
			 0);
	return out;
}

static void one_case(const int perm[3], const char *policy, int merge_at_end)
{
	char dir[256], db[768], secret[300], kdb[300];
	tu_tmpdir(dir, sizeof dir);
	tu_site(dir, "main.db", db, sizeof db, secret, sizeof secret);
	snprintf(kdb, sizeof kdb, "%s/kiosk.db", dir);
	int64_t base;
	assert_int_equal(sayso_time_parse("2026-11-20T10:00:00Z", &base),
			 SAYSO_OK);
	sayso_time_set_override(base - 3600000);
	assert_int_equal(adm(NULL, "--db", db, "init", NULL), 0);
	assert_int_equal(adm(NULL, "--db", db, "round", "create", "r",
			     "--title", "R", "--budget", "1000", "--revote",
			     policy, NULL),
			 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(adm(NULL, "--db", db, "project", "add", "r",
				     "--title", chname[i], "--cost", "100",
				     NULL),
				 0);
	assert_int_equal(adm(NULL, "--db", db, "round", "open", "r", NULL), 0);
	/* The kiosk is enrolled and goes offline with its own database. */
	assert_int_equal(adm(NULL, "--db", db, "kiosk", "enrol", "kiosk-7",
			     "--out", kdb, NULL),
			 0);

	for (int i = 0; i < 3; i++) {
		sayso_time_set_override(base + i * 60000);
		switch ((enum ch)perm[i]) {
		case K:
			core_cast(kdb, "kiosk-7", "kiosk", SAYSO_CH_KIOSK, 1);
			if (!merge_at_end)
				assert_int_equal(
				    adm(NULL, "--db", db, "merge", kdb, NULL),
				    0);
			break;
		case S:
			core_cast(db, "smsgw", "smsgw", SAYSO_CH_SMS, 2);
			break;
		case P:
			assert_int_equal(adm(NULL, "--db", db, "ballot", "add",
					     "r", "--phone", PHONE,
					     "--projects", "3", NULL),
					 0);
			break;
		}
	}
	sayso_time_set_override(base + 3600000);
	if (merge_at_end)
		assert_int_equal(adm(NULL, "--db", db, "merge", kdb, NULL), 0);

	int winner = strcmp(policy, "first") == 0 ? perm[0] : perm[2];
	char *t1 = tally(db);
	json_error_t jerr;
	json_t *j = json_loads(t1, 0, &jerr);
	assert_non_null(j);
	json_t *b = json_object_get(j, "ballots");
	assert_int_equal(json_integer_value(json_object_get(b, "counted")), 1);
	assert_int_equal(json_integer_value(json_object_get(b, "superseded")),
			 2);
	assert_int_equal(json_integer_value(json_object_get(b, "rejected")), 0);
	json_t *ps = json_object_get(j, "projects");
	assert_int_equal(json_array_size(ps), 3);
	for (int k = 0; k < 3; k++) {
		json_int_t v = json_integer_value(
		    json_object_get(json_array_get(ps, (size_t)k), "votes"));
		if (v != (k == winner ? 1 : 0))
			fail_msg("policy %s, order %s-%s-%s, merge %s: project "
				 "%d has %lld votes; the %s ballot should "
				 "count",
				 policy, chname[perm[0]], chname[perm[1]],
				 chname[perm[2]],
				 merge_at_end ? "at end" : "at once", k + 1,
				 (long long)v, chname[winner]);
	}
	json_decref(j);

	/* Merging the same kiosk again changes nothing. */
	assert_int_equal(adm(NULL, "--db", db, "merge", kdb, NULL), 0);
	char *t2 = tally(db);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	sayso_time_set_override(0);
	tu_rmtree(dir);
}

static void all_orders(const char *policy)
{
	static const int perms[6][3] = {{K, S, P}, {K, P, S}, {S, K, P},
					{S, P, K}, {P, K, S}, {P, S, K}};
	for (int i = 0; i < 6; i++)
		for (int m = 0; m < 2; m++)
			one_case(perms[i], policy, m);
}

static void test_policy_first(void **state)
{
	(void)state;
	all_orders("first");
}

static void test_policy_last(void **state)
{
	(void)state;
	all_orders("last");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_first),
	    cmocka_unit_test(test_policy_last),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

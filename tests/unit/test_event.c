/*
 * test_event.c: the event membership rule (event.c) and the figures that
 * rest on it (stats.c): window edges, devices, channels, overlapping
 * events, the positive definition, min_group and the Wilson interval at
 * its edges. The C rule and the SQL in stats.c must give the same answer
 * for every item: each case below is checked both ways.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/event.h"
#include "sayso/round.h"
#include "sayso/stats.h"

static int64_t t(const char *iso)
{
	int64_t ms = 0;

	assert_int_equal(sayso_time_parse(iso, &ms), SAYSO_OK);
	return ms;
}

/* The Poets Fun Day: 11:00 to 16:00 on two kiosks and by text. */
static void fun_day(struct sayso_event *e)
{
	memset(e, 0, sizeof *e);
	snprintf(e->code, sizeof e->code, "FUN");
	snprintf(e->title, sizeof e->title, "Poets Fun Day");
	e->from_ms = t("2026-06-14T11:00:00.000Z");
	e->to_ms = t("2026-06-14T16:00:00.000Z");
	assert_int_equal(sayso_event_add_device(e, "k1"), SAYSO_OK);
	assert_int_equal(sayso_event_add_device(e, "k2"), SAYSO_OK);
	assert_int_equal(sayso_event_add_channel(e, "sms"), SAYSO_OK);
}

/* A lunchtime talk overlapping it, naming no sources: everything counts. */
static void talk(struct sayso_event *e)
{
	memset(e, 0, sizeof *e);
	snprintf(e->code, sizeof e->code, "TALK");
	snprintf(e->title, sizeof e->title, "Lunchtime talk");
	e->from_ms = t("2026-06-14T12:00:00.000Z");
	e->to_ms = t("2026-06-14T13:00:00.000Z");
}

struct item {
	const char *channel, *device, *at;
	bool in_fun, in_talk;
};

static const struct item items[] = {
    /* the window's edges: from is in, to is out */
    {"kiosk", "k1", "2026-06-14T10:59:59.999Z", false, false},
    {"kiosk", "k1", "2026-06-14T11:00:00.000Z", true, false},
    {"kiosk", "k2", "2026-06-14T15:59:59.999Z", true, false},
    {"kiosk", "k2", "2026-06-14T16:00:00.000Z", false, false},
    /* devices: k3 is not the fun day's, but the talk takes all */
    {"kiosk", "k3", "2026-06-14T12:30:00.000Z", false, true},
    {"kiosk", "k1", "2026-06-14T12:30:00.000Z", true, true},
    /* channels: texts count at the fun day, paper does not */
    {"sms", "smsgw", "2026-06-14T14:00:00.000Z", true, false},
    {"sms", "smsgw", "2026-06-14T12:59:59.999Z", true, true},
    {"paper", "admin", "2026-06-14T14:00:00.000Z", false, false},
    {"paper", "admin", "2026-06-14T13:00:00.000Z", false, false},
    /* the day before */
    {"sms", "smsgw", "2026-06-13T12:30:00.000Z", false, false},
};
#define NITEMS (sizeof items / sizeof items[0])

static void test_member_rule(void **state)
{
	struct sayso_event fun, tk;
	size_t i;

	(void)state;
	fun_day(&fun);
	talk(&tk);
	for (i = 0; i < NITEMS; i++) {
		int64_t at = t(items[i].at);

		assert_int_equal(sayso_event_member(&fun, items[i].channel,
						    items[i].device, at),
				 items[i].in_fun);
		assert_int_equal(sayso_event_member(&tk, items[i].channel,
						    items[i].device, at),
				 items[i].in_talk);
	}
	/* Naming a device leaves the others out even with no channel. */
	assert_false(sayso_event_member(&fun, NULL, NULL,
					t("2026-06-14T12:00:00.000Z")));
	assert_true(sayso_event_all_sources(&tk));
	assert_false(sayso_event_all_sources(&fun));
}

static void test_sources_checked(void **state)
{
	struct sayso_event e;
	char longid[SAYSO_DEVICE_MAX + 1];
	int i;

	(void)state;
	memset(&e, 0, sizeof e);
	assert_int_equal(sayso_event_add_channel(&e, "fax"), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_event_add_channel(&e, "sms"), SAYSO_OK);
	assert_int_equal(sayso_event_add_channel(&e, "sms"), SAYSO_OK);
	assert_int_equal(e.nchannels, 1);
	assert_int_equal(sayso_event_add_device(&e, ""), SAYSO_ERR_INVAL);
	memset(longid, 'x', SAYSO_DEVICE_MAX);
	longid[SAYSO_DEVICE_MAX] = '\0';
	assert_int_equal(sayso_event_add_device(&e, longid), SAYSO_ERR_INVAL);
	for (i = 0; i < SAYSO_EVENT_DEVICES_MAX; i++) {
		char id[16];

		snprintf(id, sizeof id, "k%d", i);
		assert_int_equal(sayso_event_add_device(&e, id), SAYSO_OK);
	}
	assert_int_equal(sayso_event_add_device(&e, "one-more"),
			 SAYSO_ERR_TOOBIG);
}

static void sql(struct sayso_store *st, const char *q)
{
	char *msg = NULL;

	if (Sayso_store_exec(st, q, "test SQL") != SAYSO_OK)
		fail_msg("SQL failed: %s: %s", q, msg ? msg : "?");
}

/* Every item as a rating (score 5 when in the fun day, else 1) and as a
 * report, so counts and shares both show a wrong membership. */
static void fill(struct sayso_store *st)
{
	size_t i;

	for (i = 0; i < NITEMS; i++) {
		char q[512];

		snprintf(q, sizeof q,
			 "INSERT INTO ratings (uid, score, channel, device_id,"
			 " cast_at) VALUES ('U%zu', %d, '%s', '%s', '%s')",
			 i, items[i].in_fun ? 5 : 1, items[i].channel,
			 items[i].device, items[i].at);
		sql(st, q);
		snprintf(q, sizeof q,
			 "INSERT INTO reports (uid, ref, category, status,"
			 " channel, device_id, cast_at, updated_at) VALUES"
			 " ('R%zu', 'REF-%zu', 'litter', '%s', '%s', '%s',"
			 " '%s', '%s')",
			 i, i, i % 2 ? "resolved" : "open", items[i].channel,
			 items[i].device, items[i].at, items[i].at);
		sql(st, q);
	}
}

/* Every item as a ballot of a new round too: counted when its index is
 * even, rejected when odd (the reports' open/resolved split). Returns the
 * round's id. */
static int64_t fill_ballots(struct sayso_store *st)
{
	struct sayso_round r;
	size_t i;

	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "pb");
	snprintf(r.title, sizeof r.title, "PB");
	snprintf(r.currency, sizeof r.currency, "GBP");
	r.budget = 100000;
	r.min_picks = 1;
	assert_int_equal(sayso_round_create(st, &r, "admin:test"), SAYSO_OK);
	for (i = 0; i < NITEMS; i++) {
		char q[512];

		snprintf(q, sizeof q,
			 "INSERT INTO ballots (uid, round_id, channel,"
			 " device_id, cast_at, status) VALUES ('B%zu', %lld,"
			 " '%s', '%s', '%s', '%s')",
			 i, (long long)r.id, items[i].channel, items[i].device,
			 items[i].at, i % 2 ? "rejected" : "counted");
		sql(st, q);
	}
	return r.id;
}

static void create(struct sayso_store *st, struct sayso_event *e)
{
	assert_int_equal(sayso_store_begin(st), SAYSO_OK);
	assert_int_equal(sayso_event_create(st, e, "admin:test"), SAYSO_OK);
	assert_int_equal(sayso_store_commit(st), SAYSO_OK);
	assert_true(e->id > 0);
}

/* The SQL rule in stats.c agrees with sayso_event_member, both for events
 * read back from the store. */
static void test_member_sql(void **state)
{
	struct sayso_store *st = tu_memstore();
	struct sayso_event fun, tk, got[2];
	struct sayso_ratings_query q;
	struct sayso_ratings_summary s;
	struct sayso_activity act;
	struct sayso_reports_summary rs;
	struct sayso_ballot_counts bc;
	size_t i, k;

	(void)state;
	fill(st);
	int64_t round_id = fill_ballots(st);
	fun_day(&fun);
	talk(&tk);
	create(st, &fun);
	create(st, &tk);
	assert_int_equal(sayso_event_get(st, "fun", &got[0]), SAYSO_OK);
	assert_int_equal(sayso_event_get(st, "TALK", &got[1]), SAYSO_OK);
	assert_int_equal(got[0].ndevices, 2);
	assert_int_equal(got[0].nchannels, 1);
	assert_true(sayso_event_all_sources(&got[1]));
	for (k = 0; k < 2; k++) {
		int64_t want = 0, want_open = 0;

		for (i = 0; i < NITEMS; i++) {
			bool in =
			    sayso_event_member(&got[k], items[i].channel,
					       items[i].device, t(items[i].at));

			assert_int_equal(in, k == 0 ? items[i].in_fun
						    : items[i].in_talk);
			want += in;
			want_open += in && i % 2 == 0;
		}
		memset(&q, 0, sizeof q);
		q.scope.event = &got[k];
		assert_int_equal(sayso_stats_ratings_query(st, &q, &s),
				 SAYSO_OK);
		assert_int_equal(s.all.n, want);
		if (k == 0) /* every fun-day rating is a 5 */
			assert_int_equal(s.all.faces[4], want);
		sayso_ratings_summary_cleanup(&s);
		assert_int_equal(sayso_stats_activity(st, &q.scope, 3, &act),
				 SAYSO_OK);
		assert_int_equal(act.reports, want);
		assert_int_equal(act.reports_by_status[SAYSO_REPORT_OPEN],
				 want_open);
		assert_int_equal(act.reports_too_few, want < 3);
		/* reports summary --event: the same rule, too_few on the
		 * whole and on the one category */
		assert_int_equal(
		    sayso_stats_reports_scope(st, &q.scope, 3, &rs), SAYSO_OK);
		assert_int_equal(rs.total, want);
		assert_int_equal(rs.by_status[SAYSO_REPORT_OPEN], want_open);
		assert_int_equal(rs.by_status[SAYSO_REPORT_RESOLVED],
				 want - want_open);
		assert_int_equal(rs.too_few, want < 3);
		assert_int_equal(rs.ncategories, 1);
		assert_int_equal(rs.categories[0].n, want);
		assert_int_equal(rs.categories[0].too_few, want < 3);
		sayso_reports_summary_cleanup(&rs);
		/* voters report --event: counted (even) and rejected (odd) */
		assert_int_equal(
		    sayso_stats_ballot_counts(st, round_id, &q.scope, &bc),
		    SAYSO_OK);
		assert_int_equal(bc.counted, want_open);
		assert_int_equal(bc.rejected, want - want_open);
		assert_int_equal(bc.superseded, 0);
		assert_int_equal(bc.by_channel[SAYSO_CH_KIOSK] +
				     bc.by_channel[SAYSO_CH_SMS] +
				     bc.by_channel[SAYSO_CH_PAPER] +
				     bc.by_channel[SAYSO_CH_IMPORT],
				 bc.counted);
	}
	/* The whole round, no event: every even item counted. */
	memset(&q, 0, sizeof q);
	assert_int_equal(sayso_stats_ballot_counts(st, round_id, &q.scope, &bc),
			 SAYSO_OK);
	assert_int_equal(bc.counted, (NITEMS + 1) / 2);
	assert_int_equal(bc.rejected, NITEMS / 2);
	/* fun day: k1 11:00, k2 15:59, k1 12:30, sms 14:00, sms 12:59 = 5;
	 * the talk: k3 12:30, k1 12:30, sms 12:59 = 3. */
	memset(&q, 0, sizeof q);
	q.scope.event = &got[0];
	assert_int_equal(sayso_stats_ratings_query(st, &q, &s), SAYSO_OK);
	assert_int_equal(s.all.n, 5);
	sayso_ratings_summary_cleanup(&s);

	/* A period and a device narrow an event further. */
	q.scope.since_ms = t("2026-06-14T12:00:00.000Z");
	q.scope.device = "k1";
	assert_int_equal(sayso_stats_ratings_query(st, &q, &s), SAYSO_OK);
	assert_int_equal(s.all.n, 1); /* k1 at 12:30 */
	sayso_ratings_summary_cleanup(&s);
	q.scope.device = NULL;
	q.scope.channel = "sms";
	assert_int_equal(sayso_stats_ratings_query(st, &q, &s), SAYSO_OK);
	assert_int_equal(s.all.n, 2);
	sayso_ratings_summary_cleanup(&s);
	/* A period outside the event: nothing, not an error. */
	q.scope.channel = NULL;
	q.scope.since_ms = t("2026-06-15T00:00:00.000Z");
	assert_int_equal(sayso_stats_ratings_query(st, &q, &s), SAYSO_OK);
	assert_int_equal(s.all.n, 0);
	assert_true(s.all.too_few);
	sayso_ratings_summary_cleanup(&s);
	sayso_store_close(st);
}

static void test_create_list_close(void **state)
{
	struct sayso_store *st = tu_memstore();
	struct sayso_event fun, tk, dup, *list = NULL;
	size_t n = 0;

	(void)state;
	fun_day(&fun);
	talk(&tk);
	create(st, &fun);
	create(st, &tk);
	fun_day(&dup);
	snprintf(dup.code, sizeof dup.code, "fun");
	assert_int_equal(sayso_event_create(st, &dup, "admin:test"),
			 SAYSO_ERR_EXISTS);
	snprintf(dup.code, sizeof dup.code, "bad code");
	assert_int_equal(sayso_event_create(st, &dup, "admin:test"),
			 SAYSO_ERR_INVAL);
	snprintf(dup.code, sizeof dup.code, "BACK");
	dup.to_ms = dup.from_ms;
	assert_int_equal(sayso_event_create(st, &dup, "admin:test"),
			 SAYSO_ERR_INVAL);

	assert_int_equal(sayso_event_list(st, 0, 0, &list, &n), SAYSO_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].code, "FUN"); /* by start */
	assert_string_equal(list[1].code, "TALK");
	assert_int_equal(list[0].ndevices, 2);
	free(list);
	/* Overlapping a period: the talk ends at 13:00, so not after it. */
	assert_int_equal(
	    sayso_event_list(st, t("2026-06-14T13:00:00.000Z"), 0, &list, &n),
	    SAYSO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].code, "FUN");
	free(list);

	/* Closing: not before it starts; a running event ends now. */
	assert_int_equal(sayso_event_close(st, "FUN",
					   t("2026-06-14T10:00:00.000Z"),
					   "admin:test"),
			 SAYSO_ERR_STATE);
	assert_int_equal(sayso_event_close(st, "FUN",
					   t("2026-06-14T14:00:00.000Z"),
					   "admin:test"),
			 SAYSO_OK);
	assert_int_equal(sayso_event_get(st, "FUN", &fun), SAYSO_OK);
	assert_int_equal(fun.to_ms, t("2026-06-14T14:00:00.000Z"));
	assert_int_equal(sayso_event_state_at(&fun, fun.to_ms + 1),
			 SAYSO_EVENT_CLOSED);
	assert_int_equal(sayso_event_close(st, "FUN",
					   t("2026-06-14T15:00:00.000Z"),
					   "admin:test"),
			 SAYSO_ERR_STATE);
	assert_int_equal(sayso_event_close(st, "NONE",
					   t("2026-06-14T15:00:00.000Z"),
					   "admin:test"),
			 SAYSO_ERR_NOTFOUND);
	/* An event that has ended keeps its window when closed. */
	assert_int_equal(sayso_event_close(st, "TALK",
					   t("2026-06-15T09:00:00.000Z"),
					   "admin:test"),
			 SAYSO_OK);
	assert_int_equal(sayso_event_get(st, "TALK", &tk), SAYSO_OK);
	assert_int_equal(tk.to_ms, t("2026-06-14T13:00:00.000Z"));
	assert_string_equal(sayso_event_state_name(SAYSO_EVENT_RUNNING),
			    "running");
	sayso_store_close(st);
}

static void test_positive_definition(void **state)
{
	char text[SAYSO_POSITIVE_TEXT_MAX];
	unsigned m = 0;

	(void)state;
	assert_int_equal(sayso_positive_parse("4,5", &m), SAYSO_OK);
	assert_int_equal(m, SAYSO_POSITIVE_DEFAULT);
	assert_int_equal(sayso_positive_parse(" 5 ", &m), SAYSO_OK);
	assert_int_equal(m, 0x10u);
	assert_int_equal(sayso_positive_parse("3, 4,5", &m), SAYSO_OK);
	assert_int_equal(m, 0x1cu);
	assert_int_equal(sayso_positive_parse("", &m), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_positive_parse("6", &m), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_positive_parse("45", &m), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_positive_parse("0,5", &m), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_positive_parse("1,2,3,4,5", &m),
			 SAYSO_ERR_INVAL);
	sayso_positive_text(SAYSO_POSITIVE_DEFAULT, text, sizeof text);
	assert_string_equal(text, "4 or 5 of 5 faces");
	sayso_positive_text(0x10u, text, sizeof text);
	assert_string_equal(text, "5 of 5 faces");
	sayso_positive_text(0x1cu, text, sizeof text);
	assert_string_equal(text, "3, 4 or 5 of 5 faces");
	sayso_positive_text(0, text, sizeof text); /* 0 = the default */
	assert_string_equal(text, "4 or 5 of 5 faces");

	/* min_group: 29 is too few, 30 is enough; 0 means the default. */
	assert_true(sayso_stats_too_few(29, 30));
	assert_false(sayso_stats_too_few(30, 30));
	assert_true(sayso_stats_too_few(29, 0));
	assert_true(sayso_stats_too_few(0, 1));
	assert_false(sayso_stats_too_few(1, 1));
}

/* The share follows the definition: scores 5,5,4,3,1 are 3 of 5 positive
 * under "4,5" and 2 of 5 under "5". */
static void test_positive_counts(void **state)
{
	struct sayso_store *st = tu_memstore();
	struct sayso_ratings_query q;
	struct sayso_ratings_summary s;

	(void)state;
	sql(st, "INSERT INTO ratings (uid, score, channel, device_id, cast_at)"
		" VALUES ('a', 5, 'kiosk', 'k1', '2026-06-14T11:00:00.000Z'),"
		" ('b', 5, 'kiosk', 'k1', '2026-06-14T11:01:00.000Z'),"
		" ('c', 4, 'kiosk', 'k1', '2026-06-14T11:02:00.000Z'),"
		" ('d', 3, 'kiosk', 'k1', '2026-06-14T11:03:00.000Z'),"
		" ('e', 1, 'kiosk', 'k1', '2026-06-14T11:04:00.000Z')");
	memset(&q, 0, sizeof q);
	assert_int_equal(sayso_stats_ratings_query(st, &q, &s), SAYSO_OK);
	assert_int_equal(s.all.positive, 3);
	assert_int_equal(s.positive_mask, SAYSO_POSITIVE_DEFAULT);
	assert_int_equal(s.min_group, SAYSO_MIN_GROUP_DEFAULT);
	assert_true(s.all.too_few);
	sayso_ratings_summary_cleanup(&s);
	q.positive = 0x10u;
	q.min_group = 5;
	assert_int_equal(sayso_stats_ratings_query(st, &q, &s), SAYSO_OK);
	assert_int_equal(s.all.positive, 2);
	assert_float_equal(s.all.share, 0.4, 1e-12);
	assert_false(s.all.too_few);
	sayso_ratings_summary_cleanup(&s);
	sayso_store_close(st);
}

/* The reference figures (shared/reference/inclusion-figures-scale.md):
 * 88 of 100 -> 80.2%-93.0%; 88% at n = 25 -> 70.0%-95.8%; at n = 400
 * -> 84.4%-90.8%. Small n: 1 of 1 -> lo = 1/(1 + z^2) = .20655; 1 of 2
 * -> .5 -/+ .40547 = .09453 to .90547; 0 of n and n of n are exact at 0
 * and 1. */
static void test_wilson_edges(void **state)
{
	double lo, hi;

	(void)state;
	sayso_stats_wilson(88, 100, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.802, 5e-4);
	assert_float_equal(hi, 0.930, 5e-4);
	sayso_stats_wilson(22, 25, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.700, 5e-4);
	assert_float_equal(hi, 0.958, 5e-4);
	sayso_stats_wilson(352, 400, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.844, 5e-4);
	assert_float_equal(hi, 0.908, 5e-4);
	sayso_stats_wilson(1, 1, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.20655, 5e-5);
	assert_float_equal(hi, 1.0, 0);
	sayso_stats_wilson(1, 2, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.09453, 5e-5);
	assert_float_equal(hi, 0.90547, 5e-5);
	sayso_stats_wilson(0, 1, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.0, 0);
	assert_float_equal(hi, 1 - 0.20655, 5e-5);
	sayso_stats_wilson(30, 30, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(hi, 1.0, 0);
	assert_true(lo > 0.88 && lo < 0.89); /* 30/(30 + z^2) = .88650 */
	assert_float_equal(lo, 0.88650, 5e-5);
	/* Nonsense in, an empty interval out. */
	sayso_stats_wilson(3, 2, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(lo, 0.0, 0);
	assert_float_equal(hi, 0.0, 0);
	sayso_stats_wilson(-1, 2, SAYSO_STATS_Z95, &lo, &hi);
	assert_float_equal(hi, 0.0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_member_rule),
	    cmocka_unit_test(test_sources_checked),
	    cmocka_unit_test(test_member_sql),
	    cmocka_unit_test(test_create_list_close),
	    cmocka_unit_test(test_positive_definition),
	    cmocka_unit_test(test_positive_counts),
	    cmocka_unit_test(test_wilson_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

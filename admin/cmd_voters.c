/*
 * cmd_voters.c: `voters report CODE [--electorate N] [--event EVENT]`: who
 * voted how, in the whole round or inside one event (the membership rule of
 * sayso/event.h, applied in core by sayso_stats_ballot_counts()).
 *
 * Counted ballots per channel (one per resident, by the one-vote rule),
 * superseded and rejected ballots, and turnout against an electorate size
 * the organisers give (sayso does not know who lives in the area). The
 * counting is libsaysocore's (sayso_ballot_counts()).
 */
#include <string.h>

#include <jansson.h>

#include "admin.h"
#include "html.h"
#include "sayso/event.h"
#include "sayso/round.h"
#include "sayso/ballot.h"
#include "sayso/stats.h"

static const enum sayso_channel channels[] = {SAYSO_CH_KIOSK, SAYSO_CH_SMS,
					      SAYSO_CH_PAPER, SAYSO_CH_IMPORT};

int admin_cmd_voters_report(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "voters report", *electorate = NULL, *format = NULL,
		   *event = NULL;
	const struct admin_opt opts[] = {{"electorate", &electorate, NULL},
					 {"event", &event, NULL},
					 {"format", &format, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	enum admin_format fmt;
	int rc =
	    admin_args_fmt(ctx, cmd, argc, argv, opts, pos, 1, 1, &np, &fmt);
	if (rc)
		return rc;
	long long el = 0;
	if (electorate && (rc = admin_int(ctx, cmd, "electorate", electorate, 1,
					  1000000000LL, &el)))
		return rc;
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_READ, pos[0], &r)))
		return rc;
	struct sayso_ballot_counts t;
	struct sayso_event ev;
	enum sayso_err e;
	if (event != NULL) {
		struct sayso_stats_scope sc = {.event = &ev};
		e = sayso_event_get(ctx->st, event, &ev);
		if (e == SAYSO_OK)
			e = sayso_stats_ballot_counts(ctx->st, r.id, &sc, &t);
	} else {
		e = sayso_ballot_counts(ctx->st, r.id, &t);
	}
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	double turnout = el ? (double)t.counted / (double)el : 0;
	int64_t min_group = ctx->cfg.site.min_group > 0
				? ctx->cfg.site.min_group
				: SAYSO_MIN_GROUP_DEFAULT;
	bool too_few = sayso_stats_too_few(t.counted, min_group);

	if (fmt == ADMIN_FMT_JSON) {
		json_t *o = json_object();
		json_object_set_new(o, "round", admin_json_str(r.code));
		json_object_set_new(
		    o, "state",
		    admin_json_str(sayso_round_state_name(r.state)));
		json_t *c = json_object();
		for (size_t i = 0; i < 4; i++)
			json_object_set_new(
			    c, sayso_channel_name(channels[i]),
			    json_integer(t.by_channel[channels[i]]));
		json_object_set_new(c, "total", json_integer(t.counted));
		json_object_set_new(o, "counted", c);
		json_object_set_new(o, "superseded",
				    json_integer(t.superseded));
		json_object_set_new(o, "rejected", json_integer(t.rejected));
		json_object_set_new(o, "first",
				    t.first[0] ? admin_json_str(t.first)
					       : json_null());
		json_object_set_new(o, "last",
				    t.last[0] ? admin_json_str(t.last)
					      : json_null());
		json_object_set_new(o, "electorate",
				    el ? json_integer(el) : json_null());
		json_object_set_new(o, "turnout",
				    el ? json_real(turnout) : json_null());
		if (event != NULL) {
			json_object_set_new(
			    o, "event",
			    admin_event_json(&ev, sayso_time_now_ms()));
			json_object_set_new(o, "too_few",
					    json_boolean(too_few));
			json_object_set_new(o, "min_group",
					    json_integer(min_group));
		}
		return admin_json_print(ctx, o);
	}
	if (fmt == ADMIN_FMT_CSV) {
		static const char *const h[] = {
		    "round",	  "kiosk",   "sms",	   "paper",
		    "import",	  "counted", "superseded", "rejected",
		    "electorate", "turnout", "event",	   "too_few"};
		char v[8][24], ts[32] = "";
		for (size_t i = 0; i < 4; i++)
			snprintf(v[i], sizeof v[i], "%lld",
				 (long long)t.by_channel[channels[i]]);
		snprintf(v[4], sizeof v[4], "%lld", (long long)t.counted);
		snprintf(v[5], sizeof v[5], "%lld", (long long)t.superseded);
		snprintf(v[6], sizeof v[6], "%lld", (long long)t.rejected);
		v[7][0] = '\0';
		if (el) {
			snprintf(v[7], sizeof v[7], "%lld", el);
			snprintf(ts, sizeof ts, "%.4f", turnout);
		}
		const char *row[] = {r.code,
				     v[0],
				     v[1],
				     v[2],
				     v[3],
				     v[4],
				     v[5],
				     v[6],
				     v[7],
				     ts,
				     event ? ev.code : "",
				     too_few ? "true" : "false"};
		size_t ncols = event ? 12 : 10; /* the event's columns */
		admin_csv_row(ctx->out, h, ncols);
		admin_csv_row(ctx->out, row, ncols);
		return ADMIN_EXIT_OK;
	}
	fprintf(ctx->out, "round:      %s \"", r.code);
	admin_term_puts(ctx->out, r.title);
	fprintf(ctx->out, "\" (%s)\n", sayso_round_state_name(r.state));
	if (event != NULL) {
		fprintf(ctx->out, "event:      %s \"", ev.code);
		admin_term_puts(ctx->out, ev.title);
		fputs("\" (ballots cast inside it)\n", ctx->out);
		if (too_few)
			fprintf(ctx->out,
				"too few to report: fewer than %lld counted "
				"ballots ([site] min_group)\n",
				(long long)min_group);
	}
	static const char *const h[] = {"CHANNEL", "COUNTED"};
	struct admin_table *tb = admin_table_new(2, h, "lr");
	if (!tb)
		return admin_fail(ctx, "out of memory");
	for (size_t i = 0; i < 4; i++) {
		char n[24];
		snprintf(n, sizeof n, "%lld",
			 (long long)t.by_channel[channels[i]]);
		const char *row[] = {sayso_channel_name(channels[i]), n};
		admin_table_add(tb, row);
	}
	char tot[24];
	snprintf(tot, sizeof tot, "%lld", (long long)t.counted);
	const char *row[] = {"total", tot};
	admin_table_add(tb, row);
	fputc('\n', ctx->out);
	admin_table_print(tb, ctx->out, ADMIN_FMT_TABLE);
	admin_table_free(tb);
	fputc('\n', ctx->out);
	fprintf(ctx->out, "superseded: %lld (a resident's other ballots)\n",
		(long long)t.superseded);
	fprintf(ctx->out, "rejected:   %lld (invalid ballots)\n",
		(long long)t.rejected);
	if (t.first[0])
		fprintf(ctx->out, "first:      %s\nlast:       %s\n", t.first,
			t.last);
	if (el)
		fprintf(ctx->out, "turnout:    %lld of %lld (%.1f%%)\n",
			(long long)t.counted, el, turnout * 100.0);
	return ADMIN_EXIT_OK;
}

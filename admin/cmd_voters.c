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

/* What a voters report shows, whatever the format. */
struct voters {
	const struct sayso_round *r;
	struct sayso_ballot_counts t;
	const struct sayso_event *ev; /* NULL: the whole round */
	long long el;		      /* electorate, 0 when not given */
	double turnout;
	bool too_few;
	int64_t min_group;
};

static int voters_json(struct admin_ctx *ctx, const struct voters *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "round", admin_json_str(v->r->code));
	json_object_set_new(
	    o, "state", admin_json_str(sayso_round_state_name(v->r->state)));
	json_t *c = json_object();
	for (size_t i = 0; i < 4; i++)
		json_object_set_new(c, sayso_channel_name(channels[i]),
				    json_integer(v->t.by_channel[channels[i]]));
	json_object_set_new(c, "total", json_integer(v->t.counted));
	json_object_set_new(o, "counted", c);
	json_object_set_new(o, "superseded", json_integer(v->t.superseded));
	json_object_set_new(o, "rejected", json_integer(v->t.rejected));
	json_object_set_new(o, "first",
			    v->t.first[0] ? admin_json_str(v->t.first)
					  : json_null());
	json_object_set_new(
	    o, "last", v->t.last[0] ? admin_json_str(v->t.last) : json_null());
	json_object_set_new(o, "electorate",
			    v->el ? json_integer(v->el) : json_null());
	json_object_set_new(o, "turnout",
			    v->el ? json_real(v->turnout) : json_null());
	if (v->ev) {
		json_object_set_new(
		    o, "event", admin_event_json(v->ev, sayso_time_now_ms()));
		json_object_set_new(o, "too_few", json_boolean(v->too_few));
		json_object_set_new(o, "min_group", json_integer(v->min_group));
	}
	return admin_json_print(ctx, o);
}

static int voters_csv(struct admin_ctx *ctx, const struct voters *v)
{
	static const char *const h[] = {"round",      "kiosk",	  "sms",
					"paper",      "import",	  "counted",
					"superseded", "rejected", "electorate",
					"turnout",    "event",	  "too_few"};
	char cell[8][24], ts[32] = "";
	for (size_t i = 0; i < 4; i++)
		snprintf(cell[i], sizeof cell[i], "%lld",
			 (long long)v->t.by_channel[channels[i]]);
	snprintf(cell[4], sizeof cell[4], "%lld", (long long)v->t.counted);
	snprintf(cell[5], sizeof cell[5], "%lld", (long long)v->t.superseded);
	snprintf(cell[6], sizeof cell[6], "%lld", (long long)v->t.rejected);
	cell[7][0] = '\0';
	if (v->el) {
		snprintf(cell[7], sizeof cell[7], "%lld", v->el);
		snprintf(ts, sizeof ts, "%.4f", v->turnout);
	}
	const char *row[] = {v->r->code,
			     cell[0],
			     cell[1],
			     cell[2],
			     cell[3],
			     cell[4],
			     cell[5],
			     cell[6],
			     cell[7],
			     ts,
			     v->ev ? v->ev->code : "",
			     v->too_few ? "true" : "false"};
	size_t ncols = v->ev ? 12 : 10; /* the event's columns */
	admin_csv_row(ctx->out, h, ncols);
	admin_csv_row(ctx->out, row, ncols);
	return ADMIN_EXIT_OK;
}

static int voters_table(struct admin_ctx *ctx, const struct voters *v)
{
	fprintf(ctx->out, "round:      %s \"", v->r->code);
	admin_term_puts(ctx->out, v->r->title);
	fprintf(ctx->out, "\" (%s)\n", sayso_round_state_name(v->r->state));
	if (v->ev) {
		fprintf(ctx->out, "event:      %s \"", v->ev->code);
		admin_term_puts(ctx->out, v->ev->title);
		fputs("\" (ballots cast inside it)\n", ctx->out);
		if (v->too_few)
			fprintf(ctx->out,
				"too few to report: fewer than %lld counted "
				"ballots ([site] min_group)\n",
				(long long)v->min_group);
	}
	static const char *const h[] = {"CHANNEL", "COUNTED"};
	struct admin_table *tb = admin_table_new(2, h, "lr");
	if (!tb)
		return admin_fail(ctx, "out of memory");
	for (size_t i = 0; i < 4; i++) {
		char n[24];
		snprintf(n, sizeof n, "%lld",
			 (long long)v->t.by_channel[channels[i]]);
		const char *row[] = {sayso_channel_name(channels[i]), n};
		admin_table_add(tb, row);
	}
	char tot[24];
	snprintf(tot, sizeof tot, "%lld", (long long)v->t.counted);
	const char *row[] = {"total", tot};
	admin_table_add(tb, row);
	fputc('\n', ctx->out);
	admin_table_print(tb, ctx->out, ADMIN_FMT_TABLE);
	admin_table_free(tb);
	fputc('\n', ctx->out);
	fprintf(ctx->out, "superseded: %lld (a resident's other ballots)\n",
		(long long)v->t.superseded);
	fprintf(ctx->out, "rejected:   %lld (invalid ballots)\n",
		(long long)v->t.rejected);
	if (v->t.first[0])
		fprintf(ctx->out, "first:      %s\nlast:       %s\n",
			v->t.first, v->t.last);
	if (v->el)
		fprintf(ctx->out, "turnout:    %lld of %lld (%.1f%%)\n",
			(long long)v->t.counted, v->el, v->turnout * 100.0);
	return ADMIN_EXIT_OK;
}

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
	if (event) {
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

	struct voters v = {.r = &r,
			   .t = t,
			   .ev = event ? &ev : NULL,
			   .el = el,
			   .turnout = turnout,
			   .too_few = too_few,
			   .min_group = min_group};
	if (fmt == ADMIN_FMT_JSON)
		return voters_json(ctx, &v);
	if (fmt == ADMIN_FMT_CSV)
		return voters_csv(ctx, &v);
	return voters_table(ctx, &v);
}

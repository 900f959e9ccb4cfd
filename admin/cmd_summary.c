/*
 * cmd_summary.c: `sayso-admin summary --since D [--until D] --out DIR
 * [--rule greedy|mes|approval]`: the partnership's impact report, and the
 * per-event figures that `event show` prints.
 *
 * One page (index.html) with, for the period: each event's share positive
 * with its interval and counts, the walkabouts and their observed
 * resolution rate, residents' reports by status, and each PB round's
 * winners; summary.json and summary.csv beside it hold the same figures.
 * Every figure on the page has its definition and its count next to it.
 * The numbers are core's (sayso_stats_ratings_query, sayso_stats_activity,
 * sayso_stats_reports, the tally); this file lays them out with html.c's
 * helpers.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "sayso/event.h"
#include "sayso/round.h"
#include "sayso/stats.h"
#include "sayso/walkabout.h"

#define SUMMARY_WINNERS_MAX 200 /* funded projects listed per round */
#define SUMMARY_ANSWERS_SHOWN 5 /* follow-up answers per event */

/* A status for people: "In progress" rather than in_progress. */
static const char *status_label(int k)
{
	static const char *const label[] = {"Open", "In progress", "Resolved",
					    "Rejected"};

	return k >= 0 && k < 4 ? label[k] : "";
}

/* ---- one event's figures ---- */

void admin_event_figures_cleanup(struct admin_event_figures *f)
{
	if (!f)
		return;
	if (f->r)
		sayso_ratings_summary_cleanup(f->r);
	free(f->r);
	free(f->ev);
	free(f->act);
	memset(f, 0, sizeof *f);
}

int admin_event_figures_fill(struct admin_ctx *ctx, const char *cmd,
			     const struct sayso_event *ev,
			     struct admin_event_figures *f)
{
	struct sayso_ratings_query q;
	enum sayso_err e;

	memset(f, 0, sizeof *f);
	f->ev = malloc(sizeof *f->ev);
	f->r = calloc(1, sizeof *f->r);
	f->act = calloc(1, sizeof *f->act);
	f->now_ms = sayso_time_now_ms();
	if (!f->ev || !f->r || !f->act) {
		admin_event_figures_cleanup(f);
		return admin_fail(ctx, "%s: out of memory", cmd);
	}
	memcpy(f->ev, ev, sizeof *ev);
	admin_ratings_query_init(ctx, &q);
	q.scope.event = f->ev;
	q.by = SAYSO_BY_CHANNEL;
	e = sayso_stats_ratings_query(ctx->st, &q, f->r);
	if (e == SAYSO_OK)
		e = sayso_stats_activity(ctx->st, &q.scope, q.min_group,
					 f->act);
	if (e != SAYSO_OK) {
		admin_event_figures_cleanup(f);
		return admin_fail_store(ctx, cmd, e);
	}
	return ADMIN_EXIT_OK;
}

int admin_event_figures_load(struct admin_ctx *ctx, const char *cmd,
			     const char *code, struct admin_event_figures *f)
{
	struct sayso_event *ev = malloc(sizeof *ev);
	enum sayso_err e;
	int rc;

	memset(f, 0, sizeof *f);
	if (!ev)
		return admin_fail(ctx, "%s: out of memory", cmd);
	e = sayso_event_get(ctx->st, code, ev);
	if (e != SAYSO_OK) {
		free(ev);
		return admin_fail_store(ctx, cmd, e);
	}
	rc = admin_event_figures_fill(ctx, cmd, ev, f);
	free(ev);
	return rc;
}

static json_t *activity_json(const struct sayso_activity *a)
{
	json_t *o = json_object(), *rep = json_object(), *st = json_object(),
	       *bal = json_object();
	int k;

	for (k = SAYSO_REPORT_OPEN; k <= SAYSO_REPORT_REJECTED; k++)
		json_object_set_new(
		    st, sayso_report_status_name((enum sayso_report_status)k),
		    json_integer(a->reports_by_status[k]));
	json_object_set_new(rep, "count", json_integer(a->reports));
	json_object_set_new(rep, "by_status", st);
	json_object_set_new(rep, "too_few", json_boolean(a->reports_too_few));
	json_object_set_new(bal, "counted", json_integer(a->ballots));
	json_object_set_new(bal, "too_few", json_boolean(a->ballots_too_few));
	json_object_set_new(o, "reports", rep);
	json_object_set_new(o, "ballots", bal);
	return o;
}

void *admin_event_figures_json(const struct admin_event_figures *f)
{
	json_t *o = admin_event_json(f->ev, f->now_ms);
	json_t *act = activity_json(f->act);

	json_object_set_new(o, "ratings", admin_ratings_json(f->r));
	json_object_update(o, act);
	json_decref(act);
	return o;
}

/* One figure as a row of the long CSV: section, item, figure, value. */
static void csv_fig(FILE *out, const char *section, const char *item,
		    const char *figure, const char *value)
{
	const char *cells[4] = {section, item, figure, value};

	admin_csv_row(out, cells, 4);
}

static void csv_int(FILE *out, const char *section, const char *item,
		    const char *figure, int64_t v)
{
	char b[24];

	snprintf(b, sizeof b, "%lld", (long long)v);
	csv_fig(out, section, item, figure, b);
}

static void csv_real(FILE *out, const char *section, const char *item,
		     const char *figure, double v)
{
	char b[32];

	snprintf(b, sizeof b, "%.6f", v);
	csv_fig(out, section, item, figure, b);
}

void admin_event_figures_csv(FILE *out, const struct admin_event_figures *f,
			     bool header, size_t n)
{
	static const char *const h[] = {"section", "item", "figure", "value"};
	size_t i;
	int k;

	if (header)
		admin_csv_row(out, h, 4);
	for (i = 0; i < n; i++) {
		const struct sayso_rating_counts *c = &f[i].r->all;
		const char *code = f[i].ev->code;
		char def[SAYSO_POSITIVE_TEXT_MAX];

		sayso_positive_text(f[i].r->positive_mask, def, sizeof def);
		csv_fig(out, "event", code, "title", f[i].ev->title);
		csv_int(out, "event", code, "responses", c->n);
		csv_int(out, "event", code, "excluded",
			f[i].r->include_flagged ? 0 : f[i].r->flagged);
		csv_fig(out, "event", code, "positive_definition", def);
		csv_int(out, "event", code, "positive_count", c->positive);
		csv_real(out, "event", code, "positive", c->share);
		csv_real(out, "event", code, "ci_low", c->lo);
		csv_real(out, "event", code, "ci_high", c->hi);
		csv_real(out, "event", code, "mean", c->mean);
		csv_fig(out, "event", code, "too_few",
			c->too_few ? "true" : "false");
		for (k = 0; k < SAYSO_FACES; k++) {
			char name[16];

			snprintf(name, sizeof name, "face%d", k + 1);
			csv_int(out, "event", code, name, c->faces[k]);
		}
		csv_int(out, "event", code, "reports", f[i].act->reports);
		for (k = SAYSO_REPORT_OPEN; k <= SAYSO_REPORT_REJECTED; k++) {
			char name[32];

			snprintf(name, sizeof name, "reports_%s",
				 sayso_report_status_name(
				     (enum sayso_report_status)k));
			csv_int(out, "event", code, name,
				f[i].act->reports_by_status[k]);
		}
		csv_fig(out, "event", code, "reports_too_few",
			f[i].act->reports_too_few ? "true" : "false");
		csv_int(out, "event", code, "ballots", f[i].act->ballots);
		csv_fig(out, "event", code, "ballots_too_few",
			f[i].act->ballots_too_few ? "true" : "false");
	}
}

void admin_event_figures_print(struct admin_ctx *ctx,
			       const struct admin_event_figures *f)
{
	const struct sayso_rating_counts *c = &f->r->all;
	char from[SAYSO_TIME_LEN + 1], to[SAYSO_TIME_LEN + 1];
	char def[SAYSO_POSITIVE_TEXT_MAX], sh[16], lo[16], hi[16];
	size_t i;
	int k;

	sayso_time_format(f->ev->from_ms, from, sizeof from);
	sayso_time_format(f->ev->to_ms, to, sizeof to);
	sayso_positive_text(f->r->positive_mask, def, sizeof def);
	/* Organisers' and residents' text goes through admin_term_puts. */
	fputs("Event ", ctx->out);
	admin_term_puts(ctx->out, f->ev->code);
	fputs(" \"", ctx->out);
	admin_term_puts(ctx->out, f->ev->title);
	fprintf(ctx->out, "\" (%s)\n",
		sayso_event_state_name(sayso_event_state_at(f->ev, f->now_ms)));
	fprintf(ctx->out, "When: %.16s to %.16s UTC\n", from, to);
	if (f->ev->place[0] != '\0') {
		fputs("Place: ", ctx->out);
		admin_term_puts(ctx->out, f->ev->place);
		fputc('\n', ctx->out);
	}
	fputs("Sources:", ctx->out);
	if (sayso_event_all_sources(f->ev))
		fputs(" all devices and channels", ctx->out);
	for (i = 0; i < f->ev->ndevices; i++) {
		fputc(' ', ctx->out);
		admin_term_puts(ctx->out, f->ev->devices[i]);
	}
	for (i = 0; i < f->ev->nchannels; i++)
		fprintf(ctx->out, " %s(all)", f->ev->channels[i]);
	fprintf(ctx->out,
		"\n\nRatings counted: %lld; excluded as misuse: %lld\n",
		(long long)c->n,
		(long long)(f->r->include_flagged ? 0 : f->r->flagged));
	html_pct(c->share, sh, sizeof sh);
	html_pct(c->lo, lo, sizeof lo);
	html_pct(c->hi, hi, sizeof hi);
	if (c->n == 0)
		fprintf(ctx->out, "Positive (%s): - (no ratings)\n", def);
	else if (c->too_few)
		fprintf(ctx->out,
			"Positive (%s): too few to report (%lld of %lld; "
			"min_group %lld)\n",
			def, (long long)c->positive, (long long)c->n,
			(long long)f->r->min_group);
	else
		fprintf(ctx->out,
			"Positive (%s): %s (95%% CI %s to %s), %lld of %lld\n"
			"Mean score: %.2f\n",
			def, sh, lo, hi, (long long)c->positive,
			(long long)c->n, c->mean);
	fputs("Faces 1-5:", ctx->out);
	for (k = 0; k < SAYSO_FACES; k++)
		fprintf(ctx->out, " %lld", (long long)c->faces[k]);
	fprintf(ctx->out, "\nReports: %lld", (long long)f->act->reports);
	for (k = SAYSO_REPORT_OPEN; k <= SAYSO_REPORT_REJECTED; k++)
		fprintf(ctx->out, "%s%s %lld", k ? ", " : " (",
			sayso_report_status_name((enum sayso_report_status)k),
			(long long)f->act->reports_by_status[k]);
	fprintf(ctx->out, ")%s\nBallots counted: %lld%s\n",
		f->act->reports_too_few ? " - too few to report" : "",
		(long long)f->act->ballots,
		f->act->ballots_too_few ? " - too few to report" : "");
	for (i = 0; i < f->r->nanswers && i < SUMMARY_ANSWERS_SHOWN; i++) {
		fputs(i ? "  \"" : "Follow-up answers, most given first:\n  \"",
		      ctx->out);
		admin_term_puts(ctx->out, f->r->answers[i].answer);
		fprintf(ctx->out, "\" %lld\n", (long long)f->r->answers[i].n);
	}
}

static void fig(FILE *f, const char *dt, const char *dd)
{
	fputs("<div><dt>", f);
	html_esc(f, dt);
	fputs("</dt><dd>", f);
	html_esc(f, dd);
	fputs("</dd></div>", f);
}

void html_event_section(FILE *f, const struct admin_event_figures *fg,
			int level)
{
	const struct sayso_rating_counts *c = &fg->r->all;
	char from[SAYSO_TIME_LEN + 1], to[SAYSO_TIME_LEN + 1];
	char a[96], b[96], n[24], x[24], sh[16], lo[16], hi[16], ci[40],
	    mean[16];
	static const char *const rh[] = {"Status", "Reports"};
	size_t i;
	int k;

	fprintf(f, "<h%d id=\"event-", level);
	html_esc(f, fg->ev->code);
	fputs("\">", f);
	html_esc(f, fg->ev->title);
	fprintf(f, "</h%d>\n<p class=\"muted\">", level);
	sayso_time_format(fg->ev->from_ms, from, sizeof from);
	sayso_time_format(fg->ev->to_ms, to, sizeof to);
	html_when(from, a, sizeof a);
	html_when(to, b, sizeof b);
	html_esc(f, a);
	fputs(" to ", f);
	html_esc(f, b);
	if (fg->ev->place[0] != '\0') {
		fputs(", ", f);
		html_esc(f, fg->ev->place);
	}
	fputs(". Counted: ", f);
	if (sayso_event_all_sources(fg->ev))
		fputs("every kiosk and channel", f);
	for (i = 0; i < fg->ev->ndevices; i++) {
		fputs(i ? ", kiosk " : "kiosk ", f);
		html_esc(f, fg->ev->devices[i]);
	}
	for (i = 0; i < fg->ev->nchannels; i++) {
		fputs(i || fg->ev->ndevices ? ", " : "", f);
		html_esc(f, html_channel_label(fg->ev->channels[i]));
	}
	fputs(" during that time.</p>\n", f);

	html_int(c->n, n, sizeof n);
	html_int(fg->r->include_flagged ? 0 : fg->r->flagged, x, sizeof x);
	html_pct(c->share, sh, sizeof sh);
	html_pct(c->lo, lo, sizeof lo);
	html_pct(c->hi, hi, sizeof hi);
	snprintf(ci, sizeof ci, "%s to %s", lo, hi);
	snprintf(mean, sizeof mean, "%.2f of 5", c->mean);
	fputs("<dl class=\"figs\">", f);
	fig(f, "Responses counted", n);
	fig(f, "Excluded as misuse", x);
	fig(f, "Positive",
	    c->n == 0	 ? "none yet"
	    : c->too_few ? "too few to report"
			 : sh);
	fig(f, "95% interval", c->n == 0 || c->too_few ? "-" : ci);
	fig(f, "Mean score", c->n == 0 || c->too_few ? "-" : mean);
	fputs("</dl>\n", f);
	html_positive_sentence(f, c, fg->r->positive_mask, fg->r->min_group);
	fputs("<p class=\"def\">Excluded as misuse: ratings flagged as a "
	      "repeat press (the same source again within seconds) or a burst "
	      "(more than 10 from one source in two minutes); they are kept "
	      "but not counted.</p>\n",
	      f);
	{
		static const char *const fh[] = {"Face", "Ratings"};

		html_table_begin(f, "Ratings by face", 2, fh, "lr");
		for (k = SAYSO_FACES - 1; k >= 0; k--) {
			char v[24];
			const char *cells[2];

			html_int(c->faces[k], v, sizeof v);
			cells[0] = admin_face_label[k];
			cells[1] = v;
			html_table_row(f, 2, cells, "lr");
		}
		html_table_end(f);
	}
	if (fg->r->nanswers > 0) {
		static const char *const ah[] = {"Answer", "Times given"};

		html_table_begin(f, "Follow-up answers, most given first", 2,
				 ah, "lr");
		for (i = 0; i < fg->r->nanswers && i < SUMMARY_ANSWERS_SHOWN;
		     i++) {
			char v[24];
			const char *cells[2];

			html_int(fg->r->answers[i].n, v, sizeof v);
			cells[0] = fg->r->answers[i].answer;
			cells[1] = v;
			html_table_row(f, 2, cells, "lr");
		}
		html_table_end(f);
	}
	html_table_begin(f, "Problems reported during the event", 2, rh, "lr");
	for (k = SAYSO_REPORT_OPEN; k <= SAYSO_REPORT_REJECTED; k++) {
		char v[24];
		const char *cells[2];

		html_int(fg->act->reports_by_status[k], v, sizeof v);
		cells[0] = status_label(k);
		cells[1] = v;
		html_table_row(f, 2, cells, "lr");
	}
	html_table_end(f);
	html_int(fg->act->ballots, n, sizeof n);
	fputs("<p>Participatory-budgeting ballots cast during the event and "
	      "counted: ",
	      f);
	html_esc(f, n);
	fputs(".</p>\n", f);
}

/* ---- walkabouts ---- */

/* The walkabouts held in the period and their observed resolution rate,
 * from core (sayso_walk_rate); the section itself is cmd_walkabout.c's
 * html_walk_section, the same as `reports summary --walkabouts --html`. */
static int walkabouts_load(struct admin_ctx *ctx, int64_t since, int64_t until,
			   struct sayso_walk_rate *w)
{
	struct sayso_walk_scope sc;
	enum sayso_err e;

	memset(&sc, 0, sizeof sc);
	sc.since_ms = since;
	sc.until_ms = until;
	e = sayso_walk_rate(ctx->st, &sc, w);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "summary: walkabouts", e);
	return ADMIN_EXIT_OK;
}

/* The observed resolution rate, all and by street, on one 0-100% scale
 * with its intervals; streets with no re-inspected issue are left out. */
static void walk_chart(FILE *f, const struct sayso_walk_rate *w)
{
	struct html_share *rows = calloc(w->nstreets + 1, sizeof *rows);
	char(*notes)[64] = calloc(w->nstreets + 1, sizeof *notes);
	size_t i, n = 0;

	for (i = 0; rows && notes && i <= w->nstreets; i++) {
		const struct sayso_walk_counts *c =
		    i == 0 ? &w->all : &w->streets[i - 1];

		if (c->inspected == 0)
			continue;
		snprintf(notes[n], sizeof notes[n],
			 "%lld of %lld re-inspected issues resolved",
			 (long long)c->resolved, (long long)c->inspected);
		rows[n].label = i == 0 ? "All streets" : c->key;
		rows[n].share = c->rate;
		rows[n].lo = c->ci_low;
		rows[n].hi = c->ci_high;
		rows[n].note = notes[n];
		n++;
	}
	if (n > 0)
		html_shares(f, "walk-chart",
			    "Walkabout issues observed resolved, by street",
			    rows, n);
	free(rows);
	free(notes);
}

static void html_walkabouts_section(FILE *f, const struct sayso_walk_rate *w)
{
	fputs("<h2 id=\"walkabouts\">Walkabouts</h2>\n", f);
	if (w->walkabouts == 0 && w->all.logged == 0) {
		fputs("<p>No walkabouts recorded in this period.</p>\n", f);
		return;
	}
	fputs("<p class=\"def\">Partner staff walk the streets, log each "
	      "problem they see and look again on a later walkabout. These are "
	      "walkabout issues, counted apart from residents' reports.</p>\n",
	      f);
	walk_chart(f, w);
	html_walk_section(f, w);
}

/* ---- the summary ---- */

struct summary {
	int64_t since, until;
	struct admin_event_figures *ev;
	size_t nev;
	struct sayso_walk_rate walk;
	struct sayso_reports_summary rep;
	struct sayso_round *rounds;
	size_t nrounds;
	struct admin_results **res; /* rounds shown (NULL = left out) */
	unsigned positive_mask;
	int64_t min_group;
	char generated[SAYSO_TIME_LEN + 1];
};

static void summary_cleanup(struct summary *s)
{
	size_t i;

	for (i = 0; i < s->nev; i++)
		admin_event_figures_cleanup(&s->ev[i]);
	free(s->ev);
	sayso_reports_summary_cleanup(&s->rep);
	sayso_walk_rate_cleanup(&s->walk);
	for (i = 0; s->res && i < s->nrounds; i++)
		admin_results_free(s->res[i]);
	free(s->res);
	free(s->rounds);
}

static int load_events(struct admin_ctx *ctx, struct summary *s)
{
	struct sayso_event *ev = NULL;
	size_t n = 0, i;
	enum sayso_err e;
	int rc = ADMIN_EXIT_OK;

	e = sayso_event_list(ctx->st, s->since, s->until, &ev, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "summary: events", e);
	s->ev = calloc(n ? n : 1, sizeof *s->ev);
	if (!s->ev) {
		free(ev);
		return admin_fail(ctx, "summary: out of memory");
	}
	for (i = 0; i < n && rc == ADMIN_EXIT_OK; i++) {
		rc =
		    admin_event_figures_fill(ctx, "summary", &ev[i], &s->ev[i]);
		if (rc == ADMIN_EXIT_OK)
			s->nev++;
	}
	free(ev);
	return rc;
}

/* Whether round r ran in the period: not a draft, opened before its end
 * (or with no opening time) and closed after its start (or not closed). */
static bool round_in_period(const struct sayso_round *r, int64_t since,
			    int64_t until)
{
	int64_t t;

	if (r->state == SAYSO_ROUND_DRAFT)
		return false;
	if (until != 0 && r->opens[0] != '\0' &&
	    sayso_time_parse(r->opens, &t) == SAYSO_OK && t >= until)
		return false;
	if (since != 0 && r->closes[0] != '\0' &&
	    sayso_time_parse(r->closes, &t) == SAYSO_OK && t < since)
		return false;
	return true;
}

static int load_rounds(struct admin_ctx *ctx, struct summary *s,
		       enum sayso_rule rule)
{
	enum sayso_err e;
	size_t i;
	int rc;

	e = sayso_round_list(ctx->st, &s->rounds, &s->nrounds);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "summary: rounds", e);
	s->res = calloc(s->nrounds + 1, sizeof *s->res);
	if (!s->res)
		return admin_fail(ctx, "summary: out of memory");
	for (i = 0; i < s->nrounds; i++) {
		if (!round_in_period(&s->rounds[i], s->since, s->until))
			continue;
		rc = admin_results_load(ctx, s->rounds[i].code, rule,
					&s->res[i]);
		if (rc != 0)
			return rc;
	}
	return ADMIN_EXIT_OK;
}

/* "14 June 2026" for a UTC day. */
static void day_text(int64_t ms, char *out, size_t outsz)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(out, outsz, "%-d %B %Y", &tm);
}

/* Whole UTC days read as days ("1 June 2026 to 30 June 2026"); other
 * bounds as times. */
static void period_text(const struct summary *s, char *out, size_t outsz)
{
	char a[SAYSO_TIME_LEN + 1], b[SAYSO_TIME_LEN + 1], wa[96], wb[96];
	const int64_t day = 86400000;

	if (s->since % day == 0 && s->until % day == 0) {
		day_text(s->since, wa, sizeof wa);
		if (s->until == 0) {
			snprintf(out, outsz,
				 "From %s to when this page was made.", wa);
			return;
		}
		day_text(s->until - day, wb, sizeof wb);
		snprintf(out, outsz, "From %s to %s, inclusive.", wa, wb);
		return;
	}
	sayso_time_format(s->since, a, sizeof a);
	html_when(a, wa, sizeof wa);
	if (s->until != 0) {
		sayso_time_format(s->until, b, sizeof b);
		html_when(b, wb, sizeof wb);
		snprintf(out, outsz, "From %s to %s.", wa, wb);
	} else {
		snprintf(out, outsz, "From %s to when this page was made.", wa);
	}
}

static void html_events(FILE *f, const struct summary *s)
{
	struct html_share *rows;
	char(*notes)[96];
	char(*labels)[SAYSO_TITLE_MAX];
	char def[SAYSO_POSITIVE_TEXT_MAX], m[24];
	size_t i;

	sayso_positive_text(s->positive_mask, def, sizeof def);
	html_int(s->min_group, m, sizeof m);
	fputs("<h2 id=\"events\">Events: how residents felt</h2>\n", f);
	fputs("<p class=\"def\">Positive = ", f);
	html_esc(f, def);
	fputs(" (the site's [site] positive). The bar is the share of "
	      "responses that were positive; the whisker is its 95% Wilson "
	      "score interval, the range the true share is likely to lie "
	      "in. An event with fewer than ",
	      f);
	html_esc(f, m);
	fputs(" responses is marked too few to report.</p>\n", f);
	if (s->nev == 0) {
		fputs("<p>No events in this period.</p>\n", f);
		return;
	}
	rows = calloc(s->nev, sizeof *rows);
	notes = calloc(s->nev, sizeof *notes);
	labels = calloc(s->nev, sizeof *labels);
	if (rows && notes && labels) {
		for (i = 0; i < s->nev; i++) {
			const struct sayso_rating_counts *c = &s->ev[i].r->all;
			char k[24], n[24];

			html_int(c->positive, k, sizeof k);
			html_int(c->n, n, sizeof n);
			snprintf(labels[i], sizeof labels[i], "%s",
				 s->ev[i].ev->title);
			snprintf(notes[i], sizeof notes[i],
				 "%s of %s responses positive", k, n);
			rows[i].label = labels[i];
			rows[i].share = c->share;
			rows[i].lo = c->lo;
			rows[i].hi = c->hi;
			rows[i].too_few = c->too_few;
			rows[i].note = notes[i];
		}
		html_shares(f, "events-chart", "Share positive by event", rows,
			    s->nev);
	}
	free(rows);
	free(notes);
	free(labels);
	for (i = 0; i < s->nev; i++)
		html_event_section(f, &s->ev[i], 3);
}

static void html_rounds(FILE *f, const struct summary *s)
{
	static const char *const wh[] = {"Project", "Votes", "Cost"};
	struct admin_winner *w = calloc(SUMMARY_WINNERS_MAX, sizeof *w);
	bool any = false;
	size_t i, k, n;

	fputs("<h2 id=\"pb\">Participatory budgeting</h2>\n", f);
	for (i = 0; w && i < s->nrounds; i++) {
		const struct admin_results *res = s->res[i];
		const struct sayso_round *r;
		char cap[SAYSO_TITLE_MAX + 32], cnt[24], money[64];

		if (!res)
			continue;
		any = true;
		r = admin_results_round(res);
		fputs("<h3>", f);
		html_esc(f, r->title);
		fputs("</h3>\n<p>", f);
		html_int(admin_results_counted(res), cnt, sizeof cnt);
		html_esc(f, cnt);
		fputs(" ballots counted (one per resident; repeat votes are "
		      "not counted twice). Budget ",
		      f);
		sayso_money_format(r->budget, r->currency, money, sizeof money);
		html_esc(f, money);
		fputs(".</p>\n", f);
		n = admin_results_winners(res, w, SUMMARY_WINNERS_MAX);
		if (n == 0) {
			fputs("<p>No project was funded.</p>\n", f);
			continue;
		}
		snprintf(cap, sizeof cap, "Winners: %s", r->title);
		html_table_begin(f, cap, 3, wh, "lrr");
		for (k = 0; k < n; k++) {
			char v[24], c[64];
			const char *cells[3];

			html_int(w[k].votes, v, sizeof v);
			sayso_money_format(w[k].cost, r->currency, c, sizeof c);
			cells[0] = w[k].title;
			cells[1] = v;
			cells[2] = c;
			html_table_row(f, 3, cells, "lrr");
		}
		html_table_end(f);
	}
	if (!any)
		fputs("<p>No participatory-budgeting round ran in this "
		      "period.</p>\n",
		      f);
	free(w);
}

static void write_html(FILE *f, struct admin_ctx *ctx, const struct summary *s)
{
	char period[256];

	html_page_begin(f, "Partnership summary");
	fputs("<h1>Partnership summary: ", f);
	html_esc(f, ctx->cfg.site.name);
	fputs("</h1>\n<p class=\"lead\">", f);
	period_text(s, period, sizeof period);
	html_esc(f, period);
	fputs("</p>\n", f);
	html_events(f, s);
	html_walkabouts_section(f, &s->walk);
	fputs("<h2 id=\"reports\">Residents' reports</h2>\n", f);
	fputs("<p class=\"def\">Problems residents reported on the kiosks and "
	      "by text in this period, by their status now. These are "
	      "residents' reports, counted apart from walkabout issues.</p>\n",
	      f);
	html_reports_section(f, &s->rep);
	{
		static const char *const sh[] = {"Status", "Reports"};
		int k;

		html_table_begin(f, "Residents' reports by status", 2, sh,
				 "lr");
		for (k = SAYSO_REPORT_OPEN; k <= SAYSO_REPORT_REJECTED; k++) {
			char v[24];
			const char *cells[2];

			html_int(s->rep.by_status[k], v, sizeof v);
			cells[0] = status_label(k);
			cells[1] = v;
			html_table_row(f, 2, cells, "lr");
		}
		html_table_end(f);
	}
	html_rounds(f, s);
	fputs("<p class=\"muted\">The same figures as data: "
	      "<a href=\"summary.json\">summary.json</a>, "
	      "<a href=\"summary.csv\">summary.csv</a>. How each figure is "
	      "defined: sayso's docs/results.md.</p>\n",
	      f);
	html_page_end(f, s->generated);
}

static json_t *rounds_json(const struct summary *s)
{
	json_t *a = json_array();
	struct admin_winner *w = calloc(SUMMARY_WINNERS_MAX, sizeof *w);
	size_t i, k, n;

	for (i = 0; w && i < s->nrounds; i++) {
		const struct sayso_round *r;
		json_t *o, *wa;

		if (!s->res[i])
			continue;
		r = admin_results_round(s->res[i]);
		o = json_object();
		wa = json_array();
		json_object_set_new(o, "code", admin_json_str(r->code));
		json_object_set_new(o, "title", admin_json_str(r->title));
		json_object_set_new(
		    o, "ballots",
		    json_integer(admin_results_counted(s->res[i])));
		n = admin_results_winners(s->res[i], w, SUMMARY_WINNERS_MAX);
		for (k = 0; k < n; k++) {
			json_t *p = json_object();

			json_object_set_new(p, "title",
					    admin_json_str(w[k].title));
			json_object_set_new(p, "votes",
					    json_integer(w[k].votes));
			json_object_set_new(
			    p, "cost",
			    admin_json_money(w[k].cost, r->currency));
			json_array_append_new(wa, p);
		}
		json_object_set_new(o, "winners", wa);
		json_array_append_new(a, o);
	}
	free(w);
	return a;
}

static json_t *summary_json(const struct summary *s)
{
	json_t *o = json_object(), *ev = json_array(), *rep = json_object(),
	       *st = json_object();
	char t[SAYSO_TIME_LEN + 1], def[SAYSO_POSITIVE_TEXT_MAX];
	size_t i;
	int k;

	sayso_time_format(s->since, t, sizeof t);
	json_object_set_new(o, "since", admin_json_str(t));
	if (s->until != 0) {
		sayso_time_format(s->until, t, sizeof t);
		json_object_set_new(o, "until", admin_json_str(t));
	} else {
		json_object_set_new(o, "until", json_null());
	}
	sayso_positive_text(s->positive_mask, def, sizeof def);
	json_object_set_new(o, "positive_definition", admin_json_str(def));
	json_object_set_new(o, "min_group", json_integer(s->min_group));
	for (i = 0; i < s->nev; i++)
		json_array_append_new(ev, admin_event_figures_json(&s->ev[i]));
	json_object_set_new(o, "events", ev);
	json_object_set_new(o, "walkabouts", admin_walk_rate_json(&s->walk));
	for (k = SAYSO_REPORT_OPEN; k <= SAYSO_REPORT_REJECTED; k++)
		json_object_set_new(
		    st, sayso_report_status_name((enum sayso_report_status)k),
		    json_integer(s->rep.by_status[k]));
	json_object_set_new(rep, "count", json_integer(s->rep.total));
	json_object_set_new(rep, "by_status", st);
	json_object_set_new(rep, "resolution_rate",
			    json_real(s->rep.resolution_rate));
	json_object_set_new(o, "reports", rep);
	json_object_set_new(o, "rounds", rounds_json(s));
	return o;
}

static void write_csv(FILE *f, const struct summary *s)
{
	struct admin_winner *w = calloc(SUMMARY_WINNERS_MAX, sizeof *w);
	size_t i, k, n;
	int st;

	admin_event_figures_csv(f, s->ev, true, s->nev);
	csv_int(f, "walkabouts", "all", "held", s->walk.walkabouts);
	csv_int(f, "walkabouts", "all", "logged", s->walk.all.logged);
	csv_int(f, "walkabouts", "all", "inspected", s->walk.all.inspected);
	csv_int(f, "walkabouts", "all", "resolved", s->walk.all.resolved);
	csv_real(f, "walkabouts", "all", "rate", s->walk.all.rate);
	csv_real(f, "walkabouts", "all", "ci_low", s->walk.all.ci_low);
	csv_real(f, "walkabouts", "all", "ci_high", s->walk.all.ci_high);
	csv_int(f, "walkabouts", "all", "duplicates", s->walk.all.duplicates);
	csv_int(f, "walkabouts", "all", "not_ours", s->walk.all.not_ours);
	csv_int(f, "walkabouts", "all", "uninspected", s->walk.all.uninspected);
	csv_int(f, "reports", "all", "count", s->rep.total);
	for (st = SAYSO_REPORT_OPEN; st <= SAYSO_REPORT_REJECTED; st++)
		csv_int(f, "reports", "all",
			sayso_report_status_name((enum sayso_report_status)st),
			s->rep.by_status[st]);
	for (i = 0; w && i < s->nrounds; i++) {
		const struct sayso_round *r;

		if (!s->res[i])
			continue;
		r = admin_results_round(s->res[i]);
		csv_int(f, "round", r->code, "ballots",
			admin_results_counted(s->res[i]));
		n = admin_results_winners(s->res[i], w, SUMMARY_WINNERS_MAX);
		for (k = 0; k < n; k++)
			csv_fig(f, "round", r->code, "winner", w[k].title);
	}
	free(w);
}

static int write_dir(struct admin_ctx *ctx, const char *dir,
		     const struct summary *s)
{
	struct admin_outdir od;
	FILE *f;
	json_t *j;
	int rc;

	rc = admin_outdir_begin(ctx, &od, dir);
	if (rc != 0)
		return rc;
	f = admin_outdir_open(ctx, &od, "index.html");
	if (!f)
		return admin_outdir_finish(ctx, &od, false);
	write_html(f, ctx, s);
	if (admin_outdir_close(ctx, &od, f, "index.html") != 0)
		return admin_outdir_finish(ctx, &od, false);
	f = admin_outdir_open(ctx, &od, "summary.json");
	if (!f)
		return admin_outdir_finish(ctx, &od, false);
	j = summary_json(s);
	json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(j);
	if (admin_outdir_close(ctx, &od, f, "summary.json") != 0)
		return admin_outdir_finish(ctx, &od, false);
	f = admin_outdir_open(ctx, &od, "summary.csv");
	if (!f)
		return admin_outdir_finish(ctx, &od, false);
	write_csv(f, s);
	rc = admin_outdir_close(ctx, &od, f, "summary.csv");
	return admin_outdir_finish(ctx, &od, rc == 0);
}

int admin_cmd_summary(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *since = NULL, *until = NULL, *out = NULL, *rulename = NULL,
		   *format = NULL;
	const struct admin_opt opts[] = {
	    {"since", &since, NULL},   {"until", &until, NULL},
	    {"out", &out, NULL},       {"rule", &rulename, NULL},
	    {"format", &format, NULL}, {NULL, NULL, NULL},
	};
	enum sayso_rule rule = SAYSO_RULE_GREEDY;
	enum admin_format fmt;
	struct summary s;
	enum sayso_err e;
	int npos = 0, rc;

	memset(&s, 0, sizeof s);
	rc = admin_args_fmt(ctx, "summary", argc, argv, opts, NULL, 0, 0, &npos,
			    &fmt);
	if (rc != 0)
		return rc;
	if (!since || !out) {
		fprintf(ctx->err, "sayso-admin summary: --since D and --out "
				  "DIR are needed\n");
		admin_usage(ctx, "summary", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if ((rc = admin_rule(ctx, "summary", rulename, &rule)) != 0 ||
	    (rc = admin_period(ctx, "summary", since, until, &s.since,
			       &s.until)) != 0)
		return rc;
	s.positive_mask = sayso_positive_mask(ctx->cfg.site.positive);
	s.min_group = ctx->cfg.site.min_group > 0 ? ctx->cfg.site.min_group
						  : SAYSO_MIN_GROUP_DEFAULT;
	sayso_time_format(sayso_time_now_ms(), s.generated, sizeof s.generated);
	if (admin_open(ctx, ADMIN_READ) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;
	rc = load_events(ctx, &s);
	if (rc == 0)
		rc = walkabouts_load(ctx, s.since, s.until, &s.walk);
	if (rc == 0) {
		e = sayso_stats_reports(ctx->st, s.since, s.until, &s.rep);
		if (e != SAYSO_OK)
			rc = admin_fail_store(ctx, "summary: reports", e);
	}
	if (rc == 0)
		rc = load_rounds(ctx, &s, rule);
	if (rc == 0)
		rc = write_dir(ctx, out, &s);
	if (rc == 0 && fmt == ADMIN_FMT_JSON)
		rc = admin_json_print(ctx, summary_json(&s));
	else if (rc == 0 && fmt == ADMIN_FMT_CSV)
		write_csv(ctx->out, &s);
	else if (rc == 0)
		fprintf(ctx->out, "wrote %s/index.html (%zu event%s)\n", out,
			s.nev, s.nev == 1 ? "" : "s");
	summary_cleanup(&s);
	return rc;
}

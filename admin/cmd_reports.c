/*
 * cmd_reports.c: reported problems for organisers and partners.
 *
 *   reports list [--status S] [--category C] [--street S] [--since D]
 *                [--until D] [--format table|csv|json|open311]
 *   reports set ID STATUS [--note TEXT]
 *   reports summary [--since D] [--until D] [--event CODE]
 *                   [--format table|csv|json]
 *
 * `--format open311` prints GeoReport v2 `requests` JSON (an array of flat
 * service requests) so FixMyStreet-style tools can read sayso's reports.
 * Status changes go through sayso_report_set_status(), which keeps the
 * history and releases the resident's SMS update when a report is resolved.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"
#include "sayso/event.h"
#include "sayso/stats.h"

static void date_part(const char *iso, char *out, size_t outsz)
{
	snprintf(out, outsz, "%.10s", iso);
}

/* The first n characters (not bytes) of s, "..." when cut; for the table. */
static void cut(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i = 0, chars = 0;

	while (s[i] != '\0' && chars < n) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	if (s[i] == '\0')
		snprintf(out, outsz, "%s", s);
	else
		snprintf(out, outsz, "%.*s...", (int)i, s);
}

static json_t *report_json(const struct sayso_report_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "ref", admin_json_str(r->ref));
	json_object_set_new(
	    o, "status", admin_json_str(sayso_report_status_name(r->status)));
	json_object_set_new(o, "category", admin_json_str(r->category));
	json_object_set_new(o, "street", admin_json_str(r->street));
	json_object_set_new(o, "location", admin_json_str(r->location));
	json_object_set_new(o, "text", admin_json_str(r->text));
	json_object_set_new(o, "channel", admin_json_str(r->channel));
	json_object_set_new(o, "device", admin_json_str(r->device));
	json_object_set_new(o, "reported_at", admin_json_str(r->cast_at));
	json_object_set_new(o, "updated_at", admin_json_str(r->updated_at));
	json_object_set_new(o, "note", admin_json_str(r->note));
	return o;
}

static json_t *open311_json(const struct sayso_report_row *r)
{
	struct sayso_open311_request q;
	json_t *o = json_object();

	sayso_open311_from_report(r, &q);
	json_object_set_new(o, "service_request_id",
			    admin_json_str(q.service_request_id));
	json_object_set_new(o, "status", admin_json_str(q.status));
	json_object_set_new(o, "status_notes", admin_json_str(q.status_notes));
	json_object_set_new(o, "service_name", admin_json_str(q.service_name));
	json_object_set_new(o, "service_code", admin_json_str(q.service_code));
	json_object_set_new(o, "description", admin_json_str(q.description));
	json_object_set_new(o, "requested_datetime",
			    admin_json_str(q.requested_datetime));
	json_object_set_new(o, "updated_datetime",
			    admin_json_str(q.updated_datetime));
	json_object_set_new(o, "address", admin_json_str(q.address));
	return o;
}

int admin_cmd_reports_list(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *status = NULL, *category = NULL, *street = NULL,
		   *format = NULL, *since = NULL, *until = NULL,
		   *partner = NULL;
	const struct admin_opt opts[] = {
	    {"status", &status, NULL},	 {"category", &category, NULL},
	    {"street", &street, NULL},	 {"format", &format, NULL},
	    {"since", &since, NULL},	 {"until", &until, NULL},
	    {"partner", &partner, NULL}, {NULL, NULL, NULL},
	};
	struct sayso_report_filter flt;
	struct sayso_report_row *rows = NULL;
	enum sayso_report_status want;
	enum admin_format fmt = ADMIN_FMT_TABLE;
	bool open311 = false;
	size_t n = 0, i;
	int npos = 0, rc;
	enum sayso_err e;

	rc = admin_args(ctx, "reports list", argc, argv, opts, NULL, 0, 0,
			&npos);
	if (rc != 0)
		return rc;
	if (format && strcmp(format, "open311") == 0) {
		open311 = true;
	} else if (format && strcmp(format, "table") != 0 &&
		   strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
		fprintf(ctx->err,
			"sayso-admin reports list: --format: '%s' is "
			"not one of table, csv, json, open311\n",
			format);
		return ADMIN_EXIT_USAGE;
	} else if ((rc = admin_format(ctx, "reports list", format, &fmt)) !=
		   0) {
		return rc;
	}
	if (status && sayso_report_status_parse(status, &want) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin reports list: --status: '%s' is "
			"not open, in_progress, resolved or "
			"rejected\n",
			status);
		return ADMIN_EXIT_USAGE;
	}
	memset(&flt, 0, sizeof flt);
	flt.status = status;
	flt.category = category;
	flt.street = street;
	flt.partner = partner;
	rc = admin_period(ctx, "reports list", since, until, &flt.since_ms,
			  &flt.until_ms);
	if (rc != 0)
		return rc;
	if (admin_open(ctx, ADMIN_READ) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;
	e = sayso_stats_report_list(ctx->st, &flt, &rows, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "reports list", e);

	if (open311 || fmt == ADMIN_FMT_JSON) {
		json_t *a = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(a, open311
						     ? open311_json(&rows[i])
						     : report_json(&rows[i]));
		rc = admin_json_print(ctx, a);
	} else if (fmt == ADMIN_FMT_CSV) {
		static const char *const h[] = {
		    "ref",	   "status",	 "category", "street",
		    "location",	   "text",	 "channel",  "device",
		    "reported_at", "updated_at", "note"};

		admin_csv_row(ctx->out, h, 11);
		for (i = 0; i < n; i++) {
			const struct sayso_report_row *r = &rows[i];
			const char *c[11] = {
			    r->ref,	 sayso_report_status_name(r->status),
			    r->category, r->street,
			    r->location, r->text,
			    r->channel,	 r->device,
			    r->cast_at,	 r->updated_at,
			    r->note};

			admin_csv_row(ctx->out, c, 11);
		}
	} else {
		static const char *const h[] = {
		    "ref", "status", "category", "street", "reported", "text"};
		struct admin_table *t = admin_table_new(6, h, "llllll");

		for (i = 0; t && i < n; i++) {
			const struct sayso_report_row *r = &rows[i];
			char day[16], text[200];
			const char *c[6];

			date_part(r->cast_at, day, sizeof day);
			cut(r->text, 40, text, sizeof text);
			c[0] = r->ref;
			c[1] = sayso_report_status_name(r->status);
			c[2] = r->category;
			c[3] = r->street;
			c[4] = day;
			c[5] = text;
			admin_table_add(t, c);
		}
		if (t)
			admin_table_print(t, ctx->out, ADMIN_FMT_TABLE);
		admin_table_free(t);
		fprintf(ctx->out, "%zu report%s\n", n, n == 1 ? "" : "s");
	}
	free(rows);
	return rc;
}

int admin_cmd_reports_set(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *note = NULL;
	const struct admin_opt opts[] = {
	    {"note", &note, NULL},
	    {NULL, NULL, NULL},
	};
	char *pos[2];
	int npos = 0, rc;
	enum sayso_report_status status;
	enum sayso_err e;

	rc = admin_args(ctx, "reports set", argc, argv, opts, pos, 2, 2, &npos);
	if (rc != 0)
		return rc;
	if (sayso_report_status_parse(pos[1], &status) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin reports set: '%s' is not a "
			"status (open, in_progress, resolved, "
			"rejected)\n",
			pos[1]);
		return ADMIN_EXIT_USAGE;
	}
	if (note && strlen(note) > SAYSO_NOTE_MAX) {
		fprintf(ctx->err,
			"sayso-admin reports set: --note is longer "
			"than %d bytes\n",
			SAYSO_NOTE_MAX);
		return ADMIN_EXIT_USAGE;
	}
	if (admin_open(ctx, ADMIN_WRITE) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;
	e = sayso_report_set_status(ctx->st, pos[0], status, note, ctx->actor);
	if (e == SAYSO_ERR_NOTFOUND)
		return admin_fail(ctx,
				  "no report '%s' (see sayso-admin "
				  "reports list)",
				  pos[0]);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "reports set", e);
	for (char *p = pos[0]; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' +
				    'A'); /* references are upper case */
	fprintf(ctx->out, "%s: %s\n", pos[0], sayso_report_status_name(status));
	return ADMIN_EXIT_OK;
}

/* scoped: an event's summary, which marks groups too few to report. */
static json_t *counts_json(const struct sayso_report_count *c, size_t n,
			   bool scoped)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "key", admin_json_str(c[i].key));
		json_object_set_new(o, "reports", json_integer(c[i].n));
		json_object_set_new(o, "resolved", json_integer(c[i].resolved));
		if (scoped)
			json_object_set_new(o, "too_few",
					    json_boolean(c[i].too_few));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *summary_json(const struct sayso_reports_summary *s, bool scoped)
{
	static const enum sayso_report_status all[] = {
	    SAYSO_REPORT_OPEN, SAYSO_REPORT_IN_PROGRESS, SAYSO_REPORT_RESOLVED,
	    SAYSO_REPORT_REJECTED};
	json_t *o = json_object(), *st = json_object();
	char t[SAYSO_TIME_LEN + 1];
	size_t i;

	if (s->since_ms != 0) {
		sayso_time_format(s->since_ms, t, sizeof t);
		json_object_set_new(o, "since", admin_json_str(t));
	} else {
		json_object_set_new(o, "since", json_null());
	}
	if (s->until_ms != 0) {
		sayso_time_format(s->until_ms, t, sizeof t);
		json_object_set_new(o, "until", admin_json_str(t));
	} else {
		json_object_set_new(o, "until", json_null());
	}
	json_object_set_new(o, "total", json_integer(s->total));
	for (i = 0; i < 4; i++)
		json_object_set_new(st, sayso_report_status_name(all[i]),
				    json_integer(s->by_status[all[i]]));
	json_object_set_new(o, "by_status", st);
	json_object_set_new(o, "resolution_rate",
			    json_real(round(s->resolution_rate * 1e6) / 1e6));
	json_object_set_new(o, "median_days_to_resolve",
			    s->median_days < 0
				? json_null()
				: json_real(round(s->median_days * 1e3) / 1e3));
	json_object_set_new(o, "resolved_timed",
			    json_integer(s->resolved_timed));
	json_object_set_new(o, "categories",
			    counts_json(s->categories, s->ncategories, scoped));
	json_object_set_new(o, "streets",
			    counts_json(s->streets, s->nstreets, scoped));
	if (scoped) {
		json_object_set_new(o, "too_few", json_boolean(s->too_few));
		json_object_set_new(o, "min_group", json_integer(s->min_group));
	}
	return o;
}

static void median_text(const struct sayso_reports_summary *s, char *out,
			size_t outsz)
{
	if (s->median_days < 0)
		snprintf(out, outsz, "none resolved yet");
	else
		snprintf(out, outsz, "%.1f days", s->median_days);
}

static void print_counts(struct admin_ctx *ctx, const char *head,
			 const struct sayso_report_count *c, size_t n,
			 enum admin_format fmt, bool scoped)
{
	const char *h[4] = {head, "reports", "resolved", "note"};
	struct admin_table *t = admin_table_new(scoped ? 4 : 3, h, "lrrl");
	size_t i;

	for (i = 0; t && i < n; i++) {
		char a[24], b[24];
		const char *cells[4];

		snprintf(a, sizeof a, "%lld", (long long)c[i].n);
		snprintf(b, sizeof b, "%lld", (long long)c[i].resolved);
		cells[0] = c[i].key[0] ? c[i].key : "(none given)";
		cells[1] = a;
		cells[2] = b;
		cells[3] = c[i].too_few ? "too few to report" : "";
		admin_table_add(t, cells);
	}
	if (t)
		admin_table_print(t, ctx->out, fmt);
	admin_table_free(t);
}

static void summary_csv(struct admin_ctx *ctx,
			const struct sayso_reports_summary *s, bool scoped)
{
	/* One table per CSV: by category, then by street, each with a "kind"
	 * column so the file stays one rectangle. An event's summary adds a
	 * first "all" row and the too_few column. */
	static const char *const h[] = {"kind", "key", "reports", "resolved",
					"too_few"};
	size_t ncols = scoped ? 5 : 4, i;

	admin_csv_row(ctx->out, h, ncols);
	if (scoped) {
		char a[24], b[24];
		const char *cells[5] = {"all", "", a, b,
					s->too_few ? "true" : "false"};

		snprintf(a, sizeof a, "%lld", (long long)s->total);
		snprintf(b, sizeof b, "%lld",
			 (long long)s->by_status[SAYSO_REPORT_RESOLVED]);
		admin_csv_row(ctx->out, cells, ncols);
	}
	for (i = 0; i < s->ncategories + s->nstreets; i++) {
		const struct sayso_report_count *c =
		    i < s->ncategories ? &s->categories[i]
				       : &s->streets[i - s->ncategories];
		char a[24], b[24];
		const char *cells[5];

		snprintf(a, sizeof a, "%lld", (long long)c->n);
		snprintf(b, sizeof b, "%lld", (long long)c->resolved);
		cells[0] = i < s->ncategories ? "category" : "street";
		cells[1] = c->key;
		cells[2] = a;
		cells[3] = b;
		cells[4] = c->too_few ? "true" : "false";
		admin_csv_row(ctx->out, cells, ncols);
	}
}

static void summary_table(struct admin_ctx *ctx,
			  const struct sayso_reports_summary *s, bool scoped)
{
	char rate[16], med[32];

	html_pct(s->resolution_rate, rate, sizeof rate);
	median_text(s, med, sizeof med);
	fprintf(ctx->out,
		"Reports: %lld (open %lld, in progress %lld, resolved "
		"%lld, rejected %lld)\n",
		(long long)s->total, (long long)s->by_status[SAYSO_REPORT_OPEN],
		(long long)s->by_status[SAYSO_REPORT_IN_PROGRESS],
		(long long)s->by_status[SAYSO_REPORT_RESOLVED],
		(long long)s->by_status[SAYSO_REPORT_REJECTED]);
	if (scoped && s->too_few)
		fprintf(ctx->out,
			"Too few to report: fewer than %lld reports "
			"([site] min_group)\n",
			(long long)s->min_group);
	fprintf(ctx->out,
		"Resolved: %s of all reports\n"
		"Median time to resolve: %s\n\n",
		s->total > 0 ? rate : "-", med);
	print_counts(ctx, "category", s->categories, s->ncategories,
		     ADMIN_FMT_TABLE, scoped);
	fputs("\nHotspots (by street):\n", ctx->out);
	print_counts(ctx, "street", s->streets, s->nstreets, ADMIN_FMT_TABLE,
		     scoped);
}

int admin_cmd_reports_summary(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *since = NULL, *until = NULL, *format = NULL, *walk = NULL,
		   *event = NULL;
	bool walkabouts = false;
	const struct admin_opt opts[] = {
	    {"since", &since, NULL},
	    {"until", &until, NULL},
	    {"format", &format, NULL},
	    {"walkabout", &walk, NULL},
	    {"walkabouts", NULL, &walkabouts},
	    {"event", &event, NULL},
	    {NULL, NULL, NULL},
	};
	struct sayso_reports_summary s;
	struct sayso_stats_scope sc;
	struct sayso_event ev;
	enum admin_format fmt;
	int npos = 0, rc;
	enum sayso_err e;

	memset(&sc, 0, sizeof sc);
	rc = admin_args_fmt(ctx, "reports summary", argc, argv, opts, NULL, 0,
			    0, &npos, &fmt);
	if (rc != 0)
		return rc;
	rc = admin_period(ctx, "reports summary", since, until, &sc.since_ms,
			  &sc.until_ms);
	if (rc != 0)
		return rc;
	/* Walkabout issues have their own lifecycle and figure. */
	if (walk && (since || until)) {
		fprintf(ctx->err, "sayso-admin reports summary: --walkabout "
				  "CODE takes that walkabout's issues; "
				  "--since/--until choose walkabouts by day: "
				  "give one or the other\n");
		return ADMIN_EXIT_USAGE;
	}
	if (event && (walkabouts || walk)) {
		fprintf(ctx->err, "sayso-admin reports summary: --event takes "
				  "residents' reports; walkabout issues have "
				  "their own figure (--walkabouts)\n");
		return ADMIN_EXIT_USAGE;
	}
	if (walkabouts || walk)
		return admin_walk_summary(ctx, walk, sc.since_ms, sc.until_ms,
					  fmt);
	if (admin_open(ctx, ADMIN_READ) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;
	if (event) {
		e = sayso_event_get(ctx->st, event, &ev);
		if (e != SAYSO_OK)
			return admin_fail_store(ctx, "reports summary", e);
		sc.event = &ev;
	}
	e = sayso_stats_reports_scope(ctx->st, &sc, ctx->cfg.site.min_group,
				      &s);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "reports summary", e);
	if (fmt == ADMIN_FMT_JSON) {
		json_t *j = summary_json(&s, event != NULL);

		if (event)
			json_object_set_new(
			    j, "event",
			    admin_event_json(&ev, sayso_time_now_ms()));
		rc = admin_json_print(ctx, j);
	} else if (fmt == ADMIN_FMT_CSV) {
		summary_csv(ctx, &s, event != NULL);
	} else {
		if (event) {
			fprintf(ctx->out, "Event %s \"", ev.code);
			admin_term_puts(ctx->out, ev.title);
			fputs("\"\n", ctx->out);
		}
		summary_table(ctx, &s, event != NULL);
	}
	sayso_reports_summary_cleanup(&s);
	return rc;
}

void html_reports_section(FILE *f, const struct sayso_reports_summary *s)
{
	static const char *const h[] = {"", "Reports", "Resolved"};
	char rate[16], med[32], total[24];
	struct html_bar *bars;
	char(*vals)[24];
	char(*labs)[SAYSO_STATS_KEY_MAX];
	size_t i, nb;
	int pass;

	html_pct(s->resolution_rate, rate, sizeof rate);
	median_text(s, med, sizeof med);
	snprintf(total, sizeof total, "%lld", (long long)s->total);
	fputs("<dl class=\"figs\"><div><dt>Problems reported</dt><dd>", f);
	html_esc(f, total);
	fputs("</dd></div><div><dt>Resolved</dt><dd>", f);
	html_esc(f, s->total > 0 ? rate : "none yet");
	fputs("</dd></div><div><dt>Median time to resolve</dt><dd>", f);
	html_esc(f, med);
	fputs("</dd></div></dl>\n", f);
	if (s->total > 0) {
		fputs("<p>", f);
		html_esc(f, rate);
		fputs(" of the problems residents reported have been resolved "
		      "(resolved reports out of all reports, including those "
		      "still open and those rejected).</p>\n",
		      f);
	}
	nb = s->ncategories > s->nstreets ? s->ncategories : s->nstreets;
	bars = calloc(nb ? nb : 1, sizeof *bars);
	vals = calloc(nb ? nb : 1, sizeof *vals);
	labs = calloc(nb ? nb : 1, sizeof *labs);
	for (pass = 0; pass < 2; pass++) {
		const struct sayso_report_count *c =
		    pass == 0 ? s->categories : s->streets;
		size_t n = pass == 0 ? s->ncategories : s->nstreets;
		const char *title = pass == 0 ? "Reports by category"
					      : "Hotspots: reports by street";
		const char *h0[3] = {pass == 0 ? "Category" : "Street", h[1],
				     h[2]};

		if (n == 0 || !bars || !vals || !labs)
			continue;
		for (i = 0; i < n; i++) {
			if (pass == 0)
				sayso_category_label(c[i].key, labs[i],
						     sizeof labs[i]);
			else
				snprintf(labs[i], sizeof labs[i], "%s",
					 c[i].key[0] ? c[i].key
						     : "(none given)");
			html_int(c[i].n, vals[i], sizeof vals[i]);
			bars[i].label = labs[i];
			bars[i].value = c[i].n;
			bars[i].valtext = vals[i];
			bars[i].note = NULL;
			bars[i].style = HTML_BAR_PLAIN;
		}
		html_bars(f, pass == 0 ? "cats" : "streets", title, bars, n);
		html_table_begin(f, title, 3, h0, "lrr");
		for (i = 0; i < n; i++) {
			char a[24], b[24];
			const char *cells[3];

			snprintf(a, sizeof a, "%lld", (long long)c[i].n);
			snprintf(b, sizeof b, "%lld", (long long)c[i].resolved);
			cells[0] = labs[i];
			cells[1] = a;
			cells[2] = b;
			html_table_row(f, 3, cells, "lrr");
		}
		html_table_end(f);
	}
	free(bars);
	free(vals);
	free(labs);
}

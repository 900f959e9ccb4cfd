/*
 * cmd_ratings.c: `sayso-admin ratings summary`: how residents feel.
 *
 *   ratings summary [--since D] [--until D] [--by day|hour|channel|device]
 *                   [--format table|csv|json] [--html DIR] [--include-flagged]
 *
 * Ratings flagged as misuse (repeat presses, bursts: core/src/misuse.c) are
 * left out of every figure unless --include-flagged; the output says how
 * many were left out ("excluded" in JSON, beside "responses" counted).
 *
 * Count, the five faces, the share positive (faces 4 and 5) with its 95%
 * Wilson interval, and the follow-up answers most given. All figures come
 * from sayso_stats_ratings(); the table, CSV, JSON and the HTML page print
 * the same summary.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"
#include "sayso/event.h"
#include "sayso/stats.h"

const char *const admin_face_label[5] = {
    "Very unhappy", "Unhappy",	  "Neither happy nor unhappy",
    "Happy",	    "Very happy",
};

/* A share for JSON: six decimals are plenty and keep golden files stable. */
static json_t *json_share(double v)
{
	return json_real(round(v * 1e6) / 1e6);
}

static json_t *counts_json(const struct sayso_rating_counts *c)
{
	json_t *o = json_object(), *faces = json_array(), *ci = json_array();
	int i;

	for (i = 0; i < SAYSO_FACES; i++)
		json_array_append_new(faces, json_integer(c->faces[i]));
	json_array_append_new(ci, json_share(c->lo));
	json_array_append_new(ci, json_share(c->hi));
	json_object_set_new(o, "count", json_integer(c->n));
	json_object_set_new(o, "faces", faces);
	/* The contract of issue 14: positive is the share (0..1). */
	json_object_set_new(o, "positive", json_share(c->share));
	json_object_set_new(o, "positive_count", json_integer(c->positive));
	json_object_set_new(o, "ci_low", json_share(c->lo));
	json_object_set_new(o, "ci_high", json_share(c->hi));
	json_object_set_new(o, "mean", json_share(c->mean));
	json_object_set_new(o, "too_few", json_boolean(c->too_few));
	/* Older names of the same figures, kept for existing readers. */
	json_object_set_new(o, "share_positive", json_share(c->share));
	json_object_set_new(o, "ci95", ci);
	return o;
}

void *admin_rating_counts_json(const struct sayso_rating_counts *c)
{
	return counts_json(c);
}

void admin_ratings_query_init(const struct admin_ctx *ctx,
			      struct sayso_ratings_query *q)
{
	memset(q, 0, sizeof *q);
	q->positive = ctx->cfg.site.positive;
	q->min_group = ctx->cfg.site.min_group;
}

static json_t *period_json(int64_t ms)
{
	char t[SAYSO_TIME_LEN + 1];

	if (ms == 0)
		return json_null();
	sayso_time_format(ms, t, sizeof t);
	return admin_json_str(t);
}

void *admin_ratings_json(const struct sayso_ratings_summary *s)
{
	json_t *o = json_object(), *groups, *answers, *all;
	size_t i;

	json_object_set_new(o, "since", period_json(s->since_ms));
	json_object_set_new(o, "until", period_json(s->until_ms));
	json_object_set_new(
	    o, "first", s->first[0] ? admin_json_str(s->first) : json_null());
	json_object_set_new(o, "last",
			    s->last[0] ? admin_json_str(s->last) : json_null());
	all = counts_json(&s->all);
	json_object_update(o, all);
	json_decref(all);
	json_object_set_new(o, "responses", json_integer(s->all.n));
	json_object_set_new(o, "excluded",
			    json_integer(s->include_flagged ? 0 : s->flagged));
	{
		char def[SAYSO_POSITIVE_TEXT_MAX];

		sayso_positive_text(s->positive_mask, def, sizeof def);
		json_object_set_new(o, "positive_definition",
				    admin_json_str(def));
	}
	json_object_set_new(o, "min_group", json_integer(s->min_group));
	json_object_set_new(o, "by",
			    admin_json_str(sayso_stats_by_name(s->by)));
	groups = json_array();
	for (i = 0; i < s->ngroups; i++) {
		json_t *g = json_object(), *c = counts_json(&s->groups[i].c);

		json_object_set_new(g, "key", admin_json_str(s->groups[i].key));
		json_object_update(g, c);
		json_decref(c);
		json_array_append_new(groups, g);
	}
	json_object_set_new(o, "groups", groups);
	json_object_set_new(o, "answered", json_integer(s->answered));
	answers = json_array();
	for (i = 0; i < s->nanswers; i++) {
		json_t *a = json_object();

		json_object_set_new(a, "question",
				    admin_json_str(s->answers[i].question));
		json_object_set_new(a, "answer",
				    admin_json_str(s->answers[i].answer));
		json_object_set_new(a, "count", json_integer(s->answers[i].n));
		json_array_append_new(answers, a);
	}
	json_object_set_new(o, "answers", answers);
	return o;
}

static void ci_text(const struct sayso_rating_counts *c, char *out,
		    size_t outsz)
{
	char lo[16], hi[16];

	html_pct(c->lo, lo, sizeof lo);
	html_pct(c->hi, hi, sizeof hi);
	snprintf(out, outsz, "%s to %s", lo, hi);
}

static void print_table(struct admin_ctx *ctx,
			const struct sayso_ratings_summary *s)
{
	static const char *const fh[] = {"face", "label", "count", "share"};
	static const char *const gh[] = {
	    "group", "count", "1", "2", "3", "4", "5", "positive", "95% CI"};
	static const char *const ah[] = {"question", "answer", "count"};
	struct admin_table *t;
	char share[16], ci[40], mean[16];
	size_t i;
	int k;

	char def[SAYSO_POSITIVE_TEXT_MAX], too_few[64] = "";

	sayso_positive_text(s->positive_mask, def, sizeof def);
	if (s->all.too_few)
		snprintf(too_few, sizeof too_few,
			 "; too few to report (fewer than %lld)",
			 (long long)s->min_group);
	html_pct(s->all.share, share, sizeof share);
	ci_text(&s->all, ci, sizeof ci);
	snprintf(mean, sizeof mean, "%.2f", s->all.mean);
	fprintf(ctx->out, "Ratings: %lld", (long long)s->all.n);
	if (s->first[0] != '\0')
		fprintf(ctx->out, " (%.10s to %.10s)", s->first, s->last);
	if (s->flagged > 0 && !s->include_flagged)
		fprintf(ctx->out,
			"\nExcluded as misuse (repeat presses, bursts): %lld; "
			"--include-flagged counts them",
			(long long)s->flagged);
	else if (s->flagged > 0)
		fprintf(ctx->out,
			"\nIncluding %lld flagged as misuse (repeat presses, "
			"bursts)",
			(long long)s->flagged);
	if (s->all.n > 0)
		fprintf(ctx->out,
			"\nPositive (%s): %s (95%% CI %s), %lld of %lld%s\n"
			"Mean score: %s\n\n",
			def, share, ci, (long long)s->all.positive,
			(long long)s->all.n, too_few, mean);
	else
		fprintf(ctx->out,
			"\nPositive (%s): - (no ratings in this period)\n"
			"Mean score: -\n\n",
			def);

	t = admin_table_new(4, fh, "llrr");
	for (k = SAYSO_FACES - 1; k >= 0; k--) {
		char face[4], n[24], sh[16];
		const char *cells[4];

		snprintf(face, sizeof face, "%d", k + 1);
		snprintf(n, sizeof n, "%lld", (long long)s->all.faces[k]);
		html_pct(s->all.n ? (double)s->all.faces[k] / (double)s->all.n
				  : 0,
			 sh, sizeof sh);
		cells[0] = face;
		cells[1] = admin_face_label[k];
		cells[2] = n;
		cells[3] = sh;
		admin_table_add(t, cells);
	}
	admin_table_print(t, ctx->out, ADMIN_FMT_TABLE);
	admin_table_free(t);

	if (s->by != SAYSO_BY_NONE) {
		fprintf(ctx->out, "\nBy %s:\n", sayso_stats_by_name(s->by));
		t = admin_table_new(9, gh, "lrrrrrrrl");
		for (i = 0; i < s->ngroups; i++) {
			const struct sayso_rating_counts *c = &s->groups[i].c;
			char num[6][24], sh[16], gci[40];
			const char *cells[9];

			snprintf(num[0], sizeof num[0], "%lld",
				 (long long)c->n);
			for (k = 0; k < SAYSO_FACES; k++)
				snprintf(num[k + 1], sizeof num[k + 1], "%lld",
					 (long long)c->faces[k]);
			html_pct(c->share, sh, sizeof sh);
			ci_text(c, gci, sizeof gci);
			if (c->too_few)
				snprintf(gci, sizeof gci, "too few to report");
			cells[0] = s->groups[i].key;
			for (k = 0; k < 6; k++)
				cells[k + 1] = num[k];
			cells[7] = sh;
			cells[8] = gci;
			admin_table_add(t, cells);
		}
		admin_table_print(t, ctx->out, ADMIN_FMT_TABLE);
		admin_table_free(t);
	}
	if (s->nanswers > 0) {
		fprintf(ctx->out, "\nFollow-up answers (%lld answered):\n",
			(long long)s->answered);
		t = admin_table_new(3, ah, "llr");
		for (i = 0; i < s->nanswers; i++) {
			char n[24];
			const char *cells[3];

			snprintf(n, sizeof n, "%lld",
				 (long long)s->answers[i].n);
			cells[0] = s->answers[i].question;
			cells[1] = s->answers[i].answer;
			cells[2] = n;
			admin_table_add(t, cells);
		}
		admin_table_print(t, ctx->out, ADMIN_FMT_TABLE);
		admin_table_free(t);
	}
}

static void print_csv(struct admin_ctx *ctx,
		      const struct sayso_ratings_summary *s)
{
	static const char *const h[] = {
	    "group",	 "count", "face1",    "face2",		"face3",
	    "face4",	 "face5", "positive", "share_positive", "ci95_low",
	    "ci95_high", "mean",  "too_few"};
	size_t i, ng = s->by == SAYSO_BY_NONE ? 1 : s->ngroups;

	admin_csv_row(ctx->out, h, 13);
	for (i = 0; i < ng; i++) {
		const struct sayso_rating_counts *c =
		    s->by == SAYSO_BY_NONE ? &s->all : &s->groups[i].c;
		char num[13][32];
		const char *cells[13];
		int k;

		snprintf(num[0], sizeof num[0], "%s",
			 s->by == SAYSO_BY_NONE ? "all" : s->groups[i].key);
		snprintf(num[1], sizeof num[1], "%lld", (long long)c->n);
		for (k = 0; k < SAYSO_FACES; k++)
			snprintf(num[2 + k], sizeof num[2 + k], "%lld",
				 (long long)c->faces[k]);
		snprintf(num[7], sizeof num[7], "%lld", (long long)c->positive);
		snprintf(num[8], sizeof num[8], "%.6f", c->share);
		snprintf(num[9], sizeof num[9], "%.6f", c->lo);
		snprintf(num[10], sizeof num[10], "%.6f", c->hi);
		snprintf(num[11], sizeof num[11], "%.6f", c->mean);
		snprintf(num[12], sizeof num[12], "%s",
			 c->too_few ? "true" : "false");
		for (k = 0; k < 13; k++)
			cells[k] = num[k];
		admin_csv_row(ctx->out, cells, 13);
	}
}

/* A group's name for residents: "Text message", "09:00 to 10:00". */
static const char *group_label(const struct sayso_ratings_summary *s, size_t i,
			       char *buf, size_t bufsz)
{
	const char *k = s->groups[i].key;
	long h;
	char *end;

	switch (s->by) {
	case SAYSO_BY_CHANNEL:
		return html_channel_label(k);
	case SAYSO_BY_HOUR:
		h = strtol(k, &end, 10);
		if (*end != '\0' || h < 0 || h > 23)
			return k;
		snprintf(buf, bufsz, "%02ld:00 to %02ld:00", h, (h + 1) % 24);
		return buf;
	case SAYSO_BY_NONE:
	case SAYSO_BY_DAY:
	case SAYSO_BY_DEVICE:
		break;
	}
	return k;
}

void html_positive_sentence(FILE *f, const struct sayso_rating_counts *c,
			    unsigned mask, int64_t min_group)
{
	char def[SAYSO_POSITIVE_TEXT_MAX], k[24], n[24], m[24], lo[16], hi[16],
	    share[16];

	if (c->n == 0)
		return;
	sayso_positive_text(mask, def, sizeof def);
	html_int(c->positive, k, sizeof k);
	html_int(c->n, n, sizeof n);
	html_int(min_group, m, sizeof m);
	html_pct(c->share, share, sizeof share);
	html_pct(c->lo, lo, sizeof lo);
	html_pct(c->hi, hi, sizeof hi);
	fputs("<p class=\"def\">", f);
	if (c->too_few) {
		html_esc(f, k);
		fputs(" of ", f);
		html_esc(f, n);
		fputs(" people chose a positive face (positive = ", f);
		html_esc(f, def);
		fputs("). That is too few to report a share: this site "
		      "reports one from ",
		      f);
		html_esc(f, m);
		fputs(" responses ([site] min_group).</p>\n", f);
		return;
	}
	html_esc(f, share);
	fputs(" of the people who rated chose a positive face (", f);
	html_esc(f, k);
	fputs(" of ", f);
	html_esc(f, n);
	fputs("; positive = ", f);
	html_esc(f, def);
	fputs("). Allowing for chance, the true share among people "
	      "like them is likely (95% confidence) to be between ",
	      f);
	html_esc(f, lo);
	fputs(" and ", f);
	html_esc(f, hi);
	fputs(" (Wilson score interval).</p>\n", f);
}

void html_ratings_section(FILE *f, const struct sayso_ratings_summary *s,
			  int level)
{
	struct html_bar bars[SAYSO_FACES];
	char share[16], ci[40], n[24], vals[SAYSO_FACES][24];
	static const char *const fh[] = {"Face", "Ratings", "Share"};
	static const char *const gh[] = {"Group", "Ratings", "Positive",
					 "95% interval"};
	static const char *const ah[] = {"Answer", "Question", "Times given"};
	size_t i;
	int k;

	html_pct(s->all.share, share, sizeof share);
	ci_text(&s->all, ci, sizeof ci);
	snprintf(n, sizeof n, "%lld", (long long)s->all.n);
	fputs("<dl class=\"figs\"><div><dt>Ratings</dt><dd>", f);
	html_esc(f, n);
	fputs("</dd></div><div><dt>Positive (happy or very happy)</dt><dd>", f);
	html_esc(f, s->all.n == 0    ? "none yet"
		    : s->all.too_few ? "too few to report"
				     : share);
	fputs("</dd></div></dl>\n", f);
	html_positive_sentence(f, &s->all, s->positive_mask, s->min_group);
	for (k = 0; k < SAYSO_FACES; k++) {
		int face = SAYSO_FACES - 1 - k;

		snprintf(vals[k], sizeof vals[k], "%lld",
			 (long long)s->all.faces[face]);
		bars[k].label = admin_face_label[face];
		bars[k].value = s->all.faces[face];
		bars[k].valtext = vals[k];
		bars[k].note = NULL;
		bars[k].style = HTML_BAR_FACE1 + face;
	}
	html_bars(f, "faces", "Ratings by face", bars, SAYSO_FACES);
	html_table_begin(f, "Ratings by face (table)", 3, fh, "lrr");
	for (k = SAYSO_FACES - 1; k >= 0; k--) {
		char c[24], sh[16];
		const char *cells[3];

		snprintf(c, sizeof c, "%lld", (long long)s->all.faces[k]);
		html_pct(s->all.n ? (double)s->all.faces[k] / (double)s->all.n
				  : 0,
			 sh, sizeof sh);
		cells[0] = admin_face_label[k];
		cells[1] = c;
		cells[2] = sh;
		html_table_row(f, 3, cells, "lrr");
	}
	html_table_end(f);

	if (s->by != SAYSO_BY_NONE && s->ngroups > 0) {
		char title[64];
		struct html_bar *gb = calloc(s->ngroups, sizeof *gb);
		char(*gv)[24] = calloc(s->ngroups, sizeof *gv);
		char(*gl)[SAYSO_STATS_KEY_MAX + 16] =
		    calloc(s->ngroups, sizeof *gl);

		snprintf(title, sizeof title, "Ratings by %s",
			 sayso_stats_by_name(s->by));
		if (gb && gv && gl) {
			for (i = 0; i < s->ngroups; i++) {
				snprintf(gv[i], sizeof gv[i], "%lld",
					 (long long)s->groups[i].c.n);
				gb[i].label =
				    group_label(s, i, gl[i], sizeof gl[i]);
				gb[i].value = s->groups[i].c.n;
				gb[i].valtext = gv[i];
			}
			html_bars(f, "groups", title, gb, s->ngroups);
		}
		free(gb);
		free(gv);
		free(gl);
		html_table_begin(f, title, 4, gh, "lrrl");
		for (i = 0; i < s->ngroups; i++) {
			const struct sayso_rating_counts *c = &s->groups[i].c;
			char cn[24], sh[16], gci[40];
			const char *cells[4];

			snprintf(cn, sizeof cn, "%lld", (long long)c->n);
			html_pct(c->share, sh, sizeof sh);
			ci_text(c, gci, sizeof gci);
			if (c->too_few) {
				snprintf(sh, sizeof sh, "too few");
				snprintf(gci, sizeof gci, "too few to report");
			}
			char lab[SAYSO_STATS_KEY_MAX + 16];

			cells[0] = group_label(s, i, lab, sizeof lab);
			cells[1] = cn;
			cells[2] = sh;
			cells[3] = gci;
			html_table_row(f, 4, cells, "lrrl");
		}
		html_table_end(f);
	}
	if (s->nanswers > 0) {
		fprintf(f, "<h%d>What people said when asked why</h%d>\n",
			level, level);
		html_table_begin(f, "Follow-up answers, most given first", 3,
				 ah, "llr");
		for (i = 0; i < s->nanswers; i++) {
			char c[24];
			const char *cells[3];

			snprintf(c, sizeof c, "%lld",
				 (long long)s->answers[i].n);
			cells[0] = s->answers[i].answer;
			cells[1] = s->answers[i].question;
			cells[2] = c;
			html_table_row(f, 3, cells, "llr");
		}
		html_table_end(f);
	}
}

static int write_page(struct admin_ctx *ctx, const char *dir,
		      const struct sayso_ratings_summary *s)
{
	struct admin_outdir od;
	char now[SAYSO_TIME_LEN + 1];
	FILE *f;
	int rc;
	json_t *j;

	sayso_time_format(sayso_time_now_ms(), now, sizeof now);
	rc = admin_outdir_begin(ctx, &od, dir);
	if (rc != 0)
		return rc;
	f = admin_outdir_open(ctx, &od, "index.html");
	if (!f)
		return admin_outdir_finish(ctx, &od, false);
	html_page_begin(f, "How residents feel");
	fputs("<h1>How residents feel</h1>\n", f);
	if (s->first[0] != '\0') {
		char a[96], b[96];

		html_when(s->first, a, sizeof a);
		html_when(s->last, b, sizeof b);
		fputs("<p class=\"lead\">Ratings given from ", f);
		html_esc(f, a);
		fputs(" to ", f);
		html_esc(f, b);
		fputs(".</p>\n", f);
	}
	html_ratings_section(f, s, 2);
	fputs("<p class=\"muted\">The figures are also in "
	      "<a href=\"ratings.json\">ratings.json</a>.</p>\n",
	      f);
	html_page_end(f, now);
	rc = admin_outdir_close(ctx, &od, f, "index.html");
	if (rc != 0)
		return admin_outdir_finish(ctx, &od, false);
	f = admin_outdir_open(ctx, &od, "ratings.json");
	if (!f)
		return admin_outdir_finish(ctx, &od, false);
	j = admin_ratings_json(s);
	json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(j);
	rc = admin_outdir_close(ctx, &od, f, "ratings.json");
	return admin_outdir_finish(ctx, &od, rc == 0);
}

int admin_cmd_ratings_summary(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *since = NULL, *until = NULL, *by = NULL, *format = NULL,
		   *html = NULL, *event = NULL, *device = NULL, *channel = NULL;
	bool include_flagged = false;
	const struct admin_opt opts[] = {
	    {"since", &since, NULL},
	    {"until", &until, NULL},
	    {"by", &by, NULL},
	    {"event", &event, NULL},
	    {"device", &device, NULL},
	    {"channel", &channel, NULL},
	    {"format", &format, NULL},
	    {"html", &html, NULL},
	    {"include-flagged", NULL, &include_flagged},
	    {NULL, NULL, NULL},
	};
	struct sayso_ratings_summary s;
	struct sayso_ratings_query q;
	struct sayso_event ev;
	enum admin_format fmt;
	int npos = 0, rc;
	enum sayso_err e;

	admin_ratings_query_init(ctx, &q);
	rc = admin_args_fmt(ctx, "ratings summary", argc, argv, opts, NULL, 0,
			    0, &npos, &fmt);
	if (rc != 0)
		return rc;
	if (sayso_stats_by_parse(by, &q.by) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin ratings summary: --by: '%s' is "
			"not day, hour, channel or device\n",
			by);
		return ADMIN_EXIT_USAGE;
	}
	rc = admin_period(ctx, "ratings summary", since, until,
			  &q.scope.since_ms, &q.scope.until_ms);
	if (rc != 0)
		return rc;
	q.scope.device = device;
	q.scope.channel = channel;
	q.include_flagged = include_flagged;
	if (admin_open(ctx, ADMIN_READ) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;
	if (event) {
		e = sayso_event_get(ctx->st, event, &ev);
		if (e != SAYSO_OK)
			return admin_fail_store(ctx, "ratings summary", e);
		q.scope.event = &ev;
	}
	e = sayso_stats_ratings_query(ctx->st, &q, &s);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "ratings summary", e);
	if (html) {
		rc = write_page(ctx, html, &s);
		if (rc == 0)
			fprintf(ctx->out, "wrote %s/index.html\n", html);
	} else if (fmt == ADMIN_FMT_JSON) {
		json_t *j = admin_ratings_json(&s);

		if (event)
			json_object_set_new(
			    j, "event",
			    admin_event_json(&ev, sayso_time_now_ms()));
		rc = admin_json_print(ctx, j);
	} else if (fmt == ADMIN_FMT_CSV) {
		print_csv(ctx, &s);
	} else {
		if (event) {
			fprintf(ctx->out, "Event %s \"", ev.code);
			admin_term_puts(ctx->out, ev.title);
			fputs("\"\n", ctx->out);
		}
		print_table(ctx, &s);
	}
	sayso_ratings_summary_cleanup(&s);
	return rc;
}

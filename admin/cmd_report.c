/*
 * cmd_report.c: `sayso-admin report --out DIR [--since D] [--until D]
 * [--round CODE] [--rule greedy|mes|approval]`: one partner summary page
 * for steering-group papers.
 *
 * It puts the three things sayso records side by side for a period: how
 * residents feel (ratings), the problems they reported and what became of
 * them, and participatory-budgeting results (the round named, or every round
 * that is not a draft). DIR gets index.html and report.json; each section
 * is the same code as the ratings page and the results page, so the figures
 * match them exactly.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"
#include "sayso/round.h"
#include "sayso/stats.h"
#include "sayso/tally.h"

static void period_text(int64_t since, int64_t until, char *out, size_t outsz)
{
	char a[SAYSO_TIME_LEN + 1], b[SAYSO_TIME_LEN + 1];
	char wa[96], wb[96];

	if (since != 0) {
		sayso_time_format(since, a, sizeof a);
		html_when(a, wa, sizeof wa);
	}
	if (until != 0) {
		sayso_time_format(until, b, sizeof b);
		html_when(b, wb, sizeof wb);
	}
	if (since != 0 && until != 0)
		snprintf(out, outsz, "From %s to %s.", wa, wb);
	else if (since != 0)
		snprintf(out, outsz, "Since %s.", wa);
	else if (until != 0)
		snprintf(out, outsz, "Everything before %s.", wb);
	else
		snprintf(out, outsz, "Everything recorded so far.");
}

static json_t *bound_json(int64_t ms)
{
	char t[SAYSO_TIME_LEN + 1];

	if (ms == 0)
		return json_null();
	sayso_time_format(ms, t, sizeof t);
	return admin_json_str(t);
}

/* What the report holds: the three summaries of its period. */
struct report {
	struct sayso_ratings_summary rs;
	struct sayso_reports_summary ps;
	struct sayso_round *rounds;
	size_t nrounds;
	struct admin_results **res; /* the rounds shown, tallied */
	size_t nres;
	int64_t lo, hi;
	char now[SAYSO_TIME_LEN + 1];
	char period[256];
	char title[SAYSO_NAME_MAX + 40];
};

static void report_cleanup(struct report *rep)
{
	for (size_t i = 0; rep->res && i < rep->nres; i++)
		admin_results_free(rep->res[i]);
	free(rep->res);
	free(rep->rounds);
	sayso_ratings_summary_cleanup(&rep->rs);
	sayso_reports_summary_cleanup(&rep->ps);
}

/* Loads and tallies round code, or every round that is not a draft. */
static int report_rounds(struct admin_ctx *ctx, struct report *rep,
			 const char *code, enum sayso_rule rule)
{
	enum sayso_err e;
	int rc;

	if (code) {
		rep->rounds = calloc(1, sizeof *rep->rounds);
		if (!rep->rounds)
			return admin_fail(ctx, "out of memory");
		rc = admin_round(ctx, code, &rep->rounds[0]);
		if (rc != 0)
			return rc;
		rep->nrounds = 1;
	} else {
		e = sayso_round_list(ctx->st, &rep->rounds, &rep->nrounds);
		if (e != SAYSO_OK)
			return admin_fail_store(ctx, "report: rounds", e);
	}
	rep->res = calloc(rep->nrounds + 1, sizeof *rep->res);
	if (!rep->res)
		return admin_fail(ctx, "out of memory");
	for (size_t i = 0; i < rep->nrounds; i++) {
		if (!code && rep->rounds[i].state == SAYSO_ROUND_DRAFT)
			continue;
		rc = admin_results_load(ctx, rep->rounds[i].code, rule,
					&rep->res[rep->nres]);
		if (rc != 0)
			return rc;
		rep->nres++;
	}
	return ADMIN_EXIT_OK;
}

/* index.html: feelings, problems, then each round's results. */
static void report_html(FILE *f, const struct report *rep)
{
	html_page_begin(f, rep->title);
	fputs("<h1>", f);
	html_esc(f, rep->title);
	fputs("</h1>\n<p class=\"lead\">", f);
	html_esc(f, rep->period);
	fputs(" What residents told us in person and by text: how they feel "
	      "about the area, the problems they reported, and how they "
	      "voted on local projects.</p>\n",
	      f);
	fputs("<h2 id=\"feel\">How residents feel</h2>\n", f);
	html_ratings_section(f, &rep->rs, 3);
	fputs("<h2 id=\"problems\">Problems residents reported</h2>\n", f);
	html_reports_section(f, &rep->ps);
	fputs("<h2 id=\"pb\">Participatory budgeting</h2>\n", f);
	if (rep->nres == 0)
		fputs(
		    "<p>No participatory-budgeting round has opened yet.</p>\n",
		    f);
	fputs("<p class=\"muted\">Votes are counted over the whole round, "
	      "whatever the period of this report.</p>\n",
	      f);
	for (size_t i = 0; i < rep->nres; i++) {
		fprintf(
		    f,
		    "<section aria-labelledby=\"pb-%zu\">\n<h3 id=\"pb-%zu\">",
		    i, i);
		html_esc(f, admin_results_title(rep->res[i]));
		fputs("</h3>\n", f);
		admin_results_html(f, rep->res[i], NULL, 4);
		fputs("</section>\n", f);
	}
	html_page_end(f, rep->now);
}

/* report.json: the key figures and each round's results object. */
static void report_json(FILE *f, const struct report *rep)
{
	const struct sayso_reports_summary *ps = &rep->ps;
	json_t *j, *ja;

	j = json_object();
	json_object_set_new(j, "since", bound_json(rep->lo));
	json_object_set_new(j, "until", bound_json(rep->hi));
	json_object_set_new(j, "generated_at", admin_json_str(rep->now));
	ja = json_object();
	json_object_set_new(ja, "count", json_integer(rep->rs.all.n));
	json_object_set_new(ja, "positive", json_integer(rep->rs.all.positive));
	json_object_set_new(ja, "share_positive", json_real(rep->rs.all.share));
	json_object_set_new(j, "ratings", ja);
	ja = json_object();
	json_object_set_new(ja, "total", json_integer(ps->total));
	json_object_set_new(ja, "resolved",
			    json_integer(ps->by_status[SAYSO_REPORT_RESOLVED]));
	json_object_set_new(ja, "resolution_rate",
			    json_real(ps->resolution_rate));
	json_object_set_new(ja, "median_days_to_resolve",
			    ps->median_days < 0 ? json_null()
						: json_real(ps->median_days));
	json_object_set_new(j, "reports", ja);
	ja = json_array();
	for (size_t i = 0; i < rep->nres; i++)
		json_array_append_new(ja,
				      admin_results_json(rep->res[i], NULL));
	json_object_set_new(j, "rounds", ja);
	json_dumpf(j, f,
		   JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		       JSON_REAL_PRECISION(15));
	fputc('\n', f);
	json_decref(j);
}

/* Writes index.html and report.json into out, swapped in whole. */
static int report_write(struct admin_ctx *ctx, const struct report *rep,
			const char *out)
{
	struct admin_outdir od;
	FILE *f;
	int rc = admin_outdir_begin(ctx, &od, out);

	if (rc != 0)
		return rc;
	f = admin_outdir_open(ctx, &od, "index.html");
	if (!f)
		return admin_outdir_finish(ctx, &od, false);
	report_html(f, rep);
	rc = admin_outdir_close(ctx, &od, f, "index.html");
	if (rc != 0) {
		admin_outdir_finish(ctx, &od, false);
		return rc;
	}
	f = admin_outdir_open(ctx, &od, "report.json");
	if (!f)
		return admin_outdir_finish(ctx, &od, false);
	report_json(f, rep);
	rc = admin_outdir_close(ctx, &od, f, "report.json");
	rc = admin_outdir_finish(ctx, &od, rc == 0);
	if (rc == 0)
		fprintf(ctx->out, "wrote %s/index.html\n", od.dir);
	return rc;
}

int admin_cmd_report(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *out = NULL, *since = NULL, *until = NULL, *code = NULL,
		   *rulename = NULL;
	const struct admin_opt opts[] = {
	    {"out", &out, NULL},       {"since", &since, NULL},
	    {"until", &until, NULL},   {"round", &code, NULL},
	    {"rule", &rulename, NULL}, {NULL, NULL, NULL},
	};
	struct report rep;
	enum sayso_rule rule = SAYSO_RULE_GREEDY;
	int npos = 0, rc;
	enum sayso_err e;

	memset(&rep, 0, sizeof rep);
	rc = admin_args(ctx, "report", argc, argv, opts, NULL, 0, 0, &npos);
	if (rc != 0)
		return rc;
	if (!out) {
		fprintf(ctx->err, "sayso-admin report: --out DIR is needed\n");
		admin_usage(ctx, "report", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if ((rc = admin_rule(ctx, "report", rulename, &rule)) != 0)
		return rc;
	rc = admin_period(ctx, "report", since, until, &rep.lo, &rep.hi);
	if (rc != 0)
		return rc;
	if (admin_open(ctx, ADMIN_READ) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;

	{
		/* The site's positive definition and min_group ([site]). */
		struct sayso_ratings_query q;

		admin_ratings_query_init(ctx, &q);
		q.scope.since_ms = rep.lo;
		q.scope.until_ms = rep.hi;
		q.by = SAYSO_BY_CHANNEL;
		e = sayso_stats_ratings_query(ctx->st, &q, &rep.rs);
	}
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "report: ratings", e);
	e = sayso_stats_reports(ctx->st, rep.lo, rep.hi, &rep.ps);
	if (e != SAYSO_OK)
		rc = admin_fail_store(ctx, "report: reports", e);
	else
		rc = report_rounds(ctx, &rep, code, rule);
	if (rc == 0) {
		sayso_time_format(sayso_time_now_ms(), rep.now, sizeof rep.now);
		period_text(rep.lo, rep.hi, rep.period, sizeof rep.period);
		snprintf(rep.title, sizeof rep.title, "Community report: %s",
			 ctx->cfg.site.name[0] ? ctx->cfg.site.name : "sayso");
		rc = report_write(ctx, &rep, out);
	}
	report_cleanup(&rep);
	return rc;
}

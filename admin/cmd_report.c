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
	return json_string(t);
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
	struct sayso_ratings_summary rs;
	struct sayso_reports_summary ps;
	struct sayso_round *rounds = NULL;
	struct admin_results **res = NULL;
	size_t nrounds = 0, nres = 0, i;
	enum sayso_rule rule = SAYSO_RULE_GREEDY;
	struct admin_outdir od;
	char now[SAYSO_TIME_LEN + 1], period[256], title[SAYSO_NAME_MAX + 40];
	int64_t lo, hi;
	int npos = 0, rc;
	enum sayso_err e;
	FILE *f;
	json_t *j, *ja;

	memset(&rs, 0, sizeof rs);
	memset(&ps, 0, sizeof ps);
	rc = admin_args(ctx, "report", argc, argv, opts, NULL, 0, 0, &npos);
	if (rc != 0)
		return rc;
	if (out == NULL) {
		fprintf(ctx->err, "sayso-admin report: --out DIR is needed\n");
		admin_usage(ctx, "report", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if (rulename != NULL && sayso_rule_parse(rulename, &rule) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin report: --rule: '%s' is not "
			"greedy, mes or approval\n",
			rulename);
		return ADMIN_EXIT_USAGE;
	}
	rc = admin_period(ctx, "report", since, until, &lo, &hi);
	if (rc != 0)
		return rc;
	if (admin_store(ctx, SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET) ==
	    NULL)
		return ADMIN_EXIT_ERROR;

	e = sayso_stats_ratings(ctx->st, lo, hi, SAYSO_BY_CHANNEL, &rs);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "report: ratings", e);
	e = sayso_stats_reports(ctx->st, lo, hi, &ps);
	if (e != SAYSO_OK) {
		rc = admin_fail_store(ctx, "report: reports", e);
		goto done;
	}
	if (code != NULL) {
		rounds = calloc(1, sizeof *rounds);
		if (rounds == NULL) {
			rc = admin_fail(ctx, "out of memory");
			goto done;
		}
		rc = admin_round(ctx, code, &rounds[0]);
		if (rc != 0)
			goto done;
		nrounds = 1;
	} else {
		e = sayso_round_list(ctx->st, &rounds, &nrounds);
		if (e != SAYSO_OK) {
			rc = admin_fail_store(ctx, "report: rounds", e);
			goto done;
		}
	}
	res = calloc(nrounds + 1, sizeof *res);
	if (res == NULL) {
		rc = admin_fail(ctx, "out of memory");
		goto done;
	}
	for (i = 0; i < nrounds; i++) {
		if (code == NULL && rounds[i].state == SAYSO_ROUND_DRAFT)
			continue;
		rc = admin_results_load(ctx, rounds[i].code, (int)rule,
					&res[nres]);
		if (rc != 0)
			goto done;
		nres++;
	}

	sayso_time_format(sayso_time_now_ms(), now, sizeof now);
	period_text(lo, hi, period, sizeof period);
	snprintf(title, sizeof title, "Community report: %s",
		 ctx->cfg.site.name[0] ? ctx->cfg.site.name : "sayso");
	rc = admin_outdir_begin(ctx, &od, out);
	if (rc != 0)
		goto done;
	f = admin_outdir_open(ctx, &od, "index.html");
	if (f == NULL) {
		rc = admin_outdir_finish(ctx, &od, false);
		goto done;
	}
	html_page_begin(f, title);
	fputs("<h1>", f);
	html_esc(f, title);
	fputs("</h1>\n<p class=\"lead\">", f);
	html_esc(f, period);
	fputs(" What residents told us in person and by text: how they feel "
	      "about the area, the problems they reported, and how they "
	      "voted on local projects.</p>\n",
	      f);
	fputs("<h2 id=\"feel\">How residents feel</h2>\n", f);
	html_ratings_section(f, &rs, 3);
	fputs("<h2 id=\"problems\">Problems residents reported</h2>\n", f);
	html_reports_section(f, &ps);
	fputs("<h2 id=\"pb\">Participatory budgeting</h2>\n", f);
	if (nres == 0)
		fputs(
		    "<p>No participatory-budgeting round has opened yet.</p>\n",
		    f);
	fputs("<p class=\"muted\">Votes are counted over the whole round, "
	      "whatever the period of this report.</p>\n",
	      f);
	for (i = 0; i < nres; i++) {
		fprintf(
		    f,
		    "<section aria-labelledby=\"pb-%zu\">\n<h3 id=\"pb-%zu\">",
		    i, i);
		html_esc(f, admin_results_title(res[i]));
		fputs("</h3>\n", f);
		admin_results_html(f, res[i], NULL, 4);
		fputs("</section>\n", f);
	}
	html_page_end(f, now);
	rc = admin_outdir_close(ctx, &od, f, "index.html");
	if (rc != 0) {
		admin_outdir_finish(ctx, &od, false);
		goto done;
	}

	f = admin_outdir_open(ctx, &od, "report.json");
	if (f == NULL) {
		rc = admin_outdir_finish(ctx, &od, false);
		goto done;
	}
	j = json_object();
	json_object_set_new(j, "since", bound_json(lo));
	json_object_set_new(j, "until", bound_json(hi));
	json_object_set_new(j, "generated_at", json_string(now));
	ja = json_object();
	json_object_set_new(ja, "count", json_integer(rs.all.n));
	json_object_set_new(ja, "positive", json_integer(rs.all.positive));
	json_object_set_new(ja, "share_positive", json_real(rs.all.share));
	json_object_set_new(j, "ratings", ja);
	ja = json_object();
	json_object_set_new(ja, "total", json_integer(ps.total));
	json_object_set_new(ja, "resolved",
			    json_integer(ps.by_status[SAYSO_REPORT_RESOLVED]));
	json_object_set_new(ja, "resolution_rate",
			    json_real(ps.resolution_rate));
	json_object_set_new(ja, "median_days_to_resolve",
			    ps.median_days < 0 ? json_null()
					       : json_real(ps.median_days));
	json_object_set_new(j, "reports", ja);
	ja = json_array();
	for (i = 0; i < nres; i++)
		json_array_append_new(ja, admin_results_json(res[i], NULL));
	json_object_set_new(j, "rounds", ja);
	json_dumpf(j, f,
		   JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		       JSON_REAL_PRECISION(15));
	fputc('\n', f);
	json_decref(j);
	rc = admin_outdir_close(ctx, &od, f, "report.json");
	rc = admin_outdir_finish(ctx, &od, rc == 0);
	if (rc == 0)
		fprintf(ctx->out, "wrote %s/index.html\n", od.dir);
done:
	for (i = 0; res != NULL && i < nres; i++)
		admin_results_free(res[i]);
	free(res);
	free(rounds);
	sayso_ratings_summary_cleanup(&rs);
	sayso_reports_summary_cleanup(&ps);
	return rc;
}

/*
 * cmd_results.c: `sayso-admin results CODE --out DIR [--url URL]
 * [--rule greedy|mes|approval]`: the page residents see after a vote.
 *
 * DIR receives index.html (self-contained: inline CSS and SVG, no scripts),
 * results.json, results.csv and, with a URL, qr.png and qr.svg pointing at
 * where the page will be published. The numbers are libsaysocore's:
 * sayso_election_load() + sayso_tally_run() (the same as `tally`),
 * sayso_ballot_counts() and sayso_stats_rule_sentence(); this file lays them
 * out. The directory is replaced atomically (html.c).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"
#include "sayso/round.h"
#include "sayso/ballot.h"
#include "sayso/stats.h"
#include "sayso/tally.h"

struct admin_results {
	struct sayso_round round;
	struct sayso_election *e;
	struct sayso_tally t;
	struct sayso_ballot_counts turnout;
	char rule_text[512];
	char tallied_at[SAYSO_TIME_LEN + 1];
	size_t *by_votes; /* project indexes, most votes first */
	size_t *by_order; /* selected project indexes in selection order */
};

static const struct admin_results *sort_res; /* qsort has no context */

static int cmp_votes(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t vx = sort_res->t.projects[x].score,
		vy = sort_res->t.projects[y].score;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return (x > y) - (x < y);
}

static int cmp_order(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return sort_res->t.projects[x].order - sort_res->t.projects[y].order;
}

void admin_results_free(struct admin_results *res)
{
	if (!res)
		return;
	sayso_tally_cleanup(&res->t);
	sayso_election_free(res->e);
	free(res->by_votes);
	free(res->by_order);
	free(res);
}

const char *admin_results_title(const struct admin_results *res)
{
	return res->round.title;
}

int admin_results_load(struct admin_ctx *ctx, const char *code,
		       enum sayso_rule rule, struct admin_results **out)
{
	struct admin_results *res;
	char err[512];
	enum sayso_err e;
	size_t i, k;
	int rc;

	*out = NULL;
	res = calloc(1, sizeof *res);
	if (!res)
		return admin_fail(ctx, "out of memory");
	rc = admin_round(ctx, code, &res->round);
	if (rc != 0)
		goto out;
	e = sayso_election_load(ctx->st, res->round.id, &res->e);
	if (e != SAYSO_OK) {
		rc = admin_fail_store(ctx, code, e);
		goto out;
	}
	err[0] = '\0';
	e = sayso_tally_run(res->e, rule, &res->t, err, sizeof err);
	if (e != SAYSO_OK) {
		rc = admin_fail(ctx, "%s: %s", code,
				err[0] ? err : sayso_strerror(e));
		goto out;
	}
	e = sayso_ballot_counts(ctx->st, res->round.id, &res->turnout);
	if (e != SAYSO_OK) {
		rc = admin_fail_store(ctx, code, e);
		goto out;
	}
	sayso_stats_rule_sentence((enum sayso_rule)rule, res->rule_text,
				  sizeof res->rule_text);
	sayso_time_format(sayso_time_now_ms(), res->tallied_at,
			  sizeof res->tallied_at);
	res->by_votes = calloc(res->e->nprojects + 1, sizeof(size_t));
	res->by_order = calloc(res->e->nprojects + 1, sizeof(size_t));
	if (!res->by_votes || !res->by_order) {
		rc = admin_fail(ctx, "out of memory");
		goto out;
	}
	for (i = 0, k = 0; i < res->e->nprojects; i++) {
		res->by_votes[i] = i;
		if (res->t.projects[i].selected)
			res->by_order[k++] = i;
	}
	sort_res = res;
	qsort(res->by_votes, res->e->nprojects, sizeof(size_t), cmp_votes);
	qsort(res->by_order, k, sizeof(size_t), cmp_order);
	sort_res = NULL;
	*out = res;
	return ADMIN_EXIT_OK;
out:
	admin_results_free(res);
	return rc ? rc : ADMIN_EXIT_ERROR;
}

static void money(const struct admin_results *res, int64_t minor, char *out,
		  size_t outsz)
{
	sayso_money_format(minor, res->round.currency, out, outsz);
}

/* <hN id="ROUND-id">text</hN>: ids stay unique when a page holds several
 * rounds. */
static void heading(FILE *f, int level, const char *id,
		    const struct admin_results *res, const char *text)
{
	fprintf(f, "<h%d id=\"", level);
	html_esc(f, res->round.code);
	fprintf(f, "-%s\">", id);
	html_esc(f, text);
	fprintf(f, "</h%d>\n", level);
}

/* Counts as shown on the page: "12,345". */
static void num(int64_t v, char *out, size_t outsz)
{
	html_int(v, out, outsz);
}

static void plain(int64_t v, char *out, size_t outsz)
{
	snprintf(out, outsz, "%lld", (long long)v);
}

/* The state warning, when it was counted and the key figures. */
static void results_figures(FILE *f, const struct admin_results *res)
{
	const struct sayso_election *e = res->e;
	const struct sayso_tally *t = &res->t;
	char when[96], a[64], b[64], c[64], d[64];

	html_when(res->tallied_at, when, sizeof when);
	if (res->round.state == SAYSO_ROUND_OPEN)
		fputs("<p class=\"warn\"><strong>Voting is still open: these "
		      "results are provisional and will change.</strong></p>\n",
		      f);
	else if (res->round.state == SAYSO_ROUND_DRAFT)
		fputs("<p class=\"warn\"><strong>Voting has not opened yet: "
		      "there are no results.</strong></p>\n",
		      f);
	fputs("<p class=\"muted\">Counted on ", f);
	html_esc(f, when);
	fputs(".</p>\n", f);

	num(e->counted, a, sizeof a);
	num((int64_t)t->nselected, b, sizeof b);
	money(res, t->spent, c, sizeof c);
	money(res, t->left, d, sizeof d);
	fputs("<dl class=\"figs\"><div><dt>Ballots counted</dt><dd>", f);
	html_esc(f, a);
	if (res->t.rule != SAYSO_RULE_APPROVAL) {
		fputs("</dd></div><div><dt>Projects funded</dt><dd>", f);
		html_esc(f, b);
		fputs("</dd></div><div><dt>Money used</dt><dd>", f);
		html_esc(f, c);
		fputs("</dd></div><div><dt>Money left</dt><dd>", f);
		html_esc(f, d);
	}
	money(res, t->budget, a, sizeof a);
	fputs("</dd></div><div><dt>Budget</dt><dd>", f);
	html_esc(f, a);
	fputs("</dd></div></dl>\n", f);
}

/* The funded projects in the order the rule chose them (not for approval). */
static void results_funded(FILE *f, const struct admin_results *res, int level)
{
	const struct sayso_election *e = res->e;
	const struct sayso_tally *t = &res->t;
	char a[64], b[64];
	size_t i;

	if (res->t.rule != SAYSO_RULE_APPROVAL) {
		heading(f, level, "funded", res, "Funded projects");
		if (t->nselected == 0) {
			fputs("<p>No project could be funded.</p>\n", f);
		} else {
			fputs("<ol class=\"winners\">\n", f);
			for (i = 0; i < t->nselected; i++) {
				size_t p = res->by_order[i];

				money(res, e->projects[p].cost, a, sizeof a);
				num(t->projects[p].votes, b, sizeof b);
				fputs("<li data-project=\"", f);
				html_esc(f, e->projects[p].id);
				fputs("\"><strong>", f);
				html_esc(f, e->projects[p].title);
				fputs("</strong>: ", f);
				html_esc(f, a);
				fputs(", ", f);
				html_esc(f, b);
				fputs(t->projects[p].votes == 1 ? " vote"
								: " votes",
				      f);
				fputs("</li>\n", f);
			}
			fputs("</ol>\n", f);
			fputs("<p>", f);
			money(res, t->spent, a, sizeof a);
			money(res, t->left, b, sizeof b);
			html_esc(f, a);
			fputs(" of the budget is used and ", f);
			html_esc(f, b);
			fputs(" is left.</p>\n", f);
		}
	}
}

/* Votes for each project: a chart (most first) and the table in ballot
 * order. */
static void results_votes(FILE *f, const struct admin_results *res, int level)
{
	static const char *const ph[] = {"Project", "Cost", "Votes", "Funded"};
	const struct sayso_election *e = res->e;
	const struct sayso_tally *t = &res->t;
	struct html_bar *bars;
	char(*vals)[24];
	char a[64], b[64];
	size_t i;

	heading(f, level, "votes", res, "Votes for each project");
	bars = calloc(e->nprojects + 1, sizeof *bars);
	vals = calloc(e->nprojects + 1, sizeof *vals);
	if (bars && vals) {
		for (i = 0; i < e->nprojects; i++) {
			size_t p = res->by_votes[i];

			num(t->projects[p].score, vals[i], sizeof vals[i]);
			bars[i].label = e->projects[p].title;
			bars[i].value = t->projects[p].score;
			bars[i].valtext = vals[i];
			bars[i].note =
			    t->projects[p].selected ? "Funded" : NULL;
			bars[i].style = t->projects[p].selected
					    ? HTML_BAR_HIGHLIGHT
					    : HTML_BAR_PLAIN;
		}
		snprintf(a, sizeof a, "%s-votes-chart", res->round.code);
		html_bars(f, a,
			  e->kind == SAYSO_BALLOT_CUMULATIVE ||
				  e->kind == SAYSO_BALLOT_ORDINAL
			      ? "Points for each project, most first"
			      : "Votes for each project, most first",
			  bars, e->nprojects);
	}
	free(bars);
	free(vals);
	html_table_begin(f,
			 "Every project, in the order they appeared on the "
			 "ballot",
			 4, ph, "lrrl");
	for (i = 0; i < e->nprojects; i++) {
		const char *cells[4];
		char title[SAYSO_TALLY_TITLE_MAX + SAYSO_TALLY_ID_MAX + 4];

		snprintf(title, sizeof title, "%s. %s", e->projects[i].id,
			 e->projects[i].title);
		money(res, e->projects[i].cost, a, sizeof a);
		num(t->projects[i].score, b, sizeof b);
		cells[0] = title;
		cells[1] = a;
		cells[2] = b;
		cells[3] = res->t.rule == SAYSO_RULE_APPROVAL ? "-"
			   : t->projects[i].selected	      ? "Yes"
							      : "No";
		html_table_row(f, 4, cells, "lrrl");
	}
	html_table_end(f);
}

/* Ballots by channel (chart and table) and what was not counted. */
static void results_turnout(FILE *f, const struct admin_results *res, int level)
{
	static const enum sayso_channel chans[] = {
	    SAYSO_CH_KIOSK, SAYSO_CH_SMS, SAYSO_CH_PAPER, SAYSO_CH_IMPORT};
	static const char *const ch[] = {"How", "Ballots"};
	const struct sayso_election *e = res->e;
	char a[64], b[64];
	size_t i;

	heading(f, level, "turnout", res, "How people voted");
	{
		struct html_bar cb[4];
		char cv[4][24];
		size_t nb = 0;

		for (i = 0; i < 4; i++) {
			if (res->turnout.by_channel[chans[i]] == 0 &&
			    chans[i] == SAYSO_CH_IMPORT)
				continue;
			num(res->turnout.by_channel[chans[i]], cv[nb],
			    sizeof cv[nb]);
			cb[nb].label =
			    html_channel_label(sayso_channel_name(chans[i]));
			cb[nb].value = res->turnout.by_channel[chans[i]];
			cb[nb].valtext = cv[nb];
			cb[nb].note = NULL;
			cb[nb].style = HTML_BAR_PLAIN;
			nb++;
		}
		snprintf(a, sizeof a, "%s-turnout-chart", res->round.code);
		html_bars(f, a, "Ballots counted, by how people voted", cb, nb);
		html_table_begin(f, "Ballots counted, by how people voted", 2,
				 ch, "lr");
		for (i = 0; i < nb; i++) {
			const char *cells[2] = {cb[i].label, cv[i]};

			html_table_row(f, 2, cells, "lr");
		}
		{
			const char *cells[2];

			num(res->turnout.counted, a, sizeof a);
			cells[0] = "All";
			cells[1] = a;
			html_table_row(f, 2, cells, "lr");
		}
		html_table_end(f);
	}
	if (e->superseded > 0 || e->rejected > 0) {
		num(e->superseded, a, sizeof a);
		num(e->rejected, b, sizeof b);
		fputs("<p>Not counted: ", f);
		html_esc(f, a);
		fputs(e->superseded == 1
			  ? " ballot replaced by the same person's other "
			    "vote (one vote per person), and "
			  : " ballots replaced by the same person's other "
			    "vote (one vote per person), and ",
		      f);
		html_esc(f, b);
		fputs(" rejected.</p>\n", f);
	}
}

/* The link and its QR code, when the page has a URL. */
static void results_share(FILE *f, const struct admin_results *res,
			  const char *url, int level)
{
	if (url && url[0] != '\0') {
		struct sayso_qr qr = {0};

		heading(f, level, "share", res, "See these results online");
		fputs("<div class=\"qr\">", f);
		if (sayso_qr_encode(url, &qr) == SAYSO_OK) {
			admin_qr_svg(f, &qr, "QR code linking to this page",
				     false);
			sayso_qr_cleanup(&qr);
		}
		fputs("<p>Scan the code or go to <a href=\"", f);
		html_esc(f, url);
		fputs("\">", f);
		html_esc(f, url);
		fputs("</a></p></div>\n", f);
	}
}

void admin_results_html(FILE *f, const struct admin_results *res,
			const char *url, int level)
{
	results_figures(f, res);
	heading(f, level, "rule", res, "How the winners were chosen");
	fputs("<p>", f);
	html_esc(f, res->rule_text);
	fputs("</p>\n", f);
	results_funded(f, res, level);
	results_votes(f, res, level);
	results_turnout(f, res, level);
	results_share(f, res, url, level);
}

void *admin_results_json(const struct admin_results *res, const char *url)
{
	static const enum sayso_channel chans[] = {
	    SAYSO_CH_KIOSK, SAYSO_CH_SMS, SAYSO_CH_PAPER, SAYSO_CH_IMPORT};
	const struct sayso_election *e = res->e;
	const struct sayso_tally *t = &res->t;
	const char *cur = res->round.currency;
	json_t *o = json_object(), *sel = json_array(),
	       *projects = json_array(), *ballots = json_object(),
	       *turnout = json_object();
	size_t i;

	json_object_set_new(o, "round", admin_json_str(res->round.code));
	json_object_set_new(o, "title", admin_json_str(res->round.title));
	json_object_set_new(
	    o, "state",
	    admin_json_str(sayso_round_state_name(res->round.state)));
	json_object_set_new(o, "provisional",
			    json_boolean(res->round.state == SAYSO_ROUND_OPEN));
	json_object_set_new(o, "rule",
			    admin_json_str(sayso_rule_name(t->rule)));
	json_object_set_new(o, "rule_text", admin_json_str(res->rule_text));
	json_object_set_new(o, "tallied_at", admin_json_str(res->tallied_at));
	json_object_set_new(o, "currency", admin_json_str(cur));
	json_object_set_new(o, "budget", admin_json_money(t->budget, cur));
	json_object_set_new(o, "spent", admin_json_money(t->spent, cur));
	json_object_set_new(o, "left", admin_json_money(t->left, cur));
	/* In project order, like `tally --format json`; "order" on each
	 * project gives the order the rule funded them in. */
	for (i = 0; i < e->nprojects; i++)
		if (t->projects[i].selected)
			json_array_append_new(
			    sel, admin_json_str(e->projects[i].id));
	json_object_set_new(o, "selected", sel);
	for (i = 0; i < e->nprojects; i++) {
		json_t *p = json_object();

		json_object_set_new(p, "id", admin_json_str(e->projects[i].id));
		json_object_set_new(p, "title",
				    admin_json_str(e->projects[i].title));
		json_object_set_new(p, "cost",
				    admin_json_money(e->projects[i].cost, cur));
		json_object_set_new(p, "votes",
				    json_integer(t->projects[i].votes));
		json_object_set_new(p, "score",
				    json_integer(t->projects[i].score));
		json_object_set_new(p, "selected",
				    json_boolean(t->projects[i].selected));
		json_object_set_new(p, "order",
				    json_integer(t->projects[i].order));
		json_array_append_new(projects, p);
	}
	json_object_set_new(o, "projects", projects);
	json_object_set_new(ballots, "counted", json_integer(e->counted));
	json_object_set_new(ballots, "superseded", json_integer(e->superseded));
	json_object_set_new(ballots, "rejected", json_integer(e->rejected));
	json_object_set_new(o, "ballots", ballots);
	for (i = 0; i < 4; i++)
		json_object_set_new(
		    turnout, sayso_channel_name(chans[i]),
		    json_integer(res->turnout.by_channel[chans[i]]));
	json_object_set_new(o, "turnout", turnout);
	json_object_set_new(o, "url",
			    url && url[0] ? admin_json_str(url) : json_null());
	return o;
}

void admin_results_csv(FILE *f, const struct admin_results *res)
{
	static const char *const h[] = {"id",	 "title",    "cost", "votes",
					"score", "selected", "order"};
	const struct sayso_election *e = res->e;
	size_t i;

	admin_csv_row(f, h, 7);
	for (i = 0; i < e->nprojects; i++) {
		char cost[40], votes[24], score[24], order[16];
		const char *cells[7];

		admin_money_plain(e->projects[i].cost, res->round.currency,
				  cost, sizeof cost);
		plain(res->t.projects[i].votes, votes, sizeof votes);
		plain(res->t.projects[i].score, score, sizeof score);
		snprintf(order, sizeof order, "%d", res->t.projects[i].order);
		cells[0] = e->projects[i].id;
		cells[1] = e->projects[i].title;
		cells[2] = cost;
		cells[3] = votes;
		cells[4] = score;
		cells[5] = res->t.projects[i].selected ? "yes" : "no";
		cells[6] = order;
		admin_csv_row(f, cells, 7);
	}
}

int admin_cmd_results(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *out = NULL, *url = NULL, *rulename = NULL;
	const struct admin_opt opts[] = {
	    {"out", &out, NULL},
	    {"url", &url, NULL},
	    {"rule", &rulename, NULL},
	    {NULL, NULL, NULL},
	};
	struct admin_results *res = NULL;
	struct admin_outdir od;
	struct sayso_qr qr = {0};
	enum sayso_rule rule = SAYSO_RULE_GREEDY;
	char title[SAYSO_TITLE_MAX + 16];
	char *pos[1];
	int npos = 0, rc;
	FILE *f;
	json_t *j;

	rc = admin_args(ctx, "results", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != 0)
		return rc;
	if (!out) {
		fprintf(ctx->err, "sayso-admin results: --out DIR is needed\n");
		admin_usage(ctx, "results", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if ((rc = admin_rule(ctx, "results", rulename, &rule)) != 0)
		return rc;
	if (url) {
		enum sayso_err e = sayso_qr_encode(url, &qr);

		if (e != SAYSO_OK) {
			fprintf(ctx->err, "sayso-admin results: --url: %s\n",
				e == SAYSO_ERR_TOOBIG ? "too long for a QR code"
						      : sayso_strerror(e));
			return ADMIN_EXIT_USAGE;
		}
	}
	if (admin_open(ctx, ADMIN_READ) != ADMIN_EXIT_OK) {
		rc = ADMIN_EXIT_ERROR;
		goto done;
	}
	if (!rulename) {
		/* No --rule: the round's own (MES for an imported MES
		 * election); a missing round is reported by the load. */
		struct sayso_round r;

		if (sayso_round_get(ctx->st, pos[0], &r) == SAYSO_OK &&
		    sayso_round_rule(ctx->st, r.id, &rule) != SAYSO_OK)
			rule = SAYSO_RULE_GREEDY;
	}
	rc = admin_results_load(ctx, pos[0], rule, &res);
	if (rc != 0)
		goto done;
	rc = admin_outdir_begin(ctx, &od, out);
	if (rc != 0)
		goto done;

	f = admin_outdir_open(ctx, &od, "index.html");
	if (!f)
		goto out;
	snprintf(title, sizeof title, "Results: %s", res->round.title);
	html_page_begin(f, title);
	fputs("<h1>", f);
	html_esc(f, title);
	fputs("</h1>\n", f);
	admin_results_html(f, res, url, 2);
	fputs("<p class=\"muted\">The same figures as data: "
	      "<a href=\"results.json\">results.json</a>, "
	      "<a href=\"results.csv\">results.csv</a>.</p>\n",
	      f);
	html_page_end(f, res->tallied_at);
	if (admin_outdir_close(ctx, &od, f, "index.html") != 0)
		goto out;

	f = admin_outdir_open(ctx, &od, "results.json");
	if (!f)
		goto out;
	j = admin_results_json(res, url);
	json_dumpf(j, f,
		   JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		       JSON_REAL_PRECISION(15));
	fputc('\n', f);
	json_decref(j);
	if (admin_outdir_close(ctx, &od, f, "results.json") != 0)
		goto out;

	f = admin_outdir_open(ctx, &od, "results.csv");
	if (!f)
		goto out;
	admin_results_csv(f, res);
	if (admin_outdir_close(ctx, &od, f, "results.csv") != 0)
		goto out;

	if (url) {
		char p[1200], err[1400];

		admin_outdir_path(&od, "qr.png", p, sizeof p);
		if (!admin_qr_png(&qr, admin_qr_scale(&qr), p, err,
				  sizeof err)) {
			admin_fail(ctx, "%s", err);
			goto out;
		}
		f = admin_outdir_open(ctx, &od, "qr.svg");
		if (!f)
			goto out;
		admin_qr_svg(f, &qr, url, true);
		if (admin_outdir_close(ctx, &od, f, "qr.svg") != 0)
			goto out;
	}
	rc = admin_outdir_finish(ctx, &od, true);
	if (rc == 0)
		fprintf(ctx->out, "wrote %s/index.html (%s, %zu funded)\n",
			od.dir, sayso_rule_name(rule), res->t.nselected);
	goto done;
out:
	rc = admin_outdir_finish(ctx, &od, false);
done:
	admin_results_free(res);
	sayso_qr_cleanup(&qr);
	return rc ? rc : ADMIN_EXIT_OK;
}

const struct sayso_round *admin_results_round(const struct admin_results *res)
{
	return &res->round;
}

int64_t admin_results_counted(const struct admin_results *res)
{
	return res->turnout.counted;
}

size_t admin_results_winners(const struct admin_results *res,
			     struct admin_winner *out, size_t max)
{
	size_t i, n = 0, nsel = 0;

	for (i = 0; i < res->e->nprojects; i++)
		nsel += res->t.projects[i].selected ? 1 : 0;
	for (i = 0; i < nsel && n < max; i++) {
		size_t p = res->by_order[i]; /* the first nsel are selected */

		out[n].title = res->e->projects[p].title;
		out[n].votes = res->t.projects[p].votes;
		out[n].cost = res->e->projects[p].cost;
		n++;
	}
	return n;
}

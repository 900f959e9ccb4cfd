/*
 * cmd_partner.c: the partnership's organisations and who is responsible
 * for what, from the command line.
 *
 *   partner add CODE --name N
 *   partner list [--format table|csv|json]
 *   partner route CODE --category C [--street S]
 *   partner issues CODE [--open] [--format F] [--out DIR]
 *   report assign REF (--partner CODE | --not-ours) [--note T]
 *   report duplicate REF (--of REF2 | --split)
 *   reports duplicates [--all] [--format F]
 *   report history REF [--format F]
 *
 * `partner issues` is each organisation's own list: the residents' reports
 * and the walkabout issues it is responsible for, with --out DIR writing
 * index.html, issues.csv and issues.json to hand over. The rules (routing,
 * history, duplicates) are core's (sayso/partner.h).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "html.h"
#include "sayso/partner.h"
#include "sayso/stats.h"
#include "sayso/walkabout.h"

int admin_cmd_partner_add(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *name = NULL;
	const struct admin_opt opts[] = {{"name", &name, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int npos = 0, rc;

	rc = admin_args(ctx, "partner add", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != 0)
		return rc;
	if (!name) {
		fprintf(ctx->err,
			"sayso-admin partner add: --name is needed\n");
		admin_usage(ctx, "partner add", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if ((rc = admin_open(ctx, ADMIN_WRITE)) != ADMIN_EXIT_OK)
		return rc;
	enum sayso_err e = sayso_partner_add(ctx->st, pos[0], name, ctx->actor);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "partner add", e);
	fprintf(ctx->out, "partner %s: %s\n", pos[0], name);
	return ADMIN_EXIT_OK;
}

int admin_cmd_partner_list(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {NULL, NULL, NULL}};
	struct sayso_partner *p = NULL;
	struct sayso_route *r = NULL;
	size_t np = 0, nr = 0;
	enum admin_format fmt;
	int npos = 0, rc;
	enum sayso_err e;

	rc = admin_args_fmt(ctx, "partner list", argc, argv, opts, NULL, 0, 0,
			    &npos, &fmt);
	if (rc != 0)
		return rc;
	if ((rc = admin_open(ctx, ADMIN_READ)) != ADMIN_EXIT_OK)
		return rc;
	if ((e = sayso_partner_list(ctx->st, &p, &np)) != SAYSO_OK ||
	    (e = sayso_partner_routes(ctx->st, &r, &nr)) != SAYSO_OK) {
		free(p);
		return admin_fail_store(ctx, "partner list", e);
	}
	if (fmt == ADMIN_FMT_JSON) {
		json_t *a = json_array();
		for (size_t i = 0; i < np; i++) {
			json_t *o = json_object(), *routes = json_array();
			json_object_set_new(o, "code", json_string(p[i].code));
			json_object_set_new(o, "name", json_string(p[i].name));
			for (size_t k = 0; k < nr; k++) {
				if (strcmp(r[k].partner, p[i].code) != 0)
					continue;
				json_t *ro = json_object();
				json_object_set_new(ro, "category",
						    json_string(r[k].category));
				json_object_set_new(ro, "street",
						    json_string(r[k].street));
				json_array_append_new(routes, ro);
			}
			json_object_set_new(o, "routes", routes);
			json_array_append_new(a, o);
		}
		rc = admin_json_print(ctx, a);
	} else {
		/* One row per rule; a partner with none has one empty row. */
		static const char *const h[] = {"code", "name", "category",
						"street"};
		struct admin_table *t = admin_table_new(4, h, "llll");
		for (size_t i = 0; t && i < np; i++) {
			bool any = false;
			for (size_t k = 0; k < nr; k++) {
				if (strcmp(r[k].partner, p[i].code) != 0)
					continue;
				const char *c[4] = {
				    p[i].code, p[i].name, r[k].category,
				    r[k].street[0] || fmt != ADMIN_FMT_TABLE
					? r[k].street
					: "(any)"};
				admin_table_add(t, c);
				any = true;
			}
			if (!any) {
				const char *c[4] = {p[i].code, p[i].name, "",
						    ""};
				admin_table_add(t, c);
			}
		}
		if (t)
			admin_table_print(t, ctx->out, fmt);
		admin_table_free(t);
	}
	free(p);
	free(r);
	return rc;
}

int admin_cmd_partner_route(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *category = NULL, *street = NULL;
	const struct admin_opt opts[] = {{"category", &category, NULL},
					 {"street", &street, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int npos = 0, rc;

	rc = admin_args(ctx, "partner route", argc, argv, opts, pos, 1, 1,
			&npos);
	if (rc != 0)
		return rc;
	if (!category) {
		fprintf(ctx->err,
			"sayso-admin partner route: --category is needed "
			"('*' for any category)\n");
		admin_usage(ctx, "partner route", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	const struct sayso_list *cats = &ctx->cfg.site.categories;
	bool known = strcmp(category, SAYSO_ROUTE_ANY) == 0 || cats->n == 0;
	for (size_t i = 0; !known && i < cats->n; i++)
		known = strcasecmp(cats->items[i], category) == 0;
	if (!known) /* a rule for a category nobody can pick never matches */
		fprintf(ctx->err,
			"sayso-admin partner route: note: '%s' is not one of "
			"[site] categories\n",
			category);
	if ((rc = admin_open(ctx, ADMIN_WRITE)) != ADMIN_EXIT_OK)
		return rc;
	enum sayso_err e =
	    sayso_partner_route(ctx->st, pos[0], category, street, ctx->actor);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "partner route", e);
	fprintf(ctx->out, "%s on %s -> %s\n", category,
		street && *street ? street : "any street", pos[0]);
	return ADMIN_EXIT_OK;
}

/* One row of a partner's list, either kind of issue. */
struct pissue {
	const char *kind; /* "report" | "walkabout" */
	const char *ref, *category, *street, *status, *seen, *text, *dup;
	bool open;
};

static void pissue_from_report(const struct sayso_report_row *r,
			       struct pissue *p)
{
	p->kind = "report";
	p->ref = r->ref;
	p->category = r->category;
	p->street = r->street;
	p->status = sayso_report_status_name(r->status);
	p->seen = r->cast_at;
	p->text = r->text;
	p->dup = r->dup_of;
	p->open = (r->status == SAYSO_REPORT_OPEN ||
		   r->status == SAYSO_REPORT_IN_PROGRESS) &&
		  !r->dup_confirmed && !r->not_ours;
}

static void pissue_from_walk(const struct sayso_walk_issue *w, struct pissue *p)
{
	p->kind = "walkabout";
	p->ref = w->ref;
	p->category = w->category;
	p->street = w->street;
	p->status = w->dup_confirmed ? "duplicate"
		    : w->has_last    ? sayso_observed_name(w->last)
				     : "not re-inspected";
	p->seen = w->seen_at;
	p->text = w->note;
	p->dup = w->dup_of;
	p->open = w->open;
}

static const char *const pissue_heads[] = {"kind",   "ref",	    "category",
					   "street", "status",	    "seen_at",
					   "text",   "duplicate_of"};

static void pissue_cells(const struct pissue *p, const char **c)
{
	c[0] = p->kind;
	c[1] = p->ref;
	c[2] = p->category;
	c[3] = p->street;
	c[4] = p->status;
	c[5] = p->seen;
	c[6] = p->text;
	c[7] = p->dup;
}

static json_t *pissues_json(const char *code, const struct pissue *p, size_t n)
{
	json_t *o = json_object(), *a = json_array();
	json_object_set_new(o, "partner", json_string(code));
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_object();
		const char *c[8];
		pissue_cells(&p[i], c);
		for (size_t k = 0; k < 8; k++)
			json_object_set_new(r, pissue_heads[k],
					    json_string(c[k]));
		json_object_set_new(r, "open", json_boolean(p[i].open));
		json_array_append_new(a, r);
	}
	json_object_set_new(o, "issues", a);
	return o;
}

/* This partner's walkabout rate, in the words of the summary. */
static void pissues_rate(FILE *f, const struct sayso_walk_counts *c)
{
	char rate[24], lo[24], hi[24];

	if (!c || c->inspected == 0) {
		fputs("<p>None of this organisation's walkabout issues has "
		      "been re-inspected yet.</p>\n",
		      f);
		return;
	}
	html_pct(c->rate, rate, sizeof rate);
	html_pct(c->ci_low, lo, sizeof lo);
	html_pct(c->ci_high, hi, sizeof hi);
	fprintf(f,
		"<p>Walkabout issues observed resolved: <strong>%s</strong> "
		"(%lld of %lld re-inspected; 95%% interval %s to %s). %lld "
		"never re-inspected, %lld confirmed duplicates and %lld not "
		"the partnership's are left out.</p>\n<p class=\"muted\">",
		rate, (long long)c->resolved, (long long)c->inspected, lo, hi,
		(long long)c->uninspected, (long long)c->duplicates,
		(long long)c->not_ours);
	html_esc(f, "Definition: " ADMIN_WALK_RATE_DEFINITION ".");
	fputs("</p>\n", f);
}

static void pissues_html(FILE *f, const struct sayso_partner *pt,
			 const struct pissue *p, size_t n,
			 const struct sayso_walk_counts *wc, const char *now)
{
	char title[SAYSO_PARTNER_NAME_MAX + 32];
	size_t open = 0;
	snprintf(title, sizeof title, "Issues for %s", pt->name);
	for (size_t i = 0; i < n; i++)
		open += p[i].open;
	html_page_begin(f, title);
	fputs("<h1>", f);
	html_esc(f, title);
	fprintf(f,
		"</h1>\n<p class=\"lead\">%zu issue%s routed to this "
		"organisation, %zu of them open: residents' reports (status "
		"as recorded) and issues logged on walkabouts (as last "
		"observed).</p>\n",
		n, n == 1 ? "" : "s", open);
	pissues_rate(f, wc);
	static const char *const h[] = {"Kind",	  "Ref",	 "Category",
					"Street", "Status",	 "Seen",
					"Note",	  "Duplicate of"};
	html_table_begin(f, title, 8, h, "llllllll");
	for (size_t i = 0; i < n; i++) {
		const char *c[8];
		char when[96];
		pissue_cells(&p[i], c);
		html_when(c[5], when, sizeof when);
		c[5] = when;
		html_table_row(f, 8, c, "llllllll");
	}
	html_table_end(f);
	html_page_end(f, now);
}

/* Writes DIR/index.html, issues.csv and issues.json, swapped in whole. */
static int pissues_write(struct admin_ctx *ctx, const struct sayso_partner *pt,
			 const struct pissue *p, size_t n,
			 const struct sayso_walk_counts *wc, const char *dir)
{
	struct admin_outdir od;
	char now[SAYSO_TIME_LEN + 1];
	int rc = admin_outdir_begin(ctx, &od, dir);
	FILE *f;

	if (rc != 0)
		return rc;
	sayso_time_format(sayso_time_now_ms(), now, sizeof now);
	if (!(f = admin_outdir_open(ctx, &od, "index.html")))
		return admin_outdir_finish(ctx, &od, false);
	pissues_html(f, pt, p, n, wc, now);
	if ((rc = admin_outdir_close(ctx, &od, f, "index.html")) != 0)
		return admin_outdir_finish(ctx, &od, false);
	if (!(f = admin_outdir_open(ctx, &od, "issues.csv")))
		return admin_outdir_finish(ctx, &od, false);
	admin_csv_row(f, pissue_heads, 8);
	for (size_t i = 0; i < n; i++) {
		const char *c[8];
		pissue_cells(&p[i], c);
		admin_csv_row(f, c, 8);
	}
	if ((rc = admin_outdir_close(ctx, &od, f, "issues.csv")) != 0)
		return admin_outdir_finish(ctx, &od, false);
	if (!(f = admin_outdir_open(ctx, &od, "issues.json")))
		return admin_outdir_finish(ctx, &od, false);
	json_t *j = pissues_json(pt->code, p, n);
	json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(j);
	rc = admin_outdir_close(ctx, &od, f, "issues.json");
	rc = admin_outdir_finish(ctx, &od, rc == 0);
	if (rc == 0)
		fprintf(ctx->out, "wrote %s/index.html\n", od.dir);
	return rc;
}

static void pissues_print(struct admin_ctx *ctx, const char *code,
			  const struct pissue *p, size_t n,
			  enum admin_format fmt)
{
	if (fmt == ADMIN_FMT_JSON) {
		admin_json_print(ctx, pissues_json(code, p, n));
		return;
	}
	struct admin_table *t = admin_table_new(8, pissue_heads, "llllllll");
	for (size_t i = 0; t && i < n; i++) {
		const char *c[8];
		char day[16], text[128];
		pissue_cells(&p[i], c);
		if (fmt == ADMIN_FMT_TABLE) {
			snprintf(day, sizeof day, "%.10s", c[5]);
			admin_shorten(c[6], 30, text, sizeof text);
			c[5] = day;
			c[6] = text;
		}
		admin_table_add(t, c);
	}
	if (t)
		admin_table_print(t, ctx->out, fmt);
	admin_table_free(t);
	if (fmt == ADMIN_FMT_TABLE)
		fprintf(ctx->out, "%zu issue%s\n", n, n == 1 ? "" : "s");
}

int admin_cmd_partner_issues(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL, *out = NULL;
	bool open = false;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {"out", &out, NULL},
					 {"open", NULL, &open},
					 {NULL, NULL, NULL}};
	struct sayso_report_row *rows = NULL;
	struct sayso_walk_issue *ws = NULL;
	struct pissue *p = NULL;
	struct sayso_partner pt;
	size_t nr = 0, nw = 0, n = 0;
	enum admin_format fmt;
	char *pos[1];
	int npos = 0, rc;
	enum sayso_err e;

	rc = admin_args_fmt(ctx, "partner issues", argc, argv, opts, pos, 1, 1,
			    &npos, &fmt);
	if (rc != 0)
		return rc;
	if ((rc = admin_open(ctx, ADMIN_READ)) != ADMIN_EXIT_OK)
		return rc;
	struct sayso_report_filter rf = {.partner = pos[0]};
	struct sayso_walk_filter wf = {.partner = pos[0]};
	if ((e = sayso_partner_get(ctx->st, pos[0], &pt)) != SAYSO_OK ||
	    (e = sayso_stats_report_list(ctx->st, &rf, &rows, &nr)) !=
		SAYSO_OK ||
	    (e = sayso_walk_issue_list(ctx->st, &wf, &ws, &nw)) != SAYSO_OK) {
		rc = admin_fail_store(ctx, "partner issues", e);
		goto out;
	}
	if (!(p = calloc(nr + nw + 1, sizeof *p))) {
		rc = admin_fail(ctx, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nr; i++) {
		pissue_from_report(&rows[i], &p[n]);
		n += !open || p[n].open;
	}
	for (size_t i = 0; i < nw; i++) {
		pissue_from_walk(&ws[i], &p[n]);
		n += !open || p[n].open;
	}
	if (out) {
		struct sayso_walk_rate r;
		const struct sayso_walk_counts *wc = NULL;
		if ((e = sayso_walk_rate(ctx->st, NULL, &r)) != SAYSO_OK) {
			rc = admin_fail_store(ctx, "partner issues", e);
			goto out;
		}
		for (size_t i = 0; i < r.npartners; i++)
			if (strcmp(r.partners[i].key, pt.code) == 0)
				wc = &r.partners[i];
		rc = pissues_write(ctx, &pt, p, n, wc, out);
		sayso_walk_rate_cleanup(&r);
	} else
		pissues_print(ctx, pt.code, p, n, fmt);
out:
	free(p);
	free(rows);
	free(ws);
	return rc;
}

int admin_cmd_report_assign(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *partner = NULL, *note = NULL;
	bool not_ours = false;
	const struct admin_opt opts[] = {{"partner", &partner, NULL},
					 {"not-ours", NULL, &not_ours},
					 {"note", &note, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int npos = 0, rc;

	rc = admin_args(ctx, "report assign", argc, argv, opts, pos, 1, 1,
			&npos);
	if (rc != 0)
		return rc;
	if ((!partner) == !not_ours) {
		fprintf(ctx->err, "sayso-admin report assign: give one of "
				  "--partner CODE or --not-ours\n");
		admin_usage(ctx, "report assign", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if ((rc = admin_open(ctx, ADMIN_WRITE)) != ADMIN_EXIT_OK)
		return rc;
	enum sayso_err e =
	    sayso_issue_assign(ctx->st, pos[0], partner, note, ctx->actor);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "report assign", e);
	fprintf(ctx->out, "%s -> %s\n", pos[0],
		partner ? partner : "not the partnership's");
	return ADMIN_EXIT_OK;
}

int admin_cmd_report_duplicate(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *of = NULL;
	bool split = false;
	const struct admin_opt opts[] = {
	    {"of", &of, NULL}, {"split", NULL, &split}, {NULL, NULL, NULL}};
	char *pos[1];
	int npos = 0, rc;

	rc = admin_args(ctx, "report duplicate", argc, argv, opts, pos, 1, 1,
			&npos);
	if (rc != 0)
		return rc;
	if ((!of) == !split) {
		fprintf(ctx->err, "sayso-admin report duplicate: give one of "
				  "--of REF2 or --split\n");
		admin_usage(ctx, "report duplicate", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if ((rc = admin_open(ctx, ADMIN_WRITE)) != ADMIN_EXIT_OK)
		return rc;
	enum sayso_err e =
	    sayso_issue_duplicate(ctx->st, pos[0], of, ctx->actor);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "report duplicate", e);
	if (of)
		fprintf(ctx->out, "%s: duplicate of %s\n", pos[0], of);
	else
		fprintf(ctx->out, "%s: its own issue\n", pos[0]);
	return ADMIN_EXIT_OK;
}

int admin_cmd_reports_duplicates(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL;
	bool all = false;
	const struct admin_opt opts[] = {
	    {"format", &format, NULL}, {"all", NULL, &all}, {NULL, NULL, NULL}};
	static const char *const h[] = {"kind",	  "ref",      "duplicate_of",
					"state",  "category", "street",
					"seen_at"};
	struct sayso_dup_link *d = NULL;
	enum admin_format fmt;
	size_t n = 0;
	int npos = 0, rc;

	rc = admin_args_fmt(ctx, "reports duplicates", argc, argv, opts, NULL,
			    0, 0, &npos, &fmt);
	if (rc != 0)
		return rc;
	if ((rc = admin_open(ctx, ADMIN_READ)) != ADMIN_EXIT_OK)
		return rc;
	enum sayso_err e = sayso_issue_duplicates(ctx->st, all, &d, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "reports duplicates", e);
	if (fmt == ADMIN_FMT_JSON) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(
			    o, "kind",
			    json_string(d[i].walk ? "walkabout" : "report"));
			json_object_set_new(o, "ref", json_string(d[i].ref));
			json_object_set_new(o, "duplicate_of",
					    json_string(d[i].of));
			json_object_set_new(o, "confirmed",
					    json_boolean(d[i].confirmed));
			json_object_set_new(o, "category",
					    json_string(d[i].category));
			json_object_set_new(o, "street",
					    json_string(d[i].street));
			json_object_set_new(o, "seen_at", json_string(d[i].at));
			json_array_append_new(a, o);
		}
		rc = admin_json_print(ctx, a);
	} else {
		struct admin_table *t = admin_table_new(7, h, "lllllll");
		for (size_t i = 0; t && i < n; i++) {
			const char *c[7] = {d[i].walk ? "walkabout" : "report",
					    d[i].ref,
					    d[i].of,
					    d[i].confirmed ? "confirmed"
							   : "likely",
					    d[i].category,
					    d[i].street,
					    d[i].at};
			admin_table_add(t, c);
		}
		if (t)
			admin_table_print(t, ctx->out, fmt);
		admin_table_free(t);
		if (fmt == ADMIN_FMT_TABLE)
			fprintf(ctx->out,
				"%zu link%s (confirm: report duplicate REF "
				"--of REF2; split: report duplicate REF "
				"--split)\n",
				n, n == 1 ? "" : "s");
	}
	free(d);
	return rc;
}

int admin_cmd_report_history(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {NULL, NULL, NULL}};
	static const char *const h[] = {"at", "partner", "note", "by"};
	struct sayso_partner_change *c = NULL;
	enum admin_format fmt;
	char *pos[1];
	size_t n = 0;
	int npos = 0, rc;

	rc = admin_args_fmt(ctx, "report history", argc, argv, opts, pos, 1, 1,
			    &npos, &fmt);
	if (rc != 0)
		return rc;
	if ((rc = admin_open(ctx, ADMIN_READ)) != ADMIN_EXIT_OK)
		return rc;
	enum sayso_err e = sayso_issue_partner_history(ctx->st, pos[0], &c, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "report history", e);
	if (fmt == ADMIN_FMT_JSON) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "at", json_string(c[i].at));
			json_object_set_new(o, "partner",
					    json_string(c[i].partner));
			json_object_set_new(o, "not_ours",
					    json_boolean(c[i].not_ours));
			json_object_set_new(o, "note", json_string(c[i].note));
			json_object_set_new(o, "by", json_string(c[i].actor));
			json_array_append_new(a, o);
		}
		rc = admin_json_print(ctx, a);
	} else {
		struct admin_table *t = admin_table_new(4, h, "llll");
		for (size_t i = 0; t && i < n; i++) {
			const char *who = c[i].not_ours	    ? "(not ours)"
					  : c[i].partner[0] ? c[i].partner
							    : "(none)";
			const char *cells[4] = {c[i].at, who, c[i].note,
						c[i].actor};
			admin_table_add(t, cells);
		}
		if (t)
			admin_table_print(t, ctx->out, fmt);
		admin_table_free(t);
	}
	free(c);
	return rc;
}

/*
 * cmd_walkabout.c: neighbourhood walkabouts from the command line.
 *
 *   walkabout start CODE --date D --by NAME[,NAME] [--streets S[,S...]]
 *   walkabout list [--format table|csv|json]
 *   walkabout show CODE [--format table|csv|json]
 *   walkabout log CODE --street S --category C [--grade A|B|C|D]
 *                 [--note T] [--by NAME] [--at TIME] [--format F]
 *   walkabout check CODE --issue REF --observed resolved|not-resolved|
 *                   gone-worse [--note T] [--by NAME] [--at TIME]
 *   walkabout issues [--walkabout CODE] [--street S] [--category C]
 *                    [--partner CODE] [--open] [--format F]
 *   reports summary --walkabouts | --walkabout CODE (admin_walk_summary)
 *
 * `walkabout log` prints the new reference alone on stdout (scripts keep
 * it); the rules (coverage, routing, duplicates, the rate) are all core's
 * (sayso/walkabout.h). A category must be one of the site's ([site]
 * categories) and, when the walkabout lists no streets, a street one of
 * [site] streets, so a typo cannot split a figure in two.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "html.h"
#include "sayso/walkabout.h"

static bool in_list(const struct sayso_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->items[i], s) == 0)
			return true;
	return false;
}

/* Splits a comma list in place into up to max trimmed items. */
static size_t split_commas(char *s, char **items, size_t max, bool *over)
{
	size_t n = 0;
	*over = false;
	for (char *p = s; p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		while (*p == ' ')
			p++;
		size_t len = strlen(p);
		while (len > 0 && p[len - 1] == ' ')
			p[--len] = '\0';
		if (*p) {
			if (n == max) {
				*over = true;
				break;
			}
			items[n++] = p;
		}
		p = comma ? comma + 1 : NULL;
	}
	return n;
}

int admin_cmd_walkabout_start(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *date = NULL, *by = NULL, *streets = NULL;
	const struct admin_opt opts[] = {
	    {"date", &date, NULL},
	    {"by", &by, NULL},
	    {"streets", &streets, NULL},
	    {NULL, NULL, NULL},
	};
	char *pos[1], *list = NULL, *items[SAYSO_WALK_STREETS_MAX];
	size_t n = 0;
	bool over = false;
	int npos = 0, rc;

	rc = admin_args(ctx, "walkabout start", argc, argv, opts, pos, 1, 1,
			&npos);
	if (rc != 0)
		return rc;
	if (!date || !by) {
		fprintf(ctx->err, "sayso-admin walkabout start: --date and "
				  "--by are needed\n");
		admin_usage(ctx, "walkabout start", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if (streets) {
		list = strdup(streets);
		if (!list)
			return admin_fail(ctx, "out of memory");
		n = split_commas(list, items, SAYSO_WALK_STREETS_MAX, &over);
		if (over || n == 0) {
			fprintf(ctx->err,
				"sayso-admin walkabout start: --streets: "
				"1 to %d streets, comma separated\n",
				SAYSO_WALK_STREETS_MAX);
			free(list);
			return ADMIN_EXIT_USAGE;
		}
	}
	if ((rc = admin_open(ctx, ADMIN_WRITE)) != ADMIN_EXIT_OK) {
		free(list);
		return rc;
	}
	enum sayso_err e =
	    sayso_walkabout_start(ctx->st, pos[0], date, by,
				  (const char *const *)items, n, ctx->actor);
	free(list);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "walkabout start", e);
	fprintf(ctx->out, "walkabout %s on %s\n", pos[0], date);
	return ADMIN_EXIT_OK;
}

static void streets_text(const struct sayso_walkabout *w, char *out,
			 size_t outsz)
{
	size_t used = 0;
	out[0] = '\0';
	if (w->nstreets == 0) {
		snprintf(out, outsz, "(all the site's streets)");
		return;
	}
	for (size_t i = 0; i < w->nstreets && used < outsz; i++) {
		int k = snprintf(out + used, outsz - used, "%s%s",
				 i ? ", " : "", w->streets[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

static json_t *walkabout_json(const struct sayso_walkabout *w)
{
	json_t *o = json_object(), *a = json_array();
	json_object_set_new(o, "code", json_string(w->code));
	json_object_set_new(o, "date", json_string(w->held_on));
	json_object_set_new(o, "by", json_string(w->walkers));
	for (size_t i = 0; i < w->nstreets; i++)
		json_array_append_new(a, json_string(w->streets[i]));
	json_object_set_new(o, "streets", a);
	json_object_set_new(o, "issues", json_integer(w->issues));
	json_object_set_new(o, "checks", json_integer(w->checks));
	return o;
}

static void print_walkabouts(struct admin_ctx *ctx,
			     const struct sayso_walkabout *w, size_t n,
			     enum admin_format fmt)
{
	if (fmt == ADMIN_FMT_JSON) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, walkabout_json(&w[i]));
		admin_json_print(ctx, a);
		return;
	}
	static const char *const h[] = {"code",	   "date",   "by",
					"streets", "issues", "checks"};
	struct admin_table *t = admin_table_new(6, h, "llllrr");
	for (size_t i = 0; t && i < n; i++) {
		char streets[2048], a[24], b[24];
		streets_text(&w[i], streets, sizeof streets);
		snprintf(a, sizeof a, "%lld", (long long)w[i].issues);
		snprintf(b, sizeof b, "%lld", (long long)w[i].checks);
		const char *c[6] = {
		    w[i].code, w[i].held_on, w[i].walkers, streets, a, b};
		admin_table_add(t, c);
	}
	if (t)
		admin_table_print(t, ctx->out, fmt);
	admin_table_free(t);
}

int admin_cmd_walkabout_list(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {NULL, NULL, NULL}};
	enum admin_format fmt;
	struct sayso_walkabout *w = NULL;
	size_t n = 0;
	int npos = 0, rc;

	rc = admin_args_fmt(ctx, "walkabout list", argc, argv, opts, NULL, 0, 0,
			    &npos, &fmt);
	if (rc != 0)
		return rc;
	if ((rc = admin_open(ctx, ADMIN_READ)) != ADMIN_EXIT_OK)
		return rc;
	enum sayso_err e = sayso_walkabout_list(ctx->st, &w, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "walkabout list", e);
	print_walkabouts(ctx, w, n, fmt);
	if (fmt == ADMIN_FMT_TABLE)
		fprintf(ctx->out, "%zu walkabout%s\n", n, n == 1 ? "" : "s");
	free(w);
	return ADMIN_EXIT_OK;
}

static const char *issue_state(const struct sayso_walk_issue *is)
{
	if (is->dup_confirmed)
		return "duplicate";
	if (is->not_ours)
		return "not-ours";
	if (!is->has_last)
		return "not re-inspected";
	return sayso_observed_name(is->last);
}

static json_t *issue_json(const struct sayso_walk_issue *is)
{
	json_t *o = json_object();
	json_object_set_new(o, "ref", json_string(is->ref));
	json_object_set_new(o, "walkabout", json_string(is->walkabout));
	json_object_set_new(o, "street", json_string(is->street));
	json_object_set_new(o, "category", json_string(is->category));
	json_object_set_new(o, "grade",
			    is->grade == SAYSO_GRADE_NONE
				? json_null()
				: json_string(sayso_grade_name(is->grade)));
	json_object_set_new(o, "note", json_string(is->note));
	json_object_set_new(o, "seen_at", json_string(is->seen_at));
	json_object_set_new(o, "seen_by", json_string(is->seen_by));
	json_object_set_new(o, "partner", json_string(is->partner));
	json_object_set_new(o, "not_ours", json_boolean(is->not_ours));
	json_object_set_new(o, "duplicate_of", json_string(is->dup_of));
	json_object_set_new(o, "duplicate_confirmed",
			    json_boolean(is->dup_confirmed));
	json_object_set_new(o, "checks", json_integer(is->checks));
	json_object_set_new(o, "last_observed",
			    is->has_last
				? json_string(sayso_observed_name(is->last))
				: json_null());
	json_object_set_new(o, "last_observed_at",
			    is->has_last ? json_string(is->last_at)
					 : json_null());
	json_object_set_new(o, "open", json_boolean(is->open));
	return o;
}

/* Lists walk issues as a table, CSV or JSON. */
void admin_walk_issues_print(struct admin_ctx *ctx,
			     const struct sayso_walk_issue *is, size_t n,
			     enum admin_format fmt)
{
	if (fmt == ADMIN_FMT_JSON) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, issue_json(&is[i]));
		admin_json_print(ctx, a);
		return;
	}
	static const char *const h[] = {"ref",		"walkabout", "street",
					"category",	"grade",     "partner",
					"seen_at",	"checks",    "state",
					"duplicate_of", "note"};
	struct admin_table *t = admin_table_new(11, h, "lllllllrlll");
	for (size_t i = 0; t && i < n; i++) {
		char checks[24], note[64];
		snprintf(checks, sizeof checks, "%lld",
			 (long long)is[i].checks);
		if (fmt == ADMIN_FMT_TABLE)
			admin_shorten(is[i].note, 30, note, sizeof note);
		const char *c[11] = {
		    is[i].ref,
		    is[i].walkabout,
		    is[i].street,
		    is[i].category,
		    sayso_grade_name(is[i].grade),
		    is[i].partner,
		    fmt == ADMIN_FMT_TABLE ? is[i].held_on : is[i].seen_at,
		    checks,
		    issue_state(&is[i]),
		    is[i].dup_of,
		    fmt == ADMIN_FMT_TABLE ? note : is[i].note};
		admin_table_add(t, c);
	}
	if (t)
		admin_table_print(t, ctx->out, fmt);
	admin_table_free(t);
}

int admin_cmd_walkabout_show(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {NULL, NULL, NULL}};
	enum admin_format fmt;
	struct sayso_walkabout *w = calloc(1, sizeof *w);
	struct sayso_walk_issue *is = NULL, *due = NULL;
	size_t n = 0, ndue = 0;
	char *pos[1];
	int npos = 0, rc;
	enum sayso_err e;

	if (!w)
		return admin_fail(ctx, "out of memory");
	rc = admin_args_fmt(ctx, "walkabout show", argc, argv, opts, pos, 1, 1,
			    &npos, &fmt);
	if (rc == 0)
		rc = admin_open(ctx, ADMIN_READ);
	if (rc != 0)
		goto out;
	struct sayso_walk_filter logged = {.walkabout = pos[0]};
	struct sayso_walk_filter recheck = {.before = pos[0],
					    .open_only = true};
	if ((e = sayso_walkabout_get(ctx->st, pos[0], w)) != SAYSO_OK ||
	    (e = sayso_walk_issue_list(ctx->st, &logged, &is, &n)) !=
		SAYSO_OK ||
	    (e = sayso_walk_issue_list(ctx->st, &recheck, &due, &ndue)) !=
		SAYSO_OK) {
		rc = admin_fail_store(ctx, "walkabout show", e);
		goto out;
	}
	if (fmt == ADMIN_FMT_JSON) {
		json_t *o = walkabout_json(w), *a = json_array(),
		       *b = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, issue_json(&is[i]));
		for (size_t i = 0; i < ndue; i++)
			if (sayso_walkabout_covers(w, due[i].street))
				json_array_append_new(b, issue_json(&due[i]));
		json_object_set_new(o, "logged", a);
		json_object_set_new(o, "to_recheck", b);
		rc = admin_json_print(ctx, o);
		goto out;
	}
	if (fmt == ADMIN_FMT_TABLE) {
		char streets[2048];
		streets_text(w, streets, sizeof streets);
		fprintf(ctx->out,
			"Walkabout %s on %s by %s\nStreets: %s\n\nIssues "
			"logged on it:\n",
			w->code, w->held_on, w->walkers, streets);
	}
	admin_walk_issues_print(ctx, is, n, fmt);
	if (fmt == ADMIN_FMT_TABLE) {
		size_t k = 0;
		for (size_t i = 0; i < ndue; i++)
			if (sayso_walkabout_covers(w, due[i].street))
				due[k++] = due[i];
		fputs("\nOpen issues from earlier walkabouts to re-check:\n",
		      ctx->out);
		admin_walk_issues_print(ctx, due, k, fmt);
	}
out:
	free(w);
	free(is);
	free(due);
	return rc;
}

/* The category and street checks against the site's lists. */
static int log_args_check(struct admin_ctx *ctx,
			  const struct sayso_walkabout *w, const char *street,
			  const char *category)
{
	const struct sayso_list *cats = &ctx->cfg.site.categories;
	const struct sayso_list *sts = &ctx->cfg.site.streets;

	if (cats->n > 0 && !in_list(cats, category) &&
	    strcmp(category, "other") != 0) {
		fprintf(ctx->err,
			"sayso-admin walkabout log: --category: '%s' is not "
			"one of the site's categories ([site] categories)\n",
			category);
		return ADMIN_EXIT_USAGE;
	}
	if (w->nstreets == 0 && sts->n > 0 && !in_list(sts, street)) {
		fprintf(ctx->err,
			"sayso-admin walkabout log: --street: '%s' is not one "
			"of the site's streets ([site] streets)\n",
			street);
		return ADMIN_EXIT_USAGE;
	}
	return 0;
}

int admin_cmd_walkabout_log(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *street = NULL, *category = NULL, *grade = NULL,
		   *note = NULL, *by = NULL, *when = NULL, *format = NULL;
	const struct admin_opt opts[] = {
	    {"street", &street, NULL}, {"category", &category, NULL},
	    {"grade", &grade, NULL},   {"note", &note, NULL},
	    {"by", &by, NULL},	       {"at", &when, NULL},
	    {"format", &format, NULL}, {NULL, NULL, NULL},
	};
	struct sayso_walk_log_in in = {0};
	struct sayso_walkabout *w = NULL;
	enum admin_format fmt;
	char *pos[1], ref[SAYSO_WALK_REF_LEN + 1];
	int npos = 0, rc;
	enum sayso_err e;

	rc = admin_args_fmt(ctx, "walkabout log", argc, argv, opts, pos, 1, 1,
			    &npos, &fmt);
	if (rc != 0)
		return rc;
	if (!street || !category) {
		fprintf(ctx->err, "sayso-admin walkabout log: --street and "
				  "--category are needed\n");
		admin_usage(ctx, "walkabout log", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if (sayso_grade_parse(grade, &in.grade) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin walkabout log: --grade: '%s' is not A, "
			"B, C or D\n",
			grade);
		return ADMIN_EXIT_USAGE;
	}
	if (when && sayso_time_parse(when, &in.seen_ms) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin walkabout log: --at: '%s' is not a time "
			"(YYYY-MM-DD HH:MM or ISO 8601)\n",
			when);
		return ADMIN_EXIT_USAGE;
	}
	if (!(w = calloc(1, sizeof *w)))
		return admin_fail(ctx, "out of memory");
	if ((rc = admin_open(ctx, ADMIN_WRITE)) != ADMIN_EXIT_OK)
		goto out;
	if ((e = sayso_walkabout_get(ctx->st, pos[0], w)) != SAYSO_OK) {
		rc = admin_fail_store(ctx, "walkabout log", e);
		goto out;
	}
	if ((rc = log_args_check(ctx, w, street, category)) != 0)
		goto out;
	in.walkabout = pos[0];
	in.street = street;
	in.category = category;
	in.note = note;
	in.by = by;
	if ((e = sayso_walk_log(ctx->st, &in, ref, sizeof ref)) != SAYSO_OK) {
		rc = admin_fail_store(ctx, "walkabout log", e);
		goto out;
	}
	if (fmt == ADMIN_FMT_JSON) {
		json_t *o = json_object();
		json_object_set_new(o, "ref", json_string(ref));
		rc = admin_json_print(ctx, o);
	} else {
		fprintf(ctx->out, "%s\n", ref);
	}
out:
	free(w);
	return rc;
}

int admin_cmd_walkabout_check(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *ref = NULL, *observed = NULL, *note = NULL, *by = NULL,
		   *when = NULL;
	const struct admin_opt opts[] = {
	    {"issue", &ref, NULL}, {"observed", &observed, NULL},
	    {"note", &note, NULL}, {"by", &by, NULL},
	    {"at", &when, NULL},   {NULL, NULL, NULL},
	};
	enum sayso_observed o;
	int64_t at = 0;
	char *pos[1];
	int npos = 0, rc;

	rc = admin_args(ctx, "walkabout check", argc, argv, opts, pos, 1, 1,
			&npos);
	if (rc != 0)
		return rc;
	if (!ref || !observed) {
		fprintf(ctx->err, "sayso-admin walkabout check: --issue and "
				  "--observed are needed\n");
		admin_usage(ctx, "walkabout check", ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	if (sayso_observed_parse(observed, &o) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin walkabout check: --observed: '%s' is not "
			"resolved, not-resolved or gone-worse\n",
			observed);
		return ADMIN_EXIT_USAGE;
	}
	if (when && sayso_time_parse(when, &at) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin walkabout check: --at: '%s' is not a "
			"time (YYYY-MM-DD HH:MM or ISO 8601)\n",
			when);
		return ADMIN_EXIT_USAGE;
	}
	if ((rc = admin_open(ctx, ADMIN_WRITE)) != ADMIN_EXIT_OK)
		return rc;
	enum sayso_err e =
	    sayso_walk_check(ctx->st, pos[0], ref, o, note, by, at);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "walkabout check", e);
	fprintf(ctx->out, "%s: %s on %s\n", ref, sayso_observed_name(o),
		pos[0]);
	return ADMIN_EXIT_OK;
}

int admin_cmd_walkabout_issues(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *walk = NULL, *street = NULL, *category = NULL,
		   *partner = NULL, *format = NULL;
	bool open = false;
	const struct admin_opt opts[] = {
	    {"walkabout", &walk, NULL},
	    {"street", &street, NULL},
	    {"category", &category, NULL},
	    {"partner", &partner, NULL},
	    {"open", NULL, &open},
	    {"format", &format, NULL},
	    {NULL, NULL, NULL},
	};
	enum admin_format fmt;
	struct sayso_walk_issue *is = NULL;
	size_t n = 0;
	int npos = 0, rc;

	rc = admin_args_fmt(ctx, "walkabout issues", argc, argv, opts, NULL, 0,
			    0, &npos, &fmt);
	if (rc != 0)
		return rc;
	if ((rc = admin_open(ctx, ADMIN_READ)) != ADMIN_EXIT_OK)
		return rc;
	struct sayso_walk_filter f = {.walkabout = walk,
				      .street = street,
				      .category = category,
				      .partner = partner,
				      .open_only = open};
	enum sayso_err e = sayso_walk_issue_list(ctx->st, &f, &is, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "walkabout issues", e);
	admin_walk_issues_print(ctx, is, n, fmt);
	if (fmt == ADMIN_FMT_TABLE)
		fprintf(ctx->out, "%zu issue%s\n", n, n == 1 ? "" : "s");
	free(is);
	return ADMIN_EXIT_OK;
}

/* ---- the observed resolution rate (reports summary --walkabouts) ---- */

static double round_to(double v, double scale)
{
	return round(v * scale) / scale;
}

static json_t *counts_json(const struct sayso_walk_counts *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "logged", json_integer(c->logged));
	json_object_set_new(o, "inspected", json_integer(c->inspected));
	json_object_set_new(o, "resolved", json_integer(c->resolved));
	json_object_set_new(o, "rate", json_real(round_to(c->rate, 1e6)));
	json_object_set_new(o, "ci_low", json_real(round_to(c->ci_low, 1e6)));
	json_object_set_new(o, "ci_high", json_real(round_to(c->ci_high, 1e6)));
	json_object_set_new(o, "duplicates", json_integer(c->duplicates));
	json_object_set_new(o, "not_ours", json_integer(c->not_ours));
	json_object_set_new(o, "uninspected", json_integer(c->uninspected));
	json_object_set_new(o, "due", json_integer(c->due));
	json_object_set_new(o, "median_days_to_resolved",
			    c->median_days < 0
				? json_null()
				: json_real(round_to(c->median_days, 1e3)));
	return o;
}

static json_t *groups_json(const struct sayso_walk_counts *c, size_t n,
			   bool partner)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(
		    o, partner && !c[i].key[0] ? "(none)" : c[i].key,
		    counts_json(&c[i]));
	return o;
}

void *admin_walk_rate_json(const struct sayso_walk_rate *r)
{
	json_t *o = counts_json(&r->all);
	json_object_set_new(o, "walkabouts", json_integer(r->walkabouts));
	json_object_set_new(o, "definition",
			    json_string(ADMIN_WALK_RATE_DEFINITION));
	json_object_set_new(o, "by_partner",
			    groups_json(r->partners, r->npartners, true));
	json_object_set_new(o, "by_street",
			    groups_json(r->streets, r->nstreets, false));
	json_object_set_new(o, "by_category",
			    groups_json(r->categories, r->ncategories, false));
	return o;
}

static void counts_cells(const struct sayso_walk_counts *c, char cells[][24])
{
	snprintf(cells[0], 24, "%lld", (long long)c->logged);
	snprintf(cells[1], 24, "%lld", (long long)c->inspected);
	snprintf(cells[2], 24, "%lld", (long long)c->resolved);
	if (c->inspected > 0) {
		html_pct(c->rate, cells[3], 24);
		html_pct(c->ci_low, cells[4], 24);
		html_pct(c->ci_high, cells[5], 24);
	} else {
		snprintf(cells[3], 24, "-");
		snprintf(cells[4], 24, "-");
		snprintf(cells[5], 24, "-");
	}
	snprintf(cells[6], 24, "%lld", (long long)c->duplicates);
	snprintf(cells[7], 24, "%lld", (long long)c->not_ours);
	snprintf(cells[8], 24, "%lld", (long long)c->uninspected);
	snprintf(cells[9], 24, "%lld", (long long)c->due);
	if (c->median_days < 0)
		snprintf(cells[10], 24, "-");
	else
		snprintf(cells[10], 24, "%.1f", c->median_days);
}

static const char *const walk_heads[] = {
    "logged",	  "inspected", "resolved",    "rate", "ci_low",	    "ci_high",
    "duplicates", "not_ours",  "uninspected", "due",  "median_days"};

static void walk_csv(struct admin_ctx *ctx, const struct sayso_walk_rate *r)
{
	const char *h[13] = {"kind", "key"};
	memcpy(h + 2, walk_heads, sizeof walk_heads);
	admin_csv_row(ctx->out, h, 13);
	const struct {
		const char *kind;
		const struct sayso_walk_counts *c;
		size_t n;
	} parts[] = {{"total", &r->all, 1},
		     {"partner", r->partners, r->npartners},
		     {"street", r->streets, r->nstreets},
		     {"category", r->categories, r->ncategories}};
	for (size_t p = 0; p < 4; p++)
		for (size_t i = 0; i < parts[p].n; i++) {
			char cells[11][24];
			const char *row[13] = {parts[p].kind,
					       parts[p].c[i].key};
			counts_cells(&parts[p].c[i], cells);
			for (size_t k = 0; k < 11; k++)
				row[k + 2] = cells[k];
			admin_csv_row(ctx->out, row, 13);
		}
}

static void walk_group_table(struct admin_ctx *ctx, const char *head,
			     const struct sayso_walk_counts *c, size_t n)
{
	const char *h[12] = {head};
	memcpy(h + 1, walk_heads, sizeof walk_heads);
	struct admin_table *t = admin_table_new(12, h, "lrrrrrrrrrrr");
	for (size_t i = 0; t && i < n; i++) {
		char cells[11][24];
		const char *row[12] = {c[i].key[0] ? c[i].key : "(none)"};
		counts_cells(&c[i], cells);
		for (size_t k = 0; k < 11; k++)
			row[k + 1] = cells[k];
		admin_table_add(t, row);
	}
	if (t)
		admin_table_print(t, ctx->out, ADMIN_FMT_TABLE);
	admin_table_free(t);
}

static void walk_table(struct admin_ctx *ctx, const struct sayso_walk_rate *r)
{
	const struct sayso_walk_counts *a = &r->all;
	char rate[24], lo[24], hi[24];

	html_pct(a->rate, rate, sizeof rate);
	html_pct(a->ci_low, lo, sizeof lo);
	html_pct(a->ci_high, hi, sizeof hi);
	fprintf(ctx->out, "Walkabouts: %lld held; %lld issues logged\n",
		(long long)r->walkabouts, (long long)a->logged);
	if (a->inspected > 0)
		fprintf(ctx->out,
			"Observed resolved: %s (%lld of %lld re-inspected "
			"issues; 95%% interval %s to %s)\n",
			rate, (long long)a->resolved, (long long)a->inspected,
			lo, hi);
	else
		fputs("Observed resolved: - (no issue re-inspected yet)\n",
		      ctx->out);
	fprintf(ctx->out,
		"Left out: %lld confirmed duplicate%s, %lld not the "
		"partnership's, %lld never re-inspected (%lld of them due: a "
		"later walkabout covered the street)\n",
		(long long)a->duplicates, a->duplicates == 1 ? "" : "s",
		(long long)a->not_ours, (long long)a->uninspected,
		(long long)a->due);
	if (a->median_days >= 0)
		fprintf(ctx->out,
			"Median days to resolved: %.1f (to the walkabout that "
			"first saw it resolved)\n",
			a->median_days);
	fprintf(ctx->out, "Definition: %s\n", ADMIN_WALK_RATE_DEFINITION);
	fputs("Residents' reports are counted apart (sayso-admin reports "
	      "summary).\n\nBy partner:\n",
	      ctx->out);
	walk_group_table(ctx, "partner", r->partners, r->npartners);
	fputs("\nBy street:\n", ctx->out);
	walk_group_table(ctx, "street", r->streets, r->nstreets);
	fputs("\nBy category:\n", ctx->out);
	walk_group_table(ctx, "category", r->categories, r->ncategories);
}

int admin_walk_summary(struct admin_ctx *ctx, const char *walk, int64_t since,
		       int64_t until, enum admin_format fmt)
{
	struct sayso_walk_scope sc = {
	    .walkabout = walk, .since_ms = since, .until_ms = until};
	struct sayso_walk_rate r;
	int rc = ADMIN_EXIT_OK;

	if ((rc = admin_open(ctx, ADMIN_READ)) != ADMIN_EXIT_OK)
		return rc;
	enum sayso_err e = sayso_walk_rate(ctx->st, &sc, &r);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "reports summary", e);
	if (fmt == ADMIN_FMT_JSON)
		rc = admin_json_print(ctx, admin_walk_rate_json(&r));
	else if (fmt == ADMIN_FMT_CSV)
		walk_csv(ctx, &r);
	else
		walk_table(ctx, &r);
	sayso_walk_rate_cleanup(&r);
	return rc;
}

static void html_walk_groups(FILE *f, const char *caption, const char *head,
			     const struct sayso_walk_counts *c, size_t n)
{
	static const char *const h[] = {
	    "",	    "Logged",	    "Re-inspected",	  "Observed resolved",
	    "Rate", "95% interval", "Never re-inspected", "Median days"};
	const char *heads[8];
	memcpy(heads, h, sizeof h);
	heads[0] = head;
	html_table_begin(f, caption, 8, heads, "lrrrrlrr");
	for (size_t i = 0; i < n; i++) {
		char cells[11][24], ci[64];
		counts_cells(&c[i], cells);
		if (c[i].inspected > 0)
			snprintf(ci, sizeof ci, "%s to %s", cells[4], cells[5]);
		else
			snprintf(ci, sizeof ci, "-");
		const char *row[8] = {c[i].key[0] ? c[i].key : "(none)",
				      cells[0],
				      cells[1],
				      cells[2],
				      cells[3],
				      ci,
				      cells[8],
				      cells[10]};
		html_table_row(f, 8, row, "lrrrrlrr");
	}
	html_table_end(f);
}

void html_walk_section(FILE *f, const struct sayso_walk_rate *r)
{
	const struct sayso_walk_counts *a = &r->all;
	char rate[24], lo[24], hi[24], held[24], logged[24];

	html_pct(a->rate, rate, sizeof rate);
	html_pct(a->ci_low, lo, sizeof lo);
	html_pct(a->ci_high, hi, sizeof hi);
	html_int(r->walkabouts, held, sizeof held);
	html_int(a->logged, logged, sizeof logged);
	fputs("<dl class=\"figs\"><div><dt>Walkabouts held</dt><dd>", f);
	html_esc(f, held);
	fputs("</dd></div><div><dt>Issues logged</dt><dd>", f);
	html_esc(f, logged);
	fputs("</dd></div><div><dt>Observed resolved</dt><dd>", f);
	html_esc(f, a->inspected > 0 ? rate : "none re-inspected yet");
	fputs("</dd></div></dl>\n<p>", f);
	if (a->inspected > 0)
		fprintf(f,
			"%s of the %lld issues re-inspected on a later "
			"walkabout were last observed resolved (%lld; 95%% "
			"interval %s to %s). ",
			rate, (long long)a->inspected, (long long)a->resolved,
			lo, hi);
	fprintf(f,
		"Left out and counted apart: %lld confirmed duplicate%s, "
		"%lld not the partnership's, %lld never re-inspected (%lld of "
		"them were due: a later walkabout covered the street).",
		(long long)a->duplicates, a->duplicates == 1 ? "" : "s",
		(long long)a->not_ours, (long long)a->uninspected,
		(long long)a->due);
	if (a->median_days >= 0)
		fprintf(f,
			" Median time to resolved: %.1f days (to the "
			"walkabout that first saw it resolved, so an upper "
			"bound).",
			a->median_days);
	fputs("</p>\n<p class=\"muted\">Definition: ", f);
	html_esc(f, ADMIN_WALK_RATE_DEFINITION);
	fputs(".</p>\n", f);
	html_walk_groups(f, "Walkabout issues by partner", "Partner",
			 r->partners, r->npartners);
	html_walk_groups(f, "Walkabout issues by street", "Street", r->streets,
			 r->nstreets);
	html_walk_groups(f, "Walkabout issues by category", "Category",
			 r->categories, r->ncategories);
}

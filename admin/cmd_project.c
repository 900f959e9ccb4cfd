/*
 * cmd_project.c: `project add|list|import|edit|withdraw`.
 *
 * Projects are added, edited and withdrawn only while a round is a draft
 * (core refuses otherwise); withdrawing from an open round takes --force
 * and lists the ballots that chose the project.
 *
 * Import is all or nothing: the whole CSV file is read and checked first
 * (every bad row reported with its line number and field), and only a clean
 * file is written, in one transaction. Columns: number,title,cost,description
 * with a header line; number may be empty (next free number).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "admin.h"
#include "sayso/buf.h"
#include "sayso/lang.h"
#include "sayso/project_text.h"
#include "sayso/round.h"

#define IMPORT_MAX_ROWS 10000
#define IMPORT_MAX_ERRORS 20 /* reported; the rest are counted */

static int add_one(struct admin_ctx *ctx, const struct sayso_round *r,
		   struct sayso_project *p)
{
	enum sayso_err e = sayso_project_add(ctx->st, r->id, p, ctx->actor);
	if (e == SAYSO_ERR_EXISTS)
		return admin_fail(ctx,
				  "round %s already has a project number %d",
				  r->code, p->number);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, "project add", e);
	return ADMIN_EXIT_OK;
}

/* The translations given as --title-LANG / --description-LANG (or CSV
 * columns title_LANG / description_LANG): [lang index][0 title, 1 desc]. */
#define NLANG_MAX 8
struct texts {
	const char *t[NLANG_MAX][2];
};

/* Saves the translations of project p (in the caller's transaction). */
static int save_texts(struct admin_ctx *ctx, const struct sayso_project *p,
		      const struct texts *tx, const char *where)
{
	for (size_t i = 0; i < sayso_lang_count() && i < NLANG_MAX; i++) {
		if (!tx->t[i][0] && !tx->t[i][1])
			continue;
		enum sayso_err e = sayso_project_text_set(
		    ctx->st, p->id, sayso_lang_code(i), tx->t[i][0],
		    tx->t[i][1], ctx->actor);
		if (e != SAYSO_OK)
			return admin_fail(ctx, "%s: project %d in %s: %s",
					  where, p->number, sayso_lang_code(i),
					  sayso_store_errmsg(ctx->st));
	}
	return ADMIN_EXIT_OK;
}

int admin_cmd_project_add(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "project add";
	const char *title = NULL, *cost = NULL, *desc = NULL, *number = NULL;
	struct texts tx;
	char names[NLANG_MAX][2][24];
	struct admin_opt opts[5 + 2 * NLANG_MAX] = {
	    {"title", &title, NULL},
	    {"cost", &cost, NULL},
	    {"desc", &desc, NULL},
	    {"number", &number, NULL},
	};
	size_t no = 4;
	memset(&tx, 0, sizeof tx);
	for (size_t i = 0; i < sayso_lang_count() && i < NLANG_MAX; i++)
		for (int k = 0; k < 2; k++) {
			snprintf(names[i][k], sizeof names[i][k], "%s-%s",
				 k ? "description" : "title",
				 sayso_lang_code(i));
			opts[no++] =
			    (struct admin_opt){names[i][k], &tx.t[i][k], NULL};
		}
	opts[no] = (struct admin_opt){NULL, NULL, NULL};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &np);
	if (rc)
		return rc;
	if ((rc = admin_require(ctx, cmd, "title", title)) ||
	    (rc = admin_require(ctx, cmd, "cost", cost)))
		return rc;
	struct sayso_project p;
	memset(&p, 0, sizeof p);
	if (number) {
		long long v;
		if ((rc = admin_int(ctx, cmd, "number", number,
				    SAYSO_PROJECT_NUMBER_MIN,
				    SAYSO_PROJECT_NUMBER_MAX, &v)))
			return rc;
		p.number = (int)v;
	}
	if (strlen(title) >= sizeof p.title)
		return admin_fail(ctx, "%s: --title is longer than %d bytes",
				  cmd, (int)sizeof p.title - 1);
	if (desc && strlen(desc) >= sizeof p.description)
		return admin_fail(ctx, "%s: --desc is longer than %d bytes",
				  cmd, (int)sizeof p.description - 1);
	snprintf(p.title, sizeof p.title, "%s", title);
	snprintf(p.description, sizeof p.description, "%s", desc ? desc : "");

	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	struct sayso_store *st = ctx->st;
	const char *why = NULL;
	if (sayso_money_parse(cost, r.currency, &p.cost, &why) != SAYSO_OK)
		return admin_fail(ctx, "%s: --cost: '%s': %s", cmd, cost,
				  why ? why : "not an amount");
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	if ((rc = add_one(ctx, &r, &p)) ||
	    (rc = save_texts(ctx, &p, &tx, cmd))) {
		sayso_store_rollback(st);
		return rc;
	}
	if ((e = sayso_store_commit(st)) != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	char money[64];
	sayso_money_format(p.cost, r.currency, money, sizeof money);
	fprintf(ctx->out, "added project %d to %s: ", p.number, r.code);
	admin_term_puts(ctx->out, p.title);
	fprintf(ctx->out, " (%s)\n", money);
	return ADMIN_EXIT_OK;
}

/* {"pl": {"title": "...", "description": null}, ...}: the languages with a
 * translation of p (null where the original is shown); NULL on failure. */
static json_t *texts_json(struct admin_ctx *ctx, const struct sayso_project *p)
{
	json_t *tr = json_object();
	for (size_t l = 0; tr && l < sayso_lang_count(); l++) {
		char t[SAYSO_TITLE_MAX], d[SAYSO_DESC_MAX];
		bool found;
		if (sayso_project_text_get(ctx->st, p->id, sayso_lang_code(l),
					   t, sizeof t, d, sizeof d,
					   &found) != SAYSO_OK) {
			json_decref(tr);
			return NULL;
		}
		if (!found)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "title",
				    t[0] ? admin_json_str(t) : json_null());
		json_object_set_new(o, "description",
				    d[0] ? admin_json_str(d) : json_null());
		json_object_set_new(tr, sayso_lang_code(l), o);
	}
	return tr;
}

int admin_cmd_project_list(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "project list", *format = NULL;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	enum admin_format fmt;
	int rc =
	    admin_args_fmt(ctx, cmd, argc, argv, opts, pos, 1, 1, &np, &fmt);
	if (rc)
		return rc;
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_READ, pos[0], &r)))
		return rc;
	struct sayso_project *ps = NULL;
	size_t n = 0;
	enum sayso_err e = sayso_project_list(ctx->st, r.id, &ps, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	if (fmt == ADMIN_FMT_JSON) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			char id[SAYSO_EXTID_MAX];
			sayso_project_public_id(&r, &ps[i], id, sizeof id);
			json_t *o = json_object();
			json_object_set_new(o, "number",
					    json_integer(ps[i].number));
			json_object_set_new(o, "id", admin_json_str(id));
			json_object_set_new(o, "title",
					    admin_json_str(ps[i].title));
			json_object_set_new(
			    o, "cost",
			    admin_json_money(ps[i].cost, r.currency));
			json_object_set_new(o, "description",
					    admin_json_str(ps[i].description));
			json_t *tr = texts_json(ctx, &ps[i]);
			if (!tr) {
				json_decref(o);
				json_decref(arr);
				free(ps);
				return admin_fail_store(ctx, cmd, SAYSO_ERR_DB);
			}
			json_object_set_new(o, "translations", tr);
			json_array_append_new(arr, o);
		}
		free(ps);
		return admin_json_print(ctx, arr);
	}
	static const char *const h[] = {"NO", "ID", "TITLE", "COST"};
	static const char *const hc[] = {"number", "id", "title", "cost",
					 "description"};
	struct admin_table *t = fmt == ADMIN_FMT_CSV
				    ? admin_table_new(5, hc, "rllrl")
				    : admin_table_new(4, h, "rllr");
	if (!t) {
		free(ps);
		return admin_fail(ctx, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		char num[16], id[SAYSO_EXTID_MAX], money[64];
		snprintf(num, sizeof num, "%d", ps[i].number);
		sayso_project_public_id(&r, &ps[i], id, sizeof id);
		if (fmt == ADMIN_FMT_CSV)
			admin_money_plain(ps[i].cost, r.currency, money,
					  sizeof money);
		else
			sayso_money_format(ps[i].cost, r.currency, money,
					   sizeof money);
		char title[SAYSO_TITLE_MAX];
		if (fmt == ADMIN_FMT_CSV)
			snprintf(title, sizeof title, "%s", ps[i].title);
		else
			admin_shorten(ps[i].title, 60, title, sizeof title);
		const char *row[] = {num, id, title, money, ps[i].description};
		admin_table_add(t, row);
	}
	if (n == 0 && fmt == ADMIN_FMT_TABLE)
		fprintf(ctx->out, "round %s has no projects yet\n", r.code);
	else
		admin_table_print(t, ctx->out, fmt);
	admin_table_free(t);
	free(ps);
	return ADMIN_EXIT_OK;
}

/* ---- import ---- */

struct row {
	long line;
	struct sayso_project p;
	struct texts tx; /* malloc'd copies, freed with the import */
};

static const char *const columns[] = {"number", "title", "cost", "description"};

/* One import: the file's rows as checked so far and the errors found. */
struct import {
	struct admin_ctx *ctx;
	const char *file;
	const struct sayso_round *r;
	const struct sayso_project *have; /* the round's projects */
	size_t nhave;
	struct row *rows; /* the good rows */
	size_t nrows, cap;
	int errors;
	size_t ncols;		/* fields in the header */
	bool desc_col;		/* column 4 is description */
	int tcol[NLANG_MAX][2]; /* column of title_LANG / description_LANG */
};

/* What the reading loop does after a row. */
enum row_next { ROW_NEXT, ROW_STOP, ROW_NOMEM };

/* Reports "file:line: ..." (the first IMPORT_MAX_ERRORS) and counts it. */
static void row_error(struct import *im, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void row_error(struct import *im, long line, const char *fmt, ...)
{
	if (im->errors < IMPORT_MAX_ERRORS) {
		va_list ap;

		fprintf(im->ctx->err, "sayso-admin: %s:%ld: ", im->file, line);
		va_start(ap, fmt);
		vfprintf(im->ctx->err, fmt, ap);
		va_end(ap);
		fputc('\n', im->ctx->err);
	}
	im->errors++;
}

/* Whether the first record is the header number,title,cost[,description]
 * followed by any title_LANG / description_LANG columns (a shipped language,
 * each once); reports a column it does not know. */
static bool header_ok(struct import *im, char **f, size_t nf, long line)
{
	bool ok = nf >= 3;

	for (size_t i = 0; ok && i < 3; i++)
		ok = strcasecmp(f[i], columns[i]) == 0;
	if (!ok)
		return false;
	for (size_t l = 0; l < NLANG_MAX; l++)
		im->tcol[l][0] = im->tcol[l][1] = -1;
	im->ncols = nf;
	im->desc_col = false;
	for (size_t i = 3; i < nf; i++) {
		if (i == 3 && strcasecmp(f[i], "description") == 0) {
			im->desc_col = true;
			continue;
		}
		const char *u = strchr(f[i], '_');
		int k = -1;
		if (u && (size_t)(u - f[i]) == 5 &&
		    strncasecmp(f[i], "title", 5) == 0)
			k = 0;
		else if (u && (size_t)(u - f[i]) == 11 &&
			 strncasecmp(f[i], "description", 11) == 0)
			k = 1;
		size_t l = 0;
		while (k >= 0 && l < sayso_lang_count() &&
		       strcmp(u + 1, sayso_lang_code(l)) != 0)
			l++;
		if (k < 0 || l >= sayso_lang_count() || l >= NLANG_MAX ||
		    im->tcol[l][k] >= 0) {
			row_error(im, line,
				  "column '%s': expected description, "
				  "title_LANG or description_LANG (LANG one "
				  "of en, pl, cy, ur, pa, bn, ar), each once",
				  f[i]);
			return false;
		}
		im->tcol[l][k] = (int)i;
	}
	return true;
}

/* Reads the translation columns of a row into w->tx; false when bad. */
static bool row_texts(struct import *im, char **f, long line, struct row *w)
{
	bool bad = false;
	for (size_t l = 0; l < NLANG_MAX; l++)
		for (int k = 0; k < 2; k++) {
			int c = im->tcol[l][k];
			if (c < 0 || !f[c][0])
				continue;
			size_t max = k ? SAYSO_DESC_MAX : SAYSO_TITLE_MAX;
			if (strlen(f[c]) >= max) {
				row_error(im, line,
					  "field %s_%s: longer than %zu bytes",
					  k ? "description" : "title",
					  sayso_lang_code(l), max - 1);
				bad = true;
				continue;
			}
			if (!(w->tx.t[l][k] = strdup(f[c])))
				bad = true;
		}
	return !bad;
}

static void row_free(struct row *w)
{
	for (size_t l = 0; l < NLANG_MAX; l++)
		for (int k = 0; k < 2; k++)
			free((char *)w->tx.t[l][k]);
	memset(&w->tx, 0, sizeof w->tx);
}

/* Checks the fields of one row into w; false (errors reported) when bad. */
static bool row_fields(struct import *im, char **f, size_t nf, long line,
		       struct row *w)
{
	bool bad = false;

	memset(w, 0, sizeof *w);
	w->line = line;
	if (f[0][0]) {
		char *end;
		errno = 0;
		long v = strtol(f[0], &end, 10);
		if (*end || errno || !sayso_project_number_valid(v)) {
			row_error(im, line,
				  "field number: '%s' is not a whole number "
				  "from 1",
				  f[0]);
			bad = true;
		}
		w->p.number = (int)v;
	}
	if (!f[1][0]) {
		row_error(im, line, "field title: empty");
		bad = true;
	} else if (strlen(f[1]) >= sizeof w->p.title) {
		row_error(im, line, "field title: longer than %d bytes",
			  (int)sizeof w->p.title - 1);
		bad = true;
	}
	snprintf(w->p.title, sizeof w->p.title, "%s", f[1]);
	const char *why = NULL;
	if (sayso_money_parse(f[2], im->r->currency, &w->p.cost, &why) !=
	    SAYSO_OK) {
		row_error(im, line, "field cost: '%s': %s", f[2],
			  why ? why : "not an amount");
		bad = true;
	}
	if (nf >= 4 && im->desc_col) {
		if (strlen(f[3]) >= sizeof w->p.description) {
			row_error(im, line,
				  "field description: longer than %d bytes",
				  (int)sizeof w->p.description - 1);
			bad = true;
		}
		snprintf(w->p.description, sizeof w->p.description, "%s", f[3]);
	}
	return !bad;
}

/* Whether w's number is free: not in the round, not on an earlier row. */
static bool row_number_free(struct import *im, const struct row *w)
{
	if (!w->p.number)
		return true;
	for (size_t i = 0; i < im->nhave; i++)
		if (im->have[i].number == w->p.number) {
			row_error(im, w->line,
				  "field number: round %s already has "
				  "project %d",
				  im->r->code, w->p.number);
			return false;
		}
	for (size_t i = 0; i < im->nrows; i++)
		if (im->rows[i].p.number == w->p.number) {
			row_error(im, w->line,
				  "field number: %d is also on line %ld",
				  w->p.number, im->rows[i].line);
			return false;
		}
	return true;
}

/* Checks one data row and keeps it when it is good. */
static enum row_next import_row(struct import *im, char **f, size_t nf,
				long line)
{
	bool plain = im->ncols == 3 || (im->ncols == 4 && im->desc_col);
	if (plain ? nf != 3 && nf != 4 : nf != im->ncols) {
		if (plain)
			row_error(im, line,
				  "%zu fields; expected 4 "
				  "(number,title,cost,description)",
				  nf);
		else
			row_error(im, line,
				  "%zu fields; expected %zu (as the header)",
				  nf, im->ncols);
		return ROW_NEXT;
	}
	if (im->nrows == IMPORT_MAX_ROWS) {
		row_error(im, line, "more than %d projects", IMPORT_MAX_ROWS);
		return ROW_STOP;
	}
	if (sayso_array_grow(&im->rows, &im->cap, im->nrows + 1,
			     sizeof *im->rows, IMPORT_MAX_ROWS) != SAYSO_OK)
		return ROW_NOMEM;
	struct row *w = &im->rows[im->nrows];
	bool ok = row_fields(im, f, nf, line, w);
	ok = row_texts(im, f, line, w) && ok;
	if (ok && row_number_free(im, w))
		im->nrows++;
	else
		row_free(w);
	return ROW_NEXT;
}

/* Reads and checks the whole file: ADMIN_EXIT_OK when every row is good. */
static int import_read(struct import *im, struct admin_csv *csv)
{
	struct admin_ctx *ctx = im->ctx;
	char **f;
	size_t nf;
	int got;
	bool header = false;

	while ((got = admin_csv_next(csv, &f, &nf)) == 1) {
		long line = admin_csv_line(csv);
		if (!header) {
			header = true;
			if (!header_ok(im, f, nf, line)) {
				if (!im->errors)
					row_error(im, line,
						  "the first line must be the "
						  "header number,title,cost,"
						  "description");
				break;
			}
			continue;
		}
		enum row_next next = import_row(im, f, nf, line);
		if (next == ROW_NOMEM) {
			admin_progress_end(ctx);
			return admin_fail(ctx, "out of memory");
		}
		if (next == ROW_STOP)
			break;
		admin_progress(ctx, "checking", (long long)im->nrows, 0);
	}
	admin_progress_end(ctx);
	if (got < 0)
		row_error(im, admin_csv_line(csv), "%s", admin_csv_error(csv));
	else if (!header)
		row_error(im, 1,
			  "empty file; expected the header "
			  "number,title,cost,description");
	if (!im->errors)
		return ADMIN_EXIT_OK;
	if (im->errors > IMPORT_MAX_ERRORS)
		fprintf(ctx->err, "sayso-admin: ... and %d more\n",
			im->errors - IMPORT_MAX_ERRORS);
	return admin_fail(ctx, "%s: %d error%s; nothing imported", im->file,
			  im->errors, im->errors == 1 ? "" : "s");
}

/* Adds the checked rows in one transaction, with an audit entry. */
static int import_write(struct import *im, const char *cmd)
{
	struct admin_ctx *ctx = im->ctx;
	struct sayso_store *st = ctx->st;
	enum sayso_err e = sayso_store_begin(st);

	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	for (size_t i = 0; i < im->nrows; i++) {
		e = sayso_project_add(st, im->r->id, &im->rows[i].p,
				      ctx->actor);
		if (e != SAYSO_OK) {
			sayso_store_rollback(st);
			return admin_fail(ctx, "%s:%ld: %s; nothing imported",
					  im->file, im->rows[i].line,
					  sayso_store_errmsg(st));
		}
		char where[64];
		snprintf(where, sizeof where, "line %ld", im->rows[i].line);
		int rc =
		    save_texts(ctx, &im->rows[i].p, &im->rows[i].tx, where);
		if (rc) {
			sayso_store_rollback(st);
			return rc;
		}
	}
	e = sayso_store_audit(st, ctx->actor, "project.import",
			      "%s: %zu projects into %s", im->file, im->nrows,
			      im->r->code);
	if (e == SAYSO_OK)
		e = sayso_store_commit(st);
	else
		sayso_store_rollback(st);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	fprintf(ctx->out, "imported %zu project%s into %s from %s\n", im->nrows,
		im->nrows == 1 ? "" : "s", im->r->code, im->file);
	return ADMIN_EXIT_OK;
}

int admin_cmd_project_import(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "project import";
	char *pos[2];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, NULL, pos, 2, 2, &np);
	if (rc)
		return rc;
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	struct import im = {.ctx = ctx, .file = pos[1], .r = &r};
	FILE *in = fopen(im.file, "rb");
	if (!in)
		return admin_fail(ctx, "%s: cannot open: %s", im.file,
				  strerror(errno));
	struct admin_csv *csv = admin_csv_open(in, ',');
	struct sayso_project *have = NULL;
	if (!csv) {
		fclose(in);
		return admin_fail(ctx, "out of memory");
	}
	enum sayso_err e = sayso_project_list(ctx->st, r.id, &have, &im.nhave);
	im.have = have;
	if (e != SAYSO_OK)
		rc = admin_fail_store(ctx, cmd, e);
	else if ((rc = import_read(&im, csv)) == ADMIN_EXIT_OK)
		rc = import_write(&im, cmd);
	admin_csv_free(csv);
	fclose(in);
	for (size_t i = 0; i < im.nrows; i++)
		row_free(&im.rows[i]);
	free(im.rows);
	free(have);
	return rc;
}

/* The project number given as the second argument, 1..999. */
static int project_number(struct admin_ctx *ctx, const char *cmd, const char *s,
			  int *out)
{
	long long v;
	int rc = admin_int(ctx, cmd, "NUMBER", s, SAYSO_PROJECT_NUMBER_MIN,
			   SAYSO_PROJECT_NUMBER_MAX, &v);
	*out = (int)v;
	return rc;
}

int admin_cmd_project_edit(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "project edit";
	const char *title = NULL, *cost = NULL, *desc = NULL, *why = NULL;
	const struct admin_opt opts[] = {
	    {"title", &title, NULL}, {"cost", &cost, NULL},
	    {"desc", &desc, NULL},   {"why", &why, NULL},
	    {NULL, NULL, NULL},
	};
	char *pos[2];
	int np, number;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 2, 2, &np);
	if (rc || (rc = project_number(ctx, cmd, pos[1], &number)))
		return rc;
	if ((rc = admin_require(ctx, cmd, "why", why)))
		return rc;
	struct sayso_project p;
	memset(&p, 0, sizeof p);
	if ((title && strlen(title) >= sizeof p.title) ||
	    (desc && strlen(desc) >= sizeof p.description))
		return admin_fail(ctx, "%s: --%s is too long", cmd,
				  title && strlen(title) >= sizeof p.title
				      ? "title"
				      : "desc");
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	struct sayso_project *ps = NULL;
	size_t n = 0;
	enum sayso_err e = sayso_project_list(ctx->st, r.id, &ps, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	for (size_t i = 0; i < n; i++)
		if (ps[i].number == number)
			p = ps[i];
	free(ps);
	if (!p.id)
		return admin_fail(ctx, "%s: round %s has no project %d", cmd,
				  r.code, number);
	if (title)
		snprintf(p.title, sizeof p.title, "%s", title);
	if (desc)
		snprintf(p.description, sizeof p.description, "%s", desc);
	const char *bad = NULL;
	if (cost &&
	    sayso_money_parse(cost, r.currency, &p.cost, &bad) != SAYSO_OK)
		return admin_fail(ctx, "%s: --cost: '%s': %s", cmd, cost,
				  bad ? bad : "not an amount");
	if ((e = sayso_project_edit(ctx->st, &p, ctx->actor, why)) != SAYSO_OK)
		return admin_fail(ctx, "%s: %s; nothing changed", cmd,
				  sayso_store_errmsg(ctx->st));
	char money[64];
	sayso_money_format(p.cost, r.currency, money, sizeof money);
	fprintf(ctx->out, "edited project %d of %s: %s (%s)\n", p.number,
		r.code, p.title, money);
	return ADMIN_EXIT_OK;
}

int admin_cmd_project_withdraw(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "project withdraw", *why = NULL;
	bool force = false;
	const struct admin_opt opts[] = {
	    {"why", &why, NULL}, {"force", NULL, &force}, {NULL, NULL, NULL}};
	char *pos[2];
	int np, number;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 2, 2, &np);
	if (rc || (rc = project_number(ctx, cmd, pos[1], &number)))
		return rc;
	if ((rc = admin_require(ctx, cmd, "why", why)))
		return rc;
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	struct sayso_withdrawal w;
	enum sayso_err e = sayso_project_withdraw(ctx->st, r.id, number, force,
						  ctx->actor, why, &w);
	if (e != SAYSO_OK)
		return admin_fail(ctx, "%s: %s; nothing changed", cmd,
				  sayso_store_errmsg(ctx->st));
	fprintf(ctx->out,
		"withdrew project %d from %s; %zu ballot%s chose it\n", number,
		r.code, w.nballots, w.nballots == 1 ? "" : "s");
	for (size_t i = 0; i < w.nballots; i++)
		fprintf(ctx->out, "  ballot %s: keeps its other picks\n",
			w.uids[i]);
	free(w.uids);
	return ADMIN_EXIT_OK;
}

/*
 * out.c: how sayso-admin talks to people and to machines.
 *
 * People get aligned text tables (widths counted in UTF-8 code points, so
 * "£50,000" lines up). Machines get RFC 4180 CSV (CRLF, fields quoted only
 * when needed) or JSON through jansson. Imports read CSV with a strict reader
 * that remembers the line each record began on, so a bad row can be named.
 * Progress lines go to stderr and only when stdout is a terminal: output piped
 * into a file stays byte-for-byte the same as in the golden tests.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "admin.h"
#include "sayso/buf.h"
#include "sayso/file.h"
#include "sayso/round.h"
#include "sayso/utf8.h"

/* ---- tables ---- */

struct admin_table {
	size_t ncols;
	char **headers;
	char *align;
	char **cells; /* nrows * ncols */
	size_t nrows, cap;
};

static char *dupstr(const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	char *d = malloc(n + 1);
	if (d)
		memcpy(d, s, n + 1);
	return d;
}

/* Display width: UTF-8 code points (no wide characters in our output). */
static size_t width(const char *s)
{
	return sayso_utf8_count(s);
}

struct admin_table *admin_table_new(size_t ncols, const char *const *headers,
				    const char *align)
{
	struct admin_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->ncols = ncols;
	t->headers = calloc(ncols, sizeof *t->headers);
	t->align = calloc(ncols + 1, 1);
	if (!t->headers || !t->align) {
		admin_table_free(t);
		return NULL;
	}
	for (size_t i = 0; i < ncols; i++) {
		t->headers[i] = dupstr(headers[i]);
		if (!t->headers[i]) {
			admin_table_free(t);
			return NULL;
		}
		t->align[i] = align && i < strlen(align) ? align[i] : 'l';
	}
	return t;
}

bool admin_table_add(struct admin_table *t, const char *const *cells)
{
	/* One element of the growth rule is a whole row of ncols cells. */
	if (sayso_array_grow(&t->cells, &t->cap, t->nrows + 1,
			     t->ncols * sizeof *t->cells, SIZE_MAX) != SAYSO_OK)
		return false;
	char **row = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		row[i] = dupstr(cells[i]);
		if (!row[i]) {
			while (i-- > 0)
				free(row[i]);
			return false;
		}
	}
	t->nrows++;
	return true;
}

static void pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

static void print_row(FILE *out, char *const *row, const size_t *w,
		      const char *align, size_t ncols)
{
	for (size_t i = 0; i < ncols; i++) {
		size_t cw = width(row[i]);
		bool last = i + 1 == ncols;
		if (align[i] == 'r') {
			pad(out, w[i] - cw);
			fputs(row[i], out);
		} else {
			fputs(row[i], out);
			if (!last)
				pad(out, w[i] - cw);
		}
		if (!last)
			fputs("  ", out);
	}
	fputc('\n', out);
}

void admin_table_print(const struct admin_table *t, FILE *out,
		       enum admin_format fmt)
{
	if (fmt == ADMIN_FMT_CSV) {
		admin_csv_row(out, (const char *const *)t->headers, t->ncols);
		for (size_t r = 0; r < t->nrows; r++)
			admin_csv_row(
			    out, (const char *const *)(t->cells + r * t->ncols),
			    t->ncols);
		return;
	}
	/* For a terminal: every cell without control characters (a report's
	 * text cannot move the cursor or recolour the screen). */
	size_t ncells = t->nrows * t->ncols;
	size_t *w = calloc(t->ncols, sizeof *w);
	char **shown = calloc(ncells ? ncells : 1, sizeof *shown);
	if (!w || !shown)
		goto out;
	for (size_t i = 0; i < ncells; i++)
		if (!(shown[i] = admin_term_dup(t->cells[i])))
			goto out;
	for (size_t i = 0; i < t->ncols; i++)
		w[i] = width(t->headers[i]);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t i = 0; i < t->ncols; i++) {
			size_t cw = width(shown[r * t->ncols + i]);
			if (cw > w[i])
				w[i] = cw;
		}
	print_row(out, t->headers, w, t->align, t->ncols);
	for (size_t r = 0; r < t->nrows; r++)
		print_row(out, shown + r * t->ncols, w, t->align, t->ncols);
out:
	if (shown)
		for (size_t i = 0; i < ncells; i++)
			free(shown[i]);
	free(shown);
	free(w);
}

void admin_table_free(struct admin_table *t)
{
	if (!t)
		return;
	if (t->headers)
		for (size_t i = 0; i < t->ncols; i++)
			free(t->headers[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->headers);
	free(t->align);
	free(t->cells);
	free(t);
}

/* ---- CSV out ---- */

void admin_csv_field(FILE *out, const char *s)
{
	sayso_delim_write(out, s, ',', SAYSO_DELIM_FORMULA_GUARD);
}

void admin_csv_row(FILE *out, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', out);
		admin_csv_field(out, cells[i]);
	}
	fputs("\r\n", out);
}

/* ---- CSV in ---- */

struct admin_csv {
	FILE *in;
	char sep;
	long line;     /* current physical line */
	long rec_line; /* line the last record began on */
	char err[160];
	char *fields[ADMIN_CSV_COLS_MAX];
	size_t nfields;
	char buf[ADMIN_CSV_FIELD_MAX + 1];
	size_t blen;
	bool bom_checked;
};

struct admin_csv *admin_csv_open(FILE *in, char sep)
{
	struct admin_csv *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->in = in;
	c->sep = sep;
	c->line = 1;
	return c;
}

static void clear_fields(struct admin_csv *c)
{
	for (size_t i = 0; i < c->nfields; i++)
		free(c->fields[i]);
	c->nfields = 0;
}

static int push_field(struct admin_csv *c)
{
	if (c->nfields == ADMIN_CSV_COLS_MAX) {
		snprintf(c->err, sizeof c->err, "more than %d fields",
			 ADMIN_CSV_COLS_MAX);
		return -1;
	}
	c->buf[c->blen] = '\0';
	c->fields[c->nfields] = dupstr(c->buf);
	if (!c->fields[c->nfields]) {
		snprintf(c->err, sizeof c->err, "out of memory");
		return -1;
	}
	c->nfields++;
	c->blen = 0;
	return 0;
}

static int put(struct admin_csv *c, int ch)
{
	if (c->blen == ADMIN_CSV_FIELD_MAX) {
		snprintf(c->err, sizeof c->err,
			 "field %zu is longer than %d bytes", c->nfields + 1,
			 ADMIN_CSV_FIELD_MAX);
		return -1;
	}
	c->buf[c->blen++] = (char)ch;
	return 0;
}

int admin_csv_next(struct admin_csv *c, char ***fields, size_t *n)
{
	clear_fields(c);
	c->blen = 0;
	if (!c->bom_checked) {
		c->bom_checked = true;
		int a = fgetc(c->in);
		if (a == 0xEF) {
			int b = fgetc(c->in), d = fgetc(c->in);
			if (b != 0xBB || d != 0xBF) {
				snprintf(c->err, sizeof c->err,
					 "not UTF-8 text");
				c->rec_line = c->line;
				return -1;
			}
		} else if (a != EOF) {
			ungetc(a, c->in);
		}
	}
	int ch = fgetc(c->in);
	/* Skip blank lines between records. */
	while (ch == '\n' || ch == '\r') {
		if (ch == '\n')
			c->line++;
		ch = fgetc(c->in);
	}
	if (ch == EOF)
		return ferror(c->in)
			   ? (snprintf(c->err, sizeof c->err, "read error: %s",
				       strerror(errno)),
			      -1)
			   : 0;
	c->rec_line = c->line;
	enum { START, PLAIN, QUOTED, QUOTE_IN_QUOTED } s = START;
	for (;; ch = fgetc(c->in)) {
		switch (s) {
		case START:
		case PLAIN:
			if (ch == EOF || ch == '\n' || ch == '\r') {
				if (ch == '\r') {
					int nx = fgetc(c->in);
					if (nx != '\n' && nx != EOF)
						ungetc(nx, c->in);
				}
				c->line++;
				if (push_field(c) < 0)
					return -1;
				goto done;
			}
			if (ch == c->sep) {
				if (push_field(c) < 0)
					return -1;
				s = START;
			} else if (ch == '"') {
				if (s == PLAIN) {
					snprintf(c->err, sizeof c->err,
						 "stray quote in field %zu "
						 "(quote the whole field and "
						 "double the quote: \"\")",
						 c->nfields + 1);
					return -1;
				}
				s = QUOTED;
			} else {
				if (put(c, ch) < 0)
					return -1;
				s = PLAIN;
			}
			break;
		case QUOTED:
			if (ch == EOF) {
				snprintf(c->err, sizeof c->err,
					 "field %zu: quote opened here is "
					 "never closed",
					 c->nfields + 1);
				return -1;
			}
			if (ch == '"') {
				s = QUOTE_IN_QUOTED;
			} else {
				if (ch == '\n')
					c->line++;
				if (put(c, ch) < 0)
					return -1;
			}
			break;
		case QUOTE_IN_QUOTED:
			if (ch == '"') {
				if (put(c, ch) < 0)
					return -1;
				s = QUOTED;
			} else if (ch == c->sep) {
				if (push_field(c) < 0)
					return -1;
				s = START;
			} else if (ch == EOF || ch == '\n' || ch == '\r') {
				if (ch == '\r') {
					int nx = fgetc(c->in);
					if (nx != '\n' && nx != EOF)
						ungetc(nx, c->in);
				}
				c->line++;
				if (push_field(c) < 0)
					return -1;
				goto done;
			} else {
				snprintf(c->err, sizeof c->err,
					 "stray quote in field %zu (text "
					 "after a closing quote)",
					 c->nfields + 1);
				return -1;
			}
			break;
		}
	}
done:
	*fields = c->fields;
	*n = c->nfields;
	return 1;
}

long admin_csv_line(const struct admin_csv *c)
{
	return c->rec_line;
}

const char *admin_csv_error(const struct admin_csv *c)
{
	return c->err;
}

void admin_csv_free(struct admin_csv *c)
{
	if (!c)
		return;
	clear_fields(c);
	free(c);
}

/* ---- progress ---- */

void admin_progress(struct admin_ctx *ctx, const char *what, long long done,
		    long long total)
{
	if (!ctx->tty)
		return;
	if (done < 0)
		fprintf(ctx->err, "\r%s...", what);
	else if (total > 0)
		fprintf(ctx->err, "\r%s: %lld/%lld (%lld%%)", what, done, total,
			done * 100 / total);
	else
		fprintf(ctx->err, "\r%s: %lld", what, done);
	fflush(ctx->err);
}

void admin_progress_end(struct admin_ctx *ctx)
{
	if (!ctx->tty)
		return;
	fputs("\r\033[K", ctx->err);
	fflush(ctx->err);
}

/* ---- JSON ---- */

int admin_json_print(struct admin_ctx *ctx, void *json)
{
	json_t *j = json;
	if (!j)
		return admin_fail(ctx, "out of memory building JSON");
	int rc = json_dumpf(j, ctx->out,
			    JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(15));
	json_decref(j);
	fputc('\n', ctx->out);
	return rc == 0 ? ADMIN_EXIT_OK
		       : admin_fail(ctx, "could not write JSON output");
}

void *admin_json_str(const char *s)
{
	json_t *j;
	char *fixed;
	size_t n;

	if (!s)
		s = "";
	if ((j = json_string(s)))
		return j;
	n = strlen(s);
	if (!(fixed = malloc(3 * n + 1)))
		return NULL;
	sayso_utf8_clean(s, fixed, 3 * n + 1, 0);
	j = json_string(fixed);
	free(fixed);
	return j;
}

char *admin_term_dup(const char *s)
{
	size_t n = strlen(s ? s : "") * 3 + 1;
	char *d = malloc(n);

	if (d)
		sayso_utf8_clean(s, d, n, SAYSO_UTF8_TERMINAL);
	return d;
}

void admin_term_puts(FILE *out, const char *s)
{
	char *d = admin_term_dup(s);

	if (d)
		fputs(d, out);
	free(d);
}

void *admin_json_money(int64_t minor, const char *currency)
{
	int64_t unit = sayso_currency_unit(currency);
	if (minor % unit == 0)
		return json_integer(minor / unit);
	return json_real(sayso_money_major(minor, currency));
}

/* ---- money and files ---- */

void admin_shorten(const char *s, size_t maxw, char *out, size_t outsz)
{
	if (outsz == 0)
		return;
	if (maxw < 4)
		maxw = 4;
	size_t w = 0, i = 0, cut = 0;
	bool over = width(s) > maxw;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (over && w == maxw - 3) {
				cut = i;
				break;
			}
			w++;
		}
	}
	size_t n = over ? cut : i;
	if (n + (over ? 3 : 0) >= outsz)
		n = outsz - 1 - (over ? 3 : 0);
	/* never end inside a UTF-8 sequence */
	n = sayso_utf8_boundary(s, n);
	memcpy(out, s, n);
	if (over) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

void admin_money_plain(int64_t minor, const char *currency, char *out,
		       size_t outsz)
{
	sayso_money_plain(minor, sayso_currency_unit(currency), out, outsz);
}

FILE *admin_file_begin(struct admin_ctx *ctx, const char *path, char *tmp,
		       size_t tmpsz)
{
	FILE *f = NULL;
	int sys = 0;
	enum sayso_err e = sayso_atomic_open(path, tmp, tmpsz, &f, &sys);
	if (e == SAYSO_ERR_TOOBIG)
		admin_fail(ctx, "%s: path too long", path);
	else if (e != SAYSO_OK)
		admin_fail(ctx, "%s: cannot create: %s", path, strerror(sys));
	return f;
}

int admin_file_finish(struct admin_ctx *ctx, FILE *f, const char *tmp,
		      const char *path, bool ok)
{
	int sys = 0;
	if (sayso_atomic_finish(f, tmp, path, ok, &sys) == SAYSO_OK)
		return ADMIN_EXIT_OK;
	if (sys)
		return admin_fail(ctx, "%s: cannot write: %s", path,
				  strerror(sys));
	return ADMIN_EXIT_ERROR;
}

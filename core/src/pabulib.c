/*
 * pabulib.c: the pabulib .pb format: the pure parser (from memory, a FILE or
 * a path) and the field writer; no SQL here. Import into the store and
 * export of a round are in pabulib_store.c.
 *
 * Design: the parser works on the whole file in memory with one cursor and
 * never copies an unquoted field (fields are pointer+length into the buffer;
 * only quoted fields with "" escapes are unescaped into a per-record
 * scratch buffer), so the largest real file (131,778 voters, 3.7 MB) parses
 * in a few tens of milliseconds. Project ids are looked up in a small hash
 * table, voter ids checked for duplicates in another. Every error names the
 * line and the field. Import writes everything in one transaction with
 * cached prepared statements; export is the inverse and re-imports to the
 * same tally.
 */
#include "sayso/pabulib.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "pabulib_internal.h"
#include "sayso/buf.h"
#include "sayso/hash.h"
#include "sayso/round.h"
#include "sayso/store.h"

#define MAX_FIELDS 256

struct field {
	const char *s;
	size_t len;
	size_t off; /* while a record is read: offset of a quoted field's
		       unescaped text in the scratch buffer (which may move) */
};

struct reader {
	const char *p, *end;
	const char *name;
	long line;		   /* line of the record being read (1-based) */
	long nextline;		   /* line where the next record starts */
	const char *rec_s, *rec_e; /* the current record as in the buffer,
				      without its line end */
	char *scratch; /* unescaped quoted fields of the current record */
	size_t scap, slen;
	char *errbuf;
	size_t errsz;
};

static void rd_err(struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void rd_err(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->errbuf || r->errsz == 0)
		return;
	n = snprintf(r->errbuf, r->errsz, "%s:%ld: ", r->name, r->line);
	if (n < 0 || (size_t)n >= r->errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(r->errbuf + n, r->errsz - (size_t)n, fmt, ap);
	va_end(ap);
}

/*
 * Reads the next non-empty record into f[0..*nf-1]. Returns SAYSO_OK, or
 * SAYSO_ERR_NOTFOUND at the end of input, or an error (detail set).
 */
static enum sayso_err next_record(struct reader *r, struct field *f, size_t *nf)
{
	for (;;) {
		size_t n = 0;
		bool blank = true;

		if (r->p >= r->end)
			return SAYSO_ERR_NOTFOUND;
		r->line = r->nextline;
		r->slen = 0;
		r->rec_s = r->p;
		for (;;) {
			const char *s = r->p;

			if (n == MAX_FIELDS) {
				rd_err(r, "more than %d fields", MAX_FIELDS);
				return SAYSO_ERR_TOOBIG;
			}
			if (s < r->end && *s == '"') {
				/* Quoted: copy, undoubling quotes. */
				size_t start = r->slen;
				const char *q = s + 1;

				blank = false;
				for (;;) {
					const char *dq = memchr(
					    q, '"', (size_t)(r->end - q));
					const char *nl;
					size_t chunk;

					if (!dq) {
						rd_err(r, "stray quote: a "
							  "quoted field is "
							  "never closed");
						return SAYSO_ERR_PARSE;
					}
					chunk = (size_t)(dq - q);
					for (nl = q; nl < dq; nl++)
						if (*nl == '\n')
							r->nextline++;
					if (r->slen + chunk + 1 >
					    SAYSO_PB_MAX_FIELD) {
						rd_err(r,
						       "a field is longer "
						       "than %d bytes",
						       SAYSO_PB_MAX_FIELD);
						return SAYSO_ERR_TOOBIG;
					}
					if (sayso_array_grow(
						&r->scratch, &r->scap,
						r->slen + chunk + 1, 1,
						SIZE_MAX) != SAYSO_OK)
						return SAYSO_ERR_NOMEM;
					memcpy(r->scratch + r->slen, q, chunk);
					r->slen += chunk;
					if (dq + 1 < r->end && dq[1] == '"') {
						r->scratch[r->slen++] = '"';
						q = dq + 2;
						continue;
					}
					q = dq + 1;
					break;
				}
				/* Offsets for now: scratch may move. */
				f[n].s = NULL;
				f[n].len = r->slen - start;
				f[n].off = start;
				n++;
				r->rec_e = q;
				if (q < r->end && *q == '\r')
					q++;
				if (q >= r->end || *q == '\n') {
					r->p = q < r->end ? q + 1 : q;
					r->nextline++;
					break;
				}
				if (*q != ';') {
					rd_err(r,
					       "stray quote: text after "
					       "the closing quote of field "
					       "%zu",
					       n);
					return SAYSO_ERR_PARSE;
				}
				r->p = q + 1;
				continue;
			} else {
				const char *e = s;
				size_t len;

				while (e < r->end && *e != ';' && *e != '\n')
					e++;
				len = (size_t)(e - s);
				if (len > 0 && e[-1] == '\r' &&
				    (e >= r->end || *e == '\n'))
					len--;
				if (len > SAYSO_PB_MAX_FIELD) {
					rd_err(r,
					       "a field is longer than %d "
					       "bytes",
					       SAYSO_PB_MAX_FIELD);
					return SAYSO_ERR_TOOBIG;
				}
				for (size_t i = 0; i < len && blank; i++)
					if (!isspace((unsigned char)s[i]))
						blank = false;
				f[n].s = s;
				f[n].len = len;
				n++;
				r->rec_e = s + len;
				if (e >= r->end || *e == '\n') {
					r->p = e < r->end ? e + 1 : e;
					r->nextline++;
					break;
				}
				blank = false; /* a ';' makes it a record */
				r->p = e + 1;
			}
		}
		if (blank && n == 1)
			continue; /* empty line */
		for (size_t i = 0; i < n; i++)
			if (!f[i].s) {
				f[i].s = r->scratch + f[i].off;
			}
		*nf = n;
		return SAYSO_OK;
	}
}

static void trim(struct field *f)
{
	while (f->len > 0 && isspace((unsigned char)f->s[0])) {
		f->s++;
		f->len--;
	}
	while (f->len > 0 && isspace((unsigned char)f->s[f->len - 1]))
		f->len--;
}

static bool field_is(const struct field *f, const char *word)
{
	struct field t = *f;
	size_t wl = strlen(word);

	trim(&t);
	return t.len == wl && strncasecmp(t.s, word, wl) == 0;
}

/* Copies a field into a NUL-terminated buffer, truncating. */
static void field_copy(const struct field *f, char *out, size_t outsz)
{
	size_t n = f->len < outsz - 1 ? f->len : outsz - 1;

	memcpy(out, f->s, n);
	out[n] = '\0';
}

/*
 * A decimal amount ("1000000", "1 000,50", "1000.5") as minor units x100.
 * More than two decimals are accepted only when the extra ones are zeros.
 */
static bool parse_money(struct field f, int64_t *out)
{
	int64_t v = 0;
	int frac = -1;
	bool digits = false;
	size_t i;

	trim(&f);
	for (i = 0; i < f.len; i++) {
		char ch = f.s[i];
		if (ch >= '0' && ch <= '9') {
			digits = true;
			if (frac >= 2) {
				if (ch != '0')
					return false;
				continue;
			}
			if (v > (INT64_MAX / 100 - 9) / 10)
				return false;
			v = v * 10 + (ch - '0');
			if (frac >= 0)
				frac++;
		} else if ((ch == '.' || ch == ',') && frac < 0) {
			frac = 0;
		} else {
			return false;
		}
	}
	if (!digits)
		return false;
	if (frac < 0)
		frac = 0;
	while (frac < 2) {
		v *= 10;
		frac++;
	}
	*out = v;
	return true;
}

static bool parse_int(struct field f, long min, long max, long *out)
{
	char buf[32], *endp;
	long v;

	trim(&f);
	if (f.len == 0 || f.len >= sizeof buf)
		return false;
	memcpy(buf, f.s, f.len);
	buf[f.len] = '\0';
	errno = 0;
	v = strtol(buf, &endp, 10);
	if (errno || *endp || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool Sayso_pb_money(const char *s, int64_t *hundredths)
{
	struct field f = {s, s ? strlen(s) : 0, 0};

	return s && parse_money(f, hundredths);
}

enum sayso_err Sayso_pb_cells_split(const char *line,
				    struct Sayso_pb_cells *out)
{
	struct reader r = {0};
	struct field f[MAX_FIELDS];
	size_t n = 0, total = 0, i;
	char *p;
	enum sayso_err err;

	memset(out, 0, sizeof *out);
	r.p = line;
	r.end = line + strlen(line);
	r.name = "";
	err = next_record(&r, f, &n);
	if (err == SAYSO_ERR_NOTFOUND)
		n = 0;
	else if (err != SAYSO_OK)
		goto out;
	for (i = 0; i < n; i++)
		total += f[i].len + 1;
	out->text = malloc(total ? total : 1);
	out->cell = malloc((n ? n : 1) * sizeof *out->cell);
	if (!out->text || !out->cell) {
		err = SAYSO_ERR_NOMEM;
		goto out;
	}
	for (i = 0, p = out->text; i < n; i++) {
		memcpy(p, f[i].s, f[i].len);
		p[f[i].len] = '\0';
		out->cell[i] = p;
		p += f[i].len + 1;
	}
	out->n = n;
	err = SAYSO_OK;
out:
	free(r.scratch);
	if (err != SAYSO_OK)
		Sayso_pb_cells_free(out);
	return err;
}

void Sayso_pb_cells_free(struct Sayso_pb_cells *c)
{
	free(c->text);
	free(c->cell);
	memset(c, 0, sizeof *c);
}

/* ---- string hash sets ---- */

static uint64_t hash_bytes(const char *s, size_t n)
{
	return sayso_hash(s, n);
}

/* Open addressing over an arena of NUL-terminated strings (offsets). */
struct strset {
	uint32_t *slot; /* value index + 1, 0 = empty */
	size_t cap, n;
	size_t *off; /* per value: offset in arena */
	size_t offcap;
	char *arena;
	size_t alen, acap;
};

static void strset_free(struct strset *s)
{
	free(s->slot);
	free(s->off);
	free(s->arena);
	memset(s, 0, sizeof *s);
}

static const char *strset_str(const struct strset *s, size_t i)
{
	return s->arena + s->off[i];
}

static enum sayso_err strset_grow(struct strset *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 1024, i;
	uint32_t *ns = calloc(ncap, sizeof *ns);

	if (!ns)
		return SAYSO_ERR_NOMEM;
	for (i = 0; i < s->n; i++) {
		const char *str = strset_str(s, i);
		size_t h = (size_t)hash_bytes(str, strlen(str)) & (ncap - 1);
		while (ns[h])
			h = (h + 1) & (ncap - 1);
		ns[h] = (uint32_t)(i + 1);
	}
	free(s->slot);
	s->slot = ns;
	s->cap = ncap;
	return SAYSO_OK;
}

/* Looks up f; when absent and add, inserts it. *idx gets the index; *found
 * whether it was there. */
static enum sayso_err strset_get(struct strset *s, const struct field *f,
				 bool add, size_t *idx, bool *found)
{
	size_t h, mask;
	enum sayso_err err;

	if (s->cap == 0 || (s->n + 1) * 2 > s->cap)
		if ((err = strset_grow(s)) != SAYSO_OK)
			return err;
	mask = s->cap - 1;
	h = (size_t)hash_bytes(f->s, f->len) & mask;
	while (s->slot[h]) {
		size_t i = s->slot[h] - 1;
		const char *str = strset_str(s, i);
		if (strncmp(str, f->s, f->len) == 0 && str[f->len] == '\0') {
			*idx = i;
			*found = true;
			return SAYSO_OK;
		}
		h = (h + 1) & mask;
	}
	*found = false;
	if (!add)
		return SAYSO_OK;
	if (sayso_array_grow(&s->off, &s->offcap, s->n + 1, sizeof *s->off,
			     SIZE_MAX) != SAYSO_OK ||
	    sayso_array_grow(&s->arena, &s->acap, s->alen + f->len + 1, 1,
			     SIZE_MAX) != SAYSO_OK)
		return SAYSO_ERR_NOMEM;
	memcpy(s->arena + s->alen, f->s, f->len);
	s->arena[s->alen + f->len] = '\0';
	s->off[s->n] = s->alen;
	s->alen += f->len + 1;
	s->slot[h] = (uint32_t)(s->n + 1);
	*idx = s->n++;
	return SAYSO_OK;
}

/* ---- the parser ---- */

void sayso_pb_free(struct sayso_pb *pb)
{
	size_t i;

	if (!pb)
		return;
	if (pb->voter_ids && pb->e && pb->e->nvoters > 0)
		free(pb->voter_ids[0]); /* the arena all ids live in */
	free(pb->voter_ids);
	sayso_election_free(pb->e);
	for (i = 0; i < pb->nmeta; i++) {
		free(pb->meta[i].key);
		free(pb->meta[i].value);
	}
	free(pb->meta);
	free(pb->selected);
	free(pb->votes_given);
	free(pb->score_given);
	free(pb->projects_header);
	free(pb->votes_header);
	for (i = 0; i < pb->nproject_rows; i++)
		free(pb->project_rows[i]);
	free(pb->project_rows);
	for (i = 0; i < pb->nvote_rows; i++)
		free(pb->vote_rows[i]);
	free(pb->vote_rows);
	free(pb);
}

const char *sayso_pb_country_currency(const char *country)
{
	static const struct {
		const char *country, *currency;
	} tab[] = {
	    {"Poland", "PLN"},
	    {"France", "EUR"},
	    {"Netherlands", "EUR"},
	    {"Germany", "EUR"},
	    {"Spain", "EUR"},
	    {"Portugal", "EUR"},
	    {"Italy", "EUR"},
	    {"Belgium", "EUR"},
	    {"Austria", "EUR"},
	    {"Finland", "EUR"},
	    {"Ireland", "EUR"},
	    {"Hungary", "HUF"},
	    {"Switzerland", "CHF"},
	    {"Canada", "CAD"},
	    {"USA", "USD"},
	    {"United States", "USD"},
	    {"United Kingdom", "GBP"},
	    {"UK", "GBP"},
	};
	size_t i;

	if (!country)
		return "";
	for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(country, tab[i].country) == 0)
			return tab[i].currency;
	return "";
}

static char *dup_field(const struct field *f)
{
	char *s = malloc(f->len + 1);

	if (!s)
		return NULL;
	memcpy(s, f->s, f->len);
	s[f->len] = '\0';
	return s;
}

const char *Sayso_pb_meta_get(const struct sayso_pb *pb, const char *key)
{
	size_t i;

	for (i = 0; i < pb->nmeta; i++)
		if (strcasecmp(pb->meta[i].key, key) == 0)
			return pb->meta[i].value;
	return NULL;
}

static int meta_int(const struct sayso_pb *pb, const char *key)
{
	const char *v = Sayso_pb_meta_get(pb, key);
	struct field f;
	long n;

	if (!v)
		return 0;
	f.s = v;
	f.len = strlen(v);
	if (!parse_int(f, 0, 1000000000L, &n))
		return 0;
	return (int)n;
}

/* Splits a comma list field into items (trimmed). Returns the count, or
 * (size_t)-1 when over max. "" and "None" are empty lists. */
static size_t split_list(struct field f, struct field *items, size_t max)
{
	size_t n = 0;
	const char *p, *e;

	trim(&f);
	if (f.len == 0 || (f.len == 4 && memcmp(f.s, "None", 4) == 0))
		return 0;
	p = f.s;
	e = f.s + f.len;
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(e - p));
		if (!c)
			c = e;
		if (n == max)
			return (size_t)-1;
		items[n].s = p;
		items[n].len = (size_t)(c - p);
		trim(&items[n]);
		n++;
		if (c == e)
			break;
		p = c + 1;
	}
	return n;
}

struct pbparse {
	struct reader r;
	struct sayso_pb *pb;
	struct strset pids, vids;
	struct field f[MAX_FIELDS];
	size_t nf;
	struct field items[SAYSO_PB_MAX_PICKS], pts[SAYSO_PB_MAX_PICKS];
	uint32_t pick[SAYSO_PB_MAX_PICKS];
	int32_t points[SAYSO_PB_MAX_PICKS];
	uint32_t *seen; /* per project: last voter + 1 that picked it */
	size_t prow_cap, vrow_cap;
};

/* The current record as in the file (without its line end), or NULL when
 * out of memory. */
static char *record_dup(const struct pbparse *ps)
{
	size_t len =
	    ps->r.rec_e > ps->r.rec_s ? (size_t)(ps->r.rec_e - ps->r.rec_s) : 0;
	char *row = malloc(len + 1);

	if (row) {
		memcpy(row, ps->r.rec_s, len);
		row[len] = '\0';
	}
	return row;
}

/* Appends the current record to rows (n rows, cap slots). */
static enum sayso_err keep_row(const struct pbparse *ps, char ***rows,
			       size_t *n, size_t *cap)
{
	char *row;

	if (sayso_array_grow(rows, cap, *n + 1, sizeof **rows, SIZE_MAX) !=
	    SAYSO_OK)
		return SAYSO_ERR_NOMEM;
	if (!(row = record_dup(ps)))
		return SAYSO_ERR_NOMEM;
	(*rows)[(*n)++] = row;
	return SAYSO_OK;
}

static enum sayso_err expect_section(struct pbparse *ps, const char *title)
{
	enum sayso_err err = next_record(&ps->r, ps->f, &ps->nf);

	if (err == SAYSO_ERR_NOTFOUND) {
		rd_err(&ps->r, "missing section %s", title);
		return SAYSO_ERR_PARSE;
	}
	if (err != SAYSO_OK)
		return err;
	if (!field_is(&ps->f[0], title)) {
		char found[41];

		field_copy(&ps->f[0], found, sizeof found);
		rd_err(&ps->r, "missing section %s (found \"%s\")", title,
		       found);
		return SAYSO_ERR_PARSE;
	}
	return SAYSO_OK;
}

static bool is_section(const struct pbparse *ps)
{
	return ps->nf >= 1 &&
	       (field_is(&ps->f[0], "META") ||
		field_is(&ps->f[0], "PROJECTS") ||
		field_is(&ps->f[0], "VOTES")) &&
	       (ps->nf == 1 || (ps->nf == 2 && ps->f[1].len == 0));
}

static enum sayso_err read_meta(struct pbparse *ps)
{
	struct sayso_pb *pb = ps->pb;
	size_t cap = 0;
	enum sayso_err err;

	if ((err = expect_section(ps, "META")) != SAYSO_OK)
		return err;
	if ((err = next_record(&ps->r, ps->f, &ps->nf)) != SAYSO_OK) {
		if (err == SAYSO_ERR_NOTFOUND) {
			rd_err(&ps->r, "missing section PROJECTS");
			return SAYSO_ERR_PARSE;
		}
		return err;
	}
	if (ps->nf < 2 || !field_is(&ps->f[0], "key") ||
	    !field_is(&ps->f[1], "value")) {
		rd_err(&ps->r, "META header must be key;value");
		return SAYSO_ERR_PARSE;
	}
	for (;;) {
		struct field k, v;

		err = next_record(&ps->r, ps->f, &ps->nf);
		if (err == SAYSO_ERR_NOTFOUND) {
			rd_err(&ps->r, "missing section PROJECTS");
			return SAYSO_ERR_PARSE;
		}
		if (err != SAYSO_OK)
			return err;
		if (is_section(ps))
			break;
		if (ps->nf < 2) {
			rd_err(&ps->r, "META row needs key;value");
			return SAYSO_ERR_PARSE;
		}
		k = ps->f[0];
		v = ps->f[1];
		trim(&k);
		trim(&v);
		if (k.len == 0) {
			rd_err(&ps->r, "META row with an empty key");
			return SAYSO_ERR_PARSE;
		}
		err = sayso_array_grow(&pb->meta, &cap, pb->nmeta + 1,
				       sizeof *pb->meta, 4096);
		if (err == SAYSO_ERR_TOOBIG) {
			rd_err(&ps->r, "more than 4096 META rows");
			return err;
		}
		if (err != SAYSO_OK)
			return err;
		pb->meta[pb->nmeta].key = dup_field(&k);
		pb->meta[pb->nmeta].value = dup_field(&v);
		pb->nmeta++;
		if (!pb->meta[pb->nmeta - 1].key ||
		    !pb->meta[pb->nmeta - 1].value)
			return SAYSO_ERR_NOMEM;
	}
	return SAYSO_OK;
}

static int col_index(const struct pbparse *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->nf; i++)
		if (field_is(&ps->f[i], name))
			return (int)i;
	return -1;
}

static enum sayso_err meta_setup(struct pbparse *ps, long section_line)
{
	struct sayso_pb *pb = ps->pb;
	const char *v;
	enum sayso_ballot_kind kind;
	int64_t budget;
	struct field f;
	enum sayso_err err;

	v = Sayso_pb_meta_get(pb, "vote_type");
	if (!v || !*v)
		v = "approval";
	if (strcasecmp(v, "approval") == 0 || strcasecmp(v, "choose-1") == 0)
		kind = SAYSO_BALLOT_APPROVAL;
	else if (strcasecmp(v, "cumulative") == 0)
		kind = SAYSO_BALLOT_CUMULATIVE;
	else if (strcasecmp(v, "ordinal") == 0)
		kind = SAYSO_BALLOT_ORDINAL;
	else {
		char shown[32];

		sayso_strlcpy_utf8(shown, v, sizeof shown);
		ps->r.line = section_line;
		rd_err(&ps->r,
		       "field vote_type: \"%s\" is not supported "
		       "(approval, choose-1, cumulative, ordinal)",
		       shown);
		return SAYSO_ERR_UNSUPPORTED;
	}
	sayso_strlcpy_utf8(pb->vote_type, v, sizeof pb->vote_type);
	for (char *c = pb->vote_type; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	v = Sayso_pb_meta_get(pb, "budget");
	if (!v) {
		ps->r.line = section_line;
		rd_err(&ps->r, "field budget: missing from META");
		return SAYSO_ERR_PARSE;
	}
	f.s = v;
	f.len = strlen(v);
	if (!parse_money(f, &budget)) {
		char shown[41];

		sayso_strlcpy_utf8(shown, v, sizeof shown);
		ps->r.line = section_line;
		rd_err(&ps->r, "field budget: bad number \"%s\"", shown);
		return SAYSO_ERR_PARSE;
	}
	v = Sayso_pb_meta_get(pb, "currency");
	if (v && strlen(v) == 3) {
		for (int i = 0; i < 3; i++)
			pb->currency[i] = (char)toupper((unsigned char)v[i]);
		pb->currency[3] = '\0';
	} else {
		sayso_strlcpy_utf8(
		    pb->currency,
		    sayso_pb_country_currency(Sayso_pb_meta_get(pb, "country")),
		    sizeof pb->currency);
	}
	pb->min_length = meta_int(pb, "min_length");
	pb->max_length = meta_int(pb, "max_length");
	pb->max_points = meta_int(pb, "max_points");
	pb->max_sum_points = meta_int(pb, "max_sum_points");
	if ((err = sayso_election_new(kind, budget, 100, &pb->e)) != SAYSO_OK)
		return err;
	memcpy(pb->e->currency, pb->currency, sizeof pb->currency);
	return SAYSO_OK;
}

/* The whole number in column col of the current PROJECTS row into *out;
 * -1 when there is no such column or the cell is empty. */
static enum sayso_err given_count(struct pbparse *ps, int col, const char *what,
				  int64_t *out)
{
	struct field f;
	long long v = 0;

	*out = -1;
	if (col < 0 || (size_t)col >= ps->nf)
		return SAYSO_OK;
	f = ps->f[col];
	trim(&f);
	if (f.len == 0)
		return SAYSO_OK;
	for (size_t i = 0; i < f.len; i++) {
		if (f.s[i] < '0' || f.s[i] > '9' || v > INT64_MAX / 20) {
			char bad[41];
			field_copy(&ps->f[col], bad, sizeof bad);
			rd_err(&ps->r,
			       "field %s: bad number \"%s\" (a whole "
			       "number >= 0)",
			       what, bad);
			return SAYSO_ERR_PARSE;
		}
		v = v * 10 + (f.s[i] - '0');
	}
	*out = (int64_t)v;
	return SAYSO_OK;
}

static enum sayso_err read_projects(struct pbparse *ps)
{
	struct sayso_pb *pb = ps->pb;
	int cid, ccost, cname, csel, cvotes, cscore;
	size_t cap = 0, vcap = 0, scap = 0;
	enum sayso_err err;
	char title[SAYSO_TALLY_TITLE_MAX];

	if (!field_is(&ps->f[0], "PROJECTS")) {
		char found[41];
		field_copy(&ps->f[0], found, sizeof found);
		rd_err(&ps->r, "missing section PROJECTS (found \"%s\")",
		       found);
		return SAYSO_ERR_PARSE;
	}
	if ((err = meta_setup(ps, ps->r.line)) != SAYSO_OK)
		return err;
	err = next_record(&ps->r, ps->f, &ps->nf);
	if (err == SAYSO_ERR_NOTFOUND) {
		rd_err(&ps->r, "PROJECTS has no header line");
		return SAYSO_ERR_PARSE;
	}
	if (err != SAYSO_OK)
		return err;
	if (!(pb->projects_header = record_dup(ps)))
		return SAYSO_ERR_NOMEM;
	cid = col_index(ps, "project_id");
	ccost = col_index(ps, "cost");
	cname = col_index(ps, "name");
	csel = col_index(ps, "selected");
	cvotes = col_index(ps, "votes");
	cscore = col_index(ps, "score");
	pb->has_votes_col = cvotes >= 0;
	pb->has_score_col = cscore >= 0;
	pb->has_selected_col = csel >= 0;
	if (cid < 0 || ccost < 0) {
		rd_err(&ps->r, "field %s: missing from the PROJECTS header",
		       cid < 0 ? "project_id" : "cost");
		return SAYSO_ERR_PARSE;
	}
	for (;;) {
		struct field id;
		int64_t cost;
		size_t idx;
		bool found;

		err = next_record(&ps->r, ps->f, &ps->nf);
		if (err == SAYSO_ERR_NOTFOUND) {
			rd_err(&ps->r, "missing section VOTES");
			return SAYSO_ERR_PARSE;
		}
		if (err != SAYSO_OK)
			return err;
		if (is_section(ps))
			break;
		if (ps->nf <= (size_t)cid || ps->nf <= (size_t)ccost) {
			rd_err(&ps->r,
			       "field %s: missing (row has %zu "
			       "fields)",
			       ps->nf <= (size_t)cid ? "project_id" : "cost",
			       ps->nf);
			return SAYSO_ERR_PARSE;
		}
		id = ps->f[cid];
		trim(&id);
		if (id.len == 0 || id.len >= SAYSO_TALLY_ID_MAX ||
		    memchr(id.s, ',', id.len)) {
			rd_err(&ps->r, "field project_id: %s",
			       id.len == 0 ? "empty"
			       : id.len >= SAYSO_TALLY_ID_MAX
				   ? "longer than 64 bytes"
				   : "contains a comma");
			return SAYSO_ERR_PARSE;
		}
		if (!parse_money(ps->f[ccost], &cost)) {
			char bad[41];
			field_copy(&ps->f[ccost], bad, sizeof bad);
			rd_err(&ps->r, "field cost: bad number \"%s\"", bad);
			return SAYSO_ERR_PARSE;
		}
		if ((err = strset_get(&ps->pids, &id, true, &idx, &found)) !=
		    SAYSO_OK)
			return err;
		if (found) {
			char bad[SAYSO_TALLY_ID_MAX];
			field_copy(&id, bad, sizeof bad);
			rd_err(&ps->r,
			       "field project_id: duplicate project "
			       "%s",
			       bad);
			return SAYSO_ERR_PARSE;
		}
		if (cname >= 0 && (size_t)cname < ps->nf) {
			struct field nm = ps->f[cname];
			trim(&nm);
			if (nm.len >= sizeof title)
				nm.len = sizeof title - 1;
			memcpy(title, nm.s, nm.len);
			title[nm.len] = '\0';
			/* Cut at a UTF-8 boundary. */
			sayso_strlcpy_utf8(title, title, sizeof title);
		} else {
			title[0] = '\0';
		}
		err = sayso_election_add_project(
		    pb->e, strset_str(&ps->pids, idx), title, cost, NULL);
		if (err != SAYSO_OK) {
			rd_err(&ps->r, "field project_id: %s",
			       sayso_strerror(err));
			return err;
		}
		if ((err = keep_row(ps, &pb->project_rows, &pb->nproject_rows,
				    &ps->prow_cap)) != SAYSO_OK)
			return err;
		if (sayso_array_grow(&pb->selected, &cap, pb->e->nprojects,
				     sizeof *pb->selected,
				     SAYSO_TALLY_MAX_PROJECTS) != SAYSO_OK)
			return SAYSO_ERR_NOMEM;
		pb->selected[pb->e->nprojects - 1] = -1;
		if (csel >= 0 && (size_t)csel < ps->nf) {
			long sv;
			if (parse_int(ps->f[csel], 0, 2, &sv))
				pb->selected[pb->e->nprojects - 1] =
				    (signed char)sv;
		}
		if (sayso_array_grow(&pb->votes_given, &vcap, pb->e->nprojects,
				     sizeof *pb->votes_given,
				     SAYSO_TALLY_MAX_PROJECTS) != SAYSO_OK ||
		    sayso_array_grow(&pb->score_given, &scap, pb->e->nprojects,
				     sizeof *pb->score_given,
				     SAYSO_TALLY_MAX_PROJECTS) != SAYSO_OK)
			return SAYSO_ERR_NOMEM;
		if ((err = given_count(
			 ps, cvotes, "votes",
			 &pb->votes_given[pb->e->nprojects - 1])) != SAYSO_OK ||
		    (err = given_count(
			 ps, cscore, "score",
			 &pb->score_given[pb->e->nprojects - 1])) != SAYSO_OK)
			return err;
	}
	return SAYSO_OK;
}

/* The picks of one VOTES row (nv projects in ps->items, np points in
 * ps->pts) into ps->pick and ps->points: every project known and named once,
 * points whole numbers >= 1, Borda points for ordinal votes without any. */
static enum sayso_err vote_picks(struct pbparse *ps, size_t nv, size_t np,
				 bool use_points)
{
	struct sayso_election *e = ps->pb->e;
	enum sayso_err err;
	uint32_t stamp;
	size_t i;

	stamp = (uint32_t)e->nvoters + 1;
	for (i = 0; i < nv; i++) {
		size_t pidx;
		bool pf;

		if ((err = strset_get(&ps->pids, &ps->items[i], false, &pidx,
				      &pf)) != SAYSO_OK)
			return err;
		if (!pf) {
			char bad[SAYSO_TALLY_ID_MAX];
			field_copy(&ps->items[i], bad, sizeof bad);
			rd_err(&ps->r,
			       "field vote: unknown project "
			       "\"%s\"",
			       bad);
			return SAYSO_ERR_PARSE;
		}
		if (ps->seen[pidx] == stamp) {
			rd_err(&ps->r,
			       "field vote: project %s "
			       "appears twice",
			       e->projects[pidx].id);
			return SAYSO_ERR_PARSE;
		}
		ps->seen[pidx] = stamp;
		ps->pick[i] = (uint32_t)pidx;
		if (!use_points) {
			ps->points[i] = 1;
		} else if (np == nv) {
			long pv;
			if (!parse_int(ps->pts[i], 1, 1000000000L, &pv)) {
				char bad[24];
				field_copy(&ps->pts[i], bad, sizeof bad);
				rd_err(&ps->r,
				       "field points: bad "
				       "number \"%s\" (a whole "
				       "number >= 1)",
				       bad);
				return SAYSO_ERR_PARSE;
			}
			ps->points[i] = (int32_t)pv;
		} else {
			/* Ordinal without points: Borda. */
			ps->points[i] = (int32_t)(nv - i);
		}
	}
	return SAYSO_OK;
}

static enum sayso_err read_votes(struct pbparse *ps)
{
	struct sayso_pb *pb = ps->pb;
	struct sayso_election *e = pb->e;
	int cvid, cvote, cpts;
	bool use_points;
	enum sayso_err err;

	if (!field_is(&ps->f[0], "VOTES")) {
		char found[41];
		field_copy(&ps->f[0], found, sizeof found);
		rd_err(&ps->r, "missing section VOTES (found \"%s\")", found);
		return SAYSO_ERR_PARSE;
	}
	err = next_record(&ps->r, ps->f, &ps->nf);
	if (err == SAYSO_ERR_NOTFOUND) {
		rd_err(&ps->r, "VOTES has no header line");
		return SAYSO_ERR_PARSE;
	}
	if (err != SAYSO_OK)
		return err;
	if (!(pb->votes_header = record_dup(ps)))
		return SAYSO_ERR_NOMEM;
	cvid = col_index(ps, "voter_id");
	cvote = col_index(ps, "vote");
	cpts = col_index(ps, "points");
	if (cvid < 0 || cvote < 0) {
		rd_err(&ps->r, "field %s: missing from the VOTES header",
		       cvid < 0 ? "voter_id" : "vote");
		return SAYSO_ERR_PARSE;
	}
	use_points = e->kind == SAYSO_BALLOT_CUMULATIVE ||
		     e->kind == SAYSO_BALLOT_ORDINAL;
	if (e->kind == SAYSO_BALLOT_CUMULATIVE && cpts < 0) {
		rd_err(&ps->r, "field points: cumulative votes need a points "
			       "column");
		return SAYSO_ERR_PARSE;
	}
	ps->seen = calloc(e->nprojects ? e->nprojects : 1, sizeof *ps->seen);
	if (!ps->seen)
		return SAYSO_ERR_NOMEM;
	for (;;) {
		struct field vid;
		size_t nv, np = 0, idx;
		bool found;

		err = next_record(&ps->r, ps->f, &ps->nf);
		if (err == SAYSO_ERR_NOTFOUND)
			break;
		if (err != SAYSO_OK)
			return err;
		if (is_section(ps)) {
			char found_s[41];
			field_copy(&ps->f[0], found_s, sizeof found_s);
			rd_err(&ps->r, "section %s after VOTES", found_s);
			return SAYSO_ERR_PARSE;
		}
		if (ps->nf <= (size_t)cvid || ps->nf <= (size_t)cvote) {
			rd_err(&ps->r,
			       "field %s: missing (row has %zu "
			       "fields)",
			       ps->nf <= (size_t)cvid ? "voter_id" : "vote",
			       ps->nf);
			return SAYSO_ERR_PARSE;
		}
		vid = ps->f[cvid];
		trim(&vid);
		if (vid.len == 0) {
			rd_err(&ps->r, "field voter_id: empty");
			return SAYSO_ERR_PARSE;
		}
		if (vid.len > 256) {
			rd_err(&ps->r, "field voter_id: longer than 256 bytes");
			return SAYSO_ERR_PARSE;
		}
		if ((err = strset_get(&ps->vids, &vid, true, &idx, &found)) !=
		    SAYSO_OK)
			return err;
		if (found) {
			char bad[64];
			field_copy(&vid, bad, sizeof bad);
			rd_err(&ps->r, "field voter_id: duplicate voter %s",
			       bad);
			return SAYSO_ERR_PARSE;
		}
		nv = split_list(ps->f[cvote], ps->items, SAYSO_PB_MAX_PICKS);
		if (nv == (size_t)-1) {
			rd_err(&ps->r, "field vote: more than %d projects",
			       SAYSO_PB_MAX_PICKS);
			return SAYSO_ERR_TOOBIG;
		}
		if (cpts >= 0 && use_points) {
			np = (size_t)cpts < ps->nf
				 ? split_list(ps->f[cpts], ps->pts,
					      SAYSO_PB_MAX_PICKS)
				 : 0;
			if (np != nv &&
			    !(np == 0 && e->kind == SAYSO_BALLOT_ORDINAL)) {
				rd_err(&ps->r,
				       "field points: %zu points for "
				       "%zu projects",
				       np == (size_t)-1 ? 0 : np, nv);
				return SAYSO_ERR_PARSE;
			}
		}
		if ((err = vote_picks(ps, nv, np, use_points)) != SAYSO_OK)
			return err;
		err = sayso_election_add_voter(e, ps->pick, ps->points, nv);
		if (err != SAYSO_OK) {
			rd_err(&ps->r, "field vote: %s", sayso_strerror(err));
			return err;
		}
		if ((err = keep_row(ps, &pb->vote_rows, &pb->nvote_rows,
				    &ps->vrow_cap)) != SAYSO_OK)
			return err;
	}
	return SAYSO_OK;
}

/* A META count (num_votes, num_projects) against the rows read. */
static enum sayso_err check_count(const struct sayso_pb *pb, const char *name,
				  const char *key, const char *section,
				  size_t got, char *errbuf, size_t errsz)
{
	const char *v = Sayso_pb_meta_get(pb, key);
	struct field f;
	long n;

	if (!v || !*v)
		return SAYSO_OK;
	f.s = v;
	f.len = strlen(v);
	if (!parse_int(f, 0, 2000000000L, &n)) {
		char shown[41];
		sayso_strlcpy_utf8(shown, v, sizeof shown);
		Sayso_errbuf_set(errbuf, errsz,
				 "%s: META %s: bad number \"%s\"", name, key,
				 shown);
		return SAYSO_ERR_PARSE;
	}
	if ((size_t)n != got) {
		Sayso_errbuf_set(errbuf, errsz,
				 "%s: META %s says %ld but %s has %zu "
				 "rows (is the file cut short or damaged?)",
				 name, key, n, section, got);
		return SAYSO_ERR_PARSE;
	}
	return SAYSO_OK;
}

/* The file against itself: META counts, the budget, and the votes and
 * score columns against the VOTES section (pabulib.h). */
static enum sayso_err check_consistent(const struct sayso_pb *pb,
				       const char *name, char *errbuf,
				       size_t errsz)
{
	const struct sayso_election *e = pb->e;
	int64_t selected_cost = 0;
	enum sayso_err err;
	char a[32], b[32];

	if ((err = check_count(pb, name, "num_projects", "PROJECTS",
			       e->nprojects, errbuf, errsz)) != SAYSO_OK ||
	    (err = check_count(pb, name, "num_votes", "VOTES", e->nvoters,
			       errbuf, errsz)) != SAYSO_OK)
		return err;
	for (size_t i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[i];
		if (pb->votes_given[i] >= 0 && pb->votes_given[i] != p->votes) {
			Sayso_errbuf_set(
			    errbuf, errsz,
			    "%s: project %s: PROJECTS says %lld votes but "
			    "VOTES names it %lld times (is the file cut "
			    "short or damaged?)",
			    name, p->id, (long long)pb->votes_given[i],
			    (long long)p->votes);
			return SAYSO_ERR_PARSE;
		}
		if (pb->score_given[i] >= 0 && pb->score_given[i] != p->score) {
			Sayso_errbuf_set(
			    errbuf, errsz,
			    "%s: project %s: PROJECTS says score %lld but "
			    "its points in VOTES add up to %lld (is the "
			    "file cut short or damaged?)",
			    name, p->id, (long long)pb->score_given[i],
			    (long long)p->score);
			return SAYSO_ERR_PARSE;
		}
		if (pb->selected[i] == 1 && p->cost > INT64_MAX - selected_cost)
			selected_cost = INT64_MAX;
		else if (pb->selected[i] == 1)
			selected_cost += p->cost;
	}
	sayso_money_plain(e->budget, 100, a, sizeof a);
	sayso_money_plain(selected_cost, 100, b, sizeof b);
	if (e->budget <= 0) {
		Sayso_errbuf_set(errbuf, errsz,
				 "%s: META budget is %s: a budget must be "
				 "above 0",
				 name, a);
		return SAYSO_ERR_PARSE;
	}
	if (selected_cost > e->budget) {
		Sayso_errbuf_set(errbuf, errsz,
				 "%s: META budget is %s but the projects "
				 "marked selected cost %s",
				 name, a, b);
		return SAYSO_ERR_PARSE;
	}
	return SAYSO_OK;
}

enum sayso_err sayso_pb_parse(const char *buf, size_t len, const char *name,
			      struct sayso_pb **out, char *errbuf, size_t errsz)
{
	struct pbparse *ps;
	struct sayso_pb *pb;
	enum sayso_err err;

	if (!out || (!buf && len))
		return SAYSO_ERR_INVAL;
	*out = NULL;
	if (errbuf && errsz)
		errbuf[0] = '\0';
	if (!name)
		name = "<input>";
	if (len > SAYSO_PB_MAX_BYTES) {
		Sayso_errbuf_set(errbuf, errsz, "%s: larger than %u bytes",
				 name, SAYSO_PB_MAX_BYTES);
		return SAYSO_ERR_TOOBIG;
	}
	ps = calloc(1, sizeof *ps);
	pb = calloc(1, sizeof *pb);
	if (!ps || !pb) {
		free(ps);
		free(pb);
		Sayso_errbuf_set(errbuf, errsz, "%s: out of memory", name);
		return SAYSO_ERR_NOMEM;
	}
	ps->pb = pb;
	ps->r.p = buf;
	ps->r.end = buf + len;
	ps->r.name = name;
	ps->r.line = 1;
	ps->r.nextline = 1;
	ps->r.errbuf = errbuf;
	ps->r.errsz = errsz;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		ps->r.p += 3;
	{
		/* Checked once up front so that every string the parser
		 * hands out is valid UTF-8 without NULs (JSON output and
		 * SQLite text depend on it). */
		size_t bad = sayso_utf8_bad_at(buf, len);
		if (bad < len) {
			for (size_t i = 0; i < bad; i++)
				if (buf[i] == '\n')
					ps->r.line++;
			rd_err(&ps->r,
			       "%s at byte %zu (a .pb file is UTF-8 "
			       "text)",
			       buf[bad] ? "invalid UTF-8" : "a NUL byte",
			       bad + 1);
			err = SAYSO_ERR_PARSE;
			goto out;
		}
	}
	if ((err = read_meta(ps)) != SAYSO_OK)
		goto out;
	if ((err = read_projects(ps)) != SAYSO_OK)
		goto out;
	if ((err = read_votes(ps)) != SAYSO_OK)
		goto out;
	if ((err = check_consistent(pb, name, errbuf, errsz)) != SAYSO_OK)
		goto out;
	/* Voter ids: one allocation (the arena), pointers into it. */
	pb->voter_ids = malloc((pb->e->nvoters + 1) * sizeof *pb->voter_ids);
	if (!pb->voter_ids) {
		err = SAYSO_ERR_NOMEM;
		goto out;
	}
	pb->voter_ids[0] = NULL;
	if (pb->e->nvoters > 0) {
		char *arena = ps->vids.arena;
		for (size_t i = 0; i < pb->e->nvoters; i++)
			pb->voter_ids[i] = arena + ps->vids.off[i];
		ps->vids.arena = NULL; /* owned by pb now */
	}
	err = SAYSO_OK;
out:
	if (err == SAYSO_ERR_NOMEM)
		Sayso_errbuf_set(errbuf, errsz, "%s: out of memory", name);
	else if (err != SAYSO_OK && errbuf && errsz && !errbuf[0])
		Sayso_errbuf_set(errbuf, errsz, "%s:%ld: %s", name, ps->r.line,
				 sayso_strerror(err));
	strset_free(&ps->pids);
	strset_free(&ps->vids);
	free(ps->r.scratch);
	free(ps->seen);
	free(ps);
	if (err != SAYSO_OK) {
		sayso_pb_free(pb);
		return err;
	}
	*out = pb;
	return SAYSO_OK;
}

enum sayso_err sayso_pb_read(FILE *f, const char *name, struct sayso_pb **out,
			     char *errbuf, size_t errsz)
{
	struct sayso_buf b;
	char chunk[65536];
	size_t r;
	enum sayso_err err = SAYSO_OK;

	if (!f || !out)
		return SAYSO_ERR_INVAL;
	*out = NULL;
	if (!name)
		name = "<input>";
	sayso_buf_init(&b, SAYSO_PB_MAX_BYTES);
	while (err == SAYSO_OK && (r = fread(chunk, 1, sizeof chunk, f)) > 0)
		err = sayso_buf_addn(&b, chunk, r);
	if (err == SAYSO_ERR_TOOBIG) {
		Sayso_errbuf_set(errbuf, errsz, "%s: larger than %u bytes",
				 name, SAYSO_PB_MAX_BYTES);
		return err;
	}
	if (err != SAYSO_OK) {
		Sayso_errbuf_set(errbuf, errsz, "%s: out of memory", name);
		return err;
	}
	if (ferror(f)) {
		sayso_buf_cleanup(&b);
		Sayso_errbuf_set(errbuf, errsz, "%s: read error", name);
		return SAYSO_ERR_IO;
	}
	err =
	    sayso_pb_parse(sayso_buf_str(&b), b.len, name, out, errbuf, errsz);
	sayso_buf_cleanup(&b);
	return err;
}

enum sayso_err sayso_pb_read_path(const char *path, struct sayso_pb **out,
				  char *errbuf, size_t errsz)
{
	FILE *f;
	enum sayso_err err;

	if (!path || !out)
		return SAYSO_ERR_INVAL;
	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		Sayso_errbuf_set(errbuf, errsz, "%s: cannot open: %s", path,
				 strerror(errno));
		return SAYSO_ERR_IO;
	}
	err = sayso_pb_read(f, path, out, errbuf, errsz);
	fclose(f);
	return err;
}

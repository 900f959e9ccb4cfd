/*
 * pabulib.c: the pabulib .pb format: a parser (from memory, a FILE or a
 * path), import into the store as a closed round, and export of a round.
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
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
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
	long line;     /* line of the record being read (1-based) */
	long nextline; /* line where the next record starts */
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
					if (r->slen + chunk + 1 > r->scap) {
						size_t nc =
						    r->scap ? r->scap : 256;
						char *ns;
						while (nc < r->slen + chunk + 1)
							nc *= 2;
						ns = realloc(r->scratch, nc);
						if (!ns)
							return SAYSO_ERR_NOMEM;
						r->scratch = ns;
						r->scap = nc;
					}
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
	if (s->n == s->offcap) {
		size_t nc = s->offcap ? s->offcap * 2 : 1024;
		size_t *no = realloc(s->off, nc * sizeof *no);
		if (!no)
			return SAYSO_ERR_NOMEM;
		s->off = no;
		s->offcap = nc;
	}
	if (s->alen + f->len + 1 > s->acap) {
		size_t nc = s->acap ? s->acap * 2 : 16384;
		char *na;
		while (nc < s->alen + f->len + 1)
			nc *= 2;
		na = realloc(s->arena, nc);
		if (!na)
			return SAYSO_ERR_NOMEM;
		s->arena = na;
		s->acap = nc;
	}
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

static const char *meta_get(const struct sayso_pb *pb, const char *key)
{
	size_t i;

	for (i = 0; i < pb->nmeta; i++)
		if (strcasecmp(pb->meta[i].key, key) == 0)
			return pb->meta[i].value;
	return NULL;
}

static int meta_int(const struct sayso_pb *pb, const char *key)
{
	const char *v = meta_get(pb, key);
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
};

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
		if (pb->nmeta == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct sayso_pb_meta *nm;
			if (nc > 4096) {
				rd_err(&ps->r, "more than 4096 META rows");
				return SAYSO_ERR_TOOBIG;
			}
			nm = realloc(pb->meta, nc * sizeof *nm);
			if (!nm)
				return SAYSO_ERR_NOMEM;
			pb->meta = nm;
			cap = nc;
		}
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

	v = meta_get(pb, "vote_type");
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
	v = meta_get(pb, "budget");
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
	v = meta_get(pb, "currency");
	if (v && strlen(v) == 3) {
		for (int i = 0; i < 3; i++)
			pb->currency[i] = (char)toupper((unsigned char)v[i]);
		pb->currency[3] = '\0';
	} else {
		sayso_strlcpy_utf8(
		    pb->currency,
		    sayso_pb_country_currency(meta_get(pb, "country")),
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

static enum sayso_err read_projects(struct pbparse *ps)
{
	struct sayso_pb *pb = ps->pb;
	int cid, ccost, cname, csel;
	size_t cap = 0;
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
	cid = col_index(ps, "project_id");
	ccost = col_index(ps, "cost");
	cname = col_index(ps, "name");
	csel = col_index(ps, "selected");
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
		if (pb->e->nprojects > cap) {
			size_t nc = cap ? cap * 2 : 64;
			signed char *ns = realloc(pb->selected, nc);
			if (!ns)
				return SAYSO_ERR_NOMEM;
			pb->selected = ns;
			cap = nc;
		}
		pb->selected[pb->e->nprojects - 1] = -1;
		if (csel >= 0 && (size_t)csel < ps->nf) {
			long sv;
			if (parse_int(ps->f[csel], 0, 2, &sv))
				pb->selected[pb->e->nprojects - 1] =
				    (signed char)sv;
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
		size_t nv, np = 0, i, idx;
		bool found;
		uint32_t stamp;

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
		stamp = (uint32_t)e->nvoters + 1;
		for (i = 0; i < nv; i++) {
			size_t pidx;
			bool pf;

			if ((err = strset_get(&ps->pids, &ps->items[i], false,
					      &pidx, &pf)) != SAYSO_OK)
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
				if (!parse_int(ps->pts[i], 1, 1000000000L,
					       &pv)) {
					char bad[24];
					field_copy(&ps->pts[i], bad,
						   sizeof bad);
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
		err = sayso_election_add_voter(e, ps->pick, ps->points, nv);
		if (err != SAYSO_OK) {
			rd_err(&ps->r, "field vote: %s", sayso_strerror(err));
			return err;
		}
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
		sayso_errbuf_set(errbuf, errsz, "%s: larger than %u bytes",
				 name, SAYSO_PB_MAX_BYTES);
		return SAYSO_ERR_TOOBIG;
	}
	ps = calloc(1, sizeof *ps);
	pb = calloc(1, sizeof *pb);
	if (!ps || !pb) {
		free(ps);
		free(pb);
		sayso_errbuf_set(errbuf, errsz, "%s: out of memory", name);
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
		sayso_errbuf_set(errbuf, errsz, "%s: out of memory", name);
	else if (err != SAYSO_OK && errbuf && errsz && !errbuf[0])
		sayso_errbuf_set(errbuf, errsz, "%s:%ld: %s", name, ps->r.line,
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
	char *buf = NULL;
	size_t len = 0, cap = 0;
	enum sayso_err err;

	if (!f || !out)
		return SAYSO_ERR_INVAL;
	*out = NULL;
	if (!name)
		name = "<input>";
	for (;;) {
		size_t r;
		if (cap - len < 65536) {
			size_t nc = cap ? cap * 2 : 1 << 20;
			char *nb;
			if (cap > SAYSO_PB_MAX_BYTES) {
				free(buf);
				sayso_errbuf_set(errbuf, errsz,
						 "%s: larger than %u bytes",
						 name, SAYSO_PB_MAX_BYTES);
				return SAYSO_ERR_TOOBIG;
			}
			nb = realloc(buf, nc);
			if (!nb) {
				free(buf);
				sayso_errbuf_set(errbuf, errsz,
						 "%s: out of memory", name);
				return SAYSO_ERR_NOMEM;
			}
			buf = nb;
			cap = nc;
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		sayso_errbuf_set(errbuf, errsz, "%s: read error", name);
		return SAYSO_ERR_IO;
	}
	err = sayso_pb_parse(buf, len, name, out, errbuf, errsz);
	free(buf);
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
		sayso_errbuf_set(errbuf, errsz, "%s: cannot open: %s", path,
				 strerror(errno));
		return SAYSO_ERR_IO;
	}
	err = sayso_pb_read(f, path, out, errbuf, errsz);
	fclose(f);
	return err;
}

/* ---- pb_meta as JSON (a flat object of strings) ---- */

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 256;
		char *ns;
		while (nc < b->len + n + 1)
			nc *= 2;
		ns = realloc(b->s, nc);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_json_str(struct sbuf *b, const char *s)
{
	sb_putn(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			sb_putn(b, esc, 2);
		} else if (c < 0x20) {
			char esc[8];
			snprintf(esc, sizeof esc, "\\u%04x", c);
			sb_putn(b, esc, 6);
		} else {
			sb_putn(b, s, 1);
		}
	}
	sb_putn(b, "\"", 1);
}

static char *meta_to_json(const struct sayso_pb *pb)
{
	struct sbuf b = {0};
	size_t i;

	sb_putn(&b, "{", 1);
	for (i = 0; i < pb->nmeta; i++) {
		if (i)
			sb_putn(&b, ",", 1);
		sb_json_str(&b, pb->meta[i].key);
		sb_putn(&b, ":", 1);
		sb_json_str(&b, pb->meta[i].value);
	}
	sb_putn(&b, "}", 1);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static bool hex4(const char *p, unsigned long *v)
{
	char buf[5], *end;

	memcpy(buf, p, 4);
	buf[4] = '\0';
	for (int i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)buf[i]))
			return false;
	*v = strtoul(buf, &end, 16);
	return true;
}

/* Parses one JSON string at p into a malloc'd C string; *end after it. */
static char *json_string(const char *p, const char **end)
{
	struct sbuf b = {0};

	if (*p != '"')
		return NULL;
	p++;
	sb_putn(&b, "", 0);
	while (*p && *p != '"') {
		if (*p != '\\') {
			const char *q = p;
			while (*q && *q != '"' && *q != '\\')
				q++;
			sb_putn(&b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		p++;
		switch (*p) {
		case '"':
		case '\\':
		case '/':
			sb_putn(&b, p, 1);
			p++;
			break;
		case 'b':
			sb_putn(&b, "\b", 1);
			p++;
			break;
		case 'f':
			sb_putn(&b, "\f", 1);
			p++;
			break;
		case 'n':
			sb_putn(&b, "\n", 1);
			p++;
			break;
		case 'r':
			sb_putn(&b, "\r", 1);
			p++;
			break;
		case 't':
			sb_putn(&b, "\t", 1);
			p++;
			break;
		case 'u': {
			unsigned long cp, lo;
			if (!hex4(p + 1, &cp))
				goto bad;
			p += 5;
			if (cp >= 0xD800 && cp < 0xDC00 && p[0] == '\\' &&
			    p[1] == 'u' && hex4(p + 2, &lo) && lo >= 0xDC00 &&
			    lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     (lo - 0xDC00);
				p += 6;
			}
			{
				char u[SAYSO_UTF8_MAX];
				sb_putn(&b, u, sayso_utf8_put(cp, u));
			}
			break;
		}
		default:
			goto bad;
		}
	}
	if (*p != '"' || b.oom)
		goto bad;
	*end = p + 1;
	return b.s;
bad:
	free(b.s);
	return NULL;
}

/* Reads a flat {"k":"v",...} into pb->meta. Anything else: no pairs. */
static enum sayso_err meta_from_json(const char *json, struct sayso_pb *pb)
{
	const char *p = json_ws(json);
	size_t cap = 0;

	if (*p != '{')
		return SAYSO_ERR_PARSE;
	p = json_ws(p + 1);
	if (*p == '}')
		return SAYSO_OK;
	for (;;) {
		char *k, *v;
		const char *e;

		k = json_string(p, &e);
		if (!k)
			return SAYSO_ERR_PARSE;
		p = json_ws(e);
		if (*p != ':') {
			free(k);
			return SAYSO_ERR_PARSE;
		}
		p = json_ws(p + 1);
		v = json_string(p, &e);
		if (!v) {
			free(k);
			return SAYSO_ERR_PARSE;
		}
		if (pb->nmeta == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct sayso_pb_meta *nm =
			    realloc(pb->meta, nc * sizeof *nm);
			if (!nm) {
				free(k);
				free(v);
				return SAYSO_ERR_NOMEM;
			}
			pb->meta = nm;
			cap = nc;
		}
		pb->meta[pb->nmeta].key = k;
		pb->meta[pb->nmeta].value = v;
		pb->nmeta++;
		p = json_ws(e);
		if (*p == ',') {
			p = json_ws(p + 1);
			continue;
		}
		return *p == '}' ? SAYSO_OK : SAYSO_ERR_PARSE;
	}
}

/* ---- import ---- */

static bool valid_code(const char *code)
{
	size_t n = strlen(code), i;

	if (n == 0 || n >= SAYSO_CODE_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)code[i]) && code[i] != '_' &&
		    code[i] != '-')
			return false;
	return true;
}

static void code_from_name(const char *name, char *out, size_t outsz)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	size_t n, i, o = 0;

	base = base ? base + 1 : (name ? name : "");
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".pb") == 0)
		n -= 3;
	for (i = 0; i < n && o + 1 < outsz && o < SAYSO_CODE_MAX - 1; i++) {
		unsigned char c = (unsigned char)base[i];
		out[o++] =
		    (char)((isalnum(c) || c == '_' || c == '-') ? c : '-');
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, outsz, "pb");
}

/* META date "dd.mm.yyyy", "d.m.yyyy" or "yyyy" as ISO text; else now. */
static void meta_date(const char *v, char *out, size_t outsz)
{
	int d = 0, m = 0, y = 0;
	char tail;

	if (v && sscanf(v, "%d.%d.%d%c", &d, &m, &y, &tail) == 3 && d >= 1 &&
	    d <= 31 && m >= 1 && m <= 12 && y >= 1900 && y <= 9999) {
		snprintf(out, outsz, "%04d-%02d-%02dT12:00:00.000Z", y, m, d);
		return;
	}
	if (v && sscanf(v, "%d%c", &y, &tail) == 1 && y >= 1900 && y <= 9999) {
		snprintf(out, outsz, "%04d-12-31T12:00:00.000Z", y);
		return;
	}
	sayso_now_text(out, outsz);
}

static void restore_cache(sqlite3 *db, int64_t old)
{
	char sql[64];

	if (old == 0)
		return;
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)old);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
}

enum sayso_err sayso_pb_import_parsed(struct sayso_store *st,
				      const struct sayso_pb *pb,
				      const char *name, const char *code,
				      const char *actor, int64_t *round_id,
				      char *errbuf, size_t errsz)
{
	const struct sayso_election *e;
	char codebuf[SAYSO_CODE_MAX], title[SAYSO_TITLE_MAX], cast_at[40];
	char currency[4];
	const char *device, *v;
	char *json = NULL;
	int64_t rid = 0, *pids = NULL, div = 1, budget, old_cache = 0;
	sqlite3_stmt *s;
	sqlite3 *db;
	enum sayso_err err;
	size_t i, j;

	if (!st || !pb || !pb->e)
		return SAYSO_ERR_INVAL;
	e = pb->e;
	if (!name)
		name = "<input>";
	if (code && *code)
		sayso_strlcpy_utf8(codebuf, code, sizeof codebuf);
	else
		code_from_name(name, codebuf, sizeof codebuf);
	if (!valid_code(code && *code ? code : codebuf)) {
		sayso_errbuf_set(
		    errbuf, errsz,
		    "round code \"%s\": use 1 to 32 letters, digits, _ or -",
		    code && *code ? code : codebuf);
		return SAYSO_ERR_INVAL;
	}
	if (!actor || !*actor)
		actor = "import.pb";
	sayso_strlcpy_utf8(currency, pb->currency[0] ? pb->currency : "GBP",
			   sizeof currency);
	/* The parser keeps hundredths; a zero-decimal currency stores whole
	 * units (amounts are rounded down). */
	div = 100 / sayso_currency_unit(currency);
	budget = e->budget / div;
	v = meta_get(pb, "description");
	if (v && *v) {
		sayso_strlcpy_utf8(title, v, sizeof title);
	} else {
		const char *unit = meta_get(pb, "unit"),
			   *inst = meta_get(pb, "instance");
		if (unit && *unit)
			snprintf(title, sizeof title, "%s %s", unit,
				 inst ? inst : "");
		else
			snprintf(title, sizeof title, "%s", codebuf);
	}
	meta_date(meta_get(pb, "date_end"), cast_at, sizeof cast_at);
	device = sayso_store_device(st);
	if (!device || !*device)
		device = "import";
	json = meta_to_json(pb);
	pids = malloc((e->nprojects ? e->nprojects : 1) * sizeof *pids);
	if (!json || !pids) {
		free(json);
		free(pids);
		sayso_errbuf_set(errbuf, errsz, "out of memory");
		return SAYSO_ERR_NOMEM;
	}
	db = sayso_store_sqlite(st);
	/* A big import is one transaction: give SQLite room to keep it in
	 * memory until the commit instead of spilling pages mid-way
	 * (64 MB at most, restored afterwards). */
	{
		sqlite3_stmt *cs = NULL;
		if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &cs,
				       NULL) == SQLITE_OK &&
		    sqlite3_step(cs) == SQLITE_ROW)
			old_cache = sqlite3_column_int64(cs, 0);
		sqlite3_finalize(cs);
		if (old_cache > -65536 && old_cache < 16384)
			sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL,
				     NULL, NULL);
		else
			old_cache = 0;
	}
	if ((err = sayso_store_begin(st)) != SAYSO_OK) {
		sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		restore_cache(db, old_cache);
		free(json);
		free(pids);
		return err;
	}
	/* Codes are case-insensitive (migration 0002). */
	s = sayso_store_stmt(
	    st, "SELECT 1 FROM rounds WHERE code = ?1 COLLATE NOCASE");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto fail;
	}
	sqlite3_bind_text(s, 1, codebuf, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		sqlite3_reset(s);
		err = sayso_store_fail(st, SAYSO_ERR_EXISTS,
				       "a round with code '%s' already exists "
				       "(choose another with --code)",
				       codebuf);
		goto fail;
	}
	sqlite3_reset(s);
	s = sayso_store_stmt(
	    st, "INSERT INTO rounds(code, title, budget, currency, "
		"ballot_kind, min_picks, max_picks, max_points, "
		"max_sum_points, state, imported, pb_meta, created_at) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'closed', 1, "
		"?10, ?11)");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto fail;
	}
	{
		char now[SAYSO_TIME_LEN + 1];
		sayso_now_text(now, sizeof now);
		sqlite3_bind_text(s, 1, codebuf, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, title, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, budget);
		sqlite3_bind_text(s, 4, currency, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, sayso_ballot_kind_name(e->kind), -1,
				  SQLITE_STATIC);
		sqlite3_bind_int(s, 6, pb->min_length > 0 ? pb->min_length : 1);
		sqlite3_bind_int(s, 7, pb->max_length);
		sqlite3_bind_int(s, 8, pb->max_points);
		sqlite3_bind_int(s, 9, pb->max_sum_points);
		sqlite3_bind_text(s, 10, json, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 11, now, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) != SQLITE_DONE) {
			err = sayso_store_sqlfail(st, "creating the round");
			sqlite3_reset(s);
			goto fail;
		}
		sqlite3_reset(s);
	}
	rid = sqlite3_last_insert_rowid(db);

	s = sayso_store_stmt(st, "INSERT INTO projects(round_id, number, "
				 "ext_id, title, cost) "
				 "VALUES(?1, ?2, ?3, ?4, ?5)");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto fail;
	}
	for (i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[i];
		sqlite3_bind_int64(s, 1, rid);
		sqlite3_bind_int64(s, 2, (int64_t)i + 1);
		sqlite3_bind_text(s, 3, p->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, p->title[0] ? p->title : p->id, -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, p->cost / div);
		if (sqlite3_step(s) != SQLITE_DONE) {
			err = sayso_store_sqlfail(st, "adding a project");
			sqlite3_reset(s);
			goto fail;
		}
		sqlite3_reset(s);
		pids[i] = sqlite3_last_insert_rowid(db);
	}

	for (i = 0; i < e->nvoters; i++) {
		char uid[SAYSO_UID_LEN + 1];
		int64_t bid;
		bool ordinal = e->kind == SAYSO_BALLOT_ORDINAL;

		if ((err = sayso_uid_new(uid, sizeof uid)) != SAYSO_OK) {
			err = sayso_store_fail(st, err, "making a ballot id");
			goto fail;
		}
		s = sayso_store_stmt(st, "INSERT INTO ballots(uid, round_id, "
					 "channel, device_id, cast_at, "
					 "status, ext_voter) VALUES(?1, ?2, "
					 "'import', ?3, ?4, 'counted', ?5)");
		if (!s) {
			err = SAYSO_ERR_DB;
			goto fail;
		}
		sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, rid);
		sqlite3_bind_text(s, 3, device, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, cast_at, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, pb->voter_ids[i], -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			err = sayso_store_sqlfail(st, "adding a ballot");
			sqlite3_reset(s);
			goto fail;
		}
		sqlite3_reset(s);
		bid = sqlite3_last_insert_rowid(db);
		s = sayso_store_stmt(st, "INSERT INTO ballot_items(ballot_id, "
					 "project_id, points, rank) "
					 "VALUES(?1, ?2, ?3, ?4)");
		if (!s) {
			err = SAYSO_ERR_DB;
			goto fail;
		}
		for (j = e->voter_start[i]; j < e->voter_start[i + 1]; j++) {
			sqlite3_bind_int64(s, 1, bid);
			sqlite3_bind_int64(s, 2, pids[e->pick_project[j]]);
			sqlite3_bind_int(s, 3, e->pick_points[j]);
			sqlite3_bind_int64(
			    s, 4,
			    ordinal ? (int64_t)(j - e->voter_start[i]) + 1 : 0);
			if (sqlite3_step(s) != SQLITE_DONE) {
				err = sayso_store_sqlfail(st, "adding a ballot "
							      "item");
				sqlite3_reset(s);
				goto fail;
			}
			sqlite3_reset(s);
		}
	}
	err = sayso_store_audit(st, actor, "round.import",
				"code=%s file=%s projects=%zu ballots=%zu "
				"vote_type=%s",
				codebuf, name, e->nprojects, e->nvoters,
				pb->vote_type);
	if (err != SAYSO_OK)
		goto fail;
	if ((err = sayso_store_commit(st)) != SAYSO_OK) {
		sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		sayso_store_rollback(st);
		restore_cache(db, old_cache);
		free(json);
		free(pids);
		return err;
	}
	restore_cache(db, old_cache);
	free(json);
	free(pids);
	if (round_id)
		*round_id = rid;
	return SAYSO_OK;
fail:
	sayso_errbuf_set(errbuf, errsz, "%s: %s", name, sayso_store_errmsg(st));
	sayso_store_rollback(st);
	restore_cache(db, old_cache);
	free(json);
	free(pids);
	return err;
}

enum sayso_err sayso_pb_import(struct sayso_store *st, const char *path,
			       const char *code, const char *actor,
			       int64_t *round_id, char *errbuf, size_t errsz)
{
	struct sayso_pb *pb = NULL;
	enum sayso_err err;

	err = sayso_pb_read_path(path, &pb, errbuf, errsz);
	if (err != SAYSO_OK)
		return err;
	err = sayso_pb_import_parsed(st, pb, path, code, actor, round_id,
				     errbuf, errsz);
	sayso_pb_free(pb);
	return err;
}

/* ---- export ---- */

/* Writes one field, quoted when it holds ; " or a line break. */
static void put_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ";\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void put_money(FILE *out, int64_t minor, int64_t unit)
{
	char buf[32];
	sayso_money_plain(minor, unit, buf, sizeof buf);
	fputs(buf, out);
}

static void put_kv(FILE *out, const char *k, const char *v)
{
	put_field(out, k);
	fputc(';', out);
	put_field(out, v);
	fputc('\n', out);
}

/* Ends a VOTES row: the points column, then the newline. An empty
 * cumulative vote gets points "None", which pabutools reads as "no points"
 * (an empty field would make it look up a project named ""). */
static void end_vote(FILE *out, bool points, bool cumulative, const char *pts,
		     size_t plen)
{
	if (points) {
		fputc(';', out);
		if (plen == 0 && cumulative)
			fputs("None", out);
		else
			fwrite(pts, 1, plen, out);
	}
	fputc('\n', out);
}

static const char *const rewritten[] = {
    "description", "num_projects", "num_votes", "budget",
    "vote_type",   "rule",	   "currency",
};

enum sayso_err sayso_pb_export(struct sayso_store *st, int64_t round_id,
			       enum sayso_rule rule, FILE *out, char *errbuf,
			       size_t errsz)
{
	struct sayso_round r;
	struct sayso_election *e = NULL;
	struct sayso_pb meta = {0};
	struct sayso_tally t = {0};
	sqlite3_stmt *s;
	enum sayso_err err;
	const char *vote_type, *rulename;
	bool points, cumulative;
	char num[32];
	size_t i;
	int rc;

	if (!st || !out)
		return SAYSO_ERR_INVAL;
	if ((err = sayso_round_get_by_id(st, round_id, &r)) != SAYSO_OK) {
		sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		return err;
	}
	if ((err = sayso_store_read_begin(st)) != SAYSO_OK) {
		sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		return err;
	}
	if ((err = sayso_election_load(st, round_id, &e)) != SAYSO_OK) {
		sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		goto out;
	}
	if (rule != SAYSO_RULE_APPROVAL &&
	    (err = sayso_tally_run(e, rule, &t, errbuf, errsz)) != SAYSO_OK)
		goto out;
	s = sayso_store_stmt(st, "SELECT pb_meta FROM rounds WHERE id = ?1");
	if (!s) {
		err = SAYSO_ERR_DB;
		sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		goto out;
	}
	sqlite3_bind_int64(s, 1, round_id);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) == SQLITE_TEXT) {
		err = meta_from_json((const char *)sqlite3_column_text(s, 0),
				     &meta);
		if (err == SAYSO_ERR_NOMEM) {
			sqlite3_reset(s);
			sayso_errbuf_set(errbuf, errsz, "out of memory");
			goto out;
		}
		err = SAYSO_OK; /* damaged pb_meta: written from scratch */
	}
	sqlite3_reset(s);

	cumulative = r.kind == SAYSO_BALLOT_CUMULATIVE;
	switch (r.kind) {
	case SAYSO_BALLOT_CUMULATIVE:
		vote_type = "cumulative";
		points = true;
		break;
	case SAYSO_BALLOT_ORDINAL:
		vote_type = "ordinal";
		points = true;
		break;
	case SAYSO_BALLOT_APPROVAL:
	case SAYSO_BALLOT_KNAPSACK:
	default:
		vote_type = "approval";
		points = false;
		break;
	}
	if (rule == SAYSO_RULE_GREEDY)
		rulename = "greedy";
	else if (rule == SAYSO_RULE_MES)
		rulename = "equalshares/add1";
	else {
		const char *old = meta_get(&meta, "rule");
		rulename = old && *old ? old : "unknown";
	}

	fputs("META\nkey;value\n", out);
	{
		const char *d = meta_get(&meta, "description");
		put_kv(out, "description", d && *d ? d : r.title);
	}
	for (i = 0; i < meta.nmeta; i++) {
		bool skip = false;
		for (size_t k = 0; k < sizeof rewritten / sizeof *rewritten;
		     k++)
			if (strcasecmp(meta.meta[i].key, rewritten[k]) == 0)
				skip = true;
		if (!points &&
		    (strcasecmp(meta.meta[i].key, "max_points") == 0 ||
		     strcasecmp(meta.meta[i].key, "max_sum_points") == 0))
			skip = true;
		if (!skip)
			put_kv(out, meta.meta[i].key, meta.meta[i].value);
	}
	snprintf(num, sizeof num, "%zu", e->nprojects);
	put_kv(out, "num_projects", num);
	snprintf(num, sizeof num, "%zu", e->nvoters);
	put_kv(out, "num_votes", num);
	fputs("budget;", out);
	put_money(out, e->budget, e->unit);
	fputc('\n', out);
	put_kv(out, "vote_type", vote_type);
	put_kv(out, "rule", rulename);
	put_kv(out, "currency", r.currency);
	if (!meta_get(&meta, "max_sum_cost") &&
	    r.kind == SAYSO_BALLOT_KNAPSACK) {
		fputs("max_sum_cost;", out);
		put_money(out, e->budget, e->unit);
		fputc('\n', out);
	}
	if (!meta_get(&meta, "max_length") && r.max_picks > 0)
		fprintf(out, "max_length;%d\n", r.max_picks);
	if (r.kind == SAYSO_BALLOT_CUMULATIVE) {
		if (!meta_get(&meta, "max_points") && r.max_points > 0)
			fprintf(out, "max_points;%d\n", r.max_points);
		if (!meta_get(&meta, "max_sum_points"))
			fprintf(out, "max_sum_points;%d\n",
				r.max_sum_points > 0 ? r.max_sum_points
						     : 1000000);
	}

	fputs(rule != SAYSO_RULE_APPROVAL
		  ? "PROJECTS\nproject_id;cost;votes;name;selected\n"
		  : "PROJECTS\nproject_id;cost;votes;name\n",
	      out);
	for (i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[i];
		put_field(out, p->id);
		fputc(';', out);
		put_money(out, p->cost, e->unit);
		fprintf(out, ";%lld;", (long long)p->votes);
		put_field(out, p->title);
		if (rule != SAYSO_RULE_APPROVAL)
			fprintf(out, ";%d", t.projects[i].selected ? 1 : 0);
		fputc('\n', out);
	}

	/* VOTES in ballot order; items in rank order (then project number),
	 * straight from the database so that ordinal ranks are kept. */
	fputs(points ? "VOTES\nvoter_id;vote;points\n"
		     : "VOTES\nvoter_id;vote\n",
	      out);
	s = sayso_store_stmt(st,
			     "SELECT b.id, b.ext_voter, p.number, i.points "
			     "FROM ballots b "
			     "LEFT JOIN ballot_items i ON i.ballot_id = b.id "
			     "LEFT JOIN projects p ON p.id = i.project_id "
			     "WHERE b.round_id = ?1 AND b.status = 'counted' "
			     "ORDER BY b.id, i.rank, p.number");
	if (!s) {
		err = SAYSO_ERR_DB;
		sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		goto out;
	}
	sqlite3_bind_int64(s, 1, round_id);
	{
		int64_t last = -1;
		char ptsbuf[4096];
		size_t plen = 0;
		bool trunc = false;

		/* number -> index: projects are loaded in number order */
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			int64_t bid = sqlite3_column_int64(s, 0);
			int number = sqlite3_column_int(s, 2);
			const struct sayso_eproject *p = NULL;
			size_t lo = 0, hi = e->nprojects;

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (e->projects[mid].number < number)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (sqlite3_column_type(s, 2) != SQLITE_NULL &&
			    lo < e->nprojects &&
			    e->projects[lo].number == number)
				p = &e->projects[lo];
			if (!p && bid == last)
				continue;
			if (bid != last) {
				const unsigned char *xv =
				    sqlite3_column_text(s, 1);
				if (last >= 0)
					end_vote(out, points, cumulative,
						 ptsbuf, plen);
				if (xv && xv[0]) {
					put_field(out, (const char *)xv);
				} else {
					fprintf(out, "%lld", (long long)bid);
				}
				fputc(';', out);
				last = bid;
				plen = 0;
				trunc = false;
				if (!p)
					continue; /* an empty ballot */
			} else {
				fputc(',', out);
				if (plen + 1 < sizeof ptsbuf)
					ptsbuf[plen++] = ',';
			}
			put_field(out, p->id);
			if (!trunc) {
				int n = snprintf(ptsbuf + plen,
						 sizeof ptsbuf - plen, "%d",
						 sqlite3_column_int(s, 3));
				if (n < 0 || (size_t)n >= sizeof ptsbuf - plen)
					trunc = true;
				else
					plen += (size_t)n;
			}
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			err = sayso_store_sqlfail(st, "reading ballots");
			sayso_errbuf_set(errbuf, errsz, "%s",
					 sayso_store_errmsg(st));
			goto out;
		}
		if (trunc) {
			err = SAYSO_ERR_TOOBIG;
			sayso_errbuf_set(errbuf, errsz,
					 "a ballot has too many points "
					 "to write");
			goto out;
		}
		if (last >= 0)
			end_vote(out, points, cumulative, ptsbuf, plen);
	}
	if (fflush(out) != 0 || ferror(out)) {
		err = SAYSO_ERR_IO;
		sayso_errbuf_set(errbuf, errsz,
				 "writing the .pb file failed: %s",
				 strerror(errno));
		goto out;
	}
	err = SAYSO_OK;
out:
	sayso_store_read_end(st);
	for (i = 0; i < meta.nmeta; i++) {
		free(meta.meta[i].key);
		free(meta.meta[i].value);
	}
	free(meta.meta);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
	return err;
}

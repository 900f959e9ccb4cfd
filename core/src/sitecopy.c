/*
 * sitecopy.c: a whole site copied between stores (sitecopy.h).
 *
 * Design: nothing here knows sayso's tables. The copy reads the source's
 * catalogue (sqlite_schema and the table-valued pragmas on SQLite,
 * pg_catalog on PostgreSQL: the only statements written per engine), orders
 * the tables so that every table comes after the tables its foreign keys
 * name, and moves each table's rows by primary key through the SQL layer:
 * one SELECT on the source, one prepared INSERT on the target, each value
 * passed with Sayso_bind_col (its type kept). A later migration's table is
 * therefore copied without a change here. A column that refers to its own
 * table (a report marked as the duplicate of a later one) is filled in by
 * an UPDATE once every row of the table is there, since neither engine
 * defers those checks. PostgreSQL identity columns keep the copied ids (BY
 * DEFAULT) and their sequences are then moved past the largest.
 *
 * The target's own bookkeeping stays its own: schema_migrations on
 * PostgreSQL, user_version and application_id on SQLite. meta (site_check,
 * device_id, created_at) and devices are the source's.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "sayso/buf.h"
#include "sayso/identity.h"
#include "sayso/log.h"
#include "sayso/sitecopy.h"

#define COPY_TABLES_MAX 128
#define COPY_COLS_MAX 64
#define COPY_DEPS_MAX 16
#define COPY_NAME_MAX 64
/* One row's canonical form may be as large as its largest text. */
#define COPY_ROW_MAX (64u * 1024 * 1024)

struct tinfo {
	char name[COPY_NAME_MAX];
	int ncols;
	char cols[COPY_COLS_MAX][COPY_NAME_MAX];
	bool pk[COPY_COLS_MAX];
	bool selfref[COPY_COLS_MAX];
	int ndeps;
	char deps[COPY_DEPS_MAX][COPY_NAME_MAX];
	bool placed;
};

struct catalog {
	struct tinfo t[COPY_TABLES_MAX];
	size_t n;
};

/* ---- the catalogue: the statements written once per engine ---- */

static const char TABLES_LITE[] =
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
    "'sqlite!_%' ESCAPE '!' ORDER BY name";
static const char TABLES_PG[] =
    "SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = "
    "current_schema() AND tablename <> 'schema_migrations' ORDER BY "
    "tablename COLLATE \"C\"";
static const char COLS_LITE[] =
    "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid";
static const char COLS_PG[] =
    "SELECT a.attname::text, CASE WHEN EXISTS (SELECT 1 FROM "
    "pg_catalog.pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary "
    "AND a.attnum = ANY (i.indkey)) THEN 1 ELSE 0 END FROM "
    "pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(?1)) "
    "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
static const char FKS_LITE[] =
    "SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?1)";
static const char FKS_PG[] =
    "SELECT c.confrelid::regclass::text, a.attname::text FROM "
    "pg_catalog.pg_constraint c JOIN pg_catalog.pg_attribute a ON a.attrelid "
    "= c.conrelid AND a.attnum = ANY (c.conkey) WHERE c.conrelid = "
    "to_regclass(quote_ident(?1)) AND c.contype = 'f'";
static const char IDENT_PG[] =
    "SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid "
    "= to_regclass(quote_ident(?1)) AND a.attidentity <> ''";

/* Whether s is a plain identifier (the catalogue's names are quoted into
 * SQL text). */
static bool ident_ok(const char *s)
{
	if (!*s || strlen(s) >= COPY_NAME_MAX)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static enum sayso_err read_name(struct sayso_store *st, struct sayso_stmt *s,
				int col, char *out)
{
	const char *v = (const char *)Sayso_col_text(s, col);
	if (!v || !ident_ok(v))
		return Sayso_store_fail(st, SAYSO_ERR_UNSUPPORTED,
					"%s: a table or column named '%s' "
					"cannot be copied",
					sayso_store_path(st), v ? v : "");
	snprintf(out, COPY_NAME_MAX, "%s", v);
	return SAYSO_OK;
}

static enum sayso_err read_columns(struct sayso_store *st, struct tinfo *t)
{
	struct sayso_stmt *s = Sayso_store_stmt2(st, COLS_LITE, COLS_PG);
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, t->name, -1);
	enum sayso_err e = SAYSO_OK;
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (t->ncols == COPY_COLS_MAX) {
			e = Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					     "%s: more than %d columns",
					     t->name, COPY_COLS_MAX);
			break;
		}
		if ((e = read_name(st, s, 0, t->cols[t->ncols])) != SAYSO_OK)
			break;
		t->pk[t->ncols] = Sayso_col_int(s, 1) > 0;
		t->ncols++;
	}
	if (e == SAYSO_OK && rc != SAYSO_SQL_DONE && rc != SAYSO_SQL_ROW)
		e = Sayso_store_sqlfail(st, "read the columns");
	Sayso_reset(s);
	return e;
}

static int col_index(const struct tinfo *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return i;
	return -1;
}

static enum sayso_err read_deps(struct sayso_store *st, struct tinfo *t)
{
	struct sayso_stmt *s = Sayso_store_stmt2(st, FKS_LITE, FKS_PG);
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, t->name, -1);
	enum sayso_err e = SAYSO_OK;
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		char ref[COPY_NAME_MAX], from[COPY_NAME_MAX];
		if ((e = read_name(st, s, 0, ref)) != SAYSO_OK ||
		    (e = read_name(st, s, 1, from)) != SAYSO_OK)
			break;
		if (strcmp(ref, t->name) == 0) {
			int c = col_index(t, from);
			if (c >= 0)
				t->selfref[c] = true;
			continue;
		}
		bool have = false;
		for (int i = 0; i < t->ndeps; i++)
			have = have || strcmp(t->deps[i], ref) == 0;
		if (have)
			continue;
		if (t->ndeps == COPY_DEPS_MAX) {
			e = Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					     "%s: more than %d tables referred "
					     "to",
					     t->name, COPY_DEPS_MAX);
			break;
		}
		snprintf(t->deps[t->ndeps++], COPY_NAME_MAX, "%s", ref);
	}
	if (e == SAYSO_OK && rc != SAYSO_SQL_DONE && rc != SAYSO_SQL_ROW)
		e = Sayso_store_sqlfail(st, "read the foreign keys");
	Sayso_reset(s);
	return e;
}

/* Every table of st's schema with its columns and references. */
static enum sayso_err read_catalog(struct sayso_store *st, struct catalog *c)
{
	struct sayso_stmt *s = Sayso_store_stmt2(st, TABLES_LITE, TABLES_PG);
	if (!s)
		return SAYSO_ERR_DB;
	enum sayso_err e = SAYSO_OK;
	int rc;
	c->n = 0;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (c->n == COPY_TABLES_MAX) {
			e = Sayso_store_fail(
			    st, SAYSO_ERR_TOOBIG, "%s: more than %d tables",
			    sayso_store_path(st), COPY_TABLES_MAX);
			break;
		}
		struct tinfo *t = &c->t[c->n];
		memset(t, 0, sizeof *t);
		if ((e = read_name(st, s, 0, t->name)) != SAYSO_OK)
			break;
		c->n++;
	}
	if (e == SAYSO_OK && rc != SAYSO_SQL_DONE && rc != SAYSO_SQL_ROW)
		e = Sayso_store_sqlfail(st, "list the tables");
	Sayso_reset(s);
	for (size_t i = 0; i < c->n && e == SAYSO_OK; i++)
		if ((e = read_columns(st, &c->t[i])) == SAYSO_OK)
			e = read_deps(st, &c->t[i]);
	return e;
}

static const struct tinfo *find_table(const struct catalog *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->t[i].name, name) == 0)
			return &c->t[i];
	return NULL;
}

/* The same tables with the same column names on both sides (the column
 * order may differ: SQLite appends a column ALTER TABLE adds). */
static enum sayso_err same_schema(const struct catalog *a,
				  const struct catalog *b, char *errbuf,
				  size_t errsz)
{
	for (int pass = 0; pass < 2; pass++) {
		const struct catalog *x = pass ? b : a, *y = pass ? a : b;
		for (size_t i = 0; i < x->n; i++) {
			const struct tinfo *t = &x->t[i];
			const struct tinfo *u = find_table(y, t->name);
			if (!u) {
				Sayso_errbuf_set(errbuf, errsz,
						 "the table %s is only in the "
						 "%s: the two schemas differ",
						 t->name,
						 pass ? "target" : "source");
				return SAYSO_ERR_SCHEMA;
			}
			for (int k = 0; k < t->ncols; k++)
				if (col_index(u, t->cols[k]) < 0) {
					Sayso_errbuf_set(
					    errbuf, errsz,
					    "the column %s.%s is only in the "
					    "%s: the two schemas differ",
					    t->name, t->cols[k],
					    pass ? "target" : "source");
					return SAYSO_ERR_SCHEMA;
				}
		}
	}
	return SAYSO_OK;
}

/* Orders c's tables so that each follows the tables it refers to (ties by
 * name), into order[]. SAYSO_ERR_UNSUPPORTED on a cycle. */
static enum sayso_err fk_order(struct catalog *c, size_t *order, char *errbuf,
			       size_t errsz)
{
	for (size_t k = 0; k < c->n; k++) {
		size_t pick = c->n;
		for (size_t i = 0; i < c->n && pick == c->n; i++) {
			struct tinfo *t = &c->t[i];
			bool ready = !t->placed;
			for (int d = 0; d < t->ndeps && ready; d++) {
				const struct tinfo *p =
				    find_table(c, t->deps[d]);
				ready = !p || p->placed;
			}
			if (ready)
				pick = i;
		}
		if (pick == c->n) {
			Sayso_errbuf_set(errbuf, errsz,
					 "the tables' foreign keys form a "
					 "cycle: no order to copy them in");
			return SAYSO_ERR_UNSUPPORTED;
		}
		c->t[pick].placed = true;
		order[k] = pick;
	}
	return SAYSO_OK;
}

/* ---- rows and checksums ---- */

/* A table's checksum: four 64-bit lanes, each the sum of the same lane of
 * every row's SHA-256. Order-free, so both engines agree whatever order
 * their rows come in. */
struct rowsum {
	uint64_t lane[4];
	EVP_MD_CTX *md;
	struct sayso_buf row;
};

static enum sayso_err rowsum_init(struct rowsum *r)
{
	memset(r, 0, sizeof *r);
	sayso_buf_init(&r->row, COPY_ROW_MAX);
	r->md = EVP_MD_CTX_new();
	return r->md ? SAYSO_OK : SAYSO_ERR_NOMEM;
}

static void rowsum_free(struct rowsum *r)
{
	EVP_MD_CTX_free(r->md);
	sayso_buf_cleanup(&r->row);
}

static enum sayso_err put_u64(struct sayso_buf *b, uint64_t v)
{
	unsigned char x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (unsigned char)(v >> (56 - 8 * i));
	return sayso_buf_addn(b, x, sizeof x);
}

/* One value in its canonical form: a type letter, then the value. */
static enum sayso_err put_value(struct sayso_buf *b, struct sayso_stmt *s,
				int col)
{
	enum sayso_err e;
	switch (Sayso_col_type(s, col)) {
	case SAYSO_SQL_INTEGER:
		if ((e = sayso_buf_addn(b, "i", 1)) != SAYSO_OK)
			return e;
		return put_u64(b, (uint64_t)Sayso_col_int64(s, col));
	case SAYSO_SQL_FLOAT:
		return sayso_buf_addf(b, "f%.17g;", Sayso_col_double(s, col));
	case SAYSO_SQL_TEXT:
	case SAYSO_SQL_BLOB: {
		bool text = Sayso_col_type(s, col) == SAYSO_SQL_TEXT;
		const void *p = text ? (const void *)Sayso_col_text(s, col)
				     : Sayso_col_blob(s, col);
		int n = Sayso_col_bytes(s, col);
		if ((e = sayso_buf_addn(b, text ? "t" : "b", 1)) != SAYSO_OK ||
		    (e = put_u64(b, (uint64_t)n)) != SAYSO_OK)
			return e;
		return n > 0 ? sayso_buf_addn(b, p, (size_t)n) : SAYSO_OK;
	}
	default:
		return sayso_buf_addn(b, "n", 1);
	}
}

/* Adds the current row of s (ncols columns) to r. */
static enum sayso_err rowsum_add(struct rowsum *r, struct sayso_stmt *s,
				 int ncols)
{
	enum sayso_err e = SAYSO_OK;
	sayso_buf_reset(&r->row);
	for (int i = 0; i < ncols && e == SAYSO_OK; i++)
		e = put_value(&r->row, s, i);
	if (e != SAYSO_OK)
		return e;
	unsigned char d[32];
	unsigned int dn = 0;
	if (EVP_DigestInit_ex2(r->md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(r->md, r->row.s ? r->row.s : "", r->row.len) !=
		1 ||
	    EVP_DigestFinal_ex(r->md, d, &dn) != 1 || dn != sizeof d)
		return SAYSO_ERR_CRYPTO;
	for (int l = 0; l < 4; l++) {
		uint64_t v = 0;
		for (int i = 0; i < 8; i++)
			v = v << 8 | d[8 * l + i];
		r->lane[l] += v;
	}
	return SAYSO_OK;
}

/* Rows a server sends at once: a table is read page by page in
 * primary-key order, each page starting after the last key of the one
 * before, so no whole table is ever one result in memory. */
#define COPY_PAGE_ROWS 8192

/* "SELECT "a", "b" FROM "t"", then for a table with a primary key
 * " WHERE ("k1", "k2") > (?1, ?2)" when after, and " ORDER BY "k1", "k2"
 * LIMIT n", into b. */
static enum sayso_err select_sql(const struct tinfo *t, bool after,
				 struct sayso_buf *b)
{
	enum sayso_err e = sayso_buf_add(b, "SELECT ");
	for (int i = 0; i < t->ncols && e == SAYSO_OK; i++)
		e = sayso_buf_addf(b, "%s\"%s\"", i ? ", " : "", t->cols[i]);
	if (e == SAYSO_OK)
		e = sayso_buf_addf(b, " FROM \"%s\"", t->name);
	int npk = 0;
	for (int i = 0; i < t->ncols; i++)
		npk += t->pk[i];
	if (npk == 0 || e != SAYSO_OK)
		return e;
	for (int pass = after ? 0 : 1; pass < 2 && e == SAYSO_OK; pass++) {
		int k = 0;
		e = sayso_buf_add(b, pass ? " ORDER BY " : " WHERE (");
		for (int i = 0; i < t->ncols && e == SAYSO_OK; i++)
			if (t->pk[i])
				e = sayso_buf_addf(b, "%s\"%s\"",
						   k++ ? ", " : "", t->cols[i]);
		for (int i = 0; !pass && i < npk && e == SAYSO_OK; i++)
			e = sayso_buf_addf(b, "%s?%d", i ? ", " : ") > (",
					   i + 1);
		if (!pass && e == SAYSO_OK)
			e = sayso_buf_add(b, ")");
	}
	if (e == SAYSO_OK)
		e = sayso_buf_addf(b, " LIMIT %d", COPY_PAGE_ROWS);
	return e;
}

/* A table read page by page (a table without a primary key in one go). */
struct scan {
	const struct tinfo *t;
	struct sayso_stmt *first, *after[2];
	struct sayso_stmt *cur;
	int inpage; /* rows of the current page so far */
	bool paged;
};

static void scan_close(struct scan *sc)
{
	Sayso_stmt_finalize(sc->first);
	Sayso_stmt_finalize(sc->after[0]);
	Sayso_stmt_finalize(sc->after[1]);
	memset(sc, 0, sizeof *sc);
}

/* Prepares the scan of t on st. Errors with detail on st. */
static enum sayso_err scan_open(struct sayso_store *st, const struct tinfo *t,
				struct scan *sc)
{
	struct sayso_buf q;
	memset(sc, 0, sizeof *sc);
	sc->t = t;
	for (int i = 0; i < t->ncols; i++)
		sc->paged = sc->paged || t->pk[i];
	sayso_buf_init(&q, 16384);
	enum sayso_err e = select_sql(t, false, &q);
	if (e == SAYSO_OK)
		e = Sayso_stmt_prepare(st, q.s, &sc->first);
	sayso_buf_reset(&q);
	if (e == SAYSO_OK && sc->paged &&
	    (e = select_sql(t, true, &q)) == SAYSO_OK &&
	    (e = Sayso_stmt_prepare(st, q.s, &sc->after[0])) == SAYSO_OK)
		e = Sayso_stmt_prepare(st, q.s, &sc->after[1]);
	sayso_buf_cleanup(&q);
	sc->cur = sc->first;
	if (e != SAYSO_OK)
		scan_close(sc);
	return e;
}

/* The next row (SAYSO_SQL_ROW, its columns on sc->cur), SAYSO_SQL_DONE,
 * or an error code. Each row's key is bound to the statement of the next
 * page as it goes by, so a page that ends full leads to the next. */
static int scan_step(struct scan *sc)
{
	for (;;) {
		struct sayso_stmt *next =
		    sc->cur == sc->after[0] ? sc->after[1] : sc->after[0];
		int rc = Sayso_step(sc->cur);
		if (rc == SAYSO_SQL_ROW) {
			sc->inpage++;
			for (int i = 0, k = 0; sc->paged && i < sc->t->ncols;
			     i++)
				if (sc->t->pk[i])
					Sayso_bind_col(next, ++k, sc->cur, i);
			return rc;
		}
		if (rc != SAYSO_SQL_DONE || !sc->paged ||
		    sc->inpage < COPY_PAGE_ROWS)
			return rc;
		/* A full page: the next one starts after its last key. */
		Sayso_reset(sc->cur);
		sc->cur = next;
		sc->inpage = 0;
	}
}

/* "INSERT INTO "t" ("a", "b") VALUES (?1, ?2), (?3, ?4), ..." for nrows
 * rows into b. */
static enum sayso_err insert_sql(const struct tinfo *t, int nrows,
				 struct sayso_buf *b)
{
	sayso_buf_reset(b);
	enum sayso_err e = sayso_buf_addf(b, "INSERT INTO \"%s\" (", t->name);
	for (int i = 0; i < t->ncols && e == SAYSO_OK; i++)
		e = sayso_buf_addf(b, "%s\"%s\"", i ? ", " : "", t->cols[i]);
	if (e == SAYSO_OK)
		e = sayso_buf_add(b, ") VALUES ");
	for (int r = 0; r < nrows && e == SAYSO_OK; r++)
		for (int i = 0; i < t->ncols && e == SAYSO_OK; i++)
			e = sayso_buf_addf(b, "%s?%d",
					   i   ? ", "
					   : r ? "), ("
					       : "(",
					   r * t->ncols + i + 1);
	if (e == SAYSO_OK)
		e = sayso_buf_add(b, ")");
	return e;
}

static void sum_hex(const struct rowsum *r, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, r->lane[0] ^ r->lane[1]);
}

/* The copy's two ends, and where a failure is described. */
struct copy {
	struct sayso_store *src, *dst;
	char *errbuf;
	size_t errsz;
};

/* Records "what on st: detail" as the copy's failure; returns e. */
static enum sayso_err copy_fail(struct copy *cp, struct sayso_store *st,
				enum sayso_err e, const char *what)
{
	Sayso_errbuf_set(cp->errbuf, cp->errsz, "%s: %s: %s", what,
			 sayso_store_path(st),
			 sayso_store_errmsg(st)[0] ? sayso_store_errmsg(st)
						   : sayso_strerror(e));
	return e;
}

/* Rows in one INSERT: fewer round trips to a server, and the parameters
 * stay under both engines' limits (SQLite 32766, PostgreSQL 65535). */
#define COPY_BATCH_ROWS 256
#define COPY_BATCH_PARAMS 30000

/* The number of rows of t on the source (in the copy's snapshot). */
static enum sayso_err count_rows(struct copy *cp, const struct tinfo *t,
				 int64_t *n)
{
	char q[160];
	snprintf(q, sizeof q, "SELECT count(*) FROM \"%s\"", t->name);
	struct sayso_stmt *s = NULL;
	enum sayso_err e = Sayso_stmt_prepare(cp->src, q, &s);
	if (e == SAYSO_OK && Sayso_step(s) == SAYSO_SQL_ROW)
		*n = Sayso_col_int64(s, 0);
	else if (e == SAYSO_OK)
		e = Sayso_store_sqlfail(cp->src, "count rows");
	Sayso_stmt_finalize(s);
	return e == SAYSO_OK ? e : copy_fail(cp, cp->src, e, "read");
}

/* Prepares the INSERT of nrows rows of t on the target into *w (the one
 * before finalized). */
static enum sayso_err prepare_insert(struct copy *cp, const struct tinfo *t,
				     int nrows, struct sayso_buf *b,
				     struct sayso_stmt **w)
{
	Sayso_stmt_finalize(*w);
	*w = NULL;
	enum sayso_err e = insert_sql(t, nrows, b);
	if (e == SAYSO_OK &&
	    (e = Sayso_stmt_prepare(cp->dst, b->s, w)) != SAYSO_OK)
		e = copy_fail(cp, cp->dst, e, "write");
	return e;
}

/* Copies t's rows (its columns referring to t itself as NULL), counting
 * and summing the source's rows into row and r, batch by batch. */
static enum sayso_err copy_rows(struct copy *cp, const struct tinfo *t,
				struct sayso_copy_table *row, struct rowsum *r)
{
	struct sayso_buf ins;
	struct sayso_stmt *w = NULL;
	struct scan sc = {0};
	int64_t total = 0;
	int batch = COPY_BATCH_PARAMS / (t->ncols ? t->ncols : 1);
	if (batch > COPY_BATCH_ROWS)
		batch = COPY_BATCH_ROWS;
	sayso_buf_init(&ins, 1u << 22);
	enum sayso_err e = count_rows(cp, t, &total);
	if (e != SAYSO_OK || total == 0)
		goto out;
	if ((e = scan_open(cp->src, t, &sc)) != SAYSO_OK) {
		e = copy_fail(cp, cp->src, e, "read");
		goto out;
	}
	int width = 0, k = 0; /* rows the statement takes, rows bound */
	int rc;
	while ((rc = scan_step(&sc)) == SAYSO_SQL_ROW) {
		struct sayso_stmt *s = sc.cur;
		if (k == 0) {
			int64_t left = total - row->rows;
			int want =
			    left < batch ? (int)(left > 0 ? left : 1) : batch;
			if (want != width &&
			    (e = prepare_insert(cp, t, want, &ins, &w)) !=
				SAYSO_OK)
				goto out;
			width = want;
		}
		for (int i = 0; i < t->ncols; i++) {
			int idx = k * t->ncols + i + 1;
			if (t->selfref[i])
				Sayso_bind_null(w, idx);
			else
				Sayso_bind_col(w, idx, s, i);
		}
		if ((e = rowsum_add(r, s, t->ncols)) != SAYSO_OK)
			goto out;
		row->rows++;
		if (++k < width)
			continue;
		k = 0;
		if (Sayso_step(w) != SAYSO_SQL_DONE) {
			e = Sayso_store_sqlfail(cp->dst, "copy rows");
			Sayso_errbuf_set(cp->errbuf, cp->errsz,
					 "%s: rows %" PRId64 " to %" PRId64
					 " of %s could not be written: %s",
					 sayso_store_path(cp->dst),
					 row->rows - width + 1, row->rows,
					 t->name, sayso_store_errmsg(cp->dst));
			goto out;
		}
		Sayso_reset(w);
	}
	if (rc != SAYSO_SQL_DONE)
		e = copy_fail(cp, cp->src,
			      Sayso_store_sqlfail(cp->src, "read rows"),
			      "read");
	else if (k != 0 || row->rows != total)
		e = copy_fail(cp, cp->src,
			      Sayso_store_fail(cp->src, SAYSO_ERR_CORRUPT,
					       "%s: %" PRId64
					       " rows read, %" PRId64
					       " counted in the same snapshot",
					       t->name, row->rows, total),
			      "read");
out:
	scan_close(&sc);
	Sayso_stmt_finalize(w);
	sayso_buf_cleanup(&ins);
	return e;
}

/* Fills in t's columns that refer to t itself, row by row, once every row
 * is there. Needs a one-column primary key. */
static enum sayso_err copy_selfrefs(struct copy *cp, const struct tinfo *t)
{
	int pk = -1, npk = 0;
	for (int i = 0; i < t->ncols; i++)
		if (t->pk[i]) {
			pk = i;
			npk++;
		}
	enum sayso_err e = SAYSO_OK;
	for (int c = 0; c < t->ncols && e == SAYSO_OK; c++) {
		if (!t->selfref[c])
			continue;
		if (npk != 1) {
			Sayso_errbuf_set(cp->errbuf, cp->errsz,
					 "%s.%s refers to its own table, "
					 "which has no one-column key",
					 t->name, t->cols[c]);
			return SAYSO_ERR_UNSUPPORTED;
		}
		char q[256], u[256];
		snprintf(q, sizeof q,
			 "SELECT \"%s\", \"%s\" FROM \"%s\" WHERE \"%s\" IS "
			 "NOT NULL",
			 t->cols[pk], t->cols[c], t->name, t->cols[c]);
		snprintf(u, sizeof u,
			 "UPDATE \"%s\" SET \"%s\" = ?1 WHERE \"%s\" = ?2",
			 t->name, t->cols[c], t->cols[pk]);
		struct sayso_stmt *s = NULL, *w = NULL;
		if ((e = Sayso_stmt_prepare(cp->src, q, &s)) != SAYSO_OK)
			e = copy_fail(cp, cp->src, e, "read");
		else if ((e = Sayso_stmt_prepare(cp->dst, u, &w)) != SAYSO_OK)
			e = copy_fail(cp, cp->dst, e, "write");
		int rc = SAYSO_SQL_DONE;
		while (e == SAYSO_OK && (rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
			Sayso_bind_col(w, 1, s, 1);
			Sayso_bind_col(w, 2, s, 0);
			if (Sayso_step(w) != SAYSO_SQL_DONE)
				e = copy_fail(
				    cp, cp->dst,
				    Sayso_store_sqlfail(cp->dst, t->name),
				    "write");
			Sayso_reset(w);
		}
		if (e == SAYSO_OK && rc != SAYSO_SQL_DONE)
			e = copy_fail(cp, cp->src,
				      Sayso_store_sqlfail(cp->src, t->name),
				      "read");
		Sayso_stmt_finalize(s);
		Sayso_stmt_finalize(w);
	}
	return e;
}

/* Moves the sequence of each identity column of t on a PostgreSQL target
 * past the largest value copied. */
static enum sayso_err set_sequences(struct copy *cp, const struct tinfo *t)
{
	struct sayso_store *st = cp->dst;
	if (Sayso_store_engine(st) != SAYSO_ENGINE_PG)
		return SAYSO_OK;
	char cols[4][COPY_NAME_MAX];
	int n = 0;
	struct sayso_stmt *s = Sayso_store_stmt(st, IDENT_PG);
	if (!s)
		return copy_fail(cp, st, SAYSO_ERR_DB, "identity columns");
	Sayso_bind_text(s, 1, t->name, -1);
	int rc;
	enum sayso_err e = SAYSO_OK;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW && n < 4 && e == SAYSO_OK)
		if ((e = read_name(st, s, 0, cols[n])) == SAYSO_OK)
			n++;
	Sayso_reset(s);
	if (e != SAYSO_OK || (rc != SAYSO_SQL_DONE && rc != SAYSO_SQL_ROW))
		return copy_fail(cp, st,
				 e ? e : Sayso_store_sqlfail(st, t->name),
				 "identity columns");
	for (int i = 0; i < n && e == SAYSO_OK; i++) {
		char q[384];
		snprintf(q, sizeof q,
			 "SELECT setval(pg_get_serial_sequence('%s', '%s'), "
			 "coalesce(max(\"%s\"), 0) + 1, false) FROM \"%s\"",
			 t->name, cols[i], cols[i], t->name);
		struct sayso_stmt *w = NULL;
		if ((e = Sayso_stmt_prepare(st, q, &w)) == SAYSO_OK &&
		    Sayso_step(w) != SAYSO_SQL_ROW)
			e = Sayso_store_sqlfail(st, "set a sequence");
		Sayso_stmt_finalize(w);
		if (e != SAYSO_OK)
			e = copy_fail(cp, st, e, "set the sequence");
	}
	return e;
}

/* Counts and sums t's rows on the target (the source's column order). */
static enum sayso_err verify_table(struct copy *cp, const struct tinfo *t,
				   struct sayso_copy_table *row,
				   const struct rowsum *want)
{
	struct scan sc = {0};
	struct rowsum r;
	enum sayso_err e = rowsum_init(&r);
	if (e == SAYSO_OK && (e = scan_open(cp->dst, t, &sc)) != SAYSO_OK)
		e = copy_fail(cp, cp->dst, e, "read back");
	int rc = SAYSO_SQL_DONE;
	row->target_rows = 0;
	while (e == SAYSO_OK && (rc = scan_step(&sc)) == SAYSO_SQL_ROW) {
		e = rowsum_add(&r, sc.cur, t->ncols);
		row->target_rows++;
	}
	if (e == SAYSO_OK && rc != SAYSO_SQL_DONE)
		e = copy_fail(cp, cp->dst,
			      Sayso_store_sqlfail(cp->dst, t->name),
			      "read back");
	row->sum_ok =
	    e == SAYSO_OK && memcmp(r.lane, want->lane, sizeof r.lane) == 0;
	scan_close(&sc);
	rowsum_free(&r);
	return e;
}

/* Whether the target holds rows of its own (meta and devices aside: a
 * freshly made schema has them). */
static enum sayso_err target_empty(struct copy *cp, const struct catalog *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const char *name = c->t[i].name;
		if (!strcmp(name, "meta") || !strcmp(name, "devices"))
			continue;
		char q[160];
		snprintf(q, sizeof q, "SELECT count(*) FROM \"%s\"", name);
		struct sayso_stmt *s = NULL;
		enum sayso_err e = Sayso_stmt_prepare(cp->dst, q, &s);
		int64_t n = 0;
		if (e == SAYSO_OK && Sayso_step(s) == SAYSO_SQL_ROW)
			n = Sayso_col_int64(s, 0);
		else if (e == SAYSO_OK)
			e = Sayso_store_sqlfail(cp->dst, "count rows");
		Sayso_stmt_finalize(s);
		if (e != SAYSO_OK)
			return copy_fail(cp, cp->dst, e, "count rows");
		if (n > 0) {
			Sayso_errbuf_set(cp->errbuf, cp->errsz,
					 "%s is not empty (%s has %" PRId64
					 " rows): migrate copies a site "
					 "into an empty database only",
					 sayso_store_path(cp->dst), name, n);
			return SAYSO_ERR_STATE;
		}
	}
	return Sayso_store_exec(cp->dst,
				"DELETE FROM meta; DELETE FROM devices",
				"clear the target's meta");
}

/* Copies every table in order and checks it, inside the caller's
 * transactions. */
static enum sayso_err copy_all(struct copy *cp, struct catalog *c,
			       const size_t *order,
			       struct sayso_copy_report *rep)
{
	struct rowsum *sums = calloc(c->n ? c->n : 1, sizeof *sums);
	if (!sums)
		return SAYSO_ERR_NOMEM;
	enum sayso_err e = SAYSO_OK;
	size_t inited = 0;
	for (; inited < c->n && e == SAYSO_OK; inited++)
		e = rowsum_init(&sums[inited]);
	for (size_t k = 0; k < c->n && e == SAYSO_OK; k++) {
		const struct tinfo *t = &c->t[order[k]];
		struct sayso_copy_table *row = &rep->tables[k];
		snprintf(row->name, sizeof row->name, "%s", t->name);
		rep->n = k + 1;
		e = copy_rows(cp, t, row, &sums[k]);
		sum_hex(&sums[k], row->sum);
	}
	for (size_t k = 0; k < c->n && e == SAYSO_OK; k++)
		if ((e = copy_selfrefs(cp, &c->t[order[k]])) == SAYSO_OK)
			e = set_sequences(cp, &c->t[order[k]]);
	for (size_t k = 0; k < c->n && e == SAYSO_OK; k++)
		e = verify_table(cp, &c->t[order[k]], &rep->tables[k],
				 &sums[k]);
	for (size_t k = 0; k < c->n && e == SAYSO_OK; k++) {
		const struct sayso_copy_table *row = &rep->tables[k];
		if (row->target_rows != row->rows || !row->sum_ok) {
			Sayso_errbuf_set(
			    cp->errbuf, cp->errsz,
			    "%s: %s has %" PRId64 " rows%s after the copy, "
			    "the source %" PRId64 ": nothing was kept",
			    sayso_store_path(cp->dst), row->name,
			    row->target_rows,
			    row->sum_ok ? "" : " with other values", row->rows);
			e = SAYSO_ERR_CORRUPT;
		}
	}
	for (size_t k = 0; k < inited; k++)
		rowsum_free(&sums[k]);
	free(sums);
	return e;
}

/* The copy itself: both catalogues, one snapshot of the source, one
 * transaction on the target. */
static enum sayso_err copy_site(struct copy *cp, struct sayso_copy_report *rep)
{
	struct catalog *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	size_t *order = calloc(COPY_TABLES_MAX, sizeof *order);
	enum sayso_err e = SAYSO_OK;
	bool reading = false, writing = false;
	if (!a || !b || !order) {
		e = SAYSO_ERR_NOMEM;
		goto out;
	}
	if ((e = sayso_store_read_begin(cp->src)) != SAYSO_OK) {
		e = copy_fail(cp, cp->src, e, "read");
		goto out;
	}
	reading = true;
	if ((e = sayso_store_begin(cp->dst)) != SAYSO_OK) {
		e = copy_fail(cp, cp->dst, e, "write");
		goto out;
	}
	writing = true;
	if ((e = read_catalog(cp->src, a)) != SAYSO_OK) {
		e = copy_fail(cp, cp->src, e, "read the schema");
		goto out;
	}
	if ((e = read_catalog(cp->dst, b)) != SAYSO_OK) {
		e = copy_fail(cp, cp->dst, e, "read the schema");
		goto out;
	}
	if ((e = same_schema(a, b, cp->errbuf, cp->errsz)) != SAYSO_OK ||
	    (e = fk_order(a, order, cp->errbuf, cp->errsz)) != SAYSO_OK ||
	    (e = target_empty(cp, b)) != SAYSO_OK)
		goto out;
	rep->tables = calloc(a->n ? a->n : 1, sizeof *rep->tables);
	if (!rep->tables) {
		e = SAYSO_ERR_NOMEM;
		goto out;
	}
	Sayso_store_bulk(cp->dst, true, false);
	e = copy_all(cp, a, order, rep);
	Sayso_store_bulk(cp->dst, false, false);
	if (e == SAYSO_OK) {
		writing = false;
		if ((e = sayso_store_commit(cp->dst)) != SAYSO_OK)
			e = copy_fail(cp, cp->dst, e, "commit");
	}
out:
	if (writing)
		sayso_store_rollback(cp->dst);
	if (reading)
		sayso_store_read_end(cp->src);
	free(a);
	free(b);
	free(order);
	return e;
}

/* ---- opening both ends ---- */

static bool exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0;
}

/* Opens the source read-only with its secret; refuses a kiosk's file. */
static enum sayso_err open_source(const struct sayso_migrate_in *in,
				  struct sayso_store **src, char *errbuf,
				  size_t errsz)
{
	char msg[SAYSO_ERRMSG_MAX] = "";
	enum sayso_err e =
	    sayso_store_open_at(in->source, in->source_secret,
				SAYSO_STORE_READONLY, src, msg, sizeof msg);
	if (e != SAYSO_OK) {
		Sayso_errbuf_set(errbuf, errsz, "source: %s", msg);
		return e;
	}
	if (sayso_store_enrolment(*src)[0]) {
		Sayso_errbuf_set(
		    errbuf, errsz,
		    "%s is an enrolled kiosk's file (enrolment %s), not a "
		    "site: its records reach the site through `sayso-admin "
		    "merge`, which checks the kiosk's chain; migrate the site "
		    "database instead",
		    sayso_store_path(*src), sayso_store_enrolment(*src));
		return SAYSO_ERR_STATE;
	}
	return SAYSO_OK;
}

/* Makes the target's schema (init with a throwaway secret), then gives it
 * the source's secret. *exists when the target already has tables. */
static enum sayso_err create_target(const struct sayso_migrate_in *in,
				    struct sayso_store *src, bool server,
				    struct sayso_store **dst, bool *existed,
				    struct sayso_copy_report *rep, char *errbuf,
				    size_t errsz)
{
	char dir[] = "/tmp/sayso-migrate-XXXXXX";
	char tmp[64], msg[SAYSO_ERRMSG_MAX] = "";
	*existed = false;
	if (!mkdtemp(dir)) {
		Sayso_errbuf_set(errbuf, errsz,
				 "cannot make a folder in /tmp: %s",
				 strerror(errno));
		return SAYSO_ERR_IO;
	}
	snprintf(tmp, sizeof tmp, "%s/secret", dir);
	enum sayso_err e = sayso_store_open_at(
	    in->target, tmp, SAYSO_STORE_INIT, dst, msg, sizeof msg);
	unlink(tmp);
	rmdir(dir);
	if (e == SAYSO_ERR_EXISTS && server) {
		*existed = true;
		return SAYSO_OK;
	}
	if (e != SAYSO_OK) {
		Sayso_errbuf_set(errbuf, errsz, "target: %s", msg);
		return e;
	}
	rep->target_created = true;
	if (server) {
		e = sayso_store_set_secret(*dst, sayso_store_secret(src));
	} else {
		e = Sayso_store_adopt_secret(*dst, sayso_store_secret(src));
		rep->secret_written = e == SAYSO_OK;
	}
	if (e != SAYSO_OK)
		Sayso_errbuf_set(errbuf, errsz, "target: %s",
				 sayso_store_errmsg(*dst));
	return e;
}

/* A PostgreSQL target's secret file at path: written as a copy of the
 * source's secret (mode 0600) when absent, else it must hold the same 32
 * bytes. */
static enum sayso_err secret_file(const char *path, const unsigned char *sec,
				  bool *written, char *errbuf, size_t errsz)
{
	unsigned char have[SAYSO_SECRET_LEN + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, have, sizeof have);
		close(fd);
		if (n == SAYSO_SECRET_LEN &&
		    memcmp(have, sec, SAYSO_SECRET_LEN) == 0)
			return SAYSO_OK;
		Sayso_errbuf_set(errbuf, errsz,
				 "%s holds another secret than the source's: "
				 "give --to-secret a new path (the secret is "
				 "copied there) or the source's own file",
				 path);
		return SAYSO_ERR_SECRET;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		Sayso_errbuf_set(errbuf, errsz, "%s: cannot create: %s", path,
				 strerror(errno));
		return SAYSO_ERR_IO;
	}
	bool ok = write(fd, sec, SAYSO_SECRET_LEN) == SAYSO_SECRET_LEN &&
		  fsync(fd) == 0;
	close(fd);
	if (!ok) {
		unlink(path);
		Sayso_errbuf_set(errbuf, errsz, "%s: cannot write the secret",
				 path);
		return SAYSO_ERR_IO;
	}
	*written = true;
	return SAYSO_OK;
}

/* Opens (or makes) the target with the source's secret. */
static enum sayso_err open_target(const struct sayso_migrate_in *in,
				  struct sayso_store *src,
				  struct sayso_store **dst,
				  struct sayso_copy_report *rep, char *errbuf,
				  size_t errsz)
{
	bool server = sayso_store_is_server(in->target);
	bool given = in->target_secret && *in->target_secret;
	if (!server && given) {
		Sayso_errbuf_set(errbuf, errsz,
				 "a file's secret is always <database>.secret "
				 "(%s.secret): --to-secret is for a PostgreSQL "
				 "target",
				 in->target);
		return SAYSO_ERR_INVAL;
	}
	if (server)
		snprintf(rep->target_secret, sizeof rep->target_secret, "%s",
			 given ? in->target_secret
			       : sayso_store_secret_path(src));
	else
		snprintf(rep->target_secret, sizeof rep->target_secret,
			 "%s.secret", in->target);
	enum sayso_err e = SAYSO_OK;
	if (server && given &&
	    (e = secret_file(rep->target_secret, sayso_store_secret(src),
			     &rep->secret_written, errbuf, errsz)) != SAYSO_OK)
		return e;
	bool existed = !server && exists(in->target);
	if (!server && !existed && exists(rep->target_secret)) {
		Sayso_errbuf_set(errbuf, errsz,
				 "%s exists without its database %s; "
				 "refusing to guess (move it away)",
				 rep->target_secret, in->target);
		return SAYSO_ERR_SECRET;
	}
	if (!existed && (e = create_target(in, src, server, dst, &existed, rep,
					   errbuf, errsz)) != SAYSO_OK)
		return e;
	if (!existed)
		return SAYSO_OK;
	char msg[SAYSO_ERRMSG_MAX] = "";
	e = sayso_store_open_at(in->target, rep->target_secret, 0, dst, msg,
				sizeof msg);
	if (e == SAYSO_ERR_SECRET)
		Sayso_errbuf_set(errbuf, errsz,
				 "target: %s (the target must belong to the "
				 "source's secret: give migrate an empty "
				 "database)",
				 msg);
	else if (e != SAYSO_OK)
		Sayso_errbuf_set(errbuf, errsz, "target: %s", msg);
	return e;
}

/* Removes a target file (and its secret) the copy made. */
static void remove_target(const char *path, const struct sayso_copy_report *rep)
{
	char aux[SAYSO_AUXPATH_MAX];
	unlink(path);
	snprintf(aux, sizeof aux, "%s-wal", path);
	unlink(aux);
	snprintf(aux, sizeof aux, "%s-shm", path);
	unlink(aux);
	if (rep->secret_written)
		unlink(rep->target_secret);
}

enum sayso_err sayso_site_migrate(const struct sayso_migrate_in *in,
				  struct sayso_copy_report *rep, char *errbuf,
				  size_t errsz)
{
	struct sayso_store *src = NULL, *dst = NULL;
	memset(rep, 0, sizeof *rep);
	Sayso_errbuf_set(errbuf, errsz, "%s", "");
	enum sayso_err e = open_source(in, &src, errbuf, errsz);
	if (e != SAYSO_OK)
		goto out;
	if ((e = open_target(in, src, &dst, rep, errbuf, errsz)) != SAYSO_OK)
		goto out;
	int vs = sayso_store_schema_version(src);
	int vd = sayso_store_schema_version(dst);
	if (vs != vd) {
		Sayso_errbuf_set(errbuf, errsz,
				 "the source has schema version %d, the "
				 "target %d: both must be at the same version",
				 vs, vd);
		e = SAYSO_ERR_SCHEMA;
		goto out;
	}
	rep->schema = vs;
	if (strcmp(sayso_store_site_check(src), sayso_store_site_check(dst))) {
		Sayso_errbuf_set(errbuf, errsz,
				 "%s belongs to another secret than %s: give "
				 "migrate an empty database",
				 sayso_store_path(dst), sayso_store_path(src));
		e = SAYSO_ERR_SECRET;
		goto out;
	}
	struct copy cp = {
	    .src = src, .dst = dst, .errbuf = errbuf, .errsz = errsz};
	e = copy_site(&cp, rep);
out:
	sayso_store_close(src);
	sayso_store_close(dst);
	if (e != SAYSO_OK && rep->target_created &&
	    !sayso_store_is_server(in->target))
		remove_target(in->target, rep);
	else if (e != SAYSO_OK && rep->secret_written)
		unlink(rep->target_secret);
	if (e != SAYSO_OK && errbuf && errsz && !errbuf[0])
		Sayso_errbuf_set(errbuf, errsz, "%s", sayso_strerror(e));
	return e;
}

void sayso_copy_report_free(struct sayso_copy_report *rep)
{
	free(rep->tables);
	rep->tables = NULL;
	rep->n = 0;
}

/* ---- a server's durability settings ---- */

enum sayso_err sayso_server_settings(struct sayso_store *st,
				     struct sayso_server_settings *out)
{
	memset(out, 0, sizeof *out);
	if (Sayso_store_engine(st) != SAYSO_ENGINE_PG)
		return Sayso_store_fail(st, SAYSO_ERR_UNSUPPORTED,
					"%s is not a database server",
					sayso_store_path(st));
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT 'PostgreSQL ' || current_setting('server_version'), "
		"current_setting('synchronous_commit'), "
		"current_setting('fsync'), "
		"current_setting('synchronous_standby_names'), "
		"CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END");
	if (!s)
		return SAYSO_ERR_DB;
	if (Sayso_step(s) != SAYSO_SQL_ROW) {
		enum sayso_err e = Sayso_store_sqlfail(st, "read settings");
		Sayso_reset(s);
		return e;
	}
	Sayso_column_copy(s, 0, out->version, sizeof out->version);
	Sayso_column_copy(s, 1, out->synchronous_commit,
			  sizeof out->synchronous_commit);
	Sayso_column_copy(s, 2, out->fsync, sizeof out->fsync);
	Sayso_column_copy(s, 3, out->synchronous_standby,
			  sizeof out->synchronous_standby);
	out->in_recovery = Sayso_col_int(s, 4) == 1;
	Sayso_reset(s);
	return SAYSO_OK;
}

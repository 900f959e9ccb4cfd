/*
 * sql.c: every statement of the store, on either engine.
 *
 * Design: modules hold a struct sayso_stmt and never an engine's own handle.
 * On SQLite it wraps a sqlite3_stmt and each call passes straight through.
 * On PostgreSQL the text is translated once (?N placeholders become $N),
 * prepared on the server under a name (s1, s2, ...), its parameters are kept
 * as text (blobs in binary) until the first step runs PQexecPrepared, and
 * the rows are read from the PGresult. A connection that was lost is made
 * again between transactions and every statement is prepared again lazily
 * (the store's generation counter), so a daemon survives a server restart.
 *
 * PostgreSQL aborts the whole transaction at the first failing statement;
 * where a module expects a statement to fail and carries on (a UNIQUE
 * violation meaning "already there"), it steps with Sayso_step_try, which
 * takes a savepoint around that one statement.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/buf.h"
#include "sayso/log.h"
#include "sayso/utf8.h"
#include "store_impl.h"

/* The statement cache grows (sayso_array_grow doubles it); it never
 * evicts, so a statement a caller holds cannot be finalized under it. The
 * hard limit only catches a caller that builds SQL text at run time. */
#define STMT_CACHE_MAX 4096

_Static_assert(SAYSO_SQL_ROW == SQLITE_ROW && SAYSO_SQL_DONE == SQLITE_DONE &&
		   SAYSO_SQL_NULL == SQLITE_NULL &&
		   SAYSO_SQL_INTEGER == SQLITE_INTEGER &&
		   SAYSO_SQL_FLOAT == SQLITE_FLOAT &&
		   SAYSO_SQL_TEXT == SQLITE_TEXT &&
		   SAYSO_SQL_BLOB == SQLITE_BLOB,
	       "the SQL layer keeps SQLite's codes");

/* PostgreSQL type oids (catalog/pg_type_d.h is not in libpq-dev). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

struct sayso_stmt {
	struct sayso_store *st;
	sqlite3_stmt *lite;
	/* PostgreSQL */
	char *pgsql;   /* the translated text */
	char name[16]; /* its server-side name */
	unsigned gen;  /* the connection it was prepared on (0: none) */
	int nparams;
	char **pv;   /* parameter values (NULL: SQL NULL), owned */
	Oid *ptypes; /* 0: inferred by the server; text where it cannot */
	int *plen;
	int *pfmt; /* 0 text, 1 binary (blobs) */
	PGresult *res;
	int row;	      /* current row */
	bool ran;	      /* executed since the last reset */
	unsigned char **blob; /* decoded bytea of the current row */
	size_t *bloblen;
	int nblob;
};

enum sayso_engine Sayso_store_engine(const struct sayso_store *st)
{
	return st->engine;
}

sqlite3 *Sayso_store_sqlite(struct sayso_store *st)
{
	return st->db;
}

/* ---- errors ---- */

static enum sayso_err pg_map(const char *state)
{
	if (!state[0])
		return SAYSO_ERR_IO; /* no server answer: the connection */
	if (strncmp(state, "23", 2) == 0)
		return SAYSO_ERR_EXISTS;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
	    !strcmp(state, "55P03") || !strcmp(state, "57014"))
		return SAYSO_ERR_BUSY;
	if (!strcmp(state, "53100"))
		return SAYSO_ERR_FULL;
	if (!strcmp(state, "53200"))
		return SAYSO_ERR_NOMEM;
	if (!strcmp(state, "25006") || !strcmp(state, "42501"))
		return SAYSO_ERR_READONLY;
	if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3) ||
	    !strncmp(state, "58", 2))
		return SAYSO_ERR_IO;
	if (!strcmp(state, "XX001") || !strcmp(state, "XX002"))
		return SAYSO_ERR_CORRUPT;
	return SAYSO_ERR_DB;
}

enum sayso_err Sayso_pg_record(struct sayso_store *st, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg =
	    r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg || !*msg)
		msg = PQerrorMessage(st->pg);
	snprintf(st->pgstate, sizeof st->pgstate, "%s", state ? state : "");
	snprintf(st->pgerr, sizeof st->pgerr, "%s",
		 msg && *msg ? msg : "no answer from the database server");
	size_t n = strlen(st->pgerr);
	while (n && (st->pgerr[n - 1] == '\n' || st->pgerr[n - 1] == ' '))
		st->pgerr[--n] = '\0';
	sayso_log(SAYSO_LOG_DEBUG, "%s: PostgreSQL %s: %s", st->path,
		  st->pgstate, st->pgerr);
	return pg_map(st->pgstate);
}

enum sayso_err Sayso_pg_record_again(const struct sayso_store *st)
{
	return pg_map(st->pgstate);
}

bool Sayso_store_err_unique(struct sayso_store *st)
{
	if (st->engine == SAYSO_ENGINE_PG)
		return strcmp(st->pgstate, "23505") == 0;
	int ext = sqlite3_extended_errcode(st->db);
	return ext == SQLITE_CONSTRAINT_UNIQUE ||
	       ext == SQLITE_CONSTRAINT_PRIMARYKEY;
}

bool Sayso_store_err_fk(struct sayso_store *st)
{
	if (st->engine == SAYSO_ENGINE_PG)
		return strcmp(st->pgstate, "23503") == 0;
	return sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_FOREIGNKEY;
}

/* ---- translation and preparation ---- */

/* sql with SQLite's ?N (and bare ?) placeholders as PostgreSQL's $N, outside
 * quoted text, identifiers and comments; *nparams the highest number. */
static char *pg_translate(const char *sql, int *nparams)
{
	size_t n = strlen(sql);
	char *out = malloc(n * 4 + 1);
	if (!out)
		return NULL;
	char *o = out;
	int max = 0;
	char quote = 0;
	for (const char *p = sql; *p;) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			*o++ = *p++;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			*o++ = *p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				*o++ = *p++;
		} else if (*p == '?') {
			p++;
			int k = 0;
			while (*p >= '0' && *p <= '9' && k < 100000)
				k = k * 10 + (*p++ - '0');
			if (k == 0)
				k = max + 1;
			if (k > max)
				max = k;
			o += sprintf(o, "$%d", k);
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	*nparams = max;
	return out;
}

static void free_params(struct sayso_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->pv[i]);
		s->pv[i] = NULL;
		s->plen[i] = 0;
		s->pfmt[i] = 0;
	}
}

static void free_blobs(struct sayso_stmt *s)
{
	for (int i = 0; i < s->nblob; i++) {
		PQfreemem(s->blob[i]);
		s->blob[i] = NULL;
	}
}

static void free_result(struct sayso_stmt *s)
{
	free_blobs(s);
	free(s->blob);
	free(s->bloblen);
	s->blob = NULL;
	s->bloblen = NULL;
	s->nblob = 0;
	PQclear(s->res);
	s->res = NULL;
	s->ran = false;
	s->row = -1;
}

/* Makes the server know s on the current connection. */
static bool pg_prepare(struct sayso_stmt *s)
{
	struct sayso_store *st = s->st;
	if (s->gen == st->pggen)
		return true;
	snprintf(s->name, sizeof s->name, "s%u", ++st->pgnext);
	PGresult *r =
	    PQprepare(st->pg, s->name, s->pgsql, s->nparams, s->ptypes);
	/* A parameter only ever tested with IS NULL (or not used) has no type
	 * PostgreSQL can infer (42P18): it is text, as sayso binds it. A
	 * parameter both tested with IS NULL and compared is written
	 * CAST(?N AS type) IS NULL in the SQL instead. */
	while (PQresultStatus(r) != PGRES_COMMAND_OK && s->ptypes) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		const char *msg =
		    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *d = msg ? strstr(msg, "parameter $") : NULL;
		int k = d ? atoi(d + 11) : 0;
		if (!state || strcmp(state, "42P18") != 0 || k < 1 ||
		    k > s->nparams || s->ptypes[k - 1] == OID_TEXT)
			break;
		s->ptypes[k - 1] = OID_TEXT;
		PQclear(r);
		r = PQprepare(st->pg, s->name, s->pgsql, s->nparams, s->ptypes);
	}
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		Sayso_pg_record(st, r);
	else
		s->gen = st->pggen;
	PQclear(r);
	return ok;
}

static enum sayso_err stmt_new(struct sayso_store *st, const char *sql,
			       struct sayso_stmt **out)
{
	*out = NULL;
	struct sayso_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return Sayso_store_fail(st, SAYSO_ERR_NOMEM, "out of memory");
	s->st = st;
	s->row = -1;
	if (st->engine == SAYSO_ENGINE_SQLITE) {
		if (sqlite3_prepare_v3(st->db, sql, -1,
				       SQLITE_PREPARE_PERSISTENT, &s->lite,
				       NULL) != SQLITE_OK) {
			free(s);
			return Sayso_store_sqlfail(st, "prepare");
		}
		*out = s;
		return SAYSO_OK;
	}
	s->pgsql = pg_translate(sql, &s->nparams);
	if (s->pgsql && s->nparams) {
		s->pv = calloc((size_t)s->nparams, sizeof *s->pv);
		s->plen = calloc((size_t)s->nparams, sizeof *s->plen);
		s->pfmt = calloc((size_t)s->nparams, sizeof *s->pfmt);
		s->ptypes = calloc((size_t)s->nparams, sizeof *s->ptypes);
	}
	if (!s->pgsql ||
	    (s->nparams && (!s->pv || !s->plen || !s->pfmt || !s->ptypes))) {
		Sayso_stmt_finalize(s);
		return Sayso_store_fail(st, SAYSO_ERR_NOMEM, "out of memory");
	}
	/* Prepared on the server at its first step (pg_run), so a lost
	 * connection or a mistake in the SQL is reported where callers look
	 * for the engine's error: the step. */
	*out = s;
	return SAYSO_OK;
}

enum sayso_err Sayso_stmt_prepare(struct sayso_store *st, const char *sql,
				  struct sayso_stmt **out)
{
	return stmt_new(st, sql, out);
}

static void stmt_free(struct sayso_stmt *s, bool deallocate)
{
	if (!s)
		return;
	if (s->lite)
		sqlite3_finalize(s->lite);
	free_result(s);
	if (s->pv)
		free_params(s);
	if (deallocate && s->gen && s->gen == s->st->pggen &&
	    PQstatus(s->st->pg) == CONNECTION_OK) {
		char sql[40];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
		PQclear(PQexec(s->st->pg, sql));
	}
	free(s->pv);
	free(s->plen);
	free(s->pfmt);
	free(s->ptypes);
	free(s->pgsql);
	free(s);
}

void Sayso_stmt_finalize(struct sayso_stmt *s)
{
	stmt_free(s, true);
}

void Sayso_store_free_stmts(struct sayso_store *st)
{
	for (int i = 0; i < st->nstmts; i++)
		stmt_free(st->stmts[i].stmt, false);
	free(st->stmts);
	st->stmts = NULL;
	st->nstmts = 0;
	st->capstmts = 0;
}

static void clear_bindings(struct sayso_stmt *s)
{
	if (s->lite)
		sqlite3_clear_bindings(s->lite);
	else
		free_params(s);
}

struct sayso_stmt *Sayso_store_stmt(struct sayso_store *st, const char *sql)
{
	/* Callers pass string literals, so the pointer almost always finds
	 * the slot; compare text only when no pointer matched. */
	int hit = -1;
	for (int i = 0; i < st->nstmts && hit < 0; i++)
		if (st->stmts[i].sql == sql)
			hit = i;
	for (int i = 0; i < st->nstmts && hit < 0; i++)
		if (strcmp(st->stmts[i].sql, sql) == 0)
			hit = i;
	if (hit >= 0) {
		struct sayso_stmt *s = st->stmts[hit].stmt;
		Sayso_reset(s);
		clear_bindings(s);
		return s;
	}
	struct sayso_stmt *s = NULL;
	if (stmt_new(st, sql, &s) != SAYSO_OK)
		return NULL;
	enum sayso_err e =
	    sayso_array_grow(&st->stmts, &st->capstmts, (size_t)st->nstmts + 1,
			     sizeof *st->stmts, STMT_CACHE_MAX);
	if (e != SAYSO_OK) {
		Sayso_stmt_finalize(s);
		Sayso_store_fail(st, e,
				 "statement cache: %d distinct statements",
				 st->nstmts);
		return NULL;
	}
	st->stmts[st->nstmts].sql = sql;
	st->stmts[st->nstmts].stmt = s;
	st->nstmts++;
	return s;
}

struct sayso_stmt *Sayso_store_stmt2(struct sayso_store *st, const char *lite,
				     const char *pg)
{
	return Sayso_store_stmt(st, st->engine == SAYSO_ENGINE_PG ? pg : lite);
}

/* ---- binding ---- */

/* Takes val (malloc'd; NULL for SQL NULL) as parameter idx. */
static int pg_set(struct sayso_stmt *s, int idx, char *val, int len, int fmt)
{
	if (idx < 1 || idx > s->nparams) {
		free(val);
		return SQLITE_RANGE;
	}
	free(s->pv[idx - 1]);
	s->pv[idx - 1] = val;
	s->plen[idx - 1] = len;
	s->pfmt[idx - 1] = fmt;
	return SAYSO_SQL_OK;
}

static int pg_set_copy(struct sayso_stmt *s, int idx, const void *p, size_t n,
		       int fmt)
{
	char *v = malloc(n + 1);
	if (!v)
		return SQLITE_NOMEM;
	if (n)
		memcpy(v, p, n);
	v[n] = '\0';
	return pg_set(s, idx, v, (int)n, fmt);
}

int Sayso_bind_int64(struct sayso_stmt *s, int idx, int64_t v)
{
	if (s->lite)
		return sqlite3_bind_int64(s->lite, idx, v);
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%" PRId64, v);
	return pg_set_copy(s, idx, buf, (size_t)n, 0);
}

int Sayso_bind_int(struct sayso_stmt *s, int idx, int v)
{
	return Sayso_bind_int64(s, idx, v);
}

int Sayso_bind_double(struct sayso_stmt *s, int idx, double v)
{
	if (s->lite)
		return sqlite3_bind_double(s->lite, idx, v);
	char buf[40];
	int n = snprintf(buf, sizeof buf, "%.17g", v);
	return pg_set_copy(s, idx, buf, (size_t)n, 0);
}

int Sayso_bind_text(struct sayso_stmt *s, int idx, const char *t, int n)
{
	if (!t)
		return Sayso_bind_null(s, idx);
	if (s->lite)
		return sqlite3_bind_text(s->lite, idx, t, n, SQLITE_TRANSIENT);
	size_t len = n < 0 ? strlen(t) : strnlen(t, (size_t)n);
	return pg_set_copy(s, idx, t, len, 0);
}

int Sayso_bind_blob(struct sayso_stmt *s, int idx, const void *b, int n)
{
	if (!b || n < 0)
		return Sayso_bind_null(s, idx);
	if (s->lite)
		return sqlite3_bind_blob(s->lite, idx, b, n, SQLITE_TRANSIENT);
	return pg_set_copy(s, idx, b, (size_t)n, 1);
}

int Sayso_bind_null(struct sayso_stmt *s, int idx)
{
	if (s->lite)
		return sqlite3_bind_null(s->lite, idx);
	return pg_set(s, idx, NULL, 0, 0);
}

int Sayso_bind_col(struct sayso_stmt *dst, int idx, struct sayso_stmt *src,
		   int col)
{
	if (dst->lite && src->lite)
		return sqlite3_bind_value(dst->lite, idx,
					  sqlite3_column_value(src->lite, col));
	switch (Sayso_col_type(src, col)) {
	case SAYSO_SQL_INTEGER:
		return Sayso_bind_int64(dst, idx, Sayso_col_int64(src, col));
	case SAYSO_SQL_FLOAT:
		return Sayso_bind_double(dst, idx, Sayso_col_double(src, col));
	case SAYSO_SQL_BLOB:
		return Sayso_bind_blob(dst, idx, Sayso_col_blob(src, col),
				       Sayso_col_bytes(src, col));
	case SAYSO_SQL_TEXT:
		return Sayso_bind_text(dst, idx,
				       (const char *)Sayso_col_text(src, col),
				       Sayso_col_bytes(src, col));
	default:
		return Sayso_bind_null(dst, idx);
	}
}

int Sayso_bind_text_or_null(struct sayso_stmt *stmt, int idx, const char *s)
{
	if (!s || !*s)
		return Sayso_bind_null(stmt, idx);
	return Sayso_bind_text(stmt, idx, s, -1);
}

/* ---- stepping ---- */

/* A lost connection is made again only between transactions: inside one,
 * the server has already rolled it back and the caller must hear so. */
static void pg_revive(struct sayso_store *st)
{
	if (PQstatus(st->pg) == CONNECTION_OK || st->txdepth || st->readdepth)
		return;
	PQreset(st->pg);
	if (PQstatus(st->pg) != CONNECTION_OK)
		return;
	st->pggen++;
	sayso_log(SAYSO_LOG_WARN, "%s: connected again", st->path);
	(void)Sayso_pg_session(st);
}

static int pg_run(struct sayso_stmt *s)
{
	struct sayso_store *st = s->st;
	pg_revive(st);
	if (!pg_prepare(s))
		return SAYSO_SQL_ERROR;
	s->res =
	    PQexecPrepared(st->pg, s->name, s->nparams,
			   (const char *const *)s->pv, s->plen, s->pfmt, 0);
	ExecStatusType t = PQresultStatus(s->res);
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
		Sayso_pg_record(st, s->res);
		PQclear(s->res);
		s->res = NULL;
		return SAYSO_SQL_ERROR;
	}
	const char *ct = PQcmdTuples(s->res);
	st->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
	s->ran = true;
	s->row = -1;
	s->nblob = PQnfields(s->res);
	if (s->nblob) {
		s->blob = calloc((size_t)s->nblob, sizeof *s->blob);
		s->bloblen = calloc((size_t)s->nblob, sizeof *s->bloblen);
		if (!s->blob || !s->bloblen) {
			free_result(s);
			snprintf(st->pgstate, sizeof st->pgstate, "53200");
			snprintf(st->pgerr, sizeof st->pgerr, "out of memory");
			return SAYSO_SQL_ERROR;
		}
	}
	return SAYSO_SQL_OK;
}

int Sayso_step(struct sayso_stmt *s)
{
	if (s->lite)
		return sqlite3_step(s->lite);
	if (!s->ran) {
		int rc = pg_run(s);
		if (rc != SAYSO_SQL_OK)
			return rc;
	}
	free_blobs(s);
	if (s->row + 1 < PQntuples(s->res)) {
		s->row++;
		return SAYSO_SQL_ROW;
	}
	s->row = PQntuples(s->res);
	return SAYSO_SQL_DONE;
}

void Sayso_reset(struct sayso_stmt *s)
{
	if (s->lite)
		sqlite3_reset(s->lite);
	else
		free_result(s);
}

/* ---- columns ---- */

static bool pg_has(struct sayso_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < PQntuples(s->res) &&
	       col >= 0 && col < PQnfields(s->res);
}

static const char *pg_value(struct sayso_stmt *s, int col)
{
	if (!pg_has(s, col) || PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

int Sayso_col_type(struct sayso_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_type(s->lite, col);
	if (!pg_value(s, col))
		return SAYSO_SQL_NULL;
	switch (PQftype(s->res, col)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
		return SAYSO_SQL_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		return SAYSO_SQL_FLOAT;
	case OID_BYTEA:
		return SAYSO_SQL_BLOB;
	default:
		return SAYSO_SQL_TEXT;
	}
}

int64_t Sayso_col_int64(struct sayso_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_int64(s->lite, col);
	const char *v = pg_value(s, col);
	if (!v)
		return 0;
	if (PQftype(s->res, col) == OID_BOOL)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

int Sayso_col_int(struct sayso_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_int(s->lite, col);
	return (int)Sayso_col_int64(s, col);
}

double Sayso_col_double(struct sayso_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_double(s->lite, col);
	const char *v = pg_value(s, col);
	if (!v)
		return 0;
	if (PQftype(s->res, col) == OID_BOOL)
		return v[0] == 't';
	return strtod(v, NULL);
}

const unsigned char *Sayso_col_text(struct sayso_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_text(s->lite, col);
	if (pg_has(s, col) && PQftype(s->res, col) == OID_BOOL) {
		const char *v = pg_value(s, col);
		return (const unsigned char *)(!v	   ? NULL
					       : *v == 't' ? "1"
							   : "0");
	}
	return (const unsigned char *)pg_value(s, col);
}

const void *Sayso_col_blob(struct sayso_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_blob(s->lite, col);
	const char *v = pg_value(s, col);
	if (!v || PQftype(s->res, col) != OID_BYTEA)
		return v;
	if (!s->blob[col])
		s->blob[col] =
		    PQunescapeBytea((const unsigned char *)v, &s->bloblen[col]);
	return s->blob[col];
}

int Sayso_col_bytes(struct sayso_stmt *s, int col)
{
	if (s->lite)
		return sqlite3_column_bytes(s->lite, col);
	if (!pg_value(s, col))
		return 0;
	if (PQftype(s->res, col) == OID_BYTEA) {
		Sayso_col_blob(s, col);
		return (int)s->bloblen[col];
	}
	return PQgetlength(s->res, s->row, col);
}

int Sayso_col_count(struct sayso_stmt *s)
{
	if (s->lite)
		return sqlite3_column_count(s->lite);
	return s->res ? PQnfields(s->res) : 0;
}

void Sayso_column_copy(struct sayso_stmt *stmt, int col, char *out,
		       size_t outsz)
{
	const unsigned char *t = Sayso_col_text(stmt, col);
	sayso_strlcpy_utf8(out, t ? (const char *)t : "", outsz);
}

/* ---- whole statements ---- */

enum sayso_err Sayso_store_exec(struct sayso_store *st, const char *sql,
				const char *what)
{
	if (st->engine == SAYSO_ENGINE_PG) {
		pg_revive(st);
		PGresult *r = PQexec(st->pg, sql);
		ExecStatusType t = PQresultStatus(r);
		enum sayso_err e = SAYSO_OK;
		if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
			Sayso_pg_record(st, r);
			e = Sayso_store_sqlfail(st, what);
		}
		PQclear(r);
		return e;
	}
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum sayso_err e = Sayso_store_sqlfail(st, what);
		if (msg)
			Sayso_store_fail(st, e, "%s: %s: %s", st->path, what,
					 msg);
		sqlite3_free(msg);
		return e;
	}
	return SAYSO_OK;
}

bool Sayso_store_in_transaction(struct sayso_store *st)
{
	if (st->engine == SAYSO_ENGINE_PG)
		return PQtransactionStatus(st->pg) != PQTRANS_IDLE;
	return !sqlite3_get_autocommit(st->db);
}

int64_t Sayso_store_changes(struct sayso_store *st)
{
	if (st->engine == SAYSO_ENGINE_PG)
		return st->changes;
	return sqlite3_changes64(st->db);
}

int64_t Sayso_store_last_id(struct sayso_store *st)
{
	if (st->engine == SAYSO_ENGINE_SQLITE)
		return sqlite3_last_insert_rowid(st->db);
	/* The session's last identity value: the INSERT just run. */
	PGresult *r = PQexec(st->pg, "SELECT lastval()");
	int64_t id = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		Sayso_pg_record(st, r);
	PQclear(r);
	return id;
}

void Sayso_store_bulk(struct sayso_store *st, bool on, bool nocheck)
{
	if (st->engine != SAYSO_ENGINE_SQLITE)
		return;
	sqlite3_exec(st->db,
		     on ? "PRAGMA cache_size = -262144"
			: "PRAGMA cache_size = -2000",
		     NULL, NULL, NULL);
	sqlite3_exec(st->db,
		     on && nocheck ? "PRAGMA ignore_check_constraints = ON"
				   : "PRAGMA ignore_check_constraints = OFF",
		     NULL, NULL, NULL);
}

int Sayso_step_try(struct sayso_stmt *s)
{
	struct sayso_store *st = s->st;
	bool guard = st->engine == SAYSO_ENGINE_PG &&
		     PQtransactionStatus(st->pg) == PQTRANS_INTRANS;
	if (guard && Sayso_store_exec(st, "SAVEPOINT sayso_try", "savepoint") !=
			 SAYSO_OK)
		return SAYSO_SQL_ERROR;
	int rc = Sayso_step(s);
	if (guard) {
		bool failed = rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE;
		/* Keep the statement's own error, not the savepoint's. */
		char state[sizeof st->pgstate], err[sizeof st->pgerr];
		memcpy(state, st->pgstate, sizeof state);
		memcpy(err, st->pgerr, sizeof err);
		PQclear(PQexec(st->pg, failed
					   ? "ROLLBACK TO SAVEPOINT sayso_try; "
					     "RELEASE SAVEPOINT sayso_try"
					   : "RELEASE SAVEPOINT sayso_try"));
		memcpy(st->pgstate, state, sizeof state);
		memcpy(st->pgerr, err, sizeof err);
	}
	return rc;
}

enum sayso_err Sayso_store_step_done(struct sayso_store *st,
				     struct sayso_stmt *stmt, const char *what)
{
	int rc = Sayso_step(stmt);
	if (rc != SAYSO_SQL_DONE && rc != SAYSO_SQL_ROW) {
		enum sayso_err e = Sayso_store_sqlfail(st, what);
		Sayso_reset(stmt);
		return e;
	}
	Sayso_reset(stmt);
	return SAYSO_OK;
}

enum sayso_err Sayso_store_insert_new(struct sayso_store *st,
				      struct sayso_stmt *stmt, const char *what,
				      const char *exists_fmt, ...)
{
	int rc = Sayso_step_try(stmt);
	if (rc == SAYSO_SQL_DONE || rc == SAYSO_SQL_ROW) {
		Sayso_reset(stmt);
		return SAYSO_OK;
	}
	enum sayso_err e;
	if (Sayso_store_err_unique(st)) {
		char msg[SAYSO_ERRMSG_MAX];
		va_list ap;
		va_start(ap, exists_fmt);
		vsnprintf(msg, sizeof msg, exists_fmt, ap);
		va_end(ap);
		e = Sayso_store_fail(st, SAYSO_ERR_EXISTS, "%s", msg);
	} else {
		e = Sayso_store_sqlfail(st, what);
	}
	Sayso_reset(stmt);
	return e;
}

/*
 * internal.h: what core modules (and white-box tests) share but programs must
 * not use. Programs go through the public headers in core/include/sayso.
 */
#ifndef SAYSO_INTERNAL_H
#define SAYSO_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/store.h"
#include "sayso/tally.h"
#include "sayso/utf8.h"

/* The store's SQLite handle. */
sqlite3 *Sayso_store_sqlite(struct sayso_store *st);

/* Records a formatted detail message on st and returns err. */
enum sayso_err Sayso_store_fail(struct sayso_store *st, enum sayso_err err,
				const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Maps the last SQLite error on st to an enum sayso_err and records
 * "what: sqlite message" as the detail. */
enum sayso_err Sayso_store_sqlfail(struct sayso_store *st, const char *what);

/*
 * A cached prepared statement for sql. sql must have static storage (a string
 * literal or a static table entry): the cache keys on the pointer first and
 * keeps it, it does not copy the text.
 *
 * Lifetime: the statement belongs to st and stays valid until
 * sayso_store_close(); the cache grows and never finalizes a statement
 * early, however many distinct statements the core uses. It is reset and its
 * bindings cleared on every call with the same sql, so a caller must finish
 * with (or copy the columns of) one use before asking for the same sql again,
 * e.g. in a nested loop. Do not finalize it. NULL on error (detail on st:
 * SAYSO_ERR_NOMEM, SAYSO_ERR_TOOBIG past 4096 distinct statements,
 * or the prepare error).
 */
sqlite3_stmt *Sayso_store_stmt(struct sayso_store *st, const char *sql);

/* Runs a statement with no result rows, reset afterwards. */
enum sayso_err Sayso_store_step_done(struct sayso_store *st, sqlite3_stmt *stmt,
				     const char *what);

/* Binds text or NULL when s is NULL or "". */
int Sayso_bind_text_or_null(sqlite3_stmt *stmt, int idx, const char *s);

/* Copies a column's text (or "" for NULL) into out, truncating. */
void Sayso_column_copy(sqlite3_stmt *stmt, int col, char *out, size_t outsz);

/* Current time as ISO text into out (>= SAYSO_TIME_LEN + 1). */
void Sayso_now_text(char *out, size_t outsz);

/* Formats into errbuf (errsz bytes; nothing when errbuf is NULL or errsz 0). */
void Sayso_errbuf_set(char *errbuf, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Shared by the rules (tally.c, mes.c): a result for e under rule with every
 * project unselected (SAYSO_ERR_NOMEM), and selecting project p into it. */
enum sayso_err Sayso_tally_init(const struct sayso_election *e,
				enum sayso_rule rule, struct sayso_tally *t);
void Sayso_tally_select(const struct sayso_election *e, struct sayso_tally *t,
			size_t p);

/* Issues (partner.c): the two kinds an issue reference can name. */
enum sayso_issue_kind { SAYSO_ISSUE_REPORT, SAYSO_ISSUE_WALK };

/* Called inside the transaction that created issue id of kind: gives it
 * its partner by the routing rule (with the first partner-history row,
 * actor "routing") and links it as a likely duplicate when an open issue
 * of the same kind, category and street was made in the SAYSO_DUP_DAYS
 * days before at (ISO text). */
enum sayso_err Sayso_issue_created(struct sayso_store *st,
				   enum sayso_issue_kind kind, int64_t id,
				   const char *category, const char *street,
				   const char *at);

/* Migrations embedded at build time (core/cmake/embed.cmake). */
#include "migrations.h"

#endif

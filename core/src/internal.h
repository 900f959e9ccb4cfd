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
#include "sayso/identity.h"
#include "sayso/round.h"
#include "sayso/store.h"
#include "sayso/tally.h"
#include "sayso/utf8.h"

/* ---- the SQL layer (sql.c): every statement on either engine ----
 *
 * Modules write SQL once, in the dialect both engines share (SQLite 3.40,
 * PostgreSQL 15): numbered placeholders ?1 ?2 (PostgreSQL receives $1 $2),
 * INSERT ... ON CONFLICT ... DO NOTHING / DO UPDATE, RETURNING, coalesce,
 * ISO-8601 text for times. The few statements the dialects cannot share are
 * given once per engine (Sayso_store_stmt2). Nothing outside the store layer
 * calls sqlite3_* or PQ* on the site's database.
 */
enum sayso_engine { SAYSO_ENGINE_SQLITE, SAYSO_ENGINE_PG };
enum sayso_engine Sayso_store_engine(const struct sayso_store *st);

struct sayso_stmt;

/* What Sayso_step returns (SQLite's own values), and column types. */
#define SAYSO_SQL_OK 0
#define SAYSO_SQL_ERROR 1
#define SAYSO_SQL_ROW 100
#define SAYSO_SQL_DONE 101
#define SAYSO_SQL_INTEGER 1
#define SAYSO_SQL_FLOAT 2
#define SAYSO_SQL_TEXT 3
#define SAYSO_SQL_BLOB 4
#define SAYSO_SQL_NULL 5

/* The SQLite handle of a SQLite store (NULL on PostgreSQL). For the store
 * layer and the few SQLite-file jobs (a kiosk file's integrity check). */
sqlite3 *Sayso_store_sqlite(struct sayso_store *st);

/* Records a formatted detail message on st and returns err. */
enum sayso_err Sayso_store_fail(struct sayso_store *st, enum sayso_err err,
				const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Maps the last database error on st to an enum sayso_err and records
 * "what: engine message" as the detail. */
enum sayso_err Sayso_store_sqlfail(struct sayso_store *st, const char *what);

/* Whether the last failure on st was a UNIQUE or PRIMARY KEY violation. */
bool Sayso_store_err_unique(struct sayso_store *st);
/* Whether it was a FOREIGN KEY violation. */
bool Sayso_store_err_fk(struct sayso_store *st);

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
struct sayso_stmt *Sayso_store_stmt(struct sayso_store *st, const char *sql);

/* The same for a statement the dialects write differently: lite on SQLite,
 * pg on PostgreSQL (both static, both with the same placeholders and
 * result columns). */
struct sayso_stmt *Sayso_store_stmt2(struct sayso_store *st, const char *lite,
				     const char *pg);

/* An uncached statement for SQL built at run time; the caller finalizes it
 * (Sayso_stmt_finalize, NULL is a no-op). Errors with detail on st. */
enum sayso_err Sayso_stmt_prepare(struct sayso_store *st, const char *sql,
				  struct sayso_stmt **out);
void Sayso_stmt_finalize(struct sayso_stmt *s);

/* Binding (1-based, like SQLite). Text and blobs are copied; n < 0 means
 * up to the NUL. 0 on success. */
int Sayso_bind_int64(struct sayso_stmt *s, int idx, int64_t v);
int Sayso_bind_int(struct sayso_stmt *s, int idx, int v);
int Sayso_bind_double(struct sayso_stmt *s, int idx, double v);
int Sayso_bind_text(struct sayso_stmt *s, int idx, const char *t, int n);
int Sayso_bind_blob(struct sayso_stmt *s, int idx, const void *b, int n);
int Sayso_bind_null(struct sayso_stmt *s, int idx);
/* Binds column col of src's current row (its type kept) to dst's idx. */
int Sayso_bind_col(struct sayso_stmt *dst, int idx, struct sayso_stmt *src,
		   int col);

/* Runs s (the first call) and moves to its next row: SAYSO_SQL_ROW,
 * SAYSO_SQL_DONE, or another value on error (Sayso_store_sqlfail tells
 * which). Reset keeps the bindings and discards the rows. */
int Sayso_step(struct sayso_stmt *s);
void Sayso_reset(struct sayso_stmt *s);

/* Sayso_step for a statement that may fail and be carried on from (a
 * UNIQUE violation meaning "already there"): on PostgreSQL, inside a
 * transaction, a savepoint keeps the transaction usable after it fails. */
int Sayso_step_try(struct sayso_stmt *s);

/* The current row's columns (0-based). Text is valid until the next step
 * or reset; NULL reads as 0, "" (text NULL pointer) or no bytes. A
 * PostgreSQL boolean reads as 1 or 0. */
int64_t Sayso_col_int64(struct sayso_stmt *s, int col);
int Sayso_col_int(struct sayso_stmt *s, int col);
double Sayso_col_double(struct sayso_stmt *s, int col);
const unsigned char *Sayso_col_text(struct sayso_stmt *s, int col);
const void *Sayso_col_blob(struct sayso_stmt *s, int col);
int Sayso_col_bytes(struct sayso_stmt *s, int col);
int Sayso_col_type(struct sayso_stmt *s, int col); /* SAYSO_SQL_* */
int Sayso_col_count(struct sayso_stmt *s);

/* Whether the engine has a transaction open on st (of either kind). */
bool Sayso_store_in_transaction(struct sayso_store *st);

/* Statements with no parameters and no rows (DDL, several at once). */
enum sayso_err Sayso_store_exec(struct sayso_store *st, const char *sql,
				const char *what);

/* Rows changed by the last INSERT, UPDATE or DELETE on st; the id the last
 * INSERT into a table with an identity/rowid key gave. */
int64_t Sayso_store_changes(struct sayso_store *st);
int64_t Sayso_store_last_id(struct sayso_store *st);

/* Bulk work (a merge, an import): on SQLite a large page cache (and, with
 * nocheck, CHECK constraints not re-evaluated for rows the caller has
 * checked); nothing on PostgreSQL. off restores the defaults. */
void Sayso_store_bulk(struct sayso_store *st, bool on, bool nocheck);

/* Runs a statement with no result rows, reset afterwards. */
enum sayso_err Sayso_store_step_done(struct sayso_store *st,
				     struct sayso_stmt *stmt, const char *what);

/* Runs an INSERT that must make a new row, reset afterwards: SAYSO_OK;
 * SAYSO_ERR_EXISTS with exists_fmt's sentence as the detail on st when a
 * UNIQUE or PRIMARY KEY constraint refuses it ("a round with code 'x'
 * already exists"), the enclosing transaction still usable on either
 * engine; any other failure as "what: engine message". */
enum sayso_err Sayso_store_insert_new(struct sayso_store *st,
				      struct sayso_stmt *stmt, const char *what,
				      const char *exists_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Binds text or NULL when s is NULL or "". */
int Sayso_bind_text_or_null(struct sayso_stmt *stmt, int idx, const char *s);

/* Copies a column's text (or "" for NULL) into out, truncating. */
void Sayso_column_copy(struct sayso_stmt *stmt, int col, char *out,
		       size_t outsz);

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

/* ---- the kiosk chain (devlog.c) ---- */

/* What a chain entry records. */
enum sayso_devlog_kind {
	SAYSO_DEVLOG_BALLOT,
	SAYSO_DEVLOG_RATING,
	SAYSO_DEVLOG_REPORT,
};
#define SAYSO_DEVKEY_LEN 32

/* The device key of an enrolled kiosk's store (read from <database>.key at
 * open), or NULL for any other store, and its enrolment uid ("" if none). */
const unsigned char *Sayso_store_devkey(const struct sayso_store *st);

/*
 * Appends the chain entry for row uid of kind, which st has just written or
 * changed, when st is an enrolled kiosk's store (a no-op otherwise). Every
 * insert path a kiosk uses calls this, inside the write's own transaction,
 * after the row (and its items or held messages) is complete. Storage and
 * crypto errors (the caller rolls back the write).
 */
enum sayso_err Sayso_devlog_note(struct sayso_store *st,
				 enum sayso_devlog_kind kind, const char *uid);

/* What Sayso_devlog_verify found besides tampering. */
struct sayso_devlog_verdict {
	int64_t entries;  /* chain entries */
	int64_t last_seq; /* 0 for an empty chain */
	unsigned char last_mac[32];
	bool clock_bad;	     /* the kiosk's clock cannot be trusted */
	char clock_why[240]; /* why, naming the row */
	bool continues;	     /* the chain passes through check_seq with
				check_mac (or check_seq is 0 or beyond
				last_seq) */
};

/* A kiosk file's ballots as the chain check read them (one ordered scan of
 * ballots and one of their items), so that a merge reads the file once.
 * Rounds and projects are the file's own rows, by their id; a ballot's
 * items are items[item0 .. item0 + nitems), in (rank, project number)
 * order; text columns are copied as Sayso_column_copy does (NULL as ""). */
struct sayso_kiosk_round {
	int64_t id;
	char uid[40];
	char code[SAYSO_CODE_MAX];
};
struct sayso_kiosk_project {
	int64_t id;
	char *uid; /* NULL for a NULL uid */
	char *title;
	int number;
	int64_t cost;
};
struct sayso_kiosk_item {
	size_t project; /* into projects */
	int points;
	int64_t rank;
};
struct sayso_kiosk_ballot {
	int64_t id;
	int64_t seq;  /* the newest chain entry naming its uid (0: none) */
	size_t round; /* into rounds */
	size_t item0, nitems;
	enum sayso_channel channel; /* SAYSO_CH_KIOSK when unreadable */
	bool has_uid;		    /* uid is not NULL */
	char uid[SAYSO_UID_LEN + 8];
	char resident[SAYSO_RESIDENT_ID_LEN + 8];
	char kind[8]; /* residents.kind in the file */
	char cast_at[SAYSO_TIME_LEN + 8];
};
struct sayso_kiosk_rows {
	struct sayso_kiosk_round *rounds;
	struct sayso_kiosk_project *projects;
	struct sayso_kiosk_item *items;
	struct sayso_kiosk_ballot *ballots; /* in id order */
	size_t nrounds, nprojects, nitems, nballots, capitems, capballots;
};
void Sayso_kiosk_rows_free(struct sayso_kiosk_rows *kr);

/*
 * Verifies the chain of src (an enrolled kiosk's file opened read-only)
 * under key: every entry's MAC in order from seq 1 with no gap, every row's
 * current canonical form against its newest entry, and every ballot, rating
 * and report row having an entry. The kiosk's clock (each entry's time) must
 * run forward (5 minutes' slack) and lie in [lo_ms, hi_ms]; otherwise
 * clock_bad. SAYSO_ERR_AUTH when any row was inserted, altered or removed
 * outside the kiosk program: why (whysz bytes) names the reason and the rows
 * (at most 5, then a count). Storage errors on src (detail on src).
 * With kr (zeroed by the caller; NULL for none), the ballots it read are
 * kept there whatever the verdict (free with Sayso_kiosk_rows_free); after
 * SAYSO_OK each has a seq, and a distinct uid.
 */
enum sayso_err Sayso_devlog_verify(struct sayso_store *src,
				   const unsigned char *key,
				   const char *enrolment, int64_t lo_ms,
				   int64_t hi_ms, int64_t check_seq,
				   const unsigned char *check_mac,
				   struct sayso_devlog_verdict *v, char *why,
				   size_t whysz, struct sayso_kiosk_rows *kr);

/* Whether a merge runs the kiosk file's integrity check in a thread beside
 * the chain check and the casts (merge.c, struct icheck): 0 (the default)
 * when a core is free, 1 whenever it may, -1 never. White-box tests set 1
 * and -1 to compare the two. */
extern int Sayso_merge_check_beside;

/* The 32-byte pad that seals enrolment uid's device key in the site
 * database: HMAC-SHA256(secret, "sayso-kiosk-key" uid). */
enum sayso_err Sayso_devlog_key_pad(const unsigned char *secret,
				    const char *enrolment, unsigned char *pad);

/* The erasure tombstone of resident_id (hex HMAC-SHA256(secret,
 * "sayso-erased" resident_id); out >= SAYSO_HEX256_MAX). */
enum sayso_err Sayso_erase_tomb(const unsigned char *secret,
				const char *resident_id, char *out);

/*
 * Bulk work inside one transaction (a merge): with on, transactions begun
 * deeper than the current depth take no savepoint, and their rollback undoes
 * nothing by itself; the caller must then roll back its own level on any
 * error (it always does: an error inside aborts the whole bulk job). Saves
 * SQLite copying every page a row touches into a sub-journal per row. off
 * (before the caller's own commit or rollback) restores savepoints.
 */
void Sayso_store_flatten(struct sayso_store *st, bool on);

/* Steps s, a prepared query of ballots giving (status, channel, count,
 * min(cast_at), max(cast_at)) rows, adding them into out (not zeroed), and
 * resets it: sayso_ballot_counts() and sayso_stats_ballot_counts() share
 * the counting. SAYSO_ERR_CORRUPT for an unknown status or channel. */
struct sayso_ballot_counts;
enum sayso_err Sayso_ballot_counts_rows(struct sayso_store *st,
					struct sayso_stmt *s,
					struct sayso_ballot_counts *out);

/* sayso_ballot_cast() for a round and its projects the caller has already
 * read (a merge casts many ballots into one round): the same rules, the same
 * outcome. r and projects must be current (read in the caller's
 * transaction). */
struct sayso_round;
struct sayso_project;
struct sayso_ballot_in;
struct sayso_cast_result;
enum sayso_err Sayso_ballot_cast_round(struct sayso_store *st,
				       const struct sayso_round *r,
				       const struct sayso_project *projects,
				       size_t np,
				       const struct sayso_ballot_in *in,
				       struct sayso_cast_result *res);

/* Replaces a freshly initialised store's secret (and its file) with secret:
 * an enrolled kiosk keys resident ids like its site. */
enum sayso_err Sayso_store_adopt_secret(struct sayso_store *st,
					const unsigned char *secret);

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

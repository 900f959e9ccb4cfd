/*
 * store_impl.h: the store handle itself, shared by the store layer's own
 * files only (store.c: opening, transactions, secrets; sql.c: statements on
 * either engine; store_pg.c: the PostgreSQL connection). Modules see the
 * handle through internal.h's functions, never these fields.
 */
#ifndef SAYSO_STORE_IMPL_H
#define SAYSO_STORE_IMPL_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "internal.h"
#include "sayso/identity.h"
#include "sayso/store.h"

struct stmt_slot {
	const char *sql;
	struct sayso_stmt *stmt;
};

struct sayso_store {
	enum sayso_engine engine;
	sqlite3 *db;	 /* SAYSO_ENGINE_SQLITE */
	PGconn *pg;	 /* SAYSO_ENGINE_PG */
	unsigned pggen;	 /* bumped when the connection is made again: every
			    statement prepared before is prepared again */
	unsigned pgnext; /* statement names s1, s2, ... */
	char pgstate[6]; /* SQLSTATE of the last failure */
	char pgerr[SAYSO_ERRMSG_MAX]; /* its message */
	int64_t changes;	      /* rows the last statement changed */
	int busy_ms;		      /* PostgreSQL: lock_timeout */
	char path[1024]; /* file path, or the URI without password */
	char secret_path[SAYSO_AUXPATH_MAX];
	char errmsg[SAYSO_ERRMSG_MAX];
	unsigned char secret[SAYSO_SECRET_LEN];
	bool have_secret;
	char site_check[SAYSO_HEX256_MAX];
	char device[SAYSO_DEVICE_MAX];
	char enrolment[SAYSO_UID_LEN + 1]; /* an enrolled kiosk's, or "" */
	unsigned char devkey[SAYSO_DEVKEY_LEN];
	bool have_devkey;
	int txdepth;
	int flatdepth;	/* > 0: begins nested deeper take no savepoint */
	int readdepth;	/* sayso_store_read_begin nesting */
	bool readowner; /* read_begin opened the transaction */
	bool readonly;
	struct stmt_slot *stmts;
	int nstmts;
	size_t capstmts;
};

/* sql.c: finalizes every cached statement (before closing the engine). */
void Sayso_store_free_stmts(struct sayso_store *st);

/* sql.c: records the failure of a PostgreSQL result (NULL: the
 * connection's own error) as the store's last error; returns the mapped
 * error. */
enum sayso_err Sayso_pg_record(struct sayso_store *st, const PGresult *r);
/* The mapped error of the failure already recorded. */
enum sayso_err Sayso_pg_record_again(const struct sayso_store *st);

/* store_pg.c: the PostgreSQL engine's parts of opening and checking. */
enum sayso_err Sayso_pg_connect(struct sayso_store *st, const char *uri);
/* Sets the session up (again, after a reconnection): UTF-8,
 * synchronous_commit on, lock_timeout, the client's time zone. */
enum sayso_err Sayso_pg_session(struct sayso_store *st);
int Sayso_pg_schema_version(struct sayso_store *st); /* -1 on error */
int Sayso_pg_schema_latest(void);
/* SAYSO_ERR_NOT_SAYSO when the schema holds others' tables; *empty when
 * it holds none. */
enum sayso_err Sayso_pg_identity(struct sayso_store *st, bool *empty);
/* Applies every PostgreSQL migration past version have (in the caller's
 * write transaction). */
enum sayso_err Sayso_pg_migrate(struct sayso_store *st, int have);
/* What begins a write transaction. */
const char *Sayso_pg_begin_sql(void);
enum sayso_err Sayso_pg_check(struct sayso_store *st, bool *ok, char *report,
			      size_t reportsz);

#endif

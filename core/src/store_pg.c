/*
 * store_pg.c: the store on PostgreSQL (a city's shared database).
 *
 * Design: one libpq connection per store handle, made from the URI that
 * [site] database or --db gives (postgresql://user@host:port/db, with
 * PGPASSWORD, ~/.pgpass, sslmode and the other libpq settings honoured).
 * The session is pinned to what the rules need: UTF-8, synchronous_commit
 * on (a resident's vote is on the standby's disk too before anyone says
 * thank you, when the server is set up for it), the client's time zone, a
 * lock_timeout in place of SQLite's busy_timeout.
 *
 * Migrations are the files of core/sql/pg, embedded like SQLite's, each
 * carrying the schema version it brings the database to; the table
 * schema_migrations records each one applied (PostgreSQL has no
 * user_version). The version numbers are shared with core/sql, so a site
 * moves between engines at the same version.
 *
 * Write transactions take one transaction-level advisory lock (per schema,
 * so a site is one schema): every
 * read-decide-write runs alone, exactly as BEGIN IMMEDIATE makes it on
 * SQLite, so the one-vote rule needs no retry loop and never reports a
 * serialization failure to a resident. Readers are not blocked (MVCC). The
 * partial unique index on ballots backs the rule up on both engines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/log.h"
#include "store_impl.h"

/* "SAYS": the one advisory lock key of sayso's write transactions. */
#define PG_WRITE_LOCK "1396791635"

bool sayso_store_is_server(const char *database)
{
	return database && (strncmp(database, "postgresql://", 13) == 0 ||
			    strncmp(database, "postgres://", 11) == 0);
}

/* uri without its password, for messages and sayso_store_path(). */
static void redact(const char *uri, char *out, size_t outsz)
{
	const char *scheme = strstr(uri, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (at && colon && colon < at)
		snprintf(out, outsz, "%.*s:***%s", (int)(colon - uri), uri, at);
	else
		snprintf(out, outsz, "%s", uri);
	char *q = strstr(out, "password=");
	if (q) {
		char *end = strchr(q, '&');
		snprintf(q, outsz - (size_t)(q - out), "password=***%s",
			 end ? end : "");
	}
}

enum sayso_err Sayso_pg_session(struct sayso_store *st)
{
	char sql[256];
	const char *tz = getenv("TZ");
	/* A time zone name only (letters, digits, / _ + -): never quoted
	 * text from the environment into SQL. */
	bool tz_ok = tz && *tz && strlen(tz) < 64;
	for (const char *p = tz; tz_ok && *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
			tz_ok = false;
	snprintf(sql, sizeof sql,
		 "SET client_encoding = 'UTF8'; SET synchronous_commit = on; "
		 "SET lock_timeout = %d; SET TIME ZONE %s%s%s",
		 st->busy_ms, tz_ok ? "'" : "", tz_ok ? tz : "LOCAL",
		 tz_ok ? "'" : "");
	return Sayso_store_exec(st, sql, "set up the session");
}

/* libpq's notices and warnings go to the program's log, not stderr. */
static void on_notice(void *arg, const char *message)
{
	const struct sayso_store *st = arg;
	size_t n = strlen(message);
	while (n && message[n - 1] == '\n')
		n--;
	sayso_log(SAYSO_LOG_WARN, "%s: %.*s", st->path, (int)n, message);
}

enum sayso_err Sayso_pg_connect(struct sayso_store *st, const char *uri)
{
	st->engine = SAYSO_ENGINE_PG;
	redact(uri, st->path, sizeof st->path);
	/* Defaults the URI may override (it is expanded last): give up on
	 * a server that does not answer in 10 s, and on a connection whose
	 * network dropped (unacknowledged data after 5 s, keepalives after
	 * 15 s idle), rather than wait minutes for the kernel. */
	const char *const keys[] = {"connect_timeout",
				    "tcp_user_timeout",
				    "keepalives",
				    "keepalives_idle",
				    "keepalives_interval",
				    "keepalives_count",
				    "fallback_application_name",
				    "dbname",
				    NULL};
	const char *const vals[] = {"10", "5000",  "1", "15", "5",
				    "3",  "sayso", uri, NULL};
	st->pg = PQconnectdbParams(keys, vals, 1);
	if (!st->pg)
		return Sayso_store_fail(st, SAYSO_ERR_NOMEM, "out of memory");
	st->pggen = 1;
	PQsetNoticeProcessor(st->pg, on_notice, st);
	if (PQstatus(st->pg) != CONNECTION_OK) {
		Sayso_pg_record(st, NULL);
		return Sayso_store_fail(
		    st, SAYSO_ERR_IO,
		    "%s: cannot connect to the database server: %s", st->path,
		    st->pgerr);
	}
	if (PQserverVersion(st->pg) < 150000)
		return Sayso_store_fail(st, SAYSO_ERR_UNSUPPORTED,
					"%s: PostgreSQL %d.%d is too old; "
					"sayso needs 15 or newer",
					st->path,
					PQserverVersion(st->pg) / 10000,
					PQserverVersion(st->pg) % 10000);
	return Sayso_pg_session(st);
}

/* One value of a query without parameters as an integer, or -1. */
static int64_t pg_int(struct sayso_store *st, const char *sql)
{
	PGresult *r = PQexec(st->pg, sql);
	int64_t v = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else if (PQresultStatus(r) != PGRES_TUPLES_OK)
		Sayso_pg_record(st, r);
	PQclear(r);
	return v;
}

int Sayso_pg_schema_version(struct sayso_store *st)
{
	int64_t has = pg_int(st, "SELECT count(*) FROM pg_catalog.pg_tables "
				 "WHERE schemaname = current_schema() AND "
				 "tablename = 'schema_migrations'");
	if (has <= 0)
		return (int)has; /* 0: none yet; -1: error */
	int64_t v = pg_int(st, "SELECT coalesce(max(version), 0) FROM "
			       "schema_migrations");
	return v < 0 ? -1 : (int)v;
}

int Sayso_pg_schema_latest(void)
{
	int v = 0;
	for (int i = 0; i < Sayso_pg_migration_count; i++)
		if (Sayso_pg_migrations[i].version > v)
			v = Sayso_pg_migrations[i].version;
	return v;
}

enum sayso_err Sayso_pg_identity(struct sayso_store *st, bool *empty)
{
	int v = Sayso_pg_schema_version(st);
	if (v < 0)
		return Sayso_store_sqlfail(st, "read schema version");
	int64_t tables = pg_int(st, "SELECT count(*) FROM pg_catalog.pg_tables "
				    "WHERE schemaname = current_schema()");
	if (tables < 0)
		return Sayso_store_sqlfail(st, "list tables");
	*empty = tables == 0;
	if (v == 0 && tables > 0)
		return Sayso_store_fail(st, SAYSO_ERR_NOT_SAYSO,
					"%s: not a sayso database (its schema "
					"holds other tables)",
					st->path);
	return SAYSO_OK;
}

/* Applies one migration and records it, inside the caller's transaction. */
static enum sayso_err apply_one(struct sayso_store *st,
				const struct sayso_pg_migration *m)
{
	enum sayso_err e = Sayso_store_exec(st, m->sql, m->name);
	if (e != SAYSO_OK)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO schema_migrations(version, name, applied_at) "
		"VALUES(?1, ?2, ?3)");
	if (!s)
		return SAYSO_ERR_DB;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	Sayso_bind_int(s, 1, m->version);
	Sayso_bind_text(s, 2, m->name, -1);
	Sayso_bind_text(s, 3, now, -1);
	e = Sayso_store_step_done(st, s, "record migration");
	if (e == SAYSO_OK)
		sayso_log(SAYSO_LOG_INFO, "%s: applied migration %s", st->path,
			  m->name);
	return e;
}

enum sayso_err Sayso_pg_migrate(struct sayso_store *st, int have)
{
	enum sayso_err e =
	    Sayso_store_exec(st,
			     "CREATE TABLE IF NOT EXISTS schema_migrations ("
			     "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
			     "applied_at TEXT NOT NULL)",
			     "create schema_migrations");
	if (e != SAYSO_OK)
		return e;
	for (int i = 0; i < Sayso_pg_migration_count; i++) {
		if (Sayso_pg_migrations[i].version <= have)
			continue;
		if ((e = apply_one(st, &Sayso_pg_migrations[i])) != SAYSO_OK)
			return e;
	}
	return SAYSO_OK;
}

const char *Sayso_pg_begin_sql(void)
{
	/* Keyed by the schema too: sites sharing one database (a schema
	 * each) do not wait for each other. */
	return "BEGIN ISOLATION LEVEL READ COMMITTED; "
	       "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK
	       ", hashtext(current_schema()))";
}

enum sayso_err Sayso_pg_check(struct sayso_store *st, bool *ok, char *report,
			      size_t reportsz)
{
	*ok = true;
	int64_t n = pg_int(st, "SELECT count(*) FROM pg_catalog.pg_index i "
			       "JOIN pg_catalog.pg_class c ON c.oid = "
			       "i.indexrelid JOIN pg_catalog.pg_namespace s ON "
			       "s.oid = c.relnamespace WHERE s.nspname = "
			       "current_schema() AND NOT i.indisvalid");
	if (n < 0)
		return Sayso_store_sqlfail(st, "check indexes");
	if (n > 0)
		*ok = false;
	snprintf(report, reportsz,
		 "server: PostgreSQL %d.%d (checksums and WAL on the server; "
		 "pg_amcheck checks pages and indexes)\n"
		 "indexes: %s\nforeign keys: enforced by the server\n",
		 PQserverVersion(st->pg) / 10000,
		 PQserverVersion(st->pg) % 10000,
		 n ? "some are invalid (REINDEX them)" : "ok");
	return SAYSO_OK;
}

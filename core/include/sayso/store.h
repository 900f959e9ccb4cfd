/*
 * store.h: the SQLite store every sayso program shares.
 *
 * One database file holds a site's rounds, ballots, ratings, reports, SMS
 * inbox/outbox and audit log. Kiosk, SMS gateway and admin may have it open at
 * the same time: WAL, busy_timeout, and every decision that must be atomic
 * (one vote per resident) runs inside BEGIN IMMEDIATE. synchronous=FULL: what
 * a resident submitted is on disk before anyone says "thank you".
 * secure_delete is on so an erased phone number does not linger in free pages.
 *
 * Beside the database lives the site secret (<database>.secret, 32 random
 * bytes, mode 0600), the key of every resident id. The database records a
 * check value of the secret, so a wrong secret or a kiosk database from
 * another site is refused.
 */
#ifndef SAYSO_STORE_H
#define SAYSO_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/identity.h"
#include "sayso/limits.h"

struct sayso_store;

#define SAYSO_UID_LEN 26  /* ULID-style, Crockford base32 */
#define SAYSO_TIME_LEN 24 /* "2026-11-23T10:15:00.123Z" */
#define SAYSO_ERRMSG_MAX 512

enum sayso_channel {
	SAYSO_CH_KIOSK,
	SAYSO_CH_SMS,
	SAYSO_CH_PAPER,
	SAYSO_CH_IMPORT,
};

/* "kiosk", "sms", "paper", "import". */
const char *sayso_channel_name(enum sayso_channel ch);
/* Parses one of those names. SAYSO_ERR_INVAL otherwise. */
enum sayso_err sayso_channel_parse(const char *s, enum sayso_channel *out);

/* How long a write waits for another program's lock before failing with
 * SAYSO_ERR_BUSY (default 10 s). A kiosk sets it short so a resident sees a
 * calm message instead of a frozen screen. */
void sayso_store_set_busy_timeout(struct sayso_store *st, int ms);

/* Replaces the busy timeout with fn(ud, attempts): nonzero waits and tries
 * again, 0 gives up with SAYSO_ERR_BUSY (a daemon keeps serving while it
 * waits). */
void sayso_store_set_busy_handler(struct sayso_store *st,
				  int (*fn)(void *ud, int attempts), void *ud);

/*
 * Copies the WAL into the database and truncates it to zero bytes
 * (wal_checkpoint(TRUNCATE)), with journal_size_limit = 0, so rows just
 * overwritten (secure_delete) leave no old copy in <database>-wal. Call
 * after erasing personal data; outside a transaction. SAYSO_ERR_BUSY when
 * a reader kept it from finishing (try again later); a no-op for memory
 * stores.
 */
enum sayso_err sayso_store_checkpoint(struct sayso_store *st);

/* Open flags. */
#define SAYSO_STORE_INIT                                                       \
	0x1 /* create db + secret; SAYSO_ERR_EXISTS if either exists */
#define SAYSO_STORE_CREATE                                                     \
	0x2 /* create both when neither exists (kiosk, smsgw) */
#define SAYSO_STORE_READONLY                                                   \
	0x4 /* no writes, no migrations (backups, merge sources) */
#define SAYSO_STORE_NOSECRET                                                   \
	0x8 /* open without reading the secret (merge sources, check) */

/*
 * Opens (and migrates) the database at path. ":memory:" gives a private
 * in-memory store with a fresh random secret (tests). On failure *out is NULL
 * and errbuf (may be NULL) holds a sentence naming the file.
 * Errors: SAYSO_ERR_NOT_SAYSO (some other SQLite or non-SQLite file),
 * SAYSO_ERR_SCHEMA (newer than this build), SAYSO_ERR_SECRET, SAYSO_ERR_EXISTS
 * (INIT over an existing file), SAYSO_ERR_IO, SAYSO_ERR_READONLY, ...
 */
enum sayso_err sayso_store_open(const char *path, unsigned flags,
				struct sayso_store **out, char *errbuf,
				size_t errsz);

/*
 * The same, with the site secret at secret (NULL or "": <database>.secret
 * beside a file). path may also be a PostgreSQL connection URI
 * (postgresql://user@host:port/dbname?sslmode=..., password from
 * PGPASSWORD or ~/.pgpass): the site's shared database, whose secret is
 * never in the database, so secret is required (SAYSO_ERR_SECRET
 * otherwise). INIT and CREATE make the schema in an empty database;
 * SAYSO_ERR_NOT_SAYSO when it holds other tables; SAYSO_ERR_IO when the
 * server cannot be reached.
 */
enum sayso_err sayso_store_open_at(const char *path, const char *secret,
				   unsigned flags, struct sayso_store **out,
				   char *errbuf, size_t errsz);

/* Whether database names a PostgreSQL server (postgresql:// or
 * postgres://) rather than a file. */
bool sayso_store_is_server(const char *database);

/* Closes and frees. NULL is a no-op. */
void sayso_store_close(struct sayso_store *st);

/* Detail of the last failure on st; valid until the next call on st. */
const char *sayso_store_errmsg(const struct sayso_store *st);

/* Path of the site secret file ("" for memory stores). */
const char *sayso_store_secret_path(const struct sayso_store *st);

/* Path of the database file (":memory:" for memory stores; a PostgreSQL
 * URI without its password). */
const char *sayso_store_path(const struct sayso_store *st);

/* The 32-byte site secret (NULL when opened with SAYSO_STORE_NOSECRET). */
const unsigned char *sayso_store_secret(const struct sayso_store *st);

/* Hex check value of the site secret recorded in the database. */
const char *sayso_store_site_check(const struct sayso_store *st);

/* Replaces a memory store's secret (tests, and kiosks given a site secret). */
enum sayso_err sayso_store_set_secret(struct sayso_store *st,
				      const unsigned char *secret);

/* Schema version (PRAGMA user_version) and the newest this build knows. */
int sayso_store_schema_version(struct sayso_store *st);
int sayso_store_schema_latest(void);

/*
 * This process's device id (kiosk id, "smsgw", "admin"), stamped on every row
 * a resident creates through st. Registers it in the devices table.
 * kind is "kiosk", "smsgw", "admin" or "import".
 */
enum sayso_err sayso_store_set_device(struct sayso_store *st, const char *id,
				      const char *kind);
/* Whether id is a valid device id: 1 to SAYSO_DEVICE_MAX - 1 of
 * [A-Za-z0-9-_.:]. The one check (store, config, programs). */
bool sayso_device_id_valid(const char *id);
const char *sayso_store_device(const struct sayso_store *st);
/* The enrolment uid of an enrolled kiosk's database (sayso-admin kiosk
 * enrol), or "" for any other. On an enrolled store the device id is the
 * enrolled one: sayso_store_set_device() refuses another kiosk id
 * (SAYSO_ERR_INVAL) and the SMS gateway or an import (SAYSO_ERR_STATE), and
 * accepts "admin" without changing it. Valid while st is open. */
const char *sayso_store_enrolment(const struct sayso_store *st);

/*
 * Transactions. begin is BEGIN IMMEDIATE (takes the write lock at once, so
 * read-decide-write cannot race another process); nested calls become
 * savepoints. Every begin needs exactly one commit or rollback.
 */
enum sayso_err sayso_store_begin(struct sayso_store *st);
enum sayso_err sayso_store_commit(struct sayso_store *st);
void sayso_store_rollback(struct sayso_store *st);

/*
 * A read transaction: every query between read_begin and read_end sees one
 * consistent snapshot (a deferred BEGIN; it takes no write lock). Inside a
 * write transaction, or nested in another read, it only counts. Each
 * read_begin needs exactly one read_end; a write transaction
 * (sayso_store_begin) cannot start inside a read (SAYSO_ERR_STATE). read_end
 * cannot fail.
 */
enum sayso_err sayso_store_read_begin(struct sayso_store *st);
void sayso_store_read_end(struct sayso_store *st);

/* Appends to the audit log: actor ("admin:alice", "smsgw"), action
 * ("round.create") and detail text. */
enum sayso_err sayso_store_audit(struct sayso_store *st, const char *actor,
				 const char *action, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Resident id for a normalised phone/code with this site's secret; also
 * records the resident row. out >= SAYSO_RESIDENT_ID_LEN + 1. */
enum sayso_err sayso_store_resident(struct sayso_store *st,
				    enum sayso_id_kind kind,
				    const char *normalised, char *out,
				    size_t outsz);

/* Integrity check + counts, for `sayso-admin check`. ok is false when SQLite's
 * integrity_check found damage; report receives readable lines. */
enum sayso_err sayso_store_check(struct sayso_store *st, bool *ok, char *report,
				 size_t reportsz);

/* Online backup (sqlite3_backup) of the whole database to dest_path. */
enum sayso_err sayso_store_backup(struct sayso_store *st,
				  const char *dest_path);

/* ---- time and ids ---- */

/* Milliseconds since the epoch, UTC. Unit tests may pin it with
 * sayso_time_set_override(). Only a build configured with SAYSO_TEST_CLOCK=ON
 * (the test builds: `make test-plain`, `make test-asan`) also reads the
 * SAYSO_NOW environment variable (ISO 8601), once per process, at the first
 * clock read; a production build ignores it, so nobody can backdate ballots
 * or audit rows from outside. Thread-safe. */
int64_t sayso_time_now_ms(void);
void sayso_time_set_override(int64_t ms); /* 0 clears */
/* Whether this build honours SAYSO_NOW (SAYSO_TEST_CLOCK=ON). */
bool sayso_time_test_clock(void);

/* Formats ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" (out >= SAYSO_TIME_LEN + 1). */
void sayso_time_format(int64_t ms, char *out, size_t outsz);
/* Parses that form, or "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" (UTC),
 * strictly: a day the month does not have (30 February), hour 24, minute or
 * second 60 are SAYSO_ERR_INVAL, never rolled over. */
enum sayso_err sayso_time_parse(const char *s, int64_t *ms);
/* The same, with a sentence for people in why (whysz > 0) on failure:
 * "February 2026 has 28 days", "not a date/time like 2026-12-01 09:00". */
enum sayso_err sayso_time_parse_why(const char *s, int64_t *ms, char *why,
				    size_t whysz);

/* Formats ms for people in local time: "23 Nov 2026, 10:15" (out >= 32). */
void sayso_time_human(int64_t ms, char *out, size_t outsz);

/* A new globally unique, time-ordered id (out >= SAYSO_UID_LEN + 1). */
enum sayso_err sayso_uid_new(char *out, size_t outsz);

#endif

/*
 * store.c: opening, migrating and sharing the sayso database.
 *
 * Design: one SQLite file per site, opened by several processes at once
 * (kiosk, smsgw, admin). WAL lets readers run beside one writer;
 * busy_timeout makes writers queue instead of failing; BEGIN IMMEDIATE makes
 * every read-decide-write sequence atomic across processes.
 * synchronous=FULL because a resident's vote must be on disk before the
 * screen or a text says thank you. secure_delete so erased numbers do not
 * linger in free pages. Migrations are the files of core/sql, embedded at
 * build time and applied in order; PRAGMA user_version records how far.
 * application_id marks the file as sayso's so foreign databases are refused.
 *
 * Statements are prepared once and cached on the handle (Sayso_store_stmt).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "internal.h"
#include "store_impl.h"
#include "sayso/buf.h"
#include "sayso/identity.h"
#include "sayso/log.h"
#include "sayso/store.h"

#define SAYSO_APP_ID 0x53415953 /* "SAYS" */
#define BUSY_TIMEOUT_MS 10000

const char *sayso_store_secret_path(const struct sayso_store *st)
{
	return st->secret_path;
}

const char *sayso_store_errmsg(const struct sayso_store *st)
{
	return st ? st->errmsg : "no database";
}

const char *sayso_store_path(const struct sayso_store *st)
{
	return st->path;
}

const unsigned char *sayso_store_secret(const struct sayso_store *st)
{
	return st->have_secret ? st->secret : NULL;
}

const char *sayso_store_site_check(const struct sayso_store *st)
{
	return st->site_check;
}

void sayso_store_set_busy_timeout(struct sayso_store *st, int ms)
{
	st->busy_ms = ms < 0 ? 0 : ms;
	if (st->engine == SAYSO_ENGINE_PG) {
		char sql[48];
		snprintf(sql, sizeof sql, "SET lock_timeout = %d", st->busy_ms);
		(void)Sayso_store_exec(st, sql, "set lock_timeout");
		return;
	}
	sqlite3_busy_timeout(st->db, st->busy_ms);
}

const char *sayso_store_device(const struct sayso_store *st)
{
	return st->device;
}

const char *sayso_store_enrolment(const struct sayso_store *st)
{
	return st->enrolment;
}

const unsigned char *Sayso_store_devkey(const struct sayso_store *st)
{
	return st->have_devkey ? st->devkey : NULL;
}

enum sayso_err Sayso_store_fail(struct sayso_store *st, enum sayso_err err,
				const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
	va_end(ap);
	return err;
}

static enum sayso_err map_sqlite(int rc)
{
	switch (rc & 0xFF) {
	case SQLITE_OK:
	case SAYSO_SQL_DONE:
	case SAYSO_SQL_ROW:
		return SAYSO_OK;
	case SQLITE_NOMEM:
		return SAYSO_ERR_NOMEM;
	case SQLITE_FULL:
		return SAYSO_ERR_FULL;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return SAYSO_ERR_READONLY;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return SAYSO_ERR_BUSY;
	case SQLITE_CORRUPT:
		return SAYSO_ERR_CORRUPT;
	case SQLITE_NOTADB:
		return SAYSO_ERR_NOT_SAYSO;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return SAYSO_ERR_IO;
	case SQLITE_CONSTRAINT:
		return SAYSO_ERR_EXISTS;
	default:
		return SAYSO_ERR_DB;
	}
}

/* SQLite reports a full disk met while growing the WAL index or a journal
 * as a generic I/O error; the system errno tells the truth. */
static enum sayso_err map_db_error(sqlite3 *db)
{
	enum sayso_err e = map_sqlite(sqlite3_extended_errcode(db));
	if (e == SAYSO_ERR_IO || e == SAYSO_ERR_DB) {
		int sys = sqlite3_system_errno(db);
		if (sys == ENOSPC || sys == EDQUOT)
			return SAYSO_ERR_FULL;
		if (sys == EROFS || sys == EACCES || sys == EPERM)
			return SAYSO_ERR_READONLY;
	}
	return e;
}

enum sayso_err Sayso_store_sqlfail(struct sayso_store *st, const char *what)
{
	bool pg = st->engine == SAYSO_ENGINE_PG;
	enum sayso_err e =
	    pg ? Sayso_pg_record_again(st) : map_db_error(st->db);
	if (e == SAYSO_OK)
		e = SAYSO_ERR_DB;
	const char *hint = "";
	if (e == SAYSO_ERR_FULL)
		hint = " (free some disk space; nothing was lost)";
	else if (e == SAYSO_ERR_READONLY)
		hint = pg ? " (check the database role's privileges)"
			  : " (check the file and folder permissions)";
	else if (e == SAYSO_ERR_BUSY)
		hint = pg ? " (another transaction got there first; try again)"
			  : " (another program held the database too long)";
	else if (e == SAYSO_ERR_IO && pg)
		hint = " (the database server cannot be reached; the next "
		       "attempt connects again)";
	const char *msg = pg ? st->pgerr : sqlite3_errmsg(st->db);
	return Sayso_store_fail(st, e, "%s: %s: %s%s", st->path, what,
				e == SAYSO_ERR_FULL ? "the disk is full" : msg,
				hint);
}

static int pragma_int(struct sayso_store *st, const char *sql)
{
	struct sayso_stmt *s = NULL;
	int v = -1;
	if (Sayso_stmt_prepare(st, sql, &s) == SAYSO_OK &&
	    Sayso_step(s) == SAYSO_SQL_ROW)
		v = Sayso_col_int(s, 0);
	Sayso_stmt_finalize(s);
	return v;
}

int sayso_store_schema_version(struct sayso_store *st)
{
	if (st->engine == SAYSO_ENGINE_PG)
		return Sayso_pg_schema_version(st);
	return pragma_int(st, "PRAGMA user_version");
}

int sayso_store_schema_latest(void)
{
	return Sayso_migration_count;
}

/* ---- transactions ---- */

void Sayso_store_flatten(struct sayso_store *st, bool on)
{
	st->flatdepth = on ? st->txdepth : 0;
}

enum sayso_err sayso_store_begin(struct sayso_store *st)
{
	enum sayso_err e;
	if (st->flatdepth && st->txdepth >= st->flatdepth) {
		st->txdepth++;
		return SAYSO_OK;
	}
	if (st->txdepth == 0 && st->readowner)
		return Sayso_store_fail(st, SAYSO_ERR_STATE,
					"write transaction inside a read "
					"transaction");
	if (st->txdepth == 0)
		e = Sayso_store_exec(st,
				     st->engine == SAYSO_ENGINE_PG
					 ? Sayso_pg_begin_sql()
					 : "BEGIN IMMEDIATE",
				     "begin");
	else
		e = Sayso_store_exec(st, "SAVEPOINT nested", "savepoint");
	if (e == SAYSO_OK)
		st->txdepth++;
	return e;
}

enum sayso_err sayso_store_commit(struct sayso_store *st)
{
	if (st->txdepth <= 0)
		return Sayso_store_fail(st, SAYSO_ERR_STATE,
					"commit without begin");
	if (st->flatdepth && st->txdepth > st->flatdepth) {
		st->txdepth--;
		return SAYSO_OK;
	}
	enum sayso_err e;
	if (st->txdepth == 1) {
		e = Sayso_store_exec(st, "COMMIT", "commit");
		if (e != SAYSO_OK) {
			/* A failed COMMIT (disk full) leaves the transaction
			 * open: roll it back so nothing half-written stays. */
			sayso_store_rollback(st);
			return e;
		}
	} else {
		e = Sayso_store_exec(st, "RELEASE nested", "release");
		if (e != SAYSO_OK)
			return e;
	}
	st->txdepth--;
	return SAYSO_OK;
}

void sayso_store_rollback(struct sayso_store *st)
{
	if (st->txdepth <= 0)
		return;
	if (st->flatdepth && st->txdepth > st->flatdepth) {
		/* Undone with the flattened level's own rollback. */
		st->txdepth--;
		return;
	}
	char saved[SAYSO_ERRMSG_MAX];
	memcpy(saved, st->errmsg, sizeof saved); /* keep the real cause */
	if (st->txdepth == 1) {
		if (Sayso_store_in_transaction(st))
			(void)Sayso_store_exec(st, "ROLLBACK", "rollback");
	} else {
		(void)Sayso_store_exec(st, "ROLLBACK TO nested; RELEASE nested",
				       "rollback to savepoint");
	}
	st->txdepth--;
	memcpy(st->errmsg, saved, sizeof saved);
}

enum sayso_err sayso_store_read_begin(struct sayso_store *st)
{
	if (st->readdepth == 0 && st->txdepth == 0 &&
	    !Sayso_store_in_transaction(st)) {
		enum sayso_err e = Sayso_store_exec(
		    st,
		    st->engine == SAYSO_ENGINE_PG
			? "BEGIN ISOLATION LEVEL REPEATABLE READ"
			: "BEGIN DEFERRED",
		    "starting a read");
		if (e != SAYSO_OK)
			return e;
		st->readowner = true;
	}
	st->readdepth++;
	return SAYSO_OK;
}

void sayso_store_read_end(struct sayso_store *st)
{
	if (st->readdepth <= 0)
		return;
	if (--st->readdepth == 0 && st->readowner) {
		st->readowner = false;
		/* Nothing was written: ending the snapshot cannot lose data. */
		if (Sayso_store_in_transaction(st) &&
		    Sayso_store_exec(st, "COMMIT", "end read") != SAYSO_OK)
			(void)Sayso_store_exec(st, "ROLLBACK", "end read");
	}
}

/* ---- secret ---- */

static void secret_path(const char *db, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s.secret", db);
}

static enum sayso_err compute_site_check(struct sayso_store *st)
{
	char id[SAYSO_RESIDENT_ID_LEN + 1];
	enum sayso_err e = sayso_resident_id(st->secret, SAYSO_ID_CODE,
					     "SAYSO-SITE-CHECK", id, sizeof id);
	if (e != SAYSO_OK)
		return Sayso_store_fail(st, e, "could not compute site check");
	memcpy(st->site_check, id, sizeof st->site_check);
	return SAYSO_OK;
}

static enum sayso_err write_secret(struct sayso_store *st, const char *path)
{
	enum sayso_err e = sayso_random_bytes(st->secret, SAYSO_SECRET_LEN);
	if (e != SAYSO_OK)
		return Sayso_store_fail(st, e,
					"no random bytes for the secret");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return Sayso_store_fail(
		    st, errno == EEXIST ? SAYSO_ERR_EXISTS : SAYSO_ERR_IO,
		    "%s: cannot create the site secret: %s", path,
		    strerror(errno));
	ssize_t w = write(fd, st->secret, SAYSO_SECRET_LEN);
	int syncok = fsync(fd) == 0;
	close(fd);
	if (w != SAYSO_SECRET_LEN || !syncok) {
		unlink(path);
		return Sayso_store_fail(
		    st, SAYSO_ERR_IO, "%s: cannot write the site secret", path);
	}
	st->have_secret = true;
	return SAYSO_OK;
}

static enum sayso_err read_secret(struct sayso_store *st, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return Sayso_store_fail(
		    st, SAYSO_ERR_SECRET,
		    "%s: cannot read the site secret: %s (it is created by "
		    "'sayso-admin init' beside the database)",
		    path, strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077))
		sayso_log(
		    SAYSO_LOG_WARN,
		    "%s: the site secret is readable by others; run chmod 600",
		    path);
	unsigned char extra;
	ssize_t r = read(fd, st->secret, SAYSO_SECRET_LEN);
	ssize_t r2 = read(fd, &extra, 1);
	close(fd);
	if (r != SAYSO_SECRET_LEN || r2 != 0)
		return Sayso_store_fail(st, SAYSO_ERR_SECRET,
					"%s: the site secret is not 32 bytes",
					path);
	st->have_secret = true;
	return SAYSO_OK;
}

enum sayso_err sayso_store_set_secret(struct sayso_store *st,
				      const unsigned char *secret)
{
	memcpy(st->secret, secret, SAYSO_SECRET_LEN);
	st->have_secret = true;
	enum sayso_err e = compute_site_check(st);
	if (e != SAYSO_OK)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO meta(key, value) VALUES('site_check', ?1) ON "
		"CONFLICT(key) DO UPDATE SET value = excluded.value");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, st->site_check, -1);
	return Sayso_store_step_done(st, s, "record site check");
}

/* ---- meta ---- */

static enum sayso_err meta_get(struct sayso_store *st, const char *key,
			       char *out, size_t outsz, bool *found)
{
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, "SELECT value FROM meta WHERE key = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, key, -1);
	int rc = Sayso_step(s);
	*found = rc == SAYSO_SQL_ROW;
	if (rc == SAYSO_SQL_ROW)
		Sayso_column_copy(s, 0, out, outsz);
	else if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read meta");
	Sayso_reset(s);
	return SAYSO_OK;
}

static enum sayso_err meta_set(struct sayso_store *st, const char *key,
			       const char *value)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) "
		"DO UPDATE SET value = excluded.value");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, key, -1);
	Sayso_bind_text(s, 2, value, -1);
	return Sayso_store_step_done(st, s, "write meta");
}

/* ---- migrations ---- */

static enum sayso_err migrate(struct sayso_store *st)
{
	int have = sayso_store_schema_version(st);
	if (have < 0)
		return Sayso_store_sqlfail(st, "read schema version");
	if (have > Sayso_migration_count)
		return Sayso_store_fail(
		    st, SAYSO_ERR_SCHEMA,
		    "%s: schema version %d is newer than this sayso (%d); "
		    "upgrade sayso",
		    st->path, have, Sayso_migration_count);
	if (have == Sayso_migration_count)
		return SAYSO_OK;
	if (st->readonly)
		return Sayso_store_fail(
		    st, SAYSO_ERR_SCHEMA,
		    "%s: schema version %d needs upgrading, "
		    "but the database was opened read-only",
		    st->path, have);
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	/* Re-read inside the write lock: another process may have migrated. */
	have = sayso_store_schema_version(st);
	if (st->engine == SAYSO_ENGINE_PG) {
		if ((e = Sayso_pg_migrate(st, have)) != SAYSO_OK)
			goto out;
	}
	for (int i = have;
	     st->engine == SAYSO_ENGINE_SQLITE && i < Sayso_migration_count;
	     i++) {
		e = Sayso_store_exec(st, Sayso_migrations[i].sql,
				     Sayso_migrations[i].name);
		if (e != SAYSO_OK)
			goto out;
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", i + 1);
		e = Sayso_store_exec(st, sql, "set schema version");
		if (e != SAYSO_OK)
			goto out;
		sayso_log(SAYSO_LOG_INFO, "%s: applied migration %s", st->path,
			  Sayso_migrations[i].name);
	}
	if (have == 0) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA application_id = %d",
			 SAYSO_APP_ID);
		if (st->engine == SAYSO_ENGINE_SQLITE &&
		    (e = Sayso_store_exec(st, sql, "set application id")) !=
			SAYSO_OK)
			goto out;
		char now[SAYSO_TIME_LEN + 1];
		Sayso_now_text(now, sizeof now);
		e = meta_set(st, "created_at", now);
		if (e != SAYSO_OK)
			goto out;
	}
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

/* Whether a non-empty file at path is a sayso database (by application_id),
 * an empty/new SQLite database, or something else. */
static enum sayso_err check_identity(struct sayso_store *st)
{
	int appid = pragma_int(st, "PRAGMA application_id");
	if (appid < 0) {
		enum sayso_err e = map_db_error(st->db);
		if (e == SAYSO_ERR_NOT_SAYSO || e == SAYSO_ERR_CORRUPT)
			return Sayso_store_fail(st, SAYSO_ERR_NOT_SAYSO,
						"%s: not a sayso database (not "
						"an SQLite file at all)",
						st->path);
		return Sayso_store_sqlfail(st, "read header");
	}
	if (appid == SAYSO_APP_ID)
		return SAYSO_OK;
	int tables = pragma_int(st, "SELECT count(*) FROM sqlite_schema");
	if (appid == 0 && tables == 0)
		return SAYSO_OK; /* brand new */
	return Sayso_store_fail(st, SAYSO_ERR_NOT_SAYSO,
				"%s: not a sayso database (it is some other "
				"SQLite database)",
				st->path);
}

static bool file_exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0;
}

void sayso_store_close(struct sayso_store *st)
{
	if (!st)
		return;
	while (st->txdepth > 0)
		sayso_store_rollback(st);
	while (st->readdepth > 0)
		sayso_store_read_end(st);
	Sayso_store_free_stmts(st);
	/* An enrolled kiosk's file leaves WAL mode when the kiosk stops, so
	 * a file still in WAL mode without its -wal beside it is a copy made
	 * while the kiosk ran (merge refuses it) and a clean one is a single
	 * file. Another connection keeps it in WAL: harmless. */
	if (st->enrolment[0] && !st->readonly && st->db)
		sqlite3_exec(st->db, "PRAGMA journal_mode=DELETE", NULL, NULL,
			     NULL);
	sqlite3_close_v2(st->db);
	PQfinish(st->pg);
	OPENSSL_cleanse(st->secret, sizeof st->secret);
	OPENSSL_cleanse(st->devkey, sizeof st->devkey);
	free(st);
}

/* Which files exist decides between opening and creating (*creating):
 * INIT refuses an existing database or secret; an absent database is made
 * only with CREATE (never read-only), and never beside a stray secret. */
static enum sayso_err check_files(struct sayso_store *st, const char *path,
				  const char *spath, unsigned flags,
				  bool *creating)
{
	bool db_exists = file_exists(path);
	bool secret_exists = file_exists(spath);

	if (flags & SAYSO_STORE_INIT) {
		if (db_exists || secret_exists)
			return Sayso_store_fail(st, SAYSO_ERR_EXISTS,
						"%s already exists; refusing "
						"to overwrite it",
						db_exists ? path : spath);
		*creating = true;
	} else if (!db_exists) {
		/* No advice to run init: a merge source or a backup made by
		 * init would belong to another site. */
		if (!(flags & SAYSO_STORE_CREATE) || st->readonly)
			return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
						"%s: no such database", path);
		if (secret_exists)
			return Sayso_store_fail(
			    st, SAYSO_ERR_SECRET,
			    "%s exists without its database %s; "
			    "refusing to guess",
			    spath, path);
		*creating = true;
	}
	return SAYSO_OK;
}

/* The site secret: random for :memory:, written when creating, otherwise
 * read (unless NOSECRET) and checked against the database's site check. */
static enum sayso_err setup_secret(struct sayso_store *st, const char *spath,
				   unsigned flags, bool memory, bool creating)
{
	enum sayso_err e;
	char stored_check[80];
	bool have_check = false;

	e = meta_get(st, "site_check", stored_check, sizeof stored_check,
		     &have_check);
	if (e != SAYSO_OK)
		return e;
	if (memory) {
		unsigned char sec[SAYSO_SECRET_LEN];
		if ((e = sayso_random_bytes(sec, sizeof sec)) == SAYSO_OK)
			e = sayso_store_set_secret(st, sec);
		OPENSSL_cleanse(sec, sizeof sec);
		return e;
	}
	if (creating) {
		if ((e = write_secret(st, spath)) != SAYSO_OK ||
		    (e = compute_site_check(st)) != SAYSO_OK)
			return e;
		return meta_set(st, "site_check", st->site_check);
	}
	if (have_check)
		memcpy(st->site_check, stored_check, sizeof st->site_check - 1);
	if (flags & SAYSO_STORE_NOSECRET)
		return SAYSO_OK;
	if ((e = read_secret(st, spath)) != SAYSO_OK)
		return e;
	char stored[SAYSO_HEX256_MAX];
	memcpy(stored, st->site_check, sizeof stored);
	if ((e = compute_site_check(st)) != SAYSO_OK)
		return e;
	if (have_check && strcmp(stored, st->site_check) != 0)
		return Sayso_store_fail(st, SAYSO_ERR_SECRET,
					"%s does not belong to the database "
					"%s (another site's secret)",
					spath, st->path);
	if (!have_check && !st->readonly)
		return meta_set(st, "site_check", st->site_check);
	return SAYSO_OK;
}

/* The device id kept in the database, or a new random "db-XXXXXX". */
static enum sayso_err setup_device(struct sayso_store *st)
{
	enum sayso_err e;
	char dev[SAYSO_DEVICE_MAX];
	bool have_dev = false;

	if ((e = meta_get(st, "device_id", dev, sizeof dev, &have_dev)) !=
	    SAYSO_OK)
		return e;
	if (have_dev) {
		memcpy(st->device, dev, sizeof st->device);
		return SAYSO_OK;
	}
	char rnd[9];
	if ((e = sayso_random_code(rnd, sizeof rnd, 6)) != SAYSO_OK)
		return e;
	snprintf(st->device, sizeof st->device, "db-%s", rnd);
	if (!st->readonly)
		return meta_set(st, "device_id", st->device);
	return SAYSO_OK;
}

/* An enrolled kiosk's file (meta kiosk_enrolment): its device key from
 * <database>.key, unless opened without secrets (a merge source). */
static enum sayso_err setup_enrolment(struct sayso_store *st, unsigned flags)
{
	bool have = false;
	enum sayso_err e = meta_get(st, "kiosk_enrolment", st->enrolment,
				    sizeof st->enrolment, &have);
	if (e != SAYSO_OK || !have || (flags & SAYSO_STORE_NOSECRET))
		return e;
	char kpath[SAYSO_AUXPATH_MAX];
	snprintf(kpath, sizeof kpath, "%s.key", st->path);
	int fd = open(kpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return Sayso_store_fail(
		    st, SAYSO_ERR_SECRET,
		    "%s: cannot read the kiosk's device key: %s (it is made "
		    "with the database by 'sayso-admin kiosk enrol')",
		    kpath, strerror(errno));
	unsigned char extra;
	ssize_t r = read(fd, st->devkey, sizeof st->devkey);
	ssize_t r2 = read(fd, &extra, 1);
	close(fd);
	if (r != (ssize_t)sizeof st->devkey || r2 != 0)
		return Sayso_store_fail(st, SAYSO_ERR_SECRET,
					"%s: the device key is not %d bytes",
					kpath, SAYSO_DEVKEY_LEN);
	st->have_devkey = true;
	return SAYSO_OK;
}

enum sayso_err Sayso_store_adopt_secret(struct sayso_store *st,
					const unsigned char *secret)
{
	char spath[SAYSO_AUXPATH_MAX], tmp[SAYSO_AUXPATH_MAX + 8];
	secret_path(st->path, spath, sizeof spath);
	snprintf(tmp, sizeof tmp, "%s.tmp", spath);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return Sayso_store_fail(st, SAYSO_ERR_IO,
					"%s: cannot create: %s", tmp,
					strerror(errno));
	ssize_t w = write(fd, secret, SAYSO_SECRET_LEN);
	int syncok = fsync(fd) == 0;
	close(fd);
	if (w != SAYSO_SECRET_LEN || !syncok || rename(tmp, spath) != 0) {
		unlink(tmp);
		return Sayso_store_fail(st, SAYSO_ERR_IO,
					"%s: cannot write the site secret",
					spath);
	}
	return sayso_store_set_secret(st, secret);
}

/* Opens the SQLite file at path (files already checked). */
static enum sayso_err open_sqlite(struct sayso_store *st, const char *path,
				  bool memory)
{
	int oflags = st->readonly ? SQLITE_OPEN_READONLY
				  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK)
		return st->db ? Sayso_store_sqlfail(st, "open")
			      : Sayso_store_fail(st, SAYSO_ERR_NOMEM,
						 "out of memory");
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	enum sayso_err e = check_identity(st);
	if (e != SAYSO_OK)
		return e;
	if (!st->readonly && !memory &&
	    (e = Sayso_store_exec(st, "PRAGMA journal_mode=WAL", "set WAL")) !=
		SAYSO_OK)
		return e;
	return Sayso_store_exec(
	    st,
	    "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; "
	    "PRAGMA secure_delete=ON; PRAGMA trusted_schema=OFF",
	    "set pragmas");
}

/* Connects to the PostgreSQL database uri; *creating when its schema is
 * empty and flags allow making it (INIT, or CREATE without a stray
 * secret), as check_files decides for a file. */
static enum sayso_err open_pg(struct sayso_store *st, const char *uri,
			      const char *spath, unsigned flags, bool *creating)
{
	enum sayso_err e = Sayso_pg_connect(st, uri);
	bool empty = false;
	if (e != SAYSO_OK || (e = Sayso_pg_identity(st, &empty)) != SAYSO_OK)
		return e;
	bool secret_exists = file_exists(spath);
	if (flags & SAYSO_STORE_INIT) {
		if (!empty || secret_exists)
			return Sayso_store_fail(
			    st, SAYSO_ERR_EXISTS,
			    "%s already exists; refusing to overwrite it",
			    !empty ? st->path : spath);
		*creating = true;
	} else if (empty) {
		if (!(flags & SAYSO_STORE_CREATE) || st->readonly)
			return Sayso_store_fail(
			    st, SAYSO_ERR_NOTFOUND,
			    "%s: the database is empty (create the site with "
			    "`sayso-admin --db URI init`)",
			    st->path);
		if (secret_exists)
			return Sayso_store_fail(
			    st, SAYSO_ERR_SECRET,
			    "%s exists but the database %s is empty; "
			    "refusing to guess",
			    spath, st->path);
		*creating = true;
	}
	return SAYSO_OK;
}

/* The secret's path: given, or <database>.secret beside a file. */
static enum sayso_err pick_secret(struct sayso_store *st, const char *path,
				  const char *secret, bool server, char *out,
				  size_t outsz)
{
	if (secret && *secret) {
		snprintf(out, outsz, "%s", secret);
		return SAYSO_OK;
	}
	if (server)
		return Sayso_store_fail(
		    st, SAYSO_ERR_SECRET,
		    "a PostgreSQL site keeps its secret outside the database: "
		    "set [site] secret = PATH (the same file on every machine "
		    "of the site, mode 0600)");
	secret_path(path, out, outsz);
	return SAYSO_OK;
}

/* Undoes a failed creation: no half-made database or secret is left. */
static void undo_create(struct sayso_store *st, const char *path,
			const char *spath, enum sayso_err e)
{
	if (st->engine == SAYSO_ENGINE_SQLITE) {
		Sayso_store_free_stmts(st);
		sqlite3_close_v2(st->db);
		st->db = NULL;
		unlink(path);
		char aux[SAYSO_AUXPATH_MAX];
		snprintf(aux, sizeof aux, "%s-wal", path);
		unlink(aux);
		snprintf(aux, sizeof aux, "%s-shm", path);
		unlink(aux);
	}
	if (e != SAYSO_ERR_EXISTS)
		unlink(spath);
}

enum sayso_err sayso_store_open_at(const char *path, const char *secret,
				   unsigned flags, struct sayso_store **out,
				   char *errbuf, size_t errsz)
{
	*out = NULL;
	if (errbuf && errsz)
		errbuf[0] = '\0';
	struct sayso_store *st = calloc(1, sizeof *st);
	if (!st) {
		if (errbuf)
			snprintf(errbuf, errsz, "out of memory");
		return SAYSO_ERR_NOMEM;
	}
	enum sayso_err e = SAYSO_OK;
	bool memory = strcmp(path, ":memory:") == 0;
	bool server = sayso_store_is_server(path);
	snprintf(st->path, sizeof st->path, "%s", path);
	st->readonly = (flags & SAYSO_STORE_READONLY) != 0;
	st->busy_ms = BUSY_TIMEOUT_MS;
	char spath[SAYSO_AUXPATH_MAX];
	bool creating = false;

	if ((e = pick_secret(st, path, secret, server, spath, sizeof spath)) !=
	    SAYSO_OK)
		goto out;
	if (!memory)
		snprintf(st->secret_path, sizeof st->secret_path, "%s", spath);
	if (server)
		e = open_pg(st, path, spath, flags, &creating);
	else if (!memory && (e = check_files(st, path, spath, flags,
					     &creating)) != SAYSO_OK)
		goto out;
	else
		e = open_sqlite(st, path, memory);
	if (e != SAYSO_OK || (e = migrate(st)) != SAYSO_OK)
		goto out;
	if ((e = setup_secret(st, spath, flags, memory, creating)) != SAYSO_OK)
		goto out;
	if ((e = setup_device(st)) != SAYSO_OK)
		goto out;
	if (!memory && !server && (e = setup_enrolment(st, flags)) != SAYSO_OK)
		goto out;
	*out = st;
	return SAYSO_OK;
out:
	if (errbuf && errsz)
		snprintf(errbuf, errsz, "%s",
			 st->errmsg[0] ? st->errmsg : sayso_strerror(e));
	if (creating && !memory && (st->db || st->pg))
		undo_create(st, path, spath, e);
	sayso_store_close(st);
	return e;
}

enum sayso_err sayso_store_open(const char *path, unsigned flags,
				struct sayso_store **out, char *errbuf,
				size_t errsz)
{
	return sayso_store_open_at(path, NULL, flags, out, errbuf, errsz);
}

bool sayso_device_id_valid(const char *id)
{
	if (!id || !*id || strlen(id) >= SAYSO_DEVICE_MAX)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.' || *p == ':'))
			return false;
	return true;
}

enum sayso_err sayso_store_set_device(struct sayso_store *st, const char *id,
				      const char *kind)
{
	if (!id || !*id || strlen(id) >= sizeof st->device)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"a device id has 1 to 64 characters");
	if (!sayso_device_id_valid(id))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"device id '%s': use letters, "
					"digits, - _ . :",
					id);
	if (st->enrolment[0]) {
		/* An enrolled kiosk's file: every row it holds carries the
		 * enrolled id, and only the kiosk (or staff with sayso-admin
		 * on its laptop) write to it. */
		if (strcmp(kind, "smsgw") == 0 || strcmp(kind, "import") == 0)
			return Sayso_store_fail(
			    st, SAYSO_ERR_STATE,
			    "%s is kiosk %s's own database (made by "
			    "'sayso-admin kiosk enrol'); the %s runs on the "
			    "site database",
			    st->path, st->device,
			    strcmp(kind, "smsgw") == 0 ? "SMS gateway"
						       : "import");
		if (strcmp(kind, "kiosk") == 0 && strcmp(id, st->device) != 0)
			return Sayso_store_fail(
			    st, SAYSO_ERR_INVAL,
			    "%s was enrolled for kiosk '%s', not '%s'; start "
			    "the kiosk with --device %s or no device id",
			    st->path, st->device, id, st->device);
		return SAYSO_OK;
	}
	snprintf(st->device, sizeof st->device, "%s", id);
	if (st->readonly)
		return SAYSO_OK;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO devices(id, kind, first_seen, last_seen) "
		"VALUES(?1, ?2, ?3, ?3) ON CONFLICT(id) DO UPDATE SET "
		"last_seen = excluded.last_seen");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, id, -1);
	Sayso_bind_text(s, 2, kind, -1);
	Sayso_bind_text(s, 3, now, -1);
	return Sayso_store_step_done(st, s, "register device");
}

enum sayso_err sayso_store_audit(struct sayso_store *st, const char *actor,
				 const char *action, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, "INSERT INTO audit(at, actor, action, detail) "
				 "VALUES(?1, ?2, ?3, ?4)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, now, -1);
	Sayso_bind_text(s, 2, actor ? actor : "unknown", -1);
	Sayso_bind_text(s, 3, action, -1);
	Sayso_bind_text(s, 4, detail, -1);
	return Sayso_store_step_done(st, s, "write audit log");
}

enum sayso_err sayso_store_resident(struct sayso_store *st,
				    enum sayso_id_kind kind,
				    const char *normalised, char *out,
				    size_t outsz)
{
	if (!st->have_secret)
		return Sayso_store_fail(st, SAYSO_ERR_SECRET,
					"no site secret loaded");
	enum sayso_err e =
	    sayso_resident_id(st->secret, kind, normalised, out, outsz);
	if (e != SAYSO_OK)
		return Sayso_store_fail(st, e, "cannot compute resident id");
	if (st->readonly)
		return SAYSO_OK;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	/* The kind is recorded so that a ballot by an invented voter code
	 * cannot pass as a phone ballot (ballot.c's eligibility check). */
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO residents(id, created_at, kind) VALUES(?1, ?2, "
		"?3) ON CONFLICT(id) DO UPDATE SET kind = excluded.kind WHERE "
		"residents.kind IS NULL");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, out, -1);
	Sayso_bind_text(s, 2, now, -1);
	Sayso_bind_text(s, 3, kind == SAYSO_ID_CODE ? "code" : "phone", -1);
	return Sayso_store_step_done(st, s, "record resident");
}

enum sayso_err sayso_store_check(struct sayso_store *st, bool *ok, char *report,
				 size_t reportsz)
{
	size_t used = 0;
	*ok = true;
	report[0] = '\0';
#define ADD(...)                                                               \
	do {                                                                   \
		if (used < reportsz) {                                         \
			int w_ = snprintf(report + used, reportsz - used,      \
					  __VA_ARGS__);                        \
			if (w_ > 0)                                            \
				used += (size_t)w_;                            \
		}                                                              \
	} while (0)
	struct sayso_stmt *s = NULL;
	if (st->engine == SAYSO_ENGINE_PG) {
		enum sayso_err e = Sayso_pg_check(st, ok, report, reportsz);
		if (e != SAYSO_OK)
			return e;
		used = strlen(report);
		goto counts;
	}
	if (Sayso_stmt_prepare(st, "PRAGMA integrity_check", &s) != SAYSO_OK)
		return Sayso_store_sqlfail(st, "integrity check");
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		const char *line = (const char *)Sayso_col_text(s, 0);
		if (line && strcmp(line, "ok") != 0) {
			*ok = false;
			ADD("integrity: %s\n", line);
		}
	}
	Sayso_stmt_finalize(s);
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "integrity check");
	if (*ok)
		ADD("integrity: ok\n");
	if (Sayso_stmt_prepare(st, "PRAGMA foreign_key_check", &s) ==
	    SAYSO_OK) {
		int bad = 0;
		while (Sayso_step(s) == SAYSO_SQL_ROW)
			bad++;
		Sayso_stmt_finalize(s);
		if (bad) {
			*ok = false;
			ADD("foreign keys: %d broken references\n", bad);
		} else {
			ADD("foreign keys: ok\n");
		}
	}
counts:
	ADD("schema version: %d (this sayso: %d)\n",
	    sayso_store_schema_version(st), sayso_store_schema_latest());
	static const char *const tables[] = {
	    "rounds",  "projects",  "ballots",	  "residents", "ratings",
	    "reports", "sms_inbox", "sms_outbox", "devices",   "audit",
	};
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
		ADD("%-10s %d\n", tables[i], pragma_int(st, sql));
	}
#undef ADD
	return SAYSO_OK;
}

enum sayso_err sayso_store_backup(struct sayso_store *st, const char *dest_path)
{
	if (st->engine == SAYSO_ENGINE_PG)
		return Sayso_store_fail(
		    st, SAYSO_ERR_UNSUPPORTED,
		    "%s is a PostgreSQL database: back it up with the server's "
		    "own tools, e.g. pg_dump --format=custom --file=%s "
		    "'<the database URI>' (and keep the site secret file "
		    "beside it; see docs/deploy.md)",
		    st->path, dest_path);
	if (file_exists(dest_path))
		return Sayso_store_fail(st, SAYSO_ERR_EXISTS,
					"%s already exists; refusing to "
					"overwrite it",
					dest_path);
	sqlite3 *dst = NULL;
	enum sayso_err e = SAYSO_OK;
	if (sqlite3_open_v2(dest_path, &dst,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		e = Sayso_store_fail(
		    st, SAYSO_ERR_IO, "%s: cannot create: %s", dest_path,
		    dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", st->db, "main");
	if (!b) {
		e = Sayso_store_fail(st, SAYSO_ERR_IO, "%s: backup failed: %s",
				     dest_path, sqlite3_errmsg(dst));
		goto out;
	}
	int rc;
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	/* A backup is one file: out of WAL mode, so it needs no -wal
	 * beside it wherever it is copied. */
	if (rc == SAYSO_SQL_DONE)
		sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL,
			     NULL);
	if (rc != SAYSO_SQL_DONE) {
		e = map_sqlite(rc);
		if (e == SAYSO_OK)
			e = SAYSO_ERR_IO;
		Sayso_store_fail(st, e, "%s: backup failed: %s", dest_path,
				 sqlite3_errstr(rc));
	}
out:
	sqlite3_close_v2(dst);
	if (e != SAYSO_OK)
		unlink(dest_path);
	return e;
}

const char *sayso_channel_name(enum sayso_channel ch)
{
	switch (ch) {
	case SAYSO_CH_KIOSK:
		return "kiosk";
	case SAYSO_CH_SMS:
		return "sms";
	case SAYSO_CH_PAPER:
		return "paper";
	case SAYSO_CH_IMPORT:
		return "import";
	}
	return "?";
}

enum sayso_err sayso_channel_parse(const char *s, enum sayso_channel *out)
{
	static const enum sayso_channel all[] = {
	    SAYSO_CH_KIOSK, SAYSO_CH_SMS, SAYSO_CH_PAPER, SAYSO_CH_IMPORT};
	for (size_t i = 0; i < 4; i++)
		if (s && strcmp(s, sayso_channel_name(all[i])) == 0) {
			*out = all[i];
			return SAYSO_OK;
		}
	return SAYSO_ERR_INVAL;
}

void sayso_store_set_busy_handler(struct sayso_store *st,
				  int (*fn)(void *ud, int attempts), void *ud)
{
	if (st->engine == SAYSO_ENGINE_PG)
		return; /* the server queues lock waiters (lock_timeout) */
	sqlite3_busy_handler(st->db, fn, ud);
}

enum sayso_err sayso_store_checkpoint(struct sayso_store *st)
{
	int log = 0, done = 0;
	if (st->engine == SAYSO_ENGINE_PG)
		return SAYSO_OK; /* the server vacuums; no -wal file here */
	if (Sayso_store_exec(st, "PRAGMA journal_size_limit = 0",
			     "journal_size_limit") != SAYSO_OK)
		return SAYSO_ERR_DB;
	int rc = sqlite3_wal_checkpoint_v2(
	    st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return Sayso_store_fail(st, SAYSO_ERR_BUSY,
					"%s: checkpoint: another reader",
					st->path);
	if (rc != SQLITE_OK)
		return Sayso_store_sqlfail(st, "checkpoint");
	return SAYSO_OK;
}

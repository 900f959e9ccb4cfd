/*
 * enrol.c: making an offline kiosk's own database (sayso-admin kiosk enrol).
 *
 * Design: the kiosk gets only what it needs: the rounds that can still take
 * ballots (draft or open, with their projects' stable uids), the site secret
 * that keys resident ids (one vote per resident across kiosk, SMS and paper
 * needs the same ids everywhere), and a random device key of its own, which
 * the site database keeps sealed under the site secret. No resident, ballot,
 * report or phone number of the site goes with it. Every row the kiosk then
 * writes is chained under its key (devlog.c), and merge believes nothing the
 * file says about itself beyond what that chain proves.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "internal.h"
#include "sayso/merge.h"

static bool exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0;
}

static void remove_files(const char *path)
{
	static const char *const ext[] = {"",	     "-wal", "-shm",
					  ".secret", ".key", ".secret.tmp"};
	char p[SAYSO_AUXPATH_MAX + 16];
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, ext[i]);
		unlink(p);
	}
}

/* Copies the voter codes of st's round sid into k's round kid: their keyed
 * hashes and status only (never a plain code), so an offline kiosk can judge
 * a code the way the site would. A code used at the site after enrolment
 * still looks issued on the kiosk; merge then applies the one-vote rule. */
static enum sayso_err copy_codes(struct sayso_store *st, struct sayso_store *k,
				 int64_t sid, int64_t kid)
{
	struct sayso_stmt *q = NULL;
	enum sayso_err e = SAYSO_OK;
	int rc;
	if (Sayso_stmt_prepare(
		st,
		"SELECT code_hash, status, source, created_at, "
		"changed_at FROM voter_codes WHERE round_id = ?1",
		&q) != SAYSO_OK) {
		e = Sayso_store_sqlfail(st, "read voter codes");
		goto out;
	}
	Sayso_bind_int64(q, 1, sid);
	while ((rc = Sayso_step(q)) == SAYSO_SQL_ROW) {
		struct sayso_stmt *s = Sayso_store_stmt(
		    k, "INSERT INTO voter_codes(round_id, code_hash, status, "
		       "source, created_at, changed_at) VALUES(?1, ?2, ?3, "
		       "?4, ?5, ?6)");
		if (!s) {
			e = Sayso_store_fail(st, SAYSO_ERR_DB, "%s",
					     sayso_store_errmsg(k));
			goto out;
		}
		Sayso_bind_int64(s, 1, kid);
		for (int i = 0; i < 5; i++)
			Sayso_bind_col(s, i + 2, q, i);
		if (Sayso_store_step_done(k, s, "copy voter code") !=
		    SAYSO_OK) {
			e = Sayso_store_fail(st, SAYSO_ERR_DB, "%s",
					     sayso_store_errmsg(k));
			goto out;
		}
	}
	if (rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "read voter codes");
out:
	Sayso_stmt_finalize(q);
	return e;
}

/* Copies the draft and open rounds of st, with their projects and voter
 * codes, into k. */
static enum sayso_err copy_rounds(struct sayso_store *st, struct sayso_store *k,
				  struct sayso_enrol_result *res)
{
	struct sayso_stmt *q = NULL, *pq = NULL;
	enum sayso_err e = SAYSO_OK;
	int rc;
	if (Sayso_stmt_prepare(
		st,
		"SELECT id, code, title, budget, currency, ballot_kind, "
		"min_picks, max_picks, max_points, max_sum_points, revote, "
		"opens, closes, state, created_at, uid, identity FROM rounds "
		"WHERE "
		"imported = 0 AND state IN ('draft', 'open') ORDER BY id",
		&q) != SAYSO_OK ||
	    Sayso_stmt_prepare(st,
			       "SELECT number, ext_id, title, description, "
			       "cost, uid FROM projects WHERE round_id = ?1 "
			       "ORDER BY number",
			       &pq) != SAYSO_OK) {
		e = Sayso_store_sqlfail(st, "read rounds");
		goto out;
	}
	while ((rc = Sayso_step(q)) == SAYSO_SQL_ROW) {
		struct sayso_stmt *s = Sayso_store_stmt(
		    k, "INSERT INTO rounds(code, title, budget, currency, "
		       "ballot_kind, min_picks, max_picks, max_points, "
		       "max_sum_points, revote, opens, closes, state, "
		       "created_at, uid, identity) VALUES(?1, ?2, ?3, ?4, ?5, "
		       "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
		if (!s) {
			e = Sayso_store_fail(st, SAYSO_ERR_DB, "%s",
					     sayso_store_errmsg(k));
			goto out;
		}
		for (int i = 1; i < 17; i++)
			Sayso_bind_col(s, i, q, i);
		if (Sayso_store_step_done(k, s, "copy round") != SAYSO_OK) {
			e = Sayso_store_fail(st, SAYSO_ERR_DB, "%s",
					     sayso_store_errmsg(k));
			goto out;
		}
		int64_t kid = Sayso_store_last_id(k);
		res->rounds++;
		Sayso_reset(pq);
		Sayso_bind_int64(pq, 1, Sayso_col_int64(q, 0));
		while ((rc = Sayso_step(pq)) == SAYSO_SQL_ROW) {
			struct sayso_stmt *p = Sayso_store_stmt(
			    k, "INSERT INTO projects(round_id, number, ext_id, "
			       "title, description, cost, uid) VALUES(?1, ?2, "
			       "?3, ?4, ?5, ?6, ?7)");
			if (!p) {
				e = Sayso_store_fail(st, SAYSO_ERR_DB, "%s",
						     sayso_store_errmsg(k));
				goto out;
			}
			Sayso_bind_int64(p, 1, kid);
			for (int i = 0; i < 6; i++)
				Sayso_bind_col(p, i + 2, pq, i);
			if (Sayso_store_step_done(k, p, "copy project") !=
			    SAYSO_OK) {
				e = Sayso_store_fail(st, SAYSO_ERR_DB, "%s",
						     sayso_store_errmsg(k));
				goto out;
			}
			res->projects++;
		}
		if (rc != SAYSO_SQL_DONE) {
			e = Sayso_store_sqlfail(st, "read projects");
			goto out;
		}
		if ((e = copy_codes(st, k, Sayso_col_int64(q, 0), kid)) !=
		    SAYSO_OK)
			goto out;
	}
	if (rc != SAYSO_SQL_DONE)
		e = Sayso_store_sqlfail(st, "read rounds");
out:
	Sayso_stmt_finalize(q);
	Sayso_stmt_finalize(pq);
	return e;
}

static enum sayso_err kiosk_meta(struct sayso_store *k, const char *key,
				 const char *value)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    k, "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) "
	       "DO UPDATE SET value = excluded.value");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, key, -1);
	Sayso_bind_text(s, 2, value, -1);
	return Sayso_store_step_done(k, s, "write meta");
}

/* Fills the new kiosk database k: rounds, its identity, its device row. */
static enum sayso_err fill_kiosk(struct sayso_store *st, struct sayso_store *k,
				 const char *device_id, const char *now,
				 struct sayso_enrol_result *res)
{
	enum sayso_err e;
	if ((e = Sayso_store_adopt_secret(k, sayso_store_secret(st))) !=
	    SAYSO_OK)
		return Sayso_store_fail(st, e, "%s", sayso_store_errmsg(k));
	if ((e = sayso_store_begin(k)) != SAYSO_OK)
		return Sayso_store_fail(st, e, "%s", sayso_store_errmsg(k));
	if ((e = copy_rounds(st, k, res)) != SAYSO_OK)
		goto out;
	if ((e = kiosk_meta(k, "device_id", device_id)) != SAYSO_OK ||
	    (e = kiosk_meta(k, "kiosk_enrolment", res->enrolment)) !=
		SAYSO_OK ||
	    (e = kiosk_meta(k, "kiosk_enrolled_at", now)) != SAYSO_OK ||
	    (e = sayso_store_set_device(k, device_id, "kiosk")) != SAYSO_OK ||
	    (e = sayso_store_commit(k)) != SAYSO_OK) {
		Sayso_store_fail(st, e, "%s", sayso_store_errmsg(k));
		goto out;
	}
	/* A single file from the start (see sayso_store_close). */
	(void)Sayso_store_exec(k, "PRAGMA journal_mode=DELETE", "single file");
	return SAYSO_OK;
out:
	sayso_store_rollback(k);
	return e;
}

static enum sayso_err write_key(struct sayso_store *st, const char *path,
				const unsigned char *key)
{
	char kpath[SAYSO_AUXPATH_MAX];
	snprintf(kpath, sizeof kpath, "%s.key", path);
	int fd = open(kpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return Sayso_store_fail(st, SAYSO_ERR_IO,
					"%s: cannot create: %s", kpath,
					strerror(errno));
	ssize_t w = write(fd, key, SAYSO_DEVKEY_LEN);
	int syncok = fsync(fd) == 0;
	close(fd);
	if (w != SAYSO_DEVKEY_LEN || !syncok)
		return Sayso_store_fail(
		    st, SAYSO_ERR_IO, "%s: cannot write the device key", kpath);
	return SAYSO_OK;
}

/* Records the enrolment (its key sealed) in the site database. */
static enum sayso_err record(struct sayso_store *st, const char *device_id,
			     const char *now, const char *actor,
			     const unsigned char *key,
			     const struct sayso_enrol_result *res)
{
	unsigned char pad[32], sealed[32];
	enum sayso_err e =
	    Sayso_devlog_key_pad(sayso_store_secret(st), res->enrolment, pad);
	if (e != SAYSO_OK)
		return Sayso_store_fail(st, e, "cannot seal the device key");
	for (int i = 0; i < 32; i++)
		sealed[i] = key[i] ^ pad[i];
	OPENSSL_cleanse(pad, sizeof pad);
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO kiosk_enrolments(uid, device_id, key_sealed, "
		"enrolled_at, actor) VALUES(?1, ?2, ?3, ?4, ?5)");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_text(s, 1, res->enrolment, -1);
	Sayso_bind_text(s, 2, device_id, -1);
	Sayso_bind_blob(s, 3, sealed, 32);
	Sayso_bind_text(s, 4, now, -1);
	Sayso_bind_text(s, 5, actor ? actor : "unknown", -1);
	if ((e = Sayso_store_step_done(st, s, "record enrolment")) !=
		SAYSO_OK ||
	    (e = sayso_store_audit(st, actor, "kiosk.enrol",
				   "device %s enrolment %s: %d rounds, %d "
				   "projects",
				   device_id, res->enrolment, res->rounds,
				   res->projects)) != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_kiosk_enrol(struct sayso_store *st, const char *device_id,
				 const char *out_path, const char *actor,
				 struct sayso_enrol_result *res)
{
	memset(res, 0, sizeof *res);
	if (!sayso_store_secret(st))
		return Sayso_store_fail(st, SAYSO_ERR_SECRET,
					"enrolling a kiosk needs the site "
					"secret");
	if (!sayso_device_id_valid(device_id))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"device id '%s': 1 to 64 of letters, "
					"digits, - _ . :",
					device_id ? device_id : "");
	if (!out_path || !*out_path)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL, "no --out file");
	static const char *const ext[] = {"", ".secret", ".key", "-wal"};
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		char p[SAYSO_AUXPATH_MAX + 8];
		snprintf(p, sizeof p, "%s%s", out_path, ext[i]);
		if (exists(p))
			return Sayso_store_fail(st, SAYSO_ERR_EXISTS,
						"%s already exists; refusing "
						"to overwrite it",
						p);
	}
	unsigned char key[SAYSO_DEVKEY_LEN];
	char now[SAYSO_TIME_LEN + 1], errbuf[SAYSO_ERRMSG_MAX];
	struct sayso_store *k = NULL;
	enum sayso_err e;
	if ((e = sayso_uid_new(res->enrolment, sizeof res->enrolment)) !=
		SAYSO_OK ||
	    (e = sayso_random_bytes(key, sizeof key)) != SAYSO_OK)
		return Sayso_store_fail(st, e, "no random bytes for a key");
	snprintf(res->device_id, sizeof res->device_id, "%s", device_id);
	Sayso_now_text(now, sizeof now);
	if ((e = sayso_store_open(out_path, SAYSO_STORE_INIT, &k, errbuf,
				  sizeof errbuf)) != SAYSO_OK) {
		e = Sayso_store_fail(st, e, "%s", errbuf);
		goto out;
	}
	if ((e = fill_kiosk(st, k, device_id, now, res)) != SAYSO_OK ||
	    (e = write_key(st, out_path, key)) != SAYSO_OK ||
	    (e = record(st, device_id, now, actor, key, res)) != SAYSO_OK)
		goto out;
out:
	OPENSSL_cleanse(key, sizeof key);
	sayso_store_close(k);
	if (e != SAYSO_OK)
		remove_files(out_path);
	return e;
}

enum sayso_err sayso_kiosk_unmerged(struct sayso_store *kiosk, int64_t after,
				    int64_t *rows, int64_t *last)
{
	*rows = 0;
	*last = 0;
	if (!sayso_store_enrolment(kiosk)[0])
		return Sayso_store_fail(
		    kiosk, SAYSO_ERR_INVAL,
		    "%s is not an enrolled kiosk's database",
		    sayso_store_path(kiosk));
	struct sayso_stmt *s = Sayso_store_stmt(
	    kiosk, "SELECT (SELECT count(DISTINCT uid) FROM devlog WHERE seq "
		   "> ?1), (SELECT coalesce(max(seq), 0) FROM devlog)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, after);
	if (Sayso_step(s) != SAYSO_SQL_ROW) {
		Sayso_reset(s);
		return Sayso_store_sqlfail(kiosk, "count unmerged records");
	}
	*rows = Sayso_col_int64(s, 0);
	*last = Sayso_col_int64(s, 1);
	Sayso_reset(s);
	return SAYSO_OK;
}

enum sayso_err sayso_kiosk_merged_seq(struct sayso_store *st,
				      const char *enrolment, int64_t *seq)
{
	*seq = 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT merged_seq FROM kiosk_enrolments WHERE uid = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, enrolment ? enrolment : "", -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW)
		*seq = Sayso_col_int64(s, 0);
	Sayso_reset(s);
	if (rc == SAYSO_SQL_ROW)
		return SAYSO_OK;
	if (rc == SAYSO_SQL_DONE)
		return Sayso_store_fail(
		    st, SAYSO_ERR_NOTFOUND, "no kiosk enrolment %s in %s",
		    enrolment ? enrolment : "", sayso_store_path(st));
	return Sayso_store_sqlfail(st, "read kiosk enrolment");
}

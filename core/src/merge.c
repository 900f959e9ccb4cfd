/*
 * merge.c: merging enrolled offline kiosks' databases into the site database.
 *
 * Design: nothing is written until the whole file has passed, in order, the
 * WAL check, SQLite's integrity check, the site check value, the enrolment
 * and the chain (devlog.c): after that, every row in the file is one the
 * kiosk program wrote, and the site believes the file about nothing else
 * (its device id, key and enrolment time come from the site's own record).
 * Rows are matched by uid, so a merge is idempotent. Ballots are matched to
 * rounds and projects by uid, checked by title and cost, and cast through
 * sayso_ballot_cast() at their cast time: the ballot rules (open period, one
 * vote, eligibility) live there, not here. What merge itself decides is only
 * what the file's history tells: a changed project, an erased resident (a
 * tombstone), a kiosk clock that cannot be trusted (held for the organiser).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/ballot.h"
#include "sayso/buf.h"
#include "sayso/merge.h"
#include "sayso/tally.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/stat.h>

#define MERGE_MAX_ROUNDS 256 /* rounds that receive ballots in one merge */

/* A site round a merge casts into, read once: the round, its projects and
 * their uids (aligned with projects). */
struct rcache {
	char uid[40];
	struct sayso_round r;
	struct sayso_project *projects;
	char (*puids)[40];
	size_t np;
};

struct merge {
	struct sayso_store *st;
	struct sayso_store *src;
	const char *src_path;
	struct sayso_merge_result *res;
	char device[SAYSO_DEVICE_MAX];
	char enrolment[SAYSO_UID_LEN + 1];
	unsigned char key[SAYSO_DEVKEY_LEN];
	int64_t lo_ms, hi_ms;
	int64_t merged_seq;
	unsigned char merged_mac[32];
	bool have_merged_mac;
	bool wal_missing;
	bool any_held, any_erased; /* whether to look in merge_held, erased */
	struct rcache *rc;	   /* the site's rounds the ballots go to */
	size_t nrc, caprc;
	struct sayso_devlog_verdict v;
	struct sayso_kiosk_rows kr; /* the file's ballots, read by the chain */
	int64_t rounds[MERGE_MAX_ROUNDS];
	size_t nrounds;
};

static enum sayso_err src_fail(struct merge *m, const char *what)
{
	Sayso_store_sqlfail(m->src, what);
	return Sayso_store_fail(m->st, SAYSO_ERR_DB, "%s",
				sayso_store_errmsg(m->src));
}

static enum sayso_err note_round(struct merge *m, int64_t round_id)
{
	for (size_t i = 0; i < m->nrounds; i++)
		if (m->rounds[i] == round_id)
			return SAYSO_OK;
	if (m->nrounds == MERGE_MAX_ROUNDS)
		return Sayso_store_fail(m->st, SAYSO_ERR_TOOBIG,
					"%s: ballots for more than %d rounds",
					m->src_path, MERGE_MAX_ROUNDS);
	m->rounds[m->nrounds++] = round_id;
	return SAYSO_OK;
}

static enum sayso_err exists_uid(struct sayso_store *st, const char *sql,
				 const char *uid, bool *found)
{
	struct sayso_stmt *s = Sayso_store_stmt(st, sql);
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, uid, -1);
	int rc = Sayso_step(s);
	*found = rc == SAYSO_SQL_ROW;
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "look up uid");
	return SAYSO_OK;
}

/* ---- before anything is written ---- */

/* Whether the file's header says WAL mode (bytes 18-19 = 2) with no -wal
 * beside it, looked at before SQLite opens it. An enrolled kiosk's file
 * leaves WAL mode when the kiosk stops (sayso_store_close), so for it this
 * means a copy made while the kiosk ran: its newest rows may be in the
 * -wal that was left behind. */
static bool wal_missing(const char *path)
{
	unsigned char hdr[100];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false; /* the open that follows says why */
	ssize_t r = read(fd, hdr, sizeof hdr);
	close(fd);
	if (r != (ssize_t)sizeof hdr ||
	    memcmp(hdr, "SQLite format 3", 16) != 0 ||
	    (hdr[18] != 2 && hdr[19] != 2))
		return false;
	char wal[SAYSO_AUXPATH_MAX];
	snprintf(wal, sizeof wal, "%s-wal", path);
	struct stat sb;
	return stat(wal, &sb) != 0;
}

/* PRAGMA integrity_check on db: true for "ok"; otherwise line holds the
 * first line of its answer, or the error when it could not run
 * (*prepared false when it could not even be prepared). */
static bool integrity_ok(struct sayso_store *db, char *line, size_t linesz,
			 bool *prepared)
{
	struct sayso_stmt *q = NULL;
	*prepared =
	    Sayso_stmt_prepare(db, "PRAGMA integrity_check", &q) == SAYSO_OK;
	if (!*prepared) {
		snprintf(line, linesz, "%s", sayso_store_errmsg(db));
		return false;
	}
	int rc = Sayso_step(q);
	const char *t =
	    rc == SAYSO_SQL_ROW ? (const char *)Sayso_col_text(q, 0) : NULL;
	if (rc != SAYSO_SQL_ROW)
		Sayso_store_sqlfail(db, "integrity check");
	bool ok = t && strcmp(t, "ok") == 0;
	snprintf(line, linesz, "%s", t ? t : sayso_store_errmsg(db));
	Sayso_stmt_finalize(q);
	return ok;
}

/*
 * The integrity check is the merge's longest single read of the file. On a
 * file in rollback-journal mode (an enrolled kiosk's file once the kiosk
 * has stopped, or a `sayso-admin backup` copy) it runs on a second
 * read-only handle in a thread of its own, beside the chain check and the
 * casts: the merge's own read transaction holds the file's shared lock
 * from before the thread's first read to after its last, so no writer can
 * change the file between the two and both read the same bytes. Its verdict
 * is taken before anything is committed, and a damaged file's error comes
 * first, whatever else failed, as when the check ran first. A file in WAL
 * mode (whose readers may see different snapshots), a machine with no
 * core to spare, or no second handle or thread: checked first, on the
 * merge's own handle.
 */
int Sayso_merge_check_beside = 0;

/* Whether a core is free for the check: on a machine whose cores are all
 * busy, the thread only adds its cost (two handles reading one file). */
static bool core_to_spare(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double load = 0;
	return ncpu >= 2 && getloadavg(&load, 1) == 1 &&
	       load <= (double)ncpu - 1;
}

struct icheck {
	struct sayso_store *db;
	pthread_t tid;
	bool started, ok, prepared;
	char line[SAYSO_ERRMSG_MAX];
};

static void *icheck_run(void *arg)
{
	struct icheck *ic = arg;
	ic->ok = integrity_ok(ic->db, ic->line, sizeof ic->line, &ic->prepared);
	return NULL;
}

static enum sayso_err integrity_fail(struct merge *m, bool prepared,
				     const char *line)
{
	memset(m->res, 0, sizeof *m->res); /* nothing was read */
	if (!prepared)
		return Sayso_store_fail(m->st, SAYSO_ERR_CORRUPT,
					"%s: damaged (integrity check: %s)",
					m->src_path, line);
	return Sayso_store_fail(m->st, SAYSO_ERR_CORRUPT,
				"%s is damaged (integrity check: %s); nothing "
				"merged",
				m->src_path, line);
}

/* Whether the file is in WAL mode, read inside the merge's read
 * transaction (whose first read takes the file's shared lock). */
static enum sayso_err src_wal_mode(struct merge *m, bool *wal)
{
	static const char *const sql[] = {"SELECT count(*) FROM sqlite_master",
					  "PRAGMA journal_mode"};
	*wal = true;
	for (size_t i = 0; i < 2; i++) {
		struct sayso_stmt *q = NULL;
		if (Sayso_stmt_prepare(m->src, sql[i], &q) != SAYSO_OK)
			return SAYSO_ERR_DB;
		int rc = Sayso_step(q);
		if (i == 1 && rc == SAYSO_SQL_ROW) {
			const char *mode = (const char *)Sayso_col_text(q, 0);
			*wal = !mode || strcmp(mode, "wal") == 0;
		}
		Sayso_stmt_finalize(q);
		if (rc != SAYSO_SQL_ROW)
			return SAYSO_ERR_DB;
	}
	return SAYSO_OK;
}

/* Starts the integrity check in its own thread when it may (see struct
 * icheck); otherwise ic->started stays false and preflight runs it. */
static void icheck_start(struct merge *m, struct icheck *ic)
{
	char err[SAYSO_ERRMSG_MAX];
	bool wal = true;
	memset(ic, 0, sizeof *ic);
	if (Sayso_merge_check_beside < 0 ||
	    (Sayso_merge_check_beside == 0 && !core_to_spare()) ||
	    src_wal_mode(m, &wal) != SAYSO_OK || wal ||
	    sayso_store_open(m->src_path,
			     SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET,
			     &ic->db, err, sizeof err) != SAYSO_OK)
		return;
	Sayso_store_bulk(ic->db, true, false);
	ic->started = pthread_create(&ic->tid, NULL, icheck_run, ic) == 0;
	if (!ic->started) {
		sayso_store_close(ic->db);
		ic->db = NULL;
	}
}

/* Waits for a started check: its failure replaces e, as it came first. */
static enum sayso_err icheck_join(struct merge *m, struct icheck *ic,
				  enum sayso_err e)
{
	if (!ic->started)
		return e;
	pthread_join(ic->tid, NULL);
	ic->started = false;
	sayso_store_close(ic->db);
	ic->db = NULL;
	if (!ic->ok)
		return integrity_fail(m, ic->prepared, ic->line);
	return e;
}

static enum sayso_err check_integrity(struct merge *m)
{
	char line[SAYSO_ERRMSG_MAX];
	bool prepared;
	if (integrity_ok(m->src, line, sizeof line, &prepared))
		return SAYSO_OK;
	return integrity_fail(m, prepared, line);
}

/* The enrolment the file claims, as the site recorded it: device id, key,
 * enrolment time and what was merged from it before. */
static enum sayso_err load_enrolment(struct merge *m)
{
	const char *claimed = sayso_store_enrolment(m->src);
	if (!claimed[0])
		return Sayso_store_fail(
		    m->st, SAYSO_ERR_AUTH,
		    "%s was not made by `sayso-admin kiosk enrol` (a backup "
		    "copy of the site database is no longer merged: its rows "
		    "carry no chain); enrol the kiosk and record on its own "
		    "database",
		    m->src_path);
	snprintf(m->enrolment, sizeof m->enrolment, "%s", claimed);
	struct sayso_stmt *s = Sayso_store_stmt(
	    m->st, "SELECT device_id, key_sealed, enrolled_at, merged_seq, "
		   "merged_mac FROM kiosk_enrolments WHERE uid = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, m->enrolment, -1);
	int rc = Sayso_step(s);
	if (rc != SAYSO_SQL_ROW) {
		Sayso_reset(s);
		return rc == SAYSO_SQL_DONE
			   ? Sayso_store_fail(m->st, SAYSO_ERR_AUTH,
					      "%s claims kiosk enrolment %s, "
					      "which this database never made",
					      m->src_path, m->enrolment)
			   : Sayso_store_sqlfail(m->st, "find enrolment");
	}
	Sayso_column_copy(s, 0, m->device, sizeof m->device);
	int64_t enrolled = 0;
	const char *at = (const char *)Sayso_col_text(s, 2);
	bool sealed_ok = Sayso_col_bytes(s, 1) == 32;
	if (sealed_ok)
		memcpy(m->key, Sayso_col_blob(s, 1), 32);
	if (!at || sayso_time_parse(at, &enrolled) != SAYSO_OK)
		enrolled = 0;
	m->merged_seq = Sayso_col_int64(s, 3);
	m->have_merged_mac = Sayso_col_bytes(s, 4) == 32;
	if (m->have_merged_mac)
		memcpy(m->merged_mac, Sayso_col_blob(s, 4), 32);
	Sayso_reset(s);
	unsigned char pad[32];
	if (!sealed_ok || Sayso_devlog_key_pad(sayso_store_secret(m->st),
					       m->enrolment, pad) != SAYSO_OK)
		return Sayso_store_fail(m->st, SAYSO_ERR_CRYPTO,
					"cannot unseal the key of enrolment %s",
					m->enrolment);
	for (int i = 0; i < 32; i++)
		m->key[i] ^= pad[i];
	OPENSSL_cleanse(pad, sizeof pad);
	if (strcmp(sayso_store_device(m->src), m->device) != 0)
		return Sayso_store_fail(
		    m->st, SAYSO_ERR_AUTH,
		    "%s says it is kiosk '%s', but enrolment %s was made for "
		    "'%s'",
		    m->src_path, sayso_store_device(m->src), m->enrolment,
		    m->device);
	snprintf(m->res->device_id, sizeof m->res->device_id, "%s", m->device);
	snprintf(m->res->enrolment, sizeof m->res->enrolment, "%s",
		 m->enrolment);
	/* The plausible window: the site's own clock, an hour's slack. */
	m->lo_ms = enrolled - 3600000;
	m->hi_ms = sayso_time_now_ms() + 3600000;
	return SAYSO_OK;
}

static enum sayso_err verify_chain(struct merge *m)
{
	char why[SAYSO_ERRMSG_MAX];
	/* The reasons fit after "path (kiosk id): " in the error message. */
	size_t room = sizeof why - strlen(m->src_path) - strlen(m->device) - 16;
	if (room > sizeof why || room < 128)
		room = 128;
	enum sayso_err e = Sayso_devlog_verify(
	    m->src, m->key, m->enrolment, m->lo_ms, m->hi_ms, m->merged_seq,
	    m->have_merged_mac ? m->merged_mac : NULL, &m->v, why, room,
	    &m->kr);
	if (e == SAYSO_ERR_AUTH)
		return Sayso_store_fail(m->st, e, "%s (kiosk %s): %s",
					m->src_path, m->device, why);
	if (e != SAYSO_OK)
		return Sayso_store_fail(m->st, e, "%s: %s", m->src_path,
					sayso_store_errmsg(m->src));
	if (!m->v.continues)
		return Sayso_store_fail(
		    m->st, SAYSO_ERR_AUTH,
		    "%s (kiosk %s): its row %lld differs from the one merged "
		    "before: this history forks from the merged one",
		    m->src_path, m->device, (long long)m->merged_seq);
	m->res->chain = m->v.entries;
	m->res->older_copy = m->v.last_seq < m->merged_seq;
	if (m->v.clock_bad)
		snprintf(m->res->hold_why, sizeof m->res->hold_why, "%s",
			 m->v.clock_why);
	return SAYSO_OK;
}

/* ---- ballots ---- */

static enum sayso_err is_erased(struct merge *m, const char *resident,
				bool *erased)
{
	char tomb[SAYSO_HEX256_MAX];
	*erased = false;
	if (!resident || !*resident || !m->any_erased)
		return SAYSO_OK;
	enum sayso_err e =
	    Sayso_erase_tomb(sayso_store_secret(m->st), resident, tomb);
	if (e != SAYSO_OK)
		return Sayso_store_fail(m->st, e, "cannot compute a tombstone");
	return exists_uid(m->st, "SELECT 1 FROM erased WHERE tomb = ?1", tomb,
			  erased);
}

/* The resident comes with what the kiosk knew of it: whether its id is the
 * hash of a phone number or of a voter code (residents.kind), so a code the
 * site never issued cannot pass as a phone ballot. A kind the site already
 * has is kept. */
static enum sayso_err merge_resident(struct merge *m, const char *resident,
				     const char *kind)
{
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    m->st, "INSERT INTO residents(id, created_at, kind) VALUES(?1, ?2, "
		   "?3) ON CONFLICT(id) DO UPDATE SET kind = "
		   "coalesce(residents.kind, excluded.kind)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, resident, -1);
	Sayso_bind_text(s, 2, now, -1);
	Sayso_bind_text_or_null(s, 3, kind);
	return Sayso_store_step_done(m->st, s, "merge resident");
}

/* A kiosk ballot, read from the source. */
struct kb {
	char uid[SAYSO_UID_LEN + 8];
	char round_uid[40], round_code[SAYSO_CODE_MAX];
	char resident[SAYSO_RESIDENT_ID_LEN + 8];
	bool has_resident;
	char kind[8]; /* residents.kind on the kiosk: "phone", "code" or "" */
	enum sayso_channel channel;
	char cast_at[SAYSO_TIME_LEN + 8];
	int64_t seq;
	const struct rcache *rc; /* the site's round */
	struct sayso_pick picks[SAYSO_MAX_PICKS];
	size_t npicks;
	char reject[SAYSO_REASON_MAX];
};

static void money(int64_t v, const char *cur, char *out, size_t outsz)
{
	sayso_money_format(v, cur, out, outsz);
}

/* Maps the source ballot's items to the site's projects by uid, checking
 * title and cost; a mismatch becomes kb->reject. */
static void map_items(struct merge *m, const struct sayso_kiosk_ballot *kb,
		      struct kb *b)
{
	b->npicks = 0;
	for (size_t i = 0; i < kb->nitems; i++) {
		const struct sayso_kiosk_item *it = &m->kr.items[kb->item0 + i];
		const struct sayso_kiosk_project *kp =
		    &m->kr.projects[it->project];
		const char *puid = kp->uid;
		int knum = kp->number;
		const char *ktitle = kp->title;
		int64_t kcost = kp->cost;
		if (b->npicks >= SAYSO_MAX_PICKS)
			break;
		const struct sayso_project *here = NULL;
		for (size_t k = 0; k < b->rc->np && puid; k++)
			if (strcmp(b->rc->puids[k], puid) == 0)
				here = &b->rc->projects[k];
		if (here) {
			int num = here->number;
			const char *t = here->title;
			int64_t cost = here->cost;
			if (!b->reject[0] && (strcmp(t ? t : "", ktitle) != 0 ||
					      cost != kcost)) {
				char a[32], c[32];
				money(kcost, b->rc->r.currency, a, sizeof a);
				money(cost, b->rc->r.currency, c, sizeof c);
				snprintf(b->reject, sizeof b->reject,
					 "project list changed: the kiosk "
					 "showed #%d '%.40s' (%s), here it is "
					 "#%d '%.40s' (%s)",
					 knum, ktitle, a, num, t ? t : "", c);
			}
			b->picks[b->npicks].number = num;
			b->picks[b->npicks].points = it->points;
			b->npicks++;
		} else if (!b->reject[0]) {
			snprintf(b->reject, sizeof b->reject,
				 "project list changed: the kiosk showed #%d "
				 "'%.60s', which this round does not have",
				 knum, ktitle);
		}
	}
}

static bool resident_valid(const char *r)
{
	size_t n = strlen(r);
	if (n != SAYSO_RESIDENT_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((r[i] >= '0' && r[i] <= '9') ||
		      (r[i] >= 'a' && r[i] <= 'f')))
			return false;
	return true;
}

static void picks_text(const struct kb *b, char *out, size_t outsz)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < b->npicks && used < outsz; i++) {
		int w =
		    snprintf(out + used, outsz - used, "%s%d:%d", i ? " " : "",
			     b->picks[i].number, b->picks[i].points);
		if (w > 0)
			used += (size_t)w;
	}
}

static enum sayso_err hold_ballot(struct merge *m, const struct kb *b,
				  const char *why)
{
	char now[SAYSO_TIME_LEN + 1], picks[128];
	Sayso_now_text(now, sizeof now);
	picks_text(b, picks, sizeof picks);
	struct sayso_stmt *s = Sayso_store_stmt(
	    m->st, "INSERT INTO merge_held(uid, device_id, seq, round_id, "
		   "resident_id, channel, cast_at, picks, reason, merged_at) "
		   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, b->uid, -1);
	Sayso_bind_text(s, 2, m->device, -1);
	Sayso_bind_int64(s, 3, b->seq);
	Sayso_bind_int64(s, 4, b->rc->r.id);
	Sayso_bind_text_or_null(s, 5, b->has_resident ? b->resident : NULL);
	Sayso_bind_text(s, 6, sayso_channel_name(b->channel), -1);
	Sayso_bind_text(s, 7, b->cast_at, -1);
	Sayso_bind_text(s, 8, picks, -1);
	Sayso_bind_text(s, 9, why, -1);
	Sayso_bind_text(s, 10, now, -1);
	enum sayso_err e = Sayso_store_step_done(m->st, s, "hold ballot");
	if (e == SAYSO_OK)
		m->res->held++;
	return e;
}

static enum sayso_err cast_ballot(struct merge *m, struct kb *b, int64_t at)
{
	struct sayso_ballot_in in;
	struct sayso_cast_result cr;
	memset(&in, 0, sizeof in);
	in.round_code = b->rc->r.code;
	in.resident_id = b->has_resident ? b->resident : NULL;
	in.channel = b->channel;
	in.device_id = m->device;
	in.cast_at_ms = at;
	in.uid = b->uid;
	in.picks = b->picks;
	in.npicks = b->npicks;
	in.reject = b->reject[0] ? b->reject : NULL;
	enum sayso_err e = Sayso_ballot_cast_round(
	    m->st, &b->rc->r, b->rc->projects, b->rc->np, &in, &cr);
	if (e != SAYSO_OK)
		return e;
	m->res->ballots++;
	if (cr.outcome == SAYSO_CAST_INVALID)
		m->res->rejected++;
	else if (cr.outcome == SAYSO_CAST_REPLACED)
		m->res->changed++;
	return SAYSO_OK;
}

/* The site's round with uid (its projects and their uids), read once per
 * merge into m->rc; *out points into the cache. */
static enum sayso_err load_round(struct merge *m, const char *uid,
				 const char *code, struct rcache *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->uid, sizeof c->uid, "%s", uid);
	struct sayso_stmt *r =
	    Sayso_store_stmt(m->st, "SELECT code FROM rounds WHERE uid = ?1");
	if (!r)
		return SAYSO_ERR_DB;
	Sayso_bind_text(r, 1, uid, -1);
	int rc = Sayso_step(r);
	char here[SAYSO_CODE_MAX] = "";
	if (rc == SAYSO_SQL_ROW)
		Sayso_column_copy(r, 0, here, sizeof here);
	Sayso_reset(r);
	if (rc == SAYSO_SQL_DONE)
		return Sayso_store_fail(m->st, SAYSO_ERR_NOTFOUND,
					"%s has ballots for round '%s', which "
					"this database does not have",
					m->src_path, code);
	if (rc != SAYSO_SQL_ROW)
		return Sayso_store_sqlfail(m->st, "find round");
	enum sayso_err e;
	if ((e = sayso_round_get(m->st, here, &c->r)) != SAYSO_OK ||
	    (e = sayso_project_list(m->st, c->r.id, &c->projects, &c->np)) !=
		SAYSO_OK)
		return e;
	c->puids = calloc(c->np ? c->np : 1, sizeof *c->puids);
	if (!c->puids)
		return Sayso_store_fail(m->st, SAYSO_ERR_NOMEM,
					"out of memory");
	struct sayso_stmt *p =
	    Sayso_store_stmt(m->st, "SELECT uid FROM projects WHERE id = ?1");
	if (!p)
		return SAYSO_ERR_DB;
	for (size_t i = 0; i < c->np; i++) {
		Sayso_reset(p);
		Sayso_bind_int64(p, 1, c->projects[i].id);
		if (Sayso_step(p) == SAYSO_SQL_ROW)
			Sayso_column_copy(p, 0, c->puids[i],
					  sizeof c->puids[i]);
	}
	Sayso_reset(p);
	return note_round(m, c->r.id);
}

static enum sayso_err find_round(struct merge *m, const char *uid,
				 const char *code, const struct rcache **out)
{
	for (size_t i = 0; i < m->nrc; i++)
		if (strcmp(m->rc[i].uid, uid) == 0) {
			*out = &m->rc[i];
			return SAYSO_OK;
		}
	if (m->nrc == MERGE_MAX_ROUNDS)
		return Sayso_store_fail(m->st, SAYSO_ERR_TOOBIG,
					"%s: ballots for more than %d rounds",
					m->src_path, MERGE_MAX_ROUNDS);
	enum sayso_err e = sayso_array_grow(&m->rc, &m->caprc, m->nrc + 1,
					    sizeof *m->rc, MERGE_MAX_ROUNDS);
	if (e != SAYSO_OK)
		return Sayso_store_fail(m->st, e, "out of memory");
	struct rcache *c = &m->rc[m->nrc];
	e = load_round(m, uid, code, c);
	m->nrc++; /* freed with the others even when half loaded */
	*out = c;
	return e;
}

static void free_rounds(struct merge *m)
{
	for (size_t i = 0; i < m->nrc; i++) {
		free(m->rc[i].projects);
		free(m->rc[i].puids);
	}
	free(m->rc);
}

/* Reads the file's ballot kb into b and finds its round here. */
static enum sayso_err
read_ballot(struct merge *m, const struct sayso_kiosk_ballot *kb, struct kb *b)
{
	const struct sayso_kiosk_round *kr = &m->kr.rounds[kb->round];
	memset(b, 0, sizeof *b);
	memcpy(b->uid, kb->uid, sizeof b->uid);
	snprintf(b->round_uid, sizeof b->round_uid, "%s", kr->uid);
	snprintf(b->round_code, sizeof b->round_code, "%s", kr->code);
	memcpy(b->resident, kb->resident, sizeof b->resident);
	b->has_resident = b->resident[0] != '\0';
	memcpy(b->kind, kb->kind, sizeof b->kind);
	if (strcmp(b->kind, "phone") != 0 && strcmp(b->kind, "code") != 0)
		b->kind[0] = '\0';
	b->channel = kb->channel;
	memcpy(b->cast_at, kb->cast_at, sizeof b->cast_at);
	b->seq = kb->seq;
	return find_round(m, b->round_uid, b->round_code, &b->rc);
}

/* Merges the file's ballot kb (with its items), unless known. */
static enum sayso_err
merge_ballot(struct merge *m, const struct sayso_kiosk_ballot *kb, struct kb *b)
{
	enum sayso_err e;
	bool found, erased;
	if ((e = exists_uid(m->st, "SELECT 1 FROM ballots WHERE uid = ?1",
			    kb->uid, &found)) != SAYSO_OK ||
	    (!found && m->any_held &&
	     (e = exists_uid(m->st,
			     "SELECT 1 FROM merge_held WHERE uid = "
			     "?1",
			     kb->uid, &found)) != SAYSO_OK))
		return e;
	if (found) {
		m->res->known++;
		return SAYSO_OK;
	}
	if ((e = read_ballot(m, kb, b)) != SAYSO_OK)
		return e;
	map_items(m, kb, b);
	if ((e = is_erased(m, b->has_resident ? b->resident : NULL, &erased)) !=
	    SAYSO_OK)
		return e;
	int64_t at = 0;
	if (erased) {
		b->has_resident = false;
		snprintf(b->reject, sizeof b->reject,
			 "the resident was erased here before this merge");
	} else if (b->has_resident && !resident_valid(b->resident)) {
		b->has_resident = false;
		snprintf(b->reject, sizeof b->reject, "malformed resident id");
	}
	if (sayso_time_parse(b->cast_at, &at) != SAYSO_OK) {
		snprintf(b->reject, sizeof b->reject,
			 "unreadable cast time '%.40s'", b->cast_at);
		at = sayso_time_now_ms();
	}
	if (!b->reject[0] &&
	    (m->v.clock_bad || at < m->lo_ms || at > m->hi_ms)) {
		char why[240];
		snprintf(why, sizeof why, "kiosk %s's clock: %s", m->device,
			 m->v.clock_bad
			     ? m->v.clock_why
			     : "cast time outside enrolment .. merge");
		return hold_ballot(m, b, why);
	}
	if (b->has_resident &&
	    (e = merge_resident(m, b->resident, b->kind)) != SAYSO_OK)
		return e;
	return cast_ballot(m, b, at);
}

static int by_seq(const void *a, const void *b)
{
	const struct sayso_kiosk_ballot *x =
	    *(const struct sayso_kiosk_ballot *const *)a;
	const struct sayso_kiosk_ballot *y =
	    *(const struct sayso_kiosk_ballot *const *)b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The file's ballots, as the chain check read them, in the order of the
 * chain entries that describe them. */
static enum sayso_err merge_ballots(struct merge *m)
{
	enum sayso_err e = SAYSO_OK;
	size_t n = m->kr.nballots;
	struct kb *b = malloc(sizeof *b);
	const struct sayso_kiosk_ballot **order =
	    calloc(n ? n : 1, sizeof *order);
	if (!b || !order) {
		e = Sayso_store_fail(m->st, SAYSO_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		order[i] = &m->kr.ballots[i];
		if (!order[i]->has_uid) {
			e = src_fail(m, "a ballot without uid");
			goto out;
		}
		if (order[i]->seq <= 0) { /* the chain check refuses this */
			e = Sayso_store_fail(m->st, SAYSO_ERR_AUTH,
					     "%s: ballot %s has no chain entry",
					     m->src_path, order[i]->uid);
			goto out;
		}
	}
	qsort(order, n, sizeof *order, by_seq);
	for (size_t i = 0; i < n && e == SAYSO_OK; i++)
		e = merge_ballot(m, order[i], b);
out:
	free(b);
	free(order);
	return e;
}

/* ---- ratings and reports ---- */

static enum sayso_err merge_ratings(struct merge *m)
{
	struct sayso_stmt *q = NULL;
	enum sayso_err e = SAYSO_OK;
	if (Sayso_stmt_prepare(m->src,
			       "SELECT uid, score, question, answer, "
			       "resident_id, channel, cast_at, flag "
			       "FROM ratings ORDER BY cast_at, uid",
			       &q) != SAYSO_OK)
		return src_fail(m, "read ratings");
	int rc;
	while ((rc = Sayso_step(q)) == SAYSO_SQL_ROW) {
		const char *resident = (const char *)Sayso_col_text(q, 4);
		bool erased = false;
		if ((e = is_erased(m, resident, &erased)) != SAYSO_OK)
			goto out;
		if (resident && !erased && !resident_valid(resident))
			erased = true; /* unlinked, never invented */
		struct sayso_stmt *s = Sayso_store_stmt(
		    m->st, "INSERT INTO ratings(uid, score, question, answer, "
			   "resident_id, channel, device_id, cast_at, flag) "
			   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON "
			   "CONFLICT(uid) DO NOTHING");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		for (int i = 0; i < 4; i++)
			Sayso_bind_col(s, i + 1, q, i);
		if (erased)
			Sayso_bind_null(s, 5);
		else
			Sayso_bind_col(s, 5, q, 4);
		Sayso_bind_col(s, 6, q, 5);
		Sayso_bind_text(s, 7, m->device, -1);
		Sayso_bind_col(s, 8, q, 6);
		Sayso_bind_col(s, 9, q, 7);
		if ((e = Sayso_store_step_done(m->st, s, "merge rating")) !=
		    SAYSO_OK)
			goto out;
		if (Sayso_store_changes(m->st) > 0)
			m->res->ratings++;
		else
			m->res->known++;
	}
	if (rc != SAYSO_SQL_DONE)
		e = src_fail(m, "read ratings");
out:
	Sayso_stmt_finalize(q);
	return e;
}

/* The report's first history line, and its held "tell me when it's fixed"
 * messages (unless the resident was erased here). */
static enum sayso_err report_extras(struct merge *m, int64_t rid,
				    const char *ref, const char *at,
				    const char *channel, bool erased)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    m->st, "INSERT INTO report_history(report_id, at, status, note, "
		   "actor) VALUES(?1, ?2, 'open', NULL, ?3)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, rid);
	Sayso_bind_text(s, 2, at, -1);
	Sayso_bind_text(s, 3, channel, -1);
	enum sayso_err e = Sayso_store_step_done(m->st, s, "report history");
	if (e != SAYSO_OK || erased)
		return e;
	struct sayso_stmt *q = NULL;
	if (Sayso_stmt_prepare(m->src,
			       "SELECT to_number, resident_id, body, status, "
			       "hold_key, next_attempt_at, created_at FROM "
			       "sms_outbox WHERE hold_key = 'report:' || ?1 "
			       "AND status IN ('held', 'queued') AND inbox_id "
			       "IS NULL ORDER BY id",
			       &q) != SAYSO_OK)
		return src_fail(m, "read held messages");
	Sayso_bind_text(q, 1, ref, -1);
	int rc;
	while ((rc = Sayso_step(q)) == SAYSO_SQL_ROW) {
		s = Sayso_store_stmt(
		    m->st,
		    "INSERT INTO sms_outbox(to_number, resident_id, body, "
		    "status, hold_key, next_attempt_at, created_at) "
		    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		for (int i = 0; i < 7; i++)
			Sayso_bind_col(s, i + 1, q, i);
		if ((e = Sayso_store_step_done(
			 m->st, s, "merge held message")) != SAYSO_OK)
			goto out;
	}
	if (rc != SAYSO_SQL_DONE)
		e = src_fail(m, "read held messages");
out:
	Sayso_stmt_finalize(q);
	return e;
}

static enum sayso_err merge_report(struct merge *m, struct sayso_stmt *q)
{
	char uid[SAYSO_UID_LEN + 8], ref[32], at[SAYSO_TIME_LEN + 8],
	    channel[16];
	Sayso_column_copy(q, 0, uid, sizeof uid);
	Sayso_column_copy(q, 1, ref, sizeof ref);
	Sayso_column_copy(q, 8, at, sizeof at);
	Sayso_column_copy(q, 7, channel, sizeof channel);
	const char *resident = (const char *)Sayso_col_text(q, 6);
	bool found, erased = false;
	enum sayso_err e;
	if ((e = exists_uid(m->st, "SELECT 1 FROM reports WHERE uid = ?1", uid,
			    &found)) != SAYSO_OK)
		return e;
	if (found) {
		m->res->known++;
		return SAYSO_OK;
	}
	if ((e = exists_uid(m->st, "SELECT 1 FROM reports WHERE ref = ?1", ref,
			    &found)) != SAYSO_OK)
		return e;
	if (found)
		return Sayso_store_fail(m->st, SAYSO_ERR_EXISTS,
					"%s: report reference %s is already "
					"used by another report here",
					m->src_path, ref);
	if ((e = is_erased(m, resident, &erased)) != SAYSO_OK)
		return e;
	if (resident && !erased && !resident_valid(resident))
		erased = true;
	struct sayso_stmt *s = Sayso_store_stmt(
	    m->st, "INSERT INTO reports(uid, ref, category, street, location, "
		   "text, status, resident_id, channel, device_id, cast_at, "
		   "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, "
		   "?9, ?10, ?10)");
	if (!s)
		return SAYSO_ERR_DB;
	for (int i = 0; i < 6; i++)
		Sayso_bind_col(s, i + 1, q, i);
	if (erased)
		Sayso_bind_null(s, 7);
	else
		Sayso_bind_col(s, 7, q, 6);
	Sayso_bind_text(s, 8, channel, -1);
	Sayso_bind_text(s, 9, m->device, -1);
	Sayso_bind_text(s, 10, at, -1);
	if ((e = Sayso_store_step_done(m->st, s, "merge report")) != SAYSO_OK)
		return e;
	int64_t rid = Sayso_store_last_id(m->st);
	if ((e = report_extras(m, rid, ref, at, channel, erased)) != SAYSO_OK)
		return e;
	/* Routed and checked for duplicates here, where the partnership's
	 * rules and the other reports are. */
	if ((e = Sayso_issue_created(m->st, SAYSO_ISSUE_REPORT, rid,
				     (const char *)Sayso_col_text(q, 2),
				     (const char *)Sayso_col_text(q, 3), at)) !=
	    SAYSO_OK)
		return e;
	m->res->reports++;
	return SAYSO_OK;
}

static enum sayso_err merge_reports(struct merge *m)
{
	struct sayso_stmt *q = NULL;
	enum sayso_err e = SAYSO_OK;
	if (Sayso_stmt_prepare(m->src,
			       "SELECT uid, ref, category, street, location, "
			       "text, resident_id, channel, cast_at FROM "
			       "reports ORDER BY cast_at, uid",
			       &q) != SAYSO_OK)
		return src_fail(m, "read reports");
	int rc;
	while ((rc = Sayso_step(q)) == SAYSO_SQL_ROW)
		if ((e = merge_report(m, q)) != SAYSO_OK)
			goto out;
	if (rc != SAYSO_SQL_DONE)
		e = src_fail(m, "read reports");
out:
	Sayso_stmt_finalize(q);
	return e;
}

/* ---- bookkeeping ---- */

static enum sayso_err note_device(struct merge *m)
{
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    m->st,
	    "INSERT INTO devices(id, kind, first_seen, last_seen) "
	    "VALUES(?1, 'kiosk', ?2, ?2) ON CONFLICT(id) DO UPDATE SET "
	    "last_seen = CASE WHEN excluded.last_seen > devices.last_seen "
	    "THEN excluded.last_seen ELSE devices.last_seen END");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, m->device, -1);
	Sayso_bind_text(s, 2, now, -1);
	enum sayso_err e = Sayso_store_step_done(m->st, s, "merge device");
	if (e != SAYSO_OK || m->v.last_seq <= m->merged_seq)
		return e;
	s = Sayso_store_stmt(m->st, "UPDATE kiosk_enrolments SET merged_seq "
				    "= ?2, merged_mac = ?3 WHERE uid = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, m->enrolment, -1);
	Sayso_bind_int64(s, 2, m->v.last_seq);
	Sayso_bind_blob(s, 3, m->v.last_mac, 32);
	return Sayso_store_step_done(m->st, s, "record the chain head");
}

/* The file's walkabout rows, which a merge does not carry over (see
 * merge.h): counted and their first references named, never dropped
 * silently. A file whose schema has no walkabout tables has none. */
static enum sayso_err count_walk(struct merge *m)
{
	static const char *const sql[] = {
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name IN ('walk_issues', 'walk_checks')",
	    "SELECT count(*) FROM walk_issues",
	    "SELECT count(*) FROM walk_checks",
	    "SELECT coalesce(group_concat(ref, ' '), '') FROM (SELECT ref "
	    "FROM walk_issues ORDER BY id LIMIT 5)"};
	int64_t v[3] = {0, 0, 0};

	for (size_t i = 0; i < 4; i++) {
		struct sayso_stmt *q = NULL;
		if (Sayso_stmt_prepare(m->src, sql[i], &q) != SAYSO_OK ||
		    Sayso_step(q) != SAYSO_SQL_ROW) {
			Sayso_stmt_finalize(q);
			return src_fail(m, "read walkabout rows");
		}
		if (i < 3)
			v[i] = Sayso_col_int64(q, 0);
		else
			Sayso_column_copy(q, 0, m->res->walk_refs,
					  sizeof m->res->walk_refs);
		Sayso_stmt_finalize(q);
		if (i == 0 && v[0] < 2)
			return SAYSO_OK; /* an older schema: none */
	}
	m->res->walk_issues = v[1];
	m->res->walk_checks = v[2];
	return SAYSO_OK;
}

static enum sayso_err record(struct merge *m, const char *actor,
			     const char *source)
{
	struct sayso_merge_result *r = m->res;
	if (r->ballots + r->held + r->ratings + r->reports > 0) {
		char now[SAYSO_TIME_LEN + 1];
		Sayso_now_text(now, sizeof now);
		struct sayso_stmt *s = Sayso_store_stmt(
		    m->st, "INSERT INTO merges(source, device_id, at, "
			   "ballots, ratings, reports) VALUES(?1, ?2, ?3, "
			   "?4, ?5, ?6)");
		if (!s)
			return SAYSO_ERR_DB;
		Sayso_bind_text(s, 1, source, -1);
		Sayso_bind_text_or_null(s, 2, r->device_id);
		Sayso_bind_text(s, 3, now, -1);
		Sayso_bind_int64(s, 4, r->ballots);
		Sayso_bind_int64(s, 5, r->ratings);
		Sayso_bind_int64(s, 6, r->reports);
		enum sayso_err e =
		    Sayso_store_step_done(m->st, s, "record merge");
		if (e != SAYSO_OK)
			return e;
	}
	char walk[200] = "";
	if (r->walk_issues + r->walk_checks > 0)
		snprintf(walk, sizeof walk,
			 "; NOT carried over (not chained): %lld walkabout "
			 "issues (%s), %lld re-checks",
			 (long long)r->walk_issues, r->walk_refs,
			 (long long)r->walk_checks);
	return sayso_store_audit(
	    m->st, actor, "merge",
	    "%s (device %s, enrolment %s, %lld chain rows verified): %lld "
	    "ballots (%lld rejected), %lld held, %lld ratings, %lld reports "
	    "new; %lld already here; %zu ballots changed status%s%s%s",
	    source, r->device_id, r->enrolment, (long long)r->chain,
	    (long long)r->ballots, (long long)r->rejected, (long long)r->held,
	    (long long)r->ratings, (long long)r->reports, (long long)r->known,
	    r->changed, r->hold_why[0] ? "; held: " : "", r->hold_why, walk);
}

/* Dry run: the funded projects of each touched round under greedy. */
static void funded(struct sayso_store *st, int64_t round_id, char *out,
		   size_t outsz)
{
	struct sayso_election *e = NULL;
	struct sayso_tally t;
	memset(&t, 0, sizeof t);
	char err[128];
	out[0] = '\0';
	if (sayso_tally_round(st, round_id, SAYSO_RULE_GREEDY, &e, &t, err,
			      sizeof err) != SAYSO_OK) {
		snprintf(out, outsz, "?");
		sayso_tally_cleanup(&t);
		return;
	}
	size_t used = 0;
	for (size_t i = 0; i < t.nprojects && used < outsz; i++)
		if (t.projects[i].selected) {
			int w =
			    snprintf(out + used, outsz - used, "%s#%d",
				     used ? " " : "", e->projects[i].number);
			if (w > 0)
				used += (size_t)w;
		}
	if (!out[0])
		snprintf(out, outsz, "none");
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
}

static void moves(struct merge *m, char (*before)[160], size_t n)
{
	size_t used = 0;
	char *out = m->res->moves;
	size_t outsz = sizeof m->res->moves;
	for (size_t i = 0; i < n && i < m->nrounds; i++) {
		char after[160];
		funded(m->st, m->rounds[i], after, sizeof after);
		if (strcmp(after, before[i]) == 0)
			continue;
		struct sayso_round r;
		if (sayso_round_get_by_id(m->st, m->rounds[i], &r) != SAYSO_OK)
			continue;
		int w =
		    snprintf(out + used, outsz - used, "%s%s: funded %s -> %s",
			     used ? "; " : "", r.code, before[i], after);
		if (w > 0)
			used += (size_t)w;
		if (used >= outsz)
			break;
	}
}

/* Dry run: the rounds the file's ballots go to, and their results now. */
static enum sayso_err results_before(struct merge *m, char (*before)[160])
{
	struct sayso_stmt *q = NULL;
	enum sayso_err e = SAYSO_OK;
	if (Sayso_stmt_prepare(m->src,
			       "SELECT DISTINCT r.uid FROM ballots b JOIN "
			       "rounds r ON r.id = b.round_id",
			       &q) != SAYSO_OK)
		return src_fail(m, "read rounds");
	int rc;
	while ((rc = Sayso_step(q)) == SAYSO_SQL_ROW) {
		struct sayso_stmt *s = Sayso_store_stmt(
		    m->st, "SELECT id FROM rounds WHERE uid = ?1");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		Sayso_bind_col(s, 1, q, 0);
		int64_t id =
		    Sayso_step(s) == SAYSO_SQL_ROW ? Sayso_col_int64(s, 0) : 0;
		Sayso_reset(s);
		if (id && (e = note_round(m, id)) != SAYSO_OK)
			goto out;
	}
	for (size_t i = 0; i < m->nrounds; i++)
		funded(m->st, m->rounds[i], before[i], sizeof before[i]);
out:
	Sayso_stmt_finalize(q);
	return e;
}

/* Everything that must hold before a row is written (the integrity
 * check, unless it runs beside: see struct icheck). */
static enum sayso_err preflight(struct merge *m, bool checked_beside)
{
	enum sayso_err e;
	const char *theirs = sayso_store_site_check(m->src);
	const char *ours = sayso_store_site_check(m->st);
	if (!checked_beside && (e = check_integrity(m)) != SAYSO_OK)
		return e;
	if (m->wal_missing && sayso_store_enrolment(m->src)[0])
		return Sayso_store_fail(
		    m->st, SAYSO_ERR_CORRUPT,
		    "%s is in WAL mode but %s-wal is missing: it was copied "
		    "while the kiosk ran and its newest ballots may be in that "
		    "file; copy with `sayso-admin backup`, not cp",
		    m->src_path, m->src_path);
	if (!theirs || !*theirs)
		return Sayso_store_fail(m->st, SAYSO_ERR_SECRET,
					"%s has no site check value (it was "
					"never given a site secret); refusing "
					"to merge",
					m->src_path);
	if (!ours || strcmp(theirs, ours) != 0)
		return Sayso_store_fail(m->st, SAYSO_ERR_SECRET,
					"%s belongs to another site (its site "
					"secret differs from this database's)",
					m->src_path);
	if (!sayso_store_secret(m->st))
		return Sayso_store_fail(m->st, SAYSO_ERR_SECRET,
					"merging needs this database's site "
					"secret");
	if ((e = load_enrolment(m)) != SAYSO_OK)
		return e;
	return verify_chain(m);
}

static enum sayso_err any_rows(struct merge *m, const char *sql, bool *any)
{
	struct sayso_stmt *s = Sayso_store_stmt(m->st, sql);
	if (!s)
		return SAYSO_ERR_DB;
	int rc = Sayso_step(s);
	*any = rc == SAYSO_SQL_ROW;
	Sayso_reset(s);
	return rc == SAYSO_SQL_ROW || rc == SAYSO_SQL_DONE
		   ? SAYSO_OK
		   : Sayso_store_sqlfail(m->st, "look for held or erased");
}

static enum sayso_err merge_rows(struct merge *m, const char *actor,
				 const char *source, unsigned flags)
{
	enum sayso_err e;
	char(*before)[160] = NULL;
	if (flags & SAYSO_MERGE_DRY_RUN) {
		before = calloc(MERGE_MAX_ROUNDS, sizeof *before);
		if (!before)
			return Sayso_store_fail(m->st, SAYSO_ERR_NOMEM,
						"out of memory");
		if ((e = results_before(m, before)) != SAYSO_OK)
			goto out;
	}
	if ((e = any_rows(m, "SELECT 1 FROM merge_held LIMIT 1",
			  &m->any_held)) != SAYSO_OK ||
	    (e = any_rows(m, "SELECT 1 FROM erased LIMIT 1", &m->any_erased)) !=
		SAYSO_OK)
		goto out;
	/* Each ballot's cast needs no savepoint of its own: any error rolls
	 * back the whole merge (sayso_merge_kiosk). */
	Sayso_store_flatten(m->st, true);
	/* The schema's CHECK (x IN (...)) constraints make SQLite build two
	 * temporary tables for every ballot inserted; what is inserted here
	 * comes from core's own enum names (sayso_channel_name,
	 * sayso_ballot_status_name), never from the file, so they are off
	 * for the bulk insert and on again after it. */
	Sayso_store_bulk(m->st, true, true);
	e = merge_ballots(m);
	Sayso_store_bulk(m->st, true, false);
	Sayso_store_flatten(m->st, false);
	if (e != SAYSO_OK || (e = merge_ratings(m)) != SAYSO_OK ||
	    (e = merge_reports(m)) != SAYSO_OK ||
	    (e = count_walk(m)) != SAYSO_OK ||
	    (e = note_device(m)) != SAYSO_OK ||
	    (e = record(m, actor, source)) != SAYSO_OK)
		goto out;
	if (before)
		moves(m, before, MERGE_MAX_ROUNDS);
out:
	free(before);
	return e;
}

enum sayso_err sayso_merge_kiosk(struct sayso_store *st, const char *src_path,
				 const char *actor, unsigned flags,
				 struct sayso_merge_result *res)
{
	memset(res, 0, sizeof *res);
	if (!src_path || !*src_path)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"no file to merge");
	char a[PATH_MAX], b[PATH_MAX];
	const char *own = sayso_store_path(st);
	/* A kiosk's database is always a file; a server is the site's own
	 * (or another site's) database, never a source. */
	if (sayso_store_is_server(src_path))
		return Sayso_store_fail(
		    st, SAYSO_ERR_INVAL,
		    strcmp(src_path, own) == 0
			? "%s is this database itself"
			: "%s is a database server, not a kiosk's file",
		    src_path);
	if (!realpath(src_path, a))
		a[0] = '\0';
	if (a[0] && strcmp(own, ":memory:") != 0 && realpath(own, b) &&
	    strcmp(a, b) == 0)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"%s is this database itself", src_path);
	struct merge *m = calloc(1, sizeof *m);
	if (!m)
		return Sayso_store_fail(st, SAYSO_ERR_NOMEM, "out of memory");
	m->wal_missing = wal_missing(src_path);
	enum sayso_err e;
	m->st = st;
	m->src_path = src_path;
	m->res = res;
	char errbuf[SAYSO_ERRMSG_MAX];
	e = sayso_store_open(src_path,
			     SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET,
			     &m->src, errbuf, sizeof errbuf);
	if (e != SAYSO_OK) {
		e = Sayso_store_fail(st, e, "%s", errbuf);
		goto close;
	}
	/* A large file's rows and indexes stay in memory for the merge
	 * instead of spilling to disk page by page (256 MB each at most, then
	 * back). */
	Sayso_store_bulk(m->src, true, false);
	Sayso_store_bulk(st, true, false);
	/* One consistent snapshot of the source for checks and copy. */
	if (sayso_store_read_begin(m->src) != SAYSO_OK) {
		e = src_fail(m, "begin read");
		goto close;
	}
	struct icheck ic;
	icheck_start(m, &ic);
	if ((e = preflight(m, ic.started)) != SAYSO_OK ||
	    (e = sayso_store_begin(st)) != SAYSO_OK)
		goto read_end;
	e = merge_rows(m, actor, a[0] ? a : src_path, flags);
	if ((e = icheck_join(m, &ic, e)) != SAYSO_OK ||
	    (flags & SAYSO_MERGE_DRY_RUN)) {
		sayso_store_rollback(st);
		goto read_end;
	}
	e = sayso_store_commit(st);
read_end:
	e = icheck_join(m, &ic, e);
	sayso_store_read_end(m->src);
	Sayso_store_bulk(st, false, false);
close:
	sayso_store_close(m->src);
	OPENSSL_cleanse(m->key, sizeof m->key);
	Sayso_kiosk_rows_free(&m->kr);
	free_rounds(m);
	free(m);
	return e;
}

/* ---- held ballots ---- */

enum sayso_err sayso_merge_held_list(struct sayso_store *st, bool all,
				     struct sayso_held **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT h.id, h.uid, h.device_id, r.code, h.cast_at, "
		"h.merged_at, h.picks, h.reason, h.state FROM merge_held h "
		"JOIN rounds r ON r.id = h.round_id WHERE ?1 OR h.state = "
		"'held' ORDER BY h.id");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int(s, 1, all);
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SIZE_MAX) != SAYSO_OK) {
			Sayso_reset(s);
			free(*out);
			*out = NULL;
			*n = 0;
			return Sayso_store_fail(st, SAYSO_ERR_NOMEM,
						"out of memory");
		}
		struct sayso_held *h = &(*out)[(*n)++];
		memset(h, 0, sizeof *h);
		h->id = Sayso_col_int64(s, 0);
		Sayso_column_copy(s, 1, h->uid, sizeof h->uid);
		Sayso_column_copy(s, 2, h->device_id, sizeof h->device_id);
		Sayso_column_copy(s, 3, h->round_code, sizeof h->round_code);
		Sayso_column_copy(s, 4, h->cast_at, sizeof h->cast_at);
		Sayso_column_copy(s, 5, h->merged_at, sizeof h->merged_at);
		Sayso_column_copy(s, 6, h->picks, sizeof h->picks);
		Sayso_column_copy(s, 7, h->reason, sizeof h->reason);
		Sayso_column_copy(s, 8, h->state, sizeof h->state);
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return Sayso_store_sqlfail(st, "list held ballots");
	}
	return SAYSO_OK;
}

/* Casts (or rejects) held ballot h, whose resident is resident. */
static enum sayso_err decide_one(struct sayso_store *st,
				 const struct sayso_held *h,
				 const char *resident, const char *channel,
				 bool accept, const char *why,
				 const char *actor)
{
	struct sayso_pick picks[SAYSO_MAX_PICKS];
	size_t np = 0;
	const char *p = h->picks;
	while (*p && np < SAYSO_MAX_PICKS) {
		char *end;
		long num = strtol(p, &end, 10), pts = 1;
		if (end == p)
			break;
		if (*end == ':')
			pts = strtol(end + 1, &end, 10);
		picks[np].number = (int)num;
		picks[np].points = (int)pts;
		np++;
		p = end;
		while (*p == ' ')
			p++;
	}
	char reject[SAYSO_REASON_MAX];
	snprintf(reject, sizeof reject, "held (%.80s), then rejected by %s%s%s",
		 h->reason, actor ? actor : "an organiser", why ? ": " : "",
		 why ? why : "");
	int64_t at;
	if (sayso_time_parse(h->merged_at, &at) != SAYSO_OK)
		at = sayso_time_now_ms();
	struct sayso_ballot_in in;
	struct sayso_cast_result cr;
	memset(&in, 0, sizeof in);
	in.round_code = h->round_code;
	in.resident_id = resident && *resident ? resident : NULL;
	if (sayso_channel_parse(channel, &in.channel) != SAYSO_OK)
		in.channel = SAYSO_CH_KIOSK;
	in.device_id = h->device_id;
	in.cast_at_ms = at;
	in.uid = h->uid;
	in.picks = picks;
	in.npicks = np;
	in.reject = accept ? NULL : reject;
	enum sayso_err e = sayso_ballot_cast(st, &in, &cr);
	if (e != SAYSO_OK)
		return e;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "UPDATE merge_held SET state = ?2, decided_at = ?3, "
		"decided_by = ?4 WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, h->id);
	Sayso_bind_text(s, 2, accept ? "accepted" : "rejected", -1);
	Sayso_bind_text(s, 3, now, -1);
	Sayso_bind_text(s, 4, actor ? actor : "unknown", -1);
	if ((e = Sayso_store_step_done(st, s, "decide held ballot")) !=
	    SAYSO_OK)
		return e;
	return sayso_store_audit(
	    st, actor, accept ? "merge.accept" : "merge.reject",
	    "held ballot %lld (%s, kiosk %s): %s%s%s", (long long)h->id, h->uid,
	    h->device_id, accept ? "cast at " : "rejected",
	    accept ? h->merged_at : "", "");
}

enum sayso_err sayso_merge_held_decide(struct sayso_store *st, int64_t id,
				       const char *device, bool accept,
				       const char *why, const char *actor,
				       size_t *decided)
{
	*decided = 0;
	struct sayso_held *hs = NULL;
	size_t n = 0;
	enum sayso_err e = sayso_store_begin(st);
	if (e != SAYSO_OK)
		return e;
	if ((e = sayso_merge_held_list(st, true, &hs, &n)) != SAYSO_OK)
		goto out;
	bool seen = false;
	for (size_t i = 0; i < n; i++) {
		struct sayso_held *h = &hs[i];
		if ((id > 0 && h->id != id) ||
		    (id <= 0 && device && strcmp(device, h->device_id) != 0))
			continue;
		seen = true;
		if (strcmp(h->state, "held") != 0) {
			if (id <= 0)
				continue;
			e = Sayso_store_fail(st, SAYSO_ERR_STATE,
					     "held ballot %lld was already %s",
					     (long long)id, h->state);
			goto out;
		}
		struct sayso_stmt *s = Sayso_store_stmt(
		    st, "SELECT resident_id, channel FROM merge_held WHERE id "
			"= ?1");
		if (!s) {
			e = SAYSO_ERR_DB;
			goto out;
		}
		Sayso_bind_int64(s, 1, h->id);
		char resident[SAYSO_RESIDENT_ID_LEN + 8] = "", channel[16] = "";
		if (Sayso_step(s) == SAYSO_SQL_ROW) {
			Sayso_column_copy(s, 0, resident, sizeof resident);
			Sayso_column_copy(s, 1, channel, sizeof channel);
		}
		Sayso_reset(s);
		if ((e = decide_one(st, h, resident, channel, accept, why,
				    actor)) != SAYSO_OK)
			goto out;
		(*decided)++;
	}
	if (id > 0 && !seen) {
		e = Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
				     "no held ballot %lld", (long long)id);
		goto out;
	}
	free(hs);
	return sayso_store_commit(st);
out:
	free(hs);
	sayso_store_rollback(st);
	return e;
}

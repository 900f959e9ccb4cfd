/*
 * devlog.c: the chain that makes an offline kiosk's records tamper-evident.
 *
 * Design: an enrolled kiosk (sayso-admin kiosk enrol) holds its own random
 * device key, recorded (sealed) in the site database. Every row the kiosk
 * writes or changes (ballot, rating, report) appends one devlog entry: seq
 * (1, 2, 3, ... with no gap, continuing across restarts), the row's kind,
 * uid, the kiosk's clock, the SHA-256 of the row's canonical form (its
 * fields, a ballot's items with each project's uid, number, title and cost,
 * a report's held messages), and a MAC (HMAC-SHA256 under the device key)
 * over the previous entry's MAC and all of those. The canonical form is read
 * back from the database by one function, the same at write and at merge,
 * so the insert paths only name the row (Sayso_devlog_note). Anyone without
 * the key who inserts, alters or removes a row (sqlite3, a bit flip) breaks
 * either a MAC, a digest or the seq sequence, and merge says which row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "internal.h"
#include "sayso/buf.h"

#define CLOCK_SLACK_MS (5 * 60 * 1000)
#define MAX_LISTED 5

static const char *kind_name(enum sayso_devlog_kind k)
{
	switch (k) {
	case SAYSO_DEVLOG_BALLOT:
		return "ballot";
	case SAYSO_DEVLOG_RATING:
		return "rating";
	case SAYSO_DEVLOG_REPORT:
		return "report";
	}
	return "?";
}

static bool kind_parse(const char *s, enum sayso_devlog_kind *k)
{
	static const enum sayso_devlog_kind all[] = {
	    SAYSO_DEVLOG_BALLOT, SAYSO_DEVLOG_RATING, SAYSO_DEVLOG_REPORT};
	for (size_t i = 0; i < 3; i++)
		if (s && strcmp(s, kind_name(all[i])) == 0) {
			*k = all[i];
			return true;
		}
	return false;
}

/* Bytes for md, gathered so that a row is one EVP_DigestUpdate call, not
 * two per column (the calls' overhead was a tenth of a merge's
 * verification); the bytes, and so the digest, are the same. */
struct feedbuf {
	EVP_MD_CTX *md;
	size_t n;
	unsigned char b[4096];
};

static bool feed_flush(struct feedbuf *f)
{
	bool ok = f->n == 0 || EVP_DigestUpdate(f->md, f->b, f->n) == 1;
	f->n = 0;
	return ok;
}

static bool feed_bytes(struct feedbuf *f, const void *data, size_t len)
{
	if (f->n + len > sizeof f->b && !feed_flush(f))
		return false;
	if (len > sizeof f->b)
		return EVP_DigestUpdate(f->md, data, len) == 1;
	memcpy(f->b + f->n, data, len);
	f->n += len;
	return true;
}

/* Feeds columns first .. end - 1 (end < 0: to the last) of the current row
 * of q into md, typed and length-prefixed, so no two different rows give
 * the same bytes. */
static bool feed_cols(EVP_MD_CTX *md, struct sayso_stmt *q, int first, int end)
{
	struct feedbuf f;
	f.md = md;
	f.n = 0;
	int n = Sayso_col_count(q);
	if (end >= 0 && end < n)
		n = end;
	for (int i = first; i < n; i++) {
		unsigned char hdr[9];
		const void *data = NULL;
		size_t len = 0;
		int t = Sayso_col_type(q, i);
		if (t == SAYSO_SQL_NULL) {
			hdr[0] = 'n';
			len = 0;
		} else if (t == SAYSO_SQL_INTEGER) {
			uint64_t v = (uint64_t)Sayso_col_int64(q, i);
			hdr[0] = 'i';
			for (int b = 0; b < 8; b++)
				hdr[1 + b] = (unsigned char)(v >> (56 - 8 * b));
			if (!feed_bytes(&f, hdr, 9))
				return false;
			continue;
		} else {
			/* text, and anything else by its text */
			hdr[0] = t == SAYSO_SQL_BLOB ? 'b' : 't';
			data = t == SAYSO_SQL_BLOB ? Sayso_col_blob(q, i)
						   : Sayso_col_text(q, i);
			len = (size_t)Sayso_col_bytes(q, i);
		}
		uint64_t l = len;
		for (int b = 0; b < 8; b++)
			hdr[1 + b] = (unsigned char)(l >> (56 - 8 * b));
		if (!feed_bytes(&f, hdr, 9) ||
		    (len && !feed_bytes(&f, data, len)))
			return false;
	}
	return feed_bytes(&f, "|", 1) && feed_flush(&f);
}

static bool feed_row(EVP_MD_CTX *md, struct sayso_stmt *q)
{
	return feed_cols(md, q, 0, -1);
}

/* Runs q (bound by the caller) and feeds its rows; *nrows counts them. */
static enum sayso_err feed_query(struct sayso_store *st, EVP_MD_CTX *md,
				 struct sayso_stmt *q, int *nrows,
				 int64_t *first)
{
	int rc;
	*nrows = 0;
	while ((rc = Sayso_step(q)) == SAYSO_SQL_ROW) {
		if (*nrows == 0 && first)
			*first = Sayso_col_int64(q, 0);
		if (!feed_row(md, q)) {
			Sayso_reset(q);
			return Sayso_store_fail(st, SAYSO_ERR_CRYPTO,
						"SHA-256 failed");
		}
		(*nrows)++;
	}
	Sayso_reset(q);
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read a row for its digest");
	return SAYSO_OK;
}

/* The canonical queries: one row for the record (the first column is a
 * rowid used by the second query, not part of the digest's meaning but
 * harmless), then its dependent rows. */
static enum sayso_err feed_ballot(struct sayso_store *st, EVP_MD_CTX *md,
				  const char *uid, bool *found)
{
	struct sayso_stmt *q = Sayso_store_stmt(
	    st, "SELECT b.id, b.uid, r.uid, r.code, b.resident_id, b.channel, "
		"b.device_id, b.cast_at FROM ballots b JOIN rounds r ON r.id "
		"= b.round_id WHERE b.uid = ?1");
	if (!q)
		return SAYSO_ERR_DB;
	Sayso_bind_text(q, 1, uid, -1);
	int n;
	int64_t bid = 0;
	enum sayso_err e = feed_query(st, md, q, &n, &bid);
	if (e != SAYSO_OK || !(*found = n == 1))
		return e;
	struct sayso_stmt *it = Sayso_store_stmt(
	    st, "SELECT p.uid, p.number, p.title, p.cost, i.points, i.rank "
		"FROM ballot_items i JOIN projects p ON p.id = i.project_id "
		"WHERE i.ballot_id = ?1 ORDER BY i.rank, p.uid");
	if (!it)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(it, 1, bid);
	return feed_query(st, md, it, &n, NULL);
}

static enum sayso_err feed_rating(struct sayso_store *st, EVP_MD_CTX *md,
				  const char *uid, bool *found)
{
	struct sayso_stmt *q = Sayso_store_stmt(
	    st, "SELECT uid, score, question, answer, resident_id, channel, "
		"device_id, cast_at, flag FROM ratings WHERE uid = ?1");
	if (!q)
		return SAYSO_ERR_DB;
	Sayso_bind_text(q, 1, uid, -1);
	int n;
	enum sayso_err e = feed_query(st, md, q, &n, NULL);
	*found = n == 1;
	return e;
}

static enum sayso_err feed_report(struct sayso_store *st, EVP_MD_CTX *md,
				  const char *uid, bool *found)
{
	struct sayso_stmt *q = Sayso_store_stmt(
	    st, "SELECT uid, ref, category, street, location, text, "
		"resident_id, channel, device_id, cast_at FROM reports WHERE "
		"uid = ?1");
	if (!q)
		return SAYSO_ERR_DB;
	Sayso_bind_text(q, 1, uid, -1);
	int n;
	enum sayso_err e = feed_query(st, md, q, &n, NULL);
	if (e != SAYSO_OK || !(*found = n == 1))
		return e;
	/* The "tell me when it's fixed" messages travel with the report. */
	struct sayso_stmt *h = Sayso_store_stmt(
	    st, "SELECT o.to_number, o.resident_id, o.body, o.status, "
		"o.hold_key FROM sms_outbox o JOIN reports r ON o.hold_key = "
		"'report:' || r.ref WHERE r.uid = ?1 AND o.status IN ('held', "
		"'queued') AND o.inbox_id IS NULL ORDER BY o.id");
	if (!h)
		return SAYSO_ERR_DB;
	Sayso_bind_text(h, 1, uid, -1);
	return feed_query(st, md, h, &n, NULL);
}

/* SHA-256 of the canonical form of row uid of kind in st; *found false when
 * there is no such row. */
static enum sayso_err row_digest(struct sayso_store *st, EVP_MD_CTX *md,
				 enum sayso_devlog_kind kind, const char *uid,
				 unsigned char out[32], bool *found)
{
	*found = false;
	const char *name = kind_name(kind);
	/* md is only ever SHA-256: once set up, it is re-initialised with the
	 * digest it holds (NULL), not looked up again for each of a merge's
	 * 100,000 rows. */
	const EVP_MD *alg = EVP_MD_CTX_get0_md(md) ? NULL : EVP_sha256();
	if (EVP_DigestInit_ex2(md, alg, NULL) != 1 ||
	    EVP_DigestUpdate(md, name, strlen(name) + 1) != 1)
		return Sayso_store_fail(st, SAYSO_ERR_CRYPTO, "SHA-256 failed");
	enum sayso_err e = SAYSO_OK;
	switch (kind) {
	case SAYSO_DEVLOG_BALLOT:
		e = feed_ballot(st, md, uid, found);
		break;
	case SAYSO_DEVLOG_RATING:
		e = feed_rating(st, md, uid, found);
		break;
	case SAYSO_DEVLOG_REPORT:
		e = feed_report(st, md, uid, found);
		break;
	}
	if (e != SAYSO_OK || !*found)
		return e;
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(md, out, &len) != 1 || len != 32)
		return Sayso_store_fail(st, SAYSO_ERR_CRYPTO, "SHA-256 failed");
	return SAYSO_OK;
}

/* The digests of all of a file's ballots, from one scan of its ballots and
 * one of their items in ballot order: the same bytes row_digest() feeds for
 * each (checked by test_merge_adversary and test_merge_same), without two
 * indexed look-ups per chain entry. Keyed by uid; n counts the rows with
 * that uid (row_digest finds a row only when there is exactly one); row is
 * its first row in the kept rows, seq the newest entry naming it. */
struct bdig {
	char *uid;
	size_t len;
	int n;
	size_t row;
	int64_t seq;
	unsigned char d[32];
};

struct btab {
	struct bdig *e;
	size_t cap; /* a power of two, at least twice the rows */
};

static size_t uid_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	/* FNV-1a's low bits, the ones the table's mask keeps, mix poorly
	 * (uids that share their time prefix probed long runs): the high
	 * bits are folded in (murmur3's finaliser). */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

static struct bdig *btab_slot(const struct btab *t, const char *uid, size_t len)
{
	size_t i = uid_hash(uid, len) & (t->cap - 1);
	while (t->e[i].uid &&
	       !(t->e[i].len == len && memcmp(t->e[i].uid, uid, len) == 0))
		i = (i + 1) & (t->cap - 1);
	return &t->e[i];
}

static void btab_free(struct btab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->e[i].uid);
	free(t->e);
	t->e = NULL;
	t->cap = 0;
}

static enum sayso_err btab_alloc(struct sayso_store *src, struct btab *t,
				 int64_t *nballots)
{
	struct sayso_stmt *c =
	    Sayso_store_stmt(src, "SELECT count(*) FROM ballots");
	if (!c)
		return SAYSO_ERR_DB;
	int rc = Sayso_step(c);
	int64_t n = rc == SAYSO_SQL_ROW ? Sayso_col_int64(c, 0) : -1;
	Sayso_reset(c);
	if (n < 0)
		return Sayso_store_sqlfail(src, "count the kiosk's ballots");
	size_t cap = 64;
	while (cap < (size_t)n * 2 + 16)
		cap *= 2;
	t->e = calloc(cap, sizeof *t->e);
	if (!t->e)
		return Sayso_store_fail(src, SAYSO_ERR_NOMEM, "out of memory");
	t->cap = cap;
	*nballots = n;
	return SAYSO_OK;
}

/* Records the digest of ballot row q (its uid, when text) in t. */
static enum sayso_err btab_put(struct sayso_store *src, struct btab *t,
			       struct sayso_stmt *q, const unsigned char d[32],
			       size_t row, size_t *used)
{
	if (Sayso_col_type(q, 1) != SAYSO_SQL_TEXT)
		return SAYSO_OK; /* row_digest's WHERE b.uid = ?1 never finds it
				  */
	const char *uid = (const char *)Sayso_col_text(q, 1);
	size_t len = (size_t)Sayso_col_bytes(q, 1);
	if (!uid)
		return Sayso_store_fail(src, SAYSO_ERR_NOMEM, "out of memory");
	struct bdig *b = btab_slot(t, uid, len);
	if (b->uid) {
		b->n++;
		return SAYSO_OK;
	}
	if (++*used * 2 > t->cap)
		return Sayso_store_fail(src, SAYSO_ERR_DB,
					"the kiosk's ballots changed while "
					"being read");
	b->uid = malloc(len + 1);
	if (!b->uid)
		return Sayso_store_fail(src, SAYSO_ERR_NOMEM, "out of memory");
	memcpy(b->uid, uid, len + 1);
	b->len = len;
	b->n = 1;
	b->row = row;
	memcpy(b->d, d, 32);
	return SAYSO_OK;
}

static bool digest_begin(EVP_MD_CTX *md, enum sayso_devlog_kind kind)
{
	const char *name = kind_name(kind);
	const EVP_MD *alg = EVP_MD_CTX_get0_md(md) ? NULL : EVP_sha256();
	return EVP_DigestInit_ex2(md, alg, NULL) == 1 &&
	       EVP_DigestUpdate(md, name, strlen(name) + 1) == 1;
}

/* ---- the rows kept for a merge ---- */

void Sayso_kiosk_rows_free(struct sayso_kiosk_rows *kr)
{
	for (size_t i = 0; i < kr->nprojects; i++) {
		free(kr->projects[i].uid);
		free(kr->projects[i].title);
	}
	free(kr->rounds);
	free(kr->projects);
	free(kr->items);
	free(kr->ballots);
	memset(kr, 0, sizeof *kr);
}

static char *dup_col(struct sayso_stmt *q, int col, bool null_is_null)
{
	const char *t = (const char *)Sayso_col_text(q, col);
	if (!t && null_is_null)
		return NULL;
	return strdup(t ? t : "");
}

/* The file's rounds and projects, by id, for kept_ballot and kept_item. */
static enum sayso_err keep_rounds(struct sayso_store *src,
				  struct sayso_kiosk_rows *kr)
{
	struct sayso_stmt *r = Sayso_store_stmt(
	    src, "SELECT id, uid, code FROM rounds ORDER BY id");
	struct sayso_stmt *p = Sayso_store_stmt(
	    src, "SELECT id, uid, number, title, cost FROM projects ORDER BY "
		 "id");
	size_t capr = 0, capp = 0;
	int rc;
	if (!r || !p)
		return SAYSO_ERR_DB;
	while ((rc = Sayso_step(r)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(&kr->rounds, &capr, kr->nrounds + 1,
				     sizeof *kr->rounds, SIZE_MAX) != SAYSO_OK)
			goto nomem;
		struct sayso_kiosk_round *x = &kr->rounds[kr->nrounds++];
		x->id = Sayso_col_int64(r, 0);
		Sayso_column_copy(r, 1, x->uid, sizeof x->uid);
		Sayso_column_copy(r, 2, x->code, sizeof x->code);
	}
	Sayso_reset(r);
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(src, "read the kiosk's rounds");
	while ((rc = Sayso_step(p)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(&kr->projects, &capp, kr->nprojects + 1,
				     sizeof *kr->projects,
				     SIZE_MAX) != SAYSO_OK)
			goto nomem;
		struct sayso_kiosk_project *x = &kr->projects[kr->nprojects];
		memset(x, 0, sizeof *x);
		kr->nprojects++;
		x->id = Sayso_col_int64(p, 0);
		x->uid = dup_col(p, 1, true);
		x->title = dup_col(p, 3, false);
		x->number = Sayso_col_int(p, 2);
		x->cost = Sayso_col_int64(p, 4);
		if ((Sayso_col_type(p, 1) != SAYSO_SQL_NULL && !x->uid) ||
		    !x->title)
			goto nomem;
	}
	Sayso_reset(p);
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(src, "read the kiosk's projects");
	return SAYSO_OK;
nomem:
	Sayso_reset(r);
	Sayso_reset(p);
	return Sayso_store_fail(src, SAYSO_ERR_NOMEM, "out of memory");
}

/* The index of the row with id in rows (n of them, sorted by id, each of
 * size sz with its int64_t id first), or n. */
static size_t by_id(const void *rows, size_t n, size_t sz, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t here;
		memcpy(&here, (const char *)rows + mid * sz, sizeof here);
		if (here == id)
			return mid;
		if (here < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

/* Keeps ballot row q of ballot_digests' query (b.round_id and the
 * resident's kind in columns 8 and 9). */
static enum sayso_err kept_ballot(struct sayso_store *src,
				  struct sayso_kiosk_rows *kr,
				  struct sayso_stmt *q)
{
	size_t r = by_id(kr->rounds, kr->nrounds, sizeof *kr->rounds,
			 Sayso_col_int64(q, 8));
	if (r == kr->nrounds)
		return Sayso_store_fail(src, SAYSO_ERR_DB,
					"the kiosk's rounds changed while "
					"being read");
	if (sayso_array_grow(&kr->ballots, &kr->capballots, kr->nballots + 1,
			     sizeof *kr->ballots, SIZE_MAX) != SAYSO_OK)
		return Sayso_store_fail(src, SAYSO_ERR_NOMEM, "out of memory");
	struct sayso_kiosk_ballot *b = &kr->ballots[kr->nballots++];
	b->id = Sayso_col_int64(q, 0);
	b->seq = 0;
	b->round = r;
	b->item0 = kr->nitems;
	b->nitems = 0;
	Sayso_column_copy(q, 1, b->uid, sizeof b->uid);
	b->has_uid = Sayso_col_type(q, 1) != SAYSO_SQL_NULL;
	Sayso_column_copy(q, 4, b->resident, sizeof b->resident);
	Sayso_column_copy(q, 9, b->kind, sizeof b->kind);
	Sayso_column_copy(q, 7, b->cast_at, sizeof b->cast_at);
	if (sayso_channel_parse((const char *)Sayso_col_text(q, 5),
				&b->channel) != SAYSO_OK)
		b->channel = SAYSO_CH_KIOSK;
	return SAYSO_OK;
}

/* Keeps item row it (i.project_id in column 7) for the newest kept
 * ballot, in (rank, project number) order. */
static bool kept_item(struct sayso_kiosk_rows *kr, struct sayso_stmt *it)
{
	size_t p = by_id(kr->projects, kr->nprojects, sizeof *kr->projects,
			 Sayso_col_int64(it, 7));
	if (p == kr->nprojects)
		return false;
	if (sayso_array_grow(&kr->items, &kr->capitems, kr->nitems + 1,
			     sizeof *kr->items, SIZE_MAX) != SAYSO_OK)
		return false;
	struct sayso_kiosk_ballot *b = &kr->ballots[kr->nballots - 1];
	struct sayso_kiosk_item x = {p, Sayso_col_int(it, 5),
				     Sayso_col_int64(it, 6)};
	size_t i = kr->nitems++;
	for (; i > b->item0; i--) {
		const struct sayso_kiosk_item *y = &kr->items[i - 1];
		if (y->rank < x.rank ||
		    (y->rank == x.rank &&
		     kr->projects[y->project].number <= kr->projects[p].number))
			break;
		kr->items[i] = *y;
	}
	kr->items[i] = x;
	b->nitems++;
	return true;
}

/* Feeds the items of ballot bid from it, which walks all items in the
 * order of ballot_id, rank, project uid; *irc is it's last step. Items of
 * no ballot (or not an integer ballot_id) are passed over, as
 * row_digest's WHERE i.ballot_id = ?1 never finds them. With kr, keeps
 * them for the ballot just kept. */
static bool feed_items(EVP_MD_CTX *md, struct sayso_stmt *it, int *irc,
		       int64_t bid, struct sayso_kiosk_rows *kr)
{
	while (*irc == SAYSO_SQL_ROW) {
		if (Sayso_col_type(it, 0) == SAYSO_SQL_INTEGER) {
			int64_t id = Sayso_col_int64(it, 0);
			if (id > bid)
				break;
			if (id == bid && (!feed_cols(md, it, 1, 7) ||
					  (kr && !kept_item(kr, it))))
				return false;
		}
		*irc = Sayso_step(it);
	}
	return true;
}

static enum sayso_err ballot_digests(struct sayso_store *src, EVP_MD_CTX *md,
				     struct btab *t,
				     struct sayso_kiosk_rows *kr)
{
	int64_t n = 0;
	enum sayso_err e = btab_alloc(src, t, &n);
	if (e != SAYSO_OK || (kr && (e = keep_rounds(src, kr)) != SAYSO_OK))
		return e;
	if (kr && sayso_array_grow(&kr->ballots, &kr->capballots, (size_t)n,
				   sizeof *kr->ballots, SIZE_MAX) != SAYSO_OK)
		return Sayso_store_fail(src, SAYSO_ERR_NOMEM, "out of memory");
	/* The columns of feed_ballot's two queries (items with their
	 * ballot's id first, not fed); what a merge keeps comes after them,
	 * not fed either. */
	struct sayso_stmt *q = Sayso_store_stmt(
	    src, kr ? "SELECT b.id, b.uid, r.uid, r.code, b.resident_id, "
		      "b.channel, b.device_id, b.cast_at, b.round_id, "
		      "(SELECT kind FROM residents x WHERE x.id = "
		      "b.resident_id) FROM ballots b JOIN rounds r ON r.id = "
		      "b.round_id ORDER BY b.id"
		    : "SELECT b.id, b.uid, r.uid, r.code, b.resident_id, "
		      "b.channel, b.device_id, b.cast_at FROM ballots b JOIN "
		      "rounds r ON r.id = b.round_id ORDER BY b.id");
	struct sayso_stmt *it = Sayso_store_stmt(
	    src, "SELECT i.ballot_id, p.uid, p.number, p.title, p.cost, "
		 "i.points, i.rank, i.project_id FROM ballot_items i JOIN "
		 "projects p ON p.id = i.project_id ORDER BY i.ballot_id, "
		 "i.rank, p.uid");
	if (!q || !it)
		return SAYSO_ERR_DB;
	int rc, irc = Sayso_step(it);
	size_t used = 0;
	while (e == SAYSO_OK && (rc = Sayso_step(q)) == SAYSO_SQL_ROW) {
		unsigned char d[32];
		unsigned int len = 0;
		if (kr && (e = kept_ballot(src, kr, q)) != SAYSO_OK)
			break;
		if (!digest_begin(md, SAYSO_DEVLOG_BALLOT) ||
		    !feed_cols(md, q, 0, 8) ||
		    !feed_items(md, it, &irc, Sayso_col_int64(q, 0), kr) ||
		    EVP_DigestFinal_ex(md, d, &len) != 1 || len != 32)
			e = Sayso_store_fail(src, SAYSO_ERR_CRYPTO,
					     "SHA-256 failed (or out of "
					     "memory)");
		else
			e = btab_put(src, t, q, d, kr ? kr->nballots - 1 : 0,
				     &used);
	}
	Sayso_reset(q);
	Sayso_reset(it);
	if (e == SAYSO_OK && (rc != SAYSO_SQL_DONE ||
			      (irc != SAYSO_SQL_DONE && irc != SAYSO_SQL_ROW)))
		e = Sayso_store_sqlfail(src, "read the kiosk's ballots");
	return e;
}

/* The newest entry naming each kept ballot's uid (any kind, as the merge's
 * ORDER BY (SELECT max(seq) FROM devlog WHERE uid = b.uid) did). */
static void note_seq(const struct btab *t, struct sayso_stmt *q, int64_t seq)
{
	if (Sayso_col_type(q, 2) != SAYSO_SQL_TEXT)
		return;
	const char *uid = (const char *)Sayso_col_text(q, 2);
	if (!uid)
		return;
	struct bdig *b = btab_slot(t, uid, (size_t)Sayso_col_bytes(q, 2));
	if (b->uid && seq > b->seq)
		b->seq = seq;
}

static void kept_seqs(const struct btab *t, struct sayso_kiosk_rows *kr)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->e[i].uid && t->e[i].row < kr->nballots)
			kr->ballots[t->e[i].row].seq = t->e[i].seq;
}

/* HMAC-SHA256 under one key, keyed once and reused for every entry (a
 * merge checks 100,000 of them; keying each from scratch was a third of
 * the verification). */
struct macer {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
};

static void macer_free(struct macer *m)
{
	EVP_MAC_CTX_free(m->ctx);
	EVP_MAC_free(m->mac);
	memset(m, 0, sizeof *m);
}

static bool macer_init(struct macer *m, const unsigned char *key)
{
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
	    OSSL_PARAM_construct_end()};
	memset(m, 0, sizeof *m);
	m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	m->ctx = m->mac ? EVP_MAC_CTX_new(m->mac) : NULL;
	if (!m->ctx ||
	    EVP_MAC_init(m->ctx, key, SAYSO_DEVKEY_LEN, params) != 1) {
		macer_free(m);
		return false;
	}
	return true;
}

/* The MAC of one entry. */
static bool entry_mac(struct macer *mc, const char *enrolment,
		      const unsigned char prev[32], int64_t seq,
		      const char *kind, const char *uid, const char *at,
		      const unsigned char digest[32], unsigned char out[32])
{
	unsigned char buf[512];
	size_t n = 0;
	const char *parts[] = {"sayso devlog v1", enrolment, kind, uid, at};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		size_t l = strlen(parts[i]) + 1;
		if (n + l + 8 + 64 > sizeof buf)
			return false;
		memcpy(buf + n, parts[i], l);
		n += l;
	}
	for (int b = 0; b < 8; b++)
		buf[n++] = (unsigned char)((uint64_t)seq >> (56 - 8 * b));
	memcpy(buf + n, prev, 32);
	n += 32;
	memcpy(buf + n, digest, 32);
	n += 32;
	size_t len = 0;
	/* A NULL key re-initialises with the key already set. */
	return EVP_MAC_init(mc->ctx, NULL, 0, NULL) == 1 &&
	       EVP_MAC_update(mc->ctx, buf, n) == 1 &&
	       EVP_MAC_final(mc->ctx, out, &len, 32) == 1 && len == 32;
}

enum sayso_err Sayso_devlog_key_pad(const unsigned char *secret,
				    const char *enrolment, unsigned char *pad)
{
	unsigned char msg[96];
	size_t l = strlen(enrolment);
	static const char label[] = "sayso-kiosk-key";
	if (l + sizeof label > sizeof msg)
		return SAYSO_ERR_TOOBIG;
	memcpy(msg, label, sizeof label);
	memcpy(msg + sizeof label, enrolment, l);
	unsigned int len = 0;
	if (!HMAC(EVP_sha256(), secret, SAYSO_SECRET_LEN, msg, sizeof label + l,
		  pad, &len) ||
	    len != 32)
		return SAYSO_ERR_CRYPTO;
	return SAYSO_OK;
}

enum sayso_err Sayso_devlog_note(struct sayso_store *st,
				 enum sayso_devlog_kind kind, const char *uid)
{
	const unsigned char *key = Sayso_store_devkey(st);
	if (!key)
		return SAYSO_OK;
	const char *enrolment = sayso_store_enrolment(st);
	unsigned char digest[32], prev[32], mac[32];
	bool found = false;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md)
		return Sayso_store_fail(st, SAYSO_ERR_NOMEM, "out of memory");
	enum sayso_err e = row_digest(st, md, kind, uid, digest, &found);
	EVP_MD_CTX_free(md);
	if (e != SAYSO_OK)
		return e;
	if (!found)
		return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
					"%s %s vanished before its chain entry",
					kind_name(kind), uid);
	struct sayso_stmt *q = Sayso_store_stmt(
	    st, "SELECT seq, mac FROM devlog ORDER BY seq DESC LIMIT 1");
	if (!q)
		return SAYSO_ERR_DB;
	int64_t seq = 1;
	memset(prev, 0, sizeof prev);
	int rc = Sayso_step(q);
	if (rc == SAYSO_SQL_ROW) {
		seq = Sayso_col_int64(q, 0) + 1;
		if (Sayso_col_bytes(q, 1) == 32)
			memcpy(prev, Sayso_col_blob(q, 1), 32);
	}
	Sayso_reset(q);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read the chain head");
	char at[SAYSO_TIME_LEN + 1];
	Sayso_now_text(at, sizeof at);
	struct macer mc;
	bool ok = macer_init(&mc, key) &&
		  entry_mac(&mc, enrolment, prev, seq, kind_name(kind), uid, at,
			    digest, mac);
	macer_free(&mc);
	if (!ok)
		return Sayso_store_fail(st, SAYSO_ERR_CRYPTO,
					"HMAC-SHA256 failed");
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO devlog(seq, kind, uid, at, digest, mac) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, seq);
	Sayso_bind_text(s, 2, kind_name(kind), -1);
	Sayso_bind_text(s, 3, uid, -1);
	Sayso_bind_text(s, 4, at, -1);
	Sayso_bind_blob(s, 5, digest, 32);
	Sayso_bind_blob(s, 6, mac, 32);
	return Sayso_store_step_done(st, s, "append to the kiosk chain");
}

/* Collects problem lines into why: the first MAX_LISTED, then a count. */
struct problems {
	char *why;
	size_t whysz, used;
	int n, listed;
};

static void problem(struct problems *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void problem(struct problems *p, const char *fmt, ...)
{
	char line[256];
	p->n++;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* Room is kept for the "; and N more" that ends a long list. */
	size_t need = strlen(line) + (p->used ? 2 : 0);
	if (p->listed >= MAX_LISTED || p->used + need + 24 >= p->whysz)
		return;
	p->used += (size_t)snprintf(p->why + p->used, p->whysz - p->used,
				    "%s%s", p->used ? "; " : "", line);
	p->listed++;
}

static void clock_check(struct sayso_devlog_verdict *v, int64_t seq,
			const char *at, int64_t *prev_ms, int64_t lo_ms,
			int64_t hi_ms)
{
	int64_t ms;
	if (v->clock_bad)
		return;
	if (sayso_time_parse(at, &ms) != SAYSO_OK) {
		v->clock_bad = true;
		snprintf(v->clock_why, sizeof v->clock_why,
			 "row %lld has an unreadable time '%.40s'",
			 (long long)seq, at);
		return;
	}
	if (ms < lo_ms || ms > hi_ms) {
		char a[SAYSO_TIME_LEN + 1], b[SAYSO_TIME_LEN + 1];
		sayso_time_format(lo_ms, a, sizeof a);
		sayso_time_format(hi_ms, b, sizeof b);
		v->clock_bad = true;
		snprintf(v->clock_why, sizeof v->clock_why,
			 "its clock said %s at row %lld, outside %s .. %s "
			 "(enrolment to this merge)",
			 at, (long long)seq, a, b);
		return;
	}
	if (*prev_ms && ms < *prev_ms - CLOCK_SLACK_MS) {
		char a[SAYSO_TIME_LEN + 1];
		sayso_time_format(*prev_ms, a, sizeof a);
		v->clock_bad = true;
		snprintf(v->clock_why, sizeof v->clock_why,
			 "its clock went back from %s to %s at row %lld", a, at,
			 (long long)seq);
		return;
	}
	if (ms > *prev_ms)
		*prev_ms = ms;
}

/* Rows of table with no chain entry of kind: inserted outside the kiosk. */
static enum sayso_err uncovered(struct sayso_store *src, const char *sql,
				const char *kind, struct problems *p)
{
	struct sayso_stmt *q = Sayso_store_stmt(src, sql);
	if (!q)
		return SAYSO_ERR_DB;
	int rc;
	while ((rc = Sayso_step(q)) == SAYSO_SQL_ROW)
		problem(p,
			"%s %s (row id %lld) has no chain entry: inserted "
			"outside the kiosk program",
			kind, (const char *)Sayso_col_text(q, 0),
			(long long)Sayso_col_int64(q, 1));
	Sayso_reset(q);
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(src, "look for rows with no entry");
	return SAYSO_OK;
}

/* Checks one chain entry (the current row of q); problems go to p. */
static enum sayso_err check_entry(struct sayso_store *src, EVP_MD_CTX *md,
				  struct sayso_stmt *q, struct macer *mc,
				  const char *enrolment, unsigned char prev[32],
				  const struct btab *bt, struct problems *p)
{
	int64_t seq = Sayso_col_int64(q, 0);
	const char *kind = (const char *)Sayso_col_text(q, 1);
	const char *uid = (const char *)Sayso_col_text(q, 2);
	const char *at = (const char *)Sayso_col_text(q, 3);
	int64_t newest = Sayso_col_int64(q, 6);
	enum sayso_devlog_kind k;
	unsigned char mac[32], digest[32];
	if (!uid || !at || !kind_parse(kind, &k) ||
	    Sayso_col_bytes(q, 4) != 32 || Sayso_col_bytes(q, 5) != 32) {
		problem(p, "chain entry %lld is malformed", (long long)seq);
		memset(prev, 0xff, 32);
		return SAYSO_OK;
	}
	const unsigned char *stored_digest = Sayso_col_blob(q, 4);
	if (!entry_mac(mc, enrolment, prev, seq, kind, uid, at, stored_digest,
		       mac))
		return Sayso_store_fail(src, SAYSO_ERR_CRYPTO,
					"HMAC-SHA256 failed");
	if (CRYPTO_memcmp(mac, Sayso_col_blob(q, 5), 32) != 0)
		problem(p,
			"chain entry %lld (%s %s) does not verify: written "
			"or changed outside the kiosk program",
			(long long)seq, kind, uid);
	memcpy(prev, Sayso_col_blob(q, 5), 32);
	if (newest != seq)
		return SAYSO_OK; /* a later entry describes the row */
	bool found = false;
	enum sayso_err e = SAYSO_OK;
	if (k == SAYSO_DEVLOG_BALLOT) {
		const struct bdig *b =
		    btab_slot(bt, uid, (size_t)Sayso_col_bytes(q, 2));
		if ((found = b->uid && b->n == 1))
			memcpy(digest, b->d, 32);
	} else if ((e = row_digest(src, md, k, uid, digest, &found)) !=
		   SAYSO_OK) {
		return e;
	}
	if (!found)
		problem(p,
			"%s %s (chain entry %lld) is missing: removed outside "
			"the kiosk program",
			kind, uid, (long long)seq);
	else if (CRYPTO_memcmp(digest, stored_digest, 32) != 0)
		problem(p,
			"%s %s (chain entry %lld) differs from what the kiosk "
			"wrote: altered outside the kiosk program",
			kind, uid, (long long)seq);
	return SAYSO_OK;
}

enum sayso_err Sayso_devlog_verify(struct sayso_store *src,
				   const unsigned char *key,
				   const char *enrolment, int64_t lo_ms,
				   int64_t hi_ms, int64_t check_seq,
				   const unsigned char *check_mac,
				   struct sayso_devlog_verdict *v, char *why,
				   size_t whysz, struct sayso_kiosk_rows *kr)
{
	memset(v, 0, sizeof *v);
	why[0] = '\0';
	struct problems p = {why, whysz, 0, 0, 0};
	unsigned char prev[32];
	memset(prev, 0, sizeof prev);
	int64_t expect = 1, prev_ms = 0;
	enum sayso_err e = SAYSO_OK;
	v->continues = check_seq <= 0;
	struct macer mc;
	if (!macer_init(&mc, key))
		return Sayso_store_fail(src, SAYSO_ERR_CRYPTO,
					"HMAC-SHA256 unavailable");
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	struct btab bt = {NULL, 0};
	if (!md) {
		macer_free(&mc);
		return Sayso_store_fail(src, SAYSO_ERR_NOMEM, "out of memory");
	}
	if ((e = ballot_digests(src, md, &bt, kr)) != SAYSO_OK)
		goto out;
	struct sayso_stmt *q = Sayso_store_stmt(
	    src, "SELECT d.seq, d.kind, d.uid, d.at, d.digest, d.mac, (SELECT "
		 "max(seq) FROM devlog n WHERE n.uid = d.uid) FROM devlog d "
		 "ORDER BY d.seq");
	if (!q) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	int rc;
	while ((rc = Sayso_step(q)) == SAYSO_SQL_ROW) {
		int64_t seq = Sayso_col_int64(q, 0);
		if (seq != expect) {
			problem(&p,
				"chain entries %lld to %lld are missing: "
				"removed outside the kiosk program",
				(long long)expect, (long long)seq - 1);
			/* The MAC of the next entry covers the missing one:
			 * it cannot verify either, and is reported too. */
		}
		expect = seq + 1;
		if (kr)
			note_seq(&bt, q, seq);
		if ((e = check_entry(src, md, q, &mc, enrolment, prev, &bt,
				     &p)) != SAYSO_OK) {
			Sayso_reset(q);
			goto out;
		}
		const char *at = (const char *)Sayso_col_text(q, 3);
		clock_check(v, seq, at ? at : "", &prev_ms, lo_ms, hi_ms);
		if (seq == check_seq && check_mac &&
		    CRYPTO_memcmp(prev, check_mac, 32) == 0)
			v->continues = true;
		v->entries++;
		v->last_seq = seq;
	}
	Sayso_reset(q);
	if (rc != SAYSO_SQL_DONE) {
		e = Sayso_store_sqlfail(src, "read the kiosk chain");
		goto out;
	}
	memcpy(v->last_mac, prev, 32);
	if (check_seq > v->last_seq)
		v->continues = true; /* an older copy: checked as far as it
					goes */
	if ((e = uncovered(src,
			   "SELECT uid, id FROM ballots WHERE uid NOT IN "
			   "(SELECT uid FROM devlog WHERE kind = 'ballot') "
			   "ORDER BY id",
			   "ballot", &p)) != SAYSO_OK ||
	    (e = uncovered(src,
			   "SELECT uid, id FROM ratings WHERE uid NOT IN "
			   "(SELECT uid FROM devlog WHERE kind = 'rating') "
			   "ORDER BY id",
			   "rating", &p)) != SAYSO_OK ||
	    (e = uncovered(src,
			   "SELECT uid, id FROM reports WHERE uid NOT IN "
			   "(SELECT uid FROM devlog WHERE kind = 'report') "
			   "ORDER BY id",
			   "report", &p)) != SAYSO_OK)
		goto out;
	if (p.n > p.listed && p.used < whysz)
		snprintf(why + p.used, whysz - p.used, "; and %d more",
			 p.n - p.listed);
	if (p.n)
		e = SAYSO_ERR_AUTH;
out:
	if (kr && bt.e)
		kept_seqs(&bt, kr);
	btab_free(&bt);
	EVP_MD_CTX_free(md);
	macer_free(&mc);
	return e;
}

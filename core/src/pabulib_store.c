/*
 * pabulib_store.c: a parsed .pb file into the store (one closed, imported
 * round, written in one transaction with cached prepared statements) and a
 * stored round back out as a .pb file; the parser is in pabulib.c. Export is
 * the inverse of import: a re-import tallies the same.
 */
#include "sayso/pabulib.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"
#include "internal.h"
#include "pabulib_internal.h"
#include "sayso/buf.h"
#include "sayso/file.h"
#include "sayso/round.h"
#include "sayso/store.h"
#include "sayso/utf8.h"

/* ---- pb_meta as JSON (a flat object of strings) ----
 *
 * The database's JSON functions do the quoting and the parsing:
 * json_object() (PostgreSQL: json_build_object) writes each pair,
 * json_each() (json_each_text on the json type) reads them back in order,
 * duplicate keys included, as in the file. No JSON codec of our own. */

#define META_JSON_MAX (16u * 1024u * 1024u)

/* The META pairs of pb as one JSON object, malloc'd; NULL with the error
 * in *err. */
static char *meta_to_json(struct sayso_store *st, const struct sayso_pb *pb,
			  enum sayso_err *err)
{
	struct sayso_buf b;
	struct sayso_stmt *s =
	    Sayso_store_stmt2(st, "SELECT " SAYSO_LITE_JSON_PAIR("?1", "?2"),
			      "SELECT " SAYSO_PG_JSON_PAIR("?1", "?2"));

	*err = SAYSO_ERR_DB;
	if (!s)
		return NULL;
	sayso_buf_init(&b, META_JSON_MAX);
	*err = sayso_buf_add(&b, "{");
	for (size_t i = 0; i < pb->nmeta && *err == SAYSO_OK; i++) {
		Sayso_bind_text(s, 1, pb->meta[i].key, -1);
		Sayso_bind_text(s, 2, pb->meta[i].value, -1);
		if (Sayso_step(s) != SAYSO_SQL_ROW) {
			*err = Sayso_store_sqlfail(st, "encoding META");
			break;
		}
		/* {"key":"value"} without its braces. */
		const char *one = (const char *)Sayso_col_text(s, 0);
		size_t n = one ? strlen(one) : 0;
		if (n < 2) {
			*err = SAYSO_ERR_NOMEM;
			break;
		}
		if (i)
			*err = sayso_buf_add(&b, ",");
		if (*err == SAYSO_OK)
			*err = sayso_buf_addn(&b, one + 1, n - 2);
		Sayso_reset(s);
	}
	Sayso_reset(s);
	if (*err == SAYSO_OK)
		*err = sayso_buf_add(&b, "}");
	if (*err != SAYSO_OK) {
		sayso_buf_cleanup(&b);
		return NULL;
	}
	return sayso_buf_take(&b);
}

/* Appends the pairs of the JSON object json to pb->meta. SAYSO_ERR_PARSE
 * when json is not an object (the pairs read so far stay), SAYSO_ERR_NOMEM. */
static enum sayso_err meta_from_json(struct sayso_store *st, const char *json,
				     struct sayso_pb *pb)
{
	struct sayso_stmt *s = Sayso_store_stmt2(
	    st, "SELECT key, value FROM " SAYSO_LITE_JSON_PAIRS("?1") " j",
	    "SELECT key, value FROM " SAYSO_PG_JSON_PAIRS("?1") " j");
	size_t cap = pb->nmeta;
	int rc;

	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, json, -1);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		const char *k = (const char *)Sayso_col_text(s, 0);
		const char *v = (const char *)Sayso_col_text(s, 1);
		if (sayso_array_grow(&pb->meta, &cap, pb->nmeta + 1,
				     sizeof *pb->meta, SIZE_MAX) != SAYSO_OK) {
			Sayso_reset(s);
			return SAYSO_ERR_NOMEM;
		}
		char *kc = strdup(k ? k : ""), *vc = strdup(v ? v : "");
		if (!kc || !vc) {
			free(kc);
			free(vc);
			Sayso_reset(s);
			return SAYSO_ERR_NOMEM;
		}
		pb->meta[pb->nmeta].key = kc;
		pb->meta[pb->nmeta].value = vc;
		pb->nmeta++;
	}
	Sayso_reset(s);
	return rc == SAYSO_SQL_DONE ? SAYSO_OK : SAYSO_ERR_PARSE;
}

/* ---- import ---- */

static void code_from_name(const char *name, char *out, size_t outsz)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	size_t n, i, o = 0;

	base = base ? base + 1 : (name ? name : "");
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".pb") == 0)
		n -= 3;
	for (i = 0; i < n && o + 1 < outsz && o < SAYSO_CODE_MAX - 1; i++) {
		unsigned char c = (unsigned char)base[i];
		out[o++] =
		    (char)((isalnum(c) || c == '_' || c == '-') ? c : '-');
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, outsz, "pb");
}

/* META date "dd.mm.yyyy", "d.m.yyyy" or "yyyy" as ISO text; else now. */
static void meta_date(const char *v, char *out, size_t outsz)
{
	int d = 0, m = 0, y = 0;
	char tail;

	if (v && sscanf(v, "%d.%d.%d%c", &d, &m, &y, &tail) == 3 && d >= 1 &&
	    d <= 31 && m >= 1 && m <= 12 && y >= 1900 && y <= 9999) {
		snprintf(out, outsz, "%04d-%02d-%02dT12:00:00.000Z", y, m, d);
		return;
	}
	if (v && sscanf(v, "%d%c", &y, &tail) == 1 && y >= 1900 && y <= 9999) {
		snprintf(out, outsz, "%04d-12-31T12:00:00.000Z", y);
		return;
	}
	Sayso_now_text(out, outsz);
}

/* What one import writes, worked out before the transaction. */
struct pbimport {
	struct sayso_store *st;
	const struct sayso_pb *pb;
	const char *name, *actor, *device;
	char code[SAYSO_CODE_MAX], title[SAYSO_TITLE_MAX], cast_at[40];
	char currency[4];
	int64_t div;   /* parser hundredths per stored minor unit */
	int64_t rid;   /* the new round */
	int64_t *pids; /* per project: its new row id */
	char *json;    /* pb_meta */
};

/* Code, title, currency, ballot time and device of the new round.
 * SAYSO_ERR_INVAL (message in errbuf) for a bad code. */
static enum sayso_err import_prepare(struct pbimport *im, const char *code,
				     char *errbuf, size_t errsz)
{
	const struct sayso_pb *pb = im->pb;
	const char *v;

	if (code && *code)
		sayso_strlcpy_utf8(im->code, code, sizeof im->code);
	else
		code_from_name(im->name, im->code, sizeof im->code);
	if (!sayso_round_code_valid(code && *code ? code : im->code)) {
		Sayso_errbuf_set(
		    errbuf, errsz,
		    "round code \"%s\": use 1 to 32 letters, digits, _ or -",
		    code && *code ? code : im->code);
		return SAYSO_ERR_INVAL;
	}
	sayso_strlcpy_utf8(im->currency, pb->currency[0] ? pb->currency : "GBP",
			   sizeof im->currency);
	/* The parser keeps hundredths; a zero-decimal currency stores whole
	 * units (amounts are rounded down). */
	im->div = 100 / sayso_currency_unit(im->currency);
	v = Sayso_pb_meta_get(pb, "description");
	if (v && *v) {
		sayso_strlcpy_utf8(im->title, v, sizeof im->title);
	} else {
		const char *unit = Sayso_pb_meta_get(pb, "unit"),
			   *inst = Sayso_pb_meta_get(pb, "instance");
		if (unit && *unit)
			snprintf(im->title, sizeof im->title, "%s %s", unit,
				 inst ? inst : "");
		else
			snprintf(im->title, sizeof im->title, "%s", im->code);
	}
	meta_date(Sayso_pb_meta_get(pb, "date_end"), im->cast_at,
		  sizeof im->cast_at);
	im->device = sayso_store_device(im->st);
	if (!im->device || !*im->device)
		im->device = "import";
	return SAYSO_OK;
}

/* Steps s to DONE and resets it; the SQL error named by what otherwise. */
static enum sayso_err step_done(struct sayso_store *st, struct sayso_stmt *s,
				const char *what)
{
	enum sayso_err err = SAYSO_OK;
	if (Sayso_step(s) != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, what);
	Sayso_reset(s);
	return err;
}

/* The round row (refused when its code exists in any case: migration
 * 0002 made codes case-insensitive). */
static enum sayso_err import_round(struct pbimport *im)
{
	struct sayso_store *st = im->st;
	const struct sayso_pb *pb = im->pb;
	const struct sayso_election *e = pb->e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT 1 FROM rounds WHERE lower(code) = lower(?1)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, im->code, -1);
	if (Sayso_step(s) == SAYSO_SQL_ROW) {
		Sayso_reset(s);
		return Sayso_store_fail(st, SAYSO_ERR_EXISTS,
					"a round with code '%s' already "
					"exists (choose another with --code)",
					im->code);
	}
	Sayso_reset(s);
	s = Sayso_store_stmt(
	    st, "INSERT INTO rounds(code, title, budget, currency, "
		"ballot_kind, min_picks, max_picks, max_points, "
		"max_sum_points, state, imported, pb_meta, created_at, "
		"pb_projects_header, pb_votes_header) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'closed', 1, "
		"?10, ?11, ?12, ?13)");
	if (!s)
		return SAYSO_ERR_DB;
	char now[SAYSO_TIME_LEN + 1];
	Sayso_now_text(now, sizeof now);
	Sayso_bind_text(s, 1, im->code, -1);
	Sayso_bind_text(s, 2, im->title, -1);
	Sayso_bind_int64(s, 3, e->budget / im->div);
	Sayso_bind_text(s, 4, im->currency, -1);
	Sayso_bind_text(s, 5, sayso_ballot_kind_name(e->kind), -1);
	Sayso_bind_int(s, 6, pb->min_length > 0 ? pb->min_length : 1);
	Sayso_bind_int(s, 7, pb->max_length);
	Sayso_bind_int(s, 8, pb->max_points);
	Sayso_bind_int(s, 9, pb->max_sum_points);
	Sayso_bind_text(s, 10, im->json, -1);
	Sayso_bind_text(s, 11, now, -1);
	/* The file's own header lines, kept only with every row. */
	if (pb->projects_header && pb->votes_header &&
	    pb->nproject_rows == e->nprojects && pb->nvote_rows == e->nvoters) {
		Sayso_bind_text(s, 12, pb->projects_header, -1);
		Sayso_bind_text(s, 13, pb->votes_header, -1);
	} else {
		Sayso_bind_null(s, 12);
		Sayso_bind_null(s, 13);
	}
	enum sayso_err err = step_done(st, s, "creating the round");
	if (err == SAYSO_OK)
		im->rid = Sayso_store_last_id(st);
	return err;
}

static enum sayso_err import_projects(struct pbimport *im)
{
	struct sayso_store *st = im->st;
	const struct sayso_election *e = im->pb->e;
	const struct sayso_pb *pb = im->pb;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO projects(round_id, number, ext_id, title, cost, "
		"pb_row) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s)
		return SAYSO_ERR_DB;
	for (size_t i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[i];
		Sayso_bind_int64(s, 1, im->rid);
		Sayso_bind_int64(s, 2, (int64_t)i + 1);
		Sayso_bind_text(s, 3, p->id, -1);
		Sayso_bind_text(s, 4, p->title[0] ? p->title : p->id, -1);
		Sayso_bind_int64(s, 5, p->cost / im->div);
		if (i < pb->nproject_rows)
			Sayso_bind_text(s, 6, pb->project_rows[i], -1);
		else
			Sayso_bind_null(s, 6);
		enum sayso_err err = step_done(st, s, "adding a project");
		if (err != SAYSO_OK)
			return err;
		im->pids[i] = Sayso_store_last_id(st);
	}
	return SAYSO_OK;
}

/* One ballot and its items for voter i. */
static enum sayso_err import_ballot(struct pbimport *im, size_t i)
{
	struct sayso_store *st = im->st;
	const struct sayso_election *e = im->pb->e;
	char uid[SAYSO_UID_LEN + 1];
	enum sayso_err err;

	if ((err = sayso_uid_new(uid, sizeof uid)) != SAYSO_OK)
		return Sayso_store_fail(st, err, "making a ballot id");
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO ballots(uid, round_id, channel, device_id, "
		"cast_at, status, ext_voter, pb_row) VALUES(?1, ?2, 'import', "
		"?3, ?4, 'counted', ?5, ?6)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, uid, -1);
	Sayso_bind_int64(s, 2, im->rid);
	Sayso_bind_text(s, 3, im->device, -1);
	Sayso_bind_text(s, 4, im->cast_at, -1);
	Sayso_bind_text(s, 5, im->pb->voter_ids[i], -1);
	if (i < im->pb->nvote_rows)
		Sayso_bind_text(s, 6, im->pb->vote_rows[i], -1);
	else
		Sayso_bind_null(s, 6);
	if ((err = step_done(st, s, "adding a ballot")) != SAYSO_OK)
		return err;
	int64_t bid = Sayso_store_last_id(st);
	s = Sayso_store_stmt(st, "INSERT INTO ballot_items(ballot_id, "
				 "project_id, points, rank) "
				 "VALUES(?1, ?2, ?3, ?4)");
	if (!s)
		return SAYSO_ERR_DB;
	for (size_t j = e->voter_start[i]; j < e->voter_start[i + 1]; j++) {
		Sayso_bind_int64(s, 1, bid);
		Sayso_bind_int64(s, 2, im->pids[e->pick_project[j]]);
		Sayso_bind_int(s, 3, e->pick_points[j]);
		/* rank: the position in the file's vote for every kind, so
		 * that export writes the vote back in the same order. */
		Sayso_bind_int64(s, 4, (int64_t)(j - e->voter_start[i]) + 1);
		if ((err = step_done(st, s, "adding a ballot item")) !=
		    SAYSO_OK)
			return err;
	}
	return SAYSO_OK;
}

/* Everything inside the transaction. */
static enum sayso_err import_all(struct pbimport *im)
{
	const struct sayso_election *e = im->pb->e;
	enum sayso_err err;

	if ((err = import_round(im)) != SAYSO_OK ||
	    (err = import_projects(im)) != SAYSO_OK)
		return err;
	for (size_t i = 0; i < e->nvoters; i++)
		if ((err = import_ballot(im, i)) != SAYSO_OK)
			return err;
	return sayso_store_audit(im->st, im->actor, "round.import",
				 "code=%s file=%s projects=%zu ballots=%zu "
				 "vote_type=%s",
				 im->code, im->name, e->nprojects, e->nvoters,
				 im->pb->vote_type);
}

enum sayso_err sayso_pb_import_parsed(struct sayso_store *st,
				      const struct sayso_pb *pb,
				      const char *name, const char *code,
				      const char *actor, int64_t *round_id,
				      char *errbuf, size_t errsz)
{
	struct pbimport im = {0};
	enum sayso_err err;
	bool began = false, named = true;

	if (!st || !pb || !pb->e)
		return SAYSO_ERR_INVAL;
	im.st = st;
	im.pb = pb;
	im.name = name ? name : "<input>";
	im.actor = actor && *actor ? actor : "import.pb";
	if ((err = import_prepare(&im, code, errbuf, errsz)) != SAYSO_OK)
		return err;
	im.json = meta_to_json(st, pb, &err);
	im.pids =
	    malloc((pb->e->nprojects ? pb->e->nprojects : 1) * sizeof *im.pids);
	if (!im.json || !im.pids) {
		free(im.json);
		free(im.pids);
		if (im.json || err == SAYSO_ERR_NOMEM || err == SAYSO_OK) {
			Sayso_errbuf_set(errbuf, errsz, "out of memory");
			return SAYSO_ERR_NOMEM;
		}
		Sayso_errbuf_set(errbuf, errsz, "%s: META: %s", im.name,
				 sayso_strerror(err));
		return err;
	}
	/* A big import is one transaction: room to keep it in memory until
	 * the commit instead of spilling pages mid-way. */
	Sayso_store_bulk(st, true, false);
	if ((err = sayso_store_begin(st)) != SAYSO_OK) {
		named = false;
		goto out;
	}
	began = true;
	if ((err = import_all(&im)) != SAYSO_OK)
		goto out;
	/* A failed top-level commit has rolled back already (then the
	 * rollback below is a no-op); a failed nested one has not. */
	if ((err = sayso_store_commit(st)) != SAYSO_OK)
		named = false;
out:
	/* The one cleanup path. */
	if (err != SAYSO_OK) {
		if (named)
			Sayso_errbuf_set(errbuf, errsz, "%s: %s", im.name,
					 sayso_store_errmsg(st));
		else
			Sayso_errbuf_set(errbuf, errsz, "%s",
					 sayso_store_errmsg(st));
		if (began)
			sayso_store_rollback(st);
	}
	Sayso_store_bulk(st, false, false);
	free(im.json);
	free(im.pids);
	if (err == SAYSO_OK && round_id)
		*round_id = im.rid;
	return err;
}

enum sayso_err sayso_pb_import(struct sayso_store *st, const char *path,
			       const char *code, const char *actor,
			       int64_t *round_id, char *errbuf, size_t errsz)
{
	struct sayso_pb *pb = NULL;
	enum sayso_err err;

	err = sayso_pb_read_path(path, &pb, errbuf, errsz);
	if (err != SAYSO_OK)
		return err;
	err = sayso_pb_import_parsed(st, pb, path, code, actor, round_id,
				     errbuf, errsz);
	sayso_pb_free(pb);
	return err;
}

/* ---- export ---- */

/* Writes one .pb field, quoted when it holds ; " or a line break. */
static void put_field(FILE *out, const char *s)
{
	sayso_delim_field(out, s, ';');
}

static void put_money(FILE *out, int64_t minor, int64_t unit)
{
	char buf[32];
	sayso_money_plain(minor, unit, buf, sizeof buf);
	fputs(buf, out);
}

static void put_kv(FILE *out, const char *k, const char *v)
{
	put_field(out, k);
	fputc(';', out);
	put_field(out, v);
	fputc('\n', out);
}

/* Ends a VOTES row: the points column, then the newline. An empty
 * cumulative vote gets points "None", which pabutools reads as "no points"
 * (an empty field would make it look up a project named ""). */
static void end_vote(FILE *out, bool points, bool cumulative, const char *pts,
		     size_t plen)
{
	if (points) {
		fputc(';', out);
		if (plen == 0 && cumulative)
			fputs("None", out);
		else
			fwrite(pts, 1, plen, out);
	}
	fputc('\n', out);
}

/* Written in this order by export_meta_write, never copied from pb_meta
 * as they are: pabulib's required keys (from the stored pairs when the
 * round has them, else from the round and the site) and those that must
 * say what the round says now. */
static const char *const rewritten[] = {
    "description",  "country",	  "unit",     "instance",
    "num_projects", "num_votes",  "budget",   "vote_type",
    "rule",	    "date_begin", "date_end", "currency",
};

/* The META pairs stored with the round into *meta (left empty when
 * pb_meta is absent or damaged: META is then written from scratch). */
static enum sayso_err export_meta_read(struct sayso_store *st, int64_t round_id,
				       struct sayso_pb *meta, char *errbuf,
				       size_t errsz)
{
	enum sayso_err err = SAYSO_OK;
	struct sayso_stmt *s;

	s = Sayso_store_stmt(st, "SELECT pb_meta FROM rounds WHERE id = ?1");
	if (!s) {
		err = SAYSO_ERR_DB;
		Sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		return err;
	}
	Sayso_bind_int64(s, 1, round_id);
	if (Sayso_step(s) == SAYSO_SQL_ROW &&
	    Sayso_col_type(s, 0) == SAYSO_SQL_TEXT) {
		err = meta_from_json(st, (const char *)Sayso_col_text(s, 0),
				     meta);
		if (err == SAYSO_ERR_NOMEM) {
			Sayso_reset(s);
			Sayso_errbuf_set(errbuf, errsz, "out of memory");
			return err;
		}
		err = SAYSO_OK; /* damaged pb_meta: written from scratch */
	}
	Sayso_reset(s);

	return err;
}

/* The PROJECTS and VOTES header lines an imported round keeps from its
 * file (migration 0007) into *ph and *vh (the caller frees them); both
 * NULL for a round without them. */
static enum sayso_err export_headers_read(struct sayso_store *st,
					  int64_t round_id, char **ph,
					  char **vh)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT pb_projects_header, pb_votes_header FROM rounds "
		"WHERE id = ?1 AND pb_projects_header IS NOT NULL AND "
		"pb_votes_header IS NOT NULL");
	enum sayso_err err = SAYSO_OK;

	*ph = *vh = NULL;
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	if (Sayso_step(s) == SAYSO_SQL_ROW) {
		*ph = strdup((const char *)Sayso_col_text(s, 0));
		*vh = strdup((const char *)Sayso_col_text(s, 1));
		if (!*ph || !*vh) {
			free(*ph);
			free(*vh);
			*ph = *vh = NULL;
			err = SAYSO_ERR_NOMEM;
		}
	}
	Sayso_reset(s);
	return err;
}

/* The pabulib name of rule, or the imported one for SAYSO_RULE_APPROVAL. */
static const char *export_rule_name(const struct sayso_pb *mp,
				    enum sayso_rule rule)
{
	const char *old;

	if (rule == SAYSO_RULE_GREEDY)
		return "greedy";
	if (rule == SAYSO_RULE_MES)
		return "equalshares/add1";
	old = Sayso_pb_meta_get(mp, "rule");
	return old && *old ? old : "unknown";
}

/* An ISO time ("2026-05-01T...") as pabulib's "01.05.2026"; "" or
 * unparsable gives today. */
static void pb_date(const char *iso, char *out, size_t outsz)
{
	char now[SAYSO_TIME_LEN + 1];
	int y, m, d;

	if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		Sayso_now_text(now, sizeof now);
		iso = now;
		if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
			y = 1970, m = 1, d = 1;
	}
	snprintf(out, outsz, "%02d.%02d.%04d", d, m, y);
}

/* Writes stored key, else fallback. */
static void put_kept(FILE *out, const struct sayso_pb *mp, const char *key,
		     const char *fallback)
{
	const char *v = Sayso_pb_meta_get(mp, key);

	put_kv(out, key, v && *v ? v : fallback);
}

/* The META section: pabulib's required keys first (description, country,
 * unit, instance, num_projects, num_votes, budget, vote_type, rule,
 * date_begin, date_end), then currency, the other stored pairs, and the
 * ballot limits. */
static void export_meta_write(FILE *out, const struct sayso_round *rp,
			      const struct sayso_election *e,
			      const struct sayso_pb *mp,
			      const struct sayso_pb_site *site,
			      enum sayso_rule rule, const char *vote_type,
			      bool points)
{
	char num[32], begin[16], end[16];
	const char *country =
	    site && site->country && *site->country ? site->country : "unknown";
	const char *unit =
	    site && site->unit && *site->unit ? site->unit : rp->title;
	size_t i;

	pb_date(rp->opens, begin, sizeof begin);
	pb_date(rp->closes[0] ? rp->closes : NULL, end, sizeof end);
	fputs("META\nkey;value\n", out);
	put_kept(out, mp, "description", rp->title);
	put_kept(out, mp, "country", country);
	put_kept(out, mp, "unit", unit);
	put_kept(out, mp, "instance", begin + 6); /* the year */
	snprintf(num, sizeof num, "%zu", e->nprojects);
	put_kv(out, "num_projects", num);
	snprintf(num, sizeof num, "%zu", e->nvoters);
	put_kv(out, "num_votes", num);
	fputs("budget;", out);
	put_money(out, e->budget, e->unit);
	fputc('\n', out);
	put_kv(out, "vote_type", vote_type);
	put_kv(out, "rule", export_rule_name(mp, rule));
	put_kept(out, mp, "date_begin", begin);
	put_kept(out, mp, "date_end", end);
	put_kv(out, "currency", rp->currency);
	for (i = 0; i < mp->nmeta; i++) {
		bool skip = false;
		for (size_t k = 0; k < sizeof rewritten / sizeof *rewritten;
		     k++)
			if (strcasecmp(mp->meta[i].key, rewritten[k]) == 0)
				skip = true;
		if (!points &&
		    (strcasecmp(mp->meta[i].key, "max_points") == 0 ||
		     strcasecmp(mp->meta[i].key, "max_sum_points") == 0))
			skip = true;
		if (!skip)
			put_kv(out, mp->meta[i].key, mp->meta[i].value);
	}
	if (!Sayso_pb_meta_get(mp, "max_sum_cost") &&
	    rp->kind == SAYSO_BALLOT_KNAPSACK) {
		fputs("max_sum_cost;", out);
		put_money(out, e->budget, e->unit);
		fputc('\n', out);
	}
	if (!Sayso_pb_meta_get(mp, "max_length") && rp->max_picks > 0)
		fprintf(out, "max_length;%d\n", rp->max_picks);
	if (rp->kind == SAYSO_BALLOT_CUMULATIVE) {
		if (!Sayso_pb_meta_get(mp, "max_points") && rp->max_points > 0)
			fprintf(out, "max_points;%d\n", rp->max_points);
		if (!Sayso_pb_meta_get(mp, "max_sum_points"))
			fprintf(out, "max_sum_points;%d\n",
				rp->max_sum_points > 0 ? rp->max_sum_points
						       : 1000000);
	}
}

/* The PROJECTS section (with `selected` when a rule ran). */
static void export_projects(FILE *out, const struct sayso_election *e,
			    const struct sayso_tally *tp, enum sayso_rule rule,
			    bool points)
{
	size_t i;

	fputs(points ? "PROJECTS\nproject_id;cost;votes;score;name"
		     : "PROJECTS\nproject_id;cost;votes;name",
	      out);
	fputs(rule != SAYSO_RULE_APPROVAL ? ";selected\n" : "\n", out);
	for (i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[i];
		put_field(out, p->id);
		fputc(';', out);
		put_money(out, p->cost, e->unit);
		fprintf(out, ";%lld;", (long long)p->votes);
		if (points)
			fprintf(out, "%lld;", (long long)p->score);
		put_field(out, p->title);
		if (rule != SAYSO_RULE_APPROVAL)
			fprintf(out, ";%d", tp->projects[i].selected ? 1 : 0);
		fputc('\n', out);
	}
}

/* One ballot being written: its voter, vote and points as text. */
struct vote_row {
	const struct Sayso_pb_kept *kept; /* NULL: sayso's own columns */
	bool points, cumulative;
	char voter[300];
	struct sayso_buf row; /* the file's line, "" when none */
	bool has_row;
	struct sayso_buf vote, pts;
};

static const char *vote_model(enum Sayso_pb_col kind, const char *cell,
			      void *arg)
{
	const struct vote_row *v = arg;

	(void)cell;
	switch (kind) {
	case SAYSO_PBC_VOTER_ID:
		return v->voter;
	case SAYSO_PBC_VOTE:
		return sayso_buf_str(&v->vote);
	case SAYSO_PBC_POINTS:
		return v->points ? sayso_buf_str(&v->pts) : NULL;
	case SAYSO_PBC_OTHER:
	case SAYSO_PBC_PROJECT_ID:
	case SAYSO_PBC_COST:
	case SAYSO_PBC_VOTES:
	case SAYSO_PBC_SCORE:
	case SAYSO_PBC_NAME:
	case SAYSO_PBC_SELECTED:
	default:
		return NULL;
	}
}

static void vote_row_write(FILE *out, struct vote_row *v)
{
	if (v->kept) {
		Sayso_pb_kept_row(out, v->kept,
				  v->has_row ? sayso_buf_str(&v->row) : NULL,
				  vote_model, v);
		fputc('\n', out);
		return;
	}
	put_field(out, v->voter);
	fputc(';', out);
	fputs(sayso_buf_str(&v->vote), out);
	end_vote(out, v->points, v->cumulative, sayso_buf_str(&v->pts),
		 strlen(sayso_buf_str(&v->pts)));
}

/* Starts ballot bid (its columns 1 and 4 in s) in v. */
static enum sayso_err vote_row_start(struct vote_row *v, struct sayso_stmt *s,
				     int64_t bid)
{
	const unsigned char *xv = Sayso_col_text(s, 1);

	if (xv && xv[0])
		snprintf(v->voter, sizeof v->voter, "%s", (const char *)xv);
	else
		snprintf(v->voter, sizeof v->voter, "%lld", (long long)bid);
	sayso_buf_reset(&v->vote);
	sayso_buf_reset(&v->pts);
	sayso_buf_reset(&v->row);
	v->has_row = Sayso_col_type(s, 4) == SAYSO_SQL_TEXT;
	if (v->has_row)
		return sayso_buf_add(&v->row,
				     (const char *)Sayso_col_text(s, 4));
	return SAYSO_OK;
}

/* The project of the row's number (column 2), or NULL. */
static const struct sayso_eproject *vote_project(const struct sayso_election *e,
						 struct sayso_stmt *s)
{
	int number = Sayso_col_int(s, 2);
	size_t lo = 0, hi = e->nprojects;

	if (Sayso_col_type(s, 2) == SAYSO_SQL_NULL)
		return NULL;
	/* projects are loaded in number order */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->projects[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < e->nprojects && e->projects[lo].number == number
		   ? &e->projects[lo]
		   : NULL;
}

/* The VOTES section, from the database in ballot order; header: the
 * imported file's VOTES header (NULL: sayso's own columns). */
static enum sayso_err export_votes(struct sayso_store *st, int64_t round_id,
				   const struct sayso_election *e,
				   const char *header, FILE *out, bool points,
				   bool cumulative, char *errbuf, size_t errsz)
{
	struct Sayso_pb_kept kept = {0};
	struct vote_row v = {.points = points, .cumulative = cumulative};
	enum sayso_err err = SAYSO_OK;
	int64_t last = -1;
	struct sayso_stmt *s;
	int rc;

	sayso_buf_init(&v.row, 1u << 20);
	sayso_buf_init(&v.vote, 1u << 20);
	sayso_buf_init(&v.pts, 1u << 20);
	if (header) {
		if ((err = Sayso_pb_kept_open(&kept, header)) != SAYSO_OK) {
			Sayso_errbuf_set(errbuf, errsz,
					 "the stored VOTES header: %s",
					 sayso_strerror(err));
			goto out;
		}
		v.kept = &kept;
		fprintf(out, "VOTES\n%s\n", header);
	} else {
		fputs(points ? "VOTES\nvoter_id;vote;points\n"
			     : "VOTES\nvoter_id;vote\n",
		      out);
	}
	/* Items in rank order (then project number), straight from the
	 * database so that ordinal ranks are kept. */
	s = Sayso_store_stmt(st,
			     "SELECT b.id, b.ext_voter, p.number, i.points, "
			     "b.pb_row FROM ballots b "
			     "LEFT JOIN ballot_items i ON i.ballot_id = b.id "
			     "LEFT JOIN projects p ON p.id = i.project_id "
			     "WHERE b.round_id = ?1 AND b.status = 'counted' "
			     "ORDER BY b.id, i.rank, p.number");
	if (!s) {
		err = SAYSO_ERR_DB;
		Sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		goto out;
	}
	Sayso_bind_int64(s, 1, round_id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		int64_t bid = Sayso_col_int64(s, 0);
		const struct sayso_eproject *p = vote_project(e, s);

		if (bid != last) {
			if (last >= 0)
				vote_row_write(out, &v);
			last = bid;
			if ((err = vote_row_start(&v, s, bid)) != SAYSO_OK)
				break;
		}
		if (!p)
			continue; /* an empty ballot */
		if (sayso_buf_str(&v.vote)[0]) {
			err = sayso_buf_add(&v.vote, ",");
			if (err == SAYSO_OK)
				err = sayso_buf_add(&v.pts, ",");
		}
		if (err == SAYSO_OK)
			err = sayso_buf_add(&v.vote, p->id);
		if (err == SAYSO_OK)
			err = sayso_buf_addf(&v.pts, "%d", Sayso_col_int(s, 3));
		if (err != SAYSO_OK)
			break;
	}
	Sayso_reset(s);
	if (err != SAYSO_OK) {
		Sayso_errbuf_set(errbuf, errsz,
				 err == SAYSO_ERR_TOOBIG
				     ? "a ballot is too long to write"
				     : "out of memory");
		goto out;
	}
	if (rc != SAYSO_SQL_DONE) {
		err = Sayso_store_sqlfail(st, "reading ballots");
		Sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		goto out;
	}
	if (last >= 0)
		vote_row_write(out, &v);
out:
	if (header && v.kept)
		Sayso_pb_kept_close(&kept);
	sayso_buf_cleanup(&v.row);
	sayso_buf_cleanup(&v.vote);
	sayso_buf_cleanup(&v.pts);
	return err;
}

enum sayso_err sayso_pb_export(struct sayso_store *st, int64_t round_id,
			       enum sayso_rule rule, FILE *out, char *errbuf,
			       size_t errsz)
{
	return sayso_pb_export_site(st, round_id, rule, NULL, out, errbuf,
				    errsz);
}

enum sayso_err sayso_pb_export_site(struct sayso_store *st, int64_t round_id,
				    enum sayso_rule rule,
				    const struct sayso_pb_site *site, FILE *out,
				    char *errbuf, size_t errsz)
{
	struct sayso_round r;
	struct sayso_election *e = NULL;
	struct sayso_pb meta = {0};
	struct sayso_tally t = {0};
	enum sayso_err err;
	char *ph = NULL, *vh = NULL;
	const char *vote_type;
	bool points, cumulative;
	size_t i;

	if (!st || !out)
		return SAYSO_ERR_INVAL;
	if ((err = sayso_round_get_by_id(st, round_id, &r)) != SAYSO_OK) {
		Sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		return err;
	}
	if ((err = sayso_store_read_begin(st)) != SAYSO_OK) {
		Sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		return err;
	}
	if ((err = sayso_election_load(st, round_id, &e)) != SAYSO_OK) {
		Sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		goto out;
	}
	if (rule != SAYSO_RULE_APPROVAL &&
	    (err = sayso_tally_run(e, rule, &t, errbuf, errsz)) != SAYSO_OK)
		goto out;
	if ((err = export_meta_read(st, round_id, &meta, errbuf, errsz)) !=
	    SAYSO_OK)
		goto out;
	if ((err = export_headers_read(st, round_id, &ph, &vh)) != SAYSO_OK) {
		Sayso_errbuf_set(errbuf, errsz, "%s", sayso_store_errmsg(st));
		goto out;
	}
	cumulative = r.kind == SAYSO_BALLOT_CUMULATIVE;
	switch (r.kind) {
	case SAYSO_BALLOT_CUMULATIVE:
		vote_type = "cumulative";
		points = true;
		break;
	case SAYSO_BALLOT_ORDINAL:
		vote_type = "ordinal";
		points = true;
		break;
	case SAYSO_BALLOT_APPROVAL:
	case SAYSO_BALLOT_KNAPSACK:
	default:
		vote_type = "approval";
		points = false;
		break;
	}
	export_meta_write(out, &r, e, &meta, site, rule, vote_type, points);
	if (ph) {
		err = Sayso_pb_kept_projects(
		    st, round_id, e, rule != SAYSO_RULE_APPROVAL ? &t : NULL,
		    points, ph, out);
		if (err != SAYSO_OK) {
			Sayso_errbuf_set(
			    errbuf, errsz, "writing the file's PROJECTS: %s",
			    err == SAYSO_ERR_DB ? sayso_store_errmsg(st)
						: sayso_strerror(err));
			goto out;
		}
	} else {
		export_projects(out, e, &t, rule, points);
	}
	if ((err = export_votes(st, round_id, e, vh, out, points, cumulative,
				errbuf, errsz)) != SAYSO_OK)
		goto out;
	if (fflush(out) != 0 || ferror(out)) {
		err = SAYSO_ERR_IO;
		Sayso_errbuf_set(errbuf, errsz,
				 "writing the .pb file failed: %s",
				 strerror(errno));
		goto out;
	}
	err = SAYSO_OK;
out:
	sayso_store_read_end(st);
	free(ph);
	free(vh);
	for (i = 0; i < meta.nmeta; i++) {
		free(meta.meta[i].key);
		free(meta.meta[i].value);
	}
	free(meta.meta);
	sayso_tally_cleanup(&t);
	sayso_election_free(e);
	return err;
}

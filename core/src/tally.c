/*
 * tally.c: in-memory elections and the PB rules (approval, greedy, Method of
 * Equal Shares with the add1 completion).
 *
 * Design: an election is loaded once into a CSR array of picks and the rules
 * never touch SQLite. A full load reads the counted ballot ids and then the
 * ballot_items rows in primary-key order (two sequential scans merged in C,
 * no join). Greedy and approval need only per-project counts, so
 * sayso_election_load_counts() takes them straight from the ballot_items
 * index (about the cost of a plain GROUP BY) and subtracts the few items of
 * superseded and rejected ballots.
 *
 * MES is run many times by add1 (hundreds of runs on real files), so each
 * run is made cheap: voters with the same approval set are merged into one
 * weighted "type" (they always hold the same money); each project keeps the
 * list of its supporter types, from which types left with nothing are
 * dropped for the rest of the run; projects are evaluated lazily in order of
 * their last rho/cost (which never falls within a run); and rho is found by
 * water filling over the supporters still paying a share, sorting only as a
 * last resort. Arithmetic is in doubles on minor units; ties and
 * affordability use a relative tolerance of 1e-9, far below any real
 * difference and far above rounding error (the reference results in
 * ../shared/pb/expected.jsonl, computed with exact fractions, are
 * reproduced exactly).
 */
#include "sayso/tally.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/hash.h"
#include "sayso/buf.h"
#include "sayso/round.h"

#define REL_EPS 1e-9

const char *sayso_rule_name(enum sayso_rule rule)
{
	switch (rule) {
	case SAYSO_RULE_APPROVAL:
		return "approval";
	case SAYSO_RULE_GREEDY:
		return "greedy";
	case SAYSO_RULE_MES:
		return "mes";
	}
	return "?";
}

enum sayso_err sayso_rule_parse(const char *s, enum sayso_rule *out)
{
	if (!s || !out)
		return SAYSO_ERR_INVAL;
	if (strcmp(s, "approval") == 0)
		*out = SAYSO_RULE_APPROVAL;
	else if (strcmp(s, "greedy") == 0)
		*out = SAYSO_RULE_GREEDY;
	else if (strcmp(s, "mes") == 0)
		*out = SAYSO_RULE_MES;
	else
		return SAYSO_ERR_INVAL;
	return SAYSO_OK;
}

static void seterr(char *errbuf, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *errbuf, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errsz, fmt, ap);
	va_end(ap);
}

/* ---- building an election ---- */

enum sayso_err sayso_election_new(enum sayso_ballot_kind kind, int64_t budget,
				  int64_t unit, struct sayso_election **out)
{
	struct sayso_election *e;

	if (!out)
		return SAYSO_ERR_INVAL;
	*out = NULL;
	if (budget < 0 || unit < 1)
		return SAYSO_ERR_INVAL;
	e = calloc(1, sizeof *e);
	if (!e)
		return SAYSO_ERR_NOMEM;
	e->kind = kind;
	e->budget = budget;
	e->unit = unit;
	e->cap_voters = 64;
	e->cap_picks = 256;
	e->voter_start = malloc((e->cap_voters + 1) * sizeof *e->voter_start);
	e->pick_project = malloc(e->cap_picks * sizeof *e->pick_project);
	e->pick_points = malloc(e->cap_picks * sizeof *e->pick_points);
	if (!e->voter_start || !e->pick_project || !e->pick_points) {
		sayso_election_free(e);
		return SAYSO_ERR_NOMEM;
	}
	e->voter_start[0] = 0;
	e->counted = 0;
	*out = e;
	return SAYSO_OK;
}

void sayso_election_free(struct sayso_election *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nprojects; i++)
		free(e->projects[i].title);
	free(e->projects);
	free(e->voter_start);
	free(e->pick_project);
	free(e->pick_points);
	free(e);
}

enum sayso_err sayso_election_add_project(struct sayso_election *e,
					  const char *id, const char *title,
					  int64_t cost, size_t *index)
{
	struct sayso_eproject *p;
	size_t idlen;

	if (!e || !id)
		return SAYSO_ERR_INVAL;
	idlen = strlen(id);
	if (idlen == 0 || idlen >= SAYSO_TALLY_ID_MAX || cost < 0)
		return SAYSO_ERR_INVAL;
	if (e->nprojects >= SAYSO_TALLY_MAX_PROJECTS)
		return SAYSO_ERR_TOOBIG;
	if (sayso_array_grow(&e->projects, &e->cap_projects, e->nprojects + 1,
			     sizeof *e->projects,
			     SAYSO_TALLY_MAX_PROJECTS) != SAYSO_OK)
		return SAYSO_ERR_NOMEM;
	p = &e->projects[e->nprojects];
	memset(p, 0, sizeof *p);
	if (!title)
		title = "";
	{
		size_t tl = strlen(title);
		if (tl >= SAYSO_TALLY_TITLE_MAX)
			tl = SAYSO_TALLY_TITLE_MAX - 1;
		p->title = malloc(tl + 1);
		if (!p->title)
			return SAYSO_ERR_NOMEM;
		sayso_strlcpy_utf8(p->title, title, tl + 1);
	}
	memcpy(p->id, id, idlen + 1);
	p->cost = cost;
	p->number = (int)e->nprojects + 1;
	if (index)
		*index = e->nprojects;
	e->nprojects++;
	return SAYSO_OK;
}

static enum sayso_err grow_picks(struct sayso_election *e, size_t need)
{
	/* Two parallel arrays, grown alike from the same capacity. */
	size_t cap1 = e->cap_picks, cap2 = e->cap_picks;
	enum sayso_err err;

	if ((err = sayso_array_grow(&e->pick_project, &cap1, need,
				    sizeof *e->pick_project, UINT32_MAX)) !=
	    SAYSO_OK)
		return err;
	if ((err = sayso_array_grow(&e->pick_points, &cap2, need,
				    sizeof *e->pick_points, UINT32_MAX)) !=
	    SAYSO_OK)
		return err;
	e->cap_picks = cap1 < cap2 ? cap1 : cap2;
	return SAYSO_OK;
}

static enum sayso_err grow_voters(struct sayso_election *e)
{
	size_t ncap;
	uint32_t *vs;

	if (e->nvoters < e->cap_voters)
		return SAYSO_OK;
	if (e->nvoters >= SAYSO_TALLY_MAX_VOTERS)
		return SAYSO_ERR_TOOBIG;
	ncap = e->cap_voters * 2;
	vs = realloc(e->voter_start, (ncap + 1) * sizeof *vs);
	if (!vs)
		return SAYSO_ERR_NOMEM;
	e->voter_start = vs;
	e->cap_voters = ncap;
	return SAYSO_OK;
}

enum sayso_err sayso_election_add_voter(struct sayso_election *e,
					const uint32_t *projects,
					const int32_t *points, size_t npicks)
{
	size_t i, j, base;
	enum sayso_err err;

	if (!e || (npicks > 0 && !projects) || e->counts_only)
		return SAYSO_ERR_INVAL;
	for (i = 0; i < npicks; i++) {
		if (projects[i] >= e->nprojects)
			return SAYSO_ERR_INVAL;
		if (points && points[i] < 1)
			return SAYSO_ERR_INVAL;
		/* Ballots are short: a quadratic duplicate check is cheapest
		 * below a few dozen picks. */
		for (j = 0; j < i; j++)
			if (projects[j] == projects[i])
				return SAYSO_ERR_INVAL;
	}
	if ((err = grow_voters(e)) != SAYSO_OK)
		return err;
	base = e->voter_start[e->nvoters];
	if ((err = grow_picks(e, base + npicks)) != SAYSO_OK)
		return err;
	for (i = 0; i < npicks; i++) {
		int32_t pts = points ? points[i] : 1;
		e->pick_project[base + i] = projects[i];
		e->pick_points[base + i] = pts;
		e->projects[projects[i]].votes++;
		e->projects[projects[i]].score += pts;
	}
	e->nvoters++;
	e->voter_start[e->nvoters] = (uint32_t)(base + npicks);
	e->counted = (int64_t)e->nvoters;
	return SAYSO_OK;
}

/* ---- loading from the store ---- */

struct idmap {
	int64_t dbid;
	uint32_t index;
};

static int idmap_cmp(const void *a, const void *b)
{
	const struct idmap *x = a, *y = b;
	return (x->dbid > y->dbid) - (x->dbid < y->dbid);
}

static long idmap_find(const struct idmap *m, size_t n, int64_t dbid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m[mid].dbid < dbid)
			lo = mid + 1;
		else if (m[mid].dbid > dbid)
			hi = mid;
		else
			return (long)m[mid].index;
	}
	return -1;
}

static enum sayso_err load_round(struct sayso_store *st, int64_t round_id,
				 struct sayso_election **out)
{
	sqlite3_stmt *s;
	struct sayso_round r;
	int rc;
	enum sayso_err err;

	memset(&r, 0, sizeof r);
	s = sayso_store_stmt(st, "SELECT budget, currency, ballot_kind, "
				 "imported FROM rounds WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_int64(s, 1, round_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
					"no round with id %lld",
					(long long)round_id);
	}
	if (rc != SQLITE_ROW) {
		err = sayso_store_sqlfail(st, "reading the round");
		sqlite3_reset(s);
		return err;
	}
	r.budget = sqlite3_column_int64(s, 0);
	sayso_column_copy(s, 1, r.currency, sizeof r.currency);
	{
		char kind[16];
		sayso_column_copy(s, 2, kind, sizeof kind);
		if (sayso_ballot_kind_parse(kind, &r.kind) != SAYSO_OK)
			r.kind = SAYSO_BALLOT_APPROVAL;
	}
	r.imported = sqlite3_column_int(s, 3) != 0;
	sqlite3_reset(s);
	{
		err = sayso_election_new(r.kind, r.budget,
					 sayso_currency_unit(r.currency), out);
		if (err != SAYSO_OK)
			return sayso_store_fail(st, err, "out of memory");
	}
	memcpy((*out)->currency, r.currency, sizeof r.currency);
	return SAYSO_OK;
}

/* Projects of the round in number order; *mapp and *nmapp (may be NULL) get a
 * dbid -> index table sorted by dbid. */
static enum sayso_err load_projects(struct sayso_store *st, int64_t round_id,
				    struct sayso_election *e,
				    struct idmap **mapp, size_t *nmapp)
{
	struct idmap *map = NULL;
	size_t nmap = 0, capmap = 0;
	sqlite3_stmt *s;
	int rc, imported = 0;
	enum sayso_err err;

	s = sayso_store_stmt(st, "SELECT imported FROM rounds WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_int64(s, 1, round_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		imported = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	s = sayso_store_stmt(st, "SELECT id, number, ext_id, title, cost "
				 "FROM projects WHERE round_id = ?1 "
				 "ORDER BY number");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_int64(s, 1, round_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char id[SAYSO_TALLY_ID_MAX];
		const unsigned char *ext = sqlite3_column_text(s, 2);
		const unsigned char *title = sqlite3_column_text(s, 3);
		size_t idx;
		int number = sqlite3_column_int(s, 1);

		if (imported && ext && ext[0])
			sayso_strlcpy_utf8(id, (const char *)ext, sizeof id);
		else
			snprintf(id, sizeof id, "%d", number);
		err = sayso_election_add_project(
		    e, id, title ? (const char *)title : "",
		    sqlite3_column_int64(s, 4), &idx);
		if (err != SAYSO_OK) {
			sqlite3_reset(s);
			free(map);
			return sayso_store_fail(
			    st, err, "project %s: cannot load it", id);
		}
		e->projects[idx].number = number;
		e->projects[idx].dbid = sqlite3_column_int64(s, 0);
		if (mapp) {
			if (sayso_array_grow(
				&map, &capmap, nmap + 1, sizeof *map,
				SAYSO_TALLY_MAX_PROJECTS) != SAYSO_OK) {
				sqlite3_reset(s);
				free(map);
				return sayso_store_fail(st, SAYSO_ERR_NOMEM,
							"out of memory");
			}
			map[nmap].dbid = e->projects[idx].dbid;
			map[nmap].index = (uint32_t)idx;
			nmap++;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(map);
		return sayso_store_sqlfail(st, "reading projects");
	}
	if (nmap > 1)
		qsort(map, nmap, sizeof *map, idmap_cmp);
	if (mapp) {
		*mapp = map;
		*nmapp = nmap;
	}
	return SAYSO_OK;
}

/* Superseded and rejected ballots by status and reason. */
static enum sayso_err load_reasons(struct sayso_store *st, int64_t round_id,
				   struct sayso_election *e)
{
	sqlite3_stmt *s;
	int rc;

	s = sayso_store_stmt(st, "SELECT status, coalesce(reason, ''), "
				 "count(*) AS c FROM ballots "
				 "WHERE round_id = ?1 AND status IN "
				 "('superseded', 'rejected') "
				 "GROUP BY status, reason "
				 "ORDER BY status DESC, c DESC, reason");
	if (!s)
		return SAYSO_ERR_DB;
	sqlite3_bind_int64(s, 1, round_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char status[12];
		int64_t c = sqlite3_column_int64(s, 2);
		struct sayso_reason_count *r;

		sayso_column_copy(s, 0, status, sizeof status);
		if (strcmp(status, "superseded") == 0)
			e->superseded += c;
		else
			e->rejected += c;
		if (e->nreasons < SAYSO_TALLY_MAX_REASONS) {
			r = &e->reasons[e->nreasons++];
		} else {
			/* Fold the rest into the last slot. */
			r = &e->reasons[SAYSO_TALLY_MAX_REASONS - 1];
			snprintf(r->reason, sizeof r->reason, "other reasons");
			r->count += c;
			continue;
		}
		memcpy(r->status, status, sizeof r->status);
		sayso_column_copy(s, 1, r->reason, sizeof r->reason);
		r->count = c;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sayso_store_sqlfail(st, "counting ballots");
	return SAYSO_OK;
}

enum sayso_err sayso_election_load(struct sayso_store *st, int64_t round_id,
				   struct sayso_election **out)
{
	struct sayso_election *e = NULL;
	struct idmap *map = NULL;
	int64_t *ids = NULL;
	size_t nmap = 0, nids = 0, capids = 0, cur = 0;
	sqlite3_stmt *s;
	int rc;
	enum sayso_err err = SAYSO_OK;

	if (!st || !out)
		return SAYSO_ERR_INVAL;
	*out = NULL;
	if ((err = sayso_store_read_begin(st)) != SAYSO_OK)
		return err;
	if ((err = load_round(st, round_id, &e)) != SAYSO_OK)
		goto out;
	if ((err = load_projects(st, round_id, e, &map, &nmap)) != SAYSO_OK)
		goto out;
	/* Counted ballot ids, ascending (rowid order within the index). */
	s = sayso_store_stmt(st, "SELECT id FROM ballots WHERE round_id = ?1 "
				 "AND status = 'counted' ORDER BY id");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, round_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sayso_array_grow(&ids, &capids, nids + 1, sizeof *ids,
				     SIZE_MAX) != SAYSO_OK) {
			sqlite3_reset(s);
			err = sayso_store_fail(st, SAYSO_ERR_NOMEM,
					       "out of memory");
			goto out;
		}
		ids[nids++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		err = sayso_store_sqlfail(st, "reading ballots");
		goto out;
	}
	if (nids > SAYSO_TALLY_MAX_VOTERS) {
		err = sayso_store_fail(st, SAYSO_ERR_TOOBIG,
				       "more than %d ballots",
				       SAYSO_TALLY_MAX_VOTERS);
		goto out;
	}

	/* Size the arrays once. */
	{
		uint32_t *vs = realloc(e->voter_start, (nids + 1) * sizeof *vs);
		if (!vs) {
			err = sayso_store_fail(st, SAYSO_ERR_NOMEM,
					       "out of memory");
			goto out;
		}
		e->voter_start = vs;
		e->cap_voters = nids;
		e->voter_start[0] = 0;
		for (size_t i = 0; i < nids; i++)
			e->voter_start[i + 1] = 0;
	}

	/* Items of those ballots: one PK-ordered range scan, merged in C with
	 * the sorted id list (items of other rounds' ballots in the range are
	 * skipped). */
	if (nids > 0) {
		size_t npicks = 0;
		int64_t last = -1;

		s = sayso_store_stmt(st, "SELECT ballot_id, project_id, points "
					 "FROM ballot_items WHERE ballot_id "
					 "BETWEEN ?1 AND ?2");
		if (!s) {
			err = SAYSO_ERR_DB;
			goto out;
		}
		sqlite3_bind_int64(s, 1, ids[0]);
		sqlite3_bind_int64(s, 2, ids[nids - 1]);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			int64_t bid = sqlite3_column_int64(s, 0);
			int64_t pid;
			long pidx;

			if (bid != last) {
				/* Close voters up to bid. */
				while (cur < nids && ids[cur] < bid) {
					e->voter_start[cur + 1] =
					    (uint32_t)npicks;
					cur++;
				}
				last = bid;
			}
			if (cur >= nids || ids[cur] != bid)
				continue; /* another round or not counted */
			pid = sqlite3_column_int64(s, 1);
			pidx = idmap_find(map, nmap, pid);
			if (pidx < 0)
				continue; /* an item pointing elsewhere */
			if ((err = grow_picks(e, npicks + 1)) != SAYSO_OK) {
				sqlite3_reset(s);
				err =
				    sayso_store_fail(st, err, "too many picks");
				goto out;
			}
			{
				int64_t pts = sqlite3_column_int64(s, 2);
				if (pts < 1)
					pts = 1;
				if (pts > INT32_MAX)
					pts = INT32_MAX;
				e->pick_project[npicks] = (uint32_t)pidx;
				e->pick_points[npicks] = (int32_t)pts;
				e->projects[pidx].votes++;
				e->projects[pidx].score += pts;
			}
			npicks++;
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			err = sayso_store_sqlfail(st, "reading ballot items");
			goto out;
		}
		while (cur < nids) {
			e->voter_start[cur + 1] = (uint32_t)npicks;
			cur++;
		}
	}
	e->nvoters = nids;
	e->counted = (int64_t)nids;

	if ((err = load_reasons(st, round_id, e)) != SAYSO_OK)
		goto out;
	err = SAYSO_OK;
out:
	sayso_store_read_end(st);
	free(map);
	free(ids);
	if (err != SAYSO_OK) {
		sayso_election_free(e);
		return err;
	}
	*out = e;
	return SAYSO_OK;
}

/* Per-project counts from the ballot_items index: every item of the round's
 * projects, minus those of superseded and rejected ballots. */
enum sayso_err sayso_election_load_counts(struct sayso_store *st,
					  int64_t round_id,
					  struct sayso_election **out)
{
	struct sayso_election *e = NULL;
	sqlite3_stmt *s;
	int rc;
	enum sayso_err err;
	size_t i;

	if (!st || !out)
		return SAYSO_ERR_INVAL;
	*out = NULL;
	if ((err = sayso_store_read_begin(st)) != SAYSO_OK)
		return err;
	if ((err = load_round(st, round_id, &e)) != SAYSO_OK)
		goto out;
	if (e->kind == SAYSO_BALLOT_CUMULATIVE ||
	    e->kind == SAYSO_BALLOT_ORDINAL) {
		/* Scores need the points of every item: full load (inside
		 * the same read transaction). */
		sayso_election_free(e);
		e = NULL;
		err = sayso_election_load(st, round_id, &e);
		goto out;
	}
	if ((err = load_projects(st, round_id, e, NULL, NULL)) != SAYSO_OK)
		goto out;
	s = sayso_store_stmt(st, "SELECT count(*) FROM ballot_items "
				 "WHERE project_id = ?1");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto out;
	}
	for (i = 0; i < e->nprojects; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, e->projects[i].dbid);
		if (sqlite3_step(s) != SQLITE_ROW) {
			err = sayso_store_sqlfail(st, "counting votes");
			sqlite3_reset(s);
			goto out;
		}
		e->projects[i].votes = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	s = sayso_store_stmt(st, "SELECT i.project_id, count(*) "
				 "FROM ballots b JOIN ballot_items i "
				 "ON i.ballot_id = b.id WHERE b.round_id = ?1 "
				 "AND b.status IN ('superseded', 'rejected') "
				 "GROUP BY i.project_id");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, round_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t pid = sqlite3_column_int64(s, 0);
		for (i = 0; i < e->nprojects; i++)
			if (e->projects[i].dbid == pid) {
				e->projects[i].votes -=
				    sqlite3_column_int64(s, 1);
				break;
			}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		err = sayso_store_sqlfail(st, "counting votes");
		goto out;
	}
	for (i = 0; i < e->nprojects; i++)
		e->projects[i].score = e->projects[i].votes;
	s = sayso_store_stmt(st, "SELECT count(*) FROM ballots WHERE "
				 "round_id = ?1 AND status = 'counted'");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, round_id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		err = sayso_store_sqlfail(st, "counting ballots");
		sqlite3_reset(s);
		goto out;
	}
	e->counted = sqlite3_column_int64(s, 0);
	e->nvoters = (size_t)e->counted;
	e->counts_only = true;
	sqlite3_reset(s);
	err = load_reasons(st, round_id, e);
out:
	sayso_store_read_end(st);
	if (err != SAYSO_OK) {
		sayso_election_free(e);
		return err;
	}
	*out = e;
	return SAYSO_OK;
}

/* ---- results ---- */

void sayso_tally_cleanup(struct sayso_tally *t)
{
	if (!t)
		return;
	free(t->projects);
	free(t->pick_paid);
	t->projects = NULL;
	t->pick_paid = NULL;
	t->nprojects = 0;
}

static enum sayso_err tally_init(const struct sayso_election *e,
				 enum sayso_rule rule, struct sayso_tally *t)
{
	size_t i;

	memset(t, 0, sizeof *t);
	t->rule = rule;
	t->budget = e->budget;
	t->left = e->budget;
	t->nprojects = e->nprojects;
	t->projects =
	    calloc(e->nprojects ? e->nprojects : 1, sizeof *t->projects);
	if (!t->projects)
		return SAYSO_ERR_NOMEM;
	for (i = 0; i < e->nprojects; i++) {
		t->projects[i].votes = e->projects[i].votes;
		t->projects[i].score = e->projects[i].score;
	}
	return SAYSO_OK;
}

static void tally_select(const struct sayso_election *e, struct sayso_tally *t,
			 size_t p)
{
	t->projects[p].selected = true;
	t->projects[p].money = e->projects[p].cost;
	t->projects[p].order = (int)++t->nselected;
	t->spent += e->projects[p].cost;
	t->left = t->budget - t->spent;
}

enum sayso_err sayso_tally_approval(const struct sayso_election *e,
				    struct sayso_tally *out)
{
	enum sayso_err err;
	size_t i;

	if (!e || !out)
		return SAYSO_ERR_INVAL;
	if ((err = tally_init(e, SAYSO_RULE_APPROVAL, out)) != SAYSO_OK)
		return err;
	if (e->kind == SAYSO_BALLOT_KNAPSACK)
		for (i = 0; i < e->nprojects; i++)
			out->projects[i].money =
			    e->projects[i].votes * e->projects[i].cost;
	return SAYSO_OK;
}

static int greedy_cmp(const void *a, const void *b, const void *ctx)
{
	const struct sayso_election *e = ctx;
	const struct sayso_eproject *x = &e->projects[*(const uint32_t *)a];
	const struct sayso_eproject *y = &e->projects[*(const uint32_t *)b];
	int64_t sx = x->score, sy = y->score;

	if (e->kind == SAYSO_BALLOT_APPROVAL ||
	    e->kind == SAYSO_BALLOT_KNAPSACK) {
		sx = x->votes;
		sy = y->votes;
	}
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Insertion sort with a context (qsort_r is not portable C); n is the
 * number of projects, a few hundred at most in practice. */
static void sort_ctx(uint32_t *v, size_t n,
		     int (*cmp)(const void *, const void *, const void *),
		     const void *ctx)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t x = v[i];
		for (j = i; j > 0 && cmp(&x, &v[j - 1], ctx) < 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

enum sayso_err sayso_tally_greedy(const struct sayso_election *e,
				  struct sayso_tally *out)
{
	uint32_t *order;
	enum sayso_err err;
	size_t i;

	if (!e || !out)
		return SAYSO_ERR_INVAL;
	if ((err = tally_init(e, SAYSO_RULE_GREEDY, out)) != SAYSO_OK)
		return err;
	order = malloc((e->nprojects ? e->nprojects : 1) * sizeof *order);
	if (!order) {
		sayso_tally_cleanup(out);
		return SAYSO_ERR_NOMEM;
	}
	for (i = 0; i < e->nprojects; i++)
		order[i] = (uint32_t)i;
	sort_ctx(order, e->nprojects, greedy_cmp, e);
	for (i = 0; i < e->nprojects; i++) {
		const struct sayso_eproject *p = &e->projects[order[i]];
		/* A project nobody voted for is never funded. */
		if (p->votes == 0)
			continue;
		if (p->cost <= out->left)
			tally_select(e, out, order[i]);
	}
	free(order);
	return SAYSO_OK;
}

/* ---- Method of Equal Shares ---- */

/*
 * Voters grouped by approval set. Type t has weight w[t] (voters), its
 * projects tp[ts[t] .. ts[t+1]-1]; project p's supporter types are
 * ps[pst[p] .. pst[p+1]-1].
 */
struct mes_ctx {
	const struct sayso_election *e;
	size_t m, ntypes;
	double *w;
	uint32_t *ts, *tp;
	uint32_t *pst, *ps;
	uint32_t *psr;	/* per run: ps with the empty-handed dropped */
	uint32_t *pend; /* per run: end of project p's list in psr */
	double *pw;	/* weighted supporters per project */
	/* per-run state */
	double *bud;	      /* per type: what each of its voters has left */
	double *prev;	      /* per project: last rho (lower bound) */
	unsigned char *state; /* 0 candidate, 1 selected, 2 dead */
	uint32_t *cand;
	double *tpaid; /* per type pick: paid (record run only) */
	struct {
		double b, w;
	} * scratch;
	unsigned char *sel; /* outcome of the run */
	uint32_t *seq;	    /* selected projects in selection order */
	size_t nseq;
};

static void mes_ctx_free(struct mes_ctx *c)
{
	free(c->w);
	free(c->ts);
	free(c->tp);
	free(c->pst);
	free(c->ps);
	free(c->psr);
	free(c->pend);
	free(c->pw);
	free(c->bud);
	free(c->prev);
	free(c->state);
	free(c->cand);
	free(c->tpaid);
	free(c->scratch);
	free(c->sel);
	free(c->seq);
}

static uint64_t hash_picks(const uint32_t *p, size_t n)
{
	return sayso_hash(p, n * sizeof *p);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Builds voter types and supporter lists. vtype (may be NULL) receives each
 * voter's type. */
static enum sayso_err
mes_prepare(struct mes_ctx *c, const struct sayso_election *e, uint32_t *vtype)
{
	size_t n = e->nvoters, m = e->nprojects, npk = 0, i, j;
	size_t hcap = 16;
	uint32_t *htab = NULL, *tmp = NULL;
	uint64_t *thash = NULL;
	size_t maxlen = 0, capt = 0;
	enum sayso_err err = SAYSO_ERR_NOMEM;

	memset(c, 0, sizeof *c);
	c->e = e;
	c->m = m;
	while (hcap < 2 * n + 16)
		hcap *= 2;
	for (i = 0; i < n; i++) {
		size_t len = e->voter_start[i + 1] - e->voter_start[i];
		if (len > maxlen)
			maxlen = len;
	}
	htab = malloc(hcap * sizeof *htab);
	tmp = malloc((maxlen + 1) * sizeof *tmp);
	capt = 1024;
	c->w = malloc(capt * sizeof *c->w);
	c->ts = malloc((capt + 1) * sizeof *c->ts);
	thash = malloc(capt * sizeof *thash);
	c->tp = malloc((e->voter_start[n] + 1) * sizeof *c->tp);
	if (!htab || !tmp || !c->w || !c->ts || !thash || !c->tp)
		goto out;
	memset(htab, 0xff, hcap * sizeof *htab);
	c->ts[0] = 0;
	for (i = 0; i < n; i++) {
		size_t s = e->voter_start[i], len = e->voter_start[i + 1] - s;
		uint64_t h;
		size_t slot;
		uint32_t t;

		memcpy(tmp, &e->pick_project[s], len * sizeof *tmp);
		if (len > 1)
			qsort(tmp, len, sizeof *tmp, u32_cmp);
		h = hash_picks(tmp, len);
		slot = (size_t)h & (hcap - 1);
		for (;;) {
			t = htab[slot];
			if (t == UINT32_MAX)
				break;
			if (thash[t] == h && c->ts[t + 1] - c->ts[t] == len &&
			    memcmp(&c->tp[c->ts[t]], tmp, len * sizeof *tmp) ==
				0)
				break;
			slot = (slot + 1) & (hcap - 1);
		}
		if (t == UINT32_MAX) {
			if (c->ntypes == capt) {
				size_t ncap = capt * 2;
				double *nw = realloc(c->w, ncap * sizeof *nw);
				uint32_t *nts;
				uint64_t *nth;
				if (!nw)
					goto out;
				c->w = nw;
				nts = realloc(c->ts, (ncap + 1) * sizeof *nts);
				if (!nts)
					goto out;
				c->ts = nts;
				nth = realloc(thash, ncap * sizeof *nth);
				if (!nth)
					goto out;
				thash = nth;
				capt = ncap;
			}
			t = (uint32_t)c->ntypes++;
			htab[slot] = t;
			thash[t] = h;
			c->w[t] = 0;
			memcpy(&c->tp[npk], tmp, len * sizeof *tmp);
			npk += len;
			c->ts[t + 1] = (uint32_t)npk;
		}
		c->w[t] += 1.0;
		if (vtype)
			vtype[i] = t;
	}
	/* Supporter lists per project. */
	c->pst = calloc(m + 1, sizeof *c->pst);
	c->ps = malloc((npk + 1) * sizeof *c->ps);
	c->psr = malloc((npk + 1) * sizeof *c->psr);
	c->pend = malloc((m ? m : 1) * sizeof *c->pend);
	c->pw = calloc(m ? m : 1, sizeof *c->pw);
	if (!c->pst || !c->ps || !c->pw || !c->psr || !c->pend)
		goto out;
	for (j = 0; j < npk; j++)
		c->pst[c->tp[j] + 1]++;
	for (j = 0; j < m; j++)
		c->pst[j + 1] += c->pst[j];
	{
		uint32_t *fill = malloc((m ? m : 1) * sizeof *fill);
		if (!fill)
			goto out;
		memcpy(fill, c->pst, (m ? m : 1) * sizeof *fill);
		for (i = 0; i < c->ntypes; i++)
			for (j = c->ts[i]; j < c->ts[i + 1]; j++) {
				uint32_t p = c->tp[j];
				c->ps[fill[p]++] = (uint32_t)i;
				c->pw[p] += c->w[i];
			}
		free(fill);
	}
	c->bud = malloc((c->ntypes ? c->ntypes : 1) * sizeof *c->bud);
	c->prev = malloc((m ? m : 1) * sizeof *c->prev);
	c->state = malloc(m ? m : 1);
	c->sel = malloc(m ? m : 1);
	c->cand = malloc((m ? m : 1) * sizeof *c->cand);
	c->seq = malloc((m ? m : 1) * sizeof *c->seq);
	c->tpaid = malloc((npk ? npk : 1) * sizeof *c->tpaid);
	{
		size_t maxs = 1;
		for (j = 0; j < m; j++)
			if (c->pst[j + 1] - c->pst[j] > maxs)
				maxs = c->pst[j + 1] - c->pst[j];
		c->scratch = malloc(maxs * sizeof *c->scratch);
	}
	if (!c->bud || !c->prev || !c->state || !c->sel || !c->cand ||
	    !c->seq || !c->tpaid || !c->scratch)
		goto out;
	err = SAYSO_OK;
out:
	free(htab);
	free(tmp);
	free(thash);
	if (err != SAYSO_OK)
		mes_ctx_free(c);
	return err;
}

static int scratch_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static bool near(double a, double b)
{
	double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
	return fabs(a - b) <= REL_EPS * m;
}

/*
 * The smallest rho such that the supporters of p, each paying min(budget,
 * rho), pay cost(p). Returns false when they cannot afford it.
 */
static bool mes_rho(struct mes_ctx *c, size_t p, double *rho)
{
	double cost = (double)c->e->projects[p].cost;
	double total = 0, minb = INFINITY, W = 0, r, wl, left;
	uint32_t j, s = c->pst[p], end;
	size_t k = 0, i, iter;

	/* One pass: the supporters who still hold money, kept compactly for
	 * the steps below. The empty-handed pay nothing and never get money
	 * back within a run: drop them from p's list for good. */
	end = c->pend[p];
	for (j = s; j < end;) {
		uint32_t t = c->psr[j];
		double b = c->bud[t];
		if (b <= 0) {
			c->psr[j] = c->psr[--end];
			continue;
		}
		j++;
		total += b * c->w[t];
		W += c->w[t];
		if (b < minb)
			minb = b;
		c->scratch[k].b = b;
		c->scratch[k].w = c->w[t];
		k++;
	}
	c->pend[p] = end;
	if (total < cost - REL_EPS * cost)
		return false;
	if (k == 0) {
		*rho = 0; /* cost 0 */
		return true;
	}
	r = cost / W;
	if (r <= minb) {
		*rho = r;
		return true;
	}
	/*
	 * Water filling: at a lower bound r, those holding less than r pay
	 * all they have (moved to the front, for good: r only grows) and the
	 * rest share what is left equally, which gives the next r. When
	 * nobody else falls below r, r is the answer. Each pass looks only
	 * at those still paying a share; usually a few passes, and a sort
	 * settles the rest.
	 */
	{
		size_t lo = 0;
		double spoor = 0, wrich = W;

		for (iter = 0; iter < 16; iter++) {
			size_t moved = 0;

			for (i = lo; i < k; i++) {
				double b = c->scratch[i].b;
				if (b < r && !near(b, r)) {
					double w = c->scratch[i].w;
					spoor += b * w;
					wrich -= w;
					c->scratch[i] = c->scratch[lo];
					c->scratch[lo].b = b;
					c->scratch[lo].w = w;
					lo++;
					moved++;
				}
			}
			if (moved == 0) {
				*rho = r;
				return true;
			}
			if (wrich <= 0)
				break;
			r = (cost - spoor) / wrich;
		}
	}
	qsort(c->scratch, k, sizeof *c->scratch, scratch_cmp);
	left = cost;
	wl = W;
	for (i = 0; i < k; i++) {
		double b = c->scratch[i].b;
		if (b * wl >= left) {
			*rho = left / wl;
			return true;
		}
		left -= b * c->scratch[i].w;
		wl -= c->scratch[i].w;
	}
	/* Affordable within the tolerance: everyone pays all. */
	*rho = c->scratch[k - 1].b;
	return true;
}

/* Whether project a beats project b at equal rho: lower cost, more
 * approvals, then id as text. */
static bool mes_tie_better(const struct sayso_election *e, size_t a, size_t b)
{
	const struct sayso_eproject *x = &e->projects[a], *y = &e->projects[b];

	if (x->cost != y->cost)
		return x->cost < y->cost;
	if (x->votes != y->votes)
		return x->votes > y->votes;
	return strcmp(x->id, y->id) < 0;
}

/*
 * One MES run with every voter starting with b0. Fills c->sel, returns the
 * total cost. When record, c->tpaid gets each type's payment per pick and
 * rhos (may be NULL) each selected project's rho.
 */
static int64_t mes_run(struct mes_ctx *c, double b0, bool record, double *rhos)
{
	const struct sayso_election *e = c->e;
	size_t m = c->m, i, j, ncand = 0;
	int64_t spent = 0;

	c->nseq = 0;
	memcpy(c->psr, c->ps, c->ts[c->ntypes] * sizeof *c->psr);
	for (i = 0; i < m; i++)
		c->pend[i] = c->pst[i + 1];
	for (i = 0; i < c->ntypes; i++)
		c->bud[i] = b0;
	if (record)
		for (i = 0; i < c->ts[c->ntypes]; i++)
			c->tpaid[i] = 0;
	for (i = 0; i < m; i++) {
		double cost = (double)e->projects[i].cost;
		c->sel[i] = 0;
		if (c->pw[i] <= 0 || c->pw[i] * b0 < cost - REL_EPS * cost) {
			c->state[i] = 2;
			continue;
		}
		c->state[i] = 0;
		c->prev[i] = cost > 0 ? 1.0 / c->pw[i] : 0;
		c->cand[ncand++] = (uint32_t)i;
	}
	for (;;) {
		long best = -1;
		double best_rho = 0, best_key = 0;
		size_t k, keep;

		/* Candidates by last rho, ascending (nearly sorted already:
		 * insertion sort). */
		for (k = 1; k < ncand; k++) {
			uint32_t x = c->cand[k];
			double px = c->prev[x];
			for (j = k; j > 0 && c->prev[c->cand[j - 1]] > px; j--)
				c->cand[j] = c->cand[j - 1];
			c->cand[j] = x;
		}
		for (k = 0; k < ncand; k++) {
			uint32_t p = c->cand[k];
			double rho;
			double cost = (double)e->projects[p].cost;

			double key;

			if (best >= 0 && c->prev[p] > best_key &&
			    !near(c->prev[p], best_key))
				break;
			if (!mes_rho(c, p, &rho)) {
				c->state[p] = 2;
				continue;
			}
			/* Cost utilities: rank by the largest payment per
			 * unit of utility, rho / cost (the inverse of the
			 * "effective vote count"). */
			key = cost > 0 ? rho / cost : 0;
			c->prev[p] = key;
			if (best < 0 ||
			    (near(key, best_key)
				 ? mes_tie_better(e, p, (size_t)best)
				 : key < best_key)) {
				best = (long)p;
				best_rho = rho;
				best_key = key;
			}
		}
		/* Drop the dead. */
		for (k = 0, keep = 0; k < ncand; k++)
			if (c->state[c->cand[k]] == 0)
				c->cand[keep++] = c->cand[k];
		ncand = keep;
		if (best < 0)
			break;
		/* Fund best: each supporter pays min(budget, rho). */
		c->state[best] = 1;
		c->sel[best] = 1;
		c->seq[c->nseq++] = (uint32_t)best;
		if (rhos)
			rhos[best] = best_rho;
		spent += e->projects[best].cost;
		for (j = c->pst[best]; j < c->pend[best]; j++) {
			uint32_t t = c->psr[j];
			double b = c->bud[t], pay;
			uint32_t q;

			if (b <= best_rho || near(b, best_rho)) {
				pay = b;
				c->bud[t] = 0;
			} else {
				pay = best_rho;
				c->bud[t] = b - best_rho;
			}
			if (pay <= 0)
				continue;
			if (!record)
				continue;
			for (q = c->ts[t]; q < c->ts[t + 1]; q++)
				if (c->tp[q] == (uint32_t)best)
					c->tpaid[q] = pay;
		}
		for (k = 0, keep = 0; k < ncand; k++)
			if (c->cand[k] != (uint32_t)best)
				c->cand[keep++] = c->cand[k];
		ncand = keep;
	}
	return spent;
}

static enum sayso_err mes_check_kind(const struct sayso_election *e,
				     char *errbuf, size_t errsz)
{
	if (e->counts_only) {
		seterr(errbuf, errsz,
		       "the Method of Equal Shares needs every ballot "
		       "(sayso_election_load), not just the counts");
		return SAYSO_ERR_INVAL;
	}
	switch (e->kind) {
	case SAYSO_BALLOT_APPROVAL:
	case SAYSO_BALLOT_KNAPSACK:
		return SAYSO_OK;
	case SAYSO_BALLOT_CUMULATIVE:
	case SAYSO_BALLOT_ORDINAL:
		break;
	}
	seterr(errbuf, errsz,
	       "the Method of Equal Shares applies to approval ballots; "
	       "this round has %s ballots (use greedy)",
	       sayso_ballot_kind_name(e->kind));
	return SAYSO_ERR_UNSUPPORTED;
}

/* Runs MES with b0 recording payments and fills out (already initialised). */
static enum sayso_err mes_finish(struct mes_ctx *c, const uint32_t *vtype,
				 int64_t b0, struct sayso_tally *out)
{
	const struct sayso_election *e = c->e;
	double *rhos;
	size_t i, j, q;

	rhos = calloc(e->nprojects ? e->nprojects : 1, sizeof *rhos);
	out->pick_paid =
	    calloc(e->voter_start[e->nvoters] + 1, sizeof *out->pick_paid);
	if (!rhos || !out->pick_paid) {
		free(rhos);
		return SAYSO_ERR_NOMEM;
	}
	(void)mes_run(c, (double)b0, true, rhos);
	for (i = 0; i < c->nseq; i++) {
		tally_select(e, out, c->seq[i]);
		out->projects[c->seq[i]].rho = rhos[c->seq[i]];
	}
	/* Map type payments back to each voter's picks. */
	for (i = 0; i < e->nvoters; i++) {
		uint32_t t = vtype[i];
		for (j = e->voter_start[i]; j < e->voter_start[i + 1]; j++)
			for (q = c->ts[t]; q < c->ts[t + 1]; q++)
				if (c->tp[q] == e->pick_project[j]) {
					out->pick_paid[j] = c->tpaid[q];
					break;
				}
	}
	out->per_voter = b0;
	free(rhos);
	return SAYSO_OK;
}

enum sayso_err sayso_tally_mes_once(const struct sayso_election *e,
				    int64_t per_voter, struct sayso_tally *out,
				    char *errbuf, size_t errsz)
{
	struct mes_ctx c;
	uint32_t *vtype;
	enum sayso_err err;

	if (!e || !out || per_voter < 0)
		return SAYSO_ERR_INVAL;
	if ((err = tally_init(e, SAYSO_RULE_MES, out)) != SAYSO_OK)
		return err;
	if ((err = mes_check_kind(e, errbuf, errsz)) != SAYSO_OK)
		return err;
	vtype = malloc((e->nvoters ? e->nvoters : 1) * sizeof *vtype);
	if (!vtype)
		return SAYSO_ERR_NOMEM;
	if ((err = mes_prepare(&c, e, vtype)) != SAYSO_OK) {
		free(vtype);
		return err;
	}
	err = mes_finish(&c, vtype, per_voter, out);
	out->runs = 1;
	mes_ctx_free(&c);
	free(vtype);
	return err;
}

enum sayso_err sayso_tally_mes(const struct sayso_election *e,
			       struct sayso_tally *out, char *errbuf,
			       size_t errsz)
{
	struct mes_ctx c;
	uint32_t *vtype = NULL;
	enum sayso_err err;
	int64_t n, b0, best_b0, supported = 0;
	size_t i;
	int runs = 0;

	if (!e || !out)
		return SAYSO_ERR_INVAL;
	if ((err = tally_init(e, SAYSO_RULE_MES, out)) != SAYSO_OK)
		return err;
	if ((err = mes_check_kind(e, errbuf, errsz)) != SAYSO_OK)
		return err;
	if (e->nvoters == 0)
		return SAYSO_OK;
	n = (int64_t)e->nvoters;
	vtype = malloc(e->nvoters * sizeof *vtype);
	if (!vtype)
		return SAYSO_ERR_NOMEM;
	if ((err = mes_prepare(&c, e, vtype)) != SAYSO_OK) {
		free(vtype);
		return err;
	}
	for (i = 0; i < e->nprojects; i++)
		if (c.pw[i] > 0)
			supported++;
	/* add1: start at floor(B / n) whole units, raise by one unit while
	 * the outcome stays within B. Stop early when every supported project
	 * is already funded (more money cannot change the outcome). */
	b0 = e->budget / n / e->unit * e->unit;
	best_b0 = b0;
	for (;;) {
		int64_t cost = mes_run(&c, (double)b0, false, NULL);
		int64_t nsel = 0;

		runs++;
		if (cost > e->budget)
			break;
		best_b0 = b0;
		for (i = 0; i < e->nprojects; i++)
			nsel += c.sel[i];
		if (nsel == supported)
			break;
		if (b0 > INT64_MAX - e->unit)
			break;
		if (runs >= SAYSO_TALLY_MES_MAX_RUNS) {
			seterr(errbuf, errsz,
			       "the Method of Equal Shares did not settle "
			       "within %d add1 runs",
			       SAYSO_TALLY_MES_MAX_RUNS);
			mes_ctx_free(&c);
			free(vtype);
			return SAYSO_ERR_TOOBIG;
		}
		b0 += e->unit;
	}
	err = mes_finish(&c, vtype, best_b0, out);
	out->runs = runs;
	mes_ctx_free(&c);
	free(vtype);
	return err;
}

enum sayso_err sayso_tally_run(const struct sayso_election *e,
			       enum sayso_rule rule, struct sayso_tally *out,
			       char *errbuf, size_t errsz)
{
	enum sayso_err err = SAYSO_ERR_INVAL;

	if (!e || !out) {
		seterr(errbuf, errsz, "no election to tally");
		return SAYSO_ERR_INVAL;
	}
	switch (rule) {
	case SAYSO_RULE_APPROVAL:
		err = sayso_tally_approval(e, out);
		break;
	case SAYSO_RULE_GREEDY:
		err = sayso_tally_greedy(e, out);
		break;
	case SAYSO_RULE_MES:
		err = sayso_tally_mes(e, out, errbuf, errsz);
		break;
	}
	if (err == SAYSO_ERR_NOMEM)
		seterr(errbuf, errsz, "out of memory while tallying");
	return err;
}

enum sayso_err sayso_tally_round(struct sayso_store *st, int64_t round_id,
				 enum sayso_rule rule,
				 struct sayso_election **e,
				 struct sayso_tally *out, char *errbuf,
				 size_t errsz)
{
	enum sayso_err err;

	if (!st || !e || !out) {
		seterr(errbuf, errsz, "no store or result to tally into");
		return SAYSO_ERR_INVAL;
	}
	*e = NULL;
	memset(out, 0, sizeof *out);
	if (rule == SAYSO_RULE_MES)
		err = sayso_election_load(st, round_id, e);
	else
		err = sayso_election_load_counts(st, round_id, e);
	if (err != SAYSO_OK) {
		seterr(errbuf, errsz, "%s", sayso_store_errmsg(st));
		return err;
	}
	err = sayso_tally_run(*e, rule, out, errbuf, errsz);
	if (err != SAYSO_OK) {
		sayso_tally_cleanup(out);
		sayso_election_free(*e);
		*e = NULL;
	}
	return err;
}

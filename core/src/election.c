/*
 * election.c: in-memory elections (sayso_election_*) and their loading from
 * the store: all the SQL of a tally lives here, the rules in tally.c and
 * mes.c never touch SQLite.
 *
 * Design: an election is loaded once into a CSR array of picks and the rules
 * never touch SQLite. A full load reads the counted ballot ids and then the
 * ballot_items rows in primary-key order (two sequential scans merged in C,
 * no join). Greedy and approval need only per-project counts, so
 * sayso_election_load_counts() takes them straight from the ballot_items
 * index (about the cost of a plain GROUP BY) and subtracts the few items of
 * superseded and rejected ballots.
 */
#include "sayso/tally.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/buf.h"
#include "sayso/round.h"

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
	struct sayso_stmt *s;
	struct sayso_round r;
	int rc;
	enum sayso_err err;

	memset(&r, 0, sizeof r);
	s = Sayso_store_stmt(st, "SELECT budget, currency, ballot_kind, "
				 "imported FROM rounds WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	rc = Sayso_step(s);
	if (rc == SAYSO_SQL_DONE) {
		Sayso_reset(s);
		return Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
					"no round with id %lld",
					(long long)round_id);
	}
	if (rc != SAYSO_SQL_ROW) {
		err = Sayso_store_sqlfail(st, "reading the round");
		Sayso_reset(s);
		return err;
	}
	r.budget = Sayso_col_int64(s, 0);
	Sayso_column_copy(s, 1, r.currency, sizeof r.currency);
	{
		char kind[16];
		Sayso_column_copy(s, 2, kind, sizeof kind);
		if (sayso_ballot_kind_parse(kind, &r.kind) != SAYSO_OK)
			r.kind = SAYSO_BALLOT_APPROVAL;
	}
	r.imported = Sayso_col_int(s, 3) != 0;
	Sayso_reset(s);
	{
		err = sayso_election_new(r.kind, r.budget,
					 sayso_currency_unit(r.currency), out);
		if (err != SAYSO_OK)
			return Sayso_store_fail(st, err, "out of memory");
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
	struct sayso_stmt *s;
	int rc, imported = 0;
	enum sayso_err err;

	s = Sayso_store_stmt(st, "SELECT imported FROM rounds WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	if (Sayso_step(s) == SAYSO_SQL_ROW)
		imported = Sayso_col_int(s, 0);
	Sayso_reset(s);
	s = Sayso_store_stmt(st, "SELECT id, number, ext_id, title, cost "
				 "FROM projects WHERE round_id = ?1 "
				 "ORDER BY number");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		char id[SAYSO_TALLY_ID_MAX];
		const unsigned char *ext = Sayso_col_text(s, 2);
		const unsigned char *title = Sayso_col_text(s, 3);
		size_t idx;
		int number = Sayso_col_int(s, 1);

		if (imported && ext && ext[0])
			sayso_strlcpy_utf8(id, (const char *)ext, sizeof id);
		else
			snprintf(id, sizeof id, "%d", number);
		err = sayso_election_add_project(
		    e, id, title ? (const char *)title : "",
		    Sayso_col_int64(s, 4), &idx);
		if (err != SAYSO_OK) {
			Sayso_reset(s);
			free(map);
			return Sayso_store_fail(
			    st, err, "project %s: cannot load it", id);
		}
		e->projects[idx].number = number;
		e->projects[idx].dbid = Sayso_col_int64(s, 0);
		if (mapp) {
			if (sayso_array_grow(
				&map, &capmap, nmap + 1, sizeof *map,
				SAYSO_TALLY_MAX_PROJECTS) != SAYSO_OK) {
				Sayso_reset(s);
				free(map);
				return Sayso_store_fail(st, SAYSO_ERR_NOMEM,
							"out of memory");
			}
			map[nmap].dbid = e->projects[idx].dbid;
			map[nmap].index = (uint32_t)idx;
			nmap++;
		}
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		free(map);
		return Sayso_store_sqlfail(st, "reading projects");
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
	struct sayso_stmt *s;
	int rc;

	s = Sayso_store_stmt(st, "SELECT status, coalesce(reason, ''), "
				 "count(*) AS c FROM ballots "
				 "WHERE round_id = ?1 AND status IN "
				 "('superseded', 'rejected') "
				 "GROUP BY status, reason "
				 "ORDER BY status DESC, c DESC, reason");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		char status[12];
		int64_t c = Sayso_col_int64(s, 2);
		struct sayso_reason_count *r;

		Sayso_column_copy(s, 0, status, sizeof status);
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
		Sayso_column_copy(s, 1, r->reason, sizeof r->reason);
		r->count = c;
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "counting ballots");
	return SAYSO_OK;
}

enum sayso_err sayso_election_load(struct sayso_store *st, int64_t round_id,
				   struct sayso_election **out)
{
	struct sayso_election *e = NULL;
	struct idmap *map = NULL;
	int64_t *ids = NULL;
	size_t nmap = 0, nids = 0, capids = 0, cur = 0;
	struct sayso_stmt *s;
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
	s = Sayso_store_stmt(st, "SELECT id FROM ballots WHERE round_id = ?1 "
				 "AND status = 'counted' ORDER BY id");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, round_id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (sayso_array_grow(&ids, &capids, nids + 1, sizeof *ids,
				     SIZE_MAX) != SAYSO_OK) {
			Sayso_reset(s);
			err = Sayso_store_fail(st, SAYSO_ERR_NOMEM,
					       "out of memory");
			goto out;
		}
		ids[nids++] = Sayso_col_int64(s, 0);
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		err = Sayso_store_sqlfail(st, "reading ballots");
		goto out;
	}
	if (nids > SAYSO_TALLY_MAX_VOTERS) {
		err = Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
				       "more than %d ballots",
				       SAYSO_TALLY_MAX_VOTERS);
		goto out;
	}

	/* Size the arrays once. */
	{
		uint32_t *vs = realloc(e->voter_start, (nids + 1) * sizeof *vs);
		if (!vs) {
			err = Sayso_store_fail(st, SAYSO_ERR_NOMEM,
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

		s = Sayso_store_stmt(st, "SELECT ballot_id, project_id, points "
					 "FROM ballot_items WHERE ballot_id "
					 "BETWEEN ?1 AND ?2");
		if (!s) {
			err = SAYSO_ERR_DB;
			goto out;
		}
		Sayso_bind_int64(s, 1, ids[0]);
		Sayso_bind_int64(s, 2, ids[nids - 1]);
		while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
			int64_t bid = Sayso_col_int64(s, 0);
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
			pid = Sayso_col_int64(s, 1);
			pidx = idmap_find(map, nmap, pid);
			if (pidx < 0)
				continue; /* an item pointing elsewhere */
			if ((err = grow_picks(e, npicks + 1)) != SAYSO_OK) {
				Sayso_reset(s);
				err =
				    Sayso_store_fail(st, err, "too many picks");
				goto out;
			}
			{
				int64_t pts = Sayso_col_int64(s, 2);
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
		Sayso_reset(s);
		if (rc != SAYSO_SQL_DONE) {
			err = Sayso_store_sqlfail(st, "reading ballot items");
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
	struct sayso_stmt *s;
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
	s = Sayso_store_stmt(st, "SELECT count(*) FROM ballot_items "
				 "WHERE project_id = ?1");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto out;
	}
	for (i = 0; i < e->nprojects; i++) {
		Sayso_reset(s);
		Sayso_bind_int64(s, 1, e->projects[i].dbid);
		if (Sayso_step(s) != SAYSO_SQL_ROW) {
			err = Sayso_store_sqlfail(st, "counting votes");
			Sayso_reset(s);
			goto out;
		}
		e->projects[i].votes = Sayso_col_int64(s, 0);
	}
	Sayso_reset(s);
	s = Sayso_store_stmt(st, "SELECT i.project_id, count(*) "
				 "FROM ballots b JOIN ballot_items i "
				 "ON i.ballot_id = b.id WHERE b.round_id = ?1 "
				 "AND b.status IN ('superseded', 'rejected') "
				 "GROUP BY i.project_id");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, round_id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		int64_t pid = Sayso_col_int64(s, 0);
		for (i = 0; i < e->nprojects; i++)
			if (e->projects[i].dbid == pid) {
				e->projects[i].votes -= Sayso_col_int64(s, 1);
				break;
			}
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		err = Sayso_store_sqlfail(st, "counting votes");
		goto out;
	}
	for (i = 0; i < e->nprojects; i++)
		e->projects[i].score = e->projects[i].votes;
	s = Sayso_store_stmt(st, "SELECT count(*) FROM ballots WHERE "
				 "round_id = ?1 AND status = 'counted'");
	if (!s) {
		err = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, round_id);
	if (Sayso_step(s) != SAYSO_SQL_ROW) {
		err = Sayso_store_sqlfail(st, "counting ballots");
		Sayso_reset(s);
		goto out;
	}
	e->counted = Sayso_col_int64(s, 0);
	e->nvoters = (size_t)e->counted;
	e->counts_only = true;
	Sayso_reset(s);
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

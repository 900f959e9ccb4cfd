/*
 * pabulib_kept.c: export of an imported round's PROJECTS and VOTES sections
 * as the file had them (issue 10, item 6). Import keeps each section's header
 * line and every row's line (migration 0007); export writes them back with
 * the file's header, column order and cell text, columns sayso does not
 * model (age, district, latitude, ...) included and empty cells empty.
 *
 * The cells sayso does model are checked against the round: a row whose
 * modelled cells all agree (same id, same amount, same count, same vote in
 * the same order, ...) is written as it was stored; in a row that does not,
 * only the cells that disagree are rewritten from the round. A `votes` or
 * `score` cell left empty in the file is "not given" and stays empty.
 * `selected` is the file's (the city's outcome) unless a rule was asked for.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "pabulib_internal.h"
#include "sayso/file.h"
#include "sayso/round.h"
#include "sayso/store.h"

static const struct {
	const char *name;
	enum Sayso_pb_col kind;
} col_names[] = {
    {"project_id", SAYSO_PBC_PROJECT_ID},
    {"cost", SAYSO_PBC_COST},
    {"votes", SAYSO_PBC_VOTES},
    {"score", SAYSO_PBC_SCORE},
    {"name", SAYSO_PBC_NAME},
    {"selected", SAYSO_PBC_SELECTED},
    {"voter_id", SAYSO_PBC_VOTER_ID},
    {"vote", SAYSO_PBC_VOTE},
    {"points", SAYSO_PBC_POINTS},
};

/* s without the spaces around it: *len bytes from the returned pointer. */
static const char *trimmed(const char *s, size_t *len)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

static bool same_trimmed(const char *cell, const char *model)
{
	size_t n;
	const char *t = trimmed(cell, &n);

	return strlen(model) == n && memcmp(t, model, n) == 0;
}

/* Equal once every space is taken out ("1, 2" is the vote "1,2"). */
static bool same_unspaced(const char *cell, const char *model)
{
	for (;;) {
		while (isspace((unsigned char)*cell))
			cell++;
		while (isspace((unsigned char)*model))
			model++;
		if (*cell != *model)
			return false;
		if (!*cell)
			return true;
		cell++;
		model++;
	}
}

static bool same_amount(const char *cell, const char *model)
{
	int64_t a, b;

	return Sayso_pb_money(cell, &a) && Sayso_pb_money(model, &b) && a == b;
}

static bool cell_agrees(enum Sayso_pb_col kind, const char *cell,
			const char *model)
{
	size_t n;

	switch (kind) {
	case SAYSO_PBC_VOTES:
	case SAYSO_PBC_SCORE:
		/* An empty cell is "not given" in the file. */
		trimmed(cell, &n);
		return n == 0 || same_amount(cell, model);
	case SAYSO_PBC_COST:
		return same_amount(cell, model);
	case SAYSO_PBC_VOTE:
	case SAYSO_PBC_POINTS:
		return same_unspaced(cell, model);
	case SAYSO_PBC_OTHER:
		return true;
	case SAYSO_PBC_PROJECT_ID:
	case SAYSO_PBC_NAME:
	case SAYSO_PBC_SELECTED:
	case SAYSO_PBC_VOTER_ID:
	default:
		return same_trimmed(cell, model);
	}
}

enum sayso_err Sayso_pb_kept_open(struct Sayso_pb_kept *k, const char *header)
{
	enum sayso_err err;

	memset(k, 0, sizeof *k);
	if ((err = Sayso_pb_cells_split(header, &k->hdr)) != SAYSO_OK)
		return err;
	k->kind = calloc(k->hdr.n ? k->hdr.n : 1, sizeof *k->kind);
	if (!k->kind) {
		Sayso_pb_cells_free(&k->hdr);
		return SAYSO_ERR_NOMEM;
	}
	/* Names matched as the parser does: spaces around, any case. */
	for (size_t i = 0; i < k->hdr.n; i++) {
		size_t n;
		const char *t = trimmed(k->hdr.cell[i], &n);

		k->kind[i] = SAYSO_PBC_OTHER;
		for (size_t c = 0; c < sizeof col_names / sizeof *col_names;
		     c++)
			if (strlen(col_names[c].name) == n &&
			    strncasecmp(t, col_names[c].name, n) == 0) {
				k->kind[i] = col_names[c].kind;
				break;
			}
	}
	return SAYSO_OK;
}

void Sayso_pb_kept_close(struct Sayso_pb_kept *k)
{
	Sayso_pb_cells_free(&k->hdr);
	free(k->kind);
	memset(k, 0, sizeof *k);
}

int Sayso_pb_kept_find(const struct Sayso_pb_kept *k, enum Sayso_pb_col kind)
{
	for (size_t i = 0; i < k->hdr.n; i++)
		if (k->kind[i] == kind)
			return (int)i;
	return -1;
}

void Sayso_pb_kept_row(FILE *out, const struct Sayso_pb_kept *k,
		       const char *row,
		       const char *(*model)(enum Sayso_pb_col kind,
					    const char *cell, void *arg),
		       void *arg)
{
	struct Sayso_pb_cells c = {0};
	bool same = row != NULL;
	size_t n, i;

	/* A stored row that no longer splits is rebuilt from the round. */
	if (row && Sayso_pb_cells_split(row, &c) != SAYSO_OK)
		same = false;
	n = c.n > k->hdr.n ? c.n : k->hdr.n;
	for (i = 0; i < k->hdr.n && same; i++) {
		const char *cell = i < c.n ? c.cell[i] : "";
		const char *m = model(k->kind[i], cell, arg);
		if (m && !cell_agrees(k->kind[i], cell, m))
			same = false;
	}
	if (same) {
		fputs(row, out);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *cell = i < c.n ? c.cell[i] : "";
		const char *m =
		    i < k->hdr.n ? model(k->kind[i], cell, arg) : NULL;
		if (i > 0)
			fputc(';', out);
		if (m && (!c.n || !cell_agrees(k->kind[i], cell, m)))
			cell = m;
		sayso_delim_field(out, cell, ';');
	}
out:
	Sayso_pb_cells_free(&c);
}

/* What the round says for a PROJECTS cell. */
struct project_model {
	const struct sayso_eproject *p;
	const struct sayso_election *e;
	const struct sayso_tally *tp; /* NULL: the file's `selected` stays */
	size_t i;
	bool points;
	char cost[32], votes[24], score[24];
};

static const char *project_model(enum Sayso_pb_col kind, const char *cell,
				 void *arg)
{
	struct project_model *pm = arg;
	const struct sayso_eproject *p = pm->p;
	size_t n, tl;
	const char *t;

	switch (kind) {
	case SAYSO_PBC_PROJECT_ID:
		return p->id;
	case SAYSO_PBC_COST:
		return pm->cost;
	case SAYSO_PBC_VOTES:
		return pm->votes;
	case SAYSO_PBC_SCORE:
		return pm->points ? pm->score : NULL;
	case SAYSO_PBC_NAME:
		/* Import names a nameless project by its id and cuts a long
		 * name: the file's cell still agrees then. */
		t = trimmed(cell, &n);
		tl = strlen(p->title);
		if ((n == 0 && strcmp(p->title, p->id) == 0) ||
		    (tl + 4 >= SAYSO_TALLY_TITLE_MAX && n > tl &&
		     memcmp(t, p->title, tl) == 0))
			return NULL;
		return p->title;
	case SAYSO_PBC_SELECTED:
		if (!pm->tp)
			return NULL;
		return pm->tp->projects[pm->i].selected ? "1" : "0";
	case SAYSO_PBC_VOTER_ID:
	case SAYSO_PBC_VOTE:
	case SAYSO_PBC_POINTS:
	case SAYSO_PBC_OTHER:
	default:
		return NULL;
	}
}

/* Each project's stored row into rows[i] (e->projects order), NULL when
 * it has none. */
static enum sayso_err project_rows(struct sayso_store *st, int64_t round_id,
				   const struct sayso_election *e, char **rows)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT number, pb_row FROM projects WHERE round_id = ?1 "
		"AND pb_row IS NOT NULL");
	enum sayso_err err = SAYSO_OK;
	int rc;

	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, round_id);
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		int number = Sayso_col_int(s, 0);
		for (size_t i = 0; i < e->nprojects; i++) {
			if (e->projects[i].number != number)
				continue;
			rows[i] = strdup((const char *)Sayso_col_text(s, 1));
			if (!rows[i])
				err = SAYSO_ERR_NOMEM;
			break;
		}
	}
	if (rc != SAYSO_SQL_DONE && err == SAYSO_OK)
		err = Sayso_store_sqlfail(st, "reading projects");
	Sayso_reset(s);
	return err;
}

enum sayso_err Sayso_pb_kept_projects(struct sayso_store *st, int64_t round_id,
				      const struct sayso_election *e,
				      const struct sayso_tally *tp, bool points,
				      const char *header, FILE *out)
{
	struct Sayso_pb_kept k;
	struct project_model pm = {0};
	char **rows = NULL;
	bool add_sel;
	enum sayso_err err;

	if ((err = Sayso_pb_kept_open(&k, header)) != SAYSO_OK)
		return err;
	rows = calloc(e->nprojects ? e->nprojects : 1, sizeof *rows);
	if (!rows) {
		err = SAYSO_ERR_NOMEM;
		goto out;
	}
	if ((err = project_rows(st, round_id, e, rows)) != SAYSO_OK)
		goto out;
	/* A rule asked for and no `selected` in the file: one more column. */
	add_sel = tp && Sayso_pb_kept_find(&k, SAYSO_PBC_SELECTED) < 0;
	fprintf(out, "PROJECTS\n%s%s\n", header, add_sel ? ";selected" : "");
	pm.e = e;
	pm.tp = tp;
	pm.points = points;
	for (size_t i = 0; i < e->nprojects; i++) {
		pm.p = &e->projects[i];
		pm.i = i;
		sayso_money_plain(pm.p->cost, e->unit, pm.cost, sizeof pm.cost);
		snprintf(pm.votes, sizeof pm.votes, "%lld",
			 (long long)pm.p->votes);
		snprintf(pm.score, sizeof pm.score, "%lld",
			 (long long)pm.p->score);
		Sayso_pb_kept_row(out, &k, rows[i], project_model, &pm);
		if (add_sel)
			fprintf(out, ";%d", tp->projects[i].selected ? 1 : 0);
		fputc('\n', out);
	}
out:
	if (rows)
		for (size_t i = 0; i < e->nprojects; i++)
			free(rows[i]);
	free(rows);
	Sayso_pb_kept_close(&k);
	return err;
}

/*
 * pabulib_internal.h: what the .pb parser (pabulib.c) shares with the store
 * import/export (pabulib_store.c). Not for programs.
 */
#ifndef SAYSO_PABULIB_INTERNAL_H
#define SAYSO_PABULIB_INTERNAL_H

#include "sayso/pabulib.h"

/* The value of META key in pb (first match), or NULL. Valid while pb is. */
const char *Sayso_pb_meta_get(const struct sayso_pb *pb, const char *key);

/* A decimal amount as the parser reads costs and the budget ("1000000",
 * "1000.5", spaces around): *hundredths = the amount x 100. false when s is
 * not such a number. */
bool Sayso_pb_money(const char *s, int64_t *hundredths);

/* One .pb record (a stored row: a line of a file without its line end)
 * split into its cells as the parser reads them (quotes removed, "" made
 * ", spaces kept). */
struct Sayso_pb_cells {
	char *text;	   /* all cells, each NUL-terminated */
	const char **cell; /* n pointers into text */
	size_t n;	   /* 0 for an empty line */
};

/* Splits line into *out (the caller's, Sayso_pb_cells_free). Errors:
 * SAYSO_ERR_PARSE (a stray quote), SAYSO_ERR_TOOBIG (over 256 cells or a
 * cell over SAYSO_PB_MAX_FIELD), SAYSO_ERR_NOMEM; *out is then empty. */
enum sayso_err Sayso_pb_cells_split(const char *line,
				    struct Sayso_pb_cells *out);

/* Frees the cells; out is left empty. */
void Sayso_pb_cells_free(struct Sayso_pb_cells *c);

/* ---- export of an imported round's own rows (pabulib_kept.c) ---- */

/* What a column of a PROJECTS or VOTES header is to sayso. */
enum Sayso_pb_col {
	SAYSO_PBC_OTHER, /* not modelled: written as stored */
	SAYSO_PBC_PROJECT_ID,
	SAYSO_PBC_COST,
	SAYSO_PBC_VOTES,
	SAYSO_PBC_SCORE,
	SAYSO_PBC_NAME,
	SAYSO_PBC_SELECTED,
	SAYSO_PBC_VOTER_ID,
	SAYSO_PBC_VOTE,
	SAYSO_PBC_POINTS,
};

/* A stored header line, split, and the kind of each of its columns. */
struct Sayso_pb_kept {
	struct Sayso_pb_cells hdr;
	enum Sayso_pb_col *kind; /* hdr.n kinds */
};

/* Splits header (matched as the parser does: spaces around, any case).
 * Errors of Sayso_pb_cells_split. */
enum sayso_err Sayso_pb_kept_open(struct Sayso_pb_kept *k, const char *header);
void Sayso_pb_kept_close(struct Sayso_pb_kept *k);

/* The first column of kind, or -1. */
int Sayso_pb_kept_find(const struct Sayso_pb_kept *k, enum Sayso_pb_col kind);

/*
 * Writes one row (no line end) under k: row, the stored line (NULL: none),
 * unchanged when every modelled cell agrees with model(kind, cell, arg)
 * (the round's text for that cell, NULL when the round has nothing to say:
 * the cell stays); otherwise the cells again, those that disagree replaced
 * by the model. Agreement: same amount for cost, votes and score (an empty
 * votes or score cell always agrees), same list apart from spaces for vote
 * and points, same text apart from spaces around it for the rest.
 */
void Sayso_pb_kept_row(FILE *out, const struct Sayso_pb_kept *k,
		       const char *row,
		       const char *(*model)(enum Sayso_pb_col kind,
					    const char *cell, void *arg),
		       void *arg);

/* The PROJECTS section of round_id from its stored header and rows (see
 * Sayso_pb_kept_row): `selected` from tp when not NULL (a column added when
 * the file had none), else the file's; score checked only for points
 * rounds. Errors: storage errors, SAYSO_ERR_NOMEM, a header that does not
 * split. */
enum sayso_err Sayso_pb_kept_projects(struct sayso_store *st, int64_t round_id,
				      const struct sayso_election *e,
				      const struct sayso_tally *tp, bool points,
				      const char *header, FILE *out);

#endif

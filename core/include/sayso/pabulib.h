/*
 * pabulib.h: reading and writing pabulib .pb files (pabulib.org/format).
 *
 * A .pb file has three sections, META, PROJECTS and VOTES (titles matched
 * case-insensitively), each followed by a header line and `;`-separated rows
 * with CSV quoting ("" inside quotes is a quote). Lists inside a field (vote,
 * points) are comma-separated. A UTF-8 BOM is skipped, CRLF accepted, empty
 * lines ignored. Vote types: approval, choose-1 (read as approval),
 * cumulative and ordinal (points taken from the `points` column when present;
 * for ordinal without points, rank r of k gets k - r + 1, i.e. Borda).
 * `scoring` is refused as SAYSO_ERR_UNSUPPORTED.
 *
 * Money: costs and budget are read as decimal numbers (up to two decimals)
 * and kept as minor units (x100).
 *
 * Errors name the line and the field: "poland_x.pb:1234: field vote: unknown
 * project L999".
 *
 * A file must agree with itself (so that a file cut short or damaged is
 * refused, not imported as a different election): when META gives
 * num_votes or num_projects they must equal the rows read; the budget must
 * be above 0 and at least the cost of the projects marked selected (1);
 * every `votes` cell must equal the number of votes naming the project and
 * every `score` cell the sum of its points (empty cells are not checked).
 * A mismatch is SAYSO_ERR_PARSE with both numbers: "wieliczka.pb: META
 * num_votes says 6586 but VOTES has 4295 rows (is the file cut short?)". The
 * parser keeps a whole file in memory as an election (tally.h) plus the META
 * pairs and voter ids; nothing is printed.
 */
#ifndef SAYSO_PABULIB_H
#define SAYSO_PABULIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sayso/err.h"
#include "sayso/tally.h"

struct sayso_store;

#define SAYSO_PB_MAX_BYTES                                                     \
	(512u * 1024u * 1024u)	       /* larger files are refused             \
					*/
#define SAYSO_PB_MAX_FIELD (64 * 1024) /* one field, after unquoting */
#define SAYSO_PB_MAX_PICKS 4096	       /* projects in one vote */
#define SAYSO_PB_ERR_MAX 512

struct sayso_pb_meta {
	char *key; /* as in the file, owned by the struct sayso_pb */
	char *value;
};

struct sayso_pb {
	struct sayso_election *e;   /* projects in file order: id = project_id,
				       title = name (or ""), cost in minor units;
				       voters in file order */
	char vote_type[16];	    /* "approval", "cumulative", "ordinal",
				       "choose-1" as in META */
	char currency[4];	    /* META currency, else by country (PLN, EUR,
				       ...), else "" */
	struct sayso_pb_meta *meta; /* META pairs in file order */
	size_t nmeta;
	char **voter_ids;      /* e->nvoters voter_id strings */
	signed char *selected; /* per project: PROJECTS `selected` column
				  (0, 1, 2), -1 when absent */
	int max_length;	       /* META max_length or 0 */
	int min_length;	       /* META min_length or 0 */
	int max_points;	       /* META max_points or 0 */
	int max_sum_points;    /* META max_sum_points or 0 */
	int64_t *votes_given;  /* per project: PROJECTS `votes` column, -1
				  when the column is absent or the cell empty */
	int64_t *score_given;  /* per project: PROJECTS `score`, same */
	bool has_votes_col;    /* PROJECTS has a `votes` column */
	bool has_score_col;    /* PROJECTS has a `score` column */
	bool has_selected_col; /* PROJECTS has a `selected` column */
	/* The PROJECTS and VOTES data as written, for a faithful export: each
	 * header and row is its line in the file without the line end (a
	 * quoted field may span lines), quotes and spaces as they were. */
	char *projects_header;
	char *votes_header;
	char **project_rows; /* nproject_rows (= e->nprojects) rows */
	size_t nproject_rows;
	char **vote_rows; /* nvote_rows (= e->nvoters) rows */
	size_t nvote_rows;
};

/*
 * Parses a whole .pb file held in buf (len bytes, need not be
 * NUL-terminated). name is used in error messages (NULL = "<input>").
 * On success *out is the caller's (sayso_pb_free()). On failure *out is NULL
 * and errbuf (may be NULL) holds "name:line: field F: what".
 * Errors: SAYSO_ERR_PARSE (missing section, missing column, stray quote,
 * bad number, vote for an unknown project, duplicate project or voter id,
 * points that do not match the vote), SAYSO_ERR_UNSUPPORTED (vote_type
 * scoring or unknown), SAYSO_ERR_TOOBIG (over SAYSO_PB_MAX_* limits),
 * SAYSO_ERR_NOMEM.
 */
enum sayso_err sayso_pb_parse(const char *buf, size_t len, const char *name,
			      struct sayso_pb **out, char *errbuf,
			      size_t errsz);

/* Reads all of f (up to SAYSO_PB_MAX_BYTES) and parses it as above.
 * SAYSO_ERR_IO when reading fails. f stays open. */
enum sayso_err sayso_pb_read(FILE *f, const char *name, struct sayso_pb **out,
			     char *errbuf, size_t errsz);

/* Opens path, reads and parses it. SAYSO_ERR_IO naming the file when it
 * cannot be opened or read. */
enum sayso_err sayso_pb_read_path(const char *path, struct sayso_pb **out,
				  char *errbuf, size_t errsz);

/* Frees a parsed file. NULL is a no-op. */
void sayso_pb_free(struct sayso_pb *pb);

/*
 * Imports a parsed file as a new round: imported = 1, state closed, pb_meta =
 * the META section as a JSON object of strings, currency from pb->currency
 * (GBP when unknown), budget and costs in minor units, projects numbered 1..n
 * in file order with ext_id = project_id and title = name (project_id when the
 * name is empty), and each vote as a ballot with channel 'import', status
 * 'counted', ext_voter = voter_id and its items (points; rank = position in
 * the vote, 1-based, for every kind, so that export keeps the
 * order). The file's PROJECTS and VOTES header lines and each row's line
 * are kept (rounds.pb_projects_header/pb_votes_header, projects.pb_row,
 * ballots.pb_row) for a faithful export. ballot_kind: approval/choose-1 ->
 * approval, cumulative, ordinal.
 * code: the round code ([A-Za-z0-9_-], 1..32); NULL/"" derives one from name
 * (file name without directory and .pb, other characters replaced by '-',
 * cut to 32). All in one transaction: on any failure nothing is written.
 * Audited as actor ("import.pb"). *round_id (may be NULL) receives the new
 * round's id. Errors: SAYSO_ERR_EXISTS (code taken), SAYSO_ERR_INVAL (bad
 * code), storage errors. errbuf (may be NULL) gets a sentence.
 */
enum sayso_err sayso_pb_import_parsed(struct sayso_store *st,
				      const struct sayso_pb *pb,
				      const char *name, const char *code,
				      const char *actor, int64_t *round_id,
				      char *errbuf, size_t errsz);

/* sayso_pb_read_path() + sayso_pb_import_parsed(). */
enum sayso_err sayso_pb_import(struct sayso_store *st, const char *path,
			       const char *code, const char *actor,
			       int64_t *round_id, char *errbuf, size_t errsz);

/*
 * Writes round round_id as a .pb file to out. META: the imported round's
 * META pairs (pb_meta) with num_projects, num_votes, budget, vote_type,
 * currency and rule rewritten from the round and the required keys filled
 * in (sayso_pb_export_site() with no site). PROJECTS and VOTES of a
 * round imported with its rows: the file's header lines and rows, each row
 * as it was unless a modelled cell (project_id, cost, votes, score, name,
 * selected, voter_id, vote, points) disagrees with the round, then those
 * cells rewritten from it (an empty votes or score cell stays empty).
 * Otherwise PROJECTS: project_id;cost;votes[;score];name[;selected]; VOTES:
 * voter_id;vote[;points] from the counted ballots (voter_id = ext_voter for
 * imported ballots, else the ballot's number). rule decides the META rule
 * and the selected column: SAYSO_RULE_GREEDY -> "greedy", SAYSO_RULE_MES ->
 * "equalshares/add1", both with selected computed by that rule (a column
 * added at the end of a kept header without one); SAYSO_RULE_APPROVAL ->
 * the imported META rule (or "unknown") and no selected column, or the
 * file's own selected cells for a kept header.
 * Errors: SAYSO_ERR_NOTFOUND, SAYSO_ERR_IO (write failed), storage errors,
 * errors of the rule (SAYSO_ERR_UNSUPPORTED: mes on points ballots).
 */
enum sayso_err sayso_pb_export(struct sayso_store *st, int64_t round_id,
			       enum sayso_rule rule, FILE *out, char *errbuf,
			       size_t errsz);

/* What a sayso-made round's META takes from the site ([site] in
 * sayso.ini); NULL or "" fields fall back as below. */
struct sayso_pb_site {
	const char *unit;    /* [site] name; else the round title */
	const char *country; /* [site] country; else "unknown" */
};

/*
 * sayso_pb_export() with the site's facts: every key pabulib requires is
 * written (description, country, unit, instance, num_projects, num_votes,
 * budget, vote_type, rule, date_begin, date_end): an imported round's own
 * values, else the round title, site country, site name (else the title),
 * the year of date_begin, and the round's opening and closing days as
 * dd.mm.yyyy (today when not set). Cumulative and ordinal rounds get a
 * `score` column (sum of points) in PROJECTS and keep each ballot's points
 * and order in VOTES; imported ballots keep the order of the file.
 */
enum sayso_err sayso_pb_export_site(struct sayso_store *st, int64_t round_id,
				    enum sayso_rule rule,
				    const struct sayso_pb_site *site, FILE *out,
				    char *errbuf, size_t errsz);

/* Default currency for a pabulib country name ("Poland" -> "PLN"); "" when
 * unknown. Static storage. */
const char *sayso_pb_country_currency(const char *country);

#endif

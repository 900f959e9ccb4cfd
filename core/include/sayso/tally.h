/*
 * tally.h: participatory-budgeting tallies (approval count, greedy, Method
 * of Equal Shares) over an in-memory election.
 *
 * An election is loaded once (from the store with sayso_election_load(), or
 * from a pabulib file with sayso_pb_read() in pabulib.h, or built by hand
 * with sayso_election_new()/_add_project()/_add_voter()) and then any rule
 * runs on it without touching the database. Ballots are kept as one compact
 * CSR array (voter i's picks are pick_project[voter_start[i] ..
 * voter_start[i + 1] - 1]) so that a million ballots fit in a few MB and a
 * rule is a handful of linear passes.
 *
 * Money is int64_t minor units everywhere. The exact rules (and their
 * tie-breaking) are those of ../shared/pb/README.md and docs/tally.md:
 *  - greedy: by score (approvals, or sum of points for points ballots)
 *    highest first; ties by lower cost, then project id compared as text
 *    (strcmp); fund each project that still fits, skip the others.
 *  - mes: Method of Equal Shares, cost utilities, add1 completion: each
 *    voter starts with floor(B / n) (rounded down to a whole major unit),
 *    raised by one major unit per run, MES re-run from scratch while the
 *    outcome costs no more than B; the last outcome within B is the result.
 *    Ties: lower cost, more approvals, project id as text.
 *  - approval: votes per project (and the money voters allotted, votes x
 *    cost, for knapsack ballots); selects nothing.
 * Nothing here prints or exits; detail text for a failure goes into the
 * caller's errbuf.
 */
#ifndef SAYSO_TALLY_H
#define SAYSO_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/round.h"

struct sayso_store;

#define SAYSO_TALLY_ID_MAX 65 /* project public id + NUL (SAYSO_EXTID_MAX) */
#define SAYSO_TALLY_TITLE_MAX                                                  \
	1024 /* longer titles are cut at a UTF-8 boundary */
#define SAYSO_TALLY_MAX_PROJECTS 100000
#define SAYSO_TALLY_MAX_VOTERS 50000000
#define SAYSO_TALLY_MAX_REASONS                                                \
	16 /* distinct reject/supersede reasons kept                           \
	    */
#define SAYSO_TALLY_MES_MAX_RUNS 100000 /* add1 runs before giving up */

enum sayso_rule {
	SAYSO_RULE_APPROVAL,
	SAYSO_RULE_GREEDY,
	SAYSO_RULE_MES,
};

/*
 * The rule round round_id is counted by when none is asked for: the rule an
 * imported round's pabulib META names ("equalshares..." or "mes..." -> MES
 * for approval ballots, so Wieliczka 2023 gives the city's winners), else
 * greedy. SAYSO_ERR_NOTFOUND (no such round), storage errors.
 */
enum sayso_err sayso_round_rule(struct sayso_store *st, int64_t round_id,
				enum sayso_rule *out);

/* "approval", "greedy", "mes". */
const char *sayso_rule_name(enum sayso_rule rule);
/* Parses one of those names. SAYSO_ERR_INVAL otherwise. */
enum sayso_err sayso_rule_parse(const char *s, enum sayso_rule *out);

struct sayso_eproject {
	char id[SAYSO_TALLY_ID_MAX]; /* public id: ext_id or number as text */
	char *title;		     /* owned by the election, never NULL */
	int64_t cost;		     /* minor units, >= 0 */
	int number;		     /* project number (1..n) */
	int64_t dbid;		     /* projects.id when loaded from a store,
					else 0 */
	int64_t votes;		     /* voters who picked it (filled on add) */
	int64_t score;		     /* sum of points (== votes for approval) */
};

/* A reason a ballot was superseded or rejected, with how many. */
struct sayso_reason_count {
	char status[12]; /* "superseded" or "rejected" */
	char reason[200];
	int64_t count;
};

struct sayso_election {
	enum sayso_ballot_kind kind;
	int64_t budget;	  /* minor units */
	int64_t unit;	  /* minor units per major unit (100; 1 for a bare
			     election); MES add1 steps by one unit */
	char currency[4]; /* "" when unknown */
	size_t nprojects;
	struct sayso_eproject *projects; /* in project-number / file order */
	size_t nvoters;
	uint32_t *voter_start;	/* nvoters + 1 offsets into the pick arrays */
	uint32_t *pick_project; /* project index (0-based) per pick */
	int32_t *pick_points;	/* points per pick; 1 for approval ballots */
	/* Ballot counts by status (only for elections loaded from a store;
	 * counted == nvoters otherwise). */
	int64_t counted, superseded, rejected;
	struct sayso_reason_count reasons[SAYSO_TALLY_MAX_REASONS];
	size_t nreasons;
	/* true for sayso_election_load_counts(): projects' votes and scores
	 * and nvoters are set but there are no per-voter picks (do not read
	 * voter_start/pick_*), so only approval and greedy run. */
	bool counts_only;
	/* private: capacities */
	size_t cap_projects, cap_voters, cap_picks;
};

/*
 * A new empty election of kind with budget (minor units) and unit (minor per
 * major unit, >= 1). Free with sayso_election_free(). SAYSO_ERR_NOMEM,
 * SAYSO_ERR_INVAL (negative budget, unit < 1).
 */
enum sayso_err sayso_election_new(enum sayso_ballot_kind kind, int64_t budget,
				  int64_t unit, struct sayso_election **out);

/* Frees e and everything it owns. NULL is a no-op. */
void sayso_election_free(struct sayso_election *e);

/*
 * Appends a project; *index (may be NULL) gets its 0-based index. id is
 * copied (must be non-empty, < SAYSO_TALLY_ID_MAX bytes), title copied (NULL
 * = ""). SAYSO_ERR_INVAL on a bad id or negative cost, SAYSO_ERR_TOOBIG past
 * SAYSO_TALLY_MAX_PROJECTS, SAYSO_ERR_NOMEM.
 */
enum sayso_err sayso_election_add_project(struct sayso_election *e,
					  const char *id, const char *title,
					  int64_t cost, size_t *index);

/*
 * Appends one counted ballot: npicks project indexes (each < nprojects, no
 * duplicates) with their points (NULL = 1 each; points must be >= 1). Updates
 * the projects' votes and score. SAYSO_ERR_INVAL on an index out of range, a
 * duplicate pick or bad points (nothing appended), SAYSO_ERR_TOOBIG,
 * SAYSO_ERR_NOMEM.
 */
enum sayso_err sayso_election_add_voter(struct sayso_election *e,
					const uint32_t *projects,
					const int32_t *points, size_t npicks);

/*
 * Loads round round_id from the store: its projects in number order (public
 * ids per sayso_project_public_id), its COUNTED ballots and their items, and
 * the counts of superseded/rejected ballots by reason. unit comes from the
 * round's currency. *out is the caller's (sayso_election_free()). Errors:
 * SAYSO_ERR_NOTFOUND (no such round), storage errors (detail in
 * sayso_store_errmsg(st)), SAYSO_ERR_NOMEM. Reads inside one read
 * transaction so counts and ballots agree.
 */
enum sayso_err sayso_election_load(struct sayso_store *st, int64_t round_id,
				   struct sayso_election **out);

/*
 * Like sayso_election_load() but reads only per-project counts, straight
 * from the ballot_items index (about the cost of a plain GROUP BY): enough
 * for approval and greedy on approval/knapsack rounds. For cumulative and
 * ordinal rounds (sum of points needed) it falls back to a full load.
 * e->counts_only tells which one was done. Same errors.
 */
enum sayso_err sayso_election_load_counts(struct sayso_store *st,
					  int64_t round_id,
					  struct sayso_election **out);

/* Per-project result of a rule. */
struct sayso_tally_project {
	int64_t votes; /* voters who picked it */
	int64_t score; /* greedy's score: votes, or sum of points */
	int64_t money; /* approval on knapsack: votes x cost; greedy/mes: cost
			  when selected, else 0 */
	bool selected;
	int order;  /* 1-based position in the selection order, 0 if not
		       selected */
	double rho; /* MES: the most any supporter paid for it (minor
		       units); 0 otherwise */
	/* This funded project was funded on the tie-break: tie_with is the
	 * 1-based index (in e->projects) of an unfunded project the tie-break
	 * put after it (greedy: the same score; mes: the same rho/cost at the
	 * step it was funded); 0 when none. */
	size_t tie_with;
	bool tie_by_cost;  /* settled by the lower cost (else by the id) */
	bool tie_by_votes; /* mes: same cost, settled by more votes */
};

struct sayso_tally {
	enum sayso_rule rule;
	int64_t budget; /* minor units, as the election's */
	int64_t spent;	/* total cost of the selected projects */
	int64_t left;	/* budget - spent */
	size_t nprojects;
	struct sayso_tally_project *projects; /* indexed like e->projects */
	size_t nselected;
	/* MES only: the final per-voter starting share (minor units) and how
	 * many MES runs the add1 completion made (including the last one that
	 * went over budget, matching ../shared/pb/expected.jsonl). */
	int64_t per_voter;
	int runs;
	/* MES only (else NULL): what each voter paid for each pick in the
	 * final run, aligned with e->pick_project (0 for unfunded projects). */
	double *pick_paid;
};

/*
 * Runs rule on e and fills *out (caller frees with sayso_tally_cleanup(),
 * also after a failure). errbuf (may be NULL) gets a sentence on failure.
 * Errors: SAYSO_ERR_UNSUPPORTED for mes on cumulative/ordinal ballots,
 * SAYSO_ERR_TOOBIG when the add1 completion needs more than
 * SAYSO_TALLY_MES_MAX_RUNS runs (a budget far above what voters could ever
 * spend; real elections need a few hundred), SAYSO_ERR_NOMEM,
 * SAYSO_ERR_INVAL (e NULL).
 * Pure: e is not changed.
 */
enum sayso_err sayso_tally_run(const struct sayso_election *e,
			       enum sayso_rule rule, struct sayso_tally *out,
			       char *errbuf, size_t errsz);

/* The individual rules (what sayso_tally_run() dispatches to). */
enum sayso_err sayso_tally_approval(const struct sayso_election *e,
				    struct sayso_tally *out);
enum sayso_err sayso_tally_greedy(const struct sayso_election *e,
				  struct sayso_tally *out);
enum sayso_err sayso_tally_mes(const struct sayso_election *e,
			       struct sayso_tally *out, char *errbuf,
			       size_t errsz);

/*
 * One plain MES run (no completion) with every voter starting with
 * per_voter minor units: for tests and analysis. Fills out->projects and
 * spent; out->per_voter = per_voter, runs = 1. Same errors as
 * sayso_tally_mes().
 */
enum sayso_err sayso_tally_mes_once(const struct sayso_election *e,
				    int64_t per_voter, struct sayso_tally *out,
				    char *errbuf, size_t errsz);

/*
 * The whole tally of a stored round, the fastest way: counts only for
 * approval/greedy on approval/knapsack rounds, every ballot for mes and
 * points rounds. On success *e (sayso_election_free()) and *out
 * (sayso_tally_cleanup()) are the caller's; on failure *e is NULL and errbuf
 * says why (store errors carry sayso_store_errmsg()).
 */
enum sayso_err sayso_tally_round(struct sayso_store *st, int64_t round_id,
				 enum sayso_rule rule,
				 struct sayso_election **e,
				 struct sayso_tally *out, char *errbuf,
				 size_t errsz);

/* Frees what sayso_tally_run() allocated; safe on a zeroed struct. */
void sayso_tally_cleanup(struct sayso_tally *t);

#endif

/*
 * walkabout.h: neighbourhood walkabouts and the "observed resolved" rate.
 *
 * Partner staff walk the streets (monthly, say), log each problem they see
 * street by street as a walk issue (category, grade, short note) and, on a
 * later walkabout, look again and record what they observe: resolved, not
 * resolved or gone worse. Every issue and every observation keeps who, when
 * and on which walkabout.
 *
 * Grades follow England's Code of Practice on Litter and Refuse: A no
 * litter or refuse, B predominantly free apart from small items, C
 * widespread distribution with minor accumulations, D heavily affected.
 *
 * The rate (sayso_walk_rate) is the claim "N% of issues recorded during
 * walkabouts were later observed as resolved", defined so it holds up:
 *   denominator (inspected) = issues re-inspected at least once,
 *   numerator (resolved)    = of those, the ones whose LAST observation is
 *                             resolved (an issue seen resolved and later
 *                             seen again is not resolved),
 * with confirmed duplicates and issues marked not the partnership's left
 * out of both and counted apart, and the issues never re-inspected counted
 * apart too (with how many of them were due: a later walkabout covering
 * their street has been held). The rate carries its 95% Wilson interval
 * (sayso_stats_wilson). Days to resolved run from when the issue was seen
 * to the first observation of its final run of "resolved" observations: an
 * upper bound, since it was only looked at on walkabouts.
 */
#ifndef SAYSO_WALKABOUT_H
#define SAYSO_WALKABOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/partner.h"
#include "sayso/store.h"

#define SAYSO_WALK_CODE_MAX 32	  /* bytes of a walkabout code + NUL */
#define SAYSO_WALKERS_MAX 256	  /* "Ann Lee, Raj Patel" + NUL */
#define SAYSO_WALK_STREETS_MAX 64 /* streets one walkabout lists */
#define SAYSO_WALK_STREET_MAX 128 /* bytes of a street + NUL */
#define SAYSO_WALK_CATEGORY_MAX 48
#define SAYSO_WALK_NOTE_MAX 500 /* bytes of a note (not counting NUL) */
#define SAYSO_WALK_REF_LEN 8	/* "WA-K4QM7" */
#define SAYSO_WALK_REF_PREFIX "WA-"

enum sayso_grade {
	SAYSO_GRADE_NONE, /* not graded */
	SAYSO_GRADE_A,	  /* no litter or refuse */
	SAYSO_GRADE_B,	  /* predominantly free, apart from small items */
	SAYSO_GRADE_C,	  /* widespread, with minor accumulations */
	SAYSO_GRADE_D,	  /* heavily affected */
};
/* "" for none, "A".."D". Static. */
const char *sayso_grade_name(enum sayso_grade g);
/* The Code of Practice wording of a grade ("predominantly free"); "" for
 * none. Static. */
const char *sayso_grade_meaning(enum sayso_grade g);
/* "A".."D" (any case); NULL or "" is NONE. SAYSO_ERR_INVAL otherwise. */
enum sayso_err sayso_grade_parse(const char *s, enum sayso_grade *out);

enum sayso_observed {
	SAYSO_OBS_RESOLVED,
	SAYSO_OBS_NOT_RESOLVED,
	SAYSO_OBS_GONE_WORSE,
};
/* "resolved", "not-resolved", "gone-worse". Static. */
const char *sayso_observed_name(enum sayso_observed o);
/* Those names (and "not_resolved", "gone_worse"). SAYSO_ERR_INVAL. */
enum sayso_err sayso_observed_parse(const char *s, enum sayso_observed *out);

struct sayso_walkabout {
	int64_t id;
	char code[SAYSO_WALK_CODE_MAX];
	char held_on[11]; /* "2025-03-14" */
	char walkers[SAYSO_WALKERS_MAX];
	size_t nstreets; /* 0 = all the site's streets ([site] streets) */
	char streets[SAYSO_WALK_STREETS_MAX][SAYSO_WALK_STREET_MAX];
	int64_t issues; /* issues logged on it */
	int64_t checks; /* re-inspections recorded on it */
};

/*
 * Starts a walkabout: code (letters, digits, '-', '_', 1..31 bytes), the
 * day it is held ("YYYY-MM-DD", a real date), the walkers' names (comma
 * separated, at least one, < SAYSO_WALKERS_MAX bytes in all), and the
 * streets it covers in walking order (nstreets <= SAYSO_WALK_STREETS_MAX; 0
 * = all the site's streets). SAYSO_ERR_INVAL with detail on st for any bad
 * field, SAYSO_ERR_EXISTS for a code already used (any case). Audited.
 */
enum sayso_err sayso_walkabout_start(struct sayso_store *st, const char *code,
				     const char *held_on, const char *walkers,
				     const char *const *streets,
				     size_t nstreets, const char *actor);

/* Loads walkabout code (any case) into *out. SAYSO_ERR_NOTFOUND. */
enum sayso_err sayso_walkabout_get(struct sayso_store *st, const char *code,
				   struct sayso_walkabout *out);

/* Every walkabout, by day then code. *out malloc'd (free()). */
enum sayso_err sayso_walkabout_list(struct sayso_store *st,
				    struct sayso_walkabout **out, size_t *n);

/* Whether street is one of w's (case-insensitive; any street when w lists
 * none). */
bool sayso_walkabout_covers(const struct sayso_walkabout *w,
			    const char *street);

struct sayso_walk_log_in {
	const char *walkabout; /* code */
	const char *street;    /* required; one of the walkabout's streets */
	const char *category;  /* required, < SAYSO_WALK_CATEGORY_MAX bytes */
	enum sayso_grade grade;
	const char *note;      /* may be NULL; <= SAYSO_WALK_NOTE_MAX bytes */
	const char *by;	       /* NULL or "" = the walkabout's walkers */
	int64_t seen_ms;       /* 0 = now */
	const char *uid;       /* NULL = new */
	const char *device_id; /* NULL = the store's */
};

/*
 * Logs an issue seen on a walkabout. It gets its responsible partner from
 * the routing rules (partner.h) and, when an open issue of the same category
 * and street was logged in the SAYSO_DUP_DAYS days before, a likely
 * duplicate link to it; all in one transaction. ref_out (>=
 * SAYSO_WALK_REF_LEN + 1) receives the new reference. SAYSO_ERR_NOTFOUND
 * for an unknown walkabout; SAYSO_ERR_INVAL for a street the walkabout does
 * not cover, a missing category; SAYSO_ERR_TOOBIG for a long note.
 */
enum sayso_err sayso_walk_log(struct sayso_store *st,
			      const struct sayso_walk_log_in *in, char *ref_out,
			      size_t refsz);

/*
 * Records a re-inspection of walk issue ref on walkabout code: what was
 * observed, an optional note, by (NULL or "" = the walkabout's walkers) at
 * at_ms (0 = now). The issue must have been logged on an earlier walkabout
 * (SAYSO_ERR_STATE when code is the walkabout it was logged on) and at_ms
 * may not be before it was seen (SAYSO_ERR_INVAL). SAYSO_ERR_NOTFOUND for
 * an unknown walkabout or issue.
 */
enum sayso_err sayso_walk_check(struct sayso_store *st, const char *code,
				const char *ref, enum sayso_observed observed,
				const char *note, const char *by,
				int64_t at_ms);

/* One walk issue as listed, with where it stands now. */
struct sayso_walk_issue {
	int64_t id;
	char ref[SAYSO_WALK_REF_LEN + 1];
	char walkabout[SAYSO_WALK_CODE_MAX]; /* logged on */
	char held_on[11];		     /* that walkabout's day */
	char street[SAYSO_WALK_STREET_MAX];
	char category[SAYSO_WALK_CATEGORY_MAX];
	enum sayso_grade grade;
	char note[SAYSO_WALK_NOTE_MAX + 1];
	char seen_at[SAYSO_TIME_LEN + 1];
	char seen_by[SAYSO_WALKERS_MAX];
	char partner[SAYSO_PARTNER_CODE_MAX]; /* "" = none */
	bool not_ours;
	char dup_of[SAYSO_WALK_REF_LEN + 1]; /* "" = not linked */
	bool dup_confirmed;		     /* dup_of is confirmed */
	int64_t checks;			     /* re-inspections */
	bool has_last;			     /* checks > 0 */
	enum sayso_observed last;	     /* the last observation */
	char last_at[SAYSO_TIME_LEN + 1];    /* "" when none */
	bool open; /* not last observed resolved, nor a confirmed duplicate,
		      nor marked not ours */
};

struct sayso_walk_filter {
	const char *walkabout; /* logged on this walkabout (code); NULL = any */
	const char *street;    /* case-insensitive; NULL = any */
	const char *category;  /* case-insensitive; NULL = any */
	const char *partner;   /* partner code; NULL = any */
	bool open_only;	       /* only issues open now */
	/* Logged on a walkabout held before this one (code), for the list of
	 * issues to re-check on it; NULL = any. */
	const char *before;
};

/*
 * Lists walk issues matching f (NULL = all), by when they were seen. *out
 * malloc'd (free()); *n may be 0. SAYSO_ERR_NOTFOUND for an unknown
 * walkabout or partner named in f.
 */
enum sayso_err sayso_walk_issue_list(struct sayso_store *st,
				     const struct sayso_walk_filter *f,
				     struct sayso_walk_issue **out, size_t *n);

/* The rate's figures for a set of issues (all, or one street, ...). */
struct sayso_walk_counts {
	char key[SAYSO_WALK_STREET_MAX]; /* street, category or partner code
					    ("" = none); "" for the total */
	int64_t logged;			 /* issues logged, all of them */
	int64_t duplicates;		 /* confirmed duplicates: left out */
	int64_t not_ours;    /* marked not the partnership's: left out */
	int64_t inspected;   /* re-inspected at least once: denominator */
	int64_t resolved;    /* of which last observed resolved: numerator */
	int64_t uninspected; /* never re-inspected: left out of the rate */
	int64_t due;	     /* of which a later walkabout covering the street
				was held: their re-inspection was due */
	double rate;	     /* resolved / inspected; 0 when inspected == 0 */
	double ci_low, ci_high; /* 95% Wilson interval of rate */
	double median_days; /* days to resolved of the resolved; -1 if none */
};

struct sayso_walk_scope {
	const char *walkabout; /* issues logged on it (code); NULL = any */
	int64_t since_ms;      /* logged on walkabouts held in [since, until) */
	int64_t until_ms;      /* 0 = open end */
};

struct sayso_walk_rate {
	int64_t walkabouts; /* walkabouts held in the scope */
	struct sayso_walk_counts all;
	struct sayso_walk_counts *streets; /* by key */
	size_t nstreets;
	struct sayso_walk_counts *categories;
	size_t ncategories;
	struct sayso_walk_counts *partners; /* by code; "" = no partner */
	size_t npartners;
};

/*
 * Computes the observed resolution rate for the issues in scope (NULL =
 * all), in total and by street, category and partner. out is zeroed first
 * and owns its arrays: release with sayso_walk_rate_cleanup().
 * SAYSO_ERR_NOTFOUND for an unknown walkabout; SAYSO_ERR_INVAL when until <=
 * since (both set).
 */
enum sayso_err sayso_walk_rate(struct sayso_store *st,
			       const struct sayso_walk_scope *scope,
			       struct sayso_walk_rate *out);
/* Frees the arrays; safe on a zeroed or cleaned-up rate. */
void sayso_walk_rate_cleanup(struct sayso_walk_rate *r);

#endif

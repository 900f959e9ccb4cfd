/*
 * partner.h: the partnership's organisations, which of them is responsible
 * for an issue, and likely duplicates ("coordination reduces duplication").
 *
 * A partner is a housing association, the council, ... with a short code.
 * Routing rules name the partner for a category, optionally on one street;
 * the most specific rule wins: category and street, then the category on
 * any street, then "*" (any category) on the street, then "*" anywhere.
 * Every resident report (feedback.h) and walk issue (walkabout.h) gets its
 * partner from these rules when it is created, in the same transaction;
 * none when no rule matches. A partner can be changed, or an issue marked
 * as not the partnership's at all; each change is kept with who, when and
 * why (sayso_issue_partner_history).
 *
 * An issue is named by its reference: a resident report's "R7K-4QM" or a
 * walk issue's "WA-K4QM7" (case-insensitive). The functions that take a
 * reference work on both kinds.
 *
 * Duplicates: a new issue with the same category and street as an open
 * issue of the same kind made in the 14 days before it (SAYSO_DUP_DAYS) is
 * linked to the oldest such issue as a likely duplicate when it is created.
 * Staff confirm the link or split it (sayso_issue_duplicate). Issues with no
 * street are never linked automatically. "Open" is status open or
 * in_progress for a report, and not last observed resolved for a walk
 * issue; either way not itself a confirmed duplicate nor marked not ours.
 */
#ifndef SAYSO_PARTNER_H
#define SAYSO_PARTNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/store.h"

#define SAYSO_PARTNER_CODE_MAX 32  /* bytes of a code + NUL */
#define SAYSO_PARTNER_NAME_MAX 128 /* bytes of a name + NUL */
#define SAYSO_ISSUE_REF_MAX 16	   /* either kind of reference + NUL */
#define SAYSO_DUP_DAYS 14
#define SAYSO_ISSUE_NOTE_MAX 500 /* bytes of a change's note */
#define SAYSO_ROUTE_ANY "*"	 /* a rule's category meaning any category */

struct sayso_partner {
	int64_t id;
	char code[SAYSO_PARTNER_CODE_MAX];
	char name[SAYSO_PARTNER_NAME_MAX];
};

/*
 * Adds a partner. code: 1..31 bytes of letters, digits, '-' and '_'
 * (SAYSO_ERR_INVAL otherwise, or for an empty or too long name);
 * SAYSO_ERR_EXISTS when a partner has the code (any case). Audited as actor.
 */
enum sayso_err sayso_partner_add(struct sayso_store *st, const char *code,
				 const char *name, const char *actor);

/* Loads the partner with code (any case) into *out. SAYSO_ERR_NOTFOUND. */
enum sayso_err sayso_partner_get(struct sayso_store *st, const char *code,
				 struct sayso_partner *out);

/* Every partner, by code. *out is malloc'd (free()); *n may be 0. */
enum sayso_err sayso_partner_list(struct sayso_store *st,
				  struct sayso_partner **out, size_t *n);

/*
 * Routes issues of category (a code, or SAYSO_ROUTE_ANY) on street (NULL or
 * "" = any street) to partner code, replacing the partner of an existing
 * rule for the same category and street. Issues already made keep their
 * partner. SAYSO_ERR_NOTFOUND for an unknown partner, SAYSO_ERR_INVAL for an
 * empty category. Audited.
 */
enum sayso_err sayso_partner_route(struct sayso_store *st, const char *code,
				   const char *category, const char *street,
				   const char *actor);

struct sayso_route {
	char partner[SAYSO_PARTNER_CODE_MAX];
	char category[48];
	char street[128]; /* "" = any street */
};

/* Every rule, by category then street ("" first). *out malloc'd (free()). */
enum sayso_err sayso_partner_routes(struct sayso_store *st,
				    struct sayso_route **out, size_t *n);

/*
 * The routing rule: the partner responsible for an issue of category on
 * street (may be NULL), the most specific rule winning (see above). *found
 * is false and out is zeroed when no rule matches; that is not an error.
 */
enum sayso_err sayso_partner_for(struct sayso_store *st, const char *category,
				 const char *street, struct sayso_partner *out,
				 bool *found);

/*
 * Changes the partner responsible for the issue with reference ref: to
 * partner code, or, when code is NULL, marks it as not the partnership's
 * (not_ours; excluded from the walkabout rate and counted apart). note may
 * be NULL. Appends to the issue's partner history and the audit log.
 * SAYSO_ERR_NOTFOUND for an unknown issue or partner.
 */
enum sayso_err sayso_issue_assign(struct sayso_store *st, const char *ref,
				  const char *code, const char *note,
				  const char *actor);

struct sayso_partner_change {
	char at[SAYSO_TIME_LEN + 1];
	char partner[SAYSO_PARTNER_CODE_MAX]; /* "" = none */
	bool not_ours;
	char note[512];
	char actor[64];
};

/* The partner history of issue ref, oldest first (the first row is the
 * routing at creation). *out malloc'd (free()). SAYSO_ERR_NOTFOUND. */
enum sayso_err sayso_issue_partner_history(struct sayso_store *st,
					   const char *ref,
					   struct sayso_partner_change **out,
					   size_t *n);

/*
 * Staff's decision on a duplicate. With of_ref, confirms that issue ref is a
 * duplicate of issue of_ref (of the same kind; when of_ref is itself a
 * duplicate, of its original): it is then left out of counts of distinct
 * issues and of the walkabout rate. With of_ref NULL, splits: ref is its
 * own issue and any likely or confirmed link is removed. Audited.
 * SAYSO_ERR_NOTFOUND; SAYSO_ERR_INVAL for an issue of the other kind or
 * itself.
 */
enum sayso_err sayso_issue_duplicate(struct sayso_store *st, const char *ref,
				     const char *of_ref, const char *actor);

/* A duplicate link, as staff review them. */
struct sayso_dup_link {
	bool walk; /* a walk issue (else a resident's report) */
	char ref[SAYSO_ISSUE_REF_MAX];
	char of[SAYSO_ISSUE_REF_MAX]; /* the issue it duplicates */
	bool confirmed;		      /* else likely, awaiting a decision */
	char category[48];
	char street[128];
	char at[SAYSO_TIME_LEN + 1]; /* when ref was made or seen */
};

/*
 * The duplicate links awaiting staff's decision (likely ones), and with
 * confirmed also the confirmed ones: resident reports first, then walk
 * issues, each by when they were made. *out malloc'd (free()); *n may be 0.
 */
enum sayso_err sayso_issue_duplicates(struct sayso_store *st, bool confirmed,
				      struct sayso_dup_link **out, size_t *n);

#endif

/*
 * round.h: participatory-budgeting rounds and their projects.
 *
 * Money is whole minor units (pence, grosze) in int64_t everywhere; only the
 * edges format it (sayso_money_format) or parse it (sayso_money_parse).
 * A project has a number shown to residents (1, 2, 3 ...) and, for rounds
 * imported from pabulib, an external project_id kept as text (ext_id).
 */
#ifndef SAYSO_ROUND_H
#define SAYSO_ROUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/limits.h"
#include "sayso/reason.h"
#include "sayso/store.h"

struct sayso_store;

#define SAYSO_CODE_MAX 33 /* round code + NUL */
#define SAYSO_TITLE_MAX 256
#define SAYSO_DESC_MAX 1024
#define SAYSO_EXTID_MAX 65

enum sayso_ballot_kind {
	SAYSO_BALLOT_APPROVAL,	 /* pick projects */
	SAYSO_BALLOT_KNAPSACK,	 /* pick projects within the budget */
	SAYSO_BALLOT_CUMULATIVE, /* points (imported) */
	SAYSO_BALLOT_ORDINAL,	 /* ranking with points (imported) */
};
enum sayso_revote { SAYSO_REVOTE_FIRST, SAYSO_REVOTE_LAST };
/* What a round accepts as a voter's identity (rounds.identity). Zero is
 * "any", so a round built in memory without a choice takes the default. */
enum sayso_identity {
	SAYSO_IDENTITY_ANY,   /* "any": phone numbers and issued voter codes */
	SAYSO_IDENTITY_PHONE, /* "phone": phone numbers only */
	SAYSO_IDENTITY_PHONE_SMS, /* "phone+sms": phone numbers proven by a
				     text (SMS ballots, kiosks verifying by
				     SMS); no paper ballots by phone */
	SAYSO_IDENTITY_CODE,	  /* "code": voter codes issued for the round */
};
enum sayso_round_state {
	SAYSO_ROUND_DRAFT,
	SAYSO_ROUND_OPEN,
	SAYSO_ROUND_CLOSED,
};

struct sayso_round {
	int64_t id;
	char code[SAYSO_CODE_MAX];
	char title[SAYSO_TITLE_MAX];
	int64_t budget;	  /* minor units */
	char currency[4]; /* ISO 4217, "GBP" */
	enum sayso_ballot_kind kind;
	int min_picks; /* >= 0 (0 and 1 are both "at least one" for approval) */
	int max_picks; /* 0 = no limit */
	int max_points;	    /* cumulative: per project; 0 = no limit */
	int max_sum_points; /* cumulative: in all; 0 = no limit */
	enum sayso_revote revote;
	char opens[32];	 /* "" or ISO time */
	char closes[32]; /* "" or ISO time */
	enum sayso_round_state state;
	bool imported;		      /* from pabulib: project ids are ext_id */
	enum sayso_identity identity; /* who may vote; locked once open */
};

struct sayso_project {
	int64_t id;
	int64_t round_id;
	int number; /* shown to residents, unique in the round */
	char ext_id[SAYSO_EXTID_MAX]; /* pabulib project_id, "" for sayso rounds
				       */
	char title[SAYSO_TITLE_MAX];
	char description[SAYSO_DESC_MAX];
	int64_t cost; /* minor units */
};

const char *sayso_ballot_kind_name(enum sayso_ballot_kind k);
enum sayso_err sayso_ballot_kind_parse(const char *s,
				       enum sayso_ballot_kind *out);
const char *sayso_revote_name(enum sayso_revote r);
enum sayso_err sayso_revote_parse(const char *s, enum sayso_revote *out);

/* The revote rule, asked rather than re-decided by programs: whether a
 * resident's later ballot replaces the earlier one under policy (true for
 * SAYSO_REVOTE_LAST; false for SAYSO_REVOTE_FIRST, where the first counts). */
/* The schema's text for an identity setting ("phone", "phone+sms", "code",
 * "any"): static storage, never NULL. */
const char *sayso_identity_name(enum sayso_identity id);
/* The setting named s (exact). SAYSO_ERR_INVAL for NULL or other text. */
enum sayso_err sayso_identity_parse(const char *s, enum sayso_identity *out);

bool sayso_revote_later_wins(enum sayso_revote policy);
/* Whether a resident who already has a counted ballot in round r may vote
 * again and have the new ballot count (r's revote policy). The kiosk asks
 * this before offering a second vote. */
bool sayso_round_revote_allows(const struct sayso_round *r);
const char *sayso_round_state_name(enum sayso_round_state s);

/* Whether code is a valid round code: 1 to SAYSO_CODE_MAX - 1 of
 * [A-Za-z0-9_-]. The one check used by round creation, pabulib import and
 * merge. Codes are compared case-insensitively everywhere ("ward1" is
 * "WARD1"). */
bool sayso_round_code_valid(const char *code);
/* The message for an invalid round code, for "round code 'x': ..." */
#define SAYSO_ROUND_CODE_RULE "use 1 to 32 letters, digits, - or _"

/* Whether cur is an ISO 4217-shaped code: exactly three ASCII capitals
 * ("GBP", "PLN"). NULL is not. */
bool sayso_currency_valid(const char *cur);

/* Whether n is a project number residents can be shown
 * (SAYSO_PROJECT_NUMBER_MIN..SAYSO_PROJECT_NUMBER_MAX). */
bool sayso_project_number_valid(long n);

/* A project's public id: ext_id for imported rounds, else its number as text.
 * out >= SAYSO_EXTID_MAX. */
void sayso_project_public_id(const struct sayso_round *r,
			     const struct sayso_project *p, char *out,
			     size_t outsz);

/*
 * Creates a round (state draft unless r->state says otherwise). Checks the
 * code ([A-Za-z0-9_-], 1..32), title, budget >= 0, picks. On success r->id is
 * set. SAYSO_ERR_EXISTS when the code is taken. Writes the audit log as actor.
 */
enum sayso_err sayso_round_create(struct sayso_store *st, struct sayso_round *r,
				  const char *actor);

/* Loads a round by code. SAYSO_ERR_NOTFOUND. */
enum sayso_err sayso_round_get(struct sayso_store *st, const char *code,
			       struct sayso_round *out);
enum sayso_err sayso_round_get_by_id(struct sayso_store *st, int64_t id,
				     struct sayso_round *out);

/* All rounds, oldest first. *out is malloc'd (free()); *n may be 0. */
enum sayso_err sayso_round_list(struct sayso_store *st,
				struct sayso_round **out, size_t *n);

/*
 * The round a resident votes in without naming one: code if given, else the
 * only open round. SAYSO_ERR_NOTFOUND if none is open, SAYSO_ERR_STATE when
 * more than one is open and code is NULL/"" (then *nopen says how many).
 */
enum sayso_err sayso_round_current(struct sayso_store *st, const char *code,
				   struct sayso_round *out, int *nopen);

/* draft -> open -> closed (closed -> open re-opens). Audited. */
enum sayso_err sayso_round_set_state(struct sayso_store *st, const char *code,
				     enum sayso_round_state state,
				     const char *actor);

/* Whether the round accepts ballots now: state open and now within
 * opens..closes when those are set. why (may be NULL) gets a reason. */
bool sayso_round_accepting(const struct sayso_round *r, int64_t now_ms,
			   const char **why);

/* The same as a code: SAYSO_REASON_NONE when the round accepts ballots now,
 * else SAYSO_REASON_NOT_STARTED or SAYSO_REASON_CLOSED. */
enum sayso_reason sayso_round_refusal(const struct sayso_round *r,
				      int64_t now_ms);

/*
 * Adds a project. p->number 0 means the next free number. Fails with
 * SAYSO_ERR_EXISTS on a taken number, SAYSO_ERR_INVAL on an empty title or a
 * negative cost. On success p->id, p->round_id and p->number are set. Audited.
 */
enum sayso_err sayso_project_add(struct sayso_store *st, int64_t round_id,
				 struct sayso_project *p, const char *actor);

/* Projects of a round in number order. *out malloc'd (free()). */
enum sayso_err sayso_project_list(struct sayso_store *st, int64_t round_id,
				  struct sayso_project **out, size_t *n);

/*
 * Corrections. Each needs a reason (why, non-empty: SAYSO_ERR_INVAL) and
 * writes an audit row with actor and reason, in one transaction.
 *
 * sayso_round_edit: replaces the settings of the draft round r->id (title,
 * budget, currency, ballot kind, picks, revote, opens/closes, identity;
 * checked as sayso_round_create checks them; r->opens/closes come back
 * canonical). SAYSO_ERR_STATE once the round has opened or when imported.
 */
enum sayso_err sayso_round_edit(struct sayso_store *st, struct sayso_round *r,
				const char *actor, const char *why);

/* Replaces title, description and cost of project p->number in the draft
 * round p->round_id. SAYSO_ERR_NOTFOUND for an unknown number,
 * SAYSO_ERR_STATE unless the round is a draft made in sayso. */
enum sayso_err sayso_project_edit(struct sayso_store *st,
				  const struct sayso_project *p,
				  const char *actor, const char *why);

/* What withdrawing a project touched: the uids of the ballots that chose it
 * (malloc'd, the caller frees uids). */
struct sayso_withdrawal {
	char (*uids)[SAYSO_UID_LEN + 1];
	size_t nballots;
};

/*
 * Takes project number out of round_id: in a draft freely; in an open round
 * only with force (the ballots that chose it keep their other picks, and out
 * lists them); never in a closed or imported round (SAYSO_ERR_STATE).
 * SAYSO_ERR_NOTFOUND for an unknown number. Nothing changes on error.
 */
enum sayso_err sayso_project_withdraw(struct sayso_store *st, int64_t round_id,
				      int number, bool force, const char *actor,
				      const char *why,
				      struct sayso_withdrawal *out);

/* ---- money ---- */

/* Decimal places of a currency: 0 for JPY, KRW, ISK, HUF, CLP; 2 for every
 * other (GBP, EUR, PLN...) and for NULL. The one currency table. */
int sayso_currency_decimals(const char *currency);

/* Minor units per major unit: 10^decimals (100 for GBP, 1 for JPY). The only
 * place that computes it. */
int64_t sayso_currency_unit(const char *currency);

/*
 * Plain decimal text of minor units, for files and machines: "1234" when
 * whole, "1234.50" otherwise; "-" before a negative amount; no symbol, no
 * grouping. unit is minor per major (sayso_currency_unit, or an election's
 * unit); unit <= 1 prints minor as it is. Always NUL-terminates (outsz > 0).
 */
void sayso_money_plain(int64_t minor, int64_t unit, char *out, size_t outsz);

/*
 * Parses a human amount in major units: "50000", "50,000", "£50,000.00",
 * "9.5k" is NOT accepted (ambiguous). SAYSO_ERR_INVAL with why on "£5O,000".
 */
enum sayso_err sayso_money_parse(const char *s, const char *currency,
				 int64_t *minor, const char **why);

/* "£50,000" (no pence when whole), "£1,234.50", "PLN 1,000" for others. */
void sayso_money_format(int64_t minor, const char *currency, char *out,
			size_t outsz);

/* Major units as a JSON number (50000, 1234.5). */
double sayso_money_major(int64_t minor, const char *currency);

#endif

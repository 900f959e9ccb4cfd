/*
 * reason.h: why core refused something a resident typed or chose, as a code.
 *
 * Core's checks (sayso_phone_check, sayso_code_check, sayso_round_refusal,
 * sayso_ballot_check) say why they refused with an enum sayso_reason and its
 * arguments, so each program words the reason in the resident's language: the
 * kiosk looks up "reason.<key>" in assets/strings/<lang>.ini and fills the
 * arguments in by name ({project}, {max}, ...). The English sentences here are
 * core's own wording, kept for the admin CLI, the audit trail (ballots.reason)
 * and the SMS gateway; sayso_phone_normalise() and the other older calls still
 * return them as `why`.
 */
#ifndef SAYSO_REASON_H
#define SAYSO_REASON_H

#include <stddef.h>

enum sayso_reason {
	SAYSO_REASON_NONE = 0, /* not refused */
	/* a phone number (sayso_phone_check) */
	SAYSO_REASON_PHONE_EMPTY,
	SAYSO_REASON_PHONE_CHARS,
	SAYSO_REASON_PHONE_TOO_LONG,
	SAYSO_REASON_PHONE_PLUS,
	SAYSO_REASON_PHONE_NOT_UK,
	SAYSO_REASON_PHONE_NOT_MOBILE,
	SAYSO_REASON_PHONE_LANDLINE,
	SAYSO_REASON_PHONE_TOO_SHORT,
	SAYSO_REASON_PHONE_LONG_UK,
	SAYSO_REASON_PHONE_PERSONAL,
	SAYSO_REASON_PHONE_PAGER,
	/* a voter code (sayso_code_check) */
	SAYSO_REASON_CODE_CHARS,
	SAYSO_REASON_CODE_TOO_LONG,
	SAYSO_REASON_CODE_EMPTY,
	SAYSO_REASON_CODE_TOO_SHORT,
	/* the round (sayso_round_refusal) */
	SAYSO_REASON_NOT_STARTED,
	SAYSO_REASON_CLOSED,
	/* a ballot (sayso_ballot_check) */
	SAYSO_REASON_NO_PICKS,
	SAYSO_REASON_TOO_MANY_PICKS,
	SAYSO_REASON_UNKNOWN_PROJECT, /* {project} */
	SAYSO_REASON_PROJECT_TWICE,   /* {project} */
	SAYSO_REASON_NO_POINTS,
	SAYSO_REASON_POINTS_MIN,
	SAYSO_REASON_POINTS_MAX,    /* {project} {max} */
	SAYSO_REASON_TOO_FEW_PICKS, /* {min} */
	SAYSO_REASON_MAX_PICKS,	    /* {max} */
	SAYSO_REASON_POINTS_SUM,    /* {max} */
	SAYSO_REASON_OVER_BUDGET,   /* {amount} (formatted money) */
	/* project numbers in a text message (sayso_picks_parse) */
	SAYSO_REASON_PICKS_FORMAT,
	SAYSO_REASON_PICKS_RANGE, /* {first} {last} */
	SAYSO_REASON_PICKS_TOO_MANY,
	SAYSO_REASON_PICKS_EMPTY,
	/* who may vote (sayso_ballot_eligible) */
	SAYSO_REASON_PHONE_ROUND, /* a voter code where phones vote */
	SAYSO_REASON_CODE_VOID,
	SAYSO_REASON_CODE_USED,
	SAYSO_REASON_CODE_OTHER_ROUND,
	SAYSO_REASON_CODES_ONLY,
	SAYSO_REASON_PHONE_UNPROVEN,
	SAYSO_REASON_COUNT /* not a reason: the number of codes */
};

#define SAYSO_REFUSAL_ARGS 2
#define SAYSO_REFUSAL_AMOUNT_MAX 32

/* A refusal with its arguments: arg[i] is named sayso_reason_arg(code, i);
 * OVER_BUDGET's {amount} is already formatted in amount. */
struct sayso_refusal {
	enum sayso_reason code;
	long arg[SAYSO_REFUSAL_ARGS];
	char amount[SAYSO_REFUSAL_AMOUNT_MAX];
};

/* The strings key of a code ("phone_not_uk": "reason.phone_not_uk" in the
 * kiosk's strings); "" for SAYSO_REASON_NONE and for out-of-range values. */
const char *sayso_reason_key(enum sayso_reason code);

/* The name of argument i of code ("project", "max", "amount", ...), or NULL
 * when the code has no argument i. */
const char *sayso_reason_arg(enum sayso_reason code, size_t i);

/* Core's English sentence for a code without arguments, or the fixed part of
 * one with them ("unknown project"); "" for NONE. Static storage. */
const char *sayso_reason_english(enum sayso_reason code);

/* Core's English sentence for r with its arguments filled in ("unknown
 * project 13", "over budget by £500"), truncated at a UTF-8 boundary. */
void sayso_refusal_english(const struct sayso_refusal *r, char *out,
			   size_t outsz);

#endif

/*
 * feedback.h: pride/positivity ratings and reported problems.
 *
 * A rating is one tap (score 1..5, 1 very unhappy ... 5 very happy) with an
 * optional follow-up answer. A report is a local problem (category, street,
 * short text) with a status open | in_progress | resolved | rejected and a
 * history of every change. Each gets a short reference residents can quote.
 *
 * A resident who leaves a number for updates on a report: the number is never
 * stored in clear except as a held message in the SMS outbox, released (and
 * then erased after sending) when the report is resolved.
 */
#ifndef SAYSO_FEEDBACK_H
#define SAYSO_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/store.h"

#define SAYSO_REPORT_TEXT_MAX 1000 /* bytes of UTF-8 */
#define SAYSO_REF_LEN 7		   /* "R7K-4QM" */
#define SAYSO_CATEGORY_MAX 48
#define SAYSO_STREET_MAX 128
#define SAYSO_ANSWER_MAX 280

struct sayso_rating_in {
	int score;		 /* 1..5 */
	const char *resident_id; /* may be NULL (kiosk) */
	enum sayso_channel channel;
	const char *device_id; /* NULL = the store's */
	int64_t cast_at_ms;    /* 0 = now */
	const char *uid;       /* NULL = new */
	const char
	    *question;	    /* optional follow-up question code, e.g. "best" */
	const char *answer; /* optional follow-up answer */
	/* The misuse rule (sayso/misuse.h): 0 = the default 5 s, < 0 off. */
	int repeat_seconds;
};

/* Stores a rating. uid_out (may be NULL, >= SAYSO_UID_LEN + 1) receives its
 * uid. Kiosk and SMS ratings are checked against the misuse rule
 * (sayso_misuse_rating_flag) and stored with their flag. SAYSO_ERR_INVAL for
 * a score outside 1..5; SAYSO_ERR_EXISTS when uid is already stored. */
enum sayso_err sayso_rating_add(struct sayso_store *st,
				const struct sayso_rating_in *in, char *uid_out,
				size_t uidsz);

/* Sets the follow-up question and answer of a stored rating (text trimmed to
 * SAYSO_ANSWER_MAX bytes at a UTF-8 boundary). SAYSO_ERR_NOTFOUND. */
enum sayso_err sayso_rating_set_followup(struct sayso_store *st,
					 const char *uid, const char *question,
					 const char *answer);

enum sayso_report_status {
	SAYSO_REPORT_OPEN,
	SAYSO_REPORT_IN_PROGRESS,
	SAYSO_REPORT_RESOLVED,
	SAYSO_REPORT_REJECTED,
};
const char *sayso_report_status_name(enum sayso_report_status s);
enum sayso_err sayso_report_status_parse(const char *s,
					 enum sayso_report_status *out);

struct sayso_report_in {
	const char
	    *category;	    /* a code from the site's categories, or "other" */
	const char *street; /* may be NULL/"" ("somewhere else") */
	const char *location; /* free-text location detail, may be NULL */
	const char *text;     /* may be NULL; <= SAYSO_REPORT_TEXT_MAX bytes */
	const char *resident_id; /* may be NULL */
	const char
	    *notify_phone; /* E.164 for an update when resolved, may be NULL */
	enum sayso_channel channel;
	const char *device_id;
	int64_t cast_at_ms;
	const char *uid;
	const char *ref; /* NULL = new reference (merges pass the original) */
};

/* Stores a report with status open. ref_out (>= SAYSO_REF_LEN + 1) receives
 * the reference shown to the resident. */
enum sayso_err sayso_report_add(struct sayso_store *st,
				const struct sayso_report_in *in, char *ref_out,
				size_t refsz);

/*
 * Changes a report's status (by reference, case-insensitive, or numeric id),
 * appending to its history with the note and actor. When it becomes resolved
 * and the resident left a number, the held outbox message is released with
 * a text naming the reference. Audited. SAYSO_ERR_NOTFOUND.
 */
enum sayso_err sayso_report_set_status(struct sayso_store *st, const char *ref,
				       enum sayso_report_status status,
				       const char *note, const char *actor);

/* The category guess and street match for SMS reports live in
 * sayso/categories.h. */
#include "sayso/categories.h"

#endif

/*
 * misuse.h: the rule that marks ratings as misuse (kept, flagged, left out
 * of the figures by default), shared by every channel that stores ratings.
 *
 * A rating's source is its resident when one is known (a text from a
 * number), else its device (a kiosk). A rating from a source that rated
 * less than repeat_seconds before is a "repeat"; one that would be more than
 * SAYSO_MISUSE_BURST_MAX from one source within SAYSO_MISUSE_BURST_SECONDS
 * is a "burst". Both are stored; sayso_stats_ratings() leaves them out.
 */
#ifndef SAYSO_MISUSE_H
#define SAYSO_MISUSE_H

#include <stdint.h>

#include "sayso/err.h"
#include "sayso/store.h"

#define SAYSO_MISUSE_REPEAT_DEFAULT 5  /* seconds: [kiosk] repeat_seconds */
#define SAYSO_MISUSE_BURST_MAX 10      /* more than this ... */
#define SAYSO_MISUSE_BURST_SECONDS 120 /* ... in this long is a burst */

enum sayso_rating_flag {
	SAYSO_FLAG_NONE,
	SAYSO_FLAG_REPEAT,
	SAYSO_FLAG_BURST,
};

/* "repeat", "burst"; NULL for SAYSO_FLAG_NONE (the column's NULL). */
const char *sayso_rating_flag_name(enum sayso_rating_flag f);

/*
 * Decides the flag of a rating about to be stored from source (resident_id
 * when not NULL/"", else device_id) at at_ms. repeat_seconds: 0 means
 * SAYSO_MISUSE_REPEAT_DEFAULT, < 0 turns the repeat rule off (bursts are
 * still flagged). Reads only; *out is SAYSO_FLAG_NONE on error. Store errors
 * with detail on st.
 */
enum sayso_err sayso_misuse_rating_flag(struct sayso_store *st,
					const char *resident_id,
					const char *device_id, int64_t at_ms,
					int repeat_seconds,
					enum sayso_rating_flag *out);

/* ---- texted voting codes ---- */

enum sayso_code_limit {
	SAYSO_CODE_OK,
	SAYSO_CODE_LIMIT_NUMBER, /* per_day codes to this resident in 24 h */
	SAYSO_CODE_LIMIT_DEVICE, /* per_hour codes from this device in 1 h */
};

/*
 * Whether one more voting code may be texted to resident_id (its
 * pseudonymous id) from device_id at now_ms: at most per_day to one resident
 * in the last 24 hours and per_hour from one device in the last hour.
 * *sent receives the resident's count in the last 24 hours. Reads only.
 */
enum sayso_err sayso_code_allowed(struct sayso_store *st,
				  const char *resident_id,
				  const char *device_id, int64_t now_ms,
				  int per_day, int per_hour,
				  enum sayso_code_limit *out, int64_t *sent);
/* Records that a code was texted (call in the transaction that queues the
 * text). */
enum sayso_err sayso_code_record(struct sayso_store *st,
				 const char *resident_id, const char *device_id,
				 int64_t now_ms);

#endif

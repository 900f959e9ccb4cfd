/*
 * misuse.c: repeat and burst flags for ratings (see sayso/misuse.h).
 *
 * Design: the flag is decided when the rating is stored, from the rows
 * already there, and never changes afterwards; flagged rows are kept so a
 * person can look at them (HappyOrNot's misuse filter keeps them too) and
 * the figures decide whether to count them. Two indexed range counts per
 * rating: cheap next to the fsync of the insert.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sayso/misuse.h"

const char *sayso_rating_flag_name(enum sayso_rating_flag f)
{
	switch (f) {
	case SAYSO_FLAG_NONE:
		return NULL;
	case SAYSO_FLAG_REPEAT:
		return "repeat";
	case SAYSO_FLAG_BURST:
		return "burst";
	}
	return NULL;
}

/* Ratings from the source cast in [since, until]. */
static enum sayso_err count_since(struct sayso_store *st, bool by_resident,
				  const char *source, int64_t since_ms,
				  int64_t until_ms, int64_t *n)
{
	char lo[SAYSO_TIME_LEN + 1], hi[SAYSO_TIME_LEN + 1];
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, by_resident ? "SELECT count(*) FROM ratings WHERE resident_id "
			      "= ?1 AND cast_at >= ?2 AND cast_at <= ?3"
			    : "SELECT count(*) FROM ratings WHERE device_id = "
			      "?1 AND cast_at >= ?2 AND cast_at <= ?3");
	if (!s)
		return SAYSO_ERR_DB;
	sayso_time_format(since_ms, lo, sizeof lo);
	sayso_time_format(until_ms, hi, sizeof hi);
	Sayso_bind_text(s, 1, source, -1);
	Sayso_bind_text(s, 2, lo, -1);
	Sayso_bind_text(s, 3, hi, -1);
	int rc = Sayso_step(s);
	if (rc != SAYSO_SQL_ROW) {
		Sayso_reset(s);
		return Sayso_store_sqlfail(st, "misuse check");
	}
	*n = Sayso_col_int64(s, 0);
	Sayso_reset(s);
	return SAYSO_OK;
}

enum sayso_err sayso_misuse_rating_flag(struct sayso_store *st,
					const char *resident_id,
					const char *device_id, int64_t at_ms,
					int repeat_seconds,
					enum sayso_rating_flag *out)
{
	bool by_resident = resident_id && *resident_id;
	const char *source = by_resident ? resident_id : device_id;
	enum sayso_err e;
	int64_t n = 0;

	*out = SAYSO_FLAG_NONE;
	if (!source || !*source)
		return SAYSO_OK;
	if (repeat_seconds == 0)
		repeat_seconds = SAYSO_MISUSE_REPEAT_DEFAULT;
	if (repeat_seconds > 0) {
		e = count_since(st, by_resident, source,
				at_ms - (int64_t)repeat_seconds * 1000 + 1,
				at_ms, &n);
		if (e != SAYSO_OK)
			return e;
		if (n > 0) {
			*out = SAYSO_FLAG_REPEAT;
			return SAYSO_OK;
		}
	}
	e = count_since(st, by_resident, source,
			at_ms - (int64_t)SAYSO_MISUSE_BURST_SECONDS * 1000 + 1,
			at_ms, &n);
	if (e != SAYSO_OK)
		return e;
	if (n >= SAYSO_MISUSE_BURST_MAX)
		*out = SAYSO_FLAG_BURST;
	return SAYSO_OK;
}

/* ---- texted voting codes ---- */

static enum sayso_err code_count(struct sayso_store *st, bool by_resident,
				 const char *key, int64_t since_ms, int64_t *n)
{
	char lo[SAYSO_TIME_LEN + 1];
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, by_resident ? "SELECT count(*) FROM verify_codes WHERE "
			      "resident_id = ?1 AND sent_at >= ?2"
			    : "SELECT count(*) FROM verify_codes WHERE "
			      "device_id = ?1 AND sent_at >= ?2");
	if (!s)
		return SAYSO_ERR_DB;
	sayso_time_format(since_ms, lo, sizeof lo);
	Sayso_bind_text(s, 1, key, -1);
	Sayso_bind_text(s, 2, lo, -1);
	if (Sayso_step(s) != SAYSO_SQL_ROW) {
		Sayso_reset(s);
		return Sayso_store_sqlfail(st, "code limit");
	}
	*n = Sayso_col_int64(s, 0);
	Sayso_reset(s);
	return SAYSO_OK;
}

enum sayso_err sayso_code_allowed(struct sayso_store *st,
				  const char *resident_id,
				  const char *device_id, int64_t now_ms,
				  int per_day, int per_hour,
				  enum sayso_code_limit *out, int64_t *sent)
{
	int64_t n = 0, d = 0;
	enum sayso_err e;

	*out = SAYSO_CODE_OK;
	e = code_count(st, true, resident_id, now_ms - 24LL * 3600 * 1000, &n);
	if (e != SAYSO_OK)
		return e;
	if (sent)
		*sent = n;
	if (n >= per_day) {
		*out = SAYSO_CODE_LIMIT_NUMBER;
		return SAYSO_OK;
	}
	e = code_count(st, false, device_id, now_ms - 3600LL * 1000, &d);
	if (e != SAYSO_OK)
		return e;
	if (d >= per_hour)
		*out = SAYSO_CODE_LIMIT_DEVICE;
	return SAYSO_OK;
}

enum sayso_err sayso_code_record(struct sayso_store *st,
				 const char *resident_id, const char *device_id,
				 int64_t now_ms)
{
	char at[SAYSO_TIME_LEN + 1];
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO verify_codes(resident_id, device_id, sent_at) "
		"VALUES(?1, ?2, ?3)");
	if (!s)
		return SAYSO_ERR_DB;
	sayso_time_format(now_ms, at, sizeof at);
	Sayso_bind_text(s, 1, resident_id, -1);
	Sayso_bind_text(s, 2, device_id, -1);
	Sayso_bind_text(s, 3, at, -1);
	return Sayso_store_step_done(st, s, "record texted code");
}

/*
 * event.c: events and the rule that says what belongs to one
 * (sayso/event.h).
 *
 * The rule is written twice on purpose and nowhere else: as C in
 * sayso_event_member() for one item, and as SQL in stats.c
 * (SAYSO_EVENT_MEMBER_SQL) so figures over a million ratings are counted by
 * SQLite with the cast_at index; test_event.c holds the two to the same
 * answers. Times are stored as UTC ISO text, which sorts as time.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/buf.h"
#include "sayso/event.h"
#include "sayso/utf8.h"

bool sayso_event_all_sources(const struct sayso_event *e)
{
	return e->ndevices == 0 && e->nchannels == 0;
}

bool sayso_event_member(const struct sayso_event *e, const char *channel,
			const char *device, int64_t at_ms)
{
	size_t i;

	if (at_ms < e->from_ms || at_ms >= e->to_ms)
		return false;
	if (sayso_event_all_sources(e))
		return true;
	for (i = 0; device && i < e->ndevices; i++)
		if (strcmp(e->devices[i], device) == 0)
			return true;
	for (i = 0; channel && i < e->nchannels; i++)
		if (strcmp(e->channels[i], channel) == 0)
			return true;
	return false;
}

enum sayso_event_state sayso_event_state_at(const struct sayso_event *e,
					    int64_t now_ms)
{
	if (e->closed_ms != 0)
		return SAYSO_EVENT_CLOSED;
	if (now_ms < e->from_ms)
		return SAYSO_EVENT_UPCOMING;
	if (now_ms < e->to_ms)
		return SAYSO_EVENT_RUNNING;
	return SAYSO_EVENT_ENDED;
}

const char *sayso_event_state_name(enum sayso_event_state s)
{
	switch (s) {
	case SAYSO_EVENT_UPCOMING:
		return "upcoming";
	case SAYSO_EVENT_RUNNING:
		return "running";
	case SAYSO_EVENT_ENDED:
		return "ended";
	case SAYSO_EVENT_CLOSED:
		return "closed";
	}
	return "ended";
}

enum sayso_err sayso_event_add_device(struct sayso_event *e, const char *id)
{
	size_t i;

	if (!id || id[0] == '\0' || strlen(id) >= SAYSO_DEVICE_MAX)
		return SAYSO_ERR_INVAL;
	for (i = 0; i < e->ndevices; i++)
		if (strcmp(e->devices[i], id) == 0)
			return SAYSO_OK;
	if (e->ndevices >= SAYSO_EVENT_DEVICES_MAX)
		return SAYSO_ERR_TOOBIG;
	memcpy(e->devices[e->ndevices++], id, strlen(id) + 1);
	return SAYSO_OK;
}

enum sayso_err sayso_event_add_channel(struct sayso_event *e, const char *ch)
{
	static const char *const known[] = {"kiosk", "sms", "paper", "import"};
	size_t i;
	bool ok = false;

	for (i = 0; ch && i < sizeof known / sizeof known[0]; i++)
		ok = ok || strcmp(ch, known[i]) == 0;
	if (!ok)
		return SAYSO_ERR_INVAL;
	for (i = 0; i < e->nchannels; i++)
		if (strcmp(e->channels[i], ch) == 0)
			return SAYSO_OK;
	if (e->nchannels >= SAYSO_EVENT_CHANNELS_MAX)
		return SAYSO_ERR_TOOBIG;
	memcpy(e->channels[e->nchannels++], ch, strlen(ch) + 1);
	return SAYSO_OK;
}

static enum sayso_err check_event(struct sayso_store *st,
				  const struct sayso_event *e)
{
	if (!sayso_round_code_valid(e->code))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"event code '%s': %s", e->code,
					SAYSO_ROUND_CODE_RULE);
	if (e->title[0] == '\0')
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"event %s has no title", e->code);
	if (e->from_ms <= 0 || e->to_ms <= e->from_ms)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"event %s ends before it starts",
					e->code);
	return SAYSO_OK;
}

static enum sayso_err insert_source(struct sayso_store *st, int64_t id,
				    const char *kind, const char *value)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "INSERT INTO event_sources(event_id, kind, value)"
		" VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING");

	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, id);
	Sayso_bind_text(s, 2, kind, -1);
	Sayso_bind_text(s, 3, value, -1);
	return Sayso_store_step_done(st, s, "event source");
}

enum sayso_err sayso_event_create(struct sayso_store *st, struct sayso_event *e,
				  const char *actor)
{
	char from[SAYSO_TIME_LEN + 1], to[SAYSO_TIME_LEN + 1];
	char now[SAYSO_TIME_LEN + 1];
	struct sayso_stmt *s;
	enum sayso_err err;
	size_t i;

	err = check_event(st, e);
	if (err != SAYSO_OK)
		return err;
	sayso_time_format(e->from_ms, from, sizeof from);
	sayso_time_format(e->to_ms, to, sizeof to);
	Sayso_now_text(now, sizeof now);
	s = Sayso_store_stmt(st, "INSERT INTO events(code, title, place, "
				 "starts_at, ends_at, created_at)"
				 " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, e->code, -1);
	Sayso_bind_text(s, 2, e->title, -1);
	Sayso_bind_text(s, 3, e->place, -1);
	Sayso_bind_text(s, 4, from, -1);
	Sayso_bind_text(s, 5, to, -1);
	Sayso_bind_text(s, 6, now, -1);
	if ((err = Sayso_store_insert_new(st, s, "create event",
					  "an event with code '%s' already "
					  "exists",
					  e->code)) != SAYSO_OK)
		return err;
	e->id = Sayso_store_last_id(st);
	for (i = 0; i < e->ndevices && err == SAYSO_OK; i++)
		err = insert_source(st, e->id, "device", e->devices[i]);
	for (i = 0; i < e->nchannels && err == SAYSO_OK; i++)
		err = insert_source(st, e->id, "channel", e->channels[i]);
	if (err != SAYSO_OK)
		return err;
	return sayso_store_audit(st, actor, "event create",
				 "%s from %s to %s, %zu devices, %zu channels",
				 e->code, from, to, e->ndevices, e->nchannels);
}

/* Fills one event from a row (id, code, title, place, starts_at, ends_at,
 * closed_at). */
static enum sayso_err event_row(struct sayso_store *st, struct sayso_stmt *s,
				struct sayso_event *e)
{
	const char *t;

	memset(e, 0, sizeof *e);
	e->id = Sayso_col_int64(s, 0);
	Sayso_column_copy(s, 1, e->code, sizeof e->code);
	Sayso_column_copy(s, 2, e->title, sizeof e->title);
	Sayso_column_copy(s, 3, e->place, sizeof e->place);
	t = (const char *)Sayso_col_text(s, 4);
	if (!t || sayso_time_parse(t, &e->from_ms) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					"event %s has a bad start", e->code);
	t = (const char *)Sayso_col_text(s, 5);
	if (!t || sayso_time_parse(t, &e->to_ms) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					"event %s has a bad end", e->code);
	t = (const char *)Sayso_col_text(s, 6);
	if (t && sayso_time_parse(t, &e->closed_ms) != SAYSO_OK)
		return Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					"event %s has a bad close time",
					e->code);
	return SAYSO_OK;
}

static enum sayso_err load_sources(struct sayso_store *st,
				   struct sayso_event *e)
{
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT kind, value FROM event_sources WHERE event_id = ?1"
		" ORDER BY kind, value");
	enum sayso_err err = SAYSO_OK;
	int rc;

	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, e->id);
	while (err == SAYSO_OK && (rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		const char *kind = (const char *)Sayso_col_text(s, 0);
		const char *v = (const char *)Sayso_col_text(s, 1);

		if (kind && strcmp(kind, "device") == 0)
			err = sayso_event_add_device(e, v);
		else
			err = sayso_event_add_channel(e, v);
		if (err != SAYSO_OK)
			err = Sayso_store_fail(st, SAYSO_ERR_CORRUPT,
					       "event %s has a bad source",
					       e->code);
	}
	if (err == SAYSO_OK && rc != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, "event sources");
	Sayso_reset(s);
	return err;
}

#define EVENT_COLS                                                             \
	"SELECT id, code, title, place, starts_at, ends_at, closed_at FROM "   \
	"events "

enum sayso_err sayso_event_get(struct sayso_store *st, const char *code,
			       struct sayso_event *out)
{
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, EVENT_COLS "WHERE code = ?1");
	enum sayso_err err;
	int rc;

	memset(out, 0, sizeof *out);
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, code, -1);
	rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW)
		err = event_row(st, s, out);
	else if (rc == SAYSO_SQL_DONE)
		err = Sayso_store_fail(st, SAYSO_ERR_NOTFOUND, "no event '%s'",
				       code);
	else
		err = Sayso_store_sqlfail(st, "event");
	Sayso_reset(s);
	if (err == SAYSO_OK)
		err = load_sources(st, out);
	return err;
}

enum sayso_err sayso_event_list(struct sayso_store *st, int64_t since_ms,
				int64_t until_ms, struct sayso_event **out,
				size_t *n)
{
	char lo[SAYSO_TIME_LEN + 1] = "", hi[SAYSO_TIME_LEN + 1] = "~";
	struct sayso_stmt *s;
	size_t cap = 0, i;
	enum sayso_err err = SAYSO_OK;
	int rc;

	*out = NULL;
	*n = 0;
	if (since_ms > 0)
		sayso_time_format(since_ms, lo, sizeof lo);
	if (until_ms > 0)
		sayso_time_format(until_ms, hi, sizeof hi);
	s = Sayso_store_stmt(st, EVENT_COLS "WHERE ends_at > ?1 AND "
					    "starts_at < ?2"
					    " ORDER BY starts_at, code");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_text(s, 1, lo, -1);
	Sayso_bind_text(s, 2, hi, -1);
	while (err == SAYSO_OK && (rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		if (*n >= SAYSO_EVENTS_MAX) {
			err = Sayso_store_fail(st, SAYSO_ERR_TOOBIG,
					       "more than %d events",
					       SAYSO_EVENTS_MAX);
			break;
		}
		if (sayso_array_grow(out, &cap, *n + 1, sizeof **out,
				     SAYSO_EVENTS_MAX) != SAYSO_OK) {
			err = SAYSO_ERR_NOMEM;
			break;
		}
		err = event_row(st, s, &(*out)[*n]);
		if (err == SAYSO_OK)
			(*n)++;
	}
	if (err == SAYSO_OK && rc != SAYSO_SQL_DONE)
		err = Sayso_store_sqlfail(st, "events");
	Sayso_reset(s);
	for (i = 0; err == SAYSO_OK && i < *n; i++)
		err = load_sources(st, &(*out)[i]);
	if (err != SAYSO_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

enum sayso_err sayso_event_close(struct sayso_store *st, const char *code,
				 int64_t now_ms, const char *actor)
{
	struct sayso_event e;
	char now[SAYSO_TIME_LEN + 1], end[SAYSO_TIME_LEN + 1];
	struct sayso_stmt *s;
	enum sayso_err err;

	err = sayso_event_get(st, code, &e);
	if (err != SAYSO_OK)
		return err;
	switch (sayso_event_state_at(&e, now_ms)) {
	case SAYSO_EVENT_UPCOMING:
		return Sayso_store_fail(st, SAYSO_ERR_STATE,
					"event %s has not started yet", e.code);
	case SAYSO_EVENT_CLOSED:
		return Sayso_store_fail(st, SAYSO_ERR_STATE,
					"event %s is already closed", e.code);
	case SAYSO_EVENT_RUNNING:
		e.to_ms = now_ms > e.from_ms ? now_ms : e.from_ms + 1;
		break;
	case SAYSO_EVENT_ENDED:
		break;
	}
	sayso_time_format(now_ms, now, sizeof now);
	sayso_time_format(e.to_ms, end, sizeof end);
	s = Sayso_store_stmt(st, "UPDATE events SET closed_at = ?2, ends_at = "
				 "?3 WHERE id = ?1");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, e.id);
	Sayso_bind_text(s, 2, now, -1);
	Sayso_bind_text(s, 3, end, -1);
	err = Sayso_store_step_done(st, s, "close event");
	if (err != SAYSO_OK)
		return err;
	return sayso_store_audit(st, actor, "event close", "%s, ends %s",
				 e.code, end);
}

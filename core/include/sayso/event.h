/*
 * event.h: events, the occasions a partnership reports on by name ("88% of
 * residents at the Poets Fun Day expressed pride or positivity").
 *
 * An event is a time window [from, to) in UTC and the sources it collects
 * from: kiosk device ids and whole channels ("sms" for texts sent during the
 * event). The membership rule, the one place it is stated:
 *
 *   a rating, report or ballot belongs to an event when it was cast at or
 *   after the event's start and before its end, and either the event names
 *   no sources at all (then every device and channel counts) or its device
 *   id is one of the event's devices or its channel one of its channels.
 *
 * Events may overlap: one rating can belong to several events. The rule is
 * sayso_event_member() here and the same test in SQL in stats.c (the
 * figures); tests/unit/test_event.c checks that the two agree.
 */
#ifndef SAYSO_EVENT_H
#define SAYSO_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sayso/err.h"
#include "sayso/limits.h"
#include "sayso/round.h"
#include "sayso/store.h"

#define SAYSO_EVENT_PLACE_MAX 256  /* place text + NUL */
#define SAYSO_EVENT_DEVICES_MAX 32 /* devices named by one event */
#define SAYSO_EVENT_CHANNELS_MAX 4 /* kiosk, sms, paper, import */
#define SAYSO_CHANNEL_MAX 16	   /* "kiosk" + NUL, room to spare */
#define SAYSO_EVENTS_MAX 2000	   /* events listed at most */

enum sayso_event_state {
	SAYSO_EVENT_UPCOMING, /* now < from */
	SAYSO_EVENT_RUNNING,  /* from <= now < to */
	SAYSO_EVENT_ENDED,    /* to <= now, not closed */
	SAYSO_EVENT_CLOSED,   /* closed by an organiser: figures are final */
};

struct sayso_event {
	int64_t id; /* 0 until created */
	char code[SAYSO_CODE_MAX];
	char title[SAYSO_TITLE_MAX];
	char place[SAYSO_EVENT_PLACE_MAX];
	int64_t from_ms, to_ms; /* [from, to), UTC */
	int64_t closed_ms;	/* 0 = open */
	char devices[SAYSO_EVENT_DEVICES_MAX][SAYSO_DEVICE_MAX];
	size_t ndevices;
	char channels[SAYSO_EVENT_CHANNELS_MAX][SAYSO_CHANNEL_MAX];
	size_t nchannels;
};

/*
 * The membership rule above for one item cast on channel by device at
 * at_ms. NULL channel or device match no named source. Pure; cannot fail.
 */
bool sayso_event_member(const struct sayso_event *e, const char *channel,
			const char *device, int64_t at_ms);

/* Whether the event names no sources (and so takes all of them). */
bool sayso_event_all_sources(const struct sayso_event *e);

/* The state at now_ms; "upcoming", "running", "ended", "closed". */
enum sayso_event_state sayso_event_state_at(const struct sayso_event *e,
					    int64_t now_ms);
const char *sayso_event_state_name(enum sayso_event_state s);

/*
 * Adds a device id to e (duplicates are ignored). SAYSO_ERR_INVAL for an
 * empty or over-long id, SAYSO_ERR_TOOBIG past SAYSO_EVENT_DEVICES_MAX.
 */
enum sayso_err sayso_event_add_device(struct sayso_event *e, const char *id);
/* Adds a channel ("kiosk", "sms", "paper", "import"); SAYSO_ERR_INVAL for
 * any other name. Duplicates are ignored. */
enum sayso_err sayso_event_add_channel(struct sayso_event *e, const char *ch);

/*
 * Creates e (code as for rounds, sayso_round_code_valid; title not empty;
 * from < to) with its sources and an audit line by actor; sets e->id.
 * SAYSO_ERR_EXISTS when the code is taken (case-insensitively),
 * SAYSO_ERR_INVAL for a bad field, with detail on st. Run it inside a
 * transaction (sayso_store_begin) so the sources land with the event.
 */
enum sayso_err sayso_event_create(struct sayso_store *st, struct sayso_event *e,
				  const char *actor);

/* Loads the event with this code (case-insensitive) into *out.
 * SAYSO_ERR_NOTFOUND when there is none. */
enum sayso_err sayso_event_get(struct sayso_store *st, const char *code,
			       struct sayso_event *out);

/*
 * Every event, by start then code, into *out (malloc'd, free() it; NULL
 * and *n == 0 when there are none). SAYSO_ERR_TOOBIG past SAYSO_EVENTS_MAX.
 * since_ms/until_ms (0 = open) keep the events that overlap that period.
 */
enum sayso_err sayso_event_list(struct sayso_store *st, int64_t since_ms,
				int64_t until_ms, struct sayso_event **out,
				size_t *n);

/*
 * Closes the event at now_ms: its figures are final. When it is still
 * running its end becomes now_ms, so nothing cast later counts; an event
 * that has not started cannot be closed (SAYSO_ERR_STATE), nor one already
 * closed. Audited as actor. SAYSO_ERR_NOTFOUND for an unknown code.
 */
enum sayso_err sayso_event_close(struct sayso_store *st, const char *code,
				 int64_t now_ms, const char *actor);

#endif

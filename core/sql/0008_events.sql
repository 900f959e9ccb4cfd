-- 0008_events.sql: events (a fun day in the park, a consultation evening).
-- A rating, report or ballot belongs to an event when it was cast in
-- [starts_at, ends_at) on one of the event's sources; an event with no
-- sources takes every device and channel (core/src/event.c states the rule,
-- sayso/event.h documents it). Events may overlap. Times are UTC ISO text.
CREATE TABLE events (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE COLLATE NOCASE,
	title      TEXT NOT NULL,
	place      TEXT NOT NULL DEFAULT '',
	starts_at  TEXT NOT NULL,
	ends_at    TEXT NOT NULL CHECK (ends_at > starts_at),
	closed_at  TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX events_starts_at ON events(starts_at);

-- What an event collects from: a device id (a kiosk) or a whole channel
-- ('sms' for texts sent during the event).
CREATE TABLE event_sources (
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	kind     TEXT NOT NULL CHECK (kind IN ('device', 'channel')),
	value    TEXT NOT NULL,
	PRIMARY KEY (event_id, kind, value)
) WITHOUT ROWID;

-- An event's figures read the ratings of its window by time: this index
-- holds every column they need (membership, score, misuse flag, the
-- follow-up answer), so a window is one sequential walk of the index with
-- no row lookups (bench/results: the summary over 1M ratings and 100
-- events). It replaces the plain cast_at index of 0001, which it contains.
DROP INDEX ratings_cast_at;
CREATE INDEX ratings_cast_at ON ratings(cast_at, device_id, channel, score,
	flag, question, answer);

-- Reports and ballots by device and time, for an event's kiosks.
CREATE INDEX reports_device_cast_at ON reports(device_id, cast_at);
CREATE INDEX ballots_cast_at ON ballots(cast_at);

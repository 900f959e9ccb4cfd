-- 0001_init.sql: the first sayso schema.
-- Every row a resident creates carries uid (globally unique, so offline kiosk
-- databases merge without collisions), channel, device_id and cast_at.
-- Times are UTC ISO 8601 text "YYYY-MM-DDTHH:MM:SS.mmmZ" (sortable as text).
-- Money is integer minor units.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('kiosk','smsgw','admin','import')),
	first_seen TEXT NOT NULL,
	last_seen  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE rounds (
	id             INTEGER PRIMARY KEY,
	code           TEXT NOT NULL UNIQUE,
	title          TEXT NOT NULL,
	budget         INTEGER NOT NULL CHECK (budget >= 0),
	currency       TEXT NOT NULL DEFAULT 'GBP',
	ballot_kind    TEXT NOT NULL DEFAULT 'approval'
	               CHECK (ballot_kind IN ('approval','knapsack','cumulative','ordinal')),
	min_picks      INTEGER NOT NULL DEFAULT 1 CHECK (min_picks >= 0),
	max_picks      INTEGER NOT NULL DEFAULT 0 CHECK (max_picks >= 0),
	max_points     INTEGER NOT NULL DEFAULT 0,
	max_sum_points INTEGER NOT NULL DEFAULT 0,
	revote         TEXT NOT NULL DEFAULT 'first' CHECK (revote IN ('first','last')),
	opens          TEXT,
	closes         TEXT,
	state          TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','open','closed')),
	imported       INTEGER NOT NULL DEFAULT 0,
	pb_meta        TEXT,            -- pabulib META section as JSON, for export
	created_at     TEXT NOT NULL
);

CREATE TABLE projects (
	id          INTEGER PRIMARY KEY,
	round_id    INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
	number      INTEGER NOT NULL CHECK (number > 0),
	ext_id      TEXT,               -- pabulib project_id for imported rounds
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	cost        INTEGER NOT NULL CHECK (cost >= 0),
	UNIQUE (round_id, number),
	UNIQUE (round_id, ext_id)
);

-- A resident is only an opaque keyed hash of a phone number or voter code.
CREATE TABLE residents (
	id         TEXT PRIMARY KEY,    -- hex HMAC-SHA256
	created_at TEXT NOT NULL,
	opted_out  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE ballots (
	id          INTEGER PRIMARY KEY,
	uid         TEXT NOT NULL UNIQUE,
	round_id    INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
	resident_id TEXT,               -- NULL for imported or erased
	channel     TEXT NOT NULL CHECK (channel IN ('kiosk','sms','paper','import')),
	device_id   TEXT NOT NULL,
	cast_at     TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('counted','superseded','rejected')),
	reason      TEXT,
	ext_voter   TEXT                -- pabulib voter_id for imported ballots
);
CREATE INDEX ballots_round_status ON ballots(round_id, status);
CREATE INDEX ballots_resident ON ballots(round_id, resident_id, cast_at);
-- The schema itself refuses a second counted ballot for one resident.
CREATE UNIQUE INDEX ballots_one_counted ON ballots(round_id, resident_id)
	WHERE status = 'counted' AND resident_id IS NOT NULL;

CREATE TABLE ballot_items (
	ballot_id  INTEGER NOT NULL REFERENCES ballots(id) ON DELETE CASCADE,
	project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	points     INTEGER NOT NULL DEFAULT 1,
	rank       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (ballot_id, project_id)
) WITHOUT ROWID;
CREATE INDEX ballot_items_project ON ballot_items(project_id);

CREATE TABLE ratings (
	id          INTEGER PRIMARY KEY,
	uid         TEXT NOT NULL UNIQUE,
	score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
	question    TEXT,
	answer      TEXT,
	resident_id TEXT,
	channel     TEXT NOT NULL CHECK (channel IN ('kiosk','sms','paper','import')),
	device_id   TEXT NOT NULL,
	cast_at     TEXT NOT NULL
);
CREATE INDEX ratings_cast_at ON ratings(cast_at);

CREATE TABLE reports (
	id          INTEGER PRIMARY KEY,
	uid         TEXT NOT NULL UNIQUE,
	ref         TEXT NOT NULL UNIQUE,
	category    TEXT NOT NULL,
	street      TEXT,
	location    TEXT,
	text        TEXT,
	status      TEXT NOT NULL DEFAULT 'open'
	            CHECK (status IN ('open','in_progress','resolved','rejected')),
	resident_id TEXT,
	channel     TEXT NOT NULL CHECK (channel IN ('kiosk','sms','paper','import')),
	device_id   TEXT NOT NULL,
	cast_at     TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX reports_status ON reports(status);
CREATE INDEX reports_cast_at ON reports(cast_at);

CREATE TABLE report_history (
	id        INTEGER PRIMARY KEY,
	report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	at        TEXT NOT NULL,
	status    TEXT NOT NULL,
	note      TEXT,
	actor     TEXT NOT NULL
);
CREATE INDEX report_history_report ON report_history(report_id, at);

CREATE TABLE sms_inbox (
	id          INTEGER PRIMARY KEY,
	provider    TEXT NOT NULL,
	provider_id TEXT NOT NULL,
	resident_id TEXT NOT NULL,
	body        TEXT NOT NULL,
	received_at TEXT NOT NULL,
	handled_at  TEXT,
	outcome     TEXT,
	UNIQUE (provider, provider_id)
);
CREATE INDEX sms_inbox_pending ON sms_inbox(handled_at) WHERE handled_at IS NULL;

-- The only table with phone numbers in clear: to_number is set to NULL as soon
-- as the message is sent or has failed for good.
CREATE TABLE sms_outbox (
	id              INTEGER PRIMARY KEY,
	to_number       TEXT,
	resident_id     TEXT NOT NULL,
	body            TEXT NOT NULL DEFAULT '',
	inbox_id        INTEGER REFERENCES sms_inbox(id),
	status          TEXT NOT NULL DEFAULT 'queued'
	                CHECK (status IN ('held','queued','sent','failed')),
	hold_key        TEXT,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	last_error      TEXT,
	provider_id     TEXT,
	created_at      TEXT NOT NULL,
	done_at         TEXT
);
CREATE INDEX sms_outbox_due ON sms_outbox(status, next_attempt_at);
CREATE INDEX sms_outbox_hold ON sms_outbox(hold_key) WHERE hold_key IS NOT NULL;

CREATE TABLE sms_convo (
	resident_id TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,
	ref         TEXT NOT NULL,
	expires_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit (
	id     INTEGER PRIMARY KEY,
	at     TEXT NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	detail TEXT
);

-- Merged kiosk databases, so a second merge of the same file is recognised.
CREATE TABLE merges (
	id        INTEGER PRIMARY KEY,
	source    TEXT NOT NULL,
	device_id TEXT,
	at        TEXT NOT NULL,
	ballots   INTEGER NOT NULL,
	ratings   INTEGER NOT NULL,
	reports   INTEGER NOT NULL
);

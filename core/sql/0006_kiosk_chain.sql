-- 0006_kiosk_chain.sql: tamper-evident kiosk records and safe merges (issue 10).
--
-- Rounds and projects get a stable uid, so a merged ballot names the project
-- the resident saw (checked by title and cost too), never a bare number.
-- Existing rows get one now; new rows get one from the triggers.
ALTER TABLE rounds ADD COLUMN uid TEXT;
ALTER TABLE projects ADD COLUMN uid TEXT;
UPDATE rounds SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
UPDATE projects SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
CREATE UNIQUE INDEX rounds_uid ON rounds(uid);
CREATE UNIQUE INDEX projects_uid ON projects(uid);
CREATE TRIGGER rounds_uid_new AFTER INSERT ON rounds WHEN NEW.uid IS NULL
BEGIN
	UPDATE rounds SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;
CREATE TRIGGER projects_uid_new AFTER INSERT ON projects WHEN NEW.uid IS NULL
BEGIN
	UPDATE projects SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;

-- In an enrolled kiosk's database (sayso-admin kiosk enrol): one entry per
-- row the kiosk wrote or changed (ballot, rating, report), in order. digest
-- is SHA-256 of the row's canonical form; mac is HMAC-SHA256 under the
-- kiosk's device key over the previous entry's mac, seq, kind, uid, at and
-- digest (core/src/devlog.c). Empty in the site database.
CREATE TABLE devlog (
	seq    INTEGER PRIMARY KEY CHECK (seq > 0),
	kind   TEXT NOT NULL CHECK (kind IN ('ballot','rating','report')),
	uid    TEXT NOT NULL,
	at     TEXT NOT NULL,
	digest BLOB NOT NULL,
	mac    BLOB NOT NULL
);
CREATE INDEX devlog_uid ON devlog(uid, seq);

-- In the site database: every kiosk enrolment. key_sealed is the random
-- device key XORed with HMAC-SHA256(site secret, "sayso-kiosk-key" uid), so
-- a copy of this database without its secret does not give the keys away.
-- merged_seq/merged_mac: the newest chain entry merged so far, so a later
-- copy must continue the same history.
CREATE TABLE kiosk_enrolments (
	uid         TEXT PRIMARY KEY,
	device_id   TEXT NOT NULL,
	key_sealed  BLOB NOT NULL,
	enrolled_at TEXT NOT NULL,
	actor       TEXT NOT NULL,
	merged_seq  INTEGER NOT NULL DEFAULT 0,
	merged_mac  BLOB
) WITHOUT ROWID;
CREATE INDEX kiosk_enrolments_device ON kiosk_enrolments(device_id);

-- Erasure tombstones: HMAC-SHA256(site secret, "sayso-erased" resident id),
-- never the id itself, so rows merged later from an older copy stay erased.
CREATE TABLE erased (
	tomb TEXT PRIMARY KEY,
	at   TEXT NOT NULL
) WITHOUT ROWID;

-- Kiosk ballots held by a merge because the kiosk's clock cannot be trusted
-- (it went backwards, or lies outside enrolment .. merge time). They do not
-- count until an organiser accepts them (sayso-admin merge accept), when
-- they are cast through the ballot rules at merged_at, the site's own clock.
CREATE TABLE merge_held (
	id          INTEGER PRIMARY KEY,
	uid         TEXT NOT NULL UNIQUE,
	device_id   TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	round_id    INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
	resident_id TEXT,
	channel     TEXT NOT NULL,
	cast_at     TEXT NOT NULL,
	picks       TEXT NOT NULL,
	reason      TEXT NOT NULL,
	merged_at   TEXT NOT NULL,
	state       TEXT NOT NULL DEFAULT 'held'
	            CHECK (state IN ('held','accepted','rejected')),
	decided_at  TEXT,
	decided_by  TEXT
);
CREATE INDEX merge_held_state ON merge_held(state, device_id);

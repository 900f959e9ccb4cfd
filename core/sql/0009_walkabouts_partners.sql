-- 0009_walkabouts_partners.sql: walkabouts, the partners responsible for
-- issues, and likely duplicates (issue 14).
--
-- A walkabout is partner staff walking the streets on one day. Each problem
-- they see is a walk issue (street, category, grade under England's Code of
-- Practice on Litter and Refuse, note); on a later walkabout they look again
-- and record what they observe (walk_checks). The "observed resolved" rate is
-- computed from the last observation of each issue (core/src/walkabout.c).
--
-- Every resident report and walk issue gets the partner that routing names
-- when it is created (most specific rule wins: category and street, then
-- category alone); a change of partner, or marking an issue as not the
-- partnership's, is kept in issue_partner_history.

CREATE TABLE partners (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL
);

-- street '' means any street. One rule per (category, street).
CREATE TABLE partner_routes (
	id         INTEGER PRIMARY KEY,
	partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
	category   TEXT NOT NULL COLLATE NOCASE,
	street     TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
	created_at TEXT NOT NULL,
	UNIQUE (category, street)
);

CREATE TABLE walkabouts (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE COLLATE NOCASE,
	held_on    TEXT NOT NULL,  -- "YYYY-MM-DD"
	walkers    TEXT NOT NULL,  -- "Ann Lee, Raj Patel"
	created_at TEXT NOT NULL
);

-- The streets a walkabout covers, in walking order. None: all the site's.
CREATE TABLE walkabout_streets (
	walkabout_id INTEGER NOT NULL REFERENCES walkabouts(id) ON DELETE CASCADE,
	pos          INTEGER NOT NULL,
	street       TEXT NOT NULL,
	PRIMARY KEY (walkabout_id, pos)
) WITHOUT ROWID;

CREATE TABLE walk_issues (
	id           INTEGER PRIMARY KEY,
	uid          TEXT NOT NULL UNIQUE,
	ref          TEXT NOT NULL UNIQUE,  -- "WA-K4QM7"
	walkabout_id INTEGER NOT NULL REFERENCES walkabouts(id),
	street       TEXT NOT NULL,
	category     TEXT NOT NULL,
	grade        TEXT CHECK (grade IS NULL OR grade IN ('A','B','C','D')),
	note         TEXT,
	seen_at      TEXT NOT NULL,
	seen_by      TEXT NOT NULL,
	device_id    TEXT NOT NULL,
	partner_id   INTEGER REFERENCES partners(id),
	not_ours     INTEGER NOT NULL DEFAULT 0,
	dup_of       INTEGER REFERENCES walk_issues(id),
	dup_state    TEXT CHECK (dup_state IS NULL OR
	                         dup_state IN ('likely','confirmed'))
);
CREATE INDEX walk_issues_walkabout ON walk_issues(walkabout_id);
CREATE INDEX walk_issues_place ON walk_issues(category, street, seen_at);

CREATE TABLE walk_checks (
	id           INTEGER PRIMARY KEY,
	issue_id     INTEGER NOT NULL REFERENCES walk_issues(id) ON DELETE CASCADE,
	walkabout_id INTEGER NOT NULL REFERENCES walkabouts(id),
	observed     TEXT NOT NULL
	             CHECK (observed IN ('resolved','not-resolved','gone-worse')),
	note         TEXT,
	at           TEXT NOT NULL,
	by           TEXT NOT NULL
);
CREATE INDEX walk_checks_issue ON walk_checks(issue_id, at);

ALTER TABLE reports ADD COLUMN partner_id INTEGER REFERENCES partners(id);
ALTER TABLE reports ADD COLUMN not_ours INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN dup_of INTEGER REFERENCES reports(id);
ALTER TABLE reports ADD COLUMN dup_state TEXT
	CHECK (dup_state IS NULL OR dup_state IN ('likely','confirmed'));
CREATE INDEX reports_place ON reports(category, street, cast_at);

-- Who was responsible for an issue and since when: one row when it is
-- created (actor "routing") and one for every change.
CREATE TABLE issue_partner_history (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('report','walk')),
	issue_id   INTEGER NOT NULL,
	at         TEXT NOT NULL,
	partner_id INTEGER REFERENCES partners(id),
	not_ours   INTEGER NOT NULL DEFAULT 0,
	note       TEXT,
	actor      TEXT NOT NULL
);
CREATE INDEX issue_partner_history_issue
	ON issue_partner_history(kind, issue_id, at);

-- 0005_eligibility.sql: who may vote in a round (issue 10).
--
-- rounds.identity: what a round accepts as a voter's identity: 'phone'
-- (phone numbers), 'phone+sms' (phone numbers proven by a text: SMS ballots
-- and kiosks that verify by SMS), 'code' (voter codes issued for the round)
-- or 'any' (phone numbers and issued codes). Locked once the round opens.
ALTER TABLE rounds ADD COLUMN identity TEXT NOT NULL DEFAULT 'any'
	CHECK (identity IN ('phone', 'phone+sms', 'code', 'any'));

-- residents.kind: whether the keyed hash is of a phone number or of a voter
-- code, so a ballot by an invented code cannot pass as a phone ballot. NULL
-- for residents recorded before this migration (and merged ones whose kind
-- the kiosk did not say): a round with identity 'code' refuses them.
ALTER TABLE residents ADD COLUMN kind TEXT
	CHECK (kind IS NULL OR kind IN ('phone', 'code'));

-- Voter codes issued for a round. code_hash is the resident id of the code
-- (HMAC-SHA256 of the site secret over "code:" and the code): the plain code
-- is never stored. 'issued' may vote once; casting marks it 'used' in the
-- ballot's transaction; 'void' never votes; 'test' votes (for staff trying a
-- kiosk) but its ballots are stored as rejected and never counted. Erasure
-- leaves a used code used. Codes generated before this migration were not
-- recorded per round: import the printed sheet with `codes import`.
CREATE TABLE voter_codes (
	id         INTEGER PRIMARY KEY,
	round_id   INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
	code_hash  TEXT NOT NULL,
	status     TEXT NOT NULL DEFAULT 'issued'
	           CHECK (status IN ('issued', 'used', 'void', 'test')),
	source     TEXT NOT NULL CHECK (source IN ('generate', 'import')),
	created_at TEXT NOT NULL,
	changed_at TEXT NOT NULL,
	UNIQUE (round_id, code_hash)
);
CREATE INDEX voter_codes_status ON voter_codes(round_id, status);

-- 0004_ratings_flag.sql: ratings judged to be misuse are kept but marked
-- (HappyOrNot's "misuse" flag): 'repeat' when one source rated again within
-- [kiosk] repeat_seconds, 'burst' for more than 10 from one source in two
-- minutes. NULL is an ordinary rating. Figures leave flagged rows out unless
-- asked (sayso-admin ratings summary --include-flagged).
ALTER TABLE ratings ADD COLUMN flag TEXT
	CHECK (flag IS NULL OR flag IN ('repeat', 'burst'));
CREATE INDEX ratings_device_cast_at ON ratings(device_id, cast_at);
CREATE INDEX ratings_resident_cast_at ON ratings(resident_id, cast_at)
	WHERE resident_id IS NOT NULL;

-- Codes texted by kiosks to check a voter's number: one row per text, so a
-- number cannot be sent more than [kiosk] code_limit_per_number a day, nor a
-- kiosk more than code_limit_per_hour an hour. Keyed by the resident's
-- pseudonymous id, never the number.
CREATE TABLE verify_codes (
	id          INTEGER PRIMARY KEY,
	resident_id TEXT NOT NULL,
	device_id   TEXT NOT NULL,
	sent_at     TEXT NOT NULL
);
CREATE INDEX verify_codes_resident ON verify_codes(resident_id, sent_at);
CREATE INDEX verify_codes_device ON verify_codes(device_id, sent_at);

-- 0006_ratings_flag.sql: ratings judged to be misuse are kept but marked
-- (HappyOrNot's "misuse" flag): 'repeat' when one source rated again within
-- [kiosk] repeat_seconds, 'burst' for more than 10 from one source in two
-- minutes. NULL is an ordinary rating. Figures leave flagged rows out unless
-- asked (sayso-admin ratings summary --include-flagged).
ALTER TABLE ratings ADD COLUMN flag TEXT
	CHECK (flag IS NULL OR flag IN ('repeat', 'burst'));
CREATE INDEX ratings_device_cast_at ON ratings(device_id, cast_at);
CREATE INDEX ratings_resident_cast_at ON ratings(resident_id, cast_at)
	WHERE resident_id IS NOT NULL;

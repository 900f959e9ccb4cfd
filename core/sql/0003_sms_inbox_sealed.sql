-- 0003: the sender of an inbox row, sealed (AES-256-GCM with a key derived
-- from the site secret) until the text is handled, so a text recovered after
-- a crash can still be answered. sayso_inbox_done() erases it (NULL).
ALTER TABLE sms_inbox ADD COLUMN from_sealed BLOB;

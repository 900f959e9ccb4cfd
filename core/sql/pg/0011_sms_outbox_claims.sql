-- 0011_sms_outbox_claims.sql: several gateways on one database (issue 16).
-- A gateway claims due outbox rows before sending them: claimed_by names the
-- gateway (host, boot and process), claim_until is the end of its lease
-- (ISO-8601 text, like every time). Another gateway takes a row over only
-- when the lease has passed, so two gateways never send one reply; a crashed
-- gateway's rows are sent by the others once its leases run out. sent /
-- failed / retry apply only to a row the caller holds. Claims are taken with
-- FOR UPDATE SKIP LOCKED (core/src/sms.c).
ALTER TABLE sms_outbox ADD COLUMN claimed_by TEXT COLLATE "C",
	ADD COLUMN claim_until TEXT COLLATE "C";

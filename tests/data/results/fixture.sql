-- fixture.sql: ratings, reports and their history for the results tests
-- (tests/integration/results_stats.sh). Loaded with the sqlite3 shell into a
-- database made by `sayso-admin init`, so every figure in the golden files
-- can be worked out by hand from this file:
--   ratings: 20; faces 1:2 2:1 3:3 4:6 5:8; positive 14/20 = 70%
--   reports: 8; resolved 4 of 8 = 50%; days to resolve 1 (KTS-001),
--   10 (KTS-002: its latest resolution counts), 2 (BYR-003), 3 (OTH-007)
--   -> median (2 + 3) / 2 = 2.5
BEGIN;
INSERT INTO ratings (uid, score, question, answer, channel, device_id, cast_at) VALUES
 ('01JRATING000000000000000001', 5, 'best', 'The park', 'kiosk', 'hub1', '2026-11-20T09:05:00.000Z'),
 ('01JRATING000000000000000002', 5, 'best', 'Neighbours', 'kiosk', 'hub1', '2026-11-20T09:40:00.000Z'),
 ('01JRATING000000000000000003', 4, 'best', 'The park', 'kiosk', 'hub1', '2026-11-20T10:10:00.000Z'),
 ('01JRATING000000000000000004', 4, NULL, NULL, 'kiosk', 'hub1', '2026-11-20T10:15:00.000Z'),
 ('01JRATING000000000000000005', 1, 'worse', 'Fly-tipping', 'kiosk', 'hub1', '2026-11-20T12:00:00.000Z'),
 ('01JRATING000000000000000006', 3, NULL, NULL, 'kiosk', 'hub1', '2026-11-20T12:30:00.000Z'),
 ('01JRATING000000000000000007', 5, 'best', 'The park', 'sms', 'smsgw', '2026-11-20T18:00:00.000Z'),
 ('01JRATING000000000000000008', 4, 'best', '<script>alert("rating")</script>', 'sms', 'smsgw', '2026-11-21T08:00:00.000Z'),
 ('01JRATING000000000000000009', 2, 'worse', 'Fly-tipping', 'sms', 'smsgw', '2026-11-21T08:30:00.000Z'),
 ('01JRATING000000000000000010', 5, NULL, NULL, 'kiosk', 'hub2', '2026-11-21T11:00:00.000Z'),
 ('01JRATING000000000000000011', 5, 'best', 'Neighbours', 'kiosk', 'hub2', '2026-11-21T11:05:00.000Z'),
 ('01JRATING000000000000000012', 3, NULL, NULL, 'kiosk', 'hub2', '2026-11-21T11:10:00.000Z'),
 ('01JRATING000000000000000013', 4, 'best', 'The park', 'kiosk', 'hub2', '2026-11-21T14:00:00.000Z'),
 ('01JRATING000000000000000014', 1, 'worse', 'Noise', 'paper', 'admin', '2026-11-22T09:00:00.000Z'),
 ('01JRATING000000000000000015', 5, NULL, NULL, 'paper', 'admin', '2026-11-22T09:00:01.000Z'),
 ('01JRATING000000000000000016', 4, NULL, NULL, 'paper', 'admin', '2026-11-22T09:00:02.000Z'),
 ('01JRATING000000000000000017', 3, 'worse', 'Fly-tipping', 'kiosk', 'hub1', '2026-11-22T15:00:00.000Z'),
 ('01JRATING000000000000000018', 5, 'best', 'Neighbours', 'kiosk', 'hub1', '2026-11-22T15:30:00.000Z'),
 ('01JRATING000000000000000019', 4, NULL, NULL, 'sms', 'smsgw', '2026-11-22T19:00:00.000Z'),
 ('01JRATING000000000000000020', 5, 'best', 'The park', 'kiosk', 'hub2', '2026-11-23T08:00:00.000Z');

INSERT INTO reports (id, uid, ref, category, street, location, text, status, channel, device_id, cast_at, updated_at) VALUES
 (1, '01JREPORT000000000000000001', 'KTS-001', 'fly_tipping', 'Keats Road', 'by the garages', 'Sofa and mattress dumped', 'resolved', 'kiosk', 'hub1', '2026-11-01T10:00:00.000Z', '2026-11-02T10:00:00.000Z'),
 (2, '01JREPORT000000000000000002', 'KTS-002', 'fly_tipping', 'Keats Road', NULL, 'Bags of rubbish again', 'resolved', 'sms', 'smsgw', '2026-11-03T10:00:00.000Z', '2026-11-13T10:00:00.000Z'),
 (3, '01JREPORT000000000000000003', 'BYR-003', 'graffiti', 'Byron Street', NULL, 'Tag on the bus shelter', 'resolved', 'kiosk', 'hub1', '2026-11-04T09:00:00.000Z', '2026-11-06T09:00:00.000Z'),
 (4, '01JREPORT000000000000000004', 'BYR-004', 'street_lighting', 'Byron Street', 'outside no. 40s', 'Lamp out for a week', 'rejected', 'kiosk', 'hub2', '2026-11-05T17:00:00.000Z', '2026-11-06T17:00:00.000Z'),
 (5, '01JREPORT000000000000000005', 'SHL-005', 'fly_tipping', 'Shelley Avenue', NULL, '<script>alert("xss")</script><img src=x onerror=alert(1)>', 'open', 'sms', 'smsgw', '2026-11-10T08:00:00.000Z', '2026-11-10T08:00:00.000Z'),
 (6, '01JREPORT000000000000000006', 'KTS-006', 'dog_fouling', 'Keats Road', NULL, 'By the school gate, "every" morning & evening', 'in_progress', 'kiosk', 'hub1', '2026-11-12T08:00:00.000Z', '2026-11-14T08:00:00.000Z'),
 (7, '01JREPORT000000000000000007', 'OTH-007', 'other', NULL, 'the alley behind the shops', 'Broken glass', 'resolved', 'paper', 'admin', '2026-11-15T12:00:00.000Z', '2026-11-18T12:00:00.000Z'),
 (8, '01JREPORT000000000000000008', 'KTS-008', 'fly_tipping', 'Keats Road', NULL, 'Fridge on the pavement', 'open', 'kiosk', 'hub1', '2026-11-20T09:00:00.000Z', '2026-11-20T09:00:00.000Z');

INSERT INTO report_history (report_id, at, status, note, actor) VALUES
 (1, '2026-11-01T10:00:00.000Z', 'open', NULL, 'kiosk'),
 (1, '2026-11-02T10:00:00.000Z', 'resolved', 'Collected by the council', 'admin:alice'),
 (2, '2026-11-03T10:00:00.000Z', 'open', NULL, 'sms'),
 (2, '2026-11-05T10:00:00.000Z', 'resolved', NULL, 'admin:alice'),
 (2, '2026-11-06T10:00:00.000Z', 'open', 'Still there', 'admin:bob'),
 (2, '2026-11-13T10:00:00.000Z', 'resolved', NULL, 'admin:alice'),
 (3, '2026-11-04T09:00:00.000Z', 'open', NULL, 'kiosk'),
 (3, '2026-11-06T09:00:00.000Z', 'resolved', 'Painted over', 'admin:alice'),
 (4, '2026-11-05T17:00:00.000Z', 'open', NULL, 'kiosk'),
 (4, '2026-11-06T17:00:00.000Z', 'rejected', 'Passed to the council''s street lighting team', 'admin:alice'),
 (5, '2026-11-10T08:00:00.000Z', 'open', NULL, 'sms'),
 (6, '2026-11-12T08:00:00.000Z', 'open', NULL, 'kiosk'),
 (6, '2026-11-14T08:00:00.000Z', 'in_progress', NULL, 'admin:bob'),
 (7, '2026-11-15T12:00:00.000Z', 'open', NULL, 'paper'),
 (7, '2026-11-18T12:00:00.000Z', 'resolved', NULL, 'admin:bob'),
 (8, '2026-11-20T09:00:00.000Z', 'open', NULL, 'kiosk');

-- The resident who reported KTS-008 by kiosk asked for a text when it is
-- fixed: the number waits in a held outbox message keyed to the report.
INSERT INTO sms_outbox (to_number, resident_id, body, status, hold_key, next_attempt_at, created_at) VALUES
 ('+447700900123', 'fixture-resident', '', 'held', 'report:KTS-008', '2026-11-20T09:00:00.000Z', '2026-11-20T09:00:00.000Z');
COMMIT;

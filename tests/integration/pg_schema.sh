#!/bin/sh
# pg_schema.sh: the PostgreSQL schema (core/sql/pg/*.sql, applied with psql to
# a fresh database of the test cluster) is SQLite's (a database made by
# `sayso-admin init`): the same tables and columns (in the same order) with
# their types, NOT NULL, defaults, identity keys and collations; the same
# index names, each on the same columns, as unique and with the same WHERE;
# the same primary keys, UNIQUE constraints, foreign keys (with their ON
# DELETE), number of CHECKs per table and triggers. Then rules on both
# engines alike: the one-vote partial unique index, case-insensitive codes,
# byte-order sorting, the uid triggers, and one bad row for every CHECK (each
# must be refused, and every CHECK of the PostgreSQL schema must be hit by
# one of them).
# Needs the cluster of scripts/pg-test-cluster (the CTest fixture "pg" gives
# SAYSO_TEST_PG_URI_FILE).
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
SRC=${SAYSO_SRC:?SAYSO_SRC not set}
if [ -z "${SAYSO_TEST_PG_URI_FILE:-}" ]; then
	echo "SKIP: SAYSO_TEST_PG_URI_FILE not set (run through ctest, which starts the test cluster)"
	exit 77
fi
[ -s "$SAYSO_TEST_PG_URI_FILE" ] ||
	{ echo "FAIL: $SAYSO_TEST_PG_URI_FILE missing: the test cluster did not start"; exit 1; }
PSQL=/usr/lib/postgresql/15/bin/psql
[ -x "$PSQL" ] || PSQL=psql
T=$(mktemp -d /tmp/sayso-pgschema-XXXXXX)
BASE=$(cat "$SAYSO_TEST_PG_URI_FILE")
DB=pg_schema_$$
URI=$(echo "$BASE" | sed 's#/[^/?]*\(?.*\)\{0,1\}$#/'$DB'#')
cleanup() {
	"$PSQL" -X -q "$BASE" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}
pg() { "$PSQL" -X -q -v ON_ERROR_STOP=1 "$URI" "$@"; }
lite() { sqlite3 -batch -bail "$@"; }

"$PSQL" -X -q -v ON_ERROR_STOP=1 "$BASE" -c "CREATE DATABASE $DB" ||
	{ echo "FAIL: cannot create database $DB on $BASE"; exit 1; }
n=0
for f in "$SRC"/core/sql/pg/[0-9][0-9][0-9][0-9]_*.sql; do
	pg -f "$f" >/dev/null || { echo "FAIL: $f does not apply"; exit 1; }
	n=$((n + 1))
done
[ "$n" -ge 1 ] || { echo "FAIL: no core/sql/pg/*.sql"; exit 1; }
"$A" --db "$T/s.db" init >/dev/null 2>&1 || { echo "FAIL: sayso-admin init"; exit 1; }
lite "$T/s.db" "DELETE FROM meta; DELETE FROM devices; DELETE FROM audit;" ||
	{ echo "FAIL: cannot empty the SQLite database"; exit 1; }

# ---- the schema, as normalised lines ----

# SQLite: a column's own collation is where an index on it takes its
# collation from, so index every column of a scratch copy and ask.
cp "$T/s.db" "$T/probe.db"
lite "$T/probe.db" "SELECT 'CREATE INDEX \"zz_' || m.name || '__' || p.name ||
	'\" ON \"' || m.name || '\"(\"' || p.name || '\");'
	FROM sqlite_master m, pragma_table_info(m.name) p
	WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'" >"$T/probe.sql"
lite "$T/probe.db" <"$T/probe.sql" || bad "cannot index the SQLite columns"

# Index columns: name, ":ci" when compared without regard to case.
lite "$T/probe.db" >"$T/lite" <<'EOF'
CREATE TEMP VIEW tabs AS SELECT name, sql FROM sqlite_master
	WHERE type = 'table' AND name NOT LIKE 'sqlite%';
CREATE TEMP VIEW ixcols AS
	SELECT ix, group_concat(c, ',') AS cols FROM (
		SELECT m.name AS ix, coalesce(x.name, '<expr>') ||
			CASE x.coll WHEN 'NOCASE' THEN ':ci' ELSE '' END AS c
		FROM sqlite_master m, pragma_index_xinfo(m.name) x
		WHERE m.type = 'index' AND x.key = 1 ORDER BY m.name, x.seqno)
	GROUP BY ix;
SELECT 'col|' || t.name || '|' || (p.cid + 1) || '|' || p.name || '|' ||
	CASE upper(p.type) WHEN 'INTEGER' THEN 'bigint' WHEN 'TEXT' THEN 'text'
		WHEN 'BLOB' THEN 'bytea' WHEN 'REAL' THEN 'double precision'
		ELSE 'unmapped ' || p.type END || '|' ||
	(p."notnull" OR p.pk > 0) || '|' || coalesce(p.dflt_value, '') || '|' ||
	CASE WHEN upper(p.type) = 'INTEGER' AND p.pk = 1
		AND (SELECT count(*) FROM pragma_table_info(t.name) WHERE pk > 0) = 1
		AND t.sql NOT LIKE '%WITHOUT ROWID%' THEN 'identity' ELSE '' END || '|' ||
	CASE WHEN upper(p.type) <> 'TEXT' THEN ''
		ELSE (SELECT lower(coll) FROM pragma_index_xinfo('zz_' || t.name || '__' || p.name)
			WHERE key = 1) END
FROM tabs t, pragma_table_info(t.name) p;
SELECT 'idx|' || m.name || '|' || m.tbl_name || '|' || l."unique" || '|' || c.cols || '|' ||
	CASE WHEN l.partial THEN lower(replace(replace(replace(replace(replace(
		substr(s, instr(upper(s), ' WHERE ') + 7), ' ', ''), '(', ''), ')', ''),
		char(10), ''), char(9), '')) ELSE '' END
FROM (SELECT name, tbl_name, replace(replace(sql, char(10), ' '), char(9), ' ') AS s
	FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
	AND name NOT LIKE 'zz\_%' ESCAPE '\') m
JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name
JOIN ixcols c ON c.ix = m.name;
SELECT 'key|' || t.name || '|pk|' || (SELECT group_concat(name, ',') FROM
	(SELECT name FROM pragma_table_info(t.name) WHERE pk > 0 ORDER BY pk))
FROM tabs t WHERE EXISTS (SELECT 1 FROM pragma_table_info(t.name) WHERE pk > 0);
SELECT 'key|' || t.name || '|unique|' || c.cols
FROM tabs t JOIN pragma_index_list(t.name) l JOIN ixcols c ON c.ix = l.name
WHERE l.origin = 'u';
SELECT 'fk|' || t.name || '|' || group_concat(f."from", ',') || '|' || f."table" ||
	'|' || group_concat(f."to", ',') || '|' || upper(f.on_delete) || '|' ||
	upper(f.on_update)
FROM tabs t, pragma_foreign_key_list(t.name) f GROUP BY t.name, f.id;
SELECT 'checks|' || name || '|' ||
	((length(upper(sql)) - length(replace(upper(sql), 'CHECK (', ''))) / 7)
FROM tabs;
SELECT 'trigger|' || name || '|' || tbl_name FROM sqlite_master WHERE type = 'trigger';
EOF
[ $? -eq 0 ] || bad "reading the SQLite schema"
# The CHECKs of a table are counted as 'CHECK (' in its SQL.
[ -z "$(lite "$T/s.db" "SELECT name FROM sqlite_master WHERE upper(sql) LIKE '%CHECK(%'")" ] ||
	bad "a 'CHECK(' without a space in the SQLite schema: the count assumes 'CHECK ('"

pg -A -t >"$T/pg" <<'EOF'
CREATE TEMP VIEW tabs AS
	SELECT c.oid, c.relname FROM pg_class c
	WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r';
CREATE TEMP VIEW ixcols AS
	SELECT i.indexrelid, string_agg(
		CASE WHEN e ~ '^lower\(\w+\)$' THEN substring(e from '^lower\((\w+)\)$') || ':ci'
			WHEN co.collname = 'nocase' THEN e || ':ci' ELSE e END, ',' ORDER BY k) AS cols
	FROM pg_index i CROSS JOIN generate_series(1, i.indnkeyatts) k
		CROSS JOIN LATERAL pg_get_indexdef(i.indexrelid, k, true) e
		LEFT JOIN pg_collation co ON co.oid = i.indcollation[k - 1]
	GROUP BY i.indexrelid;
CREATE TEMP VIEW keyix AS
	SELECT conindid FROM pg_constraint WHERE contype IN ('p', 'u', 'x');
SELECT 'col|' || t.relname || '|' ||
	row_number() OVER (PARTITION BY t.oid ORDER BY a.attnum) || '|' || a.attname || '|' ||
	format_type(a.atttypid, a.atttypmod) || '|' || a.attnotnull::int || '|' ||
	coalesce(regexp_replace(pg_get_expr(d.adbin, d.adrelid), '::(text|bigint)$', ''), '') || '|' ||
	CASE a.attidentity WHEN 'd' THEN 'identity' WHEN 'a' THEN 'identity always' ELSE '' END || '|' ||
	CASE WHEN a.attcollation = 0 THEN '' WHEN co.collname = 'C' THEN 'binary'
		WHEN co.collname = 'nocase' THEN 'nocase' ELSE 'collation ' || co.collname END
FROM tabs t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation;
SELECT 'idx|' || x.relname || '|' || t.relname || '|' || i.indisunique::int || '|' ||
	c.cols || '|' ||
	coalesce(lower(regexp_replace(pg_get_expr(i.indpred, i.indrelid), '::text|[() ]', '', 'g')), '')
FROM pg_index i JOIN tabs t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
JOIN ixcols c ON c.indexrelid = i.indexrelid
WHERE i.indexrelid NOT IN (SELECT conindid FROM keyix);
SELECT 'key|' || t.relname || '|' || CASE k.contype WHEN 'p' THEN 'pk' ELSE 'unique' END ||
	'|' || c.cols
FROM pg_constraint k JOIN tabs t ON t.oid = k.conrelid JOIN ixcols c ON c.indexrelid = k.conindid
WHERE k.contype IN ('p', 'u');
SELECT 'fk|' || t.relname || '|' ||
	(SELECT string_agg(attname, ',' ORDER BY n) FROM unnest(k.conkey) WITH ORDINALITY u(a, n)
		JOIN pg_attribute ON attrelid = k.conrelid AND attnum = u.a) || '|' ||
	k.confrelid::regclass || '|' ||
	(SELECT string_agg(attname, ',' ORDER BY n) FROM unnest(k.confkey) WITH ORDINALITY u(a, n)
		JOIN pg_attribute ON attrelid = k.confrelid AND attnum = u.a) || '|' ||
	CASE k.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
		WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END || '|' ||
	CASE k.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
		WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END
FROM pg_constraint k JOIN tabs t ON t.oid = k.conrelid WHERE k.contype = 'f';
SELECT 'checks|' || t.relname || '|' ||
	(SELECT count(*) FROM pg_constraint WHERE conrelid = t.oid AND contype = 'c')
FROM tabs t;
SELECT 'trigger|' || g.tgname || '|' || t.relname
FROM pg_trigger g JOIN tabs t ON t.oid = g.tgrelid WHERE NOT g.tgisinternal;
EOF
[ $? -eq 0 ] || bad "reading the PostgreSQL schema"

sort -o "$T/lite" "$T/lite"
sort -o "$T/pg" "$T/pg"
for kind in col idx key fk checks trigger; do
	c=$(grep -c "^$kind|" "$T/lite")
	[ "$c" -ge 1 ] || bad "no '$kind' lines read from SQLite (the probe is broken)"
done
if ! cmp -s "$T/lite" "$T/pg"; then
	bad "the schemas differ (< SQLite, > PostgreSQL):"
	diff "$T/lite" "$T/pg"
fi
echo "compared $(wc -l <"$T/lite") schema facts ($(grep -c '^col|' "$T/lite") columns, $(grep -c '^idx|' "$T/lite") named indexes)"

# ---- the same rules on both engines ----

blob_lite="X'00'"
blob_pg="'\\x00'::bytea"
# run_both SQL: runs SQL on both; prints nothing, fails the test on error.
run_both() {
	lite "$T/s.db" "$1" >/dev/null || bad "SQLite refused: $1"
	pg -c "$1" >/dev/null || bad "PostgreSQL refused: $1"
}
# same_answer SQL: SQL gives the same rows on both engines (and some).
same_answer() {
	l=$(lite "$T/s.db" "$1") || bad "SQLite: $1"
	p=$(pg -A -t -c "$1") || bad "PostgreSQL: $1"
	[ -n "$l" ] || bad "SQLite gave no rows: $1"
	[ "$l" = "$p" ] || bad "different answers to: $1
  SQLite:     $(echo $l)
  PostgreSQL: $(echo $p)"
}
# refused_both WHAT SQL: both engines refuse SQL with an error naming WHAT.
refused_both() {
	if lite "$T/s.db" "$2" >/dev/null 2>"$T/err"; then
		bad "SQLite accepted: $2"
	elif ! grep -q "$1" "$T/err"; then
		bad "SQLite refused for another reason than $1: $2: $(cat "$T/err")"
	fi
	if pg -c "$2" >/dev/null 2>"$T/err"; then
		bad "PostgreSQL accepted: $2"
	elif ! grep -q "$1" "$T/err"; then
		bad "PostgreSQL refused for another reason than $1: $2: $(cat "$T/err")"
	fi
}

# No ids given: both engines number new rows 1, 2, ... (on PostgreSQL an
# id given by hand does not move the identity's sequence, unlike SQLite).
run_both "INSERT INTO rounds(code, title, budget, created_at)
	VALUES ('PB26', 'Round one', 1000, '2026-01-01T00:00:00.000Z'),
	('pb27', 'Round two', 1000, '2026-01-01T00:00:00.000Z')"
run_both "INSERT INTO projects(round_id, number, title, cost)
	VALUES (1, 1, 'bench', 100), (1, 2, 'Bins', 50), (1, 3, '_lights', 70)"
run_both "INSERT INTO partners(code, name, created_at) VALUES ('council', 'Council', 't')"
run_both "INSERT INTO walkabouts(code, held_on, walkers, created_at)
	VALUES ('wa1', '2026-01-01', 'Ann Lee', 't')"
run_both "INSERT INTO walk_issues(uid, ref, walkabout_id, street, category, seen_at,
	seen_by, device_id) VALUES ('wi1', 'WA-1', 1, 'High St', 'litter', 't', 'Ann', 'k1')"
run_both "INSERT INTO events(code, title, starts_at, ends_at, created_at)
	VALUES ('ev1', 'Fun day', '2026-06-01T10:00:00.000Z', '2026-06-01T16:00:00.000Z', 't')"
run_both "INSERT INTO partner_routes(partner_id, category, street, created_at)
	VALUES (1, 'litter', 'High St', 't')"

# One vote: a second counted ballot for one resident in one round is
# refused by the partial unique index; superseded ones, other residents,
# other rounds and ballots with no resident are not.
b="INSERT INTO ballots(uid, round_id, resident_id, channel, device_id, cast_at, status) VALUES"
run_both "$b ('b1', 1, 'r1', 'kiosk', 'k1', '2026-01-02T00:00:00.000Z', 'counted')"
one="UNIQUE constraint failed: ballots.round_id, ballots.resident_id\|ballots_one_counted"
refused_both "$one" \
	"$b ('b2', 1, 'r1', 'sms', 'sms', '2026-01-02T00:00:01.000Z', 'counted')"
run_both "$b ('b3', 1, 'r1', 'sms', 'sms', '2026-01-02T00:00:02.000Z', 'superseded')"
run_both "$b ('b4', 1, 'r1', 'paper', 'p', '2026-01-02T00:00:03.000Z', 'superseded')"
run_both "$b ('b5', 1, 'r2', 'kiosk', 'k1', '2026-01-02T00:00:04.000Z', 'counted')"
run_both "$b ('b6', 2, 'r1', 'kiosk', 'k1', '2026-01-02T00:00:05.000Z', 'counted')"
run_both "$b ('b7', 1, NULL, 'import', 'i', '2026-01-02T00:00:06.000Z', 'counted')"
run_both "$b ('b8', 1, NULL, 'import', 'i', '2026-01-02T00:00:07.000Z', 'counted')"
refused_both "$one" \
	"UPDATE ballots SET status = 'counted' WHERE uid = 'b3'"
same_answer "SELECT resident_id, status, count(*) FROM ballots WHERE round_id = 1
	AND resident_id IS NOT NULL GROUP BY resident_id, status ORDER BY 1, 2"

# Codes without regard to case: the round code index, and columns declared
# COLLATE NOCASE (events, partners, walkabouts, partner routes).
refused_both "rounds_code_nocase\|UNIQUE constraint failed: rounds.code" \
	"INSERT INTO rounds(code, title, budget, created_at) VALUES ('Pb26', 'x', 1, 't')"
refused_both "events_code_key\|UNIQUE constraint failed: events.code" \
	"INSERT INTO events(code, title, starts_at, ends_at, created_at) VALUES ('EV1', 'x', 'a', 'b', 't')"
refused_both "partners_code_key\|UNIQUE constraint failed: partners.code" \
	"INSERT INTO partners(code, name, created_at) VALUES ('COUNCIL', 'x', 't')"
refused_both "walkabouts_code_key\|UNIQUE constraint failed: walkabouts.code" \
	"INSERT INTO walkabouts(code, held_on, walkers, created_at) VALUES ('WA1', 'd', 'w', 't')"
refused_both "partner_routes_category_street_key\|UNIQUE constraint failed: partner_routes" \
	"INSERT INTO partner_routes(partner_id, category, street, created_at) VALUES (1, 'LITTER', 'high st', 't')"
same_answer "SELECT id FROM rounds WHERE code = 'pb26' COLLATE NOCASE"
same_answer "SELECT count(*) FROM rounds WHERE code = 'pb26'"
same_answer "SELECT id FROM events WHERE code = 'EV1'"
same_answer "SELECT id FROM partners WHERE code = 'Council'"
same_answer "SELECT id FROM walkabouts WHERE code = 'Wa1'"
same_answer "SELECT id FROM partner_routes WHERE category = 'Litter' AND street = 'HIGH ST'"
# Text sorts by its bytes ('B' < '_' < 'b'), whatever the database's locale.
same_answer "SELECT title FROM projects ORDER BY title"
same_answer "SELECT code FROM rounds ORDER BY code"
same_answer "SELECT id FROM events WHERE '2026-06-01T12:00:00.000Z' >= starts_at
	AND '2026-06-01T12:00:00.000Z' < ends_at"

# The uid triggers: a new round or project without a uid gets 32 lowercase
# hex digits; one given is kept.
run_both "INSERT INTO rounds(code, title, budget, created_at, uid) VALUES ('given', 't', 1, 't', 'u-given')"
same_answer "SELECT code, CASE WHEN length(uid) = 32 AND uid = lower(uid)
	AND length(trim(uid, '0123456789abcdef')) = 0 THEN 'hex32' ELSE uid END
	FROM rounds ORDER BY code"
same_answer "SELECT count(DISTINCT uid), count(*) FROM projects WHERE length(uid) = 32
	AND length(trim(uid, '0123456789abcdef')) = 0"

# ---- one bad row for every CHECK ----
# Each row is otherwise valid; both engines must refuse it for a CHECK, and
# together the rows must hit every CHECK of the PostgreSQL schema.
cat >"$T/badrows" <<'EOF'
INSERT INTO rounds(code, title, budget, created_at) VALUES ('c1', 't', -1, 't')
INSERT INTO rounds(code, title, budget, created_at, ballot_kind) VALUES ('c1', 't', 1, 't', 'borda')
INSERT INTO rounds(code, title, budget, created_at, min_picks) VALUES ('c1', 't', 1, 't', -1)
INSERT INTO rounds(code, title, budget, created_at, max_picks) VALUES ('c1', 't', 1, 't', -1)
INSERT INTO rounds(code, title, budget, created_at, revote) VALUES ('c1', 't', 1, 't', 'any')
INSERT INTO rounds(code, title, budget, created_at, state) VALUES ('c1', 't', 1, 't', 'paused')
INSERT INTO rounds(code, title, budget, created_at, identity) VALUES ('c1', 't', 1, 't', 'email')
INSERT INTO projects(round_id, number, title, cost) VALUES (1, 0, 't', 1)
INSERT INTO projects(round_id, number, title, cost) VALUES (1, 9, 't', -1)
INSERT INTO residents(id, created_at, kind) VALUES ('rx', 't', 'email')
INSERT INTO ballots(uid, round_id, resident_id, channel, device_id, cast_at, status) VALUES ('c1', 1, 'rx', 'web', 'd', 't', 'counted')
INSERT INTO ballots(uid, round_id, resident_id, channel, device_id, cast_at, status) VALUES ('c1', 1, 'rx', 'kiosk', 'd', 't', 'maybe')
INSERT INTO ratings(uid, score, channel, device_id, cast_at) VALUES ('c1', 6, 'kiosk', 'd', 't')
INSERT INTO ratings(uid, score, channel, device_id, cast_at) VALUES ('c1', 0, 'kiosk', 'd', 't')
INSERT INTO ratings(uid, score, channel, device_id, cast_at) VALUES ('c1', 3, 'web', 'd', 't')
INSERT INTO ratings(uid, score, channel, device_id, cast_at, flag) VALUES ('c1', 3, 'kiosk', 'd', 't', 'spam')
INSERT INTO reports(uid, ref, category, channel, device_id, cast_at, updated_at, status) VALUES ('c1', 'R1', 'c', 'kiosk', 'd', 't', 't', 'done')
INSERT INTO reports(uid, ref, category, channel, device_id, cast_at, updated_at) VALUES ('c1', 'R1', 'c', 'web', 'd', 't', 't')
INSERT INTO reports(uid, ref, category, channel, device_id, cast_at, updated_at, dup_state) VALUES ('c1', 'R1', 'c', 'kiosk', 'd', 't', 't', 'maybe')
INSERT INTO sms_outbox(resident_id, next_attempt_at, created_at, status) VALUES ('r', 't', 't', 'lost')
INSERT INTO devices(id, kind, first_seen, last_seen) VALUES ('d', 'phone', 't', 't')
INSERT INTO voter_codes(round_id, code_hash, status, source, created_at, changed_at) VALUES (1, 'h', 'spent', 'import', 't', 't')
INSERT INTO voter_codes(round_id, code_hash, source, created_at, changed_at) VALUES (1, 'h', 'guess', 't', 't')
INSERT INTO devlog(seq, kind, uid, at, digest, mac) VALUES (0, 'ballot', 'u', 't', @BLOB@, @BLOB@)
INSERT INTO devlog(seq, kind, uid, at, digest, mac) VALUES (1, 'vote', 'u', 't', @BLOB@, @BLOB@)
INSERT INTO merge_held(uid, device_id, seq, round_id, channel, cast_at, picks, reason, merged_at, state) VALUES ('c1', 'd', 1, 1, 'kiosk', 't', '1', 'r', 't', 'lost')
INSERT INTO events(code, title, starts_at, ends_at, created_at) VALUES ('c1', 't', '2026-06-01', '2026-06-01', 't')
INSERT INTO event_sources(event_id, kind, value) VALUES (1, 'street', 'x')
INSERT INTO walk_issues(uid, ref, walkabout_id, street, category, seen_at, seen_by, device_id, grade) VALUES ('c1', 'W', 1, 's', 'c', 't', 'b', 'd', 'E')
INSERT INTO walk_issues(uid, ref, walkabout_id, street, category, seen_at, seen_by, device_id, dup_state) VALUES ('c1', 'W', 1, 's', 'c', 't', 'b', 'd', 'maybe')
INSERT INTO walk_checks(issue_id, walkabout_id, observed, at, by) VALUES (1, 1, 'fixed', 't', 'b')
INSERT INTO issue_partner_history(kind, issue_id, at, actor) VALUES ('rating', 1, 't', 'a')
INSERT INTO project_texts(project_id, lang, title) VALUES (1, 'fr', 'Banc')
INSERT INTO project_texts(project_id, lang, title) VALUES (1, 'pl', '')
INSERT INTO project_texts(project_id, lang, description) VALUES (1, 'pl', '')
INSERT INTO project_texts(project_id, lang) VALUES (1, 'pl')
EOF
: >"$T/hit"
while IFS= read -r sql; do
	l=$(echo "$sql" | sed "s/@BLOB@/$blob_lite/g")
	p=$(echo "$sql" | sed "s/@BLOB@/$blob_pg/g")
	if lite "$T/s.db" "$l" >/dev/null 2>"$T/err"; then
		bad "SQLite accepted the bad row: $l"
	elif ! grep -q "CHECK constraint failed" "$T/err"; then
		bad "SQLite refused for another reason: $l: $(cat "$T/err")"
	fi
	if pg -c "$p" >/dev/null 2>"$T/err"; then
		bad "PostgreSQL accepted the bad row: $p"
	elif ! grep -q 'violates check constraint "' "$T/err"; then
		bad "PostgreSQL refused for another reason: $p: $(cat "$T/err")"
	else
		sed -n 's/.*violates check constraint "\([^"]*\)".*/\1/p' "$T/err" >>"$T/hit"
	fi
done <"$T/badrows"
sort -u -o "$T/hit" "$T/hit"
pg -A -t -c "SELECT conname FROM pg_constraint WHERE contype = 'c'
	AND connamespace = current_schema()::regnamespace ORDER BY 1" | sort >"$T/checks"
[ -s "$T/checks" ] || bad "no CHECK constraints found in PostgreSQL"
if ! cmp -s "$T/checks" "$T/hit"; then
	bad "the bad rows do not hit every CHECK once (< not hit, > hit but unknown):"
	diff "$T/checks" "$T/hit"
fi
echo "refused $(wc -l <"$T/badrows") bad rows on both engines, hitting all $(wc -l <"$T/checks") CHECKs"

[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"

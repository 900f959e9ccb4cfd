#!/bin/sh
# admin_pg_migrate.sh: `sayso-admin migrate` moves a whole site from its
# SQLite file to PostgreSQL and back, through the real sayso-admin and a
# throwaway PostgreSQL 15 cluster (scripts/pg-test-cluster; skipped when
# postgresql-15 is not installed).
#
# The site has a round with projects, counted and superseded ballots,
# voter codes, ratings, residents' reports with status history, partner
# routing and a confirmed duplicate pointing at a LATER report (a column
# referring to its own table), SMS inbox (with a sealed sender: bytes),
# outbox and conversation rows, the audit log, an event, walkabouts with
# issues and re-inspections, and a kiosk enrolment (a sealed key: bytes).
# Checked: the PostgreSQL copy tallies exactly as the file does; every
# count and checksum matches; the file made back from PostgreSQL has the
# same rows as the first (sqlite3 .dump, sorted) and tallies the same; new
# rows on PostgreSQL get ids past the copied ones (sequences moved); the
# refusals (non-empty target, kiosk file, not a sayso database, another
# secret, a stray secret); a copy that fails half-way, or is killed
# half-way, leaves no rows, and the same database takes the next copy.
set -u
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
SRC=${SAYSO_SRC:?SAYSO_SRC not set}
[ -x /usr/lib/postgresql/15/bin/initdb ] || {
	echo "SKIP: postgresql-15 not installed"
	exit 77
}
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; exit 77; }
PSQL=/usr/lib/postgresql/15/bin/psql
T=$(mktemp -d /tmp/sayso-pg-migrate-XXXXXX)
chmod 755 "$T"
PGDIR="$T/pg"
LOCKER=
cleanup() {
	[ -n "$LOCKER" ] && kill "$LOCKER" 2>/dev/null
	"$SRC/scripts/pg-test-cluster" stop "$PGDIR" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
URI=$("$SRC/scripts/pg-test-cluster" start "$PGDIR") || {
	echo "FAIL: the test cluster did not start"
	exit 1
}
BASE=${URI%/sayso}
cd "$T" || exit 1
unset SAYSO_CONFIG
export SAYSO_ACTOR=tester TZ=UTC LC_ALL=C SAYSO_NOW=2026-06-01T08:00:00Z
fail=0

run() { "$A" --db s.db "$@" >/dev/null 2>"$T/.err" || {
	echo "FAIL: setup: $*"
	cat "$T/.err"
	fail=1
}; }
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if ! "$@"; then
		echo "FAIL: $d"
		fail=1
	fi
}
newdb() { # newdb NAME: an empty database in the cluster; prints its URI
	"$PSQL" -q -X "$URI" -c "CREATE DATABASE $1" >/dev/null || echo "FAIL: createdb $1" >&2
	echo "$BASE/$1"
}
q() { "$PSQL" -X -A -t "$1" -c "$2"; }

expect_fail() { # expect_fail DESCRIPTION PATTERN COMMAND...
	d=$1 pat=$2
	shift 2
	if "$@" >ref.out 2>ref.err; then
		echo "FAIL: $d: it succeeded"
		fail=1
	elif ! grep -q -- "$pat" ref.err; then
		echo "FAIL: $d: the message does not say '$pat':"
		cat ref.err
		fail=1
	fi
}

# ---- the site ----
run init
run round create PARK --title "Poets Park" --budget 10000
run project add PARK --title "New benches" --cost 3000
run project add PARK --title "Play area – für alle" --cost 6000
run project add PARK --title "Wildflower meadow" --cost 2000
run round open PARK
SAYSO_NOW=2026-06-02T10:00:00Z run ballot add PARK --phone 07700900001 --projects 1,2 --channel paper
SAYSO_NOW=2026-06-02T10:01:00Z run ballot add PARK --phone 07700900002 --projects 2,3 --channel paper
SAYSO_NOW=2026-06-02T10:02:00Z run ballot add PARK --phone 07700900003 --projects 1 --channel paper
# the same resident again: the first ballot is superseded
SAYSO_NOW=2026-06-03T09:00:00Z run ballot add PARK --phone 07700900001 --projects 3 --channel paper
run codes generate PARK --count 5 --out codes.csv
run event create FUN --title "Fun day" --from 2026-06-14T11:00:00Z \
	--to 2026-06-14T16:00:00Z --device k1 --channel sms --place "Poets Park"
run partner add COUNCIL --name "City Council"
run partner add HOUSING --name "Housing Trust"
run partner route COUNCIL --category litter
run partner route HOUSING --category damp-mould --street "Keats Road"
SAYSO_NOW=2026-04-14T09:00:00Z run walkabout start APR --date 2026-04-14 \
	--by "Ann Lee,Raj Patel" --streets "Byron Street,Keats Street"
SAYSO_NOW=2026-05-12T09:00:00Z run walkabout start MAY --date 2026-05-12 \
	--by "Ann Lee" --streets "Byron Street"
a1=$("$A" --db s.db walkabout log APR --street "Byron Street" --category litter \
	--grade C --at 2026-04-14T10:00:00Z 2>>"$T/.err")
a2=$("$A" --db s.db walkabout log APR --street "Byron Street" --category graffiti \
	--grade B --note "tag on the wall" --at 2026-04-14T10:10:00Z 2>>"$T/.err")
check "walk issues logged" test -n "$a1" -a -n "$a2"
run walkabout check MAY --issue "$a1" --observed resolved --at 2026-05-12T10:00:00Z
{
	echo "BEGIN;"
	i=1
	while [ $i -le 40 ]; do
		echo "INSERT INTO ratings (uid, score, question, answer, channel, device_id, cast_at) VALUES ('F$i', $((i % 5 + 1)), 'best', $([ $((i % 3)) = 0 ] && echo "'Park ''n'' café'" || echo NULL), 'kiosk', 'k1', '2026-06-14T11:$((10 + i)):00.000Z');"
		i=$((i + 1))
	done
	echo "INSERT INTO ratings (uid, score, channel, device_id, cast_at, flag) VALUES ('R1', 5, 'kiosk', 'k1', '2026-06-14T12:00:01.000Z', 'repeat');"
	n=0
	for r in "litter open" "litter in_progress" "damp-mould resolved" "litter open"; do
		set -- $r
		n=$((n + 1))
		echo "INSERT INTO reports (uid, ref, category, street, text, status, channel, device_id, cast_at, updated_at) VALUES ('Q$n', 'POE-$n', '$1', 'Keats Road', 'line one
line two ✓', '$2', 'kiosk', 'k1', '2026-06-1${n}T10:00:00.000Z', '2026-06-1${n}T10:00:00.000Z');"
	done
	echo "INSERT INTO sms_inbox (provider, provider_id, resident_id, body, received_at, from_sealed) VALUES ('kannel', 'm1', 'res1', 'VOTE 1 2', '2026-06-02T11:00:00.000Z', X'00ff10deadbeef00'), ('kannel', 'm2', 'res2', 'RATE 5', '2026-06-02T11:01:00.000Z', NULL);"
	echo "INSERT INTO sms_outbox (to_number, resident_id, body, inbox_id, status, next_attempt_at, created_at) VALUES (NULL, 'res1', 'Thanks', 1, 'sent', '2026-06-02T11:00:01.000Z', '2026-06-02T11:00:01.000Z'), ('+447700900009', 'res2', 'Thanks again', 2, 'queued', '2026-06-02T11:01:01.000Z', '2026-06-02T11:01:01.000Z');"
	# more rows than a page (8192) in a table with a one-column key and in
	# one with a two-column key: the copy reads them page by page
	echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9000) INSERT INTO ratings (uid, score, channel, device_id, cast_at) SELECT 'G' || i, i % 5 + 1, 'sms', 'smsgw', '2026-06-20T10:00:00.000Z' FROM n;"
	echo "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 5099) INSERT INTO ballots (id, uid, round_id, resident_id, channel, device_id, cast_at, status) SELECT i, 'K' || i, (SELECT id FROM rounds WHERE code = 'PARK'), 'kres' || i, 'kiosk', 'k1', '2026-06-14T12:00:00.000Z', 'counted' FROM n;"
	echo "INSERT INTO ballot_items (ballot_id, project_id) SELECT b.id, p.id FROM ballots b JOIN projects p ON p.number IN (1 + b.id % 3, 1 + (b.id + 1) % 3) WHERE b.id >= 100;"
	echo "INSERT INTO sms_convo (resident_id, kind, ref, expires_at) VALUES ('res2', 'report', 'POE-2', '2026-06-02T12:00:00.000Z');"
	echo "COMMIT;"
} >site.sql
check "the site's rows load" sqlite3 s.db ".read site.sql"
run reports set 2 resolved --note "cleared"
run reports set 3 in_progress --note "surveyed"
run report assign POE-1 --partner HOUSING --note "their land"
# POE-1 duplicates the LATER POE-4: a reference forward in its own table
run report duplicate POE-1 --of POE-4
run kiosk enrol K1 --out kiosk.db
check "a report refers forward to a later one" \
	test "$(sqlite3 s.db "SELECT count(*) FROM reports r JOIN reports o ON o.id = r.dup_of WHERE o.id > r.id")" = 1
check "ballot_items has more rows than a page" \
	test "$(sqlite3 s.db "SELECT count(*) FROM ballot_items")" -gt 8192
check "a ballot is superseded" \
	test "$(sqlite3 s.db "SELECT count(*) FROM ballots WHERE status = 'superseded'")" = 1

"$A" --db s.db tally PARK >tally.s 2>&1 || { echo "FAIL: tally on the file"; cat tally.s; fail=1; }

# ---- SQLite -> PostgreSQL ----
P1=$(newdb m1)
if ! "$A" --db s.db migrate --to "$P1" >mig1.out 2>mig1.err; then
	echo "FAIL: migrate to PostgreSQL"
	cat mig1.out mig1.err
	fail=1
fi
check "migrate printed every table with a matching checksum" \
	grep -q "every count and checksum matches" mig1.out
check "no table differs" sh -c '! grep -q DIFFERS mig1.out'
for t in ballots ballot_items rounds projects ratings reports report_history \
	sms_inbox sms_outbox sms_convo audit events walkabouts walk_issues walk_checks \
	partners partner_routes voter_codes kiosk_enrolments issue_partner_history; do
	lite=$(sqlite3 s.db "SELECT count(*) FROM $t")
	pg=$(q "$P1" "SELECT count(*) FROM $t")
	check "$t: $lite rows in the file, $pg on PostgreSQL" test "$lite" = "$pg"
	check "$t has rows to copy" test "$lite" -gt 0
	check "migrate's table names $t with $lite rows" \
		grep -Eq "^$t +$lite +$lite +[0-9a-f]{16} +ok" mig1.out
done
check "the sealed sender's bytes crossed intact" \
	test "$(q "$P1" "SELECT encode(from_sealed, 'hex') FROM sms_inbox WHERE provider_id = 'm1'")" = 00ff10deadbeef00
check "the secret is the source's: PostgreSQL opens with it" \
	sh -c "'$A' --db '$P1' --secret s.db.secret round list >/dev/null"
"$A" --db "$P1" --secret s.db.secret tally PARK >tally.p 2>&1
check "PostgreSQL tallies the same" cmp -s tally.s tally.p
head -c 32 /dev/urandom >other.secret
chmod 600 other.secret
expect_fail "another secret on the copy" "another site's secret" \
	"$A" --db "$P1" --secret other.secret round create X --title X --budget 1
# the sequences were moved: a new ballot gets the next id
maxid=$(q "$P1" "SELECT max(id) FROM ballots")
SAYSO_NOW=2026-06-04T09:00:00Z "$A" --db "$P1" --secret s.db.secret ballot add PARK \
	--phone 07700900004 --projects 2 --channel paper >/dev/null 2>"$T/.err" ||
	{ echo "FAIL: a ballot on PostgreSQL after the copy"; cat "$T/.err"; fail=1; }
check "a new ballot's id follows the copied ones" \
	test "$(q "$P1" "SELECT max(id) FROM ballots")" = $((maxid + 1))
SAYSO_NOW=2026-06-04T09:01:00Z "$A" --db "$P1" --secret s.db.secret round create SPARE \
	--title Spare --budget 10 >/dev/null 2>&1 || { echo "FAIL: a round on PostgreSQL after the copy"; fail=1; }

# ---- PostgreSQL -> SQLite (before the new rows: a second copy of m1) ----
P2=$(newdb m2)
check "s.db copies again into another empty database" \
	sh -c "'$A' --db s.db migrate --to '$P2' >/dev/null 2>&1"
if ! "$A" --db "$P2" --secret s.db.secret migrate --to back.db >mig2.out 2>mig2.err; then
	echo "FAIL: migrate back to SQLite"
	cat mig2.out mig2.err
	fail=1
fi
check "back.db.secret is the same secret" cmp -s s.db.secret back.db.secret
check "back.db.secret is mode 0600" test "$(stat -c %a back.db.secret)" = 600
sqlite3 s.db .dump | sort >dump.s
sqlite3 back.db .dump | sort >dump.b
check "the file made back from PostgreSQL has the same rows and schema" \
	cmp -s dump.s dump.b
[ -s dump.s ] && ! cmp -s dump.s dump.b && diff dump.s dump.b | head -20
"$A" --db back.db tally PARK >tally.b 2>&1
check "the file made back tallies the same" cmp -s tally.s tally.b
check "back.db passes check" sh -c "'$A' --db back.db check >/dev/null"

# ---- refusals ----
expect_fail "a non-empty target" "is not empty" "$A" --db s.db migrate --to "$P1"
expect_fail "an existing file target" "another secret\|not empty" \
	"$A" --db s.db migrate --to back.db
expect_fail "a kiosk's file" "enrolled kiosk" "$A" --db kiosk.db migrate --to "$(newdb m3)"
check "the refused kiosk copy left m3 without rows" \
	test "$(q "$BASE/m3" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
expect_fail "not a sayso database" "not a sayso database" \
	"$A" --db other.db migrate --to "$(newdb m4)"
q "$BASE/m4" "CREATE TABLE foreign_stuff (x int)" >/dev/null
expect_fail "a PostgreSQL database with other tables" "not a sayso database" \
	"$A" --db s.db migrate --to "$BASE/m4"
: >stray.db.secret
expect_fail "a stray secret beside the target file" "refusing to guess" \
	"$A" --db "$P2" --secret s.db.secret migrate --to stray.db
check "no stray.db was made" test ! -e stray.db
expect_fail "--to-secret for a file" "to-secret" \
	"$A" --db "$P2" --secret s.db.secret migrate --to x.db --to-secret s.db.secret
expect_fail "--to is required" "--to is required" "$A" --db s.db migrate
check "a usage error exits 2" sh -c "'$A' --db s.db migrate --bogus >/dev/null 2>&1; test \$? = 2"
P5=$(newdb m5)
"$A" --db "$P5" --secret m5.secret init >/dev/null 2>&1 ||
	{ echo "FAIL: init on m5"; fail=1; }
expect_fail "a target made with another secret" "another site.s secret" \
	"$A" --db s.db migrate --to "$P5"

# --to-secret: a copy of the secret at a new path, or the same secret
P7=$(newdb m7)
check "--to-secret NEW writes a copy of the secret" \
	sh -c "'$A' --db s.db migrate --to '$P7' --to-secret '$T/site.secret' >/dev/null 2>&1"
check "... the same 32 bytes" cmp -s s.db.secret site.secret
check "... mode 0600" test "$(stat -c %a site.secret)" = 600
check "... and the copy opens with it" \
	sh -c "'$A' --db '$P7' --secret site.secret round create Y --title Y --budget 1 >/dev/null 2>&1"
expect_fail "--to-secret naming another secret" "holds another secret" \
	"$A" --db s.db migrate --to "$(newdb m8)" --to-secret other.secret

# ---- a copy that fails half-way leaves no rows ----
# A value PostgreSQL cannot take (SQLite keeps text in an INTEGER column)
# in a table copied late: every table before it was already written.
cp s.db bad.db
cp s.db.secret bad.db.secret
sqlite3 bad.db "UPDATE walk_checks SET walkabout_id = 'not a number'"
P6=$(newdb m6)
expect_fail "a row PostgreSQL refuses" "walk_checks" \
	"$A" --db bad.db migrate --to "$P6"
check "the failed copy says nothing was copied" grep -q "holds no rows" ref.err
check "the failed copy kept no rows (ballots)" \
	test "$(q "$P6" "SELECT count(*) FROM ballots")" = 0
check "the failed copy kept no rows (audit)" \
	test "$(q "$P6" "SELECT count(*) FROM audit")" = 0
check "the failed copy kept no rows (rounds)" \
	test "$(q "$P6" "SELECT count(*) FROM rounds")" = 0
# and the same database takes the good copy afterwards
check "the emptied target takes a copy afterwards" \
	sh -c "'$A' --db s.db migrate --to '$P6' >/dev/null 2>&1"
check "... with every ballot" \
	test "$(q "$P6" "SELECT count(*) FROM ballots")" = "$(sqlite3 s.db "SELECT count(*) FROM ballots")"
# A copy killed half-way (kill -9 while it waits for a table another
# session holds): the server rolls its transaction back, nothing is kept,
# and the next copy into the same database succeeds.
P9=$(newdb m9)
"$A" --db bad.db migrate --to "$P9" >/dev/null 2>&1 # leaves the empty schema
check "m9 has the schema and no rows" \
	test "$(q "$P9" "SELECT count(*) FROM rounds")" = 0
"$PSQL" -X -q "$P9" -c "BEGIN; LOCK TABLE walk_checks IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;" >/dev/null 2>&1 &
LOCKER=$!
n=0
until [ "$(q "$P9" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'walk_checks' AND l.granted AND l.mode = 'AccessExclusiveLock'")" = 1 ] || [ $n -ge 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
"$A" --db s.db migrate --to "$P9" >kill.out 2>&1 &
MIG=$!
n=0
until [ "$(q "$P9" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'walk_checks' AND NOT l.granted")" -ge 1 ] || [ $n -ge 80 ]; do
	sleep 0.1
	n=$((n + 1))
done
check "the copy was waiting half-way when killed" test $n -lt 80
kill -9 $MIG
wait $MIG 2>/dev/null
kill "$LOCKER" 2>/dev/null
q "$P9" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()" >/dev/null
wait "$LOCKER" 2>/dev/null
n=0
until [ "$(q "$P9" "SELECT count(*) FROM pg_stat_activity WHERE datname = 'm9' AND pid <> pg_backend_pid()")" = 0 ] || [ $n -ge 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
for t in ballots audit rounds ratings walkabouts; do
	check "the killed copy kept no rows ($t)" test "$(q "$P9" "SELECT count(*) FROM $t")" = 0
done
check "the database of the killed copy takes a copy afterwards" \
	sh -c "'$A' --db s.db migrate --to '$P9' >/dev/null 2>&1"
check "... with every walk check" \
	test "$(q "$P9" "SELECT count(*) FROM walk_checks")" = "$(sqlite3 s.db "SELECT count(*) FROM walk_checks")"

# PostgreSQL -> a file that fails: the file is removed
q "$P6" "ALTER TABLE ratings DROP CONSTRAINT IF EXISTS ratings_score_check" >/dev/null 2>&1
q "$P6" "UPDATE ratings SET score = 99 WHERE uid = 'F1'" >/dev/null
expect_fail "a row SQLite refuses" "ratings" \
	"$A" --db "$P6" --secret s.db.secret migrate --to half.db
check "the half-made file was removed" test ! -e half.db -a ! -e half.db.secret

[ $fail = 0 ] && echo "ok: admin_pg_migrate"
exit $fail

#!/bin/sh
# admin_codes.sh: who may vote, through the real sayso-admin. Invented codes
# (AAAA, 0000, HELLO-WORLD), another round's code, a voided code and a code
# reused after its resident is erased are all refused on paper; generated and
# imported codes vote once; a code round refuses phone numbers; round show
# gives the identity setting; projects are fixed once a round opens; 30
# February is refused; every change is audited with the --actor given.
# engines: sqlite pg (the site database from db.inc)
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
T=$(mktemp -d /tmp/sayso-admin-codes-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site c.db
unset SAYSO_CONFIG SAYSO_ACTOR
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}
run() { # run WANT_RC ARGS...: output in $T/out
	want=$1
	shift
	"$A" --db "$DB" --secret "$SECRET" "$@" >"$T/out" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] || { bad "$* exited $rc, want $want:"; cat "$T/out"; }
}
has() { grep -q -- "$1" "$T/out" || { bad "expected '$1' in:"; cat "$T/out"; }; }

run 0 init
run 0 round create a --title "Round A" --budget 1000
run 0 round create b --title "Round B" --budget 1000 --identity code
run 2 round create c --title C --budget 1 --identity email
has "is not phone, code, phone+sms or any"
run 1 round create d --title D --budget 1 --opens 2026-02-30
has "February 2026 has 28 days, not 30"
run 1 round create d --title D --budget 1 --closes "2026-04-31 18:00"
has "April 2026 has 30 days, not 31"
for r in a b; do
	run 0 project add $r --title Swings --cost 100
	run 0 project add $r --title Trees --cost 200
	run 0 round open $r
done
run 1 project add a --title Late --cost 1
has "only while it is a draft"
run 0 round show b
has "^identity  code$"
run 0 round show b --format json
has '"identity": "code"'

# generated codes are recorded; printed ones are imported
run 0 codes generate a --count 2 --out gen.csv
g1=$(sed -n 2p gen.csv | cut -d, -f1)
printf 'code\nPRNT-2222\nprnt3333\n' >printed.csv
run 0 codes import b printed.csv
has "imported 2 voter codes for b"
printf 'code\nGOOD4444\nbad code!\n' >broken.csv
run 1 codes import b broken.csv
has "broken.csv:3: 'bad code!' is not a voter code"
run 1 codes import b printed.csv
has "printed.csv:2: code PRNT2222 is already recorded for b"
[ "$(db_sql "SELECT count(*) FROM voter_codes WHERE round_id = 2")" = 2 ] ||
	bad "a failed import left codes behind"
[ "$(db_sql "SELECT count(*) FROM voter_codes WHERE code_hash LIKE '%PRNT%'")" = 0 ] ||
	bad "a plain code is stored"

for c in AAAA 0000 HELLO-WORLD; do
	run 0 ballot add a --code "$c" --projects 1
	has "^invalid: this is not a voter code for Round A"
done
run 0 ballot add a --code PRNT2222 --projects 1
has "^invalid: this is not a voter code for Round A"
run 0 ballot add a --code "$g1" --projects 1
has "^accepted: "
run 0 ballot add b --code prnt-2222 --projects 2
has "^accepted: "
run 0 ballot add b --phone 07700900001 --projects 2
has "^invalid: this vote takes voter codes only"
run 0 codes list b --status used
has "^1 voter code$"
run 0 codes list b --format csv
has "^id,hash,status,source,created_at,changed_at"

# void: refused without --why; then the code cannot vote
run 2 codes void b PRNT3333
run 1 codes void b NOPE2222 --why "lost"
has "was not issued for this round"
run 0 --actor alice codes void b PRNT3333 --why "sheet lost in the rain"
run 0 ballot add b --code PRNT3333 --projects 1
has "^invalid: this voter code has been cancelled"
[ "$(db_sql "SELECT actor FROM audit WHERE action = 'codes.void' AND detail LIKE '%why: sheet lost in the rain'")" = "admin:alice" ] ||
	bad "codes void is not audited with actor and reason"

# a test code (staff trying the kiosk) votes again and again, never counted
printf 'code\nSTAF-F222\n' >staff.csv
run 0 codes import b staff.csv --test
has "imported 1 test voter code for b"
for i in 1 2; do
	run 0 ballot add b --code STAFF222 --projects 1
	has "^invalid: a test voter code: this ballot is kept but never counted"
done
run 0 codes list b --status test --format json
has '"status": "test"'

# erasure leaves a used code used: it cannot vote again
run 0 erase --code PRNT2222
run 0 ballot add b --code PRNT2222 --projects 1
has "^invalid: this voter code has already been used"
[ "$(db_sql "SELECT count(*) FROM ballots WHERE status = 'counted'")" = 2 ] ||
	bad "counted ballots: want 2"
[ "$fail" -eq 0 ] && echo PASS
exit "$fail"

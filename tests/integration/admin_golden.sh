#!/bin/sh
# admin_golden.sh: the organisers' whole workflow through the real
# sayso-admin binary, every command in text, CSV and JSON, compared byte for
# byte with tests/data/admin/golden/NAME.out (stdout, then stderr, then the
# exit status). Time is pinned per step with SAYSO_NOW so output is
# deterministic. Regenerate after an intended change with
#   SAYSO_UPDATE_GOLDEN=1 ctest -R admin_golden
# and read the diff before committing it.
set -u
# Pins the time with SAYSO_NOW: a test build only (SAYSO_TEST_CLOCK=ON).
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
D=${SAYSO_TESTDATA:?SAYSO_TESTDATA not set}/admin
G=$D/golden
T=$(mktemp -d /tmp/sayso-admin-golden-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG
export SAYSO_ACTOR=tester
fail=0
n=0

# step NAME TIME ARGS...: one sayso-admin run (with --db main.db unless the
# first argument is --db), compared with its golden file.
step() {
	name=$1
	now=$2
	shift 2
	n=$((n + 1))
	case "${1:-}" in
	--db) SAYSO_NOW=$now "$A" "$@" >"$T/.out" 2>"$T/.err" ;;
	*) SAYSO_NOW=$now "$A" --db main.db "$@" >"$T/.out" 2>"$T/.err" ;;
	esac
	rc=$?
	{
		cat "$T/.out"
		echo "--- stderr"
		cat "$T/.err"
		echo "--- exit $rc"
	} | sed "s|$T|TMP|g; s|$D|DATA|g" |
		sed -E 's/^schema version: ([0-9]+) \(this sayso: \1\)$/schema version: LATEST (this sayso: LATEST)/; s/enrolment [0-9A-Z]{26}/enrolment ENROLMENT/g' >"$T/.got"
	if [ -n "${SAYSO_UPDATE_GOLDEN:-}" ]; then
		cp "$T/.got" "$G/$name.out"
	elif [ ! -f "$G/$name.out" ]; then
		echo "FAIL $name: no golden file $G/$name.out"
		fail=1
	elif ! cmp -s "$T/.got" "$G/$name.out"; then
		echo "FAIL $name: output differs from golden"
		diff -u "$G/$name.out" "$T/.got" | head -60
		fail=1
	fi
}

check() { # check DESCRIPTION COMMAND...: a plain assertion
	if ! "$@"; then
		echo "FAIL: $CHECK"
		fail=1
	fi
}

# ---- init, usage ----
step init-01 2026-11-20T09:00:00Z init
step init-02-refuses 2026-11-20T09:00:00Z init
step usage-01-unknown-command 2026-11-20T09:00:00Z frobnicate
step usage-02-noun-alone 2026-11-20T09:00:00Z round
step usage-03-help 2026-11-20T09:00:00Z round create --help
step usage-04-missing-flag 2026-11-20T09:00:00Z round create parks --title X
step usage-05-unknown-option 2026-11-20T09:00:00Z round list --colour
step usage-06-no-database 2026-11-20T09:00:00Z --db nothing.db round list

# ---- rounds ----
step round-01-create 2026-11-20T09:01:00Z round create parks \
	--title "Parks 2026" --budget "£50,000" --max-picks 3
step round-02-create-knapsack 2026-11-20T09:01:00Z round create hall \
	--title "Community hall" --budget 10000 --ballot knapsack \
	--revote last --opens "2026-11-20 09:00" --closes 2026-12-31
step round-03-bad-budget 2026-11-20T09:01:00Z round create bad \
	--title Bad --budget "£5O,000"
step round-04-exists 2026-11-20T09:01:00Z round create parks \
	--title Again --budget 1
step round-05-bad-ballot 2026-11-20T09:01:00Z round create x --title X \
	--budget 1 --ballot ranked

# ---- projects ----
step project-01-add 2026-11-20T09:02:00Z project add parks \
	--title "Play area" --cost "£20,000" --desc "Swings and a slide"
step project-02-add 2026-11-20T09:02:00Z project add parks --title Trees \
	--cost 12500.50
step project-03-add 2026-11-20T09:02:00Z project add parks --title Benches \
	--cost 8000 --number 3
step project-04-add 2026-11-20T09:02:00Z project add parks \
	--title "Bike shelter, covered" --cost 15000
step project-05-bad-cost 2026-11-20T09:02:00Z project add parks --title X \
	--cost "£5O,000"
step project-06-taken 2026-11-20T09:02:00Z project add parks --title X \
	--cost 1 --number 3
step project-07-unknown-round 2026-11-20T09:02:00Z project add nope \
	--title X --cost 1
step project-08-import-stray-quote 2026-11-20T09:02:00Z project import hall \
	"$D/projects-stray-quote.csv"
step project-09-import-bad-rows 2026-11-20T09:02:00Z project import hall \
	"$D/projects-bad.csv"
step project-10-list-after-bad 2026-11-20T09:02:00Z project list hall
step project-11-import 2026-11-20T09:02:00Z project import hall \
	"$D/projects.csv"
step project-12-list 2026-11-20T09:02:00Z project list parks
step project-13-list-csv 2026-11-20T09:02:00Z project list hall --format csv
step project-14-list-json 2026-11-20T09:02:00Z project list hall \
	--format json

step round-06-list 2026-11-20T09:03:00Z round list
step round-07-list-csv 2026-11-20T09:03:00Z round list --format csv
step round-08-list-json 2026-11-20T09:03:00Z round list --format json
step round-09-show 2026-11-20T09:03:00Z round show hall
step round-10-show-csv 2026-11-20T09:03:00Z round show hall --format csv
step round-11-show-json 2026-11-20T09:03:00Z round show parks --format json

# ---- ballots ----
step ballot-01-draft 2026-11-20T09:04:00Z ballot add parks \
	--phone 07700900001 --projects 1
step round-12-open 2026-11-20T09:05:00Z round open parks
step round-13-open-again 2026-11-20T09:05:00Z round open parks
step round-14-open-hall 2026-11-20T09:05:00Z round open hall
# An offline kiosk is enrolled: its own database, resident-id key and
# device key.
step kiosk-00-enrol 2026-11-20T09:06:00Z kiosk enrol fun-1 --out kiosk.db
step kiosk-00-enrol-exists 2026-11-20T09:06:00Z kiosk enrol fun-2 \
	--out kiosk.db
step kiosk-01-ballot 2026-11-20T09:30:00Z --db kiosk.db ballot add parks \
	--phone 07700900002 --projects 2 --channel kiosk
step kiosk-02-ballot 2026-11-20T09:31:00Z --db kiosk.db ballot add parks \
	--phone 07700900005 --projects 3,4 --channel kiosk

step ballot-02-accepted 2026-11-20T10:00:00Z ballot add parks \
	--phone 07700900001 --projects 1,2
step ballot-03-already 2026-11-20T10:05:00Z ballot add parks \
	--phone "+44 7700 900001" --projects 3
step ballot-04-accepted 2026-11-20T10:10:00Z ballot add parks \
	--phone 07700900002 --projects 1,4
step ballot-05-unknown-project 2026-11-20T10:15:00Z ballot add parks \
	--phone 07700900003 --projects 9
step ballot-06-too-many 2026-11-20T10:16:00Z ballot add parks \
	--phone 07700900004 --projects 1,2,3,4
# Codes printed elsewhere are recorded before they can vote.
printf 'code\nk7qm-4xpd\n' >printed.csv
step codes-02-import 2026-11-20T10:19:00Z codes import parks printed.csv
step ballot-07-code 2026-11-20T10:20:00Z ballot add parks \
	--code k7qm-4xpd --projects 2
step ballot-08-landline 2026-11-20T10:21:00Z ballot add parks \
	--phone "0161 496 0000" --projects 1
step ballot-09-both 2026-11-20T10:21:00Z ballot add parks \
	--phone 07700900006 --code ABCD --projects 1
step ballot-10-bad-projects 2026-11-20T10:21:00Z ballot add parks \
	--phone 07700900006 --projects 1,x
step ballot-11-sms 2026-11-20T11:00:00Z ballot add hall \
	--phone 07700900001 --projects 1,2 --channel sms
step ballot-12-replaces 2026-11-20T11:05:00Z ballot add hall \
	--phone 07700900001 --projects 2
step ballot-13-over-budget 2026-11-20T11:06:00Z ballot add hall \
	--phone 07700900007 --projects 1,2,3

# ---- voter codes (random: checked by shape, not golden) ----
SAYSO_NOW=2026-11-20T10:30:00Z "$A" --db main.db codes generate parks \
	--count 5 --out codes.csv >"$T/.codes" 2>&1
rc=$?
CHECK="codes generate --out: exit 0"; check test $rc -eq 0
CHECK="codes generate --out: message"
check grep -q "^wrote 5 voter codes for parks to codes.csv$" "$T/.codes"
CHECK="codes.csv: header and 5 codes from the unambiguous alphabet"
check test "$(grep -c -E '^[2-9ABCDEFGHJKMNPQRSTVWXYZ]{4}-[2-9ABCDEFGHJKMNPQRSTVWXYZ]{4},parks,Parks 2026'"$(printf '\r')"'$' codes.csv)" -eq 5
CHECK="codes.csv: RFC 4180 header"
check test "$(head -n 1 codes.csv)" = "$(printf 'code,round,title\r')"
code1=$(sed -n 2p codes.csv | cut -d, -f1)
step codes-01-refuse-overwrite 2026-11-20T10:31:00Z codes generate parks \
	--count 1 --out codes.csv
SAYSO_NOW=2026-11-20T10:32:00Z "$A" --db main.db codes generate parks \
	--count 3 >"$T/.codes" 2>&1
CHECK="codes generate to stdout: 3 distinct codes"
check test "$(grep -E -c '^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$' "$T/.codes")" -eq 3
SAYSO_NOW=2026-11-20T10:33:00Z "$A" --db main.db ballot add parks \
	--code "$code1" --projects 4 >"$T/.codes" 2>&1
CHECK="a generated code votes"; check grep -q "^accepted: " "$T/.codes"
SAYSO_NOW=2026-11-20T10:34:00Z "$A" --db main.db ballot add parks \
	--code "$(echo "$code1" | tr 'A-Z' 'a-z' | tr -d -)" --projects 1 \
	>"$T/.codes" 2>&1
CHECK="the same code typed another way has already voted"
check grep -q "^already voted: by paper" "$T/.codes"

# ---- tallies while open: provisional ----
step tally-01-greedy 2026-11-20T12:00:00Z tally parks
step tally-02-mes 2026-11-20T12:00:00Z tally parks --rule mes
step tally-03-approval 2026-11-20T12:00:00Z tally parks --rule approval
step tally-04-csv 2026-11-20T12:00:00Z tally parks --format csv
step tally-05-json 2026-11-20T12:00:00Z tally parks --format json
step tally-06-knapsack-approval 2026-11-20T12:00:00Z tally hall \
	--rule approval
step tally-07-bad-rule 2026-11-20T12:00:00Z tally parks --rule borda
step tally-08-unknown-round 2026-11-20T12:00:00Z tally nope

# ---- merge ----
step merge-00-dry-run 2026-11-20T12:09:00Z merge --dry-run kiosk.db
step merge-01 2026-11-20T12:10:00Z merge kiosk.db
step merge-02-again 2026-11-20T12:11:00Z merge kiosk.db
step tally-09-after-merge 2026-11-20T12:12:00Z tally parks --format json
step init-03-other-site 2026-11-20T12:13:00Z --db other.db init
step merge-03-other-site 2026-11-20T12:14:00Z merge other.db
echo "this is not a database" >junk.db
step merge-04-not-sayso 2026-11-20T12:15:00Z merge junk.db
step merge-05-self 2026-11-20T12:15:00Z merge main.db
step merge-06-missing 2026-11-20T12:15:00Z merge nowhere.db
step merge-07-held-list 2026-11-20T12:15:00Z merge held
step merge-08-held-accept-none 2026-11-20T12:15:00Z merge accept 7
step round-15-not-sayso 2026-11-20T12:15:00Z --db junk.db round list

# ---- voters ----
step voters-01 2026-11-20T12:20:00Z voters report parks --electorate 1200
step voters-02-csv 2026-11-20T12:20:00Z voters report parks --electorate 1200 \
	--format csv
step voters-03-json 2026-11-20T12:20:00Z voters report parks --format json

# ---- close, final tally, erase keeps it ----
step round-16-close 2026-11-20T13:00:00Z round close parks
step tally-10-closed-mes-json 2026-11-20T13:00:00Z tally parks --rule mes \
	--format json
SAYSO_NOW=2026-11-20T13:00:00Z "$A" --db main.db tally parks --format json \
	>"$T/before.json"
step erase-01-phone 2026-11-20T13:10:00Z erase --phone 07700900001
step erase-02-again 2026-11-20T13:11:00Z erase --phone 07700900001
step erase-03-code 2026-11-20T13:12:00Z erase --code K7QM4XPD
SAYSO_NOW=2026-11-20T13:00:00Z "$A" --db main.db tally parks --format json \
	>"$T/after.json"
CHECK="erase keeps the tally byte for byte"
check cmp -s "$T/before.json" "$T/after.json"
CHECK="erase re-labels the ballots with pseudonyms"
command -v sqlite3 >/dev/null &&
	check test "$(sqlite3 main.db "SELECT count(*) FROM ballots WHERE resident_id LIKE 'erased-%'")" -ge 3

# ---- pabulib ----
step pb-01-import 2026-11-20T14:00:00Z import pb "$D/small.pb" --code small
step pb-02-tally 2026-11-20T14:00:00Z tally small --format json
step pb-03-tally-mes 2026-11-20T14:00:00Z tally small --rule mes
step pb-04-export 2026-11-20T14:00:00Z export pb small --rule greedy
step pb-05-missing-section 2026-11-20T14:00:00Z import pb \
	"$D/missing-section.pb"
step pb-06-unknown-project 2026-11-20T14:00:00Z import pb \
	"$D/unknown-project.pb"
step pb-07-code-taken 2026-11-20T14:00:00Z import pb "$D/small.pb" \
	--code small
if command -v jq >/dev/null 2>&1; then
	# Re-imported into a database of their own, so main.db (and the
	# golden counts of `check` below) do not depend on jq being here.
	"$A" --db rt.db init >/dev/null
	"$A" --db main.db export pb small --out small-out.pb >/dev/null
	"$A" --db rt.db import pb small-out.pb --code small2 >/dev/null
	"$A" --db main.db tally small --format json | jq -S 'del(.round, .title)' \
		>"$T/a.json"
	"$A" --db rt.db tally small2 --format json | jq -S 'del(.round, .title)' \
		>"$T/b.json"
	CHECK="an exported round re-imports to an identical tally"
	check test -s "$T/a.json"
	check cmp -s "$T/a.json" "$T/b.json"
	"$A" --db main.db export pb parks --out parks.pb >/dev/null
	"$A" --db rt.db import pb parks.pb --code parks2 >/dev/null
	for rule in greedy mes approval; do
		"$A" --db main.db tally parks --rule $rule --format json |
			jq -S '{spent, selected, p: [.projects[] | {id, votes, selected}]}' >"$T/a.json"
		"$A" --db rt.db tally parks2 --rule $rule --format json |
			jq -S '{spent, selected, p: [.projects[] | {id, votes, selected}]}' >"$T/b.json"
		CHECK="a sayso round exported and re-imported tallies the same ($rule)"
		check test -s "$T/a.json"
		check cmp -s "$T/a.json" "$T/b.json"
	done
else
	echo "note: jq is not installed: pabulib round-trip checks skipped"
fi

# ---- backup and check ----
step backup-02 2026-11-20T15:00:00Z backup backup.db
step backup-03-exists 2026-11-20T15:00:00Z backup backup.db
step check-01 2026-11-20T15:00:00Z --db backup.db check

# ---- a read-only database: chmod for users, chattr +i for root ----
cp main.db ro.db && cp main.db.secret ro.db.secret
ro=
if [ "$(id -u)" != 0 ]; then
	chmod 0444 ro.db && chmod 0555 . && ro=chmod
elif chattr +i ro.db 2>/dev/null; then
	ro=chattr
	trap 'chattr -i "$T/ro.db" 2>/dev/null; rm -rf "$T"' EXIT
fi
command -v sqlite3 >/dev/null || ro=
if [ -n "$ro" ]; then
	before=$(sqlite3 main.db "SELECT count(*) FROM rounds")
	"$A" --db ro.db round create ro --title RO --budget 1 >"$T/.ro" 2>&1
	rc=$?
	CHECK="read-only database: exit 1"; check test $rc -eq 1
	CHECK="read-only database: one clear line"
	check grep -q "^sayso-admin: .*readonly database (check the file" "$T/.ro"
	"$A" --db ro.db tally parks --format csv >"$T/.ro" 2>&1
	rc=$?
	CHECK="read-only database: tally still works"; check test $rc -eq 0
	if [ "$ro" = chattr ]; then chattr -i ro.db; else chmod 0755 .; fi
	CHECK="read-only database: nothing written"
	check test "$(sqlite3 ro.db "SELECT count(*) FROM rounds")" = "$before"
else
	echo "note: read-only case skipped (cannot make a file read-only here)"
fi

echo "$n golden steps"
exit $fail

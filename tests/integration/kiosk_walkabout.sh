#!/bin/sh
# kiosk_walkabout.sh: walkabout mode on the kiosk, behind the staff PIN.
# sayso-admin starts two walkabouts (January, with an issue logged on Keats
# Street, and February). On the kiosk, staff enter the PIN, open walkabout
# mode from the status page, pick February (the most recent, listed first),
# pick Keats Street (which shows 1 to re-check), log a litter issue with
# grade C and a typed note, and re-check January's issue as resolved with
# a note of its own typed on the same keyboard. The database then holds both
# (each note with its own row), with who (February's walkers), when (SAYSO_NOW),
# which walkabout and the kiosk's device; the rate counts the re-check.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
: "${SAYSO_ADMIN:?}"
write_config "staff_pin = 2468"
export SAYSO_NOW=2025-02-11T10:30:00Z SAYSO_ACTOR=tester
adm() { "$SAYSO_ADMIN" --config "$T/sayso.ini" "$@"; }
adm init >/dev/null
adm walkabout start W-JAN --date 2025-01-14 --by "Ann Lee" \
	--streets "Byron Street, Keats Street" >/dev/null
adm walkabout start W-FEB --date 2025-02-11 --by "Ann Lee, Raj Patel" \
	--streets "Byron Street, Keats Street" >/dev/null
J1=$(adm walkabout log W-JAN --street "Keats Street" --category fly-tipping \
	--grade D --at "2025-01-14 10:00")

run_kiosk '
down 40 40
wait 5300
up 40 40
text 2468
key Return
shot status
tap 960 985
shot pick
tap 555 360
shot streets
tap 955 340
shot street
tap 750 352
tap 590 840
tap 350 975
text bags by bins
shot note
key Return
tap 750 975
shot logged
tap 1185 975
text cleared by council
shot check_note
key Return
shot check_note_set
tap 1115 405
shot checked
key Escape
shot back_to_streets
'
expect "exit status" "$RC" 0
grep -q "staff PIN accepted" "$T/out.log" || fail "PIN not accepted"
grep -q "walkabout mode" "$T/out.log" || fail "walkabout mode not entered"
grep -q "walkabout W-FEB: logged WA-" "$T/out.log" || fail "no issue logged"
grep -q "walkabout W-FEB: $J1 resolved" "$T/out.log" || fail "no re-check of $J1"
for s in status pick streets street note logged check_note check_note_set \
	checked back_to_streets; do
	shot_exists $s
done

expect "issues logged on W-FEB" "$(q "SELECT count(*) FROM walk_issues w
	JOIN walkabouts k ON k.id = w.walkabout_id WHERE k.code = 'W-FEB'")" 1
expect "the logged issue" "$(q "SELECT street || '|' || category || '|' ||
	grade || '|' || note || '|' || seen_by || '|' || device_id || '|' ||
	seen_at FROM walk_issues w JOIN walkabouts k ON k.id = w.walkabout_id
	WHERE k.code = 'W-FEB'")" \
	"Keats Street|litter|C|bags by bins|Ann Lee, Raj Patel|kiosk-test|2025-02-11T10:30:00.000Z"
expect "the re-check" "$(q "SELECT i.ref || '|' || k.code || '|' || c.observed
	|| '|' || c.by || '|' || c.at || '|' || coalesce(c.note, '(none)')
	FROM walk_checks c JOIN walk_issues i ON
	i.id = c.issue_id JOIN walkabouts k ON k.id = c.walkabout_id")" \
	"$J1|W-FEB|resolved|Ann Lee, Raj Patel|2025-02-11T10:30:00.000Z|cleared by council"
R=$(adm reports summary --walkabouts --format json)
expect "rate after the re-check" \
	"$(echo "$R" | jq -c '[.logged, .inspected, .resolved, .uninspected]')" \
	"[2,1,1,1]"
echo PASS

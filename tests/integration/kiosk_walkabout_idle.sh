#!/bin/sh
# kiosk_walkabout_idle.sh: walkabout mode has its own idle limit. With
# idle_seconds = 5, idle_countdown = 3 and walkabout_idle_seconds = 12,
# staff in walkabout mode who pause for 9 s (past the ordinary limit and
# its countdown) are still in the mode with no warning; after 12 s
# "Are you still there?" appears and 3 s later the kiosk wipes to the start
# screen, so the staff PIN is needed again.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
: "${SAYSO_ADMIN:?}"
write_config "staff_pin = 2468" "idle_seconds = 5" "idle_countdown = 3" \
	"walkabout_idle_seconds = 12"
export SAYSO_ACTOR=tester
adm() { "$SAYSO_ADMIN" --config "$T/sayso.ini" "$@"; }
adm init >/dev/null
adm walkabout start W-FEB --date 2025-02-11 --by "Ann Lee" \
	--streets "Byron Street, Keats Street" >/dev/null

run_kiosk '
shot start
down 40 40
wait 5300
up 40 40
text 2468
key Return
tap 960 985
shot pick
wait 9000
shot paused
wait 4000
shot warning
wait 3500
shot wiped
'
expect "exit status" "$RC" 0
grep -q "walkabout mode" "$T/out.log" || fail "walkabout mode not entered"
expect "wipes" "$(grep -c 'idle: session wiped' "$T/out.log")" 1
for s in start pick paused warning wiped; do shot_exists $s; done
cmp -s "$SHOTS/pick.png" "$SHOTS/start.png" && fail "walkabout mode not shown"
cmp -s "$SHOTS/paused.png" "$SHOTS/pick.png" ||
	fail "a 9 s pause ended or changed walkabout mode"
cmp -s "$SHOTS/warning.png" "$SHOTS/pick.png" &&
	fail "no warning after walkabout_idle_seconds"
cmp -s "$SHOTS/wiped.png" "$SHOTS/start.png" ||
	fail "not back at the start screen after the countdown"
echo PASS

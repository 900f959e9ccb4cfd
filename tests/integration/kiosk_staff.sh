#!/bin/sh
# kiosk_staff.sh: holding the top-left corner for five seconds asks for the
# staff PIN; a wrong PIN is refused (and logged without the digits), the
# right one opens the status page (device, counts today, database, disk),
# and "Exit kiosk" ends the program with status 0 before the script ends.
# A short press in the corner does nothing.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "staff_pin = 2468"

run_kiosk '
key 1
key 5
key Escape
key Return
down 40 40
wait 1000
up 40 40
shot short_press
down 40 40
wait 5300
up 40 40
shot pin
text 1111
key Return
shot wrong_pin
text 2468
key Return
shot status
tap 1540 985
wait 3000
shot after_exit
'
expect "exit status" "$RC" 0
grep -q "staff PIN wrong (attempt 1)" "$T/out.log" || fail "wrong PIN not refused"
grep -q "staff PIN accepted" "$T/out.log" || fail "right PIN not accepted"
grep -q "staff exit" "$T/out.log" || fail "no staff exit"
grep -q "script finished" "$T/out.log" && fail "kiosk did not exit at once"
grep -q "1111\|2468" "$T/out.log" && fail "PIN digits logged"
[ -e "$SHOTS/after_exit.png" ] && fail "kiosk still running after exit"
for s in short_press pin wrong_pin status; do shot_exists $s; done
cmp -s "$SHOTS/short_press.png" "$SHOTS/pin.png" && fail "PIN screen not shown"
expect "rating counted on status page data" "$(q 'SELECT count(*) FROM ratings')" 1

# Three wrong PINs lock the PIN screen (30 s, then longer): even the right
# PIN is refused until then, and leaving and coming back does not reset it.
run_kiosk '
down 40 40
wait 5300
up 40 40
text 1111
key Return
text 2222
key Return
text 3333
key Return
shot locked
key Escape
down 40 40
wait 5300
up 40 40
text 2468
key Return
shot still_locked
key Escape
'
expect "lockout exit status" "$RC" 0
grep -q "staff PIN locked for 30 s" "$T/out.log" || fail "no lockout after three wrong PINs"
grep -q "staff PIN tried while locked" "$T/out.log" || fail "right PIN accepted while locked"
grep -q "staff PIN accepted" "$T/out.log" && fail "PIN accepted during the lockout"
shot_exists locked
echo PASS

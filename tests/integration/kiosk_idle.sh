#!/bin/sh
# kiosk_idle.sh: with idle_seconds = 5 and idle_countdown = 3, text typed and
# then left alone is wiped: "Are you still there?" appears, counts down, and
# the kiosk returns to the start with nothing kept (the next resident's
# report does not contain it). "I need more time" keeps the input.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "idle_seconds = 5" "idle_countdown = 3"

run_kiosk '
key 2
key 1
key 1
text private words
shot typed
wait 6000
shot warning
wait 3500
shot wiped
key 2
key 1
key 1
shot text_after
key Escape
key Escape
key Return
key Return
# the warning again; this time "I need more time"
key 2
key 1
key 1
text keep me
wait 6000
shot warning2
tap 740 745
shot kept
key Return
key Escape
key Return
'
expect "exit status" "$RC" 0
grep -q "idle: session wiped" "$T/out.log" || fail "no idle wipe logged"
expect "wipes" "$(grep -c 'idle: session wiped' "$T/out.log")" 1
expect "reports" "$(q 'SELECT count(*) FROM reports')" 2
expect "wiped text not stored" "$(q "SELECT count(*) FROM reports WHERE text LIKE '%private%'")" 0
expect "report after wipe" "$(q "SELECT coalesce(text,'') FROM reports ORDER BY id LIMIT 1")" ""
expect "kept text" "$(q "SELECT text FROM reports ORDER BY id LIMIT 1 OFFSET 1")" "keep me"
for s in typed warning wiped text_after warning2 kept; do shot_exists $s; done
cmp -s "$SHOTS/typed.png" "$SHOTS/text_after.png" && fail "typed text still on screen after the wipe"
cmp -s "$SHOTS/warning.png" "$SHOTS/typed.png" && fail "no warning drawn"
echo PASS

#!/bin/sh
# kiosk_vote_digits.sh: the keypad shortcut contract for projects numbered 10
# and up. On the demo round (12 projects) "1" then "2" typed together picks
# project 12; "1" on its own (nothing typed within a second, or any other
# key) picks project 1; a pair that names no project ("1" "3") is taken as
# two digits.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "verify = none"
issue_codes POETS26 DG1234

run_kiosk '
key 3
tap 700 790
text DG-12 34
key Return
key 1
key 2
key 1
key 0
key 1
key 3
wait 1500
key 1
wait 1500
shot picked
key Return
key Return
'
expect "exit status" "$RC" 0
expect "ballots" "$(q "SELECT count(*) FROM ballots WHERE status = 'counted'")" 1
# 12, 10, then 1 and 3 (the "1" "3" pair), then 1 again toggles 1 off.
expect "picks" "$(q "SELECT group_concat(p.number, ',') FROM (SELECT p.number FROM ballot_items i JOIN projects p ON p.id = i.project_id ORDER BY p.number) p")" "3,10,12"
echo PASS

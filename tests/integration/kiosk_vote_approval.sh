#!/bin/sh
# kiosk_vote_approval.sh: identify by mobile number on the keypad, choose
# projects on the demo round (approval, at most 5), see a sixth pick refused
# with the core's reason, review, send: one counted kiosk ballot with exactly
# the five projects; then an issued voter code votes too, and an invented
# one (ZZ99ZZ) is refused at identify with the core's reason.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "verify = none"
issue_codes POETS26 AB12CD

# Keypad keys: area (1120,200,640,680): columns at 1221/1439/1657,
# rows at 279/453/627/801.
run_kiosk '
key 3
shot identify
tap 1439 801
tap 1221 627
tap 1221 627
tap 1439 801
tap 1439 801
text 900 456
shot identify_typed
tap 1540 985
shot pick
key 2
key 3
tap 550 350
key 6
key 5
shot pick_5
key 4
shot pick_refused
key Return
shot review
key Return
shot thanks
key Return
# a voter code this time
key 3
tap 700 790
text ab-12 cd
key Return
key 7
key 8
key Return
key Return
key Return
# an invented code is refused by core at once, with its reason on screen
key 3
tap 700 790
text zz-99 zz
key Return
shot invented
'
expect "exit status" "$RC" 0
expect "ballots" "$(q "SELECT count(*) FROM ballots WHERE status = 'counted' AND channel = 'kiosk'")" 2
expect "first ballot picks" "$(q "SELECT group_concat(p.number, ',') FROM (SELECT p.number FROM ballot_items i JOIN projects p ON p.id = i.project_id WHERE i.ballot_id = (SELECT min(id) FROM ballots) ORDER BY p.number) p")" "1,2,3,5,6"
expect "second ballot picks" "$(q "SELECT group_concat(p.number, ',') FROM (SELECT p.number FROM ballot_items i JOIN projects p ON p.id = i.project_id WHERE i.ballot_id = (SELECT max(id) FROM ballots WHERE status = 'counted') ORDER BY p.number) p")" "7,8"
expect "invented code stores nothing" "$(q "SELECT count(*) FROM ballots WHERE status = 'rejected'")" 0
grep -q "identity refused: this is not a voter code for" "$T/out.log" || fail "invented code was not refused at identify"
grep -q "pick 4 refused" "$T/out.log" || fail "sixth pick was not refused"
expect "residents are hashes" "$(q "SELECT count(*) FROM ballots WHERE length(resident_id) = 64 AND resident_id NOT LIKE '%7700%'")" 2
expect "no number stored" "$(q "SELECT count(*) FROM sms_outbox")" 0
for s in identify identify_typed pick pick_5 pick_refused review thanks invented; do shot_exists $s; done
echo PASS

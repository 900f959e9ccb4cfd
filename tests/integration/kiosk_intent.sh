#!/bin/sh
# kiosk_intent.sh: double taps record nothing unintended (issue 12, item 1).
# A second tap 400 ms or 600 ms after the first lands on the next screen
# within the 700 ms debounce and does nothing: on "How do you feel" it
# picks no face, on a face it answers no follow-up, on a project card it
# does not un-pick it, on Next it cannot send the vote ("Send my vote" is
# not where Next was). Cancel with picks asks first; "No" keeps them.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "verify = none"

run_kiosk '
# 1: double taps at 400 ms
double 700 405 400
shot rate_after_double
double 1640 550 400
shot followup_after_double
key Escape
key Return
# 2: the same at 600 ms
double 700 405 600
double 1640 550 600
key Escape
key Return
# 3: vote: a double tap on card 1, then on Next
key 3
text 07700900456
key Return
double 550 350 400
shot card_once
# Cancel with a pick asks; "No, keep choosing" keeps it
tap 340 985
shot cancel_asks
tap 1240 745
double 1540 985 400
shot review_after_double
tap 980 985
shot thanks
key Return
# 4: the same at 600 ms with card 2
key 3
text 07700900457
key Return
double 1370 350 600
double 1540 985 600
shot review2
tap 980 985
key Return
'
expect "exit status" "$RC" 0
expect "ratings" "$(q 'SELECT count(*) FROM ratings')" 2
expect "scores" "$(q 'SELECT group_concat(score) FROM ratings')" "5,5"
expect "no follow-up answered" "$(q "SELECT count(*) FROM ratings WHERE answer IS NOT NULL AND answer <> ''")" 0
expect "ballots" "$(q "SELECT count(*) FROM ballots WHERE status = 'counted'")" 2
expect "first ballot" "$(q "SELECT group_concat(p.number) FROM ballot_items i JOIN projects p ON p.id = i.project_id WHERE i.ballot_id = (SELECT min(id) FROM ballots)")" 1
expect "second ballot" "$(q "SELECT group_concat(p.number) FROM ballot_items i JOIN projects p ON p.id = i.project_id WHERE i.ballot_id = (SELECT max(id) FROM ballots)")" 2
for s in rate_after_double followup_after_double card_once cancel_asks review_after_double thanks review2; do shot_exists $s; done
cmp -s "$SHOTS/card_once.png" "$SHOTS/cancel_asks.png" && fail "Cancel with a pick did not ask"
echo PASS

#!/bin/sh
# kiosk_vote_already.sh: a resident who already voted is told kindly when
# and how, and no second ballot counts; the phone number written another way
# (+44 7700 900456) is the same resident.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "verify = none"

run_kiosk '
key 3
text 07700900456
key Return
key 1
key Return
key Return
key Return
key 3
text +44 7700 900456
key Return
shot already
key Return
shot attract
'
expect "exit status" "$RC" 0
expect "counted ballots" "$(q "SELECT count(*) FROM ballots WHERE status = 'counted'")" 1
expect "all ballots" "$(q "SELECT count(*) FROM ballots")" 1
shot_exists already
cmp -s "$SHOTS/already.png" "$SHOTS/attract.png" && fail "already-voted screen looks like attract"
echo PASS

#!/bin/sh
# kiosk_verify.sh: one person, one vote (issue 12, item 2). By default
# (verify = sms) a mobile number gets a texted code and no ballot without it;
# codes per number are limited ([kiosk] code_limit_per_number); verify = none
# is announced in the log; the already-voted screen says only that the
# number or code was used: two residents who voted at different times and
# by different channels see the very same screen.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "code_limit_per_number = 2"
export SAYSO_KIOSK_DEBUG=1

run_kiosk '
key 3
text 07700900456
key Return
shot sms
key Return
key 1
key Return
key Escape
key 3
text 07700900456
key Return
key Escape
key 3
text 07700900456
key Return
shot limit
key Escape
'
expect "exit status" "$RC" 0
grep -q "verify = none" "$T/out.log" && fail "verify = none announced with verify = sms"
grep -q "screen vote_sms" "$T/out.log" || fail "no code check by default"
grep -q "screen vote_pick" "$T/out.log" && fail "a vote began without the code"
expect "ballots" "$(q 'SELECT count(*) FROM ballots')" 0
expect "codes texted" "$(q 'SELECT count(*) FROM sms_outbox')" 2
expect "codes recorded" "$(q 'SELECT count(*) FROM verify_codes')" 2
grep -q "voting code not sent: limit per number reached" "$T/out.log" || fail "third code not refused"
expect "numbers not recorded" "$(q "SELECT count(*) FROM verify_codes WHERE resident_id LIKE '%7700%'")" 0
shot_exists sms
shot_exists limit

# verify = none (a staffed desk): announced; two residents vote.
write_config "verify = none"
run_kiosk '
key 3
text 07700900111
key Return
key 1
key Return
key Return
key Return
key 3
text 07700900222
key Return
key 2
key Return
key Return
key Return
'
expect "exit status" "$RC" 0
grep -q "verify = none" "$T/out.log" || fail "verify = none not announced in the log"
expect "ballots" "$(q "SELECT count(*) FROM ballots WHERE status = 'counted'")" 2
# Make their votes differ in day, time and channel.
q "UPDATE ballots SET cast_at = '2026-11-20T09:05:00.000Z', channel = 'sms' WHERE id = (SELECT min(id) FROM ballots)"
q "UPDATE ballots SET cast_at = '2026-11-24T17:45:00.000Z' WHERE id = (SELECT max(id) FROM ballots)"
run_kiosk '
key 3
text 07700900111
key Return
shot already_a
key Return
key 3
text 07700900222
key Return
shot already_b
key Return
'
expect "exit status" "$RC" 0
expect "still two ballots" "$(q 'SELECT count(*) FROM ballots')" 2
shot_exists already_a
same_image "$SHOTS/already_a.png" "$SHOTS/already_b.png" || fail "the already-voted screen shows something of the earlier vote"
echo PASS

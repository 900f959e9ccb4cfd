#!/bin/sh
# kiosk_dbfail.sh: the database cannot be written (another process holds the
# write lock past the busy timeout). The resident sees the calm "tell a
# member of staff" notice, the kiosk keeps the rating in memory and retries,
# and once the lock is released the rating is saved exactly once and the
# thank-you screen follows. The kiosk never exits.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config

# Create the database (and the demo round) first.
run_kiosk 'shot start'
expect "first run" "$RC" 0

# Start the kiosk, then let another process take the write lock for 6 s (the kiosk's busy timeout is 1.5 s)
# while the resident is choosing a face.
printf '%s\n' 'wait 1500' 'key 1' 'key 4' 'wait 2000' 'shot failing' 'wait 6000' \
	'shot saved' 'key Escape' 'key Return' > "$T/script.txt"
"$SAYSO_KIOSK" -c "$T/sayso.ini" --script "$T/script.txt" \
	--screenshots "$SHOTS" > "$T/out.log" 2>&1 &
KIOSK=$!
sleep 0.7
( printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; sleep 6; printf 'COMMIT;\n' ) |
	sqlite3 "$DB" > /dev/null &
LOCKER=$!
RC=0
wait $KIOSK || RC=$?
wait $LOCKER || true
cat "$T/out.log" >&2
expect "exit status" "$RC" 0
grep -q "could not save" "$T/out.log" || fail "failure not logged"
grep -q "saved after" "$T/out.log" || fail "retry success not logged"
expect "ratings" "$(q 'SELECT count(*) FROM ratings')" 1
expect "score" "$(q 'SELECT score FROM ratings')" 4
for s in failing saved; do shot_exists $s; done
cmp -s "$SHOTS/failing.png" "$SHOTS/saved.png" && fail "screen did not move on after the save"

# A lock that does not go away: the screen never freezes (the busy timeout
# is short and retries come from the loop), the staff corner still works
# and staff can exit; "Not saved: start again" appears after a while.
write_config "staff_pin = 2468"
printf '%s\n' 'wait 1500' 'key 1' 'key 2' 'wait 2000' 'shot locked' \
	'wait 14000' 'shot start_again' 'down 40 40' 'wait 5300' 'up 40 40' \
	'shot pin' 'text 2468' 'key Return' 'shot status' 'tap 1540 985' \
	'wait 3000' 'shot after_exit' > "$T/script.txt"
"$SAYSO_KIOSK" -c "$T/sayso.ini" --script "$T/script.txt" \
	--screenshots "$SHOTS" > "$T/out.log" 2>&1 &
KIOSK=$!
sleep 0.7
( printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; sleep 27; printf 'COMMIT;\n' ) |
	sqlite3 "$DB" > /dev/null &
LOCKER=$!
RC=0
wait $KIOSK || RC=$?
kill $LOCKER 2>/dev/null || true
wait $LOCKER 2>/dev/null || true
cat "$T/out.log" >&2
expect "exit status while locked" "$RC" 0
grep -q "staff PIN accepted" "$T/out.log" || fail "staff PIN not reachable while locked"
grep -q "staff exit" "$T/out.log" || fail "no staff exit while locked"
[ -e "$SHOTS/after_exit.png" ] && fail "kiosk still running after exit"
for s in locked start_again pin status; do shot_exists $s; done
cmp -s "$SHOTS/locked.png" "$SHOTS/start_again.png" && fail "no 'Not saved: start again' after a while"
cmp -s "$SHOTS/start_again.png" "$SHOTS/pin.png" && fail "PIN screen not shown while locked"
expect "still one rating" "$(q 'SELECT count(*) FROM ratings')" 1
echo PASS

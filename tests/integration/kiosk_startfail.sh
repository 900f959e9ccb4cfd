#!/bin/sh
# kiosk_startfail.sh: a start-up failure never leaves a desktop in front of
# residents (issue 12, item 4). With the database in a read-only folder the
# kiosk shows the full-screen "Out of order" notice with the reason for
# staff, keeps running, retries, and once the folder is writable it opens
# the database and shows the start screen.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
RO="$T/ro"
mkdir -p "$RO"
DB="$RO/sayso.db"
write_config "verify = none"
chmod 555 "$RO"
if touch "$RO/probe" 2>/dev/null; then
	# root ignores permissions: a file where the folder should be fails
	# the same way for everyone.
	rm -f "$RO/probe"
	chmod 755 "$RO"
	rmdir "$RO"
	: > "$RO"
fi

printf '%s\n' 'shot out_of_order' 'wait 7000' 'shot later' 'key 1' 'key 4' \
	'key Escape' 'key Return' > "$T/script.txt"
"$SAYSO_KIOSK" -c "$T/sayso.ini" --script "$T/script.txt" \
	--screenshots "$SHOTS" > "$T/out.log" 2>&1 &
KIOSK=$!
sleep 2
# Staff fix the folder while the notice is up.
if [ -f "$RO" ]; then rm -f "$RO"; mkdir -p "$RO"; else chmod 755 "$RO"; fi
RC=0
wait $KIOSK || RC=$?
cat "$T/out.log"
expect "exit status" "$RC" 0
grep -q "out of order:" "$T/out.log" || fail "the failure was not logged"
grep -q "back in order" "$T/out.log" || fail "no retry after the folder was fixed"
shot_exists out_of_order
shot_exists later
same_image "$SHOTS/out_of_order.png" "$SHOTS/later.png" && fail "still out of order after the fix"
expect "rating after recovery" "$(q 'SELECT score FROM ratings')" 4
echo PASS

#!/bin/sh
# kiosk_x11.sh: the kiosk under a real X server (Xvfb) with SDL's x11 video
# driver, driven from outside by xdotool as a person would: mouse clicks,
# key presses and typed text. Rates with a click and a key, then votes with
# the SMS code check (verify = sms): the code is read from the outbox, as
# the SMS gateway would send it, and typed in; a wrong code is refused
# first. Ends with SIGTERM, which the kiosk treats as a clean quit.
if [ "${1:-}" != "--inner" ]; then
	command -v xvfb-run >/dev/null 2>&1 || { echo "xvfb-run missing"; exit 77; }
	command -v xdotool >/dev/null 2>&1 || { echo "xdotool missing"; exit 77; }
	exec xvfb-run -a -s "-screen 0 1920x1080x24" sh "$0" --inner
fi
export SDL_VIDEODRIVER=x11
# libdbus (SDL's screensaver inhibit) and Mesa's GL keep allocations to
# exit; leaks in sayso itself are checked by the other kiosk tests.
if [ -n "${SAYSO_SANITIZED:-}" ]; then
	export ASAN_OPTIONS=detect_leaks=0
fi
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "verify = sms" "fullscreen = true" "cursor = true"

"$SAYSO_KIOSK" -c "$T/sayso.ini" > "$T/out.log" 2>&1 &
KIOSK=$!
# The window is final once start-up has logged the device line (SDL may
# recreate its X window when the renderer starts).
for i in $(seq 1 50); do
	grep -q "SDL renderer" "$T/out.log" && break
	sleep 0.2
done
sleep 0.5
W=""
for i in $(seq 1 50); do
	W=$(xdotool search --onlyvisible --name '^sayso kiosk$' 2>/dev/null | tail -1) || true
	[ -n "$W" ] && break
	sleep 0.2
done
[ -n "$W" ] || { cat "$T/out.log"; kill $KIOSK; fail "no kiosk window"; }
sleep 1

# waitq SQL WANT: poll the database for up to 10 s
waitq() {
	for i in $(seq 1 50); do
		[ "$(q "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	fail "$1: got '$(q "$1")', want '$2'"
}
step() { "$@"; sleep 0.6; }

step xdotool mousemove --window "$W" 700 405 click 1
step xdotool key 5
waitq "SELECT score FROM ratings" 5
step xdotool key Escape
step xdotool key Return

step xdotool key 3
step xdotool type --delay 30 "07700 900321"
step xdotool key Return
waitq "SELECT count(*) FROM sms_outbox WHERE to_number = '+447700900321' AND status = 'queued'" 1
code=$(q "SELECT body FROM sms_outbox WHERE to_number = '+447700900321'" | grep -o '[0-9]\{6\}' | head -1)
[ -n "$code" ] || fail "no code in the outbox message"
wrong=000000
[ "$code" = "$wrong" ] && wrong=111111
step xdotool type --delay 30 "$wrong"
step xdotool key Return
step xdotool type --delay 30 "$code"
step xdotool key Return
step xdotool key 2
step xdotool key 5
step xdotool key Return
step xdotool key Return
waitq "SELECT count(*) FROM ballots WHERE status = 'counted'" 1
expect "ballot picks" "$(q "SELECT group_concat(p.number, ',') FROM (SELECT p.number FROM ballot_items i JOIN projects p ON p.id = i.project_id ORDER BY p.number) p")" "2,5"
grep -q "SMS code check failed (1)" "$T/out.log" || fail "wrong code not refused"

kill -TERM $KIOSK
RC=0
wait $KIOSK || RC=$?
cat "$T/out.log"
expect "exit status" "$RC" 0
echo PASS

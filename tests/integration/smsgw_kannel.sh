#!/bin/sh
# smsgw_kannel.sh: sayso-smsgw with provider kannel against real Kannel from
# Debian (bearerbox + smsbox + fakesmsc from kannel-extras), all on
# 127.0.0.1 with free ports, started and stopped here. The rig follows
# reference/sms-gateways.md §2.2, with the documented sms-service
# (get-url = /kannel?from=%p&to=%P&text=%a&id=%I&ts=%T, omit-empty = true).
# A handset (fakesmsc) texts in; the daemon stores the text, answers smsbox
# 200 with an empty body (so smsbox sends nothing itself) and replies
# through /cgi-bin/sendsms; the handset receives the reply, in UCS-2 when it
# is not GSM-7. Skips (77) only when the Kannel binaries are absent.
set -eu
: "${SAYSO_SMSGW:?}" "${SAYSO_SRC:?}"
BB=/usr/sbin/bearerbox SB=/usr/sbin/smsbox FS=/usr/lib/kannel/test/fakesmsc
for b in "$BB" "$SB" "$FS"; do
	[ -x "$b" ] || { echo "skip: $b not installed (apt-get install kannel kannel-extras)"; exit 77; }
done
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
D="$SAYSO_SRC/tests/integration/smsgw_double.py"
T=$(mktemp -d /tmp/smsgw_kannel.XXXXXX)
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	for f in gw.log fakesmsc.out smsbox.log bearerbox.log access.log; do
		echo "--- $f"; tail -n 40 "$T/$f" 2>/dev/null || true
	done
	exit 1
}
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$T/sayso.db" "$1"; }
wait_for() {
	i=0
	while [ $i -lt $(($1 * 10)) ]; do
		if eval "$2"; then return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
port() { python3 "$D" freeport; }
ADMIN=$(port); BOX=$(port); SMSC=$(port); SEND=$(port); APP=$(port)

cat > "$T/kannel.conf" <<EOF
group = core
admin-port = $ADMIN
admin-interface = 127.0.0.1
admin-password = bar
admin-deny-ip = "*.*.*.*"
admin-allow-ip = "127.0.0.1"
smsbox-port = $BOX
smsbox-interface = 127.0.0.1
box-deny-ip = "*.*.*.*"
box-allow-ip = "127.0.0.1"
log-file = "$T/bearerbox.log"
log-level = 0
access-log = "$T/access.log"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = FAKE
port = $SMSC
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $BOX
sendsms-port = $SEND
sendsms-interface = 127.0.0.1
global-sender = 447700900123
log-file = "$T/smsbox.log"
log-level = 0
mo-recode = true
http-request-retry = 3
http-queue-delay = 1

group = sendsms-user
username = sayso
password = s3cret
user-deny-ip = "*.*.*.*"
user-allow-ip = "127.0.0.1"
max-messages = 3
concatenation = true

group = sms-service
keyword = default
catch-all = true
get-url = "http://127.0.0.1:$APP/kannel?from=%p&to=%P&text=%a&id=%I&ts=%T"
max-messages = 0
omit-empty = true
EOF

cat > "$T/sayso.ini" <<EOF
[site]
name = Tŵr Poets
database = $T/sayso.db
[smsgw]
provider = kannel
listen = 127.0.0.1:$APP
rate_per_minute = 100
[kannel]
sendsms_url = http://127.0.0.1:$SEND/cgi-bin/sendsms
username = sayso
password = s3cret
from = 447700900123
EOF

cd "$T"
"$SAYSO_SMSGW" -c "$T/sayso.ini" -d 2> "$T/gw.log" &
PIDS="$!"
GW=$!
wait_for 10 "curl -sf http://127.0.0.1:$APP/health >/dev/null" || fail "daemon did not start"
"$BB" -v 4 "$T/kannel.conf" > "$T/bb.out" 2>&1 &
PIDS="$PIDS $!"
wait_for 15 "curl -sf 'http://127.0.0.1:$ADMIN/status.txt?password=bar' >/dev/null" || fail "bearerbox did not start"
"$SB" -v 4 "$T/kannel.conf" > "$T/sb.out" 2>&1 &
SBPID=$!
PIDS="$PIDS $!"
wait_for 15 "curl -s 'http://127.0.0.1:$SEND/cgi-bin/sendsms' >/dev/null" || fail "smsbox did not start"
mkfifo "$T/fake.in"
sleep 600 > "$T/fake.in" &
PIDS="$PIDS $!"
"$FS" -H 127.0.0.1 -r "$SMSC" -i 0 < "$T/fake.in" > "$T/fakesmsc.out" 2>&1 &
PIDS="$PIDS $!"
wait_for 15 "curl -s 'http://127.0.0.1:$ADMIN/status.txt?password=bar' | grep -q 'FAKE.*online'" || fail "fakesmsc did not connect"

handset() { echo "$1" > "$T/fake.in"; }

# A rating by text, from a handset, through the SMSC and smsbox.
handset "447700900456 447700900123 text RATE 4"
wait_for 20 "grep -q 'Got message.*best thing about the area' '$T/fakesmsc.out'" || fail "no reply at the handset"
grep 'Got message' "$T/fakesmsc.out" | grep -q '447700900456' || fail "reply to the wrong handset"
[ "$(sql 'SELECT count(*) FROM ratings WHERE score = 4')" = 1 ] || fail "rating not stored"
[ "$(sql "SELECT count(*) FROM sms_inbox WHERE provider = 'kannel' AND provider_id GLOB '????????-????-????-????-????????????~????????????????'")" = 1 ] \
	|| fail "inbox not keyed on Kannel's %I (+ keyed sender)"
# smsbox sent nothing itself (empty 200 + omit-empty): one reply only.
sleep 1
[ "$(grep -c 'Got message' "$T/fakesmsc.out")" = 1 ] || fail "more than one message at the handset"
grep -q 'Could not fetch content' "$T/fakesmsc.out" && fail "smsbox said 'Could not fetch content'"

# The follow-up answer, in UCS-2 from the handset (mo-recode makes it UTF-8).
handset "447700900456 447700900123 ucs2 %00T%00h%00e%00+%00p%00a%00r%00k%00+%27%13"
wait_for 20 "grep -q 'added that to your' '$T/fakesmsc.out'" || fail "no follow-up reply"
[ "$(sql "SELECT count(*) FROM ratings WHERE answer = 'The park ✓'")" = 1 ] \
	|| fail "UCS-2 follow-up: $(sql 'SELECT answer FROM ratings')"

# HELP names the site "Tŵr Poets": not GSM-7, so it goes out as UCS-2.
handset "447700900457 447700900123 text help"
# fakesmsc shows UCS-2 as UTF-16BE bytes: T=%00T, ŵ=%01u, r=%00r.
wait_for 20 "grep -q 'Got message.*447700900457.*%00T%01u%00r' '$T/fakesmsc.out'" || fail "UCS-2 reply not sent as UCS-2"

# STOP: stored, never answered.
handset "447700900458 447700900123 text STOP"
wait_for 10 "[ \"\$(sql 'SELECT count(*) FROM residents WHERE opted_out = 1')\" = 1 ]" || fail "STOP not stored"
handset "447700900458 447700900123 text VOTE 3"
wait_for 10 "[ \"\$(sql 'SELECT count(*) FROM sms_inbox')\" = 5 ]" || fail "text after STOP not stored"
sleep 1
grep 'Got message' "$T/fakesmsc.out" | grep -q 447700900458 && fail "replied to an opted-out number"

# smsbox goes down: the reply waits in the outbox and is retried with
# backoff until smsbox is back; then it reaches the handset.
kill "$SBPID"; wait "$SBPID" 2>/dev/null || true
curl -sf "http://127.0.0.1:$APP/kannel?from=447700900459&to=447700900123&text=RATE+2&id=11111111-2222-3333-4444-555555555555&ts=1795421614" \
	|| fail "daemon did not answer 200 while smsbox was down"
wait_for 10 "grep -q 'retry in' '$T/gw.log'" || fail "no retry while smsbox was down"
[ "$(sql "SELECT count(*) FROM sms_outbox WHERE status = 'queued' AND attempts >= 1")" = 1 ] || fail "reply not kept for retry"
"$SB" -v 4 "$T/kannel.conf" > "$T/sb2.out" 2>&1 &
PIDS="$PIDS $!"
wait_for 40 "grep 'Got message' '$T/fakesmsc.out' | grep -q 447700900459" || fail "reply not delivered after the outage"
[ "$(sql "SELECT count(*) FROM sms_outbox WHERE status = 'queued'")" = 0 ] || fail "replies still queued"

kill -TERM "$GW"
wait "$GW" || fail "exit status after SIGTERM"
echo ok

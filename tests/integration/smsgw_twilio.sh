#!/bin/sh
# smsgw_twilio.sh: sayso-smsgw with provider twilio, end to end on 127.0.0.1:
# signed webhooks (good, bad, missing signature, re-delivery), replies through
# a Twilio REST double (Basic auth, an outage answered 503 then retried,
# 21610 marking the resident opted out), STOP, SIGHUP switching on polling
# (next_page_uri followed, deduplicated by MessageSid), SIGTERM.
set -eu
: "${SAYSO_SMSGW:?}" "${SAYSO_SRC:?}"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
D="$SAYSO_SRC/tests/integration/smsgw_double.py"
T=$(mktemp -d /tmp/smsgw_twilio.XXXXXX)
GW=; DB=
cleanup() {
	[ -n "$GW" ] && kill "$GW" 2>/dev/null || true
	[ -n "$DB" ] && kill "$DB" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- daemon log"; cat "$T/gw.log"; exit 1; }
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$T/sayso.db" "$1"; }
wait_for() { # wait_for <seconds> <shell condition>
	i=0
	while [ $i -lt $(($1 * 10)) ]; do
		if eval "$2"; then return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

P1=$(python3 "$D" freeport); P2=$(python3 "$D" freeport)
SID=AC0123456789abcdef0123456789abcdef
TOKEN=0123456789abcdef0123456789abcdef
PUBLIC=https://hub.example.org/sms/twilio
write_ini() {
	cat > "$T/sayso.ini" <<EOF
[site]
name = Poets Streets
database = $T/sayso.db
[smsgw]
provider = twilio
listen = 127.0.0.1:$P1
rate_per_minute = 100
[twilio]
account_sid = $SID
auth_token = $TOKEN
from = +447700900123
api_base = http://127.0.0.1:$P2
public_url = $PUBLIC
poll_seconds = $1
EOF
}
write_ini 0
cat > "$T/inbound.json" <<EOF
[{"sid": "SMb0110000000000000000000000000001", "direction": "inbound", "from": "+447700900461", "to": "+447700900123", "body": "RATE 5"},
 {"sid": "SMc00c0000000000000000000000000001", "direction": "inbound", "from": "+447700900456", "to": "+447700900123", "body": "RATE 4"},
 {"sid": "SM0a700000000000000000000000000001", "direction": "outbound-api", "from": "+447700900123", "to": "+447700900461", "body": "Thanks"},
 {"sid": "SMb0110000000000000000000000000002", "direction": "inbound", "from": "+447700900462", "to": "+447700900123", "body": "REPORT graffiti on Byron Street"}]
EOF

TW_SID=$SID TW_TOKEN=$TOKEN OPTOUT=+447700900999 FAIL_FIRST=1 \
	INBOUND="$T/inbound.json" python3 "$D" serve "$P2" "$T/sent.jsonl" &
DB=$!
"$SAYSO_SMSGW" -c "$T/sayso.ini" -n >/dev/null || fail "-n rejected a good config"
"$SAYSO_SMSGW" -c "$T/sayso.ini" -d 2> "$T/gw.log" &
GW=$!
wait_for 10 "curl -sf http://127.0.0.1:$P1/health >/dev/null" || fail "daemon did not start"

post() { python3 "$D" post "http://127.0.0.1:$P1/twilio" "$PUBLIC" "$@"; }
msg() { # msg <sid> <from> <body>
	echo "ToCountry=GB ToState= SmsMessageSid=$1 NumMedia=0 ToCity= FromZip= SmsSid=$1 FromState= SmsStatus=received FromCity= FromCountry=GB To=+447700900123 ToZip= NumSegments=1 MessageSid=$1 AccountSid=$SID From=$2 ApiVersion=2010-04-01"
}

# 1. A signed webhook is stored, then answered with empty TwiML.
out=$(post "$TOKEN" $(msg SMc00c0000000000000000000000000001 +447700900456) "Body=RATE 4")
case "$out" in "200 <?xml"*"<Response/>") ;; *) fail "good webhook: $out" ;; esac
[ "$(sql 'SELECT count(*) FROM sms_inbox')" = 1 ] || fail "not stored"

# 2. Bad and missing signatures: 403, nothing stored.
out=$(post bad $(msg SMbad00000000000000000000000000001 +447700900457) "Body=RATE 1")
case "$out" in 403*) ;; *) fail "bad signature: $out" ;; esac
out=$(post - $(msg SMbad00000000000000000000000000002 +447700900457) "Body=RATE 1")
case "$out" in 403*) ;; *) fail "missing signature: $out" ;; esac
# A valid signature over a different URL (a proxy rewrote it) is refused too.
out=$(python3 "$D" post "http://127.0.0.1:$P1/twilio" "http://127.0.0.1:$P1/twilio" "$TOKEN" $(msg SMbad00000000000000000000000000003 +447700900457) "Body=RATE 1")
case "$out" in 403*) ;; *) fail "wrong-URL signature: $out" ;; esac
[ "$(sql 'SELECT count(*) FROM sms_inbox')" = 1 ] || fail "a refused webhook was stored"
[ "$(sql 'SELECT count(*) FROM ratings')" = 1 ] || fail "ratings after refused webhooks"

# 3. Twilio retries the same MessageSid: acknowledged, not counted twice.
out=$(post "$TOKEN" $(msg SMc00c0000000000000000000000000001 +447700900456) "Body=RATE 4")
case "$out" in 200*) ;; *) fail "re-delivery: $out" ;; esac
[ "$(sql 'SELECT count(*) FROM ratings')" = 1 ] || fail "re-delivery counted twice"

# 4. The reply goes out through the REST API after the first attempt's 503.
wait_for 30 "grep -q 'best thing about the area' '$T/sent.jsonl' 2>/dev/null" || fail "reply not sent"
grep -q '"to": "+447700900456"' "$T/sent.jsonl" || fail "reply to the wrong number"
grep -q '"from": "+447700900123"' "$T/sent.jsonl" || fail "reply without From"
grep -q "retry in" "$T/gw.log" || fail "the 503 was not retried"
[ "$(sql "SELECT count(*) FROM sms_outbox WHERE status = 'sent' AND to_number IS NULL AND provider_id LIKE 'SM%'")" = 1 ] \
	|| fail "outbox row not marked sent with the Twilio sid"

# 5. 21610 from Twilio marks the resident opted out.
post "$TOKEN" $(msg SM0b704700000000000000000000000001 +447700900999) "Body=HELP" >/dev/null
wait_for 30 "[ \"\$(sql \"SELECT count(*) FROM sms_outbox WHERE status = 'failed' AND last_error LIKE '%21610%'\")\" = 1 ]" \
	|| fail "21610 not recorded"
[ "$(sql 'SELECT count(*) FROM residents WHERE opted_out = 1')" = 1 ] || fail "21610 did not opt out"

# 6. STOP: stored, no reply; later texts get no reply either.
post "$TOKEN" $(msg SM57090000000000000000000000000001 +447700900458) "Body=STOP" >/dev/null
post "$TOKEN" $(msg SM57090000000000000000000000000002 +447700900458) "Body=REPORT broken light on Keats Road" >/dev/null
[ "$(sql 'SELECT count(*) FROM reports')" = 1 ] || fail "a report after STOP was not stored"
sleep 1.5
grep -q '+447700900458' "$T/sent.jsonl" && fail "replied after STOP"

# 7. Phone numbers are masked in the log.
grep -q '7700900456' "$T/gw.log" && fail "a full number in the log"

# 8. SIGHUP with a broken file keeps running; with poll_seconds = 1 it polls.
echo "[smsgw]" > "$T/broken.ini"; echo "nonsense = 1" >> "$T/broken.ini"
cp "$T/sayso.ini" "$T/good.ini"; cp "$T/broken.ini" "$T/sayso.ini"
kill -HUP "$GW"
wait_for 5 "grep -q 'keeping the running configuration' '$T/gw.log'" || fail "bad reload not reported"
write_ini 1
kill -HUP "$GW"
wait_for 15 "[ \"\$(sql 'SELECT count(*) FROM sms_inbox')\" = 6 ]" || fail "polling did not store the 2 new inbound texts"
sleep 2.5 # more polls: still no double counting
[ "$(sql 'SELECT count(*) FROM sms_inbox')" = 6 ] || fail "polls counted twice"
[ "$(sql 'SELECT count(*) FROM ratings')" = 2 ] || fail "ratings after polling"
grep -q 'Page=1' "$T/sent.jsonl.polls" || fail "next_page_uri not followed"
grep -q 'DateSent%3E=' "$T/sent.jsonl.polls" || fail "no DateSent filter"

# 9. SIGTERM: a clean exit.
kill -TERM "$GW"
wait "$GW" || fail "exit status $? after SIGTERM"
GW=
grep -q "stopped:" "$T/gw.log" || fail "no clean stop"
echo "ok"

#!/bin/sh
# smsgw_kill9.sh: never lose, never double-count, across a crash.
# A burst of 400 signed Twilio webhooks from 8 concurrent clients; the
# daemon is killed with SIGKILL after 150 acknowledgements, mid-burst. Then:
#   - every acknowledged MessageSid is in the inbox (acknowledged = durable);
#   - after a restart, Twilio's retries (here: the whole burst again) are
#     recognised: each message is counted exactly once, no more, no less;
#   - replies queued before the crash are still in the outbox and go out.
set -eu
: "${SAYSO_SMSGW:?}" "${SAYSO_SRC:?}"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
D="$SAYSO_SRC/tests/integration/smsgw_double.py"
T=$(mktemp -d /tmp/smsgw_kill9.XXXXXX)
GW=; DB=
cleanup() {
	[ -n "$GW" ] && kill -9 "$GW" 2>/dev/null || true
	[ -n "$DB" ] && kill "$DB" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- daemon log"; tail -n 30 "$T"/gw*.log; exit 1; }
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$T/sayso.db" "$1"; }
wait_for() {
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
N=400
cat > "$T/sayso.ini" <<EOF
[site]
database = $T/sayso.db
[smsgw]
provider = twilio
listen = 127.0.0.1:$P1
rate_per_minute = 1000
[twilio]
account_sid = $SID
auth_token = $TOKEN
from = +447700900123
api_base = http://127.0.0.1:$P2
public_url = $PUBLIC
EOF
# The REST double is down during the burst: replies pile up in the outbox.
start() {
	"$SAYSO_SMSGW" -c "$T/sayso.ini" -d 2> "$T/gw$1.log" &
	GW=$!
	wait_for 10 "curl -sf http://127.0.0.1:$P1/health >/dev/null" || fail "daemon did not start"
}
start 1
python3 "$D" burst "http://127.0.0.1:$P1/twilio" "$PUBLIC" "$TOKEN" $N 8 "$T/acked1" "$GW" 150
wait "$GW" 2>/dev/null && fail "daemon was not killed"
GW=
acked=$(sort -u "$T/acked1" | wc -l)
[ "$acked" -ge 150 ] || fail "only $acked acknowledged before the kill"
[ "$acked" -lt $N ] || fail "the kill came after the burst (all $acked acknowledged)"
stored=$(sql 'SELECT count(*) FROM sms_inbox')
echo "acknowledged before kill: $acked, stored: $stored"
# Every acknowledged sid is stored.
python3 - "$T/sayso.db" "$T/acked1" <<'EOF' || fail "an acknowledged message was lost"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
have = {r[0] for r in db.execute("SELECT provider_id FROM sms_inbox")}
lost = [s for s in open(sys.argv[2]).read().split() if s not in have]
if lost:
    print("lost:", lost[:5])
    sys.exit(1)
EOF
# Processed together with the inbox row: no half-done message.
[ "$(sql 'SELECT count(*) FROM sms_inbox WHERE handled_at IS NULL')" = 0 ] || fail "pending rows after the crash"
[ "$(sql 'SELECT count(*) FROM ratings')" = "$stored" ] || fail "ratings != stored texts"

# Restart; Twilio retries everything it did not get 200 for (and, being
# Twilio, some it did): send the whole burst again.
TW_SID=$SID TW_TOKEN=$TOKEN python3 "$D" serve "$P2" "$T/sent.jsonl" &
DB=$!
start 2
python3 "$D" burst "http://127.0.0.1:$P1/twilio" "$PUBLIC" "$TOKEN" $N 8 "$T/acked2"
[ "$(sort -u "$T/acked2" | wc -l)" = $N ] || fail "not every retry acknowledged"
[ "$(sql 'SELECT count(*) FROM sms_inbox')" = $N ] || fail "inbox: $(sql 'SELECT count(*) FROM sms_inbox') texts, want $N"
[ "$(sql 'SELECT count(*) FROM ratings')" = $N ] || fail "ratings: $(sql 'SELECT count(*) FROM ratings'), want $N"
[ "$(sql 'SELECT count(DISTINCT resident_id) FROM ratings')" = $N ] || fail "a resident counted twice"
# Every reply, including those queued before the crash, is sent once.
wait_for 60 "[ \$(wc -l < '$T/sent.jsonl' 2>/dev/null || echo 0) -ge $N ]" || fail "replies sent: $(wc -l < "$T/sent.jsonl")"
[ "$(sql "SELECT count(*) FROM sms_outbox WHERE status = 'sent'")" = $N ] || fail "outbox not all sent"
kill -TERM "$GW"; wait "$GW" || fail "exit status after SIGTERM"
GW=
echo ok

#!/bin/sh
# smsgw_attack.sh: issue 11, each attack scripted against the real daemon on
# 127.0.0.1, bounded in count and time.
#   Twilio: a replay with the next parameter folded into MessageSid and a
#     webhook for another account are refused (400), nothing stored.
#   Slow clients: 80 connections trickling headers from one address get at
#     most 64 slots; every one is cut at the 10 s request deadline, while
#     legitimate webhooks from another address are answered 200.
#   Lock: /health answers while another process holds the database lock.
#   SIGHUP: files that -n rejects (empty token, empty public_url, an empty
#     file) are not swapped in; signed webhooks keep being accepted.
#   -n: [::1]:8088, a host name, :0 and a database in a missing folder are
#     rejected; 0.0.0.0 with Kannel and a token over http:// are warnings.
#   Kannel: an id-less retry is a duplicate, an id reused by another sender
#     is a new text, an over-long id is 400, a NUL never joins digits, a
#     newline in an id cannot forge a log line, the gateway's own number in
#     five spellings gets no reply.
#   Privacy: after a burst and every reply (one refused with Twilio's 21211,
#     which quotes the number), no number is left in the database, its
#     -wal or the log.
set -eu
: "${SAYSO_SMSGW:?}" "${SAYSO_SRC:?}"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
command -v curl >/dev/null || { echo "curl missing"; exit 77; }
D="$SAYSO_SRC/tests/integration/smsgw_double.py"
T=$(mktemp -d /tmp/smsgw_attack.XXXXXX)
GW=; DB=; KG=; HOLD=
cleanup() {
	for p in $GW $DB $KG $HOLD; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	for f in gw.log kgw.log; do echo "--- $f"; tail -n 30 "$T/$f" 2>/dev/null || true; done
	exit 1
}
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$1" "$2"; }
wait_for() {
	i=0
	while [ $i -lt $(($1 * 10)) ]; do
		if eval "$2"; then return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

P1=$(python3 "$D" freeport); P2=$(python3 "$D" freeport); P3=$(python3 "$D" freeport)
SID=AC0123456789abcdef0123456789abcdef
TOKEN=0123456789abcdef0123456789abcdef
PUBLIC=https://hub.example.org/sms/twilio
write_ini() { # write_ini <auth_token> <public_url>
	cat > "$T/sayso.ini" <<EOF
[site]
database = $T/sayso.db
[smsgw]
provider = twilio
listen = 127.0.0.1:$P1
rate_per_minute = 1000
[twilio]
account_sid = $SID
auth_token = $1
from = +447700900123
api_base = http://127.0.0.1:$P2
public_url = $2
EOF
}
write_ini "$TOKEN" "$PUBLIC"
cp "$T/sayso.ini" "$T/good.ini"

# ---- -n checks what start-up checks, warns on unsafe settings ----
for l in '[::1]:8088' 'hub.example.org:8088' ':0' '127.0.0.1:0'; do
	sed "s|^listen = .*|listen = $l|" "$T/good.ini" > "$T/n.ini"
	if "$SAYSO_SMSGW" -c "$T/n.ini" -n 2> "$T/n.err"; then fail "-n accepted listen = $l"; fi
	grep -q 'listen' "$T/n.err" || fail "-n did not name listen for $l"
done
sed "s|^database = .*|database = $T/missing/sayso.db|" "$T/good.ini" > "$T/n.ini"
if "$SAYSO_SMSGW" -c "$T/n.ini" -n 2> "$T/n.err"; then fail "-n accepted a database in a missing folder"; fi
grep -q 'does not exist' "$T/n.err" || fail "-n: $(cat "$T/n.err")"
printf '[site]\ndatabase = %s/k.db\n[smsgw]\nprovider = kannel\nlisten = 0.0.0.0:%s\n' "$T" "$P3" > "$T/n.ini"
"$SAYSO_SMSGW" -c "$T/n.ini" -n > /dev/null 2> "$T/n.err" || fail "-n refused a working (if unsafe) Kannel config"
grep -q 'every interface' "$T/n.err" || fail "-n did not warn about 0.0.0.0 with Kannel"
sed "s|^api_base = .*|api_base = http://api.twilio.com|" "$T/good.ini" > "$T/n.ini"
"$SAYSO_SMSGW" -c "$T/n.ini" -n > /dev/null 2> "$T/n.err" || fail "-n refused http:// api_base"
grep -q 'in clear' "$T/n.err" || fail "-n did not warn about a token over http://"
printf '[twilio]\nauth_token = a\nauth_token = b\n' > "$T/n.ini"
if "$SAYSO_SMSGW" -c "$T/n.ini" -n 2> "$T/n.err"; then fail "-n accepted a duplicate key"; fi
grep -q 'n.ini:3:.*given twice (first on line 2)' "$T/n.err" || fail "duplicate key: $(cat "$T/n.err")"

# ---- the Twilio daemon ----
TW_SID=$SID TW_TOKEN=$TOKEN INVALID=+447800000007 python3 "$D" serve "$P2" "$T/sent.jsonl" &
DB=$!
"$SAYSO_SMSGW" -c "$T/sayso.ini" -d 2> "$T/gw.log" &
GW=$!
wait_for 10 "curl -sf http://127.0.0.1:$P1/health >/dev/null" || fail "daemon did not start"
post() { python3 "$D" post "http://127.0.0.1:$P1/twilio" "$PUBLIC" "$TOKEN" "$@"; }
S1=SM00000000000000000000000000000001

# Replay: NumMedia + 0 folded into MessageSid keeps the signature valid.
out=$(post MessageSid=$S1 NumMedia=0 AccountSid=$SID From=+447700900456 To=+447700900123 "Body=RATE 5")
case "$out" in 200*) ;; *) fail "good webhook: $out" ;; esac
out=$(post MessageSid=${S1}NumMedia0 AccountSid=$SID From=+447700900456 To=+447700900123 "Body=RATE 5")
case "$out" in 400*) ;; *) fail "folded replay: $out" ;; esac
out=$(post MessageSid=SM00000000000000000000000000000002 AccountSid=ACffffffffffffffffffffffffffffffff From=+447700900456 To=+447700900123 "Body=RATE 1")
case "$out" in 400*) ;; *) fail "another account: $out" ;; esac
[ "$(sql "$T/sayso.db" 'SELECT count(*) FROM ratings')" = 1 ] || fail "a replay was counted"

# Slow clients from 127.0.0.3 while residents text from 127.0.0.1.
python3 "$D" slow 127.0.0.1 "$P1" 80 127.0.0.3 14 > "$T/slow.json" &
SLOW=$!
sleep 1
i=0
while [ $i -lt 10 ]; do
	out=$(post MessageSid=SM1000000000000000000000000000000$i AccountSid=$SID From=+44770090050$i To=+447700900123 "Body=RATE 4")
	case "$out" in 200*) ;; *) fail "legitimate webhook during the slow attack: $out" ;; esac
	i=$((i + 1))
done
wait "$SLOW"
python3 - "$T/slow.json" <<'EOF' || fail "slow clients: $(cat "$T/slow.json")"
import json, sys
r = json.load(open(sys.argv[1]))
# at most 64 slots for one address; every slot cut at the deadline
assert r["refused"] >= 80 - 64, r
assert r["open"] == 0, r
assert r["cut"] >= 1, r
EOF

# /health while another process holds the write lock for 3 s.
python3 -c "
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute('BEGIN IMMEDIATE')
open(sys.argv[2], 'w').write('held')
time.sleep(3)
db.execute('COMMIT')
open(sys.argv[2], 'w').write('released')
" "$T/sayso.db" "$T/lock" &
HOLD=$!
wait_for 5 "[ -f '$T/lock' ]" || fail "lock holder did not start"
post MessageSid=SM20000000000000000000000000000001 AccountSid=$SID From=+447700900601 To=+447700900123 "Body=RATE 3" > "$T/locked.out" &
POST=$!
sleep 0.5
h=$(curl -s --max-time 5 "http://127.0.0.1:$P1/health") || fail "/health did not answer during the lock"
[ "$h" = ok ] || fail "/health: $h"
[ "$(cat "$T/lock")" = held ] || fail "/health waited for the lock"
wait "$POST"; wait "$HOLD"; HOLD=
case "$(cat "$T/locked.out")" in 200*) ;; *) fail "webhook during the lock: $(cat "$T/locked.out")" ;; esac

# SIGHUP with files -n rejects: kept out, webhooks still accepted.
n=0
for variant in token url empty; do
	case $variant in
	token) write_ini "" "$PUBLIC" ;;
	url) write_ini "$TOKEN" "" ;;
	empty) : > "$T/sayso.ini" ;;
	esac
	kill -HUP "$GW"
	n=$((n + 1))
	wait_for 5 "[ \$(grep -c 'keeping the running configuration' '$T/gw.log') -ge $n ]" \
		|| fail "SIGHUP with a bad file ($variant) not refused"
	out=$(post MessageSid=SM3000000000000000000000000000000$n AccountSid=$SID From=+44770090070$n To=+447700900123 "Body=RATE 2")
	case "$out" in 200*) ;; *) fail "after SIGHUP ($variant): $out" ;; esac
done
cp "$T/good.ini" "$T/sayso.ini"

# Privacy: a burst, every reply sent (one refused with 21211), then no
# number anywhere but in pending outbox rows (none are left).
python3 "$D" burst "http://127.0.0.1:$P1/twilio" "$PUBLIC" "$TOKEN" 40 4 "$T/acked"
[ "$(sort -u "$T/acked" | wc -l)" = 40 ] || fail "burst not acknowledged"
wait_for 30 "[ \"\$(sql '$T/sayso.db' \"SELECT count(*) FROM sms_outbox WHERE status IN ('queued', 'held')\")\" = 0 ]" \
	|| fail "replies still pending"
wait_for 5 "grep -q '21211' '$T/gw.log'" || fail "the 21211 refusal was not logged"
[ "$(sql "$T/sayso.db" "SELECT count(*) FROM sms_outbox WHERE last_error LIKE '%21211%' AND last_error LIKE '%+44780000****%'")" = 1 ] \
	|| fail "21211 error not stored masked: $(sql "$T/sayso.db" "SELECT last_error FROM sms_outbox WHERE last_error LIKE '%21211%'")"
sleep 1.5 # the checkpoint runs at most once a second
python3 - "$T" <<'EOF' || fail "a number was left behind"
import os, sys
t = sys.argv[1]
nums = ["447800%06d" % i for i in range(40)] + ["447700900456", "447700900601"]
nums += ["447700900%03d" % i for i in range(500, 510)] + ["44770090070%d" % i for i in range(1, 4)]
bad = []
for name in ("sayso.db", "sayso.db-wal", "gw.log"):
    p = os.path.join(t, name)
    if not os.path.exists(p):
        continue
    data = open(p, "rb").read()
    for n in nums:
        for form in (n, "0" + n[2:]):
            if form.encode() in data:
                bad.append((name, form))
if bad:
    print(bad[:5])
    sys.exit(1)
EOF

kill -TERM "$GW"
wait "$GW" || fail "exit status after SIGTERM"
GW=

# ---- Kannel: keys, ids, NUL, log escaping, our own number ----
cat > "$T/k.ini" <<EOF
[site]
database = $T/k.db
[smsgw]
provider = kannel
listen = 127.0.0.1:$P3
rate_per_minute = 1000
[kannel]
sendsms_url = http://127.0.0.1:$P2/cgi-bin/sendsms
from = 447700900123
EOF
"$SAYSO_SMSGW" -c "$T/k.ini" -d 2> "$T/kgw.log" &
KG=$!
wait_for 10 "curl -sf http://127.0.0.1:$P3/health >/dev/null" || fail "kannel daemon did not start"
k() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P3/kannel?$1"; }
ksql() { sql "$T/k.db" "$1"; }
[ "$(k 'from=447700900456&to=447700900123&text=RATE+4&ts=1795421614')" = 200 ] || fail "kannel text without id"
[ "$(k 'from=447700900456&to=447700900123&text=RATE+4&ts=1795421614')" = 200 ] || fail "kannel retry"
[ "$(ksql 'SELECT count(*) FROM sms_inbox')" = 1 ] || fail "an id-less retry was stored twice"
grep -q 'came without id' "$T/kgw.log" || fail "no warning about a missing id"
[ "$(k 'from=447700900456&text=RATE+5&id=77')" = 200 ] || fail "id 77"
[ "$(k 'from=447700900457&text=RATE+1&id=77')" = 200 ] || fail "id 77 from another sender"
[ "$(ksql 'SELECT count(*) FROM sms_inbox')" = 3 ] || fail "an id reused by another sender was dropped"
long=$(python3 -c 'print("a" * 200)')
[ "$(k "from=447700900456&text=RATE+5&id=$long")" = 400 ] || fail "an over-long id was not refused"
[ "$(k 'from=447700900458&text=VOTE+3%007&id=n1')" = 200 ] || fail "NUL text"
[ "$(ksql "SELECT count(*) FROM sms_inbox WHERE body = 'VOTE 3 7'")" = 1 ] || fail "NUL joined the digits: $(ksql 'SELECT body FROM sms_inbox ORDER BY id DESC')"
[ "$(k 'from=447700900456&text=RATE+5&id=77')" = 200 ] || fail "duplicate 77"
[ "$(k 'from=447700900459&text=RATE+5&id=x%0Asmsgw:+error:+forged')" = 200 ] || fail "id with a newline"
[ "$(k 'from=447700900459&text=RATE+5&id=x%0Asmsgw:+error:+forged')" = 200 ] || fail "id with a newline (again)"
grep -q '^smsgw: error: forged' "$T/kgw.log" && fail "a forged log line"
grep -q 're-delivered (id x\\x0asmsgw' "$T/kgw.log" || fail "the id was not logged escaped"
before=$(ksql 'SELECT count(*) FROM sms_outbox')
for f in 447700900123 %2B447700900123 07700900123 07700+900123 00447700900123; do
	[ "$(k "from=$f&to=447700900123&text=HELP")" = 200 ] || fail "own number $f"
done
[ "$(ksql 'SELECT count(*) FROM sms_outbox')" = "$before" ] || fail "replied to our own number"
kill -TERM "$KG"
wait "$KG" || fail "kannel daemon exit status"
KG=
echo ok

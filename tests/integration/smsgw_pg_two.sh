#!/bin/sh
# smsgw_pg_two.sh: two sayso-smsgw processes on one PostgreSQL database
# (issue 16), provider twilio (sends are asynchronous, so a reply is in
# flight across several loop turns of both gateways). The same burst of
# signed webhooks goes to both gateways at once, as a provider re-delivering
# through another gateway would: every text is stored once, counted once,
# and answered exactly once by one of the two (outbox claims, FOR UPDATE
# SKIP LOCKED). Then one gateway is killed (-9) and the other stores and
# answers what arrives afterwards; a clean stop leaves no claim. Needs
# postgresql-15 (a throwaway cluster from scripts/pg-test-cluster); skipped
# (77) without it.
set -eu
: "${SAYSO_SMSGW:?}" "${SAYSO_SRC:?}"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
PGBIN=/usr/lib/postgresql/15/bin
[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/psql" ] || { echo "postgresql-15 missing"; exit 77; }
D="$SAYSO_SRC/tests/integration/smsgw_double.py"
T=$(mktemp -d /tmp/smsgw_pg_two.XXXXXX)
PGDIR=$(mktemp -d /tmp/pgtwo.XXXXXX)
GA=; GB=; DB=
cleanup() {
	for p in $GA $GB $DB; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	"$SAYSO_SRC/scripts/pg-test-cluster" stop "$PGDIR" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	for g in a b; do echo "--- gateway $g"; grep -v 'debug:' "$T/gw-$g.log" 2>/dev/null | tail -n 20; done
	exit 1
}
URI=$("$SAYSO_SRC/scripts/pg-test-cluster" start "$PGDIR" | tail -n 1) || { echo "no cluster"; exit 77; }
sql() { "$PGBIN/psql" -X -q -At "$URI" -c "$1"; }
wait_for() {
	i=0
	while [ $i -lt $(($1 * 10)) ]; do
		if eval "$2"; then return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
SID=AC0123456789abcdef0123456789abcdef
TOKEN=0123456789abcdef0123456789abcdef
PUBLIC=https://hub.example.org/sms/twilio
PA=$(python3 "$D" freeport); PB=$(python3 "$D" freeport); PD=$(python3 "$D" freeport)
for g in a b; do
	[ $g = a ] && P=$PA || P=$PB
	cat > "$T/$g.ini" <<EOI
[site]
database = $URI
secret = $T/site.secret
[smsgw]
provider = twilio
listen = 127.0.0.1:$P
rate_per_minute = 1000
[twilio]
account_sid = $SID
auth_token = $TOKEN
from = +447700900123
api_base = http://127.0.0.1:$PD
public_url = $PUBLIC
EOI
done
TW_SID=$SID TW_TOKEN=$TOKEN python3 "$D" serve "$PD" "$T/sent.jsonl" &
DB=$!
start() {
	"$SAYSO_SMSGW" -c "$T/$1.ini" -d 2> "$T/gw-$1.log" &
	eval "G$(echo "$1" | tr ab AB)=\$!"
	wait_for 20 "curl -sf http://127.0.0.1:$2/health >/dev/null" || fail "gateway $1 did not start"
}
# The first creates the schema; the second starts on it.
start a "$PA"
start b "$PB"
sent() { wc -l < "$T/sent.jsonl" 2>/dev/null || echo 0; }
N=150
python3 "$D" burst "http://127.0.0.1:$PA/twilio" "$PUBLIC" "$TOKEN" $N 4 "$T/acked-a" &
BA=$!
python3 "$D" burst "http://127.0.0.1:$PB/twilio" "$PUBLIC" "$TOKEN" $N 4 "$T/acked-b"
wait "$BA"
[ "$(sort -u "$T/acked-a" | wc -l)" = $N ] || fail "gateway a acknowledged $(sort -u "$T/acked-a" | wc -l) of $N"
[ "$(sort -u "$T/acked-b" | wc -l)" = $N ] || fail "gateway b acknowledged $(sort -u "$T/acked-b" | wc -l) of $N"
[ "$(sql 'SELECT count(*) FROM sms_inbox')" = $N ] || fail "inbox: $(sql 'SELECT count(*) FROM sms_inbox'), want $N"
[ "$(sql 'SELECT count(*) FROM ratings')" = $N ] || fail "ratings: $(sql 'SELECT count(*) FROM ratings'), want $N"
wait_for 60 "[ \$(sent) -ge $N ]" || fail "replies sent: $(sent) of $N"
sleep 2 # a second send of any reply would come now
[ "$(sent)" = $N ] || fail "replies sent: $(sent), want $N (one per text)"
to() { python3 -c "import json,sys; print('\n'.join(json.loads(l)['to'] for l in open(sys.argv[1])))" "$T/sent.jsonl"; }
dups=$(to | sort | uniq -d | head -n 3)
[ -z "$dups" ] || fail "a number answered twice: $dups"
[ "$(sql "SELECT count(*) FROM sms_outbox WHERE status = 'sent' AND to_number IS NULL")" = $N ] || fail "outbox not all sent"
echo "replies sent by: $(sql "SELECT string_agg(c::text, ' ') FROM (SELECT count(*) AS c FROM sms_outbox GROUP BY claimed_by ORDER BY 1) x")"

# Gateway a dies; b stores and answers what comes afterwards (the first
# N are re-deliveries: duplicates, not answered again).
kill -9 "$GA"; wait "$GA" 2>/dev/null || true
GA=
python3 "$D" burst "http://127.0.0.1:$PB/twilio" "$PUBLIC" "$TOKEN" $((N + 20)) 4 "$T/acked-c"
wait_for 30 "[ \$(sent) -ge $((N + 20)) ]" || fail "after the kill: $(sent) of $((N + 20))"
sleep 1
[ "$(sent)" = $((N + 20)) ] || fail "after the kill: $(sent), want $((N + 20))"
[ "$(sql 'SELECT count(*) FROM sms_inbox WHERE handled_at IS NULL')" = 0 ] || fail "pending texts"
kill -TERM "$GB"; wait "$GB" || fail "exit status after SIGTERM"
GB=
[ "$(sql "SELECT count(*) FROM sms_outbox WHERE status = 'queued' AND claimed_by IS NOT NULL")" = 0 ] || fail "claims left after a clean stop"
echo ok

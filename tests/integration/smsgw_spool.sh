#!/bin/sh
# smsgw_spool.sh: sayso-smsgw with provider spool (smstools3 directories):
# incoming files in UTF-8, ISO-8859-15 and raw UCS2 are stored and moved to
# processed/ only after the commit; a file smsd is still writing (.LOCK) is
# left alone; a file that is not a message goes to processed/*.bad; replies
# appear in outgoing/ complete (To:, blank line, text, no trailing newline);
# a file re-appearing in incoming/ is not counted twice; -n rejects a bad
# config. Issue 11: a FIFO or a symlink in incoming/ neither hangs the loop
# nor is read; processed/ keeps copies with the numbers masked and deletes
# them after keep_hours; SIGTERM ends the daemon (bounded by a watchdog).
set -eu
: "${SAYSO_SMSGW:?}" "${SAYSO_SRC:?}"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
T=$(mktemp -d /tmp/smsgw_spool.XXXXXX)
GW=
cleanup() {
	[ -n "$GW" ] && kill "$GW" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- daemon log"; cat "$T/gw.log" 2>/dev/null; ls -la "$T"/spool/*; exit 1; }
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$T/sayso.db" "$1"; }
wait_for() {
	i=0
	while [ $i -lt $(($1 * 10)) ]; do
		if eval "$2"; then return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
S="$T/spool"
mkdir -p "$S/incoming" "$S/outgoing"
cat > "$T/sayso.ini" <<EOF
[site]
database = $T/sayso.db
[smsgw]
provider = spool
rate_per_minute = 100
[spool]
incoming = $S/incoming
outgoing = $S/outgoing
processed = $S/processed
poll_ms = 50
EOF

# -n: a good config passes, an unknown key fails with file:line.
"$SAYSO_SMSGW" -c "$T/sayso.ini" -n >/dev/null || fail "-n on a good config"
printf '[spool]\npoll_ms = 0\n' > "$T/bad.ini"
if "$SAYSO_SMSGW" -c "$T/bad.ini" -n 2> "$T/n.err"; then fail "-n accepted poll_ms = 0"; fi
grep -q "bad.ini" "$T/n.err" || fail "-n error does not name the file: $(cat "$T/n.err")"
if "$SAYSO_SMSGW" -x 2>/dev/null; then fail "unknown flag accepted"; fi

# Files written before the daemon starts are picked up at start.
printf 'From: 447700900456\nFrom_TOA: 91 international, ISDN/telephone\nSent: 26-11-23 08:10:00\nReceived: 26-11-23 08:11:02\nSubject: GSM1\nModem: GSM1\nAlphabet: UTF-8\nLength: 6\n\nRATE 4' > "$S/incoming/GSM1.aaaaaa"
cp "$S/incoming/GSM1.aaaaaa" "$T/GSM1.aaaaaa.orig"
# A FIFO and a symlink: never opened for reading (a FIFO would block).
mkfifo "$S/incoming/GSM1.fifo"
ln -s "$T/sayso.ini" "$S/incoming/GSM1.link"
# An old file in processed/: deleted after keep_hours (24 by default).
mkdir -p "$S/processed"
printf 'From: 447700900400\n\nold' > "$S/processed/GSM1.old"
touch -d '2 days ago' "$S/processed/GSM1.old"
# ISO-8859-15 (the default without Alphabet:): é is \351, £ is \243.
printf 'From: 447700900457\nSent: 26-11-23 08:10:00\n\nREPORT caf\351 bins overflowing \2435 fine on Keats Road' > "$S/incoming/GSM1.bbbbbb"
# UCS2 (smsd without decode_unicode_text): raw UTF-16BE.
printf 'From: 447700900458\nAlphabet: UCS2\n\n\000R\000A\000T\000E\000 \0005' > "$S/incoming/GSM1.cccccc"
# Not a message at all.
printf 'garbage without headers' > "$S/incoming/GSM1.dddddd"
# smsd is still writing this one.
printf 'From: 447700900459\n\nRATE 1' > "$S/incoming/GSM1.eeeeee"
: > "$S/incoming/GSM1.eeeeee.LOCK"

"$SAYSO_SMSGW" -c "$T/sayso.ini" -d 2> "$T/gw.log" &
GW=$!
wait_for 10 "[ -f '$S/processed/GSM1.cccccc' ]" || fail "incoming files not processed"
wait_for 5 "[ -f '$S/processed/GSM1.dddddd.bad' ]" || fail "bad file not set aside"
[ -f "$S/incoming/GSM1.eeeeee" ] || fail "a locked file was taken"
[ "$(sql 'SELECT count(*) FROM sms_inbox')" = 3 ] || fail "inbox count"
[ "$(sql 'SELECT count(*) FROM ratings')" = 2 ] || fail "ratings (UTF-8 + UCS2)"
[ "$(sql "SELECT count(*) FROM reports WHERE text LIKE 'café bins overflowing £5 fine%'")" = 1 ] \
	|| fail "ISO-8859-15 report text: $(sql 'SELECT text FROM reports')"
[ "$(sql "SELECT count(*) FROM sms_inbox WHERE body = 'RATE 5'")" = 1 ] || fail "UCS2 body"
[ -p "$S/incoming/GSM1.fifo" ] && [ -L "$S/incoming/GSM1.link" ] || fail "FIFO or symlink moved"
grep -q 'GSM1.fifo is not a regular file' "$T/gw.log" || fail "FIFO not reported"
wait_for 5 "[ ! -e '$S/processed/GSM1.old' ]" || fail "old processed file kept"
# Kept copies have the numbers masked; the rest of the file is intact.
grep -q '447700900456' "$S/processed/GSM1.aaaaaa" && fail "number kept in processed/"
grep -q '^From: +\?44770090\*\*\*\*$' "$S/processed/GSM1.aaaaaa" || fail "masked From: $(head -2 "$S/processed/GSM1.aaaaaa")"
tail -c 6 "$S/processed/GSM1.aaaaaa" | grep -q 'RATE 4' || fail "processed copy body"

# The lock goes away: now it is read.
rm "$S/incoming/GSM1.eeeeee.LOCK"
wait_for 5 "[ -f '$S/processed/GSM1.eeeeee' ]" || fail "unlocked file not processed"

# Replies: one complete file per reply, atomically renamed into outgoing/.
wait_for 10 "[ \$(ls '$S/outgoing' | wc -l) -eq 4 ]" || fail "replies: $(ls "$S/outgoing")"
ls -a "$S/outgoing" | grep -q '^\.sayso-' && fail "temporary file left in outgoing/"
f=$(grep -l 'To: 447700900456' "$S/outgoing"/*) || fail "no reply to 447700900456"
head -c 40 "$f" | grep -q '^To: 447700900456' || fail "reply header"
[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ] || fail "trailing newline in reply"
grep -q 'best thing about the area' "$f" || fail "reply text"
[ "$(sql "SELECT count(*) FROM sms_outbox WHERE status = 'sent' AND to_number IS NULL")" = 4 ] || fail "outbox not erased"

# No number is left in processed/, the database, its -wal or the log once
# every reply is sent (outgoing/ is smsd's queue: its files are pending
# replies, like pending outbox rows).
sleep 1.5 # the checkpoint runs at most once a second
python3 - "$T" "$S/processed" <<'PY' || fail "a number was left behind"
import os, sys
t, proc = sys.argv[1], sys.argv[2]
files = [os.path.join(proc, f) for f in os.listdir(proc)]
files += [os.path.join(t, f) for f in ("sayso.db", "sayso.db-wal", "gw.log")]
bad = []
for p in files:
    if not os.path.isfile(p):
        continue
    data = open(p, "rb").read()
    for n in ("447700900456", "447700900457", "447700900458", "447700900459"):
        for form in (n, "0" + n[2:]):
            if form.encode() in data:
                bad.append((p, form))
if bad:
    print(bad[:5])
    sys.exit(1)
PY

# smsd writes the same file again (e.g. after a restore): not counted twice.
# (15 s: the gateway has just queued four replies; on a loaded machine its
# next spool scan can come late.)
cp "$T/GSM1.aaaaaa.orig" "$S/incoming/GSM1.aaaaaa"
wait_for 15 "[ -f '$S/processed/GSM1.aaaaaa.1' ]" || fail "re-delivered file not moved"
[ "$(sql 'SELECT count(*) FROM ratings')" = 3 ] || fail "re-delivered file counted: $(sql 'SELECT count(*) FROM ratings')"

# SIGTERM ends the loop even with a FIFO in incoming/ (within 10 s, else
# the test fails and cleanup kills it).
kill -TERM "$GW"
i=0
while [ $i -lt 100 ]; do
	st=$(ps -o stat= -p "$GW" 2>/dev/null | cut -c1)
	[ -z "$st" ] || [ "$st" = Z ] && break
	sleep 0.1; i=$((i + 1))
done
[ $i -lt 100 ] || fail "SIGTERM did not stop the daemon within 10 s"
wait "$GW" || fail "exit status after SIGTERM"
GW=
echo ok

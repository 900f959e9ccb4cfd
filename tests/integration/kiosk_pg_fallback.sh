#!/bin/sh
# kiosk_pg_fallback.sh: a kiosk on a city's PostgreSQL database whose server
# goes away mid-session ([kiosk] fallback, issue 16). The kiosk rates on the
# site; the server is stopped; the next rating (whose save fails because the
# connection is gone) and a vote are saved on the kiosk's enrolled file, with
# no notice to the resident; the staff page says offline with the records
# waiting. The server comes back: between residents the kiosk reconnects and
# merges its file (the tamper-evident merge of sayso-admin merge), the staff
# page says connected, the voter code used offline is refused at the site,
# and every record is in the site database once. A kiosk started with the
# server down runs on its file; a file altered outside the kiosk is refused
# at the merge and staff are told. Skips (77) without
# postgresql-15.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"

PGBIN=/usr/lib/postgresql/15/bin
[ -x "$PGBIN/pg_ctl" ] && [ -x "$PGBIN/psql" ] ||
	{ echo "postgresql-15 missing: skipped"; exit 77; }
CLUSTER="$SAYSO_SRC/scripts/pg-test-cluster"
PG="$T/pg"
KIOSK=
# The cluster belongs to "postgres" when run as root: it must reach $T.
chmod 755 "$T"
cleanup() {
	status=$?
	[ -z "$KIOSK" ] || kill "$KIOSK" 2>/dev/null || :
	"$CLUSTER" stop "$PG" > /dev/null 2>&1 || :
	if [ -n "${SAYSO_KEEP_SHOTS:-}" ]; then
		mkdir -p "$SAYSO_KEEP_SHOTS/kiosk_pg_fallback"
		cp "$SHOTS"/*.png "$SAYSO_KEEP_SHOTS/kiosk_pg_fallback/" 2>/dev/null || :
	fi
	rm -rf "$T"
	exit $status
}
trap cleanup EXIT
trap 'exit 1' INT TERM
URI=$("$CLUSTER" start "$PG") || { echo "no PostgreSQL cluster: skipped"; exit 77; }

as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pgq() { "$PGBIN/psql" "$URI" -Atqc "$1"; }
kq() { sqlite3 -batch -noheader "$T/kiosk.db" "$1"; }
# wait_for FILE SECONDS: until the kiosk's script has reached a shot
wait_for() {
	n=0
	while [ ! -s "$1" ]; do
		n=$((n + 1))
		[ $n -le $(($2 * 10)) ] || fail "timed out waiting for $1"
		sleep 0.1
	done
}

DB="$URI"
write_config "staff_pin = 2468" "verify = code"
printf '[site]\nsecret = %s\n' "$T/site.secret" >> "$T/sayso.ini"
ADMIN="${SAYSO_ADMIN:?} --config $T/sayso.ini"
$ADMIN init > /dev/null
# The first start makes the demo round on the site; two voter codes are
# issued, then the kiosk is enrolled (its file holds the round and codes).
run_kiosk '' > /dev/null
expect "first run" "$RC" 0
printf 'code\nAAAA-1111\nBBBB-2222\n' > "$T/codes.csv"
$ADMIN codes import POETS26 "$T/codes.csv" > /dev/null
$ADMIN kiosk enrol kiosk-test --out "$T/kiosk.db" > /dev/null
echo "fallback = $T/kiosk.db" >> "$T/sayso.ini"
# (the [kiosk] section is not the last one: put the key where it belongs)
sed -i "/^fallback = /d; s|^\[kiosk\]$|[kiosk]\nfallback = $T/kiosk.db|" "$T/sayso.ini"

cat > "$T/script.txt" <<'EOF'
wait 1500
key 1
key 4
key Escape
key Return
shot online
wait 5000
key 1
key 2
key Escape
shot offline_thanks
key Return
key 3
text AAAA-1111
key Return
key 1
key Return
key Return
shot vote_thanks
key Return
shot offline_start
down 40 40
wait 5300
up 40 40
text 2468
key Return
shot staff_offline
key Escape
wait 16000
shot back_start
down 40 40
wait 5300
up 40 40
text 2468
key Return
shot staff_online
key Escape
key 1
key 5
key Escape
key Return
key 3
text AAAA-1111
key Return
shot vote_again
wait 500
EOF
SAYSO_KIOSK_DEBUG=1 "$SAYSO_KIOSK" -c "$T/sayso.ini" --script "$T/script.txt" \
	--screenshots "$SHOTS" > "$T/out.log" 2>&1 &
KIOSK=$!
# The server goes away after the first rating ...
wait_for "$SHOTS/online.png" 60
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -m fast -w stop > /dev/null
# ... and comes back once staff have seen the offline page.
wait_for "$SHOTS/staff_offline.png" 90
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w start > /dev/null
RC=0
wait $KIOSK || RC=$?
KIOSK=
grep -v ": debug: " "$T/out.log"
expect "exit status" "$RC" 0
grep -q "offline: the connection to the site database is gone" "$T/out.log" ||
	fail "the switch to the fallback is not logged"
grep -q "connected to the site database .* again" "$T/out.log" ||
	fail "the reconnection is not logged"
grep -q "merged .*kiosk.db into the site database: 1 ballots" "$T/out.log" ||
	fail "the merge is not logged"
grep -q "could not save" "$T/out.log" && fail "a resident saw a failed save"
grep -q "kiosk.db: 2 records waiting to be merged" "$T/out.log" ||
	fail "the records waiting were not counted"
grep "records waiting to be merged" "$T/out.log" | tail -n 1 |
	grep -q "kiosk.db: 0 records" || fail "the merged records still counted as waiting"
grep -q "screen vote_already" "$T/out.log" ||
	fail "the voter code used offline was not refused at the site"
for s in online offline_thanks vote_thanks offline_start staff_offline \
	back_start staff_online vote_again; do
	shot_exists $s
done
same_image "$SHOTS/staff_offline.png" "$SHOTS/staff_online.png" &&
	fail "the staff page does not tell offline from connected"
same_image "$SHOTS/offline_start.png" "$SHOTS/back_start.png" &&
	fail "no offline mark on the start screen"

# On the kiosk's file: the rating and the vote saved offline, chained.
expect "ratings on the file" "$(kq 'SELECT group_concat(score) FROM ratings')" 2
expect "ballots on the file" "$(kq 'SELECT count(*) FROM ballots')" 1
CHAIN=$(kq 'SELECT max(seq) FROM devlog')
# On the site: every record once, the chain verified and remembered.
expect "ratings on the site" "$(pgq 'SELECT string_agg(score::text, $$,$$ ORDER BY score) FROM ratings')" "2,4,5"
expect "the offline rating's uid" "$(pgq "SELECT uid FROM ratings WHERE score = 2")" \
	"$(kq 'SELECT uid FROM ratings')"
expect "ballots counted" "$(pgq "SELECT count(*) FROM ballots WHERE status = 'counted'")" 1
expect "all ballots" "$(pgq 'SELECT count(*) FROM ballots')" 1
expect "the ballot's uid" "$(pgq 'SELECT uid FROM ballots')" "$(kq 'SELECT uid FROM ballots')"
expect "merged chain" "$(pgq 'SELECT merged_seq FROM kiosk_enrolments')" "$CHAIN"
expect "waiting (hint file)" "$(cut -d' ' -f2 "$T/kiosk.db.merged")" "$CHAIN"
# Staff merging the same file again changes nothing.
$ADMIN merge "$T/kiosk.db" > "$T/merge.log" 2>&1 || { cat "$T/merge.log"; fail "merge again"; }
cat "$T/merge.log"
expect "ratings after a second merge" "$(pgq 'SELECT count(*) FROM ratings')" 3
expect "ballots after a second merge" "$(pgq 'SELECT count(*) FROM ballots')" 1
# A kiosk started while the server is down serves residents on its file
# (not "out of order") and merges when the server comes up.
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -m fast -w stop > /dev/null
rm -f "$SHOTS"/*.png
printf '%s\n' 'wait 1500' 'key 1' 'key 3' 'key Escape' 'key Return' \
	'shot cold_offline' 'wait 14000' 'shot cold_back' > "$T/script.txt"
"$SAYSO_KIOSK" -c "$T/sayso.ini" --script "$T/script.txt" \
	--screenshots "$SHOTS" > "$T/out.log" 2>&1 &
KIOSK=$!
wait_for "$SHOTS/cold_offline.png" 60
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w start > /dev/null
RC=0
wait $KIOSK || RC=$?
KIOSK=
cat "$T/out.log"
expect "exit status (started offline)" "$RC" 0
grep -q "out of order" "$T/out.log" && fail "out of order with a fallback"
grep -q "offline: .*Connection refused.*saving on this kiosk's file .*(0 records waiting" "$T/out.log" ||
	fail "no offline start logged"
grep -q "merged .*: 0 ballots .*1 ratings" "$T/out.log" || fail "no merge after an offline start"
expect "ratings on the site (started offline)" \
	"$(pgq 'SELECT string_agg(score::text, $$,$$ ORDER BY score) FROM ratings')" "2,3,4,5"
same_image "$SHOTS/cold_offline.png" "$SHOTS/cold_back.png" &&
	fail "the offline mark stayed after the merge"
# A file altered outside the kiosk (a rating's score changed with sqlite3):
# the kiosk's merge is refused and nothing of it reaches the site, the kiosk
# still saves on the server once it is back, and the staff page says why.
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -m fast -w stop > /dev/null
kq "UPDATE ratings SET score = 1 WHERE score = 3"
rm -f "$SHOTS"/*.png
printf '%s\n' 'wait 1500' 'key 1' 'key 1' 'key Escape' 'key Return' \
	'shot tamper_offline' 'wait 13000' 'down 40 40' 'wait 5300' \
	'up 40 40' 'text 2468' 'key Return' 'shot staff_refused' 'key Escape' \
	'key 1' 'key 5' 'key Escape' 'key Return' 'wait 500' > "$T/script.txt"
"$SAYSO_KIOSK" -c "$T/sayso.ini" --script "$T/script.txt" \
	--screenshots "$SHOTS" > "$T/out.log" 2>&1 &
KIOSK=$!
wait_for "$SHOTS/tamper_offline.png" 60
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w start > /dev/null
RC=0
wait $KIOSK || RC=$?
KIOSK=
cat "$T/out.log"
expect "exit status (altered file)" "$RC" 0
grep -q "cannot merge .*kiosk.db into the site database: .*the records stay on this kiosk" "$T/out.log" ||
	fail "the refused merge is not logged"
grep -q "connected to the site database .* again" "$T/out.log" ||
	fail "no reconnection after a refused merge"
expect "ratings on the site (altered file)" \
	"$(pgq 'SELECT string_agg(score::text, $$,$$ ORDER BY score) FROM ratings')" "2,3,4,5,5"
shot_exists staff_refused
echo PASS

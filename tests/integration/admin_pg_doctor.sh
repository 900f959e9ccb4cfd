#!/bin/sh
# admin_pg_doctor.sh: `sayso-admin doctor` and `backup` with a PostgreSQL
# database (--db postgresql://...), through the real sayso-admin and a
# throwaway PostgreSQL 15 cluster (scripts/pg-test-cluster; skipped when
# postgresql-15 is not installed).
#
# doctor: a healthy site (exit 0: server, database, durable and secret ok,
# no file checks on a URI); a server that does not answer (its own message);
# an empty database; a database of other tables; no --secret; a secret
# readable by others; another site's secret; sayso's write lock held by
# another session (FAIL within the 2 s lock timeout); fsync off on the
# server. backup: exit 1, nothing written, the pg_dump advice printed.
set -u
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
SRC=${SAYSO_SRC:?SAYSO_SRC not set}
[ -x /usr/lib/postgresql/15/bin/initdb ] || {
	echo "SKIP: postgresql-15 not installed"
	exit 77
}
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
[ -r "$FONT" ] || { echo "SKIP: no DejaVu Sans at $FONT"; exit 77; }
PSQL=/usr/lib/postgresql/15/bin/psql
T=$(mktemp -d /tmp/sayso-pg-doctor-XXXXXX)
chmod 755 "$T"
PGDIR="$T/pg"
LOCKER=
cleanup() {
	[ -n "$LOCKER" ] && kill "$LOCKER" 2>/dev/null
	"$SRC/scripts/pg-test-cluster" stop "$PGDIR" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
URI=$("$SRC/scripts/pg-test-cluster" start "$PGDIR") || {
	echo "FAIL: the test cluster did not start"
	exit 1
}
BASE=${URI%/sayso}
cd "$T" || exit 1
unset SAYSO_CONFIG SAYSO_ASSETS SAYSO_NOW
fail=0
O=$T/out
mkdir "$O"
q() { "$PSQL" -X -A -t -q "$1" -c "$2"; }
newdb() { q "$URI" "CREATE DATABASE $1" >/dev/null || echo "FAIL: createdb $1" >&2; echo "$BASE/$1"; }
# font and assets pinned so the verdicts do not depend on the machine
printf '[kiosk]\nfont = %s\nassets = %s\n' "$FONT" "$SRC/assets" >k.ini
doctor() { # doctor NAME EXPECTED-EXIT ARGS...
	name=$1 want=$2
	shift 2
	"$A" --config k.ini "$@" doctor >"$O/$name" 2>"$O/$name.err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, expected $want"
		cat "$O/$name" "$O/$name.err"
		fail=1
	fi
}
has() { # has NAME REGEX: the output of NAME matches
	if ! grep -Eq -- "$2" "$O/$1"; then
		echo "FAIL $1: no line matching /$2/ in:"
		cat "$O/$1"
		fail=1
	fi
}
hasnt() {
	if grep -Eq -- "$2" "$O/$1"; then
		echo "FAIL $1: unexpected line matching /$2/:"
		cat "$O/$1"
		fail=1
	fi
}

# ---- a healthy site ----
P=$(newdb site)
"$A" --db "$P" --secret "$T/site.secret" init >/dev/null 2>&1 || { echo "FAIL: init"; fail=1; }
doctor healthy 0 --db "$P" --secret "$T/site.secret"
has healthy "^ok +server +postgresql://sayso@127\.0\.0\.1:[0-9]+/site answers: PostgreSQL 15\.[0-9]+.*\(a primary\)"
has healthy "^ok +database +a sayso database \(schema [0-9]+\), and a write transaction can begin"
has healthy "^ok +durable +synchronous_commit on, fsync on; synchronous standby: none"
has healthy "^ok +secret +$T/site.secret belongs to the database, mode 0600"
has healthy "^-- +disk +the database is on the server"
hasnt healthy "does not exist|FAIL"
has healthy "^all good"

# ---- a server that does not answer: its own message ----
port=$(echo "$URI" | sed 's/.*:\([0-9]*\)\/.*/\1/')
doctor down 1 --db "postgresql://sayso@127.0.0.1:$((port + 1))/site" --secret "$T/site.secret"
has down "^FAIL +server +.*cannot connect to the database server: .*Connection refused"
has down "fix: start the server"
has down "^-- +database +not checked"
[ "$(grep -c '' "$O/down")" -lt 20 ] || { echo "FAIL down: the message runs over lines"; fail=1; }

# ---- an empty database, a database of other tables ----
doctor empty 1 --db "$(newdb empty)" --secret "$T/site.secret"
has empty "^ok +server"
has empty "^FAIL +database +.*the database is empty"
has empty "fix: create the site with .sayso-admin --db URI --secret PATH init."
O2=$(newdb others)
q "$O2" "CREATE TABLE stuff (x int)"
doctor others 1 --db "$O2" --secret "$T/site.secret"
has others "^FAIL +database +.*not a sayso database"

# ---- the secret ----
doctor nosecret 1 --db "$P"
has nosecret "^ok +database"
has nosecret "^FAIL +secret +no secret file given"
has nosecret "fix: set \[site\] secret = PATH"
cp site.secret open.secret
chmod 644 open.secret
doctor opensecret 1 --db "$P" --secret "$T/open.secret"
has opensecret "^FAIL +secret +.*open.secret can be read by others \(mode 0644\)"
has opensecret "fix: chmod 600 "
head -c 32 /dev/urandom >other.secret
chmod 600 other.secret
doctor othersecret 1 --db "$P" --secret "$T/other.secret"
has othersecret "^FAIL +secret +.*does not belong to the database"
doctor nofile 1 --db "$P" --secret "$T/missing.secret"
has nofile "^FAIL +secret +.*missing.secret is missing"

# ---- sayso's write lock held by another session ----
# the lock is core/src/store_pg.c's: PG_WRITE_LOCK and the schema's hash
"$PSQL" -X -q "$P" -c "BEGIN; SELECT pg_advisory_xact_lock(1396791635, hashtext(current_schema())); SELECT pg_sleep(30); COMMIT;" >/dev/null 2>&1 &
LOCKER=$!
n=0
until [ "$(q "$P" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ] || [ $n -ge 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
doctor locked 1 --db "$P" --secret "$T/site.secret"
has locked "^FAIL +database +no write transaction can begin: .*lock timeout"
has locked "^ok +secret"
kill "$LOCKER" 2>/dev/null
wait "$LOCKER" 2>/dev/null
LOCKER=
q "$P" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()" >/dev/null
doctor unlocked 0 --db "$P" --secret "$T/site.secret"

# ---- fsync off on the server ----
q "$P" "ALTER SYSTEM SET fsync = off" && q "$P" "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
doctor nofsync 1 --db "$P" --secret "$T/site.secret"
has nofsync "^FAIL +durable +fsync is off on the server"
has nofsync "fix: set fsync = on"
q "$P" "ALTER SYSTEM RESET fsync" && q "$P" "SELECT pg_reload_conf()" >/dev/null

# ---- backup ----
"$A" --db "$P" backup site.dump >"$O/backup" 2>"$O/backup.err"
rc=$?
[ $rc = 1 ] || { echo "FAIL backup: exit $rc, docs/admin.md says 1"; fail=1; }
[ ! -e site.dump ] || { echo "FAIL backup: it wrote site.dump"; fail=1; }
grep -q "is a PostgreSQL database: back it up with the server's own tools, e.g. pg_dump --format=custom --file=site.dump" "$O/backup.err" ||
	{ echo "FAIL backup: no pg_dump advice:"; cat "$O/backup.err"; fail=1; }
grep -q "nothing was written.*pg_restore" "$O/backup.err" ||
	{ echo "FAIL backup: no restore advice"; fail=1; }
[ ! -s "$O/backup" ] || { echo "FAIL backup: output on stdout"; fail=1; }
"$A" --db "postgresql://sayso@127.0.0.1:$((port + 1))/site" backup x.dump >/dev/null 2>"$O/backup2.err"
rc=$?
[ $rc = 1 ] && grep -q "cannot connect" "$O/backup2.err" ||
	{ echo "FAIL backup of an unreachable server: exit $rc"; cat "$O/backup2.err"; fail=1; }
# the advice works: pg_dump with it makes a dump pg_restore reads
if /usr/lib/postgresql/15/bin/pg_dump --format=custom --file=site.dump "$P" 2>/dev/null; then
	/usr/lib/postgresql/15/bin/pg_restore --list site.dump | grep -q "TABLE public ballots" ||
		{ echo "FAIL: the advised pg_dump lacks the ballots table"; fail=1; }
fi

[ $fail = 0 ] && echo "ok: admin_pg_doctor"
exit $fail

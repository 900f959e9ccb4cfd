#!/bin/sh
# admin_full.sh: a full disk. The database lives on a tiny tmpfs that is then
# filled up; a command that needs space must fail with one clear line, exit 1
# and write nothing (the transaction rolls back), and once space is freed the
# same database works and passes `check`. Needs permission to mount a tmpfs
# (root in a container or VM); skips (77) otherwise. 900k: room for a new
# database and its WAL (the schema grows with migrations), then filled.
set -u
# Pins the time with SAYSO_NOW: a test build only (SAYSO_TEST_CLOCK=ON).
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
T=$(mktemp -d /tmp/sayso-admin-full-XXXXXX)
mkdir "$T/disk"
if ! mount -t tmpfs -o size=900k tmpfs "$T/disk" 2>/dev/null; then
	rm -rf "$T"
	echo "skip: cannot mount a small tmpfs here (needs root)"
	exit 77
fi
trap 'cd /; umount "$T/disk"; rm -rf "$T"' EXIT
cd "$T/disk" || exit 1
export SAYSO_NOW=2026-11-20T10:00:00Z
unset SAYSO_CONFIG
fail=0
check() {
	if ! "$@"; then
		echo "FAIL: $CHECK"
		fail=1
	fi
}
"$A" --db s.db init >/dev/null &&
	"$A" --db s.db round create r --title R --budget 1000 >/dev/null &&
	"$A" --db s.db project add r --title P --cost 10 >/dev/null &&
	"$A" --db s.db round open r >/dev/null || exit 1
residents=$(sqlite3 s.db "SELECT count(*) FROM residents")
# Fill the disk.
dd if=/dev/zero of=filler bs=4096 2>/dev/null
dd if=/dev/zero of=filler2 bs=512 2>/dev/null

"$A" --db s.db codes generate r --count 3000 --out "$T/codes.csv" \
	>"$T/out" 2>"$T/err"
rc=$?
CHECK="codes generate on a full disk: exit 1"; check test $rc -eq 1
# SQLite reports ENOSPC while mapping its shared-memory file as a plain
# "disk I/O error"; either wording names the database file.
CHECK="codes generate on a full disk: names the file and the failure"
check grep -q -E "^sayso-admin: s\.db: .*(full|I/O error)" "$T/err"
CHECK="codes generate on a full disk: one line"
check test "$(wc -l <"$T/err")" -eq 1
CHECK="codes generate on a full disk: no codes file"
check test ! -e "$T/codes.csv"

# Again with the WAL files already open (another program has the database
# open, as the kiosk would): now the open succeeds and the write itself hits
# the full disk inside the transaction.
rm -f filler filler2
mkfifo "$T/fifo"
sqlite3 s.db <"$T/fifo" >/dev/null &
holder=$!
exec 3>"$T/fifo"
echo "SELECT count(*) FROM rounds;" >&3
sleep 1
dd if=/dev/zero of=filler bs=4096 2>/dev/null
dd if=/dev/zero of=filler2 bs=512 2>/dev/null
"$A" --db s.db codes generate r --count 3000 --out "$T/codes.csv" \
	>"$T/out" 2>"$T/err"
rc=$?
CHECK="full disk inside the transaction: exit 1"; check test $rc -eq 1
CHECK="full disk inside the transaction: says the disk is full"
check grep -q -E "^sayso-admin: .*s\.db: .*disk is full" "$T/err"
CHECK="full disk inside the transaction: no codes file"
check test ! -e "$T/codes.csv"
exec 3>&- # end of input: the holding sqlite3 exits
wait "$holder"

rm -f filler filler2
CHECK="after freeing space: nothing half-written"
check test "$(sqlite3 s.db "SELECT count(*) FROM residents")" = "$residents"
"$A" --db s.db check >"$T/out" 2>&1
CHECK="after freeing space: check passes"; check test $? -eq 0
"$A" --db s.db ballot add r --phone 07700900001 --projects 1 >"$T/out" 2>&1
CHECK="after freeing space: voting works"
check grep -q "^accepted" "$T/out"
echo "full disk message: $(cat "$T/err")"
exit $fail

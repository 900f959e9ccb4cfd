#!/bin/sh
# clock_build.sh: SAYSO_NOW moves the clock of a test build only. A default
# build (SAYSO_TEST_CLOCK=OFF: `make demo`, the package) must ignore it, so
# nobody can backdate ballots or audit rows; a test build must honour it (the
# golden tests depend on it). Runs in both kinds of build and checks the one
# it is in: the binary says which in --version, and the check is behavioural.
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
T=$(mktemp -d /tmp/sayso-clock-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3"; exit 77; }
fail() {
	echo "FAIL: $*"
	exit 1
}
v=$("$A" --version) || fail "--version"
SAYSO_NOW=2001-02-03T04:05:06Z "$A" --db c.db init >/dev/null 2>&1 ||
	fail "init"
SAYSO_NOW=2001-02-03T04:05:06Z "$A" --db c.db round create r1 --title R \
	--budget 100 >/dev/null 2>&1 || fail "round create"
audit=$(sqlite3 c.db "SELECT at FROM audit WHERE action = 'round.create'") ||
	fail "reading the audit row"
[ -n "$audit" ] || fail "no audit row for round create"
if [ "${SAYSO_TEST_CLOCK:-}" = 1 ]; then
	case $v in *"test build"*) ;; *) fail "test build: --version: $v" ;; esac
	[ "$audit" = 2001-02-03T04:05:06.000Z ] ||
		fail "test build: audit row at $audit, not SAYSO_NOW"
else
	case $v in *"test build"*) fail "default build says: $v" ;; esac
	case $audit in 2001-*) fail "default build honoured SAYSO_NOW: audit at $audit" ;; esac
fi
echo "ok: $v"

#!/bin/sh
# admin_merge_walk.sh: walkabout rows on an enrolled kiosk's own database
# are not covered by its tamper-evident chain, so `sayso-admin merge` does
# not carry them over, and says so: on stdout with the result, as a warning
# on stderr and in the audit log, naming the issues. Exit 0 (the chained
# rows merge as usual); nothing of the walkabout lands in the site database.
# engines: sqlite pg (the site database from db.inc)
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
T=$(mktemp -d /tmp/sayso-merge-walk-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site site.db
unset SAYSO_CONFIG
export SAYSO_ACTOR=tester LC_ALL=C
fail=0
die() {
	echo "FAIL: $*"
	fail=1
}

"$A" --db "$DB" --secret "$SECRET" init >/dev/null || exit 1
"$A" --db "$DB" --secret "$SECRET" kiosk enrol fun-1 --out kiosk.db >/dev/null || exit 1
"$A" --db kiosk.db walkabout start W1 --date 2026-11-20 --by "Ann Lee" \
	--streets "Byron Street" >/dev/null || exit 1
"$A" --db kiosk.db walkabout start W2 --date 2026-11-27 --by "Ann Lee" \
	--streets "Byron Street" >/dev/null || exit 1
r1=$("$A" --db kiosk.db walkabout log W1 --street "Byron Street" \
	--category litter --at 2026-11-20T10:00:00Z) || exit 1
r2=$("$A" --db kiosk.db walkabout log W1 --street "Byron Street" \
	--category graffiti --at 2026-11-20T10:05:00Z) || exit 1
"$A" --db kiosk.db walkabout check W2 --issue "$r1" --observed resolved \
	--at 2026-11-27T10:00:00Z >/dev/null || exit 1

"$A" --db "$DB" --secret "$SECRET" merge kiosk.db >out.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] || die "merge exit $rc: $(cat err.txt)"
grep -q "NOT carried over: 2 walkabout issues ($r1 $r2) and 1 re-check logged on kiosk fun-1" out.txt ||
	die "stdout does not name the rows: $(cat out.txt)"
grep -q "^sayso-admin merge: warning: kiosk.db: NOT carried over: 2 walkabout issues" err.txt ||
	die "no warning on stderr: $(cat err.txt)"
[ "$(db_sql 'SELECT count(*) FROM walk_issues') $(db_sql 'SELECT count(*) FROM walk_checks')" = "0 0" ] ||
	die "walkabout rows written to the site database"
db_sql "SELECT detail FROM audit WHERE action = 'merge'" |
	grep -q "NOT carried over (not chained): 2 walkabout issues ($r1 $r2), 1 re-checks" ||
	die "the audit line does not record them"
# A dry run says the same.
"$A" --db "$DB" --secret "$SECRET" merge --dry-run kiosk.db 2>/dev/null | grep -q "NOT carried over: 2 walkabout issues" ||
	die "the dry run does not say so"
[ $fail -eq 0 ] && echo PASS
exit $fail

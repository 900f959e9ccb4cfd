#!/bin/sh
# results_stats.sh: ratings summary, reports list/set/summary (with Open311)
# and the partner report through the real sayso-admin binary.
#
# The database is made by `sayso-admin init` and filled from
# tests/data/results/fixture.sql (whose header works out the expected
# figures by hand). Text, CSV, JSON and open311 outputs are compared byte for
# byte with tests/data/results/golden/NAME.out (stdout, stderr, exit status).
# Regenerate after an intended change with
#   SAYSO_UPDATE_GOLDEN=1 ctest -R results_stats
# and read the diff before committing it.
# engines: sqlite pg (the site database from db.inc)
set -u
# Pins the time with SAYSO_NOW: a test build only (SAYSO_TEST_CLOCK=ON).
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
D=${SAYSO_TESTDATA:?SAYSO_TESTDATA not set}/results
G=$D/golden
T=$(mktemp -d /tmp/sayso-results-stats-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site f.db
unset SAYSO_CONFIG
export SAYSO_ACTOR=tester TZ=UTC LC_ALL=C
fail=0


step() { # step NAME ARGS...: one run compared with its golden file
	name=$1
	shift
	SAYSO_NOW=2026-11-23T10:15:00Z "$A" --db "$DB" --secret "$SECRET" "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	{
		cat "$T/.out"
		echo "--- stderr"
		cat "$T/.err"
		echo "--- exit $rc"
	} | sed "s|$T|TMP|g" >"$T/.got"
	if [ -n "${SAYSO_UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$G"
		cp "$T/.got" "$G/$name.out"
	elif [ ! -f "$G/$name.out" ]; then
		echo "FAIL $name: no golden file $G/$name.out"
		fail=1
	elif ! cmp -s "$T/.got" "$G/$name.out"; then
		echo "FAIL $name: output differs from golden"
		diff -u "$G/$name.out" "$T/.got" | head -60
		fail=1
	fi
}

check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if ! "$@"; then
		echo "FAIL: $d"
		fail=1
	fi
}

SAYSO_NOW=2026-11-23T10:00:00Z "$A" --db "$DB" --secret "$SECRET" init >/dev/null || exit 1
db_sql_file <"$D/fixture.sql" && db_sync_ids reports || exit 1

# ---- ratings ----
step ratings-summary-table ratings summary
step ratings-by-channel ratings summary --by channel
step ratings-by-hour-csv ratings summary --by hour --format csv
step ratings-by-device-csv ratings summary --by device --format csv
step ratings-by-day-json ratings summary --by day --since 2026-11-21 \
	--until 2026-11-22 --format json
step ratings-empty-json ratings summary --since 2027-01-01 --format json
step ratings-bad-by ratings summary --by week
step ratings-bad-since ratings summary --since yesterday
step ratings-until-before-since ratings summary --since 2026-11-22 \
	--until 2026-11-21

# ---- reports ----
step reports-list-table reports list
step reports-list-csv reports list --format csv
step reports-list-json-resolved reports list --status resolved --format json
step reports-list-open311 reports list --format open311
step reports-list-street reports list --street "keats road" --category \
	FLY_TIPPING --format csv
step reports-list-bad-status reports list --status fixed
step reports-list-bad-format reports list --format xml
step reports-summary-table reports summary
step reports-summary-json reports summary --format json
step reports-summary-csv reports summary --format csv
step reports-summary-since reports summary --since 2026-11-05 --format json

# reports set: history, audit and the held SMS update released on resolve.
held() {
	db_sql "SELECT status FROM sms_outbox WHERE hold_key = 'report:KTS-008'"
}
check "the update waits while the report is open" test "$(held)" = held
step reports-set-progress reports set kts-008 in_progress --note "Booked for Friday"
check "in progress does not text the resident" test "$(held)" = held
step reports-set-resolved reports set KTS-008 resolved --note "Removed"
check "resolving releases the held text" test "$(held)" = queued
body=$(db_sql "SELECT body FROM sms_outbox WHERE hold_key = 'report:KTS-008'")
case "$body" in
*KTS-008*Removed*) ;;
*)
	echo "FAIL: the released text names the report and the note: $body"
	fail=1
	;;
esac
check "history has both changes" test "$(db_sql "SELECT status || ':' || coalesce(note, '') || ':' || actor FROM report_history WHERE report_id = 8 ORDER BY id" | paste -sd '|')" = \
	"open::kiosk|in_progress:Booked for Friday:admin:tester|resolved:Removed:admin:tester"
step reports-after-set-open311 reports list --status resolved --format open311
step reports-summary-after-set reports summary
step reports-set-missing reports set NOP-999 resolved
step reports-set-bad-status reports set KTS-001 fixed
step reports-set-usage reports set KTS-001

# ---- pages: ratings --html and the partner report ----
step ratings-html ratings summary --by channel --html page-ratings
check "ratings page written" test -s page-ratings/index.html
check "ratings.json written" test -s page-ratings/ratings.json
check "a resident's answer is shown as text" \
	grep -q '&lt;script&gt;alert(&quot;rating&quot;)&lt;/script&gt;' page-ratings/index.html
check "no script element on the ratings page" \
	sh -c '! grep -qi "<script" page-ratings/index.html'

# A PB round for the partner report, entered as paper ballots.
pb() { SAYSO_NOW=${PBNOW:-2026-11-21T12:00:00Z} "$A" --db "$DB" --secret "$SECRET" "$@" >/dev/null || {
	echo "FAIL: setup: $*"
	fail=1
}; }
pb round create PARK --title "Poets Park" --budget 10000
pb project add PARK --title "New benches" --cost 3000
pb project add PARK --title "Play area" --cost 6000
pb project add PARK --title "Wildflower meadow" --cost 2000
pb round open PARK
PBNOW=2026-11-21T12:01:00Z pb ballot add PARK --phone 07700900001 --projects 1,2
PBNOW=2026-11-21T12:02:00Z pb ballot add PARK --phone 07700900002 --projects 2,3
PBNOW=2026-11-21T12:03:00Z pb ballot add PARK --phone 07700900003 --projects 2
step report-page report --out page-report --since 2026-11-01 --until 2026-11-30
check "report page written" test -s page-report/index.html
if [ -n "${SAYSO_UPDATE_GOLDEN:-}" ]; then
	cp page-report/report.json "$G/report.json"
elif ! cmp -s page-report/report.json "$G/report.json"; then
	echo "FAIL: report.json differs from its golden file"
	diff -u "$G/report.json" page-report/report.json | head -40
	fail=1
fi
check "an issue's HTML shows as text" \
	sh -c '! grep -qi "<script\|<img" page-report/index.html'
check "the partner page carries the resolution rate" \
	grep -q '62.5%' page-report/index.html
# 20 ratings are under [site] min_group (30): the page gives the counts and
# says the share is too few to report rather than printing "70%".
check "the partner page carries the positive count" \
	grep -q '14 of 20 people chose a positive face' page-report/index.html
check "the partner page calls 20 ratings too few to report" \
	grep -q 'too few to report' page-report/index.html
check "the partner page does not headline a share of 20" \
	sh -c '! grep -q "<dd>70%</dd>" page-report/index.html'
printf '[site]\nmin_group = 20\n' >low.ini
SAYSO_NOW=2026-11-23T10:15:00Z "$A" --config low.ini --db "$DB" --secret "$SECRET" report \
	--out page-report-low --since 2026-11-01 --until 2026-11-30 >/dev/null
check "with min_group 20 the partner page carries the share positive" \
	grep -q '<dd>70%</dd>' page-report-low/index.html
check "hotspot street listed" grep -q 'Keats Road' page-report/index.html
# The page is replaced whole, and a directory sayso did not write is refused.
mkdir notmine && echo precious >notmine/file.txt
step report-refuses-foreign-dir report --out notmine
check "the foreign directory is untouched" grep -q precious notmine/file.txt
check "no temporary directories left" \
	sh -c '! ls -d page-report.tmp-* notmine.tmp-* 2>/dev/null | grep -q .'

exit $fail

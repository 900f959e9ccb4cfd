#!/bin/sh
# admin_textsafe.sh: stored text reaches people safely (issue 10, item 6).
# A project title with terminal escape codes, one with invalid UTF-8 and one
# that a spreadsheet would run as a formula, written straight into the
# database as a tampered kiosk file could: the text tables carry no control
# character, JSON keeps every title (U+FFFD for the bad bytes), and CSV
# cells that would be formulas start with '. Skips (77) without sqlite3/jq.
# On PostgreSQL the invalid UTF-8 title cannot be stored (the server refuses
# it), so that case is SQLite's alone.
# engines: sqlite pg (the site database from db.inc)
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
for tool in jq; do
	command -v $tool >/dev/null 2>&1 || {
		echo "skip: $tool is not installed"
		exit 77
	}
done
T=$(mktemp -d /tmp/sayso-textsafe-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG
fail=0
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site "$T/t.db"
set -f # $D is split into words; a URI's '?' is no pattern
D="--db $DB --secret $SECRET"

# shellcheck disable=SC2086
{
	"$A" $D init >/dev/null &&
		"$A" $D round create r --title "Parks" --budget 1000 >/dev/null &&
		"$A" $D project add r --title "Benches" --cost 100 >/dev/null &&
		"$A" $D project add r --title "Trees" --cost 100 >/dev/null &&
		"$A" $D project add r --title "Lights" --cost 100 >/dev/null
} || {
	echo "FAIL: setup"
	exit 1
}
if [ "$DB_ENGINE" = sqlite ]; then
	db_sql "UPDATE projects SET title = CAST(X'42656e636865731b5b324a1b5d303b70776e656407' AS TEXT) WHERE number = 1;
UPDATE projects SET title = CAST(X'5472656573fffe21' AS TEXT) WHERE number = 2;
UPDATE projects SET title = '=HYPERLINK(\"http://evil\",\"x\")' WHERE number = 3;
UPDATE rounds SET title = 'Parks' || char(27) || '[31m red' WHERE code = 'r';"
else
	db_sql "UPDATE projects SET title = E'Benches\\x1b[2J\\x1b]0;pwned\\x07' WHERE number = 1;
UPDATE projects SET title = '=HYPERLINK(\"http://evil\",\"x\")' WHERE number = 3;
UPDATE rounds SET title = 'Parks' || chr(27) || '[31m red' WHERE code = 'r';"
fi || exit 1

# shellcheck disable=SC2086
for cmd in "project list r" "tally r" "voters report r" "round list" "round show r"; do
	"$A" $D $cmd >"$T/out" 2>&1
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/out"; then
		echo "FAIL: '$cmd' printed a control character:"
		od -c "$T/out" | head -5
		fail=1
	fi
done
# shellcheck disable=SC2086
"$A" $D project list r | grep -q 'Benches\[2J\]0;pwned' ||
	{ echo "FAIL: the title's printable text is not shown"; fail=1; }

# shellcheck disable=SC2086
n=$("$A" $D tally r --format json | jq '[.projects[] | select(has("title"))] | length')
[ "$n" = 3 ] || { echo "FAIL: JSON has $n titles of 3 (a key was dropped)"; fail=1; }
# shellcheck disable=SC2086
t=$("$A" $D tally r --format json | jq -r '.projects[1].title')
[ "$DB_ENGINE" = pg ] || [ "$t" = "$(printf 'Trees\357\277\275\357\277\275!')" ] ||
	{ echo "FAIL: invalid UTF-8 not replaced by U+FFFD: $t"; fail=1; }

# shellcheck disable=SC2086
"$A" $D tally r --format csv >"$T/csv"
grep -q "^3,3,\"'=HYPERLINK" "$T/csv" ||
	{ echo "FAIL: a formula cell is not defused:"; cat "$T/csv"; fail=1; }
# shellcheck disable=SC2086
"$A" $D results r --out "$T/res" >/dev/null 2>&1
grep -q "'=HYPERLINK" "$T/res/results.csv" ||
	{ echo "FAIL: results.csv formula cell is not defused"; fail=1; }

[ $fail = 0 ] && echo "admin_textsafe: tables, JSON and CSV are safe"
exit $fail

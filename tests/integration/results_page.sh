#!/bin/sh
# results_page.sh: `sayso-admin results` through the real binary.
#
# A round is made with the organisers' commands (titles carrying HTML, to
# prove it is shown as text), voted on with paper ballots, and published:
# results.json and results.csv are compared with golden files under
# tests/data/results/golden, the QR PNG must decode (zbarimg) back to the
# URL, the page must be self-contained (no script, no remote asset), and a
# second run must replace the directory whole. Regenerate the golden files
# with SAYSO_UPDATE_GOLDEN=1 ctest -R results_page and read the diff.
# The page in a browser is tests/integration/results_chromium.sh.
# engines: sqlite pg (the site database from db.inc)
set -u
# Pins the time with SAYSO_NOW: a test build only (SAYSO_TEST_CLOCK=ON).
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
D=${SAYSO_TESTDATA:?SAYSO_TESTDATA not set}/results
G=$D/golden
T=$(mktemp -d /tmp/sayso-results-page-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site r.db
unset SAYSO_CONFIG
export SAYSO_ACTOR=tester TZ=UTC LC_ALL=C SAYSO_NOW=2026-11-23T10:15:00Z
fail=0

run() { "$A" --db "$DB" --secret "$SECRET" "$@" >/dev/null 2>"$T/.err" || {
	echo "FAIL: setup: $*"
	cat "$T/.err"
	fail=1
}; }

check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if ! "$@"; then
		echo "FAIL: $d"
		fail=1
	fi
}

golden() { # golden NAME FILE: compare a produced file with its golden copy
	if [ -n "${SAYSO_UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$G"
		cp "$2" "$G/$1"
	elif ! cmp -s "$2" "$G/$1"; then
		echo "FAIL: $2 differs from golden $1"
		diff -u "$G/$1" "$2" | head -60
		fail=1
	fi
}

run init
run round create PARK --title 'Poets Park <script>alert("round")</script>' \
	--budget 10000
run project add PARK --title "New benches" --cost 3000
run project add PARK --title "Play area & swings" --cost 6000
run project add PARK --title '<img src=x onerror=alert(1)> meadow' --cost 2000
run project add PARK --title "Street trees, \"big\" ones" --cost 4500
run round open PARK
# Each ballot a minute apart: which one is "first" must not depend on ties.
SAYSO_NOW=2026-11-22T10:01:00Z run ballot add PARK --phone 07700900001 --projects 1,2 --channel paper
SAYSO_NOW=2026-11-22T10:02:00Z run ballot add PARK --phone 07700900002 --projects 2,3 --channel paper
SAYSO_NOW=2026-11-22T10:03:00Z run ballot add PARK --phone 07700900003 --projects 2,4 --channel paper
SAYSO_NOW=2026-11-22T10:04:00Z run ballot add PARK --phone 07700900004 --projects 3,4 --channel paper
SAYSO_NOW=2026-11-22T10:05:00Z run ballot add PARK --phone 07700900005 --projects 3 --channel paper
# Already voted: kept as superseded, not counted (revote first).
SAYSO_NOW=2026-11-22T10:06:00Z "$A" --db "$DB" --secret "$SECRET" ballot add PARK --phone 07700900001 --projects 4 \
	--channel paper >/dev/null 2>&1
export SAYSO_NOW=2026-11-23T10:15:00Z

URL='https://example.org/results/park?from=qr'
"$A" --db "$DB" --secret "$SECRET" results PARK --out site --url "$URL" >out.txt 2>err.txt
check "results exits 0" test $? -eq 0
check "results says what it wrote" grep -q 'wrote site/index.html (greedy, 2 funded)' out.txt
for f in index.html results.json results.csv qr.png qr.svg; do
	check "site/$f written" test -s "site/$f"
done
golden page-results.json site/results.json
golden page-results.csv site/results.csv

# The QR code decodes back to the URL.
if command -v zbarimg >/dev/null 2>&1; then
	got=$(zbarimg -q --raw site/qr.png 2>/dev/null)
	check "qr.png decodes to the URL (got '$got')" test "$got" = "$URL"
else
	echo "zbarimg not installed: QR decoding not checked"
fi
check "qr.svg is an SVG" grep -q '^<svg xmlns="http://www.w3.org/2000/svg"' site/qr.svg
check "the page carries the QR code inline" grep -q 'aria-label="QR code linking to this page"' site/index.html
check "the page links the URL" grep -q "href=\"https://example.org/results/park?from=qr\"" site/index.html

# Self-contained and escaped.
check "no script element" sh -c '! grep -qi "<script" site/index.html'
check "no img element" sh -c '! grep -qi "<img" site/index.html'
check "no element loads anything" sh -c '! grep -q " src=\"" site/index.html'
check "the only absolute link is the page's own URL" sh -c \
	'test "$(grep -o "href=\"[a-z]*://[^\"]*\"" site/index.html | sort -u)" = "href=\"https://example.org/results/park?from=qr\""'
check "no external stylesheet" sh -c '! grep -qi "<link" site/index.html'
check "round title shown as text" grep -q 'Poets Park &lt;script&gt;alert(&quot;round&quot;)&lt;/script&gt;' site/index.html
check "project title shown as text" grep -q '&lt;img src=x onerror=alert(1)&gt; meadow' site/index.html
check "quotes escaped" grep -q 'Street trees, &quot;big&quot; ones' site/index.html

# What the page states (the tally's figures: greedy over votes 2:3, 3:3,
# 4:2, 1:1 with a budget of 10,000: 2 and 3 tie on votes, the cheaper 3
# (2,000) goes first, then 2 (6,000); 4 (4,500) and 1 (3,000) do not fit in
# the 2,000 left).
check "provisional while the round is open" grep -q 'provisional' site/index.html
check "money used" grep -q '£8,000' site/index.html
check "money left" grep -q '£2,000 is left' site/index.html
check "ballots counted" grep -q '<dd>5</dd>' site/index.html
check "the superseded ballot is explained" grep -q '1 ballot replaced' site/index.html
check "the rule in a sentence" grep -q 'Projects were funded in order of votes' site/index.html
check "tally time" grep -q 'Counted on 23 November 2026, 10:15' site/index.html
check "winners listed in order" sh -c 'grep -o "data-project=\"[0-9]*\"" site/index.html | tr "\n" " " | grep -q "data-project=\"3\" data-project=\"2\""'
check "real headings" grep -q '<h2 id="PARK-votes">Votes for each project</h2>' site/index.html
check "a table for every chart" test "$(grep -c '<figure' site/index.html)" -le "$(grep -c '<table' site/index.html)"
check "viewport for phones" grep -q 'name="viewport"' site/index.html
check "print styles" grep -q '@media print' site/index.html

# Replaced whole on a second run: a stale file goes, nothing temporary stays.
"$A" --db "$DB" --secret "$SECRET" round close PARK >/dev/null
touch site/stale.json
"$A" --db "$DB" --secret "$SECRET" results PARK --out site --rule mes >/dev/null 2>&1
check "second run exits 0" test $? -eq 0
check "stale file gone" test ! -e site/stale.json
check "no QR without --url" test ! -e site/qr.png
check "closed round is not provisional" sh -c '! grep -q provisional site/index.html'
check "rule mes recorded" grep -q '"rule": "mes"' site/results.json
check "no temporary directories" sh -c '! ls -d site.tmp-* 2>/dev/null | grep -q .'
golden page-results-mes.json site/results.json

"$A" --db "$DB" --secret "$SECRET" results PARK --out site --rule approval >/dev/null 2>&1
check "approval rule" grep -q '"selected": \[\]' site/results.json
check "approval says it decides nothing" grep -q 'does not decide which projects are funded' site/index.html

# Errors: clear messages, nothing written.
"$A" --db "$DB" --secret "$SECRET" results NOPE --out nope >/dev/null 2>err.txt
check "unknown round is an error (1)" test $? -eq 1
check "unknown round named" grep -q "no round 'NOPE'" err.txt
check "nothing written for an unknown round" test ! -e nope
"$A" --db "$DB" --secret "$SECRET" results PARK >/dev/null 2>err.txt
check "missing --out is a usage error" test $? -eq 2
"$A" --db "$DB" --secret "$SECRET" results PARK --out x --rule fair >/dev/null 2>err.txt
check "unknown rule is a usage error" test $? -eq 2
mkdir home && echo keep >home/notes.txt
"$A" --db "$DB" --secret "$SECRET" results PARK --out home >/dev/null 2>err.txt
check "a directory sayso did not write is refused" test $? -eq 1
check "and left alone" grep -q keep home/notes.txt
check "the refusal says why" grep -q 'not written by sayso' err.txt
touch afile
"$A" --db "$DB" --secret "$SECRET" results PARK --out afile >/dev/null 2>err.txt
check "a file in the way is refused" test $? -eq 1

exit $fail

#!/bin/sh
# results_chromium.sh: the published pages in a real browser (headless
# Chromium): a screenshot must be produced at desktop and phone widths, and
# the DOM Chromium built must hold the winners and no element made from a
# resident's text.
#
# The round is a real election, Wieliczka's 2023 Green Budget from
# ../shared/pb, imported and counted by the Method of Equal Shares: the
# funded projects on the page must be exactly the official winners in
# ../shared/pb/expected.jsonl. Skipped (77) when chromium or ../shared/pb is absent.
# engines: sqlite pg (the site database from db.inc)
set -u
# Pins the time with SAYSO_NOW: a test build only (SAYSO_TEST_CLOCK=ON).
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
S=${SAYSO_SHARED:?SAYSO_SHARED not set}
D=${SAYSO_TESTDATA:?SAYSO_TESTDATA not set}/results
CHROMIUM=
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		CHROMIUM=$c
		break
	fi
done
if [ -z "$CHROMIUM" ]; then
	echo "chromium not installed: skipping"
	exit 77
fi
if [ ! -f "$S/pb/poland_wieliczka_2023.pb" ]; then
	echo "skipped: $S/pb is absent (the real elections live beside the clone in shared/)"
	exit 77
fi
T=$(mktemp -d /tmp/sayso-results-chromium-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site w.db
unset SAYSO_CONFIG
export SAYSO_ACTOR=tester TZ=UTC LC_ALL=C SAYSO_NOW=2026-11-23T10:15:00Z
fail=0

check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if ! "$@"; then
		echo "FAIL: $d"
		fail=1
	fi
}

# browser ARGS... URL: one headless run with a private profile and no
# network chatter.
browser() {
	prof=$(mktemp -d "$T/profile-XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$prof" "$@" 2>>"$T/chromium.log"
}

# is_png FILE: the PNG signature and a non-trivial size.
is_png() {
	test "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a &&
		test "$(wc -c <"$1")" -gt 10000
}

"$A" --db "$DB" --secret "$SECRET" init >/dev/null || exit 1
"$A" --db "$DB" --secret "$SECRET" import pb "$S/pb/poland_wieliczka_2023.pb" --code WIEL >/dev/null || exit 1
"$A" --db "$DB" --secret "$SECRET" results WIEL --rule mes --out site \
	--url "https://example.org/wieliczka" >/dev/null || exit 1

browser --screenshot="$T/desktop.png" --window-size=1280,2000 \
	"file://$T/site/index.html" >/dev/null
check "desktop screenshot produced" is_png "$T/desktop.png"
browser --screenshot="$T/phone.png" --window-size=360,2400 \
	"file://$T/site/index.html" >/dev/null
check "phone screenshot produced" is_png "$T/phone.png"
browser --print-to-pdf="$T/print.pdf" --no-pdf-header-footer \
	"file://$T/site/index.html" >/dev/null
check "the page prints (PDF produced)" sh -c \
	"head -c 5 '$T/print.pdf' | grep -q '%PDF-' && test \$(wc -c <'$T/print.pdf') -gt 20000"
browser --dump-dom "file://$T/site/index.html" >dom.html
check "DOM dumped" grep -q '</html>' dom.html

# headings_in_order FILE: one h1 first, and no level skipped going down.
headings_in_order() {
	grep -o '<h[1-6][ >]' "$1" | tr -dc '1-6\n' | awk '
		NR == 1 && $1 != 1 { bad = 1 }
		NR > 1 && $1 > prev + 1 { bad = 1 }
		{ prev = $1 } END { exit bad }'
}
check "results page headings in order" headings_in_order dom.html

# The winners in the DOM are the official MES winners.
want=$(grep '"poland_wieliczka_2023.pb", "rule": "mes"' "$S/pb/expected.jsonl" |
	sed 's/.*"selected": \[\([^]]*\)\].*/\1/' | tr -d '" ' | tr ',' '\n' | sort | tr '\n' ' ')
got=$(grep -o 'data-project="[^"]*"' dom.html | sed 's/.*="\(.*\)"/\1/' | sort | tr '\n' ' ')
check "expected winners known" test -n "$want"
check "DOM winners = official MES winners (got: $got)" test "$got" = "$want"
check "30 winners listed" test "$(grep -o 'data-project=' dom.html | wc -l)" -eq 30
check "a winner's title in the DOM" grep -q 'Zakup 10 fotopułapek przeciwko śmieciarzom' dom.html
check "money left in the DOM" grep -q 'PLN 4,921' dom.html
check "the QR code is in the DOM" grep -q '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ' dom.html

# HTML injection: titles with markup must stay text after parsing.
"$A" --db "$DB" --secret "$SECRET" round create EVIL --title 'Evil <script>document.title="pwned"</script>' \
	--budget 1000 >/dev/null
"$A" --db "$DB" --secret "$SECRET" project add EVIL --title '<img src=x onerror="document.title=1">Bench' \
	--cost 100 >/dev/null
"$A" --db "$DB" --secret "$SECRET" round open EVIL >/dev/null
"$A" --db "$DB" --secret "$SECRET" ballot add EVIL --phone 07700900001 --projects 1 >/dev/null
"$A" --db "$DB" --secret "$SECRET" results EVIL --out evil >/dev/null
browser --dump-dom "file://$T/evil/index.html" >evil.html
check "no script element in the DOM" sh -c '! grep -qi "<script" evil.html'
check "no img element in the DOM" sh -c '! grep -qi "<img" evil.html'
check "the title is text" grep -q '&lt;img src=x onerror="document.title=1"&gt;Bench' evil.html
check "the page title was not changed by script" grep -q '<title>Results: Evil &lt;script&gt;' evil.html
check "the winner is shown" grep -q 'data-project="1"' evil.html

# The partner report and the ratings page open too.
db_sql_file <"$D/fixture.sql" 2>/dev/null && db_sync_ids reports
"$A" --db "$DB" --secret "$SECRET" report --out report --round WIEL --rule mes >/dev/null
browser --screenshot="$T/report.png" --window-size=1280,3000 \
	"file://$T/report/index.html" >/dev/null
check "report screenshot produced" is_png "$T/report.png"
browser --dump-dom "file://$T/report/index.html" >report.html
check "report DOM has the three parts" sh -c \
	'grep -q "How residents feel" report.html && grep -q "Problems residents reported" report.html && grep -q "Participatory budgeting" report.html'
check "report headings in order" headings_in_order report.html
check "report DOM has the winners" test "$(grep -o 'data-project=' report.html | wc -l)" -eq 30
check "report DOM has no injected element" sh -c '! grep -qi "<script\|<img" report.html'

if [ -n "${SAYSO_KEEP_SCREENSHOTS:-}" ]; then
	mkdir -p "$SAYSO_KEEP_SCREENSHOTS"
	cp "$T"/*.png "$SAYSO_KEEP_SCREENSHOTS"/
fi
[ $fail -eq 0 ] || tail -20 "$T/chromium.log"
exit $fail

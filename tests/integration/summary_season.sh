#!/bin/sh
# summary_season.sh: a season replayed through the real sayso-admin, and
# every figure of `event show`, `ratings summary --event` and the
# partnership summary (summary.json, summary.csv, index.html) checked
# against values worked out by hand below.
#
# The season (June 2026, UTC):
# - FUN, the Poets Fun Day, 14 June 11:00-16:00 on kiosks k1 and k2 and by
#   text. 100 counted ratings, i = 1..100 at 11:00 + 150 s * i: face 5 for
#   i <= 60, 4 for i <= 88, 3 for i <= 94, 2 for i <= 98, else 1. So
#   positive (4 or 5) = 88 of 100 = 88%, Wilson 95% 80.1879%-93.0006%
#   (the reference: 80.2%-93.0%), mean (300+112+18+8+2)/100 = 4.40.
#   Channel: sms when i % 5 == 0 (20 ratings; i = 5..60 face 5 (12),
#   65..85 face 4 (5): 17 of 20 positive; under min_group 30: too few),
#   else kiosk (80; 71 positive), k1 when i % 5 is 1 or 2, k2 otherwise.
#   Answers: "The park" when i % 10 < 4 (40), "Music" for 4, 5 (20),
#   "Litter" for 6 (10).
#   Not counted: 5 repeat presses on k1 (flag 'repeat', excluded as
#   misuse), 10 ratings on k3 and 3 on paper inside the window (not the
#   event's sources), one on k1 at 10:59:59.999 and one at 16:00:00.000
#   (outside the window's edges).
# - COFFEE, a coffee morning, 20 June 10:00-12:00 on k1 only: 12 ratings,
#   faces 5 x6, 4 x3, 3 x2, 1 x1: 9 of 12 positive, too few to report.
# - Ordinary days 1-10 June: 50 ratings on k1, in no event.
# - Residents' reports in June: 12; open 5, in_progress 2, resolved 4,
#   rejected 1. Of them in FUN: k1 x3 (open, open, resolved), sms x2
#   (in_progress, resolved) = 5; one on k3 during the fun day is not.
# - PB round PARK (budget 10,000): 7 kiosk ballots on k1/k2 during the
#   fun day, 3 paper ballots later. Votes: New benches (3,000) 6, Play area
#   (6,000) 8, Wildflower meadow (2,000) 5. Greedy: Play area, then New
#   benches (4,000 left); the meadow (2,000) does not fit in 1,000.
#   Ballots in FUN: 7.
# - Walkabouts (Byron Street and Keats Street), April to June:
#   APR 2026-04-14: a1 Byron fly-tipping, a2 Keats litter, a3 Keats
#     graffiti, a4 Byron litter.
#   MAY 2026-05-12: a1 resolved, a2 not-resolved, a3 resolved; a4 not
#     looked at (due: MAY covered Byron); m1 Byron graffiti logged.
#   JUN 2026-06-09: a1 resolved again, a2 resolved, m1 gone-worse.
#   Logged 5; inspected 4 (a1, a2, a3, m1); last observed resolved 3 (a1,
#   a2, a3): 75%, Wilson 95% 30.0642%-95.4413%; never re-inspected 1 (a4),
#   due 1. The summary over April-June shows them; over June alone, the JUN
#   walkabout logged nothing, and a period before April says "No
#   walkabouts recorded".
# engines: sqlite pg (the site database from db.inc)
set -u
# Pins the time with SAYSO_NOW: a test build only (SAYSO_TEST_CLOCK=ON).
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
command -v jq >/dev/null 2>&1 || {
	echo "jq not installed"
	exit 77
}
T=$(mktemp -d /tmp/sayso-summary-season-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site s.db
unset SAYSO_CONFIG
export SAYSO_ACTOR=tester TZ=UTC LC_ALL=C SAYSO_NOW=2026-06-01T08:00:00Z
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
# is JQ-EXPR FILE WANT: the value of a jq expression equals WANT.
is() {
	got=$(jq -r "$1" "$2")
	if [ "$got" != "$3" ]; then
		echo "FAIL: $2: $1 is '$got', not '$3'"
		fail=1
	fi
}

run init
run event create FUN --title "Poets Fun Day" --from 2026-06-14T11:00:00Z \
	--to 2026-06-14T16:00:00Z --device k1 --device k2 --channel sms \
	--place "Poets Park"
run event create COFFEE --title "Coffee morning" \
	--from 2026-06-20T10:00:00Z --to 2026-06-20T12:00:00Z --device k1

# ---- ratings ----
{
	echo "BEGIN;"
	i=1
	while [ $i -le 100 ]; do
		if [ $i -le 60 ]; then s=5; elif [ $i -le 88 ]; then s=4
		elif [ $i -le 94 ]; then s=3; elif [ $i -le 98 ]; then s=2
		else s=1; fi
		case $((i % 5)) in
		0) ch=sms dev=smsgw ;;
		1 | 2) ch=kiosk dev=k1 ;;
		*) ch=kiosk dev=k2 ;;
		esac
		case $((i % 10)) in
		0 | 1 | 2 | 3) ans="'The park'" ;;
		4 | 5) ans="'Music'" ;;
		6) ans="'Litter'" ;;
		*) ans=NULL ;;
		esac
		at=$(date -u -d "@$((1781434800 + 150 * i))" +%Y-%m-%dT%H:%M:%S.000Z)
		echo "INSERT INTO ratings (uid, score, question, answer, channel, device_id, cast_at) VALUES ('F$i', $s, 'best', $ans, '$ch', '$dev', '$at');"
		i=$((i + 1))
	done
	for i in 1 2 3 4 5; do
		echo "INSERT INTO ratings (uid, score, channel, device_id, cast_at, flag) VALUES ('R$i', 5, 'kiosk', 'k1', '2026-06-14T12:00:0$i.000Z', 'repeat');"
	done
	for i in 0 1 2 3 4 5 6 7 8 9; do
		echo "INSERT INTO ratings (uid, score, channel, device_id, cast_at) VALUES ('X$i', 1, 'kiosk', 'k3', '2026-06-14T13:0$i:00.000Z');"
	done
	for i in 1 2 3; do
		echo "INSERT INTO ratings (uid, score, channel, device_id, cast_at) VALUES ('P$i', 1, 'paper', 'admin', '2026-06-14T14:0$i:00.000Z');"
	done
	echo "INSERT INTO ratings (uid, score, channel, device_id, cast_at) VALUES ('E1', 1, 'kiosk', 'k1', '2026-06-14T10:59:59.999Z'), ('E2', 1, 'kiosk', 'k1', '2026-06-14T16:00:00.000Z');"
	for s in 5 5 5 5 5 5 4 4 4 3 3 1; do
		i=$((${i:-0} + 1))
		echo "INSERT INTO ratings (uid, score, channel, device_id, cast_at) VALUES ('C$i', $s, 'kiosk', 'k1', '2026-06-20T10:$((10 + i)):00.000Z');"
	done
	i=1
	while [ $i -le 50 ]; do
		echo "INSERT INTO ratings (uid, score, channel, device_id, cast_at) VALUES ('O$i', $((i % 5 + 1)), 'kiosk', 'k1', '2026-06-0$((i % 9 + 1))T09:$((i + 9)):00.000Z');"
		i=$((i + 1))
	done
	# ---- residents' reports ----
	n=0
	for r in "k1 kiosk 2026-06-14T11:30 open" "k1 kiosk 2026-06-14T12:30 open" \
		"k1 kiosk 2026-06-14T13:30 resolved" "smsgw sms 2026-06-14T14:30 in_progress" \
		"smsgw sms 2026-06-14T15:30 resolved" "k3 kiosk 2026-06-14T12:45 open" \
		"k1 kiosk 2026-06-03T10:00 open" "k2 kiosk 2026-06-05T10:00 open" \
		"smsgw sms 2026-06-08T10:00 in_progress" "k1 kiosk 2026-06-10T10:00 resolved" \
		"k2 kiosk 2026-06-21T10:00 resolved" "k1 kiosk 2026-06-25T10:00 rejected"; do
		set -- $r
		n=$((n + 1))
		echo "INSERT INTO reports (uid, ref, category, street, status, channel, device_id, cast_at, updated_at) VALUES ('Q$n', 'POE-$n', 'litter', 'Keats Road', '$4', '$2', '$1', '$3:00.000Z', '$3:00.000Z');"
	done
	echo "COMMIT;"
} >season.sql
check "the season loads" db_sql_file season.sql

# ---- PB: 7 kiosk ballots at the fun day, 3 on paper later ----
run round create PARK --title "Poets Park" --budget 10000
run project add PARK --title "New benches" --cost 3000
run project add PARK --title "Play area" --cost 6000
run project add PARK --title "Wildflower meadow" --cost 2000
run round open PARK
{
	echo "BEGIN;"
	n=0
	for b in "k1 1,2,3" "k2 1,2" "k1 2,3" "k2 2" "k1 1,2,3" "k2 1,3" "k1 2"; do
		set -- $b
		n=$((n + 1))
		echo "INSERT INTO ballots (id, uid, round_id, resident_id, channel, device_id, cast_at, status) VALUES ($n, 'B$n', (SELECT id FROM rounds WHERE code = 'PARK'), 'resident$n', 'kiosk', '$1', '2026-06-14T1$((n % 5 + 1)):15:00.000Z', 'counted');"
		for p in $(echo "$2" | tr , ' '); do
			echo "INSERT INTO ballot_items (ballot_id, project_id) SELECT $n, id FROM projects WHERE number = $p;"
		done
	done
	echo "COMMIT;"
} >ballots.sql
check "the fun day's ballots load" db_sql_file ballots.sql
db_sync_ids ballots
SAYSO_NOW=2026-06-16T10:00:00Z run ballot add PARK --phone 07700900008 --projects 1,2 --channel paper
SAYSO_NOW=2026-06-16T10:01:00Z run ballot add PARK --phone 07700900009 --projects 2,3 --channel paper
SAYSO_NOW=2026-06-16T10:02:00Z run ballot add PARK --phone 07700900010 --projects 1 --channel paper
SAYSO_NOW=2026-06-30T18:00:00Z run round close PARK

# ---- walkabouts ----
SAYSO_NOW=2026-04-14T09:00:00Z run walkabout start APR --date 2026-04-14 \
	--by "Ann Lee,Raj Patel" --streets "Byron Street,Keats Street"
SAYSO_NOW=2026-05-12T09:00:00Z run walkabout start MAY --date 2026-05-12 \
	--by "Ann Lee" --streets "Byron Street,Keats Street"
SAYSO_NOW=2026-06-09T09:00:00Z run walkabout start JUN --date 2026-06-09 \
	--by "Raj Patel" --streets "Byron Street,Keats Street"
wlog() { # wlog WALK STREET CATEGORY AT: prints the new reference
	"$A" --db "$DB" --secret "$SECRET" walkabout log "$1" --street "$2" --category "$3" \
		--grade C --at "$4" 2>>"$T/walk.err"
}
a1=$(wlog APR "Byron Street" fly-tipping 2026-04-14T10:00:00Z)
a2=$(wlog APR "Keats Street" litter 2026-04-14T10:10:00Z)
a3=$(wlog APR "Keats Street" graffiti 2026-04-14T10:20:00Z)
a4=$(wlog APR "Byron Street" litter 2026-04-14T10:30:00Z)
m1=$(wlog MAY "Byron Street" graffiti 2026-05-12T10:30:00Z)
check "five walkabout issues logged" test -n "$a1" -a -n "$a2" -a -n "$a3" -a -n "$a4" -a -n "$m1"
wcheck() { # wcheck WALK REF OBSERVED AT
	run walkabout check "$1" --issue "$2" --observed "$3" --at "$4"
}
wcheck MAY "$a1" resolved 2026-05-12T10:00:00Z
wcheck MAY "$a2" not-resolved 2026-05-12T10:10:00Z
wcheck MAY "$a3" resolved 2026-05-12T10:20:00Z
wcheck JUN "$a1" resolved 2026-06-09T10:00:00Z
wcheck JUN "$a2" resolved 2026-06-09T10:10:00Z
wcheck JUN "$m1" gone-worse 2026-06-09T10:30:00Z

export SAYSO_NOW=2026-07-01T09:00:00Z

# ---- ratings summary --event ----
"$A" --db "$DB" --secret "$SECRET" ratings summary --event FUN --by channel --format json >fun.json
is .responses fun.json 100
is .excluded fun.json 5
is .positive fun.json 0.88
is .positive_count fun.json 88
is .ci_low fun.json 0.801879
is .ci_high fun.json 0.930006
is .mean fun.json 4.4
is .too_few fun.json false
is .positive_definition fun.json "4 or 5 of 5 faces"
is '.faces | join(",")' fun.json "2,4,6,28,60"
is '.groups[] | select(.key == "sms") | .count' fun.json 20
is '.groups[] | select(.key == "sms") | .positive_count' fun.json 17
is '.groups[] | select(.key == "sms") | .too_few' fun.json true
is '.groups[] | select(.key == "kiosk") | .count' fun.json 80
is '.groups[] | select(.key == "kiosk") | .positive_count' fun.json 71
is '.groups[] | select(.key == "kiosk") | .ci_low' fun.json 0.799818
is '.groups[] | select(.key == "kiosk") | .too_few' fun.json false
is '[.answers[] | "\(.answer)=\(.count)"] | join(",")' fun.json \
	"The park=40,Music=20,Litter=10"
is .event.code fun.json FUN
# The device and channel filters inside an event: k1 has i % 5 in {1, 2}.
"$A" --db "$DB" --secret "$SECRET" ratings summary --event FUN --device k1 --format json >k1.json
is .responses k1.json 40
"$A" --db "$DB" --secret "$SECRET" ratings summary --event FUN --channel sms --format json >sms.json
is .responses sms.json 20
is .positive sms.json 0.85
# Counting the repeat presses puts them back (5 more, all face 5).
"$A" --db "$DB" --secret "$SECRET" ratings summary --event FUN --include-flagged --format json >incl.json
is .responses incl.json 105
is .positive_count incl.json 93
# The whole window with no event: the k3, paper and flagged ones are
# there (100 + 10 + 3 counted, 5 excluded).
"$A" --db "$DB" --secret "$SECRET" ratings summary --since 2026-06-14T11:00:00Z \
	--until 2026-06-14T16:00:00Z --format json >window.json
is .responses window.json 113
is .excluded window.json 5

# A stricter definition from the configuration: only face 5 is positive.
printf '[site]\ndatabase = %s\nsecret = %s\npositive = 5\nmin_group = 10\n' \
	"$DB" "$SECRET" >strict.ini
"$A" --config strict.ini ratings summary --event FUN --format json >strict.json
is .positive strict.json 0.6
is .positive_definition strict.json "5 of 5 faces"
"$A" --config strict.ini ratings summary --event COFFEE --format json >cs.json
is .too_few cs.json false
printf '[site]\npositive = 1,2,3,4,5\n' >bad.ini
"$A" --config bad.ini --db "$DB" --secret "$SECRET" ratings summary >/dev/null 2>bad.err
check "[site] positive with every face is refused" test $? -eq 1
check "the refusal names the line" grep -q 'bad.ini:2' bad.err

# ---- event show ----
"$A" --db "$DB" --secret "$SECRET" event show COFFEE --format json >coffee.json
is .ratings.responses coffee.json 12
is .ratings.positive_count coffee.json 9
is .ratings.too_few coffee.json true
is .state coffee.json ended
"$A" --db "$DB" --secret "$SECRET" event show FUN --format json >funshow.json
is .reports.count funshow.json 5
is .reports.by_status.open funshow.json 2
is .reports.by_status.in_progress funshow.json 1
is .reports.by_status.resolved funshow.json 2
is .reports.too_few funshow.json true
is .ballots.counted funshow.json 7
"$A" --db "$DB" --secret "$SECRET" event show FUN >funshow.txt
check "event show states the definition and the interval" \
	grep -q 'Positive (4 or 5 of 5 faces): 88% (95% CI 80.2% to 93%), 88 of 100' funshow.txt
"$A" --db "$DB" --secret "$SECRET" event show NOPE >/dev/null 2>nope.err
check "an unknown event exits 1" test $? -eq 1
"$A" --db "$DB" --secret "$SECRET" event list --format csv >list.csv
check "event list CSV has both events" \
	sh -c "grep -q '^FUN,Poets Fun Day,2026-06-14T11:00,2026-06-14T16:00,ended,' list.csv && grep -q '^COFFEE,' list.csv"

# ---- the partnership summary ----
"$A" --db "$DB" --secret "$SECRET" summary --since 2026-06-01 --until 2026-06-30 --out site >summary.out
check "summary wrote the page" test -s site/index.html
S=site/summary.json
is '.events | length' $S 2
is '.events[0].code' $S FUN
is '.events[0].ratings.responses' $S 100
is '.events[0].ratings.excluded' $S 5
is '.events[0].ratings.positive' $S 0.88
is '.events[0].ratings.ci_low' $S 0.801879
is '.events[0].ratings.ci_high' $S 0.930006
is '.events[0].ratings.too_few' $S false
is '.events[0].ballots.counted' $S 7
is '.events[1].code' $S COFFEE
is '.events[1].ratings.too_few' $S true
is '.events[1].ratings.positive_count' $S 9
is .reports.count $S 12
is .reports.by_status.open $S 5
is .reports.by_status.in_progress $S 2
is .reports.by_status.resolved $S 4
is .reports.by_status.rejected $S 1
is '.rounds[0].ballots' $S 10
is '[.rounds[0].winners[] | "\(.title)=\(.votes)"] | join(",")' $S \
	"Play area=8,New benches=6"
is .walkabouts.walkabouts $S 1
is .walkabouts.logged $S 0
is .positive_definition $S "4 or 5 of 5 faces"
is .min_group $S 30
C=site/summary.csv
check "CSV: FUN responses" grep -q '^event,FUN,responses,100' $C
check "CSV: FUN positive" grep -q '^event,FUN,positive,0.880000' $C
check "CSV: COFFEE too few" grep -q '^event,COFFEE,too_few,true' $C
check "CSV: reports resolved" grep -q '^reports,all,resolved,4' $C
check "CSV: a winner" grep -q '^round,PARK,winner,Play area' $C
H=site/index.html
check "page: the fun day's share" grep -q '<dd>88%</dd>' $H
check "page: its interval" grep -q '80.2% and 93%' $H
check "page: its count and definition" \
	grep -q '88 of 100; positive = 4 or 5 of 5 faces' $H
check "page: the excluded count" grep -q 'Excluded as misuse</dt><dd>5<' $H
check "page: the coffee morning is too few" grep -q '9 of 12 people chose a positive face' $H
check "page: no share headlined for 12" sh -c "! grep -q '<dd>75%</dd>' $H"
check "page: walkabouts section" grep -q 'id="walkabouts"' $H
check "page: the winners" sh -c "grep -q 'Play area' $H && grep -q 'New benches' $H"
check "page: inline SVG charts" grep -q '<svg viewBox' $H
check "page: the period in whole days" \
	grep -q 'From 1 June 2026 to 30 June 2026, inclusive.' $H
check "page: no scripts" sh -c "! grep -qi '<script' $H"
# ---- the page in a real browser (headless Chromium), when there is one:
# a screenshot at desktop and A4 widths, an A4 PDF, and the DOM Chromium
# built holds the figures as text. ----
CHROMIUM=
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		CHROMIUM=$c
		break
	fi
done
browser() {
	prof=$(mktemp -d "$T/profile-XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$prof" "$@" 2>>"$T/chromium.log"
}
is_png() {
	test "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a &&
		test "$(wc -c <"$1")" -gt 10000
}
if [ -n "$CHROMIUM" ]; then
	browser --screenshot="$T/desktop.png" --window-size=1280,2400 \
		"file://$T/$H" >/dev/null
	check "desktop screenshot" is_png "$T/desktop.png"
	# 794 px is A4's width at 96 dpi.
	browser --screenshot="$T/a4.png" --window-size=794,3000 \
		"file://$T/$H" >/dev/null
	check "A4-width screenshot" is_png "$T/a4.png"
	browser --print-to-pdf="$T/print.pdf" --no-pdf-header-footer \
		"file://$T/$H" >/dev/null
	check "the page prints to PDF" sh -c \
		"head -c 5 '$T/print.pdf' | grep -q '%PDF-'"
	check "printed on A4 (595 x 842 pt)" \
		sh -c "grep -aq 'MediaBox \[0 0 59[45]\.[0-9]* 84[12]' '$T/print.pdf'"
	browser --dump-dom "file://$T/$H" >dom.html
	check "DOM: the fun day's share as text" grep -q '<dd>88%</dd>' dom.html
	check "DOM: the walkabouts section" grep -q 'id="walkabouts"' dom.html
	check "DOM: the share chart" grep -q 'Share positive by event' dom.html
	if [ -n "${SAYSO_KEEP_SCREENSHOTS:-}" ]; then
		cp "$T/desktop.png" "$T/a4.png" "$T/print.pdf" \
			"$SAYSO_KEEP_SCREENSHOTS/"
	fi
else
	echo "chromium not installed: the browser checks are skipped"
fi

# The walkabouts of the season: the summary over April to June.
"$A" --db "$DB" --secret "$SECRET" summary --since 2026-04-01 --until 2026-06-30 --out spring >/dev/null
W=spring/summary.json
is .walkabouts.walkabouts $W 3
is .walkabouts.logged $W 5
is .walkabouts.inspected $W 4
is .walkabouts.resolved $W 3
is .walkabouts.rate $W 0.75
is .walkabouts.ci_low $W 0.300642
is .walkabouts.ci_high $W 0.954413
is .walkabouts.uninspected $W 1
is .walkabouts.due $W 1
is .walkabouts.duplicates $W 0
is '.events | length' $W 2
is .reports.count $W 12
check "CSV: the walkabout rate" grep -q '^walkabouts,all,rate,0.750000' spring/summary.csv
check "page: the walkabout rate and its interval" \
	grep -q '75% of the 4 issues re-inspected on a later walkabout were last observed resolved (3; 95% interval 30.1% to 95.4%)' spring/index.html
check "page: walkabouts held" grep -q 'Walkabouts held</dt><dd>3<' spring/index.html
check "page: the walkabout rate charted by street" \
	grep -q '1 of 2 re-inspected issues resolved' spring/index.html

# ---- exit codes ----
code_is() { # code_is WANT DESCRIPTION ARGS...
	want=$1 d=$2
	shift 2
	"$A" --db "$DB" --secret "$SECRET" "$@" >/dev/null 2>&1
	got=$?
	[ "$got" = "$want" ] || {
		echo "FAIL: $d: exit $got, want $want"
		fail=1
	}
}
code_is 2 "event create without --to" event create X --title T --from 2026-07-02
code_is 2 "event create with a bad time" event create X --title T --from soon --to 2026-07-02
code_is 2 "event create with an unknown channel" event create X --title T \
	--from 2026-07-02 --to 2026-07-03 --channel fax
code_is 1 "event create with a bad code" event create "a b" --title T \
	--from 2026-07-02 --to 2026-07-03
code_is 1 "event create with a taken code (any case)" event create fun \
	--title T --from 2026-07-02 --to 2026-07-03
code_is 1 "ratings summary of an unknown event" ratings summary --event NOPE
code_is 0 "event create, upcoming" event create LATER --title "Later" \
	--from 2026-07-10 --to 2026-07-11
code_is 1 "closing an event that has not started" event close LATER
code_is 0 "closing an event that has ended" event close FUN
code_is 1 "closing it twice" event close FUN
code_is 1 "closing an unknown event" event close NOPE
"$A" --db "$DB" --secret "$SECRET" event show FUN --format json >closed.json
is .state closed.json closed
is .ratings.responses closed.json 100

# A period with no events still makes a page.
"$A" --db "$DB" --secret "$SECRET" summary --since 2026-08-01 --out empty >/dev/null
check "an empty period says so" grep -q 'No events in this period' empty/index.html
check "no walkabouts in an empty period" \
	grep -q 'No walkabouts recorded in this period' empty/index.html
"$A" --db "$DB" --secret "$SECRET" summary --out x >/dev/null 2>&1
check "summary without --since is a usage error" test $? -eq 2

# ---- reports and ballots per event ----
# Reports in FUN (worked out above): 5 of the 12, k1 x3 (open, open,
# resolved) and sms x2 (in_progress, resolved); the k3 one is not a
# source. All litter on Keats Road: 5 reports, 2 resolved, under
# min_group 30, so too few; with min_group 5 exactly enough.
"$A" --db "$DB" --secret "$SECRET" reports summary --event FUN --format json >rfun.json
is .total rfun.json 5
is .by_status.open rfun.json 2
is .by_status.in_progress rfun.json 1
is .by_status.resolved rfun.json 2
is .by_status.rejected rfun.json 0
is .resolution_rate rfun.json 0.4
is .too_few rfun.json true
is .min_group rfun.json 30
is '.categories | length' rfun.json 1
is '.categories[0].key' rfun.json litter
is '.categories[0].reports' rfun.json 5
is '.categories[0].resolved' rfun.json 2
is '.categories[0].too_few' rfun.json true
is '.streets[0].key' rfun.json "Keats Road"
is .event.code rfun.json FUN
printf '[site]\ndatabase = %s\nsecret = %s\nmin_group = 5\n' "$DB" "$SECRET" \
	>five.ini
"$A" --config five.ini reports summary --event fun --format json >r5.json
is .too_few r5.json false
is '.categories[0].too_few' r5.json false
is .min_group r5.json 5
"$A" --db "$DB" --secret "$SECRET" reports summary --event FUN --format csv >rfun.csv
check "reports CSV: the whole event, too few" \
	grep -q '^all,,5,2,true' rfun.csv
check "reports CSV: by category" grep -q '^category,litter,5,2,true' rfun.csv
"$A" --db "$DB" --secret "$SECRET" reports summary --event FUN >rfun.txt
check "reports table: names the event and says too few" \
	sh -c "grep -q 'Event FUN \"Poets Fun Day\"' rfun.txt && grep -q '^Reports: 5 (open 2, in progress 1, resolved 2, rejected 0)' rfun.txt && grep -q 'Too few to report: fewer than 30' rfun.txt"
# COFFEE (20 June 10:00-12:00, k1) had no reports.
"$A" --db "$DB" --secret "$SECRET" reports summary --event COFFEE --format json >rc.json
is .total rc.json 0
is .too_few rc.json true
# --since narrows the event: FUN from 13:00 holds the last three.
"$A" --db "$DB" --secret "$SECRET" reports summary --event FUN --since 2026-06-14T13:00:00Z \
	--format json >rlate.json
is .total rlate.json 3
is .by_status.resolved rlate.json 2
"$A" --db "$DB" --secret "$SECRET" reports summary --event NOPE >/dev/null 2>/dev/null
check "reports summary: an unknown event is exit 1" test $? -eq 1
"$A" --db "$DB" --secret "$SECRET" reports summary --event FUN --walkabouts >/dev/null 2>/dev/null
check "reports summary: --event with --walkabouts is exit 2" test $? -eq 2
# The plain summary is unchanged: all 12, no too_few field.
"$A" --db "$DB" --secret "$SECRET" reports summary --format json >rall.json
is .total rall.json 12
is 'has("too_few")' rall.json false

# Ballots in FUN: the 7 kiosk ballots on k1/k2 (the 3 paper ballots came
# on 16 June). Added here inside the window: a superseded one on k1 and a
# rejected text (both FUN's), and a rejected one on k3 (not FUN's source);
# before the window, a superseded one on k1. So FUN: counted kiosk 7,
# superseded 1, rejected 1; the round: counted 10, superseded 2,
# rejected 2.
{
	echo "BEGIN;"
	for b in "91 k1 kiosk 2026-06-14T12:00 superseded" \
		"92 smsgw sms 2026-06-14T14:00 rejected" \
		"93 k3 kiosk 2026-06-14T12:30 rejected" \
		"94 k1 kiosk 2026-06-14T10:00 superseded"; do
		set -- $b
		echo "INSERT INTO ballots (id, uid, round_id, resident_id, channel, device_id, cast_at, status) VALUES ($1, 'B$1', (SELECT id FROM rounds WHERE code = 'PARK'), 'resident$1', '$3', '$2', '$4:00.000Z', '$5');"
	done
	echo "COMMIT;"
} >more.sql
check "the extra ballots load" db_sql_file more.sql
db_sync_ids ballots
"$A" --db "$DB" --secret "$SECRET" voters report PARK --event FUN --format json >vfun.json
is .counted.kiosk vfun.json 7
is .counted.sms vfun.json 0
is .counted.paper vfun.json 0
is .counted.total vfun.json 7
is .superseded vfun.json 1
is .rejected vfun.json 1
is .too_few vfun.json true
is .min_group vfun.json 30
is .event.code vfun.json FUN
"$A" --config five.ini voters report PARK --event FUN --format json >v5.json
is .too_few v5.json false
"$A" --db "$DB" --secret "$SECRET" voters report PARK --format json >vall.json
is .counted.total vall.json 10
is .counted.paper vall.json 3
is .superseded vall.json 2
is .rejected vall.json 2
is 'has("too_few")' vall.json false
"$A" --db "$DB" --secret "$SECRET" voters report PARK --event FUN --format csv >vfun.csv
check "voters CSV: the event's columns" \
	sh -c "head -1 vfun.csv | grep -q ',event,too_few' && grep -q '^PARK,7,0,0,0,7,1,1,,,FUN,true' vfun.csv"
"$A" --db "$DB" --secret "$SECRET" voters report PARK --event COFFEE --format json >vc.json
is .counted.total vc.json 0
"$A" --db "$DB" --secret "$SECRET" voters report PARK --event FUN >vfun.txt
check "voters table: names the event, too few" \
	sh -c "grep -q '^event: *FUN' vfun.txt && grep -q 'too few to report' vfun.txt"
"$A" --db "$DB" --secret "$SECRET" voters report PARK --event NOPE >/dev/null 2>/dev/null
check "voters report: an unknown event is exit 1" test $? -eq 1

exit $fail

#!/bin/sh
# admin_walkabouts.sh: three monthly walkabouts with re-inspections through
# the real sayso-admin, and every figure of `reports summary --walkabouts`
# checked against values worked out by hand below; partners and routing
# (most specific rule wins), the likely-duplicate link and its
# confirmation, not-ours, the issues to re-check on a walkabout, the
# per-partner list (table, CSV, JSON, HTML) and the exit codes.
#
# The season (default site: [site] categories and streets of the demo):
#   routes: '*' -> council; fly-tipping -> poets; fly-tipping on Keats
#   Street -> riverside; graffiti on Byron Street -> poets.
#   JAN 2025-01-14 (Byron, Keats, Shelley):
#     j1 Byron fly-tipping (poets)      FEB resolved, MAR resolved   28 d
#     j2 Byron graffiti (poets)         FEB not-resolved, MAR resolved 56 d
#     j3 Keats fly-tipping (riverside)  FEB gone-worse, MAR resolved 56 d
#     j4 Keats litter (council)         FEB resolved, MAR not-resolved: open
#     j5 Shelley litter (council)       FEB resolved                 28 d
#     j6 Shelley fly-tipping (poets)    never re-inspected; FEB covered
#                                       Shelley, so it was due
#     j7 Keats fly-tipping              likely duplicate of j3, confirmed
#     j8 Byron alleyways (council)      marked not the partnership's
#   FEB 2025-02-11 (Byron, Keats, Shelley):
#     f1 Keats graffiti (council)       MAR resolved                 28 d
#     f2 Shelley litter (council)       never re-inspected; not due (MAR
#                                       does not cover Shelley); j5 is 28
#                                       days older, so no duplicate link
#   MAR 2025-03-11 (Byron, Keats): m1 Byron litter (council), not due.
# Totals: logged 11, duplicates 1 (j7), not ours 1 (j8), inspected 6 (j1-j5,
# f1), resolved 5 (all but j4): rate 5/6; uninspected 3 (j6, f2, m1), due 1
# (j6); days to resolved 28, 28, 28, 56, 56: median 28. Wilson 95% for 5/6
# = (p + z²/2n)/(1 + z²/n) -/+ z/(1 + z²/n)·sqrt(p(1-p)/n + z²/4n²) with
# z = 1.959964: 0.436497 .. 0.969947.
# engines: sqlite pg (the site database from db.inc)
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
if ! command -v jq >/dev/null 2>&1; then
	echo "skip: jq is not installed"
	exit 77
fi
T=$(mktemp -d /tmp/sayso-walkabouts-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site w.db
unset SAYSO_CONFIG
export SAYSO_ACTOR=tester TZ=UTC LC_ALL=C SAYSO_NOW=2025-03-20T09:00:00Z
fail=0

fail() {
	echo "FAIL: $*"
	fail=1
}
sa() { "$A" --db "$DB" --secret "$SECRET" "$@"; }
ok() { # ok DESCRIPTION ARGS...: the command exits 0
	d=$1
	shift
	sa "$@" >"$T/.out" 2>"$T/.err" || {
		fail "$d (exit $?): $(cat "$T/.err")"
	}
}
rc_is() { # rc_is WANT DESCRIPTION ARGS...
	want=$1 d=$2
	shift 2
	sa "$@" >/dev/null 2>"$T/.err"
	rc=$?
	[ "$rc" = "$want" ] || fail "$d: exit $rc, want $want ($(cat "$T/.err"))"
}
logi() { # logi WALK STREET CATEGORY GRADE AT: prints the new reference
	sa walkabout log "$1" --street "$2" --category "$3" --grade "$4" \
		--at "$5" 2>>"$T/log.err"
}
jq_is() { # jq_is FILE EXPR DESCRIPTION: EXPR is true of FILE
	jq -e "$2" "$1" >/dev/null 2>&1 || fail "$3: $(jq -c . "$1" | cut -c1-300)"
}
near() { # jq expression: path within 1e-6 of value
	echo "(($1) - ($2)) as \$d | \$d < 0.000001 and \$d > -0.000001"
}

sa init >/dev/null 2>&1 || { echo "init failed"; exit 1; }
ok "partner add" partner add council --name "Town Council"
ok "partner add" partner add poets --name "Poets Homes"
ok "partner add" partner add riverside --name "Riverside Housing"
rc_is 1 "partner code taken" partner add COUNCIL --name "Again"
rc_is 2 "partner add without --name" partner add x
ok "route *" partner route council --category '*'
ok "route fly-tipping" partner route poets --category fly-tipping
ok "route fly-tipping on Keats" partner route riverside --category fly-tipping \
	--street "Keats Street"
ok "route graffiti on Byron" partner route poets --category graffiti \
	--street "Byron Street"
rc_is 1 "route to an unknown partner" partner route nobody --category litter

BKS="Byron Street, Keats Street, Shelley Street"
ok "start JAN" walkabout start W-JAN --date 2025-01-14 --by "Ann Lee,Raj Patel" \
	--streets "$BKS"
ok "start FEB" walkabout start W-FEB --date 2025-02-11 --by "Ann Lee" \
	--streets "$BKS"
ok "start MAR" walkabout start W-MAR --date 2025-03-11 --by "Raj Patel" \
	--streets "Byron Street, Keats Street"
rc_is 1 "walkabout code taken" walkabout start w-jan --date 2025-01-20 --by A
rc_is 1 "not a day" walkabout start W-X --date 2025-02-30 --by A
rc_is 2 "start without --by" walkabout start W-X --date 2025-02-03

j1=$(logi W-JAN "Byron Street" fly-tipping D "2025-01-14 10:00")
j2=$(logi W-JAN "Byron Street" graffiti C "2025-01-14 10:10")
j3=$(logi W-JAN "Keats Street" fly-tipping D "2025-01-14 10:20")
j4=$(logi W-JAN "Keats Street" litter B "2025-01-14 10:30")
j5=$(logi W-JAN "Shelley Street" litter C "2025-01-14 10:40")
j6=$(logi W-JAN "Shelley Street" fly-tipping C "2025-01-14 10:45")
j7=$(logi W-JAN "Keats Street" fly-tipping C "2025-01-14 10:50")
j8=$(logi W-JAN "Byron Street" alleyways B "2025-01-14 10:55")
f1=$(logi W-FEB "Keats Street" graffiti C "2025-02-11 10:15")
f2=$(logi W-FEB "Shelley Street" litter D "2025-02-11 10:30")
m1=$(logi W-MAR "Byron Street" litter B "2025-03-11 10:00")
for r in "$j1" "$j2" "$j3" "$j4" "$j5" "$j6" "$j7" "$j8" "$f1" "$f2" "$m1"; do
	echo "$r" | grep -Eq '^WA-[A-Z0-9]{5}$' || fail "walkabout log printed '$r'"
done
[ -s "$T/log.err" ] && fail "walkabout log wrote to stderr: $(cat "$T/log.err")"
sa walkabout log W-MAR --street "Keats Street" --category parks --format json \
	--at "2025-03-11 10:05" >"$T/logj.json" || fail "walkabout log --format json"
jq_is "$T/logj.json" '.ref | test("^WA-[A-Z0-9]{5}$")' "log json has ref"
p1=$(jq -r .ref "$T/logj.json")
ok "not ours for the parks one" report assign "$p1" --not-ours --note "park trust"
rc_is 2 "unknown category" walkabout log W-JAN --street "Byron Street" \
	--category potholes
rc_is 2 "bad grade" walkabout log W-JAN --street "Byron Street" \
	--category litter --grade E
rc_is 1 "street not covered" walkabout log W-MAR --street "Shelley Street" \
	--category litter
rc_is 1 "unknown walkabout" walkabout log W-APR --street "Byron Street" \
	--category litter

# Routing at creation, the likely-duplicate link, and the partner's history.
sa walkabout issues --format json >"$T/issues.json" || fail "walkabout issues"
pcode() { jq -r --arg r "$1" '.[] | select(.ref == $r) | .partner' "$T/issues.json"; }
[ "$(pcode "$j1")" = poets ] || fail "j1 routed to $(pcode "$j1"), want poets"
[ "$(pcode "$j2")" = poets ] || fail "j2 routed to $(pcode "$j2"), want poets"
[ "$(pcode "$j3")" = riverside ] || fail "j3 routed to $(pcode "$j3")"
[ "$(pcode "$j4")" = council ] || fail "j4 routed to $(pcode "$j4")"
[ "$(pcode "$f1")" = council ] || fail "f1 (graffiti on Keats) routed to $(pcode "$f1")"
jq_is "$T/issues.json" "(.[] | select(.ref == \"$j7\") | .duplicate_of == \"$j3\" and (.duplicate_confirmed | not))" \
	"j7 is a likely duplicate of j3"
jq_is "$T/issues.json" "(.[] | select(.ref == \"$f2\") | .duplicate_of == \"\")" \
	"f2 (28 days after j5) is not linked"
jq_is "$T/issues.json" "(.[] | select(.ref == \"$j1\") | .seen_by == \"Ann Lee,Raj Patel\" and .grade == \"D\")" \
	"j1 keeps who logged it and its grade"
sa reports duplicates --format json >"$T/dups.json" || fail "reports duplicates"
jq_is "$T/dups.json" "[.[] | [.kind, .ref, .duplicate_of, .confirmed]] == [[\"walkabout\", \"$j7\", \"$j3\", false]]" \
	"the one likely duplicate awaiting a decision"
ok "confirm duplicate" report duplicate "$j7" --of "$j3"
sa reports duplicates --format json >"$T/dups.json" || fail "reports duplicates"
jq_is "$T/dups.json" 'length == 0' "no likely duplicate left"
sa reports duplicates --all --format csv >"$T/dups.csv" || fail "reports duplicates --all"
grep -q "^walkabout,$j7,$j3,confirmed,fly-tipping,Keats Street," "$T/dups.csv" ||
	fail "confirmed link not listed: $(cat "$T/dups.csv")"
rc_is 2 "duplicate without --of or --split" report duplicate "$j7"
rc_is 1 "duplicate of itself" report duplicate "$j3" --of "$j3"
ok "not ours" report assign "$j8" --not-ours --note "Network Rail land"
rc_is 1 "assign an unknown issue" report assign WA-ZZZZZ --partner poets
sa report history "$j8" --format json >"$T/hist.json" || fail "report history"
jq_is "$T/hist.json" '[.[] | [.partner, .not_ours, .by]] == [["council", false, "routing"], ["", true, "admin:tester"]] and .[1].note == "Network Rail land"' \
	"j8's partner history: routed to council, then not ours"
rc_is 1 "history of an unknown issue" report history WA-ZZZZZ
rc_is 2 "assign with both" report assign "$j8" --partner poets --not-ours

# FEB re-inspections, and what MAR is to re-check before it starts.
ck() { sa walkabout check "$1" --issue "$2" --observed "$3" --at "$4" >/dev/null ||
	fail "check $2 on $1"; }
ck W-FEB "$j1" resolved "2025-02-11 10:00"
ck W-FEB "$j2" not-resolved "2025-02-11 10:10"
ck W-FEB "$j3" gone-worse "2025-02-11 10:20"
ck W-FEB "$j4" resolved "2025-02-11 10:30"
ck W-FEB "$j5" resolved "2025-02-11 10:40"
rc_is 1 "check on the walkabout it was logged on" walkabout check W-FEB \
	--issue "$f1" --observed resolved
rc_is 1 "check before it was seen" walkabout check W-FEB --issue "$f1" \
	--observed resolved --at "2025-02-10 09:00"
rc_is 2 "bad observation" walkabout check W-MAR --issue "$f1" --observed fixed
sa walkabout show W-MAR --format json >"$T/mar.json" || fail "walkabout show"
jq_is "$T/mar.json" "[.to_recheck[].ref] == [\"$j2\", \"$j3\", \"$f1\"]" \
	"MAR re-checks j2, j3 and f1 (open, on its streets, from earlier walkabouts)"
ck W-MAR "$j1" resolved "2025-03-11 10:00"
ck W-MAR "$j2" resolved "2025-03-11 10:10"
ck W-MAR "$j3" resolved "2025-03-11 10:20"
ck W-MAR "$j4" not-resolved "2025-03-11 10:30"
ck W-MAR "$f1" resolved "2025-03-11 10:15"

# The rate, its interval and the groups, against the hand-worked figures.
# The parks issue p1 (not ours, never re-inspected) adds to logged and
# not_ours only.
sa reports summary --walkabouts --format json >"$T/s.json" || fail "summary json"
S=$T/s.json
jq_is "$S" '.walkabouts == 3 and .logged == 12 and .duplicates == 1 and .not_ours == 2' "totals logged/left out"
jq_is "$S" '.inspected == 6 and .resolved == 5 and .uninspected == 3 and .due == 1' "inspected/resolved/uninspected/due"
jq_is "$S" "$(near .rate 0.833333)" "rate 5/6"
jq_is "$S" "$(near .ci_low 0.436497)" "ci_low"
jq_is "$S" "$(near .ci_high 0.969947)" "ci_high"
jq_is "$S" '.median_days_to_resolved == 28' "median days 28"
jq_is "$S" '.by_partner | keys == ["(none)", "council", "poets", "riverside"]' "partner keys"
jq_is "$S" '.by_partner.poets | .logged == 3 and .inspected == 2 and .resolved == 2 and .uninspected == 1 and .due == 1 and .rate == 1 and .median_days_to_resolved == 42' "poets"
jq_is "$S" "$(near .by_partner.poets.ci_low 0.34238)" "poets ci_low (2/2)"
jq_is "$S" '.by_partner.riverside | .logged == 2 and .duplicates == 1 and .inspected == 1 and .resolved == 1 and .median_days_to_resolved == 56' "riverside"
jq_is "$S" '.by_partner.council | .logged == 5 and .inspected == 3 and .resolved == 2 and .uninspected == 2 and .due == 0 and .median_days_to_resolved == 28' "council"
jq_is "$S" "$(near .by_partner.council.rate 0.666667)" "council rate 2/3"
jq_is "$S" "$(near .by_partner.council.ci_low 0.20766) and $(near .by_partner.council.ci_high 0.938508)" "council interval"
jq_is "$S" '.by_partner["(none)"] | .logged == 2 and .not_ours == 2 and .inspected == 0 and .rate == 0 and .ci_low == 0 and .median_days_to_resolved == null' "(none): the two not ours"
jq_is "$S" '.by_street["Byron Street"] | .logged == 4 and .not_ours == 1 and .inspected == 2 and .resolved == 2 and .uninspected == 1 and .median_days_to_resolved == 42' "Byron Street"
jq_is "$S" '.by_street["Keats Street"] | .logged == 5 and .duplicates == 1 and .not_ours == 1 and .inspected == 3 and .resolved == 2 and .median_days_to_resolved == 42' "Keats Street"
jq_is "$S" '.by_street["Shelley Street"] | .logged == 3 and .inspected == 1 and .resolved == 1 and .uninspected == 2 and .due == 1 and .median_days_to_resolved == 28' "Shelley Street"
jq_is "$S" '.by_category["fly-tipping"] | .logged == 4 and .duplicates == 1 and .inspected == 2 and .resolved == 2 and .due == 1 and .median_days_to_resolved == 42' "fly-tipping"
jq_is "$S" '.by_category.litter | .logged == 4 and .inspected == 2 and .resolved == 1 and .rate == 0.5 and .uninspected == 2 and .median_days_to_resolved == 28' "litter"
jq_is "$S" "$(near .by_category.litter.ci_low 0.094531)" "litter ci_low (1/2)"
jq_is "$S" '.by_category.graffiti | .logged == 2 and .inspected == 2 and .resolved == 2 and .median_days_to_resolved == 42' "graffiti"
jq_is "$S" '.by_category.alleyways | .logged == 1 and .not_ours == 1 and .inspected == 0' "alleyways"

# One walkabout's issues; the walkabouts of a period.
sa reports summary --walkabout w-jan --format json >"$T/jan.json" || fail "--walkabout"
jq_is "$T/jan.json" '.walkabouts == 1 and .logged == 8 and .inspected == 5 and .resolved == 4 and .uninspected == 1 and .due == 1' "JAN's issues"
jq_is "$T/jan.json" "$(near .ci_low 0.375535) and $(near .ci_high 0.963776)" "JAN interval (4/5)"
sa reports summary --walkabouts --since 2025-02-01 --format json >"$T/since.json" || fail "--since"
jq_is "$T/since.json" '.walkabouts == 2 and .logged == 4 and .inspected == 1 and .resolved == 1 and .median_days_to_resolved == 28' "since February"
rc_is 1 "unknown walkabout in summary" reports summary --walkabout W-APR
rc_is 2 "--walkabout with --since" reports summary --walkabout W-JAN --since 2025-01-01

# The table says the figure with its count, interval and what was left out;
# the CSV holds the same numbers.
sa reports summary --walkabouts >"$T/s.txt" || fail "summary table"
grep -q "Observed resolved: 83.3% (5 of 6 re-inspected issues; 95% interval 43.6% to 97%)" "$T/s.txt" ||
	fail "table headline: $(sed -n 2p "$T/s.txt")"
grep -q "Left out: 1 confirmed duplicate, 2 not the partnership's, 3 never re-inspected (1 of them due" "$T/s.txt" ||
	fail "table left out: $(sed -n 3p "$T/s.txt")"
grep -q "Residents' reports are counted apart" "$T/s.txt" || fail "residents' reports not set apart"
sa reports summary --walkabouts --format csv >"$T/s.csv" || fail "summary csv"
grep -q '^total,,12,6,5,83.3%,43.6%,97%,1,2,3,1,28.0' "$T/s.csv" || fail "csv total: $(sed -n 2p "$T/s.csv")"
grep -q '^partner,poets,3,2,2,100%,' "$T/s.csv" || fail "csv poets row"

# Each partner's own list.
sa partner issues poets --format csv >"$T/poets.csv" || fail "partner issues csv"
[ "$(wc -l <"$T/poets.csv")" -eq 4 ] || fail "poets has 3 issues: $(cat "$T/poets.csv")"
sa partner issues council --open --format json >"$T/council.json" || fail "partner issues json"
jq_is "$T/council.json" "[.issues[].ref] == [\"$j4\", \"$f2\", \"$m1\"]" "council's open issues"
ok "partner issues --out" partner issues riverside --out "$T/riverside"
for f in index.html issues.csv issues.json; do
	[ -s "$T/riverside/$f" ] || fail "partner issues --out wrote no $f"
done
grep -q "Riverside Housing" "$T/riverside/index.html" || fail "partner page has no name"
grep -q "observed resolved: <strong>100%</strong> (1 of 1 re-inspected; 95% interval 20.7% to 100%). 0 never re-inspected, 1 confirmed duplicates" \
	"$T/riverside/index.html" || fail "partner page has no walkabout rate"
rc_is 1 "unknown partner's list" partner issues nobody
sa reports list --partner poets --format json >"$T/rl.json" || fail "reports list --partner"
jq_is "$T/rl.json" 'length == 0' "no residents' reports for poets"
rc_is 1 "reports list for an unknown partner" reports list --partner nobody
sa walkabout list --format json >"$T/wl.json" || fail "walkabout list"
jq_is "$T/wl.json" '[.[].issues] == [8, 2, 2] and [.[].checks] == [0, 5, 5]' "walkabout list counts"

[ "$fail" = 0 ] && echo "walkabouts: all figures as worked out by hand"
exit $fail

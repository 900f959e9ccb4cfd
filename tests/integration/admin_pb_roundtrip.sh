#!/bin/sh
# admin_pb_roundtrip.sh: every real election in ../shared/pb goes import ->
# export -> import through the real sayso-admin (issue 10, item 6):
#  - `export pb` (no --rule) gives back the PROJECTS and VOTES sections
#    byte-for-byte: the header line and every row line equal the file's,
#    columns sayso does not model (age, district, latitude, ...) and empty
#    cells included. Lines are compared as bytes; the one thing not compared
#    is whether the file's last line ends in a newline;
#  - with --rule, `selected` is that rule's (checked against the city's
#    where the rule reproduces it) and every other cell is still the file's;
#  - the re-imported round tallies the same (greedy, and MES for approval
#    ballots), as JSON apart from the round's code and title;
#  - the export carries every META key pabulib requires, and so does the
#    export of a round made in sayso.
# Skips (77) when ../shared/pb, jq or python3 is absent.
# engines: sqlite pg (the site database from db.inc)
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
PB=${SAYSO_SHARED:-}/pb
if [ ! -f "$PB/expected.jsonl" ]; then
	echo "skip: $PB/expected.jsonl not found (../shared/pb is not here)"
	exit 77
fi
for tool in jq python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "skip: $tool is not installed"
		exit 77
	fi
done
T=$(mktemp -d /tmp/sayso-pb-rt-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site pb.db
unset SAYSO_CONFIG
fail=0
checks=0

REQUIRED="description country unit instance num_projects num_votes budget
vote_type rule date_begin date_end"

# compare ORIG EXPORT MODE REQUIRED: the PROJECTS and VOTES lines of ORIG
# and EXPORT as bytes. MODE all: every line equal. MODE selected=1 or
# selected=0 (an export with --rule): VOTES lines equal, PROJECTS cells equal
# but `selected` (added at the end when ORIG has none), which must equal
# ORIG's only for selected=1. Prints the first difference and exits 1.
cat >"$T/compare.py" <<'PY'
import csv, sys

def sections(path):
    out, sec = {"META": [], "PROJECTS": [], "VOTES": []}, None
    lines = open(path, "rb").read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for ln in lines:
        name = ln.strip().rstrip(b";").strip().upper()
        if name in (b"META", b"PROJECTS", b"VOTES"):
            sec = name.decode()
            continue
        if sec:
            out[sec].append(ln)
    return out

def cells(line):
    return next(csv.reader([line.decode("utf-8")], delimiter=";"), [])

a, b = sections(sys.argv[1]), sections(sys.argv[2])
mode = sys.argv[3]
meta = dict((cells(l) + [""])[:2] for l in b["META"][1:])
for k in sys.argv[4].split():
    if not meta.get(k):
        sys.exit("export lacks META %s" % k)
for sec in ("PROJECTS", "VOTES"):
    if len(a[sec]) != len(b[sec]):
        sys.exit("%s: %d lines, export has %d" % (sec, len(a[sec]), len(b[sec])))
    if mode == "all" or sec == "VOTES":
        for i, (la, lb) in enumerate(zip(a[sec], b[sec])):
            if la != lb:
                sys.exit("%s line %d: %r, export has %r" % (sec, i + 1, la[:300], lb[:300]))
        continue
    hdr = [h.strip() for h in cells(a[sec][0])]
    added = "selected" not in hdr
    si = len(hdr) if added else hdr.index("selected")
    for i, (la, lb) in enumerate(zip(a[sec], b[sec])):
        ca, cb = cells(la), cells(lb)
        if added:
            ca = ca + ["selected" if i == 0 else ""]
        if len(ca) != len(cb) or (i > 0 and cb[si] not in ("0", "1")):
            sys.exit("PROJECTS line %d: %r, export has %r" % (i + 1, la, lb))
        for j, (x, y) in enumerate(zip(ca, cb)):
            if i > 0 and j == si and (added or mode != "selected=1"):
                continue
            if x.encode() != y.encode():
                sys.exit("PROJECTS line %d cell %d: %r, export has %r" % (i + 1, j + 1, x, y))
print("%d PROJECTS and %d VOTES lines equal" % (len(a["PROJECTS"]), len(a["VOTES"])))
PY

"$A" --db "$DB" --secret "$SECRET" init >/dev/null || exit 1
for f in "$PB"/*.pb; do
	base=$(basename "$f" .pb)
	code=$(echo "$base" | tr -c 'A-Za-z0-9_\n-' '-' | cut -c1-29)
	if ! "$A" --db "$DB" --secret "$SECRET" import pb "$f" --code "$code" >"$T/.out" 2>&1; then
		echo "FAIL: import pb $f"
		cat "$T/.out"
		fail=1
		continue
	fi
	if ! "$A" --db "$DB" --secret "$SECRET" export pb "$code" --out "$code.pb" >/dev/null; then
		echo "FAIL: export pb $code"
		fail=1
		continue
	fi
	checks=$((checks + 1))
	if ! python3 "$T/compare.py" "$f" "$code.pb" all "$REQUIRED" \
		>"$T/.cmp" 2>&1; then
		echo "FAIL: $base export differs: $(cat "$T/.cmp")"
		fail=1
	fi
	# With the rule the round remembers (tally's default) `selected` is
	# that rule's; Wroclaw used district limits, which no plain rule
	# reproduces, so its city outcome is not compared.
	rule=$("$A" --db "$DB" --secret "$SECRET" tally "$code" --format json | jq -r .rule)
	sel="selected=1"
	case "$base" in poland_wroclaw_2015*) sel="selected=0" ;; esac
	checks=$((checks + 1))
	if ! "$A" --db "$DB" --secret "$SECRET" export pb "$code" --rule "$rule" \
		--out "$code-rule.pb" >/dev/null ||
		! python3 "$T/compare.py" "$f" "$code-rule.pb" $sel \
			"$REQUIRED" >"$T/.cmp2" 2>&1; then
		echo "FAIL: $base export --rule $rule: $(cat "$T/.cmp2")"
		fail=1
	fi
	if ! "$A" --db "$DB" --secret "$SECRET" import pb "$code.pb" --code "$code-rt" \
		>"$T/.out" 2>&1; then
		echo "FAIL: re-import of $code.pb: $(cat "$T/.out")"
		fail=1
		continue
	fi
	rules="greedy"
	[ "$(jq -r 'select(.file=="'"$base"'.pb" and .rule=="mes") | .rule' \
		"$PB/expected.jsonl")" = mes ] && rules="greedy mes"
	for r in $rules; do
		x=$("$A" --db "$DB" --secret "$SECRET" tally "$code" --rule $r --format json |
			jq -cS 'del(.round, .title)')
		y=$("$A" --db "$DB" --secret "$SECRET" tally "$code-rt" --rule $r --format json |
			jq -cS 'del(.round, .title)')
		checks=$((checks + 1))
		if [ -z "$x" ] || [ "$x" != "$y" ]; then
			echo "FAIL: $base: tally by $r differs after the round trip"
			fail=1
		fi
	done
	echo "$base: $(cat "$T/.cmp"), tallies equal by $rules"
done

# The comparison can fail, and the round wins over a stored row: a kept
# cell sayso does not model (Toulouse's proposer) changed in the database
# must show in the export; a modelled one (its cost) changed in the stored
# row is written from the round again.
tl=france_toulouse_2019_
if [ -f "$PB/$tl.pb" ]; then
	rid="(SELECT id FROM rounds WHERE code = '$tl')"
	checks=$((checks + 1))
	db_sql "UPDATE projects SET pb_row = replace(pb_row, 'Julie 21', \
		'Julie 22') WHERE round_id = $rid AND number = 1" &&
		"$A" --db "$DB" --secret "$SECRET" export pb "$tl" --out tamper.pb >/dev/null
	if python3 "$T/compare.py" "$PB/$tl.pb" tamper.pb all "$REQUIRED" \
		>"$T/.cmp" 2>&1 ||
		! grep -q "Julie 22" "$T/.cmp"; then
		echo "FAIL: a changed kept cell is not seen: $(cat "$T/.cmp")"
		fail=1
	fi
	checks=$((checks + 1))
	db_sql "UPDATE projects SET pb_row = replace(pb_row, \
		'1;7000;12;Julie 22', '1;9999;12;Julie 21') WHERE round_id = \
		$rid AND number = 1" &&
		"$A" --db "$DB" --secret "$SECRET" export pb "$tl" --out tamper.pb >/dev/null
	if ! python3 "$T/compare.py" "$PB/$tl.pb" tamper.pb all \
		"$REQUIRED" >"$T/.cmp" 2>&1; then
		echo "FAIL: a stored cost that disagrees with the round is" \
			"written as stored: $(cat "$T/.cmp")"
		fail=1
	fi
fi

# A round made in sayso: its export has every required META key and the
# site's name and country.
cat >site.ini <<'INI'
[site]
name = Poets Streets
country = United Kingdom
INI
"$A" --db "$DB" --secret "$SECRET" --config site.ini round create own --title "Our budget" \
	--budget 1000 >/dev/null &&
	"$A" --db "$DB" --secret "$SECRET" --config site.ini project add own --title "Benches" \
		--cost 400 >/dev/null &&
	"$A" --db "$DB" --secret "$SECRET" --config site.ini export pb own --out own.pb >/dev/null
checks=$((checks + 1))
for k in $REQUIRED; do
	if ! grep -q "^$k;." own.pb; then
		echo "FAIL: a sayso round's export lacks META $k"
		fail=1
	fi
done
grep -q '^country;United Kingdom$' own.pb && grep -q '^unit;Poets Streets$' own.pb ||
	{
		echo "FAIL: the export does not take country and unit from [site]"
		fail=1
	}
"$A" --db "$DB" --secret "$SECRET" import pb own.pb --code own-rt >/dev/null || {
	echo "FAIL: a sayso round's export does not re-import"
	fail=1
}

echo "$checks checks"
exit $fail

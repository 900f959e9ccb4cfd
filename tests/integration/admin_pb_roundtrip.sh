#!/bin/sh
# admin_pb_roundtrip.sh: every real election in ../shared/pb goes import ->
# export -> import through the real sayso-admin (issue 10, item 6):
#  - the re-imported round tallies the same (greedy, and MES for approval
#    ballots), as JSON apart from the round's code and title;
#  - the VOTES and PROJECTS data sayso keeps come back byte-for-byte, rows in
#    the file's order: project_id, cost, votes, score, name (and the city's
#    `selected` where the round's rule reproduces it), voter_id, vote (its
#    order included) and points. Columns sayso does not keep (age, district,
#    latitude, ...) are not exported. A `votes` cell left empty in the file
#    comes back as 0, the count the VOTES section gives (Wroclaw 2015);
#  - the export carries every META key pabulib requires, and so does the
#    export of a round made in sayso.
# Skips (77) when ../shared/pb, jq or python3 is absent.
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
unset SAYSO_CONFIG
fail=0
checks=0

REQUIRED="description country unit instance num_projects num_votes budget
vote_type rule date_begin date_end"

# compare ORIG EXPORT: the kept columns of PROJECTS and VOTES, field by
# field as bytes (the .pb quoting is RFC 4180 with ';'); prints the first
# difference and exits 1.
cat >"$T/compare.py" <<'PY'
import csv, sys

def sections(path):
    out, sec, hdr = {}, None, None
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f, delimiter=";"):
            if not row:
                continue
            if row[0].strip() in ("META", "PROJECTS", "VOTES") and len(row) == 1:
                sec, hdr = row[0].strip(), None
                out[sec] = []
                continue
            if hdr is None:
                hdr = [h.strip() for h in row]
                out[sec + "_hdr"] = hdr
                continue
            out[sec].append(dict(zip(hdr, row)))
    return out

a, b = sections(sys.argv[1]), sections(sys.argv[2])
keep_sel = sys.argv[3] == "1"
meta = {r["key"]: r["value"] for r in b["META"]}
for k in sys.argv[4].split():
    if not meta.get(k):
        sys.exit("export lacks META %s" % k)
pcols = ["project_id", "cost", "votes", "score", "name"] + (["selected"] if keep_sel else [])
vcols = ["voter_id", "vote", "points"]
for sec, cols in (("PROJECTS", pcols), ("VOTES", vcols)):
    if len(a[sec]) != len(b[sec]):
        sys.exit("%s: %d rows, export has %d" % (sec, len(a[sec]), len(b[sec])))
    for c in cols:
        if c not in a[sec + "_hdr"]:
            continue
        if c not in b[sec + "_hdr"]:
            sys.exit("%s: export lacks column %s" % (sec, c))
        for i, (ra, rb) in enumerate(zip(a[sec], b[sec])):
            va, vb = ra.get(c, ""), rb.get(c, "")
            if c == "votes" and va == "":
                va = "0"
            if va.encode() != vb.encode():
                sys.exit("%s row %d column %s: %r, export has %r" % (sec, i + 1, c, va, vb))
print("ok", len(a["PROJECTS"]), "projects", len(a["VOTES"]), "votes")
PY

"$A" --db pb.db init >/dev/null || exit 1
for f in "$PB"/*.pb; do
	base=$(basename "$f" .pb)
	code=$(echo "$base" | tr -c 'A-Za-z0-9_\n-' '-' | cut -c1-29)
	if ! "$A" --db pb.db import pb "$f" --code "$code" >"$T/.out" 2>&1; then
		echo "FAIL: import pb $f"
		cat "$T/.out"
		fail=1
		continue
	fi
	# The rule the round remembers (tally's default) decides `selected`;
	# Wroclaw used district limits, which no plain rule reproduces.
	rule=$("$A" --db pb.db tally "$code" --format json | jq -r .rule)
	keep_sel=1
	case "$base" in poland_wroclaw_2015*) keep_sel=0 ;; esac
	"$A" --db pb.db export pb "$code" --rule "$rule" --out "$code.pb" \
		>/dev/null || {
		echo "FAIL: export pb $code"
		fail=1
		continue
	}
	checks=$((checks + 1))
	if ! python3 "$T/compare.py" "$f" "$code.pb" $keep_sel "$REQUIRED" \
		>"$T/.cmp" 2>&1; then
		echo "FAIL: $base export differs: $(cat "$T/.cmp")"
		fail=1
	fi
	if ! "$A" --db pb.db import pb "$code.pb" --code "$code-rt" \
		>"$T/.out" 2>&1; then
		echo "FAIL: re-import of $code.pb: $(cat "$T/.out")"
		fail=1
		continue
	fi
	rules="greedy"
	[ "$(jq -r 'select(.file=="'"$base"'.pb" and .rule=="mes") | .rule' \
		"$PB/expected.jsonl")" = mes ] && rules="greedy mes"
	for r in $rules; do
		x=$("$A" --db pb.db tally "$code" --rule $r --format json |
			jq -cS 'del(.round, .title)')
		y=$("$A" --db pb.db tally "$code-rt" --rule $r --format json |
			jq -cS 'del(.round, .title)')
		checks=$((checks + 1))
		if [ -z "$x" ] || [ "$x" != "$y" ]; then
			echo "FAIL: $base: tally by $r differs after the round trip"
			fail=1
		fi
	done
	echo "$base: $(cat "$T/.cmp"), tallies equal by $rules"
done

# A round made in sayso: its export has every required META key and the
# site's name and country.
cat >site.ini <<'INI'
[site]
name = Poets Streets
country = United Kingdom
INI
"$A" --db pb.db --config site.ini round create own --title "Our budget" \
	--budget 1000 >/dev/null &&
	"$A" --db pb.db --config site.ini project add own --title "Benches" \
		--cost 400 >/dev/null &&
	"$A" --db pb.db --config site.ini export pb own --out own.pb >/dev/null
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
"$A" --db pb.db import pb own.pb --code own-rt >/dev/null || {
	echo "FAIL: a sayso round's export does not re-import"
	fail=1
}

echo "$checks checks"
exit $fail

#!/bin/sh
# admin_pb.sh: the real pabulib elections in ../shared/pb through the real
# sayso-admin: `import pb` reads every file, `tally` reproduces the winners
# in expected.jsonl (greedy and MES) and the cities' official winners
# (Wieliczka 2023 by MES; Łódź 2022, Warsaw Praga-Południe 2020 and Kraków
# 2021 by greedy), and `export pb` re-imports to the same winners.
# Skips (77) when ../shared/pb or jq is absent.
# engines: sqlite pg (the site database from db.inc)
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
PB=${SAYSO_SHARED:-}/pb
if [ ! -f "$PB/expected.jsonl" ]; then
	echo "skip: $PB/expected.jsonl not found (../shared/pb is not here)"
	exit 77
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "skip: jq is not installed"
	exit 77
fi
T=$(mktemp -d /tmp/sayso-admin-pb-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site pb.db
unset SAYSO_CONFIG
fail=0
checks=0

"$A" --db "$DB" --secret "$SECRET" init >/dev/null || exit 1
for f in "$PB"/*.pb; do
	code=$(basename "$f" .pb | tr -c 'A-Za-z0-9_\n-' '-' | cut -c1-32)
	if ! "$A" --db "$DB" --secret "$SECRET" import pb "$f" --code "$code" >"$T/.out" 2>&1; then
		echo "FAIL: import pb $f"
		cat "$T/.out"
		fail=1
	fi
	checks=$((checks + 1))
done

selected() { # selected CODE RULE: the sorted winners as compact JSON
	"$A" --db "$DB" --secret "$SECRET" tally "$1" --rule "$2" --format json |
		jq -c '.selected | sort'
}

while IFS= read -r line; do
	file=$(echo "$line" | jq -r .file)
	rule=$(echo "$line" | jq -r .rule)
	want=$(echo "$line" | jq -c '.selected | sort')
	code=$(basename "$file" .pb | tr -c 'A-Za-z0-9_\n-' '-' | cut -c1-32)
	got=$(selected "$code" "$rule")
	checks=$((checks + 1))
	if [ "$got" != "$want" ]; then
		echo "FAIL: $file by $rule: got $got, want $want"
		fail=1
	fi
	official=$(echo "$line" | jq -c '(.official // []) | sort')
	if [ "$official" != "[]" ]; then
		case "$file" in
		poland_wieliczka_2023.pb) orule=mes ;;
		*) orule=greedy ;;
		esac
		got=$(selected "$code" "$orule")
		checks=$((checks + 1))
		if [ "$got" != "$official" ]; then
			echo "FAIL: $file official winners by $orule: got $got"
			fail=1
		fi
	fi
done <"$PB/expected.jsonl"

# Round trip: export, re-import, same winners (and same JSON apart from names).
for code in poland_wieliczka_2023 poland_krakow_2021_ france_toulouse_2019_; do
	"$A" --db "$DB" --secret "$SECRET" export pb "$code" --out "$code.pb" >/dev/null &&
		"$A" --db "$DB" --secret "$SECRET" import pb "$code.pb" --code "$code-rt" >/dev/null
	for rule in greedy approval; do
		a=$("$A" --db "$DB" --secret "$SECRET" tally "$code" --rule $rule --format json |
			jq -cS 'del(.round, .title)')
		b=$("$A" --db "$DB" --secret "$SECRET" tally "$code-rt" --rule $rule --format json |
			jq -cS 'del(.round, .title)')
		checks=$((checks + 1))
		if [ "$a" != "$b" ]; then
			echo "FAIL: $code export/re-import differs by $rule"
			fail=1
		fi
	done
done

# MES is for approval ballots only: a points ballot says so (exit 1).
if "$A" --db "$DB" --secret "$SECRET" tally poland_krakow_2021_ --rule mes >"$T/.out" 2>&1; then
	echo "FAIL: mes on an ordinal round should be refused"
	fail=1
fi
checks=$((checks + 1))

# A tie MES settled on the tie-break is reported like greedy's: X and Y
# both cost each of the two voters half their share (rho/cost 1/2); X is
# cheaper and goes first, then Y cannot be paid for.
printf 'META\nkey;value\ndescription;MES tie\nbudget;20\nvote_type;approval
PROJECTS\nproject_id;cost;name\nY;16;Youth club\nX;10;Xylophones
VOTES\nvoter_id;vote\n1;X,Y\n2;Y,X\n' >mestie.pb
checks=$((checks + 1))
if ! "$A" --db "$DB" --secret "$SECRET" import pb mestie.pb --code mestie >/dev/null ||
	! "$A" --db "$DB" --secret "$SECRET" tally mestie --rule mes |
	grep -q 'Xylophones.*yes (on the tie-break: lower cost than #1)$' ||
	[ "$("$A" --db "$DB" --secret "$SECRET" tally mestie --rule mes --format json |
		jq -r '.projects[] | select(.id == "X") | .tie_break')" != \
		"lower cost than #1" ] ||
	! "$A" --db "$DB" --secret "$SECRET" tally mestie --rule mes --format csv | tr -d '\r' |
	grep -q '^X,2,Xylophones,10,2,2,10,1,lower cost than #1$'; then
	echo "FAIL: the MES tie-break is not reported in table, JSON and CSV"
	fail=1
fi

echo "$checks checks"
exit $fail

#!/bin/sh
# kiosk_misuse.sh: a child tapping "very happy" over and over (issue 12,
# item 5): 30 rapid ratings store 30 rows, 29 flagged as repeats (within
# [kiosk] repeat_seconds of the last), and `sayso-admin ratings summary`
# counts 1 and says 29 were excluded; --include-flagged counts all 30.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
: "${SAYSO_ADMIN:?}"
write_config "verify = none"

script=""
i=0
while [ $i -lt 30 ]; do
	script="$script
key 1
key 5
key Escape
key Return"
	i=$((i + 1))
done
run_kiosk "$script" > /dev/null
expect "exit status" "$RC" 0
expect "rows" "$(q 'SELECT count(*) FROM ratings')" 30
expect "flagged" "$(q "SELECT count(*) FROM ratings WHERE flag = 'repeat'")" 29
expect "first unflagged" "$(q 'SELECT flag IS NULL FROM ratings ORDER BY id LIMIT 1')" 1
J=$("$SAYSO_ADMIN" --config "$T/sayso.ini" ratings summary --format json)
expect "responses" "$(printf '%s' "$J" | jq .responses)" 1
expect "excluded" "$(printf '%s' "$J" | jq .excluded)" 29
expect "count" "$(printf '%s' "$J" | jq .count)" 1
J=$("$SAYSO_ADMIN" --config "$T/sayso.ini" ratings summary --format json --include-flagged)
expect "responses with flagged" "$(printf '%s' "$J" | jq .responses)" 30
expect "excluded with flagged" "$(printf '%s' "$J" | jq .excluded)" 0
"$SAYSO_ADMIN" --config "$T/sayso.ini" ratings summary > "$T/table.txt"
grep -q "Excluded as misuse (repeat presses, bursts): 29" "$T/table.txt" || fail "table does not say how many were excluded"
echo PASS

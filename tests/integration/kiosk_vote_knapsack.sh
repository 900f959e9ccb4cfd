#!/bin/sh
# kiosk_vote_knapsack.sh: a knapsack round (budget £10,000): the budget bar
# follows the picks, a pick that would go over budget is refused with the
# amount, and the ballot holds only what fits.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
knapsack_assets
write_config "verify = none"

run_kiosk '
key 3
text 07700900789
key Return
shot pick
key 1
key 2
shot pick_9000
key 3
shot over_budget
key 4
shot pick_9500
key Return
shot review
key Return
'
expect "exit status" "$RC" 0
expect "round" "$(q "SELECT code||','||ballot_kind FROM rounds")" "KNAP,knapsack"
expect "ballot picks" "$(q "SELECT group_concat(p.number, ',') FROM (SELECT p.number FROM ballot_items i JOIN projects p ON p.id = i.project_id ORDER BY p.number) p")" "1,2,4"
expect "counted" "$(q "SELECT count(*) FROM ballots WHERE status = 'counted'")" 1
grep -q "pick 3 refused: .*budget" "$T/out.log" || fail "over-budget pick not refused"
cmp -s "$SHOTS/pick_9000.png" "$SHOTS/over_budget.png" && fail "no refusal message shown"
echo PASS

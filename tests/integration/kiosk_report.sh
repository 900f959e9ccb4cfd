#!/bin/sh
# kiosk_report.sh: a report with category, street (searched on the on-screen
# keyboard), text typed on the on-screen keyboard and on a keyboard, and a
# phone number for updates: stored with a reference; the number is only in
# the outbox (held until resolved), never in the report. A second report
# with "Somewhere else", no text and no phone.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config

# Category grid: 3 columns of (1600-60)/3 = 513 px from x=160, rows of
# 160 px from y=290. Fly-tipping is 1, graffiti 4.
run_kiosk '
tap 700 585
shot category
tap 400 350
shot street
# on-screen keyboard: k (row 2), e (row 1) then the first match
tap 1610 498
tap 1187 375
shot street_search
tap 550 274
shot text
# on-screen keys s, o, f, a then keyboard typing
tap 476 623
tap 1523 510
tap 798 623
tap 315 623
text  left by the bins
shot text_typed
tap 1540 985
shot phone
tap 1439 801
text 7700 900123
key Backspace
text 3
shot phone_typed
key Return
shot review
# where the phone screen had Next: nothing there now ("Send" is elsewhere)
tap 1540 985
shot review_still
tap 980 985
shot thanks
# the reference stays, and can be texted (through the outbox)
wait 16000
tap 470 985
text 07700 900999
key Return
shot thanks_texted
key Escape
key 2
key 4
key 7
key Escape
key Escape
shot review2
key Return
'
expect "exit status" "$RC" 0
expect "reports" "$(q 'SELECT count(*) FROM reports')" 2
expect "first report" "$(q "SELECT category||'|'||street||'|'||text||'|'||status FROM reports ORDER BY id LIMIT 1")" "fly-tipping|Keats Street|sofa left by the bins|open"
ref=$(q "SELECT ref FROM reports ORDER BY id LIMIT 1")
grep -q "report $ref saved" "$T/out.log" || fail "reference $ref not logged"
expect "held update" "$(q "SELECT to_number||'|'||status FROM sms_outbox WHERE hold_key = 'report:$ref'")" "+447700900123|held"
expect "number not in reports" "$(q "SELECT count(*) FROM reports WHERE text LIKE '%7700%' OR coalesce(location,'') LIKE '%7700%'")" 0
expect "second report" "$(q "SELECT category||'|'||coalesce(street,'')||'|'||coalesce(text,'') FROM reports ORDER BY id LIMIT 1 OFFSET 1")" "graffiti||"
expect "reference texted" "$(q "SELECT count(*) FROM sms_outbox WHERE to_number = '+447700900999' AND body LIKE '%$ref%'")" 1
expect "outbox rows" "$(q 'SELECT count(*) FROM sms_outbox')" 2
for s in category street street_search text text_typed phone phone_typed review thanks thanks_texted review2; do shot_exists $s; done
cmp -s "$SHOTS/review.png" "$SHOTS/review_still.png" || fail "a tap where Next was changed the check screen"
echo PASS

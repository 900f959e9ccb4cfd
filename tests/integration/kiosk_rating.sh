#!/bin/sh
# kiosk_rating.sh: one tap on a face counts; the follow-up answer joins that
# rating; keys 1..5 pick faces; Escape skips the follow-up; a real finger
# touch path works; the Polish language button changes the screen text.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config

run_kiosk '
shot attract
# 1: a tap on "How do you feel", a tap on the happiest face, "Green spaces"
tap 700 405
shot rate
tap 1640 550
shot followup
tap 550 380
shot thanks
key Return
# 2: keyboard only: 1, 2 (unhappy), Escape skips the follow-up
key 1
key 2
key Escape
key Return
# 3: a finger touch on face 4, then "Community" (choice 2)
finger 700 405
finger 1300 550
finger 1370 380
key Return
# Polish: the second language button along the bottom
tap 600 1005
shot attract_pl
key 1
shot rate_pl
key 3
key Escape
'
expect "exit status" "$RC" 0
expect "ratings" "$(q 'SELECT count(*) FROM ratings')" 4
expect "tap rating" "$(q "SELECT score||','||question||','||answer FROM ratings ORDER BY id LIMIT 1")" "5,best,green_spaces"
expect "key rating" "$(q "SELECT score||','||coalesce(answer,'-') FROM ratings ORDER BY id LIMIT 1 OFFSET 1")" "2,-"
expect "finger rating" "$(q "SELECT score||','||question||','||answer FROM ratings ORDER BY id LIMIT 1 OFFSET 2")" "4,best,community"
expect "polish rating" "$(q "SELECT score FROM ratings ORDER BY id LIMIT 1 OFFSET 3")" 3
expect "channel/device" "$(q "SELECT DISTINCT channel||','||device_id FROM ratings")" "kiosk,kiosk-test"
for s in attract rate followup thanks attract_pl rate_pl; do shot_exists $s; done
# The Polish screen really differs from the English one.
cmp -s "$SHOTS/rate.png" "$SHOTS/rate_pl.png" && fail "Polish rate screen identical to English"
echo PASS

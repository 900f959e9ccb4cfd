#!/bin/sh
# kiosk_privacy.sh: privacy on a shared screen (issue 12, item 3). A typed
# number turns to dots but for its last 3 digits a moment after typing (two
# different numbers ending 456 then look the same), and under the idle
# overlay the page is blanked, not dimmed: the overlay over the number
# screen is pixel for pixel the overlay over the faces.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "verify = none" "idle_seconds = 5"

run_kiosk '
key 3
text 07700900456
wait 2500
shot masked_a
wait 4000
shot idle_number
key Escape
key Escape
key 3
text 07799999456
wait 2500
shot masked_b
key Escape
key 1
wait 6500
shot idle_rate
'
expect "exit status" "$RC" 0
for s in masked_a masked_b idle_number idle_rate; do shot_exists $s; done
command -v convert >/dev/null 2>&1 || { echo "ImageMagick missing"; exit 77; }
same_image "$SHOTS/masked_a.png" "$SHOTS/masked_b.png" || fail "typed numbers are not masked"
# Outside the panel (its countdown may differ by a second) both are blank.
for s in idle_number idle_rate; do
	convert "$SHOTS/$s.png" -fill black -draw "rectangle 360,220 1560,860" \
		"$T/$s-page.png"
done
same_image "$T/idle_number-page.png" "$T/idle_rate-page.png" || fail "the page under the idle overlay is not blank"
echo PASS

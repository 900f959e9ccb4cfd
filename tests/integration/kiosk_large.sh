#!/bin/sh
# kiosk_large.sh: F2 switches the visit to large text. Measured on the
# screenshots: the capital I that starts the start screen's subtitle (body
# text) is >= 30 px tall in large text (EN 301 549 5.1.4: a capital H of
# 0.7 degrees at 60 cm on a 21.5" 1920x1080 panel is 29.6 px) and shorter
# without it; nothing is drawn in the gap between the screens' content and
# the visit tools' column (x 1761..1775) or in the outer edge columns, so no
# text runs off or under the tools; the vote cards reflow to one a row.
# F3 adds yellow-on-black; the end of the visit (Cancel) restores both.
# Keypad keys (vote screen): 0 at (1439,801), 7 at (1221,627); Next at
# (1540,985).
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
command -v convert >/dev/null 2>&1 || { echo "ImageMagick missing"; exit 77; }
write_config "verify = none"

run_kiosk '
shot normal
key F2
shot large
key 2
shot large_category
key 1
shot large_street
key Escape
key Escape
wait 300
shot normal_again
key F2
key 3
shot large_identify
tap 1439 801
tap 1221 627
tap 1221 627
tap 1439 801
tap 1439 801
text 900 456
tap 1540 985
shot large_pick
key F3
shot large_contrast
key Escape
key Return
wait 300
shot after_visit
'
expect "exit status" "$RC" 0
for s in normal large large_category large_street normal_again large_identify large_pick large_contrast after_visit; do
	shot_exists $s
done

# cap_height SHOT: height of the ink in the 10x80 box where the subtitle's
# first letter (I of "It takes ...") is drawn, at (158, 215), one line.
cap_height() {
	convert "$SHOTS/$1.png" -crop 10x80+158+215 +repage -colorspace gray \
		-threshold 60% -trim -format "%h" info: 2>/dev/null
}
normal=$(cap_height normal)
large=$(cap_height large)
echo "capital I: $normal px normal, $large px large"
[ "$normal" -lt 30 ] || fail "normal text already >= 30 px ($normal): the measure is wrong"
[ "$large" -ge 30 ] || fail "large text capital is $large px (< 30)"

# blank SHOT X W: true when the W-px column at X is one colour all the way
# down under the header band (no text or widget crosses it).
blank() {
	[ "$(convert "$SHOTS/$1.png" -crop "$3x1060+$2+20" +repage -colorspace gray \
		-format '%[fx:maxima.intensity-minima.intensity]' info:)" = 0 ]
}
for s in large large_category large_street large_identify large_pick large_contrast; do
	blank $s 1761 14 || fail "$s: something crosses into the tools' column"
	blank $s 1914 6 || fail "$s: something runs off the right edge"
	blank $s 0 150 || fail "$s: something in the left margin"
done

# Reflowed, not clipped: one card a row (a card spans the width).
blank large_pick 1000 4 && fail "large text: vote cards not one a row"
# High contrast: black background, yellow text.
expect "contrast background" "$(convert "$SHOTS/large_contrast.png" -format '%[pixel:p{1000,1070}]' info:)" "srgb(0,0,0)"
convert "$SHOTS/large_contrast.png" -crop 400x80+160+40 +repage -unique-colors txt: |
	grep -qi "#FFFF00" || fail "no yellow text in high contrast"
# Cancel ended the visit, and large text with it.
same_image "$SHOTS/normal.png" "$SHOTS/normal_again.png" || fail "large text outlived the visit"
# The visit ended: normal size and colours again.
same_image "$SHOTS/normal.png" "$SHOTS/after_visit.png" || fail "large text or contrast outlived the visit"
echo PASS

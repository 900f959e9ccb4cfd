#!/bin/sh
# kiosk_scripts.sh: every shipped language on the start, rate, vote and
# thank-you screens, saved as screenshots (SAYSO_KEEP_SHOTS=DIR keeps them).
# For each language the flow must work, no character may lack a font ("no
# font has" in the log), the screens must differ from English, and Urdu and
# Arabic must be mirrored: the badge of choice 1 is at the right, the Cancel
# button at the bottom right.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
command -v convert >/dev/null 2>&1 || { echo "ImageMagick missing"; exit 77; }
knapsack_assets

# pixel FILE X Y: the colour there, as "R,G,B"
pixel() {
	convert "$1" -format '%[fx:int(255*p{'"$2,$3"'}.r)],%[fx:int(255*p{'"$2,$3"'}.g)],%[fx:int(255*p{'"$2,$3"'}.b)]' info:
}
PRIMARY="11,61,145"

for lang in en pl cy ur pa bn ar; do
	[ -s "$SAYSO_SRC/assets/strings/$lang.ini" ] || fail "$lang.ini not shipped"
	DB="$T/$lang.db"
	write_config "verify = none"
	other=en
	[ "$lang" = en ] && other=ur
	sed -i "s/^languages = .*/languages = $lang, $other/" "$T/sayso.ini"
	run_kiosk "
shot ${lang}_start
key 1
shot ${lang}_rate
key 5
key Escape
shot ${lang}_thanks
key Return
key 3
text 07700900789
key Return
key 1
key 4
shot ${lang}_vote
key Return
key Return
shot ${lang}_thanks_vote
key Return
" > "$T/run.txt"
	[ "$RC" = 0 ] || cat "$T/run.txt"
	expect "$lang: exit status" "$RC" 0
	[ -n "${SAYSO_VERBOSE:-}" ] && cat "$T/run.txt"
	expect "$lang: rating saved" "$(q 'SELECT count(*) FROM ratings')" 1
	expect "$lang: vote counted" "$(q "SELECT count(*) FROM ballots WHERE status = 'counted'")" 1
	if grep "no font has" "$T/out.log"; then fail "$lang: characters without a font"; fi
	for s in start rate vote thanks thanks_vote; do shot_exists "${lang}_$s"; done
	if [ "$lang" != en ]; then
		for s in start rate vote thanks; do
			same_image "$SHOTS/en_$s.png" "$SHOTS/${lang}_$s.png" &&
				fail "$lang: $s screen identical to English"
		done
	fi
	# Choice 1's badge (logical 176..240, 373..437, left of its digit) and Cancel (logical
	# 160..520 at the bottom): mirrored in a right-to-left language.
	case $lang in
	ur | ar) badge=1737 free=182 cancel=1599 ;;
	*) badge=182 free=1737 cancel=320 ;;
	esac
	expect "$lang: badge side" "$(pixel "$SHOTS/${lang}_start.png" $badge 405)" "$PRIMARY"
	[ "$(pixel "$SHOTS/${lang}_start.png" $free 405)" = "$PRIMARY" ] &&
		fail "$lang: badge on both sides"
	expect "$lang: cancel border" "$(pixel "$SHOTS/${lang}_rate.png" $cancel 931)" "11,12,12"
done
echo PASS

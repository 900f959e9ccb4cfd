#!/bin/sh
# kiosk_language.sh: the start screen offers every configured language by
# its own name; one tap switches; the visit ends back in the default
# language (Finish, the idle wipe, and a language chosen and left on the
# start screen); --lang pl starts in Polish and returns to Polish; bad
# --lang values and [site] languages are refused with a clear message.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "idle_seconds = 5" "idle_countdown = 3"
sed -i 's/^languages = .*/languages = en, pl, cy, ur, pa, bn, ar/' "$T/sayso.ini"

# Buttons along the bottom: 7 of 218 px with 12 px gaps from x = 160.
PL="500 1005"
CY="730 1005"
run_kiosk "
shot start_en
tap $PL
shot start_pl
key 1
shot rate_pl
key 3
key Escape
shot thanks_pl
key Return
shot after_finish
tap $CY
shot start_cy
key 2
key 1
key 1
wait 9500
shot after_idle
tap $PL
wait 5600
shot after_idle_start
"
expect "exit status" "$RC" 0
for s in start_en start_pl rate_pl thanks_pl after_finish start_cy \
	after_idle after_idle_start; do shot_exists $s; done
same_image "$SHOTS/start_en.png" "$SHOTS/start_pl.png" &&
	fail "tapping Polski did not change the start screen"
same_image "$SHOTS/start_pl.png" "$SHOTS/start_cy.png" &&
	fail "Cymraeg looks like Polski"
same_image "$SHOTS/start_en.png" "$SHOTS/after_finish.png" ||
	fail "after Finish the start screen is not the English one"
same_image "$SHOTS/start_en.png" "$SHOTS/after_idle.png" ||
	fail "after the idle wipe the start screen is not the English one"
same_image "$SHOTS/start_en.png" "$SHOTS/after_idle_start.png" ||
	fail "Polish chosen and left on the start screen stayed"
expect "ratings" "$(q 'SELECT count(*) FROM ratings')" 1

# --lang pl: starts in Polish; a visit in Welsh ends back in Polish.
run_kiosk_lang() {
	printf '%s\n' "$2" > "$T/script.txt"
	RC=0
	"$SAYSO_KIOSK" -c "$T/sayso.ini" --lang "$1" --script "$T/script.txt" \
		--screenshots "$SHOTS" > "$T/out.log" 2>&1 || RC=$?
	cat "$T/out.log"
}
run_kiosk_lang pl "
shot lang_start
tap $CY
key 1
key 4
key Escape
key Return
shot lang_after
"
expect "--lang pl status" "$RC" 0
same_image "$SHOTS/lang_start.png" "$SHOTS/start_pl.png" ||
	fail "--lang pl does not start on the Polish start screen"
same_image "$SHOTS/lang_after.png" "$SHOTS/start_pl.png" ||
	fail "--lang pl: the visit did not end back in Polish"

# Bad values: a clear message and exit status 2.
run_kiosk_lang fr "shot x"
expect "--lang fr" "$RC" 2
grep -q "not a language sayso ships" "$T/out.log" || fail "--lang fr: no message"
sed -i 's/^languages = .*/languages = en, cy/' "$T/sayso.ini"
run_kiosk_lang pl "shot x"
expect "--lang not configured" "$RC" 2
grep -q "add it to \[site\] languages" "$T/out.log" || fail "--lang pl: no message"
sed -i 's/^languages = .*/languages = en, de/' "$T/sayso.ini"
run_kiosk "shot x"
expect "languages = en, de" "$RC" 2
grep -q "'de' is not a language sayso ships" "$T/out.log" || fail "de: no message"
echo PASS

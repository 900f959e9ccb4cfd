#!/bin/sh
# kiosk_builtin.sh: English is built into the program (issue 12, item 4):
# with an assets folder that has no strings at all the start screen looks
# exactly as with the real assets (no raw keys), and a rating still works.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config "verify = none"
run_kiosk '
shot with_assets
'
expect "exit status" "$RC" 0
ASSETS="$T/empty-assets"
mkdir -p "$ASSETS"
cp -r "$SAYSO_SRC/assets/demo" "$ASSETS/demo"
write_config "verify = none"
run_kiosk '
shot without_strings
key 1
key 3
key Escape
key Return
'
expect "exit status" "$RC" 0
grep -q "cannot read .*empty-assets/strings/en.ini" "$T/out.log" || fail "missing strings not logged"
grep -q "no text for" "$T/out.log" && fail "a key had no text"
same_image "$SHOTS/with_assets.png" "$SHOTS/without_strings.png" || fail "start screen differs without the strings files"
expect "rating" "$(q 'SELECT score FROM ratings')" 3
echo PASS

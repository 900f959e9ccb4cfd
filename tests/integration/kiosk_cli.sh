#!/bin/sh
# kiosk_cli.sh: the command line contract: --help and --version exit 0, an
# unknown flag or a missing value exits 2 with a usage line, a bad script
# line is reported as file:line and exits 2 before anything opens, a bad
# config names its file, and a missing font is drawn as placeholders
# (logged) instead of stopping the kiosk.
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
write_config

"$SAYSO_KIOSK" --help > "$T/help" || fail "--help failed"
grep -q -- "--script FILE" "$T/help" || fail "--help lacks --script"
"$SAYSO_KIOSK" --version | grep -q "^sayso-kiosk " || fail "--version"

RC=0; "$SAYSO_KIOSK" --frobnicate 2> "$T/err" || RC=$?
expect "unknown flag status" "$RC" 2
grep -q "unknown option --frobnicate" "$T/err" || fail "unknown flag message"

RC=0; "$SAYSO_KIOSK" --script 2> "$T/err" || RC=$?
expect "missing value status" "$RC" 2

printf 'tap 10 10\nwiggle 3\n' > "$T/bad.txt"
RC=0; "$SAYSO_KIOSK" -c "$T/sayso.ini" --script "$T/bad.txt" 2> "$T/err" || RC=$?
expect "bad script status" "$RC" 2
grep -q "bad.txt:2: unknown command" "$T/err" || fail "bad script line not named: $(cat "$T/err")"
[ -e "$DB" ] && fail "database created despite a bad script"

printf 'tap 5000 10\n' > "$T/bad2.txt"
RC=0; "$SAYSO_KIOSK" -c "$T/sayso.ini" --script "$T/bad2.txt" 2> "$T/err" || RC=$?
expect "off-screen tap status" "$RC" 2

printf '[kiosk]\nidle_seconds = soon\n' > "$T/bad.ini"
RC=0; "$SAYSO_KIOSK" -c "$T/bad.ini" --script "$T/bad2.txt" 2> "$T/err" || RC=$?
expect "bad config status" "$RC" 2
grep -q "bad.ini" "$T/err" || fail "bad config not named: $(cat "$T/err")"

# A font that does not exist: logged, placeholders drawn, flows still work.
write_config "font = $T/no-such-font.ttf"
run_kiosk '
key 1
key 3
shot no_font
key Escape
'
expect "no-font status" "$RC" 0
grep -q "no-such-font.ttf" "$T/out.log" || fail "missing font not logged"
expect "rating without a font" "$(q 'SELECT score FROM ratings')" 3
shot_exists no_font
echo PASS

#!/bin/sh
# admin_doctor.sh: `sayso-admin doctor` on a healthy site and on broken ones
# (missing secret, secret readable by others, wrong secret, read-only folder,
# no font, no strings, unreachable Kannel, wrong clock, no database): each
# verdict line, the fix it names, and the exit status (0 healthy, 1 broken).
set -u
# Pins the time with SAYSO_NOW: a test build only (SAYSO_TEST_CLOCK=ON).
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
SRC=${SAYSO_SRC:?SAYSO_SRC not set}
T=$(mktemp -d /tmp/sayso-doctor-XXXXXX)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG SAYSO_ASSETS SAYSO_NOW
fail=0
O=$T/out
mkdir "$O"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ ! -r "$FONT" ]; then
	echo "SKIP: no DejaVu Sans at $FONT (fonts-dejavu-core)"
	exit 77
fi

# site DIR: a fresh site with its own sayso.ini (font and assets pinned so
# the verdicts do not depend on the machine).
site() {
	mkdir -p "$1" && "$A" --db "$1/sayso.db" init >/dev/null || exit 1
	cat >"$1/sayso.ini" <<INI
[site]
database = $1/sayso.db
[kiosk]
font = $FONT
assets = $SRC/assets
INI
}
# doctor NAME EXPECTED-EXIT ARGS...: runs doctor, keeps the output in $O/NAME
doctor() {
	name=$1 want=$2
	shift 2
	"$@" >"$O/$name" 2>"$O/$name.err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, expected $want"
		cat "$O/$name" "$O/$name.err"
		fail=1
	fi
}
has() { # has NAME REGEX: the output of NAME matches
	if ! grep -Eq "$2" "$O/$1"; then
		echo "FAIL $1: no line matching /$2/ in:"
		cat "$O/$1"
		fail=1
	fi
}
hasnt() {
	if grep -Eq "$2" "$O/$1"; then
		echo "FAIL $1: unexpected line matching /$2/:"
		cat "$O/$1"
		fail=1
	fi
}

# ---- healthy ----
site "$T/ok"
doctor healthy 0 "$A" --config "$T/ok/sayso.ini" doctor
has healthy "^ok +config +$T/ok/sayso.ini is valid"
has healthy "^ok +database +$T/ok/sayso.db is a sayso database \(schema [0-9]+\) and writable"
has healthy "^ok +secret +.*belongs to the database, mode 0600"
has healthy "^ok +disk +"
has healthy "^ok +font +$FONT"
has healthy "^ok +strings +$SRC/assets/strings \(7 languages\)"
has healthy "^-- +gateway +Kannel not configured"
has healthy "^ok +clock +"
hasnt healthy "^FAIL"
has healthy "^(all good: the site can run|the site can run; [0-9]+ warnings?)$"
# doctor changes nothing: no probe file left, database unchanged
ls -a "$T/ok" | grep -q '^\.sayso-doctor' && { echo "FAIL: probe file left"; fail=1; }
doctor usage 2 "$A" --config "$T/ok/sayso.ini" doctor extra

# ---- missing secret ----
site "$T/nosecret"
mv "$T/nosecret/sayso.db.secret" "$T/secret.kept"
doctor nosecret 1 "$A" --config "$T/nosecret/sayso.ini" doctor
has nosecret "^FAIL +secret +$T/nosecret/sayso.db.secret is missing"
has nosecret "fix: copy the site's secret back from your backup"
has nosecret "^ok +database "
has nosecret "^1 problem to fix"
# doctor must not have made a new secret
[ -e "$T/nosecret/sayso.db.secret" ] && { echo "FAIL: doctor created a secret"; fail=1; }

# ---- secret readable by others ----
site "$T/open"
chmod 0644 "$T/open/sayso.db.secret"
doctor opensecret 1 "$A" --config "$T/open/sayso.ini" doctor
has opensecret "^FAIL +secret +.*can be read by others \(mode 0644\)"
has opensecret "fix: chmod 600 $T/open/sayso.db.secret"

# ---- another site's secret ----
site "$T/other"
cp "$T/secret.kept" "$T/other/sayso.db.secret"
chmod 0600 "$T/other/sayso.db.secret"
doctor othersecret 1 "$A" --config "$T/other/sayso.ini" doctor
has othersecret "^FAIL +secret +"
has othersecret "fix: put this site's own secret next to the database"

# ---- read-only folder ----
site "$T/ro"
chmod 0555 "$T/ro"
if [ "$(id -u)" = 0 ]; then
	# root writes anywhere: check as an unprivileged user instead
	chmod 0755 "$T"
	chown -R 65534:65534 "$T/ro"
	chmod 0444 "$T/ro/sayso.db"
	doctor readonly 1 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$A" --config "$T/ro/sayso.ini" doctor
else
	doctor readonly 1 "$A" --config "$T/ro/sayso.ini" doctor
fi
has readonly "^FAIL +database +folder $T/ro is not writable"
has readonly "fix: the programs must create files in $T/ro"
chmod 0755 "$T/ro"

# ---- no font ----
site "$T/nofont"
sed -i "s|^font = .*|font = $T/nofont/NoSuchFont.ttf|" "$T/nofont/sayso.ini"
doctor nofont 1 "$A" --config "$T/nofont/sayso.ini" doctor
has nofont "^FAIL +font +\[kiosk\] font $T/nofont/NoSuchFont.ttf cannot be read"
has nofont "fix: install the font file"
hasnt nofont "^FAIL +(database|secret)"
# a file that is not a font
sed -i "s|^font = .*|font = $T/nofont/sayso.ini|" "$T/nofont/sayso.ini"
doctor notafont 1 "$A" --config "$T/nofont/sayso.ini" doctor
has notafont "^FAIL +font +.*is not a TrueType/OpenType font"

# ---- no strings for a language ----
site "$T/nolang"
# an assets folder with English only
mkdir -p "$T/nolang/assets/strings"
cp "$SRC/assets/strings/en.ini" "$T/nolang/assets/strings/"
sed -i "s|^assets = .*|assets = $T/nolang/assets|" "$T/nolang/sayso.ini"
printf '[site]\nlanguages = en, cy\n' >>"$T/nolang/sayso.ini"
# (a second [site] section adds to the first in inih)
doctor nolang 1 "$A" --config "$T/nolang/sayso.ini" doctor
has nolang "^FAIL +strings +no kiosk text for cy in $T/nolang/assets/strings"

# ---- Kannel configured but not running (port 1 refuses) ----
site "$T/kannel"
printf '[kannel]\nsendsms_url = http://127.0.0.1:1/cgi-bin/sendsms\nusername = u\npassword = p\n' >>"$T/kannel/sayso.ini"
doctor kannel 1 "$A" --config "$T/kannel/sayso.ini" doctor
has kannel "^FAIL +gateway +Kannel at 127.0.0.1:1: "
has kannel "fix: start Kannel"
# ... and one that answers
if command -v python3 >/dev/null; then
	python3 -c '
import socket,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(4)
print(s.getsockname()[1], flush=True)
time.sleep(120)' >"$T/port" 2>/dev/null &
	lpid=$!
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$T/port")
	sed -i "s|127.0.0.1:1/|127.0.0.1:$port/|" "$T/kannel/sayso.ini"
	doctor kannel-up 0 "$A" --config "$T/kannel/sayso.ini" doctor
	has kannel-up "^ok +gateway +Kannel answers at 127.0.0.1:$port"
	kill "$lpid" 2>/dev/null
fi

# ---- clock ----
SAYSO_NOW=2020-01-01T00:00:00Z
export SAYSO_NOW
doctor clock 1 "$A" --config "$T/ok/sayso.ini" doctor
has clock "^FAIL +clock +the clock says 2020-01-01T00:00:00"
has clock "fix: set the time"
unset SAYSO_NOW

# ---- an invalid configuration: refused before any check, naming file:line ----
printf '[site]\ndatabase = x.db\n[kiosk]\nidle_seconds = soon\n' >"$T/bad.ini"
doctor badconfig 1 "$A" --config "$T/bad.ini" doctor
if ! grep -q "$T/bad.ini:4" "$O/badconfig.err"; then
	echo "FAIL badconfig: the error does not name $T/bad.ini:4:"
	cat "$O/badconfig.err"
	fail=1
fi

# ---- no database ----
doctor nodb 1 "$A" --db "$T/none/sayso.db" doctor
has nodb "^FAIL +database +$T/none/sayso.db does not exist"
has nodb "fix: create it with .sayso-admin --db $T/none/sayso.db init."

[ $fail = 0 ] && echo "admin_doctor: all verdicts right"
exit $fail

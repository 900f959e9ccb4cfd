#!/bin/sh
# readme_day.sh: README.md's "A day with sayso", run line by line as written
# in a fresh folder. The lines are read from the README itself (the block
# under "## A day with sayso"), so the README and this test cannot drift.
# The kiosk line runs briefly (SDL dummy video, a script that rates once and
# ends, which quits the kiosk); the gateway line is checked with -n and then
# run until it answers and stopped with SIGTERM (on a free port, so it can
# run beside other tests). The fun-day kiosk is enrolled by the README's own
# line; before the first merge line it runs on its database as the paragraph
# under the block says and records one rating, which the merge must bring
# in. The old way (a backup with the secret copied) must be refused.
set -u
# Pins the time with SAYSO_NOW: a test build only (SAYSO_TEST_CLOCK=ON).
[ "${SAYSO_TEST_CLOCK:-}" = 1 ] || { echo "SKIP: not a test build"; exit 77; }
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
K=${SAYSO_KIOSK:?SAYSO_KIOSK not set}
G=${SAYSO_SMSGW:?SAYSO_SMSGW not set}
SRC=${SAYSO_SRC:?SAYSO_SRC not set}
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 CLI missing"; exit 77; }
T=$(mktemp -d /tmp/sayso-readme-day-XXXXXX)
gw=
trap '[ -n "$gw" ] && kill "$gw" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG SAYSO_ASSETS SAYSO_NOW
export SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy
fail=0

# The block, comments stripped (no '#' appears inside a command).
sed -n '/^## A day with sayso$/,/^## /p' "$SRC/README.md" |
	sed -n '/^```$/,/^```$/p' | sed '/^```$/d' | sed 's/ *#.*$//' |
	sed '/^$/d' >"$T/day.txt"
lines=$(wc -l <"$T/day.txt")
[ "$lines" -ge 10 ] || { echo "FAIL: only $lines lines found in README's day"; exit 1; }
# projects.csv: the sample the README names
grep -q 'sample: assets/demo/projects.csv' "$SRC/README.md" ||
	{ echo "FAIL: README no longer names the projects.csv sample"; fail=1; }
cp "$SRC/assets/demo/projects.csv" projects.csv

printf 'key 1\nkey 4\nkey Escape\nkey Return\n' >"$T/hub.script"
printf 'key 1\nkey 5\nkey Escape\nkey Return\n' >"$T/funday.script"

run() { # run LINENO COMMAND-LINE: one line of the day; its exit must be 0
	n=$1 line=$2
	echo "--- $line"
	case $line in
	sayso-admin\ merge\ *)
		# The fun day itself, on the enrolled kiosk's own database.
		if [ ! -f "$T/funday.log" ]; then
			printf '[site]\ndatabase = fun-day-kiosk.db\n' >fun-day.ini &&
				"$K" -c fun-day.ini --script "$T/funday.script" \
					>"$T/funday.log" 2>&1 ||
				{ cat "$T/funday.log"; echo "FAIL: running the fun-day kiosk"; fail=1; }
		fi
		;;
	esac
	case $line in
	sayso-admin\ *)
		eval "\"\$A\" ${line#sayso-admin }" >"$T/out.$n" 2>&1
		rc=$?
		;;
	sayso-kiosk\ *)
		eval "\"\$K\" ${line#sayso-kiosk } --script \"\$T/hub.script\"" >"$T/out.$n" 2>&1
		rc=$?
		# its strings come from the default assets folder (no ./assets here)
		if grep -q 'strings: cannot read' "$T/out.$n"; then
			echo "FAIL: the kiosk found no strings in its default assets folder"
			rc=1
		fi
		;;
	sayso-smsgw\ *)
		eval "\"\$G\" ${line#sayso-smsgw } -n" >"$T/out.$n" 2>&1
		rc=$?
		if [ $rc = 0 ]; then
			# a short real run of the same config on a free port
			port=$((20000 + $$ % 20000))
			cp sayso.ini gw.ini && printf '[smsgw]\nlisten = 127.0.0.1:%s\n' "$port" >>gw.ini
			"$G" -c gw.ini >>"$T/out.$n" 2>&1 &
			gw=$!
			up=0 i=0
			while [ $i -lt 100 ] && kill -0 "$gw" 2>/dev/null; do
				curl -s -o /dev/null "http://127.0.0.1:$port/" && { up=1; break; }
				sleep 0.1
				i=$((i + 1))
			done
			kill -TERM "$gw" 2>/dev/null
			wait "$gw"
			grc=$?
			gw=
			[ $up = 1 ] && [ $grc = 0 ] || { echo "FAIL: the gateway did not run (answered=$up exit=$grc)"; rc=1; }
		fi
		;;
	*)
		echo "FAIL: README day line $n is not a sayso command: $line"
		rc=1
		;;
	esac
	cat "$T/out.$n"
	if [ "$rc" != 0 ]; then
		echo "FAIL: README day line $n exits $rc: $line"
		fail=1
	fi
}

n=0
while IFS= read -r line; do
	n=$((n + 1))
	run "$n" "$line"
done <"$T/day.txt"

# What the day left behind
q() { sqlite3 -batch -noheader sayso.db "$1"; }
[ -f sayso.ini ] || { echo "FAIL: init wrote no sayso.ini"; fail=1; }
[ "$(q 'SELECT count(*) FROM projects')" -ge 7 ] || { echo "FAIL: projects not imported"; fail=1; }
[ "$(q "SELECT count(*) FROM ratings WHERE device_id = 'fun-day-kiosk'")" = 1 ] ||
	{ echo "FAIL: the fun-day kiosk's rating was not merged"; fail=1; }
[ "$(q 'SELECT count(*) FROM ratings')" = 2 ] || { echo "FAIL: expected the hub's and the fun day's rating"; fail=1; }
# The old way is refused, and says what to do.
"$A" backup old-way.db >/dev/null && cp sayso.db.secret old-way.db.secret
if "$A" merge old-way.db >"$T/old" 2>&1 || ! grep -q 'kiosk enrol' "$T/old"; then
	cat "$T/old"
	echo "FAIL: a backup copy with the secret was not refused with advice"
	fail=1
fi
[ -f public/index.html ] && [ -f public/results.json ] || { echo "FAIL: no results page"; fail=1; }
if command -v jq >/dev/null; then
	tn=$(grep -n 'tally PB26 --rule mes --format json' "$T/day.txt" | cut -d: -f1)
	jq -e . "$T/out.$tn" >/dev/null || { echo "FAIL: the tally is not JSON"; fail=1; }
fi

[ $fail = 0 ] && echo "readme_day: all $lines lines of README's day ran"
exit $fail

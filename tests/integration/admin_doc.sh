#!/bin/sh
# admin_doc.sh: docs/admin.md lists exactly the commands of `sayso-admin
# --help` (its "Every command and its exit codes" table), and the exit codes
# it documents are the program's: --help 0, a usage error 2 for every
# command, a bad configuration 1, a missing database 1, no command 2; every
# command has its own section (a `### \`COMMAND ...\`` heading), and every
# command returns 1 for a runtime error (an unknown round, a file that
# exists, a database that is not there, ...; the cases are listed below).
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
SRC=${SAYSO_SRC:?SAYSO_SRC not set}
DOC=$SRC/docs/admin.md
T=$(mktemp -d /tmp/sayso-admindoc-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG
fail=0

"$A" --help >"$T/help" || { echo "FAIL: --help exit $?"; exit 1; }
sed -n '/^Commands:$/,/^$/p' "$T/help" | sed -n 's/^  \([a-z][a-z ]*[a-z]\)  .*/\1/p' |
	sed 's/ *$//' | sort >"$T/from-help"
sed -n '/^## Every command and its exit codes$/,$p' "$DOC" |
	sed -n 's/^| `\([a-z][a-z ]*\)` |.*/\1/p' | sort >"$T/from-doc"
n=$(wc -l <"$T/from-help")
[ "$n" -ge 20 ] || { echo "FAIL: only $n commands parsed from --help"; fail=1; }
if ! cmp -s "$T/from-help" "$T/from-doc"; then
	echo "FAIL: docs/admin.md's command table differs from sayso-admin --help (< help, > doc):"
	diff "$T/from-help" "$T/from-doc"
	fail=1
fi
# every command has its own section in the body of the doc too
while read -r c; do
	grep -q "^### \`$c[ \`]" "$DOC" ||
		{ echo "FAIL: '$c' has no section of its own (### \`$c ...\`) in docs/admin.md"; fail=1; }
done <"$T/from-help"

# the exit codes, as the program returns them
expect() { # expect WANT DESCRIPTION ARGS...
	want=$1 d=$2
	shift 2
	"$A" "$@" >/dev/null 2>&1
	rc=$?
	[ "$rc" = "$want" ] || { echo "FAIL: $d: exit $rc, docs/admin.md says $want"; fail=1; }
}
while read -r c; do
	# shellcheck disable=SC2086
	expect 0 "$c --help" $c --help
	# shellcheck disable=SC2086
	expect 2 "$c --no-such-option" --db "$T/none.db" $c --no-such-option
	# shellcheck disable=SC2086
	expect 0 "help $c" help $c
done <"$T/from-help"
# A runtime error is exit 1 for every command: each case below is one a
# person can hit (an unknown round, a file in the way, no database). A
# command of --help without a case here fails the test: add one.
"$A" --db "$T/rt.db" init >/dev/null 2>&1 || { echo "FAIL: init"; fail=1; }
touch "$T/exists"
runtime_case() { # the arguments that make command $1 fail at run time
	case "$1" in
	"init") echo "--db $T/rt.db init" ;;
	"round create") echo "--db $T/rt.db round create x --title T --budget 0x" ;;
	"round list" | "reports list" | "reports summary" | "check" | \
		"ratings summary") echo "--db $T/none.db $1" ;;
	"round show" | "round open" | "round close" | "project list" | \
		"tally" | "voters report") echo "--db $T/rt.db $1 nosuch" ;;
	"project add") echo "--db $T/rt.db project add nosuch --title T --cost 1" ;;
	"project import") echo "--db $T/rt.db project import nosuch $T/exists" ;;
	"ballot add") echo "--db $T/rt.db ballot add nosuch --code ABCD --projects 1" ;;
	"codes generate") echo "--db $T/rt.db codes generate nosuch --count 1" ;;
	"import pb") echo "--db $T/rt.db import pb $T/exists" ;;
	"export pb") echo "--db $T/rt.db export pb nosuch" ;;
	"merge") echo "--db $T/rt.db merge $T/exists" ;;
	"kiosk enrol") echo "--db $T/rt.db kiosk enrol k1 --out $T/exists" ;;
	"merge held") echo "--db $T/none.db merge held" ;;
	"merge accept" | "merge reject") echo "--db $T/rt.db $1 99" ;;
	"erase") echo "--db $T/none.db erase --code ABCD" ;;
	"backup") echo "--db $T/rt.db backup $T/exists" ;;
	"migrate") echo "--db $T/none.db migrate --to $T/copy.db" ;;
	"doctor") echo "--db $T/none.db doctor" ;;
	"results") echo "--db $T/rt.db results nosuch --out $T/res" ;;
	"qr") echo "qr http://example.org --png $T/no/such/dir/x.png" ;;
	"reports set") echo "--db $T/rt.db reports set 99 resolved" ;;
	"report") echo "--db $T/rt.db report --out $T/rep --round nosuch" ;;
	"walkabout list" | "walkabout issues" | "partner list" | \
		"reports duplicates") echo "--db $T/none.db $1" ;;
	"walkabout start") echo "--db $T/rt.db walkabout start w --date 2025-02-30 --by A" ;;
	"walkabout show") echo "--db $T/rt.db walkabout show nosuch" ;;
	"walkabout log") echo "--db $T/rt.db walkabout log nosuch --street S --category litter" ;;
	"walkabout check") echo "--db $T/rt.db walkabout check nosuch --issue WA-AAAAA --observed resolved" ;;
	"partner add") echo "--db $T/rt.db partner add bad/code --name N" ;;
	"partner route") echo "--db $T/rt.db partner route nosuch --category litter" ;;
	"partner issues") echo "--db $T/rt.db partner issues nosuch" ;;
	"report assign") echo "--db $T/rt.db report assign WA-AAAAA --partner nosuch" ;;
	"report duplicate") echo "--db $T/rt.db report duplicate WA-AAAAA --split" ;;
	"report history") echo "--db $T/rt.db report history WA-AAAAA" ;;
	"event create") echo "--db $T/rt.db event create bad/code --title T --from 2026-06-01 --to 2026-06-02" ;;
	"event list") echo "--db $T/none.db event list" ;;
	"event show" | "event close") echo "--db $T/rt.db $1 nosuch" ;;
	"summary") echo "--db $T/rt.db summary --since 2026-06-01 --out $T/exists" ;;
	"round edit") echo "--db $T/rt.db round edit nosuch --title T --why x" ;;
	"project edit") echo "--db $T/rt.db project edit nosuch 1 --title T --why x" ;;
	"project withdraw") echo "--db $T/rt.db project withdraw nosuch 1 --why x" ;;
	"ballot import") echo "--db $T/rt.db ballot import nosuch $T/exists" ;;
	"ballot list" | "codes list") echo "--db $T/rt.db $1 nosuch" ;;
	"ballot void") echo "--db $T/rt.db ballot void 999 --why x" ;;
	"codes import") echo "--db $T/rt.db codes import nosuch $T/exists" ;;
	"codes void") echo "--db $T/rt.db codes void nosuch ABCD --why x" ;;
	*) echo "" ;;
	esac
}
while read -r c; do
	args=$(runtime_case "$c")
	if [ -z "$args" ]; then
		echo "FAIL: '$c' has no runtime-error case in admin_doc.sh: add one"
		fail=1
		continue
	fi
	# shellcheck disable=SC2086
	expect 1 "$c at run time ($args)" $args
done <"$T/from-help"

expect 2 "no command" 
expect 2 "unknown command" frobnicate
expect 2 "a noun alone" round
expect 0 "--version" --version
printf '[site]\nnosuchkey = 1\n' >"$T/bad.ini"
expect 1 "an invalid configuration" --config "$T/bad.ini" round list
expect 1 "an unreadable configuration" --config "$T/missing.ini" round list
expect 1 "a missing database" --db "$T/none.db" round list
expect 2 "a malformed number" --db "$T/none.db" codes generate X --count many
expect 2 "a bad --format" --db "$T/none.db" round list --format xml

[ $fail = 0 ] && echo "admin_doc: $n commands, docs/admin.md matches --help and the exit codes"
exit $fail

#!/bin/sh
# admin_doc.sh: docs/admin.md lists exactly the commands of `sayso-admin
# --help` (its "Every command and its exit codes" table), and the exit codes
# it documents are the program's: --help 0, a usage error 2 for every
# command, a bad configuration 1, a missing database 1, no command 2.
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
# every command has its own section or line in the body of the doc too
while read -r c; do
	grep -q "\`$c[ \`]" "$DOC" || { echo "FAIL: '$c' is only in the table"; fail=1; }
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

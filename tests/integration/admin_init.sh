#!/bin/sh
# admin_init.sh: `sayso-admin init` writes a commented sayso.ini beside the
# database that every program accepts, never overwrites one, writes none
# when a configuration was given, and never replaces a database or secret.
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
G=${SAYSO_SMSGW:?SAYSO_SMSGW not set}
T=$(mktemp -d /tmp/sayso-init-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG
fail=0
ok() {
	d=$1
	shift
	if ! "$@"; then
		echo "FAIL: $d"
		fail=1
	fi
}

# in the working directory, as README's day does
"$A" init >out1 2>&1
ok "init exits 0" test $? = 0
ok "init says it wrote sayso.ini" grep -q '^wrote ./sayso.ini' out1
ok "sayso.ini names the database" grep -qx 'database = ./sayso.db' sayso.ini
ok "every other key is commented out" test "$(grep -v '^;' sayso.ini | grep -c ' = ')" = 1
ok "the secret is 0600" test "$(stat -c %a sayso.db.secret)" = 600
ok "the gateway accepts it" "$G" -c sayso.ini -n
"$A" --config sayso.ini check >/dev/null 2>&1
ok "sayso-admin --config sayso.ini accepts it" test $? = 0
# edited by the organiser, then init again elsewhere in the same folder
echo '; mine' >>sayso.ini
cp sayso.ini mine.ini
"$A" --db second.db init >out2 2>&1
ok "a second init keeps sayso.ini" grep -q '^kept the existing sayso.ini' out2
ok "sayso.ini unchanged" cmp -s sayso.ini mine.ini
# init over an existing database or secret refuses, and changes nothing
sum=$(sha256sum sayso.db.secret)
"$A" init >out3 2>&1
ok "init over a site exits 1" test $? = 1
ok "the secret is unchanged" test "$(sha256sum sayso.db.secret)" = "$sum"
rm second.db
"$A" --db second.db init >out4 2>&1
ok "init with only a secret left exits 1" test $? = 1
ok "... and names it" grep -q 'second.db.secret already exists' out4
# a database in another folder: sayso.ini there, with an absolute path
mkdir site
"$A" --db site/s.db init >/dev/null 2>&1
ok "site/sayso.ini written" test -f site/sayso.ini
ok "with the absolute database path" grep -qx "database = $T/site/s.db" site/sayso.ini
(cd / && "$G" -c "$T/site/sayso.ini" -n >/dev/null 2>&1)
ok "usable from any folder" test $? = 0
# with a configuration given, none is written
mkdir conf
printf '[site]\ndatabase = %s/conf/c.db\n' "$T" >conf.ini
"$A" --config conf.ini init >/dev/null 2>&1
ok "init --config creates the database" test -f conf/c.db
ok "init --config writes no sayso.ini" test ! -e conf/sayso.ini

[ $fail = 0 ] && echo "admin_init: sayso.ini written once, never overwritten"
exit $fail

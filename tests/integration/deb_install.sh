#!/bin/sh
# deb_install.sh: build the Debian package (make deb, unless
# SAYSO_DEB points at one), install it on this machine with apt-get, and
# check what an organiser gets: the sayso user, /etc/sayso/sayso.ini (a
# conffile, root:sayso 0640), /var/lib/sayso (0750) with a database and a
# 0600 secret made by `sayso-admin init`, `sayso-admin check` and `doctor`,
# the man pages, valid units, the gateway started and stopped (through
# systemd when it runs, else the unit's own ExecStart line), a reinstall that
# keeps the secret, a backup run, and a purge that asks nothing and keeps the
# data. Only in the plain build and only as root; skipped otherwise. Never
# touches an existing site: skipped when /var/lib/sayso already exists.
set -u
SRC=${SAYSO_SRC:?SAYSO_SRC not set}
BUILD=${SAYSO_BUILD:?SAYSO_BUILD not set}
skip() { echo "SKIP: $*"; exit 77; }
[ -z "${SAYSO_SANITIZED:-}" ] || skip "the package test runs in the plain build only"
[ "$(id -u)" = 0 ] || skip "installing a package needs root"
command -v apt-get >/dev/null && command -v dpkg-buildpackage >/dev/null ||
	skip "not a Debian machine with dpkg-dev"
[ ! -e /var/lib/sayso ] || skip "/var/lib/sayso exists: a real site may live here"
dpkg-query -W -f='${Status}' sayso 2>/dev/null | grep -q 'ok installed' &&
	skip "the sayso package is already installed here"

T=$(mktemp -d /tmp/sayso-deb-XXXXXX)
fail=0
cleanup() {
	SAYSO_PURGE_DATA=yes DEBIAN_FRONTEND=noninteractive apt-get purge -y sayso >/dev/null 2>&1
	rm -rf /var/lib/sayso "$T"
	getent passwd sayso >/dev/null && deluser --system sayso >/dev/null 2>&1
	getent group sayso >/dev/null && delgroup --system sayso >/dev/null 2>&1
}
trap cleanup EXIT
ok() { # ok DESCRIPTION COMMAND...
	d=$1
	shift
	if ! "$@"; then
		echo "FAIL: $d"
		fail=1
	fi
}
mode() { stat -c '%a %U:%G' "$1"; }

DEB=${SAYSO_DEB:-}
if [ -z "$DEB" ]; then
	echo "building the package (make deb)"
	make -C "$SRC" deb BUILD="$T/build" >"$T/make.log" 2>&1 || {
		tail -40 "$T/make.log"
		echo "FAIL: make deb"
		exit 1
	}
	DEB=$(ls "$T"/build/deb/sayso_*.deb)
fi
echo "installing $DEB"
if command -v lintian >/dev/null; then
	ok "lintian finds no errors" lintian --fail-on error "$DEB"
fi
cp "$DEB" "$T/" && DEB=$T/$(basename "$DEB")
DEBIAN_FRONTEND=noninteractive apt-get install -y "$DEB" >"$T/apt.log" 2>&1 || {
	cat "$T/apt.log"
	echo "FAIL: apt-get install"
	exit 1
}

ok "sayso user" getent passwd sayso
ok "programs in /usr/bin" test -x /usr/bin/sayso-admin -a -x /usr/bin/sayso-kiosk -a -x /usr/bin/sayso-smsgw
ok "/var/lib/sayso is 0750 sayso:sayso" test "$(mode /var/lib/sayso)" = "750 sayso:sayso"
ok "the secret is 0600 sayso" test "$(mode /var/lib/sayso/sayso.db.secret)" = "600 sayso:sayso"
ok "sayso.ini is root:sayso 0640" test "$(mode /etc/sayso/sayso.ini)" = "640 root:sayso"
ok "sayso.ini is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' sayso | grep -q /etc/sayso/sayso.ini"
ok "no second sayso.ini beside the database" test ! -e /var/lib/sayso/sayso.ini
ok "assets in /usr/share/sayso" test -r /usr/share/sayso/strings/en.ini -a -r /usr/share/sayso/demo/projects.csv

/usr/bin/sayso-admin --db /var/lib/sayso/sayso.db check >"$T/check" 2>&1
ok "sayso-admin --db /var/lib/sayso/sayso.db check" test $? = 0
ok "check names the schema" grep -q "schema version" "$T/check"
runuser -u sayso -- /usr/bin/sayso-admin --config /etc/sayso/sayso.ini doctor >"$T/doctor" 2>&1
rc=$?
ok "doctor as the sayso user passes" test $rc = 0
ok "doctor finds the installed strings" grep -Eq "^ok +strings +/usr/share/sayso/strings" "$T/doctor"
[ $rc = 0 ] || cat "$T/doctor"

ok "man sayso-admin" sh -c "MANPAGER=cat MANWIDTH=80 man sayso-admin 2>/dev/null | grep -q 'sayso-admin'"
for p in sayso-kiosk sayso.ini sayso-smsgw; do
	ok "man $p" sh -c "man -w $p >/dev/null 2>&1"
done
if command -v systemd-analyze >/dev/null; then
	for u in sayso-smsgw.service sayso-backup.service sayso-backup.timer; do
		ok "systemd-analyze verify $u" systemd-analyze verify "/lib/systemd/system/$u"
	done
	if command -v cage >/dev/null; then
		ok "systemd-analyze verify sayso-kiosk.service" systemd-analyze verify /lib/systemd/system/sayso-kiosk.service
	fi
fi

# ---- the gateway through its unit ----
if [ -d /run/systemd/system ]; then
	ok "systemctl start sayso-smsgw" systemctl start sayso-smsgw
	ok "sayso-smsgw is active" systemctl is-active --quiet sayso-smsgw
	ok "systemctl stop sayso-smsgw" systemctl stop sayso-smsgw
else
	# No systemd (a CI container): run the unit's own command lines as its
	# user, the -n check first, then the daemon until it answers, then stop.
	unit=/lib/systemd/system/sayso-smsgw.service
	pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
	cmd=$(sed -n 's/^ExecStart=//p' "$unit")
	echo "no systemd: running '$cmd' as sayso"
	# shellcheck disable=SC2086
	ok "ExecStartPre ($pre)" runuser -u sayso -- $pre
	cd /var/lib/sayso || exit 1
	# shellcheck disable=SC2086
	# setpriv execs the daemon itself, so the SIGTERM below reaches it
	setpriv --reuid=sayso --regid=sayso --init-groups -- $cmd >"$T/gw.log" 2>&1 &
	gw=$!
	up=0
	i=0
	while [ $i -lt 100 ] && kill -0 $gw 2>/dev/null; do
		if curl -s -o /dev/null http://127.0.0.1:8088/ 2>/dev/null; then
			up=1
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	ok "the gateway answers on 127.0.0.1:8088" test $up = 1
	kill -TERM $gw 2>/dev/null
	wait $gw
	rc=$?
	ok "the gateway stops cleanly on SIGTERM (exit $rc)" test $rc = 0
	cd "$T" || exit 1
fi

# ---- the nightly backup, by its unit's command line ----
bcmd=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/sayso-backup.service)
# shellcheck disable=SC2086
ok "backup ($bcmd)" runuser -u sayso -- $bcmd
ok "a backup next to the database" sh -c 'ls /var/lib/sayso/backups/sayso-*.db >/dev/null'

# ---- reinstall keeps the secret; purge keeps the data ----
sum=$(sha256sum /var/lib/sayso/sayso.db.secret)
DEBIAN_FRONTEND=noninteractive apt-get install -y --reinstall "$DEB" >"$T/apt2.log" 2>&1
ok "reinstall" test $? = 0
ok "reinstall keeps the secret" test "$(sha256sum /var/lib/sayso/sayso.db.secret)" = "$sum"
DEBIAN_FRONTEND=noninteractive apt-get purge -y sayso </dev/null >"$T/purge.log" 2>&1
ok "purge asks nothing and succeeds" test $? = 0
ok "purge removed /etc/sayso" test ! -e /etc/sayso
ok "purge kept the database" test -e /var/lib/sayso/sayso.db
ok "purge kept the secret" test "$(sha256sum /var/lib/sayso/sayso.db.secret)" = "$sum"
ok "purge says how to remove the data" grep -q "SAYSO_PURGE_DATA=yes" "$T/purge.log"
# installing again over the kept data does not make a new secret
DEBIAN_FRONTEND=noninteractive apt-get install -y "$DEB" >"$T/apt3.log" 2>&1
ok "install over kept data" test $? = 0
ok "install over kept data keeps the secret" test "$(sha256sum /var/lib/sayso/sayso.db.secret)" = "$sum"
SAYSO_PURGE_DATA=yes DEBIAN_FRONTEND=noninteractive apt-get purge -y sayso >"$T/purge2.log" 2>&1
ok "SAYSO_PURGE_DATA=yes purge removes the data" test ! -e /var/lib/sayso

[ $fail = 0 ] && echo "deb_install: the package installs, runs and purges as documented"
exit $fail

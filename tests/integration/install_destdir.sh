#!/bin/sh
# install_destdir.sh: `cmake --install` with DESTDIR puts every file in its
# place under the staging root (programs, assets, docs, man pages, example
# config, units, the backup script), the man pages are valid mdoc, an
# installed program run outside the build tree looks for its assets in the
# configured prefix's share/sayso (and SAYSO_ASSETS still overrides it), and
# the backup script keeps the newest 14 backups.
set -u
BUILD=${SAYSO_BUILD:?SAYSO_BUILD not set}
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
T=$(mktemp -d /tmp/sayso-install-XXXXXX)
trap 'rm -rf "$T"' EXIT
unset SAYSO_CONFIG SAYSO_ASSETS SAYSO_NOW
fail=0
ok() {
	d=$1
	shift
	if ! "$@"; then
		echo "FAIL: $d"
		fail=1
	fi
}

PREFIX=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
[ -n "$PREFIX" ] || { echo "FAIL: no CMAKE_INSTALL_PREFIX in the cache"; exit 1; }
R=$T/root
DESTDIR=$R cmake --install "$BUILD" >"$T/install.log" 2>&1 || {
	cat "$T/install.log"
	echo "FAIL: cmake --install"
	exit 1
}
P=$R$PREFIX
for f in bin/sayso-admin bin/sayso-kiosk bin/sayso-smsgw; do
	ok "$f is an executable" test -x "$P/$f"
done
for f in share/sayso/strings/en.ini share/sayso/strings/pl.ini \
	share/sayso/demo/demo.ini share/sayso/demo/projects.csv \
	share/doc/sayso/README.md share/doc/sayso/admin.md \
	share/doc/sayso/deploy.md share/doc/sayso/examples/sayso.ini \
	share/man/man1/sayso-admin.1 share/man/man1/sayso-kiosk.1 \
	share/man/man5/sayso.ini.5 share/man/man8/sayso-smsgw.8 \
	lib/systemd/system/sayso-smsgw.service \
	lib/systemd/system/sayso-kiosk.service \
	lib/systemd/system/sayso-backup.service \
	lib/systemd/system/sayso-backup.timer; do
	ok "$f installed" test -f "$P/$f"
done
ok "libexec/sayso/sayso-backup is an executable" test -x "$P/libexec/sayso/sayso-backup"
ok "nothing installed outside DESTDIR's prefix" \
	sh -c "cd '$R' && [ -z \"\$(find . -type f | grep -v '^.$PREFIX/')\" ]"

# the man pages: lint clean where mandoc is, else they render
for m in "$P"/share/man/man*/*; do
	if command -v mandoc >/dev/null; then
		ok "mandoc -Tlint $(basename "$m")" mandoc -Tlint -W warning "$m"
	else
		ok "man -l $(basename "$m")" sh -c "MANPAGER=cat man -l '$m' >/dev/null 2>&1"
	fi
done
ok "man -l sayso-admin.1 names doctor" sh -c "MANPAGER=cat MANWIDTH=80 man -l '$P/share/man/man1/sayso-admin.1' 2>/dev/null | grep -q doctor"

# an installed program, outside the build tree, defaults to PREFIX/share/sayso
cd "$T" || exit 1
"$P/bin/sayso-admin" --db "$T/s.db" init >/dev/null || exit 1
"$P/bin/sayso-admin" --db "$T/s.db" doctor >"$T/doc1" 2>&1
# (staged, the files are not there yet: doctor names the folder it looked in)
ok "installed admin looks in $PREFIX/share/sayso" grep -Eq "^(ok|FAIL) +strings .*$PREFIX/share/sayso/strings" "$T/doc1"
SAYSO_ASSETS=$P/share/sayso "$P/bin/sayso-admin" --db "$T/s.db" doctor >"$T/doc2" 2>&1
ok "SAYSO_ASSETS overrides the default" grep -Eq "^ok +strings +$P/share/sayso/strings" "$T/doc2"
# and the kiosk (staged, so pointed at the staged assets) runs from there
printf 'wait 50\n' >"$T/script"
SDL_VIDEODRIVER=dummy SAYSO_ASSETS=$P/share/sayso "$P/bin/sayso-kiosk" -c "$T/sayso.ini" --windowed \
	--script "$T/script" >"$T/kiosk.log" 2>&1
ok "the installed kiosk runs a script and exits 0" test $? = 0
ok "the installed kiosk found its strings" sh -c "! grep -q 'strings: cannot read' '$T/kiosk.log'"

# sayso-backup: 16 runs keep the newest 14
for i in $(seq 1 16); do
	"$P/libexec/sayso/sayso-backup" --admin "$A" --db "$T/s.db" --keep 14 >/dev/null 2>&1 ||
		{ echo "FAIL: sayso-backup run $i"; fail=1; }
	[ $i = 1 ] && first=$(ls "$T/backups")
done
ok "14 backups kept" test "$(ls "$T/backups" | wc -l)" = 14
ok "the oldest was removed" test ! -e "$T/backups/$first"
ok "bad --keep is a usage error" sh -c "'$P/libexec/sayso/sayso-backup' --keep 0 --db '$T/s.db' 2>/dev/null; test \$? = 2"

[ $fail = 0 ] && echo "install_destdir: every file in place under $R$PREFIX"
exit $fail

#!/bin/sh
# build_seams.sh: libsaysocore and sayso-admin build on a machine that has no
# SDL, libcurl or libmicrohttpd, and the programs that need them are skipped
# with a clear CMake warning instead of failing the configure.
#
# The "machine without them" is a pkg-config directory holding only the .pc
# files of core's and admin's libraries (PKG_CONFIG_LIBDIR), so pkg-config
# cannot find the others. A fresh tree is configured and the two targets
# built in it (a debug build without optimisation: a few seconds). Also
# checks that the sayso-admin under test does not link SDL (its QR PNG is
# written with libpng), that no core or admin source includes SDL, curl
# or libmicrohttpd headers, and that this default build ignores SAYSO_NOW
# (the test clock is a test-build option).
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
S=${SAYSO_SRC:?SAYSO_SRC not set}
if [ -n "${SAYSO_SANITIZED:-}" ]; then
	echo "sanitizer build: the plain build runs this test"
	exit 77
fi
for tool in cmake pkg-config ldd; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "$tool not installed: skipping"
		exit 77
	fi
done
T=$(mktemp -d /tmp/sayso-build-seams-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0

check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if ! "$@"; then
		echo "FAIL: $d"
		fail=1
	fi
}

# The linked admin under test.
libs=$(ldd "$A")
check "sayso-admin does not link SDL" \
	sh -c "! printf '%s\n' \"\$1\" | grep -qi sdl" sh "$libs"
check "sayso-admin links libpng" \
	sh -c "printf '%s\n' \"\$1\" | grep -q libpng" sh "$libs"

# Sources: core and admin include none of the programs' libraries.
bad=$(grep -rlE '#include *[<"](SDL|curl/|microhttpd)' "$S/core" "$S/admin")
check "no core/admin source includes SDL, curl or libmicrohttpd ($bad)" \
	test -z "$bad"

# A pkg-config directory with core's and admin's libraries only.
mkdir "$T/pc"
for m in sqlite3 libpq libcrypto inih jansson libqrencode libpng cmocka; do
	dir=$(pkg-config --variable=pcfiledir $m 2>/dev/null) || continue
	ln -s "$dir/$m.pc" "$T/pc/$m.pc"
	# and what they require in turn (libpng -> libpng16, zlib, ...)
	for r in $(pkg-config --print-requires --print-requires-private $m |
		awk '{ print $1 }'); do
		rd=$(pkg-config --variable=pcfiledir $r 2>/dev/null) || continue
		ln -sf "$rd/$r.pc" "$T/pc/$r.pc"
	done
done
for m in sdl2 libcurl libmicrohttpd; do
	check "$m is hidden from the configure" \
		sh -c "! PKG_CONFIG_LIBDIR='$T/pc' pkg-config --exists $m"
done

PKG_CONFIG_LIBDIR="$T/pc" cmake -S "$S" -B "$T/b" -DCMAKE_BUILD_TYPE=Debug \
	>"$T/cfg.out" 2>"$T/cfg.err"
rc=$?
check "configure succeeds without SDL, curl and libmicrohttpd (rc $rc)" \
	test $rc -eq 0
[ $rc -eq 0 ] || cat "$T/cfg.err"
check "configure warns that the kiosk is skipped" \
	grep -q "SAYSO_BUILD_KIOSK: sdl2" "$T/cfg.err"
check "configure warns that the SMS gateway is skipped" \
	grep -q "SAYSO_BUILD_SMSGW: libcurl, libmicrohttpd" "$T/cfg.err"
check "configure does not warn about admin" \
	sh -c "! grep -q SAYSO_BUILD_ADMIN '$T/cfg.err'"

if [ $rc -eq 0 ]; then
	cmake --build "$T/b" -j2 --target saysocore sayso-admin \
		>"$T/build.out" 2>&1
	rc=$?
	check "saysocore and sayso-admin build (rc $rc)" test $rc -eq 0
	[ $rc -eq 0 ] || tail -30 "$T/build.out"
	check "no kiosk or smsgw target was configured" \
		sh -c "! cmake --build '$T/b' --target help | grep -qE 'sayso-(kiosk|smsgw)'"
	if [ -x "$T/b/admin/sayso-admin" ]; then
		out=$("$T/b/admin/sayso-admin" --version)
		check "the built sayso-admin runs ($out)" \
			sh -c "printf '%s' \"\$1\" | grep -q '^sayso-admin '" sh "$out"
		check "the built sayso-admin links no SDL, curl or libmicrohttpd" \
			sh -c "! ldd '$T/b/admin/sayso-admin' | grep -qiE 'sdl|curl|microhttpd'"
		# The default build (SAYSO_TEST_CLOCK off) ignores SAYSO_NOW.
		check "the default build is not a test build ($out)" \
			sh -c "! printf '%s' \"\$1\" | grep -q 'test build'" sh "$out"
		SAYSO_NOW=2001-02-03T04:05:06Z "$T/b/admin/sayso-admin" \
			--db "$T/clock.db" init >/dev/null 2>&1
		at=$(sqlite3 "$T/clock.db" "SELECT min(at) FROM audit" 2>&1)
		check "the default build ignores SAYSO_NOW (audit at $at)" \
			sh -c "case '$at' in 20[2-9][0-9]-*) exit 0;; *) exit 1;; esac"
	fi
fi

[ $fail -eq 0 ] && echo "build seams: ok"
exit $fail

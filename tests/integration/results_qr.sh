#!/bin/sh
# results_qr.sh: `sayso-admin qr` writes codes that scan back to the text.
#
# Every PNG is decoded with zbarimg (zbar-tools) and must give the URL
# exactly; the SVG is rasterised (ImageMagick, when present) and decoded too;
# the ANSI half blocks are turned back into a bitmap from the characters
# printed and decoded, so the terminal drawing is checked as well. Without
# zbarimg the test is skipped (77).
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
if ! command -v zbarimg >/dev/null 2>&1; then
	echo "zbarimg (zbar-tools) not installed: skipping"
	exit 77
fi
T=$(mktemp -d /tmp/sayso-results-qr-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG
export LC_ALL=C
fail=0

check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if ! "$@"; then
		echo "FAIL: $d"
		fail=1
	fi
}

decode() { zbarimg -q --raw "$1" 2>/dev/null; }

# ansi_to_pbm: the half-block drawing on stdin -> a plain PBM (4 px per
# module) on stdout. Full block = both halves dark, upper/lower half = one.
ansi_to_pbm() {
	sed '$d' | # the last line repeats the URL in text
		sed 's/\x1b\[[0-9;]*m//g; s/\xe2\x96\x88/F/g; s/\xe2\x96\x80/T/g; s/\xe2\x96\x84/B/g; s/ /S/g' |
		awk 'BEGIN { n = 0 }
		{ top[n] = ""; bot[n] = "";
		  for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1);
			t = (c == "F" || c == "T") ? "1" : "0";
			b = (c == "F" || c == "B") ? "1" : "0";
			top[n] = top[n] t; bot[n] = bot[n] b;
		  }
		  w = length($0); n++ }
		END {
			s = 4;
			printf "P1\n%d %d\n", w * s, n * 2 * s;
			for (r = 0; r < n; r++)
				for (h = 0; h < 2; h++) {
					row = h ? bot[r] : top[r];
					line = "";
					for (i = 1; i <= w; i++)
						for (k = 0; k < s; k++)
							line = line substr(row, i, 1) " ";
					for (k = 0; k < s; k++)
						print line;
				}
		}'
}

LONG="https://example.org/results/a-very-long-path/$(printf '%0200d' 0)?site=hub1&round=PARK2026"
n=0
for url in "https://example.org/r" \
	"https://example.org/results?site=hub1" \
	"HTTPS://EXAMPLE.ORG/RESULTS" \
	"$LONG" \
	"sms:+447700900123?body=RESULTS"; do
	n=$((n + 1))
	"$A" qr "$url" --png "q$n.png" >/dev/null 2>"err$n.txt"
	check "qr --png exits 0 for $url" test $? -eq 0
	check "q$n.png decodes to the URL" test "$(decode "q$n.png")" = "$url"
	# Prints well: at least 1000 px across and whole pixels per module.
	w=$(od -An -tu1 -j16 -N4 "q$n.png" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	check "q$n.png is large enough to print ($w px)" test "$w" -ge 1000

	"$A" qr "$url" --svg "q$n.svg" >/dev/null
	check "qr --svg exits 0" test $? -eq 0
	if command -v xmllint >/dev/null 2>&1; then
		check "q$n.svg is well-formed XML" xmllint --noout "q$n.svg"
	fi
	if command -v convert >/dev/null 2>&1 &&
		convert -density 300 "q$n.svg" "q$n-svg.png" 2>/dev/null; then
		check "q$n.svg decodes to the URL" test "$(decode "q$n-svg.png")" = "$url"
	fi

	"$A" qr "$url" --ansi >"q$n.ansi"
	check "qr --ansi exits 0" test $? -eq 0
	check "the ANSI drawing ends with the URL" test "$(tail -n 1 "q$n.ansi")" = "$url"
	ansi_to_pbm <"q$n.ansi" >"q$n-ansi.pbm"
	check "the ANSI drawing decodes to the URL" test "$(decode "q$n-ansi.pbm")" = "$url"
done

# Default output is the terminal drawing.
"$A" qr "https://example.org/r" >default.ansi
check "no option draws in the terminal" cmp -s default.ansi q1.ansi

# Quiet zone of 4 modules: the SVG's first dark run starts at (4, 4) (the
# top-left finder, 7 modules wide) ...
check "quiet zone in the SVG" grep -q 'd="M4 4h7v1h-7z' q1.svg
# ... and the PNG's first 4 module rows are white, the next is not.
png_rows() { # png_rows FILE FIRST COUNT: distinct byte values of those rows
	convert "$1" ppm:- 2>/dev/null >"$1.ppm" || return 1
	hdr=$(head -n 3 "$1.ppm" | wc -c)
	wpx=$(sed -n 2p "$1.ppm" | cut -d' ' -f1)
	tail -c +$((hdr + 1 + $2 * wpx * 3)) "$1.ppm" | head -c $(($3 * wpx * 3)) |
		od -An -v -tu1 | tr -s ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' '
}
if command -v convert >/dev/null 2>&1 && png_rows q1.png 0 1 >/dev/null; then
	# "https://example.org/r" is version 2: 25 modules + 2 x 4 quiet.
	mods=33
	side=$(sed -n 2p q1.png.ppm | cut -d' ' -f1)
	scale=$((side / mods))
	check "PNG side is whole modules ($side px)" test $((side % mods)) -eq 0
	check "first 4 module rows of the PNG are white" \
		test "$(png_rows q1.png 0 $((4 * scale)))" = "255 "
	check "the 5th module row has dark pixels" \
		test "$(png_rows q1.png $((4 * scale)) 1)" = "0 255 "
fi

# Errors.
"$A" qr "https://example.org/r" --png a.png --svg a.svg >/dev/null 2>err.txt
check "two outputs is a usage error" test $? -eq 2
check "and says so" grep -q 'choose one of' err.txt
"$A" qr >/dev/null 2>err.txt
check "no URL is a usage error" test $? -eq 2
"$A" qr "https://example.org/$(printf '%01100d' 0)" --png big.png >/dev/null 2>err.txt
check "over 1024 bytes is an error" test $? -eq 1
check "too long is explained" grep -q 'too long' err.txt
check "nothing written when too long" test ! -e big.png
"$A" qr "https://example.org/r" --png /nonexistent-dir/q.png >/dev/null 2>err.txt
check "unwritable path is an error" test $? -eq 1
check "the error names the file" grep -q '/nonexistent-dir/q.png' err.txt

exit $fail

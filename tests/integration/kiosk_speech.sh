#!/bin/sh
# kiosk_speech.sh: speech mode under SDL's disk audio driver. Listen (the
# button) speaks the start screen; the vote screen is spoken when it opens;
# a mobile number typed there (keypad taps, keys and typed text) is spoken
# only as "digit entered", never read back, and its refusal is spoken; F1
# turns speech off; Cancel ends the visit and speech mode with it; moving
# the focus speaks the item; the idle countdown is spoken; speech = on
# speaks every visit from its first touch. Checks the PCM
# the driver wrote (real audio, not silence) and the utterances the kiosk
# logs for tests (SAYSO_KIOSK_SPEECH_LOG: language, samples, text).
. "$SAYSO_SRC/tests/integration/kiosk_common.inc"
pkg-config --exists espeak-ng 2>/dev/null || { echo "built without espeak-ng"; exit 77; }
write_config "speech = button"

export SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$T/audio.raw"
export SAYSO_KIOSK_SPEECH_LOG="$T/speech.log"
# Keypad keys (vote screen): 0 at (1439,801), 7 at (1221,627).
# Listen is the top tool at the right edge (x 1776..1912, y 160..360).
run_kiosk '
tap 1840 260
wait 2500
shot listening
key 3
wait 2500
shot vote_id
tap 1439 801
key 7
text 5
key 3
tap 1221 627
text 8
key 1
key 4
key 6
wait 1500
shot typed
key Return
wait 1500
shot refused
key F1
wait 800
shot speech_off
key F1
wait 800
key Escape
wait 300
key 1
wait 1500
shot after_visit
'
expect "exit status" "$RC" 0
L="$T/speech.log"
[ -s "$L" ] || fail "no utterance logged"
cat "$L"

# The start screen, then the vote screen, each with real samples.
grep -q "Speech is on. Touch anything to hear it. Have your say" "$L" ||
	fail "Listen did not speak the start screen"
grep -q "	Who is voting? Type your mobile number" "$L" ||
	fail "the vote screen was not spoken when it opened"
awk -F '\t' '/Have your say|Who is voting/ && $2 < 10000 { bad = 1 } END { exit bad }' "$L" ||
	fail "an utterance produced (almost) no audio"
expect "voice" "$(cut -f1 "$L" | sort -u | tr '\n' ' ')" "en "

# Nine characters typed: each asks for "digit entered" (the latest request
# wins, so quick keys may share one), and no digit is ever spoken.
n=$(grep -c '	digit entered$' "$L" || true)
echo "'digit entered' spoken $n times for 9 characters"
[ "$n" -ge 1 ] && [ "$n" -le 9 ] || fail "'digit entered' spoken $n times"
# (notices may hold digits of their own: "like 07700 900982")
if cut -f3 "$L" | grep -q -e '^[0-9 ]*$' -e 5378 -e 78146 -e '7 5 3'; then
	fail "a typed digit was read out"
fi
# The refusal of that number is said when it appears.
grep -q "Enter a UK mobile number" "$L" || fail "the notice was not spoken"
grep -q "	Speech is off.$" "$L" || fail "F1 did not turn speech off"
# Cancel ended the visit: the rating screen after it is not spoken.
grep -q "How do you feel about living" "$L" && fail "speech mode outlived the visit"

# The disk driver wrote what was played: mono 16-bit at 22050 Hz, with
# speech in it (not only the silence between).
[ -s "$T/audio.raw" ] || fail "no audio written"
loud=$(od -An -v -td2 -w2 "$T/audio.raw" | awk '$1 > 2000 || $1 < -2000 { n++ } END { print n + 0 }')
echo "samples above the noise floor: $loud"
[ "$loud" -gt 5000 ] || fail "the audio written is (nearly) silent"
for s in listening vote_id typed refused speech_off after_visit; do shot_exists $s; done

# Moving the focus speaks the item. The idle countdown is spoken in speech
# mode: the notice, then the last seconds.
write_config "speech = button" "idle_seconds = 5" "idle_countdown = 12"
: > "$L"
run_kiosk '
key F1
key 1
wait 1500
key Tab
wait 19000
shot idle_wiped
'
expect "exit status (idle)" "$RC" 0
cat "$L"
grep -q "	Very unhappy$" "$L" || fail "moving the focus did not speak the item"
grep -q "	Are you still there? Everything you typed will be cleared in 12 seconds" "$L" ||
	fail "the idle notice was not spoken"
grep -q "	in [1-4] seconds\{0,1\}$" "$L" || fail "the countdown was not spoken"
grep -q "	in \(1[01]\|[5-9]\) seconds$" "$L" && fail "the countdown cut the notice short"
grep -q "idle: session wiped" "$T/out.log" || fail "no idle wipe"

# speech = on: every visit speaks from its first touch, without Listen;
# nothing is said to an empty room at start-up.
write_config "speech = on"
: > "$L"
run_kiosk '
wait 1500
key 1
wait 1500
key Escape
wait 800
key 2
wait 1500
'
expect "exit status (speech = on)" "$RC" 0
cat "$L"
grep -q "Have your say" "$L" && fail "speech = on spoke to an empty room"
grep -q "	How do you feel about living in Poets Streets?" "$L" ||
	fail "speech = on: the first screen of the visit was not spoken"
grep -q "	What is the problem?" "$L" ||
	fail "speech = on: the next visit was not spoken"
echo PASS

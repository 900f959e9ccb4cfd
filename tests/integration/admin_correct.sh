#!/bin/sh
# admin_correct.sh: corrections with an audit trail, through the real
# sayso-admin. round edit and project edit/withdraw work on drafts and are
# refused once a round opens (withdraw with --force lists the ballots it
# touches); ballot list and ballot void (the one-vote rule re-applied, a
# wrongly typed code freed); ballot import of a paper batch is all or
# nothing with FILE:LINE errors (30 February, the future, a bad number), and
# --verify lists every line two typists disagree on and imports nothing.
# Every correction is in the audit table with the actor and the reason.
# engines: sqlite pg (the site database from db.inc)
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
T=$(mktemp -d /tmp/sayso-admin-correct-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site c.db
unset SAYSO_CONFIG SAYSO_ACTOR
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}
run() { # run WANT_RC ARGS...: output (stdout and stderr) in $T/out
	want=$1
	shift
	"$A" --db "$DB" --secret "$SECRET" --actor bob "$@" >"$T/out" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] || { bad "$* exited $rc, want $want:"; cat "$T/out"; }
}
has() { grep -q -- "$1" "$T/out" || { bad "expected '$1' in:"; cat "$T/out"; }; }
q() { db_sql "$1"; }
audited() { # audited ACTION REASON
	[ "$(q "SELECT count(*) FROM audit WHERE action = '$1' AND actor = 'admin:bob' AND detail LIKE '%why: $2'")" = 1 ] ||
		bad "no audit row for $1 with actor and reason '$2'"
}

run 0 init
run 0 round create p --title "Parks" --budget 1000
run 0 project add p --title Swings --cost 100
run 0 project add p --title Trees --cost 200
run 0 project add p --title CCTV --cost 300

# drafts can be corrected
run 2 round edit p --title "Parks 2026"
has "--why is required"
run 0 round edit p --title "Parks 2026" --identity code --max-picks 2 \
	--why "agreed at the 3 Nov meeting"
audited round.edit "agreed at the 3 Nov meeting"
run 0 round show p
has "^title     Parks 2026$"
has "^identity  code$"
run 1 round edit p --opens 2026-02-30 --why typo
has "February 2026 has 28 days, not 30"
run 0 round edit p --identity any --why "phones too"
run 0 project edit p 2 --title "Street trees" --cost 250 --why "quote"
has "edited project 2 of p: Street trees"
audited project.edit quote
run 1 project edit p 9 --title X --why y
has "no project 9"
run 0 project withdraw p 3 --why "police fund it"
audited project.withdraw "police fund it"
run 0 project add p --title CCTV2 --cost 300

# once open, the rules and projects are locked
run 0 round open p
run 1 round edit p --title Other --why late
has "round p is open; its settings can be changed only while it is a draft"
run 1 project edit p 1 --title Other --why late
has "only while it is a draft"
run 1 project add p --title Late --cost 1

# a paper batch: errors first, all or nothing
printf 'code\nPAPR2222\nPAPR3333\nPAPR4444\n' >codes.csv
run 0 codes import p codes.csv
cat >bad.csv <<'CSV'
code_or_phone,projects,cast_at
07700900001,1,2026-02-30 10:00
0161 496 0000,1,2026-11-20 10:00
07700900002,1;x,2026-11-20 10:00
PAPR2222,2,2099-01-01 10:00
CSV
run 1 ballot import p bad.csv
has "bad.csv:2: cast_at: February 2026 has 28 days, not 30"
has "bad.csv:3: code_or_phone: that looks like a landline"
has "bad.csv:4: projects: "
has "bad.csv:5: cast_at: is in the future"
has "4 bad lines; nothing imported"
[ "$(q "SELECT count(*) FROM ballots")" = 0 ] || bad "a bad batch stored ballots"

cat >a.csv <<'CSV'
code_or_phone,projects,cast_at
07700900001,"1,2",2026-11-20 10:00
papr-2222,2,2026-11-20 10:05
PAPR3333,4,2026-11-20 10:06
07700 900001,1,2026-11-20 10:07
CSV
cat >b.csv <<'CSV'
code_or_phone,projects,cast_at
+447700900001,"1,2",2026-11-20T10:00:00Z
PAPR2222,1,2026-11-20 10:05
PAPR3333,4,2026-11-20 10:06
CSV
run 1 ballot import p a.csv --verify b.csv
has "ballot 2: a.csv:3 has 'papr-2222,2,2026-11-20 10:05'; b.csv:3 has 'PAPR2222,1,2026-11-20 10:05'"
has "ballot 4: a.csv:5 has '07700 900001,1,2026-11-20 10:07'; b.csv:0 has nothing"
has "disagree on 2 ballots; nothing imported"
[ "$(q "SELECT count(*) FROM ballots")" = 0 ] || bad "a disagreeing batch stored ballots"
cp a.csv b2.csv
sed -i 's/^07700900001,/+44 7700 900001,/' b2.csv
run 0 ballot import p a.csv --verify b2.csv
has "a.csv:4: invalid: unknown project 4"
has "a.csv:5: already voted: already voted on"
has "imported 4 paper ballots into p: 2 accepted, 1 already voted, 1 invalid"
[ "$(q "SELECT cast_at FROM ballots ORDER BY id LIMIT 1")" = 2026-11-20T10:00:00.000Z ] ||
	bad "cast_at is not the time on the paper"

# list and void
run 0 ballot list p
has "^4 ballots$"
run 0 ballot list p --resident "07700 900001"
has "^2 ballots$"
first=$(q "SELECT uid FROM ballots WHERE status = 'counted' ORDER BY id LIMIT 1")
run 0 ballot void "$first" --why "signature does not match"
has "voided ballot $first in p (was counted); another ballot of the resident now counts"
audited ballot.void "signature does not match"
[ "$(q "SELECT status FROM ballots WHERE id = 4")" = counted ] ||
	bad "the resident's later ballot does not count after the void"
run 1 ballot void "$first" --why again
has "is already void"
# a code typed by mistake: voiding its ballot frees the code
code_ballot=$(q "SELECT id FROM ballots WHERE status = 'counted' AND channel = 'paper' ORDER BY id DESC LIMIT 1 OFFSET 1")
run 0 ballot void "$code_ballot" --why "typed the wrong code"
has "its voter code may vote again"
run 0 ballot add p --code PAPR2222 --projects 1
has "^accepted: "
run 1 ballot void 9999 --why x
has "no ballot 9999"

# withdrawing from an open round needs --force and names the ballots
# (3: two counted and the voided one)
run 1 project withdraw p 1 --why "site sold"
has "takes it off 3 ballots already cast (give --force to do it)"
run 0 project withdraw p 1 --why "site sold" --force
has "3 ballots chose it"
has "keeps its other picks"
audited project.withdraw "site sold"
run 0 round close p
run 1 project withdraw p 2 --why late --force
has "round p is closed"
[ "$fail" -eq 0 ] && echo PASS
exit "$fail"

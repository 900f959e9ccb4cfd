#!/bin/sh
# admin_project_lang.sh: project titles and descriptions in the residents'
# languages: `project add --title-pl/--description-pl` (any shipped code),
# CSV import columns title_LANG / description_LANG, all or nothing, and
# shown by `project list --format json`; an
# unknown language is a usage error (2) or an import error (1) that stores
# nothing.
# engines: sqlite pg (the site database from db.inc)
set -u
A=${SAYSO_ADMIN:?SAYSO_ADMIN not set}
T=$(mktemp -d /tmp/sayso-projlang-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAYSO_CONFIG
fail=0
. "${SAYSO_SRC:?SAYSO_SRC not set}/tests/integration/db.inc"
db_site "$T/t.db"
q() { db_sql "$1"; }
expect() {
	[ "$2" = "$3" ] || { echo "FAIL: $1: got '$2', want '$3'"; fail=1; }
}

"$A" --db "$DB" --secret "$SECRET" init >/dev/null || exit 1
"$A" --db "$DB" --secret "$SECRET" round create R1 --title Grants --budget 10000 >/dev/null || exit 1

"$A" --db "$DB" --secret "$SECRET" project add R1 --title Bench --cost 500 \
	--title-pl "Ławka" --description-pl "Ławka przy przystanku" \
	--title-ur "بینچ" >/dev/null
expect "add with translations" "$?" 0
expect "pl" "$(q "SELECT title||'|'||description FROM project_texts WHERE lang='pl'")" \
	"Ławka|Ławka przy przystanku"
expect "ur" "$(q "SELECT title||'|'||coalesce(description,'-') FROM project_texts WHERE lang='ur'")" \
	"بینچ|-"
expect "audited" "$(q "SELECT count(*) FROM audit WHERE action='project.text'")" 2

"$A" --db "$DB" --secret "$SECRET" project add R1 --title X --cost 5 --title-fr Y 2>"$T/err" >/dev/null
expect "--title-fr" "$?" 2
grep -q "unknown option --title-fr" "$T/err" || { echo "FAIL: --title-fr message"; fail=1; }
expect "nothing added" "$(q 'SELECT count(*) FROM projects')" 1

printf 'number,title,cost,description,title_pl,description_ar,title_cy\n,Planters,300,Planters on Keats St,Donice,أحواض زهور,\n,Bulbs,50,,,,Bylbiau\n' >p.csv
"$A" --db "$DB" --secret "$SECRET" project import R1 p.csv >/dev/null
expect "import" "$?" 0
expect "imported texts" "$(q "SELECT t.lang||'='||coalesce(t.title,'-')||'/'||coalesce(t.description,'-') FROM project_texts t JOIN projects p ON p.id=t.project_id WHERE p.number > 1 ORDER BY p.number, t.lang" | paste -sd ' ')" \
	"ar=-/أحواض زهور pl=Donice/- cy=Bylbiau/-"

printf 'number,title,cost,title_xx\n,A,1,B\n' >bad.csv
"$A" --db "$DB" --secret "$SECRET" project import R1 bad.csv 2>"$T/err" >/dev/null
expect "title_xx" "$?" 1
grep -q "column 'title_xx'" "$T/err" || { echo "FAIL: title_xx message"; cat "$T/err"; fail=1; }
printf 'number,title,cost,title_pl\n,A,1,B\n,C,2\n' >bad2.csv
"$A" --db "$DB" --secret "$SECRET" project import R1 bad2.csv 2>"$T/err" >/dev/null
expect "short row" "$?" 1
expect "all or nothing" "$(q 'SELECT count(*) FROM projects')" 3
# project list --format json shows them (null: the original is shown)
"$A" --db "$DB" --secret "$SECRET" project list R1 --format json >"$T/list.json"
expect "json translations" "$(python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
print(json.dumps([p["translations"] for p in d], ensure_ascii=False, sort_keys=True))' "$T/list.json")" \
	'[{"pl": {"description": "Ławka przy przystanku", "title": "Ławka"}, "ur": {"description": null, "title": "بینچ"}}, {"ar": {"description": "أحواض زهور", "title": null}, "pl": {"description": null, "title": "Donice"}}, {"cy": {"description": null, "title": "Bylbiau"}}]'
[ "$fail" = 0 ] && echo PASS
exit "$fail"

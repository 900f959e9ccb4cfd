/*
 * cmdtab.c: the one command table of sayso-admin. Each command is
 * implemented in its own cmd_<noun>.c file; cli.c finds a command here by
 * the longest run of words that matches, and --help lists the table in this
 * order. The names, usages and flags are a contract (docs/admin.md,
 * docs/results.md, the tests): change them only with the docs.
 */
#include <stddef.h>

#include "admin.h"
#include "html.h"

const struct admin_cmd admin_cmds[] = {
    {"init", "", "create the database and the site secret (never overwrites)",
     admin_cmd_init},
    {"round create",
     "CODE --title T --budget N [--currency GBP] [--ballot approval|knapsack] "
     "[--min-picks K] [--max-picks K] [--revote first|last] [--opens T] "
     "[--closes T] [--identity phone|code|phone+sms|any]",
     "create a participatory-budgeting round (state draft)",
     admin_cmd_round_create},
    {"round edit",
     "CODE [--title T] [--budget N] [--currency C] [--ballot B] "
     "[--min-picks K] [--max-picks K] [--revote R] [--opens T] [--closes T] "
     "[--identity I] --why T",
     "change a draft round's settings (locked once it opens; audited)",
     admin_cmd_round_edit},
    {"round list", "[--format table|csv|json]", "list the rounds",
     admin_cmd_round_list},
    {"round show", "CODE [--format table|csv|json]",
     "show a round's settings and ballot counts", admin_cmd_round_show},
    {"round open", "CODE", "open a round for voting", admin_cmd_round_open},
    {"round close", "CODE", "close a round", admin_cmd_round_close},
    {"project add",
     "CODE --title T --cost N [--desc D] [--number K] [--title-LANG T] "
     "[--description-LANG D]",
     "add a project to a round", admin_cmd_project_add},
    {"project list", "CODE [--format table|csv|json]",
     "list a round's projects", admin_cmd_project_list},
    {"project import", "CODE FILE.csv",
     "add projects from CSV (number,title,cost,description; title_LANG, "
     "description_LANG); all or nothing",
     admin_cmd_project_import},
    {"project edit", "CODE NUMBER [--title T] [--cost N] [--desc D] --why T",
     "correct a project of a draft round (audited)", admin_cmd_project_edit},
    {"project withdraw", "CODE NUMBER --why T [--force]",
     "take a project out (drafts; an open round needs --force and lists "
     "the ballots it touches)",
     admin_cmd_project_withdraw},
    {"ballot add",
     "CODE (--phone NUM | --code VOTERCODE) --projects 1,4,7 "
     "[--channel paper]",
     "enter a paper ballot (same rules as kiosk and SMS)",
     admin_cmd_ballot_add},
    {"ballot import", "CODE FILE.csv [--verify FILE2.csv] [--channel paper]",
     "enter a batch of paper ballots (code_or_phone,projects,cast_at); all "
     "or nothing; --verify compares two typists' files",
     admin_cmd_ballot_import},
    {"ballot list",
     "CODE [--resident PHONE|VOTERCODE] [--format table|csv|json]",
     "list a round's stored ballots with status and reason",
     admin_cmd_ballot_list},
    {"ballot void", "ID --why T",
     "void a ballot (kept as rejected; the one-vote rule re-applied; "
     "audited)",
     admin_cmd_ballot_void},
    {"codes generate", "CODE --count N [--out codes.csv]",
     "make printable one-time voter codes", admin_cmd_codes_generate},
    {"codes import", "CODE FILE.csv [--test]",
     "record voter codes printed elsewhere (CSV with a 'code' column); all "
     "or nothing",
     admin_cmd_codes_import},
    {"codes void", "CODE VOTERCODE --why T",
     "cancel an unused voter code (audited)", admin_cmd_codes_void},
    {"codes list",
     "CODE [--status issued|used|void|test] [--format "
     "table|csv|json]",
     "list a round's voter codes (hashes, never the codes)",
     admin_cmd_codes_list},
    {"tally", "CODE [--rule greedy|mes|approval] [--format table|csv|json]",
     "count a round: approval votes, greedy or Method of Equal Shares",
     admin_cmd_tally},
    {"import pb", "FILE [--code CODE]",
     "import a pabulib .pb election as a (closed) round", admin_cmd_import_pb},
    {"export pb", "CODE [--out FILE] [--rule greedy|mes|approval]",
     "write a round as a pabulib .pb file", admin_cmd_export_pb},
    {"kiosk enrol", "ID --out FILE",
     "make an offline kiosk's own database and device key",
     admin_cmd_kiosk_enrol},
    {"merge", "[--dry-run] KIOSK.db ...",
     "verify and bring in what enrolled offline kiosks recorded "
     "(idempotent)",
     admin_cmd_merge},
    {"merge held", "[--all]",
     "ballots a merge held because a kiosk's clock cannot be trusted",
     admin_cmd_merge_held_list},
    {"merge accept", "(ID | --all | --device D)",
     "count held ballots (cast at the merge time)",
     admin_cmd_merge_held_accept},
    {"merge reject", "(ID | --all | --device D) [--why T]",
     "keep held ballots as rejected", admin_cmd_merge_held_reject},
    {"voters report",
     "CODE [--electorate N] [--event EVENT] [--format table|csv|json]",
     "ballots per channel, superseded, rejected and turnout; --event: "
     "those cast inside the event",
     admin_cmd_voters_report},
    {"erase", "(--phone NUM | --code C)",
     "GDPR erasure: remove a resident's link (tallies unchanged)",
     admin_cmd_erase},
    {"backup", "FILE", "copy the database (SQLite online backup)",
     admin_cmd_backup},
    {"check", "", "integrity check, schema version and counts",
     admin_cmd_check},
    {"migrate", "--to DATABASE [--to-secret PATH]",
     "copy the site into an empty database of the other engine (SQLite "
     "<-> PostgreSQL), counts and checksums checked",
     admin_cmd_migrate},
    /* results pages, QR codes, ratings and reported problems */
    {"results", "CODE --out DIR [--url URL] [--rule greedy|mes|approval]",
     "write a round's results page (index.html, results.json, "
     "results.csv, QR code)",
     admin_cmd_results},
    {"qr", "URL [--png FILE | --svg FILE | --ansi]",
     "make a QR code (error correction M) for a link", admin_cmd_qr},
    {"event create",
     "CODE --title T --from TIME --to TIME [--device ID ...] "
     "[--channel sms ...] [--place TEXT]",
     "create an event (a fun day): a time window and the kiosks/channels "
     "it collects from",
     admin_cmd_event_create},
    {"event list", "[--since D] [--until D] [--format table|csv|json]",
     "list events with their window, state and sources", admin_cmd_event_list},
    {"event show", "CODE [--format table|csv|json]",
     "an event's figures: ratings (share positive, interval), reports, "
     "ballots",
     admin_cmd_event_show},
    {"event close", "CODE", "close an event: its figures are final",
     admin_cmd_event_close},
    {"summary",
     "--since D [--until D] --out DIR [--rule greedy|mes|approval] "
     "[--format table|csv|json]",
     "the partnership summary page: events, walkabouts, reports, PB "
     "winners (index.html, summary.json, summary.csv)",
     admin_cmd_summary},
    {"ratings summary",
     "[--since D] [--until D] [--event CODE] [--device ID] "
     "[--channel C] [--by day|hour|channel|device] "
     "[--format table|csv|json] [--html DIR] [--include-flagged]",
     "how residents feel: faces, share positive with its 95% interval, "
     "follow-up answers",
     admin_cmd_ratings_summary},
    {"reports list",
     "[--status S] [--category C] [--street S] [--partner CODE] [--since D] "
     "[--until D] [--format table|csv|json|open311]",
     "list reported problems (open311: GeoReport v2 requests JSON)",
     admin_cmd_reports_list},
    {"reports set", "ID STATUS [--note TEXT]",
     "change a report's status (open, in_progress, resolved, rejected)",
     admin_cmd_reports_set},
    {"reports summary",
     "[--since D] [--until D] [--event CODE | --walkabouts | --walkabout "
     "CODE] [--format table|csv|json]",
     "reports by category and street, resolution rate, median days to "
     "resolve; --event: the event's reports, too-few groups marked; "
     "--walkabouts: walkabout issues observed resolved, with the 95% "
     "interval",
     admin_cmd_reports_summary},
    {"report assign", "REF (--partner CODE | --not-ours) [--note T]",
     "change the partner responsible for a report or walk issue (kept "
     "with history)",
     admin_cmd_report_assign},
    {"report duplicate", "REF (--of REF2 | --split)",
     "confirm that an issue duplicates another, or split a likely "
     "duplicate off",
     admin_cmd_report_duplicate},
    {"report history", "REF [--format table|csv|json]",
     "who has been responsible for a report or walk issue, and since when",
     admin_cmd_report_history},
    {"reports duplicates", "[--all] [--format table|csv|json]",
     "likely duplicates awaiting a decision (--all: confirmed ones too)",
     admin_cmd_reports_duplicates},
    {"report",
     "--out DIR [--since D] [--until D] [--round CODE] "
     "[--rule greedy|mes|approval]",
     "one partner summary page: feedback, problems and PB results",
     admin_cmd_report},
    /* walkabouts and partners (issue 14) */
    {"walkabout start", "CODE --date D --by NAME[,NAME] [--streets S[,S...]]",
     "start a walkabout: the day, who walks and the streets in order",
     admin_cmd_walkabout_start},
    {"walkabout list", "[--format table|csv|json]",
     "list the walkabouts with their issues and re-inspections",
     admin_cmd_walkabout_list},
    {"walkabout show", "CODE [--format table|csv|json]",
     "a walkabout's issues and the open ones from earlier walkabouts to "
     "re-check",
     admin_cmd_walkabout_show},
    {"walkabout log",
     "CODE --street S --category C [--grade A|B|C|D] [--note T] "
     "[--by NAME] [--at TIME] [--format table|json]",
     "log an issue seen on a walkabout; prints its reference",
     admin_cmd_walkabout_log},
    {"walkabout check",
     "CODE --issue REF --observed resolved|not-resolved|gone-worse "
     "[--note T] [--by NAME] [--at TIME]",
     "record a re-inspection of an earlier issue on a later walkabout",
     admin_cmd_walkabout_check},
    {"walkabout issues",
     "[--walkabout CODE] [--street S] [--category C] [--partner CODE] "
     "[--open] [--format table|csv|json]",
     "list walkabout issues and where they stand", admin_cmd_walkabout_issues},
    {"partner add", "CODE --name N", "add a partner organisation",
     admin_cmd_partner_add},
    {"partner list", "[--format table|csv|json]",
     "list the partners and the routing rules", admin_cmd_partner_list},
    {"partner route", "CODE --category C [--street S]",
     "route a category (or '*'), optionally on one street, to a partner "
     "(most specific rule wins)",
     admin_cmd_partner_route},
    {"partner issues", "CODE [--open] [--format table|csv|json] [--out DIR]",
     "one partner's own list: residents' reports and walkabout issues "
     "(--out: index.html, issues.csv, issues.json)",
     admin_cmd_partner_issues},
    {"doctor", "", "check a site and say what to fix", admin_cmd_doctor},
    {NULL, NULL, NULL, NULL},
};

/*
 * cmdtab_results.c: the results/qr/ratings/reports commands of sayso-admin.
 *
 * The table is joined with admin_core_cmds by cli.c; each command is
 * implemented in its own cmd_<noun>.c file. Names, usages and flags are a
 * contract (docs/results.md, tests/integration/results_*.sh).
 */
#include <stddef.h>
#include "admin.h"
#include "html.h"

const struct admin_cmd admin_results_cmds[] = {
    {"results", "CODE --out DIR [--url URL] [--rule greedy|mes|approval]",
     "write a round's results page (index.html, results.json, "
     "results.csv, QR code)",
     admin_cmd_results},
    {"qr", "URL [--png FILE | --svg FILE | --ansi]",
     "make a QR code (error correction M) for a link", admin_cmd_qr},
    {"ratings summary",
     "[--since D] [--until D] [--by day|hour|channel|device] "
     "[--format table|csv|json] [--html DIR] [--include-flagged]",
     "how residents feel: faces, share positive with its 95% interval, "
     "follow-up answers",
     admin_cmd_ratings_summary},
    {"reports list",
     "[--status S] [--category C] [--street S] [--since D] [--until D] "
     "[--format table|csv|json|open311]",
     "list reported problems (open311: GeoReport v2 requests JSON)",
     admin_cmd_reports_list},
    {"reports set", "ID STATUS [--note TEXT]",
     "change a report's status (open, in_progress, resolved, rejected)",
     admin_cmd_reports_set},
    {"reports summary", "[--since D] [--until D] [--format table|csv|json]",
     "reports by category and street, resolution rate, median days to "
     "resolve",
     admin_cmd_reports_summary},
    {"report",
     "--out DIR [--since D] [--until D] [--round CODE] "
     "[--rule greedy|mes|approval]",
     "one partner summary page: feedback, problems and PB results",
     admin_cmd_report},
    {NULL, NULL, NULL, NULL},
};

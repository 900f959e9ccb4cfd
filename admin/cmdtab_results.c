/*
 * cmdtab_results.c: the results/qr/ratings/reports commands of sayso-admin.
 *
 * The table is joined with admin_core_cmds by the admin helper's cmdtab.c;
 * each command is implemented in its own cmd_<noun>.c file.
 */
#include <stddef.h>
#include "admin.h"

const struct admin_cmd admin_results_cmds[] = {
	{NULL, NULL, NULL, NULL},
};

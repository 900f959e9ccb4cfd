/*
 * reason.c: the codes core refuses with, their strings keys, argument names
 * and core's English wording (one table, so the three cannot drift apart;
 * the sentences with arguments are written out in sayso_refusal_english).
 */
#include <stdio.h>
#include <string.h>

#include "sayso/limits.h"
#include "sayso/reason.h"
#include "sayso/utf8.h"

struct reason_row {
	const char *key;
	const char *english; /* without the arguments */
	const char *arg[SAYSO_REFUSAL_ARGS];
};

static const struct reason_row rows[SAYSO_REASON_COUNT] = {
    [SAYSO_REASON_NONE] = {"", "", {NULL, NULL}},
    [SAYSO_REASON_PHONE_EMPTY] = {"phone_empty", "no number given", {0}},
    [SAYSO_REASON_PHONE_CHARS] = {"phone_chars",
				  "a phone number can only have digits, "
				  "spaces and a leading +",
				  {0}},
    [SAYSO_REASON_PHONE_TOO_LONG] = {"phone_too_long",
				     "that number is too long",
				     {0}},
    [SAYSO_REASON_PHONE_PLUS] = {"phone_plus",
				 "a + can only come at the start of a number",
				 {0}},
    [SAYSO_REASON_PHONE_NOT_UK] = {"phone_not_uk",
				   "only UK mobile numbers (+44 7...) can be "
				   "used",
				   {0}},
    [SAYSO_REASON_PHONE_NOT_MOBILE] = {"phone_not_mobile",
				       "that does not look like a UK mobile "
				       "number",
				       {0}},
    [SAYSO_REASON_PHONE_LANDLINE] = {"phone_landline",
				     "that looks like a landline; please use "
				     "a mobile number",
				     {0}},
    [SAYSO_REASON_PHONE_TOO_SHORT] = {"phone_too_short",
				      "that number is too short for a UK "
				      "mobile",
				      {0}},
    [SAYSO_REASON_PHONE_LONG_UK] = {"phone_long_uk",
				    "that number is too long for a UK mobile",
				    {0}},
    [SAYSO_REASON_PHONE_PERSONAL] = {"phone_personal",
				     "070 numbers are personal numbers, not "
				     "mobiles",
				     {0}},
    [SAYSO_REASON_PHONE_PAGER] = {"phone_pager",
				  "076 numbers are pagers, not mobiles",
				  {0}},
    [SAYSO_REASON_CODE_CHARS] = {"code_chars",
				 "a voter code has only letters and numbers",
				 {0}},
    [SAYSO_REASON_CODE_TOO_LONG] = {"code_too_long",
				    "that voter code is too long",
				    {0}},
    [SAYSO_REASON_CODE_EMPTY] = {"code_empty", "no voter code given", {0}},
    [SAYSO_REASON_CODE_TOO_SHORT] = {"code_too_short",
				     "that voter code is too short",
				     {0}},
    [SAYSO_REASON_NOT_STARTED] = {"not_started",
				  "voting has not started yet",
				  {0}},
    [SAYSO_REASON_CLOSED] = {"closed", "voting has closed", {0}},
    [SAYSO_REASON_NO_PICKS] = {"no_picks", "no projects chosen", {0}},
    [SAYSO_REASON_TOO_MANY_PICKS] = {"too_many_picks", "too many picks", {0}},
    [SAYSO_REASON_UNKNOWN_PROJECT] = {"unknown_project",
				      "unknown project",
				      {"project", NULL}},
    [SAYSO_REASON_PROJECT_TWICE] = {"project_twice",
				    "project chosen twice",
				    {"project", NULL}},
    [SAYSO_REASON_NO_POINTS] = {"no_points",
				"this ballot takes no points",
				{0}},
    [SAYSO_REASON_POINTS_MIN] = {"points_min",
				 "points must be at least 1",
				 {0}},
    [SAYSO_REASON_POINTS_MAX] = {"points_max",
				 "too many points for a project",
				 {"project", "max"}},
    [SAYSO_REASON_TOO_FEW_PICKS] = {"too_few_picks",
				    "too few picks",
				    {"min", NULL}},
    [SAYSO_REASON_MAX_PICKS] = {"max_picks", "too many picks", {"max", NULL}},
    [SAYSO_REASON_POINTS_SUM] = {"points_sum",
				 "too many points",
				 {"max", NULL}},
    [SAYSO_REASON_OVER_BUDGET] = {"over_budget",
				  "over budget",
				  {"amount", NULL}},
    [SAYSO_REASON_PICKS_FORMAT] = {"picks_format",
				   "project numbers are whole numbers "
				   "separated by commas",
				   {0}},
    [SAYSO_REASON_PICKS_RANGE] = {"picks_range",
				  "project numbers run "
				  "from " SAYSO_PROJECT_NUMBER_RANGE,
				  {"first", "last"}},
    [SAYSO_REASON_PICKS_TOO_MANY] = {"picks_too_many",
				     "too many project numbers",
				     {0}},
    [SAYSO_REASON_PICKS_EMPTY] = {"picks_empty",
				  "no project numbers given",
				  {0}},
    [SAYSO_REASON_PHONE_ROUND] = {"phone_round",
				  "this vote takes phone numbers, not voter "
				  "codes",
				  {0}},
    [SAYSO_REASON_CODE_VOID] = {"code_void",
				"this voter code has been cancelled",
				{0}},
    [SAYSO_REASON_CODE_USED] = {"code_used",
				"this voter code has already been used",
				{0}},
    [SAYSO_REASON_CODE_OTHER_ROUND] = {"code_other_round",
				       "this is not a voter code for this "
				       "round",
				       {0}},
    [SAYSO_REASON_CODES_ONLY] = {"codes_only",
				 "this vote takes voter codes only",
				 {0}},
    [SAYSO_REASON_PHONE_UNPROVEN] = {"phone_unproven",
				     "this vote takes phone numbers proven "
				     "by a text message",
				     {0}},
};

static const struct reason_row *row(enum sayso_reason code)
{
	if ((int)code < 0 || code >= SAYSO_REASON_COUNT)
		return &rows[SAYSO_REASON_NONE];
	return &rows[code];
}

const char *sayso_reason_key(enum sayso_reason code)
{
	return row(code)->key;
}

const char *sayso_reason_arg(enum sayso_reason code, size_t i)
{
	return i < SAYSO_REFUSAL_ARGS ? row(code)->arg[i] : NULL;
}

const char *sayso_reason_english(enum sayso_reason code)
{
	return row(code)->english;
}

void sayso_refusal_english(const struct sayso_refusal *r, char *out,
			   size_t outsz)
{
	if (!outsz)
		return;
	if (!r) {
		out[0] = '\0';
		return;
	}
	char buf[256];
	const long *a = r->arg;
	enum sayso_reason c = r->code;
	if (c == SAYSO_REASON_UNKNOWN_PROJECT)
		snprintf(buf, sizeof buf, "unknown project %ld", a[0]);
	else if (c == SAYSO_REASON_PROJECT_TWICE)
		snprintf(buf, sizeof buf, "project %ld chosen twice", a[0]);
	else if (c == SAYSO_REASON_POINTS_MAX)
		snprintf(buf, sizeof buf,
			 "too many points for project %ld: max %ld", a[0],
			 a[1]);
	else if (c == SAYSO_REASON_TOO_FEW_PICKS)
		snprintf(buf, sizeof buf, "too few picks: choose at least %ld",
			 a[0]);
	else if (c == SAYSO_REASON_MAX_PICKS)
		snprintf(buf, sizeof buf, "too many picks: max %ld", a[0]);
	else if (c == SAYSO_REASON_POINTS_SUM)
		snprintf(buf, sizeof buf, "too many points: max %ld in all",
			 a[0]);
	else if (c == SAYSO_REASON_OVER_BUDGET)
		snprintf(buf, sizeof buf, "over budget by %s", r->amount);
	else
		snprintf(buf, sizeof buf, "%s", sayso_reason_english(c));
	sayso_strlcpy_utf8(out, buf, outsz);
}

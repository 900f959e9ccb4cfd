/*
 * test_smsparse.c: the SMS grammar against a table of real-looking texts.
 *
 * Each row is one text as a resident (or a broken phone, or a gateway that
 * mangles bytes) might send it, with the command it must parse to. Rows with
 * an explicit length carry NUL bytes. Generated inputs (1,000-character
 * bodies, 7,000-byte bodies, random junk) follow the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "sayso/smsparse.h"

#define F_KW 0x01    /* keyword_only */
#define F_FUZZY 0x02 /* fuzzy_keyword */
#define F_LOOK 0x04  /* lookalike */
#define F_BAD 0x08   /* invalid_utf8 */
#define F_TRUNC 0x10 /* truncated */

struct pcase {
	const char *msg;
	size_t len; /* 0: strlen(msg) */
	enum sayso_sms_kind kind;
	enum sayso_sms_problem problem;
	int score;
	const char *round; /* expected round code ("" when NULL) */
	int picks[8];
	size_t npicks;
	const char *text;  /* expected cmd->text; NULL: not checked */
	unsigned flags;	   /* exactly these flags */
	const char *token; /* expected cmd->token; NULL: not checked */
};

#define K(k) SAYSO_SMS_##k
#define P(p) SAYSO_SMSP_##p

/* Shorthands for the common shapes. */
#define VOTE(m, n, ...)                                                        \
	{                                                                      \
		m, 0, K(VOTE), P(NONE), 0, NULL, {__VA_ARGS__}, n, "", 0, NULL \
	}
#define RATE(m, s)                                                             \
	{                                                                      \
		m, 0, K(RATE), P(NONE), s, NULL, {0}, 0, "", 0, NULL           \
	}
#define RATEC(m, s, t)                                                         \
	{                                                                      \
		m, 0, K(RATE), P(NONE), s, NULL, {0}, 0, t, 0, NULL            \
	}
#define VOTEN(m, len) /* a vote for 3 and 7 in len bytes (0: strlen) */        \
	{                                                                      \
		m, len, K(VOTE), P(NONE), 0, NULL, {3, 7}, 2, "", 0, NULL      \
	}
#define KIND(m, k, f)                                                          \
	{                                                                      \
		m, 0, K(k), P(NONE), 0, NULL, {0}, 0, "", f, NULL              \
	}
#define UNKNOWN(m, t)                                                          \
	{                                                                      \
		m, 0, K(UNKNOWN), P(NONE), 0, NULL, {0}, 0, t, 0, NULL         \
	}
#define REPORT(m, t)                                                           \
	{                                                                      \
		m, 0, K(REPORT), P(NONE), 0, NULL, {0}, 0, t, 0, NULL          \
	}

static const struct pcase cases[] = {
    /* VOTE: the forms from the issue */
    VOTE("VOTE 3 7 12", 3, 3, 7, 12),
    VOTE("V 3,7", 2, 3, 7),
    VOTE("vote3 7", 2, 3, 7),
    VOTE("Vote: 3, 7 and 12", 3, 3, 7, 12),
    VOTE("#vote 3.7", 2, 3, 7),
    VOTE("  VOTE   3    7  ", 2, 3, 7),
    VOTE("Vote 3 7 12.", 3, 3, 7, 12),
    VOTE("Hi, vote 3 and 7 please x", 2, 3, 7),
    VOTE("vote three and seven", 2, 3, 7),
    VOTE("VOTE #3 #7", 2, 3, 7),
    VOTE("Vote no. 3 and no. 7", 2, 3, 7),
    VOTE("VOTE 007", 1, 7),
    VOTE("VOTE 3 7 \xF0\x9F\x91\x8D", 2, 3, 7), /* thumbs */
    VOTE("VOTE 3\xEF\xBC\x8C"
	 "7",
	 2, 3, 7), /* fullwidth , */
    VOTE("VOTED 3", 1, 3),
    VOTE("Vote for 3", 1, 3),
    VOTE("V3", 1, 3),
    VOTE("vote 0", 1, 0),
    VOTE("VOTE 3&7+12", 3, 3, 7, 12),
    VOTE("Vote 3 / 7 / 12 thanks!", 3, 3, 7, 12),
    VOTE("\xEF\xBB\xBFVOTE 3 7", 2, 3, 7), /* BOM */
    VOTE("VOTE\xC2\xA0"
	 "3\xC2\xA0"
	 "7",
	 2, 3, 7), /* NBSP */
    VOTE("Vote 3 7\r\n", 2, 3, 7),
    VOTE("Pleidlais 4 9", 2, 4, 9), /* Welsh */
    VOTE("vote\xE2\x80\x8B"
	 "3 5",
	 2, 3, 5), /* ZWSP */
    {"VOTE PB26 3 7", 0, K(VOTE), P(NONE), 0, "PB26", {3, 7}, 2, "", 0, NULL},
    {"vote elm-2026 4",
     0,
     K(VOTE),
     P(NONE),
     0,
     "elm-2026",
     {4},
     1,
     "",
     0,
     NULL},
    {"Vite 3 7", 0, K(VOTE), P(NONE), 0, NULL, {3, 7}, 2, "", F_FUZZY, NULL},
    {"vore 5", 0, K(VOTE), P(NONE), 0, NULL, {5}, 1, "", F_FUZZY, NULL},
    {"VOTE 1O 12", 0, K(VOTE), P(NONE), 0, NULL, {10, 12}, 2, "", F_LOOK, NULL},
    {"vote l2 4", 0, K(VOTE), P(NONE), 0, NULL, {12, 4}, 2, "", F_LOOK, NULL},
    /* VOTE problems */
    {"VOTE", 0, K(VOTE), P(NO_NUMBERS), 0, NULL, {0}, 0, "", F_KW & 0, NULL},
    /* a code without a ballot is not a code */
    {"VOTE PB26", 0, K(VOTE), P(NO_NUMBERS), 0, NULL, {0}, 0, "", 0, NULL},
    {"vote for the park",
     0,
     K(VOTE),
     P(NO_NUMBERS),
     0,
     NULL,
     {0},
     0,
     "",
     0,
     NULL},
    {"vote 1st 3", 0, K(VOTE), P(UNREADABLE), 0, NULL, {3}, 1, "", 0, "1st"},
    VOTE("I vote 3 and 7", 2, 3, 7),
    /* digits of other scripts and full-width forms */
    VOTE("VOTE \xD9\xA3 \xD9\xA7", 2, 3, 7),	     /* Arabic */
    VOTE("Vote \xDB\xB1\xDB\xB2", 1, 12),	     /* Persian */
    VOTE("vote \xE0\xA9\xA9 \xE0\xA9\xAD", 2, 3, 7), /* Gurmukhi */
    VOTE("VOTE \xEF\xBC\x93 \xEF\xBC\x97", 2, 3, 7), /* full-width */
    VOTE("vote \xE0\xA7\xA9 \xE0\xA7\xAD", 2, 3, 7), /* Bengali */
    VOTE("vote \xE0\xAB\xA9\xD8\x8C 7", 2, 3, 7),    /* Gujarati, */
    VOTE("\xEF\xBC\xB6\xEF\xBC\xAF\xEF\xBC\xB4\xEF\xBC\xA5 3 7", 2, 3, 7),
    {"vote pb26 3 7", 0, K(VOTE), P(NONE), 0, "pb26", {3, 7}, 2, "", 0, NULL},
    {"VOTE 2026 3", 0, K(VOTE), P(TOO_LARGE), 0, NULL, {3}, 1, "", 0, NULL},
    VOTE("my vote is 3 and 7", 2, 3, 7),
    {"Vote 1234", 0, K(VOTE), P(TOO_LARGE), 0, NULL, {0}, 0, "", 0, NULL},
    {"VOTE 3 3 7",
     0,
     K(VOTE),
     P(DUPLICATE),
     0,
     NULL,
     {3, 3, 7},
     3,
     "",
     0,
     NULL},
    {"VOTE O", 0, K(VOTE), P(AMBIGUOUS), 0, NULL, {0}, 0, "", 0, "O"},
    {"VOTE 3 I 7", 0, K(VOTE), P(AMBIGUOUS), 0, NULL, {3, 7}, 2, "", 0, "I"},
    {"VOTE 3-7", 0, K(VOTE), P(AMBIGUOUS), 0, NULL, {0}, 0, "", 0, "3-7"},
    {"VOTE 3 bananas",
     0,
     K(VOTE),
     P(UNREADABLE),
     0,
     NULL,
     {3},
     1,
     "",
     0,
     "bananas"},
    {"vote 3 7 because the park needs it",
     0,
     K(VOTE),
     P(UNREADABLE),
     0,
     NULL,
     {3, 7},
     2,
     "",
     0,
     "because"},
    {"VOTE 3 \xC5\xB5yn",
     0,
     K(VOTE),
     P(UNREADABLE),
     0,
     NULL,
     {3},
     1,
     "",
     0,
     "\xC5\xB5yn"},
    {"VOTE 3 7\xFF", 0, K(VOTE), P(NONE), 0, NULL, {3, 7}, 2, "", F_BAD, NULL},
    /* not votes */
    UNKNOWN("v", "v"),
    UNKNOWN("V for Vendetta", "V for Vendetta"),
    UNKNOWN("vite me up", "vite me up"),
    UNKNOWN("3 7", "3 7"),
    UNKNOWN("7", "7"),
    UNKNOWN("vite PB26 3", "vite PB26 3"),
    /* a word that starts like a keyword but is not ASCII all through */
    UNKNOWN("v\xC4\x99 3 7", "v\xC4\x99 3 7"),
    UNKNOWN("stop\xC4\x99", "stop\xC4\x99"),
    /* RATE */
    RATE("RATE 4", 4),
    RATE("rate: 5", 5),
    RATE("Rate 4/5", 4),
    RATE("rate4", 4),
    RATE("RATE four", 4),
    RATE("Rating 2", 2),
    RATE("rate it 4", 4),
    RATE("I rate the area a 4", 4),
    RATE("4", 4),
    RATE("5!", 5),
    RATE(" 1. ", 1),
    RATE("4/5", 4),
    RATE("\xE0\xA7\xAA", 4),	  /* Bengali 4 */
    RATE("rate \xE0\xA5\xAA", 4), /* Devanagari 4 */
    RATE("4 out of 5", 4),
    RATE("5 stars", 5),
    RATE("\xF0\x9F\x98\x80", 5),	 /* grinning */
    RATE("\xF0\x9F\x99\x82", 4),	 /* slight smile */
    RATE("\xF0\x9F\x98\x8A", 4),	 /* smiling eyes */
    RATE("\xF0\x9F\x98\x90", 3),	 /* neutral */
    RATE("\xE2\x98\xB9\xEF\xB8\x8F", 2), /* frowning + VS16 */
    RATE("\xF0\x9F\x99\x81", 2),	 /* slight frown */
    RATE("\xF0\x9F\x98\x9E", 2),	 /* disappointed */
    RATE("\xF0\x9F\x98\xA1\xF0\x9F\x98\xA1\xF0\x9F\x98\xA1", 1), /* pout */
    RATE("\xF0\x9F\x98\xA0", 1),				 /* angry */
    RATE("\xF0\x9F\xA5\xB0", 5),			  /* hearts face */
    RATE("\xF0\x9F\x98\x8D \xE2\x9D\xA4\xEF\xB8\x8F", 5), /* + heart */
    RATE("RATE \xF0\x9F\x98\x8D", 5),
    RATE("4 \xF0\x9F\x99\x82", 4),
    RATE(":)", 4),
    RATE(":-(", 2),
    RATE(":D", 5),
    RATE(">:(", 1),
    RATE(":|", 3),
    RATE(":'(", 1),
    RATE("=)", 4),
    RATE(";(", 2),
    RATE("\xF0\x9F\xA4\xA9", 5), /* star-struck */
    RATE("\xF0\x9F\x98\x91", 3), /* expressionless */
    RATE("\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90", 4), /* stars */
    {"RATE 7", 0, K(RATE), P(BAD_RATING), 0, NULL, {0}, 0, "", 0, "7"},
    /* a score and the resident's own words: the comment is cmd->text */
    RATEC("RATE 5 love the new park", 5, "love the new park"),
    RATEC("RATE 5 \xE2\x9C\x93 caf\xC3\xA9", 5, "\xE2\x9C\x93 caf\xC3\xA9"),
    RATEC("rate 4/5 nice but noisy", 4, "nice but noisy"),
    RATEC("rate it 3, the bins are never emptied", 3,
	  "the bins are never emptied"),
    {"RATE 7 love it", 0, K(RATE), P(BAD_RATING), 0, NULL, {0}, 0, "", 0, NULL},
    {"rate 4 5", 0, K(RATE), P(BAD_RATING), 0, NULL, {0}, 0, "", 0, NULL},
    /* a NUL or any control separates digits: never project 37 */
    VOTEN("VOTE 3\0"
	  "7",
	  8),
    VOTEN("VOTE 3\x01"
	  "7",
	  0),
    VOTEN("VOTE 3\x7F"
	  "7",
	  0),
    {"rate 3.5", 0, K(RATE), P(BAD_RATING), 0, NULL, {0}, 0, "", 0, "3.5"},
    {"RATE", 0, K(RATE), P(NO_RATING), 0, NULL, {0}, 0, "", 0, ""},
    {"rate \xF0\x9F\x91\x8D",
     0,
     K(RATE),
     P(BAD_RATING),
     0,
     NULL,
     {0},
     0,
     "",
     0,
     "\xF0\x9F\x91\x8D"},
    UNKNOWN("\xF0\x9F\x91\x8D", "\xF0\x9F\x91\x8D"), /* thumbs up */
    UNKNOWN("\xF0\x9F\x98\x80\xF0\x9F\x98\xA1",
	    "\xF0\x9F\x98\x80\xF0\x9F\x98\xA1"),	 /* faces disagree */
    UNKNOWN("4 \xF0\x9F\x98\xA1", "4 \xF0\x9F\x98\xA1"), /* disagree */
    UNKNOWN("0", "0"),
    UNKNOWN("8/10", "8/10"),
    /* REPORT */
    REPORT("REPORT broken street light on Elm Street",
	   "broken street light on Elm Street"),
    REPORT("Fix: fly-tipping behind the Co-op, Ffordd \xC5\xB4yn",
	   "fly-tipping behind the Co-op, Ffordd \xC5\xB4yn"),
    REPORT("issue - graffiti on the bridge", "graffiti on the bridge"),
    REPORT("report\n\nRubbish\tin   alley", "Rubbish in alley"),
    REPORT("Hi, REPORT dumped mattress on Brook Lane",
	   "dumped mattress on Brook Lane"),
    REPORT("REPORT Mae sbwriel ar Heol y Bont, \xC5\xB5 \xC5\xB7",
	   "Mae sbwriel ar Heol y Bont, \xC5\xB5 \xC5\xB7"),
    REPORT("REPORT dziura w jezdni, ul. \xC5\xB9r\xC3\xB3"
	   "dlana "
	   "\xE2\x80\x93 prosz\xC4\x99 naprawi\xC4\x87",
	   "dziura w jezdni, ul. \xC5\xB9r\xC3\xB3"
	   "dlana "
	   "\xE2\x80\x93 prosz\xC4\x99 naprawi\xC4\x87"),
    REPORT("#report damp and mould in flat 4 \xF0\x9F\x98\xA1",
	   "damp and mould in flat 4 \xF0\x9F\x98\xA1"),
    {"REPORT", 0, K(REPORT), P(NO_TEXT), 0, NULL, {0}, 0, "", 0, NULL},
    {"fix: ", 0, K(REPORT), P(NO_TEXT), 0, NULL, {0}, 0, "", 0, NULL},
    UNKNOWN("Zg\xC5\x82"
	    "aszam: dziura w jezdni na ulicy "
	    "\xC5\x81\xC4\x85kowej",
	    "Zg\xC5\x82"
	    "aszam: dziura w jezdni na ulicy "
	    "\xC5\x81\xC4\x85kowej"),
    UNKNOWN("zg\xC5\x82"
	    "o\xC5\x9B\xC4\x87 \xC4\x85\xC4\x99\xC5\x82\xC5"
	    "\x84\xC3\xB3\xC5\x9B\xC5\xBA\xC5\xBC",
	    "zg\xC5\x82"
	    "o\xC5\x9B\xC4\x87 \xC4\x85\xC4\x99\xC5\x82\xC5"
	    "\x84\xC3\xB3\xC5\x9B\xC5\xBA\xC5\xBC"),
    REPORT("Problem: bins not collected", "bins not collected"),
    REPORT("Report: bins not collected", "bins not collected"),
    UNKNOWN("Great park, thanks!", "Great park, thanks!"),
    UNKNOWN("The new benches", "The new benches"),
    /* PROJECTS, RESULTS, HELP */
    KIND("PROJECTS", PROJECTS, 0),
    KIND("list", PROJECTS, 0),
    KIND("Projects?", PROJECTS, 0),
    KIND("list projects", PROJECTS, 0),
    KIND("Send me the list of projects please", PROJECTS, 0),
    {"PROJECTS PB26", 0, K(PROJECTS), P(NONE), 0, "PB26", {0}, 0, "", 0, NULL},
    {"list elm-2026",
     0,
     K(PROJECTS),
     P(NONE),
     0,
     "elm-2026",
     {0},
     0,
     "",
     0,
     NULL},
    {"Results PB26", 0, K(RESULTS), P(NONE), 0, "PB26", {0}, 0, "", 0, NULL},
    UNKNOWN("list 2026", "list 2026"),
    UNKNOWN("list broken lights on Elm Street",
	    "list broken lights on Elm Street"),
    KIND("RESULTS", RESULTS, 0),
    KIND("results?", RESULTS, 0),
    KIND("Who won?", RESULTS, 0),
    KIND("HELP", HELP, F_KW),
    KIND("info", HELP, F_KW),
    KIND("?", HELP, 0),
    KIND("help me please", HELP, 0),
    KIND("HELP vote", HELP, 0),
    KIND("menu", HELP, 0),
    UNKNOWN("help there is a rat in the bins",
	    "help there is a rat in the bins"),
    UNKNOWN("I give it a 4", "I give it a 4"),
    /* STOP family */
    KIND("STOP", STOP, F_KW),
    KIND("stop.", STOP, F_KW),
    KIND("Stop!!! \xF0\x9F\x9B\x91", STOP, F_KW),
    KIND("STOPALL", STOP, F_KW),
    KIND("Unsubscribe", STOP, F_KW),
    KIND("cancel", STOP, F_KW),
    KIND("END", STOP, F_KW),
    KIND("quit", STOP, F_KW),
    KIND("Revoke", STOP, F_KW),
    KIND("OPTOUT", STOP, F_KW),
    KIND("opt out", STOP, 0),
    KIND("Opt-out", STOP, 0),
    KIND("Stop texting me please", STOP, 0),
    KIND("please stop", STOP, 0),
    KIND("STOP STOP STOP", STOP, 0),
    UNKNOWN("End of my road is flooded", "End of my road is flooded"),
    UNKNOWN("Stop the fly tippers", "Stop the fly tippers"),
    UNKNOWN("cancel my vote", "cancel my vote"),
    /* START family */
    KIND("START", START, F_KW),
    KIND("yes", START, F_KW),
    KIND("Unstop", START, F_KW),
    KIND("Yes please", START, 0),
    /* NUL bytes with an explicit length: NUL separates, never merges */
    {"ST\0OP", 5, K(UNKNOWN), P(NONE), 0, NULL, {0}, 0, "ST OP", 0, NULL},
    {"VOTE 3\0"
     "7",
     8,
     K(VOTE),
     P(NONE),
     0,
     NULL,
     {3, 7},
     2,
     "",
     0,
     NULL},
    {"STOP\0\0\0", 7, K(STOP), P(NONE), 0, NULL, {0}, 0, "", F_KW, NULL},
    /* empty and invisible */
    KIND("", EMPTY, 0),
    KIND("   \t\n  ", EMPTY, 0),
    {"\0\0\0", 3, K(EMPTY), P(NONE), 0, NULL, {0}, 0, "", 0, NULL},
    KIND("\xE2\x80\x8B\xEF\xBB\xBF", EMPTY, 0),
    /* binary junk and invalid UTF-8 */
    {"\xFF\xFE\x00\x01garbage\x80",
     12,
     K(UNKNOWN),
     P(NONE),
     0,
     NULL,
     {0},
     0,
     "\xEF\xBF\xBD\xEF\xBF\xBD garbage\xEF\xBF\xBD",
     F_BAD,
     NULL},
    {"\xC0\xAF",
     0,
     K(UNKNOWN),
     P(NONE),
     0,
     NULL,
     {0},
     0,
     "\xEF\xBF\xBD\xEF\xBF\xBD",
     F_BAD,
     NULL},
    {"\xED\xA0\x80",
     0,
     K(UNKNOWN),
     P(NONE),
     0,
     NULL,
     {0},
     0,
     "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD",
     F_BAD,
     NULL},
    {"RATE 4\xE2\x82", 0, K(RATE), P(NONE), 4, NULL, {0}, 0, "", F_BAD, NULL},
};

static void check_case(const struct pcase *c, size_t idx)
{
	struct sayso_sms_cmd cmd;
	size_t len = c->len ? c->len : strlen(c->msg), i;
	unsigned flags = 0;
	char where[96];

	snprintf(where, sizeof(where), "case %zu", idx);
	assert_int_equal(sayso_smsparse_parse(c->msg, len, &cmd), SAYSO_OK);
	if (cmd.kind != c->kind || cmd.problem != c->problem ||
	    cmd.score != c->score)
		fail_msg(
		    "%s \"%s\": kind %s problem %d score %d, want %s %d %d",
		    where, c->msg, sayso_smsparse_kind_name(cmd.kind),
		    (int)cmd.problem, cmd.score,
		    sayso_smsparse_kind_name(c->kind), (int)c->problem,
		    c->score);
	assert_string_equal(cmd.round_code, c->round ? c->round : "");
	if (cmd.npicks != c->npicks)
		fail_msg("%s \"%s\": %zu picks, want %zu", where, c->msg,
			 cmd.npicks, c->npicks);
	for (i = 0; i < c->npicks; i++)
		if (cmd.picks[i] != c->picks[i])
			fail_msg("%s \"%s\": pick %zu is %d, want %d", where,
				 c->msg, i, cmd.picks[i], c->picks[i]);
	if (c->text != NULL && strcmp(cmd.text, c->text) != 0)
		fail_msg("%s \"%s\": text \"%s\", want \"%s\"", where, c->msg,
			 cmd.text, c->text);
	if (c->token != NULL && strcmp(cmd.token, c->token) != 0)
		fail_msg("%s \"%s\": token \"%s\", want \"%s\"", where, c->msg,
			 cmd.token, c->token);
	flags |= cmd.keyword_only ? F_KW : 0;
	flags |= cmd.fuzzy_keyword ? F_FUZZY : 0;
	flags |= cmd.lookalike ? F_LOOK : 0;
	flags |= cmd.invalid_utf8 ? F_BAD : 0;
	flags |= cmd.truncated ? F_TRUNC : 0;
	if (flags != c->flags)
		fail_msg("%s \"%s\": flags %#x, want %#x", where, c->msg, flags,
			 c->flags);
}

static void test_table(void **state)
{
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	(void)state;
	assert_true(n >= 60);
	for (i = 0; i < n; i++)
		check_case(&cases[i], i);
	print_message("%zu texts parsed as expected\n", n);
}

/* Whether s is valid UTF-8 with no control characters. */
static int clean_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, k;
	unsigned long c;

	while (s[i] != '\0') {
		c = s[i];
		if (c < 0x20 || c == 0x7F)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 4;
		else
			return 0;
		c &= (n == 2) ? 0x1F : (n == 3) ? 0x0F : 0x07;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
		    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ||
		    (c >= 0x80 && c <= 0x9F))
			return 0;
		i += n;
	}
	return 1;
}

static void test_long_bodies(void **state)
{
	struct sayso_sms_cmd cmd;
	char *buf;
	size_t i;

	(void)state;
	buf = malloc(8000);
	assert_non_null(buf);

	/* A 1,000-character report is kept whole. */
	memcpy(buf, "REPORT ", 7);
	for (i = 0; i < 1000; i++)
		buf[7 + i] = (char)('a' + i % 26);
	assert_int_equal(sayso_smsparse_parse(buf, 1007, &cmd), SAYSO_OK);
	assert_int_equal(cmd.kind, SAYSO_SMS_REPORT);
	assert_int_equal(strlen(cmd.text), 1000);
	assert_false(cmd.truncated);
	assert_memory_equal(cmd.text, buf + 7, 1000);

	/* 1,000 Polish letters (2 bytes each) fit; the body is 2,007 bytes
	 * of input, so the kept text stops at 1,600 bytes on a boundary. */
	for (i = 0; i < 1000; i++) {
		buf[7 + 2 * i] = '\xC5';
		buf[8 + 2 * i] = '\xBC'; /* z with dot */
	}
	assert_int_equal(sayso_smsparse_parse(buf, 2007, &cmd), SAYSO_OK);
	assert_int_equal(cmd.kind, SAYSO_SMS_REPORT);
	assert_true(cmd.truncated);
	assert_true(strlen(cmd.body) <= SAYSO_SMSPARSE_TEXT_MAX);
	assert_true(clean_utf8(cmd.text));
	assert_true(clean_utf8(cmd.body));
	assert_int_equal(strlen(cmd.text) % 2, 0);

	/* 1,000 emoji (4,000 bytes): a follow-up answer, kept to 400. */
	for (i = 0; i < 1000; i++)
		memcpy(buf + 4 * i, "\xF0\x9F\x8C\xB3", 4); /* tree */
	assert_int_equal(sayso_smsparse_parse(buf, 4000, &cmd), SAYSO_OK);
	assert_int_equal(cmd.kind, SAYSO_SMS_UNKNOWN);
	assert_int_equal(strlen(cmd.text), 1600);
	assert_true(cmd.truncated);
	assert_true(clean_utf8(cmd.text));

	/* 7,000 bytes: only the first 6,400 are read; a vote at the start
	 * still counts. */
	memset(buf, ' ', 7000);
	memcpy(buf, "VOTE 4 5", 8);
	assert_int_equal(sayso_smsparse_parse(buf, 7000, &cmd), SAYSO_OK);
	assert_int_equal(cmd.kind, SAYSO_SMS_VOTE);
	assert_int_equal(cmd.npicks, 2);
	assert_true(cmd.truncated);

	/* 1,000 numbers: TOO_MANY, the first 32 kept, all counted. */
	{
		size_t w = 0;

		w += (size_t)snprintf(buf + w, 8000 - w, "VOTE");
		for (i = 1; i <= 1000 && w < 7900; i++)
			w += (size_t)snprintf(buf + w, 8000 - w, " %zu",
					      i % 999 + 1);
		assert_int_equal(sayso_smsparse_parse(buf, w, &cmd), SAYSO_OK);
		assert_int_equal(cmd.kind, SAYSO_SMS_VOTE);
		assert_int_equal(cmd.problem, SAYSO_SMSP_TOO_MANY);
		assert_int_equal(cmd.npicks, SAYSO_SMSPARSE_PICKS_MAX);
		assert_true(cmd.nseen > SAYSO_SMSPARSE_PICKS_MAX);
		assert_int_equal(cmd.picks[0], 2);
		assert_true(cmd.truncated); /* 1,600-byte body */
	}

	/* A 300-digit number does not overflow. */
	memcpy(buf, "VOTE ", 5);
	memset(buf + 5, '9', 300);
	assert_int_equal(sayso_smsparse_parse(buf, 305, &cmd), SAYSO_OK);
	assert_int_equal(cmd.problem, SAYSO_SMSP_TOO_LARGE);
	assert_int_equal(cmd.bad_number, -1);
	free(buf);
}

static void test_too_many_and_dups(void **state)
{
	struct sayso_sms_cmd cmd;
	char buf[256];
	size_t w = 0;
	int i;

	(void)state;
	w += (size_t)snprintf(buf, sizeof(buf), "vote");
	for (i = 1; i <= 33; i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, " %d", i);
	assert_int_equal(sayso_smsparse_parse(buf, w, &cmd), SAYSO_OK);
	assert_int_equal(cmd.problem, SAYSO_SMSP_TOO_MANY);
	assert_int_equal(cmd.nseen, 33);
	assert_int_equal(cmd.npicks, 32);
	assert_int_equal(cmd.picks[31], 32);

	/* exactly the maximum is fine */
	w = (size_t)snprintf(buf, sizeof(buf), "vote");
	for (i = 1; i <= 32; i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, " %d", i);
	assert_int_equal(sayso_smsparse_parse(buf, w, &cmd), SAYSO_OK);
	assert_int_equal(cmd.problem, SAYSO_SMSP_NONE);
	assert_int_equal(cmd.npicks, 32);

	assert_int_equal(sayso_smsparse_parse("VOTE 3 7 3 7 3 9", 16, &cmd),
			 SAYSO_OK);
	assert_int_equal(cmd.problem, SAYSO_SMSP_DUPLICATE);
	assert_int_equal(cmd.ndups, 2);
	assert_int_equal(cmd.dups[0], 3);
	assert_int_equal(cmd.dups[1], 7);
	assert_int_equal(cmd.npicks, 6);

	/* TOO_LARGE wins over DUPLICATE; bad_number is the first */
	assert_int_equal(sayso_smsparse_parse("VOTE 3 3 1000 2000", 18, &cmd),
			 SAYSO_OK);
	assert_int_equal(cmd.problem, SAYSO_SMSP_TOO_LARGE);
	assert_int_equal(cmd.bad_number, 1000);
	assert_int_equal(cmd.ndups, 1);
	assert_int_equal(cmd.nseen, 4);
	assert_int_equal(cmd.npicks, 2);
}

static void test_explain(void **state)
{
	struct sayso_sms_cmd cmd;
	char out[200], tiny[8];
	size_t n;

	(void)state;
	sayso_smsparse_parse("VOTE 3 7 3 7", 12, &cmd);
	n = sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "You sent 3 and 7 more than once.");
	assert_int_equal(n, strlen(out));
	sayso_smsparse_parse("VOTE 1 2 3 1 2 3", 16, &cmd);
	sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "You sent 1, 2 and 3 more than once.");

	sayso_smsparse_parse("Vote 1234", 9, &cmd);
	sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "There is no project 1234.");
	sayso_smsparse_parse("Vote 12345678901234", 19, &cmd);
	sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "A project number is too large.");

	sayso_smsparse_parse("VOTE 3-7", 8, &cmd);
	sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "Sorry, \"3-7\" looks like a range: please "
				 "list each number.");
	sayso_smsparse_parse("VOTE lO", 7, &cmd);
	sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "Sorry, \"lO\" could be a letter or a "
				 "number: please use digits.");

	sayso_smsparse_parse("VOTE 3 bananas", 14, &cmd);
	n = sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "Sorry, I couldn't read \"bananas\" as a "
				 "project number.");

	/* truncation is snprintf-like */
	assert_int_equal(sayso_smsparse_explain(&cmd, tiny, sizeof(tiny)), n);
	assert_string_equal(tiny, "Sorry, ");

	sayso_smsparse_parse("VOTE", 4, &cmd);
	sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "Your vote had no project numbers.");

	sayso_smsparse_parse("VOTE 3 7", 8, &cmd);
	assert_int_equal(sayso_smsparse_explain(&cmd, out, sizeof(out)), 0);
	assert_string_equal(out, "");

	sayso_smsparse_parse("RATE 9", 6, &cmd);
	sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "Sorry, \"9\" is not a score from 1 to 5.");
	sayso_smsparse_parse("RATE", 4, &cmd);
	sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "Your rating had no score.");
	sayso_smsparse_parse("REPORT", 6, &cmd);
	sayso_smsparse_explain(&cmd, out, sizeof(out));
	assert_string_equal(out, "Your report had no text.");
	assert_int_equal(sayso_smsparse_explain(NULL, out, sizeof(out)), 0);
}

static void test_names_and_args(void **state)
{
	struct sayso_sms_cmd cmd;
	int k;

	(void)state;
	assert_string_equal(sayso_smsparse_kind_name(SAYSO_SMS_VOTE), "vote");
	assert_string_equal(sayso_smsparse_kind_name(SAYSO_SMS_STOP), "stop");
	for (k = SAYSO_SMS_UNKNOWN; k <= SAYSO_SMS_START; k++)
		assert_true(sayso_smsparse_kind_name(
				(enum sayso_sms_kind)k)[0] != '\0');
	assert_string_equal(sayso_smsparse_problem_name(SAYSO_SMSP_NONE), "");
	assert_string_equal(sayso_smsparse_problem_name(SAYSO_SMSP_NO_NUMBERS),
			    "no project numbers");
	assert_string_equal(sayso_smsparse_problem_name(SAYSO_SMSP_TOO_LARGE),
			    "project number too large");
	assert_int_equal(sayso_smsparse_parse("x", 1, NULL), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_smsparse_parse(NULL, 3, &cmd), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_smsparse_parse(NULL, 0, &cmd), SAYSO_OK);
	assert_int_equal(cmd.kind, SAYSO_SMS_EMPTY);
}

/* Random bytes (fixed seed) and all short byte strings: never a crash, the
 * body is always clean UTF-8, and parsing is deterministic. */
static void test_junk(void **state)
{
	struct sayso_sms_cmd a, b;
	unsigned char buf[300];
	unsigned long seed = 12345;
	size_t i, j, len;

	(void)state;
	for (i = 0; i < 256; i++)
		for (j = 0; j < 256; j += 7) {
			buf[0] = (unsigned char)i;
			buf[1] = (unsigned char)j;
			sayso_smsparse_parse(buf, 2, &a);
			assert_true(clean_utf8(a.body));
			assert_true(clean_utf8(a.text));
		}
	for (i = 0; i < 3000; i++) {
		seed = seed * 1103515245UL + 12345UL;
		len = (seed >> 8) % sizeof(buf);
		for (j = 0; j < len; j++) {
			seed = seed * 1103515245UL + 12345UL;
			/* bias towards ASCII keywords, digits and UTF-8 */
			buf[j] = (unsigned char)((seed >> 16) & 0xFF);
			if ((seed >> 24) % 3 == 0)
				buf[j] =
				    (unsigned char)"VOTE 37,rate:)\xF0\x9F"
						   "\x98\x80 "[(seed >> 4) %
							       18];
		}
		assert_int_equal(sayso_smsparse_parse(buf, len, &a), SAYSO_OK);
		assert_int_equal(sayso_smsparse_parse(buf, len, &b), SAYSO_OK);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_true(clean_utf8(a.body));
		assert_true(clean_utf8(a.text));
		assert_true(clean_utf8(a.token));
		assert_true(a.npicks <= SAYSO_SMSPARSE_PICKS_MAX);
		if (a.kind == SAYSO_SMS_RATE && a.problem == SAYSO_SMSP_NONE)
			assert_true(a.score >= 1 && a.score <= 5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_long_bodies),
	    cmocka_unit_test(test_too_many_and_dups),
	    cmocka_unit_test(test_explain),
	    cmocka_unit_test(test_names_and_args),
	    cmocka_unit_test(test_junk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

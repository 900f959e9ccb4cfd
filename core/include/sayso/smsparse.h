/*
 * smsparse.h: the text grammar of sayso (what a resident may send by SMS).
 *
 * One inbound text (any bytes) becomes one struct sayso_sms_cmd. The parser
 * is pure: no database, no allocation, no I/O, no global state; the same
 * bytes always give the same command. It only parses: whether project 13
 * exists, whether 6 picks are too many for the round, whether the number is
 * opted out, whether a lone "3" is really a follow-up answer, are decided by
 * the caller (smsgw) and by core's ballot.c.
 *
 * The grammar, in order of precedence (docs/sms-grammar.md has examples):
 *   STOP family   STOP STOPALL UNSUBSCRIBE CANCEL END QUIT REVOKE OPTOUT as
 *                 the whole text (keyword_only); also "opt out", "opt-out",
 *                 "stop all", UNSUB, and STOP, STOPALL, UNSUBSCRIBE, OPTOUT
 *                 with only polite words ("stop please", "please stop
 *                 texting me"). "End of my road is flooded" is not a STOP.
 *   START family  START YES UNSTOP, alone (keyword_only) or with polite
 *                 words ("yes please"). The caller decides what YES means
 *                 to a resident who never opted out.
 *   HELP          HELP INFO MENU COMMANDS, alone or with polite words, or
 *                 with up to two other words ("help vote"); "?" alone.
 *                 keyword_only only for a lone HELP or INFO.
 *   PROJECTS      PROJECTS PROJECT LIST with polite words ("list projects",
 *                 "send me the list of projects please"), or followed by a
 *                 round code ("PROJECTS PB26": cmd->round_code).
 *   RESULTS       RESULTS RESULT (polite words allowed), "who won",
 *                 "RESULTS PB26" (cmd->round_code).
 *   VOTE          VOTE|VOTES|VOTED|VOTING|PLEIDLAIS|V [round code] numbers:
 *                 "VOTE 3 7 12", "V 3,7", "vote3 7", "Vote: 3, 7 and 12",
 *                 "#vote 3.7", "vote three and seven". Separators: spaces ,
 *                 . ; : & + / # and fillers (and, no., project, please, x).
 *                 The misspellings VITE VORE VOTR BOTE VOYE VOT VOE VPTE VOFE
 *                 and the bare "V" count only when clean numbers follow.
 *                 A round code is kept only when numbers follow it ("vote
 *                 for the park" is NO_NUMBERS); ordinals ("1st") and words
 *                 other than fillers are UNREADABLE.
 *   RATE          RATE|RATING|RATED n ("RATE 4", "rate: 4/5", "rate four",
 *                 "4 out of 5", "4 stars", "rate it 4", "rate the area a
 *                 4"); without a keyword and without fillers the same when
 *                 that is the whole text ("4", "5!", "4/5"), a face emoji or
 *                 emoticon alone (table below), or 1-5 star emoji.
 *                 A score followed by a comment ("RATE 5 love the new
 *                 park", "rate 4/5 nice but noisy") is RATE with the score
 *                 and the comment in cmd->text (the follow-up answer).
 *   REPORT        REPORT|FIX|ISSUE|PROBLEM <text>.
 *   EMPTY         nothing visible (spaces, controls, invisible characters).
 *   UNKNOWN       anything else: the caller may treat it as a follow-up
 *                 answer (cmd->text), else replies with short help.
 * Keywords are ASCII, matched case-insensitively as the first word, after
 * any leading '#', punctuation, emoji or greeting ("Hi, vote 3 7", "I vote
 * 3 7", "my vote is 3 7"). A number glued to the keyword is split off
 * ("vote3", "rate4"). Numbers may be typed in the digits of other scripts
 * (Arabic-Indic, Persian, Devanagari, Bengali, Gurmukhi, Gujarati) or in
 * full-width forms; those and full-width keywords are read as ASCII.
 *
 * Face table (variation selectors, ZWJ and skin tones ignored; the same face
 * may be repeated; other emoji beside a face are ignored; faces that
 * disagree, or a digit and a face that disagree, are not a rating):
 *   1  U+1F621 U+1F620 U+1F92C U+1F62D U+1F62B U+1F629 U+1F616  >:(  :'(
 *   2  U+2639 U+1F641 U+1F61E U+1F61F U+1F615 U+1F614 U+1F612 U+1F622
 *      :(  :-(  ;(
 *   3  U+1F610 U+1F611 U+1F636  :|  :-|
 *   4  U+1F642 U+263A U+1F60A U+1F60C  :)  :-)  ;)  =)
 *   5  U+1F600 U+1F603 U+1F604 U+1F601 U+1F606 U+1F970 U+1F60D U+1F929
 *      :D  :-D
 * Thumbs, hearts and U+1F602 (tears of joy) are deliberately not ratings: they
 * are as often an acknowledgement or sarcasm as a score.
 *
 * Cleaning (applies to cmd->body and cmd->text): invalid UTF-8 (bad bytes,
 * overlong forms, surrogates, > U+10FFFF) becomes U+FFFD and sets
 * invalid_utf8 (U+FFFD is then ignored like an emoji when reading commands);
 * C0/C1 controls (NUL included), DEL, tabs, newlines, NBSP and the other
 * Unicode spaces become a space (a stray NUL cannot merge "3" and "7" into
 * 37); zero-width spaces, bidi marks, soft hyphens and the BOM are removed
 * (ZWJ/ZWNJ stay: emoji need them); runs of spaces collapse; both ends are
 * trimmed. The result is always valid UTF-8, NUL-terminated, safe to store
 * and to put in JSON.
 */
#ifndef SAYSO_SMSPARSE_H
#define SAYSO_SMSPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include "sayso/err.h"
#include "sayso/limits.h"

/* Bytes of input looked at; the rest is ignored and cmd->truncated is set.
 * 1,600 characters (Twilio's maximum body) of 4-byte UTF-8 fit. */
#define SAYSO_SMSPARSE_INPUT_MAX 6400
/* Bytes of cleaned text kept in cmd->body and cmd->text (+ NUL); longer text
 * is cut at a UTF-8 boundary and sets cmd->truncated. */
#define SAYSO_SMSPARSE_TEXT_MAX 1600
/* Project numbers kept in cmd->picks; more sets SAYSO_SMSP_TOO_MANY. */
#define SAYSO_SMSPARSE_PICKS_MAX 32
/* Largest project number accepted: the one range of limits.h. */
#define SAYSO_SMSPARSE_PROJECT_MAX SAYSO_PROJECT_NUMBER_MAX
/* Round code + NUL: [A-Za-z0-9_-], 1..32, at least one letter. Same as
 * SAYSO_CODE_MAX in round.h. */
#define SAYSO_SMSPARSE_CODE_MAX 33
/* A copied offending word + NUL (cut at a UTF-8 boundary). */
#define SAYSO_SMSPARSE_TOKEN_MAX 33

enum sayso_sms_kind {
	SAYSO_SMS_UNKNOWN = 0,
	SAYSO_SMS_EMPTY,
	SAYSO_SMS_VOTE,
	SAYSO_SMS_RATE,
	SAYSO_SMS_REPORT,
	SAYSO_SMS_PROJECTS,
	SAYSO_SMS_RESULTS,
	SAYSO_SMS_HELP,
	SAYSO_SMS_STOP,
	SAYSO_SMS_START,
};

/*
 * Why a recognised command cannot be used as it stands. Only one problem is
 * reported, the most useful first (the order of this list); the detail
 * fields (dups, bad_number, token) are filled independently.
 */
enum sayso_sms_problem {
	SAYSO_SMSP_NONE = 0,
	SAYSO_SMSP_AMBIGUOUS,  /* VOTE: a word that might be a number ("O",
				* "lO") or a range ("3-7"); cmd->token */
	SAYSO_SMSP_UNREADABLE, /* VOTE: a word that is not a number or a
				* filler ("VOTE 3 bananas"); cmd->token */
	SAYSO_SMSP_NO_NUMBERS, /* VOTE without any project number */
	SAYSO_SMSP_TOO_LARGE,  /* VOTE: a number > SAYSO_SMSPARSE_PROJECT_MAX;
				* cmd->bad_number (-1 when it overflowed) */
	SAYSO_SMSP_TOO_MANY,   /* VOTE: > SAYSO_SMSPARSE_PICKS_MAX numbers */
	SAYSO_SMSP_DUPLICATE,  /* VOTE: a number given twice; cmd->dups. The
				* picks are still all there: ballot.c rules */
	SAYSO_SMSP_NO_RATING,  /* RATE without a score */
	SAYSO_SMSP_BAD_RATING, /* RATE with a score outside 1..5, or
				* unreadable; cmd->token */
	SAYSO_SMSP_NO_TEXT,    /* REPORT without any text */
};

struct sayso_sms_cmd {
	enum sayso_sms_kind kind;
	enum sayso_sms_problem problem;

	/* VOTE. round_code "" when none was given, else as typed: the first
	 * non-filler word after the keyword when it is 2..32 of [A-Za-z0-9_-]
	 * with a letter that is not a number look-alike, not an ordinal, and
	 * numbers follow it. Look it up case-insensitively. picks in the order
	 * written, duplicates included (the ballot rules decide); npicks <=
	 * SAYSO_SMSPARSE_PICKS_MAX; nseen counts every number written (too
	 * large ones included). */
	char round_code[SAYSO_SMSPARSE_CODE_MAX];
	int picks[SAYSO_SMSPARSE_PICKS_MAX];
	size_t npicks;
	size_t nseen;
	int dups[SAYSO_SMSPARSE_PICKS_MAX]; /* each repeated number once */
	size_t ndups;
	long bad_number; /* TOO_LARGE: the first one */

	/* RATE: 1..5, 0 when absent or bad. */
	int score;

	/* REPORT: the text after the keyword, cleaned. RATE: the comment after
	 * the score ("" when none). Also set (to the whole
	 * cleaned body) for UNKNOWN, for use as a follow-up answer. "" else. */
	char text[SAYSO_SMSPARSE_TEXT_MAX + 1];
	/* Every kind: the whole text, cleaned (see the file comment). */
	char body[SAYSO_SMSPARSE_TEXT_MAX + 1];

	/* The word behind AMBIGUOUS / UNREADABLE / BAD_RATING, cleaned. */
	char token[SAYSO_SMSPARSE_TOKEN_MAX];

	bool keyword_only;  /* STOP/START/HELP: the keyword was the whole
			     * text (what Twilio itself acts on) */
	bool fuzzy_keyword; /* the keyword was a known misspelling (VITE) */
	bool lookalike;	    /* a number was read from O/o/l/I ("1O" = 10) */
	bool invalid_utf8;  /* bad bytes were replaced by U+FFFD */
	bool truncated;	    /* input or text longer than the maxima */
};

/*
 * Parses len bytes at msg (any bytes, NUL included: len is authoritative;
 * msg may be NULL when len is 0) into *cmd, which is fully overwritten.
 * Returns SAYSO_OK for every input, including junk (kind UNKNOWN or EMPTY);
 * SAYSO_ERR_INVAL only when cmd is NULL or msg is NULL with len > 0. Input
 * beyond SAYSO_SMSPARSE_INPUT_MAX bytes is ignored (cmd->truncated). Pure and
 * thread-safe; struct sayso_sms_cmd is ~3.5 KB, fine on a daemon stack.
 */
enum sayso_err sayso_smsparse_parse(const void *msg, size_t len,
				    struct sayso_sms_cmd *cmd);

/* Stable lower-case name of a kind ("vote", "rate", "report", "projects",
 * "results", "help", "stop", "start", "empty", "unknown"), for inbox outcome
 * tags and logs. Never NULL; static storage. */
const char *sayso_smsparse_kind_name(enum sayso_sms_kind kind);

/* Stable short English name of a problem ("no project numbers", "project
 * number too large", ...); "" for SAYSO_SMSP_NONE. Never NULL; static. */
const char *sayso_smsparse_problem_name(enum sayso_sms_problem p);

/*
 * Writes one short plain-English sentence saying what was wrong, with its
 * details, for the start of a reply; the caller adds what to send instead
 * ("There is no project 1234.", "You sent 3 and 7 more than once.", "Sorry,
 * I couldn't read "bananas" as a project number.", "Sorry, "3-7" looks like
 * a range: please list each number."). At most ~80 characters plus the
 * echoed word. GSM-7 apart from the resident's own word echoed for
 * AMBIGUOUS / UNREADABLE / BAD_RATING (fold and count the whole reply).
 * Always NUL-terminates when outsz > 0; truncates to fit. Returns the length
 * it wanted (snprintf style); writes "" for SAYSO_SMSP_NONE.
 */
size_t sayso_smsparse_explain(const struct sayso_sms_cmd *cmd, char *out,
			      size_t outsz);

/*
 * The one rule for control characters in texts, shared by every charset
 * converter before a body is stored: C0 and C1 controls (NUL included) and
 * DEL become U+0020, anything else is returned unchanged. So "VOTE 3<NUL>7"
 * reaches the grammar as "VOTE 3 7", never as 37.
 */
unsigned long sayso_smsparse_fold_control(unsigned long cp);

#endif

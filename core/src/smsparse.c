/*
 * smsparse.c: the SMS grammar (VOTE, RATE, REPORT, PROJECTS, RESULTS, HELP,
 * STOP, START), see sayso/smsparse.h and docs/sms-grammar.md.
 *
 * Two passes over bounded buffers, no allocation:
 *   1. clean: the raw bytes become cmd->body, valid UTF-8 with controls and
 *      invisible characters removed and spaces collapsed;
 *   2. read: a token iterator walks cmd->body and yields "words" (runs of
 *      letters, digits, hyphens and any other character that is not a space,
 *      punctuation or emoji), each with an ASCII lower-case copy for keyword
 *      matching. Punctuation is a separator, emoji are "decoration": ignored
 *      around keywords and numbers, read as scores when a text is only faces.
 * The order of the checks is the precedence of the grammar: the opt-out
 * words first (they must win over everything), then the single-word
 * commands, then VOTE, RATE and REPORT by their first word.
 *
 * The parser is deliberately strict where a mistake would cost a resident
 * their vote (an "O" that might be a zero, "3-7" that might be a range, a
 * misspelt keyword followed by anything but numbers): those are rejected
 * with a reason instead of guessed.
 */
#include <string.h>
#include "internal.h"
#include "sayso/smsparse.h"

#define REPLACEMENT 0xFFFDUL
#define LOW_MAX 24 /* lower-case copy of a word (longer: not a keyword) */

/* ---- UTF-8 --------------------------------------------------------- */

/* Decodes one code point; invalid, overlong, surrogate or truncated input
 * gives U+FFFD and consumes one byte (sayso_utf8_next). */
static size_t utf8_next(const unsigned char *s, size_t len, unsigned long *cp,
			bool *bad)
{
	return sayso_utf8_next(s, len, cp, bad);
}

/* Decodes a code point of already clean UTF-8 (cmd->body). */
static size_t clean_next(const char *s, size_t len, unsigned long *cp)
{
	bool bad;

	return utf8_next((const unsigned char *)s, len, cp, &bad);
}

/* Copies at most outsz - 1 bytes of s[0..len) to out, cut at a code point
 * boundary, NUL-terminated. Returns true when it was cut. */
static bool copy_utf8(char *out, size_t outsz, const char *s, size_t len)
{
	bool cut = false;

	if (len > outsz - 1) {
		len = sayso_utf8_boundary(s, outsz - 1);
		cut = true;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return cut;
}

/* ---- character classes --------------------------------------------- */

/* Turned into a space by the cleaner. Control characters (NUL included)
 * separate words: a stray NUL must not turn "3<NUL>7" into 37. */
static bool is_space(unsigned long cp)
{
	return cp < 0x20 || cp == ' ' || cp == 0x7F ||
	       (cp >= 0x80 && cp <= 0x9F) || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

unsigned long sayso_smsparse_fold_control(unsigned long cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ? ' ' : cp;
}

/* Punctuation that separates words. '-' is not one: it is kept inside words
 * so that "3-7" can be recognised as a range and "opt-out" as one word. */
static bool is_punct(unsigned long cp)
{
	if (cp < 0x80)
		return cp != '-' && cp != '_' &&
		       (cp == ' ' || (cp >= 0x21 && cp <= 0x2F) ||
			(cp >= 0x3A && cp <= 0x40) ||
			(cp >= 0x5B && cp <= 0x60) ||
			(cp >= 0x7B && cp <= 0x7E));
	return cp == 0xA1 || cp == 0xA7 || cp == 0xAB || cp == 0xB7 ||
	       cp == 0xBB || cp == 0xBF || (cp >= 0x2010 && cp <= 0x2027) ||
	       (cp >= 0x2030 && cp <= 0x205E) || cp == 0x3001 || cp == 0x3002 ||
	       cp == 0xFF01 || cp == 0xFF0C || cp == 0xFF0E || cp == 0xFF1A ||
	       cp == 0xFF1B || cp == 0xFF1F || cp == 0x060C || cp == 0x061B ||
	       cp == 0x061F || cp == 0x066B || cp == 0x066C || cp == 0x0964 ||
	       cp == 0x0965;
}

/* Emoji, symbols and U+FFFD (a byte we could not read): not words, not
 * separators. */
static bool is_decor(unsigned long cp)
{
	return cp == REPLACEMENT || (cp >= 0x2190 && cp <= 0x2BFF) ||
	       (cp >= 0x1F000 && cp <= 0x1FAFF) ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D || cp == 0x200C ||
	       cp == 0x20E3 || (cp >= 0xE0020 && cp <= 0xE007F) ||
	       cp == 0x3030 || cp == 0x303D || cp == 0x3297 || cp == 0x3299 ||
	       cp == 0xA9 || cp == 0xAE || cp == 0x2122 || cp == 0x2139;
}

/* Invisible parts of an emoji: skipped when reading faces. */
static bool is_emoji_glue(unsigned long cp)
{
	return (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D || cp == 0x200C ||
	       (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

/* The score of a face emoji, 0 when it is not one (table in smsparse.h). */
static int face_score(unsigned long cp)
{
	switch (cp) {
	case 0x1F621:
	case 0x1F620:
	case 0x1F92C:
	case 0x1F62D:
	case 0x1F62B:
	case 0x1F629:
	case 0x1F616:
		return 1;
	case 0x2639:
	case 0x1F641:
	case 0x1F61E:
	case 0x1F61F:
	case 0x1F615:
	case 0x1F614:
	case 0x1F612:
	case 0x1F622:
		return 2;
	case 0x1F610:
	case 0x1F611:
	case 0x1F636:
		return 3;
	case 0x1F642:
	case 0x263A:
	case 0x1F60A:
	case 0x1F60C:
		return 4;
	case 0x1F600:
	case 0x1F603:
	case 0x1F604:
	case 0x1F601:
	case 0x1F606:
	case 0x1F970:
	case 0x1F60D:
	case 0x1F929:
		return 5;
	default:
		return 0;
	}
}

static bool is_star(unsigned long cp)
{
	return cp == 0x2B50 || cp == 0x1F31F;
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- pass 1: cleaning ---------------------------------------------- */

static void clean_body(const unsigned char *in, size_t len,
		       struct sayso_sms_cmd *cmd)
{
	char *out = cmd->body;
	size_t i = 0, n, w = 0, k;
	unsigned long cp;
	bool bad, pending_space = false;
	char buf[4];

	while (i < len) {
		n = utf8_next(in + i, len - i, &cp, &bad);
		i += n;
		if (bad)
			cmd->invalid_utf8 = true;
		if (is_space(cp)) {
			pending_space = w > 0;
			continue;
		}
		if (sayso_utf8_invisible(cp))
			continue;
		k = sayso_utf8_put(cp, buf);
		if (w + (pending_space ? 1 : 0) + k > SAYSO_SMSPARSE_TEXT_MAX) {
			cmd->truncated = true;
			break;
		}
		if (pending_space)
			out[w++] = ' ';
		pending_space = false;
		memcpy(out + w, buf, k);
		w += k;
	}
	out[w] = '\0';
}

/* ---- pass 2: words ------------------------------------------------- */

struct word {
	size_t off, len;    /* in cmd->body */
	char norm[LOW_MAX]; /* ASCII copy (other scripts' digits and
			     * full-width forms mapped), "" when the word has
			     * other characters or is too long */
	char low[LOW_MAX];  /* norm in lower case */
	size_t nlen;	    /* strlen(norm) */
};

/* The value of a decimal digit of another script (Arabic-Indic, Persian,
 * Devanagari, Bengali, Gurmukhi, Gujarati, full-width), or -1. Residents
 * whose phone keyboard is set to those scripts send them. */
static int script_digit(unsigned long cp)
{
	static const unsigned long zeros[] = {0x0660, 0x06F0, 0x0966, 0x09E6,
					      0x0A66, 0x0AE6, 0xFF10};
	size_t i;

	for (i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
		if (cp >= zeros[i] && cp <= zeros[i] + 9)
			return (int)(cp - zeros[i]);
	return -1;
}

/* Fills w->norm, w->low and w->nlen from the word's bytes. */
static void normalise_word(const char *s, struct word *w)
{
	size_t i = 0, k = 0, n;
	unsigned long cp;
	int d;
	char c;

	while (i < w->len) {
		n = clean_next(s + w->off + i, w->len - i, &cp);
		i += n;
		if (k + 1 >= LOW_MAX)
			goto none;
		if (cp < 0x80)
			c = (char)cp;
		else if ((d = script_digit(cp)) >= 0)
			c = (char)('0' + d);
		else if (cp >= 0xFF21 && cp <= 0xFF3A)
			c = (char)('A' + (cp - 0xFF21));
		else if (cp >= 0xFF41 && cp <= 0xFF5A)
			c = (char)('a' + (cp - 0xFF41));
		else
			goto none;
		w->norm[k] = c;
		w->low[k] = ascii_lower(c);
		k++;
	}
	w->norm[k] = w->low[k] = '\0';
	w->nlen = k;
	return;
none:
	/* Not representable: no copy at all, never a partial one. */
	w->norm[0] = w->low[0] = '\0';
	w->nlen = 0;
}

/*
 * Yields the next word of s[*pos..len), skipping separators and decoration.
 * Leading and trailing hyphens are not part of a word. Returns false at the
 * end.
 */
static bool next_word(const char *s, size_t len, size_t *pos, struct word *w)
{
	size_t i = *pos, n, start, end;
	unsigned long cp;

	for (;;) {
		while (i < len) {
			n = clean_next(s + i, len - i, &cp);
			if (!is_punct(cp) && !is_decor(cp) && !is_space(cp) &&
			    cp != '-')
				break;
			i += n;
		}
		if (i >= len) {
			*pos = len;
			return false;
		}
		start = i;
		while (i < len) {
			n = clean_next(s + i, len - i, &cp);
			if (is_punct(cp) || is_decor(cp) || is_space(cp))
				break;
			i += n;
		}
		end = i;
		while (end > start && s[end - 1] == '-')
			end--;
		if (end > start)
			break;
	}
	*pos = i;
	w->off = start;
	w->len = end - start;
	normalise_word(s, w);
	return true;
}

static bool in_list(const char *word, const char *const *list)
{
	size_t i;

	if (word[0] == '\0')
		return false;
	for (i = 0; list[i]; i++)
		if (strcmp(word, list[i]) == 0)
			return true;
	return false;
}

static const char *const stop_strong[] = {
    "stop", "stopall", "unsubscribe", "optout", "unsub", NULL,
};
static const char *const stop_single[] = {
    "stop", "stopall", "unsubscribe", "cancel", "end",
    "quit", "revoke",  "optout",      NULL,
};
static const char *const start_words[] = {"start", "yes", "unstop", NULL};
static const char *const help_words[] = {"help", "info", "menu", "commands",
					 NULL};
static const char *const project_words[] = {"projects", "project", "list",
					    NULL};
static const char *const result_words[] = {"results", "result", NULL};
static const char *const vote_words[] = {"vote",   "votes",	"voted",
					 "voting", "pleidlais", NULL};
static const char *const vote_fuzzy[] = {"vite", "vore", "votr", "bote", "voye",
					 "vot",	 "voe",	 "vpte", "vofe", NULL};
/* Words that may come between RATE and the score. */
static const char *const rate_fillers[] = {
    "it",     "i",   "id",   "would", "give", "a",  "my",
    "is",     "the", "area", "place", "as",   "we", "neighbourhood",
    "street", "our", NULL,
};
static const char *const rate_words[] = {"rate", "rating", "rated", NULL};
static const char *const report_words[] = {"report", "fix", "issue", "problem",
					   NULL};

/* Words that may accompany a keyword without changing its meaning. */
static const char *const polite[] = {
    "please", "pls",	   "plz",     "now",	  "me",	     "texting", "text",
    "texts",  "messaging", "message", "messages", "sending", "all",	"it",
    "thanks", "thank",	   "you",     "ta",	  "thx",     "just",	"can",
    "could",  "u",	   "to",      "again",	  "x",	     "xx",	"xxx",
    "the",    "of",	   "send",    "show",	  "see",     "us",	"i",
    "need",   "want",	   "a",	      "an",	  "ok",	     "okay",	"hi",
    "hello",  "cheers",	   "more",    "info",	  NULL,
};

/* Words allowed between the numbers of a vote. */
static const char *const vote_fillers[] = {
    "and",  "n",     "plus",   "for",	 "project", "projects", "proj",
    "no",   "nos",   "num",    "number", "numbers", "nr",	"please",
    "pls",  "plz",   "thanks", "thank",	 "you",	    "thx",	"ta",
    "x",    "xx",    "xxx",    "the",	 "my",	    "i",	"to",
    "is",   "are",   "a",      "vote",	 "votes",   "ok",	"cheers",
    "pick", "picks", "choose", "choice", "choices", "want",	"like",
    "id",   "im",    "also",   NULL,
};

static const char *const number_words[] = {
    "zero",	"one",	    "two",	"three",   "four",    "five",
    "six",	"seven",    "eight",	"nine",	   "ten",     "eleven",
    "twelve",	"thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty",	NULL,
};

static int number_word(const char *low)
{
	int i;

	if (low[0] == '\0')
		return -1;
	for (i = 0; number_words[i]; i++)
		if (strcmp(low, number_words[i]) == 0)
			return i;
	return -1;
}

/* Up to this many leading words are looked at for keyword checks. */
#define HEAD_WORDS 8

struct head {
	struct word w[HEAD_WORDS];
	size_t n;     /* words stored (<= HEAD_WORDS) */
	size_t total; /* words in the whole text */
};

static void read_head(const char *s, size_t len, struct head *h)
{
	size_t pos = 0;
	struct word w;

	h->n = 0;
	h->total = 0;
	while (next_word(s, len, &pos, &w)) {
		if (h->n < HEAD_WORDS)
			h->w[h->n++] = w;
		h->total++;
	}
}

/*
 * Whether the whole text is one keyword of `key` (possibly repeated or
 * written as two words joined, "opt out") accompanied only by polite words.
 * *single is set when it was exactly one word.
 */
static bool keyword_text(const struct head *h, const char *const *key,
			 bool *single)
{
	size_t i;
	bool found = false;

	*single = false;
	if (h->total == 0 || h->total > HEAD_WORDS)
		return false;
	for (i = 0; i < h->n; i++) {
		if (in_list(h->w[i].low, key))
			found = true;
		else if (!in_list(h->w[i].low, polite))
			return false;
	}
	*single = found && h->total == 1;
	return found;
}

/* The STOP family: see the file comment of smsparse.h. */
static bool is_stop(const struct head *h, bool *single)
{
	size_t i;
	bool found = false;
	const char *a, *b;

	*single = false;
	if (h->total == 1 && in_list(h->w[0].low, stop_single)) {
		*single = true;
		return true;
	}
	if (h->total == 0 || h->total > HEAD_WORDS)
		return false;
	/* "opt out", "opt-out", "stop all", "un subscribe" */
	for (i = 0; i < h->n; i++) {
		a = h->w[i].low;
		b = i + 1 < h->n ? h->w[i + 1].low : "";
		if ((strcmp(a, "opt") == 0 && strcmp(b, "out") == 0) ||
		    (strcmp(a, "un") == 0 && strcmp(b, "subscribe") == 0)) {
			found = true;
			i++;
			continue;
		}
		if (strcmp(a, "opt-out") == 0 || in_list(a, stop_strong)) {
			found = true;
			continue;
		}
		if (!in_list(a, polite))
			return false;
	}
	return found;
}

/* ---- numbers ------------------------------------------------------- */

enum numtok {
	NUM_NONE,      /* not a number */
	NUM_OK,	       /* *value set */
	NUM_LOOKALIKE, /* read through O/o/l/I; *value set */
	NUM_BIG,       /* digits, but more than fit; *value = -1 or the value */
	NUM_AMBIGUOUS, /* "O", "lO", "3-7" */
};

static bool is_lookalike(char c)
{
	return c == 'O' || c == 'o' || c == 'l' || c == 'I';
}

/* Reads a word as a project number. */
static enum numtok read_number(const char *s, const struct word *w, long *value)
{
	size_t i, digits = 0, looks = 0, hyphens = 0, other = 0, sig = 0;
	/* The normalised copy when there is one (short words, any script's
	 * digits), else the raw bytes (long runs of ASCII digits). */
	const char *t = w->nlen > 0 ? w->norm : s + w->off;
	size_t tlen = w->nlen > 0 ? w->nlen : w->len;
	long v = 0;
	int nw;
	char c;

	for (i = 0; i < tlen; i++) {
		c = t[i];
		if (is_digit(c))
			digits++;
		else if (is_lookalike(c))
			looks++;
		else if (c == '-')
			hyphens++;
		else
			other++;
	}
	nw = number_word(w->low);
	if (nw >= 0) {
		*value = nw;
		return NUM_OK;
	}
	if (other > 0)
		return NUM_NONE;
	if (hyphens > 0)
		return digits > 0 || looks > 0 ? NUM_AMBIGUOUS : NUM_NONE;
	if (digits == 0)
		return looks > 0 ? NUM_AMBIGUOUS : NUM_NONE;
	for (i = 0; i < tlen; i++) {
		c = t[i];
		c = is_digit(c) ? c : (c == 'O' || c == 'o') ? '0' : '1';
		if (sig == 0 && c == '0')
			continue;
		sig++;
		if (sig <= 9)
			v = v * 10 + (c - '0');
	}
	*value = sig <= 9 ? v : -1;
	if (sig > 9 || v > SAYSO_SMSPARSE_PROJECT_MAX)
		return NUM_BIG;
	return looks > 0 ? NUM_LOOKALIKE : NUM_OK;
}

/* Whether a word can be a round code ([A-Za-z0-9_-], 2..32, a letter that is
 * not a look-alike). */
static bool is_round_code(const char *s, const struct word *w)
{
	size_t i;
	bool letter = false;
	char c;

	if (w->len < 2 || w->len > SAYSO_SMSPARSE_CODE_MAX - 1)
		return false;
	/* "1st", "2nd", "3rd", "4th": an ordinal, not a code */
	if (w->len >= 3 && w->low[0] != '\0' && is_digit(s[w->off]) &&
	    (strcmp(w->low + w->len - 2, "st") == 0 ||
	     strcmp(w->low + w->len - 2, "nd") == 0 ||
	     strcmp(w->low + w->len - 2, "rd") == 0 ||
	     strcmp(w->low + w->len - 2, "th") == 0))
		return false;
	for (i = 0; i < w->len; i++) {
		c = s[w->off + i];
		if (is_alpha(c)) {
			if (!is_lookalike(c))
				letter = true;
		} else if (!is_digit(c) && c != '_' && c != '-') {
			return false;
		}
	}
	return letter;
}

static void set_token(struct sayso_sms_cmd *cmd, const char *s, size_t len)
{
	if (cmd->token[0] == '\0')
		copy_utf8(cmd->token, sizeof(cmd->token), s, len);
}

/*
 * Reads the ballot after the keyword: body[pos..]. Fills picks, dups,
 * round_code and problem.
 */
static void read_vote(struct sayso_sms_cmd *cmd, size_t pos)
{
	const char *s = cmd->body;
	size_t len = strlen(s), i;
	struct word w;
	long v;
	bool first = true, ambiguous = false, unreadable = false;
	bool big = false, dup;

	while (next_word(s, len, &pos, &w)) {
		bool was_first = first;

		/* Only the first word that is not a filler may be a code. */
		if (!in_list(w.low, vote_fillers))
			first = false;
		switch (read_number(s, &w, &v)) {
		case NUM_LOOKALIKE:
			cmd->lookalike = true;
			/* fall through */
		case NUM_OK:
			dup = false;
			for (i = 0; i < cmd->npicks; i++)
				if (cmd->picks[i] == (int)v)
					dup = true;
			if (dup) {
				for (i = 0; i < cmd->ndups; i++)
					if (cmd->dups[i] == (int)v)
						break;
				if (i == cmd->ndups &&
				    cmd->ndups < SAYSO_SMSPARSE_PICKS_MAX)
					cmd->dups[cmd->ndups++] = (int)v;
			}
			if (cmd->npicks < SAYSO_SMSPARSE_PICKS_MAX)
				cmd->picks[cmd->npicks++] = (int)v;
			cmd->nseen++;
			break;
		case NUM_BIG:
			if (!big)
				cmd->bad_number = v;
			big = true;
			cmd->nseen++;
			break;
		case NUM_AMBIGUOUS:
			if (!ambiguous && !unreadable)
				set_token(cmd, s + w.off, w.len);
			ambiguous = true;
			break;
		case NUM_NONE:
			if (in_list(w.low, vote_fillers))
				break;
			if (was_first && is_round_code(s, &w)) {
				copy_utf8(cmd->round_code,
					  sizeof(cmd->round_code), s + w.off,
					  w.len);
				break;
			}
			if (!ambiguous && !unreadable)
				set_token(cmd, s + w.off, w.len);
			unreadable = true;
			break;
		}
	}
	/* A code is only a code when a ballot follows it: "vote for the
	 * park" is a vote without numbers, not a vote in round "park". */
	if (cmd->nseen == 0)
		cmd->round_code[0] = '\0';
	if (ambiguous)
		cmd->problem = SAYSO_SMSP_AMBIGUOUS;
	else if (unreadable)
		cmd->problem = SAYSO_SMSP_UNREADABLE;
	else if (cmd->nseen == 0)
		cmd->problem = SAYSO_SMSP_NO_NUMBERS;
	else if (big)
		cmd->problem = SAYSO_SMSP_TOO_LARGE;
	else if (cmd->nseen > SAYSO_SMSPARSE_PICKS_MAX)
		cmd->problem = SAYSO_SMSP_TOO_MANY;
	else if (cmd->ndups > 0)
		cmd->problem = SAYSO_SMSP_DUPLICATE;
}

/* ---- ratings ------------------------------------------------------- */

/*
 * An emoticon making up all of s[pos..len) (spaces ignored): ":)" ":-)"
 * ":))" ";)" "=)" ":(" ">:(" ":'(" ":|" ":D". Returns its score or 0.
 */
static int emoticon_score(const char *s, size_t pos, size_t len)
{
	char t[16];
	size_t n = 0, i;
	bool angry = false, tear = false;
	char mouth;

	for (i = pos; i < len; i++) {
		if (s[i] == ' ')
			continue;
		if (n + 1 >= sizeof(t))
			return 0;
		t[n++] = s[i];
	}
	t[n] = '\0';
	i = 0;
	if (t[i] == '>') {
		angry = true;
		i++;
	}
	if (t[i] != ':' && t[i] != ';' && t[i] != '=')
		return 0;
	i++;
	if (t[i] == '\'') {
		tear = true;
		i++;
	}
	if (t[i] == '-')
		i++;
	mouth = t[i];
	if (mouth == '\0')
		return 0;
	for (; t[i] != '\0'; i++)
		if (t[i] != mouth)
			return 0;
	switch (mouth) {
	case '(':
		return angry || tear ? 1 : 2;
	case '|':
		return angry || tear ? 0 : 3;
	case ')':
		return angry || tear ? 0 : 4;
	case 'D':
		return angry || tear ? 0 : 5;
	default:
		return 0;
	}
}

/*
 * The faces, stars and other decoration in s[pos..len). *score is the face
 * score when every face agrees (0 when there is none, -1 when they differ);
 * *stars counts star emoji; *other counts any other decoration.
 */
static void read_decor(const char *s, size_t pos, size_t len, int *score,
		       size_t *stars, size_t *other)
{
	unsigned long cp;
	size_t n;
	int f;

	*score = 0;
	*stars = 0;
	*other = 0;
	while (pos < len) {
		n = clean_next(s + pos, len - pos, &cp);
		pos += n;
		if (!is_decor(cp) || is_emoji_glue(cp))
			continue;
		f = face_score(cp);
		if (f > 0) {
			if (*score == 0)
				*score = f;
			else if (*score != f)
				*score = -1;
		} else if (is_star(cp)) {
			(*stars)++;
		} else {
			(*other)++;
		}
	}
}

/* Whether s[a..b) contains ch. */
static bool has_char(const char *s, size_t a, size_t b, char ch)
{
	return a < b && memchr(s + a, ch, b - a);
}

enum rate_res {
	RATE_NONE, /* nothing there */
	RATE_OK,   /* *score set */
	RATE_BAD,  /* something that is not a 1..5 score */
};

/*
 * Reads a score from body[pos..]: "4", "four", "4/5", "4 out of 5",
 * "4 stars", a face (repeated), stars, an emoticon. A digit and a face must
 * agree.
 */
static enum rate_res read_score(const char *s, size_t pos, bool fillers,
				int *score)
{
	size_t len = strlen(s), p = pos, nw = 0, stars, other;
	struct word w[5];
	struct word tmp;
	long v = -1;
	int face, emo;
	bool shape = false;

	*score = 0;
	/* "RATE it 4", "rate the area a 4": skip a few leading fillers */
	while (fillers && next_word(s, len, &p, &tmp) &&
	       in_list(tmp.low, rate_fillers))
		pos = p;
	p = pos;
	emo = emoticon_score(s, pos, len);
	if (emo > 0) {
		*score = emo;
		return RATE_OK;
	}
	while (next_word(s, len, &p, &tmp)) {
		if (nw == 5)
			return RATE_BAD;
		w[nw++] = tmp;
	}
	read_decor(s, pos, len, &face, &stars, &other);
	if (nw == 0) {
		if (face > 0) {
			*score = face;
			return RATE_OK;
		}
		if (face == 0 && stars >= 1 && stars <= 5) {
			*score = (int)stars;
			return RATE_OK;
		}
		/* Anything visible that is not a face: unreadable. */
		return pos < len ? RATE_BAD : RATE_NONE;
	}
	if (read_number(s, &w[0], &v) != NUM_OK)
		return RATE_BAD;
	if (nw == 1) {
		shape = true;
	} else if (nw == 2 && strcmp(w[1].low, "5") == 0 &&
		   has_char(s, w[0].off + w[0].len, w[1].off, '/')) {
		shape = true; /* 4/5 */
	} else if (nw == 2 && (strcmp(w[1].low, "stars") == 0 ||
			       strcmp(w[1].low, "star") == 0)) {
		shape = true;
	} else if (nw == 3 && strcmp(w[1].low, "outta") == 0 &&
		   strcmp(w[2].low, "5") == 0) {
		shape = true;
	} else if (nw == 4 && strcmp(w[1].low, "out") == 0 &&
		   strcmp(w[2].low, "of") == 0 &&
		   (strcmp(w[3].low, "5") == 0 ||
		    strcmp(w[3].low, "five") == 0)) {
		shape = true;
	}
	if (!shape || v < 1 || v > 5)
		return RATE_BAD;
	if (face == -1 || (face > 0 && face != v))
		return RATE_BAD;
	*score = (int)v;
	return RATE_OK;
}

/* ---- the grammar --------------------------------------------------- */

/* Where the text after word w starts (separators skipped). */
static size_t after_word(const char *s, const struct word *w)
{
	size_t p = w->off + w->len;
	size_t len = strlen(s);

	while (p < len &&
	       (s[p] == ' ' || s[p] == ':' || s[p] == ',' || s[p] == '.' ||
		s[p] == ';' || s[p] == '-' || s[p] == '!' || s[p] == '='))
		p++;
	return p;
}

/* Splits a first word glued to its numbers: "vote3" -> "vote", 4. Returns the
 * length of the letter prefix when it is followed by a digit, else 0. */
static size_t glued_prefix(const char *s, const struct word *w)
{
	size_t i = 0;

	while (i < w->len && is_alpha(s[w->off + i]))
		i++;
	if (i == 0 || i == w->len || !is_digit(s[w->off + i]))
		return 0;
	return i;
}

/* Whether the first k bytes of word w are kw, ignoring ASCII case. */
static bool prefix_is(const char *s, const struct word *w, size_t k,
		      const char *kw)
{
	size_t i;

	if (strlen(kw) != k || k > w->len)
		return false;
	for (i = 0; i < k; i++)
		if (ascii_lower(s[w->off + i]) != kw[i])
			return false;
	return true;
}

static const char *const greetings[] = {
    "hi",   "hello", "hiya", "hey", "please", "pls", "ok", "okay",
    "dear", "sayso", "i",    "we",  "my",     "id",  NULL,
};

/* The index of the first word after any greeting ("Hi, vote 3 7"). */
static size_t first_word(const struct head *h)
{
	size_t k = 0;

	while (k + 1 < h->n && in_list(h->w[k].low, greetings))
		k++;
	return k;
}

static bool try_vote(struct sayso_sms_cmd *cmd, const struct head *h)
{
	const char *s = cmd->body;
	char kw[LOW_MAX];
	size_t klen, i, pos;
	bool fuzzy = false, is_v;

	const struct word *w0;

	if (h->n == 0)
		return false;
	w0 = &h->w[first_word(h)];
	klen = glued_prefix(s, w0);
	if (klen > 0) {
		if (klen >= LOW_MAX)
			return false;
		for (i = 0; i < klen; i++)
			kw[i] = ascii_lower(s[w0->off + i]);
		kw[klen] = '\0';
		pos = w0->off + klen;
	} else {
		memcpy(kw, w0->low, strlen(w0->low) + 1);
		pos = after_word(s, w0);
	}
	is_v = strcmp(kw, "v") == 0;
	if (!is_v && !in_list(kw, vote_words)) {
		if (!in_list(kw, vote_fuzzy))
			return false;
		fuzzy = true;
	}
	cmd->kind = SAYSO_SMS_VOTE;
	read_vote(cmd, pos);
	/* A misspelt keyword or a bare "V" counts only with a clean list of
	 * numbers after it; otherwise it was probably not a vote at all. */
	if ((fuzzy || is_v) &&
	    (cmd->nseen == 0 || cmd->problem == SAYSO_SMSP_AMBIGUOUS ||
	     cmd->problem == SAYSO_SMSP_UNREADABLE ||
	     (fuzzy && cmd->round_code[0] != '\0'))) {
		cmd->kind = SAYSO_SMS_UNKNOWN;
		return false;
	}
	cmd->fuzzy_keyword = fuzzy;
	return true;
}

/*
 * "RATE 5 love the new park": a score in the first few words after the
 * keyword, then a comment. Tries the longest score shape first (up to
 * "4 out of 5" plus fillers) over a prefix ending at a word boundary; the
 * rest (separators skipped) goes to cmd->text. false when no prefix is a
 * score or nothing follows it.
 */
static bool read_commented_score(struct sayso_sms_cmd *cmd, size_t pos)
{
	const char *s = cmd->body;
	size_t len = strlen(s), p = pos, ends[8], nw = 0, k;
	struct word w;
	char pre[SAYSO_SMSPARSE_TEXT_MAX + 1];
	int score;

	while (nw < 8 && next_word(s, len, &p, &w))
		ends[nw++] = w.off + w.len;
	if (nw < 2)
		return false;
	for (k = nw - 1; k >= 1; k--) {
		size_t end = ends[k - 1], q = end;
		long v;
		/* "rate 3.5", "rate 4 5": a number next is no comment */
		if (next_word(s, len, &q, &w) &&
		    read_number(s, &w, &v) == NUM_OK)
			continue;
		memcpy(pre, s, end);
		pre[end] = '\0';
		if (read_score(pre, pos, true, &score) != RATE_OK)
			continue;
		/* "/5" glued to the score belongs to it */
		while (end < len &&
		       (s[end] == ' ' || s[end] == ',' || s[end] == '.' ||
			s[end] == ':' || s[end] == ';' || s[end] == '-' ||
			s[end] == '!'))
			end++;
		if (end >= len)
			break;
		cmd->score = score;
		copy_utf8(cmd->text, sizeof(cmd->text), s + end, len - end);
		return cmd->text[0] != '\0';
	}
	return false;
}

static bool try_rate(struct sayso_sms_cmd *cmd, const struct head *h)
{
	const char *s = cmd->body;
	const struct word *w0;
	size_t pos, klen;
	int score;

	if (h->n == 0)
		return false;
	w0 = &h->w[first_word(h)];
	if (in_list(w0->low, rate_words)) {
		pos = after_word(s, w0);
	} else {
		klen = glued_prefix(s, w0);
		if (!prefix_is(s, w0, klen, "rate"))
			return false;
		pos = w0->off + klen; /* "rate4" */
	}
	cmd->kind = SAYSO_SMS_RATE;
	switch (read_score(s, pos, true, &score)) {
	case RATE_OK:
		cmd->score = score;
		break;
	case RATE_NONE:
		cmd->problem = SAYSO_SMSP_NO_RATING;
		break;
	case RATE_BAD:
		if (read_commented_score(cmd, pos))
			break;
		cmd->problem = SAYSO_SMSP_BAD_RATING;
		set_token(cmd, s + pos, strlen(s + pos));
		break;
	}
	return true;
}

/* A text that is nothing but a score: "4", "4/5", a face, stars, ":)". */
static bool try_lone_score(struct sayso_sms_cmd *cmd)
{
	int score;

	if (read_score(cmd->body, 0, false, &score) != RATE_OK)
		return false;
	cmd->kind = SAYSO_SMS_RATE;
	cmd->score = score;
	return true;
}

static bool try_report(struct sayso_sms_cmd *cmd, const struct head *h)
{
	const char *s = cmd->body;
	const struct word *w0;
	size_t pos;

	if (h->n == 0)
		return false;
	w0 = &h->w[first_word(h)];
	if (!in_list(w0->low, report_words))
		return false;
	pos = after_word(s, w0);
	cmd->kind = SAYSO_SMS_REPORT;
	copy_utf8(cmd->text, sizeof(cmd->text), s + pos, strlen(s + pos));
	if (cmd->text[0] == '\0')
		cmd->problem = SAYSO_SMSP_NO_TEXT;
	return true;
}

/* Whether the text has no words and is only question marks. */
static bool only_question_marks(const char *s)
{
	size_t i;
	bool q = false;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '?')
			q = true;
		else if (s[i] != ' ')
			return false;
	}
	return q;
}

static bool words_subset(const struct head *h, const char *const *key,
			 const char *const *extra)
{
	size_t i;
	bool found = false;

	if (h->total == 0 || h->total > HEAD_WORDS)
		return false;
	for (i = 0; i < h->n; i++) {
		if (in_list(h->w[i].low, key))
			found = true;
		else if (!in_list(h->w[i].low, extra))
			return false;
	}
	return found;
}

static const char *const winners[] = {"winners", "winner", NULL};

enum sayso_err sayso_smsparse_parse(const void *msg, size_t len,
				    struct sayso_sms_cmd *cmd)
{
	const unsigned char *in = msg;
	struct head h;
	bool single;

	if (!cmd || (!msg && len > 0))
		return SAYSO_ERR_INVAL;
	memset(cmd, 0, sizeof(*cmd));
	if (len > SAYSO_SMSPARSE_INPUT_MAX) {
		len = SAYSO_SMSPARSE_INPUT_MAX;
		/* Do not leave half a character to become U+FFFD. */
		while (len > SAYSO_SMSPARSE_INPUT_MAX - 3 &&
		       (in[len] & 0xC0) == 0x80)
			len--;
		cmd->truncated = true;
	}
	if (len > 0)
		clean_body(in, len, cmd);
	if (cmd->body[0] == '\0') {
		cmd->kind = SAYSO_SMS_EMPTY;
		return SAYSO_OK;
	}
	read_head(cmd->body, strlen(cmd->body), &h);

	if (is_stop(&h, &single)) {
		cmd->kind = SAYSO_SMS_STOP;
		cmd->keyword_only = single;
		return SAYSO_OK;
	}
	if (keyword_text(&h, start_words, &single)) {
		cmd->kind = SAYSO_SMS_START;
		cmd->keyword_only = single;
		return SAYSO_OK;
	}
	/* "help", "help me please", and a short "help vote" */
	if (keyword_text(&h, help_words, &single) ||
	    only_question_marks(cmd->body) ||
	    (h.total >= 1 && h.total <= 3 && in_list(h.w[0].low, help_words))) {
		cmd->kind = SAYSO_SMS_HELP;
		/* Twilio acts on HELP and INFO only */
		cmd->keyword_only =
		    single && (strcmp(h.w[0].low, "help") == 0 ||
			       strcmp(h.w[0].low, "info") == 0);
		return SAYSO_OK;
	}
	if (words_subset(&h, project_words, polite)) {
		cmd->kind = SAYSO_SMS_PROJECTS;
		return SAYSO_OK;
	}
	/* "PROJECTS PB26", "RESULTS PB26": the list or results of a round */
	if (h.total == 2 && !in_list(h.w[1].low, polite) &&
	    is_round_code(cmd->body, &h.w[1]) &&
	    (in_list(h.w[0].low, project_words) ||
	     in_list(h.w[0].low, result_words))) {
		cmd->kind = in_list(h.w[0].low, project_words)
				? SAYSO_SMS_PROJECTS
				: SAYSO_SMS_RESULTS;
		copy_utf8(cmd->round_code, sizeof(cmd->round_code),
			  cmd->body + h.w[1].off, h.w[1].len);
		return SAYSO_OK;
	}
	if (words_subset(&h, result_words, polite) ||
	    (h.total == 2 && strcmp(h.w[0].low, "who") == 0 &&
	     strcmp(h.w[1].low, "won") == 0) ||
	    (h.total == 1 && in_list(h.w[0].low, winners))) {
		cmd->kind = SAYSO_SMS_RESULTS;
		return SAYSO_OK;
	}
	if (try_vote(cmd, &h))
		return SAYSO_OK;
	/* try_vote may have filled fields before giving up. */
	memset(cmd->picks, 0, sizeof(cmd->picks));
	memset(cmd->dups, 0, sizeof(cmd->dups));
	cmd->npicks = cmd->nseen = cmd->ndups = 0;
	cmd->bad_number = 0;
	cmd->round_code[0] = cmd->token[0] = '\0';
	cmd->problem = SAYSO_SMSP_NONE;
	cmd->lookalike = false;

	if (try_rate(cmd, &h) || try_lone_score(cmd) || try_report(cmd, &h))
		return SAYSO_OK;
	cmd->kind = SAYSO_SMS_UNKNOWN;
	memcpy(cmd->text, cmd->body, strlen(cmd->body) + 1);
	return SAYSO_OK;
}

const char *sayso_smsparse_kind_name(enum sayso_sms_kind kind)
{
	switch (kind) {
	case SAYSO_SMS_UNKNOWN:
		return "unknown";
	case SAYSO_SMS_EMPTY:
		return "empty";
	case SAYSO_SMS_VOTE:
		return "vote";
	case SAYSO_SMS_RATE:
		return "rate";
	case SAYSO_SMS_REPORT:
		return "report";
	case SAYSO_SMS_PROJECTS:
		return "projects";
	case SAYSO_SMS_RESULTS:
		return "results";
	case SAYSO_SMS_HELP:
		return "help";
	case SAYSO_SMS_STOP:
		return "stop";
	case SAYSO_SMS_START:
		return "start";
	}
	return "unknown";
}

const char *sayso_smsparse_problem_name(enum sayso_sms_problem p)
{
	switch (p) {
	case SAYSO_SMSP_NONE:
		return "";
	case SAYSO_SMSP_AMBIGUOUS:
		return "ambiguous number";
	case SAYSO_SMSP_UNREADABLE:
		return "not a project number";
	case SAYSO_SMSP_NO_NUMBERS:
		return "no project numbers";
	case SAYSO_SMSP_TOO_LARGE:
		return "project number too large";
	case SAYSO_SMSP_TOO_MANY:
		return "too many project numbers";
	case SAYSO_SMSP_DUPLICATE:
		return "duplicate project numbers";
	case SAYSO_SMSP_NO_RATING:
		return "no rating";
	case SAYSO_SMSP_BAD_RATING:
		return "rating not 1 to 5";
	case SAYSO_SMSP_NO_TEXT:
		return "no report text";
	}
	return "";
}

/* snprintf-style bounded append. */
struct sbuf {
	char *p;
	size_t sz, len;
};

static void sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s), room;

	if (b->sz > 0 && b->len < b->sz - 1) {
		room = b->sz - 1 - b->len;
		memcpy(b->p + b->len, s, n < room ? n : room);
		b->p[b->len + (n < room ? n : room)] = '\0';
	}
	b->len += n;
}

static void sb_num(struct sbuf *b, long v)
{
	char t[24];
	size_t i = sizeof(t) - 1;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	t[i] = '\0';
	do {
		t[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		t[--i] = '-';
	sb_add(b, t + i);
}

size_t sayso_smsparse_explain(const struct sayso_sms_cmd *cmd, char *out,
			      size_t outsz)
{
	struct sbuf b = {out, outsz, 0};
	size_t i;

	if (outsz > 0)
		out[0] = '\0';
	if (!cmd)
		return 0;
	switch (cmd->problem) {
	case SAYSO_SMSP_NONE:
		break;
	case SAYSO_SMSP_AMBIGUOUS:
		sb_add(&b, "Sorry, \"");
		sb_add(&b, cmd->token);
		if (strchr(cmd->token, '-'))
			sb_add(&b, "\" looks like a range: please list each "
				   "number");
		else
			sb_add(&b, "\" could be a letter or a number: please "
				   "use digits");
		break;
	case SAYSO_SMSP_UNREADABLE:
		sb_add(&b, "Sorry, I couldn't read \"");
		sb_add(&b, cmd->token);
		sb_add(&b, "\" as a project number");
		break;
	case SAYSO_SMSP_NO_NUMBERS:
		sb_add(&b, "Your vote had no project numbers");
		break;
	case SAYSO_SMSP_TOO_LARGE:
		if (cmd->bad_number > 0) {
			sb_add(&b, "There is no project ");
			sb_num(&b, cmd->bad_number);
		} else {
			sb_add(&b, "A project number is too large");
		}
		break;
	case SAYSO_SMSP_TOO_MANY:
		sb_add(&b, "That's too many numbers (");
		sb_num(&b, (long)cmd->nseen);
		sb_add(&b, ")");
		break;
	case SAYSO_SMSP_DUPLICATE:
		sb_add(&b, "You sent ");
		for (i = 0; i < cmd->ndups && i < 5; i++) {
			if (i > 0)
				sb_add(&b,
				       i + 1 == cmd->ndups ? " and " : ", ");
			sb_num(&b, cmd->dups[i]);
		}
		if (cmd->ndups > 5)
			sb_add(&b, "...");
		sb_add(&b, " more than once");
		break;
	case SAYSO_SMSP_NO_RATING:
		sb_add(&b, "Your rating had no score");
		break;
	case SAYSO_SMSP_BAD_RATING:
		if (cmd->token[0] != '\0') {
			sb_add(&b, "Sorry, \"");
			sb_add(&b, cmd->token);
			sb_add(&b, "\" is not a score from 1 to 5");
		} else {
			sb_add(&b, "A score is a number from 1 to 5");
		}
		break;
	case SAYSO_SMSP_NO_TEXT:
		sb_add(&b, "Your report had no text");
		break;
	}
	if (cmd->problem != SAYSO_SMSP_NONE)
		sb_add(&b, ".");
	return b.len;
}

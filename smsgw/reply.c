/*
 * reply.c: from a parsed text to its effect and the reply.
 *
 * The grammar is core's (sayso_smsparse_parse), the rules are core's
 * (sayso_ballot_cast, sayso_rating_add, sayso_report_add); this file only
 * chooses what to say. Replies are short plain English, folded to GSM-7
 * (smart quotes and dashes become ASCII) and fitted to one message; only
 * the project list may take up to three parts.
 *
 * Opt-out is honoured here: after STOP the resident's texts still count
 * (a vote is a vote) but get no reply until START.
 */
#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sayso/ballot.h"
#include "sayso/feedback.h"
#include "sayso/gsm7.h"
#include "sayso/round.h"
#include "sayso/sms.h"
#include "sayso/smsparse.h"

#define LIST_PARTS 3
#define TITLE_UNITS 20

int smsgw_reply_needs_ucs2(const char *utf8)
{
	return !sayso_gsm7_encodable(utf8, strlen(utf8));
}

static const char *site_name(const struct sayso_config *cfg)
{
	return cfg->site.name[0] ? cfg->site.name : "sayso";
}

/* Appends formatted text to out (bounded). */
static void add(char *out, size_t outsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(char *out, size_t outsz, const char *fmt, ...)
{
	size_t l = strlen(out);
	if (l + 1 >= outsz)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out + l, outsz - l, fmt, ap);
	va_end(ap);
}

/* One GSM-7 message (the site name is cut to 24 characters so it always
 * fits); two parts when the name makes it UCS-2. */
static void help_text(const struct sayso_config *cfg, char *out, size_t outsz)
{
	char name[SAYSO_NAME_MAX + 4];
	const char *site = site_name(cfg);
	if (sayso_gsm7_truncate(site, strlen(site), 24, name, sizeof name,
				NULL) != SAYSO_OK)
		snprintf(name, sizeof name, "sayso");
	snprintf(out, outsz,
		 "%s: VOTE 3 7 to vote, PROJECTS for the list, RATE 1-5 for "
		 "the area, REPORT and a problem, RESULTS. STOP to opt out.",
		 name);
}

static void short_title(const char *title, char *out, size_t outsz)
{
	if (sayso_gsm7_truncate(title, strlen(title), TITLE_UNITS, out, outsz,
				NULL) != SAYSO_OK)
		snprintf(out, outsz, "%.20s", title);
}

static void when_text(int64_t ms, char *out, size_t outsz)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, outsz, "%d %b at %H:%M", &tm);
}

static const char *channel_words(enum sayso_channel ch)
{
	switch (ch) {
	case SAYSO_CH_KIOSK:
		return "at a kiosk";
	case SAYSO_CH_SMS:
		return "by text";
	case SAYSO_CH_PAPER:
		return "on paper";
	case SAYSO_CH_IMPORT:
		return "(imported)";
	}
	return "";
}

/* Finds the round a text is about; fills reply and returns false when
 * there is none (not a storage error). */
static enum sayso_err pick_round(struct sayso_store *st, const char *code,
				 struct sayso_round *r, char *reply,
				 size_t replysz, bool *found)
{
	int nopen = 0;
	*found = false;
	enum sayso_err e =
	    sayso_round_current(st, code && *code ? code : NULL, r, &nopen);
	if (e == SAYSO_OK) {
		*found = true;
		return SAYSO_OK;
	}
	if (e == SAYSO_ERR_NOTFOUND) {
		if (code && *code)
			snprintf(reply, replysz,
				 "There is no vote called %s. Text PROJECTS "
				 "to see what is open.",
				 code);
		else
			snprintf(reply, replysz,
				 "There is no vote open right now. Thank you "
				 "for trying!");
		return SAYSO_OK;
	}
	if (e == SAYSO_ERR_STATE) {
		struct sayso_round *rs = NULL;
		size_t n = 0;
		snprintf(reply, replysz,
			 "%d votes are open: start with the vote's code, e.g. "
			 "VOTE <CODE> 3 7. Codes:",
			 nopen);
		if (sayso_round_list(st, &rs, &n) == SAYSO_OK) {
			for (size_t i = 0; i < n; i++)
				if (rs[i].state == SAYSO_ROUND_OPEN)
					add(reply, replysz, " %s", rs[i].code);
		}
		free(rs);
		return SAYSO_OK;
	}
	/* storage errors and the rest go to the caller */
	return e;
}

static enum sayso_err do_vote(struct sayso_store *st,
			      const struct sayso_sms_cmd *cmd, const char *rid,
			      int64_t now_ms, char *reply, size_t replysz,
			      char *outcome, size_t outcomesz)
{
	char why[160];
	if (cmd->problem != SAYSO_SMSP_NONE &&
	    cmd->problem != SAYSO_SMSP_DUPLICATE) {
		sayso_smsparse_explain(cmd, why, sizeof why);
		snprintf(reply, replysz,
			 "%s Text VOTE and the project numbers, e.g. VOTE 3 7. "
			 "PROJECTS for the list.",
			 why);
		snprintf(outcome, outcomesz, "vote_unreadable");
		return SAYSO_OK;
	}
	struct sayso_round r;
	bool found;
	enum sayso_err e =
	    pick_round(st, cmd->round_code, &r, reply, replysz, &found);
	if (e != SAYSO_OK || !found) {
		snprintf(outcome, outcomesz, "vote_noround");
		return e;
	}
	struct sayso_pick picks[SAYSO_SMSPARSE_PICKS_MAX];
	for (size_t i = 0; i < cmd->npicks; i++) {
		picks[i].number = cmd->picks[i];
		picks[i].points = 1;
	}
	struct sayso_ballot_in in = {
	    .round_code = r.code,
	    .resident_id = rid,
	    .channel = SAYSO_CH_SMS,
	    .cast_at_ms = now_ms,
	    .picks = picks,
	    .npicks = cmd->npicks,
	};
	struct sayso_cast_result res;
	memset(&res, 0, sizeof res);
	e = sayso_ballot_cast(st, &in, &res);
	if (e == SAYSO_ERR_STATE || e == SAYSO_ERR_NOTFOUND) {
		snprintf(reply, replysz, "Voting in %s is not open.", r.title);
		snprintf(outcome, outcomesz, "vote_closed");
		return SAYSO_OK;
	}
	if (e != SAYSO_OK)
		return e;
	char when[40];
	switch (res.outcome) {
	case SAYSO_CAST_ACCEPTED:
	case SAYSO_CAST_REPLACED: {
		struct sayso_project *ps = NULL;
		size_t np = 0;
		snprintf(reply, replysz, "Thanks, your vote is counted:");
		if (sayso_project_list(st, r.id, &ps, &np) == SAYSO_OK) {
			for (size_t i = 0; i < cmd->npicks; i++) {
				for (size_t k = 0; k < np; k++) {
					if (ps[k].number != cmd->picks[i])
						continue;
					char t[64];
					short_title(ps[k].title, t, sizeof t);
					add(reply, replysz, "%s %d %s",
					    i ? "," : "", ps[k].number, t);
				}
			}
		}
		free(ps);
		add(reply, replysz, ".");
		if (res.outcome == SAYSO_CAST_REPLACED) {
			when_text(res.prev_cast_at_ms, when, sizeof when);
			add(reply, replysz, " It replaces your vote of %s.",
			    when);
		}
		snprintf(outcome, outcomesz, "vote");
		break;
	}
	case SAYSO_CAST_ALREADY_VOTED:
		when_text(res.prev_cast_at_ms, when, sizeof when);
		snprintf(reply, replysz,
			 "You already voted on %s %s. Only your first vote "
			 "counts, so this one was not added.",
			 when, channel_words(res.prev_channel));
		snprintf(outcome, outcomesz, "vote_already");
		break;
	case SAYSO_CAST_INVALID:
		snprintf(reply, replysz,
			 "Sorry, that vote can't be counted: %s. Text PROJECTS "
			 "for the list.",
			 res.reason);
		snprintf(outcome, outcomesz, "vote_invalid");
		break;
	}
	return SAYSO_OK;
}

static enum sayso_err do_rate(struct sayso_store *st,
			      const struct sayso_config *cfg,
			      const struct sayso_sms_cmd *cmd, const char *rid,
			      int64_t now_ms, char *reply, size_t replysz,
			      char *outcome, size_t outcomesz)
{
	if (cmd->problem != SAYSO_SMSP_NONE || cmd->score < 1 ||
	    cmd->score > 5) {
		char why[160];
		sayso_smsparse_explain(cmd, why, sizeof why);
		snprintf(reply, replysz,
			 "%s Text RATE and a number from 1 (very unhappy) to 5 "
			 "(very happy).",
			 why);
		snprintf(outcome, outcomesz, "rating_unreadable");
		return SAYSO_OK;
	}
	struct sayso_rating_in in = {
	    .score = cmd->score,
	    .resident_id = rid,
	    .channel = SAYSO_CH_SMS,
	    .cast_at_ms = now_ms,
	};
	char uid[SAYSO_UID_LEN + 1];
	enum sayso_err e = sayso_rating_add(st, &in, uid, sizeof uid);
	if (e != SAYSO_OK)
		return e;
	if (cmd->text[0]) {
		/* "RATE 5 love the new park": the comment is the answer to
		 * the follow-up question, so none is asked. */
		e = sayso_rating_set_followup(st, uid, "best", cmd->text);
		if (e != SAYSO_OK)
			return e;
		snprintf(reply, replysz,
			 "Thanks for your rating (%d/5) and your words: we've "
			 "added them to your rating.",
			 cmd->score);
		snprintf(outcome, outcomesz, "rating_comment");
		return SAYSO_OK;
	}
	int64_t until = now_ms + (int64_t)cfg->smsgw.followup_minutes * 60000;
	e = sayso_convo_set(st, rid, "rating_followup", uid, until);
	if (e != SAYSO_OK)
		return e;
	snprintf(reply, replysz,
		 "Thanks for your rating (%d/5). What's the best thing about "
		 "the area? Reply with a few words.",
		 cmd->score);
	snprintf(outcome, outcomesz, "rating");
	return SAYSO_OK;
}

static enum sayso_err do_report(struct sayso_store *st,
				const struct sayso_config *cfg,
				const struct sayso_sms_cmd *cmd,
				const char *rid, int64_t now_ms, char *reply,
				size_t replysz, char *outcome, size_t outcomesz)
{
	if (cmd->problem != SAYSO_SMSP_NONE || !cmd->text[0]) {
		snprintf(reply, replysz,
			 "Tell us what and where, e.g. REPORT fly-tipping in "
			 "the alley behind Keats Road.");
		snprintf(outcome, outcomesz, "report_empty");
		return SAYSO_OK;
	}
	const char *cat = sayso_report_guess_category(cmd->text);
	int si = -1;
	if (cfg->site.streets.n)
		si = sayso_street_match(cmd->text, cfg->site.streets.items,
					cfg->site.streets.n);
	char text[SAYSO_REPORT_TEXT_MAX + 1];
	/* Keep the first SAYSO_REPORT_TEXT_MAX bytes, cut at a UTF-8
	 * boundary. */
	size_t tl = strlen(cmd->text);
	if (tl > SAYSO_REPORT_TEXT_MAX) {
		tl = SAYSO_REPORT_TEXT_MAX;
		while (tl > 0 && ((unsigned char)cmd->text[tl] & 0xC0) == 0x80)
			tl--;
	}
	memcpy(text, cmd->text, tl);
	text[tl] = '\0';
	struct sayso_report_in in = {
	    .category = cat,
	    .street = si >= 0 ? cfg->site.streets.items[si] : NULL,
	    .text = text,
	    .resident_id = rid,
	    .channel = SAYSO_CH_SMS,
	    .cast_at_ms = now_ms,
	};
	char ref[SAYSO_REF_LEN + 1];
	enum sayso_err e = sayso_report_add(st, &in, ref, sizeof ref);
	if (e != SAYSO_OK)
		return e;
	/* "Reply FIXED": the same update the kiosk's "text me when fixed"
	 * holds in the outbox (released by sayso-admin report ... resolved). */
	int64_t until = now_ms + (int64_t)cfg->smsgw.followup_minutes * 60000;
	e = sayso_convo_set(st, rid, "report_notify", ref, until);
	if (e != SAYSO_OK)
		return e;
	snprintf(reply, replysz,
		 "Thanks, your report is logged as %s (%s%s%s).", ref, cat,
		 si >= 0 ? ", " : "",
		 si >= 0 ? cfg->site.streets.items[si] : "");
	add(reply, replysz, " Reply FIXED to get a text when it's fixed.");
	snprintf(outcome, outcomesz, "report");
	return SAYSO_OK;
}

static enum sayso_err do_projects(struct sayso_store *st,
				  const struct sayso_sms_cmd *cmd, char *reply,
				  size_t replysz, char *outcome,
				  size_t outcomesz)
{
	struct sayso_round r;
	bool found;
	snprintf(outcome, outcomesz, "projects");
	enum sayso_err e =
	    pick_round(st, cmd->round_code, &r, reply, replysz, &found);
	if (e != SAYSO_OK || !found)
		return e;
	struct sayso_project *ps = NULL;
	size_t np = 0;
	e = sayso_project_list(st, r.id, &ps, &np);
	if (e != SAYSO_OK)
		return e;
	char money[48];
	sayso_money_format(r.budget, r.currency, money, sizeof money);
	snprintf(reply, replysz, "%s (budget %s):", r.title, money);
	for (size_t i = 0; i < np; i++) {
		char t[64];
		short_title(ps[i].title, t, sizeof t);
		sayso_money_format(ps[i].cost, r.currency, money, sizeof money);
		add(reply, replysz, " %d %s %s;", ps[i].number, t, money);
	}
	free(ps);
	add(reply, replysz, " Text VOTE and numbers, e.g. VOTE 1 3.");
	return SAYSO_OK;
}

/* Folds to GSM-7 where possible and fits the reply to max_parts. */
static void finish(char *reply, size_t replysz, size_t max_parts)
{
	char folded[SMSGW_REPLY_MAX * 2];
	size_t fl =
	    sayso_gsm7_fold(reply, strlen(reply), folded, sizeof folded);
	if (fl >= sizeof folded)
		fl = strlen(folded);
	struct sayso_sms_part parts[LIST_PARTS];
	size_t np = 0;
	if (max_parts > LIST_PARTS)
		max_parts = LIST_PARTS;
	enum sayso_err e =
	    sayso_gsm7_split(folded, fl, true, parts, max_parts, &np);
	if (e == SAYSO_OK) {
		snprintf(reply, replysz, "%s", folded);
		return;
	}
	if (max_parts == 1) {
		if (sayso_gsm7_fit_one(folded, fl, reply, replysz, NULL) !=
		    SAYSO_OK)
			snprintf(reply, replysz, "%.150s", folded);
		return;
	}
	/* Too long even for three parts: keep what fits, end with "...". */
	size_t keep = parts[np ? np - 1 : 0].off + parts[np ? np - 1 : 0].len;
	if (keep > 4)
		keep -= 4;
	snprintf(reply, replysz, "%.*s ...", (int)keep, folded);
}

/* "FIXED", "fixed please", "Fixed!", "yes fixed": the answer to "Reply
 * FIXED". */
static bool is_fixed_word(const char *text)
{
	char low[32];
	size_t j = 0;
	for (const char *p = text; *p && j + 1 < sizeof low; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || c == ' ')
			low[j++] = c;
	}
	low[j] = '\0';
	return strcmp(low, "fixed") == 0 || strcmp(low, "fixed please") == 0 ||
	       strcmp(low, "yes fixed") == 0 ||
	       strcmp(low, "fixed thanks") == 0;
}

enum sayso_err smsgw_reply_handle(struct sayso_store *st,
				  const struct sayso_config *cfg,
				  const char *resident_id, const char *body,
				  int64_t now_ms, char *reply, size_t replysz,
				  char *outcome, size_t outcomesz)
{
	return smsgw_reply_handle_from(st, cfg, resident_id, NULL, body, now_ms,
				       reply, replysz, outcome, outcomesz);
}

enum sayso_err
smsgw_reply_handle_from(struct sayso_store *st, const struct sayso_config *cfg,
			const char *resident_id, const char *from_e164,
			const char *body, int64_t now_ms, char *reply,
			size_t replysz, char *outcome, size_t outcomesz)
{
	struct sayso_sms_cmd *cmd = malloc(sizeof *cmd);
	if (!cmd)
		return SAYSO_ERR_NOMEM;
	reply[0] = '\0';
	enum sayso_err e = sayso_smsparse_parse(body, strlen(body), cmd);
	if (e != SAYSO_OK)
		goto out;
	snprintf(outcome, outcomesz, "%s", sayso_smsparse_kind_name(cmd->kind));
	/* A text naming no round means the site's default round, if one is
	 * configured, else the only open one. */
	if (!cmd->round_code[0] && cfg->site.round[0])
		snprintf(cmd->round_code, sizeof cmd->round_code, "%s",
			 cfg->site.round);

	bool opted_out = false;
	e = sayso_optout_get(st, resident_id, &opted_out);
	if (e != SAYSO_OK)
		goto out;

	size_t parts = 1;
	switch (cmd->kind) {
	case SAYSO_SMS_STOP:
		e = sayso_optout_set(st, resident_id, true);
		goto out; /* no reply: that is what STOP means */
	case SAYSO_SMS_START:
		e = sayso_optout_set(st, resident_id, false);
		opted_out = false;
		snprintf(reply, replysz,
			 "You will get replies from %s again. Text HELP for "
			 "what you can send.",
			 site_name(cfg));
		break;
	case SAYSO_SMS_HELP:
		help_text(cfg, reply, replysz);
		parts = 2;
		break;
	case SAYSO_SMS_VOTE:
		e = do_vote(st, cmd, resident_id, now_ms, reply, replysz,
			    outcome, outcomesz);
		break;
	case SAYSO_SMS_RATE:
		e = do_rate(st, cfg, cmd, resident_id, now_ms, reply, replysz,
			    outcome, outcomesz);
		break;
	case SAYSO_SMS_REPORT:
		e = do_report(st, cfg, cmd, resident_id, now_ms, reply, replysz,
			      outcome, outcomesz);
		break;
	case SAYSO_SMS_PROJECTS:
		e = do_projects(st, cmd, reply, replysz, outcome, outcomesz);
		parts = LIST_PARTS;
		break;
	case SAYSO_SMS_RESULTS:
		if (cfg->site.results_url[0])
			snprintf(reply, replysz, "Results: %s",
				 cfg->site.results_url);
		else
			snprintf(reply, replysz,
				 "Results will be published when voting "
				 "closes.");
		break;
	case SAYSO_SMS_UNKNOWN:
	case SAYSO_SMS_EMPTY: {
		char kind[32], ref[SAYSO_UID_LEN + 8];
		bool found = false;
		if (cmd->kind == SAYSO_SMS_UNKNOWN) {
			e = sayso_convo_take(st, resident_id, now_ms, kind,
					     sizeof kind, ref, sizeof ref,
					     &found);
			if (e != SAYSO_OK)
				goto out;
		}
		if (found && strcmp(kind, "report_notify") == 0 &&
		    is_fixed_word(cmd->text)) {
			if (!from_e164) {
				snprintf(reply, replysz,
					 "Sorry, we couldn't note that. Please "
					 "quote %s if you contact us.",
					 ref);
			} else {
				char key[SAYSO_UID_LEN + 16];
				snprintf(key, sizeof key, "report:%s", ref);
				e = sayso_outbox_hold(st, from_e164, key, NULL);
				if (e != SAYSO_OK)
					goto out;
				snprintf(reply, replysz,
					 "OK, we'll text you when report %s "
					 "is fixed.",
					 ref);
			}
			snprintf(outcome, outcomesz, "report_notify");
		} else if (found && strcmp(kind, "rating_followup") == 0) {
			e = sayso_rating_set_followup(st, ref, "best",
						      cmd->text);
			if (e == SAYSO_ERR_NOTFOUND)
				e = SAYSO_OK;
			if (e != SAYSO_OK)
				goto out;
			snprintf(reply, replysz,
				 "Thank you, we've added that to your "
				 "rating.");
			snprintf(outcome, outcomesz, "followup");
		} else {
			snprintf(reply, replysz,
				 "Sorry, I didn't understand. Text VOTE 3 7 to "
				 "vote, RATE 1-5, REPORT and a problem, or "
				 "HELP.");
		}
		break;
	}
	}
	if (e != SAYSO_OK)
		goto out;
	if (opted_out)
		reply[0] = '\0';
	if (reply[0])
		finish(reply, replysz, parts);
out:
	if (e != SAYSO_OK)
		reply[0] = '\0';
	free(cmd);
	return e;
}

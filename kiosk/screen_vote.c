/*
 * screen_vote.c: "Vote on projects": identify (mobile number on a big
 * keypad, or a voter code), an optional SMS code check, project cards with
 * a live counter (approval) or budget bar (knapsack), review, submit.
 *
 * Every rule comes from libsaysocore. While choosing, each added pick is
 * checked with sayso_ballot_validate() against the round with its minimum
 * relaxed (a half-made ballot is allowed to be too short, never too long or
 * over budget), so a refusal is explained at the moment of the tap; the
 * final check and the one-vote rule run again inside sayso_ballot_cast().
 * Who may vote (issued voter codes, the round's identity setting) is asked
 * of core at identify and again inside the cast.
 * The typed number is dropped as soon as the resident id is known; with
 * verify = sms it lives on only in the outbox row that carries the code.
 */
#include "kiosk.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include "sayso/codes.h"
#include "sayso/log.h"
#include "sayso/misuse.h"
#include "sayso/utf8.h"
#include "sayso/sms.h"

/* Six cards in two columns; large text reflows them to three, one per
 * row at full width, and pages on. */
#define CARDS_PER_PAGE (app->large ? 3 : 6)
#define CARD_COLUMNS (app->large ? 1 : 2)
enum { V_MODE = 100, V_CARD };

/* ---- identify ---- */

static enum sayso_err save_identify(struct kiosk_app *app,
				    enum kiosk_screen_id *next)
{
	enum sayso_err err;
	bool found = false;

	err = sayso_store_resident(app->st, app->s.id_kind, app->s.id_norm,
				   app->s.resident, sizeof(app->s.resident));
	if (err != SAYSO_OK)
		return err;
	/* Who may vote is core's decision: asked now, so that a refused code
	 * hears why before choosing anything (sayso_ballot_cast asks again).
	 * A number waiting for its texted code is asked once it is proven. */
	if (app->s.id_kind == SAYSO_ID_CODE ||
	    app->cfg.kiosk.verify != SAYSO_VERIFY_SMS) {
		struct sayso_eligibility el;
		err =
		    sayso_ballot_eligible(app->st, &app->round, app->s.resident,
					  SAYSO_CH_KIOSK, false, &el);
		if (err != SAYSO_OK)
			return err;
		if (!el.ok) {
			sayso_log(SAYSO_LOG_INFO, "identity refused: %s",
				  el.why);
			struct sayso_refusal ref = {.code = el.code};
			if (el.code != SAYSO_REASON_NONE)
				kiosk_reason_text(app, &ref, app->s.carry,
						  sizeof(app->s.carry));
			else
				snprintf(app->s.carry, sizeof(app->s.carry),
					 "%s", el.why);
			memset(app->s.resident, 0, sizeof(app->s.resident));
			memset(app->s.id_typed, 0, sizeof(app->s.id_typed));
			memset(app->s.id_norm, 0, sizeof(app->s.id_norm));
			*next = KS_VOTE_ID;
			return SAYSO_OK;
		}
	}
	err = sayso_ballot_find(app->st, app->round.id, app->s.resident, &found,
				&app->s.prev_cast_at_ms, &app->s.prev_channel);
	if (err != SAYSO_OK)
		return err;
	bool already = found && !sayso_round_revote_allows(&app->round);
	if (app->cfg.kiosk.verify == SAYSO_VERIFY_SMS &&
	    app->s.id_kind == SAYSO_ID_PHONE) {
		/* The code comes first, even for someone who already voted:
		 * typing a neighbour's number must not tell whether they
		 * voted. */
		unsigned char rnd[4];
		char body[480]; /* a text in any language (UTF-8) */
		enum sayso_code_limit lim;
		int64_t sent = 0, now = sayso_time_now_ms();
		err = sayso_code_allowed(
		    app->st, app->s.resident, app->device, now,
		    app->cfg.kiosk.code_limit_per_number,
		    app->cfg.kiosk.code_limit_per_hour, &lim, &sent);
		if (err != SAYSO_OK)
			return err;
		if (lim != SAYSO_CODE_OK) {
			char n[24];
			snprintf(n, sizeof(n), "%lld", (long long)sent);
			kiosk_fmt(app->s.carry, sizeof(app->s.carry),
				  kiosk_s(app, lim == SAYSO_CODE_LIMIT_NUMBER
						   ? "vote.sms_limit_number"
						   : "vote.sms_limit_kiosk"),
				  "n", n, NULL);
			sayso_log(SAYSO_LOG_WARN, "voting code not sent: %s",
				  lim == SAYSO_CODE_LIMIT_NUMBER
				      ? "limit per number reached"
				      : "limit per kiosk reached");
			memset(app->s.resident, 0, sizeof(app->s.resident));
			*next = KS_VOTE_ID;
			return SAYSO_OK;
		}
		if (!app->s.sms_code[0]) {
			err = sayso_random_bytes(rnd, sizeof(rnd));
			if (err != SAYSO_OK)
				return err;
			uint32_t v = ((uint32_t)rnd[0] << 24) |
				     ((uint32_t)rnd[1] << 16) |
				     ((uint32_t)rnd[2] << 8) | rnd[3];
			snprintf(app->s.sms_code, sizeof(app->s.sms_code),
				 "%06u", (unsigned)(v % 1000000u));
		}
		kiosk_fmt(body, sizeof(body), kiosk_s(app, "vote.sms_text"),
			  "code", app->s.sms_code, "site", app->cfg.site.name,
			  NULL);
		err = sayso_store_begin(app->st);
		if (err != SAYSO_OK)
			return err;
		err =
		    sayso_outbox_queue(app->st, app->s.id_norm, body, 0, NULL);
		if (err == SAYSO_OK)
			err = sayso_code_record(app->st, app->s.resident,
						app->device, now);
		if (err == SAYSO_OK)
			err = sayso_store_commit(app->st);
		if (err != SAYSO_OK) {
			sayso_store_rollback(app->st);
			return err;
		}
		app->s.sms_code_at = SDL_GetTicks64();
		app->s.already = already;
		*next = KS_VOTE_SMS;
	} else if (app->s.id_kind == SAYSO_ID_PHONE &&
		   app->cfg.kiosk.verify == SAYSO_VERIFY_CODE) {
		/* Voter codes only: a number proves nothing here. */
		memset(app->s.resident, 0, sizeof(app->s.resident));
		snprintf(app->s.carry, sizeof(app->s.carry), "%s",
			 kiosk_s(app, "vote.need_code"));
		*next = KS_VOTE_ID;
	} else {
		*next = already ? KS_VOTE_ALREADY : KS_VOTE_PICK;
	}
	/* The resident id is all the vote needs from here on. */
	memset(app->s.id_typed, 0, sizeof(app->s.id_typed));
	memset(app->s.id_norm, 0, sizeof(app->s.id_norm));
	return SAYSO_OK;
}

static void identify(struct kiosk_app *app)
{
	enum sayso_reason why = SAYSO_REASON_NONE;
	enum sayso_err err;

	if (!app->s.id_typed[0]) {
		snprintf(app->s.message, sizeof(app->s.message), "%s",
			 kiosk_s(app, app->s.code_mode ? "vote.need_code"
						       : "vote.need_phone"));
		return;
	}
	if (app->s.code_mode) {
		app->s.id_kind = SAYSO_ID_CODE;
		err = sayso_code_check(app->s.id_typed, app->s.id_norm,
				       sizeof(app->s.id_norm), &why);
	} else {
		app->s.id_kind = SAYSO_ID_PHONE;
		err = sayso_phone_check(app->s.id_typed, app->s.id_norm,
					sizeof(app->s.id_norm), &why);
	}
	if (err != SAYSO_OK) {
		if (app->s.code_mode || why == SAYSO_REASON_NONE) {
			snprintf(app->s.message, sizeof(app->s.message), "%s",
				 kiosk_s(app, app->s.code_mode
						  ? "vote.bad_code"
						  : "phone.invalid"));
		} else {
			kiosk_phone_message(app, why);
		}
		return;
	}
	kiosk_save(app, save_identify, KS_VOTE_PICK);
}

static void id_type(struct kiosk_app *app, const char *text)
{
	for (const char *p = text; *p; p++) {
		char t[2] = {*p, 0};
		if (app->s.code_mode ? isalnum((unsigned char)*p) || *p == '-'
				     : isdigit((unsigned char)*p) ||
					   *p == '+' || *p == ' ') {
			if (app->s.code_mode)
				t[0] = (char)toupper((unsigned char)*p);
			kiosk_buf_append(app->s.id_typed,
					 sizeof(app->s.id_typed), t);
			app->s.typed_at = SDL_GetTicks64();
		}
	}
	app->s.message[0] = '\0';
}

static void id_enter(struct kiosk_app *app)
{
	if (app->cfg.kiosk.verify == SAYSO_VERIFY_CODE)
		app->s.code_mode = true;
}

static bool id_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	struct kiosk_entry e = {app->s.id_typed, id_type, identify};

	if (in->kind == KI_ACTIVATE && in->w->action == V_MODE &&
	    app->cfg.kiosk.verify != SAYSO_VERIFY_CODE) {
		app->s.code_mode = !app->s.code_mode;
		memset(app->s.id_typed, 0, sizeof(app->s.id_typed));
		app->s.symbols = false;
		return true;
	}
	if (in->kind == KI_ACTIVATE && in->w->action == KA_KEY &&
	    in->w->arg == KK_MODE) {
		app->s.symbols = !app->s.symbols;
		return true;
	}
	return kiosk_entry_event(app, in, &e);
}

static void id_draw(struct kiosk_app *app)
{
	bool code_only = app->cfg.kiosk.verify == SAYSO_VERIFY_CODE;
	char shown[3 * sizeof(app->s.id_typed) + 1];

	const char *body =
	    kiosk_s(app, code_only	    ? "vote.id_code_only_body"
			 : app->s.code_mode ? "vote.id_code_body"
					    : "vote.id_phone_body");
	kiosk_draw_title(app, kiosk_s(app, "vote.id_title"), NULL);
	kiosk_say_question(app, body);
	kiosk_text_wrapped(app->as, KF_BODY, body, 160, 200,
			   app->s.code_mode ? 740 : 860, KC_TEXT);
	kiosk_text(app->as, KF_BODY,
		   kiosk_s(app, app->s.code_mode ? "vote.code_label"
						 : "vote.phone_label"),
		   160, 400, KC_MUTED);
	/* Code mode needs a full keyboard: the left column narrows. */
	int colw = app->s.code_mode ? 740 : 860;
	SDL_Rect field = {160, 450, colw, 110};
	kiosk_fill(app->ren, field, KC_BG);
	kiosk_frame(app->ren, field, 3, KC_BORDER);
	kiosk_mask(app, app->s.id_typed, shown, sizeof(shown));
	kiosk_text(app->as, KF_TITLE, shown, field.x + 24, field.y + 18,
		   KC_TEXT);
	kiosk_draw_message(app, 580, colw);
	if (!code_only)
		kiosk_ui_add(app, KW_SECONDARY, 160, 740, colw, 100, V_MODE, 0,
			     kiosk_s(app, app->s.code_mode ? "vote.use_phone"
							   : "vote.use_code"));
	if (app->s.code_mode)
		kiosk_keyboard_add(app, (SDL_Rect){960, 260, 800, 520}, false,
				   app->s.symbols);
	else
		kiosk_keypad_add(app, (SDL_Rect){1120, 200, 640, 680}, true);
	kiosk_add_nav(app, "nav.cancel", "nav.next");
}

const struct kiosk_screen kiosk_screen_vote_id = {
    .name = "vote_identify",
    .enter = id_enter,
    .event = id_event,
    .draw = id_draw,
};

/* ---- SMS code check ---- */

static void sms_check(struct kiosk_app *app)
{
	size_t a = strlen(app->s.sms_typed), b = strlen(app->s.sms_code);
	unsigned diff = a != b;

	if (SDL_GetTicks64() - app->s.sms_code_at > KIOSK_CODE_TTL_MS) {
		memset(app->s.sms_code, 0, sizeof(app->s.sms_code));
		memset(app->s.sms_typed, 0, sizeof(app->s.sms_typed));
		snprintf(app->s.message, sizeof(app->s.message), "%s",
			 kiosk_s(app, "vote.sms_expired"));
		sayso_log(SAYSO_LOG_INFO, "SMS code expired");
		return;
	}
	/* Compare every character whatever the length. */
	for (size_t i = 0; i < b; i++)
		diff |= (unsigned)(app->s.sms_typed[i < a ? i : 0] ^
				   app->s.sms_code[i]);
	if (!diff && b > 0) {
		memset(app->s.sms_code, 0, sizeof(app->s.sms_code));
		kiosk_go(app, app->s.already ? KS_VOTE_ALREADY : KS_VOTE_PICK);
		return;
	}
	app->s.sms_tries++;
	memset(app->s.sms_typed, 0, sizeof(app->s.sms_typed));
	sayso_log(SAYSO_LOG_INFO, "SMS code check failed (%d)",
		  app->s.sms_tries);
	if (app->s.sms_tries >= 3) {
		kiosk_session_wipe(&app->s);
		snprintf(app->s.carry, sizeof(app->s.carry), "%s",
			 kiosk_s(app, "vote.sms_gave_up"));
		kiosk_go(app, KS_ATTRACT);
		return;
	}
	snprintf(app->s.message, sizeof(app->s.message), "%s",
		 kiosk_s(app, "vote.sms_wrong"));
}

/* The SMS code is digits only. */
static void sms_type(struct kiosk_app *app, const char *text)
{
	for (const char *p = text; *p; p++)
		if (isdigit((unsigned char)*p)) {
			char t[2] = {*p, 0};
			kiosk_buf_append(app->s.sms_typed,
					 sizeof(app->s.sms_typed), t);
			app->s.typed_at = SDL_GetTicks64();
		}
}

static bool sms_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	struct kiosk_entry e = {app->s.sms_typed, sms_type, sms_check};

	return kiosk_entry_event(app, in, &e);
}

static void sms_draw(struct kiosk_app *app)
{
	kiosk_draw_title(app, kiosk_s(app, "vote.sms_title"), NULL);
	kiosk_say_question(app, kiosk_s(app, "vote.sms_body"));
	kiosk_text_wrapped(app->as, KF_BODY, kiosk_s(app, "vote.sms_body"), 160,
			   200, 860, KC_TEXT);
	SDL_Rect field = {160, 450, 560, 110};
	kiosk_fill(app->ren, field, KC_BG);
	kiosk_frame(app->ren, field, 3, KC_BORDER);
	char shown[3 * sizeof(app->s.sms_typed) + 1];
	kiosk_mask(app, app->s.sms_typed, shown, sizeof(shown));
	kiosk_text(app->as, KF_TITLE, shown, field.x + 24, field.y + 18,
		   KC_TEXT);
	kiosk_draw_message(app, 580, 860);
	kiosk_keypad_add(app, (SDL_Rect){1120, 200, 640, 680}, false);
	kiosk_add_nav(app, "nav.cancel", "nav.next");
}

const struct kiosk_screen kiosk_screen_vote_sms = {
    .name = "vote_sms",
    .event = sms_event,
    .draw = sms_draw,
};

/* ---- choosing projects ---- */

bool kiosk_vote_picked(const struct kiosk_app *app, int number)
{
	return sayso_project_number_valid(number) && app->s.picked[number];
}

/* The picked projects in round order; at most SAYSO_MAX_PICKS (more is
 * refused by toggle before it can happen). */
static size_t collect(struct kiosk_app *app, struct sayso_pick *picks,
		      int64_t *total)
{
	size_t n = 0;

	*total = 0;
	for (size_t i = 0; i < app->nprojects && n < SAYSO_MAX_PICKS; i++) {
		if (!kiosk_vote_picked(app, app->projects[i].number))
			continue;
		picks[n].number = app->projects[i].number;
		picks[n].points = 1;
		*total += app->projects[i].cost;
		n++;
	}
	return n;
}

static void toggle(struct kiosk_app *app, int number)
{
	struct sayso_pick picks[SAYSO_MAX_PICKS];
	struct sayso_refusal why = {0};
	char reason[SAYSO_REASON_MAX], en[SAYSO_REASON_MAX];
	int64_t total;
	size_t i;

	if (!sayso_project_number_valid(number))
		return;
	for (i = 0; i < app->nprojects; i++)
		if (app->projects[i].number == number)
			break;
	if (i >= app->nprojects)
		return;
	app->s.pick_page = (int)(i / CARDS_PER_PAGE);
	app->s.message[0] = '\0';
	if (app->s.picked[number]) {
		app->s.picked[number] = false;
		return;
	}
	size_t before = collect(app, picks, &total);
	app->s.picked[number] = true;
	size_t n = collect(app, picks, &total);
	struct sayso_round relaxed = app->round;
	relaxed.min_picks = 0;
	bool refused = false;
	if (n == before) { /* already SAYSO_MAX_PICKS chosen */
		why.code = SAYSO_REASON_MAX_PICKS;
		why.arg[0] = SAYSO_MAX_PICKS;
		refused = true;
	} else {
		refused = sayso_ballot_check(
			      &relaxed, app->projects, app->nprojects, picks, n,
			      sayso_time_now_ms(), &why) != SAYSO_OK;
	}
	if (refused) {
		app->s.picked[number] = false;
		kiosk_reason_text(app, &why, reason, sizeof(reason));
		kiosk_fmt(app->s.message, sizeof(app->s.message),
			  kiosk_s(app, "vote.cannot_add"), "reason", reason,
			  NULL);
		sayso_refusal_english(&why, en, sizeof(en));
		sayso_log(SAYSO_LOG_INFO, "pick %d refused: %s", number, en);
	}
}

void kiosk_vote_toggle(struct kiosk_app *app, int number)
{
	toggle(app, number);
}

static void pick_next(struct kiosk_app *app)
{
	struct sayso_pick picks[SAYSO_MAX_PICKS];
	struct sayso_refusal why;
	int64_t total;
	size_t n = collect(app, picks, &total);

	if (sayso_ballot_check(&app->round, app->projects, app->nprojects,
			       picks, n, sayso_time_now_ms(),
			       &why) != SAYSO_OK) {
		kiosk_reason_text(app, &why, app->s.message,
				  sizeof(app->s.message));
		return;
	}
	kiosk_go(app, KS_VOTE_REVIEW);
}

static bool number_exists(const struct kiosk_app *app, int number)
{
	for (size_t i = 0; i < app->nprojects; i++)
		if (app->projects[i].number == number)
			return true;
	return false;
}

void kiosk_vote_digit_flush(struct kiosk_app *app)
{
	int d = app->digit_pending;

	app->digit_pending = 0;
	if (d)
		toggle(app, d);
}

/* Digits pick projects by number. A digit that could start a longer number
 * in this round (1 when there are projects 10-12) waits briefly for the next
 * one; a pair that names no project is taken as two single digits. */
static void pick_digit(struct kiosk_app *app, int d)
{
	if (app->digit_pending) {
		int both = app->digit_pending * 10 + d;
		if (number_exists(app, both)) {
			app->digit_pending = 0;
			toggle(app, both);
			return;
		}
		kiosk_vote_digit_flush(app);
	}
	if (d == 0)
		return;
	for (int k = d * 10; k <= d * 10 + 9; k++)
		if (number_exists(app, k)) {
			app->digit_pending = d;
			app->digit_at = SDL_GetTicks64();
			return;
		}
	toggle(app, d);
}

static bool any_picked(const struct kiosk_app *app)
{
	for (size_t i = 0; i < app->nprojects; i++)
		if (kiosk_vote_picked(app, app->projects[i].number))
			return true;
	return false;
}

/* Cancel with picks asks first; without, it just goes. */
static void pick_cancel(struct kiosk_app *app)
{
	if (any_picked(app) && !app->s.confirm_cancel) {
		app->s.confirm_cancel = true;
		return;
	}
	kiosk_reset(app);
}

/* A card tapped twice within the debounce (a double tap) counts once. */
static void card_tap(struct kiosk_app *app, int number)
{
	Uint64 now = app->event_ts ? app->event_ts : SDL_GetTicks64();

	if (app->s.last_card == number &&
	    (Uint32)(now - app->s.last_card_at) < KIOSK_DEBOUNCE_MS) {
		sayso_log(SAYSO_LOG_DEBUG, "card %d: double tap ignored",
			  number);
		return;
	}
	app->s.last_card = number;
	app->s.last_card_at = now;
	toggle(app, number);
}

static bool pick_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	int pages =
	    (int)((app->nprojects + CARDS_PER_PAGE - 1) / CARDS_PER_PAGE);

	if (app->s.confirm_cancel) {
		/* "Cancel your vote?": only yes or no. */
		if ((in->kind == KI_ACTIVATE &&
		     in->w->action == KA_CONFIRM_YES) ||
		    (in->kind == KI_KEY &&
		     (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER))) {
			kiosk_reset(app);
			return true;
		}
		if ((in->kind == KI_ACTIVATE &&
		     in->w->action == KA_CONFIRM_NO) ||
		    (in->kind == KI_KEY && in->key == SDLK_ESCAPE)) {
			app->s.confirm_cancel = false;
			return true;
		}
		return false;
	}

	int digit = 0;
	if (in->kind == KI_KEY) {
		digit = kiosk_key_digit(in->key);
		if (in->key == SDLK_0 || in->key == SDLK_KP_0)
			digit = -1; /* zero: only as a second digit */
	}
	if (!digit && app->digit_pending)
		kiosk_vote_digit_flush(
		    app); /* any other input ends the number */

	switch (in->kind) {
	case KI_ACTIVATE:
		switch (in->w->action) {
		case KA_BACK:
			pick_cancel(app);
			return true;
		case KA_NEXT:
			pick_next(app);
			return true;
		case KA_PAGE_PREV:
			if (app->s.pick_page > 0)
				app->s.pick_page--;
			return true;
		case KA_PAGE_NEXT:
			if (app->s.pick_page + 1 < pages)
				app->s.pick_page++;
			return true;
		case V_CARD:
			card_tap(app, in->w->arg);
			return true;
		default:
			return false;
		}
	case KI_KEY:
		if (in->key == SDLK_ESCAPE) {
			pick_cancel(app);
			return true;
		}
		if (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER) {
			pick_next(app);
			return true;
		}
		if (in->key == SDLK_PAGEDOWN && app->s.pick_page + 1 < pages) {
			app->s.pick_page++;
			return true;
		}
		if (in->key == SDLK_PAGEUP && app->s.pick_page > 0) {
			app->s.pick_page--;
			return true;
		}
		if (digit) {
			pick_digit(app, digit < 0 ? 0 : digit);
			return true;
		}
		return false;
	case KI_TEXT:
		return false;
	}
	return false;
}

static void draw_progress(struct kiosk_app *app, int64_t total, size_t n)
{
	char line[512], a[48], b[48];
	SDL_Rect bar = {160, 186, KIOSK_W - 320, 44};

	if (app->round.kind == SAYSO_BALLOT_KNAPSACK) {
		char l[48], lt[96];
		kiosk_money(app, total, a, sizeof(a));
		kiosk_money(app, app->round.budget, b, sizeof(b));
		kiosk_money(
		    app,
		    app->round.budget > total ? app->round.budget - total : 0,
		    l, sizeof(l));
		/* "Spend up to £10,000. You have chosen £9,000." ... "£1,000
		 * left" over the bar. */
		kiosk_fmt(line, sizeof(line),
			  kiosk_s(app, "vote.knapsack_help"), "spent", a,
			  "budget", b, NULL);
		kiosk_fmt(lt, sizeof(lt), kiosk_s(app, "vote.left"), "left", l,
			  NULL);
		int lw, lh;
		kiosk_text_size(app->as, KF_BUTTON, lt, &lw, &lh);
		kiosk_text(app->as, KF_BUTTON, lt, bar.x + bar.w - lw,
			   bar.y - 58, KC_TEXT);
		kiosk_fill(app->ren, bar, KC_PANEL);
		kiosk_frame(app->ren, bar, 3, KC_BORDER);
		if (app->round.budget > 0) {
			int w = (int)((double)total /
				      (double)app->round.budget * (bar.w - 6));
			if (w > bar.w - 6)
				w = bar.w - 6;
			kiosk_fill(
			    app->ren,
			    (SDL_Rect){bar.x + 3, bar.y + 3, w, bar.h - 6},
			    KC_PRIMARY);
		}
		kiosk_text(app->as, KF_BUTTON, line, bar.x, bar.y - 58,
			   KC_TEXT);
	} else {
		snprintf(a, sizeof(a), "%zu", n);
		snprintf(b, sizeof(b), "%d", app->round.max_picks);
		kiosk_fmt(line, sizeof(line),
			  kiosk_s(app, app->round.max_picks > 0
					   ? "vote.counter"
					   : "vote.counter_nolimit"),
			  "n", a, "max", b, NULL);
		int w, h;
		kiosk_text_size(app->as, KF_TITLE, line, &w, &h);
		kiosk_text(app->as, KF_TITLE, line, KIOSK_W - 160 - w, 48,
			   KC_PRIMARY);
	}
}

#define DESC_CHARS 84 /* of a description on a card */

static void pick_draw(struct kiosk_app *app)
{
	struct sayso_pick picks[SAYSO_MAX_PICKS];
	int64_t total;
	size_t n = collect(app, picks, &total);
	if ((size_t)app->s.pick_page * CARDS_PER_PAGE >= app->nprojects)
		app->s.pick_page = 0; /* text size changed under the page */
	size_t first = (size_t)app->s.pick_page * CARDS_PER_PAGE;
	char cost[48], desc[4 * DESC_CHARS + 4];
	char sub[512] = "", last[256] = "";

	if (app->round.kind == SAYSO_BALLOT_APPROVAL) {
		char mx[16];
		snprintf(mx, sizeof(mx), "%d", app->round.max_picks);
		kiosk_fmt(sub, sizeof(sub),
			  kiosk_s(app, app->round.max_picks > 0
					   ? "vote.pick_help"
					   : "vote.pick_help_nolimit"),
			  "max", mx, NULL);
	}
	int64_t closes;
	if (app->round.closes[0] &&
	    sayso_time_parse(app->round.closes, &closes) == SAYSO_OK) {
		/* The last whole day: a round closing at midnight ends the
		 * day before. Words from [date], never strftime's %b. */
		char date[128];
		kiosk_date(app, closes - 1, date, sizeof(date));
		kiosk_fmt(last, sizeof(last), kiosk_s(app, "vote.last_day"),
			  "date", date, NULL);
		size_t l = strlen(sub);
		snprintf(sub + l, sizeof(sub) - l, "%s%s", l ? " " : "", last);
	}
	kiosk_draw_title(app, app->round.title, sub[0] ? sub : NULL);
	draw_progress(app, total, n);
	for (size_t i = 0; i < CARDS_PER_PAGE && first + i < app->nprojects;
	     i++) {
		const struct sayso_project *p = &app->projects[first + i];
		kiosk_money(app, p->cost, cost, sizeof(cost));
		/* About two lines of description: DESC_CHARS characters
		 * (not bytes: Bengali takes three a letter). */
		size_t dl = 0;
		for (int c = 0; p->description[dl] && c < DESC_CHARS; c++) {
			dl++;
			while ((p->description[dl] & 0xC0) == 0x80)
				dl++;
		}
		snprintf(desc, sizeof(desc), "%.*s%s", (int)dl, p->description,
			 p->description[dl] ? "\xe2\x80\xa6" : "");
		struct kiosk_widget *w = kiosk_ui_add(
		    app, KW_CARD, 160 + (int)(i % CARD_COLUMNS) * 820,
		    250 + (int)(i / CARD_COLUMNS) * 206,
		    CARD_COLUMNS == 1 ? 1600 : 780, 196, V_CARD, p->number,
		    p->title);
		snprintf(w->sub, sizeof(w->sub), "%s", desc);
		snprintf(w->note, sizeof(w->note), "%s", cost);
		w->selected = kiosk_vote_picked(app, p->number);
		if (app->round.kind == SAYSO_BALLOT_KNAPSACK && !w->selected &&
		    total + p->cost > app->round.budget) {
			/* Still tappable (the refusal explains); greyed with
			 * the reason beside the cost. */
			char l[48];
			kiosk_money(app,
				    app->round.budget > total
					? app->round.budget - total
					: 0,
				    l, sizeof(l));
			w->greyed = true;
			kiosk_fmt(w->sub, sizeof(w->sub),
				  kiosk_s(app, "vote.no_fit"), "left", l, NULL);
		}
	}
	kiosk_draw_message(app, 864, 1600);
	if (app->nprojects > CARDS_PER_PAGE) {
		/* large text: the whole gap between Cancel and Next */
		int pw = app->large ? 370 : 300, px = app->large ? 540 : 600;
		struct kiosk_widget *p =
		    kiosk_ui_add(app, KW_SECONDARY, px, KIOSK_H - 150, pw, 110,
				 KA_PAGE_PREV, 0, kiosk_s(app, "nav.prev"));
		p->disabled = app->s.pick_page == 0;
		p = kiosk_ui_add(app, KW_SECONDARY, px + pw + 20, KIOSK_H - 150,
				 pw, 110, KA_PAGE_NEXT, 0,
				 kiosk_s(app, "nav.more"));
		p->disabled = first + CARDS_PER_PAGE >= app->nprojects;
	}
	kiosk_add_nav(app, "nav.cancel", "nav.next");
	if (app->s.confirm_cancel) {
		/* The question covers the page; only its two buttons. */
		app->ui.n = 0;
		SDL_Rect p = {360, 220, KIOSK_W - 720, 640};
		kiosk_fill(app->ren, (SDL_Rect){0, 0, KIOSK_W, KIOSK_H},
			   KC_PANEL);
		kiosk_fill(app->ren, p, KC_BG);
		kiosk_frame(app->ren, p, 6, KC_PRIMARY);
		int h = kiosk_text_wrapped(
		    app->as, KF_TITLE, kiosk_s(app, "vote.cancel_title"),
		    p.x + 60, p.y + 60, p.w - 120, KC_TEXT);
		kiosk_text_wrapped(app->as, KF_BODY,
				   kiosk_s(app, "vote.cancel_body"), p.x + 60,
				   p.y + 90 + h, p.w - 120, KC_TEXT);
		kiosk_ui_add(app, KW_SECONDARY, p.x + 60, p.y + p.h - 170, 520,
			     110, KA_CONFIRM_YES, 0,
			     kiosk_s(app, "vote.cancel_yes"));
		kiosk_ui_add(app, KW_BUTTON, p.x + p.w - 60 - 520,
			     p.y + p.h - 170, 520, 110, KA_CONFIRM_NO, 0,
			     kiosk_s(app, "vote.cancel_no"));
	}
}

const struct kiosk_screen kiosk_screen_vote_pick = {
    .name = "vote_pick",
    .event = pick_event,
    .draw = pick_draw,
};

/* ---- review and cast ---- */

static enum sayso_err save_cast(struct kiosk_app *app,
				enum kiosk_screen_id *next)
{
	struct sayso_pick picks[SAYSO_MAX_PICKS];
	struct sayso_cast_result res;
	int64_t total;
	size_t n = collect(app, picks, &total);
	struct sayso_ballot_in in = {
	    .round_code = app->round.code,
	    .resident_id = app->s.resident,
	    .channel = SAYSO_CH_KIOSK,
	    .picks = picks,
	    .npicks = n,
	    /* With verify = sms a phone voter reaches this screen only
	     * after typing the texted code. */
	    .phone_proven = app->cfg.kiosk.verify == SAYSO_VERIFY_SMS &&
			    app->s.id_kind == SAYSO_ID_PHONE,
	};
	enum sayso_err err;

	memset(&res, 0, sizeof(res));
	/* Chosen once per ballot: a retry, on the fallback file too, is the
	 * same ballot (a merge skips a uid the site already has). */
	if (!app->s.ballot_uid[0] &&
	    (err = sayso_uid_new(app->s.ballot_uid,
				 sizeof(app->s.ballot_uid))) != SAYSO_OK)
		return err;
	in.uid = app->s.ballot_uid;
	err = sayso_ballot_cast(app->st, &in, &res);
	if (err == SAYSO_OK)
		app->s.ballot_uid[0] = '\0'; /* stored: the next is new */
	if (err == SAYSO_ERR_STATE || err == SAYSO_ERR_NOTFOUND) {
		/* The round closed while they were choosing: not a storage
		 * failure, nothing to retry. */
		snprintf(app->s.carry, sizeof(app->s.carry), "%s",
			 kiosk_s(app, "vote.closed"));
		*next = KS_ATTRACT;
		return SAYSO_OK;
	}
	if (err != SAYSO_OK)
		return err;
	switch (res.outcome) {
	case SAYSO_CAST_ACCEPTED:
	case SAYSO_CAST_REPLACED:
		snprintf(app->s.thanks_line, sizeof(app->s.thanks_line), "%s",
			 kiosk_s(app, "thanks.vote"));
		sayso_log(SAYSO_LOG_INFO, "ballot %s counted", res.uid);
		*next = KS_THANKS;
		break;
	case SAYSO_CAST_ALREADY_VOTED:
		app->s.prev_cast_at_ms = res.prev_cast_at_ms;
		app->s.prev_channel = res.prev_channel;
		*next = KS_VOTE_ALREADY;
		break;
	case SAYSO_CAST_INVALID:
		if (res.refusal.code != SAYSO_REASON_NONE)
			kiosk_reason_text(app, &res.refusal, app->s.carry,
					  sizeof(app->s.carry));
		else
			snprintf(app->s.carry, sizeof(app->s.carry), "%s",
				 res.reason);
		*next = KS_VOTE_PICK;
		break;
	}
	return SAYSO_OK;
}

static bool review_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	if ((in->kind == KI_ACTIVATE && in->w->action == KA_BACK) ||
	    (in->kind == KI_KEY && in->key == SDLK_ESCAPE)) {
		kiosk_go(app, KS_VOTE_PICK);
		return true;
	}
	if ((in->kind == KI_ACTIVATE && in->w->action == KA_NEXT) ||
	    (in->kind == KI_KEY &&
	     (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER))) {
		kiosk_save(app, save_cast, KS_THANKS);
		return true;
	}
	return false;
}

static void review_draw(struct kiosk_app *app)
{
	char line[SAYSO_TITLE_MAX + 32], cost[48];
	int y = 220;
	int64_t total = 0;

	kiosk_draw_title(app, kiosk_s(app, "vote.review_title"),
			 kiosk_s(app, "vote.review_subtitle"));
	for (size_t i = 0; i < app->nprojects; i++) {
		if (!kiosk_vote_picked(app, app->projects[i].number))
			continue;
		const struct sayso_project *p = &app->projects[i];
		total += p->cost;
		if (y > 760)
			continue; /* the total below still counts them */
		kiosk_money(app, p->cost, cost, sizeof(cost));
		snprintf(line, sizeof(line), "%d. %s", p->number, p->title);
		kiosk_text(app->as, KF_BUTTON, line, 160, y, KC_TEXT);
		int w, h;
		kiosk_text_size(app->as, KF_BUTTON, cost, &w, &h);
		kiosk_text(app->as, KF_BUTTON, cost, KIOSK_W - 160 - w, y,
			   KC_TEXT);
		y += 70;
	}
	if (app->round.kind == SAYSO_BALLOT_KNAPSACK) {
		char a[48], b[48];
		kiosk_money(app, total, a, sizeof(a));
		kiosk_money(app, app->round.budget, b, sizeof(b));
		kiosk_fmt(line, sizeof(line), kiosk_s(app, "vote.budget"),
			  "spent", a, "budget", b, NULL);
		kiosk_fill(app->ren, (SDL_Rect){160, y + 10, KIOSK_W - 320, 4},
			   KC_BORDER);
		kiosk_text(app->as, KF_BUTTON, line, 160, y + 30, KC_TEXT);
	}
	kiosk_draw_message(app, 820, 1600);
	kiosk_add_nav(app, "nav.change", NULL);
	/* "Send my vote" is never where the last screen's Next was: a double
	 * tap on Next cannot cast the vote unseen. */
	struct kiosk_widget *w =
	    kiosk_ui_add(app, KW_BUTTON, 700, KIOSK_H - 150, 560, 110, KA_NEXT,
			 0, kiosk_s(app, "vote.submit"));
	w->confirm = true;
}

const struct kiosk_screen kiosk_screen_vote_review = {
    .name = "vote_review",
    .event = review_event,
    .draw = review_draw,
};

/* ---- already voted ---- */

static bool already_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	if (in->kind == KI_ACTIVATE ||
	    (in->kind == KI_KEY &&
	     (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER ||
	      in->key == SDLK_ESCAPE))) {
		kiosk_reset(app);
		return true;
	}
	return false;
}

static void already_draw(struct kiosk_app *app)
{
	/* Only that this number or code was used: never when, how or where
	 * (anyone can type a neighbour's number). */
	kiosk_draw_title(app, kiosk_s(app, "vote.already_title"), NULL);
	kiosk_say_question(app, kiosk_s(app, "vote.already_body"));
	int h = kiosk_text_wrapped(app->as, KF_TITLE,
				   kiosk_s(app, "vote.already_body"), 160, 240,
				   KIOSK_W - 320, KC_TEXT);
	kiosk_text_wrapped(app->as, KF_BODY, kiosk_s(app, "vote.already_help"),
			   160, 280 + h, KIOSK_W - 320, KC_MUTED);
	kiosk_add_nav(app, NULL, "thanks.done");
}

const struct kiosk_screen kiosk_screen_vote_already = {
    .name = "vote_already",
    .event = already_event,
    .draw = already_draw,
};

/*
 * screen_report.c: "Report a problem": category grid, street picker,
 * optional description (on-screen keyboard), optional phone number for an
 * update when it is resolved, review, submit; the thank-you screen shows
 * the reference.
 *
 * The street picker lists the site's streets (configured) filtered by what
 * is typed, numbered per page so keys 1..6 pick, with "Somewhere else"
 * always 7. Phone numbers are checked by libsaysocore and never stored in
 * the report: the core holds them only as a pending SMS in the outbox.
 */
#include "kiosk.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "sayso/log.h"
#include "sayso/utf8.h"
#include "sayso/stats.h"

#define STREETS_PER_PAGE 6
enum { R_PICK = 100, R_ELSEWHERE };

/* ---- category ---- */

static const char *strings_lookup(void *ud, const char *key)
{
	return kiosk_str(ud, key);
}

/* The label rule is core's (sayso_category_label_lookup). */
static void category_label(struct kiosk_app *app, const char *code, char *out,
			   size_t sz)
{
	sayso_category_label_lookup(code, strings_lookup, app->str, out, sz);
}

/* After a "Change" on the check screen, each step returns to it. */
static void step_to(struct kiosk_app *app, enum kiosk_screen_id id)
{
	kiosk_go(app, app->s.review_return ? KS_REPORT_REVIEW : id);
}

static void pick_category(struct kiosk_app *app, int n)
{
	const struct sayso_list *c = &app->cfg.site.categories;

	if (n < 1 || (size_t)n > c->n)
		return;
	snprintf(app->s.category, sizeof(app->s.category), "%s",
		 c->items[n - 1]);
	step_to(app, KS_REPORT_STREET);
}

static bool cat_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	switch (in->kind) {
	case KI_ACTIVATE:
		if (in->w->action == KA_BACK)
			kiosk_reset(app);
		else
			pick_category(app, in->w->arg);
		return true;
	case KI_KEY:
		if (in->key == SDLK_ESCAPE) {
			kiosk_reset(app);
			return true;
		}
		if (kiosk_key_digit(in->key)) {
			pick_category(app, kiosk_key_digit(in->key));
			return true;
		}
		return false;
	case KI_TEXT:
		return false;
	}
	return false;
}

static void cat_draw(struct kiosk_app *app)
{
	const struct sayso_list *c = &app->cfg.site.categories;
	char label[128];
	size_t n = c->n > 12 ? 12 : c->n;
	int cols = n > 8 ? 3 : 2;
	int gap = 30, w = (KIOSK_W - 320 - (cols - 1) * gap) / cols;

	kiosk_draw_title(app, kiosk_s(app, "report.cat_title"),
			 kiosk_s(app, "report.cat_subtitle"));
	for (size_t i = 0; i < n; i++) {
		category_label(app, c->items[i], label, sizeof(label));
		kiosk_ui_add(app, KW_CHOICE,
			     160 + (int)(i % (size_t)cols) * (w + gap),
			     290 + (int)(i / (size_t)cols) * 160, w, 130,
			     R_PICK, (int)i + 1, label);
	}
	kiosk_add_nav(app, "nav.cancel", NULL);
}

const struct kiosk_screen kiosk_screen_report_cat = {
    .name = "report_category",
    .event = cat_event,
    .draw = cat_draw,
};

/* ---- street ---- */

/* Whether s starts with filter, letters compared folded (sayso_utf8_fold:
 * "łąk" and "lak" both find "Łąkowa"). */
static bool starts_folded(const char *s, const char *filter)
{
	size_t sl = strlen(s), fl = strlen(filter);
	const unsigned char *a = (const unsigned char *)s;
	const unsigned char *b = (const unsigned char *)filter;

	while (fl) {
		unsigned long ca, cb;
		bool bad;
		if (!sl)
			return false;
		size_t na = sayso_utf8_next(a, sl, &ca, &bad);
		size_t nb = sayso_utf8_next(b, fl, &cb, &bad);
		if (sayso_utf8_fold(ca) != sayso_utf8_fold(cb))
			return false;
		a += na;
		sl -= na;
		b += nb;
		fl -= nb;
	}
	return true;
}

static bool street_matches(const char *street, const char *filter)
{
	if (!filter[0])
		return true;
	for (const char *p = street; *p; p++)
		if ((p == street || p[-1] == ' ') && starts_folded(p, filter))
			return true;
	return false;
}

/* The indexes of matching streets: all into idx (up to max). */
static size_t matching(struct kiosk_app *app, size_t *idx, size_t max)
{
	const struct sayso_list *l = &app->cfg.site.streets;
	size_t n = 0;

	for (size_t i = 0; i < l->n && n < max; i++)
		if (street_matches(l->items[i], app->s.street_filter))
			idx[n++] = i;
	return n;
}

static void choose_street(struct kiosk_app *app, const char *street)
{
	snprintf(app->s.street, sizeof(app->s.street), "%s",
		 street ? street : "");
	app->s.street_chosen = true;
	step_to(app, KS_REPORT_TEXT);
}

static void pick_street(struct kiosk_app *app, int n)
{
	size_t idx[SAYSO_LIST_MAX];
	size_t cnt = matching(app, idx, SAYSO_LIST_MAX);
	size_t at =
	    (size_t)app->s.street_page * STREETS_PER_PAGE + (size_t)n - 1;

	if (n == STREETS_PER_PAGE + 1) {
		choose_street(app, NULL);
		return;
	}
	if (n < 1 || n > STREETS_PER_PAGE || at >= cnt)
		return;
	choose_street(app, app->cfg.site.streets.items[idx[at]]);
}

static void filter_changed(struct kiosk_app *app)
{
	app->s.street_page = 0;
	app->s.message[0] = '\0';
}

/* "Done" on the street keyboard: picks the one match, or says why not. */
static void street_done(struct kiosk_app *app)
{
	size_t idx[SAYSO_LIST_MAX];
	size_t cnt = matching(app, idx, SAYSO_LIST_MAX);
	char n[24];

	if (cnt == 1) {
		pick_street(app, 1);
		return;
	}
	snprintf(n, sizeof(n), "%zu", cnt);
	kiosk_fmt(app->s.message, sizeof(app->s.message),
		  kiosk_s(app, cnt == 0 ? "report.street_done_none"
					: "report.street_done_many"),
		  "n", n, NULL);
}

static bool street_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	size_t idx[SAYSO_LIST_MAX];
	size_t cnt;

	switch (in->kind) {
	case KI_ACTIVATE:
		switch (in->w->action) {
		case KA_BACK:
			kiosk_go(app, KS_REPORT_CAT);
			return true;
		case KA_PAGE_PREV:
			if (app->s.street_page > 0)
				app->s.street_page--;
			return true;
		case KA_PAGE_NEXT:
			cnt = matching(app, idx, SAYSO_LIST_MAX);
			if ((size_t)(app->s.street_page + 1) *
				STREETS_PER_PAGE <
			    cnt)
				app->s.street_page++;
			return true;
		case R_PICK:
			pick_street(app, in->w->arg);
			return true;
		case KA_KEY:
			if (in->w->arg == KK_BACKSPACE)
				kiosk_buf_backspace(app->s.street_filter);
			else if (in->w->arg == KK_SPACE)
				kiosk_buf_append(app->s.street_filter,
						 sizeof(app->s.street_filter),
						 " ");
			else if (in->w->arg == KK_ENTER) {
				street_done(app);
				return true;
			} else {
				char t[SAYSO_UTF8_MAX + 1];
				kiosk_buf_append(app->s.street_filter,
						 sizeof(app->s.street_filter),
						 kiosk_key_text(in->w->arg, t));
			}
			filter_changed(app);
			return true;
		default:
			return false;
		}
	case KI_KEY:
		if (in->key == SDLK_ESCAPE) {
			kiosk_go(app, KS_REPORT_CAT);
			return true;
		}
		if (in->key == SDLK_BACKSPACE) {
			kiosk_buf_backspace(app->s.street_filter);
			filter_changed(app);
			return true;
		}
		if (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER) {
			street_done(app);
			return true;
		}
		if (in->key == SDLK_PAGEDOWN || in->key == SDLK_PAGEUP) {
			struct kiosk_widget w = {
			    .action = in->key == SDLK_PAGEDOWN ? KA_PAGE_NEXT
							       : KA_PAGE_PREV};
			struct kiosk_in pin = {.kind = KI_ACTIVATE, .w = &w};
			return street_event(app, &pin);
		}
		if (kiosk_key_digit(in->key) &&
		    kiosk_key_digit(in->key) <= STREETS_PER_PAGE + 1) {
			pick_street(app, kiosk_key_digit(in->key));
			return true;
		}
		return false;
	case KI_TEXT:
		/* Letters filter the list; digits are shortcuts (KEYDOWN). */
		for (const char *p = in->text; *p; p++) {
			if (isdigit((unsigned char)*p))
				return false;
		}
		kiosk_buf_append(app->s.street_filter,
				 sizeof(app->s.street_filter), in->text);
		filter_changed(app);
		return true;
	}
	return false;
}

static void street_draw(struct kiosk_app *app)
{
	size_t idx[SAYSO_LIST_MAX];
	size_t cnt = matching(app, idx, SAYSO_LIST_MAX);
	size_t first = (size_t)app->s.street_page * STREETS_PER_PAGE;
	char line[512];

	kiosk_draw_title(app, kiosk_s(app, "report.street_title"),
			 kiosk_s(app, "report.street_subtitle"));
	/* Search field. */
	SDL_Rect field = {1000, 200, 760, 90};
	kiosk_fill(app->ren, field, KC_BG);
	kiosk_frame(app->ren, field, 3, KC_BORDER);
	if (app->s.street_filter[0]) {
		snprintf(line, sizeof(line), "%s|", app->s.street_filter);
		kiosk_text(app->as, KF_BUTTON, line, field.x + 20, field.y + 20,
			   KC_TEXT);
	} else {
		kiosk_text(app->as, KF_BODY, kiosk_s(app, "report.search"),
			   field.x + 20, field.y + 24, KC_MUTED);
	}
	for (size_t i = 0; i < STREETS_PER_PAGE && first + i < cnt; i++)
		kiosk_ui_add(app, KW_CHOICE, 160, 230 + (int)i * 100, 780, 88,
			     R_PICK, (int)i + 1,
			     app->cfg.site.streets.items[idx[first + i]]);
	if (cnt == 0)
		kiosk_text_wrapped(app->as, KF_BODY,
				   kiosk_s(app, "report.no_street"), 160, 240,
				   780, KC_MUTED);
	kiosk_ui_add(app, KW_CHOICE, 160, 230 + STREETS_PER_PAGE * 100, 780, 88,
		     R_PICK, STREETS_PER_PAGE + 1,
		     kiosk_s(app, "report.elsewhere"));
	if (cnt > STREETS_PER_PAGE) {
		/* large text: wider, under the keyboard (no Next here) */
		int pw = app->large ? 370 : 180, px = app->large ? 1000 : 560;
		struct kiosk_widget *p =
		    kiosk_ui_add(app, KW_SECONDARY, px, KIOSK_H - 150, pw, 110,
				 KA_PAGE_PREV, 0, kiosk_s(app, "nav.prev"));
		p->disabled = app->s.street_page == 0;
		p = kiosk_ui_add(app, KW_SECONDARY, px + pw + 20, KIOSK_H - 150,
				 pw, 110, KA_PAGE_NEXT, 0,
				 kiosk_s(app, "nav.more"));
		p->disabled = first + STREETS_PER_PAGE >= cnt;
	}
	/* Street names are in the Latin alphabet: Polish and Welsh letters
	 * where the language has them, else plain QWERTY. */
	enum kiosk_kb kb = kiosk_kb_for(kiosk_strings_lang(app->str));
	kiosk_keyboard_add_kb(app, (SDL_Rect){1000, 320, 760, 480},
			      kiosk_kb_latin(kb) ? kb : KB_ASCII, false,
			      kiosk_s(app, "keyboard.symbols"));
	kiosk_add_nav(app, "nav.back", NULL);
}

const struct kiosk_screen kiosk_screen_report_street = {
    .name = "report_street",
    .event = street_event,
    .draw = street_draw,
};

/* ---- description ---- */

static void text_key(struct kiosk_app *app, int arg)
{
	switch (arg) {
	case KK_BACKSPACE:
		kiosk_buf_backspace(app->s.text);
		break;
	case KK_SPACE:
		kiosk_buf_append_max(app->s.text, sizeof(app->s.text), " ",
				     KIOSK_TEXT_MAX);
		break;
	case KK_SHIFT:
		app->s.shift = !app->s.shift;
		break;
	case KK_MODE:
		app->s.kb_layer = kiosk_text_kb_next(app, app->s.kb_layer);
		app->s.shift = false;
		break;
	case KK_ENTER:
		step_to(app, KS_REPORT_PHONE);
		break;
	default:
		if (arg > 0) {
			char t[SAYSO_UTF8_MAX + 1];
			kiosk_buf_append_max(app->s.text, sizeof(app->s.text),
					     kiosk_key_text(arg, t),
					     KIOSK_TEXT_MAX);
			app->s.shift = false; /* one capital, like phones */
		}
		break;
	}
}

static bool text_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	switch (in->kind) {
	case KI_ACTIVATE:
		switch (in->w->action) {
		case KA_BACK:
			kiosk_go(app, KS_REPORT_STREET);
			return true;
		case KA_NEXT:
			step_to(app, KS_REPORT_PHONE);
			return true;
		case KA_KEY:
			text_key(app, in->w->arg);
			return true;
		default:
			return false;
		}
	case KI_KEY:
		if (in->key == SDLK_ESCAPE) {
			/* Skip the optional description. */
			memset(app->s.text, 0, sizeof(app->s.text));
			step_to(app, KS_REPORT_PHONE);
			return true;
		}
		if (in->key == SDLK_BACKSPACE) {
			kiosk_buf_backspace(app->s.text);
			return true;
		}
		if (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER) {
			step_to(app, KS_REPORT_PHONE);
			return true;
		}
		return false;
	case KI_TEXT:
		kiosk_buf_append_max(app->s.text, sizeof(app->s.text), in->text,
				     KIOSK_TEXT_MAX);
		return true;
	}
	return false;
}

static void text_draw(struct kiosk_app *app)
{
	char count[96], n1[24], n2[24], shown[sizeof(app->s.text) + 8];

	int top = kiosk_draw_title(app, kiosk_s(app, "report.text_title"),
				   kiosk_s(app, "report.text_hint"));
	/* Large text: the hint takes two lines; the field gives way. */
	SDL_Rect field = {160, SDL_max(220, top + 12), KIOSK_W - 320, 0};
	field.h = 410 - field.y;
	kiosk_fill(app->ren, field, KC_BG);
	kiosk_frame(app->ren, field, 3, KC_BORDER);
	snprintf(shown, sizeof(shown), "%s|", app->s.text);
	kiosk_text_wrapped(app->as, KF_BODY, shown, field.x + 20, field.y + 16,
			   field.w - 40, KC_TEXT);
	size_t chars = sayso_utf8_count(app->s.text);
	snprintf(n1, sizeof(n1), "%zu", chars);
	snprintf(n2, sizeof(n2), "%d", KIOSK_TEXT_MAX);
	kiosk_fmt(count, sizeof(count), kiosk_s(app, "report.count"), "n", n1,
		  "max", n2, NULL);
	int cw = 0, ch = 0; /* right-aligned: its length differs by language */
	kiosk_text_size(app->as, KF_SMALL, count, &cw, &ch);
	kiosk_text(app->as, KF_SMALL, count, field.x + field.w - cw,
		   field.y + field.h + 4, KC_MUTED);
	const char *mode;
	enum kiosk_kb kb = kiosk_text_kb(app, app->s.kb_layer, &mode);
	kiosk_keyboard_add_kb(app, (SDL_Rect){160, 460, KIOSK_W - 320, 440}, kb,
			      app->s.shift, mode);
	kiosk_add_nav(app, "nav.back",
		      app->s.text[0] ? "nav.next" : "nav.skip");
}

const struct kiosk_screen kiosk_screen_report_text = {
    .name = "report_text",
    .event = text_event,
    .draw = text_draw,
};

/* ---- phone for updates ---- */

static void phone_next(struct kiosk_app *app)
{
	enum sayso_reason why = SAYSO_REASON_NONE;

	if (!app->s.phone_typed[0]) {
		app->s.phone_e164[0] = '\0';
		kiosk_go(app, KS_REPORT_REVIEW);
		return;
	}
	if (sayso_phone_check(app->s.phone_typed, app->s.phone_e164,
			      sizeof(app->s.phone_e164), &why) != SAYSO_OK) {
		app->s.phone_e164[0] = '\0';
		kiosk_phone_message(app, why);
		app->dirty = true;
		return;
	}
	kiosk_go(app, KS_REPORT_REVIEW);
}

static Uint64 typed_now;

static void phone_type(char *buf, size_t sz, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (isdigit((unsigned char)*p) || *p == '+' || *p == ' ') {
			char t[2] = {*p, 0};
			kiosk_buf_append(buf, sz, t);
		}
	}
	typed_now = SDL_GetTicks64();
}

static bool phone_event_inner(struct kiosk_app *app, const struct kiosk_in *in);

static bool phone_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	typed_now = 0;
	bool used = phone_event_inner(app, in);
	if (typed_now)
		app->s.typed_at = typed_now;
	return used;
}

static bool phone_event_inner(struct kiosk_app *app, const struct kiosk_in *in)
{
	switch (in->kind) {
	case KI_ACTIVATE:
		switch (in->w->action) {
		case KA_BACK:
			kiosk_go(app, KS_REPORT_TEXT);
			return true;
		case KA_NEXT:
			phone_next(app);
			return true;
		case KA_SKIP:
			memset(app->s.phone_typed, 0,
			       sizeof(app->s.phone_typed));
			phone_next(app);
			return true;
		case KA_KEY:
			if (in->w->arg == KK_BACKSPACE)
				kiosk_buf_backspace(app->s.phone_typed);
			else if (in->w->arg > 0) {
				char t[2] = {(char)in->w->arg, 0};
				phone_type(app->s.phone_typed,
					   sizeof(app->s.phone_typed), t);
			}
			app->s.message[0] = '\0';
			return true;
		default:
			return false;
		}
	case KI_KEY:
		if (in->key == SDLK_ESCAPE) {
			memset(app->s.phone_typed, 0,
			       sizeof(app->s.phone_typed));
			phone_next(app);
			return true;
		}
		if (in->key == SDLK_BACKSPACE) {
			kiosk_buf_backspace(app->s.phone_typed);
			return true;
		}
		if (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER) {
			phone_next(app);
			return true;
		}
		return false;
	case KI_TEXT:
		phone_type(app->s.phone_typed, sizeof(app->s.phone_typed),
			   in->text);
		app->s.message[0] = '\0';
		return true;
	}
	return false;
}

static void phone_draw(struct kiosk_app *app)
{
	kiosk_draw_title(app, kiosk_s(app, "report.phone_title"), NULL);
	kiosk_say_question(app, kiosk_s(app, "report.phone_body"));
	kiosk_text_wrapped(app->as, KF_BODY, kiosk_s(app, "report.phone_body"),
			   160, 240, 760, KC_TEXT);
	SDL_Rect field = {160, 480, 760, 110};
	kiosk_fill(app->ren, field, KC_BG);
	kiosk_frame(app->ren, field, 3, KC_BORDER);
	char shown[3 * sizeof(app->s.phone_typed) + 1];
	kiosk_mask(app, app->s.phone_typed, shown, sizeof(shown));
	kiosk_text(app->as, KF_TITLE, shown, field.x + 24, field.y + 18,
		   KC_TEXT);
	kiosk_draw_message(app, 620, 860);
	kiosk_keypad_add(app, (SDL_Rect){1120, 200, 640, 680}, true);
	kiosk_add_nav(app, "nav.back",
		      app->s.phone_typed[0] ? "nav.next" : NULL);
	if (!app->s.phone_typed[0])
		kiosk_ui_add(app, KW_SECONDARY, KIOSK_W - 160 - 440,
			     KIOSK_H - 150, 440, 110, KA_SKIP, 0,
			     kiosk_s(app, "report.no_updates"));
}

const struct kiosk_screen kiosk_screen_report_phone = {
    .name = "report_phone",
    .event = phone_event,
    .draw = phone_draw,
};

/* ---- review and submit ---- */

static enum sayso_err save_report(struct kiosk_app *app,
				  enum kiosk_screen_id *next)
{
	struct sayso_report_in in = {
	    .category = app->s.category,
	    .street = app->s.street,
	    .text = app->s.text,
	    .notify_phone = app->s.phone_e164[0] ? app->s.phone_e164 : NULL,
	    .channel = SAYSO_CH_KIOSK,
	};
	enum sayso_err err;

	(void)next;
	/* Chosen once: a retry, on the fallback file too, is the same
	 * report (a merge skips a uid the site already has). */
	if (!app->s.report_uid[0] &&
	    (err = sayso_uid_new(app->s.report_uid,
				 sizeof(app->s.report_uid))) != SAYSO_OK)
		return err;
	in.uid = app->s.report_uid;
	err = sayso_report_add(app->st, &in, app->s.report_ref,
			       sizeof(app->s.report_ref));
	if (err == SAYSO_OK) {
		snprintf(app->s.thanks_line, sizeof(app->s.thanks_line), "%s",
			 kiosk_s(app, app->s.phone_e164[0]
					  ? "thanks.report_phone"
					  : "thanks.report"));
		/* The number is in the outbox now; forget it here. */
		memset(app->s.phone_typed, 0, sizeof(app->s.phone_typed));
		memset(app->s.phone_e164, 0, sizeof(app->s.phone_e164));
		sayso_log(SAYSO_LOG_INFO, "report %s saved", app->s.report_ref);
	}
	return err;
}

enum { R_CHANGE = 300 };

static bool review_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	if (in->kind == KI_ACTIVATE && in->w->action == R_CHANGE) {
		static const enum kiosk_screen_id to[] = {
		    KS_REPORT_CAT, KS_REPORT_STREET, KS_REPORT_TEXT,
		    KS_REPORT_PHONE};
		if (in->w->arg >= 0 && in->w->arg < 4) {
			app->s.review_return = true;
			kiosk_go(app, to[in->w->arg]);
		}
		return true;
	}
	if ((in->kind == KI_ACTIVATE && in->w->action == KA_BACK) ||
	    (in->kind == KI_KEY && in->key == SDLK_ESCAPE)) {
		kiosk_go(app, KS_REPORT_PHONE);
		return true;
	}
	if ((in->kind == KI_ACTIVATE && in->w->action == KA_NEXT) ||
	    (in->kind == KI_KEY &&
	     (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER))) {
		kiosk_save(app, save_report, KS_THANKS);
		return true;
	}
	return false;
}

/* One row: label, value and its own "Change" (GOV.UK "Check answers"). */
static int review_line(struct kiosk_app *app, int y, const char *label_key,
		       const char *value, int row)
{
	kiosk_text(app->as, KF_BODY, kiosk_s(app, label_key), 160, y, KC_MUTED);
	int h = kiosk_text_wrapped(app->as, KF_BUTTON, value, 560, y - 4,
				   KIOSK_W - 560 - 160 - 300, KC_TEXT);
	if (h < 96)
		h = 96;
	kiosk_ui_add(app, KW_SECONDARY, KIOSK_W - 160 - 260, y - 8, 260, 88,
		     R_CHANGE, row, kiosk_s(app, "report.change"));
	return h + 12;
}

static void review_draw(struct kiosk_app *app)
{
	char label[128], masked[SAYSO_E164_MAX];
	int y = 240;

	kiosk_draw_title(app, kiosk_s(app, "report.review_title"),
			 kiosk_s(app, "report.review_subtitle"));
	category_label(app, app->s.category, label, sizeof(label));
	y += review_line(app, y, "report.review_category", label, 0);
	y += review_line(app, y, "report.review_street",
			 app->s.street[0] ? app->s.street
					  : kiosk_s(app, "report.elsewhere"),
			 1);
	y += review_line(
	    app, y, "report.review_text",
	    app->s.text[0] ? app->s.text : kiosk_s(app, "report.none"), 2);
	if (app->s.phone_e164[0])
		sayso_mask_phone(app->s.phone_e164, masked, sizeof(masked));
	y += review_line(
	    app, y, "report.review_phone",
	    app->s.phone_e164[0] ? masked : kiosk_s(app, "report.none"), 3);
	kiosk_draw_message(app, y, 1600);
	kiosk_add_nav(app, "nav.back", NULL);
	/* "Send" is never where the last screen's Next was. */
	struct kiosk_widget *w =
	    kiosk_ui_add(app, KW_BUTTON, 700, KIOSK_H - 150, 560, 110, KA_NEXT,
			 0, kiosk_s(app, "nav.submit"));
	w->confirm = true;
}

const struct kiosk_screen kiosk_screen_report_review = {
    .name = "report_review",
    .event = review_event,
    .draw = review_draw,
};

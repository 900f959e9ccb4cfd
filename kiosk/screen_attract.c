/*
 * screen_attract.c: the first screen: the site's name, "Have your say",
 * three large choices (keys 1, 2, 3), a QR code to the results page and,
 * along the bottom, every configured language by its own name in its own
 * script: one tap switches (the visit ends back in the default language). "Vote
 * on projects" shows only while a round accepts ballots; the round is re-read
 * each time this screen appears.
 */
#include "kiosk.h"

#include <string.h>

enum { A_RATE = 100, A_REPORT, A_VOTE, A_LANG };

static void attract_enter(struct kiosk_app *app)
{
	kiosk_load_round(app);
}

static void start(struct kiosk_app *app, int which)
{
	switch (which) {
	case A_RATE:
		kiosk_go(app, KS_RATE);
		break;
	case A_REPORT:
		kiosk_go(app, KS_REPORT_CAT);
		break;
	case A_VOTE:
		kiosk_load_round(app);
		if (app->have_round)
			kiosk_go(app, KS_VOTE_ID);
		else
			app->dirty = true;
		break;
	default:
		break;
	}
}

static bool attract_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	if (in->kind == KI_ACTIVATE) {
		if (in->w->action == A_LANG)
			kiosk_set_language(app, in->w->arg);
		else
			start(app, in->w->action);
		return true;
	}
	if (in->kind == KI_KEY) {
		int d = kiosk_key_digit(in->key);
		if (d == 1)
			start(app, A_RATE);
		else if (d == 2)
			start(app, A_REPORT);
		else if (d == 3 && app->have_round)
			start(app, A_VOTE);
		else
			return false;
		return true;
	}
	return false;
}

static void attract_draw(struct kiosk_app *app)
{
	char line[256];
	const struct sayso_list *langs = &app->cfg.site.languages;

	kiosk_say_text(app, kiosk_s(app, "attract.title"),
		       kiosk_s(app, "attract.subtitle"));
	kiosk_fill(app->ren, (SDL_Rect){0, 0, KIOSK_W, 12}, KC_PRIMARY);
	kiosk_text(app->as, KF_BODY, app->cfg.site.name, 160, 60, KC_MUTED);
	kiosk_text(app->as, KF_HUGE, kiosk_s(app, "attract.title"), 160, 110,
		   KC_TEXT);
	/* Below the title however tall its script (Nastaliq is), wrapped
	 * short of the QR code: large text moves the choices down. */
	int tw = 0, th = 0;
	kiosk_text_size(app->as, KF_HUGE, kiosk_s(app, "attract.title"), &tw,
			&th);
	int sub_y = SDL_max(230, 110 + th);
	int sub = kiosk_text_wrapped(app->as, KF_BODY,
				     kiosk_s(app, "attract.subtitle"), 160,
				     sub_y, 1240, KC_MUTED);

	/* The choices share what is left above the hint line (and the row of
	 * languages): large text or a tall script makes them shorter, never
	 * lets them run into the hint. */
	int hw = 0, hh = 0;
	kiosk_text_size(app->as, KF_SMALL, kiosk_s(app, "attract.touch"), &hw,
			&hh);
	int hint_y = (langs->n > 1 ? KIOSK_H - 125 : KIOSK_H - 76) - hh - 8;
	int y = SDL_max(320, sub_y + sub + 24);
	int nchoices = app->have_round ? 3 : 2;
	int pitch = SDL_min(200, (hint_y - 16 - y + 24) / nchoices);
	int ch = pitch - 24 < 170 ? pitch - 24 : 170;
	kiosk_ui_add(app, KW_CHOICE, 160, y, 1100, ch, A_RATE, 1,
		     kiosk_s(app, "attract.rate"));
	y += pitch;
	kiosk_ui_add(app, KW_CHOICE, 160, y, 1100, ch, A_REPORT, 2,
		     kiosk_s(app, "attract.report"));
	y += pitch;
	if (app->have_round)
		kiosk_ui_add(app, KW_CHOICE, 160, y, 1100, ch, A_VOTE, 3,
			     kiosk_s(app, "attract.vote"));

	/* Results QR code on the right. */
	kiosk_draw_results_qr(app, app->large
				       ? (SDL_Rect){1420, 260, 240, 240}
				       : (SDL_Rect){1420, 280, 340, 340});

	if (langs->n > 1) {
		/* One row: each language's own name ([language] is the same
		 * in every catalogue), the current one selected. */
		int n = (int)langs->n, gap = 12, left = 160;
		int w_each = (KIOSK_W - 2 * left - (n - 1) * gap) / n;
		if (w_each > 300)
			w_each = 300;
		for (int i = 0; i < n; i++) {
			char key[64];
			snprintf(key, sizeof(key), "language.%s",
				 langs->items[i]);
			snprintf(line, sizeof(line), "%s", kiosk_s(app, key));
			if (strcmp(line, key) == 0)
				snprintf(line, sizeof(line), "%s",
					 langs->items[i]);
			struct kiosk_widget *lw = kiosk_ui_add(
			    app, KW_SECONDARY, left + i * (w_each + gap),
			    KIOSK_H - 125, w_each, 100, A_LANG, i, line);
			if (lw)
				lw->selected = i == app->lang_index;
		}
	}
	kiosk_text(app->as, KF_SMALL, kiosk_s(app, "attract.touch"), 160,
		   hint_y, KC_MUTED);
	kiosk_draw_message(app, 880, 1100);
}

const struct kiosk_screen kiosk_screen_attract = {
    .name = "attract",
    .enter = attract_enter,
    .event = attract_event,
    .draw = attract_draw,
};

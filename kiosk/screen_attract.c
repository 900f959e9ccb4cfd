/*
 * screen_attract.c: the first screen: the site's name, "Have your say",
 * three large choices (keys 1, 2, 3), the language button and a QR code to
 * the results page. "Vote on projects" shows only while a round accepts
 * ballots; the round is re-read each time this screen appears.
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
			kiosk_next_language(app);
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
	/* Wrapped short of the QR code: large text moves the choices down. */
	int sub = kiosk_text_wrapped(app->as, KF_BODY,
				     kiosk_s(app, "attract.subtitle"), 160, 230,
				     1240, KC_MUTED);

	int y = SDL_max(320, 230 + sub + 24);
	struct kiosk_widget *w;
	w = kiosk_ui_add(app, KW_CHOICE, 160, y, 1100, 170, A_RATE, 1,
			 kiosk_s(app, "attract.rate"));
	y += 200;
	w = kiosk_ui_add(app, KW_CHOICE, 160, y, 1100, 170, A_REPORT, 2,
			 kiosk_s(app, "attract.report"));
	y += 200;
	if (app->have_round) {
		w = kiosk_ui_add(app, KW_CHOICE, 160, y, 1100, 170, A_VOTE, 3,
				 kiosk_s(app, "attract.vote"));
	}
	(void)w;

	/* Results QR code on the right. */
	kiosk_draw_results_qr(app, app->large
				       ? (SDL_Rect){1420, 260, 240, 240}
				       : (SDL_Rect){1420, 280, 340, 340});

	if (langs->n > 1) {
		/* The button names the next language in that language. */
		size_t next = ((size_t)app->lang_index + 1) % langs->n;
		char key[64];
		snprintf(key, sizeof(key), "language.%s", langs->items[next]);
		snprintf(line, sizeof(line), "%s", kiosk_s(app, key));
		if (strcmp(line, key) == 0)
			snprintf(line, sizeof(line), "%s", langs->items[next]);
		kiosk_ui_add(app, KW_SECONDARY, 1420, 880, 340, 110, A_LANG, 0,
			     line);
	}
	kiosk_text(app->as, KF_SMALL, kiosk_s(app, "attract.touch"), 160, 960,
		   KC_MUTED);
	kiosk_draw_message(app, 880, 1100);
}

const struct kiosk_screen kiosk_screen_attract = {
    .name = "attract",
    .enter = attract_enter,
    .event = attract_event,
    .draw = attract_draw,
};

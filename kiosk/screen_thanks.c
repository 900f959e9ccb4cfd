/*
 * screen_thanks.c: the confirmation after anything was saved: what happened
 * (the report's reference, "your vote is counted"), the QR code to the
 * results, and back to the start after a few seconds (longer when there is
 * a reference to write down). Reached only after the write committed.
 */
#include "kiosk.h"

static bool thanks_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	if ((in->kind == KI_ACTIVATE && in->w->action == KA_NEXT) ||
	    (in->kind == KI_KEY &&
	     (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER ||
	      in->key == SDLK_ESCAPE))) {
		kiosk_reset(app);
		return true;
	}
	return false;
}

static void thanks_draw(struct kiosk_app *app)
{
	kiosk_draw_title(app, kiosk_s(app, "thanks.title"), NULL);
	int y = 220;
	if (app->s.thanks_line[0])
		y += kiosk_text_wrapped(app->as, KF_TITLE, app->s.thanks_line,
					160, y, 1100, KC_OK) +
		     30;
	if (app->s.report_ref[0]) {
		kiosk_text(app->as, KF_BODY, kiosk_s(app, "thanks.reference"),
			   160, y, KC_TEXT);
		kiosk_fill(app->ren, (SDL_Rect){160, y + 50, 560, 150},
			   KC_PANEL);
		kiosk_text_centred(app->as, KF_HUGE, app->s.report_ref,
				   (SDL_Rect){160, y + 50, 560, 150}, KC_TEXT);
		y += 240;
	}
	kiosk_text_wrapped(app->as, KF_BODY, kiosk_s(app, "thanks.body"), 160,
			   y, 1100, KC_TEXT);
	SDL_Rect qr = {1420, 220, 340, 340};
	kiosk_draw_qr(app->as, app->cfg.site.results_url, qr);
	kiosk_text_wrapped(app->as, KF_SMALL, kiosk_s(app, "attract.results"),
			   1420, 580, 380, KC_TEXT);
	kiosk_add_nav(app, NULL, "thanks.done");
}

const struct kiosk_screen kiosk_screen_thanks = {
    .name = "thanks",
    .event = thanks_event,
    .draw = thanks_draw,
};

/*
 * screen_thanks.c: the confirmation after anything was saved: what happened
 * (the report's reference, "your vote is counted"), the QR code to the
 * results with its short address beside it, and back to the start after a
 * few seconds. A report reference stays until Finish (or the idle wipe):
 * the resident may have it texted (through the SMS outbox, which erases
 * the number after sending). Reached only after the write committed.
 */
#include "kiosk.h"

#include <ctype.h>
#include <string.h>

#include "sayso/log.h"
#include "sayso/sms.h"

enum { T_TEXT_REF = 100 };

static bool thanks_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	if (in->kind == KI_ACTIVATE && in->w->action == T_TEXT_REF) {
		app->s.phone_typed[0] = '\0';
		kiosk_go(app, KS_REF_PHONE);
		return true;
	}
	if ((in->kind == KI_ACTIVATE && in->w->action == KA_NEXT) ||
	    (in->kind == KI_KEY &&
	     (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER ||
	      in->key == SDLK_ESCAPE))) {
		kiosk_reset(app);
		return true;
	}
	return false;
}

/* The results address without its scheme, for people who type it. */
static void short_url(const char *url, char *out, size_t sz)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	snprintf(out, sz, "%s", p);
	size_t n = strlen(out);
	if (n > 1 && out[n - 1] == '/')
		out[n - 1] = '\0';
}

void kiosk_draw_results_qr(struct kiosk_app *app, SDL_Rect qr)
{
	char u[SAYSO_URL_MAX];
	/* the caption stays left of the visit tools' column */
	int w = SDL_min(400, KIOSK_W - 160 - qr.x);

	kiosk_draw_qr(app->as, app->cfg.site.results_url, qr);
	short_url(app->cfg.site.results_url, u, sizeof(u));
	int h = kiosk_text_wrapped(app->as, KF_SMALL,
				   kiosk_s(app, "attract.results"), qr.x,
				   qr.y + qr.h + 20, w, KC_TEXT);
	kiosk_text_wrapped(app->as, KF_SMALL, u, qr.x, qr.y + qr.h + 30 + h, w,
			   KC_MUTED);
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
		y += 220;
		y += kiosk_text_wrapped(
			 app->as, KF_BODY,
			 kiosk_s(app, app->s.ref_texted
					  ? "thanks.ref_texted"
					  : "thanks.reference_keep"),
			 160, y, 1100, KC_TEXT) +
		     20;
		if (!app->s.ref_texted)
			kiosk_ui_add(app, KW_SECONDARY, 160, KIOSK_H - 150, 620,
				     110, T_TEXT_REF, 0,
				     kiosk_s(app, "thanks.text_ref"));
	} else {
		kiosk_text_wrapped(app->as, KF_BODY,
				   kiosk_s(app, "thanks.body"), 160, y, 1100,
				   KC_TEXT);
	}
	kiosk_draw_results_qr(app, (SDL_Rect){1420, 220, 340, 340});
	kiosk_add_nav(app, NULL, "thanks.done");
}

const struct kiosk_screen kiosk_screen_thanks = {
    .name = "thanks",
    .event = thanks_event,
    .draw = thanks_draw,
};

/* ---- "Text me this reference" ---- */

static enum sayso_err save_ref_text(struct kiosk_app *app,
				    enum kiosk_screen_id *next)
{
	char body[480]; /* a text in any language (UTF-8) */
	enum sayso_err err;

	(void)next;
	kiosk_fmt(body, sizeof(body), kiosk_s(app, "ref_phone.sms_text"),
		  "site", app->cfg.site.name, "ref", app->s.report_ref, NULL);
	err = sayso_outbox_queue(app->st, app->s.phone_e164, body, 0, NULL);
	if (err == SAYSO_OK) {
		memset(app->s.phone_typed, 0, sizeof(app->s.phone_typed));
		memset(app->s.phone_e164, 0, sizeof(app->s.phone_e164));
		app->s.ref_texted = true;
		sayso_log(SAYSO_LOG_INFO, "reference %s queued by text",
			  app->s.report_ref);
	}
	return err;
}

static void ref_submit(struct kiosk_app *app)
{
	enum sayso_reason why = SAYSO_REASON_NONE;

	if (!app->s.phone_typed[0]) {
		snprintf(app->s.message, sizeof(app->s.message), "%s",
			 kiosk_s(app, "vote.need_phone"));
		return;
	}
	if (sayso_phone_check(app->s.phone_typed, app->s.phone_e164,
			      sizeof(app->s.phone_e164), &why) != SAYSO_OK) {
		app->s.phone_e164[0] = '\0';
		kiosk_phone_message(app, why);
		return;
	}
	kiosk_save(app, save_ref_text, KS_THANKS);
}

static void ref_type(struct kiosk_app *app, const char *text)
{
	for (const char *p = text; *p; p++)
		if (isdigit((unsigned char)*p) || *p == '+' || *p == ' ') {
			char t[2] = {*p, 0};
			kiosk_buf_append(app->s.phone_typed,
					 sizeof(app->s.phone_typed), t);
			app->s.typed_at = SDL_GetTicks64();
		}
	app->s.message[0] = '\0';
}

static bool ref_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	struct kiosk_entry e = {app->s.phone_typed, ref_type, ref_submit};

	/* Back and Escape return to the reference, not the start. */
	if ((in->kind == KI_ACTIVATE && in->w->action == KA_BACK) ||
	    (in->kind == KI_KEY && in->key == SDLK_ESCAPE)) {
		memset(app->s.phone_typed, 0, sizeof(app->s.phone_typed));
		kiosk_go(app, KS_THANKS);
		return true;
	}
	return kiosk_entry_event(app, in, &e);
}

static void ref_draw(struct kiosk_app *app)
{
	char shown[3 * sizeof(app->s.phone_typed) + 1];

	kiosk_draw_title(app, kiosk_s(app, "ref_phone.title"), NULL);
	kiosk_say_question(app, kiosk_s(app, "ref_phone.body"));
	kiosk_text_wrapped(app->as, KF_BODY, kiosk_s(app, "ref_phone.body"),
			   160, 200, 860, KC_TEXT);
	SDL_Rect field = {160, 450, 860, 110};
	kiosk_fill(app->ren, field, KC_BG);
	kiosk_frame(app->ren, field, 3, KC_BORDER);
	kiosk_mask(app, app->s.phone_typed, shown, sizeof(shown));
	kiosk_text(app->as, KF_TITLE, shown, field.x + 24, field.y + 18,
		   KC_TEXT);
	kiosk_draw_message(app, 580, 860);
	kiosk_keypad_add(app, (SDL_Rect){1120, 200, 640, 680}, true);
	kiosk_add_nav(app, "nav.back", "nav.next");
}

const struct kiosk_screen kiosk_screen_ref_phone = {
    .name = "ref_phone",
    .event = ref_event,
    .draw = ref_draw,
};

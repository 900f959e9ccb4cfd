/*
 * access.c: what a visit can switch on for itself: speech mode (Listen, F1),
 * large text (Aa, F2) and high contrast (F3), and what the kiosk says.
 *
 * The tools sit in one column at the right edge of every screen
 * (kiosk_draw_visit_tools), clear of the staff corner (top left) and of the
 * screens' own widgets, which all end at x = 1760. All three end with the
 * visit (kiosk_access_reset, called by kiosk_reset: idle wipe, Finish).
 *
 * What is spoken comes from the screen as it draws: kiosk_draw_title
 * records the title and subtitle, kiosk_say_question a question drawn as
 * body text, and the focused item is the focused widget's own label. So a
 * screen's words exist once, in the strings, and are never copied here.
 * On a screen where a phone number, code or PIN is typed
 * (kiosk_secret_entry), a typed character is spoken only as access.digit.
 */
#include "kiosk.h"

#include <stdio.h>
#include <string.h>

#include "sayso/utf8.h"

#define TOOL_W 136 /* 16 px clear of the screens, which end at 1760 */
#define TOOL_X (KIOSK_W - TOOL_W - 8)
#define LISTEN_Y 160
#define LISTEN_H 200
#define LARGE_Y (LISTEN_Y + LISTEN_H + 24)
#define LARGE_H 150
#define CONTRAST_Y (LARGE_Y + LARGE_H + 24)
#define CONTRAST_H 180

static bool speech_offered(const struct kiosk_app *app)
{
	return app->cfg.kiosk.speech != SAYSO_SPEECH_OFF &&
	       kiosk_speech_available(app->speech);
}

void kiosk_draw_visit_tools(struct kiosk_app *app)
{
	struct kiosk_widget *w;

	if (speech_offered(app)) {
		w = kiosk_ui_add(app, KW_TOOL, TOOL_X, LISTEN_Y, TOOL_W,
				 LISTEN_H, KA_LISTEN, 0,
				 kiosk_s(app, app->speech_on
						  ? "access.listen_stop"
						  : "access.listen"));
		w->selected = app->speech_on;
	}
	w = kiosk_ui_add(app, KW_TOOL, TOOL_X, LARGE_Y, TOOL_W, LARGE_H,
			 KA_LARGE, 0, kiosk_s(app, "access.large"));
	/* not drawn: what the focus on "Aa" says after it */
	sayso_strlcpy_utf8(w->sub, kiosk_s(app, "access.large_name"),
			   sizeof(w->sub));
	w->selected = app->large;
	w = kiosk_ui_add(app, KW_TOOL, TOOL_X, CONTRAST_Y, TOOL_W, CONTRAST_H,
			 KA_CONTRAST, 0, kiosk_s(app, "access.contrast"));
	w->selected = app->contrast;
}

/* A loudspeaker: a box and a cone, then two arcs of sound. */
static void draw_speaker(SDL_Renderer *r, int cx, int cy, SDL_Color c)
{
	SDL_Vertex v[6];
	SDL_Color col = {c.r, c.g, c.b, 255};
	const float pts[6][2] = {{-34, -12}, {-16, -12}, {-16, 12},
				 {-16, -12}, {6, -32},	 {6, 32}};

	/* Drawn in screen coordinates: the centre is mirrored once here (in
	 * Urdu and Arabic the tools stand on the left), the sign is not. */
	cx = kiosk_mirror_x(cx);
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, 255);
	SDL_RenderFillRect(r, &(SDL_Rect){cx - 34, cy - 12, 20, 24});
	for (int i = 0; i < 6; i++)
		v[i] =
		    (SDL_Vertex){{cx + pts[i][0], cy + pts[i][1]}, col, {0, 0}};
	v[2].position = (SDL_FPoint){(float)cx - 16, (float)cy + 12};
	const int idx[6] = {3, 4, 5, 3, 5, 2};
	SDL_RenderGeometry(r, NULL, v, 6, idx, 6);
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, 255);
	for (int arc = 0; arc < 2; arc++) {
		int rad = 18 + arc * 14;
		for (int t = 0; t < 4; t++)
			for (int y = -rad * 7 / 10; y <= rad * 7 / 10; y++) {
				int x2 = (rad + t) * (rad + t) - y * y;
				int x = 0;
				while ((x + 1) * (x + 1) <= x2)
					x++;
				SDL_RenderDrawPoint(r, cx + 10 + x, cy + y);
			}
	}
}

/* Half a disc filled: the usual "contrast" sign. */
static void draw_contrast_sign(SDL_Renderer *r, int cx, int cy, int rad,
			       SDL_Color c)
{
	cx = kiosk_mirror_x(cx); /* screen coordinates, as draw_speaker */
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, 255);
	for (int y = -rad; y <= rad; y++) {
		int x = 0;
		while ((x + 1) * (x + 1) + y * y <= rad * rad)
			x++;
		SDL_RenderDrawLine(r, cx, cy + y, cx + x, cy + y);
		for (int t = 0; t < 4; t++) {
			SDL_RenderDrawPoint(r, cx - x + t, cy + y);
			SDL_RenderDrawPoint(r, cx + x - t, cy + y);
		}
	}
}

/* Whether every word of label fits in width w in KF_SMALL. */
static bool words_fit(struct kiosk_app *app, const char *label, int w)
{
	char word[KIOSK_LABEL_MAX];
	const char *p = label;

	while (*p) {
		size_t n = strcspn(p, " ");
		int tw = 0, th = 0;
		if (n >= sizeof(word))
			return false;
		memcpy(word, p, n);
		word[n] = '\0';
		kiosk_text_size(app->as, KF_SMALL, word, &tw, &th);
		if (tw > w)
			return false;
		p += n;
		p += strspn(p, " ");
	}
	return true;
}

void kiosk_draw_tool(struct kiosk_app *app, const struct kiosk_widget *w,
		     bool pressed)
{
	SDL_Rect rc = w->rc;
	/* kiosk_text_centred wraps at its rect's width less 24 */
	SDL_Rect lab = {rc.x - 8, rc.y + rc.h / 2, rc.w + 16, rc.h / 2 - 8};

	kiosk_fill(app->ren, rc, pressed || w->selected ? KC_SELECTED : KC_BG);
	kiosk_frame(app->ren, rc, w->selected ? 6 : 3,
		    w->selected ? KC_PRIMARY : KC_BORDER);
	switch (w->action) {
	case KA_LISTEN:
		/* The sign alone when a word of the label would break (it is
		 * still spoken by name). */
		if (!words_fit(app, w->label, lab.w - 24)) {
			draw_speaker(app->ren, rc.x + rc.w / 2, rc.y + rc.h / 2,
				     KC_TEXT);
			break;
		}
		draw_speaker(app->ren, rc.x + rc.w / 2, rc.y + rc.h / 4 + 8,
			     KC_TEXT);
		kiosk_text_centred(app->as, KF_SMALL, w->label, lab, KC_TEXT);
		break;
	case KA_LARGE:
		kiosk_text_centred(app->as, KF_TITLE, w->label, rc, KC_TEXT);
		break;
	default:
		if (!words_fit(app, w->label, lab.w - 24)) {
			draw_contrast_sign(app->ren, rc.x + rc.w / 2,
					   rc.y + rc.h / 2, 44, KC_TEXT);
			break;
		}
		draw_contrast_sign(app->ren, rc.x + rc.w / 2,
				   rc.y + rc.h / 4 + 6, 30, KC_TEXT);
		lab.y = rc.y + rc.h / 2 - 4;
		lab.h = rc.h / 2;
		kiosk_text_centred(app->as, KF_SMALL, w->label, lab, KC_TEXT);
		break;
	}
}

/* ---- what is said ---- */

void kiosk_say_text(struct kiosk_app *app, const char *title,
		    const char *question)
{
	sayso_strlcpy_utf8(app->say_title, title ? title : "",
			   sizeof(app->say_title));
	sayso_strlcpy_utf8(app->say_question, question ? question : "",
			   sizeof(app->say_question));
}

bool kiosk_secret_entry(const struct kiosk_app *app)
{
	enum kiosk_screen_id id = app->screen_id;

	return id == KS_VOTE_ID || id == KS_VOTE_SMS || id == KS_REPORT_PHONE ||
	       id == KS_REF_PHONE || id == KS_STAFF_PIN;
}

void kiosk_say(struct kiosk_app *app, const char *text)
{
	if (app->speech_on && text && text[0])
		kiosk_speech_say(app->speech, kiosk_strings_lang(app->str),
				 text);
}

/* Appends ". part" to out (bounded, whole characters). */
static void join(char *out, size_t sz, const char *part)
{
	size_t n = strlen(out);

	if (!part || !part[0])
		return;
	if (n) {
		/* a sentence that ends in its own stop gets only a space */
		bool stop = strchr(".?!:", out[n - 1]) != NULL;
		if (n + 3 >= sz)
			return;
		memcpy(out + n, stop ? " " : ". ", stop ? 2 : 3);
		n += stop ? 1 : 2;
	}
	sayso_strlcpy_utf8(out + n, part, sz - n);
}

void kiosk_say_question(struct kiosk_app *app, const char *text)
{
	join(app->say_question, sizeof(app->say_question), text);
}

static void widget_words(const struct kiosk_widget *w, char *out, size_t sz)
{
	out[0] = '\0';
	join(out, sz, w->label);
	join(out, sz, w->sub);
	join(out, sz, w->note);
}

void kiosk_say_widget(struct kiosk_app *app, const struct kiosk_widget *w)
{
	char say[KIOSK_SAY_MAX];

	if (!app->speech_on || !w)
		return;
	if (w->action == KA_KEY && w->arg >= 0 && kiosk_secret_entry(app)) {
		kiosk_say(app, kiosk_s(app, "access.digit"));
		return;
	}
	widget_words(w, say, sizeof(say));
	kiosk_say(app, say);
}

void kiosk_say_focus(struct kiosk_app *app)
{
	char say[KIOSK_SAY_MAX];
	const struct kiosk_ui *ui = &app->ui;

	if (!app->speech_on || ui->focus < 0 || ui->focus >= ui->n)
		return;
	/* a key's own name (where the focus is), never what was typed */
	widget_words(&ui->w[ui->focus], say, sizeof(say));
	kiosk_say(app, say);
}

void kiosk_say_screen(struct kiosk_app *app)
{
	char say[KIOSK_SAY_MAX] = "", item[KIOSK_SAY_MAX / 2];
	const struct kiosk_ui *ui = &app->ui;

	join(say, sizeof(say), app->say_title);
	join(say, sizeof(say), app->say_question);
	if (ui->focus >= 0 && ui->focus < ui->n &&
	    ui->w[ui->focus].kind != KW_TOOL) {
		widget_words(&ui->w[ui->focus], item, sizeof(item));
		join(say, sizeof(say), item);
	}
	kiosk_say(app, say);
}

/* ---- switching ---- */

void kiosk_speech_toggle(struct kiosk_app *app)
{
	char say[KIOSK_SAY_MAX] = "";

	if (!speech_offered(app))
		return;
	app->dirty = true;
	if (app->speech_on) {
		kiosk_speech_say(app->speech, kiosk_strings_lang(app->str),
				 kiosk_s(app, "access.speech_off"));
		app->speech_on = false;
		return;
	}
	app->speech_on = true;
	join(say, sizeof(say), kiosk_s(app, "access.speech_on"));
	join(say, sizeof(say), app->say_title);
	join(say, sizeof(say), app->say_question);
	kiosk_say(app, say);
}

void kiosk_large_set(struct kiosk_app *app, bool on)
{
	app->large = on;
	kiosk_assets_set_large(app->as, on);
	kiosk_say(app,
		  kiosk_s(app, on ? "access.large_on" : "access.large_off"));
	app->dirty = true;
}

void kiosk_contrast_set(struct kiosk_app *app, bool on)
{
	app->contrast = on;
	kiosk_palette_set(on);
	kiosk_say(app, kiosk_s(app, on ? "access.contrast_on"
				       : "access.contrast_off"));
	app->dirty = true;
}

bool kiosk_access_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	int what = 0;

	if (in->kind == KI_ACTIVATE && in->w)
		what = in->w->action;
	else if (in->kind == KI_KEY && in->key == SDLK_F1)
		what = KA_LISTEN;
	else if (in->kind == KI_KEY && in->key == SDLK_F2)
		what = KA_LARGE;
	else if (in->kind == KI_KEY && in->key == SDLK_F3)
		what = KA_CONTRAST;
	switch (what) {
	case KA_LISTEN:
		kiosk_speech_toggle(app);
		return true;
	case KA_LARGE:
		kiosk_large_set(app, !app->large);
		return true;
	case KA_CONTRAST:
		kiosk_contrast_set(app, !app->contrast);
		return true;
	default:
		return false;
	}
}

/* The idle countdown, in speech mode: the notice when it appears, then
 * every ten seconds and each of the last five, once the notice was said. */
static void say_countdown(struct kiosk_app *app)
{
	Uint64 gone = SDL_GetTicks64() - app->idle_warning_at;
	Uint64 total = (Uint64)app->cfg.kiosk.idle_countdown * 1000;
	int left = gone >= total ? 0 : (int)((total - gone + 999) / 1000);
	char secs[64];

	if (!app->speech_on || left <= 0 || left == app->said_countdown)
		return;
	if (!app->said_countdown) {
		kiosk_say_screen(app);
	} else if ((left % 10 == 0 || left <= 5) && gone >= 8000) {
		/* (the notice takes about 6 s to say: not cut short) */
		kiosk_plural(app, "idle.seconds", left, secs, sizeof(secs));
		kiosk_say(app, secs);
	}
	app->said_countdown = left;
}

void kiosk_access_after_frame(struct kiosk_app *app)
{
	char say[KIOSK_SAY_MAX] = "";
	bool news =
	    app->s.message[0] && strcmp(app->s.message, app->said_message) != 0;

	if (app->idle_warning) {
		say_countdown(app);
		return;
	}
	app->said_countdown = 0;
	/* A notice (a refused pick, a wrong code) is said when it appears,
	 * after the screen when both are new. Notices hold no typed text. */
	sayso_strlcpy_utf8(app->said_message, app->s.message,
			   sizeof(app->said_message));
	if (!app->speech_on || (!app->say_screen && !news)) {
		app->say_screen = false;
		return;
	}
	if (app->say_screen) {
		join(say, sizeof(say), app->say_title);
		join(say, sizeof(say), app->say_question);
	}
	if (news)
		join(say, sizeof(say), app->s.message);
	app->say_screen = false;
	kiosk_say(app, say);
}

void kiosk_access_reset(struct kiosk_app *app)
{
	kiosk_speech_stop(app->speech);
	app->speech_on =
	    app->cfg.kiosk.speech == SAYSO_SPEECH_ON && speech_offered(app);
	app->say_screen = false;
	app->said_countdown = 0;
	app->said_message[0] = '\0';
	if (app->large)
		kiosk_assets_set_large(app->as, false);
	app->large = false;
	app->contrast = false;
	kiosk_palette_set(false);
}

bool kiosk_reading_screen(enum kiosk_screen_id id)
{
	return id == KS_VOTE_PICK || id == KS_VOTE_REVIEW;
}

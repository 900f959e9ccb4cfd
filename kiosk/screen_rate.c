/*
 * screen_rate.c: "How do you feel about living in <site>?" with five faces
 * (keys 1..5), then one optional follow-up question with six answers.
 *
 * One tap is enough to count: the rating is committed the moment a face is
 * chosen, before the follow-up appears; the follow-up answer is added to
 * that same rating (sayso_rating_set_followup). Answers are stored as codes
 * ("green_spaces") so reports do not depend on the language shown.
 */
#include "kiosk.h"

#include <string.h>

#include "sayso/log.h"

static const char *const best_answers[] = {
    "green_spaces", "community", "events", "parks", "shops", "other", NULL,
};
static const char *const better_answers[] = {
    "cleaner_streets", "alleyways", "safety", "things_to_do",
    "housing",	       "other",	    NULL,
};

static enum sayso_err save_rating(struct kiosk_app *app,
				  enum kiosk_screen_id *next)
{
	struct sayso_rating_in in = {
	    .score = app->s.score,
	    .channel = SAYSO_CH_KIOSK,
	    /* 0 in the config turns the repeat rule off (-1 for core). */
	    .repeat_seconds = app->cfg.kiosk.repeat_seconds > 0
				  ? app->cfg.kiosk.repeat_seconds
				  : -1,
	};
	enum sayso_err err;

	(void)next;
	/* Chosen once: a retry, on the fallback file too, is the same
	 * rating (a merge skips a uid the site already has). */
	if (!app->s.rating_uid[0] &&
	    (err = sayso_uid_new(app->s.rating_uid,
				 sizeof(app->s.rating_uid))) != SAYSO_OK)
		return err;
	in.uid = app->s.rating_uid;
	err = sayso_rating_add(app->st, &in, NULL, 0);
	/* A retry whose first attempt was stored after all. */
	if (err == SAYSO_ERR_EXISTS && app->pending)
		err = SAYSO_OK;
	return err;
}

static enum sayso_err save_followup(struct kiosk_app *app,
				    enum kiosk_screen_id *next)
{
	(void)next;
	snprintf(app->s.thanks_line, sizeof(app->s.thanks_line), "%s",
		 kiosk_s(app, "thanks.rating"));
	enum sayso_err err = sayso_rating_set_followup(
	    app->st, app->s.rating_uid, app->s.followup_q, app->s.followup_a);
	/* The rating went to the site's server just before the connection
	 * did: the kiosk's file cannot hold its answer (a merge keeps the
	 * site's row). Said in the log; the resident carries on. */
	if (err == SAYSO_ERR_NOTFOUND && app->fb.offline) {
		sayso_log(SAYSO_LOG_WARN,
			  "follow-up answer not kept: rating %s is on the site "
			  "database, which cannot be reached now",
			  app->s.rating_uid);
		err = SAYSO_OK;
	}
	return err;
}

static void pick_face(struct kiosk_app *app, int score)
{
	if (score < 1 || score > 5)
		return;
	app->s.score = score;
	sayso_log(SAYSO_LOG_DEBUG, "rating %d", score);
	kiosk_save(app, save_rating, KS_FOLLOWUP);
}

static bool rate_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	switch (in->kind) {
	case KI_ACTIVATE:
		if (in->w->action == KA_BACK)
			kiosk_reset(app);
		else
			pick_face(app, in->w->arg);
		return true;
	case KI_KEY:
		if (in->key == SDLK_ESCAPE) {
			kiosk_reset(app);
			return true;
		}
		if (kiosk_key_digit(in->key) >= 1 &&
		    kiosk_key_digit(in->key) <= 5) {
			pick_face(app, kiosk_key_digit(in->key));
			return true;
		}
		return false;
	case KI_TEXT:
		return false;
	}
	return false;
}

static void rate_draw(struct kiosk_app *app)
{
	char title[256];
	static const char *const labels[5] = {
	    "rate.face1", "rate.face2", "rate.face3",
	    "rate.face4", "rate.face5",
	};

	kiosk_fmt(title, sizeof(title), kiosk_s(app, "rate.title"), "site",
		  app->cfg.site.name, NULL);
	kiosk_draw_title(app, title, kiosk_s(app, "rate.subtitle"));
	/* Five faces between the margins (160 .. 1760): the visit tools
	 * have the column to the right. */
	int w = 288, gap = 40;
	int x0 = 160 + (KIOSK_W - 320 - (5 * w + 4 * gap)) / 2;
	for (int i = 0; i < 5; i++) {
		char num[8];
		struct kiosk_widget *wd =
		    kiosk_ui_add(app, KW_FACE, x0 + i * (w + gap), 330, w, 440,
				 0, i + 1, kiosk_s(app, labels[i]));
		snprintf(num, sizeof(num), "%d", i + 1);
		kiosk_text_centred(
		    app->as, KF_BODY, num,
		    (SDL_Rect){wd->rc.x, wd->rc.y + wd->rc.h + 6, w, 50},
		    KC_MUTED);
	}
	kiosk_add_nav(app, "nav.cancel", NULL);
}

const struct kiosk_screen kiosk_screen_rate = {
    .name = "rate",
    .event = rate_event,
    .draw = rate_draw,
};

/* ---- follow-up ---- */

static const char *const *followup_answers(const struct kiosk_app *app)
{
	return app->s.score >= 4 ? best_answers : better_answers;
}

static void followup_enter(struct kiosk_app *app)
{
	snprintf(app->s.followup_q, sizeof(app->s.followup_q), "%s",
		 app->s.score >= 4 ? "best" : "better");
}

static void answer(struct kiosk_app *app, int n)
{
	const char *const *ans = followup_answers(app);

	for (int i = 0; ans[i]; i++) {
		if (i + 1 == n) {
			snprintf(app->s.followup_a, sizeof(app->s.followup_a),
				 "%s", ans[i]);
			kiosk_save(app, save_followup, KS_THANKS);
			return;
		}
	}
}

static void skip(struct kiosk_app *app)
{
	snprintf(app->s.thanks_line, sizeof(app->s.thanks_line), "%s",
		 kiosk_s(app, "thanks.rating"));
	kiosk_go(app, KS_THANKS);
}

static bool followup_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	switch (in->kind) {
	case KI_ACTIVATE:
		if (in->w->action == KA_SKIP)
			skip(app);
		else
			answer(app, in->w->arg);
		return true;
	case KI_KEY:
		if (in->key == SDLK_ESCAPE) {
			skip(app);
			return true;
		}
		if (kiosk_key_digit(in->key)) {
			answer(app, kiosk_key_digit(in->key));
			return true;
		}
		return false;
	case KI_TEXT:
		return false;
	}
	return false;
}

static void followup_draw(struct kiosk_app *app)
{
	char title[256], key[96];
	const char *const *ans = followup_answers(app);
	bool best = app->s.score >= 4;

	kiosk_fmt(title, sizeof(title),
		  kiosk_s(app, best ? "followup.best" : "followup.better"),
		  "site", app->cfg.site.name, NULL);
	kiosk_draw_title(app, title, kiosk_s(app, "followup.subtitle"));
	for (int i = 0; ans[i]; i++) {
		snprintf(key, sizeof(key), "followup.%s.%s",
			 best ? "best" : "better", ans[i]);
		kiosk_ui_add(app, KW_CHOICE, 160 + (i % 2) * 820,
			     300 + (i / 2) * 190, 780, 160, 0, i + 1,
			     kiosk_s(app, key));
	}
	kiosk_ui_add(app, KW_SECONDARY, KIOSK_W - 160 - 440, KIOSK_H - 150, 440,
		     110, KA_SKIP, 0, kiosk_s(app, "nav.skip"));
}

const struct kiosk_screen kiosk_screen_followup = {
    .name = "followup",
    .enter = followup_enter,
    .event = followup_event,
    .draw = followup_draw,
};

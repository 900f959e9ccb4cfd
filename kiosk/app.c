/*
 * app.c: sayso-kiosk's start-up, event loop, screen switching, idle timer,
 * staff hold, save-and-retry and the overlays.
 *
 * The loop is event-driven: it sleeps in SDL_WaitEventTimeout until input
 * or the next deadline (idle warning, countdown tick, thank-you timeout,
 * retry of a failed save) and redraws only when something changed, so an
 * unattended kiosk uses no CPU. One event is handled per iteration and the
 * frame redrawn before the next, so every tap is tested against the
 * widgets actually on screen.
 *
 * Input: real mouse buttons and SDL_FINGER* are both taps. Touches are told
 * not to make synthetic mouse events (SDL_HINT_TOUCH_MOUSE_EVENTS=0) and
 * synthetic events of either kind are dropped, so one touch is one tap.
 */
#include "kiosk.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <SDL_image.h>

#include "sayso/datadir.h"
#include "sayso/log.h"
#include "sayso/project_text.h"
#include "sayso/stats.h"

#if defined(__has_include)
#if __has_include("sayso/demo.h")
#include "sayso/demo.h"
#define KIOSK_HAVE_DEMO 1
#endif
#endif

static const struct kiosk_screen *const screens[KS_COUNT] = {
    [KS_ATTRACT] = &kiosk_screen_attract,
    [KS_RATE] = &kiosk_screen_rate,
    [KS_FOLLOWUP] = &kiosk_screen_followup,
    [KS_REPORT_CAT] = &kiosk_screen_report_cat,
    [KS_REPORT_STREET] = &kiosk_screen_report_street,
    [KS_REPORT_TEXT] = &kiosk_screen_report_text,
    [KS_REPORT_PHONE] = &kiosk_screen_report_phone,
    [KS_REPORT_REVIEW] = &kiosk_screen_report_review,
    [KS_VOTE_ID] = &kiosk_screen_vote_id,
    [KS_VOTE_SMS] = &kiosk_screen_vote_sms,
    [KS_VOTE_PICK] = &kiosk_screen_vote_pick,
    [KS_VOTE_REVIEW] = &kiosk_screen_vote_review,
    [KS_VOTE_ALREADY] = &kiosk_screen_vote_already,
    [KS_THANKS] = &kiosk_screen_thanks,
    [KS_STAFF_PIN] = &kiosk_screen_staff_pin,
    [KS_STAFF] = &kiosk_screen_staff,
    [KS_OUT_OF_ORDER] = &kiosk_screen_out_of_order,
    [KS_REF_PHONE] = &kiosk_screen_ref_phone,
    [KS_WALK] = &kiosk_screen_walkabout,
};

const struct kiosk_screen *kiosk_screen_get(enum kiosk_screen_id id)
{
	return id < KS_COUNT ? screens[id] : NULL;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: sayso-kiosk [-c sayso.ini] [--windowed] [--device ID]\n"
	    "                   [--script FILE] [--screenshots DIR] [--lang "
	    "CODE]\n"
	    "  -c FILE            configuration (default: built-in, "
	    "./sayso.db)\n"
	    "  --windowed         a 1280x720 window instead of fullscreen\n"
	    "  --device ID        this kiosk's device id (default from "
	    "config)\n"
	    "  --script FILE      replay taps/keys/text from FILE, then exit\n"
	    "  --screenshots DIR  where 'shot NAME' lines save NAME.png\n"
	    "  --lang CODE        start in (and return to) this language of\n"
	    "                     [site] languages instead of the first\n"
	    "  --help, --version\n");
}

int kiosk_parse_args(int argc, char **argv, struct kiosk_options *opt)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"windowed", no_argument, NULL, 'w'},
	    {"device", required_argument, NULL, 'd'},
	    {"script", required_argument, NULL, 's'},
	    {"screenshots", required_argument, NULL, 'S'},
	    {"lang", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	memset(opt, 0, sizeof(*opt));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			opt->config_path = optarg;
			break;
		case 'w':
			opt->windowed = true;
			break;
		case 'd':
			if (!optarg[0] || strlen(optarg) > 64) {
				fprintf(stderr,
					"sayso-kiosk: --device: give an "
					"id of 1 to 64 characters\n");
				return 2;
			}
			opt->device = optarg;
			break;
		case 's':
			opt->script = optarg;
			break;
		case 'S':
			opt->shots_dir = optarg;
			break;
		case 'l':
			if (!sayso_lang_valid(optarg)) {
				fprintf(stderr,
					"sayso-kiosk: --lang %s: not a "
					"language sayso ships (en, pl, cy, "
					"ur, pa, bn, ar)\n",
					optarg);
				return 2;
			}
			opt->lang = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("sayso-kiosk %s\n", SAYSO_VERSION);
			return 1;
		case ':':
			fprintf(stderr, "sayso-kiosk: %s needs a value\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		default:
			fprintf(stderr, "sayso-kiosk: unknown option %s\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sayso-kiosk: unexpected argument %s\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	return 0;
}

const char *kiosk_s(struct kiosk_app *app, const char *key)
{
	return kiosk_str(app->str, key);
}

int kiosk_key_digit(SDL_Keycode k)
{
	if (k >= SDLK_1 && k <= SDLK_9)
		return (int)(k - SDLK_1) + 1;
	if (k >= SDLK_KP_1 && k <= SDLK_KP_9)
		return (int)(k - SDLK_KP_1) + 1;
	return 0;
}

void kiosk_money(struct kiosk_app *app, int64_t minor, char *out, size_t sz)
{
	char m[64];

	sayso_money_format(minor, app->have_round ? app->round.currency : "GBP",
			   m, sizeof(m));
	/* Isolated left to right (LRI ... PDI): after Urdu or Arabic
	 * letters the bidi algorithm would otherwise put the £ after the
	 * number ("9,500£"). The marks are invisible. */
	snprintf(out, sz, "\u2066%s\u2069", m);
}

void kiosk_session_wipe(struct kiosk_session *s)
{
	/* volatile pointer: the compiler may not drop a "dead" memset. */
	volatile unsigned char *p = (volatile unsigned char *)s;
	for (size_t i = 0; i < sizeof(*s); i++)
		p[i] = 0;
}

void kiosk_load_round(struct kiosk_app *app)
{
	int nopen = 0;
	enum sayso_err err;

	free(app->projects);
	app->projects = NULL;
	app->nprojects = 0;
	app->have_round = false;
	err = sayso_round_current(app->st, app->cfg.site.round, &app->round,
				  &nopen);
	/* The site's server gone: the fallback's copy (which reloads). */
	if (kiosk_fallback_lost(app, err))
		return;
	if (err != SAYSO_OK) {
		if (err != SAYSO_ERR_NOTFOUND)
			sayso_log(SAYSO_LOG_WARN, "round: %s (%s)",
				  sayso_strerror(err),
				  sayso_store_errmsg(app->st));
		return;
	}
	if (!sayso_round_accepting(&app->round, sayso_time_now_ms(), NULL))
		return;
	/* Titles and descriptions in the resident's language where the
	 * organisers gave one (project add --title-pl ...). */
	err = sayso_project_list_lang(app->st, app->round.id,
				      kiosk_strings_lang(app->str),
				      &app->projects, &app->nprojects);
	if (err != SAYSO_OK) {
		sayso_log(SAYSO_LOG_WARN, "projects: %s",
			  sayso_store_errmsg(app->st));
		return;
	}
	if (app->round.kind != SAYSO_BALLOT_APPROVAL &&
	    app->round.kind != SAYSO_BALLOT_KNAPSACK) {
		sayso_log(SAYSO_LOG_INFO,
			  "round %s is %s: voting on it is by "
			  "paper or import, not at the kiosk",
			  app->round.code,
			  sayso_ballot_kind_name(app->round.kind));
		return;
	}
	app->have_round = app->nprojects > 0;
}

/* Where the current frame's Next button is (zero when none). */
static SDL_Rect next_rect(const struct kiosk_app *app)
{
	for (int i = 0; i < app->ui.n; i++)
		if (app->ui.w[i].action == KA_NEXT || app->ui.w[i].confirm)
			return app->ui.w[i].rc;
	return (SDL_Rect){0, 0, 0, 0};
}

void kiosk_go(struct kiosk_app *app, enum kiosk_screen_id id)
{
	app->prev_next = next_rect(app);
	if (app->screen && app->screen->leave)
		app->screen->leave(app);
	app->screen_id = id;
	app->screen = screens[id];
	app->screen_entered = SDL_GetTicks64();
	app->screen_entered_ts =
	    app->event_ts ? app->event_ts : (Uint32)app->screen_entered;
	app->ui.focus = -1;
	app->ui.pressed = -1;
	snprintf(app->s.message, sizeof(app->s.message), "%s", app->s.carry);
	app->s.carry[0] = '\0';
	sayso_log(SAYSO_LOG_DEBUG, "screen %s", app->screen->name);
	if (app->screen->enter)
		app->screen->enter(app);
	app->say_screen = app->speech_on;
	app->dirty = true;
}

void kiosk_reset(struct kiosk_app *app)
{
	if (app->pending && !app->pending_orphan) {
		/* A save still failing: keep what it needs for the retry,
		 * out of sight, and wipe the screen's copy. */
		app->pending_s = app->s;
		app->pending_orphan = true;
		sayso_log(SAYSO_LOG_INFO, "session wiped; the unsaved answer "
					  "is kept for the retry");
	}
	kiosk_session_wipe(&app->s);
	/* Widget labels of the last frame may hold typed text. */
	memset(app->ui.w, 0, sizeof(app->ui.w));
	app->ui.n = 0;
	app->digit_pending = 0;
	kiosk_assets_flush(app->as);
	/* Restart text input so no IME keeps a half-typed word. */
	SDL_StopTextInput();
	SDL_StartTextInput();
	app->idle_warning = false;
	app->staff_hold = false;
	app->ui.focus_shown = false;
	kiosk_access_reset(app);
	/* The next resident starts in the kiosk's own language. */
	kiosk_set_language(app, app->lang_default);
	kiosk_go(app, KS_ATTRACT);
	/* speech = on: the start screen is spoken at the first touch */
	app->say_screen = false;
}

static void strings_dir(struct kiosk_app *app, char *out, size_t sz)
{
	snprintf(out, sz, "%s/strings", app->assets_dir);
}

bool kiosk_set_language(struct kiosk_app *app, int index)
{
	const struct sayso_list *l = &app->cfg.site.languages;

	if (index < 0 || (size_t)index >= l->n)
		return false;
	if (app->str && index == app->lang_index)
		return true;
	char dir[SAYSO_PATH_MAX];
	strings_dir(app, dir, sizeof(dir));
	struct kiosk_strings *s = kiosk_strings_load(dir, l->items[index]);
	if (!s)
		return false;
	kiosk_strings_free(app->str);
	app->str = s;
	app->lang_index = index;
	kiosk_assets_flush(app->as);
	app->say_screen = app->speech_on; /* in the new voice */
	app->dirty = true;
	sayso_log(SAYSO_LOG_DEBUG, "language %s", l->items[index]);
	return true;
}

void kiosk_next_language(struct kiosk_app *app)
{
	const struct sayso_list *l = &app->cfg.site.languages;

	if (l->n < 2)
		return;
	kiosk_set_language(app, (app->lang_index + 1) % (int)l->n);
}

/* Runs fn on the session it belongs to (the orphaned copy after a wipe). */
static enum sayso_err run_save(struct kiosk_app *app, kiosk_save_fn fn,
			       enum kiosk_screen_id *next)
{
	struct kiosk_session cur;
	enum sayso_err err;

	if (!app->pending_orphan)
		return fn(app, next);
	cur = app->s;
	app->s = app->pending_s;
	err = fn(app, next);
	app->pending_s = app->s;
	app->s = cur;
	kiosk_session_wipe(&cur);
	return err;
}

void kiosk_drop_pending(struct kiosk_app *app)
{
	app->pending = NULL;
	app->pending_failures = 0;
	if (app->pending_orphan)
		kiosk_session_wipe(&app->pending_s);
	app->pending_orphan = false;
	app->dirty = true;
}

void kiosk_save(struct kiosk_app *app, kiosk_save_fn fn,
		enum kiosk_screen_id next)
{
	Uint64 now = SDL_GetTicks64();
	enum sayso_err err = run_save(app, fn, &next);

	/* The connection to the site's server is gone: the same save once
	 * more, on this kiosk's own file (the same uid: a commit that did
	 * reach the server is skipped when the file is merged). */
	if (kiosk_fallback_lost(app, err))
		err = run_save(app, fn, &next);
	if (err == SAYSO_OK) {
		bool orphan = app->pending_orphan;
		kiosk_fallback_saved(app);
		if (app->pending)
			sayso_log(SAYSO_LOG_INFO,
				  "saved after %d failed "
				  "attempts",
				  app->pending_failures);
		kiosk_drop_pending(app);
		if (!orphan)
			kiosk_go(app, next);
		return;
	}
	if (!app->pending)
		app->pending_since = now;
	app->pending_failures++;
	if (app->pending_failures == 1 || app->pending_failures % 30 == 0)
		sayso_log(SAYSO_LOG_ERROR,
			  "could not save (%s: %s); keeping "
			  "the input and retrying",
			  sayso_strerror(err), sayso_store_errmsg(app->st));
	app->pending = fn;
	app->pending_next = next;
	/* A lock held for a moment: retry quietly a few times first. */
	app->pending_retry_at =
	    now + (app->pending_failures <= KIOSK_QUICK_RETRIES
		       ? KIOSK_QUICK_RETRY_MS
		       : KIOSK_RETRY_MS);
	app->dirty = true;
}

/* Whether the "didn't save" notice is up (after the quiet retries). */
static bool pending_shown(const struct kiosk_app *app)
{
	return app->pending && (app->pending_orphan ||
				app->pending_failures > KIOSK_QUICK_RETRIES);
}

static bool staff_screen(const struct kiosk_app *app)
{
	return app->screen_id == KS_STAFF || app->screen_id == KS_STAFF_PIN ||
	       app->screen_id == KS_WALK;
}

Uint64 kiosk_idle_ms(const struct kiosk_app *app)
{
	Uint64 ms = (Uint64)app->cfg.kiosk.idle_seconds * 1000;
	enum kiosk_screen_id id = app->screen_id;
	bool personal = id == KS_VOTE_ID || id == KS_VOTE_SMS ||
			id == KS_REPORT_PHONE || id == KS_REPORT_TEXT ||
			id == KS_REF_PHONE || id == KS_STAFF_PIN;
	if (personal && ms > KIOSK_PRIVATE_IDLE_S * 1000)
		ms = KIOSK_PRIVATE_IDLE_S * 1000;
	/* Staff on a walkabout pause between streets; the mode holds no
	 * resident's data. Its own limit, then the same wipe. */
	if (id == KS_WALK)
		ms = (Uint64)app->cfg.kiosk.walkabout_idle_seconds * 1000;
	if (kiosk_reading_screen(id))
		ms *= 2; /* project cards: time to read them */
	return ms;
}

void kiosk_mask(const struct kiosk_app *app, const char *typed, char *out,
		size_t outsz)
{
	size_t n = strlen(typed), o = 0;
	bool reveal = app->s.typed_at &&
		      SDL_GetTicks64() - app->s.typed_at < KIOSK_REVEAL_MS;

	if (!outsz)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!reveal && i + KIOSK_MASK_KEEP < n && typed[i] != ' ') {
			if (o + 4 > outsz)
				break;
			memcpy(out + o, "\xe2\x80\xa2", 3); /* bullet */
			o += 3;
		} else {
			if (o + 2 > outsz)
				break;
			out[o++] = typed[i];
		}
	}
	out[o] = '\0';
}

void kiosk_plural(struct kiosk_app *app, const char *key, long n, char *out,
		  size_t outsz)
{
	char k[96], num[24];
	/* The CLDR category of n in this language (core's rule table); a
	 * catalogue without that form falls back to its "other". */
	const char *lang = kiosk_strings_lang(app->str);
	snprintf(k, sizeof(k), "%s.%s", key,
		 sayso_plural_name(sayso_plural_of(lang, n)));
	if (!kiosk_str_has(app->str, k))
		snprintf(k, sizeof(k), "%s.other", key);
	snprintf(num, sizeof(num), "%ld", n);
	kiosk_fmt(out, outsz, kiosk_s(app, k), "n", num, "seconds", num, NULL);
}

void kiosk_reason_text(struct kiosk_app *app, const struct sayso_refusal *r,
		       char *out, size_t outsz)
{
	char key[64], a0[24], a1[24];
	const char *n0 = sayso_reason_arg(r->code, 0);
	const char *n1 = sayso_reason_arg(r->code, 1);

	snprintf(key, sizeof(key), "reason.%s", sayso_reason_key(r->code));
	snprintf(a0, sizeof(a0), "%ld", r->arg[0]);
	snprintf(a1, sizeof(a1), "%ld", r->arg[1]);
	if (r->code == SAYSO_REASON_PICKS_RANGE) {
		snprintf(a0, sizeof(a0), "%d", SAYSO_PROJECT_NUMBER_MIN);
		snprintf(a1, sizeof(a1), "%d", SAYSO_PROJECT_NUMBER_MAX);
	}
	/* kiosk_fmt stops at the first NULL name: "-" stands in. */
	kiosk_fmt(out, outsz, kiosk_s(app, key), "amount", r->amount,
		  n0 ? n0 : "-", a0, n1 ? n1 : "-", a1, NULL);
}

void kiosk_phone_message(struct kiosk_app *app, enum sayso_reason why)
{
	char r[256];

	if (why == SAYSO_REASON_NONE) {
		snprintf(app->s.message, sizeof(app->s.message), "%s",
			 kiosk_s(app, "phone.invalid"));
		return;
	}
	struct sayso_refusal ref = {.code = why};
	kiosk_reason_text(app, &ref, r, sizeof(r));
	kiosk_fmt(app->s.message, sizeof(app->s.message),
		  kiosk_s(app, "phone.invalid_why"), "reason", r, NULL);
}

void kiosk_date(struct kiosk_app *app, int64_t ms, char *out, size_t outsz)
{
	const char *months[12];
	char key[24];

	for (int i = 0; i < 12; i++) {
		snprintf(key, sizeof(key), "date.month%d", i + 1);
		months[i] = kiosk_s(app, key);
	}
	sayso_date_words(ms, kiosk_s(app, "date.format"), months, out, outsz);
}

/* ---- shared drawing ---- */

int kiosk_draw_title(struct kiosk_app *app, const char *title,
		     const char *subtitle)
{
	/* Header band; the top-left corner stays free for the staff hold. */
	kiosk_say_text(app, title, subtitle);
	kiosk_fill(app->ren, (SDL_Rect){0, 0, KIOSK_W, 12}, KC_PRIMARY);
	int h = kiosk_text_wrapped(app->as, KF_TITLE, title, 160, 48,
				   KIOSK_W - 320, KC_TEXT);
	if (subtitle && subtitle[0])
		h += 10 + kiosk_text_wrapped(app->as, KF_BODY, subtitle, 160,
					     48 + h + 10, KIOSK_W - 320,
					     KC_MUTED);
	return 48 + h;
}

void kiosk_draw_message(struct kiosk_app *app, int y, int maxw)
{
	int w, h;

	if (!app->s.message[0])
		return;
	kiosk_text_wrapped_size(app->as, KF_BODY, app->s.message, maxw - 48, &w,
				&h);
	SDL_Rect rc = {160, y, w + 48, h + 24};
	kiosk_fill(app->ren, rc, KC_NOTICE);
	kiosk_fill(app->ren, (SDL_Rect){rc.x, rc.y, 10, rc.h}, KC_ERROR);
	kiosk_text_wrapped(app->as, KF_BODY, app->s.message, rc.x + 28,
			   rc.y + 12, maxw - 48, KC_ERROR);
}

void kiosk_add_nav(struct kiosk_app *app, const char *back_key,
		   const char *next_key)
{
	if (back_key)
		kiosk_ui_add(app, KW_SECONDARY, 160, KIOSK_H - 150, 360, 110,
			     KA_BACK, 0, kiosk_s(app, back_key));
	if (next_key)
		kiosk_ui_add(app, KW_BUTTON, KIOSK_W - 160 - 440, KIOSK_H - 150,
			     440, 110, KA_NEXT, 0, kiosk_s(app, next_key));
}

static void draw_overlay_panel(struct kiosk_app *app, const char *title,
			       const char *body)
{
	/* The page under it is blanked, not dimmed: in a queue, nothing of
	 * the last resident's answers may stay readable. */
	kiosk_fill(app->ren, (SDL_Rect){0, 0, KIOSK_W, KIOSK_H},
		   (SDL_Color){0x2b, 0x2b, 0x2b, 255});
	SDL_Rect p = {360, 220, KIOSK_W - 720, 640};
	kiosk_fill(app->ren, p, KC_BG);
	kiosk_frame(app->ren, p, 6, KC_PRIMARY);
	int h = kiosk_text_wrapped(app->as, KF_TITLE, title, p.x + 60, p.y + 60,
				   p.w - 120, KC_TEXT);
	kiosk_text_wrapped(app->as, KF_BODY, body, p.x + 60, p.y + 90 + h,
			   p.w - 120, KC_TEXT);
}

static void draw_overlays(struct kiosk_app *app)
{
	char body[512], num[16];

	if (pending_shown(app) && !staff_screen(app)) {
		app->ui.n = 0;
		kiosk_say_text(app, kiosk_s(app, "error.title"),
			       kiosk_s(app, "error.body"));
		if (!app->error_said) /* said once, when it appears */
			app->say_screen = app->speech_on;
		app->error_said = true;
		draw_overlay_panel(app, kiosk_s(app, "error.title"),
				   kiosk_s(app, "error.body"));
		kiosk_ui_add(app, KW_BUTTON, 360 + 60, 220 + 640 - 170, 520,
			     110, KA_RETRY, 0, kiosk_s(app, "error.retry"));
		if (SDL_GetTicks64() - app->pending_since >= KIOSK_GIVE_UP_MS)
			kiosk_ui_add(app, KW_SECONDARY, 360 + 620,
				     220 + 640 - 170, 520, 110, KA_START_AGAIN,
				     0, kiosk_s(app, "error.start_again"));
		kiosk_ui_draw(app);
		return;
	}
	app->error_said = false;
	if (app->idle_warning) {
		Uint64 gone = SDL_GetTicks64() - app->idle_warning_at;
		Uint64 total = (Uint64)app->cfg.kiosk.idle_countdown * 1000;
		int left =
		    gone >= total ? 0 : (int)((total - gone + 999) / 1000);
		char secs[64];
		snprintf(num, sizeof(num), "%d", left);
		kiosk_plural(app, "idle.seconds", left, secs, sizeof(secs));
		kiosk_fmt(body, sizeof(body), kiosk_s(app, "idle.body"),
			  "seconds", num, "in", secs, NULL);
		app->ui.n = 0;
		kiosk_say_text(app, kiosk_s(app, "idle.title"), body);
		draw_overlay_panel(app, kiosk_s(app, "idle.title"), body);
		/* The countdown itself, large, at the right of the panel. */
		kiosk_text_centred(
		    app->as, KF_HUGE, num,
		    (SDL_Rect){360 + 1200 - 300, 220 + 640 - 200, 240, 160},
		    KC_PRIMARY);
		kiosk_ui_add(app, KW_BUTTON, 360 + 60, 220 + 640 - 170, 640,
			     110, KA_MORE_TIME, 0, kiosk_s(app, "idle.more"));
		kiosk_ui_draw(app);
	}
}

void kiosk_render(struct kiosk_app *app, const char *shot)
{
	struct kiosk_ui *ui = &app->ui;
	int focus = ui->focus;

	/* The language decides fonts, direction and mirroring (text.c,
	 * layout.c), whoever changed it. */
	kiosk_assets_set_language(app->as, kiosk_strings_lang(app->str));
	kiosk_fill(app->ren, (SDL_Rect){0, 0, KIOSK_W, KIOSK_H}, KC_BG);
	ui->n = 0;
	app->say_title[0] = app->say_question[0] = '\0';
	if (!app->idle_warning && !(pending_shown(app) && !staff_screen(app))) {
		app->screen->draw(app);
		if (app->screen_id != KS_OUT_OF_ORDER)
			kiosk_draw_visit_tools(app);
		kiosk_fallback_mark(app);
	}
	if (focus >= ui->n)
		ui->focus = ui->n ? ui->n - 1 : -1;
	kiosk_ui_draw(app);
	draw_overlays(app);
	if (app->staff_hold) {
		/* Hold feedback: a bar along the corner fills over the 5 s,
		 * so staff know to keep holding (residents rarely notice). */
		Uint64 gone = SDL_GetTicks64() - app->staff_hold_at;
		int w = (int)(gone * KIOSK_STAFF_ZONE / KIOSK_STAFF_HOLD_MS);
		if (w > KIOSK_STAFF_ZONE)
			w = KIOSK_STAFF_ZONE;
		/* At the corner held, on screen: mirrored twice in RTL. */
		kiosk_fill(app->ren,
			   kiosk_mirror((SDL_Rect){0, 0, KIOSK_STAFF_ZONE, 16}),
			   KC_BORDER);
		kiosk_fill(app->ren, kiosk_mirror((SDL_Rect){0, 0, w, 16}),
			   KC_FOCUS);
	}
	if (shot) {
		/* Read before present: the back buffer is undefined after. */
		SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(
		    0, KIOSK_W, KIOSK_H, 24, SDL_PIXELFORMAT_RGB24);
		int ow = 0, oh = 0;
		SDL_GetRendererOutputSize(app->ren, &ow, &oh);
		if (s && ow == KIOSK_W && oh == KIOSK_H &&
		    SDL_RenderReadPixels(app->ren, NULL, SDL_PIXELFORMAT_RGB24,
					 s->pixels, s->pitch) == 0) {
			if (IMG_SavePNG(s, shot) != 0)
				sayso_log(SAYSO_LOG_ERROR, "screenshot %s: %s",
					  shot, IMG_GetError());
		} else if (s && ow > 0 && oh > 0) {
			/* Scaled output: save what is really shown. */
			SDL_Surface *o = SDL_CreateRGBSurfaceWithFormat(
			    0, ow, oh, 24, SDL_PIXELFORMAT_RGB24);
			if (o && SDL_RenderReadPixels(app->ren, NULL,
						      SDL_PIXELFORMAT_RGB24,
						      o->pixels, o->pitch) == 0)
				IMG_SavePNG(o, shot);
			SDL_FreeSurface(o);
		} else {
			sayso_log(SAYSO_LOG_ERROR, "screenshot %s: %s", shot,
				  SDL_GetError());
		}
		SDL_FreeSurface(s);
	}
	SDL_RenderPresent(app->ren);
	kiosk_access_after_frame(app);
	app->frames++;
	app->dirty = false;
	app->cosmetic = false;
}

/* ---- input ---- */

static void activate(struct kiosk_app *app, int idx)
{
	struct kiosk_in in = {.kind = KI_ACTIVATE};
	struct kiosk_widget w;

	if (idx < 0 || idx >= app->ui.n || app->ui.w[idx].disabled)
		return;
	w = app->ui.w[idx]; /* a copy: the screen may change the list */
	in.w = &w;
	if (w.action == KA_RETRY) {
		if (app->pending)
			kiosk_save(app, app->pending, app->pending_next);
		return;
	}
	if (w.action == KA_START_AGAIN) {
		sayso_log(SAYSO_LOG_WARN, "not saved: the resident chose to "
					  "start again; the answer is lost");
		kiosk_drop_pending(app);
		kiosk_reset(app);
		return;
	}
	if (w.action == KA_MORE_TIME) {
		app->idle_warning = false;
		app->dirty = true;
		return;
	}
	if (kiosk_access_event(app, &in))
		return;
	kiosk_say_widget(app, &w);
	if (app->screen->event(app, &in))
		app->dirty = true;
}

static bool in_staff_zone(int x, int y)
{
	return x >= 0 && y >= 0 && x < KIOSK_STAFF_ZONE && y < KIOSK_STAFF_ZONE;
}

void kiosk_handle_tap(struct kiosk_app *app, int x, int y, bool down)
{
	Uint64 now = SDL_GetTicks64();
	int idx;

	app->last_input = now;
	if (down) {
		app->ui.focus_shown = false;
		if (app->speech_on) {
			kiosk_speech_click(app->speech);
			/* speech = on: the first touch of a visit hears the
			 * screen (a widget tapped then replaces it) */
			if (app->screen_id == KS_ATTRACT &&
			    now - app->screen_entered > KIOSK_DEBOUNCE_MS)
				kiosk_say_screen(app);
		}
		if (in_staff_zone(x, y) && !staff_screen(app) &&
		    app->screen_id != KS_OUT_OF_ORDER) {
			app->staff_hold = true;
			app->staff_hold_at = now;
			app->staff_hold_drawn = 0;
		}
		/* Ignore taps just after a screen change: a double tap must
		 * not land on the next screen's button. */
		Uint32 ts = app->event_ts ? app->event_ts : (Uint32)now;
		if ((Uint32)(ts - app->screen_entered_ts) < KIOSK_DEBOUNCE_MS) {
			app->ui.pressed = -1;
			return;
		}
		app->ui.pressed = kiosk_ui_hit(&app->ui, x, y);
		/* A confirming button needs a fresh press, not the second
		 * half of a double tap on the last screen's Next. */
		SDL_Point pt = {x, y};
		if (app->ui.pressed >= 0 &&
		    app->ui.w[app->ui.pressed].confirm &&
		    SDL_PointInRect(&pt, &app->prev_next)) {
			app->prev_next = (SDL_Rect){0, 0, 0, 0};
			app->ui.pressed = -1;
			return;
		}
		app->prev_next = (SDL_Rect){0, 0, 0, 0};
		if (!app->dirty)
			app->cosmetic = true;
		app->dirty = true;
		return;
	}
	app->staff_hold = false;
	idx = kiosk_ui_hit(&app->ui, x, y);
	if (app->ui.pressed >= 0 && idx == app->ui.pressed) {
		app->ui.pressed = -1;
		app->last_tap = now;
		activate(app, idx);
	} else if (app->ui.pressed >= 0) {
		app->ui.pressed = -1;
	}
	/* A tap anywhere dismisses the idle warning. */
	if (app->idle_warning) {
		app->idle_warning = false;
	}
	app->dirty = true;
}

static void handle_key(struct kiosk_app *app, SDL_Keycode k, Uint16 mod)
{
	struct kiosk_in in = {.kind = KI_KEY, .key = k, .mod = mod};

	app->last_input = SDL_GetTicks64();
	if (app->idle_warning) {
		app->idle_warning = false;
		app->dirty = true;
		return;
	}
	if (kiosk_access_event(app, &in))
		return;
	switch (k) {
	case SDLK_TAB:
	case SDLK_RIGHT:
	case SDLK_DOWN:
	case SDLK_LEFT:
	case SDLK_UP:
		kiosk_ui_focus_move(
		    &app->ui, k == SDLK_LEFT || k == SDLK_UP ||
				      (k == SDLK_TAB && (mod & KMOD_SHIFT))
				  ? -1
				  : 1);
		kiosk_say_focus(app);
		app->dirty = true;
		return;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
	case SDLK_SPACE:
		if (app->ui.focus_shown && app->ui.focus >= 0) {
			activate(app, app->ui.focus);
			app->dirty = true;
			if (k == SDLK_SPACE)
				app->swallow_text = ' ';
			return;
		}
		if (pending_shown(app) && !staff_screen(app) &&
		    k != SDLK_SPACE) {
			kiosk_save(app, app->pending, app->pending_next);
			return;
		}
		break;
	default:
		break;
	}
	if (app->pending && !staff_screen(app))
		return; /* only "try again" while a save is failing */
	bool secret = kiosk_secret_entry(app);
	enum kiosk_screen_id was = app->screen_id;
	if (app->screen->event(app, &in)) {
		app->dirty = true;
		if (secret && app->screen_id == was &&
		    ((k >= SDLK_0 && k <= SDLK_9) ||
		     (k >= SDLK_KP_1 && k <= SDLK_KP_0)))
			kiosk_say(app, kiosk_s(app, "access.digit"));
		/* A printable key used as a shortcut also arrives as text
		 * (SDL_TEXTINPUT right after): that text is not typing. */
		if (k >= SDLK_SPACE && k < 0x7f)
			app->swallow_text = (char)k;
		else if (k >= SDLK_KP_1 && k <= SDLK_KP_9)
			app->swallow_text = (char)('1' + (k - SDLK_KP_1));
		else if (k == SDLK_KP_0)
			app->swallow_text = '0';
	}
}

void kiosk_handle_sdl(struct kiosk_app *app, const SDL_Event *ev)
{
	char swallow = app->swallow_text;

	if (!app->dirty)
		app->cosmetic = false;

	if (ev->type != SDL_KEYUP)
		app->swallow_text = 0;
	switch (ev->type) {
	case SDL_QUIT:
		sayso_log(SAYSO_LOG_INFO, "quit requested");
		app->quit = true;
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		if (ev->button.which == SDL_TOUCH_MOUSEID ||
		    ev->button.button != SDL_BUTTON_LEFT)
			break;
		app->event_ts = ev->button.timestamp;
		kiosk_handle_tap(app, ev->button.x, ev->button.y,
				 ev->type == SDL_MOUSEBUTTONDOWN);
		app->event_ts = 0;
		break;
	case SDL_FINGERDOWN:
	case SDL_FINGERUP:
		if (ev->tfinger.touchId == SDL_MOUSE_TOUCHID)
			break;
		/* Normalised to the logical viewport by the renderer. */
		app->event_ts = ev->tfinger.timestamp;
		kiosk_handle_tap(app, (int)(ev->tfinger.x * KIOSK_W),
				 (int)(ev->tfinger.y * KIOSK_H),
				 ev->type == SDL_FINGERDOWN);
		app->event_ts = 0;
		break;
	case SDL_KEYDOWN:
		handle_key(app, ev->key.keysym.sym, ev->key.keysym.mod);
		break;
	case SDL_TEXTINPUT: {
		struct kiosk_in in = {.kind = KI_TEXT, .text = ev->text.text};
		app->last_input = SDL_GetTicks64();
		if (app->idle_warning || (app->pending && !staff_screen(app)))
			break;
		if (swallow && ev->text.text[0] == swallow && !ev->text.text[1])
			break;
		bool secret = kiosk_secret_entry(app);
		if (app->screen->event(app, &in)) {
			app->dirty = true;
			/* what is typed on a number or code screen is never
			 * read back */
			kiosk_say(app, secret ? kiosk_s(app, "access.digit")
					      : ev->text.text);
		}
		break;
	}
	case SDL_WINDOWEVENT:
		if (ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
		    ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
			app->dirty = true;
		break;
	default:
		break;
	}
}

bool kiosk_should_render(const struct kiosk_app *app)
{
	if (!app->dirty)
		return false;
	return !(app->cosmetic && SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT));
}

static void deadline(Uint64 *next, Uint64 at)
{
	if (at < *next)
		*next = at;
}

static int try_open_store(struct kiosk_app *app);

/* The staff corner held: at KIOSK_STAFF_HOLD_MS ask for the PIN, until then
 * redraw the hold bar every half second. */
static void tick_staff_hold(struct kiosk_app *app, Uint64 now, Uint64 *next)
{
	if (now - app->staff_hold_at >= KIOSK_STAFF_HOLD_MS) {
		app->staff_hold = false;
		app->ui.pressed = -1;
		if (app->cfg.kiosk.staff_pin[0]) {
			sayso_log(SAYSO_LOG_INFO, "staff hold: asking "
						  "for the PIN");
			app->s.pin_typed[0] = '\0';
			kiosk_go(app, KS_STAFF_PIN);
		} else {
			sayso_log(SAYSO_LOG_WARN,
				  "staff hold ignored: "
				  "no [kiosk] staff_pin configured");
		}
	} else {
		/* Feedback for the hold: redraw every half second. */
		int k = (int)((now - app->staff_hold_at) / 500);
		deadline(next, app->staff_hold_at + (Uint64)(k + 1) * 500);
		if (k != app->staff_hold_drawn) {
			app->staff_hold_drawn = k;
			app->dirty = true;
			app->cosmetic = false;
		}
	}
}

int kiosk_tick(struct kiosk_app *app)
{
	Uint64 now = SDL_GetTicks64();
	Uint64 next = now + 60000;
	Uint64 idle_ms = kiosk_idle_ms(app);
	Uint64 countdown_ms = (Uint64)app->cfg.kiosk.idle_countdown * 1000;

	if (app->screen_id == KS_OUT_OF_ORDER) {
		if (now >= app->store_retry_at) {
			if (try_open_store(app) == 0) {
				sayso_log(SAYSO_LOG_INFO,
					  "database open: back in order");
				kiosk_reset(app);
			} else {
				app->store_retry_at =
				    now + KIOSK_STORE_RETRY_MS;
				app->dirty = true;
			}
		}
		deadline(&next, app->store_retry_at);
		now = SDL_GetTicks64();
		return next > now ? (int)(next - now) : 0;
	}
	if (app->staff_hold)
		tick_staff_hold(app, now, &next);
	int fb_ms = kiosk_fallback_tick(app);
	now = SDL_GetTicks64();
	if (fb_ms >= 0)
		deadline(&next, now + (Uint64)fb_ms);
	if (app->digit_pending) {
		if (app->screen_id != KS_VOTE_PICK) {
			app->digit_pending = 0;
		} else if (now >= app->digit_at + KIOSK_DIGIT_WAIT_MS) {
			kiosk_vote_digit_flush(app);
			app->dirty = true;
		} else {
			deadline(&next, app->digit_at + KIOSK_DIGIT_WAIT_MS);
		}
	}
	/* A typed number turns to dots a moment after the last key. */
	if (app->s.typed_at) {
		Uint64 at = app->s.typed_at + KIOSK_REVEAL_MS;
		if (now >= at) {
			app->s.typed_at = 0;
			app->dirty = true;
		} else {
			deadline(&next, at);
		}
	}
	if (app->pending) {
		if (now >= app->pending_retry_at) {
			kiosk_save(app, app->pending, app->pending_next);
			now = SDL_GetTicks64();
		}
		if (app->pending) {
			deadline(&next, app->pending_retry_at);
			Uint64 give_up = app->pending_since + KIOSK_GIVE_UP_MS;
			if (now < give_up)
				deadline(&next, give_up);
			else if (now < give_up + 100)
				app->dirty = true;
			/* The idle wipe still runs: nothing of the answer
			 * stays on screen; the retry keeps its copy. */
			if (!app->pending_orphan && !staff_screen(app) &&
			    now - app->last_input >= idle_ms) {
				sayso_log(SAYSO_LOG_INFO,
					  "idle while a save is failing: "
					  "session wiped");
				kiosk_reset(app);
			} else if (!app->pending_orphan) {
				deadline(&next, app->last_input + idle_ms);
			}
		}
	} else if (app->screen_id == KS_ATTRACT) {
		/* A language chosen and left: the next resident starts in the
		 * kiosk's own. */
		if (app->lang_index != app->lang_default) {
			if (now - app->last_input >= idle_ms)
				kiosk_set_language(app, app->lang_default);
			else
				deadline(&next, app->last_input + idle_ms);
		}
		/* A notice is for the resident who caused it. */
		if (app->s.message[0]) {
			Uint64 at = app->screen_entered + KIOSK_NOTICE_MS;
			if (now >= at ||
			    app->last_input >
				app->screen_entered + KIOSK_DEBOUNCE_MS) {
				app->s.message[0] = '\0';
				app->dirty = true;
			} else {
				deadline(&next, at);
			}
		}
	} else if (app->screen_id == KS_THANKS && !app->s.report_ref[0] &&
		   !app->idle_warning) {
		/* A report reference stays until Finish (or the idle wipe). */
		Uint64 until = app->screen_entered + KIOSK_THANKS_MS;
		if (now >= until)
			kiosk_reset(app);
		else
			deadline(&next, until);
	} else {
		if (app->idle_warning) {
			Uint64 end = app->idle_warning_at + countdown_ms;
			if (now >= end) {
				sayso_log(SAYSO_LOG_INFO,
					  "idle: session wiped");
				kiosk_reset(app);
			} else {
				/* Redraw the countdown each second. */
				Uint64 gone = now - app->idle_warning_at;
				Uint64 tick = app->idle_warning_at +
					      (gone / 1000 + 1) * 1000;
				if (tick > end)
					tick = end;
				deadline(&next, tick);
				if (gone / 1000 != app->frames_countdown) {
					app->frames_countdown = gone / 1000;
					app->dirty = true;
				}
			}
		} else if (now - app->last_input >= idle_ms) {
			app->idle_warning = true;
			app->idle_warning_at = now;
			app->frames_countdown = 0;
			app->dirty = true;
			next = now + 1000;
		} else {
			deadline(&next, app->last_input + idle_ms);
		}
	}
	now = SDL_GetTicks64();
	return next > now ? (int)(next - now) : 0;
}

/* ---- start-up ---- */

static void log_sink(enum sayso_log_level level, const char *msg, void *ud)
{
	(void)ud;
	fprintf(stderr, "sayso-kiosk: %s: %s\n", sayso_log_level_name(level),
		msg);
}

static void find_assets(struct kiosk_app *app)
{
	const char *env = getenv("SAYSO_ASSETS");

	if (app->cfg.kiosk.assets[0])
		snprintf(app->assets_dir, sizeof(app->assets_dir), "%s",
			 app->cfg.kiosk.assets);
	else if (env && env[0])
		snprintf(app->assets_dir, sizeof(app->assets_dir), "%s", env);
	else if (access("assets/strings/en.ini", R_OK) == 0)
		snprintf(app->assets_dir, sizeof(app->assets_dir), "assets");
	else
		snprintf(app->assets_dir, sizeof(app->assets_dir), "%s",
			 sayso_datadir());
}

/* Opens the database; on failure the reason is in app->out_of_order (for
 * staff, on the out-of-order screen and in the log) and it returns 1. */
static int try_open_store(struct kiosk_app *app)
{
	char err[512];
	enum sayso_err e;

	snprintf(app->db_path, sizeof(app->db_path), "%s",
		 app->cfg.site.database);
	if (app->fb.enabled)
		kiosk_fallback_close(app);
	else
		sayso_store_close(app->st);
	app->st = NULL;
	if (app->cfg.kiosk.fallback[0] && !kiosk_fallback_wanted(app) &&
	    !app->out_of_order[0])
		sayso_log(SAYSO_LOG_WARN, "[kiosk] fallback is for a "
					  "postgresql:// database: ignored");
	if (kiosk_fallback_wanted(app))
		e = kiosk_fallback_open(app, err, sizeof(err));
	else
		e = sayso_store_open_at(app->db_path, app->cfg.site.secret,
					SAYSO_STORE_CREATE, &app->st, err,
					sizeof(err));
	if (e != SAYSO_OK) {
		if (strcmp(app->out_of_order, err) != 0)
			sayso_log(SAYSO_LOG_ERROR,
				  "out of order: %s (retrying every %d s)", err,
				  KIOSK_STORE_RETRY_MS / 1000);
		snprintf(app->out_of_order, sizeof(app->out_of_order), "%s",
			 err);
		app->st = NULL;
		return 1;
	}
	app->out_of_order[0] = '\0';
	/* A resident must not face a frozen screen while another program
	 * holds the lock: give up at once and retry from the loop, which
	 * keeps drawing (the staff corner and the idle wipe keep working). */
	sayso_store_set_busy_timeout(app->st, KIOSK_BUSY_TIMEOUT_MS);
	if (app->opt.device)
		snprintf(app->device, sizeof(app->device), "%s",
			 app->opt.device);
	else if (kiosk_fallback_device(app))
		/* one kiosk on both: the fallback file's enrolled id */
		snprintf(app->device, sizeof(app->device), "%s",
			 kiosk_fallback_device(app));
	else if (sayso_store_enrolment(app->st)[0] && !app->cfg.kiosk.device[0])
		/* an enrolled kiosk's database knows its kiosk */
		snprintf(app->device, sizeof(app->device), "%s",
			 sayso_store_device(app->st));
	else if (app->cfg.kiosk.device[0])
		snprintf(app->device, sizeof(app->device), "%s",
			 app->cfg.kiosk.device);
	else {
		char host[48] = "";
		if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
			snprintf(host, sizeof(host), "local");
		snprintf(app->device, sizeof(app->device), "kiosk-%s", host);
	}
	struct sayso_store *dst = app->st;
	e = sayso_store_set_device(dst, app->device, "kiosk");
	if (e == SAYSO_OK && app->fb.local && dst != app->fb.local) {
		dst = app->fb.local; /* refuses an id not enrolled */
		e = sayso_store_set_device(dst, app->device, "kiosk");
	}
	if (e != SAYSO_OK && e != SAYSO_ERR_INVAL) {
		/* The id is set; only its registration row failed (busy or
		 * read-only disk): carry on, rows still carry the id. */
		sayso_log(SAYSO_LOG_WARN, "device %s not registered: %s",
			  app->device, sayso_store_errmsg(dst));
	} else if (e != SAYSO_OK) {
		snprintf(app->out_of_order, sizeof(app->out_of_order),
			 "device %s: %s", app->device, sayso_store_errmsg(dst));
		sayso_log(SAYSO_LOG_ERROR, "out of order: %s",
			  app->out_of_order);
		if (app->fb.enabled)
			kiosk_fallback_close(app);
		else
			sayso_store_close(app->st);
		app->st = NULL;
		return 1;
	}
	if (app->fb.offline)
		return 0; /* the demo round goes to the site, not the file */
#ifdef KIOSK_HAVE_DEMO
	struct sayso_round *rounds = NULL;
	size_t nrounds = 0;
	if (sayso_round_list(app->st, &rounds, &nrounds) == SAYSO_OK &&
	    nrounds == 0) {
		bool created = false;
		e = sayso_demo_load(app->st, app->assets_dir, "kiosk",
				    &created);
		if (e == SAYSO_OK && created)
			sayso_log(SAYSO_LOG_INFO,
				  "no round yet: loaded the "
				  "demo round from %s/demo",
				  app->assets_dir);
		else if (e != SAYSO_OK)
			sayso_log(SAYSO_LOG_WARN, "demo round: %s",
				  sayso_store_errmsg(app->st));
	}
	free(rounds);
#endif
	return 0;
}

int kiosk_app_init(struct kiosk_app *app, const struct kiosk_options *opt)
{
	char err[512], dir[SAYSO_PATH_MAX];
	enum sayso_err e;
	Uint32 flags;

	memset(app, 0, sizeof(*app));
	app->opt = *opt;
	app->ui.focus = -1;
	app->ui.pressed = -1;
	sayso_log_set_sink(log_sink, NULL);
	if (getenv("SAYSO_KIOSK_DEBUG"))
		sayso_log_set_level(SAYSO_LOG_DEBUG);
	if (opt->config_path) {
		e = sayso_config_load(&app->cfg, opt->config_path, err,
				      sizeof(err));
		if (e != SAYSO_OK) {
			fprintf(stderr, "sayso-kiosk: %s\n", err);
			return 2;
		}
	} else if (sayso_config_defaults(&app->cfg) != SAYSO_OK) {
		fprintf(stderr, "sayso-kiosk: out of memory\n");
		return 1;
	}
	if (opt->lang) {
		const struct sayso_list *l = &app->cfg.site.languages;
		size_t i = 0;
		while (i < l->n && strcmp(l->items[i], opt->lang) != 0)
			i++;
		if (i == l->n) {
			fprintf(stderr,
				"sayso-kiosk: --lang %s: add it to [site] "
				"languages first\n",
				opt->lang);
			return 2;
		}
		app->lang_default = (int)i;
	}
	find_assets(app);
	if (opt->script) {
		app->script = kiosk_script_load(opt->script);
		if (!app->script)
			return 2;
	}
	/* One touch = one tap: no synthetic mouse from touch, and no
	 * synthetic touch from the mouse. */
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
	SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
	SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
	SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		fprintf(stderr, "sayso-kiosk: cannot start SDL video: %s\n",
			SDL_GetError());
		return 1;
	}
	if (IMG_Init(IMG_INIT_PNG) == 0)
		sayso_log(SAYSO_LOG_WARN, "SDL_image: %s", IMG_GetError());
	flags = SDL_WINDOW_ALLOW_HIGHDPI;
	bool fullscreen =
	    app->cfg.kiosk.fullscreen && !opt->windowed && !opt->script;
	int ww = opt->script ? KIOSK_W : 1280, wh = opt->script ? KIOSK_H : 720;
	if (fullscreen) {
		/* Desktop-sized from the start: without a window manager the
		 * fullscreen request alone may leave the first size. */
		SDL_DisplayMode dm;
		if (SDL_GetDesktopDisplayMode(0, &dm) == 0 && dm.w > 0 &&
		    dm.h > 0) {
			ww = dm.w;
			wh = dm.h;
		}
		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
	} else if (!opt->script)
		flags |= SDL_WINDOW_RESIZABLE;
	app->win = SDL_CreateWindow(
	    "sayso kiosk", fullscreen ? 0 : SDL_WINDOWPOS_CENTERED,
	    fullscreen ? 0 : SDL_WINDOWPOS_CENTERED, ww, wh, flags);
	if (!app->win) {
		fprintf(stderr, "sayso-kiosk: cannot open a window: %s\n",
			SDL_GetError());
		return 1;
	}
	app->ren = SDL_CreateRenderer(app->win, -1, SDL_RENDERER_PRESENTVSYNC);
	if (!app->ren) {
		sayso_log(SAYSO_LOG_WARN, "renderer: %s; using software",
			  SDL_GetError());
		app->ren =
		    SDL_CreateRenderer(app->win, -1, SDL_RENDERER_SOFTWARE);
	}
	if (!app->ren) {
		fprintf(stderr, "sayso-kiosk: no renderer: %s\n",
			SDL_GetError());
		return 1;
	}
	SDL_RenderSetLogicalSize(app->ren, KIOSK_W, KIOSK_H);
	SDL_ShowCursor(app->cfg.kiosk.cursor || opt->windowed ? SDL_ENABLE
							      : SDL_DISABLE);
	SDL_DisableScreenSaver();
	kiosk_palette_set(false);
	app->as = kiosk_assets_new(app->ren, &app->cfg);
	if (!app->as) {
		fprintf(stderr, "sayso-kiosk: out of memory\n");
		return 1;
	}
	strings_dir(app, dir, sizeof(dir));
	app->str = kiosk_strings_load(
	    dir, app->cfg.site.languages.n
		     ? app->cfg.site.languages.items[app->lang_default]
		     : "en");
	app->lang_index = app->lang_default;
	if (!app->str) {
		fprintf(stderr, "sayso-kiosk: out of memory\n");
		return 1;
	}
	SDL_StartTextInput();
	if (app->cfg.kiosk.speech != SAYSO_SPEECH_OFF)
		app->speech = kiosk_speech_new();
	app->speech_on = app->cfg.kiosk.speech == SAYSO_SPEECH_ON &&
			 kiosk_speech_available(app->speech);
	app->last_input = SDL_GetTicks64();
	if (try_open_store(app) != 0) {
		/* Never a bare desktop in front of residents: say so, and
		 * keep trying. */
		app->store_retry_at = SDL_GetTicks64() + KIOSK_STORE_RETRY_MS;
		kiosk_go(app, KS_OUT_OF_ORDER);
		return 0;
	}
	sayso_log(SAYSO_LOG_INFO, "device %s, database %s, %s renderer",
		  app->device, sayso_store_path(app->st), "SDL");
	if (app->cfg.kiosk.verify == SAYSO_VERIFY_NONE)
		sayso_log(SAYSO_LOG_WARN,
			  "verify = none: votes are not checked by text or "
			  "voter code; staff must check who votes");
	kiosk_go(app, KS_ATTRACT);
	app->say_screen =
	    false; /* nobody there yet: the first touch hears it */
	return 0;
}

int kiosk_app_run(struct kiosk_app *app)
{
	SDL_Event ev;

	while (!app->quit) {
		if (kiosk_should_render(app))
			kiosk_render(app, NULL);
		int timeout = kiosk_tick(app);
		if (kiosk_should_render(app))
			continue;
		if (app->script &&
		    !SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT)) {
			int wait = 0;
			if (!kiosk_script_step(app, &wait)) {
				if (app->dirty)
					kiosk_render(app, NULL);
				sayso_log(SAYSO_LOG_INFO, "script finished");
				break;
			}
			if (app->dirty ||
			    SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
				continue;
			if (wait < timeout)
				timeout = wait;
		}
		if (SDL_WaitEventTimeout(&ev, timeout))
			kiosk_handle_sdl(app, &ev);
	}
	return app->exit_code;
}

void kiosk_app_cleanup(struct kiosk_app *app)
{
	kiosk_session_wipe(&app->s);
	app->digit_pending = 0;
	kiosk_script_free(app->script);
	kiosk_speech_free(app->speech);
	kiosk_assets_free(app->as);
	kiosk_strings_free(app->str);
	if (app->ren)
		SDL_DestroyRenderer(app->ren);
	if (app->win)
		SDL_DestroyWindow(app->win);
	if (TTF_WasInit())
		TTF_Quit();
	IMG_Quit();
	SDL_Quit();
	free(app->projects);
	if (app->fb.enabled)
		kiosk_fallback_close(app);
	else
		sayso_store_close(app->st);
	sayso_config_cleanup(&app->cfg);
	memset(app, 0, sizeof(*app));
}

/* Free disk space under the database, for the staff page. */
int64_t kiosk_free_disk(const char *db_path)
{
	char dir[SAYSO_PATH_MAX];
	struct statvfs sv;
	const char *slash = strrchr(db_path, '/');

	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - db_path + 1),
			 db_path);
	else
		snprintf(dir, sizeof(dir), ".");
	if (statvfs(dir, &sv) != 0)
		return -1;
	return (int64_t)sv.f_bavail * (int64_t)sv.f_frsize;
}

/* ---- out of order (start-up failed) ---- */

static bool ooo_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	(void)app;
	(void)in;
	return false;
}

static void ooo_draw(struct kiosk_app *app)
{
	kiosk_fill(app->ren, (SDL_Rect){0, 0, KIOSK_W, KIOSK_H}, KC_PANEL);
	kiosk_fill(app->ren, (SDL_Rect){0, 0, KIOSK_W, 12}, KC_ERROR);
	int h = kiosk_text_wrapped(app->as, KF_HUGE,
				   kiosk_s(app, "out_of_order.title"), 160, 200,
				   KIOSK_W - 320, KC_TEXT);
	kiosk_text_wrapped(app->as, KF_TITLE, kiosk_s(app, "out_of_order.body"),
			   160, 240 + h, KIOSK_W - 320, KC_TEXT);
	char why[512];
	kiosk_fmt(why, sizeof(why), kiosk_s(app, "out_of_order.staff"),
		  "reason", app->out_of_order, NULL);
	kiosk_text_wrapped(app->as, KF_BODY, why, 160, 800, KIOSK_W - 320,
			   KC_MUTED);
}

const struct kiosk_screen kiosk_screen_out_of_order = {
    .name = "out_of_order",
    .event = ooo_event,
    .draw = ooo_draw,
};

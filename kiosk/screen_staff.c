/*
 * screen_staff.c: the staff exit. Holding the top-left corner for five
 * seconds (app.c) opens a PIN keypad; the PIN from [kiosk] staff_pin opens
 * a small status page (device id, counts today, database path, free disk)
 * with "Exit kiosk" and "Back to kiosk". Every third wrong PIN locks the
 * PIN screen, for 30 s and then twice as long each time (kept across
 * visits: walking away does not reset it). Every attempt is logged, never
 * the digits typed.
 */
#include "kiosk.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include "sayso/log.h"
#include "sayso/stats.h"

enum { S_EXIT = 100, S_WALK };

static bool pin_locked(const struct kiosk_app *app)
{
	return app->pin_locked_until > SDL_GetTicks64();
}

static void pin_locked_message(struct kiosk_app *app)
{
	char in[64];
	long left =
	    (long)((app->pin_locked_until - SDL_GetTicks64() + 999) / 1000);
	kiosk_plural(app, "staff.seconds", left, in, sizeof(in));
	kiosk_fmt(app->s.message, sizeof(app->s.message),
		  kiosk_s(app, "staff.locked"), "in", in, NULL);
}

static void pin_check(struct kiosk_app *app)
{
	const char *pin = app->cfg.kiosk.staff_pin;
	size_t a = strlen(app->s.pin_typed), b = strlen(pin);
	unsigned diff = a != b;

	for (size_t i = 0; i < b; i++)
		diff |= (unsigned)(app->s.pin_typed[i < a ? i : 0] ^ pin[i]);
	memset(app->s.pin_typed, 0, sizeof(app->s.pin_typed));
	if (pin_locked(app)) {
		sayso_log(SAYSO_LOG_WARN, "staff PIN tried while locked");
		pin_locked_message(app);
		return;
	}
	if (!diff && b > 0) {
		app->pin_failures = 0;
		sayso_log(SAYSO_LOG_INFO, "staff PIN accepted");
		kiosk_go(app, KS_STAFF);
		return;
	}
	app->s.pin_tries++;
	app->pin_failures++;
	sayso_log(SAYSO_LOG_WARN, "staff PIN wrong (attempt %d)",
		  app->s.pin_tries);
	if (app->pin_failures % 3 == 0) {
		int rounds = app->pin_failures / 3;
		Uint64 ms = 30000ULL << (rounds > 6 ? 6 : rounds - 1);
		app->pin_locked_until = SDL_GetTicks64() + ms;
		sayso_log(SAYSO_LOG_WARN, "staff PIN locked for %llu s",
			  (unsigned long long)(ms / 1000));
		pin_locked_message(app);
		return;
	}
	snprintf(app->s.message, sizeof(app->s.message), "%s",
		 kiosk_s(app, "staff.wrong_pin"));
}

static void pin_type(struct kiosk_app *app, const char *text)
{
	for (const char *p = text; *p; p++)
		if (isdigit((unsigned char)*p)) {
			char t[2] = {*p, 0};
			kiosk_buf_append(app->s.pin_typed,
					 sizeof(app->s.pin_typed), t);
		}
}

static void pin_enter(struct kiosk_app *app)
{
	if (pin_locked(app))
		pin_locked_message(app);
}

static bool pin_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	struct kiosk_entry e = {app->s.pin_typed, pin_type, pin_check};

	return kiosk_entry_event(app, in, &e);
}

static void pin_draw(struct kiosk_app *app)
{
	char dots[40] = "";
	size_t n = strlen(app->s.pin_typed);

	kiosk_draw_title(app, kiosk_s(app, "staff.pin_title"), NULL);
	for (size_t i = 0; i < n && i * 3 + 3 < sizeof(dots); i++)
		memcpy(dots + i * 3, "\xe2\x97\x8f", 3); /* ● */
	dots[n * 3 < sizeof(dots) ? n * 3 : sizeof(dots) - 1] = '\0';
	SDL_Rect field = {160, 300, 560, 110};
	kiosk_fill(app->ren, field, KC_BG);
	kiosk_frame(app->ren, field, 3, KC_BORDER);
	kiosk_text(app->as, KF_TITLE, dots, field.x + 24, field.y + 18,
		   KC_TEXT);
	kiosk_draw_message(app, 440, 860);
	kiosk_keypad_add(app, (SDL_Rect){1120, 200, 640, 680}, false);
	kiosk_add_nav(app, "nav.cancel", "nav.next");
}

const struct kiosk_screen kiosk_screen_staff_pin = {
    .name = "staff_pin",
    .enter = pin_enter,
    .event = pin_event,
    .draw = pin_draw,
};

/* ---- status page ---- */

static struct {
	int64_t ratings, reports, ballots, flagged;
	bool ok;
} today;

static int64_t local_midnight_ms(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm))
		return 0;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (int64_t)mktime(&tm) * 1000;
}

static void staff_enter(struct kiosk_app *app)
{
	struct sayso_ratings_summary rs;
	struct sayso_reports_summary ps;
	struct sayso_ballot_counts bc;
	int64_t since = local_midnight_ms();

	memset(&today, 0, sizeof(today));
	today.ok = true;
	memset(&rs, 0, sizeof(rs));
	memset(&ps, 0, sizeof(ps));
	if (sayso_stats_ratings(app->st, since, 0, SAYSO_BY_NONE, &rs) ==
	    SAYSO_OK) {
		today.ratings = rs.all.n;
		today.flagged = rs.flagged;
	} else
		today.ok = false;
	sayso_ratings_summary_cleanup(&rs);
	if (sayso_stats_reports(app->st, since, 0, &ps) == SAYSO_OK)
		today.reports = ps.total;
	else
		today.ok = false;
	sayso_reports_summary_cleanup(&ps);
	kiosk_load_round(app);
	today.ballots = -1;
	if (app->have_round &&
	    sayso_ballot_counts(app->st, app->round.id, &bc) == SAYSO_OK)
		today.ballots = bc.by_channel[SAYSO_CH_KIOSK];
}

static bool staff_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	if (in->kind == KI_ACTIVATE && in->w->action == S_WALK) {
		kiosk_go(app, KS_WALK);
		return true;
	}
	if (in->kind == KI_ACTIVATE && in->w->action == S_EXIT) {
		sayso_log(SAYSO_LOG_INFO, "staff exit");
		app->quit = true;
		app->exit_code = 0;
		return true;
	}
	if ((in->kind == KI_ACTIVATE && in->w->action == KA_BACK) ||
	    (in->kind == KI_KEY && in->key == SDLK_ESCAPE)) {
		kiosk_reset(app);
		return true;
	}
	return false;
}

static int status_line(struct kiosk_app *app, int y, const char *key,
		       const char *value)
{
	kiosk_text(app->as, KF_BODY, kiosk_s(app, key), 160, y, KC_MUTED);
	kiosk_text(app->as, KF_BODY, value, 760, y, KC_TEXT);
	return 56;
}

static void staff_draw(struct kiosk_app *app)
{
	char v[SAYSO_PATH_MAX + 64];
	int y = 200;
	/* On a PostgreSQL site: the disk that matters is the fallback's, and
	 * the URI is shown without its password. */
	int64_t free_b =
	    kiosk_free_disk(app->fb.enabled ? app->fb.path : app->db_path);

	kiosk_draw_title(app, kiosk_s(app, "staff.title"), NULL);
	y += status_line(app, y, "staff.device", app->device);
	y += status_line(app, y, "staff.database",
			 app->st ? sayso_store_path(app->st) : app->db_path);
	if (app->fb.enabled) {
		kiosk_fallback_status(app, v, sizeof(v));
		kiosk_text(app->as, KF_BODY, kiosk_s(app, "staff.mode"), 160, y,
			   KC_MUTED);
		int h = kiosk_text_wrapped(app->as, KF_BODY, v, 760, y,
					   KIOSK_W - 760 - 160,
					   app->fb.offline ? KC_ERROR : KC_OK);
		y += h + 16 > 56 ? h + 16 : 56;
		if (app->fb.merge_error[0]) {
			char m[KIOSK_LABEL_MAX];
			kiosk_fmt(m, sizeof(m),
				  kiosk_s(app, "staff.merge_failed"), "reason",
				  app->fb.merge_error, NULL);
			y += kiosk_text_wrapped(app->as, KF_BODY, m, 160, y,
						KIOSK_W - 320, KC_ERROR) +
			     16;
		}
	}
	if (free_b >= 0)
		snprintf(v, sizeof(v), "%.1f GB",
			 (double)free_b / (1024.0 * 1024 * 1024));
	else
		snprintf(v, sizeof(v), "?");
	y += status_line(app, y, "staff.free_disk", v);
	snprintf(v, sizeof(v), "%lld", (long long)today.ratings);
	y += status_line(app, y, "staff.ratings_today", v);
	snprintf(v, sizeof(v), "%lld", (long long)today.reports);
	y += status_line(app, y, "staff.reports_today", v);
	if (today.ballots >= 0) {
		snprintf(v, sizeof(v), "%s: %lld", app->round.code,
			 (long long)today.ballots);
		y += status_line(app, y, "staff.kiosk_votes", v);
	} else {
		y += status_line(app, y, "staff.kiosk_votes",
				 kiosk_s(app, "staff.no_round"));
	}
	snprintf(v, sizeof(v), "sayso %s, %s", SAYSO_VERSION,
		 kiosk_strings_lang(app->str));
	y += status_line(app, y, "staff.version", v);
	y += status_line(
	    app, y, "staff.verify",
	    kiosk_s(app, app->cfg.kiosk.verify == SAYSO_VERIFY_SMS
			     ? "staff.verify_sms"
			 : app->cfg.kiosk.verify == SAYSO_VERIFY_CODE
			     ? "staff.verify_code"
			     : "staff.verify_none"));
	if (today.flagged > 0) {
		char n[24], warn[KIOSK_LABEL_MAX];
		snprintf(n, sizeof(n), "%lld", (long long)today.flagged);
		kiosk_fmt(warn, sizeof(warn), kiosk_s(app, "staff.burst"), "n",
			  n, NULL);
		y += kiosk_text_wrapped(app->as, KF_BODY, warn, 160, y,
					KIOSK_W - 320, KC_ERROR) +
		     16;
	}
	if (!today.ok)
		status_line(app, y, "staff.counts_failed", "");
	kiosk_ui_add(app, KW_BUTTON, KIOSK_W - 160 - 440, KIOSK_H - 150, 440,
		     110, S_EXIT, 0, kiosk_s(app, "staff.exit"));
	kiosk_ui_add(app, KW_SECONDARY, 160, KIOSK_H - 150, 440, 110, KA_BACK,
		     0, kiosk_s(app, "staff.back"));
	kiosk_ui_add(app, KW_SECONDARY, (KIOSK_W - 440) / 2, KIOSK_H - 150, 440,
		     110, S_WALK, 0, kiosk_s(app, "staff.walkabout"));
}

const struct kiosk_screen kiosk_screen_staff = {
    .name = "staff",
    .enter = staff_enter,
    .event = staff_event,
    .draw = staff_draw,
};

/*
 * screen_walkabout.c: walkabout mode, for partner staff on a kiosk or
 * tablet (reached from the staff status page, so behind the staff PIN).
 *
 * One screen with four steps: pick the walkabout (most recent first), pick
 * a street of it (each showing how many earlier issues wait to be
 * re-checked there), then on the street log a new issue (category, grade A
 * to D under the Code of Practice on Litter and Refuse, a short note) and
 * re-check the open issues from earlier walkabouts (resolved, not
 * resolved, gone worse), each with an optional short note of its own
 * (walkabout check --note); both notes are typed on the same keyboard
 * step. Every
 * rule (coverage, routing, duplicates, "logged on an earlier walkabout")
 * is core's (sayso/walkabout.h); who is the walkabout's walkers, when is
 * now. Nothing here is a resident's data, so nothing is wiped between
 * steps, but the idle timer still ends the mode like any staff page.
 */
#include "kiosk.h"

#include <string.h>

#include "sayso/log.h"
#include "sayso/walkabout.h"

#define WALK_PICK_MAX 6	     /* walkabouts offered, most recent first */
#define WALK_STREETS_PAGE 12 /* streets per page */
#define WALK_CATS_MAX 10     /* categories offered */
#define WALK_RECHECK_SHOWN 3 /* re-check rows on one street page */

enum walk_step { W_PICK, W_STREETS, W_STREET, W_NOTE };

enum {
	W_CHOOSE = 100, /* arg: walkabout index */
	W_STREET_PICK,	/* arg: street index */
	W_CAT,		/* arg: category index */
	W_GRADE,	/* arg: enum sayso_grade */
	W_NOTE_OPEN,
	W_LOG,
	W_CHECK, /* arg: recheck index * 3 + enum sayso_observed */
	W_CHECK_NOTE_OPEN,
};

static struct {
	enum walk_step step;
	struct sayso_walkabout *list;
	size_t nlist;
	struct sayso_walkabout cur;
	size_t street; /* index into the current streets */
	int page;
	int cat; /* index into [site] categories, -1 none */
	enum sayso_grade grade;
	char note[SAYSO_WALK_NOTE_MAX + 1];	  /* the new issue's */
	char check_note[SAYSO_WALK_NOTE_MAX + 1]; /* the next re-check's */
	bool typing_check; /* W_NOTE types check_note, not note */
	struct sayso_walk_issue *recheck; /* open, on this street, earlier */
	size_t nrecheck;
	int64_t *pending; /* per street: issues to re-check */
} walk;

static const char *strings_lookup(void *ud, const char *key)
{
	return kiosk_str(ud, key);
}

/* The streets of the current walkabout: its own list, else the site's. */
static size_t street_count(struct kiosk_app *app)
{
	return walk.cur.nstreets ? walk.cur.nstreets : app->cfg.site.streets.n;
}

static const char *street_name(struct kiosk_app *app, size_t i)
{
	return walk.cur.nstreets ? walk.cur.streets[i]
				 : app->cfg.site.streets.items[i];
}

static void say_failure(struct kiosk_app *app, const char *what,
			enum sayso_err e)
{
	sayso_log(SAYSO_LOG_WARN, "walkabout: %s: %s", what,
		  sayso_store_errmsg(app->st));
	kiosk_fmt(app->s.message, sizeof(app->s.message),
		  kiosk_s(app, "walk.failed"), "why", sayso_strerror(e), NULL);
}

/* How many open earlier issues wait on each street of the walkabout. */
static void load_pending(struct kiosk_app *app)
{
	struct sayso_walk_filter f = {.before = walk.cur.code,
				      .open_only = true};
	struct sayso_walk_issue *is = NULL;
	size_t n = 0, ns = street_count(app);

	free(walk.pending);
	walk.pending = calloc(ns ? ns : 1, sizeof *walk.pending);
	if (!walk.pending)
		return;
	enum sayso_err e = sayso_walk_issue_list(app->st, &f, &is, &n);
	if (e != SAYSO_OK) {
		say_failure(app, "issues to re-check", e);
		return;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < ns; k++)
			if (strcasecmp(is[i].street, street_name(app, k)) == 0)
				walk.pending[k]++;
	free(is);
}

static void load_recheck(struct kiosk_app *app)
{
	struct sayso_walk_filter f = {.before = walk.cur.code,
				      .street = street_name(app, walk.street),
				      .open_only = true};
	free(walk.recheck);
	walk.recheck = NULL;
	walk.nrecheck = 0;
	enum sayso_err e =
	    sayso_walk_issue_list(app->st, &f, &walk.recheck, &walk.nrecheck);
	if (e != SAYSO_OK)
		say_failure(app, "issues to re-check", e);
}

static void walk_enter(struct kiosk_app *app)
{
	free(walk.list);
	walk.list = NULL;
	walk.nlist = 0;
	walk.step = W_PICK;
	walk.page = 0;
	app->s.message[0] = '\0';
	enum sayso_err e =
	    sayso_walkabout_list(app->st, &walk.list, &walk.nlist);
	if (e != SAYSO_OK)
		say_failure(app, "walkabouts", e);
	sayso_log(SAYSO_LOG_INFO, "walkabout mode");
}

static void walk_leave(struct kiosk_app *app)
{
	(void)app;
	free(walk.list);
	free(walk.recheck);
	free(walk.pending);
	memset(&walk, 0, sizeof(walk));
}

static void choose_walkabout(struct kiosk_app *app, size_t i)
{
	if (i >= walk.nlist)
		return;
	walk.cur = walk.list[i];
	walk.step = W_STREETS;
	walk.page = 0;
	app->s.message[0] = '\0';
	load_pending(app);
}

static void open_street(struct kiosk_app *app, size_t i)
{
	if (i >= street_count(app))
		return;
	walk.street = i;
	walk.cat = -1;
	walk.grade = SAYSO_GRADE_NONE;
	walk.note[0] = '\0';
	walk.check_note[0] = '\0';
	walk.step = W_STREET;
	app->s.message[0] = '\0';
	load_recheck(app);
}

static void log_issue(struct kiosk_app *app)
{
	const struct sayso_list *c = &app->cfg.site.categories;
	char ref[SAYSO_WALK_REF_LEN + 1];

	if (walk.cat < 0 || (size_t)walk.cat >= c->n) {
		snprintf(app->s.message, sizeof(app->s.message), "%s",
			 kiosk_s(app, "walk.need_category"));
		return;
	}
	struct sayso_walk_log_in in = {
	    .walkabout = walk.cur.code,
	    .street = street_name(app, walk.street),
	    .category = c->items[walk.cat],
	    .grade = walk.grade,
	    .note = walk.note,
	    .device_id = app->device,
	};
	enum sayso_err e = sayso_walk_log(app->st, &in, ref, sizeof(ref));
	if (e != SAYSO_OK) {
		say_failure(app, "log issue", e);
		return;
	}
	sayso_log(SAYSO_LOG_INFO, "walkabout %s: logged %s", walk.cur.code,
		  ref);
	kiosk_fmt(app->s.message, sizeof(app->s.message),
		  kiosk_s(app, "walk.logged"), "ref", ref, NULL);
	walk.cat = -1;
	walk.grade = SAYSO_GRADE_NONE;
	walk.note[0] = '\0';
}

static void check_issue(struct kiosk_app *app, int arg)
{
	size_t i = (size_t)(arg / 3);
	enum sayso_observed o = (enum sayso_observed)(arg % 3);

	if (i >= walk.nrecheck)
		return;
	char ref[SAYSO_WALK_REF_LEN + 1];
	snprintf(ref, sizeof(ref), "%s", walk.recheck[i].ref);
	enum sayso_err e = sayso_walk_check(
	    app->st, walk.cur.code, ref, o,
	    walk.check_note[0] ? walk.check_note : NULL, NULL, 0);
	if (e != SAYSO_OK) {
		say_failure(app, "re-check", e); /* the note is kept */
		return;
	}
	walk.check_note[0] = '\0'; /* it went with this observation */
	sayso_log(SAYSO_LOG_INFO, "walkabout %s: %s %s", walk.cur.code, ref,
		  sayso_observed_name(o));
	kiosk_fmt(app->s.message, sizeof(app->s.message),
		  kiosk_s(app, "walk.checked"), "ref", ref, "observed",
		  kiosk_s(app, o == SAYSO_OBS_RESOLVED ? "walk.resolved"
			       : o == SAYSO_OBS_NOT_RESOLVED
				   ? "walk.not_resolved"
				   : "walk.gone_worse"),
		  NULL);
	load_recheck(app); /* a resolved one leaves the list */
}

static void step_back(struct kiosk_app *app)
{
	app->s.message[0] = '\0';
	switch (walk.step) {
	case W_PICK:
		kiosk_go(app, KS_STAFF);
		return;
	case W_STREETS:
		walk.step = W_PICK;
		return;
	case W_STREET:
		walk.step = W_STREETS;
		load_pending(app);
		return;
	case W_NOTE:
		walk.step = W_STREET;
		return;
	}
}

/* The note being typed: the new issue's or the next re-check's. */
static char *note_buf(void)
{
	return walk.typing_check ? walk.check_note : walk.note;
}

static void note_type(struct kiosk_app *app, const char *text)
{
	(void)app;
	kiosk_buf_append(note_buf(), sizeof(walk.note), text);
}

static void note_done(struct kiosk_app *app)
{
	(void)app;
	walk.step = W_STREET;
}

static bool walk_activate(struct kiosk_app *app, const struct kiosk_widget *w)
{
	switch (w->action) {
	case KA_BACK:
		step_back(app);
		return true;
	case KA_PAGE_PREV:
		walk.page = walk.page > 0 ? walk.page - 1 : 0;
		return true;
	case KA_PAGE_NEXT:
		walk.page++;
		return true;
	case W_CHOOSE: /* args are 1-based: the badge a choice shows */
		choose_walkabout(app, (size_t)w->arg - 1);
		return true;
	case W_STREET_PICK:
		open_street(app, (size_t)w->arg - 1);
		return true;
	case W_CAT:
		walk.cat = w->arg - 1;
		return true;
	case W_GRADE:
		walk.grade = walk.grade == (enum sayso_grade)w->arg
				 ? SAYSO_GRADE_NONE
				 : (enum sayso_grade)w->arg;
		return true;
	case W_NOTE_OPEN:
	case W_CHECK_NOTE_OPEN:
		walk.typing_check = w->action == W_CHECK_NOTE_OPEN;
		walk.step = W_NOTE;
		app->s.shift = false;
		app->s.symbols = false;
		return true;
	case W_LOG:
		log_issue(app);
		return true;
	case W_CHECK:
		check_issue(app, w->arg);
		return true;
	default:
		return false;
	}
}

static bool walk_event(struct kiosk_app *app, const struct kiosk_in *in)
{
	if (walk.step == W_NOTE) {
		struct kiosk_entry e = {note_buf(), note_type, note_done};
		if ((in->kind == KI_ACTIVATE && in->w->action == KA_BACK) ||
		    (in->kind == KI_KEY && in->key == SDLK_ESCAPE)) {
			step_back(app);
			return true;
		}
		if (in->kind == KI_ACTIVATE && in->w->action == KA_KEY &&
		    (in->w->arg == KK_SHIFT || in->w->arg == KK_MODE)) {
			if (in->w->arg == KK_SHIFT)
				app->s.shift = !app->s.shift;
			else
				app->s.symbols = !app->s.symbols;
			return true;
		}
		if (in->kind == KI_ACTIVATE && in->w->action == KA_KEY &&
		    in->w->arg == KK_SPACE) {
			note_type(app, " ");
			return true;
		}
		return kiosk_entry_event(app, in, &e);
	}
	if (in->kind == KI_ACTIVATE)
		return walk_activate(app, in->w);
	if (in->kind == KI_KEY && in->key == SDLK_ESCAPE) {
		step_back(app);
		return true;
	}
	return false;
}

static void draw_pick(struct kiosk_app *app)
{
	kiosk_draw_title(app, kiosk_s(app, "walk.title"),
			 kiosk_s(app, "walk.pick"));
	if (walk.nlist == 0) {
		kiosk_text_wrapped(app->as, KF_BODY, kiosk_s(app, "walk.none"),
				   160, 300, KIOSK_W - 320, KC_TEXT);
	}
	/* Most recent first: the list is oldest first. */
	for (size_t k = 0; k < walk.nlist && k < WALK_PICK_MAX; k++) {
		size_t i = walk.nlist - 1 - k;
		char label[KIOSK_LABEL_MAX];
		snprintf(label, sizeof(label), "%s  %s  (%s)",
			 walk.list[i].code, walk.list[i].held_on,
			 walk.list[i].walkers);
		kiosk_ui_add(app, KW_CHOICE, 160 + (int)(k % 2) * 820,
			     280 + (int)(k / 2) * 190, 790, 160, W_CHOOSE,
			     (int)i + 1, label);
	}
	kiosk_draw_message(app, 860, KIOSK_W - 320);
	kiosk_add_nav(app, "walk.back_staff", NULL);
}

static void draw_streets(struct kiosk_app *app)
{
	char sub[KIOSK_LABEL_MAX];
	size_t ns = street_count(app);
	int pages = (int)((ns + WALK_STREETS_PAGE - 1) / WALK_STREETS_PAGE);

	if (walk.page >= pages)
		walk.page = pages > 0 ? pages - 1 : 0;
	snprintf(sub, sizeof(sub), "%s, %s: %s", walk.cur.code,
		 walk.cur.held_on, walk.cur.walkers);
	kiosk_draw_title(app, kiosk_s(app, "walk.streets"), sub);
	size_t first = (size_t)walk.page * WALK_STREETS_PAGE;
	for (size_t k = 0; first + k < ns && k < WALK_STREETS_PAGE; k++) {
		size_t i = first + k;
		char n[24], more[KIOSK_LABEL_MAX], label[KIOSK_LABEL_MAX];
		snprintf(n, sizeof(n), "%lld",
			 (long long)(walk.pending ? walk.pending[i] : 0));
		more[0] = '\0';
		if (walk.pending && walk.pending[i] > 0)
			kiosk_fmt(more, sizeof(more),
				  kiosk_s(app, "walk.to_recheck"), "n", n,
				  NULL);
		snprintf(label, sizeof(label), "%s%s%s%s", street_name(app, i),
			 more[0] ? " (" : "", more, more[0] ? ")" : "");
		kiosk_ui_add(app, KW_CHOICE, 160 + (int)(k % 3) * 540,
			     270 + (int)(k / 3) * 165, 510, 140, W_STREET_PICK,
			     (int)i + 1, label);
	}
	if (pages > 1) {
		kiosk_ui_add(app, KW_SECONDARY, 760, KIOSK_H - 150, 180, 110,
			     KA_PAGE_PREV, 0, "<");
		kiosk_ui_add(app, KW_SECONDARY, 980, KIOSK_H - 150, 180, 110,
			     KA_PAGE_NEXT, 0, ">");
	}
	kiosk_draw_message(app, 940, KIOSK_W - 320);
	kiosk_add_nav(app, "nav.back", NULL);
}

/* Left half: log a new issue. */
static void draw_log_side(struct kiosk_app *app)
{
	const struct sayso_list *c = &app->cfg.site.categories;
	static const enum sayso_grade grades[] = {SAYSO_GRADE_A, SAYSO_GRADE_B,
						  SAYSO_GRADE_C, SAYSO_GRADE_D};
	char label[128];

	kiosk_text(app->as, KF_BUTTON, kiosk_s(app, "walk.log_title"), 160, 250,
		   KC_TEXT);
	for (size_t i = 0; i < c->n && i < WALK_CATS_MAX; i++) {
		sayso_category_label_lookup(c->items[i], strings_lookup,
					    app->str, label, sizeof(label));
		struct kiosk_widget *w =
		    kiosk_ui_add(app, KW_CHOICE, 160 + (int)(i % 2) * 400,
				 310 + (int)(i / 2) * 100, 380, 84, W_CAT,
				 (int)i + 1, label);
		w->selected = walk.cat == (int)i;
	}
	kiosk_text(app->as, KF_SMALL, kiosk_s(app, "walk.grade"), 160, 820,
		   KC_MUTED);
	for (size_t g = 0; g < 4; g++) {
		bool on = walk.grade == grades[g];
		kiosk_ui_add(app, on ? KW_BUTTON : KW_SECONDARY,
			     300 + (int)g * 120, 800, 100, 80, W_GRADE,
			     (int)grades[g], sayso_grade_name(grades[g]));
	}
	if (walk.grade != SAYSO_GRADE_NONE)
		kiosk_text(app->as, KF_SMALL, sayso_grade_meaning(walk.grade),
			   160, 890, KC_MUTED);
	kiosk_ui_add(app, KW_SECONDARY, 160, 930, 380, 90, W_NOTE_OPEN, 0,
		     walk.note[0] ? walk.note : kiosk_s(app, "walk.note"));
	kiosk_ui_add(app, KW_BUTTON, 560, 930, 380, 90, W_LOG, 0,
		     kiosk_s(app, "walk.log"));
}

/* Right half: the open issues from earlier walkabouts on this street. */
static void draw_recheck_side(struct kiosk_app *app)
{
	static const char *const keys[] = {"walk.resolved", "walk.not_resolved",
					   "walk.gone_worse"};
	char line[KIOSK_LABEL_MAX], label[128];
	int x = 990, y = 250;

	kiosk_text(app->as, KF_BUTTON, kiosk_s(app, "walk.recheck_title"), x, y,
		   KC_TEXT);
	y += 60;
	if (walk.nrecheck == 0)
		kiosk_text_wrapped(app->as, KF_BODY,
				   kiosk_s(app, "walk.nothing_to_recheck"), x,
				   y, KIOSK_W - 160 - x, KC_MUTED);
	for (size_t i = 0; i < walk.nrecheck && i < WALK_RECHECK_SHOWN; i++) {
		const struct sayso_walk_issue *is = &walk.recheck[i];
		sayso_category_label_lookup(is->category, strings_lookup,
					    app->str, label, sizeof(label));
		snprintf(line, sizeof(line), "%s  %s%s%s  (%s)", is->ref, label,
			 is->grade != SAYSO_GRADE_NONE ? " " : "",
			 sayso_grade_name(is->grade), is->walkabout);
		kiosk_text(app->as, KF_SMALL, line, x, y, KC_TEXT);
		for (int o = 0; o < 3; o++)
			kiosk_ui_add(app, o == 0 ? KW_BUTTON : KW_SECONDARY,
				     x + o * 260, y + 40, 250, 110, W_CHECK,
				     (int)i * 3 + o, kiosk_s(app, keys[o]));
		y += 190;
	}
	if (walk.nrecheck > WALK_RECHECK_SHOWN) {
		char n[24];
		snprintf(n, sizeof(n), "%zu",
			 walk.nrecheck - WALK_RECHECK_SHOWN);
		kiosk_fmt(line, sizeof(line), kiosk_s(app, "walk.more"), "n", n,
			  NULL);
		kiosk_text(app->as, KF_SMALL, line, x, y, KC_MUTED);
	}
	if (walk.nrecheck > 0)
		kiosk_ui_add(
		    app, KW_SECONDARY, x, 930, 390, 90, W_CHECK_NOTE_OPEN, 0,
		    walk.check_note[0] ? walk.check_note
				       : kiosk_s(app, "walk.check_note"));
}

static void draw_street(struct kiosk_app *app)
{
	char sub[KIOSK_LABEL_MAX];

	snprintf(sub, sizeof(sub), "%s, %s", walk.cur.code, walk.cur.held_on);
	kiosk_draw_title(app, street_name(app, walk.street), sub);
	draw_log_side(app);
	draw_recheck_side(app);
	kiosk_draw_message(app, 190, KIOSK_W - 320);
	kiosk_ui_add(app, KW_SECONDARY, KIOSK_W - 160 - 360, 930, 360, 90,
		     KA_BACK, 0, kiosk_s(app, "walk.other_street"));
}

static void draw_note(struct kiosk_app *app)
{
	SDL_Rect field = {160, 250, KIOSK_W - 320, 110};

	kiosk_draw_title(app,
			 kiosk_s(app, walk.typing_check ? "walk.check_note"
							: "walk.note_title"),
			 street_name(app, walk.street));
	kiosk_fill(app->ren, field, KC_BG);
	kiosk_frame(app->ren, field, 3, KC_BORDER);
	kiosk_text(app->as, KF_BODY, note_buf(), field.x + 24, field.y + 34,
		   KC_TEXT);
	kiosk_keyboard_add(app, (SDL_Rect){160, 400, KIOSK_W - 320, 480},
			   app->s.shift, app->s.symbols);
	kiosk_add_nav(app, "nav.back", "walk.note_done");
}

static void walk_draw(struct kiosk_app *app)
{
	switch (walk.step) {
	case W_PICK:
		draw_pick(app);
		return;
	case W_STREETS:
		draw_streets(app);
		return;
	case W_STREET:
		draw_street(app);
		return;
	case W_NOTE:
		draw_note(app);
		return;
	}
}

const struct kiosk_screen kiosk_screen_walkabout = {
    .name = "walkabout",
    .enter = walk_enter,
    .leave = walk_leave,
    .event = walk_event,
    .draw = walk_draw,
};

/*
 * script.c: --script FILE, replaying input against the real program.
 *
 * Lines (blank lines and lines starting with # are ignored):
 *   tap X Y       a mouse click at virtual (1920x1080) coordinates
 *   finger X Y    the same as a touch (SDL_FINGERDOWN/UP)
 *   down X Y      press and hold (up X Y releases): the staff corner hold
 *   up X Y
 *   key NAME      an SDL key name (Return, Escape, Tab, Backspace, 1, a);
 *                 "shift+Tab" adds the modifier. A single printable key
 *                 also produces its text, as a real keyboard does.
 *   text STRING   typed text (the rest of the line, UTF-8)
 *   wait MS       let MS milliseconds of real time pass (timers run)
 *   shot NAME     save the current frame as DIR/NAME.png (--screenshots)
 *   double X Y MS a double tap: a tap, then another MS ms later that does
 *                 not wait out the debounce (a resident's second tap)
 *
 * Events are pushed into SDL's queue as fresh structs (SDL's renderer
 * watch rewrites pushed events in place) in window coordinates, so they go
 * through exactly the path of real input. A step runs only when the queue
 * is empty and the frame is drawn; taps wait out the debounce after a
 * screen change, like a person would.
 */
#include "kiosk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sayso/buf.h"
#include "sayso/log.h"
#include "sayso/utf8.h"

#define SCRIPT_MAX_STEPS 20000
#define SCRIPT_LINE_MAX 512

enum step_kind {
	ST_TAP,
	ST_FINGER,
	ST_DOWN,
	ST_UP,
	ST_KEY,
	ST_TEXT,
	ST_WAIT,
	ST_SHOT,
	ST_DOUBLE,   /* parsed into TAP, WAIT_TAP, TAPNOW */
	ST_WAIT_TAP, /* until MS after the last tap was pushed */
	ST_TAPNOW
};

struct step {
	enum step_kind kind;
	int x, y;
	char arg[SCRIPT_LINE_MAX];
	int line;
};

struct kiosk_script {
	char path[SAYSO_PATH_MAX];
	struct step *steps;
	size_t n, cap;
	size_t at;
	Uint64 next_at;
	Uint64 tap_at; /* when the last tap was pushed */
};

static int parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || v < lo || v > hi)
		return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_xy(const char *s, int *x, int *y)
{
	char a[32], b[32];
	const char *sp = strchr(s, ' ');

	if (!sp || (size_t)(sp - s) >= sizeof(a))
		return -1;
	snprintf(a, sizeof(a), "%.*s", (int)(sp - s), s);
	while (*sp == ' ')
		sp++;
	snprintf(b, sizeof(b), "%s", sp);
	if (parse_int(a, 0, KIOSK_W - 1, x) || parse_int(b, 0, KIOSK_H - 1, y))
		return -1;
	return 0;
}

static int add_step(struct kiosk_script *sc, const struct step *st)
{
	if (sayso_array_grow(&sc->steps, &sc->cap, sc->n + 1, sizeof *sc->steps,
			     SCRIPT_MAX_STEPS) != SAYSO_OK)
		return -1;
	sc->steps[sc->n++] = *st;
	return 0;
}

static int parse_line(struct kiosk_script *sc, char *line, int lineno,
		      const char **why)
{
	static const struct {
		const char *word;
		enum step_kind kind;
	} words[] = {
	    {"tap", ST_TAP},   {"finger", ST_FINGER}, {"down", ST_DOWN},
	    {"up", ST_UP},     {"key", ST_KEY},	      {"text", ST_TEXT},
	    {"wait", ST_WAIT}, {"shot", ST_SHOT},     {"double", ST_DOUBLE},
	};
	struct step st;
	char *p = line, *rest;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.line = lineno;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t len = strlen(p);
	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		p[--len] = '\0';
	if (!*p || *p == '#')
		return 0;
	rest = strchr(p, ' ');
	if (rest)
		*rest++ = '\0';
	else
		rest = p + len;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(p, words[i].word) == 0)
			break;
	if (i == sizeof(words) / sizeof(words[0])) {
		*why = "unknown command (tap, finger, down, up, key, text, "
		       "wait, shot, double)";
		return -1;
	}
	st.kind = words[i].kind;
	switch (st.kind) {
	case ST_TAP:
	case ST_FINGER:
	case ST_DOWN:
	case ST_UP:
		if (parse_xy(rest, &st.x, &st.y)) {
			*why = "expected X Y inside 1920x1080";
			return -1;
		}
		break;
	case ST_WAIT:
		if (parse_int(rest, 0, 600000, &st.x)) {
			*why = "expected milliseconds 0..600000";
			return -1;
		}
		break;
	case ST_DOUBLE: {
		char xy[64];
		const char *sp = strrchr(rest, ' ');
		int ms;
		if (!sp || (size_t)(sp - rest) >= sizeof(xy) ||
		    parse_int(sp + 1, 0, 5000, &ms)) {
			*why = "expected X Y MS (MS 0..5000)";
			return -1;
		}
		snprintf(xy, sizeof(xy), "%.*s", (int)(sp - rest), rest);
		if (parse_xy(xy, &st.x, &st.y)) {
			*why = "expected X Y inside 1920x1080";
			return -1;
		}
		struct step w = st;
		st.kind = ST_TAP;
		w.kind = ST_WAIT_TAP;
		w.x = ms;
		if (add_step(sc, &st) || add_step(sc, &w)) {
			*why = "too many steps";
			return -1;
		}
		st.kind = ST_TAPNOW;
		break;
	}
	case ST_TAPNOW:
	case ST_WAIT_TAP:
		break;
	case ST_KEY:
	case ST_TEXT:
	case ST_SHOT:
		if (!*rest) {
			*why = "missing argument";
			return -1;
		}
		snprintf(st.arg, sizeof(st.arg), "%s", rest);
		if (st.kind == ST_SHOT &&
		    (strchr(rest, '/') || rest[0] == '.')) {
			*why = "a shot name is a plain file name";
			return -1;
		}
		break;
	}
	if (add_step(sc, &st)) {
		*why = "too many steps";
		return -1;
	}
	return 0;
}

struct kiosk_script *kiosk_script_load(const char *path)
{
	struct kiosk_script *sc = calloc(1, sizeof(*sc));
	char line[SCRIPT_LINE_MAX + 2];
	FILE *f;
	int lineno = 0;
	bool ok = true;

	if (!sc)
		return NULL;
	snprintf(sc->path, sizeof(sc->path), "%s", path);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "sayso-kiosk: %s: %s\n", path, strerror(errno));
		free(sc);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *why = NULL;
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "sayso-kiosk: %s:%d: line too long\n",
				path, lineno);
			ok = false;
			goto out;
		}
		if (parse_line(sc, line, lineno, &why)) {
			fprintf(stderr, "sayso-kiosk: %s:%d: %s\n", path,
				lineno, why);
			ok = false;
			goto out;
		}
	}
out:
	fclose(f);
	if (!ok) {
		kiosk_script_free(sc);
		sc = NULL;
	}
	return sc;
}

void kiosk_script_free(struct kiosk_script *sc)
{
	if (!sc)
		return;
	free(sc->steps);
	free(sc);
}

static void push_mouse(struct kiosk_app *app, Uint32 type, int x, int y)
{
	SDL_Event ev;
	int wx, wy;

	SDL_RenderLogicalToWindow(app->ren, (float)x, (float)y, &wx, &wy);
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.button.windowID = SDL_GetWindowID(app->win);
	ev.button.which = 0;
	ev.button.button = SDL_BUTTON_LEFT;
	ev.button.state =
	    type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
	ev.button.clicks = 1;
	ev.button.x = wx;
	ev.button.y = wy;
	SDL_PushEvent(&ev);
}

static void push_finger(struct kiosk_app *app, Uint32 type, int x, int y)
{
	SDL_Event ev;
	int wx, wy;
	int ww = 1, wh = 1;

	SDL_RenderLogicalToWindow(app->ren, (float)x, (float)y, &wx, &wy);
	SDL_GetWindowSize(app->win, &ww, &wh);
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.tfinger.touchId = 1;
	ev.tfinger.fingerId = 1;
	ev.tfinger.x = (float)wx / (float)ww;
	ev.tfinger.y = (float)wy / (float)wh;
	ev.tfinger.pressure = type == SDL_FINGERDOWN ? 1.0f : 0.0f;
	ev.tfinger.windowID = SDL_GetWindowID(app->win);
	SDL_PushEvent(&ev);
}

static void push_text(const char *text)
{
	const char *p = text;

	while (*p) {
		unsigned long cp;
		bool bad;
		size_t clen =
		    sayso_utf8_next((const unsigned char *)p,
				    strnlen(p, SAYSO_UTF8_MAX), &cp, &bad);
		if (bad) {
			p++; /* not text: never pass a broken sequence on */
			continue;
		}
		SDL_Event ev;
		memset(&ev, 0, sizeof(ev));
		ev.type = SDL_TEXTINPUT;
		memcpy(ev.text.text, p, clen);
		SDL_PushEvent(&ev);
		p += clen;
	}
}

static void push_key(struct kiosk_app *app, const struct step *st)
{
	const char *name = st->arg;
	Uint16 mod = KMOD_NONE;
	SDL_Keycode k;
	SDL_Event ev;

	if (strncasecmp(name, "shift+", 6) == 0) {
		mod = KMOD_LSHIFT;
		name += 6;
	}
	k = SDL_GetKeyFromName(name);
	if (k == SDLK_UNKNOWN) {
		sayso_log(SAYSO_LOG_WARN, "%s:%d: unknown key \"%s\"",
			  app->script->path, st->line, name);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_KEYDOWN;
	ev.key.windowID = SDL_GetWindowID(app->win);
	ev.key.state = SDL_PRESSED;
	ev.key.keysym.sym = k;
	ev.key.keysym.scancode = SDL_GetScancodeFromKey(k);
	ev.key.keysym.mod = mod;
	SDL_PushEvent(&ev);
	/* A printable key also types its character, as on real hardware. */
	if (strlen(name) == 1 && name[0] > ' ' && name[0] < 0x7f &&
	    mod == KMOD_NONE && SDL_IsTextInputActive()) {
		char t[2] = {name[0], 0};
		if (t[0] >= 'A' && t[0] <= 'Z')
			t[0] = (char)(t[0] - 'A' + 'a');
		push_text(t);
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_KEYUP;
	ev.key.windowID = SDL_GetWindowID(app->win);
	ev.key.state = SDL_RELEASED;
	ev.key.keysym.sym = k;
	ev.key.keysym.scancode = SDL_GetScancodeFromKey(k);
	ev.key.keysym.mod = mod;
	SDL_PushEvent(&ev);
}

bool kiosk_script_step(struct kiosk_app *app, int *wait_ms)
{
	struct kiosk_script *sc = app->script;
	Uint64 now = SDL_GetTicks64();
	const struct step *st;

	*wait_ms = 0;
	if (now < sc->next_at) {
		*wait_ms = (int)(sc->next_at - now);
		return true;
	}
	if (sc->at >= sc->n)
		return false;
	st = &sc->steps[sc->at];
	if ((st->kind == ST_TAP || st->kind == ST_FINGER ||
	     st->kind == ST_DOWN) &&
	    now < app->screen_entered + KIOSK_DEBOUNCE_MS + 20) {
		sc->next_at = app->screen_entered + KIOSK_DEBOUNCE_MS + 20;
		*wait_ms = (int)(sc->next_at - now);
		return true;
	}
	sc->at++;
	switch (st->kind) {
	case ST_TAP:
	case ST_TAPNOW:
		sc->tap_at = now;
		push_mouse(app, SDL_MOUSEBUTTONDOWN, st->x, st->y);
		push_mouse(app, SDL_MOUSEBUTTONUP, st->x, st->y);
		break;
	case ST_WAIT_TAP:
		sc->next_at = sc->tap_at + (Uint64)st->x;
		*wait_ms = sc->next_at > now ? (int)(sc->next_at - now) : 0;
		break;
	case ST_DOUBLE:
		break;
	case ST_FINGER:
		push_finger(app, SDL_FINGERDOWN, st->x, st->y);
		push_finger(app, SDL_FINGERUP, st->x, st->y);
		break;
	case ST_DOWN:
		push_mouse(app, SDL_MOUSEBUTTONDOWN, st->x, st->y);
		break;
	case ST_UP:
		push_mouse(app, SDL_MOUSEBUTTONUP, st->x, st->y);
		break;
	case ST_KEY:
		push_key(app, st);
		break;
	case ST_TEXT:
		push_text(st->arg);
		break;
	case ST_WAIT:
		sc->next_at = now + (Uint64)st->x;
		*wait_ms = st->x;
		break;
	case ST_SHOT:
		if (app->opt.shots_dir) {
			char path[SAYSO_PATH_MAX + 160];
			snprintf(path, sizeof(path), "%s/%s.png",
				 app->opt.shots_dir, st->arg);
			kiosk_render(app, path);
			sayso_log(SAYSO_LOG_INFO, "screenshot %s (%s)", path,
				  app->screen->name);
		} else {
			sayso_log(SAYSO_LOG_INFO, "shot %s: screen %s", st->arg,
				  app->screen->name);
		}
		break;
	}
	return true;
}

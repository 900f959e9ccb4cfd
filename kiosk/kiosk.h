/*
 * kiosk.h: the shared state of sayso-kiosk (SDL2 touchscreen).
 *
 * Design: one struct kiosk_app holds everything; screens are a table of
 * { name, enter, leave, event, draw } (app.c switches between them). Each
 * screen's draw() both paints and declares its tappable widgets into
 * app->ui; taps, the focus ring and keyboard activation are resolved
 * against the widgets of the last frame, and the loop redraws after every
 * handled event, so that list is always the one on screen.
 *
 * Everything is drawn at a fixed virtual 1920x1080 (SDL_RenderSetLogicalSize
 * letterboxes it). Ballot rules, identity and storage come only from
 * libsaysocore. What a resident typed lives in struct kiosk_session, which
 * kiosk_session_wipe() zeroes on idle timeout and after every visit.
 */
#ifndef SAYSO_KIOSK_H
#define SAYSO_KIOSK_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sayso/ballot.h"
#include "sayso/config.h"
#include "sayso/feedback.h"
#include "sayso/identity.h"
#include "sayso/lang.h"
#include "sayso/reason.h"
#include "sayso/round.h"
#include "sayso/store.h"

#define KIOSK_W 1920
#define KIOSK_H 1080
#define KIOSK_MAX_WIDGETS 96
#define KIOSK_LABEL_MAX 512 /* bytes: a Punjabi sentence is three a letter */
#define KIOSK_TEXT_MAX 280  /* report description typed at the kiosk */
#define KIOSK_STAFF_HOLD_MS 5000
#define KIOSK_STAFF_ZONE 140 /* top-left square that starts the hold */
#define KIOSK_THANKS_MS 6000
#define KIOSK_RETRY_MS 2000
/* Taps within this long of a screen change confirm nothing (older residents'
 * double taps are often 350-500 ms apart); a card toggled twice within it
 * counts once. */
#define KIOSK_DEBOUNCE_MS 700
#define KIOSK_PRIVATE_IDLE_S 20	    /* idle on screens holding personal data */
#define KIOSK_REVEAL_MS 1500	    /* a typed number shows in full this long */
#define KIOSK_MASK_KEEP 3	    /* characters left visible when masked */
#define KIOSK_QUICK_RETRY_MS 250    /* silent retries of a failed save ... */
#define KIOSK_QUICK_RETRIES 6	    /* ... this many before the notice shows */
#define KIOSK_GIVE_UP_MS 15000	    /* "Not saved: start again" after this */
#define KIOSK_STORE_RETRY_MS 5000   /* out of order: retry opening this often */
#define KIOSK_RECONNECT_MS 10000    /* offline: try the server this often */
#define KIOSK_RECONNECT_POLL_MS 250 /* while a reconnect runs */
#define KIOSK_MERGE_AGAIN_MS 1000   /* records saved during a merge */
#define KIOSK_MERGE_REFUSED_MS (10 * 60 * 1000) /* a refused merge, again */
#define KIOSK_BUSY_TIMEOUT_MS 5 /* SQLite busy timeout: never freeze */
#define KIOSK_CODE_TTL_MS (10 * 60 * 1000) /* a texted code expires */
#define KIOSK_NOTICE_MS 20000 /* a start-screen notice ends with the visit */

/* ---- strings (strings.c) ---- */

struct kiosk_strings;

/* Loads <dir>/<lang>.ini; English is always loaded as the fallback.
 * Returns NULL only on out-of-memory; a missing file is logged. */
struct kiosk_strings *kiosk_strings_load(const char *dir, const char *lang);
void kiosk_strings_free(struct kiosk_strings *s);
/* The text for key in the loaded language, else English, else the key
 * itself (logged once). Valid until kiosk_strings_free. */
const char *kiosk_str(struct kiosk_strings *s, const char *key);
/* Whether the loaded language itself (not English) has key. */
bool kiosk_str_has(const struct kiosk_strings *s, const char *key);
/* The language code loaded ("en", "pl"). */
const char *kiosk_strings_lang(const struct kiosk_strings *s);
/*
 * Copies tmpl into out replacing {name} with the value of the matching
 * name/value pair (varargs: name, value, ..., NULL). Unknown names are
 * copied as written. Always NUL-terminates; truncates at a UTF-8 boundary.
 */
void kiosk_fmt(char *out, size_t outsz, const char *tmpl, ...);

/* ---- speech (speech.c) ---- */

#define KIOSK_SAY_MAX 1024 /* one utterance, bytes */

struct kiosk_speech;
/* Starts the speech thread (espeak-ng) and, off the UI thread, the one SDL
 * audio device. NULL when built without libespeak-ng or without SDL audio
 * (logged): every kiosk_speech_* call accepts NULL and does nothing. */
struct kiosk_speech *kiosk_speech_new(void);
void kiosk_speech_free(struct kiosk_speech *sp);
/* False when NULL or once espeak-ng data or the audio device was found
 * missing (logged once): the Listen button is then hidden. */
bool kiosk_speech_available(const struct kiosk_speech *sp);
/* Speaks text (UTF-8) with the voice for language lang ("en" -> en-gb,
 * cy, pl, ur, pa, bn, ar). Never waits: replaces whatever is queued or
 * playing (latest wins). */
void kiosk_speech_say(struct kiosk_speech *sp, const char *lang,
		      const char *text);
/* A short click, mixed over any speech. */
void kiosk_speech_click(struct kiosk_speech *sp);
/* Silences speech now (the visit ended). */
void kiosk_speech_stop(struct kiosk_speech *sp);
/* SDL_GetPerformanceCounter() when the audio device took the first sample
 * of the latest utterance (0: none yet), for the bench. */
Uint64 kiosk_speech_first_audio(const struct kiosk_speech *sp);

/* ---- text and fonts (text.c), QR code and faces (assets.c) ---- */

enum kiosk_font {
	KF_BODY,   /* 32 px */
	KF_SMALL,  /* 28 px: the smallest text anywhere */
	KF_BUTTON, /* 40 px bold */
	KF_TITLE,  /* 60 px bold */
	KF_HUGE,   /* 88 px bold */
	KF_COUNT
};

struct kiosk_assets;

/*
 * Fonts and the text cache for drawing on r. Each language has a font chain:
 * [kiosk] fonts_<lang>, else [kiosk] font and the built-in chain (Noto from
 * fonts-noto-core), then the other languages' fonts, then the DejaVu Sans
 * built into the kiosk; files open on first use, a missing one is logged
 * once and skipped. cfg (may be NULL: built-in chains) must outlive the
 * assets. The language is cfg's first, or "en". Returns NULL only on
 * out-of-memory; with no font at all, text is drawn as placeholder boxes.
 */
struct kiosk_assets *kiosk_assets_new(SDL_Renderer *r,
				      const struct sayso_config *cfg);
void kiosk_assets_free(struct kiosk_assets *a);
/* Forgets every cached text texture (language change, session wipe: the
 * textures hold what the resident typed). */
void kiosk_assets_flush(struct kiosk_assets *a);
bool kiosk_assets_have_font(const struct kiosk_assets *a);
/* Draws text as language lang ("ur"): its font chain, its paragraph
 * direction, and the layout direction (kiosk_layout_set_rtl). Cheap when
 * the language is unchanged (kiosk_render calls it every frame). */
void kiosk_assets_set_language(struct kiosk_assets *a, const char *lang);
const char *kiosk_assets_language(const struct kiosk_assets *a);
/* Large text for this visit: every style grows (body 44 px, nothing under
 * 42 px); the text cache is flushed. */
void kiosk_assets_set_large(struct kiosk_assets *a, bool large);
/* The pixel size of style f now (layouts that reflow ask). */
int kiosk_font_px(const struct kiosk_assets *a, enum kiosk_font f);

/*
 * Text drawing. Every string goes through bidi (FriBidi), script and font
 * runs and shaping (SDL2_ttf/HarfBuzz with script and direction set); see
 * text.c. Positions are logical, left to right: in a right-to-left language
 * the block is mirrored (layout.c), so x is where the text starts and it
 * runs right to left from KIOSK_W - x. Sizes are in virtual px (estimates
 * when there is no font).
 */
void kiosk_text_size(struct kiosk_assets *a, enum kiosk_font f,
		     const char *text, int *w, int *h);
/* Draws one line starting at (x, y) (top); returns its width. */
int kiosk_text(struct kiosk_assets *a, enum kiosk_font f, const char *text,
	       int x, int y, SDL_Color c);
/* Draws text wrapped to width w starting at (x, y); returns the height. */
int kiosk_text_wrapped(struct kiosk_assets *a, enum kiosk_font f,
		       const char *text, int x, int y, int w, SDL_Color c);
/* Size of text wrapped to width w. */
void kiosk_text_wrapped_size(struct kiosk_assets *a, enum kiosk_font f,
			     const char *text, int w, int *tw, int *th);
/* Centred in rect (wrapped and centred when too long for one line). */
void kiosk_text_centred(struct kiosk_assets *a, enum kiosk_font f,
			const char *text, SDL_Rect rc, SDL_Color c);

/* One shaped run of a laid-out text (tests, tools). */
struct kiosk_text_run {
	int line;	  /* 0 first */
	int x, w;	  /* in the block, px, left to right */
	size_t off, len;  /* the run's bytes in the text */
	char script[5];	  /* ISO 15924: "Arab", "Beng", "Latn", "Zyyy" */
	bool rtl;	  /* shaped right to left */
	const char *font; /* its font file (bold for bold styles), "" the
			     built-in DejaVu; valid
			     while a lives */
};
/*
 * The block text makes at style f and wrap (0 one line, > 0 wrapped to that
 * width, < 0 wrapped and centred) as kiosk_text* draw it: white on
 * transparent, ARGB8888; the caller frees it. Writes up to max of its runs
 * (line by line, left to right) to runs and their number to *nruns, and
 * how far its ink rises above the layout box's top to *over (the block is
 * drawn that much higher), when not NULL. NULL for empty text or without a
 * font.
 */
SDL_Surface *kiosk_text_surface(struct kiosk_assets *a, enum kiosk_font f,
				const char *text, int wrap,
				struct kiosk_text_run *runs, int max,
				int *nruns, int *over);
/* How many code points of text no font of the language's chain has (the
 * first in *first when not NULL); -1 without a font. */
int kiosk_text_missing(struct kiosk_assets *a, const char *text,
		       uint32_t *first);

/* ---- right-to-left layout (layout.c) ---- */

/* The layout direction (set with the language). */
void kiosk_layout_set_rtl(bool rtl);
bool kiosk_layout_rtl(void);
/* The screen rect of logical rect rc: mirrored across the screen in a
 * right-to-left layout, unchanged otherwise. Every drawing primitive uses
 * it; screens never need to. */
SDL_Rect kiosk_mirror(SDL_Rect rc);
/* The logical x of screen x (taps). */
int kiosk_mirror_x(int x);
/* For a block whose contents keep their order in every language (keypad,
 * keyboard): rc inside area, flipped so that after kiosk_mirror() the area
 * sits on the other side but its contents read left to right. */
SDL_Rect kiosk_layout_keep(SDL_Rect area, SDL_Rect rc);

/* The QR code for url as a texture (cached); a drawn placeholder when
 * encoding fails. */
void kiosk_draw_qr(struct kiosk_assets *a, const char *url, SDL_Rect rc);
/* A face for score 1..5 in rect (drawn, no image files needed). */
void kiosk_draw_face(SDL_Renderer *r, int score, SDL_Rect rc);
/* A disc at screen (not logical) coordinates. */
void kiosk_fill_circle(SDL_Renderer *r, int cx, int cy, int rad);

/* ---- widgets (widget.c) ---- */

enum kiosk_wkind {
	KW_BUTTON,    /* primary: dark fill, white text */
	KW_SECONDARY, /* white fill, dark border */
	KW_CHOICE,    /* a numbered choice; shows selected state */
	KW_KEY,	      /* on-screen keyboard key */
	KW_FACE,      /* rating face */
	KW_CARD,      /* project card */
	KW_HIDDEN,    /* tappable area with no drawing of its own */
	KW_TOOL,      /* Listen, Aa, contrast (access.c draws it) */
};

struct kiosk_widget {
	SDL_Rect rc;
	enum kiosk_wkind kind;
	int action; /* screen-defined */
	int arg;
	bool selected;
	bool disabled;
	bool confirm; /* sends something: never under the last screen's Next */
	bool greyed;  /* drawn muted but still tappable (cards that no longer
			 fit the budget) */
	char label[KIOSK_LABEL_MAX];
	char sub[KIOSK_LABEL_MAX]; /* second line (cards, faces) */
	char note[64];		   /* cards: the cost */
};

struct kiosk_ui {
	struct kiosk_widget w[KIOSK_MAX_WIDGETS];
	int n;
	int focus;	  /* index, -1 none */
	bool focus_shown; /* keyboard in use: draw the ring */
	int pressed;	  /* widget under a finger, -1 none */
	SDL_Rect keep;	  /* keys added now keep their order (w 0: none) */
};

struct kiosk_app;

/* Adds a widget to this frame; returns it (never NULL: extra widgets are
 * dropped into a scratch slot and logged). */
struct kiosk_widget *kiosk_ui_add(struct kiosk_app *app, enum kiosk_wkind kind,
				  int x, int y, int w, int h, int action,
				  int arg, const char *label);
/* Draws every widget of the frame and the focus ring. */
void kiosk_ui_draw(struct kiosk_app *app);
/* Index of the widget at virtual screen (x, y), -1 none (mirrored back to
 * the logical layout in a right-to-left language). */
int kiosk_ui_hit(const struct kiosk_ui *ui, int x, int y);
/* Moves the focus by delta (Tab/arrows), wrapping. */
void kiosk_ui_focus_move(struct kiosk_ui *ui, int delta);

/* A filled rectangle / outline helpers in one colour (logical rects,
 * mirrored in a right-to-left layout). */
void kiosk_fill(SDL_Renderer *r, SDL_Rect rc, SDL_Color c);
void kiosk_frame(SDL_Renderer *r, SDL_Rect rc, int thick, SDL_Color c);

/* The on-screen keyboard: adds its keys (action KA_KEY, arg = codepoint or
 * a KK_* special) in the given area. */
enum {
	KK_BACKSPACE = -1,
	KK_SPACE = -2,
	KK_SHIFT = -3,
	KK_MODE = -4,
	KK_ENTER = -5
};
void kiosk_keyboard_add(struct kiosk_app *app, SDL_Rect area, bool shift,
			bool symbols);

/* The keyboards: plain QWERTY (voter codes), QWERTY with a row of Polish or
 * Welsh letters, Urdu, Arabic, Gurmukhi and Bengali letters (Shift is the
 * second layer: vowels and signs for Gurmukhi and Bengali, one letter at a
 * time like a capital), and digits and symbols. */
enum kiosk_kb {
	KB_ASCII,
	KB_POLISH,
	KB_WELSH,
	KB_URDU,
	KB_ARABIC,
	KB_GURMUKHI,
	KB_BENGALI,
	KB_SYMBOLS,
	KB_COUNT
};
/* The letters keyboard of a language: en KB_ASCII, pl KB_POLISH, ... */
enum kiosk_kb kiosk_kb_for(const char *lang);
/* Whether kb writes in the Latin alphabet (then the mode key goes straight
 * to symbols; otherwise it goes letters -> ABC -> 123 -> letters). */
bool kiosk_kb_latin(enum kiosk_kb kb);
/* Adds keyboard kb in area: its letter rows (each code point a key, arg =
 * the code point), Shift and Delete either side of the last letter row,
 * then the mode key (labelled mode_label), comma, Space, full stop, Done. */
void kiosk_keyboard_add_kb(struct kiosk_app *app, SDL_Rect area,
			   enum kiosk_kb kb, bool shift,
			   const char *mode_label);
/* The keyboard a free-text screen shows now (layer: 0 the language's
 * letters, 1 Latin letters where those differ, 2 symbols), and the label
 * of the mode key, which names the next layer. */
enum kiosk_kb kiosk_text_kb(struct kiosk_app *app, int layer,
			    const char **mode_label);
/* The next layer after layer for the current language. */
int kiosk_text_kb_next(struct kiosk_app *app, int layer);
/* The UTF-8 text a KA_KEY arg types (a code point), or "" (specials). out
 * >= SAYSO_UTF8_MAX + 1. */
const char *kiosk_key_text(int arg, char *out);
/*
 * A typed-entry screen (phone or voter code, SMS code, staff PIN): the
 * screen names its buffer, how text goes into it (filtering what it does not
 * accept) and what Enter does; kiosk_entry_event() handles the rest the same
 * way everywhere: Back and Escape cancel, Backspace deletes, on-screen keys
 * and typed text type, Enter and Next submit. Returns whether it used in.
 */
struct kiosk_in;
struct kiosk_entry {
	char *buf;
	void (*type)(struct kiosk_app *app, const char *text);
	void (*submit)(struct kiosk_app *app);
};
bool kiosk_entry_event(struct kiosk_app *app, const struct kiosk_in *in,
		       const struct kiosk_entry *e);

/* The phone-style keypad (1 2 3 on top): digits and Backspace. */
void kiosk_keypad_add(struct kiosk_app *app, SDL_Rect area, bool with_plus);

/* Appends UTF-8 text to buf (bounded, whole characters only); removes the
 * last UTF-8 character. */
void kiosk_buf_append(char *buf, size_t bufsz, const char *text);
/* The same, also stopping at maxchars characters (code points) in all:
 * limits shown to residents count characters, not bytes. */
void kiosk_buf_append_max(char *buf, size_t bufsz, const char *text,
			  size_t maxchars);
void kiosk_buf_backspace(char *buf);

/* Colours (contrast with white >= 7:1 for text), set by kiosk_palette_set:
 * the normal palette, or high contrast (yellow #FFFF00 on black) for a
 * visit that asked for it. KC_NOTICE is the band behind a notice. */
extern SDL_Color KC_BG, KC_TEXT, KC_MUTED, KC_PRIMARY, KC_PRIMARY_TEXT,
    KC_FOCUS, KC_BORDER, KC_SELECTED, KC_ERROR, KC_PANEL, KC_OK, KC_NOTICE;
void kiosk_palette_set(bool contrast);

/* ---- screens ---- */

enum kiosk_screen_id {
	KS_ATTRACT,
	KS_RATE,
	KS_FOLLOWUP,
	KS_REPORT_CAT,
	KS_REPORT_STREET,
	KS_REPORT_TEXT,
	KS_REPORT_PHONE,
	KS_REPORT_REVIEW,
	KS_VOTE_ID,
	KS_VOTE_SMS,
	KS_VOTE_PICK,
	KS_VOTE_REVIEW,
	KS_VOTE_ALREADY,
	KS_THANKS,
	KS_STAFF_PIN,
	KS_STAFF,
	KS_OUT_OF_ORDER,
	KS_REF_PHONE,
	KS_WALK, /* walkabout mode (screen_walkabout.c), from the staff page */
	KS_COUNT
};

/* What a screen's event() receives: an activated widget, a key, or text. */
enum kiosk_in_kind { KI_ACTIVATE, KI_KEY, KI_TEXT };
struct kiosk_in {
	enum kiosk_in_kind kind;
	const struct kiosk_widget *w; /* KI_ACTIVATE */
	SDL_Keycode key;	      /* KI_KEY */
	Uint16 mod;
	const char *text; /* KI_TEXT: UTF-8 */
};

struct kiosk_screen {
	const char *name;
	void (*enter)(struct kiosk_app *app);
	void (*leave)(struct kiosk_app *app);
	/* Returns true when it used the input (the screen is then redrawn). */
	bool (*event)(struct kiosk_app *app, const struct kiosk_in *in);
	void (*draw)(struct kiosk_app *app);
};

extern const struct kiosk_screen kiosk_screen_attract, kiosk_screen_rate,
    kiosk_screen_followup, kiosk_screen_report_cat, kiosk_screen_report_street,
    kiosk_screen_report_text, kiosk_screen_report_phone,
    kiosk_screen_report_review, kiosk_screen_vote_id, kiosk_screen_vote_sms,
    kiosk_screen_vote_pick, kiosk_screen_vote_review, kiosk_screen_vote_already,
    kiosk_screen_thanks, kiosk_screen_staff_pin, kiosk_screen_staff,
    kiosk_screen_out_of_order, kiosk_screen_ref_phone, kiosk_screen_walkabout;

/* Common widget actions (screens use values >= 100 for their own). */
enum {
	KA_BACK = 1,
	KA_NEXT,
	KA_SKIP,
	KA_KEY, /* keyboard/keypad key, arg = codepoint or KK_* */
	KA_MORE_TIME,
	KA_RETRY,
	KA_PAGE_PREV,
	KA_PAGE_NEXT,
	KA_START_AGAIN, /* "Not saved: start again" */
	KA_CONFIRM_YES, /* a yes/no question drawn by the screen */
	KA_CONFIRM_NO,
	KA_LISTEN, /* visit tools (access.c) */
	KA_LARGE,
	KA_CONTRAST,
};

/* ---- the session: what one resident entered; wiped after each visit ---- */

struct kiosk_session {
	/* rating */
	int score;
	char rating_uid[SAYSO_UID_LEN + 1];
	char followup_q[16];
	char followup_a[SAYSO_ANSWER_MAX];
	/* report */
	char category[SAYSO_CATEGORY_MAX];
	char street[SAYSO_STREET_MAX];
	bool street_chosen; /* street or "somewhere else" picked */
	char street_filter[64];
	int street_page;
	char text[SAYSO_REPORT_TEXT_MAX + 1]; /* <= KIOSK_TEXT_MAX characters */
	bool shift, symbols;
	int kb_layer; /* report text: see kiosk_text_kb() */
	char phone_typed[32];
	char phone_e164[SAYSO_E164_MAX];
	char report_ref[SAYSO_REF_LEN + 1];
	/* uids chosen before the first attempt to save, so a retry (on the
	 * fallback file too) stores the same row: never twice */
	char report_uid[SAYSO_UID_LEN + 1];
	char ballot_uid[SAYSO_UID_LEN + 1];
	/* vote */
	bool code_mode; /* voter code instead of a phone number */
	char id_typed[40];
	enum sayso_id_kind id_kind;
	char id_norm[SAYSO_E164_MAX > SAYSO_VOTER_CODE_MAX
			 ? SAYSO_E164_MAX
			 : SAYSO_VOTER_CODE_MAX];
	char resident[SAYSO_RESIDENT_ID_LEN + 1];
	char sms_code[8];   /* code sent by SMS */
	Uint64 sms_code_at; /* when it was sent (it expires) */
	bool already;	    /* voted before: told only after the code check */
	char sms_typed[16];
	int sms_tries;
	/* picked[n]: project number n is chosen. Indexed by number, not by
	 * position, so every project of a round can be picked however many
	 * there are (numbers run 1..SAYSO_PROJECT_NUMBER_MAX). */
	bool picked[SAYSO_PROJECT_NUMBER_MAX + 1];
	int pick_page;
	int last_card;	     /* project number last toggled by a tap */
	Uint64 last_card_at; /* and when */
	bool confirm_cancel; /* "Cancel your vote?" is showing */
	Uint64 typed_at;     /* last character typed on an entry screen */
	bool ref_texted;     /* the report reference was queued by text */
	bool review_return;  /* a "Change" from the report check screen */
	int64_t prev_cast_at_ms;
	enum sayso_channel prev_channel;
	/* staff */
	char pin_typed[17];
	int pin_tries;
	/* shared */
	char message[KIOSK_LABEL_MAX]; /* a calm notice on the current screen */
	char thanks_line[KIOSK_LABEL_MAX];
	char carry[KIOSK_LABEL_MAX]; /* message for the next screen */
};

/* Zeroes everything a resident entered (explicit memset the compiler keeps). */
void kiosk_session_wipe(struct kiosk_session *s);

/* ---- the app ---- */

/* A write that failed and is retried until it succeeds. */
/* A write; may change *next (where to go on success). */
typedef enum sayso_err (*kiosk_save_fn)(struct kiosk_app *app,
					enum kiosk_screen_id *next);

struct kiosk_options {
	const char *config_path; /* NULL: embedded default */
	bool windowed;
	const char *device;    /* NULL: config/derived */
	const char *script;    /* NULL: interactive */
	const char *shots_dir; /* NULL: no screenshots */
	const char *lang;      /* --lang: the default language, NULL: first */
	bool no_present_wait;  /* bench: never sleep */
};

/* The local fallback of a kiosk on a PostgreSQL site (fallback.c). */
struct kiosk_reconnect;
struct kiosk_fallback {
	bool enabled; /* [kiosk] fallback with a postgresql:// database */
	char path[SAYSO_PATH_MAX];
	struct sayso_store *site;  /* NULL while the server is gone */
	struct sayso_store *local; /* the enrolled kiosk file */
	bool offline;		   /* app->st is local */
	int64_t waiting;	   /* records on local not merged, -1 unknown */
	int64_t merged_seq; /* the site's merged chain entry, last seen */
	Uint64 retry_at;    /* next reconnect or merge attempt */
	char why[SAYSO_ERRMSG_MAX];	    /* why offline (log, staff) */
	char merge_error[SAYSO_ERRMSG_MAX]; /* the last merge's failure */
	SDL_Thread *thread;		    /* the reconnect worker, if any */
	struct kiosk_reconnect *job;
};

struct kiosk_app {
	struct kiosk_options opt;
	struct sayso_config cfg;
	struct sayso_store *st; /* where it saves: the site, or fb.local */
	struct kiosk_fallback fb;
	char db_path[SAYSO_PATH_MAX];
	char assets_dir[SAYSO_PATH_MAX];
	char device[SAYSO_DEVICE_MAX];

	SDL_Window *win;
	SDL_Renderer *ren;
	struct kiosk_assets *as;
	struct kiosk_strings *str;
	int lang_index;	  /* into cfg.site.languages */
	int lang_default; /* where every visit starts (--lang, else 0) */

	/* round (reloaded on each visit to the vote flow) */
	bool have_round;
	struct sayso_round round;
	struct sayso_project *projects;
	size_t nprojects;

	const struct kiosk_screen *screen;
	enum kiosk_screen_id screen_id;
	struct kiosk_ui ui;
	struct kiosk_session s;
	bool dirty;
	bool cosmetic; /* the only change is a pressed highlight */
	bool quit;
	int exit_code;

	/* timers (SDL_GetTicks64 ms) */
	Uint64 last_input;
	Uint64 screen_entered;
	/* SDL timestamp of the input that changed the screen (taps are
	 * debounced against it: a real double tap is measured from the first
	 * tap, however long the frame between took) */
	Uint32 screen_entered_ts;
	Uint32 event_ts; /* timestamp of the event being handled, 0 none */
	bool idle_warning;
	Uint64 idle_warning_at;
	Uint64 last_tap;
	Uint64 frames_countdown; /* last countdown second drawn */
	char swallow_text;	 /* text of a key used as a shortcut */
	bool staff_hold;
	Uint64 staff_hold_at;
	int staff_hold_drawn; /* half-seconds of hold feedback drawn */
	/* where the last screen's Next was: a confirming button of the new
	 * screen must not be pressed there by the same double tap */
	SDL_Rect prev_next;
	/* staff PIN: wrong attempts (kept across visits) and lockout */
	int pin_failures;
	Uint64 pin_locked_until;
	/* start-up failed: why (for staff), when to try again */
	char out_of_order[256];
	Uint64 store_retry_at;
	/* ratings flagged as a burst today (staff page warning) */
	int64_t bursts_today;

	/* a project number being typed digit by digit (projects 10+) */
	int digit_pending;
	Uint64 digit_at;

	/* a failed save being retried */
	kiosk_save_fn pending;
	enum kiosk_screen_id pending_next;
	Uint64 pending_retry_at;
	Uint64 pending_since;
	int pending_failures;
	/* The session a failing save belongs to, once the screen has moved
	 * on (idle wipe): kept only for the retry, never drawn. */
	bool pending_orphan;
	struct kiosk_session pending_s;

	/* Access for this visit (access.c); reset by kiosk_reset. */
	struct kiosk_speech *speech;
	bool speech_on;	 /* speech mode: screens and focus are spoken */
	bool large;	 /* large text */
	bool contrast;	 /* yellow on black */
	bool say_screen; /* speak the screen after its next frame */
	/* what the screen says, captured as it draws (kiosk_draw_title,
	 * kiosk_say_question) */
	char say_title[KIOSK_LABEL_MAX];
	char say_question[KIOSK_SAY_MAX / 2];
	int said_countdown; /* last idle countdown second spoken */
	char said_message[KIOSK_LABEL_MAX]; /* the notice last spoken */
	bool error_said; /* the "didn't save" overlay was spoken */

	/* statistics for the bench and tests */
	Uint64 frames;
	Uint64 first_frame_ns;

	/* script replay (script.c) */
	struct kiosk_script *script;
	char shot_request[128];
};

/* Screen table lookup and switching (leave old, enter new, redraw). */
void kiosk_go(struct kiosk_app *app, enum kiosk_screen_id id);
const struct kiosk_screen *kiosk_screen_get(enum kiosk_screen_id id);

/* Parses the command line into opt. Returns 0 ok, 1 printed help/version
 * (exit 0), 2 usage error (message printed). */
int kiosk_parse_args(int argc, char **argv, struct kiosk_options *opt);

/* Starts everything (config, store, SDL, assets). On failure prints why
 * and returns non-zero. */
int kiosk_app_init(struct kiosk_app *app, const struct kiosk_options *opt);
/* The event loop; returns the exit code. */
int kiosk_app_run(struct kiosk_app *app);
void kiosk_app_cleanup(struct kiosk_app *app);

/* Runs a save now; on failure shows the calm "tell a member of staff"
 * notice, keeps the input and retries every few seconds. On success goes
 * to next. */
void kiosk_save(struct kiosk_app *app, kiosk_save_fn fn,
		enum kiosk_screen_id next);

/* Forgets a failing save (the resident chose to start again, or it saved
 * after the screen moved on). */
void kiosk_drop_pending(struct kiosk_app *app);

/* One input from any source, already in virtual coordinates. */
void kiosk_handle_tap(struct kiosk_app *app, int x, int y, bool down);
void kiosk_handle_sdl(struct kiosk_app *app, const SDL_Event *ev);
/* Draws the current screen (and overlays); saves a PNG to shot when not
 * NULL (read before present); presents. */
void kiosk_render(struct kiosk_app *app, const char *shot);
/* Whether to draw now: something changed, and it is more than a press
 * highlight with the release already queued (one frame per tap). */
bool kiosk_should_render(const struct kiosk_app *app);
/* Periodic work: idle timer, staff hold, retries, thank-you timeout.
 * Returns ms until the next deadline (for SDL_WaitEventTimeout). */
int kiosk_tick(struct kiosk_app *app);
/* Loads the current round and its projects (have_round). */
void kiosk_load_round(struct kiosk_app *app);
/* Switches to language index of [site] languages (false, and no change,
 * when out of range or the strings cannot be loaded). */
bool kiosk_set_language(struct kiosk_app *app, int index);
/* Switches language to the next configured one. */
void kiosk_next_language(struct kiosk_app *app);
/* Back to the attract screen with everything wiped. */
void kiosk_reset(struct kiosk_app *app);

/* The idle time of the current screen in ms (shorter where personal data
 * is on screen; [kiosk] walkabout_idle_seconds in walkabout mode). */
Uint64 kiosk_idle_ms(const struct kiosk_app *app);
/* Copies typed into out (>= 3 * strlen + 1) with all but the last
 * KIOSK_MASK_KEEP characters as dots, unless it was typed within
 * KIOSK_REVEAL_MS. */
void kiosk_mask(const struct kiosk_app *app, const char *typed, char *out,
		size_t outsz);
/* "1 second", "5 seconds": the strings' key.<category> by n under the
 * language's CLDR plural rule (sayso_plural_of), else key.other. */
void kiosk_plural(struct kiosk_app *app, const char *key, long n, char *out,
		  size_t outsz);

/* Core's refusal worded in the resident's language ("reason.<key>" with
 * its arguments filled in). */
void kiosk_reason_text(struct kiosk_app *app, const struct sayso_refusal *r,
		       char *out, size_t outsz);
/* Sets the session message for a phone number core refused (why: core's
 * reason code, NONE for none given): one sentence and an example. */
void kiosk_phone_message(struct kiosk_app *app, enum sayso_reason why);
/* A date in the resident's language: [date] format with month1..12. */
void kiosk_date(struct kiosk_app *app, int64_t ms, char *out, size_t outsz);

/* The results QR code in qr, its caption and short address under it. */
void kiosk_draw_results_qr(struct kiosk_app *app, SDL_Rect qr);

/* Shared drawing: page background, title, a notice line. kiosk_draw_title
 * returns the y just below it (large text makes it taller). */
int kiosk_draw_title(struct kiosk_app *app, const char *title,
		     const char *subtitle);
void kiosk_draw_message(struct kiosk_app *app, int y, int maxw);
/* Back (Escape) and Next (Enter) buttons along the bottom. */
void kiosk_add_nav(struct kiosk_app *app, const char *back_key,
		   const char *next_key);
const char *kiosk_s(struct kiosk_app *app, const char *key);
/* Digit 1..9 from a key (top row or keypad), else 0. */
int kiosk_key_digit(SDL_Keycode k);

/* How long the vote screen waits for a second digit ("1" then "2" is
 * project 12) before taking the first on its own. */
#define KIOSK_DIGIT_WAIT_MS 1000

/* Toggles the project number typed so far on the vote screen, if any. */
void kiosk_vote_digit_flush(struct kiosk_app *app);
/* Whether project number is picked on the vote screen. */
bool kiosk_vote_picked(const struct kiosk_app *app, int number);
/* Picks or unpicks project number as a tap on its card does: a pick the
 * ballot rules refuse is undone with a notice in app->s.message. */
void kiosk_vote_toggle(struct kiosk_app *app, int number);
/* Money in the round's currency, for the screen: wrapped in invisible
 * left-to-right isolate marks (U+2066 ... U+2069) so it reads "£9,500"
 * inside right-to-left text too. Never for an SMS. */
void kiosk_money(struct kiosk_app *app, int64_t minor, char *out, size_t sz);

/* ---- the local fallback on a PostgreSQL site (fallback.c) ---- */

/* Whether [kiosk] fallback applies ([site] database is postgresql://). */
bool kiosk_fallback_wanted(const struct kiosk_app *app);
/* Opens the fallback file (an enrolled kiosk's) and the site database;
 * sets app->st to the site, or to the file when the server cannot be
 * reached (SAYSO_OK either way). Another failure (the file, the secret,
 * the schema) fills err and returns its code, nothing left open. */
enum sayso_err kiosk_fallback_open(struct kiosk_app *app, char *err,
				   size_t errsz);
/* The enrolled device id of the fallback file, or NULL. */
const char *kiosk_fallback_device(const struct kiosk_app *app);
/* After a failed save or read: when err says the connection to the site
 * is gone and a fallback is open, switches app->st to the file (logged,
 * the round reloaded from it) and returns true: the caller runs the same
 * save once more, now on the file. */
bool kiosk_fallback_lost(struct kiosk_app *app, enum sayso_err err);
/* Between residents: starts or finishes a reconnect-and-merge on a worker
 * thread. Returns ms until it wants to run again, -1 never. */
int kiosk_fallback_tick(struct kiosk_app *app);
/* After a save: recounts the records waiting when it went to the file. */
void kiosk_fallback_saved(struct kiosk_app *app);
/* Joins the worker and closes both stores (app->st cleared if it was one
 * of them). */
void kiosk_fallback_close(struct kiosk_app *app);
/* The staff page's line: connected, or offline with the records waiting. */
void kiosk_fallback_status(struct kiosk_app *app, char *out, size_t outsz);
/* Offline: the small mark in the bottom corner of every screen. */
void kiosk_fallback_mark(struct kiosk_app *app);

/* Bytes free on the database's filesystem, -1 unknown. */
int64_t kiosk_free_disk(const char *db_path);

/* ---- access: speech mode, large text, contrast (access.c) ---- */

/* Draws Listen, Aa and High contrast in the right-hand column on every
 * screen (clear of the staff corner and of every screen's widgets) and
 * declares them as widgets; Listen is left out when there is no speech. */
void kiosk_draw_visit_tools(struct kiosk_app *app);
/* Draws one tool widget (called by kiosk_ui_draw). */
void kiosk_draw_tool(struct kiosk_app *app, const struct kiosk_widget *w,
		     bool pressed);
/* The screen's title and question, for speech (kiosk_draw_title calls it;
 * a screen that draws its own title calls it once in draw). */
void kiosk_say_text(struct kiosk_app *app, const char *title,
		    const char *question);
/* The screen's question when it is not its subtitle (one call in draw). */
void kiosk_say_question(struct kiosk_app *app, const char *text);
/* Handles the tool widgets and F1/F2/F3; true when it used in. */
bool kiosk_access_event(struct kiosk_app *app, const struct kiosk_in *in);
/* Speech mode on or off (F1, Listen): says so, then the screen. */
void kiosk_speech_toggle(struct kiosk_app *app);
/* Large text / high contrast on or off for this visit. */
void kiosk_large_set(struct kiosk_app *app, bool on);
void kiosk_contrast_set(struct kiosk_app *app, bool on);
/* In speech mode: speaks the focused widget (after Tab or an arrow). */
void kiosk_say_focus(struct kiosk_app *app);
/* Speaks the screen: title, question and the focused item. */
void kiosk_say_screen(struct kiosk_app *app);
/* In speech mode: speaks text (the focused item, a notice). */
void kiosk_say(struct kiosk_app *app, const char *text);
/* In speech mode: speaks the widget (label, second line, note), or only
 * access.digit for a key on a screen where a number or code is typed. */
void kiosk_say_widget(struct kiosk_app *app, const struct kiosk_widget *w);
/* Whether the current screen takes a phone number, code or PIN: what is
 * typed there is never spoken. */
bool kiosk_secret_entry(const struct kiosk_app *app);
/* After a frame: speaks a new screen; the idle countdown. */
void kiosk_access_after_frame(struct kiosk_app *app);
/* Ends the visit's speech mode, large text and contrast. */
void kiosk_access_reset(struct kiosk_app *app);
/* Idle time multiplier: reading screens (project cards) get 2. */
bool kiosk_reading_screen(enum kiosk_screen_id id);

/* ---- script replay (script.c) ---- */

struct kiosk_script;
/* Parses FILE. NULL and a message on stderr on a bad line (file:line). */
struct kiosk_script *kiosk_script_load(const char *path);
void kiosk_script_free(struct kiosk_script *sc);
/* Runs due steps (pushing SDL events, requesting screenshots). Returns
 * false when the script has finished. *wait_ms receives the time until the
 * next step. */
bool kiosk_script_step(struct kiosk_app *app, int *wait_ms);

#endif

/*
 * widget.c: the handful of widgets a kiosk needs, drawn with the SDL
 * renderer: buttons, numbered choices, faces, project cards, an on-screen
 * QWERTY keyboard and a phone-style keypad (1 2 3 on the top row).
 *
 * Widgets are declared by each screen's draw() every frame (an immediate
 * style with a retained list: hit tests and the focus ring use the list of
 * the frame on screen). Every target is at least 88 px high at 1080p, well
 * over the 44 px minimum; text is never smaller than 28 px.
 */
#include "kiosk.h"

#include <string.h>

#include "sayso/log.h"
#include "sayso/utf8.h"

/* Text on white and white on the primary colour are both over 7:1. */
const SDL_Color KC_BG = {0xff, 0xff, 0xff, 255};
const SDL_Color KC_TEXT = {0x0b, 0x0c, 0x0c, 255};    /* 20:1 on white */
const SDL_Color KC_MUTED = {0x38, 0x3f, 0x45, 255};   /* 10.7:1 */
const SDL_Color KC_PRIMARY = {0x0b, 0x3d, 0x91, 255}; /* white on it 10.0:1 */
const SDL_Color KC_PRIMARY_TEXT = {0xff, 0xff, 0xff, 255};
const SDL_Color KC_FOCUS = {0xff, 0xbf, 0x47, 255};
const SDL_Color KC_BORDER = {0x0b, 0x0c, 0x0c, 255};
const SDL_Color KC_SELECTED = {0xd2, 0xe6, 0xff, 255}; /* text on it 17:1 */
const SDL_Color KC_ERROR = {0x9e, 0x1b, 0x10,
			    255}; /* 8.0:1 (7.0 on the notice band) */
const SDL_Color KC_PANEL = {0xf3, 0xf2, 0xf1, 255};
const SDL_Color KC_OK = {0x00, 0x5a, 0x30, 255}; /* 8.4:1 */

void kiosk_fill(SDL_Renderer *r, SDL_Rect rc, SDL_Color c)
{
	rc = kiosk_mirror(rc);
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
	SDL_RenderFillRect(r, &rc);
}

void kiosk_frame(SDL_Renderer *r, SDL_Rect rc, int thick, SDL_Color c)
{
	rc = kiosk_mirror(rc);
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
	for (int i = 0; i < thick; i++) {
		SDL_Rect f = {rc.x + i, rc.y + i, rc.w - 2 * i, rc.h - 2 * i};
		if (f.w <= 0 || f.h <= 0)
			break;
		SDL_RenderDrawRect(r, &f);
	}
}

struct kiosk_widget *kiosk_ui_add(struct kiosk_app *app, enum kiosk_wkind kind,
				  int x, int y, int w, int h, int action,
				  int arg, const char *label)
{
	static struct kiosk_widget scratch;
	struct kiosk_ui *ui = &app->ui;
	struct kiosk_widget *wd;

	if (ui->n >= KIOSK_MAX_WIDGETS) {
		sayso_log(SAYSO_LOG_WARN, "screen %s: too many widgets",
			  app->screen ? app->screen->name : "?");
		memset(&scratch, 0, sizeof(scratch));
		return &scratch;
	}
	wd = &ui->w[ui->n++];
	memset(wd, 0, sizeof(*wd));
	wd->rc = (SDL_Rect){x, y, w, h};
	if (ui->keep.w > 0) /* a keypad: keys keep their order */
		wd->rc = kiosk_layout_keep(ui->keep, wd->rc);
	wd->kind = kind;
	wd->action = action;
	wd->arg = arg;
	if (label)
		snprintf(wd->label, sizeof(wd->label), "%s", label);
	return wd;
}

int kiosk_ui_hit(const struct kiosk_ui *ui, int x, int y)
{
	/* Widgets are laid out in logical coordinates. */
	SDL_Point p = {kiosk_mirror_x(x), y};

	/* Last declared is on top (overlays add their widgets last). */
	for (int i = ui->n - 1; i >= 0; i--)
		if (!ui->w[i].disabled && SDL_PointInRect(&p, &ui->w[i].rc))
			return i;
	return -1;
}

void kiosk_ui_focus_move(struct kiosk_ui *ui, int delta)
{
	if (ui->n == 0) {
		ui->focus = -1;
		return;
	}
	int i = ui->focus;
	for (int tries = 0; tries < ui->n; tries++) {
		if (i < 0)
			i = delta > 0 ? 0 : ui->n - 1;
		else
			i = (i + delta + ui->n) % ui->n;
		if (!ui->w[i].disabled && ui->w[i].kind != KW_HIDDEN)
			break;
	}
	ui->focus = i;
	ui->focus_shown = true;
}

static void draw_face_widget(struct kiosk_app *app, struct kiosk_widget *w)
{
	SDL_Rect face = {w->rc.x + 20, w->rc.y + 20, w->rc.w - 40,
			 w->rc.w - 40};
	kiosk_fill(app->ren, w->rc, w->selected ? KC_SELECTED : KC_BG);
	kiosk_frame(app->ren, w->rc, 3, KC_BORDER);
	kiosk_draw_face(app->ren, w->arg, face);
	SDL_Rect lab = {w->rc.x, face.y + face.h + 4, w->rc.w,
			w->rc.y + w->rc.h - (face.y + face.h) - 8};
	kiosk_text_centred(app->as, KF_BUTTON, w->label, lab, KC_TEXT);
}

/*
 * A project card: number badge with the cost under it on the left, title
 * and a two-line description in the middle, a tick box on the right.
 */
static void draw_card(struct kiosk_app *app, struct kiosk_widget *w)
{
	SDL_Rect rc = w->rc;

	/* Greyed: no longer fits the budget (still tappable; the reason is
	 * its second line, in the error colour). */
	kiosk_fill(app->ren, rc,
		   w->selected ? KC_SELECTED
		   : w->greyed ? KC_PANEL
			       : KC_BG);
	kiosk_frame(app->ren, rc, w->selected ? 6 : 3,
		    w->selected ? KC_PRIMARY : KC_BORDER);
	SDL_Rect badge = {rc.x + 30, rc.y + 18, 80, 80};
	char num[16];
	snprintf(num, sizeof(num), "%d", w->arg);
	kiosk_fill(app->ren, badge, w->greyed ? KC_MUTED : KC_PRIMARY);
	kiosk_text_centred(app->as, KF_BUTTON, num, badge, KC_PRIMARY_TEXT);
	kiosk_text_centred(app->as, KF_SMALL, w->note,
			   (SDL_Rect){rc.x + 4, rc.y + 104, 148, 48}, KC_TEXT);
	SDL_Rect box = {rc.x + rc.w - 84, rc.y + 18, 60, 60};
	kiosk_fill(app->ren, box, KC_BG);
	kiosk_frame(app->ren, box, 4, KC_BORDER);
	if (w->selected) {
		/* A tick reads the same in every direction: drawn unflipped
		 * in the box's place on screen. */
		box = kiosk_mirror(box);
		SDL_SetRenderDrawColor(app->ren, KC_PRIMARY.r, KC_PRIMARY.g,
				       KC_PRIMARY.b, 255);
		for (int t = -4; t <= 4; t++) {
			SDL_RenderDrawLine(app->ren, box.x + 10, box.y + 30 + t,
					   box.x + 24, box.y + 45 + t);
			SDL_RenderDrawLine(app->ren, box.x + 24, box.y + 45 + t,
					   box.x + 50, box.y + 12 + t);
		}
	}
	int tx = rc.x + 160;
	int h = kiosk_text_wrapped(app->as, KF_BUTTON, w->label, tx, rc.y + 14,
				   rc.w - 160 - 100, KC_TEXT);
	kiosk_text_wrapped(app->as, KF_SMALL, w->sub, tx, rc.y + 18 + h,
			   rc.w - 160 - 100, w->greyed ? KC_ERROR : KC_MUTED);
}

void kiosk_ui_draw(struct kiosk_app *app)
{
	struct kiosk_ui *ui = &app->ui;

	for (int i = 0; i < ui->n; i++) {
		struct kiosk_widget *w = &ui->w[i];
		bool pressed = ui->pressed == i;
		switch (w->kind) {
		case KW_BUTTON:
			kiosk_fill(app->ren, w->rc,
				   w->disabled ? KC_MUTED
				   : pressed   ? KC_TEXT
					       : KC_PRIMARY);
			kiosk_text_centred(app->as, KF_BUTTON, w->label, w->rc,
					   KC_PRIMARY_TEXT);
			break;
		case KW_SECONDARY:
		case KW_KEY:
			kiosk_fill(app->ren, w->rc,
				   pressed	 ? KC_SELECTED
				   : w->selected ? KC_SELECTED
						 : KC_BG);
			kiosk_frame(app->ren, w->rc, 3, KC_BORDER);
			kiosk_text_centred(app->as, KF_BUTTON, w->label, w->rc,
					   w->disabled ? KC_MUTED : KC_TEXT);
			break;
		case KW_CHOICE: {
			kiosk_fill(app->ren, w->rc,
				   w->selected || pressed ? KC_SELECTED
							  : KC_BG);
			kiosk_frame(app->ren, w->rc, w->selected ? 6 : 3,
				    w->selected ? KC_PRIMARY : KC_BORDER);
			SDL_Rect badge = {w->rc.x + 16,
					  w->rc.y + (w->rc.h - 64) / 2, 64, 64};
			char num[16];
			snprintf(num, sizeof(num), "%d", w->arg);
			kiosk_fill(app->ren, badge, KC_PRIMARY);
			kiosk_text_centred(app->as, KF_BUTTON, num, badge,
					   KC_PRIMARY_TEXT);
			SDL_Rect lab = {w->rc.x + 96, w->rc.y, w->rc.w - 104,
					w->rc.h};
			int tw, th;
			kiosk_text_size(app->as, KF_BUTTON, w->label, &tw, &th);
			if (tw <= lab.w)
				kiosk_text(app->as, KF_BUTTON, w->label, lab.x,
					   lab.y + (lab.h - th) / 2, KC_TEXT);
			else
				kiosk_text_centred(app->as, KF_BODY, w->label,
						   lab, KC_TEXT);
			break;
		}
		case KW_FACE:
			draw_face_widget(app, w);
			break;
		case KW_CARD:
			draw_card(app, w);
			break;
		case KW_HIDDEN:
			break;
		}
	}
	if (ui->focus_shown && ui->focus >= 0 && ui->focus < ui->n) {
		SDL_Rect f = ui->w[ui->focus].rc;
		SDL_Rect outer = {f.x - 10, f.y - 10, f.w + 20, f.h + 20};
		kiosk_frame(app->ren, outer, 7, KC_FOCUS);
		SDL_Rect inner = {f.x - 3, f.y - 3, f.w + 6, f.h + 6};
		kiosk_frame(app->ren, inner, 3, KC_TEXT);
	}
}

/* ---- typed entry ---- */

bool kiosk_entry_event(struct kiosk_app *app, const struct kiosk_in *in,
		       const struct kiosk_entry *e)
{
	switch (in->kind) {
	case KI_ACTIVATE:
		switch (in->w->action) {
		case KA_BACK:
			kiosk_reset(app);
			return true;
		case KA_NEXT:
			e->submit(app);
			return true;
		case KA_KEY:
			if (in->w->arg == KK_BACKSPACE) {
				kiosk_buf_backspace(e->buf);
			} else if (in->w->arg == KK_ENTER) {
				e->submit(app);
			} else {
				char t[SAYSO_UTF8_MAX + 1];
				if (kiosk_key_text(in->w->arg, t)[0])
					e->type(app, t);
			}
			return true;
		default:
			return false;
		}
	case KI_KEY:
		if (in->key == SDLK_ESCAPE) {
			kiosk_reset(app);
			return true;
		}
		if (in->key == SDLK_BACKSPACE) {
			kiosk_buf_backspace(e->buf);
			return true;
		}
		if (in->key == SDLK_RETURN || in->key == SDLK_KP_ENTER) {
			e->submit(app);
			return true;
		}
		return false;
	case KI_TEXT:
		e->type(app, in->text);
		return true;
	}
	return false;
}

/* ---- keyboard and keypad ---- */

/* Letter rows, each code point one key; [0] plain, [1] with Shift. The
 * last row of each has Shift and Delete either side of it. */
struct kb_def {
	const char *rows[2][5];
	const char *shift_label; /* NULL: an arrow */
};

static const struct kb_def kbs[KB_COUNT] = {
    [KB_ASCII] = {{{"qwertyuiop", "asdfghjkl", "zxcvbnm", NULL},
		   {"QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM", NULL}},
		  NULL},
    [KB_POLISH] = {{{"ąćęłńóśźż", "qwertyuiop", "asdfghjkl", "zxcvbnm", NULL},
		    {"ĄĆĘŁŃÓŚŹŻ", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM", NULL}},
		   NULL},
    [KB_WELSH] = {{{"âêîôûŵŷëï", "qwertyuiop", "asdfghjkl", "zxcvbnm", NULL},
		   {"ÂÊÎÔÛŴŶËÏ", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM", NULL}},
		  NULL},
    /* Urdu phonetic: every letter of the alphabet over the two layers. */
    [KB_URDU] = {{{"قوعرتےءیہپ", "اسدفگحجکل", "زشچطبنم", NULL},
		  {"ثؤٹڑذۓئںھۃ", "آصڈژغخضظۂ", "۔،؟ًُِٰ", NULL}},
		 NULL},
    /* The Arabic PC layout's letters; Shift: hamza forms and harakat. */
    [KB_ARABIC] = {{{"ضصثقفغعهخحج", "شسيبلاتنمكط", "ئءؤرىةوزظد", NULL},
		    {"ذأإآ", "ًٌٍَُِّْ", "؟،؛ـ", NULL}},
		   NULL},
    /* Consonants; Shift: vowels, vowel signs and marks (one at a time).
     * Letters with a nukta (ড়, ਸ਼) are the letter, then the nukta key:
     * Unicode keeps them as two code points (composition exclusions). */
    [KB_GURMUKHI] = {{{"ਕਖਗਘਙਚਛਜਝਞਟ", "ਠਡਢਣਤਥਦਧਨਪਫ", "ਬਭਮਯਰਲਵੜਸਹ", NULL},
		      {"ਅਆਇਈਉਊਏਐਓਔ", "ਾਿੀੁੂੇੈੋੌ", "ੰਂੱ਼੍।", NULL}},
		     "ਅ ਾ"},
    [KB_BENGALI] = {{{"কখগঘঙচছজঝঞটঠ", "ডঢণতথদধনপফবভ", "মযরলশষসহ়", NULL},
		     {"অআইঈউঊঋএঐওঔ", "ািীুূৃেৈোৌ", "ংঃঁ্ৎ।", NULL}},
		    "অ া"},
    [KB_SYMBOLS] = {{{"1234567890", "-/:;()&@'", "?!\"#%+=", NULL},
		     {"1234567890", "-/:;()&@'", "?!\"#%+=", NULL}},
		    NULL},
};

enum kiosk_kb kiosk_kb_for(const char *lang)
{
	static const struct {
		const char *lang;
		enum kiosk_kb kb;
	} map[] = {{"pl", KB_POLISH}, {"cy", KB_WELSH},	   {"ur", KB_URDU},
		   {"ar", KB_ARABIC}, {"pa", KB_GURMUKHI}, {"bn", KB_BENGALI}};
	for (size_t i = 0; lang && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(lang, map[i].lang) == 0)
			return map[i].kb;
	return KB_ASCII;
}

bool kiosk_kb_latin(enum kiosk_kb kb)
{
	return kb == KB_ASCII || kb == KB_POLISH || kb == KB_WELSH;
}

enum kiosk_kb kiosk_text_kb(struct kiosk_app *app, int layer,
			    const char **mode_label)
{
	enum kiosk_kb own = kiosk_kb_for(kiosk_strings_lang(app->str));
	bool latin = kiosk_kb_latin(own);
	if (layer == 2 || (latin && layer == 1)) {
		*mode_label = kiosk_s(app, "keyboard.letters");
		return KB_SYMBOLS;
	}
	if (layer == 1) {
		*mode_label = kiosk_s(app, "keyboard.symbols");
		return KB_ASCII;
	}
	/* The language's own letters: the mode key names the next layer. */
	*mode_label = latin ? kiosk_s(app, "keyboard.symbols") : "ABC";
	return own;
}

int kiosk_text_kb_next(struct kiosk_app *app, int layer)
{
	enum kiosk_kb own = kiosk_kb_for(kiosk_strings_lang(app->str));
	if (kiosk_kb_latin(own))
		return layer == 0 ? 2 : 0;
	return (layer + 1) % 3;
}

const char *kiosk_key_text(int arg, char *out)
{
	size_t n = 0;
	if (arg >= 0x20 && arg <= 0x10FFFF && arg != 0x7f &&
	    !(arg >= 0xD800 && arg <= 0xDFFF))
		n = sayso_utf8_put((unsigned long)arg, out);
	out[n] = '\0';
	return out;
}

/* Adds one key per code point of row. */
static void key_row(struct kiosk_app *app, const char *row, int x0, int y,
		    int kw, int kh, int gap)
{
	const unsigned char *p = (const unsigned char *)row;
	size_t len = strlen(row);
	for (int i = 0; len > 0; i++) {
		unsigned long cp;
		bool bad;
		size_t n = sayso_utf8_next(p, len, &cp, &bad);
		char lab[SAYSO_UTF8_MAX + 1];
		memcpy(lab, p, n);
		lab[n] = '\0';
		p += n;
		len -= n;
		kiosk_ui_add(app, KW_KEY, x0 + i * (kw + gap), y, kw, kh,
			     KA_KEY, (int)cp, lab);
	}
}

/* The number of keys (code points) in row. */
static int row_keys(const char *row)
{
	int keys = 0;
	for (const unsigned char *p = (const unsigned char *)row; *p;) {
		unsigned long cp;
		bool bad;
		p += sayso_utf8_next(p, strlen((const char *)p), &cp, &bad);
		keys++;
	}
	return keys;
}

/*
 * The letter rows (at least ten keys wide, so QWERTY keeps its size); Shift
 * and Delete are one and a half keys either side of the last letter row; the
 * last row is the mode key, comma, Space, full stop and Done.
 */
void kiosk_keyboard_add_kb(struct kiosk_app *app, SDL_Rect area,
			   enum kiosk_kb kb, bool shift, const char *mode_label)
{
	if ((int)kb < 0 || kb >= KB_COUNT)
		kb = KB_ASCII;
	const char *const *rows = kbs[kb].rows[shift ? 1 : 0];
	int nrows = 0, widest = 10, gap = 12;
	for (; rows[nrows]; nrows++) {
		int slots = row_keys(rows[nrows]);
		if (slots > widest)
			widest = slots;
	}
	int kh = (area.h - nrows * gap) / (nrows + 1);
	int kw = (area.w - (widest - 1) * gap) / widest;
	int wide = area.x + area.w; /* right edge */

	app->ui.keep =
	    area; /* keys keep the layout's order in every language */
	for (int r = 0; r < nrows; r++) {
		int slots = row_keys(rows[r]);
		int y = area.y + r * (kh + gap);
		if (r < nrows - 1) {
			int x0 =
			    area.x +
			    (area.w - (slots * kw + (slots - 1) * gap)) / 2;
			key_row(app, rows[r], x0, y, kw, kh, gap);
			continue;
		}
		int x0 = area.x + (kw * 3 / 2) + gap;
		struct kiosk_widget *w = kiosk_ui_add(
		    app, KW_KEY, area.x, y, kw * 3 / 2, kh, KA_KEY, KK_SHIFT,
		    kbs[kb].shift_label ? kbs[kb].shift_label
					: "\xe2\x87\xa7"); /* ⇧ */
		w->selected = shift;
		w->disabled = kb == KB_SYMBOLS;
		/* Delete takes what the letters leave, at least 1.5 keys. */
		int x1 = wide - kw * 3 / 2;
		int kw2 = (x1 - gap - x0 - (slots - 1) * gap) / slots;
		if (kw2 > kw)
			kw2 = kw;
		x1 = x0 + slots * (kw2 + gap);
		kiosk_ui_add(app, KW_KEY, x1, y, wide - x1, kh, KA_KEY,
			     KK_BACKSPACE, "\xe2\x8c\xab"); /* ⌫ */
		key_row(app, rows[r], x0, y, kw2, kh, gap);
	}
	int y = area.y + nrows * (kh + gap);
	int x = area.x;
	kiosk_ui_add(app, KW_KEY, x, y, kw * 3 / 2, kh, KA_KEY, KK_MODE,
		     mode_label);
	x += kw * 3 / 2 + gap;
	kiosk_ui_add(app, KW_KEY, x, y, kw, kh, KA_KEY, ',', ",");
	x += kw + gap;
	int done_w = kw * 2 + gap;
	int space_w = wide - x - 2 * gap - kw - done_w;
	kiosk_ui_add(app, KW_KEY, x, y, space_w, kh, KA_KEY, KK_SPACE,
		     kiosk_s(app, "keyboard.space"));
	x += space_w + gap;
	kiosk_ui_add(app, KW_KEY, x, y, kw, kh, KA_KEY, '.', ".");
	x += kw + gap;
	kiosk_ui_add(app, KW_BUTTON, x, y, wide - x, kh, KA_KEY, KK_ENTER,
		     kiosk_s(app, "keyboard.done"));
	app->ui.keep = (SDL_Rect){0, 0, 0, 0};
}

void kiosk_keyboard_add(struct kiosk_app *app, SDL_Rect area, bool shift,
			bool symbols)
{
	kiosk_keyboard_add_kb(
	    app, area, symbols ? KB_SYMBOLS : KB_ASCII, shift,
	    kiosk_s(app, symbols ? "keyboard.letters" : "keyboard.symbols"));
}

void kiosk_keypad_add(struct kiosk_app *app, SDL_Rect area, bool with_plus)
{
	static const char keys[] = "123456789";
	int gap = 16;
	int kw = (area.w - 2 * gap) / 3;
	int kh = (area.h - 3 * gap) / 4;

	app->ui.keep = area; /* 1 2 3 on the left in every language */
	for (int i = 0; i < 9; i++) {
		char lab[2] = {keys[i], 0};
		kiosk_ui_add(app, KW_KEY, area.x + (i % 3) * (kw + gap),
			     area.y + (i / 3) * (kh + gap), kw, kh, KA_KEY,
			     keys[i], lab);
	}
	int y = area.y + 3 * (kh + gap);
	if (with_plus)
		kiosk_ui_add(app, KW_KEY, area.x, y, kw, kh, KA_KEY, '+', "+");
	kiosk_ui_add(app, KW_KEY, area.x + kw + gap, y, kw, kh, KA_KEY, '0',
		     "0");
	kiosk_ui_add(app, KW_KEY, area.x + 2 * (kw + gap), y, kw, kh, KA_KEY,
		     KK_BACKSPACE, kiosk_s(app, "keyboard.backspace"));
	app->ui.keep = (SDL_Rect){0, 0, 0, 0};
}

void kiosk_buf_append(char *buf, size_t bufsz, const char *text)
{
	kiosk_buf_append_max(buf, bufsz, text, (size_t)-1);
}

void kiosk_buf_append_max(char *buf, size_t bufsz, const char *text,
			  size_t maxchars)
{
	size_t len = strlen(buf);
	size_t chars = sayso_utf8_count(buf);

	for (const char *p = text; *p;) {
		unsigned long cp;
		bool bad;
		size_t clen =
		    sayso_utf8_next((const unsigned char *)p,
				    strnlen(p, SAYSO_UTF8_MAX), &cp, &bad);
		if (bad) {
			p++; /* not text: never keep a broken sequence */
			continue;
		}
		if (cp < 0x20 || cp == 0x7f) {
			p++;
			continue; /* no control characters */
		}
		if (len + clen >= bufsz || chars >= maxchars)
			break;
		memcpy(buf + len, p, clen);
		len += clen;
		chars++;
		p += clen;
	}
	buf[len] = '\0';
}

void kiosk_buf_backspace(char *buf)
{
	size_t len = strlen(buf);

	len = len > 0 ? sayso_utf8_boundary(buf, len - 1) : 0;
	memset(buf + len, 0, strlen(buf + len));
}

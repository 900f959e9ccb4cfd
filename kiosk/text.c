/*
 * text.c: every string the kiosk shows is measured, wrapped and drawn here.
 *
 * The pipeline, for each paragraph of a string:
 *   1. bidi (FriBidi): the paragraph direction comes from the language (Urdu
 *      and Arabic are right to left), embedding levels per code point;
 *   2. runs: code points are grouped by level, Unicode script (HarfBuzz's
 *      table; common characters such as digits and spaces join their
 *      neighbours' script) and font: the first font of the language's chain
 *      that has the glyph (TTF_GlyphIsProvided32), so "Poets Street" inside
 *      Urdu is drawn in Noto Sans and the Urdu in Noto Nastaliq Urdu;
 *   3. wrapping at spaces (a word longer than the line is cut between
 *      characters), each piece measured shaped;
 *   4. per line, FriBidi reorders the line (rule L1-L2) and each visual run
 *      is shaped by SDL2_ttf/HarfBuzz with its script and direction set
 *      (TTF_SetFontScriptName, TTF_SetFontDirection) and drawn on a common
 *      baseline; lines start at the right in a right-to-left language.
 * The result is one white texture per (string, style, width), tinted when
 * drawn, kept in a cache so an unchanged frame reshapes nothing. The cache
 * holds what residents typed, so it is flushed with every session wipe.
 *
 * Fonts: each language has a chain (built in, or [kiosk] fonts_<lang>), then
 * the other languages' chains, then DejaVu Sans built into the program. Font
 * files open lazily; one that does not open is logged once and the chain
 * goes on. Positions are logical (left to right) and go through
 * kiosk_mirror() (layout.c) on their way to the screen.
 */
#include "assets_internal.h"

#include <fribidi.h>
#include <hb.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sayso/buf.h"
#include "sayso/hash.h"
#include "sayso/lang.h"
#include "sayso/log.h"
#include "sayso/utf8.h"

#define CACHE_TEXT_MAX 2000 /* bytes: longer text is drawn as a box */
#define CACHE_BYTES_MAX (16u * 1024 * 1024) /* texture pixels kept */
#define RUN_TEXT_MAX 2048

static const int font_px[KF_COUNT] = {32, 28, 40, 60, 88};
/* Large text (a visit's "Aa"): body and the smallest text >= 41 px, so a
 * capital H subtends >= 0.7 degrees at 60 cm on a 21.5" 1080p panel. */
static const int large_px[KF_COUNT] = {44, 42, 46, 62, 88};
static const bool font_bold[KF_COUNT] = {false, false, true, true, true};

/* The built-in font chain of each shipped language (files of Debian's
 * fonts-noto-core; a bare name is looked up in font_dirs). Which languages
 * are written right to left is core's rule (sayso_lang_rtl). */
static const struct lang_info {
	const char *code;
	const char *fonts;
} langs[] = {
    {"en", "NotoSans-Regular.ttf"},
    {"pl", "NotoSans-Regular.ttf"},
    {"cy", "NotoSans-Regular.ttf"},
    {"ur", "NotoNastaliqUrdu-Regular.ttf, NotoNaskhArabic-Regular.ttf, "
	   "NotoSans-Regular.ttf"},
    {"pa", "NotoSansGurmukhi-Regular.ttf, NotoSans-Regular.ttf"},
    {"bn", "NotoSansBengali-Regular.ttf, NotoSans-Regular.ttf"},
    {"ar", "NotoNaskhArabic-Regular.ttf, NotoSans-Regular.ttf"},
};

static const char *const font_dirs[] = {
    "/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/noto",	      "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",	      NULL,
};

/* kiosk_embed.c, generated at build time (kiosk/embed/bin2c.c). */
extern const unsigned char kiosk_embed_font[], kiosk_embed_font_bold[];
extern const size_t kiosk_embed_font_len, kiosk_embed_font_bold_len;

static const struct lang_info *lang_find(const char *code)
{
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		if (strcmp(langs[i].code, code) == 0)
			return &langs[i];
	return NULL;
}

/* The configured chain of a language ([kiosk] fonts_<lang>), NULL none. */
static const struct sayso_list *lang_config(const struct sayso_config *cfg,
					    const char *code)
{
	const struct sayso_list *l = NULL;

	if (!cfg)
		return NULL;
	if (strcmp(code, "en") == 0)
		l = &cfg->kiosk.fonts_en;
	else if (strcmp(code, "pl") == 0)
		l = &cfg->kiosk.fonts_pl;
	else if (strcmp(code, "cy") == 0)
		l = &cfg->kiosk.fonts_cy;
	else if (strcmp(code, "ur") == 0)
		l = &cfg->kiosk.fonts_ur;
	else if (strcmp(code, "pa") == 0)
		l = &cfg->kiosk.fonts_pa;
	else if (strcmp(code, "bn") == 0)
		l = &cfg->kiosk.fonts_bn;
	else if (strcmp(code, "ar") == 0)
		l = &cfg->kiosk.fonts_ar;
	return l && l->n ? l : NULL;
}

/* ---- font files ---- */

/* A font name as a path: as given when it has a '/', else the first of
 * font_dirs that has it (else the first candidate, which will be logged
 * as missing). */
static void font_path(const char *name, char *out, size_t outsz)
{
	if (strchr(name, '/')) {
		snprintf(out, outsz, "%s", name);
		return;
	}
	snprintf(out, outsz, "%s/%s", font_dirs[0], name);
	for (size_t i = 0; font_dirs[i]; i++) {
		char p[SAYSO_PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", font_dirs[i], name);
		if (access(p, R_OK) == 0) {
			snprintf(out, outsz, "%s", p);
			return;
		}
	}
}

/* The bold file of a family: "X-Regular.ttf" -> "X-Bold.ttf", "X.ttf" ->
 * "X-Bold.ttf"; "" when there is none. */
static void bold_path(const char *regular, char *out, size_t outsz)
{
	const char *reg = strstr(regular, "-Regular.");
	const char *dot = strrchr(regular, '.');

	out[0] = '\0';
	if (reg)
		snprintf(out, outsz, "%.*s-Bold.%s", (int)(reg - regular),
			 regular, reg + strlen("-Regular."));
	else if (dot && !strchr(dot, '/'))
		snprintf(out, outsz, "%.*s-Bold%s", (int)(dot - regular),
			 regular, dot);
	if (out[0] && access(out, R_OK) != 0)
		out[0] = '\0';
}

static int face_add(struct kiosk_assets *a, const char *path, bool bold)
{
	for (int i = 0; i < a->nfaces; i++)
		if (a->faces[i].bold == bold &&
		    strcmp(a->faces[i].path, path) == 0)
			return i;
	if (a->nfaces >= KIOSK_FACES_MAX)
		return -1;
	struct kiosk_face *fc = &a->faces[a->nfaces];
	memset(fc, 0, sizeof(*fc));
	snprintf(fc->path, sizeof(fc->path), "%s", path);
	fc->bold = bold;
	return a->nfaces++;
}

static TTF_Font *open_builtin(bool bold, int px)
{
	const unsigned char *d =
	    bold ? kiosk_embed_font_bold : kiosk_embed_font;
	size_t n = bold ? kiosk_embed_font_bold_len : kiosk_embed_font_len;
	SDL_RWops *rw;

	if (n == 0 || n > INT_MAX)
		return NULL;
	rw = SDL_RWFromConstMem(d, (int)n);
	return rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
}

/* Face i at style f, opened on first use; NULL when its file will not
 * open (logged once). */
static TTF_Font *face_font(struct kiosk_assets *a, int i, enum kiosk_font f)
{
	struct kiosk_face *fc = &a->faces[i];
	int px = kiosk_font_px(a, f);

	if (fc->at[f] || fc->missing)
		return fc->at[f];
	fc->at[f] = fc->path[0] ? TTF_OpenFont(fc->path, px)
				: open_builtin(fc->bold, px);
	if (!fc->at[f]) {
		fc->missing = true;
		sayso_log(SAYSO_LOG_WARN, "font %s: %s; using the next font",
			  fc->path[0] ? fc->path : "(built in)",
			  TTF_GetError());
		return NULL;
	}
	TTF_SetFontHinting(fc->at[f], TTF_HINTING_LIGHT);
	/* A family without a bold file is emboldened. */
	if (font_bold[f] && !fc->bold)
		TTF_SetFontStyle(fc->at[f], TTF_STYLE_BOLD);
	return fc->at[f];
}

static void faces_close(struct kiosk_assets *a)
{
	for (int i = 0; i < a->nfaces; i++)
		for (int f = 0; f < KF_COUNT; f++)
			if (a->faces[i].at[f]) {
				TTF_CloseFont(a->faces[i].at[f]);
				a->faces[i].at[f] = NULL;
			}
}

/* The font of chain family fam for style f (its bold face for bold
 * styles), NULL when neither opens. */
static TTF_Font *fam_font(struct kiosk_assets *a, int fam, enum kiosk_font f)
{
	const struct kiosk_family *k = &a->chain[fam];
	TTF_Font *t = face_font(a, font_bold[f] ? k->bold : k->regular, f);

	if (!t && font_bold[f] && k->bold != k->regular)
		t = face_font(a, k->regular, f);
	return t;
}

static bool fam_has(struct kiosk_assets *a, int fam, uint32_t cp)
{
	TTF_Font *t = face_font(a, a->chain[fam].regular, KF_BODY);
	return t && TTF_GlyphIsProvided32(t, cp);
}

/* ---- chains ---- */

static void chain_add(struct kiosk_assets *a, const char *name)
{
	char path[SAYSO_PATH_MAX], bpath[SAYSO_PATH_MAX];
	struct kiosk_family k;

	if (name[0]) {
		font_path(name, path, sizeof(path));
		bold_path(path, bpath, sizeof(bpath));
	} else {
		path[0] = bpath[0] = '\0';
	}
	k.regular = face_add(a, path, false);
	k.bold = name[0] ? (bpath[0] ? face_add(a, bpath, true) : k.regular)
			 : face_add(a, "", true);
	if (k.regular < 0 || k.bold < 0)
		return;
	for (int i = 0; i < a->nchain; i++)
		if (a->chain[i].regular == k.regular)
			return;
	if (a->nchain < KIOSK_CHAIN_MAX)
		a->chain[a->nchain++] = k;
}

/* Adds a comma-separated list of font names. */
static void chain_add_list(struct kiosk_assets *a, const char *list)
{
	char name[SAYSO_PATH_MAX];

	while (*list) {
		while (*list == ' ' || *list == ',')
			list++;
		size_t n = strcspn(list, ",");
		while (n > 0 && list[n - 1] == ' ')
			n--;
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, list, n);
			name[n] = '\0';
			chain_add(a, name);
		}
		list += n;
		while (*list && *list != ',')
			list++;
	}
}

/* A language's own fonts: [kiosk] fonts_<lang>, else [kiosk] font and the
 * built-in chain. */
static void chain_add_lang(struct kiosk_assets *a, const char *code)
{
	const struct sayso_list *l = lang_config(a->cfg, code);
	const struct lang_info *li = lang_find(code);

	if (l) {
		for (size_t i = 0; i < l->n; i++)
			if (l->items[i][0])
				chain_add(a, l->items[i]);
		return;
	}
	if (a->cfg && a->cfg->kiosk.font[0])
		chain_add(a, a->cfg->kiosk.font);
	chain_add_list(a, li ? li->fonts : langs[0].fonts);
}

static void chain_build(struct kiosk_assets *a)
{
	a->nchain = 0;
	chain_add_lang(a, a->lang);
	if (a->cfg)
		for (size_t i = 0; i < a->cfg->site.languages.n; i++)
			chain_add_lang(a, a->cfg->site.languages.items[i]);
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		chain_add_list(a, langs[i].fonts);
	chain_add(a, ""); /* DejaVu Sans, built in */
}

/* ---- the assets object ---- */

struct kiosk_assets *kiosk_assets_new(SDL_Renderer *r,
				      const struct sayso_config *cfg)
{
	struct kiosk_assets *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->ren = r;
	a->cfg = cfg;
	if (!TTF_WasInit() && TTF_Init() != 0) {
		sayso_log(SAYSO_LOG_ERROR, "SDL_ttf: %s", TTF_GetError());
		return a;
	}
	snprintf(a->lang, sizeof(a->lang), "%s",
		 cfg && cfg->site.languages.n ? cfg->site.languages.items[0]
					      : "en");
	a->rtl = sayso_lang_rtl(a->lang);
	chain_build(a);
	/* A kiosk with no font at all still runs: text becomes boxes. */
	for (int i = 0; i < a->nchain && !a->have_font; i++)
		a->have_font = fam_font(a, i, KF_BODY) != NULL;
	if (!a->have_font)
		sayso_log(SAYSO_LOG_ERROR, "no usable font (not even the "
					   "built-in DejaVu Sans): drawing "
					   "text placeholders");
	return a;
}

void kiosk_assets_flush(struct kiosk_assets *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < KIOSK_CACHE_SLOTS; i++) {
		struct kiosk_text_entry *e = &a->cache[i];
		if (e->tex)
			SDL_DestroyTexture(e->tex);
		if (e->text) {
			memset(e->text, 0, strlen(e->text));
			free(e->text);
		}
		memset(e, 0, sizeof(*e));
	}
	a->ncached = 0;
	a->cached_bytes = 0;
}

void kiosk_assets_free(struct kiosk_assets *a)
{
	if (!a)
		return;
	kiosk_assets_flush(a);
	if (a->qr_tex)
		SDL_DestroyTexture(a->qr_tex);
	faces_close(a);
	free(a);
}

bool kiosk_assets_have_font(const struct kiosk_assets *a)
{
	return a && a->have_font;
}

void kiosk_assets_set_language(struct kiosk_assets *a, const char *lang)
{
	if (!a || !lang || !lang[0] || strcmp(a->lang, lang) == 0) {
		if (a)
			kiosk_layout_set_rtl(a->rtl);
		return;
	}
	snprintf(a->lang, sizeof(a->lang), "%s", lang);
	a->rtl = sayso_lang_rtl(lang);
	kiosk_layout_set_rtl(a->rtl);
	if (TTF_WasInit())
		chain_build(a);
	a->nlogged = 0;
	kiosk_assets_flush(a);
}

const char *kiosk_assets_language(const struct kiosk_assets *a)
{
	return a ? a->lang : "en";
}

void kiosk_assets_set_large(struct kiosk_assets *a, bool large)
{
	if (!a || a->large == large)
		return;
	a->large = large;
	kiosk_assets_flush(a);
	faces_close(a); /* reopened at the new sizes when next used */
}

int kiosk_font_px(const struct kiosk_assets *a, enum kiosk_font f)
{
	return a && a->large ? large_px[f] : font_px[f];
}

/* ---- layout: bidi, runs, lines ---- */

struct item {
	int start, end; /* code points */
	int fam;
	hb_script_t script;
	FriBidiLevel level;
};

struct run {
	int start, end, item;
	bool rtl;
	int x, w, base; /* in the line; base: baseline row of s */
	SDL_Surface *s;
};

struct line {
	int start, end; /* code points, trailing spaces left out */
	int w, asc, desc;
	int run0, nruns;
};

struct lay {
	struct kiosk_assets *a;
	enum kiosk_font f;
	const char *text;
	int n;
	FriBidiChar *cp;
	int *off; /* byte offset of each code point; off[n] = strlen */
	FriBidiCharType *type;
	FriBidiBracketType *bracket;
	FriBidiLevel *level;
	FriBidiStrIndex *map;
	int *item_of;
	struct item *items;
	int nitems;
	struct line *lines;
	int nlines;
	size_t caplines;
	struct run *runs;
	int nruns;
	size_t capruns;
	int missing; /* code points no font has */
	uint32_t first_missing;
	int asc0, desc0; /* the line box of the language's text font */
	SDL_Color colour;
};

static void lay_free(struct lay *L)
{
	for (int i = 0; i < L->nruns; i++)
		SDL_FreeSurface(L->runs[i].s);
	free(L->cp);
	free(L->off);
	free(L->type);
	free(L->bracket);
	free(L->level);
	free(L->map);
	free(L->item_of);
	free(L->items);
	free(L->lines);
	free(L->runs);
	memset(L, 0, sizeof(*L));
}

/* Decodes text into code points (broken bytes are skipped). */
static bool lay_decode(struct lay *L, const char *text)
{
	size_t len = strlen(text), i = 0;
	size_t cap = len + 1;

	L->text = text;
	L->cp = calloc(cap, sizeof(*L->cp));
	L->off = calloc(cap + 1, sizeof(*L->off));
	L->type = calloc(cap, sizeof(*L->type));
	L->bracket = calloc(cap, sizeof(*L->bracket));
	L->level = calloc(cap, sizeof(*L->level));
	L->map = calloc(cap, sizeof(*L->map));
	L->item_of = calloc(cap, sizeof(*L->item_of));
	L->items = calloc(cap, sizeof(*L->items));
	if (!L->cp || !L->off || !L->type || !L->bracket || !L->level ||
	    !L->map || !L->item_of || !L->items)
		return false;
	while (i < len) {
		unsigned long c;
		bool bad;
		size_t cl = sayso_utf8_next((const unsigned char *)text + i,
					    len - i, &c, &bad);
		if (bad) {
			i++;
			continue;
		}
		L->off[L->n] = (int)i;
		L->cp[L->n] = (FriBidiChar)c;
		L->map[L->n] = L->n;
		L->n++;
		i += cl;
	}
	L->off[L->n] = (int)len;
	return true;
}

static bool is_space(uint32_t c)
{
	return c == ' ' || c == 0x3000 || c == '\t';
}

/* Invisible format characters: they never pick a font of their own. */
static bool is_ignorable(uint32_t c)
{
	return c == 0x200c || c == 0x200d || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0xfeff || c == 0x00ad;
}

/* Bidi controls: they set levels and are never drawn. */
static bool is_bidi_control(uint32_t c)
{
	return c == 0x200e || c == 0x200f || c == 0x061c ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static bool script_weak(hb_script_t s)
{
	return s == HB_SCRIPT_COMMON || s == HB_SCRIPT_INHERITED ||
	       s == HB_SCRIPT_UNKNOWN;
}

/* Scripts of [ps, pe): weak characters take the script of the strong one
 * before them in the same level run, else the one after. */
static void resolve_scripts(struct lay *L, int ps, int pe, hb_script_t *sc)
{
	hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();

	for (int i = ps; i < pe; i++)
		sc[i] = hb_unicode_script(uf, L->cp[i]);
	for (int i = ps; i < pe; i++) {
		if (!script_weak(sc[i]))
			continue;
		hb_script_t got = HB_SCRIPT_COMMON;
		for (int j = i - 1; j >= ps && L->level[j] == L->level[i]; j--)
			if (!script_weak(sc[j])) {
				got = sc[j];
				break;
			}
		if (got == HB_SCRIPT_COMMON)
			for (int j = i + 1;
			     j < pe && L->level[j] == L->level[i]; j++)
				if (!script_weak(sc[j])) {
					got = sc[j];
					break;
				}
		sc[i] = got;
	}
}

/* The chain family for code point i: a weak or invisible character stays
 * with the previous one's font when that font has it; otherwise the first
 * family that has it. */
static int pick_family(struct lay *L, int i, int prev_fam, bool weak)
{
	uint32_t c = L->cp[i];

	if (prev_fam >= 0 && (is_ignorable(c) || c == '\n'))
		return prev_fam;
	if (is_ignorable(c)) {
		/* First of its run: it goes with what follows. */
		for (int j = i + 1; j < L->n && L->cp[j] != '\n'; j++)
			if (!is_ignorable(L->cp[j]))
				return pick_family(L, j, -1, weak);
		return 0;
	}
	if (prev_fam >= 0 && weak && fam_has(L->a, prev_fam, c))
		return prev_fam;
	for (int k = 0; k < L->a->nchain; k++)
		if (fam_has(L->a, k, c))
			return k;
	if (!is_ignorable(c) && c >= 0x20 && c != '\n') {
		if (!L->missing)
			L->first_missing = c;
		L->missing++;
	}
	return prev_fam >= 0 ? prev_fam : 0;
}

/* Splits paragraph [ps, pe) into items of one level, script and font. */
static void itemize(struct lay *L, int ps, int pe)
{
	hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
	hb_script_t *sc = calloc((size_t)L->n + 1, sizeof(*sc));
	int fam = -1;

	if (!sc)
		return;
	resolve_scripts(L, ps, pe, sc);
	for (int i = ps; i < pe; i++) {
		bool weak = script_weak(hb_unicode_script(uf, L->cp[i]));
		bool new_level = i == ps || L->level[i] != L->level[i - 1];
		int f = pick_family(L, i, new_level ? -1 : fam, weak);
		struct item *it = L->nitems ? &L->items[L->nitems - 1] : NULL;
		if (!it || new_level || it->fam != f || it->script != sc[i]) {
			it = &L->items[L->nitems++];
			it->start = i;
			it->fam = f;
			it->script = sc[i];
			it->level = L->level[i];
		}
		it->end = i + 1;
		L->item_of[i] = L->nitems - 1;
		fam = f;
	}
	free(sc);
}

/* Sets font t up for item it (script and direction) and returns it. */
static TTF_Font *item_font(struct lay *L, const struct item *it, bool rtl)
{
	TTF_Font *t = fam_font(L->a, it->fam, L->f);
	char tag[5];
	hb_tag_t ht = hb_script_to_iso15924_tag(it->script);

	if (!t)
		return NULL;
	if (it->script == HB_SCRIPT_COMMON || ht == HB_TAG_NONE)
		ht = HB_TAG('Z', 'y', 'y', 'y');
	tag[0] = (char)(ht >> 24);
	tag[1] = (char)(ht >> 16);
	tag[2] = (char)(ht >> 8);
	tag[3] = (char)ht;
	tag[4] = '\0';
	TTF_SetFontScriptName(t, tag);
	TTF_SetFontDirection(t, rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
	return t;
}

/* Copies code points [s, e) as UTF-8 into buf (NUL-terminated). */
static bool sub_text(const struct lay *L, int s, int e, char *buf, size_t sz)
{
	size_t n = (size_t)(L->off[e] - L->off[s]);

	if (n + 1 > sz)
		return false;
	memcpy(buf, L->text + L->off[s], n);
	buf[n] = '\0';
	return true;
}

/* Shaped width of [s, e), summed over the items it crosses. */
static int measure(struct lay *L, int s, int e)
{
	char buf[RUN_TEXT_MAX];
	int total = 0;

	for (int it = s < e ? L->item_of[s] : L->nitems; it < L->nitems; it++) {
		const struct item *im = &L->items[it];
		int a = im->start > s ? im->start : s;
		int b = im->end < e ? im->end : e;
		if (a >= e)
			break;
		if (a >= b)
			continue;
		TTF_Font *t = item_font(L, im, im->level & 1);
		int w = 0, h = 0;
		if (t && sub_text(L, a, b, buf, sizeof(buf)) &&
		    TTF_SizeUTF8(t, buf, &w, &h) == 0)
			total += w;
	}
	return total;
}

static bool add_line(struct lay *L, int s, int e)
{
	if (sayso_array_grow(&L->lines, &L->caplines, (size_t)L->nlines + 1,
			     sizeof *L->lines, INT_MAX) != SAYSO_OK)
		return false;
	while (e > s && is_space(L->cp[e - 1]))
		e--;
	L->lines[L->nlines++] = (struct line){.start = s, .end = e};
	return true;
}

/* Whether a line may end before code point i (not inside a cluster). */
static bool char_break_ok(const struct lay *L, int i)
{
	hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
	hb_unicode_general_category_t gc =
	    hb_unicode_general_category(uf, L->cp[i]);

	return gc != HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK &&
	       gc != HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK &&
	       gc != HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK &&
	       L->cp[i] != 0x200d && (i == 0 || L->cp[i - 1] != 0x200d);
}

/* Cuts a word [ws, we) too long for any line; returns where the rest
 * (still on the current line) starts. */
static int break_word(struct lay *L, int ws, int we, int wrap)
{
	int s = ws;

	for (int i = ws + 1; i < we; i++) {
		if (!char_break_ok(L, i) || measure(L, s, i + 1) <= wrap)
			continue;
		if (i > s && !add_line(L, s, i))
			return we;
		s = i;
	}
	return s;
}

/* Lines of paragraph [ps, pe) no wider than wrap (0: one line). */
static void wrap_para(struct lay *L, int ps, int pe, int wrap)
{
	int line_s = ps, line_w = 0, gap_w = 0, i = ps;
	bool content = false;

	if (wrap <= 0) {
		add_line(L, ps, pe);
		return;
	}
	while (i < pe) {
		int ws = i, we, se;
		while (i < pe && !is_space(L->cp[i]))
			i++;
		we = i;
		while (i < pe && is_space(L->cp[i]))
			i++;
		se = i;
		int word_w = measure(L, ws, we);
		if (content && line_w + gap_w + word_w > wrap) {
			add_line(L, line_s, ws);
			line_s = ws;
			line_w = 0;
			gap_w = 0;
			content = false;
		}
		if (word_w > wrap) {
			line_s = break_word(L, ws, we, wrap);
			word_w = measure(L, line_s, we);
		}
		line_w += gap_w + word_w;
		gap_w = se > we ? measure(L, we, se) : 0;
		content = content || we > ws;
	}
	add_line(L, line_s, pe);
}

static int ink_top(const SDL_Surface *s)
{
	for (int y = 0; y < s->h; y++) {
		const Uint32 *row =
		    (const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch);
		for (int x = 0; x < s->w; x++)
			if (row[x] >> 24)
				return y;
	}
	return -1;
}

static int ink_bottom(const SDL_Surface *s)
{
	for (int y = s->h - 1; y >= 0; y--) {
		const Uint32 *row =
		    (const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch);
		for (int x = 0; x < s->w; x++)
			if (row[x] >> 24)
				return y;
	}
	return -1;
}

static struct run *add_run(struct lay *L)
{
	if (sayso_array_grow(&L->runs, &L->capruns, (size_t)L->nruns + 1,
			     sizeof *L->runs, INT_MAX) != SAYSO_OK)
		return NULL;
	struct run *r = &L->runs[L->nruns++];
	memset(r, 0, sizeof(*r));
	return r;
}

/* Shapes and draws run r (white, blended) and notes its baseline. */
static void render_run(struct lay *L, struct run *r)
{
	const struct item *it = &L->items[r->item];
	char buf[RUN_TEXT_MAX];
	TTF_Font *t = item_font(L, it, r->rtl);
	SDL_Surface *s;

	if (!t || !sub_text(L, r->start, r->end, buf, sizeof(buf)) || !buf[0])
		return;
	s = TTF_RenderUTF8_Blended(t, buf, L->colour);
	if (!s) {
		sayso_log(SAYSO_LOG_WARN, "text render: %s", TTF_GetError());
		return;
	}
	r->s = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
	SDL_FreeSurface(s);
	if (!r->s)
		return;
	r->w = r->s->w;
	/* SDL_ttf puts the baseline at the font's ascent, lower by what
	 * rises above it (stacked marks) when the surface grew. */
	r->base = TTF_FontAscent(t);
	if (r->s->h > TTF_FontHeight(t) && ink_top(r->s) == 0)
		r->base += r->s->h - TTF_FontHeight(t);
}

/* Reorders line ln (FriBidi, per line after wrapping) into visual runs,
 * draws them and sets the line's width and ink extent. */
static void lay_line(struct lay *L, struct line *ln, int ps,
		     FriBidiParType base, int asc0, int desc0)
{
	int len = ln->end - ln->start;

	ln->run0 = L->nruns;
	ln->asc = asc0;
	ln->desc = desc0;
	if (len <= 0)
		return;
	if (!fribidi_reorder_line(0, L->type + ps, len, ln->start - ps, base,
				  L->level + ps, NULL, L->map + ps))
		return;
	struct run *r = NULL;
	int prev = -1;
	for (int v = ln->start; v < ln->end; v++) {
		int i = L->map[v];
		bool rtl = L->level[i] & 1;
		if (is_bidi_control(L->cp[i]))
			continue; /* levels are set; nothing to draw */
		if (r && L->item_of[i] == r->item && rtl == r->rtl &&
		    i == prev + (rtl ? -1 : 1)) {
			if (i < r->start)
				r->start = i;
			else
				r->end = i + 1;
		} else {
			r = add_run(L);
			if (!r)
				return;
			*r = (struct run){.start = i,
					  .end = i + 1,
					  .item = L->item_of[i],
					  .rtl = rtl};
		}
		prev = i;
	}
	for (int k = ln->run0; k < L->nruns; k++) {
		struct run *q = &L->runs[k];
		render_run(L, q);
		q->x = ln->w;
		ln->w += q->w;
		if (!q->s)
			continue;
		int top = ink_top(q->s), bot = ink_bottom(q->s);
		if (top >= 0 && q->base - top > ln->asc)
			ln->asc = q->base - top;
		if (bot >= 0 && bot + 1 - q->base > ln->desc)
			ln->desc = bot + 1 - q->base;
	}
	ln->nruns = L->nruns - ln->run0;
}

/* The line box of the language's text font (the first family): lines are
 * at least this tall, taller where the ink needs it. */
static void base_metrics(struct lay *L, int *asc, int *desc)
{
	TTF_Font *t = NULL;

	for (int k = 0; k < L->a->nchain && !t; k++)
		if (fam_has(L->a, k, 'x'))
			t = fam_font(L->a, k, L->f);
	*asc = t ? TTF_FontAscent(t) : font_px[L->f];
	*desc = t ? -TTF_FontDescent(t) : font_px[L->f] / 4;
}

/* Lays text out: items, lines (wrap > 0: no wider than it) and runs. */
static bool lay_out(struct lay *L, struct kiosk_assets *a, enum kiosk_font f,
		    const char *text, int wrap, SDL_Color c)
{
	int asc0, desc0;

	memset(L, 0, sizeof(*L));
	L->a = a;
	L->f = f;
	L->colour = c;
	if (!lay_decode(L, text))
		return false;
	base_metrics(L, &asc0, &desc0);
	L->asc0 = asc0;
	L->desc0 = desc0;
	fribidi_get_bidi_types(L->cp, L->n, L->type);
	fribidi_get_bracket_types(L->cp, L->n, L->type, L->bracket);
	for (int ps = 0; ps <= L->n;) {
		int pe = ps;
		while (pe < L->n && L->cp[pe] != '\n')
			pe++;
		FriBidiParType base =
		    a->rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
		int first = L->nlines;
		if (pe > ps && !fribidi_get_par_embedding_levels_ex(
				   L->type + ps, L->bracket + ps, pe - ps,
				   &base, L->level + ps))
			return false;
		itemize(L, ps, pe);
		wrap_para(L, ps, pe, wrap);
		for (int k = first; k < L->nlines; k++)
			lay_line(L, &L->lines[k], ps, base, asc0, desc0);
		ps = pe + 1;
	}
	return true;
}

/* The block: lines stacked, each at the start side (right in a
 * right-to-left language) or centred. *over: how far the first line's ink
 * rises above the text font's line box (Nastaliq's tall letters): the block
 * is drawn that much higher, so baselines line up with Latin text. */
static SDL_Surface *lay_compose(struct lay *L, bool centred, int *over)
{
	int W = 1, H = 0;

	for (int k = 0; k < L->nlines; k++) {
		if (L->lines[k].w > W)
			W = L->lines[k].w;
		H += L->lines[k].asc + L->lines[k].desc;
	}
	SDL_Surface *b = SDL_CreateRGBSurfaceWithFormat(
	    0, W, H > 0 ? H : 1, 32, SDL_PIXELFORMAT_ARGB8888);
	if (!b)
		return NULL;
	/* At most a quarter of the size: the rest moves the first
	 * baseline down instead of rising into what is above. */
	*over = L->nlines ? L->lines[0].asc - L->asc0 : 0;
	if (*over > kiosk_font_px(L->a, L->f) / 4)
		*over = kiosk_font_px(L->a, L->f) / 4;
	SDL_FillRect(
	    b, NULL,
	    SDL_MapRGBA(b->format, L->colour.r, L->colour.g, L->colour.b, 0));
	int y = 0;
	for (int k = 0; k < L->nlines; k++) {
		struct line *ln = &L->lines[k];
		int x0 = centred ? (W - ln->w) / 2 : L->a->rtl ? W - ln->w : 0;
		for (int j = ln->run0; j < ln->run0 + ln->nruns; j++) {
			struct run *q = &L->runs[j];
			if (!q->s)
				continue;
			SDL_Rect dst = {x0 + q->x, y + ln->asc - q->base, 0, 0};
			SDL_SetSurfaceBlendMode(q->s, SDL_BLENDMODE_BLEND);
			SDL_BlitSurface(q->s, NULL, b, &dst);
			q->x = x0 + q->x; /* now in the block, for runs() */
		}
		y += ln->asc + ln->desc;
	}
	return b;
}

/* kiosk_text_surface in colour c. */
static SDL_Surface *text_surface(struct kiosk_assets *a, enum kiosk_font f,
				 const char *text, int wrap, SDL_Color c,
				 struct kiosk_text_run *runs, int max,
				 int *nruns, int *over)
{
	struct lay L;
	SDL_Surface *b = NULL;
	int ov = 0;

	if (nruns)
		*nruns = 0;
	if (over)
		*over = 0;
	if (!a || !a->have_font || !text || !text[0])
		return NULL;
	if (lay_out(&L, a, f, text, wrap < 0 ? -wrap : wrap, c))
		b = lay_compose(&L, wrap < 0, &ov);
	if (over)
		*over = ov;
	if (L.missing) {
		bool seen = false;
		for (int i = 0; i < a->nlogged; i++)
			seen = seen || a->logged_missing[i] == L.first_missing;
		if (!seen && a->nlogged < 16) {
			a->logged_missing[a->nlogged++] = L.first_missing;
			sayso_log(SAYSO_LOG_WARN,
				  "language %s: no font has U+%04X (%d "
				  "characters of one text): install "
				  "fonts-noto-core or set [kiosk] fonts_%s",
				  a->lang, (unsigned)L.first_missing, L.missing,
				  a->lang);
		}
	}
	for (int k = 0; b && runs && k < L.nlines; k++) {
		const struct line *ln = &L.lines[k];
		for (int j = ln->run0; j < ln->run0 + ln->nruns; j++) {
			const struct run *q = &L.runs[j];
			const struct item *it = &L.items[q->item];
			if (*nruns >= max)
				break;
			struct kiosk_text_run *o = &runs[(*nruns)++];
			hb_tag_t ht = hb_script_to_iso15924_tag(it->script);
			memset(o, 0, sizeof(*o));
			o->line = k;
			o->x = q->x;
			o->w = q->w;
			o->off = (size_t)L.off[q->start];
			o->len = (size_t)(L.off[q->end] - L.off[q->start]);
			snprintf(o->script, sizeof(o->script), "%c%c%c%c",
				 (char)(ht >> 24), (char)(ht >> 16),
				 (char)(ht >> 8), (char)ht);
			o->rtl = q->rtl;
			const struct kiosk_family *fm = &a->chain[it->fam];
			int face = font_bold[f] && !a->faces[fm->bold].missing
				       ? fm->bold
				       : fm->regular;
			o->font = a->faces[face].path;
		}
	}
	lay_free(&L);
	return b;
}

SDL_Surface *kiosk_text_surface(struct kiosk_assets *a, enum kiosk_font f,
				const char *text, int wrap,
				struct kiosk_text_run *runs, int max,
				int *nruns, int *over)
{
	return text_surface(a, f, text, wrap, (SDL_Color){255, 255, 255, 255},
			    runs, max, nruns, over);
}

int kiosk_text_missing(struct kiosk_assets *a, const char *text,
		       uint32_t *first)
{
	struct lay L;
	int missing = -1;

	if (!a || !a->have_font || !text)
		return -1;
	memset(&L, 0, sizeof(L));
	L.a = a;
	if (lay_decode(&L, text)) {
		int fam = -1;
		for (int i = 0; i < L.n; i++)
			fam = pick_family(&L, i, fam, false);
		missing = L.missing;
		if (first)
			*first = L.first_missing;
	}
	lay_free(&L);
	return missing;
}

/* ---- the cache and drawing ---- */

static Uint32 colour_key(SDL_Color c)
{
	return ((Uint32)c.r << 24) | ((Uint32)c.g << 16) | ((Uint32)c.b << 8) |
	       c.a;
}

static size_t hash_text(const char *s, enum kiosk_font f, int wrap, Uint32 col)
{
	uint64_t h = sayso_hash(s, strlen(s));
	uint64_t extra = (uint64_t)f * 31u + (uint64_t)(int64_t)wrap * 7u + col;

	h = sayso_hash_add(h, &extra, sizeof extra);
	return (size_t)(h % KIOSK_CACHE_SLOTS);
}

/* The cached texture of text laid out at wrap in colour c, made on a miss;
 * NULL for empty text or when it cannot be drawn. Kept per colour: a
 * tinted copy (SDL_SetTextureColorMod) costs the software renderer several
 * times a plain blend. */
static struct kiosk_text_entry *cached(struct kiosk_assets *a,
				       enum kiosk_font f, const char *text,
				       int wrap, SDL_Color c)
{
	Uint32 ck = colour_key(c);
	size_t i = hash_text(text, f, wrap, ck);
	struct kiosk_text_entry *e = NULL;

	if (!a->have_font || !text[0] || strlen(text) > CACHE_TEXT_MAX)
		return NULL;
	for (size_t probe = 0; probe < KIOSK_CACHE_SLOTS; probe++) {
		e = &a->cache[(i + probe) % KIOSK_CACHE_SLOTS];
		if (!e->text)
			break;
		if (e->font == f && e->wrap == wrap && e->colour == ck &&
		    strcmp(e->text, text) == 0)
			return e->tex ? e : NULL;
	}
	if (a->ncached >= KIOSK_CACHE_SLOTS * 3 / 4 ||
	    a->cached_bytes > CACHE_BYTES_MAX)
		kiosk_assets_flush(a);
	for (size_t probe = 0; probe < KIOSK_CACHE_SLOTS; probe++) {
		e = &a->cache[(i + probe) % KIOSK_CACHE_SLOTS];
		if (!e->text)
			break;
	}
	if (!e || e->text)
		return NULL;
	e->text = strdup(text);
	if (!e->text)
		return NULL;
	e->font = f;
	e->wrap = wrap;
	e->colour = ck;
	a->ncached++;
	SDL_Surface *s =
	    text_surface(a, f, text, wrap, c, NULL, 0, NULL, &e->over);
	if (!s)
		return NULL;
	e->tex = SDL_CreateTextureFromSurface(a->ren, s);
	e->w = s->w;
	e->h = s->h - e->over;
	a->cached_bytes += (size_t)s->w * (size_t)s->h * 4;
	SDL_FreeSurface(s);
	if (e->tex)
		SDL_SetTextureBlendMode(e->tex, SDL_BLENDMODE_BLEND);
	return e->tex ? e : NULL;
}

/* Rough size of text when there is no font: used for placeholders. */
static void estimate(const struct kiosk_assets *a, enum kiosk_font f,
		     const char *text, int *w, int *h)
{
	size_t chars = sayso_utf8_count(text);
	int px = kiosk_font_px(a, f);

	*w = (int)chars * px * 55 / 100;
	*h = px * 5 / 4;
}

static void placeholder(struct kiosk_assets *a, SDL_Rect rc, SDL_Color c)
{
	if (rc.w <= 0)
		return;
	rc.y += rc.h / 6;
	rc.h = rc.h * 2 / 3;
	kiosk_frame(a->ren, rc, 2, c);
}

/* Copies e to the logical rect at (x, y), mirrored in a right-to-left
 * layout. */
static void blit(struct kiosk_assets *a, const struct kiosk_text_entry *e,
		 int x, int y)
{
	SDL_Rect dst =
	    kiosk_mirror((SDL_Rect){x, y - e->over, e->w, e->h + e->over});

	SDL_RenderCopy(a->ren, e->tex, NULL, &dst);
}

void kiosk_text_size(struct kiosk_assets *a, enum kiosk_font f,
		     const char *text, int *w, int *h)
{
	struct kiosk_text_entry *e = cached(a, f, text, 0, KC_TEXT);

	if (e) {
		*w = e->w;
		*h = e->h;
	} else if (!text[0]) {
		*w = 0;
		estimate(a, f, "", w, h);
	} else {
		estimate(a, f, text, w, h);
	}
}

int kiosk_text(struct kiosk_assets *a, enum kiosk_font f, const char *text,
	       int x, int y, SDL_Color c)
{
	struct kiosk_text_entry *e = cached(a, f, text, 0, c);

	if (!e) {
		int w, h;
		estimate(a, f, text, &w, &h);
		if (text[0])
			placeholder(a, (SDL_Rect){x, y, w, h}, c);
		return text[0] ? w : 0;
	}
	blit(a, e, x, y);
	return e->w;
}

int kiosk_text_wrapped(struct kiosk_assets *a, enum kiosk_font f,
		       const char *text, int x, int y, int w, SDL_Color c)
{
	struct kiosk_text_entry *e = cached(a, f, text, w > 0 ? w : 1, c);

	if (!e) {
		int tw, th;
		estimate(a, f, text, &tw, &th);
		int lines = tw / (w > 0 ? w : 1) + 1;
		if (text[0])
			placeholder(
			    a, (SDL_Rect){x, y, tw < w ? tw : w, th * lines},
			    c);
		return text[0] ? th * lines : 0;
	}
	/* The block's start edge is at x: its right edge at the mirrored
	 * x in a right-to-left layout. */
	blit(a, e, x, y);
	return e->h;
}

void kiosk_text_wrapped_size(struct kiosk_assets *a, enum kiosk_font f,
			     const char *text, int w, int *tw, int *th)
{
	/* In the notice colour: what it is measured for (messages). */
	struct kiosk_text_entry *e =
	    cached(a, f, text, w > 0 ? w : 1, KC_ERROR);

	if (e) {
		*tw = e->w;
		*th = e->h;
		return;
	}
	estimate(a, f, text, tw, th);
	int lines = *tw / (w > 0 ? w : 1) + 1;
	if (*tw > w)
		*tw = w;
	*th *= lines;
}

void kiosk_text_centred(struct kiosk_assets *a, enum kiosk_font f,
			const char *text, SDL_Rect rc, SDL_Color c)
{
	struct kiosk_text_entry *e = cached(a, f, text, 0, c);

	if (e && e->w > rc.w - 16 && rc.w > 40) {
		/* Too long for one line: wrap inside the rect, centred. */
		struct kiosk_text_entry *wr =
		    cached(a, f, text, -(rc.w - 24), c);
		if (wr)
			e = wr;
	}
	if (!e) {
		int w, h;
		kiosk_text_size(a, f, text, &w, &h);
		kiosk_text(a, f, text, rc.x + (rc.w - w) / 2,
			   rc.y + (rc.h - h) / 2, c);
		return;
	}
	/* All the ink centred, tall letters included. */
	blit(a, e, rc.x + (rc.w - e->w) / 2,
	     rc.y + (rc.h - e->h - e->over) / 2 + e->over);
}

/*
 * assets.c: fonts, the text-texture cache, the QR code and the drawn faces.
 *
 * Text is rendered once with SDL2_ttf (HarfBuzz-shaped, blended) and kept as
 * a texture keyed by (text, font, colour); the cache is flushed on language
 * change and on every session wipe, because textures keep what a resident
 * typed. Fonts are looked up without fontconfig: the configured path, then
 * DejaVu Sans where Debian (fonts-dejavu-core) and others put it. When no
 * font opens, text is drawn as outlined placeholder boxes and logged once:
 * the kiosk never stops in front of a resident over a missing file.
 */
#include "kiosk.h"

#include <limits.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/log.h"
#include "sayso/hash.h"
#include "sayso/utf8.h"
#include "sayso/qr.h"

#define CACHE_SLOTS 512
#define CACHE_TEXT_MAX 600
#define CACHE_BYTES_MAX (12u * 1024 * 1024) /* texture pixels kept */

struct cache_entry {
	char *text;
	enum kiosk_font font;
	Uint32 colour;
	int wrap;
	SDL_Texture *tex;
	int w, h;
};

struct kiosk_assets {
	SDL_Renderer *ren;
	TTF_Font *font[KF_COUNT];
	bool have_font;
	bool large;
	struct cache_entry cache[CACHE_SLOTS];
	size_t ncached;
	size_t cached_bytes;
	char qr_url[SAYSO_URL_MAX];
	SDL_Texture *qr_tex;
	bool qr_failed;
};

static const int font_px[KF_COUNT] = {32, 28, 40, 60, 88};
/* Large text (a visit's "Aa"): body and the smallest text >= 41 px, so a
 * capital H subtends >= 0.7 degrees at 60 cm on a 21.5" 1080p panel. */
static const int large_px[KF_COUNT] = {44, 42, 46, 62, 88};
static const bool font_bold[KF_COUNT] = {false, false, true, true, true};

static const char *const regular_paths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    NULL,
};
static const char *const bold_paths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/local/share/fonts/DejaVuSans-Bold.ttf",
    NULL,
};

/* kiosk_embed.c, generated at build time (kiosk/embed/bin2c.c). */
extern const unsigned char kiosk_embed_font[], kiosk_embed_font_bold[];
extern const size_t kiosk_embed_font_len, kiosk_embed_font_bold_len;

/* DejaVu Sans built into the program: the font when none is installed. */
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

static TTF_Font *open_first(const char *configured, const char *const *paths,
			    int px)
{
	TTF_Font *f;

	if (configured && configured[0]) {
		f = TTF_OpenFont(configured, px);
		if (f)
			return f;
	}
	for (size_t i = 0; paths[i]; i++) {
		f = TTF_OpenFont(paths[i], px);
		if (f)
			return f;
	}
	return NULL;
}

struct kiosk_assets *kiosk_assets_new(SDL_Renderer *r, const char *font_path)
{
	struct kiosk_assets *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->ren = r;
	if (!TTF_WasInit() && TTF_Init() != 0) {
		sayso_log(SAYSO_LOG_ERROR, "SDL_ttf: %s", TTF_GetError());
		return a;
	}
	a->have_font = true;
	if (font_path && font_path[0]) {
		TTF_Font *probe = TTF_OpenFont(font_path, font_px[KF_BODY]);
		if (!probe) {
			sayso_log(SAYSO_LOG_WARN,
				  "font %s: %s; using DejaVu Sans", font_path,
				  TTF_GetError());
			font_path = NULL;
		} else {
			TTF_CloseFont(probe);
		}
	}
	for (int i = 0; i < KF_COUNT; i++) {
		/* A configured font is used for every style; otherwise
		 * DejaVu Sans and DejaVu Sans Bold. */
		a->font[i] =
		    open_first(font_path,
			       font_bold[i] && !(font_path && font_path[0])
				   ? bold_paths
				   : regular_paths,
			       font_px[i]);
		if (!a->font[i] && font_bold[i])
			a->font[i] =
			    open_first(font_path, regular_paths, font_px[i]);
		if (!a->font[i]) {
			a->font[i] = open_builtin(font_bold[i], font_px[i]);
			if (a->font[i] && i == 0)
				sayso_log(SAYSO_LOG_WARN,
					  "no font file found: using the "
					  "DejaVu Sans built into the kiosk");
		}
		if (!a->font[i]) {
			a->have_font = false;
			sayso_log(SAYSO_LOG_ERROR,
				  "no usable font (tried %s and DejaVu Sans): "
				  "drawing text placeholders",
				  font_path && font_path[0]
				      ? font_path
				      : "no configured font");
			break;
		}
		TTF_SetFontHinting(a->font[i], TTF_HINTING_LIGHT);
	}
	return a;
}

void kiosk_assets_flush(struct kiosk_assets *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct cache_entry *e = &a->cache[i];
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
	for (int i = 0; i < KF_COUNT; i++)
		if (a->font[i])
			TTF_CloseFont(a->font[i]);
	free(a);
}

void kiosk_assets_set_large(struct kiosk_assets *a, bool large)
{
	if (!a || a->large == large)
		return;
	a->large = large;
	kiosk_assets_flush(a);
	for (int i = 0; a->have_font && i < KF_COUNT; i++)
		if (a->font[i] &&
		    TTF_SetFontSize(a->font[i],
				    large ? large_px[i] : font_px[i]) != 0)
			sayso_log(SAYSO_LOG_WARN, "font size: %s",
				  TTF_GetError());
}

int kiosk_font_px(const struct kiosk_assets *a, enum kiosk_font f)
{
	return a && a->large ? large_px[f] : font_px[f];
}

bool kiosk_assets_have_font(const struct kiosk_assets *a)
{
	return a && a->have_font;
}

static Uint32 colour_key(SDL_Color c)
{
	return ((Uint32)c.r << 24) | ((Uint32)c.g << 16) | ((Uint32)c.b << 8) |
	       c.a;
}

static size_t hash_text(const char *s, enum kiosk_font f, Uint32 col, int wrap)
{
	uint64_t h = sayso_hash(s, strlen(s));
	uint64_t extra = (uint64_t)f * 31u + col + (uint64_t)wrap * 7u;

	h = sayso_hash_add(h, &extra, sizeof extra);
	return (size_t)(h % CACHE_SLOTS);
}

/* The cached texture for text, rendering it on a miss. NULL for empty text
 * or when rendering failed. */
static struct cache_entry *cached(struct kiosk_assets *a, enum kiosk_font f,
				  const char *text, SDL_Color c, int wrap)
{
	Uint32 ck = colour_key(c);
	size_t i = hash_text(text, f, ck, wrap);
	SDL_Surface *surf;

	if (!a->have_font || !text[0] || strlen(text) > CACHE_TEXT_MAX)
		return NULL;
	for (size_t probe = 0; probe < CACHE_SLOTS; probe++) {
		struct cache_entry *e = &a->cache[(i + probe) % CACHE_SLOTS];
		if (!e->text)
			break;
		if (e->font == f && e->colour == ck && e->wrap == wrap &&
		    strcmp(e->text, text) == 0)
			return e->tex ? e : NULL;
	}
	if (a->ncached >= CACHE_SLOTS * 3 / 4 ||
	    a->cached_bytes > CACHE_BYTES_MAX)
		kiosk_assets_flush(a);
	struct cache_entry *e = NULL;
	for (size_t probe = 0; probe < CACHE_SLOTS; probe++) {
		e = &a->cache[(i + probe) % CACHE_SLOTS];
		if (!e->text)
			break;
	}
	if (!e || e->text)
		return NULL;
	if (wrap < 0) {
		/* Negative width: wrapped and centred line by line. */
		TTF_SetFontWrappedAlign(a->font[f], TTF_WRAPPED_ALIGN_CENTER);
		surf = TTF_RenderUTF8_Blended_Wrapped(a->font[f], text, c,
						      (Uint32)-wrap);
		TTF_SetFontWrappedAlign(a->font[f], TTF_WRAPPED_ALIGN_LEFT);
	} else if (wrap > 0)
		surf = TTF_RenderUTF8_Blended_Wrapped(a->font[f], text, c,
						      (Uint32)wrap);
	else
		surf = TTF_RenderUTF8_Blended(a->font[f], text, c);
	e->text = strdup(text);
	if (!e->text) {
		SDL_FreeSurface(surf);
		return NULL;
	}
	e->font = f;
	e->colour = ck;
	e->wrap = wrap;
	a->ncached++;
	if (!surf) {
		sayso_log(SAYSO_LOG_WARN, "text render: %s", TTF_GetError());
		return NULL;
	}
	e->tex = SDL_CreateTextureFromSurface(a->ren, surf);
	e->w = surf->w;
	e->h = surf->h;
	a->cached_bytes += (size_t)surf->w * (size_t)surf->h * 4;
	SDL_FreeSurface(surf);
	return e->tex ? e : NULL;
}

/* Rough size of text when there is no font: used for placeholders. */
static void estimate(struct kiosk_assets *a, enum kiosk_font f,
		     const char *text, int *w, int *h)
{
	size_t chars = sayso_utf8_count(text);

	*w = (int)chars * kiosk_font_px(a, f) * 55 / 100;
	*h = kiosk_font_px(a, f) * 5 / 4;
}

void kiosk_text_size(struct kiosk_assets *a, enum kiosk_font f,
		     const char *text, int *w, int *h)
{
	if (!a->have_font || TTF_SizeUTF8(a->font[f], text, w, h) != 0)
		estimate(a, f, text, w, h);
}

static void placeholder(struct kiosk_assets *a, SDL_Rect rc, SDL_Color c)
{
	if (rc.w <= 0)
		return;
	rc.y += rc.h / 6;
	rc.h = rc.h * 2 / 3;
	kiosk_frame(a->ren, rc, 2, c);
}

int kiosk_text(struct kiosk_assets *a, enum kiosk_font f, const char *text,
	       int x, int y, SDL_Color c)
{
	struct cache_entry *e = cached(a, f, text, c, 0);

	if (!e) {
		int w, h;
		estimate(a, f, text, &w, &h);
		if (text[0])
			placeholder(a, (SDL_Rect){x, y, w, h}, c);
		return text[0] ? w : 0;
	}
	SDL_Rect dst = {x, y, e->w, e->h};
	SDL_RenderCopy(a->ren, e->tex, NULL, &dst);
	return e->w;
}

int kiosk_text_wrapped(struct kiosk_assets *a, enum kiosk_font f,
		       const char *text, int x, int y, int w, SDL_Color c)
{
	struct cache_entry *e = cached(a, f, text, c, w);

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
	SDL_Rect dst = {x, y, e->w, e->h};
	SDL_RenderCopy(a->ren, e->tex, NULL, &dst);
	return e->h;
}

void kiosk_text_wrapped_size(struct kiosk_assets *a, enum kiosk_font f,
			     const char *text, int w, int *tw, int *th)
{
	struct cache_entry *e = cached(a, f, text, KC_ERROR, w);

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
	int w, h;

	kiosk_text_size(a, f, text, &w, &h);
	if (w > rc.w - 16) {
		/* Too long for one line: wrap inside the rect. */
		struct cache_entry *e = cached(a, f, text, c, -(rc.w - 24));
		if (e) {
			SDL_Rect dst = {rc.x + (rc.w - e->w) / 2,
					rc.y + (rc.h - e->h) / 2, e->w, e->h};
			SDL_RenderCopy(a->ren, e->tex, NULL, &dst);
			return;
		}
	}
	kiosk_text(a, f, text, rc.x + (rc.w - w) / 2, rc.y + (rc.h - h) / 2, c);
}

void kiosk_draw_qr(struct kiosk_assets *a, const char *url, SDL_Rect rc)
{
	if (!url || !url[0])
		return;
	if (strcmp(a->qr_url, url) != 0) {
		if (a->qr_tex)
			SDL_DestroyTexture(a->qr_tex);
		a->qr_tex = NULL;
		a->qr_failed = false;
		snprintf(a->qr_url, sizeof(a->qr_url), "%s", url);
		struct sayso_qr qr = {0};
		enum sayso_err err = sayso_qr_encode(url, &qr);
		if (err != SAYSO_OK) {
			sayso_log(SAYSO_LOG_WARN, "QR code for %s: %s", url,
				  sayso_strerror(err));
			a->qr_failed = true;
		} else {
			int side = qr.width + 2 * SAYSO_QR_QUIET;
			SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(
			    0, side, side, 32, SDL_PIXELFORMAT_RGBA32);
			if (s) {
				for (int y = 0; y < side; y++) {
					Uint32 *row =
					    (Uint32 *)((Uint8 *)s->pixels +
						       y * s->pitch);
					for (int x = 0; x < side; x++) {
						int dark = sayso_qr_dark(
						    &qr, x - SAYSO_QR_QUIET,
						    y - SAYSO_QR_QUIET);
						row[x] = SDL_MapRGBA(
						    s->format, dark ? 0 : 255,
						    dark ? 0 : 255,
						    dark ? 0 : 255, 255);
					}
				}
				a->qr_tex =
				    SDL_CreateTextureFromSurface(a->ren, s);
				if (a->qr_tex)
					SDL_SetTextureScaleMode(
					    a->qr_tex, SDL_ScaleModeNearest);
				SDL_FreeSurface(s);
			}
			sayso_qr_cleanup(&qr);
			if (!a->qr_tex)
				a->qr_failed = true;
		}
	}
	if (a->qr_tex) {
		SDL_RenderCopy(a->ren, a->qr_tex, NULL, &rc);
		return;
	}
	/* Placeholder: a framed box saying where the results are. */
	kiosk_fill(a->ren, rc, KC_BG);
	kiosk_frame(a->ren, rc, 4, KC_TEXT);
	kiosk_text_centred(a, KF_SMALL, "QR", rc, KC_TEXT);
}

void kiosk_fill_circle(SDL_Renderer *r, int cx, int cy, int rad)
{
	for (int dy = -rad; dy <= rad; dy++) {
		int dx = (int)sqrt((double)(rad * rad - dy * dy));
		SDL_RenderDrawLine(r, cx - dx, cy + dy, cx + dx, cy + dy);
	}
}

/*
 * A face: a coloured disc with two eyes and a mouth whose curve goes from a
 * deep frown (1) to a wide smile (5). Colour is never the only cue: the
 * mouth shape and the word under the face say the same thing.
 */
void kiosk_draw_face(SDL_Renderer *r, int score, SDL_Rect rc)
{
	static const SDL_Color col[5] = {
	    {0xd4, 0x35, 0x1c, 255}, /* red */
	    {0xf4, 0x77, 0x38, 255}, /* orange */
	    {0xf2, 0xc9, 0x4c, 255}, /* amber */
	    {0x85, 0xc4, 0x4c, 255}, /* light green */
	    {0x00, 0x84, 0x3c, 255}, /* green */
	};
	int rad = (rc.w < rc.h ? rc.w : rc.h) / 2 - 4;
	int cx = rc.x + rc.w / 2, cy = rc.y + rc.h / 2;
	SDL_Color c;

	if (score < 1 || score > 5)
		score = 3;
	c = col[score - 1];
	SDL_SetRenderDrawColor(r, 0x1a, 0x1a, 0x1a, 255);
	kiosk_fill_circle(r, cx, cy, rad);
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, 255);
	kiosk_fill_circle(r, cx, cy, rad - 5);
	SDL_SetRenderDrawColor(r, 0x1a, 0x1a, 0x1a, 255);
	kiosk_fill_circle(r, cx - rad * 35 / 100, cy - rad * 25 / 100, rad / 9);
	kiosk_fill_circle(r, cx + rad * 35 / 100, cy - rad * 25 / 100, rad / 9);
	/* Mouth: a parabola y = k * x^2, k from -1 (frown) to +1 (smile). */
	double k = (score - 3) / 2.0;
	int half = rad * 45 / 100;
	int my = cy + rad * 35 / 100;
	int thick = rad / 14 + 2;
	for (int x = -half; x <= half; x++) {
		double t = (double)x / half;
		int y = my + (int)(k * (1.0 - t * t) * rad * 0.25) -
			(int)(k * rad * 0.08);
		if (score == 3)
			y = my;
		for (int d = -thick / 2; d <= thick / 2; d++)
			SDL_RenderDrawPoint(r, cx + x, y + d);
	}
}

/*
 * assets.c: the QR code and the drawn faces. Fonts and text are in text.c,
 * which shares struct kiosk_assets (assets_internal.h). Both draw through
 * kiosk_mirror(): rectangles are logical, mirrored in a right-to-left
 * language; the QR code's modules and a face are never flipped.
 */
#include "assets_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/log.h"
#include "sayso/qr.h"

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
		SDL_Rect dst = kiosk_mirror(rc);
		SDL_RenderCopy(a->ren, a->qr_tex, NULL, &dst);
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
	rc = kiosk_mirror(rc);
	cx = rc.x + rc.w / 2;
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

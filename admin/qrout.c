/*
 * qrout.c: QR codes as PNG (SDL2_image), SVG and ANSI half blocks.
 *
 * Every renderer adds the 4-module quiet zone the QR standard asks for
 * (SAYSO_QR_QUIET); the modules come from sayso_qr_encode(). The PNG is
 * sized to about 1200 px across: 10 cm at 300 dpi, big enough for a poster
 * and still crisp when scaled down, with whole pixels per module so a
 * scanner never sees a blurred edge.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <SDL.h>
#include <SDL_image.h>
#include "html.h"

#define PNG_TARGET_PX 1200

int admin_qr_scale(const struct sayso_qr *qr)
{
	int total = qr->width + 2 * SAYSO_QR_QUIET;
	int scale = (PNG_TARGET_PX + total - 1) / total;

	return scale < 4 ? 4 : scale;
}

bool admin_qr_png(const struct sayso_qr *qr, int scale, const char *path,
		  char *err, size_t errsz)
{
	int total = qr->width + 2 * SAYSO_QR_QUIET;
	int side = total * scale;
	SDL_Surface *s;
	Uint32 dark, light;
	SDL_Rect r;
	char tmp[1100];
	int x, y, n;
	bool ok = false;

	if (scale < 1 || side > 16384) {
		snprintf(err, errsz, "QR image of %d px is too large", side);
		return false;
	}
	n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp) {
		snprintf(err, errsz, "%s: path too long", path);
		return false;
	}
	s = SDL_CreateRGBSurfaceWithFormat(0, side, side, 24,
					   SDL_PIXELFORMAT_RGB24);
	if (s == NULL) {
		snprintf(err, errsz, "cannot make the QR image: %s",
			 SDL_GetError());
		return false;
	}
	dark = SDL_MapRGB(s->format, 0, 0, 0);
	light = SDL_MapRGB(s->format, 255, 255, 255);
	SDL_FillRect(s, NULL, light);
	r.w = scale;
	r.h = scale;
	for (y = 0; y < qr->width; y++) {
		for (x = 0; x < qr->width; x++) {
			if (!sayso_qr_dark(qr, x, y))
				continue;
			r.x = (x + SAYSO_QR_QUIET) * scale;
			r.y = (y + SAYSO_QR_QUIET) * scale;
			SDL_FillRect(s, &r, dark);
		}
	}
	if (IMG_SavePNG(s, tmp) != 0) {
		snprintf(err, errsz, "%s: cannot write PNG: %s", path,
			 IMG_GetError());
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	ok = true;
out:
	SDL_FreeSurface(s);
	return ok;
}

void admin_qr_svg(FILE *f, const struct sayso_qr *qr, const char *title,
		  bool standalone)
{
	int total = qr->width + 2 * SAYSO_QR_QUIET;
	int x, y;

	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(
	    f,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
	    " width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\"",
	    total, total, total * 8, total * 8);
	if (title != NULL) {
		fputs(" role=\"img\" aria-label=\"", f);
		html_esc(f, title);
		fputs("\"><title>", f);
		html_esc(f, title);
		fputs("</title>", f);
	} else {
		fputs(">", f);
	}
	fprintf(f,
		"<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		"<path fill=\"#000\" d=\"",
		total, total);
	for (y = 0; y < qr->width; y++) {
		x = 0;
		while (x < qr->width) {
			int run;

			if (!sayso_qr_dark(qr, x, y)) {
				x++;
				continue;
			}
			for (run = 1; sayso_qr_dark(qr, x + run, y); run++)
				;
			fprintf(f, "M%d %dh%dv1h-%dz", x + SAYSO_QR_QUIET,
				y + SAYSO_QR_QUIET, run, run);
			x += run;
		}
	}
	fputs("\"/></svg>\n", f);
}

void admin_qr_ansi(FILE *f, const struct sayso_qr *qr)
{
	int lo = -SAYSO_QR_QUIET, hi = qr->width + SAYSO_QR_QUIET;
	int x, y;

	/* Foreground black (30), background bright white (107): the code
	 * reads dark-on-light on dark and light terminals alike. */
	for (y = lo; y < hi; y += 2) {
		fputs("\033[30;107m", f);
		for (x = lo; x < hi; x++) {
			int top = sayso_qr_dark(qr, x, y);
			int bot = y + 1 < hi ? sayso_qr_dark(qr, x, y + 1) : 0;

			if (top && bot)
				fputs("\xe2\x96\x88", f); /* full block */
			else if (top)
				fputs("\xe2\x96\x80", f); /* upper half */
			else if (bot)
				fputs("\xe2\x96\x84", f); /* lower half */
			else
				fputc(' ', f);
		}
		fputs("\033[0m\n", f);
	}
}

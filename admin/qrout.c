/*
 * qrout.c: QR codes as PNG (libpng), SVG and ANSI half blocks.
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
#include <png.h>
#include <stdlib.h>
#include "html.h"
#include "sayso/file.h"
#include "sayso/limits.h"

#define PNG_TARGET_PX 1200

int admin_qr_scale(const struct sayso_qr *qr)
{
	int total = qr->width + 2 * SAYSO_QR_QUIET;
	int scale = (PNG_TARGET_PX + total - 1) / total;

	return scale < 4 ? 4 : scale;
}

/* libpng reports errors by longjmp; the handler keeps the message. */
struct png_fail {
	char *err;
	size_t errsz;
	const char *path;
};

static void png_error_fn(png_structp png, png_const_charp msg)
{
	struct png_fail *pf = png_get_error_ptr(png);

	snprintf(pf->err, pf->errsz, "%s: cannot write PNG: %s", pf->path, msg);
	png_longjmp(png, 1);
}

static void png_warning_fn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Writes the rows of the code (RGB, 8 bits a channel) to f. */
static bool png_write(FILE *f, const struct sayso_qr *qr, int scale,
		      unsigned char *row, struct png_fail *pf)
{
	int total = qr->width + 2 * SAYSO_QR_QUIET;
	int side = total * scale;
	png_structp png;
	png_infop info = NULL;
	volatile bool ok = false;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, pf, png_error_fn,
				      png_warning_fn);
	if (!png) {
		snprintf(pf->err, pf->errsz, "cannot make the QR image");
		return false;
	}
	info = png_create_info_struct(png);
	if (!info) {
		snprintf(pf->err, pf->errsz, "cannot make the QR image");
		goto out;
	}
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 8,
		     PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < side; y++) {
		int my = y / scale - SAYSO_QR_QUIET;

		for (int x = 0; x < side; x++) {
			int mx = x / scale - SAYSO_QR_QUIET;
			unsigned char v = sayso_qr_dark(qr, mx, my) ? 0 : 255;

			row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = v;
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	ok = true;
out:
	png_destroy_write_struct(&png, &info);
	return ok;
}

bool admin_qr_png(const struct sayso_qr *qr, int scale, const char *path,
		  char *err, size_t errsz)
{
	int total = qr->width + 2 * SAYSO_QR_QUIET;
	int side = total * scale;
	struct png_fail pf = {err, errsz, path};
	unsigned char *row = NULL;
	char tmp[SAYSO_PATH_MAX + 32];
	FILE *f = NULL;
	int sys_err = 0;
	bool ok = false;

	if (scale < 1 || side > 16384) {
		snprintf(err, errsz, "QR image of %d px is too large", side);
		return false;
	}
	row = malloc((size_t)side * 3);
	if (!row) {
		snprintf(err, errsz, "cannot make the QR image: out of memory");
		return false;
	}
	enum sayso_err e =
	    sayso_atomic_open(path, tmp, sizeof tmp, &f, &sys_err);
	if (e != SAYSO_OK) {
		snprintf(err, errsz, "%s: cannot write PNG: %s", path,
			 e == SAYSO_ERR_TOOBIG ? "path too long"
					       : strerror(sys_err));
		goto out;
	}
	/* png_write records its own message in err when it fails. */
	bool written = png_write(f, qr, scale, row, &pf);
	if (sayso_atomic_finish(f, tmp, path, written, &sys_err) != SAYSO_OK) {
		if (written)
			snprintf(err, errsz, "%s: cannot write PNG: %s", path,
				 strerror(sys_err));
		goto out;
	}
	ok = true;
out:
	free(row);
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
	if (title) {
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
			bool top = sayso_qr_dark(qr, x, y);
			bool bot = y + 1 < hi && sayso_qr_dark(qr, x, y + 1);

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

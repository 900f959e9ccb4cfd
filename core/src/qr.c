/*
 * qr.c: QR codes for the results link, through libqrencode.
 *
 * Error correction M (15% of the symbol may be damaged: a sticker on a
 * poster that gets scuffed still scans) and 8-bit mode, so a URL with
 * lower-case letters is encoded byte for byte. The module matrix is copied
 * out of libqrencode's struct into one byte per module (1 = dark), so the
 * renderers (admin PNG/SVG/ANSI, kiosk SDL) need no libqrencode header.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <qrencode.h>
#include "sayso/qr.h"

#define QR_TEXT_MAX 1024

enum sayso_err sayso_qr_encode(const char *text, struct sayso_qr *out)
{
	QRcode *code;
	size_t len, n, i;

	if (!out)
		return SAYSO_ERR_INVAL;
	out->width = 0;
	out->modules = NULL;
	if (!text || text[0] == '\0')
		return SAYSO_ERR_INVAL;
	len = strnlen(text, QR_TEXT_MAX + 1);
	if (len > QR_TEXT_MAX)
		return SAYSO_ERR_TOOBIG;

	errno = 0;
	code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!code) {
		if (errno == ENOMEM)
			return SAYSO_ERR_NOMEM;
		if (errno == ERANGE)
			return SAYSO_ERR_TOOBIG;
		return SAYSO_ERR_INVAL;
	}
	n = (size_t)code->width * (size_t)code->width;
	out->modules = malloc(n);
	if (!out->modules) {
		QRcode_free(code);
		return SAYSO_ERR_NOMEM;
	}
	/* libqrencode: bit 0 of each byte is the module colour (1 = black). */
	for (i = 0; i < n; i++)
		out->modules[i] = (unsigned char)(code->data[i] & 1);
	out->width = code->width;
	QRcode_free(code);
	return SAYSO_OK;
}

void sayso_qr_cleanup(struct sayso_qr *qr)
{
	if (!qr)
		return;
	free(qr->modules);
	qr->modules = NULL;
	qr->width = 0;
}

bool sayso_qr_dark(const struct sayso_qr *qr, int x, int y)
{
	if (!qr || !qr->modules)
		return false;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return qr->modules[(size_t)y * (size_t)qr->width + (size_t)x] != 0;
}

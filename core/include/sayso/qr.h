/*
 * qr.h: QR codes for the results link (libqrencode), in the saysoqr library
 * so that libsaysocore itself links only sqlite3, libcrypto and inih.
 *
 * Error correction M, 8-bit mode; the quiet zone (4 modules) is left to the
 * renderers, which add it.
 */
#ifndef SAYSO_QR_H
#define SAYSO_QR_H

#include <stdbool.h>
#include <stddef.h>
#include "sayso/err.h"

#define SAYSO_QR_QUIET 4

struct sayso_qr {
	int width;		/* modules per side, without the quiet zone */
	unsigned char *modules; /* width*width bytes, row-major, 1 = dark */
};

/* Encodes text (<= 1024 bytes). out->modules is malloc'd: release with
 * sayso_qr_cleanup(). SAYSO_ERR_TOOBIG, SAYSO_ERR_INVAL, SAYSO_ERR_NOMEM. */
enum sayso_err sayso_qr_encode(const char *text, struct sayso_qr *out);

/* Frees modules; NULL or an empty struct is a no-op. */
void sayso_qr_cleanup(struct sayso_qr *qr);

/* Whether module (x, y) is dark; coordinates outside (the quiet zone) are
 * light. */
bool sayso_qr_dark(const struct sayso_qr *qr, int x, int y);

#endif

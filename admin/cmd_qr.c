/*
 * cmd_qr.c: `sayso-admin qr URL [--png FILE | --svg FILE | --ansi]`.
 *
 * A QR code for any link (the results page, a survey) to print on posters
 * and flyers. Error correction M with the 4-module quiet zone; with no
 * output option the code is drawn in the terminal.
 */
#include <string.h>
#include "html.h"

int admin_cmd_qr(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *png = NULL, *svg = NULL;
	bool ansi = false;
	const struct admin_opt opts[] = {
	    {"png", &png, NULL},
	    {"svg", &svg, NULL},
	    {"ansi", NULL, &ansi},
	    {NULL, NULL, NULL},
	};
	char *pos[1];
	int npos = 0, rc;
	struct sayso_qr qr = {0};
	enum sayso_err e;

	rc = admin_args(ctx, "qr", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != 0)
		return rc;
	if ((png != NULL) + (svg != NULL) + ansi > 1) {
		fprintf(ctx->err, "sayso-admin qr: choose one of --png, --svg "
				  "and --ansi\n");
		return ADMIN_EXIT_USAGE;
	}
	e = sayso_qr_encode(pos[0], &qr);
	if (e == SAYSO_ERR_TOOBIG)
		return admin_fail(ctx, "qr: the text is too long for a QR "
				       "code (at most 1024 bytes)");
	if (e != SAYSO_OK)
		return admin_fail(ctx, "qr: cannot encode '%s': %s", pos[0],
				  sayso_strerror(e));
	if (png) {
		char err[1400];

		if (!admin_qr_png(&qr, admin_qr_scale(&qr), png, err,
				  sizeof err))
			rc = admin_fail(ctx, "qr: %s", err);
	} else if (svg) {
		char tmp[1100];
		FILE *f = admin_file_begin(ctx, svg, tmp, sizeof tmp);

		if (!f) {
			rc = ADMIN_EXIT_ERROR;
		} else {
			admin_qr_svg(f, &qr, pos[0], true);
			rc = admin_file_finish(ctx, f, tmp, svg, true);
		}
	} else {
		admin_qr_ansi(ctx->out, &qr);
		fprintf(ctx->out, "%s\n", pos[0]);
	}
	sayso_qr_cleanup(&qr);
	return rc;
}

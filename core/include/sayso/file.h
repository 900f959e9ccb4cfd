/*
 * file.h: the one atomic file write of sayso.
 *
 * A file a resident's data or an operator's work goes into (code sheets,
 * exports, QR images, spool files) is written to a temporary file in the same
 * folder, flushed and fsync'd, renamed over its final name, and the folder is
 * fsync'd: a reader sees the old file or the whole new one, never half, even
 * after a power cut. Nothing here prints; errno detail comes back in *sys_err.
 */
#ifndef SAYSO_FILE_H
#define SAYSO_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "sayso/err.h"

/*
 * Creates the temporary file "<path>.tmp-XXXXXX" (mode 0600) beside path and
 * opens it for writing into *out; its name goes into tmp (tmpsz bytes).
 * SAYSO_ERR_TOOBIG when the name does not fit, SAYSO_ERR_IO otherwise (errno
 * in *sys_err, which may be NULL). Every successful open needs exactly one
 * sayso_atomic_finish.
 */
enum sayso_err sayso_atomic_open(const char *path, char *tmp, size_t tmpsz,
				 FILE **out, int *sys_err);

/*
 * ok: flushes, fsyncs and closes f, renames tmp over path and fsyncs the
 * folder. !ok, or any failure: closes f and removes tmp, leaving path as it
 * was. Returns SAYSO_OK only when path now holds everything written;
 * SAYSO_ERR_IO with errno in *sys_err (may be NULL; 0 when !ok was asked).
 */
enum sayso_err sayso_atomic_finish(FILE *f, const char *tmp, const char *path,
				   bool ok, int *sys_err);

/* fsyncs the folder that holds path (its directory part; "." when none), so
 * a rename or a new name in it is durable. SAYSO_ERR_IO on failure. */
enum sayso_err sayso_fsync_parent(const char *path);

/* fsyncs the folder dir itself. SAYSO_ERR_IO on failure. */
enum sayso_err sayso_fsync_dir(const char *dir);

/*
 * Writes one field of a delimited file (CSV with sep ',', pabulib .pb with
 * ';') to out: as it is, or between double quotes with every quote doubled
 * when it holds sep, a quote or a line break (RFC 4180). s NULL writes an
 * empty field. Errors show on the stream (ferror), as for fputs.
 */
void sayso_delim_field(FILE *out, const char *s, char sep);

/* Options of sayso_delim_write(). */
enum {
	/* A cell a spreadsheet would run as a formula (starting with =, +,
	 * -, @, a tab or a carriage return) gets a leading ' (OWASP's CSV
	 * injection advice). Plain numbers ("-12.50") are left as they are.
	 * For CSV meant for people's spreadsheets, never for .pb files
	 * (pabulib data must round-trip byte for byte). */
	SAYSO_DELIM_FORMULA_GUARD = 1u,
};

/* The one delimited-field writer: sayso_delim_field() with options
 * (SAYSO_DELIM_*; 0 is sayso_delim_field()). */
void sayso_delim_write(FILE *out, const char *s, char sep, unsigned flags);

/* Whether s would be run as a formula by a spreadsheet (the test of
 * SAYSO_DELIM_FORMULA_GUARD). NULL is false. */
bool sayso_delim_is_formula(const char *s);

#endif

/*
 * cmd_codes.c: `codes generate`: printable one-time voter codes.
 *
 * Codes are 8 symbols from SAYSO_CODE_ALPHABET (no 0/O/1/I/L/U), printed as
 * XXXX-XXXX for reading aloud; about 6.5e11 possibilities, and a code that
 * sayso already knows (an earlier batch) is drawn again. Only the resident
 * id (the keyed hash of the code) is stored, so the printed sheet is the only
 * place a code exists: the CSV is written completely (and fsync'd) before the
 * database commit, and an existing file is never overwritten.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "sayso/erase.h"
#include "sayso/identity.h"
#include "sayso/round.h"

#define CODE_LEN 8
#define CODES_MAX 100000

static int cmp(const void *a, const void *b)
{
	return memcmp(a, b, CODE_LEN + 1);
}

/* Draws n codes, then redraws duplicates until the batch is distinct. */
static enum sayso_err draw_batch(char (*codes)[CODE_LEN + 1], long long n)
{
	enum sayso_err e = SAYSO_OK;

	for (long long i = 0; i < n && e == SAYSO_OK; i++)
		e = sayso_random_code(codes[i], sizeof codes[i], CODE_LEN);
	for (int pass = 0; e == SAYSO_OK; pass++) {
		qsort(codes, (size_t)n, sizeof *codes, cmp);
		int dups = 0;
		for (long long i = 1; i < n && e == SAYSO_OK; i++)
			if (memcmp(codes[i], codes[i - 1], CODE_LEN) == 0) {
				e = sayso_random_code(codes[i], sizeof codes[i],
						      CODE_LEN);
				dups++;
			}
		if (!dups)
			break;
	}
	return e;
}

/*
 * Redraws code until sayso does not know it yet (an earlier batch, about
 * one chance in 10^4 for 10,000 codes against 10,000) and puts its resident
 * id in rid.
 */
static enum sayso_err fresh_code(struct sayso_store *st, char *code,
				 size_t codesz, char *rid, size_t ridsz)
{
	const unsigned char *secret = sayso_store_secret(st);
	enum sayso_err e;

	for (int tries = 0;; tries++) {
		bool known = true;
		e = secret ? sayso_resident_id(secret, SAYSO_ID_CODE, code, rid,
					       ridsz)
			   : SAYSO_ERR_SECRET;
		if (e == SAYSO_OK)
			e = sayso_resident_known(st, rid, &known);
		if (e != SAYSO_OK || !known)
			return e;
		if (tries == 100)
			return SAYSO_ERR_EXISTS;
		e = sayso_random_code(code, codesz, CODE_LEN);
		if (e != SAYSO_OK)
			return e;
		/* A redrawn code is checked again, against earlier batches
		 * and this batch's codes recorded so far; a later code it
		 * equals is redrawn in its turn. */
	}
}

/* Records the batch (inside the caller's transaction), each code on the
 * sheet f when there is one, and the audit entry. */
static enum sayso_err record_batch(struct admin_ctx *ctx,
				   const struct sayso_round *r,
				   char (*codes)[CODE_LEN + 1], long long n,
				   FILE *f, const char *outp)
{
	struct sayso_store *st = ctx->st;
	enum sayso_err e = SAYSO_OK;

	for (long long i = 0; i < n; i++) {
		char rid[SAYSO_RESIDENT_ID_LEN + 1], shown[CODE_LEN + 2];

		e = fresh_code(st, codes[i], sizeof codes[i], rid, sizeof rid);
		if (e != SAYSO_OK)
			break;
		if ((e = sayso_store_resident(st, SAYSO_ID_CODE, codes[i], rid,
					      sizeof rid)) != SAYSO_OK)
			break;
		snprintf(shown, sizeof shown, "%.4s-%s", codes[i],
			 codes[i] + 4);
		if (f) {
			const char *row[] = {shown, r->code, r->title};
			admin_csv_row(f, row, 3);
		}
		if (i % 1000 == 0)
			admin_progress(ctx, "codes", i, n);
	}
	admin_progress_end(ctx);
	if (e == SAYSO_OK)
		e = sayso_store_audit(st, ctx->actor, "codes.generate",
				      "%lld voter codes for %s%s%s", n, r->code,
				      outp ? " written to " : "",
				      outp ? outp : "");
	return e;
}

int admin_cmd_codes_generate(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "codes generate", *count = NULL, *outp = NULL;
	const struct admin_opt opts[] = {
	    {"count", &count, NULL}, {"out", &outp, NULL}, {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &np);
	if (rc)
		return rc;
	if (!count) {
		fprintf(ctx->err, "sayso-admin %s: --count is required\n", cmd);
		admin_usage(ctx, cmd, ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	long long n;
	if ((rc = admin_int(ctx, cmd, "count", count, 1, CODES_MAX, &n)))
		return rc;
	if (outp && access(outp, F_OK) == 0)
		return admin_fail(ctx,
				  "%s: already exists; refusing to "
				  "overwrite printed codes",
				  outp);
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	struct sayso_store *st = ctx->st;

	char(*codes)[CODE_LEN + 1] = calloc((size_t)n, sizeof *codes);
	if (!codes)
		return admin_fail(ctx, "out of memory");
	enum sayso_err e = draw_batch(codes, n);
	if (e != SAYSO_OK) {
		free(codes);
		return admin_fail(ctx, "%s: %s", cmd, sayso_strerror(e));
	}

	FILE *f = NULL;
	char tmp[SAYSO_PATH_MAX + 32];
	if (outp) {
		f = admin_file_begin(ctx, outp, tmp, sizeof tmp);
		if (!f) {
			free(codes);
			return ADMIN_EXIT_ERROR;
		}
		static const char *const h[] = {"code", "round", "title"};
		admin_csv_row(f, h, 3);
	}
	if ((e = sayso_store_begin(st)) != SAYSO_OK) {
		rc = admin_fail_store(ctx, cmd, e);
		goto out;
	}
	e = record_batch(ctx, &r, codes, n, f, outp);
	if (e != SAYSO_OK) {
		sayso_store_rollback(st);
		rc = admin_fail_store(ctx, cmd, e);
		goto out;
	}
	if (f) {
		/* The sheet must be on disk before the codes count. */
		if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
			sayso_store_rollback(st);
			rc = admin_fail(ctx, "%s: cannot write; no codes made",
					outp);
			goto out;
		}
	}
	if ((e = sayso_store_commit(st)) != SAYSO_OK) {
		rc = admin_fail_store(ctx, cmd, e);
		goto out;
	}
	rc = ADMIN_EXIT_OK;
	if (!f)
		for (long long i = 0; i < n; i++)
			fprintf(ctx->out, "%.4s-%s\n", codes[i], codes[i] + 4);
	if (f) {
		rc = admin_file_finish(ctx, f, tmp, outp, true);
		f = NULL;
		if (rc == ADMIN_EXIT_OK)
			fprintf(ctx->out,
				"wrote %lld voter code%s for %s to %s\n", n,
				n == 1 ? "" : "s", r.code, outp);
	}
out:
	if (f)
		admin_file_finish(ctx, f, tmp, outp, false);
	free(codes);
	return rc;
}

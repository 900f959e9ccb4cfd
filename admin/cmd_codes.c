/*
 * cmd_codes.c: `codes generate|import|void|list`: one-time voter codes.
 *
 * Every code is recorded for its round as a keyed hash with a status
 * (core/src/codes.c); `codes import` records codes printed elsewhere,
 * `codes void` cancels one, `codes list` shows counts and rows (never a
 * code: only the first 12 hex characters of its hash).
 *
 * Codes are 8 symbols from SAYSO_CODE_ALPHABET (no 0/O/1/I/L/U), printed as
 * XXXX-XXXX for reading aloud; about 6.5e11 possibilities, and a code that
 * sayso already knows (an earlier batch) is drawn again. Only the resident
 * id (the keyed hash of the code) is stored, so the printed sheet is the only
 * place a code exists: the CSV is written completely (and fsync'd) before the
 * database commit, and an existing file is never overwritten.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "admin.h"
#include "sayso/codes.h"
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
		if ((e = sayso_codes_issue(st, r->id, codes[i],
					   SAYSO_CODE_ISSUED, "generate")) !=
		    SAYSO_OK)
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
	if ((rc = admin_require(ctx, cmd, "count", count)))
		return rc;
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

/* Reads FILE.csv (a header whose first column is "code", then one code a
 * row) and issues each code; all or nothing, errors name the line. */
static int import_file(struct admin_ctx *ctx, const struct sayso_round *r,
		       FILE *in, const char *path,
		       enum sayso_code_status status, long long *count)
{
	const char *cmd = "codes import";
	struct admin_csv *c = admin_csv_open(in, ',');
	char **f;
	size_t nf;
	int got, rc = ADMIN_EXIT_OK;
	bool header = true;
	if (!c)
		return admin_fail(ctx, "out of memory");
	*count = 0;
	while ((got = admin_csv_next(c, &f, &nf)) == 1) {
		long line = admin_csv_line(c);
		if (header) {
			header = false;
			if (nf >= 1 && strcmp(f[0], "code") == 0)
				continue;
			rc = admin_fail(ctx,
					"%s: %s:%ld: the first line must be a "
					"header starting with 'code'",
					cmd, path, line);
			goto out;
		}
		if (nf == 1 && !f[0][0])
			continue; /* a blank line */
		char norm[SAYSO_VOTER_CODE_MAX];
		const char *why = NULL;
		if (sayso_code_normalise(f[0], norm, sizeof norm, &why) !=
		    SAYSO_OK) {
			rc = admin_fail(ctx,
					"%s: %s:%ld: '%s' is not a voter code "
					"(%s); nothing imported",
					cmd, path, line, f[0],
					why ? why : "letters and digits");
			goto out;
		}
		enum sayso_err e =
		    sayso_codes_issue(ctx->st, r->id, norm, status, "import");
		if (e == SAYSO_ERR_EXISTS) {
			rc = admin_fail(ctx,
					"%s: %s:%ld: code %s is already "
					"recorded for %s; nothing imported",
					cmd, path, line, norm, r->code);
			goto out;
		}
		if (e != SAYSO_OK) {
			rc = admin_fail_store(ctx, cmd, e);
			goto out;
		}
		(*count)++;
	}
	if (got < 0)
		rc = admin_fail(ctx, "%s: %s:%ld: %s; nothing imported", cmd,
				path, admin_csv_line(c), admin_csv_error(c));
	else if (*count == 0)
		rc = admin_fail(ctx, "%s: %s: no codes; nothing imported", cmd,
				path);
out:
	admin_csv_free(c);
	return rc;
}

int admin_cmd_codes_import(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "codes import";
	bool test = false;
	const struct admin_opt opts[] = {{"test", NULL, &test},
					 {NULL, NULL, NULL}};
	char *pos[2];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 2, 2, &np);
	if (rc)
		return rc;
	FILE *in = fopen(pos[1], "r");
	if (!in)
		return admin_fail(ctx, "%s: %s: %s", cmd, pos[1],
				  strerror(errno));
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r))) {
		fclose(in);
		return rc;
	}
	long long n = 0;
	enum sayso_err e = sayso_store_begin(ctx->st);
	if (e != SAYSO_OK) {
		fclose(in);
		return admin_fail_store(ctx, cmd, e);
	}
	rc = import_file(ctx, &r, in, pos[1],
			 test ? SAYSO_CODE_TEST : SAYSO_CODE_ISSUED, &n);
	fclose(in);
	if (rc == ADMIN_EXIT_OK)
		e = sayso_store_audit(ctx->st, ctx->actor, "codes.import",
				      "%lld %svoter codes for %s from %s", n,
				      test ? "test " : "", r.code, pos[1]);
	if (rc != ADMIN_EXIT_OK || e != SAYSO_OK ||
	    (e = sayso_store_commit(ctx->st)) != SAYSO_OK) {
		sayso_store_rollback(ctx->st);
		return rc != ADMIN_EXIT_OK ? rc : admin_fail_store(ctx, cmd, e);
	}
	fprintf(ctx->out, "imported %lld %svoter code%s for %s\n", n,
		test ? "test " : "", n == 1 ? "" : "s", r.code);
	return ADMIN_EXIT_OK;
}

int admin_cmd_codes_void(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "codes void", *why = NULL;
	const struct admin_opt opts[] = {{"why", &why, NULL},
					 {NULL, NULL, NULL}};
	char *pos[2];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 2, 2, &np);
	if (rc)
		return rc;
	if ((rc = admin_require(ctx, cmd, "why", why)))
		return rc;
	char norm[SAYSO_VOTER_CODE_MAX];
	const char *bad = NULL;
	if (sayso_code_normalise(pos[1], norm, sizeof norm, &bad) != SAYSO_OK)
		return admin_fail(ctx, "%s: '%s' is not a voter code (%s)", cmd,
				  pos[1], bad ? bad : "letters and digits");
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	enum sayso_err e =
	    sayso_codes_void(ctx->st, r.id, norm, ctx->actor, why);
	if (e != SAYSO_OK)
		return admin_fail(ctx, "%s: %s", cmd,
				  sayso_store_errmsg(ctx->st));
	fprintf(ctx->out, "voided voter code %s in %s\n", norm, r.code);
	return ADMIN_EXIT_OK;
}

int admin_cmd_codes_list(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "codes list", *format = NULL, *status = NULL;
	const struct admin_opt opts[] = {{"format", &format, NULL},
					 {"status", &status, NULL},
					 {NULL, NULL, NULL}};
	char *pos[1];
	int np;
	enum admin_format fmt;
	int rc =
	    admin_args_fmt(ctx, cmd, argc, argv, opts, pos, 1, 1, &np, &fmt);
	if (rc)
		return rc;
	enum sayso_code_status want = SAYSO_CODE_ISSUED;
	if (status && sayso_code_status_parse(status, &want) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin %s: --status: '%s' is not issued, used, "
			"void or test\n",
			cmd, status);
		return ADMIN_EXIT_USAGE;
	}
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_READ, pos[0], &r)))
		return rc;
	struct sayso_code_row *rows = NULL;
	size_t n = 0;
	enum sayso_err e =
	    sayso_codes_list(ctx->st, r.id, status == NULL, want, &rows, &n);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, cmd, e);
	if (fmt == ADMIN_FMT_JSON) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
			    arr,
			    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
				      (json_int_t)rows[i].id, "hash",
				      rows[i].hash_prefix, "status",
				      sayso_code_status_name(rows[i].status),
				      "source", rows[i].source, "created_at",
				      rows[i].created_at, "changed_at",
				      rows[i].changed_at));
		free(rows);
		return admin_json_print(ctx, arr);
	}
	static const char *const h[] = {"ID",	  "HASH",    "STATUS",
					"SOURCE", "CREATED", "CHANGED"};
	static const char *const hc[] = {"id",	   "hash",	 "status",
					 "source", "created_at", "changed_at"};
	struct admin_table *t =
	    admin_table_new(6, fmt == ADMIN_FMT_CSV ? hc : h, "rlllll");
	if (!t) {
		free(rows);
		return admin_fail(ctx, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)rows[i].id);
		const char *cells[] = {id,
				       rows[i].hash_prefix,
				       sayso_code_status_name(rows[i].status),
				       rows[i].source,
				       rows[i].created_at,
				       rows[i].changed_at};
		admin_table_add(t, cells);
	}
	admin_table_print(t, ctx->out, fmt);
	admin_table_free(t);
	free(rows);
	if (fmt == ADMIN_FMT_TABLE)
		fprintf(ctx->out, "%zu voter code%s\n", n, n == 1 ? "" : "s");
	return ADMIN_EXIT_OK;
}

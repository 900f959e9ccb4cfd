/*
 * cmd_ballot_import.c: `ballot import`: a batch of paper ballots, with the
 * time written on each paper, optionally checked against a second typist's
 * file first.
 *
 * The file is CSV with the header code_or_phone,projects,cast_at. Every line
 * is read and checked before anything is written (a number that is neither a
 * UK mobile nor a voter code, a malformed project list, an impossible or
 * future time is an error naming FILE:LINE), and then the whole batch is
 * cast through sayso_ballot_cast() in one transaction: same eligibility,
 * validation and one-vote rule as every other ballot. What core decides per
 * ballot (accepted, already voted, invalid) is reported by line. With
 * --verify the second file must agree line by line after normalising (so
 * "07700 900001" and "+447700900001" agree); every disagreeing line is listed
 * and nothing is imported.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "sayso/ballot.h"
#include "sayso/buf.h"
#include "sayso/identity.h"

#define BATCH_MAX_ROWS 100000
#define BATCH_MAX_ERRORS 20 /* reported; the rest are counted */
#define ID_MAX                                                                 \
	(SAYSO_VOTER_CODE_MAX > SAYSO_E164_MAX ? SAYSO_VOTER_CODE_MAX          \
					       : SAYSO_E164_MAX)

struct paper {
	long line;
	enum sayso_id_kind kind;
	char id[ID_MAX];	  /* normalised */
	struct sayso_pick *picks; /* malloc'd */
	size_t npicks;
	int64_t cast_ms;
	char raw[160]; /* the line as typed, for --verify's report */
};

struct batch {
	const char *path;
	struct paper *rows;
	size_t n, cap;
	long errors;
};

static void batch_cleanup(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->rows[i].picks);
	free(b->rows);
	memset(b, 0, sizeof *b);
}

static void bad_line(struct admin_ctx *ctx, struct batch *b, long line,
		     const char *field, const char *what)
{
	if (b->errors++ < BATCH_MAX_ERRORS)
		fprintf(ctx->err, "sayso-admin: %s:%ld: %s: %s\n", b->path,
			line, field, what);
}

/* Checks one record into p; false (reported) when it is bad. */
static bool read_paper(struct admin_ctx *ctx, struct batch *b, long line,
		       char **f, size_t nf, int64_t now, struct paper *p)
{
	const char *why = NULL;
	char twhy[96];
	memset(p, 0, sizeof *p);
	p->line = line;
	if (nf != 3) {
		bad_line(ctx, b, line, "line",
			 "want 3 fields: code_or_phone,projects,cast_at");
		return false;
	}
	snprintf(p->raw, sizeof p->raw, "%s,%s,%s", f[0], f[1], f[2]);
	bool ok = true;
	if (sayso_identity_normalise(f[0], &p->kind, p->id, sizeof p->id,
				     &why) != SAYSO_OK) {
		bad_line(ctx, b, line, "code_or_phone",
			 why ? why
			     : "neither a UK mobile number nor a voter "
			       "code");
		ok = false;
	}
	p->picks = calloc(SAYSO_MAX_PICKS, sizeof *p->picks);
	if (!p->picks || sayso_picks_parse(f[1], p->picks, SAYSO_MAX_PICKS,
					   &p->npicks, &why) != SAYSO_OK) {
		bad_line(ctx, b, line, "projects",
			 p->picks ? why : "out of memory");
		ok = false;
	}
	if (sayso_time_parse_why(f[2], &p->cast_ms, twhy, sizeof twhy) !=
	    SAYSO_OK) {
		bad_line(ctx, b, line, "cast_at", twhy);
		ok = false;
	} else if (p->cast_ms > now) {
		bad_line(ctx, b, line, "cast_at", "is in the future");
		ok = false;
	}
	return ok;
}

/* Reads path into b; ADMIN_EXIT_OK only when every line is good. */
static int read_batch(struct admin_ctx *ctx, const char *path, int64_t now,
		      struct batch *b)
{
	memset(b, 0, sizeof *b);
	b->path = path;
	FILE *in = fopen(path, "r");
	if (!in)
		return admin_fail(ctx, "%s: %s", path, strerror(errno));
	struct admin_csv *c = admin_csv_open(in, ',');
	char **f;
	size_t nf;
	int got = 0;
	bool header = true;
	while (c && (got = admin_csv_next(c, &f, &nf)) == 1) {
		long line = admin_csv_line(c);
		if (header) {
			header = false;
			if (nf != 3 || strcmp(f[0], "code_or_phone") != 0 ||
			    strcmp(f[1], "projects") != 0 ||
			    strcmp(f[2], "cast_at") != 0)
				bad_line(ctx, b, line, "header",
					 "want code_or_phone,projects,cast_at");
			continue;
		}
		if (nf == 1 && !f[0][0])
			continue; /* a blank line */
		if (b->n >= BATCH_MAX_ROWS) {
			bad_line(ctx, b, line, "line", "too many ballots");
			break;
		}
		if (sayso_array_grow(&b->rows, &b->cap, b->n + 1,
				     sizeof *b->rows, SIZE_MAX) != SAYSO_OK) {
			bad_line(ctx, b, line, "line", "out of memory");
			break;
		}
		struct paper *p = &b->rows[b->n++];
		if (!read_paper(ctx, b, line, f, nf, now, p)) {
			free(p->picks);
			b->n--;
		}
	}
	if (!c)
		bad_line(ctx, b, 0, "file", "out of memory");
	else if (got < 0)
		bad_line(ctx, b, admin_csv_line(c), "file", admin_csv_error(c));
	else if (header)
		bad_line(ctx, b, 1, "header",
			 "empty file; want code_or_phone,projects,cast_at");
	admin_csv_free(c);
	fclose(in);
	if (b->errors > BATCH_MAX_ERRORS)
		fprintf(ctx->err, "sayso-admin: %s: %ld more bad lines\n", path,
			b->errors - BATCH_MAX_ERRORS);
	if (b->errors)
		return admin_fail(ctx, "%s: %ld bad line%s; nothing imported",
				  path, b->errors, b->errors == 1 ? "" : "s");
	return ADMIN_EXIT_OK;
}

static bool same(const struct paper *a, const struct paper *b)
{
	if (a->kind != b->kind || strcmp(a->id, b->id) != 0 ||
	    a->cast_ms != b->cast_ms || a->npicks != b->npicks)
		return false;
	for (size_t i = 0; i < a->npicks; i++)
		if (a->picks[i].number != b->picks[i].number)
			return false;
	return true;
}

/* Lists every line where the two typists disagree; true when they agree. */
static bool verify(struct admin_ctx *ctx, const struct batch *a,
		   const struct batch *b)
{
	size_t n = a->n > b->n ? a->n : b->n, differ = 0;
	for (size_t i = 0; i < n; i++) {
		const struct paper *x = i < a->n ? &a->rows[i] : NULL;
		const struct paper *y = i < b->n ? &b->rows[i] : NULL;
		if (x && y && same(x, y))
			continue;
		differ++;
		fprintf(ctx->err,
			"sayso-admin: ballot %zu: %s:%ld has %s%s%s; "
			"%s:%ld has %s%s%s\n",
			i + 1, a->path, x ? x->line : 0L, x ? "'" : "",
			x ? x->raw : "nothing", x ? "'" : "", b->path,
			y ? y->line : 0L, y ? "'" : "", y ? y->raw : "nothing",
			y ? "'" : "");
	}
	if (differ)
		admin_fail(ctx,
			   "%s and %s disagree on %zu ballot%s; nothing "
			   "imported",
			   a->path, b->path, differ, differ == 1 ? "" : "s");
	return differ == 0;
}

struct tally {
	size_t accepted, already, invalid;
};

/* Casts the whole batch inside the caller's transaction. */
static enum sayso_err cast_batch(struct admin_ctx *ctx,
				 const struct sayso_round *r,
				 enum sayso_channel ch, const struct batch *b,
				 struct tally *t, FILE *report)
{
	enum sayso_err e = SAYSO_OK;
	for (size_t i = 0; i < b->n && e == SAYSO_OK; i++) {
		const struct paper *p = &b->rows[i];
		char rid[SAYSO_RESIDENT_ID_LEN + 1];
		if ((e = sayso_store_resident(ctx->st, p->kind, p->id, rid,
					      sizeof rid)) != SAYSO_OK)
			break;
		struct sayso_ballot_in in = {
		    .round_code = r->code,
		    .resident_id = rid,
		    .channel = ch,
		    .cast_at_ms = p->cast_ms,
		    .picks = p->picks,
		    .npicks = p->npicks,
		};
		struct sayso_cast_result res;
		if ((e = sayso_ballot_cast(ctx->st, &in, &res)) != SAYSO_OK)
			break;
		switch (res.outcome) {
		case SAYSO_CAST_ACCEPTED:
		case SAYSO_CAST_REPLACED:
			t->accepted++;
			break;
		case SAYSO_CAST_ALREADY_VOTED:
			t->already++;
			fprintf(report, "%s:%ld: already voted: %s\n", b->path,
				p->line, res.reason);
			break;
		case SAYSO_CAST_INVALID:
			t->invalid++;
			fprintf(report, "%s:%ld: invalid: %s\n", b->path,
				p->line, res.reason);
			break;
		}
		if (i % 1000 == 0)
			admin_progress(ctx, "ballots", (long long)i,
				       (long long)b->n);
	}
	admin_progress_end(ctx);
	return e;
}

static int import(struct admin_ctx *ctx, const struct sayso_round *r,
		  enum sayso_channel ch, const struct batch *b)
{
	const char *cmd = "ballot import";
	struct tally t = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *report = open_memstream(&text, &len);
	if (!report)
		return admin_fail(ctx, "out of memory");
	enum sayso_err e = sayso_store_begin(ctx->st);
	if (e == SAYSO_OK)
		e = cast_batch(ctx, r, ch, b, &t, report);
	if (e == SAYSO_OK)
		e = sayso_store_audit(ctx->st, ctx->actor, "ballot.import",
				      "%zu %s ballots for %s from %s: %zu "
				      "accepted, %zu already voted, %zu "
				      "invalid",
				      b->n, sayso_channel_name(ch), r->code,
				      b->path, t.accepted, t.already,
				      t.invalid);
	if (e == SAYSO_OK)
		e = sayso_store_commit(ctx->st);
	else
		sayso_store_rollback(ctx->st);
	fclose(report);
	int rc = ADMIN_EXIT_OK;
	if (e != SAYSO_OK)
		rc = admin_fail(ctx, "%s: %s; nothing imported", cmd,
				sayso_store_errmsg(ctx->st));
	else
		fprintf(ctx->out,
			"%simported %zu %s ballot%s into %s: %zu accepted, %zu "
			"already voted, %zu invalid\n",
			text ? text : "", b->n, sayso_channel_name(ch),
			b->n == 1 ? "" : "s", r->code, t.accepted, t.already,
			t.invalid);
	free(text);
	return rc;
}

int admin_cmd_ballot_import(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *cmd = "ballot import", *second = NULL, *channel = "paper";
	const struct admin_opt opts[] = {{"verify", &second, NULL},
					 {"channel", &channel, NULL},
					 {NULL, NULL, NULL}};
	char *pos[2];
	int np;
	int rc = admin_args(ctx, cmd, argc, argv, opts, pos, 2, 2, &np);
	if (rc)
		return rc;
	enum sayso_channel ch;
	if (sayso_channel_parse(channel, &ch) != SAYSO_OK ||
	    ch == SAYSO_CH_IMPORT) {
		fprintf(
		    ctx->err,
		    "sayso-admin %s: --channel: '%s' is not paper, kiosk or "
		    "sms\n",
		    cmd, channel);
		return ADMIN_EXIT_USAGE;
	}
	struct sayso_round r;
	if ((rc = admin_open_round(ctx, ADMIN_WRITE, pos[0], &r)))
		return rc;
	int64_t now = sayso_time_now_ms();
	struct batch a, b;
	memset(&b, 0, sizeof b);
	rc = read_batch(ctx, pos[1], now, &a);
	if (second) {
		int rc2 = read_batch(ctx, second, now, &b);
		if (rc == ADMIN_EXIT_OK && rc2 == ADMIN_EXIT_OK &&
		    !verify(ctx, &a, &b))
			rc = ADMIN_EXIT_ERROR;
		if (rc == ADMIN_EXIT_OK)
			rc = rc2;
	}
	if (rc == ADMIN_EXIT_OK && a.n == 0)
		rc =
		    admin_fail(ctx, "%s: no ballots; nothing imported", pos[1]);
	if (rc == ADMIN_EXIT_OK)
		rc = import(ctx, &r, ch, &a);
	batch_cleanup(&a);
	batch_cleanup(&b);
	return rc;
}

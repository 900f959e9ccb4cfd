/*
 * html.h: the pieces the published pages are made of (results, ratings,
 * partner report), the QR renderers, the atomic output directory, and the
 * entry points of the results/qr/ratings/reports commands.
 *
 * Pages are static, self-contained files: inline CSS, inline SVG bars, no
 * scripts, no remote assets, so they can be copied to any web host, opened
 * from a USB stick or printed. Every text that came from a resident or an
 * organiser goes through html_esc(). The numbers come from libsaysocore
 * (stats.h, tally.h); these functions only lay them out.
 */
#ifndef SAYSO_ADMIN_HTML_H
#define SAYSO_ADMIN_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "admin.h"
#include "sayso/qr.h"

/* ---- escaping and formatting ---- */

/* Writes s with & < > " ' escaped (safe in text and quoted attributes).
 * Invalid UTF-8 bytes are written as U+FFFD. NULL writes nothing. */
void html_esc(FILE *f, const char *s);

/* "88%" / "74.8%": a share in [0, 1] as a percentage with one decimal,
 * dropping ".0". The same text the CLI tables print. */
void html_pct(double share, char *out, size_t outsz);

/* A channel name for residents: "kiosk" -> "Touchscreen", "sms" -> "Text
 * message", "paper" -> "Paper", "import" -> "Imported"; others as given. */
const char *html_channel_label(const char *name);

/* A whole number with thousands separators: 12345 -> "12,345". */
void html_int(int64_t v, char *out, size_t outsz);

/* A UTC ISO time as local "23 November 2026, 10:15 GMT"; iso itself when it
 * does not parse. */
void html_when(const char *iso, char *out, size_t outsz);

/* ---- page ---- */

/* <!doctype html> ... <main>: lang en-GB, viewport, inline CSS, <title>
 * from title (escaped). */
void html_page_begin(FILE *f, const char *title);
/* </main> with a footer naming sayso and the generation time. */
void html_page_end(FILE *f, const char *generated_iso);

/* How a bar is filled: plain, highlighted (a funded project), or the colour
 * of face 1..5 (HTML_BAR_FACE1 + score - 1). */
enum html_bar_style {
	HTML_BAR_PLAIN,
	HTML_BAR_HIGHLIGHT,
	HTML_BAR_FACE1,
	HTML_BAR_FACE5 = HTML_BAR_FACE1 + 4,
};

/* One bar of a chart. */
struct html_bar {
	const char *label; /* escaped when written */
	int64_t value;
	const char *valtext; /* shown value ("1,234", "£5,000"); NULL = value */
	const char *note;    /* a tag after the label ("Funded"), or NULL */
	enum html_bar_style style;
};

/*
 * A horizontal bar chart: an HTML list (labels and values as real text)
 * with an inline SVG bar per row, scaled to the largest value. id must be
 * unique on the page; title is the chart's visible caption. Charts are
 * decorative over their data table, which the caller writes next to them.
 */
void html_bars(FILE *f, const char *id, const char *title,
	       const struct html_bar *bars, size_t n);

/* A table: caption, header row and rows of cells (all escaped). align is one
 * char per column, 'l' or 'r'. */
void html_table_begin(FILE *f, const char *caption, size_t ncols,
		      const char *const *heads, const char *align);
void html_table_row(FILE *f, size_t ncols, const char *const *cells,
		    const char *align);
void html_table_end(FILE *f);

/* ---- QR renderers (qrout.c) ---- */

/* Pixels per module for a PNG that prints well (about 1200 px across). */
int admin_qr_scale(const struct sayso_qr *qr);

/* Writes an 8-bit greyscale-looking RGB PNG with the 4-module quiet zone
 * through libpng, atomically (temp file + rename). false with a message
 * in err (>= 256) on failure. */
bool admin_qr_png(const struct sayso_qr *qr, int scale, const char *path,
		  char *err, size_t errsz);

/* Writes an SVG (one path, crisp edges, quiet zone included). standalone
 * adds the XML declaration; the inline form has role="img" and a title. */
void admin_qr_svg(FILE *f, const struct sayso_qr *qr, const char *title,
		  bool standalone);

/* Writes the code as ANSI half blocks (two modules per character cell,
 * black on white whatever the terminal's theme), quiet zone included. */
void admin_qr_ansi(FILE *f, const struct sayso_qr *qr);

/* ---- output directories ---- */

/*
 * Pages are written into a new directory next to dir (dir.tmp-XXXXXX) and
 * swapped into place only when complete, so a reader never sees half a page
 * and a failure leaves the old page as it was. An existing dir is only
 * replaced when it holds sayso's marker file (.sayso-page): pointing --out
 * at a home directory is refused.
 */
struct admin_outdir {
	char dir[SAYSO_PATH_MAX];
	char tmp[SAYSO_AUXPATH_MAX];
};
/* Creates the temp dir. ADMIN_EXIT_OK or an error printed on ctx->err. */
int admin_outdir_begin(struct admin_ctx *ctx, struct admin_outdir *od,
		       const char *dir);
/* Opens a file inside the temp dir for writing; NULL with a message. */
FILE *admin_outdir_open(struct admin_ctx *ctx, struct admin_outdir *od,
			const char *name);
/* Closes f, reporting a write error (disk full) as ADMIN_EXIT_ERROR. */
int admin_outdir_close(struct admin_ctx *ctx, struct admin_outdir *od, FILE *f,
		       const char *name);
/* Path of name inside the temp dir (for renderers that write by path). */
void admin_outdir_path(const struct admin_outdir *od, const char *name,
		       char *out, size_t outsz);
/* ok: fsync and swap into place; !ok: remove the temp dir. */
int admin_outdir_finish(struct admin_ctx *ctx, struct admin_outdir *od,
			bool ok);

/* ---- the results commands (cmd_results.c, cmd_qr.c, cmd_ratings.c,
 * cmd_reports.c, cmd_report.c), listed in cmdtab.c ---- */
int admin_cmd_results(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_qr(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_ratings_summary(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_reports_list(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_reports_set(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_reports_summary(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_report(struct admin_ctx *ctx, int argc, char **argv);

/* ---- page sections shared by the pages (h2 level) ---- */
struct sayso_ratings_summary;
struct sayso_reports_summary;
/* Face labels, index score - 1: "Very unhappy" ... "Very happy". */
extern const char *const admin_face_label[5];
/* How residents feel: key figures, faces chart + table, groups, answers;
 * its own heading is <h{level}>. */
void html_ratings_section(FILE *f, const struct sayso_ratings_summary *s,
			  int level);
/* Reported problems: key figures, by category, hotspots. */
void html_reports_section(FILE *f, const struct sayso_reports_summary *s);
/* A round's results (cmd_results.c): its tally under a rule, turnout by
 * channel and the tally time, loaded once and then written as HTML (h2
 * sections), JSON and CSV. */
struct admin_results;
/* Loads and tallies round code; prints a message and returns
 * ADMIN_EXIT_ERROR on failure. */
int admin_results_load(struct admin_ctx *ctx, const char *code,
		       enum sayso_rule rule, struct admin_results **out);
/* Headings are <h{level}> (2 on the results page, 3 inside the partner
 * report). */
void admin_results_html(FILE *f, const struct admin_results *res,
			const char *url, int level);
/* The results.json object (a jansson json_t *, caller's). */
void *admin_results_json(const struct admin_results *res, const char *url);
void admin_results_csv(FILE *f, const struct admin_results *res);
/* The round's title, for page titles. */
const char *admin_results_title(const struct admin_results *res);
void admin_results_free(struct admin_results *res);

/* Parses --since/--until values: "YYYY-MM-DD" (a whole day: --until
 * includes that day) or an ISO time. 0 for NULL. ADMIN_EXIT_USAGE with a
 * message on a bad value. */
int admin_period(struct admin_ctx *ctx, const char *cmd, const char *since,
		 const char *until, int64_t *since_ms, int64_t *until_ms);

/* ---- walkabouts (cmd_walkabout.c, issue 14) ---- */
struct sayso_walk_rate;
struct sayso_walk_issue;

/* The rate's definition in one sentence, printed beside every figure. */
#define ADMIN_WALK_RATE_DEFINITION                                             \
	"issues logged on walkabouts and re-inspected at least once on a "     \
	"later walkabout, whose last observation is resolved; confirmed "      \
	"duplicates, issues that are not the partnership's and issues never "  \
	"re-inspected are left out and counted apart"

/* `reports summary --walkabouts` / `--walkabout CODE`: the observed
 * resolution rate of the walkabout issues in scope (walk NULL = all,
 * logged on walkabouts held in [since, until), 0 = open) in fmt. Opens the
 * database. Exit code. */
int admin_walk_summary(struct admin_ctx *ctx, const char *walk, int64_t since,
		       int64_t until, enum admin_format fmt);
/* The rate as the JSON object of docs/json.md (jansson json_t *, new
 * reference): inspected, resolved, rate, ci_low, ci_high, duplicates, ...,
 * by_partner / by_street / by_category objects of the same shape. */
void *admin_walk_rate_json(const struct sayso_walk_rate *r);
/* Walk issues as a table, CSV or JSON array on ctx->out. */
void admin_walk_issues_print(struct admin_ctx *ctx,
			     const struct sayso_walk_issue *is, size_t n,
			     enum admin_format fmt);
/* The walkabout section of an HTML page: the rate with its interval, count
 * and definition, what was left out, and the table by partner, street and
 * category. */
void html_walk_section(FILE *f, const struct sayso_walk_rate *r);

#endif

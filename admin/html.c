/*
 * html.c: escaping, the page template, bar charts and tables for the
 * published pages, and the atomic output directory they are written into.
 *
 * Accessibility (WCAG 2.2 AA): real headings in order, every chart is
 * followed by a table with the same figures, bars carry their value as text
 * and a dark outline (1.4.11 non-text contrast, colour never the only cue),
 * body text #0b0c0c on white (19:1), secondary text #505a5f (7:1). The layout
 * is one column that reflows down to 320 px and prints in black on white.
 */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "html.h"
#include "sayso/file.h"
#include "sayso/store.h"
#include "sayso/utf8.h"

#define MARKER ".sayso-page"

void html_esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return;
	const unsigned char *end = p + strlen(s);
	while (*p != '\0') {
		size_t n;
		unsigned long cp;
		bool bad;

		switch (*p) {
		case '&':
			fputs("&amp;", f);
			p++;
			continue;
		case '<':
			fputs("&lt;", f);
			p++;
			continue;
		case '>':
			fputs("&gt;", f);
			p++;
			continue;
		case '"':
			fputs("&quot;", f);
			p++;
			continue;
		case '\'':
			fputs("&#39;", f);
			p++;
			continue;
		default:
			break;
		}
		if (*p < 0x20 && *p != '\n' && *p != '\t') {
			fputc(' ', f); /* control characters are not text */
			p++;
			continue;
		}
		n = sayso_utf8_next(p, (size_t)(end - p), &cp, &bad);
		if (bad) {
			fputs("\xef\xbf\xbd", f);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
}

void html_pct(double share, char *out, size_t outsz)
{
	double v = share * 100.0;
	double r = round(v * 10.0) / 10.0;

	if (!isfinite(r))
		r = 0;
	if (fabs(r - round(r)) < 1e-9)
		snprintf(out, outsz, "%.0f%%", r);
	else
		snprintf(out, outsz, "%.1f%%", r);
}

const char *html_channel_label(const char *name)
{
	enum sayso_channel ch;

	if (!name || sayso_channel_parse(name, &ch) != SAYSO_OK)
		return name ? name : "";
	switch (ch) {
	case SAYSO_CH_KIOSK:
		return "Touchscreen";
	case SAYSO_CH_SMS:
		return "Text message";
	case SAYSO_CH_PAPER:
		return "Paper";
	case SAYSO_CH_IMPORT:
		return "Imported";
	}
	return name;
}

void html_int(int64_t v, char *out, size_t outsz)
{
	char digits[32];
	size_t n, i, o = 0;
	int len;

	len = snprintf(digits, sizeof digits, "%lld", (long long)v);
	if (len < 0 || outsz == 0)
		return;
	n = (size_t)len;
	for (i = 0; i < n && o + 1 < outsz; i++) {
		size_t left = n - i;

		out[o++] = digits[i];
		if (digits[i] != '-' && left > 1 && (left - 1) % 3 == 0 &&
		    o + 1 < outsz)
			out[o++] = ',';
	}
	out[o] = '\0';
}

void html_when(const char *iso, char *out, size_t outsz)
{
	int64_t ms;
	time_t t;
	struct tm tm;

	if (!iso || sayso_time_parse(iso, &ms) != SAYSO_OK) {
		snprintf(out, outsz, "%s", iso ? iso : "");
		return;
	}
	t = (time_t)(ms / 1000);
	if (!localtime_r(&t, &tm) ||
	    strftime(out, outsz, "%-d %B %Y, %H:%M %Z", &tm) == 0)
		snprintf(out, outsz, "%s", iso);
}

static const char css[] =
    ":root{color-scheme:light}"
    "*{box-sizing:border-box}"
    "body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:1.1875rem;"
    "line-height:1.45;color:#0b0c0c;background:#fff}"
    "main{max-width:46rem;margin:0 auto;padding:1rem 1rem 2rem}"
    "h1{font-size:2rem;line-height:1.15;margin:1rem 0}"
    "h2{font-size:1.5rem;margin:2rem 0 .75rem;padding-top:.5rem;"
    "border-top:2px solid #b1b4b6}"
    "h3{font-size:1.1875rem;margin:1.25rem 0 .5rem}"
    "p,li{max-width:40rem}"
    "a{color:#1d70b8}a:visited{color:#4c2c92}"
    "a:focus{outline:3px solid #ffdd00;background:#ffdd00;color:#0b0c0c}"
    ".lead{font-size:1.3rem}"
    ".muted{color:#505a5f}"
    ".warn{border-left:6px solid #d4351c;padding:.5rem 1rem;"
    "background:#f3f2f1}"
    ".figs{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(10rem,1fr));gap:.75rem;margin:1rem 0;padding:0}"
    ".figs div{border:1px solid #b1b4b6;border-top:5px solid #1d70b8;"
    "padding:.5rem .75rem}"
    ".figs dt{font-size:1rem;color:#505a5f}"
    ".figs dd{margin:0;font-size:1.6rem;font-weight:bold}"
    "figure{margin:1rem 0}.cap{font-weight:bold;margin:.5rem 0}"
    ".chart{list-style:none;margin:.5rem 0 1rem;padding:0}"
    ".chart li{margin:0 0 .6rem;max-width:none}"
    ".chart .lab{display:block}"
    ".chart .row{display:flex;align-items:center;gap:.5rem}"
    ".chart svg{flex:1 1 auto;height:1.4rem;min-width:4rem}"
    ".chart .val{flex:0 0 6.5rem;font-weight:bold}"
    ".tag{display:inline-block;margin-left:.5rem;padding:0 .4rem;"
    "border:2px solid #00703c;color:#00703c;font-weight:bold;"
    "font-size:.9rem}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;"
    "font-size:1rem}"
    "caption{text-align:left;font-weight:bold;padding:.25rem 0}"
    "th,td{border-bottom:1px solid #b1b4b6;padding:.4rem .5rem .4rem 0;"
    "text-align:left;vertical-align:top}"
    "td.r,th.r{text-align:right}"
    ".tablewrap{overflow-x:auto}"
    ".chart .ci{stroke:#0b0c0c;stroke-width:2}"
    ".def{font-size:1rem;color:#0b0c0c}"
    ".qr{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}"
    ".qr svg{width:12rem;height:12rem}"
    "footer{max-width:46rem;margin:0 auto;padding:0 1rem 2rem;"
    "font-size:1rem;color:#505a5f}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{font-size:11pt}main{max-width:none;padding:0}"
    "h2{break-after:avoid}li,tr,.figs div{break-inside:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "a{color:#0b0c0c}a[href^=\"http\"]::after{content:\" (\" attr(href) "
    "\")\"}}";

void html_page_begin(FILE *f, const char *title)
{
	fputs("<!doctype html>\n<html lang=\"en-GB\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"sayso\">\n<title>",
	      f);
	html_esc(f, title);
	fputs("</title>\n<style>", f);
	fputs(css, f);
	fputs("</style>\n</head>\n<body>\n<main>\n", f);
}

void html_page_end(FILE *f, const char *generated_iso)
{
	char when[96];

	html_when(generated_iso, when, sizeof when);
	fputs("</main>\n<footer>\n<p>Made with sayso on ", f);
	html_esc(f, when);
	fputs(". Every figure on this page was computed by sayso from the "
	      "votes and responses it recorded.</p>\n</footer>\n"
	      "</body>\n</html>\n",
	      f);
}

/* Fill colours: plain blue, funded green, faces red to green. Each has an
 * outline in #0b0c0c so the bar's length shows whatever its fill. */
static const char *const bar_fill[] = {
    "#1d70b8", "#00703c", "#d4351c", "#f47738", "#ffdd00", "#85994b", "#00703c",
};

void html_bars(FILE *f, const char *id, const char *title,
	       const struct html_bar *bars, size_t n)
{
	int64_t max = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	fputs("<figure aria-labelledby=\"", f);
	html_esc(f, id);
	fputs("-cap\">\n<figcaption id=\"", f);
	html_esc(f, id);
	fputs("-cap\" class=\"cap\">", f);
	html_esc(f, title);
	fputs("</figcaption>\n<ul class=\"chart\">\n", f);
	for (i = 0; i < n; i++) {
		enum html_bar_style style = bars[i].style;
		/* Thousandths of the width; a non-zero value is at least a
		 * visible sliver. */
		long w =
		    max > 0
			? (long)((double)bars[i].value * 1000.0 / (double)max +
				 0.5)
			: 0;
		char num[32];

		if (bars[i].value > 0 && w < 4)
			w = 4;
		if (style < HTML_BAR_PLAIN || style > HTML_BAR_FACE5)
			style = HTML_BAR_PLAIN;
		fputs("<li><span class=\"lab\">", f);
		html_esc(f, bars[i].label);
		if (bars[i].note && bars[i].note[0] != '\0') {
			fputs("<span class=\"tag\">", f);
			html_esc(f, bars[i].note);
			fputs("</span>", f);
		}
		fputs(
		    "</span><span class=\"row\">"
		    "<svg viewBox=\"0 0 1000 20\" preserveAspectRatio=\"none\""
		    " aria-hidden=\"true\" focusable=\"false\">",
		    f);
		if (w > 0)
			fprintf(
			    f,
			    "<rect x=\"1\" y=\"1\" width=\"%ld\" height=\"18\""
			    " fill=\"%s\" stroke=\"#0b0c0c\" stroke-width=\"1\""
			    " vector-effect=\"non-scaling-stroke\"/>",
			    w > 998 ? 998 : w, bar_fill[style]);
		fputs("</svg><span class=\"val\">", f);
		if (bars[i].valtext) {
			html_esc(f, bars[i].valtext);
		} else {
			html_int(bars[i].value, num, sizeof num);
			fputs(num, f);
		}
		fputs("</span></span></li>\n", f);
	}
	fputs("</ul>\n</figure>\n", f);
}

void html_table_begin(FILE *f, const char *caption, size_t ncols,
		      const char *const *heads, const char *align)
{
	size_t i;

	fputs("<div class=\"tablewrap\"><table>\n", f);
	if (caption) {
		fputs("<caption>", f);
		html_esc(f, caption);
		fputs("</caption>\n", f);
	}
	fputs("<thead><tr>", f);
	for (i = 0; i < ncols; i++) {
		fputs(align && align[i] == 'r'
			  ? "<th scope=\"col\" class=\"r\">"
			  : "<th scope=\"col\">",
		      f);
		html_esc(f, heads[i]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
}

void html_table_row(FILE *f, size_t ncols, const char *const *cells,
		    const char *align)
{
	size_t i;

	fputs("<tr>", f);
	for (i = 0; i < ncols; i++) {
		fputs(align && align[i] == 'r' ? "<td class=\"r\">" : "<td>",
		      f);
		html_esc(f, cells[i]);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

void html_table_end(FILE *f)
{
	fputs("</tbody>\n</table></div>\n", f);
}

/* ---- period options ---- */

static bool is_date_only(const char *s)
{
	size_t i;

	if (strlen(s) != 10)
		return false;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return false;
		} else if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	return true;
}

int admin_period(struct admin_ctx *ctx, const char *cmd, const char *since,
		 const char *until, int64_t *since_ms, int64_t *until_ms)
{
	*since_ms = 0;
	*until_ms = 0;
	if (since && sayso_time_parse(since, since_ms) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin %s: --since: '%s' is not a date "
			"(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)\n",
			cmd, since);
		return ADMIN_EXIT_USAGE;
	}
	if (until) {
		if (sayso_time_parse(until, until_ms) != SAYSO_OK) {
			fprintf(ctx->err,
				"sayso-admin %s: --until: '%s' is not a date "
				"(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)\n",
				cmd, until);
			return ADMIN_EXIT_USAGE;
		}
		if (is_date_only(until))
			*until_ms += 86400000; /* through the end of that day */
	}
	if (*since_ms != 0 && *until_ms != 0 && *until_ms <= *since_ms) {
		fprintf(ctx->err, "sayso-admin %s: --until is before --since\n",
			cmd);
		return ADMIN_EXIT_USAGE;
	}
	return ADMIN_EXIT_OK;
}

/* ---- output directories ---- */

void admin_outdir_path(const struct admin_outdir *od, const char *name,
		       char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%s", od->tmp, name);
}

/* Removes the files sayso writes into a page directory, then the directory.
 * Anything else in it stays (and so does the directory). */
static void remove_page_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[1200];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strcmp(e->d_name, MARKER) != 0 &&
		    !strstr(e->d_name, ".html") &&
		    !strstr(e->d_name, ".json") && !strstr(e->d_name, ".csv") &&
		    !strstr(e->d_name, ".png") && !strstr(e->d_name, ".svg"))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

int admin_outdir_begin(struct admin_ctx *ctx, struct admin_outdir *od,
		       const char *dir)
{
	struct stat sb;
	size_t len;
	char marker[1200];
	FILE *f;

	memset(od, 0, sizeof *od);
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 0 || len >= sizeof od->dir)
		return admin_fail(ctx, "--out: a directory name is needed");
	memcpy(od->dir, dir, len);
	od->dir[len] = '\0';
	if (stat(od->dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode))
			return admin_fail(
			    ctx, "%s exists and is not a directory", od->dir);
		snprintf(marker, sizeof marker, "%s/" MARKER, od->dir);
		if (access(marker, F_OK) != 0) {
			DIR *d = opendir(od->dir);
			struct dirent *e;
			bool empty = true;

			if (d) {
				while ((e = readdir(d)))
					if (strcmp(e->d_name, ".") != 0 &&
					    strcmp(e->d_name, "..") != 0)
						empty = false;
				closedir(d);
			}
			if (!empty)
				return admin_fail(
				    ctx,
				    "%s is not empty and was not written by "
				    "sayso; choose a new directory for the "
				    "page",
				    od->dir);
		}
	} else if (errno != ENOENT) {
		return admin_fail(ctx, "%s: %s", od->dir, strerror(errno));
	}
	snprintf(od->tmp, sizeof od->tmp, "%s.tmp-XXXXXX", od->dir);
	if (!mkdtemp(od->tmp))
		return admin_fail(ctx,
				  "cannot create a directory next to %s: %s",
				  od->dir, strerror(errno));
	chmod(od->tmp, 0755);
	snprintf(marker, sizeof marker, "%s/" MARKER, od->tmp);
	f = fopen(marker, "w");
	if (!f ||
	    fputs("written by sayso-admin; replaced whole on "
		  "each run\n",
		  f) == EOF ||
	    fclose(f) != 0) {
		admin_fail(ctx, "%s: %s", marker, strerror(errno));
		remove_page_dir(od->tmp);
		return ADMIN_EXIT_ERROR;
	}
	return ADMIN_EXIT_OK;
}

FILE *admin_outdir_open(struct admin_ctx *ctx, struct admin_outdir *od,
			const char *name)
{
	char p[1200];
	FILE *f;

	admin_outdir_path(od, name, p, sizeof p);
	f = fopen(p, "w");
	if (!f)
		admin_fail(ctx, "%s: %s", p, strerror(errno));
	return f;
}

int admin_outdir_close(struct admin_ctx *ctx, struct admin_outdir *od, FILE *f,
		       const char *name)
{
	int err = 0;

	if (fflush(f) != 0 || ferror(f))
		err = errno ? errno : EIO;
	if (err == 0 && fsync(fileno(f)) != 0)
		err = errno;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	if (err != 0)
		return admin_fail(ctx, "%s/%s: cannot write: %s", od->dir, name,
				  strerror(err));
	return ADMIN_EXIT_OK;
}

int admin_outdir_finish(struct admin_ctx *ctx, struct admin_outdir *od, bool ok)
{
	struct stat sb;
	char parent[1024];
	char *slash;

	if (!ok) {
		remove_page_dir(od->tmp);
		return ADMIN_EXIT_ERROR;
	}
	sayso_fsync_dir(od->tmp);
	if (stat(od->dir, &sb) != 0) {
		if (rename(od->tmp, od->dir) != 0) {
			int e = errno;
			remove_page_dir(od->tmp);
			return admin_fail(ctx, "%s: %s", od->dir, strerror(e));
		}
	} else if (renameat2(AT_FDCWD, od->tmp, AT_FDCWD, od->dir,
			     RENAME_EXCHANGE) == 0) {
		/* od->tmp now holds the previous page. */
		remove_page_dir(od->tmp);
	} else {
		/* No atomic exchange here (old kernel or filesystem): move the
		 * old page aside, then the new one in. */
		char old[1200];

		snprintf(old, sizeof old, "%s.old-%ld", od->dir,
			 (long)getpid());
		if (rename(od->dir, old) != 0 ||
		    rename(od->tmp, od->dir) != 0) {
			int e = errno;
			remove_page_dir(od->tmp);
			return admin_fail(ctx, "%s: cannot replace: %s",
					  od->dir, strerror(e));
		}
		remove_page_dir(old);
	}
	snprintf(parent, sizeof parent, "%s", od->dir);
	slash = strrchr(parent, '/');
	if (!slash)
		snprintf(parent, sizeof parent, ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	sayso_fsync_dir(parent);
	return ADMIN_EXIT_OK;
}

void html_shares(FILE *f, const char *id, const char *title,
		 const struct html_share *rows, size_t n)
{
	size_t i;

	fputs("<figure aria-labelledby=\"", f);
	html_esc(f, id);
	fputs("-cap\">\n<figcaption id=\"", f);
	html_esc(f, id);
	fputs("-cap\" class=\"cap\">", f);
	html_esc(f, title);
	fputs("</figcaption>\n<ul class=\"chart\">\n", f);
	for (i = 0; i < n; i++) {
		const struct html_share *r = &rows[i];
		char pct[16];

		fputs("<li><span class=\"lab\">", f);
		html_esc(f, r->label);
		fputs(
		    "</span><span class=\"row\">"
		    "<svg viewBox=\"0 0 1000 20\" preserveAspectRatio=\"none\""
		    " aria-hidden=\"true\" focusable=\"false\">"
		    "<rect x=\"1\" y=\"1\" width=\"998\" height=\"18\" "
		    "fill=\"#f3f2f1\"/>",
		    f);
		if (!r->too_few) {
			long w = (long)(r->share * 998.0 + 0.5);
			long lo = (long)(r->lo * 998.0 + 0.5) + 1;
			long hi = (long)(r->hi * 998.0 + 0.5) + 1;

			fprintf(f,
				"<rect x=\"1\" y=\"1\" width=\"%ld\" "
				"height=\"18\" fill=\"#1d70b8\" "
				"stroke=\"#0b0c0c\" stroke-width=\"1\" "
				"vector-effect=\"non-scaling-stroke\"/>",
				w);
			fprintf(
			    f,
			    "<path class=\"ci\" d=\"M%ld 10H%ldM%ld 4V16M%ld "
			    "4V16\" vector-effect=\"non-scaling-stroke\"/>",
			    lo, hi, lo, hi);
		}
		fputs("</svg><span class=\"val\">", f);
		if (r->too_few) {
			fputs("too few", f);
		} else {
			html_pct(r->share, pct, sizeof pct);
			html_esc(f, pct);
		}
		fputs("</span></span>", f);
		if (r->note && r->note[0] != '\0') {
			fputs("<span class=\"muted\">", f);
			html_esc(f, r->note);
			fputs("</span>", f);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n</figure>\n", f);
}

/*
 * test_kiosk_shaping.c: the kiosk's text module (kiosk/text.c) against an
 * independent reference.
 *
 * Shaping: a Bengali, a Gurmukhi, an Urdu and an Arabic word are drawn as
 * the kiosk draws them, and compared with HarfBuzz's own tools on the same
 * font file: hb-shape's advances (the run's width) and hb-view's picture of
 * the correct shaping, against hb-view's picture of what SDL2_ttf does when
 * the script and direction are not set (the bug of issue 13: দিন drawn as
 * দনি, Urdu reversed and unjoined). The kiosk's picture must match the
 * correct one closely and clearly better than the wrong one.
 *
 * Bidi: "Poets Street", "3" and "£9,500" inside Urdu come out in the right
 * visual order, each run with its own script, direction and font.
 *
 * Coverage: every string of every shipped strings file is covered by its
 * language's font chain: no code point without a glyph, so no box on
 * screen.
 *
 * Needs fonts-noto-core and libharfbuzz-bin (hb-shape, hb-view); skipped
 * without them.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_image.h>

#include "kiosk.h"
#include "sayso/config.h"
#include "sayso/log.h"
#include "testutil.h"

#define NOTO "/usr/share/fonts/truetype/noto"

static struct sayso_config cfg;
static struct kiosk_assets *as;

static int setup(void **state)
{
	(void)state;
	if (access(NOTO "/NotoSansBengali-Regular.ttf", R_OK) != 0 ||
	    system("command -v hb-shape >/dev/null && "
		   "command -v hb-view >/dev/null") != 0)
		return 0; /* the tests skip */
	if (sayso_config_defaults(&cfg) != SAYSO_OK)
		return -1;
	as = kiosk_assets_new(NULL, &cfg);
	return as ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	kiosk_assets_free(as);
	sayso_config_cleanup(&cfg);
	return 0;
}

/* Quotes s for the shell in out (single quotes). */
static void shell_quote(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	out[o++] = '\'';
	for (; *s && o + 6 < outsz; s++) {
		if (*s == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			out[o++] = *s;
		}
	}
	out[o++] = '\'';
	out[o] = '\0';
}

/* Sum of hb-shape's x advances for text in font at px pixels per em. */
static int hb_advance(const char *font, const char *text, int px)
{
	char q[512], cmd[1024], buf[8192];
	FILE *p;
	int total = 0;

	shell_quote(text, q, sizeof(q));
	snprintf(cmd, sizeof(cmd),
		 "hb-shape --no-glyph-names --font-size=%d '%s' %s", px, font,
		 q);
	p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	assert_int_equal(pclose(p), 0);
	/* [gid=cluster@dx,dy+advance|...] */
	for (char *c = strchr(buf, '+'); c; c = strchr(c + 1, '+'))
		total += (int)strtol(c + 1, NULL, 10);
	return total;
}

/* Ink of an image as 0..255 per pixel (alpha of the kiosk's white text,
 * darkness of hb-view's black on white), cropped to its bounding box. */
struct ink {
	int w, h;
	unsigned char *v;
};

static struct ink ink_of(SDL_Surface *s, bool alpha)
{
	struct ink k = {0, 0, NULL};
	SDL_Surface *c =
	    SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
	int x0 = c->w, y0 = c->h, x1 = -1, y1 = -1;

	assert_non_null(c);
	for (int y = 0; y < c->h; y++)
		for (int x = 0; x < c->w; x++) {
			Uint32 p =
			    ((Uint32 *)((Uint8 *)c->pixels + y * c->pitch))[x];
			int v = alpha ? (int)(p >> 24) : 255 - (int)(p & 0xff);
			if (v > 32) {
				x0 = x < x0 ? x : x0;
				y0 = y < y0 ? y : y0;
				x1 = x > x1 ? x : x1;
				y1 = y > y1 ? y : y1;
			}
		}
	assert_true(x1 >= x0);
	k.w = x1 - x0 + 1;
	k.h = y1 - y0 + 1;
	k.v = calloc((size_t)k.w * (size_t)k.h, 1);
	assert_non_null(k.v);
	for (int y = 0; y < k.h; y++)
		for (int x = 0; x < k.w; x++) {
			Uint32 p = ((Uint32 *)((Uint8 *)c->pixels +
					       (y + y0) * c->pitch))[x + x0];
			k.v[y * k.w + x] =
			    alpha ? (unsigned char)(p >> 24)
				  : (unsigned char)(255 - (p & 0xff));
		}
	SDL_FreeSurface(c);
	return k;
}

/* Normalised correlation of two ink pictures after a blur (rasterisers,
 * hinting and SDL_ttf's vertical offsets differ by a pixel or a few), the
 * best over small shifts, times the same for their column profiles (where
 * along the line the ink is: what a wrong order or direction changes). */
static double correlate(const double *a, int aw, int ah, const double *b,
			int bw, int bh, int r)
{
	double best = -1;

	for (int dy = -r; dy <= r; dy++)
		for (int dx = -r; dx <= r; dx++) {
			double sab = 0, saa = 0, sbb = 0;
			for (int y = 0; y < ah; y++)
				for (int x = 0; x < aw; x++) {
					int bx = x - dx, by = y - dy;
					double va = a[y * aw + x], vb = 0;
					if (bx >= 0 && by >= 0 && bx < bw &&
					    by < bh)
						vb = b[by * bw + bx];
					sab += va * vb;
					saa += va * va;
				}
			for (int i = 0; i < bw * bh; i++)
				sbb += b[i] * b[i];
			double c = sab / (sqrt(saa * sbb) + 1e-9);
			if (c > best)
				best = c;
		}
	return best;
}

/* k blurred (box, radius 2) on a canvas with a margin of 4. */
static double *blurred(const struct ink *k, int *w, int *h)
{
	int W = k->w + 8, H = k->h + 8;
	double *o = calloc((size_t)W * (size_t)H, sizeof(*o));

	assert_non_null(o);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			double s = 0;
			for (int j = -2; j <= 2; j++)
				for (int i = -2; i <= 2; i++) {
					int sx = x - 4 + i, sy = y - 4 + j;
					if (sx >= 0 && sy >= 0 && sx < k->w &&
					    sy < k->h)
						s += k->v[sy * k->w + sx];
				}
			o[y * W + x] = s / 25;
		}
	*w = W;
	*h = H;
	return o;
}

static double similarity(const struct ink *a, const struct ink *b)
{
	int aw, ah, bw, bh;
	double *ba = blurred(a, &aw, &ah), *bb = blurred(b, &bw, &bh);
	double *ca = calloc((size_t)aw, sizeof(*ca));
	double *cb = calloc((size_t)bw, sizeof(*cb));

	assert_true(ca && cb);
	for (int y = 0; y < ah; y++)
		for (int x = 0; x < aw; x++)
			ca[x] += ba[y * aw + x];
	for (int y = 0; y < bh; y++)
		for (int x = 0; x < bw; x++)
			cb[x] += bb[y * bw + x];
	double img = correlate(ba, aw, ah, bb, bw, bh, 4);
	double col = correlate(ca, aw, 1, cb, bw, 1, 4);
	free(ba);
	free(bb);
	free(ca);
	free(cb);
	return img * col;
}

/* hb-view's picture of text in font; wrong: as SDL2_ttf shapes it with no
 * script or direction set (unknown script, left to right). */
static struct ink hb_view(const char *font, const char *text, int px,
			  bool wrong)
{
	char dir[256], png[300], q[512], cmd[1400];

	tu_tmpdir(dir, sizeof(dir));
	snprintf(png, sizeof(png), "%s/ref.png", dir);
	shell_quote(text, q, sizeof(q));
	snprintf(cmd, sizeof(cmd),
		 "hb-view --font-size=%d --margin=4 %s -O png -o '%s' '%s' %s",
		 px, wrong ? "--script=Zzzz --direction=ltr" : "", png, font,
		 q);
	assert_int_equal(system(cmd), 0);
	SDL_Surface *s = IMG_Load(png);
	assert_non_null(s);
	struct ink k = ink_of(s, false);
	SDL_FreeSurface(s);
	tu_rmtree(dir);
	return k;
}

struct word {
	const char *lang, *text, *script;
	bool rtl;
	const char *font; /* the file the chain must pick */
};

static const struct word words[] = {
    {"bn", "দিন", "Beng", false, NOTO "/NotoSansBengali-Regular.ttf"},
    {"pa", "ਕਿਤਾਬ", "Guru", false, NOTO "/NotoSansGurmukhi-Regular.ttf"},
    {"ur", "شکریہ", "Arab", true, NOTO "/NotoNastaliqUrdu-Regular.ttf"},
    {"ar", "شكرا", "Arab", true, NOTO "/NotoNaskhArabic-Regular.ttf"},
};

static void test_shaping(void **state)
{
	(void)state;
	if (!as)
		skip();
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const struct word *wd = &words[i];
		struct kiosk_text_run runs[4];
		int n = 0, px = kiosk_font_px(as, KF_BODY);

		kiosk_assets_set_language(as, wd->lang);
		SDL_Surface *s = kiosk_text_surface(as, KF_BODY, wd->text, 0,
						    runs, 4, &n, NULL);
		assert_non_null(s);
		assert_int_equal(n, 1);
		assert_string_equal(runs[0].script, wd->script);
		assert_int_equal(runs[0].rtl, wd->rtl);
		assert_string_equal(runs[0].font, wd->font);
		/* The run is as wide as HarfBuzz's advances say (SDL_ttf's
		 * box may add a pixel or two of overhang). */
		int adv = hb_advance(wd->font, wd->text, px);
		printf("# %s %s: width %d, hb-shape advance %d\n", wd->lang,
		       wd->text, runs[0].w, adv);
		assert_true(abs(runs[0].w - adv) <= 3);

		if (getenv("SAYSO_SHAPING_DUMP")) {
			char bmp[300];
			snprintf(bmp, sizeof(bmp), "%s/%s.bmp",
				 getenv("SAYSO_SHAPING_DUMP"), wd->lang);
			SDL_SaveBMP(s, bmp);
		}
		struct ink mine = ink_of(s, true);
		struct ink good = hb_view(wd->font, wd->text, px, false);
		struct ink bad = hb_view(wd->font, wd->text, px, true);
		double sg = similarity(&mine, &good);
		double sb = similarity(&mine, &bad);
		printf("# %s %s: like the right shaping %.3f, like the "
		       "broken one %.3f\n",
		       wd->lang, wd->text, sg, sb);
		assert_true(sg >= 0.7);
		assert_true(sg > sb + 0.1);
		free(mine.v);
		free(good.v);
		free(bad.v);
		SDL_FreeSurface(s);
	}
}

/* The run of runs[] holding byte offset off of text, -1 none. */
static int run_at(const struct kiosk_text_run *runs, int n, size_t off)
{
	for (int i = 0; i < n; i++)
		if (off >= runs[i].off && off < runs[i].off + runs[i].len)
			return i;
	return -1;
}

static void test_bidi_mixed(void **state)
{
	/* "3 benches in Poets Street: £9,500", the amount isolated as
	 * kiosk_money() does. */
	const char *text = "Poets Street میں 3 بینچ: \xe2\x81\xa6£9,500"
			   "\xe2\x81\xa9";
	struct kiosk_text_run runs[16];
	int n = 0;

	(void)state;
	if (!as)
		skip();
	kiosk_assets_set_language(as, "ur");
	SDL_Surface *s =
	    kiosk_text_surface(as, KF_BODY, text, 0, runs, 16, &n, NULL);
	assert_non_null(s);
	int latin = run_at(runs, n, 0);
	int mein = run_at(runs, n, (size_t)(strstr(text, "میں") - text));
	int three = run_at(runs, n, (size_t)(strstr(text, "3") - text));
	int bench = run_at(runs, n, (size_t)(strstr(text, "بینچ") - text));
	int money = run_at(runs, n, (size_t)(strstr(text, "£") - text));
	assert_true(latin >= 0 && mein >= 0 && three >= 0 && bench >= 0 &&
		    money >= 0);
	/* Read right to left: Poets Street, میں, 3, بینچ, £9,500. */
	assert_true(runs[latin].x > runs[mein].x);
	assert_true(runs[mein].x > runs[three].x);
	assert_true(runs[three].x > runs[bench].x);
	assert_true(runs[bench].x > runs[money].x);
	/* Each shaped in its own script and direction and font. */
	assert_string_equal(runs[latin].script, "Latn");
	assert_false(runs[latin].rtl);
	assert_string_equal(runs[latin].font, NOTO "/NotoSans-Regular.ttf");
	assert_int_equal(runs[latin].len, strlen("Poets Street"));
	assert_string_equal(runs[mein].script, "Arab");
	assert_true(runs[mein].rtl);
	assert_string_equal(runs[mein].font,
			    NOTO "/NotoNastaliqUrdu-Regular.ttf");
	assert_false(runs[three].rtl);
	assert_false(runs[money].rtl);
	assert_memory_equal(text + runs[money].off, "£", strlen("£"));
	/* The line starts at the right: nothing to its right. */
	assert_int_equal(runs[latin].x + runs[latin].w, s->w);
	SDL_FreeSurface(s);

	/* Wrapped narrow, the lines still read right to left, each
	 * reordered on its own: the first line holds "Poets Street". */
	s = kiosk_text_surface(as, KF_BODY, text, 260, runs, 16, &n, NULL);
	assert_non_null(s);
	latin = run_at(runs, n, 0);
	assert_true(latin >= 0);
	assert_int_equal(runs[latin].line, 0);
	assert_true(runs[n - 1].line >= 1);
	assert_true(s->w <= 260);
	SDL_FreeSurface(s);
}

/* Checks every value of one strings file against lang's chain. */
static int check_file(const char *path, const char *lang)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int bad = 0;

	assert_non_null(f);
	kiosk_assets_set_language(as, lang);
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '=');
		if (line[0] == ';' || line[0] == '[' || line[0] == '#')
			continue;
		v = v ? v + 1
		      : (line[0] == ' ' || line[0] == '\t' ? line : NULL);
		if (!v)
			continue;
		v[strcspn(v, "\n")] = '\0';
		uint32_t first = 0;
		int missing = kiosk_text_missing(as, v, &first);
		if (missing != 0) {
			printf("# %s: U+%04X has no font in %s's chain: %s\n",
			       path, (unsigned)first, lang, v);
			bad++;
		}
	}
	fclose(f);
	return bad;
}

static int check_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int bad = 0, files = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char path[1024], lang[16];
		if (n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0 ||
		    n - 4 >= sizeof(lang))
			continue;
		snprintf(lang, sizeof(lang), "%.*s", (int)(n - 4), e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		bad += check_file(path, lang);
		files++;
	}
	closedir(d);
	assert_true(files > 0);
	return bad;
}

static void test_coverage(void **state)
{
	char dir[1024];

	(void)state;
	if (!as)
		skip();
	snprintf(dir, sizeof(dir), "%s/assets/strings", getenv("SAYSO_SRC"));
	assert_int_equal(check_dir(dir), 0);
	/* The check can fail: Gurmukhi has no glyph in the English chain
	 * without the Noto fallbacks; here with them it has, and a
	 * private-use code point never has one. */
	kiosk_assets_set_language(as, "en");
	assert_int_equal(kiosk_text_missing(as, "ਪੰਜਾਬੀ", NULL), 0);
	assert_int_equal(kiosk_text_missing(as, "a\xee\x80\x80", NULL), 1);
}

/* Log lines mentioning the missing font, counted. */
static void count_missing(enum sayso_log_level level, const char *msg, void *ud)
{
	(void)level;
	if (strstr(msg, "/nonexistent/Missing-Regular.ttf"))
		++*(int *)ud;
}

/* [kiosk] fonts_<lang> replaces the language's chain; a file that does not
 * open is logged once and the next font draws the text. */
static void test_configured_chain(void **state)
{
	char dir[256], ini[300], err[256];
	struct sayso_config c;
	struct kiosk_text_run runs[4];
	int n = 0, logged = 0;

	(void)state;
	if (!as)
		skip();
	tu_tmpdir(dir, sizeof(dir));
	snprintf(ini, sizeof(ini), "%s/sayso.ini", dir);
	FILE *f = fopen(ini, "w");
	assert_non_null(f);
	fprintf(f, "[site]\nlanguages = ur, en\n[kiosk]\n"
		   "fonts_ur = /nonexistent/Missing-Regular.ttf, "
		   "NotoNaskhArabic-Regular.ttf, NotoSans-Regular.ttf\n");
	fclose(f);
	assert_int_equal(sayso_config_load(&c, ini, err, sizeof(err)),
			 SAYSO_OK);
	assert_int_equal(c.kiosk.fonts_ur.n, 3);
	sayso_log_set_sink(count_missing, &logged);
	struct kiosk_assets *a = kiosk_assets_new(NULL, &c);
	assert_non_null(a);
	kiosk_assets_set_language(a, "ur");
	for (int i = 0; i < 3; i++) {
		SDL_Surface *s = kiosk_text_surface(a, KF_BODY, "شکریہ", 0,
						    runs, 4, &n, NULL);
		assert_non_null(s);
		SDL_FreeSurface(s);
		assert_int_equal(n, 1);
		/* Naskh, not the built-in Nastaliq: the configured chain. */
		assert_string_equal(runs[0].font,
				    NOTO "/NotoNaskhArabic-Regular.ttf");
	}
	kiosk_assets_set_language(a, "en");
	kiosk_assets_set_language(a, "ur");
	SDL_Surface *s =
	    kiosk_text_surface(a, KF_TITLE, "شکریہ", 0, runs, 4, &n, NULL);
	assert_non_null(s);
	SDL_FreeSurface(s);
	assert_string_equal(runs[0].font, NOTO "/NotoNaskhArabic-Bold.ttf");
	sayso_log_set_sink(NULL, NULL);
	/* Once per style it was tried at, never per draw. */
	assert_true(logged >= 1 && logged <= KF_COUNT);
	kiosk_assets_free(a);
	sayso_config_cleanup(&c);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shaping),
	    cmocka_unit_test(test_bidi_mixed),
	    cmocka_unit_test(test_coverage),
	    cmocka_unit_test(test_configured_chain),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

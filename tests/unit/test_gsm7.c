/*
 * test_gsm7.c: GSM-7/UCS-2 detection, segment counts at the 160/161,
 * 153x2, 70/71 and 67 boundaries, ESC and surrogate pairs at part
 * boundaries, smart-punctuation folding, splitting, truncation, UCS-2BE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "sayso/gsm7.h"

#define EURO "\xE2\x82\xAC"	/* extension table: 2 septets */
#define WCIRC "\xC5\xB5"	/* w circumflex: not GSM */
#define GRIN "\xF0\x9F\x98\x80" /* outside the BMP: 2 UTF-16 units */

/* buf gets n copies of the string unit, NUL-terminated; returns length. */
static size_t rep(char *buf, const char *unit, size_t n)
{
	size_t k = strlen(unit), i;

	for (i = 0; i < n; i++)
		memcpy(buf + i * k, unit, k);
	buf[n * k] = '\0';
	return n * k;
}

static struct sayso_sms_count count(const char *s)
{
	struct sayso_sms_count c;

	sayso_gsm7_count(s, strlen(s), &c);
	return c;
}

static void test_encodable(void **state)
{
	(void)state;
	assert_true(sayso_gsm7_encodable("", 0));
	assert_true(sayso_gsm7_encodable("Hello, VOTE 3 7!", 16));
	assert_true(sayso_gsm7_encodable("\xC2\xA3"
					 "5 @ caf\xC3\xA9",
					 11));
	assert_true(sayso_gsm7_encodable(EURO "{}[]~^|\\", 11));
	assert_true(sayso_gsm7_encodable("\xCE\x94\xCE\xA9 \xC3\x91 \xC2\xBF",
					 10)); /* Delta Omega N-tilde ¿ */
	assert_false(sayso_gsm7_encodable("`", 1));
	assert_false(sayso_gsm7_encodable("na\xC3\xAFve", 6)); /* i-diaeresis */
	assert_false(sayso_gsm7_encodable(WCIRC, 2));
	assert_false(sayso_gsm7_encodable("\xC5\x82", 2)); /* Polish l */
	assert_false(sayso_gsm7_encodable(GRIN, 4));
	assert_false(sayso_gsm7_encodable("it\xE2\x80\x99s", 5)); /* ’ */
	assert_false(sayso_gsm7_encodable("\xFF", 1));		  /* junk */

	assert_int_equal(sayso_gsm7_cost('A'), 1);
	assert_int_equal(sayso_gsm7_cost('\n'), 1);
	assert_int_equal(sayso_gsm7_cost('{'), 2);
	assert_int_equal(sayso_gsm7_cost('\f'), 2);
	assert_int_equal(sayso_gsm7_cost(0x20AC), 2);
	assert_int_equal(sayso_gsm7_cost(0x0394), 1);
	assert_int_equal(sayso_gsm7_cost(0x00E7), 0); /* c-cedilla: no */
	assert_int_equal(sayso_gsm7_cost(0x00C7), 1); /* C-cedilla: yes */
	assert_int_equal(sayso_gsm7_cost(0x0175), 0);
	assert_int_equal(sayso_gsm7_cost('\t'), 0);
}

static void test_gsm7_boundaries(void **state)
{
	char buf[2048];
	struct sayso_sms_count c;
	size_t n;

	(void)state;
	c = count("");
	assert_true(c.gsm7);
	assert_int_equal(c.segments, 1);
	assert_int_equal(c.remaining, 160);

	rep(buf, "a", 160);
	c = count(buf);
	assert_true(c.gsm7);
	assert_int_equal(c.units, 160);
	assert_int_equal(c.segments, 1);
	assert_int_equal(c.remaining, 0);

	rep(buf, "a", 161);
	c = count(buf);
	assert_int_equal(c.segments, 2);
	assert_int_equal(c.remaining, 153 - 8);

	rep(buf, "a", 306); /* 153 x 2 */
	c = count(buf);
	assert_int_equal(c.segments, 2);
	assert_int_equal(c.remaining, 0);
	rep(buf, "a", 307);
	assert_int_equal(count(buf).segments, 3);
	rep(buf, "a", 459);
	assert_int_equal(count(buf).segments, 3);

	/* extension characters cost 2 */
	rep(buf, EURO, 80);
	c = count(buf);
	assert_true(c.gsm7);
	assert_int_equal(c.chars, 80);
	assert_int_equal(c.units, 160);
	assert_int_equal(c.segments, 1);
	n = rep(buf, "a", 159);
	memcpy(buf + n, "{", 2);
	c = count(buf);
	assert_int_equal(c.units, 161);
	assert_int_equal(c.segments, 2);

	/* An ESC pair never straddles parts: 152 + pair + 152 = 306 septets
	 * would fill two parts exactly, but the pair moves to part 2. */
	n = rep(buf, "a", 152);
	memcpy(buf + n, EURO, 3);
	rep(buf + n + 3, "b", 152);
	c = count(buf);
	assert_int_equal(c.units, 306);
	assert_int_equal(c.segments, 3);
	/* ... and with 151 after it, two parts suffice */
	rep(buf + n + 3, "b", 151);
	assert_int_equal(count(buf).segments, 2);
}

static void test_ucs2_boundaries(void **state)
{
	char buf[2048];
	struct sayso_sms_count c;
	size_t n;

	(void)state;
	rep(buf, WCIRC, 70);
	c = count(buf);
	assert_false(c.gsm7);
	assert_int_equal(c.units, 70);
	assert_int_equal(c.segments, 1);
	rep(buf, WCIRC, 71);
	c = count(buf);
	assert_int_equal(c.segments, 2);
	assert_int_equal(c.remaining, 67 - 4);
	rep(buf, WCIRC, 134); /* 67 x 2 */
	assert_int_equal(count(buf).segments, 2);
	rep(buf, WCIRC, 135);
	assert_int_equal(count(buf).segments, 3);

	/* one non-GSM character switches everything to UCS-2 */
	n = rep(buf, "a", 69);
	memcpy(buf + n, WCIRC, 3);
	c = count(buf);
	assert_false(c.gsm7);
	assert_int_equal(c.units, 70);
	assert_int_equal(c.segments, 1);
	n = rep(buf, "a", 159);
	memcpy(buf + n, "`", 2);
	c = count(buf);
	assert_int_equal(c.units, 160);
	assert_int_equal(c.segments, 3); /* 67 + 67 + 26 */

	/* emoji are surrogate pairs: 35 fit, 36 do not */
	rep(buf, GRIN, 35);
	c = count(buf);
	assert_int_equal(c.chars, 35);
	assert_int_equal(c.units, 70);
	assert_int_equal(c.segments, 1);
	rep(buf, GRIN, 36);
	assert_int_equal(count(buf).segments, 2);

	/* a surrogate pair never straddles parts: 66 + 2 + 66 = 134 */
	n = rep(buf, WCIRC, 66);
	memcpy(buf + n, GRIN, 4);
	rep(buf + n + 4, WCIRC, 66);
	c = count(buf);
	assert_int_equal(c.units, 134);
	assert_int_equal(c.segments, 3);
	rep(buf + n + 4, WCIRC, 65);
	assert_int_equal(count(buf).segments, 2);
}

static void test_fold(void **state)
{
	const char *in = "It\xE2\x80\x99s \xC2\xA3"
			 "5\xC2\xA0\xE2\x80\x93 thanks\xE2\x80\xA6 "
			 "\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x94 "
			 "`tick\xC2\xB4 \xE2\x80\xA2 a\xE2\x80\x8B"
			 "b\xEF\xBB\xBF";
	char out[128], small[10];
	size_t n;

	(void)state;
	assert_false(sayso_gsm7_encodable(in, strlen(in)));
	n = sayso_gsm7_fold(in, strlen(in), out, sizeof(out));
	assert_string_equal(out, "It's \xC2\xA3"
				 "5 - thanks... \"quoted\" - "
				 "'tick' * ab");
	assert_int_equal(n, strlen(out));
	assert_true(n <= strlen(in));
	assert_true(sayso_gsm7_encodable(out, n));

	/* letters are not folded */
	n = sayso_gsm7_fold("Ffordd " WCIRC "yn", 11, out, sizeof(out));
	assert_string_equal(out, "Ffordd " WCIRC "yn");
	assert_false(sayso_gsm7_encodable(out, n));

	/* invalid bytes become U+FFFD */
	n = sayso_gsm7_fold("a\xFF"
			    "b",
			    3, out, sizeof(out));
	assert_string_equal(out, "a\xEF\xBF\xBD"
				 "b");
	assert_int_equal(n, 5);

	/* a small buffer is cut at a character boundary, snprintf-style */
	n = sayso_gsm7_fold("abcdefgh" EURO "x", 12, small, sizeof(small));
	assert_string_equal(small, "abcdefgh");
	assert_int_equal(n, 12);
	n = sayso_gsm7_fold("abc", 3, small, 0);
	assert_int_equal(n, 3);
}

/* Checks that parts cover s in order, fit limit units each, and that
 * joining them with single spaces gives the text back when words_only. */
static void check_parts(const char *s, const struct sayso_sms_part *p, size_t n,
			size_t limit, int words_only)
{
	struct sayso_sms_count c, whole;
	char *joined = malloc(strlen(s) + n + 1);
	size_t i, w = 0, prev_end = 0;

	assert_non_null(joined);
	sayso_gsm7_count(s, strlen(s), &whole);
	for (i = 0; i < n; i++) {
		assert_true(p[i].off >= prev_end);
		assert_true(p[i].len > 0);
		sayso_gsm7_count(s + p[i].off, p[i].len, &c);
		/* units in the whole text's encoding */
		if (whole.gsm7 == c.gsm7)
			assert_true(c.units <= limit);
		/* never starts with a UTF-8 continuation byte */
		assert_true(((unsigned char)s[p[i].off] & 0xC0) != 0x80);
		if (i > 0)
			joined[w++] = ' ';
		memcpy(joined + w, s + p[i].off, p[i].len);
		w += p[i].len;
		prev_end = p[i].off + p[i].len;
	}
	joined[w] = '\0';
	if (words_only)
		assert_string_equal(joined, s);
	free(joined);
}

static void test_split(void **state)
{
	char buf[4096];
	struct sayso_sms_part parts[8];
	size_t n, i, k;

	(void)state;
	/* fits: one part, the whole text */
	assert_int_equal(sayso_gsm7_split("VOTE 3 7", 8, true, parts, 3, &n),
			 SAYSO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(parts[0].off, 0);
	assert_int_equal(parts[0].len, 8);

	/* 280 characters of words: 2 parts at word boundaries */
	buf[0] = '\0';
	k = 0;
	for (i = 0; k < 280; i++) {
		const char *wd = (i % 3 == 0)	? "Community"
				 : (i % 3 == 1) ? "garden"
						: "42";
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s",
				      i ? " " : "", wd);
	}
	assert_int_equal(sayso_gsm7_split(buf, strlen(buf), true, parts, 3, &n),
			 SAYSO_OK);
	assert_int_equal(n, 2);
	check_parts(buf, parts, n, 153, 1);
	for (i = 0; i < n; i++) {
		/* breaks fall between words */
		assert_true(buf[parts[i].off] != ' ');
		assert_true(buf[parts[i].off + parts[i].len - 1] != ' ');
		if (parts[i].off + parts[i].len < strlen(buf))
			assert_int_equal(buf[parts[i].off + parts[i].len], ' ');
	}
	/* as separate messages the limit is 160 */
	assert_int_equal(
	    sayso_gsm7_split(buf, strlen(buf), false, parts, 3, &n), SAYSO_OK);
	assert_int_equal(n, 2);
	check_parts(buf, parts, n, 160, 1);

	/* too long for max_parts: TOOBIG, the first parts still filled */
	assert_int_equal(sayso_gsm7_split(buf, strlen(buf), true, parts, 1, &n),
			 SAYSO_ERR_TOOBIG);
	assert_int_equal(n, 1);
	assert_int_equal(parts[0].off, 0);
	assert_true(parts[0].len <= 153);

	/* one 400-character word: hard cuts of 153, 153, 94 */
	rep(buf, "a", 400);
	assert_int_equal(sayso_gsm7_split(buf, 400, true, parts, 3, &n),
			 SAYSO_OK);
	assert_int_equal(n, 3);
	assert_int_equal(parts[0].len, 153);
	assert_int_equal(parts[1].len, 153);
	assert_int_equal(parts[2].len, 94);

	/* 200 euro signs (400 septets): 76 per part, pairs never split */
	rep(buf, EURO, 200);
	assert_int_equal(sayso_gsm7_split(buf, 600, true, parts, 8, &n),
			 SAYSO_OK);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++)
		assert_int_equal(parts[i].len % 3, 0);
	assert_int_equal(parts[0].len, 76 * 3);
	check_parts(buf, parts, n, 153, 0);

	/* 100 emoji (200 units): 33 per part, surrogates never split */
	rep(buf, GRIN, 100);
	assert_int_equal(sayso_gsm7_split(buf, 400, true, parts, 8, &n),
			 SAYSO_OK);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_int_equal(parts[i].len % 4, 0);
	assert_int_equal(parts[0].len, 33 * 4);
	check_parts(buf, parts, n, 67, 0);

	/* UCS-2 as separate messages: 70 units each */
	k = 0;
	for (i = 0; i < 30; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s",
				      i ? " " : "", "Ffordd " WCIRC "yn");
	assert_int_equal(sayso_gsm7_split(buf, k, false, parts, 8, &n),
			 SAYSO_OK);
	assert_int_equal(n, 5); /* 329 units, 10 chars a word */
	check_parts(buf, parts, n, 70, 1);
	assert_int_equal(sayso_gsm7_split(buf, k, true, parts, 8, &n),
			 SAYSO_OK);
	check_parts(buf, parts, n, 67, 1);
	assert_int_equal(n, 5);

	/* e + combining acute, repeated: a part never begins with the mark */
	rep(buf, "e\xCC\x81", 100);
	assert_int_equal(sayso_gsm7_split(buf, 300, true, parts, 8, &n),
			 SAYSO_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(buf[parts[i].off], 'e');
	check_parts(buf, parts, n, 67, 0);

	/* newlines are break points too, and are not kept at the edges */
	k = rep(buf, "x", 150);
	buf[k++] = '\n';
	rep(buf + k, "y", 100);
	assert_int_equal(sayso_gsm7_split(buf, strlen(buf), true, parts, 3, &n),
			 SAYSO_OK);
	assert_int_equal(n, 2);
	assert_int_equal(parts[0].len, 150);
	assert_int_equal(parts[1].off, 151);
	assert_int_equal(parts[1].len, 100);

	assert_int_equal(sayso_gsm7_split(buf, 10, true, parts, 0, &n),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_gsm7_split(NULL, 10, true, parts, 2, &n),
			 SAYSO_ERR_INVAL);
}

static void test_truncate(void **state)
{
	char buf[1024], out[1024];
	struct sayso_sms_count c;
	size_t n, i, k;

	(void)state;
	/* project title abbreviated at a word */
	assert_int_equal(sayso_gsm7_truncate("Community garden on Elm Street",
					     30, 20, out, sizeof(out), &n),
			 SAYSO_OK);
	assert_string_equal(out, "Community garden...");
	assert_int_equal(n, 19);
	/* fits: unchanged */
	assert_int_equal(
	    sayso_gsm7_truncate("Bench", 5, 20, out, sizeof(out), &n),
	    SAYSO_OK);
	assert_string_equal(out, "Bench");
	/* one long word: cut inside it */
	assert_int_equal(sayso_gsm7_truncate("Supercalifragilistic", 20, 10,
					     out, sizeof(out), &n),
			 SAYSO_OK);
	assert_string_equal(out, "Superca...");
	/* a trailing comma before the cut goes */
	assert_int_equal(sayso_gsm7_truncate("Lights, benches, bins", 21, 12,
					     out, sizeof(out), &n),
			 SAYSO_OK);
	assert_string_equal(out, "Lights...");
	/* an euro sign (2 septets) counts as 2 */
	assert_int_equal(sayso_gsm7_truncate(EURO EURO EURO EURO EURO, 15, 7,
					     out, sizeof(out), &n),
			 SAYSO_OK);
	assert_string_equal(out, EURO EURO "...");

	/* fit one GSM-7 message */
	k = 0;
	for (i = 0; i < 40; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "word%zu ", i);
	assert_int_equal(sayso_gsm7_fit_one(buf, k, out, sizeof(out), &n),
			 SAYSO_OK);
	sayso_gsm7_count(out, n, &c);
	assert_true(c.gsm7);
	assert_true(c.units <= 160);
	assert_true(c.units >= 150);
	assert_int_equal(c.segments, 1);
	assert_memory_equal(out + n - 3, "...", 3);
	assert_true(out[n - 4] != ' ');

	/* fit one UCS-2 message: 70 units including the U+2026 */
	n = rep(buf, "Ffordd " WCIRC "yn ", 20);
	assert_int_equal(sayso_gsm7_fit_one(buf, n, out, sizeof(out), &n),
			 SAYSO_OK);
	sayso_gsm7_count(out, n, &c);
	assert_false(c.gsm7);
	assert_true(c.units <= 70);
	assert_true(c.units >= 60);
	assert_memory_equal(out + n - 3, "\xE2\x80\xA6", 3);

	/* emoji: never cut inside a surrogate pair */
	n = rep(buf, GRIN, 50);
	assert_int_equal(sayso_gsm7_fit_one(buf, n, out, sizeof(out), &n),
			 SAYSO_OK);
	assert_int_equal(n, 34 * 4 + 3); /* 34 emoji = 68 units + 1 */

	assert_int_equal(
	    sayso_gsm7_truncate("abcdef", 6, 3, out, sizeof(out), &n),
	    SAYSO_ERR_INVAL);
	assert_int_equal(sayso_gsm7_truncate("abcdefghijkl", 12, 8, out, 4, &n),
			 SAYSO_ERR_TOOBIG);
	assert_string_equal(out, "");
}

static void test_ucs2be(void **state)
{
	unsigned char out[32];
	size_t n;
	static const unsigned char want[] = {0x00, 0x41, 0x20, 0xAC,
					     0xD8, 0x3D, 0xDE, 0x00,
					     0x01, 0x75, 0xFF, 0xFD};

	(void)state;
	assert_int_equal(sayso_gsm7_to_ucs2be("A" EURO GRIN WCIRC "\xFF", 11,
					      out, sizeof(out), &n),
			 SAYSO_OK);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	/* exactly enough room, and one byte short */
	assert_int_equal(sayso_gsm7_to_ucs2be(GRIN, 4, out, 4, &n), SAYSO_OK);
	assert_int_equal(n, 4);
	assert_int_equal(sayso_gsm7_to_ucs2be(GRIN, 4, out, 3, &n),
			 SAYSO_ERR_TOOBIG);
	assert_int_equal(sayso_gsm7_to_ucs2be("", 0, out, 0, &n), SAYSO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(sayso_gsm7_to_ucs2be("a", 1, NULL, 4, &n),
			 SAYSO_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encodable),
	    cmocka_unit_test(test_gsm7_boundaries),
	    cmocka_unit_test(test_ucs2_boundaries),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_truncate),
	    cmocka_unit_test(test_ucs2be),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

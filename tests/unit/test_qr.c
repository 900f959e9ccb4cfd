/*
 * test_qr.c: sayso_qr_encode() (libqrencode, EC level M, 8-bit).
 *
 * Structure checks that hold for every QR symbol (size 17 + 4 * version, the
 * three finder patterns, the timing rows); decoding back to the text with
 * zbarimg is done on the real PNG in tests/integration/results_qr.sh.
 */
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "sayso/qr.h"

/* The 7x7 finder pattern with its top-left corner at (x0, y0). */
static void assert_finder(const struct sayso_qr *qr, int x0, int y0)
{
	int x, y;

	for (y = 0; y < 7; y++) {
		for (x = 0; x < 7; x++) {
			int ring = x == 0 || y == 0 || x == 6 || y == 6;
			int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;

			assert_int_equal(sayso_qr_dark(qr, x0 + x, y0 + y),
					 ring || core);
		}
	}
}

static void test_structure(void **state)
{
	struct sayso_qr qr = {0};
	int i, w;

	(void)state;
	assert_int_equal(
	    sayso_qr_encode("https://example.org/results?site=hub1", &qr),
	    SAYSO_OK);
	w = qr.width;
	/* 37 bytes at level M need version 3: 29 modules. */
	assert_int_equal(w, 29);
	assert_int_equal((w - 17) % 4, 0);
	assert_finder(&qr, 0, 0);
	assert_finder(&qr, w - 7, 0);
	assert_finder(&qr, 0, w - 7);
	/* Separators next to the finders are light. */
	for (i = 0; i < 8; i++) {
		assert_int_equal(sayso_qr_dark(&qr, 7, i), 0);
		assert_int_equal(sayso_qr_dark(&qr, i, 7), 0);
	}
	/* Timing patterns alternate, dark on even positions. */
	for (i = 8; i < w - 8; i++) {
		assert_int_equal(sayso_qr_dark(&qr, i, 6), i % 2 == 0);
		assert_int_equal(sayso_qr_dark(&qr, 6, i), i % 2 == 0);
	}
	/* The dark module every symbol has at (8, 4V + 9). */
	assert_int_equal(sayso_qr_dark(&qr, 8, w - 8), 1);
	/* The quiet zone (outside the symbol) is light. */
	assert_int_equal(sayso_qr_dark(&qr, -1, 0), 0);
	assert_int_equal(sayso_qr_dark(&qr, 0, -4), 0);
	assert_int_equal(sayso_qr_dark(&qr, w, w - 1), 0);
	assert_int_equal(sayso_qr_dark(&qr, 3, w + 3), 0);
	/* Every byte is 0 or 1. */
	for (i = 0; i < w * w; i++)
		assert_true(qr.modules[i] == 0 || qr.modules[i] == 1);
	sayso_qr_cleanup(&qr);
	assert_null(qr.modules);
	assert_int_equal(qr.width, 0);
	sayso_qr_cleanup(&qr); /* twice is harmless */
	sayso_qr_cleanup(NULL);
}

/* Level M: the 15 format bits carry the level in their two top bits (M is
 * 00), XORed with the mask 101010000010010, so both read 1 0 in the symbol.
 * Bit 14 sits at (0, 8) and (8, w - 1), bit 13 at (1, 8) and (8, w - 2)
 * (ISO/IEC 18004 figure 25; libqrencode's Mask_writeFormatInformation). */
static void test_level_m(void **state)
{
	struct sayso_qr qr = {0};
	int w;

	(void)state;
	assert_int_equal(sayso_qr_encode("HELLO", &qr), SAYSO_OK);
	w = qr.width;
	assert_int_equal(w, 21);
	assert_int_equal(sayso_qr_dark(&qr, 0, 8), 1);
	assert_int_equal(sayso_qr_dark(&qr, 1, 8), 0);
	assert_int_equal(sayso_qr_dark(&qr, 8, w - 1), 1);
	assert_int_equal(sayso_qr_dark(&qr, 8, w - 2), 0);
	sayso_qr_cleanup(&qr);
}

static void test_sizes_grow(void **state)
{
	struct sayso_qr a = {0}, b = {0};
	char longer[600];

	(void)state;
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(sayso_qr_encode("https://x.org/", &a), SAYSO_OK);
	assert_int_equal(sayso_qr_encode(longer, &b), SAYSO_OK);
	assert_true(b.width > a.width);
	assert_true(b.width <= 177);
	sayso_qr_cleanup(&a);
	sayso_qr_cleanup(&b);
}

static void test_errors(void **state)
{
	struct sayso_qr qr = {0};
	char *big;

	(void)state;
	assert_int_equal(sayso_qr_encode("", &qr), SAYSO_ERR_INVAL);
	assert_null(qr.modules);
	assert_int_equal(sayso_qr_encode(NULL, &qr), SAYSO_ERR_INVAL);
	assert_int_equal(sayso_qr_encode("x", NULL), SAYSO_ERR_INVAL);
	big = malloc(1026);
	assert_non_null(big);
	memset(big, 'z', 1025);
	big[1025] = '\0';
	assert_int_equal(sayso_qr_encode(big, &qr), SAYSO_ERR_TOOBIG);
	assert_null(qr.modules);
	big[1024] = '\0'; /* exactly the maximum is fine */
	assert_int_equal(sayso_qr_encode(big, &qr), SAYSO_OK);
	sayso_qr_cleanup(&qr);
	free(big);
	/* An empty struct answers "light" everywhere. */
	assert_int_equal(sayso_qr_dark(&qr, 0, 0), 0);
	assert_int_equal(sayso_qr_dark(NULL, 0, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_structure),
	    cmocka_unit_test(test_level_m),
	    cmocka_unit_test(test_sizes_grow),
	    cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

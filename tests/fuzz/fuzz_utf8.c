/*
 * fuzz_utf8.c: libFuzzer harness for sayso_utf8_clean (stored text made safe
 * for JSON, HTML and a terminal) and for the delimited-field writer read
 * back by the .pb cell splitter.
 *
 * Clean: the output is valid UTF-8 without NULs, its length is what was
 * returned, cleaning it again changes nothing, a short buffer is never
 * overrun and still holds valid UTF-8; with SAYSO_UTF8_TERMINAL no control
 * character (C0, DEL, C1) and no bidi override or isolate is left.
 * Writer: a field written with ';' (and the formula guard) and split again
 * is one cell equal to the input (with the guard's ' in front when it
 * applies); a field that is only spaces reads as an empty line and is
 * skipped.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pabulib_internal.h"
#include "sayso/file.h"
#include "sayso/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool terminal_safe(const unsigned char *s)
{
	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7f)
			return false;
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			return false; /* C1 */
		if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0xaa &&
		    s[2] <= 0xae)
			return false; /* U+202A-U+202E */
		if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 &&
		    s[2] <= 0xa9)
			return false; /* U+2066-U+2069 */
	}
	return true;
}

static void check_clean(const char *src, size_t len, unsigned flags)
{
	size_t cap = 3 * len + 1, n, n2, small;
	char *dst = malloc(cap), *again = malloc(cap), *tiny;

	if (!dst || !again)
		abort();
	n = sayso_utf8_clean(src, dst, cap, flags);
	if (n != strlen(dst) || sayso_utf8_bad_at(dst, n) != n)
		abort();
	if ((flags & SAYSO_UTF8_TERMINAL) &&
	    !terminal_safe((const unsigned char *)dst))
		abort();
	n2 = sayso_utf8_clean(dst, again, cap, flags);
	if (n2 != n || memcmp(dst, again, n) != 0)
		abort();
	/* A short buffer, exactly sized so ASan sees any overrun. */
	small = len % 7 + 1;
	tiny = malloc(small);
	if (!tiny)
		abort();
	n2 = sayso_utf8_clean(src, tiny, small, flags);
	if (n2 >= small || n2 != strlen(tiny) ||
	    sayso_utf8_bad_at(tiny, n2) != n2 || memcmp(tiny, dst, n2) != 0)
		abort();
	free(tiny);
	free(dst);
	free(again);
}

static void check_field(const char *src, size_t len)
{
	struct Sayso_pb_cells c;
	char *text = NULL;
	size_t tlen = 0, i;
	bool guard = sayso_delim_is_formula(src), blank = true;
	FILE *mem = open_memstream(&text, &tlen);

	if (!mem)
		abort();
	sayso_delim_write(mem, src, ';', SAYSO_DELIM_FORMULA_GUARD);
	fclose(mem);
	for (i = 0; i < len && blank; i++)
		if (!strchr(" \t\v\f\r\n", src[i]))
			blank = false;
	if (Sayso_pb_cells_split(text, &c) != SAYSO_OK)
		abort();
	if (blank && !guard && !strpbrk(src, ";\"\r\n")) {
		if (c.n > 1)
			abort();
	} else if (c.n != 1 || strncmp(c.cell[0], "'", guard) != 0 ||
		   strcmp(c.cell[0] + guard, src) != 0) {
		abort();
	}
	Sayso_pb_cells_free(&c);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src;

	if (size > 4096)
		return 0;
	src = malloc(size + 1);
	if (!src)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	size = strlen(src); /* a C string ends at its first NUL */
	check_clean(src, size, 0);
	check_clean(src, size, SAYSO_UTF8_TERMINAL);
	check_field(src, size);
	free(src);
	return 0;
}

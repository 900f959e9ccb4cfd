/*
 * fuzz_smsparse.c: libFuzzer harness for the SMS grammar and the GSM-7/UCS-2
 * helpers, i.e. everything that reads a resident's text.
 *
 * Beyond "no crash, no leak, no UB", it checks the contracts: the cleaned
 * body is valid UTF-8 without control characters and within its maximum,
 * parsing is deterministic, a RATE has a score of 1..5 or a problem, split
 * parts stay inside the text and within their unit limit, truncation fits,
 * and the UCS-2BE output has the length counting predicted. A broken
 * contract calls abort() so that the fuzzer keeps the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sayso/gsm7.h"
#include "sayso/smsparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static int valid_clean_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, k;
	unsigned long c;

	while (s[i] != '\0') {
		c = s[i];
		if (c < 0x20 || c == 0x7F)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 4;
		else
			return 0;
		c &= (n == 2) ? 0x1F : (n == 3) ? 0x0F : 0x07;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
		    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		i += n;
	}
	return 1;
}

static void exercise_gsm7(const char *s, size_t len)
{
	struct sayso_sms_count c, pc;
	struct sayso_sms_part parts[4];
	size_t n, i, limit, outlen;
	char *buf;
	unsigned char *ucs;
	enum sayso_err err;

	sayso_gsm7_count(s, len, &c);
	check(c.segments >= 1);
	check(c.units >= c.chars || !c.gsm7);
	check(sayso_gsm7_encodable(s, len) == c.gsm7);

	buf = malloc(3 * len + 8);
	check(buf != NULL);
	n = sayso_gsm7_fold(s, len, buf, 3 * len + 1);
	check(n <= 3 * len);
	check(buf[n] == '\0');

	for (i = 0; i < 2; i++) {
		err = sayso_gsm7_split(s, len, i == 0, parts, 4, &n);
		check(err == SAYSO_OK || err == SAYSO_ERR_TOOBIG);
		check(n >= 1 && n <= 4);
		limit = c.segments == 1 ? (c.gsm7 ? 160 : 70)
			: i == 0	? (c.gsm7 ? 153 : 67)
					: (c.gsm7 ? 160 : 70);
		while (n-- > 0) {
			check(parts[n].off + parts[n].len <= len);
			sayso_gsm7_count(s + parts[n].off, parts[n].len, &pc);
			if (pc.gsm7 == c.gsm7)
				check(pc.units <= limit);
		}
	}

	err = sayso_gsm7_fit_one(s, len, buf, len + 4, &outlen);
	check(err == SAYSO_OK);
	sayso_gsm7_count(buf, outlen, &pc);
	check(pc.segments == 1);
	err = sayso_gsm7_truncate(s, len, 20, buf, len + 4, &outlen);
	check(err == SAYSO_OK);
	sayso_gsm7_count(buf, outlen, &pc);
	check(pc.units <= 20 || pc.gsm7 != c.gsm7);

	ucs = malloc(2 * len + 1);
	check(ucs != NULL);
	err = sayso_gsm7_to_ucs2be(s, len, ucs, 2 * len, &outlen);
	check(err == SAYSO_OK);
	if (!c.gsm7)
		check(outlen == 2 * c.units);
	free(ucs);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sayso_sms_cmd *a, *b;
	char why[256];

	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	check(a != NULL && b != NULL);
	check(sayso_smsparse_parse(data, size, a) == SAYSO_OK);
	check(sayso_smsparse_parse(data, size, b) == SAYSO_OK);
	check(memcmp(a, b, sizeof(*a)) == 0);
	check(valid_clean_utf8(a->body) && valid_clean_utf8(a->text) &&
	      valid_clean_utf8(a->token));
	check(strlen(a->body) <= SAYSO_SMSPARSE_TEXT_MAX);
	check(a->npicks <= SAYSO_SMSPARSE_PICKS_MAX && a->npicks <= a->nseen);
	if (a->kind == SAYSO_SMS_RATE)
		check((a->score >= 1 && a->score <= 5) ||
		      a->problem != SAYSO_SMSP_NONE);
	if (a->kind == SAYSO_SMS_EMPTY)
		check(a->body[0] == '\0');
	check(sayso_smsparse_explain(a, why, sizeof(why)) < 1000);
	check(sayso_smsparse_kind_name(a->kind)[0] != '\0');

	/* the helpers on raw bytes (any junk) and on the cleaned body */
	exercise_gsm7((const char *)data, size > 4096 ? 4096 : size);
	exercise_gsm7(a->body, strlen(a->body));
	free(a);
	free(b);
	return 0;
}

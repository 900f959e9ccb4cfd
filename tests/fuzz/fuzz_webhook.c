/*
 * fuzz_webhook.c: everything smsgw reads from the network or the spool.
 * The first byte picks the decoder:
 *   0  a Twilio webhook body: form decoding, the signature check (a random
 *      header never verifies; our own signature always does), and the
 *      message fields;
 *   1  a Kannel get-url query (from, to, text, id, ts, coding, charset);
 *   2  an smstools3 incoming file.
 * Invariants: no crash, no read past the input, every decoded body is
 * NUL-terminated valid UTF-8 within SAYSO_SMS_BODY_MAX bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webhook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_utf8(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max)
		abort();
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t len = p[i] < 0x80	     ? 1
			     : (p[i] & 0xE0) == 0xC0 ? 2
			     : (p[i] & 0xF0) == 0xE0 ? 3
			     : (p[i] & 0xF8) == 0xF0 ? 4
						     : 0;
		if (len == 0 || i + len > n)
			abort();
		for (size_t k = 1; k < len; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				abort();
		i += len;
	}
}

static void check_msg(const struct smsgw_msgin *m)
{
	check_utf8(m->body, SAYSO_SMS_BODY_MAX);
	if (memchr(m->from, '\0', sizeof m->from) == NULL ||
	    memchr(m->provider_id, '\0', sizeof m->provider_id) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int mode = data[0] % 3;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	struct smsgw_form f = {0};
	struct smsgw_msgin m;

	switch (mode) {
	case 0: {
		if (smsgw_form_parse(s, n, &f) == SAYSO_OK) {
			const char *url = "https://hub.example.org/sms/twilio";
			char sig[64];
			/* Any header, valid or not, is checked without
			 * crashing (a match would need a SHA-1 preimage). */
			(void)smsgw_twilio_verify(
			    "12345", url, &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
			if (smsgw_twilio_sign("12345", url, &f, sig,
					      sizeof sig) == SAYSO_OK &&
			    !smsgw_twilio_verify("12345", url, &f, sig))
				abort();
			if (smsgw_twilio_decode(&f, &m) == SAYSO_OK)
				check_msg(&m);
		}
		break;
	}
	case 1:
		if (smsgw_form_parse(s, n, &f) == SAYSO_OK &&
		    smsgw_kannel_decode(&f, &m) == SAYSO_OK)
			check_msg(&m);
		break;
	default: {
		const char *why = NULL;
		if (smsgw_spool_parse(s, n, &m, &why) == SAYSO_OK)
			check_msg(&m);
		else if (!why)
			abort();
		break;
	}
	}
	smsgw_form_free(&f);
	return 0;
}

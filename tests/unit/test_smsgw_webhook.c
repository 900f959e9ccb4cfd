/*
 * test_smsgw_webhook.c: form decoding, the X-Twilio-Signature (Twilio's own
 * SDK test vectors, quoted in /work/shared/reference/sms-gateways.md §1.2),
 * Kannel query decoding, smstools3 spool files and charsets.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "webhook.h"

static const char *URL = "https://mycompany.com/myapp.php?foo=1&bar=2";

static void voice_params(struct smsgw_form *f)
{
	static const char *kv[][2] = {
	    {"CallSid", "CA1234567890ABCDE"}, {"Digits", "1234"},
	    {"From", "+14158675309"},	      {"To", "+18005551212"},
	    {"Caller", "+14158675309"},
	};
	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		assert_int_equal(
		    smsgw_form_add(f, kv[i][0], kv[i][1], strlen(kv[i][1])),
		    SAYSO_OK);
}

static void test_official_vector(void **state)
{
	(void)state;
	struct smsgw_form f;
	char sig[64];
	voice_params(&f);
	assert_int_equal(smsgw_twilio_sign("12345", URL, &f, sig, sizeof sig),
			 SAYSO_OK);
	assert_string_equal(sig, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
	assert_true(smsgw_twilio_verify("12345", URL, &f,
					"RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	/* One character off, wrong token, missing header: refused. */
	assert_false(smsgw_twilio_verify("12345", URL, &f,
					 "RSOYDt4T1cUTdK1PDd93/VVr8B8A"));
	assert_false(smsgw_twilio_verify("12346", URL, &f,
					 "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	assert_false(smsgw_twilio_verify("12345", URL, &f, NULL));
	assert_false(smsgw_twilio_verify("12345", URL, &f, ""));
	assert_false(
	    smsgw_twilio_verify("", URL, &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	/* A changed parameter breaks it. */
	free(f.p[1].value);
	f.p[1].value = strdup("1235");
	f.p[1].valuelen = 4;
	assert_false(smsgw_twilio_verify("12345", URL, &f,
					 "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	smsgw_form_free(&f);
}

static void test_old_docs_vector(void **state)
{
	(void)state;
	struct smsgw_form f;
	voice_params(&f);
	for (size_t i = 0; i < f.n; i++) {
		if (!strcmp(f.p[i].name, "From") ||
		    !strcmp(f.p[i].name, "Caller")) {
			free(f.p[i].value);
			f.p[i].value = strdup("+12349013030");
			f.p[i].valuelen = strlen(f.p[i].value);
		}
	}
	assert_true(smsgw_twilio_verify("12345", URL, &f,
					"0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	smsgw_form_free(&f);
}

static void test_port_variants(void **state)
{
	(void)state;
	struct smsgw_form f;
	voice_params(&f);
	/* Twilio signed with :443; we are configured without. */
	assert_true(smsgw_twilio_verify("12345", URL, &f,
					"kvajT1Ptam85bY51eRf/AJRuM3w="));
	/* Twilio signed without a port; we are configured with :443. */
	assert_true(smsgw_twilio_verify(
	    "12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	/* http with :80 */
	assert_true(smsgw_twilio_verify(
	    "12345", "http://mycompany.com/myapp.php?foo=1&bar=2", &f,
	    "0ZXoZLH/DfblKGATFgpif+LLRf4="));
	/* A non-default port is signed as is and only as is. */
	char sig[64];
	assert_int_equal(
	    smsgw_twilio_sign("12345",
			      "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
			      &f, sig, sizeof sig),
	    SAYSO_OK);
	assert_string_equal(sig, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
	assert_false(smsgw_twilio_verify(
	    "12345", "http://mycompany.com/myapp.php?foo=1&bar=2", &f,
	    "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
	smsgw_form_free(&f);
}

static void test_body_hash_url_vector(void **state)
{
	(void)state;
	/* JSON bodies: only the URL (with bodySHA256) is signed. */
	char sig[64];
	assert_int_equal(
	    smsgw_twilio_sign("12345",
			      "https://mycompany.com/myapp.php?foo=1&bar=2"
			      "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e"
			      "41502b283a80c7cf19632632f96e6620",
			      NULL, sig, sizeof sig),
	    SAYSO_OK);
	assert_string_equal(sig, "a9nBmqA0ju/hNViExpshrM61xv4=");
}

static void test_duplicates_and_arrays(void **state)
{
	(void)state;
	struct smsgw_form f = {0};
	const char *body = "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234";
	assert_int_equal(smsgw_form_parse(body, strlen(body), &f), SAYSO_OK);
	assert_int_equal(f.n, 4);
	assert_true(smsgw_twilio_verify("12345", URL, &f,
					"IK+Dwps556ElfBT0I3Rgjkr1wJU="));
	smsgw_form_free(&f);

	const char *arr = "MessagingBinding.Address=%2B1325xxxxxxx&"
			  "MessagingBinding.Address=%2B1415xxxxxxx";
	assert_int_equal(smsgw_form_parse(arr, strlen(arr), &f), SAYSO_OK);
	assert_true(smsgw_twilio_verify("12345", URL, &f,
					"83O6e2vORAoJHUNzJjDWN1jz+BA="));
	smsgw_form_free(&f);
}

static void test_special_characters(void **state)
{
	(void)state;
	struct smsgw_form f;
	voice_params(&f);
	assert_true(smsgw_twilio_verify(
	    "12345",
	    "https://mycompany.com/myapp.php?foo=1&bar=2&Body=It's+amazing", &f,
	    "dsq4Ehbj6cs+KdTkpF5sSSplOWw="));
	smsgw_form_free(&f);
}

/* The SMS-shaped vector: empty geo fields must be signed too. */
static void test_sms_vector_form(void **state)
{
	(void)state;
	const char *body =
	    "ToCountry=GB&ToState=&SmsMessageSid="
	    "SM0123456789abcdef0123456789abcdef"
	    "&NumMedia=0&ToCity=&FromZip=&SmsSid="
	    "SM0123456789abcdef0123456789abcdef"
	    "&FromState=&SmsStatus=received&FromCity=&Body=VOTE+3+7"
	    "&FromCountry=GB&To=%2B447700900123&ToZip=&NumSegments=1"
	    "&MessageSid=SM0123456789abcdef0123456789abcdef"
	    "&AccountSid=AC0123456789abcdef0123456789abcdef"
	    "&MessagingServiceSid=MG0123456789abcdef0123456789abcdef"
	    "&From=%2B447700900456&ApiVersion=2010-04-01";
	struct smsgw_form f = {0};
	assert_int_equal(smsgw_form_parse(body, strlen(body), &f), SAYSO_OK);
	assert_true(smsgw_twilio_verify("0123456789abcdef0123456789abcdef",
					"https://hub.example.org/sms/twilio",
					&f, "qnQFrpKfYfpetB1icvaz4TCIFcQ="));
	/* Dropping an empty parameter changes the signature. */
	struct smsgw_form g = {0};
	for (size_t i = 0; i < f.n; i++)
		if (strcmp(f.p[i].name, "ToCity") != 0)
			smsgw_form_add(&g, f.p[i].name, f.p[i].value,
				       f.p[i].valuelen);
	assert_false(smsgw_twilio_verify("0123456789abcdef0123456789abcdef",
					 "https://hub.example.org/sms/twilio",
					 &g, "qnQFrpKfYfpetB1icvaz4TCIFcQ="));
	struct smsgw_msgin m;
	assert_int_equal(smsgw_twilio_decode(&f, &m), SAYSO_OK);
	assert_string_equal(m.provider_id,
			    "SM0123456789abcdef0123456789abcdef");
	assert_string_equal(m.from, "+447700900456");
	assert_string_equal(m.to, "+447700900123");
	assert_string_equal(m.body, "VOTE 3 7");
	smsgw_form_free(&f);
	smsgw_form_free(&g);
}

static void test_form_decoding(void **state)
{
	(void)state;
	struct smsgw_form f = {0};
	const char *s = "a=1+2&b=%41%zz%4&c&=x&&d=%E2%9C%93&e=caf%C3%A9";
	assert_int_equal(smsgw_form_parse(s, strlen(s), &f), SAYSO_OK);
	assert_string_equal(smsgw_form_get(&f, "a"), "1 2");
	assert_string_equal(smsgw_form_get(&f, "b"), "A%zz%4");
	assert_string_equal(smsgw_form_get(&f, "c"), "");
	assert_string_equal(smsgw_form_get(&f, ""), "x");
	assert_string_equal(smsgw_form_get(&f, "d"), "\xE2\x9C\x93");
	assert_string_equal(smsgw_form_get(&f, "e"), "caf\xC3\xA9");
	assert_null(smsgw_form_get(&f, "zz"));
	smsgw_form_free(&f);

	/* Too many parameters is refused, not truncated silently. */
	char *many = malloc(4 * 300 + 1);
	for (int i = 0; i < 300; i++)
		memcpy(many + 4 * i, "a=1&", 4);
	many[4 * 300] = '\0';
	assert_int_equal(smsgw_form_parse(many, strlen(many), &f),
			 SAYSO_ERR_TOOBIG);
	smsgw_form_free(&f);
	free(many);
}

static void test_twilio_sid_shape(void **state)
{
	(void)state;
	assert_true(
	    smsgw_twilio_sid_valid("SM0123456789abcdef0123456789abcdef"));
	assert_true(
	    smsgw_twilio_sid_valid("MM0123456789abcdef0123456789abcdef"));
	/* the replay: the next parameter folded into the SID */
	assert_false(smsgw_twilio_sid_valid(
	    "SM0123456789abcdef0123456789abcdefNumMedia0"));
	assert_false(
	    smsgw_twilio_sid_valid("SM0123456789ABCDEF0123456789abcdef"));
	assert_false(
	    smsgw_twilio_sid_valid("AC0123456789abcdef0123456789abcdef"));
	assert_false(
	    smsgw_twilio_sid_valid("SM0123456789abcdef0123456789abcde"));
	assert_false(smsgw_twilio_sid_valid(""));
	assert_false(smsgw_twilio_sid_valid(NULL));
	struct smsgw_form f = {0};
	const char *s = "MessageSid=SM0123456789abcdef0123456789abcdefNumMedia0"
			"&From=%2B447700900456&Body=RATE+5";
	assert_int_equal(smsgw_form_parse(s, strlen(s), &f), SAYSO_OK);
	struct smsgw_msgin m;
	assert_int_equal(smsgw_twilio_decode(&f, &m), SAYSO_ERR_INVAL);
	smsgw_form_free(&f);
}

static void test_kannel_decode(void **state)
{
	(void)state;
	struct smsgw_form q = {0};
	const char *s = "from=447700900456&to=447700900123&text=VOTE+3+7+%26+"
			"more%2Bstuff+100%25&id=c9a06134-f3a6-44f5-98f6-"
			"8ff4115405f8&ts=1795421614";
	assert_int_equal(smsgw_form_parse(s, strlen(s), &q), SAYSO_OK);
	struct smsgw_msgin m;
	assert_int_equal(smsgw_kannel_decode(&q, &m), SAYSO_OK);
	assert_string_equal(m.from, "447700900456");
	assert_string_equal(m.body, "VOTE 3 7 & more+stuff 100%");
	assert_string_equal(m.provider_id,
			    "c9a06134-f3a6-44f5-98f6-8ff4115405f8");
	assert_int_equal(m.sent_ms, 1795421614000LL);
	smsgw_form_free(&q);

	/* Without mo-recode: raw UTF-16BE, coding=2. */
	const char *u = "from=447700900456&text=%00R%00A%00T%00E%00+%005%00+"
			"%27%13&coding=2&charset=UTF-16BE";
	assert_int_equal(smsgw_form_parse(u, strlen(u), &q), SAYSO_OK);
	assert_int_equal(smsgw_kannel_decode(&q, &m), SAYSO_OK);
	assert_string_equal(m.body, "RATE 5 \xE2\x9C\x93");
	smsgw_form_free(&q);

	/* NUL and controls become spaces before the grammar: not 37. */
	const char *nul = "from=447700900456&text=VOTE+3%007&id=n1";
	assert_int_equal(smsgw_form_parse(nul, strlen(nul), &q), SAYSO_OK);
	assert_int_equal(smsgw_kannel_decode(&q, &m), SAYSO_OK);
	assert_string_equal(m.body, "VOTE 3 7");
	smsgw_form_free(&q);
	const char *ctl = "from=447700900456&text=VOTE+3%1B7%7F9%C2%859";
	assert_int_equal(smsgw_form_parse(ctl, strlen(ctl), &q), SAYSO_OK);
	assert_int_equal(smsgw_kannel_decode(&q, &m), SAYSO_OK);
	assert_string_equal(m.body, "VOTE 3 7 9 9");
	smsgw_form_free(&q);
	const char *u16 = "from=447700900456&text=%00V%00O%00T%00E%00+%003%00"
			  "%00%007&coding=2";
	assert_int_equal(smsgw_form_parse(u16, strlen(u16), &q), SAYSO_OK);
	assert_int_equal(smsgw_kannel_decode(&q, &m), SAYSO_OK);
	assert_string_equal(m.body, "VOTE 3 7");
	smsgw_form_free(&q);
	/* UCS-2 "RATE 5 <check> caf<e-acute>" arrives whole. */
	const char *uc = "from=447700900456&text=%00R%00A%00T%00E%00+%005%00+"
			 "%27%13%00+%00c%00a%00f%00%E9&coding=2";
	assert_int_equal(smsgw_form_parse(uc, strlen(uc), &q), SAYSO_OK);
	assert_int_equal(smsgw_kannel_decode(&q, &m), SAYSO_OK);
	assert_string_equal(m.body, "RATE 5 \xE2\x9C\x93 caf\xC3\xA9");
	smsgw_form_free(&q);
	/* An id is never cut: 128 bytes or more is refused. */
	char longid[300];
	int ln =
	    snprintf(longid, sizeof longid, "from=447700900456&text=x&id=");
	memset(longid + ln, 'a', 128);
	longid[ln + 128] = '\0';
	assert_int_equal(smsgw_form_parse(longid, strlen(longid), &q),
			 SAYSO_OK);
	assert_int_equal(smsgw_kannel_decode(&q, &m), SAYSO_ERR_TOOBIG);
	smsgw_form_free(&q);

	const char *nofrom = "text=hello";
	assert_int_equal(smsgw_form_parse(nofrom, strlen(nofrom), &q),
			 SAYSO_OK);
	assert_int_equal(smsgw_kannel_decode(&q, &m), SAYSO_ERR_INVAL);
	smsgw_form_free(&q);
}

static void test_spool_utf8(void **state)
{
	(void)state;
	/* Exactly as smsd wrote it (reference §3.3), no trailing newline. */
	const char *f = "From: 447700900456\n"
			"From_TOA: 91 international, ISDN/telephone\n"
			"From_SMSC: 447785016005\n"
			"Sent: 26-11-23 08:10:00\n"
			"Received: 26-11-23 08:11:02\n"
			"Subject: GSM1\nModem: GSM1\nIMSI: 234150000000000\n"
			"IMEI: 490154203237518\nReport: no\n"
			"Alphabet: UTF-8\nLength: 8\n\nVOTE 3 7";
	struct smsgw_msgin m;
	const char *why = NULL;
	assert_int_equal(smsgw_spool_parse(f, strlen(f), &m, &why), SAYSO_OK);
	assert_string_equal(m.from, "447700900456");
	assert_string_equal(m.body, "VOTE 3 7");

	const char *u = "From: 447700900456\nAlphabet: UTF-8\n\n"
			"RATE 5 \xE2\x9C\x93 caf\xC3\xA9 \xC2\xA3";
	assert_int_equal(smsgw_spool_parse(u, strlen(u), &m, &why), SAYSO_OK);
	assert_string_equal(m.body, "RATE 5 \xE2\x9C\x93 caf\xC3\xA9 \xC2\xA3");
}

static void test_spool_iso_and_ucs2(void **state)
{
	(void)state;
	struct smsgw_msgin m;
	const char *why = NULL;
	/* ISO-8859-15: £ is A3, € is A4 (not ¤). Default when no Alphabet. */
	const char iso[] = "From: 447700900456\n\nREPORT caf\xE9 \xA3\x35 \xA4";
	assert_int_equal(smsgw_spool_parse(iso, sizeof iso - 1, &m, &why),
			 SAYSO_OK);
	assert_string_equal(m.body, "REPORT caf\xC3\xA9 \xC2\xA3"
				    "5 \xE2\x82\xAC");
	const char iso2[] = "From: 447700900456\nAlphabet: ISO\n\n\xE9";
	assert_int_equal(smsgw_spool_parse(iso2, sizeof iso2 - 1, &m, &why),
			 SAYSO_OK);
	assert_string_equal(m.body, "\xC3\xA9");
	/* UCS2 flagged, raw UTF-16BE with NULs, and an emoji pair. */
	const char ucs[] = "From: 447700900456\nAlphabet: UCS2\n\n"
			   "\x00R\x00"
			   "A\x00T\x00"
			   "E\x00 \x00"
			   "5\x00 "
			   "\xD8\x3D\xDE\x00";
	assert_int_equal(smsgw_spool_parse(ucs, sizeof ucs - 1, &m, &why),
			 SAYSO_OK);
	assert_string_equal(m.body, "RATE 5 \xF0\x9F\x98\x80");
}

static void test_spool_tolerance_and_errors(void **state)
{
	(void)state;
	struct smsgw_msgin m;
	const char *why = NULL;
	const char warn[] =
	    "Warning: Invalid values(s) in date of Service Centre Time "
	    "Stamp.\r\nFrom: 447700900456\r\nFlash: no\r\nUDH: false\r\n"
	    "\r\nHELP\n";
	assert_int_equal(smsgw_spool_parse(warn, sizeof warn - 1, &m, &why),
			 SAYSO_OK);
	assert_string_equal(m.from, "447700900456");
	assert_string_equal(m.body, "HELP "); /* controls become spaces */

	const char nofrom[] = "To: 447700900456\n\nHELLO";
	assert_int_equal(smsgw_spool_parse(nofrom, sizeof nofrom - 1, &m, &why),
			 SAYSO_ERR_PARSE);
	assert_string_equal(why, "no From: header");
	const char noblank[] = "From: 447700900456\nAlphabet: UTF-8";
	assert_int_equal(
	    smsgw_spool_parse(noblank, sizeof noblank - 1, &m, &why),
	    SAYSO_ERR_PARSE);
	const char bin[] = "From: 447700900456\nAlphabet: binary\n\n\x01\x02";
	assert_int_equal(smsgw_spool_parse(bin, sizeof bin - 1, &m, &why),
			 SAYSO_ERR_PARSE);
	/* Headers are case-sensitive in smstools3: "from:" is not From. */
	const char lower[] = "from: 447700900456\n\nHI";
	assert_int_equal(smsgw_spool_parse(lower, sizeof lower - 1, &m, &why),
			 SAYSO_ERR_PARSE);
	/* Invalid UTF-8 becomes U+FFFD, never passes through. */
	const char bad[] = "From: 447700900456\nAlphabet: UTF-8\n\nA\xFF"
			   "B";
	assert_int_equal(smsgw_spool_parse(bad, sizeof bad - 1, &m, &why),
			 SAYSO_OK);
	assert_string_equal(m.body, "A\xEF\xBF\xBD"
				    "B");
}

static void test_spool_long_body_truncated(void **state)
{
	(void)state;
	size_t n = 40 + 4000;
	char *f = malloc(n + 1);
	snprintf(f, n + 1, "From: 447700900456\nAlphabet: UTF-8\n\n");
	size_t h = strlen(f);
	/* 2000 two-byte letters: 4000 bytes, over the 1600-byte body. */
	for (size_t i = 0; i < 2000; i++) {
		f[h + 2 * i] = '\xC5';
		f[h + 2 * i + 1] = '\x82'; /* ł */
	}
	struct smsgw_msgin m;
	assert_int_equal(smsgw_spool_parse(f, h + 4000, &m, NULL), SAYSO_OK);
	assert_true(m.truncated);
	assert_int_equal(strlen(m.body), 1600);
	free(f);
}

static void test_spool_format(void **state)
{
	(void)state;
	char out[256];
	size_t n = smsgw_spool_format("+447700900456", "Thanks \xE2\x9C\x93\n",
				      out, sizeof out);
	assert_string_equal(out, "To: 447700900456\nAlphabet: UTF-8\n\n"
				 "Thanks \xE2\x9C\x93");
	assert_int_equal(n, strlen(out));
	assert_int_equal(smsgw_spool_format("+447700900456", "x", out, 10), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_official_vector),
	    cmocka_unit_test(test_old_docs_vector),
	    cmocka_unit_test(test_port_variants),
	    cmocka_unit_test(test_body_hash_url_vector),
	    cmocka_unit_test(test_duplicates_and_arrays),
	    cmocka_unit_test(test_special_characters),
	    cmocka_unit_test(test_sms_vector_form),
	    cmocka_unit_test(test_form_decoding),
	    cmocka_unit_test(test_twilio_sid_shape),
	    cmocka_unit_test(test_kannel_decode),
	    cmocka_unit_test(test_spool_utf8),
	    cmocka_unit_test(test_spool_iso_and_ucs2),
	    cmocka_unit_test(test_spool_tolerance_and_errors),
	    cmocka_unit_test(test_spool_long_body_truncated),
	    cmocka_unit_test(test_spool_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

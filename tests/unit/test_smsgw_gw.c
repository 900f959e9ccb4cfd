/*
 * test_smsgw_gw.c: the gateway core without sockets: group commit,
 * duplicates, the per-number rate limit, the outbox (through the spool
 * provider, which sends by writing files), opt-out on send, backoff, crash
 * recovery of pending inbox rows.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gw.h"
#include "internal.h"
#include "sayso/feedback.h"
#include "sayso/log.h"
#include "testutil.h"

struct fx {
	char dir[256];
	char out[300];
	struct smsgw *gw;
	int stored, failed;
};

static void on_done(struct smsgw *gw, struct smsgw_inmsg *m)
{
	(void)gw;
	struct fx *f = m->ud;
	if (m->err == SAYSO_OK)
		f->stored++;
	else
		f->failed++;
}

static int setup_rate(void **state, int rate)
{
	struct fx *f = calloc(1, sizeof *f);
	tu_tmpdir(f->dir, sizeof f->dir);
	struct sayso_config cfg;
	assert_int_equal(sayso_config_defaults(&cfg), SAYSO_OK);
	cfg.smsgw.provider = SAYSO_PROVIDER_SPOOL;
	cfg.smsgw.rate_per_minute = rate;
	cfg.smsgw.max_attempts = 3;
	if (tu_pg())
		tu_pg_fresh(cfg.site.database, sizeof cfg.site.database,
			    cfg.site.secret, sizeof cfg.site.secret);
	else
		snprintf(cfg.site.database, sizeof cfg.site.database, "%s/s.db",
			 f->dir);
	snprintf(cfg.spool.incoming, sizeof cfg.spool.incoming, "%s/in",
		 f->dir);
	snprintf(cfg.spool.outgoing, sizeof cfg.spool.outgoing, "%s/out",
		 f->dir);
	snprintf(cfg.spool.processed, sizeof cfg.spool.processed, "%s/done",
		 f->dir);
	snprintf(f->out, sizeof f->out, "%s/out", f->dir);
	mkdir(cfg.spool.incoming, 0700);
	mkdir(cfg.spool.outgoing, 0700);
	char err[512];
	assert_int_equal(smsgw_new(&cfg, NULL, false, &f->gw, err, sizeof err),
			 SAYSO_OK);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_rate(state, 100);
}

static int setup_rate3(void **state)
{
	return setup_rate(state, 3);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	smsgw_free(f->gw);
	tu_rmtree(f->dir);
	free(f);
	return 0;
}

static void push(struct fx *f, const char *id, const char *from,
		 const char *body)
{
	struct smsgw_inmsg *m = calloc(1, sizeof *m);
	snprintf(m->in.provider_id, sizeof m->in.provider_id, "%s", id);
	snprintf(m->in.from, sizeof m->in.from, "%s", from);
	snprintf(m->in.body, sizeof m->in.body, "%s", body);
	m->done = on_done;
	m->ud = f;
	smsgw_enqueue(f->gw, m);
}

static int64_t q(struct fx *f, const char *sql)
{
	struct sayso_stmt *s = NULL;
	assert_int_equal(Sayso_stmt_prepare(f->gw->st, sql, &s), SAYSO_OK);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	int64_t n = Sayso_col_int64(s, 0);
	Sayso_stmt_finalize(s);
	return n;
}

/* Claims every row due at now_ms for f's gateway; returns how many. */
static size_t claim(struct fx *f, int64_t now_ms)
{
	struct sayso_outbox_msg msgs[8];
	size_t n = 0;
	assert_int_equal(sayso_outbox_claim(f->gw->st, f->gw->claimer, now_ms,
					    SAYSO_OUTBOX_LEASE_MS, msgs, 8, &n),
			 SAYSO_OK);
	return n;
}

static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

static void test_group_commit_and_duplicates(void **state)
{
	struct fx *f = *state;
	push(f, "a1", "447700900456", "RATE 4");
	push(f, "a2", "07700 900457", "RATE 2");
	push(f, "a1", "447700900456", "RATE 4"); /* same batch re-delivery */
	smsgw_commit(f->gw);
	assert_int_equal(f->stored, 3);
	assert_int_equal(f->gw->stats.received, 2);
	assert_int_equal(f->gw->stats.duplicates, 1);
	push(f, "a2", "+447700900457", "RATE 2"); /* a later re-delivery */
	smsgw_commit(f->gw);
	assert_int_equal(f->gw->stats.duplicates, 2);
	assert_int_equal(q(f, "SELECT count(*) FROM ratings"), 2);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox"), 2);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE "
			      "handled_at IS NULL"),
			 0);
	/* The inbox keeps no phone number. */
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE body "
			      "LIKE '%7700900%' OR resident_id LIKE '%7700%'"),
			 0);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE "
			      "status = 'queued'"),
			 2);
}

static void test_ignored_sender(void **state)
{
	struct fx *f = *state;
	push(f, "x1", "VODAFONE", "Your bill is ready");
	push(f, "x2", "+14158675309", "RATE 5");
	push(f, "x3", "01632960123", "RATE 5"); /* a landline */
	smsgw_commit(f->gw);
	assert_int_equal(f->stored, 3); /* acknowledged: nothing to retry */
	assert_int_equal(f->gw->stats.ignored, 3);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM ratings"), 0);
}

static void test_rate_limit(void **state)
{
	struct fx *f = *state;
	char id[16];
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "r%d", i);
		push(f, id, "447700900456", "RATE 3");
	}
	push(f, "other", "447700900999", "RATE 3");
	smsgw_commit(f->gw);
	/* All six stored; the flooding number acted on three times. */
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox"), 6);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE "
			      "outcome = 'rate_limited'"),
			 2);
	assert_int_equal(q(f, "SELECT count(*) FROM ratings"), 4);
	assert_int_equal(f->gw->stats.rate_limited, 2);
	/* A token comes back after 20 s (3 per minute). */
	assert_true(smsgw_rate_take(f->gw, "zz", 1000));
	assert_true(smsgw_rate_take(f->gw, "zz", 1000));
	assert_true(smsgw_rate_take(f->gw, "zz", 1000));
	assert_false(smsgw_rate_take(f->gw, "zz", 1000));
	assert_false(smsgw_rate_take(f->gw, "zz", 15000));
	assert_true(smsgw_rate_take(f->gw, "zz", 21000));
}

static void test_rate_limit_exact_lru(void **state)
{
	struct fx *f = *state;
	/* Ids whose old 4,096-slot hashes collided shared (and reset) one
	 * bucket: every number now has its own. Fill far more numbers than
	 * there are slots, then check two flooding numbers stay limited. */
	char a[SAYSO_RESIDENT_ID_LEN + 1], b[SAYSO_RESIDENT_ID_LEN + 1];
	memset(a, 'a', SAYSO_RESIDENT_ID_LEN);
	a[SAYSO_RESIDENT_ID_LEN] = '\0';
	memcpy(b, a, sizeof b);
	b[0] = 'b';
	for (int i = 0; i < 3; i++) {
		assert_true(smsgw_rate_take(f->gw, a, 1000));
		assert_true(smsgw_rate_take(f->gw, b, 1000));
	}
	assert_false(smsgw_rate_take(f->gw, a, 1000));
	assert_false(smsgw_rate_take(f->gw, b, 1000));
	/* Many other numbers: a and b are kept while recently used. */
	char id[SAYSO_RESIDENT_ID_LEN + 1];
	for (int i = 0; i < 3 * SMSGW_RATE_SLOTS; i++) {
		snprintf(id, sizeof id, "%064d", i);
		assert_true(smsgw_rate_take(f->gw, id, 1000));
		if (i % 1000 == 0) {
			assert_false(smsgw_rate_take(f->gw, a, 1000));
			assert_false(smsgw_rate_take(f->gw, b, 1000));
		}
	}
	/* Memory is bounded. */
	assert_int_equal(f->gw->rate_used, SMSGW_RATE_SLOTS);
	/* The least recently seen number was reused: a number seen long ago
	 * starts again with a full bucket. */
	snprintf(id, sizeof id, "%064d", 0);
	assert_true(smsgw_rate_take(f->gw, id, 1000));
}

static void test_own_number_and_landline(void **state)
{
	struct fx *f = *state;
	snprintf(f->gw->cfg.kannel.from, sizeof f->gw->cfg.kannel.from,
		 "447700900123");
	/* Five spellings of our own number: none stored, none answered. */
	const char *own[] = {"447700900123", "+447700900123", "07700900123",
			     "07700 900123", "00447700900123"};
	char id[8];
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "o%d", i);
		push(f, id, own[i], "HELP");
	}
	/* A text sent to another of our numbers from itself (the To). */
	struct smsgw_inmsg *m = calloc(1, sizeof *m);
	snprintf(m->in.provider_id, sizeof m->in.provider_id, "loop");
	snprintf(m->in.from, sizeof m->in.from, "+447700900777");
	snprintf(m->in.to, sizeof m->in.to, "07700900777");
	snprintf(m->in.body, sizeof m->in.body, "HELP");
	m->done = on_done;
	m->ud = f;
	smsgw_enqueue(f->gw, m);
	smsgw_commit(f->gw);
	assert_int_equal(f->gw->stats.ignored, 6);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox"), 0);
	/* A queued reply to our own number or a landline is never sent. */
	assert_int_equal(
	    sayso_outbox_queue(f->gw->st, "+447700900123", "x", 0, NULL),
	    SAYSO_OK);
	assert_int_equal(
	    sayso_outbox_queue(f->gw->st, "+441632960123", "x", 0, NULL),
	    SAYSO_OK);
	smsgw_pump_outbox(f->gw, sayso_time_now_ms() + 1000);
	assert_int_equal(files_in(f->out), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE status = "
			      "'failed' AND to_number IS NULL"),
			 2);
}

static void test_report_fixed(void **state)
{
	struct fx *f = *state;
	push(f, "f1", "447700900456", "REPORT broken light on Keats Road");
	smsgw_commit(f->gw);
	char ref[SAYSO_REF_LEN + 1] = "";
	struct sayso_stmt *s = NULL;
	Sayso_stmt_prepare(f->gw->st, "SELECT ref FROM reports", &s);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	snprintf(ref, sizeof ref, "%s", Sayso_col_text(s, 0));
	Sayso_stmt_finalize(s);
	assert_int_equal(q(f,
			   "SELECT count(*) FROM sms_outbox WHERE body LIKE "
			   "'%Reply FIXED to get a text when it''s fixed.%'"),
			 1);
	/* The answer holds the update, as the kiosk's "text me when fixed"
	 * does; another sender's FIXED holds nothing. */
	push(f, "f2", "447700900457", "FIXED");
	push(f, "f3", "447700900456", "Fixed please");
	smsgw_commit(f->gw);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE status = "
			      "'held' AND hold_key LIKE 'report:%' AND "
			      "to_number = '+447700900456'"),
			 1);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE status = "
			      "'held'"),
			 1);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE outcome = "
			      "'report_notify'"),
			 1);
	/* sayso-admin report ... resolved releases it: the outbox sends. */
	assert_int_equal(sayso_report_set_status(f->gw->st, ref,
						 SAYSO_REPORT_RESOLVED, NULL,
						 "test"),
			 SAYSO_OK);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE status = "
			      "'queued' AND body LIKE '%has been resolved%'"),
			 1);
	smsgw_pump_outbox(f->gw, sayso_time_now_ms() + 1000);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE status = "
			      "'sent' AND body LIKE '%has been resolved%' AND "
			      "to_number IS NULL"),
			 1);
}

static void test_outbox_spool_send(void **state)
{
	struct fx *f = *state;
	push(f, "s1", "447700900456", "RATE 4");
	smsgw_commit(f->gw);
	smsgw_pump_outbox(f->gw, sayso_time_now_ms());
	assert_int_equal(files_in(f->out), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE status = "
			      "'sent' AND to_number IS NULL"),
			 1);
	DIR *d = opendir(f->out);
	struct dirent *de;
	char path[600] = "";
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			snprintf(path, sizeof path, "%s/%s", f->out,
				 de->d_name);
	closedir(d);
	size_t n = 0;
	char *txt = tu_slurp(path, &n);
	assert_non_null(strstr(txt, "To: 447700900456\nAlphabet: UTF-8\n\n"
				    "Thanks for your rating (4/5)."));
	assert_true(txt[n - 1] != '\n');
	free(txt);
	/* Nothing is sent twice. */
	smsgw_pump_outbox(f->gw, sayso_time_now_ms() + 5000);
	assert_int_equal(files_in(f->out), 1);
}

static void test_stop_blocks_queued_reply(void **state)
{
	struct fx *f = *state;
	push(f, "t1", "447700900456", "HELP");
	smsgw_commit(f->gw);
	push(f, "t2", "447700900456", "STOP");
	smsgw_commit(f->gw);
	/* The HELP reply was still queued when STOP arrived: not sent. */
	smsgw_pump_outbox(f->gw, sayso_time_now_ms());
	assert_int_equal(files_in(f->out), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE status = "
			      "'failed' AND to_number IS NULL"),
			 1);
}

static void test_send_results(void **state)
{
	struct fx *f = *state;
	push(f, "u1", "447700900456", "RATE 4");
	smsgw_commit(f->gw);
	int64_t id = q(f, "SELECT id FROM sms_outbox");
	char rid[SAYSO_RESIDENT_ID_LEN + 1];
	struct sayso_stmt *s = NULL;
	Sayso_stmt_prepare(f->gw->st, "SELECT resident_id FROM sms_outbox", &s);
	assert_int_equal(Sayso_step(s), SAYSO_SQL_ROW);
	snprintf(rid, sizeof rid, "%s", Sayso_col_text(s, 0));
	Sayso_stmt_finalize(s);

	/* Only a claimed row can be marked: unclaimed, nothing changes. */
	smsgw_send_finish(f->gw, id, rid, SMSGW_SEND_RETRY, NULL, "HTTP 503");
	assert_int_equal(q(f, "SELECT attempts FROM sms_outbox"), 0);

	/* Two temporary failures, then max_attempts (3) gives up. */
	assert_int_equal(claim(f, sayso_time_now_ms() + 1), 1);
	smsgw_send_finish(f->gw, id, rid, SMSGW_SEND_RETRY, NULL, "HTTP 503");
	assert_int_equal(q(f, "SELECT attempts FROM sms_outbox"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE status = "
			      "'queued' AND next_attempt_at > created_at"),
			 1);
	/* A retry releases the claim: due again an hour on, claimed again. */
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE "
			      "claimed_by IS NULL"),
			 1);
	assert_int_equal(claim(f, sayso_time_now_ms() + 3600 * 1000), 1);
	f->gw->inflight_ids[0] = id;
	f->gw->inflight_attempts[0] = 2;
	f->gw->inflight = 1;
	smsgw_send_finish(f->gw, id, rid, SMSGW_SEND_RETRY, NULL, "HTTP 503");
	assert_int_equal(f->gw->inflight, 0);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE status = "
			      "'failed' AND to_number IS NULL"),
			 1);

	/* The carrier's opt-out (Twilio 21610) marks the resident. */
	push(f, "u2", "447700900456", "RATE 5");
	smsgw_commit(f->gw);
	int64_t id2 = q(f, "SELECT max(id) FROM sms_outbox");
	assert_int_equal(claim(f, sayso_time_now_ms() + 1), 1);
	smsgw_send_finish(f->gw, id2, rid, SMSGW_SEND_OPTOUT, NULL,
			  "twilio error 21610");
	bool out = false;
	assert_int_equal(sayso_optout_get(f->gw->st, rid, &out), SAYSO_OK);
	assert_true(out);
}

static void test_backoff(void **state)
{
	(void)state;
	int64_t prev = 0;
	for (int a = 0; a < 6; a++) {
		int64_t d = smsgw_backoff_ms(a);
		int64_t base = (int64_t)SMSGW_BACKOFF_BASE_MS << a;
		assert_true(d >= base - base / 5 - 1);
		assert_true(d <= base + base / 5 + 1);
		assert_true(d > prev);
		prev = d;
	}
	int64_t big = smsgw_backoff_ms(40);
	assert_true(big <= SMSGW_BACKOFF_MAX_MS + SMSGW_BACKOFF_MAX_MS / 5);
	assert_true(big >= SMSGW_BACKOFF_MAX_MS - SMSGW_BACKOFF_MAX_MS / 5);
}

static void test_recover_pending(void **state)
{
	struct fx *f = *state;
	/* A message stored by a process that died before acting on it. */
	struct sayso_inbound in = {.provider = "spool",
				   .provider_id = "crash1",
				   .from_e164 = "+447700900456",
				   .body = "RATE 2"};
	int64_t id;
	bool dup;
	assert_int_equal(sayso_inbox_add(f->gw->st, &in, &id, &dup, NULL, 0),
			 SAYSO_OK);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE "
			      "handled_at IS NULL"),
			 1);
	/* The sender is kept, sealed (not in clear), until handled. */
	assert_int_equal(
	    q(f, tu_pg() ? "SELECT count(*) FROM sms_inbox WHERE from_sealed "
			   "IS NOT NULL AND position('7700900456'::bytea in "
			   "from_sealed) = 0"
			 : "SELECT count(*) FROM sms_inbox WHERE from_sealed "
			   "IS NOT NULL AND instr(from_sealed, "
			   "CAST('7700900456' AS BLOB)) = 0"),
	    1);
	smsgw_recover(f->gw);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE "
			      "handled_at IS NULL"),
			 0);
	assert_int_equal(q(f, "SELECT count(*) FROM ratings WHERE score = 2"),
			 1);
	/* ... so the recovered text is answered, and then the sealed sender
	 * is erased. */
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox WHERE to_number "
			      "= '+447700900456' AND status = 'queued'"),
			 1);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE "
			      "from_sealed IS NOT NULL"),
			 0);
	smsgw_recover(f->gw); /* idempotent */
	assert_int_equal(q(f, "SELECT count(*) FROM ratings"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_outbox"), 1);
}

static int64_t add_in(struct fx *f, const char *pid, const char *from,
		      const char *body, int64_t recv, int64_t sent,
		      bool per_sender, bool *dup)
{
	struct sayso_inbound in = {.provider = "kannel",
				   .provider_id = pid,
				   .from_e164 = from,
				   .body = body,
				   .received_at_ms = recv,
				   .sent_at_ms = sent,
				   .id_per_sender = per_sender};
	int64_t id = 0;
	assert_int_equal(sayso_inbox_add(f->gw->st, &in, &id, dup, NULL, 0),
			 SAYSO_OK);
	return id;
}

static void test_inbox_keys(void **state)
{
	struct fx *f = *state;
	bool dup;
	/* No id: a retry (same number, provider time, text) arriving later
	 * is a duplicate; arrival time is not part of the key. */
	add_in(f, NULL, "+447700900456", "VOTE 3", 1000, 5000, false, &dup);
	assert_false(dup);
	add_in(f, NULL, "+447700900456", "VOTE 3", 9000, 5000, false, &dup);
	assert_true(dup);
	add_in(f, NULL, "+447700900456", "VOTE 3", 9000, 6000, false, &dup);
	assert_false(dup); /* sent again later: a new text */
	/* The derived key is keyed ("h:" + HMAC), not a bare hash. */
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE "
			      "provider_id LIKE 'h:%' AND length(provider_id) "
			      "= 34"),
			 2);
	/* An id reused by another sender is a new text (id + keyed
	 * sender), the same sender and id a duplicate. */
	add_in(f, "42", "+447700900456", "RATE 5", 1, 0, true, &dup);
	assert_false(dup);
	add_in(f, "42", "+447700900457", "RATE 1", 2, 0, true, &dup);
	assert_false(dup);
	add_in(f, "42", "+447700900456", "RATE 5", 3, 0, true, &dup);
	assert_true(dup);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE "
			      "provider_id LIKE '42~%' AND provider_id NOT "
			      "LIKE '%7700%'"),
			 2);
	/* Long ids are kept whole: two sharing a 127-byte prefix differ. */
	char a[200], b[200];
	memset(a, 'x', 150);
	a[150] = '\0';
	memcpy(b, a, sizeof b);
	b[149] = 'y';
	add_in(f, a, "+447700900456", "RATE 2", 4, 0, false, &dup);
	assert_false(dup);
	add_in(f, b, "+447700900456", "RATE 2", 5, 0, false, &dup);
	assert_false(dup);
}

static void test_rate_with_comment(void **state)
{
	struct fx *f = *state;
	push(f, "c1", "447700900456", "RATE 5 love the new park");
	push(f, "c2", "447700900457", "RATE 5 \xE2\x9C\x93 caf\xC3\xA9");
	smsgw_commit(f->gw);
	assert_int_equal(q(f, "SELECT count(*) FROM ratings WHERE score = 5 "
			      "AND answer = 'love the new park'"),
			 1);
	assert_int_equal(q(f, "SELECT count(*) FROM ratings WHERE score = 5 "
			      "AND answer = '\xE2\x9C\x93 caf\xC3\xA9'"),
			 1);
	assert_int_equal(q(f, "SELECT count(*) FROM sms_inbox WHERE outcome = "
			      "'rating_comment'"),
			 2);
	/* No follow-up question is pending: a next text is not taken as
	 * the answer. */
	assert_int_equal(q(f, "SELECT count(*) FROM sms_convo"), 0);
}

static void test_check_config(void **state)
{
	(void)state;
	struct sayso_config c;
	char out[2048];
	assert_int_equal(sayso_config_defaults(&c), SAYSO_OK);
	c.smsgw.provider = SAYSO_PROVIDER_TWILIO;
	/* Defaults: no SID, token, from or public URL. */
	assert_int_equal(smsgw_check_config(&c, out, sizeof out), 4);
	assert_non_null(strstr(out, "auth_token"));
	snprintf(c.twilio.account_sid, sizeof c.twilio.account_sid, "AC1");
	snprintf(c.twilio.auth_token, sizeof c.twilio.auth_token, "t");
	snprintf(c.twilio.from, sizeof c.twilio.from, "+447700900123");
	c.twilio.poll_seconds = 30; /* polling needs no public URL */
	assert_int_equal(smsgw_check_config(&c, out, sizeof out), 0);
	c.smsgw.provider = SAYSO_PROVIDER_KANNEL;
	assert_int_equal(smsgw_check_config(&c, out, sizeof out), 0);
	snprintf(c.kannel.sendsms_url, sizeof c.kannel.sendsms_url, "ftp://x");
	snprintf(c.smsgw.listen, sizeof c.smsgw.listen, "nonsense");
	assert_int_equal(smsgw_check_config(&c, out, sizeof out), 2);
	/* What start-up refuses, -n and SIGHUP refuse too. */
	snprintf(c.kannel.sendsms_url, sizeof c.kannel.sendsms_url,
		 "http://127.0.0.1:13013/cgi-bin/sendsms");
	const char *bad_listen[] = {"[::1]:8088", "hub.example.org:8088", ":0",
				    "127.0.0.1:0", "127.0.0.1:99999"};
	for (size_t i = 0; i < 5; i++) {
		snprintf(c.smsgw.listen, sizeof c.smsgw.listen, "%s",
			 bad_listen[i]);
		assert_int_equal(smsgw_check_config(&c, out, sizeof out), 1);
		assert_non_null(strstr(out, "[smsgw] listen"));
	}
	snprintf(c.smsgw.listen, sizeof c.smsgw.listen, "127.0.0.1:8088");
	snprintf(c.site.database, sizeof c.site.database,
		 "/nonexistent/dir/sayso.db");
	assert_int_equal(smsgw_check_config(&c, out, sizeof out), 1);
	assert_non_null(strstr(out, "/nonexistent/dir does not exist"));
	snprintf(c.site.database, sizeof c.site.database, "/tmp/sayso.db");
	assert_int_equal(smsgw_check_config(&c, out, sizeof out), 0);
	/* Unsafe but working: warnings, not problems. */
	assert_int_equal(smsgw_check_warnings(&c, out, sizeof out), 0);
	snprintf(c.smsgw.listen, sizeof c.smsgw.listen, "0.0.0.0:8088");
	assert_int_equal(smsgw_check_config(&c, out, sizeof out), 0);
	assert_int_equal(smsgw_check_warnings(&c, out, sizeof out), 1);
	assert_non_null(strstr(out, "every interface"));
	c.smsgw.provider = SAYSO_PROVIDER_TWILIO;
	snprintf(c.twilio.api_base, sizeof c.twilio.api_base,
		 "http://api.twilio.com");
	assert_int_equal(smsgw_check_warnings(&c, out, sizeof out), 1);
	assert_non_null(strstr(out, "in clear"));
	c.smsgw.provider = SAYSO_PROVIDER_SPOOL;
	snprintf(c.spool.incoming, sizeof c.spool.incoming, "/nonexistent");
	snprintf(c.spool.outgoing, sizeof c.spool.outgoing, "/tmp");
	assert_int_equal(smsgw_check_config(&c, out, sizeof out), 1);
	assert_non_null(strstr(out, "incoming"));
	sayso_config_cleanup(&c);
}

static void test_config_duplicate_key(void **state)
{
	(void)state;
	char dir[256], path[300], err[600];
	tu_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/dup.ini", dir);
	FILE *fp = fopen(path, "w");
	fputs("[twilio]\nauth_token = abc\n\nauth_token =\n", fp);
	fclose(fp);
	struct sayso_config c;
	assert_int_equal(sayso_config_load(&c, path, err, sizeof err),
			 SAYSO_ERR_PARSE);
	assert_non_null(strstr(err, "dup.ini:4:"));
	assert_non_null(
	    strstr(err, "auth_token given twice (first on line 2)"));
	/* List keys still continue over several lines. */
	fp = fopen(path, "w");
	fputs("[site]\nstreets = Keats Road\nstreets = Byron Street\n", fp);
	fclose(fp);
	assert_int_equal(sayso_config_load(&c, path, err, sizeof err),
			 SAYSO_OK);
	assert_int_equal(c.site.streets.n, 2);
	sayso_config_cleanup(&c);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_group_commit_and_duplicates,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ignored_sender, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_rate_limit, setup_rate3,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_outbox_spool_send, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_stop_blocks_queued_reply,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_send_results, setup, teardown),
	    cmocka_unit_test(test_backoff),
	    cmocka_unit_test(test_check_config),
	    cmocka_unit_test(test_config_duplicate_key),
	    cmocka_unit_test_setup_teardown(test_inbox_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rate_limit_exact_lru,
					    setup_rate3, teardown),
	    cmocka_unit_test_setup_teardown(test_own_number_and_landline, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_report_fixed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rate_with_comment, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_recover_pending, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

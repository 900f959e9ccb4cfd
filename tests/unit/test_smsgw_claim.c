/*
 * test_smsgw_claim.c: several gateways on one database. Two store handles
 * (two connections; on PostgreSQL with SAYSO_TEST_ENGINE=pg) claim from one
 * outbox, interleaved and in two processes at once: every due reply is
 * claimed and sent exactly once; a lease past its time is taken over; only
 * the holder may mark a row; the inbox's idempotency holds across
 * processes; a gateway releases the claims of a dead process on its host.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gw.h"
#include "internal.h"
#include "sayso/sms.h"
#include "testutil.h"

struct fx {
	char dir[256];
	char db[768];
	char secret[300];
	struct sayso_store *a, *b;
};

static struct sayso_store *open_db(struct fx *f, unsigned flags)
{
	struct sayso_store *st = NULL;
	char err[512];
	if (sayso_store_open_at(f->db, f->secret, flags, &st, err,
				sizeof err) != SAYSO_OK)
		fail_msg("open %s: %s", f->db, err);
	assert_int_equal(sayso_store_set_device(st, "test", "smsgw"), SAYSO_OK);
	return st;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	tu_tmpdir(f->dir, sizeof f->dir);
	if (tu_pg()) {
		tu_pg_fresh(f->db, sizeof f->db, f->secret, sizeof f->secret);
	} else {
		snprintf(f->db, sizeof f->db, "%s/s.db", f->dir);
		snprintf(f->secret, sizeof f->secret, "%s/s.db.secret", f->dir);
	}
	f->a = open_db(f, SAYSO_STORE_CREATE);
	f->b = open_db(f, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	sayso_store_close(f->a);
	sayso_store_close(f->b);
	tu_rmtree(f->dir);
	free(f);
	return 0;
}

static void queue_n(struct sayso_store *st, int n)
{
	char to[32];
	for (int i = 0; i < n; i++) {
		snprintf(to, sizeof to, "+4477009%05d", i);
		assert_int_equal(sayso_outbox_queue(st, to, "Thanks", 0, NULL),
				 SAYSO_OK);
	}
}

static size_t claim(struct sayso_store *st, const char *who, int64_t now,
		    int64_t lease, struct sayso_outbox_msg *m, size_t max)
{
	size_t n = 0;
	assert_int_equal(sayso_outbox_claim(st, who, now, lease, m, max, &n),
			 SAYSO_OK);
	return n;
}

/* Two handles take turns: disjoint claims that together cover the outbox;
 * a handle cannot mark the other's row. */
static void test_interleaved(void **state)
{
	struct fx *f = *state;
	enum { N = 60 };
	queue_n(f->a, N);
	int64_t now = sayso_time_now_ms() + 1;
	int64_t first = tu_count(f->a, "SELECT min(id) FROM sms_outbox");
	int seen[N] = {0};
	struct sayso_outbox_msg m[7];
	size_t got = 0, na, nb;
	int64_t b_row = 0;
	do {
		na = claim(f->a, "gw-a", now, 60000, m, 7);
		for (size_t i = 0; i < na; i++)
			seen[m[i].id - first]++;
		assert_true(na < 2 || m[0].id < m[na - 1].id); /* by id */
		nb = claim(f->b, "gw-b", now, 60000, m, 7);
		for (size_t i = 0; i < nb; i++)
			seen[m[i].id - first]++;
		if (nb)
			b_row = m[0].id;
		got += na + nb;
	} while (na + nb > 0 && got <= N);
	assert_int_equal(got, N);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	/* Nothing is left for either, its own rows included. */
	assert_int_equal(claim(f->a, "gw-a", now + 59999, 60000, m, 7), 0);
	/* gw-a may not mark gw-b's row: nothing changes. */
	assert_int_equal(sayso_outbox_sent(f->a, b_row, "gw-a", "SMx"),
			 SAYSO_ERR_STATE);
	assert_int_equal(sayso_outbox_retry(f->a, b_row, "gw-a", "x", now),
			 SAYSO_ERR_STATE);
	assert_int_equal(sayso_outbox_failed(f->a, b_row, "gw-a", "x"),
			 SAYSO_ERR_STATE);
	assert_int_equal(tu_count(f->a, "SELECT count(*) FROM sms_outbox "
					"WHERE status = 'queued' AND "
					"attempts = 0 AND to_number IS NOT "
					"NULL"),
			 N);
	assert_int_equal(sayso_outbox_sent(f->b, b_row, "gw-b", "SMx"),
			 SAYSO_OK);
	/* Done once: a second outcome is refused too. */
	assert_int_equal(sayso_outbox_failed(f->b, b_row, "gw-b", "x"),
			 SAYSO_ERR_STATE);
	/* A claimer name is bounded. */
	char big[SAYSO_OUTBOX_CLAIMER_MAX + 1];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	size_t n = 0;
	assert_int_equal(sayso_outbox_claim(f->a, big, now, 1, m, 7, &n),
			 SAYSO_ERR_INVAL);
	assert_int_equal(sayso_outbox_claim(f->a, "", now, 1, m, 7, &n),
			 SAYSO_ERR_INVAL);
}

/* A lease past its time is taken over; the old holder can no longer mark
 * the row; unclaim hands rows over at once. */
static void test_lease_takeover(void **state)
{
	struct fx *f = *state;
	queue_n(f->a, 5);
	int64_t t = sayso_time_now_ms() + 1;
	struct sayso_outbox_msg m[8];
	assert_int_equal(claim(f->a, "gw-a", t, 1000, m, 8), 5);
	int64_t id0 = m[0].id;
	assert_int_equal(claim(f->b, "gw-b", t + 500, 1000, m, 8), 0);
	char names[4][SAYSO_OUTBOX_CLAIMER_MAX];
	size_t nn = 0;
	assert_int_equal(sayso_outbox_claimers(f->b, t + 500, names, 4, &nn),
			 SAYSO_OK);
	assert_int_equal(nn, 1);
	assert_string_equal(names[0], "gw-a");
	/* gw-a crashed: at the end of its lease gw-b has them. */
	assert_int_equal(claim(f->b, "gw-b", t + 1000, 600000, m, 8), 5);
	assert_int_equal(sayso_outbox_sent(f->a, id0, "gw-a", "SMa"),
			 SAYSO_ERR_STATE);
	assert_int_equal(sayso_outbox_sent(f->b, id0, "gw-b", "SMb"), SAYSO_OK);
	/* A retry releases: the row is anybody's when due again. */
	assert_int_equal(
	    sayso_outbox_retry(f->b, m[1].id, "gw-b", "HTTP 503", t + 5000),
	    SAYSO_OK);
	assert_int_equal(claim(f->a, "gw-a", t + 1500, 1000, m, 8), 0);
	assert_int_equal(claim(f->a, "gw-a", t + 5000, 1000, m, 8), 1);
	assert_int_equal(m[0].attempts, 1);
	/* A clean stop releases gw-b's three: gw-a takes them at once. */
	int64_t k = 0;
	assert_int_equal(sayso_outbox_unclaim(f->b, "gw-b", &k), SAYSO_OK);
	assert_int_equal(k, 3);
	assert_int_equal(claim(f->a, "gw-a", t + 1500, 1000, m, 8), 3);
	/* The sent row keeps who sent it. */
	assert_int_equal(tu_count(f->a, "SELECT count(*) FROM sms_outbox "
					"WHERE status = 'sent' AND "
					"claimed_by = 'gw-b' AND to_number IS "
					"NULL"),
			 1);
}

/* One process: claim and send everything it can, and add the shared inbox
 * ids; writes claimed ids and its count of new inbox rows to files. */
static int child(struct fx *f, int k, int ninbox)
{
	struct sayso_store *st = NULL;
	char err[512], who[16], path[400];
	if (sayso_store_open_at(f->db, f->secret, 0, &st, err, sizeof err) !=
	    SAYSO_OK)
		return 2;
	snprintf(who, sizeof who, "gw-%d", k);
	snprintf(path, sizeof path, "%s/ids-%d", f->dir, k);
	FILE *out = fopen(path, "w");
	if (!out)
		return 3;
	int fresh = 0, rc = 0, turn = 0;
	struct sayso_outbox_msg m[5];
	for (;;) {
		size_t n = 0;
		if (sayso_outbox_claim(st, who, sayso_time_now_ms() + 1, 60000,
				       m, 5, &n) != SAYSO_OK) {
			rc = 4;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%lld\n", (long long)m[i].id);
			if (sayso_outbox_sent(st, m[i].id, who, who) !=
			    SAYSO_OK)
				rc = 5;
		}
		/* Interleave provider re-deliveries of one inbox. */
		for (int j = 0; j < 3 && turn < ninbox; j++, turn++) {
			char pid[32];
			snprintf(pid, sizeof pid, "dup-%d", turn);
			struct sayso_inbound in = {.provider = "twilio",
						   .provider_id = pid,
						   .from_e164 = "+447700900456",
						   .body = "RATE 4"};
			int64_t id = 0;
			bool dup = false;
			if (sayso_inbox_add(st, &in, &id, &dup, NULL, 0) !=
			    SAYSO_OK)
				rc = 6;
			else if (!dup)
				fresh++;
		}
		if (n == 0 && turn >= ninbox)
			break;
	}
	fclose(out);
	snprintf(path, sizeof path, "%s/new-%d", f->dir, k);
	out = fopen(path, "w");
	if (out) {
		fprintf(out, "%d\n", fresh);
		fclose(out);
	}
	sayso_store_close(st);
	return rc;
}

static void test_two_processes(void **state)
{
	struct fx *f = *state;
	enum { N = 300, NIN = 120 };
	queue_n(f->a, N);
	int64_t first = tu_count(f->a, "SELECT min(id) FROM sms_outbox");
	pid_t pids[2];
	for (int k = 0; k < 2; k++) {
		pids[k] = fork();
		assert_true(pids[k] >= 0);
		if (pids[k] == 0)
			_exit(
			    child(f, k, NIN)); /* never the parent's handles */
	}
	for (int k = 0; k < 2; k++) {
		int status = 0;
		assert_int_equal(waitpid(pids[k], &status, 0), pids[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	static int seen[N];
	memset(seen, 0, sizeof seen);
	int fresh = 0, per[2] = {0, 0};
	for (int k = 0; k < 2; k++) {
		char path[400];
		snprintf(path, sizeof path, "%s/ids-%d", f->dir, k);
		FILE *in = fopen(path, "r");
		assert_non_null(in);
		long long id;
		while (fscanf(in, "%lld", &id) == 1) {
			assert_true(id >= first && id < first + N);
			seen[id - first]++;
			per[k]++;
		}
		fclose(in);
		snprintf(path, sizeof path, "%s/new-%d", f->dir, k);
		in = fopen(path, "r");
		assert_non_null(in);
		int c = 0;
		assert_int_equal(fscanf(in, "%d", &c), 1);
		fresh += c;
		fclose(in);
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	print_message("claims: gw-0 %d, gw-1 %d\n", per[0], per[1]);
	assert_int_equal(tu_count(f->a, "SELECT count(*) FROM sms_outbox "
					"WHERE status = 'sent'"),
			 N);
	assert_int_equal(tu_count(f->a, "SELECT count(*) FROM sms_outbox "
					"WHERE provider_id <> claimed_by"),
			 0);
	/* Each re-delivered id stored once, reported new exactly once. */
	assert_int_equal(tu_count(f->a, "SELECT count(*) FROM sms_inbox"), NIN);
	assert_int_equal(fresh, NIN);
}

/* A gateway takes over the claims of a dead process on its host and boot,
 * not those of a live one or another host. */
static void test_take_over_dead(void **state)
{
	struct fx *f = *state;
	struct sayso_config cfg;
	assert_int_equal(sayso_config_defaults(&cfg), SAYSO_OK);
	cfg.smsgw.provider = SAYSO_PROVIDER_SPOOL;
	snprintf(cfg.site.database, sizeof cfg.site.database, "%s", f->db);
	snprintf(cfg.site.secret, sizeof cfg.site.secret, "%s", f->secret);
	snprintf(cfg.spool.incoming, sizeof cfg.spool.incoming, "%s/in",
		 f->dir);
	snprintf(cfg.spool.outgoing, sizeof cfg.spool.outgoing, "%s/out",
		 f->dir);
	snprintf(cfg.spool.processed, sizeof cfg.spool.processed, "%s/done",
		 f->dir);
	char p[400];
	snprintf(p, sizeof p, "%s/in", f->dir);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/out", f->dir);
	mkdir(p, 0700);
	struct smsgw *gw = NULL;
	char err[512];
	assert_int_equal(smsgw_new(&cfg, NULL, false, &gw, err, sizeof err),
			 SAYSO_OK);
	char me[SAYSO_OUTBOX_CLAIMER_MAX];
	smsgw_claimer_name(me, sizeof me);
	assert_string_equal(gw->claimer, me);
	char pidpart[32];
	snprintf(pidpart, sizeof pidpart, "/%ld", (long)getpid());
	assert_non_null(strstr(me, pidpart));
	if (strstr(me, "/-/")) {
		smsgw_free(gw);
		skip(); /* no boot id: nothing is taken over */
	}
	/* A pid that is surely gone: a child that has exited. */
	pid_t dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	char prefix[SAYSO_OUTBOX_CLAIMER_MAX];
	snprintf(prefix, sizeof prefix, "%s", me);
	*strrchr(prefix, '/') = '\0';
	char dname[SAYSO_OUTBOX_CLAIMER_MAX + 16],
	    lname[SAYSO_OUTBOX_CLAIMER_MAX + 16];
	snprintf(dname, sizeof dname, "%s/%ld", prefix, (long)dead);
	snprintf(lname, sizeof lname, "%s/%ld", prefix, (long)getppid());
	queue_n(f->a, 3);
	int64_t t = sayso_time_now_ms() + 1;
	struct sayso_outbox_msg m[4];
	assert_int_equal(claim(f->a, dname, t, 600000, m, 1), 1);
	assert_int_equal(claim(f->a, lname, t, 600000, m, 1), 1);
	assert_int_equal(claim(f->a, "elsewhere/12345678/1", t, 600000, m, 1),
			 1);
	assert_int_equal(smsgw_take_over_dead(gw, t), 1);
	assert_int_equal(tu_count(f->a, "SELECT count(*) FROM sms_outbox "
					"WHERE claimed_by IS NULL"),
			 1);
	/* So the gateway sends it now, not after the lease. */
	assert_int_equal(claim(f->a, gw->claimer, t, 1000, m, 4), 1);
	smsgw_free(gw);
	/* The clean stop released the gateway's own claim. */
	assert_int_equal(tu_count(f->a, "SELECT count(*) FROM sms_outbox "
					"WHERE claimed_by IS NULL"),
			 1);
}

/* Recovery on one gateway does not redo a text another has handled. */
static void test_inbox_is_pending(void **state)
{
	struct fx *f = *state;
	struct sayso_inbound in = {.provider = "spool",
				   .provider_id = "p1",
				   .from_e164 = "+447700900456",
				   .body = "RATE 2"};
	int64_t id;
	bool dup, pending = false;
	assert_int_equal(sayso_inbox_add(f->a, &in, &id, &dup, NULL, 0),
			 SAYSO_OK);
	assert_int_equal(sayso_inbox_add(f->b, &in, &id, &dup, NULL, 0),
			 SAYSO_OK);
	assert_true(dup);
	assert_int_equal(tu_count(f->a, "SELECT max(id) FROM sms_inbox"),
			 tu_count(f->b, "SELECT min(id) FROM sms_inbox"));
	id = tu_count(f->a, "SELECT max(id) FROM sms_inbox");
	struct sayso_inbox_row rows[2];
	size_t n = 0;
	assert_int_equal(sayso_inbox_pending(f->b, rows, 2, &n), SAYSO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sayso_inbox_done(f->a, id, "rating"), SAYSO_OK);
	assert_int_equal(sayso_store_begin(f->b), SAYSO_OK);
	assert_int_equal(sayso_inbox_is_pending(f->b, id, &pending), SAYSO_OK);
	assert_false(pending);
	sayso_store_rollback(f->b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_interleaved, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lease_takeover, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_two_processes, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_take_over_dead, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_inbox_is_pending, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

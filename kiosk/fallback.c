/*
 * fallback.c: a kiosk on a city's PostgreSQL database that keeps working
 * when the server cannot be reached.
 *
 * Design: with a postgresql:// [site] database and [kiosk] fallback = PATH
 * (an enrolled kiosk file, sayso-admin kiosk enrol), the kiosk holds two
 * stores: the site's and its own file, whose every record is chained under
 * the kiosk's device key. app->st is whichever it saves on. When the server
 * is not there at start, or a save fails because the connection is gone
 * (SAYSO_ERR_IO from the store on PostgreSQL), the kiosk switches to its
 * file and runs the same save there at once (same uid), so the resident
 * never sees the failure and nothing is saved twice: a ballot, rating or
 * report whose commit did reach the server is skipped by uid when the file
 * is merged.
 *
 * Reconnecting never blocks the screen: between residents (the start
 * screen, nothing pending) a worker thread opens its own connection to the
 * site (libpq's connect_timeout is spent there) and merges the file with
 * sayso_merge_kiosk(), the tamper-evident, idempotent merge of sayso-admin
 * merge. The kiosk takes the new connection back only between residents;
 * records saved on the file while the merge ran are merged by the next
 * pass. The thread shares nothing with the screen but its job, handed over
 * through an atomic flag.
 *
 * How many records wait: the file's chain entries after the last one the
 * site merged (kiosk_enrolments.merged_seq), remembered in PATH.merged for
 * a kiosk that starts offline.
 */
#include "kiosk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/log.h"
#include "sayso/merge.h"

/* One reconnect attempt: open the site, merge the file. Filled in by the
 * main thread, then owned by the worker until done is set. */
struct kiosk_reconnect {
	char uri[SAYSO_PATH_MAX];
	char secret[SAYSO_PATH_MAX];
	char local[SAYSO_PATH_MAX];
	char device[SAYSO_DEVICE_MAX];
	char enrolment[SAYSO_UID_LEN + 1];
	char actor[SAYSO_DEVICE_MAX + 8];
	bool merge; /* the file has records the site may not have */
	/* results */
	struct sayso_store *st; /* the site, NULL when it could not open */
	enum sayso_err merge_err;
	char msg[SAYSO_ERRMSG_MAX];
	struct sayso_merge_result res;
	int64_t merged_seq; /* -1 unknown */
	SDL_atomic_t done;
};

/* libpq's messages run over lines: one line for the log and the page. */
static void one_line(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\t' || *p == '\r')
			*p = ' ';
}

bool kiosk_fallback_wanted(const struct kiosk_app *app)
{
	return app->cfg.kiosk.fallback[0] &&
	       sayso_store_is_server(app->cfg.site.database);
}

static void seq_path(const struct kiosk_app *app, char *out, size_t sz)
{
	snprintf(out, sz, "%s.merged", app->fb.path);
}

/* PATH.merged: "<enrolment> <seq>", what the site had merged when last
 * seen. A hint for the count shown to staff, never for the merge. */
static void seq_save(struct kiosk_app *app)
{
	char p[SAYSO_PATH_MAX + 8], tmp[SAYSO_PATH_MAX + 16];
	seq_path(app, p, sizeof p);
	snprintf(tmp, sizeof tmp, "%s.tmp", p);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	int ok = fprintf(f, "%s %lld\n", sayso_store_enrolment(app->fb.local),
			 (long long)app->fb.merged_seq) > 0;
	if (fclose(f) != 0 || !ok || rename(tmp, p) != 0)
		remove(tmp);
}

static void seq_load(struct kiosk_app *app)
{
	char p[SAYSO_PATH_MAX + 8], enr[SAYSO_UID_LEN + 2];
	long long seq = 0;
	seq_path(app, p, sizeof p);
	app->fb.merged_seq = 0;
	FILE *f = fopen(p, "r");
	if (!f)
		return;
	if (fscanf(f, "%27s %lld", enr, &seq) == 2 &&
	    strcmp(enr, sayso_store_enrolment(app->fb.local)) == 0 && seq > 0)
		app->fb.merged_seq = seq;
	fclose(f);
}

/* Recounts the records on the file the site has not merged. */
static void count_waiting(struct kiosk_app *app)
{
	int64_t rows = 0, last = 0;
	if (sayso_kiosk_unmerged(app->fb.local, app->fb.merged_seq, &rows,
				 &last) != SAYSO_OK) {
		sayso_log(SAYSO_LOG_WARN, "fallback %s: %s", app->fb.path,
			  sayso_store_errmsg(app->fb.local));
		app->fb.waiting = -1;
		return;
	}
	if (rows != app->fb.waiting)
		sayso_log(SAYSO_LOG_DEBUG,
			  "fallback %s: %lld records waiting to be merged",
			  app->fb.path, (long long)rows);
	app->fb.waiting = rows;
}

void kiosk_fallback_saved(struct kiosk_app *app)
{
	if (app->fb.offline && app->st == app->fb.local)
		count_waiting(app);
}

static enum sayso_err open_local(struct kiosk_app *app, char *err, size_t errsz)
{
	char e2[SAYSO_ERRMSG_MAX];
	enum sayso_err e = sayso_store_open_at(app->fb.path, NULL, 0,
					       &app->fb.local, e2, sizeof e2);
	if (e != SAYSO_OK) {
		snprintf(err, errsz, "[kiosk] fallback: %s", e2);
		return e;
	}
	if (!sayso_store_enrolment(app->fb.local)[0]) {
		snprintf(err, errsz,
			 "[kiosk] fallback %s is not an enrolled kiosk's file: "
			 "make it with `sayso-admin kiosk enrol DEVICE --out "
			 "%s`",
			 app->fb.path, app->fb.path);
		sayso_store_close(app->fb.local);
		app->fb.local = NULL;
		return SAYSO_ERR_AUTH;
	}
	sayso_store_set_busy_timeout(app->fb.local, KIOSK_BUSY_TIMEOUT_MS);
	seq_load(app);
	return SAYSO_OK;
}

enum sayso_err kiosk_fallback_open(struct kiosk_app *app, char *err,
				   size_t errsz)
{
	char site_err[SAYSO_ERRMSG_MAX];
	enum sayso_err e;

	kiosk_fallback_close(app);
	snprintf(app->fb.path, sizeof app->fb.path, "%s",
		 app->cfg.kiosk.fallback);
	app->fb.enabled = true;
	app->fb.waiting = -1;
	app->fb.merge_error[0] = '\0';
	if ((e = open_local(app, err, errsz)) != SAYSO_OK)
		return e;
	/* At start nobody is waiting: the one connect that may take
	 * connect_timeout happens here, not in front of a resident. */
	e = sayso_store_open_at(app->cfg.site.database, app->cfg.site.secret,
				SAYSO_STORE_CREATE, &app->fb.site, site_err,
				sizeof site_err);
	one_line(site_err);
	if (e == SAYSO_OK) {
		sayso_store_set_busy_timeout(app->fb.site,
					     KIOSK_BUSY_TIMEOUT_MS);
		int64_t seq = 0;
		if (sayso_kiosk_merged_seq(app->fb.site,
					   sayso_store_enrolment(app->fb.local),
					   &seq) == SAYSO_OK) {
			app->fb.merged_seq = seq;
			seq_save(app);
		} else {
			sayso_log(SAYSO_LOG_WARN, "fallback %s: %s",
				  app->fb.path,
				  sayso_store_errmsg(app->fb.site));
		}
		app->st = app->fb.site;
		app->fb.offline = false;
		count_waiting(app);
		app->fb.retry_at = 0; /* merge what waits, when idle */
		sayso_log(SAYSO_LOG_INFO,
			  "connected to the site database %s; fallback %s "
			  "(%lld records waiting to be merged)",
			  sayso_store_path(app->fb.site), app->fb.path,
			  (long long)app->fb.waiting);
		return SAYSO_OK;
	}
	if (e != SAYSO_ERR_IO) {
		/* Not a connection problem (wrong secret, schema, ...): staff
		 * must fix it; saving on the side would hide it. */
		snprintf(err, errsz, "%s", site_err);
		kiosk_fallback_close(app);
		return e;
	}
	app->st = app->fb.local;
	app->fb.offline = true;
	snprintf(app->fb.why, sizeof app->fb.why, "%s", site_err);
	count_waiting(app);
	app->fb.retry_at = SDL_GetTicks64() + KIOSK_RECONNECT_MS;
	sayso_log(SAYSO_LOG_WARN,
		  "offline: %s; saving on this kiosk's file %s (%lld records "
		  "waiting to be merged); trying the server again between "
		  "residents",
		  site_err, app->fb.path, (long long)app->fb.waiting);
	return SAYSO_OK;
}

const char *kiosk_fallback_device(const struct kiosk_app *app)
{
	return app->fb.local ? sayso_store_device(app->fb.local) : NULL;
}

bool kiosk_fallback_lost(struct kiosk_app *app, enum sayso_err err)
{
	if (err != SAYSO_ERR_IO || !app->fb.enabled || app->fb.offline ||
	    !app->fb.local || app->st != app->fb.site)
		return false;
	snprintf(app->fb.why, sizeof app->fb.why, "%s",
		 sayso_store_errmsg(app->fb.site));
	one_line(app->fb.why);
	sayso_log(SAYSO_LOG_WARN,
		  "offline: the connection to the site database is gone (%s); "
		  "saving on this kiosk's file %s until it is back",
		  app->fb.why, app->fb.path);
	/* The dead connection is never used again: a new one is made by
	 * the reconnect worker, off the screen's thread. */
	sayso_store_close(app->fb.site);
	app->fb.site = NULL;
	app->st = app->fb.local;
	app->fb.offline = true;
	app->fb.retry_at = SDL_GetTicks64() + KIOSK_RECONNECT_MS;
	count_waiting(app);
	/* Round ids are the site's: take the file's copy of the round. */
	kiosk_load_round(app);
	app->dirty = true;
	return true;
}

static int worker(void *ud)
{
	struct kiosk_reconnect *j = ud;
	char err[SAYSO_ERRMSG_MAX];

	j->merged_seq = -1;
	j->merge_err = SAYSO_OK;
	if (sayso_store_open_at(j->uri, j->secret, SAYSO_STORE_CREATE, &j->st,
				err, sizeof err) != SAYSO_OK) {
		snprintf(j->msg, sizeof j->msg, "%s", err);
		j->st = NULL;
		goto out;
	}
	sayso_store_set_busy_timeout(j->st, KIOSK_BUSY_TIMEOUT_MS);
	if (sayso_store_set_device(j->st, j->device, "kiosk") != SAYSO_OK)
		sayso_log(SAYSO_LOG_WARN, "device %s not registered: %s",
			  j->device, sayso_store_errmsg(j->st));
	if (j->merge) {
		j->merge_err =
		    sayso_merge_kiosk(j->st, j->local, j->actor, 0, &j->res);
		if (j->merge_err != SAYSO_OK)
			snprintf(j->msg, sizeof j->msg, "%s",
				 sayso_store_errmsg(j->st));
	}
	if (sayso_kiosk_merged_seq(j->st, j->enrolment, &j->merged_seq) !=
	    SAYSO_OK)
		j->merged_seq = -1;
out:
	one_line(j->msg);
	SDL_AtomicSet(&j->done, 1);
	return 0;
}

/* Between residents: the start screen, nothing typed or pending. */
static bool between_residents(const struct kiosk_app *app)
{
	return app->screen_id == KS_ATTRACT && !app->pending &&
	       !app->idle_warning && !app->staff_hold;
}

static void start_job(struct kiosk_app *app)
{
	struct kiosk_reconnect *j = calloc(1, sizeof *j);
	if (!j)
		return;
	snprintf(j->uri, sizeof j->uri, "%s", app->cfg.site.database);
	snprintf(j->secret, sizeof j->secret, "%s", app->cfg.site.secret);
	snprintf(j->local, sizeof j->local, "%s", app->fb.path);
	snprintf(j->device, sizeof j->device, "%s", app->device);
	snprintf(j->enrolment, sizeof j->enrolment, "%s",
		 sayso_store_enrolment(app->fb.local));
	snprintf(j->actor, sizeof j->actor, "kiosk:%s", app->device);
	j->merge = app->fb.waiting != 0;
	app->fb.job = j;
	app->fb.thread = SDL_CreateThread(worker, "sayso-reconnect", j);
	if (!app->fb.thread) {
		sayso_log(SAYSO_LOG_ERROR, "reconnect thread: %s",
			  SDL_GetError());
		free(j);
		app->fb.job = NULL;
		app->fb.retry_at = SDL_GetTicks64() + KIOSK_RECONNECT_MS;
	}
}

/* The job is done and the kiosk is between residents: take its result. */
static void finish_job(struct kiosk_app *app)
{
	struct kiosk_reconnect *j = app->fb.job;
	Uint64 now = SDL_GetTicks64();

	SDL_WaitThread(app->fb.thread, NULL);
	app->fb.thread = NULL;
	app->fb.job = NULL;
	app->fb.retry_at = now + KIOSK_RECONNECT_MS;
	if (!j->st) {
		if (strcmp(app->fb.why, j->msg) != 0)
			sayso_log(SAYSO_LOG_INFO,
				  "offline: the site database is still not "
				  "there (%s)",
				  j->msg);
		snprintf(app->fb.why, sizeof app->fb.why, "%s", j->msg);
		free(j);
		return;
	}
	if (j->merge && j->merge_err == SAYSO_OK) {
		sayso_log(SAYSO_LOG_INFO,
			  "merged %s into the site database: %lld ballots "
			  "(%lld rejected, %lld held), %lld ratings, %lld "
			  "reports, %lld already there; chain of %lld "
			  "entries verified",
			  app->fb.path, (long long)j->res.ballots,
			  (long long)j->res.rejected, (long long)j->res.held,
			  (long long)j->res.ratings, (long long)j->res.reports,
			  (long long)j->res.known, (long long)j->res.chain);
		app->fb.merge_error[0] = '\0';
	} else if (j->merge) {
		if (strcmp(app->fb.merge_error, j->msg) != 0)
			sayso_log(SAYSO_LOG_ERROR,
				  "cannot merge %s into the site database: "
				  "%s (%s); the records stay on this kiosk "
				  "for `sayso-admin merge`",
				  app->fb.path, j->msg,
				  sayso_strerror(j->merge_err));
		snprintf(app->fb.merge_error, sizeof app->fb.merge_error, "%s",
			 j->msg);
	}
	if (j->merged_seq >= 0) {
		app->fb.merged_seq = j->merged_seq;
		seq_save(app);
	}
	if (app->fb.offline) {
		app->fb.site = j->st;
		app->st = app->fb.site;
		app->fb.offline = false;
		app->fb.why[0] = '\0';
		sayso_log(SAYSO_LOG_INFO,
			  "connected to the site database %s again: saving "
			  "there",
			  sayso_store_path(app->fb.site));
		kiosk_load_round(app);
		app->dirty = true;
	} else {
		sayso_store_close(j->st);
	}
	count_waiting(app);
	/* Records saved on the file while the merge ran: the next pass. A
	 * file the merge refused (altered, another site's) does not mend
	 * itself: asked again only now and then. */
	if (app->fb.waiting > 0 && !app->fb.merge_error[0])
		app->fb.retry_at = now + KIOSK_MERGE_AGAIN_MS;
	else if (j->merge && j->merge_err != SAYSO_OK &&
		 j->merge_err != SAYSO_ERR_BUSY && j->merge_err != SAYSO_ERR_IO)
		app->fb.retry_at = now + KIOSK_MERGE_REFUSED_MS;
	free(j);
}

int kiosk_fallback_tick(struct kiosk_app *app)
{
	Uint64 now = SDL_GetTicks64();

	if (!app->fb.enabled || !app->fb.local)
		return -1;
	if (app->fb.job) {
		if (!SDL_AtomicGet(&app->fb.job->done) ||
		    !between_residents(app))
			return KIOSK_RECONNECT_POLL_MS;
		finish_job(app);
		now = SDL_GetTicks64();
	}
	if (!app->fb.offline && app->fb.waiting == 0)
		return -1;
	if (now < app->fb.retry_at)
		return (int)(app->fb.retry_at - now);
	if (!between_residents(app))
		return KIOSK_RECONNECT_POLL_MS;
	start_job(app);
	return KIOSK_RECONNECT_POLL_MS;
}

void kiosk_fallback_close(struct kiosk_app *app)
{
	if (app->fb.thread) {
		/* At most connect_timeout: the worker owns its store. */
		SDL_WaitThread(app->fb.thread, NULL);
		app->fb.thread = NULL;
	}
	if (app->fb.job) {
		sayso_store_close(app->fb.job->st);
		free(app->fb.job);
		app->fb.job = NULL;
	}
	if (app->st == app->fb.site || app->st == app->fb.local)
		app->st = NULL;
	sayso_store_close(app->fb.site);
	sayso_store_close(app->fb.local);
	app->fb.site = app->fb.local = NULL;
	app->fb.offline = false;
}

void kiosk_fallback_status(struct kiosk_app *app, char *out, size_t outsz)
{
	char n[24];
	if (app->fb.waiting >= 0)
		snprintf(n, sizeof n, "%lld", (long long)app->fb.waiting);
	else
		snprintf(n, sizeof n, "?");
	if (app->fb.offline)
		kiosk_fmt(out, outsz, kiosk_s(app, "staff.offline"), "n", n,
			  NULL);
	else if (app->fb.waiting != 0)
		kiosk_fmt(out, outsz, kiosk_s(app, "staff.online_waiting"), "n",
			  n, NULL);
	else
		snprintf(out, outsz, "%s", kiosk_s(app, "staff.online"));
}

void kiosk_fallback_mark(struct kiosk_app *app)
{
	if (!app->fb.offline)
		return;
	/* A small grey ring at the bottom corner, clear of every screen's
	 * buttons: staff know it (docs/kiosk.md), residents can ignore it. */
	SDL_Rect rc = kiosk_mirror((SDL_Rect){40, KIOSK_H - 76, 36, 36});
	kiosk_frame(app->ren, rc, 5, KC_MUTED);
}

/*
 * bench/kiosk.c: figures for sayso-kiosk (printed; never a timed test).
 *
 *   first frame   process start -> first presented frame (the real start-up:
 *                 config, database open + migrate + demo round, SDL, fonts)
 *   tap latency   SDL event pushed -> handled -> frame presented, p50/p99
 *                 over 1,000 taps at 1920x1080, for two screens: toggling
 *                 project cards (vote) and typing on the on-screen keyboard
 *                 (the text field re-renders every tap)
 *   peak RSS      getrusage ru_maxrss at the end
 *   idle CPU      user+sys CPU of the real event loop over 10 s on the start
 *                 screen with nobody there
 *
 * The tap figures and the first frame are measured twice: in English and in
 * Urdu (right to left, Noto Nastaliq Urdu with Noto Sans for the Latin
 * names, every string through FriBidi and HarfBuzz; issue 13).
 *
 * Goals (issue 5): first frame <= 250 ms, p99 <= 16.7 ms, RSS <= 60 MB,
 * idle CPU ~ 0. Run with SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software
 * (defaults when unset: dummy + software; offscreen + software is
 * about 40 ms per 1080p present on this SDL, so the tests' driver is not
 * the one to time). SAYSO_BENCH_IDLE_S
 * shortens the idle measurement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "kiosk.h"
#include "sayso/log.h"

#define TAPS 1000

static double now_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Milliseconds since this process started (from /proc/self/stat). */
static double since_process_start(void)
{
	FILE *f = fopen("/proc/self/stat", "r");
	char buf[1024];
	unsigned long long start = 0;

	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* Field 22 (starttime) is the 20th after the ") " that ends comm. */
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -1;
	start = strtoull(p, NULL, 10);
	double start_ms = (double)start * 1000.0 / (double)sysconf(_SC_CLK_TCK);
	return now_ms(CLOCK_BOOTTIME) - start_ms;
}

/* Log sinks for the locked-database phase: count the lines there, print
 * them (as the kiosk does) everywhere else. */
static void count_line(enum sayso_log_level level, const char *msg, void *ud)
{
	(void)level;
	(void)msg;
	++*(int *)ud;
}

static void print_line(enum sayso_log_level level, const char *msg, void *ud)
{
	(void)ud;
	fprintf(stderr, "sayso-kiosk: %s: %s\n", sayso_log_level_name(level),
		msg);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
	       ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

/* CPU time of each tap (what the machine's load does not inflate), in the
 * order of the taps since the last report(). */
static double cpu_lat[TAPS];
static int ncpu;

/* One tap through the SDL queue, handled and presented; returns ms. */
static double tap(struct kiosk_app *app, int x, int y)
{
	SDL_Event ev;
	double t0 = now_ms(CLOCK_MONOTONIC);
	double c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);

	for (int i = 0; i < 2; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = i == 0 ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
		ev.button.button = SDL_BUTTON_LEFT;
		ev.button.x = x;
		ev.button.y = y;
		ev.button.windowID = SDL_GetWindowID(app->win);
		SDL_PushEvent(&ev);
	}
	while (SDL_PollEvent(&ev)) {
		kiosk_handle_sdl(app, &ev);
		if (kiosk_should_render(app))
			kiosk_render(app, NULL);
	}
	if (ncpu < TAPS)
		cpu_lat[ncpu++] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	return now_ms(CLOCK_MONOTONIC) - t0;
}

static void report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("kiosk: tap-to-present %-30s p50 %6.2f ms  p99 %6.2f ms  "
	       "max %6.2f ms  (%d taps, 1920x1080)\n",
	       what, v[n / 2], v[n * 99 / 100], v[n - 1], n);
	qsort(cpu_lat, (size_t)ncpu, sizeof(*cpu_lat), cmp_double);
	if (ncpu > 0)
		printf("kiosk:   the same taps in CPU time      p50 %6.2f ms  "
		       "p99 %6.2f ms  max %6.2f ms\n",
		       cpu_lat[ncpu / 2], cpu_lat[ncpu * 99 / 100],
		       cpu_lat[ncpu - 1]);
	ncpu = 0;
}

static Uint32 quit_cb(Uint32 interval, void *ud)
{
	SDL_Event ev;
	(void)interval;
	(void)ud;
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_QUIT;
	SDL_PushEvent(&ev);
	return 0;
}

int main(int argc, char **argv)
{
	static struct kiosk_app app;
	static double lat[TAPS];
	struct kiosk_options opt;
	char dir[] = "/tmp/sayso-bench-kiosk-XXXXXX", ini[160];
	const char *src = getenv("SAYSO_SRC");
	bool measure = argc == 4 && strcmp(argv[1], "--measure") == 0;
	const char *lang = measure ? argv[3] : "en";
	const char *lang_name = strcmp(lang, "ur") == 0 ? "Urdu" : "English";
	FILE *f;

	if (!getenv("SDL_VIDEODRIVER"))
		setenv("SDL_VIDEODRIVER", "dummy", 1);
	if (!getenv("SDL_RENDER_DRIVER"))
		setenv("SDL_RENDER_DRIVER", "software", 1);
	if (measure)
		snprintf(dir, sizeof(dir), "%s", argv[2]);
	else if (!mkdtemp(dir))
		return 1;
	snprintf(ini, sizeof(ini), "%s/sayso-%s.ini", dir, lang);
	for (int l = 0; !measure && l < 2; l++) {
		/* One configuration per language measured. */
		char path[160];
		snprintf(path, sizeof(path), "%s/sayso-%s.ini", dir,
			 l ? "ur" : "en");
		f = fopen(path, "w");
		if (!f)
			return 1;
		fprintf(f,
			"[site]\ndatabase = %s/sayso.db\nlanguages = %s\n"
			"[kiosk]\ndevice = bench\n",
			dir, l ? "ur, en" : "en, ur");
		if (src)
			fprintf(f, "assets = %s/assets\n", src);
		fclose(f);
	}
	if (!measure) {
		/* Cold start on a new database (created, migrated, demo
		 * round loaded), then the usual start of a kiosk whose
		 * database exists, in a fresh process. */
		memset(&opt, 0, sizeof(opt));
		opt.config_path = ini;
		opt.windowed = true;
		sayso_log_set_level(SAYSO_LOG_WARN);
		if (kiosk_app_init(&app, &opt) != 0)
			return 1;
		kiosk_render(&app, NULL);
		printf("kiosk: first frame on a new database %.1f ms after "
		       "process start\n",
		       since_process_start());
		fflush(stdout);
		kiosk_app_cleanup(&app);
		int status = 1;
		for (int l = 0; l < 2; l++) {
			pid_t pid = fork();
			if (pid == 0) {
				char *args[] = {argv[0], "--measure", dir,
						l ? "ur" : "en", NULL};
				execv("/proc/self/exe", args);
				_exit(127);
			}
			status = 1;
			if (pid > 0)
				waitpid(pid, &status, 0);
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				break;
		}
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}

	memset(&opt, 0, sizeof(opt));
	opt.config_path = ini;
	/* A 1920x1080 window like a --script run, so taps map 1:1. */
	opt.script = NULL;
	opt.windowed = true;
	sayso_log_set_level(SAYSO_LOG_WARN);
	if (kiosk_app_init(&app, &opt) != 0)
		return 1;
	SDL_SetWindowSize(app.win, KIOSK_W, KIOSK_H);
	kiosk_render(&app, NULL);
	double first = since_process_start();
	printf("kiosk: video driver %s, renderer ",
	       SDL_GetCurrentVideoDriver());
	SDL_RendererInfo ri;
	if (SDL_GetRendererInfo(app.ren, &ri) == 0)
		printf("%s\n", ri.name);
	printf("kiosk: [%s] first frame presented %.1f ms after process "
	       "start (existing database; goal <= 250 ms)\n",
	       lang_name, first);

	/* Vote screen: toggle cards 1 and 2 (each tap changes the counter). */
	kiosk_load_round(&app);
	if (!app.have_round) {
		fprintf(stderr,
			"bench: no round (set SAYSO_SRC for the demo)\n");
		return 1;
	}
	kiosk_go(&app, KS_VOTE_PICK);
	kiosk_render(&app, NULL);
	app.screen_entered = 0; /* no debounce for the benchmark */
	app.screen_entered_ts = 0;
	for (int i = 0; i < TAPS; i++) {
		/* Each tap a real toggle: not a double tap within 700 ms. */
		app.s.last_card = 0;
		lat[i] = tap(&app, (i % 4) < 2 ? 550 : 1370, 348);
	}
	report(strcmp(lang, "ur") == 0 ? "[Urdu] (project cards)"
				       : "[English] (project cards)",
	       lat, TAPS);

	/* Typing on the on-screen keyboard: the field and counter redraw. */
	kiosk_go(&app, KS_REPORT_TEXT);
	kiosk_render(&app, NULL);
	app.screen_entered = 0;
	app.screen_entered_ts = 0;
	for (int i = 0; i < TAPS; i++) {
		if ((i / 100) % 2 == 0)
			lat[i] = tap(&app, 476 + (i % 7) * 161, 623); /* s.. */
		else
			lat[i] = tap(&app, 1640, 736); /* backspace */
	}
	report(strcmp(lang, "ur") == 0 ? "[Urdu] (on-screen keyboard)"
				       : "[English] (on-screen keyboard)",
	       lat, TAPS);
	if (strcmp(lang, "en") != 0) {
		/* The other figures do not depend on the language. */
		kiosk_app_cleanup(&app);
		return 0;
	}

	/* Frame time while another program holds the write lock: a face tap
	 * (the save fails at once) and each retry from the loop must keep
	 * the screen moving (issue 12: goal <= 50 ms). */
	sqlite3 *locker = NULL;
	int quiet_lines = 0;
	if (sqlite3_open(app.db_path, &locker) == SQLITE_OK &&
	    sqlite3_exec(locker, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
		SQLITE_OK) {
		int n = 0;
		/* Each tap's first failed save is logged as an error, by
		 * design; 500 such lines are not figures: counted, not
		 * printed. */
		sayso_log_set_sink(count_line, &quiet_lines);
		for (int i = 0; i < TAPS / 2; i++) {
			kiosk_drop_pending(&app);
			kiosk_go(&app, KS_RATE);
			kiosk_render(&app, NULL);
			app.screen_entered = 0;
			app.screen_entered_ts = 0;
			lat[n++] = tap(&app, 1640, 550);
			double t0 = now_ms(CLOCK_MONOTONIC);
			app.pending_retry_at = 0;
			kiosk_tick(&app);
			if (kiosk_should_render(&app))
				kiosk_render(&app, NULL);
			lat[n++] = now_ms(CLOCK_MONOTONIC) - t0;
		}
		int failed = app.pending != NULL;
		kiosk_drop_pending(&app);
		sayso_log_set_sink(print_line, NULL);
		qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
		printf(
		    "kiosk: frame while the database is locked p50 %6.2f ms  "
		    "p99 %6.2f ms  max %6.2f ms  (%d taps and retries%s; "
		    "goal <= 50 ms; %d failed saves logged)\n",
		    lat[n / 2], lat[n * 99 / 100], lat[n - 1], n,
		    failed ? "" : ", BUT THE SAVE DID NOT FAIL", quiet_lines);
		sqlite3_exec(locker, "ROLLBACK", NULL, NULL, NULL);
	} else {
		printf("kiosk: frame while locked: could not take the lock\n");
	}
	sqlite3_close(locker);
	kiosk_reset(&app);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("kiosk: peak RSS %.1f MB (goal <= 60 MB)\n",
	       ru.ru_maxrss / 1024.0);

	int idle_s = 10;
	if (getenv("SAYSO_BENCH_IDLE_S"))
		idle_s = (int)strtol(getenv("SAYSO_BENCH_IDLE_S"), NULL, 10);
	if (idle_s < 1 || idle_s > 600)
		idle_s = 10;
	kiosk_reset(&app);
	kiosk_render(&app, NULL);
	SDL_AddTimer((Uint32)idle_s * 1000, quit_cb, NULL);
	Uint64 frames0 = app.frames;
	double c0 = cpu_ms(), w0 = now_ms(CLOCK_MONOTONIC);
	app.quit = false;
	kiosk_app_run(&app);
	double c1 = cpu_ms(), w1 = now_ms(CLOCK_MONOTONIC);
	printf("kiosk: idle CPU %.1f ms over %.1f s on the start screen = "
	       "%.2f%% of one core (%llu frames drawn while idle)\n",
	       c1 - c0, (w1 - w0) / 1e3, 100.0 * (c1 - c0) / (w1 - w0),
	       (unsigned long long)(app.frames - frames0));
	kiosk_app_cleanup(&app);
	return 0;
}

/*
 * kiosk_fixture.h: a real kiosk (kiosk_app_init) on a fresh database in a
 * private temporary folder, for the kiosk unit tests. Header-only because
 * only the tests that link the kiosk's logic include it.
 *
 * Drawing uses SDL's offscreen driver with the software renderer; under the
 * sanitizers the dummy driver (Mesa's EGL, which offscreen loads, leaks at
 * unload, outside sayso; dummy draws the same pixels).
 */
#ifndef SAYSO_TEST_KIOSK_FIXTURE_H
#define SAYSO_TEST_KIOSK_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk.h"
#include "testutil.h"

/*
 * Writes dir/sayso.ini ("[site] database" plus site_lines, "[kiosk]" with
 * device, staff PIN 1234 and the source tree's assets) and starts app from
 * it. dir (dirsz >= 256) receives the folder, for kiosk_fixture_close.
 * 0 on success, -1 when SAYSO_SRC is unset or the kiosk does not start.
 */
static inline int kiosk_fixture_open(struct kiosk_app *app, char *dir,
				     size_t dirsz, const char *site_lines,
				     const char *device)
{
	char ini[512], db[400];
	struct kiosk_options opt;

	setenv("SDL_VIDEODRIVER", "offscreen", 0);
	if (getenv("SAYSO_SANITIZED"))
		setenv("SDL_VIDEODRIVER", "dummy", 1);
	setenv("SDL_RENDER_DRIVER", "software", 0);
	if (!getenv("SAYSO_SRC"))
		return -1;
	tu_tmpdir(dir, dirsz);
	snprintf(ini, sizeof(ini), "%s/sayso.ini", dir);
	snprintf(db, sizeof(db), "%s/sayso.db", dir);
	FILE *f = fopen(ini, "w");
	if (!f)
		return -1;
	fprintf(f,
		"[site]\ndatabase = %s\n%s"
		"[kiosk]\ndevice = %s\nstaff_pin = 1234\n"
		"assets = %s/assets\n",
		db, site_lines, device, getenv("SAYSO_SRC"));
	fclose(f);
	memset(&opt, 0, sizeof(opt));
	opt.config_path = ini;
	opt.windowed = true;
	return kiosk_app_init(app, &opt) == 0 ? 0 : -1;
}

/* Stops app and removes dir with everything in it. */
static inline void kiosk_fixture_close(struct kiosk_app *app, const char *dir)
{
	kiosk_app_cleanup(app);
	tu_rmtree(dir);
}

#endif

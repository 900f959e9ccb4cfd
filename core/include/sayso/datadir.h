/*
 * datadir.h: where sayso's shared assets (strings/, demo/) live by default.
 *
 * An installed program reads them from the compiled-in SAYSO_DATADIR
 * (/usr/share/sayso for the Debian package); a program run from the build
 * tree reads the source tree's assets/ instead, so a developer never runs
 * against a stale installed copy. Callers put their own overrides first
 * ([kiosk] assets, $SAYSO_ASSETS, ./assets).
 */
#ifndef SAYSO_DATADIR_H
#define SAYSO_DATADIR_H

/*
 * The default assets folder: the source tree's assets/ when the running
 * executable lies inside the build tree it was built in, else the installed
 * data folder. Never fails; the string is static and valid for ever.
 */
const char *sayso_datadir(void);

/* The installed data folder compiled in (CMAKE_INSTALL_FULL_DATADIR/sayso). */
const char *sayso_datadir_installed(void);

#endif

/*
 * demo.h: the demo round (assets/demo/demo.ini), so that a fresh checkout,
 * `make demo` and a kiosk with no config have something real to show.
 */
#ifndef SAYSO_DEMO_H
#define SAYSO_DEMO_H

#include <stdbool.h>
#include "sayso/err.h"

struct sayso_store;

/*
 * Loads <assets_dir>/demo/demo.ini into st as an open round with its
 * projects, unless a round with its code already exists (then *created is
 * false and nothing changes). One transaction; audited as actor.
 * SAYSO_ERR_IO / SAYSO_ERR_PARSE name the file and line in
 * sayso_store_errmsg().
 */
enum sayso_err sayso_demo_load(struct sayso_store *st, const char *assets_dir,
			       const char *actor, bool *created);

#endif

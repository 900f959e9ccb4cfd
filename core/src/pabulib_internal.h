/*
 * pabulib_internal.h: what the .pb parser (pabulib.c) shares with the store
 * import/export (pabulib_store.c). Not for programs.
 */
#ifndef SAYSO_PABULIB_INTERNAL_H
#define SAYSO_PABULIB_INTERNAL_H

#include "sayso/pabulib.h"

/* The value of META key in pb (first match), or NULL. Valid while pb is. */
const char *Sayso_pb_meta_get(const struct sayso_pb *pb, const char *key);

#endif

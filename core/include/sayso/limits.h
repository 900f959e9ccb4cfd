/*
 * limits.h: the sizes and ranges sayso uses in more than one place, named
 * once so that a buffer, a check and its error message cannot disagree.
 */
#ifndef SAYSO_LIMITS_H
#define SAYSO_LIMITS_H

/* Project numbers shown to residents run from SAYSO_PROJECT_NUMBER_MIN to
 * SAYSO_PROJECT_NUMBER_MAX: printed on posters and texted as at most three
 * digits (the largest real election in ../shared/pb has 257 projects). The
 * store, ballots, the SMS grammar, the demo file and admin all check this. */
#define SAYSO_PROJECT_NUMBER_MIN 1
#define SAYSO_PROJECT_NUMBER_MAX 999
#define SAYSO_PROJECT_NUMBER_RANGE "1 to 999" /* for messages */

/* A file path, and a path with room for a suffix ("-wal", ".tmp-XXXXXX",
 * ".secret") added to one of SAYSO_PATH_MAX. */
#define SAYSO_PATH_MAX 1024
#define SAYSO_AUXPATH_MAX 1100

/* A device id (1 to 64 of [A-Za-z0-9-_.:]) + NUL. */
#define SAYSO_DEVICE_MAX 65

/* A SHA-256 or HMAC-SHA-256 written as 64 hex digits + NUL. */
#define SAYSO_HEX256_MAX 65

#endif

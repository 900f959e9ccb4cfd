/*
 * err.h: the one error enum of sayso.
 *
 * Every fallible function in libsaysocore returns enum sayso_err; results come
 * back through out-parameters. Detail text (which file, line, field) lives on
 * the handle that failed (sayso_store_errmsg(), sayso_config_errmsg()), like
 * sqlite3_errmsg(). sayso_strerror() is a switch with no default so that
 * -Wswitch-enum catches a code nobody described.
 */
#ifndef SAYSO_ERR_H
#define SAYSO_ERR_H

#include <stdbool.h>

enum sayso_err {
	SAYSO_OK = 0,
	SAYSO_ERR_NOMEM,     /* out of memory */
	SAYSO_ERR_INVAL,     /* bad argument or malformed input */
	SAYSO_ERR_PARSE,     /* a file or message could not be parsed */
	SAYSO_ERR_IO,	     /* a read or write failed */
	SAYSO_ERR_FULL,	     /* the disk is full */
	SAYSO_ERR_READONLY,  /* the database or file is read-only */
	SAYSO_ERR_BUSY,	     /* the database stayed locked past busy_timeout */
	SAYSO_ERR_DB,	     /* any other database error */
	SAYSO_ERR_CORRUPT,   /* the database file is damaged */
	SAYSO_ERR_NOT_SAYSO, /* the file is not a sayso database */
	SAYSO_ERR_SCHEMA,    /* the database is from a newer sayso */
	SAYSO_ERR_SECRET,    /* site secret missing, unreadable or from another
				site */
	SAYSO_ERR_NOTFOUND,  /* no such round, project, report, ... */
	SAYSO_ERR_EXISTS,    /* it already exists */
	SAYSO_ERR_STATE,  /* not allowed in the current state (round closed) */
	SAYSO_ERR_TOOBIG, /* input over its documented maximum */
	SAYSO_ERR_RANGE,  /* a number out of range */
	SAYSO_ERR_CRYPTO, /* the crypto library failed */
	SAYSO_ERR_AUTH,	  /* a signature or PIN did not match */
	SAYSO_ERR_UNSUPPORTED, /* a valid request sayso does not support */
};

/* A short English description of err. Never NULL; static storage. */
const char *sayso_strerror(enum sayso_err err);

/* Whether err is about storage or the machine (database, disk, memory,
 * secret, crypto): worth retrying later or telling the operator, rather
 * than a fault of the input. False for SAYSO_OK and for every error caused
 * by what the caller passed (INVAL, PARSE, NOTFOUND, EXISTS, STATE, TOOBIG,
 * RANGE, AUTH, UNSUPPORTED). The one home of this rule: programs ask here
 * instead of writing their own switch. */
bool sayso_err_is_storage(enum sayso_err err);

#endif

/*
 * err.c: sayso_strerror(). A switch with no default, so -Wswitch-enum names
 * any code added to enum sayso_err without a description; likewise
 * sayso_err_is_storage(), the one place that sorts codes into storage
 * faults and input faults.
 */
#include "sayso/err.h"

const char *sayso_strerror(enum sayso_err err)
{
	switch (err) {
	case SAYSO_OK:
		return "success";
	case SAYSO_ERR_NOMEM:
		return "out of memory";
	case SAYSO_ERR_INVAL:
		return "invalid input";
	case SAYSO_ERR_PARSE:
		return "could not parse the input";
	case SAYSO_ERR_IO:
		return "input/output error";
	case SAYSO_ERR_FULL:
		return "the disk is full";
	case SAYSO_ERR_READONLY:
		return "the database is read-only";
	case SAYSO_ERR_BUSY:
		return "the database is locked by another program";
	case SAYSO_ERR_DB:
		return "database error";
	case SAYSO_ERR_CORRUPT:
		return "the database file is damaged";
	case SAYSO_ERR_NOT_SAYSO:
		return "not a sayso database";
	case SAYSO_ERR_SCHEMA:
		return "the database was made by a newer sayso";
	case SAYSO_ERR_SECRET:
		return "the site secret is missing or belongs to another site";
	case SAYSO_ERR_NOTFOUND:
		return "not found";
	case SAYSO_ERR_EXISTS:
		return "already exists";
	case SAYSO_ERR_STATE:
		return "not allowed in the current state";
	case SAYSO_ERR_TOOBIG:
		return "input too large";
	case SAYSO_ERR_RANGE:
		return "number out of range";
	case SAYSO_ERR_CRYPTO:
		return "cryptography library failure";
	case SAYSO_ERR_AUTH:
		return "authentication failed";
	case SAYSO_ERR_UNSUPPORTED:
		return "not supported";
	}
	return "unknown error";
}

bool sayso_err_is_storage(enum sayso_err err)
{
	switch (err) {
	case SAYSO_ERR_NOMEM:
	case SAYSO_ERR_IO:
	case SAYSO_ERR_FULL:
	case SAYSO_ERR_READONLY:
	case SAYSO_ERR_BUSY:
	case SAYSO_ERR_DB:
	case SAYSO_ERR_CORRUPT:
	case SAYSO_ERR_NOT_SAYSO:
	case SAYSO_ERR_SCHEMA:
	case SAYSO_ERR_SECRET:
	case SAYSO_ERR_CRYPTO:
		return true;
	case SAYSO_OK:
	case SAYSO_ERR_INVAL:
	case SAYSO_ERR_PARSE:
	case SAYSO_ERR_NOTFOUND:
	case SAYSO_ERR_EXISTS:
	case SAYSO_ERR_STATE:
	case SAYSO_ERR_TOOBIG:
	case SAYSO_ERR_RANGE:
	case SAYSO_ERR_AUTH:
	case SAYSO_ERR_UNSUPPORTED:
		return false;
	}
	return true;
}

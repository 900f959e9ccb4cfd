/*
 * sitecopy.h: moving a whole site between database engines (sayso-admin
 * migrate), and what a PostgreSQL server says about durability (sayso-admin
 * doctor).
 *
 * A site moves from its SQLite file to the city's PostgreSQL database (and
 * back) as it is: every table of the schema, every row, ids kept, in one
 * transaction on the target, then each table's row count and a checksum of
 * its rows are read back from the target and compared with the source's
 * before the transaction commits. The checksum is engine-neutral: computed
 * in C over each row's values (integer, real, text, bytes, null) read
 * through the SQL layer, as a sum of per-row SHA-256 digests, so it does
 * not depend on the order rows come back in.
 *
 * The site secret does not move: the target belongs to the same secret
 * (its site_check is the source's), so every resident id stays valid. A
 * PostgreSQL target keeps its secret in a file named by [site] secret (by
 * default the source's own secret file); a SQLite target gets its
 * <database>.secret, a copy of the same 32 bytes, mode 0600.
 */
#ifndef SAYSO_SITECOPY_H
#define SAYSO_SITECOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/limits.h"

/* What `migrate` is given. */
struct sayso_migrate_in {
	const char *source;	   /* a file or a postgresql:// URI */
	const char *source_secret; /* NULL or "": <source>.secret (a file) */
	const char *target;	   /* a file or a postgresql:// URI */
	/* A PostgreSQL target: the path its [site] secret will name (NULL
	 * or "": the source's secret file itself); a copy of the source's
	 * secret is written there (mode 0600) when it does not exist, else
	 * it must hold the same secret. A file target: must be NULL or ""
	 * (its secret is <target>.secret, written by the copy). */
	const char *target_secret;
};

/* One table copied. */
struct sayso_copy_table {
	char name[64];
	int64_t rows;	     /* read from the source */
	int64_t target_rows; /* counted on the target after the copy */
	char sum[17];	     /* the source rows' checksum (16 hex digits) */
	bool sum_ok;	     /* the target's rows give the same checksum */
};

/* What a copy did. */
struct sayso_copy_report {
	struct sayso_copy_table *tables; /* in copy (foreign-key) order */
	size_t n;
	int schema;	     /* the schema version of both */
	bool target_created; /* the target's schema was made by the copy */
	char target_secret[SAYSO_AUXPATH_MAX]; /* the target's secret file */
	bool secret_written; /* a copy of the secret was written there */
};

/*
 * Copies the site at in->source into the empty database in->target. The
 * source is opened read-only with its secret and read in one snapshot
 * (kiosks and the SMS gateway may keep writing to it). The target is a
 * file that does not exist yet or a PostgreSQL database with no tables
 * (its schema is made at this build's version), or a sayso database at the
 * same schema version with the same secret and no rows besides meta and
 * devices. Every table is copied in foreign-key order, rows by primary
 * key, ids kept (a column referring to its own table is filled in after
 * its rows); a PostgreSQL target's identity sequences are moved past the
 * largest id copied. Counts and checksums are compared before the commit;
 * any difference, or any error, rolls the whole copy back (a target the
 * copy created is removed when it is a file; a PostgreSQL target keeps
 * its empty schema, ready for another try).
 *
 * Errors, with a sentence for people in errbuf: SAYSO_ERR_NOT_SAYSO (the
 * source is not a sayso database), SAYSO_ERR_STATE (the source is an
 * enrolled kiosk's file: merge it instead; or the target is not empty),
 * SAYSO_ERR_SCHEMA (the versions differ, or the two schemas do not have
 * the same tables and columns), SAYSO_ERR_SECRET (the target belongs to
 * another secret), SAYSO_ERR_CORRUPT (a count or checksum differs),
 * SAYSO_ERR_INVAL (a secret path for a file target), storage errors. rep
 * is filled as far as the copy got; free it with sayso_copy_report_free().
 */
enum sayso_err sayso_site_migrate(const struct sayso_migrate_in *in,
				  struct sayso_copy_report *rep, char *errbuf,
				  size_t errsz);

void sayso_copy_report_free(struct sayso_copy_report *rep);

/* What a PostgreSQL server is set to, as sayso's own sessions see it. */
struct sayso_server_settings {
	char version[128];	       /* "PostgreSQL 15.x ..." (short) */
	char synchronous_commit[32];   /* in sayso's session: "on" */
	char fsync[8];		       /* "on" / "off" */
	char synchronous_standby[256]; /* synchronous_standby_names */
	bool in_recovery;	       /* a standby (read-only) */
};

struct sayso_store;
/* Reads them from st (a PostgreSQL store; SAYSO_ERR_UNSUPPORTED on a
 * file). */
enum sayso_err sayso_server_settings(struct sayso_store *st,
				     struct sayso_server_settings *out);

#endif

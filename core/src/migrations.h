/* migrations.h: the SQL files of core/sql, embedded in file-name order. */
#ifndef SAYSO_MIGRATIONS_H
#define SAYSO_MIGRATIONS_H

struct sayso_migration {
	const char *name; /* "0001_init.sql" */
	const char *sql;
};

extern const struct sayso_migration Sayso_migrations[];
extern const int Sayso_migration_count;

/* core/sql/pg: PostgreSQL's migrations, each with the schema version it
 * brings the database to (the number its file name starts with). */
struct sayso_pg_migration {
	int version;
	const char *name; /* "0010_baseline.sql" */
	const char *sql;
};

extern const struct sayso_pg_migration Sayso_pg_migrations[];
extern const int Sayso_pg_migration_count;

#endif

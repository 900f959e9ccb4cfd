/* migrations.h: the SQL files of core/sql, embedded in file-name order. */
#ifndef SAYSO_MIGRATIONS_H
#define SAYSO_MIGRATIONS_H

struct sayso_migration {
	const char *name; /* "0001_init.sql" */
	const char *sql;
};

extern const struct sayso_migration Sayso_migrations[];
extern const int Sayso_migration_count;

#endif

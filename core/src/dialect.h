/*
 * dialect.h: the few SQL expressions SQLite 3.40 and PostgreSQL 15 write
 * differently, in one place (the store layer's), so that modules write each
 * statement once.
 *
 * Each fragment exists as SAYSO_LITE_x and SAYSO_PG_x with the same
 * arguments (string literals, pasted at compile time). A module writes its
 * statement as a macro of the dialect, D, and asks for both:
 *
 *   #define RULE_SQL(D) "SELECT " SAYSO_##D##_JSON_TEXT("pb_meta", "rule") ...
 *   s = Sayso_store_stmt2(st, RULE_SQL(LITE), RULE_SQL(PG));
 *
 * Everything else (placeholders ?N, upserts, RETURNING, partial indexes,
 * FILTER, coalesce, ISO-8601 text times) both engines share.
 */
#ifndef SAYSO_DIALECT_H
#define SAYSO_DIALECT_H

/* The local calendar day and hour of an ISO-8601 UTC text time, in the
 * program's time zone (a PostgreSQL session is set to it: store_pg.c). */
#define SAYSO_LITE_LOCAL_DAY(t) "date(" t ", 'localtime')"
#define SAYSO_PG_LOCAL_DAY(t) "to_char((" t ")::timestamptz, 'YYYY-MM-DD')"
#define SAYSO_LITE_LOCAL_HOUR(t) "strftime('%H', " t ", 'localtime')"
#define SAYSO_PG_LOCAL_HOUR(t) "to_char((" t ")::timestamptz, 'HH24')"

/* Days (fractional) from ISO text time a to b. */
#define SAYSO_LITE_DAYS_BETWEEN(a, b) "(julianday(" b ") - julianday(" a "))"
#define SAYSO_PG_DAYS_BETWEEN(a, b)                                            \
	"(extract(epoch FROM ((" b ")::timestamptz - (" a                      \
	")::timestamptz)) / 86400.0)"

/* The values of x joined by sep, in the order of the query's ORDER BY
 * (SQLite: of the subquery it reads from; PostgreSQL: given as ord). */
#define SAYSO_LITE_JOINED(x, sep, ord) "group_concat(" x ", " sep ")"
#define SAYSO_PG_JOINED(x, sep, ord)                                           \
	"string_agg((" x ")::text, " sep " ORDER BY " ord ")"

/* A JSON object text's string member key (NULL when absent; the text is
 * written only by core, so PostgreSQL reads it without a validity test). */
#define SAYSO_LITE_JSON_TEXT(j, key)                                           \
	"CASE WHEN json_valid(" j ") THEN json_extract(" j ", '$." key "') "   \
	"END"
#define SAYSO_PG_JSON_TEXT(j, key) "((" j ")::json ->> '" key "')"

/* {"k":"v"} for text parameters k and v. */
#define SAYSO_LITE_JSON_PAIR(k, v) "json_object(" k ", " v ")"
#define SAYSO_PG_JSON_PAIR(k, v)                                               \
	"json_build_object((" k ")::text, (" v ")::text)::text"

/* The (key, value) rows of a JSON object text j in document order,
 * duplicates kept; none when j is not an object. */
#define SAYSO_LITE_JSON_PAIRS(j)                                               \
	"(SELECT key, value FROM json_each(" j ") WHERE json_type(" j          \
	") = 'object')"
#define SAYSO_PG_JSON_PAIRS(j)                                                 \
	"(SELECT key, value FROM json_each_text(CASE WHEN json_typeof((" j     \
	")::json) = 'object' THEN (" j ")::json ELSE '{}'::json END))"

#endif

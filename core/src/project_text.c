/*
 * project_text.c: translated project titles and descriptions
 * (table project_texts, migration 0010).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/lang.h"
#include "sayso/project_text.h"
#include "sayso/utf8.h"

static enum sayso_err check_text(struct sayso_store *st, const char *what,
				 const char *s, size_t max)
{
	if (!s)
		return SAYSO_OK;
	size_t n = strlen(s);
	if (n >= max)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"the %s is longer than %zu bytes", what,
					max - 1);
	if (sayso_utf8_bad_at(s, n) != n)
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"the %s is not clean UTF-8", what);
	return SAYSO_OK;
}

enum sayso_err sayso_project_text_set(struct sayso_store *st,
				      int64_t project_id, const char *lang,
				      const char *title,
				      const char *description,
				      const char *actor)
{
	if (!sayso_lang_valid(lang))
		return Sayso_store_fail(st, SAYSO_ERR_INVAL,
					"'%s' is not a language sayso ships "
					"(en, pl, cy, ur, pa, bn, ar)",
					lang ? lang : "");
	if (title && !title[0])
		title = NULL;
	if (description && !description[0])
		description = NULL;
	enum sayso_err e;
	if ((e = check_text(st, "title", title, SAYSO_TITLE_MAX)) ||
	    (e = check_text(st, "description", description, SAYSO_DESC_MAX)))
		return e;
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		return e;
	struct sayso_stmt *s =
	    Sayso_store_stmt(st, "SELECT 1 FROM projects WHERE id = ?1");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, project_id);
	int rc = Sayso_step(s);
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW) {
		e = rc == SAYSO_SQL_DONE
			? Sayso_store_fail(st, SAYSO_ERR_NOTFOUND,
					   "no such project")
			: Sayso_store_sqlfail(st, "find project");
		goto out;
	}
	if (title || description)
		s = Sayso_store_stmt(
		    st, "INSERT INTO project_texts(project_id, lang, title, "
			"description) VALUES(?1, ?2, ?3, ?4) "
			"ON CONFLICT(project_id, lang) DO UPDATE SET "
			"title = excluded.title, "
			"description = excluded.description");
	else
		s = Sayso_store_stmt(st, "DELETE FROM project_texts WHERE "
					 "project_id = ?1 AND lang = ?2");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, project_id);
	Sayso_bind_text(s, 2, lang, -1);
	if (title || description) {
		Sayso_bind_text_or_null(s, 3, title);
		Sayso_bind_text_or_null(s, 4, description);
	}
	rc = Sayso_step(s);
	Sayso_reset(s);
	if (rc != SAYSO_SQL_DONE) {
		e = Sayso_store_sqlfail(st, "save project text");
		goto out;
	}
	e = sayso_store_audit(st, actor, "project.text",
			      "project=%" PRId64 " lang=%s title=%s",
			      project_id, lang, title ? title : "(original)");
	if (e != SAYSO_OK)
		goto out;
	return sayso_store_commit(st);
out:
	sayso_store_rollback(st);
	return e;
}

enum sayso_err sayso_project_text_get(struct sayso_store *st,
				      int64_t project_id, const char *lang,
				      char *title, size_t titlesz,
				      char *description, size_t descsz,
				      bool *found)
{
	*found = false;
	if (titlesz)
		title[0] = '\0';
	if (descsz)
		description[0] = '\0';
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT coalesce(title, ''), coalesce(description, '') "
		"FROM project_texts WHERE project_id = ?1 AND lang = ?2");
	if (!s)
		return SAYSO_ERR_DB;
	Sayso_bind_int64(s, 1, project_id);
	Sayso_bind_text(s, 2, lang ? lang : "", -1);
	int rc = Sayso_step(s);
	if (rc == SAYSO_SQL_ROW) {
		*found = true;
		Sayso_column_copy(s, 0, title, titlesz);
		Sayso_column_copy(s, 1, description, descsz);
	}
	Sayso_reset(s);
	if (rc != SAYSO_SQL_ROW && rc != SAYSO_SQL_DONE)
		return Sayso_store_sqlfail(st, "read project text");
	return SAYSO_OK;
}

enum sayso_err sayso_project_list_lang(struct sayso_store *st, int64_t round_id,
				       const char *lang,
				       struct sayso_project **out, size_t *n)
{
	enum sayso_err e = sayso_project_list(st, round_id, out, n);
	if (e != SAYSO_OK || !*n || !sayso_lang_valid(lang))
		return e;
	struct sayso_stmt *s = Sayso_store_stmt(
	    st, "SELECT t.project_id, t.title, t.description "
		"FROM project_texts t JOIN projects p ON p.id = t.project_id "
		"WHERE p.round_id = ?1 AND t.lang = ?2");
	if (!s) {
		e = SAYSO_ERR_DB;
		goto out;
	}
	Sayso_bind_int64(s, 1, round_id);
	Sayso_bind_text(s, 2, lang, -1);
	int rc;
	while ((rc = Sayso_step(s)) == SAYSO_SQL_ROW) {
		int64_t id = Sayso_col_int64(s, 0);
		for (size_t i = 0; i < *n; i++) {
			struct sayso_project *p = &(*out)[i];
			if (p->id != id)
				continue;
			if (Sayso_col_type(s, 1) != SAYSO_SQL_NULL)
				Sayso_column_copy(s, 1, p->title,
						  sizeof p->title);
			if (Sayso_col_type(s, 2) != SAYSO_SQL_NULL)
				Sayso_column_copy(s, 2, p->description,
						  sizeof p->description);
		}
	}
	Sayso_reset(s);
	if (rc == SAYSO_SQL_DONE)
		return SAYSO_OK;
	e = Sayso_store_sqlfail(st, "list project texts");
out:
	free(*out);
	*out = NULL;
	*n = 0;
	return e;
}

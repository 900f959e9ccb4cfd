/*
 * project_text.h: a project's title and description in the residents'
 * languages (the shipped codes of sayso/lang.h). The kiosk shows a resident
 * the text of their language when there is one, else the original.
 */
#ifndef SAYSO_PROJECT_TEXT_H
#define SAYSO_PROJECT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sayso/err.h"
#include "sayso/round.h"
#include "sayso/store.h"

/*
 * Sets project_id's title and description in lang. NULL or "" leaves that
 * one to the original; both empty removes the translation. Fails with
 * SAYSO_ERR_INVAL (detail on the store) for a language sayso does not ship,
 * text that is not clean UTF-8 or longer than SAYSO_TITLE_MAX - 1 /
 * SAYSO_DESC_MAX - 1 bytes, SAYSO_ERR_NOTFOUND for no such project. Audited
 * as "project.text".
 */
enum sayso_err sayso_project_text_set(struct sayso_store *st,
				      int64_t project_id, const char *lang,
				      const char *title,
				      const char *description,
				      const char *actor);

/* The translation of project_id in lang: *found false when there is none;
 * title / description "" where that one is left to the original. */
enum sayso_err sayso_project_text_get(struct sayso_store *st,
				      int64_t project_id, const char *lang,
				      char *title, size_t titlesz,
				      char *description, size_t descsz,
				      bool *found);

/* The projects of a round as sayso_project_list() gives them, with title
 * and description in lang where a translation has them. */
enum sayso_err sayso_project_list_lang(struct sayso_store *st, int64_t round_id,
				       const char *lang,
				       struct sayso_project **out, size_t *n);

#endif

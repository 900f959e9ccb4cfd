-- 0010_project_texts.sql: a project's title and description in the
-- residents' languages (issue 13). One row per project and language; a NULL
-- title or description means "show the original" (projects.title,
-- projects.description). Removed with its project.
CREATE TABLE project_texts (
	project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	lang        TEXT NOT NULL
		CHECK (lang IN ('en', 'pl', 'cy', 'ur', 'pa', 'bn', 'ar')),
	title       TEXT CHECK (title IS NULL OR length(title) > 0),
	description TEXT CHECK (description IS NULL OR length(description) > 0),
	CHECK (title IS NOT NULL OR description IS NOT NULL),
	PRIMARY KEY (project_id, lang)
) WITHOUT ROWID;

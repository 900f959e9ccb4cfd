-- 0007_pb_source_rows.sql: an imported .pb file's PROJECTS and VOTES data as
-- it was written (issue 10, item 6), so that `export pb` gives back every
-- column sayso does not model (age, sex, district, category, latitude, ...)
-- with the file's header, column order and cell text; an empty cell stays
-- empty. Each row is the file's line without its line end (quotes as in the
-- file); export writes it unchanged while the modelled cells in it
-- (project_id, cost, votes, score, name, selected, voter_id, vote, points)
-- still agree with the round, and rebuilds only the cells that do not.
-- NULL for rounds made in sayso.
ALTER TABLE rounds ADD COLUMN pb_projects_header TEXT;
ALTER TABLE rounds ADD COLUMN pb_votes_header TEXT;
ALTER TABLE projects ADD COLUMN pb_row TEXT;
ALTER TABLE ballots ADD COLUMN pb_row TEXT;

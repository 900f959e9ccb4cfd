-- 0002_round_code_nocase.sql: round codes are typed by residents in texts
-- ("vote pb26 3 7"), so they are matched without regard to case, and two
-- rounds may not differ only by case.
CREATE UNIQUE INDEX rounds_code_nocase ON rounds(code COLLATE NOCASE);

-- 007: votes in detail: main vote or a vote on a side motion, and the members as the
-- roll call lists them (empty lists when the minutes do not name them).
ALTER TABLE votes ADD COLUMN kind VARCHAR;              -- main | side
ALTER TABLE votes ADD COLUMN for_names VARCHAR[];
ALTER TABLE votes ADD COLUMN against_names VARCHAR[];
ALTER TABLE votes ADD COLUMN blank_names VARCHAR[];
ALTER TABLE votes ADD COLUMN absent_names VARCHAR[];

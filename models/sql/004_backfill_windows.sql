-- 004: progress of an unfinished backfill (minutes run --since ... [--until ...]).
-- A window's row is written in the transaction that loads it; when every window of a
-- backfill is done its rows are removed, so a later identical backfill starts afresh.
CREATE TABLE backfill_windows (
    job          VARCHAR NOT NULL,   -- source:since:until
    source       VARCHAR NOT NULL,
    window_start DATE NOT NULL,
    window_end   DATE NOT NULL,
    run_id       VARCHAR NOT NULL,
    completed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job, window_start)
);

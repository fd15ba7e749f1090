-- 010: how each source ended in each run (numbered 010 to stay clear of 008/009,
-- which parallel work may take). `minutes status` reads it.

CREATE TABLE run_sources (
    run_id              VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    status              VARCHAR NOT NULL,  -- succeeded | failed | blocked | refused | cancelled
    finished_at         TIMESTAMPTZ NOT NULL,
    documents_new       INTEGER NOT NULL,
    documents_unchanged INTEGER NOT NULL,
    items_inserted      INTEGER NOT NULL,
    items_updated       INTEGER NOT NULL,
    items_unchanged     INTEGER NOT NULL,
    quarantined         INTEGER NOT NULL,
    error_url           VARCHAR,           -- what failed: the URL (or folder)
    error_class         VARCHAR,           -- the exception's class, e.g. ConnectError
    error_message       VARCHAR,
    PRIMARY KEY (run_id, source)
);

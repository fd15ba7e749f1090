-- 003: previous versions of changed items, and each run's status and per-source counts.

CREATE TABLE item_versions (        -- one row per superseded version of an item
    item_id           VARCHAR NOT NULL,
    version           INTEGER NOT NULL,   -- 1 = the first version ever loaded
    record            JSON NOT NULL,      -- the record as it was
    content_hash      VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    source_sha256     VARCHAR NOT NULL,
    valid_from        TIMESTAMPTZ NOT NULL,
    valid_to          TIMESTAMPTZ NOT NULL,
    changed_fields    JSON NOT NULL,      -- fields the next version changed
    replaced_by_run   VARCHAR NOT NULL,
    PRIMARY KEY (item_id, version)
);

ALTER TABLE runs ADD COLUMN status VARCHAR;      -- running | completed | partial | failed
ALTER TABLE runs ADD COLUMN per_source JSON;     -- {source: {counts..., status, error}}
ALTER TABLE runs ADD COLUMN field_changes JSON;  -- {field: items whose value changed}

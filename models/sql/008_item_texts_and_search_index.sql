-- 008: the text each item was read from (what field_provenance spans point into), and
-- the bookkeeping of the full-text search index (flows/search_index.py). The index
-- itself (schemas fts_main_search_fi / fts_main_search_sv) is built by the load when
-- items changed, never by a migration: a warehouse without one still works.
CREATE TABLE item_texts (
    item_id VARCHAR PRIMARY KEY,
    text    VARCHAR NOT NULL
);

CREATE TABLE search_index (
    language    VARCHAR PRIMARY KEY,  -- fi | sv: one index per stemmer
    stemmer     VARCHAR NOT NULL,     -- finnish | swedish
    items       BIGINT NOT NULL,      -- items indexed
    fingerprint VARCHAR NOT NULL,     -- what the items were when it was built
    built_at    TIMESTAMPTZ NOT NULL,
    seconds     DOUBLE NOT NULL       -- how long the build took
);

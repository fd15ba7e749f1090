-- 005: earlier handlings of an item's case, and the provenance of each extracted field.
-- Both are child rows of items, rewritten whenever the item is.
CREATE TABLE earlier_handlings (
    item_id      VARCHAR NOT NULL,
    ordinal      INTEGER NOT NULL,
    body         VARCHAR,
    meeting_date DATE,
    section      INTEGER
);

CREATE TABLE field_provenance (
    item_id       VARCHAR NOT NULL,
    field         VARCHAR NOT NULL,   -- record field, e.g. 'outcome', 'preparers[0].name'
    method        VARCHAR NOT NULL,   -- rule name, e.g. 'outcome_phrase:tabled'
    span_start    INTEGER,            -- [start, end) in the item's text, when known
    span_end      INTEGER,
    value_excerpt VARCHAR
);

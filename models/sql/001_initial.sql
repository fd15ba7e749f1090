-- 001: the warehouse's first tables. Keys are deterministic ids (models/ids.py).

CREATE TABLE documents (            -- the raw zone manifest: one row per fetched version
    uri           VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    source        VARCHAR,
    municipality  VARCHAR,
    media_type    VARCHAR,
    size          BIGINT,
    raw_path      VARCHAR NOT NULL,  -- relative to the raw zone root
    etag          VARCHAR,
    last_modified VARCHAR,
    fetched_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (uri, sha256)
);

CREATE TABLE bodies (
    body_id      VARCHAR PRIMARY KEY,
    municipality VARCHAR,
    name         VARCHAR NOT NULL,
    abbrev       VARCHAR,
    language     VARCHAR
);

CREATE TABLE meetings (
    meeting_id   VARCHAR PRIMARY KEY,
    body_id      VARCHAR NOT NULL,
    municipality VARCHAR,
    body         VARCHAR NOT NULL,
    meeting_date DATE NOT NULL,
    doc_kind     VARCHAR NOT NULL     -- minutes once any item of it is minutes
);

CREATE TABLE items (
    item_id           VARCHAR PRIMARY KEY,
    meeting_id        VARCHAR NOT NULL,
    municipality      VARCHAR,
    body              VARCHAR NOT NULL,
    body_abbrev       VARCHAR,
    meeting_date      DATE NOT NULL,
    section           INTEGER,
    diary_number      VARCHAR,
    title             VARCHAR,
    doc_kind          VARCHAR NOT NULL,
    proposal          VARCHAR,
    decision          VARCHAR,
    outcome           VARCHAR,
    voted             BOOLEAN NOT NULL,
    disqualified      JSON NOT NULL,
    attachments       JSON NOT NULL,
    language          VARCHAR NOT NULL,
    source_uri        VARCHAR NOT NULL,
    source_sha256     VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL,  -- of the record without `source`
    record            JSON NOT NULL,     -- the record exactly as `minutes extract` prints it
    first_seen_at     TIMESTAMPTZ NOT NULL,
    last_changed_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE persons (
    person_id    VARCHAR PRIMARY KEY,
    municipality VARCHAR,
    name         VARCHAR NOT NULL
);

CREATE TABLE item_persons (         -- who prepared / presented which item, with what title
    item_id   VARCHAR NOT NULL,
    role      VARCHAR NOT NULL,       -- preparer | presenter
    ordinal   INTEGER NOT NULL,
    person_id VARCHAR,                -- null when the presenter is an organ, not a person
    name      VARCHAR,
    title     VARCHAR,
    phone     VARCHAR,
    email     VARCHAR
);

CREATE TABLE votes (
    item_id       VARCHAR NOT NULL,
    ordinal       INTEGER NOT NULL,
    votes_for     INTEGER,
    votes_against INTEGER,
    blank         INTEGER,
    absent        INTEGER,
    motion        VARCHAR
);

CREATE TABLE runs (
    run_id              VARCHAR PRIMARY KEY,
    kind                VARCHAR NOT NULL,  -- run | reprocess
    started_at          TIMESTAMPTZ NOT NULL,
    finished_at         TIMESTAMPTZ NOT NULL,
    sources             JSON NOT NULL,
    documents_new       INTEGER NOT NULL,
    documents_unchanged INTEGER NOT NULL,
    items_inserted      INTEGER NOT NULL,
    items_updated       INTEGER NOT NULL,
    items_unchanged     INTEGER NOT NULL,
    quarantined         INTEGER NOT NULL,
    extractor_version   VARCHAR NOT NULL
);

CREATE TABLE quarantine (
    document      VARCHAR NOT NULL,   -- the document's uri
    sha256        VARCHAR NOT NULL,   -- '' when the bytes could not be read
    stage         VARCHAR NOT NULL,   -- fetch | extract
    reason        VARCHAR NOT NULL,
    detail        VARCHAR,
    source        VARCHAR,
    first_seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document, sha256, stage)
);

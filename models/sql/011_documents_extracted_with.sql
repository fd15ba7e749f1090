-- 011: which extractor version last read each document version. A run does not
-- extract or load again a document whose bytes and extractor are unchanged (it
-- counts it unchanged); `minutes reprocess` reads everything again.

ALTER TABLE documents ADD COLUMN extracted_with VARCHAR;

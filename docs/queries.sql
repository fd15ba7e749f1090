-- Example queries over the minutes warehouse (docs/warehouse.md lists every column).
--
-- Each query starts with a `-- name: …` line and a one-line explanation; a test runs
-- them all against the bundled samples (tests/flows/test_analyst.py).
--
-- Most are single SELECTs: paste them into `minutes sql "…"` or any DuckDB client.
-- The full-text search needs a scratch database for its index, so run this file in
-- an in-memory session with the warehouse attached read-only and the fts extension
-- loaded from the duckdb-extension-fts package (no network):
--
--   duckdb -cmd "LOAD '.venv/lib/python3.11/site-packages/duckdb_extension_fts/extensions/v1.5.5/fts.duckdb_extension'; ATTACH 'data/warehouse/minutes.duckdb' AS wh (READ_ONLY); USE wh"
--
-- or, in Python, `flows.analyst.query_session()` returns such a connection.

-- name: decisions_per_body_per_month
-- How many items each body decided per month (agendas left out).
SELECT municipality, body, date_trunc('month', meeting_date) AS month, count(*) AS decisions
FROM decisions
WHERE doc_kind = 'minutes'
GROUP BY ALL
ORDER BY month, municipality, body;

-- name: outcome_shares_by_municipality
-- Share of each outcome among a municipality's decided items, in percent.
SELECT municipality, outcome, items,
       round(100.0 * items / sum(items) OVER (PARTITION BY municipality), 1) AS pct
FROM (
    SELECT coalesce(municipality, '(unknown)') AS municipality, outcome, count(*) AS items
    FROM decisions
    WHERE outcome IS NOT NULL
    GROUP BY ALL
)
ORDER BY municipality, items DESC;

-- name: tabled_items_that_came_back
-- Tabled or returned items that came back later (same diary number or title) with another outcome.
SELECT t.municipality, t.body, t.title, t.meeting_date AS first_handled, t.outcome AS first_outcome,
       l.meeting_date AS came_back, l.outcome AS later_outcome, l.section AS later_section
FROM decisions AS t
JOIN decisions AS l
  ON l.municipality IS NOT DISTINCT FROM t.municipality
 AND l.meeting_date > t.meeting_date
 AND (l.diary_number = t.diary_number OR lower(l.title) = lower(t.title))
 AND l.outcome IS DISTINCT FROM t.outcome
WHERE t.outcome IN ('tabled', 'returned')
ORDER BY t.meeting_date, l.meeting_date;

-- name: busiest_presenters
-- Officials who presented the most items, with the bodies they presented to.
SELECT name, municipality, items_presented, presented_to, titles
FROM people
WHERE items_presented > 0
ORDER BY items_presented DESC, name
LIMIT 20;

-- name: closest_votes
-- Votes with the smallest margin |for − against|, newest first among ties.
SELECT municipality, body, meeting_date, section, title, votes_for, votes_against, blank, margin
FROM vote_details
ORDER BY margin, meeting_date DESC
LIMIT 20;

-- name: search_decisions_fts
-- Full-text search (BM25, Finnish stemmer) over title, proposal and decision: 'hyvinvointialue' also finds 'hyvinvointialueen'.
CREATE OR REPLACE TABLE memory.main.decision_text AS
SELECT item_id, municipality, body, meeting_date, section, title,
       concat_ws(' ', title, proposal, decision) AS text
FROM decisions;
PRAGMA create_fts_index('memory.main.decision_text', 'item_id', 'title', 'text',
                        stemmer = 'finnish', overwrite = 1);
SELECT municipality, body, meeting_date, section, title, score
FROM (
    SELECT *, memory.fts_main_decision_text.match_bm25(item_id, 'hyvinvointialue') AS score
    FROM memory.main.decision_text
)
WHERE score IS NOT NULL
ORDER BY score DESC;

-- name: search_decisions_like
-- The same search without the fts extension: a case-insensitive substring match.
SELECT municipality, body, meeting_date, section, title
FROM decisions
WHERE concat_ws(' ', title, proposal, decision) ILIKE '%hyvinvointialue%'
ORDER BY meeting_date DESC;

-- name: items_per_diary_number
-- Cases (diary numbers) handled in more than one meeting, with every handling in order.
SELECT municipality, diary_number, count(*) AS handlings,
       list(body || ' ' || strftime(meeting_date, '%Y-%m-%d') || ' §' || coalesce(section::VARCHAR, '?')
            || ': ' || coalesce(outcome, doc_kind) ORDER BY meeting_date) AS history
FROM decisions
WHERE diary_number IS NOT NULL
GROUP BY ALL
HAVING count(DISTINCT meeting_id) > 1
ORDER BY handlings DESC, diary_number;

-- name: quarantine_by_reason
-- Documents that could not be fetched or extracted, per source, stage and reason.
SELECT coalesce(source, '(unknown)') AS source, stage, reason, count(*) AS documents,
       min(first_seen_at) AS first_seen, any_value(document) AS example
FROM quarantine
GROUP BY ALL
ORDER BY documents DESC, source, reason;

-- name: latest_run_summary
-- The newest flow run: what it covered, how long it took and what it changed.
SELECT run_id, kind, started_at, finished_at - started_at AS duration, sources,
       documents_new, documents_unchanged, items_inserted, items_updated, items_unchanged,
       quarantined, extractor_version
FROM runs
ORDER BY started_at DESC
LIMIT 1;

-- name: field_coverage
-- Per source, the fields with the lowest share of items that have a value.
SELECT source, field, items, filled, coverage_pct, quarantined_documents
FROM quality
ORDER BY coverage_pct NULLS FIRST, source, field;

-- name: meetings_with_most_items
-- The longest meetings by number of items, with their outcome counts.
SELECT municipality, body, meeting_date, doc_kind, items, approved, amended, rejected,
       tabled, returned, noted, elected, voted_items
FROM meeting_summary
ORDER BY items DESC, meeting_date DESC
LIMIT 20;

-- name: body_activity
-- Each body's meetings, items, date range, and how often it postponed or voted.
SELECT municipality, body, meetings, items, first_meeting, last_meeting,
       accepted, postponed, voted_items,
       round(100.0 * postponed / nullif(items, 0), 1) AS postponed_pct
FROM body_summary
ORDER BY items DESC, body;

-- name: conflicts_of_interest
-- Members who declared a conflict of interest (esteellinen / jäv), with the items.
SELECT member, count(*) AS items, list(title ORDER BY meeting_date) AS titles
FROM (SELECT unnest(disqualified) AS member, title, meeting_date FROM decisions)
GROUP BY member
ORDER BY items DESC, member;

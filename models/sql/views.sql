-- Analyst views, recreated after every migration (CREATE OR REPLACE).

CREATE OR REPLACE VIEW decisions AS
WITH presenters AS (
    SELECT item_id, any_value(name) AS presenter_name, any_value(title) AS presenter_title
    FROM item_persons WHERE role = 'presenter' GROUP BY item_id
), preparers AS (
    SELECT item_id,
           list(name ORDER BY ordinal) FILTER (WHERE name IS NOT NULL) AS preparer_names,
           list({'name': name, 'title': title, 'phone': phone, 'email': email}
                ORDER BY ordinal) AS preparers
    FROM item_persons WHERE role = 'preparer' GROUP BY item_id
), item_votes AS (
    SELECT item_id, count(*) AS vote_count,
           list({'for': votes_for, 'against': votes_against, 'blank': blank,
                 'absent': absent, 'motion': motion} ORDER BY ordinal) AS votes
    FROM votes GROUP BY item_id
), handlings AS (
    SELECT item_id,
           list({'body': body, 'meeting_date': meeting_date, 'section': section}
                ORDER BY ordinal) AS earlier_handlings
    FROM earlier_handlings GROUP BY item_id
)
SELECT
    i.item_id,
    i.meeting_id,
    i.municipality,
    i.body,
    i.body_abbrev,
    i.meeting_date,
    i.section,
    i.diary_number,
    i.title,
    i.doc_kind,
    p.presenter_name,
    p.presenter_title,
    coalesce(pr.preparer_names, []) AS preparer_names,
    coalesce(pr.preparers, []) AS preparers,
    i.proposal,
    i.decision,
    i.outcome,
    i.voted,
    coalesce(v.votes, []) AS votes,
    coalesce(v.vote_count, 0) AS vote_count,
    from_json(i.disqualified, '["VARCHAR"]') AS disqualified,
    from_json(i.attachments, '["VARCHAR"]') AS attachments,
    i.language,
    i.source_uri,
    i.source_sha256,
    i.extractor_version,
    i.first_seen_at,
    i.last_changed_at,
    coalesce(h.earlier_handlings, []) AS earlier_handlings,
    coalesce(
        from_json(i.record -> '$.departures',
                  '[{"name": "VARCHAR", "reason": "VARCHAR", "conflict": "BOOLEAN"}]'),
        []
    ) AS departures,
    i.diary_class
FROM items AS i
LEFT JOIN presenters AS p USING (item_id)
LEFT JOIN preparers AS pr USING (item_id)
LEFT JOIN item_votes AS v USING (item_id)
LEFT JOIN handlings AS h USING (item_id);

-- The views below are this project's answer to the contract's "meetings, bodies, persons,
-- votes" for analysts. Those names are tables already, so the views take their own names:
-- meeting_summary, body_summary, people, vote_details, quality (docs/warehouse.md).

CREATE OR REPLACE VIEW meeting_summary AS
SELECT
    m.meeting_id,
    m.municipality,
    m.body,
    m.meeting_date,
    m.doc_kind,
    count(i.item_id) AS items,
    count(*) FILTER (WHERE i.outcome = 'approved') AS approved,
    count(*) FILTER (WHERE i.outcome = 'amended') AS amended,
    count(*) FILTER (WHERE i.outcome = 'rejected') AS rejected,
    count(*) FILTER (WHERE i.outcome = 'tabled') AS tabled,
    count(*) FILTER (WHERE i.outcome = 'returned') AS returned,
    count(*) FILTER (WHERE i.outcome = 'noted') AS noted,
    count(*) FILTER (WHERE i.outcome = 'removed') AS removed,
    count(*) FILTER (WHERE i.outcome = 'elected') AS elected,
    count(*) FILTER (WHERE i.outcome = 'other') AS other,
    count(*) FILTER (WHERE i.item_id IS NOT NULL AND i.outcome IS NULL) AS no_outcome,
    count(*) FILTER (WHERE i.voted) AS voted_items
FROM meetings AS m
LEFT JOIN items AS i USING (meeting_id)
GROUP BY ALL;

CREATE OR REPLACE VIEW body_summary AS
SELECT
    b.body_id,
    b.municipality,
    b.name AS body,
    b.abbrev,
    b.language,
    count(DISTINCT s.meeting_id) AS meetings,
    coalesce(sum(s.items), 0)::BIGINT AS items,
    min(s.meeting_date) AS first_meeting,
    max(s.meeting_date) AS last_meeting,
    coalesce(sum(s.approved + s.amended), 0)::BIGINT AS accepted,
    coalesce(sum(s.rejected), 0)::BIGINT AS rejected,
    coalesce(sum(s.tabled + s.returned), 0)::BIGINT AS postponed,
    coalesce(sum(s.voted_items), 0)::BIGINT AS voted_items
FROM bodies AS b
LEFT JOIN meetings AS m USING (body_id)
LEFT JOIN meeting_summary AS s USING (meeting_id)
GROUP BY ALL;

CREATE OR REPLACE VIEW people AS
WITH roles AS (
    SELECT ip.person_id, ip.role, ip.title, ip.item_id, i.body, i.meeting_date
    FROM item_persons AS ip
    JOIN items AS i USING (item_id)
    WHERE ip.person_id IS NOT NULL
)
SELECT
    p.person_id,
    p.municipality,
    p.name,
    coalesce(list_sort(list(DISTINCT r.role) FILTER (WHERE r.role IS NOT NULL)), [])
        AS roles,
    coalesce(list_sort(list(DISTINCT r.title) FILTER (WHERE r.title IS NOT NULL)), [])
        AS titles,
    coalesce(list_sort(list(DISTINCT r.body) FILTER (WHERE r.role = 'presenter')), [])
        AS presented_to,
    coalesce(list_sort(list(DISTINCT r.body) FILTER (WHERE r.role = 'preparer')), [])
        AS prepared_for,
    count(DISTINCT r.item_id) FILTER (WHERE r.role = 'presenter') AS items_presented,
    count(DISTINCT r.item_id) FILTER (WHERE r.role = 'preparer') AS items_prepared,
    count(DISTINCT r.item_id) AS items,
    min(r.meeting_date) AS first_meeting,
    max(r.meeting_date) AS last_meeting
FROM persons AS p
LEFT JOIN roles AS r USING (person_id)
GROUP BY ALL;

CREATE OR REPLACE VIEW vote_details AS
SELECT
    v.item_id,
    v.ordinal,
    i.meeting_id,
    i.municipality,
    i.body,
    i.meeting_date,
    i.section,
    i.diary_number,
    i.title,
    i.outcome,
    v.votes_for,
    v.votes_against,
    v.blank,
    v.absent,
    abs(v.votes_for - v.votes_against) AS margin,
    v.motion,
    v.kind,
    v.for_names,
    v.against_names,
    v.blank_names,
    v.absent_names
FROM votes AS v
JOIN items AS i USING (item_id);

CREATE OR REPLACE VIEW quality AS
WITH item_sources AS (
    SELECT coalesce(d.source, '(unknown)') AS source, x.*
    FROM decisions AS x
    LEFT JOIN documents AS d ON d.uri = x.source_uri AND d.sha256 = x.source_sha256
), sources AS (
    SELECT coalesce(source, '(unknown)') AS source FROM documents
    UNION SELECT coalesce(source, '(unknown)') FROM quarantine
    UNION SELECT source FROM item_sources
), filled AS (
    SELECT
        s.source,
        count(x.item_id) AS items,
        count(nullif(x.municipality, '')) AS municipality,
        count(nullif(x.body_abbrev, '')) AS body_abbrev,
        count(x.section) AS section,
        count(nullif(x.diary_number, '')) AS diary_number,
        count(nullif(x.diary_class, '')) AS diary_class,
        count(nullif(x.title, '')) AS title,
        count(nullif(x.presenter_name, '')) AS presenter,
        count(x.item_id) FILTER (WHERE len(x.preparers) > 0) AS preparers,
        count(nullif(x.proposal, '')) AS proposal,
        count(nullif(x.decision, '')) AS decision,
        count(x.outcome) AS outcome,
        count(x.item_id) FILTER (WHERE len(x.attachments) > 0) AS attachments
    FROM sources AS s
    LEFT JOIN item_sources AS x USING (source)
    GROUP BY s.source
), per_field AS (
    UNPIVOT filled ON COLUMNS(* EXCLUDE (source, items))
    INTO NAME field VALUE filled
), documents_per_source AS (
    SELECT coalesce(source, '(unknown)') AS source, count(DISTINCT uri) AS documents
    FROM documents GROUP BY ALL
), quarantined AS (
    SELECT coalesce(source, '(unknown)') AS source,
           count(DISTINCT document) AS quarantined_documents
    FROM quarantine GROUP BY ALL
)
SELECT
    f.source,
    f.field,
    f.items,
    f.filled,
    round(100.0 * f.filled / nullif(f.items, 0), 1) AS coverage_pct,
    coalesce(d.documents, 0) AS documents,
    coalesce(q.quarantined_documents, 0) AS quarantined_documents
FROM per_field AS f
LEFT JOIN documents_per_source AS d USING (source)
LEFT JOIN quarantined AS q USING (source);

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
    i.last_changed_at
FROM items AS i
LEFT JOIN presenters AS p USING (item_id)
LEFT JOIN preparers AS pr USING (item_id)
LEFT JOIN item_votes AS v USING (item_id);

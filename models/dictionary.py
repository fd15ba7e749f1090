"""The data dictionary as data: one sentence per warehouse table, view and column.
`minutes docs` renders it with the live schema into docs/warehouse.md; a test fails
when a column has no sentence here."""

from __future__ import annotations

# One sentence per table / view; views are what analysts should start from.
RELATIONS: dict[str, str] = {
    "decisions": "Analyst view (the contract's): one row per agenda item with every"
    " record field flattened.",
    "meeting_summary": "Analyst view: one row per meeting with its item count and how"
    " many items ended in each outcome.",
    "body_summary": "Analyst view: one row per deciding body with its meetings, items,"
    " date range and outcome totals.",
    "people": "Analyst view: one row per named official with roles, titles, the bodies"
    " they presented to or prepared for, and item counts.",
    "vote_details": "Analyst view: one row per vote with the item it was taken on and"
    " the margin between for and against.",
    "quality": "Analyst view: per source and record field, the share of items that have"
    " a value, with the source's documents and quarantined documents.",
    "documents": "Raw zone manifest: one row per fetched document version (uri +"
    " sha256).",
    "bodies": "One row per deciding body of a municipality.",
    "meetings": "One row per meeting (municipality + body + date).",
    "items": "One row per agenda item (§), the record as extracted plus load"
    " bookkeeping.",
    "persons": "One row per named official, per municipality.",
    "item_persons": "Who prepared or presented which item, with the title, phone and"
    " e-mail printed there.",
    "votes": "One row per vote taken on an item, with the counts as printed.",
    "runs": "One row per flow run (run or reprocess) with its counts.",
    "run_sources": "How each source ended in each run: status, counts and the error"
    " that failed it.",
    "quarantine": "One row per document that could not be fetched or extracted.",
    "watermarks": "How far each source's crawl has got, per body.",
    "schema_migrations": "One row per applied schema migration.",
    "item_versions": "One row per superseded version of an item: what it was, when,"
    " and which fields the next version changed.",
    "backfill_windows": "Windows an unfinished backfill has loaded, so a restarted"
    " backfill resumes where it stopped.",
    "earlier_handlings": "One row per earlier handling of an item's case (another"
    " meeting's body, date and §), never the item's own.",
    "field_provenance": "Why a field has its value: one row per extracted field of an"
    " item with the rule (or model) that produced it and where in the item's text.",
    "item_texts": "The text each item was read from, as the extractor saw it: what"
    " field_provenance spans point into.",
    "search_index": "One row per full-text index (one per stemmer): what it covers and"
    " when the load built it.",
}

# Sentences for columns that mean the same wherever they appear.
COMMON: dict[str, str] = {
    "item_id": "Deterministic id of the agenda item (municipality + body + meeting"
    " date + §, or the title when there is no §).",
    "meeting_id": "Deterministic id of the meeting (municipality + body + date).",
    "body_id": "Deterministic id of the deciding body (municipality + name).",
    "person_id": "Deterministic id of the official (municipality + normalised name).",
    "municipality": "Municipality or wellbeing services county, e.g. 'Kittilä'; null"
    " when neither the source nor the text says.",
    "body": "Full name of the deciding body, nominative, e.g. 'Kunnanhallitus'.",
    "body_abbrev": "The body's abbreviation as printed, e.g. 'Khall'.",
    "abbrev": "The body's abbreviation as printed, e.g. 'Khall'.",
    "meeting_date": "Date of the meeting that handled the item.",
    "section": "The item's § number in its meeting (null on agendas without §).",
    "diary_number": "Diary number (Dnro) as printed, label removed; a bracketed"
    " classification suffix (Turku's '3720-2013 (611)') goes to diary_class.",
    "diary_class": "Classification code (tehtäväluokka) of the diary number, e.g."
    " '00.00.01' of '21/00.00.01/2023', '611' of '3720-2013 (611)'; null when none.",
    "title": "The item's heading.",
    "doc_kind": "'minutes' (pöytäkirja) or 'agenda' (esityslista).",
    "proposal": "Text of the proposal (Päätösehdotus / Beslutsförslag).",
    "decision": "Text of the decision (Päätös / Beslut); null on agendas.",
    "outcome": "Outcome class: approved, amended, rejected, tabled, returned, noted,"
    " removed, elected or other; null on agendas.",
    "voted": "True when a vote (äänestys / omröstning) took place.",
    "disqualified": "Members who declared a conflict of interest (esteellinen / jäv).",
    "attachments": "Titles of the attachments (Liitteet / Bilaga).",
    "language": "Language of the document: 'fi' or 'sv'.",
    "source_uri": "URI of the document the item came from.",
    "source_sha256": "SHA-256 of the exact bytes the item came from.",
    "extractor_version": "Version of the extractors that produced the record.",
    "first_seen_at": "When the warehouse first saw this row.",
    "last_changed_at": "When the item's record last changed (equals first_seen_at"
    " until then).",
    "ordinal": "0-based position in the order printed.",
    "votes_for": "Votes for the proposal or motion, as printed.",
    "votes_against": "Votes against, as printed.",
    "blank": "Blank votes (tyhjää), as printed.",
    "absent": "Members absent from the vote, as printed.",
    "motion": "The sentence that states the vote and what it was on.",
    "kind": "'main' (a vote on the matter, amendments included) or 'side' (on a"
    " side motion: return, tabling, wish clause; återremiss, bordläggning).",
    "for_names": "Members listed as voting for (roll call); empty when not listed.",
    "against_names": "Members listed as voting against; empty when not listed.",
    "blank_names": "Members listed as voting blank; empty when not listed.",
    "absent_names": "Members listed as absent from the vote; empty when not listed.",
    "source": "Slug of the source in sources.toml.",
    "sha256": "SHA-256 of the document's bytes.",
    "name": "Name, normalised to 'Firstname Lastname'.",
    "items": "Number of agenda items.",
    "meetings": "Number of meetings.",
    "first_meeting": "Date of the earliest meeting.",
    "last_meeting": "Date of the latest meeting.",
    "voted_items": "Number of items on which a vote took place.",
    "approved": "Items approved as proposed.",
    "amended": "Items accepted with changes.",
    "rejected": "Items rejected.",
    "tabled": "Items tabled (pöydälle).",
    "returned": "Items returned for preparation (palautettiin).",
    "noted": "Items noted for information (merkittiin tiedoksi).",
    "removed": "Items removed from the agenda.",
    "elected": "Elections and appointments.",
    "other": "Items with another outcome.",
}

# Sentences for columns whose meaning depends on the table or view.
COLUMNS: dict[str, dict[str, str]] = {
    "decisions": {
        "presenter_name": "The presenting official's name (not the chair).",
        "presenter_title": "The presenter's title, lower case, or the presenting"
        " organ.",
        "preparer_names": "Names of the preparers, in order printed.",
        "preparers": "Preparers as {name, title, phone, email}, in order printed.",
        "votes": "Each vote as {for, against, blank, absent, motion}.",
        "vote_count": "Number of votes taken on the item.",
        "earlier_handlings": "Earlier handlings of the case as {body, meeting_date,"
        " section}, oldest first; unknown parts null.",
        "departures": "Members who declared a conflict or left during the item, as"
        " {name, reason, conflict}.",
    },
    "earlier_handlings": {
        "body": "The body that handled the case earlier, as printed (expanded from a"
        " genitive caption); null when unknown.",
        "meeting_date": "Date of the earlier meeting; null when not printed.",
        "section": "§ of the case in the earlier meeting; null when not printed.",
    },
    "field_provenance": {
        "field": "Record field, with a position for list elements, e.g. 'outcome',"
        " 'preparers[0].name', 'earlier_handlings[1]'.",
        "method": "Rule that produced the value, e.g. 'header_line', 'diary_line',"
        " 'outcome_phrase:returned', 'proposal_verb:elected', 'listing_meta',"
        " 'voikko_name_order'.",
        "span_start": "Start (inclusive) of the value's text in the item's text; null"
        " when the value is not read from the text.",
        "span_end": "End (exclusive) of the value's text in the item's text.",
        "value_excerpt": "The value as text, at most 80 characters.",
    },
    "item_texts": {
        "text": "The item's text (its block of the document, labels included);"
        " field_provenance spans are [start, end) offsets into it.",
    },
    "search_index": {
        "language": "Language of the items indexed: 'fi' or 'sv'.",
        "stemmer": "Snowball stemmer of the index: 'finnish' or 'swedish'.",
        "items": "Items indexed (title, proposal and decision of each).",
        "fingerprint": "Item count and latest change when the index was built; the"
        " load rebuilds the index when it differs.",
        "built_at": "When the index was built.",
        "seconds": "How long the build took, in seconds.",
    },
    "items": {
        "content_hash": "Hash of the record without `source`; a change means an"
        " update.",
        "record": "The record exactly as `minutes extract` prints it (JSON).",
    },
    "documents": {
        "uri": "Where the document was fetched from (URL or file path).",
        "municipality": "Municipality from the source configuration.",
        "media_type": "Media type of the bytes, e.g. 'text/html'.",
        "size": "Size in bytes.",
        "raw_path": "Path of the bytes in the raw zone, relative to its root.",
        "etag": "HTTP ETag, when the server sent one.",
        "last_modified": "HTTP Last-Modified, when the server sent one; for a folder"
        " source's file, its modification time when read (ns since 1970).",
        "fetched_at": "When these bytes were first fetched.",
        "extracted_with": "Extractor version that last read these bytes (null: not"
        " read to the end, e.g. too_slow); a run skips a document read by the"
        " current version.",
    },
    "bodies": {"name": "Full name of the deciding body, nominative."},
    "meetings": {"doc_kind": "'minutes' once any item of the meeting is minutes."},
    "item_persons": {
        "role": "'preparer' or 'presenter'.",
        "person_id": "The official's id; null when the presenter is an organ.",
        "name": "The person's name as normalised, or null for an organ.",
        "title": "Title printed with the name (lower case), or the presenting organ.",
        "phone": "Phone number as printed.",
        "email": "E-mail address as printed.",
    },
    "runs": {
        "run_id": "Id of the run.",
        "kind": "'run' (fetch + extract + load) or 'reprocess' (raw zone only).",
        "started_at": "When the run started.",
        "finished_at": "When the run committed.",
        "sources": "Names of the sources the run covered (JSON list).",
        "documents_new": "Document versions new to the warehouse.",
        "documents_unchanged": "Document versions the warehouse had already.",
        "items_inserted": "Items new to the warehouse.",
        "items_updated": "Items whose record changed.",
        "items_unchanged": "Items whose record did not change.",
        "quarantined": "Documents quarantined in this run.",
        "extractor_version": "Extractor version the run used.",
        "status": "running, completed, partial (some sources failed), failed (all"
        " did), cancelled (stopped by a signal) or abandoned (its process died).",
        "per_source": "Counts, status and error per source (JSON object).",
        "field_changes": "Per record field, how many items' values the run changed"
        " (JSON object).",
    },
    "item_versions": {
        "version": "1 for the first version ever loaded, then 2, 3, ...",
        "record": "The record as it was in this version (JSON).",
        "content_hash": "Hash of that record without `source`.",
        "extractor_version": "Extractor version that produced this version.",
        "source_sha256": "SHA-256 of the bytes this version came from.",
        "valid_from": "When this version was loaded.",
        "valid_to": "When the next version replaced it.",
        "changed_fields": "Record fields the next version changed (JSON).",
        "replaced_by_run": "Id of the run that replaced this version.",
    },
    "run_sources": {
        "run_id": "Id of the run (runs.run_id).",
        "source": "Name of the source (sources.toml).",
        "status": "succeeded, failed (its listing could not be fetched, nothing could"
        " be listed, or the crawl broke), blocked (robots.txt disallows its listing),"
        " refused (its configuration is unusable) or cancelled (the run stopped).",
        "finished_at": "When the source's part of the run ended.",
        "documents_new": "Document versions of this source new to the warehouse.",
        "documents_unchanged": "Document versions of this source the warehouse had"
        " already.",
        "items_inserted": "Items of this source new to the warehouse.",
        "items_updated": "Items of this source whose record changed.",
        "items_unchanged": "Items of this source whose record did not change.",
        "quarantined": "Documents of this source quarantined in this run.",
        "error_url": "What failed: the URL (or folder) the source could not read.",
        "error_class": "Class of the error (ConnectError, FetchError, RobotsDisallowed,"
        " ConfigError …).",
        "error_message": "The error's message.",
    },
    "backfill_windows": {
        "job": "The backfill job: source:since:until.",
        "window_start": "First date of the window.",
        "window_end": "Last date of the window.",
        "run_id": "Id of the run that loaded the window.",
        "completed_at": "When the window's load committed.",
    },
    "quarantine": {
        "document": "URI of the document.",
        "sha256": "SHA-256 of its bytes ('' when they could not be read).",
        "stage": "'fetch' or 'extract'.",
        "reason": "Short reason code, e.g. 'no_items'.",
        "detail": "Longer explanation, when there is one.",
        "first_seen_at": "When the problem was first seen.",
    },
    "watermarks": {
        "body": "Deciding body as the crawler names it.",
        "last_meeting_date": "Date of the latest meeting loaded for the body.",
        "updated_at": "When the watermark last moved.",
    },
    "schema_migrations": {
        "version": "Number of the migration (models/sql/NNN_*.sql).",
        "name": "Name of the migration file without number and suffix.",
        "applied_at": "When it was applied.",
    },
    "meeting_summary": {
        "doc_kind": "'minutes' once any item of the meeting is minutes.",
        "no_outcome": "Items with no outcome (agenda items).",
    },
    "body_summary": {
        "body": "Full name of the deciding body, nominative.",
        "accepted": "Items approved or amended.",
        "postponed": "Items tabled or returned for preparation.",
    },
    "people": {
        "roles": "Roles the person had: preparer and/or presenter.",
        "titles": "Distinct titles printed with the name.",
        "presented_to": "Bodies the person presented items to.",
        "prepared_for": "Bodies the person prepared items for.",
        "items_presented": "Items the person presented.",
        "items_prepared": "Items the person prepared.",
        "items": "Items the person presented or prepared.",
        "first_meeting": "Date of the earliest meeting with one of their items.",
        "last_meeting": "Date of the latest meeting with one of their items.",
    },
    "vote_details": {
        "outcome": "Outcome of the item the vote was taken on.",
        "margin": "Absolute difference |for − against|; small means close.",
    },
    "quality": {
        "source": "Slug of the source ('(unknown)' when a document has none).",
        "field": "Record field, e.g. 'diary_number'.",
        "items": "Items loaded from the source's documents.",
        "filled": "Items with a non-null, non-empty value in the field.",
        "coverage_pct": "filled / items in percent, one decimal; null without items.",
        "documents": "Distinct document URIs fetched from the source.",
        "quarantined_documents": "Distinct documents of the source in quarantine.",
    },
}


def describe_relation(relation: str) -> str | None:
    """The sentence for a table or view, if there is one."""
    return RELATIONS.get(relation)


def describe_column(relation: str, column: str) -> str | None:
    """The sentence for a column: the relation's own, else the common one."""
    return COLUMNS.get(relation, {}).get(column) or COMMON.get(column)

"""Load extraction results into the warehouse: upserts that report inserted / updated /
unchanged, with the run's bookkeeping committed in the same transaction as the rows."""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import pyarrow as pa

from flows import failpoints, search_index
from flows.pending import PendingRows
from flows.rawstore import ManifestRow
from flows.results import DocumentResult, RunStatus, SourceError, SourceStatus
from flows.warehouse import transaction
from models import ids
from models.records import Item


@dataclass
class RunCounts:
    """What a run did, as printed in the summary and stored in `runs`."""

    documents_new: int = 0
    documents_unchanged: int = 0
    items_inserted: int = 0
    items_updated: int = 0
    items_unchanged: int = 0
    quarantined: int = 0
    quarantine: list[tuple[str, str, str]] = field(default_factory=list)
    field_changes: Counter[str] = field(default_factory=Counter)

    def totals(self) -> dict[str, int]:
        """The numeric counts by name."""
        return {name: getattr(self, name) for name in COUNT_NAMES}

    def add(self, other: RunCounts) -> None:
        """Add another load's counts to these."""
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.quarantine.extend(other.quarantine)
        self.field_changes.update(other.field_changes)


INDEXED_STATUSES = ("completed", "partial")  # runs that refresh the search index
COUNT_NAMES = (
    "documents_new",
    "documents_unchanged",
    "items_inserted",
    "items_updated",
    "items_unchanged",
    "quarantined",
)


@dataclass(frozen=True)
class RunInfo:
    """The run being loaded."""

    run_id: str
    kind: str
    started_at: datetime
    sources: list[str]
    extractor_version: str


def moment() -> datetime:
    """Now, in UTC, to the microsecond: a run's rows are stamped with it (whole
    seconds made a run shorter than a second end before it started)."""
    return datetime.now(UTC)


def json_list(values: tuple[str, ...]) -> str:
    """A tuple of strings as a JSON array (most items have none: no encoder)."""
    return json.dumps(list(values), ensure_ascii=False) if values else "[]"


def item_key(item: Item) -> str:
    """The item's id from its natural key (made by the worker that extracted it)."""
    return item.prepared().key


def document_keys(result: DocumentResult) -> list[tuple[str, Item]]:
    """(id, item) of a document's items; a natural key printed again in the same
    document (four items "§ 5") gets its repeat's id, never folded into the first."""
    seen: Counter[str] = Counter()
    keyed = []
    for item in result.items:
        natural = item_key(item)
        key = natural
        if seen[natural]:
            key = ids.item_id(
                item.municipality,
                item.body,
                item.meeting_date,
                item.section,
                item.title,
                repeat=seen[natural],
            )
        seen[natural] += 1
        keyed.append((key, item))
    return keyed


def repeated_keys(result: DocumentResult) -> list[str]:
    """How the document repeats a natural key ("§ 5 ×4"), for the run's report."""
    counts = Counter(
        (item.section if item.section is not None else item.title)
        for item in result.items
    )
    return [f"§ {key} ×{n}" for key, n in counts.items() if n > 1]


def latest_items(results: list[DocumentResult]) -> dict[str, Item]:
    """Items by id; the last document wins, but minutes never give way to an agenda."""
    chosen: dict[str, Item] = {}
    for result in results:
        for key, item in document_keys(result):
            previous = chosen.get(key)
            if (
                previous
                and previous.doc_kind == "minutes"
                and item.doc_kind == "agenda"
            ):
                continue
            chosen[key] = item
    return chosen


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a load builds its rows: the
    tens of thousands of tuples a batch makes set off collections that walk the
    writer's whole heap (~20% of a load); it runs again after, as before."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def load_results(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    results: list[DocumentResult],
    part: str = "all",
    window: tuple[str, date, date] | None = None,
    source: str | None = None,
    held: dict[tuple[str, str], str] | None = None,
) -> RunCounts:
    """Load one part of a run (a source, or a backfill window) in one transaction,
    with the run's row (and the source's, when given); on any error nothing of it
    stays. With `held`, a batch that is not the part's last: its watermarks wait in
    `held` for the last batch (given with its own `held=None` after merging)."""
    with collector_paused():
        return _load_results(con, run, results, part, window, source, held)


def _load_results(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    results: list[DocumentResult],
    part: str,
    window: tuple[str, date, date] | None,
    source: str | None,
    held: dict[tuple[str, str], str] | None,
) -> RunCounts:
    """`load_results`, the collector paused."""
    counts = RunCounts()
    pending = PendingRows()
    with transaction(con):
        known = _known_documents(con, results)
        _count_settled(con, [r.row for r in results if r.settled and r.row], counts)
        for result in results:
            _load_document(con, run, result, counts, pending, known)
            _quarantine_unkeyed(con, run, result, counts)
            _report_repeats(con, run, result, counts)
        latest = latest_items(results)
        stored = _stored_items(con, list(latest))
        previous = _previous_versions(con, _replaced_keys(latest, stored))
        for key, item in latest.items():
            _load_item(
                run, key, item, counts, pending, stored.get(key), previous.get(key)
            )
        pending.write(con)
        newest = newest_meetings(results)
        if held is not None:
            for key, last in newest.items():
                held[key] = max(held.get(key, last), last)
        else:
            advance_watermarks(con, run, newest)
        record_part(con, run, part, counts, {"status": "loaded"})
        if source is not None:
            record_source(con, run, source, SourceStatus.SUCCEEDED, counts)
        if window is not None:
            _complete_window(con, run, *window)
        failpoints.reach("before_commit")
    return counts


def advance_held(
    con: duckdb.DuckDBPyConnection, run: RunInfo, held: dict[tuple[str, str], str]
) -> None:
    """Advance the watermarks earlier batches of a part held back (one transaction)."""
    if not held:
        return
    with transaction(con):
        advance_watermarks(con, run, held)


def newest_meetings(results: list[DocumentResult]) -> dict[tuple[str, str], str]:
    """The latest meeting date per (source, body) among the loaded items."""
    newest: dict[tuple[str, str], str] = {}
    for result in results:
        for item in result.items:
            key = (result.source or "", item.body)
            newest[key] = max(newest.get(key, item.meeting_date), item.meeting_date)
    return newest


def advance_watermarks(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    newest: dict[tuple[str, str], str],
) -> None:
    """Move (source, body) watermarks forward, never back, in one statement (a
    statement each cost ~4 ms of the driver's parameter handling: a batch has
    dozens of bodies)."""
    if not newest:
        return
    rows = pa.table(
        {
            "source": [origin for origin, _ in newest],
            "body": [body for _, body in newest],
            "last_meeting_date": list(newest.values()),
        }
    )
    con.register("advanced_watermarks", rows)
    try:
        con.execute(
            "INSERT INTO watermarks SELECT source, body, last_meeting_date::DATE,"
            " ?::TIMESTAMPTZ"
            " FROM advanced_watermarks ON CONFLICT (source, body) DO UPDATE"
            " SET last_meeting_date = excluded.last_meeting_date,"
            " updated_at = excluded.updated_at"
            " WHERE excluded.last_meeting_date > watermarks.last_meeting_date",
            [run.started_at],
        )
    finally:
        con.unregister("advanced_watermarks")


def _load_document(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    result: DocumentResult,
    counts: RunCounts,
    pending: PendingRows,
    known: set[tuple[str, str]],
) -> None:
    """Documents row (counted new only when the warehouse did not have it: a run
    killed after fetching leaves the raw zone ahead) and, for a failed document,
    its quarantine row. A settled document counts unchanged with its items."""
    if result.settled and result.row is not None:
        return  # counted by _count_settled
    if result.row is not None:
        read = result.reason not in UNSETTLED_REASONS
        key = (result.row.uri, result.row.sha256)
        is_new = key not in known
        known.add(key)
        counts.documents_new += is_new
        counts.documents_unchanged += not is_new
        version = run.extractor_version if read else None
        if is_new:
            pending.add("documents", _document_row(result, version))
        elif read:
            _mark_extracted(pending, result.row, run.extractor_version)
    if result.reason is not None:
        counts.quarantined += 1
        counts.quarantine.append((result.uri, result.stage or "", result.reason))
        _insert_quarantine(con, run, result)


# Lists go to DuckDB as one string split in SQL: a Python list parameter costs
# ~0.1 ms an element (DuckDB's binding runs an import lookup per element), 0.4 s
# for 3,000 strings. Uris, hashes and ids hold no line feed.
LINES = "\n"
# Document versions (uri, sha256) as a table, from the parameters of `versions_of`.
VERSIONS_SQL = (
    "SELECT unnest(string_split(?, chr(10))) AS uri,"
    " unnest(string_split(?, chr(10))) AS sha256"
)


def versions_of(rows: list[ManifestRow]) -> list[str]:
    """The parameters of VERSIONS_SQL for these manifest rows."""
    return [LINES.join(row.uri for row in rows), LINES.join(row.sha256 for row in rows)]


# Reasons another try of the same bytes may change: such documents are read again.
UNSETTLED_REASONS = {"too_slow", "internal_error"}


def _count_settled(
    con: duckdb.DuckDBPyConnection, rows: list[ManifestRow], counts: RunCounts
) -> None:
    """Settled documents count as they did when they were read: unchanged, with
    their items unchanged and their quarantine reasons (still there) reported
    again. Two queries for all of them."""
    if not rows:
        return
    counts.documents_unchanged += len(rows)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE settled AS {VERSIONS_SQL}", versions_of(rows)
    )
    found = con.execute(
        "SELECT count(*) FROM items i JOIN settled s"
        " ON i.source_uri = s.uri AND i.source_sha256 = s.sha256"
    ).fetchone()
    counts.items_unchanged += int(found[0]) if found else 0
    position = {(row.uri, row.sha256): n for n, row in enumerate(rows)}
    reasons = con.execute(
        "SELECT q.document, q.sha256, q.stage, q.reason FROM quarantine q"
        " JOIN settled s ON q.document = s.uri AND q.sha256 = s.sha256"
    ).fetchall()
    reasons.sort(key=lambda r: (position[(r[0], r[1])], r[2], r[3]))
    for uri, _, stage, reason in reasons:
        counts.quarantined += reason != "repeated_key"  # a report, not a hold
        counts.quarantine.append((uri, stage, reason))
    con.execute("DROP TABLE settled")


def _mark_extracted(pending: PendingRows, row: ManifestRow, version: str) -> None:
    """The document version was read to the end by this extractor version."""
    pending.update(
        "documents", {"uri": row.uri, "sha256": row.sha256}, {"extracted_with": version}
    )


def settle(
    con: duckdb.DuckDBPyConnection, results: list[DocumentResult], version: str
) -> list[DocumentResult]:
    """The results with `settled` set on documents extractor `version` has read
    already (same uri and bytes): they need no extraction and no load. One query
    for the batch's documents (not every document read before)."""
    rows = [r.row for r in results if r.row is not None and r.reason is None]
    if not rows:
        return results
    read = set(
        con.execute(
            f"SELECT d.uri, d.sha256 FROM documents d JOIN ({VERSIONS_SQL}) b"
            " ON d.uri = b.uri AND d.sha256 = b.sha256 WHERE d.extracted_with = ?",
            [*versions_of(rows), version],
        ).fetchall()
    )
    return [
        replace(r, settled=True)
        if r.row is not None and r.reason is None and (r.row.uri, r.row.sha256) in read
        else r
        for r in results
    ]


def missing_key(item: Item) -> str | None:
    """The natural-key fields an item lacks (body, meeting date, § or title)."""
    missing = [name for name in ("body", "meeting_date") if not getattr(item, name)]
    if item.section is None and not item.title:
        missing.append("section or title")
    return ", ".join(missing) or None


def _quarantine_unkeyed(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    result: DocumentResult,
    counts: RunCounts,
) -> None:
    """Items without their natural key stay out of the warehouse: one quarantine
    row for the document names each such item and the fields it lacks."""
    unkeyed = [(item, missing_key(item)) for item in result.items]
    left = [(item, lacks) for item, lacks in unkeyed if lacks]
    if not left:
        return
    result.items = [item for item, lacks in unkeyed if not lacks]
    detail = "; ".join(
        f"item {item.section if item.section is not None else item.title!r}: no {lacks}"
        for item, lacks in left
    )
    held = DocumentResult(
        row=result.row,
        uri=result.uri,
        is_new=result.is_new,
        stage="load",
        reason="missing_key",
        detail=detail,
        source=result.source,
    )
    counts.quarantined += 1
    counts.quarantine.append((result.uri, "load", "missing_key"))
    _insert_quarantine(con, run, held)


def _report_repeats(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    result: DocumentResult,
    counts: RunCounts,
) -> None:
    """A document that prints the same § for several items is reported (stage load,
    reason repeated_key); its items are all loaded, kept apart."""
    repeats = repeated_keys(result)
    if not repeats:
        return
    note = DocumentResult(
        row=result.row,
        uri=result.uri,
        is_new=result.is_new,
        stage="load",
        reason="repeated_key",
        detail="items kept apart: " + ", ".join(repeats),
        source=result.source,
    )
    counts.quarantine.append((result.uri, "load", "repeated_key"))
    _insert_quarantine(con, run, note)


def _known_documents(
    con: duckdb.DuckDBPyConnection, results: list[DocumentResult]
) -> set[tuple[str, str]]:
    """The (uri, sha256) of the results' documents the warehouse holds already."""
    uris = sorted({r.row.uri for r in results if r.row is not None and not r.settled})
    if not uris:
        return set()
    return set(
        con.execute(
            "SELECT uri, sha256 FROM documents"
            " WHERE uri IN (SELECT unnest(string_split(?, chr(10))))",
            [LINES.join(uris)],
        ).fetchall()
    )


def _document_row(result: DocumentResult, extracted_with: str | None) -> tuple:
    """A documents row (columns in table order)."""
    row = result.row
    assert row is not None
    return (
        row.uri,
        row.sha256,
        row.source,
        row.municipality,
        row.media_type,
        row.size,
        result.raw_path or "",
        row.etag,
        row.last_modified,
        row.fetched_at,
        extracted_with,
    )


def _insert_quarantine(
    con: duckdb.DuckDBPyConnection, run: RunInfo, result: DocumentResult
) -> None:
    """A quarantine row, once per (document, sha256, stage)."""
    sha256 = result.row.sha256 if result.row else ""
    con.execute(
        "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            result.uri,
            sha256,
            result.stage,
            result.reason,
            result.detail,
            result.source,
            run.started_at,
        ],
    )


def _stored_items(
    con: duckdb.DuckDBPyConnection, keys: list[str]
) -> dict[str, tuple[Any, ...]]:
    """What the warehouse holds of these items, by key: (content_hash,
    source_sha256, extractor_version, doc_kind, source_uri, first_seen_at,
    last_changed_at)."""
    return _items_by_key(
        con,
        "i.content_hash, i.source_sha256, i.extractor_version, i.doc_kind,"
        " i.source_uri, i.first_seen_at, i.last_changed_at",
        keys,
    )


def _items_by_key(
    con: duckdb.DuckDBPyConnection, columns: str, keys: list[str]
) -> dict[str, tuple[Any, ...]]:
    """`columns` (SQL over items `i`) of the stored items with these keys, by key,
    in one query."""
    if not keys:
        return {}
    found = con.execute(
        f"SELECT i.item_id, {columns} FROM items i"
        " WHERE i.item_id IN (SELECT unnest(string_split(?, chr(10))))",
        [LINES.join(keys)],
    ).fetchall()
    return {row[0]: row[1:] for row in found}


def _replaced_keys(
    latest: dict[str, Item], stored: dict[str, tuple[Any, ...]]
) -> list[str]:
    """Keys of stored items this batch rewrites (their content changed)."""
    return [
        key
        for key, item in latest.items()
        if (existing := stored.get(key)) is not None and _is_replaced(existing, item)
    ]


def _is_replaced(existing: tuple[Any, ...], item: Item) -> bool:
    """A stored item (as `_stored_items` gives it) whose content changed, and that
    may change: not minutes an agenda would replace."""
    return (
        not _agenda_over_minutes(existing, item) and existing[0] != item.prepared()[1]
    )


def _previous_versions(
    con: duckdb.DuckDBPyConnection, keys: list[str]
) -> dict[str, tuple[Any, ...]]:
    """What item_versions keeps of these stored items before they are replaced, by
    key: (record, content_hash, extractor_version, source_sha256, last_changed_at,
    first_seen_at, the number their version gets), in one query."""
    return _items_by_key(
        con,
        "i.record, i.content_hash, i.extractor_version, i.source_sha256,"
        " i.last_changed_at, i.first_seen_at,"
        " (SELECT count(*) FROM item_versions v WHERE v.item_id = i.item_id) + 1",
        keys,
    )


def _load_item(
    run: RunInfo,
    key: str,
    item: Item,
    counts: RunCounts,
    pending: PendingRows,
    existing: tuple[Any, ...] | None,
    previous: tuple[Any, ...] | None,
) -> None:
    """Insert a new item, update a changed one (its `previous` version archived),
    leave an unchanged one alone; an item from another document's minutes never
    gives way to an agenda."""
    record, digest = item.prepared()[:2]  # made by the worker that extracted it
    if existing is not None and _agenda_over_minutes(existing, item):
        counts.items_unchanged += 1
        return
    if existing is None:
        counts.items_inserted += 1
        _write_item(pending, key, item, record, digest, run.started_at, run.started_at)
    elif existing[0] != digest:
        assert previous is not None, f"{key}: replaced without its stored version"
        counts.items_updated += 1
        first_seen = _archive_version(pending, run, key, record, previous, counts)
        _delete_item(pending, key)
        _write_item(pending, key, item, record, digest, first_seen, run.started_at)
    else:
        counts.items_unchanged += 1
        if (existing[1], existing[2]) != (
            item.source.sha256,
            item.source.extractor_version,
        ):
            _refresh_source(pending, key, item, record, digest, existing)
    _write_text(pending, key, item, new=existing is None)


def _agenda_over_minutes(existing: tuple[Any, ...], item: Item) -> bool:
    """An agenda item about to replace minutes loaded from another document."""
    doc_kind, source_uri = existing[3], existing[4]
    return (
        doc_kind == "minutes"
        and item.doc_kind == "agenda"
        and source_uri != item.source.uri
    )


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Record fields whose value differs between two versions (source aside)."""
    return [k for k in new if k != "source" and old.get(k) != new.get(k)]


def _archive_version(
    pending: PendingRows,
    run: RunInfo,
    key: str,
    record: str,
    previous: tuple[Any, ...],
    counts: RunCounts,
) -> datetime:
    """Keep the `previous` version of an item (`_previous_versions`) in
    item_versions before it is replaced; returns the item's first_seen_at."""
    old_record, content_hash, extractor, sha256, changed_at, first_seen, version = (
        previous
    )
    changed = changed_fields(json.loads(old_record), json.loads(record))
    counts.field_changes.update(changed)
    pending.add(
        "item_versions",
        (
            key,
            version,
            old_record,
            content_hash,
            extractor,
            sha256,
            changed_at,
            run.started_at,
            json.dumps(changed),
            run.run_id,
        ),
    )
    return first_seen


def _refresh_source(
    pending: PendingRows,
    key: str,
    item: Item,
    record: str,
    digest: str,
    existing: tuple[Any, ...],
) -> None:
    """Point an unchanged item at the bytes and extractor it was last read with:
    its row is written anew, with the times it was first seen and last changed.
    Not an UPDATE in place: DuckDB keeps the updated records of a table's rows in
    memory its limit counts and no checkpoint gives back, so a `minutes reprocess`
    of a 100k warehouse ran out of the writer's limit (bench/NOTES.md
    "Eighteenth"); its child rows are the same, its provenance is written again."""
    first_seen, last_changed = existing[5], existing[6]
    pending.delete("items", "item_id", key)
    pending.add("items", _item_row(key, item, record, digest, first_seen, last_changed))
    pending.delete("field_provenance", "item_id", key)
    _write_provenance(pending, key, item)


CHILD_TABLES = (
    "items",
    "item_persons",
    "votes",
    "earlier_handlings",
    "field_provenance",
)


def _delete_item(pending: PendingRows, key: str) -> None:
    """Remove an item and its child rows before it is written anew."""
    for table in CHILD_TABLES:
        pending.delete(table, "item_id", key)


def _write_item(
    pending: PendingRows,
    key: str,
    item: Item,
    record: str,
    digest: str,
    first_seen: datetime,
    changed: datetime,
) -> None:
    """The item row with its body, meeting, people and votes."""
    body_key = ids.body_id(item.municipality, item.body)
    meeting_key = ids.meeting_id(item.municipality, item.body, item.meeting_date)
    pending.body(
        (body_key, item.municipality, item.body, item.body_abbrev, item.language)
    )
    pending.meeting(
        (
            meeting_key,
            body_key,
            item.municipality,
            item.body,
            item.meeting_date,
            item.doc_kind,
        )
    )
    pending.add("items", _item_row(key, item, record, digest, first_seen, changed))
    _write_people(pending, key, item)
    _write_votes(pending, key, item)
    _write_handlings(pending, key, item)
    _write_provenance(pending, key, item)


def _item_row(
    key: str,
    item: Item,
    record: str,
    digest: str,
    first_seen: datetime,
    changed: datetime,
) -> tuple[Any, ...]:
    """The item's row of `items`."""
    return (
        key,
        ids.meeting_id(item.municipality, item.body, item.meeting_date),
        item.municipality,
        item.body,
        item.body_abbrev,
        item.meeting_date,
        item.section,
        item.diary_number,
        item.title,
        item.doc_kind,
        item.proposal,
        item.decision,
        item.outcome,
        item.voted,
        json_list(item.disqualified),
        json_list(item.attachments),
        item.language,
        item.source.uri,
        item.source.sha256,
        item.source.extractor_version,
        digest,
        record,
        first_seen,
        changed,
        item.diary_class,
    )


def _write_people(pending: PendingRows, key: str, item: Item) -> None:
    """item_persons rows (and persons for named people) for preparers and presenter."""
    people: list[tuple[str, int, Any]] = [
        ("preparer", n, p) for n, p in enumerate(item.preparers)
    ]
    if item.presenter:
        people.append(("presenter", 0, item.presenter))
    person_keys = item.prepared().people  # in the same order
    for (role, ordinal, person), person_key in zip(people, person_keys, strict=True):
        if person_key:
            pending.person((person_key, item.municipality, person.name))
        pending.add(
            "item_persons",
            (
                key,
                role,
                ordinal,
                person_key,
                person.name,
                person.title,
                getattr(person, "phone", None),
                getattr(person, "email", None),
            ),
        )


def _write_votes(pending: PendingRows, key: str, item: Item) -> None:
    """One votes row per vote of the item."""
    for ordinal, vote in enumerate(item.votes):
        pending.add(
            "votes",
            (
                key,
                ordinal,
                vote.for_,
                vote.against,
                vote.blank,
                vote.absent,
                vote.motion,
                vote.kind,
                list(vote.for_names),
                list(vote.against_names),
                list(vote.blank_names),
                list(vote.absent_names),
            ),
        )


def _write_handlings(pending: PendingRows, key: str, item: Item) -> None:
    """One earlier_handlings row per earlier handling of the item's case."""
    for ordinal, handling in enumerate(item.earlier_handlings):
        pending.add(
            "earlier_handlings",
            (key, ordinal, handling.body, handling.meeting_date, handling.section),
        )


def _write_provenance(pending: PendingRows, key: str, item: Item) -> None:
    """The item's field_provenance rows (from Item.extra, as the worker prepared
    them); earlier ones are gone (a new item has none, a rewritten one was
    deleted)."""
    pending.columns("field_provenance", key, item.prepared().provenance)


def _write_text(pending: PendingRows, key: str, item: Item, new: bool) -> None:
    """The text the item was read from (what its provenance spans point into);
    `new` when the warehouse has no row of the item."""
    text = item.extra.get("text")
    if text is not None:
        pending.text((key, text), new)


def _complete_window(
    con: duckdb.DuckDBPyConnection, run: RunInfo, job: str, start: date, end: date
) -> None:
    """Mark a backfill window loaded (in the same transaction as its rows)."""
    source = job.split(":", 1)[0]
    con.execute(
        "INSERT INTO backfill_windows VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [job, source, start, end, run.run_id, moment()],
    )


def _run_row(con: duckdb.DuckDBPyConnection, run: RunInfo) -> dict[str, Any] | None:
    """This run's row so far, or None."""
    found = con.execute(
        "SELECT per_source, field_changes FROM runs WHERE run_id = ?", [run.run_id]
    ).fetchone()
    if found is None:
        return None
    return {
        "per_source": json.loads(found[0] or "{}"),
        "fields": json.loads(found[1] or "{}"),
    }


def record_part(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    part: str,
    counts: RunCounts,
    extra: dict[str, Any],
) -> None:
    """Add a part's counts to the run's row (created on the first part)."""
    row = _run_row(con, run)
    if row is None:
        _insert_run(con, run)
        row = {"per_source": {}, "fields": {}}
    earlier = row["per_source"].get(part, {})  # a part loaded in several batches
    totals = {n: earlier.get(n, 0) + v for n, v in counts.totals().items()}
    row["per_source"][part] = {**totals, **extra}
    fields = Counter(row["fields"]) + counts.field_changes
    sets = ", ".join(f"{name} = {name} + ?" for name in COUNT_NAMES)
    con.execute(
        f"UPDATE runs SET {sets}, per_source = ?, field_changes = ?, finished_at = ?"
        " WHERE run_id = ?",
        [
            *counts.totals().values(),
            json.dumps(row["per_source"], ensure_ascii=False),
            json.dumps(dict(fields), ensure_ascii=False),
            moment(),
            run.run_id,
        ],
    )


def record_source(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    source: str,
    status: SourceStatus,
    counts: RunCounts | None = None,
    error: SourceError | None = None,
) -> None:
    """Add to the run's row for one source: counts add up over its parts (backfill
    windows), and a status other than succeeded sticks with its first error."""
    totals = (counts or RunCounts()).totals()
    adds = ", ".join(f"{n} = run_sources.{n} + excluded.{n}" for n in totals)
    con.execute(
        f"INSERT INTO run_sources VALUES (?, ?, ?, ?, {', '.join('?' * len(totals))},"
        " ?, ?, ?) ON CONFLICT (run_id, source) DO UPDATE SET"
        " status = CASE WHEN run_sources.status = 'succeeded' THEN excluded.status"
        " ELSE run_sources.status END,"
        " error_url = coalesce(run_sources.error_url, excluded.error_url),"
        " error_class = coalesce(run_sources.error_class, excluded.error_class),"
        " error_message = coalesce(run_sources.error_message, excluded.error_message),"
        f" finished_at = excluded.finished_at, {adds}",
        [
            run.run_id,
            source,
            str(status),
            moment(),
            *totals.values(),
            error.url if error else None,
            error.kind if error else None,
            error.message if error else None,
        ],
    )


def start_run(con: duckdb.DuckDBPyConnection, run: RunInfo) -> int:
    """Mark runs left `running` by a dead process abandoned (the caller holds the
    writer lock, so no other run is alive), then add this run's row. Returns how
    many were abandoned."""
    with transaction(con):
        stale = con.execute(
            "UPDATE runs SET status = ? WHERE status = ? RETURNING run_id",
            [str(RunStatus.ABANDONED), str(RunStatus.RUNNING)],
        ).fetchall()
        if _run_row(con, run) is None:
            _insert_run(con, run)
    return len(stale)


def finish_run(con: duckdb.DuckDBPyConnection, run: RunInfo, status: str) -> None:
    """Close a run's row with its final status (the row is made if no part loaded);
    a run that ended normally first rebuilds the search index where items changed
    (a stopped run leaves that to the next one)."""
    if status in INDEXED_STATUSES:
        search_index.refresh(con)
    if _run_row(con, run) is None:
        _insert_run(con, run)
    con.execute(
        "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?",
        [status, moment(), run.run_id],
    )


def _insert_run(con: duckdb.DuckDBPyConnection, run: RunInfo) -> None:
    """A new runs row with zero counts."""
    con.execute(
        "INSERT INTO runs (run_id, kind, started_at, finished_at, sources,"
        f" {', '.join(COUNT_NAMES)}, extractor_version, status, per_source,"
        " field_changes)"
        " VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, ?, 'running', '{}', '{}')",
        [
            run.run_id,
            run.kind,
            run.started_at,
            moment(),
            json.dumps(run.sources, ensure_ascii=False),
            run.extractor_version,
        ],
    )

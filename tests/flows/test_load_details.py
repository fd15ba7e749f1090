"""diary_class (migration 006) in items and `decisions`; vote kind and names
(migration 007) in votes and `vote_details`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractors import EXTRACTOR_VERSION, extract
from flows import warehouse
from models.ids import sha256_hex
from models.records import Document, Item, Vote
from tests.extractors.platform_cases import document
from tests.flows.test_load_provenance import load


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return warehouse.connect(tmp_path / "w.duckdb")


def test_diary_class_in_items_and_decisions(con) -> None:
    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))
    load(con, "r1", item)
    row = con.execute("SELECT diary_number, diary_class FROM decisions").fetchone()
    assert row == ("3720-2013 (611)", "611")
    assert con.execute("SELECT diary_class FROM items").fetchone() == ("611",)


def test_vote_kind_and_names_in_votes_and_vote_details(con) -> None:
    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))
    vote = Vote(2, 1, None, 1, "Palautusehdotus hylättiin.", "side", ("Aho", "Berg"))
    voted = dataclasses.replace(item, voted=True, votes=(vote,))
    load(con, "r1", voted)
    row = con.execute(
        "SELECT kind, for_names, against_names, absent_names FROM vote_details"
    ).fetchone()
    assert row == ("side", ["Aho", "Berg"], [], [])
    assert con.execute("SELECT kind FROM votes").fetchone() == ("side",)


def test_an_item_without_its_natural_key_is_quarantined_naming_the_field(con) -> None:
    from extractors.platforms import casem
    from flows.load import DocumentResult, load_results
    from tests.flows.test_load_provenance import run_info

    kept = extract(document("turku", "turku_kh_2017-02-05-195.htm"))[0]
    undated = extract(document("casem", "contents_61_extended_properties.json"))[
        0
    ]  # no listing context: no meeting date, no body
    assert casem.matches(document("casem", "contents_61_extended_properties.json"))
    results = [
        DocumentResult(None, kept.source.uri, False, items=[kept]),
        DocumentResult(None, undated.source.uri, False, items=[undated]),
    ]
    counts = load_results(con, run_info("r1"), results)
    assert counts.items_inserted == 1 and counts.quarantined == 1
    row = con.execute("SELECT stage, reason, detail FROM quarantine").fetchone()
    assert row[:2] == ("load", "missing_key")
    assert "item 15: no body, meeting_date" in row[2]
    assert con.execute("SELECT count(*) FROM items").fetchone() == (1,)


def test_a_section_printed_again_keeps_its_items_apart_and_is_reported(con) -> None:
    from flows.load import DocumentResult, load_results
    from tests.flows.test_load_provenance import run_info

    text = "".join(
        f"# Asia {n}\n\nKhall 05.12.2023 § 5\n\nPäätös\n\nHyväksyttiin.\n\n"
        for n in range(4)
    )
    data = text.encode()
    items = extract(Document(uri="d.txt", data=data, sha256=sha256_hex(data)))
    assert [item.section for item in items] == [5, 5, 5, 5]
    result = DocumentResult(None, "d.txt", False, items=items)
    counts = load_results(con, run_info("r1"), [result])
    assert counts.items_inserted == 4
    titles = con.execute("SELECT title FROM items ORDER BY title").fetchall()
    assert titles == [("Asia 0",), ("Asia 1",), ("Asia 2",), ("Asia 3",)]
    row = con.execute("SELECT reason, detail FROM quarantine").fetchone()
    assert row == ("repeated_key", "items kept apart: § 5 ×4")
    # a second load of the same document changes nothing
    again = load_results(con, run_info("r2"), [result])
    assert (again.items_inserted, again.items_unchanged) == (0, 4)


def run_batch(con: duckdb.DuckDBPyConnection, name: str, *items: Item) -> None:
    """One load (run `name`) of the items, each from a document of its own."""
    from flows.load import DocumentResult, load_results
    from tests.flows.test_load_provenance import run_info

    results = [
        DocumentResult(None, f"{name}-{n}.htm", False, items=[i])
        for n, i in enumerate(items)
    ]
    load_results(con, run_info(name), results)


def test_rows_written_a_table_at_a_time_merge_as_row_by_row_did(con) -> None:
    """The load writes each table in one statement (flows/pending.py): a body's
    abbreviation is filled in when first printed, in the same batch or a later
    one, never overwritten; a meeting turns minutes when any item of it is minutes
    and never back; an item's text is replaced only when it changed."""
    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))
    plain = dataclasses.replace(item, body_abbrev=None, doc_kind="agenda")
    other = dataclasses.replace(
        plain, section=(item.section or 0) + 1, title="Toinen asia"
    )

    def body_and_meeting() -> tuple:
        return con.execute(
            "SELECT b.abbrev, m.doc_kind, (SELECT count(*) FROM bodies),"
            " (SELECT count(*) FROM meetings) FROM bodies b, meetings m"
        ).fetchone()

    run_batch(con, "r1", plain)  # an agenda, the body's abbreviation not printed
    assert body_and_meeting() == (None, "agenda", 1, 1)
    minutes = dataclasses.replace(other, body_abbrev="Kh", doc_kind="minutes")
    later = dataclasses.replace(other, body_abbrev="KH2", title="Kolmas")
    run_batch(con, "r2", dataclasses.replace(later, section=99), minutes)  # one batch
    assert body_and_meeting() == ("KH2", "minutes", 1, 1)  # the first printed wins
    run_batch(con, "r3", dataclasses.replace(plain, body_abbrev="X", section=98))
    assert body_and_meeting() == ("KH2", "minutes", 1, 1)  # never overwritten
    assert con.execute("SELECT count(*) FROM items").fetchone() == (4,)
    texts = con.execute("SELECT count(*) FROM item_texts").fetchone()
    assert texts == con.execute("SELECT count(*) FROM items").fetchone()


def test_item_texts_are_inserted_for_new_items_and_replaced_for_stored_ones(
    con,
) -> None:
    """A new item's text goes in with a plain insert, a stored item's (changed or
    not, in the same batch as a new one) through the upsert: each key keeps one
    row, the newest text."""
    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))

    def with_text(base: Item, text: str, **changes) -> Item:
        return dataclasses.replace(base, extra={**base.extra, "text": text}, **changes)

    def texts() -> list[tuple]:
        return con.execute(
            "SELECT i.section, t.text FROM item_texts t JOIN items i USING (item_id)"
            " ORDER BY i.section"
        ).fetchall()

    first = with_text(item, "first text")
    run_batch(con, "r1", first)
    assert texts() == [(item.section, "first text")]
    second = with_text(item, "second text", section=(item.section or 0) + 1)
    run_batch(con, "r2", with_text(item, "first text, read again"), second)
    assert texts() == [
        (item.section, "first text, read again"),
        (second.section, "second text"),
    ]
    run_batch(con, "r3", with_text(second, "second text"))  # unchanged: left as it is
    assert len(texts()) == 2


def test_watermarks_move_forward_per_source_and_body_never_back(con) -> None:
    """A load moves each (source, body) watermark to its newest meeting, all in one
    statement; an older meeting loaded later leaves it where it was."""
    from flows.load import DocumentResult, load_results
    from tests.flows.test_load_provenance import run_info

    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))

    def at(day: str, body: str, section: int) -> Item:
        return dataclasses.replace(item, meeting_date=day, body=body, section=section)

    def run(name: str, *items: Item) -> None:
        results = [
            DocumentResult(None, f"{name}-{n}.htm", False, items=[i], source=source)
            for n, (source, i) in enumerate(items)
        ]
        load_results(con, run_info(name), results)

    def marks() -> list[tuple]:
        return con.execute(
            "SELECT source, body, strftime(last_meeting_date, '%Y-%m-%d')"
            " FROM watermarks ORDER BY ALL"
        ).fetchall()

    run(
        "r1",
        ("a", at("2024-03-01", "Kunnanhallitus", 1)),
        ("a", at("2024-05-01", "Kunnanhallitus", 2)),
        ("a", at("2024-02-01", "Valtuusto", 3)),
        ("b", at("2024-01-01", "Kunnanhallitus", 4)),
    )
    assert marks() == [
        ("a", "Kunnanhallitus", "2024-05-01"),
        ("a", "Valtuusto", "2024-02-01"),
        ("b", "Kunnanhallitus", "2024-01-01"),
    ]
    run(
        "r2",
        ("a", at("2024-04-01", "Kunnanhallitus", 5)),  # older: stays at May
        ("b", at("2024-06-01", "Kunnanhallitus", 6)),  # newer: moves
    )
    assert marks() == [
        ("a", "Kunnanhallitus", "2024-05-01"),
        ("a", "Valtuusto", "2024-02-01"),
        ("b", "Kunnanhallitus", "2024-06-01"),
    ]


def test_a_run_shorter_than_a_second_ends_after_it_started(tmp_path: Path) -> None:
    """A run's row is stamped to the microsecond: with whole seconds a quick no-op
    ended before it started (the bench read a negative duration)."""
    from flows.load import finish_run, start_run
    from flows.nightly import new_run

    con = warehouse.connect(tmp_path / "w.duckdb")
    run = new_run("run", ["s"])
    start_run(con, run)
    finish_run(con, run, "completed")
    found = con.execute(
        "SELECT epoch(finished_at) - epoch(started_at) FROM runs"
    ).fetchone()
    con.close()
    assert found is not None and 0 <= found[0] < 60


class CountingConnection:
    """A connection that keeps the SQL of every statement it executes."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str, *args: Any) -> duckdb.DuckDBPyConnection:
        self.statements.append(sql)
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:  # the rest as DuckDB's own
        return getattr(self.con, name)


def reloaded_statements(tmp_path: Path, count: int) -> tuple[list[str], dict]:
    """Load `count` items (a document each, read by an older extractor), then again
    with every other item's decision changed (the same bytes) and the rest read
    from new bytes: the statements of the second load, what it counted, and what
    the warehouse holds (items, their bytes, archived versions, documents read by
    this extractor)."""
    from flows.load import DocumentResult, load_results
    from flows.rawstore import ManifestRow
    from tests.flows.test_load_provenance import run_info

    con = warehouse.connect(tmp_path / f"w{count}.duckdb")
    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))

    def results(items: list[Item]) -> list[DocumentResult]:
        return [
            DocumentResult(
                ManifestRow(
                    i.source.uri,
                    i.source.sha256,
                    "s",
                    "turku",
                    "text/html",
                    1,
                    "2026-11-28T00:00:00Z",
                ),
                i.source.uri,
                False,
                items=[i],
            )
            for i in items
        ]

    first = [
        dataclasses.replace(
            item,
            section=n,
            source=dataclasses.replace(
                item.source, uri=f"d{n}.htm", sha256=f"{n:064x}"
            ),
        )
        for n in range(count)
    ]
    older = dataclasses.replace(run_info("r1"), extractor_version="older")
    load_results(con, older, results(first))
    again = [
        dataclasses.replace(i, decision=f"Muutettu {n}.")
        if n % 2
        else dataclasses.replace(
            i, source=dataclasses.replace(i.source, sha256=f"{n + 100:064x}")
        )
        for n, i in enumerate(first)
    ]
    counting = CountingConnection(con)
    counts = load_results(counting, run_info("r2"), results(again))  # type: ignore[arg-type]
    stored = con.execute(
        "SELECT count(*), count(DISTINCT source_sha256),"
        " (SELECT count(*) FROM item_versions),"
        " (SELECT count(*) FROM documents WHERE extracted_with = ?)"
        " FROM items",
        [EXTRACTOR_VERSION],
    ).fetchone()
    con.close()
    summary = {
        "updated": counts.items_updated,
        "unchanged": counts.items_unchanged,
        "stored": stored,
    }
    return counting.statements, summary


def test_a_reload_of_stored_items_takes_the_same_statements_for_two_or_six(
    tmp_path: Path,
) -> None:
    """Changed items (archived, deleted, written anew) and items read from new bytes
    (pointed at them, their provenance replaced) are written a statement per table
    for the whole batch: a statement per item scanned a whole table each (a
    reprocess of 100k items grew with the square of the warehouse)."""
    few, few_counts = reloaded_statements(tmp_path, 2)
    many, many_counts = reloaded_statements(tmp_path, 6)
    assert few_counts == {"updated": 1, "unchanged": 1, "stored": (2, 2, 1, 2)}
    assert many_counts == {"updated": 3, "unchanged": 3, "stored": (6, 6, 3, 6)}
    assert len(many) == len(few)
    assert any(s.startswith("DELETE FROM field_provenance") for s in many)


def test_items_read_from_new_bytes_are_rewritten_not_updated_in_place(
    tmp_path: Path,
) -> None:
    """An unchanged item read from new bytes (every item of a `minutes reprocess`
    after an extractor change) gets its row written anew: an UPDATE of `items` in
    place held DuckDB memory that no checkpoint gave back, until a reprocess of a
    100k warehouse ran out of the writer's limit."""
    statements, _ = reloaded_statements(tmp_path, 2)
    assert not [s for s in statements if s.startswith("UPDATE items")]
    assert [s for s in statements if s.startswith("DELETE FROM items")]


def test_an_item_read_from_new_bytes_keeps_its_row_and_times(tmp_path: Path) -> None:
    """Rewriting an unchanged item's row changes its bytes, extractor and provenance,
    nothing else: first seen and last changed stay, no version is archived."""
    from flows.load import DocumentResult, load_results
    from flows.rawstore import ManifestRow
    from tests.flows.test_load_provenance import run_info

    con = warehouse.connect(tmp_path / "w.duckdb")
    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))

    def load_version(version: Item, run: str, extractor: str) -> None:
        row = ManifestRow(
            version.source.uri,
            version.source.sha256,
            "s",
            "turku",
            "text/html",
            1,
            "2026-11-28T00:00:00Z",
        )
        result = DocumentResult(row, version.source.uri, False, items=[version])
        load_results(
            con,
            dataclasses.replace(run_info(run), extractor_version=extractor),
            [result],
        )

    def stored() -> dict[str, Any]:
        cursor = con.execute("SELECT * FROM items")
        names = [d[0] for d in cursor.description]
        (row,) = cursor.fetchall()
        return dict(zip(names, row, strict=True))

    older = dataclasses.replace(
        item, source=dataclasses.replace(item.source, extractor_version="older")
    )
    load_version(older, "r1", "older")
    before = stored()
    provenance = con.execute("SELECT count(*) FROM field_provenance").fetchone()
    new_bytes = dataclasses.replace(
        item, source=dataclasses.replace(item.source, sha256="f" * 64)
    )
    load_version(new_bytes, "r2", EXTRACTOR_VERSION)
    after = stored()
    moved = {k for k in before if before[k] != after[k]}
    assert moved == {"source_sha256", "extractor_version", "record"}
    assert after["source_sha256"] == "f" * 64
    assert after["first_seen_at"] == before["first_seen_at"]
    assert after["last_changed_at"] == before["last_changed_at"]
    assert con.execute("SELECT count(*) FROM item_versions").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM field_provenance").fetchone() == provenance

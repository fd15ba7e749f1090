"""earlier_handlings and field_provenance rows: written with the item, rewritten (not
duplicated) when the item changes, and earlier handlings exposed by `decisions`."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from extractors import EXTRACTOR_VERSION, extract
from flows import warehouse
from flows.load import DocumentResult, RunInfo, load_results
from models.records import Item
from tests.extractors.platform_cases import document


def run_info(name: str) -> RunInfo:
    return RunInfo(name, "run", datetime.now(UTC), ["espoo"], EXTRACTOR_VERSION)


def load(con: duckdb.DuckDBPyConnection, name: str, item: Item) -> None:
    result = DocumentResult(None, item.source.uri, False, items=[item])
    load_results(con, run_info(name), [result])


@pytest.fixture
def espoo() -> Item:
    (item,) = extract(document("dynasty", "2017406946-3.HTM"))
    return item


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return warehouse.connect(tmp_path / "w.duckdb")


def counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    handlings = con.execute("SELECT count(*) FROM earlier_handlings").fetchone()
    provenance = con.execute("SELECT count(*) FROM field_provenance").fetchone()
    return handlings[0], provenance[0]


def test_rows_written_with_the_item(con, espoo: Item) -> None:
    load(con, "r1", espoo)
    rows = con.execute(
        "SELECT body, meeting_date::VARCHAR, section FROM earlier_handlings"
    ).fetchall()
    assert rows == [("Kaupunginhallitus", "2017-04-10", 105)]
    assert counts(con)[1] == len(espoo.extra["provenance"]) > 20
    method = con.execute(
        "SELECT method, span_start FROM field_provenance WHERE field = 'title'"
    ).fetchone()
    assert method[0] == "title_line" and method[1] >= 0


def test_changed_item_rewrites_rows(con, espoo: Item) -> None:
    load(con, "r1", espoo)
    before = counts(con)
    changed = dataclasses.replace(espoo, title="Toinen otsikko")
    changed.extra["provenance"] = espoo.extra["provenance"]
    load(con, "r2", changed)
    assert counts(con) == before
    load(con, "r3", changed)  # unchanged: nothing added
    assert counts(con) == before


def test_decisions_view_exposes_earlier_handlings(con, espoo: Item) -> None:
    load(con, "r1", espoo)
    handlings, departures = con.execute(
        "SELECT earlier_handlings, departures FROM decisions"
    ).fetchone()
    assert [(h["body"], str(h["meeting_date"]), h["section"]) for h in handlings] == [
        ("Kaupunginhallitus", "2017-04-10", 105)
    ]
    assert departures == []

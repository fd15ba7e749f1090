"""diary_class (migration 006) in items and `decisions`; vote kind and names
(migration 007) in votes and `vote_details`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest

from extractors import extract
from flows import warehouse
from models.records import Vote
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

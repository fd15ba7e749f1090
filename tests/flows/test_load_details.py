"""diary_class (migration 006) loaded into items and shown by `decisions`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from extractors import extract
from flows import warehouse
from tests.extractors.platform_cases import document
from tests.flows.test_load_provenance import load


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return warehouse.connect(tmp_path / "w.duckdb")


def test_diary_class_in_items_and_decisions(con) -> None:
    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))
    load(con, "r1", item)
    row = con.execute("SELECT diary_number, diary_class FROM decisions").fetchone()
    assert row == ("3720-2013", "611")
    assert con.execute("SELECT diary_class FROM items").fetchone() == ("611",)

"""Two hands on one warehouse: a second writer is refused at once, naming the run
that holds it, and changes nothing; a reader that opened the warehouse before a
load keeps what it saw and never stops the load; the load's rows all arrive."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from flows.extraction import extract_result
from flows.fetch import fetch_folder
from flows.load import item_key, load_results
from flows.nightly import new_run
from flows.rawstore import RawStore
from flows.results import DocumentResult
from flows.sources import Source
from flows.writer import WarehouseLocked, Writer, new_holder
from tests.conftest import copy_sample_site

pytestmark = pytest.mark.fault("concurrent runs and readers")


@pytest.fixture
def extracted(tmp_path: Path) -> list[DocumentResult]:
    copy_sample_site(tmp_path)
    source = Source(
        name="site", platform="folder", base_url="site", config_dir=tmp_path
    )
    store = RawStore(tmp_path / "raw")
    return [extract_result(r, store) for r in fetch_folder(source, store, None)]


def item_rows(path: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "SELECT item_id, content_hash FROM items ORDER BY 1"
        ).fetchall()
    finally:
        con.close()


def expected_items(results: list[DocumentResult]) -> int:
    return len({item_key(item) for r in results for item in r.items})


def test_a_second_writer_is_refused_and_the_first_loads_everything(
    tmp_path: Path, extracted: list[DocumentResult], faults
) -> None:
    path = tmp_path / "wh.duckdb"
    first = new_run("run", ["site"])
    with Writer(path, new_holder(first.run_id, "minutes run")) as writer:
        with pytest.raises(WarehouseLocked) as refused:
            Writer(path, new_holder("second", "minutes run")).__enter__()
        assert f"locked by run {first.run_id} (pid {os.getpid()})" in str(refused.value)
        load_results(writer.connection, first, extracted, "site")
    rows = item_rows(path)
    lost = expected_items(extracted) - len(set(rows))
    duplicated = len(rows) - len(set(rows))
    faults.record(survived=True, lost=lost, duplicated=duplicated)
    assert (lost, duplicated) == (0, 0)


def test_a_reader_keeps_its_snapshot_while_a_load_publishes(
    tmp_path: Path, extracted: list[DocumentResult], faults
) -> None:
    path = tmp_path / "wh.duckdb"
    half = len(extracted) // 2
    run = new_run("run", ["site"])
    with Writer(path, new_holder(run.run_id, "minutes run")) as writer:
        load_results(writer.connection, run, extracted[:half], "site")
    before = item_rows(path)
    reader = duckdb.connect(str(path), read_only=True)
    try:
        again = new_run("run", ["site"])
        with Writer(path, new_holder(again.run_id, "minutes run")) as writer:
            load_results(writer.connection, again, extracted, "site")
        seen = reader.execute(
            "SELECT item_id, content_hash FROM items ORDER BY 1"
        ).fetchall()
    finally:
        reader.close()
    assert seen == before  # the reader's snapshot, whole
    rows = item_rows(path)
    lost = expected_items(extracted) - len(set(rows))
    duplicated = len(rows) - len(set(rows))
    faults.record(survived=True, lost=lost, duplicated=duplicated)
    assert (lost, duplicated) == (0, 0) and len(rows) > len(before)

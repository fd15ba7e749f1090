"""An item's record JSON, content hash and ids are made where it is extracted (a
worker), travel with it, and are what the load writes; the single writer makes them
only for an item that arrives without. The values are those the load wrote before
they moved (a changed hash would make every stored item look changed)."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import pickle
from pathlib import Path

import duckdb
import pytest

import extractors
from flows import load
from flows.extraction import extract_result, stored_document
from flows.fetch import fetch_folder
from flows.load import load_results
from flows.nightly import new_run
from flows.rawstore import RawStore
from flows.sources import Source
from flows.writer import Writer, new_holder
from models import records
from models.records import (
    Departure,
    EarlierHandling,
    Item,
    Person,
    Presenter,
    SourceRef,
    Vote,
)
from tests.conftest import copy_sample_site

# Made by the load of commit 7e3f8ab (flows.load.content_hash, json.dumps of the
# record, flows.load.item_key, models.ids.person_id) for `sample_item()`.
OLD_DIGEST = "070d7a4455a4b8c82e97bb1b58ae07ca9c9b160b99226f884297f5a3841b96b5"
OLD_RECORD_SHA256 = "d92f4d348d2254a65968c7f03818b2a9a97a188ae66a2a45feb99782ed826c5f"
OLD_KEY = "0377161dbd3460d6"
OLD_PEOPLE = ("8cda15f28d56764e", None, "0ea4aba6c3152977")


def sample_item() -> Item:
    """A Swedish item with non-ASCII text in every kind of field."""
    return Item(
        municipality="Närpes",
        body="Kommunstyrelsen",
        body_abbrev="KST",
        meeting_date="2024-05-13",
        section=87,
        diary_number="NÄR/123/00.01/2024",
        title="Detaljplan för Östra centrum – godkännande",
        doc_kind="minutes",
        preparers=(
            Person("Åsa Öberg", "planläggare", "040 123 4567", "asa.oberg@example.fi"),
            Person(None, "kommundirektör"),
        ),
        presenter=Presenter("Mårten Ek", "kommundirektör"),
        proposal="Kommunstyrelsen föreslår att fullmäktige godkänner planen.",
        decision="Förslaget godkändes efter omröstning 7–4.",
        outcome="approved",
        voted=True,
        votes=(Vote(7, 4, 0, 0, None, "main", ("A", "B"), ("C",)),),
        disqualified=("Jäävi Henkilö",),
        attachments=("Liite 1: kartta",),
        language="sv",
        source=SourceRef("https://example.fi/protokoll/87", "ab" * 32, "42"),
        departures=(Departure("Jäävi Henkilö", "jäävi", True),),
        earlier_handlings=(EarlierHandling("Tekninen lautakunta", "2024-04-02", 33),),
        diary_class="00.01",
    )


def test_prepared_values_are_those_the_load_wrote_before() -> None:
    prepared = sample_item().prepared()
    assert prepared.digest == OLD_DIGEST
    assert hashlib.sha256(prepared.record.encode()).hexdigest() == OLD_RECORD_SHA256
    assert prepared.key == OLD_KEY
    assert prepared.people == OLD_PEOPLE
    assert json.loads(prepared.record) == json.loads(
        json.dumps(sample_item().to_dict())
    )


def test_a_changed_copy_is_prepared_anew() -> None:
    item = sample_item()
    before = item.prepared()
    changed = dataclasses.replace(item, title="Ny rubrik", section=88)
    assert changed.prepared().digest != before.digest
    assert changed.prepared().key != before.key
    assert json.loads(changed.prepared().record)["title"] == "Ny rubrik"


def test_prepared_travels_with_a_pickled_item(monkeypatch: pytest.MonkeyPatch) -> None:
    item = sample_item()
    made = item.prepared()
    copy = pickle.loads(pickle.dumps(item))

    def not_again(_: Item) -> records.Prepared:
        raise AssertionError("prepared again after pickling")

    monkeypatch.setattr(records, "_prepare", not_again)
    assert copy.prepared() == made
    assert copy == item


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """The sample site's documents fetched and extracted (as a worker does)."""
    root = tmp_path_factory.mktemp("prepared")
    copy_sample_site(root)
    source = Source(name="site", platform="folder", base_url="site", config_dir=root)
    store = RawStore(root / "raw")
    return root, [extract_result(r, store) for r in fetch_folder(source, store, None)]


def test_extraction_prepares_and_the_load_writes_it_without_preparing(
    extracted: tuple[Path, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, results = extracted
    items = [item for result in results for item in result.items]
    assert items and all("_prepared" in item.__dict__ for item in items)
    arrived = pickle.loads(pickle.dumps(results))  # as from a worker process

    def in_writer(_: Item) -> records.Prepared:
        raise AssertionError("the writer prepared an item")

    monkeypatch.setattr(records, "_prepare", in_writer)
    path = root / "wh.duckdb"
    run = new_run("run", ["site"])
    with Writer(path, new_holder(run.run_id, "test")) as writer:
        load_results(writer.connection, run, arrived, "site")
    con = duckdb.connect(str(path), read_only=True)
    stored = dict(con.execute("SELECT item_id, content_hash FROM items").fetchall())
    con.close()
    digests: dict[str, set[str]] = {}
    for item in items:
        digests.setdefault(item.prepared().key, set()).add(item.prepared().digest)
    assert set(digests) <= set(stored)  # every item's own id, with its own hash
    assert all(stored[key] in digests[key] for key in digests)


def test_the_collector_is_paused_during_a_load_and_back_after(
    extracted: tuple[Path, list], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _, results = extracted
    seen: list[bool] = []
    write = load.PendingRows.write

    def noting(self: load.PendingRows, con: duckdb.DuckDBPyConnection) -> None:
        seen.append(gc.isenabled())
        write(self, con)

    monkeypatch.setattr(load.PendingRows, "write", noting)
    run = new_run("run", ["site"])
    with Writer(tmp_path / "wh.duckdb", new_holder(run.run_id, "test")) as writer:
        assert gc.isenabled()
        load_results(writer.connection, run, results, "site")
        assert seen == [False] and gc.isenabled()

        def failing(self: load.PendingRows, con: duckdb.DuckDBPyConnection) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(load.PendingRows, "write", failing)
        with pytest.raises(RuntimeError):
            load_results(writer.connection, run, results, "site")
        assert gc.isenabled()
        gc.disable()
        try:
            monkeypatch.setattr(load.PendingRows, "write", noting)
            load_results(writer.connection, run, results, "site")
            assert not gc.isenabled()  # a caller's own pause is left as it was
        finally:
            gc.enable()


def field_sources_here(root: Path, results: list) -> dict[str, list]:
    """The fetched documents extracted again in this process (no worker, nothing
    shed): each item's FieldSources, by item key."""
    store = RawStore(root / "raw")
    found = {}
    for result in results:
        document = stored_document(result.row, store)
        for item in extractors.extract_document(document).items:
            found[item.prepared().key] = item.extra["provenance"]
    return found


def test_provenance_rows_are_the_items_field_sources(
    extracted: tuple[Path, list], tmp_path: Path
) -> None:
    root, results = extracted
    run = new_run("run", ["site"])
    with Writer(tmp_path / "wh.duckdb", new_holder(run.run_id, "test")) as writer:
        load_results(writer.connection, run, results, "site")
        stored = writer.connection.execute(
            "SELECT item_id, field, method, span_start, span_end, value_excerpt"
            " FROM field_provenance"
        ).fetchall()
    loaded = {key for key, *_ in stored}
    expected = [
        (key, *source.row())
        for key, sources in field_sources_here(root, results).items()
        if key in loaded
        for source in sources
    ]
    assert len(loaded) > 3 and sorted(stored, key=repr) == sorted(expected, key=repr)


def test_extracted_items_travel_with_their_provenance_as_prepared_columns_only(
    extracted: tuple[Path, list],
) -> None:
    """A worker hands items over with their provenance in the prepared columns and
    not as FieldSource objects too (they were ~40% of an item in memory)."""
    _, results = extracted
    items = [item for result in results for item in result.items]
    assert items
    assert all(item.extra["provenance"] == records.PROVENANCE_SHED for item in items)
    assert sum(len(item.prepared().provenance[0]) for item in items) > 20


def test_a_copy_of_an_item_whose_provenance_was_shed_is_never_prepared_without_it(
    extracted: tuple[Path, list],
) -> None:
    """Preparing it again would write an item without provenance: it fails."""
    _, results = extracted
    item = next(item for result in results for item in result.items)
    copy = dataclasses.replace(item, title="Muutettu otsikko")
    with pytest.raises(ValueError, match="provenance was shed"):
        copy.prepared()

"""The whole flow against a folder site: idempotent re-runs, in-place updates,
quarantine that does not stop the run."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import extractors
from flows import nightly
from flows.fetch import fetch_source
from flows.load import load_results
from flows.nightly import AllSourcesFailed, minutes_reprocess, minutes_run
from flows.rawstore import LatestRows, RawStore
from flows.sources import load_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")

TABLES_EXCEPT_RUNS = [
    "documents",
    "bodies",
    "meetings",
    "items",
    "persons",
    "item_persons",
    "votes",
    "quarantine",
    "schema_migrations",
    "watermarks",
    "earlier_handlings",
    "field_provenance",
]
SEED = "site/kittila/khall_2023-12-05_451.txt"  # Kunnanhallitus 5.12.2023 § 451
DECIDED = "Kunnanjohtajan esitys hyväksyttiin."


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every table but `runs`, in a stable order."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in TABLES_EXCEPT_RUNS
        }
    finally:
        con.close()


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def run(toml: Path, tmp_path: Path):
    return minutes_run(toml, [], None, tmp_path / "raw", tmp_path / "wh.duckdb")


def test_run_twice_changes_nothing_but_runs(sample_site: Path, tmp_path: Path) -> None:
    first = run(sample_site, tmp_path)
    assert first.counts.items_inserted == 5 and first.counts.documents_new == 5
    before = snapshot(tmp_path / "wh.duckdb")
    assert len(before["items"]) == 5
    assert {row[2] for row in before["items"]} == {"Kittilä", "Espoo", "Turku"}

    second = run(sample_site, tmp_path)
    assert (second.counts.items_inserted, second.counts.items_updated) == (0, 0)
    assert (second.counts.items_unchanged, second.counts.documents_unchanged) == (5, 5)
    assert snapshot(tmp_path / "wh.duckdb") == before
    assert query(tmp_path / "wh.duckdb", "SELECT count(*) FROM runs") == [(2,)]


def test_changed_document_updates_its_items_in_place(
    sample_site: Path, tmp_path: Path
) -> None:
    run(sample_site, tmp_path)
    changed = sample_site.parent / SEED
    text = changed.read_text(encoding="utf-8")
    assert DECIDED in text
    changed.write_text(
        text.replace(DECIDED, "Asia palautettiin uudelleen valmisteltavaksi."),
        encoding="utf-8",
    )
    summary = run(sample_site, tmp_path)
    assert (summary.counts.items_updated, summary.counts.items_inserted) == (1, 0)
    assert summary.counts.items_unchanged == 4 and summary.counts.documents_new == 1
    wh = tmp_path / "wh.duckdb"
    assert query(wh, "SELECT count(*), count(DISTINCT item_id) FROM items") == [(5, 5)]
    rows = query(
        wh,
        "SELECT outcome, last_changed_at > first_seen_at FROM decisions"
        " WHERE section = 451",
    )
    assert rows == [("returned", True)]
    unchanged = query(
        wh, "SELECT count(*) FROM items WHERE last_changed_at = first_seen_at"
    )
    assert unchanged == [(4,)]
    # both versions of the document stay in the raw zone manifest
    assert query(
        wh, "SELECT count(*) FROM documents WHERE uri LIKE '%khall_2023-12-05_451.txt'"
    ) == [(2,)]


def test_bad_file_is_quarantined_and_the_run_goes_on(
    sample_site: Path, tmp_path: Path
) -> None:
    bad = sample_site.parent / "site" / "kittila" / "broken.txt"
    bad.write_text("Tässä tiedostossa ei ole yhtään pykälää.", encoding="utf-8")
    summary = run(sample_site, tmp_path)
    assert summary.counts.quarantined == 1 and summary.counts.items_inserted == 5
    assert summary.status == "completed"
    wh = tmp_path / "wh.duckdb"
    assert query(wh, "SELECT document, stage, reason FROM quarantine") == [
        ("site/kittila/broken.txt", "extract", "no_items")
    ]
    again = run(sample_site, tmp_path)
    assert again.counts.quarantined == 1
    assert query(wh, "SELECT count(*) FROM quarantine") == [(1,)]


def test_failed_load_leaves_the_warehouse_as_it_was(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(sample_site, tmp_path)
    before = snapshot(tmp_path / "wh.duckdb")
    changed = sample_site.parent / SEED
    changed.write_text(
        changed.read_text("utf-8").replace(DECIDED, "Asia jätettiin pöydälle."),
        "utf-8",
    )

    import flows.load

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(flows.load, "_archive_version", explode)  # mid-transaction
    with pytest.raises(AllSourcesFailed):
        run(sample_site, tmp_path)
    assert snapshot(tmp_path / "wh.duckdb") == before
    assert query(
        tmp_path / "wh.duckdb",
        "SELECT r.status, s.status, s.error_class, s.error_message FROM runs r"
        " JOIN run_sources s USING (run_id) ORDER BY r.started_at DESC LIMIT 1",
    ) == [("failed", "failed", "RuntimeError", "disk full")]


def test_reprocess_reloads_the_raw_zone_without_changes(
    sample_site: Path, tmp_path: Path
) -> None:
    run(sample_site, tmp_path)
    before = snapshot(tmp_path / "wh.duckdb")
    summary = minutes_reprocess(tmp_path / "raw", tmp_path / "wh.duckdb")
    assert summary.counts.items_unchanged == 5 and summary.counts.items_updated == 0
    assert snapshot(tmp_path / "wh.duckdb") == before


def extractions_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The uris of the documents extracted from now on (in this process)."""
    calls: list[str] = []
    real = extractors.extract_document

    def counted(document, *args, **kwargs):
        calls.append(document.uri)
        return real(document, *args, **kwargs)

    monkeypatch.setattr(extractors, "extract_document", counted)
    return calls


def test_reprocess_in_small_batches_reads_every_document_once(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(sample_site, tmp_path)
    before = snapshot(tmp_path / "wh.duckdb")
    calls = extractions_counted(monkeypatch)
    monkeypatch.setenv("MINUTES_LOAD_BATCH", "2")  # five documents: three batches
    summary = minutes_reprocess(tmp_path / "raw", tmp_path / "wh.duckdb")
    assert sorted(calls) == sorted(set(calls)) and len(calls) == 5
    assert summary.counts.items_unchanged == 5 and summary.counts.items_updated == 0
    assert snapshot(tmp_path / "wh.duckdb") == before
    (per_source,) = query(
        tmp_path / "wh.duckdb", "SELECT per_source FROM runs WHERE kind = 'reprocess'"
    )
    assert '"items_unchanged": 5' in per_source[0]


def test_reprocess_reads_the_raw_zone_as_it_loads(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the raw zone's whole history at once: its rows are read a batch at a
    time as batches are loaded — never more than three ahead of the loads (one
    being extracted, one sent, one read to know whether it is the last)."""
    run(sample_site, tmp_path)
    events: list[str] = []
    real_pages = LatestRows.pages
    real_load = nightly.load_results

    def pages(self, size, role="document"):  # type: ignore[no-untyped-def]
        for rows in real_pages(self, size, role):
            events.append(f"read {len(rows)}")
            yield rows

    def load(con, run, results, *args, **kwargs):  # type: ignore[no-untyped-def]
        events.append(f"loaded {len(results)}")
        return real_load(con, run, results, *args, **kwargs)

    monkeypatch.setattr(LatestRows, "pages", pages)
    monkeypatch.setattr(nightly, "load_results", load)
    monkeypatch.setenv("MINUTES_LOAD_BATCH", "1")
    minutes_reprocess(tmp_path / "raw", tmp_path / "wh.duckdb")
    assert events.count("read 1") == events.count("loaded 1") == 5
    for end in range(1, len(events) + 1):
        so_far = events[:end]
        assert so_far.count("read 1") - so_far.count("loaded 1") <= 3, events


def test_unchanged_documents_are_not_extracted_again(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run(sample_site, tmp_path)
    calls = extractions_counted(monkeypatch)
    again = run(sample_site, tmp_path)
    assert calls == []  # same bytes, same extractor: nothing read again
    assert again.counts.documents_unchanged == first.counts.documents_new
    assert again.counts.items_unchanged == first.counts.items_inserted
    assert again.counts.quarantined == first.counts.quarantined

    monkeypatch.setattr(extractors, "EXTRACTOR_VERSION", "next")
    third = run(sample_site, tmp_path)
    assert len(calls) == first.counts.documents_new  # a new extractor reads all
    assert third.counts.items_unchanged == first.counts.items_inserted


def test_documents_fetched_before_a_kill_count_new_when_loaded(
    sample_site: Path, tmp_path: Path
) -> None:
    source = load_sources(sample_site)[0]
    fetched = fetch_source(source, RawStore(tmp_path / "raw"), None)  # then killed
    assert fetched and all(r.is_new for r in fetched if r.row is not None)
    summary = run(sample_site, tmp_path)
    assert summary.counts.documents_new == sum(r.row is not None for r in fetched)
    assert summary.counts.documents_unchanged == 0


def test_loading_in_small_batches_gives_the_same_warehouse(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = run(sample_site, tmp_path / "whole")
    monkeypatch.setenv("MINUTES_LOAD_BATCH", "2")  # five documents: three batches
    batched = run(sample_site, tmp_path / "batched")
    assert batched.counts.totals() == whole.counts.totals()
    tables = ("items", "meetings", "votes", "watermarks", "quarantine")
    for table in tables:
        columns = "item_id" if table == "items" else "*"
        if table == "watermarks":
            columns = "source, body, last_meeting_date"
        if table == "quarantine":
            columns = "document, stage, reason"
        sql = f"SELECT {columns} FROM {table} ORDER BY ALL"
        assert query(tmp_path / "batched" / "wh.duckdb", sql) == query(
            tmp_path / "whole" / "wh.duckdb", sql
        ), table
    (per_source,) = query(
        tmp_path / "batched" / "wh.duckdb", "SELECT per_source FROM runs"
    )
    assert '"items_inserted": 5' in per_source[0]


def test_a_sources_documents_are_let_go_once_loaded(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory stays bounded by a chunk, not the run: when a chunk of a source's
    documents is loaded, nothing of the run keeps them (the fetch's future held
    them to the end, once)."""
    import gc
    import weakref

    from flows.nightly import Collector

    text = sample_site.read_text(encoding="utf-8")
    sample_site.write_text(text + text.replace('name = "site"', 'name = "again"'))
    loaded: list[list[weakref.ref]] = []
    alive_at_each_load: list[int] = []
    real = Collector._take

    def watched(self, pipeline, job, part, fetched):
        gc.collect()
        alive_at_each_load.append(
            sum(ref() is not None for refs in loaded for ref in refs)
        )
        loaded.append([weakref.ref(result) for result in fetched])
        real(self, pipeline, job, part, fetched)
        pipeline.drain()  # loaded now, not when the next chunk comes

    monkeypatch.setattr(Collector, "_take", watched)
    summary = run(sample_site, tmp_path)
    assert summary.counts.documents_new == 5 and len(loaded) == 2
    assert all(loaded) and alive_at_each_load == [0, 0]


def test_a_run_that_needs_more_than_the_memory_limit_still_loads(
    sample_site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The writer's memory limit bounds memory, it never fails a run: a batch or a
    search index that does not fit is done again without the limit, with a warning,
    and the limit is back for what follows."""
    from flows import nightly, search_index

    monkeypatch.setenv("MINUTES_DUCKDB_MEMORY", "64MB")
    limits: dict[str, list[str]] = {"load": [], "index": []}

    def too_big_once(name: str, real):
        def work(con, *args):
            limits[name].append(
                con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
            )
            if len(limits[name]) <= 2:  # a list of 20M numbers: ~160 MB, no spilling
                con.execute("SELECT len(list(range)) FROM range(20000000)")
            return real(con, *args)

        return work

    monkeypatch.setattr(nightly, "load_results", too_big_once("load", load_results))
    monkeypatch.setattr(
        search_index, "build", too_big_once("index", search_index.build)
    )
    with caplog.at_level("WARNING", logger="flows.warehouse"):
        summary = run(sample_site, tmp_path)
    assert summary.counts.items_inserted == 5
    bounded = "61.0 MiB"  # 64MB as DuckDB prints it
    assert limits["load"][:2] == [bounded, limits["load"][1]] != [bounded] * 2
    assert limits["load"][2:] == [bounded] * (len(limits["load"]) - 2)
    assert limits["index"][0] == bounded != limits["index"][1]
    warned = " ".join(record.getMessage() for record in caplog.records)
    assert "loading a batch of site" in warned and "fi search index" in warned
    assert "MINUTES_DUCKDB_MEMORY=64MB" in warned
    assert query(tmp_path / "wh.duckdb", "SELECT count(*) FROM items") == [(5,)]


def meeting_text(number: int, items: int) -> str:
    """A Kittilä-style minutes text of one meeting with `items` items."""
    return "\n".join(
        f"# Asia {number}-{n}\n\nKhall 05.12.2023 § {number * 10 + n}\n"
        f"{100 + n}/00.01.02/2023\n\nValmistelija\n\nSihteeri Maija Virtanen\n\n"
        "Päätösehdotus\n\nKunnanhallitus hyväksyy esityksen.\n\n"
        "Päätös\n\nEhdotus hyväksyttiin.\n"
        for n in range(1, items + 1)
    )


def test_a_run_sizes_its_batches_by_the_items_its_documents_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight meetings of four items each, MINUTES_LOAD_ITEMS 8: after the batches
    made before one was loaded (FIRST_BATCH, here 1), two documents a batch, not
    MINUTES_LOAD_BATCH's 500; every item loaded."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(1, 9):
        (docs / f"khall_{number}.txt").write_text(meeting_text(number, 4), "utf-8")
    toml = tmp_path / "sources.toml"
    toml.write_text(
        '[[source]]\nname = "texts"\nplatform = "folder"\nbase_url = "docs"\n', "utf-8"
    )
    monkeypatch.setattr(nightly, "FIRST_BATCH", 1)
    monkeypatch.setenv("MINUTES_LOAD_ITEMS", "8")
    monkeypatch.setenv("MINUTES_LOAD_BATCH", "500")
    loads: list[tuple[int, int]] = []
    real_load = nightly.load_results

    def load(con, run, results, *args, **kwargs):  # type: ignore[no-untyped-def]
        loads.append((len(results), sum(len(r.items) for r in results)))
        return real_load(con, run, results, *args, **kwargs)

    monkeypatch.setattr(nightly, "load_results", load)
    summary = run(toml, tmp_path)
    assert summary.counts.items_inserted == 32
    extracted = [load for load in loads if load[1]]  # not the closing empty load
    unknowing = extracted[:2]
    assert unknowing == [(1, 4), (1, 4)]
    assert extracted[2:] == [(2, 8)] * 3

"""`minutes bench` at a tiny size: every measurement is there and sane (no timing
assertions: the figures are the README's, from a real run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from flows import bench, bench_corpus

ITEMS = 20


def test_the_corpus_holds_every_layout_in_both_languages(tmp_path: Path) -> None:
    corpus = bench_corpus.build(tmp_path / "corpus", ITEMS)
    assert corpus.items == ITEMS
    assert set(corpus.by_layout()) == set(bench_corpus.MIX)
    languages = {item.language for d in corpus.documents for item in d.items}
    assert languages == {"fi", "sv"}
    keys = [
        (i.municipality, i.body, i.meeting_date, i.section)
        for d in corpus.documents
        for i in d.items
    ]
    assert len(set(keys)) == len(keys)  # one item id each
    for doc in corpus.documents:
        path = corpus.root / doc.path
        assert path.is_file()
        assert (path.parent / "listing.toml").is_file()
        if doc.layout in ("pdf", "oulu"):
            assert bench_corpus.page_count(path.read_bytes()) == doc.pages > 0
    assert corpus.pdf_pages == sum(d.pages for d in corpus.documents)
    again = bench_corpus.build(tmp_path / "again", ITEMS)
    assert [d.path for d in again.documents] == [d.path for d in corpus.documents]


@pytest.mark.flow
def test_bench_measures_everything_at_a_tiny_size(
    tmp_path: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL

    # the session's Prefect server for the runs; spaCy left out of extraction and
    # a tokenizer for the naive pass, so that the test stays quick
    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    monkeypatch.setenv("MINUTES_SPACY", "0")
    out = tmp_path / "bench" / "results.json"
    results = bench.run_bench([ITEMS], out, spacy_model="blank:fi")

    assert json.loads(out.read_text()) == results
    machine = results["machine"]
    for fact in ("date", "cores", "ram_gib", "python", "cpu", "packages"):
        assert machine[fact], fact
    assert {"duckdb", "pdfplumber", "pypdfium2", "spacy"} <= set(machine["packages"])
    [size] = results["sizes"]
    assert size["items"] == ITEMS
    extraction = size["extraction"]
    assert extraction["items"] == extraction["items_generated"] == ITEMS
    assert extraction["quarantined"] == 0
    assert extraction["items_per_s"] > 0 and extraction["html_text_items_per_s"] > 0
    assert size["spacy"]["items"] > 0 and size["spacy"]["items_per_s"] > 0
    for side in (extraction, size["spacy"]):  # the fastest of rounds taken in turn
        assert len(side["rounds_s"]) == bench.STAGE_ROUNDS > 1
        assert side["s"] == min(side["rounds_s"])
    pdf = size["pdf"]
    for reader in bench.READERS:
        for workers in bench.WORKERS:
            measured = pdf[f"{reader}_{workers}"]
            assert measured["pages"] == pdf["pages"] == size["pdf_pages"]
            assert measured["pages_per_s"] > 0
            # the fastest of the rounds the readers took in turn
            assert len(measured["rounds_s"]) == bench.PDF_ROUNDS > 1
            assert measured["s"] == min(measured["rounds_s"])
    load = size["load"]
    assert load["items"] == ITEMS
    assert load["rows"] == load["bulk_rows"] > ITEMS
    assert load["ours_rows_per_s"] > 0 and load["bulk_rows_per_s"] > 0
    for side in ("ours", "bulk"):  # the fastest of the rounds the two took in turn
        assert len(load[f"{side}_rounds_s"]) == bench.LOAD_ROUNDS > 1
        assert load[f"{side}_s"] == min(load[f"{side}_rounds_s"])
    first, again = size["runs"]["first"], size["runs"]["again"]
    assert first["items_inserted"] == again["items_unchanged"] == ITEMS
    assert first["documents_new"] == again["documents_unchanged"] == size["documents"]
    assert first["quarantined"] == again["quarantined"] == 0
    for run in (first, again):
        assert run["status"] == "completed" and run["wall_s"] > run["flow_s"] > 0
        assert 50 < run["peak_rss_mib"] < 4096 and 50 < run["peak_tree_rss_mib"] < 4096
    year = size["finland_year"]
    assert year["hours"] == max(year["stages_h"], year["run_h"]) > 0
    keys = {key for key, *_ in bench.TARGETS}
    assert keys <= set(size["targets"])
    assert all(size["targets"][key] > 0 for key in keys)
    assert len(results["targets"]) == len(bench.TARGETS) + 1  # and memory

    console = Console(record=True, width=200)
    bench.print_results(results, console)
    printed = console.export_text()
    lines = bench.rows(size)
    for label, value, _ in lines:
        assert label in printed
        assert value != "-", label
    assert "NOT met" in printed or "met:" in printed


def test_bench_measures_search_latency_over_a_synthetic_warehouse(
    tmp_path: Path,
) -> None:
    """`minutes bench --items 0 --search-items N` as an operator runs it: every
    query of the browse app timed over N items, the target judged (not met below
    1M items: not measured there), the table printed, the JSON written."""
    from typer.testing import CliRunner

    from flows.cli import app
    from web import bench_search

    out = tmp_path / "results.json"
    keep = tmp_path / "keep"
    done = CliRunner().invoke(
        app,
        [
            "bench",
            "--items",
            "0",
            "--search-items",
            "3000",
            "--out",
            str(out),
            "--keep",
            str(keep),
        ],
    )
    assert done.exit_code == 0, done.output
    results = json.loads(out.read_text())
    assert results["sizes"] == []
    search = results["search"]
    assert search["items"] == 3000 and search["build"]["reused"] is False
    assert [q["query"].split("'")[1] for q in search["queries"]] == [
        words for words, _ in bench_search.QUERIES
    ]
    for query in search["queries"]:
        assert 0 < query["median_ms"] <= query["max_ms"]
        assert query["cold_median_ms"] > 0
    # the unfiltered words of real documents are found in a corpus of their words
    assert all(q["matches"] > 0 for q in search["queries"][:3])
    assert search["worst_median_ms"] == max(q["median_ms"] for q in search["queries"])
    [verdict] = results["targets"]
    assert verdict["met"] is False and verdict["note"] == "1M items not measured"
    assert "search over 3,000 items" in done.output
    assert "NOT met: search median" in done.output

    again = CliRunner().invoke(
        app,
        ["bench", "--items", "0", "--search-items", "3000", "--out", str(out)]
        + ["--keep", str(keep)],
    )
    assert again.exit_code == 0, again.output
    assert json.loads(out.read_text())["search"]["build"]["reused"] is True


def test_every_extraction_round_starts_without_what_the_last_one_read() -> None:
    """Rounds after the first would otherwise find the sample's words classified
    and ids made already, and read faster than a run ever does."""
    from extractors import names
    from models import ids

    content = (names.word_classes, ids._key)
    for cached in content:
        cached.cache_clear()  # whatever earlier tests left
    names.word_classes("Virtanen")  # loads Voikko (a loader without arguments)
    ids._key("Kunnanhallitus")
    assert [cached.cache_info().currsize for cached in content] == [1, 1]
    assert names._voikko.cache_info().currsize == 1

    bench.forget_what_extraction_read()

    assert [cached.cache_info().currsize for cached in content] == [0, 0]
    assert names._voikko.cache_info().currsize == 1  # loaded once a process: kept

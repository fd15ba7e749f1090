"""A process that dies extracting a document (a segfault in a PDF library, the OOM
killer: nothing an exception handler sees) costs at most the run it happened in:
the document is then tried alone, and quarantined as `extractor_crashed` when that
process dies too; every other document is extracted as always. The crash is made
by the `extracting:<uri part>` failpoint (SIGKILL, on every try at the document)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from flows import extraction
from flows.rawstore import RawStore
from flows.results import DocumentResult
from tests.conftest import items_by_uri

pytestmark = pytest.mark.fault("a process dies extracting a document")

VICTIM = "khall_2023-12-05_451.txt"  # a Kittilä item of the sample


def clean(results: list[DocumentResult], store: RawStore) -> list[DocumentResult]:
    return [extraction.extract_here(r, store) for r in results]


def test_a_worker_dying_on_one_document_costs_that_document_only(
    fetched_sample: tuple[list[DocumentResult], RawStore],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results, store = fetched_sample
    expected = items_by_uri(clean(results, store))
    monkeypatch.setenv("MINUTES_FAILPOINT", f"extracting:{VICTIM}")
    with ThreadPoolExecutor(1) as thread:  # a pool that waits for a dead worker hangs
        sent = extraction.Extraction(results, store.root, workers=2)
        done = thread.submit(sent.results).result(timeout=300)

    [victim] = [r for r in done if r.row and r.row.uri.endswith(VICTIM)]
    assert victim.reason == "extractor_crashed" and victim.stage == "extract"
    assert "signal SIGKILL" in (victim.detail or "") and not victim.items
    others = [r for r in done if r is not victim]
    assert all(r.reason is None for r in others)
    found = items_by_uri(others)
    assert found == {uri: ids for uri, ids in expected.items() if uri in found}
    assert len(found) == len(results) - 1
    markers = list((store.root / extraction.MARKERS).iterdir())
    assert [m.name for m in markers] == [victim.row.sha256]  # type: ignore[union-attr]


def test_a_document_left_marked_by_a_killed_run_is_extracted_alone(
    fetched_sample: tuple[list[DocumentResult], RawStore],
) -> None:
    """The run was killed while reading it (not the document's fault): alone, it
    reads as always, and its marker goes."""
    results, store = fetched_sample
    [result] = [r for r in results if r.row and r.row.uri.endswith(VICTIM)]
    marker = extraction.marker_path(store, result.row.sha256)  # type: ignore[union-attr]
    marker.parent.mkdir(parents=True)
    marker.write_text("4242 2026-11-26T00:00:00+00:00\n")
    again = extraction.extract_result(result, store)
    assert again == extraction.extract_here(result, store)
    assert again.items and again.reason is None
    assert not marker.exists()


def test_a_marked_document_that_kills_again_is_quarantined_and_stays_marked(
    fetched_sample: tuple[list[DocumentResult], RawStore],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results, store = fetched_sample
    [result] = [r for r in results if r.row and r.row.uri.endswith(VICTIM)]
    marker = extraction.marker_path(store, result.row.sha256)  # type: ignore[union-attr]
    marker.parent.mkdir(parents=True)
    marker.write_text("4242 2026-11-26T00:00:00+00:00\n")
    monkeypatch.setenv("MINUTES_FAILPOINT", f"extracting:{VICTIM}")
    crashed = extraction.extract_result(result, store)
    assert crashed == replace(
        result, stage="extract", reason="extractor_crashed", detail=crashed.detail
    )
    assert VICTIM in (crashed.detail or "") and marker.exists()

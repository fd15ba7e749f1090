"""Documents go to the extraction workers a handful at a time (each hand-over costs
the run's main process a pickling, a wake and a result to take back), the biggest
alone, and a small batch in small chunks so that every core gets several."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import extraction
from flows.rawstore import ManifestRow
from flows.results import DocumentResult


def job(index: int, size: int) -> extraction.Job:
    row = ManifestRow(
        uri=f"u{index}",
        sha256=f"h{index}",
        source="s",
        municipality=None,
        media_type="text/html",
        size=size,
        fetched_at="2026-11-27T00:00:00+00:00",
    )
    return (index, DocumentResult(row=row, uri=row.uri, is_new=True), Path("raw"))


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "_cores", lambda: 2)


def test_every_job_is_handed_over_once_in_order() -> None:
    jobs = [job(i, 10_000) for i in range(500)]
    chunks = extraction._chunks(jobs)
    assert [j for chunk in chunks for j in chunk] == jobs
    assert max(len(chunk) for chunk in chunks) == extraction.CHUNK_DOCUMENTS
    assert len(chunks) < len(jobs) / 8  # not a hand-over per document


def test_a_chunk_stays_under_its_bytes_and_a_big_document_goes_alone() -> None:
    big = extraction.CHUNK_BYTES + 1
    jobs = [
        job(0, big),
        job(1, big // 2 + 1),
        job(2, big // 2 + 1),
        *map(job, range(3, 99), [1000] * 96),
    ]
    chunks = extraction._chunks(jobs)
    assert chunks[0] == (jobs[0],)
    assert chunks[1] == (jobs[1],)  # with the next it would pass CHUNK_BYTES
    for chunk in chunks:
        assert (
            len(chunk) == 1
            or sum(j[1].row.size for j in chunk) <= extraction.CHUNK_BYTES
        )


def test_a_small_batch_gives_every_core_several_chunks() -> None:
    jobs = [job(i, 1000) for i in range(24)]
    chunks = extraction._chunks(jobs)
    assert len(chunks) >= 8 and [j for chunk in chunks for j in chunk] == jobs
    assert extraction._chunks(jobs[:3]) == [(jobs[0],), (jobs[1],), (jobs[2],)]

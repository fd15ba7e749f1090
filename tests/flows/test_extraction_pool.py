"""A run keeps its extraction workers from one batch to the next (each worker
imports the extractors and loads its models once per run), ends them when the run
ends, and replaces a pool a dying worker broke."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, wait

import pytest

from flows import extraction
from flows.rawstore import RawStore
from flows.results import DocumentResult
from tests.conftest import items_by_uri

VICTIM = "khall_2023-12-05_451.txt"  # a Kittilä item of the sample


def kept_pool():
    kept = extraction._KEPT
    assert kept is not None and kept.pool is not None
    return kept.pool


def worker_pids() -> set[int]:
    """The kept pool's processes (it starts them as work comes, up to one per core)."""
    return set(kept_pool()._processes)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def workers_for_any_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers even for the sample's few small documents (two cores needed)."""
    if extraction._cores() < 2:
        pytest.skip("one core: extraction stays in the process")
    monkeypatch.setattr(extraction, "MIN_BYTES_FOR_WORKERS", 0)


def in_thread(function, *args):  # a pool that waits for a dead worker hangs
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(function, *args).result(timeout=300)


def test_a_run_keeps_its_workers_between_batches_and_ends_them(
    fetched_sample: tuple[list[DocumentResult], RawStore],
) -> None:
    results, store = fetched_sample
    expected = items_by_uri([extraction.extract_here(r, store) for r in results])
    half = len(results) // 2
    with extraction.run_workers():
        first = extraction.extract_all(results[:half], store.root)
        pool, pids = kept_pool(), worker_pids()
        second = extraction.extract_all(results[half:], store.root)
        assert kept_pool() is pool and pids <= worker_pids()  # the same workers
        processes = list(pool._processes.values())  # type: ignore[attr-defined]
    assert extraction._KEPT is None
    assert processes and all_ended(processes)
    assert items_by_uri(first + second) == expected


def all_ended(processes: list, seconds: float = 10.0) -> bool:
    """True once every process has ended (the pool's own thread may reap one an
    instant before its Process object learns it: `is_alive` then says so late)."""
    deadline = time.monotonic() + seconds
    while any(process.is_alive() for process in processes):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_pool_a_dying_worker_broke_is_replaced_for_the_next_batch(
    fetched_sample: tuple[list[DocumentResult], RawStore],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results, store = fetched_sample
    victim = [r for r in results if r.row and r.row.uri.endswith(VICTIM)]
    others = [r for r in results if r not in victim]
    with extraction.run_workers():
        monkeypatch.setenv("MINUTES_FAILPOINT", f"extracting:{VICTIM}")
        broken = in_thread(extraction.extract_all, victim + others[:2], store.root)
        assert broken[0].reason == "extractor_crashed"
        assert all(r.reason is None for r in broken[1:])
        monkeypatch.delenv("MINUTES_FAILPOINT")
        fresh, before = kept_pool(), worker_pids()
        later = in_thread(extraction.extract_all, others[2:], store.root)
        assert kept_pool() is fresh and before <= worker_pids()  # kept in its turn
    assert all(r.reason is None for r in later) and all(r.items for r in later)


def test_a_batch_is_extracted_by_the_workers_before_its_results_are_asked_for(
    fetched_sample: tuple[list[DocumentResult], RawStore],
) -> None:
    results, store = fetched_sample
    expected = items_by_uri([extraction.extract_here(r, store) for r in results])
    with extraction.run_workers():
        sent = extraction.Extraction(results, store.root)
        assert sent.futures  # handed to the workers when made
        wait(list(sent.futures), timeout=300)  # done meanwhile (a run loads then)
        assert all(future.done() for future in sent.futures)
        got = sent.results()
    assert items_by_uri(got) == expected


def test_a_cancelled_batch_leaves_the_kept_workers_to_the_next(
    fetched_sample: tuple[list[DocumentResult], RawStore],
) -> None:
    results, store = fetched_sample
    assert len(results) > 4  # more than the workers and their queue take at once
    with extraction.run_workers():
        unwanted = extraction.Extraction(results, store.root)
        futures, pool = list(unwanted.futures), kept_pool()
        unwanted.cancel()
        assert any(future.cancelled() for future in futures)  # not started: dropped
        later = in_thread(extraction.extract_all, results, store.root)
        assert kept_pool() is pool
    assert all(r.reason is None for r in later) and all(r.items for r in later)


def test_a_batch_a_broken_pool_refused_is_extracted_by_a_fresh_one(
    fetched_sample: tuple[list[DocumentResult], RawStore],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results, store = fetched_sample
    expected = items_by_uri([extraction.extract_here(r, store) for r in results])
    submit = extraction._submit
    refused: list[int] = []

    def broken_once(pool, jobs):
        if not refused:  # the pool broke before the batch was handed over
            refused.append(len(jobs))
            raise extraction.BrokenProcessPool("a worker died")
        return submit(pool, jobs)

    monkeypatch.setattr(extraction, "_submit", broken_once)
    with extraction.run_workers():
        sent = extraction.Extraction(results, store.root)
        assert not sent.futures and len(sent.unsent) == refused[0] == len(results)
        got = in_thread(sent.results)
    assert items_by_uri(got) == expected

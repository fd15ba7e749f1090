"""Extracting fetched documents: each document's bytes from the raw zone through the
pure extractors, in worker processes when there are several (PDF text and OCR are
CPU-bound; one process per core, tesseract on one thread each).

A crash no exception handler catches (a segfault in pdfium's C code, the OOM killer)
must not take every later run down with it. While a process extracts a document,
the document's hash is in the process's slot (`flows.crash_marks`); when the
process dies, the next process to look turns it into a marker named by the hash
under the raw zone's `extracting/`. A marker found at the start means a process died
reading that document (or the run was killed while it did): the document is then
extracted in a process of its own, and if that process dies too the document is
quarantined as `extractor_crashed` (settled: not tried again until the extractor
version changes, or `minutes reprocess`). A worker process dying takes only its own
documents along: the others are sent again to a fresh pool.

Within `run_workers()` (a run of the flow) the worker processes are kept from one
batch to the next: each imports the extractors and loads spaCy once per run, not once
per batch (a fresh pool costs seconds, more than a batch of HTML pages takes).

Kept free of Prefect, so that a worker process starts quickly.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import extractors
from flows import crash_marks, failpoints, stop
from flows.rawstore import ManifestRow, RawStore
from flows.results import DocumentResult
from models.records import Document

MIN_BYTES_FOR_WORKERS = 1 << 20  # below this much to extract, one process is faster
# Documents go to a worker a handful at a time (`_chunks`): each hand-over costs the
# run's main process a pickling, a wake of the pool's manager thread and a result to
# take back, once per document before.
CHUNK_DOCUMENTS = 16
CHUNK_BYTES = 256 << 10  # a bigger document goes alone
MARKERS = crash_marks.MARKERS  # under the raw zone: documents a process died reading
CHILD_GRACE_SECONDS = 120  # past the document time limit, a child alone is stopped


def extract_result(result: DocumentResult, store: RawStore) -> DocumentResult:
    """Extract the items of one fetched document; failures become quarantine reasons.
    A document a process died extracting before is extracted in a process of its own."""
    if result.row is None or result.reason is not None or result.settled:
        return result
    slot = crash_marks.slot_for(store.root)  # dead processes' slots settled first
    marker = marker_path(store, result.row.sha256)
    if marker.exists():
        return extract_isolated(result, store, marker)
    slot.hold(result.row.sha256)
    try:
        return extract_here(result, store)
    finally:
        slot.hold(None)


def marker_path(store: RawStore, sha256: str) -> Path:
    """The marker of a document a process died reading."""
    return crash_marks.marker_path(store.root, sha256)


def extract_isolated(
    result: DocumentResult, store: RawStore, marker: Path
) -> DocumentResult:
    """Extract in a child process (a process died on this document before); if the
    child dies too, the document is quarantined as `extractor_crashed` and its
    marker kept, so that a later try is isolated again. A plain subprocess, so that
    daemonic workers (a Dask worker's) may start it too."""
    assert result.row is not None
    limit = document_time_limit()
    try:
        child = subprocess.run(
            [sys.executable, "-m", "flows.extraction"],
            input=pickle.dumps((result, store.root)),
            capture_output=True,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            timeout=limit + CHILD_GRACE_SECONDS,  # the child keeps the limit itself
        )
    except subprocess.TimeoutExpired:
        detail = f"{result.row.uri}: read alone, still running after {limit:.0f} s"
        return replace(result, stage="extract", reason="too_slow", detail=detail)
    if child.returncode == 0:
        marker.unlink(missing_ok=True)
        extracted: DocumentResult = pickle.loads(child.stdout)
        return extracted
    return replace(
        result,
        stage="extract",
        reason="extractor_crashed",
        detail=(
            f"{result.row.uri}: a process reading it died before, and again read"
            f" alone ({_death(child.returncode)}); not tried again until the"
            " extractor changes (or minutes reprocess)"
        ),
    )


def _death(returncode: int) -> str:
    """How a child process ended, in words."""
    if returncode < 0:
        return f"signal {signal.Signals(-returncode).name}"
    return f"exit code {returncode}"


def _isolated_main() -> None:
    """`python -m flows.extraction`: one pickled (result, raw root) from stdin,
    extracted, the pickled result to stdout."""
    result, root = pickle.loads(sys.stdin.buffer.read())
    answer = os.dup(1)
    os.dup2(2, 1)  # what the libraries print goes to stderr, not into the answer
    outcome = extract_here(result, RawStore(root))
    with os.fdopen(answer, "wb") as out:
        out.write(pickle.dumps(outcome))


def extract_here(result: DocumentResult, store: RawStore) -> DocumentResult:
    """Extract one fetched document in this process."""
    assert result.row is not None
    failpoints.reach(failpoints.EXTRACTING, result.row.uri)
    document = stored_document(result.row, store)
    try:
        extraction = extractors.extract_document(document, document_time_limit())
    except extractors.ExtractionError as error:
        return replace(
            result, stage="extract", reason=error.reason, detail=error.detail
        )
    for item in extraction.items:
        item.shed_provenance()  # prepared here in a worker, not in the single writer
    return with_problems(replace(result, items=extraction.items), extraction.problems)


def stored_document(row: ManifestRow, store: RawStore) -> Document:
    """The fetched document of a manifest row, its bytes read from the raw zone."""
    return Document(
        uri=row.uri,
        data=store.get(row.sha256),
        media_type=row.media_type,
        municipality=row.municipality,
        source=row.source,
        language=row.language,
        meta=row.meta or {},
    )


def document_time_limit() -> float:
    """Seconds one document's extraction may take (MINUTES_DOCUMENT_SECONDS, 300)."""
    return float(os.environ.get("MINUTES_DOCUMENT_SECONDS", "300"))


def with_problems(
    result: DocumentResult, problems: list[extractors.ExtractionError]
) -> DocumentResult:
    """A document whose items loaded but parts of which were left out: quarantined
    too, with every part's reason in the detail."""
    if not problems:
        return result
    detail = "; ".join(str(problem) for problem in problems)
    return replace(result, stage="extract", reason=problems[0].reason, detail=detail)


class _KeptPool:
    """The worker pool of a run, kept between batches (see `run_workers`)."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.size = 0


_KEPT: _KeptPool | None = None


@contextmanager
def run_workers() -> Iterator[None]:
    """Keep the extraction workers from one batch to the next until the block ends
    (then they are stopped; a stop or an error ends them at once)."""
    global _KEPT
    kept = _KEPT = _KeptPool()
    try:
        yield
    finally:
        _KEPT = None
        if kept.pool is not None:
            _end_pool(kept.pool)


def _cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def workers_for(results: list[DocumentResult]) -> int:
    """How many processes to extract with: one per core, when it is worth it (the
    run's workers are running already, or there is enough work to start them)."""
    cores = _cores()
    if cores < 2 or len(results) < 2:
        return 1
    if _KEPT is not None and _KEPT.pool is not None:
        return _KEPT.size
    if sum(_size(r) for r in results) < MIN_BYTES_FOR_WORKERS:
        return 1
    return cores if _KEPT is not None else min(cores, len(results))


def _pool(workers: int) -> ProcessPoolExecutor:
    """The run's kept pool when it has this size, else a new one (kept when a run
    keeps its workers)."""
    if _KEPT is not None and _KEPT.pool is not None and _KEPT.size == workers:
        return _KEPT.pool
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_setup)
    if _KEPT is not None:
        if _KEPT.pool is not None:
            _end_pool(_KEPT.pool)
        _KEPT.pool, _KEPT.size = pool, workers
    return pool


def _let_go(pool: ProcessPoolExecutor, whole: bool) -> None:
    """After a round: a whole pool the run keeps stays; any other is ended (a
    broken one, or one a stop or an error left mid-document)."""
    if whole and _KEPT is not None and _KEPT.pool is pool:
        return
    if _KEPT is not None and _KEPT.pool is pool:
        _KEPT.pool = None
    _end_pool(pool)


def extract_all(
    results: list[DocumentResult],
    raw_dir: Path,
    advance: Callable[[], None] = lambda: None,
) -> list[DocumentResult]:
    """Every document extracted, in the given order (documents that need no
    extraction — failed to fetch, or settled — pass through as they are)."""
    return Extraction(results, raw_dir).results(advance)


class Extraction:
    """A batch handed to the extraction workers when made (biggest documents first;
    `workers` to choose their number), its results collected later (`results`): a
    run extracts its next batch while it loads this one. A worker that dies breaks
    the pool: the documents not done are sent to a fresh one (the one it died on,
    marked, is then extracted alone); a stop ends the workers. In one process (a
    small batch, one core) the work is done when collected."""

    def __init__(
        self, results: list[DocumentResult], raw_dir: Path, workers: int | None = None
    ) -> None:
        self.done = list(results)
        self.todo = to_extract(results)
        self.raw_dir = raw_dir
        self.workers = workers or workers_for([results[i] for i in self.todo])
        self.pool: ProcessPoolExecutor | None = None
        self.futures: Futures = {}
        self.unsent: list[Job] = []  # jobs a broken pool refused: sent again
        if self.workers > 1:
            self.pool = _pool(self.workers)
            jobs = self._jobs()
            try:
                self.futures = _submit(self.pool, jobs)
            except BrokenProcessPool:
                _let_go(self.pool, whole=False)
                self.unsent = jobs

    def _jobs(self) -> list[Job]:
        """(position among the documents to extract, document, raw zone), biggest
        documents first."""
        todo = [self.done[i] for i in self.todo]
        order = sorted(range(len(todo)), key=lambda k: -_size(todo[k]))
        return [(k, todo[k], self.raw_dir) for k in order]

    def results(
        self, advance: Callable[[], None] = lambda: None
    ) -> list[DocumentResult]:
        """Every document extracted, in the given order (waits for the workers)."""
        done, self.done = self.done, []
        if self.pool is None:
            store = RawStore(self.raw_dir)
            crash_marks.settle(store.root)
            for i in self.todo:
                done[i] = extract_result(done[i], store)
                advance()
            return done
        extracted: dict[int, DocumentResult] = {}
        pending = self.unsent
        if self.futures:
            pending = _collect(self.pool, self.futures, extracted, advance)
        self.futures, self.unsent = {}, []
        while pending:  # a worker died: the documents not done go to a fresh pool
            crash_marks.settle(self.raw_dir)  # the one it died on is read alone
            pending = _pool_round(pending, self.workers, extracted, advance)
        for k, i in enumerate(self.todo):
            done[i] = extracted[k]
        return done

    def cancel(self) -> None:
        """The batch is not wanted (the run stops, or its source failed): documents
        not started are dropped; a pool the run does not keep is ended."""
        for future in self.futures:
            future.cancel()
        self.futures, self.done = {}, []
        if self.pool is not None:
            _let_go(self.pool, whole=True)


def to_extract(results: list[DocumentResult]) -> list[int]:
    """Positions of the documents that need extracting (fetched, not settled)."""
    return [i for i, result in enumerate(results) if _size(result) or _empty(result)]


def size_of(result: DocumentResult) -> int:
    """Bytes to extract of one document (0: none, or nothing to extract)."""
    return _size(result)


def _empty(result: DocumentResult) -> bool:
    """A fetched empty file: extracted (to be quarantined as empty_file)."""
    return (
        result.row is not None
        and result.reason is None
        and not result.settled
        and result.row.size == 0
    )


Job = tuple[int, DocumentResult, Path]
Chunk = tuple[Job, ...]


def _pool_round(
    jobs: list[Job],
    workers: int,
    extracted: dict[int, DocumentResult],
    advance: Callable[[], None],
) -> list[Job]:
    """One pool over the jobs; the jobs left undone when a worker died."""
    pool = _pool(workers)
    try:
        futures = _submit(pool, jobs)
    except BaseException:
        _let_go(pool, whole=False)
        raise
    return _collect(pool, futures, extracted, advance)


Futures = dict[Future[list[tuple[int, DocumentResult]]], Chunk]


def _submit(pool: ProcessPoolExecutor, jobs: list[Job]) -> Futures:
    """The jobs handed to the pool's workers in chunks, by future."""
    return {pool.submit(_extract_chunk, chunk): chunk for chunk in _chunks(jobs)}


def _chunks(jobs: list[Job]) -> list[Chunk]:
    """The jobs in order, in hand-overs of at most CHUNK_DOCUMENTS documents and
    CHUNK_BYTES (but at least one document), smaller for a small batch so that
    every core gets several."""
    most = max(1, min(CHUNK_DOCUMENTS, len(jobs) // (4 * _cores())))
    chunks: list[Chunk] = []
    chunk: list[Job] = []
    size = 0
    for job in jobs:
        bytes_ = _size(job[1])
        if chunk and (len(chunk) == most or size + bytes_ > CHUNK_BYTES):
            chunks.append(tuple(chunk))
            chunk, size = [], 0
        chunk.append(job)
        size += bytes_
    if chunk:
        chunks.append(tuple(chunk))
    return chunks


def _collect(
    pool: ProcessPoolExecutor,
    futures: Futures,
    extracted: dict[int, DocumentResult],
    advance: Callable[[], None],
) -> list[Job]:
    """Wait for the pool's jobs, results into `extracted`; the jobs left undone
    when a worker died (the pool is then ended; the documents of its chunk done
    before it died are done again)."""
    broken, whole = False, False
    try:
        # woken now and then: a signal the kernel gave another thread is handled
        # by the main thread only when it wakes (flows/stop.py)
        for future in stop.as_they_finish(futures):
            try:
                done = future.result()
            except BrokenProcessPool:
                broken = True
                continue
            for index, result in done:
                extracted[index] = result
                advance()
        whole = not broken
        if not broken:
            return []
        return [
            job
            for chunk in futures.values()
            for job in chunk
            if job[0] not in extracted
        ]
    finally:
        _let_go(pool, whole)


def _end_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers now (after a stop, they may be mid-document)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(5)
    for process in processes:  # one that let SIGTERM pass (mid-start, say) is killed
        if process.is_alive():
            process.kill()
            process.join(5)


def _size(result: DocumentResult) -> int:
    """Bytes to extract (0 for a document that failed to fetch or is settled)."""
    if result.row is None or result.reason is not None or result.settled:
        return 0
    return result.row.size


def _worker_setup() -> None:
    """A worker process: tesseract on one thread (the cores are taken already);
    Ctrl-C is for the run, which ends the pool."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _extract_chunk(chunk: Chunk) -> list[tuple[int, DocumentResult]]:
    """A chunk's documents in a worker process, each with its position."""
    return [
        (index, extract_result(result, RawStore(raw_dir)))
        for index, result, raw_dir in chunk
    ]


if __name__ == "__main__":
    _isolated_main()

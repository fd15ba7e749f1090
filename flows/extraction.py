"""Extracting fetched documents: each document's bytes from the raw zone through the
pure extractors, in worker processes when there are several (PDF text and OCR are
CPU-bound; one process per core, tesseract on one thread each).

Kept free of Prefect, so that a worker process starts quickly.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import extractors
from flows.rawstore import RawStore
from flows.results import DocumentResult
from models.records import Document

MIN_BYTES_FOR_WORKERS = 1 << 20  # below this much to extract, one process is faster


def extract_result(result: DocumentResult, store: RawStore) -> DocumentResult:
    """Extract the items of one fetched document; failures become quarantine reasons."""
    if result.row is None or result.reason is not None or result.settled:
        return result
    row = result.row
    document = Document(
        uri=row.uri,
        data=store.get(row.sha256),
        media_type=row.media_type,
        municipality=row.municipality,
        source=row.source,
        language=row.language,
        meta=row.meta or {},
    )
    try:
        extraction = extractors.extract_document(document, document_time_limit())
    except extractors.ExtractionError as error:
        return replace(
            result, stage="extract", reason=error.reason, detail=error.detail
        )
    return with_problems(replace(result, items=extraction.items), extraction.problems)


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


def workers_for(results: list[DocumentResult]) -> int:
    """How many processes to extract with: one per core, when it is worth it."""
    work = sum(_size(r) for r in results)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if work < MIN_BYTES_FOR_WORKERS or cores < 2:
        return 1
    return min(cores, len(results))


def extract_all(
    results: list[DocumentResult],
    raw_dir: Path,
    advance: Callable[[], None] = lambda: None,
) -> list[DocumentResult]:
    """Every document extracted, in the given order (documents that need no
    extraction — failed to fetch, or settled — pass through as they are)."""
    todo = [i for i, result in enumerate(results) if _size(result) or _empty(result)]
    done = list(results)
    workers = workers_for([results[i] for i in todo])
    if workers == 1:
        store = RawStore(raw_dir)
        for i in todo:
            done[i] = extract_result(results[i], store)
            advance()
    else:
        for i, result in zip(
            todo,
            _in_workers([results[i] for i in todo], raw_dir, workers, advance),
            strict=True,
        ):
            done[i] = result
    return done


def _empty(result: DocumentResult) -> bool:
    """A fetched empty file: extracted (to be quarantined as empty_file)."""
    return (
        result.row is not None
        and result.reason is None
        and not result.settled
        and result.row.size == 0
    )


def _in_workers(
    results: list[DocumentResult],
    raw_dir: Path,
    workers: int,
    advance: Callable[[], None],
) -> list[DocumentResult]:
    """Extract in a process pool, biggest documents first; a stop terminates it."""
    order = sorted(range(len(results)), key=lambda i: -_size(results[i]))
    jobs = [(i, results[i], raw_dir) for i in order]
    extracted: dict[int, DocumentResult] = {}
    context = multiprocessing.get_context("spawn")
    pool = context.Pool(workers, initializer=_worker_setup)
    try:
        for index, result in pool.imap_unordered(_extract_job, jobs):
            extracted[index] = result
            advance()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
    return [extracted[i] for i in range(len(results))]


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


def _extract_job(
    job: tuple[int, DocumentResult, Path],
) -> tuple[int, DocumentResult]:
    """One document in a worker process."""
    index, result, raw_dir = job
    return index, extract_result(result, RawStore(raw_dir))

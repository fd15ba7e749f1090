"""Extraction through Prefect's task runner on a Dask cluster (`--task-runner dask`).

The flow runs with prefect_dask.DaskTaskRunner: a local cluster (one single-threaded
worker process per core) or an existing cluster at `--dask-address`. Extraction is
submitted as Prefect tasks, one per batch of documents, and the results come back
to the flow, where the load stays the one DuckDB writer. Workers read the bytes from
the raw zone at the same path as the flow (a shared filesystem on several machines);
each worker process loads the spaCy model once (extractors.nlp caches it).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from prefect import task
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.futures import as_completed

from flows import crash_marks
from flows.extraction import extract_result, size_of, to_extract
from flows.rawstore import RawStore
from flows.results import DocumentResult
from flows.settings import Parallelism

BATCH_DOCUMENTS = 8  # documents per task (MINUTES_DASK_BATCH)

F = TypeVar("F")


class RawZoneMissing(RuntimeError):
    """A Dask worker does not see the raw zone at the flow's path."""


def task_runner(parallel: Parallelism) -> Any:
    """The DaskTaskRunner for these settings: the cluster at the address, else a
    local cluster of single-threaded worker processes, one per core."""
    # distributed logs INFO to the console (its workers too, which inherit this)
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    from prefect_dask import DaskTaskRunner

    if parallel.dask_address:
        return DaskTaskRunner(address=parallel.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": parallel.workers or cores(),
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",  # never a fixed port
        }
    )


def with_runner(flow: F, parallel: Parallelism) -> F:
    """The flow as it runs with these settings (unchanged for `processes`)."""
    if parallel.task_runner != "dask":
        return flow
    return flow.with_options(task_runner=task_runner(parallel))  # type: ignore[attr-defined]


def cores() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def on_dask() -> bool:
    """True inside a flow run whose task runner is a DaskTaskRunner."""
    context = FlowRunContext.get()
    runner = getattr(context, "task_runner", None)
    return type(runner).__name__ == "DaskTaskRunner"


def batch_size() -> int:
    """Documents per extraction task (MINUTES_DASK_BATCH, 8)."""
    return max(1, int(os.environ.get("MINUTES_DASK_BATCH", BATCH_DOCUMENTS)))


def batches(results: list[DocumentResult], size: int) -> list[list[int]]:
    """Positions of the documents to extract, biggest first, in groups of `size`."""
    todo = sorted(to_extract(results), key=lambda i: -size_of(results[i]))
    return [todo[start : start + size] for start in range(0, len(todo), size)]


@task(name="extract-batch", cache_policy=NONE)
def extract_batch(results: list[DocumentResult], raw_dir: Path) -> list[DocumentResult]:
    """Extract a batch of documents in a Dask worker (tesseract on one thread)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if not raw_dir.is_dir():
        raise RawZoneMissing(
            f"raw zone {raw_dir} is not on Dask worker {socket.gethostname()}:"
            " workers need it at the same path (a shared filesystem)"
        )
    store = RawStore(raw_dir)
    crash_marks.settle(raw_dir)  # a worker that died on a document of this batch
    return [extract_result(result, store) for result in results]


def extract_in_tasks(
    results: list[DocumentResult],
    raw_dir: Path,
    advance: Callable[[], None] = lambda: None,
) -> list[DocumentResult]:
    """Every document extracted by `extract_batch` tasks on the flow's task runner,
    in the given order (documents that need no extraction pass through)."""
    done = list(results)
    futures = {}
    for positions in batches(results, batch_size()):
        batch = [results[i] for i in positions]
        futures[extract_batch.submit(batch, raw_dir)] = positions
    # A stop leaves the rest to the runner: its client closes with the flow, and
    # the scheduler forgets tasks no client waits for.
    for future in as_completed(list(futures)):
        for i, result in zip(futures[future], future.result(), strict=True):
            done[i] = result
            advance()
    return done

"""The main flow: fetch → raw zone → extract → load, and the reprocess flow.

Flows stay thin: Prefect tasks sit at the I/O boundaries; the logic lives in
flows.fetch, extractors and flows.load, which are plain functions. Every warehouse
write happens in the flow's own thread, on the run's working copy (flows/writer.py);
fetches run in daemon threads, four at a time and never two on one host, so a stopped
run never waits for a request on the wire.
"""

# No `from __future__ import annotations` in this module: Prefect validates a served
# run's parameters with a pydantic model built from the flow's annotations, and a
# deployment loads this file outside sys.modules, where string annotations cannot be
# resolved ("Minutes_RunModel is not fully defined; you should define Path").

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NONE
from prefect.exceptions import TerminationSignal
from prefect.states import Failed, State
from prefect.utilities.annotations import quote

import extractors
from flows import failpoints, progress, runners, stop, warehouse
from flows.extraction import Extraction, run_workers
from flows.fetch import check_source, fetch_source
from flows.fetchpool import FetchPool
from flows.load import (
    DocumentResult,
    RunCounts,
    RunInfo,
    advance_held,
    finish_run,
    load_results,
    record_part,
    record_source,
    settle,
    start_run,
)
from flows.progress import progress as progress_bar
from flows.rawstore import ManifestRow, RawStore
from flows.results import (
    EXIT_CODES,
    SUCCESS,
    RunStatus,
    SourceError,
    SourceFailed,
    SourceStatus,
    TaskDocuments,
    error_from,
    run_status,
    status_from,
)
from flows.settings import Settings
from flows.sources import Source, load_sources, select
from flows.stream import Channel, Chunk, Emitter, End
from flows.writer import Writer, new_holder

T = TypeVar("T")

STOP_SIGNALS = (KeyboardInterrupt, TerminationSignal)
# documents read before (settled) counted together in one load, at most
SETTLED_BATCH = 20_000
FIRST_BATCH = 20  # documents of a part's first batches, before its items are known
LOOKBACK = timedelta(days=60)  # agendas turn into minutes, minutes get corrected
BACKFILL_WINDOW = timedelta(days=365)


@dataclass
class SourceOutcome:
    """How one source ended in a run, with what it loaded."""

    name: str
    status: SourceStatus = SourceStatus.SUCCEEDED
    counts: RunCounts = field(default_factory=RunCounts)
    error: SourceError | None = None

    def line(self) -> str:
        """One line for progress and logs."""
        c = self.counts
        done = (
            f"{c.documents_new + c.documents_unchanged} documents,"
            f" {c.items_inserted} items new, {c.items_updated} updated,"
            f" {c.items_unchanged} unchanged, {c.quarantined} quarantined"
        )
        if self.error is None:
            return f"{self.name}: {self.status} — {done}"
        return f"{self.name}: {self.status} — {self.error}"


@dataclass
class RunSummary:
    """What `minutes run` prints (and the Prefect UI shows as an artifact)."""

    run_id: str
    sources: list[str]
    counts: RunCounts
    warehouse: Path
    status: str = RunStatus.COMPLETED
    outcomes: list[SourceOutcome] = field(default_factory=list)
    abandoned: int = 0  # earlier runs found `running` and marked abandoned

    @property
    def failures(self) -> dict[str, str]:
        """source -> why it did not succeed."""
        return {
            o.name: str(o.error or o.status)
            for o in self.outcomes
            if o.status not in SUCCESS
        }

    @property
    def exit_code(self) -> int:
        """0 completed, 3 partial, 1 failed."""
        return EXIT_CODES.get(RunStatus(self.status), 1)


class AllSourcesFailed(RuntimeError):
    """Every source of a run failed: the flow run ends Failed."""

    def __init__(self, summary: RunSummary) -> None:
        self.summary = summary
        super().__init__(f"every source failed: {summary.failures}")


def window_start(since: date | None, watermark: date | None) -> date | None:
    """Where a crawl starts: --since when given (backfill), else the watermark minus a
    look-back, else the beginning (first run)."""
    if since is not None:
        return since
    return watermark - LOOKBACK if watermark else None


def backfill_windows(since: date, until: date) -> list[tuple[date, date]]:
    """[since, until] in BACKFILL_WINDOW pieces, oldest first."""
    windows = []
    while since <= until:
        end = min(until, since + BACKFILL_WINDOW - timedelta(days=1))
        windows.append((since, end))
        since = end + timedelta(days=1)
    return windows


def host_of(source: Source) -> str:
    """The host a source is crawled from (a folder's name for folders)."""
    return urlsplit(source.base_url).netloc or f"folder:{source.name}"


def fetch_queue(source: Source) -> str:
    """Which fetches take turns: a web source's with the others of its host; every
    folder source's with each other (reading local files is work for this
    machine's cores, and threads reading at once only contend for Python's lock)."""
    return "folders" if source.platform == "folder" else host_of(source)


def retry_unless_source_failed(task: Any, task_run: Any, state: Any) -> bool:
    """A fetch is retried when the crawler broke, not when the source answered
    with nothing (the HTTP client has retried each request already)."""
    error = state.result(raise_on_failure=False)
    return not isinstance(error, SourceFailed | stop.Stopped)


@task(
    name="fetch-source",
    cache_policy=NONE,
    retries=1,
    retry_delay_seconds=5,
    retry_condition_fn=retry_unless_source_failed,
)
def fetch_task(
    source: Source,
    raw_dir: Path,
    since: date | None,
    until: date | None,
    emitter: Emitter,
) -> int:
    """Fetch one source (or one backfill window of it) into the raw zone, each
    document handed on to the writer through `emitter` as it is fetched; how many
    documents were fetched."""
    emitter.begin_try()
    fetch_source(source, RawStore(raw_dir), since, until, emit=emitter)
    failpoints.reach("after_fetch")
    emitter.flush()
    get_run_logger().info(
        "%s: %d documents fetched (%d new), %d could not be fetched",
        source.name,
        emitter.fetched,
        emitter.new,
        emitter.failed,
    )
    return emitter.fetched


@task(name="extract-documents", cache_policy=NONE)
def extract_task(extraction: Extraction, documents: int) -> TaskDocuments:
    """Extract every fetched document (pure extractors over the raw bytes): the
    results of the batch handed to the workers (waited for)."""
    with progress_bar(documents, "extracting documents") as advance:
        return TaskDocuments(extraction.results(advance))


def extract_soon(results: list[DocumentResult], raw_dir: Path) -> Extraction | None:
    """The batch handed to this machine's worker processes now, to be collected by
    `extract` (None on a DaskTaskRunner: its batches are sent when collected)."""
    return None if runners.on_dask() else Extraction(results, raw_dir)


def extract(
    results: list[DocumentResult], raw_dir: Path, sent: Extraction | None = None
) -> list[DocumentResult]:
    """Extract in this machine's worker processes (the extract-documents task; `sent`:
    the batch handed to them already), or, when the flow runs on a DaskTaskRunner, as
    extract-batch tasks on its cluster; either way the results come back here, to
    the one writer."""
    if runners.on_dask():
        with progress_bar(len(results), "extracting documents") as advance:
            return runners.extract_in_tasks(results, raw_dir, advance)
    extraction = sent or Extraction(results, raw_dir)
    # quoted: Prefect would visit every result and item looking for futures (12 s of
    # a 16 s no-op flow at 10k documents, under cProfile)
    return extract_task(quote(extraction), len(results)).documents


@task(name="load-warehouse", cache_policy=NONE)
def load_task(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    results: list[DocumentResult],
    part: str = "all",
    window: tuple[str, date, date] | None = None,
    source: str | None = None,
    held: dict[tuple[str, str], str] | None = None,
) -> RunCounts:
    """Upsert one batch of a part of a run in one transaction (with its backfill
    window when it is the last)."""
    counts = warehouse.beyond_the_limit_if_needed(
        con,
        partial(load_results, con, run, results, part, window, source, held),
        f"loading a batch of {part}",
    )
    warehouse.checkpoint_if_due(con)
    return counts


def new_run(kind: str, sources: list[str]) -> RunInfo:
    """Bookkeeping for a run starting now."""
    return RunInfo(
        run_id=str(uuid.uuid4()),
        kind=kind,
        started_at=datetime.now(UTC),
        sources=sources,
        extractor_version=extractors.EXTRACTOR_VERSION,
    )


def load_batch_size() -> int:
    """Documents extracted and loaded together at most (MINUTES_LOAD_BATCH, 500):
    one batch's items are in memory at a time, each batch its own transaction."""
    return max(1, int(os.environ.get("MINUTES_LOAD_BATCH", "500")))


def load_batch_items() -> int:
    """Items a batch is made to hold about (MINUTES_LOAD_ITEMS, 1,000), from the
    items a part's documents held so far: 500 PDFs of whole meetings hold tens of
    thousands of items, 500 item pages 500."""
    return max(1, int(os.environ.get("MINUTES_LOAD_ITEMS", "1000")))


def in_batches(
    results: list[DocumentResult], size: Callable[[], int]
) -> Iterator[list[DocumentResult]]:
    """The results in consecutive batches, each of at most `size()` (asked as the
    batch is made)."""
    start = 0
    while start < len(results):
        end = start + max(1, size())
        yield results[start:end]
        start = end


def with_last(items: Iterable[T], empty: T) -> Iterator[tuple[bool, T]]:
    """Each item with whether it is the last (one item ahead is read to know);
    `empty` alone, as the last, when there are none."""
    iterator = iter(items)
    current = next(iterator, empty)
    for following in iterator:
        yield False, current
        current = following
    yield True, current


def retry_delay() -> float:
    """Seconds between a failed fetch task and its retry (MINUTES_TASK_RETRY_DELAY)."""
    return float(os.environ.get("MINUTES_TASK_RETRY_DELAY", "5"))


@dataclass(frozen=True)
class Job:
    """One fetch of a run: a source from a start date, or one backfill window."""

    source: Source
    start: date | None
    end: date | None
    window: tuple[str, date, date] | None = None  # (job, start, end) of a backfill

    def run_name(self) -> str:
        """The name of this job's fetch task run in Prefect's UI: its source, and
        its dates when it has any. A name, not tags: Prefect asks its server for
        concurrency slots at the start of every tagged task, and a SQLite server
        answers that request 503 whenever it meets another write — 2 s of client
        retry for most fetch tasks after the first (bench/NOTES.md)."""
        if self.start is None and self.end is None:
            return f"fetch-source {self.source.name}"
        return f"fetch-source {self.source.name} {self.start or ''}..{self.end or ''}"


@contextlib.contextmanager
def let_go(results: list[DocumentResult]) -> Iterator[list[DocumentResult]]:
    """A task's documents, emptied when done with: Prefect keeps the return value
    and parameters of a task reachable from the context of whichever task started
    its background services (asyncio timers copy the context), so a list handed to
    or returned by a task is emptied in place, or its documents and items would
    stay in memory for the rest of the run."""
    try:
        yield results
    finally:
        results.clear()


@dataclass
class Part:
    """One part of a run as it is loaded: a source, or one backfill window of it;
    its counts, the watermarks its batches hold back for its end, and the documents
    read before (settled) waiting to be counted."""

    name: str
    counts: RunCounts
    source: str | None = None
    window: tuple[str, date, date] | None = None
    held: dict[tuple[str, str], str] = field(default_factory=dict)
    settled: list[DocumentResult] = field(default_factory=list)
    failed: bool = False
    origin: Source | None = None  # the source it comes from, in a run
    read_documents: int = 0  # extracted and handed to a load so far
    read_items: int = 0  # the items they held

    def read(self, results: list[DocumentResult]) -> None:
        """A batch of extracted documents is loaded: what they held, counted."""
        extracted = [result for result in results if not result.settled]
        self.read_documents += len(extracted)
        self.read_items += sum(len(result.items) for result in extracted)

    def batch_size(self) -> int:
        """Documents for the next batch: as many as hold about MINUTES_LOAD_ITEMS
        items at the rate of this part's documents so far, at most
        MINUTES_LOAD_BATCH; FIRST_BATCH while none is known (the batches are
        extracted one ahead of their load: the first two or three are made
        unknowing)."""
        most = load_batch_size()
        if self.read_documents == 0:
            return min(most, FIRST_BATCH)
        if self.read_items == 0:
            return most
        fits = load_batch_items() * self.read_documents // self.read_items
        return max(1, min(most, fits))


@dataclass
class Flight:
    """A batch handed to the workers, not yet loaded."""

    documents: list[DocumentResult]
    sent: Extraction | None
    part: Part
    last: bool


class Pipeline:
    """Batches extracted one ahead of their load: the workers extract the next
    batch while this one loads, each load its own transaction. When a batch raises,
    `failing` is its part."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, run: RunInfo, raw_dir: Path
    ) -> None:
        self.con, self.run, self.raw_dir = con, run, raw_dir
        self.flight: Flight | None = None
        self.failing: Part | None = None

    def send(
        self, documents: list[DocumentResult], part: Part, last: bool = False
    ) -> None:
        """Hand a batch to the workers, then load the batch sent before it (its
        extraction collected first: the two do not share the workers). A `last`
        batch completes its part's window and advances its own watermarks."""
        self.failing = None
        previous, self.flight = self.flight, None
        results = self._collect(previous) if previous else None
        sent = extract_soon(documents, self.raw_dir)
        self.flight = Flight(documents, sent, part, last)
        if previous is not None and results is not None:
            self._load(previous, results)

    def drain(self) -> None:
        """Load the batch in flight, if any."""
        self.failing = None
        flight, self.flight = self.flight, None
        if flight is not None:
            self._load(flight, self._collect(flight))

    def holds(self, part: Part) -> bool:
        """Whether the batch in flight is `part`'s."""
        return self.flight is not None and self.flight.part is part

    def cancel(self, part: Part | None = None) -> None:
        """Drop the batch in flight (only when it is `part`'s, given one)."""
        if self.flight is None or (part is not None and self.flight.part is not part):
            return
        if self.flight.sent is not None:
            self.flight.sent.cancel()
        self.flight = None

    def _collect(self, flight: Flight) -> list[DocumentResult]:
        """A batch's extracted documents (waited for)."""
        try:
            with let_go(flight.documents) as documents:
                return extract(documents, self.raw_dir, flight.sent)
        except BaseException:
            self.failing = flight.part
            raise

    def _load(self, flight: Flight, results: list[DocumentResult]) -> None:
        """A batch's documents and items into the warehouse; its counts added."""
        part = flight.part
        part.read(results)
        try:
            with let_go(results):
                loaded = load_task(
                    self.con,
                    self.run,
                    quote(results),
                    part.name,
                    part.window if flight.last else None,
                    part.source,
                    None if flight.last else part.held,
                )
        except BaseException:
            self.failing = part
            raise
        part.counts.add(loaded)


def extract_and_load(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    batches: Iterable[list[DocumentResult]],
    raw_dir: Path,
    counts: RunCounts,
    part: str,
    window: tuple[str, date, date] | None = None,
    source: str | None = None,
) -> None:
    """Extract and load batch by batch, each its own transaction, one batch's items
    in memory (and the next batch's in the making: the workers extract it while
    this one loads; `batches` may be made as they are asked for); each batch's
    counts added to `counts` as it is loaded; watermarks (and the backfill window)
    wait for the last batch. No batch at all loads one empty batch (the part's
    counts are recorded)."""
    target = Part(part, counts, source, window)
    pipeline = Pipeline(con, run, raw_dir)
    pieces = (
        piece for batch in batches for piece in in_batches(batch, target.batch_size)
    )
    try:
        for last, batch in with_last(pieces, empty=[]):
            pipeline.send(batch, target, last=last)
        pipeline.drain()
    except BaseException:
        pipeline.cancel()
        raise
    advance_held(con, run, target.held)


class Collector:
    """One run's sources: checked, fetched in parallel, extracted and loaded one at a
    time in the flow's thread, each source's outcome kept."""

    def __init__(
        self,
        settings: Settings,
        run: RunInfo,
        writer: Writer,
        since: date | None,
        until: date | None,
    ) -> None:
        self.settings, self.run, self.writer = settings, run, writer
        self.since, self.until = since, until
        self.outcomes: dict[str, SourceOutcome] = {}
        self.pending: dict[str, int] = {}  # jobs not yet done, per source

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The run's connection to its working copy."""
        return self.writer.connection

    def collect(self, sources: list[Source]) -> list[SourceOutcome]:
        """Every source's outcome, in the order of sources.toml."""
        jobs = []
        for source in sources:
            self.outcomes[source.name] = SourceOutcome(source.name)
            problem = check_source(source)
            if problem is not None:
                self._fail(source, SourceStatus.REFUSED, problem)
                self._done(source)
                continue
            planned = self.plan(source)
            self.pending[source.name] = len(planned)
            jobs.extend(planned)
            if not planned:
                self._done(source)
        self._stream(jobs)
        return [self.outcomes[s.name] for s in sources]

    def plan(self, source: Source) -> list[Job]:
        """The fetches of a source: from its watermark (nightly), or the backfill
        windows an interrupted backfill has not loaded yet."""
        if self.since is None or source.platform == "folder":
            watermark = warehouse.watermark_in(self.con, source.name)
            return [Job(source, window_start(self.since, watermark), None)]
        name = f"{source.name}:{self.since}:{self.until or 'today'}"
        done = warehouse.completed_windows(self.con, name)
        return [
            Job(source, start, end, (name, start, end))
            for start, end in backfill_windows(self.since, self.until or date.today())
            if start not in done
        ]

    def _stream(self, jobs: list[Job]) -> None:
        """Fetch the jobs in fetch threads (FetchPool) and extract and load what they
        hand over as it comes, from whichever job, through one bounded channel: a
        fetch runs at most CHANNEL_CHUNKS chunks ahead of the writer."""
        channel = Channel()
        parts = [self._part(job) for job in jobs]
        pipeline = Pipeline(self.con, self.run, self.settings.raw_dir)
        pool = FetchPool()
        for number, job in enumerate(jobs):
            pool.submit(fetch_queue(job.source), self._fetch_into, number, job, channel)
        try:
            left = len(jobs)
            while left:
                message = channel.poll()
                if message is None:  # nothing waiting: load the batch in flight
                    self._guarded(pipeline, None, pipeline.drain)
                    self.writer.publish_if_due()  # readers see it while fetches go on
                    message = channel.take()
                    if message is None:
                        continue
                job, part = jobs[message.job], parts[message.job]
                if isinstance(message, Chunk):
                    self._take(pipeline, job, part, message.documents)
                else:
                    left -= 1
                    self._end(pipeline, job, part, message.error)
                self.writer.publish_if_due()
        except BaseException:
            pipeline.cancel()
            raise
        finally:
            channel.close()

    def _part(self, job: Job) -> Part:
        """How a job's batches are loaded: a source, or a backfill window of it."""
        source = job.source
        name = source.name
        if job.window is not None:
            name = f"{source.name} {job.window[1]}..{job.window[2]}"
        counts = self.outcomes[source.name].counts
        return Part(name, counts, source.name, job.window, origin=source)

    def _fetch_into(self, number: int, job: Job, channel: Channel) -> None:
        """One job's fetch (in a fetch thread): its documents handed over through
        `channel` as they come, then its end, or what broke it (and what it fetched
        before) — whatever broke, even outside the fetch task."""
        emitter = Emitter(number, channel)
        try:
            self._fetch(job, emitter)
        except stop.Stopped:
            return
        except Exception as error:  # noqa: BLE001 - the writer records it
            emitter.flush()
            channel.put(End(number, error))
            return
        channel.put(End(number))

    def _fetch(self, job: Job, emitter: Emitter) -> None:
        """The fetch task of one job."""
        fetch = fetch_task.with_options(
            task_run_name=job.run_name, retry_delay_seconds=retry_delay()
        )
        fetch(job.source, self.settings.raw_dir, job.start, job.end, quote(emitter))

    def _take(
        self, pipeline: Pipeline, job: Job, part: Part, documents: list[DocumentResult]
    ) -> None:
        """A chunk of a job's documents: those read before (same bytes, same
        extractor) wait to be counted together (a no-op run is one load per source,
        or per SETTLED_BATCH of them); the others are extracted and loaded in
        batches of MINUTES_LOAD_BATCH."""
        if part.failed:
            documents.clear()
            return
        with let_go(documents):
            fetched = self._guarded(
                pipeline, part, settle, self.con, documents, self.run.extractor_version
            )
        if fetched is None:
            return
        part.settled.extend(result for result in fetched if result.settled)
        unread = [result for result in fetched if not result.settled]
        del fetched
        if len(part.settled) >= SETTLED_BATCH:
            settled, part.settled = part.settled, []
            self._send(pipeline, settled, part)
        for batch in in_batches(unread, part.batch_size):
            if part.failed:
                return
            self._send(pipeline, batch, part)

    def _send(
        self,
        pipeline: Pipeline,
        batch: list[DocumentResult],
        part: Part,
        last: bool = False,
    ) -> None:
        """A batch into the pipeline; another part's batch in flight is loaded first
        on its own, so that its failure fails its part, not this one."""
        if pipeline.flight is not None and not pipeline.holds(part):
            self._guarded(pipeline, None, pipeline.drain)
        self._guarded(pipeline, part, pipeline.send, batch, part, last)

    def _end(
        self, pipeline: Pipeline, job: Job, part: Part, error: BaseException | None
    ) -> None:
        """A job's fetch is over: its last batch loaded (with the documents read
        before, its backfill window and its watermarks), or, when the fetch failed,
        what it handed over loaded and the source recorded failed."""
        source = job.source
        if not part.failed:
            if pipeline.holds(part):
                self._guarded(pipeline, part, pipeline.drain)
            if error is None and not part.failed:
                settled, part.settled = part.settled, []
                self._send(pipeline, settled, part, last=True)
            if error is None and not part.failed:
                self._guarded(pipeline, part, self._last, pipeline, part)
            elif error is not None:
                self._fail(
                    source, status_from(error), error_from(error, source.base_url)
                )
        part.settled.clear()
        self.pending[source.name] -= 1
        if self.pending[source.name] == 0:
            self._done(source)

    def _last(self, pipeline: Pipeline, part: Part) -> None:
        """A part's last batch (its documents read before, maybe none: its window
        completed) loaded, then the watermarks its batches held back advanced."""
        pipeline.drain()
        advance_held(self.con, self.run, part.held)

    def _guarded(
        self, pipeline: Pipeline, part: Part | None, step: Any, *args: Any
    ) -> Any:
        """Run one step of the writer; a step that raises fails the part whose batch
        raised (or `part`), not the run: its source is recorded failed, its batch
        in flight dropped, its further documents let go. None when it raised."""
        pipeline.failing = None
        try:
            return step(*args)
        except Exception as error:  # noqa: BLE001 - isolate sources from each other
            failing = pipeline.failing or part
            if failing is None:
                raise
            self._fail_part(pipeline, failing, error)
            return None

    def _fail_part(self, pipeline: Pipeline, part: Part, error: Exception) -> None:
        """A part whose extraction or load failed: no more of it is loaded."""
        part.failed = True
        pipeline.cancel(part)
        part.settled.clear()
        if part.origin is not None:
            source = part.origin
            self._fail(source, status_from(error), error_from(error, source.base_url))

    def _fail(self, source: Source, status: SourceStatus, error: SourceError) -> None:
        """Record a source that failed or was refused (its own transaction)."""
        outcome = self.outcomes[source.name]
        if outcome.error is None:
            outcome.status, outcome.error = status, error
        get_run_logger().warning("%s: %s — %s", source.name, status, error)
        with warehouse.transaction(self.con):
            record_part(
                self.con, self.run, source.name, RunCounts(), per_source(status, error)
            )
            record_source(self.con, self.run, source.name, status, error=error)

    def _done(self, source: Source) -> None:
        """A source has no job left: clear a finished backfill, report it."""
        outcome = self.outcomes[source.name]
        if self.since is not None and outcome.status in SUCCESS:
            name = f"{source.name}:{self.since}:{self.until or 'today'}"
            warehouse.clear_windows(self.con, name)
        if outcome.status in SUCCESS:
            get_run_logger().info("%s", outcome.line())
        progress.source_done(outcome.line())

    def so_far(self) -> list[SourceOutcome]:
        """The outcomes collected until now."""
        return list(self.outcomes.values())

    def cancel(self) -> None:
        """The run was stopped: sources not done are recorded cancelled."""
        rollback_quietly(self.con)
        for name, outcome in self.outcomes.items():
            if self.pending.get(name, 0) > 0 and outcome.status in SUCCESS:
                outcome.status = SourceStatus.CANCELLED
                with warehouse.transaction(self.con):
                    record_source(self.con, self.run, name, outcome.status)


def per_source(status: SourceStatus, error: SourceError) -> dict[str, str]:
    """What runs.per_source keeps of a source that did not succeed: its status
    (failed, blocked, refused), the URL, the exception's class and the message."""
    return {
        "status": str(status),
        "error": str(error),
        "url": error.url,
        "exception": error.kind,
        "message": error.message,
    }


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back a transaction a stop left open (none open: nothing to do)."""
    with contextlib.suppress(duckdb.Error):
        con.rollback()


@flow(name="minutes-run")
def minutes_run(
    sources_file: Path,
    source_names: list[str] | None = None,
    since: date | None = None,
    raw_dir: Path | None = None,
    warehouse_path: Path | None = None,
    until: date | None = None,
) -> RunSummary | State:
    """Fetch the selected sources, keep the bytes, extract the items, load them; one
    source failing never stops the others (the run fails only if all of them fail:
    then the flow returns a Failed state whose data is AllSourcesFailed).
    SIGINT/SIGTERM stop it: the run is recorded cancelled, committed parts stay."""
    settings = Settings.resolve(warehouse_path, raw_dir)
    sources = select(load_sources(sources_file), source_names or [])
    run = new_run("run", [s.name for s in sources])
    summary = RunSummary(run.run_id, run.sources, RunCounts(), settings.warehouse)
    stop.STOP.clear()
    holder = new_holder(run.run_id, "minutes run")
    with Writer(settings.warehouse, holder) as writer:
        summary.abandoned = start_run(writer.connection, run)
        collector = Collector(settings, run, writer, since, until)
        try:
            with run_workers():
                outcomes = collector.collect(sources)
        except STOP_SIGNALS:
            stop.STOP.set()
            collector.cancel()
            finish(writer, run, summary, collector.so_far(), RunStatus.CANCELLED)
            stop.STOPPED.append(summary)
            raise
        except Exception:  # a bug or a lost Prefect API: say so in the run's row
            stop.STOP.set()
            rollback_quietly(writer.connection)
            finish(writer, run, summary, collector.so_far(), RunStatus.FAILED)
            raise
        finish(writer, run, summary, outcomes)
    publish_summary(summary)
    if summary.status == RunStatus.FAILED:  # a Failed run, without a traceback
        error = AllSourcesFailed(summary)
        return Failed(message=str(error), data=error)
    return summary


def reprocess_in_batches(
    con: duckdb.DuckDBPyConnection,
    run: RunInfo,
    store: RawStore,
    settings: Settings,
    summary: RunSummary,
) -> int:
    """Extract and load the raw zone's documents a batch at a time (one batch's
    items in memory, each batch its own transaction), as a run does: the batches
    read from the raw zone's index as they are needed. Returns the documents."""
    read = [0]

    def batches() -> Iterator[list[DocumentResult]]:
        for rows in store.latest().pages(load_batch_size()):
            read[0] += len(rows)
            yield [stored_document(store, row) for row in rows]

    extract_and_load(con, run, batches(), settings.raw_dir, summary.counts, "reprocess")
    return read[0]


def stored_document(store: RawStore, row: ManifestRow) -> DocumentResult:
    """A document of the raw zone, as a fetch that found it unchanged hands it on."""
    return DocumentResult(
        row=row,
        uri=row.uri,
        is_new=False,
        raw_path=store.relative_path(row.sha256),
        source=row.source,
    )


def finish(
    writer: Writer,
    run: RunInfo,
    summary: RunSummary,
    outcomes: list[SourceOutcome],
    status: RunStatus | None = None,
) -> None:
    """Sum the sources' counts, derive the run's status (unless the run ended
    otherwise) and close its row."""
    summary.outcomes = outcomes
    for outcome in outcomes:
        summary.counts.add(outcome.counts)
    summary.status = status or run_status(o.status for o in outcomes)
    finish_run(writer.connection, run, summary.status)


def publish_summary(summary: RunSummary) -> None:
    """The run's per-source table as a Prefect artifact, and its outcome logged."""
    rows = [
        {
            "source": o.name,
            "status": str(o.status),
            "documents": o.counts.documents_new + o.counts.documents_unchanged,
            "new documents": o.counts.documents_new,
            "items inserted": o.counts.items_inserted,
            "items updated": o.counts.items_updated,
            "items unchanged": o.counts.items_unchanged,
            "quarantined": o.counts.quarantined,
            "error": str(o.error) if o.error else "",
        }
        for o in summary.outcomes
    ]
    create_table_artifact(
        table=rows,
        key="minutes-run-summary",
        description=f"minutes run {summary.run_id}: {summary.status},"
        f" warehouse {summary.warehouse}",
    )
    logger = get_run_logger()
    level = 20 if summary.status == RunStatus.COMPLETED else 30  # INFO / WARNING
    logger.log(
        level,
        "run %s %s: %d items inserted, %d updated, %d unchanged, %d quarantined",
        summary.run_id,
        summary.status,
        summary.counts.items_inserted,
        summary.counts.items_updated,
        summary.counts.items_unchanged,
        summary.counts.quarantined,
    )


@flow(name="minutes-reprocess")
def minutes_reprocess(
    raw_dir: Path | None = None, warehouse_path: Path | None = None
) -> RunSummary:
    """Re-extract the raw zone with the current extractors and reload; no network.
    Changed items keep their previous version in item_versions."""
    settings = Settings.resolve(warehouse_path, raw_dir)
    store = RawStore(settings.raw_dir)
    run = new_run("reprocess", store.latest().sources())
    started = time.monotonic()
    summary = RunSummary(run.run_id, run.sources, RunCounts(), settings.warehouse)
    with Writer(settings.warehouse, new_holder(run.run_id, "minutes reprocess")) as w:
        start_run(w.connection, run)
        try:
            with run_workers():
                documents = reprocess_in_batches(
                    w.connection, run, store, settings, summary
                )
        except STOP_SIGNALS:  # the batch in flight rolled back; earlier ones stay
            finish_run(w.connection, run, RunStatus.CANCELLED)
            summary.status = RunStatus.CANCELLED
            stop.STOPPED.append(summary)
            raise
        finish_run(w.connection, run, RunStatus.COMPLETED)
    get_run_logger().info(
        "reprocessed %d documents in %.1f s", documents, time.monotonic() - started
    )
    return summary

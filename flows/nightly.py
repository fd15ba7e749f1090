"""The main flow: fetch → raw zone → extract → load, and the reprocess flow.

Flows stay thin: Prefect tasks sit at the I/O boundaries; the logic lives in
flows.fetch, extractors and flows.load, which are plain functions.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.concurrency.sync import concurrency
from prefect.task_runners import ThreadPoolTaskRunner

import extractors
from flows import warehouse
from flows.fetch import fetch_source
from flows.load import (
    DocumentResult,
    RunCounts,
    RunInfo,
    finish_run,
    load_results,
    record_part,
)
from flows.progress import progress
from flows.rawstore import ManifestRow, RawStore
from flows.reach import BLOCKED_LABEL, SourceUnavailable, should_retry
from flows.settings import Settings
from flows.sources import Source, load_sources, select
from models.records import Document


@dataclass
class RunSummary:
    """What `minutes run` prints."""

    run_id: str
    sources: list[str]
    counts: RunCounts
    warehouse: Path
    status: str = "completed"
    failures: dict[str, str] = field(default_factory=dict)  # source -> error
    blocked: dict[str, str] = field(default_factory=dict)  # source -> blocked url


def extract_result(result: DocumentResult, store: RawStore) -> DocumentResult:
    """Extract the items of one fetched document; failures become quarantine reasons."""
    if result.row is None or result.reason is not None:
        return result
    row = result.row
    document = Document(
        uri=row.uri,
        data=store.get(row.sha256),
        sha256=row.sha256,
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


LOOKBACK = timedelta(days=60)  # agendas turn into minutes, minutes get corrected
BACKFILL_WINDOW = timedelta(days=365)
FETCH_WORKERS = 4  # sources fetched at once (different hosts)


class AllSourcesFailed(RuntimeError):
    """Every source of a run failed: the flow run ends Failed."""


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


@task(
    name="fetch-source",
    cache_policy=NONE,
    retries=2,
    retry_delay_seconds=5,
    retry_condition_fn=should_retry,
    timeout_seconds=6 * 3600,
)
def fetch_task(
    source: Source, raw_dir: Path, since: date | None, until: date | None
) -> list[DocumentResult]:
    """Fetch one source into the raw zone; one crawl per host at a time (the
    global concurrency limit `host:<host>`, created by the flow)."""
    with concurrency(f"host:{host_of(source)}", occupy=1, strict=False):
        return fetch_source(source, RawStore(raw_dir), since, until)


@task(name="extract-documents", cache_policy=NONE, timeout_seconds=3600)
def extract_task(results: list[DocumentResult], raw_dir: Path) -> list[DocumentResult]:
    """Extract every fetched document (pure extractors over the raw bytes)."""
    store = RawStore(raw_dir)
    extracted = []
    with progress(len(results), "extracting documents") as advance:
        for result in results:
            extracted.append(extract_result(result, store))
            advance()
    return extracted


@task(name="load-warehouse", cache_policy=NONE, retries=1, retry_delay_seconds=10)
def load_task(
    warehouse_path: Path,
    run: RunInfo,
    results: list[DocumentResult],
    part: str = "all",
    window: tuple[str, date, date] | None = None,
) -> RunCounts:
    """Upsert one part of a run in one transaction (with its backfill window)."""
    con = warehouse.connect(warehouse_path)
    try:
        return load_results(con, run, results, part, window)
    finally:
        con.close()


def new_run(kind: str, sources: list[str]) -> RunInfo:
    """Bookkeeping for a run starting now."""
    return RunInfo(
        run_id=str(uuid.uuid4()),
        kind=kind,
        started_at=datetime.now(UTC),
        sources=sources,
        extractor_version=extractors.EXTRACTOR_VERSION,
    )


def ensure_host_limits(sources: list[Source]) -> None:
    """A global concurrency limit of 1 per host, so that two sources on one host are
    never crawled at once (best effort: without an API the fetch just proceeds)."""
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            for host in {host_of(s) for s in sources}:
                client.upsert_global_concurrency_limit_by_name(f"host:{host}", 1)
    except Exception as error:  # noqa: BLE001 - limits are an optimisation
        get_run_logger().warning("host concurrency limits not set: %s", error)


def close_run(settings: Settings, run: RunInfo, status: str) -> None:
    """Write the run's final status."""
    con = warehouse.connect(settings.warehouse)
    try:
        finish_run(con, run, status)
    finally:
        con.close()


def record_failure(
    settings: Settings, run: RunInfo, source: Source, state: dict[str, object]
) -> None:
    """Note a failed or blocked source in the run's row (its own transaction)."""
    con = warehouse.connect(settings.warehouse)
    try:
        con.begin()
        record_part(con, run, source.name, RunCounts(), state)
        con.commit()
    finally:
        con.close()


def run_source(
    settings: Settings,
    run: RunInfo,
    source: Source,
    fetched: list[DocumentResult],
    window: tuple[str, date, date] | None = None,
) -> RunCounts:
    """Extract and load one source's fetched documents."""
    results = extract_task(fetched, settings.raw_dir)
    part = source.name if window is None else f"{source.name} {window[1]}..{window[2]}"
    loader = load_task.with_options(retry_delay_seconds=retry_delay())
    return loader(settings.warehouse, run, results, part, window)


def nightly_source(
    settings: Settings, run: RunInfo, source: Source, since: date | None
) -> RunCounts:
    """One source from its watermark (or --since) to today."""
    start = window_start(since, warehouse.watermark(settings.warehouse, source.name))
    fetched = fetch_task.with_options(
        tags=source_tags(source), retry_delay_seconds=retry_delay()
    )(source, settings.raw_dir, start, None)
    return run_source(settings, run, source, fetched)


def backfill_source(
    settings: Settings, run: RunInfo, source: Source, since: date, until: date | None
) -> RunCounts:
    """One source, window by window; windows an interrupted backfill already loaded
    are skipped, and the progress is cleared when every window is done."""
    job = f"{source.name}:{since}:{until or 'today'}"
    done = warehouse.completed_windows(settings.warehouse, job)
    counts = RunCounts()
    for start, end in backfill_windows(since, until or date.today()):
        if start in done:
            continue
        fetched = fetch_task.with_options(
            tags=source_tags(source), retry_delay_seconds=retry_delay()
        )(source, settings.raw_dir, start, end)
        counts.add(run_source(settings, run, source, fetched, (job, start, end)))
    warehouse.clear_windows(settings.warehouse, job)
    return counts


def retry_delay() -> float:
    """Seconds between a failed fetch task and its retry (MINUTES_TASK_RETRY_DELAY)."""
    return float(os.environ.get("MINUTES_TASK_RETRY_DELAY", "30"))


def source_tags(source: Source) -> list[str]:
    """Prefect tags of a source's tasks: source, platform, host."""
    return [
        f"source:{source.name}",
        f"platform:{source.platform}",
        f"host:{host_of(source)}",
    ]


@flow(
    name="minutes-run", log_prints=True, task_runner=ThreadPoolTaskRunner(FETCH_WORKERS)
)
def minutes_run(
    sources_file: Path,
    source_names: list[str] | None = None,
    since: date | None = None,
    raw_dir: Path | None = None,
    warehouse_path: Path | None = None,
    until: date | None = None,
) -> RunSummary:
    """Fetch the selected sources, keep the bytes, extract the items, load them; one
    source failing never stops the others (the run fails only if all of them fail)."""
    settings = Settings.from_env(raw_dir, warehouse_path)
    sources = select(load_sources(sources_file), source_names or [])
    run = new_run("run", [s.name for s in sources])
    ensure_host_limits(sources)
    summary = RunSummary(run.run_id, run.sources, RunCounts(), settings.warehouse)
    for source in sources:
        try:
            summary.counts.add(one_source(settings, run, source, since, until))
        except Exception as error:  # noqa: BLE001 - isolate sources from each other
            note_failure(settings, run, summary, source, error)
    return finish(settings, run, summary, len(sources))


def note_failure(
    settings: Settings,
    run: RunInfo,
    summary: RunSummary,
    source: Source,
    error: Exception,
) -> None:
    """A source that failed or was blocked: in the summary and runs.per_source."""
    if isinstance(error, SourceUnavailable):
        state = error.details()
        if error.state == "blocked":
            summary.blocked[source.name] = error.url
        else:
            summary.failures[source.name] = str(error)
    else:
        summary.failures[source.name] = f"{type(error).__name__}: {error}"
        state = {"status": "failed", "error": summary.failures[source.name]}
    record_failure(settings, run, source, state)


def one_source(
    settings: Settings,
    run: RunInfo,
    source: Source,
    since: date | None,
    until: date | None,
) -> RunCounts:
    """A source's nightly run, or its backfill when --since/--until are given."""
    if since is not None and source.platform != "folder":
        return backfill_source(settings, run, source, since, until)
    return nightly_source(settings, run, source, since)


def finish(
    settings: Settings, run: RunInfo, summary: RunSummary, total: int
) -> RunSummary:
    """Close the run; raise (flow Failed) only when every source failed. A blocked
    source is not a success: it counts like a failed one here."""
    failed = len(summary.failures) + len(summary.blocked)
    summary.status = (
        "failed"
        if total and failed == total
        else ("partial" if failed else "completed")
    )
    close_run(settings, run, summary.status)
    if summary.status == "failed":
        raise AllSourcesFailed(
            f"every source failed: {summary.failures | blocked_reasons(summary)}"
        )
    return summary


def blocked_reasons(summary: RunSummary) -> dict[str, str]:
    """Blocked sources as `name: blocked by robots.txt (url)`."""
    return {name: f"{BLOCKED_LABEL} ({url})" for name, url in summary.blocked.items()}


def latest_rows(rows: list[ManifestRow]) -> list[ManifestRow]:
    """The newest manifest row of each uri (a changed document supersedes itself)."""
    latest: dict[str, ManifestRow] = {}
    for row in rows:
        latest[row.uri] = row
    return sorted(latest.values(), key=lambda row: row.uri)


@flow(name="minutes-reprocess", log_prints=True)
def minutes_reprocess(
    raw_dir: Path | None = None, warehouse_path: Path | None = None
) -> RunSummary:
    """Re-extract the raw zone with the current extractors and reload; no network.
    Changed items keep their previous version in item_versions."""
    settings = Settings.from_env(raw_dir, warehouse_path)
    store = RawStore(settings.raw_dir)
    fetched = [
        DocumentResult(
            row=row,
            uri=row.uri,
            is_new=False,
            raw_path=str(store.path_for(row.sha256).relative_to(store.root)),
            source=row.source,
        )
        for row in latest_rows(store.manifest())
        if row.role == "document"
    ]
    results = extract_task(fetched, settings.raw_dir)
    run = new_run("reprocess", sorted({r.source for r in fetched if r.source}))
    counts = load_task(settings.warehouse, run, results, "reprocess")
    close_run(settings, run, "completed")
    return RunSummary(run.run_id, run.sources, counts, settings.warehouse)

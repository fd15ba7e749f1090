"""The main flow: fetch → raw zone → extract → load, and the reprocess flow.

Flows stay thin: Prefect tasks sit at the I/O boundaries; the logic lives in
flows.fetch, extractors and flows.load, which are plain functions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE

import extractors
from flows import warehouse
from flows.fetch import fetch_source
from flows.load import DocumentResult, RunCounts, RunInfo, load_results
from flows.rawstore import ManifestRow, RawStore
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
        extraction = extractors.extract_document(document)
    except extractors.ExtractionError as error:
        return replace(
            result, stage="extract", reason=error.reason, detail=error.detail
        )
    return with_problems(replace(result, items=extraction.items), extraction.problems)


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


def window_start(since: date | None, watermark: date | None) -> date | None:
    """Where a crawl starts: --since when given (backfill), else the watermark minus a
    look-back, else the beginning (first run)."""
    if since is not None:
        return since
    return watermark - LOOKBACK if watermark else None


@task(name="fetch-source", cache_policy=NONE, retries=2, retry_delay_seconds=5)
def fetch_task(
    source: Source, raw_dir: Path, since: date | None, warehouse_path: Path
) -> list[DocumentResult]:
    """Fetch one source into the raw zone, from its window start."""
    start = window_start(since, warehouse.watermark(warehouse_path, source.name))
    return fetch_source(source, RawStore(raw_dir), start)


@task(name="extract-documents", cache_policy=NONE)
def extract_task(results: list[DocumentResult], raw_dir: Path) -> list[DocumentResult]:
    """Extract every fetched document (pure extractors over the raw bytes)."""
    store = RawStore(raw_dir)
    return [extract_result(result, store) for result in results]


@task(name="load-warehouse", cache_policy=NONE)
def load_task(
    warehouse_path: Path, run: RunInfo, results: list[DocumentResult]
) -> RunCounts:
    """Upsert everything of the run in one transaction."""
    con = warehouse.connect(warehouse_path)
    try:
        return load_results(con, run, results)
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


@flow(name="minutes-run", log_prints=True)
def minutes_run(
    sources_file: Path,
    source_names: list[str] | None = None,
    since: date | None = None,
    raw_dir: Path | None = None,
    warehouse_path: Path | None = None,
) -> RunSummary:
    """Fetch the selected sources, keep the bytes, extract the items, load them."""
    settings = Settings.from_env(raw_dir, warehouse_path)
    sources = select(load_sources(sources_file), source_names or [])
    fetched: list[DocumentResult] = []
    for source in sources:
        fetched.extend(fetch_task(source, settings.raw_dir, since, settings.warehouse))
    results = extract_task(fetched, settings.raw_dir)
    run = new_run("run", [s.name for s in sources])
    counts = load_task(settings.warehouse, run, results)
    return RunSummary(run.run_id, run.sources, counts, settings.warehouse)


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
    """Re-extract the raw zone with the current extractors and reload; no network."""
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
    counts = load_task(settings.warehouse, run, results)
    return RunSummary(run.run_id, run.sources, counts, settings.warehouse)

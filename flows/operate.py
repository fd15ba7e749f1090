"""The operator's commands: `minutes status` (how each source is doing, the last
runs) and `minutes doctor` (is this machine ready to run)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import duckdb
import httpx
import typer
from rich.table import Table

from flows import warehouse
from flows.analyst import open_or_exit
from flows.console import out, settings_for
from flows.results import RunStatus, SourceStatus
from flows.settings import Settings
from flows.writer import RunLock

WarehouseOption = Annotated[
    Path | None,
    typer.Option("--warehouse", help="DuckDB file \\[env: MINUTES_WAREHOUSE]"),
]
STALE_AFTER = timedelta(hours=48)  # a nightly source not refreshed for two nights
LAST_RUNS = 5
MIN_FREE_BYTES = 1 << 30  # 1 GiB


# --- status -----------------------------------------------------------------------


@dataclass(frozen=True)
class SourceState:
    """One source as the warehouse remembers it."""

    name: str
    last_status: str
    last_success: datetime | None
    last_failure: datetime | None
    failure_reason: str | None
    items: int
    latest_meeting: object

    def stale(self, now: datetime, after: timedelta) -> bool:
        """Never succeeded, or not since `after`."""
        return self.last_success is None or now - self.last_success > after


SOURCE_STATES = """
WITH latest AS (
    SELECT source, arg_max(status, finished_at) AS last_status,
           max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success,
           max(finished_at) FILTER (WHERE status NOT IN ('succeeded', 'cancelled'))
               AS last_failure,
           arg_max(concat_ws(': ', error_url, error_class, error_message), finished_at)
               FILTER (WHERE status NOT IN ('succeeded', 'cancelled')) AS reason
    FROM run_sources GROUP BY source
), items_per_source AS (
    SELECT d.source, count(DISTINCT i.item_id) AS items
    FROM items AS i JOIN documents AS d
      ON d.uri = i.source_uri AND d.sha256 = i.source_sha256
    GROUP BY d.source
), meetings AS (
    SELECT source, max(last_meeting_date) AS latest_meeting
    FROM watermarks GROUP BY source
)
SELECT l.source, l.last_status, l.last_success, l.last_failure, l.reason,
       coalesce(i.items, 0), m.latest_meeting
FROM latest AS l
LEFT JOIN items_per_source AS i USING (source)
LEFT JOIN meetings AS m USING (source)
ORDER BY l.source
"""


def source_states(con: duckdb.DuckDBPyConnection) -> list[SourceState]:
    """Every source that has been in a run, with its last outcomes."""
    return [SourceState(*row) for row in con.execute(SOURCE_STATES).fetchall()]


def status_exit_code(states: list[SourceState], now: datetime, after: timedelta) -> int:
    """0 every source fine, 3 some failing or stale, 1 none fine."""
    fine = [
        s
        for s in states
        if s.last_status == SourceStatus.SUCCEEDED and not s.stale(now, after)
    ]
    if len(fine) == len(states):
        return 0
    return 1 if not fine else 3


def age(moment: datetime | None, now: datetime) -> str:
    """`3 h ago`, `2 d ago`; `never` for None."""
    if moment is None:
        return "never"
    seconds = max(0.0, (now - moment).total_seconds())
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def status(
    warehouse_path: WarehouseOption = None,
    stale_after: Annotated[
        float, typer.Option(help="hours after which a source counts as stale")
    ] = STALE_AFTER.total_seconds() / 3600,
) -> None:
    """Per source: last success, last failure, items, staleness; the last runs.

    Exit 0 when every source is fine, 3 when some are failing or stale, 1 when none
    is, 2 without a warehouse."""
    settings = settings_for("status", warehouse_path)
    con = open_or_exit(settings.warehouse, "status")
    now = datetime.now(UTC)
    after = timedelta(hours=stale_after)
    states = source_states(con)
    out.print(f"warehouse: {settings.warehouse}")
    holder = RunLock(settings.warehouse).holder()
    if holder is not None:
        out.print(f"in progress: {holder}")
    out.print(_sources_table(states, now, after))
    out.print(_runs_table(con))
    con.close()
    raise typer.Exit(status_exit_code(states, now, after) if states else 0)


def _sources_table(states: list[SourceState], now: datetime, after: timedelta) -> Table:
    """One row per source."""
    table = Table(title=f"{len(states)} sources")
    for column in (
        "source",
        "last run",
        "last success",
        "last failure",
        "items",
        "latest meeting",
        "stale",
    ):
        table.add_column(column, overflow="fold")
    for s in states:
        failure = "-"
        if s.last_failure is not None:
            failure = f"{age(s.last_failure, now)}: {s.failure_reason}"
        table.add_row(
            s.name,
            s.last_status,
            age(s.last_success, now),
            failure,
            str(s.items),
            str(s.latest_meeting or "-"),
            "STALE" if s.stale(now, after) else "no",
        )
    return table


def _runs_table(con: duckdb.DuckDBPyConnection) -> Table:
    """The last runs, newest first."""
    rows = con.execute(
        "SELECT run_id, kind, started_at, finished_at - started_at, status,"
        " items_inserted, items_updated, items_unchanged, quarantined"
        f" FROM runs ORDER BY started_at DESC LIMIT {LAST_RUNS}"
    ).fetchall()
    table = Table(title=f"last {len(rows)} runs")
    for column in (
        "run",
        "kind",
        "started (UTC)",
        "took",
        "status",
        "inserted",
        "updated",
        "unchanged",
        "quarantined",
    ):
        table.add_column(column)
    for run_id, kind, started, took, state, *counts in rows:
        seconds = took.total_seconds() if took is not None else 0.0
        table.add_row(
            run_id[:8],
            kind,
            started.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            f"{seconds:.0f} s" if state != RunStatus.RUNNING else "-",
            state,
            *(str(c) for c in counts),
        )
    return table


# --- doctor -----------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One thing the doctor looked at."""

    name: str
    ok: bool
    detail: str
    required: bool = True

    @property
    def label(self) -> str:
        """ok, warn (optional and missing) or FAIL."""
        if self.ok:
            return "ok"
        return "FAIL" if self.required else "warn"


def check_voikko() -> Check:
    """libvoikko with the Finnish dictionary (name order of officials)."""
    try:
        import libvoikko

        voikko = libvoikko.Voikko("fi")
        known = bool(voikko.analyze("kunnanhallitus"))
        voikko.terminate()
    except (ImportError, OSError) as error:
        hint = "apt-get install libvoikko1 voikko-fi"
        return Check("Voikko", False, f"not usable ({error}); {hint}")
    if not known:
        return Check("Voikko", False, "the Finnish dictionary does not answer")
    return Check("Voikko", True, "Finnish dictionary loaded")


def check_tesseract() -> Check:
    """tesseract with Swedish and Finnish data (OCR of garbled PDF pages)."""
    hint = "apt-get install tesseract-ocr tesseract-ocr-swe tesseract-ocr-fin"
    if shutil.which("tesseract") is None:
        return Check("tesseract", False, f"not installed; {hint}", required=False)
    found = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=False
    )
    languages = set(found.stdout.split())
    missing = sorted({"fin", "swe"} - languages)
    if missing:
        return Check(
            "tesseract", False, f"no {', '.join(missing)} data; {hint}", required=False
        )
    return Check("tesseract", True, "languages fin, swe")


def check_spacy_model() -> Check:
    """The Finnish spaCy model (lemmas of decision verbs)."""
    from extractors.nlp import MODEL

    if importlib.util.find_spec(MODEL) is None:
        return Check("spaCy model", False, f"{MODEL} is not installed (make setup)")
    version = importlib.metadata.version(MODEL.replace("_", "-"))
    return Check("spaCy model", True, f"{MODEL} {version}")


FASTAPI_BREAKS_CLI = (0, 151)  # prefect 3.8.8's CLI answers 422 from this release


def check_prefect() -> Check:
    """Prefect's pins, and its server when PREFECT_API_URL names one."""
    fastapi = importlib.metadata.version("fastapi")
    if tuple(int(p) for p in fastapi.split(".")[:2]) >= FASTAPI_BREAKS_CLI:
        return Check("Prefect", False, f"fastapi {fastapi} breaks prefect's CLI (422)")
    url = os.environ.get("PREFECT_API_URL")
    prefect = importlib.metadata.version("prefect")
    if not url:
        detail = (
            f"prefect {prefect}; no PREFECT_API_URL: `minutes run` starts a temporary"
            " server, `minutes serve` needs a server (see README)"
        )
        return Check("Prefect server", True, detail, required=False)
    try:
        answer = httpx.get(f"{url.rstrip('/')}/health", timeout=5)
        healthy = answer.status_code == 200
    except httpx.HTTPError as error:
        return Check("Prefect server", False, f"{url} unreachable: {error}")
    detail = f"{url} answers" if healthy else f"{url} answered {answer.status_code}"
    return Check("Prefect server", healthy, detail)


def check_warehouse(settings: Settings) -> Check:
    """Who holds the writer lock; that readers can open the file."""
    holder = RunLock(settings.warehouse).holder()
    lock = f"locked by {holder}" if holder else "not locked"
    if not settings.warehouse.exists():
        return Check("warehouse", True, f"{settings.warehouse}: none yet; {lock}")
    try:
        warehouse.connect_read_only(settings.warehouse).close()
    except warehouse.WarehouseUnreadable as error:
        return Check("warehouse", False, f"{error}; {lock}")
    return Check("warehouse", True, f"{settings.warehouse}: readable; {lock}")


def check_disk(settings: Settings) -> Check:
    """Free space where the warehouse and the raw zone live."""
    checks = []
    for path in {settings.warehouse.parent, settings.raw_dir}:
        existing = next(p for p in (path, *path.parents) if p.exists())
        checks.append((shutil.disk_usage(existing).free, existing))
    free, where = min(checks)
    detail = f"{free / (1 << 30):.1f} GiB free at {where}"
    return Check("disk", free >= MIN_FREE_BYTES, detail)


def doctor(warehouse_path: WarehouseOption = None) -> None:
    """Check the environment: Voikko, tesseract, spaCy, Prefect, lock, disk.

    Voikko, the tesseract languages, the spaCy model, Prefect (pins, and the server
    PREFECT_API_URL names), the warehouse lock and free disk. Exit 1 when something
    needed is missing."""
    settings = settings_for("doctor", warehouse_path)
    checks: list[Callable[[], Check]] = [
        check_voikko,
        check_tesseract,
        check_spacy_model,
        check_prefect,
        lambda: check_warehouse(settings),
        lambda: check_disk(settings),
    ]
    table = Table(title="minutes doctor")
    for column in ("check", "", "detail"):
        table.add_column(column, overflow="fold")
    results = [check() for check in checks]
    for result in results:
        colour = {"ok": "green", "warn": "yellow", "FAIL": "red"}[result.label]
        label = f"[{colour}]{result.label}[/{colour}]"
        table.add_row(result.name, label, result.detail)
    out.print(table)
    for name, path, origin in settings.describe():
        out.print(f"{name}: {path} (from {origin})", soft_wrap=True, highlight=False)
    failed = [r for r in results if r.label == "FAIL"]
    raise typer.Exit(1 if failed else 0)

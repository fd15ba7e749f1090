"""`minutes ...`: Finnish municipal meeting minutes into a DuckDB warehouse
(CONTRACT.md). Prefect is imported only by the commands that run flows, so `extract`
and `sql` stay fast."""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import duckdb
import typer
from rich.table import Table

import extractors
from extractors.errors import is_warning
from flows import analyst, operate, render, stop
from flows.console import err, fail, out, settings_for
from flows.listing import LISTING_KEYS as META_KEYS
from flows.settings import (
    SAMPLE_SOURCES,
    Parallelism,
    Settings,
    SettingsError,
    configure_prefect,
)
from flows.sources import SourcesError, load_sources, select
from models.records import Document
from web import commands as web_commands

app = typer.Typer(no_args_is_help=True, help=__doc__.split("\n\n")[0])

READ_ONLY_STATEMENTS = {"SELECT", "EXPLAIN"}
EXIT_LOCKED = 75  # another run holds the warehouse: try again later (EX_TEMPFAIL)
QUARANTINE_SHOWN = 20  # quarantined documents listed in the summary

WarehouseOption = Annotated[
    Path | None,
    typer.Option("--warehouse", help="DuckDB file \\[env: MINUTES_WAREHOUSE]"),
]
RawDirOption = Annotated[
    Path | None,
    typer.Option("--raw-dir", help="raw zone folder \\[env: MINUTES_RAW_DIR]"),
]


class TaskRunner(StrEnum):
    """Where extraction runs."""

    processes = "processes"
    dask = "dask"


TaskRunnerOption = Annotated[
    TaskRunner | None,
    typer.Option(
        "--task-runner",
        help="extract in worker processes here (processes, the default) or on a"
        " Dask cluster (dask) \\[env: MINUTES_TASK_RUNNER]",
    ),
]
DaskAddressOption = Annotated[
    str | None,
    typer.Option(
        "--dask-address",
        help="an existing Dask scheduler, e.g. tcp://scheduler:8786 (default: a"
        " local cluster) \\[env: MINUTES_DASK_ADDRESS]",
    ),
]


def version_callback(value: bool) -> None:
    """Print the version and stop."""
    if value:
        out.print(f"minutes {importlib.metadata.version('minutes-etl')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="show version"
        ),
    ] = False,
) -> None:
    """Finnish municipal meeting minutes into a DuckDB warehouse (CONTRACT.md)."""


NEEDS_LISTING = {"missing_header", "no_meeting_date"}


def parse_meta(pairs: list[str]) -> dict[str, str]:
    """`--meta key=value` pairs: the listing context a crawler would give."""
    meta = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in META_KEYS:
            raise typer.BadParameter(
                f"'{pair}': use KEY=VALUE with KEY one of {', '.join(META_KEYS)}",
                param_hint="--meta",
            )
        meta[key] = value
    return meta


def extract_file(
    path: Path, municipality: str | None, meta: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The records of one file, as JSON-ready dicts; parts left out (e.g. garbled
    PDF pages) are named on stderr."""
    data = path.read_bytes()
    document = Document(
        uri=str(path),
        data=data,
        municipality=municipality,
        meta=meta or {},
    )
    extraction = extractors.extract_document(document)
    for problem in extraction.problems:
        kind = "warning" if is_warning(problem) else "left out"
        print(f"minutes extract: {path}: {kind}: {problem}", file=sys.stderr)
    return [item.to_dict() for item in extraction.items]


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="files to extract")],
    municipality: Annotated[
        str | None, typer.Option(help="municipality, when the text does not say")
    ] = None,
    meta: Annotated[
        list[str] | None,
        typer.Option(
            help="listing context the document lacks, e.g. meeting_date=2017-03-27,"
            " section=73, body=Kaupunginhallitus (TWeb PDFs, CaseM JSON)"
        ),
    ] = None,
) -> None:
    """Print one JSON object per agenda item (JSON Lines); no warehouse writes."""
    failed = False
    context = parse_meta(meta or [])
    for path in paths:
        try:
            records = extract_file(path, municipality, context)
        except (OSError, extractors.ExtractionError) as error:
            print(f"minutes extract: {path}: {_reason(error)}", file=sys.stderr)
            failed = True
            continue
        except Exception as error:  # a bug: named, and the next file goes on
            name = type(error).__name__
            print(
                f"minutes extract: {path}: internal_error: {name}: {error}",
                file=sys.stderr,
            )
            failed = True
            continue
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    raise typer.Exit(1 if failed else 0)


def _reason(error: Exception) -> str:
    """A one-line reason for an error."""
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if getattr(error, "reason", "") in NEEDS_LISTING:
        hint = "--meta meeting_date=YYYY-MM-DD --meta section=N --meta body=NAME"
        return f"{error} (give the listing's context: {hint})"
    return str(error)


def parse_since(value: str | None, flag: str = "--since") -> date | None:
    """A YYYY-MM-DD option value."""
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as error:
        raise typer.BadParameter(
            f"'{value}' is not YYYY-MM-DD", param_hint=flag
        ) from error


@app.command()
def run(
    sources: Annotated[
        Path, typer.Option("--sources", help="sources.toml (default: bundled samples)")
    ] = SAMPLE_SOURCES,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="only this source (repeatable)")
    ] = None,
    since: Annotated[str | None, typer.Option(help="backfill from YYYY-MM-DD")] = None,
    until: Annotated[
        str | None, typer.Option(help="backfill up to YYYY-MM-DD (default today)")
    ] = None,
    warehouse: WarehouseOption = None,
    raw_dir: RawDirOption = None,
    task_runner: TaskRunnerOption = None,
    dask_address: DaskAddressOption = None,
) -> None:
    """Run the flow fetch → raw zone → extract → load and print a summary.

    Exit 0 when every source succeeded, 3 when some failed (partial), 1 when all
    failed, 75 when another run holds the warehouse, 130/143 when stopped by
    SIGINT/SIGTERM. With --since, web sources are walked in yearly windows, each
    loaded as it is done: a backfill started again with the same dates resumes."""
    start, end = parse_since(since), parse_since(until, "--until")
    if end is not None and start is None:
        raise typer.BadParameter("--until needs --since", param_hint="--until")
    try:
        chosen = select(load_sources(sources), source or [])
    except SourcesError as error:
        fail("run", error)
    parallel = parallelism("run", task_runner, dask_address)
    settings = flow_command("run", warehouse, raw_dir)
    try:
        with prefect_api() as server:
            summary = run_flow(
                settings,
                sources,
                source or [],
                start,
                end,
                len(chosen),
                server,
                parallel,
            )
    except KeyboardInterrupt as signal:  # before the flow began (SIGINT or SIGTERM)
        stopped("run", signal)
    print_summary(summary)
    raise typer.Exit(summary.exit_code)


def parallelism(
    command: str, task_runner: TaskRunner | None, dask_address: str | None
) -> Parallelism:
    """Where the command extracts: flags, then environment (flows/settings.py)."""
    try:
        return Parallelism.resolve(
            task_runner.value if task_runner else None, dask_address
        )
    except SettingsError as error:
        fail(command, error, 2)


def flow_command(
    command: str, warehouse: Path | None, raw_dir: Path | None
) -> Settings:
    """What a command that runs a flow does first: its settings, the lock checked,
    SIGTERM turned into an exception, Prefect configured."""
    settings = settings_for(command, warehouse, raw_dir)
    refuse_if_locked(command, settings)
    stop.raise_on_sigterm()
    configure_prefect(settings)
    return settings


def prefect_api() -> AbstractContextManager[Any]:
    """A temporary Prefect server started now, unless PREFECT_API_URL names one."""
    from flows.prefect_server import TemporaryServer

    return nullcontext() if os.environ.get("PREFECT_API_URL") else TemporaryServer()


def refuse_if_locked(command: str, settings: Settings) -> None:
    """Exit at once, before Prefect starts, when a run holds the warehouse (75) or
    the file is no warehouse at all (2)."""
    from flows.warehouse import WarehouseUnreadable, connect_read_only
    from flows.writer import RunLock

    holder = RunLock(settings.warehouse).holder()
    if holder is not None:
        message = f"warehouse {settings.warehouse} is locked by {holder}"
        fail(command, f"{message}; try again when it has finished", EXIT_LOCKED)
    if not settings.warehouse.exists():
        return
    try:
        connect_read_only(settings.warehouse).close()
    except WarehouseUnreadable as error:
        if error.holder is None:  # an outside writer: the run waits for it a little
            fail(command, error)


def run_flow(
    settings: Settings,
    sources: Path,
    names: list[str],
    start: date | None,
    end: date | None,
    total: int,
    server: Any = None,
    parallel: Parallelism | None = None,
) -> Any:
    """The flow run with progress shown; expected endings become one-line errors."""
    from flows import progress
    from flows.nightly import STOP_SIGNALS, AllSourcesFailed, minutes_run
    from flows.prefect_server import ServerError
    from flows.runners import with_runner
    from flows.writer import WarehouseBusy, WarehouseLocked

    paths = (settings.raw_dir, settings.warehouse)
    try:
        if server is not None:
            server.wait_ready()
        with progress.showing(progress.RunProgress(total)):
            flow = with_runner(minutes_run, parallel or Parallelism())
            state = flow(sources, names, start, *paths, end, return_state=True)
        outcome = state.result(raise_on_failure=False)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome
    except AllSourcesFailed as error:
        print_summary(error.summary)
        raise typer.Exit(error.summary.exit_code) from error
    except WarehouseLocked as error:
        fail("run", f"{error}; try again when it has finished", EXIT_LOCKED)
    except (WarehouseBusy, ServerError, duckdb.Error) as error:
        fail("run", error, 1)
    except STOP_SIGNALS as signal:
        stopped("run", signal)


def stopped(command: str, signal: BaseException) -> NoReturn:
    """Say how a stopped run ended, exit 130 (SIGINT) or 143 (SIGTERM)."""
    summary = stop.STOPPED[-1] if stop.STOPPED else None
    name = stop.signal_name(signal)
    if summary is None:
        err.print(f"minutes {command}: stopped by {name} before the run began")
    else:
        err.print(
            f"minutes {command}: stopped by {name}: run {summary.run_id} cancelled;"
            " work in flight was dropped, what was loaded before stays in"
            f" {summary.warehouse}",
            soft_wrap=True,
        )
    raise typer.Exit(stop.exit_code(signal))


@app.command()
def serve() -> None:
    """Serve the nightly deployment `minutes-nightly` (03:00 Europe/Helsinki).

    Runs show in the UI of the Prefect server that PREFECT_API_URL names."""
    configure_prefect(settings_for("serve"))
    from flows.deploy import serve_nightly

    serve_nightly()


@app.command()
def reprocess(
    warehouse: WarehouseOption = None,
    raw_dir: RawDirOption = None,
    task_runner: TaskRunnerOption = None,
    dask_address: DaskAddressOption = None,
) -> None:
    """Re-extract every document in the raw zone with the current extractors; reload."""
    parallel = parallelism("reprocess", task_runner, dask_address)
    settings = flow_command("reprocess", warehouse, raw_dir)
    try:
        with prefect_api() as server:
            summary = reprocess_flow(settings, server, parallel)
    except KeyboardInterrupt as signal:  # before the flow began
        stopped("reprocess", signal)
    print_summary(summary)


def reprocess_flow(
    settings: Settings, server: Any, parallel: Parallelism | None = None
) -> Any:
    """The reprocess flow; expected endings become one-line errors."""
    from flows.nightly import STOP_SIGNALS, minutes_reprocess
    from flows.runners import with_runner
    from flows.writer import WarehouseLocked

    try:
        if server is not None:
            server.wait_ready()
        flow = with_runner(minutes_reprocess, parallel or Parallelism())
        return flow(settings.raw_dir, settings.warehouse)
    except WarehouseLocked as error:
        fail("reprocess", f"{error}; try again when it has finished", EXIT_LOCKED)
    except STOP_SIGNALS as signal:
        stopped("reprocess", signal)


sources_app = typer.Typer(
    help="List the sources (with how far each has been collected), or add one.",
    invoke_without_command=True,
)
app.add_typer(sources_app, name="sources")


@sources_app.callback()
def sources(
    ctx: typer.Context,
    sources: Annotated[
        Path, typer.Option("--sources", help="sources.toml (default: bundled samples)")
    ] = SAMPLE_SOURCES,
    warehouse: WarehouseOption = None,
) -> None:
    """List the sources of a sources.toml, with how far each has been collected and
    how its last run went (`succeeded`, `failed`, `blocked by robots.txt`, `refused`,
    `cancelled`; as `minutes status` shows them)."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        entries = load_sources(sources)
    except SourcesError as error:
        fail("sources", error)
    from flows.warehouse import WarehouseUnreadable, source_states, watermark

    path = settings_for("sources", warehouse).warehouse
    try:
        states = source_states(path)
    except WarehouseUnreadable as error:
        fail("sources", error)
    table = Table(title=f"{len(entries)} sources in {sources.resolve()}")
    for column in (
        "name",
        "municipality",
        "platform",
        "base_url",
        "bodies",
        "language",
        "collected up to",
        "last run",
    ):
        table.add_column(column, overflow="fold")
    for s in entries:
        try:
            last = watermark(path, s.name)
        except WarehouseUnreadable as error:
            fail("sources", error)
        table.add_row(
            s.name,
            s.municipality or "",
            s.platform,
            s.base_url,
            ", ".join(s.bodies),
            s.language or "",
            str(last or "-"),
            state_label(states.get(s.name)),
        )
    out.print(table)
    platforms = sorted({s.platform for s in entries})
    out.print(
        f"{len(entries)} sources on {len(platforms)} systems: {', '.join(platforms)}"
    )


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="a page of the publishing system")],
    sources: Annotated[
        Path, typer.Option("--sources", help="the sources.toml to append to")
    ] = Path("sources.toml"),
    name: Annotated[str | None, typer.Option(help="the entry's name")] = None,
    municipality: Annotated[str | None, typer.Option(help="municipality")] = None,
    language: Annotated[str | None, typer.Option(help="fi or sv")] = None,
) -> None:
    """Detect the publishing system of a pasted URL, derive the base URL and append
    an entry (verified = false) to sources.toml."""
    from flows.detect import NotAUrl, detect, toml_entry

    try:
        found = detect(url)
        existing = load_sources(sources) if sources.exists() else []
    except (NotAUrl, SourcesError) as error:
        fail("sources add", error)
    same = [
        s.name for s in existing if s.base_url.rstrip("/") == found.base_url.rstrip("/")
    ]
    if same:
        listed = f"{found.base_url} is already listed as '{same[0]}'"
        fail("sources add", listed)
    chosen = unique_name(name or found.name, {s.name for s in existing})
    entry = toml_entry(found, chosen, municipality, language, url)
    with sources.open("a", encoding="utf-8") as handle:
        handle.write(entry)
    try:
        load_sources(sources)
    except SourcesError as error:
        fail("sources add", f"the entry is not valid: {error}")
    out.print(
        f"added '{chosen}' ({found.platform}, {found.base_url}) to {sources.resolve()}",
        **PLAIN,
    )
    out.print(entry.strip(), **PLAIN)


def unique_name(name: str, taken: set[str]) -> str:
    """The name, or name-2, name-3 … when it is taken."""
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


def state_label(state: str | None) -> str:
    """A source's last recorded state as `minutes sources` shows it."""
    if state == "blocked":
        return "blocked by robots.txt"
    return state or "-"


def print_summary(summary: Any) -> None:
    """The run summary: one row per source, totals, quarantined documents, each
    failed source with URL, error class and message, the status and the warehouse."""
    title = f"minutes run {summary.run_id[:8]}"
    table = Table(title=title)
    for column, justify in SUMMARY_COLUMNS:
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    outcomes = getattr(summary, "outcomes", [])
    for outcome in outcomes:
        table.add_row(outcome.name, str(outcome.status), *_count_cells(outcome.counts))
    if len(outcomes) != 1:
        table.add_row("total", "", *_count_cells(summary.counts), style="bold")
    out.print(table)
    _print_quarantine(summary.counts)
    for outcome in outcomes:
        if outcome.error is not None:
            out.print(
                f"[red]source {outcome.name} {outcome.status}[/red]: {outcome.error}",
                soft_wrap=True,
                highlight=False,
            )
    c = summary.counts
    if c.field_changes:
        changed = ", ".join(f"{k} {v}" for k, v in c.field_changes.most_common())
        out.print(f"values changed per field: {changed}")
    if getattr(summary, "abandoned", 0):
        out.print(
            f"earlier runs left running and marked abandoned: {summary.abandoned}"
        )
    out.print(f"status: {summary.status}")
    out.print(f"warehouse: {summary.warehouse}", soft_wrap=True, highlight=False)


SUMMARY_COLUMNS = (
    ("source", "left"),
    ("status", "left"),
    ("documents new", "right"),
    ("unchanged", "right"),
    ("items inserted", "right"),
    ("updated", "right"),
    ("unchanged", "right"),
    ("quarantined", "right"),
)


def _count_cells(c: Any) -> list[str]:
    """The count columns of a summary row."""
    return [
        str(c.documents_new),
        str(c.documents_unchanged),
        str(c.items_inserted),
        str(c.items_updated),
        str(c.items_unchanged),
        str(c.quarantined),
    ]


def _print_quarantine(counts: Any) -> None:
    """Quarantined documents, the first QUARANTINE_SHOWN of them."""
    out.print(f"quarantined: {counts.quarantined}")
    for uri, stage, reason in counts.quarantine[:QUARANTINE_SHOWN]:
        out.print(f"  {uri} ({stage}): {reason}", soft_wrap=True, highlight=False)
    hidden = len(counts.quarantine) - QUARANTINE_SHOWN
    if hidden > 0:
        out.print(
            f"  … and {hidden} more: minutes sql"
            ' "SELECT document, stage, reason, detail FROM quarantine"'
        )


def refuse_writes(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Exit with a clear message unless every statement only reads."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as error:
        fail("sql", str(error).strip().splitlines()[0])
    for statement in statements:
        if statement.type.name not in READ_ONLY_STATEMENTS:
            fail(
                "sql",
                f"refused: {statement.type.name} statements are not allowed; the"
                " warehouse is read-only here (use SELECT)",
            )


class Format(StrEnum):
    """How `minutes sql` prints a result."""

    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="a read-only SQL query")],
    format: Annotated[
        Format,
        typer.Option(
            "--format", help="table, csv or json (JSON Lines; nested values as JSON)"
        ),
    ] = Format.table,
    warehouse: WarehouseOption = None,
) -> None:
    """Answer a read-only query on the warehouse.

    While a run loads, the query reads the state the run last published."""
    from flows.warehouse import WarehouseMissing, WarehouseUnreadable

    path = settings_for("sql", warehouse).warehouse
    try:
        con = analyst.locked_session(path)
    except (WarehouseMissing, WarehouseUnreadable) as error:
        fail("sql", error)
    refuse_writes(con, query)
    try:
        relation = con.sql(query)
        if relation is None:
            fail("sql", "the query returned no result")
        print_result(relation, format)
    except duckdb.Error as error:
        fail("sql", str(error).strip().splitlines()[0])


def print_result(relation: duckdb.DuckDBPyRelation, format: Format) -> None:
    """A result as a table, CSV or JSON Lines (render.py)."""
    if format == Format.csv:
        render.write_csv(relation, sys.stdout)
    elif format == Format.json:
        render.write_json_lines(relation, sys.stdout)
    else:
        grid, rows = render.table(relation)
        out.print(grid)
        out.print(f"{rows} rows")


@app.command()
def evaluate(
    gold: Annotated[
        list[Path], typer.Argument(help="gold JSON Lines files (CONTRACT.md)")
    ],
    split: Annotated[
        str | None,
        typer.Option(help="score only this split of a corpus: dev or test"),
    ] = None,
    min_accuracy: Annotated[
        list[str] | None,
        typer.Option(
            "--min-accuracy",
            help="FIELD=FLOAT (repeatable; FIELD may be 'all'): exit 1 below it",
        ),
    ] = None,
) -> None:
    """Score extraction against labelled items: per-field accuracy and mismatches."""
    from extractors import evaluate as ev

    try:
        if split not in (None, "dev", "test"):
            raise ValueError(f"--split {split}: use dev or test")
        floors = dict(ev.parse_floor(text) for text in min_accuracy or [])
        report = ev.evaluate(gold, split=split)
        failing = report.below(floors)
    except (OSError, ev.GoldError, ValueError, KeyError) as error:
        fail("evaluate", _reason(error))
    name = ", ".join(str(path) for path in gold) + (f" ({split})" if split else "")
    print_evaluation(report, name)
    for field_name, accuracy, floor in failing:
        err.print(f"[red]below the floor:[/red] {field_name} {accuracy:.3f} < {floor}")
    raise typer.Exit(1 if failing else 0)


PLAIN: dict[str, Any] = {"markup": False, "highlight": False, "soft_wrap": True}


def print_evaluation(report: Any, gold: str) -> None:
    """The per-field table, then every mismatch with both values."""
    table = Table(title=f"{gold}: {report.items} items")
    for column in ("field", "matched", "total", "accuracy"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name in [*report.fields(), "all"]:
        s = report.scores[name] if name != "all" else report.overall()
        table.add_row(name, str(s.matched), str(s.total), f"{s.accuracy:.3f}")
    out.print(table)
    out.print(f"mismatches: {len(report.mismatches)}")
    for m in report.mismatches:
        where = f"{m.path} [{m.item_index}] {m.field}"
        out.print(f"{where}: expected {m.expected!r}, got {m.got!r}", **PLAIN)
        if m.reason:
            out.print(f"  ({m.reason})", **PLAIN)


@app.command()
def bench(
    items: Annotated[
        list[int] | None,
        typer.Option(
            "--items", metavar="N", help="corpus size, repeatable (1000, 10000, 100000)"
        ),
    ] = None,
    results: Annotated[Path, typer.Option("--out", help="the results JSON")] = Path(
        "bench/results.json"
    ),
    keep: Annotated[
        Path | None, typer.Option(help="keep the corpora and warehouses in this folder")
    ] = None,
    search_items: Annotated[
        int,
        typer.Option(
            "--search-items",
            metavar="N",
            min=0,
            help="search latency of `minutes browse` over a warehouse of N synthetic"
            " items (0: skip)",
        ),
    ] = 1_000_000,
) -> None:
    """Measure speed and memory on a synthetic corpus of the real layouts (FI, SV):
    extraction, PDF, load, run and no-op re-run, and search latency over a big
    warehouse; print a table, write JSON. `--items 0` measures search alone."""
    from flows import bench as measure

    configure_prefect(settings_for("bench"))
    sizes = [n for n in (items or list(measure.DEFAULT_SIZES)) if n > 0]
    found = measure.run_bench(
        sizes, results, keep, progress=err.print, search_items=search_items
    )
    measure.print_results(found, out)
    out.print(f"results: {results.resolve()}", **PLAIN)


# The analyst commands live in flows/analyst.py, the web app's in web/commands.py,
# the operator's in flows/operate.py.
app.command()(analyst.docs)
app.command()(analyst.export)
app.command()(web_commands.report)
app.command()(web_commands.browse)
app.command()(operate.status)
app.command()(operate.doctor)


if __name__ == "__main__":
    app()

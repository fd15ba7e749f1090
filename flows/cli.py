"""`minutes ...`: the command line (CONTRACT.md). Prefect is imported only by the
commands that run flows, so `extract` and `sql` stay fast."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table

import extractors
from extractors.errors import is_warning
from flows import analyst
from flows.settings import SAMPLE_SOURCES, Settings, configure_prefect
from flows.sources import SourcesError, load_sources, select
from models.ids import sha256_hex
from models.records import Document
from web import commands as web_commands

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
# Piped output (files, CI logs) gets a wide console instead of rich's 80 columns.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

READ_ONLY_STATEMENTS = {"SELECT", "EXPLAIN"}

WarehouseOption = Annotated[
    Path | None,
    typer.Option("--warehouse", help="DuckDB file [env MINUTES_WAREHOUSE]"),
]
RawDirOption = Annotated[
    Path | None, typer.Option("--raw-dir", help="raw zone [env MINUTES_RAW_DIR]")
]


NEEDS_LISTING = {"missing_header", "no_meeting_date"}
META_KEYS = ("body", "meeting_date", "section", "title", "doc_kind", "diary_number")


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
        sha256=sha256_hex(data),
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
) -> None:
    """Run the flow fetch → raw zone → extract → load and print a summary.

    With --since, web sources are walked in yearly windows, each loaded as it is
    done: an interrupted backfill started again with the same dates resumes."""
    start, end = parse_since(since), parse_since(until, "--until")
    if end is not None and start is None:
        raise typer.BadParameter("--until needs --since", param_hint="--until")
    try:
        select(load_sources(sources), source or [])
    except SourcesError as error:
        err.print(f"[red]minutes run:[/red] {error}")
        raise typer.Exit(2) from error
    configure_prefect()
    from flows.nightly import AllSourcesFailed, minutes_run

    try:
        summary = minutes_run(sources, source or [], start, raw_dir, warehouse, end)
    except AllSourcesFailed as error:
        err.print(f"[red]minutes run:[/red] {error}")
        raise typer.Exit(1) from error
    print_summary(summary)


@app.command()
def serve() -> None:
    """Serve the nightly deployment `minutes-nightly` (03:00 Europe/Helsinki).

    Runs show in the UI of the Prefect server that PREFECT_API_URL names."""
    configure_prefect()
    from flows.deploy import serve_nightly

    serve_nightly()


@app.command()
def reprocess(warehouse: WarehouseOption = None, raw_dir: RawDirOption = None) -> None:
    """Re-extract every document in the raw zone with the current extractors; reload."""
    configure_prefect()
    from flows.nightly import minutes_reprocess

    print_summary(minutes_reprocess(raw_dir, warehouse))


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
    how its last run went (`blocked by robots.txt`, `failed`, `loaded`)."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        entries = load_sources(sources)
    except SourcesError as error:
        err.print(f"[red]minutes sources:[/red] {error}")
        raise typer.Exit(2) from error
    from flows.warehouse import source_states, watermark

    path = Settings.from_env(warehouse=warehouse).warehouse
    states = source_states(path)
    table = Table(title=f"{len(entries)} sources in {sources}")
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
        last = watermark(path, s.name)
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
        err.print(f"[red]minutes sources add:[/red] {error}")
        raise typer.Exit(2) from error
    same = [
        s.name for s in existing if s.base_url.rstrip("/") == found.base_url.rstrip("/")
    ]
    if same:
        listed = f"{found.base_url} is already listed as '{same[0]}'"
        err.print(f"[red]minutes sources add:[/red] {listed}")
        raise typer.Exit(2)
    chosen = unique_name(name or found.name, {s.name for s in existing})
    entry = toml_entry(found, chosen, municipality, language, url)
    with sources.open("a", encoding="utf-8") as handle:
        handle.write(entry)
    try:
        load_sources(sources)
    except SourcesError as error:
        err.print(f"[red]minutes sources add:[/red] the entry is not valid: {error}")
        raise typer.Exit(2) from error
    out.print(
        f"added '{chosen}' ({found.platform}, {found.base_url}) to {sources}", **PLAIN
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
    """The run summary as a small table, with quarantined documents listed."""
    c = summary.counts
    table = Table(
        title=f"minutes run {summary.run_id[:8]}: {', '.join(summary.sources)}"
    )
    table.add_column("")
    table.add_column("new / inserted", justify="right")
    table.add_column("updated", justify="right")
    table.add_column("unchanged", justify="right")
    table.add_row("documents", str(c.documents_new), "", str(c.documents_unchanged))
    table.add_row(
        "items", str(c.items_inserted), str(c.items_updated), str(c.items_unchanged)
    )
    out.print(table)
    out.print(f"quarantined: {c.quarantined}")
    for uri, stage, reason in c.quarantine:
        out.print(f"  {uri} ({stage}): {reason}")
    for name, error in getattr(summary, "failures", {}).items():
        out.print(f"[red]source {name} failed[/red]: {error}")
    for name, url in getattr(summary, "blocked", {}).items():
        out.print(f"[yellow]source {name} blocked by robots.txt[/yellow]: {url}")
    if c.field_changes:
        changed = ", ".join(f"{k} {v}" for k, v in c.field_changes.most_common())
        out.print(f"values changed per field: {changed}")
    out.print(f"status: {getattr(summary, 'status', 'completed')}")
    out.print(f"warehouse: {summary.warehouse}")


def refuse_writes(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Exit with a clear message unless every statement only reads."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as error:
        err.print(f"[red]minutes sql:[/red] {error}")
        raise typer.Exit(2) from error
    for statement in statements:
        if statement.type.name not in READ_ONLY_STATEMENTS:
            err.print(
                f"[red]minutes sql:[/red] refused: {statement.type.name} statements"
                " are not allowed; the warehouse is read-only here (use SELECT)"
            )
            raise typer.Exit(2)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="a read-only SQL query")],
    format: Annotated[
        str, typer.Option("--format", help="table, csv or json")
    ] = "table",
    warehouse: WarehouseOption = None,
) -> None:
    """Answer a read-only query on the warehouse."""
    from flows.warehouse import WarehouseMissing, connect_read_only

    if format not in ("table", "csv", "json"):
        raise typer.BadParameter("use table, csv or json", param_hint="--format")
    try:
        con = connect_read_only(Settings.from_env(warehouse=warehouse).warehouse)
    except WarehouseMissing as error:
        err.print(f"[red]minutes sql:[/red] {error}")
        raise typer.Exit(2) from error
    refuse_writes(con, query)
    try:
        frame = con.execute(query).df()
    except duckdb.Error as error:
        err.print(f"[red]minutes sql:[/red] {error}")
        raise typer.Exit(2) from error
    render(frame, format)


def render(frame: Any, format: str) -> None:
    """Print a result frame as a rich table, CSV or JSON Lines."""
    if format == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif format == "json":
        text = frame.to_json(
            orient="records", lines=True, force_ascii=False, date_format="iso"
        )
        sys.stdout.write(text.rstrip("\n") + "\n" if text.strip() else "")
    else:
        table = Table(show_lines=False)
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*("" if _is_null(v) else str(v) for v in row))
        out.print(table)
        out.print(f"{len(frame)} rows")


def _is_null(value: Any) -> bool:
    """True for None/NaN/NaT cells."""
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False


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
        err.print(f"[red]minutes evaluate:[/red] {_reason(error)}")
        raise typer.Exit(2) from error
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


# The analyst commands live in flows/analyst.py, the web app's in web/commands.py.
app.command()(analyst.docs)
app.command()(analyst.export)
app.command()(web_commands.report)
app.command()(web_commands.browse)


if __name__ == "__main__":
    app()

"""The analyst's side of the warehouse: `minutes docs` (the data dictionary,
docs/warehouse.md), `minutes export` (Parquet / CSV per analyst view) and
`minutes report` (one self-contained HTML page with inline SVG charts)."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from html import escape
from importlib import resources
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.table import Table

from flows import charts, warehouse
from flows.console import err, fail, out
from flows.load import COUNT_NAMES
from flows.render import text_select
from flows.settings import PROJECT_ROOT, Settings, SettingsError
from models import dictionary
from models.vocab import Outcome

ANALYST_VIEWS = (
    "decisions",
    "meeting_summary",
    "body_summary",
    "people",
    "vote_details",
    "quality",
)
DOCS_PATH = PROJECT_ROOT / "docs" / "warehouse.md"
QUERIES_PATH = PROJECT_ROOT / "docs" / "queries.sql"


class ExportFormat(StrEnum):
    """What `minutes export` writes."""

    parquet = "parquet"
    csv = "csv"


WarehouseOption = Annotated[
    Path | None,
    typer.Option("--warehouse", help="DuckDB file \\[env: MINUTES_WAREHOUSE]"),
]


# --- connections ------------------------------------------------------------------


def open_warehouse(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection with the current schema and analyst views; a warehouse
    loaded by an older version is upgraded once (as a writer, when no run holds it)."""
    target = Settings.resolve(warehouse=path).warehouse
    con = warehouse.connect_read_only(target)
    if warehouse.is_current(con) and _has_views(con):
        return con
    con.close()
    upgrade(target)
    return warehouse.connect_read_only(target)


def upgrade(target: Path) -> None:
    """Apply migrations and views to a warehouse through the writer (lock, copy,
    publish); when a run holds the lock, that run upgrades it."""
    from flows.writer import WarehouseLocked, Writer, new_holder

    holder = new_holder("upgrade", "minutes (schema upgrade)")
    with contextlib.suppress(WarehouseLocked), Writer(target, holder):
        pass


def _has_views(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every analyst view exists."""
    found = {
        r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()
    }
    return set(ANALYST_VIEWS) <= found


def fts_extension() -> Path:
    """The fts extension file shipped by the duckdb-extension-fts package."""
    folder = Path(str(resources.files("duckdb_extension_fts"))) / "extensions"
    return next(folder.glob(f"v{duckdb.__version__}/fts.duckdb_extension"))


def query_session(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory session with fts loaded and the warehouse attached read-only
    as `wh` and in use: the setting docs/queries.sql is written for."""
    open_warehouse(path).close()
    target = Settings.resolve(warehouse=path).warehouse
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"LOAD {_literal(str(fts_extension()))}")
    con.execute(f"ATTACH {_literal(str(target))} AS wh (READ_ONLY)")
    con.execute("USE wh")
    return con


# Settings that close a query session to everything but the attached warehouse:
# no files read or written (COPY … TO, read_csv, ATTACH), no extension installed or
# loaded on demand, and no setting changed back afterwards.
LOCKDOWN = (
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET lock_configuration = true",
)


def locked_session(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """query_session closed at the DuckDB level (LOCKDOWN): for queries typed by
    whoever runs `minutes sql`; full-text search still works (fts is loaded first,
    from the packaged extension)."""
    con = query_session(path)
    for setting in LOCKDOWN:
        con.execute(setting)
    return con


def _literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


# --- named queries (docs/queries.sql) ---------------------------------------------


@dataclass(frozen=True)
class NamedQuery:
    """One example query: `-- name: …`, a one-line explanation, the SQL."""

    name: str
    explanation: str
    sql: str


def read_queries(text: str) -> list[NamedQuery]:
    """The named queries of a queries.sql text, in file order."""
    blocks = re.split(r"^-- name: *", text, flags=re.MULTILINE)[1:]
    return [_named_query(block) for block in blocks]


def statements(sql: str) -> list[str]:
    """The statements of a query, split where a line ends with ';' (DuckDB's own
    splitter expands PRAGMAs too early for a script that creates its table first)."""
    parts = re.split(r";[ \t]*$", sql, flags=re.MULTILINE)
    return [part.strip() for part in parts if part.strip()]


def run_query(con: duckdb.DuckDBPyConnection, query: NamedQuery) -> list[tuple]:
    """Run a named query's statements in order; the rows of the last."""
    result = None
    for statement in statements(query.sql):
        result = con.execute(statement)
    return result.fetchall() if result is not None else []


def _named_query(block: str) -> NamedQuery:
    """A block that starts with the name line, then `-- explanation`, then SQL."""
    name, _, rest = block.partition("\n")
    lines = rest.splitlines()
    explanation = lines[0].removeprefix("--").strip() if lines else ""
    return NamedQuery(name.strip(), explanation, "\n".join(lines[1:]).strip())


# --- data dictionary --------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """A table or view with its columns as (name, type)."""

    name: str
    kind: str
    columns: tuple[tuple[str, str], ...]


def schema() -> list[Relation]:
    """Every table and view of a fresh warehouse: analyst views first."""
    con = duckdb.connect()
    warehouse.migrate(con)
    rows = con.execute(
        "SELECT view_name, 'view' FROM duckdb_views() WHERE NOT internal"
        " UNION ALL SELECT table_name, 'table' FROM duckdb_tables() WHERE NOT internal"
    ).fetchall()
    found = [Relation(name, kind, _columns(con, name)) for name, kind in rows]
    con.close()
    return sorted(found, key=_relation_order)


def _columns(
    con: duckdb.DuckDBPyConnection, relation: str
) -> tuple[tuple[str, str], ...]:
    """(name, type) of a relation's columns, in order."""
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns()"
        " WHERE table_name = ? ORDER BY column_index",
        [relation],
    ).fetchall()
    return tuple((str(name), str(kind)) for name, kind in rows)


def _relation_order(relation: Relation) -> tuple[int, int, str]:
    """Views before tables, each in the dictionary's order, then by name."""
    known = list(dictionary.RELATIONS)
    rank = known.index(relation.name) if relation.name in known else len(known)
    return (relation.kind != "view", rank, relation.name)


def undocumented(relations: list[Relation]) -> list[str]:
    """`relation` or `relation.column` for each missing description."""
    missing = [r.name for r in relations if not dictionary.describe_relation(r.name)]
    for relation in relations:
        for column, _ in relation.columns:
            if not dictionary.describe_column(relation.name, column):
                missing.append(f"{relation.name}.{column}")
    return missing


def render_dictionary(relations: list[Relation]) -> str:
    """docs/warehouse.md: one section per table and view, one row per column."""
    parts = [DOCS_HEADER, _index(relations)]
    parts.extend(_relation_section(relation) for relation in relations)
    return "\n".join(parts)


DOCS_HEADER = """# The warehouse: data dictionary

<!-- Generated by `minutes docs` from the schema (models/sql/) and the sentences in
models/dictionary.py. Do not edit by hand; a test fails when it is out of date. -->

Start from the **views**; the tables underneath are the load's bookkeeping. The
contract's `meetings`, `bodies`, `persons` and `votes` are tables, so the analyst views
over them are named `meeting_summary`, `body_summary`, `people` and `vote_details`.
Example queries: [queries.sql](queries.sql).
"""


def _index(relations: list[Relation]) -> str:
    """A table of contents: name, kind, one sentence."""
    lines = ["| name | kind | one row per / what |", "|---|---|---|"]
    for r in relations:
        sentence = dictionary.describe_relation(r.name) or "**undocumented**"
        lines.append(f"| [`{r.name}`](#{r.name}) | {r.kind} | {sentence} |")
    return "\n".join(lines) + "\n"


def _relation_section(relation: Relation) -> str:
    """One relation's heading, sentence and column table."""
    sentence = dictionary.describe_relation(relation.name) or "**undocumented**"
    lines = [f"## {relation.name}", "", f"{relation.kind}: {sentence}", ""]
    lines += ["| column | type | description |", "|---|---|---|"]
    for column, kind in relation.columns:
        text = dictionary.describe_column(relation.name, column) or "**undocumented**"
        lines.append(f"| `{column}` | `{kind}` | {text} |")
    return "\n".join(lines) + "\n"


def docs(
    out_path: Annotated[
        Path, typer.Option("--out", help="where to write the dictionary")
    ] = DOCS_PATH,
    check: Annotated[
        bool, typer.Option("--check", help="only check that the file is up to date")
    ] = False,
) -> None:
    """Generate the data dictionary (docs/warehouse.md) from the schema."""
    relations = schema()
    text = render_dictionary(relations)
    for name in undocumented(relations):
        err.print(f"[yellow]minutes docs:[/yellow] no description for {name}")
    if check:
        current = out_path.read_text("utf-8") if out_path.exists() else ""
        if current != text:
            err.print(f"minutes docs: {out_path} is out of date; run `minutes docs`")
            raise typer.Exit(1)
        return
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(text, encoding="utf-8")
    out.print(f"wrote {out_path} ({len(relations)} tables and views)")


# --- export -----------------------------------------------------------------------


def partition_keys(con: duckdb.DuckDBPyConnection, view: str) -> list[str]:
    """Parquet partitions of a view: municipality and year where it has them."""
    columns = {name for name, _ in _columns(con, view)}
    keys = ["municipality"] if "municipality" in columns else []
    return keys + (["year"] if "meeting_date" in columns else [])


def _select(view: str, keys: list[str]) -> str:
    """The query a view is exported with (a `year` column when partitioned by it)."""
    extra = ", year(meeting_date) AS year" if "year" in keys else ""
    return f"SELECT *{extra} FROM {view}"


def _csv_select(con: duckdb.DuckDBPyConnection, view: str) -> str:
    """The query a view is exported to CSV with: nested values as JSON text."""
    relation = con.sql(f"SELECT * FROM {view}")
    return f"SELECT {text_select(relation.columns, relation.types)} FROM {view}"


def export_view(
    con: duckdb.DuckDBPyConnection, view: str, fmt: str, folder: Path
) -> Path:
    """Write one view: CSV as <view>.csv, Parquet as <view>/ (hive partitions)."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        target = folder / f"{view}.csv"
        query = _csv_select(con, view)
        con.execute(f"COPY ({query}) TO {_literal(str(target))} (HEADER)")
        return target
    target = folder / view
    keys = partition_keys(con, view)
    if not keys:
        target.mkdir(parents=True, exist_ok=True)
        path = _literal(str(target / "data_0.parquet"))
        con.execute(f"COPY ({_select(view, keys)}) TO {path} (FORMAT parquet)")
        return target
    options = f"FORMAT parquet, PARTITION_BY ({', '.join(keys)}), OVERWRITE"
    con.execute(f"COPY ({_select(view, keys)}) TO {_literal(str(target))} ({options})")
    return target


def export(
    out_dir: Annotated[Path, typer.Option("--out", help="folder to write into")],
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", help="parquet (partitioned) or csv (nested as JSON)"),
    ] = ExportFormat.parquet,
    warehouse: WarehouseOption = None,
) -> None:
    """Write every analyst view as Parquet (by municipality and year) or CSV."""
    con = open_or_exit(warehouse, "export")
    out_dir.mkdir(parents=True, exist_ok=True)
    table = Table(title=f"minutes export ({fmt}) → {out_dir}")
    for column in ("view", "rows", "written to"):
        table.add_column(column)
    for view in ANALYST_VIEWS:
        target = export_view(con, view, fmt, out_dir)
        table.add_row(view, str(_count(con, view)), str(target))
    con.close()
    out.print(table)


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    """Number of rows of a table or view."""
    row = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    return int(row[0]) if row else 0


def open_or_exit(path: Path | None, command: str) -> duckdb.DuckDBPyConnection:
    """open_warehouse, or exit 2 with the reason in one line."""
    try:
        return open_warehouse(path)
    except (
        warehouse.WarehouseMissing,
        warehouse.WarehouseUnreadable,
        SettingsError,
        duckdb.Error,
    ) as error:
        fail(command, error)


# --- report -----------------------------------------------------------------------

OUTCOME_ORDER = [o.value for o in Outcome] + ["(none)"]
OUTCOME_COLORS = {
    "approved": "#2e7d32",
    "amended": "#81c784",
    "rejected": "#c62828",
    "tabled": "#ef6c00",
    "returned": "#f9a825",
    "noted": "#1565c0",
    "removed": "#757575",
    "elected": "#6a1b9a",
    "other": "#8d6e63",
    "(none)": "#cfd8dc",
}
MAX_SERIES = 9


def report(
    out_path: Annotated[Path, typer.Option("--out", help="HTML file to write")] = Path(
        "report.html"
    ),
    warehouse: WarehouseOption = None,
) -> None:
    """Write one self-contained HTML page with charts of the warehouse."""
    con = open_or_exit(warehouse, "report")
    target = Settings.resolve(warehouse=warehouse).warehouse
    html = build_report(con, str(target))
    con.close()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(html, encoding="utf-8")
    out.print(f"wrote {out_path} ({len(html) // 1024} KiB)")


def build_report(con: duckdb.DuckDBPyConnection, source: str) -> str:
    """The report page: a header, a contents line and four sections."""
    sections = [
        ("decisions-over-time", "Decisions over time per body", decisions_over_time),
        ("outcome-mix", "Outcome mix per municipality", outcome_mix),
        ("field-coverage", "Field coverage per source", field_coverage),
        ("latest-run", "Latest run", latest_run),
    ]
    nav = " · ".join(
        f"<a href='#{sid}'>{escape(title)}</a>" for sid, title, _ in sections
    )
    body = "".join(
        f"<section id='{sid}'><h2>{escape(title)}</h2>{build(con)}</section>"
        for sid, title, build in sections
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = f"<p class='meta'>{escape(source)} · generated {stamp}</p><nav>{nav}</nav>"
    return PAGE.format(totals=_totals(con), head=head, body=body)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>minutes — warehouse report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1000px;
       color: #222; padding: 0 1rem; }}
h1 {{ margin-bottom: .2rem; }}
h2 {{ border-bottom: 1px solid #ddd; margin-top: 2.2rem; }}
.meta, .note {{ color: #666; font-size: .9rem; }}
nav a {{ color: #1565c0; }}
.totals {{ display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }}
.totals div {{ background: #f5f7fa; border-radius: 6px; padding: .5rem .9rem; }}
.totals b {{ display: block; font-size: 1.4rem; }}
table {{ border-collapse: collapse; font-size: .9rem; margin: .5rem 0; }}
td, th {{ border-bottom: 1px solid #eee; padding: .25rem .6rem; text-align: left; }}
svg.chart {{ display: block; margin: .5rem 0; }}
</style></head><body>
<h1>Meeting minutes warehouse</h1>
{head}
{totals}
{body}
</body></html>
"""


def _totals(con: duckdb.DuckDBPyConnection) -> str:
    """Headline numbers: items, meetings, bodies, municipalities, quarantined."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM meetings),"
        " (SELECT count(*) FROM bodies),"
        " (SELECT count(DISTINCT municipality) FROM items),"
        " (SELECT count(DISTINCT document) FROM quarantine)"
    ).fetchone() or (0, 0, 0, 0, 0)
    labels = ("items", "meetings", "bodies", "municipalities", "quarantined documents")
    cells = "".join(
        f"<div><b>{v}</b>{k}</div>" for k, v in zip(labels, row, strict=True)
    )
    return f"<div class='totals'>{cells}</div>"


def _empty(message: str) -> str:
    """A note shown where a section has no data yet."""
    return f"<p class='note'>{escape(message)}</p>"


def decisions_over_time(con: duckdb.DuckDBPyConnection) -> str:
    """Stacked columns of minutes items per period (month or year), one colour per
    body."""
    rows = con.execute(
        "SELECT body || coalesce(' (' || municipality || ')', '') AS body,"
        " meeting_date, count(*) FROM items WHERE doc_kind = 'minutes' GROUP BY ALL"
    ).fetchall()
    if not rows:
        return _empty("No minutes loaded yet.")
    unit = _unit(min(r[1] for r in rows), max(r[1] for r in rows))
    categories = _periods(min(r[1] for r in rows), max(r[1] for r in rows), unit)
    series = _series(rows, categories, unit)
    note = (
        f"Items of minutes (agendas left out) per {unit}; bodies are per municipality"
        f", the {MAX_SERIES} biggest shown, the rest as 'other bodies'."
    )
    chart = charts.stacked_columns(categories, series, "decisions over time per body")
    return _empty(note) + chart


def _unit(first: date, last: date) -> str:
    """Month when the data spans up to three years, else year."""
    return "month" if (last - first).days <= 3 * 366 else "year"


def _period(day: date, unit: str) -> str:
    """The label of the period a date falls in."""
    return day.strftime("%Y-%m") if unit == "month" else str(day.year)


def _periods(first: date, last: date, unit: str) -> list[str]:
    """Every period from first to last, gaps included."""
    if unit == "year":
        return [str(y) for y in range(first.year, last.year + 1)]
    months = (last.year - first.year) * 12 + last.month - first.month
    index = first.year * 12 + first.month - 1
    return [
        f"{(index + i) // 12}-{(index + i) % 12 + 1:02d}" for i in range(months + 1)
    ]


def _series(
    rows: list[tuple[str, date, int]], categories: list[str], unit: str
) -> dict[str, list[float]]:
    """Counts per body and period; bodies beyond MAX_SERIES summed as 'other'."""
    totals: dict[str, int] = {}
    for body, _, n in rows:
        totals[body] = totals.get(body, 0) + n
    top = sorted(totals, key=lambda b: (-totals[b], b))[:MAX_SERIES]
    series = {b: [0.0] * len(categories) for b in [*top, "other bodies"]}
    for body, day, n in rows:
        key = body if body in top else "other bodies"
        series[key][categories.index(_period(day, unit))] += n
    return {k: v for k, v in series.items() if any(v)}


def outcome_mix(con: duckdb.DuckDBPyConnection) -> str:
    """100 % bars of outcomes per municipality."""
    rows = con.execute(
        "SELECT coalesce(municipality, '(unknown)'), coalesce(outcome, '(none)'),"
        " count(*) FROM items GROUP BY ALL ORDER BY 1"
    ).fetchall()
    if not rows:
        return _empty("No items loaded yet.")
    mix: dict[str, dict[str, float]] = {}
    for municipality, outcome, n in rows:
        mix.setdefault(municipality, {})[outcome] = n
    colors = {
        **OUTCOME_COLORS,
        **{o: "#999" for _, o, _ in rows if o not in OUTCOME_COLORS},
    }
    order = OUTCOME_ORDER + sorted(set(colors) - set(OUTCOME_ORDER))
    note = _empty("Share of items per outcome; (none) = agenda items, not yet decided.")
    return note + charts.share_bars(mix, order, colors, "outcome mix per municipality")


def field_coverage(con: duckdb.DuckDBPyConnection) -> str:
    """A heatmap of the `quality` view, and documents / quarantined per source."""
    rows = con.execute(
        "SELECT source, field, coverage_pct, documents, quarantined_documents"
        " FROM quality ORDER BY field, source"
    ).fetchall()
    if not rows:
        return _empty("No sources loaded yet.")
    fields = list(dict.fromkeys(r[1] for r in rows))
    sources = sorted({r[0] for r in rows})
    values = {(r[1], r[0]): r[2] for r in rows}
    heat = charts.heatmap(fields, sources, values, "field coverage per source")
    docs = {r[0]: (r[3], r[4]) for r in rows}
    quarantined = {s: float(docs[s][1]) for s in sources}
    bars = charts.bars(quarantined, "quarantined documents per source", "#c62828")
    note = _empty(
        "Share of items with a value in each field (null and empty count as missing)."
    )
    return (
        note
        + heat
        + "<h3>Quarantined documents per source</h3>"
        + bars
        + (_source_table(sources, docs))
    )


def _source_table(sources: list[str], docs: dict[str, tuple[int, int]]) -> str:
    """Documents and quarantined documents per source, as a table."""
    rows = "".join(
        f"<tr><td>{escape(s)}</td><td>{docs[s][0]}</td><td>{docs[s][1]}</td></tr>"
        for s in sources
    )
    head = "<tr><th>source</th><th>documents</th><th>quarantined</th></tr>"
    return f"<table>{head}{rows}</table>"


RUN_COUNTS = COUNT_NAMES


def latest_run(con: duckdb.DuckDBPyConnection) -> str:
    """The newest row of `runs`: its facts as a table, its counts as bars."""
    result = con.execute("SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
    row = result.fetchone()
    if row is None:
        return _empty("No runs yet: `minutes run` loads the warehouse.")
    run = dict(zip([d[0] for d in result.description], row, strict=True))
    seconds = (run["finished_at"] - run["started_at"]).total_seconds()
    facts = {
        "run": str(run["run_id"]),
        "kind": str(run["kind"]),
        "started": str(run["started_at"])[:19],
        "duration": f"{seconds:.1f} s",
        "sources": ", ".join(_json_list(run["sources"])),
        "extractor version": str(run["extractor_version"]),
        "runs in total": str(_count(con, "runs")),
    }
    rows = "".join(
        f"<tr><th>{k}</th><td>{escape(v)}</td></tr>" for k, v in facts.items()
    )
    counts = {name.replace("_", " "): float(run[name]) for name in RUN_COUNTS}
    return f"<table>{rows}</table>" + charts.bars(counts, "latest run counts")


def _json_list(value: object) -> list[str]:
    """A JSON list column as Python strings."""
    items = json.loads(value) if isinstance(value, str) else value
    return [str(v) for v in items] if isinstance(items, list) else []

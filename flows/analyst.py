"""The analyst's side of the warehouse: `minutes docs` (the data dictionary,
docs/warehouse.md) and `minutes export` (Parquet / CSV per analyst view); the
report (`minutes report`) is made with the browse app's templates (web/report.py)."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.table import Table

from flows import warehouse
from flows.console import err, fail, out
from flows.render import text_select
from flows.search_index import fts_extension
from flows.settings import PROJECT_ROOT, Settings, SettingsError
from models import dictionary

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

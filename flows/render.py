"""Query results written through DuckDB's own types: a date prints as 2024-01-16,
nested values (lists, structs, maps, JSON) as JSON, NULL one way per format (`NULL`
in a table, an empty field in CSV, `null` in JSON)."""

from __future__ import annotations

import csv
from typing import TextIO

import duckdb
from rich.table import Table

NESTED_TYPE_IDS = {"list", "struct", "map", "union", "array"}
NULL_CELL = "[dim]NULL[/dim]"


def is_nested(kind: duckdb.typing.DuckDBPyType) -> bool:
    """True for types that only JSON writes faithfully."""
    return kind.id in NESTED_TYPE_IDS or str(kind) == "JSON"


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def text_select(columns: list[str], types: list[duckdb.typing.DuckDBPyType]) -> str:
    """A select list turning each column into DuckDB's text for it (JSON for nested
    values), keeping the column names."""
    parts = []
    for name, kind in zip(columns, types, strict=True):
        value = f"to_json({quote(name)})" if is_nested(kind) else quote(name)
        parts.append(f"CAST({value} AS VARCHAR) AS {quote(name)}")
    return ", ".join(parts) or "*"


def as_text(relation: duckdb.DuckDBPyRelation) -> list[tuple[str | None, ...]]:
    """The rows as DuckDB's text (None for NULL)."""
    if not relation.columns:
        return []
    return relation.project(text_select(relation.columns, relation.types)).fetchall()


def write_csv(relation: duckdb.DuckDBPyRelation, out: TextIO) -> int:
    """CSV with a header; nested values as JSON, NULL as an empty field."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(relation.columns)
    rows = as_text(relation)
    writer.writerows(rows)
    return len(rows)


def write_json_lines(relation: duckdb.DuckDBPyRelation, out: TextIO) -> int:
    """One JSON object per row, as DuckDB's to_json writes it."""
    rows = relation.query("result", "SELECT to_json(result) FROM result").fetchall()
    for (line,) in rows:
        out.write(line + "\n")
    return len(rows)


def table(relation: duckdb.DuckDBPyRelation) -> tuple[Table, int]:
    """A rich table of the rows, NULL shown as a dim `NULL`; and the row count."""
    grid = Table(show_lines=False)
    for column in relation.columns:
        grid.add_column(column, overflow="fold")
    rows = as_text(relation)
    for row in rows:
        grid.add_row(*(NULL_CELL if v is None else _plain(v) for v in row))
    return grid, len(rows)


def _plain(value: str) -> str:
    """A cell's text with rich markup escaped."""
    return value.replace("[", "\\[")

"""The DuckDB warehouse: connect, apply numbered migrations, (re)create the views."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import duckdb

MIGRATION_NAME = re.compile(r"^(?P<version>\d{3})_(?P<name>\w+)\.sql$")
VIEWS = "views.sql"


class WarehouseMissing(Exception):
    """The warehouse file does not exist (nothing loaded yet)."""


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every numbered migration, in order."""
    found = []
    for entry in resources.files("models.sql").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(
                (int(match["version"]), match["name"], entry.read_text("utf-8"))
            )
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction; then views.
    Returns the versions applied (none on an up-to-date warehouse)."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {
        row[0]
        for row in con.execute("SELECT version FROM schema_migrations").fetchall()
    }
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        con.begin()
        con.execute(sql)
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)",
            [version, name, datetime.now(UTC)],
        )
        con.commit()
        applied.append(version)
    con.execute(resources.files("models.sql").joinpath(VIEWS).read_text("utf-8"))
    return applied


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to an up-to-date warehouse (created if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    migrate(con)
    return con


def watermark(path: Path, source: str) -> date | None:
    """The oldest of a source's per-body watermarks (None: never crawled)."""
    if not path.exists():
        return None
    con = connect_read_only(path)
    try:
        has_table = con.execute(
            "SELECT count(*) FROM information_schema.tables"
            " WHERE table_name = 'watermarks'"
        ).fetchone()
        if not has_table or not has_table[0]:
            return None
        row = con.execute(
            "SELECT min(last_meeting_date) FROM watermarks WHERE source = ?", [source]
        ).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def completed_windows(path: Path, job: str) -> set[date]:
    """Start dates of the windows an unfinished backfill job already loaded."""
    if not path.exists():
        return set()
    con = connect(path)
    try:
        rows = con.execute(
            "SELECT window_start FROM backfill_windows WHERE job = ?", [job]
        ).fetchall()
    finally:
        con.close()
    return {row[0] for row in rows}


def clear_windows(path: Path, job: str) -> None:
    """Forget a finished backfill job's progress."""
    con = connect(path)
    try:
        con.execute("DELETE FROM backfill_windows WHERE job = ?", [job])
    finally:
        con.close()


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; raises WarehouseMissing when there is no warehouse."""
    if not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run `minutes run` first")
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    return con


def source_states(path: Path) -> dict[str, str]:
    """Each source's state in the latest run that recorded it ("loaded", "failed",
    "blocked"); per_source keys of backfill windows start with the source name."""
    if not path.exists():
        return {}
    con = connect_read_only(path)
    try:
        rows = con.execute(
            "SELECT per_source FROM runs WHERE per_source IS NOT NULL"
            " ORDER BY started_at"
        ).fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    states: dict[str, str] = {}
    for (per_source,) in rows:
        for part, state in json.loads(per_source or "{}").items():
            states[part.split(" ")[0]] = str(state.get("status") or "")
    return states

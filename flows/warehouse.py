"""The DuckDB warehouse: connect, apply numbered migrations, (re)create the views."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TypeVar

import duckdb

MIGRATION_NAME = re.compile(r"^(?P<version>\d{3})_(?P<name>\w+)\.sql$")
VIEWS = "views.sql"


class WarehouseMissing(Exception):
    """The warehouse file does not exist (nothing loaded yet)."""


class WarehouseUnreadable(Exception):
    """The warehouse file exists but cannot be opened (locked, not DuckDB …);
    `holder` names the process that has it open for writing, if that is why."""

    def __init__(self, message: str, holder: str | None = None) -> None:
        super().__init__(message)
        self.holder = holder


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


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every migration is applied (a read-only check)."""
    try:
        rows = con.execute("SELECT version FROM schema_migrations").fetchall()
    except duckdb.CatalogException:
        return False
    return {version for version, _, _ in migrations()} <= {row[0] for row in rows}


T = TypeVar("T")
log = logging.getLogger(__name__)
# 64MB, not more: at 100k items 256MB let DuckDB's blocks take ~200 MB of the writer's
# peak (756 MiB; 583 and 570 MiB at 64MB, no batch out of memory, no slower:
# bench/NOTES.md "Eighth bench").
DEFAULT_MEMORY = "64MB"
# The write-ahead log a commit may leave before DuckDB checkpoints (its default,
# 16MB, is about 7 batches of 500 items): a checkpoint cost ~1.5 s in a warehouse of
# 100k items and grows with it, and the writer checkpoints when it publishes anyway
# (every minute or more, flows/writer.py).
CHECKPOINT_WAL = "128MB"


def memory_limit() -> str:
    """DuckDB's memory for the one writer (MINUTES_DUCKDB_MEMORY, 64MB): beyond it
    DuckDB evicts cached blocks and spills to `<warehouse>.tmp`. Its own default, 80%
    of RAM, let a 100k-item run keep every block it touched (bench/NOTES.md)."""
    value = os.environ.get("MINUTES_DUCKDB_MEMORY", "").strip() or DEFAULT_MEMORY
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", value, re.IGNORECASE):
        raise ValueError(
            f"MINUTES_DUCKDB_MEMORY={value!r}: give a size such as 256MB or 1GB"
        )
    return value


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to an up-to-date warehouse (created if missing), with
    the writer's memory limit."""
    limit = memory_limit()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_WAL}'")
    migrate(con)
    bound_memory(con, limit)
    return con


def bound_memory(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    """Set the connection's memory limit; when DuckDB already holds more than that,
    leave it as it is, with a warning (a limit is no reason to stop)."""
    try:
        con.execute(f"SET memory_limit = '{limit}'")
    except duckdb.OutOfMemoryException as error:
        log.warning(
            "MINUTES_DUCKDB_MEMORY=%s not applied (%s)",
            limit,
            str(error).splitlines()[0],
        )


def beyond_the_limit_if_needed(
    con: duckdb.DuckDBPyConnection, work: Callable[[], T], what: str
) -> T:
    """`work()` (one transaction that rolls back on error) under the writer's memory
    limit; if DuckDB runs out of it, once more under DuckDB's own default, with a
    warning: the limit bounds memory, it must not fail a run (the search index
    over 1M items needs more than that)."""
    try:
        return work()
    except duckdb.OutOfMemoryException as error:
        log.warning(
            "%s needed more than MINUTES_DUCKDB_MEMORY=%s (%s): done again without"
            " the limit; raise it to keep this from happening",
            what,
            memory_limit(),
            str(error).splitlines()[0],
        )
    lift_memory_limit(con)
    try:
        return work()
    finally:
        bound_memory(con, memory_limit())


def lift_memory_limit(con: duckdb.DuckDBPyConnection) -> None:
    """Back to DuckDB's own default (80% of RAM), set by value: `RESET memory_limit`
    alone reports the default but leaves the buffer pool at the old limit."""
    con.execute("RESET memory_limit")
    default = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert default is not None
    con.execute(f"SET memory_limit = '{default[0]}'")


def watermark(path: Path, source: str) -> date | None:
    """The oldest of a source's per-body watermarks in a warehouse file (None: never
    crawled, or no warehouse yet)."""
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
        return watermark_in(con, source)
    finally:
        con.close()


def watermark_in(con: duckdb.DuckDBPyConnection, source: str) -> date | None:
    """The oldest of a source's per-body watermarks (None: never crawled)."""
    row = con.execute(
        "SELECT min(last_meeting_date) FROM watermarks WHERE source = ?", [source]
    ).fetchone()
    return row[0] if row else None


def completed_windows(con: duckdb.DuckDBPyConnection, job: str) -> set[date]:
    """Start dates of the windows an unfinished backfill job already loaded."""
    rows = con.execute(
        "SELECT window_start FROM backfill_windows WHERE job = ?", [job]
    ).fetchall()
    return {row[0] for row in rows}


def clear_windows(con: duckdb.DuckDBPyConnection, job: str) -> None:
    """Forget a finished backfill job's progress."""
    con.execute("DELETE FROM backfill_windows WHERE job = ?", [job])


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; WarehouseMissing when there is no warehouse,
    WarehouseUnreadable (one line, no traceback) when it cannot be opened."""
    if not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run `minutes run` first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        reason = unreadable_reason(path, error)
        raise WarehouseUnreadable(reason, lock_holder(error)) from error
    con.execute("SET TimeZone = 'UTC'")
    return con


CONFLICT = re.compile(
    r"Conflicting lock is held in (?P<program>\S+) \(PID (?P<pid>\d+)\)"
)


def lock_holder(error: duckdb.Error) -> str | None:
    """`<program> (pid N)` when DuckDB refused a file another process holds."""
    match = CONFLICT.search(str(error))
    if match is None:
        return None
    return f"{Path(match['program']).name} (pid {match['pid']})"


def unreadable_reason(path: Path, error: duckdb.Error) -> str:
    """Why a warehouse file could not be opened, in one line."""
    holder = lock_holder(error)
    if holder:
        return (
            f"warehouse {path} is open for writing by {holder}; readers should open"
            " it with read_only=True"
        )
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return f"warehouse {path} cannot be opened: {first}"


def source_states(path: Path) -> dict[str, str]:
    """Each source's status in the latest run that recorded it (run_sources:
    succeeded, failed, blocked, refused, cancelled), as `minutes status` reads them;
    empty without a warehouse or before migration 010 (the next run adds it)."""
    if not path.exists():
        return {}
    con = connect_read_only(path)
    try:
        rows = con.execute(
            "SELECT source, arg_max(status, finished_at) FROM run_sources"
            " GROUP BY source"
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    finally:
        con.close()
    return {source: status for source, status in rows}

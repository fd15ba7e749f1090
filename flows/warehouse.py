"""The DuckDB warehouse: connect, apply numbered migrations, (re)create the views."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import importlib
import logging
import os
import re
from collections.abc import Callable, Iterator
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
        with transaction(con):
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, name, datetime.now(UTC)],
            )
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
# DuckDB keeps every primary-key index in memory it cannot evict, and a commit that
# checkpoints needs it: under a fixed 64MB, commits failed from ~100-150k items on (~43
# bytes a key measured; bench/NOTES.md "Twelfth bench"). The writer's limit grows by
# this much per key of the indexed tables.
INDEX_BYTES_PER_KEY = 64
# The write-ahead log a load may leave before the writer checkpoints; it checkpoints
# when it publishes too (every minute or more, flows/writer.py). The rows committed
# since the last checkpoint stay in memory until it: at 100k items 128MB peaked ~40
# MiB higher than 32MB, and 32MB ~47 MiB higher than 8MB, all in the same run time
# (2MB no lower than 8MB; bench/NOTES.md "Thirteenth" and "Fourteenth bench").
CHECKPOINT_WAL = "8MB"
# Table blocks DuckDB keeps cached after a checkpoint (beyond the keys' indexes): the
# rest are evicted (`release_cache`), the file and the OS's page cache hold them. A
# writer otherwise kept every block it had read up to its limit for the whole run
# (64 MiB from ~20k items on): 10k and 100k runs peaked 12-13 MiB lower and ran
# 40-50 MiB lower between loads, no slower (bench/NOTES.md "Nineteenth bench").
CACHE_AFTER_CHECKPOINT = "4MB"
# DuckDB's block size for a warehouse file it creates (its default is 262,144). Rows
# appended since the last checkpoint stay in memory in blocks, at least one per
# column written: with 256 KiB blocks a 10k run held up to 50 MiB of them between
# checkpoints, with 64 KiB 25 MiB (and a file 18% smaller), no slower (bench/NOTES.md
# "Sixteenth bench"). A file keeps the block size it was made with: an existing
# warehouse stays as it is.
NEW_FILE_BLOCK_BYTES = 65_536
# DuckDB threads of the writer. While it loads, the extraction workers use the
# cores (one each), so DuckDB's own threads only compete with them: with one, 10k
# runs peaked ~5 MiB lower and were no slower (A/B, three each), glibc kept less
# free memory at 100k (bench/NOTES.md "Sixteenth bench"). The search index is built
# on it too: on two threads its sort ran out of the limit over 1M items and, done
# again without it, took 9.5 GB (bench/NOTES.md, "Search index in plain statements").
WRITER_THREADS = 1
# The writer's Arrow tables (a load's rows, the warehouse's answers) come from the C
# library's allocator, not pyarrow's default mimalloc pool, which keeps the pages it
# was given: 10k runs peaked 355-358 MiB against 378-382, 1k runs 259-260 against
# 278-280, no slower (bench/NOTES.md "Seventeenth bench"). An operator's own
# ARROW_DEFAULT_MEMORY_POOL is left as it is.
ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"
# DuckDB's own checkpoints are turned off in the writer (its threshold set past any
# log): a checkpoint that fails for memory has been applied in part and leaves the
# database invalidated, so every checkpoint is the writer's, without the limit.
NO_AUTOMATIC_CHECKPOINT = "1TB"
# Rows in a row group of what the writer adds (DuckDB's default is 122,880). Each
# checkpoint rewrites a table's last, partly filled row group, so with the default
# the writer's memory at a checkpoint grew with every table up to 122,880 rows
# (+140 MiB over its steady state at 100k items); with 16,384 it stays bounded, the
# file is ~20% smaller and checkpoints take a fraction of the time (NOTES "Twelfth").
# 4,096 lowered a 100k run's peak (427 -> 410 MiB) but made a search warehouse of 1M
# items 25% bigger and its searches slower (slowest median 306 ms, after a pause 510;
# NOTES "Twenty-first"): not kept.
ROW_GROUP_ROWS = 16_384
WRITER_CATALOG = "warehouse"
# DuckDB's allocator (jemalloc, linked into its wheel under the prefix `duckdb_je_`)
# keeps the pages DuckDB frees for a second (its dirty and muzzy decay) before giving
# them back, and a load or checkpoint of a big warehouse frees and takes tens of MiB
# at a time: a 100k run's writer held 40-60 MiB of such pages at its peaks. The
# writer has them given back at once (`give_back_freed_pages`); an operator's own
# DUCKDB_JE_MALLOC_CONF (jemalloc's options, read when DuckDB loads) is left alone.
DUCKDB_MALLCTL = "duckdb_je_mallctl"
JEMALLOC_OPTIONS_VARIABLE = "DUCKDB_JE_MALLOC_CONF"
FREED_PAGES_KEPT_MS = 0
DECAY_SETTINGS = ("dirty_decay_ms", "muzzy_decay_ms")
SIZE = re.compile(r"(?P<number>\d+(\.\d+)?)\s*(?P<unit>[KMGT])(?P<binary>i?)B", re.I)
BYTES = re.compile(r"(?P<number>\d+)\s*bytes?", re.I)  # as DuckDB prints small sizes


def memory_limit() -> str:
    """DuckDB's memory for the one writer's cached blocks (MINUTES_DUCKDB_MEMORY,
    64MB): beyond it DuckDB evicts them and spills to `<warehouse>.tmp`. Its own
    default, 80% of RAM, let a 100k-item run keep every block it touched
    (bench/NOTES.md)."""
    value = os.environ.get("MINUTES_DUCKDB_MEMORY", "").strip() or DEFAULT_MEMORY
    if not SIZE.fullmatch(value):
        raise ValueError(
            f"MINUTES_DUCKDB_MEMORY={value!r}: give a size such as 256MB or 1GB"
        )
    return value


def size_in_bytes(size: str) -> int:
    """A size as DuckDB reads it (KB = 1000 bytes, KiB = 1024) in bytes."""
    plain = BYTES.fullmatch(size.strip())
    if plain is not None:
        return int(plain["number"])
    match = SIZE.fullmatch(size.strip())
    if match is None:
        raise ValueError(f"{size!r} is not a size such as 256MB or 1GiB")
    base = 1024 if match["binary"] else 1000
    power = "KMGT".index(match["unit"].upper()) + 1
    return int(float(match["number"]) * base**power)


def writer_memory(con: duckdb.DuckDBPyConnection) -> str:
    """The writer's memory limit: MINUTES_DUCKDB_MEMORY for cached blocks, and room
    for the primary-key indexes (`index_bytes`)."""
    total = size_in_bytes(memory_limit()) + index_bytes(con)
    return f"{total // 1024}KiB"


def index_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """Room for the primary-key indexes, which DuckDB holds in memory it cannot
    evict: INDEX_BYTES_PER_KEY per row of every table that has one."""
    row = con.execute(
        "SELECT coalesce(sum(estimated_size), 0) FROM duckdb_tables()"
        " WHERE index_count > 0 AND database_name = current_database()"
    ).fetchone()
    keys = row[0] if row else 0
    return int(INDEX_BYTES_PER_KEY * keys)


def fit_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Set the writer's memory limit for the warehouse as it is now."""
    bound_memory(con, writer_memory(con))


def make_room(con: duckdb.DuckDBPyConnection) -> None:
    """Raise the memory limit to the writer's for the warehouse as it is now (the
    keys loaded since need room); never lower it: a caller may have lifted it."""
    needed = writer_memory(con)
    current = con.execute("SELECT current_setting('memory_limit')").fetchone()
    if current is None or size_in_bytes(needed) > size_in_bytes(current[0]):
        bound_memory(con, needed)


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to an up-to-date warehouse (created if missing), with
    the writer's memory limit."""
    memory_limit()  # a size that is not one is refused before any file is made
    path.parent.mkdir(parents=True, exist_ok=True)
    con = open_file(path)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET checkpoint_threshold = '{NO_AUTOMATIC_CHECKPOINT}'")
    con.execute(f"SET threads = {WRITER_THREADS}")
    use_system_allocator()
    give_back_freed_pages()
    migrate(con)
    fit_memory(con)
    return con


def use_system_allocator() -> None:
    """Arrow memory of this process from the C library's allocator (the writer's
    pool, see ARROW_POOL_VARIABLE), unless the operator chose a pool."""
    import pyarrow  # here, not at the top: the extraction workers import this module,
    # and loading Arrow cost each of them ~36 MiB (1k runs: 150 against 114 MiB)

    if not os.environ.get(ARROW_POOL_VARIABLE):
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def give_back_freed_pages() -> None:
    """DuckDB's allocator gives the pages DuckDB frees back to the system at once
    (FREED_PAGES_KEPT_MS), in this process, unless the operator set its options or
    this DuckDB build has no jemalloc of its own."""
    if os.environ.get(JEMALLOC_OPTIONS_VARIABLE):
        return
    mallctl = duckdb_mallctl()
    if mallctl is None:
        return
    kept = ctypes.c_ssize_t(FREED_PAGES_KEPT_MS)
    arenas = ctypes.c_uint(0)
    size = ctypes.c_size_t(ctypes.sizeof(arenas))
    if mallctl(b"arenas.narenas", ctypes.byref(arenas), ctypes.byref(size), None, 0):
        return
    names = [f"arenas.{setting}" for setting in DECAY_SETTINGS]  # arenas made later
    names += [
        f"arena.{number}.{setting}"
        for number in range(arenas.value)
        for setting in DECAY_SETTINGS
    ]
    for name in names:  # an arena not in use yet refuses: it gets the default
        mallctl(name.encode(), None, None, ctypes.byref(kept), ctypes.sizeof(kept))


@functools.cache
def duckdb_mallctl() -> Callable[..., int] | None:
    """jemalloc's `mallctl` of DuckDB's own allocator, or None when the DuckDB
    library loaded has none (a build without jemalloc); looked up once a process."""
    try:
        library = ctypes.CDLL(importlib.import_module("_duckdb").__file__)
        mallctl = getattr(library, DUCKDB_MALLCTL)
    except (ImportError, OSError, AttributeError, TypeError):
        return None
    mallctl.restype = ctypes.c_int
    mallctl.argtypes = [
        ctypes.c_char_p,
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_size_t),
        ctypes.c_void_p,
        ctypes.c_size_t,
    ]
    return mallctl  # type: ignore[no-any-return]


def open_file(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to a DuckDB file whose new row groups hold
    ROW_GROUP_ROWS rows (an option of ATTACH, not stored in the file), made with
    blocks of NEW_FILE_BLOCK_BYTES when it is new; the file is
    the connection's default database, named WRITER_CATALOG (views are stored
    unqualified, so readers that name it otherwise see the same). Spills go beside
    the file, as DuckDB does for a file it opens itself (an in-memory connection's
    default is `.tmp` in the working directory, shared by writers started there)."""
    options = f"ROW_GROUP_SIZE {ROW_GROUP_ROWS}"
    if not path.exists():
        options += f", BLOCK_SIZE {NEW_FILE_BLOCK_BYTES}"
    con = duckdb.connect(config={"temp_directory": f"{path}.tmp"})
    try:
        literal = str(path).replace("'", "''")
        con.execute(f"ATTACH '{literal}' AS {WRITER_CATALOG} ({options})")
        con.execute(f"USE {WRITER_CATALOG}")
    except BaseException:
        con.close()
        raise
    return con


def bound_memory(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    """Set the connection's memory limit; when DuckDB already holds more than that,
    leave it as it is, with a warning (a limit is no reason to stop)."""
    try:
        con.execute(f"SET memory_limit = '{limit}'")
    except duckdb.OutOfMemoryException as error:
        log.warning(
            "the writer's memory limit %s (MINUTES_DUCKDB_MEMORY=%s and the keys'"
            " indexes) not applied (%s)",
            limit,
            memory_limit(),
            str(error).splitlines()[0],
        )


def beyond_the_limit_if_needed(
    con: duckdb.DuckDBPyConnection, work: Callable[[], T], what: str
) -> T:
    """`work()` (one transaction that rolls back on error) under the writer's memory
    limit; if DuckDB runs out of it, once more under DuckDB's own default, with a
    warning: the limit bounds memory, it must not fail a run (the search index
    over 1M items needs more than that)."""
    make_room(con)
    try:
        return work()
    except duckdb.Error as error:
        if not out_of_memory(error):
            raise
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
        fit_memory(con)


# how DuckDB begins the message of a commit that failed (a TransactionException)
FAILED_COMMIT = "Failed to commit"


def out_of_memory(error: duckdb.Error) -> bool:
    """True when a statement failed for want of memory and nothing of it stays: not
    a failed commit (it may have been applied, in part: done again, its rows met
    themselves as duplicate keys and DuckDB invalidated the database)."""
    return isinstance(error, duckdb.OutOfMemoryException) and (
        FAILED_COMMIT not in str(error)
    )


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed when the block ends (without the writer's limit,
    see `unbounded`), rolled back when it raises. A commit that failed has ended the
    transaction already: its error is the one raised, not the rollback's."""
    con.begin()
    try:
        yield
        with unbounded(con):
            con.commit()
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):
            con.rollback()
        raise


@contextlib.contextmanager
def unbounded(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block runs under DuckDB's own default limit, and the limit it found is set
    again after it. For commits and checkpoints: under the writer's limit they failed
    half done (seen under MINUTES_DUCKDB_MEMORY=32MB); what they need grows with the
    log since the last checkpoint (CHECKPOINT_WAL at most after a load), not with the
    warehouse."""
    found = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert found is not None
    lift_memory_limit(con)
    try:
        yield
    finally:
        bound_memory(con, found[0])


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Write committed rows into the file and empty the log, without the limit;
    the blocks DuckDB has cached let go of before (the checkpoint's own memory
    comes on top of what it finds) and after (`release_cache`)."""
    with unbounded(con):
        release_cache(con)
        lift_memory_limit(con)
        con.execute("CHECKPOINT")
        release_cache(con)


def release_cache(con: duckdb.DuckDBPyConnection) -> None:
    """Evict the table blocks DuckDB holds beyond CACHE_AFTER_CHECKPOINT (and the
    keys' indexes) by lowering its limit for a moment; the caller sets the limit
    again. Blocks it cannot evict stay, and so does the run."""
    floor = size_in_bytes(CACHE_AFTER_CHECKPOINT) + index_bytes(con)
    with contextlib.suppress(duckdb.OutOfMemoryException):
        con.execute(f"SET memory_limit = '{floor // 1024}KiB'")


def checkpoint_if_due(con: duckdb.DuckDBPyConnection) -> bool:
    """Checkpoint when the log has grown past CHECKPOINT_WAL (what DuckDB's own
    threshold did); True when it did."""
    row = con.execute(
        "SELECT wal_size FROM pragma_database_size()"
        " WHERE database_name = current_database()"
    ).fetchone()
    if row is None or size_in_bytes(row[0]) < size_in_bytes(CHECKPOINT_WAL):
        return False
    checkpoint(con)
    return True


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

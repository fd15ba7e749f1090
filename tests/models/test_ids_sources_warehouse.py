"""Deterministic ids, sources.toml validation, migrations applied once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import warehouse
from flows.sources import SourcesError, load_sources, select
from models import ids


def test_item_ids_come_from_natural_keys() -> None:
    a = ids.item_id("Kittilä", "Kunnanhallitus", "2023-12-05", 451)
    assert a == ids.item_id("kittilä", "Kunnanhallitus ", "2023-12-05", 451)
    assert a != ids.item_id("Kittilä", "Kunnanhallitus", "2023-12-05", 452)
    assert a != ids.item_id("Kolari", "Kunnanhallitus", "2023-12-05", 451)
    assert len(a) == 16


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sources_are_read_and_folders_resolved(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[source]]\nname="a"\nplatform="folder"\nbase_url="docs"\n'
        'bodies=["Kunnanhallitus"]\nlanguage="fi"\n',
    )
    (source,) = load_sources(path)
    assert source.folder() == tmp_path / "docs"
    assert source.bodies == ("Kunnanhallitus",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[source]]\nname="a"\nplatform="folder"\nbase_url="."\nfoo=1\n',
            "unknown key 'foo'",
        ),
        (
            '[[source]]\nname="a"\nplatform="sharepoint"\nbase_url="."\n',
            "unknown platform 'sharepoint'",
        ),
        ('[[source]]\nname="a"\nplatform="folder"\n', "missing key 'base_url'"),
        (
            '[[source]]\nname="a"\nplatform="folder"\nbase_url="."\n' * 2,
            "duplicate source name 'a'",
        ),
        ("[[sorce]]\n", "unknown key 'sorce'"),
    ],
)
def test_bad_sources_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourcesError, match=message):
        load_sources(write(tmp_path, text))


def test_select_unknown_source(tmp_path: Path) -> None:
    sources = load_sources(
        write(tmp_path, '[[source]]\nname="a"\nplatform="folder"\nbase_url="."\n')
    )
    assert select(sources, []) == sources
    with pytest.raises(SourcesError, match="unknown source 'b'"):
        select(sources, ["b"])


def test_migrations_apply_once(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    assert warehouse.migrate(con) == []
    versions = con.execute("SELECT version FROM schema_migrations").fetchall()
    assert versions == [(v,) for v, _, _ in warehouse.migrations()]
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables"
        ).fetchall()
    }
    assert {
        "documents",
        "meetings",
        "items",
        "persons",
        "runs",
        "quarantine",
        "decisions",
    } <= tables
    con.close()


def test_read_only_connection_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    warehouse.connect(path).close()
    con = warehouse.connect_read_only(path)
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM items")


def test_a_warehouse_from_before_run_sources_upgrades(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    every = warehouse.migrations()
    assert len({v for v, _, _ in every}) == len(every)  # no two share a number
    older = [m for m in every if m[0] < 10]
    monkeypatch.setattr(warehouse, "migrations", lambda: older)
    warehouse.connect(path).close()  # as a warehouse of migrations 001-007 is
    assert warehouse.source_states(path) == {}  # no run_sources yet: nothing known
    monkeypatch.undo()
    con = warehouse.connect(path)
    assert warehouse.migrate(con) == []
    rows = con.execute("SELECT version FROM schema_migrations").fetchall()
    versions = [r[0] for r in rows]
    assert 10 in versions and sorted(versions) == [v for v, _, _ in every]
    con.execute(
        "INSERT INTO run_sources VALUES ('r1', 'oulu', 'blocked', now(),"
        " 0, 0, 0, 0, 0, 0, 'https://x/', 'RobotsDisallowed', 'blocked by robots.txt')"
    )
    con.close()
    assert warehouse.source_states(path) == {"oulu": "blocked"}


def memory_of(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_the_writer_has_a_bounded_memory_an_operator_can_raise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's own default (80% of RAM) let the writer keep every block it read;
    the writer gets 64MB unless MINUTES_DUCKDB_MEMORY says otherwise; a size that
    is not one is refused before any file is made."""
    monkeypatch.delenv("MINUTES_DUCKDB_MEMORY", raising=False)
    con = warehouse.connect(tmp_path / "w.duckdb")
    assert memory_of(con) == "61.0 MiB"  # 64 MB as DuckDB prints it
    con.close()
    monkeypatch.setenv("MINUTES_DUCKDB_MEMORY", "1GB")
    con = warehouse.connect(tmp_path / "w.duckdb")
    assert memory_of(con) == "953.6 MiB"
    con.close()
    monkeypatch.setenv("MINUTES_DUCKDB_MEMORY", "plenty")
    with pytest.raises(ValueError, match="MINUTES_DUCKDB_MEMORY='plenty'"):
        warehouse.connect(tmp_path / "other.duckdb")
    assert not (tmp_path / "other.duckdb").exists()


def test_a_commit_leaves_checkpointing_to_the_writer_until_the_log_is_large(
    tmp_path: Path,
) -> None:
    """DuckDB's default checkpoints after 16MB of log (a second or more each in a
    warehouse of 100k items): the writer's connection keeps the log to 128MB, and
    what was committed is all there after a reopen."""
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    con.execute("CREATE TABLE t (s VARCHAR)")
    rows = warehouse.ROW_GROUP_ROWS // 2  # less than a row group goes to the log
    batches = 16 * 2**20 // (rows * 200) + 2  # past 16MB of log
    for batch in range(batches):
        con.execute(
            "INSERT INTO t SELECT repeat('x', 200) || i FROM range(?, ? + ?) r(i)",
            [batch * rows, batch * rows, rows],
        )
    log = tmp_path / "w.duckdb.wal"
    assert log.exists() and log.stat().st_size > 16 * 2**20  # not checkpointed
    con.close()
    again = duckdb.connect(str(path), read_only=True)
    assert again.execute("SELECT count(DISTINCT s) FROM t").fetchone() == (
        batches * rows,
    )
    again.close()


def row_groups(con: duckdb.DuckDBPyConnection, table: str) -> list[int]:
    """Rows in each row group of a table, as stored."""
    rows = con.execute(
        "SELECT max(count) FROM pragma_storage_info(?) WHERE column_id = 0"
        " GROUP BY row_group_id ORDER BY row_group_id",
        [table],
    ).fetchall()
    return [row[0] for row in rows]


def test_the_writer_adds_small_row_groups_so_a_checkpoint_rewrites_little(
    tmp_path: Path,
) -> None:
    """A checkpoint rewrites a table's last, partly filled row group: with DuckDB's
    default (122,880 rows) that was every row of a 100k-item table, and the writer's
    memory at checkpoints grew with the warehouse. The writer's rows go in groups of
    ROW_GROUP_ROWS, also after the file is opened again (a plain connection would
    merge them into one)."""
    path = tmp_path / "w.duckdb"
    steps = [
        ("CREATE TABLE t AS SELECT i FROM range(50000) r(i)", 50000),
        ("INSERT INTO t SELECT i FROM range(50000, 60000) r(i)", 60000),
    ]
    for statement, rows in steps:  # the file opened anew for each
        con = warehouse.connect(path)
        con.execute(statement)
        con.execute("CHECKPOINT")
        groups = row_groups(con, "t")
        con.close()
        assert sum(groups) == rows and max(groups) == warehouse.ROW_GROUP_ROWS


@pytest.mark.parametrize(
    "name", ["rel/w.duckdb", "./a/../b/w.duckdb", "it's/w.duckdb", "memory.duckdb"]
)
def test_the_writer_opens_any_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Relative paths, quotes and names DuckDB keeps for itself (its in-memory
    database is `memory`) open, and a reader sees the writer's tables and views."""
    monkeypatch.chdir(tmp_path)
    con = warehouse.connect(Path(name))
    con.execute("CREATE TABLE t AS SELECT 1 AS one")
    con.execute("CREATE VIEW v AS SELECT one FROM t")
    con.close()
    reader = warehouse.connect_read_only(Path(name))
    assert reader.execute("SELECT one FROM v").fetchall() == [(1,)]
    assert reader.execute("SELECT count(*) FROM items").fetchone() == (0,)
    reader.close()


def test_the_writer_spills_beside_its_file_not_into_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query larger than the memory limit spills to `<file>.tmp`, as DuckDB does
    for a file it opens itself; two writers started in one directory shared its
    `.tmp` and failed on each other's spill files."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "db").mkdir()
    con = warehouse.connect(Path("db/w.duckdb"))
    con.execute("SET memory_limit = '40MB'")
    con.execute("SET threads = 1")
    con.execute("SET preserve_insertion_order = false")
    con.execute("CREATE TABLE t AS SELECT md5(range::VARCHAR) AS s FROM range(1000000)")
    grouped = con.execute("SELECT s, count(*) FROM t GROUP BY s ORDER BY s")
    assert len(grouped.fetchmany(3)) == 3
    assert list((tmp_path / "db" / "w.duckdb.tmp").iterdir())  # it did spill
    assert not (tmp_path / ".tmp").exists()
    con.close()


def test_the_writers_memory_limit_makes_room_for_the_key_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB holds primary-key indexes in memory it cannot evict, and a commit that
    checkpoints needs them: under a fixed 64MB, commits failed from ~150k items on.
    The limit is MINUTES_DUCKDB_MEMORY and INDEX_BYTES_PER_KEY per key, set when the
    warehouse is opened."""
    monkeypatch.delenv("MINUTES_DUCKDB_MEMORY", raising=False)
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    empty = warehouse.size_in_bytes(warehouse.writer_memory(con))
    con.execute("CREATE TABLE keyed (id BIGINT PRIMARY KEY)")
    con.execute("CREATE TABLE unkeyed (id BIGINT)")
    con.execute("INSERT INTO keyed SELECT range FROM range(100000)")
    con.execute("INSERT INTO unkeyed SELECT range FROM range(100000)")
    grown = warehouse.size_in_bytes(warehouse.writer_memory(con)) - empty
    assert abs(grown - 100000 * warehouse.INDEX_BYTES_PER_KEY) < 1024
    con.close()
    con = warehouse.connect(path)
    assert memory_of(con) == "67.1 MiB"  # 64 MB + 6.4 MB, as DuckDB prints it
    con.close()


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("64MB", 64_000_000),
        ("1GiB", 2**30),
        ("1.5 kb", 1500),
        ("2TB", 2 * 10**12),
        ("0 bytes", 0),  # DuckDB's wal_size of an empty log
        ("512 bytes", 512),
    ],
)
def test_sizes_are_read_as_duckdb_reads_them(size: str, expected: int) -> None:
    assert warehouse.size_in_bytes(size) == expected


# what DuckDB 1.5 raised when a commit's checkpoint found no memory (seen at ~100k
# and ~150k items under a fixed 64MB, and under MINUTES_DUCKDB_MEMORY=32MB)
FAILED_COMMITS = [
    "TransactionContext Error: Failed to commit: could not allocate block of size"
    " 256.0 KiB (60.7 MiB/61.0 MiB used)",
    "TransactionContext Error: Failed to commit: failed to pin block of size"
    " 256.0 KiB (61.0 MiB/61.0 MiB used)",
]


@pytest.mark.parametrize(
    "exception", [duckdb.TransactionException, duckdb.OutOfMemoryException]
)
@pytest.mark.parametrize("message", FAILED_COMMITS)
def test_a_commit_that_failed_is_not_done_again(
    tmp_path: Path, message: str, exception: type[duckdb.Error]
) -> None:
    """A failed commit may have been applied in part: done again (as it once was),
    its rows met themselves as duplicate keys and DuckDB invalidated the database.
    Its error is raised, once, and is the commit's (not "cannot rollback - no
    transaction is active")."""
    con = warehouse.connect(tmp_path / "w.duckdb")
    con.execute("CREATE TABLE t (attempt INTEGER)")
    attempts: list[int] = []

    def work() -> None:
        with warehouse.transaction(con):
            attempts.append(1)
            con.execute("INSERT INTO t VALUES (?)", [len(attempts)])
            con.rollback()  # as the failed commit did
            raise exception(message)

    with pytest.raises(exception, match="Failed to commit"):
        warehouse.beyond_the_limit_if_needed(con, work, "a batch")
    assert attempts == [1]
    con.close()


def test_a_statement_out_of_memory_is_done_again_without_the_limit(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A statement that ran out of the writer's memory is rolled back whole: the work
    is done once more without the limit, with a warning, and the limit is back."""
    con = warehouse.connect(tmp_path / "w.duckdb")
    con.execute("CREATE TABLE t (attempt INTEGER)")
    limits: list[str] = []

    def work() -> None:
        with warehouse.transaction(con):
            limits.append(memory_of(con))
            con.execute("INSERT INTO t VALUES (?)", [len(limits)])
            if len(limits) == 1:
                raise duckdb.OutOfMemoryException("could not allocate block")

    with caplog.at_level("WARNING", logger="flows.warehouse"):
        warehouse.beyond_the_limit_if_needed(con, work, "a batch")
    assert con.execute("SELECT attempt FROM t").fetchall() == [(2,)]
    assert limits[0] == "61.0 MiB" != limits[1]
    assert memory_of(con) == "61.0 MiB"
    assert "a batch needed more than MINUTES_DUCKDB_MEMORY" in caplog.text
    con.close()


class LimitAtCommit:
    """A writer connection that notes the memory limit each commit and checkpoint
    ran under, and the table blocks cached when a checkpoint started (DuckDB's
    connection cannot be patched)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.limits: list[str] = []
        self.cached: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)

    def commit(self) -> None:
        self.limits.append(memory_of(self.con))
        self.con.commit()

    def execute(self, sql: str, *args: Any) -> duckdb.DuckDBPyConnection:
        if sql == "CHECKPOINT":
            self.limits.append(memory_of(self.con))
            self.cached.append(cached_table_bytes(self.con))
        return self.con.execute(sql, *args)


def test_commits_and_checkpoints_run_without_the_writers_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the writer's limit a commit or checkpoint could fail half done (under
    MINUTES_DUCKDB_MEMORY=32MB, 100k items: the run failed and the database was
    invalidated). They run under DuckDB's default; the limit is back after."""
    monkeypatch.delenv("MINUTES_DUCKDB_MEMORY", raising=False)
    con = warehouse.connect(tmp_path / "w.duckdb")
    spy = LimitAtCommit(con)
    with warehouse.transaction(spy):  # type: ignore[arg-type]
        spy.execute("CREATE TABLE t AS SELECT 1 AS one")
    warehouse.checkpoint(spy)  # type: ignore[arg-type]
    assert len(spy.limits) == 2
    assert all(warehouse.size_in_bytes(limit) > 64_000_000 for limit in spy.limits)
    assert memory_of(con) == "61.0 MiB"
    con.close()


def test_the_writer_checkpoints_when_its_log_has_grown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's own checkpoints are off in the writer (they ran under its limit);
    after a load the writer checkpoints once the log is past CHECKPOINT_WAL."""
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    con.execute("CREATE TABLE t (s VARCHAR)")
    for _ in range(3):  # small appends go to the log (large ones to the file)
        con.execute("INSERT INTO t SELECT md5(range::VARCHAR) FROM range(1000)")
    wal = path.with_name("w.duckdb.wal")
    logged = wal.stat().st_size
    assert logged > 50_000
    monkeypatch.setattr(warehouse, "CHECKPOINT_WAL", f"{logged + 1} bytes")
    assert not warehouse.checkpoint_if_due(con)
    monkeypatch.setattr(warehouse, "CHECKPOINT_WAL", f"{logged // 2} bytes")
    assert warehouse.checkpoint_if_due(con)
    assert not wal.exists() or wal.stat().st_size < logged
    assert con.execute("SELECT count(*) FROM t").fetchone() == (3000,)
    con.close()


def cached_table_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """Bytes of table blocks DuckDB holds in memory."""
    row = con.execute(
        "SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()"
        " WHERE tag = 'BASE_TABLE'"
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_checkpoint_gives_back_the_blocks_the_writer_has_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks DuckDB read stay cached up to the writer's limit (at 100k items its
    whole 64MB, held by the writer through the run). A checkpoint lets them go and
    leaves the limit as it was; the rows are all there."""
    monkeypatch.delenv("MINUTES_DUCKDB_MEMORY", raising=False)
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    con.execute(
        "CREATE TABLE t AS SELECT range AS n, repeat(md5(range::VARCHAR), 8) AS s"
        " FROM range(300000)"
    )
    warehouse.checkpoint(con)
    limit = memory_of(con)
    con.execute("SELECT sum(length(s)) FROM t").fetchall()  # its blocks read in
    assert cached_table_bytes(con) > 30_000_000
    warehouse.checkpoint(con)
    kept = warehouse.size_in_bytes(warehouse.CACHE_AFTER_CHECKPOINT)
    assert cached_table_bytes(con) <= kept
    assert memory_of(con) == limit
    assert con.execute("SELECT count(*), sum(n) FROM t").fetchone() == (
        300_000,
        sum(range(300_000)),
    )
    con.close()


def test_a_checkpoint_starts_without_the_blocks_the_writer_has_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint's own memory comes on top of what DuckDB holds when it starts
    (at 100k items it set the run's peak): the blocks read since the last one are
    let go of first, and the rows committed since are all written."""
    monkeypatch.delenv("MINUTES_DUCKDB_MEMORY", raising=False)
    con = warehouse.connect(tmp_path / "w.duckdb")
    con.execute(
        "CREATE TABLE t AS SELECT range AS n, repeat(md5(range::VARCHAR), 8) AS s"
        " FROM range(300000)"
    )
    warehouse.checkpoint(con)
    con.execute("SELECT sum(length(s)) FROM t").fetchall()  # its blocks read in
    con.execute("INSERT INTO t SELECT 300000, 'new'")
    assert cached_table_bytes(con) > 30_000_000
    spy = LimitAtCommit(con)
    warehouse.checkpoint(spy)  # type: ignore[arg-type]
    kept = warehouse.size_in_bytes(warehouse.CACHE_AFTER_CHECKPOINT)
    assert len(spy.cached) == 1 and spy.cached[0] <= kept
    con.close()
    again = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert again.execute("SELECT count(*), max(n) FROM t").fetchone() == (
        300_001,
        300_000,
    )
    again.close()


def test_other_failures_are_not_taken_for_memory(tmp_path: Path) -> None:
    """A failure that is not for memory is raised as it is, not done again."""
    con = warehouse.connect(tmp_path / "w.duckdb")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        with warehouse.transaction(con):
            con.execute("INSERT INTO t VALUES (1), (1)")

    with pytest.raises(duckdb.ConstraintException):
        warehouse.beyond_the_limit_if_needed(con, work, "a batch")
    assert calls == [1]
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)
    con.close()


def test_a_lifted_limit_stays_lifted_and_a_bounded_one_grows_with_the_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before each unit of work the limit is raised to what the keys loaded so far
    need, never lowered: a caller that lifted it (a bulk build) keeps it lifted."""
    monkeypatch.delenv("MINUTES_DUCKDB_MEMORY", raising=False)
    con = warehouse.connect(tmp_path / "w.duckdb")
    con.execute("CREATE TABLE keyed (id BIGINT PRIMARY KEY)")
    seen: list[str] = []

    def work() -> None:
        seen.append(memory_of(con))

    con.execute("INSERT INTO keyed SELECT range FROM range(100000)")
    warehouse.beyond_the_limit_if_needed(con, work, "a batch")
    warehouse.lift_memory_limit(con)
    lifted = memory_of(con)
    warehouse.beyond_the_limit_if_needed(con, work, "a build")
    assert seen == ["67.1 MiB", lifted] and lifted != "67.1 MiB"
    con.close()


def threads_of(con: duckdb.DuckDBPyConnection) -> int:
    found = con.execute("SELECT current_setting('threads')").fetchone()
    assert found is not None
    return int(found[0])


def test_the_writer_loads_and_builds_the_search_index_on_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extraction workers use the cores while the writer loads: its DuckDB runs
    one thread (a lower peak at 100k), and builds the search index on it too (on
    every core the build's sort ran out of the writer's limit over 1M items)."""
    from flows import search_index

    con = warehouse.connect(tmp_path / "w.duckdb")
    assert threads_of(con) == warehouse.WRITER_THREADS == 1
    seen: list[int] = []
    monkeypatch.setattr(
        search_index, "build", lambda con, *_: seen.append(threads_of(con))
    )
    monkeypatch.setattr(search_index, "is_current", lambda *_: False)
    search_index.refresh(con)
    assert seen == [1, 1]  # both languages
    con.close()


def block_size_of(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = con.execute(
            "SELECT block_size FROM pragma_database_size()"
            " WHERE database_name = current_database()"
        ).fetchone()
    finally:
        con.close()
    assert found is not None
    return int(found[0])


def test_a_new_warehouse_has_small_blocks_an_existing_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    """Rows since the last checkpoint stay in memory a block per column at least:
    a warehouse the writer makes has 64 KiB blocks; a file made with DuckDB's
    default (256 KiB) opens as it is and keeps them."""
    warehouse.connect(tmp_path / "new.duckdb").close()
    assert block_size_of(tmp_path / "new.duckdb") == warehouse.NEW_FILE_BLOCK_BYTES
    duckdb.connect(str(tmp_path / "old.duckdb")).close()
    con = warehouse.connect(tmp_path / "old.duckdb")
    con.execute("CREATE TABLE t AS SELECT 1 AS one")
    con.close()
    assert block_size_of(tmp_path / "old.duckdb") == 262_144


def test_the_writer_takes_arrow_memory_from_the_c_allocator_unless_an_operator_chose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's default pool (mimalloc) keeps pages it was given: ~20 MiB of a
    run's peak. A writer's connection moves Arrow to the system allocator; a pool
    an operator named in ARROW_DEFAULT_MEMORY_POOL stays."""
    import pyarrow as pa

    found = pa.default_memory_pool()
    monkeypatch.delenv(warehouse.ARROW_POOL_VARIABLE, raising=False)
    try:
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        warehouse.connect(tmp_path / "w.duckdb").close()
        assert pa.default_memory_pool().backend_name == "system"
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        monkeypatch.setenv(warehouse.ARROW_POOL_VARIABLE, "mimalloc")
        warehouse.connect(tmp_path / "w.duckdb").close()
        assert pa.default_memory_pool().backend_name == "mimalloc"
    finally:
        pa.set_memory_pool(found)


WORKER_IMPORTS = """
import multiprocessing.spawn, sys
multiprocessing.spawn.prepare({preparation!r})  # what a spawned process does first
import flows.extraction
heavy = ("pyarrow", "duckdb", "prefect", "flows.cli", "flows.warehouse", "web")
print(sorted(name for name in heavy if name in sys.modules))
"""


def python_output(code: str, *args: str, **env: str) -> str:
    """What `python -c code args` prints (stripped), in a fresh process of this
    interpreter, with `env` added to the environment."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    ).stdout.strip()


def worker_imports(preparation: dict[str, str]) -> str:
    """The heavy modules a process spawned from a main module so described holds
    once it has imported the extraction."""
    return python_output(WORKER_IMPORTS.format(preparation=preparation))


def test_an_extraction_worker_of_the_minutes_command_stays_light() -> None:
    """A spawned worker runs its parent's main module again first: the `minutes`
    script's must not bring the CLI's DuckDB, Prefect or web app (flows.cli made each
    worker ~50 MiB larger), nor the writer's Arrow (~36 MiB more)."""
    script = shutil.which("minutes", path=str(Path(sys.executable).parent))
    assert script is not None, "the venv's `minutes` script is installed"
    assert worker_imports({"init_main_from_path": script}) == "[]"


def test_an_extraction_worker_of_python_m_flows_stays_light() -> None:
    """`python -m flows`, as the bench runs it: nothing heavy in its workers."""
    assert worker_imports({"init_main_from_name": "flows.__main__"}) == "[]"


def test_the_writer_module_leaves_arrow_unloaded_until_it_connects() -> None:
    """Commands that import the warehouse module without loading (and the workers
    before the entry was light) do not pay for Arrow (~36 MiB)."""
    code = "import sys, flows.warehouse; print('pyarrow' in sys.modules)"
    assert python_output(code) == "False"


def test_a_worker_of_the_cli_module_is_heavy_which_the_tests_above_would_see() -> None:
    """The same check on `python -m flows.cli` does find the CLI's modules."""
    assert "duckdb" in worker_imports({"init_main_from_name": "flows.cli"})


FREED_PAGES = """
import ctypes, sys
from pathlib import Path
from flows import warehouse
mallctl = warehouse.duckdb_mallctl()
if mallctl is None:
    print("no jemalloc")
    sys.exit()
con = warehouse.connect(Path(sys.argv[1]))
con.execute("SET memory_limit = '2GB'")
con.execute("CREATE TABLE t AS SELECT range AS n, repeat('x', 100) || range AS s FROM range(400000)")
con.execute("SELECT count(*) FROM (SELECT s, count(*) FROM t GROUP BY s)").fetchall()
def read(name, value):
    size = ctypes.c_size_t(ctypes.sizeof(value))
    assert mallctl(name.encode(), ctypes.byref(value), ctypes.byref(size), None, 0) == 0
    return value.value
epoch = ctypes.c_uint64(1)  # written, the statistics are brought up to date
assert mallctl(b"epoch", None, None, ctypes.byref(epoch), ctypes.sizeof(epoch)) == 0
held = read("stats.resident", ctypes.c_size_t()) - read("stats.allocated", ctypes.c_size_t())
print(held >> 20, read("arena.0.dirty_decay_ms", ctypes.c_ssize_t()))
"""


def freed_pages_held(path: Path, **env: str) -> str:
    """What DuckDB's allocator holds beyond what DuckDB uses (MiB) after a query
    that took and freed ~70 MiB in a writer's fresh process, and its dirty decay."""
    return python_output(FREED_PAGES, str(path), **env)


def test_the_writer_gives_the_pages_duckdb_frees_back_at_once(tmp_path: Path) -> None:
    """DuckDB's jemalloc kept freed pages for a second: 58-69 MiB after this query
    (40-60 MiB at a 100k run's peaks). The writer has them given back at once; an
    operator's own DUCKDB_JE_MALLOC_CONF is left as it is."""
    found = freed_pages_held(tmp_path / "w.duckdb")
    if found == "no jemalloc":
        pytest.skip("this DuckDB build has no jemalloc of its own")
    held, decay = map(int, found.split())
    assert held < 16 and decay == warehouse.FREED_PAGES_KEPT_MS
    operator = {warehouse.JEMALLOC_OPTIONS_VARIABLE: "dirty_decay_ms:1000"}
    assert freed_pages_held(tmp_path / "o.duckdb", **operator).split()[1] == "1000"

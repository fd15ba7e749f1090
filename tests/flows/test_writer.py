"""One writer at a time; readers never break the writer, and the writer never breaks
readers: they keep the snapshot they opened. No Prefect here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import flows.writer
from flows.writer import (
    Holder,
    RunLock,
    WarehouseBusy,
    WarehouseLocked,
    Writer,
    new_holder,
)


def count(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    finally:
        con.close()


def add_run_row(writer: Writer, run_id: str) -> None:
    writer.connection.execute(
        "INSERT INTO watermarks VALUES (?, 'Kunnanhallitus', DATE '2024-01-01', now())",
        [run_id],
    )


def watermarks(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("SELECT source FROM watermarks ORDER BY 1").fetchall()
    return [row[0] for row in rows]


def test_second_writer_is_refused_naming_the_run_and_pid(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    with Writer(path, new_holder("run-one", "minutes run")):
        with pytest.raises(WarehouseLocked) as refused:
            Writer(path, new_holder("run-two", "minutes run")).__enter__()
        message = str(refused.value)
        assert f"locked by run run-one (pid {os.getpid()})" in message
        assert str(path) in message
        holder = RunLock(path).holder()
        assert holder is not None and holder.run_id == "run-one"
    assert RunLock(path).holder() is None
    with Writer(path, new_holder("run-three", "minutes run")):
        pass


def test_a_dead_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    code = (
        "import sys, time; from pathlib import Path; from flows.writer import RunLock,"
        " new_holder; RunLock(Path(sys.argv[1])).acquire(new_holder('dying', 'x'));"
        " print('locked', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "locked"
    assert RunLock(path).holder() == Holder(
        run_id="dying",
        pid=child.pid,
        started_at=RunLock(path).holder().started_at,
        command="x",
    )
    child.kill()
    child.wait()
    assert RunLock(path).holder() is None
    with Writer(path, new_holder("next", "minutes run")):
        pass


def test_readers_keep_their_snapshot_and_never_block_the_writer(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wh.duckdb"
    with Writer(path, new_holder("first", "test")) as writer:
        add_run_row(writer, "first")
    reader = duckdb.connect(str(path), read_only=True)  # an analyst's open session
    try:
        with Writer(path, new_holder("second", "test")) as writer:
            add_run_row(writer, "second")
            assert watermarks(reader) == ["first"]  # mid-run: the last publication
        assert watermarks(reader) == ["first"]  # the snapshot it opened
        code = (
            "import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True);"
            " print(con.execute('SELECT count(*) FROM watermarks').fetchone()[0])"
        )
        fresh = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True
        )
        assert fresh.stdout.strip() == "2", fresh.stderr  # a new reader: new state
    finally:
        reader.close()
    reopened = duckdb.connect(str(path), read_only=True)
    assert watermarks(reopened) == ["first", "second"]
    reopened.close()
    assert not (tmp_path / "wh.duckdb.next").exists()


def test_publish_if_due_shows_committed_parts_to_new_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wh.duckdb"
    monkeypatch.setattr(flows.writer, "PUBLISH_EVERY", 0.0)
    with Writer(path, new_holder("run", "test")) as writer:
        add_run_row(writer, "part-one")
        assert writer.publish_if_due()
        reader = duckdb.connect(str(path), read_only=True)
        assert watermarks(reader) == ["part-one"]
        reader.close()


def test_publishing_waits_longer_when_it_costs_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publication copies the whole file: for a big warehouse the interval grows
    so that publishing takes at most PUBLISH_SHARE of the run."""
    path = tmp_path / "wh.duckdb"
    monkeypatch.setattr(flows.writer, "PUBLISH_EVERY", 0.0)
    with Writer(path, new_holder("run", "test")) as writer:
        add_run_row(writer, "part-one")
        writer.publish()
        assert writer._publish_seconds > 0
        writer._publish_seconds = 60.0  # as a warehouse of GBs
        add_run_row(writer, "part-two")
        assert not writer.publish_if_due()  # due in 60 / PUBLISH_SHARE seconds
        writer._published -= 60.0 / flows.writer.PUBLISH_SHARE
        assert writer.publish_if_due()
        reader = duckdb.connect(str(path), read_only=True)
        assert watermarks(reader) == ["part-one", "part-two"]
        reader.close()


def test_work_in_flight_is_rolled_back_and_committed_parts_stay(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wh.duckdb"
    writer = Writer(path, new_holder("run", "test"))
    with pytest.raises(KeyboardInterrupt), writer:
        add_run_row(writer, "committed")
        writer.connection.begin()
        add_run_row(writer, "in flight")
        raise KeyboardInterrupt  # SIGINT in the middle of a transaction
    con = duckdb.connect(str(path), read_only=True)
    assert watermarks(con) == ["committed"]
    con.close()


def test_an_outside_writer_is_named_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wh.duckdb"
    with Writer(path, new_holder("first", "test")):
        pass
    code = (
        "import sys, time, duckdb; con = duckdb.connect(sys.argv[1]);"
        " print('open', flush=True); time.sleep(60)"
    )
    outsider = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert outsider.stdout.readline().strip() == "open"
        monkeypatch.setattr(flows.writer, "BUSY_WAIT", 0.5)
        started = time.monotonic()
        with pytest.raises(WarehouseBusy) as busy:
            Writer(path, new_holder("second", "test")).__enter__()
        assert time.monotonic() - started < 5
        assert f"pid {outsider.pid}" in str(busy.value)
        assert RunLock(path).holder() is None  # the refused writer let go
        from tests.flows.test_cli import minutes

        answer = minutes("sql", "SELECT 1", "--warehouse", str(path))
        assert answer.returncode == 2
        assert "open for writing by python" in answer.stderr
        assert f"(pid {outsider.pid})" in answer.stderr
        assert "Traceback" not in answer.stderr
    finally:
        outsider.kill()
        outsider.wait()


def test_a_peek_at_the_lock_does_not_refuse_a_writer(tmp_path: Path) -> None:
    import fcntl
    import threading

    path = tmp_path / "wh.duckdb"
    lock_file = tmp_path / "wh.duckdb.lock"
    lock_file.touch()
    peek = os.open(lock_file, os.O_RDONLY)
    fcntl.flock(peek, fcntl.LOCK_SH)  # as RunLock.holder() does for a moment

    def let_go() -> None:
        time.sleep(0.1)
        fcntl.flock(peek, fcntl.LOCK_UN)
        os.close(peek)

    threading.Thread(target=let_go).start()
    with Writer(path, new_holder("run", "test")):
        assert RunLock(path).holder().run_id == "run"

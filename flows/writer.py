"""One writer at a time, and readers that never get in its way.

A run (or reprocess) takes `<warehouse>.lock` with flock, which the kernel releases
when the process dies, so a lock never goes stale; the file names the holder's run id
and pid, and a second writer is refused at once with them. The writer works on a
private copy, `<warehouse>.next`; `publish()` replaces the warehouse file atomically
(rename), so a reader — `minutes sql`, a read-only connection in Python — keeps the
snapshot it opened and never blocks the writer. Whatever the writer committed is
published when it closes (a part still in flight was rolled back by its transaction).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import duckdb

from flows import failpoints, warehouse

PUBLISH_EVERY = float(os.environ.get("MINUTES_PUBLISH_EVERY", "60"))  # seconds
# Publishing (a checkpoint and a copy of the whole file) takes at most about this
# share of a run: its interval grows with what the last one cost (at 100k items,
# ~660 MB, a publication took seconds; a Finland-year warehouse is GBs).
PUBLISH_SHARE = 0.05
BUSY_WAIT = 10.0  # seconds to wait for an outside process writing the file
PEEK_RETRIES = 5  # holder() takes the lock shared for a moment: try again


class WarehouseLocked(RuntimeError):
    """Another run holds the warehouse."""


class WarehouseBusy(RuntimeError):
    """Some other process has the warehouse file open for writing."""


@dataclass(frozen=True)
class Holder:
    """Who holds the lock: the run, its process and since when."""

    run_id: str
    pid: int
    started_at: str
    command: str = ""

    def __str__(self) -> str:
        return f"run {self.run_id} (pid {self.pid}) since {self.started_at}"


def sidecar(path: Path, suffix: str) -> Path:
    """A file beside the warehouse: minutes.duckdb → minutes.duckdb<suffix>."""
    return path.with_name(path.name + suffix)


class RunLock:
    """The warehouse's writer lock (flock on `<warehouse>.lock`)."""

    def __init__(self, path: Path) -> None:
        self.path = sidecar(path, ".lock")
        self.warehouse = path
        self._fd: int | None = None

    def acquire(self, holder: Holder) -> None:
        """Take the lock and write who holds it; WarehouseLocked when taken."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        for attempt in range(PEEK_RETRIES):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                current = self.holder()
                if current is None and attempt < PEEK_RETRIES - 1:
                    time.sleep(0.05)  # someone only peeked (holder() of status)
                    continue
                os.close(fd)
                who = str(current) if current else "another process"
                raise WarehouseLocked(
                    f"warehouse {self.warehouse} is locked by {who}"
                ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(holder)).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock (the file stays; it is empty of meaning unlocked)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def holder(self) -> Holder | None:
        """The current holder, or None when nobody holds the lock."""
        if not self.path.exists():
            return None
        fd = os.open(self.path, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return _read_holder(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)


def _read_holder(fd: int) -> Holder:
    """The holder written in a lock file (unknown fields when it is unreadable)."""
    try:
        return Holder(**json.loads(os.pread(fd, 4096, 0) or b"{}"))
    except (TypeError, ValueError):
        return Holder(run_id="?", pid=0, started_at="?")


class Writer:
    """The run's connection to its working copy of the warehouse."""

    def __init__(self, path: Path, holder: Holder) -> None:
        self.path = path
        self.work = sidecar(path, ".next")
        self.lock = RunLock(path)
        self.holder = holder
        self.con: duckdb.DuckDBPyConnection | None = None
        self._published = time.monotonic()
        self._publish_seconds = 0.0  # what the last publication took

    def __enter__(self) -> Writer:
        self.lock.acquire(self.holder)
        try:
            self._prepare_copy()
            self.con = warehouse.connect(self.work)
        except BaseException:
            _remove(self.work, sidecar(self.work, ".wal"))
            self.lock.release()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            self._close_and_publish()
        finally:
            _remove(self.work, sidecar(self.work, ".wal"))
            self.lock.release()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection (only inside the `with`)."""
        assert self.con is not None, "the writer is not open"
        return self.con

    def publish_if_due(self) -> bool:
        """Publish what is committed once the last publication is PUBLISH_EVERY
        seconds old (a long run shows its progress to readers), or older when
        publishing costs more than PUBLISH_SHARE of that."""
        interval = max(PUBLISH_EVERY, self._publish_seconds / PUBLISH_SHARE)
        if time.monotonic() - self._published < interval:
            return False
        self.publish()
        return True

    def publish(self) -> None:
        """Make the committed state the warehouse readers see (copy, then rename)."""
        started = time.monotonic()
        warehouse.checkpoint(self.connection)
        staged = sidecar(self.path, f".publish-{os.getpid()}")
        try:
            shutil.copyfile(self.work, staged)
            self._replace(staged)
        finally:
            _remove(staged)  # left only when the copy was interrupted
        self._publish_seconds = time.monotonic() - started

    def _close_and_publish(self) -> None:
        """Close the connection (an open transaction rolls back) and publish the
        working copy by renaming it over the warehouse."""
        if self.con is None:
            return
        with contextlib.suppress(duckdb.Error):  # an aborted transaction: rolled back
            warehouse.checkpoint(self.con)
        self.con.close()
        self.con = None
        if sidecar(self.work, ".wal").exists():
            reopened = warehouse.open_file(self.work)  # replays and checkpoints
            reopened.close()
        self._replace(self.work)

    def _replace(self, staged: Path) -> None:
        """Atomically put `staged` where the warehouse is."""
        _fsync(staged)
        failpoints.reach("before_publish")
        _remove(sidecar(self.path, ".wal"))  # a stale log must not meet new bytes
        os.replace(staged, self.path)
        self._published = time.monotonic()
        failpoints.reach("after_publish")

    def _prepare_copy(self) -> None:
        """The working copy: the warehouse as it is (with its log, if any), taken
        while holding a read lock so that no outside writer changes it meanwhile."""
        _remove(self.work, sidecar(self.work, ".wal"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            return
        reader = open_for_copy(self.path)
        try:
            shutil.copyfile(self.path, self.work)
            wal = sidecar(self.path, ".wal")
            if wal.exists():
                shutil.copyfile(wal, sidecar(self.work, ".wal"))
        finally:
            reader.close()


def open_for_copy(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that keeps outside writers away while we copy;
    waits BUSY_WAIT seconds for one that has the file open, then names it."""
    deadline = time.monotonic() + BUSY_WAIT
    while True:
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.Error as error:
            holder = warehouse.lock_holder(error)
            if holder is None:
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"warehouse {path} is open for writing by {holder}; close it"
                    " (readers: duckdb.connect(..., read_only=True))"
                ) from None
            time.sleep(0.5)


def _fsync(path: Path) -> None:
    """Flush a file's bytes to disk before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(*paths: Path) -> None:
    """Delete files that may not exist."""
    for path in paths:
        path.unlink(missing_ok=True)


def new_holder(run_id: str, command: str) -> Holder:
    """This process as the lock's holder for a run."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return Holder(run_id=run_id, pid=os.getpid(), started_at=now, command=command)

"""Read-only access to the warehouse for requests.

One in-memory DuckDB holds the fts extension (loaded once, signature checked); the
warehouse file is attached to it READ_ONLY while requests use it, and detached once
none has for IDLE seconds (DuckDB's cache of the file stays warm while someone is
browsing). A file replaced meanwhile (a run publishes a new one) is attached anew
by the next request once nobody reads the old one. So the app never holds the file
for long: a run can take it or publish a new one, and the next request reads that."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.search_index import load_fts

ALIAS = "wh"
BUSY_WAIT = 2.0  # seconds a request waits for a writer that holds the file
IDLE = 2.0  # seconds without requests after which the file is let go


class WarehouseMissing(Exception):
    """There is no warehouse file (nothing loaded yet)."""


class WarehouseBusy(Exception):
    """A writer holds the warehouse file; try again in a moment."""


class Reader:
    """Sessions on the warehouse, one per request (thread-safe)."""

    def __init__(self, path: Path, idle: float = IDLE) -> None:
        self.path = path
        self.idle = idle
        self._base: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()
        self._users = 0
        self._attached: tuple[int, int] | None = None  # (inode, mtime) attached
        self._timer: threading.Timer | None = None

    @contextmanager
    def session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection that reads the warehouse (its own cursor, fts loaded)."""
        cursor = self._enter()
        try:
            yield cursor
        finally:
            cursor.close()
            self._leave()

    @property
    def attached(self) -> bool:
        """True while the warehouse file is attached."""
        return self._attached is not None

    def close(self) -> None:
        """Let the file go and close the in-memory database (app shutdown)."""
        with self._lock:
            self._cancel_timer()
            self._detach()
            if self._base is not None:
                self._base.close()
                self._base = None

    def _enter(self) -> duckdb.DuckDBPyConnection:
        """Attach the current file unless it is attached, count this user, give a
        cursor."""
        with self._lock:
            self._cancel_timer()
            base = self._database()
            if self._users == 0 and (
                self._attached is None or self._attached != self._identity()
            ):
                self._detach()
                self._attach(base)
            self._users += 1
        cursor = base.cursor()
        cursor.execute("SET TimeZone = 'UTC'")
        cursor.execute(f"USE {ALIAS}")
        return cursor

    def _leave(self) -> None:
        """Count this user out; the last one starts the idle timer."""
        with self._lock:
            self._users -= 1
            if self._users == 0:
                self._timer = threading.Timer(self.idle, self._detach_if_idle)
                self._timer.daemon = True
                self._timer.start()

    def _detach_if_idle(self) -> None:
        """Let the file go when no request came during the idle time."""
        with self._lock:
            if self._users == 0:
                self._detach()

    def _cancel_timer(self) -> None:
        """Stop a pending idle timer."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _detach(self) -> None:
        """Detach the file if it is attached."""
        if self._attached is not None and self._base is not None:
            self._base.execute(f"DETACH {ALIAS}")
        self._attached = None

    def _identity(self) -> tuple[int, int] | None:
        """The file's inode and modification time (None: no file)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def _database(self) -> duckdb.DuckDBPyConnection:
        """The in-memory database with fts loaded (made on first use)."""
        if self._base is None:
            self._base = duckdb.connect()
            load_fts(self._base)
        return self._base

    def _attach(self, base: duckdb.DuckDBPyConnection) -> None:
        """Attach the warehouse read-only, waiting BUSY_WAIT for a writer."""
        if not self.path.exists():
            raise WarehouseMissing(f"no warehouse at {self.path}: run `minutes run`")
        target = str(self.path).replace("'", "''")
        deadline = time.monotonic() + BUSY_WAIT
        while True:
            try:
                identity = self._identity()
                base.execute(f"ATTACH '{target}' AS {ALIAS} (READ_ONLY)")
                self._attached = identity
                return
            except duckdb.IOException as error:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(str(error)) from error
                time.sleep(0.1)

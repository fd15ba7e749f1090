"""The raw zone: immutable, content-addressed bytes plus an append-only manifest.

`data/raw/<sha256[:2]>/<sha256>` holds the bytes; `data/raw/manifest.jsonl` has one
line per (uri, sha256) first seen, so the raw zone alone is enough to reprocess.
`data/raw/manifest.latest.sqlite` is derived from the manifest (the newest line of
each uri, for fetches to look up): removed, it is built again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import mimetypes
import os
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from models.ids import sha256_hex

MANIFEST = "manifest.jsonl"
LATEST_INDEX = "manifest.latest.sqlite"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One fetched document version (slots: a run keeps the newest row of every uri
    it has ever read, 66,789 of them at 100k items)."""

    uri: str
    sha256: str
    source: str
    municipality: str | None
    media_type: str | None
    size: int
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    language: str | None = None
    meta: dict[str, str] | None = None  # listing context, see models.records.Document
    role: str = "document"  # document (to extract) | listing (a crawled index page)


@dataclass(frozen=True)
class Provenance:
    """What comes with fetched bytes into the manifest besides the bytes."""

    source: str
    municipality: str | None = None
    language: str | None = None
    content_type: str | None = None  # as the server declared it
    etag: str | None = None
    last_modified: str | None = None
    meta: dict[str, str] | None = None
    role: str = "document"


def sniff_media_type(uri: str, data: bytes, declared: str | None) -> str | None:
    """The media type: a PDF by its bytes first, then what the server declared,
    then the uri's suffix."""
    if data.startswith(b"%PDF"):
        return "application/pdf"
    if declared:
        return declared.split(";")[0].strip()
    return mimetypes.guess_type(PurePosixPath(urlsplit(uri).path).name)[0]


# The index of each manifest's newest rows (LatestRows), one per manifest, shared by
# every store of the process (the sources of a run fetch at once, each with its own
# store): it reads the lines `record` appends at once, other processes' at `latest()`.
_LATEST_LOCK = threading.Lock()
_LATEST: dict[Path, LatestRows] = {}


# Each manifest's file key right after this process last appended a row to it.
_APPENDED: dict[Path, tuple[int, int, int]] = {}


def _file_key(path: Path) -> tuple[int, int, int]:
    """What changes when a file is written or replaced (zeros when it is missing)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


class RawStore:
    """Content-addressed storage of fetched bytes under one directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.unreadable_lines: list[int] = []  # manifest lines skipped at the last read

    def path_for(self, sha256: str) -> Path:
        """Where the bytes with this hash live."""
        return self.root / self.relative_path(sha256)

    @staticmethod
    def relative_path(sha256: str) -> str:
        """Where the bytes with this hash live, below the root."""
        return f"{sha256[:2]}/{sha256}"

    def put(self, data: bytes) -> str:
        """Store bytes once (atomic write) and return their sha256."""
        sha256 = sha256_hex(data)
        # a string, not a Path, for the check: most bytes are stored already
        if not os.path.exists(f"{self.root}/{self.relative_path(sha256)}"):
            target = self.path_for(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        return sha256

    def ingest(
        self,
        data: bytes,
        uri: str,
        latest: LatestRows,
        context: Provenance,
    ) -> tuple[ManifestRow, bool]:
        """The one way bytes enter the raw zone: stored once under their hash, and a
        manifest row when they differ from the uri's latest version (recorded, and so
        in `latest`). Returns the row with today's context and whether it is new."""
        sha256 = self.put(data)
        previous = latest.get(uri)
        media_type = sniff_media_type(uri, data, context.content_type)
        row = _row(uri, sha256, media_type, len(data), context)
        if previous is not None and previous.sha256 == sha256:
            return row, False
        self.record(row)
        return row, True

    def unchanged(
        self,
        uri: str,
        size: int,
        latest: LatestRows,
        context: Provenance,
    ) -> ManifestRow | None:
        """The uri's version with today's context, without reading its bytes, when
        they are the ones read before: the same size and the same `last_modified`
        (a file's modification time, as rsync's quick check trusts), their bytes
        still here. None when they must be read."""
        previous = latest.get(uri)
        if (
            previous is None
            or context.last_modified is None
            or previous.last_modified != context.last_modified
            or previous.size != size
            or not os.path.exists(f"{self.root}/{self.relative_path(previous.sha256)}")
        ):
            return None
        return _row(uri, previous.sha256, previous.media_type, size, context)

    def get(self, sha256: str) -> bytes:
        """The bytes stored under a hash."""
        return self.path_for(sha256).read_bytes()

    def manifest(self) -> list[ManifestRow]:
        """Readable manifest rows, oldest first; unreadable lines skipped, reported."""
        path = self.root / MANIFEST
        if not path.exists():
            return []
        rows: list[ManifestRow] = []
        self.unreadable_lines = []
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                row = manifest_row(line)
                if row is None:
                    self.unreadable_lines.append(number)
                    log.warning(
                        "%s line %d is not a manifest row (torn write?): skipped",
                        path,
                        number,
                    )
                else:
                    rows.append(row)
        return rows

    def latest(self) -> LatestRows:
        """The newest manifest row of each uri, caught up with the manifest (rows
        other processes appended since are read). One per manifest in a process,
        shared by its fetches; rows `record` appends are in it at once."""
        path = self.root / MANIFEST
        with _LATEST_LOCK:
            index = _LATEST.get(path)
            if index is None:
                index = _LATEST[path] = LatestRows(path)
            index.follow()
            return index

    def record(self, row: ManifestRow) -> None:
        """Append a manifest row durably (the caller checks it is new).

        A torn last line (no newline: a write cut by power loss) is closed first so the
        new row stands on its own line; the torn one stays, skipped and reported by
        `manifest`.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / MANIFEST
        line = json.dumps(row_fields(row), ensure_ascii=False) + "\n"
        with _LATEST_LOCK:
            before = _file_key(path)
            with path.open("ab") as handle:
                # a file as this process left it ends with its own newline
                ours = _APPENDED.get(path) == before
                if handle.tell() > 0 and not ours and not ends_with_newline(path):
                    line = "\n" + line
                handle.write(line.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            _APPENDED[path] = _file_key(path)
            index = _LATEST.get(path)
            if index is not None:
                index.appended(row)


def _row(
    uri: str, sha256: str, media_type: str | None, size: int, context: Provenance
) -> ManifestRow:
    """A version of a uri as fetched now, with its context."""
    return ManifestRow(
        uri=uri,
        sha256=sha256,
        source=context.source,
        municipality=context.municipality,
        media_type=media_type,
        size=size,
        fetched_at=now_utc(),
        etag=context.etag,
        last_modified=context.last_modified,
        language=context.language,
        meta=context.meta or None,
        role=context.role,
    )


def ends_with_newline(path: Path) -> bool:
    """Whether a non-empty file's last byte is a newline."""
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


ROW_FIELDS = tuple(field.name for field in fields(ManifestRow))
MANIFEST_FIELDS = set(ROW_FIELDS)


def row_fields(row: ManifestRow) -> dict[str, object]:
    """A row as the manifest writes it (`asdict` without its deep copy)."""
    return {name: getattr(row, name) for name in ROW_FIELDS}


# fields with few distinct values: one string each, not one per row
SHARED_VALUES = {"source", "municipality", "media_type", "language", "role"}


def manifest_row(line: str) -> ManifestRow | None:
    """A manifest line as a row, or None when it is not one (torn, foreign, edited)."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    if not isinstance(value, dict) or not {"uri", "sha256", "source"} <= value.keys():
        return None
    try:
        return ManifestRow(
            **{
                k: sys.intern(v) if k in SHARED_VALUES and isinstance(v, str) else v
                for k, v in value.items()
                if k in MANIFEST_FIELDS
            }
        )
    except TypeError:
        return None


def now_utc() -> str:
    """The current time as ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# The index's layout: another is dropped and built again from the manifest.
INDEX_VERSION = 2
INSERT_ROW = (
    f"INSERT OR REPLACE INTO latest VALUES ({', '.join('?' for _ in ROW_FIELDS)})"
)
SELECT_ROW = f"SELECT {', '.join(ROW_FIELDS)} FROM latest WHERE uri = ?"
SELECT_ROWS = f"SELECT {', '.join(ROW_FIELDS)} FROM latest"
# One page of the rows of a role after a uri, in uri order (the table's key).
SELECT_PAGE = f"{SELECT_ROWS} WHERE uri > ? AND role = ? ORDER BY uri LIMIT ?"


def _columns(row: ManifestRow) -> tuple[object, ...]:
    """A row's values as the index stores them (meta as JSON)."""
    return tuple(
        json.dumps(value, ensure_ascii=False) if name == "meta" and value else value
        for name, value in row_fields(row).items()
    )


def _from_columns(values: tuple[object, ...]) -> ManifestRow:
    """A row from the index's values."""
    named = dict(zip(ROW_FIELDS, values, strict=True))
    if isinstance(named["meta"], str):
        named["meta"] = json.loads(named["meta"])
    return ManifestRow(**named)  # type: ignore[arg-type]


# Bytes of the manifest before the covered end that are compared at each catch-up:
# a manifest rewritten (not appended to) in place is read again from the start.
TAIL_BYTES = 256
# How long a process waits for another that is catching the index up (a first build
# over a large manifest takes a while); then it fails rather than build its own.
LOCK_WAIT_SECONDS = 600.0
# Rows this process appended that the index reads at once, not one by one (a SQLite
# transaction and three reads of the manifest per row cost ~0.2 ms a fetched file).
APPENDED_ROWS = 1000


class LatestRows:
    """The newest manifest row of each uri, in a SQLite file beside the manifest
    (LATEST_INDEX): a fetch looks up each uri it meets; held in memory the rows of
    a raw zone's whole history grew every run's memory with it (~40 MiB at 67k
    documents). The index follows the manifest: `follow` reads the lines appended
    since it last read (by this process or another) and starts again from the first
    line when the manifest was replaced or rewritten; a damaged index is built again.
    One per manifest in a process (`RawStore.latest`); its lock keeps the threads of
    a process apart, a SQLite write transaction the processes."""

    def __init__(self, manifest: Path) -> None:
        self.manifest = manifest
        self.path = manifest.with_name(LATEST_INDEX)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        # rows this process appended since the index last read the manifest
        self._appended: dict[str, ManifestRow] = {}

    def get(self, uri: str, default: ManifestRow | None = None) -> ManifestRow | None:
        """The newest row of a uri, or `default`."""
        with self._lock:
            row = self._appended.get(uri)
            if row is not None:
                return row
            found = self._connection().execute(SELECT_ROW, (uri,)).fetchone()
        return default if found is None else _from_columns(found)

    def appended(self, row: ManifestRow) -> None:
        """A row this process has just appended to the manifest: looked up from
        memory until the index reads it with the next APPENDED_ROWS or `follow`."""
        with self._lock:
            self._appended[row.uri] = row
            if len(self._appended) < APPENDED_ROWS:
                return
        self.follow()

    def __getitem__(self, uri: str) -> ManifestRow:
        row = self.get(uri)
        if row is None:
            raise KeyError(uri)
        return row

    def __contains__(self, uri: object) -> bool:
        return isinstance(uri, str) and self.get(uri) is not None

    def __len__(self) -> int:
        self.follow()
        with self._lock:
            found = self._connection().execute("SELECT count(*) FROM latest")
            return int(found.fetchone()[0])

    def rows(self) -> dict[str, ManifestRow]:
        """Every uri's newest row (for tests and small raw zones: all in memory)."""
        self.follow()
        with self._lock:
            found = self._connection().execute(SELECT_ROWS).fetchall()
        return {values[0]: _from_columns(values) for values in found}

    def pages(self, size: int, role: str = "document") -> Iterator[list[ManifestRow]]:
        """Every uri's newest row of a role in uri order, `size` rows at a time: a
        raw zone's whole history is never in memory at once."""
        self.follow()
        after = ""
        while True:
            with self._lock:
                found = (
                    self._connection()
                    .execute(SELECT_PAGE, (after, role, size))
                    .fetchall()
                )
            if not found:
                return
            yield [_from_columns(values) for values in found]
            after = str(found[-1][0])

    def sources(self, role: str = "document") -> list[str]:
        """The sources of the rows of a role, in order."""
        self.follow()
        with self._lock:
            found = self._connection().execute(
                "SELECT DISTINCT source FROM latest WHERE role = ? ORDER BY source",
                (role,),
            )
            return [str(row[0]) for row in found.fetchall() if row[0]]

    def follow(self) -> None:
        """Catch up with the manifest: add the complete lines after the end read
        last, or rebuild from its first line when it is not the file read before."""
        with self._lock:
            try:
                self._follow()
            except sqlite3.OperationalError:  # locked, or the disk: not damage
                raise
            except sqlite3.DatabaseError as error:
                log.warning("%s is damaged (%s): built again", self.path, error)
                self._remove()
                self._follow()
            self._appended.clear()  # their lines were read with the others

    def _follow(self) -> None:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")  # one process at a time catches up
        try:
            start = self._covered(db)
            end = self._read_from(db, start)
            if end != start:
                db.execute(
                    "UPDATE covered SET inode = ?, size = ?, tail = ?",
                    (_file_key(self.manifest)[0], end, self._tail(end)),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _covered(self, db: sqlite3.Connection) -> int:
        """Where the lines not yet read start: 0 (and the index emptied) when the
        manifest is another file than the one read, shorter, or changed before."""
        inode, size, tail = db.execute(
            "SELECT inode, size, tail FROM covered"
        ).fetchone()
        key = _file_key(self.manifest)
        if size and (key[0] != inode or key[1] < size or self._tail(size) != tail):
            db.execute("DELETE FROM latest")
            db.execute("UPDATE covered SET inode = 0, size = 0, tail = ?", (b"",))
            return 0
        return int(size)

    def _read_from(self, db: sqlite3.Connection, start: int) -> int:
        """Add the complete lines from byte `start` on; returns the end read to (a
        torn last line is left for the next catch-up, by then closed or still torn)."""
        if not self.manifest.exists():
            return start
        end = start
        with self.manifest.open("rb") as handle:
            handle.seek(start)
            for raw in handle:
                if not raw.endswith(b"\n"):
                    break
                end += len(raw)
                line = raw.decode("utf-8", errors="replace")
                row = manifest_row(line) if line.strip() else None
                if row is None:
                    if line.strip():
                        log.warning(
                            "%s: a line that is not a manifest row (torn write?)"
                            " skipped",
                            self.manifest,
                        )
                    continue
                db.execute(INSERT_ROW, _columns(row))
        return end

    def _tail(self, end: int) -> bytes:
        """The TAIL_BYTES of the manifest before `end`."""
        try:
            with self.manifest.open("rb") as handle:
                handle.seek(max(0, end - TAIL_BYTES))
                return handle.read(min(end, TAIL_BYTES))
        except FileNotFoundError:
            return b""

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                self.path,
                timeout=LOCK_WAIT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
            # derived: rebuilt when lost; SQLite's rollback journal (its default) leaves
            # no file beside the index once a process is done, as WAL's -wal and -shm do
            db.execute("PRAGMA synchronous = OFF")
            if db.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:
                db.execute("DROP TABLE IF EXISTS latest")
                db.execute("DROP TABLE IF EXISTS covered")
                db.execute(f"PRAGMA user_version = {INDEX_VERSION}")
            db.execute(
                f"CREATE TABLE IF NOT EXISTS latest ({', '.join(ROW_FIELDS)},"
                " PRIMARY KEY (uri)) WITHOUT ROWID"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS covered (one INTEGER PRIMARY KEY"
                " CHECK (one = 1), inode INTEGER, size INTEGER, tail BLOB)"
            )
            db.execute("INSERT OR IGNORE INTO covered VALUES (1, 0, 0, ?)", (b"",))
            self._db = db
        return self._db

    def _remove(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{self.path}{suffix}")

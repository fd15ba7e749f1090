"""The raw zone: immutable, content-addressed bytes plus an append-only manifest.

`data/raw/<sha256[:2]>/<sha256>` holds the bytes; `data/raw/manifest.jsonl` has one
line per (uri, sha256) first seen, so the raw zone alone is enough to reprocess.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
import sys
import tempfile
import threading
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from models.ids import sha256_hex

MANIFEST = "manifest.jsonl"

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


# The newest row of each uri, per manifest, shared by every store of the process (the
# sources of a run fetch at once, each with its own store): read once, kept up to date
# by `record`, read again only when the file changed under it (its inode, size, mtime).
_LATEST_LOCK = threading.Lock()
_LATEST: dict[Path, tuple[tuple[int, int, int], dict[str, ManifestRow]]] = {}


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
        latest: dict[str, ManifestRow],
        context: Provenance,
    ) -> tuple[ManifestRow, bool]:
        """The one way bytes enter the raw zone: stored once under their hash, and a
        manifest row when they differ from the uri's latest version (`latest` is
        updated). Returns the row with today's context and whether it is new."""
        sha256 = self.put(data)
        previous = latest.get(uri)
        media_type = sniff_media_type(uri, data, context.content_type)
        row = _row(uri, sha256, media_type, len(data), context)
        if previous is not None and previous.sha256 == sha256:
            return row, False
        self.record(row)
        latest[uri] = row
        return row, True

    def unchanged(
        self,
        uri: str,
        size: int,
        latest: dict[str, ManifestRow],
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

    def latest(self) -> dict[str, ManifestRow]:
        """The newest manifest row of each uri. The dict is shared (see `_LATEST`):
        callers add to it only the rows they `record`."""
        path = self.root / MANIFEST
        with _LATEST_LOCK:
            key = _file_key(path)
            cached = _LATEST.get(path)
            if cached is None or cached[0] != key:
                cached = (key, {row.uri: row for row in self.manifest()})
                _LATEST[path] = cached
            return cached[1]

    def known(self) -> set[tuple[str, str]]:
        """(uri, sha256) pairs already in the manifest."""
        return {(row.uri, row.sha256) for row in self.manifest()}

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
            after = _APPENDED[path] = _file_key(path)
            cached = _LATEST.get(path)
            if cached is not None and cached[0] == before:
                cached[1][row.uri] = row
                _LATEST[path] = (after, cached[1])


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

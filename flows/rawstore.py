"""The raw zone: immutable, content-addressed bytes plus an append-only manifest.

`data/raw/<sha256[:2]>/<sha256>` holds the bytes; `data/raw/manifest.jsonl` has one
line per (uri, sha256) first seen, so the raw zone alone is enough to reprocess.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from models.ids import sha256_hex

MANIFEST = "manifest.jsonl"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ManifestRow:
    """One fetched document version."""

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


class RawStore:
    """Content-addressed storage of fetched bytes under one directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.unreadable_lines: list[int] = []  # manifest lines skipped at the last read

    def path_for(self, sha256: str) -> Path:
        """Where the bytes with this hash live."""
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes once (atomic write) and return their sha256."""
        sha256 = sha256_hex(data)
        target = self.path_for(sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        return sha256

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
        """The newest manifest row of each uri."""
        return {row.uri: row for row in self.manifest()}

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
        line = json.dumps(asdict(row), ensure_ascii=False) + "\n"
        with path.open("ab") as handle:
            if handle.tell() > 0 and not ends_with_newline(path):
                line = "\n" + line
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())


def ends_with_newline(path: Path) -> bool:
    """Whether a non-empty file's last byte is a newline."""
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


MANIFEST_FIELDS = {field.name for field in fields(ManifestRow)}


def manifest_row(line: str) -> ManifestRow | None:
    """A manifest line as a row, or None when it is not one (torn, foreign, edited)."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    if not isinstance(value, dict) or not {"uri", "sha256", "source"} <= value.keys():
        return None
    try:
        return ManifestRow(**{k: v for k, v in value.items() if k in MANIFEST_FIELDS})
    except TypeError:
        return None


def now_utc() -> str:
    """The current time as ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")

"""The raw zone: immutable, content-addressed bytes plus an append-only manifest.

`data/raw/<sha256[:2]>/<sha256>` holds the bytes; `data/raw/manifest.jsonl` has one
line per (uri, sha256) first seen, so the raw zone alone is enough to reprocess.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from models.ids import sha256_hex

MANIFEST = "manifest.jsonl"


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
            os.replace(tmp, target)
        return sha256

    def get(self, sha256: str) -> bytes:
        """The bytes stored under a hash."""
        return self.path_for(sha256).read_bytes()

    def manifest(self) -> list[ManifestRow]:
        """Every manifest row, oldest first."""
        path = self.root / MANIFEST
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as handle:
            return [ManifestRow(**json.loads(line)) for line in handle if line.strip()]

    def latest(self) -> dict[str, ManifestRow]:
        """The newest manifest row of each uri."""
        return {row.uri: row for row in self.manifest()}

    def known(self) -> set[tuple[str, str]]:
        """(uri, sha256) pairs already in the manifest."""
        return {(row.uri, row.sha256) for row in self.manifest()}

    def record(self, row: ManifestRow) -> None:
        """Append a manifest row (the caller checks it is new)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / MANIFEST).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")


def now_utc() -> str:
    """The current time as ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")

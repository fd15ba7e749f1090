"""Which document a dead extracting process was reading, without a file made and
removed per document.

A document's marker, `extracting/<sha256>` under the raw zone, means a process died
reading it: the document is then extracted alone (`flows.extraction`). Markers are
made from slots. Each extracting process has one slot in a raw zone,
`extracting-slots/<pid>-<random>`, a file it holds locked (`flock`) as long as it
lives, and into which it writes, in place, the hash of the document it is reading
(blanks between documents): two small writes a document, where a marker made before
and removed after each document cost two directory changes, ~0.8 ms a document on a
disk busy with the fetch's writes. The kernel lets go of a dead process's lock
however it died (a segfault, SIGKILL, the OOM killer), so a slot that can be locked
is a dead process's: `settle` then marks the document written in it and removes the
slot. Slots are settled when a process makes its slot (a worker that takes over
from a dead one is a new process) and at the start of every batch.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

MARKERS = "extracting"  # under the raw zone: documents a process died reading
SLOTS = "extracting-slots"  # under the raw zone: each extracting process's slot
IDLE = b" " * 64 + b"\n"  # a slot between documents (a sha256 is 64 hex digits)
SHA256_RE = re.compile(r"[0-9a-f]{64}")


def marker_path(root: Path, sha256: str) -> Path:
    """The marker of a document a process died reading."""
    return root / MARKERS / sha256


class Slot:
    """This process's slot in one raw zone (locked while the process lives)."""

    def __init__(self, root: Path) -> None:
        folder = root / SLOTS
        folder.mkdir(parents=True, exist_ok=True)
        # made under a hidden name and locked before it takes its own: `settle`
        # never sees a slot whose lock is not taken yet
        fd, made = tempfile.mkstemp(dir=folder, prefix=f".{os.getpid()}-")
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.pwrite(fd, IDLE, 0)
        self.path = folder / Path(made).name[1:]
        os.rename(made, self.path)
        self.fd = fd

    def hold(self, sha256: str | None) -> None:
        """Write the document being read (None: none)."""
        os.pwrite(self.fd, sha256.encode("ascii") + b"\n" if sha256 else IDLE, 0)

    def close(self) -> None:
        """Give the slot up (between documents)."""
        self.path.unlink(missing_ok=True)
        os.close(self.fd)


# this process's slot: (pid, raw zone, slot); one at a time (a process reading
# from another raw zone gives the last one up, so slots do not pile up)
_SLOT: tuple[int, Path, Slot] | None = None


def slot_for(root: Path) -> Slot:
    """This process's slot in the raw zone, made (and dead ones settled) on first
    use."""
    global _SLOT
    if _SLOT is not None and _SLOT[:2] == (os.getpid(), root):
        return _SLOT[2]
    if _SLOT is not None and _SLOT[0] == os.getpid():
        _SLOT[2].close()
    slot = Slot(root)
    _SLOT = (os.getpid(), root, slot)
    settle(root)
    return slot


def settle(root: Path) -> list[str]:
    """Mark the document each dead process's slot holds and remove those slots;
    the hashes marked."""
    folder = root / SLOTS
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    marked = []
    for name in names:
        if name.startswith("."):
            continue  # a slot being made
        sha256 = _settle_one(root, folder / name)
        if sha256:
            marked.append(sha256)
    return marked


def _settle_one(root: Path, path: Path) -> str | None:
    """A dead process's slot: its document marked (the hash), the slot removed."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None  # settled by another process just now (or not ours to read)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # its process lives
        held = os.pread(fd, len(IDLE), 0).decode("ascii", "replace").strip()
        sha256 = held if SHA256_RE.fullmatch(held) else None
        if sha256 is not None:
            mark(root, sha256, path.name.split("-", 1)[0])
        path.unlink(missing_ok=True)
        return sha256
    finally:
        os.close(fd)


def mark(root: Path, sha256: str, pid: str) -> None:
    """The marker of a document process `pid` died reading (kept if there is one)."""
    marker = marker_path(root, sha256)
    marker.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(f"{pid} {datetime.now(UTC).isoformat()}\n")

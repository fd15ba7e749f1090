"""Slots: which document a dead extracting process was reading becomes its marker,
a live process's slot is left alone, and extracting makes no file per document."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from flows import crash_marks, extraction
from tests.conftest import ROOT

SHA = "ab" * 32
HOLDER = """
import sys, time
from pathlib import Path
from flows import crash_marks
slot = crash_marks.slot_for(Path(sys.argv[1]))
slot.hold(sys.argv[2] or None)
print("ready", flush=True)
time.sleep(60)
"""


def holding(root: Path, sha256: str) -> subprocess.Popen:
    """A process whose slot in `root` holds `sha256` ("" for none), ready."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root), sha256],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    return child


def killed(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(10)


def test_a_dead_process_s_document_is_marked_and_a_live_one_s_is_not(
    tmp_path: Path,
) -> None:
    reading = holding(tmp_path, SHA)
    try:
        assert crash_marks.settle(tmp_path) == []  # it lives: its slot stays
        assert not crash_marks.marker_path(tmp_path, SHA).exists()
    finally:
        killed(reading)
    assert crash_marks.settle(tmp_path) == [SHA]
    marker = crash_marks.marker_path(tmp_path, SHA)
    assert marker.read_text().split()[0] == str(reading.pid)
    assert os.listdir(tmp_path / crash_marks.SLOTS) == []


def test_a_dead_process_between_documents_leaves_no_marker(tmp_path: Path) -> None:
    killed(holding(tmp_path, ""))
    assert crash_marks.settle(tmp_path) == []
    assert os.listdir(tmp_path / crash_marks.SLOTS) == []
    assert not (tmp_path / crash_marks.MARKERS).exists()


def test_a_new_process_marks_before_it_reads(tmp_path: Path) -> None:
    """A process taking over from a dead one settles when it makes its slot: the
    document the dead one was reading is marked before anything is read."""
    killed(holding(tmp_path, SHA))
    second = holding(tmp_path, "")
    try:
        assert crash_marks.marker_path(tmp_path, SHA).exists()
    finally:
        killed(second)


def test_extracting_makes_no_file_per_document(fetched_sample) -> None:
    results, store = fetched_sample
    done = extraction.extract_all(results, store.root)
    assert len(done) == len(results) and all(r.items for r in done)
    assert not (store.root / extraction.MARKERS).exists()
    [slot] = os.listdir(store.root / crash_marks.SLOTS)  # this process's, idle
    assert (store.root / crash_marks.SLOTS / slot).read_bytes() == crash_marks.IDLE
    assert slot.startswith(f"{os.getpid()}-")


def test_a_process_keeps_one_slot(tmp_path: Path) -> None:
    """A process reading from one raw zone, then another, gives the first slot up
    (a long test session or a served process does not pile up open slots)."""
    first = crash_marks.slot_for(tmp_path / "a")
    assert crash_marks.slot_for(tmp_path / "a") is first
    crash_marks.slot_for(tmp_path / "b")
    assert os.listdir(tmp_path / "a" / crash_marks.SLOTS) == []
    assert len(os.listdir(tmp_path / "b" / crash_marks.SLOTS)) == 1

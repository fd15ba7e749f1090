"""Progress bars show on a terminal only."""

from __future__ import annotations

import io

import pytest

from flows import progress as module


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(module.sys, "stderr", terminal)
    monkeypatch.setattr(module, "Progress", lambda *a, **k: RecordingProgress(terminal))
    with module.progress(3, "extracting documents") as advance:
        for _ in range(3):
            advance()
    assert (
        terminal.getvalue() == "add extracting documents 3\nadvance\nadvance\nadvance\n"
    )


def test_no_bar_when_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(module.sys, "stderr", piped)
    with module.progress(3, "extracting documents") as advance:
        advance()
    assert piped.getvalue() == ""


class RecordingProgress:
    """Stands in for rich's Progress and writes what it is asked to do."""

    def __init__(self, out: io.StringIO) -> None:
        self.out = out

    def __enter__(self) -> RecordingProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, label: str, total: int) -> int:
        self.out.write(f"add {label} {total}\n")
        return 1

    def advance(self, task: int) -> None:
        self.out.write("advance\n")

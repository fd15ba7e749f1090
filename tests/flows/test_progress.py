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


def test_run_progress_lines_when_piped() -> None:
    piped = io.StringIO()
    reporter = module.RunProgress(2, piped)
    with module.showing(reporter):
        module.document_fetched()
        module.source_done("espoo: succeeded — 3 documents")
        module.source_done("oulu: failed — http://x/: ConnectError: refused")
    assert piped.getvalue().splitlines() == [
        "[1/2] espoo: succeeded — 3 documents",
        "[2/2] oulu: failed — http://x/: ConnectError: refused",
    ]
    assert reporter.documents == 1
    module.source_done("outside a run: not shown")
    assert len(piped.getvalue().splitlines()) == 2


def test_run_progress_live_on_a_terminal() -> None:
    terminal = FakeTerminal()
    reporter = module.RunProgress(2, terminal)
    with module.showing(reporter):
        for _ in range(5):
            module.document_fetched()
        module.source_done("espoo: succeeded")
        assert reporter._bar is not None  # a live bar while the run goes on
    assert "espoo: succeeded" in terminal.getvalue()
    assert "[1/2]" not in terminal.getvalue()  # lines are for logs, not terminals
    assert reporter.documents == 5 and reporter.done == 1


def test_extraction_bar_is_a_line_of_the_run_display(monkeypatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(module.sys, "stderr", terminal)
    reporter = module.RunProgress(1, terminal)
    with module.showing(reporter):
        with module.progress(3, "extracting documents") as advance:
            for _ in range(3):
                advance()  # rich allows one live display: no LiveError
            assert len(reporter._bar.tasks) == 2
        assert len(reporter._bar.tasks) == 1

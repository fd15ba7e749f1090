"""Progress for long commands: a bar on a terminal, plain lines elsewhere.

`progress()` counts the documents an extraction goes through. A run's `RunProgress`
(installed by `minutes run` with `showing()`) counts sources done and documents
fetched: on a terminal as a live line, in a log as one line per finished source.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """Yield `advance()`; draws a bar on stderr when it is a terminal (a line of
    the run's live display when one is shown: rich allows one at a time)."""
    reporter = CURRENT.get()
    if reporter is not None and reporter.showing_live:
        with reporter.step(label, total) as advance:
            yield advance
        return
    if not sys.stderr.isatty() or total < 2:
        yield lambda: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


class RunProgress:
    """Sources done and documents fetched so far (thread-safe)."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.documents = 0
        self._lock = threading.Lock()
        self._stream = stream or sys.stderr
        self._bar: Progress | None = None
        self._task: int | None = None

    def document_fetched(self) -> None:
        """One more document fetched (from any fetch thread)."""
        with self._lock:
            self.documents += 1
            self._refresh()

    def source_done(self, line: str) -> None:
        """A source is finished; `line` says how it ended."""
        with self._lock:
            self.done += 1
            if self._bar is not None:
                self._bar.console.print(line, markup=False, highlight=False)
            else:
                self._stream.write(f"[{self.done}/{self.total}] {line}\n")
                self._stream.flush()
            self._refresh()

    @property
    def showing_live(self) -> bool:
        """True while the live display is on the terminal."""
        return self._bar is not None

    @contextmanager
    def step(self, label: str, total: int) -> Iterator[Callable[[], None]]:
        """A second line of the live display for one step (e.g. extracting)."""
        bar = self._bar
        assert bar is not None, "no live display"
        task = bar.add_task(label, total=total)
        try:
            yield lambda: bar.advance(task)
        finally:
            bar.remove_task(task)

    def _refresh(self) -> None:
        """Redraw the live line (on a terminal)."""
        if self._bar is not None and self._task is not None:
            self._bar.update(
                self._task,
                completed=self.done,
                description=f"sources · {self.documents} documents fetched",
            )

    @contextmanager
    def live(self) -> Iterator[RunProgress]:
        """Show the live line while the run goes on, when stderr is a terminal."""
        if not self._stream.isatty():
            yield self
            return
        console = Console(file=self._stream)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            self._bar = bar
            self._task = bar.add_task("sources", total=self.total)
            try:
                yield self
            finally:
                self._bar = None


CURRENT: ContextVar[RunProgress | None] = ContextVar("minutes_progress", default=None)


@contextmanager
def showing(reporter: RunProgress) -> Iterator[RunProgress]:
    """Make `reporter` the one a run in this context reports to."""
    token = CURRENT.set(reporter)
    try:
        with reporter.live():
            yield reporter
    finally:
        CURRENT.reset(token)


def document_fetched() -> None:
    """Count a fetched document in the current run's progress, if one is shown."""
    reporter = CURRENT.get()
    if reporter is not None:
        reporter.document_fetched()


def source_done(line: str) -> None:
    """Report a finished source to the current run's progress, if one is shown."""
    reporter = CURRENT.get()
    if reporter is not None:
        reporter.source_done(line)

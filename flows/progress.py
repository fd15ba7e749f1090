"""Progress bars for long commands (rich), shown only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """Yield `advance()`; draws a bar on stderr when it is a terminal."""
    if not sys.stderr.isatty() or total < 2:
        yield lambda: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)

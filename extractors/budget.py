"""A time budget per document: long work (PDF pages, items) checks it as it goes,
so one pathological file ends with a reason instead of holding the run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from extractors.errors import ExtractionError

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("deadline", default=None)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Work inside may take `seconds` (None: no limit); `check` raises past it."""
    if seconds is None:
        yield
        return
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise ExtractionError `too_slow` when the document's time is up."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline[0]:
        raise ExtractionError(
            "too_slow", f"extraction took more than {deadline[1]:g} s (time limit)"
        )

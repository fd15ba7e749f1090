"""Stopping a run cleanly.

SIGINT and SIGTERM reach the main thread as exceptions (Prefect's flow engine turns
SIGTERM into `TerminationSignal`, Python SIGINT into `KeyboardInterrupt`; outside a
flow `raise_on_sigterm` does the same). The flow then sets STOP: fetch threads check it
before every request and wake from their waits, so they end at their next step, and
nobody waits for a request already on the wire (fetch threads are daemons).
"""

from __future__ import annotations

import queue
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from types import FrameType
from typing import Any

STOP = threading.Event()
# How often a waiting main thread wakes: the kernel may hand SIGINT or SIGTERM to any
# thread, and Python's handler then only runs once the main thread wakes up.
WAKE_SECONDS = 0.25
STOPPED: list[Any] = []  # summaries of the runs a signal stopped in this process


class Stopped(BaseException):
    """The run is stopping: raised in fetch threads (never a fetch failure)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM outside a flow run (before Prefect's engine takes over)."""


def check() -> None:
    """Raise Stopped when the run is stopping."""
    if STOP.is_set():
        raise Stopped()


def sleep(seconds: float) -> None:
    """time.sleep that ends early, raising Stopped, when the run is stopping."""
    if STOP.wait(max(0.0, seconds)):
        raise Stopped()


def raise_on_sigterm() -> None:
    """SIGTERM raises Terminated in the main thread, so `finally` blocks and atexit
    handlers (e.g. Prefect's temporary server) run as they do on Ctrl-C."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def signal_name(error: BaseException) -> str:
    """SIGTERM or SIGINT, for the message a stopped run prints."""
    number = getattr(error, "signal", None)
    if isinstance(error, Terminated) or number == signal.SIGTERM:
        return "SIGTERM"
    return "SIGINT"


def exit_code(error: BaseException) -> int:
    """128 + the signal's number, as a shell reports a process it stopped."""
    return 128 + (signal.SIGTERM if signal_name(error) == "SIGTERM" else signal.SIGINT)


def as_they_finish(futures: Iterable[Future[Any]]) -> Iterator[Future[Any]]:
    """The futures as they finish (`as_completed`), waking every WAKE_SECONDS so that
    a signal given to another thread stops the run at once, not when a future ends.

    Each future tells a queue when it is done, so a wake costs the same however many
    futures are out (`concurrent.futures.wait` visits every pending future's lock on
    each call: per batch of n documents ~n²/2 lock round trips in the main thread)."""
    finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
    left = 0
    for future in futures:
        future.add_done_callback(finished.put)
        left += 1
    while left:
        try:
            future = finished.get(timeout=WAKE_SECONDS)
        except queue.Empty:
            continue
        left -= 1
        yield future
        del future  # let go once the caller is done with it

"""Fetches in daemon threads: at most a few at once, one per host in the order
submitted. A stopped run does not wait for them: a request on the wire is abandoned
(daemon threads never hold up the exit), and queued fetches do not start."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

from flows import stop

FETCH_WORKERS = 4  # fetches at once (never two on one host)


class HostQueue:
    """One host's turn-taking: fetches run one at a time in the order submitted."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._issued = 0
        self._serving = 0

    def ticket(self) -> int:
        """A place in the queue (taken when the fetch is submitted)."""
        with self._turn:
            self._issued += 1
            return self._issued - 1

    def wait(self, ticket: int) -> None:
        """Block until it is this ticket's turn."""
        with self._turn:
            self._turn.wait_for(lambda: self._serving == ticket)

    def done(self) -> None:
        """The current fetch is over: the next ticket's turn."""
        with self._turn:
            self._serving += 1
            self._turn.notify_all()


class FetchPool:
    """Runs fetches in daemon threads: at most `workers` at once, one per host in
    the order submitted (a backfill's windows oldest first). A stopped run does not
    wait for them (a request on the wire is abandoned)."""

    def __init__(self, workers: int = FETCH_WORKERS) -> None:
        self._slots = threading.Semaphore(workers)
        self._hosts: dict[str, HostQueue] = {}

    def submit(self, host: str, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Start `fn(*args)` when the host's turn and a slot come; its Future."""
        future: Future[Any] = Future()
        queue = self._hosts.setdefault(host, HostQueue())
        ticket = queue.ticket()
        context = contextvars.copy_context()  # the flow run's context, for the task
        worker = threading.Thread(
            target=self._work,
            args=(future, queue, ticket, context, partial(fn, *args)),
            name=f"fetch {host}",
            daemon=True,
        )
        worker.start()
        return future

    def _work(
        self,
        future: Future[Any],
        queue: HostQueue,
        ticket: int,
        context: contextvars.Context,
        call: Callable[[], Any],
    ) -> None:
        """Wait for the host's turn and a slot, then run (unless stopping)."""
        queue.wait(ticket)
        try:
            with self._slots:
                if stop.STOP.is_set() or not future.set_running_or_notify_cancel():
                    return
                try:
                    future.set_result(context.run(call))
                except BaseException as error:  # noqa: BLE001 - handed to the flow
                    future.set_exception(error)
        finally:
            queue.done()

"""A signal stops a run at once whichever thread the kernel hands it to: the main
thread, waiting for fetches or extraction workers, wakes now and then to let
Python's handler run (a plain blocking wait only wakes when a future ends)."""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from flows import stop


def test_a_sigint_given_to_another_thread_ends_the_wait_at_once() -> None:
    release = threading.Event()
    started = threading.Event()
    idents: list[int] = []

    def slow_fetch() -> None:
        idents.append(threading.get_ident())
        started.set()
        release.wait(20)

    # as a terminal's Ctrl-C reaches a run (a suite started in the background by a
    # shell without job control has SIGINT ignored)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(slow_fetch)
        started.wait(5)
        timer = threading.Timer(0.3, signal.pthread_kill, (idents[0], signal.SIGINT))
        timer.start()
        began = time.monotonic()
        try:
            with pytest.raises(KeyboardInterrupt):
                list(stop.as_they_finish([future]))
            assert time.monotonic() - began < 3  # not the 20 s the fetch takes
        finally:
            release.set()
            timer.join()
            signal.signal(signal.SIGINT, before)


def test_the_futures_come_as_they_finish() -> None:
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(time.sleep, 0.6)
        quick = pool.submit(time.sleep, 0.05)
        assert list(stop.as_they_finish([slow, quick])) == [quick, slow]


def test_every_future_comes_once_in_the_order_they_finish() -> None:
    # one at a time, from another thread, as extraction workers hand back documents;
    # futures done before the wait began come too
    before = [Future() for _ in range(3)]
    for number, future in enumerate(before):
        future.set_result(number)
    later = [Future() for _ in range(300)]
    order = list(reversed(later))

    def finish() -> None:
        for number, future in enumerate(order):
            future.set_result(number)
            time.sleep(0.0005)

    # finishing starts once the wait has its callbacks on every future (at the first
    # future out): a thread started before could finish some of `later` first, and
    # those came in the order they were handed in (a flake under a loaded CPU)
    waiting = stop.as_they_finish([*before, *later])
    came = [next(waiting)]
    thread = threading.Thread(target=finish)
    thread.start()
    try:
        came.extend(waiting)
    finally:
        thread.join()
    assert came[:3] == before
    assert came[3:] == order


def test_a_cancelled_or_failed_future_comes_too() -> None:
    cancelled, failed, fine = Future(), Future(), Future()
    cancelled.cancel()
    failed.set_exception(RuntimeError("worker died"))
    fine.set_result(1)
    came = list(stop.as_they_finish([cancelled, failed, fine]))
    assert came == [cancelled, failed, fine]

"""The fetch pool: a few fetches at once, one per host in the order submitted,
daemon threads that a stopped run leaves behind."""

from __future__ import annotations

import threading
import time
from concurrent.futures import wait

import pytest

from flows import stop
from flows.fetchpool import FetchPool


@pytest.fixture(autouse=True)
def fresh_stop():
    stop.STOP.clear()
    yield
    stop.STOP.clear()


def test_one_host_is_fetched_in_order_and_never_twice_at_once() -> None:
    pool = FetchPool(workers=4)
    running: list[str] = []
    order: list[int] = []
    overlap: list[bool] = []
    guard = threading.Lock()

    def fetch(host: str, n: int) -> int:
        with guard:
            overlap.append(host in running)
            running.append(host)
            if host == "a":
                order.append(n)
        time.sleep(0.02)
        with guard:
            running.remove(host)
        return n

    futures = [pool.submit(host, fetch, host, n) for n in range(5) for host in "ab"]
    done, _ = wait(futures, timeout=10)
    assert len(done) == 10 and sorted(f.result() for f in futures) == sorted(
        list(range(5)) * 2
    )
    assert order == [0, 1, 2, 3, 4]  # a backfill's windows oldest first
    assert not any(overlap)


def test_no_more_than_the_workers_at_once() -> None:
    pool = FetchPool(workers=2)
    active, peak = [0], [0]
    guard = threading.Lock()

    def fetch() -> None:
        with guard:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with guard:
            active[0] -= 1

    futures = [pool.submit(f"host{n}", fetch) for n in range(6)]
    wait(futures, timeout=10)
    assert peak[0] == 2


def test_a_stopped_run_starts_nothing_more_and_waits_for_nothing() -> None:
    pool = FetchPool(workers=1)
    started: list[int] = []
    release = threading.Event()

    def fetch(n: int) -> int:
        started.append(n)
        release.wait(5)  # a request on the wire
        return n

    first = pool.submit("host", fetch, 1)
    queued = pool.submit("host", fetch, 2)
    time.sleep(0.1)
    stop.STOP.set()
    release.set()
    assert first.result(timeout=5) == 1
    time.sleep(0.2)
    assert started == [1] and not queued.done()  # never started
    assert all(t.daemon for t in threading.enumerate() if t.name == "fetch host")

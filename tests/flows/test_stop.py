"""The operator's night, as processes: SIGINT/SIGTERM stop a run within seconds with
the warehouse as it was and the run recorded cancelled; a run killed outright is
marked abandoned by the next; a second run is refused at once while one loads; and
analysts can query all the while."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.nightly import minutes_run
from flows.writer import RunLock
from tests.flows.test_cli import MINUTES
from tests.flows.test_dynasty_crawl import site as dynasty_site  # noqa: F401
from tests.flows.test_run_flow import query, snapshot
from tests.flows.test_web_flow import dynasty_entry, sources_file
from tests.sites import ReplaySite

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

SLOW_PAGE = "/kokous/TELIN-217668.HTM"  # a body's meeting list, early in the crawl
SINCE, UNTIL = "2017-05-08", "2017-06-30"


def start_run(
    toml: Path, tmp_path: Path, output: Path | None = None, **env: str
) -> subprocess.Popen:
    """`minutes run` as a separate process (its own temporary Prefect server);
    its output piped, or written to `output`."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        "PREFECT_HOME": str(tmp_path / "prefect-cli"),
        "MINUTES_HTTP_TIMEOUT": "60",  # the slow request stays on the wire
        **env,
    }
    return subprocess.Popen(
        [
            MINUTES,
            "run",
            "--sources",
            str(toml),
            "--since",
            SINCE,
            "--until",
            UNTIL,
            "--warehouse",
            str(tmp_path / "wh.duckdb"),
            "--raw-dir",
            str(tmp_path / "raw"),
        ],
        env=environment,
        stdout=output.open("w") if output else subprocess.PIPE,
        stderr=subprocess.STDOUT if output else subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a job in a terminal
        preexec_fn=as_from_a_terminal,
    )


def as_from_a_terminal() -> None:
    """In the child: SIGINT as a terminal's job has it. A suite started in the
    background by a shell without job control inherits SIGINT ignored, and Python
    keeps an ignored SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def slow_site(dynasty_site: ReplaySite):  # noqa: F811
    """The Dynasty replay site; at the end, every delayed answer is waited for (the
    replay server answers one request at a time, and other tests share it)."""
    yield dynasty_site
    not_slow_any_more(dynasty_site)
    wait_until(lambda: len(dynasty_site.log) >= len(dynasty_site.arrived), 60, "replay")


def slow_down(site: ReplaySite, seconds: float) -> None:
    """Make the slow page slow, and count requests from now on."""
    site.routes[SLOW_PAGE].delay = seconds
    site.routes[SLOW_PAGE].hurry.clear()
    site.log.clear()
    site.arrived.clear()


def not_slow_any_more(site: ReplaySite) -> None:
    """The slow page answers at once again, the delayed answer included."""
    site.routes[SLOW_PAGE].delay = 0.0
    site.routes[SLOW_PAGE].hurry.set()


def loaded_once(site: ReplaySite, tmp_path: Path) -> Path:
    """A warehouse with the site loaded by an earlier run; returns the toml."""
    toml = sources_file(tmp_path, [dynasty_entry(site)])
    minutes_run(
        toml,
        [],
        date.fromisoformat(SINCE),
        tmp_path / "raw",
        tmp_path / "wh.duckdb",
        date.fromisoformat(UNTIL),
    )
    return toml


@pytest.mark.parametrize(
    ("signum", "code", "name"),
    [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "SIGINT")],
)
def test_a_signal_stops_the_run_within_seconds_and_keeps_the_warehouse(
    slow_site: ReplaySite,
    tmp_path: Path,
    signum: int,
    code: int,
    name: str,
) -> None:
    toml = loaded_once(slow_site, tmp_path)
    before = snapshot(tmp_path / "wh.duckdb")
    slow_down(slow_site, 15.0)
    run = start_run(toml, tmp_path)
    wait_until(lambda: SLOW_PAGE in slow_site.arrived, 90, "the slow page")
    sent = time.monotonic()
    os.killpg(run.pid, signum)  # the whole group, as a terminal's Ctrl-C or kill does
    out, err = run.communicate(timeout=30)
    assert time.monotonic() - sent < 8, "the run did not stop within seconds"
    assert run.returncode == code, out + err
    assert f"stopped by {name}" in err and "cancelled" in err
    assert "Traceback" not in err
    wh = tmp_path / "wh.duckdb"
    assert snapshot(wh) == before
    assert query(wh, "SELECT status FROM runs ORDER BY started_at") == [
        ("completed",),
        ("cancelled",),
    ]
    assert query(
        wh,
        "SELECT s.status FROM run_sources s JOIN runs r USING (run_id)"
        " WHERE r.status = 'cancelled'",
    ) == [("cancelled",)]
    assert RunLock(wh).holder() is None
    assert not (tmp_path / "wh.duckdb.next").exists()
    with pytest.raises(ProcessLookupError):  # nothing of the run is left running
        os.killpg(run.pid, 0)


def test_a_killed_run_is_marked_abandoned_by_the_next(
    slow_site: ReplaySite, tmp_path: Path
) -> None:
    loaded_once(slow_site, tmp_path)
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("ei pykäliä", encoding="utf-8")
    toml = sources_file(
        tmp_path,
        [
            f'[[source]]\nname = "texts"\nplatform = "folder"\nbase_url = "{folder}"\n',
            dynasty_entry(slow_site),
        ],
    )
    slow_down(slow_site, 15.0)
    log = tmp_path / "killed.log"
    run = start_run(toml, tmp_path, log, MINUTES_PUBLISH_EVERY="0")
    wh = tmp_path / "wh.duckdb"

    def texts_published() -> bool:
        rows = query(wh, "SELECT count(*) FROM run_sources WHERE source = 'texts'")
        return rows == [(1,)]

    wait_until(texts_published, 90, "the first source to be published")
    run.kill()  # no chance to clean up
    run.wait(timeout=30)
    assert ("running",) in query(wh, "SELECT status FROM runs"), log.read_text()
    assert RunLock(wh).holder() is None  # the kernel released the dead run's lock
    not_slow_any_more(slow_site)
    wait_until(lambda: len(slow_site.log) >= len(slow_site.arrived), 60, "replay")
    summary = minutes_run(
        toml,
        ["espoo"],
        date.fromisoformat(SINCE),
        tmp_path / "raw",
        wh,
        date.fromisoformat(UNTIL),
    )
    assert summary.abandoned == 1 and summary.status == "completed"
    assert query(wh, "SELECT status FROM runs ORDER BY started_at") == [
        ("completed",),
        ("abandoned",),
        ("completed",),
    ]


def test_a_second_run_is_refused_at_once_while_analysts_query(
    slow_site: ReplaySite, tmp_path: Path
) -> None:
    toml = loaded_once(slow_site, tmp_path)
    slow_down(slow_site, 12.0)
    first = start_run(toml, tmp_path)
    wh = tmp_path / "wh.duckdb"
    try:
        wait_until(lambda: SLOW_PAGE in slow_site.arrived, 90, "the slow page")
        holder = RunLock(wh).holder()
        assert holder is not None and holder.pid == first.pid
        started = time.monotonic()
        second = start_run(toml, tmp_path)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 75, out + err
        assert f"locked by run {holder.run_id} (pid {first.pid})" in err
        assert time.monotonic() - started < 10  # before any Prefect server starts
        reader = subprocess.run(
            [MINUTES, "sql", "SELECT count(*) AS n FROM items", "--format", "csv"],
            env={**os.environ, "MINUTES_WAREHOUSE": str(wh)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert reader.returncode == 0, reader.stderr
        assert reader.stdout.splitlines() == ["n", "3"]
        con = duckdb.connect(str(wh), read_only=True)  # an analyst's session
        try:
            not_slow_any_more(slow_site)  # the run goes on, the session open
            out, err = first.communicate(timeout=120)
            assert first.returncode == 0, out + err  # the open reader broke nothing
            assert con.execute("SELECT count(*) FROM runs").fetchone() == (1,)
        finally:
            con.close()
        assert query(wh, "SELECT count(*) FROM runs") == [(2,)]
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()

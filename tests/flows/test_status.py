"""Honest status: sources refused before any fetch when their configuration cannot
work, a source that lists nothing is failed with URL, error class and message, the
run is completed / partial / failed with exit 0 / 3 / 1; `minutes status` and
`minutes doctor` tell the operator how things stand."""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.operate import SourceState, status_exit_code
from flows.writer import Writer, new_holder
from tests.conftest import copy_sample_site
from tests.sites import ReplaySite

pytestmark = pytest.mark.usefixtures("prefect_harness")
runner = CliRunner()


@pytest.fixture(autouse=True)
def cli_in_process(monkeypatch: pytest.MonkeyPatch):
    """`minutes run` in this process: the harness's server, SIGTERM restored."""
    from prefect.settings import PREFECT_API_URL

    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    monkeypatch.delenv("MINUTES_AHJO_API_KEY", raising=False)
    handler = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, handler)


def closed_port() -> int:
    from flows.prefect_server import free_port

    return free_port()  # nobody listens there


def failing_entries(ahjo: ReplaySite, port: int) -> list[str]:
    return [
        '[[source]]\nname = "espoo"\nplatform = "dynasty"\n'
        f'base_url = "http://127.0.0.1:{port}/kokous/"\n',
        '[[source]]\nname = "helsinki"\nplatform = "ahjo"\n'
        f'base_url = "{ahjo.base}/fi"\n',
        '[[source]]\nname = "typo"\nplatform = "dynasty"\n'
        'base_url = "espoo.oncloudos.com/cgi/DREQUEST.PHP"\n',
    ]


def run_cli(toml: Path, tmp_path: Path):
    return runner.invoke(
        app,
        [
            "run",
            "--sources",
            str(toml),
            "--warehouse",
            str(tmp_path / "wh.duckdb"),
            "--raw-dir",
            str(tmp_path / "raw"),
        ],
    )


def test_some_sources_failing_is_partial_with_every_reason(
    httpserver, tmp_path: Path
) -> None:
    ahjo = ReplaySite(httpserver)
    port = closed_port()
    toml = copy_sample_site(tmp_path / "site", ("texts/kittila",))
    with toml.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(["", *failing_entries(ahjo, port)]))
    result = run_cli(toml, tmp_path)
    assert result.exit_code == 3, result.output
    text = " ".join(result.stdout.split())  # rich may wrap long lines
    assert "status: partial" in text
    espoo = f"source espoo failed: http://127.0.0.1:{port}/kokous/TELIMET.HTM:"
    assert (
        f"{espoo} ConnectError: network_error: [Errno 111] Connection refused" in text
    )
    assert (
        f"source helsinki refused: {ahjo.base}/fi: ConfigError: MINUTES_AHJO_API_KEY"
        " is not set" in text
    )
    assert (
        "source typo refused: espoo.oncloudos.com/cgi/DREQUEST.PHP: ConfigError:"
        " base_url is not an http(s) URL with a host" in text
    )
    assert ahjo.arrived == []  # refused before any request

    status = runner.invoke(app, ["status", "--warehouse", str(tmp_path / "wh.duckdb")])
    assert status.exit_code == 3, status.output
    rows = {
        line.split("│")[1].strip(): line
        for line in status.stdout.splitlines()
        if line.count("│") > 5
    }
    assert "succeeded" in rows["site"] and "no" in rows["site"].split("│")[-2]
    assert "ConnectError" in " ".join(status.stdout.split())
    assert "failed" in rows["espoo"] and "refused" in rows["helsinki"]
    assert "partial" in status.stdout  # the last runs


def test_every_source_failing_fails_the_run(httpserver, tmp_path: Path) -> None:
    ahjo = ReplaySite(httpserver)
    toml = tmp_path / "sources.toml"
    toml.write_text("\n".join(failing_entries(ahjo, closed_port())), encoding="utf-8")
    result = run_cli(toml, tmp_path)
    assert result.exit_code == 1, result.output
    assert "status: failed" in result.stdout
    assert result.stdout.count("source ") >= 3
    status = runner.invoke(app, ["status", "--warehouse", str(tmp_path / "wh.duckdb")])
    assert status.exit_code == 1


def test_a_completed_run_exits_0(tmp_path: Path) -> None:
    toml = copy_sample_site(tmp_path / "site", ("texts/kittila",))
    result = run_cli(toml, tmp_path)
    assert result.exit_code == 0, result.output
    assert "status: completed" in result.stdout
    assert "[1/1] site: succeeded" in result.stderr  # progress while it runs
    status = runner.invoke(app, ["status", "--warehouse", str(tmp_path / "wh.duckdb")])
    assert status.exit_code == 0, status.output


def state(name: str, status: str, hours_ago: float | None) -> SourceState:
    now = datetime.now(UTC)
    success = now - timedelta(hours=hours_ago) if hours_ago is not None else None
    return SourceState(name, status, success, None, None, 0, None)


@pytest.mark.parametrize(
    ("states", "code"),
    [
        ([state("a", "succeeded", 1), state("b", "succeeded", 2)], 0),
        ([state("a", "succeeded", 1), state("b", "succeeded", 72)], 3),  # stale
        ([state("a", "succeeded", 1), state("b", "failed", 2)], 3),
        ([state("a", "failed", None), state("b", "refused", None)], 1),
    ],
)
def test_status_exit_code(states: list[SourceState], code: int) -> None:
    assert status_exit_code(states, datetime.now(UTC), timedelta(hours=48)) == code


def test_status_without_warehouse_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--warehouse", str(tmp_path / "no.duckdb")])
    assert result.exit_code == 2 and "minutes run" in result.output


def test_doctor_checks_the_machine(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL")
    wh = tmp_path / "wh.duckdb"
    healthy = runner.invoke(app, ["doctor", "--warehouse", str(wh)])
    assert healthy.exit_code == 0, healthy.output
    for check in ("Voikko", "tesseract", "spaCy model", "Prefect", "warehouse", "disk"):
        assert check in healthy.stdout, check
    assert f"warehouse: {wh} (from --warehouse)" in " ".join(healthy.stdout.split())

    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{closed_port()}/api")
    with Writer(wh, new_holder("run-in-progress", "minutes run")):
        broken = runner.invoke(app, ["doctor", "--warehouse", str(wh)])
    assert broken.exit_code == 1, broken.output
    text = " ".join(broken.stdout.split())
    assert "unreachable" in text and "FAIL" in text
    assert "locked by run run-in-progress" in text


def test_a_file_that_is_no_warehouse_is_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("not a database")
    toml = copy_sample_site(tmp_path / "site", ("texts/kittila",))
    result = runner.invoke(
        app, ["run", "--sources", str(toml), "--warehouse", str(bogus)]
    )
    assert result.exit_code == 2
    assert "not a valid DuckDB database file" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "raw").exists()

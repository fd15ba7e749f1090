"""SIGKILL of a real `minutes run` at several points of fetch and load (as a power
cut or the OOM killer would): the warehouse is always the old or the new state,
and the next run ends with every item once — none lost, none duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest

from flows.failpoints import POINTS
from tests.conftest import copy_sample_site
from tests.flows.test_cli import MINUTES

pytestmark = [
    pytest.mark.flow,
    pytest.mark.usefixtures("prefect_harness"),
    pytest.mark.fault("SIGKILL during a run"),
]


def minutes_run(toml: Path, root: Path, failpoint: str | None = None) -> int:
    """`minutes run` as its own process on the session's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if k != "MINUTES_FAILPOINT"}
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    if failpoint:
        env["MINUTES_FAILPOINT"] = failpoint
    done = subprocess.run(
        [
            MINUTES,
            "run",
            "--sources",
            str(toml),
            "--warehouse",
            str(root / "wh.duckdb"),
            "--raw-dir",
            str(root / "raw"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode


def items(warehouse: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "SELECT item_id, content_hash FROM items ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """The items of one uninterrupted run of the sample."""
    root = tmp_path_factory.mktemp("clean")
    assert minutes_run(copy_sample_site(root), root) == 0
    return items(root / "wh.duckdb")


@pytest.mark.parametrize("point", POINTS)
def test_a_run_killed_at_any_point_loses_and_duplicates_nothing(
    tmp_path: Path, clean: list[tuple[str, str]], point: str, faults
) -> None:
    toml = copy_sample_site(tmp_path)
    code = minutes_run(toml, tmp_path, point)
    assert code == -signal.SIGKILL, f"the run was not killed at {point}"
    wh = tmp_path / "wh.duckdb"
    after_kill = items(wh) if wh.exists() else []
    assert after_kill in ([], clean), f"killed {point}: neither old nor new state"
    assert minutes_run(toml, tmp_path) == 0  # the next run: lock free, ends completed
    final = items(wh)
    lost = len(set(clean) - set(final))
    duplicated = len(final) - len(set(final))
    wrong = len(set(final) - set(clean))
    faults.record(
        survived=(lost, duplicated, wrong) == (0, 0, 0),
        lost=lost,
        duplicated=duplicated,
        wrong=wrong,
    )
    assert (lost, duplicated, wrong) == (0, 0, 0)

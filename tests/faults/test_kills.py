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
    return minutes_run_done(toml, root, failpoint).returncode


def minutes_run_done(
    toml: Path, root: Path, failpoint: str | None = None
) -> subprocess.CompletedProcess[str]:
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
    return done


def items(warehouse: Path, uri: str = "%") -> list[tuple[str, str]]:
    """(item_id, content_hash) of the items, of documents whose uri is LIKE `uri`."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "SELECT item_id, content_hash FROM items WHERE source_uri LIKE ?"
            " ORDER BY ALL",
            [uri],
        ).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def clean_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse of one uninterrupted run of the sample."""
    root = tmp_path_factory.mktemp("clean")
    assert minutes_run(copy_sample_site(root), root) == 0
    return root / "wh.duckdb"


@pytest.fixture(scope="module")
def clean(clean_warehouse: Path) -> list[tuple[str, str]]:
    """The items of one uninterrupted run of the sample."""
    return items(clean_warehouse)


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


@pytest.mark.fault("a process dies extracting a document")
def test_a_document_that_kills_its_reader_costs_one_run_then_is_quarantined(
    tmp_path: Path, clean: list[tuple[str, str]], clean_warehouse: Path, faults
) -> None:
    """As a segfault in a PDF library would on every try at those bytes: the run
    it happens in dies; the next one tries the document alone, quarantines it as
    extractor_crashed and loads everything else; later runs leave it be."""
    toml = copy_sample_site(tmp_path)
    victim = "khall_2023-12-05_451.txt"
    crash = f"extracting:{victim}"
    assert minutes_run(toml, tmp_path, crash) == -signal.SIGKILL
    second = minutes_run_done(toml, tmp_path, crash)
    assert second.returncode == 0, second.stderr[-2000:]
    wh = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(wh), read_only=True)
    try:
        quarantined = con.execute(
            "SELECT document, reason, detail FROM quarantine WHERE stage = 'extract'"
        ).fetchall()
        victims = con.execute(
            "SELECT item_id, content_hash FROM items WHERE source_uri LIKE ?",
            [f"%{victim}"],
        ).fetchall()
    finally:
        con.close()
    [(document, reason, detail)] = quarantined
    assert document.endswith(victim) and reason == "extractor_crashed"
    assert "SIGKILL" in detail
    assert victims == []
    final = items(wh)
    expected = set(clean) - set(items(clean_warehouse, f"%{victim}"))
    lost = len(expected - set(final))
    duplicated = len(final) - len(set(final))
    wrong = len(set(final) - expected)
    faults.record(
        survived=(lost, duplicated, wrong) == (0, 0, 0),
        lost=lost,
        duplicated=duplicated,
        wrong=wrong,
    )
    assert (lost, duplicated, wrong) == (0, 0, 0)
    assert minutes_run(toml, tmp_path) == 0  # no failpoint: settled, left be
    assert items(wh) == final

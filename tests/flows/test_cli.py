"""The `minutes` console script as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

MINUTES = shutil.which("minutes", path=str(Path(sys.executable).parent)) or "minutes"


def minutes(
    *args: str, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MINUTES, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_extract_prints_one_json_line_per_item() -> None:
    seeds = sorted(str(p) for p in (FIXTURES / "text").glob("0*.txt"))
    several = str(FIXTURES / "text" / "several_items.txt")
    result = minutes("extract", *seeds, several)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["section"] for r in records] == [37, 451, 1, 5, 6, 7]
    assert records[0]["source"]["uri"] == seeds[0]
    assert all(isinstance(r["preparers"], list) for r in records)


def test_extract_names_the_bad_file_and_goes_on(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("ei pykäliä", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    seed = str(FIXTURES / "text" / "001_c3a80bbbadbc5020.txt")
    result = minutes("extract", str(bad), str(missing), seed)
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1
    errors = result.stderr.splitlines()
    assert any(str(bad) in line and "no_items" in line for line in errors)
    assert any(str(missing) in line and "No such file" in line for line in errors)


@pytest.fixture(scope="module")
def loaded_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`minutes run` with no arguments, in a scratch working directory."""
    work = tmp_path_factory.mktemp("cli")
    result = minutes("run", cwd=work)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "items" in result.stdout and "quarantined: 0" in result.stdout
    return work / "data" / "warehouse" / "minutes.duckdb"


def test_run_without_arguments_loads_the_samples(loaded_warehouse: Path) -> None:
    result = minutes(
        "sql",
        "SELECT count(*) AS n FROM decisions",
        "--format",
        "csv",
        "--warehouse",
        str(loaded_warehouse),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "8"]


def test_sql_json_and_table_formats(loaded_warehouse: Path) -> None:
    env = {"MINUTES_WAREHOUSE": str(loaded_warehouse)}
    as_json = minutes(
        "sql",
        "SELECT section, outcome FROM decisions WHERE section = 451",
        "--format",
        "json",
        env=env,
    )
    assert [json.loads(line) for line in as_json.stdout.splitlines()] == [
        {"section": 451, "outcome": "approved"}
    ]
    table = minutes(
        "sql", "SELECT body, count(*) AS items FROM decisions GROUP BY body", env=env
    )
    assert "Kunnanhallitus" in table.stdout and "rows" in table.stdout


def test_sql_refuses_writes(loaded_warehouse: Path) -> None:
    result = minutes("sql", "DELETE FROM items", "--warehouse", str(loaded_warehouse))
    assert result.returncode == 2
    assert "refused" in result.stderr and "read-only" in result.stderr
    count = minutes(
        "sql",
        "SELECT count(*) AS n FROM items",
        "--format",
        "csv",
        "--warehouse",
        str(loaded_warehouse),
    )
    assert count.stdout.splitlines() == ["n", "8"]


def test_sql_without_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = minutes("sql", "SELECT 1", "--warehouse", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2 and "minutes run" in result.stderr


def test_run_rejects_unknown_sources_keys(tmp_path: Path) -> None:
    toml = tmp_path / "sources.toml"
    toml.write_text(
        '[[source]]\nname="x"\nplatform="folder"\nbase_url="."\ncolour="red"\n'
    )
    result = minutes(
        "run", "--sources", str(toml), "--warehouse", str(tmp_path / "w.duckdb")
    )
    assert result.returncode == 2 and "colour" in result.stderr


def test_extract_with_listing_context_and_a_hint_without_it() -> None:
    pdf = str(FIXTURES / "tweb" / "35090068.pdf")
    bare = minutes("extract", pdf)
    assert bare.returncode == 1 and "--meta meeting_date=" in bare.stderr
    given = minutes(
        "extract",
        pdf,
        "--meta",
        "meeting_date=2017-03-27",
        "--meta",
        "section=73",
        "--meta",
        "body=Kaupunginhallitus",
    )
    assert given.returncode == 0, given.stderr
    (record,) = [json.loads(line) for line in given.stdout.splitlines()]
    assert (record["meeting_date"], record["section"], record["outcome"]) == (
        "2017-03-27",
        73,
        "noted",
    )
    wrong = minutes("extract", pdf, "--meta", "colour=red")
    assert wrong.returncode == 2 and "KEY=VALUE" in wrong.stderr


def test_sources_lists_the_real_list() -> None:
    from flows.settings import PROJECT_ROOT

    result = minutes("sources", "--sources", str(PROJECT_ROOT / "sources.toml"))
    assert result.returncode == 0
    assert (
        "332 sources" in result.stdout
        and "espoo" in result.stdout
        and "tweb" in result.stdout
    )

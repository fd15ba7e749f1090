"""The `minutes` console script as a user runs it."""

from __future__ import annotations

import json
import os
import re
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
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """`minutes run` with no arguments (the bundled real sample), as `make run` does,
    from a subfolder of a project whose minutes.toml puts the data beside it."""
    work = tmp_path_factory.mktemp("cli")
    (work / "minutes.toml").write_text(
        'warehouse = "wh/minutes.duckdb"\nraw_dir = "raw"\nprefect_home = "pf"\n'
    )
    (work / "notes").mkdir()
    env = {k: "" for k in ("MINUTES_WAREHOUSE", "MINUTES_RAW_DIR", "PREFECT_HOME")}
    result = minutes("run", cwd=work / "notes", env=env)
    return work, result


@pytest.fixture(scope="module")
def loaded_warehouse(sample_run) -> Path:
    work, result = sample_run
    assert result.returncode == 0, result.stderr + result.stdout
    return work / "wh" / "minutes.duckdb"


@pytest.mark.flow
def test_run_without_arguments_loads_the_real_sample(sample_run) -> None:
    work, result = sample_run
    assert result.returncode == 0, result.stderr + result.stdout
    for source in ("dynasty", "casem", "tweb", "turku", "texts"):
        assert re.search(rf"{source}\s+.\s+succeeded", result.stdout), source
    assert "status: completed" in result.stdout
    assert f"warehouse: {work / 'wh' / 'minutes.duckdb'}" in result.stdout
    assert (work / "pf").is_dir() and (work / "raw" / "manifest.jsonl").is_file()
    assert "[5/5]" in result.stderr  # progress, one line per finished source
    assert "INFO" not in result.stderr and "telemetry" not in result.stderr.lower()
    summary = minutes(
        "sql",
        "SELECT count(*) AS items, count(DISTINCT municipality) AS municipalities,"
        " string_agg(DISTINCT language, ',' ORDER BY language) AS languages,"
        " count(DISTINCT outcome) AS outcomes FROM decisions",
        "--format",
        "json",
        cwd=work,
    )
    (counts,) = [json.loads(line) for line in summary.stdout.splitlines()]
    assert counts["items"] >= 40 and counts["municipalities"] >= 6
    assert counts["languages"] == "fi,sv" and counts["outcomes"] >= 6


def test_sql_json_and_table_formats(loaded_warehouse: Path) -> None:
    env = {"MINUTES_WAREHOUSE": str(loaded_warehouse)}
    as_json = minutes(
        "sql",
        "SELECT section, outcome, meeting_date FROM decisions WHERE section = 451",
        "--format",
        "json",
        env=env,
    )
    assert [json.loads(line) for line in as_json.stdout.splitlines()] == [
        {"section": 451, "outcome": "approved", "meeting_date": "2023-12-05"}
    ]
    table = minutes(
        "sql", "SELECT body, count(*) AS items FROM decisions GROUP BY body", env=env
    )
    assert "Kunnanhallitus" in table.stdout and "Välfärdsnämnden" in table.stdout
    assert "rows" in table.stdout


def test_sql_from_another_folder_finds_the_project_warehouse(
    sample_run, tmp_path: Path
) -> None:
    work, _ = sample_run
    deeper = work / "notes" / "2024"
    deeper.mkdir(exist_ok=True)
    env = {"MINUTES_WAREHOUSE": ""}
    result = minutes(
        "sql", "SELECT count(*) AS n FROM items", "--format", "csv", cwd=deeper, env=env
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.splitlines()[1]) >= 40


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
    assert int(count.stdout.splitlines()[1]) >= 40


def test_sql_without_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = minutes("sql", "SELECT 1", "--warehouse", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2 and "minutes run" in result.stderr
    assert str(tmp_path / "none.duckdb") in result.stderr  # the absolute path


@pytest.mark.parametrize("command", ["sql", "run", "status", "export"])
def test_a_folder_as_warehouse_is_one_line(tmp_path: Path, command: str) -> None:
    args = {"sql": ["SELECT 1"], "export": ["--out", str(tmp_path / "x")]}
    result = minutes(command, *args.get(command, []), "--warehouse", str(tmp_path))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is a folder" in lines[0] and str(tmp_path) in lines[0]


def test_version_completion_env_hints_and_choices() -> None:
    version = minutes("--version")
    assert version.returncode == 0 and version.stdout.startswith("minutes 0.")
    top = minutes("--help")
    assert "--install-completion" in top.stdout and "doctor" in top.stdout
    help_sql = minutes("sql", "--help", env={"COLUMNS": "200"})
    assert "env: MINUTES_WAREHOUSE" in help_sql.stdout
    assert "table|csv|json" in help_sql.stdout.replace(" ", "")
    help_export = minutes("export", "--help", env={"COLUMNS": "200"})
    assert "parquet|csv" in help_export.stdout.replace(" ", "")


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

"""`minutes sql` and `minutes export` write DuckDB's own types: dates as dates,
nested values as JSON, NULL one way per format. No Prefect: the warehouse is loaded
with the plain load functions from real documents."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.extraction import extract_result
from flows.fetch import fetch_folder
from flows.load import load_results
from flows.nightly import new_run
from flows.rawstore import RawStore
from flows.sources import Source
from flows.writer import Writer, new_holder
from tests.conftest import copy_sample_site

runner = CliRunner()
ESPOO_127 = (
    "SELECT meeting_date, section, preparers, votes, body_abbrev, voted"
    " FROM decisions WHERE section = 127"
)


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Espoo § 127 (preparers, five votes), the seeds and Turku § 195, loaded."""
    root = tmp_path_factory.mktemp("output")
    copy_sample_site(root)
    source = Source(name="site", platform="folder", base_url="site", config_dir=root)
    store = RawStore(root / "raw")
    results = [extract_result(r, store) for r in fetch_folder(source, store, None)]
    path = root / "wh.duckdb"
    run = new_run("run", ["site"])
    with Writer(path, new_holder(run.run_id, "test")) as writer:
        load_results(writer.connection, run, results, "site")
    return path


def sql(wh: Path, query: str, *options: str):
    return runner.invoke(app, ["sql", query, *options, "--warehouse", str(wh)])


def test_csv_has_iso_dates_json_nested_values_and_empty_nulls(wh: Path) -> None:
    result = sql(wh, ESPOO_127, "--format", "csv")
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["meeting_date"] == "2017-05-08" and row["section"] == "127"
    preparers = json.loads(row["preparers"])
    assert len(preparers) == 10 and set(preparers[0]) == {
        "name",
        "title",
        "phone",
        "email",
    }
    votes = json.loads(row["votes"])
    assert len(votes) == 5 and {"for", "against"} <= set(votes[0])
    assert row["body_abbrev"] == "" and row["voted"] == "true"


def test_json_lines_keep_types(wh: Path) -> None:
    result = sql(wh, ESPOO_127, "--format", "json")
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["meeting_date"] == "2017-05-08" and record["section"] == 127
    assert record["body_abbrev"] is None and record["voted"] is True
    assert isinstance(record["votes"], list) and record["votes"][0]["for"] >= 0


def test_table_shows_dates_json_and_null(wh: Path) -> None:
    result = sql(wh, ESPOO_127)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "2017-05-08" in text and "00:00:00" not in text
    assert '{"name":' in text and "{'name'" not in text
    assert "NULL" in text and "None" not in text and "NaN" not in text
    assert "1 rows" in text


def test_sql_errors_are_one_line(wh: Path) -> None:
    result = sql(wh, "SELECT no_such_column FROM decisions")
    assert result.exit_code == 2
    assert "no_such_column" in result.output and "Traceback" not in result.output


def test_format_choices_are_listed_and_enforced(wh: Path) -> None:
    result = sql(wh, "SELECT 1", "--format", "xml")
    assert result.exit_code == 2 and "table" in result.output
    assert "csv" in result.output and "json" in result.output


def test_export_csv_writes_nested_values_as_parseable_json(
    wh: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        ["export", "--format", "csv", "--out", str(tmp_path), "--warehouse", str(wh)],
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "decisions.csv").open(encoding="utf-8") as handle:
        rows = {row["section"]: row for row in csv.DictReader(handle)}
    espoo = rows["127"]
    assert json.loads(espoo["preparers"])[0]["name"]
    assert len(json.loads(espoo["votes"])) == 5
    assert espoo["meeting_date"] == "2017-05-08"
    con = duckdb.connect()
    parsed = con.execute(
        "SELECT json_array_length(preparers::JSON) FROM read_csv(?, all_varchar = true)"
        " WHERE section = '127'",
        [str(tmp_path / "decisions.csv")],
    ).fetchone()
    assert parsed == (10,)

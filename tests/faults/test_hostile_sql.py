"""`minutes sql` from a hostile hand: nothing written, nothing read outside the
warehouse, nothing installed — refused by DuckDB's own settings even where the
statement check lets a statement through (EXPLAIN ANALYZE …)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows import analyst
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


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile_sql")
    copy_sample_site(root)
    source = Source(name="site", platform="folder", base_url="site", config_dir=root)
    store = RawStore(root / "raw")
    results = [extract_result(r, store) for r in fetch_folder(source, store, None)]
    path = root / "wh.duckdb"
    run = new_run("run", ["site"])
    with Writer(path, new_holder(run.run_id, "test")) as writer:
        load_results(writer.connection, run, results, "site")
    return path


def sql(wh: Path, query: str):
    return runner.invoke(app, ["sql", query, "--warehouse", str(wh)])


@pytest.mark.parametrize(
    "query",
    [
        "EXPLAIN ANALYZE COPY (SELECT * FROM items) TO '{out}'",
        "COPY (SELECT 1) TO '{out}'",
        "EXPLAIN ANALYZE INSTALL httpfs",
        "SELECT * FROM read_csv('{secret}')",
        "SELECT * FROM read_text('{secret}')",
        "SELECT * FROM glob('{dir}/*')",
        "ATTACH '{out}' AS other",
        "SET enable_external_access = true",
        "SELECT * FROM 'https://127.0.0.1:9/x.parquet'",
        "DELETE FROM items",
        "DROP TABLE items",
        "CREATE TABLE items2 AS SELECT 1",
    ],
)
@pytest.mark.fault("hostile SQL")
def test_hostile_statements_fail_in_one_line_and_change_nothing(
    wh: Path, tmp_path: Path, query: str
) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\n1,2\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    before = wh.read_bytes()
    result = sql(wh, query.format(out=out, secret=secret, dir=tmp_path))
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2
    assert not out.exists()
    assert wh.read_bytes() == before


def test_full_text_search_still_works_locked(wh: Path) -> None:
    con = analyst.locked_session(wh)
    (stem,) = con.execute("SELECT stem('päätökset', 'finnish')").fetchone()
    assert stem and stem != "päätökset"
    assert con.execute("SELECT count(*) FROM items").fetchone()[0] > 0


def test_ordinary_queries_still_answer(wh: Path) -> None:
    result = sql(wh, "SELECT count(*) AS n FROM decisions")
    assert result.exit_code == 0, result.output

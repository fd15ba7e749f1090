"""The analyst's side: data dictionary, example queries and exports (the report is
tested with the browse app, tests/web/test_report.py),
against one warehouse loaded (once per module) from the samples plus the Dynasty and
Turku fixtures and a file that ends in quarantine."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows import analyst
from flows.cli import app
from flows.nightly import minutes_run
from models import dictionary
from tests.conftest import FIXTURES, SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory, prefect_harness) -> Path:
    """A warehouse with four municipalities, votes and quarantined documents."""
    root = tmp_path_factory.mktemp("analyst")
    shutil.copytree(SAMPLES / "texts" / "kittila", root / "kittila")
    shutil.copytree(SAMPLES / "casem" / "tampere", root / "tampere")
    docs = root / "docs"
    docs.mkdir()
    for pattern in ("dynasty/*.HTM", "turku/*.htm"):
        for path in FIXTURES.glob(pattern):
            shutil.copy(path, docs)
    (docs / "junk.txt").write_text("ei pykäliä", encoding="utf-8")
    toml = root / "sources.toml"
    toml.write_text(
        '[[source]]\nname = "kittila"\nplatform = "folder"\nbase_url = "kittila"\n'
        '[[source]]\nname = "tampere"\nplatform = "folder"\nbase_url = "tampere"\n'
        '[[source]]\nname = "fixtures"\nplatform = "folder"\nbase_url = "docs"\n',
        encoding="utf-8",
    )
    minutes_run(toml, [], None, root / "raw", root / "wh.duckdb")
    return root / "wh.duckdb"


def count(wh: Path, relation: str) -> int:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    finally:
        con.close()


# --- data dictionary ---------------------------------------------------------------


def test_every_table_view_and_column_has_a_description() -> None:
    assert analyst.undocumented(analyst.schema()) == []


def test_dictionary_has_no_sentences_for_missing_columns() -> None:
    relations = {r.name: {c for c, _ in r.columns} for r in analyst.schema()}
    stale = [
        f"{rel}.{col}"
        for rel, columns in dictionary.COLUMNS.items()
        for col in columns
        if rel in relations and col not in relations[rel]
    ]
    assert stale == []


def test_committed_docs_warehouse_md_is_up_to_date() -> None:
    expected = analyst.render_dictionary(analyst.schema())
    assert analyst.DOCS_PATH.read_text("utf-8") == expected, (
        "docs/warehouse.md is out of date: run `minutes docs`"
    )
    result = runner.invoke(app, ["docs", "--check"])
    assert result.exit_code == 0, result.output


def test_dictionary_covers_the_analyst_views() -> None:
    text = analyst.DOCS_PATH.read_text("utf-8")
    for view in analyst.ANALYST_VIEWS:
        assert f"## {view}\n\nview:" in text
    assert "| `margin` | `INTEGER` |" in text


# --- example queries -----------------------------------------------------------------

QUERIES = analyst.read_queries(analyst.QUERIES_PATH.read_text("utf-8"))


def test_queries_file_has_at_least_ten_named_explained_queries() -> None:
    assert len(QUERIES) >= 10
    names = [q.name for q in QUERIES]
    assert len(set(names)) == len(names)
    for q in QUERIES:
        assert re.fullmatch(r"[a-z0-9_]+", q.name), q.name
        assert q.explanation and q.sql and not q.sql.startswith("--"), q.name
    for needed in (
        "fts",
        "like",
        "closest",
        "tabled",
        "presenters",
        "per_body_per_month",
    ):
        assert any(needed in n for n in names), needed


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_example_query_runs(wh: Path, query: analyst.NamedQuery) -> None:
    con = analyst.query_session(wh)
    try:
        analyst.run_query(con, query)
    finally:
        con.close()


def by_name(name: str) -> analyst.NamedQuery:
    return next(q for q in QUERIES if q.name == name)


def test_full_text_search_stems_finnish(wh: Path) -> None:
    con = analyst.query_session(wh)
    try:
        fts = analyst.run_query(con, by_name("search_decisions_fts"))
        like = analyst.run_query(con, by_name("search_decisions_like"))
    finally:
        con.close()
    titles = [row[4] for row in fts]
    assert titles and all("yvinvointialue" in title for title in titles)
    # the query says 'hyvinvointialue'; this title has 'hyvinvointialueen'
    assert any(title.startswith("Lapin hyvinvointialueen") for title in titles)
    assert {row[4] for row in like} <= set(titles)


def test_closest_votes_come_first(wh: Path) -> None:
    con = analyst.query_session(wh)
    try:
        margins = [row[-1] for row in analyst.run_query(con, by_name("closest_votes"))]
    finally:
        con.close()
    assert margins and margins == sorted(margins)
    assert margins[0] == 1  # Espoo, 8 against 7


# --- export ----------------------------------------------------------------------


def test_export_parquet_partitions_by_municipality_and_year(
    wh: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "export",
            "--format",
            "parquet",
            "--out",
            str(tmp_path),
            "--warehouse",
            str(wh),
        ],
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    for view in analyst.ANALYST_VIEWS:
        files = list((tmp_path / view).rglob("*.parquet"))
        assert files, view
        n = con.execute(
            f"SELECT count(*) FROM read_parquet('{tmp_path / view}/**/*.parquet', hive_partitioning = true)"
        ).fetchone()[0]
        assert n == count(wh, view), view
    years = {p.name for p in (tmp_path / "decisions").glob("municipality=*/year=*")}
    assert {"year=2017", "year=2024"} <= years
    assert (tmp_path / "decisions" / "municipality=Espoo").is_dir()


def test_export_csv_one_file_per_view(wh: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["export", "--format", "csv", "--out", str(tmp_path), "--warehouse", str(wh)],
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    for view in analyst.ANALYST_VIEWS:
        path = tmp_path / f"{view}.csv"
        n = con.execute(f"SELECT count(*) FROM read_csv('{path}')").fetchone()[0]
        assert n == count(wh, view), view


def test_export_rejects_unknown_format(wh: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["export", "--format", "xlsx", "--out", str(tmp_path), "--warehouse", str(wh)],
    )
    assert result.exit_code == 2


def test_export_without_warehouse_says_so(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "export",
            "--out",
            str(tmp_path),
            "--warehouse",
            str(tmp_path / "none.duckdb"),
        ],
    )
    assert result.exit_code == 2 and "minutes run" in result.output

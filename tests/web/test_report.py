"""`minutes report`: one self-contained page from the browse app's templates and
Altair charts, with the latest decisions and links to their documents."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from tests.web.conftest import Sample

runner = CliRunner()
SECTIONS = ("decisions-over-time", "outcome-mix", "field-coverage", "latest-run")


def write_report(sample: Sample, out: Path, *extra: str) -> str:
    """Run `minutes report` on the sample; the page written."""
    args = ["report", "--out", str(out), "--warehouse", str(sample.warehouse), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out.read_text("utf-8")


def section(html: str, name: str) -> str:
    """The inside of one <section>."""
    match = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    assert match, name
    return match.group(1)


def test_report_is_self_contained_with_a_chart_per_section(
    sample: Sample, tmp_path: Path
) -> None:
    html = write_report(sample, tmp_path / "report.html")
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert not re.search(r"""src\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "@import" not in html and not re.search(r"url\(\s*['\"]?https?:", html)
    for name in SECTIONS:
        assert "<svg" in section(html, name), name
    assert "Kittilä" in html and "Turku" in html


def test_report_lists_the_latest_decisions_with_links(
    sample: Sample, tmp_path: Path
) -> None:
    html = write_report(sample, tmp_path / "report.html")
    latest = section(html, "latest-decisions")
    dates = re.findall(r"<tr><td>(\d{4}-\d{2}-\d{2})</td>", latest)
    assert dates and dates == sorted(dates, reverse=True)
    linked = write_report(
        sample, tmp_path / "linked.html", "--browse-url", "http://127.0.0.1:8000/"
    )
    assert re.search(
        r'href="http://127.0.0.1:8000/item/[0-9a-f]+"',
        section(linked, "latest-decisions"),
    )


def test_report_speaks_finnish(sample: Sample, tmp_path: Path) -> None:
    html = write_report(sample, tmp_path / "fi.html", "--lang", "fi")
    assert '<html lang="fi">' in html and "Uusimmat päätökset" in html


def test_report_without_a_warehouse_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "report",
            "--out",
            str(tmp_path / "r.html"),
            "--warehouse",
            str(tmp_path / "none.duckdb"),
        ],
    )
    assert result.exit_code == 2 and "minutes run" in result.output

"""The real flow over replay sites of today's systems: the first run loads, the second
changes nothing; blocked and failed sources are reported, not counted as successes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.nightly import AllSourcesFailed, minutes_run
from flows.platforms.ahjo import windows
from tests.flows.test_ahjo_crawl import site as ahjo_site  # noqa: F401
from tests.flows.test_cloudnc_crawl import site as cloudnc_site  # noqa: F401
from tests.flows.test_dynasty_crawl import cgi_site  # noqa: F401
from tests.flows.test_pdf_list_crawl import LIST, NYKARLEBY
from tests.flows.test_pdf_list_crawl import site as pdf_site  # noqa: F401
from tests.flows.test_run_flow import query, snapshot
from tests.flows.test_turku_crawl import site as turku_site  # noqa: F401
from tests.flows.test_tweb_cloud_crawl import site as tweb_cloud_site  # noqa: F401
from tests.sites import ReplaySite

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def entry(name: str, platform: str, base_url: str, **keys: str) -> str:
    extra = "".join(f'{k} = "{v}"\n' for k, v in keys.items())
    return (
        f'[[source]]\nname = "{name}"\nmunicipality = "{name.title()}"\n'
        f'platform = "{platform}"\nbase_url = "{base_url}"\n{extra}'
    )


def sources_file(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def twice(toml: Path, tmp_path: Path, since: date, until: date):
    """Two runs over the same window; the warehouse after each."""
    wh = tmp_path / "wh.duckdb"
    first = minutes_run(toml, [], since, tmp_path / "raw", wh, until)
    before = snapshot(wh)
    second = minutes_run(toml, [], since, tmp_path / "raw", wh, until)
    assert second.counts.documents_new == 0
    assert second.counts.items_inserted == second.counts.items_updated == 0
    assert snapshot(wh) == before
    return first, wh


def test_tweb_cloud(tweb_cloud_site: ReplaySite, tmp_path: Path) -> None:  # noqa: F811
    toml = sources_file(
        tmp_path, entry("oulu", "tweb", f"{tweb_cloud_site.base}/ktwebscr/")
    )
    first, wh = twice(toml, tmp_path, date(2017, 3, 21), date(2017, 6, 30))
    assert query(wh, "SELECT section, outcome FROM decisions") == [(73, "noted")]
    assert first.status == "completed" and first.counts.quarantined == 1


def test_cloudnc_html(cloudnc_site: ReplaySite, tmp_path: Path) -> None:  # noqa: F811
    toml = sources_file(
        tmp_path, entry("tampere", "casem", f"{cloudnc_site.base}/fi-FI")
    )
    first, wh = twice(toml, tmp_path, date(2016, 1, 1), date(2016, 12, 31))
    rows = dict(
        query(wh, "SELECT section, outcome FROM decisions WHERE doc_kind = 'minutes'")
    )
    assert rows[15] == "returned" and rows[8] == "approved"
    assert query(wh, "SELECT count(*) FROM decisions WHERE doc_kind = 'agenda'") == [
        (1,)
    ]
    assert first.counts.items_inserted == 6


def test_dynasty10_cgi(cgi_site: ReplaySite, tmp_path: Path) -> None:  # noqa: F811
    toml = sources_file(
        tmp_path,
        entry("espoo", "dynasty", f"{cgi_site.base}/cgi/DREQUEST.PHP"),
    )
    first, wh = twice(toml, tmp_path, date(2017, 5, 1), date(2017, 6, 30))
    assert (127, "amended") in query(wh, "SELECT section, outcome FROM decisions")
    assert first.counts.items_inserted == 3


def test_ahjo(ahjo_site: ReplaySite, tmp_path: Path, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setenv("MINUTES_AHJO_API_KEY", "secret")
    for start, end in windows(date(2023, 1, 1), date(2023, 12, 31)):
        path = (
            f"/ahjo-proxy/meetings?start={start}&end={end}&agendaminutespublished=true"
        )
        if path not in ahjo_site.routes:
            ahjo_site.add(path, b'{"meetings": []}', content_type="application/json")
    toml = sources_file(tmp_path, entry("helsinki", "ahjo", f"{ahjo_site.base}/fi"))
    first, wh = twice(toml, tmp_path, date(2023, 1, 1), date(2023, 12, 31))
    assert query(wh, "SELECT section, outcome, vote_count FROM decisions") == [
        (10, "returned", 1)
    ]


def test_turku_api(turku_site: ReplaySite, tmp_path: Path) -> None:  # noqa: F811
    toml = sources_file(tmp_path, entry("turku", "turku", turku_site.base))
    first, wh = twice(toml, tmp_path, date(2017, 1, 1), date(2017, 12, 31))
    assert query(wh, "SELECT body, section, outcome FROM decisions") == [
        ("Kaupunginhallitus", 195, "tabled")
    ]
    # § 196 has no text; the meeting of 1.3.2017 and one body's list are missing
    assert query(wh, "SELECT reason FROM quarantine ORDER BY 1") == [
        ("http_404",),
        ("http_404",),
        ("no_text",),
    ]


@pytest.mark.skipif(not NYKARLEBY.is_dir(), reason="../shared not checked out")
def test_pdf_list(pdf_site: ReplaySite, tmp_path: Path) -> None:  # noqa: F811
    toml = sources_file(
        tmp_path,
        entry("nykarleby", "pdf-list", f"{pdf_site.base}{LIST}", language="sv"),
    )
    first, wh = twice(toml, tmp_path, date(2022, 9, 1), date(2022, 9, 20))
    sections = [row[0] for row in query(wh, "SELECT section FROM decisions ORDER BY 1")]
    assert sections[0] == 39 and len(sections) >= 10  # Välfärdsnämnden §§ 39–49
    assert query(wh, "SELECT DISTINCT body FROM decisions") == [("Välfärdsnämnden",)]


def test_blocked_and_failed_sources_are_reported(
    tweb_cloud_site: ReplaySite,  # noqa: F811
    tmp_path: Path,
) -> None:
    site = tweb_cloud_site
    site.add(
        "/robots.txt",
        "User-agent: *\nDisallow: /ktwebscr/\n",
        content_type="text/plain",
    )
    toml = sources_file(
        tmp_path,
        entry("oulu", "tweb", f"{site.base}/ktwebscr/"),
        entry("missing", "pdf-list", f"{site.base}/poytakirjat/"),
        entry("refused", "pdf-list", "http://127.0.0.1:9/poytakirjat/"),
        entry("lappeenranta", "m-files", "https://mfiles.example.fi/Kokoukset/x"),
        entry("helsinki", "ahjo", f"{site.base}/fi"),
    )
    wh = tmp_path / "wh.duckdb"
    with pytest.raises(AllSourcesFailed, match="blocked by robots.txt"):
        minutes_run(toml, [], None, tmp_path / "raw", wh, None)
    states = json.loads(query(wh, "SELECT per_source FROM runs")[0][0])
    assert states["oulu"]["status"] == "blocked"
    # never retried: no page of the blocked source was asked for, once or again
    assert not any(path.startswith("/ktwebscr/") for path in site.hits())
    assert states["missing"]["status"] == "failed"
    assert states["missing"]["url"] == f"{site.base}/poytakirjat/"
    assert (states["missing"]["exception"], states["missing"]["message"]) == (
        "FetchError",
        "http_404",
    )
    assert (states["refused"]["status"], states["refused"]["exception"]) == (
        "failed",
        "ConnectError",
    )
    assert states["lappeenranta"]["status"] == states["helsinki"]["status"] == "refused"
    assert "no crawler for platform 'm-files'" in states["lappeenranta"]["message"]
    assert "MINUTES_AHJO_API_KEY" in states["helsinki"]["message"]
    # run_sources says the same, and `minutes sources` and `minutes status` read it
    assert dict(query(wh, "SELECT source, status FROM run_sources")) == {
        "oulu": "blocked",
        "missing": "failed",
        "refused": "failed",
        "lappeenranta": "refused",
        "helsinki": "refused",
    }
    listing = CliRunner().invoke(
        app, ["sources", "--sources", str(toml), "--warehouse", str(wh)]
    )
    assert "blocked by robots.txt" in listing.output
    status = CliRunner().invoke(app, ["status", "--warehouse", str(wh)])
    assert status.exit_code == 1, status.output
    assert "RobotsDisallowed: blocked by robots.txt" in " ".join(status.output.split())

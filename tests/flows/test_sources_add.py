"""`minutes sources add URL`, the project's sources.toml, and URL normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.detect import detect
from flows.sources import load_sources
from flows.urls import normalise, request_url
from tests.conftest import ROOT

PASTED = [
    (
        "https://kuopio.oncloudos.com/cgi/DREQUEST.PHP?page=meetingitem&id=20261273-7",
        ("dynasty", "https://kuopio.oncloudos.com/cgi/DREQUEST.PHP", "kuopio"),
    ),
    (
        "https://dynastyjulkaisu.kase.fi/D10_Toholampi/cgi/DREQUEST.PHP?page=meeting_frames",
        (
            "dynasty",
            "https://dynastyjulkaisu.kase.fi/D10_Toholampi/cgi/DREQUEST.PHP",
            "toholampi",
        ),
    ),
    (
        "http://espoo04.hosting.documenta.fi/kokous/TELIN-200120.HTM",
        ("dynasty", "http://espoo04.hosting.documenta.fi/kokous/", "espoo04"),
    ),
    (
        "https://pello-julkaisu.triplancloud.fi/ktwebscr/pk_asil_tweb.htm?bid=4557",
        ("tweb", "https://pello-julkaisu.triplancloud.fi/ktwebscr/", "pello"),
    ),
    (
        "https://uurainen.tweb.fi/ktwebbin/dbisa.dll/ktwebscr/pk_tek_tweb.htm",
        ("tweb", "https://uurainen.tweb.fi/ktwebbin/dbisa.dll/ktwebscr/", "uurainen"),
    ),
    (
        "https://keuh.cloudnc.fi/fi-FI/Toimielimet/Aluehallitus/Kokous_1112022",
        ("casem", "https://keuh.cloudnc.fi/fi-FI", "keuh"),
    ),
    (
        "https://kirkkonummi.cloudnc.fi/sv-FI/content/193726/23",
        ("casem", "https://kirkkonummi.cloudnc.fi/sv-FI", "kirkkonummi"),
    ),
    (
        "https://paatokset.hel.fi/fi/asia/hel-2022-008675?paatos=x",
        ("ahjo", "https://paatokset.hel.fi/fi", "hel"),
    ),
    (
        "https://paatokset.turku.fi/poytakirja/123",
        ("turku", "https://paatokset.turku.fi/", "turku"),
    ),
    (
        "https://www.utsjoki.fi/kunta-ja-paatoksenteko/paatoksenteko/esityslistat-ja-poytakirjat/#main",
        (
            "pdf-list",
            "https://www.utsjoki.fi/kunta-ja-paatoksenteko/paatoksenteko/esityslistat-ja-poytakirjat/",
            "utsjoki",
        ),
    ),
]


@pytest.mark.parametrize(("url", "expected"), PASTED)
def test_system_base_and_name_from_a_pasted_url(url: str, expected: tuple) -> None:
    found = detect(url)
    assert (found.platform, found.base_url, found.name) == expected


def test_add_appends_an_entry_that_loads(tmp_path: Path) -> None:
    toml = tmp_path / "sources.toml"
    toml.write_text(
        '# my sources\n[[source]]\nname = "kuopio"\nplatform = "dynasty"\n'
        'base_url = "https://other.example/cgi/DREQUEST.PHP"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "sources",
            "add",
            PASTED[0][0],
            "--sources",
            str(toml),
            "--municipality",
            "Kuopio",
        ],
    )
    assert result.exit_code == 0, result.output
    added = load_sources(toml)[-1]
    assert (added.name, added.platform, added.base_url) == (
        "kuopio-2",  # the name was taken
        "dynasty",
        "https://kuopio.oncloudos.com/cgi/DREQUEST.PHP",
    )
    assert added.verified is False and PASTED[0][0] in (added.evidence or "")
    assert toml.read_text(encoding="utf-8").startswith("# my sources")
    again = runner.invoke(app, ["sources", "add", PASTED[0][0], "--sources", str(toml)])
    message = " ".join(again.output.split())
    assert again.exit_code == 2 and "already listed as 'kuopio-2'" in message


def test_add_refuses_what_is_not_a_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["sources", "add", "kuopio", "--sources", str(tmp_path / "s.toml")]
    )
    assert result.exit_code == 2 and "not an http(s) URL" in result.output
    assert not (tmp_path / "s.toml").exists()


def test_project_sources_cover_every_organisation() -> None:
    sources = load_sources(ROOT / "sources.toml")
    assert len(sources) >= 330
    assert len({s.platform for s in sources} - {"folder"}) >= 6
    assert all(s.evidence and s.verified is not None for s in sources)
    assert all(s.language in ("fi", "sv") for s in sources)
    names = {s.municipality for s in sources}
    assert {"Helsinki", "Kittilä", "Kuopio", "Pirkanmaan hyvinvointialue"} <= names
    by_name = {s.name: s for s in sources}
    assert by_name["kuopio"].base_url == "https://kuopio.oncloudos.com/cgi/DREQUEST.PHP"
    assert by_name["keuh"].base_url == "https://keuh.cloudnc.fi/fi-FI"
    assert (
        by_name["kittila"].base_url == "https://dynasty10.kittila.fi/cgi/DREQUEST.PHP"
    )
    assert by_name["oulu"].base_url == "https://asiakirjat.ouka.fi/ktwebscr/"


def test_sources_listing_counts_systems() -> None:
    result = CliRunner().invoke(
        app, ["sources", "--sources", str(ROOT / "sources.toml")]
    )
    assert result.exit_code == 0
    assert "332 sources on 7 systems" in result.output


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        (
            "https://kokkola10.oncloudos.com:443/cgi/DREQUEST.PHP?page=meetingitem&amp;id=1-7#top",
            "https://kokkola10.oncloudos.com/cgi/DREQUEST.PHP?id=1-7&page=meetingitem",
        ),
        ("HTTP://Example.FI:80/a?b=2&a=1", "http://example.fi/a?a=1&b=2"),
        (
            "https://x.fi:8443/ktwebbin/dbisa.dll/ktwebscr/pk_asil_tweb.htm?+bid=12867",
            "https://x.fi:8443/ktwebbin/dbisa.dll/ktwebscr/pk_asil_tweb.htm?+bid=12867",
        ),
    ],
)
def test_one_url_per_document(url: str, stored: str) -> None:
    assert normalise(url) == stored
    assert normalise(stored) == stored


def test_requested_url_keeps_the_query_order() -> None:
    url = "https://h.fi:443/cgi/DREQUEST.PHP?page=meetingitem&amp;id=1-7#x"
    assert request_url(url) == "https://h.fi/cgi/DREQUEST.PHP?page=meetingitem&id=1-7"

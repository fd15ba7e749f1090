"""The Ahjo crawler against a local replay of today's API proxy shapes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from werkzeug import Request

import extractors
from flows.fetch import FETCHERS, check_source
from flows.platforms.ahjo import windows
from flows.rawstore import RawStore
from flows.reach import SourceMisconfigured
from flows.results import SourceStatus
from flows.sources import Source
from models.records import Document
from tests.conftest import FIXTURES
from tests.sites import ReplaySite

SITE = FIXTURES / "sites" / "ahjo"
NATIVE = "{6C3A9E52-2F0B-4F4E-9F43-1A2B3C4D5E6F}"


@pytest.fixture
def site(httpserver) -> ReplaySite:
    replay = ReplaySite(httpserver)
    listing = json.loads((SITE / "meetings.json").read_text("utf-8"))

    def meetings(request: Request) -> bytes:
        if request.headers.get("api-key") != "secret":
            return b'{"error": "forbidden"}'
        inside = request.args["start"] <= "2023-03-20" <= request.args["end"]
        return json.dumps(listing if inside else {"meetings": []}).encode()

    for start, end in windows(date(2023, 1, 1), date.today()):
        path = (
            f"/ahjo-proxy/meetings?start={start}&end={end}&agendaminutespublished=true"
        )
        replay.add(path, b"", dynamic=meetings, content_type="application/json")
    replay.add(
        f"/ahjo-proxy/decisions/single/{NATIVE}",
        (SITE / "decision_single.json").read_bytes(),
        content_type="application/json",
    )
    return replay


def helsinki(site: ReplaySite) -> Source:
    return Source(
        name="helsinki",
        platform="ahjo",
        base_url=f"{site.base}/fi",
        municipality="Helsinki",
    )


def crawl(site: ReplaySite, raw: Path):
    return FETCHERS["ahjo"](helsinki(site), RawStore(raw), date(2023, 1, 1))


def test_agenda_entries_lead_to_wrapped_decisions(
    site: ReplaySite, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("MINUTES_AHJO_API_KEY", "secret")
    results = crawl(site, tmp_path / "raw")
    (result,) = [r for r in results if r.row]
    assert result.row.meta == {
        "platform": "ahjo",
        "body": "Kaupunginhallitus",
        "doc_kind": "minutes",
        "meeting_date": "2023-03-20",
        "section": "10",
        "title": "Kaupunginhallituksen lausunto asemakaavan muutoksesta",
    }  # the Swedish entry of the same item is not fetched
    assert [r.reason for r in results if r.reason] == ["http_404"]  # § 8
    assert not any("SV-0000" in path for path in site.hits())


def test_wrapped_decision_with_vote_objects_is_extracted(tmp_path: Path) -> None:
    data = (SITE / "decision_single.json").read_bytes()
    document = Document(
        uri="decision", data=data, sha256="0" * 64, municipality="Helsinki", meta={}
    )
    (item,) = extractors.extract(document)
    assert (item.body, item.meeting_date, item.section) == (
        "Kaupunginhallitus",
        "2023-03-20",
        10,
    )
    assert [(v.for_, v.against, v.for_names) for v in item.votes] == [
        (8, 7, ("Esimerkki, Sanna",))
    ]


def test_missing_api_key_is_refused_before_any_request(
    site: ReplaySite, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("MINUTES_AHJO_API_KEY", raising=False)
    problem = check_source(helsinki(site))
    assert problem is not None and problem.kind == "ConfigError"
    assert "MINUTES_AHJO_API_KEY is not set" in problem.message
    with pytest.raises(SourceMisconfigured) as refused:  # the crawler alone too
        crawl(site, tmp_path / "raw")
    assert refused.value.status == SourceStatus.REFUSED
    assert refused.value.error.kind == "ConfigError"
    assert "MINUTES_AHJO_API_KEY" in refused.value.error.message
    assert site.count() == 0


def test_windows_cover_the_range_without_gaps() -> None:
    parts = windows(date(2023, 1, 1), date(2023, 12, 31))
    assert parts[0][0] == date(2023, 1, 1) and parts[-1][1] == date(2023, 12, 31)
    assert all((b[0] - a[1]).days == 1 for a, b in zip(parts, parts[1:], strict=False))

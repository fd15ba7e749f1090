"""The Ahjo crawler against a local API replay (shape as reported, synthetic data)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from werkzeug import Request

from flows.fetch import FETCHERS, check_source
from flows.platforms.ahjo import windows
from flows.rawstore import RawStore
from flows.results import SourceFailed
from flows.sources import Source
from tests.conftest import FIXTURES
from tests.sites import ReplaySite

DECISION = FIXTURES / "ahjo" / "decision_hel_2020_013928.json"
NATIVE = "{6C3A9E52-2F0B-4F4E-9F43-1A2B3C4D5E6F}"
MEETING = {
    "MeetingID": "02900202311",
    "DateMeeting": "2023-03-20T16:00:00",
    "DecisionMaker": "Kaupunginhallitus",
    "Decisions": [{"NativeId": NATIVE, "Section": "10", "Title": "Lausunto"}],
}


@pytest.fixture
def site(httpserver) -> ReplaySite:
    replay = ReplaySite(httpserver)

    def meetings(request: Request) -> bytes:
        if request.headers.get("api-key") != "secret":
            return b'{"error": "forbidden"}'
        inside = request.args["start"] <= "2023-03-20" <= request.args["end"]
        return json.dumps({"meetings": [MEETING] if inside else []}).encode()

    for start, end in windows(date(2023, 1, 1), date.today()):
        path = (
            f"/ahjo-proxy/meetings?start={start}&end={end}&agendaminutespublished=true"
        )
        replay.add(path, b"", dynamic=meetings, content_type="application/json")
    replay.add(
        f"/ahjo-proxy/decisions/single/{NATIVE}",
        DECISION.read_bytes(),
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


def test_decisions_fetched_with_meeting_context(
    site: ReplaySite, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("MINUTES_AHJO_API_KEY", "secret")
    (result,) = crawl(site, tmp_path / "raw")
    assert result.row.meta == {
        "platform": "ahjo",
        "body": "Kaupunginhallitus",
        "doc_kind": "minutes",
        "meeting_date": "2023-03-20",
        "section": "10",
        "title": "Lausunto",
    }
    assert all(
        path.startswith("/ahjo-proxy/") for path in site.hits() if path != "/robots.txt"
    )


def test_missing_api_key_is_refused_before_any_request(
    site: ReplaySite, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("MINUTES_AHJO_API_KEY", raising=False)
    problem = check_source(helsinki(site))
    assert problem is not None and problem.kind == "ConfigError"
    assert "MINUTES_AHJO_API_KEY is not set" in problem.message
    with pytest.raises(SourceFailed) as failed:  # the crawler alone says so too
        crawl(site, tmp_path / "raw")
    assert failed.value.error.kind == "missing_api_key"
    assert site.count() == 0


def test_windows_cover_the_range_without_gaps() -> None:
    parts = windows(date(2023, 1, 1), date(2023, 12, 31))
    assert parts[0][0] == date(2023, 1, 1) and parts[-1][1] == date(2023, 12, 31)
    assert all((b[0] - a[1]).days == 1 for a, b in zip(parts, parts[1:], strict=False))

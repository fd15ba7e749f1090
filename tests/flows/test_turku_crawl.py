"""The Turku crawler against a replay of its JSON API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import extractors
from flows.fetch import FETCHERS
from flows.rawstore import RawStore
from flows.results import SourceFailed
from flows.sources import Source
from models.records import Document
from tests.conftest import FIXTURES
from tests.sites import ReplaySite

SITE = FIXTURES / "sites" / "turku-api"
JSON = "application/json; charset=utf-8"


@pytest.fixture
def site(httpserver) -> ReplaySite:
    replay = ReplaySite(httpserver)
    for path, name in (
        ("/api/toimielimet", "toimielimet.json"),
        ("/api/toimielin/kh", "toimielin_kh.json"),
        ("/api/poytakirja/3540600", "poytakirja_3540600.json"),
    ):
        replay.add(path, (SITE / name).read_bytes(), content_type=JSON)
    replay.add("/api/toimielin/kv", b"[]", content_type=JSON)
    return replay


def crawl(site: ReplaySite, raw: Path, since: date | None = date(2017, 4, 1)):
    source = Source(
        name="turku",
        platform="turku",
        base_url=f"{site.base}/",
        municipality="Turku",
        bodies=("Kaupunginhallitus", "kv"),
    )
    return FETCHERS["turku"](source, RawStore(raw), since)


def test_bodies_meetings_and_minutes(site: ReplaySite, tmp_path: Path) -> None:
    (result,) = crawl(site, tmp_path / "raw")
    assert result.uri.endswith("/api/poytakirja/3540600")
    assert result.row.meta == {
        "platform": "turku",
        "body": "Kaupunginhallitus",
        "doc_kind": "minutes",
        "meeting_date": "2017-05-02",
    }
    hits = site.hits()
    assert "/api/poytakirja/3539001" not in hits  # before the window
    assert "/api/toimielin/vsaluelk" not in hits  # not chosen
    assert "/api/toimielin/ksylk" not in hits  # discontinued


def test_minutes_document_gives_its_items(site: ReplaySite, tmp_path: Path) -> None:
    (result,) = crawl(site, tmp_path / "raw")
    data = RawStore(tmp_path / "raw").get(result.row.sha256)
    document = Document(
        uri=result.uri, data=data, sha256=result.row.sha256, meta=result.row.meta
    )
    extraction = extractors.extract_document(document)
    assert [(i.section, i.outcome.value) for i in extraction.items] == [(195, "tabled")]
    assert [p.reason for p in extraction.problems] == ["no_text"]  # § 196


def test_body_list_that_is_not_json_fails_the_source(
    site: ReplaySite, tmp_path: Path
) -> None:
    site.add("/api/toimielimet", b"<html>app shell</html>", content_type="text/html")
    with pytest.raises(SourceFailed) as failed:
        crawl(site, tmp_path / "raw")
    assert failed.value.error.url.endswith("/api/toimielimet")
    assert failed.value.error.message.startswith("malformed_page")

"""The TWeb crawler against a replay of today's cloud layout (`/ktwebscr/…`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.fetch import FETCHERS
from flows.rawstore import RawStore
from flows.reach import SourceBlocked
from flows.results import SourceFailed, SourceStatus
from flows.sources import Source
from tests.conftest import FIXTURES
from tests.flows.test_tweb_crawl import meeting_list
from tests.sites import ReplaySite, site_file

SITE = FIXTURES / "sites" / "tweb-cloud"
SCRIPTS = "/ktwebscr/"
DOC_73 = "/ktwebscr/fileshow?doctype=3&docid=632583"


@pytest.fixture
def site(httpserver) -> ReplaySite:
    replay = ReplaySite(httpserver)
    replay.add(SCRIPTS + "pk_tek_tweb.htm", (SITE / "pk_tek_tweb.htm").read_bytes())
    listing = (SITE / "pk_kokl_tweb.htm").read_bytes().decode("cp1252")
    replay.add(SCRIPTS + "pk_kokl_tweb.htm", b"", dynamic=meeting_list(listing))
    replay.add(
        SCRIPTS + "pk_asil_tweb.htm?bid=12867",
        (SITE / "pk_asil_tweb_12867.htm").read_bytes(),
    )
    feed = (SITE / "pk_rssfeed.xml").read_bytes()
    replay.add(
        SCRIPTS + "pk_rssfeed.htm?toimielin=",
        feed.replace(b"https://asiakirjat.ouka.fi", replay.base.encode()),
        content_type="application/rss+xml",
    )
    replay.add(
        DOC_73,
        site_file("tweb", "35090068.pdf").read_bytes(),
        content_type="application/octet-stream",
    )
    return replay


def source(site: ReplaySite, base: str = SCRIPTS) -> Source:
    return Source(
        name="oulu",
        platform="tweb",
        base_url=f"{site.base}{base}",
        municipality="Oulu",
        bodies=("Kaupunginhallitus",),
    )


def crawl(site: ReplaySite, raw: Path, since: date, until: date | None, **kw):
    return FETCHERS["tweb"](source(site, **kw), RawStore(raw), since, until)


def test_backfill_posts_the_form_and_reads_cloud_item_lists(
    site: ReplaySite, tmp_path: Path
) -> None:
    results = crawl(site, tmp_path / "raw", date(2017, 3, 21), date(2017, 6, 30))
    assert site.forms[0]["kirjaamo"] == "690"
    fetched = [r for r in results if r.row]
    assert [r.row.meta for r in fetched] == [
        {
            "platform": "tweb",
            "body": "Kaupunginhallitus",
            "meeting_date": "2017-03-27",
            "doc_kind": "minutes",
            "section": "73",
            "title": "Oulun kaupungin talouden seuranta 1.1.-28.2.2017",
        }
    ]  # the icon link and the title link are one document
    assert fetched[0].uri == f"{site.base}/ktwebscr/fileshow?docid=632583&doctype=3"
    assert [(r.uri, r.reason) for r in results if r.reason] == [
        (f"{site.base}/ktwebscr/fileshow?docid=632585&doctype=3", "http_404")
    ]  # § 74's document
    assert not any("632577" in path for path in site.hits())  # no § = no item


def test_pasted_search_page_url_is_a_base_too(site: ReplaySite, tmp_path: Path) -> None:
    results = crawl(
        site,
        tmp_path / "raw",
        date(2017, 3, 21),
        date(2017, 6, 30),
        base="/ktwebscr/pk_tek_tweb.htm",
    )
    assert len([r for r in results if r.row]) == 1


def test_incremental_run_reads_the_rss_feed(site: ReplaySite, tmp_path: Path) -> None:
    results = crawl(site, tmp_path / "raw", date(2017, 3, 20), None)
    assert site.count(method="POST") == 0
    assert [r.row.meta["section"] for r in results if r.row] == ["73"]
    assert f"{SCRIPTS}pk_asil_tweb.htm?bid=12838" in site.hits()  # absolute link
    assert f"{SCRIPTS}pk_asil_tweb.htm?bid=12869" not in site.hits()  # other body


def test_second_run_gets_304(site: ReplaySite, tmp_path: Path) -> None:
    crawl(site, tmp_path / "raw", date(2017, 3, 20), None)
    site.log.clear()
    again = crawl(site, tmp_path / "raw", date(2017, 3, 20), None)
    assert [r.is_new for r in again if r.row] == [False]
    assert dict((p, s) for _, p, s in site.log)[DOC_73] == 304


def test_robots_disallow_blocks_the_source(site: ReplaySite, tmp_path: Path) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    with pytest.raises(SourceBlocked) as blocked:
        crawl(site, tmp_path / "raw", date(2017, 3, 21), date(2017, 6, 30))
    assert blocked.value.status == SourceStatus.BLOCKED
    assert blocked.value.error.message == "blocked by robots.txt"
    assert site.hits() == {"/robots.txt": 1}  # nothing else was asked


def test_listing_that_cannot_be_fetched_fails_the_source(
    site: ReplaySite, tmp_path: Path
) -> None:
    site.routes[SCRIPTS + "pk_tek_tweb.htm"].statuses = [500] * 10
    with pytest.raises(SourceFailed) as failed:
        crawl(site, tmp_path / "raw", date(2017, 3, 21), date(2017, 6, 30))
    assert failed.value.status == SourceStatus.FAILED
    error = failed.value.error
    assert error.url.endswith("/ktwebscr/pk_tek_tweb.htm")
    assert (error.kind, error.message) == ("FetchError", "http_500 gave up")


def test_search_form_without_body_list_asks_for_every_body(
    site: ReplaySite, tmp_path: Path
) -> None:
    site.add(SCRIPTS + "pk_tek_tweb.htm", "<html><form></form></html>")
    results = crawl(site, tmp_path / "raw", date(2017, 3, 21), date(2017, 6, 30))
    assert site.forms[0]["kirjaamo"] == ""
    assert [r.row.meta["body"] for r in results if r.row] == ["Kaupunginhallitus"]

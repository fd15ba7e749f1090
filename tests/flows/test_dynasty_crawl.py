"""The Dynasty crawler against a replay of Espoo's static export."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from flows.fetch import FETCHERS
from flows.rawstore import RawStore
from flows.results import SourceFailed, SourceStatus
from flows.sources import Source
from tests.conftest import FIXTURES
from tests.sites import ReplaySite, site_file

HOST = "http://espoo04.hosting.documenta.fi"
SITE = FIXTURES / "sites" / "dynasty"


@pytest.fixture
def site(httpserver) -> ReplaySite:
    replay = ReplaySite(httpserver, (HOST,))
    for path in SITE.glob("*.HTM"):
        replay.add(f"/kokous/{path.name}", path.read_bytes())
    for name in ("2017406946-3.HTM", "2017409886-4.HTM"):  # the real item pages
        replay.add(f"/kokous/{name}", site_file("dynasty", name).read_bytes())
    return replay


def crawl(site: ReplaySite, raw: Path, since: date | None = date(2017, 5, 8)):
    source = Source(
        name="espoo",
        platform="dynasty",
        base_url=f"{site.base}/kokous/",
        municipality="Espoo",
        bodies=("Kaupunginhallitus",),
    )
    return FETCHERS["dynasty"](source, RawStore(raw), since)


def by_path(results) -> dict[str, object]:
    return {r.uri.rsplit("/", 1)[-1]: r for r in results}


def test_first_crawl_fetches_items_with_listing_context(
    site: ReplaySite, tmp_path: Path
) -> None:
    results = by_path(crawl(site, tmp_path / "raw"))
    assert set(results) == {
        "2017406946-3.HTM",
        "2017406946-4.HTM",
        "2017409885-1.HTM",
        "2017409886-4.HTM",
    }
    minutes = results["2017406946-3.HTM"].row
    assert minutes.meta == {
        "platform": "dynasty",
        "body": "Kaupunginhallitus",
        "meeting_date": "2017-05-08",
        "doc_kind": "minutes",
        "section": "127",
        "title": "Espoon kaupungin hallintosäännön hyväksyminen (Kv-asia) (Pöydälle 10.4.2017)",
    }
    agenda = results["2017409886-4.HTM"].row
    assert agenda.meta["doc_kind"] == "agenda" and "section" not in agenda.meta
    served = site.routes["/kokous/2017406946-3.HTM"].body
    assert RawStore(tmp_path / "raw").get(minutes.sha256) == served  # byte-exact


def test_missing_page_is_quarantined_and_the_crawl_goes_on(
    site: ReplaySite, tmp_path: Path
) -> None:
    results = by_path(crawl(site, tmp_path / "raw"))
    missing = results["2017406946-4.HTM"]
    assert (missing.stage, missing.reason, missing.row) == ("fetch", "http_404", None)
    assert results["2017409885-1.HTM"].row is not None


def test_older_meetings_than_the_window_are_not_requested(
    site: ReplaySite, tmp_path: Path
) -> None:
    crawl(site, tmp_path / "raw")
    requested = set(site.hits())
    assert "/kokous/2017406945.HTM" not in requested  # 10.04.2017, before the window
    assert "/kokous/TELIN-200120.HTM" in requested  # every term's list is read


def test_second_crawl_downloads_nothing_new(site: ReplaySite, tmp_path: Path) -> None:
    crawl(site, tmp_path / "raw")
    site.log.clear()
    again = crawl(site, tmp_path / "raw")
    fetched = [r for r in again if r.row is not None]
    assert len(fetched) == 3 and not any(r.is_new for r in fetched)
    assert site.count(status=200) == 0  # everything answered 304 (or 404)
    assert len(RawStore(tmp_path / "raw").manifest()) == len(
        {row.sha256 for row in RawStore(tmp_path / "raw").manifest()}
    )


def test_changed_page_is_stored_again(site: ReplaySite, tmp_path: Path) -> None:
    crawl(site, tmp_path / "raw")
    page = (
        (SITE / "2017409885-1.HTM")
        .read_bytes()
        .replace(b"yksimielisesti", b"muutettuna")
    )
    site.add("/kokous/2017409885-1.HTM", page)
    again = by_path(crawl(site, tmp_path / "raw"))
    assert [name for name, r in again.items() if r.row and r.is_new] == [
        "2017409885-1.HTM"
    ]


def test_agenda_that_becomes_minutes_is_fetched_again(
    site: ReplaySite, tmp_path: Path
) -> None:
    crawl(site, tmp_path / "raw")
    listing = (
        (SITE / "TELIN-217668.HTM")
        .read_bytes()
        .replace(b'2017409886.HTM">Esityslista', b'2017409886.HTM">P\xf6yt\xe4kirja')
    )
    site.add("/kokous/TELIN-217668.HTM", listing)
    item = (
        site_file("dynasty", "2017409886-4.HTM")
        .read_bytes()
        .replace(
            b"Esityslista 29.05.2017 Asianro 4",
            b"P\xf6yt\xe4kirja 29.05.2017 Pyk\xe4l\xe4 150",
        )
    )
    site.add("/kokous/2017409886-4.HTM", item)
    again = by_path(crawl(site, tmp_path / "raw"))
    flipped = again["2017409886-4.HTM"]
    assert flipped.is_new and flipped.row.meta["doc_kind"] == "minutes"


def test_busy_server_is_retried(site: ReplaySite, tmp_path: Path) -> None:
    site.routes["/kokous/2017409885.HTM"].statuses = [503, 503]
    site.routes["/kokous/2017409885.HTM"].retry_after = "0"
    results = by_path(crawl(site, tmp_path / "raw"))
    assert results["2017409885-1.HTM"].row is not None
    assert [s for _, p, s in site.log if p == "/kokous/2017409885.HTM"] == [
        503,
        503,
        200,
    ]


def test_slow_page_within_timeout_is_fetched(site: ReplaySite, tmp_path: Path) -> None:
    site.routes["/kokous/2017409885-1.HTM"].delay = 0.5
    results = by_path(crawl(site, tmp_path / "raw"))
    assert results["2017409885-1.HTM"].row is not None


def test_robots_txt_is_honoured(site: ReplaySite, tmp_path: Path) -> None:
    site.add(
        "/robots.txt",
        "User-agent: *\nDisallow: /kokous/2017409885\n",
        content_type="text/plain",
    )
    results = crawl(site, tmp_path / "raw")
    assert "/kokous/2017409885.HTM" not in site.hits()
    refused = [r for r in results if r.reason == "robots_disallowed"]
    assert [r.uri.rsplit("/", 1)[-1] for r in refused] == ["2017409885.HTM"]


CGI = "/cgi/DREQUEST.PHP"
D10 = FIXTURES / "sites" / "dynasty10"
D10_HOSTS = ("https://espoo.oncloudos.com:443", "https://espoo.oncloudos.com")
STATIC_ITEM = re.compile(
    rb"http://espoo04\.hosting\.documenta\.fi/kokous/(\d{6,}-\d+)\.HTM"
)


def as_cgi_meeting_page(path: Path) -> bytes:
    """A meeting page of the static export with its item links in the CGI's form."""
    return STATIC_ITEM.sub(
        rb"DREQUEST.PHP?page=meetingitem&amp;id=\1", path.read_bytes()
    )


@pytest.fixture
def cgi_site(httpserver) -> ReplaySite:
    """Dynasty 10 through its CGI: frames, bodies, icon-only meeting links, meeting
    pages, item pages by id, and an RSS feed with today's quirks."""
    replay = ReplaySite(httpserver, D10_HOSTS)
    html = "text/html; charset=utf-8"
    replay.add(
        f"{CGI}?page=meeting_frames",
        (D10 / "meeting_frames.htm").read_bytes(),
        content_type=html,
    )
    replay.add(
        f"{CGI}?page=meeting_handlers",
        (D10 / "meeting_handlers.htm").read_bytes(),
        content_type=html,
    )
    replay.add(
        f"{CGI}?page=meetings&id=200120",
        (D10 / "meetings_200120.htm").read_bytes(),
        content_type=html,
    )
    replay.add(
        f"{CGI}?page=rss/meetingitems&show=500",
        (D10 / "rss_meetingitems.xml").read_bytes(),
        content_type="application/rss+xml",
    )
    for meeting in ("2017406946", "2017409885", "2017409886"):
        replay.add(
            f"{CGI}?page=meeting&id={meeting}",
            as_cgi_meeting_page(SITE / f"{meeting}.HTM"),
        )
    for item in ("2017406946-3", "2017409885-1", "2017409886-4"):
        replay.add(
            f"{CGI}?page=meetingitem&id={item}",
            site_file("dynasty", f"{item}.HTM").read_bytes(),
        )
    return replay


def cgi_source(site: ReplaySite) -> Source:
    return Source(
        name="espoo",
        platform="dynasty",
        base_url=f"{site.base}{CGI}",
        municipality="Espoo",
        bodies=("Kaupunginhallitus",),
    )


def by_id(results) -> dict[str, dict[str, str]]:
    return {re.search(r"id=([\d-]+)", r.uri)[1]: r.row.meta for r in results if r.row}


def test_incremental_run_reads_the_rss_feed(
    cgi_site: ReplaySite, tmp_path: Path
) -> None:
    results = FETCHERS["dynasty"](
        cgi_source(cgi_site), RawStore(tmp_path / "raw"), date(2017, 5, 1), None
    )
    assert (
        by_id(results)
        == {
            "2017409885-1": {
                "platform": "dynasty",
                "body": "Kaupunginhallitus",
                "meeting_date": "2017-05-15",
                "title": "Länsimetron jatkeen rahoitussopimus",  # CDATA entities decoded
                "section": "147",
            },
            "2017406946-3": {
                "platform": "dynasty",
                "body": "Kaupunginhallitus",
                "meeting_date": "2017-05-08",
                "title": "Espoon kaupungin hallintosäännön hyväksyminen (Kv-asia) (Pöydälle 10.4.2017)",
                "section": "127",  # from the meeting page, not the page's first header (§ 105)
            },
        }
    )  # the other body's item and the item before the window are not fetched
    assert (
        cgi_site.hits()[f"{CGI}?page=meetingitem&id=2017409885-1"] == 1
    )  # listed twice
    assert not any("meeting_frames" in path for path in cgi_site.hits())


def test_feed_that_does_not_reach_the_window_falls_back_to_the_walk(
    cgi_site: ReplaySite, tmp_path: Path
) -> None:
    results = FETCHERS["dynasty"](
        cgi_source(cgi_site), RawStore(tmp_path / "raw"), date(2017, 1, 1), None
    )
    assert f"{CGI}?page=meeting_frames" in cgi_site.hits()
    assert set(by_id(results)) == {"2017406946-3", "2017409885-1", "2017409886-4"}


def test_walk_follows_frames_and_reads_icon_only_links(
    cgi_site: ReplaySite, tmp_path: Path
) -> None:
    results = FETCHERS["dynasty"](
        cgi_source(cgi_site),
        RawStore(tmp_path / "raw"),
        date(2017, 5, 1),
        date(2017, 6, 30),
    )
    metas = by_id(results)
    assert f"{CGI}?page=rss/meetingitems&show=500" not in cgi_site.hits()
    assert metas["2017409886-4"]["doc_kind"] == "agenda"  # icon_agenda.png
    assert "section" not in metas["2017409886-4"]
    assert metas["2017406946-3"]["doc_kind"] == "minutes"  # icon_protocol.png
    assert metas["2017406946-3"]["section"] == "127"
    missing = [r for r in results if r.reason]
    assert [r.reason for r in missing] == ["http_404"]  # § 128's page


def test_missing_bodies_page_fails_the_source(
    cgi_site: ReplaySite, tmp_path: Path
) -> None:
    del cgi_site.routes[f"{CGI}?page=meeting_frames"]
    with pytest.raises(SourceFailed) as failed:
        FETCHERS["dynasty"](
            cgi_source(cgi_site), RawStore(tmp_path / "raw"), None, None
        )
    assert failed.value.status == SourceStatus.FAILED
    assert failed.value.error.url.endswith("page=meeting_frames")
    assert (failed.value.error.kind, failed.value.error.message) == (
        "FetchError",
        "http_404",
    )

"""The CaseM / CloudNC crawler against a replay of today's HTML site: bodies →
meetings → item pages (the item page is the document)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.fetch import FETCHERS
from flows.platforms import casem
from flows.rawstore import RawStore
from flows.sources import Source
from tests.conftest import FIXTURES
from tests.sites import ReplaySite

SITE = FIXTURES / "sites" / "cloudnc"
HTML = "text/html; charset=utf-8"
EMPTY_BODY = "<html><body><h1>Toimielin</h1><p>Ei kokouksia.</p></body></html>"
BODY = "/fi-FI/Toimielimet/Yhdyskuntalautakunta"
ITEMS = {
    57: f"{BODY}/Kokous_592016/Poytakirjan_tarkastus(57)",
    64: f"{BODY}/Kokous_592016/Ajankohtaiset_asiat(64)",
    59: "/fi-FI/content/59/23",
    60: f"{BODY}/Kokous_592016/Oikaisuvaatimus_suunnittelupaallikon_paatokseen(60)",
    61: f"{BODY}/Kokous_592016/Nasijarven_rantareitti_valilla_Lielahti-Hiedanranta(61)",
    65: f"{BODY}/Kokous_1292016/Liikenteen_kehitys_Tampereella_2015(65)",
}


@pytest.fixture
def site(httpserver) -> ReplaySite:
    replay = ReplaySite(httpserver)

    def serve(path: str, name: str) -> None:
        replay.add(path, (SITE / name).read_bytes(), content_type=HTML)

    serve("/fi-FI/Toimielimet", "Toimielimet.htm")
    serve(BODY, "Yhdyskuntalautakunta.htm")
    for other in ("Kaupunginvaltuusto", "Kaupunginhallitus"):  # no meetings listed
        replay.add(f"/fi-FI/Toimielimet/{other}", EMPTY_BODY, content_type=HTML)
    for meeting in ("Kokous_592016", "Kokous_1292016", "Kokous_1682016"):
        serve(f"{BODY}/{meeting}", f"{meeting}.htm")
    for content, path in ITEMS.items():
        serve(path, f"items/content_{content}.htm")
    return replay


def source(site: ReplaySite, bodies: tuple[str, ...] = ()) -> Source:
    return Source(
        name="tampere",
        platform="casem",
        base_url=f"{site.base}/fi-FI",
        municipality="Tampere",
        bodies=bodies,
    )


def crawl(site: ReplaySite, raw: Path, since: date | None = date(2016, 1, 1)):
    return FETCHERS["casem"](source(site), RawStore(raw), since)


def metas(results) -> dict[str, dict[str, str]]:
    return {r.row.meta["content_id"]: r.row.meta for r in results if r.row}


def test_crawl_walks_bodies_meetings_and_item_pages(
    site: ReplaySite, tmp_path: Path
) -> None:
    results = crawl(site, tmp_path / "raw")
    found = metas(results)
    assert sorted(found, key=int) == ["57", "59", "60", "61", "64", "65"]
    assert found["61"] == {
        "platform": "casem",
        "body": "Yhdyskuntalautakunta",
        "title": "Näsijärven rantareitti välillä Lielahti-Hiedanranta, urakkahinta",
        "content_id": "61",
        "meeting_date": "2016-09-05",
        "doc_kind": "minutes",
        "section": "15",
    }
    assert found["65"]["doc_kind"] == "agenda"
    assert found["59"]["section"] == "8"  # the /content/<id>/23 form
    served = site.routes[ITEMS[61]].body
    (row,) = [r.row for r in results if r.row and r.row.meta["content_id"] == "61"]
    assert RawStore(tmp_path / "raw").get(row.sha256) == served


def test_undated_meeting_link_takes_its_date_from_the_page(
    site: ReplaySite, tmp_path: Path
) -> None:
    results = crawl(site, tmp_path / "raw")
    missing = [r for r in results if r.reason]
    assert [(r.uri.endswith("(70)"), r.reason) for r in missing] == [(True, "http_404")]


def test_meetings_before_the_window_are_not_read(
    site: ReplaySite, tmp_path: Path
) -> None:
    crawl(site, tmp_path / "raw", since=date(2016, 9, 1))
    hits = site.hits()
    assert f"{BODY}/Kokous_15122015" not in hits
    assert f"{BODY}/Kokous_1682016" in hits  # no date in its link: read to find it
    assert not any("(70)" in path for path in hits)  # 16.8.2016 is before the window


def test_body_filter_and_second_run(site: ReplaySite, tmp_path: Path) -> None:
    FETCHERS["casem"](
        source(site, ("Kaupunginhallitus",)), RawStore(tmp_path / "raw"), None
    )
    assert BODY not in site.hits()
    crawl(site, tmp_path / "raw")
    site.log.clear()
    again = crawl(site, tmp_path / "raw")
    assert again and not any(r.is_new for r in again if r.row)
    assert site.count(status=200) == 0


def test_parsers_locate_links_by_url_pattern() -> None:
    page = (
        '<div><a href="/sv-FI/Toimielimet/Stadsstyrelsen/Kokous_3112025">'
        "Stadsstyrelsen - Kokous 3.11.2025 Protokoll</a></div>"
        '<p>12 § <a href="/sv-FI/Toimielimet/Stadsstyrelsen/Kokous_3112025/'
        'Budget_2026(4711)">Budget 2026</a></p>'
    )
    base = "https://x.cloudnc.fi/sv-FI/Toimielimet/Stadsstyrelsen"
    (meeting,) = casem.parse_meetings(page, base)
    assert (meeting.meeting_date, meeting.doc_kind) == ("2025-11-03", "minutes")
    (item,) = casem.parse_items(page, base)
    assert (item.content_id, item.section, item.title) == ("4711", 12, "Budget 2026")
    below = '<li>§ 5 <a href="Kokous_3112025/Talousarvio">Talousarvio 2026</a></li>'
    (other,) = casem.parse_items(below, base + "/Kokous_3112025")
    assert (other.content_id, other.section) == ("Talousarvio", 5)
    assert casem.site_base("https://x.cloudnc.fi/sv-FI/Toimielimet") == (
        "https://x.cloudnc.fi/sv-FI"
    )

"""The TWeb crawler against a replay of Oulu's KTweb."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from werkzeug import Request

from flows.crawl import Crawl
from flows.fetch import FETCHERS, politeness
from flows.http import PoliteClient
from flows.platforms import tweb
from flows.rawstore import RawStore
from flows.sources import Source
from tests.conftest import FIXTURES
from tests.sites import ReplaySite, site_file

HOST = "http://asiakirjat.ouka.fi"
SITE = FIXTURES / "sites" / "tweb"
SCRIPTS = "/ktwebbin/dbisa.dll/ktwebscr/"
ROW = re.compile(r'\s*<tr class="data[01]">.*?</tr>', re.S)


def window(form: dict[str, str]) -> tuple[date, date]:
    start, end = (form.get(k) or "" for k in ("pvm1", "pvm2"))

    def parse(text: str, default: date) -> date:
        if not text:
            return default
        d, m, y = (int(x) for x in text.split("."))
        return date(y, m, d)

    return parse(start, date.min), parse(end, date.max)


def meeting_list(html: str):
    """A POST handler that keeps only the rows inside the posted window (at most 200)."""

    def answer(request: Request) -> bytes:
        start, end = window(request.form)
        kept = []
        for row in ROW.findall(html):
            d, m, y = (
                int(x) for x in re.search(r">(\d+)\.(\d+)\.(\d{4})", row).groups()
            )
            if start <= date(y, m, d) <= end:
                kept.append(row)
        page = ROW.sub("", html)
        marker = "</tr>"
        head, _, tail = page.partition(
            '<td class="colheader">Toimielin</td>\n\t\t\t\t' + marker
        )
        return (
            head
            + '<td class="colheader">Toimielin</td>\n\t\t\t\t'
            + marker
            + "".join(kept[:200])
            + tail
        ).encode("cp1252")

    return answer


@pytest.fixture
def site(httpserver) -> ReplaySite:
    replay = ReplaySite(httpserver, (HOST,))
    replay.add(SCRIPTS + "pk_tek_tweb.htm", (SITE / "oulu_tweb_haku.html").read_bytes())
    listing = (
        (SITE / "oulu_tweb_kaupunginhallitus_kokoukset.html")
        .read_bytes()
        .decode("cp1252")
    )
    replay.add(
        SCRIPTS + "pk_kokl_tweb.htm",
        b"",
        dynamic=meeting_list(listing.replace(HOST, replay.base)),
    )
    replay.add(
        SCRIPTS + "pk_asil_tweb.htm?+bid=12867",
        (SITE / "oulu_tweb_kaupunginhallitus_5_2017.html").read_bytes(),
    )
    replay.add(
        "/ktwebbin/ktproxy2.dll?doctype=3&docid=632583",
        site_file("tweb", "35090068.pdf").read_bytes(),
        content_type="application/octet-stream",
    )
    return replay


def source(site: ReplaySite) -> Source:
    return Source(
        name="oulu",
        platform="tweb",
        base_url=f"{site.base}{SCRIPTS}",
        municipality="Oulu",
        bodies=("Kaupunginhallitus",),
    )


def test_crawl_posts_the_form_and_fetches_item_documents(
    site: ReplaySite, tmp_path: Path
) -> None:
    results = FETCHERS["tweb"](
        source(site), RawStore(tmp_path / "raw"), date(2017, 3, 21)
    )
    assert site.forms[0]["kirjaamo"] == "690" and site.forms[0]["oper"] == "where"
    assert site.forms[0]["pvm1"] == "21.3.2017"
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
    ]
    assert fetched[0].row.media_type == "application/pdf"  # sniffed, not the header's
    missing = [r for r in results if r.reason]
    assert [(r.uri.rsplit("?", 1)[-1], r.reason) for r in missing] == [
        ("docid=632585&doctype=3", "http_404")
    ]


def test_rows_without_section_are_not_items(site: ReplaySite, tmp_path: Path) -> None:
    FETCHERS["tweb"](source(site), RawStore(tmp_path / "raw"), date(2017, 3, 21))
    assert not any("632577" in path or "632579" in path for path in site.hits())


def test_second_crawl_downloads_no_document_again(
    site: ReplaySite, tmp_path: Path
) -> None:
    FETCHERS["tweb"](source(site), RawStore(tmp_path / "raw"), date(2017, 3, 21))
    site.log.clear()
    again = FETCHERS["tweb"](
        source(site), RawStore(tmp_path / "raw"), date(2017, 3, 21)
    )
    assert [r.is_new for r in again if r.row] == [False]
    statuses = {path: status for _, path, status in site.log}
    assert statuses["/ktwebbin/ktproxy2.dll?doctype=3&docid=632583"] == 304


def test_window_over_the_row_cap_is_halved(httpserver, tmp_path: Path) -> None:
    replay = ReplaySite(httpserver)
    meetings = [
        date(2015, 1, 1).fromordinal(date(2015, 1, 1).toordinal() + 3 * n)
        for n in range(450)
    ]

    def answer(request: Request) -> bytes:
        start, end = window(request.form)
        rows = [d for d in meetings if start <= d <= end][:200]
        return (
            "".join(
                f'<tr class="data0"><td class="data"><a href="pk_asil_tweb.htm?+bid={d.toordinal()}">'
                f'{d.day}.{d.month}.{d.year} 15:00</a></td><td class="data">Kaupunginhallitus: 1/{d.year}</td></tr>'
                for d in rows
            )
            .join(["<table>", "</table>"])
            .encode()
        )

    replay.add(SCRIPTS + "pk_kokl_tweb.htm", b"", dynamic=answer)
    crawl = Crawl(
        source(replay), RawStore(tmp_path / "raw"), PoliteClient(politeness())
    )
    found = tweb.list_meetings(crawl, "690", meetings[0], meetings[-1])
    assert sorted(m.meeting_date for m in found) == [d.isoformat() for d in meetings]
    assert len(replay.forms) > 3

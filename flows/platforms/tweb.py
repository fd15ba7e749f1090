"""Triplan TWeb / KTweb: the search form's bodies → POST meeting list per body and
date window (at most 200 rows: the window is halved until it fits) → item list
(`pk_asil_tweb.htm?+bid=`) → item documents via `ktproxy2.dll` (PDF or HTML).

The PDFs carry no § or date: the crawler passes them from the item list as `meta`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from flows.crawl import Crawl, decode_page
from flows.http import FetchError

ROW_CAP = 200
MEETING_LINK = re.compile(r"(?:pk|epj)_asil_tweb\.htm\?\+bid=([\d.]+)", re.I)
DOCUMENT_LINK = re.compile(r"ktproxy2\.dll\?.*docid=(\d+)", re.I)
DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
FIRST_YEAR = date(2000, 1, 1)


@dataclass(frozen=True)
class TwebMeeting:
    """A row of the meeting list."""

    url: str
    bid: str
    meeting_date: str
    body: str


@dataclass(frozen=True)
class TwebItem:
    """A row of a meeting's item list that has a §."""

    url: str
    section: int
    title: str


def base(crawl: Crawl) -> str:
    """The script prefix, ending in `/`."""
    url = crawl.source.base_url
    return url if url.endswith("/") else url + "/"


def iso(text: str) -> str | None:
    """The first day-first date in a text, as ISO."""
    found = DATE.search(text)
    if not found:
        return None
    day, month, year = (int(g) for g in found.groups())
    return date(year, month, day).isoformat()


def parse_bodies(html: str) -> dict[str, str]:
    """Body name → `kirjaamo` id, from the search form."""
    options = HTMLParser(html).css("select[name=kirjaamo] option")
    return {
        " ".join(o.text().split()): o.attributes.get("value") or ""
        for o in options
        if o.attributes.get("value")
    }


def parse_meetings(html: str, page_url: str) -> list[TwebMeeting]:
    """Meeting rows: link to the item list, date, and the body before ':'."""
    meetings = []
    for row in HTMLParser(html).css("tr"):
        link = row.css_first("a[href]")
        href = link.attributes.get("href", "") if link else ""
        found = MEETING_LINK.search(href or "")
        cells = row.css("td")
        when = iso(link.text()) if link else None
        if found and when and len(cells) >= 2:
            body = cells[1].text().split(":")[0].strip()
            meetings.append(
                TwebMeeting(urljoin(page_url, href), found.group(1), when, body)
            )
    return meetings


def parse_header(html: str) -> tuple[str, str | None, str]:
    """(body, meeting date, doc kind) from the item list's header cell."""
    cell = HTMLParser(html).css_first("tr.header td")
    lines = [
        line.strip() for line in (cell.text(separator="\n") if cell else "").split("\n")
    ]
    lines = [line for line in lines if line]
    body = lines[0].split(":")[0].strip() if lines else ""
    when = iso(lines[1]) if len(lines) > 1 else None
    kind = (
        "agenda" if len(lines) > 2 and "esityslista" in lines[2].lower() else "minutes"
    )
    return body, when, kind


def parse_items(html: str, page_url: str) -> list[TwebItem]:
    """Rows with a § and a document link; rows without § are not items."""
    items = []
    for row in HTMLParser(html).css("tr"):
        texts = [c.text().strip() for c in row.css("td")]
        section = next((int(t) for t in texts if t.isdigit()), None)
        link = next(
            (
                a
                for a in row.css("a[href]")
                if DOCUMENT_LINK.search(a.attributes["href"] or "")
            ),
            None,
        )
        if section is not None and link is not None:
            url = urljoin(page_url, link.attributes["href"] or "")
            items.append(TwebItem(url, section, " ".join(link.text().split())))
    return items


def form_date(day: date) -> str:
    """`d.m.yyyy`, as the form expects."""
    return f"{day.day}.{day.month}.{day.year}"


def list_meetings(
    crawl: Crawl, body_id: str, start: date, end: date
) -> list[TwebMeeting]:
    """Every meeting of a body in [start, end], halving windows that hit the cap."""
    url = base(crawl) + "pk_kokl_tweb.htm"
    fields = {
        "oper": "where",
        "kirjaamo": body_id,
        "pvm1": form_date(start),
        "pvm2": form_date(end),
    }
    meetings = parse_meetings(decode_page(crawl.form(url, fields)), url)
    if len(meetings) < ROW_CAP or start >= end:
        return meetings
    middle = start + (end - start) // 2
    halves = list_meetings(crawl, body_id, start, middle)
    halves += list_meetings(crawl, body_id, middle + timedelta(days=1), end)
    return list({m.bid: m for m in halves}.values())


def crawl_meeting(crawl: Crawl, meeting: TwebMeeting) -> None:
    """Every item document of one meeting, with the item list's context."""
    html = decode_page(crawl.page(meeting.url))
    body, when, kind = parse_header(html)
    for item in parse_items(html, meeting.url):
        meta = {
            "platform": "tweb",
            "body": body or meeting.body,
            "meeting_date": when or meeting.meeting_date,
            "doc_kind": kind,
            "section": str(item.section),
            "title": item.title,
        }
        crawl.document(item.url, meta)


def crawl(crawl: Crawl) -> None:
    """The bodies of the search form (filtered), their meetings since the window."""
    search = decode_page(crawl.page(base(crawl) + "pk_tek_tweb.htm"))
    for name, body_id in parse_bodies(search).items():
        if crawl.source.bodies and name not in crawl.source.bodies:
            continue
        try:
            meetings = list_meetings(
                crawl, body_id, crawl.since or FIRST_YEAR, crawl.until or date.today()
            )
        except FetchError as error:
            crawl.failed(error)
            continue
        for meeting in meetings:
            try:
                crawl_meeting(crawl, meeting)
            except FetchError as error:
                crawl.failed(error)

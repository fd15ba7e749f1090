"""Triplan TWeb / KTweb, both shapes (DOMAIN.md 1.0, 1.2):

- cloud `https://<host>/ktwebscr/…`: item lists `pk_asil_tweb.htm?bid=N`, documents
  `/ktwebscr/fileshow?doctype=3&docid=N`, the meeting header in a `<caption>`, an RSS
  feed `pk_rssfeed.htm?toimielin=` of the latest meetings;
- legacy `…/ktwebbin/dbisa.dll/ktwebscr/…`: `?+bid=N`, `ktproxy2.dll` documents, the
  header in `tr.header`.

Incremental runs read the RSS feed when it reaches back to the window; otherwise the
search form's bodies → POST meeting list per body and date window (at most 200 rows:
the window is halved until it fits). Links and columns are found by URL pattern and
content, not by position. The PDFs carry no § or date: the crawler passes them from the
item list as `meta`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urljoin

from lxml import etree
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from flows.crawl import Crawl, decode_page
from flows.http import FetchError

ROW_CAP = 200
MEETING_LINK = re.compile(r"(?:pk|epj)_asil_tweb\.htm\?\+?bid=([\d.]+)", re.I)
DOCUMENT_LINK = re.compile(r"(?:ktproxy2\.dll|fileshow)\?.*docid=(\d+)", re.I)
SECTION_CELL = re.compile(r"^§?\s*(\d{1,4})\s*§?$")
SCRIPT_FILE = re.compile(r"[a-z_0-9]+\.htm$", re.I)
RSS_FEED = "pk_rssfeed.htm?toimielin="
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
    """The script prefix, ending in `/` (a pasted `…/pk_tek_tweb.htm` is cut back)."""
    url = SCRIPT_FILE.sub("", crawl.source.base_url.split("?")[0])
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


def meeting_link(row: Node) -> tuple[str, str] | None:
    """The row's link to an item list: (href, bid)."""
    for link in row.css("a[href]"):
        href = link.attributes.get("href") or ""
        found = MEETING_LINK.search(href)
        if found:
            return href, found.group(1)
    return None


def body_cell(row: Node) -> str:
    """The body named in a "Kaupunginhallitus: 5/2017" cell ("" if none)."""
    for cell in row.css("td"):
        text = " ".join(cell.text().split())
        if ":" in text and not DATE.search(text):
            return text.split(":")[0].strip()
    return ""


def parse_meetings(html: str, page_url: str) -> list[TwebMeeting]:
    """Meeting rows: link to the item list, date, and the body before ':'."""
    meetings: dict[str, TwebMeeting] = {}
    for row in HTMLParser(html).css("tr"):
        found = meeting_link(row)
        when = iso(row.text(separator=" "))
        if found and when and found[1] not in meetings:
            url = urljoin(page_url, found[0])
            meetings[found[1]] = TwebMeeting(url, found[1], when, body_cell(row))
    return list(meetings.values())


def parse_header(html: str) -> tuple[str, str | None, str]:
    """(body, meeting date, doc kind) from the item list's header: the table's
    `<caption>` (cloud) or its `tr.header` cell (legacy)."""
    tree = HTMLParser(html)
    cell = tree.css_first("caption") or tree.css_first("tr.header td")
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


def row_section(row: Node) -> int | None:
    """The row's § from the cell that holds only a number ("73", "73 §")."""
    for cell in row.css("td"):
        found = SECTION_CELL.match(" ".join(cell.text().replace("\xa0", " ").split()))
        if found:
            return int(found.group(1))
    return None


def document_links(row: Node) -> list[tuple[str, str]]:
    """The row's document links (href, text), one per docid; an icon-only link
    takes the text of another link to the same document."""
    found: dict[str, tuple[str, str]] = {}
    for link in row.css("a[href]"):
        href = link.attributes.get("href") or ""
        docid = DOCUMENT_LINK.search(href)
        if not docid:
            continue
        text = " ".join(link.text().split())
        if docid.group(1) not in found or not found[docid.group(1)][1]:
            found[docid.group(1)] = (href, text)
    return list(found.values())


def parse_items(html: str, page_url: str) -> list[TwebItem]:
    """Rows with a § and a document link; rows without § are not items."""
    items = []
    for row in HTMLParser(html).css("tr"):
        section = row_section(row)
        links = document_links(row)
        if section is not None and links:
            href, text = max(links, key=lambda link: len(link[1]))
            items.append(TwebItem(urljoin(page_url, href), section, text))
    return items


@dataclass(frozen=True)
class RssMeeting:
    """A meeting of the RSS feed: "Kaupunginhallitus: 4/2026 30.3.2026 12:00"."""

    url: str
    meeting_date: str
    body: str


def parse_rss(data: bytes, feed_url: str) -> list[RssMeeting]:
    """The feed's meetings (link to the item list, date from the title, body from
    the category or the title before ':')."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(recover=True))
    except etree.XMLSyntaxError:
        return []
    found = []
    for node in root.iter("item") if root is not None else []:
        title = html.unescape(" ".join((node.findtext("title") or "").split()))
        link = html.unescape((node.findtext("link") or "").strip())
        when = iso(title)
        if MEETING_LINK.search(link) and when:
            body = (node.findtext("category") or "").strip() or title.split(":")[0]
            found.append(RssMeeting(urljoin(feed_url, link), when, body.strip()))
    return found


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


def crawl_meeting(crawl: Crawl, meeting: TwebMeeting | RssMeeting) -> None:
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


def crawl_rss(crawl: Crawl) -> bool:
    """Incremental runs: the feed's meetings inside the window; False when there is
    no feed or it does not reach back to the window's start."""
    url = base(crawl) + RSS_FEED
    try:
        meetings = parse_rss(crawl.page(url).data, url)
    except FetchError:
        return False
    if not meetings or crawl.since is None:
        return False
    if min(date.fromisoformat(m.meeting_date) for m in meetings) > crawl.since:
        return False
    for meeting in meetings:
        wanted = not crawl.source.bodies or meeting.body in crawl.source.bodies
        if wanted and crawl.in_window(meeting.meeting_date):
            try:
                crawl_meeting(crawl, meeting)
            except FetchError as error:
                crawl.failed(error)
    return True


def crawl(crawl: Crawl) -> None:
    """Incremental runs read the RSS feed; otherwise the bodies of the search form
    (filtered) and their meetings since the window."""
    if crawl.since is not None and crawl.until is None and crawl_rss(crawl):
        return
    search = decode_page(crawl.page(base(crawl) + "pk_tek_tweb.htm"))
    bodies = parse_bodies(search) or {"": ""}  # no body list: ask for every body
    for name, body_id in bodies.items():
        if crawl.source.bodies and name and name not in crawl.source.bodies:
            continue
        try:
            meetings = list_meetings(
                crawl, body_id, crawl.since or FIRST_YEAR, crawl.until or date.today()
            )
        except FetchError as error:
            crawl.failed(error)
            continue
        for meeting in meetings:
            if crawl.source.bodies and meeting.body not in crawl.source.bodies:
                continue
            try:
                crawl_meeting(crawl, meeting)
            except FetchError as error:
                crawl.failed(error)

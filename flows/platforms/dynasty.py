"""Innofactor Dynasty: bodies → meetings per body → meeting page → item pages.

Works on both shapes (DOMAIN.md 1.1): the CGI (`…/cgi/DREQUEST.PHP?page=…`) and the
static export (`…/kokous/TELIMET.HTM`, `TELIN-<body>.HTM`, `<mid>.HTM`,
`<mid>-<n>.HTM`).
Listing parsers are pure functions of the page text; `crawl` does the fetching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

from lxml import etree
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from flows.crawl import Crawl, decode_page
from flows.http import FetchError

BODY_LINK = re.compile(r"TELIN-(\d+)\.HTM$|page=meetings&(?:amp;)?id=(\d+)", re.I)
MEETING_LINK = re.compile(r"/(\d{6,})\.HTM$|page=meeting&(?:amp;)?id=(\d+)$", re.I)
ITEM_LINK = re.compile(
    r"/(\d{6,})-(\d+)\.HTM$|page=meetingitem&(?:amp;)?id=(\d+)-(\d+)", re.I
)
DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
AGENDA_WORDS = ("esityslista", "föredragningslista")
RSS_SIZE = 500
RSS_TITLE = re.compile(r"^(.+?) (\d{2})\.(\d{2})\.(\d{4}) / (.+)$")


@dataclass(frozen=True)
class Link:
    """A link found on a listing page, with the text and date of its row."""

    url: str
    text: str
    row_text: str


@dataclass(frozen=True)
class Meeting:
    """A meeting row of a body's list."""

    url: str
    meeting_date: str
    doc_kind: str


@dataclass(frozen=True)
class ItemRef:
    """An item row of a meeting page."""

    url: str
    section: int | None
    title: str


def is_cgi(base_url: str) -> bool:
    """True for `…/DREQUEST.PHP` bases, False for static `/kokous/` exports."""
    return base_url.upper().endswith(".PHP")


def bodies_url(base_url: str) -> str:
    """The page listing the bodies."""
    if is_cgi(base_url):
        return f"{base_url}?page=meeting_frames"
    return urljoin(
        base_url if base_url.endswith("/") else base_url + "/", "TELIMET.HTM"
    )


def links(html: str, base: str) -> list[Link]:
    """Every link with its text and its table row's text."""
    found = []
    for node in HTMLParser(html).css("a[href]"):
        row = node.parent
        while row is not None and row.tag != "tr":
            row = row.parent
        row_text = (row or node).text(separator=" ")
        href = node.attributes.get("href") or ""
        found.append(Link(urljoin(base, href), " ".join(node.text().split()), row_text))
    return found


def parse_bodies(html: str, base: str) -> dict[str, list[str]]:
    """Body name → its meeting-list urls (one body may have several ids by term)."""
    bodies: dict[str, list[str]] = {}
    for link in links(html, base):
        if BODY_LINK.search(link.url) and link.text:
            urls = bodies.setdefault(link.text, [])
            if link.url not in urls:
                urls.append(link.url)
    return bodies


def iso(match: re.Match[str]) -> str:
    """A day-first date match as ISO."""
    day, month, year = (int(g) for g in match.groups())
    return date(year, month, day).isoformat()


def parse_meetings(html: str, base: str) -> list[Meeting]:
    """The meetings of a body's list page, with date and minutes/agenda."""
    meetings = []
    for link in links(html, base):
        found = DATE.search(link.row_text)
        if MEETING_LINK.search(link.url) and found:
            kind = "agenda" if link.text.lower().startswith(AGENDA_WORDS) else "minutes"
            meetings.append(Meeting(link.url, iso(found), kind))
    return meetings


def parse_items(html: str, base: str) -> list[ItemRef]:
    """The item rows of a meeting page: url, § (first cell) and title."""
    items = []
    for link in links(html, base):
        if not ITEM_LINK.search(link.url):
            continue
        number = re.match(r"\s*(\d+)", link.row_text.replace("\xa0", " "))
        section = int(number.group(1)) if number else None
        items.append(ItemRef(link.url, section, link.text))
    return items


def meeting_items(crawl: Crawl, meeting: Meeting) -> list[ItemRef]:
    """A meeting page's items; once more with fresh cookies if none came back
    (Dynasty can serve a previous request's page to a reused session)."""
    items = parse_items(decode_page(crawl.page(meeting.url)), meeting.url)
    if not items:
        crawl.client.reset_cookies()
        items = parse_items(decode_page(crawl.page(meeting.url)), meeting.url)
    return items


def wanted(crawl: Crawl, name: str) -> bool:
    """The body is in the source's `bodies` filter (or there is no filter)."""
    return not crawl.source.bodies or name in crawl.source.bodies


def crawl_meeting(crawl: Crawl, body: str, meeting: Meeting) -> None:
    """Fetch every item page of one meeting with its listing context."""
    for item in meeting_items(crawl, meeting):
        meta = {
            "platform": "dynasty",
            "body": body,
            "meeting_date": meeting.meeting_date,
            "doc_kind": meeting.doc_kind,
            "title": item.title,
        }
        if item.section is not None and meeting.doc_kind == "minutes":
            meta["section"] = str(item.section)
        crawl.document(item.url, meta)


def crawl_body(crawl: Crawl, body: str, list_url: str) -> None:
    """Every meeting of a body's list page inside the crawl's window."""
    for meeting in parse_meetings(decode_page(crawl.page(list_url)), list_url):
        if crawl.in_window(meeting.meeting_date):
            try:
                crawl_meeting(crawl, body, meeting)
            except FetchError as error:
                crawl.failed(error)


@dataclass(frozen=True)
class RssItem:
    """An item of the CGI's RSS feed ("<Toimielin> <DD.MM.YYYY> / <otsikko>")."""

    url: str
    body: str
    meeting_date: str
    title: str


def rss_url(base_url: str) -> str:
    """The feed of the latest items (CGI installations only)."""
    return f"{base_url}?page=rss/meetingitems&show={RSS_SIZE}"


def parse_rss(data: bytes) -> list[RssItem]:
    """The feed's items whose title has the body / date / title form."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(recover=True))
    except etree.XMLSyntaxError:
        return []
    items = []
    for node in root.iter("item") if root is not None else []:
        found = RSS_TITLE.match(" ".join((node.findtext("title") or "").split()))
        link = (node.findtext("link") or "").strip()
        if found and link:
            when = date(*(int(g) for g in found.group(4, 3, 2))).isoformat()
            items.append(RssItem(link, found.group(1), when, found.group(5)))
    return items


def crawl_rss(crawl: Crawl) -> bool:
    """Fetch the window's items from the RSS feed; False when the feed is missing or
    does not reach back to the window's start (then the full walk runs)."""
    try:
        items = parse_rss(crawl.page(rss_url(crawl.source.base_url)).data)
    except FetchError:
        return False
    if not items or crawl.since is None:
        return False
    if min(date.fromisoformat(i.meeting_date) for i in items) > crawl.since:
        return False
    for item in items:
        if wanted(crawl, item.body) and crawl.in_window(item.meeting_date):
            meta = {
                "platform": "dynasty",
                "body": item.body,
                "meeting_date": item.meeting_date,
                "title": item.title,
            }
            crawl.document(item.url, meta)
    return True


def crawl(crawl: Crawl) -> None:
    """Incremental runs on a CGI read the RSS feed; otherwise (first run, backfill,
    static export, or a feed that falls short) every body's meetings are walked."""
    incremental = crawl.since is not None and crawl.until is None
    if incremental and is_cgi(crawl.source.base_url) and crawl_rss(crawl):
        return
    url = bodies_url(crawl.source.base_url)
    for body, list_urls in parse_bodies(decode_page(crawl.page(url)), url).items():
        if not wanted(crawl, body):
            continue
        for list_url in list_urls:
            try:
                crawl_body(crawl, body, list_url)
            except FetchError as error:
                crawl.failed(error)

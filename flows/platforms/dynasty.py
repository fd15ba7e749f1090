"""Innofactor Dynasty: bodies → meetings per body → meeting page → item pages.

Works on both shapes (DOMAIN.md 1.0, 1.1): the CGI (`…/cgi/DREQUEST.PHP?page=…`,
classic and Dynasty 10, whose `meeting_frames` may be a frameset around
`meeting_handlers`) and the static export (`…/kokous/TELIMET.HTM`, `TELIN-<body>.HTM`,
`<mid>.HTM`, `<mid>-<n>.HTM`). Today's quirks: RSS CDATA that is itself
entity-encoded, RSS links with `:443` (one document, see flows.urls), meeting links
that are icons without text (the kind comes from the icon or the row, else it is left
to the page), and item pages whose first header is an earlier handling's (the § comes
from the meeting page, also for RSS items).
Listing parsers are pure functions of the page text; `crawl` does the fetching.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

from lxml import etree
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from flows.crawl import Crawl, decode_page
from flows.http import FetchError
from flows.platforms.words import doc_kind
from flows.urls import normalise

BODY_LINK = re.compile(r"TELIN-(\d+)\.HTM$|page=meetings&(?:amp;)?id=(\d+)", re.I)
MEETING_LINK = re.compile(r"/(\d{6,})\.HTM$|page=meeting&(?:amp;)?id=(\d+)$", re.I)
ITEM_LINK = re.compile(
    r"/(\d{6,})-(\d+)\.HTM$|page=meetingitem&(?:amp;)?id=(\d+)-(\d+)", re.I
)
DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
RSS_SIZE = 500
RSS_TITLE = re.compile(r"^(.+?) (\d{2})\.(\d{2})\.(\d{4}) / (.+)$")


@dataclass(frozen=True)
class Link:
    """A link found on a listing page, with the text and date of its row."""

    url: str
    text: str
    row_text: str
    image: str = ""  # alt, title and src of the link's icons


@dataclass(frozen=True)
class Meeting:
    """A meeting row of a body's list."""

    url: str
    meeting_date: str
    doc_kind: str | None


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
        text = " ".join(node.text().split())
        found.append(Link(urljoin(base, href), text, row_text, icon_words(node)))
    return found


def icon_words(node: Node) -> str:
    """The alt, title and file name of a link's images (icon-only links)."""
    words = [node.attributes.get("title") or ""]
    for image in node.css("img"):
        for name in ("alt", "title", "src"):
            words.append(image.attributes.get(name) or "")
    return " ".join(words).lower()


def kind_of(link: Link) -> str | None:
    """minutes or agenda: from the link text, else its icon, else its row; None
    when nothing tells (the page itself says)."""
    return doc_kind(link.text, link.image, link.row_text)


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
    """The meetings of a body's list page, with date and minutes/agenda; a meeting
    linked twice (agenda and minutes icons) counts once, as minutes if either says."""
    meetings: dict[str, Meeting] = {}
    for link in links(html, base):
        found = DATE.search(link.row_text)
        if not (MEETING_LINK.search(link.url) and found):
            continue
        kind = kind_of(link)
        previous = meetings.get(link.url)
        if previous is None or previous.doc_kind != "minutes" and kind is not None:
            meetings[link.url] = Meeting(link.url, iso(found), kind)
    return list(meetings.values())


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
            "title": item.title,
        }
        if meeting.doc_kind:
            meta["doc_kind"] = meeting.doc_kind
        if item.section is not None and meeting.doc_kind != "agenda":
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
        title = html.unescape(" ".join((node.findtext("title") or "").split()))
        found = RSS_TITLE.match(title)
        link = html.unescape((node.findtext("link") or "").strip())
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
    sections: dict[str, dict[str, int]] = {}
    for item in items:
        if wanted(crawl, item.body) and crawl.in_window(item.meeting_date):
            meta = {
                "platform": "dynasty",
                "body": item.body,
                "meeting_date": item.meeting_date,
                "title": item.title,
            }
            section = item_section(crawl, item.url, sections)
            if section is not None:
                meta["section"] = str(section)
            crawl.document(item.url, meta)
    return True


def item_section(
    crawl: Crawl, item_url: str, cache: dict[str, dict[str, int]]
) -> int | None:
    """An RSS item's § from its meeting page (read once per meeting): the item page
    may open with an earlier handling's header, so the page's first § can be wrong."""
    found = ITEM_LINK.search(item_url)
    meeting_id = found.group(3) if found else None
    if not meeting_id:
        return None
    if meeting_id not in cache:
        url = f"{crawl.source.base_url}?page=meeting&id={meeting_id}"
        try:
            refs = parse_items(decode_page(crawl.page(url)), url)
        except FetchError:
            refs = []
        cache[meeting_id] = {
            normalise(r.url): r.section for r in refs if r.section is not None
        }
    return cache[meeting_id].get(normalise(item_url))


FRAME_SOURCE = re.compile(r"<i?frame\b[^>]*\bsrc=[\"']([^\"']+)", re.I)


def find_bodies(crawl: Crawl) -> dict[str, list[str]]:
    """The bodies: from the bodies page, else from the frames it is made of
    (Dynasty 10's `meeting_frames`), else from `page=meeting_handlers`."""
    url = bodies_url(crawl.source.base_url)
    page = decode_page(crawl.page(url))
    bodies = parse_bodies(page, url)
    candidates = [urljoin(url, src) for src in FRAME_SOURCE.findall(page)]
    if is_cgi(crawl.source.base_url):
        candidates.append(f"{crawl.source.base_url}?page=meeting_handlers")
    for candidate in candidates:
        if bodies:
            break
        try:
            bodies = parse_bodies(decode_page(crawl.page(candidate)), candidate)
        except FetchError as error:
            crawl.failed(error)
    return bodies


def crawl(crawl: Crawl) -> None:
    """Incremental runs on a CGI read the RSS feed; otherwise (first run, backfill,
    static export, or a feed that falls short) every body's meetings are walked."""
    incremental = crawl.since is not None and crawl.until is None
    if incremental and is_cgi(crawl.source.base_url) and crawl_rss(crawl):
        return
    for body, list_urls in find_bodies(crawl).items():
        if not wanted(crawl, body):
            continue
        for list_url in list_urls:
            try:
                crawl_body(crawl, body, list_url)
            except FetchError as error:
                crawl.failed(error)

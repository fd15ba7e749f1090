"""The long tail: municipalities that post minutes as PDF links on an ordinary web page
(WordPress, Drupal, their own CMS). `base_url` is the list page, or the site itself;
`link_pattern` (optional regex, matched against a link's url and text) says which
links are documents. The PDF is the document.

From the base page the crawler follows, on the same host and at most MAX_DEPTH links
deep, links whose text or url names decision-making (pöytäkirjat, esityslistat,
päätöksenteko, protokoll, …) and "next page" links, reading at most MAX_PAGES pages.
A document link is a PDF link that matches `link_pattern`, or, without one, whose text
or url names minutes or an agenda or carries a date. Meeting date, doc kind and body
come from the link text (or url), the body else from the heading above the link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from flows.crawl import Crawl, decode_page
from flows.http import FetchError
from flows.platforms.words import AGENDA_WORDS, MINUTES_WORDS, doc_kind

MAX_PAGES = 40
MAX_DEPTH = 2
DOCUMENT_SUFFIX = re.compile(r"\.pdf$", re.I)
DOCUMENT_WORDS = (*MINUTES_WORDS, *AGENDA_WORDS, "ptk")
NAVIGATION_WORDS = (
    "pöytäkirj",
    "poytakirj",
    "esityslist",
    "päätöksenteko",
    "paatoksenteko",
    "kokoukset",
    "toimielimet",
    "protokoll",
    "föredragningslist",
    "foredragningslist",
    "beslutsfattande",
    "sammanträden",
)
NEXT_WORDS = ("seuraava", "nästa", "next", "»", "›")
BODY_WORD = re.compile(
    r"\b[\wåäöÅÄÖ-]*(?:hallitus|valtuusto|lautakunta|jaosto|toimikunta|neuvosto|"
    r"styrelse[n]?|fullmäktige|nämnd(?:en)?|sektion(?:en)?|kommitté[n]?)\b",
    re.I,
)
TEXT_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
URL_DATES = (
    re.compile(r"(?<!\d)(\d{1,2})[._-](\d{1,2})[._-](\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),
)


@dataclass(frozen=True)
class PageLink:
    """A link of a page: url, text, and the text of the heading above it."""

    url: str
    text: str
    heading: str


def page_links(html: str, base: str) -> list[PageLink]:
    """Every link in document order, each with the last heading before it."""
    links: list[PageLink] = []
    heading = ""
    root = HTMLParser(html).body
    for node in root.traverse() if root is not None else []:
        if node.tag in ("h1", "h2", "h3", "h4", "h5"):
            heading = " ".join(node.text(separator=" ").split())
        elif node.tag == "a" and node.attributes.get("href"):
            links.append(link_of(node, base, heading))
    return links


def link_of(node: Node, base: str, heading: str) -> PageLink:
    """One link, absolute and without its fragment."""
    url = urljoin(base, node.attributes.get("href") or "").split("#")[0]
    return PageLink(url, " ".join(node.text(separator=" ").split()), heading)


def words_of(link: PageLink) -> str:
    """The link's text and decoded url path, lower-cased, to look for words in."""
    return f"{link.text} {unquote(urlsplit(link.url).path)}".lower()


def is_pdf(link: PageLink) -> bool:
    """A link to a PDF file."""
    return bool(DOCUMENT_SUFFIX.search(urlsplit(link.url).path))


def is_document(link: PageLink, pattern: re.Pattern[str] | None) -> bool:
    """A document link: a PDF matching the pattern, or naming minutes/an agenda or
    carrying a date."""
    if not is_pdf(link):
        return False
    if pattern is not None:
        return bool(pattern.search(link.url) or pattern.search(link.text))
    text = words_of(link)
    named = any(word in text for word in DOCUMENT_WORDS)
    return named or meeting_date(link) is not None


def valid(year: int, month: int, day: int) -> str | None:
    """An ISO date, or None when the numbers are not one."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def meeting_date(link: PageLink) -> str | None:
    """The date in the link text ("15.9.2022"), else in its url ("15_09_2022",
    "2022-09-15")."""
    found = TEXT_DATE.search(link.text)
    if found:
        day, month, year = (int(g) for g in found.groups())
        return valid(year, month, day)
    path = unquote(urlsplit(link.url).path)
    day_first, year_first = (pattern.search(path) for pattern in URL_DATES)
    if day_first:
        day, month, year = (int(g) for g in day_first.groups())
        return valid(year, month, day)
    if year_first:
        year, month, day = (int(g) for g in year_first.groups())
        return valid(year, month, day)
    return None


def kind_of(link: PageLink) -> str | None:
    """minutes or agenda by the link's words; None when they do not say."""
    return doc_kind(words_of(link))


def body_of(link: PageLink) -> str | None:
    """The body named in the link text, else in the heading above it."""
    for text in (link.text, link.heading):
        found = BODY_WORD.search(text)
        if found:
            name = found.group(0)
            return name[:1].upper() + name[1:]
    return None


def document_meta(link: PageLink) -> dict[str, str]:
    """The listing context of a document link."""
    meta = {"platform": "pdf-list", "title": link.text or link.url.rsplit("/", 1)[-1]}
    for key, value in (
        ("meeting_date", meeting_date(link)),
        ("doc_kind", kind_of(link)),
        ("body", body_of(link)),
    ):
        if value:
            meta[key] = value
    return meta


def is_next_page(link: PageLink) -> bool:
    """A pagination link ("Seuraava", "Nästa »", "›", "/page/2/")."""
    text = link.text.lower()
    return any(word in text for word in NEXT_WORDS) or bool(
        re.search(r"/page/\d+/?$|[?&](page|sivu|paged)=\d+", link.url)
    )


def is_navigation(link: PageLink) -> bool:
    """A link towards minutes: it names decision-making."""
    return any(word in words_of(link) for word in NAVIGATION_WORDS)


def same_site(url: str, base: str) -> bool:
    """On the base's host, over http(s)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc == urlsplit(base).netloc


@dataclass(frozen=True)
class Step:
    """A page to read: url, how deep, and whether it continues a list (a next
    page: its failure is reported) or is a guess by the link's words (is not)."""

    url: str
    depth: int
    continues_list: bool


def follow(links: list[PageLink], base: str, depth: int) -> list[Step]:
    """The pages to read next: next pages at this depth, navigation one deeper."""
    found = []
    for link in links:
        if is_pdf(link) or not same_site(link.url, base):
            continue
        if is_next_page(link):
            found.append(Step(link.url, depth, True))
        elif depth < MAX_DEPTH and is_navigation(link):
            found.append(Step(link.url, depth + 1, False))
    return found


def compiled(pattern: str | None) -> re.Pattern[str] | None:
    """The source's link_pattern, compiled (case-insensitive)."""
    return re.compile(pattern, re.I) if pattern else None


def collect(crawl: Crawl, links: list[PageLink]) -> None:
    """Fetch the page's documents inside the window."""
    pattern = compiled(crawl.source.link_pattern)
    for link in links:
        if not is_document(link, pattern):
            continue
        meta = document_meta(link)
        body = meta.get("body")
        if crawl.source.bodies and body and body not in crawl.source.bodies:
            continue
        if crawl.in_window(meta.get("meeting_date")):
            crawl.document(link.url, meta)


def read_page(crawl: Crawl, step: Step, first: bool) -> list[PageLink] | None:
    """A page's links. The base page failing fails the source; a next page failing
    is quarantined; a page guessed from its link's words may fail quietly."""
    try:
        page = crawl.page(step.url)
    except FetchError as error:
        if first:
            raise
        if step.continues_list:
            crawl.failed(error)
        return None
    return page_links(decode_page(page, "utf-8"), page.url)


def crawl(crawl: Crawl) -> None:
    """Breadth first from the base page, bounded by MAX_PAGES and MAX_DEPTH."""
    base = crawl.source.base_url
    queue = [Step(base, 0, True)]
    seen: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        step = queue.pop(0)
        if step.url in seen:
            continue
        seen.add(step.url)
        links = read_page(crawl, step, first=len(seen) == 1)
        if links is None:
            continue
        collect(crawl, links)
        queue.extend(s for s in follow(links, base, step.depth) if s.url not in seen)

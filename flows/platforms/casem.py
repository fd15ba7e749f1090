"""CaseM / CloudNC (`https://<slug>.cloudnc.fi/fi-FI`), read as its HTML is today
(DOMAIN.md 1.0, 1.3): `/fi-FI/Toimielimet` → a body `/Toimielimet/<Body>` → its
meetings `…/<Body>/Kokous_<dmyyyy>` → the items `…/Kokous_<dmyyyy>/<Title>(<id>)` or
`/fi-FI/content/<id>/<n>`; the item page is the document (its text in
`#ContentStart`). Links are found by their URL patterns, dates by "d.m.yyyy" in the
link or the page ("Kokous_1112022" is ambiguous).

Where the site has no HTML body list (404) the OData API `/api/opennc/v1/` is read:
"Toimielimet" node → bodies → "Kokoukset" → meetings → contents → ExtendedProperties,
always with `$format=json` (else Atom XML) and following `odata.nextLink`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from flows.crawl import Crawl, decode_page
from flows.http import FetchError
from flows.platforms.words import doc_kind

API = "/api/opennc/v1/"
BODIES_NODE = "toimielimet"
MEETINGS_NODES = {"kokoukset", "meetings", "möten"}
DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
BODY_PATH = re.compile(r"/toimielimet/([^/?#]+)/?$", re.I)
MEETING_PATH = re.compile(r"/toimielimet/([^/?#]+)/kokous_(\d+)/?$", re.I)
ITEM_PATH = re.compile(r"/kokous_\d+/[^/?#]*\((\d+)\)/?$|/content/(\d+)/\d+/?$", re.I)
SECTION = re.compile(r"§\s*(\d{1,4})\b|\b(\d{1,4})\s*§")
MAX_PAGES = 200  # OData pages followed per list


@dataclass(frozen=True)
class Anchor:
    """A link: absolute url, its text and its row's (or parent's) text."""

    url: str
    text: str
    context: str


@dataclass(frozen=True)
class CasemMeeting:
    """A meeting link of a body page."""

    url: str
    meeting_date: str | None
    doc_kind: str | None


@dataclass(frozen=True)
class CasemItem:
    """An item link of a meeting page."""

    url: str
    content_id: str
    title: str
    section: int | None


def site_base(base_url: str) -> str:
    """The site with its language: `https://x.cloudnc.fi/fi-FI` (default fi-FI)."""
    parts = urlsplit(base_url)
    language = next(
        (p for p in parts.path.split("/") if re.fullmatch(r"[a-z]{2}-[A-Z]{2}", p)),
        "fi-FI",
    )
    return f"{parts.scheme}://{parts.netloc}/{language}"


def anchors(html: str, base: str) -> list[Anchor]:
    """Every link with its text and the text of its table row or parent."""
    found = []
    for node in HTMLParser(html).css("a[href]"):
        holder = node.parent
        while holder is not None and holder.tag not in ("tr", "li", "p", "div"):
            holder = holder.parent
        context = " ".join((holder or node).text(separator=" ").split())
        text = " ".join(node.text(separator=" ").split())
        url = urljoin(base, node.attributes.get("href") or "")
        found.append(Anchor(url, text, context))
    return found


def path_of(url: str) -> str:
    """The url's path, percent-decoded."""
    return unquote(urlsplit(url).path)


def iso(text: str) -> str | None:
    """The first valid day-first date of a text, as ISO."""
    for found in DATE.finditer(text):
        day, month, year = (int(g) for g in found.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def parse_bodies(html: str, base: str) -> dict[str, str]:
    """Body name → its page, from the links to `/Toimielimet/<Body>`."""
    bodies: dict[str, str] = {}
    for anchor in anchors(html, base):
        found = BODY_PATH.search(path_of(anchor.url))
        if found:
            name = anchor.text or found.group(1).replace("_", " ")
            bodies.setdefault(name, anchor.url.split("#")[0])
    return bodies


def parse_meetings(html: str, base: str) -> list[CasemMeeting]:
    """The meeting links of a body page (one per url; minutes win over agenda)."""
    meetings: dict[str, CasemMeeting] = {}
    for anchor in anchors(html, base):
        if not MEETING_PATH.search(path_of(anchor.url)):
            continue
        url = anchor.url.split("#")[0]
        kind = doc_kind(anchor.text, anchor.context)
        when = iso(anchor.text) or iso(anchor.context)
        previous = meetings.get(url)
        if previous is None or (previous.doc_kind != "minutes" and kind):
            meetings[url] = CasemMeeting(url, when, kind)
    return list(meetings.values())


def item_section(anchor: Anchor) -> int | None:
    """The § printed in the item's link or row ("§ 4", "4 §")."""
    for text in (anchor.text, anchor.context):
        found = SECTION.search(text)
        if found:
            return int(found.group(1) or found.group(2))
    return None


def content_id_of(url: str, meeting_path: str) -> str | None:
    """An item link's content id: `(<id>)` or `/content/<id>/`, else the last segment
    of a link below the meeting's own path."""
    path = path_of(url)
    found = ITEM_PATH.search(path)
    if found:
        return found.group(1) or found.group(2)
    if meeting_path and path.lower().startswith(meeting_path.lower().rstrip("/") + "/"):
        return path.rstrip("/").rsplit("/", 1)[-1] or None
    return None


def parse_items(html: str, base: str) -> list[CasemItem]:
    """The item links of a meeting page, one per content id."""
    items: dict[str, CasemItem] = {}
    meeting_path = path_of(base) if MEETING_PATH.search(path_of(base)) else ""
    for anchor in anchors(html, base):
        content_id = content_id_of(anchor.url, meeting_path)
        if not content_id or not anchor.text:
            continue
        title = SECTION.sub("", anchor.text, count=1).strip(" -–")
        if content_id not in items:
            url = anchor.url.split("#")[0]
            items[content_id] = CasemItem(url, content_id, title, item_section(anchor))
    return list(items.values())


def page_meeting_date(html: str) -> str | None:
    """The meeting date a page's breadcrumb or heading gives ("Kokous 7.9.2022")."""
    found = re.search(r"Kokous\s+(\d{1,2}\.\d{1,2}\.\d{4})", html)
    return iso(found.group(1)) if found else None


def wanted(crawl: Crawl, name: str) -> bool:
    """The body passes the source's `bodies` filter."""
    return not crawl.source.bodies or name in crawl.source.bodies


def crawl_html_meeting(crawl: Crawl, body: str, meeting: CasemMeeting) -> None:
    """Every item page of one meeting, with its listing context."""
    html = decode_page(crawl.page(meeting.url), "utf-8")
    when = meeting.meeting_date or page_meeting_date(html)
    if not crawl.in_window(when):
        return
    for item in parse_items(html, meeting.url):
        meta = {"platform": "casem", "body": body, "title": item.title}
        meta["content_id"] = item.content_id
        if when:
            meta["meeting_date"] = when
        if meeting.doc_kind:
            meta["doc_kind"] = meeting.doc_kind
        if item.section is not None:
            meta["section"] = str(item.section)
        crawl.document(item.url, meta)


def crawl_html_body(crawl: Crawl, body: str, url: str) -> None:
    """The meetings of one body page inside the window (undated ones are read to
    find their date)."""
    for meeting in parse_meetings(decode_page(crawl.page(url), "utf-8"), url):
        if meeting.meeting_date and not crawl.in_window(meeting.meeting_date):
            continue
        try:
            crawl_html_meeting(crawl, body, meeting)
        except FetchError as error:
            crawl.failed(error)


def crawl_html(crawl: Crawl, bodies_page: str, url: str) -> None:
    """Every wanted body of the `Toimielimet` page."""
    for body, body_url in parse_bodies(bodies_page, url).items():
        if not wanted(crawl, body):
            continue
        try:
            crawl_html_body(crawl, body, body_url)
        except FetchError as error:
            crawl.failed(error)


# --- OData, where it answers -----------------------------------------------------


def api_base(base_url: str) -> str:
    """The OData root of a CloudNC site: `https://x.cloudnc.fi/fi-FI` →
    `https://x.cloudnc.fi/api/opennc/v1/`."""
    if API in base_url:
        return base_url[: base_url.index(API) + len(API)]
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{API}"


def as_json(url: str) -> str:
    """The url asking for JSON (`$format=json`; without it OData answers Atom)."""
    if "$format=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}$format=json"


def values(crawl: Crawl, url: str) -> list[dict[str, Any]]:
    """The `value` list of an OData answer, following `odata.nextLink` pages."""
    found: list[dict[str, Any]] = []
    next_url: str | None = as_json(url)
    for _ in range(MAX_PAGES):
        if next_url is None:
            break
        page = crawl.page(next_url)
        try:
            envelope = json.loads(page.data.decode("utf-8-sig"))
            found.extend(envelope["value"])
        except (ValueError, KeyError, TypeError) as error:
            reason = f"not an OData JSON answer with a 'value' list: {error}"
            raise FetchError(next_url, "malformed_page", reason) from error
        link = envelope.get("odata.nextLink") or envelope.get("@odata.nextLink")
        next_url = as_json(urljoin(next_url, link)) if link else None
    return found


def names(node: dict[str, Any]) -> list[str]:
    """Every language's name of a node."""
    return [str(n.get("Name") or "") for n in node.get("Names", [])]


def finnish_name(node: dict[str, Any]) -> str:
    """The node's first (Finnish) name."""
    found = names(node)
    return found[0] if found else ""


def meeting_date(node: dict[str, Any]) -> str | None:
    """ISO date from a meeting node's name ("Kokous 5.9.2016")."""
    return iso(finnish_name(node))


def contents_url(api: str, node_id: int) -> str:
    """The contents (items) classified under a meeting node."""
    query = f"Classifications/any(f:f/NodeId eq {node_id})"
    return f"{api}Contents()?$filter={quote(query, safe='/():')}"


def crawl_meeting(crawl: Crawl, api: str, body: str, node: dict[str, Any]) -> None:
    """Every content of one meeting, with its listing context."""
    when = meeting_date(node)
    for content in values(crawl, contents_url(api, int(node["NodeId"]))):
        meta = {
            "platform": "casem",
            "body": body,
            "doc_kind": "minutes",
            "content_id": str(content["ContentId"]),
        }
        if when:
            meta["meeting_date"] = when
        url = as_json(f"{api}Contents({content['ContentId']})/ExtendedProperties")
        crawl.document(url, meta)


def crawl_body(crawl: Crawl, api: str, root: int, body: dict[str, Any]) -> None:
    """The meetings of one body since the window start."""
    body_url = f"{api}Nodes({root})/SubNodes({body['NodeId']})/SubNodes()"
    for events in values(crawl, body_url):
        if not MEETINGS_NODES & {n.lower() for n in names(events)}:
            continue
        meetings_url = body_url.removesuffix("SubNodes()") + (
            f"SubNodes({events['NodeId']})/SubNodes()"
        )
        for node in values(crawl, meetings_url):
            if not crawl.in_window(meeting_date(node)):
                continue
            try:
                crawl_meeting(crawl, api, finnish_name(body), node)
            except FetchError as error:
                crawl.failed(error)


def crawl_odata(crawl: Crawl) -> None:
    """Bodies under the "Toimielimet" node (filtered), then their meetings."""
    api = api_base(crawl.source.base_url)
    roots = [
        n
        for n in values(crawl, f"{api}Nodes")
        if BODIES_NODE in {name.lower() for name in names(n)}
    ]
    for root in roots:
        for body in values(crawl, f"{api}Nodes({root['NodeId']})/SubNodes()"):
            if not wanted(crawl, finnish_name(body)):
                continue
            try:
                crawl_body(crawl, api, int(root["NodeId"]), body)
            except FetchError as error:
                crawl.failed(error)


def crawl(crawl: Crawl) -> None:
    """The HTML site; the OData API only where the site has no body list (404)."""
    url = f"{site_base(crawl.source.base_url)}/Toimielimet"
    try:
        page = decode_page(crawl.page(url), "utf-8")
    except FetchError as error:
        if error.reason != "http_404":
            raise
        crawl_odata(crawl)
        return
    crawl_html(crawl, page, url)

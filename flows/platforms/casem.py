"""CaseM / CloudNC through its OData API (`/api/opennc/v1/`): the "Toimielimet" node →
bodies → their "Kokoukset" node → meetings ("Kokous 5.9.2016") → the meeting's
contents → each content's ExtendedProperties (the item document)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

from flows.crawl import Crawl
from flows.http import FetchError

API = "/api/opennc/v1/"
BODIES_NODE = "toimielimet"
MEETINGS_NODES = {"kokoukset", "meetings", "möten"}
DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def api_base(base_url: str) -> str:
    """The OData root of a CloudNC site: `https://x.cloudnc.fi/fi-FI` →
    `https://x.cloudnc.fi/api/opennc/v1/`."""
    if API in base_url:
        return base_url[: base_url.index(API) + len(API)]
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{API}"


def values(crawl: Crawl, url: str) -> list[dict[str, Any]]:
    """The `value` list of an OData answer."""
    return crawl.json_list(url, "value")


def names(node: dict[str, Any]) -> list[str]:
    """Every language's name of a node."""
    return [str(n.get("Name") or "") for n in node.get("Names", [])]


def finnish_name(node: dict[str, Any]) -> str:
    """The node's first (Finnish) name."""
    found = names(node)
    return found[0] if found else ""


def meeting_date(node: dict[str, Any]) -> str | None:
    """ISO date from a meeting node's name ("Kokous 5.9.2016")."""
    found = DATE.search(finnish_name(node))
    if not found:
        return None
    day, month, year = (int(g) for g in found.groups())
    return date(year, month, day).isoformat()


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
        url = f"{api}Contents({content['ContentId']})/ExtendedProperties"
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


def crawl(crawl: Crawl) -> None:
    """Bodies under the "Toimielimet" node (filtered), then their meetings."""
    api = api_base(crawl.source.base_url)
    roots = [
        n
        for n in values(crawl, f"{api}Nodes")
        if BODIES_NODE in {name.lower() for name in names(n)}
    ]
    for root in roots:
        for body in values(crawl, f"{api}Nodes({root['NodeId']})/SubNodes()"):
            if crawl.source.bodies and finnish_name(body) not in crawl.source.bodies:
                continue
            try:
                crawl_body(crawl, api, int(root["NodeId"]), body)
            except FetchError as error:
                crawl.failed(error)

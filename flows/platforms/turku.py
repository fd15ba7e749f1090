"""Turku (`https://paatokset.turku.fi`): a web app over a JSON API (DOMAIN.md 1.0):
`GET /api/toimielimet` (bodies grouped, each with its abbreviation `lyhenne`; the
group of discontinued bodies is skipped) → `GET /api/toimielin/<lyhenne>` (meetings:
`tktviiteId`, `kokPvm`) → `GET /api/poytakirja/<tktviiteId>` (the minutes: `pykalat`,
each with `tktNimi` and its text as `html`), which is the document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

from flows.crawl import Crawl
from flows.http import FetchError

DISCONTINUED = re.compile(r"lakkautet", re.I)
NAME_KEYS = ("nimi", "name", "toimielin", "toimielinNimi")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})|^(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass(frozen=True)
class TurkuBody:
    """A body of the API: abbreviation and name."""

    abbrev: str
    name: str


def api_base(base_url: str) -> str:
    """`https://paatokset.turku.fi[/…]` → `https://paatokset.turku.fi/api/`."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}/api/"


def get_json(crawl: Crawl, url: str) -> Any:
    """A JSON answer; FetchError (malformed_page) when it is not JSON."""
    page = crawl.page(url)
    try:
        return json.loads(page.data.decode("utf-8-sig"))
    except ValueError as error:
        raise FetchError(url, "malformed_page", f"not JSON: {error}") from error


def name_of(entry: dict[str, Any]) -> str:
    """A body's name from the first name-like key (the abbreviation otherwise)."""
    for key in NAME_KEYS:
        if isinstance(entry.get(key), str) and entry[key].strip():
            return str(entry[key]).strip()
    return str(entry["lyhenne"]).strip()


def parse_bodies(payload: Any) -> list[TurkuBody]:
    """Every body with an abbreviation, outside the discontinued group."""
    found: dict[str, TurkuBody] = {}
    groups = payload.items() if isinstance(payload, dict) else [("", payload)]
    for group, entries in groups:
        if DISCONTINUED.search(str(group)):
            continue
        for entry in entries if isinstance(entries, list) else [entries]:
            abbrev = entry.get("lyhenne") if isinstance(entry, dict) else None
            if isinstance(abbrev, str) and abbrev.strip():
                found.setdefault(
                    abbrev.strip(), TurkuBody(abbrev.strip(), name_of(entry))
                )
    return list(found.values())


def iso(value: object) -> str | None:
    """`2017-05-02T…` or `2.5.2017` as ISO."""
    found = DATE.match(str(value or "").strip())
    if not found:
        return None
    if found.group(1):
        year, month, day = (int(g) for g in found.group(1, 2, 3))
    else:
        day, month, year = (int(g) for g in found.group(4, 5, 6))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def meeting_list(payload: Any) -> list[dict[str, Any]]:
    """The meetings of a body answer: a list, or the first list inside an object."""
    if isinstance(payload, dict):
        payload = next((v for v in payload.values() if isinstance(v, list)), [])
    return [m for m in payload or [] if isinstance(m, dict) and m.get("tktviiteId")]


def wanted(crawl: Crawl, body: TurkuBody) -> bool:
    """The body passes the `bodies` filter (by name or abbreviation)."""
    chosen = crawl.source.bodies
    return not chosen or body.name in chosen or body.abbrev in chosen


def crawl_body(crawl: Crawl, api: str, body: TurkuBody) -> None:
    """The minutes of one body's meetings inside the window."""
    meetings = meeting_list(get_json(crawl, f"{api}toimielin/{quote(body.abbrev)}"))
    for meeting in meetings:
        when = iso(meeting.get("kokPvm"))
        if not crawl.in_window(when):
            continue
        meta = {"platform": "turku", "body": body.name, "doc_kind": "minutes"}
        if when:
            meta["meeting_date"] = when
        crawl.document(f"{api}poytakirja/{meeting['tktviiteId']}", meta)


def crawl(crawl: Crawl) -> None:
    """Bodies (filtered) → their meetings → each meeting's minutes document."""
    api = api_base(crawl.source.base_url)
    for body in parse_bodies(get_json(crawl, f"{api}toimielimet")):
        if not wanted(crawl, body):
            continue
        try:
            crawl_body(crawl, api, body)
        except FetchError as error:
            crawl.failed(error)

"""Helsinki Ahjo through the Ahjo API proxy (needs an API key: MINUTES_AHJO_API_KEY).

`GET <api>/meetings?start=YYYY-MM-DD&end=YYYY-MM-DD&agendaminutespublished=true` in
date windows, then `GET <api>/decisions/single/<NativeId>` per decision. The shapes are
as reported in DOMAIN.md 1.4 and not verified here: a meeting list
`{"meetings": [{"MeetingID", "DateMeeting", "DecisionMaker", "Decisions":
[{"NativeId", "Section", "Title"}]}]}`; see extractors/platforms/ahjo.py for a decision.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from flows.crawl import Crawl
from flows.http import FetchError

API_KEY_ENV = "MINUTES_AHJO_API_KEY"
WINDOW = timedelta(days=90)
FIRST_DAY = date(2017, 1, 1)  # Ahjo's open decisions start around then


def api_base(base_url: str) -> str:
    """The proxy's root: `https://paatokset.hel.fi/fi` → `…/ahjo-proxy/`."""
    if "/ahjo-proxy/" in base_url:
        return base_url[: base_url.index("/ahjo-proxy/") + len("/ahjo-proxy/")]
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}/ahjo-proxy/"


def windows(start: date, end: date) -> list[tuple[date, date]]:
    """[start, end] cut into WINDOW-long pieces."""
    found = []
    while start <= end:
        found.append((start, min(end, start + WINDOW - timedelta(days=1))))
        start += WINDOW
    return found


def meetings(crawl: Crawl, url: str) -> list[dict[str, Any]]:
    """The meetings of one window's answer."""
    return crawl.json_list(url, "meetings")


def crawl_meeting(crawl: Crawl, api: str, meeting: dict[str, Any]) -> None:
    """Every decision of one meeting, with the meeting's context."""
    body = str(meeting.get("DecisionMaker") or "")
    if crawl.source.bodies and body not in crawl.source.bodies:
        return
    for decision in meeting.get("Decisions") or []:
        meta = {
            "platform": "ahjo",
            "body": body,
            "doc_kind": "minutes",
            "meeting_date": str(meeting.get("DateMeeting") or "")[:10],
            "section": str(decision.get("Section") or ""),
            "title": str(decision.get("Title") or ""),
        }
        url = f"{api}decisions/single/{decision['NativeId']}"
        crawl.document(url, {k: v for k, v in meta.items() if v})


def crawl(crawl: Crawl) -> None:
    """Meetings with published minutes, window by window, then their decisions."""
    api = api_base(crawl.source.base_url)
    key = os.environ.get(API_KEY_ENV)
    if not key:
        raise FetchError(api, "missing_api_key", f"set {API_KEY_ENV}")
    crawl.client.set_header("api-key", key)
    for start, end in windows(crawl.since or FIRST_DAY, crawl.until or date.today()):
        url = f"{api}meetings?start={start}&end={end}&agendaminutespublished=true"
        try:
            for meeting in meetings(crawl, url):
                crawl_meeting(crawl, api, meeting)
        except FetchError as error:
            crawl.failed(error)

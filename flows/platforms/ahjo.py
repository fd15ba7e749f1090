"""Helsinki Ahjo through the Ahjo API proxy (needs an API key: MINUTES_AHJO_API_KEY).

`GET <api>/meetings?start=YYYY-MM-DD&end=YYYY-MM-DD&agendaminutespublished=true` in
date windows, then `GET <api>/decisions/single/<NativeId>` per agenda item. Today's
shapes (DOMAIN.md 1.0; City-of-Helsinki/helsinki-paatokset's migrations and
PolicymakerService): `{"meetings": [{"MeetingID", "DateMeeting", "DecisionMaker",
"Agenda": [{"AgendaItem", "AgendaPoint", "Section": "255 §", "PDF": {"NativeId",
"Language"}, "HTML"}]}]}` (one agenda entry per language), a decision wrapped as
`{"decisions": [{…}]}`. The older `Decisions` list is still read. Without the key
the source does not start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from flows.crawl import Crawl
from flows.http import FetchError
from flows.reach import SourceMisconfigured

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


@dataclass(frozen=True)
class AgendaRef:
    """One decision of a meeting: its document id, § and title."""

    native_id: str
    section: str
    title: str


def section_number(value: object) -> str:
    """The § digits of "255 §" / "§ 255" / 255 ("" when none)."""
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def agenda_refs(meeting: dict[str, Any], language: str) -> list[AgendaRef]:
    """The meeting's decisions: `Agenda[]` entries in the source's language (today),
    else the older `Decisions[]`."""
    refs = []
    for entry in meeting.get("Agenda") or []:
        pdf = entry.get("PDF") if isinstance(entry.get("PDF"), dict) else {}
        if pdf.get("NativeId") and pdf.get("Language", language) == language:
            refs.append(
                AgendaRef(
                    str(pdf["NativeId"]),
                    section_number(entry.get("Section")),
                    str(entry.get("AgendaItem") or ""),
                )
            )
    for decision in meeting.get("Decisions") or []:
        if decision.get("NativeId"):
            refs.append(
                AgendaRef(
                    str(decision["NativeId"]),
                    section_number(decision.get("Section")),
                    str(decision.get("Title") or ""),
                )
            )
    return refs


def crawl_meeting(crawl: Crawl, api: str, meeting: dict[str, Any]) -> None:
    """Every decision of one meeting, with the meeting's context."""
    body = str(meeting.get("DecisionMaker") or meeting.get("Name") or "")
    if crawl.source.bodies and body not in crawl.source.bodies:
        return
    for ref in agenda_refs(meeting, crawl.source.language or "fi"):
        meta = {
            "platform": "ahjo",
            "body": body,
            "doc_kind": "minutes",
            "meeting_date": str(meeting.get("DateMeeting") or "")[:10],
            "section": ref.section,
            "title": ref.title,
        }
        url = f"{api}decisions/single/{ref.native_id}"
        crawl.document(url, {k: v for k, v in meta.items() if v})


def crawl(crawl: Crawl) -> None:
    """Meetings with published minutes, window by window, then their decisions."""
    api = api_base(crawl.source.base_url)
    key = os.environ.get(API_KEY_ENV)
    if not key:
        raise SourceMisconfigured(
            api,
            f"Helsinki's Ahjo API needs a key: set {API_KEY_ENV} in the environment"
            f" (source '{crawl.source.name}' not started)",
        )
    crawl.client.set_credential("api-key", key, api)
    for start, end in windows(crawl.since or FIRST_DAY, crawl.until or date.today()):
        url = f"{api}meetings?start={start}&end={end}&agendaminutespublished=true"
        try:
            for meeting in meetings(crawl, url):
                crawl_meeting(crawl, api, meeting)
        except FetchError as error:
            crawl.failed(error)

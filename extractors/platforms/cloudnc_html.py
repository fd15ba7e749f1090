"""CloudNC (CaseM) item pages as the site serves them today (HTML, UTF-8, entities):
the item is the element `id="ContentStart"` — `<h1> § 4 <title> </h1>`, then the
diary number and labelled sections (Valmistelija, Perustelut, Esittelijä,
Päätösehdotus, Päätös, …) — while the breadcrumb outside it says "Kokous d.m.yyyy".
Body, date, § and kind come from the listing (`document.meta`) first.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from extractors.blocks import ItemBlock, Layout
from extractors.errors import ExtractionError
from extractors.fields import iso_date
from extractors.html import block_lines, decode_html, join_lines, parse
from models.records import Document
from models.vocab import HEADINGS, Section

MARKER = b'id="ContentStart"'
TITLE_RE = re.compile(r"^§\s*(?P<section>\d+)\s+(?P<title>.+)$")
MEETING_RE = re.compile(r"Kokous\s+(\d{1,2}\.\d{1,2}\.\d{4})")
DIARY_RE = re.compile(r"^[A-ZÅÄÖ]{0,8}[:/-]?\S*\d{1,6}[/.-]\S*\d{4}\S*$")


def matches(document: Document) -> bool:
    """A page with the CloudNC content element."""
    return MARKER in document.data or b"id='ContentStart'" in document.data


def content_of(root: HtmlElement) -> HtmlElement:
    """The item's element (ExtractionError when the page has none)."""
    found = root.xpath('//*[@id="ContentStart"]')
    if not found:
        raise ExtractionError("missing_header", "no ContentStart element")
    return found[0]


def heading(line: str) -> Section | None:
    """The section a heading line opens."""
    return HEADINGS.get(line.strip().rstrip(":").lower())


def sections_of(lines: list[str]) -> tuple[dict[Section, str], str | None]:
    """Lines grouped under their headings; the diary number before the first one."""
    grouped: dict[Section, list[str]] = {}
    current: Section | None = None
    diary = None
    for line in lines:
        opened = heading(line)
        if opened is not None:
            current = opened
        elif current is not None:
            grouped.setdefault(current, []).append(line)
        elif diary is None and DIARY_RE.match(line):
            diary = line
    texts = {k: join_lines(v) for k, v in grouped.items()}
    return {k: v for k, v in texts.items() if v}, diary


def page_date(text: str) -> str | None:
    """The meeting date of the breadcrumb ("Kokous 5.9.2016")."""
    found = MEETING_RE.search(text)
    return iso_date(found.group(1)) if found else None


def split_items(document: Document) -> Layout:
    """The one item of an item page."""
    root = parse(decode_html(document.data, default="utf-8"))
    lines = [line.text for line in block_lines(content_of(root)) if line.text]
    if not lines:
        raise ExtractionError("no_items", "empty ContentStart element")
    found = TITLE_RE.match(lines[0])
    meta = document.meta
    section = meta.get("section") or (found.group("section") if found else None)
    when = meta.get("meeting_date") or page_date(root.text_content())
    body = meta.get("body")
    if not when or not body:
        raise ExtractionError(
            "missing_header", "no body or meeting date in the listing"
        )
    sections, diary = sections_of(lines[1:])
    block = ItemBlock(
        header=f"{body} {when} § {section or ''}".strip(),
        body_printed=body,
        body_full=body,
        meeting_date=when,
        section=int(section) if section else None,
        title=meta.get("title") or (found.group("title") if found else lines[0]),
        diary_line=diary,
        doc_kind=meta.get("doc_kind"),
        sections=sections,
        text="\n".join(lines),
        language=document.language,
    )
    return Layout([block])

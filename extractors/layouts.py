"""Layouts as data: how to recognise a page and which of its parts to read.

A layout is not a program. `HtmlLayout` names the bytes that recognise a page, the
element that holds the item (`content`), elements read before it for the meeting's
context (`context`: a page label, a breadcrumb) and the encoding of pages that
declare none; everything else is the generic path (`extractors.generic`) over the
page's line stream (`extractors.html.html_lines`). A page no layout names goes
through the same path whole (`extractors.platforms.html_page`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from extractors.blocks import Layout
from extractors.generic import split_lines
from extractors.html import decode_html, html_lines, parse
from extractors.lines import Line
from models.records import Document

# Markers are looked for in this many first bytes of a page.
SCAN_BYTES = 20000


@dataclass(frozen=True)
class HtmlLayout:
    """An HTML layout as settings (cf. pdfplumber's TableSettings)."""

    name: str
    markers: tuple[bytes, ...]
    content: tuple[str, ...] = ()  # XPaths; the first found holds the item
    context: tuple[str, ...] = ()  # XPaths read before the content
    encoding: str = "utf-8"  # for pages that declare no charset
    all_markers: bool = False  # every marker must occur (else any one)

    def matches(self, document: Document) -> bool:
        """True when the page carries this layout's markers."""
        head = document.data[:SCAN_BYTES]
        found = [marker in head for marker in self.markers]
        return all(found) if self.all_markers else any(found)

    def lines(self, document: Document) -> list[Line]:
        """The page's line stream: its context parts, then its content part (the
        whole page when the layout names no content element or the page lacks it)."""
        root = parse(decode_html(document.data, default=self.encoding))
        content = first(root, self.content)
        if content is None:
            return html_lines(root)
        context = [
            line
            for path in self.context
            for el in root.xpath(path)
            for line in html_lines(el)
        ]
        return [*context, *html_lines(content)]

    def split_items(self, document: Document) -> Layout:
        """The items of a page in this layout, by the generic path."""
        return split_lines(self.lines(document), document)


def first(root: HtmlElement, paths: tuple[str, ...]) -> HtmlElement | None:
    """The first element any of the XPaths finds, or None."""
    for path in paths:
        found = root.xpath(path)
        if found:
            return found[0]
    return None


# Innofactor Dynasty item pages, classic (Word HTML, windows-1252) and Dynasty 10.
DYNASTY_ITEM_PAGE = HtmlLayout(
    name="dynasty-item-page",
    markers=(b"bodyKokousasia", b"data-part meetingitem"),
    encoding="cp1252",
)

# Turku's item pages (static, and the html of its API's minutes).
YTT_XSDOC_ITEM_PAGE = HtmlLayout(
    name="ytt-xsdoc-item-page",
    markers=(b'class="ytt"', b"XSDoc"),
    all_markers=True,
)

# CloudNC (CaseM) item pages: the item in #ContentStart, the breadcrumb
# "Toimielimet > <Body> > Kokous d.m.yyyy > <title>" outside it.
CLOUDNC_ITEM_PAGE = HtmlLayout(
    name="cloudnc-item-page",
    markers=(b'id="ContentStart"', b"id='ContentStart'"),
    content=('//*[@id="ContentStart"]',),
    context=('//*[@id="breadcrumb"]', '//*[contains(@class, "breadcrumb")]'),
)

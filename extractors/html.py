"""HTML helpers for the HTML layouts: declared charset, whitespace, block lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml.html import HtmlElement

from extractors.errors import ExtractionError
from extractors.fields import decode_text

CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w\-]+)""", re.I)
# Browsers read these labels as windows-1252 (WHATWG); 0x92/0x94 are ’ and ”.
CP1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}
BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr")
LEAD_TAGS = ("b", "strong", "span")
BREAK = "\ue000"  # stands for <br> in element text, so that source newlines are not
ENUMERATOR_RE = re.compile(r"^(?:\d{1,2}\.?|[-–•])$")


@dataclass(frozen=True)
class Line:
    """One block of a page as text (line breaks kept), with its leading run."""

    text: str
    lead: str | None = None
    rest: str = ""


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first <meta>, lower-cased."""
    match = CHARSET_RE.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def decode_html(data: bytes, default: str = "utf-8") -> str:
    """Page text in its declared charset (Latin-1 labels read as windows-1252)."""
    charset = declared_charset(data) or default
    if charset in CP1252_LABELS:
        charset = "cp1252"
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        try:
            return decode_text(data)
        except UnicodeDecodeError as error:
            raise ExtractionError("undecodable", str(error)) from error


def parse(text: str) -> HtmlElement:
    """The document tree, with every <br> turned into a line break."""
    root = lxml.html.document_fromstring(text)
    for br in root.iter("br"):
        br.tail = BREAK + (br.tail or "")
    return root


def clean(text: str) -> str:
    """Whitespace (no-break spaces included) collapsed to single spaces."""
    return " ".join(text.replace("\xa0", " ").replace(BREAK, " ").split())


def clean_lines(text: str) -> str:
    """Each line cleaned, empty lines dropped, line breaks kept."""
    return "\n".join(c for line in text.split("\n") if (c := clean(line)))


def element_text(element: HtmlElement) -> str:
    """The text of an element, line breaks from <br> kept."""
    parts = element.text_content().split(BREAK)
    return "\n".join(c for part in parts if (c := clean(part)))


def inside(element: HtmlElement, tag: str, root: HtmlElement) -> bool:
    """True when an ancestor of the element below `root` is a `tag`."""
    for ancestor in element.iterancestors():
        if ancestor is root:
            return False
        if ancestor.tag == tag:
            return True
    return False


def lead_run(element: HtmlElement) -> str | None:
    """Text of the inline element a paragraph opens with (its bold run), if any."""
    if clean(element.text or ""):
        return None
    children = [c for c in element if isinstance(c.tag, str)]
    if not children or children[0].tag not in LEAD_TAGS:
        return None
    return clean(children[0].text_content()) or None


def row_text(row: HtmlElement) -> str:
    """A table row as one line: its non-empty cells joined by spaces."""
    cells = [clean(c.text_content()) for c in row if c.tag in ("td", "th")]
    cells = [c for c in cells if c]
    if len(cells) > 1 and ENUMERATOR_RE.match(cells[0]):
        cells = cells[1:]
    return " ".join(cells)


def line_of(element: HtmlElement) -> Line:
    """A block element as a Line (table rows flattened)."""
    if element.tag == "tr":
        return Line(row_text(element))
    text = element_text(element)
    lead = lead_run(element)
    rest = clean_lines(text[len(lead) :]) if lead and text.startswith(lead) else ""
    return Line(text, lead, rest)


def block_lines(root: HtmlElement) -> list[Line]:
    """Paragraphs, headings, list items and table rows in document order."""
    lines = []
    for element in root.iter(*BLOCK_TAGS):
        if inside(element, "tr", root):
            continue
        lines.append(line_of(element))
    return lines


def join_lines(texts: list[str]) -> str | None:
    """Texts joined one per line, a blank line where the page has an empty block."""
    out: list[str] = []
    for text in texts:
        if text:
            out.append(text)
        elif out and out[-1]:
            out.append("")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) or None


def with_class(root: HtmlElement, tag: str, name: str) -> list[HtmlElement]:
    """Descendants `<tag class="… name …">` in document order (no cssselect)."""
    path = f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    return list(root.xpath(path))

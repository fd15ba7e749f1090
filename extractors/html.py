"""HTML helpers: declared charset, whitespace, block lines, and the generic path's
line stream (`html_lines`: leaf blocks in document order, bold lead runs, heading
levels, table rows with their cells)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
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


# An XML declaration (XHTML pages) names an encoding lxml refuses in decoded text.
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*>")
# Characters XML does not allow (C0 controls but tab and line breaks, U+FFFE/U+FFFF):
# the parser keeps them in text, but lxml refuses them when the text is set again.
NOT_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text without the characters XML does not allow (lxml refuses them)."""
    return NOT_XML_RE.sub("", text)


def parse(text: str) -> HtmlElement:
    """The document tree, with every <br> turned into a line break; a page with no
    element at all ("", a comment, a cut "<!") raises ExtractionError `no_text`.
    Characters XML does not allow are left out."""
    text = xml_safe(XML_DECLARATION_RE.sub("", text, count=1))
    try:
        root = lxml.html.document_fromstring(text)
    except lxml.etree.ParserError as error:  # "Document is empty"
        detail = f"the HTML page holds nothing: {error}"
        raise ExtractionError("no_text", detail) from error
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


# --- the line stream of the generic path ------------------------------------------

STREAM_BLOCKS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "tr",
        "td",
        "th",
        "div",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "caption",
        "section",
        "article",
        "header",
        "footer",
        "table",
        "tbody",
        "thead",
        "ul",
        "ol",
        "dl",
        "body",
        "main",
        "form",
        "fieldset",
        "center",
        "font",
        "nav",
        "aside",
        "figure",
    }
)
SKIPPED = frozenset(
    {
        "script",
        "style",
        "head",
        "noscript",
        "iframe",
        "select",
        "option",
        "button",
        "svg",
        "template",
    }
)
HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
HEADING_CLASS_RE = re.compile(r"\bh([1-6])\b")


def block_holders(root: HtmlElement) -> set[HtmlElement]:
    """The elements from `root` down that hold a block element (found in one pass:
    each block marks its ancestors up to `root`)."""
    holders: set[HtmlElement] = set()
    for element in root.iterdescendants():
        if not (isinstance(element.tag, str) and is_block(element.tag)):
            continue
        parent = element.getparent()
        while parent is not None and parent not in holders:
            holders.add(parent)
            if parent is root:
                break
            parent = parent.getparent()
    return holders


def is_block(tag: str) -> bool:
    """True for a tag that makes a block of the stream (<font> does not)."""
    return tag in STREAM_BLOCKS and tag != "font"


def level_of(element: HtmlElement) -> int:
    """A heading level from the tag (h1-h6) or a class like "h3"."""
    if element.tag in HEADING_LEVELS:
        return HEADING_LEVELS[element.tag]
    found = HEADING_CLASS_RE.search(element.get("class") or "")
    return int(found.group(1)) if found else 0


def stream_line(text: str, lead: str | None, level: int, gap: bool, cell=None):
    """One Line of the generic path's stream (imported lazily: no cycle)."""
    from extractors.lines import Line as StreamLine

    rest = clean_lines(text[len(lead) :]) if lead and text.startswith(lead) else ""
    return StreamLine(
        clean(text),
        lead=lead,
        rest=" ".join(rest.split()),
        level=level,
        gap_before=gap,
        cell=cell,
    )


def leaf_lines(element: HtmlElement, level: int, gap: bool) -> list:
    """A leaf block's lines: one per <br>-separated part, the lead on the first."""
    parts = [p for p in element_text(element).split("\n") if p.strip()]
    lead = lead_run(element)
    lines = []
    for index, part in enumerate(parts):
        first_lead = lead if index == 0 and lead and part.startswith(lead) else None
        lines.append(
            stream_line(
                part, first_lead, level or level_of(element), gap and index == 0
            )
        )
    return lines


def row_line(row: HtmlElement, gap: bool):
    """A table row of leaf cells as one line, cells joined by " | "."""
    cells = [clean(c.text_content()) for c in row if c.tag in ("td", "th")]
    cells = [c for c in cells if c]
    if len(cells) > 1 and ENUMERATOR_RE.match(cells[0]):
        cells = cells[1:]
    if not cells:
        return None
    return stream_line(" | ".join(cells), None, 0, gap, cell=len(cells))


# A row whose every cell holds at most this much text is data, not page layout.
DATA_CELL_MAX = 120


def is_data_row(row: HtmlElement) -> bool:
    """True for a table row of short cells (a handlings table), not a layout row
    that holds a page's content."""
    cells = [c for c in row if c.tag in ("td", "th")]
    if not cells:
        return False
    for cell in cells:
        if (
            next(cell.iter("table"), None) is not None
            and cell.find(".//table") is not None
        ):
            return False
        if len(clean(cell.text_content())) > DATA_CELL_MAX:
            return False
    return True


def html_lines(root: HtmlElement) -> list:
    """Every leaf block of a page as Lines in document order (layout tables are
    walked into; a data row becomes one line)."""
    lines: list = []
    gap = [False]
    holders = block_holders(root)

    def emit(found: list) -> None:
        if found:
            lines.extend(found)
            gap[0] = False
        else:
            gap[0] = True

    def walk(element: HtmlElement) -> None:
        if not isinstance(element.tag, str) or element.tag in SKIPPED:
            return
        if element.tag == "tr" and is_data_row(element):
            line = row_line(element, gap[0])
            emit([line] if line else [])
            return
        if element.tag in STREAM_BLOCKS and element not in holders:
            emit(leaf_lines(element, 0, gap[0]))
            return
        inline: list[str] = [element.text or ""]
        for child in element:
            if isinstance(child.tag, str) and (
                child.tag in STREAM_BLOCKS or child in holders
            ):
                flush(inline)
                walk(child)
                inline = [child.tail or ""]
            elif child.tag == "hr":
                flush(inline)
                gap[0] = True
                inline = [child.tail or ""]
            elif isinstance(child.tag, str) and child.tag not in SKIPPED:
                inline.append(inline_text(child))
                inline.append(child.tail or "")
            else:
                inline.append(child.tail or "")
        flush(inline)

    def flush(inline: list[str]) -> None:
        text = "".join(inline)
        for part in text.split(BREAK):
            if clean(part):
                emit([stream_line(part, None, 0, gap[0])])

    walk(root)
    return lines


def inline_text(element: HtmlElement) -> str:
    """An inline element's text, <br> kept as the break mark."""
    return element.text_content()

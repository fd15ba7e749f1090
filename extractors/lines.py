"""One line stream for every format: text with the hints the format has.

A normaliser turns a document (plain text, HTML, PDF) into `Line`s; the generic
segmenter and section grouper read only these. Hints a format lacks stay at their
defaults (plain text has no bold; HTML has no x position).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

MARKDOWN_HEADING_RE = re.compile(r"^(?P<marks>#{1,6})\s+(?P<text>.+)$")
BULLET_RE = re.compile(r"^(?:[•·▪◦●]|-(?=\s))\s*")
# A line this long holds a whole page (a PDF transcript's text, collapsed).
COLLAPSED_LINE = 400


@dataclass(frozen=True)
class Line:
    """One line of a document with its layout hints.

    `lead` is a label the line opens with when the format marks it (a bold run in
    HTML, a caption cell in a PDF); `rest` is the text after it. `gap_before` is a
    paragraph break (blank line, empty block, large vertical gap) before the line."""

    text: str
    lead: str | None = None
    rest: str = ""
    level: int = 0  # heading level 1-6; 0 for body text
    bold: bool = False
    size: float | None = None
    x: float | None = None
    page: int | None = None
    cell: int | None = None  # table cell index within a row
    gap_before: bool = False
    bullet: bool = False


def clean(text: str) -> str:
    """Whitespace (no-break spaces included) collapsed to single spaces."""
    return " ".join(text.replace("\xa0", " ").replace("\u200b", "").split())


def text_lines(text: str) -> list[Line]:
    """Plain text (or a stored web page's text) as lines: blank lines become
    `gap_before`, markdown `#` titles become headings, bullets are marked."""
    lines: list[Line] = []
    gap = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = clean(raw)
        if not stripped:
            gap = True
            continue
        lines.append(text_line(stripped, gap))
        gap = False
    return lines


def text_line(stripped: str, gap: bool) -> Line:
    """One non-empty line of plain text."""
    heading = MARKDOWN_HEADING_RE.match(stripped)
    if heading:
        level = len(heading.group("marks"))
        return Line(heading.group("text").strip(), level=level, gap_before=gap)
    bullet = BULLET_RE.match(stripped)
    if bullet and len(stripped) > bullet.end():
        return Line(stripped[bullet.end() :], gap_before=gap, bullet=True)
    return Line(stripped, gap_before=gap)


def joined(lines: list[Line]) -> str | None:
    """Lines as text: one per line, a blank line at each paragraph break."""
    parts: list[str] = []
    for line in lines:
        if line.gap_before and parts:
            parts.append("")
        parts.append(line.text)
    return "\n".join(parts).strip() or None


def with_text(line: Line, text: str) -> Line:
    """The same line (hints kept) holding another text."""
    return replace(line, text=text, lead=None, rest="")

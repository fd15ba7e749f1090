"""Innofactor Dynasty item pages (`<mid>-<n>.HTM`, `page=meetingitem`), one item each.

Classic (Espoo, windows-1252): `<label class="h3">Kaupunginhallitus<br>Pöytäkirja
08.05.2017 Pykälä 127</label>`, then Word-exported HTML: diary lines, `§ 127`, the bold
title, and headings as bold runs opening paragraphs (`<b>Päätösehdotus</b> Kaupungin-
johtaja Jukka Mäkelä`). Dynasty 10: `<div class='data-part meetingitem'>`, headings as
`<p><span>Valmistelija</span><span>…</span></p>`, a header line `Aluehallitus 04.12.2023
§ 198`, the text after "Kokousasian teksti". Everything after "Päätöshistoria" is an
earlier handling and stays out of the current proposal, decision and outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from extractors.blocks import ItemBlock, Layout
from extractors.errors import ExtractionError
from extractors.fields import (
    diary_number,
    doc_kind_named,
    iso_date,
    joined_diary,
    parse_header,
)
from extractors.html import (
    Line,
    block_lines,
    decode_html,
    element_text,
    join_lines,
    parse,
    with_class,
)
from extractors.names import EMAIL_RE
from models.records import Document
from models.vocab import HEADINGS, ITEM_TEXT_MARKERS, PRESENTER_TITLE_ENDINGS, Section

PAGE_MARKERS = (b"bodyKokousasia", b"data-part meetingitem")
LABEL_RE = re.compile(
    r"^(?:(?P<body>[^\n]+?)\s*\n\s*)?"
    r"(?P<kind>Pöytäkirja|Esityslista|Protokoll|Föredragningslista)\s+"
    r"(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\s*/?\s*"
    r"(?:(?:Pykälä|Paragraf|§)\s*(?P<section>\d+)|(?:Asianro|Ärende)\s*\d+)?",
    re.I,
)
NUMBER_LINE_RE = re.compile(r"^(?:§\s*(?P<a>\d+)|(?P<b>\d+)\s*§|(?P<c>\d+))$")
PRESENTER_WORDS = 6


@dataclass(frozen=True)
class PageHeader:
    """What the page label (or header line) says: body, date, §, document kind."""

    body: str
    meeting_date: str
    section: int | None
    doc_kind: str | None


def matches(document: Document) -> bool:
    """A Dynasty item page (not a meeting or listing page)."""
    head = document.data[:20000]
    return any(marker in head for marker in PAGE_MARKERS)


def label_header(text: str, body: str | None = None) -> PageHeader | None:
    """A header from a label "Kaupunginhallitus / Pöytäkirja 08.05.2017 Pykälä 127"."""
    match = LABEL_RE.search(text.strip())
    name = (match.group("body") if match else None) or body
    if not match or not name:
        return None
    section = match.group("section")
    return PageHeader(
        body=name.strip(),
        meeting_date=iso_date(match.group("date")),
        section=int(section) if section else None,
        doc_kind=doc_kind_named(match.group("kind")),
    )


def header_line(lines: list[Line]) -> PageHeader | None:
    """A header from a line like "Aluehallitus 04.12.2023 § 198" (Dynasty 10)."""
    for line in lines:
        found = parse_header(line.text)
        if found:
            kinds = (doc_kind_named(x.text) for x in lines if LABEL_RE.search(x.text))
            kind = next((k for k in kinds if k), None)
            return PageHeader(
                found.body_printed, found.meeting_date, found.section, kind
            )
    return None


def page_header(root: HtmlElement, lines: list[Line]) -> PageHeader:
    """The page's header; raises ExtractionError when there is none."""
    labels = with_class(root, "label", "h3") + with_class(root, "*", "data-part-header")
    for label in [*labels, *root.iter("h1", "h2")]:
        found = label_header(element_text(label))
        if found:
            return found
    found = header_line(lines)
    if found is None:
        raise ExtractionError("missing_header", "no Dynasty item label found")
    return found


def content_root(root: HtmlElement) -> HtmlElement:
    """The element holding the item's own text."""
    for name in ("WordSection1", "data-part-block-htm", "meetingitem"):
        found = with_class(root, "div", name)
        if found:
            return found[0]
    return root


def item_text_lines(lines: list[Line]) -> list[Line]:
    """Lines after the "Kokousasian teksti" marker, when the page has one."""
    for index, line in enumerate(lines):
        if line.text.strip().lower() in ITEM_TEXT_MARKERS:
            return lines[index + 1 :]
    return lines


def heading_of(line: Line) -> Section | None:
    """The section a line opens: its bold lead run, or the whole line, is a heading."""
    for text in (line.lead, line.text):
        key = (text or "").strip().rstrip(":").strip().lower()
        if key in HEADINGS:
            return HEADINGS[key]
    return None


def inline_value(line: Line) -> str:
    """The text beside a heading on the same line ("Päätösehdotus  <value>")."""
    if line.lead and heading_of(Line(line.lead)) is not None:
        return line.rest
    return ""


def is_number_line(text: str) -> int | None:
    """The number on an item-number line ("§ 127", "127 §", a bare "4")."""
    match = NUMBER_LINE_RE.match(text.strip())
    if not match:
        return None
    return int(match.group("a") or match.group("b") or match.group("c"))


def header_end(lines: list[Line]) -> int:
    """Index of the item-number (or header) line that precedes the title."""
    for index, line in enumerate(lines):
        if heading_of(line) is not None:
            break
        if is_number_line(line.text) is not None or parse_header(line.text):
            return index
    return -1


def diary_of(lines: list[Line]) -> str | None:
    """The diary number above the title (one line, or Espoo's two-line form)."""
    texts = [line.text for line in lines if line.text]
    for head, tail in zip(texts, [*texts[1:], ""], strict=False):
        joined = joined_diary(head, tail)
        if joined or diary_number(head):
            return joined or head
    return None


def title_and_body(lines: list[Line]) -> tuple[str | None, list[Line], list[Line]]:
    """(title, lines above the title, lines after it)."""
    end = header_end(lines)
    for index in range(end + 1, len(lines)):
        text = lines[index].text
        if text and heading_of(lines[index]) is None:
            return text, lines[:index], lines[index + 1 :]
        if heading_of(lines[index]) is not None:
            break
    return None, lines[: end + 1], lines[end + 1 :]


def looks_like_presenter(text: str) -> bool:
    """True for a short "Kaupunginjohtaja Jukka Mäkelä" beside Päätösehdotus."""
    words = text.split()
    return 0 < len(words) <= PRESENTER_WORDS and not text.rstrip().endswith(".")


def is_label(text: str) -> bool:
    """True for a short label beside a heading ("Kaupunginhallitus:")."""
    return text.endswith(":") and len(text.split()) <= 3


def title_heading(line: Line) -> bool:
    """True for a Dynasty 10 proposal labelled by the presenter's title."""
    lead = (line.lead or "").strip().rstrip(":")
    return (
        bool(line.rest)
        and " " not in lead
        and lead.lower().endswith(PRESENTER_TITLE_ENDINGS)
        and heading_of(line) is None
    )


class Grouper:
    """Collects the lines of an item under the heading above them."""

    def __init__(self) -> None:
        self.grouped: dict[Section, list[str]] = {}
        self.current = Section.EXPLANATION
        self.inline_preparers = False

    def add(self, section: Section, text: str) -> None:
        """Append a line to a section."""
        self.grouped.setdefault(section, []).append(text)

    def open(self, section: Section, value: str) -> None:
        """A heading line: switch section and place its inline value."""
        self.current = section
        if section is Section.PROPOSAL and looks_like_presenter(value):
            self.add(Section.PRESENTER, value)
        elif section is Section.PREPARERS and value:
            self.inline_preparers = True
            self.add(section, value)
        elif value and not is_label(value):
            self.add(section, value)

    def feed(self, line: Line) -> None:
        """One line of the item text."""
        section = heading_of(line)
        if self.current is Section.HISTORY or section is Section.HISTORY:
            self.current = Section.HISTORY
            self.add(Section.HISTORY, line.text)
        elif section is not None:
            self.open(section, inline_value(line))
        elif title_heading(line):
            self.add(Section.PRESENTER, (line.lead or "").rstrip(":"))
            self.current = Section.PROPOSAL
            self.add(Section.PROPOSAL, line.rest)
        elif self.current is Section.PREPARERS and self.inline_preparers:
            self.current = Section.EXPLANATION
            self.add(Section.EXPLANATION, line.text)
        else:
            self.add(self.current, line.text)


def preparer_lines(texts: list[str]) -> tuple[list[str], list[str]]:
    """(people lines, rest): the first paragraph under the heading is the people;
    lines that are only an e-mail address (Espoo's placeholder) are left out."""
    people: list[str] = []
    for index, text in enumerate(texts):
        if not text and people:
            return people, texts[index:]
        for part in text.split("\n"):
            if part and not EMAIL_RE.fullmatch(part.strip()):
                people.append(part)
    return people, []


def section_texts(lines: list[Line]) -> dict[Section, str]:
    """The item's sections as texts."""
    grouper = Grouper()
    for line in lines:
        grouper.feed(line)
    grouped = grouper.grouped
    people, rest = preparer_lines(grouped.pop(Section.PREPARERS, []))
    explanation = grouped.get(Section.EXPLANATION, []) + rest
    grouped[Section.EXPLANATION] = explanation
    texts = {section: join_lines(values) for section, values in grouped.items()}
    if people:
        texts[Section.PREPARERS] = "\n".join(people)
    return {section: text for section, text in texts.items() if text}


def split_items(document: Document) -> Layout:
    """The one item of a Dynasty item page."""
    root = parse(decode_html(document.data, default="cp1252"))
    lines = item_text_lines(block_lines(content_root(root)))
    header = page_header(root, lines)
    title, above, body = title_and_body(lines)
    sections = section_texts(body)
    block = ItemBlock(
        header=f"{header.body} {header.meeting_date} § {header.section}",
        body_printed=header.body,
        meeting_date=header.meeting_date,
        section=header.section,
        title=title,
        diary_line=diary_of(above),
        doc_kind=header.doc_kind,
        sections=sections,
        text="\n".join(line.text for line in lines),
    )
    return Layout([block])

"""Turku static item pages (`ah.turku.fi/<body>/<yyyy>/<meeting>/<docid>.htm`, UTF-8).

`table.ytt` lists every handling (body | § | date), the last row being this meeting;
then the diary number, `p.ots` title, `p.ing` summary, and one `<p>Ksylk § 84</p>`
marker per handling followed by `div.XSDoc` blocks. The current block follows the last
marker with this meeting's §; earlier handlings come before it and are left out.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from extractors.blocks import ItemBlock, Layout
from extractors.errors import ExtractionError
from extractors.fields import diary_number, iso_date
from extractors.html import (
    block_lines,
    clean,
    decode_html,
    element_text,
    join_lines,
    parse,
    with_class,
)
from models.records import Document
from models.vocab import HEADINGS, Section

MARKER_RE = re.compile(r"^(?P<abbrev>[A-ZÅÄÖ][\w.\-]*) § (?P<section>\d+)$")
PEOPLE_LINE_RE = re.compile(r"^[A-ZÅÄÖ][^.!?]{2,120}:$")
DATED_LINE_RE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}:$")


def matches(document: Document) -> bool:
    """A Turku item page: the handlings table and XSDoc blocks."""
    head = document.data
    return b'class="ytt"' in head and b"XSDoc" in head


def table_rows(root: HtmlElement) -> list[HtmlElement]:
    """The rows of the handlings table (header row first)."""
    tables = with_class(root, "table", "ytt")
    return tables[0].xpath(".//tr") if tables else []


def earlier_rows(root: HtmlElement) -> str | None:
    """The handlings before this meeting's (every row but the header and the last),
    one "Body 21.03.2017 § 84" line each, for Section.HISTORY."""
    lines = []
    for row in table_rows(root)[1:-1]:
        cells = [clean(cell.text_content()) for cell in row.xpath("./td")]
        if len(cells) >= 3 and cells[1].isdigit():
            lines.append(f"{cells[0]} {cells[2]} § {cells[1]}")
    return "\n".join(lines) or None


def current_row(root: HtmlElement) -> tuple[str, int, str]:
    """(body, §, ISO date) from the last row of the handlings table."""
    rows = table_rows(root)
    if len(rows) < 2:
        raise ExtractionError("missing_header", "no handlings table (table.ytt)")
    cells = [clean(cell.text_content()) for cell in rows[-1].xpath("./td")]
    try:
        return cells[0], int(cells[1]), iso_date(cells[2])
    except (IndexError, ValueError) as error:
        raise ExtractionError("missing_header", f"bad handlings row {cells}") from error


def top_level(root: HtmlElement) -> list[HtmlElement]:
    """The children of <body>: markers, XSDoc blocks and the rest."""
    body = root.find("body")
    return [child for child in (body if body is not None else root)]


def current_block(children: list[HtmlElement], section: int) -> tuple[str, list]:
    """(abbreviation, elements) after the last `<Abbr> § N` marker for this §."""
    start, abbrev = None, ""
    for index, child in enumerate(children):
        match = (
            MARKER_RE.match(clean(child.text_content())) if child.tag == "p" else None
        )
        if match and int(match.group("section")) == section:
            start, abbrev = index, match.group("abbrev")
    if start is None:
        return "", []
    end = next(
        (i for i in range(start + 1, len(children)) if children[i].tag == "hr"),
        len(children),
    )
    return abbrev, children[start + 1 : end]


def first_text(root: HtmlElement, name: str) -> str | None:
    """Text of the first `<p class=name>`."""
    found = with_class(root, "p", name)
    return element_text(found[0]) if found else None


def summary_of(root: HtmlElement) -> str | None:
    """The `p.ing` summary ("Tiivistelmä:" heading left out)."""
    texts = [element_text(p) for p in with_class(root, "p", "ing")]
    kept = [t for t in texts if t.rstrip(":").strip().lower() not in HEADINGS]
    return "\n".join(kept) or None


def diary_line(children: list[HtmlElement]) -> str | None:
    """The first top-level paragraph that holds a diary number."""
    for child in children:
        text = clean(child.text_content()) if child.tag == "p" else ""
        if diary_number(text):
            return text
    return None


def paragraphs(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The paragraphs of the block's XSDoc divs, in order."""
    found: list[HtmlElement] = []
    for element in elements:
        found.extend([element] if element.tag == "p" else element.iter("p", "li"))
    return found


def heading_span(paragraph: HtmlElement) -> tuple[Section | None, str]:
    """(section, rest) for `<span class="ehdotuspaatos">Päätös</span>…`."""
    spans = with_class(paragraph, "span", "ehdotuspaatos")
    if not spans:
        return None, element_text(paragraph)
    label = clean(spans[0].text_content())
    rest = element_text(paragraph)[len(label) :].strip()
    return HEADINGS.get(label.lower()), rest


def labelled(paragraph: HtmlElement) -> tuple[str, str] | None:
    """("Liite 1", title) for an attachment or background line (`p.liiteoheis`)."""
    if "liiteoheis" not in (paragraph.get("class") or ""):
        return None
    spans = with_class(paragraph, "span", "liiteoheis")
    label = clean(spans[0].text_content()) if spans else ""
    return label, element_text(paragraph)[len(label) :].strip()


def people_section(text: str, section: Section) -> Section | None:
    """Presenter or preparer for a "Title Name:" line before the proposal."""
    if section is not Section.EXPLANATION or not PEOPLE_LINE_RE.match(text):
        return None
    return Section.PREPARERS if DATED_LINE_RE.search(text) else Section.PRESENTER


def strip_date(text: str) -> str:
    """A preparer line without its trailing date and colon."""
    return re.sub(r"\s*\d{1,2}\.\d{1,2}\.\d{4}\s*:$", "", text).rstrip(":").strip()


def add(grouped: dict[Section, list[str]], section: Section, text: str) -> None:
    """Append a line to a section."""
    grouped.setdefault(section, []).append(text)


def place(grouped: dict[Section, list[str]], paragraph: HtmlElement, current: Section):
    """Put one paragraph where it belongs; returns the section now open."""
    found = labelled(paragraph)
    if found:
        label, title = found
        is_attachment = label.lower().startswith(("liite", "bilaga"))
        add(
            grouped, Section.ATTACHMENTS if is_attachment else Section.BACKGROUND, title
        )
        return current
    section, rest = heading_span(paragraph)
    if section is not None:
        if rest:
            add(grouped, section, rest)
        return section
    people = people_section(rest, current)
    if people is not None:
        add(grouped, people, strip_date(rest) if people is Section.PREPARERS else rest)
        return current
    add(grouped, current, rest)
    return current


def sections_of(elements: list[HtmlElement]) -> dict[Section, str]:
    """The current block's sections as texts."""
    grouped: dict[Section, list[str]] = {}
    current = Section.EXPLANATION
    for paragraph in paragraphs(elements):
        current = place(grouped, paragraph, current)
    texts = {s: join_lines(v) for s, v in grouped.items()}
    for section in (Section.ATTACHMENTS, Section.BACKGROUND, Section.PREPARERS):
        if section in grouped:
            texts[section] = "\n".join(grouped[section])
    return {s: t for s, t in texts.items() if t}


def split_items(document: Document) -> Layout:
    """The one item of a Turku item page (its current handling)."""
    root = parse(decode_html(document.data, default="utf-8"))
    body, section, meeting_date = current_row(root)
    children = top_level(root)
    abbrev, elements = current_block(children, section)
    sections = sections_of(elements)
    summary = summary_of(root)
    if summary and Section.EXPLANATION not in sections:
        sections[Section.EXPLANATION] = summary
    history = earlier_rows(root)
    if history:
        sections[Section.HISTORY] = history
    block = ItemBlock(
        header=f"{abbrev or body} § {section}",
        body_printed=abbrev or body,
        meeting_date=meeting_date,
        section=section,
        title=first_text(root, "ots"),
        diary_line=diary_line(children),
        sections=sections,
        text="\n".join(line.text for line in block_lines(root)),
        body_full=body,
    )
    return Layout([block])

"""CaseM / CloudNC OData `Contents(<id>)/ExtendedProperties` JSON: one item each.

`{"value": [{"Name": "Decisionproposal", "Text": "<p>…</p>", …}, …]}`, HTML entities in
`Text`. The meeting date, body and printed § are not in the JSON: the crawler passes
them in `document.meta` from the node listing (`body`, `meeting_date`, `section`,
`title`, `doc_kind`); without them `Article` stands in for the § and the body is the
proposal's subject ("Yhdyskuntalautakunta päättää"); a meeting date nobody gives
stays null, reported as a warning (partial beats nothing).
"""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html

from extractors import fields, jsontext
from extractors.blocks import ItemBlock, Layout
from extractors.errors import ExtractionError
from extractors.fields import body_from_proposal
from extractors.generic import missing
from extractors.html import block_lines, element_text, join_lines, xml_safe
from extractors.names import parse_person, parse_presenter, person_from_parts
from models.records import Document, Person, Presenter
from models.vocab import Section

ROW_SEPARATOR = ";#!#"
FIELD_SEPARATOR = ";#"
LEAD_RE = re.compile(r"^[^!?\n]{2,150}:$")
LEAD_WORDS = 12
PROPERTY_SECTIONS: dict[str, Section] = {
    "Description": Section.EXPLANATION,
    "Decision": Section.DECISION,
    "Inform": Section.DISTRIBUTION,
    "Correctioninstructions": Section.APPEAL,
}


def matches(document: Document) -> bool:
    """An OData ExtendedProperties envelope."""
    head = document.data[:1000]
    return head.lstrip().startswith(b"{") and b"#ExtendedProperties" in head


def properties(data: bytes) -> dict[str, list[str]]:
    """Property name → its texts, in order (Attachments repeat)."""
    try:
        envelope: dict[str, Any] = jsontext.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExtractionError("undecodable", str(error)) from error
    found: dict[str, list[str]] = {}
    listed = envelope.get("value") if isinstance(envelope, dict) else None
    for prop in listed if isinstance(listed, list) else []:
        if not isinstance(prop, dict):
            continue  # a null or a bare value in the list: nothing to read
        text = prop.get("Text")
        found.setdefault(str(prop.get("Name")), []).append(
            text if isinstance(text, str) else ""
        )
    return found


def html_lines(fragment: str) -> list[str]:
    """An HTML (or entity-escaped plain) text as lines, one per paragraph."""
    if not fragment.strip():
        return []
    root = lxml.html.fragment_fromstring(xml_safe(fragment), create_parent="div")
    lines = [line.text for line in block_lines(root)]
    return lines if any(lines) else [element_text(root)]


def first(props: dict[str, list[str]], name: str) -> str:
    """The first text of a property, "" when absent."""
    return (props.get(name) or [""])[0]


def rows(text: str) -> list[list[str]]:
    """`Name;#Title;#;#email;#` rows joined by `;#!#`, split into fields."""
    return [row.split(FIELD_SEPARATOR) for row in text.split(ROW_SEPARATOR) if row]


def row_person(row: list[str]) -> Person:
    """A Person from one Presenters/Draftsmans row."""
    padded = [*row, "", "", "", ""]
    return person_from_parts(padded[0], padded[1], email=padded[3] or None)


def is_lead(text: str) -> bool:
    """True for a "Title Name:" line (not "Lautakunta päättää:")."""
    short = len(text.split()) <= LEAD_WORDS
    return short and bool(LEAD_RE.match(text)) and "päättää" not in text


def split_lead(lines: list[str]) -> tuple[str | None, list[str]]:
    """(presenter lead "Suunnittelupäällikkö Vandell:", proposal lines)."""
    texts = [line for line in lines if line]
    if texts and is_lead(texts[0]):
        return texts[0], lines[lines.index(texts[0]) + 1 :]
    return None, lines


def presenter_of(lead: str | None, people: list[Person]) -> Presenter | None:
    """The presenter named before the proposal, completed from Presenters rows."""
    if lead is None:
        person = people[0] if people else None
        return Presenter(person.name, person.title) if person else None
    words = lead.rstrip(":").split()
    for person in people:
        if person.name and len(words) > 1 and person.name.split()[-1] == words[-1]:
            return Presenter(person.name, " ".join(words[:-1]).lower())
    return parse_presenter(lead)


def merged(people: list[Person], extra: list[Person]) -> tuple[Person, ...]:
    """Draftsmans first, then DraftingNotes people; a phone joins the same name."""
    by_name = {p.name: p for p in extra if p.name}
    result = [
        Person(p.name, p.title, p.phone or by_name[p.name].phone, p.email)
        if p.name in by_name
        else p
        for p in people
    ]
    named = {p.name for p in result}
    return tuple(result + [p for p in extra if p.name and p.name not in named])


def preparers_of(props: dict[str, list[str]]) -> tuple[Person, ...]:
    """Preparers from Draftsmans rows and the DraftingNotes contact lines."""
    drafted = [row_person(r) for r in rows(first(props, "Draftsmans"))]
    notes = [parse_person(line) for line in html_lines(first(props, "DraftingNotes"))]
    return merged(drafted, [p for p in notes if p.name])


def attachment_titles(props: dict[str, list[str]]) -> str:
    """Attachment link texts, one per line."""
    return "\n".join(t for f in props.get("Attachments", []) for t in html_lines(f))


def text_sections(props: dict[str, list[str]]) -> dict[Section, str]:
    """Sections that are one property's text each."""
    found = {
        section: join_lines(html_lines(first(props, name)))
        for name, section in PROPERTY_SECTIONS.items()
    }
    found[Section.ATTACHMENTS] = attachment_titles(props)
    return {section: text for section, text in found.items() if text}


def section_number(meta: dict[str, str], props: dict[str, list[str]]) -> int | None:
    """The § from the listing, else `Article` (which may differ from the printed §),
    when written in digits."""
    value = meta.get("section") or first(props, "Article")
    return fields.digits_value(str(value))


def body_of(meta: dict[str, str], proposal: str | None) -> str:
    """The body from the listing, else the proposal's subject ("" when neither
    says: the item is kept and the missing body reported)."""
    return meta.get("body") or body_from_proposal(proposal) or ""


def block_of(document: Document, props: dict[str, list[str]]) -> ItemBlock:
    """The item block of one ExtendedProperties document."""
    meta = document.meta
    meeting_date = meta.get("meeting_date") or None
    lead, lines = split_lead(html_lines(first(props, "Decisionproposal")))
    proposal = join_lines(lines)
    sections = text_sections(props)
    if proposal:
        sections[Section.PROPOSAL] = proposal
    presenters = [row_person(r) for r in rows(first(props, "Presenters"))]
    body = body_of(meta, proposal)
    section = section_number(meta, props)
    return ItemBlock(
        header=f"{body} {meeting_date} § {section}",
        body_printed=body,
        meeting_date=meeting_date,
        section=section,
        title=meta.get("title") or first(props, "Name") or None,
        diary_line=first(props, "CaseNativeId") or None,
        doc_kind=meta.get("doc_kind") or None,
        sections=sections,
        text="\n\n".join(sections.values()),
        preparer_people=preparers_of(props),
        presenter_person=presenter_of(lead, presenters),
    )


def split_items(document: Document) -> Layout:
    """The one agenda item of a CaseM ExtendedProperties document."""
    props = properties(document.data)
    if not (first(props, "Name") or first(props, "Decisionproposal")):
        raise ExtractionError("no_items", "no agenda item (e.g. attendance only)")
    block = block_of(document, props)
    return Layout([block], missing(block))

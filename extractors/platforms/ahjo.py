"""Helsinki Ahjo decisions as the Ahjo API proxy returns them (JSON, one decision).

The shape is taken from City-of-Helsinki/helsinki-paatokset as reported in DOMAIN.md 1.4
(unverified here): `NativeId`, `CaseID`, `Section`, `Title`, `Content` (HTML with the
decision, the presenter and more), `Motion` (HTML: the proposal), `VotingResults`
[{Ayes, Noes, Blank, Absent}]. Meeting date and body come from the meeting listing
(`document.meta`), or from `DateDecision` / `DecisionMaker` when present.
"""

from __future__ import annotations

from typing import Any

from extractors import fields, html, jsontext
from extractors.blocks import ItemBlock, Layout
from extractors.errors import ExtractionError
from models.records import Document, Vote
from models.vocab import HEADINGS, Section


def load(data: bytes) -> dict[str, Any] | None:
    """The decision object, or None when the bytes are not one; today's proxy wraps
    it as `{"decisions": [{…}]}`."""
    try:
        value = jsontext.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(value, dict) and isinstance(value.get("decisions"), list):
        value = value["decisions"][0] if value["decisions"] else None
    return value if isinstance(value, dict) else None


def matches(document: Document) -> bool:
    """An Ahjo decision: a JSON object with NativeId and Content or Motion."""
    if not document.data.lstrip().startswith(b"{"):
        return False
    value = load(document.data)
    return bool(
        value and "NativeId" in value and ("Content" in value or "Motion" in value)
    )


def fragment_lines(fragment: str | None) -> list[str]:
    """The text lines of an HTML fragment."""
    if not fragment:
        return []
    root = html.parse(f"<div>{fragment}</div>")
    return [line for block in html.block_lines(root) if (line := block.text)]


def sectioned(lines: list[str]) -> dict[Section, list[str]]:
    """Lines grouped under the heading lines above them (decision until a heading)."""
    grouped: dict[Section, list[str]] = {}
    current = Section.DECISION
    for line in lines:
        heading = HEADINGS.get(line.strip().rstrip(":").lower())
        if heading is not None:
            current = heading
            continue
        grouped.setdefault(current, []).append(line)
    return grouped


def text_of(value: dict[str, Any], key: str) -> str:
    """A text field as text ("" when absent or of another type: a number is
    written out, a list or an object is not text)."""
    found = value.get(key)
    if isinstance(found, bool):
        return ""
    if isinstance(found, (str, int)):
        return str(found)
    return ""


# A count the warehouse can hold (INTEGER); a larger one is no count.
MAX_COUNT = 2**31 - 1


def tally(result: dict[str, Any], key: str) -> int | None:
    """A vote count: a number (older shape) or `{NumberOfVotes, Voters}` (today);
    None for anything else (true/false, a negative or too large number, text)."""
    value = result.get(key)
    if isinstance(value, dict):
        value = value.get("NumberOfVotes")
    if type(value) is not int or not 0 <= value <= MAX_COUNT:
        return None
    return value


def voters(result: dict[str, Any], key: str) -> tuple[str, ...]:
    """The voters' names as the API gives them ("Surname, Firstname")."""
    value = result.get(key)
    people = value.get("Voters") if isinstance(value, dict) else None
    if not isinstance(people, list):
        return ()
    return tuple(
        p["Name"]
        for p in people
        if isinstance(p, dict) and isinstance(p.get("Name"), str)
    )


def votes(value: dict[str, Any]) -> tuple[Vote, ...] | None:
    """VotingResults as votes (None when there was no vote)."""
    results = value.get("VotingResults")
    results = results if isinstance(results, list) else []
    found = tuple(
        Vote(
            tally(r, "Ayes"),
            tally(r, "Noes"),
            tally(r, "Blank"),
            tally(r, "Absent"),
            text_of(r, "Title") or None,
            for_names=voters(r, "Ayes"),
            against_names=voters(r, "Noes"),
            blank_names=voters(r, "Blank"),
            absent_names=voters(r, "Absent"),
        )
        for r in results
        if isinstance(r, dict)
    )
    return found or None


def meeting_date(value: dict[str, Any], meta: dict[str, str]) -> str:
    """ISO date of the meeting: listing first, then DateDecision."""
    found = value.get("Meeting")
    meeting: dict[str, Any] = found if isinstance(found, dict) else {}
    when = (
        meta.get("meeting_date")
        or text_of(meeting, "DateMeeting")[:10]
        or text_of(value, "DateDecision")[:10]
    )
    if not when:
        raise ExtractionError(
            "missing_header", "no meeting date in the decision or listing"
        )
    return when


def section_of(value: dict[str, Any], meta: dict[str, str]) -> int | None:
    """The § as an int ("10", "10 §")."""
    raw = meta.get("section") or text_of(value, "Section")
    return fields.digits_value("".join(ch for ch in raw if ch in "0123456789"))


def decision_maker(value: dict[str, Any]) -> str:
    """The deciding body: DecisionMaker, else Organization.Name (today's shape)."""
    organization = value.get("Organization")
    name = organization.get("Name") if isinstance(organization, dict) else None
    return text_of(value, "DecisionMaker") or (name if isinstance(name, str) else "")


def block_of(document: Document, value: dict[str, Any]) -> ItemBlock:
    """One item block from a decision object."""
    grouped = sectioned(fragment_lines(text_of(value, "Content")))
    sections = {k: "\n".join(v) for k, v in grouped.items()}
    motion = "\n".join(fragment_lines(text_of(value, "Motion")))
    if motion:
        sections[Section.PROPOSAL] = motion
    body = document.meta.get("body") or decision_maker(value)
    return ItemBlock(
        header=f"{body} {text_of(value, 'Section')}".strip(),
        body_printed=body,
        body_full=body,
        meeting_date=meeting_date(value, document.meta),
        section=section_of(value, document.meta),
        title=document.meta.get("title") or text_of(value, "Title") or None,
        diary_line=text_of(value, "CaseID") or None,
        doc_kind=document.meta.get("doc_kind") or "minutes",
        sections=sections,
        text="\n".join(sections.values()),
        language=document.language,
        given_votes=votes(value),
    )


def split_items(document: Document) -> Layout:
    """The one item of a decision document."""
    value = load(document.data)
    if value is None:
        raise ExtractionError("malformed_json", "not an Ahjo decision object")
    if not document.meta.get("body") and not decision_maker(value):
        raise ExtractionError(
            "missing_header", "no deciding body in the decision or listing"
        )
    return Layout([block_of(document, value)])

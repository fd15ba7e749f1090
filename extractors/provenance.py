"""Provenance: for each extracted field, the rule (or model) that produced it and the
character span [start, end) in the item's text (ItemBlock.text) it came from.

`build_item` notes each value through a `Recorder`; spans the parser does not know are
found by searching the value in the text (whitespace-insensitive). Provenance is kept
in `Item.extra["provenance"]`, never in the record JSON."""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field, is_dataclass
from functools import lru_cache
from typing import Any, TypeVar

from extractors import departures, fields, history
from extractors.blocks import ItemBlock
from models.records import Document, Item
from models.vocab import (
    BODY_ABBREVIATIONS,
    CITY_ABBREVIATIONS,
    Section,
)

T = TypeVar("T")
EXCERPT = 80
MAX_SEARCH_TOKENS = 60


@dataclass(frozen=True)
class FieldSource:
    """Why one field has its value: method, span in the item text, value excerpt."""

    field: str
    method: str
    span: tuple[int, int] | None
    excerpt: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return dict(zip(ROW_NAMES, self.row(), strict=True))

    def row(self) -> tuple[str, str, int | None, int | None, str | None]:
        """The values of `to_dict`, in its order (a warehouse row without a dict)."""
        start, end = self.span if self.span else (None, None)
        return (self.field, self.method, start, end, self.excerpt)


ROW_NAMES = ("field", "method", "span_start", "span_end", "value_excerpt")


def plain(value: object) -> str:
    """A value as text: a record's known parts, a list's elements joined by "; "."""
    if is_dataclass(value) and not isinstance(value, type):
        parts = (str(v) for v in asdict(value).values() if v is not None)
        return ", ".join(parts)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    if isinstance(value, tuple | list):
        return "; ".join(plain(v) for v in value)
    return str(value)


def excerpt(value: object) -> str | None:
    """The first EXCERPT characters of a value as text, whitespace collapsed."""
    text = " ".join(plain(value).split()) if value is not None else ""
    return text[:EXCERPT] or None


def find_span(text: str, value: str | None) -> tuple[int, int] | None:
    """Where a value occurs in the text: exactly, else with any whitespace between
    its words (long values are matched on their first MAX_SEARCH_TOKENS words)."""
    if not value or not value.strip():
        return None
    start = text.find(value)
    if start >= 0:
        return start, start + len(value)
    tokens = value.split()
    match = _spaced_find(text, tokens[:MAX_SEARCH_TOKENS])
    if match is None:
        return None
    if len(tokens) <= MAX_SEARCH_TOKENS:
        return match
    tail = find_span(text[match[1] :], " ".join(tokens[-MAX_SEARCH_TOKENS:]))
    end = match[1] + tail[1] if tail else match[1]
    return match[0], end


# Whitespace runs other than a single space (a single space is already collapsed).
SPACE_RUNS = re.compile(r" \s+|[^\S ]\s*")


def _spaced_find(text: str, tokens: list[str]) -> tuple[int, int] | None:
    """The first place where the tokens follow one another with any whitespace
    between them (what `\\s+`.join(tokens) would match), without compiling a
    pattern per value: found in the text with its whitespace runs collapsed."""
    collapsed, starts, shifts = _collapsed(text)
    at = collapsed.find(" ".join(tokens))
    if at < 0:
        return None
    last = at + sum(map(len, tokens)) + len(tokens) - 2  # the needle's last char

    def original(position: int) -> int:
        return position + shifts[bisect.bisect_right(starts, position) - 1]

    return original(at), original(last) + 1


@lru_cache(maxsize=16)
def _collapsed(text: str) -> tuple[str, list[int], list[int]]:
    """The text with each whitespace run as one space, and how to map back: from
    collapsed position starts[k] on, the original position is shifts[k] more."""
    pieces: list[str] = []
    starts, shifts = [0], [0]
    position = previous = shift = 0
    for run in SPACE_RUNS.finditer(text):
        pieces += [text[previous : run.start()], " "]
        position += run.start() - previous + 1
        shift += run.end() - run.start() - 1
        starts.append(position)
        shifts.append(shift)
        previous = run.end()
    pieces.append(text[previous:])
    return "".join(pieces), starts, shifts


@dataclass
class Recorder:
    """Collects (field, value, method, span) while an item is built."""

    text: str
    sources: list[FieldSource] = field(default_factory=list)

    def note(
        self,
        name: str,
        value: T,
        method: str,
        span: tuple[int, int] | None = None,
        search: str | None = None,
    ) -> T:
        """Record where a value came from and return the value unchanged; nothing is
        recorded for a missing value (None or empty)."""
        if value is None or value == () or value == "":
            return value
        if span is None and search is not None:
            span = find_span(self.text, search)
        self.sources.append(FieldSource(name, method, span, excerpt(value)))
        return value

    def found(self, name: str, value: T, method: str) -> T:
        """Record a text value whose span is found by searching it in the text."""
        return self.note(name, value, method, search=str(value) if value else None)

    def inside(self, outer: str | None, inner: str | None) -> tuple[int, int] | None:
        """The span of `inner` searched inside where `outer` is in the text."""
        where = find_span(self.text, outer)
        found = find_span(self.text[where[0] : where[1]], inner) if where else None
        return (where[0] + found[0], where[0] + found[1]) if where and found else None


def outcome_method(block: ItemBlock, item: Item) -> tuple[str, str | None]:
    """(rule, matched phrase) that gave the item's outcome class (the classifier's own
    explanation, not a re-derivation)."""
    return item.extra.get("outcome_rule", "no_decision"), item.extra.get(
        "outcome_phrase"
    )


def body_method(block: ItemBlock, item: Item, proposal: str | None) -> str:
    """The rule that gave the full body name."""
    if block.body_full:
        return "layout_full_name"
    if item.body_abbrev is None or item.body == block.body_printed:
        return "header_line"
    key = block.body_printed.lower().rstrip(".")
    if key in BODY_ABBREVIATIONS or key in CITY_ABBREVIATIONS:
        return "abbreviation_table"
    if fields.body_from_proposal(proposal) == item.body:
        return "proposal_subject"
    return "header_line"


def departure_text(block: ItemBlock) -> str:
    """The text build_item reads departures from (handling, decision, explanation)."""
    parts = (Section.HANDLING, Section.DECISION, Section.EXPLANATION)
    return "\n\n".join(t for s in parts if (t := block.get(s)))


def explain(block: ItemBlock, document: Document, item: Item) -> list[FieldSource]:
    """The provenance of every filled field of an item built from a block."""
    rec = Recorder(block.text)
    note_place(rec, block, document, item)
    note_header(rec, block, document, item)
    note_people(rec, block, item)
    note_decision(rec, block, item)
    note_departures(rec, block, item)
    note_history(rec, block, item)
    return rec.sources


def from_meta(document: Document, key: str, value: object) -> bool:
    """True when the listing context (document.meta) gave this value."""
    given = document.meta.get(key)
    return given is not None and given == str(value)


def note_place(rec: Recorder, block: ItemBlock, document: Document, item: Item) -> None:
    """Municipality and language."""
    if document.municipality:
        rec.note("municipality", item.municipality, "source_config")
    else:
        match = fields.MUNICIPALITY_RE.search(block.text)
        span = match.span() if match else None
        rec.note("municipality", item.municipality, "municipality_phrase", span)
    method = "source_config" if document.language else "layout"
    if not document.language and not block.language:
        method = "swedish_cue_count"
    rec.note("language", item.language, method)


def date_forms(iso: str | None) -> list[str]:
    """How an ISO date may be printed: "05.12.2023" and "5.12.2023"."""
    if not iso:
        return []
    year, month, day = iso.split("-")
    return [f"{day}.{month}.{year}", f"{int(day)}.{int(month)}.{year}"]


def first_span(text: str, candidates: list[str]) -> tuple[int, int] | None:
    """The span of the first candidate that occurs in the text."""
    for candidate in candidates:
        span = find_span(text, candidate)
        if span:
            return span
    return None


def note_header(
    rec: Recorder, block: ItemBlock, document: Document, item: Item
) -> None:
    """Body, abbreviation, date, §, diary number, title and document kind."""
    method = body_method(block, item, block.get(Section.PROPOSAL))
    rec.note("body", item.body, method, search=block.body_full or block.body_printed)
    rec.note("body_abbrev", item.body_abbrev, "header_line", search=item.body_abbrev)
    dated = from_meta(document, "meeting_date", item.meeting_date)
    span = None if dated else first_span(rec.text, date_forms(item.meeting_date))
    rec.note(
        "meeting_date",
        item.meeting_date,
        "listing_meta" if dated else "header_line",
        span,
    )
    numbered = from_meta(document, "section", item.section)
    forms = [f"§ {item.section}", f"{item.section} §", f"Pykälä {item.section}"]
    span = None if numbered else first_span(rec.text, forms)
    rec.note(
        "section", item.section, "listing_meta" if numbered else "header_line", span
    )
    note_diary_title(rec, block, document, item)
    kind = "document_kind_word" if block.doc_kind else "decision_present"
    rec.note("doc_kind", item.doc_kind, kind)


def note_diary_title(
    rec: Recorder, block: ItemBlock, document: Document, item: Item
) -> None:
    """Diary number and title: printed, or from the listing context."""
    span = first_span(rec.text, [item.diary_number or "", block.diary_line or ""])
    listed = block.diary_line is None and from_meta(
        document, "diary_number", item.diary_number
    )
    rec.note(
        "diary_number",
        item.diary_number,
        "listing_meta" if listed else "diary_line",
        span,
    )
    rec.note(
        "diary_class",
        item.diary_class,
        "diary_class_code",
        rec.inside(block.diary_line, item.diary_class) or span,
    )
    titled = block.title is None and item.title is not None
    rec.note(
        "title",
        item.title,
        "listing_meta" if titled else "title_line",
        search=item.title,
    )


def name_method(text: str, name: str) -> tuple[str, tuple[int, int] | None]:
    """How a person's name was read: as printed, or reordered by Voikko's classes."""
    span = find_span(text, name)
    if span:
        return "title_name_split", span
    printed = " ".join(reversed(name.split()))
    return "voikko_name_order", find_span(text, printed)


def note_person(rec: Recorder, name: str, person: Any, given: bool) -> None:
    """One person's name and title."""
    if person is None or person.name is None:
        return
    method, span = name_method(rec.text, person.name)
    rec.note(
        f"{name}.name", person.name, "structured_source" if given else method, span
    )


def note_people(rec: Recorder, block: ItemBlock, item: Item) -> None:
    """Preparers and presenter."""
    given = block.preparer_people is not None
    section = block.get(Section.PREPARERS)
    method = "structured_source" if given else "preparers_section"
    rec.note("preparers", item.preparers, method, search=section)
    for index, person in enumerate(item.preparers):
        note_person(rec, f"preparers[{index}]", person, given)
    given = block.presenter_person is not None
    method = "layout_caption" if given else "presenter_section"
    rec.note("presenter", item.presenter, method, search=block.get(Section.PRESENTER))
    note_person(rec, "presenter", item.presenter, given)


def note_decision(rec: Recorder, block: ItemBlock, item: Item) -> None:
    """Proposal, decision, outcome, votes and attachments."""
    rec.found("proposal", item.proposal, "proposal_section")
    rec.found("decision", item.decision, "decision_section")
    method, phrase = outcome_method(block, item)
    rec.note("outcome", item.outcome, method, rec.inside(item.decision, phrase))
    given = block.given_votes is not None
    for index, vote in enumerate(item.votes):
        rec.note(
            f"votes[{index}]",
            vote.to_dict(),
            "structured_source" if given else "vote_pattern",
            search=vote.motion,
        )
    voted = "vote_counts" if item.votes else "vote_cue"
    rec.note("voted", item.voted or None, voted)
    rec.note(
        "attachments",
        item.attachments,
        "attachments_section",
        search=block.get(Section.ATTACHMENTS),
    )


def note_departures(rec: Recorder, block: ItemBlock, item: Item) -> None:
    """Departures and conflicts of interest, each with its sentence."""
    text = departure_text(block)
    for index, found in enumerate(departures.departures_in(text)):
        sentence = text[found.start : found.end]
        method = "conflict_phrase" if found.departure.conflict else "departure_phrase"
        rec.note(f"departures[{index}]", found.departure.name, method, search=sentence)
        if found.departure.conflict:
            rec.note("disqualified", found.departure.name, method, search=sentence)


def note_history(rec: Recorder, block: ItemBlock, item: Item) -> None:
    """Earlier handlings, each with the rule and line that gave it."""
    for index, found in enumerate(history.collect(block, item.body)):
        span = (found.start, found.end) if found.start >= 0 else None
        rec.note(f"earlier_handlings[{index}]", found.handling, found.method, span)

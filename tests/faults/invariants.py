"""What every extraction must satisfy, whatever bytes it was given (CONTRACT.md, the
item record): the checks the mutation and property tests count as "wrong values"."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from extractors import EXTRACTOR_VERSION, Extraction, ExtractionError, pdf
from models.records import Document, Item, SourceRef
from models.vocab import Outcome

ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DOC_KINDS = frozenset({"minutes", "agenda"})
LANGUAGES = frozenset({"fi", "sv"})
OUTCOMES = frozenset(o.value for o in Outcome)
VOTE_KINDS = frozenset({"main", "side"})
LIST_FIELDS = (
    "preparers",
    "votes",
    "disqualified",
    "departures",
    "attachments",
    "earlier_handlings",
)


@dataclass
class Source:
    """The document as the invariants read it: its text, found once and only when a
    check needs it (a PDF's text means parsing it again)."""

    document: Document

    @cached_property
    def text(self) -> str:
        """The document's text: a PDF's page texts, other bytes as Latin-1 (every
        byte one character, so digits and lengths are those printed)."""
        if self.document.data.lstrip()[:4] == b"%PDF":
            try:
                pages = pdf.read_pages(self.document.data)
            except ExtractionError:
                return ""
            return "\n".join(page.text for page in pages)
        return self.document.data.decode("latin-1")

    @cached_property
    def given(self) -> str:
        """What the caller handed in besides the bytes: uri, meta, municipality."""
        meta = " ".join(f"{k} {v}" for k, v in self.document.meta.items())
        return f"{self.document.uri} {meta} {self.document.municipality or ''}"

    @cached_property
    def printed_chars(self) -> int:
        """Characters other than whitespace in the document and what came with it."""
        data = self.document.data
        raw = len(data) - sum(data.count(c) for c in b" \t\n\r\x0b\x0c")
        if data.lstrip()[:4] == b"%PDF":
            raw = non_space(self.text)
        return raw + non_space(self.given)

    def prints_number(self, number: int) -> bool:
        """True when the number is printed in the document (or given with it)."""
        pattern = re.compile(rf"(?<!\d)0*{number}(?!\d)")
        return bool(pattern.search(self.given) or pattern.search(self.text))


def non_space(text: str) -> int:
    """How many characters of the text are not whitespace."""
    return sum(not c.isspace() for c in text)


def is_iso_date(value: object) -> bool:
    """True for a real calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not ISO_DATE_RE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_section(value: object) -> bool:
    """True for a § number: a positive int (not a bool)."""
    return type(value) is int and value > 0


# The warehouse stores §, votes and ordinals as INTEGER (models/sql): a number
# outside it fails the load of the whole document.
INTEGER_RANGE = range(-(2**31), 2**31)


def numbers(value: Any, path: str) -> list[tuple[str, int]]:
    """Every int (not bool) in a record's JSON object, with where it sits."""
    if type(value) is int:
        return [(path, value)]
    if isinstance(value, dict):
        return [n for k, v in value.items() for n in numbers(v, f"{path}.{k}")]
    if isinstance(value, list | tuple):
        return [n for i, v in enumerate(value) for n in numbers(v, f"{path}[{i}]")]
    return []


def strings(value: Any, path: str) -> list[tuple[str, str]]:
    """Every string in a record's JSON object, with where it sits."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(v, f"{path}.{k}")]
    if isinstance(value, list | tuple):
        return [s for i, v in enumerate(value) for s in strings(v, f"{path}[{i}]")]
    return []


def item_violations(item: Item, source: Source) -> list[str]:
    """The invariants one item breaks (empty when it is sound)."""
    found: list[str] = []
    where = f"item § {getattr(item, 'section', '?')}"

    def check(ok: bool, what: str) -> None:
        if not ok:
            found.append(f"{where}: {what}")

    if not isinstance(item, Item):
        return [f"not an Item: {item!r:.80}"]
    check(item.section is None or is_section(item.section), f"section {item.section!r}")
    if is_section(item.section):
        check(
            source.prints_number(item.section),  # type: ignore[arg-type]
            f"§ {item.section} is printed nowhere in the document",
        )
    check(
        item.meeting_date is None or is_iso_date(item.meeting_date),
        f"meeting_date {item.meeting_date!r}",
    )
    check(item.doc_kind in DOC_KINDS, f"doc_kind {item.doc_kind!r}")
    check(item.language in LANGUAGES, f"language {item.language!r}")
    check(item.outcome is None or item.outcome in OUTCOMES, f"outcome {item.outcome!r}")
    check(type(item.voted) is bool, f"voted {item.voted!r}")
    for name in LIST_FIELDS:
        check(isinstance(getattr(item, name), tuple), f"{name} is not a list")
    for vote in item.votes:
        counts = (vote.for_, vote.against, vote.blank, vote.absent)
        check(
            all(c is None or (type(c) is int and c >= 0) for c in counts),
            f"vote counts {counts!r}",
        )
        check(vote.kind in VOTE_KINDS, f"vote kind {vote.kind!r}")
    for handling in item.earlier_handlings:
        check(
            handling.meeting_date is None or is_iso_date(handling.meeting_date),
            f"earlier handling date {handling.meeting_date!r}",
        )
        check(
            handling.section is None or is_section(handling.section),
            f"earlier handling section {handling.section!r}",
        )
    expected = SourceRef(source.document.uri, source.document.sha256, EXTRACTOR_VERSION)
    check(item.source == expected, f"source {item.source!r}")
    record = item.to_dict()
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as error:
        check(False, f"record is not JSON: {type(error).__name__}: {error}")
    for path, number in numbers(record, "item"):
        check(number in INTEGER_RANGE, f"{path} = {number} does not fit INTEGER")
    for path, text in strings({**record, "source": None}, "item"):
        check(bool(text.strip()), f"{path} is empty, not null")
        check(
            non_space(text) <= source.printed_chars,
            f"{path} holds {non_space(text)} characters, the document "
            f"{source.printed_chars}",
        )
    return found


def violations(document: Document, extraction: Extraction) -> list[str]:
    """Every invariant the extraction of a document breaks."""
    if not isinstance(extraction, Extraction):
        return [f"not an Extraction: {extraction!r:.80}"]
    source = Source(document)
    found = [v for item in extraction.items for v in item_violations(item, source)]
    if not extraction.items:
        found.append("an Extraction without items (must raise no_items instead)")
    for problem in extraction.problems:
        if not isinstance(problem, ExtractionError) or not problem.reason:
            found.append(f"problem without a reason: {problem!r}")
    return found


Outcome = Extraction | ExtractionError  # what extract_document returns or raises


def differences(first: Outcome, second: Outcome) -> list[str]:
    """How two extractions of the same bytes differ (same input, identical rows):
    empty when they give the same records and problems, or the same refusal."""
    if isinstance(first, ExtractionError) or isinstance(second, ExtractionError):
        said = [
            f"{o.reason}: {o.detail}" if isinstance(o, ExtractionError) else "items"
            for o in (first, second)
        ]
        return [] if said[0] == said[1] else [f"{said[0]}, then {said[1]}"]
    found = []
    if len(first.items) != len(second.items):
        found.append(f"{len(first.items)} items, then {len(second.items)}")
    for k, (a, b) in enumerate(zip(first.items, second.items, strict=False)):
        one, two = a.to_dict(), b.to_dict()
        found += [
            f"item {k} {name}: {one[name]!r:.120} then {two[name]!r:.120}"
            for name in one
            if one[name] != two[name]
        ]
    problems = [[(p.reason, p.detail) for p in e.problems] for e in (first, second)]
    if problems[0] != problems[1]:
        found.append(f"problems {problems[0]!r:.200} then {problems[1]!r:.200}")
    return found

"""The platform-neutral shape between a layout parser and the field parsers.

Each platform module turns a document into `ItemBlock`s (header + labelled sections);
`extractors.build` turns a block into an `Item` with the per-field parsers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractors.errors import ExtractionError
from models.records import Person, Presenter, Vote
from models.vocab import Section


@dataclass
class ItemBlock:
    """One agenda item as laid out in a document, before field parsing."""

    header: str
    body_printed: str
    meeting_date: str | None
    section: int | None
    title: str | None = None
    diary_line: str | None = None
    doc_kind: str | None = None
    sections: dict[Section, str] = field(default_factory=dict)
    text: str = ""
    body_full: str | None = None  # when the layout prints the full body name too
    language: str | None = None
    # When the layout gives people as structured fields rather than lines (CaseM).
    preparer_people: tuple[Person, ...] | None = None
    presenter_person: Presenter | None = None
    given_votes: tuple[Vote, ...] | None = None  # counts the source gives as data

    def get(self, section: Section) -> str | None:
        """The text of a labelled section, or None when the item has none."""
        value = self.sections.get(section)
        return value if value else None


@dataclass
class Layout:
    """What a platform parser found in a document: its items, and the parts it had
    to leave out with the reason (e.g. a PDF page with a garbled text layer)."""

    blocks: list[ItemBlock]
    problems: list[ExtractionError] = field(default_factory=list)

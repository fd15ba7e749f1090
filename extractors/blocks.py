"""The platform-neutral shape between a layout parser and the field parsers.

Each platform module turns a document into `ItemBlock`s (header + labelled sections);
`extractors.build` turns a block into an `Item` with the per-field parsers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.vocab import Section


@dataclass
class ItemBlock:
    """One agenda item as laid out in a document, before field parsing."""

    header: str
    body_printed: str
    meeting_date: str
    section: int | None
    title: str | None = None
    diary_line: str | None = None
    doc_kind: str | None = None
    sections: dict[Section, str] = field(default_factory=dict)
    text: str = ""

    def get(self, section: Section) -> str | None:
        """The text of a labelled section, or None when the item has none."""
        value = self.sections.get(section)
        return value if value else None

"""Pure extractors: bytes in, item records out (no I/O beyond the bytes handed in)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePosixPath

from extractors import budget
from extractors.blocks import ItemBlock
from extractors.build import build_item
from extractors.errors import ExtractionError
from extractors.fields import MAX_SECTION, section_number
from extractors.platforms import layout_for
from models.records import Document, Item

# Bump when extraction output may change; stored with every record.
EXTRACTOR_VERSION = "0.5.1"


@dataclass
class Extraction:
    """The items of a document and the parts left out, each with its reason."""

    items: list[Item]
    problems: list[ExtractionError] = field(default_factory=list)


def describe(document: Document) -> str:
    """A short description of what a document looks like, for error messages."""
    if document.data.startswith(b"%PDF"):
        return "PDF"
    suffix = PurePosixPath(document.uri.split("?")[0]).suffix.lower()
    return suffix.lstrip(".") or document.media_type or "unknown"


def extract_document(document: Document, time_limit: float | None = None) -> Extraction:
    """Items and problems; raises ExtractionError when nothing could be read, or
    `too_slow` when the work takes more than `time_limit` seconds."""
    with budget.time_limit(time_limit):
        return _extract_document(document)


def _extract_document(document: Document) -> Extraction:
    """extract_document without its time limit."""
    if not document.data.strip():
        raise ExtractionError("empty_file", f"the {describe(document)} file is empty")
    module = layout_for(document)
    if module is None:
        raise ExtractionError(
            "unsupported_format", f"no extractor for {describe(document)}"
        )
    layout = module.split_items(document)
    problems = list(layout.problems)
    blocks = [
        checked_section(checked_date(block, problems), problems)
        for block in layout.blocks
    ]
    items = [built(block, document) for block in blocks]
    if not items and problems:
        raise layout.problems[0]
    if not items:
        raise ExtractionError("no_items", "no agenda item found")
    return Extraction(items, problems)


def built(block: ItemBlock, document: Document) -> Item:
    """One block as an item, within the document's time."""
    budget.check()
    return build_item(block, document, EXTRACTOR_VERSION)


def checked_date(block: ItemBlock, problems: list[ExtractionError]) -> ItemBlock:
    """The block with its meeting date null (and a warning) when it is not a real
    ISO date ("2016-02-31" from a listing, a number in a JSON field)."""
    if block.meeting_date is None:
        return block
    try:
        date.fromisoformat(block.meeting_date)
    except (TypeError, ValueError):
        where = f"§ {block.section}" if block.section is not None else "an item"
        problems.append(
            ExtractionError(
                "impossible_date", f"{where}: '{block.meeting_date}' is not a date"
            )
        )
        return replace(block, meeting_date=None)
    return block


def checked_section(block: ItemBlock, problems: list[ExtractionError]) -> ItemBlock:
    """The block with its § null (and a warning) when it is not a § number ("§ 0",
    a negative or a longer number from a JSON field: fields.section_number)."""
    section = block.section
    if section is None or section_number(section) == section:
        return block
    problems.append(
        ExtractionError(
            "impossible_section", f"'{section}' is not a § number (1-{MAX_SECTION})"
        )
    )
    return replace(block, section=None)


def extract(document: Document) -> list[Item]:
    """Every agenda item in the document; raises ExtractionError with the reason."""
    return extract_document(document).items


__all__ = [
    "EXTRACTOR_VERSION",
    "Extraction",
    "ExtractionError",
    "extract",
    "extract_document",
]

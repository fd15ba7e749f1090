"""Pure extractors: bytes in, item records out (no I/O beyond the bytes handed in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from extractors.build import build_item
from extractors.errors import ExtractionError
from extractors.platforms import layout_for
from models.records import Document, Item

# Bump when extraction output may change; stored with every record.
EXTRACTOR_VERSION = "0.5.0"


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


def extract_document(document: Document) -> Extraction:
    """Items and problems; raises ExtractionError when nothing could be read."""
    if not document.data.strip():
        raise ExtractionError("empty_file", f"the {describe(document)} file is empty")
    module = layout_for(document)
    if module is None:
        raise ExtractionError(
            "unsupported_format", f"no extractor for {describe(document)}"
        )
    layout = module.split_items(document)
    items = [build_item(block, document, EXTRACTOR_VERSION) for block in layout.blocks]
    if not items and layout.problems:
        raise layout.problems[0]
    if not items:
        raise ExtractionError("no_items", "no agenda item found")
    return Extraction(items, layout.problems)


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

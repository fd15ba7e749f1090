"""dynasty layout: not implemented yet (work in progress, see issue 3)."""

from __future__ import annotations

from extractors.blocks import Layout
from extractors.errors import ExtractionError
from models.records import Document


def matches(document: Document) -> bool:
    """Not yet: no document is recognised as this layout."""
    return False


def split_items(document: Document) -> Layout:
    """Not yet implemented."""
    raise ExtractionError("unsupported_format", "dynasty layout not implemented yet")

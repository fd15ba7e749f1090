"""Pure extractors: bytes in, item records out (no I/O beyond the bytes handed in)."""

from __future__ import annotations

from pathlib import PurePosixPath

from extractors.build import build_item
from extractors.errors import ExtractionError
from extractors.fields import decode_text
from extractors.platforms import text
from models.records import Document, Item

# Bump when extraction output may change; stored with every record.
EXTRACTOR_VERSION = "0.1.0"

TEXT_SUFFIXES = {".txt", ".md"}


def document_kind(document: Document) -> str:
    """Which layout parser a document needs, from its media type, name and bytes."""
    suffix = PurePosixPath(document.uri.split("?")[0]).suffix.lower()
    if document.data.startswith(b"%PDF"):
        return "pdf"
    if suffix in TEXT_SUFFIXES or (document.media_type or "").startswith("text/plain"):
        return "text"
    if suffix in {".html", ".htm"} or "html" in (document.media_type or ""):
        return "html"
    if suffix == ".json":
        return "json"
    return suffix.lstrip(".") or "unknown"


def extract(document: Document) -> list[Item]:
    """Every agenda item in the document; raises ExtractionError with the reason."""
    kind = document_kind(document)
    if kind != "text":
        raise ExtractionError("unsupported_format", f"no extractor for {kind} yet")
    try:
        content = decode_text(document.data)
    except UnicodeDecodeError as error:
        raise ExtractionError("undecodable", str(error)) from error
    blocks = text.split_items(content)
    return [build_item(block, document, EXTRACTOR_VERSION) for block in blocks]


__all__ = ["EXTRACTOR_VERSION", "ExtractionError", "extract"]

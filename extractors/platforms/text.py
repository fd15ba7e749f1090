"""Plain text: minutes saved as text or markdown, and stored web pages' text.

Any layout: the text becomes a line stream (`extractors.lines.text_lines`) and goes
through the generic path (`extractors.generic`), which finds the items by their cues
(`Khall 05.12.2023 § 451`, `§ 56 Title`, `Pöytäkirja 26.06.2023/Pykälä 8`, …).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from extractors.blocks import Layout
from extractors.errors import ExtractionError
from extractors.fields import decode_text
from extractors.generic import split_lines
from extractors.lines import text_lines
from models.records import Document


def matches(document: Document) -> bool:
    """Plain text or markdown (by name or media type), and not some binary format."""
    suffix = PurePosixPath(document.uri.split("?")[0]).suffix.lower()
    plain = suffix in {".txt", ".md"} or (document.media_type or "").startswith(
        "text/plain"
    )
    return plain and not document.data.startswith(b"%PDF")


def split_items(document: Document) -> Layout:
    """The items of a plain-text document."""
    try:
        content = decode_text(document.data)
    except UnicodeDecodeError as error:
        raise ExtractionError("undecodable", str(error)) from error
    return split_lines(text_lines(content), document)

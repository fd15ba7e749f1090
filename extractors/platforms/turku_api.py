"""Turku's minutes as its JSON API gives them (`/api/poytakirja/<id>`): `pykalat`, each
item with `tktNimi` (title) and `html` (the item's text, laid out as the former static
item pages: handlings table `table.ytt`, `div.XSDoc` blocks, `span.ehdotuspaatos`).

Each item's html goes through the Turku item page layout; an item without text, or in
a layout that one does not know, is left out and reported.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from extractors import jsontext
from extractors.blocks import Layout
from extractors.errors import ExtractionError
from extractors.platforms import turku
from models.records import Document


def load(data: bytes) -> dict[str, Any] | None:
    """The minutes object, or None when the bytes are not one."""
    if not data.lstrip().startswith(b"{"):
        return None
    try:
        value = jsontext.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def matches(document: Document) -> bool:
    """A JSON object with a `pykalat` list."""
    value = load(document.data)
    return value is not None and isinstance(value.get("pykalat"), list)


def item_document(document: Document, item: dict[str, Any]) -> Document:
    """One item's html as a document of its own (uri `<minutes>#<id>`)."""
    text = str(item.get("html") or "")
    uri = f"{document.uri}#{item.get('tktviiteId') or ''}"
    return replace(document, uri=uri, data=text.encode("utf-8"))


def split_items(document: Document) -> Layout:
    """Every item of the minutes whose text the Turku item layout reads."""
    value = load(document.data)
    if value is None:
        raise ExtractionError("malformed_json", "not a Turku minutes object")
    layout = Layout([])
    for number, item in enumerate(value["pykalat"], start=1):
        if not isinstance(item, dict):
            found = f"pykälä {number} is {type(item).__name__}, not an object"
            layout.problems.append(ExtractionError("malformed_json", found))
            continue
        title = str(item.get("tktNimi") or "").strip() or "?"
        part = item_document(document, item)
        if not part.data.strip():
            layout.problems.append(ExtractionError("no_text", f"'{title}' has no text"))
        elif not turku.matches(part):
            reason = f"'{title}': not in the Turku item layout"
            layout.problems.append(ExtractionError("unknown_layout", reason))
        else:
            layout.blocks.extend(turku.split_items(part).blocks)
    return layout

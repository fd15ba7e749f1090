"""One layout parser per publishing system. Each module has

    matches(document: Document) -> bool      # is this document in my layout?
    split_items(document: Document) -> Layout   # its item blocks (pure)

`layout_for` asks them in LAYOUTS order; the first that matches parses the document.
"""

from __future__ import annotations

from types import ModuleType

from extractors.platforms import (
    ahjo,
    casem,
    cloudnc_html,
    dynasty,
    html_page,
    text,
    turku,
    turku_api,
    tweb,
)
from models.records import Document

LAYOUTS: tuple[ModuleType, ...] = (
    dynasty,
    turku,
    turku_api,
    casem,
    cloudnc_html,
    ahjo,
    tweb,
    text,
    html_page,
)


def layout_for(document: Document) -> ModuleType | None:
    """The layout module for a document, or None when no parser knows it."""
    for module in LAYOUTS:
        if module.matches(document):
            return module
    return None

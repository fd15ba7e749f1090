"""Helpers for the platform layout tests: fixture documents and their goldens."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from extractors import EXTRACTOR_VERSION, extract
from models.ids import sha256_hex
from models.records import Document
from tests.conftest import FIXTURES, GOLDEN

# The CaseM fixtures' listing context: node 11292 "Kokous 5.9.2016" classifies every
# content 57–69 (node_11292_contents.json, 11291_11292_11291_subnodes.json); the
# proposals name Yhdyskuntalautakunta as the deciding body.
CASEM_META = {"body": "Yhdyskuntalautakunta", "meeting_date": "2016-09-05"}


def document(platform: str, name: str, **kwargs: Any) -> Document:
    """A fixture as a Document with a stable uri."""
    data = (FIXTURES / platform / name).read_bytes()
    return Document(
        uri=f"{platform}/{name}", data=data, sha256=sha256_hex(data), **kwargs
    )


def records(platform: str, name: str, **kwargs: Any) -> list[dict[str, Any]]:
    """The records of one fixture."""
    return [item.to_dict() for item in extract(document(platform, name, **kwargs))]


def golden_path(platform: str, name: str) -> Any:
    """Where a fixture's golden JSON lives."""
    return GOLDEN / platform / f"{PurePath(name).stem}.json"


def golden(platform: str, name: str) -> list[dict[str, Any]]:
    """A fixture's hand-checked records, extractor version normalised."""
    found = json.loads(golden_path(platform, name).read_text("utf-8"))
    for record in found:
        record["source"]["extractor_version"] = EXTRACTOR_VERSION
    return found

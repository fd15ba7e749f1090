"""The real corpus's split: dev (tune on it) or test (report only), by organisation."""

from __future__ import annotations

import hashlib

# Organisations our fixtures come from: always dev (we have read their documents).
FIXTURE_ORGS = frozenset(
    {
        "kittilä",
        "espoo",
        "oulu",
        "vantaa",
        "nykarleby",
        "uusikaarlepyy",
        "tampere",
        "turku",
    }
)
SPLITS = ("dev", "test")


def split_of(org: str) -> str:
    """ "dev" or "test", fixed by the organisation's name (never chosen by hand)."""
    key = org.strip().lower()
    if key in FIXTURE_ORGS:
        return "dev"
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return "test" if digest[0] % 2 else "dev"

"""Deterministic ids from natural keys (never random)."""

from __future__ import annotations

import hashlib
from functools import lru_cache


@lru_cache(maxsize=1 << 16)
def _key(*parts: object) -> str:
    """A 16-hex-digit id from the parts, case- and spacing-insensitive (the same
    bodies, meetings and people recur item after item: kept for the next ones)."""
    text = "|".join(
        "" if p is None else " ".join(str(p).split()).lower() for p in parts
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def body_id(municipality: str | None, body: str | None) -> str:
    """Id of a deciding body within a municipality."""
    return _key("body", municipality, body)


def meeting_id(
    municipality: str | None, body: str | None, meeting_date: str | None
) -> str:
    """Id of one meeting: municipality + body + date."""
    return _key("meeting", municipality, body, meeting_date)


def item_id(
    municipality: str | None,
    body: str | None,
    meeting_date: str | None,
    section: int | None,
    title: str | None = None,
    repeat: int = 0,
) -> str:
    """Id of an agenda item: municipality + body + date + § (title when no §); a §
    printed again in the same document (its `repeat`-th time) adds its title, so the
    items stay apart."""
    discriminator = f"§{section}" if section is not None else f"title:{title}"
    if repeat:
        discriminator = f"{discriminator}|title:{title}|{repeat}"
    return _key("item", municipality, body, meeting_date, discriminator)


def person_id(municipality: str | None, name: str) -> str:
    """Id of a named official within a municipality."""
    return _key("person", municipality, name)


def sha256_hex(data: bytes) -> str:
    """The content address of raw bytes."""
    return hashlib.sha256(data).hexdigest()

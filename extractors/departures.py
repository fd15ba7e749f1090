"""Conflicts of interest and departures: who declared esteellinen / jäävi / jäv, or
left the meeting during the item, with the reason as printed (DOMAIN.md 4.4)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from extractors.names import ordered_name
from models.records import Departure
from models.vocab import (
    CONFLICT_CUES,
    DEPARTURE_FILLER,
    DEPARTURE_PHRASES,
    MEMBER_ROLES,
)

NAME = r"[A-ZÅÄÖ][\w\-]+(?:\s+[A-ZÅÄÖ][\w\-]+){0,3}"
PHRASES = "|".join(re.escape(p) for p in sorted(DEPARTURE_PHRASES, key=len)[::-1])
DEPARTURE_RE = re.compile(
    rf"(?P<names>{NAME}(?:\s*(?:,|\bja\b|\boch\b)\s*(?:[a-zåäö]+\s+)?{NAME})*)"
    rf"\s+(?P<phrase>{PHRASES})\b"
)
# "… kokouksesta poistuivat myös jäsen Kalle Hyötynen ja …" (verb before the names).
INVERTED_RE = re.compile(
    rf"(?:kokouksesta\s+poistui(?:vat)?|från sammanträdet avlägsnade sig)\s+"
    rf"(?:myös\s+|även\s+)?(?P<names>(?:[a-zåäö]+\s+){{0,2}}{NAME}"
    rf"(?:\s*(?:,|\bja\b|\boch\b)\s*(?:[a-zåäö]+\s+){{0,2}}{NAME})*)"
)
SENTENCE_END_RE = re.compile(r"\.(?=\s+[A-ZÅÄÖ]|\s*$)|\n")
NAME_SPLIT_RE = re.compile(r"\s*(?:,|\bja\b|\boch\b)\s*")
PAREN_RE = re.compile(r"^[^()]{0,40}?\((?P<reason>[^()]+)\)")


@dataclass(frozen=True)
class Found:
    """A departure with the span [start, end) of its sentence in the parsed text."""

    departure: Departure
    start: int
    end: int


def member_name(text: str) -> str | None:
    """A name without the role words before it ("Jäsen Matti Virtanen")."""
    tokens = text.split()
    while tokens and (tokens[0].lower() in MEMBER_ROLES or tokens[0].islower()):
        tokens = tokens[1:]
    return ordered_name(tokens) if tokens else None


def sentence_end(text: str, start: int) -> int:
    """Where the sentence that goes on at `start` ends (periods in "klo 16.45" and
    inside parentheses do not end it)."""
    depth, index = 0, start
    while index < len(text):
        char = text[index]
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth <= 0 and SENTENCE_END_RE.match(text, index):
            return index
        index += 1
    return len(text)


def reason_of(rest: str) -> str | None:
    """The stated reason: a parenthesis near the phrase, else the rest of the
    sentence unless it only restates the departure."""
    paren = PAREN_RE.match(rest)
    if paren:
        return " ".join(paren.group("reason").split())
    clause = " ".join(rest.strip(" ,").split())
    return None if not clause or DEPARTURE_FILLER.match(clause) else clause


def stated_conflict(match: re.Match[str]) -> bool:
    """True when the matched phrase itself declares a conflict of interest."""
    phrase = match.groupdict().get("phrase")
    return bool(phrase and DEPARTURE_PHRASES[phrase])


def departures_in(text: str | None) -> list[Found]:
    """Every declared conflict or departure in the text, first mention per name."""
    return list(_departures_in(text))


@functools.lru_cache(maxsize=4)
def _departures_in(text: str | None) -> tuple[Found, ...]:
    """`departures_in`, kept for the last few texts: an item's record and its
    provenance read the same text (everything in it is immutable)."""
    found: dict[str, Found] = {}
    matches = [*DEPARTURE_RE.finditer(text or ""), *INVERTED_RE.finditer(text or "")]
    for match in sorted(matches, key=lambda m: m.start()):
        end = sentence_end(text or "", match.end())
        rest = (text or "")[match.end() : end]
        conflict = stated_conflict(match) or bool(CONFLICT_CUES.search(rest))
        reason = reason_of(rest)
        for part in NAME_SPLIT_RE.split(match["names"]):
            name = member_name(part)
            if name and name not in found:
                departure = Departure(name, reason, conflict)
                found[name] = Found(departure, match.start(), end)
    return tuple(found.values())


def departures(text: str | None) -> list[Departure]:
    """The departures of a text, without their spans."""
    return [f.departure for f in departures_in(text)]

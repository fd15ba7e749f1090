"""Earlier handlings of the same case (DOMAIN.md 2.4): body, meeting date and § of each
earlier stage, never this item's own. Read from whole lines of the item's text that are
handling rows, the history section, a "(Pöydälle 10.4.2017)" title suffix, "Pöydältä
d.m.yyyy § N" in the item's own text and "<Toimielimen> käsittely" captions."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from extractors.blocks import ItemBlock
from extractors.fields import is_body_name, iso_date, section_number
from extractors.names import genitive_base
from models.records import EarlierHandling
from models.vocab import (
    BODY_SUFFIXES,
    HEADINGS,
    TABLED_FROM,
    TABLED_TITLE_SUFFIX,
    Section,
)

DATE = r"\d{1,2}\.\d{1,2}\.\d{4}"
SEC = r"(?:§\s*(?P<sa>\d+)|(?P<sb>\d+)\s*§)"
# Whole lines: "Kaupunginhallitus 10.4.2017 § 105", "Kaupunginhallitus | 105 § |
# 10.4.2017", "Personalsektionen 22.10.2022, 52 §", "Kh 20.2.2017 § 53".
ROW_START_RE = re.compile(r"[A-ZÅÄÖ]\D*\d")
ROW_RES: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"^(?P<body>[A-ZÅÄÖ][\w\-. ]*?)\s*\|?\s*(?P<date>{DATE})\s*[,|]?\s*{SEC}\.?$"
    ),
    re.compile(
        rf"^(?P<body>[A-ZÅÄÖ][\w\-. ]*?)\s*\|?\s*{SEC}\s*\|?\s*(?P<date>{DATE})\.?$"
    ),
    # a handlings table row: "Kaupunginhallitus | 195 | 02.05.2017 | 2"
    re.compile(
        rf"^(?P<body>[A-ZÅÄÖ][\w\-. ]*?)\s*\|\s*(?P<sb>\d{{1,4}})\s*\|\s*"
        rf"(?P<date>{DATE})(?:\s*\|\s*\d{{1,3}})?$"
    ),
)
SUFFIXES = "|".join(BODY_SUFFIXES)
# Inside a history paragraph: "Sivistys- ja kulttuurilautakunta 25.2.2016 § 32",
# "Suomi 100 -juhlatoimikunta 19.4.2016, 19.10.2016" (the body ends like a body name).
INLINE_RE = re.compile(
    rf"\b(?P<body>[A-ZÅÄÖ][\w\-]*(?: +(?:ja|och|\d+|-?[\w\-]+))*?(?:{SUFFIXES})) +"
    rf"(?P<dates>{DATE}(?:\s*,\s*{DATE})*)(?:\s*,?\s*{SEC})?"
)
CAPTION_RE = re.compile(r"^(?P<genitive>[A-ZÅÄÖ]\w+n)\s+käsittely:?\s*$", re.M)


@dataclass(frozen=True)
class Found:
    """An earlier handling, the rule that found it and where in the searched text."""

    handling: EarlierHandling
    method: str
    start: int
    end: int


def section_of(match: re.Match[str]) -> int | None:
    """The § of a match with the `sa` / `sb` groups, or None (also for "§ 0" or a
    number too long to be a §)."""
    groups = match.groupdict()
    return section_number(groups.get("sa") or groups.get("sb"))


def safe_date(day_first: str) -> str | None:
    """An ISO date, or None when the printed date is impossible."""
    try:
        return iso_date(day_first)
    except ValueError:
        return None


def line_spans(text: str) -> list[tuple[int, str]]:
    """(offset, stripped line) for every line of the text."""
    result, offset = [], 0
    for line in text.split("\n"):
        result.append((offset + len(line) - len(line.lstrip()), line.strip()))
        offset += len(line) + 1
    return result


def rows(text: str, method: str = "history_row") -> list[Found]:
    """Whole lines that are handling rows."""
    found = []
    for offset, line in line_spans(text):
        # every row pattern starts with a capital (the body) and holds a date
        if not ROW_START_RE.match(line) or TABLED_FROM.match(line):
            continue
        for pattern in ROW_RES:
            match = pattern.match(line)
            date = safe_date(match["date"]) if match else None
            if match and date:
                handling = EarlierHandling(
                    match["body"].strip(" |"), date, section_of(match)
                )
                found.append(Found(handling, method, offset, offset + len(line)))
                break
    return found


def inline(text: str) -> list[Found]:
    """Handlings written one after another in a history paragraph (Oulu)."""
    found = []
    for match in INLINE_RE.finditer(text):
        body = without_headings(match["body"])
        for day in re.findall(DATE, match["dates"]):
            handling = EarlierHandling(body, safe_date(day), section_of(match))
            found.append(Found(handling, "history_paragraph", *match.span()))
    return found


def without_headings(body: str) -> str:
    """A body name without heading words before it ("Päätöshistoria Kh...")."""
    words = body.split(" ")
    while len(words) > 1 and words[0].lower() in HEADINGS:
        words = words[1:]
    return " ".join(words)


def captions(text: str) -> list[Found]:
    """ "Kaupunginhallituksen käsittely" captions: the body from the genitive."""
    found = []
    for match in CAPTION_RE.finditer(text):
        base = genitive_base(match["genitive"])
        if is_body_name(base):
            body = base[0].upper() + base[1:]
            found.append(
                Found(EarlierHandling(body), "caption_genitive", *match.span())
            )
    return found


def title_suffix(title: str | None, body: str | None) -> list[Found]:
    """ "(Pöydälle 10.4.2017)": this body tabled the item at that meeting."""
    match = TABLED_TITLE_SUFFIX.search(title or "")
    date = safe_date(match["date"]) if match else None
    if not match or not date:
        return []
    return [Found(EarlierHandling(body, date), "title_suffix", -1, -1)]


def tabled_from(text: str, body: str | None) -> list[Found]:
    """ "Pöydältä 21.3.2017 § 84." in this item's own text: this body's earlier
    meeting that tabled it."""
    found = []
    for match in TABLED_FROM.finditer(text):
        date = safe_date(match["date"])
        if date:
            handling = EarlierHandling(body, date, section_of(match))
            found.append(Found(handling, "tabled_from", *match.span()))
    return found


def is_own(
    handling: EarlierHandling, meeting_date: str | None, section: int | None
) -> bool:
    """True for this item's own handling (its date with its § or with no §)."""
    return handling.meeting_date == meeting_date and handling.section in (
        None,
        section,
    )


def same_stage(a: EarlierHandling, b: EarlierHandling) -> bool:
    """True when two findings can be one handling (no known part disagrees)."""
    pairs = zip(
        (a.body, a.meeting_date, a.section),
        (b.body, b.meeting_date, b.section),
        strict=True,
    )
    return all(x is None or y is None or x == y for x, y in pairs)


def merged(a: EarlierHandling, b: EarlierHandling) -> EarlierHandling:
    """One handling with the known parts of both."""
    return EarlierHandling(
        a.body or b.body,
        a.meeting_date or b.meeting_date,
        a.section if a.section is not None else b.section,
    )


def combine(
    found: list[Found], meeting_date: str | None, section: int | None
) -> list[Found]:
    """Findings without this item's own handling, duplicates merged, in date order
    (undated last)."""
    kept: list[Found] = []
    for item in found:
        if is_own(item.handling, meeting_date, section):
            continue
        twin = next((k for k in kept if same_stage(k.handling, item.handling)), None)
        if twin is None:
            kept.append(item)
        else:
            both = Found(merged(twin.handling, item.handling), *_where(twin, item))
            kept[kept.index(twin)] = both
    return sorted(kept, key=lambda f: (f.handling.meeting_date or "9999", f.start))


def _where(first: Found, second: Found) -> tuple[str, int, int]:
    """The method and span to keep for a merged finding: the first one with a span."""
    chosen = second if first.start < 0 <= second.start else first
    return chosen.method, chosen.start, chosen.end


# Sections that belong to this meeting's handling (where "Pöydältä …" is this body's).
OWN_SECTIONS = (
    Section.EXPLANATION,
    Section.PROPOSAL,
    Section.HANDLING,
    Section.DECISION,
)


def relocated(found: list[Found], searched: str, text: str) -> list[Found]:
    """Findings in another text with their spans moved into `text` (-1 if absent)."""
    moved = []
    for item in found:
        start = text.find(searched[item.start : item.end]) if item.start >= 0 else -1
        end = start + (item.end - item.start) if start >= 0 else -1
        moved.append(Found(item.handling, item.method, start, end))
    return moved


def collect(block: ItemBlock, body: str | None) -> list[Found]:
    """The item's earlier handlings with the rule and span (in block.text) of each."""
    history = block.get(Section.HISTORY) or ""
    own = "\n\n".join(block.get(s) or "" for s in OWN_SECTIONS)
    where = (block.meeting_date, block.section)
    return list(_collect(block.text, history, own, block.title, body, *where))


@functools.lru_cache(maxsize=4)
def _collect(
    text: str,
    history: str,
    own: str,
    title: str | None,
    body: str | None,
    meeting_date: str | None,
    section: int | None,
) -> tuple[Found, ...]:
    """`collect` of what it reads of a block, kept for the last few blocks: an
    item's record and its provenance ask for the same (everything is immutable)."""
    found = [
        *rows(text),
        *relocated(rows(history) + inline(history), history, text),
        *captions(text),
        *title_suffix(title, body),
        *relocated(tabled_from(own, body), own, text),
    ]
    return tuple(combine(found, meeting_date, section))


def earlier_handlings(block: ItemBlock, body: str | None) -> list[EarlierHandling]:
    """The item's earlier handlings (body, date, §), never its own."""
    return [f.handling for f in collect(block, body)]

"""The registry of cues that start an item or give a meeting's context, as data.

Each cue is a pattern over one whole line (whitespace collapsed) and what it tells:
the body, the meeting date, the §, the title, the document kind. The segmenter
(`extractors.segment`) decides which occurrences start items; here a line is only
read. Forms (DOMAIN.md 2.3, 3.3):

- header: `Khall 05.12.2023 § 451`, `Välfärdsnämnden 15.9.2022, 42 §`,
  `Kaupunginhallitus | 105 § | 10.4.2017`, `Kh § 195`;
- section_title: `§ 56 Title`, `42 § Presentation av …`;
- section: a bare `§ 198` / `198 §` / `Pykälä 8`;
- abbrev_section: `KVALT 37`, `Kvalt 42` (a body abbreviation and a number);
- case: `Asia 15. / 85 §`, `Ärende 15. / 85 §`, `Case 15. / 85 §`;
- page_label: `Pöytäkirja 26.06.2023/Pykälä 8`, `Protokoll 12.03.2024/Paragraf 5`,
  `Esityslista 29.05.2017 Asianro 4` (the body is the line above);
- context: `Kaupunginvaltuusto, kokous 17.5.2021`, `Kaupunginhallitus 02.05.2017 -
  Pöytäkirja`, `Kokousaika: 29.11.2017`, `Aluehallituksen päätöksiä 7.3.2023`;
- dated_body: `Kunnanhallitus 29.4.2019` (a handling without §, inside an item).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from extractors.lines import COLLAPSED_LINE
from models.vocab import (
    AGENDA_CUES,
    BODY_ABBREVIATIONS,
    BODY_SUFFIXES,
    MINUTES_CUES,
)

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "tammikuuta"),
            ("februari", "helmikuuta"),
            ("mars", "maaliskuuta"),
            ("april", "huhtikuuta"),
            ("maj", "toukokuuta"),
            ("juni", "kesäkuuta"),
            ("juli", "heinäkuuta"),
            ("augusti", "elokuuta"),
            ("september", "syyskuuta"),
            ("oktober", "lokakuuta"),
            ("november", "marraskuuta"),
            ("december", "joulukuuta"),
        ),
        start=1,
    )
    for name in names
}
MONTH_WORD = "|".join(MONTHS)
# "5.12.2023", "7.3.23", "5-12-2023", "12 februari 2024", "12. helmikuuta 2024"
DATE = (
    r"(?P<date>\d{1,2}\s?\.\s?\d{1,2}\s?\.\s?(?:\d{4}|\d{2}(?!\d))"
    r"|\d{1,2}-\d{1,2}-\d{4}"
    rf"|\d{{1,2}}\.?\s+(?i:{MONTH_WORD})\s+\d{{4}})"
)
SEC = r"(?:§\s*(?P<sa>\d{1,4})|(?P<sb>\d{1,4})\s*§)"
BODY = r"(?P<body>[A-ZÅÄÖ][^\d§|:;()]{0,90}?)"
KIND_WORD = (
    r"(?P<kind>Pöytäkirja|Esityslista|Lisäesityslista|Protokoll|Föredragningslista|"
    r"Päätöslista|Päätösluettelo|Beslutslista)"
)

# A Dynasty PDF export's item header: "45, KST 2011-03-07 18:00" or "§ 144, SSTYR
# 2015-12-01 18:00 Sida 2" (§, body abbreviation, ISO date and time).
EXPORT_HEADER_RE = re.compile(
    r"^(?:§\s*)?(?P<sc>-?\d{1,4}),\s*(?P<body>[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{1,11})\s+"
    r"(?P<iso>\d{4}-\d{2}-\d{2})(?:\s+\d{1,2}:\d{2})?(?:\s+(?:Sida|Sivu)\s+\d+)?$"
)
HEADER_RES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^{BODY}\s*\|?\s*{DATE}\s*[,|]?\s*{SEC}\s*\.?$"),
    re.compile(rf"^{BODY}\s*\|\s*{SEC}\s*\|\s*{DATE}$"),
    # a handlings table row: "Kaupunginhallitus | 195 | 02.05.2017 | 2"
    re.compile(
        rf"^{BODY}\s*\|\s*(?P<sc>\d{{1,4}})\s*§?\s*\|\s*{DATE}(?:\s*\|\s*\d{{1,3}})?$"
    ),
    re.compile(rf"^{BODY}\s+{SEC}$"),
)
SECTION_TITLE_RE = re.compile(
    rf"^{SEC}(?:\s*[.:–-])?\s+(?P<title>[A-ZÅÄÖ0-9\"”“'(].{{1,300}})$"
)
# "60 KOKOUKSEN LAILLISUUS JA PÄÄTÖSVALTAISUUS" (a transcript that lost its §).
NUMBERED_UPPER_TITLE_RE = re.compile(
    r"^(?!(?:19|20)\d\d\s)(?P<sc>\d{1,4})\s+(?P<title>[A-ZÅÄÖ][A-ZÅÄÖ0-9\-/,.():]*"
    r"(?:\s+[A-ZÅÄÖ0-9\-/,.():]+)*)$"
)
SECTION_RE = re.compile(rf"^(?:{SEC}|(?:Pykälä|Paragraf)\s+(?P<sc>\d{{1,4}}))\.?$")
ABBREV_SECTION_RE = re.compile(
    r"^(?P<body>[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{1,11})\.?\s+(?:§\s*)?(?P<sc>\d{1,4})$"
)
CASE_RE = re.compile(
    rf"^(?:(?:Asia|Ärende|Case|Ärende nr|Asia nro)\s*)?\d{{1,3}}\s*\.?\s*/\s*{SEC}$",
    re.I,
)
# A handlings table row whose cells lost their separators (a stored page's text):
# "Kaupunginvaltuusto19001.10.20123" = body, § 190, 01.10.2012, item 3.
TABLE_ROW_RE = re.compile(
    r"^(?P<body>[A-ZÅÄÖ][^\d§|]{2,80}?)\s*(?P<sc>\d{1,4})\s*"
    r"(?P<date>\d{2}\.\d{2}\.\d{4})\s*\d{0,3}$"
)
PAGE_LABEL_RE = re.compile(
    rf"^(?:(?P<body>[A-ZÅÄÖ][^\d§|:]{{0,80}}?)\s+)?{KIND_WORD}\s+{DATE}\s*/?\s*"
    r"(?:(?:Pykälä|Paragraf|§)\s*(?P<sc>\d{1,4})"
    r"|(?:Asianro|Asia|Ärende|Ärendenr)\s*(?P<n>\d{1,4}))?"
    r"(?:\s+(?:klo|kl\.?)\s+[\d.:]+)?(?:\s*/\s*Tarkastettu)?$",
    re.I,
)
# A meeting's decisions ("päätökset", "päätöksiä", "päätösluettelo", "beslut",
# "beslutslista"), never a proposal ("päätösehdotus", "beslutsförslag").
DECISIONS_WORD = (
    r"(?:päätök\w*|päätös(?:luettelo|lista|tiedote)\w*|beslut(?:en|slista)?)"
)
# "Kunnanhallituksen kokouksen päätökset 6.11.2017", "Aluehallituksen päätöksiä
# 7.3.2023", "Stadsfullmäktiges beslut den 12 februari 2024", "Stadsfullmäktiges
# beslut" (no date: the body only; the one cue a line without a digit can be)
GENITIVE_CONTEXT_RE = re.compile(
    r"^(?P<genitive>(?:[A-ZÅÄÖ][\wåäö:\-]+n\s+)?[A-ZÅÄÖ][\wåäö:\-]+(?:n|s))\s+"
    r"(?:kokouksen\s+|sammanträdes\s+|mötets\s+)?"
    rf"(?:{DECISIONS_WORD}|protokoll\w*|pöytäkirja\w*)"
    rf"(?:\s+(?:den\s+)?(?:{DATE}|\d{{1,2}}\.\d{{1,2}}\.|"
    rf"\d{{1,2}}\.?\s+(?i:{MONTH_WORD})))?"
    r"(?:\s+(?:kokouksesta|kokouksessa|sammanträde\w*))?\s*$",
    re.I,
)
CONTEXT_RES: tuple[re.Pattern[str], ...] = (
    # a breadcrumb: "Toimielimet > Yhdyskuntalautakunta > Kokous 5.9.2016 > …"
    re.compile(
        rf"^(?:[^>]{{0,40}}>\s*)?{BODY}\s*>\s*(?:Kokous|Möte|Sammanträde)\s+{DATE}",
        re.I,
    ),
    # CloudNC breadcrumb: "Kaupunginvaltuusto, kokous 17.5.2021"
    re.compile(
        rf"^{BODY},?\s+(?:kokous|möte|sammanträde|sammanträdet)\s+{DATE}\b", re.I
    ),
    # Turku: "Kaupunginhallitus 02.05.2017 - Pöytäkirja"
    re.compile(rf"^{BODY}\s+{DATE}\s*[-–]\s*{KIND_WORD}\b", re.I),
    GENITIVE_CONTEXT_RE,
    # "Kaupunginhallituksen kokouksen 9.2.2026 päätösluettelo"
    re.compile(
        r"^(?P<genitive>(?:[A-ZÅÄÖ][\wåäö:\-]+n\s+)?[A-ZÅÄÖ][\wåäö:\-]+(?:n|s))\s+"
        rf"(?:kokouksen\s+|sammanträdes\s+)?(?:den\s+)?{DATE}\s+"
        r"(?:kokouksen\s+)?"
        rf"(?:{DECISIONS_WORD}|pöytäkirja|esityslista|protokoll)\s*$",
        re.I,
    ),
)
DATE_LINE_RES: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"^(?:{KIND_WORD}\s+)?(?:Kokousaika|Kokouspäivä|Kokouspäivämäärä|Aika|Tid|Sammanträdestid|"
        rf"Sammanträdesdatum|Datum|Päivämäärä)\s*:?\s*(?:\w+\s+)?{DATE}",
        re.I,
    ),
    re.compile(rf"^Kokous\s+{DATE}$", re.I),
    # "Tarkastuslautakunta 1 / 2015 12.03.2015": body, meeting number, date.
    re.compile(rf"^{BODY}\s+\d{{1,3}}\s*/\s*\d{{4}}\s+{DATE}$"),
)
DATED_BODY_RE = re.compile(rf"^{BODY}\s+{DATE}\.?$")
# A table-of-contents line: "40 § Val av protokolljusterare ........ 2".
CONTENTS_LEADER_RE = re.compile(r"\.{4,}\s*\d+\s*$|\s\d{1,3}$")


@dataclass(frozen=True)
class Cue:
    """What one line says about an item or its meeting."""

    kind: str
    section: int | None = None
    body: str | None = None
    date: str | None = None
    title: str | None = None
    doc_kind: str | None = None
    bad_date: str | None = None  # a printed date that cannot be (31.02.2023)

    @property
    def starts_item(self) -> bool:
        """True for the cue kinds that can open an agenda item."""
        return self.kind in ITEM_KINDS


ITEM_KINDS = frozenset(
    {"header", "section_title", "section", "abbrev_section", "case", "page_label"}
)


def iso(printed: str) -> str:
    """A day-first date ("5.12.2023", "7.3.23", "12 februari 2024") as ISO;
    ValueError if impossible."""
    worded = re.match(r"(\d{1,2})\.?\s+(\w+)\s+(\d{4})$", printed.strip())
    if worded:
        month = MONTHS.get(worded[2].lower())
        if month is None:
            raise ValueError(f"no month named {worded[2]!r}")
        return date(int(worded[3]), month, int(worded[1])).isoformat()
    day, month, year = (int(p) for p in re.split(r"[.-]", re.sub(r"\s", "", printed)))
    if year < 100:
        year += 2000
    return date(year, month, day).isoformat()


def _date_of(match: re.Match[str]) -> tuple[str | None, str | None]:
    """(ISO date, None) or (None, the impossible date as printed)."""
    printed = match.groupdict().get("date")
    if not printed:
        return None, None
    try:
        return iso(printed), None
    except ValueError:
        return None, printed


def _section_of(match: re.Match[str]) -> int | None:
    """The § of a match (groups sa, sb or sc)."""
    groups = match.groupdict()
    value = groups.get("sa") or groups.get("sb") or groups.get("sc")
    return int(value) if value else None


def is_body_like(text: str | None) -> bool:
    """True for a body name ("Kunnanhallitus", "Kaupunkisuunnittelu- ja
    ympäristölautakunta", "Stadsstyrelsen") or a body abbreviation ("Khall",
    "KVALT", "Teknpltk")."""
    if not text:
        return False
    words = text.split()
    last = words[-1].lower().rstrip(".")
    if last.endswith(BODY_SUFFIXES) or last in BODY_ABBREVIATIONS:
        return True
    return len(words) == 1 and 2 <= len(last) <= 12 and text[0].isupper()


def is_abbreviation(text: str) -> bool:
    """True for a short body abbreviation ("Kvalt", "KHALL", "Teknpltk")."""
    key = text.lower().rstrip(".")
    if key in BODY_ABBREVIATIONS:
        return True
    return bool(re.fullmatch(r"[a-zåäö]{2,12}", key)) and key.endswith(
        ABBREVIATION_ENDINGS
    )


# Endings of body abbreviations (DOMAIN.md 3.1): -lt/-ltk/-lk lautakunta, -jao/-j
# jaosto, -hall/-h hallitus, -valt/-vsto/-v valtuusto; Swedish -fm, -st.
ABBREVIATION_ENDINGS: tuple[str, ...] = (
    "ltk",
    "lk",
    "lt",
    "jao",
    "jaos",
    "hall",
    "hallitus",
    "valt",
    "vsto",
    "kv",
    "kh",
    "fm",
    "sst",
    "ks",
    "kf",
    "kst",
    "styr",
    "fge",
    "fm",
)


def doc_kind_of(word: str | None) -> str | None:
    """ "agenda" or "minutes" for a kind word (Esityslista, Protokoll …)."""
    if not word:
        return None
    if AGENDA_CUES.search(word):
        return "agenda"
    return "minutes" if MINUTES_CUES.search(word) else None


def export_header_cue(text: str) -> Cue | None:
    """A Dynasty PDF export's header "45, KST 2011-03-07 18:00" (§ -1 is its cover)."""
    match = EXPORT_HEADER_RE.match(text)
    if not match or match["sc"].startswith("-"):
        return None
    try:
        found = date.fromisoformat(match["iso"]).isoformat()
    except ValueError:
        return Cue("header", int(match["sc"]), match["body"], bad_date=match["iso"])
    return Cue("header", int(match["sc"]), match["body"], found)


def header_cue(text: str) -> Cue | None:
    """A header line `<Body> <date> § N` (or `<Body> § N`, or a table row)."""
    exported = export_header_cue(text)
    if exported:
        return exported
    match = TABLE_ROW_RE.match(text)
    if match and is_body_like(match["body"]):
        found, bad = _date_of(match)
        return Cue(
            "header", _section_of(match), match["body"].strip(), found, bad_date=bad
        )
    for pattern in HEADER_RES:
        match = pattern.match(text)
        if match and is_body_like(match["body"].strip(" |,")):
            found, bad = _date_of(match)
            body = match["body"].strip(" |,")
            if (
                "date" not in pattern.groupindex
                and not is_abbreviation(body)
                and not body.lower().endswith(BODY_SUFFIXES)
            ):
                continue
            return Cue("header", _section_of(match), body, found, bad_date=bad)
    return None


def page_label_cue(text: str) -> Cue | None:
    """A Dynasty page label `Pöytäkirja 26.06.2023/Pykälä 8`."""
    match = PAGE_LABEL_RE.match(text)
    if not match:
        return None
    found, bad = _date_of(match)
    body = (match["body"] or "").strip() or None
    kind = doc_kind_of(match["kind"])
    if match["sc"] is None and match["n"] is None:
        return Cue("context", body=body, date=found, doc_kind=kind, bad_date=bad)
    return Cue("page_label", _section_of(match), body, found, None, kind, bad)


def section_cue(text: str) -> Cue | None:
    """`§ 56 Title`, a bare `§ 56`, `KVALT 37` or `Ärende 15. / 85 §`."""
    match = SECTION_TITLE_RE.match(text)
    if match and not match["title"].rstrip().endswith((",", ";")):
        return Cue("section_title", _section_of(match), title=match["title"].strip())
    match = NUMBERED_UPPER_TITLE_RE.match(text)
    if match and sum(c.isalpha() for c in match["title"]) >= 6:
        return Cue("section_title", _section_of(match), title=match["title"])
    match = SECTION_RE.match(text)
    if match:
        return Cue("section", _section_of(match))
    match = CASE_RE.match(text)
    if match:
        return Cue("case", _section_of(match))
    match = ABBREV_SECTION_RE.match(text)
    if match and is_abbreviation(match["body"]):
        return Cue("abbrev_section", _section_of(match), match["body"])
    return None


def context_cue(
    text: str,
    patterns: tuple[re.Pattern[str], ...] = CONTEXT_RES,
    date_lines: tuple[re.Pattern[str], ...] = DATE_LINE_RES,
) -> Cue | None:
    """A line that names the meeting (body, date, kind) without starting an item
    (tried against `patterns`, then `date_lines`)."""
    for pattern in patterns:
        match = pattern.match(text)
        if match:
            found, bad = _date_of(match)
            groups = match.groupdict()
            body = groups.get("body") or genitive_body(groups.get("genitive"))
            kind = doc_kind_of(groups.get("kind") or text)
            return Cue(
                "context",
                body=body.strip() if body else None,
                date=found,
                doc_kind=kind,
                bad_date=bad,
            )
    for pattern in date_lines:
        match = pattern.match(text)
        if match:
            found, bad = _date_of(match)
            groups = match.groupdict()
            body, kind = groups.get("body"), groups.get("kind")
            return Cue(
                "context",
                body=body.strip() if body else None,
                date=found,
                doc_kind=doc_kind_of(kind) if kind else None,
                bad_date=bad,
            )
    return None


MEETING_GENITIVES = frozenset({"kokouksen", "sammanträdes", "mötets"})


def genitive_body(words: str | None) -> str | None:
    """The body of a genitive heading ("Kaupunginhallituksen kokouksen",
    "HSL:n hallituksen" → its last genitive word, "hallituksen")."""
    if not words:
        return None
    kept = [w for w in words.split() if w.lower() not in MEETING_GENITIVES]
    return kept[-1] if kept else None


def dated_body_cue(text: str) -> Cue | None:
    """`Kunnanhallitus 29.4.2019`: a handling of the case, without §."""
    match = DATED_BODY_RE.match(text)
    if not match or not is_body_like(match["body"].strip()):
        return None
    body = match["body"].strip()
    if (
        " " not in body
        and not is_abbreviation(body)
        and not body.lower().endswith(BODY_SUFFIXES)
    ):
        return None
    found, bad = _date_of(match)
    return Cue("dated_body", body=body, date=found, bad_date=bad)


# Every cue but a genitive context line ("Stadsfullmäktiges beslut") needs a digit
# (a date, a §, a number): a line without one is tried as that line only.
DIGIT_RE = re.compile(r"\d")


def read(text: str) -> Cue | None:
    """What a line says, trying the cues from the most to the least specific."""
    return _kept_read(text) if len(text) <= COLLAPSED_LINE else _read(text)


# Lines read lately: a line is read more than once on its way through the
# segmenter, and page headers and footers repeat on every page (Cues are frozen).
# A longer line (a page's collapsed text) is read each time: memory stays small.
CUES_KEPT = 4096


def _read(text: str) -> Cue | None:
    """`read` without its cache."""
    if not DIGIT_RE.search(text):
        return context_cue(text, (GENITIVE_CONTEXT_RE,), ())
    return (
        page_label_cue(text)
        or header_cue(text)
        or section_cue(text)
        or context_cue(text)
        or dated_body_cue(text)
    )


_kept_read = functools.lru_cache(maxsize=CUES_KEPT)(_read)

"""One small parser per field: header, date, §, diary number, body, language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from charset_normalizer import from_bytes

from extractors.names import place_baseform
from models.lexicon import FINNISH_FUNCTION_WORDS, SWEDISH_FUNCTION_WORDS
from models.vocab import (
    AGENDA_CUES,
    BODY_ABBREVIATIONS,
    BODY_SUFFIXES,
    CITY_ABBREVIATIONS,
    MINUTES_CUES,
)

DATE = r"(?P<date>\d{1,2}\.\d{1,2}\.\d{4})"
SECTION = r"(?:§\s*(?P<sec_a>\d+)|(?P<sec_b>\d+)\s*§)"
HEADER_RE = re.compile(
    rf"^(?P<body>[A-ZÅÄÖ][\w.\-]*(?: [a-zåäö\-]+)?)\s+{DATE}\s*,?\s*{SECTION}\s*$"
)
DIARY_LABEL_RE = re.compile(r"^(?:dnro|dno|dnr|asianro|asianumero)\.?:?\s*", re.I)
DIARY_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?:[A-ZÅÄÖ]{1,6}[/:])?\d{1,6}/\d{2}(?:\.\d{2}){1,4}\s?/\s?\d{4}"),
    re.compile(r"[A-ZÅÄÖ]{2,8}Dno-\d{4}-\d+"),
    re.compile(r"HEL[ -]\d{4}-\d{6}(?:\s+T\s+\d{2}(?:\s\d{2}){1,4})?"),
    re.compile(r"\d{1,6}-\d{4} \(\d+(?:[ ,]+\d+)*\)"),
)
CITY_CUES = re.compile(r"\bkaupungin|\bkaupunki|\bstaden\b|\bstadens\b", re.I)
MUNICIPALITY_RE = re.compile(
    r"\b(?P<genitive>[A-ZÅÄÖ][a-zåäö\-]+n) (?:kunta|kunnan|kaupunki|kaupungin)\b"
)
WORD_RE = re.compile(r"[^\W\d_]+")
# Spaces beside a '/' inside a diary number ("3700/11.01.00 /2011", Espoo).
DIARY_SLASH_SPACE_RE = re.compile(r"\s*/\s*")
# The classification code: the middle of "N/TT.TT.TT/YYYY", Turku's "(611)" suffix.
DIARY_CLASS_RE = re.compile(r"/(?P<code>\d{2}(?:\.\d{2}){1,4})/\d{4}$")
SPACED_T_CLASS_RE = re.compile(r"\sT\s(?P<code>\d{2}(?:\s\d{2}){1,4})$")
BRACKETED_DIARY_RE = re.compile(r"^(?P<number>\d{1,6}-\d{4}) \((?P<code>[^)]+)\)$")
SPLIT_DIARY_HEAD_RE = re.compile(r"^(?P<number>\d{1,6})/(?P<year>\d{4})$")
SPLIT_DIARY_TAIL_RE = re.compile(r"^\d{2}(?:\.\d{2}){1,3}$")
DECIDES_RE = re.compile(
    r"^(?P<subject>[A-ZÅÄÖ][\w\-]*(?:\s+(?:ja\s+|och\s+)?[\w\-]+){0,4}?)\s+"
    r"(?:päättää|päätti|esittää|beslutar|beslöt|föreslår)\b"
)
# A body named in running text: a word ending like a body name, with up to four
# words before it ("Sivistys- ja tulevaisuuslautakunta", "Lapin liiton hallitus").
BODY_PHRASE_RE = re.compile(
    r"(?<![\w\-])(?P<phrase>(?:[\w\-:]+\s+){0,4}[\w\-]*(?:"
    + "|".join(BODY_SUFFIXES)
    + r"))(?![\w\-])",
    re.I,
)


# A § is a positive number of at most four digits (DOMAIN.md 3.3; the cue patterns
# read `\d{1,4}`): "§ 0" or a longer number is not one.
MAX_SECTION = 9999


def digits_value(text: str | None) -> int | None:
    """The number written in ASCII digits (outer spaces allowed), else None: "²"
    and "①" are digits to str.isdigit but not to int()."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def section_number(value: int | str | None) -> int | None:
    """A § number (1-MAX_SECTION) from an int or digits, None for anything else."""
    if isinstance(value, str):
        value = digits_value(value)
    if type(value) is not int or not 0 < value <= MAX_SECTION:
        return None
    return value


@dataclass(frozen=True)
class Header:
    """The item header line: `Khall 05.12.2023 § 451`."""

    body_printed: str
    meeting_date: str
    section: int


def decode_text(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), then windows-1252 (what Finnish
    sites use when not UTF-8), else the encoding charset-normalizer detects."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data, 0, len(data), "no encoding fits")
    return str(best)


def iso_date(day_first: str) -> str:
    """`05.12.2023` or `5.12.2023` → `2023-12-05`; raises ValueError if impossible."""
    day, month, year = (int(part) for part in day_first.strip(".").split("."))
    return date(year, month, day).isoformat()


def iso_date_or_none(day_first: str) -> str | None:
    """`iso_date`, or None when the printed date is impossible (31.2.2023)."""
    try:
        return iso_date(day_first)
    except ValueError:
        return None


def parse_header(line: str) -> Header | None:
    """The body, date and § of a header line, or None if the line is not one."""
    match = HEADER_RE.match(line.strip())
    if not match:
        return None
    section = match.group("sec_a") or match.group("sec_b")
    try:
        meeting_date = iso_date(match.group("date"))
    except ValueError:
        return None
    return Header(match.group("body"), meeting_date, int(section))


def printed_diary(line: str | None) -> str | None:
    """The diary number on a line as printed, label removed, whitespace collapsed."""
    if not line:
        return None
    text = DIARY_LABEL_RE.sub("", " ".join(line.split()))
    for pattern in DIARY_PATTERNS:
        match = pattern.search(text)
        if match:
            return DIARY_SLASH_SPACE_RE.sub("/", match.group(0))
    return None


def diary_number(line: str | None) -> str | None:
    """The diary number on a line as printed, a classification code with it
    ("3720-2013 (611)", "HEL 2018-012640 T 00 01 01") kept (CONTRACT.md: as
    printed); `diary_class` gives the code alone."""
    return printed_diary(line)


def diary_class(line: str | None) -> str | None:
    """The classification code (tehtäväluokka) of the diary number on a line:
    "00.00.01" of "21/00.00.01/2023", "611" of "3720-2013 (611)", else None."""
    printed = printed_diary(line) or ""
    match = (
        BRACKETED_DIARY_RE.match(printed)
        or DIARY_CLASS_RE.search(printed)
        or SPACED_T_CLASS_RE.search(printed)
    )
    return match.group("code") if match else None


def is_body_name(word: str) -> bool:
    """True for a full body name such as "Kunnanhallitus" or "Välfärdsnämnden"."""
    return word.lower().endswith(BODY_SUFFIXES)


def body_from_proposal(proposal: str | None) -> str | None:
    """The deciding body named as the subject of the proposal ("X päättää ...")."""
    if not proposal:
        return None
    match = DECIDES_RE.match(proposal.strip())
    if match and is_body_name(match.group("subject").split()[-1]):
        return match.group("subject")
    return None


def abbreviates(abbreviation: str, name: str) -> bool:
    """True when an abbreviation's letters occur in order in a name, starting with
    its first letter ("Opkaltk" ~ "Opetus- ja kasvatuslautakunta", "LLHall" ~
    "Lapin liiton hallitus")."""
    short = re.sub(r"[^\w]", "", abbreviation.lower())
    long = name.lower()
    if not short or not long or short[0] != long[0]:
        return False
    position = 0
    for letter in long:
        if position < len(short) and letter == short[position]:
            position += 1
    return position == len(short)


def body_in_text(abbreviation: str, text: str) -> str | None:
    """The full body name in the text that the abbreviation stands for: the
    shortest nominative phrase it abbreviates, most frequent first."""
    counts: dict[str, int] = {}
    for match in BODY_PHRASE_RE.finditer(text):
        words = match["phrase"].split()
        for start in range(len(words)):
            phrase = " ".join(words[start:])
            if phrase[0].isupper() and abbreviates(abbreviation, phrase):
                counts[phrase] = counts.get(phrase, 0) + 1
                break
    if not counts:
        return None
    return min(counts, key=lambda p: (-counts[p], len(p)))


def is_city(text: str) -> bool:
    """True when the text speaks of a city (kaupunki) rather than a kunta."""
    return bool(CITY_CUES.search(text))


def expand_body(
    printed: str, text: str, proposal: str | None
) -> tuple[str, str | None]:
    """(full body name, abbreviation as printed or None when printed in full)."""
    if is_body_name(printed) or " " in printed:
        return printed[0].upper() + printed[1:], None
    key = printed.lower().rstrip(".")
    table = {**BODY_ABBREVIATIONS, **CITY_ABBREVIATIONS} if is_city(text) else {}
    expanded = table.get(key) or BODY_ABBREVIATIONS.get(key)
    subject = body_from_proposal(proposal)
    if not expanded and subject and abbreviates(printed, subject):
        expanded = subject
    expanded = expanded or body_in_text(printed, text)
    return expanded or subject or printed, printed


def language(text: str) -> str:
    """ "sv" when Swedish function words outnumber Finnish ones, else "fi"."""
    words = [word.lower() for word in WORD_RE.findall(text)]
    swedish = sum(word in SWEDISH_FUNCTION_WORDS for word in words)
    finnish = sum(word in FINNISH_FUNCTION_WORDS for word in words)
    return "sv" if swedish > finnish else "fi"


def doc_kind(has_decision: bool) -> str:
    """ "minutes" when the item carries a decision, else "agenda"."""
    return "minutes" if has_decision else "agenda"


def municipality(*texts: str | None) -> str | None:
    """The municipality the text names as itself ("Kittilän kunta" → "Kittilä")."""
    for text in texts:
        for match in MUNICIPALITY_RE.finditer(text or ""):
            place = place_baseform(match.group("genitive"))
            if place:
                return place
    return None


def joined_diary(head: str, tail: str) -> str | None:
    """A diary number printed on two lines ("730/2017" + "00.01.01.00", Espoo) as
    one "730/00.01.01.00/2017"; None when the lines are not that form."""
    match = SPLIT_DIARY_HEAD_RE.match(head.strip())
    if not match or not SPLIT_DIARY_TAIL_RE.match(tail.strip()):
        return None
    return f"{match.group('number')}/{tail.strip()}/{match.group('year')}"


def doc_kind_named(text: str) -> str | None:
    """ "agenda" or "minutes" when the text names the kind (Esityslista/Pöytäkirja)."""
    if AGENDA_CUES.search(text):
        return "agenda"
    return "minutes" if MINUTES_CUES.search(text) else None

"""One line stream for every format: text with the hints the format has.

A normaliser turns a document (plain text, HTML, PDF) into `Line`s; the generic
segmenter and section grouper read only these. Hints a format lacks stay at their
defaults (plain text has no bold; HTML has no x position).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

MARKDOWN_HEADING_RE = re.compile(r"^(?P<marks>#{1,6})\s+(?P<text>.+)$")
BULLET_RE = re.compile(r"^(?:[•·▪◦●]|[-*](?=\s)|\*(?=[A-ZÅÄÖ]))\s*")
# A line this long holds a whole page (a PDF transcript's text, collapsed).
COLLAPSED_LINE = 400


@dataclass(frozen=True)
class Line:
    """One line of a document with its layout hints.

    `lead` is a label the line opens with when the format marks it (a bold run in
    HTML, a caption cell in a PDF); `rest` is the text after it. `gap_before` is a
    paragraph break (blank line, empty block, large vertical gap) before the line."""

    text: str
    lead: str | None = None
    rest: str = ""
    level: int = 0  # heading level 1-6; 0 for body text
    bold: bool = False
    size: float | None = None
    x: float | None = None
    page: int | None = None
    cell: int | None = None  # table cell index within a row
    gap_before: bool = False
    bullet: bool = False


def clean(text: str) -> str:
    """Whitespace (no-break spaces included) collapsed to single spaces."""
    return " ".join(text.replace("\xa0", " ").replace("\u200b", "").split())


# A stored document page names its file in a download link: 'Download "PÖYTÄKIRJA
# Kokouspäivä 18.5.2011"' — the quoted title is the line's text.
DOWNLOAD_TITLE_RE = re.compile(r'^(?:Download|Lataa|Ladda ner)\s+"(?P<title>[^"]+)"$')


def text_lines(text: str) -> list[Line]:
    """Plain text (or a stored web page's text) as lines: blank lines become
    `gap_before`, markdown `#` titles become headings, bullets are marked; a whole
    page collapsed onto one line (a PDF transcript) is split at its item cues."""
    lines: list[Line] = []
    gap = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = DOWNLOAD_TITLE_RE.sub(r"\g<title>", clean(raw))
        if not stripped:
            gap = True
            continue
        if is_collapsed(stripped):
            lines.extend(collapsed_lines(PAGE_NUMBER_RE.sub("", stripped)))
        else:
            lines.append(text_line(stripped, gap))
        gap = False
    return lines


# Where a collapsed page breaks: before a body abbreviation with § ("KH § 117"),
# a § cue, an upper-case title (with or without its number), or a label word that
# follows a sentence's end.
UPPER_WORD = r"[A-ZÅÄÖ0-9][A-ZÅÄÖ0-9\-/,.():]*"
COLLAPSED_BREAK_RE = re.compile(
    r"(?<=\s)(?="
    r"(?:§\s*)?\d{1,4},\s*[A-ZÅÄÖ]{2,11}\s+\d{4}-\d{2}-\d{2}\b"
    r"|"
    r"[A-ZÅÄÖ]{1,8}\s*§\s*\d{1,4}\b"
    r"|(?<![A-ZÅÄÖ0-9]\s)[A-ZÅÄÖ]{2,8}\s+\d{1,4}\s"  # "KH 117", not "VUODEN 2013"
    r"|(?<!\d{4}\s)§\s*\d{1,4}\s"  # never between a header's date and its §
    # a numbered upper-case title, never a number inside one ("VUODEN 2013 …")
    r"|(?<![A-ZÅÄÖ]\s)\d{1,4}\s+[A-ZÅÄÖ]{3,}(?:\s+[A-ZÅÄÖ0-9\-/,.():]+)+\s"
    rf"|(?<![A-ZÅÄÖ0-9,] ){UPPER_WORD}[A-ZÅÄÖ]{{3,}}{UPPER_WORD}(?:\s+{UPPER_WORD})+\s"
    r"|(?:PÄÄTÖS|Päätös|PÄÄTÖSEHDOTUS|Päätösehdotus|EHDOTUS|Ehdotus|ESITYS|"
    r"Esitys|Päätösesitys|ESITTELIJÄ|Esittelijä|KÄSITTELY|Käsittely|Beslut|BESLUT|"
    r"Förslag|FÖRSLAG|Beslutsförslag|Behandling|Föredragande)\b:?\s"
    r")"
)
# A shorter line is split too when an item cue stands inside it.
COLLAPSED_WITH_CUE = 60
INNER_CUE_RE = re.compile(
    r"\s(?:\d{1,4}\s+[A-ZÅÄÖ]{3,}\s+[A-ZÅÄÖ]{2,}|[A-ZÅÄÖ]{2,8}\s*§?\s*\d{1,4}\s)"
)
# The page number a transcript's page line starts with.
PAGE_NUMBER_RE = re.compile(r"^\d{1,3}\s+(?=[A-ZÅÄÖ])")


def is_collapsed(text: str) -> bool:
    """True for a line that holds a whole page (or its cues) run together."""
    if len(text) > COLLAPSED_LINE:
        return True
    return len(text) > COLLAPSED_WITH_CUE and bool(INNER_CUE_RE.search(text, 1))


UPPER_TITLE_RE = re.compile(rf"^(?:\d{{1,4}}\s+)?{UPPER_WORD}(?:\s+{UPPER_WORD})+$")
UPPER_RUN_END_RE = re.compile(
    rf"^(?P<run>(?:\d{{1,4}}\s+)?(?:{UPPER_WORD}\s+)+?{UPPER_WORD})"
    r"(?=\s+(?:[A-ZÅÄÖ]{1,8}\s*§|[A-ZÅÄÖ]?[a-zåäö]))"
)


SECTION_HEAD_RE = re.compile(
    r"^(?P<cue>(?:[A-ZÅÄÖ]{1,8}\s*)?§\s*\d{1,4})\s+(?P<rest>\S.*)$"
)
LONE_ABBREVIATION_RE = re.compile(r"^[A-ZÅÄÖ]{1,8}$")


ABBREVIATION_NUMBER_RE = re.compile(
    r"(?<!\S)(?P<abbr>[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{1,8})\s+(?P<n>\d{1,4})\s+(?=[A-ZÅÄÖ])"
)


def abbreviation_breaks(piece: str) -> list[str]:
    """A piece split before and after each body abbreviation with a number ("…
    BESLUTFÖRHET Kst 25 Konstatera …" → "… BESLUTFÖRHET", "Kst 25", "Konstatera …")."""
    from extractors.cues import is_abbreviation

    parts, last = [], 0
    for match in ABBREVIATION_NUMBER_RE.finditer(piece):
        if not is_abbreviation(match["abbr"]):
            continue
        parts.extend([piece[last : match.start()], f"{match['abbr']} {match['n']}"])
        last = match.end()
    parts.append(piece[last:])
    return [part.strip() for part in parts if part.strip()]


def collapsed_pieces(text: str) -> list[str]:
    """The pieces of a collapsed page: a lone abbreviation joins the § after it,
    and a § cue is parted from the text that follows it."""
    pieces: list[str] = []
    for raw in (p.strip() for p in COLLAPSED_BREAK_RE.split(text)):
        for piece in abbreviation_breaks(raw) if raw else []:
            if pieces and LONE_ABBREVIATION_RE.match(pieces[-1]) and piece[0] == "§":
                piece = f"{pieces.pop()} {piece}"
            head = SECTION_HEAD_RE.match(piece)
            pieces.extend([head["cue"], head["rest"]] if head else [piece])
    return pieces


def collapsed_lines(text: str) -> list[Line]:
    """A page that lost its line breaks, split at its cues: upper-case titles become
    heading lines, the rest paragraphs."""
    result: list[Line] = []
    for piece in collapsed_pieces(text):
        piece = piece.strip()
        if not piece:
            continue
        run = UPPER_RUN_END_RE.match(piece)
        if run and sum(c.isupper() for c in run["run"]) >= 6:
            result.append(Line(run["run"], level=3, gap_before=True))
            piece = piece[run.end() :].strip()
        elif UPPER_TITLE_RE.match(piece) and sum(c.isupper() for c in piece) >= 6:
            result.append(Line(piece, level=3, gap_before=True))
            continue
        head = HEADER_HEAD_RE.match(piece)
        for part in [head["cue"], head["rest"]] if head else [piece]:
            if part:
                result.append(Line(part, gap_before=True))
    return result


# A handling header that leads a piece of a collapsed page ("Kunnanhallitus
# 01.10.2012 § 228 Kuntalain 66 §:n mukaan …"): its own line.
HEADER_HEAD_RE = re.compile(
    r"^(?P<cue>[A-ZÅÄÖ][\wåäö\-]+(?:\s[\wåäö\-]+){0,3}\s+\d{1,2}\.\d{1,2}\.\d{4}"
    r",?\s*§\s*\d{1,4})\s+(?P<rest>\S.*)$"
)


def text_line(stripped: str, gap: bool) -> Line:
    """One non-empty line of plain text."""
    heading = MARKDOWN_HEADING_RE.match(stripped)
    if heading:
        level = len(heading.group("marks"))
        return Line(heading.group("text").strip(), level=level, gap_before=gap)
    bullet = BULLET_RE.match(stripped)
    if bullet and len(stripped) > bullet.end():
        return Line(stripped[bullet.end() :], gap_before=gap, bullet=True)
    return Line(stripped, gap_before=gap)


def joined(lines: list[Line]) -> str | None:
    """Lines as text: one per line, a blank line at each paragraph break; a PDF's
    wrapped lines (they carry an x position) are joined into their paragraph."""
    parts: list[str] = []
    for line in lines:
        if line.gap_before and parts:
            parts.append("")
        if line.x is not None and parts and parts[-1] and not line.gap_before:
            parts[-1] = f"{parts[-1]} {line.text}"
        else:
            parts.append(line.text)
    return "\n".join(parts).strip() or None


def with_text(line: Line, text: str) -> Line:
    """The same line (hints kept) holding another text."""
    return replace(line, text=text, lead=None, rest="")

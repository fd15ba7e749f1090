"""Find where agenda items start in a line stream, and the meeting they belong to.

Generic over layouts: the cues of `extractors.cues` are read on every line; the
meeting's context (body, date, kind, and the § of a one-item page) comes from page
labels, breadcrumbs, page headings and cover pages; then the item starts are the
cues that are not

- a table of contents (a run of § lines with nothing between them),
- an earlier handling (a header dated another day, or another § on a one-item page),
- a repeat of the item already open (its § again, e.g. `Aluehallitus 04.12.2023
  § 198` right after the page label `Pöytäkirja 04.12.2023/Pykälä 198`).

A heading line just above an item's first cue (a markdown `## Title`) belongs to
that item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors import cues
from extractors.cues import Cue
from extractors.lines import Line, with_text
from models.vocab import (
    BODY_SUFFIXES,
    DECISION_SENTENCE,
    HEADINGS,
    LIST_NUMBER,
    PAGE_CHROME,
    TITLE_LINK_SUFFIX,
)

# A run of at least this many § lines, each at most CONTENTS_GAP lines from the
# next, is a table of contents.
CONTENTS_RUN = 3
CONTENTS_GAP = 2
# A cue at most this many lines after an item's first cue, with no section heading
# between, tells more of the same item's header.
HEADER_WINDOW = 12
# Lines longer than this are running text, never a header region's line.
HEADER_LINE_MAX = 200
# How many lines from the top a page's context is looked for.
CONTEXT_LINES = 60
LONE_DATE_RE = re.compile(rf"^{cues.DATE}(?:\s+(?:klo|kl\.?)\s*[\d.:]+)?$")


@dataclass
class Meeting:
    """What the document says of its meeting (None where it does not say)."""

    body: str | None = None
    date: str | None = None
    doc_kind: str | None = None
    section: int | None = None  # a one-item page's § (Dynasty page label)
    bad_date: str | None = None


@dataclass
class Start:
    """Where one item starts: its first line and what its cues say."""

    index: int
    cue_index: int
    section: int | None
    body: str | None
    date: str | None
    title: str | None
    doc_kind: str | None
    cue_kinds: list[str] = field(default_factory=list)
    bad_date: str | None = None
    # A bulletin item: its text after the title is the decision even unlabelled.
    implicit_decision: bool = False
    abbrev: str | None = None  # the body's abbreviation a later header prints


@dataclass
class Segment:
    """One item's lines (from its start to the next item) and its header facts."""

    start: Start
    lines: list[Line]
    offset: int  # index of lines[0] in the document's lines


@dataclass
class Segmentation:
    """The items of a document, its meeting, and titles from a table of contents."""

    meeting: Meeting
    segments: list[Segment]
    contents: dict[int, str] = field(default_factory=dict)
    preamble: list[Line] = field(default_factory=list)  # lines above the items


def read_cues(lines: list[Line]) -> list[Cue | None]:
    """The cue of each line (None for a line that is not one)."""
    return [
        cues.read(line.text) if len(line.text) <= HEADER_LINE_MAX else None
        for line in lines
    ]


def is_heading_line(line: Line) -> bool:
    """True when the line is only a section heading ("Päätös", "Esittelijä:")."""
    key = heading_key(line.lead or line.text)
    return key in HEADINGS


def heading_key(text: str) -> str:
    """A heading's lookup key: lower case, no trailing colon, no parenthesis."""
    text = text.split("(")[0] if "(" in text else text
    return " ".join(text.strip().rstrip(":").strip().lower().split())


def page_label_body(lines: list[Line], index: int) -> str | None:
    """The body printed on the line above a page label (Dynasty: `Aluehallitus`)."""
    if index == 0:
        return None
    above = lines[index - 1].text.strip()
    if cues.is_body_like(above) or (
        0 < len(above.split()) <= 6
        and above[:1].isupper()
        and "://" not in above
        and ":" not in above
    ):
        return above if len(above) <= 80 else None
    return None


def meeting_of(lines: list[Line], found: list[Cue | None]) -> Meeting:
    """The meeting's context from page labels and context lines near the top."""
    meeting = Meeting()
    top = first_item_line(found)
    for index, cue in enumerate(found[:CONTEXT_LINES]):
        if cue is None:
            continue
        if cue.kind == "page_label":
            body = cue.body or page_label_body(lines, index)
            _fill(meeting, body, cue)
            meeting.section = meeting.section or cue.section
        elif cue.kind == "context" and index < top:
            _fill(meeting, cue.body, cue)
    meeting.body = meeting.body or lone_body(lines[:top])
    meeting.date = meeting.date or lone_date(lines[:top])
    return meeting


def first_item_line(found: list[Cue | None]) -> int:
    """Index of the first line whose cue can start an item (CONTEXT_LINES if none)."""
    return next(
        (i for i, cue in enumerate(found) if cue and cue.starts_item), CONTEXT_LINES
    )


def lone_body(lines: list[Line]) -> str | None:
    """A line above the items that is only a body's name (a cover or page head)."""
    for line in lines:
        words = line.text.split()
        if (
            0 < len(words) <= 6
            and line.text.lower().endswith(BODY_SUFFIXES)
            and line.text[0].isupper()
            and not any(w.endswith(",") for w in words)
        ):
            return line.text
    return None


def lone_date(lines: list[Line]) -> str | None:
    """The one date printed alone on a line above the items."""
    dates = set()
    for line in lines:
        match = LONE_DATE_RE.match(line.text)
        if match:
            try:
                dates.add(cues.iso(match["date"]))
            except ValueError:
                continue
    return dates.pop() if len(dates) == 1 else None


def _fill(meeting: Meeting, body: str | None, cue: Cue) -> None:
    """Fill what the meeting does not know yet from one cue."""
    meeting.body = meeting.body or body
    meeting.date = meeting.date or cue.date
    meeting.bad_date = meeting.bad_date or cue.bad_date
    meeting.doc_kind = meeting.doc_kind or cue.doc_kind


def contents_lines(
    found: list[Cue | None], lines: list[Line] | None = None
) -> set[int]:
    """Indices of § lines that form a table of contents."""
    numbered = [
        i
        for i, cue in enumerate(found)
        if cue is not None and cue.kind in ("section_title", "abbrev_section")
    ]
    runs: list[list[int]] = []
    for index in numbered:
        if (
            runs
            and index - runs[-1][-1] <= CONTENTS_GAP
            and only_trivial(found, runs[-1][-1], index, lines)
            and not repeats_run(found, runs[-1], index)
        ):
            runs[-1].append(index)
        else:
            runs.append([index])
    return {
        i
        for run in runs
        if len(run) >= CONTENTS_RUN and is_contents(run, found, lines)
        for i in run
    }


def repeats_run(found: list[Cue | None], run: list[int], index: int) -> bool:
    """True when a § line repeats a § of the run: the items start after the
    contents list (its first § printed again)."""
    sections = {found[i].section for i in run}  # type: ignore[union-attr]
    return found[index].section in sections  # type: ignore[union-attr]


# Headings of a table of contents ("Käsiteltävät asiat", "SISÄLLYSLUETTELO",
# "Innehållsförteckning", "ASIAT:"), looked for just above a run of § lines.
CONTENTS_HEADING_RE = re.compile(
    r"(?:käsiteltävät|käsitellyt)\s+asiat|sisällysluettelo|asialuettelo|"
    r"innehållsförteckning|ärendeförteckning|behandlade\s+ärenden|"
    r"^asiat\b|asian\s+no|asia\s+otsikko|\bsivu\s*$|\bsida\s*$",
    re.I,
)
CONTENTS_HEADING_LINES = 3
PAGE_NUMBER_END_RE = re.compile(r"(?:\.{3,}|\s)\s*\d{1,3}$")


def is_contents(
    run: list[int], found: list[Cue | None], lines: list[Line] | None
) -> bool:
    """True when a run of § lines is a table of contents, not a list of items that
    print no text: its titles end with page numbers, a contents heading stands just
    above it, or its § come again later in the document."""
    titles = [found[i].title or "" for i in run]  # type: ignore[union-attr]
    if sum(bool(PAGE_NUMBER_END_RE.search(t)) for t in titles) * 2 >= len(run):
        return True
    above = lines[max(0, run[0] - CONTENTS_HEADING_LINES) : run[0]] if lines else []
    if any(CONTENTS_HEADING_RE.search(line.text) for line in above):
        return True
    sections = {found[i].section for i in run}  # type: ignore[union-attr]
    later = {
        cue.section
        for cue in found[run[-1] + 1 :]
        if cue is not None and cue.starts_item
    }
    return bool(sections & later) or lines is None


def only_trivial(
    found: list[Cue | None], start: int, end: int, lines: list[Line] | None = None
) -> bool:
    """True when nothing but cues, page numbers or wrapped upper-case title parts
    ("VALINTA 2") stands between two lines of a contents list."""
    for index in range(start + 1, end):
        if found[index] is not None:
            continue
        text = lines[index].text if lines else ""
        if not (text.isdigit() or (text.isupper() and len(text.split()) <= 6)):
            return False
    return True


def dominant_date(found: list[Cue | None]) -> str | None:
    """The meeting's date when no page names it: the latest date of a header cue
    (earlier handlings are listed with earlier dates, never later ones)."""
    dates = [cue.date for cue in found if cue and cue.kind == "header" and cue.date]
    return max(dates) if dates else None


def is_earlier_handling(cue: Cue, meeting: Meeting) -> bool:
    """True for a header of another meeting (another date, or another § of a
    one-item page)."""
    if cue.kind not in ("header", "section", "section_title", "abbrev_section"):
        return False
    if cue.date and meeting.date and cue.date != meeting.date:
        return True
    return bool(meeting.section and cue.section and cue.section != meeting.section)


# Lines between two § lines of a quoted list (another body's decisions listed in
# an item: "… teki kokouksessaan seuraavat päätökset:" then "1 § …", "2 § …").
QUOTED_GAP = 2
# A list is introduced by a sentence ("… teki seuraavat päätökset:"), not a heading.
QUOTE_INTRO_WORDS = 4


def quoted_lines(lines: list[Line], found: list[Cue | None]) -> set[int]:
    """Indices of § lines in a list that a line ending with ':' introduces inside
    an item (a list introduced before any item is the document's own items: "…
    teki kokouksessa seuraavat päätökset:" atop a decision bulletin)."""
    quoted: set[int] = set()
    first_item = next(
        (k for k, cue in enumerate(found) if cue is not None and cue.starts_item),
        len(lines),
    )
    index = first_item
    while index < len(lines):
        introduces = lines[index].text.rstrip().endswith(":") and (
            len(lines[index].text.split()) >= QUOTE_INTRO_WORDS
        )
        if not introduces or (
            found[index] and found[index].starts_item  # type: ignore[union-attr]
        ):
            index += 1
            continue
        run, k, gap = [], index + 1, 0
        while k < len(lines) and gap <= QUOTED_GAP:
            cue = found[k]
            if cue is not None and cue.kind == "section_title":
                run.append(k)
                gap = 0
            else:
                gap += 1
            k += 1
        if len(run) >= CONTENTS_RUN:
            quoted.update(run)
        index += 1
    return quoted


def candidates(
    lines: list[Line], found: list[Cue | None], meeting: Meeting
) -> list[int]:
    """Indices of lines whose cue may start an item."""
    toc = contents_lines(found, lines) | quoted_lines(lines, found)
    earlier = {
        cue.section
        for cue in found
        if cue and cue.date and cue.section and is_earlier_handling(cue, meeting)
    }
    result = []
    for index, cue in enumerate(found):
        if cue is None or not cue.starts_item or index in toc:
            continue
        if cue.kind == "page_label" and cue.section is None and cue.date is None:
            continue
        if is_earlier_handling(cue, meeting):
            continue
        if cue.date is None and cue.section in earlier:
            continue  # "Ksylk § 84" after a handlings table listing § 84
        result.append(index)
    return result


def opens_content(lines: list[Line], start: int, end: int) -> bool:
    """True when the lines between two cues hold a section heading or running text
    (so the later cue is not part of the earlier one's header)."""
    for line in lines[start + 1 : end]:
        if is_heading_line(line) or len(line.text) > HEADER_LINE_MAX:
            return True
    return end - start > HEADER_WINDOW


def same_item(start: Start, cue: Cue, lines: list[Line], index: int) -> bool:
    """True when a later cue repeats the item already open (not when the same § is
    printed again over an item with a title of its own: a misnumbered document's
    items stay apart)."""
    if start.section is not None and cue.section is not None:
        if cue.section != start.section:
            return False
        if opens_content(lines, start.cue_index, index) and own_title(
            lines, cue, index
        ):
            return False
        return cue.date in (None, start.date) or start.date is None
    if cue.section is None and cue.kind == "header":
        return not opens_content(lines, start.cue_index, index)
    return not opens_content(lines, start.cue_index, index)


def own_title(lines: list[Line], cue: Cue, index: int) -> bool:
    """True when a cue carries a title of its own ("§ 5 Title") or a heading line
    stands right above it ("## Title")."""
    return bool(cue.title) or (index > 0 and lines[index - 1].level > 0)


def new_start(index: int, cue: Cue, meeting: Meeting) -> Start:
    """A Start from an item's first cue."""
    return Start(
        index=index,
        cue_index=index,
        section=cue.section,
        body=cue.body if cue.kind in ("header", "abbrev_section") else None,
        date=cue.date,
        title=cue.title,
        doc_kind=cue.doc_kind,
        cue_kinds=[cue.kind],
        bad_date=cue.bad_date,
    )


def absorb(start: Start, cue: Cue, index: int) -> None:
    """Add what a repeated cue tells to an open item (first value wins)."""
    start.section = start.section if start.section is not None else cue.section
    if cue.kind in ("header", "abbrev_section") and cue.body:
        if start.body and cue.body != start.body and " " not in cue.body:
            start.abbrev = start.abbrev or cue.body
        start.body = start.body or cue.body
    start.date = start.date or cue.date
    start.title = start.title or cue.title
    start.doc_kind = start.doc_kind or cue.doc_kind
    start.bad_date = start.bad_date or cue.bad_date
    start.cue_kinds.append(cue.kind)


def starts_of(
    lines: list[Line], found: list[Cue | None], meeting: Meeting
) -> list[Start]:
    """The item starts, repeats of an open item absorbed into it."""
    starts: list[Start] = []
    for index in candidates(lines, found, meeting):
        cue = found[index]
        assert cue is not None
        if starts and same_item(starts[-1], cue, lines, index):
            absorb(starts[-1], cue, index)
            continue
        if meeting.section and starts:
            continue  # a one-item page: later cues belong to its handlings
        starts.append(new_start(index, cue, meeting))
    return starts


def with_heading_above(lines: list[Line], starts: list[Start]) -> None:
    """Move an item's first line up to a heading line right above its cue."""
    floor = 0
    for start in starts:
        above = start.index - 1
        if (
            above >= floor
            and not lines[start.index].level
            and titles_next(lines[above], start)
        ):
            start.index = above
            start.title = start.title or heading_title(lines[above].text)
        floor = start.cue_index + 1


# --- bulletins: items without a § (decision lists on web pages) -----------------

# A table header whose cells lost their spaces ("Turun kaupunki§KokouspvmAsia").
GLUED_SECTION_SIGN_RE = re.compile(r"[^\s\d]§|§[^\s\d]")
# A line that only names the document's kind or its organisation ("Pöytäkirja",
# "Vantaan kaupunki") is a page head, never an item's title.
KIND_ONLY_RE = re.compile(
    r"^(?:pöytäkirja|esityslista|lisäesityslista|protokoll|föredragningslista|"
    r"päätöslista|kokouskutsu|[\w\-]+n\s+(?:kaupunki|kunta)|[\w\-]+\s+(?:stad|kommun))"
    r"(?:\s+[\d/.\s]+)?$",
    re.I,
)
# A bulletin title is at most this long.
BULLETIN_TITLE_MAX = 220


def bulletin_title(line: Line) -> str | None:
    """The title a bulletin line gives ("1. Kokouksen laillisuus", "… pdf html"), or
    None when the line cannot be an item's title."""
    text = TITLE_LINK_SUFFIX.sub("", LIST_NUMBER.sub("", line.text)).strip()
    if not text or len(text) > BULLETIN_TITLE_MAX or not text[0].isupper():
        return None
    if text.endswith((".", ":", ";", ",")) or PAGE_CHROME.match(text):
        return None
    if GLUED_SECTION_SIGN_RE.search(text) or KIND_ONLY_RE.match(text):
        return None
    if cues.read(text) is not None or heading_key(text) in HEADINGS:
        return None
    from extractors.sections import label_of

    if label_of(Line(text), True) is not None:
        return None
    if DECISION_SENTENCE.match(text) or not any(c.isalpha() for c in text):
        return None
    return text


def is_decision_anchor(line: Line, first_in_paragraph: bool) -> bool:
    """True for a line that opens a decision: a `Päätös`/`Beslut` label, or a
    decision sentence at a paragraph's start."""
    from extractors.sections import label_of

    label = label_of(line, first_in_paragraph)
    if label is not None:
        return label.section.value == "decision"
    if LIST_INTRO_RE.search(line.text):
        return False
    return first_in_paragraph and bool(DECISION_SENTENCE.match(line.text))


# A sentence that introduces the list of decisions ("… beslutade på sitt möte om
# bland annat följande ärenden:", "… teki seuraavat päätökset:"), not a decision.
LIST_INTRO_RE = re.compile(
    r"\b(?:följande|seuraav\w*)\s+(?:\w+\s+)?(?:ärenden|beslut|asiat|asioista|"
    r"päätökset|päätöksiä)\s*:?\s*$",
    re.I,
)


DECISION_HEADINGS = frozenset(
    key for key, section in HEADINGS.items() if section.value == "decision"
)


BULLET_PARENTHESIS_RE = re.compile(
    r"^(?P<title>[^()]{3,220}?)\s*\((?P<decision>.+)\)\s*$"
)


def bullet_item(line: Line) -> tuple[str, str] | None:
    """(title, decision) of a bullet "Title: Hyväksyttiin …" or "Title (merkittiin
    tiedoksi)" line."""
    if not line.bullet:
        return None
    found = BULLET_PARENTHESIS_RE.match(line.text)
    if found:
        title, decision = found["title"], found["decision"]
    elif ":" in line.text:
        title, _, decision = line.text.partition(":")
    else:
        return None
    decision = decision.strip()
    if bulletin_title(Line(title.strip())) and reads_as_decision(decision):
        return title.strip(), decision
    return None


def numbered_decision(line: Line) -> tuple[str, str] | None:
    """("", decision) of a numbered list entry that reports a decision ("3.
    Kaupunginvaltuusto käsitteli ja hyväksyi tilinpäätöksen …"): an item whose
    title the page does not print."""
    number = LIST_NUMBER.match(line.text)
    if not number:
        return None
    rest = line.text[number.end() :].strip()
    if not rest or not rest[0].isupper():  # "1. merkitä …": a decision's own points
        return None
    return ("", rest) if reads_as_decision(rest) else None


def reads_as_decision(text: str) -> bool:
    """True when a text reports a decision ("Käydyn keskustelun jälkeen merkittiin
    tiedoksi.", "Hyväksyttiin esityslistan mukaisesti.")."""
    from models.vocab import OUTCOME_SENTENCES

    for sentence in text.split(". ")[:DECISION_SENTENCES_READ]:
        if DECISION_SENTENCE.match(sentence[:1].upper() + sentence[1:]):
            return True
        if any(p.search(sentence) for _, p in OUTCOME_SENTENCES[:-1]) or re.search(
            r"\b(?:hyväksyttiin|godkändes|todettiin)\b", sentence, re.I
        ):
            return True
    return False


# How many sentences of a bullet's text are read for a decision.
DECISION_SENTENCES_READ = 4


def bulletin_segments(lines: list[Line], meeting: Meeting) -> list[Segment]:
    """Items of a decision bulletin: a title line, then a decision (labelled or a
    decision sentence); a decision with no title of its own joins the item above."""
    segments: list[Segment] = listed_bullets(lines, meeting)
    listed = {seg.offset for seg in segments}
    floor = max(listed, default=-1) + 1
    # A text with no blank line at all tells no paragraphs: each line is one.
    unparagraphed = not any(line.gap_before for line in lines)
    for index, line in enumerate(lines):
        if index in listed:
            continue
        bullet = bullet_item(line) or numbered_decision(line)
        if bullet:
            title, decision = bullet
            start = bulletin_start(index, title, meeting)
            segments.append(Segment(start, [with_text(line, decision)], index))
            floor = index + 1
            continue
        first = (
            unparagraphed or index == 0 or line.gap_before or lines[index - 1].level > 0
        )
        if not is_decision_anchor(line, first):
            continue
        title_index = title_above(lines, index, floor, unparagraphed)
        if title_index is not None:
            title = bulletin_title(lines[title_index]) or ""
            segments.append(
                Segment(bulletin_start(title_index, title, meeting), [], title_index)
            )
        floor = index + 1
    segments += titled_paragraphs(lines, segments, meeting)
    segments = sorted(
        segments + undecided_titles(lines, segments), key=lambda seg: seg.offset
    )
    return with_lines(segments, lines)


# The meeting as the one who decided ("… beslutade på sitt möte om …", "… teki
# kokouksessaan seuraavat päätökset").
MEETING_DECIDED_RE = re.compile(
    r"\b(?:beslutade|beslöt|behandlade|päätti|teki|käsitteli)\b.*\b(?:möte|sammanträde|"
    r"kokouk\w*)\b",
    re.I,
)


def listed_bullets(lines: list[Line], meeting: Meeting) -> list[Segment]:
    """The bullets under a list intro ("… beslutade om bland annat följande
    ärenden:"): each is an item, "Title: text" or a decision with no title."""
    found = []
    for index, line in enumerate(lines):
        if not (
            LIST_INTRO_RE.search(line.text) and MEETING_DECIDED_RE.search(line.text)
        ):
            continue
        for k in range(index + 1, len(lines)):
            if not lines[k].bullet:
                break
            text = lines[k].text
            title, sep, rest = text.partition(":")
            if not (sep and bulletin_title(Line(title.strip())) and rest.strip()):
                title, rest = "", text
            start = bulletin_start(k, title.strip(), meeting)
            found.append(Segment(start, [with_text(lines[k], rest.strip())], k))
    return found


def titled_paragraphs(
    lines: list[Line], found: list[Segment], meeting: Meeting
) -> list[Segment]:
    """More bulletin items: a paragraph whose first line is a title and whose text
    reports a decision, though not in its first sentence ("Nytt program" over
    "Kommunen har … Kommunstyrelsen beslutade att godkänna …")."""
    taken = {seg.offset for seg in found}
    extra = []
    for index, line in enumerate(lines):
        if index in taken or not (index == 0 or line.gap_before):
            continue
        if within_taken(index, found) or not bulletin_title(line):
            continue
        text = paragraph_after(lines, index)
        if text and not text.rstrip().endswith(":") and reads_as_decision(text):
            title = bulletin_title(line) or ""
            extra.append(Segment(bulletin_start(index, title, meeting), [], index))
    return extra


def paragraph_after(lines: list[Line], index: int) -> str:
    """The text of a paragraph's lines after its first one."""
    rest = []
    for line in lines[index + 1 :]:
        if line.gap_before:
            break
        rest.append(line.text)
    return " ".join(rest)


def undecided_titles(lines: list[Line], found: list[Segment]) -> list[Segment]:
    """More items of a bulletin: title-shaped lines (a short paragraph of its own
    followed by text) after the first item, whose text reports no decision (the
    page ends before it, or tells it another way): items with no decision."""
    titled = [seg for seg in found if seg.start.title and not seg.lines]
    if not titled:
        return []
    taken = {seg.offset for seg in found}
    extra = []
    for index in range(titled[0].offset + 1, len(lines) - 1):
        line, after = lines[index], lines[index + 1]
        if index in taken or not line.gap_before or not after.gap_before:
            continue
        if within_taken(index, found) or bulletin_title(after):
            continue
        title = bulletin_title(line)
        if title and len(title.split()) >= 2:
            start = bulletin_start(index, title, Meeting())
            start.implicit_decision = False
            extra.append(Segment(start, [], index))
    return extra


def within_taken(index: int, found: list[Segment]) -> bool:
    """True when a line is a bullet item's own line."""
    return any(seg.lines and seg.offset == index for seg in found)


def title_above(
    lines: list[Line], index: int, floor: int, unparagraphed: bool = False
) -> int | None:
    """The nearest bulletin title line above a decision, not above `floor` (in a
    text without paragraphs, only the line right above)."""
    for k in range(index - 1, floor - 1, -1):
        if bulletin_title(lines[k]) and (
            (unparagraphed and k == index - 1)
            or lines[k].gap_before
            or lines[k].level
            or k <= floor + 1
            or is_number(lines[k - 1])
            or cues.read(lines[k - 1].text) is not None
        ):
            return k
    return None


def is_number(line: Line) -> bool:
    """True for a line that is only a list number ("1", "2.")."""
    return line.text.rstrip(".").isdigit()


def bulletin_start(index: int, title: str, meeting: Meeting) -> Start:
    """The Start of a bulletin item."""
    return Start(
        index=index,
        cue_index=index,
        section=None,
        body=None,
        date=None,
        title=title or None,
        doc_kind=None,
        cue_kinds=["bulletin"],
        implicit_decision=True,
    )


def whole_document(lines: list[Line]) -> list[Segment]:
    """A document with no item cue but labelled sections is one item (partial
    beats nothing): its title is the first line that can be one."""
    from extractors.sections import label_of

    if not any(label_of(line, True) for line in lines):
        return []
    for index, line in enumerate(lines):
        title = bulletin_title(line)
        if title:
            start = bulletin_start(index, title, Meeting())
            start.implicit_decision = False
            start.cue_kinds = ["whole_document"]
            return [Segment(start, lines[index + 1 :], index + 1)]
    return []


def with_lines(segments: list[Segment], lines: list[Line]) -> list[Segment]:
    """Each titled segment's lines run to the next segment (title line left out)."""
    result = []
    for k, seg in enumerate(segments):
        if seg.lines:  # a bullet item: its one line is all
            result.append(seg)
            continue
        end = segments[k + 1].offset if k + 1 < len(segments) else len(lines)
        body = lines[seg.offset + 1 : end]
        result.append(Segment(seg.start, body, seg.offset + 1))
    return result


def titles_next(line: Line, start: Start) -> bool:
    """True when a line right above an item's cue is its title: a heading line, or
    a title-like line above a header that carries no title ("Kokouksen laillisuus"
    over "KVALT 37")."""
    if line.level > 0:
        return True
    header = start.cue_kinds[0] in ("header", "abbrev_section") and not start.title
    return header and bulletin_title(line) is not None


def heading_title(text: str) -> str:
    """A heading line as a title, without a list or page number before it."""
    return re.sub(r"^\d{1,4}\s+", "", text).strip()


def segment(lines: list[Line]) -> Segmentation:
    """The document's items (possibly none) and its meeting."""
    found = read_cues(lines)
    meeting = meeting_of(lines, found)
    if meeting.date is None and meeting.section is None:
        meeting.date = dominant_date(found)
    starts = starts_of(lines, found, meeting)
    if not starts and meeting.section is None and dominant_date(found):
        meeting.date = dominant_date(found)  # the page's own date did not fit
        starts = starts_of(lines, found, meeting)
    if not starts:
        found_items = bulletin_segments(lines, meeting) or whole_document(lines)
        top = found_items[0].offset if found_items else 0
        return Segmentation(meeting, found_items, {}, lines[:top])
    with_heading_above(lines, starts)
    contents = {
        cue.section: PAGE_NUMBER_END_RE.sub("", cue.title).rstrip(" .")
        for i, cue in enumerate(found)
        if cue and i in contents_lines(found, lines) and cue.section and cue.title
    }
    segments = []
    for k, start in enumerate(starts):
        end = starts[k + 1].index if k + 1 < len(starts) else len(lines)
        segments.append(Segment(start, lines[start.index : end], start.index))
    return Segmentation(meeting, segments, contents, lines[: starts[0].index])

"""The generic path: a line stream → item blocks, for any layout.

`segment` finds the items and their meeting; per item this module finds the title,
the diary number and the handling blocks (the item's own handling vs earlier ones),
and `sections` groups the current handling's lines. Anything the document does not
print stays None: the item is kept, and a problem says what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors import cues, fields, names, sections
from extractors.blocks import ItemBlock, Layout
from extractors.cues import Cue
from extractors.errors import ExtractionError
from extractors.lines import Line, joined
from extractors.segment import (
    GLUED_SECTION_SIGN_RE,
    Meeting,
    Segment,
    Segmentation,
    Start,
    reads_as_decision,
    segment,
)
from models.records import Document
from models.vocab import BODY_SUFFIXES, PAGE_CHROME, Section

TITLE_MAX = 300
DIARY_LINES = 25
DATE_ONLY_RE = re.compile(r"^[\d.\s:\-–klo]+$", re.I)
DIARY_LABEL_ONLY_RE = re.compile(r"^(?:dnro|dno|dnr|asianro|diaarinumero)\.?:?$", re.I)
HANDLING_KINDS = ("header", "dated_body", "section", "abbrev_section")


@dataclass(frozen=True)
class Block:
    """A run of an item's lines under one handling header (or before any)."""

    lines: list[Line]
    cue: Cue | None
    after_history: bool = False


def is_chrome(text: str) -> bool:
    """True for page furniture (navigation, site names, transcript banners)."""
    return bool(PAGE_CHROME.match(text))


def opens_content(line: Line, index: int) -> bool:
    """True when a line opens the item's sections (a label other than attachments)."""
    label = sections.label_of(line, True)
    return label is not None and label.section not in (
        Section.ATTACHMENTS,
        Section.HISTORY,
    )


def region_end(lines: list[Line]) -> int:
    """Index of the first line that opens content (the header region ends there)."""
    for index, line in enumerate(lines):
        if index and (opens_content(line, index) or len(line.text) > TITLE_MAX):
            return index
    return len(lines)


def title_like(line: Line) -> bool:
    """True for a line that can be an item's title."""
    text = line.text.strip()
    if not text or len(text) > TITLE_MAX or not any(c.isalpha() for c in text):
        return False
    if is_chrome(text) or DATE_ONLY_RE.match(text) or DIARY_LABEL_ONLY_RE.match(text):
        return False
    if GLUED_SECTION_SIGN_RE.search(text) or text.count(" | ") >= 2:
        return False
    if text.endswith(":") or sections.label_of(line, True) is not None:
        return False
    if fields.diary_number(text) and len(text.split()) <= 4:
        return False
    cue = cues.read(text)
    if cue is not None and (cue.kind != "context" or not line.level):
        return False
    return not is_body_only(text)


def is_body_only(text: str) -> bool:
    """True for a line that is only a body's name ("Kunnanhallitus")."""
    word = text.strip()
    return " " not in word and word.lower().endswith(BODY_SUFFIXES)


def cue_lines(lines: list[Line]) -> list[tuple[int, Cue]]:
    """(index, cue) of the lines that are cues."""
    return [(i, cue) for i, line in enumerate(lines) if (cue := cues.read(line.text))]


def title_of(segment_: Segment, end: int) -> str | None:
    """The item's title: from its cue, a heading line, the line above its header,
    or the first title-like line after its cues."""
    start = segment_.start
    if start.title or start.cue_kinds == ["bulletin"]:
        return start.title  # a bulletin item's title is its title line, or none
    lines = segment_.lines[:end]
    if lines and lines[0].level > 0 and title_like(lines[0]):
        return lines[0].text
    found = [(i, c) for i, c in cue_lines(lines) if c.kind != "context"]
    first_header = next(
        (i for i, c in found if c.kind in ("header", "dated_body") and i > 0), None
    )
    if (
        first_header is not None
        and title_like(lines[first_header - 1])
        and (first_header - 1 > 0 or not found or found[0][0] != 0)
    ):
        return lines[first_header - 1].text
    listed = attachment_lines(lines)
    last_cue = max((i for i, _ in found), default=-1)
    for index in range(last_cue + 1, len(lines)):
        if index not in listed and title_like(lines[index]):
            return lines[index].text
    return next(
        (
            line.text
            for i, line in enumerate(lines)
            if i not in listed and title_like(line)
        ),
        None,
    )


def attachment_lines(lines: list[Line]) -> set[int]:
    """Indices of the lines listed under an attachments label ("Liitteet") in an
    item's head, up to a paragraph break, a diary number or a cue."""
    listed: set[int] = set()
    inside = False
    for index, line in enumerate(lines):
        label = sections.label_of(line, True)
        if label is not None:
            inside = label.section is Section.ATTACHMENTS
            continue
        if inside and (
            line.gap_before
            or fields.diary_number(line.text)
            or cues.read(line.text)
            or DATE_ONLY_RE.match(line.text)
        ):
            inside = False
        if inside:
            listed.add(index)
    return listed


def diary_line_of(lines: list[Line]) -> str | None:
    """The item's diary number line (one line, or the two-line `730/2017` +
    `00.01.01.00` form), near the top."""
    texts = [line.text for line in lines[:DIARY_LINES]]
    for head, tail in zip(texts, [*texts[1:], ""], strict=False):
        joined_form = fields.joined_diary(head, tail)
        if joined_form:
            return joined_form
        if fields.diary_number(head) and len(head) <= TITLE_MAX:
            return head
    return None


def is_current(cue: Cue, date: str | None, section: int | None) -> bool:
    """True when a handling header is this item's own (its date and §)."""
    if cue.date and date and cue.date != date:
        return False
    if cue.section is not None and section is not None:
        return cue.section == section
    return cue.date is not None and cue.date == date


def blocks_of(
    lines: list[Line], head_end: int, date: str | None, section: int | None
) -> list[Block]:
    """The item's lines split at handling headers (its own, or earlier ones)."""
    blocks = [Block([], None)]
    history_seen = decided = False
    for index, line in enumerate(lines):
        cue = cues.read(line.text) if index else None
        own_head = (
            cue is not None and index < head_end and is_current(cue, date, section)
        )
        if (
            own_head
            and blocks[-1].cue is not None
            and not is_current(blocks[-1].cue, date, section)
        ):  # the item's own header after a table of earlier handlings
            blocks.append(Block([line], cue, False))
            continue
        if cue is not None and cue.kind in HANDLING_KINDS and index and not own_head:
            if cue.kind in ("section", "abbrev_section") and cue.section == section:
                if blocks[-1].cue is not None and not is_current(
                    blocks[-1].cue, date, section
                ):  # the item's own § after a table of earlier handlings
                    blocks.append(Block([line], cue, history_seen and decided))
                else:
                    blocks[-1].lines.append(line)
                continue
            blocks.append(Block([line], cue, history_seen and decided))
            continue
        label = sections.label_of(line, True)
        if label is not None:
            if label.section is Section.HISTORY and decided:
                history_seen = True
            if label.section in (Section.PROPOSAL, Section.DECISION):
                decided = True
        blocks[-1].lines.append(line)
    return blocks


def current_index(blocks: list[Block], date: str | None, section: int | None) -> int:
    """The block of this meeting's handling: the last one headed by the item's own
    date and §; else the last block not after a history heading."""
    own = [
        k for k, b in enumerate(blocks) if b.cue and is_current(b.cue, date, section)
    ]
    if own:
        return own[-1]
    open_blocks = [k for k, b in enumerate(blocks) if not b.after_history]
    return open_blocks[-1] if open_blocks else 0


def is_earlier(block: Block, date: str | None) -> bool:
    """True for a block headed by an earlier meeting's date."""
    return bool(block.cue and block.cue.date and date and block.cue.date < date)


def after_earlier_decision(block: Block) -> Block | None:
    """The part of an earlier handling's block that follows its decision and opens
    with a new proposal or its people (the current handling, printed without a
    header of its own); None when there is no such part."""
    decided = False
    for index, line in enumerate(block.lines):
        label = sections.label_of(line, True)
        if label is None:
            continue
        if label.section is Section.DECISION:
            decided = True
        elif decided and label.section in CURRENT_OPENERS:
            return Block(block.lines[index:], None)
    return None


# Labels that open a new handling after an earlier handling's decision.
CURRENT_OPENERS = (
    Section.PREPARERS,
    Section.PRESENTER,
    Section.PROPOSAL,
    Section.EXPLANATION,
)


def current_block(
    blocks: list[Block], date: str | None, section: int | None
) -> tuple[list[Block], int]:
    """The blocks and the index of the current one. When the last block is an
    earlier meeting's, its tail after that meeting's decision is the current
    handling; if it has none, nothing current is printed (block 0 stands)."""
    current = current_index(blocks, date, section)
    if current == 0 or not is_earlier(blocks[current], date):
        return blocks, current
    tail = after_earlier_decision(blocks[current])
    if tail is None:
        return blocks, 0
    return [*blocks, tail], len(blocks)


def own_lines(
    blocks: list[Block], current: int, date: str | None, section: int | None
) -> list[Line]:
    """The current handling's lines: the current block's, and those of every other
    block headed by the item's own header (Turku repeats "Kh § 195" above its list
    of attachments)."""
    cue = blocks[current].cue
    if cue is None or not is_current(cue, date, section):
        return blocks[current].lines
    own = [
        block.lines[1:] if k else block.lines
        for k, block in enumerate(blocks)
        if block.cue is not None and is_current(block.cue, date, section)
    ]
    return [line for lines in own for line in lines]


def grouped_sections(
    blocks: list[Block],
    current: int,
    date: str | None = None,
    section: int | None = None,
) -> dict[Section, str]:
    """Sections of the current block over those of the lines before any handling
    header (where preparers and the explanation often are); the rest is history."""
    mine = own_lines(blocks, current, date, section)
    texts = sections.section_texts(sections.group(mine))
    if current != 0:
        base = sections.section_texts(sections.group(blocks[0].lines))
        for key in (Section.PREPARERS, Section.EXPLANATION, Section.ATTACHMENTS):
            if key in base and key not in texts:
                texts[key] = base[key]
    history = [
        text
        for k, block in enumerate(blocks)
        if k not in (0, current)
        and not (block.cue and is_current(block.cue, date, section))
        and (text := joined(block.lines))
    ]
    if history:
        texts[Section.HISTORY] = "\n\n".join(
            [*history, *([texts[Section.HISTORY]] if Section.HISTORY in texts else [])]
        )
    return texts


def body_printed(segment_: Segment, meeting: Meeting, document: Document) -> str | None:
    """The body as printed for the item: its header, the page, else the listing."""
    body = segment_.start.body or meeting.body or document.meta.get("body")
    return base_body(body) if body else None


def body_full(printed: str | None, meeting: Meeting) -> str | None:
    """The page's full body name when the item's header prints its abbreviation
    ("Rymla" under the page label "Rakennus- ja ympäristölautakunta")."""
    page = base_body(meeting.body) if meeting.body else None
    if not printed or not page or printed == page or " " in printed:
        return None
    if fields.is_body_name(printed) or not fields.abbreviates(printed, page):
        return None
    return page


def base_body(body: str) -> str:
    """A body name in the nominative ("Kunnanhallituksen" → "Kunnanhallitus",
    "Stadsfullmäktiges" → "Stadsfullmäktige")."""
    words = body.split()
    last = words[-1]
    if last.lower().endswith(("n", "s")) and not fields.is_body_name(last):
        base = names.genitive_base(last)
        if fields.is_body_name(base):
            words[-1] = base
            text = " ".join(words)
            return text[0].upper() + text[1:]
    return body


SUBJECT_RE = re.compile(
    r"^(?P<body>(?:[A-ZÅÄÖ][\w\-]*\s+){0,3}[\w\-]*(?:"
    + "|".join(BODY_SUFFIXES)
    + r"))\s+[a-zåäö]{3,}"
)


def subject_body(texts: dict[Section, str]) -> str | None:
    """The body named as the subject of the decision or proposal ("Stadsfullmäktige
    betraktade …", "Kaupunginhallitus päättää …")."""
    for section in (Section.DECISION, Section.PROPOSAL):
        match = SUBJECT_RE.match(texts.get(section) or "")
        if match:
            return match["body"]
    return None


def lone_body_in(lines: list[Line]) -> str | None:
    """A line of the item's head that is only a body's name."""
    from extractors.segment import lone_body

    found = lone_body(lines)
    return base_body(found) if found else None


def meta_section(document: Document) -> int | None:
    """The § the listing gives (digits), or None."""
    return fields.digits_value(str(document.meta.get("section") or ""))


def block_for(
    segment_: Segment, seg: Segmentation, document: Document
) -> tuple[ItemBlock, list[ExtractionError]]:
    """The ItemBlock of one item, with what could not be read."""
    start, meeting, lines = segment_.start, seg.meeting, segment_.lines
    problems: list[ExtractionError] = []
    date = start.date or meeting.date or document.meta.get("meeting_date")
    section = start.section if start.section is not None else meta_section(document)
    bad = start.bad_date or (meeting.bad_date if not start.date else None)
    if bad:  # the item's own printed date does not parse: null, never a neighbour's
        date = None if start.bad_date or not meeting.date else date
        where = f"§ {section}" if section is not None else "an item"
        problems.append(
            ExtractionError("impossible_date", f"{where}: '{bad}' is not a date")
        )
    end = region_end(lines)
    title = title_of(segment_, end) or seg.contents.get(section or -1)
    body = body_printed(segment_, meeting, document)
    head = header_lines(segment_)
    blocks, current = current_block(
        blocks_of(lines[head:], end - head, date, section), date, section
    )
    texts = grouped_sections(blocks, current, date, section)
    if not body:
        body = subject_body(texts) or lone_body_in(lines[: max(end, 1) + 3])
    if Section.DECISION not in texts and unlabelled_decision(start, texts, seg):
        texts[Section.DECISION] = texts.pop(Section.EXPLANATION)
    printed, full = body or "", body_full(body, meeting)
    if start.abbrev and body and fields.abbreviates(start.abbrev, body):
        printed, full = start.abbrev, body
    block = ItemBlock(
        header=" ".join(str(p) for p in (body, date, section) if p),
        body_printed=printed,
        body_full=full,
        meeting_date=date,
        section=section,
        title=title or document.meta.get("title"),
        diary_line=diary_line_of(lines[: max(end, 1) + 3])
        or (diary_line_of(seg.preamble) if len(seg.segments) == 1 else None),
        doc_kind=start.doc_kind or meeting.doc_kind or document.meta.get("doc_kind"),
        sections=texts,
        text="\n".join(line.text for line in [*lines_above(seg), *lines]),
    )
    return block, problems


def header_lines(segment_: Segment) -> int:
    """How many of an item's first lines are its own header: the cue line that
    carries its title ("§ 604 Title"), with the heading line moved above it. They
    are the item's title, never its text."""
    start = segment_.start
    if start.cue_kinds[0] != "section_title" or segment_.offset != start.index:
        return 0
    return start.cue_index - start.index + 1


def lines_above(seg: Segmentation) -> list[Line]:
    """A one-item document's lines above its item (a table of its handlings)."""
    return seg.preamble if len(seg.segments) == 1 else []


def unlabelled_decision(
    start: Start, texts: dict[Section, str], seg: Segmentation
) -> bool:
    """True when an item's unlabelled text is its decision: a bulletin item, or an
    item of a decision list ("päätöslista") whose text reports a decision."""
    text = texts.get(Section.EXPLANATION)
    if not text or Section.PROPOSAL in texts:
        return False
    if start.implicit_decision:
        return True
    kind = start.doc_kind or seg.meeting.doc_kind
    if kind is None:  # a decision told in the past tense is one ("… valittiin X")
        return bool(PAST_DECISION_RE.search(text))
    return kind == "minutes" and reads_as_decision(text)


# What the body did, in the past passive: only minutes say it of this meeting.
PAST_DECISION_RE = re.compile(
    r"\b(?:hyväksyttiin|todettiin|valittiin|merkittiin|päätettiin|palautettiin|"
    r"godkändes|valdes|antecknades|konstaterades|beslöts|återremitterades)\b",
    re.I,
)


def missing(block: ItemBlock) -> list[ExtractionError]:
    """Warnings for key fields the document does not print."""
    where = f"§ {block.section}" if block.section is not None else repr(block.title)
    found = []
    if block.meeting_date is None:
        found.append(
            ExtractionError(
                "missing_meeting_date",
                f"item {where}: no meeting date printed "
                "(give it with --meta meeting_date=)",
            )
        )
    if not block.body_printed:
        found.append(
            ExtractionError(
                "missing_body",
                f"item {where}: no body printed (give it with --meta body=)",
            )
        )
    return found


def split_lines(lines: list[Line], document: Document) -> Layout:
    """Item blocks of a document given as lines; ExtractionError when none."""
    seg = segment(lines)
    if not seg.segments:
        raise ExtractionError(
            "no_items",
            "no agenda item found (no '§ N', '<Body> d.m.yyyy § N' or page label)",
        )
    blocks, problems = [], []
    for segment_ in seg.segments:
        block, found = block_for(segment_, seg, document)
        blocks.append(block)
        problems.extend(found + missing(block))
    return Layout(blocks, problems)

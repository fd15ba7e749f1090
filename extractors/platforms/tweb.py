"""Triplan TWeb / KTweb documents (PDF), DOMAIN.md 1.2, by their shape:

- caption column: bold captions at the left margin, values in a second column; an
  item PDF that prints no § and no meeting date (they come from `document.meta`,
  the item list). An earlier body's handling sits under "<Toimielimen> käsittely"
  in the value column; the item's own decision is the last caption-column "Päätös".
- whole meeting: running header `Protokoll 42 § 15.09.2022 Sida` / `<Organ> 4`, one
  item per § with handling blocks `<Organ> d.m.yyyy, N §`, `Beredning:`, `<Titel
  Namn>s förslag:`, `<Organets> beslut:`. Pages with a garbled text layer are
  reported; their items keep what is reliable.
- anything else (one column with colon captions, `Kaupunginhallitus 20.3.2017 §
  10`; any other PDF's text layer): the generic path over the PDF's line stream.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from extractors import fields, names, pdf
from extractors.blocks import ItemBlock, Layout
from extractors.errors import ExtractionError
from extractors.generic import split_lines
from extractors.pdf import Line, PdfPage
from models.records import Document
from models.vocab import HEADINGS, Section

# Caption column: captions start left of this x, values at or right of it.
VALUE_COLUMN_X = 170.0
# A caption-column document has at least this many lines starting in the value column.
MIN_VALUE_LINES = 3
# Caption lines closer than this (points) belong to one wrapped caption.
CAPTION_WRAP_GAP = 16.0
# A vertical gap larger than this (points) between two lines starts a new paragraph.
PARAGRAPH_GAP = 20.0
# Whole meetings: body text is indented; headings sit left of this x.
HEADING_MAX_X = 100.0
# Whole meetings: a diary number printed right of this share of the page width.
DIARY_MIN_X_SHARE = 0.5
# How alike a garbled heading word must be to "beslut:" / "förslag:" (0..1).
FUZZY_HEADING = 0.6
# The same for a heading line printed in a plain face ("Staeseireitör Martin
# Norrgåres förskag :", a whole-meeting agenda, p13): "förskag:" ~ "förslag:" = 0.875.
FUZZY_PLAIN_HEADING = 0.8
# How alike a broken people text must be to a clean spelling to take it (0..1).
NAME_REPAIR = 0.6
# A spelling at least this alike to a more frequent one is a garbled twin of it.
SPELLING_TWIN = 0.9

# A caption page's running head: the organisation ("<Town>n kaupunki") and an empty
# "Päivämäärä" field.
CAPTION_RUNNING = (
    re.compile(r"^[A-ZÅÄÖ][\w\-]+n (?:kaupunki|kunta|kuntayhtymä)$"),
    re.compile(r"^Päivämäärä\b"),
)
MEETING_HEADER_RE = re.compile(
    r"^(?P<kind>Protokoll|Föredragningslista)(?: (?P<section>\d+) §)? "
    r"(?P<date>\d{1,2}\.\d{1,2}\.\d{4}) Sida$"
)
MEETING_BODY_RE = re.compile(r"^(?P<body>[A-ZÅÄÖ][\w\- ]+?) \d+$")
MEETING_RUNNING = (MEETING_HEADER_RE, MEETING_BODY_RE)
ATTACHMENT_PAGE_RE = re.compile(r"^Bilaga .*§ ?\d+$")
ITEM_START_RE = re.compile(r"^(?P<section>\d+) §\s*(?P<title>.*)$")
HANDLING_RE = re.compile(
    r"^(?P<body>[A-ZÅÄÖ][\w\- ]+?) (?P<date>\d{1,2}\.\d{1,2}\.\d{4}), (?P<sec>\d+) §$"
)
RULE_RE = re.compile(r"^_{3,}$")
# A table-of-contents line: "40 § Val av protokolljusterare ........ 2".
CONTENTS_RE = re.compile(r"^(?P<section>\d+) § (?P<title>.+?) ?\.{4,} ?\d+$")
# A capitalised name word of the cover page's attendance list ("Tötterman-Engström").
ROSTER_WORD_RE = re.compile(r"[A-ZÅÄÖ][^\W\d_]+(?:-[A-ZÅÄÖ][^\W\d_]+)?")
PEOPLE = (Section.PREPARERS, Section.PRESENTER)
# Text sections left out (null) for an item with a garbled page.
GARBLE_DROPPED = (
    Section.EXPLANATION,
    Section.PROPOSAL,
    Section.DECISION,
    Section.ATTACHMENTS,
    Section.HISTORY,
)
KIND_BY_WORD = {"protokoll": "minutes", "föredragningslista": "agenda"}


def matches(document: Document) -> bool:
    """A PDF (sniffed by its `%PDF` signature)."""
    return document.data.lstrip()[:4] == b"%PDF"


def split_items(document: Document) -> Layout:
    """The items of a TWeb PDF, in document order, with the pages left out."""
    pages = pdf.read_pages(document.data)
    if any(MEETING_HEADER_RE.match(line.text) for p in pages for line in p.lines):
        return split_meeting(pages)
    if is_caption_layout(pages):
        return Layout([caption_block(pages, document)])
    return split_lines(pdf.stream_lines(pdf.without_running(pages)), document)


# --- shared helpers ---------------------------------------------------------------


def paragraphs(lines: list[Line]) -> str:
    """Lines joined into paragraphs (wrapped lines joined by a space, paragraphs by a
    blank line); a gap larger than PARAGRAPH_GAP or a page break ends a paragraph."""
    result: list[list[str]] = []
    previous: Line | None = None
    for line in lines:
        if previous is None or not 0 < line.top - previous.top <= PARAGRAPH_GAP:
            result.append([])
        result[-1].append(line.text)
        previous = line
    return "\n\n".join(" ".join(chunk) for chunk in result if chunk)


def people_lines(text: str) -> str:
    """Preparer text as one person per line: wrapped at ", " / " ja ", units dropped."""
    parts = re.split(
        r",\s+(?!puh|tel|p\.)|(?<!-)\s+ja\s+|\n+", text.replace("\n\n", "\n")
    )
    kept = [p.strip(" ,") for p in parts if names.parse_person(p.strip(" ,")).name]
    return "\n".join(kept)


def without_dashes(text: str | None) -> str | None:
    """None for a value printed as "-" (nothing), else the text."""
    return None if not text or text.strip() in {"-", "–"} else text


def heading_section(caption: str) -> Section | None:
    """The section a caption opens: the whole caption, its first or its last word."""
    key = caption.strip().rstrip(":").strip().lower()
    words = key.replace("/", " ").split()
    for candidate in (key, words[0] if words else "", words[-1] if words else ""):
        if candidate in HEADINGS:
            return HEADINGS[candidate]
    return None


# --- caption column ------------------------------------------------------


def is_caption_line(line: Line) -> bool:
    """True when a line starts with a bold word left of the value column."""
    first = line.words[0]
    return first.bold and first.x0 < VALUE_COLUMN_X and first.size >= 10


def is_caption_layout(pages: list[PdfPage]) -> bool:
    """True when lines start in a value column right of bold captions ."""
    starts = [
        line
        for page in pages
        for line in page.lines
        if VALUE_COLUMN_X <= line.x0 < page.width / 2
    ]
    captions = [line for page in pages for line in page.lines if is_caption_line(line)]
    return len(starts) >= MIN_VALUE_LINES and bool(captions)


def caption_part(line: Line) -> str:
    """The caption-column words of a line."""
    return " ".join(w.text for w in line.words if w.x0 < VALUE_COLUMN_X)


def value_line(line: Line) -> Line | None:
    """The value-column part of a line, or None when it has none."""
    words = tuple(w for w in line.words if w.x0 >= VALUE_COLUMN_X)
    return Line(words) if words else None


def join_caption(parts: list[str]) -> str:
    """Wrapped caption lines joined: "Täytäntöönpano-" + "tiedot" → one word."""
    text = ""
    for part in parts:
        text = text[:-1] + part if text.endswith("-") else f"{text} {part}".strip()
    return text


def flat_lines(pages: list[PdfPage]) -> list[tuple[int, Line]]:
    """Every line of the document with its page number, in reading order."""
    return [(page.number, line) for page in pages for line in page.lines]


def caption_starts(lines: list[tuple[int, Line]]) -> list[tuple[int, str]]:
    """(index of the first line, caption text) for each caption in the column."""
    starts: list[tuple[int, list[str]]] = []
    last: tuple[int, float] | None = None
    for index, (page, line) in enumerate(lines):
        if not caption_part(line) or not line.words[0].bold:
            continue
        near = last and last[0] == page and line.top - last[1] <= CAPTION_WRAP_GAP
        if near and starts:
            starts[-1][1].append(caption_part(line))
        else:
            starts.append((index, [caption_part(line)]))
        last = (page, line.top)
    return [(index, join_caption(parts)) for index, parts in starts]


def caption_values(pages: list[PdfPage]) -> tuple[str | None, list[tuple[str, str]]]:
    """(title, [(caption, value text)]) of a caption-column document."""
    lines = flat_lines(pages)
    starts = caption_starts(lines)
    first = starts[0][0] if starts else len(lines)
    title_lines = [line for _, line in lines[:first] if line.bold]
    title = " ".join(line.text for line in title_lines) or None
    result = []
    for k, (index, caption) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        values = [v for _, line in lines[index:end] if (v := value_line(line))]
        result.append((caption, paragraphs(values)))
    return title, result


def caption_section(caption: str) -> Section | None:
    """A caption's section; "<Toimielimen> käsittely" is an earlier handling."""
    words = caption.lower().split()
    if len(words) > 1 and words[-1] == "käsittely":
        return Section.HISTORY
    return heading_section(caption)


def caption_sections(entries: list[tuple[str, str]]) -> dict[Section, str]:
    """Section texts; the last caption of a kind wins for proposal/decision/presenter,
    explanation and history paragraphs are concatenated."""
    result: dict[Section, str] = {}
    for caption, value in entries:
        section = caption_section(caption)
        text = without_dashes(value)
        if section is None or text is None:
            continue
        if section in {Section.EXPLANATION, Section.HISTORY} and section in result:
            text = f"{result[section]}\n\n{text}"
        result[section] = text
    if Section.PREPARERS in result:
        result[Section.PREPARERS] = people_lines(result[Section.PREPARERS])
    return result


def diary_caption(entries: list[tuple[str, str]]) -> str | None:
    """The diary line ("Dno OUKA/1472/02.02.02/2017") from the captions."""
    for caption, value in entries:
        line = f"{caption} {value}".strip()
        if fields.diary_number(line):
            return line
    return None


def meta_date_section(document: Document) -> tuple[str, int | None]:
    """(meeting date, §) from the item list; an item PDF does not print them."""
    meeting_date = document.meta.get("meeting_date")
    if not meeting_date:
        raise ExtractionError(
            "no_meeting_date",
            "TWeb item PDF prints no meeting date or §; they come from the item list",
        )
    section = document.meta.get("section")
    return meeting_date, int(section) if section else None


def caption_block(pages: list[PdfPage], document: Document) -> ItemBlock:
    """The one item of a caption-column item PDF."""
    meeting_date, section = meta_date_section(document)
    content = pdf.without_running(pages, CAPTION_RUNNING)
    title, entries = caption_values(content)
    body = document.meta.get("body", "")
    return ItemBlock(
        header=f"{body} {meeting_date} § {section}",
        body_printed=body,
        body_full=body or None,
        meeting_date=meeting_date,
        section=section,
        title=title or document.meta.get("title"),
        diary_line=diary_caption(entries) or document.meta.get("diary_number"),
        doc_kind=document.meta.get("doc_kind"),
        sections=caption_sections(entries),
        text="\n".join(page.text for page in pages),
    )


# --- whole meeting (running header "Protokoll N § d.m.yyyy Sida") ----------


Meeting = tuple[str, str | None, str]  # body, meeting date (ISO) or None, doc kind


def meeting_header(pages: list[PdfPage]) -> tuple[Meeting, str | None]:
    """((body, meeting date ISO, doc kind), None) from the first running header
    with a real date; when every header prints an impossible one (31.09.2022), the
    date is None and the second value is the date as printed."""
    impossible: tuple[Meeting, str | None] | None = None
    for page in pages:
        for k, line in enumerate(page.lines):
            match = MEETING_HEADER_RE.match(line.text)
            if match and k + 1 < len(page.lines):
                body = MEETING_BODY_RE.match(page.lines[k + 1].text)
                kind = KIND_BY_WORD[match.group("kind").lower()]
                if not body:
                    continue
                when = fields.iso_date_or_none(match["date"])
                if when is not None:
                    return (body.group("body"), when, kind), None
                impossible = impossible or ((body["body"], None, kind), match["date"])
    if impossible is not None:
        return impossible
    raise ExtractionError("no_items", "no running header like 'Protokoll 42 § …'")


def page_section(page: PdfPage) -> int | None:
    """The § in a page's running header, None for cover, contents and appeal pages."""
    for line in page.lines:
        match = MEETING_HEADER_RE.match(line.text)
        if match and pdf.in_band(line, page):
            return int(match["section"]) if match["section"] else None
    return None


def is_attachment_page(page: PdfPage) -> bool:
    """True for an attachment page ("Bilaga Stadsstyrelsen, 26.09.2022 § 191")."""
    return any(
        ATTACHMENT_PAGE_RE.match(ln.text) and pdf.in_band(ln, page) for ln in page.lines
    )


def pages_by_section(pages: list[PdfPage]) -> dict[int, list[PdfPage]]:
    """Item pages grouped by the § of their running header, in document order."""
    grouped: dict[int, list[PdfPage]] = {}
    for page in pages:
        section = page_section(page)
        if section is not None and not is_attachment_page(page):
            grouped.setdefault(section, []).append(page)
    return grouped


def fuzzy_ends(text: str, word: str, ratio: float = 0.0) -> bool:
    """True when the last word of a line looks like `word` (garbled letters allowed)."""
    tokens = text.split()
    if not tokens:
        return False
    last = tokens[-1].lower()
    return SequenceMatcher(None, last, word).ratio() >= (ratio or FUZZY_HEADING)


def margin_heading(line: Line) -> str | None:
    """ "proposal", "decision" or "preparers" for a heading line at the left margin."""
    if line.x0 > HEADING_MAX_X:
        return None
    first = line.words[0].text.lower()
    if SequenceMatcher(None, first, "beredning:").ratio() >= 0.8:
        return "preparers"
    text = line.text.rstrip("i").replace(" :", ":")
    if not text.endswith(":"):
        return None
    # A heading whose bold face was lost must look more like the heading word.
    ratio = FUZZY_HEADING if line.words[-1].bold else FUZZY_PLAIN_HEADING
    if fuzzy_ends(text, "förslag:", ratio):
        return "proposal"
    if fuzzy_ends(text, "beslut:", ratio):
        return "decision"
    return None


def handling_blocks(
    lines: list[Line],
) -> list[tuple[tuple[str | None, int] | None, list[Line]]]:
    """The item's lines split at `<Organ> d.m.yyyy, N §` lines: [(date, §) or None,
    lines]; the first block holds what precedes any handling line."""
    blocks: list[tuple[tuple[str | None, int] | None, list[Line]]] = [(None, [])]
    for line in lines:
        match = HANDLING_RE.match(line.text)
        if match and line.x0 <= HEADING_MAX_X:
            handled = (fields.iso_date_or_none(match["date"]), int(match["sec"]))
            blocks.append((handled, []))
        else:
            blocks[-1][1].append(line)
    return blocks


def current_block(
    blocks: list[tuple[tuple[str | None, int] | None, list[Line]]],
    date: str | None,
    section: int,
) -> int:
    """Index of the block for this meeting and §; the whole item when none is marked."""
    for index in range(len(blocks) - 1, 0, -1):
        if blocks[index][0] == (date, section):
            return index
    return 0 if len(blocks) == 1 else len(blocks) - 1


def heading_person(heading: str) -> str | None:
    """The person of a "<Titel Namn>s förslag:" heading, genitive removed."""
    words = heading.split()
    if len(words) < 2:
        return None
    return " ".join([*words[:-2], names.genitive_base(words[-2])])


def has_name(text: str) -> bool:
    """True when a people text parses with a personal name."""
    return names.parse_person(text).name is not None


def alike(a: str, b: str) -> float:
    """How alike two texts are (0..1)."""
    return SequenceMatcher(None, a, b).ratio()


def known_name_words(text: str) -> int:
    """How many words of the person's name Voikko knows ("Martin" yes, "Martn" no)."""
    name = names.parse_person(text).name or ""
    return sum(bool(names.word_classes(word)) for word in name.split())


def repaired(text: str, counts: Counter[str]) -> str:
    """A people text as the document spells it best: a text the garbled layer broke
    ("Tötermann-ngström", no name found) takes the most alike spelling with a name
    (>= NAME_REPAIR); a near twin (>= SPELLING_TWIN) takes the twin whose name words
    Voikko knows best, then the most frequent."""
    named = [t for t in counts if has_name(t)]
    if not named:
        return text
    if not has_name(text):
        best = max(named, key=lambda t: alike(text, t))
        return best if alike(text, best) >= NAME_REPAIR else text
    twins = [t for t in named if alike(text, t) >= SPELLING_TWIN]
    return max(twins, key=lambda t: (known_name_words(t), counts[t], t == text))


def by_surname(text: str, named: list[str]) -> str:
    """The one named people text whose surname ends a broken text ("at ndsdlreet ör
    Mnrtin Norrgård" -> "Stadsdirektör Martin Norrgård"); else the text."""
    if text in named or not text.split():
        return text
    found = {t for t in named if t.split()[-1] == text.split()[-1]}
    return found.pop() if len(found) == 1 else text


def repair_people(blocks: list[ItemBlock]) -> None:
    """People texts of the blocks in the document's best spelling."""
    people = (Section.PREPARERS, Section.PRESENTER)
    for _ in range(2):  # broken texts first, then near twins among the repaired
        counts = Counter(
            b.sections[s] for b in blocks for s in people if s in b.sections
        )
        for block in blocks:
            for section in people:
                if section in block.sections:
                    block.sections[section] = repaired(block.sections[section], counts)


def swedish_sections(lines: list[Line]) -> dict[Section, str]:
    """Sections of one handling block; the presenter from its proposal heading."""
    grouped: dict[Section, list[Line]] = {}
    heading: Line | None = None
    current, preparer = Section.EXPLANATION, None
    for line in lines:
        kind = margin_heading(line)
        if kind == "preparers":
            preparer = line.text.split(":", 1)[1].strip() or None
        elif kind == "proposal":
            current, heading = Section.PROPOSAL, line
        elif kind == "decision":
            current = Section.DECISION
        elif line.text.startswith("Bilaga ") and line.x0 <= HEADING_MAX_X:
            grouped.setdefault(Section.ATTACHMENTS, []).append(line)
        elif not RULE_RE.match(line.text):
            grouped.setdefault(current, []).append(line)
    sections = {s: paragraphs(ls) for s, ls in grouped.items()}
    if Section.ATTACHMENTS in sections:
        texts = [ln.text.removeprefix("Bilaga ") for ln in grouped[Section.ATTACHMENTS]]
        sections[Section.ATTACHMENTS] = "\n".join(dict.fromkeys(texts))
    if preparer:
        sections[Section.PREPARERS] = preparer
    presenter = heading and heading_person(heading.text)
    if presenter:
        sections[Section.PRESENTER] = presenter
    return sections


def item_head(lines: list[Line], page: PdfPage) -> tuple[str | None, str | None, int]:
    """(diary line, title, index of the first line after the title)."""
    diary, title = None, None
    for index, line in enumerate(lines):
        if fields.diary_number(line.text) and line.x0 > page.width * DIARY_MIN_X_SHARE:
            diary = line.text
            continue
        match = ITEM_START_RE.match(line.text)
        if match and match["title"].strip():
            return diary, match["title"].strip(), index + 1
        if match:
            return diary, *title_below(lines, index + 1)
    return diary, title, 0


def title_below(lines: list[Line], index: int) -> tuple[str | None, int]:
    """(title, next index) when a bare "188 §" line has its title on the next line."""
    if index < len(lines) and lines[index].bold and not margin_heading(lines[index]):
        return lines[index].text, index + 1
    return None, index


def history_text(blocks: list, current: int) -> str | None:
    """The earlier handlings: every block but the current one, as text."""
    texts = [paragraphs(lines) for k, (_, lines) in enumerate(blocks) if k != current]
    return "\n\n".join(t for t in texts if t) or None


def meeting_item(
    section: int,
    pages: list[PdfPage],
    meeting: Meeting,
    garbled: bool = False,
) -> ItemBlock:
    """The ItemBlock of one § of a whole-meeting document. On a garbled page its text
    sections and title are left out (null): the text layer cannot be trusted."""
    body, meeting_date, kind = meeting
    content = pdf.without_running(pages, MEETING_RUNNING)
    lines = [line for page in content for line in page.lines]
    diary, title, start = item_head(lines, content[0])
    blocks = handling_blocks(lines[start:])
    current = current_block(blocks, meeting_date, section)
    sections = swedish_sections(blocks[current][1])
    if garbled:
        title = None
        sections = {k: v for k, v in sections.items() if k not in GARBLE_DROPPED}
    history = history_text(blocks, current)
    if history:
        sections[Section.HISTORY] = history
    if kind == "agenda":
        sections.pop(Section.DECISION, None)
    return ItemBlock(
        header=f"{body} {meeting_date or ''}, {section} §",
        body_printed=body,
        body_full=body,
        meeting_date=meeting_date,
        section=section,
        title=title,
        diary_line=diary,
        doc_kind=kind,
        sections=sections,
        text="\n".join(page.text for page in pages),
        language="sv",
    )


def contents_titles(pages: list[PdfPage]) -> dict[int, str]:
    """§ -> title from the table of contents (pages 1-2, whose text layer is clean)."""
    return {
        int(match["section"]): match["title"].strip()
        for page in pages[:2]
        for line in page.lines
        if (match := CONTENTS_RE.match(line.text))
    }


def roster_words(pages: list[PdfPage]) -> set[str]:
    """Capitalised name words of the cover page (attendance list, clean spelling)."""
    cover = pages[0].text if pages else ""
    return set(ROSTER_WORD_RE.findall(cover))


def roster_spelling(word: str, roster: set[str]) -> str:
    """The cover page's spelling of a name word when it is a near twin of it
    ("Töterman-Engström", its "tt" ligature lost, -> "Tötterman-Engström")."""
    twins = [r for r in roster if alike(word, r) >= SPELLING_TWIN]
    return max(twins, key=lambda r: alike(word, r)) if twins else word


def roster_people(blocks: list[ItemBlock], roster: set[str]) -> None:
    """Name words of the people texts in the cover page's spelling."""
    for block in blocks:
        for section in (Section.PREPARERS, Section.PRESENTER):
            if section in block.sections:
                words = block.sections[section].split()
                fixed = [roster_spelling(w, roster) for w in words]
                block.sections[section] = " ".join(fixed)


REPAIRED = " (repaired by OCR)"


def garbled_pages(content: list[PdfPage]) -> set[int]:
    """Numbers of the item pages whose text layer is garbled (OCR could not repair)."""
    return {
        p.number for p in content if not is_attachment_page(p) and pdf.is_garbled(p)
    }


def split_meeting(all_pages: list[PdfPage]) -> Layout:
    """One block per § of a whole-meeting PDF. Garbled pages are reported as problems;
    their items keep what is reliable (§, date, body, diary number, title from the
    table of contents, people in a clean spelling) and their garbled text sections
    are left out (null)."""
    meeting, impossible = meeting_header(all_pages)
    content = pdf.without_running(all_pages, MEETING_RUNNING)
    garbled = garbled_pages(content)
    problems = [
        ExtractionError("garbled_text", f"page {p.number}{REPAIRED * p.ocr_repaired}")
        for p in sorted(content, key=lambda page: page.number)
        if p.number in garbled or p.ocr_repaired
    ]
    if impossible:
        problems.append(
            ExtractionError(
                "impossible_date", f"running header: '{impossible}' is not a date"
            )
        )
    clean = [p for p in content if p.number not in garbled]
    broken = garbled_sections(all_pages, garbled)
    blocks = [
        meeting_item(section, pages, meeting, section in broken)
        for section, pages in pages_by_section(all_pages).items()
    ]
    titles = contents_titles(clean)
    for block in blocks:
        block.title = titles.get(block.section or 0, block.title)
    repair_people(blocks)
    roster_people(blocks, roster_words(clean))
    named = people_texts([b for b in blocks if b.section not in broken])
    roster = roster_words(clean)
    for block in blocks:
        if block.section in broken:
            keep_known_people(block, named, roster)
    return Layout(blocks, problems)


def garbled_sections(pages: list[PdfPage], garbled: set[int]) -> set[int]:
    """The §§ with at least one garbled page, and those with an OCR-repaired page
    where any of their pages still shows a non-word (the repair is not trusted)."""
    return {
        section
        for section, group in pages_by_section(pages).items()
        if any(page.number in garbled for page in group) or doubtful_repair(group)
    }


def doubtful_repair(group: list[PdfPage]) -> bool:
    """An item with an OCR-repaired page and a non-word left on one of its pages."""
    repaired = any(page.ocr_repaired for page in group)
    return repaired and any(pdf.has_non_word(page.text) for page in group)


def trusted_word(word: str, roster: set[str]) -> bool:
    """True for a word of a garbled people text that can be kept as printed."""
    return word in roster or pdf.is_known_word(word.strip(",.:"))


def people_texts(blocks: list[ItemBlock]) -> list[str]:
    """The distinct people texts with a personal name, of items on clean pages."""
    texts = [b.sections.get(s, "") for b in blocks for s in PEOPLE]
    return list(dict.fromkeys(t for t in texts if t and has_name(t)))


def keep_known_people(block: ItemBlock, named: list[str], roster: set[str]) -> None:
    """People texts of an item on a garbled page: a clean text of the document when
    one has its surname, else only the words that are known or on the cover page (a
    garbled title such as "Ungdomslgdarg" is left out rather than emitted)."""
    for section in PEOPLE:
        if section in block.sections:
            text = by_surname(block.sections[section], named)
            if text not in named:
                text = " ".join(w for w in text.split() if trusted_word(w, roster))
            block.sections[section] = text

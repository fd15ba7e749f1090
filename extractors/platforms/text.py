"""Plain-text minutes in the seeds' layout (Dynasty item text saved as text/markdown).

```
## <title>
Khall 05.12.2023 § 451
21/00.00.01/2023
Valmistelija / <preparer lines> / <explanation>
Esittelijä / <presenter>
Päätösehdotus / <proposal>
Päätös / <decision>
```
A file may hold several items in a row; each starts at its `#` title or header line.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from extractors.blocks import ItemBlock, Layout
from extractors.errors import ExtractionError
from extractors.fields import (
    Header,
    decode_text,
    diary_number,
    joined_diary,
    parse_header,
)
from models.records import Document
from models.vocab import HEADINGS, Section


def split_lines(text: str) -> list[str]:
    """Lines with trailing whitespace (markdown hard breaks) removed."""
    return [line.rstrip() for line in text.splitlines()]


def title_before(lines: list[str], header_index: int, floor: int) -> int | None:
    """Index of the `#` title line just above a header (blank lines between)."""
    index = header_index - 1
    while index >= floor and not lines[index].strip():
        index -= 1
    if index >= floor and lines[index].lstrip().startswith("#"):
        return index
    return None


def heading_of(line: str) -> Section | None:
    """The section a line opens when the line is just a heading ("Päätös")."""
    return HEADINGS.get(line.strip().rstrip(":").strip().lower())


def paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs, lines inside a paragraph kept."""
    result: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            result.append("\n".join(current))
            current = []
    return result


def labelled_sections(lines: list[str]) -> dict[Section, list[str]]:
    """Paragraphs grouped under the heading above them (text before any heading is
    the explanation)."""
    grouped: dict[Section, list[str]] = {}
    current = Section.EXPLANATION
    chunk: list[str] = []
    for line in [*lines, "Päätös"]:
        section = heading_of(line)
        if section is None:
            chunk.append(line)
            continue
        grouped.setdefault(current, []).extend(paragraphs(chunk))
        current, chunk = section, []
    grouped.setdefault(current, []).extend(paragraphs(chunk[:-1]))
    return {k: v for k, v in grouped.items() if v}


def sections_text(grouped: dict[Section, list[str]]) -> dict[Section, str]:
    """Section texts; the first paragraph under Valmistelija/Esittelijä is the people,
    the rest of it joins the explanation."""
    result: dict[Section, str] = {}
    explanation = list(grouped.get(Section.EXPLANATION, []))
    for section in (Section.PREPARERS, Section.PRESENTER):
        if section in grouped:
            first, *rest = grouped[section]
            result[section] = first
            explanation.extend(rest)
    for section, texts in grouped.items():
        if section not in result:
            result[section] = "\n\n".join(texts)
    if explanation:
        result[Section.EXPLANATION] = "\n\n".join(explanation)
    return result


def pop_diary(body_lines: list[str]) -> str | None:
    """The diary line under the header, removed from the lines: one line, or the
    two-line form "5316/2024" + "00.01.01" joined as "5316/00.01.01/2024"."""
    first = next((i for i, line in enumerate(body_lines) if line.strip()), None)
    if first is None:
        return None
    if first + 1 < len(body_lines):
        joined = joined_diary(body_lines[first], body_lines[first + 1])
        if joined:
            del body_lines[first : first + 2]
            return joined
    return body_lines.pop(first).strip() if diary_number(body_lines[first]) else None


def block_for(lines: list[str], title: str | None, header: Header) -> ItemBlock:
    """An ItemBlock from the lines after a header, up to the next item."""
    body_lines = list(lines)
    diary_line = pop_diary(body_lines)
    return ItemBlock(
        header=f"{header.body_printed} {header.meeting_date} § {header.section}",
        body_printed=header.body_printed,
        meeting_date=header.meeting_date,
        section=header.section,
        title=title,
        diary_line=diary_line,
        sections=sections_text(labelled_sections(body_lines)),
        text="\n".join(lines),
    )


def clean_title(line: str | None) -> str | None:
    """A markdown heading without its `#` marks."""
    return line.strip().lstrip("#").strip() or None if line else None


def split_text(text: str) -> list[ItemBlock]:
    """Every agenda item in a plain-text document, in document order."""
    lines = split_lines(text)
    headers = [(i, h) for i, line in enumerate(lines) if (h := parse_header(line))]
    if not headers:
        raise ExtractionError(
            "no_items", "no item header like 'Khall 05.12.2023 § 451'"
        )
    titles = [title_before(lines, i, 0) for i, _ in headers]
    blocks = []
    for k, (index, header) in enumerate(headers):
        end = len(lines)
        if k + 1 < len(headers):
            next_title = titles[k + 1]
            end = next_title if next_title is not None else headers[k + 1][0]
        title_index = titles[k]
        title = clean_title(lines[title_index]) if title_index is not None else None
        blocks.append(block_for(lines[index + 1 : end], title, header))
    return blocks


def matches(document: Document) -> bool:
    """Plain text or markdown (by name or media type), and not some binary format."""
    suffix = PurePosixPath(document.uri.split("?")[0]).suffix.lower()
    plain = suffix in {".txt", ".md"} or (document.media_type or "").startswith(
        "text/plain"
    )
    return plain and not document.data.startswith(b"%PDF")


def split_items(document: Document) -> Layout:
    """The items of a plain-text document."""
    try:
        content = decode_text(document.data)
    except UnicodeDecodeError as error:
        raise ExtractionError("undecodable", str(error)) from error
    return Layout(split_text(content))

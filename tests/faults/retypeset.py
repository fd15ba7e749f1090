"""A real PDF's text set again in a plain PDF, so that mutations can reach its text.

Byte mutations of a real PDF mostly land in compressed streams and break them whole;
to mutate what a PDF *says* (a digit of a date, a § number, a line dropped or copied),
the lines pdfplumber reads from it are written again with their page size, positions,
font sizes and bold face (Helvetica and Helvetica-Bold, WinAnsi, uncompressed), the
same way tests/fixtures/tweb/make_vantaa_pdf.py writes its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors import pdf
from flows.bench_corpus import pdf_string, type1_pdf

# Helvetica's descent (-207/1000 em): pdfminer's glyph box runs from baseline +
# descent to baseline + descent + size, so a word whose top was T sits on the
# baseline height - T - (1 - 0.207) * size.
BOX_ABOVE_BASELINE = 0.793
# Words further apart than this many ems (after the previous word's estimated
# width) are in another column: a run of its own at its own x.
COLUMN_GAP_EMS = 1.5
AVERAGE_CHAR_EMS = 0.55


@dataclass(frozen=True)
class Run:
    """Words of one line printed together: left edge, face, size, text."""

    x0: float
    bold: bool
    size: float
    text: str


@dataclass(frozen=True)
class TextLine:
    """One line: its top and its runs, left to right."""

    top: float
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class TextPage:
    """One page: its size and lines, top to bottom."""

    width: float
    height: float
    lines: tuple[TextLine, ...]


def runs_of(line: pdf.Line) -> tuple[Run, ...]:
    """The words of a line grouped into runs: a new run where the face changes or
    the next word starts well past where the previous one ends (a column)."""
    runs: list[Run] = []
    end = 0.0
    for word in line.words:
        size = word.size or 10.0
        last = runs[-1] if runs else None
        if (
            last is not None
            and last.bold == word.bold
            and word.x0 - end < COLUMN_GAP_EMS * size
        ):
            runs[-1] = Run(last.x0, last.bold, last.size, f"{last.text} {word.text}")
        else:
            runs.append(Run(word.x0, word.bold, size, word.text))
        end = word.x0 + len(word.text) * AVERAGE_CHAR_EMS * size
    return tuple(runs)


def text_pages(data: bytes) -> list[TextPage]:
    """The pages of a PDF as the extractor reads them (lines of runs)."""
    return [
        TextPage(
            page.width,
            page.height,
            tuple(TextLine(line.top, runs_of(line)) for line in page.lines),
        )
        for page in pdf.read_pages(data)
    ]


def content(page: TextPage) -> bytes:
    """A page's text operators: one BT/ET per run."""
    parts = []
    for line in page.lines:
        for run in line.runs:
            baseline = page.height - line.top - BOX_ABOVE_BASELINE * run.size
            parts.append(
                b"BT /%s %.2f Tf %.2f %.2f Td %s Tj ET"
                % (
                    b"F2" if run.bold else b"F1",
                    run.size,
                    run.x0,
                    baseline,
                    pdf_string(run.text),
                )
            )
    return b"\n".join(parts)


def typeset(pages: list[TextPage]) -> bytes:
    """A PDF of the pages (at least one page, empty if need be)."""
    pages = pages or [TextPage(595.0, 842.0, ())]
    return type1_pdf([(page.width, page.height, content(page)) for page in pages])

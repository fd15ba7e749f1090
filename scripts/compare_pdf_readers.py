#!/usr/bin/env python3
"""Compare the PDF reader before pdfium (pdfplumber alone) with the reader now
(pdfium's chars, pdfplumber's words) on every PDF we have: page by page, word by
word, and record by record.

python scripts/compare_pdf_readers.py             # the PDFs found (see PDF_GLOBS)
python scripts/compare_pdf_readers.py --turned    # and each one turned 90/180/270°
python scripts/compare_pdf_readers.py a.pdf b.pdf # those files

Words must agree in text, font (the subset tag left aside: pdfium drops it, and
fonts are checked to pair one to one per page), size, x0 and top within TOLERANCE;
records (`Item.to_dict()`) must be equal, and a file one reader refuses must be
refused by the other for the same reason. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import pypdfium2 as pdfium  # noqa: E402

from extractors import ExtractionError, extract_document, pdf  # noqa: E402
from models.ids import sha256_hex  # noqa: E402
from models.records import Document  # noqa: E402

PDF_GLOBS = [
    (ROOT / "tests" / "fixtures", "**/*.pdf"),
    (ROOT.parent / "shared" / "fixtures" / "real", "**/*.pdf"),
    (ROOT / "data" / "raw" / "samples", "**/*.pdf"),
    (ROOT / "tests" / "corpus", "**/*.pdf"),
]
TOLERANCE = 0.01  # points; pdfium computes in float32, pdfminer in float64


def found_pdfs() -> list[Path]:
    """Every PDF under PDF_GLOBS, one per content (the fixtures repeat some)."""
    seen: dict[str, Path] = {}
    for folder, pattern in PDF_GLOBS:
        for path in sorted(folder.glob(pattern)):
            seen.setdefault(sha256_hex(path.read_bytes()), path)
    return list(seen.values())


def turned(data: bytes, degrees: int) -> bytes:
    """The PDF with every page's /Rotate advanced by `degrees`."""
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            page.set_rotation((page.get_rotation() + degrees) % 360)
            page.close()
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()


def base_font(name: str) -> str:
    """A font name without a subset tag ("BAAAAA+Calibri", "2+Calibri")."""
    return name.split("+", 1)[-1]


def compare_pages(
    old: list[pdf.PdfPage], new: list[pdf.PdfPage], counts: Counter, notes: list[str]
) -> None:
    """Page, line and word differences between two readings of one PDF."""
    if len(old) != len(new):
        notes.append(f"pages: {len(old)} before, {len(new)} now")
        return
    for before, now in zip(old, new, strict=True):
        counts["pages"] += 1
        where = f"p{before.number}"
        sizes = (before.width, before.height, now.width, now.height)
        if (
            abs(before.width - now.width) > TOLERANCE
            or abs(before.height - now.height) > TOLERANCE
            or before.ocr_repaired != now.ocr_repaired
        ):
            notes.append(
                f"{where}: page {sizes} ocr {before.ocr_repaired, now.ocr_repaired}"
            )
        texts_before = [line.text for line in before.lines]
        texts_now = [line.text for line in now.lines]
        if texts_before != texts_now:
            counts["pages with other lines"] += 1
            notes.extend(line_notes(where, texts_before, texts_now))
            continue
        fonts: dict[str, set[str]] = {}
        for line_before, line_now in zip(before.lines, now.lines, strict=True):
            counts["lines"] += 1
            for word_before, word_now in zip(
                line_before.words, line_now.words, strict=True
            ):
                counts["words"] += 1
                fonts.setdefault(word_before.fontname, set()).add(word_now.fontname)
                problem = word_difference(word_before, word_now)
                if problem:
                    counts["words that differ"] += 1
                    notes.append(f"{where} {word_before.text!r}: {problem}")
        paired = [names for names in fonts.values() if len(names) > 1]
        if paired or len({n for names in fonts.values() for n in names}) != len(fonts):
            notes.append(f"{where}: fonts do not pair one to one: {fonts}")


def word_difference(before: pdf.Word, now: pdf.Word) -> str:
    """What differs between two readings of a word ('' when nothing)."""
    problems = []
    if base_font(before.fontname) != base_font(now.fontname):
        problems.append(f"font {before.fontname} -> {now.fontname}")
    if before.bold != now.bold:
        problems.append("bold")
    for name in ("size", "x0", "top"):
        a, b = getattr(before, name), getattr(now, name)
        if abs(a - b) > TOLERANCE:
            problems.append(f"{name} {a:.3f} -> {b:.3f}")
    return ", ".join(problems)


def line_notes(where: str, before: list[str], now: list[str]) -> list[str]:
    """The lines one reading has and the other has not."""
    import difflib

    out = []
    for line in difflib.unified_diff(before, now, lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        out.append(f"{where}: {line}")
    return out[:20]


def records(data: bytes, name: str, reader: Callable[[bytes], Any]) -> Any:
    """The item dicts of one PDF with `reader` as the PDF reader (or the reason it
    was refused)."""
    document = Document(uri=f"compare/{name}", data=data, sha256=sha256_hex(data))
    original = pdf.read_pages
    pdf.read_pages = reader  # type: ignore[assignment]
    try:
        return [item.to_dict() for item in extract_document(document).items]
    except ExtractionError as error:
        return f"{error.reason}: {error.detail}"
    finally:
        pdf.read_pages = original  # type: ignore[assignment]


def compare_records(before: Any, now: Any, counts: Counter, notes: list[str]) -> None:
    """Item by item, field by field."""
    if isinstance(before, str) or isinstance(now, str):
        counts["refused"] += 1
        if before != now:
            notes.append(f"refusal: {before!r} -> {now!r}")
        return
    counts["items"] += len(before)
    if len(before) != len(now):
        notes.append(f"items: {len(before)} before, {len(now)} now")
        return
    for index, (a, b) in enumerate(zip(before, now, strict=True)):
        fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        counts["fields"] += len(a)
        if fields:
            counts["items that differ"] += 1
            notes.append(f"item {index}: {', '.join(fields)} differ")


def read_timed(reader: Callable[[bytes], Any], data: bytes) -> tuple[Any, float]:
    """A reading and its seconds (an ExtractionError is a reading too)."""
    start = time.perf_counter()
    try:
        found = reader(data)
    except ExtractionError as error:
        found = f"{error.reason}: {error.detail}"
    return found, time.perf_counter() - start


def compare_file(name: str, data: bytes, totals: Counter) -> list[str]:
    """Every comparison for one PDF; its notes (empty when the readings agree)."""
    counts: Counter = Counter()
    notes: list[str] = []
    old, old_seconds = read_timed(pdf.read_pages_pdfplumber, data)
    new, new_seconds = read_timed(pdf.read_pages, data)
    if isinstance(old, str) or isinstance(new, str):
        if old != new:
            notes.append(f"reading: {old!r} -> {new!r}")
    else:
        compare_pages(old, new, counts, notes)
    compare_records(
        records(data, name, pdf.read_pages_pdfplumber),
        records(data, name, pdf.read_pages),
        counts,
        notes,
    )
    totals.update(counts)
    totals["files"] += 1
    totals["files that differ"] += bool(notes)
    pages = counts["pages"]
    print(
        f"{'DIFF' if notes else 'same'}  {name}: {pages} pages, {counts['lines']} "
        f"lines, {counts['words']} words, {counts['items']} items"
        + (
            f" ({counts['refused']} refused alike)"
            if counts["refused"] and not notes
            else ""
        )
        + (
            f"; read in {old_seconds:.2f} s before, {new_seconds:.2f} s now"
            if pages
            else ""
        )
    )
    for note in notes[:40]:
        print(f"      {note}")
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument(
        "--turned", action="store_true", help="also each PDF turned 90/180/270°"
    )
    args = parser.parse_args()
    paths = args.pdfs or found_pdfs()
    totals: Counter = Counter()
    for path in paths:
        data = path.read_bytes()
        name = str(
            path.relative_to(ROOT.parent) if ROOT.parent in path.parents else path
        )
        compare_file(name, data, totals)
        if args.turned:
            for degrees in (90, 180, 270):
                compare_file(f"{name} turned {degrees}°", turned(data, degrees), totals)
    print()
    print(
        f"{totals['files']} PDFs ({totals['files that differ']} differ), "
        f"{totals['pages']} pages, {totals['lines']} lines, {totals['words']} words "
        f"({totals['words that differ']} differ, {totals['pages with other lines']} "
        f"pages with other lines), {totals['items']} records "
        f"({totals['items that differ']} differ, {totals['fields']} fields), "
        f"{totals['refused']} refusals compared"
    )
    return 1 if totals["files that differ"] else 0


if __name__ == "__main__":
    sys.exit(main())

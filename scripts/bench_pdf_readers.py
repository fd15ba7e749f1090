#!/usr/bin/env python3
"""PDF text, pages per second, four readers on the same PDFs, one worker:

  pdfplumber   bare `page.extract_text()` (the issue's yardstick)
  pypdfium2    bare `textpage.get_text_range()`
  old          extractors.pdf.read_pages_pdfplumber (the reader before pdfium)
  new          extractors.pdf.read_pages

python scripts/bench_pdf_readers.py            # fixtures + a synthetic 200-page PDF
python scripts/bench_pdf_readers.py --pages 500 --repeat 3 --ocr

Times are CPU seconds of this process (`time.process_time`, best of --repeat): the
machine is shared, and wall time measures the neighbours. OCR (tesseract, a child
process) is off unless --ocr: it runs on garbled pages only, and its seconds are
tesseract's. The synthetic PDF repeats every page of the fixtures (pypdfium2's page
import) up to --pages pages.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from extractors import ocr, pdf  # noqa: E402
from scripts.compare_pdf_readers import found_pdfs  # noqa: E402


def bare_pdfplumber(data: bytes) -> int:
    """Pages read with pdfplumber's extract_text (each page closed after)."""
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            page.extract_text()
            page.close()
        return len(document.pages)


def bare_pypdfium2(data: bytes) -> int:
    """Pages read with pypdfium2's get_text_range."""
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(document)
    finally:
        document.close()


READERS: dict[str, Callable[[bytes], int]] = {
    "pdfplumber": bare_pdfplumber,
    "pypdfium2": bare_pypdfium2,
    "old": lambda data: len(pdf.read_pages_pdfplumber(data)),
    "new": lambda data: len(pdf.read_pages(data)),
}


def synthetic(paths: list[Path], pages: int) -> bytes:
    """A PDF of `pages` pages: the fixtures' pages, over and over."""
    out = pdfium.PdfDocument.new()
    sources = [pdfium.PdfDocument(path.read_bytes()) for path in paths]
    while len(out) < pages:
        for source in sources:
            wanted = min(len(source), pages - len(out))
            if wanted > 0:
                out.import_pages(source, list(range(wanted)))
    buffer = io.BytesIO()
    out.save(buffer)
    for source in sources:
        source.close()
    out.close()
    return buffer.getvalue()


def measure(
    reader: Callable[[bytes], int], data: bytes, repeat: int
) -> tuple[int, float]:
    """(pages, best CPU seconds of `repeat` runs)."""
    best = float("inf")
    pages = 0
    for _ in range(repeat):
        start = time.process_time()
        pages = reader(data)
        best = min(best, time.process_time() - start)
    return pages, best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--pages", type=int, default=200, help="synthetic PDF's pages")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--ocr", action="store_true", help="let OCR mend garbled pages")
    parser.add_argument(
        "--readers",
        default=",".join(READERS),
        help="comma-separated, of: " + ", ".join(READERS),
    )
    args = parser.parse_args()
    if not args.ocr:
        ocr.available = lambda: False  # type: ignore[assignment]
    paths = args.pdfs or found_pdfs()
    cases = [(path.name, path.read_bytes()) for path in paths]
    if args.pages:
        cases.append((f"synthetic {args.pages} pages", synthetic(paths, args.pages)))
    names = args.readers.split(",")
    totals = {name: [0, 0.0] for name in names}
    print(f"{'PDF':44} {'pages':>5} " + " ".join(f"{n + ' p/s':>14}" for n in names))
    for label, data in cases:
        rates = []
        for name in names:
            pages, seconds = measure(READERS[name], data, args.repeat)
            totals[name][0] += pages
            totals[name][1] += seconds
            rates.append(pages / seconds if seconds else float("inf"))
        print(f"{label[:44]:44} {pages:5d} " + " ".join(f"{r:14.1f}" for r in rates))
    print()
    summary = {n: t[0] / t[1] for n, t in totals.items() if t[1]}
    print("all pages: " + ", ".join(f"{n} {r:.1f} p/s" for n, r in summary.items()))
    if "pdfplumber" in summary:
        base = summary["pdfplumber"]
        print(
            "÷ bare pdfplumber: "
            + ", ".join(f"{n} {r / base:.2f}×" for n, r in summary.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""OCR of one PDF page with tesseract (Debian: tesseract-ocr, -swe, -fin), used only to
repair pages whose text layer is garbled. Pure in the extractor sense: page pixels in,
words out; the tesseract binary is a library here, not I/O of data."""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
from dataclasses import dataclass

import pdfplumber
from PIL import Image

RESOLUTION = 300  # dpi for rendering; tesseract reads 10–12 pt text well at 300
LANGUAGES = "swe+fin"
MIN_CONFIDENCE = 60.0
TOP_TOLERANCE = 4.0  # points between a text-layer word's top and the OCR word's
TIMEOUT = 120


@dataclass(frozen=True)
class OcrWord:
    """A word OCR read, with its box in PDF points."""

    text: str
    x0: float
    top: float
    x1: float


@functools.cache
def available() -> bool:
    """True when tesseract and its Swedish and Finnish data are installed."""
    if shutil.which("tesseract") is None:
        return False
    found = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=False
    )
    languages = set(found.stdout.split())
    return {"swe", "fin"} <= languages


def page_words(page: pdfplumber.page.Page) -> list[OcrWord]:
    """The words OCR reads on a rendered page (confident ones only)."""
    return image_words(page.to_image(resolution=RESOLUTION).original)


def image_words(image: Image.Image) -> list[OcrWord]:
    """The words OCR reads on a page image rendered at RESOLUTION."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # the bytes only go to a pipe
    return _words(buffer.getvalue(), RESOLUTION / 72.0)


@functools.lru_cache(maxsize=256)
def _words(png: bytes, scale: float) -> list[OcrWord]:
    """tesseract's TSV words of a PNG, scaled to PDF points (cached per image)."""
    result = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", LANGUAGES, "tsv"],
        input=png,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
        # OpenMP threads cost more than they give on a page (on 2 cores: 2.75 s a
        # page with them, 1.77 s with one), and the run's workers use the cores
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    rows = csv.DictReader(
        io.StringIO(result.stdout.decode("utf-8")),
        delimiter="\t",
        quoting=csv.QUOTE_NONE,
    )
    return [_word(row, scale) for row in rows if _confident(row)]


def _confident(row: dict[str, str]) -> bool:
    """A word row with text that tesseract is reasonably sure of."""
    text = (row.get("text") or "").strip()
    return bool(text) and float(row.get("conf") or -1) >= MIN_CONFIDENCE


def _word(row: dict[str, str], scale: float) -> OcrWord:
    """One TSV row as an OcrWord in points."""
    left, top, width = (float(row[k]) / scale for k in ("left", "top", "width"))
    return OcrWord(row["text"].strip(), left, top, left + width)


def word_at(boxes: list[OcrWord], x0: float, top: float, length: int) -> str | None:
    """The OCR word that starts nearest to (x0, top) on the same line."""
    near = [
        b for b in boxes if abs(b.top - top) <= TOP_TOLERANCE + 6 and abs(b.x0 - x0) < 8
    ]
    if not near:
        return None
    best = min(near, key=lambda b: (abs(b.x0 - x0), abs(b.top - top)))
    return best.text if abs(len(best.text) - length) <= max(3, length // 2) else None

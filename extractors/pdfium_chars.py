"""A PDF page's characters read with pdfium (pypdfium2), as pdfplumber reports them.

pdfplumber (pdfminer.six) interprets content streams in Python; pdfium, the C library
pdfplumber already ships for rendering, does it in C. This module turns pdfium's text
page into the char dicts `extractors.pdf` always worked on — text, x0, x1, top,
bottom, fontname, size, upright, in content-stream order, in pdfplumber's coordinates
(top-down, MediaBox based, page rotation applied) — so that pdfplumber's own word
grouping makes the words it made before (scripts/compare_pdf_readers.py compares the
two readers on every PDF we have). `read_runs` gives the same chars with those of each
text object on an unturned baseline kept by column (`char_words.CharRun`), so that
the words can be made without a dict per char; `read_chars` gives the dicts.

What pdfium's text page does differently, and how it is undone here:
- it adds spaces and line breaks of its own (`FPDFText_IsGenerated`): dropped;
- it splits a glyph mapped to several letters ("ft", "§\\0", "ﬁ") into one entry per
  letter at the glyph's origin: joined back into one character;
- it marks a line-end hyphen by replacing its letter with 0x02 (`FPDFText_IsHyphen`):
  read as "-" (a soft hyphen, U+00AD, reads as "-" too);
- a glyph without a Unicode mapping carries its character code: written "(cid:N)"
  as pdfminer writes it;
- it orders the text objects of a line by x and collapses repeated spaces: chars are
  put back in content order (the order of the page's objects); spaces only end words;
- its loose box covers a glyph's ink as well as its advance, and the advance is what
  pdfminer's box is made of. Where the ink ends inside the box, the box ends at the
  advance. Where the ink runs past it (an "f", an italic, a ligature glyph a broken
  font map gives a single letter), the advance is the font's width of the glyph with
  that letter and that ink box (`Glyphs`), else the ink's end;
- font names lose their subset tag ("BAAAAA+Calibri" → "Calibri"): embedded fonts
  sharing a name on one page get a tag of their own ("1+Calibri"), so that chars of
  different fonts never join one word (pdfplumber splits words where the font name
  changes); fonts not embedded share their name as they do in pdfminer;
- the 14 standard fonts, not embedded, get pdfminer's AFM descent (pdfium takes its
  substitute font's). pdfium keeps a descent as an integer (-235.84 → -236): a top
  may differ from pdfminer's by a few thousandths of a point.

A page pdfium reads differently in ways not undone here raises `Unsupported` and is
read with pdfplumber instead (`extractors.pdf`): text on a slanted baseline, a text
object pdfium left out (a duplicate drawn over itself, a marked-content span replaced
by its ActualText, a line-end hyphen drawn on its own), an empty MediaBox, or a CropBox
without a MediaBox of its own.

pdfium is not thread-safe: every call into it must hold `LOCK`.
"""

from __future__ import annotations

import bisect
import ctypes
import threading
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pdfminer.fontmetrics import FONT_METRICS
from pypdfium2_raw import bindings

from extractors.char_words import CharRun

# pdfium is not thread-safe (pypdfium2's documentation): one call at a time.
LOCK = threading.RLock()

# Two positions closer than this (points) are one (pdfium computes in float32).
EPSILON = 1e-3
# A loose box this close to a glyph's advance (points) is that advance alone (ink
# past it would widen the box): its left is the glyph's origin, to float32 rounding
# (pdfium computes the box through the text matrix: ~2e-5 pt off the origin).
ADVANCE_BOX = 1e-4
# Two glyph boxes (in ems) that agree within this are one glyph's.
SAME_GLYPH = 0.003
# Character codes tried when looking for a glyph's width (`Glyphs.advance`): a
# simple font's 256, then a composite font's further ones, a block at a time.
TABLE_BLOCK = 256
TABLE_CODES = 2048


class Unsupported(Exception):
    """pdfium's text page differs from pdfplumber's chars in a way not undone here."""


def _function(name: str, restype: Any, *argtypes: Any) -> Callable[..., Any]:
    """A private ctypes prototype of one pdfium function, on plain C types (faster
    than pypdfium2's typed handles, and `_libs[...]` gives a new function object, so
    pypdfium2's own prototypes are left as they are)."""
    function = bindings._libs["pdfium"][name]
    function.restype = restype
    function.argtypes = argtypes
    return function


def _bare(name: str, restype: Any) -> Callable[..., Any]:
    """A prototype without argument types, for the calls made once per char:
    ctypes then converts nothing (~0.25 µs a call less), so every argument must
    be a ctypes object already (a handle as c_void_p: a plain int would pass as
    a 32-bit C int) or a plain int for an int parameter."""
    function = bindings._libs["pdfium"][name]
    function.restype = restype
    function.argtypes = None
    return function


_P = ctypes.c_void_p
_INT = ctypes.c_int
_PD = ctypes.POINTER(ctypes.c_double)
_PF = ctypes.POINTER(ctypes.c_float)
_count_chars = _function("FPDFText_CountChars", _INT, _P)
_unicode = _function("FPDFText_GetUnicode", ctypes.c_uint, _P, _INT)
_page_text = _function("FPDFText_GetText", _INT, _P, _INT, _INT, _P)
_generated = _function("FPDFText_IsGenerated", _INT, _P, _INT)
_hyphen = _function("FPDFText_IsHyphen", _INT, _P, _INT)
_map_error = _function("FPDFText_HasUnicodeMapError", _INT, _P, _INT)
_text_object = _function("FPDFText_GetTextObject", _P, _P, _INT)
_font_size = _function("FPDFText_GetFontSize", ctypes.c_double, _P, _INT)
_origin = _function("FPDFText_GetCharOrigin", _INT, _P, _INT, _PD, _PD)
_loose_box = _function("FPDFText_GetLooseCharBox", _INT, _P, _INT, _P)
_char_box = _function("FPDFText_GetCharBox", _INT, _P, _INT, _PD, _PD, _PD, _PD)
_char_matrix = _function("FPDFText_GetMatrix", _INT, _P, _INT, _P)
_load_textpage = _function("FPDFText_LoadPage", _P, _P)
_close_textpage = _function("FPDFText_ClosePage", None, _P)
_object_font = _function("FPDFTextObj_GetFont", _P, _P)
_object_type = _function("FPDFPageObj_GetType", _INT, _P)
_object_bounds = _function("FPDFPageObj_GetBounds", _INT, _P, _PF, _PF, _PF, _PF)
_count_objects = _function("FPDFPage_CountObjects", _INT, _P)
_page_object = _function("FPDFPage_GetObject", _P, _P, _INT)
_count_form_objects = _function("FPDFFormObj_CountObjects", _INT, _P)
_form_object = _function("FPDFFormObj_GetObject", _P, _P, ctypes.c_ulong)
_font_name = _function(
    "FPDFFont_GetBaseFontName", ctypes.c_size_t, _P, _P, ctypes.c_size_t
)
_font_embedded = _function("FPDFFont_GetIsEmbedded", _INT, _P)
_font_descent = _function("FPDFFont_GetDescent", _INT, _P, ctypes.c_float, _PF)
_glyph_width = _function(
    "FPDFFont_GetGlyphWidth", _INT, _P, ctypes.c_uint, ctypes.c_float, _PF
)
_glyph_path = _function("FPDFFont_GetGlyphPath", _P, _P, ctypes.c_uint, ctypes.c_float)
_path_segments = _function("FPDFGlyphPath_CountGlyphSegments", _INT, _P)
_path_segment = _function("FPDFGlyphPath_GetGlyphPathSegment", _P, _P, _INT)
_segment_point = _function("FPDFPathSegment_GetPoint", _INT, _P, _PF, _PF)
# per char, on unturned pages (`_Reader.upright_run`): arguments as `_bare` says
_bare_origin = _bare("FPDFText_GetCharOrigin", _INT)
_bare_loose_box = _bare("FPDFText_GetLooseCharBox", _INT)
_bare_map_error = _bare("FPDFText_HasUnicodeMapError", _INT)
_bare_text_object = _bare("FPDFText_GetTextObject", _P)
_bare_char_box = _bare("FPDFText_GetCharBox", _INT)
_media_box = _function("FPDFPage_GetMediaBox", _INT, _P, _PF, _PF, _PF, _PF)
_crop_box = _function("FPDFPage_GetCropBox", _INT, _P, _PF, _PF, _PF, _PF)
_bounding_box = _function("FPDF_GetPageBoundingBox", _INT, _P, _P)
_page_count = _function("FPDF_GetPageCount", _INT, _P)
_new_page = _function("FPDFPage_New", _P, _P, _INT, ctypes.c_double, ctypes.c_double)
_close_page = _function("FPDF_ClosePage", None, _P)
_insert_object = _function("FPDFPage_InsertObject", _INT, _P, _P)
_new_text = _function("FPDFPageObj_CreateTextObj", _P, _P, _P, ctypes.c_float)
_set_codes = _function("FPDFText_SetCharcodes", _INT, _P, _P, ctypes.c_size_t)
_transform = _function("FPDFPageObj_Transform", None, _P, *(ctypes.c_double,) * 6)

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]


def _address(handle: Any) -> int:
    """A pypdfium2 raw handle as the plain address the private prototypes take."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def media_box(page: int) -> Box:
    """The page's MediaBox as written (x0, y0, x1, y1); Unsupported when pdfium
    cannot give it."""
    x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
    if _media_box(page, x0, y0, x1, y1):
        box = (x0.value, y0.value, x1.value, y1.value)
    elif not _crop_box(page, x0, y0, x1, y1):
        # MediaBox inherited from the page tree: pdfium's page box is that box
        rect = raw.FS_RECTF()
        if not _bounding_box(page, ctypes.byref(rect)):
            raise Unsupported("no MediaBox")
        box = (rect.left, rect.bottom, rect.right, rect.top)
    else:
        raise Unsupported("a CropBox but no MediaBox of its own")
    if box[0] == box[2] or box[1] == box[3]:
        raise Unsupported("empty MediaBox")  # a box pdfminer could not read either
    return box


class PageGeometry:
    """pdfminer's page transform (MediaBox and /Rotate) and pdfplumber's page size
    and flip for one page."""

    def __init__(self, box: Box, rotation: int):
        x0, y0, x1, y1 = box
        if rotation == 90:
            self.ctm: Matrix = (0, -1, 1, 0, -y0, x1)
        elif rotation == 180:
            self.ctm = (-1, 0, 0, -1, x1, y1)
        elif rotation == 270:
            self.ctm = (0, 1, -1, 0, y1, -x0)
        else:
            self.ctm = (1, 0, 0, 1, -x0, -y0)
        # pdfplumber.page.Page: the MediaBox normalised, turned, flipped top-down
        nx0, nx1 = sorted((x0, x1))
        ny0, ny1 = sorted((y0, y1))
        if rotation in (90, 270):
            nx0, ny0, nx1, ny1 = ny0, nx0, ny1, nx1
        self.width = nx1 - nx0
        self.height = ny1 - ny0
        self.x_shift = nx0  # pdfplumber adds the MediaBox's left back
        # pdfplumber: top = height - y1 + mediabox top, the top being height - ny1
        self.flip = self.height + (self.height - ny1)
        self.plain = rotation == 0
        self.dx = self.ctm[4] + self.x_shift  # x0 = x + dx on an unturned page
        self.dy = self.ctm[5]


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """The product m × n (PDF's row-vector convention: m applies first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


class _Font:
    """A font as pdfplumber reports it: name without the subset tag, descent per
    unit of size; and the widths pdfium gives by letter."""

    __slots__ = ("handle", "name", "embedded", "descent", "widths", "paths")

    def __init__(self, handle: int):
        self.handle = handle
        size = _font_name(handle, None, 0)
        buffer = ctypes.create_string_buffer(max(size, 1))
        _font_name(handle, buffer, size)
        self.name = buffer.value.decode("utf-8", "replace")
        self.embedded = bool(_font_embedded(handle))
        descent = ctypes.c_float()
        _font_descent(handle, 1.0, descent)
        value = descent.value
        if not self.embedded and self.name in FONT_METRICS:
            metrics: Any = FONT_METRICS[self.name][0]
            value = float(metrics["Descent"]) / 1000
        self.descent = -value if value > 0 else value  # pdfminer's sign rule
        self.widths: dict[int, float] = {}
        self.paths: dict[int, Box | None] = {}

    def width(self, unicode: int) -> float:
        """The width (ems) of the first glyph the font maps to this letter."""
        found = self.widths.get(unicode)
        if found is None:
            out = ctypes.c_float()
            _glyph_width(self.handle, unicode, 1.0, out)
            found = self.widths[unicode] = out.value
        return found

    def path_box(self, unicode: int) -> Box | None:
        """The ink box (ems) of the first glyph the font maps to this letter."""
        if unicode not in self.paths:
            self.paths[unicode] = _path_box(self.handle, unicode)
        return self.paths[unicode]


def _path_box(font: int, unicode: int) -> Box | None:
    """The box of a glyph's outline points (ems)."""
    path = _glyph_path(font, unicode, 1.0)
    if not path:
        return None
    xs: list[float] = []
    ys: list[float] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(_path_segments(path)):
        if _segment_point(_path_segment(path, index), x, y):
            xs.append(x.value)
            ys.append(y.value)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _same_box(a: Box | None, b: Box) -> bool:
    """True when two glyph boxes (ems) are one glyph's."""
    if a is None:
        return False
    a0, a1, a2, a3 = a
    b0, b1, b2, b3 = b
    return (
        abs(a0 - b0) <= SAME_GLYPH
        and abs(a1 - b1) <= SAME_GLYPH
        and abs(a2 - b2) <= SAME_GLYPH
        and abs(a3 - b3) <= SAME_GLYPH
    )


class Glyphs:
    """Advance widths of glyphs whose ink runs past their advance, found once per
    document: by font name, letter and ink box (ems), the width (ems)."""

    def __init__(self, document: pdfium.PdfDocument):
        self.document = _address(document.raw)
        self.known: dict[tuple[str, int], list[tuple[Box, float | None]]] = {}
        self.tables: dict[int, list[list[tuple[int, Box, float]]]] = {}  # this page's

    def advance(self, font: _Font, unicode: int, ink: Box) -> float | None:
        """The width (ems) of the glyph of `font` mapped to `unicode` whose ink box
        (ems) is `ink`; None when no glyph of the font fits."""
        key = (font.name, unicode)
        for box, width in self.known.get(key, ()):
            if _same_box(box, ink):
                return width
        found: float | None = None
        if _same_box(font.path_box(unicode), ink):
            found = font.width(unicode)  # the first glyph of that letter
        else:
            found = self.from_tables(font, unicode, ink)
        self.known.setdefault(key, []).append((ink, found))
        return found

    def from_tables(self, font: _Font, unicode: int, ink: Box) -> float | None:
        """The width of the code whose letter and ink match, from code tables built
        a block at a time (a simple font has one block)."""
        tables = self.tables.setdefault(font.handle, [])
        for block in range(0, TABLE_CODES, TABLE_BLOCK):
            if len(tables) <= block // TABLE_BLOCK:
                table = _glyph_table(self.document, font.handle, block)
                tables.append(table)
                if not table:
                    return None  # no code of this block draws: none beyond either
            for letter, box, width in tables[block // TABLE_BLOCK]:
                if letter == unicode and _same_box(box, ink):
                    return width
        return None

    def page_done(self) -> None:
        """Forget this page's font handles (pdfium may reuse them)."""
        self.tables.clear()


def _glyph_table(document: int, font: int, first: int) -> list[tuple[int, Box, float]]:
    """Each code drawn twice ([c, c]) in its own text object on a page added to the
    document for the purpose: the second copy's origin minus the first's is the
    code's width; the first's box is its ink. Sizes are 1000 so that widths come in
    thousandths of an em. The page is closed after, never deleted: deleting a page
    walks the page tree, and pdfium crashes doing it on some broken trees (a
    segfault no exception handler catches); the document is only read, never
    saved, and its pages are counted before the first table is made."""
    index = _page_count(document)
    page = _new_page(document, index, 612.0, 792.0)
    if not page:
        return []
    try:
        codes: dict[int, int] = {}
        pair = (ctypes.c_uint32 * 2)()
        for code in range(first, first + TABLE_BLOCK):
            text = _new_text(document, font, 1000.0)
            if not text:
                continue
            pair[0] = pair[1] = code
            _set_codes(text, pair, 2)
            _transform(text, 1, 0, 0, 1, 0, 2000.0 * code)
            _insert_object(page, text)
            codes[text] = code
        return _read_table(page, codes)
    finally:
        _close_page(page)


def _read_table(page: int, codes: dict[int, int]) -> list[tuple[int, Box, float]]:
    """The scratch page's (letter, ink box, width) per code."""
    textpage = _load_textpage(page)
    if not textpage:
        return []
    try:
        seen: dict[int, list[tuple[float, int]]] = {}
        ox, oy = ctypes.c_double(), ctypes.c_double()
        for index in range(_count_chars(textpage)):
            code = codes.get(_text_object(textpage, index) or 0)
            if code is None or _generated(textpage, index):
                continue
            _origin(textpage, index, ox, oy)
            seen.setdefault(code, []).append((ox.value, index))
        table = []
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        for code, entries in seen.items():
            xs = sorted({x for x, _ in entries})
            if len(xs) < 2:
                continue  # no width (a copy at the same place is dropped)
            first = min(index for x, index in entries if x == xs[0])
            _char_box(textpage, first, left, right, bottom, top)
            y = 2000.0 * code
            box = (
                (left.value - xs[0]) / 1000,
                (bottom.value - y) / 1000,
                (right.value - xs[0]) / 1000,
                (top.value - y) / 1000,
            )
            table.append((_unicode(textpage, first), box, (xs[1] - xs[0]) / 1000))
        return table
    finally:
        _close_textpage(textpage)


class _Object:
    """A text object: its place in content order, font, size and matrix, and the
    constants of its chars' boxes."""

    __slots__ = (
        "handle", "order", "font", "forward", "size", "matrix", "horizontal",
        "scale", "upright", "low", "height", "fast",
    )  # fmt: skip

    def __init__(
        self,
        handle: int,
        order: int,
        font: _Font,
        size: float,
        matrix: Matrix,
        page: PageGeometry,
    ):
        self.handle = handle
        self.order = order
        self.font = font
        self.size = size
        self.matrix = matrix
        a, b, c, d = matrix[:4]
        if abs(b) < EPSILON and abs(c) < EPSILON and a:
            self.horizontal = True
            self.scale = a
        elif abs(a) < EPSILON and abs(d) < EPSILON and b:
            self.horizontal = False
            self.scale = b
        else:
            raise Unsupported("text on a slanted baseline")
        full = _multiply(matrix, page.ctm)
        self.upright = full[0] * full[3] > 0 and full[1] * full[2] <= 0
        # which way the text runs along pdfplumber's line: x, or top (y down)
        self.forward = (full[0] >= 0) if self.upright else (full[1] <= 0)
        # pdfminer's glyph box, in text space: (0, low) to (advance, low + size)
        self.low = font.descent * size
        self.height = d * size  # the box's height on an unturned page
        self.fast = page.plain and self.horizontal and a > 0 and d > 0 and not b


def _text_objects(page: int) -> dict[int, int]:
    """Each text object's place in content order (form XObjects opened in place)."""
    order: dict[int, int] = {}

    def walk(handles: Iterator[int]) -> None:
        for handle in handles:
            kind = _object_type(handle)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                order[handle] = len(order)
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                count = _count_form_objects(handle)
                walk(_form_object(handle, i) for i in range(count))

    walk(_page_object(page, i) for i in range(_count_objects(page)))
    return order


def _draws(handle: int) -> bool:
    """True when a text object draws ink (pdfium's text page leaves out objects
    narrower than 0.01 pt, and repeated spaces; pdfminer gives their characters,
    spaces or nothing visible, which only end words)."""
    x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
    if not _object_bounds(handle, x0, y0, x1, y1):
        return False
    return abs(x1.value - x0.value) >= 0.01 and abs(y1.value - y0.value) >= 0.01


def read_chars(page: pdfium.PdfPage, glyphs: Glyphs) -> tuple[list[dict], float, float]:
    """The page's chars as pdfplumber's `page.chars` gives them, and the page's width
    and height as pdfplumber gives them. Raises Unsupported for a page whose text
    pdfium reads differently (read it with pdfplumber). Call with LOCK held."""
    runs, width, height = read_runs(page, glyphs)
    return char_dicts(runs), width, height


Run = CharRun | list[dict]  # an unturned text object's chars by column, or dicts


def char_dicts(runs: Sequence[Run]) -> list[dict]:
    """The runs' chars as pdfplumber's dicts, in order."""
    return [
        char
        for run in runs
        for char in (run.dicts() if isinstance(run, CharRun) else run)
    ]


def read_runs(page: pdfium.PdfPage, glyphs: Glyphs) -> tuple[list[Run], float, float]:
    """`read_chars` with the chars of each text object on an unturned baseline kept
    by column (`CharRun`), the others as dicts. Call with LOCK held."""
    handle = _address(page.raw)
    geometry = PageGeometry(media_box(handle), page.get_rotation())
    order = _text_objects(handle)
    textpage = _load_textpage(handle)
    if not textpage:
        raise Unsupported("no text page")
    try:
        runs, seen = _Reader(textpage, order, geometry, glyphs).read()
    finally:
        _close_textpage(textpage)
        glyphs.page_done()
    left_out = [h for h in order if h not in seen and _draws(h)]
    if left_out:
        raise Unsupported(f"{len(left_out)} text objects left out of the text page")
    return runs, geometry.width, geometry.height


def _letters(textpage: int, count: int) -> list[int]:
    """Every char's Unicode value: in one call when the text page's text lines up
    with its chars (no char without text), else a call per char."""
    if not count:
        return []
    buffer = (ctypes.c_uint16 * (count + 1))()
    written = _page_text(textpage, 0, count, buffer)
    if written == count + 1:
        letters = list(buffer[:count])
        if max(letters) < 0xD800:
            return letters
        # surrogate pairs need a call per char; pdfium's stand-in for a line-end
        # hyphen (0xFFFE in the text, 2 as a char's Unicode) one call each
        if not any(0xD800 <= u <= 0xDFFF for u in letters):
            for index, unicode in enumerate(letters):
                if unicode == 0xFFFE:
                    letters[index] = _unicode(textpage, index)
            return letters
    return [_unicode(textpage, index) for index in range(count)]


# Letters that may be pdfium's own line break or space, or its stand-in for a
# line-end hyphen (`_Reader.text_of`).
SPECIAL_LETTERS = frozenset((2, 10, 13, 32))


class _Reader:
    """One text page's chars."""

    def __init__(
        self,
        textpage: int,
        order: dict[int, int],
        geometry: PageGeometry,
        glyphs: Glyphs,
    ):
        self.textpage = textpage
        self.order = order
        self.geometry = geometry
        self.glyphs = glyphs
        self.fonts: dict[int, _Font] = {}
        self.objects: dict[int, _Object] = {}
        self.matrix = raw.FS_MATRIX()
        # a char's box (`advance`): left, right, bottom, top
        self.box = tuple(ctypes.c_double() for _ in range(4))
        self.box_refs = tuple(ctypes.byref(value) for value in self.box)
        # where a space pdfium dropped may have been (see `_Spaces`)
        self.spaces = _Spaces()

    def read(self) -> tuple[list[Run], set[int]]:
        """The chars in content order, a run per text object, and the text objects
        they came from."""
        textpage = self.textpage
        count = _count_chars(textpage)
        letters = _letters(textpage, count)
        found: list[tuple[int, int, Run, _Font]] = []  # a run per object
        start = 0
        while start < count:
            handle = _text_object(textpage, start) or 0
            if not handle:  # only pdfium's own line breaks have no text object
                if not _generated(textpage, start):
                    raise Unsupported("a character without a text object")
                if _unicode(textpage, start) != 32:
                    self.spaces.line_break()
                start += 1
                continue
            end = self.run_end(start, handle, count)
            obj = self.text_object(handle, start)
            found.append(
                (obj.order, start, self.read_run(obj, start, end, letters), obj.font)
            )
            start = end
        found.sort(key=lambda run: (run[0], run[1]))
        _tag_shared_names(found)
        runs = [run for _, _, run, _ in found]
        self.spaces.check(runs)
        return runs, set(self.objects)

    def run_end(self, start: int, handle: int, count: int) -> int:
        """The end of the run of chars from `start` that belong to `handle` (a text
        object's chars are one run in pdfium's list, so a char of `handle` further
        on means all between are its too): galloping, then halving."""
        textpage = ctypes.c_void_p(self.textpage)
        text_object = _bare_text_object
        low, step = start, 1
        while low + step < count and text_object(textpage, low + step) == handle:
            low += step
            step *= 2
        high = min(low + step, count)  # chars [start, low] are `handle`'s
        while high - low > 1:
            middle = (low + high) // 2
            if text_object(textpage, middle) == handle:
                low = middle
            else:
                high = middle
        return low + 1

    def text_object(self, handle: int, index: int) -> _Object:
        """The text object `handle` (its first char at `index`), read once."""
        obj = self.objects.get(handle)
        if obj is not None:
            return obj
        if handle not in self.order:
            raise Unsupported("a character of an object not on the page")
        font_handle = _object_font(handle)
        if not font_handle:
            raise Unsupported("a text object without a font")
        font = self.fonts.get(font_handle)
        if font is None:
            font = self.fonts[font_handle] = _Font(font_handle)
        m = self.matrix
        _char_matrix(self.textpage, index, ctypes.byref(m))
        obj = self.objects[handle] = _Object(
            handle,
            self.order[handle],
            font,
            _font_size(self.textpage, index),
            (m.a, m.b, m.c, m.d, m.e, m.f),
            self.geometry,
        )
        return obj

    def read_run(self, obj: _Object, start: int, end: int, letters: list[int]) -> Run:
        """The chars of one text object (pdfium's indices start..end): by column
        on an unturned page and baseline, else as dicts."""
        self.spaces.line_break()  # in a text object pdfium keeps content order
        if not obj.fast:
            return self.turned_run(obj, start, end, letters)
        run = self.upright_run(obj, start, end, letters)
        if run.texts:
            self.check_ends(obj, run)
        return run

    def text_of(self, index: int, unicode: int, obj: _Object) -> str | None:
        """A char's text, or None for a line break or space pdfium generated (a
        generated space is noted: it may stand for a real space it replaced)."""
        textpage = self.textpage
        if unicode in (10, 13, 32) and _generated(textpage, index):
            if unicode == 32:
                ox, oy = ctypes.c_double(), ctypes.c_double()
                _origin(textpage, index, ox, oy)
                point = self.page_point(ox.value, oy.value)
                self.spaces.generated(point, obj.upright, obj.forward)
            else:
                self.spaces.line_break()
            return None
        if unicode == 2 and _hyphen(textpage, index):
            return "-"
        if _map_error(textpage, index):
            return f"(cid:{unicode})"
        return chr(unicode)

    def upright_run(
        self, obj: _Object, start: int, end: int, letters: list[int]
    ) -> CharRun:
        """The chars of a text object on an unturned page and baseline (the most
        of every page): one baseline for all, and two calls into pdfium a char
        (its text's map check and its loose box; the origin only where the box is
        more than the advance), nothing recomputed, no dict made."""
        textpage = self.textpage
        font = obj.font
        widths = font.widths
        geometry = self.geometry
        em = obj.size * obj.scale
        flip = geometry.flip
        low = obj.matrix[3] * obj.low + geometry.dy
        dx = geometry.dx
        forward = obj.forward
        spaces = self.spaces
        origin, loose_box, map_error = _bare_origin, _bare_loose_box, _bare_map_error
        handle = ctypes.c_void_p(textpage)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        ox_ref, oy_ref = ctypes.byref(ox), ctypes.byref(oy)
        rect = raw.FS_RECTF()
        rect_ref = ctypes.byref(rect)
        # an unturned horizontal object's chars share its baseline
        origin(handle, start, ox_ref, oy_ref)
        y = oy.value
        bottom = flip - y - low
        top = bottom - obj.height
        run = CharRun(font.name, obj.height, top, bottom)
        texts, x0s, x1s = run.texts, run.x0s, run.x1s
        last_x = None
        for index in range(start, end):
            unicode = letters[index]
            if unicode in SPECIAL_LETTERS:
                text = self.text_of(index, unicode, obj)
                if text is None:
                    continue
            elif map_error(handle, index):
                text = f"(cid:{unicode})"
            else:
                text = chr(unicode)
            loose_box(handle, index, rect_ref)
            left = rect.left
            right = rect.right
            width = widths.get(unicode)
            if width is None:
                width = font.width(unicode)
            advance = width * em
            if abs(right - left - advance) <= ADVANCE_BOX:
                x = left  # the box is the advance alone: it starts at the origin
            else:
                origin(handle, index, ox_ref, oy_ref)
                x = ox.value
                if abs(right - x - advance) > EPSILON:
                    advance = self.advance(index, obj, unicode, x, y, right - x)
            if x == last_x:
                texts[-1] += text  # one glyph mapped to several letters
                continue
            last_x = x
            x0 = x + dx
            x1 = x0 + advance
            texts.append(text)
            x0s.append(x0)
            x1s.append(x1)
            if spaces.pending or text == " ":
                spaces.char(text, x0, x1, top, True, forward)
        return run

    def turned_run(
        self, obj: _Object, start: int, end: int, letters: list[int]
    ) -> list[dict]:
        """The chars of a text object on a turned page or baseline."""
        textpage = self.textpage
        ox, oy = ctypes.c_double(), ctypes.c_double()
        rect = raw.FS_RECTF()
        last_x = last_y = None
        last: dict = {}
        chars: list[dict] = []
        for index in range(start, end):
            unicode = letters[index]
            text = self.text_of(index, unicode, obj)
            if text is None:
                continue
            _origin(textpage, index, ox, oy)
            x, y = ox.value, oy.value
            if x == last_x and y == last_y:
                last["text"] += text  # one glyph mapped to several letters
                continue
            last_x, last_y = x, y
            _loose_box(textpage, index, ctypes.byref(rect))
            last = self.turned_char(index, obj, unicode, x, y, rect)
            last["text"] = text
            chars.append(last)
            self.spaces.char_dict(last, obj.forward)
        return chars

    def check_ends(self, obj: _Object, run: CharRun) -> None:
        """A text object's box reaching half a space past its first or last char
        means pdfium dropped a space there (at an end, a space after one in another
        object): note where it stood."""
        x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
        if not _object_bounds(obj.handle, x0, y0, x1, y1):
            return
        dx = self.geometry.dx
        width = obj.font.width(32) * obj.size * obj.scale or run.size / 4
        if x0.value + dx < run.x0s[0] - width / 2:
            self.spaces.places.append((True, run.top, x0.value + dx))
        right = max(run.x1s)
        if x1.value + dx > right + width / 2:
            for along in (right, x1.value + dx - width):
                self.spaces.places.append((True, run.top, along))

    def page_point(self, x: float, y: float) -> tuple[float, float]:
        """A point of PDF space in pdfplumber's coordinates (x, top)."""
        geometry = self.geometry
        ca, cb, cc, cd, ce, cf = geometry.ctm
        return (
            ca * x + cc * y + ce + geometry.x_shift,
            geometry.flip - (cb * x + cd * y + cf),
        )

    def advance(
        self, index: int, obj: _Object, unicode: int, x: float, y: float, loose: float
    ) -> float:
        """How far a glyph advances along its baseline (points, positive) when the
        loose box's end is not the font's width of its letter."""
        left, right, bottom, top = self.box
        _bare_char_box(ctypes.c_void_p(self.textpage), index, *self.box_refs)
        a, b, c, d = obj.matrix[:4]
        scale = obj.scale
        if obj.horizontal:
            ink = right.value - x if scale > 0 else x - left.value
        else:
            ink = top.value - y if scale > 0 else y - bottom.value
        if ink < loose - EPSILON:
            return loose  # the ink ends inside the box: the box ends at the advance
        # the ink runs to the box's end, past the advance: find the glyph's width
        em = obj.size * abs(scale)
        box = _glyph_box(
            (left.value - x, bottom.value - y, right.value - x, top.value - y),
            (a, b, c, d),
            obj.size,
        )
        width = self.glyphs.advance(obj.font, unicode, box) if box else None
        return width * em if width is not None else ink

    def turned_char(
        self, index: int, obj: _Object, unicode: int, x: float, y: float, rect: Any
    ) -> dict:
        """pdfminer's box of a glyph on a turned page or baseline, as pdfplumber
        writes it (without text)."""
        scale = obj.scale
        if obj.horizontal:
            loose = rect.right - x if scale > 0 else x - rect.left
        else:
            loose = rect.top - y if scale > 0 else y - rect.bottom
        advance = obj.font.width(unicode) * obj.size * abs(scale)
        if abs(loose - advance) > EPSILON:
            advance = self.advance(index, obj, unicode, x, y, loose)
        length = advance / abs(scale)
        a, b, c, d = obj.matrix[:4]
        low = obj.low
        high = low + obj.size
        ca, cb, cc, cd, ce, cf = self.geometry.ctm
        xs: list[float] = []
        ys: list[float] = []
        for u, v in ((0.0, low), (length, low), (length, high), (0.0, high)):
            px = a * u + c * v + x
            py = b * u + d * v + y
            xs.append(ca * px + cc * py + ce)
            ys.append(cb * px + cd * py + cf)
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        geometry = self.geometry
        top = geometry.flip - y1
        return {
            "fontname": obj.font.name,
            "size": y1 - y0,  # pdfminer: the box's height (a turned glyph's advance)
            "x0": x0 + geometry.x_shift,
            "x1": x1 + geometry.x_shift,
            "top": top,
            "doctop": top,
            "bottom": top + (y1 - y0),
            "upright": obj.upright,
        }


class _Spaces:
    """Spaces pdfium dropped, and whether any could change a word.

    pdfium keeps one of consecutive spaces of a line (and drops a real space its own
    generated one precedes); pdfminer keeps them all, and pdfplumber ends a word at
    each, wherever it stands on the line. A dropped space stood after a kept space
    (or at a generated one) and before the next char: right after the kept space or
    right before that char (a jump in the text object between them leaves which one
    open). It changes a word only when, at either place, it would fall between two
    chars pdfplumber joins: then the page is Unsupported.
    """

    GAP = 1.5  # extractors.pdf.WORD_X_TOLERANCE: chars closer join one word
    LINE = 3.0  # pdfplumber's y tolerance: chars closer to a line's top are on it

    def __init__(self) -> None:
        self.pending: list[float] = []  # where a dropped space may start
        self.jump = False  # the pending places need checking
        self.start = self.end = 0.0  # the last kept space, along its text
        self.width = 0.0
        self.across = 0.0
        self.upright = True
        self.places: list[tuple[bool, float, float]] = []  # (upright, across, along)

    def line_break(self) -> None:
        """pdfium closed its line: spaces before and after are not consecutive."""
        self.pending = []
        self.jump = False

    def generated(
        self, point: tuple[float, float], upright: bool, forward: bool
    ) -> None:
        """pdfium's own space at `point` (x, top), maybe in place of a real one."""
        x, top = point
        along, across = (x, top) if upright else (top, x)
        self.pending.append(along if forward else along - self.width)
        self.jump = True
        self.across, self.upright = across, upright

    def char_dict(self, char: dict, forward: bool) -> None:
        """`char` of a char dict."""
        if char["upright"]:
            along0, along1, across = char["x0"], char["x1"], char["top"]
        else:
            along0, along1, across = char["top"], char["bottom"], char["x0"]
        self.char(char["text"], along0, along1, across, char["upright"], forward)

    def char(
        self,
        text: str,
        along0: float,
        along1: float,
        across: float,
        upright: bool,
        forward: bool,
    ) -> None:
        """A char read (in pdfium's order) of text running `forward` (to greater
        x, or top) or back, from `along0` to `along1` along its line, at `across`
        (x0, x1, top upright; top, bottom, x0 turned). Places are where a dropped
        space's box would start."""
        if text == " ":
            self.width = along1 - along0
            self.pending.append(along1 if forward else along0 - self.width)
            self.start, self.end = (along0, along1) if forward else (-along1, -along0)
            self.across, self.upright = across, upright
            return
        if not self.pending:
            return
        # a dropped space moved the pen on by its width: room between the kept
        # space and this char, or a jump back, leaves one possible
        start = along0 if forward else -along1
        if self.jump or start - self.end > self.width / 2 or start < self.start:
            for along in self.pending:
                self.places.append((self.upright, self.across, along))
            before = along0 - self.width if forward else along1
            self.places.append((upright, across, before))
        self.pending = []
        self.jump = False

    def check(self, runs: list[Run]) -> None:
        """Unsupported when a dropped space could split a word pdfplumber joins."""
        if not self.places:
            return
        lines = {True: _Across(runs, True), False: _Across(runs, False)}
        for upright, across, along in self.places:
            window = lines[bool(upright)].near(across - self.LINE, across + self.LINE)
            if self.splits(window, across, along):
                raise Unsupported("a space pdfium dropped may end a word")

    def splits(
        self, items: list[tuple[float, float, float, bool]], across: float, along: float
    ) -> bool:
        """True when a space starting at `along`, on the line at `across`, falls
        between two chars pdfplumber would join (`items`: the chars within LINE
        of the line, as (across, start, end, blank), sorted)."""
        before: tuple[float, float, float, bool] | None = None
        after: tuple[float, float, float, bool] | None = None
        for item in items:
            if item[1] < along - EPSILON:
                if before is None or item[1] >= before[1]:
                    before = item
            elif after is None or item[1] < after[1]:
                after = item  # a char where the space starts comes after it
        if before is None or after is None or before[3] or after[3]:
            return False
        return (
            after[1] <= before[2] + self.GAP and abs(after[0] - before[0]) <= self.LINE
        )


class _Across:
    """A page's chars of one orientation by their place across the lines (top for
    upright text, x0 for turned), to find those near a line (made when first
    needed: a page has a few places to check, and thousands of chars). A run of
    upright chars by column has one place for all."""

    def __init__(self, runs: list[Run], upright: bool):
        self.runs = runs
        self.upright = upright
        self.by_place: list[CharRun | dict] | None = None
        self.places: list[float] = []

    def near(self, low: float, high: float) -> list[tuple[float, float, float, bool]]:
        """(across, start, end, blank) of the chars whose place is within [low,
        high], sorted."""
        if self.by_place is None:
            self.by_place, self.places = self.sorted_places()
        window = self.by_place[
            bisect.bisect_left(self.places, low) : bisect.bisect_right(
                self.places, high
            )
        ]
        items = []
        for entry in window:
            if isinstance(entry, CharRun):
                top = entry.top
                items += [
                    (top, x0, x1, text.isspace()) for text, x0, x1 in entry.columns()
                ]
            elif self.upright:
                items.append((entry["top"], entry["x0"], entry["x1"], _blank(entry)))
            else:
                items.append(
                    (entry["x0"], entry["top"], entry["bottom"], _blank(entry))
                )
        return sorted(items)

    def sorted_places(self) -> tuple[list[CharRun | dict], list[float]]:
        """This orientation's runs by column and char dicts, by place."""
        across = "top" if self.upright else "x0"
        entries: list[tuple[float, CharRun | dict]] = []
        for run in self.runs:
            if isinstance(run, CharRun):
                if self.upright:
                    entries.append((run.top, run))
                continue
            entries += [
                (c[across], c) for c in run if bool(c["upright"]) is self.upright
            ]
        entries.sort(key=itemgetter(0))
        return [entry for _, entry in entries], [place for place, _ in entries]


def _blank(char: dict) -> bool:
    """True for a space (or other blank) char."""
    return bool(char["text"].isspace())


def _glyph_box(
    ink: Box, matrix: tuple[float, float, float, float], size: float
) -> Box | None:
    """A glyph's ink box relative to its origin, back in glyph space (ems)."""
    a, b, c, d = matrix
    det = a * d - b * c
    if not det or not size:
        return None
    x0, y0, x1, y1 = ink
    if not b and not c:  # unturned and unslanted: the same values, without corners
        left, right = d * x0 / det / size, d * x1 / det / size
        bottom, top = a * y0 / det / size, a * y1 / det / size
        return (min(left, right), min(bottom, top), max(left, right), max(bottom, top))
    corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    xs = [(d * px - c * py) / det / size for px, py in corners]
    ys = [(-b * px + a * py) / det / size for px, py in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def _tag_shared_names(runs: list[tuple[int, int, Run, _Font]]) -> None:
    """Embedded fonts that share a name on this page (two subsets "BAAAAA+Calibri"
    and "CAAAAA+Calibri" are both "Calibri" in pdfium) get names of their own, in
    the order they first appear; fonts not embedded share one (pdfminer names a
    font by its FontName, the same for all of them)."""
    identities: dict[str, list[int]] = {}
    for _, _, _, font in runs:
        identity = font.handle if font.embedded else 0
        seen = identities.setdefault(font.name, [])
        if identity not in seen:
            seen.append(identity)
    tags = {
        (name, identity): f"{number}+{name}"
        for name, seen in identities.items()
        if len(seen) > 1
        for number, identity in enumerate(seen, 1)
    }
    if not tags:
        return
    for _, _, chars, font in runs:
        tag = tags.get((font.name, font.handle if font.embedded else 0))
        if tag is None:
            continue
        if isinstance(chars, CharRun):
            chars.fontname = tag
        else:
            for char in chars:
                char["fontname"] = tag

"""PDF text through pdfium: the chars pdfplumber gave, the words and lines it gave,
the reasons a PDF is refused, and pdfplumber where pdfium would read differently."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from extractors import char_words, pdf, pdfium_chars
from extractors.errors import ExtractionError
from tests.conftest import FIXTURES, ROOT
from tests.extractors.test_bad_files import encrypted_pdf

NYKARLEBY = ROOT.parent / "shared" / "fixtures" / "real" / "tweb-nykarleby"
AGENDA = NYKARLEBY / "stadsstyrelsen_foredragningslista_26_09_2022_16_30_140208.pdf"
UNGDOM = NYKARLEBY / "ungdomsfullmaktige_protokoll_30_01_2023_16_15_153457.pdf"
OULU = sorted((FIXTURES / "tweb").glob("*.pdf"))
needs_shared = pytest.mark.skipif(
    not AGENDA.exists(), reason="../shared/fixtures/real/tweb-nykarleby not checked out"
)
KEYS = ("x0", "x1", "top", "bottom", "size")


def both_chars(data: bytes, index: int) -> tuple[list[dict], list[dict]]:
    """Page `index`'s chars from pdfplumber and from pdfium."""
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        before = plumber.pages[index].chars
    document = pdfium.PdfDocument(data)
    try:
        with pdfium_chars.LOCK:
            glyphs = pdfium_chars.Glyphs(document)
            now, _, _ = pdfium_chars.read_chars(document[index], glyphs)
    finally:
        document.close()
    return before, now


def turned(data: bytes, degrees: int) -> bytes:
    document = pdfium.PdfDocument(data)
    for index in range(len(document)):
        document[index].set_rotation(degrees)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
@pytest.mark.parametrize("path", OULU, ids=lambda p: p.name)
def test_chars_are_pdfplumbers(path, degrees: int) -> None:
    """Same text, same order (spaces aside: pdfium keeps one of several), boxes
    within a thousandth of a point, same font (the subset tag aside; two fonts of
    one name, e.g. one embedded and one not, tagged "1+" and "2+" of their own:
    still one of ours per pdfplumber font and back, so words split alike)."""
    before, now = both_chars(turned(path.read_bytes(), degrees), 0)
    before = [c for c in before if c["text"] != " "]
    now = [c for c in now if c["text"] != " "]
    assert [c["text"] for c in now] == [c["text"] for c in before]
    fonts = set()
    for a, b in zip(before, now, strict=True):
        assert b["fontname"].split("+", 1)[-1] == a["fontname"].split("+", 1)[-1]
        fonts.add((a["fontname"], b["fontname"]))
        assert b["upright"] == a["upright"]
        for key in KEYS:
            assert b[key] == pytest.approx(a[key], abs=1e-3), (a["text"], key)
    assert len({a for a, _ in fonts}) == len(fonts) == len({b for _, b in fonts})
    tagged = {b for _, b in fonts if b[:1].isdigit() and "+" in b}
    assert all(b == a.split("+", 1)[-1] for a, b in fonts if b not in tagged), (
        "a font renamed without a second font of its name"
    )


def _corner_box(
    ink: tuple[float, float, float, float],
    matrix: tuple[float, float, float, float],
    size: float,
) -> tuple[float, float, float, float]:
    """A glyph box by its four corners taken back through the matrix (the general
    computation, for any matrix)."""
    a, b, c, d = matrix
    det = a * d - b * c
    x0, y0, x1, y1 = ink
    corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    xs = [(d * px - c * py) / det / size for px, py in corners]
    ys = [(-b * px + a * py) / det / size for px, py in corners]
    return (min(xs), min(ys), max(xs), max(ys))


@pytest.mark.parametrize(
    "matrix",
    [(1.0, 0.0, 0.0, 1.0), (0.83, 0.0, -0.0, 1.2), (-1.0, 0.0, 0.0, 1.0),
     (1.0, -0.0, 0.0, -0.5), (0.0, 1.0, -1.0, 0.0), (0.97, 0.26, -0.26, 0.97)],
)  # fmt: skip
def test_a_glyph_box_is_its_corners_taken_back(matrix) -> None:
    """Unturned glyphs take a shortcut (no corners); every matrix gives the box its
    corners give, to the last bit."""
    for ink in [(-0.5, -2.1, 6.3, 7.7), (0.0, 0.0, 5.5, 8.0), (-3.25, -1.0, -0.5, 2.0)]:
        for size in (1.0, 11.04, 9.5):
            expected = _corner_box(ink, matrix, size)
            assert pdfium_chars._glyph_box(ink, matrix, size) == expected
    assert (
        pdfium_chars._glyph_box((0.0, 0.0, 1.0, 1.0), (0.0, 0.0, 0.0, 1.0), 10) is None
    )


@needs_shared
@pytest.mark.parametrize("page", [37, 38, 40, 41])
def test_ligature_glyphs_italics_and_a_turned_page(page: int) -> None:
    """Agenda p37-38: a broken map gives wide ligature glyphs and an italic "f"
    whose ink runs past its advance the letter of a narrower glyph; p40 is turned
    (/Rotate 270); p41 a font whose descent has decimals (-235.84)."""
    before, now = both_chars(AGENDA.read_bytes(), page - 1)
    before = [c for c in before if c["text"] != " "]
    now = [c for c in now if c["text"] != " "]
    assert [c["text"] for c in now] == [c["text"] for c in before]
    for a, b in zip(before, now, strict=True):
        for key in KEYS:
            # pdfium keeps a descent as an integer: 0.84/1000 em off at worst
            assert b[key] == pytest.approx(a[key], abs=0.01), (a["text"], key)
        assert b["x1"] - b["x0"] == pytest.approx(a["x1"] - a["x0"], abs=1e-3)


@needs_shared
def test_subsets_sharing_a_name_stay_apart() -> None:
    """Ungdomsfullmäktige p6: BAAAAA+Calibri and Calibri (not embedded) both
    print "Calibri" in pdfium; words must still split where the font changes."""
    _, now = both_chars(UNGDOM.read_bytes(), 5)
    assert {c["fontname"] for c in now} == {
        "1+Calibri",
        "2+Calibri",
        "1+Calibri-Bold",
        "2+Calibri-Bold",
    }


@needs_shared
def test_a_space_pdfium_dropped_inside_a_word_sends_the_page_to_pdfplumber() -> None:
    """Agenda p6: " " [jump] " ," — pdfium keeps the first of the two spaces; the
    second stood between "landskapsstyrelsen" and ",", which pdfplumber splits."""
    document = pdfium.PdfDocument(AGENDA.read_bytes())
    try:
        with pdfium_chars.LOCK, pytest.raises(pdfium_chars.Unsupported, match="space"):
            pdfium_chars.read_chars(document[5], pdfium_chars.Glyphs(document))
    finally:
        document.close()
    page = pdf.read_pages(AGENDA.read_bytes())[5]
    assert any("landskapsstyrelsen ," in line.text for line in page.lines)


@pytest.mark.parametrize("path", OULU, ids=lambda p: p.name)
def test_pages_are_the_pdfplumber_readers(path) -> None:
    data = path.read_bytes()
    old, new = pdf.read_pages_pdfplumber(data), pdf.read_pages(data)
    assert [p.text for p in new] == [p.text for p in old]
    for before, now in zip(old, new, strict=True):
        assert (now.width, now.height) == pytest.approx((before.width, before.height))
        for a, b in zip(before.lines, now.lines, strict=True):
            for w1, w2 in zip(a.words, b.words, strict=True):
                assert (w2.bold, w2.x0, w2.top, w2.size) == (
                    w1.bold,
                    pytest.approx(w1.x0, abs=1e-3),
                    pytest.approx(w1.top, abs=1e-3),
                    pytest.approx(w1.size, abs=1e-3),
                )


def test_an_encrypted_pdf_is_refused_as_encrypted() -> None:
    with pytest.raises(ExtractionError) as refused:
        pdf.read_pages(encrypted_pdf())
    assert refused.value.reason == "encrypted_pdf"


def test_a_pdf_pdfium_cannot_open_goes_to_pdfplumber_for_its_reason() -> None:
    with pytest.raises(ExtractionError) as refused:
        pdf.read_pages(b"%PDF-1.4 not really a pdf")
    assert refused.value.reason == "unreadable_pdf"
    assert refused.value.detail.startswith("PdfminerException: ")


def test_an_empty_media_box_is_read_by_pdfplumber() -> None:
    real = OULU[0].read_bytes()
    box = re.search(rb"/MediaBox\s*\[\s*0", real)
    assert box is not None
    broken = real[: box.end() - 1] + b"x" + real[box.end() :]
    document = pdfium.PdfDocument(broken)
    try:
        with pdfium_chars.LOCK, pytest.raises(pdfium_chars.Unsupported, match="empty"):
            pdfium_chars.read_chars(document[0], pdfium_chars.Glyphs(document))
    finally:
        document.close()


def test_threads_read_alike() -> None:
    """pdfium is not thread-safe: reads in threads hold one lock and agree."""
    data = OULU[1].read_bytes()
    expected = [p.text for p in pdf.read_pages(data)]
    found: list[list[str]] = []

    def read() -> None:
        found.append([p.text for p in pdf.read_pages(data)])

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [expected] * 4


@pytest.mark.parametrize("degrees", [0, 90, 270])
@pytest.mark.parametrize("path", OULU, ids=lambda p: p.name)
def test_fast_word_grouping_is_pdfplumbers(path, degrees: int) -> None:
    _, chars = both_chars(turned(path.read_bytes(), degrees), 0)
    for kwargs in (
        {"x_tolerance": 1.5, "extra_attrs": ["fontname", "size"]},
        {"x_tolerance": 1.5, "return_chars": True},
        {"x_tolerance": 0, "y_tolerance": 0},
    ):
        expected = pdfplumber.utils.extract_words(chars, **kwargs)
        assert char_words.extract_words(chars, **kwargs) == expected


def char(text: str, x0: float, top: float = 10.0, upright: bool = True) -> dict:
    """A char dict as pdfplumber gives it: 5 pt wide, 10 pt high, font F at 10 pt."""
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + 5,
        "top": top,
        "doctop": top,
        "bottom": top + 10,
        "upright": upright,
        "fontname": "F",
        "size": 10.0,
    }


def test_fast_word_grouping_edge_cases() -> None:
    chars = [
        char("a", 0),
        char("", 5),
        char("b", 10),
        char("ﬁ", 15),
        char("c", 4, top=11),  # behind, on the same line
        char(" ", 21),
        char("d", 26),
        char("e", 0, top=40, upright=False),
        char("f", 1, top=46, upright=False),
    ]
    for kwargs in ({}, {"x_tolerance": 1.5, "extra_attrs": ["fontname"]}):
        expected = pdfplumber.utils.extract_words(chars, **kwargs)
        assert char_words.extract_words(chars, **kwargs) == expected


@pytest.mark.parametrize("degrees", [0, 90])
@pytest.mark.parametrize("path", [*OULU, AGENDA], ids=lambda p: p.name)
def test_page_words_are_the_word_dicts_words(path, degrees: int) -> None:
    """`pdf.page_words` builds a CharPage's words without pdfplumber's word dicts,
    and a RunPage's from its runs without a dict per char: the same Words as
    `_word` of each dict, on every page."""
    data = turned(path.read_bytes(), degrees)
    document = pdfium.PdfDocument(data)
    glyphs = pdfium_chars.Glyphs(document)
    by_column = 0
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                runs, width, height = pdfium_chars.read_runs(page, glyphs)
            except pdfium_chars.Unsupported:
                continue
            finally:
                page.close()
            chars = pdfium_chars.char_dicts(runs)
            dicts = char_words.extract_words(
                chars,
                x_tolerance=pdf.WORD_X_TOLERANCE,
                extra_attrs=["fontname", "size"],
            )
            words = pdf.page_words(pdf.CharPage(chars, width, height))
            assert words == [pdf._word(w) for w in dicts] and words
            run_page = pdf.RunPage(runs, width, height)
            by_column += run_page.runs is not None
            assert pdf.page_words(run_page) == words
    finally:
        document.close()
    # unturned pages keep their runs by column, turned ones are dicts throughout
    assert (by_column > 0) is (degrees == 0)


def run(
    texts: str | list[str],
    x0: float,
    top: float = 10.0,
    font: str = "F",
    gaps: dict | None = None,
) -> char_words.CharRun:
    """A run of 5 pt wide chars from x0 (`gaps`: extra room before a char index)."""
    made = char_words.CharRun(font, 10.0, top, top + 10)
    for index, text in enumerate(texts):
        x0 += (gaps or {}).get(index, 0)
        made.texts.append(text)
        made.x0s.append(x0)
        made.x1s.append(x0 + 5)
        x0 += 5
    return made


def backwards(made: char_words.CharRun) -> char_words.CharRun:
    """The run drawn right to left (its first char rightmost)."""
    made.x0s.reverse()
    made.x1s.reverse()
    return made


@pytest.mark.parametrize(
    "runs",
    [
        pytest.param([run("ab cd", 0), run("ef", 30)], id="words-across-runs"),
        pytest.param([run("ab", 20), run("cd", 0, top=11)], id="line-behind-and-lower"),
        pytest.param(
            [run("ab", 0), run("x", 60, top=12.5), run("cd", 10, top=15)],
            id="one-line-tops-apart",
        ),
        pytest.param([run("ab", 0), run("cd", 10, top=30)], id="two-lines"),
        pytest.param([run("ab", 0), run("cd", 10, font="G")], id="font-splits"),
        pytest.param([run("ab", 0), run("", 0, font="G"), run("c", 10)], id="empty"),
        pytest.param([run("aﬁb", 0, gaps={2: 1.4}), run("c", 16.5)], id="gap"),
        pytest.param([backwards(run("dcba", 0)), run("x\x00y", 40)], id="rtl-control"),
        pytest.param([run(["a", "", "b", "  "], 0)], id="empty-text"),
    ],
)
def test_run_words_are_the_char_dicts_words(runs: list[char_words.CharRun]) -> None:
    """Words from runs by column are those pdfplumber's grouping makes of the same
    chars as dicts: lines of several runs (one behind the other, tops within the
    tolerance), splits where font or gap change, blanks, ligatures, "" texts."""
    chars = pdfium_chars.char_dicts(runs)
    dicts = char_words.extract_words(
        chars, x_tolerance=pdf.WORD_X_TOLERANCE, extra_attrs=["fontname", "size"]
    )
    page = pdf.RunPage(runs, 100.0, 100.0)
    assert pdf.page_words(page) == [pdf._word(w) for w in dicts]
    assert page.runs is not None  # read by column


def test_page_words_spell_ligatures_and_drop_control_characters() -> None:
    chars = [char("o", 0), char("ﬃ", 5, top=9.5), char("\x00", 10), char("ce", 15)]
    chars += [char("x", 40), char("\x07", 45)]
    page = pdf.CharPage(chars, 100.0, 100.0)
    dicts = char_words.extract_words(chars, x_tolerance=pdf.WORD_X_TOLERANCE)
    assert pdf.page_words(page) == [
        pdf._word({**w, "fontname": "F", "size": 10.0}) for w in dicts
    ]
    assert [(w.text, w.top) for w in pdf.page_words(page)] == [
        ("office", 9.5),
        ("x", 10.0),
    ]


def test_a_broken_page_tree_does_not_crash_the_process() -> None:
    """pdfium segfaulted deleting the page the reader adds for glyph widths from a
    PDF whose page tree a mutation broke: a crash no handler catches, which took
    the whole run down. Read in a process of its own, so that a crash fails this
    test and not the session."""
    import subprocess
    import sys

    broken = Path(__file__).parent.parent / "fixtures/tweb/broken"
    code = (
        "import sys\n"
        "from extractors.errors import ExtractionError\n"
        "from extractors.pdf import read_pages\n"
        "try:\n"
        "    print(len(read_pages(open(sys.argv[1], 'rb').read())))\n"
        "except ExtractionError as error:\n"
        "    print(error.reason)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(broken / "nykarleby_excerpt_mutated.pdf")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "3"  # its three pages, read

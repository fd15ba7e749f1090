"""PDF reading: words and lines with fonts, running headers, derived views, and the
garbled text-layer detector on real pages."""

from __future__ import annotations

import re

import pytest

from extractors import pdf
from tests.conftest import FIXTURES, ROOT

NYKARLEBY = ROOT.parent / "shared" / "fixtures" / "real" / "tweb-nykarleby"
VALFARD = NYKARLEBY / "valfardsnamnden_protokoll_15_09_2022_18_00_139758.pdf"
UNGDOM = NYKARLEBY / "ungdomsfullmaktige_protokoll_30_01_2023_16_15_153457.pdf"
needs_shared = pytest.mark.skipif(
    not VALFARD.exists(),
    reason="../shared/fixtures/real/tweb-nykarleby not checked out",
)


@pytest.fixture(scope="module")
def oulu() -> list[pdf.PdfPage]:
    return pdf.read_pages((FIXTURES / "tweb" / "35090068.pdf").read_bytes())


@pytest.fixture(scope="module")
def valfard() -> list[pdf.PdfPage]:
    if not VALFARD.exists():
        pytest.skip("../shared/fixtures/real/tweb-nykarleby not checked out")
    return pdf.read_pages(VALFARD.read_bytes())


def line_starting(page: pdf.PdfPage, text: str) -> pdf.Line:
    return next(line for line in page.lines if line.text.startswith(text))


def test_caption_and_value_fonts_and_positions(oulu) -> None:
    line = line_starting(oulu[0], "Esittelijä")
    caption, *value = line.words
    assert caption.bold and caption.fontname.endswith("Verdana-Bold")
    assert caption.size == pytest.approx(11, abs=0.2)
    assert caption.x0 == pytest.approx(56.7, abs=0.5)
    assert 183 <= value[0].x0 <= 188
    assert " ".join(w.text for w in value) == "Vs. kaupunginjohtaja Päivi Laajala"


def test_wrapped_caption_lines_are_separate_lines(oulu) -> None:
    texts = [line.text for line in oulu[0].lines]
    assert any(t.startswith("Täytäntöönpano- Asia tiedoksi") for t in texts)
    assert any(t.startswith("tiedot Ote:") for t in texts)


def test_header_removed_by_pattern_single_page(oulu) -> None:
    patterns = (re.compile(r"^Oulun kaupunki$"), re.compile(r"^Päivämäärä"))
    (page,) = pdf.without_running(oulu, patterns)
    texts = [line.text for line in page.lines]
    assert "Oulun kaupunki" not in texts and "Päivämäärä" not in texts
    assert "Oulun kaupunki" in oulu[0].text  # a derived view: the original is intact
    assert texts[0] == "Oulun kaupungin talouden seuranta 1.1.-28.2.2017"


@needs_shared
def test_running_headers_removed_by_repetition(valfard) -> None:
    page6 = valfard[5]
    assert page6.lines[0].text == "Protokoll 42 § 15.09.2022 Sida"
    assert page6.lines[1].text == "Välfärdsnämnden 4"
    stripped = pdf.without_running(valfard)[5]
    assert stripped.lines[0].text == "NKBY/497/12.03.01/2022"
    assert "Sida" not in stripped.text


@needs_shared
def test_number_and_title_on_shifted_tops_form_one_line(valfard) -> None:
    assert any(
        line.text == "42 § Presentation av verksamheten:i International Club 2022"
        for line in valfard[5].lines
    )


def test_crop_is_a_new_view(oulu) -> None:
    cropped = pdf.crop(oulu[0], top=340, bottom=410)
    assert [line.text.split()[0] for line in cropped.lines] == [
        "Esittelijä",
        "Päätösesitys",
        "Päätös",
    ]
    assert len(oulu[0].lines) > len(cropped.lines)


def test_group_lines_tolerance() -> None:
    words = [
        pdf.Word("b", 50, 148.0, "Calibri", 12),
        pdf.Word("a", 10, 145.0, "Calibri-Bold", 12),
        pdf.Word("c", 10, 160.0, "Calibri", 12),
    ]
    lines = pdf.group_lines(words)
    assert [line.text for line in lines] == ["a b", "c"]
    assert not lines[0].bold and lines[0].words[0].bold


@pytest.mark.parametrize(
    ("word", "non_word"),
    [
        ("omprövmnmg", True),
        ("protokojjjusterare", True),
        ("sommtmnuungem", True),
        ("godkändes", False),
        ("Merkittiin", False),
        ("kaupunginhallituksen", False),
        ("förvaltningsstadgan", False),
    ],
)
def test_non_word(word: str, non_word: bool) -> None:
    assert pdf.is_non_word(word) is non_word


def test_clean_finnish_page_is_not_garbled(oulu) -> None:
    share, count = pdf.non_word_share(oulu[0].text)
    assert share == 0.0 and count > 50
    assert not pdf.is_garbled(oulu[0])


@needs_shared
def test_garbled_appeal_page_is_flagged(valfard) -> None:
    pages = pdf.without_running(valfard)
    share, count = pdf.non_word_share(pages[23].text)
    assert share > 0.35 and count > 150  # measured 79/194 = 0.41
    assert pdf.is_garbled(pages[23]) and pdf.is_garbled(pages[24])


@needs_shared
def test_readable_swedish_pages_are_not_flagged(valfard) -> None:
    pages = pdf.without_running(valfard)
    for number in (6, 7, 8, 11, 12, 15, 20):
        assert not pdf.is_garbled(pages[number - 1]), number


def test_unreadable_bytes_raise() -> None:
    with pytest.raises(pdf.ExtractionError):
        pdf.read_pages(b"%PDF-1.4 not really a pdf")


def test_repair_replaces_only_unknown_words_with_the_ocr_word_at_their_place() -> None:
    from extractors import ocr
    from extractors.pdf import Line, PdfPage, Word, repair_words

    words = (
        Word("Ungdomsfujjmäktge", 56.0, 100.0, "Arial", 11.0),
        Word("godkänner", 150.0, 100.0, "Arial", 11.0),
        Word("2", 56.0, 120.0, "Arial-Bold", 11.0),
        Word("§", 64.0, 120.0, "Arial-Bold", 11.0),
    )
    page = PdfPage(4, 595.0, 842.0, (Line(words[:2]), Line(words[2:])))
    boxes = [
        ocr.OcrWord("Ungdomsfullmäktige", 56.5, 99.0, 140.0),
        ocr.OcrWord("godkänner", 150.2, 99.5, 200.0),
        ocr.OcrWord("28", 56.0, 119.0, 70.0),  # OCR reads "2 §" as "28": not used
    ]
    repaired = repair_words(page, boxes)
    assert repaired.text == "Ungdomsfullmäktige godkänner\n2 §"
    assert repaired.lines[1].words[1].bold  # fonts and layout stay the text layer's

"""extractors.pdf.repair_ligatures: ligature glyphs a broken font map cut to their
first letter ("at" for "att") are given back their second letter, chosen by width
and by the words it spells. Pages are stand-ins holding pdfplumber-like char dicts."""

from __future__ import annotations

import pytest

from extractors import char_words
from extractors.pdf import RunPage, is_known_word, page_words, repair_ligatures

SIZE = 10.0
# Advance widths in ems of a regular sans font.
EM = {
    "a": 0.50,
    "d": 0.55,
    "e": 0.50,
    "f": 0.33,
    "g": 0.55,
    "i": 0.28,
    "l": 0.28,
    "n": 0.55,
    "r": 0.33,
    "s": 0.39,
    "t": 0.33,
}
# A ligature glyph is drawn a little narrower than its two letters apart.
TT = EM["t"] + EM["t"] - 0.02  # fits "t" + t, i or l (within 0.05 em)
TI = EM["t"] + EM["i"] - 0.02
FT = EM["f"] + EM["t"] - 0.02


Word = list[tuple[str, float | None]]


def word(text: str, wide: dict[int, float] | None = None) -> Word:
    """A word's letters; `wide` gives the em width of a ligature glyph by index."""
    wide = wide or {}
    return [(letter, wide.get(i)) for i, letter in enumerate(text)]


class Page:
    """The two things repair_ligatures reads of a pdfplumber page: `chars` and
    `extract_words(..., return_chars=True)` (the same char dicts, by word)."""

    def __init__(self, *words: Word, font: str = "ABCDEF+Arial", top: float = 100.0):
        self.chars: list[dict] = []
        self.words: list[list[dict]] = []
        x = 56.0
        for letters in words:
            chars = []
            for text, em in letters:
                width = (em if em is not None else EM[text]) * SIZE
                chars.append(
                    {
                        "text": text,
                        "fontname": font,
                        "size": SIZE,
                        "x0": x,
                        "x1": x + width,
                        "top": top,
                        "bottom": top + SIZE,
                    }
                )
                x += width
            self.chars.extend(chars)
            self.words.append(chars)
            x += 0.3 * SIZE  # a space

    def extract_words(self, x_tolerance: float = 3, return_chars: bool = False):
        return [
            {"text": "".join(c["text"] for c in chars), "chars": chars}
            for chars in self.words
        ]

    def text(self) -> str:
        return " ".join("".join(c["text"] for c in chars) for chars in self.words)


@pytest.fixture(autouse=True, scope="module")
def _known_words() -> None:
    """The repair chooses letters that spell known words (Swedish list, Voikko)."""
    assert is_known_word("att") and is_known_word("till") and is_known_word("efter")
    assert not is_known_word("at") and not is_known_word("tll")


@pytest.mark.parametrize(
    ("words", "repaired", "text"),
    [
        pytest.param(
            [word("at", {1: TT}), word("ta"), word("i"), word("sista")],
            1,
            "att ta i sista",
            id="tt-att",
        ),
        pytest.param(
            [word("tll", {0: TI}), word("ta"), word("i"), word("till")],
            1,
            "till ta i till",
            id="ti-till",
        ),
        pytest.param(
            [word("efer", {1: FT}), word("fint"), word("ta"), word("i")],
            1,
            "efter fint ta i",
            id="ft-efter",
        ),
        pytest.param(
            [word("at", {1: TT}), word("ta"), word("at", {1: TT}), word("i")],
            2,
            "att ta att i",
            id="every-glyph-of-the-group",
        ),
    ],
)
def test_ligature_gets_its_second_letter(
    words: list[Word], repaired: int, text: str
) -> None:
    page = Page(*words)
    assert repair_ligatures(page) == repaired
    assert page.text() == text


def run_page(page: Page) -> RunPage:
    """The stand-in's words as a page read with pdfium: a run (text object) each."""
    runs = []
    for chars in page.words:
        first = chars[0]
        run = char_words.CharRun(first["fontname"], SIZE, first["top"], first["bottom"])
        run.texts += [c["text"] for c in chars]
        run.x0s += [c["x0"] for c in chars]
        run.x1s += [c["x1"] for c in chars]
        runs.append(run)
    return RunPage(runs, 600.0, 800.0)


@pytest.mark.parametrize(
    ("words", "repaired", "text"),
    [
        (
            [word("at", {1: TT}), word("ta"), word("i"), word("sista")],
            1,
            "att ta i sista",
        ),
        ([word("efer", {1: FT}), word("fint"), word("ta")], 1, "efter fint ta"),
        ([word("at"), word("till"), word("i")], 0, "at till i"),
    ],
)
def test_a_page_read_by_column_is_repaired_alike(
    words: list[Word], repaired: int, text: str
) -> None:
    """A page pdfium read by column is repaired as its char dicts are; a page
    without a wide glyph keeps its columns (no dict made)."""
    page = run_page(Page(*words))
    assert repair_ligatures(page) == repaired
    assert " ".join(w.text for w in page_words(page)) == text
    assert (page.runs is None) is bool(repaired)


def test_the_tail_that_spells_a_word_wins_over_others_of_the_same_width() -> None:
    # "t", "i" and "l" all fit the glyph's width: only "att" is a word
    page = Page(word("at", {1: TT}), word("ta"), word("i"), word("lisa"))
    repair_ligatures(page)
    assert page.chars[1]["text"] == "tt"


@pytest.mark.parametrize(
    "words",
    [
        pytest.param([word("at"), word("till"), word("i")], id="no-wide-glyph"),
        pytest.param(
            [word("at", {1: 0.90}), word("ta"), word("i")], id="width-fits-no-tail"
        ),
        pytest.param(
            [word("gnat", {3: TT}), word("ta"), word("i")], id="no-known-word"
        ),
        pytest.param([word("ad", {1: 0.75}), word("ta"), word("i")], id="not-t-or-f"),
    ],
)
def test_nothing_is_repaired_without_evidence(words: list[Word]) -> None:
    page = Page(*words)
    before = page.text()
    assert repair_ligatures(page) == 0
    assert page.text() == before


def test_widths_are_compared_within_one_font() -> None:
    """A bold font's 't' is measured against bold 't's only: a wide letter is wide
    only beside narrower ones of its own font."""
    regular = Page(word("ta"), word("i"))
    bold = Page(word("at", {1: TT}), word("i"), font="ABCDEF+Arial-Bold", top=200.0)
    page = Page()
    page.chars = regular.chars + bold.chars
    page.words = regular.words + bold.words
    assert repair_ligatures(page) == 0
    assert page.text() == "ta i at i"

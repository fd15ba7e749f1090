"""pdfplumber's word grouping (`pdfplumber.utils.text.WordExtractor`) for the one
setting `extractors.pdf` uses, as a plain loop: the same words, char for char,
three times faster (tests/extractors/test_char_words.py compares the two).

The setting: x and y tolerances, extra attributes that split words where they
change, no blank chars kept, no text flow, no punctuation splits, ligatures expanded,
text read left to right and top to bottom (turned text: top to bottom, lines left to
right). For anything else `extract_words` hands over to pdfplumber.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from pdfplumber.utils import text as plumber_text

LIGATURES = plumber_text.LIGATURES
SUPPORTED = {"x_tolerance", "y_tolerance", "extra_attrs"}


def extract_words(
    chars: list[dict], return_chars: bool = False, **kwargs: Any
) -> list[dict]:
    """`pdfplumber.utils.extract_words(chars, return_chars, **kwargs)`."""
    if not set(kwargs) <= SUPPORTED:
        return plumber_text.extract_words(chars, return_chars, **kwargs)
    x_tolerance = kwargs.get("x_tolerance", plumber_text.DEFAULT_X_TOLERANCE)
    y_tolerance = kwargs.get("y_tolerance", plumber_text.DEFAULT_Y_TOLERANCE)
    extra: Sequence[str] = kwargs.get("extra_attrs") or ()
    return [
        _merged(word, word[0]["upright"], extra, return_chars)
        for word in word_chars(chars, x_tolerance, y_tolerance, extra)
    ]


def word_chars(
    chars: list[dict],
    x_tolerance: float = plumber_text.DEFAULT_X_TOLERANCE,
    y_tolerance: float = plumber_text.DEFAULT_Y_TOLERANCE,
    extra: Sequence[str] = (),
) -> Iterator[list[dict]]:
    """The chars of each word `extract_words` gives, in its order (for a caller
    that needs less of a word than its dict)."""
    key = itemgetter("upright", *extra)
    for _, run in groupby(chars, key):
        group = list(run)
        upright = group[0]["upright"]
        for line in _lines(group, upright, x_tolerance, y_tolerance):
            yield from _words(line, upright, x_tolerance, y_tolerance)


def _lines(
    chars: list[dict], upright: Any, x_tolerance: float, y_tolerance: float
) -> list[list[dict]]:
    """pdfplumber's `iter_chars_to_lines`: chars clustered by top (turned text: by
    x0), each cluster sorted along its line."""
    if upright:
        position, tolerance = "top", y_tolerance
    else:
        position, tolerance = "x0", x_tolerance
    values = sorted({char[position] for char in chars})
    cluster: dict[float, int] = {}
    number = 0
    last = values[0]
    for value in values:
        if value > last + tolerance:
            number += 1
        cluster[value] = number
        last = value
    lines: list[list[dict]] = [[] for _ in range(number + 1)]
    for char in chars:  # in order within a line, as pdfplumber's stable sort
        lines[cluster[char[position]]].append(char)
    order = itemgetter("x0") if upright else itemgetter("top", "bottom")
    for line in lines:
        line.sort(key=order)
    return lines


def _words(
    line: list[dict], upright: Any, x_tolerance: float, y_tolerance: float
) -> list[list[dict]]:
    """pdfplumber's `iter_chars_to_words` for one sorted line."""
    if upright:
        along, end, across, gap, shift = "x0", "x1", "top", x_tolerance, y_tolerance
    else:
        along, end, across, gap, shift = "top", "bottom", "x0", y_tolerance, x_tolerance
    words: list[list[dict]] = []
    current: list[dict] = []
    for char in line:
        text = char["text"]
        if text.isspace():
            if current:
                words.append(current)
            current = []
        elif text == "":  # pdfplumber: "" is in any punctuation string
            if current:
                words.append(current)
            words.append([char])
            current = []
        elif current and (
            char[along] < (previous := current[-1])[along]
            or char[along] > previous[end] + gap
            or abs(char[across] - previous[across]) > shift
        ):
            words.append(current)
            current = [char]
        else:
            current.append(char)
    if current:
        words.append(current)
    return words


def _merged(
    chars: list[dict], upright: Any, extra: Sequence[str], return_chars: bool
) -> dict:
    """pdfplumber's `merge_chars`: one word's dict."""
    first = chars[0]
    x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
    texts = []
    for char in chars:
        text = char["text"]
        texts.append(LIGATURES.get(text, text or ""))
        if char["x0"] < x0:
            x0 = char["x0"]
        if char["top"] < top:
            top = char["top"]
        if char["x1"] > x1:
            x1 = char["x1"]
        if char["bottom"] > bottom:
            bottom = char["bottom"]
    word = {
        "text": "".join(texts),
        "x0": x0,
        "x1": x1,
        "top": top,
        "doctop": top + (first["doctop"] - first["top"]),
        "bottom": bottom,
        "upright": first["upright"],
        "height": bottom - top,
        "width": x1 - x0,
        "direction": "ltr" if upright else "ttb",
    }
    for name in extra:
        word[name] = first[name]
    if return_chars:
        word["chars"] = chars
    return word

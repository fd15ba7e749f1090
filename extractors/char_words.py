"""pdfplumber's word grouping (`pdfplumber.utils.text.WordExtractor`) for the one
setting `extractors.pdf` uses, as a plain loop: the same words, char for char,
three times faster (tests/extractors/test_pdfium_chars.py compares the two).

The setting: x and y tolerances, extra attributes that split words where they
change, no blank chars kept, no text flow, no punctuation splits, ligatures expanded,
text read left to right and top to bottom (turned text: top to bottom, lines left to
right). For anything else `extract_words` hands over to pdfplumber.

`CharRun` holds the chars of one text object on an unturned baseline by column (they
share font, size, top and bottom), and `run_words` groups runs into the same words
without a dict per char (tests/extractors/test_pdfium_chars.py compares the two).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import attrgetter, itemgetter, le
from typing import Any

from pdfplumber.utils import text as plumber_text

LIGATURES = plumber_text.LIGATURES
SUPPORTED = {"x_tolerance", "y_tolerance", "extra_attrs"}
LIGATURE_RE = re.compile("[" + "".join(LIGATURES) + "]")


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
    cluster, count = _clusters({char[position] for char in chars}, tolerance)
    lines: list[list[dict]] = [[] for _ in range(count)]
    for char in chars:  # in order within a line, as pdfplumber's stable sort
        lines[cluster[char[position]]].append(char)
    order = itemgetter("x0") if upright else itemgetter("top", "bottom")
    for line in lines:
        line.sort(key=order)
    return lines


def _clusters(values: set[float], tolerance: float) -> tuple[dict[float, int], int]:
    """pdfplumber's `cluster_list`: the values in order, a new cluster wherever one
    is more than `tolerance` past the one before; each value's cluster number, and
    how many clusters."""
    cluster: dict[float, int] = {}
    number = 0
    ordered = sorted(values)
    last = ordered[0]
    for value in ordered:
        if value > last + tolerance:
            number += 1
        cluster[value] = number
        last = value
    return cluster, number + 1


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


class CharRun:
    """The chars of one text object on an unturned page and baseline, by column:
    upright, one font name, size, top and bottom for all; text, x0 and x1 each."""

    __slots__ = ("fontname", "size", "top", "bottom", "texts", "x0s", "x1s")

    def __init__(self, fontname: str, size: float, top: float, bottom: float):
        self.fontname = fontname
        self.size = size
        self.top = top
        self.bottom = bottom
        self.texts: list[str] = []
        self.x0s: list[float] = []
        self.x1s: list[float] = []

    def columns(self) -> Iterator[tuple[str, float, float]]:
        """(text, x0, x1) of each char."""
        return zip(self.texts, self.x0s, self.x1s, strict=True)

    def dicts(self) -> list[dict]:
        """The run's chars as pdfplumber's dicts."""
        fontname, size, top, bottom = self.fontname, self.size, self.top, self.bottom
        return [
            {
                "text": text,
                "fontname": fontname,
                "size": size,
                "x0": x0,
                "x1": x1,
                "top": top,
                "doctop": top,
                "bottom": bottom,
                "upright": True,
            }
            for text, x0, x1 in self.columns()
        ]


WordParts = tuple[str, float, float, str, float]  # text, x0, top, fontname, size


def run_words(
    runs: list[CharRun],
    x_tolerance: float = plumber_text.DEFAULT_X_TOLERANCE,
    y_tolerance: float = plumber_text.DEFAULT_Y_TOLERANCE,
) -> Iterator[WordParts]:
    """The words `word_chars` makes of the runs' chars with extra attributes font
    name and size, each as (text with ligatures spelled out, leftmost x0, highest
    top, font name, size): runs in content order, of upright chars only."""
    key = attrgetter("fontname", "size")
    for (fontname, size), group in groupby((r for r in runs if r.texts), key):
        for texts, x0s, x1s, tops, top in _run_lines(list(group), y_tolerance):
            for start, end in _spans(texts, x0s, x1s, tops, x_tolerance, y_tolerance):
                text = "".join(texts[start:end])
                if LIGATURE_RE.search(text):
                    text = "".join(LIGATURES.get(t, t or "") for t in texts[start:end])
                if tops is not None:
                    top = min(tops[start:end])
                yield text, x0s[start], top, fontname, size


# a line's texts, x0s and x1s; its tops, or None and the one top of all its chars
Columns = tuple[list[str], list[float], list[float], "list[float] | None", float]


def _run_lines(runs: list[CharRun], y_tolerance: float) -> list[Columns]:
    """`_lines` of a group's runs: runs clustered by top (each has one), a line's
    chars in content order, then sorted by x0 (stably), as columns; the top is one
    float when the line is one run."""
    cluster, count = _clusters({run.top for run in runs}, y_tolerance)
    members: list[list[CharRun]] = [[] for _ in range(count)]
    for run in runs:
        members[cluster[run.top]].append(run)
    return [_sorted_line(line) for line in members]


def _sorted_line(line: list[CharRun]) -> Columns:
    """One line's runs as columns sorted by x0."""
    top = line[0].top
    tops: list[float] | None = None
    if len(line) == 1:
        texts, x0s, x1s = line[0].texts, line[0].x0s, line[0].x1s
    else:
        texts, x0s, x1s, tops = [], [], [], []
        for run in line:
            texts += run.texts
            x0s += run.x0s
            x1s += run.x1s
            tops += [run.top] * len(run.texts)
    if all(map(le, x0s, x0s[1:])):
        return texts, x0s, x1s, tops, top
    order = sorted(range(len(x0s)), key=x0s.__getitem__)
    texts = [texts[i] for i in order]
    x0s = [x0s[i] for i in order]
    x1s = [x1s[i] for i in order]
    if tops is not None:
        tops = [tops[i] for i in order]
    return texts, x0s, x1s, tops, top


def _spans(
    texts: list[str],
    x0s: list[float],
    x1s: list[float],
    tops: list[float] | None,
    gap: float,
    shift: float,
) -> list[tuple[int, int]]:
    """`_words` of one sorted line, each word as its (start, end) in the columns
    (`tops` None: one top for all)."""
    spans: list[tuple[int, int]] = []
    start = -1  # no word open
    for index, text in enumerate(texts):
        if text.isspace():
            if start >= 0:
                spans.append((start, index))
            start = -1
        elif text == "":  # pdfplumber: "" is in any punctuation string
            if start >= 0:
                spans.append((start, index))
            spans.append((index, index + 1))
            start = -1
        elif start >= 0 and (
            x0s[index] < x0s[index - 1]
            or x0s[index] > x1s[index - 1] + gap
            or (tops is not None and abs(tops[index] - tops[index - 1]) > shift)
        ):
            spans.append((start, index))
            start = index
        elif start < 0:
            start = index
    if start >= 0:
        spans.append((start, len(texts)))
    return spans

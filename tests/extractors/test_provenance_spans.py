"""find_span matches a value's words across any whitespace without compiling a
pattern per value: the same spans as the `\\s+`-joined regex it replaced."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.provenance import _spaced_find, find_span

PIECES = ["a", "b", "ab", "§ 5", " ", "  ", "\n", "\t", "\r\n", "\u00a0", "ä", "."]


@settings(max_examples=2000, derandomize=True, database=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.lists(
        st.sampled_from(["a", "b", "ab", "ba", "§", "5", "ä", "."]),
        min_size=1,
        max_size=4,
    ),
)
def test_the_same_span_as_the_regex(text: str, tokens: list[str]) -> None:
    match = re.search(r"\s+".join(re.escape(t) for t in tokens), text)
    assert _spaced_find(text, tokens) == (match.span() if match else None)


def test_a_value_broken_over_lines_is_found_where_it_is_printed() -> None:
    text = "Päätös\n\nKunnanhallitus   hyväksyi\n  ehdotuksen."
    start, end = find_span(text, "Kunnanhallitus hyväksyi ehdotuksen.")
    assert text[start:end] == "Kunnanhallitus   hyväksyi\n  ehdotuksen."
    assert find_span(text, "hyväksyi ehdotuksen") == (
        text.index("hyväksyi"),
        text.index("ehdotuksen") + len("ehdotuksen"),
    )
    assert find_span(text, "hylkäsi ehdotuksen") is None

"""The generic path's shortcuts give what the full lookups give: a line without a
digit is read as `cues.read` reads it through every cue, a text whose first word
opens no heading is no heading, a genitive label ends with its word, a handling row
starts with a capital. Checked on every line of the corpus documents (real minutes
of ~290 organisations), so a cue or heading added later that a shortcut would hide
fails here."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from extractors import cues, history, sections
from models.vocab import HEADINGS

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


@cache
def corpus_lines() -> list[str]:
    """Every stripped, non-empty line of the corpus documents, once."""
    seen: dict[str, None] = {}
    for path in sorted(DOCS.rglob("*.txt")):
        for line in path.read_text("utf-8", "replace").splitlines():
            if line.strip():
                seen.setdefault(line.strip())
    return list(seen)


def read_without_shortcut(text: str) -> cues.Cue | None:
    """`cues.read` trying every cue on every line."""
    return (
        cues.page_label_cue(text)
        or cues.header_cue(text)
        or cues.section_cue(text)
        or cues.context_cue(text)
        or cues.dated_body_cue(text)
    )


def test_the_corpus_has_lines_of_every_kind() -> None:
    lines = corpus_lines()
    assert len(lines) > 3_000
    assert any(cues.DIGIT_RE.search(line) is None for line in lines)
    assert any(sections.heading(line) for line in lines)
    assert any(sections.genitive_label(line) for line in lines)
    assert any(history.rows(line) for line in lines)


def test_cues_read_as_if_every_cue_were_tried() -> None:
    differ = [
        line
        for line in corpus_lines()
        if cues.read(line) != read_without_shortcut(line)
    ]
    assert differ == []


def test_headings_found_as_by_the_full_key() -> None:
    for line in corpus_lines():
        words = line.split()
        for count in range(1, min(5, len(words)) + 1):
            text = " ".join(words[:count])
            full = HEADINGS.get(sections.heading_key(text))
            assert sections.heading(text) == full, text


def test_genitive_labels_found_as_by_their_pattern() -> None:
    for line in corpus_lines():
        match = sections.GENITIVE_RE.match(sections.heading_key_case(line))
        assert (sections.genitive_label(line) is None) == (match is None), line


def test_handling_rows_found_as_by_their_patterns() -> None:
    for line in corpus_lines():
        full = [
            pattern.match(line)
            for pattern in history.ROW_RES
            if not history.TABLED_FROM.match(line)
        ]
        has_row = any(m and history.safe_date(m["date"]) for m in full)
        assert bool(history.rows(line)) == has_row, line

"""Real documents, mutated: whatever the bytes, `extract_document` returns items that
keep the record's invariants (tests/faults/invariants.py) or raises ExtractionError
with a reason; any other exception is a bug.

- byte mutations (hypothesis): flipped bytes, a digit changed, a printed date or §
  number replaced (often by an impossible one: 31.2., § 0, § 10**20), truncation,
  spans deleted, inserted (hostile tokens or random bytes) or duplicated, of real
  PDFs, HTML item pages, JSON answers and text minutes; the same bytes extracted
  twice must give the same records (PDFs once: they are the slow ones);
- PDF text mutations: a real PDF's text set again (tests/faults/retypeset.py) with a
  digit, letter, date or § changed, lines dropped, copied or swapped, pages dropped
  or repeated: what byte flips in compressed streams cannot reach;
- JSON value mutations: a value anywhere in a real answer replaced by one of another
  type, an impossible date, a lone surrogate …, or deleted, or a list item doubled;
- benign re-encodings (no hypothesis): line endings, a BOM, JSON re-indented, a PDF
  saved again or set again: the same records, counted as rows lost / duplicated /
  wrong.

Bounded (tests/faults/bounds.py): the same few examples on every run, no example
database, a time limit per document; MINUTES_FAULTS_SCALE / MINUTES_FAULTS_RANDOM for
a longer hunt.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import pypdfium2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors import Extraction, ExtractionError, extract_document
from models.ids import sha256_hex
from models.records import Document
from tests.conftest import FIXTURES
from tests.faults.bounds import bounded
from tests.faults.invariants import differences, violations
from tests.faults.retypeset import TextLine, TextPage, text_pages, typeset

TIME_LIMIT = 20.0  # seconds per document; the fixtures take < 1 s


@dataclass(frozen=True)
class Sample:
    """A real document of the fixtures, with what its listing would give."""

    path: str
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def data(self) -> bytes:
        return read_fixture(self.path)

    def document(self, data: bytes) -> Document:
        return Document(
            uri=self.path, data=data, sha256=sha256_hex(data), meta=dict(self.meta)
        )


@cache
def read_fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


# What the Oulu item lists give (tests/extractors/test_tweb.py, DOMAIN.md 6).
OULU_73 = {"body": "Kaupunginhallitus", "meeting_date": "2017-03-27", "section": "73"}
OULU_33 = {"body": "Kaupunginvaltuusto", "meeting_date": "2017-04-03", "section": "33"}
PDFS = [
    Sample("tweb/35090068.pdf", OULU_73),  # Oulu, caption column
    Sample("tweb/395959398.pdf", OULU_33),  # Oulu council
    Sample("tweb/nykarleby_valfard_2022-09-15_excerpt.pdf"),  # Swedish, whole meeting
    Sample("tweb/vantaa_kh_2017-03-20_10.pdf"),  # synthetic, uncompressed text
]
HTMLS = [
    Sample("dynasty/2017406946-3.HTM"),  # Espoo minutes
    Sample("dynasty/2017409886-4.HTM"),  # Espoo agenda
    Sample("turku/turku_kh_2017-02-05-195.htm"),
    Sample("sites/cloudnc/items/content_59.htm"),  # Tampere texts, CloudNC page
    Sample("sites/cloudnc/items/content_65.htm"),
]
JSONS = [
    Sample("ahjo/decision_hel_2020_013928.json"),
    Sample("casem/contents_59_extended_properties.json"),
    Sample("casem/contents_61_extended_properties.json"),
    Sample("sites/turku-api/poytakirja_3540600.json"),
]
TEXTS = [
    Sample("text/000_329cfe2fbe6e7b57.txt"),  # Kittilä seeds
    Sample("text/001_c3a80bbbadbc5020.txt"),
    Sample("text/several_items.txt"),
]
FORMATS = {"PDF": PDFS, "HTML": HTMLS, "JSON": JSONS, "text": TEXTS}


class Mutant:
    """A mutated document and how it was made (its repr, for failure reports: not
    a dataclass, whose fields hypothesis would print, bytes and all)."""

    def __init__(self, path: str, steps: tuple[str, ...], document: Document) -> None:
        self.path, self.steps, self.document = path, steps, document

    def __repr__(self) -> str:
        return f"Mutant({self.path}: {'; '.join(self.steps)})"


# --- running one case --------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def models_loaded() -> None:
    """spaCy and Voikko loaded before the first case: their one-time load (seconds,
    more on a busy machine) must not count against one mutant's time limit."""
    extract_document(TEXTS[0].document(TEXTS[0].data))


def extracted(
    document: Document, time_limit: float | None = TIME_LIMIT
) -> Extraction | ExtractionError:
    """The extraction, or the ExtractionError that refused the document."""
    try:
        return extract_document(document, time_limit=time_limit)
    except ExtractionError as error:
        assert error.reason, f"ExtractionError without a reason: {error!r}"
        return error


def too_slow(outcome: Extraction | ExtractionError) -> bool:
    return isinstance(outcome, ExtractionError) and outcome.reason == "too_slow"


def run_case(faults, fault: str, document: Document, twice: bool = True) -> None:
    """Extract a mutated document; record the case; fail on a traceback or a
    broken invariant (and when the same bytes give other records the second time)."""
    try:
        found = extracted(document)
        again = extracted(document) if twice else found
    except Exception:
        faults.record(fault=fault, survived=False)
        raise
    wrong = violations(document, found) if isinstance(found, Extraction) else []
    if not (too_slow(found) or too_slow(again)):  # a time limit depends on the load
        wrong += [
            f"the same bytes gave other records the second time: {difference}"
            for difference in differences(found, again)
        ]
    faults.record(fault=fault, survived=True, wrong=len(wrong))
    assert not wrong, "\n".join(wrong)


# --- byte mutations ----------------------------------------------------------------

TOKENS: tuple[bytes, ...] = (
    b"\x00",
    b"\xff\xfe",
    b"\xc3",  # half a UTF-8 letter
    b"\xe2\x80",
    "§".encode(),
    b"\xa7",  # § in windows-1252
    b"<",
    b">",
    b"</div>",
    b"</p><p>",
    b"<br>",
    b"<!--",
    b"<script>",
    b"&",
    b"&#0;",
    b"&sect;",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"\\",
    b"\\u0000",
    b"\\ud800",  # a lone surrogate once JSON-decoded
    b"null",
    b"\n",
    b"\r",
    b" 31.02.2023 ",
    b" 16.13.2024 ",
    "§ 0".encode(),
    "§ 99999".encode(),
    b"endstream",
    b"endobj",
    b"%%EOF",
    b"/Length 999999",
    b"trailer",
)
BYTE_OPS = ("flip", "digit", "truncate", "delete", "insert", "duplicate")
BYTE_OPS += ("date", "section") * 2  # dates and § more often
DIGIT_RE = re.compile(rb"\d")
# Where a random flip seldom lands: the printed dates and § numbers.
DATE_RE = re.compile(r"(?<!\d)\d{1,2}\.\d{1,2}\.\d{4}(?!\d)")
SECTION_RE = re.compile(r"(?:§|&sect;|&#167;)\s*(\d{1,4})|(\d{1,4})\s*(?:§|&sect;)")
SECTION_BYTES_RE = re.compile(
    rb"(?:\xc2\xa7|\xa7|&sect;|&#167;)\s*(\d{1,4})|(\d{1,4})\s*(?:\xc2\xa7|\xa7|&sect;)"
)
DATE_BYTES_RE = re.compile(DATE_RE.pattern.encode())
DATES = st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(1000, 2999)).map(
    lambda t: "{}.{}.{}".format(*t)
) | st.dates().map(lambda d: f"{d.day}.{d.month}.{d.year:04d}")
SECTIONS = st.sampled_from([0, 1, 9999, 10000, 2**31, 10**20]) | st.integers(0, 99999)


def spans(pattern: re.Pattern, text: Any) -> list[tuple[int, int]]:
    """Where a pattern's numbers stand: the first group that took part, else the
    whole match."""
    found = []
    for match in pattern.finditer(text):
        group = next((g for g in range(1, (pattern.groups or 0) + 1) if match[g]), 0)
        found.append(match.span(group))
    return found


def retargeted(
    draw: Callable[[Any], Any], text: Any, op: str
) -> tuple[Any, str] | None:
    """The text (str or bytes) with one printed date or § number replaced by another
    (often impossible) value; None when it prints none."""
    is_bytes = isinstance(text, bytes)
    if op == "date":
        places = spans(DATE_BYTES_RE if is_bytes else DATE_RE, text)
        value = draw(DATES)
    else:
        places = spans(SECTION_BYTES_RE if is_bytes else SECTION_RE, text)
        value = str(draw(SECTIONS))
    if not places:
        return None
    start, end = places[draw(st.integers(0, len(places) - 1))]
    new = value.encode() if is_bytes else value
    return text[:start] + new + text[end:], f"{op} {text[start:end]!r} -> {value}"


def byte_step(draw: Callable[[Any], Any], data: bytes) -> tuple[bytes, str]:
    """One mutation of the bytes, and what it was."""
    op = draw(st.sampled_from(BYTE_OPS))
    size = len(data)
    position = draw(st.integers(0, size))
    if op in ("date", "section"):
        changed = retargeted(draw, data, op)
        if changed is not None:
            return changed
    if op == "flip" and size:
        at = min(position, size - 1)
        mask = draw(st.integers(1, 255))
        return data[:at] + bytes([data[at] ^ mask]) + data[
            at + 1 :
        ], f"flip {at}^{mask}"
    if op == "digit":
        digits = [m.start() for m in DIGIT_RE.finditer(data)]
        if digits:
            at = digits[draw(st.integers(0, len(digits) - 1))]
            new = draw(st.sampled_from(b"0123456789"))
            return data[:at] + bytes([new]) + data[at + 1 :], f"digit {at}={chr(new)}"
    if op == "truncate":
        return data[:position], f"truncate {position}"
    if op == "delete":
        length = draw(st.integers(1, 512))
        return data[:position] + data[
            position + length :
        ], f"delete {position}+{length}"
    if op == "duplicate":
        length = draw(st.integers(1, 4096))
        at = draw(st.integers(0, size))
        chunk = data[position : position + length]
        return data[:at] + chunk + data[at:], f"copy {position}+{length} to {at}"
    piece = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=32))
    return data[:position] + piece + data[position:], f"insert {piece!r} at {position}"


@st.composite
def byte_mutants(draw: Callable[[Any], Any], samples: list[Sample]) -> Mutant:
    """A sample with one to three byte mutations."""
    sample = draw(st.sampled_from(samples))
    data = sample.data
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        data, step = byte_step(draw, data)
        steps.append(step)
    return Mutant(sample.path, tuple(steps), sample.document(data))


BYTE_EXAMPLES = {"PDF": 40, "HTML": 60, "JSON": 50, "text": 50}


@pytest.mark.parametrize("kind", list(FORMATS))
def test_byte_mutations_end_in_items_or_a_reason(kind: str, faults) -> None:
    fault = f"mutated {kind} bytes"

    @bounded(BYTE_EXAMPLES[kind])
    @given(byte_mutants(FORMATS[kind]))
    def case(mutant: Mutant) -> None:
        run_case(faults, fault, mutant.document, twice=kind != "PDF")

    case()


# --- PDF text mutations --------------------------------------------------------------

TEXT_OPS = ("digit", "letter", "drop line", "copy line", "swap lines", "drop page")
TEXT_OPS += ("repeat page",) + ("date", "section") * 3  # dates and § more often
LETTERS = "§0123456789.,:;/-() aeiouyåäöAEÅÄÖklmnrstBPTX_"


@cache
def typeset_pages(path: str) -> tuple[TextPage, ...]:
    return tuple(text_pages(read_fixture(path)))


def with_line(
    pages: list[TextPage], page: int, index: int, line: TextLine | None
) -> list[TextPage]:
    """The pages with one line replaced (None: removed)."""
    lines = list(pages[page].lines)
    if line is None:
        del lines[index]
    else:
        lines[index] = line
    return [*pages[:page], replace(pages[page], lines=tuple(lines)), *pages[page + 1 :]]


def text_step(draw: Callable[[Any], Any], pages: list[TextPage]) -> tuple[list, str]:
    """One mutation of a PDF's text, and what it was."""
    op = draw(st.sampled_from(TEXT_OPS))
    places = [(p, i) for p, page in enumerate(pages) for i in range(len(page.lines))]
    if op in ("drop page", "repeat page") or not places:
        if not pages:
            return pages, "no page left"
        page = draw(st.integers(0, len(pages) - 1))
        if op == "drop page":
            return [*pages[:page], *pages[page + 1 :]], f"drop page {page}"
        to = draw(st.integers(0, len(pages)))
        return [*pages[:to], pages[page], *pages[to:]], f"page {page} again at {to}"
    p, i = places[draw(st.integers(0, len(places) - 1))]
    line = pages[p].lines[i]
    if op == "drop line":
        return with_line(pages, p, i, None), f"drop line {p}:{i}"
    if op in ("copy line", "swap lines"):
        q, j = places[draw(st.integers(0, len(places) - 1))]
        other = pages[q].lines[j]
        pages = with_line(pages, q, j, replace(other, runs=line.runs))
        if op == "swap lines":
            pages = with_line(pages, p, i, replace(line, runs=other.runs))
        return pages, f"{op} {p}:{i} {q}:{j}"
    if op in ("date", "section"):
        targets = [
            (p, i, r)
            for p, page in enumerate(pages)
            for i, line in enumerate(page.lines)
            for r, run in enumerate(line.runs)
            if spans(DATE_RE if op == "date" else SECTION_RE, run.text)
        ]
        if targets:
            p, i, r = targets[draw(st.integers(0, len(targets) - 1))]
            line = pages[p].lines[i]
            changed = retargeted(draw, line.runs[r].text, op)
            assert changed is not None
            runs = list(line.runs)
            runs[r] = replace(runs[r], text=changed[0])
            step = f"line {p}:{i} {changed[1]}"
            return with_line(pages, p, i, replace(line, runs=tuple(runs))), step
    r = draw(st.integers(0, len(line.runs) - 1))
    text = line.runs[r].text
    if op == "digit" and any(c.isdigit() for c in text):
        at = draw(st.sampled_from([k for k, c in enumerate(text) if c.isdigit()]))
        new = draw(st.sampled_from("0123456789"))
    else:
        at = draw(st.integers(0, len(text)))
        new = draw(st.sampled_from(["", *LETTERS]))
    changed = text[:at] + new + text[at + 1 :]
    runs = list(line.runs)
    runs[r] = replace(runs[r], text=changed or "x")
    step = f"line {p}:{i} {text!r} -> {changed!r}"
    return with_line(pages, p, i, replace(line, runs=tuple(runs))), step


@st.composite
def text_mutants(draw: Callable[[Any], Any]) -> Mutant:
    """A real PDF set again with one to four text mutations."""
    sample = draw(st.sampled_from(PDFS))
    pages = list(typeset_pages(sample.path))
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        pages, step = text_step(draw, pages)
        steps.append(step)
    return Mutant(sample.path, tuple(steps), sample.document(typeset(pages)))


def test_pdf_text_mutations_end_in_items_or_a_reason(faults) -> None:
    @bounded(60)
    @given(text_mutants())
    def case(mutant: Mutant) -> None:
        run_case(faults, "mutated PDF text", mutant.document, twice=False)

    case()


# --- JSON value mutations -----------------------------------------------------------

HOSTILE_VALUES = (
    st.sampled_from(
        [
            None,
            True,
            0,
            -1,
            2**70,
            1e308,
            "",
            " ",
            "0",
            "-5",
            "§ 0",
            "²",  # a digit to str.isdigit, not to int()
            "١٢",  # Arabic-Indic 12: int() reads it
            "31.2.2016",
            "Kokous 31.2.2016",
            "2016-02-31",
            "2016-02-31T00:00:00",
            "\ud800",
            "\x00",
            "<p>",
            "</div></body>",
            "&",
            ";#!#;#",
            [],
            {},
            [None],
            [[]],
            {"x": None},
        ]
    )
    | st.text(max_size=40)
    | st.integers()
    | st.lists(st.none() | st.text(max_size=5))
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON value (keys and indices from the root)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


def value_step(draw: Callable[[Any], Any], value: Any) -> str:
    """One mutation of a JSON value in place, and what it was."""
    places = paths(value)
    if not places:
        return "nothing to change"
    place = places[draw(st.integers(0, len(places) - 1))]
    parent = value
    for key in place[:-1]:
        parent = parent[key]
    last = place[-1]
    op = draw(st.sampled_from(["replace", "replace", "delete", "double"]))
    if op == "delete":
        del parent[last]
        return f"delete {place}"
    if op == "double" and isinstance(parent, list):
        parent.insert(last, json.loads(json.dumps(parent[last])))
        return f"double {place}"
    new = copy.deepcopy(draw(HOSTILE_VALUES))  # later steps may change it in place
    parent[last] = new
    return f"{place} = {new!r:.60}"


@st.composite
def json_mutants(draw: Callable[[Any], Any]) -> Mutant:
    """A real JSON answer with one to three values changed, deleted or doubled."""
    sample = draw(st.sampled_from(JSONS))
    value = json.loads(sample.data.decode("utf-8-sig"))
    steps = [value_step(draw, value) for _ in range(draw(st.integers(1, 3)))]
    data = json.dumps(value, ensure_ascii=True, indent=2).encode()
    return Mutant(sample.path, tuple(steps), sample.document(data))


def test_json_value_mutations_end_in_items_or_a_reason(faults) -> None:
    @bounded(80)
    @given(json_mutants())
    def case(mutant: Mutant) -> None:
        run_case(faults, "mutated JSON values", mutant.document)

    case()


# --- benign re-encodings: the same records ----------------------------------------


def crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def trailing_spaces(data: bytes) -> bytes:
    return data.replace(b"\n", b"  \n")


def bom(data: bytes) -> bytes:
    return data if data.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + data


def blank_tail(data: bytes) -> bytes:
    return data + b"\n\n"


def json_indented(data: bytes) -> bytes:
    return json.dumps(json.loads(data.decode("utf-8-sig")), indent=2).encode()


def json_compact(data: bytes) -> bytes:
    value = json.loads(data.decode("utf-8-sig"))
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def pdf_saved_again(data: bytes) -> bytes:
    source = pypdfium2.PdfDocument(data)
    copy = pypdfium2.PdfDocument.new()
    copy.import_pages(source)
    buffer = io.BytesIO()
    copy.save(buffer)
    return buffer.getvalue()


def pdf_set_again(data: bytes) -> bytes:
    return typeset(text_pages(data))


BENIGN: dict[str, tuple[Callable[[bytes], bytes], ...]] = {
    "PDF": (pdf_saved_again, pdf_set_again, blank_tail),
    "HTML": (crlf, bom, blank_tail),
    "JSON": (json_indented, json_compact, blank_tail),
    "text": (crlf, trailing_spaces, bom, blank_tail),
}
BENIGN_CASES = [
    pytest.param(sample, change, id=f"{sample.path}-{change.__name__}")
    for kind, samples in FORMATS.items()
    for sample in samples
    for change in BENIGN[kind]
]


def records(found: Extraction | ExtractionError) -> list[dict[str, Any]]:
    """The records without their source (the bytes differ, so does the hash)."""
    items = found.items if isinstance(found, Extraction) else []
    return [{**item.to_dict(), "source": None} for item in items]


def key(record: dict[str, Any]) -> tuple:
    return record["body"], record["meeting_date"], record["section"], record["title"]


@pytest.mark.parametrize(("sample", "change"), BENIGN_CASES)
def test_a_benign_re_encoding_gives_the_same_records(
    sample: Sample, change: Callable[[bytes], bytes], faults
) -> None:
    # No time limit: these documents are not pathological, and a busy machine must
    # not turn a refusal as too_slow into rows lost.
    before = records(extracted(sample.document(sample.data), None))
    document = sample.document(change(sample.data))
    try:
        found = extracted(document, None)
    except Exception:
        faults.record(fault="benign re-encodings", survived=False)
        raise
    after = records(found)
    keys_before, keys_after = Counter(map(key, before)), Counter(map(key, after))
    lost = sum((keys_before - keys_after).values())
    duplicated = sum((keys_after - keys_before).values())
    wrong = violations(document, found) if isinstance(found, Extraction) else []
    after_by_key = {key(r): r for r in after}
    wrong += [f"{key(r)} changed" for r in before if after_by_key.get(key(r), r) != r]
    faults.record(
        fault="benign re-encodings",
        survived=True,
        lost=lost,
        duplicated=duplicated,
        wrong=len(wrong),
    )
    assert before, f"{sample.path} gives no items: not a useful sample"
    assert (lost, duplicated, wrong) == (0, 0, [])

"""Properties of the field parsers (extractors/fields.py, cues.py, lines.py): they
never raise on any text, and what they promise round-trips:

- a § printed as the documents print it ("§ 12", "12 §", "Pykälä 12", in a header
  line) reads back as 12;
- a date printed d.m.yyyy / dd.mm.yyyy (and d.m.yy, d-m-yyyy, "12 februari 2024",
  "12. helmikuuta 2024" where cues.py reads them) reads back as the same ISO date; an
  impossible one (31.2.) reads as none, and the line keeps it as `bad_date`;
- a diary number in each form of DOMAIN.md 3.2 reads back as its canonical form (as
  printed, label removed, whitespace collapsed, no space beside the last '/'); the
  forms DOMAIN.md says are not diary numbers read as none;
- in a whole document (text/several_items.txt), headers with other § numbers, other
  dates, one impossible date or one § printed on every item change those fields and
  nothing else: no item lost, doubled or merged into its neighbour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from extractors import ExtractionError, cues, extract_document, fields, lines
from models.ids import sha256_hex
from models.records import Document
from tests.conftest import FIXTURES
from tests.faults.bounds import bounded
from tests.faults.invariants import violations


def recorded(faults, fault: str, check: Callable[[], None]) -> None:
    """Run one example's checks and record it: survived unless it raised something
    other than an AssertionError; an AssertionError is a wrong value."""
    try:
        check()
    except AssertionError:
        faults.record(fault=fault, survived=True, wrong=1)
        raise
    except Exception:
        faults.record(fault=fault, survived=False)
        raise
    faults.record(fault=fault, survived=True)


# --- never raise on any text -------------------------------------------------------

# Pieces of real lines, so that generated text comes near what the parsers read.
PIECES = [
    "§",
    " ",
    "  ",
    "\n",
    "\t",
    "\xa0",
    ".",
    ",",
    ":",
    "/",
    "-",
    "|",
    "(",
    ")",
    "0",
    "5",
    "12",
    "9999",
    "99999999999999999999",
    "2023",
    "05.12.2023",
    "31.02.2023",
    "16.13.2024",
    "7.3.23",
    "Khall",
    "Kh",
    "Kunnanhallitus",
    "Välfärdsnämnden",
    "Pöytäkirja",
    "Esityslista",
    "Protokoll",
    "Pykälä",
    "Asianro",
    "Dnro",
    "Dno",
    "OUKA/",
    "21/00.00.01/2023",
    "3700/11.01.00 /2011",
    "HEL",
    "HEL 2020-013928",
    " T 00 01 01",
    "ROIDno-2021-4378",
    "3720-2013 (611)",
    "februari",
    "helmikuuta",
    "kokous",
    "klo",
    "päättää",
    "# ",
    "• ",
]
NEAR_TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=25).map(
    "".join
)
ANY_TEXT = st.text(max_size=200) | NEAR_TEXT


def well_formed_cue(cue: cues.Cue | None) -> None:
    if cue is None:
        return
    assert cue.date is None or date.fromisoformat(cue.date).isoformat() == cue.date
    assert cue.date is None or cue.bad_date is None
    assert cue.section is None or (type(cue.section) is int and cue.section >= 0)
    for text in (cue.body, cue.title, cue.bad_date):
        assert text is None or isinstance(text, str)


def parse_anything(text: str) -> None:
    """Every field parser on one text: no exception, well-typed results."""
    header = fields.parse_header(text)
    if header is not None:
        assert (
            date.fromisoformat(header.meeting_date).isoformat() == header.meeting_date
        )
        assert type(header.section) is int and header.section >= 0
    diary = fields.diary_number(text)
    if diary is not None:
        assert fields.diary_number(diary) == diary  # canonical: a fixed point
        assert diary.strip() == diary and "  " not in diary
    code = fields.diary_class(text)
    assert code is None or (diary is not None and code in diary)
    joined = fields.joined_diary(text, text[::-1])
    assert joined is None or fields.diary_number(joined) == joined
    collapsed = lines.clean(text)
    well_formed_cue(cues.read(collapsed))
    for line in lines.text_lines(text):
        assert line.text and line.text == line.text.strip()
        well_formed_cue(cues.read(line.text))
    if collapsed:
        full, abbrev = fields.expand_body(collapsed, text, text)
        assert full and (abbrev is None or abbrev == collapsed)
    assert fields.language(text) in ("fi", "sv")
    place = fields.municipality(text)
    assert place is None or (isinstance(place, str) and place.strip())
    assert fields.doc_kind_named(text) in (None, "agenda", "minutes")
    body = fields.body_from_proposal(text)
    assert body is None or body in text
    found = fields.body_in_text(collapsed or "x", text)
    assert found is None or isinstance(found, str)


@bounded(300)
@given(ANY_TEXT)
@example("Khall 05.12.2023 § 0")
@example("§ 99999999999999999999")
@example("\xa0§\xa012\xa0")
@example("Khall 31.02.2023 § 5")
def test_field_parsers_never_raise_on_any_text(faults, text: str) -> None:
    recorded(faults, "field parsers: any text", lambda: parse_anything(text))


@bounded(200)
@given(st.binary(max_size=300))
@example(b"\x81\x8d\x8f\x90\x9d")  # undefined in windows-1252
@example("Päätös".encode("utf-16"))
def test_decoding_any_bytes_gives_text_or_unicode_decode_error(
    faults, data: bytes
) -> None:
    def check() -> None:
        try:
            text = fields.decode_text(data)
        except UnicodeDecodeError:
            return
        assert isinstance(text, str)

    recorded(faults, "field parsers: any text", check)


# --- § round-trip ---------------------------------------------------------------------

SECTIONS = st.integers(1, 9999)
BODIES = st.sampled_from(
    ["Khall", "Kh", "Kaupunginhallitus", "Välfärdsnämnden", "Tekninen lautakunta"]
)


def printed_section(n: int, style: str) -> str:
    return {
        "§ n": f"§ {n}",
        "§n": f"§{n}",
        "n §": f"{n} §",
        "§ 0n": f"§ {n:04d}",
        "Pykälä n": f"Pykälä {n}",
        "Paragraf n": f"Paragraf {n}",
    }[style]


SECTION_STYLES = st.sampled_from(["§ n", "§n", "n §", "§ 0n", "Pykälä n", "Paragraf n"])


@bounded(150)
@given(SECTIONS, SECTION_STYLES, BODIES)
@example(1, "§ n", "Khall")
@example(9999, "n §", "Välfärdsnämnden")
def test_a_section_reads_back_as_printed(faults, n: int, style: str, body: str) -> None:
    def check() -> None:
        printed = printed_section(n, style)
        cue = cues.read(printed)
        assert cue is not None and cue.kind == "section" and cue.section == n
        titled = cues.read(f"{printed} Talousarvion muutos")
        if not style.startswith(("Pykälä", "Paragraf")):
            assert titled is not None and titled.section == n
        if style in ("§ n", "n §", "§n"):
            line = f"{body} 05.12.2023 {printed}"
            header = fields.parse_header(line)
            assert header is not None and header.section == n
            assert cues.read(line) == cues.Cue("header", n, body, "2023-12-05")
            comma = fields.parse_header(f"{body} 15.9.2022, {printed}")
            assert comma is not None and comma.section == n

    recorded(faults, "field parsers: §", check)


# --- dates ------------------------------------------------------------------------

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
SV_MONTHS = {
    number: name for name, number in cues.MONTHS.items() if "kuuta" not in name
}
FI_MONTH = {number: name for name, number in cues.MONTHS.items() if "kuuta" in name}


def day_first(day: int, month: int, year: int, pad_day: bool, pad_month: bool) -> str:
    d = f"{day:02d}" if pad_day else str(day)
    m = f"{month:02d}" if pad_month else str(month)
    return f"{d}.{m}.{year}"


@bounded(200)
@given(DATES, st.booleans(), st.booleans(), BODIES)
@example(date(2024, 2, 29), False, False, "Khall")
@example(date(2023, 12, 31), True, True, "Kaupunginhallitus")
def test_a_date_reads_back_as_printed(
    faults, when: date, pad_day: bool, pad_month: bool, body: str
) -> None:
    def check() -> None:
        iso = when.isoformat()
        printed = day_first(when.day, when.month, when.year, pad_day, pad_month)
        assert fields.iso_date(printed) == iso
        assert cues.iso(printed) == iso
        header = fields.parse_header(f"{body} {printed} § 5")
        assert header is not None and header.meeting_date == iso
        assert cues.read(f"{body} {printed} § 5") == cues.Cue("header", 5, body, iso)
        assert cues.iso(f"{when.day}-{when.month}-{when.year}") == iso
        assert cues.iso(printed.replace(".", ". ")) == iso
        if when.year >= 2000:
            assert cues.iso(f"{when.day}.{when.month}.{when.year % 100:02d}") == iso
        swedish = f"{when.day} {SV_MONTHS[when.month]} {when.year}"
        finnish = f"{when.day}. {FI_MONTH[when.month]} {when.year}"
        assert cues.iso(swedish) == iso and cues.iso(finnish) == iso
        assert cues.iso(swedish.upper()) == iso
        context = cues.read(f"Stadsfullmäktiges beslut den {swedish}")
        assert context is not None and context.date == iso
        assert cues.read(f"Kokous {printed}") == cues.Cue("context", date=iso)

    recorded(faults, "field parsers: dates", check)


def impossible(day: int, month: int, year: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return True
    return False


IMPOSSIBLE_DATES = st.tuples(
    st.integers(0, 99), st.integers(0, 99), st.integers(1900, 2099)
).filter(lambda t: impossible(*t))


@bounded(150)
@given(IMPOSSIBLE_DATES, st.booleans(), st.booleans())
@example((31, 2, 2023), True, True)
@example((29, 2, 2023), False, False)
@example((16, 13, 2024), True, True)
@example((0, 5, 2024), False, False)
def test_an_impossible_date_reads_as_none(
    faults, parts: tuple[int, int, int], pad_day: bool, pad_month: bool
) -> None:
    def check() -> None:
        day, month, year = parts
        printed = day_first(day, month, year, pad_day, pad_month)
        with pytest.raises(ValueError):
            fields.iso_date(printed)
        with pytest.raises(ValueError):
            cues.iso(printed)
        assert fields.parse_header(f"Khall {printed} § 5") is None
        cue = cues.read(f"Khall {printed} § 5")
        assert cue == cues.Cue("header", 5, "Khall", None, bad_date=printed)
        if 1 <= month <= 12:
            with pytest.raises(ValueError):
                cues.iso(f"{day} {SV_MONTHS[month]} {year}")

    recorded(faults, "field parsers: dates", check)


# --- diary numbers ------------------------------------------------------------------


def two_digits(count: tuple[int, int]) -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.integers(0, 99).map("{:02d}".format), min_size=count[0], max_size=count[1]
    )


NUMBER = st.integers(1, 999999).map(str)
YEAR = st.integers(1900, 2099).map(str)
UPPER = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ", min_size=1, max_size=6)


@st.composite
def diary_numbers(draw: Callable[[Any], Any]) -> tuple[str, str, str | None]:
    """(as printed, canonical, classification code) in one of DOMAIN.md 3.2's forms."""
    form = draw(st.sampled_from(["code", "spaced", "org", "casem", "hel", "turku"]))
    if form in ("code", "spaced", "org"):
        number, year = draw(NUMBER), draw(YEAR)
        code = ".".join(draw(two_digits((2, 5))))
        canonical = f"{number}/{code}/{year}"
        if form == "org":
            prefix = draw(UPPER) + draw(st.sampled_from("/:"))
            canonical = prefix + canonical
            return canonical, canonical, code
        if form == "spaced":
            gap = draw(st.sampled_from([" /", "/ ", " / ", "  /", " \t/"]))
            return f"{number}/{code}{gap}{year}", canonical, code
        return canonical, canonical, code
    if form == "casem":
        org = draw(
            st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVYÅÄÖ", min_size=2, max_size=8)
        )
        printed = f"{org}Dno-{draw(YEAR)}-{draw(NUMBER)}"
        return printed, printed, None
    if form == "hel":
        sep = draw(st.sampled_from([" ", "-"]))
        printed = f"HEL{sep}{draw(YEAR)}-{draw(st.integers(0, 999999)):06d}"
        if draw(st.booleans()):
            code = " ".join(draw(two_digits((2, 5))))
            return f"{printed} T {code}", f"{printed} T {code}", code
        return printed, printed, None
    groups = draw(
        st.lists(
            st.lists(
                st.integers(0, 99).map("{:02d}".format), min_size=1, max_size=4
            ).map(" ".join)
            | st.integers(1, 999).map(str),
            min_size=1,
            max_size=3,
        )
    )
    code = ", ".join(groups)
    printed = f"{draw(NUMBER)}-{draw(YEAR)} ({code})"
    return printed, printed, code


LABELS = st.sampled_from(
    ["", "Dnro ", "Dnro: ", "Dno ", "Dno. ", "Dnr ", "DNRO ", "Asianro ", "Asianumero "]
)
AROUND = st.sampled_from(["", " ", "  ", "\t"])


@bounded(250)
@given(diary_numbers(), LABELS, AROUND, AROUND)
@example(("3700/11.01.00 /2011", "3700/11.01.00/2011", "11.01.00"), "", "", "")
@example(("OUKA/1472/02.02.02/2017",) * 2 + ("02.02.02",), "Dno ", "", "")
@example(("13710-2021 (00 01 02, 06 00 00)",) * 2 + ("00 01 02, 06 00 00",), "", "", "")
def test_a_diary_number_reads_back_canonical(
    faults,
    diary: tuple[str, str, str | None],
    label: str,
    before: str,
    after: str,
) -> None:
    printed, canonical, code = diary

    def check() -> None:
        line = f"{before}{label}{printed}{after}"
        assert fields.diary_number(line) == canonical
        assert fields.diary_number(canonical) == canonical
        assert fields.diary_class(line) == code
        assert fields.diary_number(f"Asia {printed} käsitellään") == canonical

    recorded(faults, "field parsers: diary numbers", check)


@bounded(100)
@given(st.integers(1, 999999), YEAR, two_digits((2, 4)))
def test_a_diary_number_on_two_lines_is_joined(
    faults, number: int, year: str, code: list[str]
) -> None:
    def check() -> None:
        tail = ".".join(code)
        joined = fields.joined_diary(f"{number}/{year}", tail)
        assert joined == f"{number}/{tail}/{year}"
        assert fields.diary_number(joined) == joined
        assert fields.diary_class(joined) == tail

    recorded(faults, "field parsers: diary numbers", check)


NOT_DIARY = st.one_of(
    # property ids "837-715-2-47", plan numbers "564-2250", refs "12.4.2016 § 60"
    st.tuples(*[st.integers(1, 999)] * 2, st.integers(1, 99), st.integers(1, 999)).map(
        lambda t: "-".join(map(str, t))
    ),
    st.tuples(st.integers(1, 999), st.integers(1000, 9999)).map(
        lambda t: f"{t[0]}-{t[1]}"
    ),
    st.tuples(DATES, st.integers(1, 999)).map(
        lambda t: f"{t[0].day}.{t[0].month}.{t[0].year} § {t[1]}"
    ),
    st.just("KN/PM/PH/HY-L"),
)


@bounded(100)
@given(NOT_DIARY)
def test_what_is_not_a_diary_number_reads_as_none(faults, text: str) -> None:
    def check() -> None:
        assert fields.diary_number(text) is None
        assert fields.diary_class(text) is None

    recorded(faults, "field parsers: diary numbers", check)


# --- the fields of whole documents ----------------------------------------------------

SEVERAL = FIXTURES / "text" / "several_items.txt"
HEADER_RE = re.compile(
    r"^Khall (?P<date>\d{2}\.\d{2}\.\d{4}) § (?P<sec>\d+)(?P<end> *)$", re.M
)


def several() -> tuple[str, list[re.Match[str]]]:
    text = SEVERAL.read_text(encoding="utf-8")
    return text, list(HEADER_RE.finditer(text))


def with_headers(text: str, headers: list[re.Match[str]], new: list[str]) -> str:
    """The text with each header line replaced."""
    out, last = [], 0
    for match, line in zip(headers, new, strict=True):
        out += [text[last : match.start()], line + match["end"]]
        last = match.end()
    return "".join([*out, text[last:]])


def records_of(text: str) -> tuple[list[dict[str, Any]], list[ExtractionError]]:
    data = text.encode("utf-8")
    document = Document(uri="several_items.txt", data=data, sha256=sha256_hex(data))
    found = extract_document(document)  # no time limit: a busy machine is no fault
    assert not violations(document, found), violations(document, found)
    return [{**i.to_dict(), "source": None} for i in found.items], found.problems


def compare(
    faults, fault: str, before: list[dict], after: list[dict], changed: set[str]
) -> None:
    """Record rows lost / duplicated (by count and order: the same items, in the same
    order) and wrong values (a field other than `changed` that moved); then check."""
    lost = max(0, len(before) - len(after))
    duplicated = max(0, len(after) - len(before))
    wrong = [
        f"item {k}: {name} {b[name]!r} -> {a[name]!r}"
        for k, (b, a) in enumerate(zip(before, after, strict=False))
        for name in b
        if name not in changed and b[name] != a[name]
    ]
    faults.record(
        fault=fault, survived=True, lost=lost, duplicated=duplicated, wrong=len(wrong)
    )
    assert (lost, duplicated, wrong) == (0, 0, [])


def guarded(faults, fault: str, check: Callable[[], None]) -> None:
    try:
        check()
    except AssertionError:
        raise
    except Exception:
        faults.record(fault=fault, survived=False)
        raise


@bounded(25)
@given(st.lists(SECTIONS, min_size=4, max_size=4, unique=True), SECTION_STYLES)
def test_other_sections_in_a_document_change_only_the_sections(
    faults, numbers: list[int], style: str
) -> None:
    text, headers = several()
    before, _ = records_of(text)

    def check() -> None:
        sign = "§ n" if style in ("Pykälä n", "Paragraf n") else style
        new = [
            f"Khall {m['date']} {printed_section(n, sign)}"
            for m, n in zip(headers, numbers, strict=True)
        ]
        after, _ = records_of(with_headers(text, headers, new))
        assert [a["section"] for a in after] == numbers
        compare(faults, "documents: §", before, after, {"section"})

    guarded(faults, "documents: §", check)


@bounded(25)
@given(st.integers(1, 9999), st.integers(2, 4))
def test_one_section_printed_on_every_item_keeps_every_item(
    faults, n: int, count: int
) -> None:
    text, headers = several()
    before, _ = records_of(text)

    def check() -> None:
        new = [
            f"Khall {m['date']} § {n if k < count else m['sec']}"
            for k, m in enumerate(headers)
        ]
        after, _ = records_of(with_headers(text, headers, new))
        compare(faults, "documents: duplicated §", before, after, {"section"})

    guarded(faults, "documents: duplicated §", check)


@bounded(25)
@given(DATES, st.booleans(), st.booleans())
def test_another_date_in_a_document_changes_only_the_dates(
    faults, when: date, pad_day: bool, pad_month: bool
) -> None:
    text, headers = several()
    before, _ = records_of(text)

    def check() -> None:
        printed = day_first(when.day, when.month, when.year, pad_day, pad_month)
        new = [f"Khall {printed} § {m['sec']}" for m in headers]
        after, _ = records_of(with_headers(text, headers, new))
        assert {a["meeting_date"] for a in after} == {when.isoformat()}
        compare(faults, "documents: dates", before, after, {"meeting_date"})

    guarded(faults, "documents: dates", check)


@bounded(30)
@given(IMPOSSIBLE_DATES, st.integers(0, 3))
@example((31, 2, 2023), 1)
@example((16, 13, 2024), 2)
def test_an_impossible_date_in_a_header_never_shifts_text_into_a_neighbour(
    faults, parts: tuple[int, int, int], index: int
) -> None:
    text, headers = several()
    before, _ = records_of(text)

    def check() -> None:
        printed = day_first(*parts, pad_day=True, pad_month=True)
        new = [
            f"Khall {printed if k == index else m['date']} § {m['sec']}"
            for k, m in enumerate(headers)
        ]
        after, problems = records_of(with_headers(text, headers, new))
        if len(after) == len(before):
            assert after[index]["meeting_date"] is None
            assert any(
                p.reason == "impossible_date" and printed in p.detail for p in problems
            )
            after[index]["meeting_date"] = before[index]["meeting_date"]
        compare(faults, "documents: impossible dates", before, after, set())

    guarded(faults, "documents: impossible dates", check)

"""Files that cannot be read get a precise reason, never a traceback or a vague one."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from extractors import ExtractionError, extract, extract_document
from models.ids import sha256_hex
from models.records import Document
from tests.conftest import FIXTURES


def document(data: bytes, uri: str) -> Document:
    return Document(uri=uri, data=data, sha256=sha256_hex(data))


def encrypted_pdf() -> bytes:
    """A one-page PDF whose trailer names a Standard security handler the empty
    password does not open."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + b"00" * 32
        + b"> /U <"
        + b"11" * 32
        + b"> /P -4 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (
        b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<01><01>] >>\n"
        b"startxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return bytes(out)


def reason_of(data: bytes, uri: str) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract(document(data, uri))
    return caught.value


def test_an_encrypted_pdf_is_reported_as_encrypted() -> None:
    error = reason_of(encrypted_pdf(), "https://example.org/pk.pdf")
    assert error.reason == "encrypted_pdf"


@pytest.mark.parametrize("uri", ["https://example.org/pk.pdf", "minutes.html", "a.txt"])
@pytest.mark.parametrize("data", [b"", b"  \n"])
def test_an_empty_file_is_reported_as_empty(uri: str, data: bytes) -> None:
    assert reason_of(data, uri).reason == "empty_file"


def test_a_pdf_with_one_corrupted_byte_in_a_page_box_is_unreadable() -> None:
    real = sorted((FIXTURES / "tweb").rglob("*.pdf"))[0].read_bytes()
    box = re.search(rb"/MediaBox\s*\[\s*0", real)
    assert box is not None
    broken = real[: box.end() - 1] + b"x" + real[box.end() :]
    error = reason_of(broken, "https://example.org/broken.pdf")
    assert error.reason == "unreadable_pdf"
    assert error.detail.startswith("PdfminerException: ")


# --- JSON answers whose values are not of the type the system documents ----------


def extracted(obj: object, uri: str, meta: dict[str, str] | None = None):
    data = json.dumps(obj).encode()
    return extract_document(
        Document(uri=uri, data=data, sha256=sha256_hex(data), meta=meta or {})
    )


def casem_envelope() -> dict:
    path = FIXTURES / "casem" / "contents_57_extended_properties.json"
    return json.loads(path.read_text(encoding="utf-8-sig"))


def test_a_casem_value_list_holding_null_keeps_the_item() -> None:
    envelope = casem_envelope()
    good = extracted(envelope, "contents_57.json").items[0]
    envelope["value"] = [None, 5, *envelope["value"], None]
    item = extracted(envelope, "contents_57.json").items[0]
    assert (item.section, item.title) == (good.section, good.title)


def test_an_impossible_listing_date_is_null_with_a_warning() -> None:
    meta = {"meeting_date": "2016-02-31", "body": "Kaupunginhallitus"}
    found = extracted(casem_envelope(), "contents_57.json", meta)
    assert found.items[0].meeting_date is None
    assert [p.reason for p in found.problems] == ["impossible_date"]
    assert "2016-02-31" in found.problems[0].detail


AHJO = FIXTURES / "ahjo" / "decision_hel_2020_013928.json"
WRONG_VALUES = [None, 5, True, [], [None], {"x": 1}, "not a date", [{"Ayes": "x"}]]


@pytest.mark.parametrize(
    "key", ["Title", "DateDecision", "Section", "CaseID", "Content", "VotingResults"]
)
@pytest.mark.parametrize("wrong", WRONG_VALUES, ids=repr)
def test_an_ahjo_field_of_the_wrong_type_never_raises(key: str, wrong: object) -> None:
    decision = json.loads(AHJO.read_text(encoding="utf-8"))
    decision[key] = wrong
    try:
        found = extracted(decision, "decision.json")
    except ExtractionError:
        return  # a reasoned refusal is fine; a traceback is not
    item = found.items[0]
    if key == "DateDecision" and item.meeting_date is not None:
        date.fromisoformat(item.meeting_date)
    if key == "Title":
        assert item.title is None or isinstance(item.title, str)


# --- found by the fault suite (tests/faults: mutations of real documents) ---------
# Each raised something other than ExtractionError, or broke an invariant of the
# record, before its fix.


def fixture_document(path: str, data: bytes | None = None) -> Document:
    data = (FIXTURES / path).read_bytes() if data is None else data
    return Document(uri=path, data=data, sha256=sha256_hex(data))


TURKU_PAGE = "turku/turku_kh_2017-02-05-195.htm"
ESPOO_PAGE = "dynasty/2017406946-3.HTM"


@pytest.mark.parametrize("data", [b"<!", b"<!-- nothing else -->", b"<?xml?>"])
def test_an_html_page_without_any_element_holds_no_text(data: bytes) -> None:
    # lxml's ParserError "Document is empty" (a page cut after two bytes).
    error = reason_of(data, TURKU_PAGE)
    assert error.reason == "no_text"


@pytest.mark.parametrize(
    ("path", "character"),
    [(ESPOO_PAGE, b"\x01"), (ESPOO_PAGE, b"\x0b"), (TURKU_PAGE, "\ufffe".encode())],
)
def test_characters_xml_does_not_allow_are_left_out_of_html(
    path: str, character: bytes
) -> None:
    # lxml refused to set a <br>'s tail holding them (ValueError).
    real = (FIXTURES / path).read_bytes()
    at = real.index(b"<br") + real[real.index(b"<br") :].index(b">") + 1
    found = extract(fixture_document(path, real[:at] + character + real[at:]))
    good = extract(fixture_document(path))
    assert [(i.section, i.title, i.decision) for i in found] == [
        (i.section, i.title, i.decision) for i in good
    ]


def test_an_xhtml_page_with_an_xml_declaration_is_read() -> None:
    # lxml refuses a decoded text that declares an encoding (ValueError).
    real = (FIXTURES / TURKU_PAGE).read_bytes()
    declared = b'<?xml version="1.0" encoding="UTF-8"?>\n' + real
    (item,) = extract(fixture_document(TURKU_PAGE, declared))
    assert (item.section, item.meeting_date) == (195, "2017-05-02")


def test_a_casem_text_with_a_control_character_keeps_the_item() -> None:
    envelope = casem_envelope()
    for prop in envelope["value"]:
        if prop["Name"] == "Decision":
            prop["Text"] = "Päätösehdotus\x01 hyväksyttiin.\x00"
    item = extracted(envelope, "contents_57.json").items[0]
    assert item.decision == "Päätösehdotus hyväksyttiin."


def test_a_turku_minutes_item_that_is_not_an_object_is_reported() -> None:
    # AttributeError: 'NoneType' object has no attribute 'get'.
    path = FIXTURES / "sites" / "turku-api" / "poytakirja_3540600.json"
    minutes = json.loads(path.read_text(encoding="utf-8"))
    minutes["pykalat"] = [None, *minutes["pykalat"], 5]
    found = extracted(minutes, "poytakirja.json")
    assert [i.section for i in found.items] == [195]
    assert [p.reason for p in found.problems].count("malformed_json") == 2
    assert "pykälä 1 is NoneType" in found.problems[0].detail


@pytest.mark.parametrize("section", ["0", "-5", "99999", "§ 0", 0, 10**20, "²", "5²"])
def test_an_ahjo_section_that_is_no_section_number_is_null_with_a_warning(
    section: object,
) -> None:
    # Section "0" gave § 0; 10**20 does not fit the warehouse's INTEGER.
    decision = json.loads(AHJO.read_text(encoding="utf-8"))
    decision["Section"] = section
    found = extracted(decision, "decision.json")
    if section in ("-5", "5²"):  # the (ASCII) digits: 5, as before
        assert found.items[0].section == 5
        return
    if section == "²":  # int("²") raised ValueError; no digits, no §
        assert found.items[0].section is None
        return
    assert found.items[0].section is None
    assert [p.reason for p in found.problems] == ["impossible_section"]


def test_a_section_0_printed_in_a_header_is_null_with_a_warning() -> None:
    text = (FIXTURES / "text" / "001_c3a80bbbadbc5020.txt").read_text(encoding="utf-8")
    zero = text.replace("Khall 05.12.2023 § 451", "Khall 05.12.2023 § 0")
    assert zero != text
    found = extract_document(document(zero.encode(), "minutes.txt"))
    assert found.items[0].section is None
    assert "impossible_section" in [p.reason for p in found.problems]


def test_an_earlier_handling_never_has_section_0() -> None:
    real = (FIXTURES / ESPOO_PAGE).read_bytes()
    zero = real.replace(b">105 \xa7<", b">0 \xa7<")
    assert zero != real
    (item,) = extract(fixture_document(ESPOO_PAGE, zero))
    assert item.section == 127
    assert all(h.section != 0 for h in item.earlier_handlings)


@pytest.mark.parametrize("count", [True, False, -1, 2**31, 2**70, "8", 8.5])
def test_an_ahjo_vote_count_that_is_no_count_is_null(count: object) -> None:
    # True was kept as a count, 2**70 does not fit the warehouse's INTEGER.
    decision = json.loads(AHJO.read_text(encoding="utf-8"))
    decision["VotingResults"][0]["Ayes"] = count
    (vote,) = extracted(decision, "decision.json").items[0].votes
    assert vote.for_ is None and vote.against == 7


@pytest.mark.parametrize("title", ["", " ", "\n\t"])
def test_a_blank_title_is_null_not_empty(title: str) -> None:
    decision = json.loads(AHJO.read_text(encoding="utf-8"))
    decision["Title"] = title
    assert extracted(decision, "decision.json").items[0].title is None


@pytest.mark.parametrize("article", ["²", "①", "12a"])
def test_a_casem_article_that_is_not_digits_gives_no_section(article: str) -> None:
    # "²".isdigit() is True, int("²") a ValueError.
    envelope = casem_envelope()
    for prop in envelope["value"]:
        if prop["Name"] == "Article":
            prop["Text"] = article
    assert extracted(envelope, "contents_57.json").items[0].section is None


@pytest.mark.parametrize(
    ("path", "edit"),
    [
        (
            "ahjo/decision_hel_2020_013928.json",
            lambda v: v.__setitem__("Title", "\ud800"),
        ),
        (
            "casem/contents_57_extended_properties.json",
            lambda v: v["value"][0].__setitem__("Text", "a\udfffb"),
        ),
    ],
)
def test_a_lone_surrogate_escaped_in_json_becomes_a_replacement_character(
    path: str, edit
) -> None:
    # '\ud800' reached the record: no UTF-8 holds it (UnicodeEncodeError when the
    # record is printed or loaded).
    value = json.loads((FIXTURES / path).read_text(encoding="utf-8-sig"))
    edit(value)
    found = extracted(value, path)  # json.dumps escapes it as "\ud800"
    record = json.dumps(found.items[0].to_dict(), ensure_ascii=False)
    assert "\ufffd" in record
    record.encode("utf-8")

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

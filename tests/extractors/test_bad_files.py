"""Files that cannot be read get a precise reason, never a traceback or a vague one."""

from __future__ import annotations

import re

import pytest

from extractors import ExtractionError, extract
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

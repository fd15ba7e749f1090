"""One pathological document ends with a reason (too_slow) instead of holding the
run: the time limit is checked between PDF pages and between items."""

from __future__ import annotations

import pytest

import extractors
from extractors import ExtractionError, budget
from models.ids import sha256_hex
from models.records import Document
from tests.conftest import FIXTURES

pytestmark = pytest.mark.fault("time limit")


def document(path: str) -> Document:
    data = (FIXTURES / path).read_bytes()
    return Document(uri=path, data=data, sha256=sha256_hex(data))


@pytest.mark.parametrize(
    "path", ["tweb/vantaa_kh_2017-03-20_10.pdf", "text/several_items.txt"]
)
def test_past_the_time_limit_the_document_is_too_slow(path: str) -> None:
    doc = document(path)
    assert extractors.extract_document(doc, time_limit=None).items
    with pytest.raises(ExtractionError) as slow:
        extractors.extract_document(doc, time_limit=0.0)
    assert slow.value.reason == "too_slow"
    assert "more than 0 s" in slow.value.detail


def test_the_limit_ends_with_its_document() -> None:
    with budget.time_limit(0.0), pytest.raises(ExtractionError):
        budget.check()
    budget.check()  # outside: no limit

"""CaseM ExtendedProperties JSON (Tampere, Yhdyskuntalautakunta, Kokous 5.9.2016)."""

from __future__ import annotations

import pytest

from extractors import ExtractionError, extract_document
from extractors.platforms import casem, layout_for
from tests.extractors.platform_cases import CASEM_META, document, golden, records

CONTENTS = [n for n in range(57, 70) if n != 66]


def name(content: int) -> str:
    """The fixture file of one content id."""
    return f"contents_{content}_extended_properties.json"


def record_of(content: int) -> dict:
    """The one record of a content, with the listing's meta."""
    (record,) = records("casem", name(content), municipality="Tampere", meta=CASEM_META)
    return record


@pytest.mark.parametrize("content", CONTENTS)
def test_matches_golden(content: int) -> None:
    assert [record_of(content)] == golden("casem", name(content))


def test_layout_is_casem() -> None:
    assert layout_for(document("casem", name(60))) is casem


@pytest.mark.parametrize(
    ("content", "outcome"),
    [(61, "returned"), (67, "elected"), (60, "approved"), (64, "noted")],
)
def test_outcomes(content: int, outcome: str) -> None:
    assert record_of(content)["outcome"] == outcome


def test_fields_of_60() -> None:
    record = record_of(60)
    assert (record["body"], record["meeting_date"]) == (
        "Yhdyskuntalautakunta",
        "2016-09-05",
    )
    assert record["section"] == 10  # Article: no printed § in the JSON or meta
    assert record["diary_number"] == "TRE:6985/10.03.02/2014"
    assert record["title"].startswith("Oikaisuvaatimus suunnittelupäällikön")
    assert record["presenter"] == {
        "name": "Ari Vandell",
        "title": "suunnittelupäällikkö",
    }
    assert record["proposal"].startswith("Yhdyskuntalautakunta päättää,")
    assert "oikaisuvaatimus hylätään" in record["proposal"]
    assert record["decision"] == "Päätösehdotus hyväksyttiin."
    assert record["preparers"][0]["name"] == "Pasi Palmu"
    assert record["preparers"][0]["email"] is None  # placeholder address
    assert len(record["attachments"]) == 6


def test_presenter_from_proposal_lead_not_presenters_field() -> None:
    assert record_of(64)["presenter"]["name"] == "Taru Hurme"
    assert record_of(61)["presenter"] == {
        "name": "Petri Kantola",
        "title": "vs. rakennuttamispäällikkö",
    }
    assert record_of(57)["presenter"] == {"name": None, "title": "puheenjohtaja"}


def test_meta_section_wins_over_article() -> None:
    meta = {**CASEM_META, "section": "256"}
    (record,) = records("casem", name(64), meta=meta)
    assert record["section"] == 256


def test_fallbacks_without_meta() -> None:
    # Partial beats nothing: without its listing the item is kept, the meeting date
    # null (a warning says so), § and title from the JSON, the body its proposal's.
    doc = document("casem", name(60), meta={})
    extraction = extract_document(doc)
    (item,) = extraction.items
    assert (item.meeting_date, item.section) == (None, 10)  # its Article
    assert item.body == "Yhdyskuntalautakunta"  # the proposal's subject
    assert [p.reason for p in extraction.problems] == ["missing_meeting_date"]


def test_attendance_only_content_has_no_item() -> None:
    with pytest.raises(ExtractionError, match="no_items"):
        records("casem", name(66), meta=CASEM_META)

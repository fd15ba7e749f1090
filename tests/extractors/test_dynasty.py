"""Dynasty item pages: Espoo minutes § 127, an Espoo agenda item, Dynasty 10 shape."""

from __future__ import annotations

import pytest

from extractors.platforms import dynasty, layout_for
from tests.extractors.platform_cases import document, golden, records

NAMES = ["2017406946-3.HTM", "2017409886-4.HTM", "d10_synthetic_meetingitem.html"]


@pytest.mark.parametrize("name", NAMES)
def test_matches_golden(name: str) -> None:
    assert records("dynasty", name) == golden("dynasty", name)


def test_meeting_page_is_not_an_item_page() -> None:
    meeting = document("dynasty", "2017406946.HTM")
    assert not dynasty.matches(meeting)
    assert layout_for(document("dynasty", NAMES[0])) is dynasty


def test_minutes_header_diary_and_title() -> None:
    (record,) = records("dynasty", NAMES[0])
    assert (record["body"], record["meeting_date"]) == (
        "Kaupunginhallitus",
        "2017-05-08",
    )
    assert (record["section"], record["doc_kind"]) == (127, "minutes")
    assert record["diary_number"] == "730/00.01.01.00/2017"
    assert record["title"].startswith("Espoon kaupungin hallintosäännön hyväksyminen")


def test_minutes_people() -> None:
    (record,) = records("dynasty", NAMES[0])
    assert record["presenter"] == {"name": "Jukka Mäkelä", "title": "kaupunginjohtaja"}
    assert len(record["preparers"]) == 10
    assert record["preparers"][0] == {
        "name": "Riitta-Liisa Kammonen",
        "title": None,
        "phone": "050 597 0956",
        "email": None,
    }
    assert record["preparers"][-1]["name"] == "Timo Kuismin"


def test_minutes_amended_with_five_votes() -> None:
    (record,) = records("dynasty", NAMES[0])
    assert record["outcome"] == "amended"
    assert record["voted"] is True
    counts = [(v["for"], v["against"], v["blank"]) for v in record["votes"]]
    assert counts == [
        (9, 6, None),
        (11, 3, 1),
        (8, 7, None),
        (10, 5, None),
        (10, 1, None),
    ]


def test_minutes_proposal_and_decision_without_history() -> None:
    (record,) = records("dynasty", NAMES[0])
    assert record["proposal"].startswith("Kaupunginhallitus ehdottaa, että valtuusto")
    assert record["decision"].startswith("Kaupunginhallitus ehdottaa, että valtuusto")
    assert record["decision"].endswith("syyskuun loppuun mennessä.")
    for text in (record["proposal"], record["decision"]):
        assert "lukuun ottamatta III osan" not in text  # the tabled 10.4.2017 version
        assert "pöydälle" not in text
        assert "Kaupunginhallitus:" not in text


def test_windows_1252_quotes() -> None:
    (block,) = dynasty.split_items(document("dynasty", NAMES[0])).blocks
    assert "”Varhaiskasvatusjaoston" in block.text
    assert "\x94" not in block.text


def test_agenda_item_has_no_section_or_decision() -> None:
    (record,) = records("dynasty", NAMES[1])
    assert (record["meeting_date"], record["section"]) == ("2017-05-29", None)
    assert record["doc_kind"] == "agenda"
    assert (record["decision"], record["outcome"]) == (None, None)
    assert record["diary_number"] == "5316/00.01.01/2016"
    assert record["proposal"].startswith("Kaupunginhallitus ehdottaa, että valtuusto")
    # The page's own attachment list (Liitteet, linking -4-1.PDF) is read; the Word
    # text's Oheismateriaali (background material) is not an attachment.
    assert record["attachments"] == ["Valtuustoaloite 12.12.2016"]


def test_dynasty10_shape() -> None:
    (record,) = records("dynasty", NAMES[2])
    assert (record["body"], record["section"]) == ("Aluehallitus", 198)
    assert record["presenter"] == {"name": None, "title": "hyvinvointialuejohtaja"}
    assert [p["name"] for p in record["preparers"]] == [
        "Pekka Virtanen",
        "Anna Esimerkki",
    ]
    assert record["outcome"] == "amended"
    assert "pöydälle" not in record["decision"]

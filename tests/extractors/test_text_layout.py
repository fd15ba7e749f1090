"""The plain-text layout: several items in a row, sections, quarantine reasons."""

from __future__ import annotations

import pytest

from extractors import ExtractionError, extract, extract_document, sections
from extractors.lines import text_lines
from models.ids import sha256_hex
from models.records import Document
from models.vocab import Section
from tests.conftest import FIXTURES


def extract_bytes(data: bytes, uri: str = "x.txt", municipality: str | None = None):
    return extract(
        Document(uri=uri, data=data, sha256=sha256_hex(data), municipality=municipality)
    )


@pytest.fixture(scope="module")
def several():
    data = (FIXTURES / "text" / "several_items.txt").read_bytes()
    return extract_bytes(data, "several_items.txt", "Kittilä")


def test_several_items_in_document_order(several) -> None:
    assert [item.section for item in several] == [1, 5, 6, 7]
    assert [item.title for item in several] == [
        "Kokouksen laillisuus ja päätösvaltaisuus",
        "Levin keskustan asemakaavan muutos, kortteli 12",
        "Talousarvion 2024 täytäntöönpano-ohjeet",
        "Kittilän kunnan liikuntapaikkojen käyttövuorot",
    ]
    assert {item.meeting_date for item in several} == {"2024-01-16"}


def test_each_item_keeps_only_its_own_text(several) -> None:
    first, tabled, voted, returned = several
    assert first.diary_number is None
    assert first.preparers == ()
    assert first.decision == "Kunnanjohtajan esitys hyväksyttiin."
    assert tabled.diary_number == "312/10.02.03/2023"
    assert (
        tabled.decision == "Kunnanhallitus päätti yksimielisesti jättää asian pöydälle."
    )
    assert returned.decision == "Asia palautettiin uudelleen valmisteltavaksi."


def test_outcomes_votes_conflicts(several) -> None:
    assert [item.outcome for item in several] == [
        "approved",
        "tabled",
        "approved",
        "returned",
    ]
    voted = several[2]
    assert voted.voted and [(v.for_, v.against) for v in voted.votes] == [(6, 3)]
    assert voted.disqualified == ("Pekka Hietala",)
    assert voted.attachments == ("Liite 1 Talousarvion 2024 täytäntöönpano-ohjeet",)
    assert not any(item.voted for item in several if item is not voted)


def test_preparer_contacts(several) -> None:
    (preparer,) = several[1].preparers
    assert (preparer.name, preparer.title) == ("Sari Mäkelä", "kaavoitusarkkitehti")
    assert (preparer.phone, preparer.email) == (
        "040 555 0123",
        "sari.makela@kittila.fi",
    )


def test_municipality_from_config_wins(several) -> None:
    assert {item.municipality for item in several} == {"Kittilä"}


def test_sections_split_people_from_explanation() -> None:
    text_ = "Valmistelija\n\nKunnanjohtaja Timo Kurula\n\nSelitys.\n\nPäätös\n\nHyväksyttiin.\n"
    found = sections.section_texts(sections.group(text_lines(text_)))
    assert found[Section.PREPARERS] == "Kunnanjohtaja Timo Kurula"
    assert found[Section.EXPLANATION] == "Selitys."
    assert found[Section.DECISION] == "Hyväksyttiin."


def test_agenda_item_without_decision() -> None:
    data = "# Otsikko\n\nKhall 05.12.2023 § 4\n\nPäätösehdotus\n\nKunnanhallitus päättää X.\n"
    (item,) = extract_bytes(data.encode())
    assert (item.doc_kind, item.decision, item.outcome) == ("agenda", None, None)


def test_text_without_items_is_an_error_with_a_reason() -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_bytes("Tämä ei ole pöytäkirja.".encode())
    assert caught.value.reason == "no_items"


def test_unsupported_format_is_an_error_with_a_reason() -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_bytes(b"\x00\x01binary", uri="x.bin")
    assert caught.value.reason == "unsupported_format"


def test_two_line_diary_number() -> None:
    data = "# Otsikko\n\nKh 05.12.2023 § 4\n5316/2024\n00.01.01\n\nEsittelijä\n\nKunnanjohtaja Timo Kurula\n"
    (item,) = extract_bytes(data.encode())
    assert item.diary_number == "5316/00.01.01/2024"


def test_an_impossible_date_is_null_with_a_warning_and_never_merges_items() -> None:
    data = (
        "# Eka\n\nKhall 05.12.2023 § 4\n\nPäätösehdotus\n\nKunnanhallitus päättää"
        " hyväksyä A.\n\nPäätös\n\nHyväksyttiin.\n\n# Toka\n\nKhall 31.02.2023 § 5\n\n"
        "Valmistelija\n\nKunnanjohtaja Timo Kurula\n\nPäätös\n\nAsia palautettiin"
        " uudelleen valmisteltavaksi.\n"
    )
    document = Document(uri="x.txt", data=data.encode(), sha256="x")
    found = extract_document(document)
    first, second = found.items
    assert (first.section, first.outcome, first.preparers) == (4, "approved", ())
    assert (second.section, second.meeting_date, second.outcome) == (
        5,
        None,
        "returned",
    )
    assert [p.reason for p in found.problems] == [
        "impossible_date",
        "missing_meeting_date",
    ]


@pytest.mark.parametrize(
    ("text_", "decision"),
    [
        (
            "Puheenjohtajaksi valittiin Anna Rova.",
            "Puheenjohtajaksi valittiin Anna Rova.",
        ),
        ("Till ordförande valdes Anna Rova.", "Till ordförande valdes Anna Rova."),
        ("Puheenjohtaja avaa kokouksen.", None),
    ],
)
def test_unlabelled_past_tense_is_a_decision_when_the_kind_is_unknown(
    text_, decision
) -> None:
    """No kind printed: '… valittiin X' tells what was decided; the present tense does not."""
    data = f"§ 12 Puheenjohtajan valinta\n\n{text_}\n\n§ 13 Muut asiat\n\nEi muita asioita.\n"
    first = extract_bytes(data.encode())[0]
    assert first.decision == decision

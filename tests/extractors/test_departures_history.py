"""Departures (conflicts of interest, leaving the meeting) fi/sv, earlier handlings per
layout, and field provenance."""

from __future__ import annotations

import pytest

from extractors import extract
from extractors.blocks import ItemBlock
from extractors.departures import departures
from extractors.history import earlier_handlings
from extractors.provenance import find_span
from models.records import Departure, EarlierHandling
from models.vocab import Section
from tests.extractors.platform_cases import CASEM_META, document


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Pekka Hietala ilmoitti olevansa esteellinen (hallintolaki 28 § 1 mom. 5"
            " kohta) eikä osallistunut asian käsittelyyn.",
            [Departure("Pekka Hietala", "hallintolaki 28 § 1 mom. 5 kohta", True)],
        ),
        (
            "Jäsen Matti Virtanen ilmoitti olevansa jäävi eikä osallistunut asian"
            " käsittelyyn.",
            [Departure("Matti Virtanen", None, True)],
        ),
        (
            "Liisa Laine poistui kokouksesta esteellisenä (jäävi).",
            [Departure("Liisa Laine", "jäävi", True)],
        ),
        (
            "Ahponen ja Heinonen poistuivat kokouksesta keskustelun jälkeen klo 16.45.",
            [
                Departure("Ahponen", "keskustelun jälkeen klo 16.45", False),
                Departure("Heinonen", "keskustelun jälkeen klo 16.45", False),
            ],
        ),
        (
            "Esityksen jälkeen kokouksesta poistuivat myös jäsen Kalle Hyötynen.",
            [Departure("Kalle Hyötynen", None, False)],
        ),
        ("Pertti Pieni saapui kokoukseen klo 10.33.", []),
    ],
)
def test_finnish_departures(text: str, expected: list[Departure]) -> None:
    assert departures(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ledamot Karl Holm anmälde jäv och deltog inte i behandlingen.",
            [Departure("Karl Holm", None, True)],
        ),
        (
            "Anna Berg anmälde jäv (förvaltningslagen 28 § 1 mom. 2 punkten).",
            [Departure("Anna Berg", "förvaltningslagen 28 § 1 mom. 2 punkten", True)],
        ),
        (
            "Erik Ek avlägsnade sig från sammanträdet kl. 19.30.",
            [Departure("Erik Ek", "kl. 19.30", False)],
        ),
    ],
)
def test_swedish_departures(text: str, expected: list[Departure]) -> None:
    assert departures(text) == expected


def test_disqualified_are_the_conflicts() -> None:
    (item,) = extract(
        document("casem", "contents_64_extended_properties.json", meta=CASEM_META)
    )
    assert [d.name for d in item.departures][:2] == ["Ahponen", "Heinonen"]
    assert not any(d.conflict for d in item.departures) and item.disqualified == ()


def block(text: str, **kw) -> ItemBlock:
    values = {
        "header": "",
        "body_printed": "Kaupunginhallitus",
        "meeting_date": "2017-05-08",
        "section": 127,
        "text": text,
    }
    return ItemBlock(**{**values, **kw})


def test_espoo_history_row_and_title_suffix_are_one_handling() -> None:
    found = earlier_handlings(
        block(
            "Kaupunginhallitus 105 § 10.4.2017\n\n§ 127\nOtsikko",
            title="Otsikko (Pöydälle 10.4.2017)",
        ),
        "Kaupunginhallitus",
    )
    assert found == [EarlierHandling("Kaupunginhallitus", "2017-04-10", 105)]


def test_own_section_is_never_an_earlier_handling() -> None:
    text = "Kaupunginhallitus 8.5.2017 § 127\nKaupunginhallitus 10.4.2017 § 105"
    assert earlier_handlings(block(text), "Kaupunginhallitus") == [
        EarlierHandling("Kaupunginhallitus", "2017-04-10", 105)
    ]


def test_swedish_handling_lines() -> None:
    text = "Tidigare behandling:\nPersonalsektionen 22.10.2022, 52 §\nText."
    found = earlier_handlings(block(text), "Stadsstyrelsen")
    assert found == [EarlierHandling("Personalsektionen", "2022-10-22", 52)]


def test_oulu_caption_genitive_and_history_paragraph() -> None:
    sections = {Section.HISTORY: "Sivistys- ja kulttuurilautakunta 25.2.2016 § 32"}
    text = "Päätöshistoria\nKaupunginhallituksen\nkäsittely\nTiivistelmä"
    found = earlier_handlings(block(text, sections=sections), "Kaupunginvaltuusto")
    assert found == [
        EarlierHandling("Sivistys- ja kulttuurilautakunta", "2016-02-25", 32),
        EarlierHandling("Kaupunginhallitus", None, None),
    ]


def test_blocks_of_one_text_differ_by_what_else_they_hold() -> None:
    """The last blocks' handlings are kept (record and provenance ask alike): two
    blocks of one text but another own §, history or body each get their own."""
    text = "Kaupunginhallitus 8.5.2017 § 127\nKaupunginhallitus 10.4.2017 § 105"
    own = EarlierHandling("Kaupunginhallitus", "2017-05-08", 127)  # the other's
    earlier = EarlierHandling("Kaupunginhallitus", "2017-04-10", 105)
    assert earlier_handlings(block(text), "Kaupunginhallitus") == [earlier]
    other = block(text, meeting_date="2017-04-10", section=105)
    assert earlier_handlings(other, "Kaupunginhallitus") == [own]
    history = {Section.HISTORY: "Tekninen lautakunta 3.4.2017 § 12"}
    assert earlier_handlings(block(text, sections=history), "Kaupunginhallitus") == [
        EarlierHandling("Tekninen lautakunta", "2017-04-03", 12),
        earlier,
    ]
    tabled = {Section.EXPLANATION: "Pöydältä 21.3.2017 § 84."}
    assert earlier_handlings(block("x", sections=tabled), "Kaupunginhallitus") != (
        earlier_handlings(block("x", sections=tabled), "Tekninen lautakunta")
    )


def test_tabled_from_in_own_text_is_this_body() -> None:
    sections = {Section.EXPLANATION: "Pöydältä 21.3.2017 § 84."}
    found = earlier_handlings(block("x", sections=sections), "Kaupunginhallitus")
    assert found == [EarlierHandling("Kaupunginhallitus", "2017-03-21", 84)]


def test_turku_rows_from_the_handlings_table() -> None:
    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))
    assert [(h.meeting_date, h.section) for h in item.earlier_handlings] == [
        ("2017-03-21", 84),
        ("2017-03-28", 108),
        ("2017-04-11", 119),
        ("2017-04-26", 132),
    ]


def test_provenance_methods_and_spans() -> None:
    (item,) = extract(document("turku", "turku_kh_2017-02-05-195.htm"))
    text = document("turku", "turku_kh_2017-02-05-195.htm")
    sources = {s.field: s for s in item.extra["provenance"]}
    assert sources["outcome"].method == "outcome_phrase:tabled"
    assert sources["body"].method == "layout_full_name"
    assert sources["diary_number"].method == "diary_line"
    assert sources["title"].span is not None
    assert "provenance" not in item.to_dict() and text


def test_voikko_name_order_is_recorded() -> None:
    (item,) = extract(document("dynasty", "d10_synthetic_meetingitem.html"))
    sources = {s.field: s for s in item.extra["provenance"]}
    assert sources["preparers[0].name"].method == "voikko_name_order"


def test_find_span_ignores_whitespace() -> None:
    assert find_span("a  Kunnan\nhallitus päättää", "Kunnan hallitus") == (3, 18)

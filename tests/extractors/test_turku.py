"""Turku static item page: Kh § 195 on 2 May 2017, after four Ksylk handlings."""

from __future__ import annotations

from extractors.platforms import layout_for, turku
from tests.extractors.platform_cases import document, golden, records

NAME = "turku_kh_2017-02-05-195.htm"


def test_matches_golden() -> None:
    assert records("turku", NAME) == golden("turku", NAME)


def test_layout_is_turku() -> None:
    assert layout_for(document("turku", NAME)) is turku


def test_header_fields() -> None:
    (record,) = records("turku", NAME)
    assert (record["body"], record["body_abbrev"]) == ("Kaupunginhallitus", "Kh")
    assert (record["meeting_date"], record["section"]) == ("2017-05-02", 195)
    assert (record["diary_number"], record["diary_class"]) == ("3720-2013 (611)", "611")
    assert record["title"] == "Satava-Kakskerran osayleiskaavaluonnos"
    assert record["municipality"] == "Turku"


def test_current_block_only() -> None:
    (record,) = records("turku", NAME)
    assert record["presenter"] == {
        "name": "Aleksi Randell",
        "title": "kaupunginjohtaja",
    }
    assert record["proposal"].startswith("Kaupunginhallitus päättää hyväksyä 26.4.2017")
    assert record["decision"].startswith("Asia pantiin pöydälle Pietarin Eklundin")
    assert record["outcome"] == "tabled"
    assert (record["voted"], record["votes"]) == (False, [])  # Ksylk § 132 voted
    assert record["preparers"] == []  # the Kh handling names no preparer
    assert len(record["attachments"]) == 2
    assert "Kaupunkisuunnittelu- ja ympäristölautakunta" not in record["proposal"]

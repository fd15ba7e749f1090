"""One small test per field parser."""

from __future__ import annotations

import pytest

from extractors import fields


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Khall 05.12.2023 § 451  ", ("Khall", "2023-12-05", 451)),
        ("Hyvinvlt 23.05.2024 § 37", ("Hyvinvlt", "2024-05-23", 37)),
        ("Teklupaj 12.12.2022 § 86", ("Teklupaj", "2022-12-12", 86)),
        ("Kaupunginhallitus 20.3.2017 § 10", ("Kaupunginhallitus", "2017-03-20", 10)),
        ("Välfärdsnämnden 15.9.2022, 42 §", ("Välfärdsnämnden", "2022-09-15", 42)),
    ],
)
def test_header_lines(line: str, expected: tuple[str, str, int]) -> None:
    header = fields.parse_header(line)
    assert header is not None
    assert (header.body_printed, header.meeting_date, header.section) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Kunnanhallitus päättää, että 5 § muutetaan.",
        "Khall 31.02.2023 § 4",  # no such date
        "Kh 20.2.2017 § 53 hyväksyi esityksen",
        "21/00.00.01/2023",
    ],
)
def test_not_header_lines(line: str) -> None:
    assert fields.parse_header(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("21/00.00.01/2023", "21/00.00.01/2023"),
        ("Dnro 45/02.05.01/2024", "45/02.05.01/2024"),
        ("Dno OUKA/1472/02.02.02/2017", "OUKA/1472/02.02.02/2017"),
        ("TRE:6985/10.03.02/2014", "TRE:6985/10.03.02/2014"),
        ("359/11.01.00.01/2022", "359/11.01.00.01/2022"),
        ("3700/11.01.00  /2011", "3700/11.01.00/2011"),
        ("2751/10.02.03 / 2015", "2751/10.02.03/2015"),
        ("ROIDno-2021-4378", "ROIDno-2021-4378"),
        ("HEL 2020-013928", "HEL 2020-013928"),
        ("3720-2013 (611)", "3720-2013 (611)"),
        ("HEL 2018-012640 T 00 01 01", "HEL 2018-012640 T 00 01 01"),
        ("13710-2021 (00 01 02, 06 00 00)", "13710-2021 (00 01 02, 06 00 00)"),
        ("Valmistelija", None),
        ("KN/PM/PH/HY-L", None),
        (None, None),
    ],
)
def test_diary_numbers(line: str | None, expected: str | None) -> None:
    assert fields.diary_number(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("21/00.00.01/2023", "00.00.01"),
        ("Dno OUKA/1472/02.02.02/2017", "02.02.02"),
        ("TRE:6985/10.03.02/2014", "10.03.02"),
        ("359/11.01.00.01/2022", "11.01.00.01"),
        ("3700/11.01.00  /2011", "11.01.00"),
        ("730/00.01.01.00/2017", "00.01.01.00"),
        ("3720-2013 (611)", "611"),
        ("826-2025 (00 01 01)", "00 01 01"),
        ("13710-2021 (00 01 02, 06 00 00)", "00 01 02, 06 00 00"),
        ("ROIDno-2021-4378", None),
        ("HEL 2020-013928", None),
        ("HEL 2018-012640 T 00 01 01", "00 01 01"),
        ("Valmistelija", None),
        (None, None),
    ],
)
def test_diary_classes(line: str | None, expected: str | None) -> None:
    assert fields.diary_class(line) == expected


def test_split_diary_number_keeps_its_class() -> None:
    joined = fields.joined_diary("730/2017", "00.01.01.00")
    assert fields.diary_number(joined) == "730/00.01.01.00/2017"
    assert fields.diary_class(joined) == "00.01.01.00"


@pytest.mark.parametrize(
    ("printed", "text", "proposal", "expected"),
    [
        ("Khall", "", None, ("Kunnanhallitus", "Khall")),
        ("Hyvinvlt", "", None, ("Hyvinvointilautakunta", "Hyvinvlt")),
        ("Kh", "Kittilän kunnan asia", None, ("Kunnanhallitus", "Kh")),
        ("Kh", "Turun kaupungin asia", None, ("Kaupunginhallitus", "Kh")),
        ("Ympjao", "", "Ympäristöjaosto päättää, että", ("Ympäristöjaosto", "Ympjao")),
        ("Kaupunginhallitus", "", None, ("Kaupunginhallitus", None)),
        ("Zzz", "", "Asia merkitään tiedoksi.", ("Zzz", "Zzz")),
    ],
)
def test_body_expansion(
    printed: str, text: str, proposal: str | None, expected: tuple[str, str | None]
) -> None:
    assert fields.expand_body(printed, text, proposal) == expected


def test_municipality_from_text() -> None:
    assert (
        fields.municipality("Hallitus päättää, että Kittilän kunta osallistuu")
        == "Kittilä"
    )
    assert fields.municipality("Lapin hyvinvointialue hakee rahoitusta") is None


def test_decode_text_falls_back_from_utf8() -> None:
    text = "Päätös: esitys hyväksyttiin yksimielisesti ja pöytäkirja tarkastettiin."
    assert fields.decode_text(text.encode("utf-8")) == text
    assert fields.decode_text(text.encode("cp1252")) == text


def test_language() -> None:
    assert fields.language("Beslut: Förslaget godkändes. Beredning: Nämnden") == "sv"
    assert fields.language("Päätös: Esitys hyväksyttiin.") == "fi"


def test_language_by_function_words() -> None:
    text = "Beslutsförslag\n\nStadsstyrelsen godkänner detaljplanen och föreslår att"
    assert fields.language(text) == "sv"
    assert fields.language("Kunnanhallitus päättää, että asia on valmis ja se") == "fi"

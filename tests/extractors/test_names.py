"""People lines: title, name order (Voikko), phone and e-mail."""

from __future__ import annotations

import pytest

from extractors import names
from models.records import Person, Presenter


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Kunnanjohtaja Timo Kurula 0405957597",
            Person("Timo Kurula", "kunnanjohtaja", "0405957597", None),
        ),
        (
            "Hyvinvointikoordinaattori Luukko Emma",
            Person("Emma Luukko", "hyvinvointikoordinaattori"),
        ),
        (
            "konsernicontroller Jaana Niemelä, puh. 050 597 0956, jaana.niemela@espoo.fi",
            Person(
                "Jaana Niemelä",
                "konsernicontroller",
                "050 597 0956",
                "jaana.niemela@espoo.fi",
            ),
        ),
        (
            "Hallintojohtaja Jouni J. Särkijärvi",
            Person("Jouni J. Särkijärvi", "hallintojohtaja"),
        ),
        (
            "Kaavoitusarkkitehti Mäkelä Sari",
            Person("Sari Mäkelä", "kaavoitusarkkitehti"),
        ),
    ],
)
def test_parse_person(line: str, expected: Person) -> None:
    assert names.parse_person(line) == expected


def test_presenter_name_order_and_lower_case_title() -> None:
    assert names.parse_presenter(
        "Vs. sivistystoimenjohtaja Kinnunen Petteri"
    ) == Presenter("Petteri Kinnunen", "vs. sivistystoimenjohtaja")
    assert names.parse_presenter("Kunnanjohtaja Kurula Timo") == Presenter(
        "Timo Kurula", "kunnanjohtaja"
    )


def test_presenter_can_be_an_organ() -> None:
    assert names.parse_presenter("Kunnanhallitus") == Presenter(None, "Kunnanhallitus")


def test_presenter_missing() -> None:
    assert names.parse_presenter(None) is None
    assert names.parse_presenter("  ") is None


def test_given_name_first_is_kept() -> None:
    assert names.ordered_name(["Timo", "Kurula"]) == "Timo Kurula"
    assert names.ordered_name(["Kurula", "Timo"]) == "Timo Kurula"

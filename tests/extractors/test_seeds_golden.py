"""The two real Kittilä seeds extract exactly to their hand-checked golden records."""

from __future__ import annotations

import json

import pytest

from extractors import EXTRACTOR_VERSION, extract
from models.ids import sha256_hex
from models.records import Document
from tests.conftest import FIXTURES, GOLDEN

SEEDS = ["000_329cfe2fbe6e7b57.txt", "001_c3a80bbbadbc5020.txt"]


def records_of(name: str) -> list[dict]:
    """Records of one text fixture, with a stable uri."""
    data = (FIXTURES / "text" / name).read_bytes()
    document = Document(uri=f"seeds/{name}", data=data, sha256=sha256_hex(data))
    return [item.to_dict() for item in extract(document)]


@pytest.mark.parametrize("name", SEEDS)
def test_seed_matches_golden(name: str) -> None:
    golden = json.loads((GOLDEN / name.replace(".txt", ".json")).read_text("utf-8"))
    golden["source"]["extractor_version"] = EXTRACTOR_VERSION
    assert records_of(name) == [golden]


def test_seed_001_fields_named_in_the_issue() -> None:
    (record,) = records_of(SEEDS[1])
    assert (record["body"], record["body_abbrev"]) == ("Kunnanhallitus", "Khall")
    assert (record["meeting_date"], record["section"]) == ("2023-12-05", 451)
    assert record["diary_number"] == "21/00.00.01/2023"
    assert record["presenter"] == {"name": "Timo Kurula", "title": "kunnanjohtaja"}
    assert record["preparers"] == [
        {
            "name": "Timo Kurula",
            "title": "kunnanjohtaja",
            "phone": "0405957597",
            "email": None,
        }
    ]
    assert record["outcome"] == "approved"
    assert record["decision"].startswith("Kunnanjohtajan esitys hyväksyttiin.")


def test_seed_000_fields_named_in_the_issue() -> None:
    (record,) = records_of(SEEDS[0])
    assert (record["body"], record["body_abbrev"]) == (
        "Hyvinvointilautakunta",
        "Hyvinvlt",
    )
    assert (record["meeting_date"], record["section"]) == ("2024-05-23", 37)
    assert record["diary_number"] == "272/00.04.02/2024"
    assert record["presenter"] == {
        "name": "Petteri Kinnunen",
        "title": "vs. sivistystoimenjohtaja",
    }
    assert [p["name"] for p in record["preparers"]] == ["Emma Luukko"]
    assert record["preparers"][0]["title"] == "hyvinvointikoordinaattori"
    assert record["proposal"].startswith("Hyvinvointilautakunta päättää, että Kittilän")
    assert record["outcome"] == "approved"

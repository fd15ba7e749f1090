"""Helsinki Ahjo decision JSON (synthetic, in the reported API shape)."""

from __future__ import annotations

import json

from extractors import extract
from extractors.platforms import ahjo
from models.ids import sha256_hex
from models.records import Document, Vote
from tests.conftest import FIXTURES

DECISION = FIXTURES / "ahjo" / "decision_hel_2020_013928.json"


def document(data: bytes, meta: dict[str, str] | None = None) -> Document:
    return Document(uri="d.json", data=data, sha256=sha256_hex(data), meta=meta or {})


def test_decision_fields() -> None:
    (item,) = extract(document(DECISION.read_bytes()))
    assert (item.body, item.meeting_date, item.section) == (
        "Kaupunginhallitus",
        "2023-03-20",
        10,
    )
    assert item.diary_number == "HEL 2020-013928"
    assert item.proposal.startswith("Kaupunginhallitus päättää antaa")
    assert item.decision.startswith("Kaupunginhallitus päätti palauttaa")
    assert item.outcome == "returned"
    assert (item.presenter.name, item.presenter.title) == (
        "Juhana Vartiainen",
        "kaupunginjohtaja",
    )
    assert item.voted
    assert item.votes == (Vote(8, 7, 0, 0, "Palautusehdotus", kind="side"),)
    assert [(p.name, p.title, p.phone) for p in item.preparers] == [
        ("Liisa Lisätieto", "suunnittelija", "09 310 12345")
    ]


def test_listing_context_wins_over_the_decision() -> None:
    meta = {"body": "Kaupunginhallitus", "meeting_date": "2023-03-21", "section": "11"}
    (item,) = extract(document(DECISION.read_bytes(), meta))
    assert (item.meeting_date, item.section) == ("2023-03-21", 11)


def test_other_json_is_not_ahjo() -> None:
    assert not ahjo.matches(document(b'{"value": []}'))
    assert not ahjo.matches(document(b"[1, 2]"))
    assert ahjo.matches(document(DECISION.read_bytes()))


def test_without_votes_no_vote() -> None:
    value = json.loads(DECISION.read_text("utf-8"))
    value["VotingResults"] = []
    value["Content"] = "<h3>Päätös</h3><p>Esitys hyväksyttiin.</p>"
    (item,) = extract(document(json.dumps(value).encode()))
    assert (item.voted, item.votes, item.outcome) == (False, (), "approved")

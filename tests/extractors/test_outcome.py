"""Outcome classes, votes and conflicts of interest from decision text."""

from __future__ import annotations

import pytest

from extractors import departures, outcome, votes
from models.records import Vote
from models.vocab import Outcome


@pytest.mark.parametrize(
    ("decision", "proposal", "expected"),
    [
        ("Esitys hyväksyttiin.", None, Outcome.APPROVED),
        ("Kunnanjohtajan esitys hyväksyttiin.", None, Outcome.APPROVED),
        (
            "Aluehallitus hyväksyi päätösehdotuksen yksimielisesti.",
            None,
            Outcome.APPROVED,
        ),
        (
            "Kaupunginhallitus jätti asian yksimielisesti pöydälle.",
            None,
            Outcome.TABLED,
        ),
        ("Asia palautettiin uudelleen valmisteltavaksi.", None, Outcome.RETURNED),
        ("Merkittiin tiedoksi.", None, Outcome.NOTED),
        (
            "Päätösehdotus hyväksyttiin.",
            "Lautakunta päättää merkitä katsauksen tiedoksi.",
            Outcome.NOTED,
        ),
        (
            "Esitys hyväksyttiin.",
            "Valtuusto päättää valita jäseneksi X:n.",
            Outcome.ELECTED,
        ),
        ("Valittiin Emilia Olkanen ja Päivi Kovanen.", None, Outcome.ELECTED),
        ("Asia poistettiin esityslistalta.", None, Outcome.REMOVED),
        ("Esitys hylättiin.", None, Outcome.REJECTED),
        ("Päätösesitys hyväksyttiin muutettuna.", None, Outcome.AMENDED),
        ("Asia käsiteltiin pykälän 146 jälkeen.", None, Outcome.OTHER),
        (None, "Kunnanhallitus päättää ...", None),
    ],
)
def test_classify(
    decision: str | None, proposal: str | None, expected: Outcome | None
) -> None:
    assert outcome.classify(decision, proposal) == expected


def test_votes_counts_and_blank_words() -> None:
    text = (
        "Puheenjohtaja totesi kaupunginhallituksen 9 äänellä 6 ääntä vastaan hylänneen "
        "muutosehdotuksen. Sitten 11 äänellä 3 ääntä vastaan ja yhden äänestäessä tyhjää "
        "hyväksyneen esityksen."
    )
    found = votes.votes(text)
    assert [(v.for_, v.against, v.blank) for v in found] == [(9, 6, None), (11, 3, 1)]
    assert found[0].motion.startswith("Puheenjohtaja totesi")


def test_votes_aanin_form() -> None:
    (vote,) = votes.votes("Päätös asiassa tehtiin äänin 8-2, 3 tyhjää.")
    assert vote == Vote(
        8, 2, 3, None, "Päätös asiassa tehtiin äänin 8-2, 3 tyhjää.", "main"
    )


def test_voted_cues() -> None:
    assert outcome.voted("Asiasta oli äänestettävä.")
    assert not outcome.voted("Esitys hyväksyttiin yksimielisesti.")


def test_disqualified_names_without_titles() -> None:
    text = (
        "Valtuutettu Pekka Hietala ilmoitti olevansa esteellinen eikä osallistunut "
        "asian käsittelyyn. Aino Niemi saapui kokoukseen klo 16.53."
    )
    found = departures.departures(text)
    assert [d.name for d in found if d.conflict] == ["Pekka Hietala"]
    left = departures.departures("Aino Niemi poistui kokouksesta klo 17.")
    assert not any(d.conflict for d in left)


def test_blank_votes_tyhjaa() -> None:
    (vote,) = votes.votes("Jaa-ääniä 9, ei-ääniä 4, tyhjää 1.")
    assert (vote.for_, vote.against, vote.blank) == (9, 4, 1)


def test_election_proposal_over_line_break() -> None:
    proposal = "Yhdyskuntalautakunta päättää\n\nvalita pöytäkirjan tarkastajiksi X:n."
    found = outcome.classify("Päätösehdotus hyväksyttiin.", proposal)
    assert found == "elected"


def test_part_approved_part_returned_is_other() -> None:
    decision = "Kohta 1 hyväksyttiin. Kohta 2 palautettiin uudelleen valmisteltavaksi."
    assert outcome.classify(decision) == "other"
    returned = "Kaupunginhallitus hyväksyi palautusehdotuksen äänin 8-7."
    assert outcome.classify(returned) != "other"  # no part named: not mixed


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ("Esitys hyväksytään.", Outcome.APPROVED),
        ("Asia palautetaan valmisteluun.", Outcome.RETURNED),
        ("Lautakunta merkitsi katsauksen tiedoksi.", Outcome.NOTED),
        ("Asia poistetaan esityslistalta.", Outcome.REMOVED),
        ("Hallitus hylkäsi esityksen.", Outcome.REJECTED),
    ],
)
def test_lemma_rules_when_no_phrase_matches(decision: str, expected: Outcome) -> None:
    assert outcome.phrase_outcome(decision) is None  # only the lemmas can tell
    assert outcome.classify(decision) == expected


def test_lemma_outcome_is_recorded_as_spacy_in_provenance() -> None:
    from extractors import extract
    from models.ids import sha256_hex
    from models.records import Document

    text = "# Otsikko\n\nKhall 05.12.2023 § 4\n\nPäätösehdotus\n\nX.\n\nPäätös\n\nKunnanhallitus hyväksyy esityksen.\n"
    data = text.encode()
    (item,) = extract(Document(uri="x.txt", data=data, sha256=sha256_hex(data)))
    methods = {p.field: p.method for p in item.extra["provenance"]}
    assert methods["outcome"] == "spacy_lemma:approved"


def test_swedish_election_phrase() -> None:
    decision = "Till protokolljusterare utsågs Johanna Norrbygård och Tua Backman."
    assert outcome.classify(decision) == Outcome.ELECTED


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (
            "Palaute merkittiin tiedoksi ja hyväksyttiin palautteeseen laadittu vastine. "
            "Kaupunginvaltuusto hyväksyi osayleiskaavan.",
            Outcome.APPROVED,
        ),
        (
            "Tilintarkastuskertomus merkittiin tiedoksi. Valtuusto myönsi vastuuvapauden.",
            Outcome.APPROVED,
        ),
        (
            "Kaupunginhallitus päätti merkitä raportin tiedoksi ja esittää sen edelleen "
            "tiedoksi kaupunginvaltuustolle.",
            Outcome.NOTED,
        ),
    ],
)
def test_a_noting_with_an_outright_approval_is_approved(
    decision: str, expected: Outcome
) -> None:
    assert outcome.classify(decision) is expected

"""Votes in detail: roll-call names (fi prose, fi/sv lists), main vs side motions,
and a rejected side motion never giving the outcome. Synthetic texts in the real
formulas of DOMAIN.md 4.3."""

from __future__ import annotations

from extractors import outcome, votes
from models.vocab import Outcome

TURKU = (
    "Päätös asiassa tehtiin kahden äänestyksen jälkeen. 1. äänestys Suoritetussa "
    "nimenhuutoäänestyksessä Virtasen Lahden kannattamana tekemän muutosehdotuksen "
    "puolesta äänestivät heidän lisäkseen Aho, Berg ja Carlsson. Niemen "
    "muutosehdotuksen puolesta äänesti hänen lisäkseen häntä kannattanut Koski. "
    "Mäki, Nurmi ja Ojala äänestivät tyhjää. Tässä vaiheessa päätös asiassa tehtiin "
    "äänin 5-2, 3 tyhjää. 2. äänestys Suoritetussa nimenhuutoäänestyksessä "
    "esittelijän ehdotuksen puolesta äänestivät Mäki ja Nurmi, ehdotusta vastaan "
    "äänestivät Aho, Berg ja Koski. Poissa oli Ojala. Lautakunnan lopullinen päätös "
    "asiassa tehtiin äänin 2-3."
)
HELSINKI = """Aalto teki palautusehdotuksen, jota Honkasalo kannatti.

JAA-ehdotus: Asian käsittelyä jatketaan
EI-ehdotus: Asia palautetaan uudelleen valmisteltavaksi.

Jaa-äänet: 9
Aalto, Arhinmäki, Asko-Seljavaara, Haatainen, Honkasalo, Nuorteva, Raatikainen,
Razmyar, Sazonov

Ei-äänet: 4
Kivekäs, Pakarinen, Rantanen, Urho

Tyhjä: 1
Modig

Poissa: 1
Vartiainen

Kaupunginhallitus päätti jatkaa asian käsittelyä äänin 9 - 4 (1 tyhjä, 1 poissa)."""
SWEDISH = """Omröstning om bordläggning.

JA-förslag: Fortsatt behandling
NEJ-förslag: Ärendet bordläggs

Ja-röster: 7
Holm, Lindqvist, Nyberg-Sjöblom, Öst, Ahlroos, Berg och Ek

Nej-röster: 2
Sundström, Wikström

Blanka: 0

Frånvarande: 1
Grönroos

Stadsstyrelsen beslutade fortsätta behandlingen."""


def test_turku_prose_roll_call_names() -> None:
    first, final = votes.votes(TURKU)
    assert (first.for_, first.against, first.blank) == (5, 2, 3)
    assert first.for_names == ("Aho", "Berg", "Carlsson")
    assert first.against_names == ("Koski",)
    assert first.blank_names == ("Mäki", "Nurmi", "Ojala")
    assert (final.for_names, final.against_names) == (
        ("Mäki", "Nurmi"),
        ("Aho", "Berg", "Koski"),
    )
    assert final.absent_names == ("Ojala",)
    assert (first.kind, final.kind) == ("main", "main")


def test_helsinki_list_with_names_is_one_side_vote() -> None:
    (vote,) = votes.votes(HELSINKI)
    assert (vote.for_, vote.against, vote.blank, vote.absent) == (9, 4, 1, 1)
    assert vote.for_names[:3] == ("Aalto", "Arhinmäki", "Asko-Seljavaara")
    assert len(vote.for_names) == 9 and vote.against_names[-1] == "Urho"
    assert (vote.blank_names, vote.absent_names) == (("Modig",), ("Vartiainen",))
    assert vote.kind == "side" and vote.motion.startswith("JAA-ehdotus:")


def test_swedish_list_with_names() -> None:
    (vote,) = votes.votes(SWEDISH)
    assert (vote.for_, vote.against, vote.blank, vote.absent) == (7, 2, 0, 1)
    assert vote.for_names[-2:] == ("Berg", "Ek")
    assert vote.against_names == ("Sundström", "Wikström")
    assert (vote.blank_names, vote.absent_names) == ((), ("Grönroos",))
    assert vote.kind == "side"


def test_counts_without_names_still_parsed() -> None:
    (vote,) = votes.votes("Jaa-ääniä 9, ei-ääniä 4, tyhjää 1.")
    assert (vote.for_, vote.against, vote.blank, vote.for_names) == (9, 4, 1, ())


def test_kind_by_the_vote_sentence_first() -> None:
    text = (
        "Aalto teki palautusehdotuksen. Puheenjohtaja totesi kaupunginhallituksen "
        "9 äänellä 6 ääntä vastaan hylänneen palautusehdotuksen. Puheenjohtaja totesi "
        "kaupunginhallituksen 8 äänellä 7 ääntä vastaan hylänneen Elon "
        "muutosehdotuksen. Kaupunginhallitus hyväksyi toivomusponnen äänin 10-5."
    )
    assert [v.kind for v in votes.votes(text)] == ["side", "main", "side"]


def test_swedish_side_motions() -> None:
    text = "Efter omröstning med rösterna 9 (ja) – 4 (nej) förkastades återremissen."
    assert votes.kind(text, "") == "side"
    assert votes.kind("Föredragandens förslag vann med 8-5.", "") == "main"


def test_rejected_side_motion_does_not_give_the_outcome() -> None:
    decision = (
        "Kaupunginhallitus hylkäsi äänin 9-6 Aallon ehdotuksen asian palauttamisesta "
        "uudelleen valmisteltavaksi ja hyväksyi esityksen."
    )
    assert outcome.classify(decision) is Outcome.RETURNED  # the phrase alone
    kept = votes.without_rejected_side_motions(decision)
    assert outcome.classify(kept) is Outcome.APPROVED


def test_accepted_side_motion_keeps_its_outcome() -> None:
    decision = "Asia palautettiin äänin 8-7 uudelleen valmisteltavaksi."
    assert votes.without_rejected_side_motions(decision) == decision


def test_names_leave_fillers_out() -> None:
    assert votes.names("hänen lisäkseen häntä kannattanut Koivisto") == ("Koivisto",)
    assert votes.names("Aho, Berg-Ek och Öst") == ("Aho", "Berg-Ek", "Öst")

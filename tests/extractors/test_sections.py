"""extractors.sections: FI/SV labels (lead, whole-line, colon, glued, genitive) and
the grouper that files an item's lines under them, with presenters and preparers."""

from __future__ import annotations

import pytest

from extractors.lines import Line, text_lines
from extractors.sections import Label, group, label_of, section_texts
from models.vocab import Section

P, D, PR, PREP, H = (
    Section.PROPOSAL,
    Section.DECISION,
    Section.PRESENTER,
    Section.PREPARERS,
    Section.HANDLING,
)


def grouped(text: str) -> tuple[dict[Section, str], str | None]:
    grouper = group(text_lines(text))
    return section_texts(grouper), grouper.presenter


# --- label_of: one line --------------------------------------------------------------

LABELS = [
    # whole-line headings
    ("Päätös", Label(D)),
    ("PÄÄTÖS", Label(D)),
    ("Päätös:", Label(D)),
    ("Beslut", Label(D)),
    ("Esitys", Label(P)),
    ("Förslag", Label(P)),
    ("Ehdotus", Label(P)),
    ("Päätösehdotus", Label(P)),
    ("Beslutsförslag", Label(P)),
    ("Käsittely", Label(H)),
    ("Behandling", Label(H)),
    ("Esittelijä", Label(PR)),
    ("Föredragande", Label(PR)),
    ("Valmistelija", Label(PREP)),
    ("Beredare", Label(PREP)),
    ("Valmistelijat ja lisätiedot (etunimi.sukunimi@kunta.fi):", Label(PREP)),
    # heading, colon, value
    ("Päätös: Hyväksyttiin.", Label(D, "Hyväksyttiin.")),
    ("Beslut: Förslaget godkändes.", Label(D, "Förslaget godkändes.")),
    (
        "Ehdotus: Kunnanhallitus päättää hyväksyä sopimuksen.",
        Label(P, "Kunnanhallitus päättää hyväksyä sopimuksen."),
    ),
    (
        "Esittelijä: Kunnanjohtaja Matti Virtanen",
        Label(PR, "Kunnanjohtaja Matti Virtanen"),
    ),
    (
        "Föredragande: Stadsdirektör Martin Norrgård",
        Label(PR, "Stadsdirektör Martin Norrgård"),
    ),
    (
        "Valmistelija: talousjohtaja Pekka Hänninen, puh. 040 123 4567",
        Label(PREP, "talousjohtaja Pekka Hänninen, puh. 040 123 4567"),
    ),
    ("Beredare: ekonomichef Anna Lindqvist", Label(PREP, "ekonomichef Anna Lindqvist")),
    # heading, space, capitalised value
    (
        "Päätösehdotus Esityslista hyväksytään kokouksen työjärjestykseksi.",
        Label(P, "Esityslista hyväksytään kokouksen työjärjestykseksi."),
    ),
    (
        "Esittelijä Kunnanjohtaja Matti Virtanen",
        Label(PR, "Kunnanjohtaja Matti Virtanen"),
    ),
    (
        "Föredragande Stadsdirektör Martin Norrgård",
        Label(PR, "Stadsdirektör Martin Norrgård"),
    ),
    (
        "Valmistelija Talousjohtaja Pekka Hänninen",
        Label(PREP, "Talousjohtaja Pekka Hänninen"),
    ),
    # a heading glued to its value (lost space)
    (
        "EhdotusKaupunginhallitus päättää hyväksyä sopimuksen.",
        Label(P, "Kaupunginhallitus päättää hyväksyä sopimuksen."),
    ),
    ("PäätösHyväksyttiin.", Label(D, "Hyväksyttiin.")),
    (
        "BeslutStadsstyrelsen godkände förslaget.",
        Label(D, "Stadsstyrelsen godkände förslaget."),
    ),
    # a value that only names who decides is no text
    ("Päätösehdotus tarkastuslautakunta", Label(P)),
    # an attachment's number and title are its title
    (
        "Liite 1 Asemakaavakartta",
        Label(Section.ATTACHMENTS, "Liite 1 Asemakaavakartta"),
    ),
    # genitive labels
    ("Kaupunginjohtajan ehdotus", Label(P, presenter="kaupunginjohtaja")),
    ("Esittelijän muutosesitys:", Label(P)),
    ("Kaupunginhallituksen päätösehdotus", Label(P)),
    ("Tötermann-Engströms förslag:", Label(P, presenter="Tötermann-Engström")),
    (
        "Kaupunginjohtaja Jukka Mäkelän ehdotus",
        Label(P, presenter="Kaupunginjohtaja Jukka Mäkelä"),
    ),
    ("Välfärdsnämndens beslut:", Label(D)),
]


@pytest.mark.parametrize(("text", "label"), LABELS)
def test_label_lines(text: str, label: Label) -> None:
    assert label_of(Line(text), True) == label


NOT_LABELS = [
    # sentences that start with a label word
    "Päätös hyväksyttiin yksimielisesti.",
    "Ehdotus hyväksyttiin.",
    "Beslut fattades enhälligt.",
    "Esitys on liitteenä.",
    "Förslaget godkändes.",
    "Päätöksen mukaan kunta maksaa avustuksen.",
    "Kunnanhallitus päättää: hyväksyä",
    # a speaker line is not a label
    "Kaupunginjohtaja Aleksi Randell:",
]


@pytest.mark.parametrize("text", NOT_LABELS)
def test_sentences_are_not_labels(text: str) -> None:
    assert label_of(Line(text), True) is None


def test_a_bullet_is_not_a_space_label() -> None:
    assert label_of(Line("Ehdotus hyväksyttiin", bullet=True), True) is None


LEAD_LABELS = [
    # Dynasty: a bold run (lead) opening the paragraph, its value beside it
    (
        Line("Päätös Kaupunginhallitus:", lead="Päätös", rest="Kaupunginhallitus:"),
        Label(D, "Kaupunginhallitus:"),
    ),
    (
        Line(
            "Päätösehdotus Kaupunginjohtaja Jukka Mäkelä",
            lead="Päätösehdotus",
            rest="Kaupunginjohtaja Jukka Mäkelä",
        ),
        Label(P, "Kaupunginjohtaja Jukka Mäkelä"),
    ),
    (
        Line("Beslut Godkändes.", lead="Beslut:", rest="Godkändes."),
        Label(D, "Godkändes."),
    ),
    # Dynasty 10: the proposal labelled by its presenter's title
    (
        Line(
            "Hyvinvointialuejohtaja Aluehallitus hyväksyy",
            lead="Hyvinvointialuejohtaja",
            rest="Aluehallitus hyväksyy",
        ),
        Label(P, "Aluehallitus hyväksyy", presenter="Hyvinvointialuejohtaja"),
    ),
]


@pytest.mark.parametrize(("line", "label"), LEAD_LABELS)
def test_format_marked_lead_labels(line: Line, label: Label) -> None:
    assert label_of(line, True) == label


def test_a_label_is_kept_for_the_whole_line_not_its_text_alone() -> None:
    """Labels are kept from line to line (a cache): lines of one text that differ
    in their lead, the lead's value or bullet are each read for what they are, in
    either order, and a long line (a page's collapsed text) is read too."""
    same_text = [
        (Line("Ehdotus Hyväksytään."), Label(P, "Hyväksytään.")),
        (Line("Ehdotus Hyväksytään.", bullet=True), None),
        (
            Line("Hyväksytään.", lead="Päätös", rest="Hyväksytään."),
            Label(D, "Hyväksytään."),
        ),
        (
            Line("Hyväksytään.", lead="Ehdotus", rest="Hyväksytään."),
            Label(P, "Hyväksytään."),
        ),
        (Line("Hyväksytään.", lead="Ehdotus", rest="Hylätään."), Label(P, "Hylätään.")),
        (Line("Hyväksytään."), None),
    ]
    for line, label in [*same_text, *reversed(same_text), *same_text]:
        assert label_of(line, True) == label, line
    long_value = "Kaupunginhallitus hyväksyy" + " tämän ehdotuksen" * 40
    for _ in range(2):
        assert label_of(Line(f"Päätös {long_value}"), True) == Label(D, long_value)


# --- group(): whole items -------------------------------------------------------------


def test_finnish_item_with_colon_labels() -> None:
    texts, presenter = grouped(
        "Valmistelija: talousjohtaja Pekka Hänninen, puh. 040 123 4567\n\n"
        "Kunnan talousarvion toteutumista seurataan neljännesvuosittain.\n\n"
        "Esittelijä: Kunnanjohtaja Matti Virtanen\n\n"
        "Ehdotus: Kunnanhallitus merkitsee osavuosikatsauksen tiedoksi.\n\n"
        "Päätös: Hyväksyttiin."
    )
    assert texts == {
        PREP: "talousjohtaja Pekka Hänninen, puh. 040 123 4567",
        Section.EXPLANATION: "Kunnan talousarvion toteutumista seurataan "
        "neljännesvuosittain.",
        PR: "Kunnanjohtaja Matti Virtanen",
        P: "Kunnanhallitus merkitsee osavuosikatsauksen tiedoksi.",
        D: "Hyväksyttiin.",
    }
    assert presenter is None  # the presenter section names them


def test_swedish_item_with_heading_lines() -> None:
    texts, _ = grouped(
        "Beredare\nekonomichef Anna Lindqvist\nanna.lindqvist@nykarleby.fi\n\n"
        "Staden har fått en offert på nya läromedel.\n\n"
        "Föredragande\nStadsdirektör Martin Norrgård\n\n"
        "Förslag\nStadsstyrelsen godkänner offerten.\n\n"
        "Beslut\nFörslaget godkändes."
    )
    assert texts == {
        # the contact line joins the person above it
        PREP: "ekonomichef Anna Lindqvist anna.lindqvist@nykarleby.fi",
        Section.EXPLANATION: "Staden har fått en offert på nya läromedel.",
        PR: "Stadsdirektör Martin Norrgård",
        P: "Stadsstyrelsen godkänner offerten.",
        D: "Förslaget godkändes.",
    }


def test_preparers_end_at_a_line_of_running_text() -> None:
    texts, _ = grouped(
        "Valmistelija\nTalousjohtaja Pekka Hänninen\npuh. 040 123 4567\n"
        "Kunnan talousarvion toteutumista seurataan neljännesvuosittain ja siitä "
        "raportoidaan valtuustolle.\n\nPäätös\nHyväksyttiin."
    )
    assert texts[PREP] == "Talousjohtaja Pekka Hänninen puh. 040 123 4567"
    assert texts[Section.EXPLANATION].startswith("Kunnan talousarvion toteutumista")
    assert texts[D] == "Hyväksyttiin."


def test_presenter_lines_end_when_a_name_is_found() -> None:
    texts, _ = grouped(
        "Esittelijä\nKunnanjohtaja\nMatti Virtanen\nKunnanhallitus on saanut kirjeen.\n"
        "Ehdotus\nKunnanhallitus merkitsee kirjeen tiedoksi."
    )
    assert texts[PR] == "Kunnanjohtaja Matti Virtanen"
    assert texts[Section.EXPLANATION] == "Kunnanhallitus on saanut kirjeen."
    assert texts[P] == "Kunnanhallitus merkitsee kirjeen tiedoksi."


def test_proposal_label_followed_by_a_person_names_the_presenter() -> None:
    texts, presenter = grouped(
        "Päätösehdotus Hyvinvointialuejohtaja Svahn Sanna\n\n"
        "Aluehallitus merkitsee raportin tiedoksi.\n\nPäätös\nHyväksyttiin."
    )
    assert presenter == "Hyvinvointialuejohtaja Svahn Sanna"
    assert texts[PR] == "Hyvinvointialuejohtaja Svahn Sanna"
    assert texts[P] == "Aluehallitus merkitsee raportin tiedoksi."
    assert texts[D] == "Hyväksyttiin."


def test_lead_proposal_with_a_person_names_the_presenter() -> None:
    grouper = group(
        [
            Line(
                "Päätösehdotus Kaupunginjohtaja Jukka Mäkelä",
                lead="Päätösehdotus",
                rest="Kaupunginjohtaja Jukka Mäkelä",
            ),
            Line("Kaupunginhallitus hyväksyy sopimuksen."),
            Line("Päätös Kaupunginhallitus:", lead="Päätös", rest="Kaupunginhallitus:"),
            Line("Hyväksyttiin."),
        ]
    )
    texts = section_texts(grouper)
    assert grouper.presenter == "Kaupunginjohtaja Jukka Mäkelä"
    assert texts[P] == "Kaupunginhallitus hyväksyy sopimuksen."
    # "Kaupunginhallitus:" only repeats who decides: not decision text
    assert texts[D] == "Hyväksyttiin."


def test_speaker_line_above_the_proposal_is_its_presenter() -> None:
    texts, presenter = grouped(
        "Asiassa käytiin keskustelu.\n\nKaupunginjohtaja Aleksi Randell:\n\n"
        "Ehdotus\n\nKaupunginhallitus päättää hyväksyä sopimuksen.\n\n"
        "Päätös\n\nEhdotus hyväksyttiin."
    )
    assert presenter == "Kaupunginjohtaja Aleksi Randell"
    assert texts[PR] == "Kaupunginjohtaja Aleksi Randell"
    assert texts[P] == "Kaupunginhallitus päättää hyväksyä sopimuksen."
    assert texts[D] == "Ehdotus hyväksyttiin."


def test_genitive_label_names_the_presenter() -> None:
    texts, presenter = grouped(
        "Stadsdirektör Martin Norrgårds förslag:\nStadsstyrelsen godkänner avtalet.\n\n"
        "Beslut:\nFörslaget godkändes."
    )
    assert texts[P] == "Stadsstyrelsen godkänner avtalet."
    assert texts[D] == "Förslaget godkändes."
    assert presenter == "Stadsdirektör Martin Norrgård"


@pytest.mark.parametrize(
    ("text", "proposal", "decision"),
    [
        (
            "Päätösehdotus Esityslista hyväksytään kokouksen työjärjestykseksi.\n\n"
            "Päätös Hyväksyttiin.",
            "Esityslista hyväksytään kokouksen työjärjestykseksi.",
            "Hyväksyttiin.",
        ),
        (
            "EhdotusKaupunginhallitus päättää hyväksyä sopimuksen.\n"
            "PäätösEhdotus hyväksyttiin.",
            "Kaupunginhallitus päättää hyväksyä sopimuksen.",
            "Ehdotus hyväksyttiin.",
        ),
        (
            "Förslag Stadsstyrelsen godkänner avtalet.\nBeslut Förslaget godkändes.",
            "Stadsstyrelsen godkänner avtalet.",
            "Förslaget godkändes.",
        ),
    ],
)
def test_inline_and_glued_values(text: str, proposal: str, decision: str) -> None:
    texts, _ = grouped(text)
    assert texts == {P: proposal, D: decision}


def test_history_heading_after_the_decision_keeps_the_rest() -> None:
    texts, _ = grouped(
        "Ehdotus\nKunnanhallitus hyväksyy sopimuksen.\n\nPäätös\nHyväksyttiin.\n\n"
        "Aikaisempi käsittely\n\nEsittelijä\nKunnanjohtaja Matti Virtanen\n\n"
        "Päätös\nAsia jätettiin pöydälle."
    )
    assert texts[P] == "Kunnanhallitus hyväksyy sopimuksen."
    assert texts[D] == "Hyväksyttiin."
    assert "Asia jätettiin pöydälle." in texts[Section.HISTORY]
    assert PR not in texts


def test_a_rule_line_starts_a_new_handling() -> None:
    texts, _ = grouped(
        "Ehdotus\nLautakunta esittää kunnanhallitukselle sopimuksen hyväksymistä.\n\n"
        "Päätös\nHyväksyttiin.\n\n______________________________\n\n"
        "Ehdotus\nKunnanhallitus hyväksyy sopimuksen.\n\n"
        "Päätös\nKunnanhallitus hyväksyi sopimuksen."
    )
    assert texts[P] == "Kunnanhallitus hyväksyy sopimuksen."
    assert texts[D] == "Kunnanhallitus hyväksyi sopimuksen."
    assert texts[Section.HISTORY] == (
        "Lautakunta esittää kunnanhallitukselle sopimuksen hyväksymistä.\nHyväksyttiin."
    )


def test_unlabelled_text_is_the_explanation() -> None:
    texts, presenter = grouped(
        "Kunnan talousarvion toteutumista seurataan neljännesvuosittain.\n\n"
        "Raportti on liitteenä."
    )
    assert texts == {
        Section.EXPLANATION: "Kunnan talousarvion toteutumista seurataan "
        "neljännesvuosittain.\n\nRaportti on liitteenä."
    }
    assert presenter is None

"""extractors.lines: plain text as Lines (gaps, headings, bullets), collapsed
transcript pages split at their cues, and joined()."""

from __future__ import annotations

import pytest

from extractors.lines import Line, clean, is_collapsed, joined, text_lines, with_text


def texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


# --- plain lines -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kunnanhallitus   päättää\thyväksyä", "Kunnanhallitus päättää hyväksyä"),
        ("Kunnanhallitus\xa0päättää", "Kunnanhallitus päättää"),
        ("Kunnan\u200bhallitus", "Kunnanhallitus"),
        ("  \xa0 ", ""),
    ],
)
def test_clean_collapses_whitespace(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_blank_lines_become_paragraph_breaks_and_are_dropped() -> None:
    lines = text_lines(
        "§ 45 Kokouksen laillisuus\nKokous todettiin laillisesti koolle kutsutuksi.\n"
        "\n\n   \nPäätös\nHyväksyttiin."
    )
    assert texts(lines) == [
        "§ 45 Kokouksen laillisuus",
        "Kokous todettiin laillisesti koolle kutsutuksi.",
        "Päätös",
        "Hyväksyttiin.",
    ]
    assert [line.gap_before for line in lines] == [False, False, True, False]


def test_windows_and_old_mac_line_ends_split_lines() -> None:
    lines = text_lines("Beslut\r\nFörslaget godkändes.\rProtokollet justerades.")
    assert texts(lines) == ["Beslut", "Förslaget godkändes.", "Protokollet justerades."]
    assert not any(line.gap_before for line in lines)


def test_whitespace_inside_a_line_is_collapsed() -> None:
    (line,) = text_lines("Kunnanhallitus \xa0 päättää\t hyväksyä  talousarvion.")
    assert line.text == "Kunnanhallitus päättää hyväksyä talousarvion."


@pytest.mark.parametrize(
    ("raw", "text", "level"),
    [
        ("# Kunnanhallitus", "Kunnanhallitus", 1),
        ("## § 5 Talousarvio 2024", "§ 5 Talousarvio 2024", 2),
        ("### Päätös", "Päätös", 3),
        ("###### Bilagor", "Bilagor", 6),
        # not markdown headings
        ("####### Liian syvä", "####### Liian syvä", 0),
        ("#hashtag kunnanvaltuusto", "#hashtag kunnanvaltuusto", 0),
    ],
)
def test_markdown_headings(raw: str, text: str, level: int) -> None:
    (line,) = text_lines(raw)
    assert (line.text, line.level, line.bullet) == (text, level, False)


def test_heading_after_blank_line_keeps_the_gap() -> None:
    lines = text_lines("Johdanto\n\n## Päätösehdotus\nHyväksytään.")
    assert [(line.level, line.gap_before) for line in lines] == [
        (0, False),
        (2, True),
        (0, False),
    ]


@pytest.mark.parametrize(
    ("raw", "text", "bullet"),
    [
        ("• Ensimmäinen kohta", "Ensimmäinen kohta", True),
        ("· Toinen kohta", "Toinen kohta", True),
        ("▪ Tredje punkten", "Tredje punkten", True),
        (
            "- Kunnanhallitus merkitsee tiedoksi",
            "Kunnanhallitus merkitsee tiedoksi",
            True,
        ),
        ("* Förslaget godkändes", "Förslaget godkändes", True),
        ("*Neljäs kohta", "Neljäs kohta", True),
        # a minus sign, a dash or a lone bullet is text, not a bullet
        ("-5 000 euroa", "-5 000 euroa", False),
        ("–", "–", False),
        ("•", "•", False),
        ("*huom.", "*huom.", False),
    ],
)
def test_bullets(raw: str, text: str, bullet: bool) -> None:
    (line,) = text_lines(raw)
    assert (line.text, line.bullet, line.level) == (text, bullet, 0)


# --- collapsed pages ---------------------------------------------------------------

# A minutes PDF's page as a transcript site stores it: one line (synthetic, in the
# shape of the docplayer/abcdocz copies).
COLLAPSED_PAGE = (
    "KOKOUKSEN LAILLISUUS JA PÄÄTÖSVALTAISUUS KH § 117 Kuntalain 58 §:n mukaan muu "
    "toimielin kuin valtuusto on päätösvaltainen, kun enemmän kuin puolet jäsenistä "
    "on läsnä. PÄÄTÖS: Kokous todettiin laillisesti koolle kutsutuksi ja "
    "päätösvaltaiseksi. PÖYTÄKIRJANTARKASTAJIEN VALITSEMINEN KH § 118 "
    "Kunnanhallituksen pöytäkirjan tarkastaminen tapahtuu kokousta seuraavana "
    "toisena arkipäivänä kunnanvirastolla. Ehdotus: Kunnanhallitus valitsee kaksi "
    "pöytäkirjantarkastajaa. PÄÄTÖS: Pöytäkirjantarkastajiksi valittiin Tiina "
    "Järvinen ja Marko Mustajärvi."
)


def test_collapsed_page_is_split_at_titles_cues_and_labels() -> None:
    assert len(COLLAPSED_PAGE) > 400
    lines = text_lines(COLLAPSED_PAGE)
    assert [(line.text, line.level) for line in lines] == [
        ("KOKOUKSEN LAILLISUUS JA PÄÄTÖSVALTAISUUS", 3),
        ("KH § 117", 0),
        (
            "Kuntalain 58 §:n mukaan muu toimielin kuin valtuusto on päätösvaltainen, "
            "kun enemmän kuin puolet jäsenistä on läsnä.",
            0,
        ),
        (
            "PÄÄTÖS: Kokous todettiin laillisesti koolle kutsutuksi ja päätösvaltaiseksi.",
            0,
        ),
        ("PÖYTÄKIRJANTARKASTAJIEN VALITSEMINEN", 3),
        ("KH § 118", 0),
        (
            "Kunnanhallituksen pöytäkirjan tarkastaminen tapahtuu kokousta seuraavana "
            "toisena arkipäivänä kunnanvirastolla.",
            0,
        ),
        ("Ehdotus: Kunnanhallitus valitsee kaksi pöytäkirjantarkastajaa.", 0),
        (
            "PÄÄTÖS: Pöytäkirjantarkastajiksi valittiin Tiina Järvinen ja Marko Mustajärvi.",
            0,
        ),
    ]
    assert all(line.gap_before for line in lines)


def test_numbered_upper_case_title_stays_whole() -> None:
    page = (
        "Pöytäkirja on tarkastettu kunnanvirastossa 15.11.2012 ja se on ollut "
        "yleisesti nähtävänä kunnanvirastossa 22.11.2012 klo 9.00 15.00 kuten "
        "kuulutettu. 35 KOKOUKSEN LAILLISUUS JA PÄÄTÖSVALTAISUUS Kuntalain 58 §:n "
        "mukaan valtuusto on päätösvaltainen, kun vähintään kaksi kolmasosaa "
        "valtuutetuista on läsnä. Päätös: Kokous todettiin laillisesti koolle "
        "kutsutuksi ja päätösvaltaiseksi. Lisäksi todettiin läsnäolijat liitteen "
        "mukaisesti."
    )
    assert len(page) > 400
    lines = text_lines(page)
    assert ("35 KOKOUKSEN LAILLISUUS JA PÄÄTÖSVALTAISUUS", 3) in [
        (line.text, line.level) for line in lines
    ]


def test_lone_abbreviation_joins_the_section_sign_after_it() -> None:
    page = (
        "Kokouksen laillisuus ja päätösvaltaisuus KH § 117 Kuntalain 58 §:n mukaan "
        "muu toimielin on päätösvaltainen."
    )
    assert texts(text_lines(page)) == [
        "Kokouksen laillisuus ja päätösvaltaisuus",
        "KH § 117",
        "Kuntalain 58 §:n mukaan muu toimielin on päätösvaltainen.",
    ]


@pytest.mark.parametrize(
    ("text", "collapsed"),
    [
        ("x" * 401, True),
        (
            "Kunnanhallitus päättää hyväksyä talousarvion muutoksen ja lähettää sen "
            "valtuustolle hyväksyttäväksi.",
            False,
        ),
        # a shorter line with an item cue inside it
        (
            "Kokouksen laillisuus ja päätösvaltaisuus KH § 117 Kuntalain 58 §:n mukaan "
            "muu toimielin on päätösvaltainen.",
            True,
        ),
        ("KH § 117", False),
    ],
)
def test_is_collapsed(text: str, collapsed: bool) -> None:
    assert is_collapsed(text) is collapsed


# The Kinnula minutes (dev corpus, gold title "VUODEN 2013 TULOVEROPROSENTIN
# MÄÄRÄÄMINEN", § 36) in a synthetic page of the same shape.
YEAR_TITLE_PAGE = (
    "Pöytäkirja on tarkastettu kunnanvirastossa 15.11.2012 ja se on ollut yleisesti "
    "nähtävänä kunnanvirastossa 22.11.2012 klo 9.00 15.00 kuten kuulutettu. Päätös: "
    "Kokous todettiin laillisesti koolle kutsutuksi ja päätösvaltaiseksi. "
    "36 {title} Kunnanhallitus 01.10.2012 § 228 Kuntalain 66 §:n mukaan kunnan "
    "tuloveroprosentti päätetään talousarvion hyväksymisen yhteydessä. Ehdotus: "
    "Kunnanhallitus esittää valtuustolle, että tuloveroprosentti on 21,00."
)


@pytest.mark.parametrize(
    "title",
    [
        "VUODEN 2013 TULOVEROPROSENTIN MÄÄRÄÄMINEN",
        "TULOVEROPROSENTIN MÄÄRÄÄMINEN VUODELLE 2013",
    ],
)
def test_upper_case_title_with_a_year_is_not_cut(title: str) -> None:
    lines = text_lines(YEAR_TITLE_PAGE.format(title=title))
    assert any(line.text.endswith(title) for line in lines)


def test_earlier_handling_header_is_not_cut_before_its_section() -> None:
    title = "VUODEN 2013 TULOVEROPROSENTIN MÄÄRÄÄMINEN"
    lines = text_lines(YEAR_TITLE_PAGE.format(title=title))
    assert "Kunnanhallitus 01.10.2012 § 228" in texts(lines)


# --- joined() -----------------------------------------------------------------------


def test_joined_keeps_paragraphs_with_a_blank_line() -> None:
    lines = text_lines(
        "Kunnanhallitus päättää\nhyväksyä sopimuksen.\n\nPäätös tulee voimaan heti."
    )
    assert joined(lines) == (
        "Kunnanhallitus päättää\nhyväksyä sopimuksen.\n\nPäätös tulee voimaan heti."
    )


def test_joined_ignores_a_gap_before_the_first_line() -> None:
    assert joined([Line("Hyväksyttiin.", gap_before=True)]) == "Hyväksyttiin."


def test_joined_rejoins_wrapped_pdf_lines_into_their_paragraph() -> None:
    lines = [
        Line("Stadsstyrelsen godkänner", x=72.0),
        Line("avtalet med", x=72.0),
        Line("Vasa stad.", x=72.0),
        Line("Beslutet verkställs genast.", x=72.0, gap_before=True),
    ]
    assert joined(lines) == (
        "Stadsstyrelsen godkänner avtalet med Vasa stad.\n\nBeslutet verkställs genast."
    )


@pytest.mark.parametrize("lines", [[], [Line("")], [Line("", gap_before=True)]])
def test_joined_of_nothing_is_none(lines: list[Line]) -> None:
    assert joined(lines) is None


def test_with_text_keeps_hints_and_drops_the_lead() -> None:
    line = Line(
        "Päätös Hyväksyttiin.",
        lead="Päätös",
        rest="Hyväksyttiin.",
        bold=True,
        x=56.0,
        page=3,
        gap_before=True,
    )
    assert with_text(line, "Hyväksyttiin.") == Line(
        "Hyväksyttiin.", bold=True, x=56.0, page=3, gap_before=True
    )


def test_a_stored_pages_download_title_is_its_line() -> None:
    lines = text_lines('Transkriptio\n\nDownload "PÖYTÄKIRJA Kokouspäivä 18.5.2011"\n')
    assert [line.text for line in lines] == [
        "Transkriptio",
        "PÖYTÄKIRJA Kokouspäivä 18.5.2011",
    ]

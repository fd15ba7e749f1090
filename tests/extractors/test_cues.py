"""extractors.cues: every item-start and context form of one line, dates, and
ordinary lines that must not be read as cues."""

from __future__ import annotations

import pytest

from extractors import cues
from extractors.cues import Cue

# --- item starts -----------------------------------------------------------------

HEADERS = [
    # (line, §, body as printed, ISO date)
    ("Khall 05.12.2023 § 451", 451, "Khall", "2023-12-05"),
    ("Välfärdsnämnden 15.9.2022, 42 §", 42, "Välfärdsnämnden", "2022-09-15"),
    ("Kaupunginhallitus | 105 § | 10.4.2017", 105, "Kaupunginhallitus", "2017-04-10"),
    ("Kh § 195", 195, "Kh", None),
    ("Ksylk § 84", 84, "Ksylk", None),
    ("Kaupunginhallitus § 195", 195, "Kaupunginhallitus", None),
    ("Aluehallitus 04.12.2023 § 198", 198, "Aluehallitus", "2023-12-04"),
    ("Tekninen lautakunta 12.3.2024 § 5", 5, "Tekninen lautakunta", "2024-03-12"),
    (
        "Kaupunkisuunnittelu- ja ympäristölautakunta 05.09.2016 § 84",
        84,
        "Kaupunkisuunnittelu- ja ympäristölautakunta",
        "2016-09-05",
    ),
    ("Bildningsnämnden 3.4.2024 § 27", 27, "Bildningsnämnden", "2024-04-03"),
    # a handlings table row: body | § | date | item number
    (
        "Kaupunginhallitus | 195 | 02.05.2017 | 2",
        195,
        "Kaupunginhallitus",
        "2017-05-02",
    ),
    # the same row with its cell separators lost
    ("Kaupunginvaltuusto19001.10.20123", 190, "Kaupunginvaltuusto", "2012-10-01"),
    # Dynasty PDF export headers: §, body abbreviation, ISO date, time (page)
    ("45, KST 2011-03-07 18:00", 45, "KST", "2011-03-07"),
    ("§ 144, SSTYR 2015-12-01 18:00 Sida 2", 144, "SSTYR", "2015-12-01"),
]


@pytest.mark.parametrize(("line", "section", "body", "day"), HEADERS)
def test_header_forms(line: str, section: int, body: str, day: str | None) -> None:
    cue = cues.read(line)
    assert cue == Cue("header", section, body, day)
    assert cue.starts_item
    assert cues.header_cue(line) == cue


SECTION_TITLES = [
    (
        "§ 56 Kokouksen laillisuus ja päätösvaltaisuus",
        56,
        "Kokouksen laillisuus ja päätösvaltaisuus",
    ),
    ("§ 56. Talousarvio 2024", 56, "Talousarvio 2024"),
    ("42 § Presentation av bokslutet 2023", 42, "Presentation av bokslutet 2023"),
    ("27 § Val av protokolljusterare", 27, "Val av protokolljusterare"),
    # a transcript that lost its §: number and upper-case title
    (
        "60 KOKOUKSEN LAILLISUUS JA PÄÄTÖSVALTAISUUS",
        60,
        "KOKOUKSEN LAILLISUUS JA PÄÄTÖSVALTAISUUS",
    ),
]


@pytest.mark.parametrize(("line", "section", "title"), SECTION_TITLES)
def test_section_title_forms(line: str, section: int, title: str) -> None:
    cue = cues.read(line)
    assert cue == Cue("section_title", section, title=title)
    assert cue.starts_item


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("§ 198", 198),
        ("198 §", 198),
        ("§ 12.", 12),
        ("Pykälä 8", 8),
        ("Paragraf 5", 5),
    ],
)
def test_bare_section_forms(line: str, section: int) -> None:
    cue = cues.read(line)
    assert cue == Cue("section", section)
    assert cue.starts_item


@pytest.mark.parametrize(
    ("line", "section", "body"),
    [
        ("KVALT 37", 37, "KVALT"),
        ("Kvalt 42", 42, "Kvalt"),
        ("Teknltk 12", 12, "Teknltk"),
        ("Kst 25", 25, "Kst"),
    ],
)
def test_abbreviation_section_forms(line: str, section: int, body: str) -> None:
    cue = cues.read(line)
    assert cue == Cue("abbrev_section", section, body)
    assert cue.starts_item


@pytest.mark.parametrize(
    "line", ["Asia 15. / 85 §", "Ärende 15. / 85 §", "Case 15. / 85 §"]
)
def test_case_forms_give_the_section_not_the_case_number(line: str) -> None:
    cue = cues.read(line)
    assert cue == Cue("case", 85)
    assert cue.starts_item


PAGE_LABELS = [
    # (line, §, ISO date, document kind)
    ("Pöytäkirja 26.06.2023/Pykälä 8", 8, "2023-06-26", "minutes"),
    ("Protokoll 12.03.2024/Paragraf 5", 5, "2024-03-12", "minutes"),
    ("Föredragningslista 12.03.2024/Paragraf 5", 5, "2024-03-12", "agenda"),
    # an agenda's item number is not its §
    ("Esityslista 29.05.2017 Asianro 4", None, "2017-05-29", "agenda"),
    ("Lisäesityslista 29.05.2017 Asianro 4", None, "2017-05-29", "agenda"),
]


@pytest.mark.parametrize(("line", "section", "day", "kind"), PAGE_LABELS)
def test_page_label_forms(line: str, section: int | None, day: str, kind: str) -> None:
    cue = cues.read(line)
    assert cue == Cue("page_label", section, date=day, doc_kind=kind)
    assert cue.starts_item


def test_page_label_wins_over_other_readings() -> None:
    """The most specific reading is tried first: a page label is never a header."""
    assert cues.read("Pöytäkirja 26.06.2023/Pykälä 8").kind == "page_label"


# --- meeting context ---------------------------------------------------------------

CONTEXTS = [
    # (line, body, ISO date, document kind)
    ("Kaupunginvaltuusto, kokous 17.5.2021", "Kaupunginvaltuusto", "2021-05-17", None),
    ("Stadsstyrelsen, sammanträde 3.4.2024", "Stadsstyrelsen", "2024-04-03", None),
    (
        "Kaupunginhallitus 02.05.2017 - Pöytäkirja",
        "Kaupunginhallitus",
        "2017-05-02",
        "minutes",
    ),
    (
        "Kaupunginhallitus 02.05.2017 – Esityslista",
        "Kaupunginhallitus",
        "2017-05-02",
        "agenda",
    ),
    (
        "Toimielimet > Yhdyskuntalautakunta > Kokous 5.9.2016 > Pöytäkirja",
        "Yhdyskuntalautakunta",
        "2016-09-05",
        "minutes",
    ),
    ("Kokousaika: 29.11.2017", None, "2017-11-29", None),
    ("Kokousaika 12.3.2024 klo 18.00", None, "2024-03-12", None),
    ("Tid: onsdag 12.3.2024 kl. 18.00", None, "2024-03-12", None),
    ("Sammanträdesdatum 3.4.2024", None, "2024-04-03", None),
    ("Kokous 5.9.2016", None, "2016-09-05", None),
    (
        "Tarkastuslautakunta 1 / 2015 12.03.2015",
        "Tarkastuslautakunta",
        "2015-03-12",
        None,
    ),
    # a page label without § or item number only names the meeting
    ("Pöytäkirja 08.05.2017 klo 15:30 / Tarkastettu", None, "2017-05-08", "minutes"),
    # genitive headings: the body is the genitive word as printed
    ("Aluehallituksen päätöksiä 7.3.2023", "Aluehallituksen", "2023-03-07", "minutes"),
    (
        "Stadsfullmäktiges beslut den 12 februari 2024",
        "Stadsfullmäktiges",
        "2024-02-12",
        "minutes",
    ),
    ("Stadsfullmäktiges beslut", "Stadsfullmäktiges", None, "minutes"),
    (
        "Kunnanhallituksen kokouksen päätökset 6.11.2017",
        "Kunnanhallituksen",
        "2017-11-06",
        "minutes",
    ),
    (
        "Kaupunginhallituksen kokouksen 9.2.2026 päätösluettelo",
        "Kaupunginhallituksen",
        "2026-02-09",
        "minutes",
    ),
    (
        "Kommunfullmäktiges protokoll 12.3.2024",
        "Kommunfullmäktiges",
        "2024-03-12",
        "minutes",
    ),
]


@pytest.mark.parametrize(("line", "body", "day", "kind"), CONTEXTS)
def test_context_forms(
    line: str, body: str | None, day: str | None, kind: str | None
) -> None:
    cue = cues.read(line)
    assert cue == Cue("context", body=body, date=day, doc_kind=kind)
    assert not cue.starts_item


@pytest.mark.parametrize(
    "line",
    [
        "Kaupunginvaltuusto, kokous 17.5.2021",
        "Kaupunginhallitus 02.05.2017 - Pöytäkirja",
        "Aluehallituksen päätöksiä 7.3.2023",
    ],
)
def test_context_cue_is_the_public_reader_of_context_lines(line: str) -> None:
    assert cues.context_cue(line) == cues.read(line)


DATED_BODIES = [
    ("Kunnanhallitus 29.4.2019", "Kunnanhallitus", "2019-04-29"),
    ("Khall 29.4.2019", "Khall", "2019-04-29"),
    ("Tekninen lautakunta 7.3.23", "Tekninen lautakunta", "2023-03-07"),
    ("Kunnanhallitus 12. helmikuuta 2024", "Kunnanhallitus", "2024-02-12"),
    ("Kaupunginhallitus 12 februari 2024", "Kaupunginhallitus", "2024-02-12"),
]


@pytest.mark.parametrize(("line", "body", "day"), DATED_BODIES)
def test_dated_body_is_a_handling_not_an_item(line: str, body: str, day: str) -> None:
    cue = cues.read(line)
    assert cue == Cue("dated_body", body=body, date=day)
    assert not cue.starts_item


# --- impossible dates ------------------------------------------------------------

BAD_DATES = [
    # (line, kind, printed date)
    ("Kunnanhallitus 31.02.2023 § 5", "header", "31.02.2023"),
    ("45, KST 2011-02-30 18:00", "header", "2011-02-30"),
    ("Kaupunginvaltuusto, kokous 31.4.2021", "context", "31.4.2021"),
    ("Kunnanhallitus 29.02.2023", "dated_body", "29.02.2023"),
    ("Kunnanhallitus 32.13.2023", "dated_body", "32.13.2023"),
]


@pytest.mark.parametrize(("line", "kind", "printed"), BAD_DATES)
def test_impossible_date_is_reported_never_guessed(
    line: str, kind: str, printed: str
) -> None:
    cue = cues.read(line)
    assert cue is not None and cue.kind == kind
    assert cue.date is None
    assert cue.bad_date == printed


def test_leap_day_is_a_real_date() -> None:
    assert cues.read("Kunnanhallitus 29.02.2024").date == "2024-02-29"


# --- iso() -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("5.12.2023", "2023-12-05"),
        ("05.12.2023", "2023-12-05"),
        ("7.3.23", "2023-03-07"),
        ("5-12-2023", "2023-12-05"),
        ("5. 12. 2023", "2023-12-05"),
        ("12 februari 2024", "2024-02-12"),
        ("1 Maj 2024", "2024-05-01"),
        ("31 december 2023", "2023-12-31"),
        ("12. helmikuuta 2024", "2024-02-12"),
        ("6. joulukuuta 2017", "2017-12-06"),
        ("29.2.2024", "2024-02-29"),
    ],
)
def test_iso_reads_day_first_and_worded_dates(printed: str, expected: str) -> None:
    assert cues.iso(printed) == expected


@pytest.mark.parametrize(
    "printed",
    [
        "31.02.2023",
        "29.02.2023",
        "32.1.2024",
        "1.13.2024",
        "31 april 2024",
        "30. helmikuuta 2024",
    ],
)
def test_iso_rejects_impossible_dates(printed: str) -> None:
    with pytest.raises(ValueError):
        cues.iso(printed)


def test_iso_rejects_unknown_month_word_with_value_error() -> None:
    with pytest.raises(ValueError):
        cues.iso("12 smarch 2024")


# --- lines that are not cues --------------------------------------------------------

NOT_CUES = [
    "Kunnanhallitus päätti hyväksyä esityksen.",
    "Kunnanhallitus 12.3.2024 käsitteli asiaa.",
    "Lautakunta päätti 12.3.2024 § 15 mukaisesti hyväksyä sopimuksen.",
    "Vuonna 2023 kunnassa asui 5 900 asukasta.",
    "Asukasluku 31.12.2023 oli 6 400.",
    "Förslaget godkändes.",
    "Valtuuston päätöksen mukaisesti",
    "Kokouksen laillisuus ja päätösvaltaisuus",
    "Talousarvio 2024",
    "Kaupunginhallitus",
    "Päätös",
    "Pöytäkirja",
    "Helsingin kaupunki",
    "Helsingissä 12.3.2024",
    "Esittelijä Kunnanjohtaja Matti Meikäläinen",
    # law references are not headers
    "Kuntalain 91 §",
    "Hallintolain 28 §",
    "Kuntalaki 39 §",
    # page furniture and numbers
    "Liite 1",
    "Sivu 3 / 12",
    "Dnro 123/2024",
    "Puh. 040 123 4567",
    "Vuosi 2024",
    "Kunnanhallitus 5/2024",
    # a § line whose text is a sentence, or that wraps on
    "§ 5 sisältää kolme asiaa",
    "§ 12 Hallintosäännön mukaan kunnanhallitus päättää,",
    # a Dynasty export's cover page (§ -1)
    "-1, KST 2011-03-07 18:00",
]


@pytest.mark.parametrize("line", NOT_CUES)
def test_ordinary_lines_are_not_cues(line: str) -> None:
    assert cues.read(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Esittelijän päätösehdotus",
        "Kaupunginjohtajan päätösehdotus",
        "Föredragandens beslutsförslag",
    ],
)
def test_proposal_labels_are_not_meeting_context(line: str) -> None:
    """A person's genitive over a proposal names no meeting."""
    assert cues.context_cue(line) is None


# --- helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kunnanhallitus", True),
        ("Kaupunkisuunnittelu- ja ympäristölautakunta", True),
        ("Stadsstyrelsen", True),
        ("Khall", True),
        ("KVALT", True),
        ("Teknltk", True),
        ("Kunnanhallitus päätti hyväksyä", False),
        ("kunnanhallitus on", False),
        ("", False),
        (None, False),
    ],
)
def test_is_body_like(text: str | None, expected: bool) -> None:
    assert cues.is_body_like(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kvalt", True),
        ("KHALL", True),
        ("Teknltk", True),
        ("Ksylk", True),
        ("Kst", True),
        ("Sivltk.", True),
        ("Kunnanhallitus päättää", False),
        ("Liite", False),
        ("Talousarvio", False),
    ],
)
def test_is_abbreviation(text: str, expected: bool) -> None:
    assert cues.is_abbreviation(text) is expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Pöytäkirja", "minutes"),
        ("Protokoll", "minutes"),
        ("Esityslista", "agenda"),
        ("Föredragningslista", "agenda"),
        (None, None),
        ("Kokous", None),
    ],
)
def test_doc_kind_of(word: str | None, expected: str | None) -> None:
    assert cues.doc_kind_of(word) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Kaupunginhallituksen kokouksen", "Kaupunginhallituksen"),
        ("HSL:n hallituksen", "hallituksen"),
        ("Stadsfullmäktiges sammanträdes", "Stadsfullmäktiges"),
        ("kokouksen", None),
        (None, None),
    ],
)
def test_genitive_body_is_the_last_genitive_that_is_not_the_meeting(
    words: str | None, expected: str | None
) -> None:
    assert cues.genitive_body(words) == expected


@pytest.mark.parametrize(
    "line", ["2024 TALOUSARVIO", "2013 TILINPÄÄTÖS JA TOIMINTAKERTOMUS"]
)
def test_a_year_over_an_upper_case_title_is_not_a_section(line: str) -> None:
    cue = cues.read(line)
    assert cue is None or cue.section is None


def test_a_date_line_after_the_documents_kind_gives_date_and_kind() -> None:
    cue = cues.context_cue("PÖYTÄKIRJA Kokouspäivä 18.5.2011")
    assert cue is not None
    assert (cue.date, cue.doc_kind) == ("2011-05-18", "minutes")

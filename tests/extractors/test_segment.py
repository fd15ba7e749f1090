"""extractors.segment: where items start in a line stream, tables of contents,
repeated §, earlier handlings and the meeting's context."""

from __future__ import annotations

import pytest

from extractors.lines import text_lines
from extractors.segment import Segmentation, segment


def segmented(text: str) -> Segmentation:
    return segment(text_lines(text))


def sections(seg: Segmentation) -> list[int | None]:
    return [s.start.section for s in seg.segments]


def titles(seg: Segmentation) -> list[str | None]:
    return [s.start.title for s in seg.segments]


def item(header: str, title: str, proposal: str, decision: str) -> str:
    return f"{header}\n{title}\n\nEhdotus\n{proposal}\n\nPäätös\n{decision}\n\n"


THREE_HEADERS = "Kunnanhallitus\nPöytäkirja 12.3.2024\n\n" + "".join(
    [
        item(
            "Kunnanhallitus 12.03.2024 § 45",
            "Kokouksen laillisuus ja päätösvaltaisuus",
            "Kokous todetaan laillisesti koolle kutsutuksi ja päätösvaltaiseksi.",
            "Hyväksyttiin.",
        ),
        item(
            "Kunnanhallitus 12.03.2024 § 46",
            "Pöytäkirjan tarkastajien valinta",
            "Pöytäkirjantarkastajiksi valitaan Tiina Järvinen ja Marko Mustajärvi.",
            "Hyväksyttiin.",
        ),
        item(
            "Kunnanhallitus 12.03.2024 § 47",
            "Lausunto maakuntakaavaehdotuksesta",
            "Kunnanhallitus antaa lausunnon maakuntakaavaehdotuksesta.",
            "Lausunto annettiin.",
        ),
    ]
)


def test_three_headed_items_give_three_segments() -> None:
    seg = segmented(THREE_HEADERS)
    assert sections(seg) == [45, 46, 47]
    assert [(s.start.body, s.start.date) for s in seg.segments] == [
        ("Kunnanhallitus", "2024-03-12")
    ] * 3
    assert (seg.meeting.body, seg.meeting.date, seg.meeting.doc_kind) == (
        "Kunnanhallitus",
        "2024-03-12",
        "minutes",
    )


def test_each_segment_holds_only_its_own_lines() -> None:
    seg = segmented(THREE_HEADERS)
    first, second, third = ([line.text for line in s.lines] for s in seg.segments)
    assert first[0] == "Kunnanhallitus 12.03.2024 § 45"
    assert "Pöytäkirjan tarkastajien valinta" not in first
    assert second[:2] == [
        "Kunnanhallitus 12.03.2024 § 46",
        "Pöytäkirjan tarkastajien valinta",
    ]
    assert third[-1] == "Lausunto annettiin."
    # the lines above the first item are its preamble, in no segment
    assert [line.text for line in seg.preamble] == [
        "Kunnanhallitus",
        "Pöytäkirja 12.3.2024",
    ]
    assert seg.segments[1].offset == seg.segments[0].offset + len(seg.segments[0].lines)


SWEDISH = """Stadsstyrelsen
Protokoll 3.4.2024

§ 27 Val av protokolljusterare

Förslag
Stadsstyrelsen väljer två protokolljusterare.

Beslut
Förslaget godkändes.

§ 28 Budgetuppföljning januari–mars 2024

Förslag
Stadsstyrelsen antecknar uppföljningen för kännedom.

Beslut
Förslaget godkändes.

§ 29 Delegationsbeslut

Förslag
Stadsstyrelsen antecknar besluten för kännedom.

Beslut
Förslaget godkändes.
"""


def test_section_title_items_in_swedish() -> None:
    seg = segmented(SWEDISH)
    assert sections(seg) == [27, 28, 29]
    assert titles(seg) == [
        "Val av protokolljusterare",
        "Budgetuppföljning januari–mars 2024",
        "Delegationsbeslut",
    ]
    assert (seg.meeting.body, seg.meeting.date) == ("Stadsstyrelsen", "2024-04-03")


def test_heading_above_an_abbreviation_cue_is_the_items_title() -> None:
    seg = segmented(
        "## Kokouksen laillisuus ja päätösvaltaisuus\nKVALT 37\n\nPäätös\n"
        "Hyväksyttiin.\n\n## Pöytäkirjan tarkastus\nKVALT 38\n\nPäätös\nHyväksyttiin.\n"
    )
    assert sections(seg) == [37, 38]
    assert titles(seg) == [
        "Kokouksen laillisuus ja päätösvaltaisuus",
        "Pöytäkirjan tarkastus",
    ]
    # the heading line is the item's first line
    assert seg.segments[0].lines[0].text == "Kokouksen laillisuus ja päätösvaltaisuus"
    assert seg.segments[1].lines[0].text == "Pöytäkirjan tarkastus"


# --- tables of contents -------------------------------------------------------------

CONTENTS = [
    (
        "§ 45 Kokouksen laillisuus ja päätösvaltaisuus",
        "Kokouksen laillisuus ja päätösvaltaisuus",
    ),
    ("§ 46 Pöytäkirjan tarkastajien valinta", "Pöytäkirjan tarkastajien valinta"),
    ("§ 47 Lausunto maakuntakaavaehdotuksesta", "Lausunto maakuntakaavaehdotuksesta"),
]
ITEMS_AFTER_CONTENTS = "".join(
    f"{line}\n\nPäätös\nHyväksyttiin.\n\n" for line, _ in CONTENTS
)
OPENING = "\nPuheenjohtaja avasi kokouksen kello 18.00 ja totesi läsnäolijat.\n\n"


def contents_document(heading: str, suffixes: tuple[str, str, str]) -> str:
    listing = "".join(
        f"{line}{suffix}\n"
        for (line, _), suffix in zip(CONTENTS, suffixes, strict=True)
    )
    return (
        f"Kunnanhallitus\nPöytäkirja 12.3.2024\n{heading}{listing}{OPENING}"
        f"{ITEMS_AFTER_CONTENTS}"
    )


@pytest.mark.parametrize(
    ("heading", "suffixes"),
    [
        pytest.param(
            "Sisällysluettelo\n",
            (" ........ 3", " ........ 3", " ........ 4"),
            id="leaders",
        ),
        pytest.param("", (" 3", " 3", " 4"), id="page-numbers"),
        pytest.param("Käsiteltävät asiat\n", ("", "", ""), id="contents-heading"),
        pytest.param("", ("", "", ""), id="printed-again-later"),
    ],
)
def test_table_of_contents_creates_no_items(
    heading: str, suffixes: tuple[str, str, str]
) -> None:
    seg = segmented(contents_document(heading, suffixes))
    assert sections(seg) == [45, 46, 47]
    assert titles(seg) == [title for _, title in CONTENTS]
    # each item starts at its own § line, after the contents
    assert all(s.lines[1].text == "Päätös" for s in seg.segments)
    assert set(seg.contents) == {45, 46, 47}


def test_swedish_table_of_contents() -> None:
    seg = segmented(
        "Stadsstyrelsen\nProtokoll 3.4.2024\nInnehållsförteckning\n"
        "27 § Val av protokolljusterare\n28 § Budgetuppföljning januari–mars 2024\n"
        "29 § Delegationsbeslut\n\nOrdföranden öppnade sammanträdet kl. 18.00.\n\n"
        "27 § Val av protokolljusterare\nBeslut\nFörslaget godkändes.\n\n"
        "28 § Budgetuppföljning januari–mars 2024\nBeslut\nFörslaget godkändes.\n\n"
        "29 § Delegationsbeslut\nBeslut\nFörslaget godkändes.\n"
    )
    assert sections(seg) == [27, 28, 29]
    assert seg.contents == {
        27: "Val av protokolljusterare",
        28: "Budgetuppföljning januari–mars 2024",
        29: "Delegationsbeslut",
    }


def test_a_list_of_sections_without_text_is_items_not_contents() -> None:
    """A decision list prints only § and titles: no page numbers, no contents
    heading, no § printed again later."""
    seg = segmented(
        "Kaupunginhallitus\nPäätöslista 12.3.2024\n\n"
        + "".join(f"{line}\n" for line, _ in CONTENTS)
    )
    assert sections(seg) == [45, 46, 47]
    assert seg.contents == {}


@pytest.mark.parametrize(
    ("heading", "suffixes"),
    [
        pytest.param(
            "Sisällysluettelo\n",
            (" ........ 3", " ........ 3", " ........ 4"),
            id="leaders",
        ),
        pytest.param("", (" 3", " 3", " 4"), id="page-numbers"),
    ],
)
def test_contents_titles_drop_page_numbers(
    heading: str, suffixes: tuple[str, str, str]
) -> None:
    seg = segmented(contents_document(heading, suffixes))
    assert seg.contents == {
        45: "Kokouksen laillisuus ja päätösvaltaisuus",
        46: "Pöytäkirjan tarkastajien valinta",
        47: "Lausunto maakuntakaavaehdotuksesta",
    }


@pytest.mark.parametrize(
    ("heading", "suffixes"),
    [
        pytest.param(
            "Sisällysluettelo\n",
            (" ........ 3", " ........ 3", " ........ 4"),
            id="leaders",
        ),
        pytest.param("", (" 3", " 3", " 4"), id="page-numbers"),
        pytest.param("Käsiteltävät asiat\n", ("", "", ""), id="contents-heading"),
        pytest.param("", ("", "", ""), id="printed-again-later"),
    ],
)
def test_first_item_right_after_the_contents_is_kept(
    heading: str, suffixes: tuple[str, str, str]
) -> None:
    seg = segmented(contents_document(heading, suffixes).replace(OPENING, "\n"))
    assert sections(seg) == [45, 46, 47]
    assert titles(seg) == [title for _, title in CONTENTS]


# --- repeated § ----------------------------------------------------------------------


def test_repeated_section_with_its_own_title_starts_a_new_item() -> None:
    seg = segmented(
        "Kunnanhallitus\nPöytäkirja 12.3.2024\n\n"
        "§ 45 Kokouksen laillisuus ja päätösvaltaisuus\n\nPäätös\nHyväksyttiin.\n\n"
        "§ 46 Pöytäkirjan tarkastajien valinta\n\nPäätös\nHyväksyttiin.\n\n"
        "§ 46 Lausunto maakuntakaavaehdotuksesta\n\nPäätös\nHyväksyttiin.\n"
    )
    assert sections(seg) == [45, 46, 46]
    assert titles(seg) == [
        "Kokouksen laillisuus ja päätösvaltaisuus",
        "Pöytäkirjan tarkastajien valinta",
        "Lausunto maakuntakaavaehdotuksesta",
    ]


def test_repeated_section_with_a_heading_above_starts_a_new_item() -> None:
    seg = segmented(
        "## Pöytäkirjan tarkastajien valinta\nKVALT 46\n\nPäätös\nHyväksyttiin.\n\n"
        "## Lausunto maakuntakaavaehdotuksesta\nKVALT 46\n\nPäätös\nHyväksyttiin.\n"
    )
    assert sections(seg) == [46, 46]
    assert titles(seg) == [
        "Pöytäkirjan tarkastajien valinta",
        "Lausunto maakuntakaavaehdotuksesta",
    ]


def test_header_then_section_title_of_the_same_section_is_one_item() -> None:
    seg = segmented(
        "Kunnanhallitus\nPöytäkirja 12.3.2024\n\n"
        "Kunnanhallitus 12.03.2024 § 46\n§ 46 Pöytäkirjan tarkastajien valinta\n\n"
        "Päätös\nHyväksyttiin.\n"
    )
    (only,) = seg.segments
    assert only.start.section == 46
    assert only.start.title == "Pöytäkirjan tarkastajien valinta"
    assert (only.start.body, only.start.date) == ("Kunnanhallitus", "2024-03-12")
    assert only.start.cue_kinds == ["header", "section_title"]


def test_page_label_and_header_of_a_one_item_page_are_one_item() -> None:
    seg = segmented(
        "Aluehallitus\nPöytäkirja 04.12.2023/Pykälä 198\n\n"
        "Aluehallitus 04.12.2023 § 198\nHyvinvointialueen talousarvio 2024\n\n"
        "Aluehallitus 20.11.2023 § 180\n\nPäätös\nPalautettiin.\n\n"
        "Päätös\nHyväksyttiin.\n"
    )
    (only,) = seg.segments
    assert only.start.section == 198
    assert only.start.cue_kinds == ["page_label", "header"]
    assert (seg.meeting.body, seg.meeting.date, seg.meeting.section) == (
        "Aluehallitus",
        "2023-12-04",
        198,
    )
    # the earlier handling (§ 180 of 20.11.2023) stays inside the item
    assert "Aluehallitus 20.11.2023 § 180" in [line.text for line in only.lines]


def test_earlier_handling_header_is_not_an_item() -> None:
    seg = segmented(
        "Kunnanhallitus\nPöytäkirja 12.3.2024\n\n"
        "Kunnanhallitus 12.03.2024 § 46\nLausunto maakuntakaavaehdotuksesta\n\n"
        "Tekninen lautakunta 20.02.2024 § 12\n\n"
        "Lautakunta esitti lausunnon antamista.\n\nPäätös\nHyväksyttiin.\n\n"
        "Kunnanhallitus 12.03.2024 § 47\nTalousarvion toteutuminen\n\n"
        "Päätös\nMerkittiin tiedoksi.\n"
    )
    assert sections(seg) == [46, 47]
    assert "Tekninen lautakunta 20.02.2024 § 12" in [
        line.text for line in seg.segments[0].lines
    ]


# --- meeting context -----------------------------------------------------------------


def test_meeting_from_a_cloudnc_breadcrumb() -> None:
    seg = segmented(
        "Kaupunginvaltuusto, kokous 17.5.2021\n\n"
        "§ 12 Valtuustoaloite liikuntapaikoista\n\nPäätös\nMerkittiin tiedoksi.\n"
    )
    assert (seg.meeting.body, seg.meeting.date) == ("Kaupunginvaltuusto", "2021-05-17")
    assert sections(seg) == [12]


def test_impossible_meeting_date_is_kept_as_printed() -> None:
    seg = segmented(
        "Kaupunginvaltuusto, kokous 31.4.2021\n\n"
        "§ 12 Valtuustoaloite liikuntapaikoista\n\nPäätös\nMerkittiin tiedoksi.\n"
    )
    assert seg.meeting.date is None
    assert seg.meeting.bad_date == "31.4.2021"


def test_a_proposal_label_is_not_the_meetings_body() -> None:
    seg = segmented(
        "Kokouksen laillisuus ja päätösvaltaisuus\n\nEsittelijän päätösehdotus\n\n"
        "Kunnanhallitus toteaa kokouksen laillisesti koolle kutsutuksi.\n\n"
        "Päätös\n\nHyväksyttiin.\n"
    )
    assert seg.meeting.body is None

"""The generic PDF-list crawler against a replay of a municipality's own site."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.fetch import FETCHERS
from flows.platforms import pdf_list
from flows.rawstore import RawStore
from flows.results import SourceFailed
from flows.sources import Source
from tests.conftest import FIXTURES, ROOT
from tests.sites import ReplaySite

SITE = FIXTURES / "sites" / "pdf-list"
NYKARLEBY = ROOT.parent / "shared" / "fixtures" / "real" / "tweb-nykarleby"
LIST = "/beslutsfattande/protokoll-och-foredragningslistor/"
UPLOADS = "/wp-content/uploads/"
HTML = "text/html; charset=UTF-8"
VALFARD = "valfardsnamnden_protokoll_15_09_2022_18_00_139758.pdf"
AGENDA = "stadsstyrelsen_foredragningslista_26_09_2022_16_30_140208.pdf"
UNGDOM = "ungdomsfullmaktige_protokoll_30_01_2023_16_15_153457.pdf"

pytestmark = pytest.mark.skipif(
    not NYKARLEBY.is_dir(), reason="../shared/fixtures/real not checked out"
)


@pytest.fixture
def site(httpserver) -> ReplaySite:
    replay = ReplaySite(httpserver)
    for path, name in (
        ("/", "index.htm"),
        ("/beslutsfattande/", "beslutsfattande.htm"),
        (LIST, "list_page1.htm"),
        (f"{LIST}page/2/", "list_page2.htm"),
    ):
        replay.add(path, (SITE / name).read_bytes(), content_type=HTML)
    for folder, name in (
        ("2022/09/", VALFARD),
        ("2022/09/", AGENDA),
        ("2023/02/", UNGDOM),
    ):
        replay.add(
            UPLOADS + folder + name,
            (NYKARLEBY / name).read_bytes(),
            content_type="application/pdf",
        )
    replay.add(
        UPLOADS + "2022/09/kommuninfo-hosten-2022.pdf",
        (FIXTURES / "tweb" / "35090068.pdf").read_bytes(),
        content_type="application/pdf",
    )
    return replay


def source(site: ReplaySite, base: str = "/", **options) -> Source:
    return Source(
        name="nykarleby-web",
        platform="pdf-list",
        base_url=f"{site.base}{base}",
        municipality="Nykarleby",
        language="sv",
        **options,
    )


def fetch(site: ReplaySite, raw: Path, since=None, until=None, **options):
    return FETCHERS["pdf-list"](source(site, **options), RawStore(raw), since, until)


def by_name(results) -> dict[str, object]:
    return {r.uri.rsplit("/", 1)[-1]: r for r in results}


def test_from_the_home_page_to_the_documents(site: ReplaySite, tmp_path: Path) -> None:
    results = by_name(fetch(site, tmp_path / "raw"))
    assert set(results) == {
        VALFARD,
        AGENDA,
        UNGDOM,
        "tekniska_namnden_protokoll_20_09_2022.pdf",
    }
    assert results[VALFARD].row.meta == {
        "platform": "pdf-list",
        "title": "Välfärdsnämnden protokoll 15.9.2022",
        "meeting_date": "2022-09-15",
        "doc_kind": "minutes",
        "body": "Välfärdsnämnden",
    }
    assert results[AGENDA].row.meta["doc_kind"] == "agenda"
    assert results[AGENDA].row.meta["body"] == "Stadsstyrelsen"  # from the heading
    assert results[UNGDOM].row.meta["meeting_date"] == "2023-01-30"  # from the url
    missing = results["tekniska_namnden_protokoll_20_09_2022.pdf"]
    assert (missing.stage, missing.reason) == ("fetch", "http_404")
    assert UPLOADS + "2022/09/kommuninfo-hosten-2022.pdf" not in site.hits()
    assert "/boende/" not in site.hits()  # not about decision-making


def test_window_and_link_pattern(site: ReplaySite, tmp_path: Path) -> None:
    results = fetch(
        site,
        tmp_path / "raw",
        date(2022, 9, 1),
        date(2022, 9, 20),
        base=LIST,
        link_pattern=r"protokoll",
    )
    assert sorted(by_name(results)) == [
        "tekniska_namnden_protokoll_20_09_2022.pdf",
        VALFARD,
    ]  # the agenda does not match the pattern; Ungdomsfullmäktige is after the window


def test_second_run_downloads_nothing(site: ReplaySite, tmp_path: Path) -> None:
    fetch(site, tmp_path / "raw", base=LIST)
    site.log.clear()
    again = fetch(site, tmp_path / "raw", base=LIST)
    assert not any(r.is_new for r in again if r.row)
    assert site.count(status=200) == 0


def test_unreachable_list_page_fails_the_source(
    site: ReplaySite, tmp_path: Path
) -> None:
    with pytest.raises(SourceFailed) as failed:
        fetch(site, tmp_path / "raw", base="/poytakirjat/")
    assert failed.value.error.message == "http_404"


def test_link_words_and_dates() -> None:
    link = pdf_list.PageLink(
        "https://x.fi/files/Kunnanhallitus_ptk_2024-03-12.pdf", "", "Kunnanhallitus"
    )
    assert pdf_list.is_document(link, None)
    assert pdf_list.document_meta(link)["meeting_date"] == "2024-03-12"
    assert pdf_list.body_of(link) == "Kunnanhallitus"
    other = pdf_list.PageLink("https://x.fi/files/hinnasto.pdf", "Hinnasto", "")
    assert not pdf_list.is_document(other, None)

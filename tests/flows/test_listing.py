"""listing.toml: the listing context of a folder's documents (TWeb PDFs, CaseM JSON)
reaches the manifest and the extractor; a bad listing is quarantined, not fatal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors import extract_document
from flows.extraction import extract_result
from flows.fetch import fetch_folder
from flows.listing import ListingError, read_listing
from flows.rawstore import RawStore
from flows.sources import Source
from tests.conftest import SAMPLES


def folder_source(root: Path) -> Source:
    return Source(name="s", platform="folder", base_url="docs", config_dir=root)


def test_oulu_pdf_gets_section_and_date_from_its_listing(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES / "tweb" / "oulu", tmp_path / "docs" / "oulu")
    store = RawStore(tmp_path / "raw")
    results = {r.uri: r for r in fetch_folder(folder_source(tmp_path), store, None)}
    row = results["docs/oulu/35090068.pdf"].row
    assert row.municipality == "Oulu" and row.language == "fi"
    assert row.meta == {
        "body": "Kaupunginhallitus",
        "meeting_date": "2017-03-27",
        "section": "73",
    }
    extracted = extract_result(results["docs/oulu/35090068.pdf"], store)
    (item,) = extracted.items
    assert (item.municipality, item.meeting_date, item.section) == (
        "Oulu",
        "2017-03-27",
        73,
    )
    assert item.outcome == "noted"


def test_subfolder_listing_overrides_its_parent(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sv").mkdir(parents=True)
    (docs / "listing.toml").write_text(
        'municipality = "Nykarleby"\nlanguage = "fi"\nbody = "Stadsstyrelsen"\n'
    )
    (docs / "sv" / "listing.toml").write_text('language = "sv"\n')
    (docs / "sv" / "a.txt").write_text("x")
    (result,) = fetch_folder(folder_source(tmp_path), RawStore(tmp_path / "raw"), None)
    assert (result.row.municipality, result.row.language) == ("Nykarleby", "sv")
    assert result.row.meta == {"body": "Stadsstyrelsen"}


def test_bad_listing_is_quarantined_and_its_files_still_read(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "listing.toml").write_text('municipality = "Oulu"\ncolour = "red"\n')
    (docs / "a.txt").write_text("x")
    results = fetch_folder(folder_source(tmp_path), RawStore(tmp_path / "raw"), None)
    failed = [r for r in results if r.reason]
    assert [(r.uri, r.stage, r.reason) for r in failed] == [
        ("docs/listing.toml", "fetch", "bad_listing")
    ]
    assert "unknown key 'colour'" in failed[0].detail
    assert [r.uri for r in results if r.row] == ["docs/a.txt"]


def test_a_listing_naming_a_missing_file_is_reported(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "listing.toml").write_text('[files."typo.pdf"]\nsection = "1"\n')
    (result,) = fetch_folder(folder_source(tmp_path), RawStore(tmp_path / "raw"), None)
    assert result.reason == "bad_listing" and "typo.pdf" in result.detail


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('language = "en"\n', "'language' must be 'fi' or 'sv'"),
        ("[files]\nx = 1\n", "'files.x' must be a table"),
        ("section = [1]\n", "'section' must be a string"),
    ],
)
def test_listing_values_are_checked(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "listing.toml"
    path.write_text(text)
    with pytest.raises(ListingError) as error:
        read_listing(path)
    assert problem in str(error.value) and str(path) in str(error.value)


def test_every_bundled_sample_document_extracts() -> None:
    """The bundled sample: real documents of several systems, all readable with their
    listing context (the attendance-only CaseM content has no item, as expected)."""
    from flows.fetch import folder_files
    from flows.listing import context_for
    from flows.settings import SAMPLE_SOURCES
    from flows.sources import load_sources
    from models.ids import sha256_hex
    from models.records import Document

    listings = {p.parent: read_listing(p) for p in SAMPLES.rglob("listing.toml")}
    languages, empty = set(), []
    folders = [source.folder() for source in load_sources(SAMPLE_SOURCES)]
    assert len(folders) >= 5
    for path in [path for folder in folders for path in folder_files(folder)]:
        if path.suffix == ".pdf":
            continue  # PDFs: tests/extractors/test_tweb.py (slow with OCR)
        context = context_for(path, SAMPLES, listings)
        data = path.read_bytes()
        document = Document(
            uri=str(path),
            data=data,
            sha256=sha256_hex(data),
            municipality=context.municipality,
            language=context.language,
            meta=context.meta,
        )
        try:
            items = extract_document(document).items
        except Exception:  # noqa: BLE001
            empty.append(path.name)
            continue
        assert all(item.municipality == context.municipality for item in items)
        languages.update(item.language for item in items)
    assert empty == ["contents_66_extended_properties.json"]
    assert languages == {"fi"}

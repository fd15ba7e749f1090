"""The folder fetcher: content-addressed raw zone, manifest, unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

import flows.fetch
from flows.fetch import fetch_folder, fetch_source
from flows.rawstore import RawStore
from flows.results import SourceFailed, SourceStatus
from flows.sources import Source


def make_source(tmp_path: Path) -> Source:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Khall 05.12.2023 § 1\n", encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"ignored")
    return Source(name="s", platform="folder", base_url="docs", config_dir=tmp_path)


def test_bytes_are_stored_once_under_their_hash(tmp_path: Path) -> None:
    source, store = make_source(tmp_path), RawStore(tmp_path / "raw")
    (result,) = fetch_folder(source, store, None)
    assert result.is_new and result.uri == "docs/a.txt"
    assert store.get(result.row.sha256) == b"Khall 05.12.2023 \xc2\xa7 1\n"
    assert result.raw_path == f"{result.row.sha256[:2]}/{result.row.sha256}"
    (again,) = fetch_folder(source, store, None)
    assert not again.is_new
    assert len(store.manifest()) == 1


def test_unreadable_file_is_a_fetch_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that cannot be opened once listed (gone, or its permissions taken
    away) is quarantined; the others are read."""
    source, store = make_source(tmp_path), RawStore(tmp_path / "raw")
    (tmp_path / "docs" / "b.txt").write_text("Khall 06.12.2023 § 2\n", "utf-8")
    listed = flows.fetch.folder_entries

    def listed_then_removed(folder: Path) -> list[tuple[Path, str, bool]]:
        entries = listed(folder)
        (folder / "a.txt").unlink()
        return entries

    monkeypatch.setattr(flows.fetch, "folder_entries", listed_then_removed)
    gone, kept = fetch_folder(source, store, None)
    assert (gone.uri, gone.stage, gone.reason) == ("docs/a.txt", "fetch", "unreadable")
    assert "a.txt" in (gone.detail or "")
    assert kept.uri == "docs/b.txt" and kept.reason is None


def test_platform_without_crawler_is_refused(tmp_path: Path) -> None:
    source = Source(name="x", platform="m-files", base_url="https://example.invalid")
    with pytest.raises(SourceFailed) as failed:
        fetch_source(source, RawStore(tmp_path), None)
    assert failed.value.error.kind == "ConfigError"
    assert failed.value.status == SourceStatus.REFUSED
    assert "no crawler for platform 'm-files'" in str(failed.value)

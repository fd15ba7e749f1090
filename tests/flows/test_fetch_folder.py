"""The folder fetcher: content-addressed raw zone, manifest, unreadable files."""

from __future__ import annotations

import os
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
        entries = list(listed(folder))
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


def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the folder fetch opens and reads, as it reads them."""
    opened: list[Path] = []
    read = flows.fetch.read_capped

    def counted(path: Path, max_bytes: int, follow: bool = True) -> object:
        opened.append(path)
        return read(path, max_bytes, follow)

    monkeypatch.setattr(flows.fetch, "read_capped", counted)
    return opened


def test_a_file_of_the_same_size_and_time_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As rsync's quick check: a file whose size and modification time are those
    it had when read is the version read then (nothing read, nothing new, the
    listing's context of today); a change of either is read."""
    source, store = make_source(tmp_path), RawStore(tmp_path / "raw")
    path = tmp_path / "docs" / "a.txt"
    (first,) = fetch_folder(source, store, None)
    assert first.row.last_modified == str(path.stat().st_mtime_ns)
    opened = reads(monkeypatch)
    (again,) = fetch_folder(source, store, None)
    assert opened == [] and not again.is_new
    assert (again.row.sha256, again.raw_path) == (first.row.sha256, first.raw_path)
    assert again.row.media_type == first.row.media_type == "text/plain"
    (tmp_path / "docs" / "listing.toml").write_text('municipality = "Kittilä"\n')
    (listed,) = fetch_folder(source, store, None)
    assert opened == [] and listed.row.municipality == "Kittilä"

    stamp = path.stat().st_mtime_ns
    path.write_text("Khall 05.12.2023 § 9\n", encoding="utf-8")  # the same size
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))
    (changed,) = fetch_folder(source, store, None)
    assert opened == [path] and changed.is_new
    assert store.get(changed.row.sha256) == "Khall 05.12.2023 § 9\n".encode()
    os.utime(path, ns=(stamp + 2 * 10**9, stamp + 2 * 10**9))  # touched
    (touched,) = fetch_folder(source, store, None)
    assert opened == [path, path] and not touched.is_new
    assert len(store.manifest()) == 2


def test_a_file_whose_bytes_left_the_raw_zone_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, store = make_source(tmp_path), RawStore(tmp_path / "raw")
    (first,) = fetch_folder(source, store, None)
    store.path_for(first.row.sha256).unlink()
    opened = reads(monkeypatch)
    (again,) = fetch_folder(source, store, None)
    assert opened == [tmp_path / "docs" / "a.txt"]
    assert store.get(again.row.sha256) == store.get(first.row.sha256)

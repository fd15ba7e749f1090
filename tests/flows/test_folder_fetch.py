"""A folder source's documents: uris are the folder as configured plus the file's
relative path (built from strings as the folder is listed, as pathlib would)."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from flows.fetch import _folder_uri, fetch_folder, folder_entries, folder_uri
from flows.rawstore import RawStore
from flows.sources import Source


@pytest.mark.parametrize(
    "base", ["docs", "docs/", "./docs", "a//b", "/srv/minutes", ".", "", "/", "//x"]
)
@pytest.mark.parametrize("relative", ["k.txt", "2023/12/k ö.html", "a/b/c.pdf"])
def test_a_uri_is_what_pathlib_makes_of_folder_and_relative_path(
    base: str, relative: str
) -> None:
    expected = str(PurePosixPath(base) / relative)
    assert folder_uri(str(PurePosixPath(base)), relative) == expected


def test_entries_come_in_path_order_listing_one_folder_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files come sorted by path, part by part (a folder's files before a later
    name's: `a/` before `a b/` and `a.txt`), and a folder is listed only when the walk
    reaches it: the first file is handed on before later folders are read."""
    docs = tmp_path / "docs"
    names = ["b/2.txt", "a.txt", "a/z/1.pdf", "a/y.html", "a b/x.txt", "c/d/e.txt"]
    for name in names:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("Khall § 1\n", "utf-8")
    expected = sorted(PurePosixPath(name) for name in names)
    listed: list[str] = []
    scandir = os.scandir

    def recorded(path: Path) -> Any:
        listed.append(Path(path).relative_to(docs).as_posix())
        return scandir(path)

    monkeypatch.setattr(os, "scandir", recorded)
    entries = folder_entries(docs)
    first = next(entries)
    assert first[1] == "a/y.html"  # "a" sorts before "a b" as a part
    assert listed == [".", "a"]
    rest = [relative for _, relative, _ in entries]
    assert [PurePosixPath(r) for r in [first[1], *rest]] == expected
    assert listed == [".", "a", "a/z", "a b", "b", "c", "c/d"]


def test_entries_carry_their_relative_path_and_the_fetch_its_uri(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    (docs / "2023" / "joulu").mkdir(parents=True)
    (docs / "2023" / "joulu" / "khall 5.12.txt").write_text("Khall § 1\n", "utf-8")
    (docs / "top.html").write_text("<p>Khall § 2</p>", "utf-8")
    (docs / "notes.docx").write_bytes(b"not a document we read")
    entries = list(folder_entries(docs))
    assert [(relative, link) for _, relative, link in entries] == [
        ("2023/joulu/khall 5.12.txt", False),
        ("top.html", False),
    ]
    for path, relative, _ in entries:
        assert path.relative_to(docs).as_posix() == relative
    source = Source(
        name="s", platform="folder", base_url="./docs/", config_dir=tmp_path
    )
    uris = [r.uri for r in fetch_folder(source, RawStore(tmp_path / "raw"), None)]
    assert uris == ["docs/2023/joulu/khall 5.12.txt", "docs/top.html"]
    assert uris == [
        _folder_uri(source, docs, path) for path, _, _ in entries
    ]  # listings'


def test_folder_sources_take_turns_and_web_sources_queue_by_host() -> None:
    from flows.nightly import fetch_queue

    def source(name: str, platform: str, url: str) -> Source:
        return Source(name=name, platform=platform, base_url=url)

    a = source("a", "folder", "docs/a")
    b = source("b", "folder", "docs/b")
    web = source("c", "dynasty", "https://kunta.oncloudos.com/cgi/DREQUEST.PHP")
    same_host = source("d", "dynasty", "https://kunta.oncloudos.com/other")
    assert fetch_queue(a) == fetch_queue(b)
    assert fetch_queue(web) == fetch_queue(same_host) != fetch_queue(a)

"""A manifest cut mid-line (power loss) never stops later runs, and no row is glued to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.fetch import fetch_folder
from flows.rawstore import MANIFEST, RawStore
from flows.sources import Source

pytestmark = pytest.mark.fault("torn manifest")


def folder_source(tmp_path: Path, names: list[str]) -> Source:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(f"Khall 05.12.2023 § 1\n{name}\n", encoding="utf-8")
    return Source(name="s", platform="folder", base_url="docs", config_dir=tmp_path)


def tear_last_line(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 25])  # the last row loses its end and newline


def test_a_torn_last_line_is_skipped_reported_and_closed_before_the_next_row(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, faults
) -> None:
    store = RawStore(tmp_path / "raw")
    source = folder_source(tmp_path, ["a.txt", "b.txt"])
    fetch_folder(source, store, None)
    tear_last_line(store.root / MANIFEST)

    rows = store.manifest()
    assert [row.uri for row in rows] == ["docs/a.txt"]
    assert store.unreadable_lines == [2]
    assert "line 2 is not a manifest row" in caplog.text

    # The next run stores b.txt again (its row was lost) on a line of its own.
    folder_source(tmp_path, ["c.txt"])
    results = fetch_folder(source, store, None)
    assert sorted(r.uri for r in results if r.is_new) == ["docs/b.txt", "docs/c.txt"]
    lines = (store.root / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and all(json.loads(line) for line in lines[2:])
    uris = [row.uri for row in store.manifest()]
    expected = {"docs/a.txt", "docs/b.txt", "docs/c.txt"}
    lost = len(expected - set(uris))
    duplicated = len(uris) - len(set(uris))
    faults.record(survived=True, lost=lost, duplicated=duplicated)
    assert (lost, duplicated) == (0, 0)
    assert set(uris) == expected
    assert store.unreadable_lines == [2]


@pytest.mark.parametrize(
    "line",
    [
        "{not json",
        "[1, 2]",
        '{"uri": "x"}',
        '{"uri": "x", "sha256": "y", "source": "s"}',
    ],
)
def test_lines_that_are_not_rows_never_raise(tmp_path: Path, line: str) -> None:
    store = RawStore(tmp_path)
    (tmp_path / MANIFEST).write_text(line + "\n", encoding="utf-8")
    assert store.manifest() == [] and store.unreadable_lines == [1]


def test_a_row_with_a_field_we_do_not_know_is_still_read(tmp_path: Path) -> None:
    row = {
        "uri": "u",
        "sha256": "h",
        "source": "s",
        "municipality": None,
        "media_type": None,
        "size": 1,
        "fetched_at": "2026-01-01",
        "added_later": 1,
    }
    (tmp_path / MANIFEST).write_text(json.dumps(row) + "\n", encoding="utf-8")
    (read,) = RawStore(tmp_path).manifest()
    assert (read.uri, read.sha256, read.size) == ("u", "h", 1)

"""The stages stand alone: fetch, extract and load never import one another (they
share models/ and flows/results.py), the raw zone has one way in, and a Document has
one hash — that of its bytes."""

from __future__ import annotations

import ast
import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from flows import rawstore
from flows.rawstore import Provenance, RawStore
from models.ids import sha256_hex
from models.records import Document

FLOWS = Path(__file__).resolve().parents[2] / "flows"
FETCH = [
    "fetch.py",
    "crawl.py",
    "listing.py",
    *(f"platforms/{p.name}" for p in (FLOWS / "platforms").glob("*.py")),
]
STAGES = {
    "fetch": FETCH,
    "extract": ["extraction.py"],
    "load": ["load.py"],
}
MODULES = {
    "fetch": {"flows.fetch", "flows.crawl"},
    "extract": {"flows.extraction"},
    "load": {"flows.load"},
}


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_a_stage_imports_no_other_stage(stage: str) -> None:
    others = set().union(*(m for s, m in MODULES.items() if s != stage))
    for name in STAGES[stage]:
        wrong = {m for m in imported(FLOWS / name) if m in others}
        assert not wrong, f"flows/{name} ({stage}) imports {sorted(wrong)}"


def test_only_the_raw_zone_builds_manifest_rows() -> None:
    builders = [
        str(path.relative_to(FLOWS))
        for path in FLOWS.rglob("*.py")
        if "ManifestRow(" in path.read_text(encoding="utf-8")
    ]
    assert builders == ["rawstore.py"]


def test_ingest_stores_once_and_records_a_row_per_new_version(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    latest = store.latest()
    context = Provenance(source="s", content_type="text/html; charset=utf-8")
    first, new = store.ingest(b"<html>a", "http://x/1", latest, context)
    assert new and first.media_type == "text/html" and first.size == 7
    _, again = store.ingest(b"<html>a", "http://x/1", latest, context)
    pdf, changed = store.ingest(b"%PDF-1.4 b", "http://x/1", latest, context)
    assert not again and changed and pdf.media_type == "application/pdf"
    assert [row.sha256 for row in store.manifest()] == [first.sha256, pdf.sha256]
    assert store.get(pdf.sha256) == b"%PDF-1.4 b"


def test_the_latest_rows_are_shared_and_follow_the_file(tmp_path: Path) -> None:
    """Stores of one process share the manifest's latest rows (the sources of a run
    fetch at once); a row one of them records is seen by the others at once, and a
    manifest changed under them is read again."""
    context = Provenance(source="s")
    first = RawStore(tmp_path)
    row, _ = first.ingest(b"a", "u1", first.latest(), context)
    second = RawStore(tmp_path)
    assert second.latest() is first.latest()
    assert second.latest()["u1"] == row
    other, _ = second.ingest(b"b", "u2", second.latest(), context)
    assert set(first.latest().rows()) == {"u1", "u2"}
    manifest = tmp_path / "manifest.jsonl"
    lines = manifest.read_text("utf-8").splitlines(keepends=True)
    manifest.write_text(lines[1], encoding="utf-8")  # replaced by another writer
    assert RawStore(tmp_path).latest().rows() == {"u2": other}


def test_the_latest_rows_come_a_page_at_a_time_in_uri_order(tmp_path: Path) -> None:
    """What `minutes reprocess` reads: each uri's newest row of a role, by uri, a
    page at a time; the sources of a role's rows."""
    store = RawStore(tmp_path)
    latest = store.latest()
    for uri, data, source in [("u3", b"c", "b"), ("u1", b"a", "a"), ("u2", b"b", "a")]:
        store.ingest(data, uri, latest, Provenance(source=source))
    newest, _ = store.ingest(b"a2", "u1", latest, Provenance(source="a"))
    store.ingest(b"l", "index", latest, Provenance(source="c", role="listing"))
    pages = list(RawStore(tmp_path).latest().pages(2))
    assert [[row.uri for row in page] for page in pages] == [["u1", "u2"], ["u3"]]
    assert pages[0][0] == newest
    listings = list(latest.pages(2, role="listing"))
    assert [[row.uri for row in page] for page in listings] == [["index"]]
    assert latest.sources() == ["a", "b"] and latest.sources("listing") == ["c"]


def another_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget this process's open indexes, as a process started now has none."""
    monkeypatch.setattr(rawstore, "_LATEST", {})


def manifest_line(uri: str, sha256: str) -> str:
    """A manifest line as another process appends it."""
    return (
        json.dumps(
            {
                "uri": uri,
                "sha256": sha256,
                "source": "s",
                "size": 1,
                "fetched_at": "2026-11-28T00:00:00+00:00",
                "municipality": None,
                "media_type": None,
            }
        )
        + "\n"
    )


def test_rows_another_process_appended_are_read_and_only_they(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = Provenance(source="s")
    store = RawStore(tmp_path)
    for number in range(3):
        store.ingest(f"{number}".encode(), f"u{number}", store.latest(), context)
    store.latest()  # reads this process's own rows into the index
    another_process(monkeypatch)
    with (tmp_path / "manifest.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(manifest_line("u1", "f" * 64))  # a new version of u1
    parsed: list[str] = []
    parse = rawstore.manifest_row
    monkeypatch.setattr(
        rawstore, "manifest_row", lambda line: parsed.append(line) or parse(line)
    )
    latest = RawStore(tmp_path).latest()
    assert len(parsed) == 1  # the lines read before are not read again
    assert latest["u1"].sha256 == "f" * 64
    assert latest["u0"].sha256 == sha256_hex(b"0")
    assert len(latest) == 3 and "u2" in latest and "u9" not in latest


def test_rows_a_process_appends_are_found_before_and_after_the_index_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rawstore, "APPENDED_ROWS", 3)
    context = Provenance(source="s")
    store = RawStore(tmp_path)
    latest = store.latest()
    rows = [
        store.ingest(f"{n}".encode(), f"u{n}", latest, context)[0] for n in range(7)
    ]
    assert [latest.get(f"u{n}") for n in range(7)] == rows  # 6 read, 1 in memory
    _, new = store.ingest(b"6", "u6", latest, context)
    assert not new  # the same bytes as the row not yet read into the index
    another_process(monkeypatch)  # this one ended before its last row was read
    assert RawStore(tmp_path).latest().rows() == {row.uri: row for row in rows}


def test_a_torn_line_is_indexed_once_it_is_closed_and_read(tmp_path: Path) -> None:
    context = Provenance(source="s")
    store = RawStore(tmp_path)
    store.ingest(b"a", "u1", store.latest(), context)
    manifest = tmp_path / "manifest.jsonl"
    line = manifest_line("u7", "e" * 64)
    with manifest.open("a", encoding="utf-8") as handle:  # being written
        handle.write(line[:20])
    assert "u7" not in store.latest()
    with manifest.open("a", encoding="utf-8") as handle:  # written
        handle.write(line[20:])
    assert store.latest()["u7"].sha256 == "e" * 64


def test_a_manifest_rewritten_in_place_is_read_from_the_start(
    tmp_path: Path,
) -> None:
    context = Provenance(source="s")
    store = RawStore(tmp_path)
    store.ingest(b"a", "u1", store.latest(), context)
    manifest = tmp_path / "manifest.jsonl"
    longer = manifest_line("u5", "5" * 64) + manifest_line("u6", "6" * 64)
    with manifest.open("r+", encoding="utf-8") as handle:  # same file, longer
        handle.write(longer)
    assert set(store.latest().rows()) == {"u5", "u6"}


def test_a_damaged_or_removed_index_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    context = Provenance(source="s")
    store = RawStore(tmp_path)
    row, _ = store.ingest(b"a", "u1", store.latest(), context)
    index = tmp_path / rawstore.LATEST_INDEX
    another_process(monkeypatch)
    index.unlink()
    assert RawStore(tmp_path).latest()["u1"] == row
    another_process(monkeypatch)
    for suffix in ("-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"not a database" * 100)
    assert RawStore(tmp_path).latest()["u1"] == row
    assert "built again" in caplog.text


def test_an_index_another_process_holds_is_waited_for_not_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = Provenance(source="s")
    store = RawStore(tmp_path)
    row, _ = store.ingest(b"a", "u1", store.latest(), context)
    another_process(monkeypatch)
    monkeypatch.setattr(rawstore, "LOCK_WAIT_SECONDS", 0.05)
    holder = sqlite3.connect(tmp_path / rawstore.LATEST_INDEX, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process catching up
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        RawStore(tmp_path).latest()
    holder.execute("ROLLBACK")
    holder.close()
    assert RawStore(tmp_path).latest()["u1"] == row  # the index was left alone


def test_a_manifest_line_holds_every_field_of_its_row(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    context = Provenance(
        source="s", language="sv", etag='"e"', meta={"body": "Kommunstyrelsen"}
    )
    row, _ = store.ingest("ä".encode(), "http://x/ä", store.latest(), context)
    line = (tmp_path / "manifest.jsonl").read_text("utf-8")
    assert json.loads(line) == dataclasses.asdict(row)
    assert "Kommunstyrelsen" in line and "http://x/ä" in line  # not \\u-escaped


def test_a_row_appended_after_another_writer_tore_the_last_line_stands_alone(
    tmp_path: Path,
) -> None:
    store = RawStore(tmp_path)
    context = Provenance(source="s")
    store.ingest(b"a", "u1", store.latest(), context)
    manifest = tmp_path / "manifest.jsonl"
    with manifest.open("a", encoding="utf-8") as handle:  # another process, cut short
        handle.write('{"uri": "u9", "sha')
    store.ingest(b"b", "u2", store.latest(), context)
    assert [row.uri for row in RawStore(tmp_path).manifest()] == ["u1", "u2"]


def test_a_document_hash_is_that_of_its_bytes() -> None:
    assert Document(uri="u", data=b"abc").sha256 == sha256_hex(b"abc")

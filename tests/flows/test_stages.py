"""The stages stand alone: fetch, extract and load never import one another (they
share models/ and flows/results.py), the raw zone has one way in, and a Document has
one hash — that of its bytes."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest

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


def test_the_latest_rows_are_read_once_and_follow_the_file(tmp_path: Path) -> None:
    """Stores of one process share the manifest's latest rows (the sources of a run
    fetch at once); a row one of them records is seen by the others without a
    second read, and a manifest changed under them is read again."""
    context = Provenance(source="s")
    first = RawStore(tmp_path)
    row, _ = first.ingest(b"a", "u1", first.latest(), context)
    second = RawStore(tmp_path)
    assert second.latest() is first.latest()
    assert second.latest()["u1"] == row
    other, _ = second.ingest(b"b", "u2", second.latest(), context)
    assert set(first.latest()) == {"u1", "u2"}
    manifest = tmp_path / "manifest.jsonl"
    lines = manifest.read_text("utf-8").splitlines(keepends=True)
    manifest.write_text(lines[1], encoding="utf-8")  # replaced by another writer
    assert RawStore(tmp_path).latest() == {"u2": other}


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

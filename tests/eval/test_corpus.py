"""The real corpus (tests/corpus): accuracy floors per split, and invariants that
must hold for every document whatever its labels say.

The floors are the figures recorded in corpus_floor.json (accuracy rounded down to
3 decimals); after an improvement raise them with MINUTES_REGENERATE_FLOOR=1. The
test split is only reported: never tune on its mismatches.
"""

from __future__ import annotations

import json
import math
import os
import re
from datetime import date
from pathlib import Path

import pytest

from extractors import ExtractionError, extract
from extractors.evaluate import Report, evaluate_lines, load_gold
from models.corpus import SPLITS
from models.ids import sha256_hex
from models.records import Document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
LABELS = sorted((CORPUS / "labels").glob("*.jsonl"))
DOCS = sorted(p for p in (CORPUS / "docs").rglob("*") if p.is_file())
FLOOR = Path(__file__).resolve().parent / "corpus_floor.json"
# The targets of the extraction issue, checked on the test split by the README's
# report (not enforced here: the floors are).
TARGETS = {
    "found": 0.99,
    "body": 0.98,
    "meeting_date": 0.98,
    "section": 0.98,
    "diary_number": 0.98,
    "presenter_name": 0.95,
    "outcome": 0.95,
    "voted": 0.98,
}


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    lines = [line for path in LABELS for line in load_gold(path)]
    return {
        split: evaluate_lines(line for line in lines if line.split == split)
        for split in SPLITS
    }


def floors_of(report: Report) -> dict[str, float]:
    return {
        name: math.floor(report.accuracy(name) * 1000) / 1000
        for name in [*report.fields(), "all"]
    }


def test_corpus_meets_its_size_targets() -> None:
    lines = [line for path in LABELS for line in load_gold(path)]
    orgs = {line.org for line in lines}
    swedish = sum(line.gold.get("language") == "sv" for line in lines)
    assert len(lines) >= 300 and len(orgs) >= 80
    assert swedish / len(lines) >= 0.25
    assert {line.split for line in lines} == set(SPLITS)


def test_no_field_below_its_floor_in_either_split(reports: dict[str, Report]) -> None:
    if os.environ.get("MINUTES_REGENERATE_FLOOR") == "1":
        floors = {split: floors_of(report) for split, report in reports.items()}
        FLOOR.write_text(json.dumps(floors, indent=2) + "\n", "utf-8")
    floors = json.loads(FLOOR.read_text("utf-8"))
    below = [
        f"{split} {name} {acc:.3f} < {floor}"
        for split, report in reports.items()
        for name, acc, floor in report.below(floors[split])
    ]
    assert not below, "accuracy dropped: " + ", ".join(below)


# --- invariants over every document of the corpus ----------------------------------


def extracted(path: Path) -> list:
    data = path.read_bytes()
    try:
        return extract(Document(uri=str(path), data=data, sha256=sha256_hex(data)))
    except ExtractionError:
        return []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_item_has_a_section_a_title_or_a_decision_and_valid_dates(
    path: Path,
) -> None:
    # a numbered decision list ("3. Kaupunginvaltuusto hyväksyi …") prints no title
    for item in extracted(path):
        assert item.section is not None or item.title or item.decision, (
            "an item with neither §, title nor decision"
        )
        if item.meeting_date is not None:
            year = date.fromisoformat(item.meeting_date).year
            assert 1990 <= year <= date.today().year + 1
        for handling in item.earlier_handlings:
            if handling.meeting_date:
                date.fromisoformat(handling.meeting_date)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_no_field_holds_another_items_text(path: Path) -> None:
    items = extracted(path)
    for item in items:
        own = " ".join(filter(None, (item.proposal, item.decision)))
        for other in items:
            if other is item or not other.title or len(other.title) < 25:
                continue
            assert other.title not in (item.title or ""), "a title of two items"
            header = re.escape(f"§ {other.section} {other.title}")
            assert not re.search(header, own), "another item's header in a text field"

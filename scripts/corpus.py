#!/usr/bin/env python3
"""Check and count the real corpus's label files (tests/corpus/labels/*.jsonl).

python scripts/corpus.py check     # every line well-formed; exit 1 with the problems
python scripts/corpus.py stats     # items, organisations, languages, systems, splits
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from models.corpus import split_of  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
REQUIRED_GOLD = (
    "body",
    "meeting_date",
    "section",
    "diary_number",
    "title",
    "doc_kind",
    "language",
    "presenter_name",
    "outcome",
    "voted",
)
OPTIONAL_GOLD = ("presenter_title", "preparers", "votes", "disqualified", "body_abbrev")
OUTCOMES = {
    "approved",
    "amended",
    "rejected",
    "tabled",
    "returned",
    "noted",
    "removed",
    "elected",
    "other",
    None,
}
SYSTEMS = {
    "dynasty",
    "tweb",
    "cloudnc",
    "ahjo",
    "turku",
    "pdf",
    "web",
    "mfiles",
    "other",
}
ORG_KINDS = {
    "municipality",
    "city",
    "wellbeing county",
    "joint authority",
    "region",
    "other",
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def problems_of(obj: dict, label_file: Path) -> list[str]:
    """What is wrong with one label line."""
    found = []
    for key in ("path", "item_index", "org", "org_kind", "system", "source", "gold"):
        if key not in obj:
            found.append(f"missing '{key}'")
    if found:
        return found
    if not (label_file.parent / obj["path"]).exists():
        found.append(f"no file {obj['path']}")
    if obj["system"] not in SYSTEMS:
        found.append(f"system {obj['system']!r} not in {sorted(SYSTEMS)}")
    if obj["org_kind"] not in ORG_KINDS:
        found.append(f"org_kind {obj['org_kind']!r} not in {sorted(ORG_KINDS)}")
    gold = obj["gold"]
    for key in REQUIRED_GOLD:
        if key not in gold:
            found.append(f"gold lacks '{key}'")
    for key in gold:
        if key not in REQUIRED_GOLD + OPTIONAL_GOLD:
            found.append(f"unknown gold key '{key}'")
    if gold.get("outcome", None) not in OUTCOMES:
        found.append(f"outcome {gold.get('outcome')!r}")
    date = gold.get("meeting_date")
    if date is not None and not DATE_RE.match(str(date)):
        found.append(f"meeting_date {date!r} is not YYYY-MM-DD")
    section = gold.get("section")
    if section is not None and (
        not isinstance(section, int) or isinstance(section, bool)
    ):
        found.append(f"section {section!r} is not an integer")
    if not isinstance(gold.get("voted"), bool):
        found.append("voted must be true or false")
    if gold.get("language") not in ("fi", "sv"):
        found.append("language must be fi or sv")
    if gold.get("doc_kind") not in ("minutes", "agenda"):
        found.append("doc_kind must be minutes or agenda")
    return found


def lines() -> list[tuple[Path, int, dict]]:
    """(label file, line number, object) of every label line."""
    result = []
    for label_file in sorted((CORPUS / "labels").glob("*.jsonl")):
        for number, text in enumerate(label_file.read_text("utf-8").splitlines(), 1):
            if text.strip():
                result.append((label_file, number, json.loads(text)))
    return result


def check() -> int:
    """Print every problem; 1 when there is any."""
    bad = 0
    seen: dict[tuple[str, int], str] = {}
    for label_file, number, obj in lines():
        where = f"{label_file.name}:{number}"
        issues = problems_of(obj, label_file)
        key = (
            str((label_file.parent / obj.get("path", "")).resolve()),
            obj.get("item_index"),
        )
        if key in seen:
            issues.append(f"same file and item_index as {seen[key]}")
        seen[key] = where
        for issue in issues:
            print(f"{where}: {issue}")
        bad += bool(issues)
    print(f"{len(seen)} lines, {bad} with problems")
    return 1 if bad else 0


def stats() -> int:
    """Counts that the corpus targets are stated in."""
    rows = [obj for _, _, obj in lines()]
    orgs = {obj["org"] for obj in rows}
    print(f"items {len(rows)}, organisations {len(orgs)}")
    sv = sum(obj["gold"].get("language") == "sv" for obj in rows)
    print(f"swedish items {sv} ({sv / max(len(rows), 1):.0%})")
    for key in ("system", "org_kind", "retrieved"):
        print(key, dict(Counter(obj.get(key) for obj in rows).most_common()))
    years = Counter(obj.get("year") for obj in rows)
    print("years", dict(sorted(years.items(), key=lambda kv: str(kv[0]))))
    outcomes = Counter(obj["gold"].get("outcome") for obj in rows)
    print("outcomes", dict(outcomes.most_common()))
    print("voted", sum(obj["gold"].get("voted") is True for obj in rows))
    splits = Counter(split_of(obj["org"]) for obj in rows)
    split_orgs = Counter(split_of(org) for org in orgs)
    print("split items", dict(splits), "split orgs", dict(split_orgs))
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    sys.exit({"check": check, "stats": stats}[command]())

"""Score extraction against labelled items (the gold file of CONTRACT.md).

A gold line is `{"path", "item_index", "gold": {field: value}}`, optionally with
`"meta"` (listing context, as `minutes extract --meta`) and `"municipality"`;
`path` is relative to the gold file's directory. Comparison rules:

- strings are compared after collapsing whitespace (case matters);
- `presenter_name` / `presenter_title` compare to `presenter.name` / `.title`;
- `preparers` (or `preparer_names`) given as a list of strings compares to the
  record's preparer names; a list of objects compares each object on the keys the
  gold gives (so `votes` may omit `absent` or `motion`);
- lists compare as lists (order and length matter); anything else by equality;
- the item is the extracted one with the gold's § (the one at `item_index` when
  several share it); when the gold's § is null, the one with the gold's title;
  else the one at `item_index` (so one item dropped or added in a whole-meeting
  document does not shift every later one);
- a missing item (no such §, title or index, or a file that fails to extract)
  counts every gold field of that line as a mismatch, with the reason; `found`
  counts the gold items that were found at all.

A corpus line may also name its organisation (`org`): its split (dev or test) is
`models.corpus.split_of(org)`, and `evaluate(..., split=...)` scores one split.

No printing here: the CLI renders the `Report`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from extractors.errors import ExtractionError
from models.corpus import split_of
from models.records import RECORD_FIELDS, Document

ALIASES = ("presenter_name", "presenter_title", "preparer_names")
KNOWN_FIELDS = frozenset(RECORD_FIELDS) | frozenset(ALIASES)
ALL = "all"
FOUND = "found"
ANY = object()  # a gold line without `section`: the item at item_index is taken
FIELD_ORDER = [
    alias
    for name in RECORD_FIELDS
    for alias in (name, *(a for a in ALIASES if a.startswith(name.rstrip("s") + "_")))
]

Record = dict[str, Any]
Extractor = Callable[["GoldLine"], list[Record]]


class GoldError(ValueError):
    """A gold file line that cannot be used; the message names the line."""


@dataclass(frozen=True)
class GoldLine:
    """One labelled item: which file, which item in it, the expected fields."""

    path: Path
    item_index: int
    gold: dict[str, Any]
    meta: dict[str, str] = field(default_factory=dict)
    municipality: str | None = None
    label: str = ""
    org: str | None = None

    @property
    def split(self) -> str | None:
        """dev or test for a corpus line (by its organisation), else None."""
        return split_of(self.org) if self.org else None

    def cache_key(self) -> tuple[str, str, str | None]:
        """Extraction depends on the file, its listing meta and the municipality."""
        return (
            str(self.path),
            json.dumps(self.meta, sort_keys=True),
            self.municipality,
        )


@dataclass(frozen=True)
class Mismatch:
    """One gold field whose extracted value differs (or could not be had)."""

    path: str
    item_index: int
    field: str
    expected: Any
    got: Any
    reason: str | None = None


@dataclass
class FieldScore:
    """How many labelled values of one field the extractor got right."""

    matched: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        """matched / total (1.0 for an unlabelled field)."""
        return self.matched / self.total if self.total else 1.0


@dataclass
class Report:
    """Per-field scores, every mismatch, and how many items were scored."""

    scores: dict[str, FieldScore] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    items: int = 0

    def fields(self) -> list[str]:
        """The scored fields in record order, aliases beside their field."""
        order = {name: i for i, name in enumerate(FIELD_ORDER)}
        return sorted(self.scores, key=lambda name: order.get(name, -1))

    def overall(self) -> FieldScore:
        """All labelled values of all fields together (`found` apart)."""
        values = [s for name, s in self.scores.items() if name != FOUND]
        return FieldScore(sum(s.matched for s in values), sum(s.total for s in values))

    def accuracy(self, name: str) -> float:
        """The accuracy of one field, or of all fields for `all`."""
        if name == ALL:
            return self.overall().accuracy
        if name not in self.scores:
            raise KeyError(name)
        return self.scores[name].accuracy

    def below(self, floors: dict[str, float]) -> list[tuple[str, float, float]]:
        """(field, accuracy, floor) for each field under its floor."""
        found = ((name, self.accuracy(name), floor) for name, floor in floors.items())
        return [(name, acc, floor) for name, acc, floor in found if acc < floor]


# --- reading the gold file ---------------------------------------------------------


def load_gold(path: Path) -> list[GoldLine]:
    """The gold lines of a JSON Lines file; blank lines and `//` comments skipped."""
    lines = []
    for number, text in enumerate(path.read_text("utf-8").splitlines(), 1):
        if text.strip() and not text.lstrip().startswith("//"):
            lines.append(parse_line(text, path.parent, f"{path}:{number}"))
    return lines


def parse_line(text: str, base: Path, label: str) -> GoldLine:
    """One gold line, paths resolved against `base`; GoldError names the line."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as error:
        raise GoldError(f"{label}: not JSON ({error.msg})") from error
    check_line(obj, label)
    return GoldLine(
        path=Path(os.path.normpath(base / obj["path"])),
        item_index=obj["item_index"],
        gold=obj["gold"],
        meta={k: str(v) for k, v in (obj.get("meta") or {}).items()},
        municipality=obj.get("municipality"),
        label=label,
        org=obj.get("org"),
    )


def check_line(obj: Any, label: str) -> None:
    """Raise GoldError unless the line has the contract's shape and known fields."""
    if not isinstance(obj, dict) or not isinstance(obj.get("path"), str):
        raise GoldError(f"{label}: needs a string 'path'")
    index = obj.get("item_index")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise GoldError(f"{label}: needs a 0-based integer 'item_index'")
    if not isinstance(obj.get("gold"), dict) or not obj["gold"]:
        raise GoldError(f"{label}: needs a non-empty 'gold' object")
    unknown = sorted(set(obj["gold"]) - KNOWN_FIELDS)
    if unknown:
        raise GoldError(f"{label}: unknown gold field(s) {', '.join(unknown)}")


# --- extraction, once per file -------------------------------------------------------


def extract_line(line: GoldLine) -> list[Record]:
    """The records of a gold line's file, with its meta and municipality."""
    from extractors import extract

    data = line.path.read_bytes()
    document = Document(
        uri=str(line.path),
        data=data,
        municipality=line.municipality,
        meta=dict(line.meta),
    )
    return [item.to_dict() for item in extract(document)]


class CachedExtractor:
    """Extracts each (file, meta, municipality) once; remembers failures too."""

    def __init__(self, extractor: Extractor = extract_line) -> None:
        self.extractor = extractor
        self.done: dict[tuple[str, str, str | None], list[Record] | str] = {}

    def __call__(self, line: GoldLine) -> list[Record] | str:
        """The records, or the reason extraction failed."""
        key = line.cache_key()
        if key not in self.done:
            self.done[key] = self._run(line)
        return self.done[key]

    def _run(self, line: GoldLine) -> list[Record] | str:
        """Call the extractor, turning a failure into its reason."""
        try:
            return self.extractor(line)
        except (OSError, ExtractionError) as error:
            return f"extraction failed: {error}"
        except Exception as error:  # a bug: scored as missing, named for fixing
            return f"internal error: {type(error).__name__}: {error}"


# --- comparison ----------------------------------------------------------------------


def collapse(value: Any) -> Any:
    """Strings with whitespace collapsed, recursively through lists and objects."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list | tuple):
        return [collapse(v) for v in value]
    if isinstance(value, dict):
        return {k: collapse(v) for k, v in value.items()}
    return value


def actual(record: Record, name: str, expected: Any) -> Any:
    """The record's value for a gold field, shaped like the gold value."""
    return plain(_actual(record, name, expected))


def plain(value: Any) -> Any:
    """Enums as their values, recursively (records may hold `Outcome` members)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _actual(record: Record, name: str, expected: Any) -> Any:
    """The raw record value behind a gold field (aliases resolved)."""
    if name in ("presenter_name", "presenter_title"):
        presenter = record.get("presenter") or {}
        return presenter.get(name.removeprefix("presenter_"))
    if name == "preparer_names" or (name == "preparers" and _all_strings(expected)):
        return [p.get("name") for p in record.get("preparers") or []]
    return record.get(name)


def _all_strings(value: Any) -> bool:
    """A list whose every element is a string (or None)."""
    return isinstance(value, list) and all(
        v is None or isinstance(v, str) for v in value
    )


def matches(expected: Any, got: Any) -> bool:
    """The comparison rules: collapsed strings, gold-keyed objects, lists as lists."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(
            k in got and matches(v, got[k]) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list | tuple)
            and len(expected) == len(got)
            and all(matches(e, g) for e, g in zip(expected, got, strict=True))
        )
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    return bool(collapse(expected) == collapse(got))


# --- scoring -------------------------------------------------------------------------


def evaluate(
    paths: Path | Iterable[Path],
    extractor: Extractor = extract_line,
    split: str | None = None,
) -> Report:
    """Score gold files (optionally one split of a corpus); each file is extracted
    once."""
    files = [paths] if isinstance(paths, Path) else list(paths)
    lines = [line for path in files for line in load_gold(path)]
    if split is not None:
        lines = [line for line in lines if line.split == split]
    return evaluate_lines(lines, extractor)


def evaluate_lines(
    lines: Iterable[GoldLine], extractor: Extractor = extract_line
) -> Report:
    """Score gold lines against what the extractor gives for their files."""
    cached = CachedExtractor(extractor)
    report = Report()
    for line in lines:
        score_line(report, line, cached(line))
    return report


def score_line(report: Report, line: GoldLine, found: list[Record] | str) -> None:
    """Add one gold line's fields to the report."""
    report.items += 1
    record, reason = pick(
        found, line.item_index, line.gold.get("section", ANY), line.gold.get("title")
    )
    tally(report, FOUND, record is not None)
    for name, expected in line.gold.items():
        got = actual(record, name, expected) if record is not None else None
        ok = record is not None and matches(expected, got)
        tally(report, name, ok)
        if not ok:
            report.mismatches.append(
                Mismatch(str(line.path), line.item_index, name, expected, got, reason)
            )


def pick(
    found: list[Record] | str,
    index: int,
    section: Any = ANY,
    title: str | None = None,
) -> tuple[Record | None, str | None]:
    """The gold's item: by its §, by its title when its § is null, else by index;
    None with the reason when it is missing."""
    if isinstance(found, str):
        return None, found
    if section is ANY or (section is None and not title):
        if index < len(found):
            return found[index], None
        return None, f"no item {index}: the file gave {len(found)} item(s)"
    if section is None:
        same = [r for r in found if matches(title, r.get("title"))]
        what = f"title {title!r}"
    else:
        same = [r for r in found if r.get("section") == section]
        what = f"§ {section}"
    if not same:
        return None, f"no item with {what} ({len(found)} item(s) found)"
    at_index = found[index] if index < len(found) else None
    return (at_index if at_index in same else same[0]), None


def tally(report: Report, name: str, ok: bool) -> None:
    """Count one labelled value of a field."""
    score = report.scores.setdefault(name, FieldScore())
    score.total += 1
    score.matched += int(ok)


def parse_floor(text: str) -> tuple[str, float]:
    """`FIELD=FLOAT` (a --min-accuracy value); ValueError when malformed."""
    name, sep, number = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"'{text}': use FIELD=FLOAT, e.g. outcome=0.97")
    value = float(number)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"'{text}': the accuracy must be between 0 and 1")
    return name.strip(), value

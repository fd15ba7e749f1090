"""The fault table: for each kind of fault, how many cases the suite tried and how
the system came out of them.

Columns (one row per fault kind):

- cases: inputs or situations tried (one parametrized case, one hypothesis example);
- survived: cases that ended as the contract says (a result, or a reasoned refusal
  such as `ExtractionError`, `FetchError`, `SourcesError`), never a traceback;
- rows lost / rows duplicated: rows (items, manifest rows, warehouse rows) missing or
  doubled against what the case must keep; "–" where the fault does not measure rows;
- wrong values: invariant violations (a field that is not what it must be).

A test adds to the table in one of two ways (tests/faults/conftest.py):

- `pytestmark = pytest.mark.fault("torn manifest")`: each test of the module is one
  case, survived when it passes;
- the `faults` fixture: `faults.record(survived=..., lost=..., duplicated=...,
  wrong=...)` once per case, for tests that try many cases (hypothesis) or measure
  rows. A test that fails after recording adds one more case that did not survive.

At the end of the session the table is printed, and written as JSON to the path in
MINUTES_FAULTS_JSON when that is set.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

JSON_ENV = "MINUTES_FAULTS_JSON"
COLUMNS = ("fault", "cases", "survived", "rows lost", "rows duplicated", "wrong values")


@dataclass
class Row:
    """The figures of one fault kind."""

    fault: str
    cases: int = 0
    survived: int = 0
    lost: int | None = None  # None: this fault does not measure rows
    duplicated: int | None = None
    wrong: int = 0
    seconds: float = 0.0

    def cells(self) -> tuple[str, ...]:
        """The row as printed."""

        def count(value: int | None) -> str:
            return "–" if value is None else str(value)

        return (
            self.fault,
            str(self.cases),
            str(self.survived),
            count(self.lost),
            count(self.duplicated),
            str(self.wrong),
        )


def _add(total: int | None, value: int | None) -> int | None:
    """A column total; None stays None until a case measures the column."""
    if value is None:
        return total
    return (total or 0) + value


@dataclass
class FaultTable:
    """The rows in the order their faults were first recorded."""

    rows: dict[str, Row] = field(default_factory=dict)

    def row(self, fault: str) -> Row:
        """The row of a fault kind, created empty on first use."""
        return self.rows.setdefault(fault, Row(fault))

    def record(
        self,
        fault: str,
        *,
        survived: bool,
        lost: int | None = None,
        duplicated: int | None = None,
        wrong: int = 0,
    ) -> None:
        """One case of a fault: whether it survived, rows lost and duplicated (None
        when not measured), invariant violations."""
        row = self.row(fault)
        row.cases += 1
        row.survived += bool(survived)
        row.lost = _add(row.lost, lost)
        row.duplicated = _add(row.duplicated, duplicated)
        row.wrong += wrong

    def add_time(self, fault: str, seconds: float) -> None:
        """Time spent on a fault's tests (setup, call and teardown)."""
        self.row(fault).seconds += seconds

    def clean(self) -> bool:
        """True when every case survived and nothing was lost, doubled or wrong."""
        return all(
            row.survived == row.cases
            and not row.lost
            and not row.duplicated
            and not row.wrong
            for row in self.rows.values()
        )

    def lines(self) -> list[str]:
        """The table as aligned plain-text lines (header, rule, rows, total)."""
        rows = list(self.rows.values())
        total = Row(
            "total",
            cases=sum(r.cases for r in rows),
            survived=sum(r.survived for r in rows),
            wrong=sum(r.wrong for r in rows),
        )
        for row in rows:
            total.lost = _add(total.lost, row.lost)
            total.duplicated = _add(total.duplicated, row.duplicated)
        body = [row.cells() for row in [*rows, total]]
        widths = [max(len(c[i]) for c in [COLUMNS, *body]) for i in range(len(COLUMNS))]

        def line(cells: tuple[str, ...]) -> str:
            first = cells[0].ljust(widths[0])
            rest = (
                cell.rjust(width)
                for cell, width in zip(cells[1:], widths[1:], strict=True)
            )
            return "  ".join([first, *rest]).rstrip()

        rule = "  ".join("-" * width for width in widths)
        return [
            line(COLUMNS),
            rule,
            *(line(c) for c in body[:-1]),
            rule,
            line(body[-1]),
        ]

    def as_json(self) -> dict[str, object]:
        """The rows (and whether the table is clean) as a JSON-ready object."""
        return {
            "clean": self.clean(),
            "rows": [asdict(row) for row in self.rows.values()],
        }

    def write_json(self) -> Path | None:
        """Write the JSON to $MINUTES_FAULTS_JSON when set; the path written."""
        target = os.environ.get(JSON_ENV)
        if not target:
            return None
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        return path

"""`minutes report`: one self-contained HTML page (no scripts, no external files)
made with the browse app's templates and charts: totals, decisions over time per
body, outcome mix per municipality, field coverage per source, the latest run and
the latest decisions with links to their published documents (and to the app's
item pages with --browse-url)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
from markupsafe import Markup

from flows.load import COUNT_NAMES
from web import charts, queries
from web.app import TEMPLATE_ENV
from web.i18n import Label, translator


@dataclass
class Section:
    """One section of the report: its anchor, the catalogue key of its heading,
    its chart and rows."""

    id: str
    label: str
    chart: Markup | None = None
    rows: list[Any] = field(default_factory=list)


def build_report(
    con: duckdb.DuckDBPyConnection,
    source: str,
    lang: str = "en",
    browse_url: str | None = None,
) -> str:
    """The report page for a warehouse connection."""
    t = translator(lang)
    sections = [
        decisions_section(con, t),
        outcome_section(con, t),
        coverage_section(con, t),
        run_section(con, t),
        Section(
            "latest-decisions", "latest_decisions", rows=queries.latest_decisions(con)
        ),
    ]
    template = TEMPLATE_ENV.get_template("report.html")
    return template.render(
        t=t,
        lang=lang,
        page=None,
        static=True,
        source=source,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        totals=queries.totals(con),
        sections=sections,
        browse_url=(browse_url or "").rstrip("/") or None,
    )


def decisions_section(con: duckdb.DuckDBPyConnection, t: Label) -> Section:
    """Minutes items per period, one colour per body."""
    _, found = queries.decisions_per_period(con)
    chart = charts.decisions_over_time(found, t) if found else None
    return Section("decisions-over-time", "decisions_over_time", chart)


def outcome_section(con: duckdb.DuckDBPyConnection, t: Label) -> Section:
    """The share of each outcome per municipality."""
    found = queries.outcomes_per_municipality(con)
    return Section(
        "outcome-mix",
        "outcome_per_municipality",
        charts.outcome_shares(found, t) if found else None,
    )


def coverage_section(con: duckdb.DuckDBPyConnection, t: Label) -> Section:
    """Field coverage per source (heatmap) and documents / quarantined per source."""
    found = queries.coverage(con)
    if not found:
        return Section("field-coverage", "field_coverage")
    per_source = {r["source"]: r for r in found}
    return Section(
        "field-coverage",
        "field_coverage",
        charts.coverage_heatmap(found, t),
        [per_source[s] for s in sorted(per_source)],
    )


def run_section(con: duckdb.DuckDBPyConnection, t: Label) -> Section:
    """The newest run: its facts and its counts as bars."""
    run = queries.latest_run(con)
    if run is None:
        return Section("latest-run", "latest_run")
    counts = {name.replace("_", " "): float(run[name]) for name in COUNT_NAMES}
    seconds = (run["finished_at"] - run["started_at"]).total_seconds()
    facts = [
        ("run", run["run_id"]),
        ("kind", run["kind"]),
        ("status", run.get("status") or ""),
        ("started", str(run["started_at"])[:19]),
        ("duration", f"{seconds:.1f} s"),
        ("sources", ", ".join(_json_list(run["sources"]))),
        ("extractor version", run["extractor_version"]),
    ]
    return Section(
        "latest-run", "latest_run", charts.counts_bars(counts, t("count")), facts
    )


def _json_list(value: object) -> list[str]:
    """A JSON list column as strings."""
    items = json.loads(value) if isinstance(value, str) else value
    return [str(v) for v in items] if isinstance(items, list) else []

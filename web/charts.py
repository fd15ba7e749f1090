"""Charts with Altair (Vega-Lite), rendered to inline SVG on the server by
vl-convert: the pages need no JavaScript to show them, and the static report stays
one self-contained file."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import altair as alt
import vl_convert
from markupsafe import Markup

from models.vocab import Outcome

OUTCOME_COLORS = {
    "approved": "#2e7d32",
    "amended": "#81c784",
    "rejected": "#c62828",
    "tabled": "#ef6c00",
    "returned": "#f9a825",
    "noted": "#1565c0",
    "removed": "#757575",
    "elected": "#6a1b9a",
    "other": "#8d6e63",
    "(none)": "#cfd8dc",
}
OUTCOME_ORDER = [o.value for o in Outcome] + ["(none)"]
MAX_SERIES = 9  # bodies shown by name; the rest are summed as one series
WIDTH = 640
Label = Callable[[str], str]


def svg(chart: alt.TopLevelMixin) -> Markup:
    """A chart as an inline SVG element."""
    return Markup(_render(json.dumps(chart.to_dict(), sort_keys=True)))


@lru_cache(maxsize=256)
def _render(spec: str) -> str:
    """Vega-Lite JSON to SVG (cached: the same data draws the same chart)."""
    return str(vl_convert.vegalite_to_svg(json.loads(spec)))


def _data(rows: Sequence[dict[str, Any]]) -> alt.Data:
    """Rows as inline chart data (JSON-safe values)."""
    return alt.Data(values=[{k: _plain(v) for k, v in r.items()} for r in rows])


def _plain(value: Any) -> Any:
    """A value Vega-Lite reads: numbers and strings as they are, others as text."""
    return (
        value if isinstance(value, int | float | str) or value is None else str(value)
    )


def outcome_scale(t: Label, present: Sequence[str]) -> alt.Scale:
    """Fixed colours per outcome, in the vocabulary's order."""
    domain = [o for o in OUTCOME_ORDER if o in present]
    return alt.Scale(
        domain=[outcome_label(t, o) for o in domain],
        range=[OUTCOME_COLORS[o] for o in domain],
    )


def outcome_label(t: Label, outcome: str) -> str:
    """An outcome in the interface language."""
    return t("none") if outcome == "(none)" else t(f"outcome_{outcome}")


def outcomes_over_time(rows: Sequence[dict[str, Any]], t: Label) -> Markup:
    """Stacked columns: items per period, coloured by outcome."""
    present = sorted({r["outcome"] for r in rows})
    labelled = [{**r, "outcome": outcome_label(t, r["outcome"])} for r in rows]
    chart = (
        alt.Chart(_data(labelled))
        .mark_bar()
        .encode(
            x=alt.X("period:O", title=t("period")),
            y=alt.Y("items:Q", title=t("items")),
            color=alt.Color(
                "outcome:N", title=t("outcome"), scale=outcome_scale(t, present)
            ),
            order=alt.Order("outcome:N"),
            tooltip=["period:O", "outcome:N", "items:Q"],
        )
        .properties(width=WIDTH, height=220, title=t("outcome_mix"))
    )
    return svg(chart)


def items_per_meeting(rows: Sequence[dict[str, Any]], t: Label) -> Markup:
    """Columns: items of each meeting, by date."""
    data = [{"date": str(r["meeting_date"]), "items": r["items"]} for r in rows]
    chart = (
        alt.Chart(_data(data))
        .mark_bar(color="#4e79a7")
        .encode(
            x=alt.X("date:O", title=t("date"), sort="ascending"),
            y=alt.Y("items:Q", title=t("items")),
            tooltip=["date:O", "items:Q"],
        )
        .properties(width=WIDTH, height=180, title=t("meetings"))
    )
    return svg(chart)


def top_series(rows: Sequence[dict[str, Any]], key: str, other: str) -> list[dict]:
    """Rows with all but the MAX_SERIES biggest values of `key` renamed `other`."""
    totals: dict[str, int] = {}
    for r in rows:
        totals[r[key]] = totals.get(r[key], 0) + r["items"]
    top = set(sorted(totals, key=lambda k: (-totals[k], k))[:MAX_SERIES])
    return [{**r, key: r[key] if r[key] in top else other} for r in rows]


def decisions_over_time(rows: Sequence[dict[str, Any]], t: Label) -> Markup:
    """Stacked columns: minutes items per period, one colour per body."""
    data = top_series(rows, "body", "…")
    chart = (
        alt.Chart(_data(data))
        .mark_bar()
        .encode(
            x=alt.X("period:O", title=t("period")),
            y=alt.Y("sum(items):Q", title=t("items")),
            color=alt.Color("body:N", title=t("body")),
            tooltip=["period:O", "body:N", "sum(items):Q"],
        )
        .properties(width=WIDTH, height=240)
    )
    return svg(chart)


def outcome_shares(rows: Sequence[dict[str, Any]], t: Label) -> Markup:
    """100 % bars: the share of each outcome per municipality."""
    present = sorted({r["outcome"] for r in rows})
    labelled = [{**r, "outcome": outcome_label(t, r["outcome"])} for r in rows]
    chart = (
        alt.Chart(_data(labelled))
        .mark_bar()
        .encode(
            y=alt.Y("municipality:N", title=t("municipality")),
            x=alt.X(
                "items:Q",
                stack="normalize",
                title=t("share"),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "outcome:N", title=t("outcome"), scale=outcome_scale(t, present)
            ),
            tooltip=["municipality:N", "outcome:N", "items:Q"],
        )
        .properties(width=WIDTH - 120)
    )
    return svg(chart)


def coverage_heatmap(rows: Sequence[dict[str, Any]], t: Label) -> Markup:
    """A heatmap of the share of items with a value, per source and field."""
    data = [
        {"source": r["source"], "field": r["field"], "pct": r["coverage_pct"]}
        for r in rows
    ]
    base = alt.Chart(_data(data)).encode(
        x=alt.X("source:N", title=t("source")),
        y=alt.Y("field:N", title=t("field")),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "pct:Q",
            title=t("coverage"),
            scale=alt.Scale(domain=[0, 100], scheme="blues"),
        ),
        tooltip=["source:N", "field:N", "pct:Q"],
    )
    labels = base.mark_text(fontSize=10).encode(
        text=alt.Text("pct:Q", format=".0f"),
        color=alt.condition("datum.pct > 60", alt.value("white"), alt.value("#222")),
    )
    return svg((cells + labels).properties(width=max(120, 60 * _count(data, "source"))))


def counts_bars(counts: dict[str, float], title: str) -> Markup:
    """Horizontal bars of named counts (e.g. a run's counts)."""
    data = [{"name": k, "value": v} for k, v in counts.items()]
    chart = (
        alt.Chart(_data(data))
        .mark_bar(color="#4e79a7")
        .encode(
            y=alt.Y("name:N", sort=None, title=None),
            x=alt.X("value:Q", title=title),
            tooltip=["name:N", "value:Q"],
        )
        .properties(width=WIDTH - 160)
    )
    return svg(chart)


def _count(rows: Sequence[dict[str, Any]], key: str) -> int:
    """Distinct values of a key."""
    return len({r[key] for r in rows})

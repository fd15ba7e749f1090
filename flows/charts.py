"""Inline SVG charts for the HTML report: pure functions, strings in, SVG out.
No scripts, no external fonts or files, so the page stays self-contained."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from html import escape

FONT = "font-family='system-ui, sans-serif' font-size='12'"
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
WIDTH = 960


def color(index: int) -> str:
    """The palette's colour for a series index (wraps around)."""
    return PALETTE[index % len(PALETTE)]


def ink_on(fill: str) -> str:
    """Black or white text, whichever reads better on a '#rrggbb' fill."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", fill):
        return "#222"
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#222" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#fff"


def svg(width: int, height: int, body: str, label: str) -> str:
    """An SVG element that scales to its container, with an accessible label."""
    return (
        f"<svg class='chart' role='img' aria-label='{escape(label)}'"
        f" viewBox='0 0 {width} {height}' width='100%' {FONT}"
        f" xmlns='http://www.w3.org/2000/svg'>{body}</svg>"
    )


def rect(x: float, y: float, w: float, h: float, fill: str, tip: str) -> str:
    """A filled rectangle with a hover tooltip."""
    return (
        f"<rect x='{x:.1f}' y='{y:.1f}' width='{max(w, 0):.1f}'"
        f" height='{max(h, 0):.1f}' fill='{fill}'><title>{escape(tip)}</title></rect>"
    )


def text(x: float, y: float, value: str, anchor: str = "start", extra: str = "") -> str:
    """A text label."""
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' {extra}>"
        f"{escape(value)}</text>"
    )


def legend(names: Sequence[str], colors: Mapping[str, str], y: float) -> str:
    """A legend of coloured squares and names, four to a row."""
    parts = []
    for i, name in enumerate(names):
        x, row = 10 + (i % 4) * 237, y + (i // 4) * 18
        parts.append(rect(x, row - 10, 12, 12, colors[name], name))
        parts.append(text(x + 18, row, _clip(name, 34)))
    return "".join(parts)


def legend_height(count: int) -> int:
    """Pixels the legend of `count` names needs."""
    return 18 * ((count + 3) // 4) + 10


def _clip(value: str, size: int) -> str:
    """A label shortened to `size` characters with an ellipsis."""
    return value if len(value) <= size else value[: size - 1] + "…"


def nice_max(value: float) -> float:
    """A round axis maximum at or above value (at least 5, so steps are whole)."""
    if value <= 5:
        return 5.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if value <= m * magnitude)


def y_axis(top: float, height: float, maximum: float, left: float, right: float) -> str:
    """Horizontal grid lines with value labels, five steps."""
    parts = []
    for i in range(6):
        value = maximum * i / 5
        y = top + height - height * i / 5
        parts.append(
            f"<line x1='{left}' x2='{right}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>"
        )
        parts.append(text(left - 6, y + 4, f"{value:g}", "end"))
    return "".join(parts)


def stacked_columns(
    categories: Sequence[str], series: Mapping[str, Sequence[float]], label: str
) -> str:
    """Vertical stacked columns: one column per category, one colour per series."""
    names = list(series)
    colors = {name: color(i) for i, name in enumerate(names)}
    totals = [sum(series[n][i] for n in names) for i in range(len(categories))]
    top, plot_h, left, right = 10, 260, 50, WIDTH - 10
    maximum = nice_max(max(totals, default=1))
    slot = (right - left) / max(len(categories), 1)
    parts = [y_axis(top, plot_h, maximum, left, right)]
    for i, category in enumerate(categories):
        parts.append(_column(i, category, names, series, colors, slot, maximum))
    every = max(1, len(categories) // 16)
    for i, category in enumerate(categories):
        if i % every == 0:
            x = left + slot * (i + 0.5)
            parts.append(text(x, top + plot_h + 16, category, "middle"))
    parts.append(legend(names, colors, top + plot_h + 44))
    height = top + plot_h + 34 + legend_height(len(names))
    return svg(WIDTH, height, "".join(parts), label)


def _column(
    i: int,
    category: str,
    names: Sequence[str],
    series: Mapping[str, Sequence[float]],
    colors: Mapping[str, str],
    slot: float,
    maximum: float,
) -> str:
    """The stacked segments of one column."""
    top, plot_h, left = 10, 260, 50
    x, width = left + slot * i + slot * 0.15, slot * 0.7
    y: float = top + plot_h
    parts = []
    for name in names:
        value = series[name][i]
        h = plot_h * value / maximum
        y -= h
        if value:
            tip = f"{category} · {name}: {value:g}"
            parts.append(rect(x, y, width, h, colors[name], tip))
    return "".join(parts)


def share_bars(
    rows: Mapping[str, Mapping[str, float]],
    order: Sequence[str],
    colors: Mapping[str, str],
    label: str,
) -> str:
    """Horizontal 100 % bars: one bar per row, split by the shares of its parts."""
    left, right, bar_h, gap = 170, WIDTH - 60, 24, 10
    parts = []
    for r, (name, counts) in enumerate(rows.items()):
        y = 10 + r * (bar_h + gap)
        parts.append(text(left - 8, y + 16, _clip(name, 24), "end"))
        parts.append(_share_bar(counts, order, colors, (left, right, y, bar_h)))
        total = sum(counts.values())
        parts.append(text(right + 6, y + 16, f"n={total:g}"))
    used = [o for o in order if any(c.get(o) for c in rows.values())]
    legend_y = 10 + len(rows) * (bar_h + gap) + 20
    parts.append(legend(used, colors, legend_y))
    height = legend_y + legend_height(len(used))
    return svg(WIDTH, height, "".join(parts), label)


def _share_bar(
    counts: Mapping[str, float],
    order: Sequence[str],
    colors: Mapping[str, str],
    box: tuple[float, float, float, float],
) -> str:
    """One 100 % bar, parts in the given order."""
    left, right, y, bar_h = box
    total = sum(counts.values()) or 1
    x, parts = left, []
    for part in order:
        value = counts.get(part, 0)
        w = (right - left) * value / total
        if value:
            tip = f"{part}: {value:g} ({100 * value / total:.0f} %)"
            parts.append(rect(x, y, w, bar_h, colors[part], tip))
            if w > 34:
                share = f"{100 * value / total:.0f}%"
                ink = f"fill='{ink_on(colors[part])}'"
                parts.append(text(x + w / 2, y + 16, share, "middle", ink))
        x += w
    return "".join(parts)


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Mapping[tuple[str, str], float | None],
    label: str,
) -> str:
    """A grid of percentages: rows × columns, darker = higher, '–' = no value."""
    left, top, cell_w, cell_h = (
        130,
        30,
        min(150, (WIDTH - 140) / max(len(columns), 1)),
        24,
    )
    parts = []
    for c, column in enumerate(columns):
        x = left + c * cell_w + cell_w / 2
        parts.append(
            text(x, top - 10, _clip(column, 20), "middle", "font-weight='bold'")
        )
    for r, row in enumerate(rows):
        y = top + r * cell_h
        parts.append(text(left - 8, y + 16, row, "end"))
        for c, column in enumerate(columns):
            box = (left + c * cell_w, y, cell_w, cell_h)
            parts.append(_cell(box, values.get((row, column)), f"{row} · {column}"))
    height = top + len(rows) * cell_h + 10
    return svg(WIDTH, int(height), "".join(parts), label)


def _cell(box: tuple[float, float, float, float], value: float | None, tip: str) -> str:
    """One heatmap cell: a blue whose depth is the percentage, and the number."""
    x, y, w, h = box
    if value is None:
        return rect(x + 1, y + 1, w - 2, h - 2, "#f3f3f3", f"{tip}: no items") + text(
            x + w / 2, y + 16, "–", "middle"
        )
    fill = f"hsl(210, 60%, {95 - 0.55 * value:.0f}%)"
    ink = "#fff" if value > 60 else "#222"
    cell = rect(x + 1, y + 1, w - 2, h - 2, fill, f"{tip}: {value:g} %")
    return cell + text(x + w / 2, y + 16, f"{value:g} %", "middle", f"fill='{ink}'")


def bars(values: Mapping[str, float], label: str, fill: str = "#4e79a7") -> str:
    """Horizontal bars with their values, one per label."""
    left, right, bar_h, gap = 170, WIDTH - 60, 20, 8
    maximum = max(values.values(), default=0) or 1
    parts = []
    for r, (name, value) in enumerate(values.items()):
        y = 10 + r * (bar_h + gap)
        w = (right - left) * value / maximum
        parts.append(text(left - 8, y + 14, _clip(name, 24), "end"))
        parts.append(rect(left, y, w, bar_h, fill, f"{name}: {value:g}"))
        parts.append(text(left + w + 6, y + 14, f"{value:g}"))
    height = 20 + len(values) * (bar_h + gap)
    return svg(WIDTH, height, "".join(parts), label)

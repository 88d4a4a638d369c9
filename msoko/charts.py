"""Charts as SVG drawn on the server: one specification for the page and (later) the PDF.

A `BarChart` is data: a title, categories, series of values and a unit. `svg()` draws it
as grouped bars with the values written on them, a legend and a <title>/<desc> for screen
readers; `rows()` gives the same numbers for the data-table alternative that every chart
carries. The palette is Okabe–Ito (safe for colour-blind readers) and each series has a
hatch as well, so the chart also reads in black-and-white print. Nothing is loaded from
outside; the SVG scales with the page (viewBox), so it stays sharp at 200 % zoom.

Why drawn here rather than by matplotlib or Vega-Lite: the charts the portal needs are
bars and histograms; a few dozen lines give exact control over text, accessibility and
the one number formatter, with no heavy dependency and no binary renderer on the servers.
Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from itertools import count

from msoko import formatting

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
HATCHES = ("", "diagonal", "dots", "cross", "horizontal", "vertical", "")

_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | float | int | None, ...]


@dataclass(frozen=True)
class BarChart:
    """Grouped bars: one group per category, one bar per series."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    places: int = 1
    description: str = ""
    maximum: float | None = None  # the scale's top; by default the largest value
    width: int = 640
    height: int = 280
    marks: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (category, label)

    def rows(self) -> list[list[str]]:
        """The data table: a row per category, a column per series, formatted as shown."""
        return [
            [category, *(self.text(s.values[i]) for s in self.series)]
            for i, category in enumerate(self.categories)
        ]

    def text(self, value: Decimal | float | int | None) -> str:
        shown = formatting.number(value, self.places)
        return f"{shown} {self.unit}".strip() if value is not None and self.unit else shown

    def svg(self) -> str:
        return _draw(self)


def _draw(chart: BarChart) -> str:
    uid = f"chart{next(_ids)}"
    left, right, top, bottom = 44, 12, 12, 58
    plot_w = chart.width - left - right
    plot_h = chart.height - top - bottom
    values = [float(v) for s in chart.series for v in s.values if v is not None]
    top_value = chart.maximum or max(values, default=0.0) or 1.0
    groups = max(len(chart.categories), 1)
    group_w = plot_w / groups
    bar_w = group_w * 0.8 / max(len(chart.series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}" '
        f'class="chart" role="img" aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(chart.title)}</title>',
        f'<desc id="{uid}-desc">{escape(_describe(chart))}</desc>',
        "<defs>",
        *(_pattern(uid, i) for i in range(len(chart.series)) if HATCHES[i % len(HATCHES)]),
        "</defs>",
    ]
    for step in range(5):  # the value axis: 0, ¼, ½, ¾ and the top
        tick = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{chart.width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#ccc" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" font-size="10">'
            f"{escape(formatting.number(tick, 0))}</text>"
        )
    for g, category in enumerate(chart.categories):
        x0 = left + g * group_w + group_w * 0.1
        for s, series in enumerate(chart.series):
            value = series.values[g] if g < len(series.values) else None
            if value is None:
                continue
            h = plot_h * float(value) / top_value
            x = x0 + s * bar_w
            y = top + plot_h - h
            fill = PALETTE[s % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.92:.1f}" height="{h:.1f}" '
                f'fill="{fill}"><title>{escape(series.name)}, {escape(category)}: '
                f"{escape(chart.text(value))}</title></rect>"
            )
            if HATCHES[s % len(HATCHES)]:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.92:.1f}" '
                    f'height="{h:.1f}" fill="url(#{uid}-h{s})" aria-hidden="true"/>'
                )
            parts.append(
                f'<text x="{x + bar_w * 0.46:.1f}" y="{y - 2:.1f}" text-anchor="middle" '
                f'font-size="9">{escape(formatting.number(value, chart.places))}</text>'
            )
        label = dict(chart.marks).get(category, "")
        parts.append(
            f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{top + plot_h + 14}" '
            f'text-anchor="middle" font-size="11">{escape(category)}</text>'
        )
        if label:
            parts.append(
                f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{top + plot_h + 26}" '
                f'text-anchor="middle" font-size="9">{escape(label)}</text>'
            )
    x = left
    for s, series in enumerate(chart.series):  # the legend
        y = chart.height - 14
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
        )
        if HATCHES[s % len(HATCHES)]:
            parts.append(
                f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="url(#{uid}-h{s})"/>'
            )
        parts.append(f'<text x="{x + 14}" y="{y}" font-size="11">{escape(series.name)}</text>')
        x += 24 + 7 * len(series.name)
    parts.append("</svg>")
    return "".join(parts)


def _describe(chart: BarChart) -> str:
    if chart.description:
        return chart.description
    return "; ".join(
        f"{series.name}: "
        + ", ".join(
            f"{c} — {chart.text(v)}" for c, v in zip(chart.categories, series.values, strict=False)
        )
        for series in chart.series
    )


def _pattern(uid: str, index: int) -> str:
    kind = HATCHES[index % len(HATCHES)]
    shapes = {
        "diagonal": '<path d="M0,6 L6,0" stroke="#fff" stroke-width="1"/>',
        "dots": '<circle cx="3" cy="3" r="1" fill="#fff"/>',
        "cross": '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" stroke-width="0.8"/>',
        "horizontal": '<path d="M0,3 L6,3" stroke="#fff" stroke-width="1"/>',
        "vertical": '<path d="M3,0 L3,6" stroke="#fff" stroke-width="1"/>',
    }
    return (
        f'<pattern id="{uid}-h{index}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f"{shapes[kind]}</pattern>"
    )


def mark_distribution(
    title: str, groups: Sequence[tuple[str, dict[int, Decimal | None]]]
) -> BarChart:
    """% of «2»…«5» for each group (a school, the municipality, the region, Russia)."""
    return BarChart(
        title=title,
        categories=("«2»", "«3»", "«4»", "«5»"),
        series=tuple(
            Series(name, tuple(percents.get(mark) for mark in (2, 3, 4, 5)))
            for name, percents in groups
        ),
        unit="%",
        maximum=100.0,
    )

"""Charts as SVG drawn on the server: one specification for the page and (later) the PDF.

Four kinds, each plain data with the same two readings:

- `BarChart(title=, categories=(…), series=(Series(name, values), …), unit=, places=)`:
  grouped bars, one group per category, one bar per series;
- `HBarChart(title=, categories=(…), series=Series(name, values), reference=,
  reference_label=, highlight=)`: horizontal bars, a row per category (30 schools), the
  label on the left and the value at the bar's end, a labelled vertical reference line
  (the municipality's value) and one highlighted category (the user's own school); its
  height grows with the rows and its text keeps one readable size;
- `Histogram(title=, bins=(labels…), counts=(…), markers=((position, label), …),
  x_label=, y_label=)`: counts over consecutive bins (a primary score 0…max), with
  labelled vertical lines at the left edge of the bin `position` (the first score of a
  mark: «3», «4», «5»);
- `Sparkline(title=, points=((label, value | None), …), places=, unit=)`: a small line
  (~120 × 32) of a short series (3–5 years), a gap at a missing value, the last value
  written beside it.

`svg()` draws the chart with the values written on it and a <title>/<desc> for screen
readers, and returns markup that templates insert as it is (`Svg`, which has
`__html__`; every text inside is escaped); `table` gives the same numbers, formatted as
shown, for the data-table alternative that every chart carries (templates/_chart.html). The palette is Okabe–Ito (safe for colour-blind readers) and each series has a
hatch as well, so the chart also reads in black-and-white print. Nothing is loaded from
outside; the SVG scales with the page (viewBox), so it stays sharp at 200 % zoom.

Why drawn here rather than by matplotlib or Vega-Lite: the charts the portal needs are
bars and histograms; a few dozen lines give exact control over text, accessibility and
the one number formatter, with no heavy dependency and no binary renderer on the servers.
Plain Python, no Django.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import ClassVar

from msoko import formatting

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
HATCHES = ("", "diagonal", "dots", "cross", "horizontal", "vertical", "")

_ids = itertools.count(1)


class Svg(str):
    """SVG markup built here with every text escaped: safe to insert into a page as it is
    (Django's templates honour `__html__`, as they do for mark_safe)."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Table:
    """The data-table alternative of a chart: a header and rows of text as shown."""

    header: tuple[str, ...]
    rows: list[list[str]]


def _text(value: Decimal | float | int | None, places: int, unit: str) -> str:
    shown = formatting.number(value, places)
    # the unit after a no-break space, as msoko.formatting.percent writes it
    return f"{shown}{formatting.BEFORE_UNIT}{unit}" if value is not None and unit else shown


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | float | int | None, ...]


@dataclass(frozen=True)
class BarChart:
    """Grouped bars: one group per category, one bar per series.

    `marks` write a label under a category (a task's level «Б»); `mark_name` heads their
    column in the table. `targets` draw a dashed line across a category's group at a value
    (a mastery threshold, 60 % for a basic task), named `target_name` in its <title> and
    in the table.
    """

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
    mark_name: str = ""
    targets: tuple[tuple[str, Decimal | float | int], ...] = field(default_factory=tuple)
    target_name: str = "Порог"

    def rows(self) -> list[list[str]]:
        """The data table: a row per category, a column per series, formatted as shown."""
        return [
            [category, *(self.text(s.values[i]) for s in self.series)]
            for i, category in enumerate(self.categories)
        ]

    @property
    def table(self) -> Table:
        """`rows()` with the columns of the marks (if named) and of the targets."""
        marks, targets = dict(self.marks), dict(self.targets)
        header = [""]
        if self.mark_name:
            header.append(self.mark_name)
        header += [s.name for s in self.series]
        if targets:
            header.append(self.target_name)
        rows = []
        for category, row in zip(self.categories, self.rows(), strict=True):
            if self.mark_name:
                row.insert(1, marks.get(category, ""))
            if targets:
                row.append(self.text(targets.get(category)))
            rows.append(row)
        return Table(tuple(header), rows)

    def text(self, value: Decimal | float | int | None) -> str:
        return _text(value, self.places, self.unit)

    def svg(self) -> Svg:
        return Svg(_draw(self))


def _draw(chart: BarChart) -> str:
    uid = f"chart{next(_ids)}"
    left, right, top, bottom = 44, 12, 12, 58
    plot_w = chart.width - left - right
    plot_h = chart.height - top - bottom
    values = [float(v) for s in chart.series for v in s.values if v is not None]
    values += [float(v) for _c, v in chart.targets]
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
            # as many decimals as the tick needs (a scale up to 0,4 reads 0,1 … 0,4, not 0 … 0)
            f"{escape(formatting.trimmed(tick, 2))}</text>"
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
        target = dict(chart.targets).get(category)
        if target is not None:
            y = top + plot_h - plot_h * float(target) / top_value
            parts.append(
                f'<line x1="{x0 - group_w * 0.05:.1f}" x2="{x0 + group_w * 0.85:.1f}" '
                f'y1="{y:.1f}" y2="{y:.1f}" stroke="#000" stroke-width="1.5" '
                f'stroke-dasharray="4 2"><title>{escape(chart.target_name)}, '
                f"{escape(category)}: {escape(chart.text(target))}</title></line>"
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


@dataclass(frozen=True)
class HBarChart:
    """Horizontal bars: one row per category (a school), to compare many of them.

    Each row has its category's label on the left (wrapped onto a second line past
    `LABEL_CHARS` characters, never squeezed), its bar and its value written at the bar's
    end. The height grows with the rows (`ROW` px each) and the text has a fixed size, so
    30 schools read as well as 3; the SVG carries its natural width and height and is
    drawn 1:1 unless the page is narrower. `reference` draws one labelled vertical dashed
    line at a value (the municipality's), `reference_label` naming it on the line, in its
    <title> and as the last row of the table. `highlight` is one category (the user's own
    school) drawn in another colour with a hatch, named `highlight_name` in the legend and
    in its bar's <title>. The rows are drawn in the order given: sort before.
    """

    title: str
    categories: tuple[str, ...]
    series: Series
    unit: str = ""
    places: int = 1
    description: str = ""
    maximum: float | None = None  # the scale's top; by default the largest value
    reference: Decimal | float | int | None = None
    reference_label: str = ""
    highlight: str | None = None
    highlight_name: str = "Выделено"
    width: int = 680

    FONT: ClassVar[int] = 12  # px, the size of every text
    ROW: ClassVar[int] = 22  # px a row of one line
    LINE: ClassVar[int] = 14  # px more for a label's second line
    LABEL_CHARS: ClassVar[int] = 34  # characters a label line holds
    CHAR: ClassVar[float] = 8.0  # px a character at FONT: generous (Cyrillic, «№», «Ш»)

    def __post_init__(self) -> None:
        if len(self.categories) != len(self.series.values):
            raise ValueError(
                f"{len(self.categories)} categories but {len(self.series.values)} values"
            )
        object.__setattr__(self, "categories", tuple(self.categories))

    def text(self, value: Decimal | float | int | None) -> str:
        return _text(value, self.places, self.unit)

    def rows(self) -> list[list[str]]:
        return [
            [category, self.text(value)]
            for category, value in zip(self.categories, self.series.values, strict=True)
        ]

    @property
    def table(self) -> Table:
        """A row per category, then the reference's (if any), formatted as shown."""
        rows = self.rows()
        if self.reference is not None:
            rows.append([self.reference_label or "Ориентир", self.text(self.reference)])
        return Table(("", self.series.name), rows)

    def labels(self) -> list[list[str]]:
        """Each category's label as drawn: one or two lines."""
        return [_wrap(category, self.LABEL_CHARS) for category in self.categories]

    @property
    def height(self) -> int:
        return _hbar_layout(self)[2]

    def svg(self) -> Svg:
        return Svg(_draw_hbar(self))


def _wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    """`text` in lines of at most `chars` characters, broken at spaces; past `lines`
    lines the last one ends with «…» (the full text is in the bar's <title>)."""
    out: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > chars:  # a word longer than a line is cut
            if line:
                out.append(line)
                line = ""
            out.append(word[: chars - 1] + "-")
            word = word[chars - 1 :]
        if line and len(line) + 1 + len(word) > chars:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line or not out:
        out.append(line)
    if len(out) > lines:
        rest = " ".join(out[lines - 1 :])
        out = [*out[: lines - 1], rest[: chars - 1].rstrip() + "…"]
    return out


def _hbar_layout(chart: HBarChart) -> tuple[list[list[str]], list[int], int, int, int]:
    """The labels' lines, the rows' heights, the SVG's height, the top of the first row
    and the left edge of the bars."""
    labels = chart.labels()
    heights = [chart.ROW + chart.LINE * (len(lines) - 1) for lines in labels]
    longest = max((len(line) for lines in labels for line in lines), default=0)
    left = int(min(longest, chart.LABEL_CHARS) * chart.CHAR) + 16
    top = 30 if chart.reference is not None else 8
    legend = 30
    return labels, heights, top + sum(heights) + legend, top, left


def _describe_hbar(chart: HBarChart) -> str:
    if chart.description:
        return chart.description
    text = f"{chart.series.name}: " + ", ".join(
        f"{c} — {chart.text(v)}" for c, v in zip(chart.categories, chart.series.values, strict=True)
    )
    if chart.reference is not None:
        text += f". {chart.reference_label or 'Ориентир'} — {chart.text(chart.reference)}"
    return text


def _draw_hbar(chart: HBarChart) -> str:
    uid = f"chart{next(_ids)}"
    font = chart.FONT
    labels, heights, height, top, left = _hbar_layout(chart)
    shown = [
        formatting.number(v, chart.places) if v is not None else formatting.DASH
        for v in chart.series.values
    ]
    right = int(max((len(t) for t in shown), default=1) * chart.CHAR) + 14
    plot_w = chart.width - left - right
    values = [float(v) for v in chart.series.values if v is not None]
    if chart.reference is not None:
        values.append(float(chart.reference))
    top_value = chart.maximum or max(values, default=0.0) or 1.0
    bottom = top + sum(heights)

    def x_of(value: Decimal | float | int) -> float:
        return left + plot_w * max(float(value), 0.0) / top_value

    halo = 'paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {height}" '
        f'width="{chart.width}" height="{height}" class="chart-hbar" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" font-size="{font}">',
        f'<title id="{uid}-title">{escape(chart.title)}</title>',
        f'<desc id="{uid}-desc">{escape(_describe_hbar(chart))}</desc>',
        f"<defs>{_pattern(uid, 1)}</defs>" if chart.highlight is not None else "",
    ]
    for step in range(1, 5):  # light guides at ¼, ½, ¾ and the top of the scale
        x = left + plot_w * step / 4
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" stroke="#e3e3e3" '
            'stroke-width="1" aria-hidden="true"/>'
        )
    y = top
    texts = []
    for category, lines, row_h, value, value_text in zip(
        chart.categories, labels, heights, chart.series.values, shown, strict=True
    ):
        middle = y + row_h / 2
        mine = category == chart.highlight
        weight = ' font-weight="bold"' if mine else ""
        first = middle + font * 0.35 - (len(lines) - 1) * chart.LINE / 2
        parts.append(
            f'<text x="{left - 8}" y="{first:.1f}" text-anchor="end"{weight}>'
            + "".join(
                f'<tspan x="{left - 8}" dy="{0 if i == 0 else chart.LINE}">{escape(line)}</tspan>'
                for i, line in enumerate(lines)
            )
            + "</text>"
        )
        tip = f"{chart.series.name}, {category}: {chart.text(value)}"
        if mine:
            tip += f" ({chart.highlight_name})"
        bar_h = chart.ROW - 8
        bar_y = middle - bar_h / 2
        end = x_of(value) if value is not None else float(left)
        if value is not None:
            fill = PALETTE[1] if mine else PALETTE[0]
            parts.append(
                f'<rect x="{left}" y="{bar_y:.1f}" width="{end - left:.1f}" height="{bar_h}" '
                f'fill="{fill}"><title>{escape(tip)}</title></rect>'
            )
            if mine:
                parts.append(
                    f'<rect x="{left}" y="{bar_y:.1f}" width="{end - left:.1f}" '
                    f'height="{bar_h}" fill="url(#{uid}-h1)" aria-hidden="true"/>'
                )
        no_bar = f"<title>{escape(tip)}</title>" if value is None else ""
        texts.append(
            f'<text x="{end + 4:.1f}" y="{middle + font * 0.35:.1f}"{weight} {halo}>'
            f"{no_bar}{escape(value_text)}</text>"
        )
        y += row_h
    parts.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{bottom}" stroke="#000" '
        'stroke-width="1" aria-hidden="true"/>'
    )
    if chart.reference is not None:
        x = x_of(chart.reference)
        name = chart.reference_label or "Ориентир"
        label = f"{name}: {chart.text(chart.reference)}"
        if x - left < plot_w / 2:
            anchor, at = "start", x + 4
        else:
            anchor, at = "end", x - 4
        parts.append(
            f'<g class="chart-reference"><title>{escape(label)}</title>'
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 14}" y2="{bottom}" stroke="#000" '
            'stroke-width="1.5" stroke-dasharray="5 3"/>'
            f'<text x="{at:.1f}" y="{top - 10}" text-anchor="{anchor}" font-weight="bold">'
            f"{escape(label)}</text></g>"
        )
    parts += texts  # the values over the reference line and the guides, on a white halo
    x, y = float(left), height - 10
    legend = []  # what is drawn: the plain bars, the highlighted one
    if any(c != chart.highlight for c in chart.categories) or chart.highlight is None:
        legend.append((PALETTE[0], "", chart.series.name))
    if chart.highlight is not None and chart.highlight in chart.categories:
        legend.append((PALETTE[1], f"url(#{uid}-h1)", chart.highlight_name))
    for fill, hatch, name in legend:
        parts.append(f'<rect x="{x:.0f}" y="{y - 10}" width="12" height="12" fill="{fill}"/>')
        if hatch:
            parts.append(f'<rect x="{x:.0f}" y="{y - 10}" width="12" height="12" fill="{hatch}"/>')
        parts.append(f'<text x="{x + 16:.0f}" y="{y}">{escape(name)}</text>')
        x += 16 + len(name) * chart.CHAR + 20
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Histogram:
    """Counts over consecutive bins: how many pupils got each primary score 0…max.

    `bins` are the bins' labels in order («0», «1», … or «0–10»), `counts` their counts
    (None: unknown, no bar). `markers` are (position, label) pairs: a labelled vertical
    line at the left edge of bin number `position` (0-based; `len(bins)` is the right
    edge), e.g. the first primary score of each mark, ``((3, "«3»"), (5, "«4»"))``.
    `x_label` / `y_label` name the axes (and the columns of the table); `marker_name`
    heads the table's column of markers.
    """

    title: str
    bins: Sequence[str]
    counts: Sequence[int | None]
    markers: Sequence[tuple[int, str]] = ()
    x_label: str = ""
    y_label: str = ""
    description: str = ""
    marker_name: str = "Граница"
    width: int = 640
    height: int = 260

    def __post_init__(self) -> None:
        if len(self.bins) != len(self.counts):
            raise ValueError(f"{len(self.bins)} bins but {len(self.counts)} counts")
        object.__setattr__(self, "bins", tuple(self.bins))
        object.__setattr__(self, "counts", tuple(self.counts))
        object.__setattr__(self, "markers", tuple((int(p), str(t)) for p, t in self.markers))

    def marker_at(self, position: int) -> str:
        return ", ".join(label for p, label in self.markers if p == position)

    @property
    def table(self) -> Table:
        """A row per bin: its label, its count and the markers that start at it."""
        header: tuple[str, ...] = (self.x_label or "Значение", self.y_label or "Количество")
        if self.markers:
            header += (self.marker_name,)
        rows = [
            [label, formatting.integer(count), *([self.marker_at(i)] if self.markers else [])]
            for i, (label, count) in enumerate(zip(self.bins, self.counts, strict=True))
        ]
        return Table(header, rows)

    def svg(self) -> Svg:
        return Svg(_draw_histogram(self))


def _describe_histogram(chart: Histogram) -> str:
    if chart.description:
        return chart.description
    text = ", ".join(
        f"{label} — {formatting.integer(count)}"
        for label, count in zip(chart.bins, chart.counts, strict=True)
    )
    if chart.x_label or chart.y_label:
        text = f"{chart.x_label or 'Значение'} и {(chart.y_label or 'количество').lower()}: {text}"
    if chart.markers:
        text += (
            ". "
            + chart.marker_name
            + ": "
            + ", ".join(f"{label} — от {_bin(chart, p)}" for p, label in chart.markers)
        )
    return text


def _bin(chart: Histogram, position: int) -> str:
    return chart.bins[position] if 0 <= position < len(chart.bins) else "конца шкалы"


def _draw_histogram(chart: Histogram) -> str:
    uid = f"chart{next(_ids)}"
    left = 56 if chart.y_label else 44
    right, top = 12, 34  # room above the bars for the markers' labels, clear of the values
    bottom = 40 if chart.x_label else 24
    plot_w = chart.width - left - right
    plot_h = chart.height - top - bottom
    n = max(len(chart.bins), 1)
    bin_w = plot_w / n
    highest = max((c for c in chart.counts if c is not None), default=0)
    step = max(1, math.ceil(highest / 4))  # whole counts on the axis, at most 4 steps
    ticks = max(1, math.ceil(highest / step))
    top_value = step * ticks
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}" '
        f'class="chart" role="img" aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(chart.title)}</title>',
        f'<desc id="{uid}-desc">{escape(_describe_histogram(chart))}</desc>',
    ]
    for tick in range(ticks + 1):
        y = top + plot_h - plot_h * tick / ticks
        parts.append(
            f'<line x1="{left}" x2="{chart.width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#ccc" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" font-size="10">'
            f"{escape(formatting.integer(step * tick))}</text>"
        )
    every = max(1, math.ceil(14 / bin_w))  # x labels that do not overlap
    value_size = max(6.0, min(9.0, bin_w * 0.6))
    what = chart.x_label or "Значение"
    for i, (label, count) in enumerate(zip(chart.bins, chart.counts, strict=True)):
        x = left + i * bin_w
        middle = x + bin_w / 2
        if count is not None:
            h = plot_h * count / top_value
            y = top + plot_h - h
            parts.append(
                f'<rect x="{x + bin_w * 0.07:.1f}" y="{y:.1f}" width="{bin_w * 0.86:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[0]}"><title>{escape(what)} {escape(label)}: '
                f"{escape(formatting.integer(count))}</title></rect>"
                f'<text x="{middle:.1f}" y="{y - 2:.1f}" text-anchor="middle" '
                f'font-size="{value_size:.1f}">{escape(formatting.integer(count))}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{middle:.1f}" y="{top + plot_h + 13}" text-anchor="middle" '
                f'font-size="10">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{chart.width - right}" y1="{top + plot_h}" '
        f'y2="{top + plot_h}" stroke="#000" stroke-width="1"/>'
    )
    for position, label in chart.markers:
        if not 0 <= position <= len(chart.bins):
            continue
        x = left + position * bin_w
        parts.append(
            f'<g class="chart-marker"><title>{escape(label)}: от {escape(_bin(chart, position))}'
            f"</title>"
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 28}" y2="{top + plot_h}" '
            'stroke="#000" stroke-width="1.5" stroke-dasharray="4 2"/>'
            f'<text x="{x + 3:.1f}" y="{top - 18}" font-size="11" font-weight="bold">'
            f"{escape(label)}</text></g>"
        )
    if chart.x_label:
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{chart.height - 6}" text-anchor="middle" '
            f'font-size="11">{escape(chart.x_label)}</text>'
        )
    if chart.y_label:
        y = top + plot_h / 2
        parts.append(
            f'<text x="12" y="{y:.1f}" text-anchor="middle" font-size="11" '
            f'transform="rotate(-90 12 {y:.1f})">{escape(chart.y_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Sparkline:
    """A small line of a short series, to sit in a table cell: 3–5 years of one figure.

    `points` are (label, value) pairs in order, the label usually a year; a None value is
    a gap in the line. The last known value is written at the right end; each point has
    its label and value in a <title>, and `title` (what the line shows) heads the SVG.
    `places` and `unit` format the values (msoko.formatting), as in `BarChart`.
    """

    title: str
    points: Sequence[tuple[str, Decimal | float | int | None]]
    places: int = 1
    unit: str = ""
    label_name: str = "Год"
    width: int = 120
    height: int = 32

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple((str(k), v) for k, v in self.points))

    def text(self, value: Decimal | float | int | None) -> str:
        return _text(value, self.places, self.unit)

    @property
    def last(self) -> tuple[str, Decimal | float | int] | None:
        """The last point with a value."""
        known = [(label, value) for label, value in self.points if value is not None]
        return known[-1] if known else None

    @property
    def table(self) -> Table:
        return Table(
            (self.label_name, "Значение"),
            [[label, self.text(value)] for label, value in self.points],
        )

    def svg(self) -> Svg:
        return Svg(_draw_sparkline(self))


def _draw_sparkline(chart: Sparkline) -> str:
    uid = f"spark{next(_ids)}"
    last = chart.last
    last_text = chart.text(last[1]) if last is not None else formatting.DASH
    label_w = min(5.2 * len(last_text) + 4, chart.width / 2)  # ~5 px a glyph at 9 px
    pad = 3.0
    plot_w = chart.width - label_w - 2 * pad
    plot_h = chart.height - 2 * pad
    known = [float(v) for _label, v in chart.points if v is not None]
    low, high = min(known, default=0.0), max(known, default=0.0)
    n = len(chart.points)

    def x_of(i: int) -> float:
        return pad + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_of(value: Decimal | float | int) -> float:
        if high == low:
            return pad + plot_h / 2
        return pad + plot_h * (high - float(value)) / (high - low)

    described = ", ".join(f"{label} — {chart.text(value)}" for label, value in chart.points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}" '
        f'width="{chart.width}" height="{chart.height}" class="sparkline" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(chart.title)}</title>',
        f'<desc id="{uid}-desc">{escape(described)}</desc>',
    ]
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_label, value) in enumerate(chart.points):
        if value is None:
            segments.append(segment)
            segment = []
            continue
        segment.append(f"{x_of(i):.1f},{y_of(value):.1f}")
    segments.append(segment)
    for points in segments:
        if len(points) > 1:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{PALETTE[0]}" '
                'stroke-width="1.5" stroke-linejoin="round"/>'
            )
    last_index = max((i for i, (_l, v) in enumerate(chart.points) if v is not None), default=-1)
    for i, (label, value) in enumerate(chart.points):
        if value is None:
            continue
        parts.append(
            f'<circle cx="{x_of(i):.1f}" cy="{y_of(value):.1f}" '
            f'r="{2.5 if i == last_index else 1.8}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {escape(chart.text(value))}</title>'
            "</circle>"
        )
    y_text = y_of(last[1]) + 3 if last is not None else chart.height / 2 + 3
    y_text = min(max(y_text, 9.0), chart.height - 2.0)
    parts.append(
        f'<text x="{chart.width - label_w + 2:.1f}" y="{y_text:.1f}" font-size="9">'
        f"{escape(last_text)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


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

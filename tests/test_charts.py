"""Charts drawn as SVG on the server (msoko.charts), each with its data table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest

from msoko.charts import (
    PALETTE,
    BarChart,
    HBarChart,
    Histogram,
    Series,
    Sparkline,
    mark_distribution,
)

SVG = "{http://www.w3.org/2000/svg}"


def test_a_chart_parses_and_carries_its_title_and_values() -> None:
    chart = mark_distribution(
        "Распределение отметок",
        [
            (
                "МБОУ СОШ № 1",
                {2: Decimal("40"), 3: Decimal("0"), 4: Decimal("40"), 5: Decimal("20")},
            ),
            ("Муниципалитет", {2: Decimal("37.5"), 3: Decimal("12.5"), 4: None, 5: Decimal("25")}),
        ],
    )
    root = ET.fromstring(chart.svg())
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Распределение отметок"  # type: ignore[union-attr]
    tips = [t.text for t in root.iter(f"{SVG}title")][1:]
    assert "Муниципалитет, «2»: 37,5\u00a0%" in tips and "МБОУ СОШ № 1, «5»: 20,0\u00a0%" in tips
    assert not any("«4»: —" in (tip or "") for tip in tips)  # a missing value draws no bar
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert PALETTE[0] in fills and PALETTE[1] in fills
    assert "Муниципалитет: «2» — 37,5\u00a0%" in root.find(f"{SVG}desc").text  # type: ignore[union-attr]


def test_the_data_table_has_the_same_numbers_as_shown() -> None:
    chart = BarChart(
        title="Т", categories=("a", "b"), series=(Series("x", (Decimal("12.25"), None)),), unit="%"
    )
    assert chart.rows() == [["a", "12,3\u00a0%"], ["b", "—"]]


def test_text_in_a_chart_is_escaped() -> None:
    chart = BarChart(title="<script>", categories=("&",), series=(Series("<b>", (1,)),))
    svg = chart.svg()
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    ET.fromstring(svg)


def test_bar_targets_are_drawn_and_tabled_with_the_marks() -> None:
    chart = BarChart(
        title="Задания",
        categories=("1", "2"),
        series=(Series("Муниципалитет", (Decimal("75"), Decimal("25"))),),
        unit="%",
        maximum=100.0,
        marks=(("1", "Б"), ("2", "В")),
        mark_name="Уровень",
        targets=(("1", Decimal(60)), ("2", Decimal(30))),
        target_name="Порог освоения",
    )
    root = ET.fromstring(chart.svg())
    lines = [ln for ln in root.iter(f"{SVG}line") if ln.find(f"{SVG}title") is not None]
    assert [ln.findtext(f"{SVG}title") for ln in lines] == [
        "Порог освоения, 1: 60,0\u00a0%",
        "Порог освоения, 2: 30,0\u00a0%",
    ]
    y60, y30 = (float(ln.get("y1") or 0) for ln in lines)
    assert y60 < y30  # 60 % stands higher than 30 %
    assert chart.table.header == ("", "Уровень", "Муниципалитет", "Порог освоения")
    assert chart.table.rows == [
        ["1", "Б", "75,0\u00a0%", "60,0\u00a0%"],
        ["2", "В", "25,0\u00a0%", "30,0\u00a0%"],
    ]


def _titles(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}title")]


def test_a_histogram_parses_with_its_counts_and_markers() -> None:
    chart = Histogram(
        title="Распределение первичных баллов",
        bins=[str(score) for score in range(9)],
        counts=[0, 0, 1, 1, 1, 1, 1, 0, 1],
        markers=[(3, "«3»"), (5, "«4»"), (7, "«5»")],
        x_label="Первичный балл",
        y_label="Участников",
    )
    svg = chart.svg()
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    titles = _titles(svg)
    assert titles[0] == "Распределение первичных баллов"
    assert "Первичный балл 8: 1" in titles and "Первичный балл 7: 0" in titles
    assert "«4»: от 5" in titles  # each marker is labelled and says where it stands
    markers = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-marker"]
    assert [g.find(f"{SVG}text").text for g in markers] == ["«3»", "«4»", "«5»"]  # type: ignore[union-attr]
    xs = [float(g.find(f"{SVG}line").get("x1") or 0) for g in markers]  # type: ignore[union-attr]
    assert xs == sorted(xs) and xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])  # 2 bins apart
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Первичный балл" in texts and "Участников" in texts  # the axes are named
    assert "«5» — от 7" in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]


def test_a_histogram_table_has_a_row_per_bin_and_the_markers() -> None:
    chart = Histogram(
        title="Т", bins=["0", "1", "2"], counts=[12345, None, 2], markers=[(1, "«3»")]
    )
    assert chart.table.header == ("Значение", "Количество", "Граница")
    assert chart.table.rows == [["0", "12\u202f345", ""], ["1", "—", "«3»"], ["2", "2", ""]]
    with pytest.raises(ValueError):
        Histogram(title="Т", bins=["0"], counts=[1, 2])


def test_a_sparkline_shows_its_points_a_gap_and_the_last_value() -> None:
    chart = Sparkline(
        title="Доля «2» по годам",
        points=[
            ("2022", Decimal("12.25")),
            ("2023", None),
            ("2024", Decimal("8")),
            ("2025", Decimal("9.5")),
        ],
        places=1,
        unit="%",
    )
    svg = chart.svg()
    root = ET.fromstring(svg)
    assert root.get("viewBox") == "0 0 120 32" and root.get("class") == "sparkline"
    titles = _titles(svg)
    assert titles[0] == "Доля «2» по годам"
    assert "2022: 12,3\u00a0%" in titles and "2025: 9,5\u00a0%" in titles
    assert not any(t.startswith("2023") for t in titles)  # a gap draws no point
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1 and len((lines[0].get("points") or "").split()) == 2  # 2024–2025
    assert [t.text for t in root.iter(f"{SVG}text")] == ["9,5\u00a0%"]  # the last value
    assert chart.table.rows == [
        ["2022", "12,3\u00a0%"],
        ["2023", "—"],
        ["2024", "8,0\u00a0%"],
        ["2025", "9,5\u00a0%"],
    ]


def test_a_sparkline_of_nothing_still_draws() -> None:
    root = ET.fromstring(Sparkline(title="Т", points=[("2024", None)]).svg())
    assert [t.text for t in root.iter(f"{SVG}text")] == ["—"]


def test_every_chart_escapes_its_text_and_is_markup_safe() -> None:
    from django.template import Context, Template

    charts = [
        Histogram(title="<i>", bins=["<b>"], counts=[1], markers=[(0, "<m>")], x_label="&"),
        Sparkline(title="<i>", points=[("<b>", 1)], unit="<u>"),
        HBarChart(
            title="<i>",
            categories=("<b>",),
            series=Series("&", (1,)),
            reference=1,
            reference_label="<r>",
            highlight="<b>",
        ),
    ]
    for chart in charts:
        svg = chart.svg()
        ET.fromstring(svg)
        assert "<b>" not in svg and "&lt;b&gt;" in svg and "<i>" not in svg
        rendered = Template("{{ chart.svg }}").render(Context({"chart": chart}))
        assert rendered.startswith("<svg ")  # not escaped a second time


def _schools(n: int) -> HBarChart:
    return HBarChart(
        title="Победителей и призёров на 100 обучающихся",
        categories=tuple(f"СОШ № {i}" for i in range(1, n + 1)),
        series=Series("На 100", tuple(Decimal(n - i) / 4 for i in range(n))),
        reference=Decimal("1.25"),
        reference_label="Муниципалитет",
    )


def test_a_horizontal_bar_chart_has_a_row_per_category_with_its_value() -> None:
    chart = _schools(30)
    svg = chart.svg()
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("class") == "chart-hbar"
    assert root.find(f"{SVG}title").text == chart.title  # type: ignore[union-attr]
    titles = _titles(svg)
    assert "На 100, СОШ № 1: 7,5" in titles and "На 100, СОШ № 30: 0,3" in titles
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for value in chart.series.values:  # every value is written at its bar's end
        assert chart.text(value) in texts
    labels = ["".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("text-anchor")]
    assert [f"СОШ № {i}" for i in range(1, 31)] == [x for x in labels if x.startswith("СОШ")]
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    widths = [float(r.get("width") or 0) for r in bars]
    assert len(bars) == 30 and widths == sorted(widths, reverse=True)
    # the size of a row and of its text stays: 30 rows are drawn taller, not smaller
    assert root.get("font-size") == "12" and root.get("width") == "680"
    assert chart.height == float(root.get("height") or 0) == float(root.get("viewBox").split()[3])  # type: ignore[union-attr]
    assert _schools(30).height - _schools(10).height == 20 * HBarChart.ROW


def test_a_horizontal_bar_chart_draws_its_reference_line_and_tables_it() -> None:
    chart = _schools(4)  # 1 … 0,25 against 1,25: the line stands right of every bar
    root = ET.fromstring(chart.svg())
    (reference,) = (g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-reference")
    assert reference.findtext(f"{SVG}title") == "Муниципалитет: 1,3"
    assert reference.findtext(f"{SVG}text") == "Муниципалитет: 1,3"
    x = float(reference.find(f"{SVG}line").get("x1") or 0)  # type: ignore[union-attr]
    ends = [
        float(r.get("x") or 0) + float(r.get("width") or 0)
        for r in root.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]
    assert all(end < x for end in ends)
    assert "Муниципалитет — 1,3" in (root.findtext(f"{SVG}desc") or "")
    assert chart.table.header == ("", "На 100")
    assert chart.table.rows[-2:] == [["СОШ № 4", "0,3"], ["Муниципалитет", "1,3"]]
    plain = HBarChart(title="Т", categories=("a",), series=Series("x", (1,)))
    assert 'class="chart-reference"' not in plain.svg() and plain.table.rows == [["a", "1,0"]]


def test_a_horizontal_bar_chart_wraps_long_labels_and_highlights_a_category() -> None:
    long = "Средняя общеобразовательная школа с углублённым изучением отдельных предметов"
    chart = HBarChart(
        title="Т",
        categories=("СОШ № 1", long, "СОШ № 3"),
        series=Series("x", (Decimal(3), None, Decimal(1))),
        highlight="СОШ № 3",
        highlight_name="Моя организация",
    )
    svg = chart.svg()
    root = ET.fromstring(svg)
    lines = chart.labels()[1]
    assert len(lines) == 2 and all(len(line) <= HBarChart.LABEL_CHARS for line in lines)
    assert lines[0] == "Средняя общеобразовательная школа"
    assert chart.height == _one_line(chart) + HBarChart.LINE  # the wrapped row is taller
    titles = _titles(svg)
    assert f"x, {long}: —" in titles  # the whole name, no bar for a missing value
    assert "x, СОШ № 3: 1,0 (Моя организация)" in titles
    mine = [r for r in root.iter(f"{SVG}rect") if r.get("fill", "").startswith("url(#")]
    assert len(mine) == 2  # the highlighted bar and its legend swatch carry the hatch
    assert "Моя организация" in [t.text for t in root.iter(f"{SVG}text")]
    with pytest.raises(ValueError):
        HBarChart(title="Т", categories=("a", "b"), series=Series("x", (1,)))


def _one_line(chart: HBarChart) -> int:
    return HBarChart(
        title=chart.title, categories=("a",) * len(chart.categories), series=chart.series
    ).height


@pytest.mark.django_db
def test_the_results_page_shows_the_mark_chart_with_its_table(
    school_a: Any, school_b: Any, director_a: Any, specialist: Any, client_for: Any
) -> None:
    from tests.assessments.matrix_campaigns import hand_campaign

    campaign = hand_campaign(school_a, school_b)
    page = client_for(director_a).get(campaign.get_absolute_url()).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "Таблица данных" in page
    assert f"{school_a.short_name}, «2»: 40,0\u00a0%" in page
    assert school_b.short_name not in page  # a director's chart has his school only
    wide = client_for(specialist).get(campaign.get_absolute_url()).content.decode()
    assert "Муниципалитет, «2»: 37,5\u00a0%" in wide


def test_the_value_axis_of_small_values_keeps_its_decimals() -> None:
    chart = BarChart(
        title="Победителей на 100",
        categories=("2024", "2025"),
        series=(Series("Муниципалитет", (Decimal("0.2"), Decimal("0.4"))),),
        places=1,
    )
    root = ET.fromstring(str(chart.svg()))
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks[:5] == ["0", "0,1", "0,2", "0,3", "0,4"]  # not «0» five times

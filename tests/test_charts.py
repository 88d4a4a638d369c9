"""Charts drawn as SVG on the server (msoko.charts), each with its data table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest

from msoko.charts import PALETTE, BarChart, Histogram, Series, Sparkline, mark_distribution

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
    ]
    for chart in charts:
        svg = chart.svg()
        ET.fromstring(svg)
        assert "<b>" not in svg and "&lt;b&gt;" in svg and "<i>" not in svg
        rendered = Template("{{ chart.svg }}").render(Context({"chart": chart}))
        assert rendered.startswith("<svg ")  # not escaped a second time


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

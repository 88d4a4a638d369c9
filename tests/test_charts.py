"""Charts drawn as SVG on the server (msoko.charts), each with its data table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest

from msoko.charts import PALETTE, BarChart, Series, mark_distribution

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
    assert "Муниципалитет, «2»: 37,5 %" in tips and "МБОУ СОШ № 1, «5»: 20,0 %" in tips
    assert not any("«4»: —" in (tip or "") for tip in tips)  # a missing value draws no bar
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert PALETTE[0] in fills and PALETTE[1] in fills
    assert "Муниципалитет: «2» — 37,5 %" in root.find(f"{SVG}desc").text  # type: ignore[union-attr]


def test_the_data_table_has_the_same_numbers_as_shown() -> None:
    chart = BarChart(
        title="Т", categories=("a", "b"), series=(Series("x", (Decimal("12.25"), None)),), unit="%"
    )
    assert chart.rows() == [["a", "12,3 %"], ["b", "—"]]


def test_text_in_a_chart_is_escaped() -> None:
    chart = BarChart(title="<script>", categories=("&",), series=(Series("<b>", (1,)),))
    svg = chart.svg()
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    ET.fromstring(svg)


@pytest.mark.django_db
def test_the_results_page_shows_the_mark_chart_with_its_table(
    school_a: Any, school_b: Any, director_a: Any, specialist: Any, client_for: Any
) -> None:
    from tests.assessments.matrix_campaigns import hand_campaign

    campaign = hand_campaign(school_a, school_b)
    page = client_for(director_a).get(campaign.get_absolute_url()).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "Таблица данных" in page
    assert f"{school_a.short_name}, «2»: 40,0 %" in page
    assert school_b.short_name not in page  # a director's chart has his school only
    wide = client_for(specialist).get(campaign.get_absolute_url()).content.decode()
    assert "Муниципалитет, «2»: 37,5 %" in wide

"""The dashboards over the stored indicator values (issue 8, items 3, 5 and 6): the
municipal indicator page, the school card, the official's home, cohorts and ВПР vs ОГЭ.

The hand campaign (tests/assessments/matrix_campaigns.py) in 2026 gives, by its scale
(«3» from 3, «4» from 5, «5» from 7):
  school A: marks 5, 4, 2, 4, 2 → % «2» = 40, качество = 60 (n = 5);
  school B: marks 5, 2, 3       → % «2» = 33,3…, качество = 33,3… (n = 3);
  municipality: 3 of 8 → % «2» = 37,5.
In 2025 school A wrote a1, a2, a4 only (5, 4, 4: % «2» = 0) and school B the same as in
2026, so A's share of «2» rose by 40 points (negative, the ФИОКО rule) and B's did not move.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from assessments.choices import IndicatorLevel
from assessments.models import IndicatorValue
from assessments.services.figures import figures_compute
from tests.assessments.matrix_campaigns import (
    PUPILS_A,
    PUPILS_B,
    add_pupils,
    compute_figures,
    make_campaign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def years(school_a: Any, school_b: Any) -> dict[int, Any]:
    before = make_campaign(year=2025)
    add_pupils(before, school_a, [PUPILS_A[0], PUPILS_A[1], PUPILS_A[3]])
    add_pupils(before, school_b, PUPILS_B)
    compute_figures(before)
    now = make_campaign(year=2026)
    add_pupils(now, school_a, PUPILS_A)
    add_pupils(now, school_b, PUPILS_B)
    compute_figures(now)
    return {2025: before, 2026: now}


def _value(campaign: Any, code: str, school: Any = None) -> IndicatorValue:
    return IndicatorValue.objects.get(
        campaign=campaign,
        code=code,
        school=school,
        level=IndicatorLevel.SCHOOL if school else IndicatorLevel.MUNICIPALITY,
    )


def test_stored_values_equal_the_hand_computed_figures(
    years: dict[int, Any], school_a: Any, school_b: Any
) -> None:
    now = years[2026]
    assert _value(now, "vpr.fail_share", school_a).value == Decimal("40")
    assert _value(now, "vpr.quality", school_a).value == Decimal("60")
    assert _value(now, "vpr.fail_share", school_b).value == Decimal("33.3333")
    assert _value(now, "vpr.fail_share").value == Decimal("37.5")
    assert _value(now, "vpr.fail_share").n == 8
    assert _value(now, "vpr.mean_mark", school_a).value == Decimal("3.4")


def test_computing_twice_gives_identical_rows(years: dict[int, Any], municipality: Any) -> None:
    def rows() -> list[tuple[Any, ...]]:
        return sorted(
            IndicatorValue.objects.filter(campaign=years[2026]).values_list(
                "level", "school_id", "part", "code", "value", "n", "year", "grade"
            ),
            key=repr,
        )

    first = rows()
    figures_compute(campaign=years[2026], municipality_id=municipality.pk)
    assert rows() == first and len(first) > 10


def test_the_indicator_page_ranks_schools_with_the_change(
    years: dict[int, Any], client_for: Any, specialist: Any, settings: Any
) -> None:
    settings.RANKING_MIN_PARTICIPANTS = 1
    url = reverse("reports:indicator") + "?code=vpr.fail_share&year=2026&grade=4"
    html = client_for(specialist).get(url).content.decode()
    ranking = html[html.index("Рейтинг ОО") :]
    # lower is better: B (33,3) first, A (40,0) second with +40,0 п.п., negative
    assert ranking.index("Каменская") < ranking.index("СОШ № 1")
    assert "33,3\u00a0%" in ranking and "40,0\u00a0%" in ranking
    assert "+40,0 п.п." in ranking and "негативная динамика" in ranking
    assert "37,5\u00a0%" in html  # the municipality
    assert "Распределение ОО по значению" in html  # the histogram, with its table
    # the municipality over the years: 2025 — 1 «2» of 6 = 16,7 %; 2026 — 37,5 %: +20,8 п.п.
    history = html[html.index("Муниципалитет по годам") :]
    assert history.index("16,7\u00a0%") < history.index("37,5\u00a0%") < history.index("+20,8 п.п.")


def test_small_samples_are_left_out_of_the_ranking_by_default(
    years: dict[int, Any], client_for: Any, specialist: Any
) -> None:
    url = reverse("reports:indicator") + "?code=vpr.fail_share&year=2026&grade=4"
    html = client_for(specialist).get(url).content.decode()
    assert "Нет ОО с достаточным числом участников" in html
    apart = html[html.index("Не входят в рейтинг") :]
    assert "(n = 5)" in apart and "(n = 3)" in apart and "значение ненадёжно" in apart
    included = client_for(specialist).get(url + "&small=on").content.decode()
    assert "Не входят в рейтинг" not in included
    assert "ограниченно информативно" not in included  # n < 10: «мало участников»
    assert "мало участников (менее 10)" in included


def test_the_grid_places_each_school_by_level_and_change(
    years: dict[int, Any], client_for: Any, specialist: Any, settings: Any
) -> None:
    settings.RANKING_MIN_PARTICIPANTS = 1
    url = reverse("reports:indicator") + "?code=vpr.fail_share&year=2026&grade=4"
    html = client_for(specialist).get(url).content.decode()
    grid = html[html.index("status-grid") :]
    # A: the worse of two (lowest quintile of goodness: «очень низкий», the last row),
    # change −40 points in goodness: «значительно ухудшился» (the first column).
    assert 'grid-cell-4-0"><a href="/analytics/schools/' in grid
    cell = grid[grid.index("grid-cell-4-0") :]
    assert cell[: cell.index("</td>")].count("СОШ № 1") == 1
    # B: the best (row «очень высокий»), unchanged (the middle column).
    cell = grid[grid.index("grid-cell-0-2") :]
    assert "Каменская" in cell[: cell.index("</td>")]


def test_a_director_sees_only_his_school_and_the_municipal_total(
    years: dict[int, Any], client_for: Any, director_a: Any, school_b: Any, settings: Any
) -> None:
    settings.RANKING_MIN_PARTICIPANTS = 1
    client = client_for(director_a)
    url = reverse("reports:indicator") + "?code=vpr.fail_share&year=2026&grade=4"
    html = client.get(url).content.decode()
    assert "СОШ № 1" in html and "Каменская" not in html and "37,5\u00a0%" in html
    # his place among all the schools, and the others only as a count in the grid
    assert "Место из 2" in html and '<td class="num">2</td>' in html
    grid = html[html.index("status-grid") :]
    cell = grid[grid.index("grid-cell-0-2") :]
    assert "ОО: 1" in cell[: cell.index("</td>")]
    for name in ("reports:cohorts", "reports:vpr_oge"):
        assert "Каменская" not in client.get(reverse(name)).content.decode()
    assert client.get(reverse("reports:school_card", args=[school_b.pk])).status_code == 404


def test_the_school_card_shows_the_years_with_sparklines(
    years: dict[int, Any], client_for: Any, official: Any, school_a: Any
) -> None:
    html = client_for(official).get(reverse("reports:school_card", args=[school_a.pk])).content
    text = html.decode()
    assert '<th scope="col" class="num">2025</th>' in text and ">2026</th>" in text
    assert "+40,0 п.п." in text  # % «2»: 0 → 40
    start = text.index("<svg", text.index("Результаты по годам"))
    svg = ET.fromstring(text[start : text.index("</svg>", start) + len("</svg>")])
    titles = [el.text or "" for el in svg.iter() if el.tag.endswith("title")]
    assert titles[0] == "ВПР: доля «2» по годам"
    assert any("40,0" in t for t in titles) and any("0,0" in t for t in titles)


def test_the_officials_home_lists_the_schools_needing_attention(
    years: dict[int, Any], client_for: Any, official: Any, settings: Any
) -> None:
    settings.RANKING_MIN_PARTICIPANTS = 1
    html = client_for(official).get(reverse("home")).content.decode()
    assert "2026 год" in html
    attention = html[html.index("Требуют внимания") :]
    assert "СОШ № 1" in attention and "доля «2» 0,0 → 40,0 (+40,0 п.п.)" in attention
    assert "Каменская" not in attention[: attention.index("Дорожные карты")]


def test_cohorts_match_classes_by_letter_else_the_whole_grade(
    school_a: Any, school_b: Any, client_for: Any, specialist: Any
) -> None:
    grade4 = make_campaign(year=2025, grade=4)
    add_pupils(grade4, school_a, PUPILS_A)
    add_pupils(grade4, school_b, PUPILS_B)
    grade4.results.filter(participant_code__in=["a1", "a2"]).update(class_name="4А")
    grade4.results.filter(participant_code__in=["a3", "a4", "a5"]).update(class_name="4 б")
    compute_figures(grade4)
    grade5 = make_campaign(year=2026, grade=5)
    add_pupils(grade5, school_a, PUPILS_A)
    add_pupils(grade5, school_b, PUPILS_B)
    grade5.results.filter(participant_code__in=["a1", "a3"]).update(class_name="5А")
    grade5.results.filter(participant_code__in=["a2", "a4", "a5"]).update(class_name="5Б")
    compute_figures(grade5)
    url = reverse("reports:cohorts") + "?code=vpr.fail_share&year=2025&grade=4"
    html = client_for(specialist).get(url).content.decode()
    # A by classes: 4А (5, 4: 0 %) → 5А (5, 2: 50 %); 4Б (2, 4, 2: 66,7\u00a0%) → 5Б (4, 4, 2: 33,3\u00a0%)
    assert "4А → 5А" in html and "4Б → 5Б" in html and "по классам" in html
    row = html[html.index("4А → 5А") :]
    assert row.index("0,0\u00a0%") < row.index("50,0\u00a0%") < row.index("+50,0 п.п.")
    row = html[html.index("4Б → 5Б") :]
    # the change of the figures as shown: 33,3 − 66,7 = −33,4 (one rounding rule, as exported)
    assert "66,7\u00a0%" in row[:300] and "−33,4 п.п." in row[:600]
    # B names no classes: the whole grade, 33,3\u00a0% → 33,3\u00a0%
    assert "4 → 5" in html and "по параллели" in html


def test_vpr_against_oge_of_the_same_school_and_subject(
    years: dict[int, Any], school_a: Any, client_for: Any, specialist: Any
) -> None:
    oge = make_campaign(procedure="oge", year=2026, grade=9)
    add_pupils(oge, school_a, [PUPILS_A[2], PUPILS_A[4], PUPILS_A[1]])  # 2, 2, 4: 33,3\u00a0%
    compute_figures(oge)
    url = reverse("reports:vpr_oge") + "?measure=quality&year=2026&grade=4"
    html = client_for(specialist).get(url).content.decode()
    table = html[html.index("<tbody>") :]
    # ВПР качество 60 %, ОГЭ 33,3\u00a0%: +26,7 п.п.; school B has no ОГЭ and is not listed
    assert "60,0\u00a0%" in table and "33,3\u00a0%" in table and "+26,7 п.п." in table
    assert "Каменская" not in table


def test_an_unknown_indicator_code_is_a_404_with_a_message(
    client_for: Any, specialist: Any
) -> None:
    response = client_for(specialist).get(reverse("reports:indicator") + "?code=vpr.nope")
    assert response.status_code == 404


def test_a_year_with_no_data_says_so(client_for: Any, specialist: Any) -> None:
    html = client_for(specialist).get(reverse("reports:indicator")).content.decode()
    assert "Сохранённых значений этого показателя пока нет" in html
    home = client_for(specialist).get(reverse("home")).content.decode()
    assert "Рассчитанных показателей пока нет" in home


def test_the_year_button_recomputes_every_figure_of_the_year(
    years: dict[int, Any], client_for: Any, specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    IndicatorValue.objects.filter(year=2026).delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(specialist).post(
            reverse("assessments:year_compute"), {"year": "2026", "next": "/analytics/indicator/"}
        )
    assert response.status_code == 302 and response["Location"] == "/analytics/indicator/"
    assert IndicatorValue.objects.filter(year=2026, code="vpr.fail_share").count() == 3
    outside = client_for(specialist).post(
        reverse("assessments:year_compute"), {"year": "2026", "next": "https://evil.example/"}
    )
    assert outside["Location"] == "/"

"""The charts of the results page, against figures computed by hand.

The hand campaign (tests/assessments/matrix_campaigns.py): tasks 1 (2 б., Б), 2 (1, Б),
3К1 (3, П), 3К2 (2, В), max 8; scale «3» from 3, «4» from 5, «5» from 7.
School A (СОШ № 1, 5 participants): primary 8 «5» j5, 5 «4» j5, 2 «2» j3, 5 «4» j3, 2 «2» —.
School B (Каменская, 3): 7 «5» j4, 2 «2» j2, 4 «3» j5.

Primary distribution 0…8: municipality 0 0 3 0 1 2 0 1 1; school A 0 0 2 0 0 2 0 0 1.
Task success, municipality: 1 — 12/16 = 75 %, 2 — 6/8 = 75 %, 3К1 — 13/24 = 54,2 %,
3К2 — 4/16 = 25 %; school A: 8/10 = 80 %, 4/5 = 80 %, 7/15 = 46,7 %, 3/10 = 30 %.
Journal: school A 4 compared — понизили 2 (50 %), подтвердили 1, повысили 1 (25 %);
municipality 7 — 3 (42,9 %), 2 (28,6 %), 2 (28,6 %).
Lowest primary score seen with each mark: «2» 2, «3» 4 (b3), «4» 5, «5» 7.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest

from assessments.choices import ReferenceKind, ReferenceLevel
from assessments.figures import from_data, to_data
from assessments.indicators import CampaignStats, mark_cutoffs
from assessments.models import CampaignFigures, ReferenceValue, Result
from tests.assessments.matrix_campaigns import (
    PUPILS_A,
    PUPILS_B,
    add_pupils,
    compute_figures,
    hand_campaign,
    make_campaign,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _charts(page: str) -> dict[str, ET.Element]:
    """Every SVG chart of the page, parsed, by its <title>."""
    found = {}
    for markup in re.findall(r"<svg .*?</svg>", page, flags=re.S):
        root = ET.fromstring(markup)
        found[root.findtext(f"{SVG}title") or ""] = root
    return found


def _tips(root: ET.Element) -> list[str]:
    """The <title>s of the marks on a chart (bars, points, lines), without the chart's own."""
    return [t.text or "" for t in root.iter(f"{SVG}title")][1:]


def _markers(root: ET.Element) -> list[str]:
    return [
        g.findtext(f"{SVG}title") or ""
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "chart-marker"
    ]


def _get(client: Any, campaign: Any, **params: Any) -> str:
    response = client.get(campaign.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def campaign(school_a: Any, school_b: Any) -> Any:
    campaign = hand_campaign(school_a, school_b)
    ReferenceValue.objects.create(
        campaign=campaign,
        kind=ReferenceKind.JOURNAL,
        level=ReferenceLevel.RUSSIA,
        name="Вся выборка",
        participants=5000,
        counts={"lowered": 1000, "confirmed": 3500, "raised": 500},
        percents={"lowered": 20, "confirmed": 70, "raised": 10},
    )
    return campaign


def _no_scale_campaign(school_a: Any, school_b: Any, *, marks: bool = True) -> Any:
    campaign = make_campaign(scale=None)
    add_pupils(campaign, school_a, PUPILS_A)
    add_pupils(campaign, school_b, PUPILS_B)
    if not marks:
        Result.objects.filter(campaign=campaign).update(mark=None, journal_mark=None)
    compute_figures(campaign)
    return campaign


# ------------------------------------------------------------------ the histogram


def test_histogram_of_the_municipality_with_the_scales_cut_offs(campaign, specialist, client_for):
    page = _get(client_for(specialist), campaign, tab="distribution")
    charts = _charts(page)
    chart = charts["Распределение первичных баллов: Муниципалитет"]
    tips = _tips(chart)
    counts = {
        score: f"Первичный балл {score}: {n}" for score, n in enumerate([0, 0, 3, 0, 1, 2, 0, 1, 1])
    }
    assert all(tip in tips for tip in counts.values())
    assert _markers(chart) == ["«3»: от 3", "«4»: от 5", "«5»: от 7"]
    assert "по шкале перевода кампании" in page
    assert "выведены из результатов" not in page
    # the data table: a row per score, the mark that starts at it
    assert "Граница отметки</th>" in page
    assert re.search(r'<th scope="row">5</th><td class="num">2</td><td class="num">«4»</td>', page)
    # a specialist looking at no school in particular sees the municipality only
    assert [t for t in charts if t.startswith("Распределение")] == [
        "Распределение первичных баллов: Муниципалитет"
    ]


def test_histogram_of_a_school_in_focus_carries_the_small_sample_warning(
    campaign, school_a, specialist, client_for
):
    page = _get(client_for(specialist), campaign, tab="distribution", school=school_a.pk)
    chart = _charts(page)["Распределение первичных баллов: МБОУ СОШ № 1"]
    tips = _tips(chart)
    assert "Первичный балл 2: 2" in tips and "Первичный балл 5: 2" in tips
    assert "Первичный балл 8: 1" in tips and "Первичный балл 7: 0" in tips
    assert _markers(chart) == ["«3»: от 3", "«4»: от 5", "«5»: от 7"]
    assert "Меньше 10 участников: МБОУ СОШ № 1 (5)" in page
    assert "Меньше 10 участников: Муниципалитет (8)" in page


def test_cut_offs_are_inferred_where_the_campaign_has_no_scale(
    school_a, school_b, specialist, client_for
):
    campaign = _no_scale_campaign(school_a, school_b)
    page = _get(client_for(specialist), campaign, tab="distribution")
    chart = _charts(page)["Распределение первичных баллов: Муниципалитет"]
    # «3» is seen first at 4 (b3), not at the 3 of the scale the marks were given by
    assert _markers(chart) == ["«3»: от 4", "«4»: от 5", "«5»: от 7"]
    assert (
        "Шкала перевода не задана: границы отметок <strong>выведены из результатов</strong>" in page
    )
    assert "«3» — от 4" in page and "«5» — от 7" in page
    assert "Граница отметки (выведена)" in page


def test_no_scale_and_no_marks_says_there_is_nothing_to_infer_from(
    school_a, school_b, specialist, client_for
):
    campaign = _no_scale_campaign(school_a, school_b, marks=False)
    page = _get(client_for(specialist), campaign, tab="distribution")
    chart = _charts(page)["Распределение первичных баллов: Муниципалитет"]
    assert _markers(chart) == []
    assert "Первичный балл 2: 3" in _tips(chart)  # the counts are there all the same
    assert "а отметок в результатах нет: границы отметок показать не из чего" in page


def test_figures_stored_before_the_cut_offs_still_read_and_ask_for_a_recompute(
    school_a, school_b, specialist, client_for
):
    campaign = _no_scale_campaign(school_a, school_b)
    for row in CampaignFigures.objects.filter(run__campaign=campaign):
        data = dict(row.data)
        data.pop("mark_cutoffs", None)
        row.data = data
        row.save()
    page = _get(client_for(specialist), campaign, tab="distribution")
    assert "после пересчёта показателей" in page
    assert _markers(_charts(page)["Распределение первичных баллов: Муниципалитет"]) == []


def test_the_cut_offs_are_stored_with_the_figures(campaign):
    row = CampaignFigures.objects.get(run__campaign=campaign, school__isnull=True, kind="marks")
    stats = from_data(CampaignStats, row.data)
    assert stats.mark_cutoffs == {2: 2, 3: 4, 4: 5, 5: 7}
    assert from_data(CampaignStats, to_data(stats)) == stats


def test_mark_cutoffs_is_the_lowest_primary_score_of_each_mark() -> None:
    pairs = [(4, 3), (Decimal("3.5"), 3), (6, 4), (9, 5), (7, 5), (0, 2)]
    assert mark_cutoffs(pairs) == {2: 0, 3: Decimal("3.5"), 4: 6, 5: 7}
    assert list(mark_cutoffs([(9, 5), (1, 2)])) == [2, 5]  # marks in order
    assert mark_cutoffs([]) == {}


# ------------------------------------------------------------------ tasks by level


def test_task_chart_by_level_with_the_mastery_thresholds(
    campaign, school_a, specialist, client_for
):
    page = _get(client_for(specialist), campaign, tab="tasks", school=school_a.pk)
    chart = _charts(page)[f"Выполнение заданий по уровням, %: {campaign}"]
    tips = _tips(chart)
    expected = {
        "Муниципалитет, 1: 75,0\u00a0%",
        "Муниципалитет, 2: 75,0\u00a0%",
        "Муниципалитет, 3К1: 54,2\u00a0%",
        "Муниципалитет, 3К2: 25,0\u00a0%",
        "МБОУ СОШ № 1, 1: 80,0\u00a0%",
        "МБОУ СОШ № 1, 3К1: 46,7\u00a0%",
        "МБОУ СОШ № 1, 3К2: 30,0\u00a0%",
        "Порог освоения, 1: 60,0\u00a0%",
        "Порог освоения, 2: 60,0\u00a0%",
        "Порог освоения, 3К1: 30,0\u00a0%",
        "Порог освоения, 3К2: 30,0\u00a0%",
    }
    assert expected <= set(tips)
    labels = [t.text for t in chart.iter(f"{SVG}text")]
    assert labels.count("Б") == 2 and labels.count("П") == 1 and labels.count("В") == 1
    assert "3К2 (В) — 25,0\u00a0%, не освоено" in (chart.findtext(f"{SVG}desc") or "")
    assert "60 % для базовых заданий (Б), 30 % для повышенных (П) и высоких (В)" in page
    # the table: level, both series and the threshold for each task
    assert re.search(
        r'<th scope="row">3К1</th><td class="num">П</td><td class="num">46,7\u00a0%</td>'
        r'<td class="num">54,2\u00a0%</td><td class="num">30,0\u00a0%</td>',
        page,
    )
    assert "Меньше 10 участников: МБОУ СОШ № 1 (5), Муниципалитет (8)" in page


# ------------------------------------------------------------------ the journal


def test_journal_chart_with_the_school_the_municipality_and_russia(
    campaign, director_a, client_for
):
    page = _get(client_for(director_a), campaign, tab="journal")
    chart = _charts(page)[f"Отметки за работу и по журналу, %: {campaign}"]
    tips = set(_tips(chart))
    assert {
        "МБОУ СОШ № 1, Понизили: 50,0\u00a0%",
        "МБОУ СОШ № 1, Подтвердили: 25,0\u00a0%",
        "МБОУ СОШ № 1, Повысили: 25,0\u00a0%",
        "Муниципалитет, Понизили: 42,9\u00a0%",
        "Муниципалитет, Подтвердили: 28,6\u00a0%",
        "Муниципалитет, Повысили: 28,6\u00a0%",
        "Россия, Понизили: 20,0\u00a0%",
        "Россия, Подтвердили: 70,0\u00a0%",
    } <= tips
    assert not any(tip.startswith("Регион") for tip in tips)  # no regional figures imported
    assert "Меньше 10 участников: МБОУ СОШ № 1 (4), Муниципалитет (7)" in page


# ------------------------------------------------------------------ who sees what


def test_a_directors_charts_show_his_school_and_the_municipality_only(
    campaign, school_a, school_b, director_b, client_for
):
    client = client_for(director_b)
    for tab in ("figures", "tasks", "journal", "distribution"):
        # asking for another school changes nothing: it is not among his
        page = _get(client, campaign, tab=tab, school=school_a.pk)
        charts = _charts(page)
        assert charts, tab
        names = {
            tip.split(",")[0]
            for root in charts.values()
            for tip in _tips(root)
            if tip.startswith("МБОУ")
        }
        assert names <= {"МБОУ Каменская СОШ"}, tab
        assert "МБОУ СОШ № 1" not in page, tab
    page = _get(client, campaign, tab="distribution")
    titles = [t for t in _charts(page) if t.startswith("Распределение первичных")]
    assert titles == [
        "Распределение первичных баллов: МБОУ Каменская СОШ",
        "Распределение первичных баллов: Муниципалитет",
    ]
    school = _charts(page)["Распределение первичных баллов: МБОУ Каменская СОШ"]
    assert {"Первичный балл 2: 1", "Первичный балл 4: 1", "Первичный балл 7: 1"} <= set(
        _tips(school)
    )
    tasks = _charts(_get(client, campaign, tab="tasks"))[
        f"Выполнение заданий по уровням, %: {campaign}"
    ]
    # school B: task 1 — 4/6 = 66,7 %; the municipality's 75 % beside it
    assert {"МБОУ Каменская СОШ, 1: 66,7\u00a0%", "Муниципалитет, 1: 75,0\u00a0%"} <= set(
        _tips(tasks)
    )

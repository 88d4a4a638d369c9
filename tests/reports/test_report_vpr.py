"""The «Аналитический отчёт о результатах ВПР»: its numbers are the stored figures.

A small municipality of two schools: ВПР русский язык 5 класс 2026 (the hand campaign's
pupils, tests.assessments.matrix_campaigns), the same work in 2025 for the dynamics and
4 класс 2025 for the cohort; the figures jobs store them, the report reads them.
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest

from assessments.figures import from_data
from assessments.indicators import CampaignStats
from assessments.models import CampaignFigures, FiguresRun, IndicatorValue
from msoko import formatting
from reports.documents.catalogue import NoData, Params, get
from reports.documents.render import render_pdf
from tests.assessments.matrix_campaigns import PUPILS_A, PUPILS_B, add_pupils, make_campaign
from tests.assessments.objectivity_setup import add_marks, compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality: Any, school_a: Any, school_b: Any, specialist: Any) -> dict[str, Any]:
    before4 = make_campaign(year=2025, grade=4)
    add_marks(before4, school_a, [4, 4, 3, 5, 3])
    add_marks(before4, school_b, [3, 3, 4])
    before5 = make_campaign(year=2025, grade=5)
    add_marks(before5, school_a, [4, 4, 4, 5, 3])
    add_marks(before5, school_b, [2, 3, 4])
    now = make_campaign(year=2026, grade=5)
    add_pupils(now, school_a, PUPILS_A, absent=1)
    add_pupils(now, school_b, PUPILS_B)
    compute(before4, before5, now)
    return {"campaign": now, "user": specialist, "municipality": municipality}


def _value(campaign: Any, code: str, *, school: Any = None, year: int = 2026) -> Decimal | None:
    rows = IndicatorValue.objects.filter(
        code=code, year=year, subject=campaign.subject, grade=campaign.grade, part=""
    )
    rows = rows.filter(school=school) if school else rows.filter(level="municipality")
    return rows.get().value


def _build(world: dict[str, Any], year: int = 2026) -> Any:
    return get("vpr")().build(
        Params(year=year, municipality=world["municipality"], user=world["user"])
    )


@pytest.mark.documents
def test_the_report_shows_the_stored_figures_of_the_municipality_and_its_schools(
    world: dict[str, Any], school_a: Any, school_b: Any
) -> None:
    campaign = world["campaign"]
    document = _build(world)
    text = document.text()
    fail = _value(campaign, "vpr.fail_share")
    quality = _value(campaign, "vpr.quality")
    mean = _value(campaign, "vpr.mean_mark")
    assert fail is not None and quality is not None and mean is not None
    row = (
        f"Русский язык | 5 | 8 | {formatting.percent(fail)} | — | — | {formatting.percent(quality)}"
    )
    assert row in text
    assert f"Муниципалитет, 2026 | 8 | {formatting.percent(fail)}" in text
    assert formatting.number(mean, 2) in text
    for school in (school_a, school_b):
        line = (
            f"{school.short_name} | "
            f"{formatting.integer(_value(campaign, 'vpr.participants', school=school))} * | "
            f"{formatting.percent(_value(campaign, 'vpr.fail_share', school=school))} | "
            f"{formatting.percent(_value(campaign, 'vpr.quality', school=school))} | "
            f"{formatting.number(_value(campaign, 'vpr.mean_mark', school=school), 2)}"
        )
        assert line in text
    # the dynamics sentence from the two stored municipal values
    before = _value(campaign, "vpr.fail_share", year=2025)
    assert (
        f"Доля «2» (русский язык, 5 класс) в 2025–2026 гг. выросла с "
        f"{formatting.percent(before)} до {formatting.percent(fail)} (+25,0\xa0п.\xa0п.) — "
        "негативная динамика." in text
    )
    # the stored task figures: every task below its threshold is listed with its success
    run = FiguresRun.objects.get(campaign=campaign)
    stats = from_data(
        CampaignStats,
        CampaignFigures.objects.get(run=run, school__isnull=True, kind="marks").data,
    )
    low = [t for t in stats.tasks if t.mastered is False]
    assert f"{len(low)} из {len(stats.tasks)}" in text
    for task in low:
        assert (
            f"{task.number} | {task.level} | {task.requirement} | {formatting.percent(task.success)}"
            in text
        )
    j = stats.journal
    assert (
        f"Муниципалитет | {j.compared} | {formatting.percent(j.lowered_percent)} | "
        f"{formatting.percent(j.confirmed_percent)} | {formatting.percent(j.raised_percent)}"
    ) in text
    # the cohort: 4 класс 2025 → 5 класс 2026, by school
    assert "4 → 5" in text or "сопоставлений по ОО и классам — 2" in text
    assert set(document.inputs) == set(
        IndicatorValue.objects.filter(year__in=[2025, 2026]).values_list("run_id", flat=True)
    )
    assert document.inputs == sorted(set(document.inputs))
    # the same figures, the same content
    assert _build(world).sha256() == document.sha256()
    # the PDF says the same
    if shutil.which("pdftotext"):
        pdf, pages = render_pdf(document, generated="01.09.2026")
        assert pages >= 3
        out = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        flat = " ".join(out.replace("\xa0", " ").split())
        assert formatting.percent(fail).replace("\xa0", " ") in flat
        assert school_a.short_name in flat and "Выводы" in flat


def test_a_year_without_vpr_figures_says_so(world: dict[str, Any]) -> None:
    with pytest.raises(NoData, match="За 2023 год нет рассчитанных показателей ВПР"):
        _build(world, 2023)


def test_conclusions_name_the_negative_dynamics_and_the_commentaries_are_keyed(
    world: dict[str, Any],
) -> None:
    document = _build(world)
    text = document.text()
    keys = [c.key for c in document.commentaries()]
    assert keys == ["vpr.summary", "vpr.russian.5", "vpr.conclusions"]
    assert "3. Выводы" in text
    # 12,5 % → 37,5 %: a rise of 25 points, named among the conclusions
    conclusions = text.split("3. Выводы", 1)[1]
    assert "Доля «2» (русский язык, 5 класс) в 2025–2026 гг. выросла" in conclusions
    assert "ОО с маркерами необъективности результатов ВПР 2026 года" in text

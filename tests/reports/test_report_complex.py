"""The «complex» report: the year across procedures, the groups, markers, the register."""

from __future__ import annotations

import datetime
import subprocess
from decimal import Decimal
from typing import Any

import pytest

from assessments.models import FiguresRun, IndicatorValue, Subject
from reports.documents.catalogue import NoData, Params, get
from reports.documents.render import render_pdf
from reports.models import RuleVersion
from reports.services import identification_run_now
from roadmaps.models import Decision, Recommendation
from tests.reports.builders import marker, planted_world

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality: Any) -> Any:
    world = planted_world(municipality)
    run = world.runs[("vpr", 2026)]
    russian = Subject.objects.get(code="russian")
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                run=run,
                municipality=municipality,
                level=level,
                school=school,
                year=2026,
                procedure="ege",
                subject=russian,
                grade=11,
                code="ege.below_min",
                value=value,
                n=n,
            )
            for level, school, value, n in (
                ("municipality", None, D("2.5"), 200),
                ("school", world.schools["W1"], D("12.5"), 16),
            )
        ]
    )
    identification_run_now(
        version=RuleVersion.objects.get(rule__code="shnor_basic", version=1),
        municipality=municipality,
        year=2026,
        user=None,
    )
    marker(world.schools["W2"], 2026, "score_peaks")
    marker(world.schools["W2"], 2026, "journal_gap")
    Recommendation.objects.create(
        municipality=municipality,
        year=2026,
        number="7/2026",
        school=world.schools["W1"],
        text="Провести перепроверку работ",
        basis_kind="indicator",
        basis_text="ВПР: доля «2» за год",
        due_date=datetime.date(2026, 3, 1),
    )
    Decision.objects.create(
        municipality=municipality,
        year=2025,
        act_number="25-од",
        act_date=datetime.date(2025, 9, 1),
        title="О мерах в МБОУ СОШ № 26",
        school=world.schools["W1"],
        indicator_code="vpr.fail_share_year",
        procedure="vpr",
    )
    return world


def build(world: Any, year: int = 2026) -> Any:
    return get("complex")().build(Params(year=year, municipality=world.municipality, user=None))


def test_the_numbers_are_the_stored_figures_and_the_rules_name_the_schools(world: Any) -> None:
    doc = build(world)
    text = doc.text()
    vpr = IndicatorValue.objects.get(
        code="vpr.fail_share_year", level="municipality", year=2026
    ).value
    vpr_before = IndicatorValue.objects.get(
        code="vpr.fail_share_year", level="municipality", year=2025
    ).value
    shown = f"{vpr:.1f}".replace(".", ",")
    before = f"{vpr_before:.1f}".replace(".", ",")
    assert f"ВПР: доля «2» за год | {before}\u00a0% | " not in text  # 3 years: 2024 first
    assert f"с {before}\u00a0% до {shown}\u00a0%" in text
    # the school table: W1's stored ВПР, ОГЭ and ЕГЭ shares (№ 26)
    assert (
        "МБОУ СОШ № 26 | ШНОР в благоприятных условиях | 31,0\u00a0% | 34,0\u00a0% | 12,5\u00a0% | 0"
        in text
    )
    # above the municipality in both procedures: the three planted schools
    line = next(x for x in text.splitlines() if x.startswith("Доля «2» выше муниципальной"))
    assert "3 ОО" in line and "№ 26" in line and "№ 27" in line and "№ 28" in line
    # groups from the draft run, markers, the register and the decision's effect
    assert "ШНОР в благоприятных условиях | низкие результаты" in text
    assert "ОО хотя бы с одним маркером в 2026 году: 1 из 30 (3,3\u00a0%)." in text
    assert "Маркеры двух и более видов в 2026 году — 1 ОО: МБОУ СОШ № 27" in text
    assert "7/2026 | МБОУ СОШ № 26 | Провести перепроверку работ" in text
    assert "направлена, просрочено" in text
    assert "32,0\u00a0% | 31,0\u00a0% | −1,0 п. п." in text
    # the flagged schools without a recommendation: W2 and W3, not W1
    advice = next(x for x in text.splitlines() if x.startswith("ОО, выделенные правилами"))
    assert "№ 27" in advice and "№ 28" in advice and "№ 26" not in advice
    assert set(doc.inputs) <= set(FiguresRun.objects.values_list("pk", flat=True))
    assert world.runs[("vpr", 2026)].pk in doc.inputs
    assert world.runs[("oge", 2025)].pk in doc.inputs
    assert doc.inputs == sorted(set(doc.inputs))


@pytest.mark.documents
def test_two_builds_hash_alike_and_the_pdf_text_has_the_figures(world: Any) -> None:
    first, second = build(world), build(world)
    assert first.sha256() == second.sha256()
    pdf, pages = render_pdf(first, generated="01.09.2026")
    assert pages >= 5
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "31,0" in text and "12,5" in text and "7/2026" in text


def test_a_year_without_figures_says_so(world: Any) -> None:
    with pytest.raises(NoData, match="За 2030 год нет рассчитанных показателей ВПР, ОГЭ и ЕГЭ"):
        build(world, 2030)

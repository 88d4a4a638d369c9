"""«Анализ результатов ВПР в ШНОР»: the year's ШНОР list (a draft, said so), their stored
ВПР figures against the municipality, the dynamics sentence per school, and NoData without
a list."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.base import ContentFile

from assessments.models import IndicatorValue
from msoko import formatting
from reports.choices import ListStatus, RuleKind, RunStatus
from reports.documents.catalogue import NoData, Params, get
from reports.models import IdentificationRun, RuleVersion, SchoolList, SchoolListEntry
from tests.assessments.matrix_campaigns import PUPILS_A, PUPILS_B, add_pupils, make_campaign
from tests.assessments.objectivity_setup import add_marks, compute

pytestmark = pytest.mark.django_db


def _list(municipality: Any, school: Any, *, confirmed: bool = False) -> SchoolList:
    run = IdentificationRun(
        version=RuleVersion.objects.get(rule__code="shnor_basic", version=1),
        municipality=municipality,
        year=2026,
        status=RunStatus.DONE,
        protocol={"schools": [], "criteria": [], "totals": {"listed": 1}},
        protocol_sha256="0" * 64,
    )
    run.pdf.save("protocol.pdf", ContentFile(b"%PDF-1.4"), save=False)
    run.xlsx.save("protocol.xlsx", ContentFile(b"PK"), save=False)
    run.save()
    school_list = SchoolList.objects.create(
        municipality=municipality,
        year=2026,
        kind=RuleKind.SHNOR,
        run=run,
        status=ListStatus.CONFIRMED if confirmed else ListStatus.DRAFT,
        act_number="12" if confirmed else "",
        act_date=date(2026, 6, 1) if confirmed else None,
    )
    SchoolListEntry.objects.create(school_list=school_list, school=school)
    return school_list


@pytest.fixture
def world(municipality: Any, school_a: Any, school_b: Any, specialist: Any) -> dict[str, Any]:
    before = make_campaign(year=2025, grade=5)
    add_marks(before, school_a, [4, 4, 4, 5, 3])
    add_marks(before, school_b, [2, 3, 4])
    now = make_campaign(year=2026, grade=5)
    add_pupils(now, school_a, PUPILS_A, absent=1)
    add_pupils(now, school_b, PUPILS_B)
    compute(before, now)
    return {"campaign": now, "user": specialist, "municipality": municipality}


def _build(world: dict[str, Any], year: int = 2026) -> Any:
    return get("vpr_shnor")().build(
        Params(year=year, municipality=world["municipality"], user=world["user"])
    )


def _value(code: str, school: Any = None, year: int = 2026) -> Any:
    rows = IndicatorValue.objects.filter(code=code, year=year, part="", grade=5)
    rows = rows.filter(school=school) if school else rows.filter(level="municipality")
    return rows.get().value


def test_the_shnor_figures_are_the_stored_ones_against_the_municipality(
    world: dict[str, Any], school_a: Any, school_b: Any
) -> None:
    _list(world["municipality"], school_b)
    document = _build(world)
    text = document.text()
    assert "черновик запуска" in text and "не утверждён" in text
    fail_b = _value("vpr.fail_share", school_b)
    assert (
        f"{school_b.short_name} | 3 * | {formatting.percent(fail_b)} | "
        f"{formatting.percent(_value('vpr.quality', school_b))}"
    ) in text
    assert f"Муниципалитет | 8 | {formatting.percent(_value('vpr.fail_share'))}" in text
    # the only other school: its own value is the median
    assert (
        f"Остальные ОО (медиана по 1 ОО) | — | "
        f"{formatting.percent(_value('vpr.fail_share', school_a))}"
    ) in text
    before = _value("vpr.fail_share", school_b, 2025)
    assert "Доля «2» (русский язык, 5 класс) в 2025–2026 гг." in text
    if before != fail_b:
        assert f"с {formatting.percent(before)} до {formatting.percent(fail_b)}" in text
    assert school_a.short_name + " | 5 *" not in text  # not a ШНОР: no row of its own
    assert "ШНОР с маркерами необъективности результатов ВПР 2026 года: 0 из 1" in text
    assert document.inputs and _build(world).sha256() == document.sha256()


def test_a_confirmed_list_is_named_by_its_act(world: dict[str, Any], school_b: Any) -> None:
    _list(world["municipality"], school_b, confirmed=True)
    text = _build(world).text()
    assert "утверждённый перечень (акт № 12 от 01.06.2026)" in text
    assert "черновик" not in text


def test_without_a_shnor_list_the_year_gives_a_clear_message(world: dict[str, Any]) -> None:
    with pytest.raises(NoData, match="За 2026 год ШНОР не отбирались"):
        _build(world)

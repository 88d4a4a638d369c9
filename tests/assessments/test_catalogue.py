"""The indicator catalogue, list_indicators and export_indicators (issue 8, items 2 and 4)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from assessments import catalogue
from tests.assessments.matrix_campaigns import (
    PUPILS_A,
    PUPILS_B,
    add_pupils,
    compute_figures,
    hand_campaign,
    make_campaign,
)


def _csv(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue()), delimiter=";"))


def test_codes_are_stable_and_every_indicator_says_how_it_is_computed() -> None:
    for code in (
        "vpr.fail_share",
        "vpr.quality",
        "oge.fail_share",
        "ege.mean_test",
        "ege.below_min",
    ):
        assert code in catalogue.CATALOGUE
    for indicator in catalogue.CATALOGUE.values():
        assert indicator.name and indicator.unit and indicator.formula.endswith(".")
        assert indicator.code.startswith(f"{indicator.procedure}.")
        # A campaign's indicator is a function of its figures; a year's is stored by the
        # year computation of its procedure (assessments.services.figures.YEAR_FIGURES).
        assert (indicator.compute is not None) != (indicator.figures == catalogue.YEAR)
    with pytest.raises(KeyError, match=r"Показателя «vpr\.nope» нет в каталоге"):
        catalogue.get("vpr.nope")


def test_list_indicators_prints_the_catalogue() -> None:
    rows = _csv("list_indicators", "--format", "csv")
    assert list(rows[0]) == [
        "code",
        "name",
        "unit",
        "direction",
        "source",
        "better",
        "per",
        "target",
        "seed",
        "section",
    ]
    by_code = {row["code"]: row for row in rows}
    assert by_code["vpr.fail_share"] == {
        "code": "vpr.fail_share",
        "name": "ВПР: доля «2»",
        "unit": "%",
        "direction": "1.1",
        "source": "computed",
        "better": "lower",
        "per": "",
        "target": "",
        "seed": "",
        "section": "",
    }
    assert by_code["ege.high_band"]["better"] == "higher"
    assert len(rows) == len(catalogue.CATALOGUE)


@pytest.mark.django_db
def test_export_indicators_reads_the_stored_figures_with_last_years_change(
    school_a: Any, school_b: Any
) -> None:
    hand_campaign(school_a, school_b)  # 2026, stored
    before = make_campaign(year=2025)
    add_pupils(before, school_a, PUPILS_B)  # school A a year before: 3 pupils, one «2»
    add_pupils(before, school_b, PUPILS_A)
    compute_figures(before)
    rows = _csv("export_indicators", "--year", "2026", "--indicator", "vpr.fail_share")
    by_school = {row["ОО"]: row for row in rows}
    assert set(by_school) == {school_a.short_name, school_b.short_name, "Муниципалитет"}
    a = by_school[school_a.short_name]
    # 2026: 2 of 5 with «2» = 40,0 %; 2025: 1 of 3 = 33,3 %; change +6,7
    assert (a["Значение"], a["n"], a["Значение прошлого года"], a["Изменение"]) == (
        "40,0",
        "5",
        "33,3",
        "6,7",
    )
    assert by_school["Муниципалитет"]["Значение"] == "37,5"
    assert Decimal(by_school["Муниципалитет"]["n"]) == 8


@pytest.mark.django_db
def test_export_indicators_filters_by_school_and_refuses_unknown_codes(
    school_a: Any, school_b: Any
) -> None:
    hand_campaign(school_a, school_b)
    rows = _csv("export_indicators", "--school", school_a.login)
    assert {row["Логин ОО"] for row in rows} == {school_a.login}
    assert {row["Код показателя"] for row in rows} == {  # the campaign's, not the year's
        i.code for i in catalogue.for_procedure("vpr") if i.figures != catalogue.YEAR
    }
    with pytest.raises(CommandError, match=r"Показателя «vpr\.nope» нет в каталоге"):
        _csv("export_indicators", "--indicator", "vpr.nope")
    with pytest.raises(CommandError, match="Неизвестная процедура «gia»"):
        _csv("export_indicators", "--procedure", "gia")
    assert _csv("export_indicators", "--year", "1999") == []


@pytest.mark.django_db
def test_the_catalogue_page_shows_every_formula(specialist: Any, client_for: Any) -> None:
    page = client_for(specialist).get("/indicators/").content.decode()
    for indicator in catalogue.CATALOGUE.values():
        assert indicator.code in page and indicator.formula.replace("«", "&laquo;")[:20]
    assert "Участники с отметкой «2», делённые на участников с отметкой" in page


def test_every_year_indicator_has_a_registered_year_computation() -> None:
    from assessments.services.figures import YEAR_FIGURES

    year_procedures = {
        i.procedure
        for i in catalogue.CATALOGUE.values()
        if i.figures == "year" and i.source == catalogue.COMPUTED  # collected: not computed
    }
    assert year_procedures == {"vsosh", "ege", "vpr", "oge"}
    assert year_procedures <= set(YEAR_FIGURES)


@pytest.mark.django_db
def test_export_indicators_names_the_olympiad_stage(school_a: Any, municipality: Any) -> None:
    from assessments.models import OlympiadResult, Subject
    from assessments.services.figures import year_figures_compute

    russian = Subject.objects.get(code="russian")
    for stage, code in (("school", "x1"), ("school", "x2"), ("municipal", "x1")):
        OlympiadResult.objects.create(
            year=2026,
            stage=stage,
            subject=russian,
            grade=7,
            school=school_a,
            participant_code=code,
            status="participant",
        )
    year_figures_compute(procedure="vsosh", year=2026, municipality_id=municipality.pk)
    rows = _csv(
        "export_indicators", "--indicator", "vsosh.participants", "--school", school_a.login
    )
    overall = {row["Этап"]: row["Значение"] for row in rows if row["Предмет"] == ""}
    assert overall == {"школьный": "2", "муниципальный": "1"}

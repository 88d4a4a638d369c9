"""ШНОР identification by the default rule (reports/identification.py, identify_schools).

A generated municipality of 12 schools over three years: the share of «2» of school k is
k % (n = 40). The 90th percentile (PERCENTILE.INC) of 1…12 is 10 + 0,9 × (11 − 10) = 10,9,
so schools 11 and 12 meet it in 2024 and 2025. In 2026 school 10 has 30 %: over 1…9, 11,
12, 30 the cut is 11 + 0,9 × (12 − 11) = 11,9, met by schools 10 and 12 — school 10 once,
not enough; school 11 twice, enough. School 13 has 50 % but only 5 participants: its years
do not count.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from assessments.models import FiguresRun, IndicatorValue
from reports.identification import DEFAULT_RULE, identify, percentile_criterion
from tests.factories import SchoolFactory

YEARS = (2024, 2025, 2026)


def _series() -> dict[int, dict[int, tuple[Decimal | None, int]]]:
    series: dict[int, dict[int, tuple[Decimal | None, int]]] = {}
    for year in YEARS:
        series[year] = {k: (Decimal(k), 40) for k in range(1, 13)}
        series[year][13] = (Decimal(50), 5)  # a small school: not counted
    series[2026][10] = (Decimal(30), 40)  # high once
    return series


def test_the_percentile_criterion_lists_the_schools_high_in_two_of_three_years() -> None:
    results = percentile_criterion(DEFAULT_RULE[0], _series(), year=2026)
    assert {k for k, r in results.items() if r.met} == {11, 12}
    checks = results[11].years
    assert [c.cut for c in checks] == [Decimal("10.9"), Decimal("10.9"), Decimal("11.9")]
    assert [c.met for c in checks] == [True, True, False]
    assert results[12].met_years == 3
    assert results[10].met_years == 1 and not results[10].met
    assert all(c.met is None for c in results[13].years)  # 5 participants: never counts


def test_identify_combines_the_criteria_with_any() -> None:
    series = {"vpr.fail_share_year": _series(), "oge.fail_share_year": {}}
    listed = identify(DEFAULT_RULE, series, year=2026)
    assert set(listed) == {11, 12}
    assert [r.criterion.code for r in listed[12] if r.met] == ["K1"]


@pytest.mark.django_db
def test_identify_schools_prints_the_listed_schools(municipality: Any) -> None:
    schools = {
        k: SchoolFactory(municipality=municipality, short_name=f"МБОУ Школа {k:02d}")
        for k in range(1, 14)
    }
    for year, values in _series().items():
        run = FiguresRun.objects.create(
            year=year, procedure="vpr", municipality=municipality, code_version=1
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                run=run,
                municipality=municipality,
                level="school",
                school=schools[k],
                year=year,
                procedure="vpr",
                code="vpr.fail_share_year",
                value=value,
                n=n,
            )
            for k, (value, n) in values.items()
        )
    out, err = io.StringIO(), io.StringIO()
    call_command("identify_schools", "--year", "2026", "--version", "1", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[1] for line in lines] == ["МБОУ Школа 11", "МБОУ Школа 12"]
    assert lines[1].split("\t")[2] == "K1 (3 из 3 лет)"
    assert "нет кампаний ОГЭ за 2024 год" in err.getvalue()  # the missing inputs are named

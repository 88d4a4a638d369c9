"""The year's share of «2» per school, every subject and grade pooled (the ШНОР criteria)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from assessments.models import IndicatorValue, Result
from assessments.services.figures import year_figures_compute
from tests.assessments.matrix_campaigns import PUPILS_A, PUPILS_B, add_pupils, make_campaign

pytestmark = pytest.mark.django_db


def test_the_year_pools_every_subject_and_grade(
    school_a: Any, school_b: Any, municipality: Any
) -> None:
    grade4 = make_campaign(grade=4)
    add_pupils(grade4, school_a, PUPILS_A, absent=2)  # marks 5, 4, 2, 4, 2; two absent
    grade5 = make_campaign(grade=5, subject="math")
    add_pupils(grade5, school_a, PUPILS_B)  # 5, 2, 3
    add_pupils(grade5, school_b, PUPILS_B)
    Result.objects.filter(campaign=grade5, school=school_b, participant_code="b3").update(mark=None)
    oge = make_campaign(procedure="oge", grade=9, subject="literature")  # not pooled for ОГЭ
    add_pupils(oge, school_a, PUPILS_A)

    run = year_figures_compute(procedure="vpr", year=2026, municipality_id=municipality.pk)
    assert run is not None
    values = {
        (v.school_id, v.level): (v.value, v.n)
        for v in IndicatorValue.objects.filter(code="vpr.fail_share_year")
    }
    assert values[(school_a.pk, "school")] == (Decimal("37.5"), 8)  # 3 «2» of 8 with a mark
    assert values[(school_b.pk, "school")] == (Decimal("50"), 2)  # b3 has no mark
    assert values[(None, "municipality")] == (Decimal("40"), 10)
    assert run.sources == [{"campaigns": sorted([grade4.pk, grade5.pk])}]
    # ОГЭ pools русский язык and математика only: литература gives nothing to store
    assert year_figures_compute(procedure="oge", year=2026, municipality_id=municipality.pk) is None

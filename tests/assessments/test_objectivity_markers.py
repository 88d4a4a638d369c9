"""The markers across procedures (above_unconfirmed, cohort_drop, vpr_over_oge), stored by
the job that follows the campaigns' figures, from the stored indicator values."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from assessments import objectivity
from assessments.models import ObjectivityMarker, ObjectivityRun, Result
from assessments.selectors_objectivity import raised_by_school, school_markers
from assessments.services.objectivity import objectivity_compute
from tests.assessments.objectivity_setup import compute, planted, planted_cohort

pytestmark = pytest.mark.django_db


def _raised(code: str) -> set[str]:
    return set(
        ObjectivityMarker.objects.filter(code=code, raised=True).values_list(
            "school__short_name", flat=True
        )
    )


def _state() -> set[tuple[Any, ...]]:
    return set(
        ObjectivityMarker.objects.exclude(
            code__in=["score_peaks", "hard_over_basic", "journal_gap"]
        ).values_list("school_id", "campaign_id", "code", "value", "raised")
    )


def test_inflated_vpr_not_confirmed_by_oge_raises_the_marker_and_an_ordinary_school_does_not(
    municipality: Any,
) -> None:
    world = planted(municipality)
    compute(world["vpr"], world["oge"])
    assert _raised("above_unconfirmed") == {world["inflated"].short_name}
    marker = ObjectivityMarker.objects.get(school=world["inflated"], code="above_unconfirmed")
    # 100 − 73,3 (44 of 60 in the municipality) = +26,7 points; ОГЭ 16,7 against 43,3
    assert marker.value == Decimal("26.70") and marker.threshold == Decimal("20.00")
    assert marker.campaign == world["vpr"] and marker.objectivity_run is not None
    assert (marker.procedure, marker.subject.code, marker.grade) == ("vpr", "russian", 4)
    assert marker.evidence["oge_excess"] == "-26.7" and marker.evidence["confirmed_by"] == []
    text = objectivity.explain(marker.code, marker.value, marker.threshold, marker.evidence)
    assert "100,0\xa0%" in text and "73,3\xa0%" in text and "не подтверждены" in text
    ordinary = ObjectivityMarker.objects.get(school=world["ordinary"], code="above_unconfirmed")
    assert not ordinary.raised and ordinary.value == Decimal("-40.00")
    # the гимназия is as high and unconfirmed, but high results are expected of it
    gymnasium = ObjectivityMarker.objects.get(school=world["gymnasium"], code="above_unconfirmed")
    assert not gymnasium.raised and gymnasium.evidence["selective"] is True
    # the school whose ОГЭ is as high is confirmed
    confirmed = ObjectivityMarker.objects.get(school=world["confirmed"], code="above_unconfirmed")
    assert not confirmed.raised and confirmed.evidence["confirmed_by"] == ["oge"]


def test_vpr_far_above_the_schools_own_oge_raises_vpr_over_oge(municipality: Any) -> None:
    world = planted(municipality)
    compute(world["vpr"], world["oge"])
    assert _raised("vpr_over_oge") == {
        world["inflated"].short_name,
        world["gymnasium"].short_name,
    }
    gap = ObjectivityMarker.objects.get(school=world["inflated"], code="vpr_over_oge")
    assert gap.value == Decimal("83.30") and gap.evidence["oge_campaign"] == world["oge"].pk
    assert not ObjectivityMarker.objects.get(school=world["ordinary"], code="vpr_over_oge").raised


def test_ege_confirms_a_school_without_oge() -> None:
    common = {"vpr_quality": Decimal("90"), "vpr_municipality": Decimal("50"), "n": 30}
    none = {"oge_quality": None, "oge_municipality": None, "selective": False}
    unconfirmed = objectivity.above_unconfirmed(**common, **none)
    assert unconfirmed.raised and unconfirmed.evidence["oge_excess"] is None
    by_ege = objectivity.above_unconfirmed(
        **common, **none, ege_mean=Decimal("72"), ege_municipality=Decimal("60")
    )
    assert not by_ege.raised and by_ege.evidence["confirmed_by"] == ["ege"]
    weak_ege = objectivity.above_unconfirmed(
        **common, **none, ege_mean=Decimal("61"), ege_municipality=Decimal("60")
    )
    assert weak_ege.raised


def test_a_sharp_fall_of_the_same_class_from_grade_4_to_5_raises_cohort_drop(
    municipality: Any,
) -> None:
    world = planted_cohort(municipality)
    compute(world["grade4"], world["grade5"])
    assert _raised("cohort_drop") == {world["dropper"].short_name}
    drop = ObjectivityMarker.objects.get(school=world["dropper"], code="cohort_drop")
    assert drop.year == 2026 and drop.campaign == world["grade5"]
    assert drop.value == Decimal("100.00") and drop.evidence["method"] == "class"
    assert [p["label"] for p in drop.evidence["pairs"]] == ["4А → 5А"]
    assert drop.evidence["campaign_before"] == world["grade4"].pk
    steady = ObjectivityMarker.objects.get(school=world["steady"], code="cohort_drop")
    assert not steady.raised and steady.value == Decimal("0.00")


def test_the_markers_do_not_depend_on_the_order_the_figures_are_computed_in(
    municipality: Any,
) -> None:
    world = planted(municipality) | planted_cohort(municipality)
    # grade 5 of 2026 and the ОГЭ first, the 2025 grade 4 and the 2026 ВПР after
    compute(world["grade5"], world["oge"], world["grade4"], world["vpr"])
    first = _state()
    assert {code for _s, _c, code, _v, raised in first if raised} == {
        "above_unconfirmed",
        "vpr_over_oge",
        "cohort_drop",
    }
    compute(world["vpr"], world["grade4"], world["oge"], world["grade5"])
    assert _state() == first
    # one run per year and municipality: a recomputation replaces, never adds
    assert ObjectivityRun.objects.filter(year=2026).count() == 1
    assert (
        ObjectivityMarker.objects.filter(school=world["inflated"], code="above_unconfirmed").count()
        == 1
    )


def test_the_markers_are_read_from_the_stored_figures_not_the_results(municipality: Any) -> None:
    world = planted(municipality)
    compute(world["vpr"], world["oge"])
    before = _state()
    Result.objects.all().delete()  # the stored figures stay
    run = objectivity_compute(year=2026, municipality_id=municipality.pk)
    assert run is not None and _state() == before
    assert {s["campaign"] for s in run.sources} == {world["vpr"].pk, world["oge"].pk}


def test_a_director_sees_his_own_schools_markers_only(municipality: Any) -> None:
    from msoko.choices import Role
    from tests.factories import UserFactory

    world = planted(municipality)
    compute(world["vpr"], world["oge"])
    director = UserFactory(role=Role.DIRECTOR, username="dir_ord", school=world["ordinary"])
    assert not school_markers(director, world["inflated"]).years
    own = school_markers(director, world["ordinary"])
    assert own.computed and not own.years  # computed, none raised
    specialist = UserFactory(role=Role.SPECIALIST, username="spec_all")
    card = school_markers(specialist, world["inflated"])
    assert [year for year, _lines in card.years] == [2026]
    assert {line.marker.code for line in card.years[0][1]} == {"above_unconfirmed", "vpr_over_oge"}
    assert raised_by_school(municipality_id=municipality.pk, years=[2026])[
        world["inflated"].pk
    ] == ("above_unconfirmed", "vpr_over_oge")


def test_export_objectivity_prints_the_markers_across_procedures(municipality: Any) -> None:
    world = planted(municipality) | planted_cohort(municipality)
    compute(world["grade4"], world["grade5"], world["vpr"], world["oge"])
    out = io.StringIO()
    call_command("export_objectivity", "--year", "2026", stdout=out, stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter=";"))
    found = {(r["Логин ОО"], r["Код маркера"]) for r in rows}
    assert (world["inflated"].login, "above_unconfirmed") in found
    assert (world["inflated"].login, "vpr_over_oge") in found
    assert (world["dropper"].login, "cohort_drop") in found
    row = next(r for r in rows if r["Код маркера"] == "cohort_drop")
    assert (row["Процедура"], row["Предмет"], row["Класс"]) == ("vpr", "Русский язык", "5")
    assert row["Значение"] == "100,00" and row["Маркер"].startswith("Резкое падение")

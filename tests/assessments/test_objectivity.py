"""Objectivity markers as plain functions (assessments/objectivity.py), on hand-made figures.

These tests fix the methods the markers are decided by, and the campaign markers' storing;
the markers across procedures are in test_objectivity_markers.py, the federal lists in
test_federal_list.py, the pages in test_objectivity_pages.py.
"""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from assessments import objectivity
from assessments.indicators import Record, Task, campaign_stats
from assessments.models import ObjectivityMarker
from tests.assessments.matrix_campaigns import add_pupils, compute_figures, make_campaign

TASKS = (Task("1", 2, "Б"), Task("2", 2, "Б"), Task("3", 2, "П"), Task("4", 2, "В"))


def _stats(scores: list[list[int]], journal: list[tuple[int, int]] | None = None):
    records = [
        Record(primary_score=sum(row), scores=row, mark=mark, journal_mark=journal_mark)
        for row, (mark, journal_mark) in zip(scores, journal or [(3, 3)] * len(scores), strict=True)
    ]
    return campaign_stats(records, TASKS)


def test_poisson_tail() -> None:
    assert objectivity.poisson_tail(0, 3.0) == 1.0
    assert math.isclose(objectivity.poisson_tail(1, 1.0), 1 - math.exp(-1))
    assert math.isclose(objectivity.poisson_tail(2, 2.0), 1 - 3 * math.exp(-2))
    assert objectivity.poisson_tail(600, 500.0) < 0.001  # the normal approximation


def test_a_peak_at_a_cut_off_is_raised_and_a_smooth_distribution_is_not() -> None:
    smooth = [3] * 21  # 63 pupils, 3 at every score 0…20
    marker = objectivity.score_peaks(smooth, [8, 12, 16])
    assert not marker.raised and marker.value == Decimal("1.00")
    once = list(smooth)
    once[12] = 15  # 15 at the first score of «4» against 3 at the neighbours
    marker = objectivity.score_peaks(once, [8, 12, 16])
    # one peak among the cut-offs is not enough: chance gives one in some hundred tests
    assert not marker.raised and marker.value == Decimal("5.00")
    assert marker.evidence["cutoffs"]["12"]["peak"] is True
    assert marker.evidence["cutoffs"]["8"]["peak"] is False
    twice = list(once)
    twice[16] = 12
    marker = objectivity.score_peaks(twice, [8, 12, 16])
    assert marker.raised and marker.evidence["peaks"] == 2
    assert marker.threshold == Decimal("1.5")


def test_score_peaks_needs_fifty_participants() -> None:
    few = [2] * 20
    few[10] = 11  # 49 pupils in all
    marker = objectivity.score_peaks(few, [10])
    assert not marker.raised and marker.value is None
    assert "метод применяется от 50" in marker.reason


def test_harder_tasks_solved_better_than_basic_ones_are_raised() -> None:
    # school: Б 1 of 2, П and В 2 of 2 for every pupil — 50 % against 100 %
    school = _stats([[1, 1, 2, 2]] * 10)
    municipality = _stats([[2, 2, 1, 0]] * 10)  # the usual order: Б 100 %, П/В 25 %
    marker = objectivity.hard_over_basic(school, municipality)
    assert marker.raised and marker.value == Decimal("50.0")
    assert marker.evidence["municipality_basic"] == "100.0"
    ordinary = objectivity.hard_over_basic(municipality, municipality)
    assert not ordinary.raised and ordinary.value == Decimal("-75.0")


def test_a_large_share_lowered_against_the_region_is_raised() -> None:
    # 10 pupils compared, 6 with a ВПР mark below the journal: 60 % against the region's 25 %
    journal = [(3, 4)] * 6 + [(3, 3)] * 4
    school = _stats([[1, 1, 1, 0]] * 10, journal)
    marker = objectivity.journal_gap(school, Decimal("25"), Decimal("5"))
    assert marker.raised and marker.value == Decimal("35.0")
    assert marker.evidence["which"] == "lowered"
    assert not objectivity.journal_gap(school, Decimal("50"), Decimal("5")).raised


def test_above_unconfirmed_spares_selective_schools_and_those_confirmed_by_oge() -> None:
    common = {
        "vpr_quality": Decimal("80"),
        "vpr_municipality": Decimal("45"),
        "oge_municipality": Decimal("50"),
        "n": 40,
    }
    unconfirmed = objectivity.above_unconfirmed(
        **common, oge_quality=Decimal("48"), selective=False
    )
    assert unconfirmed.raised and unconfirmed.value == Decimal("35.0")
    assert not objectivity.above_unconfirmed(
        **common, oge_quality=Decimal("48"), selective=True
    ).raised
    assert not objectivity.above_unconfirmed(
        **common, oge_quality=Decimal("75"), selective=False
    ).raised


def test_cohort_drop_and_vpr_over_oge() -> None:
    drop = objectivity.cohort_drop(grade4_quality=Decimal("85"), grade5_quality=Decimal("50"), n=30)
    assert drop.raised and drop.value == Decimal("35.0")
    gap = objectivity.vpr_over_oge(vpr_quality=Decimal("70"), oge_quality=Decimal("50"), n=30)
    assert not gap.raised and gap.value == Decimal("20.0")
    few = objectivity.vpr_over_oge(vpr_quality=Decimal("90"), oge_quality=Decimal("10"), n=5)
    assert not few.raised and few.reason


def test_every_marker_has_a_name_and_versioned_parameters() -> None:
    assert objectivity.PARAMS_VERSION == 1
    assert set(objectivity.DEFAULT_PARAMS) <= set(objectivity.MARKER_NAMES)
    assert "federal_list" in objectivity.MARKER_NAMES


# --- stored with the campaign's figures, and exported ------------------------------------


@pytest.mark.django_db
def test_markers_are_stored_with_the_figures_and_exported(
    school_a: Any, school_b: Any, director_b: Any
) -> None:
    campaign = make_campaign()
    # school A: 12 pupils, each «2» against a journal «4» — 100 % понизили
    add_pupils(campaign, school_a, [(f"a{i}", [1, 0, 0, 0], 4) for i in range(12)])
    # school B: 12 pupils, each «5» as in the journal
    add_pupils(campaign, school_b, [(f"b{i}", [2, 1, 3, 2], 5) for i in range(12)])
    compute_figures(campaign)
    gap = ObjectivityMarker.objects.get(school=school_a, code="journal_gap")
    # against the municipality (no region imported): 100 − 50 = +50 points
    assert gap.raised and gap.value == Decimal("50.00") and gap.threshold == Decimal("20.00")
    assert gap.evidence["reference"] == "municipality" and gap.params_version == 1
    assert not ObjectivityMarker.objects.get(school=school_b, code="journal_gap").raised
    peaks = ObjectivityMarker.objects.get(school=school_a, code="score_peaks")
    assert not peaks.raised and "от 50" in peaks.reason  # 12 pupils: not decided
    # a recomputation replaces them, never adds
    compute_figures(campaign)
    assert ObjectivityMarker.objects.filter(school=school_a, code="journal_gap").count() == 1
    # a director sees his school's markers only
    assert set(ObjectivityMarker.objects.for_user(director_b).values_list("school", flat=True)) == {
        school_b.pk
    }
    out = io.StringIO()
    call_command("export_objectivity", "--year", "2026", stdout=out, stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter=";"))
    # school B's ВПР quality (100 %) is 50 points above the municipality's, and no ОГЭ
    # confirms it: the marker across procedures follows the figures
    assert [(r["Логин ОО"], r["Код маркера"], r["Значение"], r["Порог"]) for r in rows] == [
        (school_b.login, "above_unconfirmed", "50,00", "20,00"),
        (school_a.login, "journal_gap", "50,00", "20,00"),
    ]


def test_every_marker_is_put_into_words() -> None:
    cases = {
        "score_peaks": {
            "cutoffs": {"12": {"count": 11, "expected": "1.0", "peak": True}},
            "participants": 60,
            "peaks": 1,
        },
        "hard_over_basic": {"school_basic": "40", "school_hard": "70"},
        "journal_gap": {"which": "raised", "lowered": "5", "raised": "40", "reference": "region"},
        "cohort_drop": {"grade4": "85", "grade5": "50", "year_before": 2025, "method": "grade"},
        "vpr_over_oge": {"vpr_quality": "90", "oge_quality": "40"},
        "federal_list": {"column": "4 РУ", "file": "perechen.xlsx", "row": 5},
    }
    for code, evidence in cases.items():
        text = objectivity.explain(code, Decimal("30"), Decimal("25"), evidence)
        assert text and not text.startswith("Не решено"), code
    assert "4 класс 2025 г. — 85,0\xa0%" in objectivity.explain(
        "cohort_drop", Decimal("35"), Decimal("25"), cases["cohort_drop"]
    )
    assert "строка 5" in objectivity.explain("federal_list", 1, 1, cases["federal_list"])
    assert objectivity.explain(
        "cohort_drop", None, Decimal("25"), {}, reason="мало участников"
    ) == ("Не решено: мало участников.")
    assert set(objectivity.MARKER_SHORT) == set(objectivity.MARKER_NAMES)

"""The index of social well-being and the ШНСУ rule, checked against hand-computed values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from schools.wellbeing import DEFAULT_WEIGHTS, factor_risks, shnsu_selection, wellbeing_index

PASSPORT = {
    "pupils_total": 200,
    "pupils_ovz": 10,  # 5 % → risk 5
    "share_low_income": 30,  # risk 30
    "share_large_families": 20,
    "share_non_native": 0,
    "share_pdn": 2,
    "share_single_parent": 25,
    "share_parents_no_higher": 60,
    "teachers_total": 18,
    "teacher_vacancies": 2,  # 2 / 20 → risk 10
    "share_teachers_pension": 40,
    "share_teachers_category": 70,  # risk 30
    "distance_km": 25,  # 25 / 100 → risk 25
}


def test_factor_risks() -> None:
    risks = factor_risks(PASSPORT)
    assert risks["ovz"] == 5
    assert risks["vacancies"] == 10
    assert risks["no_category"] == 30
    assert risks["distance"] == 25


def test_index_with_default_weights() -> None:
    # Σ w·r = 3·30 + 2·60 + 1·25 + 1·20 + 1·0 + 2·2 + 1·5 + 1·10 + 1·40 + 1·30 + 1·25 = 369
    # Σ w = 3 + 2 + 1·9 + 2 (pdn) = 15  → index = 100 − 369 / 15 = 75.4
    assert sum(DEFAULT_WEIGHTS.values()) == 15
    assert wellbeing_index(PASSPORT) == Decimal("75.4")


def test_missing_factors_are_left_out_and_weights_renormalised() -> None:
    values = {"pupils_total": 100, "share_low_income": 50}
    # Only low income (weight 3, risk 50) is known → 100 − 50 = 50.
    assert wellbeing_index(values) == Decimal("50.0")


def test_custom_weights() -> None:
    weights = dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"low_income": 1.0, "distance": 1.0}
    # (30 + 25) / 2 = 27.5 → 72.5
    assert wellbeing_index(PASSPORT, weights) == Decimal("72.5")


def test_no_enrolment_no_index() -> None:
    assert wellbeing_index({"pupils_total": 0, "share_low_income": 10}) is None


def test_shnsu_lowest_share_includes_ties() -> None:
    indexes = {
        "a": Decimal("80"),
        "b": Decimal("60"),
        "c": Decimal("55"),
        "d": Decimal("55"),
        "e": None,
    }
    # 25 % of 4 known schools = 1 school; the cut-off 55 is shared by c and d.
    assert shnsu_selection(indexes, rule="share", value=25) == {"c", "d"}


def test_shnsu_absolute_threshold() -> None:
    indexes = {"a": Decimal("80"), "b": Decimal("59.9"), "c": Decimal("60")}
    assert shnsu_selection(indexes, rule="absolute", value=60) == {"b"}


def test_unknown_rule() -> None:
    with pytest.raises(ValueError, match="unknown"):
        shnsu_selection({"a": Decimal(1)}, rule="median", value=1)

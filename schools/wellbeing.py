"""The index of social well-being of a school (индекс социального благополучия школы, ИСБШ).

Plain Python, no Django: the same formula runs in services, on the page and in tests.

Formula
-------
Each passport value is turned into a *risk* from 0 (no risk) to 100 (the worst case):

* shares that describe a difficulty are taken as they are (share of low-income families,
  of large families, of single-parent families, of parents without higher education,
  of pupils whose native language is not Russian, of pupils registered with ПДН/КДН,
  of teachers of pension age);
* the share of pupils with ОВЗ is computed from the counts: ОВЗ / enrolled × 100;
* teacher vacancies become a share of all posts: vacancies / (teachers + vacancies) × 100;
* the share of teachers with a qualification category protects: risk = 100 − share;
* distance to the district centre: risk = min(distance / 100 km, 1) × 100.

ИСБШ = 100 − Σ(wᵢ · riskᵢ) / Σ(wᵢ), over the factors that are filled in, rounded to one
decimal. 100 is the most favourable context, 0 the least. Weights wᵢ ≥ 0 are edited by a
specialist; a factor with weight 0 is ignored. A passport without the enrolled count has
no index.

ШНСУ: among the general-education schools of a municipality in one year, either the given
share of schools with the lowest index (ties at the cut-off are all included), or every
school whose index is below an absolute threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

DISTANCE_CAP_KM = 100.0

Values = Mapping[str, float | int | Decimal | None]


def _num(values: Values, key: str) -> float | None:
    value = values.get(key)
    return None if value is None else float(value)


def _share(key: str) -> Callable[[Values], float | None]:
    return lambda values: _num(values, key)


def _ovz(values: Values) -> float | None:
    ovz, total = _num(values, "pupils_ovz"), _num(values, "pupils_total")
    if ovz is None or not total:
        return None
    return min(ovz / total * 100, 100.0)


def _vacancies(values: Values) -> float | None:
    vacancies, teachers = _num(values, "teacher_vacancies"), _num(values, "teachers_total")
    if vacancies is None or teachers is None or vacancies + teachers == 0:
        return None
    return vacancies / (teachers + vacancies) * 100


def _category(values: Values) -> float | None:
    share = _num(values, "share_teachers_category")
    return None if share is None else 100 - share


def _distance(values: Values) -> float | None:
    distance = _num(values, "distance_km")
    return None if distance is None else min(distance / DISTANCE_CAP_KM, 1.0) * 100


@dataclass(frozen=True)
class Factor:
    key: str
    label: str
    risk: Callable[[Values], float | None]
    default_weight: float


FACTORS: tuple[Factor, ...] = (
    Factor("low_income", "Доля малоимущих семей", _share("share_low_income"), 3),
    Factor(
        "parents_no_higher",
        "Доля родителей без высшего образования",
        _share("share_parents_no_higher"),
        2,
    ),
    Factor("single_parent", "Доля неполных семей", _share("share_single_parent"), 1),
    Factor("large_families", "Доля многодетных семей", _share("share_large_families"), 1),
    Factor(
        "non_native", "Доля обучающихся с неродным русским языком", _share("share_non_native"), 1
    ),
    Factor("pdn", "Доля обучающихся на учёте в ПДН/КДН", _share("share_pdn"), 2),
    Factor("ovz", "Доля обучающихся с ОВЗ", _ovz, 1),
    Factor("vacancies", "Доля вакансий учителей", _vacancies, 1),
    Factor("pension", "Доля учителей пенсионного возраста", _share("share_teachers_pension"), 1),
    Factor("no_category", "Доля учителей без квалификационной категории", _category, 1),
    Factor("distance", "Удалённость от районного центра", _distance, 1),
)

DEFAULT_WEIGHTS: dict[str, float] = {factor.key: factor.default_weight for factor in FACTORS}


def factor_risks(values: Values) -> dict[str, float | None]:
    """Risk 0–100 of every factor, None where the passport lacks the data."""
    return {factor.key: factor.risk(values) for factor in FACTORS}


def wellbeing_index(values: Values, weights: Mapping[str, float] | None = None) -> Decimal | None:
    """ИСБШ of one passport (see the module docstring), or None without enrolment data."""
    if not _num(values, "pupils_total"):
        return None
    weights = weights or DEFAULT_WEIGHTS
    weighted = 0.0
    total_weight = 0.0
    for key, risk in factor_risks(values).items():
        weight = float(weights.get(key, 0))
        if risk is None or weight <= 0:
            continue
        weighted += weight * risk
        total_weight += weight
    if total_weight == 0:
        return None
    index = 100 - weighted / total_weight
    return Decimal(str(index)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


K = TypeVar("K", bound=Hashable)


def shnsu_selection(indexes: Mapping[K, Decimal | None], *, rule: str, value: float) -> set[K]:
    """Keys of the schools that are ШНСУ under the rule ("share" or "absolute")."""
    known = {key: index for key, index in indexes.items() if index is not None}
    if not known:
        return set()
    if rule == "absolute":
        return {key for key, index in known.items() if float(index) < value}
    if rule != "share":
        raise ValueError(f"unknown ШНСУ rule {rule!r}")
    count = math.ceil(len(known) * value / 100)
    if count <= 0:
        return set()
    cutoff = sorted(known.values())[count - 1]
    return {key for key, index in known.items() if index <= cutoff}

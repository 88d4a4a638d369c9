"""Identification of schools with low results (ШНОР): the criteria as plain functions.

Plain Python, no Django. A percentile criterion (the shipped default rule's K1 and K2): in
at least `need` of the years Y − span + 1 … Y, the school's value is at or above the
`share` percentile (PERCENTILE.INC, linear interpolation) of that value over the
municipality's general schools with at least `min_n` participants that year. A year in
which the school has fewer than `min_n` participants, or no value, does not count for it.

The rule as versioned data, its runs, protocols and confirmed lists come with the rest of
the ШНОР issue; `DEFAULT_RULE` is «ШНОР — базовое правило», version 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from assessments.dynamics import percentile_inc

K = TypeVar("K")


@dataclass(frozen=True)
class Criterion:
    code: str
    indicator: str  # a catalogue code
    share: Decimal = Decimal("0.9")
    span: int = 3
    need: int = 2
    min_n: int = 10
    description: str = ""


DEFAULT_RULE: tuple[Criterion, ...] = (
    Criterion(
        "K1",
        "vpr.fail_share_year",
        description="ВПР: доля «2» за год (все предметы и классы) не ниже 90-го процентиля "
        "ОО муниципалитета хотя бы в 2 из 3 последних лет",
    ),
    Criterion(
        "K2",
        "oge.fail_share_year",
        description="ОГЭ (русский язык и математика): доля «2» за год не ниже 90-го "
        "процентиля ОО муниципалитета хотя бы в 2 из 3 последних лет",
    ),
)


@dataclass(frozen=True)
class YearCheck:
    year: int
    value: Decimal | None
    n: int
    cut: Decimal | None  # the percentile of the year (None: no school counted)
    met: bool | None  # None: the year does not count for the school


@dataclass(frozen=True)
class CriterionResult(Generic[K]):
    criterion: Criterion
    school: K
    years: tuple[YearCheck, ...]

    @property
    def met_years(self) -> int:
        return sum(1 for y in self.years if y.met)

    @property
    def met(self) -> bool:
        return self.met_years >= self.criterion.need


def percentile_criterion(
    criterion: Criterion,
    series: Mapping[int, Mapping[K, tuple[Decimal | None, int]]],
    *,
    year: int,
) -> dict[K, CriterionResult[K]]:
    """Each school's check of `criterion` for `year`; `series[y][school] = (value, n)`."""
    years = range(year - criterion.span + 1, year + 1)
    cuts: dict[int, Decimal | None] = {}
    for y in years:
        counted = [
            v for v, n in series.get(y, {}).values() if v is not None and n >= criterion.min_n
        ]
        cuts[y] = percentile_inc(counted, criterion.share) if counted else None
    schools = {school for y in years for school in series.get(y, {})}
    found = {}
    for school in schools:
        checks = []
        for y in years:
            value, n = series.get(y, {}).get(school, (None, 0))
            counts = value is not None and n >= criterion.min_n and cuts[y] is not None
            checks.append(
                YearCheck(y, value, n, cuts[y], (value >= cuts[y]) if counts else None)  # type: ignore[operator]
            )
        found[school] = CriterionResult(criterion, school, tuple(checks))
    return found


def identify(
    rule: tuple[Criterion, ...],
    series: Mapping[str, Mapping[int, Mapping[K, tuple[Decimal | None, int]]]],
    *,
    year: int,
) -> dict[K, list[CriterionResult[K]]]:
    """The schools listed by `rule` for `year` (any criterion met), with every criterion's
    result; `series[indicator code]` as for `percentile_criterion`."""
    results: dict[K, list[CriterionResult[K]]] = {}
    for criterion in rule:
        for school, result in percentile_criterion(
            criterion, series.get(criterion.indicator, {}), year=year
        ).items():
            results.setdefault(school, []).append(result)
    return {school: checks for school, checks in results.items() if any(c.met for c in checks)}

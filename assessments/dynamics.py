"""Dynamics of an indicator across years: the change, its verdict, and the status × change grid.

Plain Python, no Django: the thresholds come in as arguments (from settings), so the rules
are readable and testable on their own.

* The change is the difference of the values as shown (rounded by the one rounding rule),
  in percentage points for a percentage.
* ФИОКО: a rise of the share of «2» by `negative_rise` points or more (10 by default) is
  negative dynamics. For every indicator with a direction (higher or lower is better) a
  change of `notable` points or more in the better direction is positive, in the worse one
  negative; anything smaller is «без изменений».
* The grid (after the California School Dashboard): a school's status this year (its
  quintile among the municipality's schools, oriented so that «очень высокий» is the best)
  × its change since last year (five bands, oriented the same way), each cell listing its
  schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

K = TypeVar("K")


class Verdict(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    STABLE = "stable"


VERDICT_LABELS = {
    Verdict.POSITIVE: "положительная динамика",
    Verdict.NEGATIVE: "негативная динамика",
    Verdict.STABLE: "без существенных изменений",
}


@dataclass(frozen=True)
class Thresholds:
    """When a change counts: the ФИОКО rule for the share of «2», and a general band."""

    negative_rise: Decimal = Decimal(10)  # % «2» up by this many points: negative
    notable: Decimal = Decimal(5)  # any other indicator: a change this large counts
    small: Decimal = Decimal(2)  # the grid's inner band: below this it is «без изменений»


@dataclass(frozen=True)
class Change:
    """The change of one indicator between two years."""

    previous: Decimal | None
    current: Decimal | None
    delta: Decimal | None
    verdict: Verdict | None  # None: no previous value, or an indicator without a direction


def change(
    previous: Decimal | None,
    current: Decimal | None,
    *,
    higher_is_better: bool | None,
    fail_share: bool = False,
    thresholds: Thresholds = Thresholds(),
) -> Change:
    """The change from `previous` to `current` and what it means.

    `fail_share`: the indicator is a share of «2», for which the ФИОКО rule applies (a rise
    of `negative_rise` points or more is negative, whatever `notable` says).
    """
    if previous is None or current is None:
        return Change(previous, current, None, None)
    delta = current - previous
    if higher_is_better is None:
        return Change(previous, current, delta, None)
    if fail_share and delta >= thresholds.negative_rise:
        return Change(previous, current, delta, Verdict.NEGATIVE)
    limit = thresholds.negative_rise if fail_share else thresholds.notable
    better = delta if higher_is_better else -delta
    if better >= limit:
        verdict = Verdict.POSITIVE
    elif -better >= limit:
        verdict = Verdict.NEGATIVE
    else:
        verdict = Verdict.STABLE
    return Change(previous, current, delta, verdict)


def percentile_inc(values: Sequence[Decimal], share: Decimal) -> Decimal:
    """The percentile of `values` at `share` (0…1) with linear interpolation, as Excel's
    PERCENTILE.INC: rank = share × (n − 1) over the sorted values."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


STATUS_LABELS = ("очень низкий", "низкий", "средний", "высокий", "очень высокий")
CHANGE_LABELS = (
    "значительно ухудшился",
    "ухудшился",
    "без изменений",
    "улучшился",
    "значительно улучшился",
)


@dataclass
class Grid(Generic[K]):
    """Status (rows, best first) × change (columns, worst first); each cell lists keys."""

    cells: list[list[list[K]]]  # cells[status][change], status index 0 = «очень высокий»
    status_cuts: tuple[Decimal, ...]  # the four quintile cut points of this year's values
    without_change: list[K] = field(default_factory=list)  # no value last year

    @property
    def status_labels(self) -> tuple[str, ...]:
        return tuple(reversed(STATUS_LABELS))


def status_change_grid(
    items: Sequence[tuple[K, Decimal, Decimal | None]],
    *,
    higher_is_better: bool,
    thresholds: Thresholds = Thresholds(),
) -> Grid[K]:
    """Place each (key, value this year, value last year) in the 5 × 5 grid.

    Status: the quintile of the value among all items (PERCENTILE.INC cut points at 20, 40,
    60 and 80 %), oriented so that the best fifth is «очень высокий». Change: oriented the
    same way, in five bands: ≤ −notable, ≤ −small, within ±small, ≥ small, ≥ notable
    (for a percentage, points).
    """
    values = [value for _key, value, _previous in items]
    cuts = (
        tuple(percentile_inc(values, Decimal(q) / 100) for q in (20, 40, 60, 80)) if values else ()
    )
    cells: list[list[list[K]]] = [[[] for _ in range(5)] for _ in range(5)]
    grid = Grid(cells=cells, status_cuts=cuts)
    for key, value, previous in items:
        quintile = sum(1 for cut in cuts if value > cut)  # 0 = lowest values
        goodness = quintile if higher_is_better else 4 - quintile  # 0 = worst
        if previous is None:
            grid.without_change.append(key)
            continue
        better = (value - previous) if higher_is_better else (previous - value)
        if better <= -thresholds.notable:
            band = 0
        elif better <= -thresholds.small:
            band = 1
        elif better < thresholds.small:
            band = 2
        elif better < thresholds.notable:
            band = 3
        else:
            band = 4
        cells[4 - goodness][band].append(key)
    return grid

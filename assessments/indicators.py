"""Figures of one assessment campaign for a set of pupil results (DOMAIN.md §5).

Input is any sequence of objects with the attributes of :class:`ResultLike` (``Record``
dataclasses, Django rows, …) and the campaign's tasks (:class:`TaskLike`). The output,
:class:`CampaignStats`, holds every figure a report shows for one school or the whole
municipality; :func:`group_by` computes per-school figures and the total in one pass.

Definitions:

* participant — a pupil who wrote the work (``absent`` pupils are counted apart);
* mark shares («2»…«5», успеваемость = «3»–«5», качество знаний = «4»–«5», средняя
  отметка) — of the participants **with a mark**;
* mean primary score — of the participants with a primary score; its % of the maximum;
* task success (% выполнения) = sum of scores / (participants × task max) × 100, a task not
  attempted (X, ``None``) counting 0; the same per mark group and per checked requirement
  (the sum over the requirement's tasks / (participants × sum of their maxima));
* mastered — a basic (Б) task at ≥ 60 %, a П / В task at ≥ 30 % (ФИОКО);
* journal comparison — of the participants with both a mark and a journal mark;
* mark cut-offs seen — for each mark, the lowest primary score of a pupil who got it
  (:func:`mark_cutoffs`): where a campaign has no scale, the page infers its bands from it.

Numbers: every percentage and mean is a ``Decimal`` computed from exact sums in one
division (28 significant digits), never rounded inside this module, so thresholds are
compared on raw values (59.96 % is not mastered even though it is shown as «60,0»).
Rounding happens at display only: :func:`round_half_up` / :func:`format_decimal` round
half up (0.05 → 0.1, 12.25 → 12.3), one decimal for percentages, two for mean marks.
A figure whose base is empty is ``None`` (shown as «—»), never a division by zero.

Plain Python (no Django): fast to test, and fast enough for a municipality —
100 000 pupils × 20 tasks in a fraction of a second, because the per-task sums are taken
column-wise with the built-ins instead of a Python loop per score.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from enum import StrEnum
from itertools import chain
from typing import Generic, Protocol, TypeVar

from msoko import formatting

__all__ = [
    "MARKS",
    "CampaignStats",
    "EgeResultLike",
    "EgeStats",
    "GroupedStats",
    "Informativeness",
    "JournalComparison",
    "Record",
    "RequirementStats",
    "ResultLike",
    "Task",
    "TaskLike",
    "TaskStats",
    "campaign_stats",
    "ege_stats",
    "format_decimal",
    "group_by",
    "informativeness",
    "mark_cutoffs",
    "normalize_level",
    "percent",
    "round_half_up",
]

MARKS: tuple[int, ...] = (2, 3, 4, 5)
_MARK_SET = frozenset(MARKS)

#: Below this many participants percentages are shown with a warning.
SMALL_SAMPLE = 10

#: ФИОКО mastery thresholds, % of the task maximum, by difficulty level.
MASTERY_THRESHOLDS: Mapping[str, Decimal] = {"Б": Decimal(60), "П": Decimal(30), "В": Decimal(30)}

# Explicit context: figures must not depend on whatever the global decimal context is.
_CTX = Context(prec=28)
_HUNDRED = Decimal(100)

Number = float | Decimal


# --------------------------------------------------------------------------- input


class TaskLike(Protocol):
    """A task of the campaign: number («1», «9.1», «4К2»), max score, level, requirement."""

    @property
    def number(self) -> str: ...
    @property
    def max_score(self) -> Number: ...
    @property
    def level(self) -> str: ...
    @property
    def requirement(self) -> str: ...


class ResultLike(Protocol):
    """One pupil's result. ``scores`` is aligned with the task list; ``None`` = X."""

    @property
    def absent(self) -> bool: ...
    @property
    def primary_score(self) -> Number | None: ...
    @property
    def mark(self) -> int | None: ...
    @property
    def journal_mark(self) -> int | None: ...
    @property
    def scores(self) -> Sequence[float | None]: ...


class EgeResultLike(Protocol):
    """One ЕГЭ result: the test score 0–100 (``None`` when there is none)."""

    @property
    def absent(self) -> bool: ...
    @property
    def test_score(self) -> Number | None: ...


@dataclass(frozen=True, slots=True)
class Task:
    """A plain task description (see :class:`TaskLike`)."""

    number: str
    max_score: float
    level: str = ""
    requirement: str = ""


@dataclass(slots=True)
class Record:
    """A plain pupil result (see :class:`ResultLike`, :class:`EgeResultLike`).

    ``school`` is only a convenient grouping key for :func:`group_by`. Not frozen: a frozen
    dataclass sets each field through object.__setattr__, twice the cost when the results
    page builds 100,000 of them.
    """

    absent: bool = False
    primary_score: float | None = None
    mark: int | None = None
    journal_mark: int | None = None
    scores: Sequence[float | None] = ()
    test_score: float | None = None
    school: str = ""


# --------------------------------------------------------------------------- numbers


def percent(part: Number, whole: Number) -> Decimal | None:
    """``part / whole × 100`` as an unrounded Decimal; ``None`` when ``whole`` is 0."""
    if whole == 0:
        return None
    return _CTX.divide(_CTX.multiply(Decimal(part), _HUNDRED), Decimal(whole))


def _ratio(part: Number, whole: Number) -> Decimal | None:
    if whole == 0:
        return None
    return _CTX.divide(Decimal(part), Decimal(whole))


def round_half_up(value: Decimal | None, places: int = 1) -> Decimal | None:
    """Round for display, half up (``12.25`` → ``12.3``); ``None`` stays ``None``.

    The portal's one rounding rule, :func:`msoko.formatting.rounded`."""
    return formatting.rounded(value, places)


def format_decimal(value: Decimal | None, places: int = 1) -> str:
    """Russian display: ``12,3``; ``—`` for a missing figure (:func:`msoko.formatting.number`)."""
    return formatting.number(value, places)


# --------------------------------------------------------------------------- output


class Informativeness(StrEnum):
    """How much a figure of this sample size means (ФИОКО)."""

    TOO_FEW = "мало данных"  # < 10 participants
    LIMITED = "ограниченная ценность"  # 10–19
    CONDITIONAL = "условно информативно"  # 20–49
    INFORMATIVE = "информативно"  # 50 and more


def informativeness(participants: int) -> Informativeness:
    """The level for a number of participants."""
    if participants < SMALL_SAMPLE:
        return Informativeness.TOO_FEW
    if participants < 20:
        return Informativeness.LIMITED
    if participants < 50:
        return Informativeness.CONDITIONAL
    return Informativeness.INFORMATIVE


_LEVELS = {
    "Б": "Б",
    "БАЗОВЫЙ": "Б",
    "П": "П",
    "ПОВЫШЕННЫЙ": "П",
    "В": "В",
    "B": "В",  # a Latin B typed for the Cyrillic В
    "ВЫСОКИЙ": "В",
}


def normalize_level(level: str | None) -> str:
    """``"Б"``, ``"П"``, ``"В"`` or ``""`` (unknown)."""
    return _LEVELS.get((level or "").strip().upper(), "")


@dataclass(frozen=True)
class TaskStats:
    """Figures of one task."""

    number: str
    max_score: float
    level: str
    requirement: str
    success: Decimal | None
    success_by_mark: dict[int, Decimal | None]
    mastered: bool | None  # None when the level is unknown or there are no participants
    not_attempted: int  # pupils with X
    not_attempted_percent: Decimal | None


@dataclass(frozen=True)
class RequirementStats:
    """Success on one checked requirement (проверяемое требование), over its tasks."""

    requirement: str
    task_numbers: tuple[str, ...]
    max_score: float
    success: Decimal | None


@dataclass(frozen=True)
class JournalComparison:
    """ВПР mark against the journal mark, over pupils who have both."""

    compared: int = 0
    lowered: int = 0  # понизили: mark < journal mark
    confirmed: int = 0  # подтвердили
    raised: int = 0  # повысили: mark > journal mark
    gap_two_plus: int = 0  # |mark − journal mark| ≥ 2
    lowered_percent: Decimal | None = None
    confirmed_percent: Decimal | None = None
    raised_percent: Decimal | None = None
    gap_two_plus_percent: Decimal | None = None


@dataclass(frozen=True)
class CampaignStats:
    """Every figure of one campaign for one set of pupils (a school or a municipality)."""

    participants: int
    absent: int
    with_mark: int
    mark_counts: dict[int, int]
    mark_percents: dict[int, Decimal | None]
    pass_rate: Decimal | None  # успеваемость, % «3»–«5»
    quality_rate: Decimal | None  # качество знаний, % «4»–«5»
    mean_mark: Decimal | None
    max_primary: int | None
    with_primary: int
    mean_primary: Decimal | None
    mean_primary_percent: Decimal | None
    primary_distribution: tuple[int, ...]  # index = primary score 0…max
    tasks: tuple[TaskStats, ...]
    requirements: tuple[RequirementStats, ...]
    journal: JournalComparison
    small_sample: bool
    informative: Informativeness
    # mark → the lowest primary score seen with it; the default reads figures stored
    # before it was (FIGURES_VERSION 1) as "not known".
    mark_cutoffs: dict[int, Decimal] = field(default_factory=dict)


def mark_cutoffs(pairs: Iterable[tuple[Number, int]]) -> dict[int, Decimal]:
    """For each mark, the lowest primary score of the (primary score, mark) pairs that
    got it, marks in ascending order: ``[(4, 3), (3, 3), (6, 4)]`` → ``{3: 3, 4: 6}``.

    Where a campaign has no scale this is the best reading of its bands from the results;
    it is what was seen, not a rule (a mark given under an ОГЭ-style condition, or a
    typing error, shows as it is).
    """
    lowest: dict[int, Decimal] = {}
    for primary, mark in pairs:
        value = Decimal(primary)
        if mark not in lowest or value < lowest[mark]:
            lowest[mark] = value
    return {mark: lowest[mark] for mark in sorted(lowest)}


# --------------------------------------------------------------------------- computing

_Bucket = int | None  # a mark, or None for participants without a mark


@dataclass
class _Totals:
    """Additive sums for a set of pupils; a municipality's totals are its schools' sum."""

    n_tasks: int
    absent: int = 0
    bucket_sizes: Counter[_Bucket] = field(default_factory=Counter)
    # per bucket, per task: sum of scores
    task_sums: dict[_Bucket, list[float]] = field(default_factory=dict)
    not_attempted: list[int] = field(default_factory=list)
    primary: Counter[Number] = field(default_factory=Counter)
    journal: Counter[tuple[int, int]] = field(default_factory=Counter)
    primary_marks: Counter[tuple[Number, int]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        if not self.not_attempted:
            self.not_attempted = [0] * self.n_tasks

    def add(self, other: _Totals) -> None:
        self.absent += other.absent
        self.bucket_sizes.update(other.bucket_sizes)
        for bucket, sums in other.task_sums.items():
            mine = self.task_sums.setdefault(bucket, [0.0] * self.n_tasks)
            for i, value in enumerate(sums):
                mine[i] += value
        for i, value in enumerate(other.not_attempted):
            self.not_attempted[i] += value
        self.primary.update(other.primary)
        self.journal.update(other.journal)
        self.primary_marks.update(other.primary_marks)


def _check_mark(value: object, what: str) -> None:
    if value is not None and value not in _MARK_SET:
        raise ValueError(f"{what} {value!r}: допустимы 2, 3, 4, 5 или пусто.")


def _accumulate(records: Iterable[ResultLike], tasks: Sequence[TaskLike]) -> _Totals:
    n_tasks = len(tasks)
    maxima = [float(t.max_score) for t in tasks]
    totals = _Totals(n_tasks=n_tasks)
    rows: dict[_Bucket, list[Sequence[float | None]]] = {}
    absent = 0
    primary = totals.primary
    journal = totals.journal
    primary_marks = totals.primary_marks
    for record in records:
        if record.absent:
            absent += 1
            continue
        mark = record.mark
        scores = record.scores
        if mark not in _MARK_SET:
            _check_mark(mark, "Отметка")
        if len(scores) != n_tasks:
            raise ValueError(
                f"У участника {len(scores)} баллов по заданиям, а в работе {n_tasks} заданий."
            )
        bucket_rows = rows.get(mark)
        if bucket_rows is None:
            bucket_rows = rows[mark] = []
        bucket_rows.append(scores)
        score = record.primary_score
        if score is not None:
            primary[score] += 1
            if mark is not None:
                primary_marks[(score, mark)] += 1
        journal_mark = record.journal_mark
        if journal_mark is not None:
            if journal_mark not in _MARK_SET:
                _check_mark(journal_mark, "Отметка по журналу")
            if mark is not None:
                journal[(mark, journal_mark)] += 1
    totals.absent = absent
    for bucket, bucket_rows in rows.items():
        totals.bucket_sizes[bucket] = len(bucket_rows)
        sums = [0.0] * n_tasks
        if n_tasks:
            # Column-wise, in C: flatten the (length-checked) rows, take every n-th value
            # for a task; filter(None, …) drops X (None) and zeros, neither changes a sum.
            flat = list(chain.from_iterable(bucket_rows))
            for i in range(n_tasks):
                column = flat[i::n_tasks]
                given = list(filter(None, column))
                if given:
                    low, high = min(given), max(given)
                    if low < 0 or high > maxima[i]:
                        raise ValueError(
                            f"Балл {low if low < 0 else high} за задание {tasks[i].number} "
                            f"вне диапазона 0–{_fmt(maxima[i])}."
                        )
                    sums[i] = math.fsum(given)
                totals.not_attempted[i] += column.count(None)
        totals.task_sums[bucket] = sums
    return totals


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _resolve_max_primary(tasks: Sequence[TaskLike], max_primary: Number | None) -> int | None:
    if max_primary is None:
        if not tasks:
            return None
        max_primary = math.fsum(float(t.max_score) for t in tasks)
    if not float(max_primary).is_integer() or max_primary <= 0:
        raise ValueError(f"Максимальный первичный балл {max_primary} должен быть целым и > 0.")
    return int(max_primary)


def _finalize(totals: _Totals, tasks: Sequence[TaskLike], max_primary: int | None) -> CampaignStats:
    sizes = totals.bucket_sizes
    participants = sum(sizes.values())
    mark_counts = {m: sizes.get(m, 0) for m in MARKS}
    with_mark = sum(mark_counts.values())

    # Primary scores: validated here, on the distinct values only.
    distribution = [0] * (max_primary + 1) if max_primary is not None else []
    primary_sum = Decimal(0)
    with_primary = 0
    for score, count in totals.primary.items():
        value = Decimal(score)
        if not value.is_finite() or value < 0 or (max_primary is not None and value > max_primary):
            raise ValueError(f"Первичный балл {score} вне диапазона 0–{max_primary}.")
        primary_sum += value * count
        with_primary += count
        if max_primary is not None:
            if value != value.to_integral_value():
                raise ValueError(f"Первичный балл {score} не целый.")
            distribution[int(value)] += count

    # Tasks: totals over all buckets, then per mark group.
    n_tasks = len(tasks)
    total_sums = [0.0] * n_tasks
    for sums in totals.task_sums.values():
        for i, task_sum in enumerate(sums):
            total_sums[i] += task_sum
    task_stats: list[TaskStats] = []
    for i, task in enumerate(tasks):
        task_max = float(task.max_score)
        success = percent(total_sums[i], participants * task_max)
        level = normalize_level(task.level)
        threshold = MASTERY_THRESHOLDS.get(level)
        by_mark = {
            m: percent(totals.task_sums[m][i], mark_counts[m] * task_max)
            if m in totals.task_sums
            else None
            for m in MARKS
        }
        task_stats.append(
            TaskStats(
                number=str(task.number),
                max_score=task_max,
                level=level,
                requirement=task.requirement or "",
                success=success,
                success_by_mark=by_mark,
                mastered=None if success is None or threshold is None else success >= threshold,
                not_attempted=totals.not_attempted[i],
                not_attempted_percent=percent(totals.not_attempted[i], participants),
            )
        )

    # Requirements, in the order they first appear in the task list.
    groups: dict[str, list[int]] = {}
    for i, task in enumerate(tasks):
        key = " ".join((task.requirement or "").split())
        if key:
            groups.setdefault(key, []).append(i)
    requirement_stats = []
    for requirement, indices in groups.items():
        req_max = math.fsum(float(tasks[i].max_score) for i in indices)
        requirement_stats.append(
            RequirementStats(
                requirement=requirement,
                task_numbers=tuple(str(tasks[i].number) for i in indices),
                max_score=req_max,
                success=percent(math.fsum(total_sums[i] for i in indices), participants * req_max),
            )
        )

    return CampaignStats(
        participants=participants,
        absent=totals.absent,
        with_mark=with_mark,
        mark_counts=mark_counts,
        mark_percents={m: percent(mark_counts[m], with_mark) for m in MARKS},
        pass_rate=percent(mark_counts[3] + mark_counts[4] + mark_counts[5], with_mark),
        quality_rate=percent(mark_counts[4] + mark_counts[5], with_mark),
        mean_mark=_ratio(sum(m * c for m, c in mark_counts.items()), with_mark),
        max_primary=max_primary,
        with_primary=with_primary,
        mean_primary=_ratio(primary_sum, with_primary),
        mean_primary_percent=(
            percent(primary_sum, with_primary * max_primary) if max_primary is not None else None
        ),
        primary_distribution=tuple(distribution),
        tasks=tuple(task_stats),
        requirements=tuple(requirement_stats),
        journal=_journal(totals.journal),
        small_sample=participants < SMALL_SAMPLE,
        informative=informativeness(participants),
        mark_cutoffs=mark_cutoffs(totals.primary_marks),
    )


def _journal(pairs: Counter[tuple[int, int]]) -> JournalComparison:
    lowered = confirmed = raised = gap = 0
    for (mark, journal_mark), count in pairs.items():
        if mark < journal_mark:
            lowered += count
        elif mark == journal_mark:
            confirmed += count
        else:
            raised += count
        if abs(mark - journal_mark) >= 2:
            gap += count
    compared = lowered + confirmed + raised
    return JournalComparison(
        compared=compared,
        lowered=lowered,
        confirmed=confirmed,
        raised=raised,
        gap_two_plus=gap,
        lowered_percent=percent(lowered, compared),
        confirmed_percent=percent(confirmed, compared),
        raised_percent=percent(raised, compared),
        gap_two_plus_percent=percent(gap, compared),
    )


def campaign_stats(
    records: Iterable[ResultLike],
    tasks: Sequence[TaskLike],
    *,
    max_primary: Number | None = None,
) -> CampaignStats:
    """Figures for one set of pupils.

    ``max_primary`` defaults to the sum of the task maxima. Raises ``ValueError`` for data
    that cannot be right: a mark outside 2–5, a score list not aligned with the tasks, a
    task score or primary score outside its range.
    """
    resolved = _resolve_max_primary(tasks, max_primary)
    return _finalize(_accumulate(records, tasks), tasks, resolved)


K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=ResultLike)


@dataclass(frozen=True)
class GroupedStats(Generic[K]):
    """Figures per group (school) and for all records together (the municipality)."""

    groups: dict[K, CampaignStats]
    total: CampaignStats


def group_by(
    records: Iterable[R],
    key: Callable[[R], K],
    tasks: Sequence[TaskLike],
    *,
    max_primary: Number | None = None,
) -> GroupedStats[K]:
    """Figures per ``key(record)`` (e.g. the school) and for all records, in one pass.

    The total is the sum of the groups' raw sums, so it is exactly what
    :func:`campaign_stats` gives for all records. Groups keep first-seen order.
    """
    resolved = _resolve_max_primary(tasks, max_primary)
    partition: dict[K, list[R]] = {}
    for record in records:
        k = key(record)
        bucket = partition.get(k)
        if bucket is None:
            bucket = partition[k] = []
        bucket.append(record)
    total = _Totals(n_tasks=len(tasks))
    groups: dict[K, CampaignStats] = {}
    for k, members in partition.items():
        totals = _accumulate(members, tasks)
        groups[k] = _finalize(totals, tasks, resolved)
        total.add(totals)
    return GroupedStats(groups=groups, total=_finalize(total, tasks, resolved))


# --------------------------------------------------------------------------- ЕГЭ


@dataclass(frozen=True)
class EgeStats:
    """ЕГЭ figures of one subject for a set of graduates.

    Shares are of the participants with a test score (``with_score``).
    """

    participants: int
    absent: int
    with_score: int
    minimum: float
    high_band: tuple[float, float]
    mean_score: Decimal | None
    below_minimum: int
    below_minimum_percent: Decimal | None
    in_high_band: int
    in_high_band_percent: Decimal | None
    hundred: int  # стобалльники
    small_sample: bool
    informative: Informativeness


def ege_stats(
    records: Iterable[EgeResultLike],
    *,
    minimum: float,
    high_band: tuple[float, float] = (81, 100),
) -> EgeStats:
    """Mean test score, below the minimum (score < ``minimum``), in the high band
    (``low ≤ score ≤ high``, both edges included) and 100-pointers.

    For ЕГЭ математика база (marks, not test scores) use :func:`campaign_stats`.
    """
    low, high = high_band
    if low > high:
        raise ValueError(f"Нижняя граница высокого диапазона ({low}) больше верхней ({high}).")
    participants = absent = below = top = hundred = 0
    scores: list[Decimal] = []
    for record in records:
        if record.absent:
            absent += 1
            continue
        participants += 1
        raw = record.test_score
        if raw is None:
            continue
        score = Decimal(raw)
        if not score.is_finite() or score < 0 or score > 100:
            raise ValueError(f"Тестовый балл {raw} вне диапазона 0–100.")
        scores.append(score)
        if score < Decimal(minimum):
            below += 1
        if Decimal(low) <= score <= Decimal(high):
            top += 1
        if score == 100:
            hundred += 1
    with_score = len(scores)
    return EgeStats(
        participants=participants,
        absent=absent,
        with_score=with_score,
        minimum=minimum,
        high_band=(low, high),
        mean_score=_ratio(sum(scores, Decimal(0)), with_score),
        below_minimum=below,
        below_minimum_percent=percent(below, with_score),
        in_high_band=top,
        in_high_band_percent=percent(top, with_score),
        hundred=hundred,
        small_sample=participants < SMALL_SAMPLE,
        informative=informativeness(participants),
    )

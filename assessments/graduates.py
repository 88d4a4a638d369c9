"""ЕГЭ per graduate, and whether ЕГЭ confirms the medals of a year (DOMAIN §5).

The campaign figures of ЕГЭ (assessments.indicators.EgeStats) count results per subject; the
figures here count *graduates*: one participant code across all the ЕГЭ subjects of a year.

Joining: a graduate is a (school, participant code) pair within one year. The same code in
two schools is two graduates; one code in русский язык and in математика of the same school
and year is one graduate. Participant codes are the only key (no names are stored), so a
graduate whose code differs between two subjects' protocols is counted twice.

Definitions, for one school and for the municipality (the sum of its schools):

* graduates — distinct participant codes with at least one ЕГЭ result of the year;
* 220+ — graduates whose three best test scores (of three different subjects) add up to
  220 or more; a graduate with fewer than three test scores is not counted (математика
  база gives a mark, not a test score, so it never counts here);
* 3+ above the minimum — graduates at or above the university minimum (EgeThreshold of kind
  «university» of the year) in three or more subjects. Математика база has no university
  minimum and is not counted; nor is a subject without a minimum set for the year;
* shares — of the graduates, unrounded Decimal percentages (assessments.indicators.percent);
* a medal is confirmed when every condition group of the medal's rules (MedalRule) holds;
  conditions of one group are alternatives (математика: профиль ≥ 70 or база «5»). An
  unconfirmed medal carries its reasons in Russian («русский язык: 64 балла при необходимых
  70»; «нет результатов ЕГЭ по коду участника»). A medal without rules for the year is
  «not checked» (confirmed None): it counts among the medalists, not among the unconfirmed.

Plain Python, no Django: the service (assessments.services.graduates) reads the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.indicators import percent

SUM_OF_THREE = 220
SUBJECTS_ABOVE_MIN = 3
NO_RESULTS = "нет результатов ЕГЭ по коду участника"

#: (school id, participant code): one graduate of one year.
Graduate = tuple[int, str]


@dataclass(frozen=True)
class EgeRecord:
    """One ЕГЭ result of a year: a test score (0–100), or a mark for математика база."""

    school_id: int
    participant_code: str
    subject: str  # the subject's code (assessments.Subject.code)
    test_score: int | None = None
    mark: int | None = None


@dataclass(frozen=True)
class MedalCondition:
    """One condition of a medal (MedalRule): a minimum test score or a minimum mark."""

    group: int
    subject: str
    subject_name: str
    min_test_score: int | None = None
    min_mark: int | None = None


@dataclass(frozen=True)
class MedalEntry:
    """A medalist of the list: school, participant code, medal (MedalKind value)."""

    school_id: int
    participant_code: str
    medal: str


@dataclass(frozen=True)
class GraduateFigures:
    """The per-graduate figures of one school or of the municipality."""

    graduates: int = 0
    graduates_220: int = 0
    above_min_3: int = 0

    @property
    def share_220(self) -> Decimal | None:
        return percent(self.graduates_220, self.graduates)

    @property
    def share_above_min_3(self) -> Decimal | None:
        return percent(self.above_min_3, self.graduates)


@dataclass(frozen=True)
class MedalOutcome:
    """What ЕГЭ says of one medal: confirmed (True / False, None: no rules) and why not."""

    school_id: int
    participant_code: str
    medal: str
    confirmed: bool | None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MedalFigures:
    """Medalists of one school or of the municipality, and those ЕГЭ does not confirm."""

    medalists: int = 0
    unconfirmed: int = 0

    @property
    def unconfirmed_share(self) -> Decimal | None:
        return percent(self.unconfirmed, self.medalists)


@dataclass
class _Scores:
    """One graduate's results by subject (the best, should a subject come twice)."""

    test: dict[str, int] = field(default_factory=dict)
    marks: dict[str, int] = field(default_factory=dict)


def _by_graduate(records: Iterable[EgeRecord]) -> dict[Graduate, _Scores]:
    found: dict[Graduate, _Scores] = {}
    for record in records:
        scores = found.setdefault((record.school_id, record.participant_code), _Scores())
        if record.test_score is not None:
            best = scores.test.get(record.subject)
            scores.test[record.subject] = max(record.test_score, best or 0)
        if record.mark is not None:
            scores.marks[record.subject] = max(record.mark, scores.marks.get(record.subject, 0))
    return found


def has_220(test_scores: Mapping[str, int]) -> bool:
    """The three best test scores add up to 220 or more (fewer than three: no)."""
    best = sorted(test_scores.values(), reverse=True)[:3]
    return len(best) == 3 and sum(best) >= SUM_OF_THREE


def above_minimum_count(
    test_scores: Mapping[str, int], university_minimums: Mapping[str, Decimal]
) -> int:
    """Subjects at or above the university minimum (a subject without one is not counted)."""
    return sum(
        1
        for subject, score in test_scores.items()
        if subject in university_minimums and score >= university_minimums[subject]
    )


def graduate_figures(
    records: Iterable[EgeRecord], university_minimums: Mapping[str, Decimal]
) -> dict[int | None, GraduateFigures]:
    """The figures per school id, and for the municipality under the key None."""
    counts: dict[int | None, list[int]] = {None: [0, 0, 0]}
    for (school_id, _code), scores in sorted(_by_graduate(records).items()):
        flags = (
            1,
            int(has_220(scores.test)),
            int(above_minimum_count(scores.test, university_minimums) >= SUBJECTS_ABOVE_MIN),
        )
        for key in (school_id, None):
            total = counts.setdefault(key, [0, 0, 0])
            for index, flag in enumerate(flags):
                total[index] += flag
    return {key: GraduateFigures(*total) for key, total in counts.items()}


def _points(value: int) -> str:
    """«1 балл», «64 балла», «65 баллов» (Russian plural of балл)."""
    if value % 10 == 1 and value % 100 != 11:
        return f"{value} балл"
    if value % 10 in (2, 3, 4) and value % 100 not in (12, 13, 14):
        return f"{value} балла"
    return f"{value} баллов"


def _subject(name: str) -> str:
    return name[:1].lower() + name[1:]


def _condition_holds(condition: MedalCondition, scores: _Scores) -> bool:
    if condition.min_test_score is not None:
        score = scores.test.get(condition.subject)
        if score is None or score < condition.min_test_score:
            return False
    if condition.min_mark is not None:
        mark = scores.marks.get(condition.subject)
        if mark is None or mark < condition.min_mark:
            return False
    return True


def _condition_reason(condition: MedalCondition, scores: _Scores) -> str:
    """Why one condition fails: the result against what it needs, or no result."""
    name = _subject(condition.subject_name)
    if condition.min_test_score is not None:
        score = scores.test.get(condition.subject)
        if score is None:
            return (
                f"{name}: нет результата ЕГЭ (нужно не менее {_points(condition.min_test_score)})"
            )
        return f"{name}: {_points(score)} при необходимых {condition.min_test_score}"
    mark = scores.marks.get(condition.subject)
    if mark is None:
        return f"{name}: нет результата ЕГЭ (нужна отметка не ниже «{condition.min_mark}»)"
    return f"{name}: отметка «{mark}» при необходимой «{condition.min_mark}»"


def medal_outcome(
    entry: MedalEntry, scores: _Scores | None, conditions: Sequence[MedalCondition]
) -> MedalOutcome:
    """Check one medal against its conditions (grouped; alternatives within a group)."""
    if not conditions:
        return MedalOutcome(entry.school_id, entry.participant_code, entry.medal, None)
    if scores is None:
        return MedalOutcome(
            entry.school_id, entry.participant_code, entry.medal, False, (NO_RESULTS,)
        )
    groups: dict[int, list[MedalCondition]] = {}
    for condition in conditions:
        groups.setdefault(condition.group, []).append(condition)
    reasons = []
    for _group, alternatives in sorted(groups.items()):
        if not any(_condition_holds(c, scores) for c in alternatives):
            reasons.append(" или ".join(_condition_reason(c, scores) for c in alternatives))
    return MedalOutcome(
        entry.school_id, entry.participant_code, entry.medal, not reasons, tuple(reasons)
    )


def conditions_for_year(
    year: int, rules: Iterable[tuple[int, str, MedalCondition]]
) -> dict[str, list[MedalCondition]]:
    """Each medal's conditions for `year` from (rule year, medal, condition) rows: the
    latest rule year not after `year`, per medal (rules change by order, not every year);
    within a group, in the order given (the subjects' order)."""
    by_medal: dict[str, dict[int, list[MedalCondition]]] = {}
    for rule_year, medal, condition in rules:
        if rule_year <= year:
            by_medal.setdefault(medal, {}).setdefault(rule_year, []).append(condition)
    return {
        medal: sorted(years[max(years)], key=lambda c: c.group) for medal, years in by_medal.items()
    }


def medal_outcomes(
    medalists: Iterable[MedalEntry],
    records: Iterable[EgeRecord],
    rules: Mapping[str, Sequence[MedalCondition]],
) -> list[MedalOutcome]:
    """Each medalist's outcome, in the order of (school, participant code). `rules` maps a
    medal (MedalKind value) to its conditions for the year."""
    graduates = _by_graduate(records)
    ordered = sorted(medalists, key=lambda m: (m.school_id, m.participant_code))
    return [
        medal_outcome(
            entry,
            graduates.get((entry.school_id, entry.participant_code)),
            rules.get(entry.medal, ()),
        )
        for entry in ordered
    ]


def medal_figures(outcomes: Iterable[MedalOutcome]) -> dict[int | None, MedalFigures]:
    """Medalists and unconfirmed medals per school id, and for the municipality (None)."""
    counts: dict[int | None, list[int]] = {None: [0, 0]}
    for outcome in outcomes:
        for key in (outcome.school_id, None):
            total = counts.setdefault(key, [0, 0])
            total[0] += 1
            total[1] += int(outcome.confirmed is False)
    return {key: MedalFigures(*total) for key, total in counts.items()}

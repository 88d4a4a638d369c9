"""Figures of ВсОШ (всероссийская олимпиада школьников) for one year (DOMAIN §3, §5).

Input: the year's olympiad records (:class:`OlympiadRecordLike`: school, stage, subject,
grade, participant code, status) and each school's enrolment (pupils in its social passport
of that year; ``None`` when the school has no passport). Output: for every stage, for each
school and for the municipality, per subject and over all subjects (``subject_id`` None),
:class:`OlympiadFigures`.

Definitions:

* a participation is one participant code of one school in one subject at one stage — a
  pupil who wrote for two grades in one subject counts once, with his best status; over
  all subjects the participations of the subjects add up (a pupil in three subjects is
  three participations);
* winners, prize-winners — participations with the status «победитель», «призёр»;
* per 100 pupils = participations (winners, prize-winners) / enrolled × 100, computed by
  :func:`assessments.indicators.percent` (the same exact Decimal division as every other
  share of the portal) and rounded half up (:func:`assessments.indicators.round_half_up`,
  the portal's one rule) to ``STORED_PLACES``, the places the value is stored with; pages
  round it again, the same way, for display;
* a school without a passport (or with 0 pupils in it) has counts but no per-100 figures,
  and the reason says why;
* the municipality's per-100 figures count only the schools that have a passport, in the
  numerator as in the denominator (a school without one would otherwise add participations
  and no pupils); :attr:`OlympiadFigures.note` says how many schools that is.

Plain Python (no Django).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from assessments.indicators import percent, round_half_up

__all__ = [
    "PARTICIPANT",
    "PRIZE",
    "STORED_PLACES",
    "WINNER",
    "OlympiadFigures",
    "OlympiadRecord",
    "OlympiadRecordLike",
    "OlympiadRow",
    "olympiad_figures",
]

# The status codes of assessments.choices.OlympiadStatus (a test keeps them equal).
WINNER = "winner"
PRIZE = "prize"
PARTICIPANT = "participant"
_RANK = {WINNER: 0, PRIZE: 1, PARTICIPANT: 2}

#: Decimal places of a stored per-100 value (IndicatorValue.value has four).
STORED_PLACES = 4

NO_PASSPORT = "нет социального паспорта ОО за этот год: число обучающихся неизвестно"
NO_PUPILS = "в социальном паспорте ОО за этот год 0 обучающихся"
NO_PASSPORTS_AT_ALL = "ни у одной ОО нет социального паспорта за этот год"


class OlympiadRecordLike(Protocol):
    @property
    def school_id(self) -> int: ...
    @property
    def stage(self) -> str: ...
    @property
    def subject_id(self) -> int: ...
    @property
    def grade(self) -> int: ...
    @property
    def participant_code(self) -> str: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class OlympiadRecord:
    """One participant's result at one stage in one subject and grade (no names)."""

    school_id: int
    stage: str
    subject_id: int
    grade: int
    participant_code: str
    status: str


@dataclass(frozen=True)
class OlympiadFigures:
    """Counts and per-100 figures of one school or of the municipality."""

    participants: int
    winners: int
    prizewinners: int
    enrolled: int | None  # the base of the per-100 figures; None: unknown
    participants_per_100: Decimal | None
    winners_per_100: Decimal | None
    prizewinners_per_100: Decimal | None
    # Why the per-100 figures are missing ("" when they are there).
    reason: str = ""
    # The municipality's: which schools the per-100 figures count ("" for a school).
    note: str = ""

    @property
    def awarded(self) -> int:
        """Winners and prize-winners."""
        return self.winners + self.prizewinners


@dataclass(frozen=True)
class OlympiadRow:
    """The figures of one school (None: the municipality) at one stage, in one subject
    (None: over all subjects)."""

    stage: str
    school_id: int | None
    subject_id: int | None
    figures: OlympiadFigures


@dataclass
class _Counts:
    participants: int = 0
    winners: int = 0
    prizewinners: int = 0

    def add(self, status: str) -> None:
        self.participants += 1
        if status == WINNER:
            self.winners += 1
        elif status == PRIZE:
            self.prizewinners += 1

    def __iadd__(self, other: _Counts) -> _Counts:
        self.participants += other.participants
        self.winners += other.winners
        self.prizewinners += other.prizewinners
        return self


def _per_100(part: int, enrolled: int) -> Decimal | None:
    return round_half_up(percent(part, enrolled), STORED_PLACES)


def _figures(counts: _Counts, enrolled: int | None, *, reason: str = "") -> OlympiadFigures:
    if enrolled is None or enrolled == 0:
        return OlympiadFigures(
            counts.participants,
            counts.winners,
            counts.prizewinners,
            enrolled,
            None,
            None,
            None,
            reason=reason or (NO_PASSPORT if enrolled is None else NO_PUPILS),
        )
    return OlympiadFigures(
        counts.participants,
        counts.winners,
        counts.prizewinners,
        enrolled,
        _per_100(counts.participants, enrolled),
        _per_100(counts.winners, enrolled),
        _per_100(counts.prizewinners, enrolled),
    )


def _municipal(
    by_school: Mapping[int, _Counts], enrolment: Mapping[int, int | None]
) -> OlympiadFigures:
    """All schools' counts; per-100 figures over the schools with a passport only.

    `enrolment` names every school of the base (None: no passport); `by_school` the counts
    of those with participations."""
    total, counted = _Counts(), _Counts()
    enrolled = 0
    with_passport = 0
    schools = sorted(set(by_school) | set(enrolment))
    for school_id in schools:
        counts = by_school.get(school_id, _Counts())
        total += counts
        pupils = enrolment.get(school_id)
        if pupils:
            counted += counts
            enrolled += pupils
            with_passport += 1
    if not with_passport:
        return _figures(total, None, reason=NO_PASSPORTS_AT_ALL)
    base = _figures(counted, enrolled)
    note = (
        f"на 100 обучающихся — по {with_passport} ОО с социальным паспортом из {len(schools)}"
        f" ({enrolled} обучающихся)"
        if with_passport < len(schools)
        else f"на 100 обучающихся — по всем {with_passport} ОО ({enrolled} обучающихся)"
    )
    return OlympiadFigures(
        total.participants,
        total.winners,
        total.prizewinners,
        enrolled,
        base.participants_per_100,
        base.winners_per_100,
        base.prizewinners_per_100,
        note=note,
    )


def olympiad_figures(
    records: Iterable[OlympiadRecordLike],
    enrolment: Mapping[int, int | None],
    *,
    schools: Iterable[int] = (),
) -> list[OlympiadRow]:
    """Every stage's figures per school and for the municipality, per subject and overall.

    `enrolment` maps a school to its pupils (None: no passport); `schools` are schools to
    report at every stage even without a participation (0 participants, 0 per 100) —
    the municipality's general schools. A school in neither gets rows only where it has
    records. Rows come sorted: stage, subject (overall first), municipality first, school.
    """
    # The best status of each participation: (stage, subject, school, code) → status.
    best: dict[tuple[str, int, int, str], str] = {}
    for record in records:
        key = (record.stage, record.subject_id, record.school_id, record.participant_code)
        status = record.status if record.status in _RANK else PARTICIPANT
        if key not in best or _RANK[status] < _RANK[best[key]]:
            best[key] = status
    counts: dict[tuple[str, int | None, int], _Counts] = {}
    for (stage, subject_id, school_id, _code), status in best.items():
        counts.setdefault((stage, subject_id, school_id), _Counts()).add(status)
        counts.setdefault((stage, None, school_id), _Counts()).add(status)
    always = sorted(set(schools))
    # The municipality's base is the same for every stage and subject: the schools reported
    # and every school with a record in the year.
    base = {school_id: enrolment.get(school_id) for school_id in always}
    base |= {key[2]: enrolment.get(key[2]) for key in best}
    stages = sorted({key[0] for key in best})
    rows: list[OlympiadRow] = []
    for stage in stages:
        subjects = sorted({key[1] for key in counts if key[0] == stage and key[1] is not None})
        for subject in [None, *subjects]:
            by_school = {
                school_id: value
                for (s, subj, school_id), value in counts.items()
                if s == stage and subj == subject
            }
            if subject is None:
                for school_id in always:
                    by_school.setdefault(school_id, _Counts())
            rows.append(OlympiadRow(stage, None, subject, _municipal(by_school, base)))
            rows += [
                OlympiadRow(stage, school_id, subject, _figures(value, base[school_id]))
                for school_id, value in sorted(by_school.items())
            ]
    return rows

"""Reads of the stored ВсОШ figures for the olympiad pages.

Everything here reads `IndicatorValue` rows of procedure «vsosh» (written by
`assessments.services.olympiads`), restricted to the user with `for_user`: a director reads
his school's rows and the municipal totals, never another school's. Olympiad results
themselves are read only for the list of a school's participant codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from assessments.choices import IndicatorLevel, OlympiadStage, ProcedureCode
from assessments.models import FiguresRun, IndicatorValue, OlympiadResult, Subject
from assessments.values import year_municipalities
from schools.models import Municipality, School

VSOSH = ProcedureCode.VSOSH.value
STAGES: tuple[str, ...] = tuple(OlympiadStage.values)
STAGE_LABELS: dict[str, str] = dict(OlympiadStage.choices)

# The stored code → the attribute of `Figures` it fills.
_ATTRS = {
    "vsosh.participants": "participants",
    "vsosh.winners": "winners",
    "vsosh.prizewinners": "prizewinners",
    "vsosh.participants_per_100": "participants_per_100",
    "vsosh.winners_per_100": "winners_per_100",
    "vsosh.prizewinners_per_100": "prizewinners_per_100",
}


@dataclass
class Figures:
    """The stored ВсОШ values of one school (or the municipality), stage and subject."""

    participants: int | None = None
    winners: int | None = None
    prizewinners: int | None = None
    participants_per_100: Decimal | None = None
    winners_per_100: Decimal | None = None
    prizewinners_per_100: Decimal | None = None
    n: int = 0

    @property
    def awarded(self) -> int | None:
        if self.winners is None or self.prizewinners is None:
            return None
        return self.winners + self.prizewinners

    @property
    def awarded_per_100(self) -> Decimal | None:
        """Winners and prize-winners per 100: the sum of the two stored values."""
        if self.winners_per_100 is None or self.prizewinners_per_100 is None:
            return None
        return self.winners_per_100 + self.prizewinners_per_100

    @property
    def no_passport(self) -> bool:
        """Counts without per-100 figures: the school had no social passport that year."""
        return self.participants is not None and self.participants_per_100 is None


def _collect(rows: Iterable[IndicatorValue]) -> dict[tuple[Any, ...], Figures]:
    """Stored rows grouped by (year, school, subject, stage)."""
    found: dict[tuple[Any, ...], Figures] = {}
    for row in rows:
        figures = found.setdefault((row.year, row.school_id, row.subject_id, row.part), Figures())
        value: Any = row.value
        if row.code in ("vsosh.participants", "vsosh.winners", "vsosh.prizewinners"):
            value = None if value is None else int(value)
        setattr(figures, _ATTRS[row.code], value)
        figures.n = max(figures.n, row.n)
    return found


def stored_values(user: Any) -> QuerySet[IndicatorValue]:
    """The user's ВсОШ values (a director: his school's and the municipal totals)."""
    return IndicatorValue.objects.for_user(user).filter(
        procedure=VSOSH,
        code__in=list(_ATTRS),
        level__in=[IndicatorLevel.SCHOOL, IndicatorLevel.MUNICIPALITY],
    )


def municipalities_for(user: Any) -> list[Municipality]:
    """The municipalities whose olympiad figures the user may choose among (and those with
    results whose figures are not stored yet: the page says so)."""
    results = OlympiadResult.objects.values_list("school__municipality_id", flat=True)
    return year_municipalities(user, procedure=VSOSH, also=results.distinct())


@dataclass
class SchoolLine:
    school: School
    figures: Figures


@dataclass
class SubjectLine:
    subject: Subject
    figures: Figures


@dataclass
class Summary:
    """The summary page: one municipality, year and stage."""

    municipality: Municipality | None
    municipalities: list[Municipality]
    years: list[int]
    year: int | None
    stages: list[str]
    stage: str | None
    total: Figures | None = None
    subjects: list[SubjectLine] = field(default_factory=list)
    schools: list[SchoolLine] = field(default_factory=list)
    run: FiguresRun | None = None
    # The schools the municipal per-100 figures count (with a passport) of all reported.
    with_passport: int = 0
    reported: int = 0
    # Olympiad results of the year are stored but their figures are not (yet).
    results_without_figures: bool = False

    @property
    def year_options(self) -> list[int]:
        """The years to choose from: those with figures, and the asked one."""
        return sorted(set(self.years) | ({self.year} if self.year else set()), reverse=True)

    @property
    def has_data(self) -> bool:
        return self.total is not None

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage or "", "")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def summary_for(
    user: Any,
    *,
    year: str | None = None,
    stage: str | None = None,
    municipality: str | None = None,
) -> Summary:
    """What the summary page shows for the asked year, stage and municipality (the latest
    year with figures and its first stage by default)."""
    municipalities = municipalities_for(user)
    chosen = next((m for m in municipalities if str(m.pk) == municipality), None)
    chosen = chosen or (municipalities[0] if municipalities else None)
    if chosen is None:
        return Summary(None, [], [], _int(year), [], None)
    values = stored_values(user).filter(municipality=chosen)
    years = sorted(set(values.values_list("year", flat=True)), reverse=True)
    asked = _int(year)
    the_year = asked if asked is not None else (years[0] if years else None)
    if the_year is None:
        return Summary(chosen, municipalities, years, None, [], None)
    in_year = values.filter(year=the_year)
    present = set(in_year.values_list("part", flat=True))
    stages = [s for s in STAGES if s in present]
    the_stage = stage if stage in stages else (stages[0] if stages else None)
    summary = Summary(chosen, municipalities, years, the_year, stages, the_stage)
    if the_stage is None:
        summary.results_without_figures = (
            OlympiadResult.objects.for_user(user)
            .filter(year=the_year, school__municipality=chosen)
            .exists()
        )
        return summary
    found = _collect(in_year.filter(part=the_stage))
    summary.total = found.get((the_year, None, None, the_stage))
    subjects = Subject.objects.in_bulk([key[2] for key in found if key[2] is not None])
    summary.subjects = sorted(
        (
            SubjectLine(subjects[subject_id], figures)
            for (_y, school_id, subject_id, _s), figures in found.items()
            if school_id is None and subject_id is not None
        ),
        key=lambda line: (line.subject.order, line.subject.name),
    )
    schools = School.objects.in_bulk([key[1] for key in found if key[1] is not None])
    summary.schools = sorted(
        (
            SchoolLine(schools[school_id], figures)
            for (_y, school_id, subject_id, _s), figures in found.items()
            if school_id is not None and subject_id is None
        ),
        key=lambda line: line.school.short_name,
    )
    summary.run = (
        FiguresRun.objects.filter(
            procedure=VSOSH, campaign=None, year=the_year, municipality=chosen
        )
        .order_by("-computed_at", "-pk")
        .first()
    )
    # Which schools the municipal per-100 figures count: counted past a director's scope,
    # as numbers only (he sees no other school's figures).
    per_100 = IndicatorValue.objects.filter(
        procedure=VSOSH,
        municipality=chosen,
        year=the_year,
        part=the_stage,
        subject=None,
        level=IndicatorLevel.SCHOOL,
        code="vsosh.participants_per_100",
    )
    summary.reported = per_100.count()
    summary.with_passport = per_100.exclude(value=None).count()
    return summary


@dataclass
class HistoryLine:
    """A school's stored figures of one subject (None: all subjects) at one stage, by year."""

    subject: Subject | None
    stage: str
    by_year: list[Figures | None]

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)


@dataclass
class SchoolHistory:
    school: School
    years: list[int]
    lines: list[HistoryLine]
    codes_year: int | None
    codes_years: list[int]
    results: list[OlympiadResult]


def school_history(user: Any, school: School, *, year: str | None = None) -> SchoolHistory:
    """The school's participations by subject and stage over the years (stored values), and
    its participant codes and statuses of one year (the latest by default)."""
    rows = stored_values(user).filter(school=school, level=IndicatorLevel.SCHOOL)
    found = _collect(rows)
    years = sorted({key[0] for key in found})
    subjects = Subject.objects.in_bulk([key[2] for key in found if key[2] is not None])
    keys = sorted(
        {(key[3], key[2]) for key in found},
        key=lambda k: (
            STAGES.index(k[0]) if k[0] in STAGES else len(STAGES),
            k[1] is not None,
            subjects[k[1]].order if k[1] is not None else 0,
            subjects[k[1]].name if k[1] is not None else "",
        ),
    )
    lines = [
        HistoryLine(
            subject=subjects.get(subject_id) if subject_id is not None else None,
            stage=stage,
            by_year=[found.get((y, school.pk, subject_id, stage)) for y in years],
        )
        for stage, subject_id in keys
    ]
    results = OlympiadResult.objects.for_user(user).filter(school=school)
    codes_years = sorted(set(results.values_list("year", flat=True)), reverse=True)
    asked = _int(year)
    codes_year = asked if asked in codes_years else (codes_years[0] if codes_years else None)
    listed = list(
        results.filter(year=codes_year or 0)
        .select_related("subject")
        .order_by("subject__order", "subject__name", "grade", "participant_code")
    )
    listed.sort(key=lambda r: STAGES.index(r.stage) if r.stage in STAGES else len(STAGES))
    return SchoolHistory(school, years, lines, codes_year, codes_years, listed)

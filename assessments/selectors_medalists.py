"""Reads of ЕГЭ per graduate and of medalists for their pages.

The figures are the stored `IndicatorValue` rows of the «ege» year run (written by
`assessments.services.graduates`), read through `for_user`: a director reads his school's
rows and the municipal totals. A medal's outcome (confirmed, the reasons) is read from the
same run's sources, for the medalists the user may see (`Medalist.objects.for_user`); the
results themselves are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from assessments.choices import IndicatorLevel, ProcedureCode
from assessments.models import FiguresRun, IndicatorValue, Medalist
from assessments.services.graduates import MEDAL_OUTCOME
from assessments.values import year_municipalities
from schools.models import Municipality, School

EGE = ProcedureCode.EGE.value
CODES = (
    "ege.graduates",
    "ege.graduates_220",
    "ege.above_min_3",
    "ege.medalists",
    "ege.medalists_unconfirmed",
)


def _count(share: Decimal | None, n: int) -> int | None:
    """A count back from its stored share and base (the share is kept to 4 places, so the
    product is within 0.005 of a whole number for any n below 10,000 and exact after
    rounding)."""
    if share is None:
        return None
    return int((share * n / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class GraduateLine:
    """The stored values of one school (school None: the municipality)."""

    school: School | None
    graduates: int | None = None
    share_220: Decimal | None = None
    share_above_min_3: Decimal | None = None
    medalists: int | None = None
    unconfirmed_share: Decimal | None = None

    @property
    def count_220(self) -> int | None:
        return _count(self.share_220, self.graduates or 0)

    @property
    def count_above_min_3(self) -> int | None:
        return _count(self.share_above_min_3, self.graduates or 0)

    @property
    def unconfirmed(self) -> int | None:
        return _count(self.unconfirmed_share, self.medalists or 0)


def _year(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


def municipalities_for(user: Any) -> list[Municipality]:
    """The municipalities whose ЕГЭ year figures or medalists the user may choose among."""
    medalists = Medalist.objects.for_user(user).values_list("school__municipality_id", flat=True)
    return year_municipalities(user, procedure=EGE, also=medalists.distinct())


def _chosen(user: Any, municipality: Any) -> tuple[Municipality | None, list[Municipality]]:
    choices = municipalities_for(user)
    wanted = str(municipality or "")
    for m in choices:
        if str(m.pk) == wanted:
            return m, choices
    return (choices[0] if choices else None), choices


def _years(user: Any, municipality: Municipality | None) -> list[int]:
    values = stored_values(user)
    medalists = Medalist.objects.for_user(user)
    if municipality is not None:
        values = values.filter(municipality=municipality)
        medalists = medalists.filter(school__municipality=municipality)
    years = set(values.values_list("year", flat=True)) | set(
        medalists.values_list("year", flat=True)
    )
    return sorted(years, reverse=True)


def stored_values(user: Any) -> QuerySet[IndicatorValue]:
    """The user's stored «ege» year values (a director: his school's and the municipal)."""
    return IndicatorValue.objects.for_user(user).filter(
        procedure=EGE,
        campaign__isnull=True,
        code__in=CODES,
        level__in=[IndicatorLevel.SCHOOL, IndicatorLevel.MUNICIPALITY],
    )


def latest_run(municipality_id: int, year: int) -> FiguresRun | None:
    return (
        FiguresRun.objects.filter(
            procedure=EGE, campaign=None, year=year, municipality_id=municipality_id
        )
        .order_by("-computed_at", "-pk")
        .first()
    )


@dataclass
class GraduatesPage:
    municipality: Municipality | None
    municipalities: list[Municipality]
    years: list[int]
    year: int | None
    total: GraduateLine | None = None
    schools: list[GraduateLine] = field(default_factory=list)
    run: FiguresRun | None = None

    @property
    def has_data(self) -> bool:
        return self.total is not None or bool(self.schools)


_ATTRS = {
    "ege.graduates": "graduates",
    "ege.graduates_220": "share_220",
    "ege.above_min_3": "share_above_min_3",
    "ege.medalists": "medalists",
    "ege.medalists_unconfirmed": "unconfirmed_share",
}


def graduates_page(user: Any, *, year: Any = None, municipality: Any = None) -> GraduatesPage:
    """The stored per-graduate values of a year, per school the user sees, and the total."""
    chosen, choices = _chosen(user, municipality)
    years = _years(user, chosen)
    wanted = _year(year)
    page = GraduatesPage(
        chosen, choices, years, wanted if wanted is not None else (years[0] if years else None)
    )
    if chosen is None or page.year is None:
        return page
    lines: dict[int | None, GraduateLine] = {}
    rows = (
        stored_values(user)
        .filter(municipality=chosen, year=page.year)
        .select_related("school")
        .order_by("pk")
    )
    for row in rows:
        line = lines.setdefault(row.school_id, GraduateLine(row.school))
        value: Any = row.value
        if row.code in ("ege.graduates", "ege.medalists") and value is not None:
            value = int(value)
        setattr(line, _ATTRS[row.code], value)
    page.total = lines.pop(None, None)
    page.schools = sorted(
        lines.values(), key=lambda line: line.school.short_name if line.school else ""
    )
    page.run = latest_run(chosen.pk, page.year) if lines or page.total else None
    return page


@dataclass
class MedalistLine:
    """A medalist as the page shows him: the medal and what the stored run says of it."""

    medalist: Medalist
    confirmed: bool | None
    reasons: list[str]
    computed: bool  # False: the year's figures have not been computed since he was added


@dataclass
class SchoolCount:
    school: School
    medalists: int = 0
    unconfirmed: int = 0
    unchecked: int = 0


@dataclass
class MedalistsPage:
    municipality: Municipality | None
    municipalities: list[Municipality]
    years: list[int]
    year: int | None
    school: School | None
    schools: list[School]
    lines: list[MedalistLine] = field(default_factory=list)
    counts: list[SchoolCount] = field(default_factory=list)
    run: FiguresRun | None = None


def medalists_page(
    user: Any, *, year: Any = None, municipality: Any = None, school: Any = None
) -> MedalistsPage:
    """The medalists of a year the user sees (a director: his school's), each with the
    stored outcome of the year's «ege» run, and the counts per school."""
    chosen, choices = _chosen(user, municipality)
    years = _years(user, chosen)
    wanted = _year(year)
    year_value = wanted if wanted is not None else (years[0] if years else None)
    medalists = Medalist.objects.for_user(user).select_related("school")
    schools = School.objects.for_user(user).general()
    if chosen is not None:
        medalists = medalists.filter(school__municipality=chosen)
        schools = schools.filter(municipality=chosen)
    school_list = list(schools.order_by("short_name"))
    picked = next((s for s in school_list if str(s.pk) == str(school or "")), None)
    page = MedalistsPage(chosen, choices, years, year_value, picked, school_list)
    if year_value is None:
        return page
    medalists = medalists.filter(year=year_value)
    if picked is not None:
        medalists = medalists.filter(school=picked)
    run = latest_run(chosen.pk, year_value) if chosen is not None else None
    outcomes = {
        (s["school"], s["participant_code"], s["medal"]): s
        for s in (run.sources if run is not None else [])
        if isinstance(s, dict) and s.get("kind") == MEDAL_OUTCOME
    }
    counts: dict[int, SchoolCount] = {}
    for medalist in medalists.order_by("school__short_name", "participant_code"):
        stored = outcomes.get((medalist.school_id, medalist.participant_code, medalist.medal))
        line = MedalistLine(
            medalist,
            stored["confirmed"] if stored else None,
            list(stored["reasons"]) if stored else [],
            stored is not None,
        )
        page.lines.append(line)
        count = counts.setdefault(medalist.school_id, SchoolCount(medalist.school))
        count.medalists += 1
        count.unconfirmed += int(line.confirmed is False)
        count.unchecked += int(line.confirmed is None)
    page.counts = list(counts.values())
    page.run = run
    return page

"""Reads of the «500+» work shared by its pages, the school card and exports; every read is
restricted to what the user may see (`for_user`), so a director gets his school only.

`programme_progress(user, year, school_ids=None)` is what the school card (reports/) and
the municipal overview read: per school, the risks selected, whether the anti-risk
programme exists, its measures and how many of their occurrences are done and overdue,
and the curator. A handful of queries, whatever the number of schools.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from msoko.history import HistoryEntry, history_entries
from msoko.models import User
from roadmaps.choices import CLOSED_STATUSES, OccurrenceStatus
from roadmaps.models import (
    MeasureTemplate,
    Occurrence,
    RiskDirection,
    RiskProgramme,
    SchoolCurator,
    SchoolRisk,
    Task,
)
from roadmaps.services_risks import risks_valid_in
from schools.models import Municipality, School


@dataclass
class Progress:
    """The «500+» state of one school in one year.

    ``measures`` counts the programme's tasks (мероприятия); ``total`` their occurrences
    (each period of each task, cancelled ones left out), of which ``done`` are done and
    ``overdue`` past their due date and not done. ``percent`` is done / total × 100,
    exact (None without occurrences); pages round it through msoko.formatting.
    """

    school_id: int
    year: int
    school_name: str = ""
    risks_selected: int = 0
    risks_total: int = 0  # risks in the profile (with a value, a level or a choice)
    risk_titles: list[str] = field(default_factory=list)  # the selected ones
    programme_id: int | None = None
    roadmap_id: int | None = None
    measures: int = 0
    total: int = 0
    done: int = 0
    overdue: int = 0
    in_progress: int = 0
    curator: User | None = None
    curator_since: datetime.date | None = None

    @property
    def has_programme(self) -> bool:
        return self.programme_id is not None

    @property
    def has_profile(self) -> bool:
        return self.risks_total > 0

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return Decimal(100 * self.done) / Decimal(self.total)

    @property
    def percent_sort(self) -> Decimal:
        """For sorting: a school without occurrences goes below 0 %."""
        percent = self.percent
        return Decimal(-1) if percent is None else percent

    @property
    def bar_percent(self) -> int:
        """A whole percent for the progress bar's width class (pct-N)."""
        percent = self.percent
        return int(percent.to_integral_value()) if percent is not None else 0

    @property
    def curator_name(self) -> str:
        if self.curator is None:
            return ""
        return self.curator.get_full_name() or self.curator.username

    @property
    def profile_url(self) -> str:
        return reverse("roadmaps:risk_profile", args=[self.school_id, self.year])

    @property
    def roadmap_url(self) -> str:
        if self.roadmap_id is None:
            return ""
        return reverse("roadmaps:roadmap_detail", args=[self.roadmap_id])


def programme_progress(
    user: User,
    year: int,
    school_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
) -> dict[int, Progress]:
    """Per school: risks, programme, measures done and overdue, curator (see Progress).

    Without `school_ids`: every school the user sees with a risk profile or a programme in
    `year`. With them: those of them the user sees, each present (zeros when it has
    nothing yet), so the school card can always show the partial.
    """
    today = today or timezone.localdate()
    schools = School.objects.for_user(user)
    risks = SchoolRisk.objects.for_user(user).filter(year=year)
    programmes = RiskProgramme.objects.for_user(user).filter(year=year)
    if school_ids is not None:
        wanted = list(school_ids)
        schools = schools.filter(pk__in=wanted)
        risks = risks.filter(school_id__in=wanted)
        programmes = programmes.filter(school_id__in=wanted)
    else:
        with_data = set(risks.values_list("school_id", flat=True)) | set(
            programmes.values_list("school_id", flat=True)
        )
        schools = schools.filter(pk__in=with_data)
    result = {
        pk: Progress(school_id=pk, year=year, school_name=name)
        for pk, name in schools.order_by("short_name").values_list("pk", "short_name")
    }
    if not result:
        return result
    for school_id, selected, title in (
        risks.filter(school_id__in=result)
        .order_by("risk__order", "risk__code")
        .values_list("school_id", "selected", "risk__title")
    ):
        item = result[school_id]
        item.risks_total += 1
        if selected:
            item.risks_selected += 1
            item.risk_titles.append(title)
    roadmap_school: dict[int, int] = {}
    for pk, school_id, roadmap_id in programmes.filter(school_id__in=result).values_list(
        "pk", "school_id", "roadmap_id"
    ):
        result[school_id].programme_id = pk
        result[school_id].roadmap_id = roadmap_id
        roadmap_school[roadmap_id] = school_id
    if roadmap_school:
        for roadmap_id, count in (
            Task.objects.filter(roadmap_id__in=roadmap_school)
            .values("roadmap_id")
            .annotate(n=Count("pk"))
            .values_list("roadmap_id", "n")
        ):
            result[roadmap_school[roadmap_id]].measures = count
        late = Q(due__lt=today) & ~Q(status__in=CLOSED_STATUSES)
        for row in (
            Occurrence.objects.for_user(user)
            .filter(task__roadmap_id__in=roadmap_school)
            .exclude(status=OccurrenceStatus.CANCELLED)
            .values("task__roadmap_id", "school_id")
            .annotate(
                total=Count("pk"),
                done=Count("pk", filter=Q(status=OccurrenceStatus.DONE)),
                in_progress=Count("pk", filter=Q(status=OccurrenceStatus.IN_PROGRESS)),
                late=Count("pk", filter=late),
            )
        ):
            school_id = roadmap_school[row["task__roadmap_id"]]
            if row["school_id"] not in (None, school_id):
                continue  # another school added to a task by hand: not this programme's
            item = result[school_id]
            item.total += row["total"]
            item.done += row["done"]
            item.in_progress += row["in_progress"]
            item.overdue += row["late"]
    for curator in (
        SchoolCurator.objects.for_user(user).filter(school_id__in=result).select_related("user")
    ):
        result[curator.school_id].curator = curator.user
        result[curator.school_id].curator_since = curator.since
    return result


def school_progress(user: User, school: School, year: int) -> Progress | None:
    """The partial's `progress` for one school (None when the user does not see it)."""
    return programme_progress(user, year, [school.pk]).get(school.pk)


# ------------------------------------------------------------------ the profile page


@dataclass
class ProfileRow:
    """A risk direction valid in the year and the school's entry for it (or None)."""

    risk: RiskDirection
    entry: SchoolRisk | None


def profile_rows(school: School, year: int) -> list[ProfileRow]:
    """Every risk direction valid in the year, with the school's entry where it has one;
    an entry for a risk no longer valid is listed too (it was recorded while valid)."""
    entries = {
        row.risk_id: row
        for row in SchoolRisk.objects.filter(school=school, year=year).select_related(
            "risk", "upload", "updated_by", "section"
        )
    }
    risks = list(risks_valid_in(year))
    known = {risk.pk for risk in risks}
    risks += [row.risk for row in entries.values() if row.risk_id not in known]
    risks.sort(key=lambda risk: (risk.order, risk.code))
    return [ProfileRow(risk, entries.get(risk.pk)) for risk in risks]


def profile_years(user: User, school: School) -> list[int]:
    """Years with a profile or a programme of the school, newest first."""
    years = set(
        SchoolRisk.objects.for_user(user).filter(school=school).values_list("year", flat=True)
    ) | set(
        RiskProgramme.objects.for_user(user).filter(school=school).values_list("year", flat=True)
    )
    return sorted(years, reverse=True)


def overview_years(user: User) -> list[int]:
    """Years that have any profile or programme the user sees, newest first."""
    years = set(SchoolRisk.objects.for_user(user).values_list("year", flat=True).distinct()) | set(
        RiskProgramme.objects.for_user(user).values_list("year", flat=True).distinct()
    )
    return sorted(years, reverse=True)


def overview_municipalities(user: User) -> QuerySet[Municipality]:
    """The municipalities a deployment-wide user may choose among on the overview."""
    return Municipality.objects.for_user(user).order_by("name")


# ------------------------------------------------------------------ reference and curators


def directions_with_measures() -> QuerySet[RiskDirection]:
    return RiskDirection.objects.annotate(measure_count=Count("measures")).order_by("order", "code")


def measures_of(direction: RiskDirection) -> QuerySet[MeasureTemplate]:
    return direction.measures.order_by("order", "pk")


@dataclass(frozen=True)
class CuratorChange:
    """One line of a school's curator history."""

    when: datetime.datetime
    curator: str
    since: datetime.date | None
    by: str
    removed: bool


def curator_history(school: School, limit: int = 50) -> list[CuratorChange]:
    """Who curated the school and since when, newest first (from the model's history)."""
    records = (
        SchoolCurator.history.filter(school_id=school.pk)
        .select_related("user", "history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    changes = []
    for record in records:
        person = record.user if record.user_id else None
        changes.append(
            CuratorChange(
                when=record.history_date,
                curator=(person.get_full_name() or person.username) if person else "",
                since=record.since,
                by=(
                    record.history_user.get_full_name() or record.history_user.username
                    if record.history_user
                    else ""
                ),
                removed=record.history_type == "-",
            )
        )
    return changes


def risk_history(school: School, year: int, limit: int = 50) -> list[HistoryEntry]:
    """Changes of the school's profile of the year, newest first (msoko.history)."""
    records = (
        SchoolRisk.history.filter(school_id=school.pk, year=year)
        .select_related("history_user", "risk")
        .order_by("-history_date")[:limit]
    )
    return history_entries(records, lambda record: str(record.risk), SchoolRisk)

"""Reads of the register of recommendations and decisions, the effect analysis and the
self-assessment picker; every queryset is already restricted to the user (`for_user`).

The effect of a decision is read from the stored indicator values (IndicatorValue), never
recomputed: the value of the decision's year against the next year's, with the change as
assessments.dynamics reads it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from assessments import catalogue, dynamics
from assessments.choices import IndicatorLevel
from assessments.models import IndicatorValue, ObjectivityMarker, Subject
from assessments.objectivity import MARKER_NAMES
from msoko import charts, formatting
from msoko.models import User
from msoko.search import search_q
from roadmaps.models import (
    CycleAssessment,
    Decision,
    Occurrence,
    Recommendation,
    RecommendationStatus,
    Task,
)
from roadmaps.selectors import Progress, progress_of
from schools.models import School

#: How many matches the picker shows for one search.
PICK_LIMIT = 20
OPEN_STATUSES = (RecommendationStatus.OPEN, RecommendationStatus.REJECTED)


# ------------------------------------------------------------------ recommendations


def recommendations_for(user: User) -> QuerySet[Recommendation]:
    return Recommendation.objects.for_user(user).select_related(
        "school", "municipality", "created_by", "responded_by"
    )


def is_overdue(recommendation: Recommendation, today: datetime.date | None = None) -> bool:
    """Past its due date with no accepted response yet (open, or the response refused)."""
    today = today or timezone.localdate()
    return bool(
        recommendation.due_date
        and recommendation.due_date < today
        and recommendation.status in OPEN_STATUSES
    )


def school_recommendations(user: User, school: School) -> list[Recommendation]:
    """The recommendations addressed to one school that the user may see, the open first.

    For the school card (templates/roadmaps/_school_recommendations.html, context variable
    `school_recommendations`). Group-addressed ones are not listed: they name no school.
    """
    rows = list(
        recommendations_for(user)
        .filter(school=school)
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.for_user(user)))
        .order_by("-year", "due_date", "-pk")[:50]
    )
    today = timezone.localdate()
    for row in rows:
        row.overdue = is_overdue(row, today)  # type: ignore[attr-defined]
    order = {RecommendationStatus.OPEN: 0, RecommendationStatus.REJECTED: 0}
    rows.sort(key=lambda r: order.get(RecommendationStatus(r.status), 1))
    return rows


def markers_for(user: User, *, school: School | None = None) -> QuerySet[ObjectivityMarker]:
    """Raised objectivity markers the user may see (a recommendation's possible basis)."""
    markers = ObjectivityMarker.objects.for_user(user).filter(raised=True)
    if school is not None:
        markers = markers.filter(school=school)
    return markers.select_related(
        "school", "subject", "campaign", "campaign__procedure", "campaign__subject"
    ).order_by("-year", "school__short_name", "code")


def marker_about(marker: ObjectivityMarker) -> str:
    """What a marker is about: its campaign, or (a federal list, a marker across
    procedures) the procedure, subject, grade and year."""
    if marker.campaign_id and marker.campaign is not None:
        return str(marker.campaign)
    parts = [f"{marker.get_procedure_display()} {marker.year}"]
    if marker.subject_id and marker.subject is not None:
        parts.append(marker.subject.name.lower())
    if marker.grade:
        parts.append(f"{marker.grade} класс")
    return ", ".join(parts)


def marker_label(marker: ObjectivityMarker) -> str:
    name = MARKER_NAMES.get(marker.code, marker.code)
    return f"{marker.school.short_name}: {name} — {marker_about(marker)}"


# ------------------------------------------------------------------ decisions


def decisions_for(user: User) -> QuerySet[Decision]:
    return (
        Decision.objects.for_user(user)
        .select_related("school", "municipality", "roadmap", "created_by")
        .annotate(task_count=Count("tasks", distinct=True))
        .order_by("-act_date", "-pk")  # Meta.ordering is not applied to GROUP BY queries
    )


@dataclass
class MeasureRow:
    """A measure of a decision: its task, the occurrences the user sees, their progress."""

    task: Task
    progress: Progress
    occurrences: list[Occurrence] = field(default_factory=list)


def decision_measures(decision: Decision, user: User) -> list[MeasureRow]:
    tasks = list(
        Task.objects.for_user(user)
        .filter(pk__in=decision.tasks.values("pk"))
        .select_related("roadmap", "section")
        .order_by("roadmap__title", "sort_key")
    )
    by_task: dict[int, list[Occurrence]] = {task.pk: [] for task in tasks}
    occurrences = (
        Occurrence.objects.for_user(user)
        .filter(task__in=[task.pk for task in tasks])
        .select_related("school")
        .order_by("due", "school__short_name")
    )
    for occurrence in occurrences:
        by_task[occurrence.task_id].append(occurrence)
    today = timezone.localdate()
    return [
        MeasureRow(task, _progress(by_task[task.pk], today), by_task[task.pk]) for task in tasks
    ]


def _progress(items: list[Occurrence], today: datetime.date) -> Progress:
    counted = [o for o in items if o.status != "cancelled"]
    return Progress(
        total=len(counted),
        done=sum(o.status == "done" for o in counted),
        in_progress=sum(o.status == "in_progress" for o in counted),
        overdue=sum(o.overdue_on(today) for o in counted),
    )


def decisions_progress(decision: Decision, user: User) -> Progress:
    return progress_of(
        Occurrence.objects.for_user(user).filter(task__in=decision.tasks.values("pk"))
    )


@dataclass
class Effect:
    """The effect analysis of a decision: its indicator before (the decision's year) and
    after (the next year), the change and what it means, or why it cannot be read yet."""

    indicator: catalogue.Indicator | None
    where: str
    before_year: int
    after_year: int
    before: IndicatorValue | None = None
    after: IndicatorValue | None = None
    change: dynamics.Change | None = None
    message: str = ""
    chart: charts.BarChart | None = None

    @property
    def before_text(self) -> str:
        return self._text(self.before)

    @property
    def after_text(self) -> str:
        return self._text(self.after)

    @property
    def delta_text(self) -> str:
        if self.change is None or self.change.delta is None or self.indicator is None:
            return formatting.DASH
        text = formatting.signed(self.change.delta, self.indicator.places)
        return f"{text} п. п." if self.indicator.unit == "%" else text

    @property
    def verdict_text(self) -> str:
        if self.change is None or self.change.verdict is None:
            return ""
        return dynamics.VERDICT_LABELS[self.change.verdict]

    @property
    def verdict_css(self) -> str:
        verdict = self.change.verdict if self.change else None
        return {
            dynamics.Verdict.POSITIVE: "success",
            dynamics.Verdict.NEGATIVE: "danger",
        }.get(verdict, "secondary")  # type: ignore[arg-type]

    def _text(self, row: IndicatorValue | None) -> str:
        if row is None or self.indicator is None:
            return formatting.DASH
        return formatting.value(row.value, self.indicator.unit, self.indicator.places)


def thresholds() -> dynamics.Thresholds:
    """The dynamics thresholds of the settings (DYNAMICS_*), as the dashboards read them."""
    return dynamics.Thresholds(
        negative_rise=Decimal(settings.DYNAMICS_NEGATIVE_RISE_PP),
        notable=Decimal(settings.DYNAMICS_NOTABLE_PP),
    )


def _effect_rows(decision: Decision, user: User) -> QuerySet[IndicatorValue]:
    rows = IndicatorValue.objects.for_user(user).filter(
        code=decision.indicator_code,
        municipality=decision.municipality_id,
        year__in=(decision.year, decision.year + 1),
        part="",
    )
    if decision.school_id:
        rows = rows.filter(level=IndicatorLevel.SCHOOL, school=decision.school_id)
    else:
        rows = rows.filter(level=IndicatorLevel.MUNICIPALITY, school__isnull=True)
    if decision.procedure:
        rows = rows.filter(procedure=decision.procedure)
    if decision.subject:
        rows = rows.filter(subject__code=decision.subject)
    if decision.grade:
        rows = rows.filter(grade=decision.grade)
    return rows.select_related("subject")


def decision_effect(decision: Decision, user: User) -> Effect | None:
    """The stored value of the decision's indicator in its year and the next (None when the
    decision names no indicator)."""
    if not decision.indicator_code:
        return None
    indicator = catalogue.CATALOGUE.get(decision.indicator_code)
    where = str(decision.school) if decision.school_id else f"муниципалитет {decision.municipality}"
    subject = Subject.objects.filter(code=decision.subject).first() if decision.subject else None
    if subject is not None:
        where += f", {subject.name.lower()}"
    if decision.grade:
        where += f", {decision.grade} класс"
    effect = Effect(indicator, where, decision.year, decision.year + 1)
    if indicator is None:
        effect.message = f"Показателя «{decision.indicator_code}» больше нет в каталоге."
        return effect
    by_year: dict[int, list[IndicatorValue]] = {}
    for row in _effect_rows(decision, user):
        by_year.setdefault(row.year, []).append(row)
    if any(len(rows) > 1 for rows in by_year.values()):
        effect.message = (
            "Значений показателя за год несколько (разные предметы или классы): "
            "уточните в решении предмет и класс."
        )
        return effect
    effect.before = next(iter(by_year.get(decision.year, [])), None)
    effect.after = next(iter(by_year.get(decision.year + 1, [])), None)
    if effect.before is None:
        effect.message = (
            f"Значения показателя за {decision.year} год (год решения) нет среди рассчитанных."
        )
    elif effect.after is None:
        effect.message = (
            f"Значения за {decision.year + 1} год ещё нет: эффект можно будет оценить, когда "
            "будут загружены и рассчитаны результаты следующего года."
        )
    places = indicator.places
    effect.change = dynamics.change(
        formatting.rounded(effect.before.value, places) if effect.before else None,
        formatting.rounded(effect.after.value, places) if effect.after else None,
        higher_is_better=indicator.higher_is_better,
        fail_share=indicator.code.endswith(".fail_share"),
        thresholds=thresholds(),
    )
    if effect.before is not None or effect.after is not None:
        effect.chart = charts.BarChart(
            title=f"{indicator.name}: до и после решения",
            categories=(
                f"{decision.year} (год решения)",
                f"{decision.year + 1} (следующий год)",
            ),
            series=(
                charts.Series(
                    effect.where,
                    (
                        effect.before.value if effect.before else None,
                        effect.after.value if effect.after else None,
                    ),
                ),
            ),
            unit=indicator.unit if indicator.unit == "%" else "",
            places=places,
            description="Значение показателя в год решения и в следующем году.",
            width=420,
            height=240,
        )
    return effect


# ------------------------------------------------------------------ self-assessment picker


@dataclass(frozen=True)
class PickItem:
    """One thing the picker offers or shows as chosen: its id, its name and a second line."""

    pk: int
    label: str
    detail: str = ""


PICK_KINDS = ("tasks", "recommendations", "decisions")


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _task_item(task: Task) -> PickItem:
    section = task.section
    direction = section.direction.title if section.direction is not None else section.title
    return PickItem(
        task.pk,
        f"{task.number}. {_short(task.title, 120)}",
        f"{_short(direction, 90)} · {_short(task.roadmap.title, 60)}",
    )


def _recommendation_item(recommendation: Recommendation) -> PickItem:
    return PickItem(
        recommendation.pk,
        f"№ {recommendation.number or recommendation.pk}: {_short(recommendation.text, 110)}",
        f"{recommendation.addressee} · {recommendation.year} · "
        f"{recommendation.get_status_display()}",
    )


def _decision_item(decision: Decision) -> PickItem:
    return PickItem(
        decision.pk,
        f"№ {decision.act_number} от {decision.act_date:%d.%m.%Y}: {_short(decision.title, 110)}",
        str(decision.school) if decision.school_id else f"{decision.year} год",
    )


def pick_queryset(kind: str, user: User, assessment: CycleAssessment) -> QuerySet[Any]:
    """What one picker of a self-assessment may choose from: the user's and the
    assessment's municipality's (department-wide road maps are shared, as everywhere)."""
    municipality = assessment.municipality_id
    if kind == "tasks":
        tasks = Task.objects.for_user(user).select_related(
            "roadmap", "section", "section__direction"
        )
        if municipality:
            tasks = tasks.filter(
                Q(roadmap__municipality=municipality) | Q(roadmap__municipality__isnull=True)
            )
        return tasks.order_by("roadmap__title", "sort_key")
    if kind == "recommendations":
        recommendations = Recommendation.objects.for_user(user).select_related("school")
        if municipality:
            recommendations = recommendations.filter(municipality=municipality)
        return recommendations.order_by("-year", "-pk")
    if kind == "decisions":
        decisions = Decision.objects.for_user(user).select_related("school")
        if municipality:
            decisions = decisions.filter(municipality=municipality)
        return decisions.order_by("-act_date", "-pk")
    raise ValueError(kind)


SEARCH_FIELDS = {
    "tasks": ("number", "title", "roadmap__title", "section__title", "section__direction__title"),
    "recommendations": ("number", "text", "school__short_name", "basis_text", "basis_code"),
    "decisions": ("act_number", "title", "text", "school__short_name"),
}


def pick_item(kind: str, row: Any) -> PickItem:
    if kind == "tasks":
        return _task_item(row)
    if kind == "recommendations":
        return _recommendation_item(row)
    return _decision_item(row)


def pick_search(
    kind: str, user: User, assessment: CycleAssessment, term: str, *, exclude: list[int]
) -> list[PickItem]:
    """Up to PICK_LIMIT matches of `term` (every word somewhere in the item's text)."""
    term = " ".join(term.split())
    if not term:
        return []
    rows = pick_queryset(kind, user, assessment)
    rows = rows.filter(search_q(SEARCH_FIELDS[kind], term, rows.model)).exclude(pk__in=exclude)
    return [pick_item(kind, row) for row in rows[:PICK_LIMIT]]


def pick_chosen(
    kind: str, user: User, assessment: CycleAssessment, ids: list[int]
) -> dict[int, PickItem]:
    """The chosen items of every element at once (one query per kind), by id."""
    if not ids:
        return {}
    rows = pick_queryset(kind, user, assessment).filter(pk__in=ids)
    return {row.pk: pick_item(kind, row) for row in rows}

"""Reads of the road-map app shared by views, exports and tasks; all already restricted."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from msoko.history import HistoryEntry, history_entries
from msoko.models import User
from roadmaps.choices import CLOSED_STATUSES, CycleElement, OccurrenceStatus, RoadmapStatus
from roadmaps.models import (
    MAX_TOTAL,
    CycleAssessment,
    Direction,
    Occurrence,
    Roadmap,
    Section,
    Task,
    TaskComment,
    level_for,
)


def roadmaps_for(user: User) -> QuerySet[Roadmap]:
    return Roadmap.objects.for_user(user).select_related("owner", "municipality")


def occurrences_for(user: User) -> QuerySet[Occurrence]:
    """Occurrences the user may see, with what the lists and the calendar show."""
    return Occurrence.objects.for_user(user).select_related(
        "task", "task__roadmap", "task__section", "task__section__direction", "school"
    )


@dataclass
class Progress:
    """Done / total / overdue of a set of occurrences (cancelled ones are left out of total)."""

    total: int = 0
    done: int = 0
    overdue: int = 0
    in_progress: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_of(occurrences: QuerySet[Occurrence], today: datetime.date | None = None) -> Progress:
    today = today or timezone.localdate()
    data = occurrences.exclude(status=OccurrenceStatus.CANCELLED).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=OccurrenceStatus.DONE)),
        in_progress=Count("pk", filter=Q(status=OccurrenceStatus.IN_PROGRESS)),
        overdue=Count("pk", filter=Q(due__lt=today) & ~Q(status__in=CLOSED_STATUSES)),
    )
    return Progress(**data)


@dataclass
class TaskRow:
    task: Task
    progress: Progress
    occurrences: list[Occurrence] = field(default_factory=list)


@dataclass
class SectionBlock:
    section: Section
    progress: Progress
    rows: list[TaskRow]


def roadmap_tree(roadmap: Roadmap, user: User) -> list[SectionBlock]:
    """The road map as sections (directions) of numbered tasks, with progress per section.

    A director sees only the tasks where his school is responsible, and the progress of
    his school's occurrences.
    """
    today = timezone.localdate()
    tasks = list(
        Task.objects.for_user(user)
        .filter(roadmap=roadmap)
        .select_related("section")
        .order_by("section__order", "sort_key")
    )
    occurrences = list(
        Occurrence.objects.for_user(user)
        .filter(task__roadmap=roadmap)
        .select_related("school")
        .order_by("due", "school__short_name")
    )
    by_task: dict[int, list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences:
        by_task[occurrence.task_id].append(occurrence)
    blocks = []
    for section in roadmap.sections.select_related("direction").order_by("order"):
        rows = []
        section_items: list[Occurrence] = []
        for task in (t for t in tasks if t.section_id == section.pk):
            items = by_task.get(task.pk, [])
            section_items += items
            rows.append(TaskRow(task, _progress(items, today), items))
        if rows:
            blocks.append(SectionBlock(section, _progress(section_items, today), rows))
    return blocks


def _progress(items: list[Occurrence], today: datetime.date) -> Progress:
    counted = [o for o in items if o.status != OccurrenceStatus.CANCELLED]
    return Progress(
        total=len(counted),
        done=sum(o.status == OccurrenceStatus.DONE for o in counted),
        overdue=sum(o.overdue_on(today) for o in counted),
        in_progress=sum(o.status == OccurrenceStatus.IN_PROGRESS for o in counted),
    )


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    items: list[Occurrence]


def calendar_month(user: User, year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of a month with the occurrences due each day."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    items: dict[datetime.date, list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences_for(user).filter(due__range=(first, last)):
        items[occurrence.due].append(occurrence)
    return [
        [CalendarDay(day, day.month == month, items.get(day, [])) for day in week] for week in weeks
    ]


@dataclass
class TimelineRow:
    task: Task
    cells: list[list[Occurrence]]


def roadmap_timeline(roadmap: Roadmap, user: User) -> tuple[list[datetime.date], list[TimelineRow]]:
    """Tasks × months of the road map's period; each cell holds the occurrences due then."""
    months = [
        datetime.date(year, month, 1)
        for year in range(roadmap.start_year, roadmap.end_year + 2)
        for month in range(1, 13)
    ]
    index = {(m.year, m.month): i for i, m in enumerate(months)}
    by_task: dict[int, list[list[Occurrence]]] = {}
    for occurrence in Occurrence.objects.for_user(user).filter(task__roadmap=roadmap):
        cells = by_task.setdefault(occurrence.task_id, [[] for _ in months])
        position = index.get((occurrence.due.year, occurrence.due.month))
        if position is not None:
            cells[position].append(occurrence)
    # The year after the period shows only when something is due then (reports on the last year).
    if not any(
        cells[i] for cells in by_task.values() for i in range(len(months) - 12, len(months))
    ):
        months = months[:-12]
    rows = [
        TimelineRow(task, by_task[task.pk][: len(months)])
        for task in Task.objects.for_user(user)
        .filter(roadmap=roadmap, pk__in=by_task.keys())
        .order_by("section__order", "sort_key")
    ]
    return months, rows


def task_history(task: Task, user: User, limit: int = 100) -> list[HistoryEntry]:
    """Changes of the task card and of its occurrences the user may see, newest first."""
    records = task.history.select_related("history_user").order_by("-history_date")[:limit]
    visible = Occurrence.objects.for_user(user).filter(task=task).values("pk")
    occurrence_records = (
        Occurrence.history.filter(task_id=task.pk, id__in=visible)
        .select_related("history_user", "school")
        .order_by("-history_date")[:limit]
    )
    entries = history_entries(records, lambda r: "Карточка задачи", Task)
    entries += history_entries(
        occurrence_records,
        lambda r: f"Исполнение: {r.label}" + (f", {r.school}" if r.school_id else ""),
        Occurrence,
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def occurrence_history(occurrence: Occurrence, limit: int = 50) -> list[HistoryEntry]:
    records = occurrence.history.select_related("history_user").order_by("-history_date")[:limit]
    return history_entries(records, lambda r: "Исполнение", Occurrence)


def comments_for(task: Task, user: User) -> QuerySet[TaskComment]:
    return TaskComment.objects.for_user(user).filter(task=task).select_related("author", "school")


@dataclass
class CycleRow:
    direction: Direction
    assessment: CycleAssessment | None
    scores: dict[str, int]
    total: int
    level: str


def cycle_summary(user: User, year: int) -> list[CycleRow]:
    """Per direction: the nine scores of the year, the total and the level."""
    assessments = {
        a.direction_id: a
        for a in CycleAssessment.objects.for_user(user).filter(year=year).prefetch_related("scores")
    }
    rows = []
    for direction in Direction.objects.all():
        assessment = assessments.get(direction.pk)
        scores = {s.element: s.score for s in assessment.scores.all()} if assessment else {}
        total = sum(scores.values())
        rows.append(
            CycleRow(direction, assessment, scores, total, level_for(total) if assessment else "")
        )
    return rows


CYCLE_ELEMENTS = CycleElement.choices
CYCLE_MAX = MAX_TOTAL


def task_status_summary(task: Task, items: list[Occurrence], today: datetime.date) -> str:
    """«выполнено 2 из 4, просрочено 1» for the XLSX export and the PDF."""
    counted = [o for o in items if o.status != OccurrenceStatus.CANCELLED]
    if not items:
        return "нет сроков" if task.needs_review else "—"
    if not counted:
        return "отменено"
    done = sum(o.status == OccurrenceStatus.DONE for o in counted)
    overdue = sum(o.overdue_on(today) for o in counted)
    text = "выполнено" if done == len(counted) else f"выполнено {done} из {len(counted)}"
    if overdue:
        text += f", просрочено {overdue}"
    return text


def active_roadmap_ids(user: User) -> Any:
    return roadmaps_for(user).values_list("pk", flat=True)


def home_summary(user: User, today: datetime.date | None = None) -> dict[str, Any]:
    """What the home page says about road-map tasks: overdue, and due within 30 days."""
    today = today or timezone.localdate()
    mine = occurrences_for(user).filter(task__roadmap__status=RoadmapStatus.APPROVED)
    mine = mine.exclude(status__in=CLOSED_STATUSES)
    return mine.aggregate(
        overdue=Count("pk", filter=Q(due__lt=today)),
        soon=Count("pk", filter=Q(due__gte=today, due__lte=today + datetime.timedelta(days=30))),
    )

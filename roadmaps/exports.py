"""Exports of a road map: XLSX / CSV in the official layout, the ICS feed, the PDF.

Each export is a class with ``render() -> (filename, content_type, bytes)`` (STYLE §11);
the PDF is rendered only inside a Celery task (roadmaps/tasks.py), never in a request.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from msoko import formatting
from msoko.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes
from msoko.models import User
from roadmaps.choices import OccurrenceStatus
from roadmaps.models import Evidence, Occurrence, Roadmap, Task
from roadmaps.selectors import occurrences_for, task_status_summary

OFFICIAL_HEADER = (
    "№ п/п",
    "Мероприятие",
    "Сроки",
    "Ответственные",
    "Индикативные показатели",
    "Статус",
    "Отметка о выполнении",
)
PDF_TYPE = "application/pdf"
ICS_TYPE = "text/calendar; charset=utf-8"


def _filename(roadmap: Roadmap, extension: str) -> str:
    stem = slugify(f"dorozhnaya-karta-{roadmap.pk}", allow_unicode=False)
    return f"{stem}.{extension}"


def responsible_text(task: Task) -> str:
    parts = list(task.units)
    parts += [user.get_full_name() or user.username for user in task.responsible_users.all()]
    parts += [school.short_name for school in task.responsible_schools.all()]
    return "\n".join(parts)


def _number(value: Any) -> str:
    return formatting.trimmed(value, 2)


def completion_text(items: list[Occurrence], evidence: dict[int, list[Evidence]]) -> str:
    """«2021 год, СОШ № 1: выполнено 12.03.2022; значение 6; Отчёт.pdf» — one line per period."""
    lines = []
    for occurrence in items:
        parts = []
        if occurrence.status == OccurrenceStatus.DONE and occurrence.completed_at:
            parts.append(f"выполнено {timezone.localtime(occurrence.completed_at):%d.%m.%Y}")
        elif occurrence.status == OccurrenceStatus.CANCELLED:
            parts.append("отменено")
        if occurrence.achieved_value is not None:
            parts.append(f"значение {_number(occurrence.achieved_value)}")
        if occurrence.comment:
            parts.append(" ".join(occurrence.comment.split()))
        parts += [e.original_name or e.link for e in evidence.get(occurrence.pk, [])]
        if parts:
            school = f", {occurrence.school.short_name}" if occurrence.school else ""
            lines.append(f"{occurrence.label}{school}: " + "; ".join(parts))
    return "\n".join(lines)


class RoadmapTableExport:
    """The road map in the official layout (№ п/п | Мероприятие | Сроки | … | Отметка о
    выполнении), with a row per section; what the user may see only."""

    def __init__(self, roadmap: Roadmap, user: User) -> None:
        self.roadmap = roadmap
        self.user = user

    def rows(self) -> Iterator[list[Any]]:
        today = timezone.localdate()
        tasks = (
            Task.objects.for_user(self.user)
            .filter(roadmap=self.roadmap)
            .select_related("section", "section__direction")
            .prefetch_related("responsible_users", "responsible_schools")
            .order_by("section__order", "sort_key")
        )
        items: dict[int, list[Occurrence]] = defaultdict(list)
        occurrences = (
            Occurrence.objects.for_user(self.user)
            .filter(task__roadmap=self.roadmap)
            .select_related("school")
            .order_by("due", "school__short_name")
        )
        for occurrence in occurrences:
            items[occurrence.task_id].append(occurrence)
        evidence: dict[int, list[Evidence]] = defaultdict(list)
        for item in Evidence.objects.for_user(self.user).filter(
            occurrence__task__roadmap=self.roadmap
        ):
            evidence[item.occurrence_id].append(item)
        section_id = None
        for task in tasks:
            if task.section_id != section_id:
                section_id = task.section_id
                yield ["", task.section.title, "", "", "", "", ""]
            task_items = items.get(task.pk, [])
            yield [
                task.number,
                task.title,
                task.deadline_text,
                responsible_text(task),
                task.indicator_display or task.expected_result,
                task_status_summary(task, task_items, today),
                completion_text(task_items, evidence),
            ]

    def render(self, kind: str = "xlsx") -> tuple[str, str, bytes]:
        if kind == "csv":
            return _filename(self.roadmap, "csv"), CSV_TYPE, csv_bytes(OFFICIAL_HEADER, self.rows())
        content = xlsx_bytes([("Дорожная карта", OFFICIAL_HEADER, self.rows())])
        return _filename(self.roadmap, "xlsx"), XLSX_TYPE, content


def my_occurrences(user: User) -> Any:
    """«Мои задачи»: a director's school's occurrences; for department staff the tasks
    where they are named responsible or whose road map they own."""
    queryset = occurrences_for(user)
    if user.is_director:
        return queryset
    return queryset.filter(
        Q(task__responsible_users=user) | Q(task__roadmap__owner=user)
    ).distinct()


class CalendarExport:
    """The ICS feed of a user's occurrences: all-day events on the due dates."""

    def __init__(self, user: User, base_url: str = "") -> None:
        self.user = user
        self.base_url = base_url.rstrip("/")

    def render(self) -> tuple[str, str, bytes]:
        from icalendar import Calendar, Event

        cal = Calendar()
        cal.add("prodid", f"-//{settings.SITE_NAME}//Дорожные карты//RU")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"{settings.SITE_NAME}: мои задачи")
        stamp = timezone.now()
        for occurrence in my_occurrences(self.user).order_by("due")[:5000]:
            task = occurrence.task
            event = Event()
            event.add("uid", f"roadmap-occurrence-{occurrence.pk}@msoko")
            event.add("dtstamp", stamp)
            event.add("dtstart", occurrence.starts or occurrence.due)
            event.add("dtend", occurrence.due + datetime.timedelta(days=1))
            title = " ".join(task.title.split())
            prefix = "✓ " if occurrence.status == OccurrenceStatus.DONE else ""
            event.add("summary", f"{prefix}{task.number}. {title[:150]}")
            school = f"\nОО: {occurrence.school}" if occurrence.school_id else ""
            event.add(
                "description",
                f"{task.roadmap.title}\nПериод: {occurrence.label}{school}\n"
                f"Статус: {occurrence.display_status}",
            )
            url = reverse("roadmaps:occurrence_detail", args=[occurrence.pk])
            event.add("url", f"{self.base_url}{url}")
            if occurrence.status == OccurrenceStatus.CANCELLED:
                event.add("status", "CANCELLED")
            cal.add_component(event)
        return "msoko.ics", ICS_TYPE, cal.to_ical()


class RoadmapPdfExport:
    """The road map for approval: A4 landscape, Russian, a repeating table header, page numbers."""

    def __init__(self, roadmap: Roadmap, user: User | None) -> None:
        self.roadmap = roadmap
        self.user = user
        self.pages = 0

    def html(self) -> str:
        tasks = (
            Task.objects.filter(roadmap=self.roadmap)
            .select_related("section")
            .prefetch_related("responsible_users", "responsible_schools")
            .order_by("section__order", "sort_key")
        )
        sections: list[dict[str, Any]] = []
        for task in tasks:
            if not sections or sections[-1]["section"].pk != task.section_id:
                sections.append({"section": task.section, "rows": []})
            sections[-1]["rows"].append(
                {
                    "task": task,
                    "responsible": responsible_text(task),
                    "indicator": task.indicator_display,
                }
            )
        return render_to_string(
            "roadmaps/pdf.html",
            {"roadmap": self.roadmap, "sections": sections, "today": timezone.localdate()},
        )

    def render(self) -> tuple[str, str, bytes]:
        from weasyprint import HTML

        document = HTML(string=self.html(), base_url=str(settings.BASE_DIR)).render()
        self.pages = len(document.pages)
        return _filename(self.roadmap, "pdf"), PDF_TYPE, document.write_pdf()

"""Tables of the road-map lists; the same table drives the page and its XLSX / CSV export."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html

from roadmaps.models import Occurrence, Roadmap


class RoadmapTable(tables.Table):
    title = tables.Column("Дорожная карта", linkify=True)
    act = tables.Column("Утверждена", accessor="act", orderable=False)
    period = tables.Column("Период", order_by=("start_year", "end_year"))
    status = tables.Column("Состояние")
    task_count = tables.Column("Задач", attrs={"td": {"class": "num"}})
    overdue_count = tables.Column("Просрочено", attrs={"td": {"class": "num"}})

    class Meta:
        model = Roadmap
        fields = ("title", "act", "period", "status", "task_count", "overdue_count")
        order_by = ("-period",)
        empty_text = "Дорожных карт пока нет. Создайте карту или загрузите её из файла."

    def render_overdue_count(self, value: Any) -> Any:
        if value:
            return format_html('<span class="badge text-bg-danger">{}</span>', value)
        return "0"

    def value_overdue_count(self, value: Any) -> Any:
        return value or 0


class OccurrenceTable(tables.Table):
    number = tables.Column("№", accessor="task__number", order_by=("task__sort_key",))
    task = tables.Column(
        "Мероприятие",
        accessor="task__title",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("task__sort_key",),
    )
    roadmap = tables.Column("Дорожная карта", accessor="task__roadmap__title")
    direction = tables.Column("Направление", accessor="task__section__direction__code", default="—")
    label = tables.Column("Период")
    school = tables.Column("ОО", accessor="school__short_name", default="отдел")
    due = tables.DateColumn(format="d.m.Y", verbose_name="Срок")
    status = tables.Column("Статус")
    achieved_value = tables.Column("Значение", default="", attrs={"td": {"class": "num"}})

    class Meta:
        model = Occurrence
        fields = (
            "number",
            "task",
            "roadmap",
            "direction",
            "label",
            "school",
            "due",
            "status",
            "achieved_value",
        )
        order_by = ("due",)
        empty_text = "Задач с такими условиями нет."

    def render_task(self, value: str) -> str:
        text = " ".join(value.split())
        return text if len(text) < 140 else text[:137] + "…"

    def render_roadmap(self, value: str) -> str:
        return value if len(value) < 60 else value[:57] + "…"

    def render_status(self, record: Occurrence) -> Any:
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', record.status_css, record.display_status
        )

    def value_status(self, record: Occurrence) -> str:
        return record.display_status

    def value_task(self, value: str) -> str:
        return value

    def value_roadmap(self, value: str) -> str:
        return value

"""Tables of the «500+» pages; the same table drives the page and its XLSX / CSV export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.html import format_html

from msoko import formatting
from msoko.tables import DecimalColumn, num
from roadmaps.selectors_risks import Progress


class ProgrammeOverviewTable(tables.Table):
    """«Проект 500+»: a row per school with a risk profile or a programme in the year."""

    school_name = tables.Column(
        "ОО", linkify=lambda record: record.profile_url, order_by=("school_name",)
    )
    risks_selected = tables.Column("Рисков выбрано", **num())
    risk_titles = tables.Column("Выбранные риски", orderable=False)
    has_programme = tables.Column("Программа", order_by=("programme_id",))
    measures = tables.Column("Мероприятий", **num())
    done = tables.Column("Выполнено", **num())
    total = tables.Column("Сроков исполнения", **num())
    percent = DecimalColumn("Выполнено, %", order_by=("percent_sort",))
    overdue = tables.Column("Просрочено", **num())
    curator_name = tables.Column("Куратор", default="не назначен")

    class Meta:
        order_by = ("school_name",)
        empty_text = (
            "За этот год нет ни риск-профилей, ни антирисковых программ. Загрузите результаты "
            "анкетирования или заполните риск-профиль школы."
        )
        attrs = {"class": "table table-sm align-top", "id": "programme-overview"}

    def render_risk_titles(self, value: list[str]) -> str:
        return "; ".join(value) if value else "—"

    def value_risk_titles(self, value: list[str]) -> str:
        return "; ".join(value)

    def render_has_programme(self, record: Progress) -> Any:
        if not record.has_programme:
            return "нет"
        return format_html('<a href="{}">открыть</a>', record.roadmap_url)

    def value_has_programme(self, record: Progress) -> str:
        return "есть" if record.has_programme else "нет"

    def render_measures(self, value: int) -> str:
        return formatting.integer(value)

    def render_done(self, value: int) -> str:
        return formatting.integer(value)

    def render_total(self, value: int) -> str:
        return formatting.integer(value)

    def render_overdue(self, value: int) -> Any:
        if value:
            return format_html(
                '<span class="badge text-bg-danger">{}</span>', formatting.integer(value)
            )
        return "0"

    def value_percent(self, value: Decimal | None) -> Decimal | None:
        return formatting.rounded(value, 1)

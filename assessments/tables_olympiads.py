"""Tables of the ВсОШ pages: by subject and by school (sortable), from the stored values."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from assessments.tables import CountColumn, FigureColumn
from msoko import formatting

NO_PASSPORT_TITLE = "Нет социального паспорта ОО за этот год: показатели на 100 не рассчитаны"


class _CountColumn(CountColumn):
    def render(self, value: Any) -> str:
        return formatting.integer(value)

    def value(self, value: Any, **kwargs: Any) -> Any:
        return value  # the number itself in an export, not «1 234»


class _Per100Table(tables.Table):
    participants = _CountColumn("Участий", accessor="figures__participants")
    winners = _CountColumn("Победителей", accessor="figures__winners")
    prizewinners = _CountColumn("Призёров", accessor="figures__prizewinners")
    participants_per_100 = FigureColumn("Участий на 100", accessor="figures__participants_per_100")
    winners_per_100 = FigureColumn("Победителей на 100", accessor="figures__winners_per_100")
    prizewinners_per_100 = FigureColumn("Призёров на 100", accessor="figures__prizewinners_per_100")
    awarded_per_100 = FigureColumn(
        "Победителей и призёров на 100", accessor="figures__awarded_per_100"
    )


class OlympiadSubjectTable(_Per100Table):
    """The municipality's figures of one stage by subject."""

    subject = tables.Column("Предмет", accessor="subject__name", order_by=("subject__order",))

    class Meta:
        sequence = ("subject", "...")
        orderable = False
        empty_text = "Нет данных по предметам."
        attrs = {"class": "table table-sm table-striped align-middle"}


class OlympiadSchoolTable(_Per100Table):
    """Each school's figures of one stage over all subjects; n is the participations."""

    school = tables.Column("ОО", accessor="school__short_name")
    n = _CountColumn("n", accessor="figures__n")

    class Meta:
        sequence = ("school", "n", "...")
        exclude = ("participants",)  # shown as n
        order_by = ("-awarded_per_100",)
        empty_text = "Нет данных по организациям."
        attrs = {"class": "table table-sm table-striped align-middle"}
        prefix = "s-"

    def render_school(self, value: str, record: Any) -> Any:
        url = reverse("assessments:olympiad_school", args=[record.school.pk])
        if record.figures.no_passport:
            return format_html(
                '<a href="{}">{}</a> <span class="badge text-bg-secondary" title="{}">'
                "нет паспорта</span>",
                url,
                value,
                NO_PASSPORT_TITLE,
            )
        return format_html('<a href="{}">{}</a>', url, value)

    def value_school(self, value: str) -> str:
        return value

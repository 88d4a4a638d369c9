"""Tables of data collections; the same table drives the page and its XLSX / CSV export."""

from __future__ import annotations

import django_tables2 as tables

from msoko.tables import num
from roadmaps.models import Collection


class CollectionTable(tables.Table):
    """A row per collection with the tracker's counts (annotated by the selector)."""

    title = tables.Column("Сбор", linkify=True)
    year = tables.Column("Год", **num())
    deadline = tables.DateColumn(format="d.m.Y", verbose_name="Срок сдачи")
    schools = tables.Column("ОО", **num())
    submitted = tables.Column("Сдали", **num())
    returned = tables.Column("На доработке", **num())
    missing = tables.Column("Не сдали", **num())
    status = tables.Column("Статус")

    class Meta:
        model = Collection
        fields = (
            "title",
            "year",
            "deadline",
            "schools",
            "submitted",
            "returned",
            "missing",
            "status",
        )
        order_by = ("-year", "deadline")
        empty_text = "Сборов данных пока нет. Специалист управления открывает сбор: набор показателей, год, ОО и срок."

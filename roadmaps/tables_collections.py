"""Tables of data collections; the same table drives the page and its XLSX / CSV export."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables

from roadmaps.models import Collection


def _num(**kwargs: Any) -> dict[str, Any]:
    return {"attrs": {"td": {"class": "num"}, "th": {"class": "num"}}, **kwargs}


class CollectionTable(tables.Table):
    """A row per collection with the tracker's counts (annotated by the selector)."""

    title = tables.Column("Сбор", linkify=True)
    year = tables.Column("Год", **_num())
    deadline = tables.DateColumn(format="d.m.Y", verbose_name="Срок сдачи")
    schools = tables.Column("ОО", **_num())
    submitted = tables.Column("Сдали", **_num())
    returned = tables.Column("На доработке", **_num())
    missing = tables.Column("Не сдали", **_num())
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

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html

from msoko.tables import BooleanMarkColumn, DecimalColumn
from schools.models import School, SocialPassport


class SchoolTable(tables.Table):
    short_name = tables.Column("Организация", linkify=True)
    login = tables.Column("Логин ФИС ОКО")
    org_type = tables.Column("Тип")
    locality = tables.Column("Местность")
    municipality = tables.Column(
        "Муниципалитет", accessor="municipality__short_name", order_by="municipality__name"
    )
    latest_pupils = tables.Column("Обучающихся", attrs={"td": {"class": "text-end"}})
    latest_index = DecimalColumn("ИСБШ")
    latest_shnsu = BooleanMarkColumn(verbose_name="ШНСУ", null=True)
    is_active = BooleanMarkColumn(verbose_name="Действует")

    class Meta:
        model = School
        fields = (
            "short_name",
            "login",
            "org_type",
            "locality",
            "municipality",
            "latest_pupils",
            "latest_index",
            "latest_shnsu",
            "is_active",
        )
        order_by = ("short_name",)
        empty_text = "Организации не найдены. Измените условия поиска."

    def render_latest_shnsu(self, value: Any) -> str:
        return format_html('<span class="badge text-bg-warning">ШНСУ</span>') if value else ""


class PassportTable(tables.Table):
    school = tables.Column("Организация", linkify=lambda record: record.school.get_absolute_url())
    year = tables.Column("Год")
    pupils_total = tables.Column("Обучающихся")
    share_low_income = tables.Column("Малоимущие, %")
    share_parents_no_higher = tables.Column("Родители без ВО, %")
    wellbeing_index = DecimalColumn("ИСБШ")
    is_shnsu = BooleanMarkColumn(verbose_name="ШНСУ")

    class Meta:
        model = SocialPassport
        fields = (
            "school",
            "year",
            "pupils_total",
            "share_low_income",
            "share_parents_no_higher",
            "wellbeing_index",
            "is_shnsu",
        )
        order_by = ("school", "-year")
        empty_text = "Паспортов пока нет."

"""The table of the upload history; it also drives the XLSX / CSV export."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse

from assessments.models import ResultUpload
from assessments.parsing import FORMAT_LABELS


class ResultUploadTable(tables.Table):
    created_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name="Загружен")
    filename = tables.Column(
        "Файл", linkify=lambda record: reverse("assessments:upload_detail", args=[record.pk])
    )
    uploaded_by = tables.Column("Кто", order_by=("uploaded_by__last_name",))
    sha256 = tables.Column("SHA-256", orderable=False)
    format = tables.Column("Формат")
    campaign = tables.Column("Кампания", order_by=("campaign__year", "campaign__grade"))
    school = tables.Column("ОО", order_by=("school__short_name",))
    rows = tables.Column("Строк", attrs={"td": {"class": "text-end"}})
    status = tables.Column("Состояние")

    class Meta:
        model = ResultUpload
        fields = (
            "created_at",
            "filename",
            "uploaded_by",
            "sha256",
            "format",
            "campaign",
            "school",
            "rows",
            "status",
        )
        order_by = ("-created_at",)
        empty_text = "Загрузок пока не было."

    def render_uploaded_by(self, value: Any) -> str:
        return value.get_full_name() or value.username

    def value_uploaded_by(self, value: Any) -> str:
        return self.render_uploaded_by(value)

    def render_sha256(self, value: str) -> str:
        return value[:12]

    def value_sha256(self, value: str) -> str:
        return value

    def render_format(self, value: str) -> str:
        return FORMAT_LABELS.get(value, "не определён")

    def value_format(self, value: str) -> str:
        return self.render_format(value)

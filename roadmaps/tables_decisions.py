"""Tables of the register of recommendations and of decisions; the same table drives the
page and its XLSX / CSV export, so a column is declared once."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from roadmaps.models import Decision, Recommendation, RecommendationStatus
from roadmaps.selectors_decisions import is_overdue

STATUS_CSS = {
    RecommendationStatus.OPEN: "primary",
    RecommendationStatus.ANSWERED: "warning",
    RecommendationStatus.ACCEPTED: "success",
    RecommendationStatus.REJECTED: "danger",
}


def _short(value: str, limit: int) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RecommendationTable(tables.Table):
    number = tables.Column("№", linkify=True, order_by=("number", "pk"))
    year = tables.Column("Год", attrs={"td": {"class": "num"}})
    addressee = tables.Column(
        "Адресат", accessor="addressee", order_by=("school__short_name", "group")
    )
    text = tables.Column("Рекомендация")
    basis = tables.Column("Основание", accessor="basis_kind", order_by=("basis_kind", "basis_code"))
    due_date = tables.DateColumn(format="d.m.Y", verbose_name="Срок", default="—")
    status = tables.Column("Состояние")
    responded_at = tables.DateTimeColumn(format="d.m.Y", verbose_name="Ответ", default="—")

    class Meta:
        model = Recommendation
        fields = (
            "number",
            "year",
            "addressee",
            "text",
            "basis",
            "due_date",
            "status",
            "responded_at",
        )
        order_by = ("-year", "-number")
        empty_text = (
            "Рекомендаций с такими условиями нет. Рекомендацию можно дать по маркеру "
            "необъективности, значению показателя или критерию отбора."
        )

    def render_number(self, record: Recommendation) -> str:
        return record.number or str(record.pk)

    def render_text(self, value: str) -> str:
        return _short(value, 140)

    def value_text(self, value: str) -> str:
        return value

    def render_basis(self, record: Recommendation) -> Any:
        detail = " ".join(p for p in (record.basis_code, str(record.basis_year or "")) if p)
        if record.basis_value:
            detail = f"{detail}: {record.basis_value}" if detail else record.basis_value
        if not detail:
            return record.get_basis_kind_display()
        return format_html(
            '{}<br><span class="small text-secondary">{}</span>',
            record.get_basis_kind_display(),
            _short(detail, 80),
        )

    def value_basis(self, record: Recommendation) -> str:
        parts = [record.get_basis_kind_display(), record.basis_code, str(record.basis_year or "")]
        text = " ".join(p for p in parts if p)
        return f"{text}: {record.basis_value}" if record.basis_value else text

    def render_status(self, record: Recommendation) -> Any:
        badge = format_html(
            '<span class="badge text-bg-{}">{}</span>',
            STATUS_CSS.get(RecommendationStatus(record.status), "secondary"),
            record.get_status_display(),
        )
        if is_overdue(record, timezone.localdate()):
            return format_html('{} <span class="badge text-bg-danger">просрочена</span>', badge)
        return badge

    def value_status(self, record: Recommendation) -> str:
        overdue = ", просрочена" if is_overdue(record) else ""
        return f"{record.get_status_display()}{overdue}"


class DecisionTable(tables.Table):
    act = tables.Column("Акт", accessor="act_date", order_by=("act_date", "act_number"))
    title = tables.Column("Решение", linkify=True)
    year = tables.Column("Год", attrs={"td": {"class": "num"}})
    school = tables.Column("ОО", accessor="school__short_name", default="муниципалитет")
    indicator_code = tables.Column("Показатель эффекта", default="—")
    task_count = tables.Column("Мер", attrs={"td": {"class": "num"}})

    class Meta:
        model = Decision
        fields = ("act", "title", "year", "school", "indicator_code", "task_count")
        order_by = ("-act",)
        empty_text = "Управленческих решений с такими условиями нет."

    def render_act(self, record: Decision) -> str:
        return f"№ {record.act_number} от {record.act_date:%d.%m.%Y}"

    def value_act(self, record: Decision) -> str:
        return self.render_act(record)

    def render_title(self, value: str) -> str:
        return _short(value, 140)

    def value_title(self, value: str) -> str:
        return value

    def render_indicator_code(self, value: str) -> str:
        from assessments import catalogue

        indicator = catalogue.CATALOGUE.get(value)
        return indicator.name if indicator else value

    def value_indicator_code(self, value: str) -> str:
        return self.render_indicator_code(value)

    def value_task_count(self, value: Any) -> Any:
        return value or 0

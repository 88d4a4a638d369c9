"""Tables of the objectivity markers' pages; each also drives its XLSX / CSV export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.html import format_html

from assessments import objectivity
from assessments.models import ObjectivityMarker
from assessments.selectors_objectivity import RepeatRow, explain, procedure_label
from msoko import formatting

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
ATTRS = {"class": "table table-sm table-striped align-middle"}


def marker_places(code: str) -> int:
    """Decimal places a marker's value is shown with: a ratio to hundredths, points to tenths."""
    return 2 if code == "score_peaks" else 1


class _MarkerNumberColumn(tables.Column):
    """A marker's value or threshold: «12,3» on the page, 12.3 in the export; a federal list
    entry has none to show («—»)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value: Any, record: ObjectivityMarker) -> str:
        if record.code == "federal_list":
            return formatting.DASH
        return formatting.number(value, marker_places(record.code))

    def value(self, value: Any, record: ObjectivityMarker, **kwargs: Any) -> Decimal | None:
        if record.code == "federal_list":
            return None
        return formatting.rounded(value, marker_places(record.code))


class ObjectivityMarkerTable(tables.Table):
    """The raised markers: school, procedure, subject, grade, marker, value, threshold, why."""

    year = tables.Column("Год", attrs=NUM)
    school = tables.Column(
        "ОО", accessor="school__short_name", order_by=("school__short_name", "year")
    )
    # the login is for the exports (a school is found by it); the page shows the name
    login = tables.Column("Логин", accessor="school__login", visible=False)
    procedure = tables.Column("Процедура", order_by=("procedure", "subject__order", "grade"))
    subject = tables.Column("Предмет", accessor="subject__name", order_by=("subject__order",))
    grade = tables.Column("Класс", attrs=NUM, default="—")
    code = tables.Column("Маркер")
    value = _MarkerNumberColumn("Значение")
    threshold = _MarkerNumberColumn("Порог", orderable=False)
    evidence = tables.Column("Основание", accessor="pk", orderable=False)

    class Meta:
        model = ObjectivityMarker
        fields = (
            "year",
            "school",
            "login",
            "procedure",
            "subject",
            "grade",
            "code",
            "value",
            "threshold",
            "evidence",
        )
        order_by = ("school", "procedure")
        empty_text = "Маркеров по условиям поиска нет."
        attrs = ATTRS

    def render_school(self, value: str, record: ObjectivityMarker) -> Any:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_school(self, value: str) -> str:
        return value

    def render_procedure(self, value: str) -> str:
        return procedure_label(value)

    def value_procedure(self, value: str) -> str:
        return procedure_label(value)

    def render_subject(self, value: str) -> str:
        return value or "—"

    def render_code(self, value: str) -> Any:
        return format_html(
            '<span title="{}">{}</span>',
            objectivity.MARKER_NAMES.get(value, value),
            objectivity.MARKER_SHORT.get(value, value),
        )

    def value_code(self, value: str) -> str:
        return objectivity.MARKER_NAMES.get(value, value)

    def render_evidence(self, record: ObjectivityMarker) -> str:
        return explain(record)

    def value_evidence(self, record: ObjectivityMarker) -> str:
        return explain(record)


class RepeatTable(tables.Table):
    """Schools with markers in several years: a column per year with that year's markers."""

    school = tables.Column("ОО", accessor="school__short_name")
    login = tables.Column("Логин", accessor="school__login")
    year_count = tables.Column("Лет с маркерами", attrs=NUM, accessor="year_count")

    class Meta:
        order_by = ("-year_count",)
        empty_text = "ОО с маркерами в двух и более годах нет."
        attrs = ATTRS

    def __init__(self, rows: list[RepeatRow], years: list[int], **kwargs: Any) -> None:
        data = [
            {
                "school": row.school,
                "year_count": len(row.codes),
                **{f"y{year}": row.cell(year) for year in years},
            }
            for row in rows
        ]
        extra = [
            (f"y{year}", tables.Column(str(year), orderable=False, default="—")) for year in years
        ]
        super().__init__(data, extra_columns=extra, **kwargs)

    def value_year_count(self, value: int) -> int:
        return value

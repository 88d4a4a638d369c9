"""The schools table of a direction dashboard: one per school-level collected indicator.

The same table drives the page (sortable by its headers, each table with its own prefix)
and the CSV / XLSX export, so a column is declared once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from msoko import formatting
from reports.selectors_directions import IndicatorBlock, SchoolRow

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
#: Sorts a missing value after every stored one (ascending).
MISSING = Decimal("Infinity")


def _key(value: Decimal | None) -> Decimal:
    return MISSING if value is None else value


class _ShownColumn(tables.Column):
    """A value as the dashboard writes it («12,5 %», «да»); its rounded number (or the word)
    in the export."""

    def __init__(self, *args: Any, places: int = 1, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)
        self.places = places

    def render(self, value: Any, record: dict[str, Any], bound_column: Any) -> str:
        return str(record[f"{bound_column.name}_text"])

    def value(self, value: Any, record: dict[str, Any], bound_column: Any, **kwargs: Any) -> Any:
        if record.get("words"):
            return record[f"{bound_column.name}_text"]
        return formatting.rounded(value, self.places)


class _CountColumn(tables.Column):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value: Any) -> str:
        return formatting.integer(value)

    def value(self, value: Any, **kwargs: Any) -> Any:
        return formatting.rounded(value, 0)


class SchoolValueTable(tables.Table):
    """Each school's value of the year, whether it meets the target, and the year before."""

    school = tables.Column("ОО", order_by=("school",))
    value = _ShownColumn("Значение", order_by=("value_key", "school"))
    numerator = _CountColumn("Числитель", order_by=("numerator_key", "school"))
    denominator = _CountColumn("Знаменатель", order_by=("denominator_key", "school"))
    verdict = tables.Column("Целевое значение", order_by=("verdict_key", "school"))
    previous = _ShownColumn("Прошлый год", order_by=("previous_key", "school"))

    class Meta:
        attrs = {"class": "table table-sm table-striped align-middle w-auto"}
        orderable = True

    def __init__(self, block: IndicatorBlock, **kwargs: Any) -> None:
        words = not block.collect.numeric
        rows = [_record(row, words) for row in block.schools]
        exclude = () if block.collect.derived else ("numerator", "denominator")
        super().__init__(
            rows, prefix=f"t{block.indicator.code.replace('.', '-')}-", exclude=exclude, **kwargs
        )
        self.columns["value"].column.places = block.indicator.places
        self.columns["previous"].column.places = block.indicator.places
        self.block = block

    def render_school(self, value: str, record: dict[str, Any]) -> Any:
        return format_html('<a href="{}">{}</a>', record["url"], value)

    def value_school(self, value: str, record: dict[str, Any]) -> str:
        return f"{value} ({record['login']})" if record["login"] else value

    def render_verdict(self, value: str, record: dict[str, Any]) -> Any:
        return format_html('<span class="badge text-bg-{}">{}</span>', record["badge"], value)


def _record(row: SchoolRow, words: bool) -> dict[str, Any]:
    badge, label = row.verdict
    return {
        "school": row.school.short_name,
        "login": row.school.login,
        "url": reverse("reports:school_card", args=[row.school.pk]),
        "words": words,
        "value": row.value,
        "value_text": row.text,
        "value_key": _key(row.value),
        "previous": row.previous,
        "previous_text": row.previous_text,
        "previous_key": _key(row.previous),
        "numerator": row.numerator,
        "numerator_key": _key(row.numerator),
        "denominator": row.denominator,
        "denominator_key": _key(row.denominator),
        "verdict": label,
        "badge": badge,
        "verdict_key": {True: 0, False: 1, None: 2}[row.met],
    }

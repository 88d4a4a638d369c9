"""Columns shared by the tables of every app: Russian numbers and yes/no, same on page and in exports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables

from msoko import formatting


class BooleanMarkColumn(tables.BooleanColumn):
    """A tick on the page, «да» / «нет» in exports."""

    def value(self, value: Any, **kwargs: Any) -> str:
        return "да" if value else "нет"


def num(**kwargs: Any) -> dict[str, Any]:
    """A column's keyword arguments with its cells and heading right-aligned (numbers)."""
    return {"attrs": {"td": {"class": "num"}, "th": {"class": "num"}}, **kwargs}


class DecimalColumn(tables.Column):
    """A number rounded half up: «87,1» on the page, 87.1 as a number in exports."""

    def __init__(self, *args: Any, places: int = 1, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", num()["attrs"])
        super().__init__(*args, **kwargs)
        self.places = places

    def rounded(self, value: Any) -> Decimal | None:
        return formatting.rounded(value, self.places)

    def render(self, value: Any) -> str:
        return formatting.number(value, self.places)

    def value(self, value: Any, **kwargs: Any) -> Any:
        return self.rounded(value)

"""Change history for pages: who changed what and when (django-simple-history records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime
from simple_history.models import DeletedObject

from msoko import formatting


@dataclass
class HistoryEntry:
    """One change of a record (a school card, a passport, a road-map task …) for a page."""

    when: datetime
    who: str
    what: str
    action: str
    changes: list[tuple[str, str, str]]


ACTIONS = {"+": "создание", "~": "изменение", "-": "удаление"}


def russian_date(value: date) -> str:
    """«12 марта 2026 г.»; a moment also gets its local time: «12 марта 2026 г., 14:05»."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, "j E Y г., H:i")
    return dateformat.format(value, "j E Y г.")


def _display(field: Any, value: Any) -> str:
    """A stored value as the user knows it: a choice by its label, yes/no, a date in words,
    a number with a decimal comma, a related record by its name, a dash for empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, DeletedObject):
        # simple-history wraps an empty foreign key the same way as a deleted record.
        return "—" if value.pk is None else "(удалено)"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, models.Model):
        name = value.get_full_name() if hasattr(value, "get_full_name") else ""
        return name or str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return russian_date(value)
    if isinstance(value, (Decimal, float)):
        return formatting.trimmed(value, getattr(field, "decimal_places", None) or 2)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        return russian_date(parsed) if parsed else value
    if isinstance(field, models.DateField) and isinstance(value, str):
        parsed_date = parse_date(value)
        return russian_date(parsed_date) if parsed_date else value
    return str(value)


def _shown(field: Any) -> bool:
    """Fields worth a line: not the automatic «изменено» stamps, which repeat the entry's time."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False
    return bool(getattr(field, "editable", True))


def history_entries(records: Any, label: Any, model: Any) -> list[HistoryEntry]:
    """django-simple-history records as entries for a page, each with its field changes.

    `label(record)` names what changed («Карточка ОО», «Социальный паспорт 2025 г.»);
    records whose tracked fields did not change are left out.
    """
    entries = []
    records = list(records)
    for record in records:
        previous = record.prev_record
        changes: list[tuple[str, str, str]] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            for change in delta.changes:
                try:
                    field = model._meta.get_field(change.field)
                except FieldDoesNotExist:
                    continue
                if not _shown(field):
                    continue
                changes.append(
                    (
                        str(field.verbose_name),
                        _display(field, change.old),
                        _display(field, change.new),
                    )
                )
            if not changes:
                continue
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else "система",
                what=label(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    return entries

"""Change history for pages: who changed what and when (django-simple-history records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass
class HistoryEntry:
    """One change of a record (a school card, a passport, a road-map task …) for a page."""

    when: datetime
    who: str
    what: str
    action: str
    changes: list[tuple[str, str, str]]


ACTIONS = {"+": "создание", "~": "изменение", "-": "удаление"}


def _display(field: Any, value: Any) -> str:
    """A stored value as the user knows it: a choice by its label, yes/no, a dash for empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


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
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
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

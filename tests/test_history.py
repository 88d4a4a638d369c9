"""Change history reads in Russian: field labels, choice labels, dates in words, names, «—»."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from msoko.history import history_entries, russian_date
from roadmaps.models import Occurrence, Task
from roadmaps.selectors import occurrence_history
from tests.roadmaps.builders import make_roadmap, make_task

pytestmark = pytest.mark.django_db


def test_russian_dates() -> None:
    assert russian_date(datetime.date(2026, 3, 12)) == "12 марта 2026 г."
    moment = datetime.datetime(2026, 3, 12, 11, 5, tzinfo=datetime.UTC)
    assert russian_date(moment) == "12 марта 2026 г., 14:05"  # Europe/Moscow


def _occurrence(specialist: Any) -> Occurrence:
    task = make_task(make_roadmap(specialist), user=specialist)
    occurrence = task.occurrences.order_by("due").first()
    assert occurrence is not None
    return occurrence


def test_occurrence_changes_read_as_the_user_knows_them(specialist: Any, client: Any) -> None:
    specialist.first_name, specialist.last_name = "Мария", "Иванова"
    specialist.save()
    occurrence = _occurrence(specialist)
    occurrence.status = "done"
    occurrence.completed_by = specialist
    occurrence.completed_at = datetime.datetime(2026, 3, 12, 11, 5, tzinfo=datetime.UTC)
    occurrence.due = datetime.date(2026, 12, 25)
    occurrence.achieved_value = Decimal("12.50")
    occurrence.manual = True
    occurrence._history_user = specialist  # type: ignore[attr-defined]
    occurrence.save()

    [change, created] = occurrence_history(occurrence)
    assert (change.action, change.who, created.action) == ("изменение", "Мария Иванова", "создание")
    changes = {label: (old, new) for label, old, new in change.changes}
    assert changes["статус"] == ("Не начато", "Выполнено")
    assert changes["кто отметил"] == ("—", "Мария Иванова")
    assert changes["выполнено"] == ("—", "12 марта 2026 г., 14:05")
    assert changes["срок"][1] == "25 декабря 2026 г."
    assert changes["достигнутое значение"] == ("—", "12,5")
    assert changes["добавлено вручную"] == ("нет", "да")
    assert "изменено" not in changes  # the auto_now stamp repeats the entry's own time
    shown = " ".join(f"{old} {new}" for old, new in changes.values())
    for raw in ("done", "not_started", "2026-", "True", "False", "+00:00", "12.50"):
        assert raw not in shown

    client.force_login(specialist)
    page = client.get(occurrence.get_absolute_url()).content.decode()
    assert "кто отметил: — → Мария Иванова" in page
    assert "статус: Не начато → Выполнено" in page


def test_task_history_names_related_records_and_choices(specialist: Any) -> None:
    task = make_task(make_roadmap(specialist), user=specialist)
    parent = make_task(task.roadmap, "2", user=specialist, title="Родительская задача")
    task.parent = parent
    task.indicator_kind = "number"
    task.target_value = Decimal("80.00")
    task._history_user = specialist  # type: ignore[attr-defined]
    task.save()
    records = task.history.order_by("-history_date")
    [change, *_rest] = history_entries(records, lambda r: "Карточка задачи", Task)
    changes = {label: (old, new) for label, old, new in change.changes}
    assert changes["входит в"] == ("—", str(parent))
    assert changes["вид показателя"][1] != "number"
    assert changes["целевое значение"] == ("—", "80")
    assert timezone.is_aware(change.when)

"""The daily job: overdue marking and reminders, each sent once."""

from __future__ import annotations

import datetime
from typing import Any

from django.core import mail

from roadmaps.models import Notification, Reminder
from roadmaps.services import reminders_send
from roadmaps.tasks import reminders_daily_task
from tests.roadmaps.builders import make_roadmap, make_task


def test_reminder_job_run_twice_sends_each_reminder_once(
    specialist: Any, director_a: Any, school_a: Any, settings: Any
) -> None:
    settings.ROADMAP_REMINDER_DAYS = 7
    director_a.email = "director@school.ru"
    director_a.save()
    specialist.email = "specialist@edu.ru"
    specialist.save()
    roadmap = make_roadmap(specialist, start=2025, end=2025)
    make_task(roadmap, "1", deadline="до 10 марта 2025 г.", schools=[school_a], user=specialist)
    make_task(roadmap, "2", deadline="до 1 февраля 2025 г.", user=specialist)
    make_task(roadmap, "3", deadline="декабрь 2025", user=specialist)  # far away: no reminder
    today = datetime.date(2025, 3, 5)

    first = reminders_send(today=today)
    assert first.emails == 2 and first.notifications == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["director@school.ru", "specialist@edu.ru"]
    assert {r.kind for r in Reminder.objects.all()} == {"before", "overdue"}

    second = reminders_send(today=today)
    assert second.emails == 0 and second.notifications == 0
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(user=director_a, read_at=None).count() == 1

    # After the due date the director gets the «overdue» reminder, once.
    later = reminders_send(today=datetime.date(2025, 3, 11))
    assert later.emails == 1
    assert "Просрочено" in mail.outbox[-1].body
    assert reminders_send(today=datetime.date(2025, 3, 12)).emails == 0


def test_reminders_skip_done_occurrences_and_draft_road_maps(
    specialist: Any, school_a: Any, director_a: Any
) -> None:
    roadmap = make_roadmap(specialist, start=2025, end=2025, status="draft")
    make_task(roadmap, deadline="до 10 марта 2025 г.", schools=[school_a], user=specialist)
    assert reminders_send(today=datetime.date(2025, 3, 5)).notifications == 0


def test_daily_task_runs_through_celery(specialist: Any) -> None:
    roadmap = make_roadmap(specialist, start=2020, end=2020)
    make_task(roadmap, deadline="до 1 февраля 2020 г.", user=specialist)
    result = reminders_daily_task.delay().get()
    assert result["overdue_changed"] == 1 and result["notifications"] == 1


def test_notification_page_marks_read(specialist: Any, client_for: Any) -> None:
    note = Notification.objects.create(user=specialist, text="Срок задачи 1", url="/")
    client = client_for(specialist)
    page = client.get("/roadmaps/notifications/")
    assert "Срок задачи 1" in page.content.decode()
    client.post("/roadmaps/notifications/read/", {"pk": note.pk})
    note.refresh_from_db()
    assert note.read_at is not None

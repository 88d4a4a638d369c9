"""A director closes his school's road-map task in a real browser, with evidence."""

from __future__ import annotations

from typing import Any

import pytest

from roadmaps.choices import OccurrenceStatus
from roadmaps.models import Occurrence
from tests.browser import sign_in
from tests.factories import UserFactory
from tests.roadmaps.builders import make_roadmap, make_task

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_director_marks_his_occurrence_done_with_a_link_and_a_comment(
    page: Any, specialist: Any, school_a: Any, school_b: Any
) -> None:
    roadmap = make_roadmap(specialist)
    make_task(roadmap, schools=[school_a, school_b], user=specialist)
    UserFactory(username="dir", role="director", school=school_a)
    mine = Occurrence.objects.filter(school=school_a).order_by("due").first()
    theirs = Occurrence.objects.filter(school=school_b).first()
    assert mine is not None and theirs is not None

    sign_in(page, "dir")
    page.goto(f"/roadmaps/occurrences/{mine.pk}/")
    # «Выполнено» without evidence is refused with a message.
    page.get_by_label("Статус").select_option(OccurrenceStatus.DONE)
    page.get_by_role("button", name="Сохранить").click()
    assert page.locator(".invalid-feedback, .alert-danger").first.is_visible()
    mine.refresh_from_db()
    assert mine.status != OccurrenceStatus.DONE

    page.get_by_label("или ссылка").fill("https://school1.example.ru/analiz-vpr.pdf")
    page.get_by_role("button", name="Приложить").click()
    page.get_by_role("link", name="https://school1.example.ru/analiz-vpr.pdf").wait_for()
    page.get_by_label("Статус").select_option(OccurrenceStatus.DONE)
    page.get_by_label("Отметка о выполнении (комментарий)").fill("Аналитическая справка размещена")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("статус: В работе → Выполнено").wait_for()
    mine.refresh_from_db()
    assert mine.status == OccurrenceStatus.DONE
    # The other school's occurrence does not exist for this director.
    assert page.goto(f"/roadmaps/occurrences/{theirs.pk}/").status == 404

"""The self-assessment's task picker in a real browser: type, pick, remove, save — under the
Content-Security-Policy (nothing blocked, no script error)."""

from __future__ import annotations

from typing import Any

import pytest

from roadmaps.models import Direction
from roadmaps.services import cycle_assessment_create
from tests.browser import sign_in
from tests.factories import UserFactory
from tests.roadmaps.builders import make_roadmap, make_task

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_specialist_picks_tasks_by_typing_and_saves_them(page: Any, municipality: Any) -> None:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    specialist = UserFactory(username="spec", role="specialist", municipality=municipality)
    roadmap = make_roadmap(specialist, municipality=municipality)
    wanted = make_task(roadmap, "1", title="Анализ результатов ВПР по математике")
    dropped = make_task(roadmap, "2", title="Семинар для заместителей директоров")
    make_task(roadmap, "3", title="Мониторинг сайтов ОО")
    assessment = cycle_assessment_create(
        direction=Direction.objects.get(code="1.1"), year=2026, user=specialist
    )
    sign_in(page, "spec")
    page.goto(f"/roadmaps/cycle/{assessment.pk}/edit/")
    search = page.locator("#id_tasks_goals_search")
    search.fill("анализ ВПР")
    match = page.locator("#id_tasks_goals_results [data-picker-add]")
    match.first.wait_for()
    assert match.count() == 1
    assert "Система оценки качества подготовки обучающихся" in match.first.inner_text()
    match.first.click()
    chips = page.locator(
        "[data-picker][data-name='tasks_goals'] [data-picker-chips] [data-picker-chip]"
    )
    assert chips.count() == 1 and "1. Анализ результатов ВПР" in chips.first.inner_text()
    assert search.input_value() == ""

    search.fill("семинар")
    page.locator("#id_tasks_goals_results [data-picker-add]").first.wait_for()
    search.press("Enter")  # picks the first match, does not submit the form
    assert chips.count() == 2
    page.get_by_role("button", name=f"Убрать: 2. {dropped.title}").click()
    assert chips.count() == 1

    search.fill("мониторинг")  # typed, not picked: saving must not search instead
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(f"**/roadmaps/cycle/{assessment.pk}/")
    assert list(assessment.scores.get(element="goals").tasks.all()) == [wanted]
    assert page.get_by_role("link", name=f"1. {wanted.title}").is_visible()
    assert problems == []

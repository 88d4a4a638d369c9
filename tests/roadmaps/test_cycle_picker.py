"""The self-assessment's pickers: the search finds tasks (shown with their direction's
title), recommendations and decisions of the user's municipality only; the chosen ones are
saved and shown; the edit page renders only what is chosen; without JavaScript the search
box brings the matches back to tick."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from msoko.choices import Role
from roadmaps import services_decisions as services
from roadmaps.choices import CycleElement
from roadmaps.models import BasisKind, CycleAssessment, Direction, Section
from roadmaps.services import cycle_assessment_create
from tests.factories import MunicipalityFactory, SchoolFactory, UserFactory
from tests.roadmaps.builders import make_roadmap, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def bound_specialist(municipality: Any) -> Any:
    return UserFactory(role=Role.SPECIALIST, username="spec_m1", municipality=municipality)


@pytest.fixture
def assessment(bound_specialist: Any) -> CycleAssessment:
    return cycle_assessment_create(
        direction=Direction.objects.get(code="objectivity"), year=2026, user=bound_specialist
    )


def _objectivity_task(roadmap: Any, number: str, title: str) -> Any:
    section = Section.objects.create(
        roadmap=roadmap,
        direction=Direction.objects.get(code="objectivity"),
        title="Объективность",
        order=2,
    )
    task = make_task(roadmap, number, title=title)
    task.section = section
    task.save()
    return task


def _pick(client: Any, assessment: CycleAssessment, kind: str, term: str, **extra: Any) -> str:
    url = reverse("roadmaps:cycle_pick", args=[assessment.pk, kind])
    response = client.get(url, {"element": "goals", f"q_{kind}_goals": term, **extra})
    assert response.status_code == 200
    return str(response.content.decode())


def _post(assessment: CycleAssessment, **picked: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"comment": ""}
    for element, _label in CycleElement.choices:
        data[f"score_{element}"] = "1"
        data[f"comment_{element}"] = ""
        data[f"links_{element}"] = ""
    data.update(picked)
    return data


def test_the_search_shows_the_direction_title_and_only_the_municipalitys_tasks(
    municipality: Any, bound_specialist: Any, assessment: CycleAssessment, client_for: Any
) -> None:
    mine = make_roadmap(bound_specialist, municipality=municipality, title="Карта района")
    task = _objectivity_task(mine, "2", "Мониторинг объективности проведения ВПР")
    other = MunicipalityFactory(oktmo="87654000", name="Соседний МО")
    theirs = make_roadmap(None, municipality=other, title="Карта соседей")
    _objectivity_task(theirs, "2", "Мониторинг объективности у соседей")
    page = _pick(client_for(bound_specialist), assessment, "tasks", "мониторинг объективности")
    assert "2. Мониторинг объективности проведения ВПР" in page
    assert "Система объективности процедур оценки качества образования" in page
    assert "objectivity" not in page
    assert "соседей" not in page
    assert f'data-value="{task.pk}"' in page
    # the chosen ones are not offered again; an empty search offers nothing
    again = _pick(
        client_for(bound_specialist), assessment, "tasks", "объективности", tasks_goals=task.pk
    )
    assert "проведения ВПР" not in again and "Ничего не найдено" in again
    assert "data-picker-add" not in _pick(client_for(bound_specialist), assessment, "tasks", "")


def test_recommendations_and_decisions_are_found_and_saved_with_the_tasks(
    municipality: Any, bound_specialist: Any, assessment: CycleAssessment, client_for: Any
) -> None:
    school = SchoolFactory(municipality=municipality)
    roadmap = make_roadmap(bound_specialist, municipality=municipality)
    task = make_task(roadmap, "1", title="Анализ результатов ВПР")
    recommendation = services.recommendation_create(
        user=bound_specialist,
        year=2026,
        school=school,
        text="Провести перепроверку работ",
        basis=services.Basis(BasisKind.OTHER, text="Пики на границах отметок"),
    )
    decision = services.decision_create(
        user=bound_specialist,
        year=2026,
        act_number="77-од",
        act_date=datetime.date(2026, 10, 1),
        title="Об обеспечении объективности ВПР",
    )
    client = client_for(bound_specialist)
    assert "Провести перепроверку" in _pick(client, assessment, "recommendations", "перепроверку")
    assert "77-од" in _pick(client, assessment, "decisions", "объективности")
    response = client.post(
        reverse("roadmaps:cycle_update", args=[assessment.pk]),
        _post(
            assessment,
            tasks_goals=[task.pk],
            recommendations_recommendations=[recommendation.pk],
            decisions_decisions=[decision.pk],
        ),
    )
    assert response.status_code == 302
    scores = {s.element: s for s in assessment.scores.all()}
    assert list(scores["goals"].tasks.all()) == [task]
    assert list(scores["recommendations"].recommendations.all()) == [recommendation]
    assert list(scores["decisions"].decisions.all()) == [decision]
    detail = client.get(assessment.get_absolute_url()).content.decode()
    assert "Провести перепроверку работ" in detail
    assert "№ 77-од от 1 октября 2026" in detail
    edit = client.get(reverse("roadmaps:cycle_update", args=[assessment.pk])).content.decode()
    assert "1. Анализ результатов ВПР" in edit  # a chip of the chosen task
    assert f'name="tasks_goals" value="{task.pk}"' in edit


def test_the_edit_page_renders_only_the_chosen_tasks(
    municipality: Any, bound_specialist: Any, assessment: CycleAssessment, client_for: Any
) -> None:
    roadmap = make_roadmap(bound_specialist, municipality=municipality)
    for number in range(1, 31):
        make_task(roadmap, str(number), title=f"Мероприятие номер {number:02d}")
    page = (
        client_for(bound_specialist)
        .get(reverse("roadmaps:cycle_update", args=[assessment.pk]))
        .content.decode()
    )
    assert "Мероприятие номер" not in page
    assert page.count("<option") == 9 * 3  # only the scores 0 / 1 / 2: no list of tasks
    assert page.count("data-picker-search") == 27  # three pickers × nine elements


def test_without_javascript_the_search_box_brings_back_matches_and_saves_nothing(
    municipality: Any, bound_specialist: Any, assessment: CycleAssessment, client_for: Any
) -> None:
    roadmap = make_roadmap(bound_specialist, municipality=municipality)
    task = make_task(roadmap, "1", title="Анализ результатов ВПР")
    url = reverse("roadmaps:cycle_update", args=[assessment.pk])
    client = client_for(bound_specialist)
    response = client.post(url, _post(assessment, q_tasks_goals="анализ"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Пока ничего не сохранено" in page
    assert f'name="tasks_goals" value="{task.pk}" id="id_tasks_goals_{task.pk}">' in page
    assert not assessment.scores.filter(score=1).exists()
    saved = client.post(url, _post(assessment, tasks_goals=[task.pk]))
    assert saved.status_code == 302
    assert list(assessment.scores.get(element="goals").tasks.all()) == [task]


def test_another_municipalitys_task_cannot_be_posted(
    municipality: Any, bound_specialist: Any, assessment: CycleAssessment, client_for: Any
) -> None:
    other = MunicipalityFactory(oktmo="87654000", name="Соседний МО")
    task = make_task(make_roadmap(None, municipality=other), "1")
    response = client_for(bound_specialist).post(
        reverse("roadmaps:cycle_update", args=[assessment.pk]),
        _post(assessment, tasks_goals=[task.pk]),
    )
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    assert not assessment.scores.get(element="goals").tasks.exists()


def test_the_picker_is_the_departments(
    assessment: CycleAssessment, director_a: Any, client_for: Any
) -> None:
    url = reverse("roadmaps:cycle_pick", args=[assessment.pk, "tasks"])
    assert client_for(director_a).get(url, {"q": "анализ"}).status_code == 403
    bogus = reverse("roadmaps:cycle_pick", args=[assessment.pk, "schools"])
    assert (
        client_for(UserFactory(role=Role.SPECIALIST, username="s2")).get(bogus).status_code == 404
    )

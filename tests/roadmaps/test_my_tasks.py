"""«Мои задачи» opens on the user's own tasks; «Все» shows everyone's."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from msoko.choices import Role
from roadmaps.choices import RoadmapStatus
from tests.factories import UserFactory
from tests.roadmaps.builders import make_roadmap, make_task

pytestmark = pytest.mark.django_db

URL = reverse("roadmaps:occurrence_list")


@pytest.fixture
def tasks(specialist: Any, official: Any) -> dict[str, Any]:
    colleague = UserFactory(role=Role.SPECIALIST, username="colleague")
    theirs = make_roadmap(colleague, title="Карта коллеги")
    return {
        "assigned": make_task(theirs, "1", users=[specialist], title="Поручено мне"),
        "other": make_task(theirs, "2", users=[colleague], title="Задача коллеги"),
        "owned": make_task(make_roadmap(specialist, title="Моя карта"), "1", title="Моя карта"),
        "archived": make_task(
            make_roadmap(specialist, title="Старая карта", status=RoadmapStatus.ARCHIVED),
            "1",
            title="Задача архивной карты",
        ),
    }


def _titles(response: Any) -> set[str]:
    return {row.record.task.title for row in response.context["table"].paginated_rows}


def test_my_tasks_open_on_the_users_own(client_for: Any, specialist: Any, tasks: Any) -> None:
    response = client_for(specialist).get(URL)
    assert response.status_code == 200
    assert _titles(response) == {"Поручено мне", "Моя карта"}
    assert response.context["filter"].form["mine"].value() == "true"


def test_all_tasks_on_request(client_for: Any, specialist: Any, tasks: Any) -> None:
    client = client_for(specialist)
    everything = {"Поручено мне", "Задача коллеги", "Моя карта", "Задача архивной карты"}
    response = client.get(URL, {"q": "", "mine": "false"})
    assert _titles(response) == everything
    # Sorting or paging the «Все» list keeps it «Все».
    assert _titles(client.get(URL, {"mine": "false", "sort": "due"})) == everything


def test_a_chosen_archived_road_map_shows_its_tasks(
    client_for: Any, specialist: Any, tasks: Any
) -> None:
    roadmap = tasks["archived"].roadmap
    response = client_for(specialist).get(URL, {"roadmap": roadmap.pk})
    assert _titles(response) == {"Задача архивной карты"}


def test_an_official_with_no_tasks_sees_none_by_default(
    client_for: Any, official: Any, tasks: Any
) -> None:
    client = client_for(official)
    assert _titles(client.get(URL)) == set()
    assert "Задача коллеги" in _titles(client.get(URL, {"mine": "false"}))


def test_export_follows_the_same_default(client_for: Any, specialist: Any, tasks: Any) -> None:
    response = client_for(specialist).get(URL, {"export": "csv"})
    text = response.content.decode("utf-8-sig")
    assert "Поручено мне" in text and "Задача коллеги" not in text

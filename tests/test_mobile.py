"""On a 390 px phone a wide table scrolls inside its container, its first column stays in view,
and the page itself never scrolls sideways."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from roadmaps.choices import RoadmapStatus
from tests.browser import sign_in
from tests.factories import SchoolFactory, UserFactory
from tests.roadmaps.builders import make_roadmap, make_task

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}

LAYOUT = """() => {
    const box = document.querySelector('.table-responsive');
    const first = box.querySelector('tbody tr > :first-child');
    const before = first.getBoundingClientRect().left;
    box.scrollLeft = box.scrollWidth;
    const after = first.getBoundingClientRect().left;
    return {
        page: document.documentElement.scrollWidth,
        viewport: document.documentElement.clientWidth,
        boxScroll: box.scrollWidth,
        boxWidth: box.clientWidth,
        scrolled: box.scrollLeft,
        firstMoved: Math.abs(after - before),
        position: getComputedStyle(first).position,
    };
}"""


def _check(page: Any, path: str, shot: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(path)
    if os.environ.get("MSOKO_SCREENSHOTS"):  # to look at the page: MSOKO_SCREENSHOTS=/tmp/shots
        Path(os.environ["MSOKO_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(os.environ["MSOKO_SCREENSHOTS"]) / shot), full_page=True)
    layout = page.evaluate(LAYOUT)
    assert layout["page"] <= layout["viewport"], layout  # the body never scrolls sideways
    assert layout["boxScroll"] > layout["boxWidth"], layout  # the table is wider than the phone
    assert layout["scrolled"] > 0, layout  # … and scrolls inside its container
    assert layout["position"] == "sticky" and layout["firstMoved"] < 1, layout


def test_school_list_on_a_phone(page: Any, municipality: Any) -> None:
    for n in range(3):
        SchoolFactory(
            municipality=municipality,
            short_name=f"МБОУ «Средняя общеобразовательная школа с углублённым изучением № {n}»",
            address="Светлореченский МО, с. Верхнее Ольховое, ул. Набережная Комсомольская, 12",
        )
    UserFactory(username="spec", role="specialist")
    sign_in(page, "spec")
    _check(page, reverse("schools:school_list"), "school-list-390.png")


def test_my_tasks_on_a_phone(page: Any) -> None:
    user = UserFactory(username="spec", role="specialist")
    roadmap = make_roadmap(user, status=RoadmapStatus.APPROVED)
    make_task(roadmap, "1", users=[user], title="Анализ результатов ВПР " * 4)
    sign_in(page, "spec")
    _check(page, reverse("roadmaps:occurrence_list"), "my-tasks-390.png")

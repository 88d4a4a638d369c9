"""Small builders of road-map objects for the tests."""

from __future__ import annotations

from typing import Any

from roadmaps import services
from roadmaps.models import Direction, Roadmap, Section, Task


def make_roadmap(
    owner: Any = None, *, start: int = 2024, end: int = 2026, **fields: Any
) -> Roadmap:
    roadmap = Roadmap.objects.create(
        title=fields.pop("title", "Дорожная карта повышения качества образования"),
        start_year=start,
        end_year=end,
        status=fields.pop("status", "approved"),
        owner=owner,
        act_number=fields.pop("act_number", "15"),
        **fields,
    )
    Section.objects.create(
        roadmap=roadmap,
        direction=Direction.objects.get(code="1.1"),
        title="Система оценки качества подготовки обучающихся",
        order=1,
    )
    return roadmap


def make_task(
    roadmap: Roadmap,
    number: str = "1",
    *,
    deadline: str = "ежегодно, декабрь",
    indicator: str = "Наличие аналитического отчета",
    schools: list[Any] | None = None,
    users: list[Any] | None = None,
    user: Any = None,
    title: str = "Анализ результатов ВПР",
) -> Task:
    task = Task(
        roadmap=roadmap,
        section=roadmap.sections.first(),
        number=number,
        title=title,
        deadline_text=deadline,
    )
    services._apply_indicator(task, indicator)
    return services.task_save(task=task, user=user, schools=schools or [], users=users or [])

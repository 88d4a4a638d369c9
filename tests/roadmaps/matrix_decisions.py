"""Permission-matrix cases of the decisions pages (part of tests/roadmaps/matrix.py).

The world has a recommendation to school A with a response file (director B gets 404 on
it), a decision about school A with one measure in the world's road map, and the picker of
the world's self-assessment (the department's: directors get 403).
"""

from __future__ import annotations

import datetime
from typing import Any

from roadmaps import services_decisions as services
from roadmaps.models import BasisKind
from tests.matrix import Case, editors_only, everyone

OWN_SCHOOL = everyone(200, director_b=404)


def _a(key: str) -> Any:
    return lambda w: [w[key].pk]


CASES: dict[str, Case] = {
    "roadmaps:recommendation_list": Case(everyone(200)),
    "roadmaps:recommendation_create": Case(editors_only()),
    "roadmaps:recommendation_detail": Case(OWN_SCHOOL, args=_a("recommendation")),
    "roadmaps:recommendation_update": Case(editors_only(), args=_a("recommendation")),
    "roadmaps:recommendation_respond": Case(
        everyone(302, official=403, director_b=404),
        args=_a("recommendation"),
        method="post",
        data={"response": "Проведён педагогический совет, план утверждён."},
    ),
    "roadmaps:recommendation_review": Case(
        editors_only(302), args=_a("recommendation"), method="post", data={"verdict": "accept"}
    ),
    "roadmaps:recommendation_file": Case(OWN_SCHOOL, args=_a("recommendation")),
    "roadmaps:decision_list": Case(everyone(200)),
    "roadmaps:decision_create": Case(editors_only()),
    "roadmaps:decision_detail": Case(OWN_SCHOOL, args=_a("decision")),
    "roadmaps:decision_update": Case(editors_only(), args=_a("decision")),
    "roadmaps:cycle_pick": Case(editors_only(), args=lambda w: [w["cycle"].pk, "tasks"]),
}


def build_world(world: dict[str, Any]) -> None:
    """Add the objects these pages need."""
    specialist = world["specialist"]
    recommendation = services.recommendation_create(
        user=specialist,
        year=2025,
        school=world["school_a"],
        text="Провести анализ причин высокой доли «2» по математике.",
        basis=services.Basis(BasisKind.OTHER, text="Итоги ВПР 2025 года."),
    )
    services.recommendation_respond(
        recommendation=recommendation,
        user=specialist,
        response="Анализ проведён.",
        filename="analiz.pdf",
        data=b"%PDF-1.4 analiz",
    )
    decision = services.decision_create(
        user=specialist,
        year=2025,
        act_number="45-од",
        act_date=datetime.date(2025, 9, 1),
        title="О мерах по повышению качества обучения математике",
        school=world["school_a"],
        recommendations=[recommendation],
        roadmap=world["roadmap"],
        measures="Семинар для учителей математики — декабрь 2025",
    )
    world.update(recommendation=recommendation, decision=decision)

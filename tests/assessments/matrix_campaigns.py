"""Permission-matrix cases of the campaigns pages of the assessments app, and the small
hand-computable campaign that the matrix and the campaign tests share.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from assessments.models import (
    Campaign,
    CampaignTask,
    EgeThreshold,
    MappingProfile,
    Procedure,
    Result,
    Subject,
)
from assessments.scales import Scale
from tests.matrix import Case, editors_only, everyone

CASES: dict[str, Case] = {
    "assessments:campaign_list": Case(everyone(200)),
    "assessments:campaign_create": Case(editors_only()),
    "assessments:campaign_detail": Case(
        everyone(200), args=lambda w: [w["campaign"].pk], scoped=False
    ),
    "assessments:campaign_compute": Case(
        editors_only(302), args=lambda w: [w["campaign"].pk], method="post", scoped=False
    ),
    "assessments:campaign_update": Case(
        editors_only(), args=lambda w: [w["campaign"].pk], scoped=False
    ),
    "assessments:campaign_scale": Case(
        editors_only(), args=lambda w: [w["campaign"].pk], scoped=False
    ),
    "assessments:campaign_lock": Case(
        editors_only(302), args=lambda w: [w["campaign"].pk], method="post", scoped=False
    ),
    "assessments:campaign_unlock": Case(
        editors_only(302), args=lambda w: [w["campaign"].pk], method="post", scoped=False
    ),
    "assessments:campaign_template": Case(
        everyone(200), args=lambda w: [w["campaign"].pk], scoped=False
    ),
    "assessments:year_compute": Case(
        editors_only(302), method="post", data={"year": "2026", "next": "/analytics/indicator/"}
    ),
    "assessments:threshold_list": Case(everyone(200)),
    "assessments:threshold_create": Case(editors_only()),
    "assessments:threshold_update": Case(
        editors_only(), args=lambda w: [w["threshold"].pk], scoped=False
    ),
    "assessments:reference": Case(everyone(200)),
    "assessments:profile_list": Case(editors_only()),
    "assessments:profile_create": Case(editors_only()),
    "assessments:profile_update": Case(
        editors_only(), args=lambda w: [w["profile"].pk], scoped=False
    ),
}

# The small campaign: 4 tasks, max 8; «3» from 3, «4» from 5, «5» from 7.
TASKS: tuple[tuple[str, int, str, str], ...] = (
    ("1", 2, "Б", "Орфография"),
    ("2", 1, "Б", "Орфография"),
    ("3К1", 3, "П", "Текст"),
    ("3К2", 2, "В", "Текст"),
)
SCALE = Scale.from_thresholds(max_primary=8, thresholds={3: 3, 4: 5, 5: 7}, title="Тест")
# code, scores (None = X), journal mark; the mark comes from SCALE.
PUPILS_A: tuple[tuple[str, list[int | None], int | None], ...] = (
    ("a1", [2, 1, 3, 2], 5),
    ("a2", [2, 1, 2, 0], 5),
    ("a3", [1, 0, 1, None], 3),
    ("a4", [2, 1, 1, 1], 3),
    ("a5", [1, 1, None, 0], None),
)
PUPILS_B: tuple[tuple[str, list[int | None], int | None], ...] = (
    ("b1", [2, 1, 3, 1], 4),
    ("b2", [0, 1, 1, 0], 2),
    ("b3", [2, 0, 2, 0], 5),
)


def make_campaign(
    *,
    procedure: str = "vpr",
    subject: str = "russian",
    year: int = 2026,
    grade: int = 4,
    tasks: Sequence[tuple[str, int, str, str]] = TASKS,
    scale: Scale | None = SCALE,
) -> Campaign:
    campaign = Campaign.objects.create(
        procedure=Procedure.objects.get(code=procedure),
        subject=Subject.objects.get(code=subject),
        year=year,
        grade=grade,
        variants="1, 2",
        max_primary=Decimal(sum(t[1] for t in tasks)) if tasks else None,
        scale=scale.to_dict() if scale else None,
    )
    CampaignTask.objects.bulk_create(
        CampaignTask(
            campaign=campaign,
            order=i,
            number=number,
            max_score=Decimal(maximum),
            level=level,
            requirement=requirement,
        )
        for i, (number, maximum, level, requirement) in enumerate(tasks, start=1)
    )
    return campaign


def add_pupils(
    campaign: Campaign,
    school: Any,
    pupils: Sequence[tuple[str, list[int | None], int | None]],
    *,
    absent: int = 0,
) -> None:
    rows = []
    for code, scores, journal in pupils:
        primary = sum(s or 0 for s in scores)
        rows.append(
            Result(
                campaign=campaign,
                school=school,
                participant_code=code,
                variant="1",
                scores=scores,
                primary_score=Decimal(primary),
                mark=SCALE.mark_for(primary),
                journal_mark=journal,
            )
        )
    for i in range(absent):
        rows.append(
            Result(campaign=campaign, school=school, participant_code=f"abs{i}", absent=True)
        )
    Result.objects.bulk_create(rows)


def hand_campaign(school_a: Any, school_b: Any) -> Campaign:
    """The campaign whose figures are computed by hand in test_results_page.py, with its
    figures stored as the job after an import would store them."""
    campaign = make_campaign()
    add_pupils(campaign, school_a, PUPILS_A, absent=1)
    add_pupils(campaign, school_b, PUPILS_B)
    compute_figures(campaign)
    return campaign


def compute_figures(campaign: Campaign) -> None:
    """Store the campaign's figures for every municipality with results (the figures job)."""
    from assessments.services.figures import figures_compute, figures_municipalities

    for municipality_id in figures_municipalities(campaign):
        figures_compute(campaign=campaign, municipality_id=municipality_id)


def build_world(world: dict[str, Any]) -> None:
    """Add the objects these URLs need (build_world of campaigns runs first).

    The campaign, the threshold and the profile belong to no municipality: a second world
    reuses them and adds only its schools' pupils.
    """
    if "campaign" in world:
        add_pupils(world["campaign"], world["school_a"], PUPILS_A)
        add_pupils(world["campaign"], world["school_b"], PUPILS_B)
        compute_figures(world["campaign"])
        return
    world["campaign"] = hand_campaign(world["school_a"], world["school_b"])
    world["threshold"] = EgeThreshold.objects.order_by("pk").first()
    world["profile"] = MappingProfile.objects.create(
        name="ЕГЭ, Тестовая область",
        region="Тестовая область",
        kind="ege",
        columns={"participant_code": ["Код"], "test_score": ["Балл"]},
    )

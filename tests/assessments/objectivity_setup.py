"""A generated municipality for the markers across procedures, shared by their tests.

Five schools of 12 pupils in ВПР 2026 (русский язык, 4 класс) and in ОГЭ 2026 (русский
язык); marks come from the small campaign's scale (tests.assessments.matrix_campaigns):

| school     | kind      | ВПР quality | ОГЭ quality | what it should raise                     |
|------------|-----------|-------------|-------------|------------------------------------------|
| inflated   | СОШ       | 100 %       | 16,7 %      | above_unconfirmed, vpr_over_oge          |
| ordinary   | СОШ       | 33,3 %      | 33,3 %      | nothing                                  |
| ordinary_2 | СОШ       | 33,3 %      | 33,3 %      | nothing                                  |
| gymnasium  | гимназия  | 100 %       | 33,3 %      | vpr_over_oge only (selective: no above_) |
| confirmed  | СОШ       | 100 %       | 100 %       | nothing (ОГЭ confirms its ВПР)           |

Municipality: ВПР 44 of 60 = 73,3 %, ОГЭ 26 of 60 = 43,3 %. The cohort: ВПР 2025, русский
язык, 4 класс against ВПР 2026, 5 класс — `dropper` falls from 100 % (4А) to 0 % (5А), the
ordinary school stays at 33,3 %.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assessments.models import Campaign, Result
from tests.assessments.matrix_campaigns import SCALE, make_campaign
from tests.factories import SchoolFactory

# Scores on the small campaign's 4 tasks that give each mark (max 8: «3» from 3, «4» from 5,
# «5» from 7).
SCORES = {2: [1, 0, 1, 0], 3: [2, 1, 0, 0], 4: [2, 1, 2, 0], 5: [2, 1, 3, 2]}
THIRD = [4] * 4 + [3] * 8  # quality 33,3 %
LOW = [4] * 2 + [3] * 10  # quality 16,7 %


def add_marks(
    campaign: Campaign, school: Any, marks: list[int], *, class_name: str = "", prefix: str = ""
) -> None:
    rows = []
    for i, mark in enumerate(marks):
        scores = SCORES[mark]
        primary = sum(scores)
        assert SCALE.mark_for(primary) == mark
        rows.append(
            Result(
                campaign=campaign,
                school=school,
                participant_code=f"{prefix or school.login[-3:]}-{i}",
                class_name=class_name,
                variant="1",
                scores=scores,
                primary_score=Decimal(primary),
                mark=mark,
            )
        )
    Result.objects.bulk_create(rows)


def planted(municipality: Any) -> dict[str, Any]:
    """The schools and campaigns of the table above, with results but no figures yet."""
    schools = {
        "inflated": SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 5"),
        "ordinary": SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 7"),
        "ordinary_2": SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 8"),
        "gymnasium": SchoolFactory(
            municipality=municipality, short_name="МБОУ Гимназия № 2", org_type="gymnasium"
        ),
        "confirmed": SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 9"),
    }
    vpr = make_campaign(procedure="vpr", subject="russian", year=2026, grade=4)
    oge = make_campaign(procedure="oge", subject="russian", year=2026, grade=9)
    for key, (vpr_marks, oge_marks) in {
        "inflated": ([5] * 12, LOW),
        "ordinary": (THIRD, THIRD),
        "ordinary_2": (THIRD, THIRD),
        "gymnasium": ([5] * 12, THIRD),
        "confirmed": ([5] * 12, [5] * 12),
    }.items():
        add_marks(vpr, schools[key], vpr_marks)
        add_marks(oge, schools[key], oge_marks)
    return {**schools, "vpr": vpr, "oge": oge}


def planted_cohort(municipality: Any) -> dict[str, Any]:
    """Grade 4 of 2025 and grade 5 of 2026 (русский язык) of two schools, by class."""
    dropper = SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 3")
    steady = SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 4")
    grade4 = make_campaign(procedure="vpr", subject="russian", year=2025, grade=4)
    grade5 = make_campaign(procedure="vpr", subject="russian", year=2026, grade=5)
    add_marks(grade4, dropper, [5] * 12, class_name="4А")
    add_marks(grade5, dropper, [3] * 12, class_name="5А")
    add_marks(grade4, steady, THIRD, class_name="4Б")
    add_marks(grade5, steady, THIRD, class_name="5Б")
    return {"dropper": dropper, "steady": steady, "grade4": grade4, "grade5": grade5}


def compute(*campaigns: Campaign) -> None:
    """Store the figures of the campaigns in this order, as their jobs would."""
    from assessments.services.figures import figures_compute, figures_municipalities

    for campaign in campaigns:
        for municipality_id in figures_municipalities(campaign):
            figures_compute(campaign=campaign, municipality_id=municipality_id)

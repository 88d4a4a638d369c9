"""The ВПР disclaimer (results are not for judging teachers) is shown on ВПР pages only."""

from __future__ import annotations

from typing import Any

import pytest

from assessments.models import Result
from tests.assessments.matrix_campaigns import compute_figures, hand_campaign, make_campaign

pytestmark = pytest.mark.django_db

DISCLAIMER = "Результаты ВПР не используются для оценки работы отдельных учителей"


def test_the_vpr_page_carries_the_disclaimer(
    school_a: Any, school_b: Any, specialist: Any, client_for: Any
) -> None:
    campaign = hand_campaign(school_a, school_b)
    response = client_for(specialist).get(campaign.get_absolute_url())
    assert response.status_code == 200
    assert DISCLAIMER in response.content.decode()


@pytest.mark.parametrize(("procedure", "grade"), [("ege", 11), ("oge", 9)])
def test_ege_and_oge_pages_do_not(
    procedure: str, grade: int, school_a: Any, specialist: Any, client_for: Any
) -> None:
    campaign = make_campaign(procedure=procedure, grade=grade, tasks=(), scale=None)
    for i, (score, mark) in enumerate(((40, 3), (70, 4), (90, 5))):
        Result.objects.create(
            campaign=campaign,
            school=school_a,
            participant_code=f"p{i}",
            test_score=score if procedure == "ege" else None,
            mark=mark if procedure == "oge" else None,
        )
    compute_figures(campaign)
    response = client_for(specialist).get(campaign.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Показатели округлены до десятых" in content  # the note itself is there
    assert DISCLAIMER not in content and "ВПР" not in content.split("Показатели округлены")[1][:300]

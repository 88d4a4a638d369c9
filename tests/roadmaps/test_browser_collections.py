"""A school's part of a data collection in a real browser: a refused value changes
nothing and says why, the share is derived on hand-in, approval locks the form."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from roadmaps import services_collections as collections
from roadmaps.models import CollectedValue, Submission, SubmissionStatus
from tests.browser import sign_in
from tests.factories import SchoolFactory, UserFactory
from tests.roadmaps.test_collections import share

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_director_fills_in_hands_in_and_finds_it_locked_after_approval(
    page: Any, municipality: Any
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    school = SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 1")
    UserFactory(username="dir", role="director", school=school)
    specialist = UserFactory(username="spec", role="specialist", municipality=municipality)
    set_code, code, numerator, denominator = share()
    collection = collections.collection_open(
        user=specialist,
        municipality=municipality,
        set_code=set_code,
        year=2026,
        deadline=datetime.date(2026, 12, 1),
        indicators=[code],
    )
    submission = Submission.objects.get(collection=collection, school=school)
    sign_in(page, "dir")
    page.goto("/roadmaps/collections/")
    page.get_by_role("link", name=f"{collection.title} (2026)").click()
    page.locator(f"[id='v-{numerator}']").fill("30")
    page.locator(f"[id='v-{denominator}']").fill("20")
    page.get_by_role("button", name="Сохранить и сдать").click()
    alert = page.locator(".alert-danger, .alert-error, [role=alert]").first
    assert "больше знаменателя" in alert.inner_text()
    assert not CollectedValue.objects.filter(submission=submission).exists()
    page.locator(f"[id='v-{numerator}']").fill("5")
    page.locator(f"[id='v-{denominator}']").fill("20")
    page.get_by_role("button", name="Сохранить и сдать").click()
    page.get_by_text("Данные сданы.").wait_for()
    assert "25,0" in page.locator("#submission-values output").inner_text()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED

    page.context.clear_cookies()
    sign_in(page, "spec")
    page.goto(collection.get_absolute_url())
    page.get_by_role("button", name="Утвердить и закрыть").click()
    page.get_by_text("Сбор утверждён и закрыт").first.wait_for()

    page.context.clear_cookies()
    sign_in(page, "dir")
    page.goto(f"/roadmaps/collections/submissions/{submission.pk}/")
    assert "утверждён и закрыт" in page.locator("[role=status]").first.inner_text()
    assert page.locator(f"[id='v-{numerator}']").count() == 0
    assert not errors

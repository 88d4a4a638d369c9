"""The demo's planted schools on the objectivity pages: its last two years (2025, 2026).

(tests/test_demo.py loads the whole demo once for its own checks; these checks could join
it there, and this module's load would then go.)
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from assessments.demo import FEDERAL_MARKED, INFLATED, RESILIENT
from assessments.models import ObjectivityMarker
from msoko.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", "--years", "2", "--quiet", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _raised(year: int, code: str) -> set[str]:
    return set(
        ObjectivityMarker.objects.filter(year=year, code=code, raised=True).values_list(
            "school__login", flat=True
        )
    )


def test_the_inflated_schools_raise_above_unconfirmed_and_no_other(demo: str) -> None:
    assert _raised(2026, "above_unconfirmed") == set(INFLATED)
    assert set(INFLATED) <= _raised(2026, "vpr_over_oge")
    # the resilient school is as good in ОГЭ and ЕГЭ: its ВПР is confirmed
    assert not set(RESILIENT) & _raised(2026, "above_unconfirmed")
    per_school = ObjectivityMarker.objects.filter(
        year=2026, code="above_unconfirmed", raised=True, school__login=INFLATED[0]
    ).count()
    assert per_school >= 5  # in most of its ВПР campaigns


def test_the_demo_federal_list_is_imported_through_its_flow(demo: str) -> None:
    assert "Федеральный перечень 2025 г. загружен" in demo
    federal = ObjectivityMarker.objects.filter(code="federal_list", year=2025)
    assert {(m.school.login, m.evidence["column"]) for m in federal} == {
        (login, column) for login, columns in FEDERAL_MARKED.items() for column in columns
    }
    assert all(m.campaign is not None and m.upload is not None for m in federal)


def test_the_pages_show_the_planted_schools(demo: str, client_for: Any) -> None:
    specialist = User.objects.get(username="specialist")
    html = client_for(specialist).get(reverse("assessments:objectivity_repeat")).content.decode()
    for login in INFLATED:
        assert (
            ObjectivityMarker.objects.filter(school__login=login).first().school.short_name in html
        )
    director = User.objects.get(username="director")  # an ordinary school's
    mine = client_for(director).get(reverse("assessments:objectivity_list")).content.decode()
    inflated = ObjectivityMarker.objects.filter(school__login=INFLATED[0]).first().school
    assert inflated.short_name not in mine

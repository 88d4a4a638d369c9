"""The shared `q` filter ignores case and ё on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from assessments.filtersets import CampaignFilterSet
from msoko.search import fold
from roadmaps.filtersets import RoadmapFilterSet
from schools.filtersets import SchoolFilterSet
from schools.models import School
from tests.assessments.matrix_campaigns import make_campaign
from tests.factories import SchoolFactory
from tests.roadmaps.builders import make_roadmap

pytestmark = pytest.mark.django_db


def test_fold_lowers_and_reads_yo_as_ye() -> None:
    assert fold("Ёжик ВПР ёлка") == "ежик впр елка"
    assert fold(None) is None


@pytest.fixture
def schools(municipality: Any) -> list[School]:
    return [
        SchoolFactory(municipality=municipality, short_name="МБОУ Ольховская СОШ"),
        SchoolFactory(municipality=municipality, short_name="МКОУ «Ёжик» НОШ"),
        SchoolFactory(municipality=municipality, short_name="Gymnasium Nova"),
        SchoolFactory(
            municipality=municipality, short_name="МБОУ СОШ № 7", address="ул. 50% скидки"
        ),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ольховская", ["МБОУ Ольховская СОШ"]),
        ("ОЛЬХОВСКАЯ", ["МБОУ Ольховская СОШ"]),
        ("ежик", ["МКОУ «Ёжик» НОШ"]),
        ("ЁЖИК", ["МКОУ «Ёжик» НОШ"]),
        ("gymnasium", ["Gymnasium Nova"]),
        ("мбоу сош", ["МБОУ Ольховская СОШ", "МБОУ СОШ № 7"]),
        ("50%", ["МБОУ СОШ № 7"]),
        ("_", []),
        ("нет-такой", []),
    ],
)
def test_school_search_ignores_case_and_yo(
    schools: list[School], specialist: Any, query: str, expected: list[str]
) -> None:
    filterset = SchoolFilterSet({"q": query}, queryset=School.objects.all())
    assert sorted(s.short_name for s in filterset.qs) == sorted(expected)


def test_school_list_page_finds_lowercase_cyrillic(
    client: Any, specialist: Any, schools: list[School]
) -> None:
    client.force_login(specialist)
    page = client.get(reverse("schools:school_list"), {"q": "ольховская"}).content.decode()
    assert "Ольховская" in page
    assert "Gymnasium Nova" not in page


def test_campaign_search_finds_procedure_by_its_label() -> None:
    vpr = make_campaign(procedure="vpr")
    make_campaign(procedure="oge", grade=9)
    found = CampaignFilterSet({"q": "впр"}, queryset=vpr.__class__.objects.all()).qs
    assert list(found) == [vpr]


def test_roadmap_search_ignores_case_and_yo() -> None:
    roadmap = make_roadmap(title="Дорожная карта по ВПР, утверждённая приказом")
    make_roadmap(title="План мероприятий ОГЭ")
    for query in ("впр", "утвержденная", "УТВЕРЖДЁННАЯ впр"):
        found = RoadmapFilterSet({"q": query}, queryset=roadmap.__class__.objects.all()).qs
        assert list(found) == [roadmap], query

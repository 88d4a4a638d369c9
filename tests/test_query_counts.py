"""Guard rail: the number of queries of a list or detail page does not grow with its rows.

Each page is counted twice, after the world has grown by a few rows of everything and then
by more; the counts must be equal (a query per row would show as a difference).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.choices import UploadStatus
from assessments.models import ResultUpload
from msoko.jobs import job_create
from tests.assessments.matrix_campaigns import PUPILS_A, PUPILS_B, add_pupils, make_campaign
from tests.factories import PassportFactory, SchoolFactory
from tests.roadmaps.builders import make_roadmap, make_task

pytestmark = pytest.mark.django_db

_years = itertools.count(2030)
_numbers = itertools.count(2)


def _grow(world: dict[str, Any], n: int) -> None:
    """Add n schools with passports, campaigns with results, uploads, road maps with tasks."""
    municipality = world["school_a"].municipality
    for _ in range(n):
        school = SchoolFactory(municipality=municipality)
        PassportFactory(school=school, year=2025)
        campaign = make_campaign(year=next(_years))
        add_pupils(campaign, world["school_a"], PUPILS_A, absent=1)
        add_pupils(campaign, school, PUPILS_B)
        add_pupils(world["campaign"], school, PUPILS_B)
        upload = ResultUpload(
            status=UploadStatus.REJECTED,
            school=world["school_a"],
            municipality=municipality,
            uploaded_by=world["director_a"],
            campaign=campaign,
        )
        upload.store(filename="f.xlsx", data=b"PK")
        upload.save()
        roadmap = make_roadmap(world["specialist"], title=f"Карта {school.pk}")
        make_task(roadmap, schools=[world["school_a"], school], user=world["specialist"])
        make_task(world["roadmap"], str(next(_numbers)), schools=[world["school_a"], school])
        job_create(kind="t", title="Задача", created_by=world["specialist"])


@pytest.fixture
def world(school_a: Any, school_b: Any, specialist: Any, director_a: Any, passport_a: Any) -> Any:
    roadmap = make_roadmap(specialist)
    task = make_task(roadmap, schools=[school_a], user=specialist)
    campaign = make_campaign(year=2026)
    add_pupils(campaign, school_a, PUPILS_A)
    return {
        "school_a": school_a,
        "school_b": school_b,
        "specialist": specialist,
        "director_a": director_a,
        "roadmap": roadmap,
        "task": task,
        "campaign": campaign,
        "occurrence": task.occurrences.filter(school=school_a).first(),
    }


DEPARTMENT_ONLY = ("schools:registry_upload", "roadmaps:import_upload", "roadmaps:cycle_summary")

PAGES: dict[str, Any] = {
    "home": lambda w: [],
    "schools:school_list": lambda w: [],
    "schools:school_detail": lambda w: [w["school_a"].pk],
    "schools:wellbeing": lambda w: [],
    "schools:registry_upload": lambda w: [],
    "assessments:campaign_list": lambda w: [],
    "assessments:campaign_detail": lambda w: [w["campaign"].pk],
    "assessments:upload_list": lambda w: [],
    "assessments:upload_create": lambda w: [],
    "roadmaps:roadmap_list": lambda w: [],
    "roadmaps:roadmap_detail": lambda w: [w["roadmap"].pk],
    "roadmaps:task_detail": lambda w: [w["task"].pk],
    "roadmaps:occurrence_list": lambda w: [],
    "roadmaps:occurrence_detail": lambda w: [w["occurrence"].pk],
    "roadmaps:calendar": lambda w: [],
    "roadmaps:notification_list": lambda w: [],
    "roadmaps:import_upload": lambda w: [],
    "roadmaps:cycle_summary": lambda w: [],
}


def _count(client: Any, url: str, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("name", "persona"),
    [
        (name, persona)
        for name in sorted(PAGES)
        for persona in ("specialist", "director_a")
        if not (persona == "director_a" and name in DEPARTMENT_ONLY)  # 403 for a director
    ],
)
def test_queries_do_not_grow_with_rows(
    name: str, persona: str, world: dict[str, Any], client_for: Any
) -> None:
    url = reverse(name, args=PAGES[name](world))
    client = client_for(world[persona])
    query = {"mine": "all"} if name == "roadmaps:occurrence_list" else {}
    _grow(world, 2)
    client.get(url, query)  # warm the per-process caches (content types, sessions)
    small = _count(client, url, query)
    _grow(world, 5)
    large = _count(client, url, query)
    assert large == small, f"{url} as {persona}: {small} queries with fewer rows, {large} with more"

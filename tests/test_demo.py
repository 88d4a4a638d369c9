"""The demo municipality loads, is believable, and loading it twice changes nothing."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from msoko.choices import Role
from msoko.models import User
from schools.models import School, SocialPassport

pytestmark = pytest.mark.django_db


def test_load_demo_builds_a_municipality_with_every_role() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "логин: specialist" in text and "логин: director" in text
    assert {user.role for user in User.objects.all()} == set(Role)
    general = School.objects.general()
    assert 28 <= general.count() <= 35
    assert School.objects.exclude(pk__in=general).count() >= 5  # kindergartens and УДО
    assert set(SocialPassport.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    rural_shnsu = SocialPassport.objects.filter(
        year=2026, is_shnsu=True, school__locality="rural"
    ).count()
    assert rural_shnsu >= SocialPassport.objects.filter(year=2026, is_shnsu=True).count() // 2
    director = User.objects.get(username="director")
    assert director.school is not None and director.school.is_general
    merged = School.objects.get(login="edu330204")
    assert merged.successor is not None and not merged.is_active


def test_load_demo_twice_changes_nothing() -> None:
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    before = (School.history.count(), SocialPassport.history.count(), User.objects.count())
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    assert (School.history.count(), SocialPassport.history.count(), User.objects.count()) == before


def test_home_page_summarises_every_section(client: Any) -> None:
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    client.force_login(User.objects.get(username="director"))
    page = client.get("/").content.decode()
    assert "Моя организация" in page
    assert "Кампаний 2026 года" in page
    assert "Просрочено:" in page


def test_seed_road_maps_are_archived_and_the_first_screen_is_not_all_overdue(client: Any) -> None:
    from roadmaps.choices import RoadmapStatus
    from roadmaps.demo import CURRENT_TITLE
    from roadmaps.models import Roadmap

    call_command("load_demo", "--quiet", stdout=io.StringIO())
    current = Roadmap.objects.get(title=CURRENT_TITLE)
    today = timezone.localdate()
    assert current.status == RoadmapStatus.APPROVED
    assert current.start_year <= today.year <= current.end_year
    seeds = Roadmap.objects.exclude(pk=current.pk)
    assert seeds.exists()
    assert set(seeds.values_list("status", flat=True)) == {RoadmapStatus.ARCHIVED}

    client.force_login(User.objects.get(username="specialist"))
    page = client.get("/").content.decode()
    found = re.search(r"Просрочено: <strong[^>]*>(\d+)</strong>", page)
    assert found is not None
    assert 0 < int(found.group(1)) <= 25  # a few late tasks of the current road map, not hundreds

    # A demo database loaded before the seeds were archived is brought up to date.
    seeds.update(status=RoadmapStatus.APPROVED)
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    assert not Roadmap.objects.exclude(pk=current.pk).filter(status=RoadmapStatus.APPROVED).exists()

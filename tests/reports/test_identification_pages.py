"""The identification pages: a new rule version, a run from the page, the list review and
confirmation, and what a director sees (his school's lines only, counts of the others)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from msoko.choices import Role
from reports.choices import ListStatus, RunStatus
from reports.models import IdentificationRun, RuleVersion, SchoolList
from reports.services import identification_run_now
from tests.factories import PassportFactory, UserFactory
from tests.reports.builders import planted_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality: Any) -> Any:
    return planted_world(municipality)


@pytest.fixture
def editor(municipality: Any) -> Any:
    return UserFactory(role=Role.SPECIALIST, username="editor", municipality=municipality)


def _version_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-code": "K1",
        "criteria-0-indicator": "vpr.fail_share_year",
        "criteria-0-procedure": "",
        "criteria-0-subject": "",
        "criteria-0-grade": "",
        "criteria-0-threshold": "percentile",
        "criteria-0-value": "80",
        "criteria-0-span": "3",
        "criteria-0-need": "2",
        "criteria-0-min_n": "10",
        "criteria-0-weight": "1",
        "criteria-0-description": "",
        "combine": "any",
        "k": "1",
        "min_score": "",
        "markers": "exclude",
        "context": "none",
        "context_band": "10",
        "note": "Порог 80-й процентиль, ОО с маркерами исключаются.",
    }
    data.update(overrides)
    return data


def test_a_new_version_is_saved_from_the_form(client_for: Any, editor: Any) -> None:
    client = client_for(editor)
    page = client.get(reverse("reports:rule_version_new", args=["shnor_basic"]))
    assert page.status_code == 200
    assert "vpr.fail_share_year" in page.content.decode()  # prefilled from version 1
    response = client.post(
        reverse("reports:rule_version_new", args=["shnor_basic"]), _version_post()
    )
    assert response.status_code == 302
    version = RuleVersion.objects.get(rule__code="shnor_basic", version=2)
    assert version.definition["markers"] == "exclude"
    assert version.definition["criteria"][0]["value"] == "80"
    assert version.created_by == editor


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"criteria-0-value": "120"}, "процентиль должен быть от 0 до 100, указано 120"),
        ({"criteria-0-DELETE": "on"}, "В правиле нет ни одного критерия"),
        ({"combine": "at_least", "k": "3"}, "K = 3 больше числа критериев (1)"),
        ({"criteria-0-need": "4"}, "N должно быть от 1 до 3"),
    ],
)
def test_a_bad_version_is_refused_with_its_reason_and_nothing_is_saved(
    client_for: Any, editor: Any, overrides: dict[str, str], message: str
) -> None:
    before = RuleVersion.objects.count()
    response = client_for(editor).post(
        reverse("reports:rule_version_new", args=["shnor_basic"]), _version_post(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RuleVersion.objects.count() == before


def test_editing_a_used_version_leads_to_a_new_one(
    client_for: Any, editor: Any, world: Any
) -> None:
    version = RuleVersion.objects.get(rule__code="shnor_basic", version=1)
    identification_run_now(version=version, municipality=world.municipality, year=2026, user=None)
    definition = dict(version.definition)
    client = client_for(editor)
    edit = reverse("reports:rule_version_edit", args=["shnor_basic", 1])
    response = client.get(edit)
    assert response.status_code == 302
    assert response["Location"].endswith("?from=1")
    response = client.post(edit, _version_post(), follow=True)
    assert "уже применялась" in response.content.decode()
    version.refresh_from_db()
    assert version.definition == definition


def test_a_run_from_the_page_stores_the_protocol_and_a_draft(
    client_for: Any, editor: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:run_create", args=["shnor_basic"]), {"year": 2026, "version": 1}
        )
    assert response.status_code == 302
    run = IdentificationRun.objects.get()
    assert response["Location"] == reverse("reports:run_detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.listed == 3
    page = client.get(response["Location"]).content.decode()
    for key in ("W1", "W2", "W3"):
        assert world.schools[key].short_name in page
    assert run.protocol_sha256 in page
    pdf = client.get(reverse("reports:run_pdf", args=[run.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("reports:run_xlsx", args=[run.pk]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert run.school_list.status == ListStatus.DRAFT


def test_a_draft_is_reviewed_with_reasons_and_confirmed_once(
    client_for: Any, editor: Any, world: Any
) -> None:
    version = RuleVersion.objects.get(rule__code="shnor_basic", version=1)
    run = identification_run_now(
        version=version, municipality=world.municipality, year=2026, user=None
    )
    school_list = run.school_list
    client = client_for(editor)
    entries = reverse("reports:list_entry", args=[school_list.pk])
    added = world.schools["O"]
    no_reason = client.post(
        entries, {"school": added.pk, "included": "1", "reason": ""}, follow=True
    )
    assert "Обязательное поле" in no_reason.content.decode()
    assert not school_list.entries.filter(school=added).exists()
    client.post(entries, {"school": added.pk, "included": "1", "reason": "Решение комиссии"})
    removed = world.schools["W3"]
    client.post(entries, {"school": removed.pk, "included": "0", "reason": "Смена руководства"})
    assert set(school_list.entries.filter(included=True).values_list("school_id", flat=True)) == {
        world.schools["W1"].pk,
        world.schools["W2"].pk,
        added.pk,
    }
    confirm = reverse("reports:list_confirm", args=[school_list.pk])
    client.post(confirm, {"act_number": "215-о", "act_date": "2026-09-20"})
    school_list.refresh_from_db()
    assert school_list.status == ListStatus.CONFIRMED and school_list.act_number == "215-о"
    again = client.post(confirm, {"act_number": "216-о", "act_date": "2026-09-21"}, follow=True)
    assert "Перечень уже утверждён (акт № 215-о от 20.09.2026)" in again.content.decode()
    school_list.refresh_from_db()
    assert school_list.act_number == "215-о"
    # the confirmed list drives the four groups; a new run makes a new draft beside it
    identification_run_now(version=version, municipality=world.municipality, year=2026, user=None)
    assert SchoolList.objects.filter(year=2026, status=ListStatus.CONFIRMED).count() == 1
    groups = client.get(reverse("reports:groups"), {"year": 2026}).content.decode()
    assert "утверждённый перечень (акт № 215-о от 20.09.2026)" in groups
    assert added.short_name in groups


def test_a_director_sees_his_own_line_and_counts_only(client_for: Any, world: Any) -> None:
    version = RuleVersion.objects.get(rule__code="shnor_basic", version=1)
    run = identification_run_now(
        version=version, municipality=world.municipality, year=2026, user=None
    )
    mine, other = world.schools["W1"], world.schools["W2"]
    PassportFactory(school=mine, year=2026)
    director = UserFactory(role=Role.DIRECTOR, username="dir_w1", school=mine)
    client = client_for(director)
    page = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    assert mine.short_name in page and other.short_name not in page
    assert "Показаны только строки вашей ОО" in page
    assert client.get(reverse("reports:run_pdf", args=[run.pk])).status_code == 403
    listing = client.get(reverse("reports:list_detail", args=[run.school_list.pk])).content.decode()
    assert mine.short_name in listing and other.short_name not in listing
    groups = client.get(reverse("reports:groups"), {"year": 2026}).content.decode()
    assert mine.short_name in groups and other.short_name not in groups
    assert "Названия других ОО не показываются" in groups
    card = client.get(reverse("reports:school_card", args=[mine.pk])).content.decode()
    assert "ШНОР, черновик" in card

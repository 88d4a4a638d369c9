"""The «500+» pages as people use them: the profile, the programme button, the overview,
the upload, the curator, and the demo."""

from __future__ import annotations

import csv
import io
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from msoko.choices import Role
from roadmaps import demo_risks
from roadmaps import services_risks as services
from roadmaps.models import (
    Occurrence,
    RiskDirection,
    RiskProgramme,
    RiskUpload,
    SchoolCurator,
    SchoolRisk,
)
from tests.factories import SchoolFactory, UserFactory
from tests.roadmaps.test_risks import workbook

pytestmark = pytest.mark.django_db

YEAR = 2025


def _profile_url(school: Any) -> str:
    return reverse("roadmaps:risk_profile", args=[school.pk, YEAR])


def _form_data(**risks: dict[str, str]) -> dict[str, str]:
    """Every valid risk's fields empty, except the ones given (by code)."""
    data: dict[str, str] = {}
    for direction in RiskDirection.objects.all():
        fields = risks.get(direction.code.replace("-", "_"), {})
        prefix = f"risk-{direction.pk}"
        data[f"{prefix}-value"] = fields.get("value", "")
        data[f"{prefix}-level"] = fields.get("level", "")
        data[f"{prefix}-evidence"] = fields.get("evidence", "")
        if fields.get("selected"):
            data[f"{prefix}-selected"] = "on"
    return data


def test_the_director_fills_in_his_profile_and_makes_the_programme(
    client_for: Any, director_a: Any, school_a: Any
) -> None:
    client = client_for(director_a)
    page = client.get(_profile_url(school_a))
    assert page.status_code == 200
    assert "Сохранить риск-профиль" in page.content.decode()
    response = client.post(
        _profile_url(school_a),
        _form_data(
            equipment={"value": "62,5", "level": "high", "selected": "1", "evidence": "Анкета"},
            parents={"level": "medium"},
        ),
    )
    assert response.status_code == 302
    rows = {r.risk.code: r for r in SchoolRisk.objects.filter(school=school_a, year=YEAR)}
    assert set(rows) == {"equipment", "parents"}
    assert rows["equipment"].value == Decimal("62.5") and rows["equipment"].selected
    page = client.get(_profile_url(school_a)).content.decode()
    assert "Создать антирисковую программу" in page
    response = client.post(reverse("roadmaps:risk_programme_create", args=[school_a.pk, YEAR]))
    programme = RiskProgramme.objects.get(school=school_a, year=YEAR)
    assert response["Location"] == programme.roadmap.get_absolute_url()
    roadmap_page = client.get(response["Location"])
    assert roadmap_page.status_code == 200
    assert "Организовать использование имеющегося цифрового" in roadmap_page.content.decode()
    page = client.get(_profile_url(school_a)).content.decode()
    assert "Дополнить антирисковую программу" in page and "есть раздел программы" in page


def test_a_text_value_on_the_page_is_shown_back_with_nothing_saved(
    client_for: Any, specialist: Any, school_a: Any
) -> None:
    response = client_for(specialist).post(
        _profile_url(school_a), _form_data(equipment={"value": "много"})
    )
    assert response.status_code == 200
    assert "Проверьте выделенные поля" in response.content.decode()
    assert not SchoolRisk.objects.exists()


def test_officials_read_the_profile_and_other_directors_do_not_see_it(
    client_for: Any, official: Any, director_b: Any, school_a: Any
) -> None:
    SchoolRisk.objects.create(
        school=school_a,
        year=YEAR,
        risk=RiskDirection.objects.get(code="ovz"),
        value=Decimal("12.50"),
        level="high",
        selected=True,
    )
    page = client_for(official).get(_profile_url(school_a))
    html = page.content.decode()
    assert page.status_code == 200 and "12,5" in html and "высокий" in html
    assert "Сохранить риск-профиль" not in html and "Создать антирисковую" not in html
    assert client_for(official).post(_profile_url(school_a), _form_data()).status_code == 403
    assert client_for(director_b).get(_profile_url(school_a)).status_code == 404
    programme = reverse("roadmaps:risk_programme_create", args=[school_a.pk, YEAR])
    assert client_for(director_b).post(programme).status_code == 404
    assert client_for(official).post(programme).status_code == 403
    assert not RiskProgramme.objects.exists()


def _two_programmes(specialist: Any, school_a: Any, school_b: Any) -> None:
    for school, code in ((school_a, "parents"), (school_b, "equipment")):
        SchoolRisk.objects.create(
            school=school, year=YEAR, risk=RiskDirection.objects.get(code=code), selected=True
        )
        services.risk_programme_create(school=school, year=YEAR, user=specialist)
    first = Occurrence.objects.filter(school=school_a).order_by("due").first()
    assert first is not None
    Occurrence.objects.filter(pk=first.pk).update(status="done")


def test_the_overview_lists_schools_exports_and_draws_the_chart(
    client_for: Any, specialist: Any, school_a: Any, school_b: Any
) -> None:
    _two_programmes(specialist, school_a, school_b)
    services.curator_assign(school=school_a, curator=specialist, user=specialist)
    url = reverse("roadmaps:risk_overview")
    page = client_for(specialist).get(url, {"year": YEAR})
    html = page.content.decode()
    assert page.status_code == 200
    assert school_a.short_name in html and school_b.short_name in html
    assert "<svg" in html and "Таблица данных" in html
    response = client_for(specialist).get(url, {"year": YEAR, "export": "csv", "sort": "-percent"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["ОО", "Рисков выбрано", "Выбранные риски", "Программа"]
    assert [row[0] for row in rows[1:]] == [school_a.short_name, school_b.short_name]
    assert rows[1][-1] == "Тест Пользователь" and rows[2][-1] == ""  # no curator: empty cell
    xlsx = client_for(specialist).get(url, {"year": YEAR, "export": "xlsx"})
    assert xlsx.content.startswith(b"PK")


def test_a_director_sees_his_own_school_on_the_overview(
    client_for: Any, specialist: Any, director_a: Any, school_a: Any, school_b: Any
) -> None:
    _two_programmes(specialist, school_a, school_b)
    html = client_for(director_a).get(reverse("roadmaps:risk_overview")).content.decode()
    assert school_a.short_name in html and school_b.short_name not in html


def test_the_overview_without_data_says_what_to_do(client_for: Any, specialist: Any) -> None:
    html = client_for(specialist).get(reverse("roadmaps:risk_overview")).content.decode()
    assert "нет ни риск-профилей, ни антирисковых программ" in html


def test_the_workbook_goes_through_the_upload_pages(
    client_for: Any, specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(specialist)
    data = workbook([[school_a.login, "equipment", 70, "высокий"]])
    response = client.post(
        reverse("roadmaps:risk_import"),
        {"year": YEAR, "file": SimpleUploadedFile("anketa.xlsx", data)},
    )
    upload = RiskUpload.objects.get()
    assert response["Location"] == reverse("roadmaps:risk_import_detail", args=[upload.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Подтвердить загрузку" in detail and school_a.short_name in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roadmaps:risk_import_confirm", args=[upload.pk]))
    assert SchoolRisk.objects.get(school=school_a).level == "high"
    template = client.get(reverse("roadmaps:risk_import_template"), {"year": YEAR})
    assert template.content.startswith(b"PK")


def test_a_specialist_assigns_and_changes_the_curator(
    client_for: Any, specialist: Any, school_a: Any, director_a: Any
) -> None:
    other = UserFactory(role=Role.OFFICIAL, username="head", last_name="Громов")
    url = reverse("roadmaps:risk_curator", args=[school_a.pk])
    client = client_for(specialist)
    assert client.post(url, {"user": specialist.pk, "since": "2025-02-01"}).status_code == 302
    assert client.post(url, {"user": other.pk}).status_code == 302
    assert SchoolCurator.objects.get(school=school_a).user == other
    html = client_for(director_a).get(url).content.decode()
    assert "Громов" in html and "1 февраля 2025" in html and "Сменить куратора" not in html
    assert client_for(director_a).post(url, {"user": other.pk}).status_code == 403


def test_the_demo_gives_the_weak_schools_profiles_programmes_and_curators(
    specialist: Any, municipality: Any
) -> None:
    for login in demo_risks.SCHOOL_LOGINS:
        SchoolFactory(municipality=municipality, login=login)
    started = time.monotonic()
    message = demo_risks.load_demo(specialist=specialist, year=YEAR)
    assert time.monotonic() - started < 2
    assert "ОО: 5" in message
    assert RiskProgramme.objects.count() == 5 and SchoolCurator.objects.count() == 5
    assert Occurrence.objects.filter(status="done").exists()
    selected = SchoolRisk.objects.filter(selected=True).count()
    assert 10 <= selected <= 15
    assert demo_risks.load_demo(specialist=specialist, year=YEAR) == ""
    assert RiskProgramme.objects.count() == 5

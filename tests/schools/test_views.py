"""Registry pages as their users meet them: lists, exports, edits, history, access."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from schools.models import School, SocialPassport
from tests.factories import PassportFactory, SchoolFactory
from tests.schools.builders import registry_file

pytestmark = pytest.mark.django_db

PASSPORT_POST = {
    "year": 2026,
    "pupils_total": 480,
    "pupils_ovz": 15,
    "share_low_income": "20,5",
    "share_large_families": "11",
    "share_non_native": "1",
    "share_pdn": "0,5",
    "share_single_parent": "17",
    "share_parents_no_higher": "38",
    "teachers_total": 33,
    "teacher_vacancies": 2,
    "share_teachers_pension": "22",
    "share_teachers_category": "70",
    "distance_km": "0",
}


def test_school_list_filters_and_searches(
    client_for: Any, specialist: Any, school_a: Any, school_b: Any
) -> None:
    client = client_for(specialist)
    page = client.get(reverse("schools:school_list"), {"q": "Каменская"}).content.decode()
    assert school_b.short_name in page and school_a.short_name not in page
    rural = client.get(reverse("schools:school_list"), {"locality": "rural"}).content.decode()
    assert school_b.short_name in rural and school_a.short_name not in rural


def test_school_list_export_uses_the_same_table_and_filters(
    client_for: Any, specialist: Any, school_a: Any, school_b: Any
) -> None:
    response = client_for(specialist).get(
        reverse("schools:school_list"), {"locality": "rural", "export": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Организация", "Логин ФИС ОКО", "Тип")
    assert [row[1] for row in rows[1:]] == [school_b.login]


def test_export_never_writes_a_formula(client_for: Any, specialist: Any, municipality: Any) -> None:
    SchoolFactory(municipality=municipality, short_name='=HYPERLINK("http://evil","x")')
    response = client_for(specialist).get(reverse("schools:school_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(
        c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")
    )
    assert cell.data_type == "s"


def test_school_list_query_count_does_not_grow_with_schools(
    client_for: Any, specialist: Any, municipality: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        PassportFactory(school=SchoolFactory(municipality=municipality))
    client = client_for(specialist)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("schools:school_list")).status_code == 200


def test_director_sees_only_his_school_in_the_list(
    client_for: Any, director_a: Any, school_a: Any, school_b: Any
) -> None:
    page = client_for(director_a).get(reverse("schools:school_list")).content.decode()
    assert school_a.short_name in page and school_b.short_name not in page


def test_director_edits_his_own_passport_and_history_records_him(
    client_for: Any, director_a: Any, school_a: Any
) -> None:
    client = client_for(director_a)
    response = client.post(reverse("schools:passport_create", args=[school_a.pk]), PASSPORT_POST)
    assert response.status_code == 302
    passport = SocialPassport.objects.get(school=school_a, year=2026)
    assert passport.share_low_income == Decimal("20.5")
    assert passport.wellbeing_index is not None
    page = client.get(reverse("schools:school_detail", args=[school_a.pk])).content.decode()
    assert "Социальный паспорт 2026 г.: создание" in page
    assert director_a.get_full_name() in page


def test_a_passport_with_a_share_over_100_is_refused_with_a_message(
    client_for: Any, specialist: Any, school_a: Any
) -> None:
    data = PASSPORT_POST | {"share_low_income": "130"}
    response = client_for(specialist).post(
        reverse("schools:passport_create", args=[school_a.pk]), data
    )
    assert response.status_code == 200
    assert "Убедитесь, что это значение меньше либо равно 100" in response.content.decode()
    assert not SocialPassport.objects.exists()


def test_history_shows_who_changed_what(client_for: Any, specialist: Any, school_a: Any) -> None:
    client = client_for(specialist)
    form = {
        "municipality": school_a.municipality_id,
        "full_name": school_a.full_name,
        "short_name": school_a.short_name,
        "org_type": "sosh",
        "login": school_a.login,
        "inn": "",
        "address": "ул. Новая, 5",
        "locality": "urban",
        "director_name": "Сидорова Анна Ивановна",
        "phone": "",
        "email": "",
        "is_active": "on",
        "successor": "",
    }
    assert (
        client.post(reverse("schools:school_update", args=[school_a.pk]), form).status_code == 302
    )
    page = client.get(reverse("schools:school_detail", args=[school_a.pk])).content.decode()
    assert "руководитель: — → Сидорова Анна Ивановна" in page
    assert "адрес: — → ул. Новая, 5" in page


def test_specialist_changes_weights_and_every_index_is_recomputed(
    client_for: Any, specialist: Any, passport_a: Any, passport_b: Any
) -> None:
    from schools.services import wellbeing_recompute
    from schools.wellbeing import FACTORS

    wellbeing_recompute()
    before = SocialPassport.objects.get(pk=passport_a.pk).wellbeing_index
    data = {f"w_{factor.key}": "0" for factor in FACTORS} | {
        "w_distance": "1",
        "shnsu_rule": "absolute",
        "shnsu_value": "50",
    }
    response = client_for(specialist).post(reverse("schools:wellbeing"), data)
    assert response.status_code == 302
    after = SocialPassport.objects.get(pk=passport_a.pk)
    assert after.wellbeing_index == Decimal("100.0") != before  # distance 0 → no risk
    assert not after.is_shnsu


def test_official_reads_the_formula_but_cannot_change_weights(
    client_for: Any, official: Any, municipality: Any
) -> None:
    client = client_for(official)
    page = client.get(reverse("schools:wellbeing")).content.decode()
    assert "ИСБШ = 100 − Σ(вес × риск) / Σ(вес)" in page
    assert client.post(reverse("schools:wellbeing"), {}).status_code == 403


def test_registry_upload_dry_run_then_confirm(
    client_for: Any, specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(specialist)
    upload = SimpleUploadedFile("reestr.xlsx", registry_file())
    response = client.post(reverse("schools:registry_upload"), {"file": upload})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Подтвердить загрузку" in detail and not School.objects.exists()
    confirm_url = response["Location"] + "confirm/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(confirm_url).status_code == 302  # the commit runs as a job
    assert School.objects.count() == 3
    detail = client.get(response["Location"]).content.decode()
    assert "Реестр загружен: ОО добавлено 3" in detail and 'id="job"' in detail
    # Confirming twice does not import twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url)
    assert School.history.count() == 3


def test_registry_upload_with_errors_shows_them_by_cell(client_for: Any, specialist: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    def bad(rows: dict[str, Any]) -> None:
        rows["Паспорта"][0][1] = 1990

    client = client_for(specialist)
    response = client.post(
        reverse("schools:registry_upload"),
        {"file": SimpleUploadedFile("r.xlsx", registry_file(bad))},
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Найдены ошибки (1). Ничего не изменено." in detail
    assert "год 1990 вне допустимого диапазона" in detail
    assert "Подтвердить загрузку" not in detail


def test_the_registry_export_reimports_without_changes(client_for: Any, specialist: Any) -> None:
    from schools.services import registry_import

    registry_import(filename="r.xlsx", data=registry_file(), user=specialist, commit=True)
    exported = client_for(specialist).get(reverse("schools:registry_export")).content
    report = registry_import(filename="export.xlsx", data=exported, user=specialist, commit=True)
    assert report.committed, [str(p) for p in report.problems]
    assert report.summary()["school_update"] == 0 and report.summary()["passport_update"] == 0

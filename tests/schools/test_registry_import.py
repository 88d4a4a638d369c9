"""The registry import: dry run, all-or-nothing commit, idempotence, and bad files."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from schools.models import Municipality, School, SocialPassport
from schools.services import registry_import
from tests.schools.builders import registry_file, registry_rows

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[Any, ...]:
    return (
        list(Municipality.objects.values_list("oktmo", "name")),
        list(School.objects.order_by("login").values()),
        list(SocialPassport.objects.order_by("school__login", "year").values()),
        School.history.count(),
        SocialPassport.history.count(),
    )


def test_dry_run_reports_the_plan_and_writes_nothing(specialist: Any) -> None:
    report = registry_import(filename="r.xlsx", data=registry_file(), user=specialist, commit=False)
    assert report.errors == []
    assert report.summary()["school_create"] == 3
    assert report.summary()["passport_create"] == 4
    assert not report.committed
    assert School.objects.count() == 0 and Municipality.objects.count() == 0


def test_commit_creates_schools_passports_and_the_index(specialist: Any) -> None:
    report = registry_import(filename="r.xlsx", data=registry_file(), user=specialist, commit=True)
    assert report.committed, [str(p) for p in report.problems]
    lyceum = School.objects.get(login="edu100002")
    assert lyceum.org_type == "lyceum" and lyceum.municipality.oktmo == "12345000"
    rural = School.objects.get(login="edu100003")
    assert rural.locality == "rural"
    passports = {
        p.school.login: p for p in SocialPassport.objects.filter(year=2025).select_related("school")
    }
    assert all(p.wellbeing_index is not None for p in passports.values())
    assert passports["edu100002"].wellbeing_index > passports["edu100003"].wellbeing_index
    # With the default rule (lowest 25 % of three schools → one school) the rural school is ШНСУ.
    assert [login for login, p in passports.items() if p.is_shnsu] == ["edu100003"]
    # History records who imported.
    assert School.history.filter(history_user=specialist).count() == 3


def test_importing_the_same_file_twice_changes_nothing(specialist: Any) -> None:
    data = registry_file()
    registry_import(filename="r.xlsx", data=data, user=specialist, commit=True)
    before = snapshot()
    report = registry_import(filename="r.xlsx", data=data, user=specialist, commit=True)
    assert report.committed
    assert report.summary()["school_unchanged"] == 3 and report.summary()["passport_unchanged"] == 4
    assert snapshot() == before


def test_a_corrected_file_updates_only_what_changed(specialist: Any) -> None:
    registry_import(filename="r.xlsx", data=registry_file(), user=specialist, commit=True)

    def rename(rows: dict[str, Any]) -> None:
        rows["ОО"][0][7] = "Петров Пётр Петрович"
        rows["Паспорта"][0][2] = 420

    report = registry_import(
        filename="r.xlsx", data=registry_file(rename), user=specialist, commit=True
    )
    assert report.count("school", "update") == 1 and report.count("passport", "update") == 1
    assert School.objects.get(login="edu100001").director_name == "Петров Пётр Петрович"
    assert School.history.filter(login="edu100001").count() == 2


def test_predecessor_link_is_set_from_the_file(specialist: Any) -> None:
    def merge(rows: dict[str, Any]) -> None:
        rows["ОО"][0][11] = "edu100003"
        rows["ОО"][2][10] = "нет"

    report = registry_import(
        filename="r.xlsx", data=registry_file(merge), user=specialist, commit=True
    )
    assert report.committed
    assert School.objects.get(login="edu100003").successor == School.objects.get(login="edu100001")


def test_the_template_has_the_three_sheets_and_a_type_list() -> None:
    workbook = load_workbook(io.BytesIO(registry_file(lambda rows: rows.clear())))
    assert workbook.sheetnames[:3] == ["Муниципалитет", "ОО", "Паспорта"]
    assert workbook["ОО"].data_validations.dataValidation, "the type column has a drop-down list"
    assert registry_rows()  # builders stay importable


def _errors(data: bytes, user: Any, filename: str = "r.xlsx") -> list[str]:
    before = snapshot()
    report = registry_import(filename=filename, data=data, user=user, commit=True)
    assert not report.committed
    assert snapshot() == before, "a rejected file must change nothing"
    return [str(problem) for problem in report.errors]


def test_a_file_that_is_not_xlsx_is_refused(specialist: Any) -> None:
    errors = _errors(b"%PDF-1.4 not a spreadsheet\x00\x01", specialist, "reestr.pdf")
    assert any("не является таблицей" in e for e in errors)


def test_missing_columns_are_named(specialist: Any) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Муниципалитет"
    workbook.active.append(["Наименование", "ОКТМО", "Субъект РФ"])
    workbook.active.append(["Район", "12345000", "Область"])
    schools = workbook.create_sheet("ОО")
    schools.append(["Логин ФИС ОКО", "Краткое наименование"])
    schools.append(["edu100001", "СОШ № 1"])
    workbook.create_sheet("Паспорта").append(["Логин ФИС ОКО", "Год", "Обучающихся, чел."])
    buffer = io.BytesIO()
    workbook.save(buffer)
    errors = _errors(buffer.getvalue(), specialist)
    assert any(
        "«Полное наименование»" in e and "«Тип»" in e and "Лист «ОО»" in e for e in errors
    ), errors


def test_unknown_school_type_is_reported_with_its_cell(specialist: Any) -> None:
    def bad_type(rows: dict[str, Any]) -> None:
        rows["ОО"][1][3] = "Академия"

    errors = _errors(registry_file(bad_type), specialist)
    assert errors == [
        "Лист «ОО», строка 3, столбец D: «Тип»: неизвестный тип ОО «Академия»; допустимы: СОШ, ООШ, НОШ, "
        "Гимназия, Лицей, Центр образования, Вечерняя (сменная) школа, Кадетская школа, Детский сад (ДОО), "
        "УДО, ДЮЦ, ДЮСШ."
    ]


def test_duplicate_logins_are_refused(specialist: Any) -> None:
    def duplicate(rows: dict[str, Any]) -> None:
        rows["ОО"][2][0] = "edu100001"

    errors = _errors(registry_file(duplicate), specialist)
    assert (
        "Лист «ОО», строка 4, столбец A: логин edu100001 повторяется (уже был в строке 2)."
        in errors
    )


@pytest.mark.parametrize("value", [120, -5, "сто"])
def test_a_share_outside_0_100_or_not_a_number_is_refused(specialist: Any, value: Any) -> None:
    def bad_share(rows: dict[str, Any]) -> None:
        rows["Паспорта"][1][4] = value

    errors = _errors(registry_file(bad_share), specialist)
    assert len(errors) == 1
    assert errors[0].startswith("Лист «Паспорта», строка 3, столбец E: «Малоимущие семьи, %»:")


@pytest.mark.parametrize("year", [1999, 2100])
def test_a_year_out_of_range_is_refused(specialist: Any, year: int) -> None:
    def bad_year(rows: dict[str, Any]) -> None:
        rows["Паспорта"][0][1] = year

    errors = _errors(registry_file(bad_year), specialist)
    assert len(errors) == 1 and f"год {year} вне допустимого диапазона" in errors[0]
    assert "строка 2, столбец B" in errors[0]


def test_a_passport_of_an_unknown_school_is_refused(specialist: Any) -> None:
    def unknown(rows: dict[str, Any]) -> None:
        rows["Паспорта"].append(["edu999999", 2025, 100])

    errors = _errors(registry_file(unknown), specialist)
    assert errors == [
        "Лист «Паспорта», строка 6, столбец A: ОО с логином edu999999 нет ни на листе «ОО», ни в реестре."
    ]


def test_a_formula_instead_of_a_value_is_refused(specialist: Any) -> None:
    def formula(rows: dict[str, Any]) -> None:
        rows["Паспорта"][0][2] = "=100+300"

    data = registry_file(formula)
    # registry_template writes formula-looking text as a string; build a real formula instead.
    workbook = load_workbook(io.BytesIO(data))
    workbook["Паспорта"]["C2"] = "=100+300"
    buffer = io.BytesIO()
    workbook.save(buffer)
    errors = _errors(buffer.getvalue(), specialist)
    assert errors == [
        "Лист «Паспорта», строка 2, столбец C: «Обучающихся, чел.»: формула вместо значения; введите значение."
    ]


def test_every_error_is_reported_not_only_the_first(specialist: Any) -> None:
    def many(rows: dict[str, Any]) -> None:
        rows["ОО"][0][0] = "school1"
        rows["ОО"][1][9] = "not-an-email"
        rows["Паспорта"][2][4] = 101

    errors = _errors(registry_file(many), specialist)
    assert len(errors) >= 3

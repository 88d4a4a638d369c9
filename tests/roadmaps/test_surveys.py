"""Survey aggregates per school (issue 11, item 3): school × indicator × value, whole."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from assessments import catalogue
from assessments import collected as col
from assessments.models import IndicatorValue
from msoko.choices import UploadStatus
from msoko.uploads import upload_confirm, upload_store
from roadmaps.services_surveys import SURVEYS, survey_indicators
from tests.factories import MunicipalityFactory, SchoolFactory

pytestmark = pytest.mark.django_db

YEAR = 2026
HEADER = ["Логин ОО", "Показатель", "Значение", "Респондентов"]


def book(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def load(user: Any, data: bytes, capture: Any, year: int = YEAR) -> Any:
    upload = upload_store(SURVEYS, user=user, filename="anketa.xlsx", data=data, year=year)
    if upload.status == UploadStatus.CHECKED:
        with capture(execute=True):
            upload_confirm(SURVEYS, upload_id=upload.pk, user=user)
        upload.refresh_from_db()
    return upload


def texts(upload: Any) -> str:
    return " ".join(p["text"] for p in upload.report.get("problems", []))


def survey_share() -> catalogue.Indicator:
    found = [i for i in survey_indicators() if i.collect and i.collect.kind == col.SHARE]
    if not found:
        pytest.skip("в каталоге нет показателя анкетирования в долях")
    return found[0]


@pytest.fixture
def bound(specialist: Any, municipality: Any) -> Any:
    specialist.municipality = municipality
    specialist.save()
    return specialist


def test_aggregates_land_in_the_store_with_the_weighted_municipal_value(
    bound: Any, school_a: Any, school_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = survey_share()
    data = book(
        [[school_a.login, indicator.code, "80", 30], [school_b.login, indicator.name, "50,5", 10]]
    )
    upload = load(bound, data, django_capture_on_commit_callbacks)
    assert upload.status == UploadStatus.IMPORTED, texts(upload)
    rows = {
        (row.school_id, row.level): row
        for row in IndicatorValue.objects.filter(code=indicator.code, year=YEAR)
    }
    assert rows[(school_a.pk, "school")].value == Decimal("80")
    assert rows[(school_a.pk, "school")].n == 30
    assert rows[(school_b.pk, "school")].value == Decimal("50.5")
    # (80 × 30 + 50,5 × 10) / 40 = 72,625
    municipal = rows[(None, "municipality")]
    assert municipal.value == Decimal("72.6250") and municipal.n == 40
    assert municipal.procedure == "mon"


def test_a_new_file_replaces_its_indicators_and_keeps_the_others(
    bound: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    indicators = survey_indicators()
    if len(indicators) < 2:
        pytest.skip("в каталоге меньше двух показателей анкетирования")
    first, second = indicators[0], indicators[1]
    value = {col.SHARE: "40", col.COUNT: "4", col.BOOL: "да"}
    one = book(
        [
            [school_a.login, first.code, value.get(first.collect.kind, "1"), 5],  # type: ignore[union-attr]
            [school_a.login, second.code, value.get(second.collect.kind, "1"), 5],  # type: ignore[union-attr]
        ]
    )
    assert load(bound, one, django_capture_on_commit_callbacks).status == UploadStatus.IMPORTED
    again = book([[school_a.login, first.code, value.get(first.collect.kind, "1"), 7]])  # type: ignore[union-attr]
    assert load(bound, again, django_capture_on_commit_callbacks).status == UploadStatus.IMPORTED
    school_rows = IndicatorValue.objects.filter(school=school_a, year=YEAR)
    assert school_rows.get(code=first.code).n == 7
    assert school_rows.filter(code=second.code).count() == 1
    assert school_rows.filter(code=first.code).count() == 1


def test_bad_rows_are_placed_and_nothing_is_written(
    bound: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = survey_share()
    stranger = SchoolFactory(municipality=MunicipalityFactory(oktmo="99999000", name="Другой МР"))
    data = book(
        [
            [school_a.login, indicator.code, "120", 10],
            [school_a.login, indicator.code, "много", 10],
            [school_a.login, "mon.nope.nothing", "10", 10],
            [stranger.login, indicator.code, "10", 10],
            [school_a.login, indicator.code, "10", "-3"],
        ]
    )
    upload = load(bound, data, django_capture_on_commit_callbacks)
    assert upload.status == UploadStatus.REJECTED
    problems = texts(upload)
    assert "больше 100 %" in problems
    assert "не число" in problems
    assert "не показатель анкетирования" in problems
    assert "нет в реестре муниципалитета" in problems
    assert "число респондентов" in problems
    rows = [p["row"] for p in upload.report["problems"]]
    assert rows == [2, 3, 4, 5, 6]
    assert not IndicatorValue.objects.filter(code=indicator.code).exists()


def test_the_survey_page_lists_the_survey_indicators(client_for: Any, bound: Any) -> None:
    page = client_for(bound).get("/roadmaps/surveys/import/").content.decode()
    for indicator in survey_indicators()[:3]:
        assert indicator.code in page
    template = client_for(bound).get("/roadmaps/surveys/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"


def test_import_survey_checks_then_loads_from_the_command_line(
    tmp_path: Any, school_a: Any, school_b: Any
) -> None:
    from django.core.management import CommandError, call_command

    indicator = survey_share()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(book([[school_a.login, indicator.code, "140", 10]]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="не загружен"):
        call_command("import_survey", str(bad), "--year", str(YEAR), stdout=out)
    assert "строка 2" in out.getvalue() and "больше 100 %" in out.getvalue()
    good = tmp_path / "good.xlsx"
    good.write_bytes(
        book(
            [[school_a.login, indicator.code, "60", 10], [school_b.login, indicator.code, "40", 30]]
        )
    )
    call_command("import_survey", str(good), "--year", str(YEAR), "--dry-run", stdout=io.StringIO())
    assert not IndicatorValue.objects.exists()
    out = io.StringIO()
    call_command("import_survey", str(good), "--year", str(YEAR), stdout=out)
    assert "загружены" in out.getvalue()
    assert IndicatorValue.objects.get(code=indicator.code, level="municipality").value == Decimal(
        "45.0000"
    )

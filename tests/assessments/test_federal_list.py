"""The federal list of schools with «маркеры необъективности»: a real xlsx in the federal
layout, through the shared upload flow, the command and the upload page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from assessments.models import FederalListUpload, ObjectivityMarker
from assessments.services.federal_lists import FEDERAL_LIST, cell_marked
from msoko.choices import Role, UploadStatus
from msoko.uploads import upload_confirm, upload_store
from tests.assessments.matrix_campaigns import make_campaign
from tests.factories import MunicipalityFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "Год",
    "Логин",
    "Муниципалитет",
    "ОО",
    "4 РУ",
    "4 МА",
    "5 РУ",
    "5 МА",
    "Количество маркеров",
]


def federal_xlsx(*rows: list[Any], header: list[str] = HEADER, title: bool = True) -> bytes:
    """The federal list as openpyxl writes it: a title row, the header, the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Перечень"
    if title:
        sheet.append(["Перечень ОО с признаками необъективных результатов ВПР"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def bound_specialist(municipality: Any) -> Any:
    return UserFactory(role=Role.SPECIALIST, username="spec_m1", municipality=municipality)


def _store(user: Any, data: bytes) -> FederalListUpload:
    upload: FederalListUpload = upload_store(
        FEDERAL_LIST, user=user, filename="perechen.xlsx", data=data
    )
    return upload


def _import(user: Any, data: bytes, capture: Any) -> FederalListUpload:
    upload = _store(user, data)
    assert upload.status == UploadStatus.CHECKED, upload.report["problems"]
    with capture(execute=True):
        upload_confirm(FEDERAL_LIST, upload_id=upload.pk, user=user)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED
    return upload


def _errors(upload: FederalListUpload) -> list[str]:
    return [p["text"] for p in upload.report["problems"] if p["severity"] == "error"]


def _federal() -> set[tuple[Any, ...]]:
    return set(
        ObjectivityMarker.objects.filter(code="federal_list").values_list(
            "year", "school__login", "subject__code", "grade"
        )
    )


def test_the_cells_say_marked_leniently() -> None:
    for yes in ("1", 1, 2.0, "да", "Да", "+", "х", "x", "v", "✓", "есть"):
        assert cell_marked(yes) is True, yes
    for no in ("", None, "0", 0, "нет", "-", "—"):
        assert cell_marked(no) is False, no
    assert cell_marked("может быть") is None


def test_the_list_round_trips_into_federal_markers(
    school_a: Any, school_b: Any, bound_specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign(procedure="vpr", subject="russian", year=2025, grade=4)
    data = federal_xlsx(
        [2025, school_a.login, "Тестовый МО", school_a.short_name, 1, "", "", "да", 2],
        [2025, school_b.login.upper(), "", school_b.short_name, "", "+", "х", "", 2],
    )
    upload = _import(bound_specialist, data, django_capture_on_commit_callbacks)
    assert _federal() == {
        (2025, school_a.login, "russian", 4),
        (2025, school_a.login, "math", 5),
        (2025, school_b.login, "math", 4),
        (2025, school_b.login, "russian", 5),
    }
    marker = ObjectivityMarker.objects.get(school=school_a, code="federal_list", grade=4)
    # linked to the portal's ВПР campaign of the year, subject and grade (none for the others)
    assert marker.campaign == campaign and marker.raised and marker.upload == upload
    assert marker.procedure == "vpr" and marker.evidence["column"] == "4 РУ"
    assert marker.evidence["row"] == 3  # the title row, the header, then the school
    assert ObjectivityMarker.objects.get(school=school_a, grade=5).campaign is None
    assert upload.report["markers"] == 4 and upload.report["years"][0]["replaced"] == 0


def test_a_reimport_of_a_year_replaces_its_federal_rows_and_leaves_other_years(
    school_a: Any, school_b: Any, bound_specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = federal_xlsx(
        [2025, school_a.login, "", "", 1, 1, "", "", 2],
        [2024, school_a.login, "", "", 1, "", "", "", 1],
    )
    _import(bound_specialist, first, django_capture_on_commit_callbacks)
    again = federal_xlsx([2025, school_b.login, "", "", "", "", 1, "", 1])
    upload = _store(bound_specialist, again)
    assert upload.report["years"] == [{"year": 2025, "replaced": 2}]
    with django_capture_on_commit_callbacks(execute=True):
        upload_confirm(FEDERAL_LIST, upload_id=upload.pk, user=bound_specialist)
    assert _federal() == {
        (2024, school_a.login, "russian", 4),
        (2025, school_b.login, "russian", 5),
    }


@pytest.mark.parametrize(
    ("row", "header", "message"),
    [
        (
            [2025, "edu999999", "", "", 1, "", "", "", 1],
            HEADER,
            "ОО с логином «edu999999» нет в реестре портала",
        ),
        ([2025, "школа № 1", "", "", 1, "", "", "", 1], HEADER, "ожидается edu и шесть цифр"),
        (["прошлый", "LOGIN_A", "", "", 1, "", "", "", 1], HEADER, "год «прошлый»"),
        (["2025", "LOGIN_A", "", "", "может быть", "", "", "", 1], HEADER, "«4 РУ» «может быть»"),
        (["2025", "LOGIN_A", "", "", 1, "", "", 1], HEADER[:-1], "нет столбцов: «Количество"),
        (["2025", "LOGIN_OTHER", "", "", 1, "", "", "", 1], HEADER, "другого муниципалитета"),
    ],
    ids=["unknown-login", "not-a-login", "wrong-year", "bad-cell", "missing-column", "other-mo"],
)
def test_bad_input_is_refused_with_its_row_and_changes_nothing(
    row: list[Any],
    header: list[str],
    message: str,
    school_a: Any,
    bound_specialist: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _import(
        bound_specialist,
        federal_xlsx([2025, school_a.login, "", "", 1, "", "", "", 1]),
        django_capture_on_commit_callbacks,
    )
    before = _federal()
    other = SchoolFactory(municipality=MunicipalityFactory(oktmo="11111000"))
    logins = {"LOGIN_A": school_a.login, "LOGIN_OTHER": other.login}
    cells = [logins.get(v, v) if isinstance(v, str) else v for v in row]
    good = [2025, school_a.login, "", "", "", 1, "", "", 1]
    upload = _store(bound_specialist, federal_xlsx(good, cells, header=header))
    assert upload.status == UploadStatus.REJECTED
    errors = _errors(upload)
    assert any(message in text for text in errors), errors
    if header == HEADER:
        assert any("строка 4" in text for text in errors), errors  # the bad row, named
    assert _federal() == before
    # a confirm of the refused file is refused too: nothing changes
    from msoko.uploads import UploadRefused

    with pytest.raises(UploadRefused):
        upload_confirm(FEDERAL_LIST, upload_id=upload.pk, user=bound_specialist)
    assert _federal() == before


def test_a_count_that_differs_and_another_municipality_name_are_warnings(
    school_a: Any, bound_specialist: Any
) -> None:
    upload = _store(
        bound_specialist,
        federal_xlsx([2025, school_a.login, "Другой район", "", 1, "", "", "", 3]),
    )
    assert upload.status == UploadStatus.CHECKED
    warnings = [p["text"] for p in upload.report["problems"] if p["severity"] == "warning"]
    assert any("отмечено столбцов 1" in w for w in warnings)
    assert any("«Другой район»" in w for w in warnings)


def test_the_command_checks_and_imports(
    school_a: Any, bound_specialist: Any, tmp_path: Path
) -> None:
    path = tmp_path / "perechen.xlsx"
    path.write_bytes(federal_xlsx([2025, school_a.login, "", "", "", "", "", "да", 1]))
    out = io.StringIO()
    call_command("import_federal_list", str(path), "--dry-run", stdout=out)
    assert "Ошибок нет" in out.getvalue() and not _federal()
    call_command("import_federal_list", str(path), "--user", "spec_m1", stdout=out)
    assert _federal() == {(2025, school_a.login, "math", 5)}
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(federal_xlsx([2025, "edu999999", "", "", 1, "", "", "", 1]))
    with pytest.raises(CommandError, match="Ничего не изменено"):
        call_command("import_federal_list", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    assert _federal() == {(2025, school_a.login, "math", 5)}


def test_the_upload_page_checks_and_a_director_has_no_upload(
    school_a: Any,
    bound_specialist: Any,
    director_a: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(bound_specialist)
    data = federal_xlsx([2025, school_a.login, "", "", 1, "", "", "", 1])
    response = client.post(
        reverse("assessments:federal_list_upload"),
        {"file": SimpleUploadedFile("perechen.xlsx", data)},
    )
    upload = FederalListUpload.objects.get()
    assert response["Location"] == reverse(
        "assessments:federal_list_upload_detail", args=[upload.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Подтвердить загрузку" in page and school_a.short_name in page and "4 РУ" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:federal_list_upload_confirm", args=[upload.pk]))
    assert _federal() == {(2025, school_a.login, "russian", 4)}
    assert client_for(director_a).get(reverse("assessments:federal_list_upload")).status_code == 403

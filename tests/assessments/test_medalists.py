"""Medalists: the writes, the list import through the shared upload flow, and the pages,
which read the stored outcome and show a director his own school only."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.choices import UploadStatus
from assessments.models import FiguresRun, IndicatorValue, Medalist, MedalistUpload
from assessments.services.figures import year_figures_compute
from assessments.services.graduates import MEDALISTS, medal_kind, medalist_create
from msoko.choices import Role
from msoko.jobs import JobError
from msoko.uploads import FLOWS, upload_commit, upload_confirm, upload_store
from tests.assessments.builders import csv_bytes, xlsx_bytes
from tests.assessments.matrix_medalists import YEAR, add_ege
from tests.factories import MunicipalityFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["Год", "Логин ОО", "Код участника", "Медаль"]
# a-1 confirms I степени (82, профиль 74); a-2 does not (русский 64); b-1 confirms II
# степени (50, профиль 40).
RESULTS_A = (
    ("a-1", "russian", 82, None),
    ("a-1", "math_profile", 74, None),
    ("a-2", "russian", 64, None),
    ("a-2", "math_base", None, 5),
)
RESULTS_B = (("b-1", "russian", 50, None), ("b-1", "math_profile", 40, None))


@pytest.fixture
def results(school_a: Any, school_b: Any) -> None:
    add_ege(school_a, RESULTS_A)
    add_ege(school_b, RESULTS_B)


@pytest.fixture
def bound_specialist(municipality: Any) -> Any:
    """A specialist of the municipality's department (bound to it)."""
    return UserFactory(role=Role.SPECIALIST, username="spec_m1", municipality=municipality)


def _file(*rows: list[Any]) -> bytes:
    return xlsx_bytes({"Медалисты": [HEADER, *rows]})


def _store(user: Any, data: bytes, filename: str = "medalisty.xlsx") -> MedalistUpload:
    upload: MedalistUpload = upload_store(MEDALISTS, user=user, filename=filename, data=data)
    return upload


def _commit(upload: MedalistUpload, user: Any, capture: Any) -> None:
    with capture(execute=True):
        upload_confirm(MEDALISTS, upload_id=upload.pk, user=user)


def _messages(upload: MedalistUpload, severity: str = "error") -> list[str]:
    return [p["text"] for p in upload.report["problems"] if p["severity"] == severity]


def test_the_flow_is_registered_and_reads_the_medal_spellings() -> None:
    assert FLOWS["medalists"] is MEDALISTS
    assert medal_kind("I степени") == medal_kind("золотая") == "first"
    assert medal_kind("ІІ степени") == medal_kind("Серебряная медаль") == "second"  # Cyrillic І
    assert medal_kind("бронзовая") is None


def test_an_imported_list_is_stored_and_its_medals_checked_against_ege(
    results: Any,
    school_a: Any,
    school_b: Any,
    bound_specialist: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload = _store(
        bound_specialist,
        _file(
            [YEAR, school_a.login, "a-1", "I степени"],
            [YEAR, school_a.login, "a-2", "золотая"],
            [YEAR, school_b.login, "b-1", "II степени"],
        ),
    )
    assert upload.status == UploadStatus.CHECKED, upload.report
    assert upload.report["medalists"] == 3 and not Medalist.objects.exists()
    _commit(upload, bound_specialist, django_capture_on_commit_callbacks)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED
    assert sorted(Medalist.objects.values_list("participant_code", "medal")) == [
        ("a-1", "first"),
        ("a-2", "first"),
        ("b-1", "second"),
    ]
    # the commit queued the «ege» year figures: the outcome is stored
    run = FiguresRun.objects.get(procedure="ege", campaign=None, year=YEAR)
    assert [s["upload"] for s in run.sources if s.get("kind") == "medalists"] == [upload.pk]
    unconfirmed = IndicatorValue.objects.get(
        run=run, school=school_a, code="ege.medalists_unconfirmed"
    )
    assert unconfirmed.value == 50 and unconfirmed.n == 2


def test_a_second_import_of_a_year_and_school_replaces_its_list(
    results: Any, school_a: Any, bound_specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = _file(
        [YEAR, school_a.login, "a-1", "I степени"], [YEAR, school_a.login, "a-2", "I степени"]
    )
    _commit(_store(bound_specialist, first), bound_specialist, django_capture_on_commit_callbacks)
    again = _store(bound_specialist, first, filename="again.xlsx")
    assert again.report["lists"][0]["replaced"] == 2
    _commit(again, bound_specialist, django_capture_on_commit_callbacks)
    assert Medalist.objects.count() == 2  # safe to re-import
    smaller = _file([YEAR, school_a.login, "a-1", "II степени"])
    _commit(
        _store(bound_specialist, smaller, "smaller.xlsx"),
        bound_specialist,
        django_capture_on_commit_callbacks,
    )
    assert list(Medalist.objects.values_list("participant_code", "medal")) == [("a-1", "second")]


def test_bad_rows_are_named_with_their_row_and_nothing_is_written(
    results: Any, school_a: Any, bound_specialist: Any, second_school: Any
) -> None:
    Medalist.objects.create(year=YEAR, school=school_a, participant_code="a-1", medal="first")
    upload = _store(
        bound_specialist,
        _file(
            [YEAR, school_a.login, "a-2", "I степени"],  # row 2: fine
            [YEAR, "edu000000", "a-3", "I степени"],  # row 3: unknown login
            [YEAR, second_school.login, "c-1", "II степени"],  # row 4: another municipality
            [YEAR, school_a.login, "a-4", "бронзовая"],  # row 5: bad medal
            ["двадцать", school_a.login, "a-5", "I степени"],  # row 6: bad year
            [YEAR, school_a.login, "a-2", "II степени"],  # row 7: a-2 twice
        ),
    )
    assert upload.status == UploadStatus.REJECTED
    errors = _messages(upload)
    assert (
        "Лист «Медалисты», строка 3, столбец B: ОО с логином «edu000000» нет в реестре." in errors
    )
    assert (
        f"Лист «Медалисты», строка 4, столбец B: ОО «{second_school.short_name}» — другого "
        "муниципалитета." in errors
    )
    assert (
        "Лист «Медалисты», строка 5, столбец D: медаль «бронзовая» — ожидается «I степени» "
        "или «II степени»." in errors
    )
    assert any(
        e.startswith("Лист «Медалисты», строка 6, столбец A: год выпуска «двадцать»")
        for e in errors
    )
    assert "Лист «Медалисты», строка 7, столбец C: код участника a-2 уже есть в строке 2." in errors
    assert len(errors) == 5
    # nothing changed, and a confirm of the refused file is refused
    assert list(Medalist.objects.values_list("participant_code", flat=True)) == ["a-1"]
    with pytest.raises(Exception, match="ошибки"):
        upload_confirm(MEDALISTS, upload_id=upload.pk, user=bound_specialist)


def test_a_file_that_went_bad_after_its_check_writes_nothing(
    school_a: Any, bound_specialist: Any
) -> None:
    upload = _store(bound_specialist, _file([YEAR, school_a.login, "a-1", "I степени"]))
    assert upload.status == UploadStatus.CHECKED
    school_a.login = "edu999999"  # a login of the right form that the file does not name
    school_a.save()
    MedalistUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.QUEUED)
    with pytest.raises(JobError, match="нет в реестре"):
        upload_commit(flow_name="medalists", upload_id=upload.pk)
    assert not Medalist.objects.exists()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED


def test_a_code_without_ege_results_is_a_warning_and_shows_as_not_confirmed(
    results: Any, school_a: Any, bound_specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = csv_bytes([HEADER, [YEAR, school_a.login, "a-9", "I степени"]])
    upload = _store(bound_specialist, data, filename="medalisty.csv")
    assert upload.status == UploadStatus.CHECKED
    assert _messages(upload, "warning") == [
        "Лист «medalisty.csv», строка 2, столбец C: кода участника a-9 нет среди результатов "
        f"ЕГЭ {YEAR} г. этой ОО: медаль будет показана как не подтверждённая."
    ]
    _commit(upload, bound_specialist, django_capture_on_commit_callbacks)
    page = _page(bound_specialist, f"?year={YEAR}")
    assert "нет результатов ЕГЭ по коду участника" in page


def test_a_deployment_wide_file_must_be_of_one_municipality(
    school_a: Any, second_school: Any, specialist: Any
) -> None:
    upload = _store(
        specialist,
        _file(
            [YEAR, school_a.login, "a-1", "I степени"],
            [YEAR, second_school.login, "c-1", "I степени"],
        ),
    )
    assert upload.status == UploadStatus.REJECTED
    assert any("нескольких муниципалитетов" in e for e in _messages(upload))
    one = _store(specialist, _file([YEAR, school_a.login, "a-1", "I степени"]))
    assert one.status == UploadStatus.CHECKED and one.municipality_id == school_a.municipality_id


@pytest.fixture
def second_school(db: Any) -> Any:
    other = MunicipalityFactory(name="Второй округ", short_name="Второй МО", oktmo="87654000")
    return SchoolFactory(municipality=other, short_name="МБОУ Озёрная СОШ")


# --- one by one, and the pages ------------------------------------------------------------


def _page(user: Any, query: str = "", name: str = "assessments:medalist_list") -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_medalist_added_by_hand_is_checked_and_a_duplicate_refused(
    results: Any, school_a: Any, specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        medalist_create(
            user=specialist, year=YEAR, school=school_a, participant_code=" a-2 ", medal="first"
        )
    assert Medalist.objects.get().participant_code == "a-2"
    page = _page(specialist, f"?year={YEAR}")
    assert "русский язык: 64 балла при необходимых 70" in page
    with pytest.raises(ValidationError, match="уже есть"):
        medalist_create(
            user=specialist, year=YEAR, school=school_a, participant_code="a-2", medal="second"
        )


def test_only_editors_write_medalists(school_a: Any, director_a: Any, official: Any) -> None:
    for user in (director_a, official):
        with pytest.raises(PermissionDenied):
            medalist_create(
                user=user, year=YEAR, school=school_a, participant_code="a-1", medal="first"
            )
    assert not Medalist.objects.exists()


def test_the_add_and_delete_pages_write_and_recompute(
    results: Any,
    school_a: Any,
    specialist: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(specialist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:medalist_create"),
            {"year": YEAR, "school": school_a.pk, "participant_code": "a-1", "medal": "first"},
        )
    assert response.status_code == 302
    medalist = Medalist.objects.get()
    stored = IndicatorValue.objects.get(code="ege.medalists", school=school_a, campaign=None)
    assert stored.value == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:medalist_delete", args=[medalist.pk]))
    assert response.status_code == 302 and not Medalist.objects.exists()
    stored = IndicatorValue.objects.get(code="ege.medalists", school=school_a, campaign=None)
    assert stored.value == 0


def test_a_director_sees_only_his_own_schools_rows(
    results: Any, school_a: Any, school_b: Any, director_a: Any, specialist: Any
) -> None:
    Medalist.objects.create(year=YEAR, school=school_a, participant_code="a-2", medal="first")
    Medalist.objects.create(year=YEAR, school=school_b, participant_code="b-1", medal="second")
    year_figures_compute(procedure="ege", year=YEAR, municipality_id=school_a.municipality_id)
    mine = _page(director_a, f"?year={YEAR}")
    assert "a-2" in mine and "b-1" not in mine and school_b.short_name not in mine
    everyone = _page(specialist, f"?year={YEAR}")
    assert "a-2" in everyone and "b-1" in everyone
    graduates = _page(director_a, f"?year={YEAR}", "assessments:ege_graduates")
    assert school_a.short_name in graduates and school_b.short_name not in graduates
    all_schools = _page(specialist, f"?year={YEAR}", "assessments:ege_graduates")
    assert school_b.short_name in all_schools


def test_the_graduates_page_shows_the_stored_counts_and_shares(
    school_a: Any, specialist: Any
) -> None:
    # a-1: 82 + 74 + 70 = 226 (220+, three at the minimum); a-2: two subjects only
    add_ege(
        school_a,
        (
            ("a-1", "russian", 82, None),
            ("a-1", "math_profile", 74, None),
            ("a-1", "physics", 70, None),
            ("a-2", "russian", 64, None),
        ),
    )
    year_figures_compute(procedure="ege", year=YEAR, municipality_id=school_a.municipality_id)
    # what the page shows is the stored row, not a recomputation: change it and see
    IndicatorValue.objects.filter(code="ege.graduates_220", school=school_a).update(value=25)
    page = _page(specialist, f"?year={YEAR}", "assessments:ege_graduates")
    assert "25,0\u00a0%" in page  # the stored share, through msoko.formatting
    assert "50,0\u00a0%" in page  # 3+ above the minimum: 1 of 2


def test_another_municipalitys_medalist_cannot_be_deleted(
    second_school: Any, bound_specialist: Any, client_for: Any
) -> None:
    other = Medalist.objects.create(
        year=YEAR, school=second_school, participant_code="c-1", medal="first"
    )
    response = client_for(bound_specialist).post(
        reverse("assessments:medalist_delete", args=[other.pk])
    )
    assert response.status_code == 404
    assert Medalist.objects.filter(pk=other.pk).exists()


def test_the_upload_page_checks_the_file_through_the_shared_flow(
    school_a: Any, bound_specialist: Any, client_for: Any
) -> None:
    client = client_for(bound_specialist)
    data = _file([YEAR, school_a.login, "a-1", "I степени"])
    response = client.post(
        reverse("assessments:medalist_upload"), {"file": SimpleUploadedFile("m.xlsx", data)}
    )
    upload = MedalistUpload.objects.get()
    assert response["Location"] == reverse("assessments:medalist_upload_detail", args=[upload.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Подтвердить загрузку" in page and school_a.short_name in page


# --- the CSV export ------------------------------------------------------------------------


def _csv(user: Any, query: str, name: str = "assessments:medalist_list") -> tuple[Any, list[Any]]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response, list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )


def test_the_list_exports_as_csv_with_the_pages_rows_and_filters(
    results: Any, school_a: Any, school_b: Any, director_a: Any, specialist: Any
) -> None:
    Medalist.objects.create(year=YEAR, school=school_a, participant_code="a-1", medal="first")
    Medalist.objects.create(year=YEAR, school=school_a, participant_code="a-2", medal="first")
    Medalist.objects.create(year=YEAR, school=school_b, participant_code="b-1", medal="second")
    Medalist.objects.create(year=YEAR, school=school_b, participant_code="=1+2", medal="second")
    year_figures_compute(procedure="ege", year=YEAR, municipality_id=school_a.municipality_id)
    page = _page(specialist, f"?year={YEAR}")
    assert f'href="?year={YEAR}&amp;export=csv">Выгрузить CSV</a>' in page
    response, rows = _csv(specialist, f"?year={YEAR}&export=csv")
    assert response["Content-Disposition"] == f'attachment; filename="medalisty-{YEAR}.csv"'
    assert rows[0] == ["ОО", "Код участника", "Медаль", "Подтверждена ЕГЭ", "Причина"]
    a_2_reason = "русский язык: 64 балла при необходимых 70"
    no_ege = "нет результатов ЕГЭ по коду участника"
    assert rows[1:] == [
        # the page's order: school, then code; a formula-like code is written with «'»
        [school_b.short_name, "'=1+2", "II степени", "нет", no_ege],
        [school_b.short_name, "b-1", "II степени", "да", ""],
        [school_a.short_name, "a-1", "I степени", "да", ""],
        [school_a.short_name, "a-2", "I степени", "нет", a_2_reason],
    ]
    # a director's file holds his school only, whatever school is asked for
    _response, mine = _csv(director_a, f"?year={YEAR}&school={school_b.pk}&export=csv")
    assert [row[:4] for row in mine[1:]] == [
        [school_a.short_name, "a-1", "I степени", "да"],
        [school_a.short_name, "a-2", "I степени", "нет"],
    ]
    # the school filter of the page is the file's
    _response, one = _csv(specialist, f"?year={YEAR}&school={school_a.pk}&export=csv")
    assert [row[1] for row in one[1:]] == ["a-1", "a-2"]

"""The objectivity pages: the year's list (filters, sort, exports, chart), the schools with
markers in several years, a marker's evidence, the school card partial — and who sees what."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import FederalListUpload, ObjectivityMarker
from assessments.selectors_objectivity import school_markers
from msoko.choices import Role, UploadStatus
from tests.assessments.objectivity_setup import compute, planted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality: Any) -> dict[str, Any]:
    found = planted(municipality)
    compute(found["vpr"], found["oge"])
    return found


@pytest.fixture
def director(world: dict[str, Any]) -> Any:
    """The director of the ordinary school."""
    return UserFactory(role=Role.DIRECTOR, username="dir_ordinary", school=world["ordinary"])


def _federal_2025(world: dict[str, Any], municipality: Any) -> ObjectivityMarker:
    """A federal list of 2025 naming the inflated school (so it has markers in two years)."""
    upload = FederalListUpload(status=UploadStatus.IMPORTED, municipality=municipality, report={})
    upload.store(filename="perechen-2025.xlsx", data=b"PK\x03\x04")
    upload.save()
    return ObjectivityMarker.objects.create(
        upload=upload,
        municipality=municipality,
        school=world["inflated"],
        year=2025,
        procedure="vpr",
        grade=4,
        code="federal_list",
        value=Decimal(1),
        threshold=Decimal(1),
        raised=True,
        evidence={"column": "4 РУ", "row": 3, "file": "perechen-2025.xlsx"},
        params_version=1,
    )


def test_the_list_shows_the_years_raised_markers_with_their_evidence_and_a_chart(
    world: dict[str, Any], specialist: Any, client_for: Any
) -> None:
    page = client_for(specialist).get(reverse("assessments:objectivity_list"))
    html = page.content.decode()
    assert page.status_code == 200 and "Маркеры необъективности 2026 года" in html
    assert world["inflated"].short_name in html and world["gymnasium"].short_name in html
    assert world["ordinary"].short_name not in html  # nothing raised there
    assert "Не подтверждено ОГЭ / ЕГЭ" in html and "73,3" in html  # evidence in words
    assert "<svg" in html and "Таблица данных" in html  # the chart and its data table
    only = client_for(specialist).get(
        reverse("assessments:objectivity_list") + "?year=2026&code=above_unconfirmed"
    )
    assert world["gymnasium"].short_name not in only.content.decode()


def test_the_list_exports_its_rows_as_csv_and_xlsx_through_the_table(
    world: dict[str, Any], specialist: Any, client_for: Any
) -> None:
    url = reverse("assessments:objectivity_list") + "?year=2026&code=above_unconfirmed"
    response = client_for(specialist).get(url + "&export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Год", "ОО", "Логин", "Процедура"]
    assert [(r[1], r[2], r[7], r[8]) for r in rows[1:]] == [
        (world["inflated"].short_name, world["inflated"].login, "26,7", "20,0")
    ]
    assert "Качество знаний по ВПР" in rows[1][9]
    response = client_for(specialist).get(url + "&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][1] == world["inflated"].short_name and values[1][7] == 26.7
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_director_sees_only_his_own_schools_markers(
    world: dict[str, Any], director: Any, client_for: Any
) -> None:
    client = client_for(director)
    html = client.get(reverse("assessments:objectivity_list") + "?year=2026").content.decode()
    assert world["inflated"].short_name not in html and world["gymnasium"].short_name not in html
    exported = client.get(reverse("assessments:objectivity_list") + "?export=csv&year=2026")
    assert world["inflated"].login not in exported.content.decode("utf-8-sig")
    marker = ObjectivityMarker.objects.get(school=world["inflated"], code="above_unconfirmed")
    assert (
        client.get(reverse("assessments:objectivity_detail", args=[marker.pk])).status_code == 404
    )
    own = ObjectivityMarker.objects.get(school=world["ordinary"], code="above_unconfirmed")
    assert client.get(reverse("assessments:objectivity_detail", args=[own.pk])).status_code == 200


def test_a_specialist_of_another_municipality_gets_404_on_a_marker(
    world: dict[str, Any], client_for: Any
) -> None:
    from tests.factories import MunicipalityFactory

    other = UserFactory(
        role=Role.SPECIALIST, username="spec_m2", municipality=MunicipalityFactory(oktmo="22222000")
    )
    marker = ObjectivityMarker.objects.get(school=world["inflated"], code="above_unconfirmed")
    client = client_for(other)
    assert (
        client.get(reverse("assessments:objectivity_detail", args=[marker.pk])).status_code == 404
    )
    html = client.get(reverse("assessments:objectivity_list")).content.decode()
    assert world["inflated"].short_name not in html


def test_a_marker_page_shows_the_numbers_its_chart_and_where_it_came_from(
    world: dict[str, Any], specialist: Any, client_for: Any
) -> None:
    marker = ObjectivityMarker.objects.get(school=world["inflated"], code="above_unconfirmed")
    html = client_for(specialist).get(marker.get_absolute_url()).content.decode()
    assert "маркер выявлен" in html and "26,7" in html and "20,0" in html
    assert "качество знаний, %" in html and "<svg" in html
    assert reverse("assessments:campaign_detail", args=[world["vpr"].pk]) in html
    assert "ВПР выше ОГЭ" in html  # the school's other marker of the year


def test_the_repeat_page_lists_schools_with_markers_in_two_years(
    world: dict[str, Any], municipality: Any, specialist: Any, director: Any, client_for: Any
) -> None:
    _federal_2025(world, municipality)
    html = client_for(specialist).get(reverse("assessments:objectivity_repeat")).content.decode()
    assert world["inflated"].short_name in html and "Федеральный перечень" in html
    assert world["gymnasium"].short_name not in html  # one year only
    rows = list(
        csv.reader(
            io.StringIO(
                client_for(specialist)
                .get(reverse("assessments:objectivity_repeat") + "?export=csv")
                .content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert rows[0] == ["ОО", "Логин", "Лет с маркерами", "2025", "2026"]
    assert rows[1][:3] == [world["inflated"].short_name, world["inflated"].login, "2"]
    assert rows[1][4] == "Не подтверждено ОГЭ / ЕГЭ; ВПР выше ОГЭ"
    mine = client_for(director).get(reverse("assessments:objectivity_repeat")).content.decode()
    assert world["inflated"].short_name not in mine


def test_the_school_card_partial_lists_a_schools_markers_by_year(
    world: dict[str, Any], municipality: Any, specialist: Any, director: Any
) -> None:
    _federal_2025(world, municipality)
    html = render_to_string(
        "assessments/_school_markers.html",
        {"school_markers": school_markers(specialist, world["inflated"])},
    )
    assert html.index("2026") < html.index("2025")  # latest first
    assert "Федеральный перечень" in html and "Не подтверждено ОГЭ / ЕГЭ" in html
    own = render_to_string(
        "assessments/_school_markers.html",
        {"school_markers": school_markers(director, world["ordinary"])},
    )
    assert "ни один не выявлен" in own

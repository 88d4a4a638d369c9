"""The results page of a campaign against figures computed by hand.

The campaign (tests/assessments/matrix_campaigns.py): tasks 1 (2 б., Б), 2 (1, Б),
3К1 (3, П), 3К2 (2, В), max 8; «3» from 3, «4» from 5, «5» from 7.

School A (СОШ № 1): a1 [2,1,3,2]=8 «5» journal 5; a2 [2,1,2,0]=5 «4» j5; a3 [1,0,1,X]=2 «2» j3;
a4 [2,1,1,1]=5 «4» j3; a5 [1,1,X,0]=2 «2» no journal; one absent.
School B (Каменская СОШ): b1 [2,1,3,1]=7 «5» j4; b2 [0,1,1,0]=2 «2» j2; b3 [2,0,2,0]=4 «3» j5.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from assessments.choices import ReferenceKind, ReferenceLevel
from assessments.models import ReferenceValue, Result
from tests.assessments.matrix_campaigns import compute_figures, hand_campaign, make_campaign
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(school_a: Any, school_b: Any) -> Any:
    campaign = hand_campaign(school_a, school_b)
    ReferenceValue.objects.create(
        campaign=campaign,
        kind=ReferenceKind.MARKS,
        level=ReferenceLevel.REGION,
        name="Тестовая область",
        participants=1000,
        percents={"2": 10, "3": 30, "4": 40, "5": 20},
    )
    ReferenceValue.objects.create(
        campaign=campaign,
        kind=ReferenceKind.JOURNAL,
        level=ReferenceLevel.RUSSIA,
        name="Вся выборка",
        participants=5000,
        counts={"lowered": 1000, "confirmed": 3500, "raised": 500},
        percents={"lowered": 20, "confirmed": 70, "raised": 10},
    )
    return campaign


def _rows(table: Any) -> dict[str, dict[str, Any]]:
    """Rendered cells of a django-tables2 table, keyed by the «ОО» / level column."""
    out = {}
    for row in table.rows:
        cells = {column.name: row.get_cell(column.name) for column in table.columns}
        out[row.record["name"]] = cells
    return out


def test_figures_per_school_and_municipality(campaign, specialist, client_for):
    response = client_for(specialist).get(campaign.get_absolute_url())
    assert response.status_code == 200
    report = response.context["report"]
    total = report.total
    assert (total.participants, total.absent) == (8, 1)
    assert total.mark_counts == {2: 3, 3: 1, 4: 2, 5: 2}
    assert total.mean_mark == Decimal("3.375")
    assert total.mean_primary == Decimal("4.375")

    schools = _rows(response.context["tables"]["main"])
    a = schools["МБОУ СОШ № 1"]
    assert [a[k] for k in ("participants", "absent", "p2", "p3", "p4", "p5")] == [
        5, 1, "40,0", "0,0", "40,0", "20,0"
    ]  # fmt: skip
    assert [a[k] for k in ("pass_rate", "quality_rate", "mean_mark")] == ["60,0", "60,0", "3,40"]
    assert [a[k] for k in ("mean_primary", "mean_primary_percent")] == ["4,4", "55,0"]
    b = schools["МБОУ Каменская СОШ"]
    assert [b[k] for k in ("participants", "p2", "p3", "p4", "p5")] == [
        3, "33,3", "33,3", "0,0", "33,3"
    ]  # fmt: skip
    assert [b[k] for k in ("pass_rate", "quality_rate", "mean_mark")] == ["66,7", "33,3", "3,33"]
    assert [b[k] for k in ("mean_primary", "mean_primary_percent")] == ["4,3", "54,2"]

    totals = _rows(response.context["tables"]["totals"])
    m = totals["Муниципалитет"]
    assert [m[k] for k in ("participants", "p2", "p3", "p4", "p5")] == [
        8, "37,5", "12,5", "25,0", "25,0"
    ]  # fmt: skip
    # 3.375 rounds half up to 3,38; 4.375 to 4,4; 35 / 64 = 54.6875 % to 54,7.
    assert [m[k] for k in ("pass_rate", "quality_rate", "mean_mark")] == ["62,5", "50,0", "3,38"]
    assert [m[k] for k in ("mean_primary", "mean_primary_percent")] == ["4,4", "54,7"]
    region = totals["Регион"]
    assert [region[k] for k in ("p2", "pass_rate", "quality_rate", "mean_mark")] == [
        "10,0", "90,0", "60,0", "3,70"
    ]  # fmt: skip


def test_small_samples_are_flagged(campaign, specialist, client_for):
    response = client_for(specialist).get(campaign.get_absolute_url())
    content = response.content.decode()
    assert content.count("мало данных") >= 3  # both schools and the municipality (8 pupils)
    rows = response.context["tables"]["main"].rows
    assert all(row.record["small_sample"] for row in rows)


def test_tasks_tab_success_per_task_and_mark_group(campaign, specialist, client_for):
    response = client_for(specialist).get(campaign.get_absolute_url(), {"tab": "tasks"})
    table = response.context["tables"]["tasks"]
    rows = {row.record["number"]: row for row in table.rows}
    # task 1: 12 / 16; task 2: 6 / 8; 3К1: 13 / 24 = 54,17; 3К2: 4 / 16.
    assert rows["1"].get_cell("success") == "75,0"
    assert rows["2"].get_cell("success") == "75,0"
    assert rows["3К1"].get_cell("success") == "54,2"
    assert rows["3К2"].get_cell("success") == "25,0"
    # mark group «2» (a3, a5, b2): task 1 = (1 + 1 + 0) / 6
    assert rows["1"].get_cell("s2") == "33,3"
    # 3К2 is a В task: mastered from 30 %, 25 % is not
    assert rows["3К2"].record["mastered"] == "нет"
    assert rows["3К1"].record["mastered"] == "да"
    # X: a3 on 3К2 and a5 on 3К1, 1 of 8 each
    assert rows["3К1"].get_cell("not_attempted_percent") == "12,5"
    matrix = response.context["tables"]["task_schools"]
    by_number = {row.record["number"]: row.record for row in matrix.rows}
    school_a = campaign.results.filter(participant_code="a1").get().school
    assert by_number["3К1"][f"school_{school_a.pk}"] == Decimal(7) * 100 / 15


def test_journal_tab(campaign, specialist, client_for):
    response = client_for(specialist).get(campaign.get_absolute_url(), {"tab": "journal"})
    schools = _rows(response.context["tables"]["journal"])
    a = schools["МБОУ СОШ № 1"]
    assert [a[k] for k in ("compared", "lowered", "confirmed", "raised", "gap")] == [4, 2, 1, 1, 0]
    assert [a[k] for k in ("lowered_percent", "confirmed_percent", "raised_percent")] == [
        "50,0", "25,0", "25,0"
    ]  # fmt: skip
    totals = _rows(response.context["tables"]["journal_totals"])
    m = totals["Муниципалитет"]
    assert [m[k] for k in ("compared", "lowered", "confirmed", "raised", "gap")] == [7, 3, 2, 2, 1]
    assert [m[k] for k in ("lowered_percent", "raised_percent", "gap_percent")] == [
        "42,9", "28,6", "14,3"
    ]  # fmt: skip
    assert totals["Россия"]["lowered_percent"] == "20,0"


def test_xlsx_export_has_the_same_figures(campaign, specialist, client_for):
    response = client_for(specialist).get(campaign.get_absolute_url(), {"export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames[:2] == ["Показатели", "Журнал"]
    assert "Приём результатов" in book.sheetnames
    rows = list(book["Показатели"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("ОО", "Логин", "Участников", "Отсутств.", "«2», %")
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    a = by_name["МБОУ СОШ № 1"]
    assert (a["Участников"], a["«2», %"], a["«4», %"], a["«5», %"]) == (5, 40, 40, 20)
    assert (a["Успеваемость, %"], a["Качество, %"], a["Ср. отметка"]) == (60, 60, 3.4)
    b = by_name["МБОУ Каменская СОШ"]
    assert (b["«2», %"], b["Успеваемость, %"], b["Ср. отметка"], b["% от макс."]) == (
        33.3, 66.7, 3.33, 54.2
    )  # fmt: skip
    m = by_name["Муниципалитет"]
    assert (m["Участников"], m["«2», %"], m["Ср. отметка"], m["Ср. перв. балл"]) == (
        8, 37.5, 3.38, 4.4
    )  # fmt: skip
    assert m["Выборка"] == "мало данных"
    assert by_name["Регион"]["Успеваемость, %"] == 90
    tasks = list(book["Задания"].iter_rows(values_only=True))
    success = {row[0]: row[4] for row in tasks[1:]}
    assert success == {"1": 75, "2": 75, "3К1": 54.2, "3К2": 25}
    journal = list(book["Журнал"].iter_rows(values_only=True))
    jm = {row[0]: row for row in journal[1:]}["Муниципалитет"]
    assert jm[2:6] == (7, 3, 42.9, 2)


def test_director_sees_own_school_and_municipal_totals_only(
    campaign, director_a, school_b, client_for
):
    client = client_for(director_a)
    response = client.get(campaign.get_absolute_url())
    schools = _rows(response.context["tables"]["main"])
    assert list(schools) == ["МБОУ СОШ № 1"]
    totals = _rows(response.context["tables"]["totals"])
    assert totals["Муниципалитет"]["participants"] == 8  # all schools of the municipality
    assert "Каменская" not in response.content.decode()
    for tab in ("tasks", "journal", "distribution", "tracker"):
        page = client.get(campaign.get_absolute_url(), {"tab": tab}).content.decode()
        assert "Каменская" not in page, tab
    export = client.get(campaign.get_absolute_url(), {"export": "xlsx"})
    book = load_workbook(io.BytesIO(export.content), read_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any("Каменская" in str(cell) for cell in row if cell), sheet.title
    other = client.get(campaign.get_absolute_url(), {"tab": "distribution", "school": school_b.pk})
    assert other.context["focus"].short_name == "МБОУ СОШ № 1"


def test_tracker_counts_and_missing_schools(campaign, specialist, municipality, client_for):
    missing = SchoolFactory(municipality=municipality, short_name="МБОУ ООШ № 9", org_type="oosh")
    SchoolFactory(municipality=municipality, short_name="МБДОУ Детский сад", org_type="doo")
    SchoolFactory(municipality=municipality, short_name="МБОУ Закрытая", is_active=False)
    response = client_for(specialist).get(campaign.get_absolute_url(), {"tab": "tracker"})
    tracker = response.context["tracker"]
    assert (tracker.expected, tracker.with_results, tracker.participants) == (3, 2, 8)
    assert tracker.missing == [missing]
    rows = {row.record["name"]: row.record for row in tracker.table.rows}
    assert set(rows) == {"МБОУ СОШ № 1", "МБОУ Каменская СОШ", "МБОУ ООШ № 9"}
    assert (rows["МБОУ СОШ № 1"]["participants"], rows["МБОУ СОШ № 1"]["absent"]) == (5, 1)
    assert rows["МБОУ ООШ № 9"]["status"] == "нет результатов"
    assert "Нет результатов: МБОУ ООШ № 9" in response.content.decode()


def test_tracker_of_a_director_shows_only_his_school(campaign, director_b, client_for):
    response = client_for(director_b).get(campaign.get_absolute_url(), {"tab": "tracker"})
    rows = [row.record["name"] for row in response.context["tracker"].table.rows]
    assert rows == ["МБОУ Каменская СОШ"]
    assert "Закрыть приём" not in response.content.decode()


def test_results_page_query_count(
    campaign, specialist, municipality, client_for, django_assert_max_num_queries
):
    for i in range(15):
        school = SchoolFactory(municipality=municipality)
        Result.objects.create(
            campaign=campaign,
            school=school,
            participant_code=f"x{i}",
            scores=[1, 1, 1, 1],
            primary_score=4,
            mark=3,
        )
    compute_figures(campaign)
    client = client_for(specialist)
    for tab in ("figures", "tasks", "journal", "distribution", "tracker"):
        with django_assert_max_num_queries(14):
            assert client.get(campaign.get_absolute_url(), {"tab": tab}).status_code == 200
    with django_assert_max_num_queries(14):
        client.get(campaign.get_absolute_url(), {"export": "xlsx"})


def test_ege_campaign_shows_test_score_figures(school_a, specialist, client_for):
    campaign = make_campaign(procedure="ege", subject="russian", grade=11, tasks=(), scale=None)
    for i, score in enumerate((20, 30, 40, 85, 100)):
        Result.objects.create(
            campaign=campaign, school=school_a, participant_code=f"e{i}", test_score=score
        )
    Result.objects.create(campaign=campaign, school=school_a, participant_code="e9", absent=True)
    compute_figures(campaign)
    response = client_for(specialist).get(campaign.get_absolute_url())
    assert response.status_code == 200
    assert response.context["is_ege"]
    assert response.context["report"].thresholds == {
        "attestat": Decimal("24.0"),
        "university": Decimal("36.0"),
    }
    total = _rows(response.context["tables"]["totals"])["Муниципалитет"]
    assert [total[k] for k in ("participants", "absent", "mean_score")] == [5, 1, "55,0"]
    assert [total[k] for k in ("below_attestat", "below_attestat_percent")] == [1, "20,0"]
    assert [total[k] for k in ("below_university", "below_university_percent")] == [2, "40,0"]
    assert [total[k] for k in ("high", "high_percent", "hundred")] == [2, "40,0", 1]


def test_campaign_list_counts_only_what_the_director_may_see(campaign, director_a, client_for):
    response = client_for(director_a).get("/assessments/")
    (row,) = response.context["table"].rows
    assert (row.record.participants, row.record.school_count) == (5, 1)
    assert row.record.task_count == 4


def test_campaign_list_filters_and_export(campaign, specialist, client_for):
    client = client_for(specialist)
    make_campaign(subject="math", grade=5)
    assert len(client.get("/assessments/", {"grade": 5}).context["table"].rows) == 1
    assert len(client.get("/assessments/", {"year": 2025}).context["table"].rows) == 0
    assert len(client.get("/assessments/", {"is_locked": "false"}).context["table"].rows) == 2
    response = client.get("/assessments/", {"export": "csv", "grade": 4})
    text = response.content.decode("utf-8-sig").splitlines()
    assert len(text) == 2 and text[1].startswith("ВПР 2026, русский язык, 4 класс;ВПР;2026")


def test_the_schools_table_is_paged(municipality: Any, client_for: Any, specialist: Any) -> None:
    from assessments.views.campaigns import TABLE_PAGE
    from tests.assessments.matrix_campaigns import add_pupils

    campaign = make_campaign()
    for number in range(TABLE_PAGE + 5):
        school = SchoolFactory(municipality=municipality, short_name=f"МБОУ Школа {number:02d}")
        add_pupils(campaign, school, [(f"p{number}", [2, 1, 3, 2], 5)])
    compute_figures(campaign)
    client = client_for(specialist)
    first = client.get(campaign.get_absolute_url()).content.decode()
    second = client.get(campaign.get_absolute_url() + "?main-page=2").content.decode()
    assert "МБОУ Школа 00" in first and f"МБОУ Школа {TABLE_PAGE + 4:02d}" not in first
    assert f"МБОУ Школа {TABLE_PAGE + 4:02d}" in second and "МБОУ Школа 00<" not in second

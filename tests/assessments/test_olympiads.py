"""ВсОШ as stored figures and pages: the computation, the stored rows, the import that
queues them, the pages and who sees what on them."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.choices import OlympiadStatus, UploadStatus
from assessments.models import FiguresRun, IndicatorValue, Subject
from assessments.olympiads import (
    NO_PASSPORT,
    PARTICIPANT,
    PRIZE,
    WINNER,
    OlympiadRecord,
    olympiad_figures,
)
from assessments.services.figures import YEAR_FIGURES, year_figures_compute
from assessments.services.imports import upload_check
from tests.assessments.builders import vsosh_rows, xlsx_bytes
from tests.assessments.matrix_olympiads import RESULTS_A, RESULTS_B, YEAR, add_results
from tests.assessments.test_import_results import run_import
from tests.factories import PassportFactory


def _summary_url(**query: Any) -> str:
    url = reverse("assessments:olympiad_summary")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _text(html: bytes) -> str:
    """The page's visible text, tags and runs of whitespace collapsed."""
    text = re.sub(r"<svg.*?</svg>", " ", html.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


# --- the computation (pure) ---------------------------------------------------------------


def test_status_codes_are_those_of_the_model() -> None:
    model = (OlympiadStatus.WINNER, OlympiadStatus.PRIZE, OlympiadStatus.PARTICIPANT)
    assert tuple(status.value for status in model) == (WINNER, PRIZE, PARTICIPANT)


def test_per_100_figures_equal_the_hand_computed_ones() -> None:
    records = [
        # school 1 (300 pupils): a pupil in two grades of one subject counts once, best status
        OlympiadRecord(1, "school", 10, 8, "p1", WINNER),
        OlympiadRecord(1, "school", 10, 7, "p1", PARTICIPANT),
        OlympiadRecord(1, "school", 10, 7, "p2", PRIZE),
        OlympiadRecord(1, "school", 11, 7, "p1", PRIZE),
        # school 2 (no passport)
        OlympiadRecord(2, "school", 10, 9, "q1", WINNER),
        OlympiadRecord(2, "school", 11, 9, "q2", PARTICIPANT),
    ]
    rows = olympiad_figures(records, {1: 300, 3: 200}, schools=[1, 2, 3])
    by_key = {(r.school_id, r.subject_id): r.figures for r in rows}
    one = by_key[(1, None)]
    # 3 participations (p1, p2 in 10; p1 in 11): 3 / 300 × 100 = 1; 1 winner, 2 prizes
    assert (one.participants, one.winners, one.prizewinners) == (3, 1, 2)
    assert one.participants_per_100 == Decimal("1.0000")
    assert one.winners_per_100 == Decimal("0.3333")  # 1 / 300 × 100, half up at 4 places
    assert one.prizewinners_per_100 == Decimal("0.6667")
    assert by_key[(1, 11)].participants_per_100 == Decimal("0.3333")
    two = by_key[(2, None)]
    assert (two.participants, two.winners, two.participants_per_100) == (2, 1, None)
    assert two.reason == NO_PASSPORT
    three = by_key[(3, None)]  # reported with no participation: zero, not missing
    assert (three.participants, three.participants_per_100) == (0, Decimal("0.0000"))
    assert (3, 10) not in by_key  # but only overall, not per subject
    town = by_key[(None, None)]
    # counts over all schools; per 100 over schools 1 and 3 (500 pupils): 3 / 500 × 100
    assert (town.participants, town.winners, town.prizewinners) == (5, 2, 2)
    assert town.participants_per_100 == Decimal("0.6000")
    assert town.winners_per_100 == Decimal("0.2000")
    assert "по 2 ОО с социальным паспортом из 3" in town.note
    # the municipality's per-subject base is the same 500 pupils
    assert by_key[(None, 10)].participants_per_100 == Decimal("0.4000")  # p1, p2 of school 1


def test_no_records_give_no_rows() -> None:
    assert olympiad_figures([], {1: 100}, schools=[1]) == []


# --- the stored figures --------------------------------------------------------------------


def _stored(municipality: Any) -> dict[tuple[Any, ...], Any]:
    return {
        (v.school_id, v.subject_id, v.part, v.code): v.value
        for v in IndicatorValue.objects.filter(procedure="vsosh", municipality=municipality)
    }


@pytest.mark.django_db
def test_stored_values_per_school_stage_and_subject(
    municipality: Any, school_a: Any, school_b: Any
) -> None:
    PassportFactory(school=school_a, year=YEAR, pupils_total=250)
    PassportFactory(school=school_b, year=YEAR - 1, pupils_total=100)  # another year's
    add_results(school_a, RESULTS_A)
    add_results(school_b, RESULTS_B)
    run = year_figures_compute(procedure="vsosh", year=YEAR, municipality_id=municipality.pk)
    values = _stored(municipality)
    russian = Subject.objects.get(code="russian").pk
    a, b = school_a.pk, school_b.pk
    # School A, school stage: 4 participations, 1 winner, 2 prizes of 250 pupils
    assert values[(a, None, "school", "vsosh.participants")] == 4
    assert values[(a, None, "school", "vsosh.winners")] == 1
    assert values[(a, None, "school", "vsosh.participants_per_100")] == Decimal("1.6")
    assert values[(a, None, "school", "vsosh.winners_per_100")] == Decimal("0.4")
    assert values[(a, None, "school", "vsosh.prizewinners_per_100")] == Decimal("0.8")
    assert values[(a, russian, "school", "vsosh.participants_per_100")] == Decimal("0.8")
    assert values[(a, None, "municipal", "vsosh.participants_per_100")] == Decimal("0.4")
    # School B has no passport of the year: counts, no per-100 figures
    assert values[(b, None, "school", "vsosh.participants")] == 2
    assert values[(b, None, "school", "vsosh.participants_per_100")] is None
    # The municipality: 6 participations; per 100 over school A only (250 pupils)
    assert values[(None, None, "school", "vsosh.participants")] == 6
    assert values[(None, None, "school", "vsosh.winners")] == 2
    assert values[(None, None, "school", "vsosh.participants_per_100")] == Decimal("1.6")
    assert run.participants == 6 and run.campaign is None


@pytest.mark.django_db
def test_computing_twice_gives_identical_rows(
    municipality: Any, school_a: Any, school_b: Any
) -> None:
    PassportFactory(school=school_a, year=YEAR, pupils_total=300)
    add_results(school_a, RESULTS_A)
    add_results(school_b, RESULTS_B)

    def compute() -> list[tuple[Any, ...]]:
        year_figures_compute(procedure="vsosh", year=YEAR, municipality_id=municipality.pk)
        return sorted(
            IndicatorValue.objects.filter(procedure="vsosh").values_list(
                "level", "school_id", "subject_id", "grade", "part", "code", "value", "n"
            ),
            key=repr,
        )

    first = compute()
    second = compute()
    assert first and first == second
    assert FiguresRun.objects.filter(procedure="vsosh", year=YEAR).count() == 1


@pytest.mark.django_db
def test_compute_indicators_runs_the_olympiad_year(municipality: Any, school_a: Any) -> None:
    assert "vsosh" in YEAR_FIGURES
    add_results(school_a, RESULTS_A)
    call_command("compute_indicators", "--year", str(YEAR), stdout=io.StringIO())
    assert IndicatorValue.objects.filter(
        procedure="vsosh", year=YEAR, school=school_a, code="vsosh.participants", part="school"
    ).exists()


# --- the import queues the figures, the page shows them -----------------------------------


@pytest.mark.django_db
def test_an_import_makes_the_summary_show_the_new_figures(
    specialist: Any,
    school_a: Any,
    school_b: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    PassportFactory(school=school_a, year=2026, pupils_total=400)
    client = client_for(specialist)
    before = client.get(_summary_url(year=2026))
    assert "За 2025/26 учебный год данных ВсОШ нет" in _text(before.content)
    data = xlsx_bytes(
        {
            "ВсОШ": vsosh_rows(
                [
                    ("школьный", 11, school_a.login, 5, "Русский язык", 20, "Победитель"),
                    ("школьный", 12, school_a.login, 6, "Математика", 30, "Призёр"),
                    ("школьный", 13, school_b.login, 6, "Математика", 10, "Участник"),
                ]
            )
        }
    )
    upload = upload_check(user=specialist, filename="vsosh.xlsx", data=data)
    assert upload.status == UploadStatus.CHECKED, upload.report["problems"]
    run_import(upload, specialist, django_capture_on_commit_callbacks)
    run = FiguresRun.objects.get(procedure="vsosh", year=2026)
    assert [s["upload"] for s in run.sources] == [upload.pk]
    text = _text(client.get(_summary_url(year=2026)).content)
    assert "ВсОШ 2026: школьный этап" in text
    # School A: 2 participations of 400 pupils = 0,5 per 100; 1 winner + 1 prize = 0,5
    assert f"{school_a.short_name} 2 1 1 0,5 0,3 0,3 0,5" in text
    assert f"{school_b.short_name} нет паспорта 1 0 0 — — — —" in text
    assert "Математика 2 0 1" in text  # the municipality by subject


# --- who sees what --------------------------------------------------------------------------


@pytest.fixture
def olympiad_year(municipality: Any, school_a: Any, school_b: Any) -> None:
    PassportFactory(school=school_a, year=YEAR, pupils_total=500)
    PassportFactory(school=school_b, year=YEAR, pupils_total=200)
    add_results(school_a, RESULTS_A)
    add_results(school_b, RESULTS_B)
    year_figures_compute(procedure="vsosh", year=YEAR, municipality_id=municipality.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("olympiad_year")
def test_a_director_sees_his_school_and_the_municipal_totals_only(
    director_a: Any, school_a: Any, school_b: Any, client_for: Any
) -> None:
    client = client_for(director_a)
    text = _text(client.get(_summary_url()).content)
    assert school_a.short_name in text
    assert school_b.short_name not in text
    assert "Участий (муниципалитет) 6" in text  # both schools' participations in the total
    own = client.get(reverse("assessments:olympiad_school", args=[school_a.pk]))
    own_text = _text(own.content)
    assert "a-101" in own_text and "победитель" in own_text
    assert "b-201" not in own_text
    other = client.get(reverse("assessments:olympiad_school", args=[school_b.pk]))
    assert other.status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("olympiad_year")
def test_the_specialist_sees_every_school_and_the_history_by_year(
    specialist: Any, school_a: Any, school_b: Any, client_for: Any
) -> None:
    client = client_for(specialist)
    text = _text(client.get(_summary_url(stage="municipal")).content)
    assert "ВсОШ 2025: муниципальный этап" in text
    assert school_a.short_name in text and school_b.short_name in text
    page = _text(client.get(reverse("assessments:olympiad_school", args=[school_b.pk])).content)
    # school stage, all subjects: 2 participations, 1 winner, 0 prizes, 2 / 200 × 100 = 1,0
    assert "школьный все предметы 2 (1 / 0); 1,0" in page


@pytest.mark.django_db
@pytest.mark.usefixtures("olympiad_year")
def test_the_chart_carries_its_title_and_values(specialist: Any, client_for: Any) -> None:
    html = client_for(specialist).get(_summary_url()).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, flags=re.S)
    assert svg is not None
    title = "ВсОШ 2025, школьный этап: победителей и призёров на 100 обучающихся"
    assert re.search(rf"<title id=\"[^\"]+\">{title}</title>", svg.group(0))
    # school A: 1 winner + 2 prizes of 500 = 0,6; school B: 1 winner of 200 = 0,5;
    # the municipality: 2 + 2 of 700 = 0,57… → 0,6 (0,2857 + 0,2857 stored)
    assert ">0,6</text>" in svg.group(0) and ">0,5</text>" in svg.group(0)
    assert "Победителей и призёров на 100, СОШ № 1: 0,6" in svg.group(0)
    # a row per school, best first, and the municipality as the labelled reference line
    assert svg.group(0).index("СОШ № 1</tspan>") < svg.group(0).index("Каменская СОШ</tspan>")
    assert "<title>Муниципалитет: 0,6</title>" in svg.group(0)
    assert "Моя организация" not in svg.group(0)  # nothing is highlighted for a specialist
    table = html[svg.end() :]
    assert '<th scope="row">Каменская СОШ</th><td class="num">0,5</td>' in table
    assert '<th scope="row">Муниципалитет</th><td class="num">0,6</td>' in table


@pytest.mark.django_db
@pytest.mark.usefixtures("olympiad_year")
def test_a_directors_chart_highlights_his_school(director_a: Any, client_for: Any) -> None:
    html = client_for(director_a).get(_summary_url()).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, flags=re.S)
    assert svg is not None
    assert "Победителей и призёров на 100, СОШ № 1: 0,6 (Моя организация)" in svg.group(0)
    assert "<title>Муниципалитет: 0,6</title>" in svg.group(0)
    assert "Каменская СОШ" not in svg.group(0)


@pytest.mark.django_db
@pytest.mark.usefixtures("olympiad_year")
def test_a_year_without_data_says_so_and_how_to_import(specialist: Any, client_for: Any) -> None:
    text = _text(client_for(specialist).get(_summary_url(year=2019)).content)
    assert "За 2018/19 учебный год данных ВсОШ нет" in text
    assert "загрузите протокол олимпиады" in text
    assert "Есть данные за годы: 2025" in text
    assert "По организациям" not in text


@pytest.mark.django_db
def test_results_without_figures_are_told_apart(
    specialist: Any, school_a: Any, client_for: Any
) -> None:
    add_results(school_a, RESULTS_A)  # imported, but the figures job has not run
    text = _text(client_for(specialist).get(_summary_url(year=YEAR)).content)
    assert "показатели ещё не рассчитаны" in text
    assert f"compute_indicators --year {YEAR}" in text


@pytest.mark.django_db
@pytest.mark.usefixtures("olympiad_year")
def test_the_school_table_sorts_by_a_column(
    specialist: Any, school_a: Any, school_b: Any, client_for: Any
) -> None:
    client = client_for(specialist)

    def order(**query: Any) -> list[str]:
        text = _text(client.get(_summary_url(**query)).content)
        table = text[text.index("По организациям") :]
        return sorted(
            [school_a.short_name, school_b.short_name], key=lambda name: table.index(name)
        )

    # by default the most winners and prize-winners per 100 first: A 0,6, B 0,5
    assert order() == [school_a.short_name, school_b.short_name]
    # winners per 100: B 0,5 before A 0,2
    assert order(**{"s-sort": "-winners_per_100"}) == [school_b.short_name, school_a.short_name]


@pytest.mark.django_db
def test_the_summary_reads_a_constant_number_of_queries(
    municipality: Any, school_a: Any, school_b: Any, specialist: Any, client_for: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SchoolFactory

    client = client_for(specialist)

    def queries() -> int:
        year_figures_compute(procedure="vsosh", year=YEAR, municipality_id=municipality.pk)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_summary_url()).status_code == 200
        return len(captured)

    add_results(school_a, RESULTS_A)
    client.get(_summary_url())  # warm the per-process caches
    few = queries()
    for _ in range(4):
        add_results(SchoolFactory(municipality=municipality), RESULTS_B)
    assert queries() == few


# --- the CSV export ------------------------------------------------------------------------


def _csv(client: Any, **query: Any) -> tuple[Any, list[list[str]]]:
    response = client.get(_summary_url(export="csv", **query))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(text), delimiter=";"))


SCHOOL_HEADER = [
    "ОО",
    "n",
    "Победителей",
    "Призёров",
    "Участий на 100",
    "Победителей на 100",
    "Призёров на 100",
    "Победителей и призёров на 100",
]


@pytest.mark.django_db
@pytest.mark.usefixtures("olympiad_year")
def test_the_summary_exports_its_tables_as_csv_in_the_pages_order(
    specialist: Any, school_a: Any, school_b: Any, client_for: Any
) -> None:
    client = client_for(specialist)
    html = client.get(_summary_url(year=YEAR)).content.decode()
    assert f'href="?year={YEAR}&amp;export=csv&amp;table=schools">Выгрузить CSV</a>' in html
    assert f'href="?year={YEAR}&amp;export=csv&amp;table=subjects">Выгрузить CSV</a>' in html
    response, rows = _csv(client, year=YEAR, table="schools")
    assert response["Content-Disposition"] == f'attachment; filename="vsosh-{YEAR}-school-oo.csv"'
    # school stage. A: 4 participations of 500 pupils, 1 winner, 2 prizes; B: 2 of 200, 1 winner
    a_row = [school_a.short_name, "4", "1", "2", "0,8", "0,2", "0,4", "0,6"]
    b_row = [school_b.short_name, "2", "1", "0", "1,0", "0,5", "0,0", "0,5"]
    assert rows == [SCHOOL_HEADER, a_row, b_row]  # the most awarded per 100 first
    # the page's sort is the file's
    _response, by_winners = _csv(
        client, year=YEAR, table="schools", **{"s-sort": "-winners_per_100"}
    )
    assert by_winners == [SCHOOL_HEADER, b_row, a_row]
    response, subjects = _csv(client, year=YEAR, table="subjects")
    assert response["Content-Disposition"] == (
        f'attachment; filename="vsosh-{YEAR}-school-predmety.csv"'
    )
    # the municipality by subject: 3 participations each of 700 pupils, 1 winner, 1 prize
    assert subjects == [
        ["Предмет", "Участий", *SCHOOL_HEADER[2:]],
        ["Русский язык", "3", "1", "1", "0,4", "0,1", "0,1", "0,3"],
        ["Математика", "3", "1", "1", "0,4", "0,1", "0,1", "0,3"],
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("olympiad_year")
def test_a_directors_csv_holds_his_school_only_and_formula_like_names_are_quoted(
    director_a: Any, school_a: Any, school_b: Any, client_for: Any
) -> None:
    school_a.short_name = '=HYPERLINK("http://x")'
    school_a.save()
    _response, rows = _csv(client_for(director_a), table="schools")
    assert rows == [
        SCHOOL_HEADER,
        ['\'=HYPERLINK("http://x")', "4", "1", "2", "0,8", "0,2", "0,4", "0,6"],
    ]
    # by subject he gets the municipality's figures, as on his page
    _response, subjects = _csv(client_for(director_a), table="subjects")
    assert subjects[1] == ["Русский язык", "3", "1", "1", "0,4", "0,1", "0,1", "0,3"]

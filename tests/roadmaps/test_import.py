"""Import of existing road maps from .xlsx and .docx tables (DOMAIN §4.5), and bad input."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook

from roadmaps import services
from roadmaps.importing import parse_roadmap_file
from roadmaps.models import Roadmap, Task

HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ответственные", "Индикативные показатели"]
ROWS: list[list[str]] = [
    ["1. Система оценки качества подготовки обучающихся", "", "", "", ""],
    [
        "1",
        "Мониторинг результатов ВПР",
        "ежегодно, октябрь-ноябрь",
        "Отдел образования",
        "Наличие аналитического отчета",
    ],
    [
        "1.1",
        "Анализ результатов ВПР\nпо предметам",
        "ежегодно, декабрь",
        "ИМЦ\nОО",
        "Наличие аналитической справки",
    ],
    ["1.1.1", "Адресные рекомендации", "", "ИМЦ", "не менее 2 мероприятий в год"],
    [
        "1.2",
        "Участие в НИКО",
        "при попадании в выборку НИКО",
        "ОО",
        "Участие ОО в соответствии с выборкой",
    ],
    ["2. Система работы со школами с низкими результатами обучения", "", "", "", ""],
    ["2", "Программы ШНОР", "сентябрь 2024 г.", "Отдел образования", "Наличие адресных программ"],
]


def build_xlsx(
    header: list[str] = HEADER, rows: list[list[str]] = ROWS, merge: bool = True
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Приложение 1 к приказу от 20.12.2023 № 15"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if merge:
        # Section rows span the table; «Сроки» of 1.1 covers 1.1.1 too (rows 5–6).
        sheet.merge_cells("A3:E3")
        sheet.merge_cells("A8:E8")
        sheet.merge_cells("C5:C6")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_docx(rows: list[list[str]] = ROWS, with_table: bool = True) -> bytes:
    document = Document()
    document.add_paragraph("Дорожная карта на 2024–2026 годы")
    if with_table:
        table = document.add_table(rows=1 + len(rows), cols=5)
        for col, text in enumerate(HEADER):
            table.cell(0, col).text = text
        for index, row in enumerate(rows, start=1):
            for col, text in enumerate(row):
                if text:
                    table.cell(index, col).text = text
            if not any(row[1:]):
                table.cell(index, 0).merge(table.cell(index, 4))  # a section row
        table.cell(3, 2).merge(table.cell(4, 2))  # «Сроки» of 1.1 covers 1.1.1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _check(data: bytes, name: str) -> Any:
    return parse_roadmap_file(name, data, start_year=2024, end_year=2026)


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_table_is_read_with_sections_numbering_and_merged_deadline(kind: str) -> None:
    data = build_xlsx() if kind == "xlsx" else build_docx()
    parsed = _check(data, f"karta.{kind}")
    assert not parsed.errors, parsed.errors
    assert parsed.task_count == 5
    assert [s["direction"] for s in parsed.sections] == ["1.1", "1.2"]
    first = parsed.sections[0]["tasks"][0]
    child = first["children"][0]
    assert child["number"] == "1.1"
    assert child["title"] == "Анализ результатов ВПР\nпо предметам"
    assert child["responsible"] == ["ИМЦ", "ОО"]
    # The merged «Сроки» cell applies to the row it covers.
    assert child["children"][0]["deadline"] == "ежегодно, декабрь"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_import_commits_the_road_map(kind: str, specialist: Any) -> None:
    data = build_xlsx() if kind == "xlsx" else build_docx()
    roadmap, _parsed = services.roadmap_import_commit(
        filename=f"karta.{kind}",
        data=data,
        params={
            "title": "Импорт",
            "act_kind": "prikaz",
            "act_number": "15",
            "start_year": 2024,
            "end_year": 2026,
        },
        owner=specialist,
    )
    assert roadmap is not None
    tasks = {t.number: t for t in roadmap.tasks.all()}
    assert set(tasks) == {"1", "1.1", "1.1.1", "1.2", "2"}
    assert tasks["1.1.1"].parent == tasks["1.1"]
    assert tasks["1.1.1"].indicator_kind == "number" and tasks["1.1.1"].target_value == 2
    assert tasks["1.2"].occurrences.count() == 0  # conditional: «при попадании в выборку НИКО»
    assert tasks["1.1"].occurrences.count() == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["1", "", "2024", "ИМЦ", "Наличие"]], "нет названия мероприятия"),
        (
            [["1", "Анализ", "2024", "", ""], ["1.1.1", "Справка", "2024", "", ""]],
            "пропускает уровень",
        ),
        ([["1", "Анализ", "сентябрь 2030 г.", "", ""]], "вне периода"),
        ([["1", "Анализ", "2024", "", ""], ["1", "Повтор", "2025", "", ""]], "уже встречался"),
        ([["а", "Анализ", "2024", "", ""]], "не похож"),
    ],
)
def test_bad_rows_are_reported_by_row(rows: list[list[str]], message: str) -> None:
    parsed = _check(build_xlsx(rows=rows, merge=False), "karta.xlsx")
    assert parsed.errors
    assert any(message in str(p) for p in parsed.errors), parsed.errors
    assert any(p.row is not None and p.row >= 3 for p in parsed.errors)


def test_row_numbers_point_at_the_bad_row() -> None:
    rows = [["1", "Анализ", "2024", "", ""], ["2", "", "2024", "", ""]]
    parsed = _check(build_xlsx(rows=rows, merge=False), "karta.xlsx")
    assert parsed.errors[0].row == 4
    assert "строка 4, столбец Мероприятие: нет названия" in str(parsed.errors[0])


def test_docx_without_a_table_is_refused() -> None:
    parsed = _check(build_docx(with_table=False), "karta.docx")
    assert "нет таблицы" in str(parsed.errors[0])


def test_table_without_the_header_is_refused() -> None:
    parsed = _check(build_xlsx(header=["a", "b", "c", "d", "e"], merge=False), "karta.xlsx")
    assert "заголовка" in str(parsed.errors[0])


def test_other_files_are_refused() -> None:
    parsed = _check(b"%PDF-1.4 nothing", "karta.pdf")
    assert parsed.errors


def test_unreadable_deadline_is_a_warning_not_an_error() -> None:
    rows = [["1", "Анализ", "по согласованию с министерством", "", ""]]
    parsed = _check(build_xlsx(rows=rows, merge=False), "karta.xlsx")
    assert not parsed.errors and parsed.unparsed == 1
    assert "не распознан" in str(parsed.warnings[0])


@pytest.mark.django_db
def test_import_with_errors_writes_nothing(specialist: Any) -> None:
    rows = [*ROWS, ["3", "", "2024", "", ""]]
    roadmap, parsed = services.roadmap_import_commit(
        filename="karta.xlsx",
        data=build_xlsx(rows=rows),
        params={"title": "Импорт", "start_year": 2024, "end_year": 2026},
        owner=specialist,
    )
    assert roadmap is None and parsed.errors
    assert not Roadmap.objects.exists() and not Task.objects.exists()


@pytest.mark.django_db
def test_import_pages_dry_run_then_commit(
    specialist: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(specialist)
    response = client.post(
        "/roadmaps/import/",
        {
            "file": SimpleUploadedFile("karta.docx", build_docx()),
            "title": "Дорожная карта из Word",
            "act_kind": "prikaz",
            "act_number": "7",
            "start_year": 2024,
            "end_year": 2026,
            "status": "draft",
        },
    )
    assert response.status_code == 302
    assert not Roadmap.objects.exists()  # the dry run writes nothing
    page = client.get(response["Location"])
    assert "Найдено мероприятий: <strong>5</strong>" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the commit runs as a job
        confirm = client.post(response["Location"] + "confirm/")
    assert confirm["Location"] == response["Location"]
    roadmap = Roadmap.objects.get()
    assert roadmap.tasks.count() == 5 and roadmap.act_number == "7"
    page = client.get(response["Location"]).content.decode()
    assert "Дорожная карта загружена: задач — 5." in page
    assert roadmap.get_absolute_url() in page

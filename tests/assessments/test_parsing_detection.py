"""Format detection weighs titles, sheet names and the header, and never falls back.

A file that looks like one format but lacks that format's required columns is refused,
naming the missing columns, even when its other columns happen to fit another format.
"""

from assessments.parsing import (
    FORMAT_COLLECTION,
    FORMAT_EGE,
    FORMAT_F1,
    FORMAT_F3_MARKS,
    FORMAT_OGE,
    FORMAT_VSOSH,
)
from tests.assessments.builders import (
    ExamRow,
    Pupil,
    collection_rows,
    f1_rows,
    f3_marks_rows,
    messages,
    parse_bytes,
    rcoi_rows,
    sample_schools,
    vsosh_rows,
    xlsx_bytes,
)

SERVICE = [["Вариант", "Отметка"], [1, 2], [2, 3]]


def _drop_columns(rows: list[list], header_row: int, names: set[str]) -> list[list]:
    """The rows without the columns whose header (at `header_row`) is in `names`."""
    header = rows[header_row]
    keep = [i for i, value in enumerate(header) if value not in names]
    out = []
    for r, row in enumerate(rows):
        if r < header_row:
            out.append(row)
        else:
            out.append([row[i] if i < len(row) else "" for i in keep])
    return out


def _refusal(parsed) -> str:
    assert parsed.refused, messages(parsed)
    assert parsed.rows == [] and parsed.reference_rows == [] and parsed.olympiad_rows == []
    (error,) = parsed.errors
    return error.message


def test_collection_form_without_code_and_variant_is_refused_naming_them():
    rows = collection_rows([Pupil(101, [2, 1, 3, 3, 2]), Pupil(102, [1, 1, 1, 1, 1])])
    rows = _drop_columns(rows, 2, {"Код участника", "Вариант"})
    data = xlsx_bytes({"Протокол": rows, "Служебный": SERVICE})
    parsed = parse_bytes("form.xlsx", data)
    assert parsed.format == FORMAT_COLLECTION
    message = _refusal(parsed)
    assert message.startswith(
        "Файл похож на форму сбора результатов ВПР (лист «Протокол»), но в нём нет столбцов: "
        "«Код участника», «Вариант»"
    ), message
    assert "заголовок «Форма сбора результатов Математика 5 класс ВПР 2026»" in message
    assert "лист «Протокол»" in message and "лист «Служебный»" in message


def test_collection_form_without_task_columns_is_refused_not_unknown():
    rows = collection_rows([Pupil(101, [2, 1, 3, 3, 2])], total_formula=False)
    header = rows[2]
    rows = _drop_columns(rows, 2, {h for h in header if "б)" in str(h)})
    parsed = parse_bytes("form.xlsx", xlsx_bytes({"Протокол": rows}))
    assert parsed.format == FORMAT_COLLECTION
    message = _refusal(parsed)
    assert "нет столбцов: с баллами за задания (вида «1 (5б)»)" in message, message


def test_f1_without_task_columns_is_refused_and_not_read_as_an_oge_protocol():
    rows = f1_rows(sample_schools())
    header = rows[7]
    rows = _drop_columns(rows, 7, {h for h in header if "б)" in str(h)})
    parsed = parse_bytes("f1.xlsx", xlsx_bytes({"Индивидуальные результаты": rows}))
    assert parsed.format == FORMAT_F1
    message = _refusal(parsed)
    assert message.startswith(
        "Файл похож на форму Ф1 ФИС ОКО «Индивидуальные результаты», но в нём нет столбцов: "
        "с баллами за задания"
    ), message


def test_f1_header_without_titles_and_tasks_is_still_an_f1_by_its_columns():
    rows = f1_rows(sample_schools(), title=False)
    header = rows[0]
    rows = _drop_columns(rows, 0, {h for h in header if "б)" in str(h)})
    parsed = parse_bytes("f1.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_F1
    message = _refusal(parsed)
    assert "нет столбцов: с баллами за задания" in message
    assert "столбец «Муниципалитет»" in message and "столбец «Отметка по журналу»" in message


def test_f1_without_participant_code_is_refused_naming_it():
    rows = _drop_columns(f1_rows(sample_schools()), 7, {"Код участника"})
    parsed = parse_bytes("f1.xlsx", xlsx_bytes({"Индивидуальные результаты": rows}))
    assert parsed.format == FORMAT_F1
    assert "нет столбцов: «Код участника»" in _refusal(parsed)


def test_olympiad_without_status_is_refused_naming_it():
    rows = vsosh_rows([("школьный", 1, "edu203389", 7, "Математика", 12, "победитель")])
    rows = _drop_columns(rows, 2, {"Статус"})
    parsed = parse_bytes("vsosh.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_VSOSH
    message = _refusal(parsed)
    assert message.startswith("Файл похож на результаты ВсОШ, но в нём нет столбцов: «Статус»")


def test_marks_statistics_without_a_mark_column_is_refused_naming_it():
    rows, merged = f3_marks_rows([["Вся выборка", 100, 1000, 5, 30, 45, 20]])
    for row in rows[3:]:
        del row[6:]
    parsed = parse_bytes("f3.xlsx", xlsx_bytes({"Лист1": rows}, merged={"Лист1": merged[:3]}))
    assert parsed.format == FORMAT_F3_MARKS
    message = _refusal(parsed)
    assert message.startswith(
        "Файл похож на форму ФИС ОКО «Статистика по отметкам», но в нём нет столбцов: «5»"
    ), message


def test_an_aggregate_without_a_mark_column_is_not_read_as_the_journal_comparison():
    rows = [
        ["Группы участников", "Кол-во участников", "2", "3", "4"],
        ["Вся выборка", 1000, 5, 30, 45],
    ]
    parsed = parse_bytes("f3.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_F3_MARKS
    assert "нет столбцов: «5». Признаки формы: столбец «Группы участников»" in _refusal(parsed)


def test_oge_protocol_without_marks_is_not_read_as_an_ege_protocol():
    rows = rcoi_rows(
        [ExamRow(1), ExamRow(2)],
        kind="ege",
        headers={"last": "Итоговый балл"},
        title="Протокол результатов ОГЭ 2026 (русский язык)",
    )
    parsed = parse_bytes("oge.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_OGE
    assert "Файл похож на протокол ОГЭ из РЦОИ, но в нём нет столбцов: «Оценка»" in _refusal(parsed)


def test_ege_protocol_with_marks_is_refused_unless_it_is_the_basic_mathematics():
    title = "Протокол результатов ЕГЭ 2026"
    rows = rcoi_rows([ExamRow(1)], kind="oge", title=title)
    parsed = parse_bytes("ege.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_EGE
    assert "нет столбцов: «Тестовый балл»" in _refusal(parsed)
    base = rcoi_rows([ExamRow(1, subject_code="22", mark=5)], kind="oge", title=title)
    parsed = parse_bytes("ege.xlsx", xlsx_bytes({"Лист1": base}))
    assert parsed.ok and not parsed.refused, messages(parsed)
    assert parsed.procedure == "ЕГЭ" and parsed.rows[0].mark == 5


def test_a_minimal_ege_protocol_on_a_sheet_named_protokol_is_still_an_ege_protocol():
    rows = [["Код участника", "Первичный балл", "Тестовый балл"], [1, 20, 70], [2, 10, 40]]
    parsed = parse_bytes("ege.xlsx", xlsx_bytes({"Протокол": rows}))
    assert parsed.format == FORMAT_EGE
    assert parsed.ok, messages(parsed)
    assert [r.test_score for r in parsed.rows] == [70, 40]


def test_a_collection_form_with_a_primary_score_column_is_not_taken_for_an_f1():
    rows = [
        ["Код участника", "Вариант", "1 (2б)", "2 (1б)", "Первичный балл"],
        [1, 1, 2, 1, 3],
    ]
    parsed = parse_bytes("form.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_COLLECTION
    assert parsed.ok, messages(parsed)


def test_the_well_formed_files_keep_their_formats():
    f1 = parse_bytes("f1.xlsx", xlsx_bytes({"Ф1": f1_rows(sample_schools())}))
    assert f1.format == FORMAT_F1 and f1.ok and not f1.refused
    form = parse_bytes(
        "form.xlsx",
        xlsx_bytes(
            {"Протокол": collection_rows([Pupil(1, [1, 1, 1, 1, 1])]), "Служебный": SERVICE}
        ),
    )
    assert form.format == FORMAT_COLLECTION and form.ok
    ege = parse_bytes("ege.xlsx", xlsx_bytes({"Протокол ЕГЭ": rcoi_rows([ExamRow(1)])}))
    assert ege.format == FORMAT_EGE and ege.ok
    oge = parse_bytes("oge.xlsx", xlsx_bytes({"ОГЭ": rcoi_rows([ExamRow(1)], kind="oge")}))
    assert oge.format == FORMAT_OGE and oge.ok
